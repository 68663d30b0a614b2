/*
 * test_fuzz_corpus.c: every file of tests/fuzz/corpus/ (the seeds of
 * make fuzz and each input a campaign found to crash, kept with its fix)
 * through every fuzz target, in the test build (ASan, UBSan): what once
 * broke a parser stays fixed. Run from the top of the tree, or with
 * CHIRP_ROOT set.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../client-cli/output.h"
#include "../../gateway/routes.h"
#include "../../gateway/upstream_parse.h"
#include "../fuzz/fuzz_input.c"

#define CORPUS "tests/fuzz/corpus"

static unsigned char *
read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0 && n <= 1 << 20);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
every_corpus_file_through_every_target(void **state)
{
	const char *root = getenv("CHIRP_ROOT");
	char dir[2048], path[4096];
	size_t files = 0, len;
	struct dirent *e;
	unsigned char *buf;
	DIR *d;
	int t, k;

	(void)state;
	for (t = 0; t < FUZZ_TARGETS; t++) {
		snprintf(dir, sizeof(dir), "%s%s%s/%s",
		    root != NULL ? root : "", root != NULL ? "/" : "", CORPUS,
		    fuzz_target_names[t]);
		d = opendir(dir);
		if (d == NULL) {
			print_error("no corpus folder %s\n", dir);
			fail();
		}
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			buf = read_all(path, &len);
			for (k = 0; k < FUZZ_TARGETS; k++)
				fuzz_one(k, buf, len);
			free(buf);
			files++;
		}
		closedir(d);
	}
	/* every target has seeds: an empty corpus tests nothing */
	assert_true(files >= FUZZ_TARGETS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_corpus_file_through_every_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
