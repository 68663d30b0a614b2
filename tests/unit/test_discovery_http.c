/*
 * Unit tests of server/discovery/discovery_http.c: the body of POST and
 * DELETE /services, and the shape of GET /services.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <jansson.h>

#include "../../server/discovery/discovery_http.h"

/* Parse a JSON text as a body; true when it names a valid instance. */
static bool
parse(const char *text, struct discovery_instance *inst, json_t **keep)
{
	const char *why = NULL;
	json_t *j = json_loads(text, 0, NULL);
	bool ok;

	assert_non_null(j);
	ok = discovery_http_parse(j, inst, &why);
	if (!ok)
		assert_non_null(why);
	if (keep != NULL)
		*keep = j;
	else
		json_decref(j);
	return ok;
}

static void
valid_bodies_are_accepted(void **state)
{
	struct discovery_instance inst;
	json_t *j;

	(void)state;
	assert_true(parse("{\"serviceType\":\"user\",\"serviceHost\":"
	    "\"127.0.0.1\",\"servicePort\":8000}", &inst, &j));
	assert_int_equal(inst.type, REGISTRY_USER);
	assert_string_equal(inst.host, "127.0.0.1");
	assert_int_equal(inst.port, 8000);
	json_decref(j);

	assert_true(parse("{\"serviceType\":\"tweetService\",\"serviceHost\":"
	    "\"tweet-2.local\",\"servicePort\":65535,\"extra\":1}", &inst,
	    &j));
	assert_int_equal(inst.type, REGISTRY_TWEET);
	assert_string_equal(inst.host, "tweet-2.local");
	assert_int_equal(inst.port, 65535);
	json_decref(j);
}

static void
bad_types_are_refused(void **state)
{
	struct discovery_instance inst;

	(void)state;
	assert_false(parse("{\"serviceHost\":\"h\",\"servicePort\":1}", &inst,
	    NULL));
	assert_false(parse("{\"serviceType\":\"gateway\",\"serviceHost\":"
	    "\"h\",\"servicePort\":1}", &inst, NULL));
	assert_false(parse("{\"serviceType\":1,\"serviceHost\":\"h\","
	    "\"servicePort\":1}", &inst, NULL));
}

static void
bad_hosts_are_refused(void **state)
{
	struct discovery_instance inst;

	(void)state;
	assert_false(parse("{\"serviceType\":\"user\",\"servicePort\":1}",
	    &inst, NULL));
	assert_false(parse("{\"serviceType\":\"user\",\"serviceHost\":\"\","
	    "\"servicePort\":1}", &inst, NULL));
	assert_false(parse("{\"serviceType\":\"user\",\"serviceHost\":"
	    "\"a b\",\"servicePort\":1}", &inst, NULL));
	assert_false(parse("{\"serviceType\":\"user\",\"serviceHost\":"
	    "[\"h\"],\"servicePort\":1}", &inst, NULL));
}

static void
bad_ports_are_refused(void **state)
{
	static const char *const ports[] = {
		"0", "65536", "-1", "\"8000\"", "80.5", "null", "true",
		"99999999999999999",
	};
	struct discovery_instance inst;
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		snprintf(text, sizeof text, "{\"serviceType\":\"user\","
		    "\"serviceHost\":\"h\",\"servicePort\":%s}", ports[i]);
		assert_false(parse(text, &inst, NULL));
	}
	assert_false(parse("{\"serviceType\":\"user\",\"serviceHost\":\"h\"}",
	    &inst, NULL));
}

static void
list_has_both_arrays(void **state)
{
	struct registry *r = registry_new(15000, 16);
	json_t *j, *users, *tweets;

	(void)state;
	j = discovery_http_list_json(r, 0);
	assert_true(json_is_array(json_object_get(j, "userServices")));
	assert_true(json_is_array(json_object_get(j, "tweetServices")));
	assert_true(json_is_array(json_object_get(j, "notifyServices")));
	assert_int_equal(json_object_size(j), 3);
	json_decref(j);

	registry_renew(r, REGISTRY_USER, "127.0.0.1", 8000, 0);
	registry_renew(r, REGISTRY_TWEET, "127.0.0.1", 8010, 0);
	registry_renew(r, REGISTRY_TWEET, "127.0.0.1", 8011, 0);
	registry_renew(r, REGISTRY_NOTIFY, "127.0.0.1", 8020, 0);
	j = discovery_http_list_json(r, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(j, "notifyServices"), 0), "port")), 8020);
	users = json_object_get(j, "userServices");
	tweets = json_object_get(j, "tweetServices");
	assert_int_equal(json_array_size(users), 1);
	assert_int_equal(json_array_size(tweets), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(users, 0), "host")), "127.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(users, 0), "port")), 8000);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(tweets, 1), "port")), 8011);
	json_decref(j);
	registry_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_bodies_are_accepted),
		cmocka_unit_test(bad_types_are_refused),
		cmocka_unit_test(bad_hosts_are_refused),
		cmocka_unit_test(bad_ports_are_refused),
		cmocka_unit_test(list_has_both_arrays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
