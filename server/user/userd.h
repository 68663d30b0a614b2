/*
 * userd.h: the context of chirp-userd, one struct handed to every handler
 * (httpd's struct httpd *env).
 */
#ifndef CHIRP_USERD_H
#define CHIRP_USERD_H

#include <stddef.h>
#include <stdint.h>

/* Failed logins per account (login_throttle.h): free tries, longest
 * lock in seconds (the first is the setting login_lock), usernames
 * remembered. */
#define USERD_LOGIN_FAILURES 5
#define USERD_LOGIN_LOCK_CAP 900
#define USERD_LOGIN_THROTTLE_MAX 65536

struct userd {
	struct user_store *store;
	unsigned char *secret;		/* token secret, borrowed (process.h) */
	size_t secret_len;
	int64_t token_ttl;		/* seconds */
	const char *tweet_url;		/* borrowed from the config */
	struct svcauth *svcauth;	/* service credentials, borrowed */
	const char *crash_point;	/* test build only: "after_prepare"... */
	struct deletion *deletion;	/* the 2PC recovery thread */
	struct login_throttle *throttle;	/* failed logins per account */
};

#endif
