/*
 * routes.c: the whole HTTP surface of chirp-tweetd. The public routes are
 * the Tweets section of docs/API.md, and the likes and reposts of its
 * Conversations section (POST|DELETE /tweets/{id}/like, GET
 * /tweets/{id}/likes, POST|DELETE /tweets/{id}/repost). The /internal/
 * ones are chirp-userd's account-deletion protocol (deletion.h), for
 * chirp-userd's service credential only (svcauth.h); the gateway never
 * routes them:
 *
 *   POST /internal/deletions {"gid","userId"}   phase one: prepare
 *   POST /internal/deletions/{gid}/commit        phase two: commit
 *   POST /internal/deletions/{gid}/abort         or roll back
 *
 * commit and abort answer 200 {"message","state"}: "committed",
 * "aborted", or "absent" (nothing prepared and never committed).
 *
 * For the gateway's service credential, the event log (common/eventlog.h):
 *
 *   GET /internal/events?after=<seq>&limit=<1..1000>   every event
 *   GET /internal/feed/{userId}?after=<seq>&limit=      the user's and
 *       those of whom the user follows now; "reset":true when after is
 *       too old or was never issued
 *
 * For chirp-notifyd's service credential:
 *
 *   GET /internal/tweets?ids=1,2,3[&viewer=<userId>]   200 {"tweets":[...]}
 *       those of the (1 to 100) ids that exist, in the order asked, with
 *       viewer's liked/reposted flags when given; 400 when malformed
 */
#include "routes.h"
#include "tweet_http.h"

const struct http_route routes_table[] = {
	{"POST", "/tweets", tweet_http_post, NULL},
	{"GET", "/tweets/homeTimeline/{userId}", tweet_http_home_timeline,
	    NULL},
	{"GET", "/tweets/userTimeline/{userId}", tweet_http_user_timeline,
	    NULL},
	{"GET", "/tweets/{tweetId}", tweet_http_get, NULL},
	{"GET", "/tweets/{tweetId}/thread", tweet_http_thread, NULL},
	{"POST", "/tweets/{tweetId}/like", tweet_http_like, NULL},
	{"DELETE", "/tweets/{tweetId}/like", tweet_http_unlike, NULL},
	{"GET", "/tweets/{tweetId}/likes", tweet_http_likes, NULL},
	{"POST", "/tweets/{tweetId}/repost", tweet_http_repost, NULL},
	{"DELETE", "/tweets/{tweetId}/repost", tweet_http_unrepost, NULL},
	{"DELETE", "/tweets/{tweetId}", tweet_http_delete, NULL},
	{"POST", "/internal/deletions", tweet_http_deletion_prepare, "userd"},
	{"POST", "/internal/deletions/{gid}/commit",
	    tweet_http_deletion_commit, "userd"},
	{"POST", "/internal/deletions/{gid}/abort", tweet_http_deletion_abort,
	    "userd"},
	{"GET", "/internal/events", tweet_http_internal_events,
	    "gateway userd notifyd"},
	{"GET", "/internal/feed/{userId}", tweet_http_internal_feed,
	    "gateway"},
	{"GET", "/internal/tweets", tweet_http_internal_tweets, "notifyd"},
};

const size_t routes_count = sizeof routes_table / sizeof routes_table[0];
