/*
 * routes.h: the public REST surface of docs/API.md and the service that owns
 * each route, in one const table. Matching is common/path_match's: "{id}"
 * matches any one segment (the owning service validates it). A path that
 * matches some route with literal segments prefers the most literal one,
 * so "GET /users/register" is a wrong method (405), not a user id.
 */
#ifndef CHIRP_GATEWAY_ROUTES_H
#define CHIRP_GATEWAY_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

enum service { SERVICE_USER, SERVICE_TWEET, SERVICE_NOTIFY, SERVICE_COUNT };

enum route_cache { ROUTE_NO_CACHE, ROUTE_CACHE_FOLLOWS };

/*
 * The routes that check a password: limited per address even with a
 * token (a token must not buy more guesses), slow by design (a timeout
 * under a flood of them says nothing about the instance's health, so it
 * does not count against its breaker), and for login, failures back off
 * per address (gateway/backoff.h).
 */
enum route_kind { ROUTE_PLAIN, ROUTE_REGISTER, ROUTE_LOGIN };

struct route {
	const char *method;
	const char *pattern;	/* "/users/{id}/follow"; also the metric name */
	enum service service;
	bool auth;		/* a valid bearer token first (401) */
	enum route_cache cache;
	enum route_kind kind;
};

enum route_match { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/*
 * Look up method and path (no query). ROUTE_FOUND sets *out;
 * ROUTE_BAD_METHOD writes the Allow header value ("GET, DELETE") into
 * allow (size allow_len).
 */
enum route_match routes_match(const char *method, const char *path,
    const struct route **out, char *allow, size_t allow_len);

/* The service's name ("user", "tweet", "notify"): metrics, logs. */
const char *routes_service_name(enum service);
/* The name its service credential is minted for (svcauth.h's audience:
 * "userd", "tweetd", "notifyd"). */
const char *routes_service_credential(enum service);

/* The id in the path segment that "{id}" matched first, copied into out
 * (size outlen); false when the pattern has none or path does not match
 * r. */
bool routes_path_id(const struct route *, const char *path, char *out,
    size_t outlen);

#endif
