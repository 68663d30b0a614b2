/* test_log_time.c: log lines, RFC 3339 timestamps and random hex ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_characters_cannot_forge_a_line),
		cmocka_unit_test(levels_filter),
		cmocka_unit_test(timestamps_are_rfc3339_utc_with_milliseconds),
		cmocka_unit_test(random_hex_is_hex_and_differs),
	};

	return cmocka_run_group_tests_name("log_time", tests, NULL, NULL);
}
