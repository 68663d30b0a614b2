/*
 * conns.c: the connection counts of conns.h. Each counted fd's slot
 * points at its address's entry; an entry lives while its count is
 * above zero, in a hash map by address.
 */
#include "conns.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

struct conns_addr {
	char *addr;
	int count;
	struct hmap_node node;	/* c->addrs */
};

struct conns {
	int max_total, max_per_addr;
	int total;
	size_t nslots;
	struct conns_addr **slots;	/* by fd */
	uint64_t *answered;		/* by fd: conns_set_answered()'s + 1 */
	struct hmap addrs;
};

static bool
conns_eq(const struct hmap_node *n, const void *addr)
{
	return strcmp(HMAP_ENTRY(n, struct conns_addr, node)->addr,
	    addr) == 0;
}

struct conns *
conns_new(int max_total, int max_per_addr, size_t fd_limit)
{
	struct conns *c = xcalloc(1, sizeof(*c));

	c->max_total = max_total;
	c->max_per_addr = max_per_addr;
	c->nslots = fd_limit;
	c->slots = xcalloc(fd_limit, sizeof(*c->slots));
	c->answered = xcalloc(fd_limit, sizeof(*c->answered));
	hmap_init(&c->addrs);
	return c;
}

static void
conns_addr_free(struct conns *c, struct conns_addr *a)
{
	hmap_remove(&c->addrs, &a->node);
	free(a->addr);
	free(a);
}

void
conns_free(struct conns *c)
{
	struct hmap_iter it;
	struct hmap_node *n;

	if (c == NULL)
		return;
	for (n = hmap_first(&c->addrs, &it); n != NULL; n = hmap_next(&it))
		conns_addr_free(c, HMAP_ENTRY(n, struct conns_addr, node));
	hmap_release(&c->addrs);
	free(c->slots);
	free(c->answered);
	free(c);
}

const char *
conns_addr(const struct conns *c, int fd)
{
	if (c == NULL || fd < 0 || (size_t)fd >= c->nslots ||
	    c->slots[fd] == NULL)
		return NULL;
	return c->slots[fd]->addr;
}

bool
conns_accept(struct conns *c, int fd, const char *addr)
{
	struct conns_addr *a = NULL;
	struct hmap_node *n;
	uint64_t h = hmap_hash_str(addr);

	if (fd < 0 || (size_t)fd >= c->nslots)
		return false;
	conns_release(c, fd);	/* a slot left over: count it once */
	if (c->total >= c->max_total)
		return false;
	if ((n = hmap_find(&c->addrs, h, conns_eq, addr)) != NULL)
		a = HMAP_ENTRY(n, struct conns_addr, node);
	if (a != NULL && a->count >= c->max_per_addr)
		return false;
	if (a == NULL) {
		if (c->max_per_addr < 1)
			return false;
		a = xcalloc(1, sizeof(*a));
		a->addr = xstrdup(addr);
		hmap_insert(&c->addrs, &a->node, h);
	}
	a->count++;
	c->total++;
	c->slots[fd] = a;
	return true;
}

void
conns_release(struct conns *c, int fd)
{
	struct conns_addr *a;

	if (fd < 0 || (size_t)fd >= c->nslots || c->slots[fd] == NULL)
		return;
	a = c->slots[fd];
	c->slots[fd] = NULL;
	c->answered[fd] = 0;
	c->total--;
	if (--a->count == 0)
		conns_addr_free(c, a);
}

void
conns_set_answered(struct conns *c, int fd, uint64_t taken)
{
	if (fd < 0 || (size_t)fd >= c->nslots || c->slots[fd] == NULL)
		return;
	c->answered[fd] = taken == UINT64_MAX ? UINT64_MAX : taken + 1;
}

bool
conns_answered(const struct conns *c, int fd, uint64_t *taken)
{
	if (fd < 0 || (size_t)fd >= c->nslots || c->slots[fd] == NULL ||
	    c->answered[fd] == 0)
		return false;
	*taken = c->answered[fd] == UINT64_MAX ? UINT64_MAX :
	    c->answered[fd] - 1;
	return true;
}

int
conns_count(const struct conns *c)
{
	return c->total;
}
