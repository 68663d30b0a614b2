/*
 * notify_http.c: the handlers of chirp-notifyd. Each one checks in the
 * order of API.md (token 401, input 400), calls the store and answers
 * JSON. Only this file knows HTTP.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "eventlog.h"
#include "http_server.h"
#include "log.h"
#include "model.h"
#include "notify_http.h"
#include "notify_store.h"
#include "notifyd.h"
#include "revocations.h"
#include "svc_client.h"
#include "validate.h"
#include "xmalloc.h"

#define PAGE_DEFAULT 20
#define PAGE_MIN 1
#define PAGE_MAX 100
/* Recipients one /internal/feed may name. */
#define FEED_AUTHORS_MAX 100

static void
reply_store_failure(struct http_response *resp, enum notify_store_result r)
{
	if (r == NOTIFY_STORE_UNAVAILABLE)
		http_reply_error(resp, 503, "unavailable",
		    "the notification database is unavailable");
	else
		http_reply_error(resp, 500, "internal", "internal error");
}

/* A valid token (401): signed, unexpired and not revoked. */
static bool
authenticate(struct notifyd *nd, struct http_request *req,
    struct http_response *resp, struct token_claims *claims)
{
	if (!http_auth(req, resp, nd->secret, nd->secret_len, claims))
		return false;
	if (!revocations_token_valid(nd, claims)) {
		http_reply_invalid_token(resp, "the token was revoked");
		return false;
	}
	return true;
}

/*
 * The tweets of a page as they are now, with the caller's flags, in ONE
 * call to chirp-tweetd's GET /internal/tweets?ids=...&viewer=: an object
 * tweetId -> tweet (the caller decrefs), or NULL when chirp-tweetd cannot
 * answer. Then (and for a tweet it does not list: deleted a moment ago,
 * its delete event not applied yet) the page shows the tweet as the
 * event carried it, stored with the notification: tweetd's route came
 * later than this service, and a notification is better shown with a
 * tweet a little stale than not at all.
 */
static json_t *
tweets_now(struct notifyd *nd, int64_t viewer,
    const struct notify_store_page *page)
{
	char *path, *p;
	size_t i, j, cap, n = 0;
	json_t *answer, *list, *t, *out = NULL;
	int64_t id;

	cap = 64 + page->n * 21;
	path = p = xmalloc(cap);
	p += snprintf(p, cap, "/internal/tweets?viewer=%" PRId64 "&ids=",
	    viewer);
	for (i = 0; i < page->n; i++) {
		if (page->items[i].tweet_id <= 0)
			continue;
		for (j = 0; j < i && page->items[j].tweet_id !=
		    page->items[i].tweet_id; j++)
			;
		if (j < i)
			continue;	/* asked already */
		p += snprintf(p, cap - (size_t)(p - path), "%s%" PRId64,
		    n++ > 0 ? "," : "", page->items[i].tweet_id);
	}
	if (n == 0 || svc_client_get(nd->tweetd, path, true, &answer) !=
	    SVC_CLIENT_OK) {
		free(path);
		return NULL;
	}
	free(path);
	list = json_object_get(answer, "tweets");
	if (json_is_array(list)) {
		out = model_must(json_object());
		json_array_foreach(list, i, t) {
			char key[24];

			if (!json_is_object(t) || !model_get_id(t, "tweetId", &id))
				continue;
			snprintf(key, sizeof key, "%" PRId64, id);
			json_object_set(out, key, t);
		}
	}
	json_decref(answer);
	return out;
}

void
notify_http_list(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct notifyd *nd = ctx;
	struct token_claims claims;
	struct notify_store_page page;
	enum notify_store_result r;
	const char *before = http_query(req, "before");
	const char *after = http_query(req, "after");
	int64_t b = 0, a = 0;
	json_t *list, *now;
	char key[24];
	size_t i;
	int limit;

	if (!authenticate(nd, req, resp, &claims))
		return;
	if (!validate_limit(http_query(req, "limit"), PAGE_DEFAULT, PAGE_MIN,
	    PAGE_MAX, &limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from %d to %d", PAGE_MIN,
		    PAGE_MAX);
		return;
	}
	if (before != NULL && after != NULL) {
		http_reply_error(resp, 400, "bad_request",
		    "before and after cannot be used together");
		return;
	}
	if ((before != NULL && !validate_id(before, &b)) ||
	    (after != NULL && !validate_id(after, &a))) {
		http_reply_error(resp, 400, "bad_request",
		    "before and after must be notification ids");
		return;
	}
	r = notify_store_page(nd->store, claims.user_id, b, a, limit, &page);
	if (r != NOTIFY_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	now = tweets_now(nd, claims.user_id, &page);
	list = model_must(json_array());
	for (i = 0; i < page.n; i++) {
		snprintf(key, sizeof key, "%" PRId64, page.items[i].tweet_id);
		json_array_append_new(list, notification_json(&page.items[i],
		    page.items[i].tweet_id > 0 && now != NULL ?
		    json_object_get(now, key) : NULL));
	}
	json_decref(now);
	http_reply_json(resp, 200, model_must(json_pack("{s:o, s:I}",
	    "notifications", list, "unread", (json_int_t)page.unread)));
	notify_store_page_release(&page);
}

void
notify_http_read(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct notifyd *nd = ctx;
	struct token_claims claims;
	enum notify_store_result r;
	const char *up_to;
	int64_t id, unread;
	json_t *body, *v;

	if (!authenticate(nd, req, resp, &claims))
		return;
	if ((body = http_json_body(req, resp)) == NULL)
		return;
	v = json_object_get(body, "upTo");
	up_to = json_string_value(v);
	/* the length too: a "\u0000" would cut the text short */
	if (up_to == NULL || strlen(up_to) != json_string_length(v) ||
	    !validate_id(up_to, &id)) {
		json_decref(body);
		http_reply_error(resp, 400, "bad_request",
		    "upTo must be a notification id: a decimal string");
		return;
	}
	json_decref(body);
	if ((r = notify_store_read(nd->store, claims.user_id, id, &unread)) !=
	    NOTIFY_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	http_reply_json(resp, 200, model_must(json_pack("{s:I}", "unread",
	    (json_int_t)unread)));
}

void
notify_http_internal_events(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct notifyd *nd = ctx;
	enum eventlog_result r;
	json_t *page;
	int64_t after;
	int limit;

	if (!eventlog_query(req, resp, &after, &limit))
		return;
	r = notify_store_events(nd->store, after, limit, NULL, 0, &page);
	eventlog_reply(resp, r, page, "notification");
}

/* authors: 1 to FEED_AUTHORS_MAX decimal ids, comma-separated. */
static bool
parse_authors(const char *s, int64_t *ids, size_t *n)
{
	char buf[24];
	const char *comma;
	size_t len;

	*n = 0;
	if (s == NULL || *s == '\0')
		return false;
	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (len == 0 || len >= sizeof buf || *n == FEED_AUTHORS_MAX)
			return false;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (!validate_id(buf, &ids[(*n)++]))
			return false;
		if (comma == NULL)
			return true;
		s = comma + 1;
	}
}

void
notify_http_internal_feed(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct notifyd *nd = ctx;
	int64_t ids[FEED_AUTHORS_MAX], after;
	enum eventlog_result r;
	json_t *page;
	size_t n;
	int limit;

	if (!eventlog_query(req, resp, &after, &limit))
		return;
	if (!parse_authors(http_query(req, "authors"), ids, &n)) {
		http_reply_error(resp, 400, "bad_request",
		    "authors must be 1 to %d user ids, comma-separated",
		    FEED_AUTHORS_MAX);
		return;
	}
	r = notify_store_events(nd->store, after, limit, ids, n, &page);
	eventlog_reply(resp, r, page, "notification");
}
