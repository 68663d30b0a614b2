-- A user timeline (tweet_store.c, "timeline_before" with one author).
\set n random(1, :readers)
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
SELECT t.* FROM unnest(ARRAY[:uid::bigint]) AS f(uid)
    CROSS JOIN LATERAL (SELECT id, user_id, username, content,
        floor(extract(epoch FROM created_at) * 1000)::bigint AS ms
        FROM tweets
        WHERE user_id = f.uid AND (user_id, id) < (f.uid, 9223372036854775807)
        ORDER BY id DESC LIMIT 20) t
    ORDER BY t.id DESC LIMIT 20;
