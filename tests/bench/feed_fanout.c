/*
 * feed_fanout.c: can the gateways hold K live connections, and does one
 * post reach every one of them? Registers a poster and a follower
 * through URL, opens K WebSocket connections to URL's /ws as the
 * follower, spread over P client processes (each holds at most about
 * 19,000 sockets: the fd limit), waits until every one is ready, reads
 * the gateways' resident memory, posts one tweet, and counts the
 * connections that received it, with the time from just before the POST
 * to each arrival.
 *
 *   feed_fanout URL --sockets K [--procs P] [--gateway-pid PID]...
 *       [--wait S] [--bare]
 *
 * URL: the shared port of N gateways (http://127.0.0.1:8030), started
 * with a rate limit out of the way (--rate_limit 1000000000: every
 * upgrade counts). P defaults to the fewest processes of at most 19,000
 * sockets each. Every --gateway-pid is read for VmRSS before the
 * connections and once they are all ready: the bytes per connection
 * across the gateways. --wait S: how long to wait for the deliveries
 * (30). --bare: URL is tests/bench/bare_ws (a bare lws server, no
 * accounts): open the connections and read the memory, post nothing; the
 * baseline of the bytes per connection. Sockets bind round robin to 127.0.0.2..127.0.0.20 with
 * IP_BIND_ADDRESS_NO_PORT, so the ephemeral ports do not run out.
 *
 * Plain sockets and epoll, no lws: a client connection costs about 2 KiB
 * here, so 100,000 fit beside the gateways. Prints figures; never judges
 * them. Exit 1 only when it cannot run.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"
#include "http_client.h"
#include "xmalloc.h"

#define PER_PROC 19000
#define SOURCES 19		/* 127.0.0.2 .. 127.0.0.20 */
#define OPENING_MAX 200		/* handshakes under way per process */
#define BUF_MAX 2048		/* one frame at most */
#define GATEWAYS_MAX 64

enum st { S_CONNECTING, S_UPGRADING, S_OPEN, S_READY, S_DONE };

struct conn {
	int fd;
	enum st st;
	uint16_t len;
	int64_t got_us;		/* the tweet's arrival; 0: not yet */
	char buf[BUF_MAX];
};

/* --- one client process ------------------------------------------------ */

struct client {
	struct sockaddr_in dst;
	const char *host;
	const char *token;
	struct conn *c;
	size_t n, started, opening, ready, failed;
	int ep;
};

static void
conn_fail(struct client *cl, struct conn *c)
{
	if (c->st == S_CONNECTING || c->st == S_UPGRADING)
		cl->opening--;
	if (c->fd >= 0) {
		epoll_ctl(cl->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->st = S_DONE;
	cl->failed++;
}

static void
conn_start(struct client *cl, size_t i)
{
	struct conn *c = &cl->c[i];
	struct sockaddr_in src;
	struct epoll_event ev;
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		c->st = S_DONE;
		cl->failed++;
		return;
	}
	cl->opening++;
	c->st = S_CONNECTING;
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(0x7f000002 + (uint32_t)(i % SOURCES));
	setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
	    sizeof(one));
	if (bind(c->fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    (connect(c->fd, (struct sockaddr *)&cl->dst, sizeof(cl->dst)) != 0 &&
	    errno != EINPROGRESS)) {
		conn_fail(cl, c);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLOUT | EPOLLIN;
	ev.data.u64 = i;
	epoll_ctl(cl->ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* The upgrade request, once connected. */
static void
conn_upgrade(struct client *cl, struct conn *c, size_t i)
{
	struct epoll_event ev;
	char req[2600];
	int n;

	n = snprintf(req, sizeof(req), "GET /ws HTTP/1.1\r\nHost: %s\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Authorization: Bearer %s\r\n\r\n", cl->host, cl->token);
	if (n <= 0 || (size_t)n >= sizeof(req) ||
	    write(c->fd, req, (size_t)n) != n) {
		conn_fail(cl, c);
		return;
	}
	c->st = S_UPGRADING;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = i;
	epoll_ctl(cl->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Frames in c->buf: ready and tweet counted; the rest dropped. */
static void
conn_frames(struct client *cl, struct conn *c)
{
	size_t off = 0, hl, plen;
	unsigned char *p;

	while (c->len - off >= 2) {
		p = (unsigned char *)c->buf + off;
		plen = p[1] & 0x7f;
		hl = 2;
		if (plen == 126) {
			if (c->len - off < 4)
				break;
			plen = (size_t)p[2] << 8 | p[3];
			hl = 4;
		} else if (plen == 127) {
			conn_fail(cl, c);	/* no frame of ours is that big */
			return;
		}
		if (hl + plen > BUF_MAX) {
			conn_fail(cl, c);
			return;
		}
		if (c->len - off < hl + plen)
			break;
		if ((p[0] & 0x0f) == 1) {
			if (memmem(p + hl, plen, "\"type\":\"ready\"", 14) &&
			    c->st == S_OPEN) {
				c->st = S_READY;
				cl->ready++;
			} else if (memmem(p + hl, plen, "\"type\":\"tweet\"",
			    14) && c->got_us == 0)
				c->got_us = now_us();
		}
		off += hl + plen;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len = (uint16_t)(c->len - off);
}

static void
conn_read(struct client *cl, struct conn *c)
{
	ssize_t n;
	char *end;

	for (;;) {
		n = read(c->fd, c->buf + c->len, BUF_MAX - c->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_fail(cl, c);
			return;
		}
		c->len = (uint16_t)(c->len + n);
		if (c->st == S_UPGRADING) {
			end = memmem(c->buf, c->len, "\r\n\r\n", 4);
			if (end == NULL) {
				if (c->len == BUF_MAX)
					conn_fail(cl, c);
				if (c->len == BUF_MAX)
					return;
				continue;
			}
			if (strncmp(c->buf, "HTTP/1.1 101", 12) != 0) {
				conn_fail(cl, c);
				return;
			}
			cl->opening--;
			c->st = S_OPEN;
			end += 4;
			c->len = (uint16_t)(c->len - (end - c->buf));
			memmove(c->buf, end, c->len);
		}
		conn_frames(cl, c);
		if (c->fd < 0)
			return;
	}
}

/* Run epoll for up to ms (or until done says so). */
static void
client_poll(struct client *cl, int ms)
{
	struct epoll_event evs[256];
	struct conn *c;
	int n, i, err;
	socklen_t el;

	n = epoll_wait(cl->ep, evs, 256, ms);
	for (i = 0; i < n; i++) {
		c = &cl->c[evs[i].data.u64];
		if (c->fd < 0)
			continue;
		if (c->st == S_CONNECTING) {
			el = sizeof(err);
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
			    &el) != 0 || err != 0)
				conn_fail(cl, c);
			else
				conn_upgrade(cl, c, (size_t)evs[i].data.u64);
			continue;
		}
		conn_read(cl, c);
	}
}

/*
 * Child: open n connections, say "ready R failed F" on out, wait for
 * "go T0" on in, then say "got G" and each arrival's delay in µs.
 */
static int
client_run(struct client *cl, int in, int out)
{
	char line[64];
	int64_t t0, deadline, last = 0;
	size_t i, got = 0, first_failed;
	ssize_t r;
	FILE *f;

	cl->ep = epoll_create1(EPOLL_CLOEXEC);
	cl->c = xcalloc(cl->n, sizeof(*cl->c));
	deadline = now_us() + 120 * 1000000LL;
	while (cl->ready + cl->failed < cl->n && now_us() < deadline) {
		while (cl->started < cl->n && cl->opening < OPENING_MAX)
			conn_start(cl, cl->started++);
		client_poll(cl, 100);
	}
	/*
	 * A connection closed before it was ready comes back once, a second
	 * later, as chirp watch and chirp-tui reconnect: the figures say how
	 * many needed it.
	 */
	first_failed = cl->failed;
	if (first_failed > 0) {
		size_t *again = xcalloc(first_failed, sizeof(*again)), k = 0, m;

		for (i = 0; i < cl->n && k < first_failed; i++)
			if (cl->c[i].st == S_DONE && cl->c[i].fd < 0)
				again[k++] = i;
		client_poll(cl, 1000);
		cl->failed -= k;
		for (m = 0; cl->ready + cl->failed < cl->n &&
		    now_us() < deadline;) {
			while (m < k && cl->opening < OPENING_MAX) {
				cl->c[again[m]].len = 0;
				conn_start(cl, again[m++]);
			}
			client_poll(cl, 100);
		}
		free(again);
	}
	dprintf(out, "ready %zu failed %zu reconnected %zu\n", cl->ready,
	    cl->failed, first_failed - cl->failed);
	/* keep reading (pings) until told to go */
	for (;;) {
		struct timespec ts = { 0, 0 };
		fd_set rf;

		FD_ZERO(&rf);
		FD_SET(in, &rf);
		if (pselect(in + 1, &rf, NULL, NULL, &ts, NULL) > 0)
			break;
		client_poll(cl, 50);
	}
	r = read(in, line, sizeof(line) - 1);
	if (r <= 0 || sscanf((line[r] = '\0', line), "go %lld %lld",
	    (long long *)&t0, (long long *)&deadline) != 2)
		return 1;
	while (now_us() < deadline) {
		client_poll(cl, 50);
		for (got = 0, i = 0; i < cl->n; i++)
			got += cl->c[i].got_us != 0;
		if (got >= cl->ready) {
			if (last == 0)
				last = now_us();
			break;
		}
	}
	f = fdopen(out, "w");
	fprintf(f, "got %zu\n", got);
	for (i = 0; i < cl->n; i++)
		if (cl->c[i].got_us != 0)
			fprintf(f, "%lld\n", (long long)(cl->c[i].got_us - t0));
	fclose(f);
	return 0;
}

/* --- the parent -------------------------------------------------------- */

static char *
json_str(const struct http_result *r, const char *key)
{
	json_t *root = json_loadb(r->body, r->len, 0, NULL);
	const char *s = json_string_value(json_object_get(root, key));
	char *out = s != NULL ? xstrdup(s) : NULL;

	json_decref(root);
	return out;
}

/* Register and log in name; its id and token, or false. */
static bool
account(struct http_client *h, const char *name, char **id, char **token)
{
	struct http_result r;
	char body[256];

	snprintf(body, sizeof(body),
	    "{\"username\":\"%s\",\"password\":\"password123\"}", name);
	if (http_client_request(h, "POST", "/users/register", body, NULL,
	    &r) != 0 || r.status != 201) {
		fprintf(stderr, "feed_fanout: register %s: %ld %s\n", name,
		    r.status, r.body ? r.body : r.error);
		http_result_release(&r);
		return false;
	}
	*id = json_str(&r, "userId");
	http_result_release(&r);
	if (http_client_request(h, "POST", "/users/login", body, NULL,
	    &r) != 0 || r.status != 200) {
		http_result_release(&r);
		return false;
	}
	*token = json_str(&r, "accessToken");
	http_result_release(&r);
	return *id != NULL && *token != NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: feed_fanout http://HOST:PORT --sockets K "
	    "[--procs P] [--gateway-pid PID]... [--wait S] [--bare]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *url = NULL;
	size_t sockets = 0, procs = 0, ngw = 0, p, ready = 0, failed = 0;
	size_t reconnected = 0;
	size_t got = 0, nd = 0, cap;
	long gwpid[GATEWAYS_MAX], before = 0, after = 0, kib;
	int waits = 30, a, port;
	bool bare = false;
	char host[128], name[64], path[128], body[256], line[64];
	char *pid_, *ptok, *fid, *ftok;
	struct http_client *h;
	struct http_result r;
	struct client cl;
	int (*to)[2], (*from)[2];
	pid_t *kids;
	int64_t t0, rtt;
	double *delays;
	FILE *f;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--sockets") == 0 && a + 1 < argc)
			sockets = (size_t)atol(argv[++a]);
		else if (strcmp(argv[a], "--procs") == 0 && a + 1 < argc)
			procs = (size_t)atol(argv[++a]);
		else if (strcmp(argv[a], "--gateway-pid") == 0 && a + 1 < argc &&
		    ngw < GATEWAYS_MAX)
			gwpid[ngw++] = atol(argv[++a]);
		else if (strcmp(argv[a], "--wait") == 0 && a + 1 < argc)
			waits = atoi(argv[++a]);
		else if (strcmp(argv[a], "--bare") == 0)
			bare = true;
		else if (url == NULL && argv[a][0] != '-')
			url = argv[a];
		else
			usage();
	}
	if (url == NULL || sockets == 0 || waits < 1 ||
	    sscanf(url, "http://%127[^:/]:%d", host, &port) != 2)
		usage();
	if (procs == 0)
		procs = (sockets + PER_PROC - 1) / PER_PROC;
	if ((sockets + procs - 1) / procs > PER_PROC) {
		fprintf(stderr, "feed_fanout: more than %d sockets a process\n",
		    PER_PROC);
		return 1;
	}

	h = http_client_new(url);
	http_client_set_timeout(h, 10000);
	if (bare) {
		pid_ = ptok = fid = ftok = xstrdup("bare");
		goto open;
	}
	snprintf(name, sizeof(name), "fanp%d", (int)getpid());
	if (!account(h, name, &pid_, &ptok))
		return 1;
	snprintf(name, sizeof(name), "fanf%d", (int)getpid());
	if (!account(h, name, &fid, &ftok))
		return 1;
	http_client_set_token(h, ftok);
	snprintf(path, sizeof(path), "/users/%s/follow", fid);
	snprintf(body, sizeof(body), "{\"followUserId\":\"%s\"}", pid_);
	if (http_client_request(h, "POST", path, body, NULL, &r) != 0 ||
	    r.status != 200) {
		fprintf(stderr, "feed_fanout: follow: %ld\n", r.status);
		return 1;
	}
	http_result_release(&r);

open:
	for (p = 0; p < ngw; p++)
		if ((kib = rss_kib(gwpid[p])) > 0)
			before += kib;
	printf("feed_fanout: %zu connections over %zu client processes to %s "
	    "(%zu gateway pids given)\n", sockets, procs, url, ngw);
	fflush(stdout);

	to = xcalloc(procs, sizeof(*to));
	from = xcalloc(procs, sizeof(*from));
	kids = xcalloc(procs, sizeof(*kids));
	t0 = now_us();
	for (p = 0; p < procs; p++) {
		if (pipe(to[p]) != 0 || pipe(from[p]) != 0)
			return 1;
		if ((kids[p] = fork()) == 0) {
			memset(&cl, 0, sizeof(cl));
			cl.dst.sin_family = AF_INET;
			cl.dst.sin_port = htons((uint16_t)port);
			inet_pton(AF_INET, strcmp(host, "localhost") == 0 ?
			    "127.0.0.1" : host, &cl.dst.sin_addr);
			cl.host = host;
			cl.token = ftok;
			cl.n = sockets / procs + (p < sockets % procs);
			close(to[p][1]);
			close(from[p][0]);
			_exit(client_run(&cl, to[p][0], from[p][1]));
		}
		close(to[p][0]);
		close(from[p][1]);
	}
	for (p = 0; p < procs; p++) {
		size_t rd = 0, fl = 0, rc = 0;
		ssize_t n = read(from[p][0], line, sizeof(line) - 1);

		if (n > 0 && (line[n] = '\0', sscanf(line, "ready %zu failed %zu "
		    "reconnected %zu", &rd, &fl, &rc)) == 3) {
			ready += rd;
			failed += fl;
			reconnected += rc;
		}
	}
	printf("open: %zu ready, %zu failed, in %.1f s (%zu ready only on "
	    "a reconnection, a second after the server closed the first)\n",
	    ready, failed, (double)(now_us() - t0) / 1e6, reconnected);
	sleep(1);	/* let the gateways settle */
	for (p = 0; p < ngw; p++)
		if ((kib = rss_kib(gwpid[p])) > 0)
			after += kib;
	if (ngw > 0 && ready > 0)
		printf("gateways' VmRSS: %ld KiB before, %ld KiB with %zu "
		    "ready connections: %.0f bytes per connection\n", before,
		    after, ready, (double)(after - before) * 1024 / (double)ready);

	if (bare) {
		for (p = 0; p < procs; p++) {
			kill(kids[p], SIGTERM);
			waitpid(kids[p], NULL, 0);
		}
		http_client_free(h);
		return 0;
	}

	/* one post */
	http_client_set_token(h, ptok);
	snprintf(body, sizeof(body), "{\"userId\":\"%s\",\"content\":"
	    "\"fan-out to every connection\"}", pid_);
	t0 = now_us();
	if (http_client_request(h, "POST", "/tweets", body, NULL, &r) != 0 ||
	    r.status != 201)
		fprintf(stderr, "feed_fanout: post: %ld\n", r.status);
	rtt = now_us() - t0;
	http_result_release(&r);
	for (p = 0; p < procs; p++)
		dprintf(to[p][1], "go %lld %lld\n", (long long)t0,
		    (long long)(t0 + (int64_t)waits * 1000000));
	cap = ready + 1;
	delays = xcalloc(cap, sizeof(*delays));
	for (p = 0; p < procs; p++) {
		size_t g = 0;

		f = fdopen(from[p][0], "r");
		if (f != NULL && fscanf(f, "got %zu", &g) == 1) {
			long long d;

			got += g;
			while (fscanf(f, "%lld", &d) == 1)
				if (nd < cap)
					delays[nd++] = (double)d;
		}
		if (f != NULL)
			fclose(f);
		close(to[p][1]);
		waitpid(kids[p], NULL, 0);
	}
	printf("post: round trip %.1f ms; received by %zu of %zu ready "
	    "connections (%zu missing)\n", (double)rtt / 1000, got, ready,
	    ready - got);
	if (nd > 0) {
		qsort(delays, nd, sizeof(*delays), cmp_double);
		printf("delivery after the POST: p50 %.1f ms, p99 %.1f ms, "
		    "last %.1f ms\n", percentile(delays, nd, 50) / 1000,
		    percentile(delays, nd, 99) / 1000, delays[nd - 1] / 1000);
	}
	free(delays);
	http_client_free(h);
	return 0;
}
