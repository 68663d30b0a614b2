/* model.c: the JSON shapes of docs/API.md (users, tweets, errors, ids). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

json_t *
model_id_json(int64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)id);
	return json_string(buf);
}

static json_t *
time_json(int64_t ms)
{
	char buf[TIME_RFC3339_LEN];

	time_format_rfc3339(ms, buf);
	return json_string(buf);
}

/*
 * A JSON string of exactly these bytes. Text from our databases is valid
 * UTF-8; should it not be, an empty string keeps the answer valid JSON.
 */
static json_t *
text_json(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);

	if (j == NULL) {
		log_warnx("text that is not UTF-8 left out of an answer");
		j = json_string("");
	}
	return j;
}

json_t *
model_user_json(const struct user *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "userId", model_id_json(u->id));
	json_object_set_new(o, "username",
	    text_json(u->username, strnlen(u->username, sizeof(u->username))));
	json_object_set_new(o, "displayName", text_json(u->display_name,
	    strnlen(u->display_name, sizeof(u->display_name))));
	json_object_set_new(o, "bio",
	    text_json(u->bio, strnlen(u->bio, sizeof(u->bio))));
	json_object_set_new(o, "createdAt", time_json(u->created_ms));
	json_object_set_new(o, "followersCount",
	    json_integer((json_int_t)u->followers));
	json_object_set_new(o, "followingsCount",
	    json_integer((json_int_t)u->followings));
	json_object_set_new(o, "tweetsCount",
	    json_integer((json_int_t)u->tweets));
	return o;
}

/* An id, or null for 0. */
static json_t *
id_or_null(int64_t id)
{
	return id != 0 ? model_id_json(id) : json_null();
}

/* The mentions text of t as JSON ([] when there is none or it is bad). */
static json_t *
mentions_json(const struct tweet *t)
{
	json_t *j = t->mentions != NULL ? json_loads(t->mentions, 0, NULL) :
	    NULL;

	if (!json_is_array(j)) {
		if (t->mentions != NULL)
			log_warnx("mentions that are no JSON array left out");
		json_decref(j);
		j = json_array();
	}
	return j;
}

json_t *
model_tweet_json(const struct tweet *t)
{
	json_t *o = json_object();
	const char *content = t->content ? t->content : "";

	json_object_set_new(o, "tweetId", model_id_json(t->id));
	json_object_set_new(o, "userId", model_id_json(t->user_id));
	json_object_set_new(o, "username",
	    text_json(t->username, strnlen(t->username, sizeof(t->username))));
	json_object_set_new(o, "content", text_json(content, strlen(content)));
	json_object_set_new(o, "timestamp", time_json(t->created_ms));
	json_object_set_new(o, "replyTo", id_or_null(t->reply_to));
	json_object_set_new(o, "conversationId", model_id_json(
	    t->conversation_id != 0 ? t->conversation_id : t->id));
	json_object_set_new(o, "mentions", mentions_json(t));
	json_object_set_new(o, "replyCount",
	    json_integer((json_int_t)t->reply_count));
	json_object_set_new(o, "likeCount",
	    json_integer((json_int_t)t->like_count));
	json_object_set_new(o, "repostCount",
	    json_integer((json_int_t)t->repost_count));
	json_object_set_new(o, "repostOf", t->repost_of != NULL ?
	    model_tweet_json(t->repost_of) : json_null());
	if (t->has_flags) {
		json_object_set_new(o, "liked", json_boolean(t->liked));
		json_object_set_new(o, "reposted", json_boolean(t->reposted));
	}
	return model_must(o);
}

/* As text_json, into a writer: "" (logged) for text that is not UTF-8. */
static void
text_write(struct jsonw *w, const char *s, size_t len)
{
	if (!jsonw_string(w, s, len)) {
		log_warnx("text that is not UTF-8 left out of an answer");
		jsonw_lit(w, "\"\"");
	}
}

/* ,"name":<decimal> */
static void
count_write(struct jsonw *w, const char *member, int64_t n)
{
	char buf[64];
	int len = snprintf(buf, sizeof(buf), ",\"%s\":%lld", member,
	    (long long)n);

	jsonw_raw(w, buf, (size_t)len);
}

void
model_tweet_write(struct jsonw *w, const struct tweet *t)
{
	char ts[TIME_RFC3339_LEN];
	const char *content = t->content ? t->content : "";

	/* The members in model_tweet_json's order, which jansson keeps. */
	jsonw_lit(w, "{\"tweetId\":");
	jsonw_id(w, t->id);
	jsonw_lit(w, ",\"userId\":");
	jsonw_id(w, t->user_id);
	jsonw_lit(w, ",\"username\":");
	text_write(w, t->username, strnlen(t->username, sizeof(t->username)));
	jsonw_lit(w, ",\"content\":");
	text_write(w, content, strlen(content));
	jsonw_lit(w, ",\"timestamp\":\"");
	time_format_rfc3339(t->created_ms, ts);
	jsonw_raw(w, ts, strlen(ts));
	jsonw_lit(w, "\",\"replyTo\":");
	if (t->reply_to != 0)
		jsonw_id(w, t->reply_to);
	else
		jsonw_lit(w, "null");
	jsonw_lit(w, ",\"conversationId\":");
	jsonw_id(w, t->conversation_id != 0 ? t->conversation_id : t->id);
	jsonw_lit(w, ",\"mentions\":");
	/* Our own compact text, as jansson would write it again. */
	if (t->mentions != NULL && t->mentions[0] == '[')
		jsonw_raw(w, t->mentions, strlen(t->mentions));
	else
		jsonw_lit(w, "[]");
	count_write(w, "replyCount", t->reply_count);
	count_write(w, "likeCount", t->like_count);
	count_write(w, "repostCount", t->repost_count);
	jsonw_lit(w, ",\"repostOf\":");
	if (t->repost_of != NULL)
		model_tweet_write(w, t->repost_of);
	else
		jsonw_lit(w, "null");
	if (t->has_flags) {
		if (t->liked)
			jsonw_lit(w, ",\"liked\":true");
		else
			jsonw_lit(w, ",\"liked\":false");
		if (t->reposted)
			jsonw_lit(w, ",\"reposted\":true");
		else
			jsonw_lit(w, ",\"reposted\":false");
	}
	jsonw_lit(w, "}");
}

json_t *
model_error_json(const char *code, const char *message)
{
	json_t *o = json_object();

	json_object_set_new(o, "error", text_json(code, strlen(code)));
	json_object_set_new(o, "message", text_json(message,
	    strlen(message)));
	return o;
}

bool
model_get_id(const json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	int64_t id;

	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    !validate_id(json_string_value(v), &id))
		return false;
	*out = id;
	return true;
}

/* A count member: absent is 0; else an integer >= 0. */
static bool
count_get(const json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (int64_t)json_integer_value(v);
	return true;
}

/* The flags: both absent, or both booleans. */
static bool
flags_get(const json_t *o, struct tweet *t)
{
	json_t *l = json_object_get(o, "liked");
	json_t *r = json_object_get(o, "reposted");

	if (l == NULL && r == NULL)
		return true;
	if (!json_is_boolean(l) || !json_is_boolean(r))
		return false;
	t->has_flags = true;
	t->liked = json_is_true(l);
	t->reposted = json_is_true(r);
	return true;
}

/* An id member that may be null or absent (0). */
static bool
id_or_null_get(const json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	return v == NULL || json_is_null(v) || model_get_id(o, key, out);
}

/*
 * "mentions": absent, or an array of {"userId","username"} with a good id
 * and name; kept as the compact text model_tweet_write writes again.
 */
static bool
mentions_get(const json_t *o, char **out)
{
	json_t *a = json_object_get(o, "mentions"), *m, *name, *clean;
	int64_t id;
	size_t i;

	*out = NULL;
	if (a == NULL)
		return true;
	if (!json_is_array(a) || json_array_size(a) > MODEL_MENTIONS_MAX)
		return false;
	clean = model_must(json_array());
	json_array_foreach(a, i, m) {
		name = json_object_get(m, "username");
		if (!json_is_object(m) || !model_get_id(m, "userId", &id) ||
		    !json_is_string(name) ||
		    json_string_length(name) > 32 ||
		    strlen(json_string_value(name)) !=
		    json_string_length(name)) {
			json_decref(clean);
			return false;
		}
		json_array_append_new(clean, model_must(json_pack("{s:o, s:O}",
		    "userId", model_id_json(id), "username", name)));
	}
	if ((*out = json_dumps(clean, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(clean);
	return true;
}

/* model_tweet_parse, with depth 1 for a repostOf (which may not nest). */
static bool
tweet_parse(const json_t *o, struct tweet *t, int depth)
{
	json_t *name, *content, *ts, *rep;
	size_t len;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(o) || !model_get_id(o, "tweetId", &t->id) ||
	    !model_get_id(o, "userId", &t->user_id))
		goto bad;
	name = json_object_get(o, "username");
	content = json_object_get(o, "content");
	ts = json_object_get(o, "timestamp");
	if (!json_is_string(name) || !json_is_string(content) ||
	    !json_is_string(ts))
		goto bad;
	len = json_string_length(name);
	if (len >= sizeof(t->username) ||
	    strlen(json_string_value(name)) != len)
		goto bad;
	memcpy(t->username, json_string_value(name), len + 1);
	len = json_string_length(content);
	if (strlen(json_string_value(content)) != len)
		goto bad;	/* a NUL inside: not one of ours */
	if (!time_parse_rfc3339(json_string_value(ts), &t->created_ms))
		goto bad;
	if (!id_or_null_get(o, "replyTo", &t->reply_to) ||
	    !id_or_null_get(o, "conversationId", &t->conversation_id) ||
	    !count_get(o, "replyCount", &t->reply_count) ||
	    !count_get(o, "likeCount", &t->like_count) ||
	    !count_get(o, "repostCount", &t->repost_count) ||
	    !flags_get(o, t) ||
	    !mentions_get(o, &t->mentions))
		goto bad;
	rep = json_object_get(o, "repostOf");
	if (rep != NULL && !json_is_null(rep)) {
		if (depth > 0)
			goto bad;
		t->repost_of = xcalloc(1, sizeof(*t->repost_of));
		if (!tweet_parse(rep, t->repost_of, depth + 1))
			goto bad;
	}
	t->content = xstrndup(json_string_value(content), len);
	return true;
bad:
	model_tweet_release(t);
	memset(t, 0, sizeof(*t));
	return false;
}

bool
model_tweet_parse(const json_t *o, struct tweet *t)
{
	return tweet_parse(o, t, 0);
}

void
model_tweet_release(struct tweet *t)
{
	if (t == NULL)
		return;
	free(t->content);
	t->content = NULL;
	free(t->mentions);
	t->mentions = NULL;
	if (t->repost_of != NULL) {
		model_tweet_release(t->repost_of);
		free(t->repost_of);
		t->repost_of = NULL;
	}
}

int
model_tweet_mention_ids(const struct tweet *t, int64_t *ids, int max)
{
	json_t *a, *m;
	size_t i;
	int n = 0;

	if (t->mentions == NULL)
		return 0;
	a = json_loads(t->mentions, 0, NULL);	/* json_is_array: a macro */
	if (!json_is_array(a)) {
		json_decref(a);
		return -1;
	}
	json_array_foreach(a, i, m) {
		if (n < max && !model_get_id(m, "userId", &ids[n])) {
			json_decref(a);
			return -1;
		}
		if (n < max)
			n++;
	}
	json_decref(a);
	return n;
}

json_t *
model_must(json_t *j)
{
	if (j == NULL)
		fatalx("out of memory");
	return j;
}

void
model_tweet_copy(struct tweet *dst, const struct tweet *src)
{
	*dst = *src;
	dst->content = src->content != NULL ? xstrdup(src->content) : NULL;
	dst->mentions = src->mentions != NULL ? xstrdup(src->mentions) : NULL;
	if (src->repost_of != NULL) {
		dst->repost_of = xmalloc(sizeof(*dst->repost_of));
		model_tweet_copy(dst->repost_of, src->repost_of);
	}
}
