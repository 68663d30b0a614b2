#!/usr/bin/env bash
# docs/API.md (the contract) and docs/openapi.json (what runs) name the
# same routes: every `METHOD /path` row of docs/API.md's route tables is an
# operation of openapi.json, every method openapi.json gives a path of
# those tables is a row, and every path of openapi.json is named in
# docs/API.md. Routes documented but not built yet are listed below, so the
# check passes until they land and then insists the list shrinks.
. "$(dirname "$0")/../lib.sh"

API=$CHIRP_ROOT/docs/API.md
SPEC=$CHIRP_ROOT/docs/openapi.json

# Documented in docs/API.md, not built yet (absent from openapi.json), with the
# work that builds them. Delete a line when its route reaches openapi.json:
# a line whose route is there, or that docs/API.md no longer documents, fails.
not_built='
'

# "GET /users/{userId}?x=1" -> "GET /users/{}": parameter names and the
# query do not matter.
norm() { sed -E 's/\?[^ ]*$//; s/\{[^}]*\}/{}/g'; }

check "docs/API.md exists" test -s "$API"
check "openapi.json is JSON" jq -e . "$SPEC"

# The rows of docs/API.md's route tables: "| `METHOD /path` | ...".
grep -oE '^\| `(GET|POST|PUT|PATCH|DELETE) /[^`]*`' "$API" |
	sed -E 's/^\| `//; s/`$//' | norm | sort -u >"$T/api"
# openapi.json's operations (methods of paths, upper case).
jq -r '.paths | to_entries[] | .key as $p | .value | keys[]
	| select(IN("get","put","post","delete","patch","head","options"))
	| "\(ascii_upcase) \($p)"' "$SPEC" | norm | sort -u >"$T/spec"
sed -E 's/#.*//; s/\t.*//; /^[[:space:]]*$/d' <<<"$not_built" | norm |
	sort -u >"$T/not_built"

check "docs/API.md has route tables" test "$(wc -l <"$T/api")" -gt 10

# expect_none DESC LIST: passes when LIST (one mismatch a line) is empty,
# else fails and prints each mismatch.
expect_none() {
	if [ -z "$2" ]; then ok "$1"; else
		local IFS=$'\n'
		# shellcheck disable=SC2086
		not_ok "$1" $2
	fi
}

# 1. Every documented route runs, or is on the list.
expect_none "every route of docs/API.md's tables is in openapi.json" \
	"$(comm -23 "$T/api" "$T/spec" | comm -23 - "$T/not_built")"

# 2. The list is not stale: nothing on it is built, all of it is documented.
expect_none "no route listed as not built is in openapi.json (delete its line)" \
	"$(comm -12 "$T/not_built" "$T/spec")"
expect_none "every route listed as not built is in docs/API.md's tables" \
	"$(comm -23 "$T/not_built" "$T/api")"

# 3. For a path docs/API.md's tables name, openapi.json has no other method.
cut -d' ' -f2 "$T/api" | sort -u >"$T/api_paths"
expect_none "openapi.json has no method on those paths that docs/API.md leaves out" \
	"$(while read -r m p; do
		grep -qxF "$p" "$T/api_paths" && ! grep -qxF "$m $p" "$T/api" &&
			echo "$m $p"
	done <"$T/spec")"

# 4. Every path of openapi.json is named in docs/API.md, in a table or in the
#    text ("GET /status", "/ws", "/services").
sed -E 's/\{[^}]*\}/{}/g' "$API" >"$T/api_text"
expect_none "every path of openapi.json is named in docs/API.md" \
	"$(cut -d' ' -f2 "$T/spec" | sort -u | while read -r p; do
		re=$(sed 's/[.{}]/\\&/g' <<<"$p")
		grep -qE "(^|[ \`(])$re([\` ?,):]|\$)" "$T/api_text" || echo "$p"
	done)"

finish
