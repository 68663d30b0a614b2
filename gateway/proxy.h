/*
 * proxy.h: a public request to the owning service: a healthy instance by
 * round robin, at most three attempts (a POST again only when nothing
 * reached the upstream or it carries an Idempotency-Key), 503 when no
 * instance is left, 504 on a timeout. The follow lists go through the
 * cache, a hit only after a bus sync (read-your-writes across gateways).
 */
#ifndef CHIRP_GATEWAY_PROXY_H
#define CHIRP_GATEWAY_PROXY_H

struct front_req;

/* Answer hr (it is FRONT_PENDING and routed). */
void proxy_start(struct front_req *);
/* The bus sync hr waited for is done (ok false: the bus is down). */
void proxy_synced(struct front_req *, int ok);

#endif
