/* entry.c: one tweet drawn in a list (see entry.h). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "entry.h"
#include "parent.h"
#include "text.h"
#include "timeutil.h"
#include "tui.h"

const struct tweet *
entry_shown(const struct tweet *t)
{
	return t->repost_of != NULL ? t->repost_of : t;
}

int
entry_height(const struct tweet *t, int width)
{
	const struct tweet *s = entry_shown(t);
	struct text_lines w;
	int h;

	text_wrap(s->content, width, &w);
	/* header, text, counts, blank */
	h = (int)w.n + 3;
	text_lines_release(&w);
	if (t->repost_of != NULL)
		h++;
	if (s->reply_to > 0)
		h++;
	return h;
}

/* "replying to @user", or what is known of the parent. */
static void
entry_reply_line(struct tui *tui, int64_t parent, char *out, size_t size)
{
	const char *name;

	switch (parent_lookup(tui, parent, &name)) {
	case PARENT_KNOWN:
		snprintf(out, size, "replying to @%s", name);
		break;
	case PARENT_GONE:
		snprintf(out, size, "replying to a deleted tweet");
		break;
	default:
		snprintf(out, size, "replying to a tweet");
		break;
	}
}

/* The counts line: symbols in a UTF-8 locale, words elsewhere. */
static void
entry_counts(const struct tui *tui, const struct tweet *t, bool liked,
    bool reposted, char *out, size_t size)
{
	const char *mine = liked && reposted ? "  (you liked, reposted)" :
	    liked ? "  (you liked)" : reposted ? "  (you reposted)" : "";

	if (tui->utf8)
		snprintf(out, size, "\xe2\x86\xa9 %lld  \xe2\x99\xa5 %lld  "
		    "\xe2\x9f\xb3 %lld%s", (long long)t->reply_count,
		    (long long)t->like_count, (long long)t->repost_count, mine);
	else
		snprintf(out, size, "replies %lld  likes %lld  reposts %lld%s",
		    (long long)t->reply_count, (long long)t->like_count,
		    (long long)t->repost_count, mine);
}

int
entry_draw(struct tui *tui, const struct tweet *t, int y, int x, int width,
    int last, bool sel)
{
	const struct tweet *s = entry_shown(t);
	unsigned name_attr = tui_attr(tui, TUI_COLOR_NAME, 0) | A_BOLD;
	unsigned dim = tui_attr(tui, TUI_COLOR_DIM, A_DIM);
	struct text_lines w;
	char when[32], line[160];
	int y0 = y, hx;
	size_t k;
	bool liked, reposted;

	if (t->repost_of != NULL) {
		if (sel)
			tui_put_selected(y);
		snprintf(line, sizeof line, "%sreposted by @%s", tui->utf8 ?
		    "\xe2\x9f\xb3 " : "", t->username);
		if (y <= last)
			tui_put(y, x, COLS - x, line, sel ? A_REVERSE : dim);
		y++;
		sel = false;
	}
	if (y <= last) {
		if (sel)
			tui_put_selected(y);
		time_format_age(time_now_ms(), s->created_ms, when,
		    sizeof when);
		snprintf(line, sizeof line, "@%s", s->username);
		tui_put(y, x, COLS - x, line, sel ? A_REVERSE | A_BOLD :
		    name_attr);
		hx = x + text_width(line) + 2;
		tui_put(y, hx, COLS - hx, when, sel ? A_REVERSE : dim);
	}
	y++;
	if (s->reply_to > 0) {
		entry_reply_line(tui, s->reply_to, line, sizeof line);
		if (y <= last)
			tui_put(y, x, width, line, dim);
		y++;
	}
	text_wrap(s->content, width, &w);
	for (k = 0; k < w.n; k++, y++)
		if (y <= last)
			tui_put(y, x, width, w.line[k], 0);
	text_lines_release(&w);
	/* a repost's own flags, when the original came without them */
	liked = s->has_flags ? s->liked : t->liked;
	reposted = s->has_flags ? s->reposted : t->reposted;
	entry_counts(tui, s, liked, reposted, line, sizeof line);
	if (y <= last)
		tui_put(y, x, width, line, dim);
	y++;
	return y + 1 - y0;
}

static void
entry_take(struct tweet *dst, const struct tweet *u)
{
	dst->reply_count = u->reply_count;
	dst->like_count = u->like_count;
	dst->repost_count = u->repost_count;
	if (u->has_flags) {
		dst->has_flags = true;
		dst->liked = u->liked;
		dst->reposted = u->reposted;
	}
}

bool
entry_apply(struct tweet *dst, const struct tweet *u)
{
	if (dst->id == u->id) {
		entry_take(dst, u);
		return true;
	}
	if (dst->repost_of != NULL && dst->repost_of->id == u->id) {
		entry_take(dst->repost_of, u);
		if (u->has_flags) {
			dst->liked = u->liked;
			dst->reposted = u->reposted;
		}
		return true;
	}
	return false;
}
