#!/usr/bin/env bash
# Tracing what runs inside a container (trace child on): system calls with
# decoded arguments and both PIDs, process events, signals, stops, detaching,
# save and load.
# shellcheck disable=SC2016 # $$ and friends are for the shell inside the container
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip trace_child "needs root (namespaces and ptrace of a container)"
	t_done
	exit 0
fi
work=
t_tmpdir work
base="set pid mount uts; rootfs $ROOTFS; trace child on"

# ---- a shell inside calls unshare, mount, sethostname and forks

out=$("$NSLAB" -c "$base; run /bin/sh -c 'unshare -m true; mount -t tmpfs -o size=1m none /tmp; hostname traced-box; (exit 3); echo done'; trace" 2>&1)
check_contains trace.output-kept "$out" "done"
check_contains trace.unshare-decoded "$out" 'unshare(CLONE_NEWNS) = 0'
check_contains trace.mount-decoded "$out" 'mount("none", "/tmp", "tmpfs", MS_SILENT, "size=1m") = 0'
check_contains trace.sethostname-decoded "$out" 'sethostname("traced-box", 10) = 0'
check_contains trace.legend "$out" "inside the container"
# Both PIDs: the host's and the container's (the shell is 1 inside).
line=$(grep 'sethostname("traced-box"' <<<"$out" | head -n1)
if [[ $line =~ ^\ *[0-9]+\ ([0-9]+)/([0-9]+)\  ]] && [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ] &&
	[ "${BASH_REMATCH[2]}" -gt 1 ]; then
	pass trace.both-pids
else
	fail trace.both-pids "no HOST/INSIDE pids on the line: [$line]"
fi
if grep -qE '^ *[0-9]+ [0-9]+/1 +sh +-- fork [0-9]+/[0-9]+' <<<"$out"; then
	pass trace.fork-event-from-pid-1
else
	fail trace.fork-event-from-pid-1 "no fork event from the shell (pid 1 inside): $out"
fi
check_contains trace.exec-event "$out" "-- exec unshare -m true"
check_contains trace.exit-status-event "$out" "-- exit status 3"
# The launcher's own steps are still there, with the tracer's attach among them.
check_contains trace.attach-step "$out" "ptrace(PTRACE_SEIZE"

out=$("$NSLAB" -c "$base; run /bin/sh -c 'hostname x; true'; events" 2>&1)
check_contains events.exec "$out" "exec"
check_contains events.exit "$out" "exit     status 0"
if grep -q 'sethostname' <<<"$out"; then
	fail events.only-process-events "events lists a system call: $out"
else
	pass events.only-process-events
fi

# ---- the exit status is the program's, traced or not

"$NSLAB" -c "$base; run /bin/sh -c 'exit 7'" >/dev/null 2>&1
check_eq trace.exit-status-kept 7 "$?"

# ---- killed by a signal

out=$("$NSLAB" -c "$base; run /bin/sh -c 'sleep 10 & kill -USR1 \$!; wait \$!; echo waited \$?'; events" 2>&1)
check_contains signal.delivered "$out" "signal   SIGUSR1 from pid 1 inside"
check_contains signal.killed "$out" "killed by SIGUSR1"
check_contains signal.shell-saw-it "$out" "waited 138"

# ---- a program that stops itself and is continued

out=$(timeout 60 "$NSLAB" -c "$base; run /bin/sh -c 'sh -c \"kill -STOP \\\$\\\$; echo resumed\" & sleep 1; kill -CONT \$!; wait \$!; echo child \$?'; events" 2>&1)
check_contains stop.resumed "$out" "resumed"
check_contains stop.status "$out" "child 0"
check_contains stop.event "$out" "stop     SIGSTOP"
check_contains stop.cont-event "$out" "cont     SIGCONT"

# ---- turning tracing off detaches: the process runs on, untraced

"$NSLAB" -c "$base; start /bin/sleep 30; exec /bin/sleep 2; trace child off; exec /bin/sleep 3; stop" \
	>"$work/off.out" 2>&1 &
nslab_pid=$!
on_exit "kill -9 $nslab_pid 2>/dev/null"
init=
for ((i = 0; i < 100; i++)); do
	init=$(pgrep -P "$nslab_pid" -x sleep | head -n1)
	[ -n "$init" ] && break
	sleep 0.05
done
sleep 0.8
tracer_on=$(awk '/^TracerPid:/ { print $2 }' "/proc/$init/status" 2>/dev/null)
tracer_comm=$(cat "/proc/$tracer_on/comm" 2>/dev/null)
check_eq off.traced-before nslab-tracer "$tracer_comm"
sleep 2.5
tracer_off=$(awk '/^TracerPid:/ { print $2 }' "/proc/$init/status" 2>/dev/null)
check_eq off.detached 0 "$tracer_off"
if kill -0 "$init" 2>/dev/null && [ "$(cat "/proc/$init/comm" 2>/dev/null)" = sleep ]; then
	pass off.runs-on
else
	fail off.runs-on "the container's init is gone after detaching"
fi
if [ -n "$tracer_on" ] && kill -0 "$tracer_on" 2>/dev/null; then
	fail off.tracer-gone "the tracer $tracer_on is still there"
else
	pass off.tracer-gone
fi
wait "$nslab_pid"
check_contains off.said-so "$(cat "$work/off.out")" "tracer detached from container"

# ---- save, then load (as nobody: studying a trace needs no root)

"$NSLAB" -c "$base; run /bin/sh -c 'hostname saved; true'; trace save $work/t.jsonl" >"$work/save.out" 2>&1
check_contains save.said "$(cat "$work/save.out")" "events saved to $work/t.jsonl"
chmod 755 "$work"
chmod 644 "$work/t.jsonl"
loaded=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLAB" -c "trace load $work/t.jsonl; trace --json" 2>&1)
check_eq load.same-events "$(cat "$work/t.jsonl")" "$(sed 1d <<<"$loaded")"
text=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLAB" -c "trace load $work/t.jsonl; trace; events" 2>&1)
check_contains load.trace-shows-calls "$text" 'sethostname("saved", 5) = 0'
check_contains load.events-show-exit "$text" "exit     status 0"
printf '{"call": "x"}\nnot json\n' >"$work/bad.jsonl"
out=$("$NSLAB" -c "trace load $work/bad.jsonl" 2>&1)
check_contains load.bad-line-named "$out" "$work/bad.jsonl:2: not a trace event"

# ---- filters

out=$("$NSLAB" -c "$base; trace filter file; run /bin/sh -c 'cat /etc/passwd >/dev/null; hostname f'; trace" 2>&1)
check_contains filter.file-openat "$out" 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY'
if grep -q 'sethostname' <<<"$out"; then
	fail filter.identity-left-out "sethostname traced with filter file: $out"
else
	pass filter.identity-left-out
fi
out=$("$NSLAB" -c "trace filter sethostname mount; trace filter" 2>&1)
check_contains filter.names "$out" "trace filter: mount sethostname"
out=$("$NSLAB" -c "trace filter bogus" 2>&1)
check_contains filter.unknown "$out" "'bogus' is neither a class"

# ---- nslab run --trace

out=$("$NSLAB" run --trace --pid --mount --uts --rootfs="$ROOTFS" -- /bin/sh -c 'hostname r; echo out' 2>"$work/run.err")
check_eq run.stdout out "$out"
check_contains run.trace-on-stderr "$(cat "$work/run.err")" 'sethostname("r", 1) = 0'

# No tracer is left behind.
sleep 0.2
if pgrep -x nslab-tracer >/dev/null; then
	fail trace.no-tracer-left "$(pgrep -a -x nslab-tracer)"
else
	pass trace.no-tracer-left
fi
t_done
