/*
 * fuzz_input.c: libFuzzer over every parser that takes a stranger's bytes.
 * Each target is one parser; nothing may crash, leak or read out of
 * bounds, and a few properties are checked on the way:
 *
 *   utf8         the UTF-8 and content rules, and text_sanitize
 *   id           ids and limits
 *   name         usernames, passwords, idempotency keys
 *   token        bearer tokens
 *   cursor       follow-list cursors
 *   tweet        the tweet JSON model
 *   upstream     the gateway's reading of upstream answers
 *   feed         the clients' reading of live-feed frames (feed_client)
 *   answer       the clients' reading of answers: timelines, users,
 *                errors, shown by the CLI's output and text_wrap
 *   body         a service's JSON request body (http_json_body)
 *   path         the routing of request paths (common/path_match), and
 *                the gateway's route table on it
 *
 * Built one binary per target (-DFUZZ_TARGET=n) by tests/fuzz/run.sh,
 * whose corpus is then plain inputs; without FUZZ_TARGET the first byte
 * picks the target. tests/unit/test_fuzz_corpus.c replays every file of
 * tests/fuzz/corpus/ through every target in the test build.
 *
 *   make fuzz FUZZ_SECONDS=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cursor.h"
#include "feed_client.h"
#include "fuzz_input.h"
#include "http_server.h"
#include "model.h"
#include "path_match.h"
#include "text.h"
#include "token.h"
#include "validate.h"
#include "../../client-cli/output.h"
#include "../../gateway/routes.h"
#include "../../gateway/upstream_parse.h"

static const unsigned char secret[] = "fuzzing-secret-fuzzing-secret-0123";

const char *const fuzz_target_names[FUZZ_TARGETS] = {
	"utf8", "id", "name", "token", "cursor", "tweet", "upstream", "feed",
	"answer", "body", "path",
};

static void
fuzz_utf8(const char *s, size_t n)
{
	long count = validate_utf8_count(s, n);
	char *clean, buf[64];
	size_t i, len;

	/* Well formed exactly when it counts. */
	if (validate_utf8(s, n) != (count >= 0))
		abort();
	if (validate_content(s, n) == CONTENT_OK &&
	    (count < 1 || count > TWEET_MAX_CHARS))
		abort();
	/* What text_sanitize gives is UTF-8 with no control but newline. */
	clean = text_sanitize(s, TEXT_KEEP_NEWLINE);
	len = strlen(clean);
	if (!validate_utf8(clean, len))
		abort();
	for (i = 0; i < len; i++)
		if (((unsigned char)clean[i] < 0x20 && clean[i] != '\n') ||
		    clean[i] == 0x7f)
			abort();
	free(clean);
	text_sanitize_buf(buf, sizeof(buf), s, 0);
	if (strlen(buf) >= sizeof(buf) || !validate_utf8(buf, strlen(buf)))
		abort();
}

static void
fuzz_id(const char *s)
{
	int64_t id;
	int lim;

	if (validate_id(s, &id) && id < 1)
		abort();
	if (validate_limit(s, 20, 1, 100, &lim) && (lim < 1 || lim > 100))
		abort();
}

static void
fuzz_cursor(const char *s)
{
	int64_t t, id;
	char again[CURSOR_MAX];

	cursor_init(secret, sizeof(secret) - 1);
	if (!cursor_decode(s, &t, &id))
		return;
	if (t < 0 || t > CURSOR_TIME_MAX || id < 1)
		abort();
	/* What decodes encodes back to the same text. */
	cursor_encode(t, id, again);
	if (strcmp(again, s) != 0)
		abort();
}

static void
fuzz_tweet(const char *s, size_t n)
{
	json_t *j = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
	struct tweet tw;

	if (j != NULL && model_tweet_parse(j, &tw)) {
		if (tw.id < 1 || tw.user_id < 1 || tw.content == NULL)
			abort();
		model_tweet_release(&tw);
	}
	json_decref(j);
}

static void
fuzz_upstream(const char *s, size_t n)
{
	/* An upstream answer in two pieces, split where byte 1 says. */
	struct upstream_parse up;
	size_t cut = n > 0 ? (unsigned char)s[0] % (n + 1) : 0, used;
	enum upstream_parse_result r;

	upstream_parse_init(&up);
	r = upstream_parse_feed(&up, s, cut, &used);
	if (r == UPSTREAM_PARSE_MORE)
		r = upstream_parse_feed(&up, s + cut, n - cut, &used);
	if (r == UPSTREAM_PARSE_MORE)
		(void)upstream_parse_eof(&up);
	if (up.done && (up.status < 200 || up.blen > UPSTREAM_PARSE_BODY_MAX))
		abort();
	upstream_parse_release(&up);
}

static void
fuzz_feed(const char *s, size_t n)
{
	json_t *ev;
	int64_t id;
	const char *c;
	enum feed_event k = feed_client_parse(s, n, &ev, &id);

	if ((k == FEED_EVENT_BAD) != (ev == NULL))
		abort();
	if ((k == FEED_EVENT_TWEET || k == FEED_EVENT_DELETE) && id < 1)
		abort();
	/* a cursor taken must be one that may go back into a URL */
	if (ev != NULL && feed_client_event_cursor(ev, &c) == 1 &&
	    !validate_feed_cursor(c, strlen(c)))
		abort();
	json_decref(ev);
}

/* What the clients show of an answer, into a sink. */
static void
fuzz_answer(const char *s, size_t n)
{
	static FILE *sink;
	struct output o = { 1, 40, 0 };
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY, NULL), *tweets, *t;
	struct text_lines w;
	struct tweet tw;
	char code[32], msg[512], *fit;
	size_t i;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		abort();
	if (j == NULL)
		return;
	tweets = json_object_get(j, "tweets");
	json_array_foreach(tweets, i, t) {
		output_tweet(&o, sink, t, tweets, "  ", 0);
		output_tweet_line(&o, sink, t, "ann");
		output_tweet_line(&o, sink, t, NULL);
		output_notification(&o, sink, t, "* ", 1);
		if (model_tweet_parse(t, &tw)) {
			text_wrap(tw.content, 10, &w);
			text_lines_release(&w);
			fit = text_fit(tw.username, 7);
			free(fit);
			model_tweet_release(&tw);
		}
	}
	if (json_is_object(j) && tweets == NULL)
		output_user(&o, sink, j);
	text_sanitize_buf(code, sizeof(code),
	    json_string_value(json_object_get(j, "error")), 0);
	text_sanitize_buf(msg, sizeof(msg),
	    json_string_value(json_object_get(j, "message")), 0);
	output_wrap(sink, msg, 30, "> ");
	json_decref(j);
}

static void
fuzz_body(const char *s, size_t n)
{
	struct http_request req;
	struct http_response *res = http_response_new();
	json_t *j;

	memset(&req, 0, sizeof(req));
	req.body = s;
	req.body_len = n;
	j = http_json_body(&req, res);
	if ((j == NULL) == (http_response_status(res) == 0))
		abort();
	if (j != NULL && !json_is_object(j))
		abort();
	if (j == NULL && (http_response_status(res) < 400 ||
	    http_response_status(res) > 499))
		abort();
	json_decref(j);
	http_response_free(res);
}

static void
fuzz_path(const char *s)
{
	static const char *const patterns[] = {
		"/users/{userId}", "/users/{userId}/follow",
		"/tweets/userTimeline/{userId}", "/internal/deletions/{gid}",
		"/{a}/{b}/{c}/{d}", "/{a}/{b}/{c}/{d}/{e}",
	};
	static const char *const methods[] = { "GET", "POST", "DELETE" };
	struct path_match m;
	const struct route *r;
	char allow[64], id[32];
	size_t i, n = strlen(s);
	int k;

	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (!path_match(patterns[i], s, &m))
			continue;
		if (m.nparams < 0 || m.nparams > PATH_MATCH_MAX)
			abort();
		/* each parameter is one whole, non-empty segment of s */
		for (k = 0; k < m.nparams; k++) {
			if (m.param[k].len == 0 || m.param[k].at <= s ||
			    m.param[k].at + m.param[k].len > s + n ||
			    m.param[k].at[-1] != '/' ||
			    memchr(m.param[k].at, '/', m.param[k].len) != NULL)
				abort();
			if (path_match_copy(&m, k, id, sizeof(id)) !=
			    (m.param[k].len < sizeof(id)))
				abort();
		}
	}
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (routes_match(methods[i], s, &r, allow, sizeof(allow)) ==
		    ROUTE_FOUND)
			(void)routes_path_id(r, s, id, sizeof(id));
}

void
fuzz_one(int target, const uint8_t *data, size_t size)
{
	struct token_claims claims;
	char *s;

	/* A NUL-terminated copy: the parsers see exactly size bytes. */
	s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	switch (target) {
	case 0:
		fuzz_utf8(s, size);
		break;
	case 1:
		fuzz_id(s);
		break;
	case 2:
		(void)validate_username(s, size);
		(void)validate_password(s, size);
		(void)validate_idempotency_key(s);
		break;
	case 3:
		if (token_verify(secret, sizeof(secret) - 1, s, 0, &claims) ==
		    TOKEN_OK && claims.user_id < 1)
			abort();
		break;
	case 4:
		fuzz_cursor(s);
		break;
	case 5:
		fuzz_tweet(s, size);
		break;
	case 6:
		fuzz_upstream(s, size);
		break;
	case 7:
		fuzz_feed(s, size);
		break;
	case 8:
		fuzz_answer(s, size);
		break;
	case 9:
		fuzz_body(s, size);
		break;
	case 10:
		fuzz_path(s);
		break;
	}
	free(s);
}

#ifdef FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef FUZZ_TARGET
	fuzz_one(FUZZ_TARGET, data, size);
#else
	if (size > 0)
		fuzz_one(data[0] % FUZZ_TARGETS, data + 1, size - 1);
#endif
	return 0;
}
#endif
