/* bus_events.c: the gateway's reaction to each event, one table per channel. */
#include <jansson.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "bus_events.h"
#include "cache.h"
#include "feed.h"
#include "gateway.h"
#include "log.h"
#include "model.h"
#include "revocations.h"
#include "revoke.h"
#include "ws.h"

typedef void event_fn(struct gateway *, json_t *event);

struct event_handler {
	const char *type;
	event_fn *fn;
};

static void
event_tweet(struct gateway *gw, json_t *ev)
{
	json_t *tweet = json_object_get(ev, "tweet"), *frame;
	int64_t id, author;
	char *s;

	if (!model_get_id(tweet, "tweetId", &id) ||
	    !model_get_id(tweet, "userId", &author))
		return;
	ws_tweet_seen(gw, id);
	frame = json_pack("{s:s, s:O}", "type", "tweet", "tweet", tweet);
	s = frame != NULL ? json_dumps(frame, JSON_COMPACT) : NULL;
	json_decref(frame);
	if (s == NULL)
		return;
	feed_publish(gw->feed, author, id, true, s, strlen(s), ws_wake, gw);
	free(s);
}

static void
event_delete(struct gateway *gw, json_t *ev)
{
	int64_t id, author;
	json_t *frame;
	char *s;

	if (!model_get_id(ev, "tweetId", &id) ||
	    !model_get_id(ev, "userId", &author))
		return;
	frame = json_pack("{s:s, s:O}", "type", "delete", "tweetId",
	    json_object_get(ev, "tweetId"));
	s = frame != NULL ? json_dumps(frame, JSON_COMPACT) : NULL;
	json_decref(frame);
	if (s == NULL)
		return;
	feed_publish(gw->feed, author, id, false, s, strlen(s), ws_wake, gw);
	free(s);
}

/* A follow edge made or removed: both users' cached lists are stale, and
 * the follower's live connections now get, or stop getting, the target. */
static void
event_edge(struct gateway *gw, json_t *ev, bool follow)
{
	int64_t user, target;

	if (!model_get_id(ev, "userId", &user) ||
	    !model_get_id(ev, "targetId", &target))
		return;
	cache_invalidate_user(gw->cache, user);
	cache_invalidate_user(gw->cache, target);
	if (follow)
		feed_follow(gw->feed, user, target);
	else
		feed_unfollow(gw->feed, user, target);
}

static void
event_follow(struct gateway *gw, json_t *ev)
{
	event_edge(gw, ev, true);
}

static void
event_unfollow(struct gateway *gw, json_t *ev)
{
	event_edge(gw, ev, false);
}
static void
event_user_deleted(struct gateway *gw, json_t *ev)
{
	int64_t user;

	cache_clear(gw->cache);
	if (model_get_id(ev, "userId", &user)) {
		revoke_user_deleted(gw->revoke, user, (int64_t)time(NULL));
		ws_close_user(gw, user, "account deleted");
	}
}

/* A logout: every token of the user issued so far is dead. */
static void
event_revoke(struct gateway *gw, json_t *ev)
{
	json_t *gen = json_object_get(ev, "gen");
	int64_t user;

	if (!model_get_id(ev, "userId", &user) || !json_is_integer(gen) ||
	    json_integer_value(gen) < 0) {
		log_warnx("bus: a malformed revoke event");
		return;
	}
	revoke_set(gw->revoke, user, (int64_t)json_integer_value(gen),
	    (int64_t)time(NULL));
	ws_close_user(gw, user, "token revoked");
}

static const struct event_handler tweet_events[] = {
	{ "tweet", event_tweet },
	{ "delete", event_delete },
	{ NULL, NULL },
};

static const struct event_handler user_events[] = {
	{ "follow", event_follow },
	{ "unfollow", event_unfollow },
	{ "user_deleted", event_user_deleted },
	{ "revoke", event_revoke },
	{ NULL, NULL },
};

static void
dispatch(struct gateway *gw, const struct event_handler *table,
    const char *payload)
{
	json_t *ev = json_loads(payload, 0, NULL);
	const char *type = json_string_value(json_object_get(ev, "type"));
	size_t i;

	if (type == NULL) {
		log_warnx("bus: an event that is not one: %.80s", payload);
		json_decref(ev);
		return;
	}
	for (i = 0; table[i].type != NULL; i++)
		if (strcmp(table[i].type, type) == 0) {
			table[i].fn(gw, ev);
			break;
		}
	json_decref(ev);
}

void
bus_events_tweet(const char *payload, void *arg)
{
	dispatch(arg, tweet_events, payload);
}

void
bus_events_user(const char *payload, void *arg)
{
	struct gateway *gw = arg;

	gw->cache_epoch++;
	dispatch(gw, user_events, payload);
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
