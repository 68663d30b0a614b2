/*
 * cursor.c: the opaque nextCursor of follow lists. Layout before base64url
 * (no padding): a version byte, the time in microseconds and the id (each
 * 8 bytes, big endian), then 16 bytes of HMAC-SHA256 of the rest under a
 * key of this process's (cursor_init), so that a cursor edited by hand,
 * cut short or made up is refused rather than read as another position.
 * What decodes is also in range: a time from 1970 to the year 9999 and an
 * id of at least 1, so no cursor can carry a value the database refuses.
 */
#include <sodium.h>
#include <string.h>

#include "cursor.h"
#include "rand.h"

#define CURSOR_VERSION 2
#define CURSOR_BODY 17		/* version, time, id */
#define CURSOR_CHECK 16
#define CURSOR_BYTES (CURSOR_BODY + CURSOR_CHECK)

static unsigned char cursor_key[crypto_auth_hmacsha256_KEYBYTES];
static bool cursor_keyed;

void
cursor_init(const unsigned char *secret, size_t len)
{
	static const char label[] = "chirp cursor";
	crypto_auth_hmacsha256_state st;

	rand_init();
	/* A key of its own, so a cursor's tag says nothing of the secret. */
	crypto_auth_hmacsha256_init(&st, secret, len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)label,
	    sizeof(label) - 1);
	crypto_auth_hmacsha256_final(&st, cursor_key);
	sodium_memzero(&st, sizeof(st));
	cursor_keyed = true;
}

/* Without cursor_init: a random key, good for this process only. */
static void
cursor_key_ready(void)
{
	rand_init();
	if (!cursor_keyed) {
		randombytes_buf(cursor_key, sizeof(cursor_key));
		cursor_keyed = true;
	}
}

static void
put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(u & 0xFF);
		u >>= 8;
	}
}

static int64_t
get64(const unsigned char *p)
{
	uint64_t u = 0;
	int i;

	for (i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return (int64_t)u;
}

static void
checksum(const unsigned char *body, unsigned char out[CURSOR_CHECK])
{
	unsigned char d[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256(d, body, CURSOR_BODY, cursor_key);
	memcpy(out, d, CURSOR_CHECK);
}

void
cursor_encode(int64_t time_us, int64_t id, char out[CURSOR_MAX])
{
	unsigned char b[CURSOR_BYTES];

	cursor_key_ready();
	b[0] = CURSOR_VERSION;
	put64(b + 1, time_us);
	put64(b + 9, id);
	checksum(b, b + CURSOR_BODY);
	sodium_bin2base64(out, CURSOR_MAX, b, sizeof(b),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
cursor_decode(const char *s, int64_t *time_us, int64_t *id)
{
	unsigned char b[CURSOR_BYTES], check[CURSOR_CHECK];
	size_t len, n;
	int64_t t, i;

	if (s == NULL || (len = strnlen(s, CURSOR_MAX)) == 0 ||
	    len >= CURSOR_MAX)
		return false;
	cursor_key_ready();
	if (sodium_base642bin(b, sizeof(b), s, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof(b) || b[0] != CURSOR_VERSION)
		return false;
	checksum(b, check);
	if (sodium_memcmp(check, b + CURSOR_BODY, CURSOR_CHECK) != 0)
		return false;
	t = get64(b + 1);
	i = get64(b + 9);
	if (t < 0 || t > CURSOR_TIME_MAX || i < 1)
		return false;
	*time_us = t;
	*id = i;
	return true;
}
