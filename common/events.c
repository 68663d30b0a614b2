/*
 * events.c: the encoder and decoder of the events of events.h. The
 * decoder goes through jansson, so a decoded field always passed the same
 * checks as the API's own input; the encoder too, but for the event of a
 * tweet, the one of every post, which it writes straight (jsonw.h) as the
 * same well-formed bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "events.h"
#include "log.h"
#include "validate.h"

/* The "type" of each enum event_type, by value. */
static const char *const events_names[] = {
	[EVENT_FOLLOW] = "follow",
	[EVENT_UNFOLLOW] = "unfollow",
	[EVENT_USER_DELETED] = "user_deleted",
	[EVENT_REVOKE] = "revoke",
	[EVENT_TWEET] = "tweet",
	[EVENT_DELETE] = "delete",
	[EVENT_LIKE] = "like",
	[EVENT_UNLIKE] = "unlike",
	[EVENT_NOTIFICATION] = "notification",
	[EVENT_NOTIFICATION_DELETE] = "notification_delete",
};
#define EVENTS_N (sizeof(events_names) / sizeof(events_names[0]))

char *
events_encode(const struct event *ev)
{
	const char *type = events_names[ev->type];
	struct jsonw w;
	char seq[32];
	json_t *j = NULL;
	char *s;

	if (ev->type == EVENT_TWEET) {
		/* The event of every post, written straight (jsonw.h): the
		 * same bytes as the jansson path below would write. */
		jsonw_init(&w);
		jsonw_lit(&w, "{\"type\":\"tweet\",\"tweet\":");
		model_tweet_write(&w, &ev->tweet);
		if (ev->parent_user_id > 0) {
			jsonw_lit(&w, ",\"replyToUserId\":");
			jsonw_id(&w, ev->parent_user_id);
		}
		if (ev->seq > 0) {
			snprintf(seq, sizeof(seq), ",\"seq\":%" PRId64,
			    ev->seq);
			jsonw_raw(&w, seq, strlen(seq));
		}
		jsonw_lit(&w, "}");
		return jsonw_take(&w, NULL);
	}
	switch (ev->type) {
	case EVENT_FOLLOW:
	case EVENT_UNFOLLOW:
		j = json_pack("{s:s, s:o, s:o}", "type", type, "userId",
		    model_id_json(ev->user_id), "targetId",
		    model_id_json(ev->target_id));
		if (j != NULL && ev->type == EVENT_FOLLOW &&
		    ev->username[0] != '\0')
			json_object_set_new(j, "username",
			    json_string(ev->username));
		break;
	case EVENT_USER_DELETED:
		j = json_pack("{s:s, s:o}", "type", type, "userId",
		    model_id_json(ev->user_id));
		break;
	case EVENT_REVOKE:
		j = json_pack("{s:s, s:o, s:I}", "type", type, "userId",
		    model_id_json(ev->user_id), "gen", (json_int_t)ev->gen);
		break;
	case EVENT_TWEET:
		break;		/* written above */
	case EVENT_DELETE:
		j = json_pack("{s:s, s:o, s:o}", "type", type, "tweetId",
		    model_id_json(ev->tweet_id), "userId",
		    model_id_json(ev->user_id));
		if (j != NULL && ev->repost)
			json_object_set_new(j, "repost", json_true());
		break;
	case EVENT_LIKE:
		j = json_pack("{s:s, s:o, s:s, s:o}", "type", type, "userId",
		    model_id_json(ev->user_id), "username", ev->username,
		    "tweet", model_tweet_json(&ev->tweet));
		break;
	case EVENT_UNLIKE:
		j = json_pack("{s:s, s:o, s:o}", "type", type, "userId",
		    model_id_json(ev->user_id), "tweetId",
		    model_id_json(ev->tweet_id));
		break;
	case EVENT_NOTIFICATION:
		j = json_pack("{s:s, s:o, s:o}", "type", type, "userId",
		    model_id_json(ev->user_id), "notification",
		    json_loads(ev->notification, JSON_REJECT_DUPLICATES, NULL));
		break;
	case EVENT_NOTIFICATION_DELETE:
		j = json_pack("{s:s, s:o, s:o}", "type", type, "userId",
		    model_id_json(ev->user_id), "notificationId",
		    model_id_json(ev->notification_id));
		break;
	}
	if (j != NULL && ev->seq > 0 &&
	    json_object_set_new(j, "seq", json_integer(ev->seq)) != 0)
		fatalx("out of memory");
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(j);
	return s;
}

/*
 * The "username" member of o into out: a name of validate_username's
 * form; absent is "" unless required.
 */
static bool
username_get(const json_t *o, bool required, char out[33])
{
	json_t *v = json_object_get(o, "username");
	const char *s = json_string_value(v);

	out[0] = '\0';
	if (v == NULL)
		return !required;
	if (s == NULL || strlen(s) != json_string_length(v) ||
	    !validate_username(s, strlen(s)))
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

/* The type named by the "type" member of o; 0 when none is. */
static enum event_type
events_type(const json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "type"));
	size_t i;

	for (i = 1; name != NULL && i < EVENTS_N; i++)
		if (strcmp(events_names[i], name) == 0)
			return (enum event_type)i;
	return 0;
}

int
events_decode(const char *payload, struct event *ev)
{
	json_t *o = json_loads(payload, JSON_REJECT_DUPLICATES, NULL), *gen;
	json_t *seq, *v;
	bool ok = false;

	memset(ev, 0, sizeof(*ev));
	if (!json_is_object(o))
		goto out;
	if ((seq = json_object_get(o, "seq")) != NULL) {
		if (!json_is_integer(seq) || json_integer_value(seq) < 1)
			goto out;
		ev->seq = (int64_t)json_integer_value(seq);
	}
	switch ((ev->type = events_type(o))) {
	case EVENT_FOLLOW:
	case EVENT_UNFOLLOW:
		ok = model_get_id(o, "userId", &ev->user_id) &&
		    model_get_id(o, "targetId", &ev->target_id) &&
		    username_get(o, false, ev->username);
		break;
	case EVENT_USER_DELETED:
		ok = model_get_id(o, "userId", &ev->user_id);
		break;
	case EVENT_REVOKE:
		gen = json_object_get(o, "gen");
		ok = model_get_id(o, "userId", &ev->user_id) &&
		    json_is_integer(gen) && json_integer_value(gen) >= 0;
		ev->gen = ok ? (int64_t)json_integer_value(gen) : 0;
		break;
	case EVENT_TWEET:
		ok = model_tweet_parse(json_object_get(o, "tweet"),
		    &ev->tweet) && (json_object_get(o, "replyToUserId") ==
		    NULL || model_get_id(o, "replyToUserId",
		    &ev->parent_user_id));
		ev->tweet_id = ev->tweet.id;
		ev->user_id = ev->tweet.user_id;
		break;
	case EVENT_DELETE:
		v = json_object_get(o, "repost");
		ok = model_get_id(o, "tweetId", &ev->tweet_id) &&
		    model_get_id(o, "userId", &ev->user_id) &&
		    (v == NULL || json_is_boolean(v));
		ev->repost = json_is_true(v);
		break;
	case EVENT_LIKE:
		ok = model_get_id(o, "userId", &ev->user_id) &&
		    username_get(o, true, ev->username) &&
		    model_tweet_parse(json_object_get(o, "tweet"),
		    &ev->tweet);
		ev->tweet_id = ev->tweet.id;
		break;
	case EVENT_UNLIKE:
		ok = model_get_id(o, "userId", &ev->user_id) &&
		    model_get_id(o, "tweetId", &ev->tweet_id);
		break;
	case EVENT_NOTIFICATION:
		v = json_object_get(o, "notification");
		ok = model_get_id(o, "userId", &ev->user_id) &&
		    json_is_object(v) && model_get_id(v, "notificationId",
		    &ev->notification_id);
		if (ok && (ev->notification = json_dumps(v, JSON_COMPACT)) ==
		    NULL)
			fatalx("out of memory");
		break;
	case EVENT_NOTIFICATION_DELETE:
		ok = model_get_id(o, "userId", &ev->user_id) &&
		    model_get_id(o, "notificationId", &ev->notification_id);
		break;
	}
out:
	json_decref(o);
	if (!ok) {
		events_release(ev);
		memset(ev, 0, sizeof(*ev));
	}
	return ok ? 0 : -1;
}

int64_t
events_author(const char *payload)
{
	struct event ev;
	int64_t author;

	if (events_decode(payload, &ev) != 0)
		return -1;
	author = ev.user_id;
	events_release(&ev);
	return author;
}

/*
 * The publisher writes "seq" last: ',"seq":N}' at the very end of the
 * text can only be that member of the top-level object (anything nested,
 * or inside a string, would close after it). Else the whole payload is
 * parsed (about 60,000 instructions for a tweet's event).
 */
int64_t
events_seq(const char *payload)
{
	static const char key[] = "\"seq\":";
	const size_t klen = sizeof(key) - 1;
	size_t len = strlen(payload), end, start;
	json_t *o, *v;
	int64_t seq = 0;

	if (len > 0 && payload[len - 1] == '}') {
		end = len - 1;
		for (start = end; start > 0 && payload[start - 1] >= '0' &&
		    payload[start - 1] <= '9'; start--)
			;
		if (start < end && end - start <= 18 && payload[start] != '0' &&
		    start > klen && memcmp(payload + start - klen, key,
		    klen) == 0 && (payload[start - klen - 1] == ',' ||
		    payload[start - klen - 1] == '{')) {
			for (; start < end; start++)
				seq = seq * 10 + (payload[start] - '0');
			return seq;
		}
	}
	if (strstr(payload, "\"seq\"") == NULL)
		return 0;
	o = json_loads(payload, 0, NULL);
	v = json_object_get(o, "seq");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		seq = (int64_t)json_integer_value(v);
	json_decref(o);
	return seq;
}

void
events_release(struct event *ev)
{
	if (ev == NULL)
		return;
	model_tweet_release(&ev->tweet);
	free(ev->notification);
	ev->notification = NULL;
}
