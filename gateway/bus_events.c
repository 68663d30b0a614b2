/* bus_events.c: the gateway's reaction to each event (events.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus_events.h"
#include "cache.h"
#include "events.h"
#include "feed.h"
#include "gateway.h"
#include "log.h"
#include "logsync.h"
#include "model.h"
#include "revoke.h"
#include "revocations.h"
#include "ws.h"
#include "xmalloc.h"

char *
bus_events_frame(const struct event *ev)
{
	struct event plain = *ev;
	json_t *frame;
	char *s, *out;
	size_t len;

	if (ev->type == EVENT_TWEET) {
		plain.seq = 0;	/* the frame says it as its cursor */
		s = events_encode(&plain);
	} else if (ev->type == EVENT_DELETE) {
		frame = model_must(json_pack("{s:s, s:o}", "type", "delete",
		    "tweetId", model_id_json(ev->tweet_id)));
		if ((s = json_dumps(frame, JSON_COMPACT)) == NULL)
			fatalx("out of memory");
		json_decref(frame);
	} else
		return NULL;
	if (ev->seq <= 0)
		return s;
	/* an object: its cursor goes in before the closing brace */
	len = strlen(s);
	s[len - 1] = '\0';
	out = xasprintf("%s,\"cursor\":\"t%" PRId64 "\"}", s, ev->seq);
	free(s);
	return out;
}

/* A frame of the live feed: the tweet as published, or the deleted id. */
static void
fan_out(struct gateway *gw, const struct event *ev)
{
	char *s = bus_events_frame(ev);

	feed_publish(gw->feed, ev->user_id, ev->tweet_id, ev->seq,
	    ev->type == EVENT_TWEET, s, strlen(s), ws_wake, gw);
	free(s);
}

void
bus_events_tweet_apply(struct gateway *gw, const struct event *ev)
{
	if (ev->type == EVENT_TWEET || ev->type == EVENT_DELETE)
		fan_out(gw, ev);
}

void
bus_events_tweet(const char *channel, const char *payload, void *arg)
{
	struct gateway *gw = arg;

	(void)channel;
	logsync_event(gw->tweet_log, payload);
}

/*
 * A follow edge made or removed: both users' cached lists are stale, and
 * the follower's live connections now get, or stop getting, the target.
 * A deleted account may be in any cached list; its tokens, and those of
 * a logout, are dead and its live connections closed.
 */
void
bus_events_user_apply(struct gateway *gw, const struct event *ev)
{
	gw->cache_epoch++;
	revoke_on_event(gw->revoke, ev, (int64_t)time(NULL));
	switch (ev->type) {
	case EVENT_FOLLOW:
	case EVENT_UNFOLLOW:
		cache_invalidate_user(gw->cache, ev->user_id);
		cache_invalidate_user(gw->cache, ev->target_id);
		if (ev->type == EVENT_FOLLOW)
			feed_follow(gw->feed, ev->user_id, ev->target_id);
		else
			feed_unfollow(gw->feed, ev->user_id, ev->target_id);
		break;
	case EVENT_USER_DELETED:
		cache_clear(gw->cache);
		ws_close_user(gw, ev->user_id, "account deleted");
		break;
	case EVENT_REVOKE:
		ws_close_user(gw, ev->user_id, "token revoked");
		break;
	default:
		break;
	}
}

void
bus_events_user(const char *channel, const char *payload, void *arg)
{
	struct gateway *gw = arg;

	(void)channel;
	gw->cache_epoch++;
	logsync_event(gw->user_log, payload);
}

/*
 * The tweet log's position was learnt (connections waiting for it go on),
 * or events it no longer holds were missed: the live connections cannot
 * be told what they missed, so they are closed, to resume with their
 * cursor (which then resets).
 */
void
bus_events_tweet_lost(struct gateway *gw, bool first)
{
	if (first)
		ws_position_known(gw);
	else
		ws_close_all(gw, "events were lost; resume");
}

/*
 * The user log's position was learnt, or events it no longer holds were
 * missed: nothing before the position can be caught up from it, so every
 * follow list cached or held by a connection and the revocations are
 * loaded again (the path before the log).
 */
void
bus_events_user_lost(struct gateway *gw, bool first)
{
	(void)first;
	gw->cache_epoch++;
	cache_clear(gw->cache);
	ws_user_bus_connected(gw);
	revocations_reload(gw);
}

void
bus_events_tweet_connected(void *arg)
{
	struct gateway *gw = arg;

	logsync_connected(gw->tweet_log);
}

/* The cache may hold lists read while events were being missed: dropped;
 * the missed events themselves come from the user log. */
void
bus_events_user_connected(void *arg)
{
	struct gateway *gw = arg;

	gw->cache_epoch++;
	cache_clear(gw->cache);
	logsync_connected(gw->user_log);
}
