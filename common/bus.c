/*
 * bus.c: the event bus on PostgreSQL LISTEN/NOTIFY. A publisher notifies
 * inside its own transaction; a subscriber owns one connection, guarded by
 * a mutex so that a background thread and bus_sync() can share it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "log.h"
#include "metrics.h"
#include "svcauth.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The process's keys (bus_auth_set), set once at start. */
static const struct svcauth *bus_svcauth;

struct bus {
	char *url;
	char **channels;
	PGconn *conn;
	pthread_mutex_t lock;
	/* background thread */
	pthread_t thread;
	int running;
	atomic_bool stop;
	atomic_int connected;
	int wake[2];		/* a pipe that interrupts the thread's poll */
	bus_handler *fn;
	void (*on_reconnect)(void *);
	void *arg;
};

void
bus_auth_set(const struct svcauth *a)
{
	bus_svcauth = a;
	metrics_counter_add(BUS_REJECTED_METRIC, NULL, 0);
}

const char *
bus_open(const char *channel, const char *sealed)
{
	const char *payload = NULL;

	if (bus_svcauth != NULL)
		payload = svcauth_open(bus_svcauth, channel, sealed,
		    time_now_ms() / 1000);
	if (payload == NULL) {
		/* The payload may be anything: say only where it came. */
		log_warnx("bus: dropped an event on %s that is not sealed "
		    "with the service secret", channel);
		metrics_counter_add(BUS_REJECTED_METRIC, NULL, 1);
	}
	return payload;
}

int
bus_publish(PGconn *conn, const char *channel, const char *payload)
{
	const char *v[2] = { channel, NULL };
	PGresult *res;
	char *sealed;
	int ret = 0;

	if (bus_svcauth == NULL) {
		log_warnx("bus: cannot publish on %s: no service secret",
		    channel);
		return -1;
	}
	sealed = svcauth_seal(bus_svcauth, channel, payload,
	    time_now_ms() / 1000);
	v[1] = sealed;
	res = PQexecParams(conn, "SELECT pg_notify($1, $2)", 2, NULL, v, NULL,
	    NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("bus: cannot publish on %s: %s", channel,
		    PQresultErrorMessage(res));
		ret = -1;
	}
	PQclear(res);
	free(sealed);
	return ret;
}

struct bus *
bus_new(const char *url, const char *const *channels)
{
	struct bus *b = xcalloc(1, sizeof(*b));
	size_t n = 0, i;

	while (channels[n] != NULL)
		n++;
	b->url = xstrdup(url);
	b->channels = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		b->channels[i] = xstrdup(channels[i]);
	pthread_mutex_init(&b->lock, NULL);
	b->wake[0] = b->wake[1] = -1;
	return b;
}

void
bus_free(struct bus *b)
{
	size_t i;

	if (b == NULL)
		return;
	bus_thread_stop(b);
	if (b->conn != NULL)
		PQfinish(b->conn);
	for (i = 0; b->channels[i] != NULL; i++)
		free(b->channels[i]);
	free(b->channels);
	free(b->url);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/* Connect and LISTEN, with the lock held. */
static int
bus_connect_locked(struct bus *b)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name",
		NULL };
	const char *vals[] = { b->url, "3", "chirp-bus", NULL };
	PGresult *res;
	char *sql, *ident;
	size_t i;

	if (b->conn != NULL)
		PQfinish(b->conn);
	b->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(b->conn) != CONNECTION_OK)
		goto fail;
	for (i = 0; b->channels[i] != NULL; i++) {
		ident = PQescapeIdentifier(b->conn, b->channels[i],
		    strlen(b->channels[i]));
		if (ident == NULL)
			goto fail;
		sql = xasprintf("LISTEN %s", ident);
		PQfreemem(ident);
		res = PQexec(b->conn, sql);
		free(sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			PQclear(res);
			goto fail;
		}
		PQclear(res);
	}
	if (PQsetnonblocking(b->conn, 0) != 0)
		goto fail;
	atomic_store(&b->connected, 1);
	return 0;
fail:
	atomic_store(&b->connected, 0);
	log_warnx("bus: cannot listen: %s", PQerrorMessage(b->conn));
	PQfinish(b->conn);
	b->conn = NULL;
	return -1;
}

int
bus_connect(struct bus *b)
{
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = bus_connect_locked(b);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int
bus_fd(const struct bus *b)
{
	return b->conn != NULL ? PQsocket(b->conn) : -1;
}

int
bus_connected(struct bus *b)
{
	return atomic_load(&b->connected);
}

/* Hand every queued notification to fn, with the lock held. */
static void
bus_drain(struct bus *b, bus_handler *fn, void *arg)
{
	const char *payload;
	PGnotify *n;

	while ((n = PQnotifies(b->conn)) != NULL) {
		payload = bus_open(n->relname, n->extra);
		if (fn != NULL && payload != NULL)
			fn(n->relname, payload, arg);
		PQfreemem(n);
	}
}

static int
bus_dispatch_locked(struct bus *b, bus_handler *fn, void *arg)
{
	if (b->conn == NULL)
		return -1;
	if (PQconsumeInput(b->conn) == 0 ||
	    PQstatus(b->conn) != CONNECTION_OK) {
		log_warnx("bus: connection lost: %s", PQerrorMessage(b->conn));
		atomic_store(&b->connected, 0);
		PQfinish(b->conn);
		b->conn = NULL;
		return -1;
	}
	bus_drain(b, fn, arg);
	return 0;
}

int
bus_dispatch(struct bus *b, bus_handler *fn, void *arg)
{
	int ret;

	pthread_mutex_lock(&b->lock);
	ret = bus_dispatch_locked(b, fn, arg);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int
bus_sync(struct bus *b, bus_handler *fn, void *arg)
{
	PGresult *res;
	int ret = -1;

	pthread_mutex_lock(&b->lock);
	if (b->conn == NULL)
		goto out;
	/*
	 * A committing transaction signals every listener before its client
	 * hears COMMIT; the listener's backend then sends the notification
	 * before this query's ReadyForQuery. So after the round trip every
	 * event committed before the call is in libpq's queue.
	 */
	res = PQexec(b->conn, "SELECT 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		if (PQstatus(b->conn) != CONNECTION_OK) {
			atomic_store(&b->connected, 0);
			PQfinish(b->conn);
			b->conn = NULL;
		}
		goto out;
	}
	PQclear(res);
	bus_drain(b, fn ? fn : b->fn, fn ? arg : b->arg);
	ret = 0;
out:
	pthread_mutex_unlock(&b->lock);
	return ret;
}

static void *
bus_thread_main(void *arg)
{
	struct bus *b = arg;
	struct pollfd pfd[2];
	int backoff_ms = 100, fd, connected_before = 0;
	char buf[16];

	while (!atomic_load(&b->stop)) {
		pthread_mutex_lock(&b->lock);
		if (b->conn == NULL) {
			if (bus_connect_locked(b) != 0) {
				pthread_mutex_unlock(&b->lock);
				pfd[0].fd = b->wake[0];
				pfd[0].events = POLLIN;
				(void)poll(pfd, 1, backoff_ms);
				backoff_ms = backoff_ms * 2 > 5000 ? 5000 :
				    backoff_ms * 2;
				continue;
			}
			backoff_ms = 100;
			if (connected_before)
				log_info("bus: listening again");
			connected_before = 1;
			pthread_mutex_unlock(&b->lock);
			if (b->on_reconnect != NULL)
				b->on_reconnect(b->arg);
			continue;
		}
		fd = PQsocket(b->conn);
		pthread_mutex_unlock(&b->lock);

		pfd[0].fd = fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = b->wake[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			(void)!read(b->wake[0], buf, sizeof(buf));
		if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			pthread_mutex_lock(&b->lock);
			/* bus_sync may have replaced or dropped the conn. */
			if (b->conn != NULL && PQsocket(b->conn) == fd)
				(void)bus_dispatch_locked(b, b->fn, b->arg);
			pthread_mutex_unlock(&b->lock);
		}
	}
	return NULL;
}

int
bus_thread_start(struct bus *b, bus_handler *fn, void (*on_reconnect)(void *),
    void *arg)
{
	if (b->running)
		return 0;
	if (pipe(b->wake) != 0)
		return -1;
	b->fn = fn;
	b->on_reconnect = on_reconnect;
	b->arg = arg;
	atomic_store(&b->stop, false);
	if (pthread_create(&b->thread, NULL, bus_thread_main, b) != 0) {
		close(b->wake[0]);
		close(b->wake[1]);
		b->wake[0] = b->wake[1] = -1;
		return -1;
	}
	b->running = 1;
	return 0;
}

void
bus_thread_stop(struct bus *b)
{
	if (!b->running)
		return;
	atomic_store(&b->stop, true);
	(void)!write(b->wake[1], "x", 1);
	pthread_join(b->thread, NULL);
	close(b->wake[0]);
	close(b->wake[1]);
	b->wake[0] = b->wake[1] = -1;
	b->running = 0;
}
