/*
 * token.h: access tokens, JWT HS256 (HMAC-SHA256) carrying the user id
 * ("sub", a decimal string), the username ("name"), issue and expiry times
 * ("iat", "exp", seconds) and the user's token generation ("gen": a token
 * whose gen is below the user's current one is revoked, see revoke.h; a
 * token without "gen" reads as generation 0). Verified in constant time.
 */
#ifndef CHIRP_TOKEN_H
#define CHIRP_TOKEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOKEN_SECRET_MIN 32

struct token_claims {
	int64_t user_id;
	char username[33];
	int64_t issued_at;	/* seconds since the epoch */
	int64_t expires_at;
	int64_t gen;		/* token generation, >= 0 */
};

enum token_result { TOKEN_OK, TOKEN_BAD, TOKEN_EXPIRED };

/* A new token the caller frees; secret of at least TOKEN_SECRET_MIN bytes. */
char *token_sign(const unsigned char *secret, size_t secret_len,
    const struct token_claims *);
/* Check signature, shape and expiry against now (seconds). */
enum token_result token_verify(const unsigned char *secret,
    size_t secret_len, const char *token, int64_t now,
    struct token_claims *out);

/*
 * The JWT HS256 layer, shared with service credentials (svcauth.h).
 * token_jwt_sign signs claims (stolen) with key (at least
 * TOKEN_SECRET_MIN bytes): a new string, NULL on failure.
 * token_jwt_open checks the signature in constant time, then the header
 * (alg HS256): the claims object (caller decrefs) or NULL.
 */
char *token_jwt_sign(const unsigned char *key, size_t key_len,
    json_t *claims);
json_t *token_jwt_open(const unsigned char *key, size_t key_len,
    const char *token);
/* An integer claim; false when absent or another type. */
bool token_claim_int(const json_t *claims, const char *key, int64_t *out);
/* HMAC-SHA256 of msg[0..len) under key. */
void token_hmac(const unsigned char *key, size_t key_len, const char *msg,
    size_t len, unsigned char mac[32]);
/* base64url without padding of n bytes: a new string. */
char *token_b64_encode(const void *buf, size_t n);
/* Strict base64url decode of s[0..len) into out (cap bytes); 0 or -1. */
int token_b64_decode(const char *s, size_t len, unsigned char *out,
    size_t cap, size_t *outlen);

/*
 * The token secret: secret_load() of secret.h, with its file checks.
 * Caller frees; NULL and a logged reason on failure.
 */
char *token_secret_load(const char *value, const char *path, size_t *len);

#endif
