/*
 * tweet_store.h: every SQL statement of chirp-tweetd. Tweets, timelines,
 * idempotency keys, the account-deletion tombstones, the prepared
 * transactions of the deletion protocol and the outbox. Events are
 * published in the transaction of the change they announce.
 */
#ifndef CHIRP_TWEET_STORE_H
#define CHIRP_TWEET_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventlog.h"
#include "events.h"
#include "model.h"

enum tweet_store_result {
	TWEET_STORE_OK,
	TWEET_STORE_NOT_FOUND,	/* no such tweet / prepared transaction */
	TWEET_STORE_FORBIDDEN,	/* the tweet belongs to someone else */
	TWEET_STORE_DELETED,	/* the user's account was deleted */
	TWEET_STORE_REPLAY,	/* an idempotent repeat: the first answer */
	TWEET_STORE_BUSY,	/* the user's account is being deleted */
	TWEET_STORE_UNAVAILABLE, /* the database cannot be reached */
	TWEET_STORE_ERROR,	/* anything else (logged) */
};

/* A page of a timeline, newest first. */
struct tweet_store_page {
	struct tweet *items;
	size_t n;
};
void tweet_store_page_release(struct tweet_store_page *);

/* url borrowed only for the call. */
struct tweet_store *tweet_store_new(const char *url);
void tweet_store_free(struct tweet_store *);
bool tweet_store_healthy(struct tweet_store *);

/*
 * Post a tweet; key (the Idempotency-Key, may be NULL) is claimed in the
 * same transaction. *response is the tweet's JSON text (caller frees): the
 * new one (OK) or the one of the first request (REPLAY). DELETED when the
 * user's account was deleted, BUSY while its deletion is under way.
 * content holds no NUL (validate_content). reply_to (0: none) names the
 * parent, whose reply_count grows in the same transaction; NOT_FOUND when
 * there is no such tweet. mentions is the JSON text of model.h's
 * struct tweet (NULL: none), stored as it is.
 */
enum tweet_store_result tweet_store_post(struct tweet_store *, int64_t user_id,
    const char *username, const char *content, int64_t reply_to,
    const char *mentions, const char *key, char **response);

/* One tweet; release it with model_tweet_release. */
enum tweet_store_result tweet_store_get(struct tweet_store *, int64_t id,
    struct tweet *out);

/*
 * The tweets of ids[0..n-1] that exist, in that order, each once, into
 * *out (release it with tweet_store_page_release).
 */
enum tweet_store_result tweet_store_get_many(struct tweet_store *,
    const int64_t *ids, size_t n, struct tweet_store_page *out);

/* The most ids of one GET /internal/tweets. */
#define TWEET_STORE_INTERNAL_IDS_MAX 100

/* The most ancestors a thread shows: the nearest to the parent. */
#define TWEET_STORE_ANCESTORS_MAX 100

/* A thread (GET /tweets/{id}/thread); tweet_store_thread_release. */
struct tweet_store_thread {
	struct tweet **ancestors; /* first tweet down to the parent; NULL:
				   * a deleted one */
	size_t nancestors;
	struct tweet tweet;
	struct tweet_store_page replies; /* direct replies, oldest first */
	bool more;		/* replies after this page */
};
/*
 * Tweet id's thread: its ancestors (at most TWEET_STORE_ANCESTORS_MAX,
 * the nearest), and a page of limit direct replies with ids above after
 * (0: from the first). NOT_FOUND when there is no tweet id.
 */
enum tweet_store_result tweet_store_thread(struct tweet_store *, int64_t id,
    int64_t after, int limit, struct tweet_store_thread *out);
void tweet_store_thread_release(struct tweet_store_thread *);

/*
 * The flags of viewer (liked, reposted) into items[0..n-1] (NULL ones
 * skipped), and into their originals: one statement for them all. A
 * repost's flags are its original's.
 */
enum tweet_store_result tweet_store_flags(struct tweet_store *,
    int64_t viewer, struct tweet **items, size_t n);
/* The same for every tweet of a page. */
enum tweet_store_result tweet_store_page_flags(struct tweet_store *,
    int64_t viewer, struct tweet_store_page *page);

/* Delete a tweet of user_id: OK, NOT_FOUND or FORBIDDEN. */
enum tweet_store_result tweet_store_delete(struct tweet_store *, int64_t id,
    int64_t user_id);

/*
 * A page of the tweets of the authors uids[0..n-1], newest first: older
 * than before, or the ones immediately newer than after (0 for none).
 */
enum tweet_store_result tweet_store_timeline(struct tweet_store *,
    const int64_t *uids, size_t n, int64_t before, int64_t after,
    int limit, struct tweet_store_page *out);
/* The same page for one author (a user timeline): one index range scan;
 * with viewer's flags in the same statement unless viewer is 0. */
enum tweet_store_result tweet_store_user_timeline(struct tweet_store *,
    int64_t user_id, int64_t viewer, int64_t before, int64_t after,
    int limit, struct tweet_store_page *out);

/* TWEET_STORE_DELETED when user_id has a tombstone, else TWEET_STORE_OK. */
enum tweet_store_result tweet_store_user_deleted(struct tweet_store *,
    int64_t user_id);

/*
 * Phase one of an account deletion: tombstone, delete the user's tweets
 * and keys, one outbox event per tweet, PREPARE TRANSACTION gid. OK also
 * when gid is already prepared or the deletion is already committed.
 * gid must be a validated identifier (deletion.c).
 */
enum tweet_store_result tweet_store_prepare_deletion(struct tweet_store *,
    const char *gid, int64_t user_id);
/*
 * COMMIT PREPARED (commit) or ROLLBACK PREPARED gid. NOT_FOUND when gid
 * is not prepared (the caller decides whether that means done).
 */
enum tweet_store_result tweet_store_finish_prepared(struct tweet_store *,
    const char *gid, bool commit);
/* Wake the publisher for what the outbox holds (publisher.h). */
enum tweet_store_result tweet_store_flush_outbox(struct tweet_store *);
/*
 * The gids of this database's prepared transactions starting with prefix,
 * prepared more than age_s seconds ago. *gids (each and the array) belongs
 * to the caller.
 */
enum tweet_store_result tweet_store_stale_prepared(struct tweet_store *,
    const char *prefix, int age_s, char ***gids, size_t *n);
/* Forget idempotency keys older than 24 hours. */
enum tweet_store_result tweet_store_purge_keys(struct tweet_store *);

/*
 * A page of the tweet database's event log after seq after, at most
 * limit events, of every author or, when authors is not NULL, only of
 * those n as a feed (common/eventlog.h), into *out.
 */
enum eventlog_result tweet_store_events(struct tweet_store *, int64_t after,
    int limit, const int64_t *authors, size_t n, json_t **out);

/*
 * The home timeline's feed (sql/tweet/0003_feed.sql, server/tweet/feed.h).
 */
#define TWEET_STORE_FEED_CAP 400

/* Rows kept per reader, and the followers that make an author popular
 * (not fanned out, merged at read). Before any other call. */
void tweet_store_feed_config(struct tweet_store *, int cap,
    int64_t popular);

/*
 * Apply one event of chirp-userd (with its seq) to the replica of the
 * follow graph and the feeds, exactly once: OK when applied now or
 * before (*pos >= ev->seq), NOT_FOUND when it does not follow the
 * replica's position *pos (a gap; -1: never filled).
 */
enum tweet_store_result tweet_store_replica_apply(struct tweet_store *,
    const struct event *ev, int64_t *pos);

/* A page of edges after (follower, followee): 2 * *n ids, follower then
 * followee, in *pairs (malloc'd, the store frees it); 0 or -1. */
typedef int tweet_store_edges_fn(void *arg, int64_t after_follower,
    int64_t after_followee, int64_t **pairs, size_t *n);
/*
 * Fill the replica afresh from fetch, at chirp-userd's position seq, if
 * its position is still expect (-1: never filled); all in one
 * transaction. Every feed is dropped (rebuilt on first read).
 */
enum tweet_store_result tweet_store_replica_bootstrap(struct tweet_store *,
    int64_t expect, int64_t seq, tweet_store_edges_fn *fetch, void *arg);

struct tweet_store_feed_state {
	int64_t user_seq;	/* the replica's position; -1: never filled */
	bool kept;		/* the reader's feed is kept */
	bool built;		/* ... and built: horizon holds */
	int64_t horizon;	/* the feed is complete at and above it */
	bool stale;		/* seen more than an hour ago (now renewed) */
};
enum tweet_store_result tweet_store_feed_state(struct tweet_store *,
    int64_t reader, struct tweet_store_feed_state *);
/*
 * A first page (before, or 0: the newest) in one round trip where it
 * can: the state of tweet_store_feed_state into st and, when the feed
 * answers now (built, the replica at or past known >= 0, the page above
 * the horizon), the page of tweet_store_feed_page into out, *answered
 * true. Else *answered is false and the caller goes on from st.
 */
enum tweet_store_result tweet_store_feed_first(struct tweet_store *,
    int64_t reader, int64_t known, int64_t before, int limit,
    struct tweet_store_feed_state *st, struct tweet_store_page *out,
    bool *answered);
/* Build the reader's feed (registering it first unless kept). */
enum tweet_store_result tweet_store_feed_build(struct tweet_store *,
    int64_t reader, bool kept);
/*
 * A page of the reader's home timeline: from the feed where it is
 * complete (at or above horizon), else from the authors' timelines; with
 * the reader's flags, in the same statement.
 */
enum tweet_store_result tweet_store_feed_page(struct tweet_store *,
    int64_t reader, int64_t horizon, int64_t before, int64_t after,
    int limit, struct tweet_store_page *out);
/* Drop the feeds of at most batch readers unseen for days; *pruned is
 * the number of rows deleted. */
enum tweet_store_result tweet_store_feed_prune(struct tweet_store *,
    int days, int batch, int *pruned);

#endif
