/*
 * deletion.c: the coordinator of account deletion (see deletion.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "deletion.h"
#include "deletion_id.h"
#include "http_client.h"
#include "log.h"
#include "metrics.h"
#include "svcauth.h"
#include "ticker.h"
#include "user_store.h"
#include "userd.h"
#include "xmalloc.h"

#define PREPARE_TIMEOUT_MS 30000
#define FINISH_TIMEOUT_MS 10000
#define RECOVERY_PERIOD_S 10

struct deletion {
	struct userd *ud;
	struct ticker *ticker;
};

#ifdef CHIRP_TESTING
/* Testing aid: die at a named point as a crash would (config crash_point,
 * in the test build only). */
static void
crash_at(const struct userd *ud, const char *point)
{
	if (ud->crash_point != NULL && strcmp(ud->crash_point, point) == 0) {
		log_warnx("crash_point %s: exiting", point);
		_exit(137);
	}
}
#else
#define crash_at(ud, point) ((void)(ud))
#endif

/*
 * POST path with body (may be NULL) to tweetd, with our service
 * credential; the status, 0 when none. When state is not NULL it gets
 * the "state" member of a 2xx JSON answer ("" when there is none).
 */
static long
tweet_post(const struct userd *ud, const char *path, const char *body,
    long timeout_ms, char *state, size_t state_len)
{
	char *cred = svcauth_header(ud->svcauth, "tweetd");
	const char *headers[] = { "Content-Type: application/json", cred,
		NULL };
	struct http_client *c;
	struct http_result res;
	const char *v;
	json_t *j;
	long status = 0;

	if (state != NULL)
		state[0] = '\0';
	memset(&res, 0, sizeof(res));
	c = http_client_new(ud->tweet_url);
	http_client_set_timeout(c, timeout_ms);
	if (http_client_request(c, "POST", path, body, headers, &res) == -1)
		log_warnx("tweetd '%s' POST %s: %s", ud->tweet_url, path,
		    res.error);
	else {
		status = res.status;
		if (status < 200 || status > 299)
			log_warnx("tweetd POST %s: status %ld", path, status);
		else if (state != NULL && res.body != NULL) {
			j = json_loadb(res.body, res.len, 0, NULL);
			v = json_string_value(json_object_get(j, "state"));
			if (v != NULL)
				snprintf(state, state_len, "%s", v);
			json_decref(j);
		}
	}
	http_result_release(&res);
	http_client_free(c);
	free(cred);
	return status;
}

/*
 * Step 3 or its undoing; true when tweetd says it holds no prepared gid
 * any more: a 200 whose "state" is the outcome asked for, or "absent"
 * (nothing prepared, never committed). Anything else (a 404 of a wrong
 * instance or a proxy, an error) is retried later.
 */
static bool
finish(const struct userd *ud, const char *gid, const char *what)
{
	const char *want = strcmp(what, "commit") == 0 ? "committed" :
	    "aborted";
	char path[128], state[16];
	long status;

	snprintf(path, sizeof(path), "/internal/deletions/%s/%s", gid, what);
	status = tweet_post(ud, path, NULL, FINISH_TIMEOUT_MS, state,
	    sizeof(state));
	if (status != 200)
		return false;
	if (strcmp(state, want) == 0 || strcmp(state, "absent") == 0)
		return true;
	log_warnx("deletion %s: tweetd answered %s without a state", gid,
	    what);
	return false;
}

/* Step 3, then the decision is marked done. */
static void
commit_and_mark(struct userd *ud, const char *gid)
{
	if (!finish(ud, gid, "commit")) {
		log_warnx("deletion %s: commit not confirmed, retried later",
		    gid);
		return;
	}
	if (user_store_mark_done(ud->store, gid) != USER_STORE_OK)
		log_warnx("deletion %s: cannot mark done, retried later", gid);
	else
		log_info("deletion %s: committed", gid);
}

/* Count the outcome of a deletion for /metrics. */
static enum deletion_result
outcome(enum deletion_result r)
{
	static const char *const labels[] = {
		[DELETION_OK] = "result=\"ok\"",
		[DELETION_NOT_FOUND] = "result=\"not_found\"",
		[DELETION_UNAVAILABLE] = "result=\"unavailable\"",
		[DELETION_ERROR] = "result=\"error\"",
	};

	metrics_counter_add("chirp_user_deletions_total", labels[r], 1);
	return r;
}

enum deletion_result
deletion_run(struct userd *ud, int64_t user_id)
{
	char gid[DELETION_ID_MAX], idt[24], decision[8] = "";
	enum user_store_result r;
	json_t *req;
	char *body;
	long status;

	deletion_id_format(gid, user_id);
	snprintf(idt, sizeof(idt), "%" PRId64, user_id);

	/* 1: tweetd prepares. */
	if ((req = json_pack("{s:s, s:s}", "gid", gid, "userId", idt)) == NULL)
		fatalx("out of memory");
	if ((body = json_dumps(req, JSON_COMPACT)) == NULL)
		fatalx("out of memory");
	json_decref(req);
	log_info("deletion %s: preparing", gid);
	status = tweet_post(ud, "/internal/deletions", body,
	    PREPARE_TIMEOUT_MS, NULL, 0);
	free(body);
	if (status < 200 || status > 299) {
		/* It may have prepared anyway (a timeout): undo, best effort;
		 * otherwise it asks us and learns the abort. */
		(void)user_store_decision(ud->store, gid, user_id, decision);
		(void)finish(ud, gid, "abort");
		return outcome(DELETION_UNAVAILABLE);
	}
	crash_at(ud, "after_prepare");

	/* 2: the local deletion and the decision, one transaction. */
	r = user_store_delete_user(ud->store, user_id, gid);
	if (r != USER_STORE_OK) {
		/*
		 * Whatever happened (even a commit whose answer was lost),
		 * the decision table now says what is final.
		 */
		if (user_store_decision(ud->store, gid, user_id, decision) !=
		    USER_STORE_OK) {
			log_warnx("deletion %s: no decision reachable; tweetd "
			    "will ask", gid);
			return outcome(DELETION_UNAVAILABLE);
		}
		if (strcmp(decision, "commit") != 0) {
			log_info("deletion %s: aborted", gid);
			(void)finish(ud, gid, "abort");
			if (r == USER_STORE_NOT_FOUND)
				return outcome(DELETION_NOT_FOUND);
			if (r == USER_STORE_UNAVAILABLE)
				return outcome(DELETION_UNAVAILABLE);
			return outcome(DELETION_ERROR);
		}
	}
	crash_at(ud, "after_decision");

	/* 3: tweetd commits; recovery retries when it does not answer. */
	commit_and_mark(ud, gid);
	return outcome(DELETION_OK);
}

/* One pass of recovery: retry step 3 of every decision not done. */
static void
recover(struct userd *ud)
{
	char **gids = NULL;
	size_t n = 0, i;

	if (user_store_pending(ud->store, &gids, &n) != USER_STORE_OK)
		return;
	for (i = 0; i < n; i++) {
		log_info("deletion %s: recovering the commit", gids[i]);
		commit_and_mark(ud, gids[i]);
		free(gids[i]);
	}
	free(gids);
	(void)user_store_prune(ud->store);
}

/* One recovery pass; the next in RECOVERY_PERIOD_S. */
static int
deletion_tick(void *arg)
{
	struct deletion *d = arg;

	log_set_request_id(NULL);
	recover(d->ud);
	return RECOVERY_PERIOD_S * 1000;
}

struct deletion *
deletion_start(struct userd *ud)
{
	struct deletion *d = xcalloc(1, sizeof(*d));

	d->ud = ud;
	if ((d->ticker = ticker_start(deletion_tick, d)) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
deletion_stop(struct deletion *d)
{
	if (d == NULL)
		return;
	ticker_stop(d->ticker);
	free(d);
}
