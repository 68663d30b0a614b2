/*
 * bare_ws.c: the baseline of the gateway's memory per live connection. A
 * bare libwebsockets server with the gateway's settings (the feed
 * protocol's 512-byte rx buffer, no validity timer, libev, IPv4 only)
 * that answers every WebSocket upgrade and sends {"type":"ready"}, and
 * nothing else: what lws itself costs per socket. feed_fanout --bare
 * connects to it.
 *
 *   bare_ws PORT
 *
 * Runs until it is killed (SIGINT ends lws's libev loop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <libwebsockets.h>

static int
bare_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	static const char ready[] = "{\"type\":\"ready\"}";
	unsigned char buf[LWS_PRE + sizeof(ready)];

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		memcpy(buf + LWS_PRE, ready, sizeof(ready) - 1);
		if (lws_write(wsi, buf + LWS_PRE, sizeof(ready) - 1,
		    LWS_WRITE_TEXT) < 0)
			return -1;
		break;
	default:
		break;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const lws_retry_bo_t no_validity = { 0 };
	static const struct lws_protocol_vhost_options pvo_default = {
		NULL, NULL, "default", "1"
	};
	static const struct lws_protocol_vhost_options pvo = {
		NULL, &pvo_default, "chirp-feed", ""
	};
	static const struct lws_protocols protocols[] = {
		{ "http", lws_callback_http_dummy, 0, 0, 0, NULL, 0 },
		{ "chirp-feed", bare_callback, 0, 512, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 }
	};
	struct lws_context_creation_info info;
	struct lws_context *ctx;
	struct rlimit rl;

	if (argc != 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: bare_ws PORT\n");
		return 1;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = atoi(argv[1]);
	info.protocols = protocols;
	info.pvo = &pvo;
	info.retry_and_idle_policy = &no_validity;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6 |
	    LWS_SERVER_OPTION_LIBEV;
	info.timeout_secs = 30;
	if ((ctx = lws_create_context(&info)) == NULL) {
		fprintf(stderr, "bare_ws: cannot listen on port %s\n", argv[1]);
		return 1;
	}
	printf("bare_ws: listening on %d\n", info.port);
	fflush(stdout);
	while (lws_service(ctx, 0) >= 0)
		;
	lws_context_destroy(ctx);
	return 0;
}
