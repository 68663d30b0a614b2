/*
 * followings.h: whom a user follows, for home timelines. Asked of
 * chirp-userd and cached in the process, bounded; the cache is kept right
 * by the user service's events (CHANNEL_USER) and synced with the bus
 * before every read, so a follow shows in the very next home timeline.
 * While the bus is down the cache is bypassed.
 */
#ifndef CHIRP_FOLLOWINGS_H
#define CHIRP_FOLLOWINGS_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "userd_client.h"

/* userd and bus_url are borrowed; max_entries bounds the cache. */
struct followings *followings_new(struct userd_client *userd,
    const char *bus_url, size_t max_entries);
/*
 * Also hand every CHANNEL_USER event to fn, and run on_reconnect after
 * every (re)connection of the bus (either may be NULL); before
 * followings_start. For the revoked-token table (revocations.h).
 */
void followings_also(struct followings *, bus_handler *fn,
    void (*on_reconnect)(void *), void *arg);
/* Also apply every CHANNEL_USER event to the feed's replica (feed.h),
 * borrowed; before followings_start. */
struct feed;
void followings_feed(struct followings *, struct feed *);
/*
 * The read-your-writes barrier: every event of the user service committed
 * before the call has been handed on (and applied) when it returns 0;
 * *known is then the newest seq of its log seen. -1 while the bus is down.
 */
int followings_sync(struct followings *, int64_t *known);
/* Start listening to the user service's events; 0 or -1. */
int followings_start(struct followings *);
void followings_free(struct followings *);

/*
 * The ids user_id follows; *ids belongs to the caller (free) and has room
 * for n + 1 ids.
 */
enum userd_result followings_get(struct followings *, int64_t user_id,
    int64_t **ids, size_t *n);

/* Apply one event of CHANNEL_USER (exposed for the unit tests). */
void followings_on_event(const char *channel, const char *payload,
    void *arg);

#endif
