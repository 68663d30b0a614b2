/*
 * notifyd.h: the context of chirp-notifyd, one per process, handed to
 * every route handler (httpd's struct httpd *env).
 */
#ifndef CHIRP_NOTIFYD_H
#define CHIRP_NOTIFYD_H

#include <stddef.h>

struct notifyd {
	struct notify_store *store;	/* the notification database */
	struct svc_client *userd;	/* chirp-userd: events, users */
	struct svc_client *tweetd;	/* chirp-tweetd: events, tweets */
	struct revoke *revoke;		/* revoked tokens (revocations.h) */
	unsigned char *secret;		/* token secret, borrowed (process.h) */
	size_t secret_len;
	struct svcauth *svcauth;	/* service credentials, borrowed */
};

#endif
