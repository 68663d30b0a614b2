/*
 * revocations.c: the gateway's load of the revoked-token list from a user
 * service instance, as an upstream request in the gateway's own loop.
 * One load at a time; a failed one is retried every RETRY_MS.
 */
#include <libwebsockets.h>
#include <stdlib.h>
#include <time.h>

#include "gateway.h"
#include "log.h"
#include "pool.h"
#include "revocations.h"
#include "revoke.h"
#include "upstream.h"
#include "xmalloc.h"

#define RETRY_MS 1000

struct revocations {
	struct gateway *gw;
	lws_sorted_usec_list_t retry;
	struct upstream *up;	/* the load under way, or NULL */
	bool again;		/* reload once this one is done */
};

static void revocations_load(struct revocations *);

static void
revocations_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct revocations *rs = lws_container_of(sul, struct revocations,
	    retry);

	revocations_load(rs);
}

static void
revocations_retry_later(struct revocations *rs)
{
	lws_sul_schedule(rs->gw->ctx, 0, &rs->retry, revocations_retry_cb,
	    (lws_usec_t)RETRY_MS * LWS_US_PER_MS);
}

static void
revocations_done(const struct upstream_result *r, void *arg)
{
	struct revocations *rs = arg;

	rs->up = NULL;
	if (rs->gw->stopping)
		return;
	if (r->error != UPSTREAM_OK || r->status != 200) {
		log_warnx("revocations: no list from the user service "
		    "(status %d); retrying", r->error == UPSTREAM_OK ?
		    r->status : 0);
		revocations_retry_later(rs);
		return;
	}
	if (revoke_load(rs->gw->revoke, r->body, r->len,
	    (int64_t)time(NULL)) == -1) {
		log_warnx("revocations: the user service's list is "
		    "malformed; retrying");
		revocations_retry_later(rs);
		return;
	}
	log_info("revocations: list loaded (%zu held)",
	    revoke_count(rs->gw->revoke));
	if (rs->again) {
		rs->again = false;
		revocations_load(rs);
	}
}

static void
revocations_load(struct revocations *rs)
{
	struct instance *inst;

	if (rs->gw->stopping)
		return;
	if (rs->up != NULL) {
		rs->again = true;
		return;
	}
	if ((inst = pool_pick(rs->gw, SERVICE_USER, NULL, 0)) == NULL) {
		revocations_retry_later(rs);
		return;
	}
	rs->up = upstream_internal_get(rs->gw, inst, "/internal/revocations",
	    revocations_done, rs);
}

void
revocations_start(struct gateway *gw)
{
	struct revocations *rs = xcalloc(1, sizeof(*rs));

	rs->gw = gw;
	gw->revoke = revoke_new(REVOKE_MAX_DEFAULT);
	gw->revocations = rs;
	/* discovery has listed nothing yet: first try in a moment */
	revocations_retry_later(rs);
}

void
revocations_reload(struct gateway *gw)
{
	if (gw->revocations != NULL)
		revocations_load(gw->revocations);
}

void
revocations_stop(struct gateway *gw)
{
	struct revocations *rs = gw->revocations;

	if (rs == NULL)
		return;
	lws_sul_cancel(&rs->retry);
	if (rs->up != NULL) {
		upstream_cancel(rs->up);
		rs->up = NULL;
	}
}

void
revocations_free(struct gateway *gw)
{
	free(gw->revocations);
	gw->revocations = NULL;
	revoke_free(gw->revoke);
	gw->revoke = NULL;
}
