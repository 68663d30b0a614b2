/* ops.c: the gateway's own routes (ops.h), one table. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conns.h"
#include "feed.h"
#include "front.h"
#include "gateway.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "ops.h"
#include "pool.h"
#include "ws.h"
#include "xmalloc.h"

#define FILE_MAX (16 * 1024 * 1024)

typedef void ops_handler(struct front_req *, const char *arg);

static void ops_status(struct front_req *, const char *);
static void ops_metrics(struct front_req *, const char *);
static void ops_file(struct front_req *, const char *);
static void ops_ws(struct front_req *, const char *);

static const struct {
	const char *path;
	ops_handler *fn;
	const char *arg;	/* for files: "setting|file in dir|type" */
} ops_table[] = {
	{ "/status", ops_status, NULL },
	{ "/metrics", ops_metrics, NULL },
	{ "/openapi.json", ops_file,
	    "openapi_file||application/json; charset=utf-8" },
	{ "/docs", ops_file, "docs_file||text/html; charset=utf-8" },
	{ "/docs/swagger-ui-bundle.js", ops_file,
	    "swagger_ui_dir|swagger-ui-bundle.js|"
	    "application/javascript; charset=utf-8" },
	{ "/docs/swagger-ui.css", ops_file,
	    "swagger_ui_dir|swagger-ui.css|text/css; charset=utf-8" },
	{ "/ws", ops_ws, NULL },
};

static void
ops_status(struct front_req *hr, const char *arg)
{
	struct gateway *gw = hr->gw;
	bool users = pool_service_up(gw, SERVICE_USER);
	bool tweets = pool_service_up(gw, SERVICE_TWEET);
	/* notifications are no dependency of the rest: without chirp-notifyd
	 * its two routes answer 503 and the live feed carries none, the
	 * gateway is still ok (shown here and in the breaker metrics) */
	bool notify = pool_service_up(gw, SERVICE_NOTIFY);
	bool ok = users && tweets;
	json_t *j;
	char *s;

	(void)arg;
	j = json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:b, s:b, s:b, s:b}}",
	    "status", ok ? "ok" : "degraded", "service", "gateway",
	    "version", CHIRP_VERSION, "dependencies",
	    "userService", users, "tweetService", tweets,
	    "notifyService", notify,
	    "userBus", listener_connected(gw->user_bus),
	    "tweetBus", listener_connected(gw->tweet_bus),
	    "notifyBus", listener_connected(gw->notify_bus));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		fatalx("out of memory");
	front_respond(hr, ok ? 200 : 503, NULL, s, strlen(s));
	free(s);
}

static void
ops_metrics(struct front_req *hr, const char *arg)
{
	struct gateway *gw = hr->gw;
	char *s;

	(void)arg;
	metrics_gauge_set("chirp_gateway_connections", "kind=\"websocket\"",
	    (double)feed_conn_count(gw->feed));
	metrics_gauge_set("chirp_gateway_connections", "kind=\"http\"",
	    (double)conns_count(gw->conns));
	metrics_gauge_set("chirp_gateway_in_flight", NULL,
	    (double)gw->in_flight);
	metrics_gauge_set("chirp_gateway_max_connections", NULL,
	    (double)gw->max_connections);
	ws_metrics_flush(gw);
	s = metrics_render();
	front_respond(hr, 200, "text/plain; version=0.0.4; charset=utf-8", s,
	    strlen(s));
	free(s);
}

/* The whole file, at most FILE_MAX bytes; NULL when unreadable. */
static char *
ops_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 131072;
			if (cap > FILE_MAX + 65536)
				break;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, 65536, f);
		n += r;
		if (r < 65536)
			break;
	}
	if (ferror(f) || n > FILE_MAX) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf != NULL ? buf : xstrdup("");
}

static void
ops_file(struct front_req *hr, const char *arg)
{
	char setting[32], name[64], type[64], *path, *body;
	const char *base;
	size_t len;

	if (sscanf(arg, "%31[^|]|%63[^|]|%63[^\n]", setting, name, type) != 3) {
		name[0] = '\0';
		sscanf(arg, "%31[^|]||%63[^\n]", setting, type);
	}
	base = config_str(hr->gw->cfg, setting);
	if (base == NULL) {
		front_respond_error(hr, 404, "not_found", "not configured");
		return;
	}
	path = name[0] ? xasprintf("%s/%s", base, name) : xstrdup(base);
	body = ops_read_file(path, &len);
	if (body == NULL) {
		log_warnx("cannot read '%s'", path);
		front_respond_error(hr, 404, "not_found",
		    "this document is not installed");
	} else {
		front_add_header(hr, "Cache-Control", "public, max-age=300");
		front_respond(hr, 200, type, body, len);
	}
	free(body);
	free(path);
}

static void
ops_ws(struct front_req *hr, const char *arg)
{
	(void)arg;
	front_respond_error(hr, 400, "bad_request",
	    "this path takes a WebSocket upgrade");
}

enum ops_result
ops_match(struct front_req *hr)
{
	size_t i;

	for (i = 0; i < sizeof(ops_table) / sizeof(ops_table[0]); i++) {
		if (strcmp(ops_table[i].path, hr->path) != 0)
			continue;
		hr->metric_route = ops_table[i].path;
		if (strcmp(hr->method, "GET") != 0) {
			front_add_header(hr, "Allow", "GET");
			front_respond_error(hr, 405, "method_not_allowed",
			    "this path takes only GET");
		} else {
			ops_table[i].fn(hr, ops_table[i].arg);
		}
		return OPS_HANDLED;
	}
	return OPS_NOT_MINE;
}
