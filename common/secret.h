/*
 * secret.h: the installation's secrets (the token secret, the service
 * secret), each a setting's value or a file. A secret file is trusted only
 * when nobody else could have written or read it: a regular file, not a
 * symbolic link, owned by the effective user, with no group or other
 * permission bits, named by an absolute path or one under the state
 * folder (SECRET_STATE_DIR, relative to the working folder).
 */
#ifndef CHIRP_SECRET_H
#define CHIRP_SECRET_H

#include <stddef.h>

#define SECRET_MIN 32		/* bytes */
#define SECRET_STATE_DIR ".chirp"

/*
 * The secret named what ("token secret"): value when set (at least
 * SECRET_MIN bytes), else the contents of path less trailing white space,
 * created with 48 random bytes (hex) mode 0600 when missing, the folder
 * synced so that the name survives a crash. Caller frees (and should
 * sodium_memzero first); NULL and one logged line naming the file on
 * failure, which a process treats as fatal at start.
 */
char *secret_load(const char *what, const char *value, const char *path,
    size_t *len);

/* fsync the folder holding path, so that a rename or link into it lasts;
 * 0 or -1 with errno set. */
int secret_sync_dir(const char *path);

#endif
