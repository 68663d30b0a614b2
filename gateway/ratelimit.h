/*
 * ratelimit.h: the gateway's per-client request limit (docs/API.md: 429 with
 * Retry-After and X-RateLimit-Limit, -Remaining, -Reset).
 *
 * A fixed window per key: a key's window opens with its first request and
 * lasts window_s seconds; within it at most `limit` requests are allowed,
 * then the next request opens a new window. Simple, O(1), and what the
 * X-RateLimit-Reset header describes. A burst of up to 2 x limit can pass
 * across a window boundary; that is the known price of a fixed window.
 *
 * Memory is bounded: at most max_keys keys are tracked. A new key when
 * full evicts the key whose window opened first (expired ones are always
 * first), which at worst gives that client a fresh window early.
 *
 * Single-threaded (the gateway is one event loop). Times are passed in.
 */
#ifndef CHIRP_GATEWAY_RATELIMIT_H
#define CHIRP_GATEWAY_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit_result {
	bool allowed;
	int limit;
	int remaining;
	int reset_s;
};

/* limit >= 1 requests per window_s >= 1 seconds, max_keys >= 1. */
struct ratelimit *ratelimit_new(int limit, int window_s, size_t max_keys);
void ratelimit_free(struct ratelimit *);

/*
 * Count one request of key (copied) at now_ms (a monotonic clock). Returns
 * whether it is allowed; out is filled either way: remaining is what is
 * left after this request, reset_s the whole seconds (at least 1) until
 * the key's window resets, which is also the Retry-After of a refusal.
 * A refused request does not count.
 */
bool ratelimit_take(struct ratelimit *, const char *key, int64_t now_ms,
    struct ratelimit_result *out);

/* Keys tracked now (tests, metrics). */
size_t ratelimit_count(const struct ratelimit *);

#endif
