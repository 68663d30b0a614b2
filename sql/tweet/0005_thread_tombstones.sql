-- 0005_thread_tombstones: what a thread's walk needs of a deleted reply.
--
-- GET /tweets/{id}/thread walks up reply_to from the first tweet of the
-- conversation down to the parent, a deleted ancestor null in its place
-- (API.md "Conversations"). A deleted tweet's row is gone, and with it
-- its own reply_to: the walk would stop at the first deleted ancestor.
-- A tombstone keeps that link, written in the transaction of the delete
-- (tweet_store.c "delete_tweet", and "deletion_tweets" for a deleted
-- account's tweets).
--
-- The bound: a tombstone is kept only for a deleted reply below which a
-- live tweet still replies (directly, or through other tombstones), and
-- goes in the transaction of the delete that removes the last such tweet
-- (thread_tombstones_prune). So a post-and-delete cycle leaves nothing
-- behind; each tombstone is one deleted tweet (its id is the key), so the
-- table never holds more rows than tweets ever posted, and never more than
-- the deleted replies that live tweets still hang from. A deleted first
-- tweet needs none: a walk that meets an id with neither a tweet nor a
-- tombstone has reached a deleted first tweet (every other deleted
-- ancestor of a live tweet has its tombstone), which is null and the end.
-- Should a race ever leave a tombstone with nothing below, it is
-- harmless to a walk, and still one per deleted tweet.

CREATE TABLE thread_tombstones (
	id bigint PRIMARY KEY,
	reply_to bigint NOT NULL,
	conversation_id bigint NOT NULL,
	deleted_at timestamptz NOT NULL DEFAULT now()
);
-- Whether a tombstone still has a deleted reply below it (the prune).
CREATE INDEX thread_tombstones_reply_to ON thread_tombstones (reply_to);

-- Drop the tombstones among ids that nothing replies to any more, live
-- tweet or tombstone, then their parents' in turn, up to one that still
-- has something below. Each candidate is locked first, in a statement of
-- its own, so that the check's snapshot sees a concurrent delete below it
-- that committed meanwhile (the same lock makes the second of two
-- deletes below one tombstone see the first). Returns how many went.
CREATE FUNCTION thread_tombstones_prune(ids bigint[]) RETURNS integer
    LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	todo bigint[] := ids;
	gone integer := 0;
	n integer;
BEGIN
	WHILE cardinality(todo) > 0 LOOP
		PERFORM 1 FROM thread_tombstones WHERE id = ANY (todo)
		    ORDER BY id DESC FOR UPDATE;
		-- A parent and its child both in todo: the parent sees the
		-- child this time and comes back as the child's reply_to.
		WITH d AS (DELETE FROM thread_tombstones k
		    WHERE k.id = ANY (todo)
		    AND NOT EXISTS (SELECT FROM tweets c WHERE c.reply_to = k.id)
		    AND NOT EXISTS (SELECT FROM thread_tombstones c
		    WHERE c.reply_to = k.id)
		    RETURNING k.reply_to)
		SELECT coalesce(array_agg(DISTINCT d.reply_to), '{}'), count(*)
		    INTO todo, n FROM d;
		gone := gone + n;
	END LOOP;
	RETURN gone;
END $$;
