/* Unit tests of server/discovery/registry.c: the live-instance registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../server/discovery/registry.h"

static void
type_names_accept_both_spellings(void **state)
{
	enum registry_type t;

	(void)state;
	assert_true(registry_type_parse("user", &t));
	assert_int_equal(t, REGISTRY_USER);
	assert_true(registry_type_parse("userService", &t));
	assert_int_equal(t, REGISTRY_USER);
	assert_true(registry_type_parse("tweet", &t));
	assert_int_equal(t, REGISTRY_TWEET);
	assert_true(registry_type_parse("tweetService", &t));
	assert_int_equal(t, REGISTRY_TWEET);
	assert_true(registry_type_parse("notify", &t));
	assert_int_equal(t, REGISTRY_NOTIFY);
	assert_true(registry_type_parse("notifyService", &t));
	assert_int_equal(t, REGISTRY_NOTIFY);
	assert_false(registry_type_parse("gateway", &t));
	assert_false(registry_type_parse("User", &t));
	assert_false(registry_type_parse("", &t));
	assert_false(registry_type_parse(NULL, &t));
	assert_string_equal(registry_type_name(REGISTRY_USER), "user");
	assert_string_equal(registry_type_name(REGISTRY_TWEET), "tweet");
	assert_string_equal(registry_type_name(REGISTRY_NOTIFY), "notify");
}

static void
hosts_are_names_or_addresses(void **state)
{
	char longest[REGISTRY_HOST_MAX + 2];

	(void)state;
	assert_true(registry_host_valid("127.0.0.1"));
	assert_true(registry_host_valid("localhost"));
	assert_true(registry_host_valid("user-1.chirp.svc"));
	assert_true(registry_host_valid("::1"));
	assert_true(registry_host_valid("[fe80::1%eth0]"));
	assert_false(registry_host_valid(""));
	assert_false(registry_host_valid(NULL));
	assert_false(registry_host_valid("a b"));
	assert_false(registry_host_valid("host/path"));
	assert_false(registry_host_valid("evil\nline"));
	assert_false(registry_host_valid("user@host"));
	memset(longest, 'a', sizeof longest);
	longest[REGISTRY_HOST_MAX] = '\0';
	assert_true(registry_host_valid(longest));
	longest[REGISTRY_HOST_MAX] = 'a';
	longest[REGISTRY_HOST_MAX + 1] = '\0';
	assert_false(registry_host_valid(longest));
}

static void
new_instance_is_added_then_renewed(void **state)
{
	struct registry *r = registry_new(15000, 16);

	(void)state;
	assert_int_equal(registry_renew(r, REGISTRY_USER, "127.0.0.1", 8000,
	    1000), REGISTRY_ADDED);
	assert_int_equal(registry_renew(r, REGISTRY_USER, "127.0.0.1", 8000,
	    2000), REGISTRY_RENEWED);
	/* Same host and port under the other type is another instance. */
	assert_int_equal(registry_renew(r, REGISTRY_TWEET, "127.0.0.1", 8000,
	    2000), REGISTRY_ADDED);
	assert_int_equal(registry_count(r, 2000), 2);
	registry_free(r);
}

static void
list_is_per_type_in_registration_order(void **state)
{
	struct registry *r = registry_new(15000, 16);
	struct registry_instance *l;
	size_t n;

	(void)state;
	registry_renew(r, REGISTRY_USER, "10.0.0.2", 8001, 0);
	registry_renew(r, REGISTRY_TWEET, "10.0.0.3", 8010, 0);
	registry_renew(r, REGISTRY_USER, "10.0.0.1", 8000, 0);
	registry_renew(r, REGISTRY_USER, "10.0.0.2", 8001, 100); /* renew */

	l = registry_list(r, REGISTRY_USER, 200, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].host, "10.0.0.2");
	assert_int_equal(l[0].port, 8001);
	assert_string_equal(l[1].host, "10.0.0.1");
	assert_int_equal(l[1].port, 8000);
	free(l);

	l = registry_list(r, REGISTRY_TWEET, 200, &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].host, "10.0.0.3");
	assert_int_equal(l[0].port, 8010);
	free(l);
	registry_free(r);
}

static void
empty_list_is_null_and_zero(void **state)
{
	struct registry *r = registry_new(15000, 16);
	size_t n = 99;

	(void)state;
	assert_null(registry_list(r, REGISTRY_TWEET, 0, &n));
	assert_int_equal(n, 0);
	registry_free(r);
}

static void
instance_that_stops_renewing_drops_out(void **state)
{
	struct registry *r = registry_new(15000, 16);
	struct registry_instance *l;
	size_t n;

	(void)state;
	registry_renew(r, REGISTRY_USER, "a", 1, 0);
	registry_renew(r, REGISTRY_USER, "b", 2, 0);
	registry_renew(r, REGISTRY_USER, "b", 2, 10000);
	/* Exactly ttl after the last renewal it is still listed. */
	l = registry_list(r, REGISTRY_USER, 15000, &n);
	assert_int_equal(n, 2);
	free(l);
	/* Past the ttl, "a" is gone; "b" renewed at 10 s stays. */
	l = registry_list(r, REGISTRY_USER, 15001, &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].host, "b");
	free(l);
	assert_int_equal(registry_count(r, 25001), 0);
	/* Coming back after expiry is a new registration. */
	assert_int_equal(registry_renew(r, REGISTRY_USER, "a", 1, 30000),
	    REGISTRY_ADDED);
	registry_free(r);
}

static void
remove_deletes_only_the_named_instance(void **state)
{
	struct registry *r = registry_new(15000, 16);
	struct registry_instance *l;
	size_t n;

	(void)state;
	registry_renew(r, REGISTRY_USER, "a", 1, 0);
	registry_renew(r, REGISTRY_USER, "b", 2, 0);
	registry_renew(r, REGISTRY_USER, "c", 3, 0);
	assert_false(registry_remove(r, REGISTRY_TWEET, "b", 2, 10));
	assert_false(registry_remove(r, REGISTRY_USER, "b", 3, 10));
	assert_true(registry_remove(r, REGISTRY_USER, "b", 2, 10));
	assert_false(registry_remove(r, REGISTRY_USER, "b", 2, 10));
	l = registry_list(r, REGISTRY_USER, 10, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].host, "a");
	assert_string_equal(l[1].host, "c");
	free(l);
	/* An expired instance cannot be removed: it is not there. */
	assert_false(registry_remove(r, REGISTRY_USER, "a", 1, 20000));
	registry_free(r);
}

static void
registry_is_bounded(void **state)
{
	struct registry *r = registry_new(1000, 3);

	(void)state;
	assert_int_equal(registry_renew(r, REGISTRY_USER, "a", 1, 0),
	    REGISTRY_ADDED);
	assert_int_equal(registry_renew(r, REGISTRY_USER, "b", 1, 0),
	    REGISTRY_ADDED);
	assert_int_equal(registry_renew(r, REGISTRY_TWEET, "c", 1, 0),
	    REGISTRY_ADDED);
	assert_int_equal(registry_renew(r, REGISTRY_TWEET, "d", 1, 0),
	    REGISTRY_FULL);
	/* A listed instance still renews when full. */
	assert_int_equal(registry_renew(r, REGISTRY_USER, "a", 1, 500),
	    REGISTRY_RENEWED);
	assert_int_equal(registry_count(r, 500), 3);
	/* Once the others expire there is room again. */
	assert_int_equal(registry_renew(r, REGISTRY_TWEET, "d", 1, 1200),
	    REGISTRY_ADDED);
	assert_int_equal(registry_count(r, 1200), 2);
	registry_free(r);
}

static void
many_instances_keep_their_order(void **state)
{
	struct registry *r = registry_new(15000, 1000);
	struct registry_instance *l;
	size_t i, n;

	(void)state;
	for (i = 0; i < 100; i++)
		registry_renew(r, REGISTRY_TWEET, "h", (int)i + 1, 0);
	for (i = 0; i < 100; i += 2)
		assert_true(registry_remove(r, REGISTRY_TWEET, "h", (int)i + 1,
		    0));
	l = registry_list(r, REGISTRY_TWEET, 0, &n);
	assert_int_equal(n, 50);
	for (i = 0; i < n; i++)
		assert_int_equal(l[i].port, (int)(2 * i + 2));
	free(l);
	registry_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(type_names_accept_both_spellings),
		cmocka_unit_test(hosts_are_names_or_addresses),
		cmocka_unit_test(new_instance_is_added_then_renewed),
		cmocka_unit_test(list_is_per_type_in_registration_order),
		cmocka_unit_test(empty_list_is_null_and_zero),
		cmocka_unit_test(instance_that_stops_renewing_drops_out),
		cmocka_unit_test(remove_deletes_only_the_named_instance),
		cmocka_unit_test(registry_is_bounded),
		cmocka_unit_test(many_instances_keep_their_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
