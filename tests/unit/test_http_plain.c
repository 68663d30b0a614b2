/*
 * test_http_plain.c: common/http_plain against a scripted server on
 * loopback that answers every request with the bytes a test sets: the
 * framings HTTP/1.1 allows, answers that are not HTTP, silence, closed
 * connections, and the bounds.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http_client.h"
#include "http_plain.h"

/* What the server does with each request; set by a test. */
static struct {
	const char *answer;	/* sent whole */
	size_t answer_len;
	bool close_after;	/* close the connection after the answer */
	bool silent;		/* never answer */
	atomic_int accepted;	/* connections so far */
	char request[4096];	/* the last request's head */
	int listen_fd;
	int port;
	atomic_bool stop;
	pthread_t thread;
} srv;

/*
 * The script is read by the server's thread: set under srv_lock, and only
 * when no answer is being sent, so that a test may free (or leave, for its
 * stack) the bytes of its answer as soon as script_idle() returns.
 */
static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t srv_idle = PTHREAD_COND_INITIALIZER;
static bool srv_sending;

/* Wait until the server sends nothing; srv_lock held. */
static void
script_wait_locked(void)
{
	while (srv_sending)
		pthread_cond_wait(&srv_idle, &srv_lock);
}

static void
script(const char *answer, bool close_after)
{
	pthread_mutex_lock(&srv_lock);
	script_wait_locked();
	srv.answer = answer;
	srv.answer_len = strlen(answer);
	srv.close_after = close_after;
	srv.silent = false;
	pthread_mutex_unlock(&srv_lock);
}

/* The server never answers (silent), or answers the script again. */
static void
script_silent(bool silent)
{
	pthread_mutex_lock(&srv_lock);
	script_wait_locked();
	srv.silent = silent;
	pthread_mutex_unlock(&srv_lock);
}

/* The answer's bytes are no longer in use: none, and none to come. */
static void
script_idle(void)
{
	script("", true);
}

/* Wait for bytes on fd; false when the tests are over. */
static bool
server_wait(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!atomic_load(&srv.stop))
		if (poll(&pfd, 1, 50) == 1)
			return true;
	return false;
}

/* Read one request (head and Content-Length body); false at the end. */
static bool
server_read_request(int fd)
{
	char buf[8192], *end, *cl;
	size_t have = 0, need;
	ssize_t n;

	for (;;) {
		if (!server_wait(fd))
			return false;
		n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
		if (n <= 0)
			return false;
		have += (size_t)n;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (have == sizeof(buf) - 1)
			return false;
	}
	snprintf(srv.request, sizeof(srv.request), "%.*s",
	    (int)(end - buf), buf);
	cl = strcasestr(srv.request, "\r\nContent-Length: ");
	need = cl != NULL ? strtoul(cl + 18, NULL, 10) : 0;
	have -= (size_t)(end + 4 - buf);
	while (have < need) {
		if (!server_wait(fd))
			return false;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return false;
		have += (size_t)n;
	}
	return true;
}

static void *
server_main(void *arg)
{
	struct pollfd pfd;
	int fd;

	(void)arg;
	while (!atomic_load(&srv.stop)) {
		pfd.fd = srv.listen_fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) != 1)
			continue;
		fd = accept(srv.listen_fd, NULL, NULL);
		if (fd == -1)
			continue;
		atomic_fetch_add(&srv.accepted, 1);
		while (server_read_request(fd)) {
			const char *answer;
			size_t len;
			bool silent, close_after;
			ssize_t sent;

			pthread_mutex_lock(&srv_lock);
			silent = srv.silent;
			answer = srv.answer;
			len = srv.answer_len;
			close_after = srv.close_after;
			srv_sending = !silent;
			pthread_mutex_unlock(&srv_lock);
			if (silent) {
				while (!atomic_load(&srv.stop) &&
				    recv(fd, srv.request, 1, MSG_DONTWAIT) != 0)
					usleep(10000);
				break;
			}
			sent = send(fd, answer, len, MSG_NOSIGNAL);
			pthread_mutex_lock(&srv_lock);
			srv_sending = false;
			pthread_cond_broadcast(&srv_idle);
			pthread_mutex_unlock(&srv_lock);
			if (sent < 0 || close_after)
				break;
		}
		close(fd);
	}
	return NULL;
}

static int
setup(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int one = 1;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	srv.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(srv.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(srv.listen_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(srv.listen_fd, 16) == -1 ||
	    getsockname(srv.listen_fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	srv.port = ntohs(sin.sin_port);
	return pthread_create(&srv.thread, NULL, server_main, NULL) == 0 ?
	    0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	atomic_store(&srv.stop, true);
	pthread_join(srv.thread, NULL);
	close(srv.listen_fd);
	return 0;
}

/* A client of the scripted server, with path prefix (may be ""). */
static struct http_plain *
client(const char *prefix)
{
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", srv.port, prefix);
	return http_plain_new(url);
}

static int
get(struct http_plain *p, const char *method, const char *path,
    const char *const *headers, long timeout_ms, struct http_result *r)
{
	memset(r, 0, sizeof(*r));
	return http_plain_request(p, timeout_ms, timeout_ms, method, path,
	    headers, NULL, r);
}

static void
only_plain_http_urls_are_taken(void **state)
{
	static const char *const refused[] = {
		"https://127.0.0.1:8030", "http://user@127.0.0.1:8030",
		"http://", "http://:80", "http://h:0", "http://h:65536",
		"http://h:80x", "http://h:", "http://h?x", "http://h#x",
		"http://[::1", "http://[::1]x", "http://h\r\nX:1",
		"http://h o",
	};
	static const char *const taken[] = {
		"http://h", "http://127.0.0.1:8030", "http://[::1]:8030/api",
		"http://localhost:65535/a/b",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (http_plain_new(refused[i]) != NULL)
			fail_msg("'%s' was taken", refused[i]);
	}
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		struct http_plain *p = http_plain_new(taken[i]);

		if (p == NULL)
			fail_msg("'%s' was refused", taken[i]);
		http_plain_free(p);
	}
}

static void
chunked_answers_after_an_interim_one_are_read(void **state)
{
	struct http_plain *p = client("/api");
	const char *const h[] = { "Accept: application/json", NULL };
	struct http_result r;

	(void)state;
	script("HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "X-Request-Id:   abc  \r\n\r\n"
	    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", false);
	assert_int_equal(get(p, "GET", "/things?q=1", h, 2000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "hello world");
	assert_int_equal(r.len, 11);
	assert_string_equal(http_result_header(&r, "X-Request-Id"), "abc");
	assert_null(http_result_header(&r, "x-early"));
	assert_non_null(strstr(srv.request, "GET /api/things?q=1 HTTP/1.1\r\n"));
	assert_non_null(strstr(srv.request, "\r\nHost: 127.0.0.1:"));
	assert_non_null(strstr(srv.request, "\r\nAccept: application/json"));
	http_result_release(&r);
	http_plain_free(p);
}

static void
a_kept_alive_connection_is_reused_and_replaced_when_closed(void **state)
{
	struct http_plain *p = client("");
	struct http_result r;
	int before = atomic_load(&srv.accepted);

	(void)state;
	script("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
	assert_int_equal(get(p, "GET", "/a", NULL, 2000, &r), 0);
	http_result_release(&r);
	assert_int_equal(get(p, "GET", "/b", NULL, 2000, &r), 0);
	assert_string_equal(r.body, "ok");
	http_result_release(&r);
	assert_int_equal(atomic_load(&srv.accepted), before + 1);

	/* the server closes after each answer without saying so */
	script("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true);
	assert_int_equal(get(p, "GET", "/c", NULL, 2000, &r), 0);
	http_result_release(&r);
	usleep(50000);
	assert_int_equal(get(p, "POST", "/d", NULL, 2000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok");
	http_result_release(&r);
	assert_int_equal(atomic_load(&srv.accepted), before + 2);
	http_plain_free(p);
}

static void
an_answer_without_length_ends_at_the_close(void **state)
{
	struct http_plain *p = client("");
	struct http_result r;

	(void)state;
	script("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc", true);
	assert_int_equal(get(p, "GET", "/", NULL, 2000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "abc");
	http_result_release(&r);
	http_plain_free(p);
}

static void
head_answers_have_no_body(void **state)
{
	struct http_plain *p = client("");
	struct http_result r;

	(void)state;
	script("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", false);
	assert_int_equal(get(p, "HEAD", "/", NULL, 2000, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	http_result_release(&r);
	http_plain_free(p);
}

static void
headers_past_sixteen_are_dropped(void **state)
{
	struct http_plain *p = client("");
	struct http_result r;
	char answer[2048];
	int i, n;

	(void)state;
	n = snprintf(answer, sizeof(answer), "HTTP/1.1 204 No Content\r\n");
	for (i = 0; i < 40; i++)
		n += snprintf(answer + n, sizeof(answer) - (size_t)n,
		    "X-H%d: %d\r\n", i, i);
	snprintf(answer + n, sizeof(answer) - (size_t)n, "\r\n");
	script(answer, false);
	assert_int_equal(get(p, "GET", "/", NULL, 2000, &r), 0);
	assert_int_equal(r.status, 204);
	assert_int_equal(r.nheaders, HTTP_CLIENT_MAX_HEADERS);
	assert_string_equal(http_result_header(&r, "x-h0"), "0");
	http_result_release(&r);
	http_plain_free(p);
	script_idle();		/* answer is on this stack */
}

static void
answers_that_are_not_http_fail(void **state)
{
	struct http_plain *p = client("");
	struct http_result r;

	(void)state;
	script("SSH-2.0-OpenSSH_9.2\r\n\r\n", true);
	assert_int_equal(get(p, "GET", "/", NULL, 2000, &r), -1);
	assert_int_equal(r.status, 0);
	assert_true(strlen(r.error) > 0);
	http_result_release(&r);

	script("", true);
	assert_int_equal(get(p, "GET", "/", NULL, 2000, &r), -1);
	assert_string_equal(r.error, "Empty reply from server");
	http_result_release(&r);

	/* cut in the middle of a body */
	script("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", true);
	assert_int_equal(get(p, "GET", "/", NULL, 2000, &r), -1);
	assert_int_equal(r.status, 0);
	http_result_release(&r);
	http_plain_free(p);
}

static void
bodies_over_16_mib_fail(void **state)
{
	struct http_plain *p = client("");
	size_t n = 17 * 1024 * 1024, h;
	struct http_result r;
	char *answer;

	(void)state;
	answer = malloc(n + 100);
	h = (size_t)sprintf(answer, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "%zu\r\n\r\n", n);
	memset(answer + h, 'x', n);
	answer[h + n] = '\0';
	script(answer, true);
	assert_int_equal(get(p, "GET", "/", NULL, 10000, &r), -1);
	assert_non_null(strstr(r.error, "16 MiB"));
	assert_int_equal(r.status, 0);
	http_result_release(&r);
	http_plain_free(p);
	script_idle();		/* the server is done with answer */
	free(answer);
}

static void
a_silent_server_times_out(void **state)
{
	struct http_plain *p = client("");
	struct http_result r;

	(void)state;
	script("", false);
	script_silent(true);
	assert_int_equal(get(p, "GET", "/", NULL, 200, &r), -1);
	assert_true(r.timed_out);
	assert_non_null(strstr(r.error, "Timeout was reached"));
	http_result_release(&r);
	script_silent(false);
	http_plain_free(p);
}

static void
control_characters_are_never_sent(void **state)
{
	struct http_plain *p = client("");
	const char *const evil[] = { "X-A: 1\r\nX-Injected: 1", NULL };
	struct http_result r;
	int before = atomic_load(&srv.accepted);

	(void)state;
	script("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
	assert_int_equal(get(p, "GET", "/", evil, 2000, &r), -1);
	http_result_release(&r);
	assert_int_equal(get(p, "GET", "/a b", NULL, 2000, &r), -1);
	http_result_release(&r);
	assert_int_equal(get(p, "GET", "/a\nb", NULL, 2000, &r), -1);
	http_result_release(&r);
	assert_int_equal(get(p, "GE T", "/", NULL, 2000, &r), -1);
	http_result_release(&r);
	assert_int_equal(atomic_load(&srv.accepted), before);
	http_plain_free(p);
}

/*
 * A POST, PUT or PATCH without a body says "Content-Length: 0" (RFC 9110
 * 8.6), over either transport: the gateway's libwebsockets 4.1 otherwise
 * takes the next request on the kept-alive connection for the body and
 * never answers it (chirp-tui's unlike after a like timed out). A GET,
 * HEAD or DELETE without a body says no length.
 */
static void
an_empty_post_says_its_length(void **state)
{
	static const char *const said[] = { "POST", "PUT", "PATCH" };
	static const char *const unsaid[] = { "GET", "HEAD", "DELETE" };
	const char *const h[] = { "X-A: 1", NULL };
	struct http_client *c;
	struct http_result r;
	char url[128];
	size_t i, t;

	(void)state;
	script("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
	for (t = 0; t < 2; t++) {
		/* userinfo: http_plain does not take it, libcurl does (one
		 * client at a time: the server serves one connection) */
		snprintf(url, sizeof(url), "http://%s127.0.0.1:%d",
		    t == 0 ? "" : "u@", srv.port);
		c = http_client_new(url);
		for (i = 0; i < sizeof(said) / sizeof(said[0]); i++) {
			if (http_client_request(c, said[i], "/x", NULL, h,
			    &r) != 0)
				fail_msg("%s over %s: %s", said[i], t == 0 ?
				    "http_plain" : "libcurl", r.error);
			assert_int_equal(r.status, 200);
			if (strstr(srv.request, "\r\nContent-Length: 0") ==
			    NULL)
				fail_msg("%s over %s: no length in '%s'",
				    said[i], t == 0 ? "http_plain" : "libcurl",
				    srv.request);
			assert_null(strcasestr(srv.request, "Content-Type"));
			http_result_release(&r);
		}
		for (i = 0; i < sizeof(unsaid) / sizeof(unsaid[0]); i++) {
			assert_int_equal(http_client_request(c, unsaid[i],
			    "/x", NULL, h, &r), 0);
			assert_int_equal(r.status, 200);
			assert_null(strcasestr(srv.request, "Content-Length"));
			http_result_release(&r);
		}
		/* a body still says its own length, once */
		assert_int_equal(http_client_request(c, "POST", "/x",
		    "{}", h, &r), 0);
		assert_non_null(strstr(srv.request, "Content-Length: 2"));
		assert_null(strstr(srv.request, "Content-Length: 0"));
		http_result_release(&r);
		http_client_free(c);
	}
}

static void
a_refused_connection_says_so_as_libcurl_did(void **state)
{
	struct http_plain *p = http_plain_new("http://127.0.0.1:1");
	struct http_result r;

	(void)state;
	assert_int_equal(get(p, "GET", "/", NULL, 2000, &r), -1);
	assert_non_null(strstr(r.error, "Connection refused"));
	assert_false(r.timed_out);
	http_result_release(&r);
	http_plain_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_plain_http_urls_are_taken),
		cmocka_unit_test(chunked_answers_after_an_interim_one_are_read),
		cmocka_unit_test(
		    a_kept_alive_connection_is_reused_and_replaced_when_closed),
		cmocka_unit_test(an_answer_without_length_ends_at_the_close),
		cmocka_unit_test(head_answers_have_no_body),
		cmocka_unit_test(headers_past_sixteen_are_dropped),
		cmocka_unit_test(answers_that_are_not_http_fail),
		cmocka_unit_test(bodies_over_16_mib_fail),
		cmocka_unit_test(a_silent_server_times_out),
		cmocka_unit_test(control_characters_are_never_sent),
		cmocka_unit_test(a_refused_connection_says_so_as_libcurl_did),
		cmocka_unit_test(an_empty_post_says_its_length),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
