/* password.h: argon2id password hashes (libsodium crypto_pwhash). */
#ifndef CHIRP_PASSWORD_H
#define CHIRP_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128

/*
 * Cost: ops (passes) and memory in KiB; 0 keeps the default (2 passes,
 * 19 MiB, OWASP's argon2id figure). Tests lower it.
 */
void password_set_cost(unsigned long ops, unsigned long mem_kib);
/* Hash into out (a NUL-terminated encoded string); -1 on failure. */
int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);
/* Constant-time check of pw against an encoded hash. */
bool password_verify(const char *hash, const char *pw, size_t len);
/* Spend the time of one verify (for an unknown user): same answer time. */
void password_dummy_verify(const char *pw, size_t len);

#endif
