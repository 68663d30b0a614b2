/*
 * parent.h: the authors of the tweets that replies answer, for their
 * "replying to @user" line. A reply carries only its parent's id: the
 * author comes from a tweet already loaded in a view, else from one
 * GET /tweets/{id}, cached. Lookups wait for parent_poll, a few per turn
 * of the loop with a short timeout, so drawing never waits on the network.
 */
#ifndef CHIRP_TUI_PARENT_H
#define CHIRP_TUI_PARENT_H

#include <stdint.h>

#define PARENT_CACHE_MAX 512	/* remembered parents; the oldest go */
#define PARENT_POLL_MAX 4	/* lookups per turn of the loop */
#define PARENT_TIMEOUT_MS 2000

struct tui;

enum parent_state {
	PARENT_UNKNOWN,		/* asked for, not looked up yet */
	PARENT_KNOWN,		/* name holds the author */
	PARENT_GONE,		/* deleted (404) */
	PARENT_FAILED,		/* the lookup failed; not asked again */
};

struct parent_cache;

struct parent_cache *parent_cache_new(void);
void parent_cache_free(struct parent_cache *);

/*
 * The state of tweet id's author, its username in *name (borrowed, valid
 * until the next parent_* call) when PARENT_KNOWN. An unknown id is
 * queued for parent_poll.
 */
enum parent_state parent_lookup(struct tui *, int64_t id, const char **name);
/* Look up a few queued ids; true when one was resolved (redraw). */
bool parent_poll(struct tui *);
/* A tweet was deleted: its replies now answer a missing tweet. */
void parent_forget(struct tui *, int64_t id);

#endif
