-- The home timeline as chirp-tweetd ran it before the feed (tweet_store.c,
-- "timeline_before"): one index range scan per author, merged, the newest
-- page of 20. authors = whom the reader follows, and the reader.
\set n random(1, :readers)
SELECT authors FROM bench_readers WHERE n = :n \gset
SELECT t.* FROM unnest(:authors::bigint[]) AS f(uid)
    CROSS JOIN LATERAL (SELECT id, user_id, username, content,
        floor(extract(epoch FROM created_at) * 1000)::bigint AS ms
        FROM tweets
        WHERE user_id = f.uid AND (user_id, id) < (f.uid, 9223372036854775807)
        ORDER BY id DESC LIMIT 20) t
    ORDER BY t.id DESC LIMIT 20;
