/*
 * log.h: one line per event on stderr, with time, process, level and the
 * request id of the calling thread (OpenBSD httpd's log.c API), in one of
 * two formats (the log_format setting of every process):
 *
 *   text  2026-11-24T02:06:00.123Z chirp-userd info [rid] message
 *   json  {"time":"2026-11-24T02:06:00.123Z","level":"info",
 *          "process":"chirp-userd","requestId":"rid","message":"message"}
 *
 * one JSON object a line, for Loki or ELK (requestId only when the thread
 * serves a request). log_warn() appends strerror(errno), log_warnx() does
 * not. Every byte of a message is escaped where it could forge a line:
 * control characters as \xNN in text, JSON escapes in json (and a byte
 * that is not UTF-8 as the text \xNN): user input never makes two lines
 * of one nor breaks the JSON.
 */
#ifndef CHIRP_LOG_H
#define CHIRP_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/*
 * Name the process; call once at start. Level from "debug", "info",
 * "warn" (NULL: info). False, and the level left as it was, for any
 * other.
 */
bool log_init(const char *process, const char *level);
/* "text" (NULL too) or "json"; false, format unchanged, for any other. */
bool log_set_format(const char *format);

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

/*
 * The line of one answered HTTP request, at debug when quiet or for a
 * probe or a scrape (path /status or /metrics, which would bury the
 * rest), else info, with the thread's request id. text:
 * "GET /users/42 200 1.2ms" (the path as asked, without its query: a
 * token in a query never reaches the log); json: the message
 * "GET /users/{userId} 200 1.2ms" and the fields method, route (the
 * pattern, not the path: no ids), status and durationMs.
 */
void log_request(bool quiet, const char *method, const char *path,
    const char *route, int status, double ms);

/*
 * Hold the request lines (log_request) and write them together, in one
 * write(2), once the oldest is ms milliseconds old or 16 KB are held: an
 * access log's buffer, for a busy single-threaded process (the gateway).
 * Any other line writes the held ones first, so the order of the lines
 * holds; at exit they are written too. 0 (the default): each line at
 * once. Single-threaded processes only: the held lines are not locked.
 */
void log_hold_requests(int ms);
/* Write the held request lines now (a timer's, so none waits long). */
void log_flush(void);

#endif
