/*
 * feed_client.c: the live feed (GET /ws) on a libwebsockets client. One
 * lws context with two protocols: the feed itself and "raw" file
 * descriptors the caller adopts into the same loop (chirp-tui's terminal).
 *
 * It connects with "Authorization: Bearer" and after a lost connection
 * tries again after 1 s, 2 s, ... up to 30 s; a 401 ends the tries
 * (FEED_REFUSED). Each try resumes with cursor=<the cursor of the last
 * event received>, exact across gateways, or, when the server sent no
 * cursor (an older gateway) or a "reset" made it void, with since=<newest
 * tweet id seen>. A cursor is checked before it goes back into a URL. A
 * tweet id already handed to the caller is never handed again, so a since=
 * replay that overlaps what was seen does not repeat it.
 */
#include "feed_client.h"

#include <sys/queue.h>

#include <dlfcn.h>
#include <inttypes.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "model.h"
#include "validate.h"
#include "xmalloc.h"

#define FEED_BACKOFF_MIN_S 1
#define FEED_BACKOFF_MAX_S 30
#define FEED_FRAME_MAX (256 * 1024)
#define FEED_SEEN 512		/* recent tweet ids remembered */
#define FEED_PROTOCOL "chirp-feed"
#define FEED_RAW_PROTOCOL "chirp-raw"

#ifndef CHIRP_LWS_SONAME
#define CHIRP_LWS_SONAME "libwebsockets.so.17"
#endif

/*
 * libwebsockets is loaded (dlopen) by the first feed_client_new(), not
 * linked: only `chirp watch` and chirp-tui's live view need it, and
 * mapping it (with OpenSSL, libcap, libuv...) cost every other chirp
 * command a few milliseconds (issue 11). These are the functions this
 * file calls, as lws.NAME for lws_NAME.
 */
#define FEED_LWS_FUNCS(X) \
	X(add_http_header_by_token) \
	X(adopt_descriptor_vhost) \
	X(cancel_service) \
	X(client_connect_via_info) \
	X(context_destroy) \
	X(context_user) \
	X(create_context) \
	X(get_context) \
	X(get_opaque_user_data) \
	X(get_vhost_by_name) \
	X(http_client_http_response) \
	X(is_final_fragment) \
	X(parse_uri) \
	X(remaining_packet_payload) \
	X(service) \
	X(set_log_level) \
	X(set_opaque_user_data) \
	X(set_timeout) \
	X(sul_cancel) \
	X(sul_schedule)

static struct {
#define FEED_LWS_FIELD(f) __typeof__(lws_##f) *f;
	FEED_LWS_FUNCS(FEED_LWS_FIELD)
	bool ok;
} lws;
static pthread_once_t feed_client_once = PTHREAD_ONCE_INIT;

/* Load libwebsockets, once per process; lws.ok says whether it worked. */
static void
feed_client_load(void)
{
	void *h;

	h = dlopen(CHIRP_LWS_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		log_warnx("cannot load %s for the live feed: %s",
		    CHIRP_LWS_SONAME, dlerror());
		return;
	}
#define FEED_LWS_LOAD(f) \
	if ((*(void **)&lws.f = dlsym(h, "lws_" #f)) == NULL) { \
		log_warnx("%s has no lws_%s", CHIRP_LWS_SONAME, #f); \
		return; \
	}
	FEED_LWS_FUNCS(FEED_LWS_LOAD)
	/* the handle stays open: the library is used until the end */
	lws.ok = true;
}

struct feed_watch {
	int fd;			/* the caller's */
	void (*fn)(int, void *);
	void *arg;
	SLIST_ENTRY(feed_watch) entry;	/* fc->watches */
};

struct feed_client {
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	struct lws *wsi;	/* the feed connection, NULL between tries */
	lws_sorted_usec_list_t retry_sul;
	lws_sorted_usec_list_t wake_sul;

	/* where to connect: pieces of url, parsed by lws_parse_uri */
	char *url;
	const char *address;
	const char *base_path;
	int port;
	int tls;
	char *auth;		/* "Bearer TOKEN" */

	int64_t since;
	char cursor[FEED_CURSOR_MAX + 1];	/* "" none: since= instead */
	int sent_cursor;	/* this try asked for cursor= */
	int64_t seen[FEED_SEEN];
	size_t nseen;

	char *frame;		/* a message being reassembled */
	size_t frame_len;
	int frame_oversize;

	int backoff_s;
	int retry_now;		/* feed_client_reconnect: no wait */
	enum feed_state state;
	int stopped;
	int destroying;

	void (*on_event)(json_t *, const char *, void *);
	void (*on_state)(enum feed_state, int, void *);
	void *arg;
	SLIST_HEAD(, feed_watch) watches;
};

static void feed_client_connect(lws_sorted_usec_list_t *);

static void
feed_client_set_state(struct feed_client *fc, enum feed_state st,
    int retry_in_s)
{
	fc->state = st;
	if (fc->on_state != NULL && !fc->destroying)
		fc->on_state(st, retry_in_s, fc->arg);
}

/* Schedule the next try after the current backoff, then double it. */
static void
feed_client_schedule_retry(struct feed_client *fc)
{
	int delay = fc->backoff_s;

	if (fc->stopped || fc->destroying || fc->state == FEED_REFUSED)
		return;
	if (fc->retry_now) {
		fc->retry_now = 0;
		lws.sul_schedule(fc->ctx, 0, &fc->retry_sul,
		    feed_client_connect, 1);
		return;
	}
	fc->backoff_s = delay * 2 > FEED_BACKOFF_MAX_S ? FEED_BACKOFF_MAX_S :
	    delay * 2;
	feed_client_set_state(fc, FEED_RECONNECTING, delay);
	lws.sul_schedule(fc->ctx, 0, &fc->retry_sul, feed_client_connect,
	    (lws_usec_t)delay * LWS_US_PER_SEC);
}

static int
feed_client_seen(const struct feed_client *fc, int64_t id)
{
	size_t i, n = fc->nseen < FEED_SEEN ? fc->nseen : FEED_SEEN;

	for (i = 0; i < n; i++)
		if (fc->seen[i] == id)
			return 1;
	return 0;
}

static void
feed_client_remember(struct feed_client *fc, int64_t id)
{
	fc->seen[fc->nseen % FEED_SEEN] = id;
	fc->nseen++;
	if (id > fc->since)
		fc->since = id;
}

enum feed_event
feed_client_parse(const char *raw, size_t len, json_t **out, int64_t *id)
{
	json_error_t jerr;
	json_t *ev = json_loadb(raw, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *type;
	enum feed_event kind = FEED_EVENT_OTHER;

	*out = NULL;
	*id = 0;
	if (!json_is_object(ev) ||
	    (type = json_string_value(json_object_get(ev, "type"))) == NULL) {
		json_decref(ev);
		return FEED_EVENT_BAD;
	}
	if (strcmp(type, "tweet") == 0) {
		/* The same id rule as the API's: no sign, space or zero. */
		if (!model_get_id(json_object_get(ev, "tweet"), "tweetId",
		    id)) {
			json_decref(ev);
			return FEED_EVENT_BAD;
		}
		kind = FEED_EVENT_TWEET;
	} else if (strcmp(type, "delete") == 0) {
		if (!model_get_id(ev, "tweetId", id)) {
			json_decref(ev);
			return FEED_EVENT_BAD;
		}
		kind = FEED_EVENT_DELETE;
	} else if (strcmp(type, "ready") == 0)
		kind = FEED_EVENT_READY;
	else if (strcmp(type, "reset") == 0)
		kind = FEED_EVENT_RESET;
	*out = ev;
	return kind;
}

int
feed_client_event_cursor(const json_t *ev, const char **cursor)
{
	const json_t *c = json_object_get(ev, "cursor");

	*cursor = NULL;
	if (c == NULL)
		return 0;
	if (!json_is_string(c) ||
	    !validate_feed_cursor(json_string_value(c), json_string_length(c)))
		return -1;
	*cursor = json_string_value(c);
	return 1;
}

/*
 * The position after ev: its cursor when it has a good one; a bad one, or
 * a reset, voids the one held so that the next try falls back to since=.
 */
static void
feed_client_track(struct feed_client *fc, const json_t *ev,
    enum feed_event kind)
{
	const char *c;

	switch (feed_client_event_cursor(ev, &c)) {
	case 1:
		snprintf(fc->cursor, sizeof(fc->cursor), "%s", c);
		return;
	case -1:
		fc->cursor[0] = '\0';
		return;
	default:
		break;
	}
	if (kind == FEED_EVENT_RESET)
		fc->cursor[0] = '\0';
}

/* One whole text message: parse, track since, hand it on. */
static void
feed_client_message(struct feed_client *fc, const char *raw, size_t len)
{
	json_t *ev;
	int64_t id;

	enum feed_event kind;

	kind = feed_client_parse(raw, len, &ev, &id);
	if (kind == FEED_EVENT_BAD)
		return;
	/* a tweet already seen still moves the position on */
	feed_client_track(fc, ev, kind);
	switch (kind) {
	case FEED_EVENT_BAD:
		return;
	case FEED_EVENT_TWEET:
		if (feed_client_seen(fc, id))
			goto out;
		feed_client_remember(fc, id);
		break;
	case FEED_EVENT_READY:
		fc->backoff_s = FEED_BACKOFF_MIN_S;
		feed_client_set_state(fc, FEED_LIVE, 0);
		break;
	case FEED_EVENT_DELETE:
	case FEED_EVENT_RESET:
	case FEED_EVENT_OTHER:
		break;
	}
	if (fc->on_event != NULL)
		fc->on_event(ev, raw, fc->arg);
out:
	json_decref(ev);
}

static int
feed_client_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct feed_client *fc = lws.context_user(lws.get_context(wsi));
	unsigned char **p, *end;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (fc == NULL || fc->auth == NULL)
			break;
		p = (unsigned char **)in;
		end = *p + len;
		if (lws.add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)fc->auth,
		    (int)strlen(fc->auth), p, end))
			return -1;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		fc->frame_len = 0;
		fc->frame_oversize = 0;
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (fc->frame_len + len > FEED_FRAME_MAX)
			fc->frame_oversize = 1;
		if (!fc->frame_oversize) {
			fc->frame = xrealloc(fc->frame, fc->frame_len + len + 1);
			memcpy(fc->frame + fc->frame_len, in, len);
			fc->frame_len += len;
			fc->frame[fc->frame_len] = '\0';
		}
		if (!lws.is_final_fragment(wsi) ||
		    lws.remaining_packet_payload(wsi) > 0)
			break;
		if (!fc->frame_oversize && fc->frame_len > 0)
			feed_client_message(fc, fc->frame, fc->frame_len);
		fc->frame_len = 0;
		fc->frame_oversize = 0;
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (fc == NULL || wsi != fc->wsi)
			break;
		fc->wsi = NULL;
		if ((in != NULL && strstr((const char *)in, "unauthorized")) ||
		    lws.http_client_http_response(wsi) == 401) {
			feed_client_set_state(fc, FEED_REFUSED, 0);
			break;
		}
		/* a cursor the server will not take: ask with since= next */
		if (fc->sent_cursor &&
		    lws.http_client_http_response(wsi) == 400)
			fc->cursor[0] = '\0';
		feed_client_schedule_retry(fc);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (fc == NULL || wsi != fc->wsi)
			break;
		fc->wsi = NULL;
		feed_client_schedule_retry(fc);
		break;
	default:
		break;
	}
	return 0;
}

/* A caller's fd became readable. */
static int
feed_client_raw_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct feed_watch *w = lws.get_opaque_user_data(wsi);

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (w != NULL)
			w->fn(w->fd, w->arg);
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols feed_client_protocols[] = {
	{ FEED_PROTOCOL, feed_client_callback, 0, 4096, 0, NULL, 0 },
	{ FEED_RAW_PROTOCOL, feed_client_raw_callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/*
 * The client pings after 30 s without a word from the server and gives
 * the connection up 30 s later, so a dead server is noticed.
 */
static const lws_retry_bo_t feed_client_idle = {
	.secs_since_valid_ping = 30,
	.secs_since_valid_hangup = 60,
};

/* One try (a sul callback, so it also serves the scheduled retries). */
static void
feed_client_connect(lws_sorted_usec_list_t *sul)
{
	struct feed_client *fc = lws_container_of(sul, struct feed_client,
	    retry_sul);
	struct lws_client_connect_info i;
	char path[1024];

	if (fc->stopped || fc->destroying || fc->wsi != NULL)
		return;
	/* the cursor was checked when it came: it needs no escaping */
	fc->sent_cursor = fc->cursor[0] != '\0';
	if (fc->sent_cursor)
		snprintf(path, sizeof(path), "/%s%sws?cursor=%s", fc->base_path,
		    fc->base_path[0] != '\0' ? "/" : "", fc->cursor);
	else if (fc->since > 0)
		snprintf(path, sizeof(path), "/%s%sws?since=%" PRId64,
		    fc->base_path, fc->base_path[0] != '\0' ? "/" : "",
		    fc->since);
	else
		snprintf(path, sizeof(path), "/%s%sws", fc->base_path,
		    fc->base_path[0] != '\0' ? "/" : "");

	memset(&i, 0, sizeof(i));
	i.context = fc->ctx;
	i.vhost = fc->vhost;
	i.address = fc->address;
	i.port = fc->port;
	i.path = path;
	i.host = fc->address;
	i.origin = fc->address;
	i.ssl_connection = fc->tls ? LCCSCF_USE_SSL : 0;
	/* No subprotocol asked: the server's feed protocol is its default */
	i.protocol = NULL;
	i.local_protocol_name = FEED_PROTOCOL;
	i.retry_and_idle_policy = &feed_client_idle;
	i.pwsi = &fc->wsi;

	feed_client_set_state(fc, FEED_CONNECTING, 0);
	if (lws.client_connect_via_info(&i) == NULL) {
		/* an error callback may already have scheduled the retry */
		fc->wsi = NULL;
		if (fc->state == FEED_CONNECTING)
			feed_client_schedule_retry(fc);
	}
}

struct feed_client *
feed_client_new(const struct feed_client_config *cfg)
{
	struct lws_context_creation_info info;
	struct feed_client *fc = xcalloc(1, sizeof(*fc));
	const char *prot, *path;
	char *p;

	pthread_once(&feed_client_once, feed_client_load);
	if (!lws.ok) {
		free(fc);
		return NULL;
	}
	SLIST_INIT(&fc->watches);
	fc->url = xstrdup(cfg->server);
	/* strip trailing slashes so "http://h:1/" gives the path "ws" */
	for (p = fc->url + strlen(fc->url); p > fc->url && p[-1] == '/'; p--)
		p[-1] = '\0';
	if (lws.parse_uri(fc->url, &prot, &fc->address, &fc->port, &path)) {
		free(fc->url);
		free(fc);
		return NULL;
	}
	while (*path == '/')
		path++;
	fc->base_path = path;
	if (fc->port <= 0)
		fc->port = 80;
	fc->tls = strcmp(prot, "https") == 0 || strcmp(prot, "wss") == 0;
	if (cfg->token != NULL)
		fc->auth = xasprintf("Bearer %s", cfg->token);
	fc->since = cfg->since;
	fc->on_event = cfg->on_event;
	fc->on_state = cfg->on_state;
	fc->arg = cfg->arg;
	fc->backoff_s = FEED_BACKOFF_MIN_S;
	fc->state = FEED_CONNECTING;

	/* lws talks on stderr; chirp's clients say what matters themselves */
	lws.set_log_level(getenv("CHIRP_FEED_DEBUG") != NULL ?
	    LLL_ERR | LLL_WARN | LLL_NOTICE : 0, NULL);

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = feed_client_protocols;
	info.user = fc;
	info.gid = -1;
	info.uid = -1;
	if (fc->tls)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	fc->ctx = lws.create_context(&info);
	if (fc->ctx == NULL)
		goto fail;
	fc->vhost = lws.get_vhost_by_name(fc->ctx, "default");

	/* the first try runs from the first feed_client_service() */
	lws.sul_schedule(fc->ctx, 0, &fc->retry_sul, feed_client_connect, 1);
	return fc;
fail:
	free(fc->auth);
	free(fc->url);
	free(fc);
	return NULL;
}

void
feed_client_free(struct feed_client *fc)
{
	struct feed_watch *w;

	if (fc == NULL)
		return;
	fc->destroying = 1;
	lws.sul_cancel(&fc->retry_sul);
	lws.sul_cancel(&fc->wake_sul);
	lws.context_destroy(fc->ctx);
	while ((w = SLIST_FIRST(&fc->watches)) != NULL) {
		SLIST_REMOVE_HEAD(&fc->watches, entry);
		free(w);
	}
	if (fc->auth != NULL) {
		memset(fc->auth, 0, strlen(fc->auth));
		free(fc->auth);
	}
	free(fc->frame);
	free(fc->url);
	free(fc);
}

static void
feed_client_wake(lws_sorted_usec_list_t *sul)
{
	(void)sul;
}

int
feed_client_service(struct feed_client *fc, int timeout_ms)
{
	if (fc->stopped)
		return -1;
	/*
	 * lws 4 ignores the poll timeout it is given and waits for its next
	 * timer: a timer of our own bounds the wait.
	 */
	if (timeout_ms > 0)
		lws.sul_schedule(fc->ctx, 0, &fc->wake_sul, feed_client_wake,
		    (lws_usec_t)timeout_ms * LWS_US_PER_MS);
	if (lws.service(fc->ctx, timeout_ms > 0 ? 0 : -1) < 0) {
		lws.sul_cancel(&fc->wake_sul);
		return -1;
	}
	lws.sul_cancel(&fc->wake_sul);
	return fc->stopped ? -1 : 0;
}

int
feed_client_watch_fd(struct feed_client *fc, int fd,
    void (*fn)(int fd, void *arg), void *arg)
{
	struct feed_watch *w;
	lws_sock_file_fd_type u;
	struct lws *wsi;
	int copy;

	/* lws closes what it adopts: give it a copy, the caller keeps fd */
	copy = dup(fd);
	if (copy == -1)
		return -1;
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	memset(&u, 0, sizeof(u));
	u.filefd = (lws_filefd_type)copy;
	wsi = lws.adopt_descriptor_vhost(fc->vhost, LWS_ADOPT_RAW_FILE_DESC, u,
	    FEED_RAW_PROTOCOL, NULL);
	if (wsi == NULL) {
		close(copy);
		free(w);
		return -1;
	}
	lws.set_opaque_user_data(wsi, w);
	SLIST_INSERT_HEAD(&fc->watches, w, entry);
	return 0;
}

void
feed_client_reconnect(struct feed_client *fc)
{
	if (fc->stopped || fc->state == FEED_REFUSED)
		return;
	fc->backoff_s = FEED_BACKOFF_MIN_S;
	if (fc->wsi != NULL) {
		/* the close callback schedules the next try, at once */
		fc->retry_now = 1;
		lws.set_timeout(fc->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
		return;
	}
	lws.sul_schedule(fc->ctx, 0, &fc->retry_sul, feed_client_connect, 1);
}

void
feed_client_stop(struct feed_client *fc)
{
	if (fc->stopped)
		return;
	fc->stopped = 1;
	lws.sul_cancel(&fc->retry_sul);
	if (fc->wsi != NULL)
		lws.set_timeout(fc->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
	feed_client_set_state(fc, FEED_CLOSED, 0);
	lws.cancel_service(fc->ctx);
}

int64_t
feed_client_since(const struct feed_client *fc)
{
	return fc->since;
}

const char *
feed_client_cursor(const struct feed_client *fc)
{
	return fc->cursor;
}
