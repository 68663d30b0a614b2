/*
 * proxy.c: forwarding a routed request to the owning service (proxy.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "cache.h"
#include "front.h"
#include "gateway.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "pool.h"
#include "proxy.h"
#include "timeutil.h"
#include "upstream.h"
#include "validate.h"
#include "xmalloc.h"

#define PROXY_ATTEMPTS 3

struct proxy {
	struct front_req *hr;
	struct instance *tried[PROXY_ATTEMPTS];
	size_t ntried;
	char *target;			/* path?query */
	bool cacheable;
	bool keyed;			/* target is the cache key */
	enum upstream_error last_error;	/* of the last failed attempt */
	bool have_failure;
	int last_status;		/* a 502/503 that was passed on */
	char *last_body;
	size_t last_len;
	char last_ctype[128];
};

static void proxy_attempt(struct proxy *);

static void
proxy_free(struct proxy *p)
{
	free(p->target);
	free(p->last_body);
	free(p);
}

/*
 * May this request go to another instance after a failure? Always when
 * nothing was sent. Once bytes went out and no answer came, the first
 * instance may have done the work (a timed-out DELETE may have deleted),
 * so only a request that is harmless to repeat goes again: GET, HEAD, and
 * a POST with an Idempotency-Key (the service answers a repeat with the
 * first answer).
 */
static bool
proxy_may_retry(const struct proxy *p, enum upstream_error err)
{
	if (p->ntried >= PROXY_ATTEMPTS)
		return false;
	if (err == UPSTREAM_CONNECT)
		return true;
	return upstream_repeatable(p->hr->method, p->hr->idempotency_key[0] ?
	    p->hr->idempotency_key : NULL);
}

/*
 * Does this outcome say something about the instance's health (its
 * breaker)? Not an answer that sheds load (429, or 503 with Retry-After:
 * the instance is up and refusing one request, e.g. userd's bounded
 * password hashing under a login flood), and not a timeout of a route that
 * checks a password (slow by design: a flood of them would otherwise open
 * the breaker for every other route of the instance).
 */
static bool
proxy_counts_for_breaker(const struct front_req *hr,
    const struct upstream_result *r)
{
	if (r->error == UPSTREAM_INVALID)
		return false;
	if (r->error == UPSTREAM_OK && (r->status == 429 ||
	    (r->status == 503 && r->retry_after[0] != '\0')))
		return false;
	if (r->error == UPSTREAM_TIMEOUT && hr->route->kind != ROUTE_PLAIN)
		return false;
	return true;
}

/* A login's outcome feeds the per-address back-off of failed logins. */
static void
proxy_login_outcome(struct front_req *hr, const struct upstream_result *r)
{
	if (hr->route->kind != ROUTE_LOGIN || r->error != UPSTREAM_OK)
		return;
	if (r->status == 401)
		backoff_failure(hr->gw->login_backoff, hr->peer,
		    time_mono_ms());
	else if (r->status == 200)
		backoff_success(hr->gw->login_backoff, hr->peer);
}

static void
proxy_finish_failure(struct proxy *p)
{
	struct front_req *hr = p->hr;

	if (p->last_status != 0) {
		front_respond(hr, p->last_status, p->last_ctype, p->last_body,
		    p->last_len);
	} else if (p->have_failure && p->last_error == UPSTREAM_TIMEOUT) {
		front_respond_error(hr, 504, "timeout",
		    "the service did not answer in time");
	} else {
		front_add_header(hr, "Retry-After", "5");
		front_respond_error(hr, 503, "unavailable",
		    "no healthy instance of the service; retry later");
	}
	proxy_free(p);
}

static void
proxy_done(const struct upstream_result *r, void *arg)
{
	struct proxy *p = arg;
	struct front_req *hr = p->hr;
	struct gateway *gw = hr->gw;
	struct instance *inst = p->tried[p->ntried - 1];
	bool shed = r->error == UPSTREAM_OK && (r->status == 429 ||
	    (r->status == 503 && r->retry_after[0] != '\0'));
	bool failed = !shed && (r->error != UPSTREAM_OK || r->status == 502 ||
	    r->status == 503);
	char id[24];
	int64_t uid;

	if (proxy_counts_for_breaker(hr, r))
		pool_instance_result(gw, inst, !failed);
	proxy_login_outcome(hr, r);
	if (r->error == UPSTREAM_INVALID) {
		/* front.c checks every byte first; this is the last guard */
		front_respond_error(hr, 400, "bad_request",
		    "the request holds a control character");
		proxy_free(p);
		return;
	}
	if (failed) {
		log_set_request_id(hr->request_id);
		log_warnx("upstream %s failed: %s", inst->label,
		    r->error == UPSTREAM_TIMEOUT ? "timeout" :
		    r->error == UPSTREAM_CONNECT ? "cannot connect" :
		    r->error == UPSTREAM_BROKEN ? "connection broken" :
		    "unavailable");
		log_set_request_id(NULL);
		p->have_failure = true;
		p->last_error = r->error;
		p->last_status = 0;
		if (r->error == UPSTREAM_OK) {
			/* the service's own 502/503: pass it on if final */
			p->last_status = r->status;
			free(p->last_body);
			p->last_body = xstrndup(r->body, r->len);
			p->last_len = r->len;
			snprintf(p->last_ctype, sizeof(p->last_ctype), "%s",
			    r->content_type[0] ? r->content_type :
			    "application/json; charset=utf-8");
		}
		if (proxy_may_retry(p, r->error)) {
			proxy_attempt(p);
			return;
		}
		proxy_finish_failure(p);
		return;
	}
	if (r->retry_after[0] != '\0')
		front_add_header(hr, "Retry-After", r->retry_after);
	if (p->cacheable) {
		front_add_header(hr, "X-Cache", "MISS");
		if (p->keyed && r->status == 200 &&
		    hr->cache_epoch == gw->cache_epoch &&
		    listener_connected(gw->user_bus) &&
		    routes_path_id(hr->route, hr->path, id, sizeof(id)) &&
		    validate_id(id, &uid))
			cache_put(gw->cache, p->target, uid, r->body, r->len,
			    time_mono_ms());
	}
	front_respond(hr, r->status,
	    r->content_type[0] ? r->content_type : NULL, r->body, r->len);
	proxy_free(p);
}

static void
proxy_attempt(struct proxy *p)
{
	struct front_req *hr = p->hr;
	struct gateway *gw = hr->gw;
	struct upstream_request req;
	struct instance *inst;

	inst = pool_pick(gw, hr->route->service, p->tried, p->ntried);
	if (inst == NULL) {
		proxy_finish_failure(p);
		return;
	}
	p->tried[p->ntried++] = inst;
	memset(&req, 0, sizeof(req));
	req.method = hr->method;
	req.path = p->target;
	req.body = hr->body;
	req.len = hr->len;
	req.content_type = hr->content_type[0] ? hr->content_type : NULL;
	req.authorization = hr->authorization;
	req.idempotency_key = hr->idempotency_key[0] ?
	    hr->idempotency_key : NULL;
	req.request_id = hr->request_id;
	req.timeout_ms = gw->upstream_timeout_ms;
	upstream_start(gw, inst->host, inst->port, &req, proxy_done, p);
}

/* A follow-list request: the canonical one (cache_follow_key) is both the
 * cache key and what goes upstream, so that no argument order or extra
 * argument makes another entry. */
static void
proxy_upstream(struct front_req *hr, bool cacheable)
{
	struct proxy *p = xcalloc(1, sizeof(*p));

	p->hr = hr;
	p->cacheable = cacheable;
	if (cacheable)
		p->target = cache_follow_key(hr->path, hr->query);
	p->keyed = p->target != NULL;
	if (p->target == NULL)
		p->target = front_target(hr);
	proxy_attempt(p);
}

/* A cached answer, if there is one now. */
static bool
proxy_cache_hit(struct front_req *hr)
{
	struct gateway *gw = hr->gw;
	char *key = cache_follow_key(hr->path, hr->query);
	const char *body;
	size_t len;

	if (key == NULL)
		return false;
	body = cache_get(gw->cache, key, time_mono_ms(), &len);
	free(key);
	if (body == NULL)
		return false;
	front_add_header(hr, "X-Cache", "HIT");
	front_respond(hr, 200, NULL, body, len);
	return true;
}

static void
proxy_sync_cb(void *arg, int ok)
{
	proxy_synced(arg, ok);
}

void
proxy_synced(struct front_req *hr, int ok)
{
	if (ok && proxy_cache_hit(hr))
		return;
	proxy_upstream(hr, true);
}

void
proxy_start(struct front_req *hr)
{
	struct gateway *gw = hr->gw;
	char *key;
	const char *body;
	size_t len;

	if (hr->route->cache != ROUTE_CACHE_FOLLOWS) {
		proxy_upstream(hr, false);
		return;
	}
	hr->cache_epoch = gw->cache_epoch;
	if (!listener_connected(gw->user_bus)) {
		proxy_upstream(hr, true);	/* bus down: bypass the cache */
		return;
	}
	if ((key = cache_follow_key(hr->path, hr->query)) == NULL) {
		proxy_upstream(hr, true);	/* the service answers it */
		return;
	}
	body = cache_get(gw->cache, key, time_mono_ms(), &len);
	free(key);
	if (body == NULL) {
		proxy_upstream(hr, true);
		return;
	}
	/* a hit: first make sure every event committed so far is applied */
	if (listener_sync(gw->user_bus, proxy_sync_cb, hr) != 0)
		proxy_upstream(hr, true);
}
