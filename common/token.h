/*
 * token.h: access tokens, JWT HS256 (HMAC-SHA256) carrying the user id
 * ("sub", a decimal string), the username ("name"), issue and expiry times
 * ("iat", "exp", seconds) and the user's token generation ("gen": a token
 * whose gen is below the user's current one is revoked, see revoke.h; a
 * token without "gen" reads as generation 0). Verified in constant time.
 */
#ifndef CHIRP_TOKEN_H
#define CHIRP_TOKEN_H

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
 * The secret for this installation: value when set (at least
 * TOKEN_SECRET_MIN bytes), else the contents of path, created with 48
 * random bytes (hex) mode 0600 when missing. Caller frees; NULL and a
 * logged reason on failure.
 */
char *token_secret_load(const char *value, const char *path, size_t *len);

#endif
