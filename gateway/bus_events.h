/*
 * bus_events.h: what the gateway does with each public event (events.h):
 * tweets and deletes fan out to the live feed; follows and unfollows
 * update the feed's index and drop cached follow lists; notifications
 * (chirp-notifyd's channel) go to the recipient's connections; likes and
 * unlikes are no frame; a deleted account
 * clears the cache; a deleted account or a logout (revoke) kills the
 * user's tokens (revocations.h) and closes its live connections. Both
 * channels go through their logsync (logsync.h), which applies them in
 * log order and catches up from the owner's log.
 */
#ifndef CHIRP_GATEWAY_BUS_EVENTS_H
#define CHIRP_GATEWAY_BUS_EVENTS_H

#include <stdbool.h>

struct event;
struct gateway;

/* listener_event_fn for CHANNEL_TWEET, CHANNEL_USER and CHANNEL_NOTIFY;
 * arg the gateway. */
void bus_events_tweet(const char *channel, const char *payload, void *arg);
void bus_events_user(const char *channel, const char *payload, void *arg);
void bus_events_notify(const char *channel, const char *payload, void *arg);
/* listener_connect_fn: after a (re)connection events may be lost. */
void bus_events_tweet_connected(void *arg);
void bus_events_user_connected(void *arg);
void bus_events_notify_connected(void *arg);

/* logsync_apply_fn and logsync_lost_fn of the three logs. */
void bus_events_tweet_apply(struct gateway *, const struct event *);
void bus_events_user_apply(struct gateway *, const struct event *);
void bus_events_notify_apply(struct gateway *, const struct event *);
void bus_events_tweet_lost(struct gateway *, bool first);
void bus_events_user_lost(struct gateway *, bool first);
void bus_events_notify_lost(struct gateway *, bool first);

/*
 * The live feed's frame of a tweet, delete, notification or
 * notification_delete event, without its cursor (ws.c adds the
 * connection's position: "t<tweet seq>-n<notify seq>"); the caller
 * frees. NULL for any other type (like, unlike, the user events).
 */
char *bus_events_frame(const struct event *);

#endif
