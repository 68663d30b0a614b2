/* social.c: like and repost the selected tweet (see social.h). */
#include <stdio.h>
#include <string.h>

#include "entry.h"
#include "social.h"
#include "tui.h"

/* The caller's flags of what t shows (a repost's, when the original
 * came without them). */
static void
social_flags(const struct tweet *t, bool *liked, bool *reposted)
{
	const struct tweet *s = entry_shown(t);

	*liked = s->has_flags ? s->liked : t->liked;
	*reposted = s->has_flags ? s->reposted : t->reposted;
}

/* Parse the tweet an action answered and hand its counts to the views. */
static void
social_update(struct tui *tui, const json_t *answer)
{
	struct tweet u;

	if (!model_tweet_parse(answer, &u))
		return;
	tui_broadcast_update(tui, &u);
	model_tweet_release(&u);
}

void
social_like(struct tui *tui, const struct tweet *t)
{
	const struct tweet *s = entry_shown(t);
	struct api_error err;
	json_t *answer = NULL;
	bool liked, reposted;

	social_flags(t, &liked, &reposted);
	if ((liked ? api_unlike_tweet(tui->api, s->id, &answer, &err) :
	    api_like_tweet(tui->api, s->id, &answer, &err)) != API_OK) {
		tui_api_error(tui, liked ? "cannot unlike" : "cannot like",
		    &err);
		return;
	}
	social_update(tui, answer);
	json_decref(answer);
	tui_message(tui, liked ? "unliked" : "liked");
}

void
social_repost(struct tui *tui, const struct tweet *t)
{
	const struct tweet *s = entry_shown(t);
	struct api_error err;
	json_t *answer = NULL;
	struct tweet r;
	int64_t id = s->id;
	bool liked, reposted;

	social_flags(t, &liked, &reposted);
	if ((reposted ? api_unrepost_tweet(tui->api, id, &answer, &err) :
	    api_repost_tweet(tui->api, id, &answer, &err)) != API_OK) {
		tui_api_error(tui, reposted ? "cannot unrepost" :
		    "cannot repost", &err);
		return;
	}
	if (!reposted && model_tweet_parse(answer, &r)) {
		/* the repost is an entry of our timelines now; its original
		 * holds the counts after it */
		if (r.repost_of != NULL) {
			if (!r.repost_of->has_flags) {
				r.repost_of->has_flags = true;
				r.repost_of->liked = liked;
				r.repost_of->reposted = true;
			}
			tui_broadcast_update(tui, r.repost_of);
		}
		tui_broadcast_tweet(tui, &r);
		model_tweet_release(&r);
	}
	json_decref(answer);
	if (reposted) {
		/* DELETE answers a message: the counts come from a read; the
		 * repost entry itself leaves with the feed's delete */
		answer = NULL;
		if (api_get_tweet(tui->api, id, &answer, &err) == API_OK)
			social_update(tui, answer);
		json_decref(answer);
	}
	tui_message(tui, reposted ? "unreposted" : "reposted");
}
