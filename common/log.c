/* log.c: one line per event on stderr, text or JSON (log.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "jsonw.h"
#include "log.h"
#include "timeutil.h"

#define LOG_MSG_MAX	2048		/* a message's bytes, formatted */
#define LOG_LINE_MAX	(6 * LOG_MSG_MAX + 1024)	/* escaped, fields */

static const char *log_process = "chirp";
static enum log_level log_level = LOG_LEVEL_INFO;
static enum log_format log_format = LOG_FORMAT_TEXT;
static _Thread_local char log_rid[80];

/*
 * Request lines held to be written together (log_hold_requests): an
 * access log's buffer, as nginx's "access_log ... buffer= flush=", for a
 * single-threaded process answering many requests a second, where one
 * write(2) a line costs more than the line's formatting.
 */
#define LOG_HOLD_MAX	16384
static int log_hold_ms;
static char log_held[LOG_HOLD_MAX];
static size_t log_held_len;
static int64_t log_held_since;

/* The fields of a request line (log_request); NULL in any other line. */
struct log_req {
	const char *method, *route;
	int status;
	double ms;
};

bool
log_init(const char *process, const char *level)
{
	log_process = process;
	if (level == NULL || strcasecmp(level, "info") == 0)
		log_level = LOG_LEVEL_INFO;
	else if (strcasecmp(level, "debug") == 0)
		log_level = LOG_LEVEL_DEBUG;
	else if (strcasecmp(level, "warn") == 0)
		log_level = LOG_LEVEL_WARN;
	else
		return false;
	return true;
}

bool
log_set_format(const char *format)
{
	if (format == NULL || strcasecmp(format, "text") == 0)
		log_format = LOG_FORMAT_TEXT;
	else if (strcasecmp(format, "json") == 0)
		log_format = LOG_FORMAT_JSON;
	else
		return false;
	return true;
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

/* Append to line (cap bytes, o used): never past the end. */
static void
log_put(char *line, size_t cap, size_t *o, const char *s, size_t len)
{
	if (*o >= cap)
		return;
	if (len > cap - *o)
		len = cap - *o;
	memcpy(line + *o, s, len);
	*o += len;
}

/* "name":"value", after a comma unless first, value escaped. */
static void
log_json_str(char *line, size_t cap, size_t *o, const char *name,
    const char *value)
{
	char tmp[64];
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s\"%s\":\"", *o > 1 ? "," : "",
	    name);
	log_put(line, cap, o, tmp, (size_t)n);
	if (*o + 3 < cap)
		*o += jsonw_escape(line + *o, cap - *o - 2, value,
		    strlen(value));
	log_put(line, cap, o, "\"", 1);
}

/* The text line: time process level [rid] message, controls as \xNN. */
static size_t
log_text(char *line, size_t cap, const char *ts, const char *level,
    const char *msg)
{
	size_t o, i;
	int n;

	n = snprintf(line, cap, "%s %s %s%s%s%s ", ts, log_process,
	    level, log_rid[0] ? " [" : "", log_rid, log_rid[0] ? "]" : "");
	o = n > 0 ? (size_t)n : 0;
	for (i = 0; msg[i] != '\0' && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(line + o, cap - o, "\\x%02x", c);
		} else
			line[o++] = (char)c;
	}
	return o;
}

/* The JSON line: one object, every string escaped, no newline inside. */
static size_t
log_json(char *line, size_t cap, const char *ts, const char *level,
    const char *msg, const struct log_req *rq)
{
	char num[64];
	size_t o = 0;
	int n;

	log_put(line, cap, &o, "{", 1);
	log_json_str(line, cap, &o, "time", ts);
	log_json_str(line, cap, &o, "level", level);
	log_json_str(line, cap, &o, "process", log_process);
	if (log_rid[0] != '\0')
		log_json_str(line, cap, &o, "requestId", log_rid);
	if (rq != NULL) {
		log_json_str(line, cap, &o, "method", rq->method);
		log_json_str(line, cap, &o, "route", rq->route);
		n = snprintf(num, sizeof(num), ",\"status\":%d,"
		    "\"durationMs\":%.3f", rq->status, rq->ms);
		log_put(line, cap, &o, num, (size_t)n);
	}
	log_json_str(line, cap, &o, "message", msg);
	log_put(line, cap, &o, "}", 1);
	return o;
}

/* Write one line. */
static void
log_emit(const char *level, int errnum, const struct log_req *rq, bool hold,
    const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX], line[LOG_LINE_MAX], ts[TIME_RFC3339_LEN];
	int64_t now;
	size_t o, n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnum));
	}
	now = time_now_ms();
	time_format_rfc3339(now, ts);
	/* room kept for the newline */
	if (log_format == LOG_FORMAT_JSON)
		o = log_json(line, sizeof(line) - 1, ts, level, msg, rq);
	else
		o = log_text(line, sizeof(line) - 1, ts, level, msg);
	line[o++] = '\n';
	if (hold && log_hold_ms > 0 && o <= sizeof(log_held)) {
		if (log_held_len + o > sizeof(log_held))
			log_flush();
		if (log_held_len == 0)
			log_held_since = now;
		memcpy(log_held + log_held_len, line, o);
		log_held_len += o;
		if (now - log_held_since >= log_hold_ms)
			log_flush();
		return;
	}
	/* The held lines first: the order of the lines holds. */
	if (log_held_len > 0)
		log_flush();
	(void)!write(STDERR_FILENO, line, o);
}

void
log_hold_requests(int ms)
{
	static bool registered;

	log_hold_ms = ms > 0 ? ms : 0;
	if (log_hold_ms > 0 && !registered) {
		registered = true;
		atexit(log_flush);
	}
	if (log_hold_ms == 0)
		log_flush();
}

void
log_flush(void)
{
	int saved = errno;
	size_t o = 0;
	ssize_t n;

	while (o < log_held_len) {
		n = write(STDERR_FILENO, log_held + o, log_held_len - o);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* stderr is gone: the lines with it */
		o += (size_t)n;
	}
	log_held_len = 0;
	errno = saved;
}

static void
log_emitf(const char *level, int errnum, const struct log_req *rq, bool hold,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
log_emitf(const char *level, int errnum, const struct log_req *rq, bool hold,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(level, errnum, rq, hold, fmt, ap);
	va_end(ap);
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
		log_emit(label, (witherr) ? saved : 0, NULL, false, fmt, ap); \
		va_end(ap);						\
		errno = saved;						\
	}

LOG_FN(log_debug, LOG_LEVEL_DEBUG, "debug", 0)
LOG_FN(log_info, LOG_LEVEL_INFO, "info", 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, "warn", 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, "warn", 0)

void
log_request(bool quiet, const char *method, const char *path,
    const char *route, int status, double ms)
{
	struct log_req rq = { method, route, status, ms };
	bool json = log_format == LOG_FORMAT_JSON;
	int saved = errno;

	quiet = quiet || strcmp(path, "/status") == 0 ||
	    strcmp(path, "/metrics") == 0;
	if (log_level > (quiet ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO))
		return;
	/* text: the path as asked; json: the route, its fields apart */
	log_emitf(quiet ? "debug" : "info", 0, json ? &rq : NULL, true,
	    "%s %s %d %.1fms", method, json ? route : path, status, ms);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit("fatal", saved, NULL, false, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit("fatal", 0, NULL, false, fmt, ap);
	va_end(ap);
	exit(1);
}
