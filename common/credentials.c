/*
 * credentials.c: the stored login shared by chirp and chirp-tui. One JSON
 * object in $XDG_CONFIG_HOME/chirp/token (else ~/.config/chirp/token),
 * mode 0600 in a 0700 folder, replaced atomically: a temporary file in the
 * same folder, fsync, rename.
 */
#include "credentials.h"
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "timeutil.h"
#include "xmalloc.h"

#define CREDENTIALS_FILE "token"
#define CREDENTIALS_MAX (64 * 1024)

char *
credentials_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec: a relative XDG_CONFIG_HOME is invalid, ignore it. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/chirp", xdg);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.config/chirp", home);
	return NULL;
}

/* The token file's path; caller frees. NULL when there is no folder. */
static char *
credentials_path(void)
{
	char *dir = credentials_dir();
	char *path;

	if (dir == NULL)
		return NULL;
	path = xasprintf("%s/%s", dir, CREDENTIALS_FILE);
	free(dir);
	return path;
}

/* mkdir -p with mode for each folder made; 0 or -1 (errno). */
static int
credentials_mkdirs(const char *dir, mode_t mode)
{
	char *p = xstrdup(dir);
	char *s;
	int ret = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) == -1 && errno != EEXIST) {
			ret = -1;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return ret;
}

int
credentials_load(struct credentials *c)
{
	char *path = credentials_path();
	json_t *root = NULL;
	json_error_t jerr;
	const char *server, *token, *uid, *name, *exp;
	char *end;
	long long id;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	if (path == NULL)
		goto out;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root))
		goto out;
	server = json_string_value(json_object_get(root, "server"));
	token = json_string_value(json_object_get(root, "accessToken"));
	uid = json_string_value(json_object_get(root, "userId"));
	name = json_string_value(json_object_get(root, "username"));
	exp = json_string_value(json_object_get(root, "expiresAt"));
	if (server == NULL || token == NULL || uid == NULL || name == NULL ||
	    token[0] == '\0' || strlen(name) >= sizeof(c->username))
		goto out;
	errno = 0;
	id = strtoll(uid, &end, 10);
	if (errno != 0 || end == uid || *end != '\0' || id <= 0)
		goto out;
	c->server = xstrdup(server);
	c->token = xstrdup(token);
	c->user_id = id;
	snprintf(c->username, sizeof(c->username), "%s", name);
	c->expires_at = exp != NULL ? xstrdup(exp) : NULL;
	ret = 0;
out:
	json_decref(root);
	free(path);
	return ret;
}

int
credentials_save(const struct credentials *c)
{
	char *dir = NULL, *path = NULL, *tmp = NULL, *text = NULL;
	char uid[32];
	json_t *root = NULL;
	size_t len, off;
	ssize_t n;
	int fd = -1, ret = -1, saved;

	dir = credentials_dir();
	if (dir == NULL) {
		errno = ENOENT;
		goto out;
	}
	if (credentials_mkdirs(dir, 0700) == -1)
		goto out;
	path = xasprintf("%s/%s", dir, CREDENTIALS_FILE);
	tmp = xasprintf("%s/.%s.XXXXXX", dir, CREDENTIALS_FILE);

	snprintf(uid, sizeof(uid), "%" PRId64, c->user_id);
	root = json_pack("{s:s, s:s, s:s, s:s, s:s?}",
	    "server", c->server != NULL ? c->server : "",
	    "userId", uid,
	    "username", c->username,
	    "accessToken", c->token != NULL ? c->token : "",
	    "expiresAt", c->expires_at);
	if (root == NULL) {
		errno = EINVAL;
		goto out;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		errno = ENOMEM;
		goto out;
	}
	len = strlen(text);

	/* mkstemp makes the file 0600 before a byte of the token is in it. */
	fd = mkstemp(tmp);
	if (fd == -1)
		goto out;
	if (fchmod(fd, 0600) == -1)
		goto out_unlink;
	for (off = 0; off < len; off += (size_t)n) {
		n = write(fd, text + off, len - off);
		if (n == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			goto out_unlink;
		}
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) == -1)
		goto out_unlink;
	if (close(fd) == -1) {
		fd = -1;
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto out_unlink;
	/* The new name lasts a crash only once the folder is synced. */
	if (secret_sync_dir(path) == -1)
		goto out;
	ret = 0;
	goto out;
out_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
out:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (text != NULL) {
		/* the token was in it */
		memset(text, 0, strlen(text));
		free(text);
	}
	json_decref(root);
	free(tmp);
	free(path);
	free(dir);
	errno = saved;
	return ret;
}

int
credentials_remove(void)
{
	char *path = credentials_path();
	int ret = 0;

	if (path == NULL)
		return 0;
	if (unlink(path) == -1 && errno != ENOENT)
		ret = -1;
	free(path);
	return ret;
}

void
credentials_release(struct credentials *c)
{
	if (c == NULL)
		return;
	free(c->server);
	if (c->token != NULL) {
		memset(c->token, 0, strlen(c->token));
		free(c->token);
	}
	free(c->expires_at);
	memset(c, 0, sizeof(*c));
}

int
credentials_from_token(const char *server, const char *token,
    struct credentials *c)
{
	const char *dot1, *dot2;
	unsigned char *bin = NULL;
	size_t blen, len;
	json_t *claims = NULL;
	json_error_t jerr;
	const char *sub, *name;
	json_t *exp;
	char *end;
	long long id;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	dot1 = strchr(token, '.');
	if (dot1 == NULL)
		goto out;
	dot2 = strchr(dot1 + 1, '.');
	if (dot2 == NULL)
		goto out;
	len = (size_t)(dot2 - dot1 - 1);
	if (len == 0 || len > 4096)
		goto out;
	bin = xmalloc(len);
	if (sodium_base642bin(bin, len, dot1 + 1, len, NULL, &blen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		goto out;
	claims = json_loadb((const char *)bin, blen, 0, &jerr);
	if (!json_is_object(claims))
		goto out;
	sub = json_string_value(json_object_get(claims, "sub"));
	name = json_string_value(json_object_get(claims, "name"));
	if (sub == NULL)
		goto out;
	errno = 0;
	id = strtoll(sub, &end, 10);
	if (errno != 0 || end == sub || *end != '\0' || id <= 0)
		goto out;
	c->user_id = id;
	if (name != NULL && strlen(name) < sizeof(c->username))
		snprintf(c->username, sizeof(c->username), "%s", name);
	exp = json_object_get(claims, "exp");
	if (json_is_integer(exp)) {
		char when[TIME_RFC3339_LEN];

		time_format_rfc3339((int64_t)json_integer_value(exp) * 1000,
		    when);
		c->expires_at = xstrdup(when);
	}
	c->server = xstrdup(server);
	c->token = xstrdup(token);
	ret = 0;
out:
	json_decref(claims);
	free(bin);
	return ret;
}
