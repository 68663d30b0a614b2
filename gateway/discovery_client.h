/*
 * discovery_client.h: keeps the instance lists fresh in the background:
 * GET /services of chirp-discoveryd every 2 s (never per request), and a
 * breaker probe check every 0.5 s. A failed refresh keeps the last lists.
 */
#ifndef CHIRP_GATEWAY_DISCOVERY_CLIENT_H
#define CHIRP_GATEWAY_DISCOVERY_CLIENT_H

struct gateway;

struct discovery_client *discovery_client_start(struct gateway *);
/* Cancel the timers (before the lws context goes). */
void discovery_client_stop(struct discovery_client *);
void discovery_client_free(struct discovery_client *);

#endif
