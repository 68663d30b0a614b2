-- A user timeline read with a token (tweet_store.c,
-- "user_timeline_before_flags": one range scan of tweets(user_id, id),
-- the reposts' originals and the caller's flags in the same statement);
-- here the reader reads its own timeline.
\set n random(1, :readers)
\set before 9223372036854775807
\set lim 20
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
WITH p(tid, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, trp) AS
    MATERIALIZED (SELECT t.id, t.user_id, t.username, t.content,
    floor(extract(epoch FROM t.created_at) * 1000)::bigint, t.reply_to,
    t.conversation_id, t.mentions, t.reply_count, t.like_count,
    t.repost_count, t.repost_of, o.id, o.user_id, o.username, o.content,
    floor(extract(epoch FROM o.created_at) * 1000)::bigint, o.reply_to,
    o.conversation_id, o.mentions, o.reply_count, o.like_count,
    o.repost_count, o.repost_of FROM tweets t LEFT JOIN tweets o ON o.id =
    t.repost_of WHERE t.user_id = :uid AND t.id < :before ORDER BY t.id DESC
    LIMIT :lim), i(ids) AS MATERIALIZED (SELECT ARRAY(SELECT coalesce(trp,
    tid) FROM p)) SELECT p.*, coalesce(p.trp, p.tid) = ANY (f.liked),
    coalesce(p.trp, p.tid) = ANY (f.reposted) FROM p, (SELECT ARRAY(SELECT
    l.tweet_id FROM likes l WHERE l.user_id = :uid AND l.tweet_id = ANY
    ((SELECT ids FROM i)::bigint[])), ARRAY(SELECT r.repost_of FROM tweets r
    WHERE r.repost_of = ANY ((SELECT ids FROM i)::bigint[]) AND r.user_id =
    :uid)) f(liked, reposted) ORDER BY p.tid DESC;
