-- The home timeline of issue 12 as two statements (tweet_store.c before
-- the flags joined the page): "feed_state", "feed_before" (the 12
-- columns of each tweet and of a repost's original, LEFT JOIN), then
-- "flags" of the page's ids (bench_readers.page: the reader's first page
-- and its reposts' originals). For tests/bench/sql-compare.sh.
\set n random(1, :readers)
\set before 9223372036854775807
\set lim 20
SELECT user_id AS uid, page FROM bench_readers WHERE n = :n \gset
SELECT (SELECT user_seq FROM replica_state) AS user_seq,
    fr.reader_id IS NOT NULL AS kept, coalesce(fr.horizon, 0) AS horizon,
    fr.seen_at < now() - interval '1 hour' AS stale
    FROM (SELECT 1) x LEFT JOIN feed_readers fr ON fr.reader_id = :uid \gset
SELECT t.id, t.user_id, t.username, t.content, floor(extract(epoch FROM
    t.created_at) * 1000)::bigint, t.reply_to, t.conversation_id, t.mentions,
    t.reply_count, t.like_count, t.repost_count, t.repost_of, o.id,
    o.user_id, o.username, o.content, floor(extract(epoch FROM o.created_at)
    * 1000)::bigint, o.reply_to, o.conversation_id, o.mentions,
    o.reply_count, o.like_count, o.repost_count, o.repost_of FROM tweets t
    LEFT JOIN tweets o ON o.id = t.repost_of WHERE t.id IN ((SELECT tweet_id
    FROM feed WHERE reader_id = :uid AND tweet_id < :before AND tweet_id >=
    :horizon ORDER BY tweet_id DESC LIMIT :lim) UNION (SELECT x.id FROM
    feed_authors a JOIN follows f ON f.follower_id = :uid AND f.followee_id =
    a.author_id CROSS JOIN LATERAL (SELECT id FROM tweets WHERE user_id =
    a.author_id AND (user_id, id) < (a.author_id, :before) AND id >= :horizon
    ORDER BY id DESC LIMIT :lim) x WHERE a.popular)) ORDER BY t.id DESC LIMIT
    :lim;
SELECT 'l', tweet_id FROM likes WHERE user_id = :uid
    AND tweet_id = ANY (:page::bigint[]) UNION ALL
    SELECT 'r', repost_of FROM tweets WHERE repost_of IS NOT NULL
    AND repost_of = ANY (:page::bigint[]) AND user_id = :uid;
