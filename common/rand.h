/* rand.h: random bytes and ids from the kernel (libsodium). */
#ifndef CHIRP_RAND_H
#define CHIRP_RAND_H

#include <stddef.h>

/* Initialise the generator; fatal when impossible. Safe to call twice. */
void rand_init(void);
void rand_bytes(void *, size_t);
/* n random bytes as 2n lower-case hex digits into out (2n+1 bytes). */
void rand_hex(char *out, size_t n);

#endif
