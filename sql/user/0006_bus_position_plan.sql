-- bus_position in PL/pgSQL: its plan made once per connection.
--
-- bus_barrier (the read-your-writes barrier every home timeline read
-- asks of chirp-userd's database, shared by concurrent readers) ends by
-- calling bus_position. As a LANGUAGE sql function with SET search_path
-- it is never inlined, and PostgreSQL parses and plans the body of such
-- a function again in every transaction that calls it: with pgbench,
-- 4 clients, one call a transaction, bus_barrier ran about 14,000 times
-- a second, and 36,000 with the body in PL/pgSQL, which keeps its plan
-- for the connection's life. Same answer, same owner and grants
-- (CREATE OR REPLACE keeps both), the search_path still pinned.
--
-- One file for the three databases, as each has the same function:
-- sql/tweet/0007_bus_position_plan.sql and
-- sql/notify/0003_bus_position_plan.sql are links to this one.

CREATE OR REPLACE FUNCTION bus_position(ch text) RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
BEGIN
	RETURN (SELECT coalesce(max(seq), 0) FROM event_log WHERE channel = ch);
END $$;
