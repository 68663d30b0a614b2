/*
 * backoff.h: failed logins per client address, throttled with an
 * exponential back-off (as Mastodon and GitHub throttle password guesses):
 * the first `free` failures cost nothing; each further failure makes the
 * address wait 2^(n - free - 1) seconds, n the failures so far, at most
 * max_s. A success forgets the address; so does an hour without a failure.
 * Per address, never per account, so that nobody can lock another user
 * out of their account.
 *
 * Memory is bounded: at most max_keys addresses; a new one when full
 * evicts the one whose last failure is oldest.
 *
 * Single-threaded (the gateway is one event loop). Times are passed in.
 */
#ifndef CHIRP_GATEWAY_BACKOFF_H
#define CHIRP_GATEWAY_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#define BACKOFF_FORGET_MS (3600 * 1000)

/* free_failures >= 0, max_s >= 1, max_keys >= 1. */
struct backoff *backoff_new(int free_failures, int max_s, size_t max_keys);
void backoff_free(struct backoff *);

/* Whole seconds key (copied) must still wait before its next try; 0 when
 * it may try now. */
int backoff_wait(struct backoff *, const char *key, int64_t now_ms);
/* A failed try of key at now_ms (a monotonic clock). */
void backoff_failure(struct backoff *, const char *key, int64_t now_ms);
/* A successful try: key starts afresh. */
void backoff_success(struct backoff *, const char *key);

/* Addresses tracked now (tests). */
size_t backoff_count(const struct backoff *);

#endif
