/*
 * notify.h: the caller's unread notifications for the status line: read
 * from GET /notifications at the start of a session, then kept live from
 * the feed's notification and notification_delete frames.
 */
#ifndef CHIRP_TUI_NOTIFY_H
#define CHIRP_TUI_NOTIFY_H

#include <jansson.h>

struct tui;

/* Ask the server for the unread count (quietly: the service may be
 * absent, and the status line then shows none). */
void notify_load(struct tui *);
/* A live frame of type notification or notification_delete. */
void notify_event(struct tui *, const char *type, json_t *event);
/* Mark every notification up to up_to read; the count from the answer. */
void notify_mark_read(struct tui *, int64_t up_to);

#endif
