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
	struct event plain;
	json_t *frame;
	char *s;

	switch (ev->type) {
	case EVENT_TWEET:
		/* the tweet as published, whole (a reply's and a repost's
		 * members included); the seq is the frame's cursor, and the
		 * parent's author is for the services, not a client */
		plain = *ev;
		plain.seq = 0;
		plain.parent_user_id = 0;
		return events_encode(&plain);
	case EVENT_DELETE:
		frame = model_must(json_pack("{s:s, s:o}", "type", "delete",
		    "tweetId", model_id_json(ev->tweet_id)));
		break;
	case EVENT_NOTIFICATION:
		/* the object as notifyd published it (a JSON object, checked
		 * by events_decode) */
		if (ev->notification == NULL)
			return NULL;
		return xasprintf("{\"type\":\"notification\","
		    "\"notification\":%s}", ev->notification);
	case EVENT_NOTIFICATION_DELETE:
		frame = model_must(json_pack("{s:s, s:o}", "type",
		    "notification_delete", "notificationId",
		    model_id_json(ev->notification_id)));
		break;
	default:
		return NULL;	/* like, unlike, the user events: no frame */
	}
	if ((s = json_dumps(frame, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(frame);
	return s;
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

/* Only tweets and deletes reach the live feed: a like or unlike is in
 * the tweet log (its seq applied, so the position moves past it) but is
 * no frame of anyone's feed; a client learns of a like on its tweet from
 * its notification. */
void
bus_events_tweet_apply(struct gateway *gw, const struct event *ev)
{
	if (ev->type == EVENT_TWEET || ev->type == EVENT_DELETE)
		fan_out(gw, ev);
}

/* A notification or its removal, for the recipient's connections on
 * this gateway; anything else on the notify channel is no concern. */
void
bus_events_notify_apply(struct gateway *gw, const struct event *ev)
{
	char *s;

	if ((ev->type != EVENT_NOTIFICATION &&
	    ev->type != EVENT_NOTIFICATION_DELETE) || ev->user_id <= 0)
		return;
	if ((s = bus_events_frame(ev)) == NULL)
		return;
	feed_publish_user(gw->feed, ev->user_id, ev->seq, s, strlen(s),
	    ws_wake, gw);
	free(s);
}

void
bus_events_notify(const char *channel, const char *payload, void *arg)
{
	struct gateway *gw = arg;

	(void)channel;
	logsync_event(gw->notify_log, payload);
}

/*
 * The notify log's position was learnt (connections start their
 * notifications from it), or events it no longer holds were missed: as
 * for the tweet log, the connections are closed to resume with their
 * cursor, whose notify part then resets.
 */
void
bus_events_notify_lost(struct gateway *gw, bool first)
{
	if (first)
		ws_notify_position_known(gw);
	else
		ws_close_all(gw, "notifications were lost; resume");
}

void
bus_events_notify_connected(void *arg)
{
	struct gateway *gw = arg;

	logsync_connected(gw->notify_log);
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
