-- A user timeline read with a token (tweet_store.c,
-- "user_timeline_before_flags" = FLAGGED(USER_TIMELINE_BEFORE): one range
-- scan of tweets(user_id, id), the reposts' originals and the caller's
-- flags in the same statement, a probe only where a count is above 0; the
-- text is the one in the binary); here the reader reads its own timeline.
\set n random(1, :readers)
\set before 9223372036854775807
\set lim 20
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
SELECT p.*, CASE WHEN coalesce(p.like_count, p.t10) > 0 THEN EXISTS
    (SELECT 1 FROM likes l WHERE l.user_id = :uid AND l.tweet_id =
    coalesce(p.trp, p.tid)) ELSE false END, CASE WHEN coalesce(p.repost_count,
    p.t11) > 0 THEN EXISTS (SELECT 1 FROM tweets r WHERE r.repost_of =
    coalesce(p.trp, p.tid) AND r.user_id = :uid) ELSE false END FROM (SELECT
    t.id, t.user_id, t.username, t.content, t.created_ms, t.reply_to,
    t.conversation_id, t.mentions, t.reply_count, t.like_count,
    t.repost_count, t.repost_of, o.id, o.user_id, o.username, o.content,
    o.created_ms, o.reply_to, o.conversation_id, o.mentions, o.reply_count,
    o.like_count, o.repost_count, o.repost_of FROM tweets t LEFT JOIN tweets o
    ON o.id = t.repost_of WHERE t.user_id = :uid AND t.id < :before ORDER BY
    t.id DESC LIMIT :lim) p(tid, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11,
    trp);
