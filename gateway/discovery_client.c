/* discovery_client.c: the background refresh of the instance lists. */
#include <jansson.h>
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "discovery_client.h"
#include "gateway.h"
#include "log.h"
#include "pool.h"
#include "upstream.h"
#include "xmalloc.h"

#define TICK_MS 500
#define REFRESH_TICKS 4		/* every 2 s */

struct discovery_client {
	struct gateway *gw;
	lws_sorted_usec_list_t timer;
	unsigned ticks;
	bool pending;		/* a refresh is under way */
	bool warned;
};

/* optional: a discovery older than the service lists no such member
 * (none of that type is up then) */
static const struct {
	const char *key;
	enum service service;
	bool optional;
} discovery_lists[] = {
	{ "userServices", SERVICE_USER, false },
	{ "tweetServices", SERVICE_TWEET, false },
	{ "notifyServices", SERVICE_NOTIFY, true },
};

/* One list of the answer into the pool; false when malformed. */
static bool
discovery_client_apply(struct gateway *gw, json_t *arr, enum service s)
{
	const char *hosts[POOL_MAX];
	int ports[POOL_MAX];
	size_t i, n = 0;
	json_t *e;

	if (!json_is_array(arr))
		return false;
	json_array_foreach(arr, i, e) {
		json_t *h = json_object_get(e, "host");
		json_t *p = json_object_get(e, "port");

		if (n == POOL_MAX)
			break;
		if (!json_is_string(h) || !json_is_integer(p) ||
		    json_integer_value(p) < 1 ||
		    json_integer_value(p) > 65535)
			continue;
		hosts[n] = json_string_value(h);
		ports[n] = (int)json_integer_value(p);
		n++;
	}
	pool_update(gw, s, hosts, ports, n);
	return true;
}

static void
discovery_client_done(const struct upstream_result *r, void *arg)
{
	struct discovery_client *d = arg;
	json_t *root = NULL;
	size_t i;
	bool ok = false;

	d->pending = false;
	if (r->error == UPSTREAM_OK && r->status == 200)
		root = json_loadb(r->body, r->len, 0, NULL);
	if (root != NULL) {
		ok = true;
		for (i = 0; i < sizeof(discovery_lists) /
		    sizeof(discovery_lists[0]); i++) {
			json_t *arr = json_object_get(root,
			    discovery_lists[i].key);

			if (arr == NULL && discovery_lists[i].optional)
				pool_update(d->gw, discovery_lists[i].service,
				    NULL, NULL, 0);	/* none of that type */
			else if (!discovery_client_apply(d->gw, arr,
			    discovery_lists[i].service))
				ok = false;
		}
		json_decref(root);
	}
	if (!ok && !d->warned)
		log_warnx("discovery: cannot refresh the instance lists "
		    "from %s:%d", d->gw->discovery_host,
		    d->gw->discovery_port);
	else if (ok && d->warned)
		log_info("discovery: instance lists refreshed");
	d->warned = !ok;
}

static void
discovery_client_refresh(struct discovery_client *d)
{
	struct upstream_request req;

	if (d->pending || d->gw->stopping)
		return;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/services";
	req.timeout_ms = d->gw->upstream_timeout_ms;
	d->pending = true;
	upstream_start(d->gw, d->gw->discovery_host, d->gw->discovery_port,
	    &req, discovery_client_done, d);
}

static void
discovery_client_tick(lws_sorted_usec_list_t *sul)
{
	struct discovery_client *d = lws_container_of(sul,
	    struct discovery_client, timer);

	if (d->ticks++ % REFRESH_TICKS == 0)
		discovery_client_refresh(d);
	pool_probe(d->gw);
	lws_sul_schedule(d->gw->ctx, 0, &d->timer, discovery_client_tick,
	    TICK_MS * LWS_US_PER_MS);
}

struct discovery_client *
discovery_client_start(struct gateway *gw)
{
	struct discovery_client *d = xcalloc(1, sizeof(*d));

	d->gw = gw;
	lws_sul_schedule(gw->ctx, 0, &d->timer, discovery_client_tick, 1);
	return d;
}

void
discovery_client_stop(struct discovery_client *d)
{
	if (d != NULL)
		lws_sul_cancel(&d->timer);
}

void
discovery_client_free(struct discovery_client *d)
{
	free(d);
}
