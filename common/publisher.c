/*
 * publisher.c: the outbox-to-event-log publisher (publisher.h). One
 * thread and one connection of its own: the advisory lock, the LISTEN for
 * wake-ups and the moves all live on that session, so losing it loses the
 * lock and rolls back a move under way.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "bus.h"
#include "db.h"
#include "events.h"
#include "log.h"
#include "metrics.h"
#include "publisher.h"
#include "timeutil.h"
#include "xmalloc.h"

#define PUBLISHER_BATCH 500		/* events per move */
#define PUBLISHER_IDLE_MS 100		/* between looks without a wake-up */
#define PUBLISHER_RETRY_MS 1000		/* between tries of the lock */
#define PUBLISHER_RETENTION_MS 60000	/* between retention passes */

#define LEADER_METRIC "chirp_publisher_leader"
#define PUBLISHED_METRIC "chirp_events_published_total"
#define LAG_METRIC "chirp_publish_lag_seconds"

struct publisher {
	char *url;
	char **channels;
	int64_t retention_s;
	pthread_t thread;
	atomic_bool stop;
	int wake[2];		/* interrupts the thread's poll */
	PGconn *conn;
	struct bus_out *out;	/* the transport */
	bool unsent;		/* after the commit: the log may hold more */
	const char *crash;	/* test build: where to die */
	bool leader;
	int64_t retention_due;	/* time_mono_ms of the next pass */
};

/*
 * The committed outbox rows whose transactions are all older than every
 * transaction still running: none can commit before them any more, so
 * their order by xid, id is the order they became visible in.
 */
/*
 * A batch of the outbox, and the newest seq of the log (column 6): only
 * the lock holder writes the log, and its primary key refuses a second
 * writer's numbers. One round trip.
 */
static const char publisher_take_sql[] =
    "SELECT id, channel, author, payload, created_at, "
    "extract(epoch FROM clock_timestamp() - created_at), "
    "(SELECT coalesce(max(seq), 0) FROM event_log) "
    "FROM outbox WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) "
    "ORDER BY xid, id LIMIT 500 FOR UPDATE";

/*
 * The batch into the log ($1), out of the outbox ($2) and, when the
 * transport sends in the transaction, the last seq sent of each channel
 * ($3): so that a switch to a transport that sends after the commit
 * starts there (that one records it itself, publisher_send). One
 * statement, one round trip, instead of three.
 */
#define PUBLISHER_LOG_SQL \
    "WITH l AS (INSERT INTO event_log (seq, channel, author, payload, " \
    "created_at) SELECT seq, channel, author, payload, created_at " \
    "FROM json_populate_recordset(NULL::event_log, $1)), " \
    "d AS (DELETE FROM outbox WHERE id IN (SELECT value::bigint " \
    "FROM json_array_elements_text($2)))"
static const char publisher_log_sql[] = PUBLISHER_LOG_SQL " SELECT 1";
static const char publisher_log_sent_sql[] = PUBLISHER_LOG_SQL
    ", p AS (INSERT INTO published (channel, seq) "
    "SELECT key, value::bigint FROM json_each_text($3) "
    "ON CONFLICT (channel) DO UPDATE SET seq = excluded.seq) SELECT 1";

/* The statements of every batch, prepared once per connection: each was
 * parsed and planned again for every batch. */
static const struct db_statement publisher_statements[] = {
	{"publisher_take", publisher_take_sql},
	{"publisher_log", publisher_log_sql},
	{"publisher_log_sent", publisher_log_sent_sql},
	{NULL, NULL},
};

/*
 * Testing aid (test build only): the process dies as a crash would at the
 * point named by CHIRP_PUBLISHER_CRASH ("after_commit": a move committed,
 * nothing sent after it; "after_send": sent, not recorded as sent).
 */
static void
publisher_crash_point(struct publisher *p, const char *point)
{
	if (p->crash != NULL && strcmp(p->crash, point) == 0) {
		log_warnx("publisher: crash point %s: dying", point);
		raise(SIGKILL);
	}
}

/* BUS_LOG_METRIC of channel: seq, or none (seq < 0). */
static void
publisher_log_gauge(const char *channel, int64_t seq)
{
	char *label = bus_channel_label(channel);

	if (label == NULL)
		return;
	if (seq < 0)
		metrics_gauge_remove(BUS_LOG_METRIC, label);
	else
		metrics_gauge_set(BUS_LOG_METRIC, label, (double)seq);
	free(label);
}

static void
publisher_set_leader(struct publisher *p, bool leader)
{
	size_t i;

	if (p->leader != leader)
		log_info("publisher: %s", leader ? "publishing the events of "
		    "this database" : "no longer publishing");
	/* Only the leader says where the log is: a former one is stale. */
	if (p->leader && !leader)
		for (i = 0; p->channels[i] != NULL; i++)
			publisher_log_gauge(p->channels[i], -1);
	p->leader = leader;
	metrics_gauge_set(LEADER_METRIC, NULL, leader ? 1 : 0);
}

static void
publisher_drop(struct publisher *p)
{
	if (p->conn != NULL) {
		log_warnx("publisher: connection lost: %s",
		    PQerrorMessage(p->conn));
		PQfinish(p->conn);
	}
	p->conn = NULL;
	publisher_set_leader(p, false);
}

/* res of a statement; true when it succeeded (tuples or command). */
static bool
publisher_result(PGresult *res, PGresult **out)
{
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;

	if (!ok)
		log_warnx("publisher: %s", PQresultErrorMessage(res));
	if (ok && out != NULL)
		*out = res;
	else
		PQclear(res);
	return ok;
}

/* Run sql (publisher_result). */
static bool
publisher_exec(struct publisher *p, const char *sql, int n,
    const char *const *v, PGresult **out)
{
	return publisher_result(PQexecParams(p->conn, sql, n, NULL, v, NULL,
	    NULL, 0), out);
}

/* Run stmt, one of publisher_statements (publisher_result). */
static bool
publisher_run(struct publisher *p, const char *stmt, int n,
    const char *const *v, PGresult **out)
{
	return publisher_result(PQexecPrepared(p->conn, stmt, n, v, NULL, NULL,
	    0), out);
}

/* Connect and LISTEN for the wake-ups; false on failure. */
static bool
publisher_connect(struct publisher *p)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name",
		NULL };
	const char *vals[] = { p->url, "3", "chirp-publisher", NULL };
	char *ident, *wake;
	size_t i;

	p->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(p->conn) != CONNECTION_OK)
		goto fail;
	for (i = 0; p->channels[i] != NULL; i++) {
		wake = xasprintf("%s_wake", p->channels[i]);
		ident = PQescapeIdentifier(p->conn, wake, strlen(wake));
		free(wake);
		if (ident == NULL)
			goto fail;
		wake = xasprintf("LISTEN %s", ident);
		PQfreemem(ident);
		if (!publisher_exec(p, wake, 0, NULL, NULL)) {
			free(wake);
			goto fail;
		}
		free(wake);
	}
	if (bus_prepare(p->conn) != 0 ||
	    db_prepare(p->conn, publisher_statements) != 0)
		goto fail;
	return true;
fail:
	log_warnx("publisher: cannot connect: %s", PQerrorMessage(p->conn));
	PQfinish(p->conn);
	p->conn = NULL;
	return false;
}

/*
 * A new leader: BUS_LOG_METRIC of every channel from the log itself, so
 * that a quiet channel has its position too. False when the query failed.
 */
static bool
publisher_positions(struct publisher *p)
{
	const char *v[1];
	PGresult *res;
	size_t i;

	for (i = 0; p->channels[i] != NULL; i++) {
		v[0] = p->channels[i];
		if (!publisher_exec(p, "SELECT bus_position($1)", 1, v, &res))
			return false;
		publisher_log_gauge(p->channels[i],
		    strtoll(PQgetvalue(res, 0, 0), NULL, 10));
		PQclear(res);
	}
	return true;
}

/* Try to become the publisher; false when the connection failed. */
static bool
publisher_try_lock(struct publisher *p)
{
	char cls[16], key[16];
	const char *v[2] = { cls, key };
	PGresult *res;

	snprintf(cls, sizeof(cls), "%d", PUBLISHER_LOCK_CLASS);
	snprintf(key, sizeof(key), "%d", PUBLISHER_LOCK_KEY);
	if (!publisher_exec(p, "SELECT pg_try_advisory_lock($1::int, $2::int)",
	    2, v, &res))
		return false;
	publisher_set_leader(p, strcmp(PQgetvalue(res, 0, 0), "t") == 0);
	PQclear(res);
	return !p->leader || publisher_positions(p);
}

/*
 * payload with "seq": seq; NULL when payload is not a JSON object (then
 * it is dropped, not logged: no subscriber could read it).
 */
static char *
publisher_number(const char *payload, int64_t seq)
{
	json_t *o = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	char *s = NULL;

	if (json_is_object(o) && json_object_set_new(o, "seq",
	    json_integer(seq)) == 0)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/*
 * Move one batch from the outbox into the log and send it on, in one
 * transaction. The number moved, or -1 when the transaction failed.
 */
static int
publisher_move(struct publisher *p)
{
	PGresult *take = NULL;
	json_t *rows = json_array(), *ids = json_array(), *row, *pub =
	    json_object();
	const char *v[3], *author, *channel;
	char *payload, *text = NULL, *idtext = NULL, *pubtext = NULL;
	int64_t seq, a, t0;
	double *lag = NULL;
	int i, n, moved = 0, ret = -1;

	if (!publisher_exec(p, "BEGIN", 0, NULL, NULL))
		goto out;
	if (!publisher_run(p, "publisher_take", 0, NULL, &take))
		goto rollback;
	if ((n = PQntuples(take)) == 0) {
		ret = 0;
		goto rollback;	/* nothing: just end the transaction */
	}
	t0 = time_now_ms();
	seq = strtoll(PQgetvalue(take, 0, 6), NULL, 10);
	lag = xcalloc((size_t)n, sizeof(*lag));
	for (i = 0; i < n; i++) {
		json_array_append_new(ids, json_integer(strtoll(
		    PQgetvalue(take, i, 0), NULL, 10)));
		channel = PQgetvalue(take, i, 1);
		if ((payload = publisher_number(PQgetvalue(take, i, 3),
		    seq + 1)) == NULL) {
			log_warnx("publisher: dropped an outbox row on %s that "
			    "is no JSON object", channel);
			continue;
		}
		seq++;
		/* Rows written by hand may lack the author: the event has it. */
		author = PQgetisnull(take, i, 2) ? NULL : PQgetvalue(take, i, 2);
		a = author != NULL ? strtoll(author, NULL, 10) :
		    events_author(payload);
		row = json_pack("{s:I, s:s, s:o, s:s, s:s}", "seq",
		    (json_int_t)seq, "channel", channel, "author",
		    a >= 0 ? json_integer(a) : json_null(), "payload", payload,
		    "created_at", PQgetvalue(take, i, 4));
		if (row == NULL)
			fatalx("out of memory");
		json_array_append_new(rows, row);
		json_object_set_new(pub, channel, json_integer(seq));
		if (bus_out_in_tx(p->out) &&
		    bus_relay((struct bus_tx *)p->conn, channel, payload) != 0) {
			free(payload);
			goto rollback;
		}
		free(payload);
		lag[moved++] = strtod(PQgetvalue(take, i, 5), NULL);
	}
	if ((text = json_dumps(rows, JSON_COMPACT)) == NULL ||
	    (idtext = json_dumps(ids, JSON_COMPACT)) == NULL ||
	    (pubtext = json_dumps(pub, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	v[0] = text;
	v[1] = idtext;
	v[2] = pubtext;
	if (bus_out_in_tx(p->out) ? !publisher_run(p, "publisher_log_sent",
	    3, v, NULL) : !publisher_run(p, "publisher_log", 2, v, NULL))
		goto rollback;
	if (!publisher_exec(p, "COMMIT", 0, NULL, NULL))
		goto out;
	p->unsent = !bus_out_in_tx(p->out);
	publisher_crash_point(p, "after_commit");
	t0 = time_now_ms() - t0;
	for (i = 0; i < moved; i++)
		metrics_histogram_observe(LAG_METRIC, lag[i] +
		    (double)t0 / 1000);
	metrics_counter_add(PUBLISHED_METRIC, NULL, moved);
	json_object_foreach(pub, channel, row)
		publisher_log_gauge(channel, json_integer_value(row));
	ret = n;
	goto out;
rollback:
	(void)publisher_exec(p, "ROLLBACK", 0, NULL, NULL);
out:
	PQclear(take);
	free(text);
	free(idtext);
	free(pubtext);
	free(lag);
	json_decref(rows);
	json_decref(ids);
	json_decref(pub);
	return ret;
}

/*
 * A transport that sends after the commit (NATS): send each event of
 * channel logged after the last one recorded as sent, in seq order, then
 * record the last sent. A publisher killed in between leaves the record
 * behind: the next one sends those again and the stream drops the
 * repeats. The number sent, or -1 (the connection or the transport
 * failed: try again later).
 */
static int
publisher_send_batch(struct publisher *p, const char *channel)
{
	const char *v[2] = { channel, NULL };
	PGresult *res = NULL;
	char last[24];
	int i, n, sent = 0;
	int64_t seq, done = 0;

	if (!publisher_exec(p, "SELECT seq, payload FROM event_log WHERE "
	    "channel = $1 AND seq > coalesce((SELECT seq FROM published "
	    "WHERE channel = $1), 0) ORDER BY seq LIMIT 500", 1, v, &res))
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		if (bus_send(p->out, channel, seq, PQgetvalue(res, i, 1)) != 0)
			break;
		done = seq;
		sent++;
	}
	PQclear(res);
	if (sent > 0) {
		publisher_crash_point(p, "after_send");
		snprintf(last, sizeof(last), "%" PRId64, done);
		v[1] = last;
		if (!publisher_exec(p, "INSERT INTO published (channel, seq) "
		    "VALUES ($1, $2::bigint) ON CONFLICT (channel) DO UPDATE "
		    "SET seq = greatest(published.seq, excluded.seq)", 2, v,
		    NULL))
			return -1;
	}
	if (i < n)
		return -1;
	return sent;
}

/* Send everything logged and not yet sent; false on a failure. */
static bool
publisher_send(struct publisher *p)
{
	size_t i;
	int sent;

	for (i = 0; p->channels[i] != NULL; i++) {
		do {
			sent = publisher_send_batch(p, p->channels[i]);
		} while (sent == PUBLISHER_BATCH && !atomic_load(&p->stop));
		if (sent < 0)
			return false;
	}
	p->unsent = false;
	return true;
}

/* Delete what is older than the retention, the newest row excepted. */
static bool
publisher_retain(struct publisher *p)
{
	char secs[24];
	const char *v[1] = { secs };

	snprintf(secs, sizeof(secs), "%" PRId64, p->retention_s);
	return publisher_exec(p, "DELETE FROM event_log WHERE created_at < "
	    "now() - make_interval(secs => $1::bigint) AND "
	    "seq < (SELECT max(seq) FROM event_log)", 1, v, NULL);
}

/*
 * Wait up to ms for a wake-up or the stop; wake-ups are consumed. False
 * when the connection is lost.
 */
static bool
publisher_wait(struct publisher *p, int ms)
{
	struct pollfd pfd[2];
	PGnotify *n;
	char buf[16];

	pfd[0].fd = p->wake[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = p->conn != NULL ? PQsocket(p->conn) : -1;
	pfd[1].events = POLLIN;
	if (poll(pfd, p->conn != NULL ? 2 : 1, ms) < 0 && errno != EINTR)
		return false;
	if (pfd[0].revents & POLLIN)
		(void)!read(p->wake[0], buf, sizeof(buf));
	if (p->conn == NULL)
		return true;
	if (PQconsumeInput(p->conn) == 0)
		return false;
	while ((n = PQnotifies(p->conn)) != NULL)
		PQfreemem(n);
	return PQstatus(p->conn) == CONNECTION_OK;
}

static void *
publisher_main(void *arg)
{
	struct publisher *p = arg;
	int moved;

	while (!atomic_load(&p->stop)) {
		if (p->conn == NULL && !publisher_connect(p)) {
			(void)publisher_wait(p, PUBLISHER_RETRY_MS);
			continue;
		}
		if (!p->leader) {
			if (!publisher_try_lock(p)) {
				publisher_drop(p);
				continue;
			}
			if (!p->leader) {
				if (!publisher_wait(p, PUBLISHER_RETRY_MS))
					publisher_drop(p);
				continue;
			}
			p->retention_due = time_mono_ms();
			/* what the last leader may not have sent */
			p->unsent = !bus_out_in_tx(p->out);
		}
		do {
			moved = publisher_move(p);
		} while (moved == PUBLISHER_BATCH && !atomic_load(&p->stop));
		if (moved < 0 && PQstatus(p->conn) != CONNECTION_OK) {
			publisher_drop(p);
			continue;
		}
		/* A failed send is tried again at the next turn. */
		if (p->unsent && !publisher_send(p) &&
		    PQstatus(p->conn) != CONNECTION_OK) {
			publisher_drop(p);
			continue;
		}
		if (time_mono_ms() >= p->retention_due) {
			if (!publisher_retain(p) &&
			    PQstatus(p->conn) != CONNECTION_OK) {
				publisher_drop(p);
				continue;
			}
			p->retention_due = time_mono_ms() +
			    PUBLISHER_RETENTION_MS;
		}
		/* A failed move (not the connection) is tried again soon. */
		if (!publisher_wait(p, PUBLISHER_IDLE_MS))
			publisher_drop(p);
	}
	if (p->conn != NULL)
		PQfinish(p->conn);
	p->conn = NULL;
	return NULL;
}

struct publisher *
publisher_start(const char *url, const char *const *channels,
    int64_t retention_s, const char *bus_url)
{
	struct publisher *p = xcalloc(1, sizeof(*p));
	size_t n = 0, i;

	if ((p->out = bus_out_new(bus_url)) == NULL) {
		free(p);
		return NULL;
	}
#ifdef CHIRP_TESTING
	p->crash = getenv("CHIRP_PUBLISHER_CRASH");
#endif

	while (channels[n] != NULL)
		n++;
	p->url = xstrdup(url);
	p->channels = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		p->channels[i] = xstrdup(channels[i]);
	p->retention_s = retention_s;
	metrics_gauge_set(LEADER_METRIC, NULL, 0);
	metrics_counter_add(PUBLISHED_METRIC, NULL, 0);
	if (pipe(p->wake) != 0)
		goto fail;
	if (pthread_create(&p->thread, NULL, publisher_main, p) != 0) {
		close(p->wake[0]);
		close(p->wake[1]);
		goto fail;
	}
	return p;
fail:
	for (i = 0; i < n; i++)
		free(p->channels[i]);
	free(p->channels);
	free(p->url);
	bus_out_free(p->out);
	free(p);
	return NULL;
}

void
publisher_stop(struct publisher *p)
{
	size_t i;

	if (p == NULL)
		return;
	atomic_store(&p->stop, true);
	(void)!write(p->wake[1], "x", 1);
	pthread_join(p->thread, NULL);
	close(p->wake[0]);
	close(p->wake[1]);
	for (i = 0; p->channels[i] != NULL; i++)
		free(p->channels[i]);
	free(p->channels);
	free(p->url);
	bus_out_free(p->out);
	free(p);
}
