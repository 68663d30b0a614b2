/* front_proto.h: the lws protocol callbacks of the server side (main.c's
 * protocol table). */
#ifndef CHIRP_GATEWAY_FRONT_PROTO_H
#define CHIRP_GATEWAY_FRONT_PROTO_H

#include <libwebsockets.h>

struct gateway;

int front_callback(struct lws *, enum lws_callback_reasons, void *user,
    void *in, size_t len);
size_t front_sess_size(void);

/* Any "Upgrade:" request (the return value of
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE, which lws gives the feed protocol,
 * the vhost's default): h2c is declined and the request served as
 * HTTP/1.1; a WebSocket upgrade passes the input check and the rate
 * limit, then ws_confirm_upgrade(). */
int front_confirm_upgrade(struct gateway *, struct lws *, char *proto);

/* A client connection closes (LWS_CALLBACK_CLOSED_HTTP, which goes to the
 * protocol it is bound to: http, or the feed protocol, the vhost's
 * default, when it never sent a request): it leaves the count of plain
 * HTTP connections. The socket is still open then; at WSI_DESTROY it is
 * not. */
void front_conn_closed(struct gateway *, struct lws *);

/* ws.c: accept or refuse an upgrade to the live feed (the return value of
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE). */
int ws_confirm_upgrade(struct gateway *, struct lws *, const char *proto);
/* Drop what ws_confirm_upgrade hung on wsi (an upgrade that failed after
 * the check); every WSI_DESTROY of a server connection calls it. */
void ws_upgrade_forget(struct lws *);
int ws_callback(struct lws *, enum lws_callback_reasons, void *user,
    void *in, size_t len);
size_t ws_sess_size(void);

#endif
