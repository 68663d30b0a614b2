/*
 * follow.c: whom the user follows, kept in the context so that views can
 * mark followed users, and the follow and unfollow actions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follow.h"
#include "http_client.h"
#include "tui.h"
#include "validate.h"
#include "xmalloc.h"

void
follow_load(struct tui *tui)
{
	struct api_error err;
	json_t *answer = NULL;
	const json_t *ids;
	char *path, *cursor = NULL;
	const char *next;
	size_t i;
	int pages;
	int64_t id;

	tui->nfollowing = 0;
	for (pages = 0; pages < 20; pages++) {
		if (cursor != NULL) {
			char *esc = http_client_escape(cursor);

			path = xasprintf("/users/%lld/followings?limit=1000"
			    "&cursor=%s", (long long)tui->cred.user_id, esc);
			free(esc);
		} else
			path = xasprintf("/users/%lld/followings?limit=1000",
			    (long long)tui->cred.user_id);
		free(cursor);
		cursor = NULL;
		if (api_call(tui->api, "GET", path, NULL, NULL, &answer,
		    &err) != API_OK) {
			free(path);
			tui_api_error(tui, "cannot read whom you follow", &err);
			return;
		}
		free(path);
		ids = json_object_get(answer, "followings");
		for (i = 0; i < json_array_size(ids); i++) {
			json_t *s = json_array_get(ids, i);

			if (!json_is_string(s) ||
			    !validate_id(json_string_value(s), &id))
				continue;
			if (tui->nfollowing == tui->capfollowing) {
				tui->capfollowing = tui->capfollowing ?
				    tui->capfollowing * 2 : 64;
				tui->following = xrealloc(tui->following,
				    tui->capfollowing * sizeof(int64_t));
			}
			tui->following[tui->nfollowing++] = id;
		}
		next = json_string_value(json_object_get(answer,
		    "nextCursor"));
		if (next != NULL)
			cursor = xstrdup(next);
		json_decref(answer);
		if (cursor == NULL)
			break;
	}
	free(cursor);
}

bool
follow_contains(const struct tui *tui, int64_t id)
{
	size_t i;

	for (i = 0; i < tui->nfollowing; i++)
		if (tui->following[i] == id)
			return true;
	return false;
}

static void
follow_set(struct tui *tui, int64_t id, bool on)
{
	size_t i;

	for (i = 0; i < tui->nfollowing; i++) {
		if (tui->following[i] == id) {
			if (!on)
				tui->following[i] =
				    tui->following[--tui->nfollowing];
			return;
		}
	}
	if (!on)
		return;
	if (tui->nfollowing == tui->capfollowing) {
		tui->capfollowing = tui->capfollowing ? tui->capfollowing * 2 :
		    64;
		tui->following = xrealloc(tui->following,
		    tui->capfollowing * sizeof(int64_t));
	}
	tui->following[tui->nfollowing++] = id;
}

void
follow_toggle(struct tui *tui, int64_t user_id, const char *username)
{
	struct api_error err;
	json_t *body, *answer = NULL;
	bool on = !follow_contains(tui, user_id);
	char *path;
	enum api_status st;

	if (user_id == tui->cred.user_id) {
		tui_error(tui, "that is you");
		return;
	}
	body = json_object();
	json_object_set_new(body, on ? "followUserId" : "unfollowUserId",
	    model_id_json(user_id));
	path = xasprintf("/users/%lld/%s", (long long)tui->cred.user_id,
	    on ? "follow" : "unfollow");
	st = api_call(tui->api, on ? "POST" : "DELETE", path, body, NULL,
	    &answer, &err);
	free(path);
	json_decref(body);
	json_decref(answer);
	if (st != API_OK) {
		tui_api_error(tui, on ? "cannot follow" : "cannot unfollow",
		    &err);
		return;
	}
	follow_set(tui, user_id, on);
	/* the home timeline gains or loses that author's tweets */
	if (tui->depth > 0 && tui->stack[0]->type->reload != NULL)
		tui->stack[0]->type->reload(tui->stack[0], tui);
	tui_message(tui, on ? "following @%s" : "unfollowed @%s", username);
}
