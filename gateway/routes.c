/*
 * routes.c: the public routes of docs/API.md -> owning service, the whole
 * proxied surface on one screen.
 */
#include <stdio.h>
#include <string.h>

#include "path_match.h"
#include "routes.h"

static const struct route route_table[] = {
	{ "POST", "/users/register", SERVICE_USER, false, ROUTE_NO_CACHE,
	    ROUTE_REGISTER },
	{ "POST", "/users/login", SERVICE_USER, false, ROUTE_NO_CACHE,
	    ROUTE_LOGIN },
	{ "POST", "/users/logout", SERVICE_USER, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "GET", "/users", SERVICE_USER, false, ROUTE_NO_CACHE, ROUTE_PLAIN },
	{ "GET", "/users/{id}", SERVICE_USER, false, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "DELETE", "/users/{id}", SERVICE_USER, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "PATCH", "/users/{id}", SERVICE_USER, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "POST", "/users/{id}/follow", SERVICE_USER, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "DELETE", "/users/{id}/unfollow", SERVICE_USER, true,
	    ROUTE_NO_CACHE, ROUTE_PLAIN },
	{ "GET", "/users/{id}/followings", SERVICE_USER, false,
	    ROUTE_CACHE_FOLLOWS, ROUTE_PLAIN },
	{ "GET", "/users/{id}/followers", SERVICE_USER, false,
	    ROUTE_CACHE_FOLLOWS, ROUTE_PLAIN },
	{ "POST", "/tweets", SERVICE_TWEET, true, ROUTE_NO_CACHE, ROUTE_PLAIN },
	{ "GET", "/tweets/{id}", SERVICE_TWEET, false, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "DELETE", "/tweets/{id}", SERVICE_TWEET, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "GET", "/tweets/homeTimeline/{id}", SERVICE_TWEET, true,
	    ROUTE_NO_CACHE, ROUTE_PLAIN },
	{ "GET", "/tweets/userTimeline/{id}", SERVICE_TWEET, false,
	    ROUTE_NO_CACHE, ROUTE_PLAIN },
	/* conversations (API.md "Conversations"); replyTo rides POST /tweets */
	{ "GET", "/tweets/{id}/thread", SERVICE_TWEET, false, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "POST", "/tweets/{id}/like", SERVICE_TWEET, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "DELETE", "/tweets/{id}/like", SERVICE_TWEET, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "GET", "/tweets/{id}/likes", SERVICE_TWEET, false, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "POST", "/tweets/{id}/repost", SERVICE_TWEET, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "DELETE", "/tweets/{id}/repost", SERVICE_TWEET, true,
	    ROUTE_NO_CACHE, ROUTE_PLAIN },
	/* notifications (API.md "Notifications"): chirp-notifyd's */
	{ "GET", "/notifications", SERVICE_NOTIFY, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
	{ "POST", "/notifications/read", SERVICE_NOTIFY, true, ROUTE_NO_CACHE,
	    ROUTE_PLAIN },
};

#define NROUTES (sizeof(route_table) / sizeof(route_table[0]))

/*
 * How well pattern matches path: -1 no match, else the number of literal
 * segments (higher is more specific).
 */
static int
routes_score(const char *pattern, const char *path)
{
	struct path_match m;

	return path_match(pattern, path, &m) ? m.literal : -1;
}

enum route_match
routes_match(const char *method, const char *path, const struct route **out,
    char *allow, size_t allow_len)
{
	int best = -1, s;
	size_t i, used = 0;

	for (i = 0; i < NROUTES; i++) {
		s = routes_score(route_table[i].pattern, path);
		if (s > best)
			best = s;
	}
	if (best < 0)
		return ROUTE_NOT_FOUND;
	if (allow_len > 0)
		allow[0] = '\0';
	for (i = 0; i < NROUTES; i++) {
		if (routes_score(route_table[i].pattern, path) != best)
			continue;
		if (strcmp(route_table[i].method, method) == 0) {
			*out = &route_table[i];
			return ROUTE_FOUND;
		}
		if (allow_len > used + strlen(route_table[i].method) + 3) {
			used += (size_t)snprintf(allow + used,
			    allow_len - used, "%s%s", used ? ", " : "",
			    route_table[i].method);
		}
	}
	return ROUTE_BAD_METHOD;
}

const char *
routes_service_name(enum service s)
{
	switch (s) {
	case SERVICE_USER:
		return "user";
	case SERVICE_TWEET:
		return "tweet";
	case SERVICE_NOTIFY:
		return "notify";
	default:
		return "?";
	}
}

const char *
routes_service_credential(enum service s)
{
	switch (s) {
	case SERVICE_USER:
		return "userd";
	case SERVICE_TWEET:
		return "tweetd";
	case SERVICE_NOTIFY:
		return "notifyd";
	default:
		return "?";
	}
}

bool
routes_path_id(const struct route *r, const char *path, char *out,
    size_t outlen)
{
	struct path_match m;

	return path_match(r->pattern, path, &m) &&
	    path_match_copy(&m, 0, out, outlen);
}
