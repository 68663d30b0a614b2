/* rand.h: random bytes and ids from the kernel (libsodium). */
#ifndef CHIRP_RAND_H
#define CHIRP_RAND_H

#include <stddef.h>

/* Initialise the generator; fatal when impossible. Safe to call twice. */
void rand_init(void);
void rand_bytes(void *, size_t);
/* n random bytes as 2n lower-case hex digits into out (2n+1 bytes). */
void rand_hex(char *out, size_t n);

/*
 * n random bytes as hex, as rand_hex, for ids that are not secrets (the
 * X-Request-Id of each request): drawn from a per-thread reserve of
 * kernel randomness refilled 512 bytes at a time, instead of one
 * getrandom() system call per id.
 */
void rand_id_hex(char *out, size_t n);

#endif
