/*
 * routes.c: every route of chirp-discoveryd. /status and /metrics come
 * from http_server.
 */
#include "routes.h"

#include "discovery_http.h"

const struct http_route routes[] = {
	{ "GET", "/services", discovery_http_list },
	{ "POST", "/services", discovery_http_register },
	{ "DELETE", "/services", discovery_http_deregister },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
