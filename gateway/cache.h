/*
 * cache.h: the gateway's cache of GET /users/{userId}/followings and
 * /followers answers (API.md: X-Cache HIT or MISS). Keyed by path with
 * query, so every page is its own entry; every entry also knows whose list
 * it is, so a follow, unfollow or account deletion drops all the pages of
 * that user at once.
 *
 * Bounded: at most max_entries entries, the least recently used evicted
 * first; an entry stored ttl_ms or more ago is a miss (ttl_ms <= 0: no
 * expiry by age, only by invalidation). Hash tables for keys and
 * users, so every call is O(1) on average (invalidation is O(pages of
 * that user)). Single-threaded: the gateway is one event loop.
 */
#ifndef CHIRP_GATEWAY_CACHE_H
#define CHIRP_GATEWAY_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* max_entries 0 caches nothing. */
struct cache *cache_new(size_t max_entries, int64_t ttl_ms);
void cache_free(struct cache *);

/*
 * The body stored under key (path with query) and its length in *len, or
 * NULL on a miss or when it expired (then it is dropped). The body is
 * borrowed until the next call on the cache; it is NUL-terminated.
 */
const char *cache_get(struct cache *, const char *key, int64_t now_ms,
    size_t *len);

/* Store (copy) body under key, replacing what was there; user_id is whose
 * list it is. Evicts the least recently used entry when full. */
void cache_put(struct cache *, const char *key, int64_t user_id,
    const char *body, size_t len, int64_t now_ms);

/* Drop every page of both lists of user_id. */
void cache_invalidate_user(struct cache *, int64_t user_id);

/* Drop everything (the event bus reconnected: events may be lost). */
void cache_clear(struct cache *);
size_t cache_count(const struct cache *);

#endif
