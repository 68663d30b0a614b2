/* auth.c: bearer tokens at the gateway: signed, unexpired, not revoked. */
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "gateway.h"
#include "revoke.h"
#include "token_cache.h"

bool
auth_token(const struct gateway *gw, const char *token,
    struct token_claims *out)
{
	if (token == NULL || token[0] == '\0' || gw->secret == NULL)
		return false;
	if (token_cache_verify(gw->tokens, gw->secret, gw->secret_len, token,
	    (int64_t)time(NULL), out) != TOKEN_OK)
		return false;
	/* Logged out, or its account deleted. */
	return gw->revoke == NULL || revoke_token_valid(gw->revoke, out);
}

bool
auth_bearer(const struct gateway *gw, const char *header,
    struct token_claims *out)
{
	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return false;
	header += 7;
	while (*header == ' ')
		header++;
	return auth_token(gw, header, out);
}
