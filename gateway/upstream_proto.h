/* upstream_proto.h: the lws protocol of upstream connections (main.c's
 * protocol table). Only lws-aware files include this. */
#ifndef CHIRP_GATEWAY_UPSTREAM_PROTO_H
#define CHIRP_GATEWAY_UPSTREAM_PROTO_H

#include <libwebsockets.h>

#define UPSTREAM_PROTOCOL "chirp-upstream"

int upstream_callback(struct lws *, enum lws_callback_reasons, void *user,
    void *in, size_t len);

#endif
