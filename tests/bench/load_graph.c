/*
 * load_graph.c: loads a social graph through the public API, as the
 * DeathStarBench social-network benchmark does: users 0..N-1 registered as
 * "user_<i>", every undirected edge followed both ways, then P posts per
 * user. Prints the rate of each phase and writes "userId token" lines for
 * the workload generator, in node order. The follows go in a fixed
 * shuffled order: in the file's order the threads would all follow from
 * the same user at once and queue on that user's counters (a convoy of
 * durable commits), which measures the file, not the system.
 *
 *   load_graph URL DATASET_DIR OUT_TOKENS [THREADS] [POSTS_PER_USER]
 *       [--directed] [--prefix NAME] [--login-only]
 *
 * DATASET_DIR holds NAME.nodes (the count) and NAME.edges ("A B" lines).
 * --directed: "A B" means only that A follows B (a graph of followers,
 * such as a celebrity's). --prefix: the users are "NAME_<i>" instead of
 * "user_<i>", so that a second graph loads beside the first.
 * --login-only: the graph is already there (deploy/bulk-load.sh loaded
 * it): only log every user in and write the tokens.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_client.h"
#include "timeutil.h"
#include "xmalloc.h"

#define CALL_TRIES 10	/* answers 429 before a call counts as failed */

struct graph {
	int nodes;
	int (*edges)[2];
	size_t nedges;
	char **ids;		/* userId of node i */
	char **tokens;
	size_t ways;		/* 2: both ways, 1: --directed */
	size_t *order;		/* follow k is order[k]: edge k/ways, way
				 * k%ways */
};

struct job {
	const char *url;
	const char *prefix;
	struct graph *g;
	int phase;		/* 0 register+login, 1 follow, 2 post */
	int login_only;		/* phase 0 only logs in */
	int posts;
	atomic_size_t next;
	atomic_size_t failed;
};

/*
 * One call; 0 when answered 2xx. A 429 (chirp-userd's password pool is
 * full, or a rate) is tried again after its Retry-After, as a client
 * should, up to CALL_TRIES times.
 */
static int
call(struct http_client *c, const char *method, const char *path,
    json_t *body, const char *token, json_t **out)
{
	struct http_result r;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	const char *after;
	int ok, tries = 0;
	long secs;

	http_client_set_token(c, token);
	for (;;) {
		ok = http_client_request(c, method, path, text, NULL, &r) ==
		    0 && r.status >= 200 && r.status < 300;
		if (ok || r.status != 429 || ++tries >= CALL_TRIES)
			break;
		after = http_result_header(&r, "retry-after");
		secs = after != NULL ? strtol(after, NULL, 10) : 1;
		http_result_release(&r);
		sleep((unsigned)(secs < 1 ? 1 : secs > 5 ? 5 : secs));
	}
	if (ok && out != NULL)
		*out = json_loads(r.body, 0, NULL);
	else if (!ok)
		fprintf(stderr, "load_graph: %s %s: %ld %s\n", method, path,
		    r.status, r.status ? r.body : r.error);
	http_result_release(&r);
	free(text);
	return ok ? 0 : -1;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct graph *g = j->g;
	struct http_client *c = http_client_new(j->url);
	size_t i, n = j->phase == 1 ? g->nedges * g->ways : (size_t)g->nodes;
	char name[48], path[96], text[300];
	json_t *body, *out;
	int k;

	while ((i = atomic_fetch_add(&j->next, 1)) < n) {
		if (j->phase == 0) {
			snprintf(name, sizeof(name), "%s_%zu", j->prefix, i);
			body = json_pack("{s:s,s:s}", "username", name,
			    "password", "benchmark-password");
			if ((!j->login_only && call(c, "POST",
			    "/users/register", body, NULL, NULL) != 0) ||
			    call(c, "POST", "/users/login",
			    body, NULL, &out) != 0) {
				atomic_fetch_add(&j->failed, 1);
				json_decref(body);
				continue;
			}
			g->ids[i] = xstrdup(json_string_value(json_object_get(
			    out, "userId")));
			g->tokens[i] = xstrdup(json_string_value(
			    json_object_get(out, "accessToken")));
			json_decref(out);
			json_decref(body);
		} else if (j->phase == 1) {
			size_t e = g->order[i];
			int a = g->edges[e / g->ways][e % g->ways];
			int b = g->edges[e / g->ways][1 - e % g->ways];

			if (g->ids[a] == NULL || g->ids[b] == NULL)
				continue;
			snprintf(path, sizeof(path), "/users/%s/follow",
			    g->ids[a]);
			body = json_pack("{s:s}", "followUserId", g->ids[b]);
			if (call(c, "POST", path, body, g->tokens[a],
			    NULL) != 0)
				atomic_fetch_add(&j->failed, 1);
			json_decref(body);
		} else {
			if (g->ids[i] == NULL)
				continue;
			for (k = 0; k < j->posts; k++) {
				/* 256 characters, as DeathStarBench posts. */
				int len;

				memset(text, 'a' + k % 26, 256);
				len = snprintf(text, 64, "post %d of user %zu ",
				    k, i);
				text[len] = ' ';
				text[256] = '\0';
				body = json_pack("{s:s,s:s}", "userId",
				    g->ids[i], "content", text);
				if (call(c, "POST", "/tweets", body,
				    g->tokens[i], NULL) != 0)
					atomic_fetch_add(&j->failed, 1);
				json_decref(body);
			}
		}
	}
	http_client_free(c);
	return NULL;
}

static void
run_phase(struct job *j, int threads, const char *what, size_t count)
{
	pthread_t *t = xcalloc((size_t)threads, sizeof(*t));
	double start = time_mono(), secs;
	int i;

	atomic_store(&j->next, 0);
	atomic_store(&j->failed, 0);
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, j);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	secs = time_mono() - start;
	printf("%-22s %8zu in %6.2f s  %8.0f/s  (%zu failed)\n", what, count,
	    secs, (double)count / secs, atomic_load(&j->failed));
	fflush(stdout);
	free(t);
}

/* A fixed pseudo-random order of the ways x nedges follows (Fisher-Yates
 * with xorshift64, the same every run). */
static void
shuffle_follows(struct graph *g)
{
	size_t n = g->nedges * g->ways, i, j, t;
	unsigned long long x = 0x9e3779b97f4a7c15ULL;

	g->order = xcalloc(n ? n : 1, sizeof(*g->order));
	for (i = 0; i < n; i++)
		g->order[i] = i;
	for (i = n; i > 1; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % i);
		t = g->order[i - 1];
		g->order[i - 1] = g->order[j];
		g->order[j] = t;
	}
}

static int
read_graph(const char *dir, struct graph *g)
{
	char path[1024], base[256];
	const char *slash;
	FILE *f;
	int a, b;

	slash = strrchr(dir, '/');
	snprintf(base, sizeof(base), "%s", slash && slash[1] ? slash + 1 :
	    dir);
	snprintf(path, sizeof(path), "%s/%s.nodes", dir, base);
	if ((f = fopen(path, "r")) == NULL || fscanf(f, "%d", &g->nodes) != 1)
		return -1;
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.edges", dir, base);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fscanf(f, "%d %d", &a, &b) == 2) {
		if (a < 0 || b < 0 || a >= g->nodes || b >= g->nodes || a == b)
			continue;
		g->edges = xrealloc(g->edges, (g->nedges + 1) *
		    sizeof(*g->edges));
		g->edges[g->nedges][0] = a;
		g->edges[g->nedges++][1] = b;
	}
	fclose(f);
	shuffle_follows(g);
	g->ids = xcalloc((size_t)g->nodes, sizeof(char *));
	g->tokens = xcalloc((size_t)g->nodes, sizeof(char *));
	return 0;
}

int
main(int argc, char **argv)
{
	struct graph g = { 0 };
	struct job j = { 0 };
	const char *pos[5] = { NULL, NULL, NULL, NULL, NULL };
	int threads, posts, i, npos = 0;
	FILE *out;

	j.prefix = "user";
	g.ways = 2;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--directed") == 0)
			g.ways = 1;
		else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
			j.prefix = argv[++i];
		else if (strcmp(argv[i], "--login-only") == 0)
			j.login_only = 1;
		else if (argv[i][0] != '-' && npos < 5)
			pos[npos++] = argv[i];
		else
			npos = -100;
	}
	if (npos < 3 || strlen(j.prefix) > 20) {
		fprintf(stderr, "usage: load_graph URL DATASET_DIR OUT_TOKENS "
		    "[THREADS] [POSTS_PER_USER] [--directed] "
		    "[--prefix NAME] [--login-only]\n");
		return 2;
	}
	threads = npos > 3 ? atoi(pos[3]) : 8;
	posts = npos > 4 ? atoi(pos[4]) : 10;
	if (threads < 1 || posts < 0) {
		fprintf(stderr, "load_graph: bad THREADS or POSTS_PER_USER\n");
		return 2;
	}
	if (read_graph(pos[1], &g) != 0) {
		fprintf(stderr, "load_graph: cannot read '%s'\n", pos[1]);
		return 1;
	}
	j.url = pos[0];
	j.g = &g;
	j.posts = posts;
	printf("graph: %d users, %zu edges (%zu follows)\n", g.nodes, g.nedges,
	    g.nedges * g.ways);
	j.phase = 0;
	run_phase(&j, threads, j.login_only ? "login" : "register+login",
	    (size_t)g.nodes);
	j.phase = 1;
	if (!j.login_only)
		run_phase(&j, threads, "follow", g.nedges * g.ways);
	j.phase = 2;
	if (posts > 0 && !j.login_only)
		run_phase(&j, threads, "post", (size_t)g.nodes *
		    (size_t)posts);
	if ((out = fopen(pos[2], "w")) == NULL)
		return 1;
	for (i = 0; i < g.nodes; i++) {
		if (g.ids[i] != NULL)
			fprintf(out, "%s %s\n", g.ids[i], g.tokens[i]);
		free(g.ids[i]);
		free(g.tokens[i]);
	}
	fclose(out);
	free(g.ids);
	free(g.tokens);
	free(g.edges);
	free(g.order);
	return 0;
}
