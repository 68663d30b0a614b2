/*
 * conns.c: the connection counts of conns.h. Each counted fd's slot
 * points at its address's entry; an entry lives while its count is
 * above zero, in a chained hash table.
 */
#include "conns.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define CONNS_BUCKETS 4096

struct conns_addr {
	char *addr;
	int count;
	struct conns_addr *chain;
};

struct conns {
	int max_total, max_per_addr;
	int total;
	size_t nslots;
	struct conns_addr **slots;	/* by fd */
	struct conns_addr *buckets[CONNS_BUCKETS];
};

static size_t
conns_hash(const char *s)
{
	size_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h % CONNS_BUCKETS;
}

struct conns *
conns_new(int max_total, int max_per_addr, size_t fd_limit)
{
	struct conns *c = xcalloc(1, sizeof(*c));

	c->max_total = max_total;
	c->max_per_addr = max_per_addr;
	c->nslots = fd_limit;
	c->slots = xcalloc(fd_limit, sizeof(*c->slots));
	return c;
}

void
conns_free(struct conns *c)
{
	struct conns_addr *a, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CONNS_BUCKETS; i++)
		for (a = c->buckets[i]; a != NULL; a = next) {
			next = a->chain;
			free(a->addr);
			free(a);
		}
	free(c->slots);
	free(c);
}

bool
conns_accept(struct conns *c, int fd, const char *addr)
{
	struct conns_addr *a, **head;

	if (fd < 0 || (size_t)fd >= c->nslots)
		return false;
	conns_release(c, fd);	/* a slot left over: count it once */
	if (c->total >= c->max_total)
		return false;
	head = &c->buckets[conns_hash(addr)];
	for (a = *head; a != NULL; a = a->chain)
		if (strcmp(a->addr, addr) == 0)
			break;
	if (a != NULL && a->count >= c->max_per_addr)
		return false;
	if (a == NULL) {
		if (c->max_per_addr < 1)
			return false;
		a = xcalloc(1, sizeof(*a));
		a->addr = xstrdup(addr);
		a->chain = *head;
		*head = a;
	}
	a->count++;
	c->total++;
	c->slots[fd] = a;
	return true;
}

void
conns_release(struct conns *c, int fd)
{
	struct conns_addr *a, **p;

	if (fd < 0 || (size_t)fd >= c->nslots || c->slots[fd] == NULL)
		return;
	a = c->slots[fd];
	c->slots[fd] = NULL;
	c->total--;
	if (--a->count > 0)
		return;
	for (p = &c->buckets[conns_hash(a->addr)]; *p != a; p = &(*p)->chain)
		;
	*p = a->chain;
	free(a->addr);
	free(a);
}

int
conns_count(const struct conns *c)
{
	return c->total;
}
