/*
 * ws-client: a small WebSocket client for the tests, on plain sockets so
 * that it can be made slow on purpose.
 *
 *   ws-client URL [--header "Name: value"]... [--count N] [--timeout S]
 *             [--no-read S]
 *
 * URL is ws://host:port/path?query. Prints each text frame on its own
 * line as it arrives and, when the server closes, "close CODE". A refused
 * upgrade prints "status NNN" and exits 2. --count N ends (exit 0) after
 * N text frames; --timeout S (default 10) ends with "timeout" (exit 0);
 * --no-read S shrinks the receive buffer and reads nothing for S seconds
 * after the upgrade, like a client that cannot keep up. Exit 1 on any
 * other failure.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 8
#define BUF_MAX (1 << 20)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send one masked client frame. */
static int
send_frame(int fd, int opcode, const unsigned char *data, size_t len)
{
	unsigned char hdr[14], mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	unsigned char *out;
	size_t h = 0, i;
	int ret;

	hdr[h++] = (unsigned char)(0x80 | opcode);
	if (len < 126) {
		hdr[h++] = (unsigned char)(0x80 | len);
	} else {
		hdr[h++] = 0x80 | 126;
		hdr[h++] = (unsigned char)(len >> 8);
		hdr[h++] = (unsigned char)len;
	}
	memcpy(hdr + h, mask, 4);
	h += 4;
	out = malloc(h + len + 1);
	if (out == NULL)
		return -1;
	memcpy(out, hdr, h);
	for (i = 0; i < len; i++)
		out[h + i] = data[i] ^ mask[i % 4];
	ret = write_all(fd, out, h + len);
	free(out);
	return ret;
}

static int
dial(const char *host, const char *port, int rcvbuf)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (rcvbuf > 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			    sizeof(rcvbuf));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
main(int argc, char **argv)
{
	const char *url = NULL, *headers[MAX_HEADERS];
	static unsigned char buf[BUF_MAX];
	static char req[16384];
	char host[256], port[16], path[2048];
	size_t nheaders = 0, have = 0, i;
	long count = -1, frames = 0;
	double timeout = 10, no_read = 0, deadline;
	int fd, a, status;
	const char *p, *slash, *colon;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--header") == 0 && a + 1 < argc &&
		    nheaders < MAX_HEADERS)
			headers[nheaders++] = argv[++a];
		else if (strcmp(argv[a], "--count") == 0 && a + 1 < argc)
			count = atol(argv[++a]);
		else if (strcmp(argv[a], "--timeout") == 0 && a + 1 < argc)
			timeout = atof(argv[++a]);
		else if (strcmp(argv[a], "--no-read") == 0 && a + 1 < argc)
			no_read = atof(argv[++a]);
		else if (url == NULL && argv[a][0] != '-')
			url = argv[a];
		else {
			fprintf(stderr, "ws-client: bad argument '%s'\n",
			    argv[a]);
			return 1;
		}
	}
	if (url == NULL || strncmp(url, "ws://", 5) != 0) {
		fprintf(stderr, "usage: ws-client ws://host:port/path "
		    "[--header H] [--count N] [--timeout S] [--no-read S]\n");
		return 1;
	}
	p = url + 5;
	slash = strchr(p, '/');
	if (slash == NULL)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	if (colon == NULL || (size_t)(colon - p) >= sizeof(host) ||
	    (size_t)(slash - colon - 1) >= sizeof(port)) {
		fprintf(stderr, "ws-client: bad url '%s'\n", url);
		return 1;
	}
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = '\0';
	memcpy(port, colon + 1, (size_t)(slash - colon - 1));
	port[slash - colon - 1] = '\0';
	snprintf(path, sizeof(path), "%s", *slash ? slash : "/");

	deadline = now_s() + timeout;
	fd = dial(host, port, no_read > 0 ? 4096 : 0);
	if (fd < 0) {
		fprintf(stderr, "ws-client: cannot connect to %s:%s\n", host,
		    port);
		return 1;
	}
	a = snprintf(req, 16384, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n", path, host, port);
	for (i = 0; i < nheaders; i++)
		a += snprintf(req + a, (size_t)(16384 - a), "%s\r\n",
		    headers[i]);
	a += snprintf(req + a, (size_t)(16384 - a), "\r\n");
	if (write_all(fd, req, (size_t)a) != 0)
		return 1;

	/* the handshake answer */
	for (;;) {
		char *end;
		ssize_t n;

		if (have > 0 && (end = memmem(buf, have, "\r\n\r\n", 4))) {
			size_t hlen = (size_t)(end - (char *)buf) + 4;

			if (sscanf((char *)buf, "HTTP/1.%*d %d", &status) != 1)
				status = 0;
			if (status != 101) {
				printf("status %d\n", status);
				return 2;
			}
			memmove(buf, buf + hlen, have - hlen);
			have -= hlen;
			break;
		}
		n = read(fd, buf + have, BUF_MAX - have - 1);
		if (n <= 0) {
			printf("status 0\n");
			return 2;
		}
		have += (size_t)n;
	}
	if (no_read > 0) {
		struct timespec ts = { (time_t)no_read,
			(long)((no_read - (double)(time_t)no_read) * 1e9) };

		nanosleep(&ts, NULL);
		deadline += no_read;
	}

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		size_t hlen = 2, plen;
		int op, ms;
		ssize_t n;

		/* whole frames first */
		while (have >= 2) {
			op = buf[0] & 0x0f;
			plen = buf[1] & 0x7f;
			if (plen == 126) {
				if (have < 4)
					break;
				plen = ((size_t)buf[2] << 8) | buf[3];
				hlen = 4;
			} else if (plen == 127) {
				if (have < 10)
					break;
				plen = 0;
				for (i = 0; i < 8; i++)
					plen = (plen << 8) | buf[2 + i];
				hlen = 10;
			} else {
				hlen = 2;
			}
			if (plen > BUF_MAX - 16) {
				fprintf(stderr, "ws-client: frame too big\n");
				return 1;
			}
			if (have < hlen + plen)
				break;
			if (op == 1 || op == 0) {
				fwrite(buf + hlen, 1, plen, stdout);
				fputc('\n', stdout);
				fflush(stdout);
				if (op == 1 && count >= 0 && ++frames >= count)
					return 0;
			} else if (op == 8) {
				int code = plen >= 2 ?
				    (buf[hlen] << 8) | buf[hlen + 1] : 1005;

				printf("close %d\n", code);
				fflush(stdout);
				send_frame(fd, 8, buf + hlen, plen >= 2 ? 2 :
				    0);
				return 0;
			} else if (op == 9) {
				send_frame(fd, 10, buf + hlen, plen);
			}
			memmove(buf, buf + hlen + plen, have - hlen - plen);
			have -= hlen + plen;
		}
		ms = (int)((deadline - now_s()) * 1000);
		if (ms <= 0) {
			printf("timeout\n");
			return 0;
		}
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		n = read(fd, buf + have, BUF_MAX - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("closed\n");
			fflush(stdout);
			return 0;
		}
		have += (size_t)n;
	}
}
