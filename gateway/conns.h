/*
 * conns.h: the gateway's plain HTTP connections, counted per client
 * address and in all, so that one address (or a flood of them) cannot
 * take every socket: a connection over either cap is refused as it is
 * accepted, before a byte of it is read. A connection that upgrades to
 * the live feed leaves this count (the feed has its own, max_connections).
 *
 * Connections are known by their socket (fd), so the table is an array
 * of fd_limit slots plus a table of the addresses that have any; both
 * bounded by the fd limit. Single-threaded.
 */
#ifndef CHIRP_GATEWAY_CONNS_H
#define CHIRP_GATEWAY_CONNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conns;

struct conns *conns_new(int max_total, int max_per_addr, size_t fd_limit);
void conns_free(struct conns *);

/* Count a new connection on fd from addr (copied); false, counting
 * nothing, when a cap is reached. */
bool conns_accept(struct conns *, int fd, const char *addr);
/* The connection on fd ended or left plain HTTP; nothing if not counted. */
void conns_release(struct conns *, int fd);
/* The address fd was counted under (as conns_accept got it), or NULL. */
const char *conns_addr(const struct conns *, int fd);
/*
 * What front.c noted when it last answered on fd (the bytes read from
 * its socket by then), kept across the connection's requests: false when
 * nothing was answered on it yet.
 */
void conns_set_answered(struct conns *, int fd, uint64_t taken);
bool conns_answered(const struct conns *, int fd, uint64_t *taken);
/* Plain HTTP connections now. */
int conns_count(const struct conns *);

#endif
