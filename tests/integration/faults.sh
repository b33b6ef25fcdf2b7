#!/usr/bin/env bash
# Reliability: nslab SIGKILLed at each stage of a launch, then `nslab
# cleanup`, leaves nothing; 200 launches leak no fds, mounts, cgroups, links
# or memory (VmRSS stays flat; the sanitizer build's leak checker runs too);
# two nslab instances at once never collide. Everything runs in a
# network namespace the test makes itself (it plays the host), so the veths
# never touch the real host.
# shellcheck disable=SC2016 # $PPID and friends are for the shell inside the container
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip faults "needs root (cgroups, veths and overlay as root)"
	t_done
	exit 0
fi
ns=nslab-faults-$$
ip netns add "$ns" || {
	fail faults.netns "ip netns add failed"
	exit 1
}
on_exit "ip netns del $ns"
# nsenter, not ip netns exec: that one remounts /sys, and the cgroup hierarchies with it.
inns() { nsenter --no-fork --net="/run/netns/$ns" "$@"; }
inns ip link set lo up

# What a launch can leave behind, as one line (compared before and after).
leftovers() {
	local state cg links mounts procs
	state=$(find /run/nslab -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
	cg=$(find /sys/fs/cgroup/*/nslab /sys/fs/cgroup/nslab -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
	links=$(inns ip -o link show | grep -c 'nsl-' || true)
	mounts=$(grep -c -e nslab -e overlay /proc/self/mountinfo || true)
	procs=$(pgrep -f 'fault-probe-sleep' | wc -l)
	echo "state=$state cgroups=$cg links=$links mounts=$mounts procs=$procs"
}
before=$(leftovers)

spec="set pid mount uts net; rootfs $ROOTFS; overlay on; limit memory 64M; net veth"

# A container that changes nothing on the host: no cgroup, overlay or veth.
plain="set pid mount uts user ipc; rootfs $ROOTFS"

# nslab stops itself at STAGE (NSLAB_FAULT_STOP); the test SIGKILLs it there.
# With a third argument "plain", the plain container, killed without a cleanup.
kill_at() {
	local stage=$1 pid state i
	local what=${2:-$spec} label=$stage${2:+.plain}
	# nsenter itself, not inns: a backgrounded function is a subshell, and $! would name it.
	nsenter --no-fork --net="/run/netns/$ns" env NSLAB_FAULT_STOP="$stage" \
		"$NSLAB" -c "$what; run /bin/sh -c 'exec -a fault-probe-sleep sleep 30'" </dev/null >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
		[ "$state" = T ] && break
		sleep 0.05
	done
	if [ "$state" != T ]; then
		fail "kill.$label.reached" "nslab never stopped at $stage (state ${state:-gone})"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return
	fi
	pass "kill.$label.reached"
	if [ -n "${2:-}" ]; then
		# Nothing on the host to undo, so nothing recorded: no state dir at all.
		check_eq "kill.$label.no-state-dir" "$before" "$(leftovers | sed 's/procs=[0-9]*/procs=0/')"
	fi
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	# The container dies with nslab (PR_SET_PDEATHSIG); give the kernel a moment.
	for ((i = 0; i < 50; i++)); do
		pgrep -f fault-probe-sleep >/dev/null || break
		sleep 0.05
	done
	if [ -n "${2:-}" ]; then
		# No cleanup run: the container died with nslab on its own.
		check_eq "kill.$label.nothing-left-without-cleanup" "$before" "$(leftovers)"
		return
	fi
	out=$(inns "$NSLAB" cleanup 2>&1)
	check_eq "kill.$stage.cleanup-leaves-nothing" "$before" "$(leftovers)"
	if [ "$stage" != clone ] && [ "$stage" != exec ]; then
		check_contains "kill.$stage.cleanup-says-what" "$out" "removed"
	fi
}
for stage in cgroup overlay clone veth exec; do
	kill_at "$stage"
done
for stage in clone exec; do
	kill_at "$stage" "$plain"
done

# ---- 200 launches: nslab's fds, mounts, cgroups and links stay as they were

script=$(mktemp "${NSLAB_TEST_TMP:-/tmp}/faults.XXXXXX")
on_exit "rm -f '$script'"
{
	# A few launches first: whatever is opened once and kept (the sanitizer's
	# own files, say) is open before the count.
	echo "$spec"
	for ((i = 0; i < 5; i++)); do echo "run /bin/true"; done
	echo "set pid mount uts net; rootfs none; unset pid mount uts net; limit none; overlay off; net none"
	echo "run /bin/sh -c 'ls /proc/\$PPID/fd | wc -l; grep -c . /proc/\$PPID/mountinfo; grep VmRSS /proc/\$PPID/status'"
	echo "$spec"
	for ((i = 0; i < 200; i++)); do echo "run /bin/true"; done
	echo "set pid mount uts net; rootfs none; unset pid mount uts net; limit none; overlay off; net none"
	echo "run /bin/sh -c 'ls /proc/\$PPID/fd | wc -l; grep -c . /proc/\$PPID/mountinfo; grep VmRSS /proc/\$PPID/status'"
} >"$script"
# A small quarantine: under ASan, freed memory held back would look like growth.
out=$(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1 inns timeout 600 "$NSLAB" "$script" 2>&1)
rc=$?
check_eq loop.status 0 "$rc"
mapfile -t nums < <(grep -E '^[0-9]+$' <<<"$out")
if [ "${#nums[@]}" -eq 4 ] && [ "${nums[0]}" = "${nums[2]}" ] && [ "${nums[1]}" = "${nums[3]}" ]; then
	pass loop.no-fd-or-mount-leak
else
	fail loop.no-fd-or-mount-leak "fds/mounts before and after 200 launches: ${nums[*]} ($out)"
fi
# Memory: the leak checker (the sanitizer build) fails the run on any leak at
# exit; this catches what is still referenced but grows with each launch.
mapfile -t rss < <(awk '/^VmRSS:/ { print $2 }' <<<"$out")
if [ "${#rss[@]}" -eq 2 ] && [ $((rss[1] - rss[0])) -lt 4096 ]; then
	pass loop.rss-flat
else
	fail loop.rss-flat "nslab's VmRSS in kB before and after 200 launches: ${rss[*]} (4096 kB allowed)"
fi
check_eq loop.nothing-left "$before" "$(leftovers)"

# ---- two instances at once: distinct ids, addresses and cgroups

for k in 1 2; do
	# Both containers live at once (sleep 3), so their addresses must differ.
	nsenter --no-fork --net="/run/netns/$ns" "$NSLAB" -c "$spec; run /bin/true; start /bin/sleep 3; exec /bin/sh -c 'sleep 1; ip -o -4 addr show eth0'; stop" \
		>"$script.$k" 2>&1 &
	eval "p$k=\$!"
done
# shellcheck disable=SC2154 # p1 and p2 are set by the eval above
wait "$p1"
r1=$?
# shellcheck disable=SC2154
wait "$p2"
r2=$?
on_exit "rm -f '$script.1' '$script.2'"
check_eq two.both-ok "0 0" "$r1 $r2"
a1=$(grep -o 'inet [0-9./]*' "$script.1")
a2=$(grep -o 'inet [0-9./]*' "$script.2")
if [ -n "$a1" ] && [ -n "$a2" ] && [ "$a1" != "$a2" ]; then
	pass two.distinct-addresses
else
	fail two.distinct-addresses "[$a1] [$a2]: $(cat "$script.1" "$script.2")"
fi
check_eq two.nothing-left "$before" "$(leftovers)"
t_done
