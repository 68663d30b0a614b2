/*
 * api_client.h: the gateway's REST API for chirp and chirp-tui, over
 * http_client. Every call gives back the parsed JSON of the answer and, on
 * failure, what went wrong in a form both clients can show.
 */
#ifndef CHIRP_API_CLIENT_H
#define CHIRP_API_CLIENT_H

#include <jansson.h>
#include <stdint.h>

enum api_status {
	API_OK = 0,
	API_NETWORK,		/* server not reached, or timed out */
	API_UNAUTHORIZED,	/* 401: not logged in or token refused */
	API_NOT_FOUND,		/* 404 */
	API_REFUSED,		/* any other 4xx */
	API_SERVER,		/* 5xx or an answer that is not JSON */
};

struct api_error {
	enum api_status status;
	long http_status;
	char code[32];		/* "conflict", or "" */
	char message[512];	/* for a person, one line */
};

struct api;

/* server like "http://localhost:8030" (copied); token may be NULL. */
struct api *api_new(const char *server, const char *token);
void api_free(struct api *);
void api_set_token(struct api *, const char *token);
/* How long one request may take, in milliseconds (default 15000). */
void api_set_timeout(struct api *, long ms);

/*
 * One request. body (borrowed) may be NULL; idempotency_key may be NULL.
 * On API_OK *out is the answer's JSON (caller decrefs; may be NULL for an
 * empty body); otherwise err says why and *out is NULL.
 */
enum api_status api_call(struct api *, const char *method, const char *path,
    json_t *body, const char *idempotency_key, json_t **out,
    struct api_error *err);

/* The user object for a username (GET /users?username=). */
enum api_status api_user_by_name(struct api *, const char *username,
    json_t **out, struct api_error *err);

/*
 * Conversations and notifications (API.md "Conversations",
 * "Notifications"). Ids are tweet or notification ids (1..INT64_MAX);
 * out and err as for api_call. A 404 about the tweet says "no tweet 'ID'".
 */

/* POST /tweets: a tweet by user_id, a reply when reply_to is not 0. */
enum api_status api_post_tweet(struct api *, int64_t user_id,
    const char *content, int64_t reply_to, const char *idempotency_key,
    json_t **out, struct api_error *err);

/* GET /tweets/{id}/thread; cursor (NULL: the first page) and limit
 * (0: the server's default) page the replies. */
enum api_status api_get_thread(struct api *, int64_t tweet_id,
    const char *cursor, int limit, json_t **out, struct api_error *err);

/* POST and DELETE /tweets/{id}/like: the tweet after the change. */
enum api_status api_like_tweet(struct api *, int64_t tweet_id, json_t **out,
    struct api_error *err);
enum api_status api_unlike_tweet(struct api *, int64_t tweet_id,
    json_t **out, struct api_error *err);

/* POST /tweets/{id}/repost: the repost; DELETE: {"message"}. */
enum api_status api_repost_tweet(struct api *, int64_t tweet_id,
    json_t **out, struct api_error *err);
enum api_status api_unrepost_tweet(struct api *, int64_t tweet_id,
    json_t **out, struct api_error *err);

/* GET /notifications, newest first; limit 0: the server's default;
 * before 0: the newest. */
enum api_status api_get_notifications(struct api *, int limit,
    int64_t before, json_t **out, struct api_error *err);

/* POST /notifications/read: every one up to and including up_to. */
enum api_status api_read_notifications(struct api *, int64_t up_to,
    json_t **out, struct api_error *err);

/* GET /tweets/{id} (with the caller's flags when a token is set). */
enum api_status api_get_tweet(struct api *, int64_t tweet_id, json_t **out,
    struct api_error *err);

/* PATCH /users/{id}: display_name and bio, each NULL to leave it as is;
 * the user after the change. */
enum api_status api_patch_user(struct api *, int64_t user_id,
    const char *display_name, const char *bio, json_t **out,
    struct api_error *err);

#endif
