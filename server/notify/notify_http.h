/* notify_http.h: the route handlers of chirp-notifyd (routes.c). */
#ifndef CHIRP_NOTIFY_HTTP_H
#define CHIRP_NOTIFY_HTTP_H

#include "http_server.h"

http_handler notify_http_list;
http_handler notify_http_read;
http_handler notify_http_internal_events;
http_handler notify_http_internal_feed;

#endif
