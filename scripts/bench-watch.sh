#!/usr/bin/env bash
# Benchmark: the CPU cost of `nslab watch -d 1` next to `htop -d 1` watching
# the same machine, with 1000 and 5000 extra sleeping processes; prints a
# table of CPU per refresh, CPU share, peak RSS and the ratio to htop. No
# pass/fail: numbers and ratios measured in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
NSLAB=${NSLAB:-$here/nslab}
ROOTFS=${ROOTFS:-$here/build/rootfs}
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
COUNTS=${BENCH_COUNTS:-"1000 5000"}
DELAY=${BENCH_DELAY:-1}	# tenths of a second, as both tools take -d

[ "$(id -u)" -eq 0 ] || { echo "bench-watch: run as root (the target container needs namespaces)" >&2; exit 1; }
command -v htop >/dev/null || { echo "bench-watch: installing htop" >&2; apt-get install -y -qq htop >/dev/null; }
command -v tmux >/dev/null || { echo "bench-watch: needs tmux" >&2; exit 1; }

work=$(mktemp -d /tmp/nslab-bench.XXXXXX)
sock=$work/tmux.sock
sleepers=()
cleanup() {
	tmux -S "$sock" kill-server 2>/dev/null || true
	[ ${#sleepers[@]} -eq 0 ] || kill "${sleepers[@]}" 2>/dev/null || true
	pkill -KILL -f "sleep 7777" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# CPU ticks (utime+stime) of a pid.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm_kb() { awk '/^VmHWM:/{print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

spawn_sleepers() {
	local want=$1
	while [ ${#sleepers[@]} -lt "$want" ]; do
		sleep 7777 &
		sleepers+=($!)
	done
}

# measure NAME CMD: run CMD in a tmux pane for SECONDS_PER_RUN, print "ticks hwm".
measure() {
	local name=$1 cmd=$2 pid t0 t1
	tmux -S "$sock" new-session -d -s "$name" -x 120 -y 40 "$cmd"
	sleep 2
	pid=$(tmux -S "$sock" list-panes -t "$name" -F '#{pane_pid}')
	# The pane runs a shell that execs the command.
	pid=$(pgrep -P "$pid" | head -1 || echo "$pid")
	t0=$(ticks "$pid")
	sleep "$SECONDS_PER_RUN"
	t1=$(ticks "$pid")
	echo "$((t1 - t0)) $(hwm_kb "$pid")"
	tmux -S "$sock" kill-session -t "$name"
}

# The target: one nslab container whose init we watch from outside.
tmux -S "$sock" new-session -d -s target -x 80 -y 24 \
	"$NSLAB -c 'set pid mount uts; hostname bench; rootfs $ROOTFS; run /bin/sh -c \"sleep 7777 & sleep 7777 & wait\"'"
sleep 2
target=$(pgrep -f "sh -c sleep 7777 & sleep 7777 & wait" | head -1)
[ -n "$target" ] || { echo "bench-watch: no target container" >&2; exit 1; }

printf '%-8s %-12s %12s %14s %10s %12s\n' procs tool "cpu/refresh" "cpu share" "peak RSS" "vs htop"
for n in $COUNTS; do
	spawn_sleepers "$n"
	read -r nt nh < <(measure nslab "exec env TERM=xterm $NSLAB watch --pid $target -d $DELAY")
	read -r ht hh < <(measure htop "exec env TERM=xterm htop -d $DELAY")
	for tool in nslab htop; do
		if [ $tool = nslab ]; then t=$nt h=$nh; else t=$ht h=$hh; fi
		per=$(awk -v t="$t" -v hz="$hz" -v s="$SECONDS_PER_RUN" -v d="$DELAY" 'BEGIN{printf "%.3f ms", t*1000/hz/(s*10/d)}')
		share=$(awk -v t="$t" -v hz="$hz" -v s="$SECONDS_PER_RUN" 'BEGIN{printf "%.2f %%", t*100/hz/s}')
		ratio=$(awk -v a="$t" -v b="$ht" 'BEGIN{ if (b > 0) printf "%.3f", a/b; else print "-" }')
		printf '%-8s %-12s %12s %14s %7s KiB %12s\n' "$n" "$tool" "$per" "$share" "$h" "$ratio"
	done
done
echo "(both refresh every $DELAY tenths of a second; cpu/refresh = CPU time per refresh; target: nslab at most 0.1 of htop at 5000, peak RSS under 8 MiB)"
