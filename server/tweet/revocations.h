/*
 * revocations.h: chirp-tweetd's view of revoked tokens (common/revoke.h):
 * the table kept by the user events that followings.c listens to, loaded
 * from chirp-userd's GET /internal/revocations at start and after every
 * reconnection of the bus.
 */
#ifndef CHIRP_REVOCATIONS_H
#define CHIRP_REVOCATIONS_H

#include <stdbool.h>

#include "token.h"

struct tweetd;

/* Make td->revoke and hook it to td->followings (before it starts). */
void revocations_init(struct tweetd *);
void revocations_free(struct tweetd *);
/* Ask chirp-userd for the list; 0 or -1 (logged). arg is the tweetd. */
int revocations_reload(struct tweetd *);
/* False when the token of these verified claims was revoked. */
bool revocations_token_valid(struct tweetd *, const struct token_claims *);

#endif
