/*
 * cursor.c: the opaque nextCursor of follow lists. Layout before base64url
 * (no padding): a version byte, the time in microseconds and the id (each
 * 8 bytes, big endian), then 4 bytes of a BLAKE2b digest of the rest, so
 * that a cursor edited by hand or cut short is refused rather than read as
 * another position.
 */
#include <sodium.h>
#include <string.h>

#include "cursor.h"
#include "rand.h"

#define CURSOR_VERSION 1
#define CURSOR_BODY 17		/* version, time, id */
#define CURSOR_CHECK 4
#define CURSOR_BYTES (CURSOR_BODY + CURSOR_CHECK)

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
	unsigned char d[crypto_generichash_BYTES_MIN];

	crypto_generichash(d, sizeof(d), body, CURSOR_BODY, NULL, 0);
	memcpy(out, d, CURSOR_CHECK);
}

void
cursor_encode(int64_t time_us, int64_t id, char out[CURSOR_MAX])
{
	unsigned char b[CURSOR_BYTES];

	rand_init();
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

	if (s == NULL || (len = strnlen(s, CURSOR_MAX)) == 0 ||
	    len >= CURSOR_MAX)
		return false;
	rand_init();
	if (sodium_base642bin(b, sizeof(b), s, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof(b) || b[0] != CURSOR_VERSION)
		return false;
	checksum(b, check);
	if (memcmp(check, b + CURSOR_BODY, CURSOR_CHECK) != 0)
		return false;
	*time_us = get64(b + 1);
	*id = get64(b + 9);
	return true;
}
