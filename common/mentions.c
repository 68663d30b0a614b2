/* mentions.c: the @names of a tweet's content (mentions.h). */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "mentions.h"

/* A byte of a username: A-Z a-z 0-9 _ . */
static bool
name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* A byte before `@` that makes it no mention (e-mail-like a@b). */
static bool
word_char(unsigned char c)
{
	return name_char(c) && c != '.';
}

/* Whether names[0..n-1] holds name, ignoring case. */
static bool
seen(const struct mention_name *names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(names[i].name, name) == 0)
			return true;
	return false;
}

int
mentions_parse(const char *content, size_t len, struct mention_name *names,
    int max)
{
	const unsigned char *s = (const unsigned char *)content;
	size_t i, start, end;
	char name[33];
	int n = 0;

	for (i = 0; i < len && n < max; i++) {
		if (s[i] != '@' || (i > 0 && word_char(s[i - 1])))
			continue;
		start = i + 1;
		for (end = start; end < len && name_char(s[end]); end++)
			;
		i = end - 1;	/* the run is no place for another `@` */
		while (end > start && s[end - 1] == '.')
			end--;
		if (end - start < 3 || end - start > 32)
			continue;
		memcpy(name, s + start, end - start);
		name[end - start] = '\0';
		if (!seen(names, n, name))
			memcpy(names[n++].name, name, sizeof name);
	}
	return n;
}
