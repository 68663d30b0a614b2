-- The home timeline with the caller's flags as two EXISTS in the select
-- list of the chosen page: one probe of the indexes likes (user_id,
-- tweet_id) and tweets (repost_of, user_id) per row of the page (no
-- arrays, no materialized CTE). For tests/bench/sql-compare.sh.
\set n random(1, :readers)
\set before 9223372036854775807
\set lim 20
SELECT user_id AS uid, page FROM bench_readers WHERE n = :n \gset
SELECT (SELECT user_seq FROM replica_state) AS user_seq,
    fr.reader_id IS NOT NULL AS kept, coalesce(fr.horizon, 0) AS horizon,
    fr.seen_at < now() - interval '1 hour' AS stale
    FROM (SELECT 1) x LEFT JOIN feed_readers fr ON fr.reader_id = :uid \gset
SELECT p.*, EXISTS (SELECT FROM likes l WHERE l.user_id = :uid AND
    l.tweet_id = coalesce(p.trp, p.tid)), EXISTS (SELECT FROM tweets r WHERE
    r.repost_of = coalesce(p.trp, p.tid) AND r.user_id = :uid) FROM (SELECT t.id,
    t.user_id, t.username, t.content,
    floor(extract(epoch FROM t.created_at) * 1000)::bigint, t.reply_to,
    t.conversation_id, t.mentions, t.reply_count, t.like_count,
    t.repost_count, t.repost_of, o.id, o.user_id, o.username, o.content,
    floor(extract(epoch FROM o.created_at) * 1000)::bigint, o.reply_to,
    o.conversation_id, o.mentions, o.reply_count, o.like_count,
    o.repost_count, o.repost_of FROM tweets t LEFT JOIN tweets o ON o.id =
    t.repost_of WHERE t.id IN ((SELECT tweet_id FROM feed WHERE reader_id =
    :uid AND tweet_id < :before AND tweet_id >= :horizon ORDER BY tweet_id
    DESC LIMIT :lim) UNION (SELECT x.id FROM feed_authors a JOIN follows f ON
    f.follower_id = :uid AND f.followee_id = a.author_id CROSS JOIN LATERAL
    (SELECT id FROM tweets WHERE user_id = a.author_id AND (user_id, id) <
    (a.author_id, :before) AND id >= :horizon ORDER BY id DESC LIMIT :lim) x
    WHERE a.popular)) ORDER BY t.id DESC LIMIT :lim) p(tid, t2, t3, t4, t5,
    t6, t7, t8, t9, t10, t11, trp) ORDER BY p.tid DESC;
