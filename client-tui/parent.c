/* parent.c: the authors of replies' parents (see parent.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parent.h"
#include "tui.h"
#include "xmalloc.h"

struct parent_entry {
	int64_t id;
	enum parent_state state;
	char name[33];
};

/* A ring: a new id takes the place of the oldest one. */
struct parent_cache {
	struct parent_entry e[PARENT_CACHE_MAX];
	size_t n;
	size_t next;
};

struct parent_cache *
parent_cache_new(void)
{
	return xcalloc(1, sizeof(struct parent_cache));
}

void
parent_cache_free(struct parent_cache *c)
{
	free(c);
}

static struct parent_entry *
parent_find(struct parent_cache *c, int64_t id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].id == id)
			return &c->e[i];
	return NULL;
}

static struct parent_entry *
parent_add(struct parent_cache *c, int64_t id)
{
	struct parent_entry *e = &c->e[c->next];

	c->next = (c->next + 1) % PARENT_CACHE_MAX;
	if (c->n < PARENT_CACHE_MAX)
		c->n++;
	memset(e, 0, sizeof(*e));
	e->id = id;
	return e;
}

enum parent_state
parent_lookup(struct tui *tui, int64_t id, const char **name)
{
	struct parent_cache *c = tui->parents;
	struct parent_entry *e;
	const struct tweet *t;

	*name = NULL;
	if (c == NULL)
		return PARENT_FAILED;
	e = parent_find(c, id);
	if (e == NULL) {
		e = parent_add(c, id);
		t = tui_find_tweet(tui, id);
		if (t != NULL) {
			snprintf(e->name, sizeof(e->name), "%s", t->username);
			e->state = PARENT_KNOWN;
		}
	}
	if (e->state == PARENT_KNOWN)
		*name = e->name;
	return e->state;
}

bool
parent_poll(struct tui *tui)
{
	struct parent_cache *c = tui->parents;
	struct api_error err;
	json_t *answer;
	struct tweet t;
	enum api_status st;
	size_t i;
	int done = 0;

	if (c == NULL || tui->quick_api == NULL || !tui->logged_in)
		return false;
	for (i = 0; i < c->n && done < PARENT_POLL_MAX; i++) {
		struct parent_entry *e = &c->e[i];

		if (e->state != PARENT_UNKNOWN)
			continue;
		done++;
		answer = NULL;
		st = api_get_tweet(tui->quick_api, e->id, &answer, &err);
		if (st == API_OK && model_tweet_parse(answer, &t)) {
			snprintf(e->name, sizeof(e->name), "%s", t.username);
			e->state = PARENT_KNOWN;
			model_tweet_release(&t);
		} else if (st == API_NOT_FOUND) {
			e->state = PARENT_GONE;
		} else {
			e->state = PARENT_FAILED;
		}
		json_decref(answer);
	}
	return done > 0;
}

void
parent_forget(struct tui *tui, int64_t id)
{
	struct parent_entry *e;

	if (tui->parents == NULL)
		return;
	e = parent_find(tui->parents, id);
	if (e != NULL)
		e->state = PARENT_GONE;
}
