/*
 * mentions.h: the @names of a tweet's content, by API.md's rule: an `@`
 * not preceded by a letter, digit or `_` (username characters: ASCII
 * letters; a non-ASCII character before it does not stop a mention), then
 * the longest run of username characters (A-Z a-z 0-9 _ .) after it, less
 * trailing dots; a run of 3 to 32 characters is a name, any other is
 * none. Each name once (ignoring case), in order of first appearance.
 */
#ifndef CHIRP_MENTIONS_H
#define CHIRP_MENTIONS_H

#include <stddef.h>

#include "model.h"

/* A name as written (NUL-terminated), at most 32 characters. */
struct mention_name {
	char name[33];
};

/*
 * The names of content[0..len-1] into names, at most max (later ones are
 * left out); their number. content need not be NUL-terminated.
 */
int mentions_parse(const char *content, size_t len,
    struct mention_name *names, int max);

#endif
