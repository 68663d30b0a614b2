#!/usr/bin/env bash
# t9520: hostile HTTP/1.1 against every listening process (discovery,
# userd, tweetd, gateway), table-driven (tests/tools/hostile-http.py):
# malformed request lines, huge and many headers, duplicate headers,
# chunked bodies that lie, invalid UTF-8 and deep JSON, duplicate keys,
# numbers out of range, NULs in path, query and body, and slow senders.
# Each gets a 4xx or a clean close, the process answers the next normal
# request, slow senders are cut off in bounded time without holding up
# others, and no sanitizer reports anything (finish).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-system.sh"

start_system || { not_ok "the system starts"; finish; exit 1; }
U=$(register "$GATEWAY" alice)
TOKEN=$(login "$GATEWAY" alice)

run() {	# run NAME URL KIND
	/usr/bin/python3 "$CHIRP_ROOT/tests/tools/hostile-http.py" "$1" \
	    "${2##*:}" "$3" "$TOKEN" "$U" >"$T/hostile-$1.out" 2>&1
}
run discovery "$DISCOVERY" discovery & p1=$!
run userd "$USERD" userd & p2=$!
run tweetd "$TWEETD" tweetd & p3=$!
run gateway "$GATEWAY" gateway & p4=$!
wait $p1 $p2 $p3 $p4
for n in discovery userd tweetd gateway; do
	[ -s "$T/hostile-$n.out" ] || not_ok "$n: the hostile script ran"
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }";;
		"not ok "*) not_ok "${line#not ok }";;
		*) echo "# $line";;
		esac
	done <"$T/hostile-$n.out"
done
finish
