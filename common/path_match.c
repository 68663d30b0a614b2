/* path_match.c: route patterns with {name} segments (path_match.h). */
#include <string.h>

#include "path_match.h"

/* A "{name}" segment of pattern, len bytes at p? */
static bool
path_match_is_param(const char *p, size_t len)
{
	return len >= 2 && p[0] == '{' && p[len - 1] == '}';
}

bool
path_match(const char *pattern, const char *path, struct path_match *m)
{
	struct path_match local;
	const char *p = pattern, *s = path;
	size_t plen, slen;

	if (m == NULL)
		m = &local;
	m->nparams = 0;
	m->literal = 0;
	while (*p == '/' && *s == '/') {
		p++;
		s++;
		plen = strcspn(p, "/");
		slen = strcspn(s, "/");
		if (path_match_is_param(p, plen)) {
			if (slen == 0 || m->nparams == PATH_MATCH_MAX)
				return false;
			m->param[m->nparams].at = s;
			m->param[m->nparams].len = slen;
			m->nparams++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		} else {
			m->literal++;
		}
		p += plen;
		s += slen;
	}
	return *p == '\0' && *s == '\0';
}

bool
path_match_copy(const struct path_match *m, int i, char *out, size_t outlen)
{
	size_t len;

	if (i < 0 || i >= m->nparams)
		return false;
	len = m->param[i].len;
	if (len + 1 > outlen)
		return false;
	memcpy(out, m->param[i].at, len);
	out[len] = '\0';
	return true;
}
