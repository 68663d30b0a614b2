/*
 * log.h: one line per event on stderr, with time, process, level and the
 * request id of the calling thread (OpenBSD httpd's log.c API).
 *
 *   2026-11-24T02:06:00.123Z chirp-userd info [rid] message
 *
 * log_warn() appends strerror(errno), log_warnx() does not. Control
 * characters in the message are escaped: user input never forges a line.
 */
#ifndef CHIRP_LOG_H
#define CHIRP_LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN };

/* Name the process; call once at start. Level from "debug", "info", "warn". */
void log_init(const char *process, const char *level);

/* The request id this thread is serving; NULL clears it. Copied. */
void log_set_request_id(const char *);
const char *log_request_id(void);

void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Only at start-up and on out-of-memory: log and exit(1). */
void fatal(const char *, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
