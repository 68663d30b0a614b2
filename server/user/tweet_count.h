/*
 * tweet_count.h: every user's tweetsCount, kept from chirp-tweetd's event
 * log (tweet: +1, delete: -1), each event applied exactly once across
 * restarts and instances (user_store_tweet_apply). A background pass
 * reads GET /internal/events?after=<our position> from chirp-tweetd at
 * start, every poll interval and at once when an event comes on the bus
 * (the tweet_bus_url setting; without it the poll alone keeps up).
 */
#ifndef CHIRP_TWEET_COUNT_H
#define CHIRP_TWEET_COUNT_H

struct userd;

/*
 * Start keeping counts; bus_url (may be NULL or empty) is chirp-tweetd's
 * bus (bus.h), poll_ms the longest wait between two passes. NULL (logged)
 * when the thread cannot start.
 */
struct tweet_count *tweet_count_start(struct userd *, const char *bus_url,
    int poll_ms);
void tweet_count_stop(struct tweet_count *);

#endif
