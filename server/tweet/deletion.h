/*
 * deletion.h: chirp-tweetd's side of account deletion, a two-phase commit
 * that chirp-userd coordinates (server/user/deletion.h). Phase one deletes
 * the user's tweets in a transaction PREPAREd under the coordinator's gid
 * (common/deletion_id.h); phase two commits or rolls it back. The
 * delete events of the tweets wait in the outbox until the commit, since
 * a prepared transaction may not NOTIFY.
 *
 * A recovery thread, at start and every 10 s, publishes what the outbox
 * holds and asks the coordinator about every transaction prepared more
 * than 30 s ago, then finishes it as decided.
 */
#ifndef CHIRP_DELETION_H
#define CHIRP_DELETION_H

#include <stdint.h>

#include "tweet_store.h"
#include "userd_client.h"

/* Phase one for user_id; OK also for a repeat. */
enum tweet_store_result deletion_prepare(struct tweet_store *, const char *gid,
    int64_t user_id);
/* Phase two. OK also when already committed; NOT_FOUND when it never
 * was prepared (or was rolled back). */
enum tweet_store_result deletion_commit(struct tweet_store *, const char *gid);
/* Undo phase one; OK also when there is nothing to undo. */
enum tweet_store_result deletion_abort(struct tweet_store *, const char *gid);

/*
 * The recovery thread (store and userd borrowed); fatal on failure. Every
 * period_s it flushes the outbox and asks userd about transactions
 * prepared more than age_s ago.
 */
struct deletion *deletion_recovery_start(struct tweet_store *,
    struct userd_client *, int age_s, int period_s);
void deletion_recovery_stop(struct deletion *);

#endif
