/* auth.c: bearer tokens at the gateway. */
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "gateway.h"

bool
auth_token(const struct gateway *gw, const char *token,
    struct token_claims *out)
{
	if (token == NULL || token[0] == '\0' || gw->secret == NULL)
		return false;
	return token_verify(gw->secret, gw->secret_len, token,
	    (int64_t)time(NULL), out) == TOKEN_OK;
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
