/*
 * svcauth.c: service credentials and sealed bus events (svcauth.h), on
 * token.c's JWT and HMAC code.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "secret.h"
#include "svcauth.h"
#include "token.h"
#include "xmalloc.h"

#define MAC_LEN crypto_auth_hmacsha256_BYTES
#define MAC_B64_LEN 43		/* 32 bytes in base64url, unpadded */
#define SEAL_VERSION "v1"

struct svcauth {
	char self[SVCAUTH_NAME_MAX];
	unsigned char *secret;	/* for the per-channel event keys */
	size_t secret_len;
	unsigned char token_key[MAC_LEN];
};

/* key = HMAC(secret, label a then b). */
static void
svcauth_derive(const struct svcauth *a, const char *label, const char *more,
    unsigned char key[MAC_LEN])
{
	char *msg = xasprintf("%s%s", label, more != NULL ? more : "");

	token_hmac(a->secret, a->secret_len, msg, strlen(msg), key);
	free(msg);
}

struct svcauth *
svcauth_new(const char *self, const unsigned char *secret, size_t len)
{
	struct svcauth *a;

	if (secret == NULL || len < SECRET_MIN || self == NULL ||
	    strlen(self) >= SVCAUTH_NAME_MAX)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	snprintf(a->self, sizeof(a->self), "%s", self);
	a->secret = xmalloc(len);
	memcpy(a->secret, secret, len);
	a->secret_len = len;
	svcauth_derive(a, "chirp service token", NULL, a->token_key);
	return a;
}

struct svcauth *
svcauth_load(const char *self, const char *value, const char *path)
{
	struct svcauth *a;
	size_t len = 0;
	char *s;

	if ((s = secret_load("service secret", value, path, &len)) == NULL)
		return NULL;
	a = svcauth_new(self, (const unsigned char *)s, len);
	sodium_memzero(s, len);
	free(s);
	return a;
}

void
svcauth_free(struct svcauth *a)
{
	if (a == NULL)
		return;
	sodium_memzero(a->secret, a->secret_len);
	free(a->secret);
	sodium_memzero(a, sizeof(*a));
	free(a);
}

char *
svcauth_mint(const struct svcauth *a, const char *aud, int64_t now)
{
	return token_jwt_sign(a->token_key, sizeof(a->token_key),
	    json_pack("{s:s, s:s, s:I, s:I, s:s}", "iss", a->self,
	    "aud", aud, "iat", (json_int_t)now,
	    "exp", (json_int_t)(now + SVCAUTH_TTL_S), "typ", "service"));
}

char *
svcauth_header(const struct svcauth *a, const char *aud)
{
	char *tok = svcauth_mint(a, aud, (int64_t)time(NULL)), *h;

	if (tok == NULL)
		fatalx("cannot make a service credential");
	h = xasprintf("%s: %s", SVCAUTH_HEADER, tok);
	free(tok);
	return h;
}

/* A string claim equal to want. */
static bool
claim_is(const json_t *claims, const char *key, const char *want)
{
	const char *v = json_string_value(json_object_get(claims, key));

	return v != NULL && strcmp(v, want) == 0;
}

enum svcauth_result
svcauth_verify(const struct svcauth *a, const char *token, const char *aud,
    int64_t now, char iss[SVCAUTH_NAME_MAX])
{
	enum svcauth_result r = SVCAUTH_BAD;
	json_t *claims, *v;
	int64_t iat, exp;

	iss[0] = '\0';
	claims = token_jwt_open(a->token_key, sizeof(a->token_key), token);
	if (claims == NULL || !claim_is(claims, "typ", "service") ||
	    !claim_is(claims, "aud", aud))
		goto out;
	v = json_object_get(claims, "iss");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= SVCAUTH_NAME_MAX ||
	    strchr(json_string_value(v), ' ') != NULL)
		goto out;
	if (!token_claim_int(claims, "iat", &iat) ||
	    !token_claim_int(claims, "exp", &exp) ||
	    exp - iat > SVCAUTH_TTL_S)
		goto out;
	/* A little clock skew between hosts is not an attack. */
	if (now >= exp || iat > now + 30) {
		r = SVCAUTH_EXPIRED;
		goto out;
	}
	memcpy(iss, json_string_value(v), json_string_length(v) + 1);
	r = SVCAUTH_OK;
out:
	json_decref(claims);
	return r;
}

bool
svcauth_allowed(const char *callers, const char *iss)
{
	size_t n = strlen(iss), w;
	const char *p;

	if (callers == NULL || n == 0)
		return false;
	for (p = callers; *p != '\0'; p += w) {
		p += strspn(p, " ");
		w = strcspn(p, " ");
		if (w == n && strncmp(p, iss, n) == 0)
			return true;
	}
	return false;
}

/* The base64url MAC of "v1.<time>.<payload>" for channel. */
static char *
svcauth_seal_mac(const struct svcauth *a, const char *channel,
    const char *head, size_t head_len, const char *payload)
{
	unsigned char key[MAC_LEN], mac[MAC_LEN];
	crypto_auth_hmacsha256_state st;
	char *s;

	svcauth_derive(a, "chirp event:", channel, key);
	crypto_auth_hmacsha256_init(&st, key, sizeof(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)head,
	    head_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload,
	    strlen(payload));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(key, sizeof(key));
	s = token_b64_encode(mac, sizeof(mac));
	return s;
}

char *
svcauth_seal(const struct svcauth *a, const char *channel,
    const char *payload, int64_t now)
{
	char head[40], *mac, *sealed;
	int n;

	n = snprintf(head, sizeof(head), SEAL_VERSION ".%" PRId64 ".", now);
	mac = svcauth_seal_mac(a, channel, head, (size_t)n, payload);
	sealed = xasprintf("%s%s.%s", head, mac, payload);
	free(mac);
	return sealed;
}

const char *
svcauth_open(const struct svcauth *a, const char *channel,
    const char *sealed, int64_t now)
{
	const char *p, *payload;
	char *mac;
	int64_t t = 0;
	size_t digits;
	bool ok;

	if (sealed == NULL || strncmp(sealed, SEAL_VERSION ".", 3) != 0)
		return NULL;
	p = sealed + 3;
	digits = strspn(p, "0123456789");
	if (digits == 0 || digits > 18 || p[digits] != '.')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++)
		t = t * 10 + (*p - '0');
	p++;
	if (strlen(p) < MAC_B64_LEN + 1 || p[MAC_B64_LEN] != '.')
		return NULL;
	payload = p + MAC_B64_LEN + 1;
	mac = svcauth_seal_mac(a, channel, sealed, (size_t)(p - sealed),
	    payload);
	ok = strlen(mac) == MAC_B64_LEN &&
	    sodium_memcmp(mac, p, MAC_B64_LEN) == 0;
	free(mac);
	if (!ok || t < now - SVCAUTH_SEAL_WINDOW_S ||
	    t > now + SVCAUTH_SEAL_WINDOW_S)
		return NULL;
	return payload;
}
