/*
 * acceptor.c: the listening sockets of acceptor.h. Each is an lws raw
 * descriptor: readable means connections wait in its backlog; they are
 * taken a batch at a time, so that requests already open get their turn
 * in a burst of connects, and the rest stay queued in the kernel (the
 * loop is level-triggered: it comes back at once).
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "conns.h"
#include "front_proto.h"
#include "gateway.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

#define ACCEPT_BATCH 64		/* connections taken per wakeup */
#define ACCEPTOR_MAX 4		/* listening sockets of one process */
#define BACKLOG 4096		/* the kernel caps it at somaxconn */

struct acceptor {
	struct lws *wsi[ACCEPTOR_MAX];
	size_t n;
	int reserve;		/* an fd kept to refuse cleanly at the limit */
	int warned_errno;	/* the last accept() error logged */
};

int
acceptor_open(const char *bind_addr, int port, bool reuse_port, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char portstr[16];
	int fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;	/* the gateway listens IPv4 only */
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((rc = getaddrinfo(bind_addr, portstr, &hints, &res)) != 0 ||
	    res == NULL) {
		snprintf(err, errlen, "cannot resolve '%s': %s", bind_addr,
		    gai_strerror(rc));
		goto fail;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail_errno;
	/* SO_REUSEADDR: restart at once over connections in TIME_WAIT */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) != 0) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		goto fail_errno;
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, BACKLOG) != 0)
		goto fail_errno;
	freeaddrinfo(res);
	return fd;
fail_errno:
	snprintf(err, errlen, "cannot listen on %s:%d: %s%s", bind_addr, port,
	    strerror(errno), errno == EADDRINUSE && reuse_port ?
	    " (held by a process that does not share it)" : "");
fail:
	if (fd >= 0)
		close(fd);
	if (res != NULL)
		freeaddrinfo(res);
	return -1;
}

bool
acceptor_start(struct gateway *gw, int fd, const char *what)
{
	struct acceptor *a = gw->acceptor;
	lws_sock_file_fd_type desc;
	struct lws *wsi;

	if (a == NULL) {
		a = gw->acceptor = xcalloc(1, sizeof(*a));
		a->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
		metrics_counter_add(REFUSED_METRIC, NULL, 0);
	}
	if (a->n == ACCEPTOR_MAX) {
		log_warnx("%s: too many listening sockets", what);
		close(fd);
		return false;
	}
	desc.filefd = fd;
	wsi = lws_adopt_descriptor_vhost(gw->vhost, LWS_ADOPT_RAW_FILE_DESC,
	    desc, ACCEPTOR_PROTOCOL, NULL);
	if (wsi == NULL) {
		log_warnx("%s: the event loop does not take its socket", what);
		close(fd);
		return false;
	}
	a->wsi[a->n++] = wsi;
	return true;
}

/*
 * At the fd limit accept() fails and the connection stays in the backlog,
 * keeping the socket readable: the loop would spin. So one fd is kept in
 * reserve: given back, it lets the connection be accepted and closed at
 * once (the client sees its connection end, not a hang), then is taken
 * again.
 */
static void
acceptor_refuse_one(struct acceptor *a, int lfd)
{
	int fd;

	if (a->reserve >= 0)
		close(a->reserve);
	if ((fd = accept(lfd, NULL, NULL)) >= 0)
		close(fd);
	a->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	metrics_counter_add(REFUSED_METRIC, NULL, 1);
}

/* Accept up to a batch from the listening socket of wsi into the vhost. */
static void
acceptor_accept(struct gateway *gw, struct lws *wsi)
{
	struct acceptor *a = gw->acceptor;
	lws_sock_file_fd_type desc;
	int lfd = (int)lws_get_socket_fd(wsi), fd, n;

	for (n = 0; n < ACCEPT_BATCH && !gw->stopping; n++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				acceptor_refuse_one(a, lfd);
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != a->warned_errno) {
				a->warned_errno = errno;
				log_warn("accept");
			}
			return;
		}
		/* the caps of conns.h, before a byte is read */
		if (front_callback(wsi, LWS_CALLBACK_FILTER_NETWORK_CONNECTION,
		    NULL, (void *)(intptr_t)fd, 0) != 0) {
			close(fd);
			continue;
		}
		desc.sockfd = fd;
		if (lws_adopt_descriptor_vhost(gw->vhost,
		    LWS_ADOPT_SOCKET | LWS_ADOPT_HTTP, desc, NULL, NULL) == NULL)
			conns_release(gw->conns, fd);	/* lws closed it */
	}
}

void
acceptor_free(struct gateway *gw)
{
	struct acceptor *a = gw->acceptor;

	if (a == NULL)
		return;
	if (a->reserve >= 0)
		close(a->reserve);
	free(a);
	gw->acceptor = NULL;
}

int
acceptor_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct gateway *gw = gateway_of(lws_get_context(wsi));
	size_t i;

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		acceptor_accept(gw, wsi);
		return 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		/* lws closes the socket itself */
		for (i = 0; gw->acceptor != NULL && i < gw->acceptor->n; i++)
			if (gw->acceptor->wsi[i] == wsi)
				gw->acceptor->wsi[i] = NULL;
		return 0;
	default:
		break;
	}
	return 0;
}
