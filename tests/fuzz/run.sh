#!/usr/bin/env bash
# tests/fuzz/run.sh: a libFuzzer campaign over the input parsers (make fuzz).
# FUZZ_SECONDS (default 60) bounds it; the corpus grows in build/fuzz/corpus.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=build/fuzz
mkdir -p "$OUT/corpus"
PKG_CFLAGS=$(pkg-config --cflags jansson libsodium)
PKG_LIBS=$(pkg-config --libs jansson libsodium)
# The parsers and what they need, compiled with the fuzzer's coverage.
clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
    -Icommon $PKG_CFLAGS -o "$OUT/fuzz_input" tests/fuzz/fuzz_input.c \
    common/validate.c common/token.c common/cursor.c common/model.c \
    common/xmalloc.c common/log.c common/timeutil.c common/rand.c \
    gateway/upstream_parse.c $PKG_LIBS -lhttp_parser
# Seeds: a tweet, a token, a cursor, ids, an upstream answer.
printf '\0héllo 日本 🎉' >"$OUT/corpus/seed-content"
printf '\00112345' >"$OUT/corpus/seed-id"
printf '\005{"tweetId":"1","userId":"2","username":"amy","content":"x","timestamp":"2026-11-24T02:06:00.123Z"}' \
    >"$OUT/corpus/seed-tweet"
printf '\006\020HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}' \
    >"$OUT/corpus/seed-answer"
"$OUT/fuzz_input" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=4096 \
    -print_final_stats=1 "$OUT/corpus"
