/*
 * userd_client.h: chirp-tweetd's REST client to chirp-userd. A pool of
 * kept-alive connections, one per concurrent caller; safe from any thread.
 */
#ifndef CHIRP_USERD_CLIENT_H
#define CHIRP_USERD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define USERD_CLIENT_TIMEOUT_MS 2000

enum userd_result {
	USERD_OK,
	USERD_NOT_FOUND,	/* no such user (or deletion) */
	USERD_UNAVAILABLE,	/* no answer, or not one we understand */
};

/* base_url like "http://127.0.0.1:8000" (copied). */
struct svcauth;

/* Calls carry a service credential of svcauth (borrowed, outlives the
 * client) for "userd". */
struct userd_client *userd_client_new(const char *base_url,
    const struct svcauth *svcauth);
void userd_client_free(struct userd_client *);

/* The ids user_id follows; *ids (room for n + 1) belongs to the caller. */
enum userd_result userd_client_followings(struct userd_client *,
    int64_t user_id, int64_t **ids, size_t *n);
/* Whether the account exists (GET /users/{id}). */
enum userd_result userd_client_user_exists(struct userd_client *,
    int64_t user_id);
/* The coordinator's decision about a deletion gid: commit or abort;
 * USERD_UNAVAILABLE for anything but its explicit 200 answer. */
enum userd_result userd_client_decision(struct userd_client *,
    const char *gid, bool *commit);

/*
 * The body of GET /internal/revocations (common/revoke.h) in *out, a JSON
 * object the caller decrefs.
 */
enum userd_result userd_client_revocations(struct userd_client *,
    json_t **out);

/*
 * Resolve mentioned names (GET /internal/users?names=, one call): *json
 * is the mentions JSON of model.h's struct tweet, the users that exist in
 * the order of names (each a valid username, at most
 * MODEL_MENTIONS_MAX), or NULL when none does; the caller frees it.
 */
enum userd_result userd_client_mentions(struct userd_client *,
    const char *const *names, size_t n, char **json);

/*
 * A page of chirp-userd's event log after seq after (GET
 * /internal/events, common/eventlog.h) in *out, a JSON object the caller
 * decrefs.
 */
enum userd_result userd_client_events(struct userd_client *, int64_t after,
    int limit, json_t **out);
/*
 * At most limit follow edges after (after_follower, after_followee) (GET
 * /internal/follows): 2 * *n ids, follower then followee, in *pairs (the
 * caller frees).
 */
enum userd_result userd_client_edges(struct userd_client *,
    int64_t after_follower, int64_t after_followee, int limit,
    int64_t **pairs, size_t *n);

#endif
