-- A post of 256 characters, no reply, no mention, no Idempotency-Key: the
-- transaction of tweet_store_post (post_tx in server/tweet/tweet_store.c)
-- and bus_publish (common/bus.c), statement for statement: the user's
-- lock shared ("lock_user_shared"), the deleted-account check
-- ("tombstone"), the feed locks ("feed_lock_post"), the insert with the
-- conversation columns and the repost join of every read
-- ("insert_tweet"), the fan-out with its popular flip ("feed_fanout"; the
-- trim of about one post in 32 is left out), the event into the outbox
-- with its wake-up. On a copy of the database nobody listens to the
-- wake-up, as nobody would wait for it inside the transaction either.
\set n random(1, :readers)
SELECT user_id AS uid FROM bench_readers WHERE n = :n \gset
BEGIN;
SELECT pg_try_advisory_xact_lock_shared(:uid::bigint);
SELECT 1 FROM deleted_users WHERE user_id = :uid;
SELECT pg_advisory_xact_lock_shared(1717, 0),
    pg_advisory_xact_lock_shared(1718, hashint8(:uid::bigint));
WITH t AS (INSERT INTO tweets (user_id, username, content, reply_to,
    conversation_id, mentions)
    VALUES (:uid, 'bench', repeat('x', 256), NULL, NULL,
    coalesce(NULL, '[]')) RETURNING *)
SELECT t.id, t.user_id, t.username, t.content,
    floor(extract(epoch FROM t.created_at) * 1000)::bigint, t.reply_to,
    t.conversation_id, t.mentions, t.reply_count, t.like_count,
    t.repost_count, t.repost_of, o.id, o.user_id, o.username, o.content,
    floor(extract(epoch FROM o.created_at) * 1000)::bigint, o.reply_to,
    o.conversation_id, o.mentions, o.reply_count, o.like_count,
    o.repost_count, o.repost_of
    FROM t LEFT JOIN tweets o ON o.id = t.repost_of;
-- feed_popular's default (10000 followers make an author popular).
WITH flip AS (UPDATE feed_authors SET popular = true
    WHERE author_id = :uid AND NOT popular AND followers > 10000
    RETURNING true),
pop AS (SELECT EXISTS (SELECT FROM flip) OR EXISTS (SELECT FROM
    feed_authors WHERE author_id = :uid AND popular) AS p)
INSERT INTO feed (reader_id, tweet_id, author_id)
    SELECT r.id, currval('tweets_id_seq'), :uid
    FROM (SELECT :uid::bigint AS id UNION ALL
    SELECT f.follower_id FROM follows f, pop
    WHERE f.followee_id = :uid AND NOT pop.p) r
    WHERE EXISTS (SELECT FROM feed_readers WHERE reader_id = r.id)
    ON CONFLICT DO NOTHING;
-- The event, the members of model_tweet_write (common/events.h); built
-- by json_build_object, as pgbench would take a colon in a literal for
-- one of its variables.
WITH o AS (INSERT INTO outbox (channel, author, payload)
    SELECT 'chirp_tweet_events', x.u, json_build_object('type', 'tweet',
    'tweet', json_build_object('tweetId', x.t::text, 'userId', x.u::text,
    'username', 'bench', 'content', repeat('x', 256), 'timestamp',
    to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24.MI.SS.MS"Z"'),
    'replyTo', NULL, 'conversationId', x.t::text, 'mentions', '[]'::json,
    'replyCount', 0, 'likeCount', 0, 'repostCount', 0, 'repostOf',
    NULL))::text
    FROM (SELECT :uid::bigint AS u, currval('tweets_id_seq') AS t) x
    RETURNING 1)
    SELECT pg_notify('chirp_tweet_events' || '_wake', '') FROM o;
COMMIT;
