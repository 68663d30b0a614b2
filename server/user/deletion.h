/*
 * deletion.h: account deletion across both databases, a two-phase commit
 * that chirp-userd coordinates and chirp-tweetd takes part in.
 *
 *   1. POST {tweet_url}/internal/deletions {"gid","userId"}: tweetd deletes
 *      the tweets and PREPAREs TRANSACTION gid.
 *   2. One local transaction deletes the user and its edges, records the
 *      decision 'commit' for gid in deletion_log and publishes
 *      user_deleted: once committed, the deletion will complete.
 *   3. POST {tweet_url}/internal/deletions/{gid}/commit, then mark done.
 *
 * A failure before 2 aborts (POST .../abort). A background thread retries
 * step 3 for every decision not yet done, at start and every 10 s.
 * tweetd asks GET /internal/deletions/{gid} about a prepared transaction
 * it has held too long; a gid with no decision is then recorded 'abort',
 * so a late step 2 fails on the key and aborts too.
 */
#ifndef CHIRP_DELETION_H
#define CHIRP_DELETION_H

#include <stdint.h>

struct userd;

enum deletion_result {
	DELETION_OK,		/* deleted (tweets at once or by recovery) */
	DELETION_NOT_FOUND,	/* no such user */
	DELETION_UNAVAILABLE,	/* a database or tweetd cannot be reached */
	DELETION_ERROR,		/* anything else (logged) */
};

/* Delete the account of user_id in both databases, all or nothing. */
enum deletion_result deletion_run(struct userd *, int64_t user_id);

/* The recovery thread; NULL on failure (logged). */
struct deletion *deletion_start(struct userd *);
void deletion_stop(struct deletion *);

#endif
