/*
 * routes.c: every route of chirp-discoveryd. /status and /metrics come
 * from http_server. Reading the list is public; changing it takes a
 * service credential of a service that registers itself (svcauth.h).
 */
#include "routes.h"

#include "discovery_http.h"

const struct http_route routes[] = {
	{ "GET", "/services", discovery_http_list, NULL },
	{ "POST", "/services", discovery_http_register,
	  "userd tweetd notifyd" },
	{ "DELETE", "/services", discovery_http_deregister,
	  "userd tweetd notifyd" },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
