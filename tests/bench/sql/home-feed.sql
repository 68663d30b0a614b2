-- The home timeline read from a materialized feed: the reader's rows of
-- feed (reader_id, tweet_id), newest first, joined to tweets. Keep this in
-- step with the statement chirp-tweetd runs once the feed lands
-- (run.sh uses this script when the tweet database has a table "feed", or
-- with CHIRP_BENCH_HOME_SQL=feed).
\set n random(1, :readers)
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
SELECT t.id, t.user_id, t.username, t.content,
    floor(extract(epoch FROM t.created_at) * 1000)::bigint AS ms
    FROM feed f JOIN tweets t ON t.id = f.tweet_id
    WHERE f.reader_id = :uid AND f.tweet_id < 9223372036854775807
    ORDER BY f.tweet_id DESC LIMIT 20;
