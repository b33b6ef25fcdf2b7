#!/usr/bin/env bash
# cgroup limits through nslab's commands on this machine's real cgroups:
# memory (the OOM killer made visible), pids, cpu; mem and cgroup info.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip limits "needs root to create cgroups"
	exit 0
fi
on_exit 'for d in /sys/fs/cgroup/*/nslab/*/ /sys/fs/cgroup/nslab/*/; do [ -d "$d" ] && rmdir "$d"; done'

# The memory eater passes a 32 MiB limit and the kernel kills it.
out=$("$NSLAB" -c "limit memory 32M; set pid mount; rootfs $ROOTFS; run hungry 200 8 0; mem; trace" 2>&1)
check_contains limits.oom.eater-ran "$out" "hungry: 16 MiB allocated"
check_not_contains limits.oom.eater-did-not-finish "$out" "hungry: done"
check_contains limits.oom.killed-by-sigkill "$out" "killed by SIGKILL"
check_contains limits.oom.reported-at-prompt "$out" "the kernel's OOM killer ended 1 process: the cgroup reached its memory limit of 32 MiB"
check_contains limits.oom.in-trace "$out" "waitpid("
check_contains limits.oom.trace-names-oom "$out" "OOM killer"
check_contains limits.oom.trace-writes-limit "$out" "33554432"
check_contains limits.oom.mem-after-end "$out" "ended: final figures"
rc=$("$NSLAB" run --mount --pid --rootfs "$ROOTFS" -- true >/dev/null 2>&1; echo $?)
check_eq limits.run-without-limits "0" "$rc"

# The limit is where the kernel reads it, seen from outside while it runs.
out=$("$NSLAB" -c "limit memory 48M; limit pids 7; limit cpu 25%; set pid; start sleep 100; status; exec /bin/sh -c 'cat /proc/self/cgroup'; mem" 2>&1 &
	sleep 1
	for d in /sys/fs/cgroup/memory/nslab/*/; do echo "mem-limit=$(cat "$d/memory.limit_in_bytes")" "state-file=$(grep -cx "cgroup=${d%/}" /run/nslab/"$(basename "$d")"/state)"; done
	for d in /sys/fs/cgroup/pids/nslab/*/; do echo "pids-max=$(cat "$d/pids.max")"; done
	for d in /sys/fs/cgroup/cpu/nslab/*/; do echo "cfs-quota=$(cat "$d/cpu.cfs_quota_us") cfs-period=$(cat "$d/cpu.cfs_period_us")"; done
	wait)
check_contains limits.oracle.memory "$out" "mem-limit=50331648"
# A cgroup is something the host must undo: the state dir records it.
check_contains limits.state-dir-records-cgroup "$out" "mem-limit=50331648 state-file=1"
check_contains limits.status-names-state-dir "$out" "  state dir   /run/nslab/"
check_contains limits.oracle.pids "$out" "pids-max=7"
check_contains limits.oracle.cpu "$out" "cfs-quota=25000 cfs-period=100000"
check_contains limits.exec-sees-cgroup "$out" ":memory:/nslab/"
check_contains limits.mem-live "$out" "live"
check_eq limits.cgroups-removed-after "" "$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path '*/nslab/*' -type d)"

# nslab run takes the same limits as options, read back from outside while it runs.
out=$("$NSLAB" run --pid --mount --rootfs="$ROOTFS" --memory=40M --pids=9 --cpu=30% -- /bin/sh -c 'grep -E ":(memory|pids):" /proc/self/cgroup; sleep 1' 2>&1 &
	sleep 0.5
	for d in /sys/fs/cgroup/memory/nslab/*/; do echo "mem-limit=$(cat "$d/memory.limit_in_bytes")"; done
	for d in /sys/fs/cgroup/pids/nslab/*/; do echo "pids-max=$(cat "$d/pids.max")"; done
	for d in /sys/fs/cgroup/cpu/nslab/*/; do echo "cfs-quota=$(cat "$d/cpu.cfs_quota_us")"; done
	wait)
check_contains limits.run-option.memory "$out" "mem-limit=41943040"
check_contains limits.run-option.pids "$out" "pids-max=9"
check_contains limits.run-option.cpu "$out" "cfs-quota=30000"
check_contains limits.run-option.in-its-cgroup "$out" ":memory:/nslab/"
out=$("$NSLAB" run --memory=lots -- true 2>&1)
check_eq limits.run-option.bad-size-status 125 "$?"
check_contains limits.run-option.bad-size-says "$out" "size 'lots': not a size"
check_eq limits.run-option.cgroups-removed "" "$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path '*/nslab/*' -type d)"

# A fork loop stops at the pids limit.
out=$("$NSLAB" -c "limit pids 5; set pid mount; rootfs $ROOTFS; run /bin/sh -c 'n=0; for i in 1 2 3 4 5 6 7 8 9 10; do sleep 3 & n=\$((n+1)); done; echo started \$n'" 2>&1)
check_contains limits.pids.fork-refused "$out" "can't fork"

# A busy loop under 20% of a CPU gets throttled.
# (timeout runs under a shell: as PID 1 itself, the loop would ignore timeout's SIGTERM.)
out=$("$NSLAB" -c "limit cpu 20%; set pid mount; rootfs $ROOTFS; run /bin/sh -c 'timeout 2 /bin/sh -c \"while :; do :; done\"; true'; mem" 2>&1)
throttled=$(grep -oE 'throttled: +[0-9]+' <<<"$out" | head -1 | awk '{print $2}')
if [ "${throttled:-0}" -gt 0 ]; then pass limits.cpu.throttled; else fail limits.cpu.throttled "no throttling reported: $out"; fi

out=$("$NSLAB" cgroup info 2>&1)
check_contains limits.info.version "$out" "v1"
check_contains limits.info.knob-pairs "$out" "memory.limit_in_bytes"
check_contains limits.info.knob-pairs-v2 "$out" "memory.max"

# Bad sizes and values: clear errors, nothing created.
for bad in -5M 12Q "" 0 99999999999T abc 1.2.3M; do
	out=$("$NSLAB" -c "limit memory '$bad'" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && [[ $out == *"size"* ]]; then pass "limits.bad-size '$bad'"; else fail "limits.bad-size '$bad'" "rc $rc: $out"; fi
done
for bad in "pids 0" "pids -1" "pids x" "cpu 0%" "cpu 50" "cpu abc%" "cpu 100000%"; do
	out=$("$NSLAB" -c "limit $bad" 2>&1)
	if [ $? -ne 0 ]; then pass "limits.bad '$bad'"; else fail "limits.bad '$bad'" "accepted: $out"; fi
done
out=$("$NSLAB" -c "limit memory 100M; limit pids 20; limit cpu 50%; limit" 2>&1)
check_contains limits.show "$out" "100 MiB"
check_eq limits.nothing-left "" "$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path '*/nslab/*' -type d)"

# A launch that fails half-way (the command is missing) takes its cgroup,
# overlay dirs and state dir with it.
before_state=$(ls /run/nslab 2>/dev/null | wc -l)
out=$("$NSLAB" -c "limit memory 64M; limit pids 10; set mount; rootfs $ROOTFS; overlay on; run /no/such/command" 2>&1)
check_contains limits.failed-launch-error "$out" "command not found"
check_eq limits.failed-launch-no-cgroup "" "$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path '*/nslab/*' -type d)"
check_eq limits.failed-launch-no-state "$before_state" "$(ls /run/nslab 2>/dev/null | wc -l)"
check_eq limits.failed-launch-no-mount "0" "$(grep -c -e overlay -e nslab /proc/self/mountinfo)"
