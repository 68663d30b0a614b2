/*
 * tweetd.h: the context of chirp-tweetd, one per process, handed to every
 * route handler (httpd's struct httpd *env).
 */
#ifndef CHIRP_TWEETD_H
#define CHIRP_TWEETD_H

#include <stddef.h>

struct tweetd {
	struct tweet_store *store;	/* the tweet database */
	struct userd_client *userd;	/* REST client to chirp-userd */
	struct followings *followings;	/* user events, internal feed */
	struct feed *feed;		/* home timelines (feed.h) */
	struct deletion *deletion;	/* account-deletion participant */
	struct revoke *revoke;		/* revoked tokens (revocations.h) */
	const char *user_url;		/* chirp-userd, borrowed from config */
	unsigned char *secret;		/* token secret, borrowed (process.h) */
	size_t secret_len;
	struct svcauth *svcauth;	/* service credentials, borrowed */
};

#endif
