-- The home timeline as chirp-tweetd runs it (tweet_store.c, "feed_state"
-- then "feed_before"): the reader's feed state, then one range scan of
-- the reader's feed at or above its horizon merged with the newest of the
-- popular authors the reader follows, joined to tweets. A reader whose
-- feed is not built yet (horizon NULL) reads from horizon 0 here; chirp
-- would build it first.
\set n random(1, :readers)
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
SELECT (SELECT user_seq FROM replica_state) AS user_seq,
    fr.reader_id IS NOT NULL AS kept, coalesce(fr.horizon, 0) AS horizon,
    fr.seen_at < now() - interval '1 hour' AS stale
    FROM (SELECT 1) x LEFT JOIN feed_readers fr ON fr.reader_id = :uid \gset
SELECT id, user_id, username, content,
    floor(extract(epoch FROM created_at) * 1000)::bigint
    FROM tweets WHERE id IN (
    (SELECT tweet_id FROM feed WHERE reader_id = :uid AND
        tweet_id < 9223372036854775807 AND tweet_id >= :horizon
        ORDER BY tweet_id DESC LIMIT 20) UNION
    (SELECT x.id FROM feed_authors a JOIN follows f ON
        f.follower_id = :uid AND f.followee_id = a.author_id CROSS JOIN
        LATERAL (SELECT id FROM tweets WHERE user_id = a.author_id AND
        (user_id, id) < (a.author_id, 9223372036854775807) AND
        id >= :horizon ORDER BY id DESC LIMIT 20) x WHERE a.popular))
    ORDER BY id DESC LIMIT 20;
