-- 0001_users: accounts and follow edges of chirp-userd.

CREATE TABLE users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username text NOT NULL,
	password_hash text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	-- kept in the transaction of every follow, unfollow and deletion
	followers_count bigint NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
	followings_count bigint NOT NULL DEFAULT 0 CHECK (followings_count >= 0)
);

-- Usernames are unique ignoring case; lookups use the same expression.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

CREATE TABLE follows (
	follower_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	followee_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (follower_id, followee_id),
	CHECK (follower_id <> followee_id)
);

-- One index range scan per page of a follow list, newest first.
CREATE INDEX follows_followings ON follows
	(follower_id, created_at DESC, followee_id);
CREATE INDEX follows_followers ON follows
	(followee_id, created_at DESC, follower_id);
