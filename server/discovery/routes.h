/* routes.h: the whole HTTP surface of chirp-discoveryd, one table. */
#ifndef CHIRP_DISCOVERY_ROUTES_H
#define CHIRP_DISCOVERY_ROUTES_H

#include <stddef.h>

#include "http_server.h"

extern const struct http_route routes[];
extern const size_t routes_count;

#endif
