/* gateway.c: what gateway.h declares beside the context itself. */
#include <libwebsockets.h>

#include "gateway.h"

struct gateway *
gateway_of(struct lws_context *ctx)
{
	return lws_context_user(ctx);
}
