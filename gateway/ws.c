/*
 * ws.c: the live feed over WebSocket, the only file with the WebSocket
 * protocol callbacks. A connection: upgrade checked (401/400/503 before
 * it; the claims ride on that connection's own wsi to ESTABLISHED) ->
 * followings loaded from chirp-userd while events are buffered -> with
 * cursor=, replay from the tweet log (tweetd's /internal/feed), in seq
 * order, page by page; with since=, from the home timeline, oldest first;
 * either at most replay_max entries -> {"type":"ready"} -> the buffered
 * then live events, skipping what the replay already sent.
 *
 * Every event frame carries the connection's position in two logs, the
 * tweet log's (tweetd) and the notify log's (notifyd, the recipient's
 * notifications): the cursor "t<tweet seq>-n<notify seq>", or "t<tweet
 * seq>" while the connection follows no notify log position. For each
 * log a connection keeps its position, the seq of the last frame of that
 * log it was sent (at first the log's position when it was opened, or
 * the cursor it resumes from), and skips queued events at or below it,
 * so nothing goes twice and, the queue taking every event from the
 * moment the connection exists, nothing is skipped. The frames are
 * shared without a cursor; each connection's goes in as it is sent.
 *
 * Cursor grammar (anything else of 1 to 128 of A-Z a-z 0-9 _ - resumes
 * nothing: reset, then ready):
 *   cursor = "t" seq [ "-n" seq ]
 *   seq    = "0" / nonzero-digit *digit     (a 64-bit signed integer)
 * The tweet part resumes from tweetd's /internal/feed/{user}; the notify
 * part from notifyd's /internal/feed?authors={user}, after the tweet
 * replay and before ready; without it (an older client) notifications
 * start from now. Notifications never hold up the tweets: when no notify
 * instance answers, the connection goes live with the notify position it
 * had (its cursors keep saying it) and catches up when one is back,
 * dropping live notification frames meanwhile and fetching them too.
 *
 * Pings from one cheap timer; one more walks the connections every few
 * seconds to close those whose token expired. After the user log is lost
 * every connection reloads its followings, a few at a time.
 */
#include <jansson.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#include "auth.h"
#include "bus_events.h"
#include "events.h"
#include "feed.h"
#include "gateway.h"
#include "front.h"
#include "front_proto.h"
#include "log.h"
#include "logsync.h"
#include "metrics.h"
#include "pool.h"
#include "model.h"
#include "upstream.h"
#include "validate.h"
#include "ws.h"
#include "xmalloc.h"

#define WS_ATTEMPTS 3
#define REPLAY_PAGE 100
#define TOKEN_MAX 2048
#define FOLLOWINGS_MAX 5000	/* docs/API.md: at most 5,000 followings */
#define RELOADS_MAX 16		/* follow-list reloads under way at once */
/*
 * First loads of followings under way at once. A burst of new connections
 * (a gateway restarted and its clients coming back) waits its turn in a
 * queue with no timer running, instead of piling requests onto the user
 * service that time out in the upstream queue and close the connections
 * they were for (40,000 connections to 3 gateways lost about a third so).
 */
#define LOADS_MAX 64
#define TICK_S 5		/* expiry checks and reload retries */
#define CURSOR_NEVER (-1)	/* a well-formed cursor never issued */
#define CURSOR_LEN 48		/* "t<19 digits>-n<19 digits>" and a NUL */

enum ws_admit {
	ADMIT_NONE,		/* its first load is over, or not begun */
	ADMIT_WAITING,		/* in ws_state's waiting queue */
	ADMIT_LOADING,		/* one of the LOADS_MAX */
};

enum ws_phase {
	WS_LOADING,		/* followings under way */
	WS_REPLAY,		/* a replay or catch-up under way */
	WS_LIVE,
};

struct ws_conn {
	struct gateway *gw;
	struct lws *wsi;
	struct feed_conn *fc;
	LIST_ENTRY(ws_conn) entry;	/* ws_state's list */
	TAILQ_ENTRY(ws_conn) wait_entry;	/* ws_state's waiting queue */
	enum ws_admit admit;
	int64_t user_id;
	int64_t expires_at;	/* the token's exp, seconds */
	char *token;
	bool has_since;
	int64_t since;
	bool has_cursor;
	int64_t cursor;		/* its seq, or CURSOR_NEVER */
	enum ws_phase phase;
	bool reset_due;		/* the replay cannot resume: say so */
	size_t replayed;	/* entries this replay has fetched */
	bool ready_due;
	bool ping_due;
	bool wait_pos;		/* ready to go on once pos is known */
	int close_code;		/* nonzero: close with it when writable */
	const char *close_why;
	int64_t pos;		/* the seq reached (-1: not known yet) */
	int64_t after;		/* a log replay's next page is after it */
	int64_t replay_last;	/* the log's newest seq, as last answered */
	bool replay_final;	/* a log replay's last page is being sent */
	size_t page_limit;	/* the limit of its page under way */
	int64_t floor;		/* a since= replay sent everything up to it */
	size_t filter_left;	/* queued before the replay ended */
	/* the notify log (chirp-notifyd): the recipient's notifications */
	bool has_ncursor;	/* the cursor's notify part is yet to replay */
	int64_t npos;		/* the notify seq reached; -1: none */
	int64_t nstart;		/* the gateway's notify position when the
				 * queue began taking them; -1 unknown */
	bool ncatching;		/* a notify replay is due or under way:
				 * queued notify frames are dropped and
				 * fetched by it */
	bool nretry;		/* no notify instance: again on the tick */
	int64_t nseen;		/* the newest notify seq dropped so */
	int64_t nafter;		/* a notify replay's next page is after it */
	int64_t nlast;		/* notifyd's newest seq, as last answered */
	bool nfinal;		/* a notify replay's last page is out */
	bool frames_notify;	/* the frames are a notify replay's */
	struct upstream *up;
	struct upstream *reload;	/* a follow-list reload under way */
	uint64_t follow_gen;	/* user-bus generation of the list */
	int attempts;
	struct instance *tried[WS_ATTEMPTS];
	char **frames;		/* a replay page, oldest first */
	int64_t *frame_ids;	/* since=: their tweet ids */
	int64_t *frame_seqs;	/* cursor=: their seqs */
	size_t nframes, frame_pos;
};

/* What the upgrade check found, for the ESTABLISHED that follows it on the
 * same connection: hung on that wsi (its opaque user data), so no other
 * connection can ever see it, and freed on every path that ends it. */
struct ws_upgrade {
	int64_t user_id;
	int64_t expires_at;
	char token[TOKEN_MAX];
	bool has_since;
	int64_t since;
	bool has_cursor;
	int64_t cursor;
	bool has_ncursor;
	int64_t ncursor;
};

struct ws_state {
	struct gateway *gw;
	LIST_HEAD(, ws_conn) conns;
	lws_sorted_usec_list_t ping;
	lws_sorted_usec_list_t tick;
	uint64_t user_gen;	/* user-bus (re)connections so far */
	struct ws_conn *reload_next;	/* the reload sweep's position */
	int reloads;		/* reloads under way */
	TAILQ_HEAD(, ws_conn) waiting;	/* first loads not begun, FIFO */
	int loads;		/* first loads under way */
	bool reload_retry;	/* some failed: sweep again on the tick */
	uint64_t sent, sent_flushed;
	uint64_t drops_flushed;
};

static void ws_load_followings(struct ws_conn *);
static void ws_admit_done(struct ws_conn *);
static void ws_replay_page(struct ws_conn *);
static void ws_log_page(struct ws_conn *);
static void ws_reload_pump(struct ws_state *);
static void ws_notify_page(struct ws_conn *);

static void
ws_request_close(struct ws_conn *c, int code, const char *why)
{
	if (c->close_code == 0) {
		c->close_code = code;
		c->close_why = why;
	}
	if (c->wsi != NULL)
		lws_callback_on_writable(c->wsi);
}

void
ws_wake(void *owner, void *arg)
{
	struct ws_conn *c = owner;

	(void)arg;
	if (feed_conn_overflowed(c->fc))
		ws_request_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		    "queue full");
	else if (c->phase == WS_LIVE)
		lws_callback_on_writable(c->wsi);
}

/* The token of an upgrade request: header, else access_token=. */
static bool
ws_token(struct lws *wsi, char *out, size_t outlen)
{
	char hdr[TOKEN_MAX + 16];
	const char *p;

	if (lws_hdr_copy(wsi, hdr, sizeof(hdr),
	    WSI_TOKEN_HTTP_AUTHORIZATION) > 0) {
		if (strncasecmp(hdr, "Bearer ", 7) != 0)
			return false;
		for (p = hdr + 7; *p == ' '; p++)
			;
		if (strlen(p) >= outlen)
			return false;
		memcpy(out, p, strlen(p) + 1);
		return out[0] != '\0';
	}
	p = lws_get_urlarg_by_name(wsi, "access_token=", out, (int)outlen);
	if (p == NULL)
		return false;
	memmove(out, p, strlen(p) + 1);	/* lws points inside out */
	return out[0] != '\0';
}

/* The value of the query argument name ("since="): 0 absent, 1 copied
 * into out, -1 longer than outlen allows. */
static int
ws_arg(struct lws *wsi, const char *name, char *out, size_t outlen)
{
	char buf[TOKEN_MAX + 64];	/* other arguments hold the token */
	size_t nl = strlen(name);
	int idx, n;

	for (idx = 0; ; idx++) {
		n = lws_hdr_copy_fragment(wsi, buf, sizeof(buf),
		    WSI_TOKEN_HTTP_URI_ARGS, idx);
		if (n < 0)
			return 0;
		if (strncmp(buf, name, nl) != 0)
			continue;
		if (strlen(buf + nl) >= outlen)
			return -1;
		memcpy(out, buf + nl, strlen(buf + nl) + 1);
		return 1;
	}
}

/* since= : 0 absent, 1 good (*since), -1 malformed. */
static int
ws_since(struct lws *wsi, int64_t *since)
{
	char v[32];
	int n = ws_arg(wsi, "since=", v, sizeof(v));

	if (n <= 0)
		return n;
	return validate_id(v, since) ? 1 : -1;
}

/* One seq of a cursor: "0" or a decimal id (validate_id: no sign, no
 * leading zero, fits 64 bits). */
static bool
ws_cursor_seq(const char *s, int64_t *out)
{
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return true;
	}
	return validate_id(s, out);
}

/*
 * cursor= : 0 absent, 1 good, -1 malformed (validate_feed_cursor). A
 * good one of the grammar at the top ("t<seq>" or "t<seq>-n<seq>") sets
 * *seq, and *has_n and *nseq for the notify part; any other resumes
 * nothing: *seq is CURSOR_NEVER (no gateway issued it) and *has_n false.
 */
static int
ws_cursor(struct lws *wsi, int64_t *seq, bool *has_n, int64_t *nseq)
{
	char v[FEED_CURSOR_MAX + 1], *dash;
	int n = ws_arg(wsi, "cursor=", v, sizeof(v));

	*has_n = false;
	if (n <= 0)
		return n;
	if (!validate_feed_cursor(v, strlen(v)))
		return -1;
	*seq = CURSOR_NEVER;
	if ((dash = strchr(v, '-')) != NULL) {
		*dash = '\0';
		if (dash[1] != 'n' || !ws_cursor_seq(dash + 2, nseq))
			return 1;
	}
	if (v[0] != 't' || !ws_cursor_seq(v + 1, seq)) {
		*seq = CURSOR_NEVER;
		return 1;
	}
	*has_n = dash != NULL;
	return 1;
}

void
ws_upgrade_forget(struct lws *wsi)
{
	struct ws_upgrade *up = lws_get_opaque_user_data(wsi);

	if (up == NULL)
		return;
	lws_set_opaque_user_data(wsi, NULL);
	explicit_bzero(up->token, sizeof(up->token));
	free(up);
}

int
ws_confirm_upgrade(struct gateway *gw, struct lws *wsi, const char *proto)
{
	char uri[64], token[TOKEN_MAX];
	struct token_claims claims;
	struct ws_upgrade *up;
	int64_t since = 0, cursor = 0, ncursor = 0;
	bool has_n = false;
	int n, nc;

	ws_upgrade_forget(wsi);	/* nothing from an earlier request counts */
	if (strcasecmp(proto, "websocket") != 0)
		return 0;	/* h2c: lws carries on as HTTP/2 */
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 ||
	    strcmp(uri, "/ws") != 0) {
		front_refuse_now(wsi, 404, "not_found", "no such path", NULL,
		    NULL);
		return 1;
	}
	if (!ws_token(wsi, token, sizeof(token)) ||
	    !auth_token(gw, token, &claims)) {
		front_refuse_now(wsi, 401, "unauthorized",
		    "a valid access token is required", "WWW-Authenticate",
		    "Bearer");
		return 1;
	}
	if ((n = ws_since(wsi, &since)) < 0) {
		front_refuse_now(wsi, 400, "bad_request",
		    "since must be a tweet id", NULL, NULL);
		return 1;
	}
	if ((nc = ws_cursor(wsi, &cursor, &has_n, &ncursor)) < 0) {
		front_refuse_now(wsi, 400, "bad_request",
		    "cursor must be 1 to 128 of A-Z a-z 0-9 _ -", NULL, NULL);
		return 1;
	}
	if (nc == 1 && n == 1) {
		front_refuse_now(wsi, 400, "bad_request",
		    "cursor and since cannot go together", NULL, NULL);
		return 1;
	}
	if (gw->stopping ||
	    (int)feed_conn_count(gw->feed) >= gw->max_connections) {
		front_refuse_now(wsi, 503, "unavailable",
		    "the gateway is at its connection limit; retry later",
		    "Retry-After", "5");
		return 1;
	}
	up = xcalloc(1, sizeof(*up));
	up->user_id = claims.user_id;
	up->expires_at = claims.expires_at;
	memcpy(up->token, token, sizeof(up->token));
	explicit_bzero(token, sizeof(token));
	up->has_since = n == 1;
	up->since = since;
	up->has_cursor = nc == 1;
	up->cursor = cursor;
	up->has_ncursor = nc == 1 && has_n;
	up->ncursor = ncursor;
	lws_set_opaque_user_data(wsi, up);
	return 0;
}

static void
ws_frames_clear(struct ws_conn *c)
{
	size_t i;

	for (i = 0; i < c->nframes; i++)
		free(c->frames[i]);
	free(c->frames);
	free(c->frame_ids);
	free(c->frame_seqs);
	c->frames = NULL;
	c->frame_ids = NULL;
	c->frame_seqs = NULL;
	c->nframes = c->frame_pos = 0;
}

/* An instance for the next attempt of this connection's request. */
static struct instance *
ws_pick(struct ws_conn *c, enum service s)
{
	struct instance *inst;

	if (c->attempts >= WS_ATTEMPTS)
		return NULL;
	inst = pool_pick(c->gw, s, c->tried, (size_t)c->attempts);
	if (inst != NULL)
		c->tried[c->attempts++] = inst;
	return inst;
}

/* A failed attempt: next instance, or give up and close. */
static void
ws_retry(struct ws_conn *c, const struct upstream_result *r,
    void (*again)(struct ws_conn *))
{
	struct instance *inst = c->tried[c->attempts - 1];

	pool_instance_result(c->gw, inst, false);
	log_warnx("live feed of user %lld: %s instance %s failed (%d/%d)",
	    (long long)c->user_id, routes_service_name(inst->service),
	    inst->label, r->status, (int)r->error);
	again(c);
}

/*
 * An /internal/followings answer: 1 and the ids (the caller frees them),
 * 0 when another instance may do better (no answer, 502, 503, not JSON),
 * -1 when it is final: another status, or more than FOLLOWINGS_MAX ids,
 * which no user may have (refused rather than trusted).
 */
static int
ws_followings_parse(struct ws_conn *c, const struct upstream_result *r,
    int64_t **idsp, size_t *np)
{
	json_t *root = NULL, *arr, *e;
	int64_t *ids;
	size_t i, n = 0;

	*idsp = NULL;
	*np = 0;
	if (r->error == UPSTREAM_OK && r->status == 200)
		root = json_loadb(r->body, r->len, 0, NULL);
	arr = json_object_get(root, "followings");
	if (!json_is_array(arr)) {
		json_decref(root);
		return r->error == UPSTREAM_OK && r->status != 200 &&
		    r->status != 502 && r->status != 503 ? -1 : 0;
	}
	if (json_array_size(arr) > FOLLOWINGS_MAX) {
		log_warnx("live feed of user %lld: the user service listed "
		    "%zu followings (more than %d): refused",
		    (long long)c->user_id, json_array_size(arr),
		    FOLLOWINGS_MAX);
		json_decref(root);
		return -1;
	}
	ids = xcalloc(json_array_size(arr) + 1, sizeof(*ids));
	json_array_foreach(arr, i, e) {
		int64_t id;

		if (json_is_string(e) && validate_id(json_string_value(e),
		    &id))
			ids[n++] = id;
	}
	json_decref(root);
	*idsp = ids;
	*np = n;
	return 1;
}

/* The followings are known: replay, or go live. Without a cursor the
 * position the connection starts from must be known first. */
static void
ws_begin(struct ws_conn *c)
{
	if (c->has_cursor) {
		c->phase = WS_REPLAY;
		/* never issued: a seq past any, for tweetd's reset */
		c->after = c->cursor == CURSOR_NEVER ? INT64_MAX : c->cursor;
		c->pos = c->cursor;
		ws_log_page(c);
		return;
	}
	if (c->pos < 0) {
		c->wait_pos = true;
		return;
	}
	if (c->has_since) {
		c->phase = WS_REPLAY;
		c->floor = c->since;
		ws_replay_page(c);
	} else {
		c->phase = WS_LIVE;
		c->ready_due = true;
		lws_callback_on_writable(c->wsi);
	}
}

void
ws_position_known(struct gateway *gw)
{
	struct ws_conn *c;

	if (gw->ws == NULL)
		return;
	LIST_FOREACH(c, &gw->ws->conns, entry) {
		if (c->has_cursor || c->pos >= 0 || c->close_code != 0)
			continue;
		c->pos = logsync_last(gw->tweet_log);
		if (c->wait_pos) {
			c->wait_pos = false;
			ws_begin(c);
		}
	}
}

static void
followings_done(const struct upstream_result *r, void *arg)
{
	struct ws_conn *c = arg;
	int64_t *ids;
	size_t n;
	int ok;

	c->up = NULL;
	if ((ok = ws_followings_parse(c, r, &ids, &n)) < 0) {
		ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "cannot load followings");
		return;
	}
	if (ok == 0) {
		ws_retry(c, r, ws_load_followings);
		return;
	}
	pool_instance_result(c->gw, c->tried[c->attempts - 1], true);
	feed_conn_set_followings(c->gw->feed, c->fc, ids, n);
	free(ids);
	c->attempts = 0;
	ws_admit_done(c);
	if (feed_conn_overflowed(c->fc)) {
		ws_request_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		    "queue full");
		return;
	}
	ws_begin(c);
}

/* GET /internal/followings/{id} of c's user at inst (the one place that
 * builds that request: the first load and the reloads). */
static struct upstream *
ws_followings_request(struct ws_conn *c, struct instance *inst,
    upstream_done_fn *done)
{
	char path[64];

	snprintf(path, sizeof(path), "/internal/followings/%lld",
	    (long long)c->user_id);
	c->follow_gen = c->gw->ws->user_gen;
	return upstream_internal_get(c->gw, inst, path, done, c);
}

static void
ws_load_followings(struct ws_conn *c)
{
	struct instance *inst = ws_pick(c, SERVICE_USER);

	if (inst == NULL) {
		ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "user service unavailable");
		return;
	}
	c->up = ws_followings_request(c, inst, followings_done);
}

/* A new connection's first load: now, or when one of LOADS_MAX ends. */
static void
ws_admit(struct ws_conn *c)
{
	struct ws_state *st = c->gw->ws;

	if (st->loads >= LOADS_MAX) {
		c->admit = ADMIT_WAITING;
		TAILQ_INSERT_TAIL(&st->waiting, c, wait_entry);
		return;
	}
	st->loads++;
	c->admit = ADMIT_LOADING;
	ws_load_followings(c);
}

/* c's first load is over (or c is closing): let the next ones begin. */
static void
ws_admit_done(struct ws_conn *c)
{
	struct ws_state *st = c->gw->ws;
	struct ws_conn *next;

	if (c->admit == ADMIT_WAITING)
		TAILQ_REMOVE(&st->waiting, c, wait_entry);
	else if (c->admit == ADMIT_LOADING)
		st->loads--;
	c->admit = ADMIT_NONE;
	while (st->loads < LOADS_MAX && !st->gw->stopping &&
	    (next = TAILQ_FIRST(&st->waiting)) != NULL) {
		TAILQ_REMOVE(&st->waiting, next, wait_entry);
		st->loads++;
		next->admit = ADMIT_LOADING;
		ws_load_followings(next);
	}
}

/* The replay is done: go live, filtering what was queued meanwhile.
 * truncated: it stopped at replay_max entries, so there is a gap; the
 * client is told to reload over REST ({"type":"reset"}, then ready). */
static void
ws_replay_end(struct ws_conn *c, bool truncated)
{
	c->phase = WS_LIVE;
	c->filter_left = feed_conn_queued(c->fc);
	c->ready_due = true;
	c->reset_due = truncated;
	c->replayed = 0;
	lws_callback_on_writable(c->wsi);
}

static void
replay_done(const struct upstream_result *r, void *arg)
{
	struct ws_conn *c = arg;
	json_t *root = NULL, *arr, *e;
	size_t i, n;

	c->up = NULL;
	if (r->error == UPSTREAM_OK && r->status == 200)
		root = json_loadb(r->body, r->len, 0, NULL);
	arr = json_object_get(root, "tweets");
	if (!json_is_array(arr)) {
		json_decref(root);
		if (r->error == UPSTREAM_OK && r->status != 502 &&
		    r->status != 503) {
			ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
			    "cannot replay the timeline");
			return;
		}
		ws_retry(c, r, ws_replay_page);
		return;
	}
	pool_instance_result(c->gw, c->tried[c->attempts - 1], true);
	c->attempts = 0;
	n = json_array_size(arr);
	if (n == 0) {
		json_decref(root);
		ws_replay_end(c, false);
		return;
	}
	c->replayed += n;
	c->frames = xcalloc(n, sizeof(*c->frames));
	c->frame_ids = xcalloc(n, sizeof(*c->frame_ids));
	for (i = n; i-- > 0;) {		/* newest first -> oldest first */
		int64_t id;
		json_t *frame;
		char *s;

		e = json_array_get(arr, i);
		if (!model_get_id(e, "tweetId", &id))
			continue;
		/* not in the log: its cursor says the position the
		 * connection started at (ws_send_event) */
		frame = json_pack("{s:s, s:O}", "type", "tweet", "tweet", e);
		s = frame != NULL ? json_dumps(frame, JSON_COMPACT) : NULL;
		json_decref(frame);
		if (s == NULL)
			continue;
		c->frames[c->nframes] = s;
		c->frame_ids[c->nframes++] = id;
	}
	json_decref(root);
	if (c->nframes == 0) {	/* nothing usable: do not loop */
		ws_frames_clear(c);
		ws_replay_end(c, false);
		return;
	}
	lws_callback_on_writable(c->wsi);
}

static void
ws_replay_page(struct ws_conn *c)
{
	struct upstream_request req;
	struct instance *inst;
	char path[128], *auth;
	size_t max = (size_t)c->gw->replay_max, limit = REPLAY_PAGE;

	if (c->replayed >= max) {	/* bounded work: stop here */
		ws_replay_end(c, true);
		return;
	}
	if (max - c->replayed < limit)
		limit = max - c->replayed;
	inst = ws_pick(c, SERVICE_TWEET);
	if (inst == NULL) {
		ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "tweet service unavailable");
		return;
	}
	snprintf(path, sizeof(path),
	    "/tweets/homeTimeline/%lld?after=%lld&limit=%zu",
	    (long long)c->user_id, (long long)c->floor, limit);
	auth = xasprintf("Bearer %s", c->token);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.authorization = auth;
	req.timeout_ms = c->gw->upstream_timeout_ms;
	c->up = upstream_start(c->gw, inst->host, inst->port, &req,
	    replay_done, c);
	free(auth);
}

/* --- replay from the tweet log (cursor=) -------------------------------- */

/* Replays done: ready, then the queue. */
static void
ws_go_live(struct ws_conn *c)
{
	c->phase = WS_LIVE;
	c->ready_due = true;
	c->replayed = 0;
	lws_callback_on_writable(c->wsi);
}

/* Start a notify replay (or catch-up) from npos. */
static void
ws_notify_start(struct ws_conn *c)
{
	c->ncatching = true;
	c->nretry = false;
	c->nafter = c->npos;
	c->attempts = 0;
	c->replayed = 0;
	ws_notify_page(c);
}

/* The log replay is done: the position reached is the newest seq the log
 * had, when the last page said so; then the notify part of the cursor,
 * when the gateway follows that log; then live. */
static void
ws_log_end(struct ws_conn *c, bool reset)
{
	if (reset || c->replay_last > c->pos)
		c->pos = c->replay_last;
	c->reset_due = c->reset_due || reset;
	c->replayed = 0;
	if (c->has_ncursor && c->gw->notify_bus != NULL) {
		c->has_ncursor = false;
		ws_notify_start(c);
		return;
	}
	c->has_ncursor = false;
	ws_go_live(c);
}

/* The seq of a log page's row; 0 when it has none. */
static int64_t
ws_row_seq(json_t *row)
{
	json_t *seqj = json_object_get(row, "seq");

	if (!json_is_integer(seqj) || json_integer_value(seqj) < 1)
		return 0;
	return json_integer_value(seqj);
}

/*
 * One row of a log page as the frame the live feed would have sent for
 * it; false when it is none: notify false, not a tweet or delete event
 * (a like or unlike is in the tweet log but no frame); notify true, not
 * a notification or its removal for user_id.
 */
static bool
ws_log_frame(json_t *row, bool notify, int64_t user_id, char **framep)
{
	struct event ev;
	char *s;
	bool ok = false, want;

	s = json_dumps(json_object_get(row, "event"), JSON_COMPACT);
	if (s != NULL && events_decode(s, &ev) == 0) {
		if (notify)
			want = (ev.type == EVENT_NOTIFICATION ||
			    ev.type == EVENT_NOTIFICATION_DELETE) &&
			    ev.user_id == user_id;
		else
			want = ev.type == EVENT_TWEET ||
			    ev.type == EVENT_DELETE;
		if (want && (*framep = bus_events_frame(&ev)) != NULL)
			ok = true;
		events_release(&ev);
	}
	free(s);
	return ok;
}

/*
 * The frames of one replay page's rows into c->frames: those past
 * *after, which moves past every row read, framed or not (a page of
 * likes alone is read once, not again and again up to replay_max).
 */
static void
ws_page_frames(struct ws_conn *c, json_t *arr, bool notify, int64_t *after)
{
	size_t i, n = json_array_size(arr);
	json_t *row;
	int64_t seq;
	char *frame;

	c->replayed += n;
	c->frames = xcalloc(n + 1, sizeof(*c->frames));
	c->frame_seqs = xcalloc(n + 1, sizeof(*c->frame_seqs));
	json_array_foreach(arr, i, row) {
		if ((seq = ws_row_seq(row)) <= *after)
			continue;
		*after = seq;
		if (!ws_log_frame(row, notify, c->user_id, &frame))
			continue;
		c->frames[c->nframes] = frame;
		c->frame_seqs[c->nframes++] = seq;
	}
}

static void
log_replay_done(const struct upstream_result *r, void *arg)
{
	struct ws_conn *c = arg;
	json_t *root = NULL, *arr, *lastj;
	size_t n;

	c->up = NULL;
	if (r->error == UPSTREAM_OK && r->status == 200)
		root = json_loadb(r->body, r->len, 0, NULL);
	arr = json_object_get(root, "events");
	lastj = json_object_get(root, "last");
	if (!json_is_array(arr) || !json_is_integer(lastj) ||
	    json_integer_value(lastj) < 0) {
		json_decref(root);
		if (r->error == UPSTREAM_OK && r->status != 502 &&
		    r->status != 503 && r->status != 200) {
			ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
			    "cannot replay the feed");
			return;
		}
		ws_retry(c, r, ws_log_page);
		return;
	}
	pool_instance_result(c->gw, c->tried[c->attempts - 1], true);
	c->attempts = 0;
	c->replay_last = json_integer_value(lastj);
	if (json_is_true(json_object_get(root, "reset"))) {
		json_decref(root);
		ws_log_end(c, true);
		return;
	}
	n = json_array_size(arr);
	ws_page_frames(c, arr, false, &c->after);
	json_decref(root);
	/* a short page is the last: the log held nothing more up to last */
	c->replay_final = n < c->page_limit || c->after >= c->replay_last;
	if (c->nframes == 0) {
		ws_frames_clear(c);
		if (c->replay_final)
			ws_log_end(c, false);
		else
			ws_log_page(c);	/* only rows of no use: on */
		return;
	}
	lws_callback_on_writable(c->wsi);
}

/* GET the next page of the user's feed from the tweet log. */
static void
ws_log_page(struct ws_conn *c)
{
	struct instance *inst;
	char path[128];
	size_t max = (size_t)c->gw->replay_max, limit = REPLAY_PAGE;

	if (c->replayed >= max) {	/* bounded work: the rest is a gap */
		ws_log_end(c, true);
		return;
	}
	if (max - c->replayed < limit)
		limit = max - c->replayed;
	c->page_limit = limit;
	inst = ws_pick(c, SERVICE_TWEET);
	if (inst == NULL) {
		ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "tweet service unavailable");
		return;
	}
	snprintf(path, sizeof(path), "/internal/feed/%lld?after=%lld&limit=%zu",
	    (long long)c->user_id, (long long)c->after, limit);
	c->up = upstream_internal_get(c->gw, inst, path, log_replay_done, c);
}

/* --- replay from the notify log (the cursor's n part) -------------------- */

/*
 * The notify replay is done (reset: the n part could not be resumed;
 * truncated: it stopped at replay_max). Every notification after the
 * position reached must come through the queue: those from nstart on
 * (the queue takes them), and those dropped while catching up (nseen);
 * when the position is below either, another page fetches the rest.
 */
static void
ws_notify_end(struct ws_conn *c, bool reset, bool truncated)
{
	if (reset || c->nlast > c->npos)
		c->npos = c->nlast;
	if (truncated) {
		/* bounded work: a gap the client reloads over REST */
		if (c->nseen > c->npos)
			c->npos = c->nseen;
		if (c->nstart > c->npos)
			c->npos = c->nstart;
		reset = true;
	} else if (c->nseen > c->npos ||
	    (c->nstart >= 0 && c->npos < c->nstart)) {
		c->nafter = c->npos;
		ws_notify_page(c);
		return;
	}
	c->ncatching = false;
	c->nretry = false;
	c->replayed = 0;
	if (reset)
		c->reset_due = true;
	if (c->phase != WS_LIVE) {
		ws_go_live(c);
		return;
	}
	if (reset)
		c->ready_due = true;	/* reset, then ready, live */
	lws_callback_on_writable(c->wsi);
}

/* No notify instance answered: the tweets go on without waiting, the
 * notifications are fetched again on the tick. */
static void
ws_notify_unavailable(struct ws_conn *c)
{
	c->nretry = true;
	c->attempts = 0;
	if (c->phase != WS_LIVE)
		ws_go_live(c);
}

static void
notify_replay_done(const struct upstream_result *r, void *arg)
{
	struct ws_conn *c = arg;
	json_t *root = NULL, *arr, *lastj;
	struct instance *inst = c->tried[c->attempts - 1];
	size_t n;

	c->up = NULL;
	if (r->error == UPSTREAM_OK && r->status == 200)
		root = json_loadb(r->body, r->len, 0, NULL);
	arr = json_object_get(root, "events");
	lastj = json_object_get(root, "last");
	if (!json_is_array(arr) || !json_is_integer(lastj) ||
	    json_integer_value(lastj) < 0) {
		json_decref(root);
		pool_instance_result(c->gw, inst, false);
		log_warnx("live feed of user %lld: notify instance %s failed "
		    "(%d/%d)", (long long)c->user_id, inst->label, r->status,
		    (int)r->error);
		ws_notify_page(c);	/* the next instance, or later */
		return;
	}
	pool_instance_result(c->gw, inst, true);
	c->attempts = 0;
	c->nlast = json_integer_value(lastj);
	if (json_is_true(json_object_get(root, "reset"))) {
		json_decref(root);
		ws_notify_end(c, true, false);
		return;
	}
	n = json_array_size(arr);
	ws_page_frames(c, arr, true, &c->nafter);
	json_decref(root);
	c->nfinal = n < c->page_limit || c->nafter >= c->nlast;
	if (c->nframes == 0) {
		ws_frames_clear(c);
		if (c->nfinal) {
			if (c->nafter > c->npos)
				c->npos = c->nafter;
			ws_notify_end(c, false, false);
		} else {
			ws_notify_page(c);
		}
		return;
	}
	c->frames_notify = true;
	lws_callback_on_writable(c->wsi);
}

/* GET the next page of the user's notifications from the notify log. */
static void
ws_notify_page(struct ws_conn *c)
{
	struct instance *inst;
	char path[128];
	size_t max = (size_t)c->gw->replay_max, limit = REPLAY_PAGE;

	if (c->close_code != 0 || c->gw->stopping)
		return;
	if (c->replayed >= max) {
		ws_notify_end(c, false, true);
		return;
	}
	if (max - c->replayed < limit)
		limit = max - c->replayed;
	c->page_limit = limit;
	if ((inst = ws_pick(c, SERVICE_NOTIFY)) == NULL) {
		ws_notify_unavailable(c);
		return;
	}
	snprintf(path, sizeof(path),
	    "/internal/feed?after=%lld&authors=%lld&limit=%zu",
	    (long long)c->nafter, (long long)c->user_id, limit);
	c->up = upstream_internal_get(c->gw, inst, path, notify_replay_done,
	    c);
}

void
ws_notify_position_known(struct gateway *gw)
{
	struct ws_conn *c;
	int64_t p;

	if (gw->ws == NULL)
		return;
	p = logsync_last(gw->notify_log);
	LIST_FOREACH(c, &gw->ws->conns, entry) {
		if (c->close_code != 0)
			continue;
		if (c->nstart < 0)
			c->nstart = p;
		if (c->npos < 0 && !c->has_ncursor && !c->ncatching)
			c->npos = p;	/* notifications from now */
		else if (c->phase == WS_LIVE && !c->ncatching &&
		    c->npos < p && c->up == NULL)
			ws_notify_start(c);	/* what came before p */
	}
}

void
ws_close_all(struct gateway *gw, const char *reason)
{
	struct ws_conn *c;

	if (gw->ws == NULL)
		return;
	LIST_FOREACH(c, &gw->ws->conns, entry)
		ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    reason);
}

void
ws_close_user(struct gateway *gw, int64_t user_id, const char *reason)
{
	struct ws_conn *c;

	if (gw->ws == NULL)
		return;
	LIST_FOREACH(c, &gw->ws->conns, entry)
		if (c->user_id == user_id)
			ws_request_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    reason);
}

/* --- follow-list reloads after a user-bus reconnect --------------------- */

static void
reload_done(const struct upstream_result *r, void *arg)
{
	struct ws_conn *c = arg;
	struct ws_state *st = c->gw->ws;
	int64_t *ids;
	size_t n;
	int ok;

	c->reload = NULL;
	st->reloads--;
	ok = ws_followings_parse(c, r, &ids, &n);
	if (ok > 0) {
		feed_conn_set_followings(c->gw->feed, c->fc, ids, n);
		free(ids);
	} else if (ok < 0 && r->error == UPSTREAM_OK && r->status == 200) {
		/* more than any user may follow: refused */
		feed_conn_reload_abort(c->fc);
		ws_request_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		    "cannot load followings");
	} else {
		/* keep the list it has and try again on the next tick */
		feed_conn_reload_abort(c->fc);
		c->follow_gen = 0;
		st->reload_retry = true;
	}
	ws_reload_pump(st);
}

/* Start a reload of c's followings; false when no instance is up. */
static bool
ws_reload_start(struct ws_conn *c)
{
	struct instance *inst = pool_pick(c->gw, SERVICE_USER, NULL, 0);

	if (inst == NULL)
		return false;
	feed_conn_reload_begin(c->fc);
	c->gw->ws->reloads++;
	c->reload = ws_followings_request(c, inst, reload_done);
	return true;
}

/*
 * Walk on from reload_next, starting reloads of the connections whose list
 * predates the last user-bus connection, at most RELOADS_MAX at once: each
 * one that ends starts the next, so the whole sweep is O(connections).
 * A connection still loading restarts its load instead.
 */
static void
ws_reload_pump(struct ws_state *st)
{
	struct ws_conn *c;

	while (st->reloads < RELOADS_MAX && (c = st->reload_next) != NULL &&
	    !st->gw->stopping) {
		st->reload_next = LIST_NEXT(c, entry);
		if (c->follow_gen >= st->user_gen || c->close_code != 0 ||
		    c->reload != NULL)
			continue;
		if (c->phase == WS_LOADING) {
			/* its load begins later, after this generation */
			if (c->admit == ADMIT_WAITING)
				continue;
			if (c->up != NULL)
				upstream_cancel(c->up);
			c->up = NULL;
			c->attempts = 0;
			ws_load_followings(c);
			continue;
		}
		if (!ws_reload_start(c)) {
			st->reload_retry = true;
			st->reload_next = NULL;
			break;
		}
	}
}

void
ws_user_bus_connected(struct gateway *gw)
{
	struct ws_state *st = gw->ws;

	if (st == NULL)
		return;
	st->user_gen++;
	st->reload_retry = false;
	st->reload_next = LIST_FIRST(&st->conns);
	ws_reload_pump(st);
}

/* Write one text frame; false when the connection failed. */
static bool
ws_send(struct ws_conn *c, const char *s, size_t len)
{
	unsigned char *buf = xmalloc(LWS_PRE + len);
	int n;

	memcpy(buf + LWS_PRE, s, len);
	n = lws_write(c->wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT);
	free(buf);
	c->gw->ws->sent++;
	return n == (int)len;
}

/* The connection's position as a cursor (the grammar at the top). */
static void
ws_cursor_text(const struct ws_conn *c, char *out, size_t outlen)
{
	if (c->npos >= 0)
		snprintf(out, outlen, "t%lld-n%lld", (long long)c->pos,
		    (long long)c->npos);
	else
		snprintf(out, outlen, "t%lld", (long long)c->pos);
}

/* An event frame (a JSON object) with the connection's cursor put in
 * before its closing brace. */
static bool
ws_send_event(struct ws_conn *c, const char *s, size_t len)
{
	char cur[CURSOR_LEN], *frame;
	bool ok;

	if (len < 2 || s[len - 1] != '}')
		return ws_send(c, s, len);	/* not ours: as it is */
	ws_cursor_text(c, cur, sizeof(cur));
	frame = xasprintf("%.*s,\"cursor\":\"%s\"}", (int)(len - 1), s, cur);
	ok = ws_send(c, frame, strlen(frame));
	free(frame);
	return ok;
}

/* A replay page's frames are all out: the next page, or the end. */
static void
ws_frames_done(struct ws_conn *c)
{
	bool log = c->frame_seqs != NULL, notify = c->frames_notify;

	ws_frames_clear(c);
	c->frames_notify = false;
	if (notify) {
		if (c->nfinal)
			ws_notify_end(c, false, false);
		else
			ws_notify_page(c);
	} else if (!log) {
		ws_replay_page(c);	/* the next page */
	} else if (c->replay_final) {
		ws_log_end(c, false);
	} else {
		ws_log_page(c);
	}
}

static int
ws_writable(struct ws_conn *c)
{
	static const char reset[] = "{\"type\":\"reset\"}";
	const struct feed_msg *m;
	unsigned char ping[LWS_PRE + 1];
	char ready[32 + CURSOR_LEN], cur[CURSOR_LEN];
	int len;

	if (c->close_code != 0) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
		    (unsigned char *)(uintptr_t)c->close_why,
		    strlen(c->close_why));
		return -1;
	}
	if (c->expires_at <= (int64_t)time(NULL)) {
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		    (unsigned char *)(uintptr_t)"token expired", 13);
		return -1;
	}
	if (c->ping_due) {
		c->ping_due = false;
		if (lws_write(c->wsi, ping + LWS_PRE, 0, LWS_WRITE_PING) < 0)
			return -1;
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	/* a replay page */
	while (c->frame_pos < c->nframes) {
		if (lws_send_pipe_choked(c->wsi)) {
			lws_callback_on_writable(c->wsi);
			return 0;
		}
		/* the position first: the frame's cursor says it */
		if (c->frames_notify)
			c->npos = c->frame_seqs[c->frame_pos];
		else if (c->frame_seqs != NULL)
			c->pos = c->frame_seqs[c->frame_pos];
		else if (c->frame_ids[c->frame_pos] > c->floor)
			c->floor = c->frame_ids[c->frame_pos];
		if (!ws_send_event(c, c->frames[c->frame_pos],
		    strlen(c->frames[c->frame_pos])))
			return -1;
		c->frame_pos++;
		if (c->frame_pos == c->nframes) {
			ws_frames_done(c);
			return 0;
		}
	}
	if (c->phase != WS_LIVE)
		return 0;
	if (c->reset_due) {
		if (!ws_send(c, reset, sizeof(reset) - 1))
			return -1;
		c->reset_due = false;
	}
	if (c->ready_due) {
		ws_cursor_text(c, cur, sizeof(cur));
		len = snprintf(ready, sizeof(ready),
		    "{\"type\":\"ready\",\"cursor\":\"%s\"}", cur);
		if (!ws_send(c, ready, (size_t)len))
			return -1;
		c->ready_due = false;
	}
	while ((m = feed_conn_peek(c->fc)) != NULL) {
		/* at or below the position: sent already (or a replay's) */
		bool skip;

		if (m->notify) {
			skip = m->seq > 0 && m->seq <= c->npos;
			if (c->ncatching && !skip) {
				/* the catch-up under way fetches it */
				if (m->seq > c->nseen)
					c->nseen = m->seq;
				skip = true;
			}
		} else {
			skip = m->seq > 0 && m->seq <= c->pos;
		}
		if (c->filter_left > 0) {
			c->filter_left--;
			skip = skip || (m->is_tweet && m->id <= c->floor);
		}
		if (!skip && lws_send_pipe_choked(c->wsi)) {
			lws_callback_on_writable(c->wsi);
			return 0;
		}
		if (m->notify && !c->ncatching && m->seq > c->npos)
			c->npos = m->seq;
		else if (!m->notify && m->seq > c->pos)
			c->pos = m->seq;
		if (!skip && !ws_send_event(c, m->data, m->len))
			return -1;
		feed_conn_pop(c->fc);
	}
	return 0;
}

static void
ws_established(struct gateway *gw, struct lws *wsi, struct ws_conn *c)
{
	struct ws_upgrade *up = lws_get_opaque_user_data(wsi);

	memset(c, 0, sizeof(*c));
	c->gw = gw;
	c->wsi = wsi;
	if (up == NULL) {
		/* not through ws_confirm_upgrade: should not happen */
		c->close_code = LWS_CLOSE_STATUS_POLICY_VIOLATION;
		c->close_why = "not authorized";
		c->token = xstrdup("");
	} else {
		c->user_id = up->user_id;
		c->expires_at = up->expires_at;
		c->token = xstrdup(up->token);
		c->has_since = up->has_since;
		c->since = up->since;
		c->has_cursor = up->has_cursor;
		c->cursor = up->cursor;
		c->has_ncursor = up->has_ncursor;
		c->npos = up->ncursor;
		ws_upgrade_forget(wsi);
	}
	if (gw->ws_sndbuf > 0)
		setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF,
		    &gw->ws_sndbuf, sizeof(gw->ws_sndbuf));
	/* every event after this position reaches c's queue from now on */
	c->pos = gw->tweet_bus == NULL ? 0 : logsync_last(gw->tweet_log);
	/* and of the notify log, when the gateway follows it; without an n
	 * part in the cursor, notifications start from there (-1: when the
	 * position is learnt, ws_notify_position_known) */
	c->nstart = gw->notify_bus == NULL ? -1 :
	    logsync_last(gw->notify_log);
	if (!c->has_ncursor)
		c->npos = c->nstart;
	c->fc = feed_conn_new(gw->feed, c->user_id, c);
	LIST_INSERT_HEAD(&gw->ws->conns, c, entry);
	if (c->close_code != 0) {
		lws_callback_on_writable(wsi);
		return;
	}
	ws_admit(c);
}

static void
ws_closed(struct gateway *gw, struct ws_conn *c)
{
	if (c->gw == NULL)
		return;		/* never established */
	if (c->up != NULL)
		upstream_cancel(c->up);
	c->up = NULL;
	if (c->reload != NULL) {
		upstream_cancel(c->reload);
		gw->ws->reloads--;
	}
	c->reload = NULL;
	if (gw->ws->reload_next == c)
		gw->ws->reload_next = LIST_NEXT(c, entry);
	ws_admit_done(c);
	LIST_REMOVE(c, entry);
	feed_conn_free(gw->feed, c->fc);
	ws_frames_clear(c);
	free(c->token);
	c->gw = NULL;
}

int
ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct gateway *gw = gateway_of(lws_get_context(wsi));
	struct ws_conn *c = user;

	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		/* front.c checks the input and the rate limit first */
		return front_confirm_upgrade(gw, wsi, in);
	case LWS_CALLBACK_CLOSED_HTTP:	/* closed before any request */
		front_conn_closed(gw, wsi);
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		ws_established(gw, wsi, c);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (c->gw == NULL)
			return -1;
		return ws_writable(c);
	case LWS_CALLBACK_RECEIVE:
		return 0;	/* clients have nothing to say */
	case LWS_CALLBACK_CLOSED:
		ws_closed(gw, c);
		if (gw->ws->reloads < RELOADS_MAX)
			ws_reload_pump(gw->ws);
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		ws_upgrade_forget(wsi);
		return 0;
	default:
		break;
	}
	return 0;
}

size_t
ws_sess_size(void)
{
	return sizeof(struct ws_conn);
}

static void
ws_ping_cb(lws_sorted_usec_list_t *sul)
{
	struct ws_state *st = lws_container_of(sul, struct ws_state, ping);
	struct ws_conn *c;

	LIST_FOREACH(c, &st->conns, entry) {
		c->ping_due = true;
		lws_callback_on_writable(c->wsi);
	}
	lws_sul_schedule(st->gw->ctx, 0, &st->ping, ws_ping_cb,
	    (lws_usec_t)st->gw->ping_interval_s * LWS_US_PER_SEC);
}

/* Connections whose notify replay found no instance: try again. */
static void
ws_notify_retry(struct ws_state *st)
{
	struct ws_conn *c;

	LIST_FOREACH(c, &st->conns, entry)
		if (c->nretry && c->phase == WS_LIVE && c->up == NULL &&
		    c->close_code == 0 && !st->gw->stopping) {
			c->nretry = false;
			c->attempts = 0;
			ws_notify_page(c);
		}
}

/* Every TICK_S: close the connections whose token expired (one walk, no
 * timer per connection) and sweep again for reloads that failed. */
static void
ws_tick_cb(lws_sorted_usec_list_t *sul)
{
	struct ws_state *st = lws_container_of(sul, struct ws_state, tick);

	ws_sweep_expired(st->gw, (int64_t)time(NULL));
	ws_notify_retry(st);
	if (st->reload_retry && st->reload_next == NULL) {
		st->reload_retry = false;
		st->reload_next = LIST_FIRST(&st->conns);
		ws_reload_pump(st);
	}
	lws_sul_schedule(st->gw->ctx, 0, &st->tick, ws_tick_cb,
	    (lws_usec_t)TICK_S * LWS_US_PER_SEC);
}

size_t
ws_sweep_expired(struct gateway *gw, int64_t now)
{
	struct ws_conn *c;
	size_t n = 0;

	LIST_FOREACH(c, &gw->ws->conns, entry)
		if (c->expires_at <= now && c->close_code == 0) {
			ws_request_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			    "token expired");
			n++;
		}
	return n;
}

void
ws_start(struct gateway *gw)
{
	struct ws_state *st = xcalloc(1, sizeof(*st));

	LIST_INIT(&st->conns);
	TAILQ_INIT(&st->waiting);
	st->gw = gw;
	gw->ws = st;
	if (gw->ping_interval_s > 0)
		lws_sul_schedule(gw->ctx, 0, &st->ping, ws_ping_cb,
		    (lws_usec_t)gw->ping_interval_s * LWS_US_PER_SEC);
	lws_sul_schedule(gw->ctx, 0, &st->tick, ws_tick_cb,
	    (lws_usec_t)TICK_S * LWS_US_PER_SEC);
}

void
ws_stop(struct gateway *gw)
{
	if (gw->ws != NULL) {
		lws_sul_cancel(&gw->ws->ping);
		lws_sul_cancel(&gw->ws->tick);
	}
}

void
ws_free(struct gateway *gw)
{
	free(gw->ws);
	gw->ws = NULL;
}

void
ws_metrics_flush(struct gateway *gw)
{
	struct ws_state *st = gw->ws;
	uint64_t drops = feed_drops(gw->feed);

	if (st->sent > st->sent_flushed)
		metrics_counter_add("chirp_gateway_messages_sent_total", NULL,
		    (double)(st->sent - st->sent_flushed));
	st->sent_flushed = st->sent;
	metrics_counter_add("chirp_gateway_queue_drops_total", NULL,
	    (double)(drops - st->drops_flushed));
	st->drops_flushed = drops;
}
