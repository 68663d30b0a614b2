/*
 * intake.c: one owner's events into notifications (intake.h).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus.h"
#include "eventlog.h"
#include "intake.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "notify_store.h"
#include "svc_client.h"
#include "ticker.h"
#include "validate.h"
#include "xmalloc.h"

/* Pages per pass at most: a bound on one pass (the next one goes on). */
#define INTAKE_PAGES 100

struct intake {
	struct intake_config cfg;
	struct notify_store *store;
	struct ticker *ticker;
	struct bus *bus;
	/* one applier in this process (instances take turns in the
	 * database) */
	pthread_mutex_t lock;
	/*
	 * The position as this process knows it: every event up to known
	 * is applied, or makes nothing (notify_store_makes_nothing) and was
	 * passed over with no transaction; saved is the last position read
	 * or stored. The pass stores known when it is ahead (each poll_ms),
	 * a change stores it with itself; 0: nothing known yet. A replay
	 * from the stored position meets only events that make nothing.
	 */
	int64_t known, saved;
	int64_t gone_warned;	/* the last "first" warned about */
	bool failing;		/* the last read failed (warned once) */
};

/*
 * The follower's name of a follow event that lacks it (events before
 * follow events carried "username"), from chirp-userd's GET /users/{id};
 * "" when that user is gone. 0, or -1 when chirp-userd cannot say.
 */
static int
resolve_username(struct intake *in, struct event *ev)
{
	char path[48];
	const char *name;
	json_t *u;
	enum svc_client_result r;

	if (ev->type != EVENT_FOLLOW || ev->username[0] != '\0')
		return 0;
	snprintf(path, sizeof path, "/users/%" PRId64, ev->user_id);
	r = svc_client_get(in->cfg.userd, path, false, &u);
	if (r == SVC_CLIENT_NOT_FOUND)
		return 0;
	if (r != SVC_CLIENT_OK)
		return -1;
	name = json_string_value(json_object_get(u, "username"));
	if (name != NULL && validate_username(name, strlen(name)))
		snprintf(ev->username, sizeof ev->username, "%s", name);
	json_decref(u);
	return name != NULL && ev->username[0] != '\0' ? 0 : -1;
}

/* The metric of an owner's applied position. */
static void
gauge(struct intake *in, int64_t pos)
{
	char label[32];

	snprintf(label, sizeof label, "owner=\"%s\"", in->cfg.owner);
	metrics_gauge_set("chirp_notify_source_seq", label, (double)pos);
}

/* The position read or stored is pos; lock held. */
static void
saved_at(struct intake *in, int64_t pos)
{
	in->saved = pos;
	if (pos > in->known)
		in->known = pos;
	gauge(in, in->known);
}

/* Apply evs (none: store the position known); lock held. */
static enum notify_store_result
apply_locked(struct intake *in, struct event *evs, size_t n, bool strict)
{
	enum notify_store_result r;
	int64_t pos;
	size_t i;

	for (i = 0; i < n; i++)
		if (resolve_username(in, &evs[i]) != 0)
			return NOTIFY_STORE_UNAVAILABLE;
	r = notify_store_apply(in->store, in->cfg.owner, evs, n, strict,
	    in->known, &pos);
	if (r == NOTIFY_STORE_OK)
		saved_at(in, pos);
	return r;
}

/*
 * A failed read of the log: warned the first time, then quiet until a
 * read succeeds again.
 */
static void
read_failed(struct intake *in, const char *why)
{
	if (!in->failing)
		log_warnx("intake: %s log of '%s' unreadable: %s; notifications "
		    "wait", in->cfg.owner, svc_client_url(in->cfg.source), why);
	in->failing = true;
}

/*
 * The events of a page after pos into *evs (n of them, the caller
 * releases each and frees); -1 when the page is not one of eventlog.h
 * in order.
 */
static int
decode_page(struct intake *in, json_t *page, int64_t pos,
    struct event **evs, size_t *n)
{
	json_t *events = json_object_get(page, "events"), *e, *first;
	int64_t last = pos;
	char *text;
	size_t i;

	*evs = NULL;
	*n = 0;
	if (!json_is_array(events) ||
	    json_array_size(events) > EVENTLOG_LIMIT_MAX)
		return -1;
	first = json_object_get(page, "first");
	if (json_is_integer(first) && pos < json_integer_value(first) - 1 &&
	    in->gone_warned != json_integer_value(first)) {
		/* Retention dropped events never applied here. */
		in->gone_warned = json_integer_value(first);
		log_warnx("intake: the %s log starts at %" PRId64 ", after our "
		    "position %" PRId64 "; what lay between makes no "
		    "notification", in->cfg.owner, in->gone_warned, pos);
	}
	*evs = xcalloc(json_array_size(events) + 1, sizeof **evs);
	json_array_foreach(events, i, e) {
		text = json_dumps(json_object_get(e, "event"), JSON_COMPACT);
		if (text == NULL || events_decode(text, &(*evs)[i]) != 0) {
			free(text);
			goto bad;
		}
		free(text);
		(*n)++;
		(*evs)[i].seq = json_integer_value(json_object_get(e, "seq"));
		if ((*evs)[i].seq <= last)
			goto bad;
		last = (*evs)[i].seq;
	}
	return 0;
bad:
	log_warnx("intake: entry %zu of the %s log after %" PRId64 " is not "
	    "an event of events.h in order", i, in->cfg.owner, pos);
	for (i = 0; i < *n; i++)
		events_release(&(*evs)[i]);
	free(*evs);
	*evs = NULL;
	*n = 0;
	return -1;
}

/* One page from pos; 1 when there may be more, 0 caught up, -1. */
static int
catch_up_page(struct intake *in, int64_t pos)
{
	struct event *evs;
	char path[80];
	json_t *page;
	size_t i, n;
	int rc = -1;

	snprintf(path, sizeof path, "/internal/events?after=%" PRId64
	    "&limit=%d", pos, EVENTLOG_LIMIT_MAX);
	if (svc_client_get(in->cfg.source, path, in->failing, &page) !=
	    SVC_CLIENT_OK) {
		read_failed(in, "no event page");
		return -1;
	}
	if (decode_page(in, page, pos, &evs, &n) != 0) {
		json_decref(page);
		read_failed(in, "not an event page");
		return -1;
	}
	json_decref(page);
	if (in->failing)
		log_info("intake: the %s log is readable again", in->cfg.owner);
	in->failing = false;
	if (n == 0 || apply_locked(in, evs, n, false) == NOTIFY_STORE_OK)
		rc = n == EVENTLOG_LIMIT_MAX ? 1 : 0;
	for (i = 0; i < n; i++)
		events_release(&evs[i]);
	free(evs);
	return rc;
}

/* One pass (ticker): catch up with the owner's log. */
static int
pass(void *arg)
{
	struct intake *in = arg;
	int64_t pos;
	int i;

	pthread_mutex_lock(&in->lock);
	for (i = 0; i < INTAKE_PAGES; i++) {
		if (notify_store_position(in->store, in->cfg.owner, &pos) !=
		    NOTIFY_STORE_OK)
			break;
		saved_at(in, pos);
		if (catch_up_page(in, in->known) <= 0)
			break;
	}
	/* The events passed over since the last store. */
	if (in->known > in->saved)
		(void)apply_locked(in, NULL, 0, false);
	pthread_mutex_unlock(&in->lock);
	if (strcmp(in->cfg.owner, NOTIFY_OWNER_USER) == 0)
		notify_store_prune(in->store);
	return in->cfg.poll_ms;
}

/* An event of the bus: applied now when it is the next one, else the
 * pass catches up. */
static void
on_event(const char *channel, const char *payload, void *arg)
{
	struct intake *in = arg;
	enum notify_store_result r;
	struct event ev;

	if (strcmp(channel, in->cfg.channel) != 0)
		return;
	if (events_decode(payload, &ev) != 0) {
		log_warnx("intake: an event on %s that is not one of events.h",
		    channel);
		return;
	}
	if (in->cfg.on_event != NULL)
		in->cfg.on_event(&ev, in->cfg.arg);
	if (ev.seq > 0) {
		pthread_mutex_lock(&in->lock);
		/* The next event, making nothing: no transaction now, the
		 * position stored later (known). */
		if (in->known > 0 && ev.seq == in->known + 1 &&
		    notify_store_makes_nothing(&ev)) {
			in->known = ev.seq;
			gauge(in, in->known);
			r = NOTIFY_STORE_OK;
		} else
			r = apply_locked(in, &ev, 1, true);
		pthread_mutex_unlock(&in->lock);
		if (r != NOTIFY_STORE_OK)
			ticker_kick(in->ticker);
	}
	events_release(&ev);
}

/* Events may have been missed while the bus was away: look now. */
static void
on_reconnect(void *arg)
{
	struct intake *in = arg;

	if (in->cfg.on_reconnect != NULL)
		in->cfg.on_reconnect(in->cfg.arg);
	ticker_kick(in->ticker);
}

struct intake *
intake_start(struct notify_store *store, const struct intake_config *cfg)
{
	const char *channels[2] = { cfg->channel, NULL };
	struct intake *in = xcalloc(1, sizeof *in);

	in->cfg = *cfg;
	in->store = store;
	pthread_mutex_init(&in->lock, NULL);
	if ((in->ticker = ticker_start(pass, in)) == NULL) {
		pthread_mutex_destroy(&in->lock);
		free(in);
		return NULL;
	}
	if (cfg->bus_url != NULL && *cfg->bus_url != '\0') {
		in->bus = bus_new(cfg->bus_url, channels);
		if (in->bus == NULL ||
		    bus_thread_start(in->bus, on_event, on_reconnect, in) != 0)
			log_warnx("intake: no bus for the %s log; polling every "
			    "%d ms", cfg->owner, cfg->poll_ms);
	}
	return in;
}

void
intake_stop(struct intake *in)
{
	if (in == NULL)
		return;
	bus_free(in->bus);	/* stops its thread first */
	ticker_stop(in->ticker);
	pthread_mutex_destroy(&in->lock);
	free(in);
}
