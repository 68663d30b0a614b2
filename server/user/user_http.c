/*
 * user_http.c: the handlers of chirp-userd. Each one checks in the order
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
#include "eventlog.h"
#include "http_server.h"
#include "log.h"
#include "login_throttle.h"
#include "model.h"
#include "password.h"
#include "revoke.h"
#include "timeutil.h"
#include "token.h"
#include "user_http.h"
#include "user_store.h"
#include "userd.h"
#include "validate.h"
#include "xmalloc.h"

#define LIST_DEFAULT 100
#define LIST_MIN 1
#define LIST_MAX 1000

/* The answer to a store failure that is no fault of the request. */
static void
reply_store_failure(struct http_response *resp, enum user_store_result r)
{
	if (r == USER_STORE_UNAVAILABLE)
		http_reply_error(resp, 503, "unavailable",
		    "the user database is unavailable");
	else
		http_reply_error(resp, 500, "internal", "internal error");
}

/*
 * A valid token (401): signed, unexpired, of an account that still exists
 * and not revoked (its generation is the account's current one).
 */
static bool
authenticate(struct userd *ud, struct http_request *req,
    struct http_response *resp, struct token_claims *claims)
{
	enum user_store_result r;
	int64_t gen;

	if (!http_auth(req, resp, ud->secret, ud->secret_len, claims))
		return false;
	r = user_store_token_gen(ud->store, claims->user_id, &gen);
	if (r == USER_STORE_NOT_FOUND) {
		http_reply_error(resp, 401, "unauthorized",
		    "the account of this token no longer exists");
		return false;
	}
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		return false;
	}
	if (claims->gen < gen) {
		http_reply_invalid_token(resp,
		    "the token was revoked (logged out)");
		return false;
	}
	return true;
}

/*
 * The checks of a route "as userId": a valid token (401), for the user of
 * the path (403). *id is that user.
 */
static bool
act_as(struct userd *ud, struct http_request *req,
    struct http_response *resp, int64_t *id)
{
	struct token_claims claims;

	if (!authenticate(ud, req, resp, &claims) ||
	    !http_path_is_user(req, resp, &claims))
		return false;
	*id = claims.user_id;
	return true;
}

/*
 * The string members "username" and "password" of the body; answers 400
 * when either is missing or not a string.
 */
static bool
credentials(struct http_request *req, struct http_response *resp,
    json_t **body, const char **user, size_t *ulen, const char **pw,
    size_t *pwlen)
{
	json_t *u, *p;

	if ((*body = http_json_body(req, resp)) == NULL)
		return false;
	u = json_object_get(*body, "username");
	p = json_object_get(*body, "password");
	if (!json_is_string(u) || !json_is_string(p)) {
		http_reply_error(resp, 400, "bad_request",
		    "username and password must be strings");
		json_decref(*body);
		*body = NULL;
		return false;
	}
	*user = json_string_value(u);
	*ulen = json_string_length(u);
	*pw = json_string_value(p);
	*pwlen = json_string_length(p);
	return true;
}

/*
 * What a password route hands to the pool (http_defer): a copy of the
 * credentials, the password wiped when done.
 */
struct password_job {
	char username[USERNAME_MAX + 1];
	char pw[PASSWORD_MAX];
	size_t pwlen;
};

static struct password_job *
password_job_new(const char *user, size_t ulen, const char *pw, size_t pwlen)
{
	struct password_job *job = xcalloc(1, sizeof(*job));

	memcpy(job->username, user, ulen);
	memcpy(job->pw, pw, pwlen);
	job->pwlen = pwlen;
	return job;
}

static void
password_job_free(struct password_job *job)
{
	explicit_bzero(job->pw, sizeof(job->pw));
	free(job);
}

/* On the password pool: hash and create the account. */
static void
register_finish(struct http_response *resp, void *ctx, void *arg)
{
	struct userd *ud = ctx;
	struct password_job *job = arg;
	char hash[PASSWORD_HASH_MAX];
	enum user_store_result r;
	struct user u;

	if (password_hash(job->pw, job->pwlen, hash) == -1) {
		http_reply_error(resp, 500, "internal", "cannot hash password");
		goto out;
	}
	r = user_store_create(ud->store, job->username, hash, &u);
	if (r == USER_STORE_CONFLICT) {
		http_reply_error(resp, 409, "conflict",
		    "username '%s' is taken", job->username);
		goto out;
	}
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		goto out;
	}
	log_info("user %" PRId64 " registered", u.id);
	http_reply_json(resp, 201, model_must(json_pack("{s:o, s:s}",
	    "userId", model_id_json(u.id), "username", u.username)));
out:
	password_job_free(job);
}

void
user_http_register(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct password_job *job;
	const char *user, *pw;
	size_t ulen, pwlen;
	json_t *body;

	(void)ctx;
	if (!credentials(req, resp, &body, &user, &ulen, &pw, &pwlen))
		return;
	if (!validate_username(user, ulen)) {
		http_reply_error(resp, 400, "bad_request",
		    "username must be %d to %d of A-Z a-z 0-9 _ .",
		    USERNAME_MIN, USERNAME_MAX);
		goto out;
	}
	if (!validate_password(pw, pwlen)) {
		http_reply_error(resp, 400, "bad_request",
		    "password must be %d to %d bytes", PASSWORD_MIN,
		    PASSWORD_MAX);
		goto out;
	}
	job = password_job_new(user, ulen, pw, pwlen);
	if (!http_defer(req, resp, register_finish, job))
		password_job_free(job);
out:
	json_decref(body);
}

/* On the password pool: check the password and sign a token. */
static void
login_finish(struct http_response *resp, void *ctx, void *arg)
{
	struct userd *ud = ctx;
	struct password_job *job = arg;
	char hash[PASSWORD_HASH_MAX], expires[TIME_RFC3339_LEN];
	struct token_claims claims;
	enum user_store_result r;
	char *token = NULL;
	struct user u;
	int64_t gen = 0;

	r = user_store_credentials(ud->store, job->username, &u, hash, &gen);
	if (r == USER_STORE_NOT_FOUND) {
		/* The time of a wrong password, and the same answer. */
		password_dummy_verify(job->pw, job->pwlen);
		goto refuse;
	}
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		goto out;
	}
	if (!password_verify(hash, job->pw, job->pwlen))
		goto refuse;
	login_throttle_succeeded(ud->throttle, job->username);

	memset(&claims, 0, sizeof(claims));
	claims.user_id = u.id;
	snprintf(claims.username, sizeof(claims.username), "%s", u.username);
	claims.issued_at = time_now_ms() / 1000;
	claims.expires_at = claims.issued_at + ud->token_ttl;
	claims.gen = gen;
	if ((token = token_sign(ud->secret, ud->secret_len, &claims)) ==
	    NULL) {
		http_reply_error(resp, 500, "internal", "cannot sign token");
		goto out;
	}
	time_format_rfc3339(claims.expires_at * 1000, expires);
	http_reply_json(resp, 200, model_must(json_pack(
	    "{s:o, s:s, s:s, s:s}", "userId", model_id_json(u.id),
	    "username", u.username, "accessToken", token,
	    "expiresAt", expires)));
	goto out;
refuse:
	login_throttle_failed(ud->throttle, job->username, time_now_ms());
	http_reply_error(resp, 401, "unauthorized",
	    "wrong username or password");
out:
	free(token);
	password_job_free(job);
}

void
user_http_login(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct userd *ud = ctx;
	struct password_job *job;
	const char *user, *pw;
	size_t ulen, pwlen;
	char wait[24];
	int64_t secs;
	json_t *body;

	if (!credentials(req, resp, &body, &user, &ulen, &pw, &pwlen))
		return;
	/* A name no account can have: nothing to look up or hash. */
	if (!validate_username(user, ulen) || pwlen > PASSWORD_MAX) {
		http_reply_error(resp, 401, "unauthorized",
		    "wrong username or password");
		goto out;
	}
	/* Throttled: refused before any hashing, whether it exists or not. */
	if ((secs = login_throttle_wait(ud->throttle, user,
	    time_now_ms())) > 0) {
		snprintf(wait, sizeof(wait), "%" PRId64, secs);
		http_reply_header(resp, "Retry-After", wait);
		http_reply_error(resp, 429, "rate_limited",
		    "too many failed logins for this username; retry in "
		    "%" PRId64 " s", secs);
		goto out;
	}
	job = password_job_new(user, ulen, pw, pwlen);
	if (!http_defer(req, resp, login_finish, job))
		password_job_free(job);
out:
	json_decref(body);
}

void
user_http_get(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct userd *ud = ctx;
	enum user_store_result r;
	struct user u;
	int64_t id;

	if (!http_path_id(req, resp, 0, "user", &id))
		return;
	r = user_store_get(ud->store, id, &u);
	if (r == USER_STORE_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    id);
	else if (r != USER_STORE_OK)
		reply_store_failure(resp, r);
	else
		http_reply_json(resp, 200, model_must(model_user_json(&u)));
}

void
user_http_lookup(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct userd *ud = ctx;
	const char *name = http_query(req, "username");
	enum user_store_result r;
	struct user u;

	if (name == NULL) {
		http_reply_error(resp, 400, "bad_request",
		    "the query parameter username is required");
		return;
	}
	if (!validate_username(name, strlen(name))) {
		http_reply_error(resp, 400, "bad_request",
		    "username must be %d to %d of A-Z a-z 0-9 _ .",
		    USERNAME_MIN, USERNAME_MAX);
		return;
	}
	r = user_store_get_by_name(ud->store, name, &u);
	if (r == USER_STORE_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no user '%s'", name);
	else if (r != USER_STORE_OK)
		reply_store_failure(resp, r);
	else
		http_reply_json(resp, 200, model_must(model_user_json(&u)));
}

/* Follow (add) or unfollow: the body member key names the target. */
static void
edge(struct http_request *req, struct http_response *resp,
    struct userd *ud, bool add)
{
	const char *key = add ? "followUserId" : "unfollowUserId";
	enum user_store_result r;
	int64_t me, target;
	bool changed;
	json_t *body;

	if (!act_as(ud, req, resp, &me))
		return;
	if ((body = http_json_body(req, resp)) == NULL)
		return;
	if (!model_get_id(body, key, &target)) {
		http_reply_error(resp, 400, "bad_request",
		    "%s must be a user id string of decimal digits", key);
		goto out;
	}
	if (target == me) {
		http_reply_error(resp, 400, "bad_request",
		    add ? "you cannot follow yourself" :
		    "you cannot unfollow yourself");
		goto out;
	}
	if (add)
		r = user_store_follow(ud->store, me, target, &changed);
	else
		r = user_store_unfollow(ud->store, me, target, &changed);
	switch (r) {
	case USER_STORE_OK:
		if (add)
			http_reply_message(resp, 200, changed ? "followed" :
			    "already following");
		else
			http_reply_message(resp, 200, changed ? "unfollowed" :
			    "not following");
		break;
	case USER_STORE_NOT_FOUND:
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    target);
		break;
	case USER_STORE_NO_ACTOR:
		http_reply_error(resp, 401, "unauthorized",
		    "the account of this token no longer exists");
		break;
	case USER_STORE_LIMIT:
		http_reply_error(resp, 409, "conflict",
		    "a user follows at most %d others",
		    USER_STORE_FOLLOWINGS_MAX);
		break;
	default:
		reply_store_failure(resp, r);
		break;
	}
out:
	json_decref(body);
}

void
user_http_follow(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	edge(req, resp, ctx, true);
}

void
user_http_unfollow(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	edge(req, resp, ctx, false);
}

/* A page of followings or followers: {"<key>":[ids],"users","nextCursor"}. */
static void
follow_list(struct http_request *req, struct http_response *resp,
    struct userd *ud, enum user_store_list list)
{
	const char *cur = http_query(req, "cursor");
	struct user_store_page page;
	int64_t id, after_us = 0, after_id = 0;
	enum user_store_result r;
	char next[CURSOR_MAX];
	json_t *ids, *users, *out;
	int limit;
	size_t i;

	if (!http_path_id(req, resp, 0, "user", &id))
		return;
	if (!validate_limit(http_query(req, "limit"), LIST_DEFAULT, LIST_MIN,
	    LIST_MAX, &limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from %d to %d", LIST_MIN,
		    LIST_MAX);
		return;
	}
	if (cur != NULL && !cursor_decode(cur, &after_us, &after_id)) {
		http_reply_error(resp, 400, "bad_request",
		    "cursor is not one this server gave");
		return;
	}
	r = user_store_follow_page(ud->store, list, id, limit, cur != NULL,
	    after_us, after_id, &page);
	if (r == USER_STORE_NOT_FOUND) {
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    id);
		return;
	}
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	ids = model_must(json_array());
	users = model_must(json_array());
	for (i = 0; i < page.n; i++) {
		json_array_append_new(ids, model_id_json(page.items[i].id));
		json_array_append_new(users, model_must(json_pack(
		    "{s:o, s:s}", "userId", model_id_json(page.items[i].id),
		    "username", page.items[i].username)));
	}
	out = model_must(json_object());
	json_object_set_new(out, list == USER_STORE_FOLLOWINGS ?
	    "followings" : "followers", ids);
	json_object_set_new(out, "users", users);
	if (page.more && page.n > 0) {
		cursor_encode(page.items[page.n - 1].time_us,
		    page.items[page.n - 1].id, next);
		json_object_set_new(out, "nextCursor",
		    model_must(json_string(next)));
	} else
		json_object_set_new(out, "nextCursor", json_null());
	user_store_page_release(&page);
	http_reply_json(resp, 200, out);
}

void
user_http_followings(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	follow_list(req, resp, ctx, USER_STORE_FOLLOWINGS);
}

void
user_http_followers(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	follow_list(req, resp, ctx, USER_STORE_FOLLOWERS);
}

void
user_http_delete(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct userd *ud = ctx;
	int64_t me;

	if (!act_as(ud, req, resp, &me))
		return;
	switch (deletion_run(ud, me)) {
	case DELETION_OK:
		log_info("user %" PRId64 " deleted", me);
		http_reply_message(resp, 200, "account deleted");
		break;
	case DELETION_NOT_FOUND:
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    me);
		break;
	case DELETION_UNAVAILABLE:
		http_reply_error(resp, 503, "unavailable",
		    "the account cannot be deleted now; nothing was changed");
		break;
	default:
		http_reply_error(resp, 500, "internal",
		    "the account could not be deleted; nothing was changed");
		break;
	}
}

/*
 * One profile field of a PATCH body: absent leaves *out NULL; otherwise
 * it must be a string that check accepts (else 400).
 */
static bool
profile_field(json_t *body, struct http_response *resp, const char *key,
    enum profile_error (*check)(const char *, size_t), long max,
    const char **out)
{
	json_t *v = json_object_get(body, key);

	*out = NULL;
	if (v == NULL)
		return true;
	if (!json_is_string(v)) {
		http_reply_error(resp, 400, "bad_request",
		    "%s must be a string", key);
		return false;
	}
	switch (check(json_string_value(v), json_string_length(v))) {
	case PROFILE_OK:
		*out = json_string_value(v);
		return true;
	case PROFILE_TOO_LONG:
		http_reply_error(resp, 400, "bad_request",
		    "%s is longer than %ld characters", key, max);
		break;
	case PROFILE_BAD_UTF8:
		http_reply_error(resp, 400, "bad_request",
		    "%s is not valid UTF-8 text", key);
		break;
	case PROFILE_CONTROL:
		http_reply_error(resp, 400, "bad_request",
		    max == BIO_MAX ? "%s must not hold control characters "
		    "other than line feeds" :
		    "%s must not hold control characters or line breaks",
		    key);
		break;
	}
	return false;
}

void
user_http_patch(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct userd *ud = ctx;
	const char *name, *bio, *key;
	enum user_store_result r;
	json_t *body, *v;
	struct user u;
	int64_t me;

	if (!act_as(ud, req, resp, &me))
		return;
	if ((body = http_json_body(req, resp)) == NULL)
		return;
	json_object_foreach(body, key, v) {
		if (strcmp(key, "displayName") != 0 &&
		    strcmp(key, "bio") != 0) {
			http_reply_error(resp, 400, "bad_request",
			    "unknown field; only displayName and bio "
			    "may be changed");
			goto out;
		}
	}
	if (json_object_size(body) == 0) {
		http_reply_error(resp, 400, "bad_request",
		    "nothing to change: give displayName or bio");
		goto out;
	}
	if (!profile_field(body, resp, "displayName", validate_display_name,
	    DISPLAY_NAME_MAX, &name) ||
	    !profile_field(body, resp, "bio", validate_bio, BIO_MAX, &bio))
		goto out;
	r = user_store_set_profile(ud->store, me, name, bio, &u);
	if (r == USER_STORE_NOT_FOUND)
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    me);
	else if (r != USER_STORE_OK)
		reply_store_failure(resp, r);
	else
		http_reply_json(resp, 200, model_must(model_user_json(&u)));
out:
	json_decref(body);
}

void
user_http_internal_followings(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct userd *ud = ctx;
	enum user_store_result r;
	int64_t id, *ids = NULL;
	json_t *arr;
	size_t i, n = 0;

	if (!http_path_id(req, resp, 0, "user", &id))
		return;
	r = user_store_all_followings(ud->store, id, &ids, &n);
	if (r == USER_STORE_NOT_FOUND) {
		http_reply_error(resp, 404, "not_found", "no user %" PRId64,
		    id);
		return;
	}
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	arr = model_must(json_array());
	for (i = 0; i < n; i++)
		json_array_append_new(arr, model_id_json(ids[i]));
	free(ids);
	http_reply_json(resp, 200, model_must(json_pack("{s:o, s:o}",
	    "userId", model_id_json(id), "followings", arr)));
}

void
user_http_internal_follows(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct userd *ud = ctx;
	enum user_store_result r;
	const char *af = http_query(req, "afterFollower");
	const char *ae = http_query(req, "afterFollowee");
	int64_t f = 0, e = 0, *pairs = NULL;
	json_t *arr;
	size_t i, n = 0;
	int limit;

	if ((af != NULL && !validate_id(af, &f)) ||
	    (ae != NULL && !validate_id(ae, &e))) {
		http_reply_error(resp, 400, "bad_request",
		    "afterFollower and afterFollowee must be user ids");
		return;
	}
	if (!validate_limit(http_query(req, "limit"), EVENTLOG_LIMIT_DEFAULT,
	    1, EVENTLOG_LIMIT_MAX, &limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from 1 to %d",
		    EVENTLOG_LIMIT_MAX);
		return;
	}
	if ((r = user_store_edges(ud->store, f, e, limit, &pairs, &n)) !=
	    USER_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	arr = model_must(json_array());
	for (i = 0; i < n; i++)
		json_array_append_new(arr, model_must(json_pack("[o, o]",
		    model_id_json(pairs[2 * i]),
		    model_id_json(pairs[2 * i + 1]))));
	free(pairs);
	http_reply_json(resp, 200, model_must(json_pack("{s:o}", "follows",
	    arr)));
}

void
user_http_internal_deletion(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct userd *ud = ctx;
	enum user_store_result r;
	char decision[8];
	int64_t uid;

	if (req->nparams < 1 || !deletion_id_parse(req->params[0], &uid)) {
		http_reply_error(resp, 400, "bad_request",
		    "not a deletion transaction id");
		return;
	}
	r = user_store_decision(ud->store, req->params[0], uid, decision);
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	log_info("deletion %s: asked, decision %s", req->params[0], decision);
	http_reply_json(resp, 200, model_must(json_pack("{s:s}",
	    "decision", decision)));
}

void
user_http_logout(struct http_request *req, struct http_response *resp,
    void *ctx)
{
	struct userd *ud = ctx;
	struct token_claims claims;
	enum user_store_result r;
	int64_t gen;

	if (!authenticate(ud, req, resp, &claims))
		return;
	r = user_store_logout(ud->store, claims.user_id, &gen);
	if (r == USER_STORE_NOT_FOUND) {
		http_reply_error(resp, 401, "unauthorized",
		    "the account of this token no longer exists");
		return;
	}
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	log_info("user %" PRId64 " logged out: token generation %" PRId64,
	    claims.user_id, gen);
	http_reply_message(resp, 200, "logged out");
}

void
user_http_internal_revocations(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct userd *ud = ctx;
	struct user_store_revocation *list = NULL;
	enum user_store_result r;
	json_t *arr, *out;
	size_t i, n = 0;

	(void)req;
	/* One more than a table holds: whether the list was cut. */
	r = user_store_revocations(ud->store, ud->token_ttl,
	    REVOKE_MAX_DEFAULT + 1, &list, &n);
	if (r != USER_STORE_OK) {
		reply_store_failure(resp, r);
		return;
	}
	out = model_must(json_object());
	arr = model_must(json_array());
	for (i = 0; i < n && i < REVOKE_MAX_DEFAULT; i++) {
		if (list[i].gen < 0)
			json_array_append_new(arr, model_must(json_pack(
			    "{s:o, s:b}", "userId", model_id_json(
			    list[i].user_id), "deleted", 1)));
		else
			json_array_append_new(arr, model_must(json_pack(
			    "{s:o, s:I}", "userId", model_id_json(
			    list[i].user_id), "gen", (json_int_t)list[i].gen)));
	}
	json_object_set_new(out, "revocations", arr);
	/* Cut short: refuse every token from before the oldest listed. */
	if (n > REVOKE_MAX_DEFAULT)
		json_object_set_new(out, "floor", model_must(json_integer(
		    list[REVOKE_MAX_DEFAULT - 1].at)));
	free(list);
	http_reply_json(resp, 200, out);
}

void
user_http_internal_events(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct userd *ud = ctx;
	enum eventlog_result r;
	json_t *page;
	int64_t after;
	int limit;

	if (!eventlog_query(req, resp, &after, &limit))
		return;
	r = user_store_events(ud->store, after, limit, &page);
	eventlog_reply(resp, r, page, "user");
}

/*
 * GET /internal/users?names=a,b,c: the users a tweet mentions, in one
 * call (chirp-tweetd). At most MODEL_MENTIONS_MAX names, each a valid
 * username; anything else is 400.
 */
void
user_http_internal_users(struct http_request *req,
    struct http_response *resp, void *ctx)
{
	struct userd *ud = ctx;
	struct user_store_page page;
	enum user_store_result r;
	const char *q = http_query(req, "names");
	const char *names[MODEL_MENTIONS_MAX];
	char *copy = NULL, *tok, *save;
	json_t *arr;
	size_t i, n = 0;

	if (q == NULL || *q == '\0' || strlen(q) > MODEL_MENTIONS_MAX * 33) {
		http_reply_error(resp, 400, "bad_request",
		    "names must be 1 to %d usernames separated by commas",
		    MODEL_MENTIONS_MAX);
		return;
	}
	copy = xstrdup(q);
	/* strtok_r would pass over empty names: count commas instead. */
	for (tok = copy; ; tok = save + 1) {
		save = strchr(tok, ',');
		if (save != NULL)
			*save = '\0';
		if (n == MODEL_MENTIONS_MAX ||
		    !validate_username(tok, strlen(tok))) {
			http_reply_error(resp, 400, "bad_request",
			    "names must be 1 to %d usernames separated by "
			    "commas", MODEL_MENTIONS_MAX);
			goto out;
		}
		names[n++] = tok;
		if (save == NULL)
			break;
	}
	if ((r = user_store_by_names(ud->store, names, n, &page)) !=
	    USER_STORE_OK) {
		reply_store_failure(resp, r);
		goto out;
	}
	arr = model_must(json_array());
	for (i = 0; i < page.n; i++)
		json_array_append_new(arr, model_must(json_pack("{s:o, s:s}",
		    "userId", model_id_json(page.items[i].id), "username",
		    page.items[i].username)));
	user_store_page_release(&page);
	http_reply_json(resp, 200, model_must(json_pack("{s:o}", "users",
	    arr)));
out:
	free(copy);
}
