/*
 * revocations.h: revoked tokens at the gateway (common/revoke.h). The
 * table is fed by the user bus (bus_events.c) and loaded from chirp-userd's
 * GET /internal/revocations at start and after every reconnection of the
 * user bus, retried every second until a list comes.
 */
#ifndef CHIRP_GATEWAY_REVOCATIONS_H
#define CHIRP_GATEWAY_REVOCATIONS_H

struct gateway;

/* Make gw->revoke and ask for the list (once the lws context runs). */
void revocations_start(struct gateway *);
/* Ask for the list again (events may have been missed). */
void revocations_reload(struct gateway *);
/* Stop asking; then revocations_free. */
void revocations_stop(struct gateway *);
void revocations_free(struct gateway *);

#endif
