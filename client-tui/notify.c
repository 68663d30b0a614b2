/* notify.c: the unread count of the status line (see notify.h). */
#include <string.h>

#include "notify.h"
#include "tui.h"

void
notify_load(struct tui *tui)
{
	struct api_error err;
	json_t *answer = NULL, *n;

	if (api_get_notifications(tui->quick_api != NULL ? tui->quick_api :
	    tui->api, 1, 0, &answer, &err) != API_OK)
		return;
	n = json_object_get(answer, "unread");
	if (json_is_integer(n) && json_integer_value(n) >= 0) {
		tui->unread = json_integer_value(n);
		tui->have_unread = true;
		tui->dirty = true;
	}
	json_decref(answer);
}

void
notify_mark_read(struct tui *tui, int64_t up_to)
{
	struct api_error err;
	json_t *answer = NULL, *n;

	if (up_to <= 0)
		return;
	if (api_read_notifications(tui->api, up_to, &answer, &err) !=
	    API_OK) {
		tui_api_error(tui, "cannot mark the notifications read", &err);
		return;
	}
	n = json_object_get(answer, "unread");
	if (json_is_integer(n) && json_integer_value(n) >= 0) {
		tui->unread = json_integer_value(n);
		tui->have_unread = true;
	}
	tui->dirty = true;
	json_decref(answer);
}

void
notify_event(struct tui *tui, const char *type, json_t *event)
{
	const json_t *n = json_object_get(event, "notification");
	int64_t id;
	int i;

	if (strcmp(type, "notification") == 0) {
		if (!json_is_object(n) || !model_get_id(n, "notificationId",
		    &id))
			return;
		if (!json_is_true(json_object_get(n, "read"))) {
			tui->unread++;
			tui->have_unread = true;
		}
		for (i = 0; i < tui->depth; i++)
			if (tui->stack[i]->type->on_notification != NULL)
				tui->stack[i]->type->on_notification(
				    tui->stack[i], tui, n);
	} else {
		if (!model_get_id(event, "notificationId", &id))
			return;
		for (i = 0; i < tui->depth; i++)
			if (tui->stack[i]->type->on_notification_delete != NULL)
				tui->stack[i]->type->on_notification_delete(
				    tui->stack[i], tui, id);
		/* whether it was unread is the server's to say */
		tui->unread_refresh = true;
	}
	tui->dirty = true;
}
