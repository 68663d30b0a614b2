/*
 * credentials.h: the stored login shared by chirp and chirp-tui, in
 * $XDG_CONFIG_HOME/chirp/token (else ~/.config/chirp/token): one JSON
 * object {"server","userId","username","accessToken","expiresAt"}, mode
 * 0600 in a 0700 folder, written atomically (temporary file and rename).
 */
#ifndef CHIRP_CREDENTIALS_H
#define CHIRP_CREDENTIALS_H

#include <stdint.h>

struct credentials {
	char *server;		/* owned */
	char *token;		/* owned */
	int64_t user_id;
	char username[33];
	char *expires_at;	/* owned, RFC 3339 */
};

/* The folder; caller frees. NULL when neither variable is set. */
char *credentials_dir(void);
/* 0 loaded, -1 none or unreadable. */
int credentials_load(struct credentials *);
/* 0 or -1 (errno set). */
int credentials_save(const struct credentials *);
/* 0 removed or absent, -1 error. */
int credentials_remove(void);
void credentials_release(struct credentials *);

/*
 * Fill c from a token alone (CHIRP_TOKEN): the user id and name from its
 * claims ("sub", "name", "exp"), read but not verified (the server does
 * that). server is copied. 0, or -1 when the token is not one of ours.
 */
int credentials_from_token(const char *server, const char *token,
    struct credentials *c);

#endif
