/* follow.h: whom the user follows, and following from the TUI. */
#ifndef CHIRP_TUI_FOLLOW_H
#define CHIRP_TUI_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

struct tui;

/* Read the whole follow list of the logged-in user (GET followings). */
void follow_load(struct tui *);
bool follow_contains(const struct tui *, int64_t id);
/* Follow or unfollow that user, then reload the home timeline. */
void follow_toggle(struct tui *, int64_t user_id, const char *username);

#endif
