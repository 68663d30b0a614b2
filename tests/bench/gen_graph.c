/*
 * gen_graph.c: a social graph and its tweets as CSV files for the admin
 * bulk load (deploy/bulk-load.sh), seeded and deterministic: the same
 * arguments write the same graph and tweets (the password hash's salt
 * aside).
 *
 *   gen_graph OUTDIR [--users N] [--tweets M] [--seed S]
 *       [--readers "40 200 1000 5000"] [--per-class R]
 *       [--edges DATASET_DIR] [--posts-per-user P] [--prefix NAME]
 *
 * Generated (the default): N users (100,000); followings per user from a
 * Pareto distribution (at least 3, mean about 9, at most 2,000), each
 * followee drawn by popularity from a Zipf distribution (exponent 1), so
 * followers follow a power law; R readers (8) for each count of
 * --readers follow exactly that many accounts, drawn the same way; M
 * tweets (1,000,000) of 256 characters, each author drawn by activity
 * from a second Zipf distribution (exponent 1), so a few authors write
 * most tweets. Popularity and activity rank the users by two seeded
 * permutations.
 *
 * --edges DATASET_DIR: the graph of NAME.nodes and NAME.edges instead
 * (socfb-Reed98: every edge a follow both ways, as load_graph loads it),
 * P tweets (10) per user.
 *
 * Users are NAME_<i> (NAME "user", as load_graph names them), i from 0,
 * with id i + 1; every password is "benchmark-password", hashed once at
 * the cost of CHIRP_PASSWORD_OPS and CHIRP_PASSWORD_MEM_KIB (chirp-userd's
 * settings; 0 or unset: its defaults) and the hash reused for all.
 *
 * Writes OUTDIR/users.csv (id, username, password_hash (quoted: it holds
 * commas), created_at, followers_count, followings_count), follows.csv
 * (follower_id,
 * followee_id, created_at), tweets.csv (id, user_id, username, content,
 * created_at) and readers.txt ("user_id username followings" lines, the
 * readers of each class; with --edges every user).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "password.h"
#include "xmalloc.h"

#define PASSWORD "benchmark-password"
#define CONTENT_LEN 256
#define FOLLOW_MIN 3		/* Pareto: smallest count of followings */
#define FOLLOW_SHAPE 1.5	/* Pareto shape: mean 3 x 1.5 / 0.5 = 9 */
#define FOLLOW_MAX 2000
#define EPOCH 1767225600	/* 2026-01-01 00:00:00 UTC: the first row */
#define TWEET_GAP 2		/* seconds between two generated tweets */
#define MAX_CLASSES 16

static uint64_t rng_state;

/* splitmix64: small, fast and the same on every machine. */
static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* A seeded permutation of 0..n-1 (Fisher-Yates). */
static int *
permutation(int n)
{
	int *p = xcalloc((size_t)n, sizeof(*p)), i, j, t;

	for (i = 0; i < n; i++)
		p[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = (int)(rng_next() % (uint64_t)(i + 1));
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

/* A Zipf distribution over n ranks: its cumulative weights, rank r of
 * weight 1 / (r + 1). */
static double *
zipf_new(int n)
{
	double *cdf = xcalloc((size_t)n, sizeof(*cdf)), sum = 0;
	int r;

	for (r = 0; r < n; r++)
		cdf[r] = (sum += 1.0 / (r + 1));
	for (r = 0; r < n; r++)
		cdf[r] /= sum;
	return cdf;
}

/* A rank drawn from the distribution (binary search). */
static int
zipf_draw(const double *cdf, int n)
{
	double u = rng_unit();
	int lo = 0, hi = n - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
timestamp(char *buf, size_t len, long secs)
{
	time_t t = (time_t)(EPOCH + secs);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S+00", &tm);
}

struct gen {
	const char *dir;
	const char *prefix;
	int users;
	long tweets;
	int classes[MAX_CLASSES], nclasses, per_class;
	int posts_per_user;
	int64_t *followers, *followings;
	FILE *follows;
	long nfollows;
	int *seen;		/* seen[u] == stamp: u taken by follower stamp */
};

static FILE *
open_out(const struct gen *g, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "gen_graph: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

/* One follow row, counted. Ids are 0-based here, 1-based in the rows. */
static void
follow(struct gen *g, int a, int b)
{
	char ts[40];

	timestamp(ts, sizeof(ts), g->nfollows % 86400);
	fprintf(g->follows, "%d,%d,%s\n", a + 1, b + 1, ts);
	g->followers[b]++;
	g->followings[a]++;
	g->nfollows++;
}

/* Follower a follows k distinct others, drawn by popularity. */
static void
follow_many(struct gen *g, int a, int k, const double *cdf, const int *pop)
{
	int got = 0, tries = 0, b;

	if (k > g->users - 1)
		k = g->users - 1;
	g->seen[a] = a;
	while (got < k) {
		/* The popular accounts are soon all taken: past a bound of
		 * draws, any user. */
		if (++tries < 20 * k)
			b = pop[zipf_draw(cdf, g->users)];
		else
			b = (int)(rng_next() % (uint64_t)g->users);
		if (g->seen[b] == a)
			continue;
		g->seen[b] = a;
		follow(g, a, b);
		got++;
	}
}

/* Deterministic text of CONTENT_LEN characters: words of letters. */
static void
content(char *buf, long id)
{
	static const char letters[] = "etaoinshrdlucmfwypvbgkjqxz";
	int i = snprintf(buf, CONTENT_LEN + 1, "tweet %ld ", id), w = 0;

	for (; i < CONTENT_LEN; i++) {
		if (w > 2 && rng_next() % 6 == 0) {
			buf[i] = ' ';
			w = 0;
		} else {
			buf[i] = letters[rng_next() % 26];
			w++;
		}
	}
	buf[CONTENT_LEN] = '\0';
}

static int
read_edges(struct gen *g, const char *dir)
{
	char path[4096], *base;
	const char *slash = strrchr(dir, '/');
	FILE *f;
	int a, b;

	base = xstrdup(slash != NULL && slash[1] != '\0' ? slash + 1 : dir);
	snprintf(path, sizeof(path), "%s/%s.nodes", dir, base);
	if ((f = fopen(path, "r")) == NULL || fscanf(f, "%d", &g->users) != 1 ||
	    g->users < 2) {
		fprintf(stderr, "gen_graph: cannot read %s\n", path);
		return -1;
	}
	fclose(f);
	g->followers = xcalloc((size_t)g->users, sizeof(int64_t));
	g->followings = xcalloc((size_t)g->users, sizeof(int64_t));
	snprintf(path, sizeof(path), "%s/%s.edges", dir, base);
	free(base);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "gen_graph: cannot read %s\n", path);
		return -1;
	}
	while (fscanf(f, "%d %d", &a, &b) == 2) {
		if (a < 0 || b < 0 || a >= g->users || b >= g->users ||
		    a == b) {
			fprintf(stderr, "gen_graph: bad edge %d %d\n", a, b);
			fclose(f);
			return -1;
		}
		follow(g, a, b);
		follow(g, b, a);
	}
	fclose(f);
	return 0;
}

static void
generate_follows(struct gen *g)
{
	double *cdf = zipf_new(g->users);
	int *pop = permutation(g->users), a, c, k, r;

	g->seen = xcalloc((size_t)g->users, sizeof(int));
	for (a = 0; a < g->users; a++)
		g->seen[a] = -1;
	/* Readers first: users 0 .. classes x per_class - 1. */
	a = 0;
	for (c = 0; c < g->nclasses; c++)
		for (r = 0; r < g->per_class && a < g->users; r++)
			follow_many(g, a++, g->classes[c], cdf, pop);
	for (; a < g->users; a++) {
		k = (int)(FOLLOW_MIN / pow(1.0 - rng_unit(), 1.0 / FOLLOW_SHAPE));
		follow_many(g, a, k > FOLLOW_MAX ? FOLLOW_MAX : k, cdf, pop);
	}
	free(cdf);
	free(pop);
	free(g->seen);
}

/* Tweets: ids in time order; authors by activity, or P per user. */
static void
generate_tweets(struct gen *g)
{
	FILE *f = open_out(g, "tweets.csv");
	double *cdf = NULL;
	int *act = NULL, a;
	long id, n;
	char ts[40], text[CONTENT_LEN + 1];

	if (g->posts_per_user > 0)
		n = (long)g->users * g->posts_per_user;
	else {
		n = g->tweets;
		cdf = zipf_new(g->users);
		act = permutation(g->users);
	}
	for (id = 1; id <= n; id++) {
		if (act != NULL)
			a = act[zipf_draw(cdf, g->users)];
		else
			a = (int)((id - 1) % g->users);
		timestamp(ts, sizeof(ts), 86400 + id * TWEET_GAP);
		content(text, id);
		fprintf(f, "%ld,%d,%s_%d,%s,%s\n", id, a + 1, g->prefix, a,
		    text, ts);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "gen_graph: tweets.csv: %s\n",
		    strerror(errno));
		exit(1);
	}
	free(cdf);
	free(act);
	printf("tweets: %ld\n", n);
}

static void
write_users(struct gen *g)
{
	FILE *f = open_out(g, "users.csv"), *r = open_out(g, "readers.txt");
	char hash[PASSWORD_HASH_MAX], ts[40];
	const char *e;
	unsigned long ops, kib;
	int i, nreaders;

	ops = (e = getenv("CHIRP_PASSWORD_OPS")) ? strtoul(e, NULL, 10) : 0;
	kib = (e = getenv("CHIRP_PASSWORD_MEM_KIB")) ? strtoul(e, NULL, 10) :
	    0;
	password_set_cost(ops, kib);
	if (password_hash(PASSWORD, strlen(PASSWORD), hash) != 0) {
		fprintf(stderr, "gen_graph: cannot hash the password\n");
		exit(1);
	}
	timestamp(ts, sizeof(ts), 0);
	for (i = 0; i < g->users; i++)
		fprintf(f, "%d,%s_%d,\"%s\",%s,%lld,%lld\n", i + 1, g->prefix, i,
		    hash, ts, (long long)g->followers[i],
		    (long long)g->followings[i]);
	nreaders = g->posts_per_user > 0 ? g->users :
	    g->nclasses * g->per_class;
	for (i = 0; i < nreaders && i < g->users; i++)
		fprintf(r, "%d %s_%d %lld\n", i + 1, g->prefix, i,
		    (long long)g->followings[i]);
	if (fclose(f) != 0 || fclose(r) != 0) {
		fprintf(stderr, "gen_graph: users.csv: %s\n", strerror(errno));
		exit(1);
	}
	printf("users: %d (readers: %d)\n", g->users, nreaders);
}

static int
parse_classes(struct gen *g, const char *s)
{
	char *copy = xstrdup(s), *w, *save = NULL;

	g->nclasses = 0;
	for (w = strtok_r(copy, " ,", &save); w != NULL;
	    w = strtok_r(NULL, " ,", &save)) {
		if (g->nclasses == MAX_CLASSES || atoi(w) < 1) {
			free(copy);
			return -1;
		}
		g->classes[g->nclasses++] = atoi(w);
	}
	free(copy);
	return 0;
}

int
main(int argc, char **argv)
{
	struct gen g = { .prefix = "user", .users = 100000, .tweets = 1000000,
	    .per_class = 8 };
	const char *edges = NULL;
	uint64_t seed = 42;
	int a, posts = 10;

	parse_classes(&g, "40 200 1000 5000");
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--users") == 0 && a + 1 < argc)
			g.users = atoi(argv[++a]);
		else if (strcmp(argv[a], "--tweets") == 0 && a + 1 < argc)
			g.tweets = atol(argv[++a]);
		else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--readers") == 0 && a + 1 < argc) {
			if (parse_classes(&g, argv[++a]) != 0)
				break;
		} else if (strcmp(argv[a], "--per-class") == 0 && a + 1 < argc)
			g.per_class = atoi(argv[++a]);
		else if (strcmp(argv[a], "--edges") == 0 && a + 1 < argc)
			edges = argv[++a];
		else if (strcmp(argv[a], "--posts-per-user") == 0 &&
		    a + 1 < argc)
			posts = atoi(argv[++a]);
		else if (strcmp(argv[a], "--prefix") == 0 && a + 1 < argc)
			g.prefix = argv[++a];
		else if (g.dir == NULL && argv[a][0] != '-')
			g.dir = argv[a];
		else
			break;
	}
	if (a < argc || g.dir == NULL || g.users < 2 || g.users > 10000000 ||
	    g.tweets < 0 || g.per_class < 0 || posts < 0 ||
	    strlen(g.prefix) > 32) {
		fprintf(stderr, "usage: gen_graph OUTDIR [--users N] "
		    "[--tweets M] [--seed S] [--readers \"40 200 1000 5000\"] "
		    "[--per-class R] [--edges DATASET_DIR] "
		    "[--posts-per-user P] [--prefix NAME]\n");
		return 2;
	}
	rng_state = seed;
	g.follows = open_out(&g, "follows.csv");
	if (edges != NULL) {
		if (read_edges(&g, edges) != 0)
			return 1;
		g.posts_per_user = posts > 0 ? posts : 0;
		if (posts == 0)
			g.tweets = 0;
	} else {
		g.followers = xcalloc((size_t)g.users, sizeof(int64_t));
		g.followings = xcalloc((size_t)g.users, sizeof(int64_t));
		generate_follows(&g);
	}
	if (fclose(g.follows) != 0) {
		fprintf(stderr, "gen_graph: follows.csv: %s\n",
		    strerror(errno));
		return 1;
	}
	printf("follows: %ld\n", g.nfollows);
	write_users(&g);
	generate_tweets(&g);
	free(g.followers);
	free(g.followings);
	return 0;
}
