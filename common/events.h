/*
 * events.h: the public events of chirp, one JSON object per event, and
 * their only encoder and decoder.
 *
 * CHANNEL_USER (published by chirp-userd):
 *   {"type":"follow","userId":"1","targetId":"2","username":"ann"}
 *                                            (username: the follower's;
 *                                             absent in older events)
 *   {"type":"unfollow","userId":"1","targetId":"2"}
 *   {"type":"user_deleted","userId":"1"}      (every token of 1 is dead)
 *   {"type":"revoke","userId":"1","gen":2}   (POST /users/logout: tokens
 *                                             of 1 with "gen" below 2 are
 *                                             dead; common/revoke.h)
 * CHANNEL_TWEET (published by chirp-tweetd):
 *   {"type":"tweet","tweet":{tweet as in docs/API.md},"replyToUserId":"2"}
 *                  (a post, a reply or a repost; replyToUserId: the
 *                   parent's author, only for a reply whose parent
 *                   exists; no "liked"/"reposted" in the tweet)
 *   {"type":"delete","tweetId":"9","userId":"1","repost":true}
 *                  (repost: only when the tweet deleted was a repost)
 *   {"type":"like","userId":"1","username":"ann","tweet":{the liked tweet}}
 *   {"type":"unlike","userId":"1","tweetId":"9"}
 * CHANNEL_NOTIFY (published by chirp-notifyd; userId is the recipient):
 *   {"type":"notification","userId":"2","notification":{as in API.md}}
 *   {"type":"notification_delete","userId":"2","notificationId":"7"}
 *
 * Ids are decimal strings, as everywhere in the API. An event sent by the
 * publisher (publisher.h) also carries "seq", its position in the event
 * log of its database (a JSON integer >= 1).
 *
 * On the wire each payload is sealed by bus_publish with the service
 * secret (svcauth.h: "v1.<time>.<mac>.<json>"); subscribers (bus.h) hand
 * on only the JSON of a seal that opens, and read it with events_decode.
 */
#ifndef CHIRP_EVENTS_H
#define CHIRP_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#define CHANNEL_USER "chirp_user_events"
#define CHANNEL_TWEET "chirp_tweet_events"
#define CHANNEL_NOTIFY "chirp_notify_events"

enum event_type {
	EVENT_FOLLOW = 1,
	EVENT_UNFOLLOW,
	EVENT_USER_DELETED,
	EVENT_REVOKE,
	EVENT_TWEET,
	EVENT_DELETE,
	EVENT_LIKE,
	EVENT_UNLIKE,
	EVENT_NOTIFICATION,
	EVENT_NOTIFICATION_DELETE,
};

struct event {
	enum event_type type;
	/* every type: the author for tweet, delete; the liker for like,
	 * unlike; the recipient for notification, notification_delete */
	int64_t user_id;
	int64_t target_id;	/* follow, unfollow */
	int64_t tweet_id;	/* tweet, delete, like, unlike */
	int64_t gen;		/* revoke: >= 0 */
	struct tweet tweet;	/* tweet, like; decoded: owned (events_release) */
	int64_t parent_user_id;	/* tweet: replyToUserId; 0: none */
	bool repost;		/* delete: the tweet was a repost */
	char username[33];	/* follow, like: the actor's; "": unknown */
	/*
	 * notification: the object as compact JSON text (owned; decoded, a
	 * JSON object with a good "notificationId", not checked further)
	 */
	char *notification;
	int64_t notification_id; /* notification, notification_delete */
	int64_t seq;		/* position in the event log; 0: none */
};

/*
 * The payload of ev as above; the caller frees it. For a tweet event only
 * ev->tweet and parent_user_id are read (its ids are the event's), for a
 * like user_id, username and tweet. "seq" only when seq > 0.
 */
char *events_encode(const struct event *);
/*
 * Read a payload into *ev: 0, or -1 when it is not JSON, not an object,
 * of no known type, or a member of its type is missing or malformed (ids
 * as validate_id, gen an integer >= 0, a tweet as model_tweet_parse,
 * seq, when present, an integer >= 1); then *ev is zeroed. Members of no
 * use are ignored.
 */
int events_decode(const char *payload, struct event *ev);
/* Free what events_decode allocated in ev (NULL or zeroed is fine). */
void events_release(struct event *);
/*
 * The author of the event in payload, for the event log: the user of
 * every type (the follower for follow and unfollow). -1 when payload is
 * no event.
 */
int64_t events_author(const char *payload);
/*
 * The "seq" of payload (an integer member of its top-level object, as
 * the publisher numbers events), 0 when it has none or it is not >= 1.
 * Read from the end of the text when it is where the publisher writes
 * it, without parsing the whole event.
 */
int64_t events_seq(const char *payload);

#endif
