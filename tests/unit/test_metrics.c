/* test_metrics.c: the Prometheus exposition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

static void
requests_are_counted_by_route_method_and_status(void **state)
{
	char *text;

	(void)state;
	metrics_init("test");
	metrics_observe_request("/users/{userId}", "GET", 200, 0.002);
	metrics_observe_request("/users/{userId}", "GET", 200, 0.004);
	metrics_observe_request("/users/{userId}", "GET", 404, 0.001);
	text = metrics_render();
	assert_non_null(strstr(text, "chirp_requests_total{service=\"test\","
	    "route=\"/users/{userId}\",method=\"GET\",status=\"200\"} 2\n"));
	assert_non_null(strstr(text, "status=\"404\"} 1\n"));
	assert_non_null(strstr(text, "chirp_request_duration_seconds_count{"
	    "service=\"test\",route=\"/users/{userId}\",method=\"GET\"} 3\n"));
	/* 0.001 and 0.002 and 0.004 are all under 5 ms. */
	assert_non_null(strstr(text, "le=\"0.005\"} 3\n"));
	assert_non_null(strstr(text, "le=\"0.001\"} 1\n"));
	assert_non_null(strstr(text, "le=\"+Inf\"} 3\n"));
	free(text);
}

static void
counters_add_and_gauges_replace(void **state)
{
	char *text;

	(void)state;
	metrics_counter_add("chirp_test_events_total", "kind=\"a\"", 1);
	metrics_counter_add("chirp_test_events_total", "kind=\"a\"", 2);
	metrics_gauge_set("chirp_test_connections", NULL, 7);
	metrics_gauge_set("chirp_test_connections", NULL, 5);
	text = metrics_render();
	assert_non_null(strstr(text, "# TYPE chirp_test_events_total "
	    "counter\n"));
	assert_non_null(strstr(text, "chirp_test_events_total{service=\"test\","
	    "kind=\"a\"} 3\n"));
	assert_non_null(strstr(text, "chirp_test_connections{service=\"test\"}"
	    " 5\n"));
	free(text);
}

static void
unknown_methods_are_other(void **state)
{
	char *text;

	(void)state;
	metrics_observe_request("/x", "BREW\"}\n", 405, 0.001);
	metrics_observe_request("/x", "GET", 200, 0.001);
	text = metrics_render();
	assert_non_null(strstr(text, "method=\"other\""));
	assert_null(strstr(text, "BREW"));
	assert_non_null(strstr(text, "method=\"GET\""));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(requests_are_counted_by_route_method_and_status),
		cmocka_unit_test(counters_add_and_gauges_replace),
		cmocka_unit_test(unknown_methods_are_other),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
