/*
 * chirp-gateway: the public face of chirp. One libwebsockets event loop
 * that never blocks: the REST API proxied to healthy service instances
 * (discovery, round robin, breakers, retries, limits, a follow-list cache)
 * and the live feed over WebSocket fed by the event bus.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <libwebsockets.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "backoff.h"
#include "bus.h"
#include "bus_events.h"
#include "cache.h"
#include "config.h"
#include "conns.h"
#include "discovery_client.h"
#include "events.h"
#include "feed.h"
#include "front_proto.h"
#include "gateway.h"
#include "listener.h"
#include "listener_proto.h"
#include "log.h"
#include "logsync.h"
#include "pool.h"
#include "ratelimit.h"
#include "revocations.h"
#include "process.h"
#include "token_cache.h"
#include "upstream.h"
#include "upstream_proto.h"
#include "ws.h"

#define FEED_PROTOCOL "chirp-feed"
#define FD_MARGIN 256
#define RATELIMIT_KEYS 100000

static const struct config_entry gateway_config[] = {
	PROCESS_CONFIG_ROWS("8030"),
	PROCESS_TOKEN_ROWS,
	CONFIG_BOOL_ROW("reuse_port", "true",
	    "share port with other chirp-gateway processes of the same user "
	    "(SO_REUSEPORT): the kernel spreads new connections over them; "
	    "false: the port is this process's alone"),
	CONFIG_STR_ROW("event_loop", "libev",
	    "libev (epoll: the cost of a wakeup does not grow with the "
	    "sockets held) or poll (lws's own, walks every socket)"),
	CONFIG_INT_ROW("ops_port", "0", 0, 65535,
	    "a port of this process alone, on bind, serving the same routes: "
	    "its own /status and /metrics when gateways share port; 0: none"),
	CONFIG_STR_ROW("discovery_url", "http://127.0.0.1:8040",
	    "chirp-discoveryd, for the instance lists"),
	CONFIG_SECRET_ROW("user_bus_url",
	    "chirp-userd's event bus (its database, or nats://host:port then "
	    "a space then that database): follow lists are cached only with "
	    "it"),
	CONFIG_SECRET_ROW("tweet_bus_url",
	    "chirp-tweetd's event bus (as user_bus_url): the live feed's "
	    "tweets"),
	CONFIG_SECRET_ROW("notify_bus_url",
	    "chirp-notifyd's event bus (as user_bus_url): live "
	    "notifications; unset: the live feed carries none"),
	CONFIG_INT_ROW("max_upstream_conns", "32", 1, 10000,
	    "kept-alive connections to each service instance; more requests "
	    "wait their turn"),
	CONFIG_INT_ROW("upstream_timeout_ms", "5000", 10, 600000,
	    "time an upstream has to answer"),
	CONFIG_INT_ROW("rate_limit", "1200", 1, INT_MAX,
	    "requests per window per user (else per address)"),
	CONFIG_INT_ROW("rate_window", "60", 1, INT_MAX,
	    "rate window in seconds"),
	CONFIG_INT_ROW("max_in_flight", "1024", 1, INT_MAX,
	    "requests answered at once before 503"),
	CONFIG_INT_ROW("max_connections", NULL, 0, INT_MAX,
	    "live feed connections (default: the fd limit less a margin)"),
	CONFIG_INT_ROW("max_http_conns", "4096", 1, 1000000,
	    "plain HTTP client connections at once; more are closed as they "
	    "are accepted"),
	CONFIG_INT_ROW("max_conns_per_addr", "256", 1, 1000000,
	    "plain HTTP client connections at once from one address"),
	CONFIG_INT_ROW("login_free_failures", "5", 0, 1000,
	    "failed logins from one address before it must wait; each "
	    "further failure doubles the wait"),
	CONFIG_INT_ROW("login_backoff_max", "900", 1, 86400,
	    "longest wait after failed logins, in seconds"),
	CONFIG_INT_ROW("ws_queue_max", "256", 1, 1000000,
	    "messages queued per live connection before it is closed"),
	CONFIG_INT_ROW("ws_sndbuf", "0", 0, INT_MAX,
	    "kernel send buffer of a live connection in bytes (0: system "
	    "default); bounds what a slow client holds"),
	CONFIG_INT_ROW("ping_interval", "30", 0, INT_MAX,
	    "seconds between pings; 0: none"),
	CONFIG_INT_ROW("log_hold_ms", "100", 0, 1000,
	    "milliseconds request lines are held to be written together, "
	    "one write for many answers; 0: each line at once"),
	CONFIG_INT_ROW("replay_max", "1000", 1, 100000,
	    "entries a live connection's cursor= or since= replay sends at "
	    "most before reset and ready"),
	CONFIG_INT_ROW("cache_ttl_ms", "60000", 0, INT_MAX,
	    "lifetime of a cached follow list; 0: no expiry"),
	CONFIG_INT_ROW("cache_max", "10000", 0, INT_MAX,
	    "follow-list pages cached"),
	CONFIG_INT_ROW("cache_max_bytes", "67108864", 0, 1LL << 40,
	    "bytes the follow-list cache holds at most"),
	CONFIG_STR_ROW("openapi_file", "docs/openapi.json",
	    "served at /openapi.json"),
	CONFIG_STR_ROW("docs_file", "docs/docs.html", "served at /docs"),
	CONFIG_STR_ROW("swagger_ui_dir",
	    "/usr/lib/python3/dist-packages/flasgger/ui3/static",
	    "swagger-ui-bundle.js and swagger-ui.css for /docs"),
	CONFIG_END,
};

/*
 * libwebsockets' own lines go through log.h, so that they carry the
 * process and the format (one JSON object a line with log_format json).
 * Its errors are warnings here; the rest (CHIRP_LWS_DEBUG) info.
 */
static void
gateway_lws_log(int level, const char *line)
{
	int n = (int)strcspn(line, "\n");

	if (level & LLL_ERR)
		log_warnx("lws: %.*s", n, line);
	else
		log_info("lws: %.*s", n, line);
}

static volatile sig_atomic_t stop_requested;
static struct lws_context *signal_ctx;
static bool signal_libev;

/*
 * With poll, lws_service() returns after each wakeup, and a cancel wakes
 * it. With libev it returns only when the loop is broken, which lws does
 * on SIGINT (its own watcher): so SIGTERM becomes SIGINT there.
 */
static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (signal_libev)
		kill(getpid(), SIGINT);
	else if (signal_ctx != NULL)
		lws_cancel_service(signal_ctx);
}

/* The held request lines (log_hold_requests) go out at least every
 * log_hold_ms, also when no further answer comes to push them. */
static lws_sorted_usec_list_t log_flush_sul;
static struct lws_context *log_flush_ctx;
static int log_flush_ms;

static void
log_flush_tick(lws_sorted_usec_list_t *sul)
{
	log_flush();
	lws_sul_schedule(log_flush_ctx, 0, sul, log_flush_tick,
	    (lws_usec_t)log_flush_ms * LWS_US_PER_MS);
}

/* Raise the soft fd limit to the hard one; the limit now. */
static long
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? 1048576 : (long)rl.rlim_cur;
}

/* "http://host:port[/...]" -> host, port; false when not such a URL. */
static bool
parse_url(const char *url, char *host, size_t hostlen, int *port)
{
	const char *p, *colon, *end;
	long v;
	char *e;

	if (strncmp(url, "http://", 7) != 0)
		return false;
	p = url + 7;
	end = p + strcspn(p, "/?");
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon == NULL) {
		*port = 80;
		colon = end;
	} else {
		v = strtol(colon + 1, &e, 10);
		if (e != end || v < 1 || v > 65535)
			return false;
		*port = (int)v;
	}
	if (colon == p || (size_t)(colon - p) + 1 > hostlen)
		return false;
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = '\0';
	return true;
}

/*
 * A host name into its numeric address, in place, once at start. The lws
 * 4.1 here has no asynchronous resolver (LWS_WITH_SYS_ASYNC_DNS is off),
 * so a name given to an upstream connection would be resolved with a
 * blocking getaddrinfo() inside the event loop, stalling every client
 * while DNS answers. So discovery's address is resolved here, before the
 * loop, and discovery's lists are taken with numeric addresses only
 * (pool.c; services register their address, `hostname -i` in compose).
 */
static bool
resolve_once(char *host, size_t hostlen)
{
	struct addrinfo hints, *res = NULL;
	int err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;	/* the gateway listens IPv4 only */
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(host, NULL, &hints, &res)) != 0 ||
	    res == NULL) {
		log_warnx("cannot resolve '%s': %s", host, gai_strerror(err));
		return false;
	}
	if (getnameinfo(res->ai_addr, res->ai_addrlen, host, (socklen_t)hostlen,
	    NULL, 0, NI_NUMERICHOST) != 0) {
		log_warnx("cannot resolve '%s'", host);
		freeaddrinfo(res);
		return false;
	}
	freeaddrinfo(res);
	return true;
}

/* Settings into gw; false (logged) when discovery_url is no URL. */
static bool
gateway_settings(struct gateway *gw, long fd_limit)
{
	struct config *c = gw->cfg;

	gw->upstream_timeout_ms = (int)config_int(c, "upstream_timeout_ms");
	gw->max_upstream_conns = (int)config_int(c, "max_upstream_conns");
	gw->max_in_flight = (int)config_int(c, "max_in_flight");
	gw->ws_queue_max = (int)config_int(c, "ws_queue_max");
	gw->replay_max = (int)config_int(c, "replay_max");
	gw->ping_interval_s = (int)config_int(c, "ping_interval");
	gw->ws_sndbuf = (int)config_int(c, "ws_sndbuf");
	gw->cache_ttl_ms = config_int(c, "cache_ttl_ms");
	gw->max_http_conns = (int)config_int(c, "max_http_conns");
	gw->max_conns_per_addr = (int)config_int(c, "max_conns_per_addr");
	gw->login_free_failures = (int)config_int(c, "login_free_failures");
	gw->login_backoff_max_s = (int)config_int(c, "login_backoff_max");
	if (config_str(c, "max_connections") != NULL)
		gw->max_connections = (int)config_int(c, "max_connections");
	else
		gw->max_connections = (int)(fd_limit > FD_MARGIN * 2 ?
		    fd_limit - FD_MARGIN : fd_limit / 2);
	if (!parse_url(config_str(c, "discovery_url"),
	    gw->discovery_host, sizeof(gw->discovery_host),
	    &gw->discovery_port)) {
		log_warnx("discovery_url '%s' is not an http://host:port URL",
		    config_str(c, "discovery_url"));
		return false;
	}
	if (strcmp(config_str(c, "event_loop"), "poll") != 0 &&
	    strcmp(config_str(c, "event_loop"), "libev") != 0) {
		log_warnx("event_loop '%s' is not poll or libev",
		    config_str(c, "event_loop"));
		return false;
	}
	return resolve_once(gw->discovery_host, sizeof(gw->discovery_host));
}

/*
 * The listening sockets, opened before anything else starts so that a
 * port that cannot be had ends the process at once: port (shared when
 * reuse_port) into fds[0], ops_port (never shared) into fds[1] or -1.
 */
static bool
gateway_listen(struct gateway *gw, int fds[2])
{
	const char *bind_addr = config_str(gw->cfg, "bind");
	int port = (int)config_int(gw->cfg, "port");
	int ops_port = (int)config_int(gw->cfg, "ops_port");
	char err[256];

	fds[0] = fds[1] = -1;
	if (ops_port == port) {
		log_warnx("ops_port %d is port: it must be a port of its own",
		    ops_port);
		return false;
	}
	fds[0] = acceptor_open(bind_addr, port,
	    config_bool(gw->cfg, "reuse_port"), err, sizeof(err));
	if (fds[0] < 0) {
		log_warnx("%s", err);
		return false;
	}
	if (ops_port != 0 &&
	    (fds[1] = acceptor_open(bind_addr, ops_port, false, err,
	    sizeof(err))) < 0) {
		log_warnx("ops_port: %s", err);
		close(fds[0]);
		fds[0] = -1;
		return false;
	}
	return true;
}

static struct lws_context *
gateway_context(struct gateway *gw)
{
	static const lws_retry_bo_t no_validity = {
		.secs_since_valid_ping = 0,
		.secs_since_valid_hangup = 0,
	};
	static const struct lws_protocol_vhost_options pvo_default = {
		NULL, NULL, "default", "1"
	};
	static const struct lws_protocol_vhost_options pvo = {
		NULL, &pvo_default, FEED_PROTOCOL, ""
	};
	static struct lws_protocols protocols[] = {
		{ "http", front_callback, 0, 0, 0, NULL, 0 },
		{ FEED_PROTOCOL, ws_callback, 0, 512, 0, NULL, 0 },
		{ UPSTREAM_PROTOCOL, upstream_callback, 0, 0, 0, NULL, 0 },
		{ LISTENER_PROTOCOL, listener_callback, 0, 0, 0, NULL, 0 },
		{ ACCEPTOR_PROTOCOL, acceptor_callback, 0, 0, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 }
	};
	struct lws_context_creation_info info;

	protocols[0].per_session_data_size = front_sess_size();
	protocols[1].per_session_data_size = ws_sess_size();
	/*
	 * An answer in one send(2), and a service's answer read in one
	 * recv(2). lws cuts a write into sends of the protocol's
	 * tx_packet_size (else its rx_buffer_size, else pt_serv_buf_size,
	 * 4096 bytes), each in a turn of the loop of its own, and reads an
	 * HTTP connection pt_serv_buf_size bytes at a time. A home page of
	 * 20 tweets with their counts and flags is about 10 KB: three sends
	 * and three reads, where a bench mix's request used to need two.
	 * The send size limits only how much one send(2) is offered (the
	 * kernel takes what its buffer holds, lws keeps the rest); the read
	 * buffer is one per service thread. Neither is memory per
	 * connection: the feed protocol keeps its own 512-byte buffer.
	 */
	protocols[0].tx_packet_size = 64 * 1024;
	memset(&info, 0, sizeof(info));
	info.pt_serv_buf_size = 16 * 1024;
	/* the listening sockets are the gateway's own (acceptor.h) */
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.pvo = &pvo;
	info.retry_and_idle_policy = &no_validity;
	info.user = gw;
	/*
	 * HTTP/1.1 only; HTTP/2 (h2c) is not served. With prior knowledge
	 * the option LWS_SERVER_OPTION_H2_PRIOR_KNOWLEDGE stays off, so lws
	 * drops the connection; "Upgrade: h2c" is declined and the request
	 * answered in HTTP/1.1 (front_confirm_upgrade(); curl --http2 carries
	 * on in HTTP/1.1), and should a request still come on an HTTP/2
	 * stream it gets 400 (front_req_new()). Why: on an HTTP/2 stream lws
	 * 4.1 keeps no custom header (lws_hdr_custom_copy() refuses h2
	 * streams), so Idempotency-Key and X-Request-Id would be silently
	 * lost and a retried POST could post twice; header values come out
	 * of HPACK with CR and LF unchecked by lws; and HTTP/2 adds attack
	 * surface (stream floods, rapid reset) for no gain to a JSON API
	 * whose clients keep HTTP/1.1 connections alive. One protocol,
	 * checked once in front.c.
	 */
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	/*
	 * The loop: lws's poll() walks every socket on each wakeup, libev's
	 * epoll only the ready ones (lws loads it as a plugin). Measured with
	 * 10,000 idle feed sockets, a POST's round trip: poll 20-34 ms,
	 * libev 3-4 ms (3.5 ms with none open); GET /users/1 with wrk, 32
	 * connections: poll 8.5-10.3k req/s, p99 0.3-0.5 s; libev
	 * 11.0-12.3k req/s, p99 7-62 ms. So libev is the default.
	 */
	if (strcmp(config_str(gw->cfg, "event_loop"), "libev") == 0)
		info.options |= LWS_SERVER_OPTION_LIBEV;
	info.timeout_secs = 30;
	return lws_create_context(&info);
}

int
main(int argc, char **argv)
{
	struct process proc;
	struct gateway gw;
	const char *url;
	long fd_limit;
	int lfd[2] = { -1, -1 };
	int ret = 1;

	/* Signals come by handler, to wake the event loop: not blocked. */
	process_load(&proc, "gateway", "gateway", gateway_config, argc, argv);
	memset(&gw, 0, sizeof(gw));
	gw.cfg = proc.cfg;
	gw.secret = proc.secret;
	gw.secret_len = proc.secret_len;
	gw.svcauth = proc.svcauth;
	fd_limit = raise_fd_limit();
	if (!gateway_settings(&gw, fd_limit) || !gateway_listen(&gw, lfd))
		goto out;
	gw.ratelimit = ratelimit_new((int)config_int(gw.cfg, "rate_limit"),
	    (int)config_int(gw.cfg, "rate_window"), RATELIMIT_KEYS);
	gw.login_backoff = backoff_new(gw.login_free_failures,
	    gw.login_backoff_max_s, RATELIMIT_KEYS);
	gw.tokens = token_cache_new(TOKEN_CACHE_MAX);
	gw.conns = conns_new(gw.max_http_conns, gw.max_conns_per_addr,
	    (size_t)fd_limit);
	gw.cache = cache_new((size_t)config_int(gw.cfg, "cache_max"),
	    (size_t)config_int(gw.cfg, "cache_max_bytes"), gw.cache_ttl_ms);
	gw.feed = feed_new((size_t)gw.ws_queue_max);

	lws_set_log_level(getenv("CHIRP_LWS_DEBUG") ? LLL_ERR | LLL_WARN |
	    LLL_NOTICE | LLL_INFO : LLL_ERR, gateway_lws_log);
	gw.ctx = gateway_context(&gw);
	if (gw.ctx == NULL) {
		log_warnx("cannot start the event loop");
		goto out;
	}
	gw.vhost = lws_get_vhost_by_name(gw.ctx, "default");
	/* from here the event loop owns (and closes) the sockets */
	if (!acceptor_start(&gw, lfd[0], "port") ||
	    (lfd[1] >= 0 && !acceptor_start(&gw, lfd[1], "ops_port"))) {
		lfd[0] = lfd[1] = -1;
		goto out;
	}
	lfd[0] = lfd[1] = -1;
	signal_ctx = gw.ctx;
	signal_libev = strcmp(config_str(gw.cfg, "event_loop"), "libev") == 0;
	if (!signal_libev)
		signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	revocations_start(&gw);
	gw.user_log = logsync_new(&gw, "user log", SERVICE_USER,
	    bus_events_user_apply, bus_events_user_lost);
	gw.tweet_log = logsync_new(&gw, "tweet log", SERVICE_TWEET,
	    bus_events_tweet_apply, bus_events_tweet_lost);
	gw.notify_log = logsync_new(&gw, "notify log", SERVICE_NOTIFY,
	    bus_events_notify_apply, bus_events_notify_lost);
	if ((url = config_str(gw.cfg, "user_bus_url")) != NULL && *url) {
		gw.user_bus = listener_new(&gw, "user bus", url, CHANNEL_USER,
		    bus_events_user, bus_events_user_connected, &gw);
		listener_start(gw.user_bus);
	} else {
		log_warnx("no user_bus_url: follow lists are not cached");
	}
	if ((url = config_str(gw.cfg, "tweet_bus_url")) != NULL && *url) {
		gw.tweet_bus = listener_new(&gw, "tweet bus", url,
		    CHANNEL_TWEET, bus_events_tweet,
		    bus_events_tweet_connected, &gw);
		listener_start(gw.tweet_bus);
	} else {
		log_warnx("no tweet_bus_url: the live feed gets no events");
	}
	if ((url = config_str(gw.cfg, "notify_bus_url")) != NULL && *url) {
		gw.notify_bus = listener_new(&gw, "notify bus", url,
		    CHANNEL_NOTIFY, bus_events_notify,
		    bus_events_notify_connected, &gw);
		listener_start(gw.notify_bus);
	} else {
		log_info("no notify_bus_url: the live feed carries no "
		    "notifications");
	}
	ws_start(&gw);
	gw.discovery = discovery_client_start(&gw);
	if ((log_flush_ms = (int)config_int(gw.cfg, "log_hold_ms")) > 0) {
		log_flush_ctx = gw.ctx;
		log_hold_requests(log_flush_ms);
		lws_sul_schedule(gw.ctx, 0, &log_flush_sul, log_flush_tick,
		    (lws_usec_t)log_flush_ms * LWS_US_PER_MS);
	}
	log_info("listening on %s:%lld%s, up to %d live connections, %s loop",
	    config_str(gw.cfg, "bind"), config_int(gw.cfg, "port"),
	    config_bool(gw.cfg, "reuse_port") ? " (shared)" : "",
	    gw.max_connections, config_str(gw.cfg, "event_loop"));
	if (config_int(gw.cfg, "ops_port") != 0)
		log_info("this process alone on %s:%lld",
		    config_str(gw.cfg, "bind"), config_int(gw.cfg, "ops_port"));

	while (!stop_requested)
		if (lws_service(gw.ctx, 0) < 0 || signal_libev)
			break;	/* libev: the loop was broken, by a signal */

	log_info("shutting down");
	gw.stopping = true;
	lws_sul_cancel(&log_flush_sul);
	log_hold_requests(0);
	listener_stop(gw.user_bus);
	listener_stop(gw.tweet_bus);
	listener_stop(gw.notify_bus);
	logsync_stop(gw.user_log);
	logsync_stop(gw.tweet_log);
	logsync_stop(gw.notify_log);
	discovery_client_stop(gw.discovery);
	ws_stop(&gw);
	revocations_stop(&gw);
	upstream_shutdown(&gw);
	ret = 0;
out:
	if (lfd[0] >= 0)
		close(lfd[0]);
	if (lfd[1] >= 0)
		close(lfd[1]);
	if (gw.ctx != NULL) {
		signal_ctx = NULL;
		lws_context_destroy(gw.ctx);
	}
	acceptor_free(&gw);
	listener_free(gw.user_bus);
	listener_free(gw.tweet_bus);
	listener_free(gw.notify_bus);
	logsync_free(gw.user_log);
	logsync_free(gw.tweet_log);
	logsync_free(gw.notify_log);
	discovery_client_free(gw.discovery);
	ws_free(&gw);
	revocations_free(&gw);
	feed_free(gw.feed);
	cache_free(gw.cache);
	ratelimit_free(gw.ratelimit);
	backoff_free(gw.login_backoff);
	token_cache_free(gw.tokens);
	conns_free(gw.conns);
	pool_free(&gw);
	process_free(&proc);
	return ret;
}
