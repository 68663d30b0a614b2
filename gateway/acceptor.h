/*
 * acceptor.h: the gateway's listening sockets, opened by the gateway
 * rather than by lws, so that several chirp-gateway processes can share
 * one port. lws 4.1 sets SO_REUSEPORT on its own listener only when it
 * runs several service threads (never here), so its vhost is created
 * with no listener (CONTEXT_PORT_NO_LISTEN_SERVER) and the gateway
 * opens the socket (SO_REUSEPORT when asked, TCP_NODELAY), hands it to
 * the event loop as a raw descriptor, and adopts each connection it
 * accepts into the vhost as lws's own listener would: the same
 * LWS_CALLBACK_FILTER_NETWORK_CONNECTION (the caps of conns.h) first,
 * then an HTTP server connection.
 *
 * With SO_REUSEPORT the kernel spreads new connections over every
 * socket bound to the port by the same user; each process serves and
 * caps its own, so one that ends leaves the others serving. A socket
 * opened without it keeps the port to itself (bind fails for anyone
 * else, and this one fails when the port is taken).
 */
#ifndef CHIRP_GATEWAY_ACCEPTOR_H
#define CHIRP_GATEWAY_ACCEPTOR_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

#define ACCEPTOR_PROTOCOL "chirp-accept"

struct gateway;

/*
 * A listening TCP socket on bind:port (IPv4; bind a numeric address or
 * a host name), nonblocking and close-on-exec, with TCP_NODELAY (which
 * accepted sockets inherit) and SO_REUSEPORT when reuse_port; -1 with
 * the reason in err when it cannot be had.
 */
int acceptor_open(const char *bind, int port, bool reuse_port, char *err,
    size_t errlen);

/*
 * Serve the listening socket fd (from acceptor_open; owned from now on,
 * closed by the event loop at the end) in gw's vhost; false (logged,
 * fd closed) when the loop would not take it.
 */
bool acceptor_start(struct gateway *, int fd, const char *what);

/* After the context is destroyed (which closed the sockets). */
void acceptor_free(struct gateway *);

/* The lws protocol of the listening sockets (main.c's table). */
int acceptor_callback(struct lws *, enum lws_callback_reasons, void *user,
    void *in, size_t len);

#endif
