-- A post of 256 characters: the transaction of tweet_store_post (post_tx)
-- and bus_publish (common/bus.c): the user's lock shared, the tombstone
-- check, the insert, the event into the outbox with its wake-up. On a copy
-- of the database nobody listens to the wake-up, as nobody would wait for
-- it inside the transaction either.
\set n random(1, :readers)
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
BEGIN;
SELECT pg_try_advisory_xact_lock_shared(:uid::bigint);
SELECT 1 FROM deleted_users WHERE user_id = :uid;
INSERT INTO tweets (user_id, username, content)
    VALUES (:uid, 'bench', repeat('x', 256))
    RETURNING id, user_id, username, content,
        floor(extract(epoch FROM created_at) * 1000)::bigint;
-- The fan-out into the followers' kept feeds (tweet_store.c
-- "feed_lock_post", "feed_fanout"; the trim of about one post in 32 is
-- left out), when the database has a feed.
SELECT pg_advisory_xact_lock_shared(1717, 0),
    pg_advisory_xact_lock_shared(1718, hashint8(:uid::bigint));
INSERT INTO feed (reader_id, tweet_id, author_id)
    SELECT r.id, currval('tweets_id_seq'), :uid FROM (SELECT :uid::bigint AS id
    UNION ALL SELECT f.follower_id FROM follows f
    WHERE f.followee_id = :uid AND NOT EXISTS (SELECT FROM feed_authors
    WHERE author_id = :uid AND popular)) r
    WHERE EXISTS (SELECT FROM feed_readers WHERE reader_id = r.id)
    ON CONFLICT DO NOTHING;
WITH o AS (INSERT INTO outbox (channel, author, payload)
    VALUES ('chirp_tweet_events', :uid, '{"type":"tweet","tweet":{"content":"' || repeat('x', 256) || '"}}')
    RETURNING 1)
    SELECT pg_notify('chirp_tweet_events' || '_wake', '') FROM o;
COMMIT;
