/*
 * revocations.c: revoked tokens in chirp-notifyd (revocations.h). Until
 * the first list has come from chirp-userd, tokens are judged by the
 * events alone and the list is asked for again at most every RETRY_S
 * seconds by the request that finds it missing.
 */
#include <stdatomic.h>
#include <time.h>

#include "log.h"
#include "notifyd.h"
#include "revocations.h"
#include "revoke.h"
#include "svc_client.h"

#define RETRY_S 2

static _Atomic int64_t revocations_last_try;

void
revocations_init(struct notifyd *nd)
{
	nd->revoke = revoke_new(REVOKE_MAX_DEFAULT);
}

void
revocations_free(struct notifyd *nd)
{
	revoke_free(nd->revoke);
	nd->revoke = NULL;
}

int
revocations_reload(struct notifyd *nd)
{
	json_t *doc = NULL;
	int ret = -1;

	revocations_last_try = (int64_t)time(NULL);
	if (svc_client_get(nd->userd, "/internal/revocations", false, &doc) !=
	    SVC_CLIENT_OK)
		goto out;
	if (revoke_load_json(nd->revoke, doc, (int64_t)time(NULL)) == -1) {
		log_warnx("revocations: userd's list is malformed");
		goto out;
	}
	log_info("revocations: list loaded (%zu held)",
	    revoke_count(nd->revoke));
	ret = 0;
out:
	json_decref(doc);
	return ret;
}

void
revocations_on_event(const struct event *ev, void *arg)
{
	struct notifyd *nd = arg;

	revoke_on_event(nd->revoke, ev, (int64_t)time(NULL));
}

void
revocations_on_reconnect(void *arg)
{
	(void)revocations_reload(arg);
}

bool
revocations_token_valid(struct notifyd *nd, const struct token_claims *c)
{
	if (!revoke_loaded(nd->revoke) &&
	    (int64_t)time(NULL) - revocations_last_try >= RETRY_S)
		(void)revocations_reload(nd);
	return revoke_token_valid(nd->revoke, c);
}
