/*
 * token.c: access tokens as JWT HS256. The signature is checked, in
 * constant time, before any part of the token is parsed.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rand.h"
#include "secret.h"
#include "token.h"
#include "validate.h"
#include "xmalloc.h"

#define TOKEN_MAX 4096		/* longer is not one of ours */

char *
token_b64_encode(const void *buf, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = xmalloc(cap);

	sodium_bin2base64(s, cap, buf, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

int
token_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap,
    size_t *outlen)
{
	if (sodium_base642bin(out, cap, s, len, NULL, outlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return 0;
}

void
token_hmac(const unsigned char *secret, size_t secret_len, const char *msg,
    size_t len, unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
}

/* Decode one base64url part as a JSON object; NULL when it is not one. */
static json_t *
part_json(const char *s, size_t len)
{
	unsigned char buf[TOKEN_MAX];
	size_t n;

	if (token_b64_decode(s, len, buf, sizeof(buf), &n) != 0)
		return NULL;
	return json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
}

bool
token_claim_int(const json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return false;
	*out = (int64_t)json_integer_value(v);
	return true;
}

char *
token_jwt_sign(const unsigned char *key, size_t key_len, json_t *claims)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char *h = NULL, *p = NULL, *s = NULL, *body = NULL;
	char *payload = NULL, *token = NULL;

	if (key == NULL || key_len < TOKEN_SECRET_MIN || claims == NULL)
		goto out;
	rand_init();
	payload = json_dumps(claims, JSON_COMPACT);
	if (payload == NULL)
		goto out;
	h = token_b64_encode(header, sizeof(header) - 1);
	p = token_b64_encode(payload, strlen(payload));
	body = xasprintf("%s.%s", h, p);
	token_hmac(key, key_len, body, strlen(body), mac);
	s = token_b64_encode(mac, sizeof(mac));
	token = xasprintf("%s.%s", body, s);
out:
	free(s);
	free(body);
	free(p);
	free(h);
	free(payload);
	json_decref(claims);
	return token;
}

char *
token_sign(const unsigned char *secret, size_t secret_len,
    const struct token_claims *c)
{
	char sub[24];

	if (secret == NULL || secret_len < TOKEN_SECRET_MIN)
		return NULL;
	snprintf(sub, sizeof(sub), "%lld", (long long)c->user_id);
	return token_jwt_sign(secret, secret_len, json_pack(
	    "{s:s, s:s, s:I, s:I, s:I}", "sub", sub, "name", c->username,
	    "iat", (json_int_t)c->issued_at,
	    "exp", (json_int_t)c->expires_at, "gen", (json_int_t)c->gen));
}

json_t *
token_jwt_open(const unsigned char *key, size_t key_len, const char *token)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	unsigned char sig[crypto_auth_hmacsha256_BYTES + 8];
	const char *dot1, *dot2;
	json_t *header = NULL, *claims = NULL, *v;
	size_t len, siglen;

	if (key == NULL || key_len < TOKEN_SECRET_MIN || token == NULL)
		return NULL;
	len = strnlen(token, TOKEN_MAX + 1);
	if (len > TOKEN_MAX)
		return NULL;
	if ((dot1 = memchr(token, '.', len)) == NULL)
		return NULL;
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	if (dot2 == NULL || memchr(dot2 + 1, '.', len -
	    (size_t)(dot2 + 1 - token)) != NULL)
		return NULL;
	if (dot1 == token || dot2 == dot1 + 1 || dot2 + 1 == token + len)
		return NULL;

	rand_init();
	if (token_b64_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), sig,
	    sizeof(sig), &siglen) != 0 || siglen != sizeof(mac))
		return NULL;
	token_hmac(key, key_len, token, (size_t)(dot2 - token), mac);
	if (sodium_memcmp(mac, sig, sizeof(mac)) != 0)
		return NULL;

	/* Signed by us; still check the shape, never trust "alg". */
	header = part_json(token, (size_t)(dot1 - token));
	v = json_object_get(header, "alg");
	if (!json_is_string(v) || strcmp(json_string_value(v), "HS256") != 0)
		goto out;
	v = json_object_get(header, "typ");
	if (v != NULL && (!json_is_string(v) ||
	    strcmp(json_string_value(v), "JWT") != 0))
		goto out;
	claims = part_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (!json_is_object(claims)) {
		json_decref(claims);
		claims = NULL;
	}
out:
	json_decref(header);
	return claims;
}

enum token_result
token_verify(const unsigned char *secret, size_t secret_len,
    const char *token, int64_t now, struct token_claims *out)
{
	const char *name;
	json_t *claims, *v;
	struct token_claims c;
	enum token_result r = TOKEN_BAD;

	memset(&c, 0, sizeof(c));
	if ((claims = token_jwt_open(secret, secret_len, token)) == NULL)
		goto out;
	/* A service credential (svcauth.h) is never a user's token. */
	if (json_object_get(claims, "typ") != NULL)
		goto out;
	v = json_object_get(claims, "sub");
	if (!json_is_string(v) || !validate_id(json_string_value(v),
	    &c.user_id))
		goto out;
	v = json_object_get(claims, "name");
	if (!json_is_string(v))
		goto out;
	name = json_string_value(v);
	if (!validate_username(name, json_string_length(v)))
		goto out;
	memcpy(c.username, name, json_string_length(v) + 1);
	if (!token_claim_int(claims, "iat", &c.issued_at) ||
	    !token_claim_int(claims, "exp", &c.expires_at))
		goto out;
	/* Tokens made before generations existed are generation 0. */
	if (json_object_get(claims, "gen") != NULL &&
	    (!token_claim_int(claims, "gen", &c.gen) || c.gen < 0))
		goto out;
	if (now >= c.expires_at) {
		r = TOKEN_EXPIRED;
		goto out;
	}
	r = TOKEN_OK;
out:
	if (out != NULL) {
		if (r == TOKEN_BAD)
			memset(out, 0, sizeof(*out));
		else
			*out = c;
	}
	json_decref(claims);
	return r;
}

char *
token_secret_load(const char *value, const char *path, size_t *len)
{
	return secret_load("token secret", value, path, len);
}
