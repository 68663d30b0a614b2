/*
 * discovery_http.c: /services over HTTP. Input is checked here, the state
 * lives in registry.c.
 */
#include "discovery_http.h"

#include <stdlib.h>

#include "discovery.h"
#include "log.h"
#include "metrics.h"
#include "timeutil.h"

static const char *const discovery_http_lists[REGISTRY_NTYPES] = {
	[REGISTRY_USER] = "userServices",
	[REGISTRY_TWEET] = "tweetServices",
	[REGISTRY_NOTIFY] = "notifyServices",
};

bool
discovery_http_parse(const json_t *body, struct discovery_instance *out,
    const char **why)
{
	const json_t *type, *host, *port;
	json_int_t p;

	type = json_object_get(body, "serviceType");
	host = json_object_get(body, "serviceHost");
	port = json_object_get(body, "servicePort");
	if (!json_is_string(type) ||
	    !registry_type_parse(json_string_value(type), &out->type)) {
		*why = "serviceType must be \"user\", \"tweet\" or \"notify\"";
		return false;
	}
	if (!json_is_string(host) ||
	    !registry_host_valid(json_string_value(host))) {
		*why = "serviceHost must be a host name or an IP address of "
		    "1 to 255 characters";
		return false;
	}
	if (!json_is_integer(port) || (p = json_integer_value(port)) < 1 ||
	    p > 65535) {
		*why = "servicePort must be an integer from 1 to 65535";
		return false;
	}
	out->host = json_string_value(host);
	out->port = (int)p;
	return true;
}

/* Publish the number of live instances of each type as a gauge. */
static void
discovery_http_gauge(struct registry *reg, int64_t now_ms)
{
	static const char *const labels[REGISTRY_NTYPES] = {
		[REGISTRY_USER] = "type=\"user\"",
		[REGISTRY_TWEET] = "type=\"tweet\"",
		[REGISTRY_NOTIFY] = "type=\"notify\"",
	};
	struct registry_instance *list;
	size_t n;
	int t;

	for (t = 0; t < REGISTRY_NTYPES; t++) {
		list = registry_list(reg, (enum registry_type)t, now_ms, &n);
		free(list);
		metrics_gauge_set("chirp_discovery_instances", labels[t],
		    (double)n);
	}
}

json_t *
discovery_http_list_json(struct registry *reg, int64_t now_ms)
{
	struct registry_instance *list;
	json_t *body = json_object(), *arr;
	size_t i, n;
	int t;

	for (t = 0; t < REGISTRY_NTYPES; t++) {
		arr = json_array();
		list = registry_list(reg, (enum registry_type)t, now_ms, &n);
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:i}",
			    "host", list[i].host, "port", list[i].port));
		free(list);
		json_object_set_new(body, discovery_http_lists[t], arr);
	}
	return body;
}

void
discovery_http_list(struct http_request *req, struct http_response *res,
    void *ctx)
{
	struct discovery *d = ctx;

	(void)req;
	http_reply_json(res, 200, discovery_http_list_json(d->registry,
	    time_mono_ms()));
}

/* The instance of a POST or DELETE body, or NULL after answering 400. */
static json_t *
discovery_http_body(struct http_request *req, struct http_response *res,
    struct discovery_instance *inst)
{
	const char *why;
	json_t *body;

	if ((body = http_json_body(req, res)) == NULL)
		return NULL;
	if (!discovery_http_parse(body, inst, &why)) {
		http_reply_error(res, 400, "bad_request", "%s", why);
		json_decref(body);
		return NULL;
	}
	return body;
}

void
discovery_http_register(struct http_request *req, struct http_response *res,
    void *ctx)
{
	struct discovery *d = ctx;
	struct discovery_instance inst;
	int64_t now = time_mono_ms();
	json_t *body;

	if ((body = discovery_http_body(req, res, &inst)) == NULL)
		return;
	switch (registry_renew(d->registry, inst.type, inst.host, inst.port,
	    now)) {
	case REGISTRY_ADDED:
		log_info("registered %s instance %s:%d",
		    registry_type_name(inst.type), inst.host, inst.port);
		http_reply_json(res, 201, json_pack("{s:s, s:i}", "message",
		    "registered", "ttl", d->ttl_s));
		discovery_http_gauge(d->registry, now);
		break;
	case REGISTRY_RENEWED:
		log_debug("renewed %s instance %s:%d",
		    registry_type_name(inst.type), inst.host, inst.port);
		http_reply_json(res, 200, json_pack("{s:s, s:i}", "message",
		    "renewed", "ttl", d->ttl_s));
		break;
	case REGISTRY_FULL:
		log_warnx("registry full: refused %s instance %s:%d",
		    registry_type_name(inst.type), inst.host, inst.port);
		http_reply_error(res, 503, "unavailable",
		    "the registry is full");
		break;
	}
	json_decref(body);
}

void
discovery_http_deregister(struct http_request *req, struct http_response *res,
    void *ctx)
{
	struct discovery *d = ctx;
	struct discovery_instance inst;
	int64_t now = time_mono_ms();
	json_t *body;

	if ((body = discovery_http_body(req, res, &inst)) == NULL)
		return;
	if (registry_remove(d->registry, inst.type, inst.host, inst.port,
	    now)) {
		log_info("deregistered %s instance %s:%d",
		    registry_type_name(inst.type), inst.host, inst.port);
		http_reply_json(res, 200, json_pack("{s:s}", "message",
		    "deregistered"));
		discovery_http_gauge(d->registry, now);
	} else {
		http_reply_error(res, 404, "not_found",
		    "no live %s instance %s:%d", registry_type_name(inst.type),
		    inst.host, inst.port);
	}
	json_decref(body);
}
