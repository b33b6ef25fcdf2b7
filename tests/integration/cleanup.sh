#!/usr/bin/env bash
# A SIGKILLed nslab leaves its cgroup, overlay dirs and state dir; `nslab
# cleanup` (and any later start) removes them, only where the owner is gone.
# SIGTERM needs no help: nslab unwinds by itself.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip cleanup "needs root for cgroups and /run/nslab"
	exit 0
fi

started=()
# launch MARKER: nslab with a limited, overlaid container; sets nslab_pid, state_dir.
launch() {
	local marker=$1
	setsid "$NSLAB" -c "limit memory 64M; limit pids 50; set pid mount; rootfs $ROOTFS; overlay on; start sleep $marker; exec /bin/sleep 600" >/dev/null 2>&1 &
	nslab_pid=$!
	started+=("$nslab_pid")
	on_exit "kill -KILL $nslab_pid"
	state_dir=""
	for _ in $(seq 100); do
		state_dir=$(grep -l "^owner=$nslab_pid$" /run/nslab/*/state 2>/dev/null | head -1 | xargs -r dirname)
		[ -n "$state_dir" ] && grep -q '^cgroup=' "$state_dir/state" && pgrep -x -f "sleep $marker" >/dev/null && return 0
		sleep 0.05
	done
	return 1
}
on_exit 'for d in /sys/fs/cgroup/*/nslab/*/; do grep -q . "$d/cgroup.procs" 2>/dev/null || rmdir "$d"; done'

marker=$((3000000 + RANDOM))
if ! launch "$marker"; then
	fail cleanup.started "no container with a cgroup appeared"
	exit 1
fi
cgroups=$(grep '^cgroup=' "$state_dir/state" | cut -d= -f2)
check_contains cleanup.state-records-memory-cgroup "$cgroups" "/memory/nslab/"
check_contains cleanup.state-records-overlay "$(cat "$state_dir/state")" "overlay=$state_dir"
if [ -d "$state_dir/upper" ]; then pass cleanup.overlay-dirs-exist; else fail cleanup.overlay-dirs-exist "no $state_dir/upper"; fi

# A second nslab, alive, must be left alone by cleanup.
marker2=$((4000000 + RANDOM))
first_pid=$nslab_pid first_state=$state_dir
launch "$marker2" || fail cleanup.second-started "no second container"
live_state=$state_dir live_pid=$nslab_pid

kill -KILL "$first_pid"
wait "$first_pid" 2>/dev/null
for _ in $(seq 100); do pgrep -x -f "sleep $marker" >/dev/null || break; sleep 0.05; done
if pgrep -x -f "sleep $marker" >/dev/null; then fail cleanup.pdeathsig "the container outlived its nslab"; else pass cleanup.pdeathsig; fi
for d in $cgroups; do
	if [ -d "$d" ]; then pass "cleanup.left-behind-after-SIGKILL $d"; else fail "cleanup.left-behind-after-SIGKILL $d" "already gone?"; fi
done

out=$("$NSLAB" cleanup 2>&1)
check_contains cleanup.says-what-it-removed "$out" "container $(basename "$first_state")"
check_contains cleanup.names-cgroup "$out" "removed cgroup"
check_contains cleanup.names-state-dir "$out" "removed state dir $first_state"
# (Other nslab sessions on the machine may be live too: at least ours.)
if grep -qE '[1-9][0-9]* still in use' <<<"$out"; then pass cleanup.leaves-live-one; else fail cleanup.leaves-live-one "$out"; fi
for d in $cgroups; do
	if [ -d "$d" ]; then fail "cleanup.cgroup-removed $d" "still there"; else pass "cleanup.cgroup-removed $d"; fi
done
if [ -e "$first_state" ]; then fail cleanup.state-dir-removed "$first_state remains"; else pass cleanup.state-dir-removed; fi
if [ -d "$live_state" ]; then pass cleanup.live-state-kept; else fail cleanup.live-state-kept "removed a live one"; fi

# SIGTERM: nslab takes everything with it.
live_cgroups=$(grep '^cgroup=' "$live_state/state" | cut -d= -f2)
kill -TERM "$live_pid"
wait "$live_pid" 2>/dev/null
check_eq cleanup.sigterm-exit-status 143 "$?"
for d in $live_cgroups; do
	if [ -d "$d" ]; then fail "cleanup.sigterm-removes-cgroup $d" "still there"; else pass "cleanup.sigterm-removes-cgroup $d"; fi
done
if [ -e "$live_state" ]; then fail cleanup.sigterm-removes-state "$live_state remains"; else pass cleanup.sigterm-removes-state; fi

# A later start of nslab cleans up by itself and says so.
marker3=$((5000000 + RANDOM))
launch "$marker3" || fail cleanup.third-started "no container"
kill -KILL "$nslab_pid"; wait "$nslab_pid" 2>/dev/null
out=$("$NSLAB" -c 'status' 2>&1)
check_contains cleanup.at-start "$out" "nslab: cleanup: container $(basename "$state_dir")"
if [ -e "$state_dir" ]; then fail cleanup.at-start-removed "$state_dir remains"; else pass cleanup.at-start-removed; fi
check_eq cleanup.no-nslab-cgroups-left "" "$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path '*/nslab/*' -type d 2>/dev/null)"
