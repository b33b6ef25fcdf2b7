# Shared helpers for nslab's shell tests: PASS/FAIL/SKIP lines, checks, cleanup.
# Source it; NSLAB and ROOTFS come from tests/run.sh (or make check).
set -u
: "${NSLAB:?NSLAB must name the nslab binary}" "${ROOTFS:?ROOTFS must name the rootfs}"
T_FAILED=0
T_CLEANUPS=()

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: ${2:-}"; T_FAILED=1; }
skip() { echo "SKIP $1: $2"; }

# check NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}
# check_contains NAME HAYSTACK NEEDLE
check_contains() {
	if [[ $2 == *"$3"* ]]; then pass "$1"; else fail "$1" "[$3] not in output: $(head -c 600 <<<"$2")"; fi
}
check_not_contains() {
	if [[ $2 != *"$3"* ]]; then pass "$1"; else fail "$1" "[$3] should not be in output: $(head -c 600 <<<"$2")"; fi
}
# check_rc NAME EXPECTED_RC ACTUAL_RC
check_rc() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "exit status $3, expected $2"; fi
}

# Run on exit, in reverse order of registration, even when a check failed.
on_exit() { T_CLEANUPS+=("$1"); }
t_finish() {
	local rc=$? i
	# A script that stopped early (set -u, a typo) must not pass silently.
	if [ "$rc" -ne 0 ] && [ "$T_FAILED" -eq 0 ]; then
		echo "FAIL $(basename "$0"): stopped early with status $rc"
		T_FAILED=1
	fi
	for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${T_CLEANUPS[$i]}" >/dev/null 2>&1 || true; done
	exit "$T_FAILED"
}
trap t_finish EXIT

# t_tmpdir VAR: make a temporary directory, removed on exit, and name it in VAR.
t_tmpdir() {
	local d
	d=$(mktemp -d "${NSLAB_TEST_TMP:-/tmp}/t.XXXXXX") || return 1
	on_exit "rm -rf '$d'"
	printf -v "$1" '%s' "$d"
}

is_root() { [ "$(id -u)" = 0 ]; }
