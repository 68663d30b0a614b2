/*
 * secret.c: secrets from settings or files (secret.h). A file is checked
 * on the descriptor that is read (O_NOFOLLOW, fstat), so what is checked
 * is what is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "rand.h"
#include "secret.h"
#include "xmalloc.h"

#define SECRET_FILE_MAX 4096
#define SECRET_RANDOM_BYTES 48

/* Why a file was refused; SECRET_IO uses errno. */
enum secret_error {
	SECRET_OK,
	SECRET_IO,
	SECRET_MISSING,
	SECRET_SIZE,
	SECRET_LINK,
	SECRET_NOT_FILE,
	SECRET_OWNER,
	SECRET_MODE,
	SECRET_PLACE,
};

/* An absolute path, or a relative one inside SECRET_STATE_DIR without
 * any ".." component. */
static bool
secret_path_ok(const char *path)
{
	size_t n = strlen(SECRET_STATE_DIR);
	const char *p;

	if (path[0] == '/')
		return true;
	if (strncmp(path, SECRET_STATE_DIR, n) != 0 || path[n] != '/')
		return false;
	for (p = path; *p != '\0'; p += strcspn(p, "/"), p += *p == '/')
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/*
 * Read the secret at path into a new string after the checks of secret.h;
 * trailing white space (a newline left by an editor) is not part of it.
 */
static enum secret_error
secret_read(const char *path, char **out, size_t *len)
{
	enum secret_error e = SECRET_IO;
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	size_t got = 0;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return SECRET_MISSING;
		return errno == ELOOP ? SECRET_LINK : SECRET_IO;
	}
	if (fstat(fd, &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		e = SECRET_NOT_FILE;
		goto out;
	}
	if (st.st_uid != geteuid()) {
		e = SECRET_OWNER;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		e = SECRET_MODE;
		goto out;
	}
	buf = xmalloc(SECRET_FILE_MAX + 1);
	for (;;) {
		n = read(fd, buf + got, SECRET_FILE_MAX + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > SECRET_FILE_MAX) {
			e = SECRET_SIZE;
			goto out;
		}
	}
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' ||
	    buf[got - 1] == ' ' || buf[got - 1] == '\t'))
		got--;
	buf[got] = '\0';
	if (got < SECRET_MIN) {
		e = SECRET_SIZE;
		goto out;
	}
	*len = got;
	*out = buf;
	buf = NULL;
	e = SECRET_OK;
out:
	if (buf != NULL) {
		sodium_memzero(buf, SECRET_FILE_MAX + 1);
		free(buf);
	}
	close(fd);
	return e;
}

/* mkdir -p of the directory part of path, mode 0700. */
static void
make_parents(const char *path)
{
	char *dir = xstrdup(path), *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
	free(dir);
}

int
secret_sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd, ret = -1, saved;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd == -1)
		return -1;
	if (fsync(fd) == 0)
		ret = 0;
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

/*
 * Create path with a fresh random secret, atomically: the secret goes to
 * a private temporary file that is then linked into place, which fails
 * when another process got there first (its secret then wins).
 */
static int
secret_create(const char *path)
{
	char hex[2 * SECRET_RANDOM_BYTES + 2];
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	size_t len, done = 0;
	ssize_t n;
	int fd, ret = -1;

	make_parents(path);
	if ((fd = mkstemp(tmp)) == -1) {
		log_warn("cannot create a secret file next to '%s'", path);
		free(tmp);
		return -1;
	}
	(void)fchmod(fd, 0600);
	rand_hex(hex, SECRET_RANDOM_BYTES);
	len = strlen(hex);
	hex[len++] = '\n';
	while (done < len) {
		n = write(fd, hex + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_warn("cannot write the secret file '%s'", tmp);
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) == -1) {
		log_warn("cannot write the secret file '%s'", tmp);
		goto out;
	}
	if (link(tmp, path) == -1 && errno != EEXIST) {
		log_warn("cannot create the secret file '%s'", path);
		goto out;
	}
	/* The new name is in the folder only once the folder is synced. */
	if (secret_sync_dir(path) == -1) {
		log_warn("cannot sync the folder of the secret file '%s'",
		    path);
		goto out;
	}
	ret = 0;
out:
	sodium_memzero(hex, sizeof(hex));
	close(fd);
	unlink(tmp);
	free(tmp);
	return ret;
}

/* One line naming the file and what is wrong with it. */
static void
secret_refuse(const char *what, const char *path, enum secret_error e)
{
	switch (e) {
	case SECRET_SIZE:
		log_warnx("the %s file '%s' must hold %d to %d bytes", what,
		    path, SECRET_MIN, SECRET_FILE_MAX);
		break;
	case SECRET_LINK:
		log_warnx("the %s file '%s' is a symbolic link; name the "
		    "file itself", what, path);
		break;
	case SECRET_NOT_FILE:
		log_warnx("the %s file '%s' is not a regular file", what,
		    path);
		break;
	case SECRET_OWNER:
		log_warnx("the %s file '%s' belongs to another user; it must "
		    "be owned by uid %u", what, path, (unsigned)geteuid());
		break;
	case SECRET_MODE:
		log_warnx("the %s file '%s' is readable or writable by others "
		    "(chmod 600 it)", what, path);
		break;
	case SECRET_PLACE:
		log_warnx("the %s file '%s' must be an absolute path or one "
		    "under %s/", what, path, SECRET_STATE_DIR);
		break;
	default:
		log_warn("cannot read the %s file '%s'", what, path);
		break;
	}
}

char *
secret_load(const char *what, const char *value, const char *path,
    size_t *len)
{
	enum secret_error e;
	char *s;

	if (value != NULL) {
		if (strlen(value) < SECRET_MIN) {
			log_warnx("the %s is shorter than %d bytes", what,
			    SECRET_MIN);
			return NULL;
		}
		*len = strlen(value);
		return xstrdup(value);
	}
	if (path == NULL || *path == '\0') {
		log_warnx("no %s and no %s file", what, what);
		return NULL;
	}
	if (!secret_path_ok(path)) {
		secret_refuse(what, path, SECRET_PLACE);
		return NULL;
	}
	if ((e = secret_read(path, &s, len)) == SECRET_OK)
		return s;
	if (e != SECRET_MISSING) {
		secret_refuse(what, path, e);
		return NULL;
	}
	if (secret_create(path) == -1)
		return NULL;
	/* Ours or the winner's of a race: everyone reads the same file. */
	if ((e = secret_read(path, &s, len)) != SECRET_OK) {
		secret_refuse(what, path, e);
		return NULL;
	}
	return s;
}
