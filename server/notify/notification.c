/* notification.c: the JSON of a notification (notification.h). */
#include <stdlib.h>

#include "model.h"
#include "notification.h"
#include "timeutil.h"

json_t *
notification_json(const struct notification *n, const json_t *tweet)
{
	char ts[TIME_RFC3339_LEN];
	json_t *t = NULL;

	time_format_rfc3339(n->created_ms, ts);
	if (tweet != NULL)
		t = json_deep_copy(tweet);
	else if (n->tweet != NULL)
		t = json_loads(n->tweet, 0, NULL);
	if (t == NULL)
		t = json_null();
	return model_must(json_pack("{s:o, s:s, s:s, s:b, s:{s:o, s:s}, s:o}",
	    "notificationId", model_id_json(n->id), "type", n->type,
	    "createdAt", ts, "read", n->read, "actor", "userId",
	    model_id_json(n->actor_id), "username", n->actor_username,
	    "tweet", t));
}

void
notification_release(struct notification *n)
{
	if (n == NULL)
		return;
	free(n->tweet);
	n->tweet = NULL;
}
