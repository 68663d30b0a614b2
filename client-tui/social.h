/*
 * social.h: the actions on a selected tweet that every list of tweets
 * shares: like or unlike, repost or unrepost. A repost entry acts on its
 * original (as the server does). The counts on screen come from the
 * server's answer, handed to every view.
 */
#ifndef CHIRP_TUI_SOCIAL_H
#define CHIRP_TUI_SOCIAL_H

#include "model.h"

struct tui;

/* Like t, or unlike it when the caller already does (its liked flag). */
void social_like(struct tui *, const struct tweet *t);
/* Repost t, or unrepost it when the caller already has (reposted). */
void social_repost(struct tui *, const struct tweet *t);

#endif
