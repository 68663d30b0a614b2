/*
 * deletion.c: the participant of account deletion (see deletion.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deletion.h"
#include "deletion_id.h"
#include "log.h"
#include "ticker.h"
#include "xmalloc.h"

struct deletion {
	struct tweet_store *store;
	struct userd_client *userd;
	struct ticker *ticker;
	int age_s;		/* a prepared transaction is in doubt after */
	int period_s;		/* between recovery passes */
};

enum tweet_store_result
deletion_prepare(struct tweet_store *store, const char *gid,
    int64_t user_id)
{
	enum tweet_store_result r = tweet_store_prepare_deletion(store, gid,
	    user_id);

	if (r == TWEET_STORE_OK)
		log_info("deletion %s: prepared", gid);
	return r;
}

enum tweet_store_result
deletion_commit(struct tweet_store *store, const char *gid)
{
	enum tweet_store_result r;
	int64_t user_id;

	if (!deletion_id_parse(gid, &user_id))
		return TWEET_STORE_NOT_FOUND;
	r = tweet_store_finish_prepared(store, gid, true);
	if (r == TWEET_STORE_NOT_FOUND) {
		/* Committed before (its tombstone is there), or never. */
		r = tweet_store_user_deleted(store, user_id);
		if (r == TWEET_STORE_OK)
			return TWEET_STORE_NOT_FOUND;
		if (r != TWEET_STORE_DELETED)
			return r;
	} else if (r != TWEET_STORE_OK)
		return r;
	else
		log_info("deletion %s: committed", gid);
	/* The delete events; recovery retries when this fails. */
	if (tweet_store_flush_outbox(store) != TWEET_STORE_OK)
		log_warnx("deletion %s: outbox not flushed, retried later",
		    gid);
	return TWEET_STORE_OK;
}

enum tweet_store_result
deletion_abort(struct tweet_store *store, const char *gid)
{
	enum tweet_store_result r;

	r = tweet_store_finish_prepared(store, gid, false);
	if (r == TWEET_STORE_OK)
		log_info("deletion %s: rolled back", gid);
	return r == TWEET_STORE_NOT_FOUND ? TWEET_STORE_OK : r;
}

/* Finish a transaction the coordinator has forgotten to finish. */
static void
recover_one(struct deletion *d, const char *gid)
{
	enum userd_result u;
	bool commit;

	/* Only the coordinator's explicit decision counts: anything else,
	 * a 404 of a wrong instance too, is asked again next pass. */
	u = userd_client_decision(d->userd, gid, &commit);
	if (u != USERD_OK) {
		log_warnx("deletion %s: no decision from userd, asked again "
		    "later", gid);
		return;
	}
	log_info("deletion %s: recovering, decision %s", gid,
	    commit ? "commit" : "abort");
	if (commit)
		(void)deletion_commit(d->store, gid);
	else
		(void)deletion_abort(d->store, gid);
}

/* One pass: the outbox, stale prepared transactions, old keys. */
static void
recover(struct deletion *d)
{
	char **gids = NULL;
	size_t n = 0, i;

	if (tweet_store_flush_outbox(d->store) != TWEET_STORE_OK)
		return;
	if (tweet_store_stale_prepared(d->store, DELETION_ID_PREFIX,
	    d->age_s, &gids, &n) == TWEET_STORE_OK) {
		for (i = 0; i < n; i++) {
			recover_one(d, gids[i]);
			free(gids[i]);
		}
		free(gids);
	}
	(void)tweet_store_purge_keys(d->store);
}

/* One recovery pass; the next in period_s. */
static int
recovery_tick(void *arg)
{
	struct deletion *d = arg;

	recover(d);
	return d->period_s * 1000;
}

struct deletion *
deletion_recovery_start(struct tweet_store *store,
    struct userd_client *userd, int age_s, int period_s)
{
	struct deletion *d = xcalloc(1, sizeof *d);

	d->store = store;
	d->userd = userd;
	d->age_s = age_s;
	d->period_s = period_s;
	if ((d->ticker = ticker_start(recovery_tick, d)) == NULL)
		fatalx("cannot start the deletion recovery thread");
	return d;
}

void
deletion_recovery_stop(struct deletion *d)
{
	if (d == NULL)
		return;
	ticker_stop(d->ticker);
	free(d);
}
