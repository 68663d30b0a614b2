/* listener_proto.h: the lws protocol of the bus sockets (main.c's table). */
#ifndef CHIRP_GATEWAY_LISTENER_PROTO_H
#define CHIRP_GATEWAY_LISTENER_PROTO_H

#include <libwebsockets.h>

#define LISTENER_PROTOCOL "chirp-bus"

int listener_callback(struct lws *, enum lws_callback_reasons, void *user,
    void *in, size_t len);

#endif
