/*
 * registrar.h: keeps a service instance registered with chirp-discoveryd.
 * A background thread POSTs /services every period seconds; stopping it
 * sends DELETE /services with the same body.
 */
#ifndef CHIRP_REGISTRAR_H
#define CHIRP_REGISTRAR_H

struct svcauth;

/*
 * type is "user" or "tweet". Every request carries a service credential
 * of svcauth (borrowed, outlives the registrar) for discovery. NULL when
 * discovery_url is NULL or empty.
 */
struct registrar *registrar_start(const char *discovery_url,
    const char *type, const char *host, int port, int period_s,
    const struct svcauth *svcauth);
void registrar_stop(struct registrar *);

#endif
