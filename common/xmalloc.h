/* xmalloc.h: allocation that ends the process on out-of-memory (tmux). */
#ifndef CHIRP_XMALLOC_H
#define CHIRP_XMALLOC_H

#include <stddef.h>

/* Each returns memory the caller frees with free(); never NULL. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
