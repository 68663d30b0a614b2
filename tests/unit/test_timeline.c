/* test_timeline.c: the TUI's timeline buffer (client-tui/timeline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../client-tui/timeline.h"

static struct tweet
tw(int64_t id)
{
	static char text[32];
	struct tweet t;

	memset(&t, 0, sizeof t);
	t.id = id;
	t.user_id = 7;
	snprintf(t.username, sizeof t.username, "alice");
	snprintf(text, sizeof text, "tweet %lld", (long long)id);
	t.content = text;
	return t;
}

/* A timeline holding ids hi, hi-1, ... lo (newest first). */
static void
fill(struct timeline *tl, int64_t hi, int64_t lo, bool at_end)
{
	struct tweet page[128];
	size_t n = 0;
	int64_t id;

	for (id = hi; id >= lo; id--)
		page[n++] = tw(id);
	timeline_replace(tl, page, n, !at_end);
}

static void
assert_newest_first(const struct timeline *tl)
{
	size_t i;

	for (i = 1; i < tl->len; i++)
		assert_true(tl->items[i - 1].id > tl->items[i].id);
}

static void
insert_keeps_newest_first_order_by_id(void **state)
{
	struct timeline tl;
	struct tweet t;
	int64_t ids[] = {5, 9, 1, 7, 3};
	size_t i;

	(void)state;
	timeline_init(&tl);
	tl.at_end = true;
	for (i = 0; i < 5; i++) {
		t = tw(ids[i]);
		assert_true(timeline_insert(&tl, &t));
	}
	assert_int_equal(tl.len, 5);
	assert_newest_first(&tl);
	assert_int_equal(timeline_newest_id(&tl), 9);
	assert_int_equal(timeline_oldest_id(&tl), 1);
	assert_string_equal(tl.items[0].content, "tweet 9");
	timeline_release(&tl);
}

static void
insert_at_top_is_visible_without_new_marker(void **state)
{
	struct timeline tl;
	struct tweet t = tw(11);

	(void)state;
	timeline_init(&tl);
	fill(&tl, 10, 1, true);
	assert_true(timeline_insert(&tl, &t));
	assert_int_equal(tl.top, 0);
	assert_int_equal(tl.new_count, 0);
	assert_int_equal(tl.items[0].id, 11);
	/* watching the head, the selection follows it */
	assert_int_equal(timeline_selected(&tl)->id, 11);
	/* otherwise it stays on the tweet it was on */
	timeline_select(&tl, 2);	/* id 9 */
	t = tw(12);
	assert_true(timeline_insert(&tl, &t));
	assert_int_equal(tl.top, 0);
	assert_int_equal(tl.new_count, 0);
	assert_int_equal(timeline_selected(&tl)->id, 9);
	timeline_release(&tl);
}

static void
insert_while_scrolled_keeps_position_and_counts_new(void **state)
{
	struct timeline tl;
	struct tweet t;
	int64_t id;

	(void)state;
	timeline_init(&tl);
	fill(&tl, 20, 1, true);
	timeline_select(&tl, 8);	/* id 12 */
	timeline_set_top(&tl, 5);	/* id 15 first on screen */
	for (id = 21; id <= 23; id++) {
		t = tw(id);
		assert_true(timeline_insert(&tl, &t));
	}
	assert_int_equal(tl.items[tl.top].id, 15);
	assert_int_equal(timeline_selected(&tl)->id, 12);
	assert_int_equal(tl.new_count, 3);
	/* scrolling up over two of them leaves one unseen */
	timeline_set_top(&tl, 1);
	assert_int_equal(tl.new_count, 1);
	timeline_set_top(&tl, 0);
	assert_int_equal(tl.new_count, 0);
	timeline_release(&tl);
}

static void
insert_below_view_does_not_count_new(void **state)
{
	struct timeline tl;
	struct tweet t = tw(10);

	(void)state;
	timeline_init(&tl);
	fill(&tl, 20, 11, true);
	timeline_remove(&tl, 14);
	timeline_set_top(&tl, 2);	/* id 18 */
	timeline_select(&tl, 3);	/* id 17 */
	t = tw(14);
	assert_true(timeline_insert(&tl, &t));
	assert_int_equal(tl.new_count, 0);
	assert_int_equal(tl.items[tl.top].id, 18);
	assert_int_equal(timeline_selected(&tl)->id, 17);
	assert_newest_first(&tl);
	timeline_release(&tl);
}

static void
insert_duplicate_is_refused(void **state)
{
	struct timeline tl;
	struct tweet t = tw(5);

	(void)state;
	timeline_init(&tl);
	fill(&tl, 10, 1, true);
	assert_false(timeline_insert(&tl, &t));
	assert_int_equal(tl.len, 10);
	timeline_release(&tl);
}

static void
insert_older_than_loaded_waits_for_the_page(void **state)
{
	struct timeline tl;
	struct tweet t = tw(3);

	(void)state;
	timeline_init(&tl);
	fill(&tl, 20, 11, false);	/* older pages remain */
	assert_false(timeline_insert(&tl, &t));
	assert_int_equal(tl.len, 10);
	tl.at_end = true;		/* everything is loaded */
	assert_true(timeline_insert(&tl, &t));
	assert_int_equal(timeline_oldest_id(&tl), 3);
	timeline_release(&tl);
}

static void
remove_by_id_keeps_selection_and_view(void **state)
{
	struct timeline tl;

	(void)state;
	timeline_init(&tl);
	fill(&tl, 20, 1, true);
	timeline_set_top(&tl, 5);	/* id 15 */
	timeline_select(&tl, 8);	/* id 12 */
	assert_true(timeline_remove(&tl, 18));	/* above the view */
	assert_int_equal(tl.items[tl.top].id, 15);
	assert_int_equal(timeline_selected(&tl)->id, 12);
	assert_true(timeline_remove(&tl, 3));	/* below */
	assert_int_equal(timeline_selected(&tl)->id, 12);
	assert_false(timeline_remove(&tl, 3));
	assert_int_equal(timeline_find(&tl, 18), -1);
	assert_int_equal(tl.len, 18);
	assert_newest_first(&tl);
	timeline_release(&tl);
}

static void
remove_selected_selects_next_older(void **state)
{
	struct timeline tl;

	(void)state;
	timeline_init(&tl);
	fill(&tl, 5, 1, true);
	timeline_select(&tl, 2);	/* id 3 */
	assert_true(timeline_remove(&tl, 3));
	assert_int_equal(timeline_selected(&tl)->id, 2);
	timeline_select(&tl, SIZE_MAX);	/* id 1, the last */
	assert_true(timeline_remove(&tl, 1));
	assert_int_equal(timeline_selected(&tl)->id, 2);
	assert_true(timeline_remove(&tl, 2));
	assert_true(timeline_remove(&tl, 4));
	assert_true(timeline_remove(&tl, 5));
	assert_int_equal(tl.len, 0);
	assert_null(timeline_selected(&tl));
	assert_int_equal(tl.top, 0);
	timeline_release(&tl);
}

static void
remove_of_unseen_new_entry_lowers_count(void **state)
{
	struct timeline tl;
	struct tweet t = tw(21);

	(void)state;
	timeline_init(&tl);
	fill(&tl, 20, 1, true);
	timeline_select(&tl, 3);
	timeline_set_top(&tl, 1);
	assert_true(timeline_insert(&tl, &t));
	assert_int_equal(tl.new_count, 1);
	assert_int_equal(tl.top, 2);
	assert_true(timeline_remove(&tl, 21));
	assert_true(timeline_remove(&tl, 20));
	assert_int_equal(tl.top, 0);
	assert_int_equal(tl.new_count, 0);
	timeline_release(&tl);
}

static void
older_pages_append_and_mark_the_end(void **state)
{
	struct timeline tl;
	struct tweet page[10];
	size_t i;

	(void)state;
	timeline_init(&tl);
	fill(&tl, 30, 21, false);
	timeline_select(&tl, 9);
	for (i = 0; i < 10; i++)
		page[i] = tw(20 - (int64_t)i);
	assert_int_equal(timeline_append_older(&tl, page, 10, 10), 10);
	assert_false(tl.at_end);
	assert_int_equal(tl.len, 20);
	assert_int_equal(timeline_selected(&tl)->id, 21);
	assert_int_equal(timeline_oldest_id(&tl), 11);
	/* a short page, overlapping one entry: the end */
	for (i = 0; i < 4; i++)
		page[i] = tw(11 - (int64_t)i);
	assert_int_equal(timeline_append_older(&tl, page, 4, 10), 3);
	assert_true(tl.at_end);
	assert_int_equal(tl.len, 23);
	assert_newest_first(&tl);
	timeline_release(&tl);
}

static void
replay_merges_without_duplicates(void **state)
{
	struct timeline tl;
	struct tweet t;
	int64_t replay[] = {8, 9, 10, 11, 12, 12, 13};
	size_t i, added = 0;

	(void)state;
	timeline_init(&tl);
	fill(&tl, 10, 1, true);
	/* a replay after a reconnect repeats what was already seen */
	for (i = 0; i < sizeof replay / sizeof replay[0]; i++) {
		t = tw(replay[i]);
		if (timeline_insert(&tl, &t))
			added++;
	}
	assert_int_equal(added, 3);
	assert_int_equal(tl.len, 13);
	assert_newest_first(&tl);
	timeline_release(&tl);
}

static void
refresh_keeps_the_selected_tweet(void **state)
{
	struct timeline tl;
	struct tweet page[3];

	(void)state;
	timeline_init(&tl);
	fill(&tl, 10, 1, false);
	timeline_select(&tl, 4);	/* id 6 */
	timeline_set_top(&tl, 3);
	fill(&tl, 12, 3, false);	/* two newer, 2 and 1 paged out */
	assert_int_equal(timeline_selected(&tl)->id, 6);
	assert_int_equal(tl.items[tl.top].id, 7);
	assert_int_equal(tl.new_count, 0);
	/* the selected tweet is gone: the one in its place is selected */
	page[0] = tw(12);
	page[1] = tw(11);
	page[2] = tw(2);
	timeline_replace(&tl, page, 3, false);
	assert_true(tl.at_end);
	assert_int_equal(timeline_selected(&tl)->id, 2);
	timeline_release(&tl);
}

/* A reload where the selected tweet was deleted: the nearest older one. */
static void
reload_selects_the_nearest_older_when_the_selected_is_gone(void **state)
{
	struct timeline tl;
	struct tweet page[16];
	int64_t ids[] = { 12, 11, 10, 9, 8, 7, 5, 4, 3, 2, 1 };
	size_t i, n = sizeof ids / sizeof ids[0];

	(void)state;
	timeline_init(&tl);
	fill(&tl, 10, 1, true);
	timeline_select(&tl, 4);	/* id 6 */
	timeline_set_top(&tl, 3);	/* one entry above it on screen */
	for (i = 0; i < n; i++)
		page[i] = tw(ids[i]);
	timeline_replace(&tl, page, n, false);
	assert_int_equal(timeline_selected(&tl)->id, 5);
	assert_int_equal(tl.items[tl.top].id, 7);
	/* everything older is gone too: the oldest left */
	page[0] = tw(12);
	page[1] = tw(11);
	timeline_replace(&tl, page, 2, false);
	assert_int_equal(timeline_selected(&tl)->id, 11);
	timeline_release(&tl);
}

static void
move_is_clamped(void **state)
{
	struct timeline tl;

	(void)state;
	timeline_init(&tl);
	timeline_move(&tl, 3);
	assert_null(timeline_selected(&tl));
	fill(&tl, 5, 1, true);
	timeline_move(&tl, -3);
	assert_int_equal(tl.selected, 0);
	timeline_move(&tl, 3);
	assert_int_equal(tl.selected, 3);
	timeline_move(&tl, 30);
	assert_int_equal(tl.selected, 4);
	timeline_set_top(&tl, 99);
	assert_int_equal(tl.top, 4);
	timeline_release(&tl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(insert_keeps_newest_first_order_by_id),
		cmocka_unit_test(insert_at_top_is_visible_without_new_marker),
		cmocka_unit_test(
		    insert_while_scrolled_keeps_position_and_counts_new),
		cmocka_unit_test(insert_below_view_does_not_count_new),
		cmocka_unit_test(insert_duplicate_is_refused),
		cmocka_unit_test(insert_older_than_loaded_waits_for_the_page),
		cmocka_unit_test(remove_by_id_keeps_selection_and_view),
		cmocka_unit_test(remove_selected_selects_next_older),
		cmocka_unit_test(remove_of_unseen_new_entry_lowers_count),
		cmocka_unit_test(older_pages_append_and_mark_the_end),
		cmocka_unit_test(replay_merges_without_duplicates),
		cmocka_unit_test(refresh_keeps_the_selected_tweet),
		cmocka_unit_test(
		    reload_selects_the_nearest_older_when_the_selected_is_gone),
		cmocka_unit_test(move_is_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
