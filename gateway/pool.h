/* pool.h: the upstream instances of each service (pool.c). */
#ifndef CHIRP_GATEWAY_POOL_H
#define CHIRP_GATEWAY_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "gateway.h"

/* Discovery's current list of service s (hosts and ports borrowed). */
void pool_update(struct gateway *, enum service s, const char *const *hosts,
    const int *ports, size_t n);
/* Probe every instance whose breaker wants it (call every ~0.5 s). */
void pool_probe(struct gateway *);
void pool_free(struct gateway *);

/* A usable instance of service by round robin, skipping the n instances
 * in skip; NULL when none is healthy. */
struct instance *pool_pick(struct gateway *, enum service,
    struct instance *const *skip, size_t n);
/* True when service has at least one listed, closed instance. */
bool pool_service_up(struct gateway *, enum service);
/* Record the outcome of a request on inst (breaker, metrics). */
void pool_instance_result(struct gateway *, struct instance *, bool ok);

#endif
