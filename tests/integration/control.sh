#!/usr/bin/env bash
# Integration test: controlling a container: start, status, exec, stop, kill,
# the trace (text and JSON), and `nslab run`'s exit status.
# shellcheck disable=SC2016 # the quoted snippets run in the container's shell
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip control "needs root (rootless.sh covers an ordinary user)"
	t_done
	exit 0
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
within() { awk -v d="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }'; }
before=$(leftovers)

# ---- start, status, exec, stop in one script, watched from outside

hn=ctl-$$
script="set pid mount uts ipc; map-root; hostname $hn; rootfs $ROOTFS; start sleep 30; status;
exec hostname; exec nsinfo pid; exec ps -o pid,comm; exec nsinfo ns.pid ns.mnt ns.uts ns.ipc ns.user;
exec sleep 2; stop; status"
bg_launch c "$NSLAB" -c "$script"
init=""
for _ in $(seq 100); do
	init=$(sed -n 's/^started [0-9a-f]*: init is pid \([0-9]*\) on the host.*/\1/p' "$BG_OUT")
	[ -n "$init" ] && break
	sleep 0.05
done
# Read init's namespaces while `exec sleep 2` keeps the script from stopping it.
init_ns=""
if [ -n "$init" ]; then
	for ns in pid mnt uts ipc user; do init_ns+="$(stat -L -c %i "/proc/$init/ns/$ns" 2>/dev/null) "; done
fi
wait "$BG_NSLAB"
rc=$?
out=$(cat "$BG_OUT")
id=$(sed -n 's/^started \([0-9a-f]*\):.*/\1/p' <<<"$out")
check_rc control.script-exit-status 0 "$rc"
if [ -n "$init" ] && [ -n "$id" ]; then
	pass control.start-names-id-and-host-pid
else
	fail control.start-names-id-and-host-pid "no 'started ID: init is pid N' line: $out"
fi
status_running=$(awk '/^  id /{ n++ } n == 1' <<<"$out")
check_contains control.status-running "$status_running" "  state       running"
check_contains control.status-init-pid "$status_running" "  init pid    $init (host)"
# Nothing on the host to undo (no cgroup, overlay or veth): no state dir.
check_contains control.status-no-state-dir "$status_running" "  state dir   none: it made nothing on the host to undo"
check_contains control.exec-hostname-is-containers "$out" $'\n'"$hn"$'\n'
exec_pid=$(awk -v hn="$hn" 'prev == hn { print; exit } { prev = $0 }' <<<"$out")
if [[ $exec_pid =~ ^[0-9]+$ ]] && [ "$exec_pid" -gt 1 ]; then
	pass control.exec-pid-is-not-1
else
	fail control.exec-pid-is-not-1 "exec nsinfo pid printed [$exec_pid]"
fi
check_contains control.exec-ps-sees-init-as-1 "$out" $'\n'"    1 sleep"$'\n'
exec_ns=$(awk '/^ *[0-9]+ ps$/ { getline; for (i = 0; i < 5; i++) { printf "%s ", $0; getline } exit }' <<<"$out")
if [ -n "$init_ns" ] && [ "$exec_ns" = "$init_ns" ]; then
	pass control.exec-same-namespaces-as-init
else
	fail control.exec-same-namespaces-as-init "init (stat from outside) [$init_ns], exec saw [$exec_ns]"
fi
check_contains control.stop-needed-sigkill "$out" "container $id killed by SIGKILL (it ignored SIGTERM for 3s"
check_contains control.status-after-stop "$out" "  state       exited (killed by SIGKILL)"
check_eq control.init-gone-after-stop "gone" "$([ -n "$init" ] && kill -0 "$init" 2>/dev/null && echo alive || echo gone)"
check_eq control.state-dir-removed-after-stop "absent" "$([ -n "$id" ] && [ -e "/run/nslab/$id" ] && echo present || echo absent)"

# ---- stop: sleep as PID 1 ignores SIGTERM (about 3 s); a shell that traps it ends at once

t0=$(now)
out=$("$NSLAB" -c 'set pid; start sleep 30; stop' 2>&1)
t=$(elapsed "$t0" "$(now)")
check_contains control.stop-sleep-pid1-sigkill-message "$out" "killed by SIGKILL (it ignored SIGTERM for 3s; explain pid1)"
if within "$t" 2.8 4.5; then pass control.stop-sleep-pid1-takes-3s; else fail control.stop-sleep-pid1-takes-3s "took ${t}s"; fi

# `exec sleep 1` gives the shell time to set its trap before stop sends SIGTERM.
t0=$(now)
out=$("$NSLAB" -c 'set pid; start /bin/sh -c "trap \"exit 7\" TERM; while :; do sleep 0.2; done"; exec sleep 1; stop' 2>&1)
t=$(elapsed "$t0" "$(now)")
check_contains control.stop-trapping-init-exits-7 "$out" "exited with status 7"
check_not_contains control.stop-trapping-init-no-sigkill "$out" SIGKILL
if within "$t" 0.9 2.5; then pass control.stop-trapping-init-is-quick; else fail control.stop-trapping-init-is-quick "took ${t}s"; fi

# ---- kill with a signal

out=$("$NSLAB" -c 'set pid; start sleep 30; kill TERM; status; kill KILL; status' 2>&1)
states=$(grep '^  state  ' <<<"$out" | squeeze | tr '\n' '|')
check_eq control.kill-term-ignored-by-pid1-then-kill "state running|state exited (killed by SIGKILL)|" "$states"
out=$("$NSLAB" -c 'start sleep 30; kill TERM; status' 2>&1)
check_contains control.kill-term-not-pid1-kills "$out" "state       exited (killed by SIGTERM)"
out=$("$NSLAB" -c 'start sleep 30; kill 9; status' 2>&1)
check_contains control.kill-by-number "$out" "state       exited (killed by SIGKILL)"
out=$("$NSLAB" -c 'start sleep 30; kill BOGUS' 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"unknown signal 'BOGUS'"* ]]; then
	pass control.kill-unknown-signal-refused
else
	fail control.kill-unknown-signal-refused "rc $rc: $out"
fi

# ---- the trace

# uidmap and `rootfs DIR` print nothing, so the output is the trace alone.
spec="set user pid mount uts; uidmap 0 0 1; gidmap 0 0 1; hostname tr-$$; rootfs $ROOTFS; run true"
out=$("$NSLAB" -c "$spec; trace" 2>&1)
calls=$(sed -n 's/^ *[0-9][0-9]* \(parent\|child\) *\([a-z_0-9 ]*\)(.*/\2/p' <<<"$out")
order=""
for want in clone3 "write uid_map" sethostname pivot_root execve; do
	order+="$(grep -n -x -m1 "$want" <<<"$calls" | cut -d: -f1) "
done
if [[ $order =~ ^([0-9]+)\ ([0-9]+)\ ([0-9]+)\ ([0-9]+)\ ([0-9]+)\ $ ]] &&
	((BASH_REMATCH[1] < BASH_REMATCH[2] && BASH_REMATCH[2] < BASH_REMATCH[3] &&
		BASH_REMATCH[3] < BASH_REMATCH[4] && BASH_REMATCH[4] < BASH_REMATCH[5])); then
	pass control.trace-order-clone3-uidmap-sethostname-pivot-execve
else
	fail control.trace-order-clone3-uidmap-sethostname-pivot-execve "positions [$order] in calls: $(tr '\n' ',' <<<"$calls")"
fi
check_contains control.trace-uid-map-text "$out" 'write uid_map("/proc/'
check_contains control.trace-sethostname-args "$out" "sethostname(\"tr-$$\""

json=$("$NSLAB" -c "$spec; trace --json" 2>&1)
py_out=$(python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
evs = [json.loads(l) for l in lines]
need = {"seq", "side", "call", "args", "result", "errno"}
bad = [e.get("seq") for e in evs if not need <= set(e)]
seqs = [e["seq"] for e in evs]
print("events=%d missing-keys=%s seq-ok=%s sides=%s" % (len(evs), bad, seqs == list(range(1, len(evs) + 1)),
      ",".join(sorted({e["side"] for e in evs}))))
print(" ".join(e["call"].replace(" ", "_") for e in evs))
' <<<"$json" 2>&1)
rc=$?
if [ "$rc" = 0 ] && [[ $py_out == *"missing-keys=[] seq-ok=True sides=child,parent"* ]]; then
	pass control.trace-json-parses-with-keys
else
	fail control.trace-json-parses-with-keys "python3: rc $rc: $py_out"
fi
check_contains control.trace-json-same-calls "$(tail -n 1 <<<"$py_out")" "clone3 write_uid_map write_gid_map release"

# A failed launch: the trace ends at the failing call, with its errno. (A
# script stops at the failed run, so `trace` there is unreachable: --show-trace.)
out=$("$NSLAB" run --mount --rootfs "$ROOTFS" --show-trace -- /no/such/cmd 2>&1)
last=$(grep -E '^ *[0-9]+ (parent|child) ' <<<"$out" | tail -n 1)
check_contains control.show-trace-ends-at-failed-execve "$last" 'execve("/no/such/cmd", '
check_contains control.show-trace-failed-execve-errno "$last" "= -1 ENOENT"

# ---- nslab run's exit status is the child's

"$NSLAB" run -- /bin/sh -c 'exit 3' >/dev/null 2>&1
check_rc control.run-exit-status-3 3 $?
"$NSLAB" run -- /bin/sh -c 'kill -KILL $$' >/dev/null 2>&1
check_rc control.run-sigkilled-child-137 137 $?
# PID 1 of a namespace cannot SIGKILL itself; the host can.
bg_launch c "$NSLAB" run --pid --mount --rootfs "$ROOTFS" -- sleep 20
if [ -z "$c" ]; then
	fail control.run-pid1-killed-from-host-137 "container did not start: $(cat "$BG_OUT")"
else
	kill -KILL "$c"
	bg_reap "$BG_NSLAB"
	check_rc control.run-pid1-killed-from-host-137 137 "$BG_RC"
fi
"$NSLAB" run -- /bin/sh -c 'kill -TERM $$' >/dev/null 2>&1
check_rc control.run-sigterm-child-143 143 $?
out=$("$NSLAB" -c 'run /bin/sh -c "exit 3"' 2>&1)
rc=$?
check_rc control.repl-run-exit-status-3 3 "$rc"
check_contains control.repl-run-reports-status "$out" "exited with status 3"

# exec into a user namespace that maps root but not the host's root: the
# command runs as uid 0 inside (host uid 100000), as nsenter would.
out=$("$NSLAB" -c "set user pid mount; uidmap 0 100000 65536; gidmap 0 100000 65536; rootfs $ROOTFS;
	start sleep 30; exec /bin/sh -c 'nsinfo uid; cat /proc/self/uid_map'; stop" 2>&1)
check_contains control.exec-range-map-uid-0-inside "$out" "0 (euid 0)"
check_contains control.exec-sees-the-map "$out" "100000"

check_eq control.leaves-nothing "$before" "$(leftovers)"
t_done
