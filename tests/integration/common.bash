# Helpers shared by the launcher's integration scripts (sourced after ../lib.sh;
# named .bash so tests/run.sh does not run it as a test).
# Launch nslab in the background, find the container's init by its host pid,
# look at it from outside with util-linux/iproute2, then end it without ever
# killing nslab itself (a killed nslab would leave its state dir behind).

NSINFO=$ROOTFS/usr/bin/nsinfo

# bg_launch VAR CMD...: run CMD (an nslab command line) in the background,
# output to a file named in BG_OUT, nslab's pid in BG_NSLAB. Waits until
# nslab's child has exec'd (its comm is no longer "nslab") and names the
# child's host pid in VAR, or "" if it never appeared (see BG_OUT).
bg_launch() {
	local var=$1 out c="" i
	shift
	out=$(mktemp "${NSLAB_TEST_TMP:-/tmp}/bg.XXXXXX")
	on_exit "rm -f '$out'"
	"$@" </dev/null >"$out" 2>&1 &
	BG_NSLAB=$!
	BG_OUT=$out
	on_exit "bg_reap $BG_NSLAB"
	for ((i = 0; i < 200; i++)); do
		c=$(pgrep -P "$BG_NSLAB" | head -n 1)
		if [ -n "$c" ] && [ "$(cat "/proc/$c/comm" 2>/dev/null)" != nslab ]; then
			break
		fi
		c=""
		kill -0 "$BG_NSLAB" 2>/dev/null || break
		sleep 0.05
	done
	printf -v "$var" '%s' "$c"
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
	for c in $(pgrep -P "$1"); do kill -KILL "$c" 2>/dev/null; done
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

# The state a failed or finished launch must not leave: mounts naming the
# rootfs or nslab, state dirs, the rootfs's put_old directories.
leftovers() {
	echo "mounts: $(grep -c -e nslab -e "$ROOTFS" /proc/self/mountinfo)"
	echo "state: $(ls /run/nslab 2>/dev/null | sort | tr '\n' ' ')"
	echo "oldroot: $(ls -a "$ROOTFS" 2>/dev/null | grep nslab-oldroot | tr '\n' ' ')"
}

# squeeze: collapse whitespace runs, as uid_map pads its columns.
squeeze() { tr -s ' \t' ' ' | sed 's/^ //; s/ $//'; }
