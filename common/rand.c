/* rand.c: random bytes from the kernel, through libsodium. */
#include <sodium.h>

#include "log.h"
#include "rand.h"

void
rand_init(void)
{
	if (sodium_init() < 0)
		fatalx("cannot initialise libsodium");
}

void
rand_bytes(void *buf, size_t n)
{
	rand_init();
	randombytes_buf(buf, n);
}

/* n bytes at b as 2n hex digits at out. */
static void
rand_hex_of(char *out, const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
}

void
rand_hex(char *out, size_t n)
{
	unsigned char b[64];
	size_t done = 0;

	while (done < n) {
		size_t chunk = n - done > sizeof(b) ? sizeof(b) : n - done;

		rand_bytes(b, chunk);
		rand_hex_of(out + 2 * done, b, chunk);
		done += chunk;
	}
	out[2 * n] = '\0';
}

void
rand_id_hex(char *out, size_t n)
{
	static _Thread_local unsigned char reserve[512];
	static _Thread_local size_t left;
	size_t done = 0, chunk;

	while (done < n) {
		if (left == 0) {
			rand_bytes(reserve, sizeof(reserve));
			left = sizeof(reserve);
		}
		chunk = n - done < left ? n - done : left;
		rand_hex_of(out + 2 * done, reserve + sizeof(reserve) - left,
		    chunk);
		left -= chunk;
		done += chunk;
	}
	out[2 * n] = '\0';
}
