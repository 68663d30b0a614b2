/*
 * routes.c: the whole HTTP surface of chirp-userd on one screen. Literal
 * patterns come before patterns with {parameters}. common/http_server
 * answers 404 for an unknown path and 405 with Allow for a wrong method.
 *
 * Public (docs/API.md, Users):
 *   POST   /users/register              {"username","password"} -> 201
 *   POST   /users/login                 -> 200 with accessToken
 *   POST   /users/logout                the token: every token of the
 *                                       caller is revoked (token_gen + 1)
 *   GET    /users?username=NAME         the user, ignoring case
 *   GET    /users/{userId}              the user
 *   POST   /users/{userId}/follow       as userId, {"followUserId"}
 *   DELETE /users/{userId}/unfollow     as userId, {"unfollowUserId"}
 *   GET    /users/{userId}/followings   paged: limit, cursor
 *   GET    /users/{userId}/followers    paged: limit, cursor
 *   DELETE /users/{userId}              as userId: the whole account
 *   PATCH  /users/{userId}              as userId, {"displayName"?,"bio"?}
 *                                       -> 200 the whole user
 *
 * Internal (a service credential of the processes in the last column,
 * svcauth.h, else 401/403 before the handler; the gateway does not route
 * them from outside):
 *   GET /internal/followings/{userId}
 *       200 {"userId":"1","followings":["2","3",...]}: every followee,
 *       no paging; 404 for an unknown user.
 *   GET /internal/follows?afterFollower=&afterFollowee=&limit=<1..1000>
 *       200 {"follows":[["1","2"],...]}: every follow edge (follower,
 *       followee) after the given one (0 0 by default), in key order;
 *       chirp-tweetd's replica of the graph starts from it.
 *   GET /internal/deletions/{gid}
 *       200 {"decision":"commit"|"abort"}: the coordinator's decision on
 *       an account deletion (deletion.h); asking about a gid with no
 *       decision yet records and answers "abort".
 *   GET /internal/revocations
 *       200 {"revocations":[{"userId":"1","gen":3},
 *       {"userId":"2","deleted":true}...],"floor"?}: the token
 *       generations changed and the accounts deleted within token_ttl,
 *       newest first (common/revoke.h); "floor" when the list was cut.
 *   GET /internal/events?after=<seq>&limit=<1..1000>
 *       200 {"events":[{"seq":N,"event":{...}}...],"first","last"}: the
 *       user database's event log after seq (common/eventlog.h).
 *   GET /internal/users?names=ann,bob   (1 to 70 usernames)
 *       200 {"users":[{"userId","username"}...]}: those that exist,
 *       matched ignoring case, names as stored (chirp-tweetd resolves a
 *       tweet's mentions with it, in one call); 400 for a malformed list.
 */
#include "routes.h"
#include "user_http.h"

const struct http_route routes_table[] = {
	{ "POST", "/users/register", user_http_register, NULL },
	{ "POST", "/users/login", user_http_login, NULL },
	{ "POST", "/users/logout", user_http_logout, NULL },
	{ "GET", "/users", user_http_lookup, NULL },
	{ "GET", "/users/{userId}", user_http_get, NULL },
	{ "DELETE", "/users/{userId}", user_http_delete, NULL },
	{ "PATCH", "/users/{userId}", user_http_patch, NULL },
	{ "POST", "/users/{userId}/follow", user_http_follow, NULL },
	{ "DELETE", "/users/{userId}/unfollow", user_http_unfollow, NULL },
	{ "GET", "/users/{userId}/followings", user_http_followings, NULL },
	{ "GET", "/users/{userId}/followers", user_http_followers, NULL },
	{ "GET", "/internal/followings/{userId}",
	  user_http_internal_followings, "tweetd gateway" },
	{ "GET", "/internal/follows", user_http_internal_follows, "tweetd" },
	{ "GET", "/internal/deletions/{gid}", user_http_internal_deletion,
	  "tweetd" },
	{ "GET", "/internal/revocations", user_http_internal_revocations,
	  "gateway tweetd notifyd" },
	{ "GET", "/internal/events", user_http_internal_events,
	  "gateway tweetd notifyd" },
	{ "GET", "/internal/users", user_http_internal_users, "tweetd" },
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
