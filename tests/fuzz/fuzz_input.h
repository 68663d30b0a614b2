/* fuzz_input.h: the fuzz targets, for libFuzzer and the corpus replay. */
#ifndef CHIRP_FUZZ_INPUT_H
#define CHIRP_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_TARGETS 11

/* Their names: also the folders of tests/fuzz/corpus/. */
extern const char *const fuzz_target_names[FUZZ_TARGETS];

/* One input through one target; aborts when a property fails. */
void fuzz_one(int target, const uint8_t *data, size_t size);

#endif
