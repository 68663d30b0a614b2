/*
 * eventlog.h: reading the event log of a service's database (publisher.h
 * writes it), for the /internal/events and /internal/feed routes:
 *
 *   {"events":[{"seq":N,"event":{...}}...],"first":<oldest seq kept or
 *    null>,"last":<newest seq or 0>}
 *
 * in seq order, every event after "after" (of the given authors only,
 * for a feed; a feed also says "reset":true, and lists nothing, when
 * "after" is older than the oldest kept, after < first - 1, or newer than
 * the newest, after > last).
 */
#ifndef CHIRP_EVENTLOG_H
#define CHIRP_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "http_server.h"

#define EVENTLOG_LIMIT_DEFAULT 100
#define EVENTLOG_LIMIT_MAX 1000

/*
 * The query of a log route: "after" a decimal id or 0 (required),
 * "limit" 1 to EVENTLOG_LIMIT_MAX. False after answering 400.
 */
bool eventlog_query(struct http_request *, struct http_response *,
    int64_t *after, int *limit);

enum eventlog_result {
	EVENTLOG_OK,
	EVENTLOG_UNAVAILABLE,	/* the database cannot be reached */
	EVENTLOG_ERROR,		/* anything else (logged) */
};

/*
 * One page of the log on conn (NULL: unavailable) into *out (the caller
 * decrefs it). authors NULL: every event; else only theirs, as a feed.
 */
enum eventlog_result eventlog_page(PGconn *conn, int64_t after, int limit,
    const int64_t *authors, size_t nauthors, json_t **out);

/* Answer a page, or the failure (503 naming what, 500). Takes page. */
void eventlog_reply(struct http_response *, enum eventlog_result,
    json_t *page, const char *what);

#endif
