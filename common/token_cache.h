/*
 * token_cache.h: token_verify with a memory of the tokens it found good.
 * Checking a token's HMAC and parsing its two JSON parts cost about 70,000
 * instructions, on every request that carries one, at the gateway and
 * again at the service; a client sends the same token for an hour. A
 * token found good is kept (bounded, oldest out first) with its claims,
 * and a later call with the very same bytes gets those claims back after
 * a constant-time comparison of the whole token. Expiry is checked
 * against now on every call; revocation stays the caller's (revoke.h),
 * as with token_verify. Refused tokens are never kept. Thread-safe.
 */
#ifndef CHIRP_TOKEN_CACHE_H
#define CHIRP_TOKEN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "token.h"

/* Tokens kept by default: a few MB at most (tokens are under 4 KiB, ours
 * about 250 bytes). */
#define TOKEN_CACHE_MAX 4096

/* A cache of at most max tokens; max 0 keeps none (token_verify alone). */
struct token_cache *token_cache_new(size_t max);
void token_cache_free(struct token_cache *);

/*
 * token_verify(secret, secret_len, token, now, out), remembered. c may be
 * NULL. Kept tokens are forgotten when the secret changes.
 */
enum token_result token_cache_verify(struct token_cache *c,
    const unsigned char *secret, size_t secret_len, const char *token,
    int64_t now, struct token_claims *out);

#endif
