/*
 * prompt.h: what chirp asks a person: a password without echo, or a
 * confirmation, both on /dev/tty so that stdin and stdout stay free for
 * scripts; or a password as one line of stdin (--password-stdin).
 */
#ifndef CHIRP_CLI_PROMPT_H
#define CHIRP_CLI_PROMPT_H

#include <stddef.h>
#include <stdio.h>

#define PROMPT_MAX 1024

/*
 * Ask on /dev/tty with echo off (echo on when echo is set). The answer
 * without its newline into buf. 0, or -1 when there is no terminal or
 * the answer does not fit (message on stderr).
 */
int prompt_tty(const char *question, int echo, char *buf, size_t size);

/*
 * One line from fp, its trailing "\n" (or "\r\n") stripped. 0, or -1 when
 * nothing could be read or it does not fit (message on stderr).
 */
int prompt_line(FILE *fp, char *buf, size_t size);

/* All of fp, at most max bytes, trailing newlines stripped; caller frees.
 * NULL after a message when it is longer or unreadable. */
char *prompt_read_all(FILE *fp, size_t max);

/*
 * A password: one line of stdin when from_stdin, else asked on the
 * terminal without echo (twice when twice, and both must match). 0 or -1
 * after a message.
 */
int prompt_password(int from_stdin, int twice, char *buf, size_t size);

#endif
