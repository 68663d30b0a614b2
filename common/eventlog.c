/* eventlog.c: pages of the event log (eventlog.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "log.h"
#include "model.h"
#include "validate.h"
#include "xmalloc.h"

bool
eventlog_query(struct http_request *req, struct http_response *resp,
    int64_t *after, int *limit)
{
	const char *a = http_query(req, "after");

	if (a == NULL || !(strcmp(a, "0") == 0 ? (*after = 0, true) :
	    validate_id(a, after))) {
		http_reply_error(resp, 400, "bad_request",
		    "after must be a seq: a decimal number, or 0");
		return false;
	}
	if (!validate_limit(http_query(req, "limit"), EVENTLOG_LIMIT_DEFAULT,
	    1, EVENTLOG_LIMIT_MAX, limit)) {
		http_reply_error(resp, 400, "bad_request",
		    "limit must be an integer from 1 to %d",
		    EVENTLOG_LIMIT_MAX);
		return false;
	}
	return true;
}

/* A failed statement: which result it is. */
static enum eventlog_result
eventlog_failure(PGconn *conn, PGresult *res)
{
	enum eventlog_result r = EVENTLOG_ERROR;

	if (PQstatus(conn) != CONNECTION_OK)
		r = EVENTLOG_UNAVAILABLE;
	else
		log_warnx("event log: %s", PQresultErrorMessage(res));
	PQclear(res);
	return r;
}

enum eventlog_result
eventlog_page(PGconn *conn, int64_t after, int limit,
    const int64_t *authors, size_t nauthors, json_t **out)
{
	char a[24], l[16], last_s[24], *ids = NULL, *p;
	const char *v[4] = { a, l, last_s, NULL };
	PGresult *res;
	json_t *events, *ev;
	int64_t first = 0, last;
	bool has_first, reset = false;
	size_t i, cap;
	int k;

	*out = NULL;
	if (conn == NULL)
		return EVENTLOG_UNAVAILABLE;
	/* The bounds first; the page is cut at last, so that it says no
	 * event the bounds do not cover. */
	res = PQexec(conn, "SELECT min(seq), coalesce(max(seq), 0) "
	    "FROM event_log");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return eventlog_failure(conn, res);
	has_first = !PQgetisnull(res, 0, 0);
	if (has_first)
		first = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	last = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);

	events = model_must(json_array());
	if (authors != NULL)
		reset = after > last || (has_first && after < first - 1);
	if (!reset) {
		snprintf(a, sizeof(a), "%" PRId64, after);
		snprintf(l, sizeof(l), "%d", limit);
		snprintf(last_s, sizeof(last_s), "%" PRId64, last);
		if (authors != NULL) {
			/* "{1,2,3}": the authors as a bigint[] */
			cap = nauthors * 21 + 3;
			p = ids = xmalloc(cap);
			*p++ = '{';
			for (i = 0; i < nauthors; i++)
				p += snprintf(p, cap - (size_t)(p - ids),
				    "%s%" PRId64, i ? "," : "", authors[i]);
			snprintf(p, cap - (size_t)(p - ids), "}");
			v[3] = ids;
			res = PQexecParams(conn, "SELECT seq, payload FROM "
			    "event_log WHERE author = ANY($4::bigint[]) AND "
			    "seq > $1::bigint AND seq <= $3::bigint "
			    "ORDER BY seq LIMIT $2::int", 4, NULL, v, NULL,
			    NULL, 0);
			free(ids);
		} else {
			res = PQexecParams(conn, "SELECT seq, payload FROM "
			    "event_log WHERE seq > $1::bigint AND "
			    "seq <= $3::bigint ORDER BY seq LIMIT $2::int", 3,
			    NULL, v, NULL, NULL, 0);
		}
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			json_decref(events);
			return eventlog_failure(conn, res);
		}
		for (k = 0; k < PQntuples(res); k++) {
			ev = json_loads(PQgetvalue(res, k, 1), 0, NULL);
			if (ev == NULL)
				continue;	/* the publisher wrote JSON */
			json_array_append_new(events, model_must(json_pack(
			    "{s:I, s:o}", "seq", (json_int_t)strtoll(
			    PQgetvalue(res, k, 0), NULL, 10), "event", ev)));
		}
		PQclear(res);
	}
	*out = model_must(json_pack("{s:o, s:o, s:I}", "events", events,
	    "first", has_first ? json_integer(first) : json_null(), "last",
	    (json_int_t)last));
	if (reset)
		json_object_set_new(*out, "reset", json_true());
	return EVENTLOG_OK;
}

void
eventlog_reply(struct http_response *resp, enum eventlog_result r,
    json_t *page, const char *what)
{
	if (r == EVENTLOG_OK)
		http_reply_json(resp, 200, page);
	else if (r == EVENTLOG_UNAVAILABLE)
		http_reply_error(resp, 503, "unavailable",
		    "the %s database is unavailable", what);
	else
		http_reply_error(resp, 500, "internal", "internal error");
}
