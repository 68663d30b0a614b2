/*
 * http_plain.c: HTTP/1.1 over plain TCP for http_client (http_plain.h).
 * Sockets are non-blocking and every wait is a poll() bounded by the
 * request's deadline; the answer is framed by http-parser and kept in a
 * struct http_result under the same bounds as libcurl's path (16 MiB of
 * body, 16 headers).
 */
#include "http_plain.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

#define HTTP_PLAIN_MAX_BODY (16 * 1024 * 1024)
#define HTTP_PLAIN_MAX_HEAD (64 * 1024)
#define HTTP_PLAIN_MAX_REQUEST (HTTP_PLAIN_MAX_BODY + HTTP_PLAIN_MAX_HEAD)

struct http_plain {
	char *host;		/* as in the URL, without [] */
	char *port;		/* "80" when the URL names none */
	char *authority;	/* the Host header's value */
	char *prefix;		/* the URL's path, "" or "/api" */
	int fd;			/* -1 when not connected */
};

/* One answer being read: the result and what the parser has said. */
struct http_plain_read {
	struct http_result *r;
	bool head;		/* a HEAD request: no body follows */
	bool done;
	bool keep_alive;
	bool too_big;
	bool in_value;		/* the last callback was a header value */
	size_t hbytes;		/* header bytes so far, bounded */
	char *field;		/* the header being read (name, value) */
	char *value;
	size_t flen, vlen;
};

struct http_plain *
http_plain_new(const char *base_url)
{
	struct http_plain *p;
	const char *a, *end, *slash, *colon, *h, *port = NULL;
	size_t hlen, i;

	if (strncmp(base_url, "http://", 7) != 0)
		return NULL;
	a = base_url + 7;
	slash = strchr(a, '/');
	end = slash != NULL ? slash : a + strlen(a);
	if (end == a || memchr(a, '@', (size_t)(end - a)) != NULL ||
	    strpbrk(a, "?#") != NULL)
		return NULL;
	for (h = a; h < end; h++)
		if ((unsigned char)*h <= ' ' || *h == 0x7f)
			return NULL;
	if (*a == '[') {
		h = memchr(a, ']', (size_t)(end - a));
		if (h == NULL)
			return NULL;
		colon = h + 1 < end ? h + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return NULL;
		hlen = (size_t)(h - a - 1);
		h = a + 1;
	} else {
		colon = memchr(a, ':', (size_t)(end - a));
		hlen = (size_t)((colon != NULL ? colon : end) - a);
		h = a;
	}
	if (hlen == 0)
		return NULL;
	if (colon != NULL) {
		port = colon + 1;
		if (port == end || end - port > 5)
			return NULL;
		for (i = 0; port + i < end; i++)
			if (!isdigit((unsigned char)port[i]))
				return NULL;
		if (atoi(port) < 1 || atoi(port) > 65535)
			return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->host = xstrndup(h, hlen);
	p->port = port != NULL ? xstrndup(port, (size_t)(end - port)) :
	    xstrdup("80");
	p->authority = xstrndup(a, (size_t)(end - a));
	p->prefix = xstrdup(slash != NULL ? slash : "");
	p->fd = -1;
	return p;
}

static void
http_plain_close(struct http_plain *p)
{
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
}

void
http_plain_free(struct http_plain *p)
{
	if (p == NULL)
		return;
	http_plain_close(p);
	free(p->host);
	free(p->port);
	free(p->authority);
	free(p->prefix);
	free(p);
}

static long long
http_plain_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes: 1, 0, -1. */
static int
http_plain_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int n;

	for (;;) {
		left = deadline - http_plain_now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 1000000 ? 1000000 : (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			continue;	/* the loop checks the deadline */
		if (errno != EINTR)
			return -1;
	}
}

static void
http_plain_timed_out(struct http_result *r, const char *what)
{
	snprintf(r->error, sizeof(r->error), "Timeout was reached (%s)",
	    what);
	r->timed_out = 1;
}

/* Connect to one of the host's addresses; 0 or -1 with r->error set. */
static int
http_plain_connect(struct http_plain *p, long long deadline,
    struct http_result *r)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, gai, err = 0, one = 1, w;
	socklen_t elen;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	gai = getaddrinfo(p->host, p->port, &hints, &res);
	if (gai != 0) {
		snprintf(r->error, sizeof(r->error), "Could not resolve host: "
		    "%s", p->host);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		if (err == EINPROGRESS) {
			w = http_plain_wait(fd, POLLOUT, deadline);
			elen = sizeof(err);
			if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &elen) == 0 && err == 0)
				break;
			if (w == 0) {
				close(fd);
				fd = -1;
				freeaddrinfo(res);
				http_plain_timed_out(r, "connecting");
				return -1;
			}
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		snprintf(r->error, sizeof(r->error), "Failed to connect to %s "
		    "port %s: %s", p->host, p->port, strerror(err));
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	p->fd = fd;
	return 0;
}

/* true when s holds no CR, LF or other control character but a tab. */
static bool
http_plain_clean(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

/* The request's bytes; NULL with r->error set when a piece is unsafe. */
static char *
http_plain_format(const struct http_plain *p, const char *method,
    const char *path, const char *const *headers, const char *body,
    size_t *len, struct http_result *r)
{
	size_t cap, blen = body != NULL ? strlen(body) : 0, n, i;
	char *buf;
	int w;

	if (!http_plain_clean(method) || strpbrk(method, " \t") != NULL ||
	    !http_plain_clean(path) || strpbrk(path, " \t") != NULL) {
		snprintf(r->error, sizeof(r->error), "URL using bad/illegal "
		    "format or missing URL");
		return NULL;
	}
	cap = strlen(method) + strlen(p->prefix) + strlen(path) +
	    strlen(p->authority) + 128;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (!http_plain_clean(headers[i])) {
			snprintf(r->error, sizeof(r->error), "a header holds "
			    "a control character");
			return NULL;
		}
		cap += strlen(headers[i]) + 2;
	}
	if (cap > HTTP_PLAIN_MAX_HEAD || blen > HTTP_PLAIN_MAX_BODY) {
		snprintf(r->error, sizeof(r->error), "the request is too "
		    "large");
		return NULL;
	}
	cap += blen;
	buf = xmalloc(cap);
	w = snprintf(buf, cap, "%s %s%s HTTP/1.1\r\nHost: %s\r\n", method,
	    p->prefix, path[0] != '\0' ? path : "/", p->authority);
	n = (size_t)w;
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s\r\n", headers[i]);
	if (body != NULL)
		n += (size_t)snprintf(buf + n, cap - n, "Content-Length: "
		    "%zu\r\n", blen);
	n += (size_t)snprintf(buf + n, cap - n, "\r\n");
	memcpy(buf + n, body != NULL ? body : "", blen);
	*len = n + blen;
	return buf;
}

/* Send all of buf: 0, or -1 with r->error set. */
static int
http_plain_send(struct http_plain *p, const char *buf, size_t len,
    long long deadline, struct http_result *r)
{
	ssize_t n;
	int w;

	while (len > 0) {
		n = send(p->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			w = http_plain_wait(p->fd, POLLOUT, deadline);
			if (w == 1)
				continue;
			if (w == 0) {
				http_plain_timed_out(r, "sending");
				return -1;
			}
		}
		snprintf(r->error, sizeof(r->error), "Send failure: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static struct http_plain_read *
http_plain_read_of(http_parser *hp)
{
	return hp->data;
}

/* Keep the header whose name and value were read, if there is room. */
static void
http_plain_keep_header(struct http_plain_read *rd)
{
	struct http_result *r = rd->r;
	size_t i, v = 0, e = rd->vlen;

	if (rd->field == NULL)
		return;
	if (r->nheaders < HTTP_CLIENT_MAX_HEADERS) {
		for (i = 0; i < rd->flen; i++)
			rd->field[i] = (char)tolower((unsigned char)rd->field[i]);
		while (v < e && (rd->value[v] == ' ' || rd->value[v] == '\t'))
			v++;
		while (e > v && (rd->value[e - 1] == ' ' ||
		    rd->value[e - 1] == '\t'))
			e--;
		r->header_names[r->nheaders] = xstrndup(rd->field, rd->flen);
		r->header_values[r->nheaders++] = xstrndup(rd->value + v,
		    e - v);
	}
	free(rd->field);
	free(rd->value);
	rd->field = rd->value = NULL;
	rd->flen = rd->vlen = 0;
}

/* Append n bytes to *s (length *len), under the head's bound. */
static int
http_plain_append(struct http_plain_read *rd, char **s, size_t *len,
    const char *at, size_t n)
{
	if ((rd->hbytes += n) > HTTP_PLAIN_MAX_HEAD)
		return -1;
	*s = xrealloc(*s, *len + n + 1);
	memcpy(*s + *len, at, n);
	*len += n;
	(*s)[*len] = '\0';
	return 0;
}

static int
http_plain_on_field(http_parser *hp, const char *at, size_t n)
{
	struct http_plain_read *rd = http_plain_read_of(hp);

	if (rd->in_value) {
		http_plain_keep_header(rd);
		rd->in_value = false;
	}
	return http_plain_append(rd, &rd->field, &rd->flen, at, n);
}

static int
http_plain_on_value(http_parser *hp, const char *at, size_t n)
{
	struct http_plain_read *rd = http_plain_read_of(hp);

	rd->in_value = true;
	if (rd->value == NULL)
		rd->value = xstrdup("");
	return http_plain_append(rd, &rd->value, &rd->vlen, at, n);
}

static int
http_plain_on_headers(http_parser *hp)
{
	struct http_plain_read *rd = http_plain_read_of(hp);

	http_plain_keep_header(rd);
	rd->in_value = false;
	rd->r->status = hp->status_code;
	/* 1: the answer to a HEAD has no body, whatever its length says */
	return rd->head && hp->status_code >= 200 ? 1 : 0;
}

static int
http_plain_on_body(http_parser *hp, const char *at, size_t n)
{
	struct http_plain_read *rd = http_plain_read_of(hp);
	struct http_result *r = rd->r;

	if (n > HTTP_PLAIN_MAX_BODY - r->len) {
		rd->too_big = true;
		return -1;
	}
	r->body = xrealloc(r->body, r->len + n + 1);
	memcpy(r->body + r->len, at, n);
	r->len += n;
	r->body[r->len] = '\0';
	return 0;
}

static int
http_plain_on_complete(http_parser *hp)
{
	struct http_plain_read *rd = http_plain_read_of(hp);
	struct http_result *r = rd->r;
	int i;

	/* an interim answer (100 Continue...) is not the answer */
	if (hp->status_code < 200) {
		for (i = 0; i < r->nheaders; i++) {
			free(r->header_names[i]);
			free(r->header_values[i]);
		}
		r->nheaders = 0;
		r->status = 0;
		r->len = 0;
		rd->hbytes = 0;
		return 0;
	}
	rd->keep_alive = http_should_keep_alive(hp) != 0;
	rd->done = true;
	http_parser_pause(hp, 1);	/* anything after is not ours */
	return 0;
}

static const http_parser_settings http_plain_settings = {
	.on_header_field = http_plain_on_field,
	.on_header_value = http_plain_on_value,
	.on_headers_complete = http_plain_on_headers,
	.on_body = http_plain_on_body,
	.on_message_complete = http_plain_on_complete,
};

/*
 * Read one answer. 0 when whole, -1 with r->error set, 1 when the
 * connection ended before its first byte (a kept-alive connection the
 * server had closed: the caller may try again on a new one).
 */
static int
http_plain_receive(struct http_plain *p, bool head, long long deadline,
    struct http_result *r)
{
	struct http_plain_read rd;
	http_parser hp;
	char buf[16384];
	size_t total = 0, used;
	ssize_t n;
	int w, ret = -1;

	memset(&rd, 0, sizeof(rd));
	rd.r = r;
	rd.head = head;
	http_parser_init(&hp, HTTP_RESPONSE);
	hp.data = &rd;
	while (!rd.done) {
		n = recv(p->fd, buf, sizeof(buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			w = http_plain_wait(p->fd, POLLIN, deadline);
			if (w == 1)
				continue;
			if (w == 0)
				http_plain_timed_out(r, "waiting for the "
				    "answer");
			else
				snprintf(r->error, sizeof(r->error),
				    "Recv failure: %s", strerror(errno));
			goto out;
		}
		if (n == -1) {
			if (total == 0 && errno == ECONNRESET) {
				ret = 1;
				goto out;
			}
			snprintf(r->error, sizeof(r->error), "Recv failure: "
			    "%s", errno == ECONNRESET ? "Connection reset by "
			    "peer" : strerror(errno));
			goto out;
		}
		if (n == 0) {
			if (total == 0) {
				ret = 1;
				goto out;
			}
			/* the close ends a body that has no length */
			(void)http_parser_execute(&hp, &http_plain_settings,
			    NULL, 0);
			if (!rd.done) {
				snprintf(r->error, sizeof(r->error), "the "
				    "connection closed before the whole "
				    "answer came");
				goto out;
			}
			rd.keep_alive = false;
			break;
		}
		total += (size_t)n;
		used = http_parser_execute(&hp, &http_plain_settings, buf,
		    (size_t)n);
		if (rd.done) {
			/* bytes past the answer: nothing to reuse it for */
			if (used != (size_t)n)
				rd.keep_alive = false;
			break;
		}
		if (HTTP_PARSER_ERRNO(&hp) != HPE_OK || used != (size_t)n) {
			snprintf(r->error, sizeof(r->error), "%s",
			    rd.too_big ? "the answer is larger than 16 MiB" :
			    "the answer is not HTTP/1.1 that can be read");
			goto out;
		}
	}
	ret = 0;
out:
	free(rd.field);
	free(rd.value);
	if (ret != 0 || !rd.keep_alive)
		http_plain_close(p);
	return ret;
}

int
http_plain_request(struct http_plain *p, long timeout_ms, long connect_ms,
    const char *method, const char *path, const char *const *headers,
    const char *body, struct http_result *r)
{
	long long now = http_plain_now_ms(), deadline = now + timeout_ms;
	bool reused, head = strcmp(method, "HEAD") == 0;
	char *req, err[sizeof(r->error)];
	size_t len;
	int rc = -1, attempt;

	req = http_plain_format(p, method, path, headers, body, &len, r);
	if (req == NULL)
		return -1;
	for (attempt = 0; attempt < 2; attempt++) {
		reused = p->fd != -1;
		if (!reused && http_plain_connect(p, deadline < now +
		    connect_ms ? deadline : now + connect_ms, r) == -1)
			break;
		if (http_plain_send(p, req, len, deadline, r) == -1) {
			if (reused && !r->timed_out) {
				http_plain_close(p);
				r->error[0] = '\0';
				continue;
			}
			if (r->timed_out) {
				http_plain_close(p);
				break;
			}
			/*
			 * A server may answer (413) and close before it has
			 * read the whole body: its answer, if one came, is
			 * the result.
			 */
			snprintf(err, sizeof(err), "%s", r->error);
			rc = http_plain_receive(p, head, deadline, r);
			if (rc != 0) {
				snprintf(r->error, sizeof(r->error), "%s", err);
				rc = -1;
			}
			break;
		}
		rc = http_plain_receive(p, head, deadline, r);
		if (rc == 1 && reused)
			continue;	/* the server had closed it: again */
		if (rc == 1)
			snprintf(r->error, sizeof(r->error), "Empty reply "
			    "from server");
		break;
	}
	free(req);
	if (rc != 0) {
		r->status = 0;
		return -1;
	}
	return 0;
}
