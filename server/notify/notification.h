/*
 * notification.h: a notification as chirp-notifyd keeps it, and its JSON
 * object, exactly API.md's (Notifications):
 *
 *   {"notificationId":"7","type":"follow","createdAt":"...","read":false,
 *    "actor":{"userId":"1","username":"ann"},"tweet":null|{tweet}}
 */
#ifndef CHIRP_NOTIFICATION_H
#define CHIRP_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct notification {
	int64_t id;
	char type[8];		/* follow, like, repost, reply, mention */
	int64_t created_ms;
	bool read;
	int64_t actor_id;
	char actor_username[33];
	int64_t tweet_id;	/* the tweet concerned; 0 for follow */
	char *tweet;		/* its JSON as the event had it; owned, NULL */
};

/*
 * The API object of n; tweet (borrowed, may be NULL) is the tweet to show,
 * else n->tweet's JSON, else null. A new object the caller decrefs.
 */
json_t *notification_json(const struct notification *n, const json_t *tweet);
/* Free what n owns. */
void notification_release(struct notification *n);

#endif
