/*
 * pool.c: the upstream instances of each service: discovery's lists kept
 * with a breaker per instance, round robin over the usable ones, and the
 * one /status probe of an instance whose breaker cooled down.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "log.h"
#include "metrics.h"
#include "pool.h"
#include "timeutil.h"
#include "upstream.h"
#include "xmalloc.h"

#define BREAKER_FAILURES 3
#define BREAKER_COOLDOWN_MS 5000

static void
pool_gauge(struct instance *inst)
{
	char labels[160];

	snprintf(labels, sizeof(labels), "upstream=\"%s\",instance=\"%s\"",
	    routes_service_name(inst->service), inst->label);
	metrics_gauge_set("chirp_gateway_breaker_state", labels,
	    (double)breaker_state(&inst->breaker));
}

static bool
pool_usable(struct instance *inst, int64_t now)
{
	return inst->listed && breaker_allow(&inst->breaker, now);
}

struct instance *
pool_pick(struct gateway *gw, enum service s, struct instance *const *skip,
    size_t nskip)
{
	struct pool *p = &gw->pools[s];
	int64_t now = time_mono_ms();
	size_t i, j, k;

	if (gw->stopping || p->n == 0)
		return NULL;
	for (i = 0; i < p->n; i++) {
		struct instance *inst;
		bool skipped = false;

		k = (p->next + i) % p->n;
		inst = p->inst[k];
		if (!pool_usable(inst, now))
			continue;
		for (j = 0; j < nskip; j++)
			if (skip[j] == inst)
				skipped = true;
		if (skipped)
			continue;
		p->next = k + 1;
		return inst;
	}
	return NULL;
}

bool
pool_service_up(struct gateway *gw, enum service s)
{
	struct pool *p = &gw->pools[s];
	int64_t now = time_mono_ms();
	size_t i;

	for (i = 0; i < p->n; i++)
		if (pool_usable(p->inst[i], now))
			return true;
	return false;
}

void
pool_instance_result(struct gateway *gw, struct instance *inst, bool ok)
{
	char labels[160];
	int64_t now = time_mono_ms();
	enum breaker_state before = breaker_state(&inst->breaker);

	(void)gw;
	if (ok) {
		breaker_success(&inst->breaker, now);
	} else {
		breaker_failure(&inst->breaker, now);
		snprintf(labels, sizeof(labels),
		    "upstream=\"%s\",instance=\"%s\"",
		    routes_service_name(inst->service), inst->label);
		metrics_counter_add("chirp_gateway_upstream_failures_total",
		    labels, 1);
	}
	if (breaker_state(&inst->breaker) != before)
		log_warnx("breaker of %s instance %s: %s",
		    routes_service_name(inst->service), inst->label,
		    breaker_state_name(breaker_state(&inst->breaker)));
	pool_gauge(inst);
}

/* Take instance k out of p and free it (nothing may hold it). */
static void
pool_drop(struct pool *p, size_t k)
{
	struct instance *inst = p->inst[k];
	char labels[160];

	log_info("%s instance %s dropped", routes_service_name(inst->service),
	    inst->label);
	snprintf(labels, sizeof(labels), "upstream=\"%s\",instance=\"%s\"",
	    routes_service_name(inst->service), inst->label);
	metrics_gauge_remove("chirp_gateway_breaker_state", labels);
	free(inst);
	memmove(&p->inst[k], &p->inst[k + 1],
	    (p->n - k - 1) * sizeof(p->inst[0]));
	p->n--;
	if (p->next > k)
		p->next--;
}

/* May inst be freed: unlisted, and no request or probe under way on it
 * (their callers hold the pointer until they finish)? */
static bool
pool_unused(const struct instance *inst)
{
	return !inst->listed && !inst->probing &&
	    !upstream_in_use(inst->host, inst->port);
}

/* A numeric IPv4 address (resolving a name would block the loop: see
 * main.c's resolve_once). */
static bool
pool_numeric(const char *host)
{
	struct in_addr a;

	return inet_pton(AF_INET, host, &a) == 1;
}

void
pool_update(struct gateway *gw, enum service s, const char *const *hosts,
    const int *ports, size_t n)
{
	struct pool *p = &gw->pools[s];
	size_t i, j;

	for (i = 0; i < p->n; i++)
		p->inst[i]->listed = false;
	for (j = 0; j < n; j++) {
		struct instance *inst = NULL;

		for (i = 0; i < p->n; i++)
			if (p->inst[i]->port == ports[j] &&
			    strcmp(p->inst[i]->host, hosts[j]) == 0)
				inst = p->inst[i];
		if (inst == NULL) {
			if (strlen(hosts[j]) >= sizeof(inst->host) ||
			    !pool_numeric(hosts[j])) {
				log_warnx("discovery lists %s instance '%s', "
				    "not a numeric address; ignored",
				    routes_service_name(s), hosts[j]);
				continue;
			}
			/* full: make room by an unlisted, unused one */
			for (i = 0; p->n == POOL_MAX && i < p->n; i++)
				if (pool_unused(p->inst[i]))
					pool_drop(p, i);
			if (p->n == POOL_MAX)
				continue;
			inst = xcalloc(1, sizeof(*inst));
			inst->service = s;
			snprintf(inst->host, sizeof(inst->host), "%s",
			    hosts[j]);
			inst->port = ports[j];
			snprintf(inst->label, sizeof(inst->label), "%s:%d",
			    hosts[j], ports[j]);
			breaker_init(&inst->breaker, BREAKER_FAILURES,
			    (int64_t)gw->upstream_timeout_ms * 7 / 2,
			    BREAKER_COOLDOWN_MS);
			p->inst[p->n++] = inst;
			log_info("%s instance %s listed",
			    routes_service_name(s), inst->label);
			pool_gauge(inst);
		}
		inst->listed = true;
	}
	/* instances discovery no longer lists go once nothing holds them */
	for (i = p->n; i > 0; i--)
		if (pool_unused(p->inst[i - 1]))
			pool_drop(p, i - 1);
}

static void
pool_probe_done(const struct upstream_result *r, void *arg)
{
	struct instance *inst = arg;

	inst->probing = false;
	if (r->error == UPSTREAM_OK && r->status == 200)
		breaker_success(&inst->breaker, time_mono_ms());
	else
		breaker_failure(&inst->breaker, time_mono_ms());
	log_info("probe of %s instance %s: breaker %s",
	    routes_service_name(inst->service), inst->label,
	    breaker_state_name(breaker_state(&inst->breaker)));
	pool_gauge(inst);
}

void
pool_probe(struct gateway *gw)
{
	struct upstream_request req;
	int64_t now = time_mono_ms();
	size_t s, i;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/status";
	req.timeout_ms = gw->upstream_timeout_ms;
	for (s = 0; s < SERVICE_COUNT; s++)
		for (i = 0; i < gw->pools[s].n; i++) {
			struct instance *inst = gw->pools[s].inst[i];

			if (inst->probing || !inst->listed ||
			    !breaker_want_probe(&inst->breaker, now))
				continue;
			inst->probing = true;
			pool_gauge(inst);
			upstream_start(gw, inst->host, inst->port, &req,
			    pool_probe_done, inst);
		}
}

void
pool_free(struct gateway *gw)
{
	size_t s, i;

	for (s = 0; s < SERVICE_COUNT; s++) {
		for (i = 0; i < gw->pools[s].n; i++)
			free(gw->pools[s].inst[i]);
		gw->pools[s].n = 0;
	}
}
