/*
 * routes.c: the whole HTTP surface of chirp-notifyd. The public routes are
 * the Notifications section of API.md (a token each):
 *
 *   GET  /notifications?limit=&before=&after=
 *        200 {"notifications":[...],"unread":n}, newest first
 *   POST /notifications/read {"upTo":"<notificationId>"}
 *        200 {"unread":n}
 *
 * For the gateway's service credential, the event log of CHANNEL_NOTIFY
 * (common/eventlog.h), for the live feed's replay by cursor:
 *
 *   GET /internal/events?after=<seq>&limit=<1..1000>   every event
 *   GET /internal/feed?after=<seq>&authors=<userId>[,<userId>...]&limit=
 *       the events of those recipients (1 to 100); "reset":true when
 *       after is too old or was never issued
 */
#include "notify_http.h"
#include "routes.h"

const struct http_route routes_table[] = {
	{"GET", "/notifications", notify_http_list, NULL},
	{"POST", "/notifications/read", notify_http_read, NULL},
	{"GET", "/internal/events", notify_http_internal_events, "gateway"},
	{"GET", "/internal/feed", notify_http_internal_feed, "gateway"},
};

const size_t routes_count = sizeof routes_table / sizeof routes_table[0];
