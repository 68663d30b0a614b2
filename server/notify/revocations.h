/*
 * revocations.h: chirp-notifyd's view of revoked tokens (common/revoke.h):
 * kept by chirp-userd's events, which the user intake hands on
 * (revocations_on_event), and loaded from chirp-userd's GET
 * /internal/revocations at start and after every reconnection of that
 * bus (revocations_reload).
 */
#ifndef CHIRP_NOTIFY_REVOCATIONS_H
#define CHIRP_NOTIFY_REVOCATIONS_H

#include <stdbool.h>

#include "events.h"
#include "token.h"

struct notifyd;

/* Make nd->revoke. */
void revocations_init(struct notifyd *);
void revocations_free(struct notifyd *);
/* Ask chirp-userd for the list; 0 or -1 (logged). arg: the notifyd. */
int revocations_reload(struct notifyd *);
/* intake.h's hooks; arg is the notifyd. */
void revocations_on_event(const struct event *, void *arg);
void revocations_on_reconnect(void *arg);
/* False when the token of these verified claims was revoked. */
bool revocations_token_valid(struct notifyd *, const struct token_claims *);

#endif
