/*
 * gateway.h: the one context of chirp-gateway (httpd's struct httpd *env),
 * passed to every module; the lws context's user pointer is this struct.
 */
#ifndef CHIRP_GATEWAY_GATEWAY_H
#define CHIRP_GATEWAY_GATEWAY_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "breaker.h"
#include "routes.h"

struct lws_context;
struct lws_vhost;
struct config;

/* Instances kept per service: a bound, not a limit on discovery. When
 * it is reached, an instance discovery no longer lists is dropped to make
 * room for a listed one (pool.c). */
#define POOL_MAX 64

/* Connections closed as accepted, unread (acceptor.c: no fd left;
 * front.c: over max_http_conns or max_conns_per_addr); at 0 from the
 * start, so that rate() sees it begin. */
#define REFUSED_METRIC "chirp_gateway_connections_refused_total"

/*
 * One upstream instance as discovery listed it. A caller of pool_pick
 * may keep the pointer while a request it started on the instance is
 * under way (upstream_in_use()); an instance that discovery stopped
 * listing is freed only when none is, so that pointer stays valid.
 */
struct instance {
	enum service service;
	char host[64];		/* a numeric address (pool.c) */
	int port;
	char label[80];		/* "host:port", the metrics label */
	bool listed;		/* in discovery's last answer */
	bool probing;		/* a /status probe is under way */
	struct breaker breaker;
};

struct pool {
	struct instance *inst[POOL_MAX];
	size_t n;
	size_t next;		/* round robin */
};

struct gateway {
	struct config *cfg;
	struct lws_context *ctx;
	struct lws_vhost *vhost;

	/* settings */
	int upstream_timeout_ms;
	int max_upstream_conns;	/* kept-alive connections per instance */
	int max_in_flight;
	int max_connections;	/* live feed connections */
	int max_http_conns;	/* plain HTTP connections in all */
	int max_conns_per_addr;	/* plain HTTP connections per address */
	int login_free_failures;
	int login_backoff_max_s;
	int ws_queue_max;
	int replay_max;		/* entries a replay sends at most */
	int ping_interval_s;
	int ws_sndbuf;		/* 0: the system's */
	int64_t cache_ttl_ms;
	char discovery_host[128];
	int discovery_port;
	unsigned char *secret;
	size_t secret_len;
	struct svcauth *svcauth;	/* credentials for internal routes */

	struct pool pools[SERVICE_COUNT];
	struct ratelimit *ratelimit;
	struct backoff *login_backoff;	/* failed logins per address */
	struct conns *conns;		/* plain HTTP connections */
	struct acceptor *acceptor;	/* the listening sockets */
	struct cache *cache;
	struct feed *feed;
	struct listener *user_bus;
	struct listener *tweet_bus;
	struct listener *notify_bus;	/* NULL: no notify_bus_url */
	struct logsync *user_log;	/* the user bus in log order */
	struct logsync *tweet_log;	/* the tweet bus in log order */
	struct logsync *notify_log;	/* the notify bus in log order */
	struct discovery_client *discovery;
	struct ws_state *ws;
	struct revoke *revoke;		/* revoked tokens (common/revoke.h) */
	struct token_cache *tokens;	/* tokens found good (auth.c) */
	struct revocations *revocations;	/* its loader (revocations.c) */
	LIST_HEAD(, upstream) upstreams;	/* requests under way */
	uint64_t cache_epoch;		/* bumped by every user event */

	int in_flight;		/* HTTP requests being answered */
	int connections;	/* live client sockets (HTTP and WebSocket) */
	bool stopping;
};

/* The gateway of an lws context. */
struct gateway *gateway_of(struct lws_context *);

#endif
