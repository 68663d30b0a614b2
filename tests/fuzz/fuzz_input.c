/*
 * fuzz_input.c: libFuzzer over every parser that takes a stranger's bytes:
 * the UTF-8 and content rules, ids and limits, usernames, idempotency keys,
 * bearer tokens, follow-list cursors, the tweet JSON model and the
 * gateway's reading of upstream answers. The first
 * byte picks the parser; nothing may crash, leak or read out of bounds,
 * and a few properties are checked on the way.
 *
 *   make fuzz FUZZ_SECONDS=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cursor.h"
#include "model.h"
#include "token.h"
#include "validate.h"
#include "../../gateway/upstream_parse.h"

static const unsigned char secret[] = "fuzzing-secret-fuzzing-secret-0123";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t n;
	int64_t id, t;
	int lim;
	struct token_claims claims;
	struct tweet tw;
	json_t *j;
	long count;

	if (size == 0)
		return 0;
	n = size - 1;
	s = malloc(n + 1);
	memcpy(s, data + 1, n);
	s[n] = '\0';
	switch (data[0] % 7) {
	case 0:
		count = validate_utf8_count(s, n);
		/* Well formed exactly when it counts. */
		if (validate_utf8(s, n) != (count >= 0))
			abort();
		if (validate_content(s, n) == CONTENT_OK &&
		    (count < 1 || count > TWEET_MAX_CHARS))
			abort();
		(void)validate_utf8_width(s, n);
		break;
	case 1:
		if (validate_id(s, &id) && id < 1)
			abort();
		if (validate_limit(s, 20, 1, 100, &lim) &&
		    (lim < 1 || lim > 100))
			abort();
		break;
	case 2:
		(void)validate_username(s, n);
		(void)validate_password(s, n);
		(void)validate_idempotency_key(s);
		break;
	case 3:
		if (token_verify(secret, sizeof(secret) - 1, s, 0, &claims) ==
		    TOKEN_OK && claims.user_id < 1)
			abort();
		break;
	case 4:
		if (cursor_decode(s, &t, &id)) {
			char again[CURSOR_MAX];

			/* What decodes encodes back to the same text. */
			cursor_encode(t, id, again);
			if (strcmp(again, s) != 0)
				abort();
		}
		break;
	case 5:
		j = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
		if (j != NULL && model_tweet_parse(j, &tw))
			model_tweet_release(&tw);
		json_decref(j);
		break;
	case 6: {
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
		if (up.done && (up.status < 200 || up.blen >
		    UPSTREAM_PARSE_BODY_MAX))
			abort();
		upstream_parse_release(&up);
		break;
	}
	}
	free(s);
	return 0;
}
