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

void
rand_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[64];
	size_t i, done = 0;

	while (done < n) {
		size_t chunk = n - done > sizeof(b) ? sizeof(b) : n - done;

		rand_bytes(b, chunk);
		for (i = 0; i < chunk; i++) {
			out[2 * (done + i)] = hex[b[i] >> 4];
			out[2 * (done + i) + 1] = hex[b[i] & 15];
		}
		done += chunk;
	}
	out[2 * n] = '\0';
}
