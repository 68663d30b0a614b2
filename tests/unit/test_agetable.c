/* test_agetable.c: the bounded, age-ordered key table (common/agetable.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agetable.h"

struct item {
	struct agetable_node n;
	int v;
};

static void
evicted(void *entry, void *arg)
{
	*(int *)arg = ((struct item *)entry)->v;
}

/* Full: the oldest goes (to the callback); a touched key is newest. */
static void
test_bound_evicts_oldest(void **state)
{
	struct agetable t;
	struct item *e;
	bool created;
	int gone = 0;

	(void)state;
	agetable_init(&t, 2, sizeof(struct item));
	e = agetable_get(&t, "a", 0, &created, evicted, &gone);
	assert_true(created);
	e->v = 1;
	e = agetable_get(&t, "b", 0, &created, evicted, &gone);
	e->v = 2;
	e = agetable_get(&t, "a", 0, &created, evicted, &gone);
	assert_false(created);
	assert_int_equal(e->v, 1);
	agetable_touch(&t, e);		/* b is now the oldest */
	e = agetable_get(&t, "c", 0, &created, evicted, &gone);
	e->v = 3;
	assert_int_equal(gone, 2);
	assert_int_equal(agetable_count(&t), 2);
	assert_null(agetable_find(&t, "b", 0));
	/* oldest first: a, then c */
	e = AGETABLE_OLDEST(&t);
	assert_int_equal(e->v, 1);
	e = AGETABLE_NEWER(e);
	assert_int_equal(e->v, 3);
	assert_null(AGETABLE_NEWER(e));
	agetable_remove(&t, agetable_find(&t, "a", 0));
	assert_int_equal(agetable_count(&t), 1);
	agetable_release(&t);
}

/* Id keys, a zero bound taken as one, and expiry from the oldest end. */
static void
test_ids_and_expiry(void **state)
{
	struct agetable t;
	struct item *e;
	int64_t id;

	(void)state;
	agetable_init(&t, 0, sizeof(struct item));
	e = agetable_get(&t, NULL, 7, NULL, NULL, NULL);
	e->v = 7;
	e = agetable_get(&t, NULL, 8, NULL, NULL, NULL);
	assert_int_equal(agetable_count(&t), 1);
	assert_null(agetable_find(&t, NULL, 7));
	agetable_release(&t);

	agetable_init(&t, 100, sizeof(struct item));
	for (id = 1; id <= 50; id++)
		((struct item *)agetable_get(&t, NULL, id, NULL, NULL,
		    NULL))->v = (int)id;
	while ((e = AGETABLE_OLDEST(&t)) != NULL && e->v <= 40)
		agetable_remove(&t, e);
	assert_int_equal(agetable_count(&t), 10);
	assert_non_null(agetable_find(&t, NULL, 41));
	assert_null(agetable_find(&t, NULL, 40));
	agetable_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound_evicts_oldest),
		cmocka_unit_test(test_ids_and_expiry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
