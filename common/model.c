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
	return o;
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
	jsonw_lit(w, "\"}");
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

bool
model_tweet_parse(const json_t *o, struct tweet *t)
{
	json_t *name, *content, *ts;
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
	t->content = xstrndup(json_string_value(content), len);
	return true;
bad:
	memset(t, 0, sizeof(*t));
	return false;
}

void
model_tweet_release(struct tweet *t)
{
	if (t == NULL)
		return;
	free(t->content);
	t->content = NULL;
}

json_t *
model_must(json_t *j)
{
	if (j == NULL)
		fatalx("out of memory");
	return j;
}
