/*
 * bus_events.h: what the gateway does with each public event (events.h):
 * tweets and deletes fan out to the live feed; follows and unfollows
 * update the feed's index and drop cached follow lists; a deleted account
 * clears the cache; a deleted account or a logout (revoke) kills the
 * user's tokens (revocations.h) and closes its live connections.
 */
#ifndef CHIRP_GATEWAY_BUS_EVENTS_H
#define CHIRP_GATEWAY_BUS_EVENTS_H

/* listener_event_fn for CHANNEL_TWEET and CHANNEL_USER; arg the gateway. */
void bus_events_tweet(const char *channel, const char *payload, void *arg);
void bus_events_user(const char *channel, const char *payload, void *arg);
/* listener_connect_fn: after a (re)connection events may be lost. */
void bus_events_tweet_connected(void *arg);
void bus_events_user_connected(void *arg);

#endif
