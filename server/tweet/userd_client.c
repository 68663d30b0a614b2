/*
 * userd_client.c: calls to chirp-userd over kept-alive connections. A
 * http_client is not for two threads at once, so each call borrows one
 * from a free list and gives it back.
 */
#include <sys/queue.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "http_client.h"
#include "log.h"
#include "model.h"
#include "svcauth.h"
#include "validate.h"
#include "userd_client.h"
#include "xmalloc.h"

struct pooled {
	struct http_client *client;
	SLIST_ENTRY(pooled) entry;	/* u->free */
};

struct userd_client {
	char *base_url;
	const struct svcauth *svcauth;
	pthread_mutex_t lock;
	SLIST_HEAD(, pooled) free;	/* idle connections */
};

struct userd_client *
userd_client_new(const char *base_url, const struct svcauth *svcauth)
{
	struct userd_client *u = xcalloc(1, sizeof *u);

	u->svcauth = svcauth;
	u->base_url = xstrdup(base_url);
	pthread_mutex_init(&u->lock, NULL);
	SLIST_INIT(&u->free);
	return u;
}

void
userd_client_free(struct userd_client *u)
{
	struct pooled *p;

	if (u == NULL)
		return;
	while ((p = SLIST_FIRST(&u->free)) != NULL) {
		SLIST_REMOVE_HEAD(&u->free, entry);
		http_client_free(p->client);
		free(p);
	}
	pthread_mutex_destroy(&u->lock);
	free(u->base_url);
	free(u);
}

static struct pooled *
borrow(struct userd_client *u)
{
	struct pooled *p;

	pthread_mutex_lock(&u->lock);
	if ((p = SLIST_FIRST(&u->free)) != NULL)
		SLIST_REMOVE_HEAD(&u->free, entry);
	pthread_mutex_unlock(&u->lock);
	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		p->client = http_client_new(u->base_url);
		http_client_set_timeout(p->client, USERD_CLIENT_TIMEOUT_MS);
	}
	return p;
}

static void
give_back(struct userd_client *u, struct pooled *p)
{
	pthread_mutex_lock(&u->lock);
	SLIST_INSERT_HEAD(&u->free, p, entry);
	pthread_mutex_unlock(&u->lock);
}

/*
 * GET path: USERD_OK with the JSON object of a 200 in *out (caller
 * decrefs), USERD_NOT_FOUND on 404, else USERD_UNAVAILABLE (logged).
 */
static enum userd_result
get_json(struct userd_client *u, const char *path, json_t **out)
{
	struct http_result res;
	struct pooled *p = borrow(u);
	enum userd_result ret = USERD_UNAVAILABLE;
	json_error_t err;

	const char *rid = log_request_id();
	char *hdr = rid != NULL ? xasprintf("X-Request-Id: %s", rid) : NULL;
	char *cred = svcauth_header(u->svcauth, "userd");
	/* The request id goes along, so that both logs tell one story. */
	const char *headers[3] = {cred, hdr, NULL};

	*out = NULL;
	memset(&res, 0, sizeof res);
	if (http_client_request(p->client, "GET", path, NULL, headers,
	    &res) != 0) {
		log_warnx("userd '%s' GET %s: %s", u->base_url, path,
		    res.error);
		goto out;
	}
	if (res.status == 404) {
		ret = USERD_NOT_FOUND;
		goto out;
	}
	if (res.status != 200) {
		log_warnx("userd GET %s: status %ld", path, res.status);
		goto out;
	}
	*out = json_loadb(res.body ? res.body : "", res.len, 0, &err);
	if (*out == NULL || !json_is_object(*out)) {
		log_warnx("userd GET %s: not a JSON object", path);
		json_decref(*out);
		*out = NULL;
		goto out;
	}
	ret = USERD_OK;
out:
	free(cred);
	free(hdr);
	http_result_release(&res);
	give_back(u, p);
	return ret;
}

enum userd_result
userd_client_followings(struct userd_client *u, int64_t user_id,
    int64_t **ids, size_t *n)
{
	char path[64];
	json_t *j, *list, *v;
	enum userd_result ret;
	size_t i;

	*ids = NULL;
	*n = 0;
	snprintf(path, sizeof path, "/internal/followings/%" PRId64, user_id);
	if ((ret = get_json(u, path, &j)) != USERD_OK)
		return ret;
	list = json_object_get(j, "followings");
	if (!json_is_array(list)) {
		log_warnx("userd GET %s: no followings array", path);
		json_decref(j);
		return USERD_UNAVAILABLE;
	}
	*ids = xcalloc(json_array_size(list) + 1, sizeof **ids);
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);
		long long id;

		if (s == NULL || (id = strtoll(s, NULL, 10)) <= 0) {
			log_warnx("userd GET %s: bad id in followings", path);
			free(*ids);
			*ids = NULL;
			json_decref(j);
			return USERD_UNAVAILABLE;
		}
		(*ids)[(*n)++] = (int64_t)id;
	}
	json_decref(j);
	return USERD_OK;
}

enum userd_result
userd_client_user_exists(struct userd_client *u, int64_t user_id)
{
	char path[64];
	json_t *j;
	enum userd_result ret;

	snprintf(path, sizeof path, "/users/%" PRId64, user_id);
	ret = get_json(u, path, &j);
	json_decref(j);
	return ret;
}

enum userd_result
userd_client_decision(struct userd_client *u, const char *gid,
    bool *commit)
{
	char *path = xasprintf("/internal/deletions/%s", gid);
	const char *d;
	json_t *j;
	enum userd_result ret;

	*commit = false;
	ret = get_json(u, path, &j);
	free(path);
	/*
	 * userd answers every well-formed gid with 200 and a decision
	 * (recording "abort" when it has none), so a 404 came from
	 * something else (another instance, a proxy): ask again later.
	 */
	if (ret == USERD_NOT_FOUND) {
		log_warnx("userd: 404 for deletion %s; asked again later",
		    gid);
		return USERD_UNAVAILABLE;
	}
	if (ret != USERD_OK)
		return ret;
	d = json_string_value(json_object_get(j, "decision"));
	if (d != NULL && strcmp(d, "commit") == 0)
		*commit = true;
	else if (d == NULL || strcmp(d, "abort") != 0) {
		log_warnx("userd: no decision for deletion %s", gid);
		ret = USERD_UNAVAILABLE;
	}
	json_decref(j);
	return ret;
}

enum userd_result
userd_client_revocations(struct userd_client *u, json_t **out)
{
	return get_json(u, "/internal/revocations", out);
}

enum userd_result
userd_client_events(struct userd_client *u, int64_t after, int limit,
    json_t **out)
{
	char path[96];

	snprintf(path, sizeof path, "/internal/events?after=%" PRId64
	    "&limit=%d", after, limit);
	return get_json(u, path, out);
}

enum userd_result
userd_client_edges(struct userd_client *u, int64_t after_follower,
    int64_t after_followee, int limit, int64_t **pairs, size_t *n)
{
	char path[128];
	json_t *j, *list, *v;
	enum userd_result ret;
	int64_t a, b;
	size_t i;

	*pairs = NULL;
	*n = 0;
	/* The first page names no edge (0 is no id). */
	if (after_follower > 0)
		snprintf(path, sizeof path, "/internal/follows?afterFollower=%"
		    PRId64 "&afterFollowee=%" PRId64 "&limit=%d",
		    after_follower, after_followee, limit);
	else
		snprintf(path, sizeof path, "/internal/follows?limit=%d",
		    limit);
	if ((ret = get_json(u, path, &j)) != USERD_OK)
		return ret == USERD_NOT_FOUND ? USERD_UNAVAILABLE : ret;
	list = json_object_get(j, "follows");
	/* Bounded by what was asked: a longer answer is not understood. */
	if (!json_is_array(list) || json_array_size(list) > (size_t)limit) {
		log_warnx("userd GET %s: no follows array", path);
		json_decref(j);
		return USERD_UNAVAILABLE;
	}
	*pairs = xcalloc(2 * json_array_size(list) + 1, sizeof **pairs);
	json_array_foreach(list, i, v) {
		if (!json_is_array(v) || json_array_size(v) != 2 ||
		    !validate_id(json_string_value(json_array_get(v, 0)), &a) ||
		    !validate_id(json_string_value(json_array_get(v, 1)), &b)) {
			log_warnx("userd GET %s: bad edge", path);
			free(*pairs);
			*pairs = NULL;
			*n = 0;
			json_decref(j);
			return USERD_UNAVAILABLE;
		}
		(*pairs)[2 * i] = a;
		(*pairs)[2 * i + 1] = b;
		(*n)++;
	}
	json_decref(j);
	return USERD_OK;
}

enum userd_result
userd_client_mentions(struct userd_client *u, const char *const *names,
    size_t n, char **json)
{
	enum userd_result r;
	json_t *body, *users, *e, *out = NULL;
	const char *name;
	char *path, *p;
	size_t i, j, len = sizeof "/internal/users?names=";
	int64_t id;

	*json = NULL;
	if (n == 0)
		return USERD_OK;
	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	/* Usernames are safe in a query as they are (A-Z a-z 0-9 _ .). */
	path = p = xmalloc(len);
	p += sprintf(p, "/internal/users?names=");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i > 0 ? "," : "", names[i]);
	r = get_json(u, path, &body);
	free(path);
	if (r != USERD_OK)
		return r == USERD_NOT_FOUND ? USERD_UNAVAILABLE : r;
	if (!json_is_array(users = json_object_get(body, "users"))) {
		log_warnx("userd: /internal/users: no users array");
		json_decref(body);
		return USERD_UNAVAILABLE;
	}
	out = model_must(json_array());
	/* In the order of the names: each matches at most one user. */
	for (i = 0; i < n; i++)
		json_array_foreach(users, j, e) {
			name = json_string_value(json_object_get(e,
			    "username"));
			if (name == NULL || !model_get_id(e, "userId", &id) ||
			    !validate_username(name, strlen(name)) ||
			    strcasecmp(name, names[i]) != 0)
				continue;
			json_array_append_new(out, model_must(json_pack(
			    "{s:o, s:s}", "userId", model_id_json(id),
			    "username", name)));
			break;
		}
	if (json_array_size(out) > 0 &&
	    (*json = json_dumps(out, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(out);
	json_decref(body);
	return USERD_OK;
}
