/*
 * svcauth.h: trust between chirp's processes, from one service secret
 * (settings service_secret / service_secret_file, secret.h).
 *
 * Service credentials: a JWT HS256 (token.h) under the key
 * HMAC(service_secret, "chirp service token") with the claims "iss" (the
 * calling process: "userd", "tweetd", "gateway", "notifyd",
 * "discoveryd"), "aud" (the process called: "userd", "tweetd",
 * "discovery"), "iat", "exp" (iat + SVCAUTH_TTL_S) and "typ":"service".
 * Sent in the header SVCAUTH_HEADER. A user's access token is never one.
 *
 * Bus events: a payload is sealed as "v1.<time>.<mac>.<payload>", mac the
 * base64url HMAC-SHA256 of "v1.<time>.<payload>" under the key
 * HMAC(service_secret, "chirp event:" channel); a subscriber acts only on
 * what opens, and only within SVCAUTH_SEAL_WINDOW_S of its time.
 */
#ifndef CHIRP_SVCAUTH_H
#define CHIRP_SVCAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SVCAUTH_HEADER "X-Chirp-Service"
#define SVCAUTH_TTL_S 120
#define SVCAUTH_SEAL_WINDOW_S 300
#define SVCAUTH_NAME_MAX 16	/* "discoveryd" and a NUL fit */

/* The two settings every process has: rows of its config table. */
#define SVCAUTH_CONFIG_ENTRIES \
	CONFIG_SECRET_ROW("service_secret", \
	    "secret shared by chirp's processes for service credentials " \
	    "and bus events, at least 32 bytes (else service_secret_file)"), \
	CONFIG_STR_ROW("service_secret_file", ".chirp/service_secret", \
	    "file holding the service secret (mode 0600, created when " \
	    "missing)")

struct svcauth;

/*
 * This process (self: its "iss" name) with the secret of value, else of
 * the file at path (secret_load's checks). NULL, logged, on failure: a
 * fatal error at start.
 */
struct svcauth *svcauth_load(const char *self, const char *value,
    const char *path);
/* The same from the secret's bytes (copied); NULL when too short. */
struct svcauth *svcauth_new(const char *self, const unsigned char *secret,
    size_t len);
void svcauth_free(struct svcauth *);

/* A credential of this process for aud, issued at now (seconds); the
 * caller frees. */
char *svcauth_mint(const struct svcauth *, const char *aud, int64_t now);
/* The whole header line "X-Chirp-Service: <credential>" for aud, issued
 * now; the caller frees. */
char *svcauth_header(const struct svcauth *, const char *aud);

enum svcauth_result { SVCAUTH_OK, SVCAUTH_BAD, SVCAUTH_EXPIRED };

/*
 * Check a credential meant for aud at now (seconds): signature, "typ",
 * "aud", times. On SVCAUTH_OK the caller's name is copied to iss.
 */
enum svcauth_result svcauth_verify(const struct svcauth *,
    const char *token, const char *aud, int64_t now,
    char iss[SVCAUTH_NAME_MAX]);
/* Is iss one of the space-separated names of callers ("tweetd gateway")? */
bool svcauth_allowed(const char *callers, const char *iss);

/* payload sealed for channel at now (seconds); the caller frees. */
char *svcauth_seal(const struct svcauth *, const char *channel,
    const char *payload, int64_t now);
/* The payload inside sealed (a pointer into it), or NULL when the seal is
 * missing, wrong or outside the window around now. */
const char *svcauth_open(const struct svcauth *, const char *channel,
    const char *sealed, int64_t now);

#endif
