/* pool.h: upstream instances per service (gateway.h declares the picks). */
#ifndef CHIRP_GATEWAY_POOL_H
#define CHIRP_GATEWAY_POOL_H

#include <stddef.h>

#include "gateway.h"

/* Discovery's current list of service s (hosts and ports borrowed). */
void pool_update(struct gateway *, enum service s, const char *const *hosts,
    const int *ports, size_t n);
/* Probe every instance whose breaker wants it (call every ~0.5 s). */
void pool_probe(struct gateway *);
void pool_free(struct gateway *);

#endif
