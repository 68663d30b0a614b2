/*
 * prompt.c: questions on /dev/tty (echo off for passwords, restored even
 * on Ctrl-C) and lines from stdin.
 */
#include "prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "xmalloc.h"

static volatile sig_atomic_t prompt_signal;

static void
prompt_on_signal(int sig)
{
	prompt_signal = sig;
}

/* Strip "\n" or "\r\n" at the end of buf; false when there was none. */
static int
prompt_chomp(char *buf)
{
	size_t len = strlen(buf);

	if (len == 0 || buf[len - 1] != '\n')
		return 0;
	buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 1;
}

int
prompt_tty(const char *question, int echo, char *buf, size_t size)
{
	struct termios old, quiet;
	struct sigaction sa, old_int, old_term;
	FILE *tty;
	int fd, ret = -1, restore = 0;
	char *got;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd == -1) {
		fprintf(stderr, "chirp: no terminal to ask on\n");
		return -1;
	}
	tty = fdopen(fd, "r+");
	if (tty == NULL) {
		close(fd);
		fprintf(stderr, "chirp: no terminal to ask on\n");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = prompt_on_signal;
	sigemptyset(&sa.sa_mask);
	prompt_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (!echo && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0)
			restore = 1;
	}
	fputs(question, tty);
	fflush(tty);
	got = fgets(buf, (int)size, tty);
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	if (got == NULL || prompt_signal != 0) {
		if (prompt_signal == 0)
			fprintf(stderr, "chirp: no answer\n");
		goto out;
	}
	if (!prompt_chomp(buf) && strlen(buf) == size - 1) {
		fprintf(stderr, "chirp: the answer is too long\n");
		goto out;
	}
	ret = 0;
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	fclose(tty);
	if (prompt_signal != 0) {
		explicit_bzero(buf, size);
		raise(prompt_signal);
	}
	return ret;
}

int
prompt_line(FILE *fp, char *buf, size_t size)
{
	if (fgets(buf, (int)size, fp) == NULL) {
		fprintf(stderr, "chirp: nothing to read on stdin\n");
		return -1;
	}
	if (!prompt_chomp(buf) && !feof(fp) && strlen(buf) == size - 1) {
		explicit_bzero(buf, size);
		fprintf(stderr, "chirp: the line on stdin is too long\n");
		return -1;
	}
	return 0;
}

char *
prompt_read_all(FILE *fp, size_t max)
{
	char *buf = xmalloc(max + 2);
	size_t len = 0, n;

	while ((n = fread(buf + len, 1, max + 1 - len, fp)) > 0) {
		len += n;
		if (len > max)
			break;
	}
	if (ferror(fp)) {
		fprintf(stderr, "chirp: cannot read stdin: %s\n",
		    strerror(errno));
		free(buf);
		return NULL;
	}
	if (len > max) {
		fprintf(stderr, "chirp: stdin holds more than %zu bytes\n",
		    max);
		free(buf);
		return NULL;
	}
	if (memchr(buf, '\0', len) != NULL) {
		fprintf(stderr, "chirp: stdin holds a NUL byte\n");
		free(buf);
		return NULL;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	return buf;
}

int
prompt_password(int from_stdin, int twice, char *buf, size_t size)
{
	char again[PROMPT_MAX];
	int ret = -1;

	if (from_stdin)
		return prompt_line(stdin, buf, size);
	if (prompt_tty("Password: ", 0, buf, size) == -1)
		return -1;
	if (!twice)
		return 0;
	if (prompt_tty("Password again: ", 0, again, sizeof(again)) == -1)
		goto out;
	if (strcmp(buf, again) != 0) {
		fprintf(stderr, "chirp: the passwords differ\n");
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(again, sizeof(again));
	if (ret == -1)
		explicit_bzero(buf, size);
	return ret;
}
