/*
 * logsync.c: a bus channel applied in log order, with catch-up from the
 * owner's event log (logsync.h).
 */
#include <jansson.h>
#include <libwebsockets.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "log.h"
#include "logsync.h"
#include "pool.h"
#include "upstream.h"
#include "xmalloc.h"

#define LOGSYNC_PAGE 1000	/* EVENTLOG_LIMIT_MAX */
#define LOGSYNC_ATTEMPTS 3	/* instances tried before waiting */
#define LOGSYNC_RETRY_MS 500

struct logsync {
	struct gateway *gw;
	char *name;
	enum service owner;
	logsync_apply_fn *apply;
	logsync_lost_fn *lost;
	int64_t last;		/* last seq applied; -1 unknown */
	int64_t seen;		/* newest seq the bus brought */
	bool catching;		/* a catch-up is under way or due */
	struct upstream *up;
	int attempts;
	struct instance *tried[LOGSYNC_ATTEMPTS];
	lws_sorted_usec_list_t retry;
};

static void logsync_page(struct logsync *);

struct logsync *
logsync_new(struct gateway *gw, const char *name, enum service owner,
    logsync_apply_fn *apply, logsync_lost_fn *lost)
{
	struct logsync *ls = xcalloc(1, sizeof(*ls));

	ls->gw = gw;
	ls->name = xstrdup(name);
	ls->owner = owner;
	ls->apply = apply;
	ls->lost = lost;
	ls->last = -1;
	return ls;
}

void
logsync_stop(struct logsync *ls)
{
	if (ls == NULL)
		return;
	lws_sul_cancel(&ls->retry);
	if (ls->up != NULL)
		upstream_cancel(ls->up);
	ls->up = NULL;
}

void
logsync_free(struct logsync *ls)
{
	if (ls == NULL)
		return;
	free(ls->name);
	free(ls);
}

int64_t
logsync_last(const struct logsync *ls)
{
	return ls->last;
}

static void
logsync_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct logsync *ls = lws_container_of(sul, struct logsync, retry);

	ls->attempts = 0;
	logsync_page(ls);
}

/* No instance answered: try again in a while (bus events keep being
 * dropped meanwhile; the catch-up will fetch them). */
static void
logsync_retry_later(struct logsync *ls)
{
	if (ls->gw->stopping)
		return;
	lws_sul_schedule(ls->gw->ctx, 0, &ls->retry, logsync_retry_cb,
	    (lws_usec_t)LOGSYNC_RETRY_MS * LWS_US_PER_MS);
}

/* Start (or keep) catching up from last. */
static void
logsync_catch_up(struct logsync *ls)
{
	if (ls->catching)
		return;
	ls->catching = true;
	ls->attempts = 0;
	logsync_page(ls);
}

/* Apply one event of the log (the "event" object of a page row). */
static void
logsync_apply_json(struct logsync *ls, int64_t seq, json_t *obj)
{
	struct event ev;
	char *s = json_dumps(obj, JSON_COMPACT);

	if (s == NULL || events_decode(s, &ev) != 0) {
		log_warnx("%s: event %" PRId64 " is not one of events.h",
		    ls->name, seq);
		free(s);
		return;
	}
	free(s);
	ev.seq = seq;
	ls->apply(ls->gw, &ev);
	events_release(&ev);
}

/*
 * A page: 1 it was applied (*more: another page is due), 0 the answer is
 * unusable (another instance may do better).
 */
static int
logsync_page_apply(struct logsync *ls, const struct upstream_result *r,
    bool *more)
{
	json_t *root, *arr, *row, *first, *lastj;
	int64_t last, seq;
	size_t i, n;

	*more = false;
	if (r->error != UPSTREAM_OK || r->status != 200)
		return 0;
	root = json_loadb(r->body, r->len, 0, NULL);
	arr = json_object_get(root, "events");
	first = json_object_get(root, "first");
	lastj = json_object_get(root, "last");
	if (!json_is_array(arr) || !json_is_integer(lastj) ||
	    json_integer_value(lastj) < 0 ||
	    !(json_is_null(first) || json_is_integer(first))) {
		json_decref(root);
		return 0;
	}
	last = json_integer_value(lastj);
	if (ls->last < 0) {
		/* the first answer: only the position */
		ls->last = last;
		log_info("%s: at seq %" PRId64, ls->name, last);
		ls->lost(ls->gw, true);
		*more = ls->seen > ls->last;
		json_decref(root);
		return 1;
	}
	if (json_is_integer(first) &&
	    json_integer_value(first) > ls->last + 1) {
		log_warnx("%s: events %" PRId64 " to %" PRId64 " are no longer "
		    "in the log", ls->name, ls->last + 1,
		    (int64_t)json_integer_value(first) - 1);
		ls->last = json_integer_value(first) - 1;
		ls->lost(ls->gw, false);
	}
	n = json_array_size(arr);
	json_array_foreach(arr, i, row) {
		json_t *s = json_object_get(row, "seq");

		if (!json_is_integer(s))
			continue;
		seq = json_integer_value(s);
		if (seq <= ls->last)
			continue;	/* applied already */
		ls->last = seq;
		logsync_apply_json(ls, seq, json_object_get(row, "event"));
	}
	if (n < LOGSYNC_PAGE && last > ls->last)
		ls->last = last;	/* the page covered up to last */
	*more = n >= LOGSYNC_PAGE || ls->seen > ls->last;
	json_decref(root);
	return 1;
}

static void
logsync_done(const struct upstream_result *r, void *arg)
{
	struct logsync *ls = arg;
	struct instance *inst = ls->tried[ls->attempts - 1];
	bool more;

	ls->up = NULL;
	if (!logsync_page_apply(ls, r, &more)) {
		pool_instance_result(ls->gw, inst, false);
		log_warnx("%s: catch-up at %s failed (%d)", ls->name,
		    inst->label, r->status);
		logsync_page(ls);
		return;
	}
	pool_instance_result(ls->gw, inst, true);
	ls->attempts = 0;
	if (more) {
		logsync_page(ls);
		return;
	}
	ls->catching = false;
}

/* GET the next page of the log from an instance of the owner. */
static void
logsync_page(struct logsync *ls)
{
	struct instance *inst = NULL;
	char path[96];

	if (ls->gw->stopping || ls->up != NULL)
		return;
	if (ls->attempts < LOGSYNC_ATTEMPTS)
		inst = pool_pick(ls->gw, ls->owner, ls->tried,
		    (size_t)ls->attempts);
	if (inst == NULL) {
		logsync_retry_later(ls);
		return;
	}
	ls->tried[ls->attempts++] = inst;
	/* unknown position: a seq past any, for "last" alone */
	snprintf(path, sizeof(path), "/internal/events?after=%" PRId64
	    "&limit=%d", ls->last < 0 ? INT64_MAX : ls->last,
	    ls->last < 0 ? 1 : LOGSYNC_PAGE);
	ls->up = upstream_internal_get(ls->gw, inst, path, logsync_done, ls);
}

void
logsync_event(struct logsync *ls, const char *payload)
{
	struct event ev;

	if (events_decode(payload, &ev) != 0) {
		log_warnx("%s: an event that is not one of events.h: %.80s",
		    ls->name, payload);
		return;
	}
	if (ev.seq == 0) {
		/* not from the log (an older publisher): as it comes */
		ls->apply(ls->gw, &ev);
	} else {
		if (ev.seq > ls->seen)
			ls->seen = ev.seq;
		if (ls->catching || ls->last < 0) {
			/* the catch-up fetches it, in order */
			logsync_catch_up(ls);
		} else if (ev.seq == ls->last + 1) {
			ls->last = ev.seq;
			ls->apply(ls->gw, &ev);
		} else if (ev.seq > ls->last + 1) {
			log_info("%s: events %" PRId64 " to %" PRId64
			    " missed: catching up", ls->name, ls->last + 1,
			    ev.seq - 1);
			logsync_catch_up(ls);
		}
		/* else a double: dropped */
	}
	events_release(&ev);
}

void
logsync_connected(struct logsync *ls)
{
	logsync_catch_up(ls);
}
