/* test_gateway_routes.c: the gateway's route table (gateway/routes.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../gateway/routes.h"

static void
every_public_route_has_its_owner(void **state)
{
	static const struct {
		const char *method, *path;
		enum service service;
		bool auth;
	} cases[] = {
		{ "POST", "/users/register", SERVICE_USER, false },
		{ "POST", "/users/login", SERVICE_USER, false },
		{ "GET", "/users", SERVICE_USER, false },
		{ "GET", "/users/12", SERVICE_USER, false },
		{ "DELETE", "/users/12", SERVICE_USER, true },
		{ "POST", "/users/12/follow", SERVICE_USER, true },
		{ "DELETE", "/users/12/unfollow", SERVICE_USER, true },
		{ "GET", "/users/12/followings", SERVICE_USER, false },
		{ "GET", "/users/12/followers", SERVICE_USER, false },
		{ "POST", "/tweets", SERVICE_TWEET, true },
		{ "GET", "/tweets/9", SERVICE_TWEET, false },
		{ "DELETE", "/tweets/9", SERVICE_TWEET, true },
		{ "GET", "/tweets/homeTimeline/12", SERVICE_TWEET, true },
		{ "GET", "/tweets/userTimeline/12", SERVICE_TWEET, false },
		{ "PATCH", "/users/12", SERVICE_USER, true },
		{ "GET", "/tweets/9/thread", SERVICE_TWEET, false },
		{ "POST", "/tweets/9/like", SERVICE_TWEET, true },
		{ "DELETE", "/tweets/9/like", SERVICE_TWEET, true },
		{ "GET", "/tweets/9/likes", SERVICE_TWEET, false },
		{ "POST", "/tweets/9/repost", SERVICE_TWEET, true },
		{ "DELETE", "/tweets/9/repost", SERVICE_TWEET, true },
		{ "GET", "/notifications", SERVICE_NOTIFY, true },
		{ "POST", "/notifications/read", SERVICE_NOTIFY, true },
	};
	const struct route *r;
	char allow[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(routes_match(cases[i].method, cases[i].path,
		    &r, allow, sizeof allow), ROUTE_FOUND);
		assert_int_equal(r->service, cases[i].service);
		assert_int_equal(r->auth, cases[i].auth);
	}
}

static void
unknown_paths_and_internal_routes_are_not_found(void **state)
{
	const struct route *r;
	char allow[64];

	(void)state;
	assert_int_equal(routes_match("GET", "/internal/followings/1", &r,
	    allow, sizeof allow), ROUTE_NOT_FOUND);
	assert_int_equal(routes_match("GET", "/users/1/2/3", &r, allow,
	    sizeof allow), ROUTE_NOT_FOUND);
	assert_int_equal(routes_match("GET", "/users//followers", &r, allow,
	    sizeof allow), ROUTE_NOT_FOUND);
	assert_int_equal(routes_match("GET", "/", &r, allow, sizeof allow),
	    ROUTE_NOT_FOUND);
	assert_int_equal(routes_match("GET", "/users/", &r, allow,
	    sizeof allow), ROUTE_NOT_FOUND);
}

static void
wrong_method_lists_the_allowed_ones(void **state)
{
	const struct route *r;
	char allow[64];

	(void)state;
	assert_int_equal(routes_match("PUT", "/users/5", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "GET, DELETE, PATCH");
	/* a literal path wins over {id} */
	assert_int_equal(routes_match("GET", "/users/register", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "POST");
	assert_int_equal(routes_match("GET", "/tweets", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "POST");
	/* the conversation routes */
	assert_int_equal(routes_match("GET", "/tweets/5/like", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "POST, DELETE");
	assert_int_equal(routes_match("PUT", "/tweets/5/repost", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "POST, DELETE");
	assert_int_equal(routes_match("POST", "/tweets/5/thread", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "GET");
	assert_int_equal(routes_match("DELETE", "/tweets/5/likes", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "GET");
	assert_int_equal(routes_match("POST", "/notifications", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "GET");
	assert_int_equal(routes_match("GET", "/notifications/read", &r, allow,
	    sizeof allow), ROUTE_BAD_METHOD);
	assert_string_equal(allow, "POST");
	assert_int_equal(routes_match("GET", "/notifications/5", &r, allow,
	    sizeof allow), ROUTE_NOT_FOUND);
	assert_int_equal(routes_match("GET", "/tweets/5/replies", &r, allow,
	    sizeof allow), ROUTE_NOT_FOUND);
}

static void
service_names_and_credentials(void **state)
{
	(void)state;
	assert_string_equal(routes_service_name(SERVICE_NOTIFY), "notify");
	assert_string_equal(routes_service_credential(SERVICE_NOTIFY),
	    "notifyd");
	assert_string_equal(routes_service_credential(SERVICE_USER), "userd");
	assert_string_equal(routes_service_credential(SERVICE_TWEET),
	    "tweetd");
}

static void
path_id_is_the_id_segment(void **state)
{
	const struct route *r;
	char allow[64], id[24];

	(void)state;
	assert_int_equal(routes_match("GET", "/users/42/followers", &r,
	    allow, sizeof allow), ROUTE_FOUND);
	assert_int_equal(r->cache, ROUTE_CACHE_FOLLOWS);
	assert_true(routes_path_id(r, "/users/42/followers", id, sizeof id));
	assert_string_equal(id, "42");
	assert_int_equal(routes_match("POST", "/users/register", &r, allow,
	    sizeof allow), ROUTE_FOUND);
	assert_false(routes_path_id(r, "/users/register", id, sizeof id));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_public_route_has_its_owner),
		cmocka_unit_test(
		    unknown_paths_and_internal_routes_are_not_found),
		cmocka_unit_test(wrong_method_lists_the_allowed_ones),
		cmocka_unit_test(path_id_is_the_id_segment),
		cmocka_unit_test(service_names_and_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
