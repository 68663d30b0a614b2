-- The home timeline before issue 12 (commit a838585, tweet_store.c
-- "feed_state" then "feed_before"): five columns, no repost join, no
-- flags. For tests/bench/sql-compare.sh; the page statement's :before,
-- :lim and :horizon are parameters, as chirp-tweetd's $2, $3 and $4.
\set n random(1, :readers)
\set before 9223372036854775807
\set lim 20
SELECT user_id AS uid, page FROM bench_readers WHERE n = :n \gset
SELECT (SELECT user_seq FROM replica_state) AS user_seq,
    fr.reader_id IS NOT NULL AS kept, coalesce(fr.horizon, 0) AS horizon,
    fr.seen_at < now() - interval '1 hour' AS stale
    FROM (SELECT 1) x LEFT JOIN feed_readers fr ON fr.reader_id = :uid \gset
SELECT id, user_id, username, content, floor(extract(epoch FROM
    created_at) * 1000)::bigint FROM tweets WHERE id IN ((SELECT tweet_id
    FROM feed WHERE reader_id = :uid AND tweet_id < :before AND tweet_id >=
    :horizon ORDER BY tweet_id DESC LIMIT :lim) UNION (SELECT x.id FROM
    feed_authors a JOIN follows f ON f.follower_id = :uid AND f.followee_id =
    a.author_id CROSS JOIN LATERAL (SELECT id FROM tweets WHERE user_id =
    a.author_id AND (user_id, id) < (a.author_id, :before) AND id >= :horizon
    ORDER BY id DESC LIMIT :lim) x WHERE a.popular)) ORDER BY id DESC LIMIT
    :lim;
