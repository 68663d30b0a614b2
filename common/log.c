/* log.c: one line per event on stderr (OpenBSD httpd's log.c API). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "timeutil.h"

static const char *log_process = "chirp";
static enum log_level log_level = LOG_LEVEL_INFO;
static _Thread_local char log_rid[80];

void
log_init(const char *process, const char *level)
{
	log_process = process;
	if (level == NULL || strcasecmp(level, "info") == 0)
		log_level = LOG_LEVEL_INFO;
	else if (strcasecmp(level, "debug") == 0)
		log_level = LOG_LEVEL_DEBUG;
	else if (strcasecmp(level, "warn") == 0)
		log_level = LOG_LEVEL_WARN;
}

void
log_set_request_id(const char *rid)
{
	if (rid == NULL)
		log_rid[0] = '\0';
	else
		snprintf(log_rid, sizeof(log_rid), "%s", rid);
}

const char *
log_request_id(void)
{
	return log_rid[0] ? log_rid : NULL;
}

/* Write one line; control characters become \xNN so input forges nothing. */
static void
log_vwrite(const char *level, int errnum, const char *fmt, va_list ap)
{
	char msg[2048], line[4096 + 256], ts[TIME_RFC3339_LEN];
	size_t o = 0, i;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	time_format_rfc3339(time_now_ms(), ts);
	n = snprintf(line, sizeof(line), "%s %s %s%s%s%s ", ts, log_process,
	    level, log_rid[0] ? " [" : "", log_rid, log_rid[0] ? "]" : "");
	o = n > 0 ? (size_t)n : 0;
	for (i = 0; msg[i] != '\0' && o + 8 < sizeof(line); i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(line + o, sizeof(line) - o,
			    "\\x%02x", c);
		} else
			line[o++] = (char)c;
	}
	if (errnum != 0)
		o += (size_t)snprintf(line + o, sizeof(line) - o > 0 ?
		    sizeof(line) - o : 0, ": %s", strerror(errnum));
	if (o > sizeof(line) - 2)
		o = sizeof(line) - 2;
	line[o++] = '\n';
	(void)!write(STDERR_FILENO, line, o);
}

#define LOG_FN(name, lvl, label, witherr)				\
	void								\
	name(const char *fmt, ...)					\
	{								\
		int saved = errno;					\
		va_list ap;						\
		if (log_level > (lvl))					\
			return;						\
		va_start(ap, fmt);					\
		log_vwrite(label, (witherr) ? saved : 0, fmt, ap);	\
		va_end(ap);						\
		errno = saved;						\
	}

LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug", 0)
LOG_FN(log_info, LOG_LEVEL_INFO, "info", 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, "warn", 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, "warn", 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("fatal", saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("fatal", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
