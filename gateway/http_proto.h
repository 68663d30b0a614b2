/* http_proto.h: the lws protocol callbacks of the server side (main.c's
 * protocol table). */
#ifndef CHIRP_GATEWAY_HTTP_PROTO_H
#define CHIRP_GATEWAY_HTTP_PROTO_H

#include <libwebsockets.h>

struct gateway;

int http_callback(struct lws *, enum lws_callback_reasons, void *user,
    void *in, size_t len);
size_t http_sess_size(void);

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
