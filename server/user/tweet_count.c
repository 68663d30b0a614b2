/*
 * tweet_count.c: tweetsCount from chirp-tweetd's event log (tweet_count.h).
 *
 * The log is read a page at a time after the position kept in the user
 * database (tweet_replica); each page is applied in one transaction
 * that moves the position, under its row lock, so a crash, a restart or
 * a second chirp-userd instance neither loses nor doubles an event. The
 * bus only says when to look: what is applied always comes from the log.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus.h"
#include "eventlog.h"
#include "events.h"
#include "http_client.h"
#include "log.h"
#include "model.h"
#include "svcauth.h"
#include "ticker.h"
#include "tweet_count.h"
#include "user_store.h"
#include "userd.h"
#include "xmalloc.h"

/* Pages per pass at most: a bound on one pass (the next one goes on). */
#define TWEET_COUNT_PAGES 100
#define TWEET_COUNT_TIMEOUT_MS 5000

struct tweet_count {
	struct userd *ud;
	struct ticker *ticker;
	struct bus *bus;
	/* chirp-tweetd, kept alive between passes (the ticker's thread) */
	struct http_client *tweetd;
	int poll_ms;
	int64_t gone_warned;	/* the last "first" warned about */
	bool failing;		/* the last read failed (warned once) */
};

/*
 * A failed read of the log: warned the first time, then quiet until a
 * read succeeds again (a poll every second would fill the log).
 */
static void
read_failed(struct tweet_count *tc, const char *path, const char *why)
{
	if (tc->failing)
		log_debug("tweet counts: tweetd GET %s: %s", path, why);
	else
		log_warnx("tweet counts: tweetd '%s' GET %s: %s; tweetsCount "
		    "waits", tc->ud->tweet_url, path, why);
	tc->failing = true;
}

/*
 * One page of chirp-tweetd's log after pos into *out; -1 (logged) when
 * there is no well-formed answer.
 */
static int
fetch_page(struct tweet_count *tc, int64_t pos, json_t **out)
{
	char *cred = svcauth_header(tc->ud->svcauth, "tweetd");
	const char *headers[] = { cred, NULL };
	struct http_result res;
	char path[96], why[64];
	json_t *j = NULL;

	*out = NULL;
	memset(&res, 0, sizeof(res));
	snprintf(path, sizeof(path), "/internal/events?after=%" PRId64
	    "&limit=%d", pos, EVENTLOG_LIMIT_MAX);
	if (http_client_request(tc->tweetd, "GET", path, NULL, headers,
	    &res) == -1)
		read_failed(tc, path, res.error);
	else if (res.status != 200) {
		snprintf(why, sizeof(why), "status %ld", res.status);
		read_failed(tc, path, why);
	} else if ((j = json_loadb(res.body, res.len, 0, NULL)) == NULL ||
	    !json_is_array(json_object_get(j, "events")) ||
	    json_array_size(json_object_get(j, "events")) >
	    EVENTLOG_LIMIT_MAX) {
		read_failed(tc, path, "not an event page");
		json_decref(j);
		j = NULL;
	} else if (tc->failing) {
		log_info("tweet counts: chirp-tweetd's log is readable again");
		tc->failing = false;
	}
	http_result_release(&res);
	free(cred);
	*out = j;
	return j != NULL ? 0 : -1;
}

/*
 * The change one entry {"seq","event"} of the log makes; -1 when it is
 * malformed or out of order (after last). Types other than tweet and
 * delete change nothing but still move the position.
 */
static int
change_of(json_t *e, int64_t last, struct user_store_tweet_change *c)
{
	json_t *ev = json_object_get(e, "event"), *seq, *tw, *repost;
	const char *type = json_string_value(json_object_get(ev, "type"));

	seq = json_object_get(e, "seq");
	if (!json_is_integer(seq) || json_integer_value(seq) <= last ||
	    type == NULL)
		return -1;
	c->seq = json_integer_value(seq);
	c->user_id = 0;
	c->delta = 0;
	/* docs/API.md: tweetsCount counts tweets and replies, not reposts
	 * (a tweet with a non-null "repostOf"; a delete that says
	 * "repost":true). */
	if (strcmp(type, "tweet") == 0) {
		tw = json_object_get(ev, "tweet");
		if (!model_get_id(tw, "userId", &c->user_id))
			return -1;
		repost = json_object_get(tw, "repostOf");
		c->delta = repost == NULL || json_is_null(repost) ? 1 : 0;
	} else if (strcmp(type, "delete") == 0) {
		if (!model_get_id(ev, "userId", &c->user_id))
			return -1;
		c->delta = json_is_true(json_object_get(ev, "repost")) ? 0 : -1;
	}
	return 0;
}

/* Apply one page; 1 when there may be more, 0 when caught up, -1. */
static int
apply_page(struct tweet_count *tc, int64_t pos, json_t *page)
{
	json_t *events = json_object_get(page, "events"), *first, *e;
	struct user_store_tweet_change *c;
	int64_t last = pos, newpos;
	size_t i, n = json_array_size(events), applied = 0;
	int rc = -1;

	first = json_object_get(page, "first");
	if (json_is_integer(first) && pos < json_integer_value(first) - 1 &&
	    tc->gone_warned != json_integer_value(first)) {
		/* Retention dropped events never applied here: the counts
		 * go on from what is left. */
		tc->gone_warned = json_integer_value(first);
		log_warnx("tweet counts: chirp-tweetd's log starts at %"
		    PRId64 ", after our position %" PRId64 "; tweetsCount "
		    "misses what lay between", tc->gone_warned, pos);
	}
	if (n == 0)
		return 0;
	c = xcalloc(n, sizeof(*c));
	json_array_foreach(events, i, e) {
		if (change_of(e, last, &c[i]) != 0) {
			log_warnx("tweet counts: entry %zu of chirp-tweetd's log "
			    "after %" PRId64 " is not an event in order", i, pos);
			goto out;
		}
		last = c[i].seq;
	}
	if (user_store_tweet_apply(tc->ud->store, c, n, &newpos, &applied) !=
	    USER_STORE_OK)
		goto out;
	if (applied > 0)
		log_debug("tweet counts: %zu events applied, at %" PRId64,
		    applied, newpos);
	rc = n == EVENTLOG_LIMIT_MAX ? 1 : 0;
out:
	free(c);
	return rc;
}

/* One pass (ticker): catch up with chirp-tweetd's log. */
static int
tweet_count_pass(void *arg)
{
	struct tweet_count *tc = arg;
	int64_t pos;
	json_t *page;
	int i, rc;

	for (i = 0; i < TWEET_COUNT_PAGES; i++) {
		if (user_store_tweet_position(tc->ud->store, &pos) !=
		    USER_STORE_OK)
			break;
		if (pos < 0)
			pos = 0;
		if (fetch_page(tc, pos, &page) != 0)
			break;
		rc = apply_page(tc, pos, page);
		json_decref(page);
		if (rc <= 0)
			break;
	}
	return tc->poll_ms;
}

static void
on_event(const char *channel, const char *payload, void *arg)
{
	struct tweet_count *tc = arg;

	(void)payload;
	if (strcmp(channel, CHANNEL_TWEET) == 0)
		ticker_kick(tc->ticker);
}

/* Events may have been missed while the bus was away: look now. */
static void
on_reconnect(void *arg)
{
	struct tweet_count *tc = arg;

	ticker_kick(tc->ticker);
}

struct tweet_count *
tweet_count_start(struct userd *ud, const char *bus_url, int poll_ms)
{
	static const char *const channels[] = { CHANNEL_TWEET, NULL };
	struct tweet_count *tc = xcalloc(1, sizeof(*tc));

	tc->ud = ud;
	tc->poll_ms = poll_ms;
	tc->tweetd = http_client_new(ud->tweet_url);
	http_client_set_timeout(tc->tweetd, TWEET_COUNT_TIMEOUT_MS);
	if ((tc->ticker = ticker_start(tweet_count_pass, tc)) == NULL) {
		http_client_free(tc->tweetd);
		free(tc);
		return NULL;
	}
	if (bus_url != NULL && *bus_url != '\0') {
		tc->bus = bus_new(bus_url, channels);
		if (tc->bus == NULL ||
		    bus_thread_start(tc->bus, on_event, on_reconnect, tc) != 0)
			log_warnx("tweet counts: no bus at tweet_bus_url; "
			    "polling every %d ms", poll_ms);
	}
	return tc;
}

void
tweet_count_stop(struct tweet_count *tc)
{
	if (tc == NULL)
		return;
	bus_free(tc->bus);	/* stops its thread first */
	ticker_stop(tc->ticker);
	http_client_free(tc->tweetd);
	free(tc);
}
