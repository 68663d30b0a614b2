#!/usr/bin/env bash
# The README's one table of settings (Configuration) against every binary's
# own --help: a setting missing from either side, a default that differs,
# a variable not named by the rule, or a process listed wrongly fails, each
# named. The clients' variables and default server against their help.
# No system is started.
. "$(dirname "$0")/../lib.sh"

BINS="userd tweetd notifyd discoveryd gateway"
for b in $BINS; do
	"$CHIRP_BIN/chirp-$b" --help >"$T/help.$b" 2>&1
	expect_eq "chirp-$b --help exits 0" "$?" 0
done
"$CHIRP_BIN/chirp" help >"$T/help.chirp" 2>&1
"$CHIRP_BIN/chirp-tui" --help >"$T/help.chirp-tui" 2>&1

cat >"$T/table.py" <<'PY'
import re, sys

readme, helpdir = sys.argv[1], sys.argv[2]
servers = ['userd', 'tweetd', 'notifyd', 'discoveryd', 'gateway']
clients = ['chirp', 'chirp-tui']
groups = {'all': servers, 'services': ['userd', 'tweetd', 'notifyd']}
errors = []

# --- the README's table: the first one in "## Configuration" ---
text = open(readme, encoding='utf-8').read()
sec = text.split('\n## Configuration\n', 1)[1].split('\n## ', 1)[0]
rows, seen_header = [], False
for line in sec.split('\n'):
	if line.startswith('| setting | variable | processes | default |'):
		seen_header = True
		continue
	if seen_header and not line.startswith('|'):
		break
	if seen_header and not line.startswith('|---'):
		cells = [c.strip() for c in line.strip().strip('|').split('|')]
		if len(cells) != 5:
			errors.append('README: a row without 5 cells: ' + line)
			continue
		rows.append(cells)
if not rows:
	errors.append('README: no table of settings under ## Configuration')

def unquote(c):
	m = re.fullmatch(r'`([^`]*)`', c)
	return m.group(1) if m else None

def procs_of(cell):
	out = []
	for p in [p.strip() for p in cell.split(',') if p.strip()]:
		out += groups.get(p, [p])
	return out

# readme[proc][setting] = default (None: none)
table = {p: {} for p in servers + clients}
client_vars = {}
for setting, var, procs, default, meaning in rows:
	name = unquote(setting) if setting else None
	plist = procs_of(procs)
	for p in plist:
		if p not in table:
			errors.append('README: %s: unknown process %r' %
			    (setting or var, p))
	if any(p in clients for p in plist):
		v = unquote(var)
		client_vars[v] = (plist, unquote(default))
		continue
	if name is None:
		errors.append('README: row %r has no setting' % var)
		continue
	want_var = 'CHIRP_' + name.upper()
	if unquote(var) != want_var:
		errors.append('README: %s: variable %s, the rule says %s' %
		    (name, var, want_var))
	# `v` (p, q), `w` (r): per process; a lone `v`: every one listed
	pairs = re.findall(r'`([^`]*)`\s*\(([^)]*)\)', default)
	per = {}
	if pairs:
		for v, ps in pairs:
			for p in procs_of(ps):
				if p not in plist:
					errors.append('README: %s: a default for '
					    '%s, not in its processes' % (name, p))
				per[p] = v
	elif unquote(default) is not None:
		per = {p: unquote(default) for p in plist}
	elif default:
		errors.append('README: %s: default %r is not `value` '
		    '[(processes)], nor blank' % (name, default))
	for p in plist:
		if p in servers:
			if name in table[p]:
				errors.append('README: %s twice for %s' % (name, p))
			table[p][name] = (per.get(p), 'test build only' in meaning)

# --- each binary's --help: the rows of its "settings" block ---
for p in servers:
	lines = open('%s/help.%s' % (helpdir, p), encoding='utf-8').read().split('\n')
	helps, inblock = {}, False
	for line in lines:
		if line.startswith('settings'):
			inblock = True
			continue
		if inblock and not line.startswith('  '):
			break
		if not inblock:
			continue
		m = re.match(r'  (\S+)\s+(.*)$', line)
		if not m:
			errors.append('chirp-%s --help: cannot read %r' % (p, line))
			continue
		name, rest = m.groups()
		d = re.search(r'\(-?\d+ to -?\d+, default: (.*)\)$', rest) or \
		    re.search(r'\(default: (.*)\)$', rest)
		if re.search(r'\(-?\d+ to -?\d+\)$', rest):
			d = None
		helps[name] = d.group(1) if d else None
	if not helps:
		errors.append('chirp-%s --help: no settings block' % p)
	for name, d in helps.items():
		if name not in table[p]:
			errors.append('%s of chirp-%s (--help) is not in the '
			    'README table' % (name, p))
		elif table[p][name][0] != d:
			errors.append('%s of chirp-%s: default %r in --help, %r in '
			    'the README' % (name, p, d, table[p][name][0]))
	for name, (d, testonly) in table[p].items():
		if name not in helps and not testonly:
			errors.append('%s is in the README for chirp-%s, not in its '
			    '--help' % (name, p))

# --- the clients: their variables and default server in their help ---
for var, (plist, d) in client_vars.items():
	for p in plist:
		h = open('%s/help.%s' % (helpdir, p), encoding='utf-8').read()
		if var not in h:
			errors.append('%s is in the README for %s, not in its help'
			    % (var, p))
		if d is not None and d not in h:
			errors.append('%s of %s: default %s not in its help' %
			    (var, p, d))
for p in clients:
	h = open('%s/help.%s' % (helpdir, p), encoding='utf-8').read()
	for var in sorted(set(re.findall(r'CHIRP_[A-Z_]+', h))):
		if var not in client_vars:
			errors.append('%s (%s help) is not in the README table' %
			    (var, p))

for e in errors:
	print(e)
sys.exit(1 if errors else 0)
PY
if /usr/bin/python3 "$T/table.py" "$CHIRP_ROOT/README.md" "$T" >"$T/table.out" 2>&1
then ok "the README's table and every binary's --help agree"
else not_ok "the README's table and every binary's --help agree" \
    "$(head -c 3000 "$T/table.out")"; fi

# the rule above the table: CHIRP_<NAME> for all, CHIRP_<PROGRAM>_<NAME>
# for one, read by every binary (an out-of-range port is refused)
for b in $BINS; do
	up=$(echo "$b" | tr a-z A-Z)
	CHIRP_PORT=0 "$CHIRP_BIN/chirp-$b" -n >"$T/n.out" 2>&1
	expect_eq "chirp-$b reads CHIRP_PORT" "$?" 2
	env "CHIRP_${up}_PORT=0" "$CHIRP_BIN/chirp-$b" -n >"$T/n.out" 2>&1
	expect_eq "chirp-$b reads CHIRP_${up}_PORT" "$?" 2
	env CHIRP_PORT=0 "CHIRP_${up}_PORT=9" "$CHIRP_BIN/chirp-$b" -n \
	    >"$T/n.out" 2>&1
	expect_eq "... which comes before CHIRP_PORT" "$?" 0
	check "chirp-$b --help says both forms" \
	    grep -q "environment CHIRP_NAME or CHIRP_${up}_NAME" "$T/help.$b"
done

finish
