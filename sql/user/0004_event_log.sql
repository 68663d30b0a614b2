-- 0004_event_log: the commit-ordered event log of the user database,
-- and of the notification database (sql/notify/0002_event_log.sql is a
-- link to this file; the tweet database's is its own, as its outbox
-- came before the log).
-- bus_publish writes each event to the outbox in the transaction of its
-- change (xid says which); the publisher moves it to event_log.

CREATE TABLE outbox (
	id bigserial PRIMARY KEY,
	xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
	channel text NOT NULL,
	author bigint,
	payload text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_xid_id ON outbox (xid, id);

-- The log: every event, once, in the order the changes became visible.
-- The publisher (common/publisher.c) moves outbox rows here, numbering
-- them; the live feed's cursor is a seq of this table.
CREATE TABLE event_log (
	seq bigint PRIMARY KEY,
	channel text NOT NULL,
	author bigint,
	payload text NOT NULL,
	created_at timestamptz NOT NULL
);
-- One user's feed after a position (GET /internal/feed).
CREATE INDEX event_log_author_seq ON event_log (author, seq);
-- Retention (event_retention).
CREATE INDEX event_log_created_at ON event_log (created_at);

-- The last seq sent on each channel by a transport that is not the
-- database itself (NATS): a new leader sends on from there.
CREATE TABLE published (
	channel text PRIMARY KEY,
	seq bigint NOT NULL CHECK (seq >= 0)
);

-- The subscribers' read-your-writes barrier (bus_sync in common/bus.c),
-- for the bus role that may read no table: waits (5 s at most) until
-- every outbox row committed before the call is in the log, then says
-- the newest seq of channel. bus_position says it without waiting.
CREATE FUNCTION bus_position(ch text) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT coalesce(max(seq), 0) FROM event_log WHERE channel = ch $$;

CREATE FUNCTION bus_barrier(ch text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
	top bigint;
	deadline timestamptz := clock_timestamp() + interval '5 seconds';
BEGIN
	SELECT max(id) INTO top FROM outbox;
	WHILE top IS NOT NULL AND EXISTS (SELECT 1 FROM outbox WHERE id <= top)
	LOOP
		IF clock_timestamp() > deadline THEN
			RAISE EXCEPTION 'bus_barrier: the publisher is behind';
		END IF;
		PERFORM pg_sleep(0.001);
	END LOOP;
	RETURN bus_position(ch);
END $$;

REVOKE ALL ON FUNCTION bus_position(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION bus_barrier(text) FROM PUBLIC;
-- The bus role (deploy/pg.sh) may call these two and nothing else.
DO $$
BEGIN
	IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'chirp_bus') THEN
		GRANT USAGE ON SCHEMA public TO chirp_bus;
		GRANT EXECUTE ON FUNCTION bus_position(text) TO chirp_bus;
		GRANT EXECUTE ON FUNCTION bus_barrier(text) TO chirp_bus;
	END IF;
END $$;
