-- 0001_notifications: chirp-notifyd's notifications and read marks, built
-- from the events of chirp-userd and chirp-tweetd only.
--
-- A notification is unique per (recipient, type, actor, tweet, cause), so
-- that a replayed event could never double one even if the positions
-- below did not already make each event apply once.

CREATE TABLE notifications (
	id bigserial PRIMARY KEY,
	recipient_id bigint NOT NULL,
	type text NOT NULL
	    CHECK (type IN ('follow', 'like', 'repost', 'reply', 'mention')),
	actor_id bigint NOT NULL,
	actor_username text NOT NULL,
	-- the tweet concerned (the liked or reposted one, the reply or the
	-- mentioning tweet); 0 for follow
	tweet_id bigint NOT NULL DEFAULT 0,
	-- the tweet whose deletion undoes it (the reply, the mentioning
	-- tweet, the repost); 0 when none (follow, like)
	cause_id bigint NOT NULL DEFAULT 0,
	-- the tweet object as the event carried it (JSON text): the
	-- fallback of a read when chirp-tweetd cannot say it as it is now
	tweet text,
	read boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notifications_once
	ON notifications (recipient_id, type, actor_id, tweet_id, cause_id);
-- A page of one recipient's, newest first; the per-recipient cap.
CREATE INDEX notifications_recipient_id
	ON notifications (recipient_id, id DESC);
-- The unread count and POST /notifications/read.
CREATE INDEX notifications_unread
	ON notifications (recipient_id, id) WHERE NOT read;
-- Undoing: a deleted tweet, an account deleted (as the actor).
CREATE INDEX notifications_tweet_id ON notifications (tweet_id)
	WHERE tweet_id <> 0;
CREATE INDEX notifications_cause_id ON notifications (cause_id)
	WHERE cause_id <> 0;
CREATE INDEX notifications_actor_id ON notifications (actor_id);

-- The seq of the last event of each owner's log applied here ('user':
-- chirp-userd's, 'tweet': chirp-tweetd's), changed only in the
-- transaction of the notifications that event makes, under this row's
-- lock: every event applies exactly once, whichever chirp-notifyd
-- instance applies it, across crashes and restarts.
CREATE TABLE source_state (
	owner text PRIMARY KEY CHECK (owner IN ('user', 'tweet')),
	seq bigint NOT NULL DEFAULT 0 CHECK (seq >= 0)
);
INSERT INTO source_state (owner) VALUES ('user'), ('tweet');

-- Accounts deleted (chirp-userd's user_deleted events), so that an event
-- of chirp-tweetd's log applied after the deletion (the two logs have no
-- order between them) makes no notification to or by them. Kept 30 days.
CREATE TABLE deleted_users (
	user_id bigint PRIMARY KEY,
	deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deleted_users_deleted_at ON deleted_users (deleted_at);
