# Helpers shared by the launcher's integration scripts (sourced after ../lib.sh;
# named .bash so tests/run.sh does not run it as a test).
# Launch nslab in the background, find the container's init by its host pid,
# look at it from outside with util-linux/iproute2, then end it without ever
# killing nslab itself (a killed nslab would leave its state dir behind).

# shellcheck disable=SC2034 # NSINFO, BG_OUT, BG_RC and T_DONE are for the sourcing script
NSINFO=$ROOTFS/usr/bin/nsinfo

# lib.sh's EXIT trap exits with T_FAILED, so a script that dies half way (set -u,
# a typo) would pass silently: scripts call t_done at their end, and a FAIL
# names the unfinished script otherwise. Cleanups run with output discarded,
# hence fd 3 (registered first, so it runs last).
exec 3>&1
T_DONE=0
t_done() { T_DONE=1; }
# shellcheck disable=SC2016 # expanded when the cleanup runs
on_exit '[ "$T_DONE" = 1 ] || { echo "FAIL $(basename "$0").finished: the script stopped before its end" >&3; T_FAILED=1; }'

# bg_launch VAR CMD...: run CMD (an nslab command line, or a wrapper that execs
# nslab such as setpriv or env; not a shell function) in the background,
# output to a file named in BG_OUT, nslab's pid in BG_NSLAB. Waits until
# nslab's child has exec'd (its comm is no longer "nslab") and names the
# child's host pid in VAR, or "" if it never appeared (see BG_OUT).
bg_launch() {
	local _var=$1 _out _c="" _i
	shift
	_out=$(mktemp "${NSLAB_TEST_TMP:-/tmp}/bg.XXXXXX")
	on_exit "rm -f '$_out'"
	"$@" </dev/null >"$_out" 2>&1 &
	BG_NSLAB=$!
	BG_OUT=$_out
	on_exit "bg_reap $BG_NSLAB"
	for ((_i = 0; _i < 200; _i++)); do
		_c=$(pgrep -P "$BG_NSLAB" | head -n 1)
		if [ -n "$_c" ] && [ "$(cat "/proc/$_c/comm" 2>/dev/null)" != nslab ]; then
			break
		fi
		_c=""
		kill -0 "$BG_NSLAB" 2>/dev/null || break
		sleep 0.05
	done
	printf -v "$_var" '%s' "$_c"
}

# wait_comm PID NAME: wait (up to 5 s) until PID runs a program called NAME.
wait_comm() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# bg_reap NSLAB_PID: SIGKILL nslab's children (the container's init), then
# reap nslab, which removes its state dir on the way out. nslab's exit status
# goes to BG_RC (not printed: a $(...) subshell could not wait for the job).
bg_reap() {
	local c
	# Only the container: never an nslab (bg_launch's CMD must exec nslab itself, not run it from a function).
	for c in $(pgrep -P "$1"); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = nslab ] || kill -KILL "$c" 2>/dev/null
	done
	wait "$1" 2>/dev/null
	BG_RC=$?
}

# ns_inode PID TYPE: the namespace inode, as readlink shows it: "pid:[4026531836]".
ns_inode() { readlink "/proc/$1/ns/$2" 2>/dev/null; }

# ns_differs PID: the namespace types (lsns) where PID differs from this shell, sorted, space separated.
ns_differs() {
	local mine theirs
	mine=$(lsns -p $$ -n -r -o TYPE,NS | sort)
	theirs=$(lsns -p "$1" -n -r -o TYPE,NS | sort)
	join <(echo "$mine") <(echo "$theirs") | awk '$2 != $3 { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//'
}

# stale_state_dirs: state dirs under /run/nslab whose owner nslab is gone (a
# leak) or is a child of this script. Other people's live sessions on the same
# machine are left out, so the comparison is about this script's launches.
stale_state_dirs() {
	local d owner
	for d in /run/nslab/*/; do
		[ -d "$d" ] || continue
		owner=$(sed -n 's/^owner=//p' "$d/state" 2>/dev/null)
		if [ -z "$owner" ] || ! kill -0 "$owner" 2>/dev/null ||
			[ "$(awk '{ print $4 }' "/proc/$owner/stat" 2>/dev/null)" = $$ ]; then
			basename "$d"
		fi
	done | sort | tr '\n' ' '
}

# The state a failed or finished launch must not leave: mounts naming the
# rootfs or nslab, stale state dirs, the rootfs's put_old directories.
leftovers() {
	echo "mounts: $(grep -c -e nslab -e "$ROOTFS" /proc/self/mountinfo)"
	echo "state: $(stale_state_dirs)"
	echo "oldroot: $(oldroots "$ROOTFS")"
}

# oldroots DIR: put_old directories pivot_root left in DIR (none, normally).
oldroots() { find "$1" -mindepth 1 -maxdepth 1 -name '.nslab-oldroot-*' -printf '%f ' 2>/dev/null; }

# squeeze: collapse whitespace runs, as uid_map pads its columns.
squeeze() { tr -s ' \t' ' ' | sed 's/^ //; s/ $//'; }
