/*
 * load_graph.c: loads a social graph through the public API, as the
 * DeathStarBench social-network benchmark does: users 0..N-1 registered as
 * "user_<i>", every undirected edge followed both ways, then P posts per
 * user. Prints the rate of each phase and writes "userId token" lines for
 * the workload generator. The follows go in a fixed shuffled order: in the
 * file's order the threads would all follow from the same user at once and
 * queue on that user's counters (a convoy of durable commits), which
 * measures the file, not the system.
 *
 *   load_graph URL DATASET_DIR OUT_TOKENS [THREADS] [POSTS_PER_USER]
 *
 * DATASET_DIR holds NAME.nodes (the count) and NAME.edges ("A B" lines).
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "timeutil.h"
#include "xmalloc.h"

struct graph {
	int nodes;
	int (*edges)[2];
	size_t nedges;
	char **ids;		/* userId of node i */
	char **tokens;
	size_t *order;		/* follow k is order[k]: edge k/2, way k%2 */
};

struct job {
	const char *url;
	struct graph *g;
	int phase;		/* 0 register+login, 1 follow, 2 post */
	int posts;
	atomic_size_t next;
	atomic_size_t failed;
};

static int
call(struct http_client *c, const char *method, const char *path,
    json_t *body, const char *token, json_t **out)
{
	struct http_result r;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int ok;

	http_client_set_token(c, token);
	ok = http_client_request(c, method, path, text, NULL, &r) == 0 &&
	    r.status >= 200 && r.status < 300;
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
	size_t i, n = j->phase == 1 ? g->nedges * 2 : (size_t)g->nodes;
	char name[32], path[96], text[300];
	json_t *body, *out;
	int k;

	while ((i = atomic_fetch_add(&j->next, 1)) < n) {
		if (j->phase == 0) {
			snprintf(name, sizeof(name), "user_%zu", i);
			body = json_pack("{s:s,s:s}", "username", name,
			    "password", "benchmark-password");
			if (call(c, "POST", "/users/register", body, NULL,
			    NULL) != 0 || call(c, "POST", "/users/login",
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
			int a = g->edges[e / 2][e % 2];
			int b = g->edges[e / 2][1 - e % 2];

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

/* A fixed pseudo-random order of the 2 x nedges follows (Fisher-Yates
 * with xorshift64, the same every run). */
static void
shuffle_follows(struct graph *g)
{
	size_t n = g->nedges * 2, i, j, t;
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
	int threads, posts, i;
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: load_graph URL DATASET_DIR OUT_TOKENS "
		    "[THREADS] [POSTS_PER_USER]\n");
		return 2;
	}
	threads = argc > 4 ? atoi(argv[4]) : 8;
	posts = argc > 5 ? atoi(argv[5]) : 10;
	if (read_graph(argv[2], &g) != 0) {
		fprintf(stderr, "load_graph: cannot read '%s'\n", argv[2]);
		return 1;
	}
	j.url = argv[1];
	j.g = &g;
	j.posts = posts;
	printf("graph: %d users, %zu edges (%zu follows)\n", g.nodes, g.nedges,
	    g.nedges * 2);
	j.phase = 0;
	run_phase(&j, threads, "register+login", (size_t)g.nodes);
	j.phase = 1;
	run_phase(&j, threads, "follow", g.nedges * 2);
	j.phase = 2;
	run_phase(&j, threads, "post", (size_t)g.nodes * (size_t)posts);
	if ((out = fopen(argv[3], "w")) == NULL)
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
