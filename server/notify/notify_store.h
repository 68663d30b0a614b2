/*
 * notify_store.h: the notification database of chirp-notifyd (only this
 * file's .c knows SQL). Notifications are made and removed by the events
 * of the other services only (notify_store_apply), each event applied
 * exactly once: the position in its owner's log moves in the transaction
 * of the change, under that position's row lock. Every notification made
 * or removed publishes its event on CHANNEL_NOTIFY in that transaction.
 */
#ifndef CHIRP_NOTIFY_STORE_H
#define CHIRP_NOTIFY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "eventlog.h"
#include "events.h"
#include "notification.h"

enum notify_store_result {
	NOTIFY_STORE_OK,
	NOTIFY_STORE_GAP,		/* strict apply: events are missing */
	NOTIFY_STORE_UNAVAILABLE,	/* the database cannot be reached */
	NOTIFY_STORE_ERROR,		/* anything else (logged) */
};

/* The owners of the logs notifyd reads (source_state.owner). */
#define NOTIFY_OWNER_USER "user"
#define NOTIFY_OWNER_TWEET "tweet"

/* url copied; keep: notifications kept per recipient, the newest. */
struct notify_store *notify_store_new(const char *url, int keep);
void notify_store_free(struct notify_store *);
bool notify_store_healthy(struct notify_store *);

/* The seq of the last event of owner's log applied. */
enum notify_store_result notify_store_position(struct notify_store *,
    const char *owner, int64_t *seq);

/*
 * Apply evs (decoded, seqs ascending) of owner's log in one transaction:
 * those at or below the position are skipped; strict, the first newer
 * one must be the position + 1 (else NOTIFY_STORE_GAP and nothing
 * changes). *pos is the position after. A follow event whose username is
 * "" makes no notification (its follower is gone).
 *
 * floor: the caller knows every event after the stored position up to
 * floor makes nothing (notify_store_makes_nothing; 0: none known). The
 * position is taken as the greater of the two, and stored with the
 * transaction's change; with no events, floor alone is stored (when
 * ahead), which is how a position moved in memory is kept.
 */
enum notify_store_result notify_store_apply(struct notify_store *,
    const char *owner, const struct event *evs, size_t n, bool strict,
    int64_t floor, int64_t *pos);

/*
 * Whether ev makes no change here whatever the database holds: a tweet
 * event that notifies nobody (no original, no other parent's author, no
 * one else mentioned), or an event no notification comes from. Only
 * the event is read, so the answer is the same on every replay: such
 * an event needs no transaction, and the position may pass it later.
 */
bool notify_store_makes_nothing(const struct event *ev);

/* Forget accounts deleted more than 30 days ago (deleted_users). */
void notify_store_prune(struct notify_store *);

struct notify_store_page {
	struct notification *items;	/* newest first; owned */
	size_t n;
	int64_t unread;
};
/*
 * A page of recipient's notifications, newest first: older than before,
 * or the ones right after after (0: none), at most limit; with the
 * unread count.
 */
enum notify_store_result notify_store_page(struct notify_store *,
    int64_t recipient, int64_t before, int64_t after, int limit,
    struct notify_store_page *out);
void notify_store_page_release(struct notify_store_page *);

/* Mark recipient's notifications up to up_to read; *unread after. */
enum notify_store_result notify_store_read(struct notify_store *,
    int64_t recipient, int64_t up_to, int64_t *unread);

/* A page of the event log (eventlog.h). */
enum eventlog_result notify_store_events(struct notify_store *,
    int64_t after, int limit, const int64_t *authors, size_t n,
    json_t **out);

#endif
