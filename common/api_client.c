/*
 * api_client.c: the gateway's REST API for the clients, over http_client.
 * It turns every answer into parsed JSON or an api_error a person can read:
 * the server's own message for a refusal, "cannot reach 'URL': why" for a
 * network failure.
 */
#include "api_client.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "text.h"
#include "xmalloc.h"

#define API_TIMEOUT_MS 15000

struct api {
	struct http_client *http;
	char *server;
};

struct api *
api_new(const char *server, const char *token)
{
	struct api *a = xcalloc(1, sizeof(*a));
	size_t len = strlen(server);

	/* "http://host:8030/" and "http://host:8030" are the same server */
	while (len > 0 && server[len - 1] == '/')
		len--;
	a->server = xstrndup(server, len);
	a->http = http_client_new(a->server);
	http_client_set_timeout(a->http, API_TIMEOUT_MS);
	if (token != NULL)
		http_client_set_token(a->http, token);
	return a;
}

void
api_free(struct api *a)
{
	if (a == NULL)
		return;
	http_client_free(a->http);
	free(a->server);
	free(a);
}

void
api_set_token(struct api *a, const char *token)
{
	http_client_set_token(a->http, token);
}

void
api_set_timeout(struct api *a, long ms)
{
	http_client_set_timeout(a->http, ms);
}

/* libcurl's transport error in a few lower-case words. */
static void
api_network_reason(const struct http_result *r, char *out, size_t size)
{
	static const struct {
		const char *needle;
		const char *reason;
	} reasons[] = {
		{ "Connection refused", "connection refused" },
		{ "resolve host", "could not resolve host" },
		{ "Timeout was reached", "timed out" },
		{ "No route to host", "no route to host" },
		{ "Network is unreachable", "network is unreachable" },
		{ "Connection reset", "connection reset" },
		{ "Empty reply", "connection closed without an answer" },
		{ "URL using bad/illegal format", "not a valid server address" },
		{ "Unsupported protocol", "not a valid server address" },
		/* curl 7.88 says only this when connect() was refused */
		{ "Couldn't connect to server", "connection refused" },
	};
	size_t i;

	if (r->timed_out) {
		snprintf(out, size, "timed out");
		return;
	}
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (strstr(r->error, reasons[i].needle) != NULL) {
			snprintf(out, size, "%s", reasons[i].reason);
			return;
		}
	}
	if (r->error[0] == '\0') {
		snprintf(out, size, "no answer");
		return;
	}
	snprintf(out, size, "%s", r->error);
	out[0] = (char)tolower((unsigned char)out[0]);
}

/* Fill err from a response that is not a success. */
static enum api_status
api_refusal(const struct api *a, const struct http_result *r,
    json_t *answer, struct api_error *err)
{
	const char *code = NULL, *message = NULL;

	err->http_status = r->status;
	if (json_is_object(answer)) {
		code = json_string_value(json_object_get(answer, "error"));
		message = json_string_value(json_object_get(answer, "message"));
	}
	/* The server's words are shown to a person: made safe here. */
	if (code != NULL)
		text_sanitize_buf(err->code, sizeof(err->code), code, 0);
	if (r->status == 401)
		err->status = API_UNAUTHORIZED;
	else if (r->status == 404)
		err->status = API_NOT_FOUND;
	else if (r->status >= 400 && r->status < 500)
		err->status = API_REFUSED;
	else
		err->status = API_SERVER;
	if (message != NULL && message[0] != '\0')
		text_sanitize_buf(err->message, sizeof(err->message),
		    message, 0);
	else
		snprintf(err->message, sizeof(err->message),
		    "'%s' answered %ld", a->server, r->status);
	return err->status;
}

enum api_status
api_call(struct api *a, const char *method, const char *path, json_t *body,
    const char *idempotency_key, json_t **out, struct api_error *err)
{
	struct http_result r;
	const char *headers[2];
	char *text = NULL, *key_header = NULL;
	json_t *answer = NULL;
	json_error_t jerr;
	char reason[256];
	int nh = 0;
	enum api_status st;

	memset(err, 0, sizeof(*err));
	memset(&r, 0, sizeof(r));
	*out = NULL;
	if (body != NULL) {
		text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text == NULL) {
			err->status = st = API_REFUSED;
			snprintf(err->message, sizeof(err->message),
			    "cannot encode the request");
			goto out;
		}
	}
	if (idempotency_key != NULL) {
		key_header = xasprintf("Idempotency-Key: %s", idempotency_key);
		headers[nh++] = key_header;
	}
	headers[nh] = NULL;

	if (http_client_request(a->http, method, path, text, headers, &r) ==
	    -1 || r.status == 0) {
		api_network_reason(&r, reason, sizeof(reason));
		err->status = st = API_NETWORK;
		snprintf(err->message, sizeof(err->message),
		    "cannot reach '%s': %s", a->server, reason);
		goto out;
	}
	if (r.body != NULL && r.len > 0)
		answer = json_loadb(r.body, r.len, JSON_DECODE_ANY, &jerr);
	if (r.status < 200 || r.status >= 300) {
		st = api_refusal(a, &r, answer, err);
		goto out;
	}
	if (answer == NULL && r.body != NULL && r.len > 0) {
		err->status = st = API_SERVER;
		err->http_status = r.status;
		snprintf(err->message, sizeof(err->message),
		    "'%s' answered with something that is not JSON",
		    a->server);
		goto out;
	}
	*out = answer;
	answer = NULL;
	st = API_OK;
out:
	json_decref(answer);
	http_result_release(&r);
	free(key_header);
	if (text != NULL) {
		/* it may hold a password */
		memset(text, 0, strlen(text));
		free(text);
	}
	return st;
}

enum api_status
api_user_by_name(struct api *a, const char *username, json_t **out,
    struct api_error *err)
{
	char *q = http_client_escape(username);
	char *path = xasprintf("/users?username=%s", q);
	enum api_status st;

	st = api_call(a, "GET", path, NULL, NULL, out, err);
	if (st == API_NOT_FOUND)
		snprintf(err->message, sizeof(err->message),
		    "no user '%s'", username);
	free(path);
	free(q);
	return st;
}

/* A 404 about tweet id: said as "no tweet 'ID'" whatever the route. */
static enum api_status
api_tweet_call(struct api *a, const char *method, int64_t id,
    const char *what, json_t *body, const char *key, json_t **out,
    struct api_error *err)
{
	char *path = xasprintf("/tweets/%" PRId64 "%s", id, what);
	enum api_status st;

	st = api_call(a, method, path, body, key, out, err);
	if (st == API_NOT_FOUND)
		snprintf(err->message, sizeof(err->message),
		    "no tweet '%" PRId64 "'", id);
	free(path);
	return st;
}

enum api_status
api_post_tweet(struct api *a, int64_t user_id, const char *content,
    int64_t reply_to, const char *idempotency_key, json_t **out,
    struct api_error *err)
{
	char uid[24], rid[24];
	json_t *req;
	enum api_status st;

	snprintf(uid, sizeof(uid), "%" PRId64, user_id);
	req = json_pack("{s:s, s:s}", "userId", uid, "content", content);
	if (req == NULL) {
		memset(err, 0, sizeof(*err));
		*out = NULL;
		err->status = API_REFUSED;
		snprintf(err->message, sizeof(err->message),
		    "the text is not valid UTF-8");
		return API_REFUSED;
	}
	if (reply_to == 0) {
		st = api_call(a, "POST", "/tweets", req, idempotency_key, out,
		    err);
		json_decref(req);
		return st;
	}
	snprintf(rid, sizeof(rid), "%" PRId64, reply_to);
	json_object_set_new(req, "replyTo", json_string(rid));
	st = api_call(a, "POST", "/tweets", req, idempotency_key, out, err);
	/* the only thing a reply can be missing is its parent */
	if (st == API_NOT_FOUND)
		snprintf(err->message, sizeof(err->message),
		    "no tweet '%" PRId64 "' to reply to", reply_to);
	json_decref(req);
	return st;
}

enum api_status
api_get_thread(struct api *a, int64_t tweet_id, const char *cursor,
    int limit, json_t **out, struct api_error *err)
{
	char *q = cursor != NULL ? http_client_escape(cursor) : NULL;
	char *what, lim[32] = "";
	enum api_status st;

	if (limit > 0)
		snprintf(lim, sizeof(lim), "limit=%d", limit);
	what = xasprintf("/thread%s%s%s%s%s", lim[0] != '\0' ||
	    q != NULL ? "?" : "", lim, lim[0] != '\0' && q != NULL ? "&" : "",
	    q != NULL ? "cursor=" : "", q != NULL ? q : "");
	st = api_tweet_call(a, "GET", tweet_id, what, NULL, NULL, out, err);
	free(what);
	free(q);
	return st;
}

enum api_status
api_like_tweet(struct api *a, int64_t tweet_id, json_t **out,
    struct api_error *err)
{
	return api_tweet_call(a, "POST", tweet_id, "/like", NULL, NULL, out,
	    err);
}

enum api_status
api_unlike_tweet(struct api *a, int64_t tweet_id, json_t **out,
    struct api_error *err)
{
	return api_tweet_call(a, "DELETE", tweet_id, "/like", NULL, NULL, out,
	    err);
}

enum api_status
api_repost_tweet(struct api *a, int64_t tweet_id, json_t **out,
    struct api_error *err)
{
	return api_tweet_call(a, "POST", tweet_id, "/repost", NULL, NULL, out,
	    err);
}

enum api_status
api_unrepost_tweet(struct api *a, int64_t tweet_id, json_t **out,
    struct api_error *err)
{
	return api_tweet_call(a, "DELETE", tweet_id, "/repost", NULL, NULL,
	    out, err);
}

enum api_status
api_get_notifications(struct api *a, int limit, int64_t before,
    json_t **out, struct api_error *err)
{
	char path[96];
	int n;

	n = snprintf(path, sizeof(path), "/notifications");
	if (limit > 0)
		n += snprintf(path + n, sizeof(path) - (size_t)n, "?limit=%d",
		    limit);
	if (before > 0)
		snprintf(path + n, sizeof(path) - (size_t)n, "%sbefore=%" PRId64,
		    limit > 0 ? "&" : "?", before);
	return api_call(a, "GET", path, NULL, NULL, out, err);
}

enum api_status
api_read_notifications(struct api *a, int64_t up_to, json_t **out,
    struct api_error *err)
{
	char id[24];
	json_t *req;
	enum api_status st;

	snprintf(id, sizeof(id), "%" PRId64, up_to);
	req = json_pack("{s:s}", "upTo", id);
	st = api_call(a, "POST", "/notifications/read", req, NULL, out, err);
	json_decref(req);
	return st;
}

enum api_status
api_get_tweet(struct api *a, int64_t tweet_id, json_t **out,
    struct api_error *err)
{
	return api_tweet_call(a, "GET", tweet_id, "", NULL, NULL, out, err);
}

enum api_status
api_patch_user(struct api *a, int64_t user_id, const char *display_name,
    const char *bio, json_t **out, struct api_error *err)
{
	json_t *req = json_object();
	char *path = xasprintf("/users/%" PRId64, user_id);
	enum api_status st;

	/* json_string is NULL for text that is not UTF-8: then refused */
	if ((display_name != NULL && json_object_set_new(req, "displayName",
	    json_string(display_name)) == -1) || (bio != NULL &&
	    json_object_set_new(req, "bio", json_string(bio)) == -1)) {
		memset(err, 0, sizeof(*err));
		*out = NULL;
		err->status = st = API_REFUSED;
		snprintf(err->message, sizeof(err->message),
		    "the text is not valid UTF-8");
		goto out;
	}
	st = api_call(a, "PATCH", path, req, NULL, out, err);
out:
	json_decref(req);
	free(path);
	return st;
}
