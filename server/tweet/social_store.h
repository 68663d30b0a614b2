/*
 * social_store.h: likes and reposts in the tweet database (API.md
 * "Conversations"), a part of the store (tweet_store_part.h). Counts
 * (like_count, repost_count) change in the transaction of the like or
 * repost that changes them, and only when a row was inserted or deleted,
 * so they stay exact under any number of concurrent callers.
 */
#ifndef CHIRP_SOCIAL_STORE_H
#define CHIRP_SOCIAL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "db.h"
#include "model.h"
#include "tweet_store.h"

/* The part's statements, prepared with the store's ({NULL, NULL} ends). */
extern const struct db_statement social_store_statements[];

/*
 * user_id (named username, as the token says) likes (like true) or
 * unlikes tweet id; a repost's original is the one liked. *out is that
 * tweet with its counts after (release with model_tweet_release; no
 * flags). A like or unlike event is published only when something
 * changed. NOT_FOUND: no such tweet; DELETED / BUSY as tweet_store_post.
 */
enum tweet_store_result social_store_like(struct tweet_store *,
    int64_t id, int64_t user_id, const char *username, bool like,
    struct tweet *out);

/* A liker of a page of GET /tweets/{id}/likes. */
struct social_liker {
	int64_t id;
	char username[33];
	int64_t time_us;	/* when the like was made (the cursor) */
};
struct social_likers {
	struct social_liker *items;
	size_t n;
	bool more;		/* a further page exists */
};
/*
 * A page of the likers of tweet id (a repost's: its original's), newest
 * first, limit of them after the position (after_us, after_id) when
 * has_cursor. NOT_FOUND when there is no such tweet. Release with
 * social_store_likers_release.
 */
enum tweet_store_result social_store_likers(struct tweet_store *,
    int64_t id, int limit, bool has_cursor, int64_t after_us,
    int64_t after_id, struct social_likers *out);
void social_store_likers_release(struct social_likers *);

/*
 * user_id (username) reposts tweet id (a repost's original): OK with the
 * new repost, or REPLAY with the one user_id made before; *out is the
 * repost with its original (release with model_tweet_release).
 * NOT_FOUND, DELETED, BUSY as social_store_like.
 */
enum tweet_store_result social_store_repost(struct tweet_store *,
    int64_t id, int64_t user_id, const char *username, struct tweet *out);
/*
 * Remove user_id's repost of tweet id (the original's id or any
 * repost's): OK also when there was none; NOT_FOUND when there is no
 * tweet id.
 */
enum tweet_store_result social_store_unrepost(struct tweet_store *,
    int64_t id, int64_t user_id);

/*
 * Hooks of tweet_store.c, in its transactions on conn. Before a delete
 * of tweet tid by uid (decimal text): a repost's original loses one
 * repost (*repost set), an original's reposts go everywhere (a delete
 * event each). 0, or -1 with *res set.
 */
int social_store_unposting(struct tweet_store *, PGconn *conn,
    const char *tid, const char *uid, bool *repost,
    enum tweet_store_result *res);
/*
 * In phase one of an account deletion, before its tweets go: the user's
 * likes (the counts drop), the user's reposts (the originals' counts
 * drop) and the reposts others made of the user's tweets, a delete event
 * for each repost in the outbox (a prepared transaction cannot notify).
 */
int social_store_deleting_account(struct tweet_store *, PGconn *conn,
    const char *uid, int64_t user_id, enum tweet_store_result *res);

#endif
