/* bus_events.c: the gateway's reaction to each event (events.h). */
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "bus_events.h"
#include "cache.h"
#include "events.h"
#include "feed.h"
#include "gateway.h"
#include "log.h"
#include "model.h"
#include "revoke.h"
#include "revocations.h"
#include "ws.h"

/* The decoded payload in *ev; false (logged) when it is not an event. */
static bool
decode(const char *payload, struct event *ev)
{
	if (events_decode(payload, ev) == 0)
		return true;
	log_warnx("bus: an event that is not one of events.h: %.80s",
	    payload);
	return false;
}

/* A frame of the live feed: the tweet as published, or the deleted id. */
static void
fan_out(struct gateway *gw, const struct event *ev)
{
	json_t *frame;
	char *s;

	if (ev->type == EVENT_TWEET) {
		ws_tweet_seen(gw, ev->tweet_id);
		s = events_encode(ev);
	} else {
		frame = model_must(json_pack("{s:s, s:o}", "type", "delete",
		    "tweetId", model_id_json(ev->tweet_id)));
		if ((s = json_dumps(frame, JSON_COMPACT)) == NULL)
			fatalx("out of memory");
		json_decref(frame);
	}
	feed_publish(gw->feed, ev->user_id, ev->tweet_id,
	    ev->type == EVENT_TWEET, s, strlen(s), ws_wake, gw);
	free(s);
}

void
bus_events_tweet(const char *channel, const char *payload, void *arg)
{
	struct event ev;

	(void)channel;
	if (!decode(payload, &ev))
		return;
	if (ev.type == EVENT_TWEET || ev.type == EVENT_DELETE)
		fan_out(arg, &ev);
	events_release(&ev);
}

/*
 * A follow edge made or removed: both users' cached lists are stale, and
 * the follower's live connections now get, or stop getting, the target.
 * A deleted account may be in any cached list; its tokens, and those of
 * a logout, are dead and its live connections closed.
 */
void
bus_events_user(const char *channel, const char *payload, void *arg)
{
	struct gateway *gw = arg;
	struct event ev;

	(void)channel;
	gw->cache_epoch++;
	if (!decode(payload, &ev))
		return;
	revoke_on_event(gw->revoke, &ev, (int64_t)time(NULL));
	switch (ev.type) {
	case EVENT_FOLLOW:
	case EVENT_UNFOLLOW:
		cache_invalidate_user(gw->cache, ev.user_id);
		cache_invalidate_user(gw->cache, ev.target_id);
		if (ev.type == EVENT_FOLLOW)
			feed_follow(gw->feed, ev.user_id, ev.target_id);
		else
			feed_unfollow(gw->feed, ev.user_id, ev.target_id);
		break;
	case EVENT_USER_DELETED:
		cache_clear(gw->cache);
		ws_close_user(gw, ev.user_id, "account deleted");
		break;
	case EVENT_REVOKE:
		ws_close_user(gw, ev.user_id, "token revoked");
		break;
	default:
		break;
	}
	events_release(&ev);
}

void
bus_events_tweet_connected(void *arg)
{
	ws_catch_up(arg);
}

void
bus_events_user_connected(void *arg)
{
	struct gateway *gw = arg;

	gw->cache_epoch++;
	cache_clear(gw->cache);
	ws_user_bus_connected(gw);	/* follow events may have been lost */
	revocations_reload(gw);
}
