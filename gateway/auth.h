/* auth.h: the gateway's check of bearer tokens (common/token.h), so that a
 * request without a valid token is refused (401) before any upstream call. */
#ifndef CHIRP_GATEWAY_AUTH_H
#define CHIRP_GATEWAY_AUTH_H

#include <stdbool.h>

#include "token.h"

struct gateway;

/* A valid, unexpired, unrevoked token; out gets its claims. */
bool auth_token(const struct gateway *, const char *token,
    struct token_claims *out);
/* The same for an "Authorization: Bearer TOKEN" value (may be NULL). */
bool auth_bearer(const struct gateway *, const char *header,
    struct token_claims *out);

#endif
