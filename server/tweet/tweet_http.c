/*
 * tweet_http.c: the handlers of chirp-tweetd. Each one checks in the order
 * of docs/API.md (token 401, permission 403, input 400, existence 404), calls
 * the store and answers JSON. Only this file knows HTTP.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cursor.h"
#include "deletion.h"
#include "deletion_id.h"
#include "feed.h"
#include "followings.h"
#include "http_server.h"
#include "jsonw.h"
#include "log.h"
#include "mentions.h"
#include "model.h"
#include "revocations.h"
#include "social_store.h"
#include "token.h"
#include "tweet_http.h"
#include "tweet_store.h"
#include "tweetd.h"
#include "userd_client.h"
#include "validate.h"
#include "xmalloc.h"

#define TIMELINE_DEFAULT 20
#define TIMELINE_MIN 1
#define TIMELINE_MAX 100
#define JSON_UTF8 "application/json; charset=utf-8"

/* The answer to a store failure that is no fault of the request. */
static void
reply_store_failure(struct http_response *resp, enum tweet_store_result r)
{
	if (r == TWEET_STORE_UNAVAILABLE)
		http_reply_error(resp, 503, "unavailable",
		    "the tweet database is unavailable");
	else
		http_reply_error(resp, 500, "internal", "internal error");
}

static void
reply_userd_unavailable(struct http_response *resp)
{
	http_reply_error(resp, 503, "unavailable",
	    "the user service is unavailable");
}

/*
 * A valid token (401): signed, unexpired and not revoked (logged out, or
 * its account deleted).
 */
static bool
authenticate(struct tweetd *td, struct http_request *req,
    struct http_response *resp, struct token_claims *claims)
{
	if (!http_auth(req, resp, td->secret, td->secret_len, claims))
		return false;
	if (!revocations_token_valid(td, claims)) {
		http_reply_invalid_token(resp, "the token was revoked");
		return false;
	}
	return true;
}

/*
 * The caller of a route that needs no token, for the flags: true with
 * *id when the request carries a valid token. A token that fails is
 * treated as no token (API.md), so nothing is answered here.
 */
static bool
viewer(struct tweetd *td, struct http_request *req, int64_t *id)
{
	struct http_response *scratch;
	struct token_claims claims;
	bool ok;

	if (http_header(req, "Authorization") == NULL)
		return false;
	scratch = http_response_new();
	ok = http_auth(req, scratch, td->secret, td->secret_len, &claims) &&
	    revocations_token_valid(td, &claims);
	http_response_free(scratch);
	if (ok)
		*id = claims.user_id;
	return ok;
}

/*
 * The checks of a route "as userId": a valid token (401) for the user of
 * the path (403). *id is that user.
 */
static bool
act_as(struct tweetd *td, struct http_request *req,
    struct http_response *resp, int64_t *id)
{
	struct token_claims claims;

	if (!authenticate(td, req, resp, &claims) ||
	    !http_path_is_user(req, resp, &claims))
		return false;
	*id = claims.user_id;
	return true;
}

struct page_query {
	int limit;
	int64_t before, after;	/* 0: none */
};

/* limit, before and after of a timeline; answers 400 when bad. */
static bool
page_query(struct http_request *req, struct http_response *resp,
    struct page_query *q)
{
	const char *before = http_query(req, "before");
	const char *after = http_query(req, "after");

	memset(q, 0, sizeof *q);
	if (!validate_limit(http_query(req, "limit"), TIMELINE_DEFAULT,
	    TIMELINE_MIN, TIMELINE_MAX, &q->limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from %d to %d", TIMELINE_MIN,
		    TIMELINE_MAX);
		return false;
	}
	if (before != NULL && after != NULL) {
		http_reply_error(resp, 400, "bad_request",
		    "before and after cannot be used together");
		return false;
	}
	if ((before != NULL && !validate_id(before, &q->before)) ||
	    (after != NULL && !validate_id(after, &q->after))) {
		http_reply_error(resp, 400, "bad_request",
		    "before and after must be tweet ids");
		return false;
	}
	return true;
}

/*
 * 200 {"tweets":[...]}; the page is released. Written straight into one
 * buffer (jsonw.h): the same bytes as jansson's, at a fraction of the
 * cost, and the largest part of a timeline's CPU before.
 */
static void
reply_page(struct http_response *resp, struct tweet_store_page *page)
{
	struct jsonw w;
	char *text;
	size_t i, len;

	jsonw_init(&w);
	jsonw_lit(&w, "{\"tweets\":[");
	for (i = 0; i < page->n; i++) {
		if (i > 0)
			jsonw_lit(&w, ",");
		model_tweet_write(&w, &page->items[i]);
	}
	jsonw_lit(&w, "]}");
	tweet_store_page_release(page);
	text = jsonw_take(&w, &len);
	http_reply_json_text(resp, 200, text, len);
}

/*
 * The users content (a JSON string) mentions, as the mentions JSON of
 * model.h in *json (NULL: none; caller frees), resolved by chirp-userd in
 * one call. No call when no name is written. False with 503 answered
 * when chirp-userd cannot say: a tweet is never stored with its
 * mentions silently dropped.
 */
static bool
resolve_mentions(struct tweetd *td, struct http_response *resp,
    const json_t *content, char **json)
{
	struct mention_name names[MODEL_MENTIONS_MAX];
	const char *list[MODEL_MENTIONS_MAX];
	int i, n;

	*json = NULL;
	n = mentions_parse(json_string_value(content),
	    json_string_length(content), names, MODEL_MENTIONS_MAX);
	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		list[i] = names[i].name;
	if (userd_client_mentions(td->userd, list, (size_t)n, json) !=
	    USERD_OK) {
		reply_userd_unavailable(resp);
		return false;
	}
	return true;
}

void
tweet_http_post(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	struct token_claims claims;
	enum content_error ce;
	enum tweet_store_result r;
	const char *key, *content;
	char *response = NULL, *mentions = NULL;
	json_t *body, *c, *rt;
	int64_t user_id, reply_to = 0;

	if (!authenticate(td, req, resp, &claims))
		return;
	if ((body = http_json_body(req, resp)) == NULL)
		return;
	if (!model_get_id(body, "userId", &user_id)) {
		http_reply_error(resp, 400, "bad_request",
		    "userId must be a string of a decimal id");
		goto out;
	}
	if (user_id != claims.user_id) {
		http_reply_error(resp, 403, "forbidden",
		    "the token is for another user");
		goto out;
	}
	if (!json_is_string(c = json_object_get(body, "content"))) {
		http_reply_error(resp, 400, "bad_request",
		    "content must be a string");
		goto out;
	}
	ce = validate_content(json_string_value(c), json_string_length(c));
	if (ce != CONTENT_OK) {
		http_reply_error(resp, 400, "bad_request", "%s",
		    validate_content_message(ce));
		goto out;
	}
	content = json_string_value(c);
	rt = json_object_get(body, "replyTo");
	if (rt != NULL && !json_is_null(rt) &&
	    !model_get_id(body, "replyTo", &reply_to)) {
		http_reply_error(resp, 400, "bad_request",
		    "replyTo must be a string of a decimal tweet id");
		goto out;
	}
	key = http_header(req, "Idempotency-Key");
	if (key != NULL && !validate_idempotency_key(key)) {
		http_reply_error(resp, 400, "bad_request",
		    "Idempotency-Key must be 1 to %d printable ASCII "
		    "characters", IDEMPOTENCY_KEY_MAX);
		goto out;
	}
	if (!resolve_mentions(td, resp, c, &mentions))
		goto out;
	r = tweet_store_post(td->store, user_id, claims.username, content,
	    reply_to, mentions, key, &response);
	if (r == TWEET_STORE_OK || r == TWEET_STORE_REPLAY)
		http_reply_raw(resp, 201, JSON_UTF8, response,
		    strlen(response));
	else if (r == TWEET_STORE_DELETED)
		http_reply_error(resp, 401, "unauthorized",
		    "the account of this token no longer exists");
	else if (r == TWEET_STORE_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no tweet %" PRId64
		    " to reply to", reply_to);
	else if (r == TWEET_STORE_BUSY) {
		http_reply_header(resp, "Retry-After", "1");
		http_reply_error(resp, 503, "unavailable",
		    "the account is being deleted");
	}
	else
		reply_store_failure(resp, r);
out:
	free(mentions);
	free(response);
	json_decref(body);
}

void
tweet_http_get(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	struct tweet t, *tp = &t;
	enum tweet_store_result r;
	int64_t id, caller;

	if (!http_path_id(req, resp, 0, "tweet", &id))
		return;
	r = tweet_store_get(td->store, id, &t);
	if (r == TWEET_STORE_NOT_FOUND) {
		http_reply_error(resp, 404, "not_found", "no tweet %" PRId64,
		    id);
		return;
	}
	if (r != TWEET_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	if (viewer(td, req, &caller) &&
	    (r = tweet_store_flags(td->store, caller, &tp, 1)) !=
	    TWEET_STORE_OK)
		reply_store_failure(resp, r);
	else
		http_reply_json(resp, 200, model_must(model_tweet_json(&t)));
	model_tweet_release(&t);
}

void
tweet_http_delete(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	struct token_claims claims;
	enum tweet_store_result r;
	int64_t id;

	if (!authenticate(td, req, resp, &claims))
		return;
	if (!http_path_id(req, resp, 0, "tweet", &id))
		return;
	r = tweet_store_delete(td->store, id, claims.user_id);
	if (r == TWEET_STORE_OK)
		http_reply_message(resp, 200, "tweet deleted");
	else if (r == TWEET_STORE_FORBIDDEN)
		http_reply_error(resp, 403, "forbidden",
		    "only the author may delete a tweet");
	else if (r == TWEET_STORE_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no tweet %" PRId64,
		    id);
	else
		reply_store_failure(resp, r);
}

/*
 * The authors of id's home feed, as they are now: whom id follows, and
 * id. False with 404 or 503 answered; else *ids (caller frees), *n.
 */
static bool
feed_authors(struct tweetd *td, struct http_response *resp, int64_t id,
    int64_t **ids, size_t *n)
{
	enum userd_result u = followings_get(td->followings, id, ids, n);
	size_t i;

	if (u == USERD_NOT_FOUND) {
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    id);
		return false;
	}
	if (u != USERD_OK) {
		reply_userd_unavailable(resp);
		return false;
	}
	/* The followings array has room for one more: the user. */
	for (i = 0; i < *n && (*ids)[i] != id; i++)
		;
	if (i == *n)
		(*ids)[(*n)++] = id;
	return true;
}

void
tweet_http_home_timeline(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct tweetd *td = ctx;
	struct tweet_store_page page;
	struct page_query q;
	enum tweet_store_result r;
	int64_t id, known;

	if (!act_as(td, req, resp, &id) || !page_query(req, resp, &q))
		return;
	/* Read your writes: every follow, unfollow and deletion committed
	 * before now is in the replica (feed_read catches up when the bus
	 * cannot say, known -1). */
	(void)followings_sync(td->followings, &known);
	/* The page comes with the caller's flags (one statement). */
	r = feed_read(td->feed, id, known, q.before, q.after, q.limit, &page);
	if (r != TWEET_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	reply_page(resp, &page);
}

void
tweet_http_user_timeline(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct tweetd *td = ctx;
	struct tweet_store_page page;
	struct page_query q;
	enum userd_result u;
	enum tweet_store_result r;
	int64_t id, caller;

	if (!http_path_id(req, resp, 0, "user", &id) || !page_query(req, resp, &q))
		return;
	/* The caller's flags come in the page's statement. */
	if (!viewer(td, req, &caller))
		caller = 0;
	r = tweet_store_user_timeline(td->store, id, caller, q.before,
	    q.after, q.limit, &page);
	if (r != TWEET_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	if (page.n > 0) {
		reply_page(resp, &page);
		return;
	}
	/* No tweets here: is there such a user at all? */
	tweet_store_page_release(&page);
	r = tweet_store_user_deleted(td->store, id);
	if (r != TWEET_STORE_OK && r != TWEET_STORE_DELETED) {
		reply_store_failure(resp, r);
		return;
	}
	u = r == TWEET_STORE_DELETED ? USERD_NOT_FOUND :
	    userd_client_user_exists(td->userd, id);
	if (u == USERD_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    id);
	else if (u != USERD_OK)
		reply_userd_unavailable(resp);
	else
		reply_page(resp, &page);
}

void
tweet_http_deletion_prepare(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct tweetd *td = ctx;
	enum tweet_store_result r;
	const char *gid;
	int64_t user_id, gid_user;
	json_t *body;

	if ((body = http_json_body(req, resp)) == NULL)
		return;
	gid = json_string_value(json_object_get(body, "gid"));
	if (!model_get_id(body, "userId", &user_id) || gid == NULL ||
	    !deletion_id_parse(gid, &gid_user) || gid_user != user_id) {
		http_reply_error(resp, 400, "bad_request",
		    "gid must be a deletion id of the user userId");
		goto out;
	}
	r = deletion_prepare(td->store, gid, user_id);
	if (r == TWEET_STORE_OK)
		http_reply_message(resp, 200, "prepared");
	else
		reply_store_failure(resp, r);
out:
	json_decref(body);
}

/* The {gid} of the path; answers 400 when it is not a deletion id. */
static bool
path_gid(struct http_request *req, struct http_response *resp)
{
	int64_t user_id;

	if (req->nparams < 1 || !deletion_id_parse(req->params[0],
	    &user_id)) {
		http_reply_error(resp, 400, "bad_request",
		    "not a deletion transaction id");
		return false;
	}
	return true;
}

/*
 * Phase two of a deletion, or its undo. The coordinator counts only an
 * explicit state as done: "committed" or "aborted", or "absent" for a
 * commit of what was never prepared (an abort of nothing is "aborted").
 */
static void
deletion_finish(struct http_request *req, struct http_response *resp,
    struct tweetd *td, bool commit)
{
	const char *state = commit ? "committed" : "aborted";
	const char *message = state;
	enum tweet_store_result r;

	if (!path_gid(req, resp))
		return;
	r = commit ? deletion_commit(td->store, req->params[0]) :
	    deletion_abort(td->store, req->params[0]);
	if (r == TWEET_STORE_NOT_FOUND) {
		state = "absent";
		message = "no such deletion was prepared or committed";
	} else if (r != TWEET_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	http_reply_json(resp, 200, model_must(json_pack("{s:s, s:s}",
	    "message", message, "state", state)));
}

void
tweet_http_deletion_commit(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	deletion_finish(req, resp, ctx, true);
}

void
tweet_http_deletion_abort(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	deletion_finish(req, resp, ctx, false);
}

void
tweet_http_internal_events(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct tweetd *td = ctx;
	enum eventlog_result r;
	json_t *page;
	int64_t after;
	int limit;

	if (!eventlog_query(req, resp, &after, &limit))
		return;
	r = tweet_store_events(td->store, after, limit, NULL, 0, &page);
	eventlog_reply(resp, r, page, "tweet");
}

void
tweet_http_internal_feed(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct tweetd *td = ctx;
	enum eventlog_result r;
	json_t *page;
	int64_t id, after, *ids = NULL;
	size_t n = 0;
	int limit;

	if (!http_path_id(req, resp, 0, "user", &id) ||
	    !eventlog_query(req, resp, &after, &limit))
		return;
	/* Whom the user follows now: the same cache as the home timeline. */
	if (!feed_authors(td, resp, id, &ids, &n))
		return;
	r = tweet_store_events(td->store, after, limit, ids, n, &page);
	free(ids);
	eventlog_reply(resp, r, page, "tweet");
}

/* Append a page's tweets to w as a JSON array. */
static void
write_tweets(struct jsonw *w, const struct tweet *items, size_t n)
{
	size_t i;

	jsonw_lit(w, "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			jsonw_lit(w, ",");
		model_tweet_write(w, &items[i]);
	}
	jsonw_lit(w, "]");
}

/* The caller's flags of every tweet of a thread, in one statement. */
static enum tweet_store_result
thread_flags(struct tweetd *td, int64_t caller, struct tweet_store_thread *th)
{
	struct tweet **all;
	enum tweet_store_result r;
	size_t i, n = 0;

	all = xcalloc(th->nancestors + 1 + th->replies.n, sizeof *all);
	for (i = 0; i < th->nancestors; i++)
		all[n++] = th->ancestors[i];
	all[n++] = &th->tweet;
	for (i = 0; i < th->replies.n; i++)
		all[n++] = &th->replies.items[i];
	r = tweet_store_flags(td->store, caller, all, n);
	free(all);
	return r;
}

/*
 * GET /tweets/{tweetId}/thread: the ancestors (a deleted one is null),
 * the tweet, a page of its direct replies oldest first; nextCursor
 * encodes the last reply of the page (common/cursor.h, time 0).
 */
void
tweet_http_thread(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	struct tweet_store_thread th;
	enum tweet_store_result r;
	const char *cur = http_query(req, "cursor");
	char next[CURSOR_MAX], *text;
	struct jsonw w;
	int64_t id, after = 0, time_us, caller;
	size_t i, len;
	int limit;

	if (!http_path_id(req, resp, 0, "tweet", &id))
		return;
	if (!validate_limit(http_query(req, "limit"), TIMELINE_DEFAULT,
	    TIMELINE_MIN, TIMELINE_MAX, &limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from %d to %d", TIMELINE_MIN,
		    TIMELINE_MAX);
		return;
	}
	if (cur != NULL && (!cursor_decode(cur, &time_us, &after) ||
	    time_us != 0)) {
		http_reply_error(resp, 400, "bad_request",
		    "cursor must be the nextCursor of a previous page");
		return;
	}
	r = tweet_store_thread(td->store, id, after, limit, &th);
	if (r == TWEET_STORE_NOT_FOUND) {
		http_reply_error(resp, 404, "not_found", "no tweet %" PRId64,
		    id);
		return;
	}
	if (r == TWEET_STORE_OK && viewer(td, req, &caller))
		r = thread_flags(td, caller, &th);
	if (r != TWEET_STORE_OK) {
		if (th.tweet.id != 0)
			tweet_store_thread_release(&th);
		reply_store_failure(resp, r);
		return;
	}
	jsonw_init(&w);
	jsonw_lit(&w, "{\"ancestors\":[");
	for (i = 0; i < th.nancestors; i++) {
		if (i > 0)
			jsonw_lit(&w, ",");
		if (th.ancestors[i] == NULL)
			jsonw_lit(&w, "null");
		else
			model_tweet_write(&w, th.ancestors[i]);
	}
	jsonw_lit(&w, "],\"tweet\":");
	model_tweet_write(&w, &th.tweet);
	jsonw_lit(&w, ",\"replies\":");
	write_tweets(&w, th.replies.items, th.replies.n);
	jsonw_lit(&w, ",\"nextCursor\":");
	if (th.more) {
		cursor_encode(0, th.replies.items[th.replies.n - 1].id, next);
		jsonw_string(&w, next, strlen(next));
	} else
		jsonw_lit(&w, "null");
	jsonw_lit(&w, "}");
	tweet_store_thread_release(&th);
	text = jsonw_take(&w, &len);
	http_reply_json_text(resp, 200, text, len);
}

/*
 * GET /internal/tweets?ids=1,2,3[&viewer=U] (chirp-notifyd): the tweets
 * that exist, in the order asked, with viewer's flags when given.
 */
void
tweet_http_internal_tweets(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct tweetd *td = ctx;
	struct tweet_store_page page;
	enum tweet_store_result r;
	const char *q = http_query(req, "ids"), *v = http_query(req, "viewer");
	int64_t ids[TWEET_STORE_INTERNAL_IDS_MAX], caller = 0;
	char *copy, *tok, *comma;
	size_t n = 0;
	bool ok = q != NULL && *q != '\0';

	copy = xstrdup(ok ? q : "");
	for (tok = copy; ok; tok = comma + 1) {
		if ((comma = strchr(tok, ',')) != NULL)
			*comma = '\0';
		ok = n < TWEET_STORE_INTERNAL_IDS_MAX &&
		    validate_id(tok, &ids[n++]);
		if (comma == NULL)
			break;
	}
	free(copy);
	if (!ok) {
		http_reply_error(resp, 400, "bad_request",
		    "ids must be 1 to %d tweet ids separated by commas",
		    TWEET_STORE_INTERNAL_IDS_MAX);
		return;
	}
	if (v != NULL && !validate_id(v, &caller)) {
		http_reply_error(resp, 400, "bad_request",
		    "viewer must be a user id");
		return;
	}
	r = tweet_store_get_many(td->store, ids, n, &page);
	if (r == TWEET_STORE_OK && v != NULL)
		r = tweet_store_page_flags(td->store, caller, &page);
	if (r != TWEET_STORE_OK) {
		tweet_store_page_release(&page);
		reply_store_failure(resp, r);
		return;
	}
	reply_page(resp, &page);
}

/* --- likes and reposts (API.md "Conversations", social_store.h) ------- */

#define LIKERS_DEFAULT 100
#define LIKERS_MIN 1
#define LIKERS_MAX 1000

/* A like's or repost's store answer that is no success. */
static void
reply_social_failure(struct http_response *resp, enum tweet_store_result r,
    int64_t id)
{
	if (r == TWEET_STORE_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no tweet %" PRId64,
		    id);
	else if (r == TWEET_STORE_DELETED)
		http_reply_error(resp, 401, "unauthorized",
		    "the account of this token no longer exists");
	else if (r == TWEET_STORE_BUSY) {
		http_reply_header(resp, "Retry-After", "1");
		http_reply_error(resp, 503, "unavailable",
		    "the account is being deleted");
	} else
		reply_store_failure(resp, r);
}

/* 200 or 201 t with the caller's flags; t is released. */
static void
reply_flagged(struct tweetd *td, struct http_response *resp, int status,
    struct tweet *t, int64_t caller)
{
	enum tweet_store_result r;

	if ((r = tweet_store_flags(td->store, caller, &t, 1)) !=
	    TWEET_STORE_OK)
		reply_store_failure(resp, r);
	else
		http_reply_json(resp, status, model_must(model_tweet_json(t)));
	model_tweet_release(t);
}

/* POST and DELETE /tweets/{id}/like: 200 the tweet liked (a repost's
 * original), with its counts and the caller's flags after. */
static void
like(struct http_request *req, struct http_response *resp,
    struct tweetd *td, bool on)
{
	struct token_claims claims;
	enum tweet_store_result r;
	struct tweet t;
	int64_t id;

	if (!authenticate(td, req, resp, &claims) ||
	    !http_path_id(req, resp, 0, "tweet", &id))
		return;
	r = social_store_like(td->store, id, claims.user_id, claims.username,
	    on, &t);
	if (r != TWEET_STORE_OK) {
		reply_social_failure(resp, r, id);
		return;
	}
	reply_flagged(td, resp, 200, &t, claims.user_id);
}

void
tweet_http_like(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	like(req, resp, ctx, true);
}

void
tweet_http_unlike(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	like(req, resp, ctx, false);
}

/* GET /tweets/{id}/likes: the likers newest first, paged like follow
 * lists (limit, an opaque cursor). */
void
tweet_http_likes(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	const char *cur = http_query(req, "cursor");
	struct social_likers page;
	enum tweet_store_result r;
	int64_t id, after_us = 0, after_id = 0;
	char next[CURSOR_MAX];
	json_t *users, *out;
	int limit;
	size_t i;

	if (!http_path_id(req, resp, 0, "tweet", &id))
		return;
	if (!validate_limit(http_query(req, "limit"), LIKERS_DEFAULT,
	    LIKERS_MIN, LIKERS_MAX, &limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from %d to %d", LIKERS_MIN,
		    LIKERS_MAX);
		return;
	}
	if (cur != NULL && !cursor_decode(cur, &after_us, &after_id)) {
		http_reply_error(resp, 400, "bad_request",
		    "cursor is not one this server gave");
		return;
	}
	r = social_store_likers(td->store, id, limit, cur != NULL, after_us,
	    after_id, &page);
	if (r != TWEET_STORE_OK) {
		reply_social_failure(resp, r, id);
		return;
	}
	users = model_must(json_array());
	for (i = 0; i < page.n; i++)
		json_array_append_new(users, model_must(json_pack(
		    "{s:o, s:s}", "userId", model_id_json(page.items[i].id),
		    "username", page.items[i].username)));
	out = model_must(json_pack("{s:o}", "users", users));
	if (page.more) {
		cursor_encode(page.items[page.n - 1].time_us,
		    page.items[page.n - 1].id, next);
		json_object_set_new(out, "nextCursor",
		    model_must(json_string(next)));
	} else
		json_object_set_new(out, "nextCursor", json_null());
	social_store_likers_release(&page);
	http_reply_json(resp, 200, out);
}

/* POST /tweets/{id}/repost: 201 the new repost, 200 the one made before. */
void
tweet_http_repost(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	struct token_claims claims;
	enum tweet_store_result r;
	struct tweet t;
	int64_t id;

	if (!authenticate(td, req, resp, &claims) ||
	    !http_path_id(req, resp, 0, "tweet", &id))
		return;
	r = social_store_repost(td->store, id, claims.user_id,
	    claims.username, &t);
	if (r != TWEET_STORE_OK && r != TWEET_STORE_REPLAY) {
		reply_social_failure(resp, r, id);
		return;
	}
	reply_flagged(td, resp, r == TWEET_STORE_OK ? 201 : 200, &t,
	    claims.user_id);
}

/* DELETE /tweets/{id}/repost, by the original's id or the repost's. */
void
tweet_http_unrepost(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct tweetd *td = ctx;
	struct token_claims claims;
	enum tweet_store_result r;
	int64_t id;

	if (!authenticate(td, req, resp, &claims) ||
	    !http_path_id(req, resp, 0, "tweet", &id))
		return;
	r = social_store_unrepost(td->store, id, claims.user_id);
	if (r != TWEET_STORE_OK)
		reply_social_failure(resp, r, id);
	else
		http_reply_message(resp, 200, "repost removed");
}
