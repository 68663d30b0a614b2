/*
 * cache.h: the gateway's cache of GET /users/{userId}/followings and
 * /followers answers (docs/API.md: X-Cache HIT or MISS). Keyed by the
 * normalised request (cache_follow_key: user, list, limit, cursor), so
 * every page is its own entry and no reordering or extra argument makes
 * another; every entry also knows whose list it is, so a follow, unfollow
 * or account deletion drops all the pages of that user at once.
 *
 * Bounded: at most max_entries entries and max_bytes bytes (bodies, keys
 * and bookkeeping), the least recently used evicted first; an entry
 * stored ttl_ms or more ago is a miss (ttl_ms <= 0: no expiry by age,
 * only by invalidation). Hash tables for keys and users, so every call is
 * O(1) on average (invalidation is O(pages of that user)).
 * Single-threaded: the gateway is one event loop.
 */
#ifndef CHIRP_GATEWAY_CACHE_H
#define CHIRP_GATEWAY_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* max_entries or max_bytes 0 caches nothing. */
struct cache *cache_new(size_t max_entries, size_t max_bytes,
    int64_t ttl_ms);
void cache_free(struct cache *);

/* The list limit a request without limit= gets, and its bounds
 * (docs/API.md). */
#define CACHE_LIST_DEFAULT 100
#define CACHE_LIST_MAX 1000

/*
 * The canonical request of a follow-list page: path is
 * /users/{id}/followings or /followers, query the encoded query (no '?').
 * Returns "/users/ID/KIND?limit=N[&cursor=C]" with the default limit
 * filled in, the cursor decoded and encoded again, and other arguments
 * dropped (the service ignores them); the caller frees it, and sends it
 * upstream in place of the client's, so the cached answer is the answer
 * to the key. NULL when the request is not one to cache: a malformed or
 * repeated limit or cursor (the service answers it, 400), a bad path.
 */
char *cache_follow_key(const char *path, const char *query);

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
/* What the entries take now, in the units of max_bytes. */
size_t cache_bytes(const struct cache *);

#endif
