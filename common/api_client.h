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

#endif
