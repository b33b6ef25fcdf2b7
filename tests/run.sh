#!/usr/bin/env bash
# The one test runner: unit binaries, integration scripts, TUI scripts. Each
# prints PASS/FAIL/SKIP lines; this counts them, checks the suite left nothing
# behind, and ends with "N passed, N failed, N skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
: "${NSLAB:=$top/nslab}" "${UNIT_DIR:=$top/build/obj/tests}" "${ROOTFS:=$top/build/rootfs}"
export NSLAB UNIT_DIR ROOTFS
export NSLAB_TEST_TMP=${NSLAB_TEST_TMP:-$(mktemp -d /tmp/nslab-tests.XXXXXX)}
# Tests must not read or write the user's history.
export HOME=$NSLAB_TEST_TMP/home
mkdir -p "$HOME"
# Rootless checks run as uid 65534 in subdirectories of it.
chmod 755 "$NSLAB_TEST_TMP"
per_test_timeout=${NSLAB_TEST_TIMEOUT:-600}

passed=0 failed=0 skipped=0
failures=()

snapshot() {
	{
		echo "mounts: $(grep -c -e nslab -e "$ROOTFS" /proc/self/mountinfo)"
		echo "state: $(ls /run/nslab 2>/dev/null | wc -l)"
		echo "oldroot: $(ls -a "$ROOTFS" 2>/dev/null | grep -c nslab-oldroot)"
		echo "procs: $(pgrep -c -f "^$NSLAB( |$)" 2>/dev/null || true)"
	}
}

run_one() {
	local name=$1; shift
	local out rc
	out=$(cd "$top" && timeout --kill-after=10 "$per_test_timeout" "$@" 2>&1 </dev/null)
	rc=$?
	local p f s
	p=$(grep -c '^PASS ' <<<"$out")
	f=$(grep -c '^FAIL ' <<<"$out")
	s=$(grep -c '^SKIP ' <<<"$out")
	grep -E '^(PASS|FAIL|SKIP) ' <<<"$out" | sed "s|^|[$name] |"
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		# Show what the test printed around its failure.
		grep -vE '^(PASS|SKIP) ' <<<"$out" | tail -n 40 | sed "s|^|[$name]   |"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "[$name] FAIL $name: exited with status $rc${rc:+ (124 means it timed out)}"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "[$name] FAIL $name: ran no checks"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" -gt 0 ] && failures+=("$name")
	return 0
}

matches() {
	[ $# -eq 1 ] && return 0
	local n=$1; shift
	for pat in "$@"; do [[ $n == *$pat* ]] && return 0; done
	return 1
}

before=$(snapshot)
for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] || continue
	n=unit/$(basename "$t")
	matches "$n" "$@" && run_one "$n" "$t"
done
for t in "$here"/integration/*.sh "$here"/tui/*.sh; do
	[ -f "$t" ] || continue
	n=${t#"$here"/}
	matches "$n" "$@" && run_one "$n" bash "$t"
done
after=$(snapshot)
if [ "$before" = "$after" ]; then
	echo "PASS suite leaves nothing behind (mounts, state dirs, processes)"
	passed=$((passed + 1))
else
	echo "FAIL suite leaves nothing behind:"
	diff <(echo "$before") <(echo "$after") | sed 's/^/    /'
	failed=$((failed + 1))
	failures+=("leftovers")
fi
rm -rf "$NSLAB_TEST_TMP"
[ ${#failures[@]} -gt 0 ] && echo "failed in: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
