/* routes.h: the HTTP surface of chirp-notifyd (routes.c). */
#ifndef CHIRP_ROUTES_H
#define CHIRP_ROUTES_H

#include <stddef.h>

#include "http_server.h"

extern const struct http_route routes_table[];
extern const size_t routes_count;

#endif
