-- The home timeline as chirp-tweetd runs it for a first page
-- (tweet_store.c "feed_first"): one statement, the reader's feed state
-- and, when the feed answers (built, the replica caught up, the page above
-- the horizon), one range scan of the reader's feed merged with the newest
-- of the popular authors the reader follows, joined to tweets with the
-- reposts' originals and the reader's liked/reposted flags (a probe only
-- where a count is above 0). The statement's text is the one in the
-- binary (strings build/bin/chirp-tweetd), $4 (the position the caller
-- saw) 0. A reader whose feed is not built yet gets the state alone here;
-- chirp would build it first.
\set n random(1, :readers)
\set before 9223372036854775807
\set lim 20
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
WITH s(seq, kept, horizon, stale, ok) AS MATERIALIZED (SELECT r.user_seq,
    fr.reader_id IS NOT NULL, fr.horizon, fr.seen_at < now() - interval
    '1 hour', coalesce(fr.horizon IS NOT NULL AND 0::bigint >= 0 AND
    r.user_seq >= 0::bigint AND :before::bigint > fr.horizon, false) FROM
    (SELECT (SELECT user_seq FROM replica_state)) r(user_seq) LEFT JOIN
    feed_readers fr ON fr.reader_id = :uid) SELECT s.seq, s.kept, s.horizon,
    s.stale, s.ok, q.* FROM s LEFT JOIN (SELECT p.*, CASE WHEN
    coalesce(p.like_count, p.t10) > 0 THEN EXISTS (SELECT 1 FROM likes l WHERE
    l.user_id = :uid AND l.tweet_id = coalesce(p.trp, p.tid)) ELSE false END,
    CASE WHEN coalesce(p.repost_count, p.t11) > 0 THEN EXISTS (SELECT 1 FROM
    tweets r WHERE r.repost_of = coalesce(p.trp, p.tid) AND r.user_id = :uid)
    ELSE false END FROM (SELECT t.id, t.user_id, t.username, t.content,
    t.created_ms, t.reply_to, t.conversation_id, t.mentions, t.reply_count,
    t.like_count, t.repost_count, t.repost_of, o.id, o.user_id, o.username,
    o.content, o.created_ms, o.reply_to, o.conversation_id, o.mentions,
    o.reply_count, o.like_count, o.repost_count, o.repost_of FROM tweets t
    LEFT JOIN tweets o ON o.id = t.repost_of WHERE (SELECT ok FROM s) AND t.id
    IN ((SELECT tweet_id FROM feed WHERE reader_id = :uid AND tweet_id <
    :before AND tweet_id >= (SELECT horizon FROM s) ORDER BY tweet_id DESC
    LIMIT :lim) UNION (SELECT x.id FROM feed_authors a JOIN follows f ON
    f.follower_id = :uid AND f.followee_id = a.author_id CROSS JOIN LATERAL
    (SELECT id FROM tweets WHERE user_id = a.author_id AND (user_id, id) <
    (a.author_id, :before) AND id >= (SELECT horizon FROM s) ORDER BY id DESC
    LIMIT :lim) x WHERE a.popular)) ORDER BY t.id DESC LIMIT :lim) p(tid, t2,
    t3, t4, t5, t6, t7, t8, t9, t10, t11, trp)) q ON true;
