/*
 * test_http.c: common/http_server and common/http_client together, over
 * real sockets on loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http_client.h"
#include "http_server.h"
#include "metrics.h"
#include "svcauth.h"
#include "token.h"
#include "validate.h"

static const unsigned char secret[] =
    "0123456789abcdef0123456789abcdef-test";
static bool healthy = true;

static void
thing_get(struct http_request *req, struct http_response *res, void *ctx)
{
	(void)ctx;
	http_reply_json(res, 200, json_pack("{s:s,s:s,s:s?}", "id",
	    req->params[0], "route", req->route, "q",
	    http_query(req, "q")));
}

static void
thing_register(struct http_request *req, struct http_response *res,
    void *ctx)
{
	(void)req;
	(void)ctx;
	http_reply_json(res, 201, json_pack("{s:s}", "literal", "yes"));
}

static void
thing_delete(struct http_request *req, struct http_response *res, void *ctx)
{
	struct token_claims claims;

	(void)ctx;
	if (!http_auth(req, res, secret, sizeof(secret) - 1, &claims))
		return;
	http_reply_json(res, 200, json_pack("{s:I}", "user",
	    (json_int_t)claims.user_id));
}

static void
echo_post(struct http_request *req, struct http_response *res, void *ctx)
{
	json_t *body;

	(void)ctx;
	if ((body = http_json_body(req, res)) == NULL)
		return;
	json_object_set_new(body, "bytes", json_integer((json_int_t)
	    req->body_len));
	http_reply_json(res, 200, body);
}

static const struct http_route routes[] = {
	{ "POST", "/things/register", thing_register, NULL },
	{ "GET", "/things/{id}", thing_get, NULL },
	{ "DELETE", "/things/{id}", thing_delete, NULL },
	{ "POST", "/echo", echo_post, NULL },
	{ "GET", "/internal/things/{id}", thing_get, "tweetd gateway" },
};

static bool
is_healthy(void *ctx)
{
	(void)ctx;
	return healthy;
}

struct fixture {
	struct http_server *srv;
	struct http_client *cli;
	struct svcauth *svc;
};

static int
setup(void **state)
{
	static struct fixture f;
	static struct http_server_config cfg;
	char url[64];
	int port = 0, tries;

	metrics_init("test");
	cfg.service = "test";
	cfg.bind = "127.0.0.1";
	cfg.threads = 2;
	cfg.routes = routes;
	cfg.nroutes = sizeof(routes) / sizeof(routes[0]);
	cfg.healthy = is_healthy;
	f.svc = svcauth_new("userd", secret, sizeof(secret) - 1);
	cfg.svcauth = f.svc;
	cfg.audience = "userd";
	for (tries = 0; tries < 20 && f.srv == NULL; tries++) {
		port = 30000 + (int)(random() % 10000);
		cfg.port = port;
		f.srv = http_server_start(&cfg);
	}
	if (f.srv == NULL)
		return -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	f.cli = http_client_new(url);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	http_client_free(f->cli);
	http_server_stop(f->srv);
	svcauth_free(f->svc);
	return 0;
}

/* GET path; returns the parsed body (caller decrefs). */
static json_t *
request(struct fixture *f, const char *method, const char *path,
    const char *body, const char *const *headers, long *status,
    struct http_result *keep)
{
	struct http_result r;
	json_t *j;

	assert_int_equal(http_client_request(f->cli, method, path, body,
	    headers, &r), 0);
	*status = r.status;
	j = json_loadb(r.body, r.len, 0, NULL);
	if (keep != NULL)
		*keep = r;
	else
		http_result_release(&r);
	return j;
}

static void
routes_match_parameters_and_literals_first(void **state)
{
	struct fixture *f = *state;
	long status;
	json_t *j;

	j = request(f, "GET", "/things/42?q=a%20b", NULL, NULL, &status,
	    NULL);
	assert_int_equal(status, 200);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "42");
	assert_string_equal(json_string_value(json_object_get(j, "q")), "a b");
	assert_string_equal(json_string_value(json_object_get(j, "route")),
	    "/things/{id}");
	json_decref(j);

	j = request(f, "POST", "/things/register", "{}", NULL, &status, NULL);
	assert_int_equal(status, 201);
	json_decref(j);
}

static void
unknown_path_is_404_and_wrong_method_405_with_allow(void **state)
{
	struct fixture *f = *state;
	struct http_result r;
	long status;
	json_t *j;

	j = request(f, "GET", "/nothing/here", NULL, NULL, &status, NULL);
	assert_int_equal(status, 404);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "not_found");
	assert_non_null(json_string_value(json_object_get(j, "message")));
	json_decref(j);

	j = request(f, "PUT", "/things/42", "{}", NULL, &status, &r);
	assert_int_equal(status, 405);
	assert_string_equal(http_result_header(&r, "Allow"), "GET, DELETE");
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "method_not_allowed");
	http_result_release(&r);
	json_decref(j);

	/* A literal path answers 405 for GET, not the {id} route. */
	j = request(f, "GET", "/things/register", NULL, NULL, &status, &r);
	assert_int_equal(status, 405);
	assert_string_equal(http_result_header(&r, "Allow"), "POST");
	http_result_release(&r);
	json_decref(j);
}

static void
bodies_over_64k_are_413_and_bad_json_400(void **state)
{
	struct fixture *f = *state;
	size_t n = REQUEST_BODY_MAX;
	char *big = malloc(n + 2);
	long status;
	json_t *j;

	/* Exactly 64 KiB of JSON is accepted. */
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	j = request(f, "POST", "/echo", big, NULL, &status, NULL);
	assert_int_equal(status, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "bytes")),
	    (json_int_t)n);
	json_decref(j);

	big[n - 1] = ' ';
	big[n] = '}';
	big[n + 1] = '\0';
	j = request(f, "POST", "/echo", big, NULL, &status, NULL);
	assert_int_equal(status, 413);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "payload_too_large");
	json_decref(j);
	free(big);

	j = request(f, "POST", "/echo", "{\"a\":", NULL, &status, NULL);
	assert_int_equal(status, 400);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "invalid_json");
	json_decref(j);

	j = request(f, "POST", "/echo", "[1,2]", NULL, &status, NULL);
	assert_int_equal(status, 400);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "bad_request");
	json_decref(j);

	/* Invalid UTF-8 inside a JSON string is refused. */
	j = request(f, "POST", "/echo", "{\"a\":\"\xff\xfe\"}", NULL, &status,
	    NULL);
	assert_int_equal(status, 400);
	json_decref(j);
}

static void
request_ids_are_kept_or_made(void **state)
{
	struct fixture *f = *state;
	const char *const mine[] = { "X-Request-Id: abc-123", NULL };
	const char *const evil[] = { "X-Request-Id: a b", NULL };
	struct http_result r;
	const char *rid;
	long status;
	json_t *j;

	j = request(f, "GET", "/things/1", NULL, mine, &status, &r);
	assert_string_equal(http_result_header(&r, "X-Request-Id"), "abc-123");
	http_result_release(&r);
	json_decref(j);

	j = request(f, "GET", "/things/1", NULL, evil, &status, &r);
	rid = http_result_header(&r, "X-Request-Id");
	assert_non_null(rid);
	assert_int_equal(strlen(rid), 32);
	http_result_release(&r);
	json_decref(j);

	j = request(f, "GET", "/nothing", NULL, NULL, &status, &r);
	assert_non_null(http_result_header(&r, "X-Request-Id"));
	http_result_release(&r);
	json_decref(j);
}

static void
auth_refuses_missing_and_bad_tokens(void **state)
{
	struct fixture *f = *state;
	struct token_claims c = { .user_id = 77, .username = "bob" };
	char *tok, hdr[1024];
	const char *h[] = { hdr, NULL };
	long status;
	json_t *j;

	j = request(f, "DELETE", "/things/1", NULL, NULL, &status, NULL);
	assert_int_equal(status, 401);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "unauthorized");
	json_decref(j);

	snprintf(hdr, sizeof(hdr), "Authorization: Bearer nonsense");
	j = request(f, "DELETE", "/things/1", NULL, h, &status, NULL);
	assert_int_equal(status, 401);
	json_decref(j);

	c.issued_at = 1;
	c.expires_at = 4102444800;	/* 2100 */
	tok = token_sign(secret, sizeof(secret) - 1, &c);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", tok);
	j = request(f, "DELETE", "/things/1", NULL, h, &status, NULL);
	assert_int_equal(status, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "user")), 77);
	json_decref(j);
	free(tok);
}

/* GET the internal route with the header line h (NULL: none); status. */
static long
internal_get(struct fixture *f, const char *h)
{
	const char *hs[] = { h, NULL };
	long status;
	json_t *j;

	j = request(f, "GET", "/internal/things/5", NULL, h ? hs : NULL,
	    &status, NULL);
	if (status != 200)
		assert_non_null(json_string_value(json_object_get(j,
		    "message")));
	json_decref(j);
	return status;
}

static void
internal_routes_need_a_service_credential(void **state)
{
	struct fixture *f = *state;
	struct svcauth *tweetd, *notifyd, *other;
	struct token_claims c = { .user_id = 77, .username = "bob" };
	char *tok, hdr[2048];
	int64_t now = (int64_t)time(NULL);
	long status;
	json_t *j;

	tweetd = svcauth_new("tweetd", secret, sizeof(secret) - 1);
	notifyd = svcauth_new("notifyd", secret, sizeof(secret) - 1);
	other = svcauth_new("tweetd", (const unsigned char *)
	    "another secret of at least 32 bytes!!", 37);

	assert_int_equal(internal_get(f, NULL), 401);
	assert_int_equal(internal_get(f, "X-Chirp-Service: garbage"), 401);
	/* a user's access token is not a service credential */
	c.issued_at = now;
	c.expires_at = now + 600;
	tok = token_sign(secret, sizeof(secret) - 1, &c);
	snprintf(hdr, sizeof(hdr), "X-Chirp-Service: %s", tok);
	assert_int_equal(internal_get(f, hdr), 401);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", tok);
	assert_int_equal(internal_get(f, hdr), 401);
	free(tok);
	/* another installation's secret */
	tok = svcauth_header(other, "userd");
	assert_int_equal(internal_get(f, tok), 401);
	free(tok);
	/* for another audience */
	tok = svcauth_header(tweetd, "discovery");
	assert_int_equal(internal_get(f, tok), 401);
	free(tok);
	/* expired */
	tok = svcauth_mint(tweetd, "userd", now - 500);
	snprintf(hdr, sizeof(hdr), "X-Chirp-Service: %s", tok);
	assert_int_equal(internal_get(f, hdr), 401);
	free(tok);
	/* valid, of a process not allowed */
	tok = svcauth_header(notifyd, "userd");
	assert_int_equal(internal_get(f, tok), 403);
	free(tok);
	tok = svcauth_header(tweetd, "userd");
	assert_int_equal(internal_get(f, tok), 200);
	/* 405 comes before any credential check */
	j = request(f, "POST", "/internal/things/5", "{}", NULL, &status,
	    NULL);
	assert_int_equal(status, 405);
	json_decref(j);
	free(tok);
	svcauth_free(tweetd);
	svcauth_free(notifyd);
	svcauth_free(other);
}

static void
status_says_degraded_and_metrics_count(void **state)
{
	struct fixture *f = *state;
	struct http_result r;
	long status;
	json_t *j;

	j = request(f, "GET", "/status", NULL, NULL, &status, NULL);
	assert_int_equal(status, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "ok");
	assert_string_equal(json_string_value(json_object_get(j, "service")),
	    "test");
	json_decref(j);

	healthy = false;
	j = request(f, "GET", "/status", NULL, NULL, &status, NULL);
	assert_int_equal(status, 503);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "degraded");
	json_decref(j);
	healthy = true;

	assert_int_equal(http_client_request(f->cli, "GET", "/metrics", NULL,
	    NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "route=\"/things/{id}\",method=\"GET\","
	    "status=\"200\"}"));
	http_result_release(&r);
}

static void
client_reports_unreachable_servers(void **state)
{
	struct http_client *c = http_client_new("http://127.0.0.1:1");
	struct http_result r;

	(void)state;
	assert_int_equal(http_client_request(c, "GET", "/x", NULL, NULL, &r),
	    -1);
	assert_int_equal(r.status, 0);
	assert_true(strlen(r.error) > 0);
	http_result_release(&r);
	http_client_free(c);
}

/* A URL http_plain does not take (userinfo) goes through libcurl. */
static void
client_falls_back_to_libcurl(void **state)
{
	struct fixture *f = *state;
	const char *base = http_client_base_url(f->cli);
	struct http_client *c;
	struct http_result r;
	char url[128];

	snprintf(url, sizeof(url), "http://someone@%s", base + 7);
	c = http_client_new(url);
	assert_int_equal(http_client_request(c, "GET", "/things/7", NULL,
	    NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"id\":\"7\""));
	assert_non_null(http_result_header(&r, "x-request-id"));
	http_result_release(&r);
	http_client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_match_parameters_and_literals_first),
		cmocka_unit_test(
		    unknown_path_is_404_and_wrong_method_405_with_allow),
		cmocka_unit_test(bodies_over_64k_are_413_and_bad_json_400),
		cmocka_unit_test(request_ids_are_kept_or_made),
		cmocka_unit_test(auth_refuses_missing_and_bad_tokens),
		cmocka_unit_test(internal_routes_need_a_service_credential),
		cmocka_unit_test(status_says_degraded_and_metrics_count),
		cmocka_unit_test(client_reports_unreachable_servers),
		cmocka_unit_test(client_falls_back_to_libcurl),
	};

	return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
