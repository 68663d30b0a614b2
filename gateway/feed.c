/*
 * feed.c: fan-out of live events to local connections (see feed.h). Two
 * indexes map a user id to connections: by_user (the connection's own
 * user) and by_author (connections following that author). Each is a
 * hash map of small vectors.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "hmap.h"
#include "xmalloc.h"

struct connvec {
	struct feed_conn **v;
	size_t n, cap;
};

struct idmap_entry {
	int64_t key;
	struct connvec conns;
	struct hmap_node node;
};

struct feed_conn {
	int64_t user_id;
	void *owner;
	bool loading;
	bool reloading;		/* a fresh list is on its way */
	bool overflowed;
	int64_t *follows;	/* authors indexed under, sorted, unique */
	size_t nfollows, capfollows;
	struct feed_msg **ring;
	size_t cap, head, count;
	LIST_ENTRY(feed_conn) loading_entry;	/* f->loading, while loading */
	/* follows (+id) and unfollows (-id) seen while (re)loading, applied
	 * after the followings: the list may predate them */
	int64_t *pending;
	size_t npending, cappending;
};

struct feed {
	size_t queue_max;
	struct hmap by_user, by_author;	/* of idmap_entry */
	LIST_HEAD(, feed_conn) loading;	/* the loading connections */
	size_t nconns;
	uint64_t drops;
	uint64_t work;		/* follow-list steps, for feed_work() */
};

static bool
idmap_eq(const struct hmap_node *n, const void *key)
{
	return HMAP_ENTRY(n, struct idmap_entry, node)->key ==
	    *(const int64_t *)key;
}

static void
idmap_release(struct hmap *m)
{
	struct idmap_entry *e;
	struct hmap_iter it;
	struct hmap_node *n;

	for (n = hmap_first(m, &it); n != NULL; n = hmap_next(&it)) {
		e = HMAP_ENTRY(n, struct idmap_entry, node);
		hmap_remove(m, n);
		free(e->conns.v);
		free(e);
	}
	hmap_release(m);
}

static struct idmap_entry *
idmap_entry_find(const struct hmap *m, int64_t key)
{
	struct hmap_node *n = hmap_find(m, hmap_hash_id(key), idmap_eq, &key);

	return n != NULL ? HMAP_ENTRY(n, struct idmap_entry, node) : NULL;
}

static struct connvec *
idmap_find(const struct hmap *m, int64_t key)
{
	struct idmap_entry *e = idmap_entry_find(m, key);

	return e != NULL ? &e->conns : NULL;
}

static void
idmap_add(struct hmap *m, int64_t key, struct feed_conn *c)
{
	struct connvec *v = idmap_find(m, key);
	struct idmap_entry *e;

	if (v == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->key = key;
		hmap_insert(m, &e->node, hmap_hash_id(key));
		v = &e->conns;
	}
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 4;
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	v->v[v->n++] = c;
}

static void
idmap_remove(struct hmap *m, int64_t key, const struct feed_conn *c)
{
	struct idmap_entry *e = idmap_entry_find(m, key);
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->conns.n; i++)
		if (e->conns.v[i] == c) {
			e->conns.v[i] = e->conns.v[--e->conns.n];
			break;
		}
	if (e->conns.n == 0) {
		hmap_remove(m, &e->node);
		free(e->conns.v);
		free(e);
	}
}

struct feed *
feed_new(size_t queue_max)
{
	struct feed *f = xcalloc(1, sizeof(*f));

	f->queue_max = queue_max ? queue_max : 1;
	hmap_init(&f->by_user);
	hmap_init(&f->by_author);
	LIST_INIT(&f->loading);
	return f;
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	idmap_release(&f->by_user);
	idmap_release(&f->by_author);
	free(f);
}

static void
msg_unref(struct feed_msg *m)
{
	if (--m->refs == 0)
		free(m);
}

struct feed_conn *
feed_conn_new(struct feed *f, int64_t user_id, void *owner)
{
	struct feed_conn *c = xcalloc(1, sizeof(*c));

	c->user_id = user_id;
	c->owner = owner;
	c->loading = true;
	c->cap = f->queue_max;
	c->ring = xcalloc(c->cap, sizeof(*c->ring));
	LIST_INSERT_HEAD(&f->loading, c, loading_entry);
	idmap_add(&f->by_user, user_id, c);
	f->nconns++;
	return c;
}

static void
conn_unlink_loading(struct feed_conn *c)
{
	LIST_REMOVE(c, loading_entry);
	c->loading = false;
}

void
feed_conn_free(struct feed *f, struct feed_conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->loading)
		conn_unlink_loading(c);
	for (i = 0; i < c->nfollows; i++)
		idmap_remove(&f->by_author, c->follows[i], c);
	idmap_remove(&f->by_user, c->user_id, c);
	while (c->count > 0)
		feed_conn_pop(c);
	free(c->ring);
	free(c->follows);
	free(c->pending);
	free(c);
	f->nconns--;
}

bool
feed_conn_loading(const struct feed_conn *c)
{
	return c->loading;
}

bool
feed_conn_overflowed(const struct feed_conn *c)
{
	return c->overflowed;
}

/* Where author is in c's sorted follows, or where it would go; *steps
 * counts the probes. */
static size_t
conn_find(const struct feed_conn *c, int64_t author, bool *found,
    uint64_t *steps)
{
	size_t lo = 0, hi = c->nfollows, mid;

	*found = false;
	while (lo < hi) {
		(*steps)++;
		mid = lo + (hi - lo) / 2;
		if (c->follows[mid] < author)
			lo = mid + 1;
		else if (c->follows[mid] > author)
			hi = mid;
		else {
			*found = true;
			return mid;
		}
	}
	return lo;
}

bool
feed_conn_follows(const struct feed_conn *c, int64_t author)
{
	uint64_t steps = 0;
	bool found;

	conn_find(c, author, &found, &steps);
	return found;
}

/* Index c under author (not its own id, which by_user covers). */
static void
conn_follow(struct feed *f, struct feed_conn *c, int64_t author)
{
	size_t at;
	bool found;

	if (author == c->user_id)
		return;
	at = conn_find(c, author, &found, &f->work);
	if (found)
		return;
	if (c->nfollows == c->capfollows) {
		c->capfollows = c->capfollows ? c->capfollows * 2 : 8;
		c->follows = xrealloc(c->follows,
		    c->capfollows * sizeof(*c->follows));
	}
	memmove(c->follows + at + 1, c->follows + at,
	    (c->nfollows - at) * sizeof(*c->follows));
	c->follows[at] = author;
	c->nfollows++;
	idmap_add(&f->by_author, author, c);
}

static void
conn_unfollow(struct feed *f, struct feed_conn *c, int64_t author)
{
	size_t at;
	bool found;

	at = conn_find(c, author, &found, &f->work);
	if (!found)
		return;
	memmove(c->follows + at, c->follows + at + 1,
	    (c->nfollows - at - 1) * sizeof(*c->follows));
	c->nfollows--;
	idmap_remove(&f->by_author, author, c);
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* c follows exactly ids from now on: sorted, unique, without its own id,
 * in O(n log n). The old index entries are dropped first. */
static void
conn_index(struct feed *f, struct feed_conn *c, const int64_t *ids,
    size_t n)
{
	size_t i, m = 0;
	uint64_t lg = 1;

	for (i = 0; i < c->nfollows; i++)
		idmap_remove(&f->by_author, c->follows[i], c);
	free(c->follows);
	c->follows = xcalloc(n ? n : 1, sizeof(*c->follows));
	c->capfollows = n ? n : 1;
	if (n > 0)
		memcpy(c->follows, ids, n * sizeof(*ids));
	qsort(c->follows, n, sizeof(*c->follows), id_cmp);
	while (((size_t)1 << lg) < n)
		lg++;
	f->work += n * lg;	/* the sort */
	for (i = 0; i < n; i++) {
		if (c->follows[i] == c->user_id ||
		    (m > 0 && c->follows[m - 1] == c->follows[i]))
			continue;
		c->follows[m++] = c->follows[i];
		idmap_add(&f->by_author, c->follows[i], c);
		f->work++;
	}
	c->nfollows = m;
}

void
feed_conn_set_followings(struct feed *f, struct feed_conn *c,
    const int64_t *ids, size_t n)
{
	struct feed_msg **keep;
	size_t i, kept = 0, cap = c->cap;
	bool was_loading = c->loading;

	if (!c->loading && !c->reloading)
		return;
	if (c->loading)
		conn_unlink_loading(c);
	c->reloading = false;
	conn_index(f, c, ids, n);
	for (i = 0; i < c->npending; i++) {
		if (c->pending[i] > 0)
			conn_follow(f, c, c->pending[i]);
		else
			conn_unfollow(f, c, -c->pending[i]);
	}
	free(c->pending);
	c->pending = NULL;
	c->npending = c->cappending = 0;
	if (!was_loading)
		return;		/* a reload: what is queued was meant for it */
	/* keep, in order, only what this connection would have been sent */
	keep = xcalloc(cap, sizeof(*keep));
	while (c->count > 0) {
		struct feed_msg *m = c->ring[c->head];

		c->head = (c->head + 1) % cap;
		c->count--;
		if (m->author == c->user_id || feed_conn_follows(c, m->author))
			keep[kept++] = m;
		else
			msg_unref(m);
	}
	free(c->ring);
	c->ring = keep;
	c->head = 0;
	c->count = kept;
}

void
feed_conn_reload_begin(struct feed_conn *c)
{
	if (!c->loading)
		c->reloading = true;
}

void
feed_conn_reload_abort(struct feed_conn *c)
{
	c->reloading = false;
	free(c->pending);
	c->pending = NULL;
	c->npending = c->cappending = 0;
}

bool
feed_conn_reloading(const struct feed_conn *c)
{
	return c->reloading;
}

const struct feed_msg *
feed_conn_peek(const struct feed_conn *c)
{
	return c->count > 0 ? c->ring[c->head] : NULL;
}

void
feed_conn_pop(struct feed_conn *c)
{
	struct feed_msg *m;

	if (c->count == 0)
		return;
	m = c->ring[c->head];
	c->ring[c->head] = NULL;
	c->head = (c->head + 1) % c->cap;
	c->count--;
	msg_unref(m);
}

size_t
feed_conn_queued(const struct feed_conn *c)
{
	return c->count;
}

/* Queue m on c, or mark c overflowed; then wake its owner (a loading
 * connection only when it overflows: it has nothing to send yet, but
 * must be closed like any other that cannot keep up). */
static void
conn_push(struct feed *f, struct feed_conn *c, struct feed_msg *m,
    feed_wake_fn *wake, void *arg)
{
	if (c->overflowed)
		return;
	if (c->count == c->cap) {
		c->overflowed = true;
		f->drops++;
	} else {
		c->ring[(c->head + c->count) % c->cap] = m;
		c->count++;
		m->refs++;
		if (c->loading)
			return;
	}
	if (wake != NULL)
		wake(c->owner, arg);
}

static struct feed_msg *
msg_new(int64_t author, int64_t id, int64_t seq, bool is_tweet, bool notify,
    const char *frame, size_t len)
{
	struct feed_msg *m = xmalloc(sizeof(*m) + len + 1);

	m->refs = 1;		/* the caller's, until it unrefs */
	m->author = author;
	m->id = id;
	m->seq = seq;
	m->is_tweet = is_tweet;
	m->notify = notify;
	m->len = len;
	memcpy(m->data, frame, len);
	m->data[len] = '\0';
	return m;
}

size_t
feed_publish_user(struct feed *f, int64_t user_id, int64_t seq,
    const char *frame, size_t len, feed_wake_fn *wake, void *arg)
{
	struct feed_msg *m;
	struct connvec *v;
	size_t i, n = 0;

	if ((v = idmap_find(&f->by_user, user_id)) == NULL)
		return 0;
	/* the author is the recipient, so a loading connection's filter
	 * (feed_conn_set_followings) keeps it */
	m = msg_new(user_id, 0, seq, false, true, frame, len);
	for (i = 0; i < v->n; i++) {
		conn_push(f, v->v[i], m, wake, arg);
		n++;
	}
	msg_unref(m);
	return n;
}

size_t
feed_publish(struct feed *f, int64_t author, int64_t tweet_id, int64_t seq,
    bool is_tweet, const char *frame, size_t len, feed_wake_fn *wake,
    void *arg)
{
	struct feed_msg *m;
	struct connvec *v;
	struct feed_conn *c, *next;
	size_t i, n = 0;

	m = msg_new(author, tweet_id, seq, is_tweet, false, frame, len);

	if ((v = idmap_find(&f->by_user, author)) != NULL)
		for (i = 0; i < v->n; i++)
			if (!v->v[i]->loading) {
				conn_push(f, v->v[i], m, wake, arg);
				n++;
			}
	if ((v = idmap_find(&f->by_author, author)) != NULL)
		for (i = 0; i < v->n; i++) {
			conn_push(f, v->v[i], m, wake, arg);
			n++;
		}
	for (c = LIST_FIRST(&f->loading); c != NULL; c = next) {
		next = LIST_NEXT(c, loading_entry);
		conn_push(f, c, m, wake, arg);
		n++;
	}
	msg_unref(m);
	return n;
}

/* Remember a change for a loading connection (bounded). */
static void
conn_pending(struct feed_conn *c, int64_t op)
{
	if (c->npending == c->cappending) {
		if (c->cappending >= 4096)
			return;
		c->cappending = c->cappending ? c->cappending * 2 : 4;
		c->pending = xrealloc(c->pending,
		    c->cappending * sizeof(*c->pending));
	}
	c->pending[c->npending++] = op;
}

void
feed_follow(struct feed *f, int64_t follower, int64_t target)
{
	struct connvec *v = idmap_find(&f->by_user, follower);
	size_t i;

	for (i = 0; v != NULL && i < v->n; i++) {
		if (v->v[i]->loading || v->v[i]->reloading)
			conn_pending(v->v[i], target);
		if (!v->v[i]->loading)
			conn_follow(f, v->v[i], target);
	}
}

void
feed_unfollow(struct feed *f, int64_t follower, int64_t target)
{
	struct connvec *v = idmap_find(&f->by_user, follower);
	size_t i;

	for (i = 0; v != NULL && i < v->n; i++) {
		if (v->v[i]->loading || v->v[i]->reloading)
			conn_pending(v->v[i], -target);
		if (!v->v[i]->loading)
			conn_unfollow(f, v->v[i], target);
	}
}

size_t
feed_user_conns(struct feed *f, int64_t user_id, void **owners, size_t max)
{
	struct connvec *v = idmap_find(&f->by_user, user_id);
	size_t i;

	for (i = 0; v != NULL && i < v->n && i < max; i++)
		owners[i] = v->v[i]->owner;
	return i;
}

uint64_t
feed_drops(const struct feed *f)
{
	return f->drops;
}

size_t
feed_conn_count(const struct feed *f)
{
	return f->nconns;
}

uint64_t
feed_work(const struct feed *f)
{
	return f->work;
}
