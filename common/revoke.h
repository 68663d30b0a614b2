/*
 * revoke.h: which access tokens are revoked, for the processes that check
 * tokens without asking chirp-userd (chirp-tweetd, the gateway). A table
 * userId -> the lowest token generation still valid ("gen" claim, see
 * token.h); a deleted account has no valid generation. It is fed by the
 * user events {"type":"revoke","userId","gen"} and {"type":"user_deleted",
 * "userId"} and loaded from userd's GET /internal/revocations at start and
 * after a bus reconnection (events may have been missed).
 *
 * Bounded: past max entries the oldest is dropped, and so that no revoked
 * token comes back to life the table then refuses every token issued at
 * or before that entry's time ("floor"): those users log in again. Safe
 * from any thread.
 */
#ifndef CHIRP_REVOKE_H
#define CHIRP_REVOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "token.h"

#define REVOKE_MAX_DEFAULT 100000

struct event;
struct revoke;

/* An empty table of at most max entries (at least 1). */
struct revoke *revoke_new(size_t max);
void revoke_free(struct revoke *);

/*
 * Tokens of user_id with a generation below min_gen are dead from now
 * (seconds since the epoch) on. A lower min_gen than the one held
 * changes nothing: generations only grow.
 */
void revoke_set(struct revoke *, int64_t user_id, int64_t min_gen,
    int64_t now);
/* Every token of user_id is dead (the account was deleted). */
void revoke_user_deleted(struct revoke *, int64_t user_id, int64_t now);

/* False when the token of these (verified) claims has been revoked. */
bool revoke_token_valid(struct revoke *, const struct token_claims *);

/* Apply one decoded event (events.h): a revoke or a user_deleted changes
 * the table, any other type is ignored. */
void revoke_on_event(struct revoke *, const struct event *, int64_t now);

/*
 * Apply the body of GET /internal/revocations:
 *   {"revocations":[{"userId":"1","gen":3},{"userId":"2","deleted":true}],
 *    "floor":1700000000}
 * ("floor" only when the list was cut short). Marks the table loaded.
 * -1 when the body is not of that shape (nothing changed).
 */
int revoke_load(struct revoke *, const char *body, size_t len, int64_t now);
/* The same for the body already parsed (borrowed). */
int revoke_load_json(struct revoke *, const json_t *doc, int64_t now);
/* True once revoke_load succeeded. */
bool revoke_loaded(struct revoke *);
/* Entries held (tests, metrics). */
size_t revoke_count(struct revoke *);

#endif
