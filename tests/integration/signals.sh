#!/usr/bin/env bash
# nslab killed by SIGTERM, SIGHUP or (in a script) SIGINT takes its container
# and state dir with it; nothing is left running or on disk.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip signals "needs root for /run/nslab and the namespaces"
	exit 0
fi

# Start nslab with a background container; print the container's host pid.
# Each run uses a unique marker so pgrep finds only our sleep.
launch() {
	local marker=$1
	setsid "$NSLAB" -c "set pid uts mount; hostname sig; rootfs $ROOTFS; overlay on; limit memory 64M; limit pids 30; start sleep $marker; exec /bin/sleep 600" >/dev/null 2>&1 &
	nslab_pid=$!
	on_exit "kill -KILL $nslab_pid"
	for _ in $(seq 100); do
		init_pid=$(pgrep -x -f "sleep $marker") && [ -n "$init_pid" ] && [ -d "/run/nslab" ] &&
			ls /run/nslab | grep -q . && return 0
		sleep 0.05
	done
	return 1
}

for sig in TERM HUP INT; do
	marker=$((1000000 + RANDOM * 10 + ${#sig}))
	if ! launch "$marker"; then
		fail "SIG$sig: container started" "no container appeared"
		continue
	fi
	state_dir=$(grep -l "^init=$init_pid$" /run/nslab/*/state 2>/dev/null | xargs -r dirname)
	cgroups=$(grep '^cgroup=' "$state_dir/state" 2>/dev/null | cut -d= -f2)
	check_contains "SIG$sig: container has cgroups" "$cgroups" "/nslab/"
	check_eq "SIG$sig: state dir names the container" "1" "$(echo "$state_dir" | grep -c .)"
	if [ "$sig" = INT ]; then
		# As Ctrl-C does: to the whole group. nslab, like system(3), waits
		# out its foreground child, then ends the script and its container.
		kill -s INT -- "-$nslab_pid"
	else
		kill -s "$sig" "$nslab_pid"
	fi
	for _ in $(seq 100); do kill -0 "$init_pid" 2>/dev/null || break; sleep 0.05; done
	wait "$nslab_pid" 2>/dev/null
	rc=$?
	[ "$sig" = INT ] || check_eq "SIG$sig: nslab dies of the signal" "$((128 + $(kill -l "$sig")))" "$rc"
	if kill -0 "$init_pid" 2>/dev/null && [ "$(ps -o stat= -p "$init_pid" | cut -c1)" != Z ]; then
		fail "SIG$sig: container is gone" "pid $init_pid still runs"
	else
		pass "SIG$sig: container is gone"
	fi
	for d in $cgroups; do
		if [ -d "$d" ]; then fail "SIG$sig: cgroup $d removed" "still there"; rmdir "$d"; else pass "SIG$sig: cgroup $d removed"; fi
	done
	if [ -n "$state_dir" ] && [ -e "$state_dir" ]; then
		fail "SIG$sig: state dir removed" "$state_dir remains"
		rm -rf "$state_dir"
	else
		pass "SIG$sig: state dir removed"
	fi
done
