/* tweet_http.h: the route handlers of chirp-tweetd (tweet_http.c). */
#ifndef CHIRP_TWEET_HTTP_H
#define CHIRP_TWEET_HTTP_H

#include "http_server.h"

http_handler tweet_http_post;
http_handler tweet_http_get;
http_handler tweet_http_delete;
http_handler tweet_http_thread;
http_handler tweet_http_internal_tweets;
http_handler tweet_http_home_timeline;
http_handler tweet_http_user_timeline;
http_handler tweet_http_deletion_prepare;
http_handler tweet_http_deletion_commit;
http_handler tweet_http_deletion_abort;
http_handler tweet_http_internal_events;
http_handler tweet_http_internal_feed;
/* Likes and reposts (social_store.h). */
http_handler tweet_http_like;
http_handler tweet_http_unlike;
http_handler tweet_http_likes;
http_handler tweet_http_repost;
http_handler tweet_http_unrepost;

#endif
