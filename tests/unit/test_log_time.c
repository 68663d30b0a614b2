/*
 * test_log_time.c: log lines (text and JSON), RFC 3339 timestamps (written and read),
 * ages for people and random hex ids.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "log.h"
#include "rand.h"
#include "timeutil.h"

/* Run fn with stderr captured into buf. */
static void
capture(void (*fn)(void), char *buf, size_t len)
{
	int fds[2], saved;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	n = read(fds[0], buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
}

static void
forge(void)
{
	log_set_request_id("rid-1");
	log_info("user said '%s'", "hi\n2026-01-01T00:00:00.000Z x fatal boom");
	log_set_request_id(NULL);
}

static void
control_characters_cannot_forge_a_line(void **state)
{
	char buf[1024];

	(void)state;
	log_init("chirp-test", "info");
	capture(forge, buf, sizeof(buf));
	/* One line only, with the newline escaped, and the request id. */
	assert_non_null(strstr(buf, "chirp-test info [rid-1] user said 'hi\\x0a"
	    "2026-01-01T00:00:00.000Z x fatal boom'\n"));
	assert_ptr_equal(strchr(buf, '\n'), buf + strlen(buf) - 1);
}

static void
debug_lines_wait_for_the_debug_level(void)
{
	log_debug("hidden");
}

static void
levels_filter(void **state)
{
	char buf[256];

	(void)state;
	log_init("chirp-test", "info");
	capture(debug_lines_wait_for_the_debug_level, buf, sizeof(buf));
	assert_string_equal(buf, "");
	log_init("chirp-test", "debug");
	capture(debug_lines_wait_for_the_debug_level, buf, sizeof(buf));
	assert_non_null(strstr(buf, "debug hidden"));
	log_init("chirp-test", "info");
}

/* A message with every kind of byte that could break a JSON line. */
#define HOSTILE "said \"hi\"\n{\"level\":\"fatal\"}\\ \x01\x7f\xff caf\xc3\xa9"

static void
json_lines(void)
{
	log_set_request_id("rid-\"2");
	log_info("%s", HOSTILE);
	log_request(false, "GET", "/users/42", "/users/{userId}", 200, 1.25);
	log_set_request_id(NULL);
	errno = ENOENT;
	log_warn("open");
}

/* Line i (from 0) of buf, parsed; fails the test when it is not JSON. */
static json_t *
json_line(const char *buf, int i)
{
	const char *p = buf, *nl;
	json_error_t err;
	json_t *j;

	while (i-- > 0) {
		assert_non_null(p = strchr(p, '\n'));
		p++;
	}
	assert_non_null(nl = strchr(p, '\n'));
	j = json_loadb(p, (size_t)(nl - p), 0, &err);
	if (j == NULL)
		fail_msg("not JSON: %.*s (%s)", (int)(nl - p), p, err.text);
	return j;
}

static const char *
field(json_t *j, const char *name)
{
	const char *v = json_string_value(json_object_get(j, name));

	if (v == NULL)
		fail_msg("no string field %s", name);
	return v;
}

static void
json_format_is_one_object_a_line(void **state)
{
	char buf[8192];
	json_t *j;
	int64_t ms;
	const char *p;
	int lines = 0;

	(void)state;
	log_init("chirp-test", "info");
	assert_true(log_set_format("json"));
	capture(json_lines, buf, sizeof(buf));
	assert_true(log_set_format("text"));
	for (p = buf; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, 3);

	j = json_line(buf, 0);
	assert_true(time_parse_rfc3339(field(j, "time"), &ms));
	assert_string_equal(field(j, "level"), "info");
	assert_string_equal(field(j, "process"), "chirp-test");
	assert_string_equal(field(j, "requestId"), "rid-\"2");
	/* every byte back as it was, but the one that is not UTF-8 */
	assert_string_equal(field(j, "message"), "said \"hi\"\n"
	    "{\"level\":\"fatal\"}\\ \x01\x7f\\xff caf\xc3\xa9");
	json_decref(j);

	j = json_line(buf, 1);
	assert_string_equal(field(j, "method"), "GET");
	assert_string_equal(field(j, "route"), "/users/{userId}");
	assert_int_equal(json_integer_value(json_object_get(j, "status")),
	    200);
	assert_true(json_real_value(json_object_get(j, "durationMs")) ==
	    1.25);
	assert_string_equal(field(j, "message"),
	    "GET /users/{userId} 200 1.2ms");
	json_decref(j);

	j = json_line(buf, 2);
	assert_string_equal(field(j, "level"), "warn");
	assert_null(json_object_get(j, "requestId"));
	assert_null(json_object_get(j, "route"));
	assert_non_null(strstr(field(j, "message"), "open: "));
	json_decref(j);
}

static void
request_line(void)
{
	log_set_request_id("rid-3");
	log_request(false, "POST", "/users/7/follow",
	    "/users/{userId}/follow", 401, 0.5);
	log_request(true, "GET", "/status", "/status", 200, 0.1);
	log_set_request_id(NULL);
}

static void
text_request_lines_are_as_before(void **state)
{
	char buf[1024];

	(void)state;
	log_init("chirp-test", "info");
	capture(request_line, buf, sizeof(buf));
	/* the path as asked; the quiet line waits for debug */
	assert_non_null(strstr(buf, " chirp-test info [rid-3] POST "
	    "/users/7/follow 401 0.5ms\n"));
	assert_null(strstr(buf, "/status"));
	log_init("chirp-test", "debug");
	capture(request_line, buf, sizeof(buf));
	assert_non_null(strstr(buf, " chirp-test debug [rid-3] GET /status "
	    "200 0.1ms\n"));
	log_init("chirp-test", "info");
}

/* The bytes stderr (a file) holds now. */
static off_t
written(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_size;
}

/*
 * Held request lines (the gateway's log_hold_ms): none written while
 * held, all before any other line and in order, at most 16 KB held, the
 * oldest's age sends them, and turning holding off writes the rest.
 */
static void
request_lines_are_held_then_written_in_order(void **state)
{
	char path[] = "/tmp/chirp-log-test.XXXXXX", *buf, *a, *b, *w, *c;
	int fd, saved, i, lines = 0;
	off_t size;
	ssize_t n;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	unlink(path);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	log_init("chirp-test", "info");
	log_hold_requests(60000);
	log_request(false, "GET", "/a", "/a", 200, 1.0);
	log_request(false, "GET", "/b", "/b", 200, 1.0);
	assert_int_equal(written(fd), 0);
	log_warnx("a warning");
	size = written(fd);
	assert_true(size > 0);
	log_request(false, "POST", "/c", "/c", 201, 1.0);
	assert_int_equal(written(fd), size);
	for (i = 0; i < 400; i++)	/* about 24 KB: past the 16 KB held */
		log_request(false, "GET", "/many", "/many", 200, 1.0);
	assert_true(written(fd) > size);
	log_hold_requests(0);
	size = written(fd);
	log_hold_requests(1);		/* the oldest's age sends them */
	log_request(false, "GET", "/d", "/d", 200, 1.0);
	usleep(5000);
	log_request(false, "GET", "/e", "/e", 200, 1.0);
	assert_true(written(fd) > size);
	log_hold_requests(0);
	dup2(saved, STDERR_FILENO);
	close(saved);

	size = written(fd);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	n = pread(fd, buf, (size_t)size, 0);
	assert_int_equal(n, size);
	buf[n] = '\0';
	close(fd);
	for (i = 0; i < n; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, 2 + 1 + 1 + 400 + 2);
	a = strstr(buf, "GET /a 200");
	b = strstr(buf, "GET /b 200");
	w = strstr(buf, "a warning");
	c = strstr(buf, "POST /c 201");
	assert_true(a != NULL && b != NULL && w != NULL && c != NULL);
	assert_true(a < b && b < w && w < c);
	assert_true(c < strstr(buf, "GET /many") && strstr(buf, "GET /d") <
	    strstr(buf, "GET /e"));
	free(buf);
}

static void
unknown_levels_and_formats_are_refused(void **state)
{
	(void)state;
	assert_false(log_init("chirp-test", "error"));
	assert_false(log_set_format("xml"));
	assert_true(log_set_format(NULL));
	assert_true(log_init("chirp-test", NULL));
}

static void
timestamps_are_rfc3339_utc_with_milliseconds(void **state)
{
	char out[TIME_RFC3339_LEN];

	(void)state;
	time_format_rfc3339(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	time_format_rfc3339(1795485960123LL, out);
	assert_string_equal(out, "2026-11-24T02:06:00.123Z");
	time_format_rfc3339(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59.999Z");
	assert_true(time_now_ms() > 1700000000000LL);
	assert_true(time_mono_ms() >= 0);
}

/* The arithmetic of time_format_rfc3339 agrees with gmtime and strftime. */
static void
timestamps_agree_with_gmtime(void **state)
{
	static const int64_t edges[] = { 0, -1, 951782400000LL,
		951868799999LL, 4107542400000LL, -2208988800001LL,
		-30610224000000LL, -30610224000001LL, -62167219200000LL, 253402300799999LL,
		253402300800000LL, -11676096000000LL, 1709164800000LL };
	char out[TIME_RFC3339_LEN], want[TIME_RFC3339_LEN];
	struct tm tm;
	time_t secs;
	int64_t ms, frac;
	size_t len;
	int round;

	(void)state;
	srand(11);
	for (round = 0; round < 200000; round++) {
		if ((size_t)round < sizeof(edges) / sizeof(edges[0]))
			ms = edges[round];
		else
			ms = ((int64_t)rand() << 31 ^ rand()) %
			    300000000000000LL - 80000000000000LL;
		frac = ms % 1000;
		secs = (time_t)(ms / 1000);
		if (frac < 0) {
			frac += 1000;
			secs--;
		}
		gmtime_r(&secs, &tm);
		len = strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want + len, sizeof(want) - len, ".%03dZ", (int)frac);
		time_format_rfc3339(ms, out);
		assert_string_equal(out, want);
	}
}

static void
random_hex_is_hex_and_differs(void **state)
{
	char a[33], b[33];
	size_t i;

	(void)state;
	rand_hex(a, 16);
	rand_hex(b, 16);
	assert_int_equal(strlen(a), 32);
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
}

static void
rfc3339_parses_with_millis_and_offsets(void **state)
{
	int64_t ms = 42;

	(void)state;
	assert_true(time_parse_rfc3339("1970-01-01T00:00:01.234Z", &ms));
	assert_int_equal(ms, 1234);
	assert_true(time_parse_rfc3339("1970-01-01T00:00:01Z", &ms));
	assert_int_equal(ms, 1000);
	assert_true(time_parse_rfc3339("1970-01-01T01:00:00.000+01:00", &ms));
	assert_int_equal(ms, 0);
	assert_true(time_parse_rfc3339("1969-12-31T23:30:00-00:30", &ms));
	assert_int_equal(ms, 0);
	assert_true(time_parse_rfc3339("2026-11-24T02:06:00.123456z", &ms));
	assert_int_equal(ms, 1795485960123LL);
	ms = 42;
	assert_false(time_parse_rfc3339("yesterday", &ms));
	assert_false(time_parse_rfc3339("2026-11-24T02:06:00.123", &ms));
	assert_false(time_parse_rfc3339("2026-11-24 02:06:00.123Z", &ms));
	assert_false(time_parse_rfc3339("2026-11-24T02:06:00.Z", &ms));
	assert_false(time_parse_rfc3339("2026-13-24T02:06:00Z", &ms));
	assert_false(time_parse_rfc3339("2026-11-24T02:06:00+1:00", &ms));
	assert_false(time_parse_rfc3339("2026-11-24T02:06:00+01:60", &ms));
	assert_false(time_parse_rfc3339("2026-11-24T02:06:00+01:00x", &ms));
	assert_false(time_parse_rfc3339("2026-11-24T02:06:00Zx", &ms));
	assert_false(time_parse_rfc3339(NULL, &ms));
	assert_int_equal(ms, 42);
}

static void
written_timestamps_read_back(void **state)
{
	char buf[TIME_RFC3339_LEN];
	int64_t ms;

	(void)state;
	time_format_rfc3339(1795485960123LL, buf);
	assert_true(time_parse_rfc3339(buf, &ms));
	assert_int_equal(ms, 1795485960123LL);
}

static void
ages_are_short(void **state)
{
	int64_t now = 1795000000000LL;
	char b[32];

	(void)state;
	time_format_age(now, now - 1000, b, sizeof(b));
	assert_string_equal(b, "now");
	time_format_age(now, now - 42000, b, sizeof(b));
	assert_string_equal(b, "42s");
	time_format_age(now, now - 3 * 60000 - 5000, b, sizeof(b));
	assert_string_equal(b, "3m");
	time_format_age(now, now - 5 * 3600000LL, b, sizeof(b));
	assert_string_equal(b, "5h");
	time_format_age(now, now - 2 * 86400000LL, b, sizeof(b));
	assert_string_equal(b, "2d");
	/* a clock a little behind the server's is "now", not negative */
	time_format_age(now, now + 3000, b, sizeof(b));
	assert_string_equal(b, "now");
}

static void
old_ages_are_utc_dates(void **state)
{
	int64_t now, then, last_year;
	char b[32];

	(void)state;
	/* nine hours east of UTC, where local dates would differ */
	setenv("TZ", "UTC-9", 1);
	tzset();
	assert_true(time_parse_rfc3339("2026-11-24T02:06:00.000Z", &now));
	/* 23:30 UTC: the next day east of Greenwich, the date is UTC's */
	assert_true(time_parse_rfc3339("2026-10-01T23:30:00.000Z", &then));
	assert_true(time_parse_rfc3339("2025-10-01T00:00:00.000Z",
	    &last_year));
	time_format_age(now, then, b, sizeof(b));
	assert_string_equal(b, "Oct 01");
	time_format_age(now, last_year, b, sizeof(b));
	assert_string_equal(b, "Oct 01 2025");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_characters_cannot_forge_a_line),
		cmocka_unit_test(levels_filter),
		cmocka_unit_test(json_format_is_one_object_a_line),
		cmocka_unit_test(text_request_lines_are_as_before),
		cmocka_unit_test(unknown_levels_and_formats_are_refused),
		cmocka_unit_test(request_lines_are_held_then_written_in_order),
		cmocka_unit_test(timestamps_are_rfc3339_utc_with_milliseconds),
		cmocka_unit_test(rfc3339_parses_with_millis_and_offsets),
		cmocka_unit_test(written_timestamps_read_back),
		cmocka_unit_test(ages_are_short),
		cmocka_unit_test(old_ages_are_utc_dates),
		cmocka_unit_test(timestamps_agree_with_gmtime),
		cmocka_unit_test(random_hex_is_hex_and_differs),
	};

	return cmocka_run_group_tests_name("log_time", tests, NULL, NULL);
}
