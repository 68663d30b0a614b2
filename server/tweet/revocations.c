/*
 * revocations.c: revoked tokens in chirp-tweetd (revocations.h). Until the
 * first list has come from chirp-userd, tokens are judged by the events
 * alone and the list is asked for again at most every RETRY_S seconds by
 * the request that finds it missing.
 */
#include <stdatomic.h>
#include <time.h>

#include "events.h"
#include "followings.h"
#include "log.h"
#include "revocations.h"
#include "revoke.h"
#include "tweetd.h"
#include "userd_client.h"

#define RETRY_S 2

static _Atomic int64_t revocations_last_try;

static void
revocations_on_event(const char *channel, const char *payload, void *arg)
{
	struct tweetd *td = arg;
	struct event ev;

	(void)channel;
	if (events_decode(payload, &ev) != 0) {
		log_warnx("revocations: an event that is not one of events.h");
		return;
	}
	revoke_on_event(td->revoke, &ev, (int64_t)time(NULL));
	events_release(&ev);
}

/* Events may have been missed while the bus was away. */
static void
revocations_on_reconnect(void *arg)
{
	(void)revocations_reload(arg);
}

void
revocations_init(struct tweetd *td)
{
	td->revoke = revoke_new(REVOKE_MAX_DEFAULT);
	followings_also(td->followings, revocations_on_event,
	    revocations_on_reconnect, td);
}

void
revocations_free(struct tweetd *td)
{
	revoke_free(td->revoke);
	td->revoke = NULL;
}

int
revocations_reload(struct tweetd *td)
{
	json_t *doc = NULL;
	int ret = -1;

	revocations_last_try = (int64_t)time(NULL);
	if (userd_client_revocations(td->userd, &doc) != USERD_OK)
		goto out;
	if (revoke_load_json(td->revoke, doc, (int64_t)time(NULL)) == -1) {
		log_warnx("revocations: userd's list is malformed");
		goto out;
	}
	log_info("revocations: list loaded (%zu held)",
	    revoke_count(td->revoke));
	ret = 0;
out:
	json_decref(doc);
	return ret;
}

bool
revocations_token_valid(struct tweetd *td, const struct token_claims *c)
{
	if (!revoke_loaded(td->revoke) &&
	    (int64_t)time(NULL) - revocations_last_try >= RETRY_S)
		(void)revocations_reload(td);
	return revoke_token_valid(td->revoke, c);
}
