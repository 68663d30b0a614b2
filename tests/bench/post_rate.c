/*
 * post_rate.c: how many posts a second chirp-tweetd sustains while the
 * live feed delivers them. W writer threads post tweets straight at
 * chirp-tweetd for S seconds, as fast as they are answered, each as one
 * of the poster users given (round robin); one WebSocket connection of a
 * follower of all of them listens on the gateway's GET /ws. Counts the
 * posts answered 201 and the frames delivered, and says whether every
 * post accepted reached the follower exactly once.
 *
 *   post_rate GATEWAY_URL TWEETD_URL TOKENS_FILE --follower USERID
 *       [--writers W] [--seconds S] POSTER_USERID...
 *
 * TOKENS_FILE holds the "userId token" lines load_graph wrote; it must
 * hold the follower and every poster. Prints figures; never judges them.
 * Exit 1 only when it cannot run.
 */
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
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
#define MAX_POSTS 2000000	/* numbered posts in one run at most */
#define MAX_WRITERS 256
#define FRAME_MAX 2048
#define READY_US 30000000	/* wait this long for the feed's ready */
#define DRAIN_US 15000000	/* after the last post, for late frames */

struct rate {
	const char *gw_url, *tweetd_url;
	char host[256];
	int port;
	const char *follower_id, *follower_token;
	const char **poster_ids, **poster_tokens;
	int nposters, writers;
	double seconds;
	char nonce[32];

	struct lws_context *ctx;
	lws_sorted_usec_list_t tick;	/* wakes the loop up to look */
	struct lws *wsi;
	char frame[FRAME_MAX];
	size_t flen;
	bool frame_too_big;
	bool ready, closed, failed;
	char first_error[160];

	atomic_bool stop;
	atomic_long next;		/* the next post's number */
	atomic_long writers_done;
	_Atomic int64_t *sent_us;	/* just before post n */
	unsigned char *accepted;	/* post n answered 201 */
	unsigned char *got;		/* frames of post n */
	atomic_long ok, refused, failed_calls;
	char first_refusal[200];
	atomic_flag refusal_said;
	int64_t start_us, end_us;

	double *lat_ms;			/* post start -> frame */
	size_t nlat, lat_cap;
	size_t delivered, duplicates, unknown, unparsed;
};

/* The token of user id in the "userId token" file, or NULL. */
static const char *
find_token(char **ids, char **tokens, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return tokens[i];
	return NULL;
}

struct writer {
	struct rate *r;
	int index;
	pthread_t thread;
	double *rtt_ms;		/* round trips of its 201 answers */
	size_t nrtt, cap;
};

/* One writer: posts as poster (index % nposters) until told to stop. */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct rate *r = w->r;
	int p = w->index % r->nposters;
	struct http_client *c = http_client_new(r->tweetd_url);
	char text[300], body[512];
	int64_t t0, t1;
	long n;
	int len;

	http_client_set_token(c, r->poster_tokens[p]);
	while (!atomic_load(&r->stop)) {
		struct http_result res;
		bool ok;

		if ((n = atomic_fetch_add(&r->next, 1)) >= MAX_POSTS)
			break;
		/* 256 characters, as DeathStarBench posts. */
		memset(text, '.', 256);
		len = snprintf(text, 64, "postrate %s #%ld ", r->nonce, n);
		text[len] = '.';
		text[256] = '\0';
		snprintf(body, sizeof(body),
		    "{\"userId\":\"%s\",\"content\":\"%s\"}", r->poster_ids[p],
		    text);
		t0 = now_us();
		atomic_store(&r->sent_us[n], t0);
		if (http_client_request(c, "POST", "/tweets", body, NULL,
		    &res) != 0) {
			atomic_fetch_add(&r->failed_calls, 1);
			ok = false;
		} else if (!(ok = res.status == 201)) {
			atomic_fetch_add(&r->refused, 1);
		}
		t1 = now_us();
		if (!ok && !atomic_flag_test_and_set(&r->refusal_said))
			snprintf(r->first_refusal, sizeof(r->first_refusal),
			    "%ld %.150s", res.status, res.status ? res.body :
			    res.error);
		http_result_release(&res);
		if (!ok)
			continue;
		r->accepted[n] = 1;
		atomic_fetch_add(&r->ok, 1);
		if (w->nrtt == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 4096;
			w->rtt_ms = xrealloc(w->rtt_ms, w->cap *
			    sizeof(double));
		}
		w->rtt_ms[w->nrtt++] = (double)(t1 - t0) / 1000.0;
	}
	http_client_free(c);
	atomic_fetch_add(&r->writers_done, 1);
	lws_cancel_service(r->ctx);
	return NULL;
}

/* The post number in a frame of ours, -1 when it is not one. */
static long
frame_post(const struct rate *r, const char *frame)
{
	char marker[64];
	const char *p;
	long n;

	snprintf(marker, sizeof(marker), "postrate %s #", r->nonce);
	if ((p = strstr(frame, marker)) == NULL)
		return -1;
	n = strtol(p + strlen(marker), NULL, 10);
	return n >= 0 && n < MAX_POSTS ? n : -1;
}

/* One whole text frame arrived at time t. */
static void
on_frame(struct rate *r, int64_t t)
{
	long n;

	if (!r->ready) {
		if (strstr(r->frame, "\"ready\"") != NULL)
			r->ready = true;
		return;
	}
	if (strstr(r->frame, "\"type\":\"tweet\"") == NULL)
		return;
	if ((n = frame_post(r, r->frame)) < 0) {
		if (strstr(r->frame, "postrate ") != NULL)
			r->unparsed++;
		return;
	}
	if (r->got[n]++ > 0) {
		r->duplicates++;
		return;
	}
	r->delivered++;
	if (r->nlat == r->lat_cap) {
		r->lat_cap = r->lat_cap ? r->lat_cap * 2 : 4096;
		r->lat_ms = xrealloc(r->lat_ms, r->lat_cap * sizeof(double));
	}
	r->lat_ms[r->nlat++] = (double)(t - atomic_load(&r->sent_us[n])) /
	    1000.0;
}

static int
feed_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct rate *r = wsi ? lws_get_opaque_user_data(wsi) : NULL;
	char auth[4200];
	int n;

	if (r == NULL)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		unsigned char **p = in, *end = *p + len;

		n = snprintf(auth, sizeof(auth), "Bearer %s",
		    r->follower_token);
		if (lws_add_http_header_by_token(wsi,
		    WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)auth, n, p,
		    end))
			return -1;
		break;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		r->failed = true;
		snprintf(r->first_error, sizeof(r->first_error), "%s",
		    in ? (const char *)in : "connection error");
		r->wsi = NULL;
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_frame_is_binary(wsi))
			break;
		if (r->flen + len >= FRAME_MAX)
			r->frame_too_big = true;
		else {
			memcpy(r->frame + r->flen, in, len);
			r->flen += len;
		}
		if (!lws_is_final_fragment(wsi) ||
		    lws_remaining_packet_payload(wsi) > 0)
			break;
		r->frame[r->flen] = '\0';
		if (!r->frame_too_big)
			on_frame(r, now_us());
		r->flen = 0;
		r->frame_too_big = false;
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		r->closed = true;
		r->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static struct lws_context *
client_context(struct rate *r)
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
	info.user = r;
	return lws_create_context(&info);
}

static bool
connect_feed(struct rate *r)
{
	static const lws_retry_bo_t no_validity = { 0 };
	struct lws_client_connect_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.context = r->ctx;
	ci.address = r->host;
	ci.port = r->port;
	ci.path = "/ws";
	ci.host = r->host;
	ci.origin = r->host;
	ci.protocol = FEED_PROTOCOL;
	ci.opaque_user_data = r;
	ci.pwsi = &r->wsi;
	ci.retry_and_idle_policy = &no_validity;
	return lws_client_connect_via_info(&ci) != NULL;
}

/* Every 50 ms: only so that the loop looks at the clock and the flags. */
static void
tick(lws_sorted_usec_list_t *sul)
{
	struct rate *r = lws_container_of(sul, struct rate, tick);

	lws_sul_schedule(r->ctx, 0, &r->tick, tick, 50 * LWS_US_PER_MS);
}

/* Serve the connection until done() or the deadline (time_mono us). */
static void
serve_until(struct rate *r, bool (*done)(struct rate *), int64_t deadline)
{
	while (!done(r) && now_us() < deadline)
		if (lws_service(r->ctx, 0) < 0)
			break;
}

static bool
feed_settled(struct rate *r)
{
	return r->ready || r->failed || r->closed;
}

static bool
writers_done(struct rate *r)
{
	return atomic_load(&r->writers_done) == r->writers || r->closed;
}

static bool
all_delivered(struct rate *r)
{
	return r->delivered >= (size_t)atomic_load(&r->ok) || r->closed;
}

/* Stop the writers after the run's seconds (a thread of its own). */
static void *
timer_main(void *arg)
{
	struct rate *r = arg;
	struct timespec ts;

	ts.tv_sec = (time_t)r->seconds;
	ts.tv_nsec = (long)((r->seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	atomic_store(&r->stop, true);
	return NULL;
}

static void
report(struct rate *r, struct writer *w)
{
	double secs = (double)(r->end_us - r->start_us) / 1e6, *rtt;
	size_t i, nrtt = 0, lost = 0, accepted = 0;
	long n, last = atomic_load(&r->next);

	for (i = 0; i < (size_t)r->writers; i++)
		nrtt += w[i].nrtt;
	rtt = xcalloc(nrtt ? nrtt : 1, sizeof(double));
	for (nrtt = 0, i = 0; i < (size_t)r->writers; i++) {
		memcpy(rtt + nrtt, w[i].rtt_ms, w[i].nrtt * sizeof(double));
		nrtt += w[i].nrtt;
	}
	if (last > MAX_POSTS)
		last = MAX_POSTS;
	for (n = 0; n < last; n++) {
		if (r->accepted[n]) {
			accepted++;
			if (r->got[n] == 0)
				lost++;
		} else if (r->got[n] > 0) {
			r->unknown++;	/* delivered, its answer not 201 */
		}
	}
	qsort(rtt, nrtt, sizeof(double), cmp_double);
	qsort(r->lat_ms, r->nlat, sizeof(double), cmp_double);
	printf("writers: %d straight at chirp-tweetd, as %d users, for "
	    "%.1f s; one follower connected through the gateway\n",
	    r->writers, r->nposters, secs);
	printf("posts: %zu answered 201 (%.0f posts/s), %ld refused, %ld "
	    "failed%s%s\n", accepted, secs > 0 ? (double)accepted / secs : 0,
	    atomic_load(&r->refused), atomic_load(&r->failed_calls),
	    r->first_refusal[0] ? ", first: " : "", r->first_refusal);
	printf("%-30s %8s %9s %9s %9s\n", "", "count", "p50 ms", "p99 ms",
	    "max ms");
	printf("%-30s %8zu %9.2f %9.2f %9.2f\n", "POST round trip", nrtt,
	    percentile(rtt, nrtt, 50), percentile(rtt, nrtt, 99),
	    nrtt ? rtt[nrtt - 1] : 0.0);
	printf("%-30s %8zu %9.2f %9.2f %9.2f\n", "POST start -> frame",
	    r->nlat, percentile(r->lat_ms, r->nlat, 50),
	    percentile(r->lat_ms, r->nlat, 99),
	    r->nlat ? r->lat_ms[r->nlat - 1] : 0.0);
	printf("delivered: %zu of %zu, %zu lost, %zu duplicated, %zu of "
	    "posts not answered 201, %zu unreadable%s\n", r->delivered,
	    accepted, lost, r->duplicates, r->unknown, r->unparsed,
	    r->closed ? "; the server closed the connection" : "");
	printf("every post delivered exactly once: %s\n", accepted > 0 &&
	    lost == 0 && r->duplicates == 0 && !r->closed ? "yes" : "no");
	free(rtt);
}

static bool
parse_url(struct rate *r, const char *url)
{
	const char *p = url, *colon;

	if (strncmp(p, "http://", 7) != 0)
		return false;
	p += 7;
	colon = strchr(p, ':');
	if (colon == NULL || (size_t)(colon - p) >= sizeof(r->host))
		return false;
	memcpy(r->host, p, (size_t)(colon - p));
	r->host[colon - p] = '\0';
	r->port = atoi(colon + 1);
	return r->port > 0 && r->port < 65536;
}

static void
usage(void)
{
	fprintf(stderr, "usage: post_rate GATEWAY_URL TWEETD_URL TOKENS_FILE "
	    "--follower USERID [--writers W (1..%d)] [--seconds S] "
	    "POSTER_USERID...\n", MAX_WRITERS);
}

int
main(int argc, char **argv)
{
	static struct rate rate;
	struct rate *r = &rate;
	struct writer *w = NULL;
	const char *tokens = NULL;
	char **ids = NULL, **toks = NULL, id[64], token[4096];
	size_t nusers = 0, i;
	pthread_t timer;
	FILE *f;
	int a, ret = 1;

	r->writers = 8;
	r->seconds = 15;
	r->poster_ids = xcalloc((size_t)argc, sizeof(char *));
	r->poster_tokens = xcalloc((size_t)argc, sizeof(char *));
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--follower") == 0 && a + 1 < argc)
			r->follower_id = argv[++a];
		else if (strcmp(argv[a], "--writers") == 0 && a + 1 < argc)
			r->writers = atoi(argv[++a]);
		else if (strcmp(argv[a], "--seconds") == 0 && a + 1 < argc)
			r->seconds = atof(argv[++a]);
		else if (argv[a][0] == '-')
			break;
		else if (r->gw_url == NULL)
			r->gw_url = argv[a];
		else if (r->tweetd_url == NULL)
			r->tweetd_url = argv[a];
		else if (tokens == NULL)
			tokens = argv[a];
		else
			r->poster_ids[r->nposters++] = argv[a];
	}
	if (a < argc || r->nposters == 0 || r->follower_id == NULL ||
	    !parse_url(r, r->gw_url) || r->writers < 1 ||
	    r->writers > MAX_WRITERS || !(r->seconds > 0 &&
	    r->seconds <= 3600)) {
		usage();
		goto out;
	}
	if ((f = fopen(tokens, "r")) == NULL) {
		fprintf(stderr, "post_rate: cannot read '%s'\n", tokens);
		goto out;
	}
	while (fscanf(f, "%63s %4095s", id, token) == 2) {
		ids = xrealloc(ids, (nusers + 1) * sizeof(char *));
		toks = xrealloc(toks, (nusers + 1) * sizeof(char *));
		ids[nusers] = xstrdup(id);
		toks[nusers++] = xstrdup(token);
	}
	fclose(f);
	r->follower_token = find_token(ids, toks, nusers, r->follower_id);
	for (a = 0; a < r->nposters; a++)
		if ((r->poster_tokens[a] = find_token(ids, toks, nusers,
		    r->poster_ids[a])) == NULL)
			break;
	if (r->follower_token == NULL || a < r->nposters) {
		fprintf(stderr, "post_rate: a user is not in '%s'\n", tokens);
		goto out;
	}
	snprintf(r->nonce, sizeof(r->nonce), "%lx%lx", (long)time(NULL),
	    (long)getpid());
	r->sent_us = xcalloc(MAX_POSTS, sizeof(*r->sent_us));
	r->accepted = xcalloc(MAX_POSTS, 1);
	r->got = xcalloc(MAX_POSTS, 1);

	lws_set_log_level(LLL_ERR, NULL);
	if ((r->ctx = client_context(r)) == NULL || !connect_feed(r)) {
		fprintf(stderr, "post_rate: cannot open the live feed\n");
		goto out;
	}
	lws_sul_schedule(r->ctx, 0, &r->tick, tick, 50 * LWS_US_PER_MS);
	serve_until(r, feed_settled, now_us() + READY_US);
	if (!r->ready) {
		fprintf(stderr, "post_rate: the live feed is not ready: %s\n",
		    r->first_error[0] ? r->first_error : "no ready frame");
		goto out;
	}

	w = xcalloc((size_t)r->writers, sizeof(*w));
	r->start_us = now_us();
	for (a = 0; a < r->writers; a++) {
		w[a].r = r;
		w[a].index = a;
		if (pthread_create(&w[a].thread, NULL, writer_main,
		    &w[a]) != 0) {
			fprintf(stderr, "post_rate: no writer thread\n");
			atomic_store(&r->stop, true);
			r->writers = a;
			break;
		}
	}
	if (pthread_create(&timer, NULL, timer_main, r) != 0) {
		atomic_store(&r->stop, true);
	} else {
		pthread_detach(timer);
	}
	/* the writers cancel the service as they end, so this wakes up */
	serve_until(r, writers_done, INT64_MAX);
	for (a = 0; a < r->writers; a++)
		pthread_join(w[a].thread, NULL);
	r->end_us = now_us();
	serve_until(r, all_delivered, now_us() + DRAIN_US);
	report(r, w);
	ret = 0;
out:
	if (w != NULL)
		for (a = 0; a < r->writers; a++)
			free(w[a].rtt_ms);
	free(w);
	if (r->ctx != NULL)
		lws_context_destroy(r->ctx);
	for (i = 0; i < nusers; i++) {
		free(ids[i]);
		free(toks[i]);
	}
	free(ids);
	free(toks);
	free(r->poster_ids);
	free(r->poster_tokens);
	free(r->sent_us);
	free(r->accepted);
	free(r->got);
	free(r->lat_ms);
	return ret;
}
