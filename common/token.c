/*
 * token.c: access tokens as JWT HS256. The signature is checked, in
 * constant time, before any part of the token is parsed.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "rand.h"
#include "token.h"
#include "validate.h"
#include "xmalloc.h"

#define TOKEN_MAX 4096		/* longer is not one of ours */
#define SECRET_FILE_MAX 4096
#define SECRET_RANDOM_BYTES 48

/* base64url without padding of n bytes, a new string. */
static char *
b64_encode(const void *buf, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = xmalloc(cap);

	sodium_bin2base64(s, cap, buf, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

/* Strict base64url decode of s[0..len) into out (cap bytes); -1 if bad. */
static int
b64_decode(const char *s, size_t len, unsigned char *out, size_t cap,
    size_t *outlen)
{
	if (sodium_base642bin(out, cap, s, len, NULL, outlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return 0;
}

static void
hmac(const unsigned char *secret, size_t secret_len, const char *msg,
    size_t len, unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
}

char *
token_sign(const unsigned char *secret, size_t secret_len,
    const struct token_claims *c)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char sub[24], *h = NULL, *p = NULL, *s = NULL, *body = NULL;
	char *payload = NULL, *token = NULL;
	json_t *claims = NULL;

	if (secret == NULL || secret_len < TOKEN_SECRET_MIN)
		return NULL;
	rand_init();
	snprintf(sub, sizeof(sub), "%lld", (long long)c->user_id);
	claims = json_pack("{s:s, s:s, s:I, s:I, s:I}", "sub", sub,
	    "name", c->username, "iat", (json_int_t)c->issued_at,
	    "exp", (json_int_t)c->expires_at, "gen", (json_int_t)c->gen);
	if (claims == NULL)
		goto out;
	payload = json_dumps(claims, JSON_COMPACT);
	if (payload == NULL)
		goto out;
	h = b64_encode(header, sizeof(header) - 1);
	p = b64_encode(payload, strlen(payload));
	body = xasprintf("%s.%s", h, p);
	hmac(secret, secret_len, body, strlen(body), mac);
	s = b64_encode(mac, sizeof(mac));
	token = xasprintf("%s.%s", body, s);
out:
	free(s);
	free(body);
	free(p);
	free(h);
	free(payload);
	json_decref(claims);
	return token;
}

/* Decode one base64url part as a JSON object; NULL when it is not one. */
static json_t *
part_json(const char *s, size_t len)
{
	unsigned char buf[TOKEN_MAX];
	size_t n;

	if (b64_decode(s, len, buf, sizeof(buf), &n) != 0)
		return NULL;
	return json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
}

/* A JSON integer member; false when absent or another type. */
static bool
get_int(const json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return false;
	*out = (int64_t)json_integer_value(v);
	return true;
}

enum token_result
token_verify(const unsigned char *secret, size_t secret_len,
    const char *token, int64_t now, struct token_claims *out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	unsigned char sig[crypto_auth_hmacsha256_BYTES + 8];
	const char *dot1, *dot2, *name;
	json_t *header = NULL, *claims = NULL, *v;
	struct token_claims c;
	enum token_result r = TOKEN_BAD;
	size_t len, siglen;

	memset(&c, 0, sizeof(c));
	if (secret == NULL || secret_len < TOKEN_SECRET_MIN || token == NULL)
		goto out;
	len = strnlen(token, TOKEN_MAX + 1);
	if (len > TOKEN_MAX)
		goto out;
	if ((dot1 = memchr(token, '.', len)) == NULL)
		goto out;
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	if (dot2 == NULL || memchr(dot2 + 1, '.', len -
	    (size_t)(dot2 + 1 - token)) != NULL)
		goto out;
	if (dot1 == token || dot2 == dot1 + 1 || dot2 + 1 == token + len)
		goto out;

	rand_init();
	if (b64_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), sig,
	    sizeof(sig), &siglen) != 0 || siglen != sizeof(mac))
		goto out;
	hmac(secret, secret_len, token, (size_t)(dot2 - token), mac);
	if (sodium_memcmp(mac, sig, sizeof(mac)) != 0)
		goto out;

	/* Signed by us; still check the shape, never trust "alg". */
	header = part_json(token, (size_t)(dot1 - token));
	v = json_object_get(header, "alg");
	if (!json_is_string(v) || strcmp(json_string_value(v), "HS256") != 0)
		goto out;
	v = json_object_get(header, "typ");
	if (v != NULL && (!json_is_string(v) ||
	    strcmp(json_string_value(v), "JWT") != 0))
		goto out;
	claims = part_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (!json_is_object(claims))
		goto out;
	v = json_object_get(claims, "sub");
	if (!json_is_string(v) || !validate_id(json_string_value(v),
	    &c.user_id))
		goto out;
	v = json_object_get(claims, "name");
	if (!json_is_string(v))
		goto out;
	name = json_string_value(v);
	if (!validate_username(name, json_string_length(v)))
		goto out;
	memcpy(c.username, name, json_string_length(v) + 1);
	if (!get_int(claims, "iat", &c.issued_at) ||
	    !get_int(claims, "exp", &c.expires_at))
		goto out;
	/* Tokens made before generations existed are generation 0. */
	if (json_object_get(claims, "gen") != NULL &&
	    (!get_int(claims, "gen", &c.gen) || c.gen < 0))
		goto out;
	if (now >= c.expires_at) {
		r = TOKEN_EXPIRED;
		goto out;
	}
	r = TOKEN_OK;
out:
	if (out != NULL) {
		if (r == TOKEN_BAD)
			memset(out, 0, sizeof(*out));
		else
			*out = c;
	}
	json_decref(claims);
	json_decref(header);
	return r;
}

/*
 * Read the secret at path into a new string: trailing white space (a
 * newline left by an editor) is not part of it. NULL with errno set on
 * failure; ENOENT when missing, EINVAL when too short or too long.
 */
static char *
secret_read(const char *path, size_t *len)
{
	char *buf = NULL;
	ssize_t n;
	size_t got = 0;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	buf = xmalloc(SECRET_FILE_MAX + 1);
	for (;;) {
		n = read(fd, buf + got, SECRET_FILE_MAX + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > SECRET_FILE_MAX) {
			errno = EINVAL;
			goto fail;
		}
	}
	close(fd);
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' ||
	    buf[got - 1] == ' ' || buf[got - 1] == '\t'))
		got--;
	buf[got] = '\0';
	if (got < TOKEN_SECRET_MIN) {
		sodium_memzero(buf, SECRET_FILE_MAX + 1);
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	*len = got;
	return buf;
fail:
	saved = errno;
	close(fd);
	sodium_memzero(buf, SECRET_FILE_MAX + 1);
	free(buf);
	errno = saved;
	return NULL;
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
	ret = 0;
out:
	sodium_memzero(hex, sizeof(hex));
	close(fd);
	unlink(tmp);
	free(tmp);
	return ret;
}

char *
token_secret_load(const char *value, const char *path, size_t *len)
{
	char *s;

	if (value != NULL) {
		if (strlen(value) < TOKEN_SECRET_MIN) {
			log_warnx("the token secret is shorter than %d bytes",
			    TOKEN_SECRET_MIN);
			return NULL;
		}
		*len = strlen(value);
		return xstrdup(value);
	}
	if (path == NULL || *path == '\0') {
		log_warnx("no token secret and no secret file");
		return NULL;
	}
	if ((s = secret_read(path, len)) != NULL)
		return s;
	if (errno != ENOENT) {
		if (errno == EINVAL)
			log_warnx("the secret file '%s' must hold %d to %d "
			    "bytes", path, TOKEN_SECRET_MIN, SECRET_FILE_MAX);
		else
			log_warn("cannot read the secret file '%s'", path);
		return NULL;
	}
	if (secret_create(path) == -1)
		return NULL;
	/* Ours or the winner's of a race: everyone reads the same file. */
	if ((s = secret_read(path, len)) == NULL)
		log_warn("cannot read the secret file '%s'", path);
	return s;
}
