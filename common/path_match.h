/*
 * path_match.h: a request path against a route pattern, the one matcher
 * of the services' route tables (common/http_server) and the gateway's
 * (gateway/routes.c). A pattern is segments after '/': "{name}" matches
 * any one non-empty segment and captures it, any other segment only
 * itself. The path is matched as given (no decoding, no query).
 */
#ifndef CHIRP_PATH_MATCH_H
#define CHIRP_PATH_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#define PATH_MATCH_MAX 4	/* {name} segments a pattern may have */

struct path_match {
	struct {
		const char *at;	/* into the path; not NUL-terminated */
		size_t len;
	} param[PATH_MATCH_MAX];	/* the {name} segments, in order */
	int nparams;
	int literal;		/* literal segments: more is more specific */
};

/*
 * Does path match pattern? When m is not NULL it says where the {name}
 * segments are (borrowed from path) and how specific the match is. A
 * pattern with more than PATH_MATCH_MAX {name} segments matches nothing.
 */
bool path_match(const char *pattern, const char *path,
    struct path_match *m);

/* Copy parameter i of m into out (size outlen) as a string; false when
 * there is no such parameter or it does not fit. */
bool path_match_copy(const struct path_match *m, int i, char *out,
    size_t outlen);

#endif
