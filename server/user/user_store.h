/*
 * user_store.h: every SQL statement of chirp-userd (users, follow edges,
 * the deletion log). Each call runs on the calling thread's connection;
 * changes publish their event (events.h) in their own transaction.
 */
#ifndef CHIRP_USER_STORE_H
#define CHIRP_USER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventlog.h"
#include "model.h"
#include "password.h"

enum user_store_result {
	USER_STORE_OK,
	USER_STORE_NOT_FOUND,	/* the user (or the target) does not exist */
	USER_STORE_NO_ACTOR,	/* the acting user no longer exists */
	USER_STORE_CONFLICT,	/* a unique key is taken */
	USER_STORE_LIMIT,	/* the follower already follows the most */
	USER_STORE_UNAVAILABLE,	/* the database cannot be reached */
	USER_STORE_ERROR,	/* anything else (logged) */
};

/* docs/API.md: a user follows at most 5,000 others. */
#define USER_STORE_FOLLOWINGS_MAX 5000

enum user_store_list { USER_STORE_FOLLOWINGS, USER_STORE_FOLLOWERS };

/* One entry of a follow list. */
struct user_store_ref {
	int64_t id;
	char username[33];
	int64_t time_us;	/* when the follow was made */
};

/* A page of a follow list; release with user_store_page_release. */
struct user_store_page {
	struct user_store_ref *items;
	size_t n;
	bool more;		/* there is a page after this one */
};

struct user_store *user_store_new(const char *database_url);
void user_store_free(struct user_store *);
bool user_store_healthy(struct user_store *);

/* A new account; CONFLICT when the name is taken ignoring case. */
enum user_store_result user_store_create(struct user_store *,
    const char *username, const char *hash, struct user *out);
enum user_store_result user_store_get(struct user_store *, int64_t id,
    struct user *out);
/*
 * Set the display name and the bio (NULL: leave it) of user id, already
 * validated; *out gets the whole user after the change.
 */
enum user_store_result user_store_set_profile(struct user_store *,
    int64_t id, const char *display_name, const char *bio, struct user *out);
/* One event of chirp-tweetd's log, as it changes a tweetsCount. */
struct user_store_tweet_change {
	int64_t seq;		/* its position in chirp-tweetd's log */
	int64_t user_id;	/* the author */
	int delta;		/* +1 a tweet, -1 a delete, 0 nothing */
};
/* The last seq of chirp-tweetd's log applied; -1 when none yet. */
enum user_store_result user_store_tweet_position(struct user_store *,
    int64_t *pos);
/*
 * Apply n consecutive events of chirp-tweetd's log (seq ascending) in one
 * transaction, under the position's row lock: those at or below the
 * position are skipped (applied already, by this or another instance),
 * each other changes its author's tweets_count (an author gone changes
 * nothing) and the position becomes the last seq. *pos gets the position
 * after, *applied how many were applied.
 */
enum user_store_result user_store_tweet_apply(struct user_store *,
    const struct user_store_tweet_change *, size_t n, int64_t *pos,
    size_t *applied);
/* The user whose name equals username ignoring case. */
enum user_store_result user_store_get_by_name(struct user_store *,
    const char *username, struct user *out);
/* As user_store_get_by_name, with the password hash and token generation. */
enum user_store_result user_store_credentials(struct user_store *,
    const char *username, struct user *out, char hash[PASSWORD_HASH_MAX],
    int64_t *gen);
/* The user's token generation: tokens with a lower "gen" are revoked. */
enum user_store_result user_store_token_gen(struct user_store *, int64_t id,
    int64_t *gen);
/*
 * Revoke every token of the user: bump its generation (*gen gets the new
 * one) and publish {"type":"revoke","userId","gen"} in one transaction.
 */
enum user_store_result user_store_logout(struct user_store *, int64_t id,
    int64_t *gen);

/* One changed generation (gen -1: the account was deleted). */
struct user_store_revocation {
	int64_t user_id;
	int64_t gen;
	int64_t at;		/* when, seconds since the epoch */
};
/*
 * The generations changed, and accounts deleted, in the last window
 * seconds, newest first, at most max; *out is the caller's to free.
 */
enum user_store_result user_store_revocations(struct user_store *,
    int64_t window, size_t max, struct user_store_revocation **out,
    size_t *n);
/* OK when the user exists, NOT_FOUND when not. */
enum user_store_result user_store_exists(struct user_store *, int64_t id);

/*
 * Add (or remove) the edge follower -> followee; *changed says whether an
 * edge was added (removed). NO_ACTOR when the follower is gone, NOT_FOUND
 * when the followee is, LIMIT when a new edge would make the follower
 * follow more than USER_STORE_FOLLOWINGS_MAX (counted under the follower's row
 * lock, so concurrent follows cannot pass it; following again someone
 * already followed is still OK).
 */
enum user_store_result user_store_follow(struct user_store *,
    int64_t follower, int64_t followee, bool *changed);
enum user_store_result user_store_unfollow(struct user_store *,
    int64_t follower, int64_t followee, bool *changed);

/*
 * A page of limit entries of a follow list, newest first, after the
 * cursor position (after_us, after_id) when has_cursor.
 */
enum user_store_result user_store_follow_page(struct user_store *,
    enum user_store_list, int64_t id, int limit, bool has_cursor,
    int64_t after_us, int64_t after_id, struct user_store_page *out);
void user_store_page_release(struct user_store_page *);

/*
 * At most limit follow edges after (after_follower, after_followee) in
 * key order, as pairs follower, followee in *pairs (2 * n ids, the
 * caller's to free).
 */
enum user_store_result user_store_edges(struct user_store *,
    int64_t after_follower, int64_t after_followee, int limit,
    int64_t **pairs, size_t *n);
/*
 * The users named in names[0..n-1] (validated usernames), matched
 * ignoring case, as stored, into *out (time_us 0; release with
 * user_store_page_release): one statement.
 */
enum user_store_result user_store_by_names(struct user_store *,
    const char *const *names, size_t n, struct user_store_page *out);
/* Every followee id of a user; *ids is the caller's to free. */
enum user_store_result user_store_all_followings(struct user_store *,
    int64_t id, int64_t **ids, size_t *n);

/*
 * The local step of an account deletion, one transaction: delete the user
 * and its edges both ways, record gid's decision 'commit' and publish
 * user_deleted. CONFLICT when gid already has a decision (an abort).
 */
enum user_store_result user_store_delete_user(struct user_store *,
    int64_t id, const char *gid);
/*
 * The decision of gid, recording 'abort' for user_id when there is none
 * yet. decision gets "commit" or "abort".
 */
enum user_store_result user_store_decision(struct user_store *,
    const char *gid, int64_t user_id, char decision[8]);
/* The gids decided 'commit' whose commit is not yet known done. */
enum user_store_result user_store_pending(struct user_store *,
    char ***gids, size_t *n);
enum user_store_result user_store_mark_done(struct user_store *,
    const char *gid);
/*
 * Forget decisions older than 30 days that need nothing more (done, or
 * abort: a gid with no decision is answered abort anyway).
 */
enum user_store_result user_store_prune(struct user_store *);

/*
 * A page of the user database's event log after seq after, at most limit
 * events (common/eventlog.h), into *out.
 */
enum eventlog_result user_store_events(struct user_store *, int64_t after,
    int limit, json_t **out);

#endif
