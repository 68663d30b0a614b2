#!/usr/bin/env bash
# tests/fuzz/run.sh: a libFuzzer campaign over the input parsers (make fuzz),
# one binary and one campaign per target of tests/fuzz/fuzz_input.c.
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   names to run (default all: utf8 id name token cursor
#                  tweet upstream feed answer body path)
# Each campaign starts from the seeds in tests/fuzz/corpus/<target>/ and
# grows build/fuzz/corpus/<target>/; a crash is written to
# build/fuzz/crash-<target>-*. Fix it and add the input to
# tests/fuzz/corpus/<target>/: make test replays every file there
# (tests/unit/test_fuzz_corpus.c).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=build/fuzz
ALL="utf8 id name token cursor tweet upstream feed answer body path"
PKGS="libpq libwebsockets libmicrohttpd jansson libcurl libsodium ncursesw"
PKG_CFLAGS=$(pkg-config --cflags $PKGS)
PKG_LIBS=$(pkg-config --libs $PKGS)
FLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Icommon $PKG_CFLAGS"
SAN="address,undefined"
mkdir -p "$OUT/obj"

# The parsers and what they need, once, with the fuzzer's coverage.
SRC="$(ls common/*.c) client-cli/output.c gateway/routes.c
    gateway/upstream_parse.c"
OBJS=""
for f in $SRC; do
	o="$OUT/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
		clang $FLAGS -fsanitize=fuzzer-no-link,$SAN -c -o "$o" "$f"
	fi
	OBJS="$OBJS $o"
done

i=0
for name in $ALL; do
	case " ${FUZZ_TARGETS:-$ALL} " in *" $name "*) ;; *) i=$((i + 1)); continue;; esac
	clang $FLAGS -fsanitize=fuzzer,$SAN -DFUZZ_MAIN -DFUZZ_TARGET=$i \
	    -o "$OUT/fuzz-$name" tests/fuzz/fuzz_input.c $OBJS \
	    $PKG_LIBS -lhttp_parser -lpthread -lm
	mkdir -p "$OUT/corpus/$name"
	echo "== fuzz $name (${FUZZ_SECONDS:-60} s)"
	"$OUT/fuzz-$name" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=4096 \
	    -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$OUT/crash-$name-" \
	    "$OUT/corpus/$name" "tests/fuzz/corpus/$name"
	i=$((i + 1))
done
