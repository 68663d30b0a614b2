/*
 * feed_latency.c: how fast a new tweet reaches the live feed. Opens K
 * WebSocket connections to the gateway's GET /ws (one for each follower of
 * the poster, then connections of other users, round robin, up to K),
 * then posts M tweets as the poster through the gateway and measures, for
 * every delivery, the time from just before the POST to the frame's
 * arrival. The baseline, measured in the same run, is the POST round trip
 * alone; with --direct TWEETD_URL every other post goes straight to
 * chirp-tweetd instead of through the gateway, so both round trips (and
 * the deliveries of both) are measured under the same live load. It also
 * reads the gateway's resident memory before and after the connections
 * are opened: the cost of an idle connection.
 *
 *   feed_latency URL TOKENS_FILE [--sockets K] [--posts M]
 *       [--direct TWEETD_URL] [--poster USERID] [--gateway-pid PID]
 *       [--window N] [--no-sources] [--samples FILE]
 *
 * URL is the gateway (http://127.0.0.1:8030); TOKENS_FILE holds the
 * "userId token" lines load_graph wrote. Without --poster, the user of
 * the file with the most followers posts. The client binds its sockets
 * round robin to 127.0.0.2..127.0.0.20 (docs/benchmarks.md) unless --no-sources.
 * --samples FILE: also write every delivery's latency to FILE, "gateway MS"
 * or "tweetd MS" (where it was posted) a line, sorted, for plots.
 * Prints figures; never judges them. Exit 1 only when it cannot run.
 */
#include <jansson.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"
#include "http_client.h"
#include "timeutil.h"
#include "xmalloc.h"

#define FEED_PROTOCOL "chirp-feed"
#define MAX_POSTS 1000
#define FRAME_MAX 2048
#define SOURCES 19		/* 127.0.0.2 .. 127.0.0.20 */
#define POST_GAP_US 200000	/* at least this between two posts */
#define POST_WAIT_US 5000000	/* wait this long for a post's deliveries */
#define DRAIN_US 3000000	/* after the last post, for late frames */
#define OPEN_STALL_US 30000000	/* no connection progress: give up */

struct user {
	char *id;
	char *token;
	bool follows;		/* follows the poster */
};

enum conn_state { C_IDLE, C_OPENING, C_READY, C_CLOSED, C_FAILED };

struct conn {
	struct bench *b;
	int user;
	struct lws *wsi;
	enum conn_state state;
	unsigned char *got;	/* per post: frames received */
	char frame[FRAME_MAX];
	size_t flen;
	bool frame_too_big;
};

enum phase { P_OPEN, P_SETTLE, P_POST, P_DRAIN, P_DONE };

struct bench {
	const char *url;
	const char *direct_url;	/* NULL: every post through the gateway */
	const char *samples;	/* --samples FILE, or NULL */
	char host[256];
	int port;
	struct user *users;
	size_t nusers;
	int poster;		/* index in users */
	long gateway_pid;
	int posts;
	int window;
	bool sources;
	char nonce[32];

	struct conn *conns;
	size_t nconns, opened, ready, failed, closed_early;
	size_t following_ready;	/* ready connections of followers */
	char first_error[160];

	struct lws_context *ctx;
	lws_sorted_usec_list_t tick;
	enum phase phase;
	int64_t phase_at, last_progress;
	long rss_before_kib, rss_after_kib;
	double cpu_posting;	/* the gateway's, while posting */
	double open_secs;

	pthread_t poster_thread;
	bool poster_started;
	atomic_bool poster_done;
	_Atomic int64_t sent_us[MAX_POSTS];	/* just before each POST */
	int64_t rtt_us[MAX_POSTS];		/* its round trip, -1 failed */
	bool post_ok[MAX_POSTS];
	atomic_int delivered[MAX_POSTS];
	long post_status_bad;

	/* one per delivery; [1] for the posts straight at chirp-tweetd */
	double *lat_ms[2];
	size_t nlat[2], lat_cap[2];
	size_t duplicates, unexpected, unparsed;
	volatile bool done;
};

static void
sleep_us(int64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000),
		(long)(us % 1000000) * 1000 };

	if (us > 0)
		nanosleep(&ts, NULL);
}


/* CPU time (user + system) of a process in seconds, -1 when unknown. */
static double
cpu_secs(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	int n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	/* after the ")" ending the name: state is field 3, utime 14 */
	if (!n || (p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
	    &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
read_tokens(struct bench *b, const char *path)
{
	char id[64], token[4096];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (fscanf(f, "%63s %4095s", id, token) == 2) {
		b->users = xrealloc(b->users, (b->nusers + 1) *
		    sizeof(*b->users));
		b->users[b->nusers].id = xstrdup(id);
		b->users[b->nusers].token = xstrdup(token);
		b->users[b->nusers++].follows = false;
	}
	fclose(f);
	return b->nusers > 1 ? 0 : -1;
}

/* GET path as JSON; NULL (said why) on any failure. */
static json_t *
get_json(struct http_client *c, const char *path)
{
	struct http_result r;
	json_t *out = NULL;

	if (http_client_request(c, "GET", path, NULL, NULL, &r) == 0 &&
	    r.status == 200)
		out = json_loads(r.body, 0, NULL);
	if (out == NULL)
		fprintf(stderr, "feed_latency: GET %s: %ld %s\n", path,
		    r.status, r.status ? r.body : r.error);
	http_result_release(&r);
	return out;
}

/* The user of the file with the most followers; -1 on failure. */
static int
pick_poster(struct bench *b, struct http_client *c)
{
	json_int_t best_count = -1;
	char path[128];
	int best = -1;
	size_t i;

	for (i = 0; i < b->nusers; i++) {
		json_t *u;
		json_int_t n;

		snprintf(path, sizeof(path), "/users/%s", b->users[i].id);
		if ((u = get_json(c, path)) == NULL)
			return -1;
		n = json_integer_value(json_object_get(u, "followersCount"));
		if (n > best_count) {
			best_count = n;
			best = (int)i;
		}
		json_decref(u);
	}
	return best;
}

/* Mark the users that follow the poster, as the API lists them. */
static long
mark_followers(struct bench *b, struct http_client *c)
{
	char path[512], *cursor = NULL;
	long count = 0;
	size_t i, k;

	for (;;) {
		json_t *page, *arr, *e, *next;

		if (cursor == NULL) {
			snprintf(path, sizeof(path),
			    "/users/%s/followers?limit=1000",
			    b->users[b->poster].id);
		} else {
			char *esc = http_client_escape(cursor);

			snprintf(path, sizeof(path),
			    "/users/%s/followers?limit=1000&cursor=%s",
			    b->users[b->poster].id, esc);
			free(esc);
		}
		free(cursor);
		cursor = NULL;
		if ((page = get_json(c, path)) == NULL)
			return -1;
		arr = json_object_get(page, "followers");
		json_array_foreach(arr, k, e) {
			for (i = 0; i < b->nusers; i++) {
				if (!b->users[i].follows && strcmp(
				    b->users[i].id, json_string_value(e)) ==
				    0) {
					b->users[i].follows = true;
					count++;
					break;
				}
			}
		}
		next = json_object_get(page, "nextCursor");
		if (json_is_string(next))
			cursor = xstrdup(json_string_value(next));
		json_decref(page);
		if (cursor == NULL)
			return count;
	}
}

/* Followers first, one connection each, then everyone but the poster. */
static void
assign_connections(struct bench *b, size_t k)
{
	size_t i, n = 0, r = 0;

	b->conns = xcalloc(k, sizeof(*b->conns));
	b->nconns = k;
	for (i = 0; i < b->nusers && n < k; i++)
		if (b->users[i].follows)
			b->conns[n++].user = (int)i;
	while (n < k) {
		i = r++ % b->nusers;
		if ((int)i != b->poster)
			b->conns[n++].user = (int)i;
	}
	for (i = 0; i < k; i++) {
		b->conns[i].b = b;
		b->conns[i].got = xcalloc((size_t)b->posts, 1);
	}
}

static void
open_one(struct bench *b, struct conn *c, size_t n)
{
	static const lws_retry_bo_t no_validity = { 0 };
	struct lws_client_connect_info ci;
	char iface[32];

	memset(&ci, 0, sizeof(ci));
	ci.context = b->ctx;
	ci.address = b->host;
	ci.port = b->port;
	ci.path = "/ws";
	ci.host = b->host;
	ci.origin = b->host;
	ci.protocol = FEED_PROTOCOL;
	ci.opaque_user_data = c;
	ci.pwsi = &c->wsi;
	ci.retry_and_idle_policy = &no_validity;
	if (b->sources) {
		snprintf(iface, sizeof(iface), "127.0.0.%zu", 2 + n % SOURCES);
		ci.iface = iface;
	}
	c->state = C_OPENING;
	if (lws_client_connect_via_info(&ci) == NULL) {
		c->state = C_FAILED;
		b->failed++;
		if (b->first_error[0] == '\0')
			snprintf(b->first_error, sizeof(b->first_error),
			    "cannot start a connection");
	}
}

/* Post m goes straight to chirp-tweetd (1) or through the gateway (0). */
static int
post_direct(const struct bench *b, int m)
{
	return b->direct_url != NULL && m % 2 == 1;
}

/* The post number in a frame of ours, -1 when it is not one. */
static int
frame_post(const struct bench *b, const char *frame)
{
	char marker[64];
	const char *p;
	long m;

	snprintf(marker, sizeof(marker), "feedlat %s #", b->nonce);
	if ((p = strstr(frame, marker)) == NULL)
		return -1;
	m = strtol(p + strlen(marker), NULL, 10);
	return m >= 0 && m < b->posts ? (int)m : -1;
}

/* One whole text frame of connection c arrived at time t. */
static void
on_frame(struct bench *b, struct conn *c, int64_t t)
{
	int m, k;

	if (c->state == C_OPENING) {
		if (strstr(c->frame, "\"ready\"") != NULL) {
			c->state = C_READY;
			b->ready++;
			b->last_progress = t;
			if (b->users[c->user].follows)
				b->following_ready++;
		}
		return;
	}
	if ((m = frame_post(b, c->frame)) < 0) {
		if (strstr(c->frame, "feedlat ") != NULL)
			b->unparsed++;
		return;
	}
	if (!b->users[c->user].follows) {
		b->unexpected++;
		return;
	}
	if (c->got[m]++ > 0) {
		b->duplicates++;
		return;
	}
	atomic_fetch_add(&b->delivered[m], 1);
	k = post_direct(b, m);
	if (b->nlat[k] == b->lat_cap[k]) {
		b->lat_cap[k] = b->lat_cap[k] ? b->lat_cap[k] * 2 : 4096;
		b->lat_ms[k] = xrealloc(b->lat_ms[k], b->lat_cap[k] *
		    sizeof(double));
	}
	b->lat_ms[k][b->nlat[k]++] = (double)(t -
	    atomic_load(&b->sent_us[m])) / 1000.0;
}

static int
feed_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct conn *c = wsi ? lws_get_opaque_user_data(wsi) : NULL;
	struct bench *b = c != NULL ? c->b : NULL;
	char auth[4200];
	int n;

	(void)user;
	if (c == NULL)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;

		n = snprintf(auth, sizeof(auth), "Bearer %s",
		    b->users[c->user].token);
		if (lws_add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)auth, n, p,
		    end))
			return -1;
		break;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c->state == C_OPENING) {
			c->state = C_FAILED;
			b->failed++;
			b->last_progress = now_us();
			if (b->first_error[0] == '\0')
				snprintf(b->first_error,
				    sizeof(b->first_error), "%s",
				    in ? (const char *)in : "connection error");
		}
		c->wsi = NULL;
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_frame_is_binary(wsi))
			break;
		if (c->flen + len >= FRAME_MAX)
			c->frame_too_big = true;
		else {
			memcpy(c->frame + c->flen, in, len);
			c->flen += len;
		}
		if (!lws_is_final_fragment(wsi) ||
		    lws_remaining_packet_payload(wsi) > 0)
			break;
		c->frame[c->flen] = '\0';
		if (!c->frame_too_big)
			on_frame(b, c, now_us());
		c->flen = 0;
		c->frame_too_big = false;
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (c->state == C_OPENING) {
			c->state = C_FAILED;
			b->failed++;
			if (b->first_error[0] == '\0')
				snprintf(b->first_error,
				    sizeof(b->first_error),
				    "closed before ready");
		} else if (c->state == C_READY) {
			c->state = C_CLOSED;
			if (b->phase != P_DONE)
				b->closed_early++;
		}
		c->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

/* The poster's thread: M posts through the gateway, one at a time. */
static void *
poster_main(void *arg)
{
	struct bench *b = arg;
	struct http_client *c[2];
	char text[300], body[512];
	int m, len;
	int64_t t0, t1, expect = (int64_t)b->following_ready;

	c[0] = http_client_new(b->url);
	c[1] = http_client_new(b->direct_url ? b->direct_url : b->url);
	http_client_set_token(c[0], b->users[b->poster].token);
	http_client_set_token(c[1], b->users[b->poster].token);
	for (m = 0; m < b->posts; m++) {
		struct http_result r;
		int ok;

		/* 256 characters, as DeathStarBench posts. */
		memset(text, '.', 256);
		len = snprintf(text, 64, "feedlat %s #%d ", b->nonce, m);
		text[len] = '.';
		text[256] = '\0';
		snprintf(body, sizeof(body),
		    "{\"userId\":\"%s\",\"content\":\"%s\"}",
		    b->users[b->poster].id, text);
		t0 = now_us();
		atomic_store(&b->sent_us[m], t0);
		ok = http_client_request(c[post_direct(b, m)], "POST",
		    "/tweets", body, NULL, &r) == 0 && r.status == 201;
		t1 = now_us();
		if (!ok && b->post_status_bad++ == 0)
			fprintf(stderr, "feed_latency: POST /tweets: %ld %s\n",
			    r.status, r.status ? r.body : r.error);
		http_result_release(&r);
		b->post_ok[m] = ok;
		b->rtt_us[m] = ok ? t1 - t0 : -1;
		/* an idle system for each post: wait for its deliveries */
		while (ok && atomic_load(&b->delivered[m]) < expect &&
		    now_us() - t0 < POST_WAIT_US)
			sleep_us(1000);
		sleep_us(POST_GAP_US - (now_us() - t0));
	}
	http_client_free(c[0]);
	http_client_free(c[1]);
	atomic_store(&b->poster_done, true);
	return NULL;
}

static bool
all_delivered(struct bench *b)
{
	int m;

	for (m = 0; m < b->posts; m++)
		if (b->post_ok[m] && (size_t)atomic_load(&b->delivered[m]) <
		    b->following_ready)
			return false;
	return true;
}

/* Every 10 ms: open more connections, move through the phases. */
static void
tick(lws_sorted_usec_list_t *sul)
{
	struct bench *b = lws_container_of(sul, struct bench, tick);
	int64_t t = now_us();

	switch (b->phase) {
	case P_OPEN:
		while (b->opened < b->nconns && b->opened - b->ready -
		    b->failed < (size_t)b->window) {
			open_one(b, &b->conns[b->opened], b->opened);
			b->opened++;
		}
		if (b->ready + b->failed >= b->nconns ||
		    t - b->last_progress > OPEN_STALL_US) {
			b->open_secs = (double)(t - b->phase_at) / 1e6;
			b->phase = P_SETTLE;
			b->phase_at = t;
		}
		break;
	case P_SETTLE:		/* one second for the gateway to be idle */
		if (t - b->phase_at < 1000000)
			break;
		b->rss_after_kib = rss_kib(b->gateway_pid);
		b->cpu_posting = cpu_secs(b->gateway_pid);
		if (pthread_create(&b->poster_thread, NULL, poster_main, b) !=
		    0) {
			fprintf(stderr, "feed_latency: no poster thread\n");
			b->phase = P_DONE;
			break;
		}
		b->poster_started = true;
		b->phase = P_POST;
		break;
	case P_POST:
		if (atomic_load(&b->poster_done)) {
			b->phase = P_DRAIN;
			b->phase_at = t;
		}
		break;
	case P_DRAIN:
		if (all_delivered(b) || t - b->phase_at > DRAIN_US) {
			b->phase = P_DONE;
			if (b->cpu_posting >= 0)
				b->cpu_posting = cpu_secs(b->gateway_pid) -
				    b->cpu_posting;
		}
		break;
	case P_DONE:
		break;
	}
	if (b->phase == P_DONE) {
		b->done = true;
		lws_cancel_service(b->ctx);
		return;
	}
	lws_sul_schedule(b->ctx, 0, &b->tick, tick, 10 * LWS_US_PER_MS);
}

static struct lws_context *
client_context(struct bench *b)
{
	static const lws_retry_bo_t no_validity = { 0 };
	static struct lws_protocols protocols[] = {
		{ FEED_PROTOCOL, feed_callback, 0, 4096, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 }
	};
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.retry_and_idle_policy = &no_validity;
	info.user = b;
	return lws_create_context(&info);
}

/* --samples: every delivery's latency, sorted, for plots. */
static void
write_samples(const struct bench *b)
{
	static const char *const where[2] = { "gateway", "tweetd" };
	FILE *f = fopen(b->samples, "w");
	size_t i;
	int k;

	if (f == NULL) {
		fprintf(stderr, "feed_latency: cannot write '%s'\n",
		    b->samples);
		return;
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < b->nlat[k]; i++)
			fprintf(f, "%s %.3f\n", where[k], b->lat_ms[k][i]);
	fclose(f);
}

static void
report(struct bench *b)
{
	static const char *const rtt_label[2] = {
		"POST round trip, via the gateway",
		"POST round trip, straight at tweetd",
	};
	static const char *const lat_label[2] = {
		"POST -> frame, posted via gateway",
		"POST -> frame, posted at tweetd",
	};
	double rtt[2][MAX_POSTS];
	size_t i, nrtt[2] = { 0, 0 }, expected = 0, lost = 0;
	int m, k, posted = 0;

	for (m = 0; m < b->posts; m++) {
		if (!b->post_ok[m])
			continue;
		posted++;
		k = post_direct(b, m);
		rtt[k][nrtt[k]++] = (double)b->rtt_us[m] / 1000.0;
	}
	for (i = 0; i < b->nconns; i++) {
		struct conn *c = &b->conns[i];

		if (!b->users[c->user].follows || (c->state != C_READY &&
		    c->state != C_CLOSED))
			continue;
		for (m = 0; m < b->posts; m++) {
			if (!b->post_ok[m])
				continue;
			expected++;
			if (c->got[m] == 0)
				lost++;
		}
	}
	for (k = 0; k < 2; k++) {
		if (nrtt[k] > 0)
			qsort(rtt[k], nrtt[k], sizeof(double), cmp_double);
		if (b->nlat[k] > 0)
			qsort(b->lat_ms[k], b->nlat[k], sizeof(double),
			    cmp_double);
	}

	if (b->samples != NULL)
		write_samples(b);
	printf("poster: user %s with %zu connected followers\n",
	    b->users[b->poster].id, b->following_ready);
	printf("connections: %zu asked, %zu ready, %zu failed%s%s, "
	    "in %.2f s (%.0f/s)\n", b->nconns, b->ready, b->failed,
	    b->first_error[0] ? ", first error: " : "", b->first_error,
	    b->open_secs, b->open_secs > 0 ? (double)b->ready /
	    b->open_secs : 0.0);
	if (b->rss_before_kib >= 0 && b->rss_after_kib >= 0 && b->ready > 0)
		printf("gateway VmRSS: %ld KiB before, %ld KiB with %zu open "
		    "connections: %.0f bytes per idle connection\n",
		    b->rss_before_kib, b->rss_after_kib, b->ready,
		    (double)(b->rss_after_kib - b->rss_before_kib) * 1024.0 /
		    (double)b->ready);
	else
		printf("gateway VmRSS: unknown (no --gateway-pid)\n");
	printf("posts: %d of %d accepted (201)\n", posted, b->posts);
	printf("%-36s %7s %9s %9s %9s\n", "", "count", "p50 ms", "p99 ms",
	    "max ms");
	for (k = 0; k < (b->direct_url ? 2 : 1); k++)
		printf("%-36s %7zu %9.2f %9.2f %9.2f\n", rtt_label[k],
		    nrtt[k], percentile(rtt[k], nrtt[k], 50),
		    percentile(rtt[k], nrtt[k], 99),
		    nrtt[k] ? rtt[k][nrtt[k] - 1] : 0.0);
	for (k = 0; k < (b->direct_url ? 2 : 1); k++)
		printf("%-36s %7zu %9.2f %9.2f %9.2f\n", lat_label[k],
		    b->nlat[k], percentile(b->lat_ms[k], b->nlat[k], 50),
		    percentile(b->lat_ms[k], b->nlat[k], 99),
		    b->nlat[k] ? b->lat_ms[k][b->nlat[k] - 1] : 0.0);
	printf("deliveries: %zu expected (%zu follower connections x %d "
	    "posts), %zu received, %zu lost, %zu duplicated, %zu to "
	    "non-followers, %zu unreadable\n", expected, expected /
	    (size_t)(posted ? posted : 1), posted, b->nlat[0] + b->nlat[1],
	    lost,
	    b->duplicates, b->unexpected, b->unparsed);
	printf("connections closed by the server during the test: %zu\n",
	    b->closed_early);
	if (b->gateway_pid > 0 && b->cpu_posting >= 0 && posted > 0)
		printf("gateway CPU while posting: %.2f s, %.1f ms per post, "
		    "%.1f us per delivered frame\n", b->cpu_posting,
		    b->cpu_posting * 1e3 / posted, b->nlat[0] + b->nlat[1] ?
		    b->cpu_posting * 1e6 / (double)(b->nlat[0] +
		    b->nlat[1]) : 0.0);
}

static bool
parse_url(struct bench *b, const char *url)
{
	const char *p = url, *colon;

	if (strncmp(p, "http://", 7) != 0)
		return false;
	p += 7;
	colon = strchr(p, ':');
	if (colon == NULL || (size_t)(colon - p) >= sizeof(b->host))
		return false;
	memcpy(b->host, p, (size_t)(colon - p));
	b->host[colon - p] = '\0';
	b->port = atoi(colon + 1);
	return b->port > 0 && b->port < 65536;
}

int
main(int argc, char **argv)
{
	static struct bench bench;
	struct bench *b = &bench;
	struct http_client *c = NULL;
	const char *tokens = NULL, *poster_id = NULL;
	size_t sockets = 2000, i;
	long followers;
	int a, ret = 1;

	b->posts = 20;
	b->window = 64;
	b->sources = true;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--sockets") == 0 && a + 1 < argc)
			sockets = (size_t)atol(argv[++a]);
		else if (strcmp(argv[a], "--posts") == 0 && a + 1 < argc)
			b->posts = atoi(argv[++a]);
		else if (strcmp(argv[a], "--poster") == 0 && a + 1 < argc)
			poster_id = argv[++a];
		else if (strcmp(argv[a], "--gateway-pid") == 0 && a + 1 < argc)
			b->gateway_pid = atol(argv[++a]);
		else if (strcmp(argv[a], "--direct") == 0 && a + 1 < argc)
			b->direct_url = argv[++a];
		else if (strcmp(argv[a], "--window") == 0 && a + 1 < argc)
			b->window = atoi(argv[++a]);
		else if (strcmp(argv[a], "--no-sources") == 0)
			b->sources = false;
		else if (strcmp(argv[a], "--samples") == 0 && a + 1 < argc)
			b->samples = argv[++a];
		else if (b->url == NULL && argv[a][0] != '-')
			b->url = argv[a];
		else if (tokens == NULL && argv[a][0] != '-')
			tokens = argv[a];
		else
			break;
	}
	if (a < argc || tokens == NULL || !parse_url(b, b->url) ||
	    b->posts < 1 || b->posts > MAX_POSTS || sockets < 1 ||
	    sockets > 100000 || b->window < 1) {
		fprintf(stderr, "usage: feed_latency http://HOST:PORT "
		    "TOKENS_FILE [--sockets K] [--posts M (1..%d)] "
		    "[--direct TWEETD_URL] [--poster USERID] [--gateway-pid PID] [--window N] "
		    "[--no-sources] [--samples FILE]\n", MAX_POSTS);
		return 2;
	}
	if (read_tokens(b, tokens) != 0) {
		fprintf(stderr, "feed_latency: cannot read '%s'\n", tokens);
		return 1;
	}
	snprintf(b->nonce, sizeof(b->nonce), "%lx%lx", (long)time(NULL),
	    (long)getpid());
	c = http_client_new(b->url);
	b->poster = -1;
	if (poster_id != NULL) {
		for (i = 0; i < b->nusers; i++)
			if (strcmp(b->users[i].id, poster_id) == 0)
				b->poster = (int)i;
	} else {
		b->poster = pick_poster(b, c);
	}
	if (b->poster < 0) {
		fprintf(stderr, "feed_latency: no poster\n");
		goto out;
	}
	if ((followers = mark_followers(b, c)) < 0)
		goto out;
	printf("feed_latency: %zu sockets, %d posts, poster %s (%ld "
	    "followers)\n", sockets, b->posts, b->users[b->poster].id,
	    followers);
	fflush(stdout);
	assign_connections(b, sockets);

	lws_set_log_level(LLL_ERR, NULL);
	if ((b->ctx = client_context(b)) == NULL) {
		fprintf(stderr, "feed_latency: no lws context\n");
		goto out;
	}
	b->rss_before_kib = rss_kib(b->gateway_pid);
	b->phase = P_OPEN;
	b->phase_at = b->last_progress = now_us();
	lws_sul_schedule(b->ctx, 0, &b->tick, tick, 1);
	while (!b->done)
		if (lws_service(b->ctx, 0) < 0)
			break;
	if (b->poster_started)
		pthread_join(b->poster_thread, NULL);
	b->phase = P_DONE;
	report(b);
	ret = 0;
out:
	if (b->ctx != NULL)
		lws_context_destroy(b->ctx);
	http_client_free(c);
	for (i = 0; i < b->nconns; i++)
		free(b->conns[i].got);
	free(b->conns);
	for (i = 0; i < b->nusers; i++) {
		free(b->users[i].id);
		free(b->users[i].token);
	}
	free(b->users);
	free(b->lat_ms[0]);
	free(b->lat_ms[1]);
	return ret;
}
