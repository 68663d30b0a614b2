# chirp: one plain Makefile (after Redis and git).
#
#   make                      build every binary into build/bin/
#   make run                  install what is missing, start the whole system
#   make test                 every test, sanitizers on, warnings as errors
#   make SANITIZE=address,undefined WERROR=1   a checked build by hand
#   make test-compose         docker-compose.yml brought up for real (podman)
#   make bench                benchmarks under tests/bench/ (print figures)
#   make bench-quick          the same in under 2 minutes (the main rows)
#   make fuzz                 a libFuzzer campaign over the input parsers
#   make install PREFIX=...   binaries, man page, bash completion
#   make format [FIX=1]       clang-format the lines changed since main

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g

WARNINGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wformat=2 \
	-Wvla
ifdef WERROR
WARNINGS += -Werror
endif
ifdef SANITIZE
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
TESTING = 1
endif
# The test build (SANITIZE or TESTING=1, in its own BUILD folder) has the
# fault-injection settings (crash_point); a release build never does.
ifdef TESTING
TESTFLAGS = -DCHIRP_TESTING
endif

PKGS = libpq libwebsockets libmicrohttpd jansson libcurl libsodium ncursesw \
	libnats
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is not linked: common/http_client.c loads it (dlopen) the first
# time an https:// URL needs it, by the name below (issue 11: its thirty
# libraries were two thirds of a whole `chirp timeline`). The gateway
# links libwebsockets; the clients load it (below).
PKG_LIBS := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null)
soname = $(or $(shell objdump -p $(shell pkg-config --variable=libdir $(1) \
	2>/dev/null)/$(2).so 2>/dev/null | awk '/SONAME/ { print $$2 }'),$(3))
CURL_SONAME := $(call soname,libcurl,libcurl,libcurl.so.4)
# and common/feed_client.c loads libwebsockets when a live feed starts
LWS_SONAME := $(call soname,libwebsockets,libwebsockets,libwebsockets.so.17)

ALL_CFLAGS = $(WARNINGS) $(CFLAGS) $(SANFLAGS) $(TESTFLAGS) -Icommon \
	$(PKG_CFLAGS) \
	-DCHIRP_VERSION='"$(VERSION)"' \
	-DCHIRP_CURL_SONAME='"$(CURL_SONAME)"' \
	-DCHIRP_LWS_SONAME='"$(LWS_SONAME)"' -MMD -MP
# a program maps only the libraries its own code calls
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -Wl,--as-needed
LIBS = $(PKG_LIBS) -lhttp_parser -lpthread -lm

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

# Every folder of sources becomes a static archive of its objects (less
# main.c), so that unit tests can link any module without its main().
COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIBCHIRP := $(BUILD)/libchirp.a

define program
$(1)_SRC := $$(wildcard $(2)/*.c)
$(1)_OBJ := $$($(1)_SRC:%.c=$$(BUILD)/%.o)
$(1)_LIBOBJ := $$(filter-out $$(BUILD)/$(2)/main.o,$$($(1)_OBJ))
$(1)_LIB := $$(BUILD)/lib$(1).a
$$($(1)_LIB): $$($(1)_LIBOBJ)
	@mkdir -p $$(@D)
	rm -f $$@ && $$(AR) rcs $$@ $$^
$$(BUILD)/bin/$(3): $$(BUILD)/$(2)/main.o $$($(1)_LIB) $$(LIBCHIRP)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LIBS)
LIB_FOR_$(2) := $$($(1)_LIB)
PROGRAMS += $$(if $$(wildcard $(2)/main.c),$$(BUILD)/bin/$(3))
MODLIBS += $$(if $$($(1)_LIBOBJ),$$($(1)_LIB))
endef

$(eval $(call program,userd,server/user,chirp-userd))
$(eval $(call program,tweetd,server/tweet,chirp-tweetd))
$(eval $(call program,notifyd,server/notify,chirp-notifyd))
$(eval $(call program,discoveryd,server/discovery,chirp-discoveryd))
$(eval $(call program,gateway,gateway,chirp-gateway))
$(eval $(call program,cli,client-cli,chirp))
$(eval $(call program,tui,client-tui,chirp-tui))

TEST_SRC := $(wildcard tests/unit/test_*.c)
TESTS := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOLS := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
BENCH_SRC := $(wildcard tests/bench/*.c)
BENCHES := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

all: $(PROGRAMS)

$(LIBCHIRP): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests (cmocka), test tools and benchmarks: each links libchirp.a and
# the archives of the folders whose headers it includes
# ("../../gateway/cache.h" -> gateway/), so one folder's unfinished work
# never breaks another folder's tests.
used_dirs = $(shell sed -n 's|^\#include "\.\./\.\./\(.*\)/[^/]*\.h".*|\1|p' $(1) | sort -u)
define linked
$(2): $(BUILD)/$(basename $(1)).o $$(foreach d,$$(call used_dirs,$(1)),$$(LIB_FOR_$$(d))) $$(LIBCHIRP)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $$(LIBS) $(3)
endef
$(foreach t,$(TEST_SRC),$(eval $(call linked,$(t),$(t:tests/unit/%.c=$(BUILD)/tests/%),-lcmocka)))
$(foreach t,$(TOOL_SRC),$(eval $(call linked,$(t),$(t:tests/tools/%.c=$(BUILD)/tools/%))))
$(foreach t,$(BENCH_SRC),$(eval $(call linked,$(t),$(t:tests/bench/%.c=$(BUILD)/bench/%))))

unit-tests: $(TESTS) $(TOOLS)
benches: $(BENCHES)

run: deps
	@./deploy/run.sh

# CHIRP_BUS=nats: make run also needs a NATS server (deploy/run.sh).
deps:
	@./deploy/deps.sh $(if $(filter nats,$(CHIRP_BUS)),nats)

# The test build: sanitizers on, warnings are errors.
test:
	@./deploy/deps.sh test
	@./tests/run.sh

# docker-compose.yml with podman, built from Debian's packages: minutes,
# root, not part of make test (tests/compose/run.sh).
test-compose:
	@./tests/compose/run.sh

bench:
	@./deploy/deps.sh bench
	@./tests/bench/run.sh

# Under 2 minutes: the mix at 8 and 32, the pgbench mix, one live test.
bench-quick:
	@./deploy/deps.sh bench
	@CHIRP_BENCH_QUICK=1 ./tests/bench/run.sh

# A libFuzzer campaign over the input parsers (clang): FUZZ_SECONDS=60.
fuzz:
	@./tests/fuzz/run.sh

check-unit: $(TESTS)
	@for t in $(TESTS); do echo "== $$t"; $$t || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/chirp.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 client-cli/chirp.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/chirp

clean:
	rm -rf $(BUILD)

# make format: print the changes clang-format would make to the C lines
# changed since this branch left main (git merge-base HEAD main) up to the
# working tree, committed or not; a new file counts once it is added
# (git add). Fails when there are some. make format FIX=1 makes them.
# Only changed lines: .clang-format says what clang-format 14 cannot
# express, and the rest of the tree keeps its layout. FORMAT_BASE=REV
# measures from another commit (FORMAT_BASE=HEAD: uncommitted work only).
# Not part of make test.
CLANG_FORMAT_DIFF ?= clang-format-diff-14
FORMAT_BASE ?= $(shell git merge-base HEAD main 2>/dev/null || echo HEAD)
FORMAT_DIFF = git diff -U0 --no-color $(FORMAT_BASE) -- '*.c' '*.h'

format:
	@git rev-parse -q --verify '$(FORMAT_BASE)^{commit}' >/dev/null || \
		{ echo "make format: no commit '$(FORMAT_BASE)'" >&2; exit 2; }
ifdef FIX
	$(FORMAT_DIFF) | $(CLANG_FORMAT_DIFF) -p1 -i
else
	@out=$$($(FORMAT_DIFF) | $(CLANG_FORMAT_DIFF) -p1) || exit 1; \
	if [ -n "$$out" ]; then \
		printf '%s\n' "$$out"; \
		echo "make format: 'make format FIX=1' applies this" >&2; \
		exit 1; \
	fi
endif

.PHONY: all run deps test test-compose bench bench-quick fuzz check-unit unit-tests benches install clean \
	format
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
