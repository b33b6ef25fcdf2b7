#!/usr/bin/env bash
# Benchmark: launch latency of /bin/true in the default rootfs under nslab,
# util-linux unshare, bubblewrap, crun and runc, next to a minimal
# clone3+exec floor built from scripts/bench-floor.c (nslab run with
# pivot_root against the pivot_root floor; nslab run --chroot against
# unshare(1) and the chroot floor, which do the same work); then nslab's time to
# its first prompt, run -> exec as its own trace sees it, and the panels'
# refresh cost against htop (scripts/bench-watch.sh). Medians, p90 and
# ratios measured in the same run, interleaved; never pass/fail.
#
#   scripts/bench.sh [--runs N] [--no-watch] [--no-rt]
#
# Environment: NSLAB, ROOTFS, BENCH_RUNS (50), BENCH_SETTINGS ("a b c"),
# BENCH_TOOLS (all: floor floor-chroot nslab-run nslab-chroot nslab-c unshare
# bwrap crun runc), BENCH_MEMORY (64M), BENCH_TRACE_RUNS (20),
# BENCH_WATCH (1; 0 skips bench-watch.sh), BENCH_WATCH_SECONDS (10),
# BENCH_RT (1: the timed commands run at SCHED_FIFO priority 10, so another
# program busy on the CPUs does not add its scheduling delay to every fork
# and wake-up; 0: the normal scheduler, as a person would run them).
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/.." && pwd)
NSLAB=${NSLAB:-$here/nslab}
ROOTFS=${ROOTFS:-$here/build/rootfs}
RUNS=${BENCH_RUNS:-50}
SETTINGS=${BENCH_SETTINGS:-"a b c"}
TOOLS=${BENCH_TOOLS:-"floor floor-chroot nslab-run nslab-chroot nslab-c unshare bwrap crun runc"}
MEMORY=${BENCH_MEMORY:-64M}
TRACE_RUNS=${BENCH_TRACE_RUNS:-20}
WATCH=${BENCH_WATCH:-1}
WATCH_SECONDS=${BENCH_WATCH_SECONDS:-10}
RT=${BENCH_RT:-1}

args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift 2 ;;
	--runs=*) RUNS=${1#--runs=}; shift ;;
	--no-watch) WATCH=0; shift ;;
	--no-rt) RT=0; shift ;;
	-h|--help) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown option $1 (--runs N, --no-watch, --no-rt)" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (the peers and the cgroup setting need it)" >&2; exit 1; }
[ -x "$NSLAB" ] || { echo "bench: no $NSLAB (make first)" >&2; exit 1; }
[ -x "$ROOTFS/bin/true" ] || { echo "bench: no $ROOTFS/bin/true (make rootfs first)" >&2; exit 1; }

# The peers and the tools this script uses, installed the way install-deps.sh does.
need=()
for pair in unshare:util-linux bwrap:bubblewrap crun:crun runc:runc cc:gcc jq:jq tmux:tmux; do
	command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "bench: installing ${need[*]}" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# crun refuses a hybrid host (v1 controllers with a cgroup2 mount at
# /sys/fs/cgroup/unified). Every tool runs in one private mount namespace
# where that mount is replaced by an empty throwaway tmpfs (crun writes its
# unified-hierarchy dirs there, and they vanish with the namespace); the
# host's mounts are never touched.
if [ -z "${NSLAB_BENCH_PRIVATE:-}" ]; then
	exec unshare --mount --propagation private -- env NSLAB_BENCH_PRIVATE=1 bash "$0" ${args[@]+"${args[@]}"}
fi
hybrid=no
if [ "$(findmnt -n -o FSTYPE /sys/fs/cgroup 2>/dev/null)" = tmpfs ] &&
	[ "$(findmnt -n -o FSTYPE /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2 ]; then
	umount /sys/fs/cgroup/unified
	mount -t tmpfs -o size=1m,mode=755 nslab-bench /sys/fs/cgroup/unified
	hybrid=yes
fi

work=$(mktemp -d /tmp/nslab-bench.XXXXXX)
# Every cgroup this run makes is under nslab-bench.PID in some hierarchy: the
# floor's and the timer's memory cgroups, and crun's and runc's (their
# bundles' cgroupsPath), so cleanup finds them all, even after a failed run.
cg_name=nslab-bench.$$
cleanup() {
	local d id
	for rt in crun runc; do
		for d in "$work/$rt-root"/*/; do
			[ -d "$d" ] || continue
			id=$(basename "$d")
			"$rt" --root "$work/$rt-root" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	for d in /sys/fs/cgroup/"$cg_name" /sys/fs/cgroup/*/"$cg_name"; do
		[ -d "$d" ] || continue
		# The throwaway tmpfs over unified goes with the mount namespace.
		[ "$hybrid" = yes ] && [ "${d#/sys/fs/cgroup/unified/}" != "$d" ] && continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
		[ ! -d "$d" ] || echo "bench: could not remove $d" >&2
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BF=$work/bench-floor
cc -O2 -o "$BF" "$here/scripts/bench-floor.c"
# The timer and everything it starts, at real-time priority when asked (and allowed).
rt_prefix=()
sched="normal scheduler (SCHED_OTHER)"
if [ "$RT" = 1 ]; then
	if chrt -f 10 true 2>/dev/null; then
		rt_prefix=(chrt -f 10)
		sched="SCHED_FIFO 10 (--no-rt for the normal scheduler)"
	else
		sched="normal scheduler (SCHED_FIFO not allowed here)"
	fi
fi
run_bf=(${rt_prefix[@]+"${rt_prefix[@]}"} "$BF")

# A memory cgroup parent of our own for the floor and for the tools that have
# no cgroup option (unshare, bwrap): v2 when the root is cgroup2, else v1.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	cg_mode=v2
	cg_parent=/sys/fs/cgroup/$cg_name
	mkdir "$cg_parent"
	echo +memory >"$cg_parent/cgroup.subtree_control"
elif [ -d /sys/fs/cgroup/memory ]; then
	cg_mode=v1
	cg_parent=/sys/fs/cgroup/memory/$cg_name
	mkdir "$cg_parent"
else
	cg_mode=none
	SETTINGS=${SETTINGS//c/}
	echo "bench: no memory cgroup controller; setting (c) left out" >&2
fi
mem_bytes=$(numfmt --from=iec "$MEMORY")

# The spec of each setting, as nslab's commands.
SPEC_BASE="set pid uts ipc mount cgroup user; map-root; rootfs $ROOTFS"
spec_of() {
	case $1 in
	a) echo "$SPEC_BASE" ;;
	b) echo "$SPEC_BASE; set net" ;;
	c) echo "$SPEC_BASE; limit memory $MEMORY" ;;
	esac
}
describe() {
	case $1 in
	a) echo "(a) pid uts ipc mount cgroup user, root mapped, pivot_root into the rootfs, proc" ;;
	b) echo "(b) = (a) + net" ;;
	c) echo "(c) = (a) + a memory cgroup limited to $MEMORY" ;;
	esac
}

# OCI bundles for crun and runc from nslab's own export, trimmed to the same
# work: only the /proc mount (the export adds /dev, /dev/pts, masked and
# read-only paths for a production-like container). The rootfs is a copy
# without device nodes: in a user namespace both runtimes bind-mount the
# host's default devices onto files in the bundle's /dev. Each runtime gets
# its own config.json (its own cgroupsPath) over the same rootfs.
for s in $SETTINGS; do
	"$NSLAB" -c "$(spec_of "$s"); export oci $work/oci-$s /bin/true" >"$work/export-$s.log" 2>&1 ||
		{ cat "$work/export-$s.log" >&2; exit 1; }
	find "$work/oci-$s/rootfs/dev" -type c -delete
	for rt in crun runc; do
		mkdir "$work/oci-$s-$rt"
		jq --arg root "$work/oci-$s/rootfs" --arg cg "/$cg_name/$rt-$s" \
			'del(.linux.maskedPaths, .linux.readonlyPaths) | .mounts |= map(select(.destination == "/proc"))
			 | .root.path = $root | .linux.cgroupsPath = $cg' \
			"$work/oci-$s/config.json" >"$work/oci-$s-$rt/config.json"
	done
done
mkdir "$work/crun-root" "$work/runc-root"

# At SCHED_FIFO on a kernel with RT group scheduling (v1 cpu.rt_runtime_us),
# a real-time process may only join a cpu cgroup with an RT budget, and new
# cgroups get none: runc and crun would fail with EINVAL. Their leaf cgroup
# in the cpu hierarchy is made with a budget before each run (outside the
# timed window); they find it there and remove it as usual.
rt_cpu=""
if [ ${#rt_prefix[@]} -gt 0 ] && [ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
	rt_cpu=/sys/fs/cgroup/cpu/$cg_name
	mkdir "$rt_cpu"
	echo 600000 >"$rt_cpu/cpu.rt_runtime_us"
fi
prepare_run() {
	local tool=$1 s=$2 d
	case $tool in
	crun|runc)
		[ -n "$rt_cpu" ] || return 0
		# A leaf a failed run left would hold budget: only one at a time (a
		# removed cgroup's budget returns to the parent only once it is freed).
		for d in "$rt_cpu"/*/; do
			if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
		done
		mkdir -p "$rt_cpu/$tool-$s"
		echo 100000 >"$rt_cpu/$tool-$s/cpu.rt_runtime_us" ||
			echo "bench: no RT budget for $tool's cgroup; it will fail at SCHED_FIFO (--no-rt)" >&2 ;;
	esac
}

# cmd_of TOOL SETTING ROUND: the command line (for the timer) or nothing if
# the tool has no way to express the setting.
UNSHARE_NS="--fork --kill-child --pid --user --uts --mount --ipc --cgroup"
BWRAP_NS="--die-with-parent --unshare-user --uid 0 --gid 0 --unshare-pid --unshare-uts --unshare-ipc --unshare-cgroup --as-pid-1"
cmd_of() {
	local tool=$1 s=$2 i=$3 net="" cg="" mem=""
	[ "$s" = b ] && net=1
	[ "$s" = c ] && cg="-g $cg_parent:$mem_bytes" && mem="--memory=$MEMORY"
	case $tool in
	floor) echo "time -- $BF floor ${net:+-n} $cg $ROOTFS /bin/true" ;;
	floor-chroot) echo "time -- $BF floor -c ${net:+-n} $cg $ROOTFS /bin/true" ;;
	nslab-run) echo "time -- $NSLAB run -p -u -i -m -C ${net:+-n} -r $mem --rootfs=$ROOTFS /bin/true" ;;
	nslab-chroot) echo "time -- $NSLAB run -p -u -i -m -C ${net:+-n} -r $mem --chroot --rootfs=$ROOTFS /bin/true" ;;
	nslab-c) echo "time -- $NSLAB -c '$(spec_of "$s"); run /bin/true'" ;;
	unshare) echo "time $cg -- unshare $UNSHARE_NS ${net:+--net} --map-root-user --root=$ROOTFS --mount-proc=/proc /bin/true" ;;
	bwrap) echo "time $cg -- bwrap $BWRAP_NS ${net:+--unshare-net} --dev-bind $ROOTFS / --proc /proc --chdir / -- /bin/true" ;;
	crun|runc) echo "time -- $tool --root $work/$tool-root run --bundle $work/oci-$s-$tool nsb$$-$s-$i" ;;
	esac
}

# One timed run: appends "WALL_US CPU_US STATUS" to the results; the
# command's output goes to a log (shown if it fails the smoke test).
measure() {
	local tool=$1 s=$2 i=$3 c
	c=$(cmd_of "$tool" "$s" "$i")
	[ -n "$c" ] || return 0
	prepare_run "$tool" "$s"
	eval "\"\${run_bf[@]}\" $c" 2>>"$work/log.$s.$tool" >>"$work/res.$s.$tool.raw" || true
}

echo "nslab launch benchmark: $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), cgroup $cg_mode$([ $hybrid = yes ] && echo ' (hybrid; cgroup2 hidden in a private mount namespace for all tools)')"
echo "versions: $("$NSLAB" --version), $(unshare --version | sed 's/.*util-linux /util-linux /'), $(bwrap --version), $(crun --version | head -1), $(runc --version | head -1)"
echo "state dirs: /run is $(findmnt -n -o FSTYPE -T /run) (nslab keeps /run/nslab/ID there); timed commands: $sched"

# Smoke test: one run of each pair; a pair that fails is left out, with why.
pairs=()
for s in $SETTINGS; do
	for tool in $TOOLS; do
		c=$(cmd_of "$tool" "$s" 0)
		[ -n "$c" ] || continue
		prepare_run "$tool" "$s"
		out=$(eval "\"\${run_bf[@]}\" $c" 2>&1 | tail -5) || true
		status=$(tail -1 <<<"$out" | awk 'NF == 3 && $3 ~ /^[0-9]+$/ { print $3 }')
		if [ "$status" = 0 ]; then
			pairs+=("$s:$tool")
		else
			echo "bench: $tool in setting ($s) failed and is left out: $(grep -v '^[0-9]* [0-9]* [0-9]*$' <<<"$out" | tail -2 | tr '\n' ' ')" >&2
			echo "failed" >"$work/res.$s.$tool.failed"
		fi
	done
done

# The timed runs: every pair once per round, in a fresh random order each
# round, so drift (other load, page cache) hits all of them alike and no tool
# always follows the same neighbour (a cgroup v1 attach is cheap right after
# another one: the kernel's rcu_sync is still in its fast mode).
t_start=$(date +%s)
for ((i = 1; i <= RUNS; i++)); do
	while read -r p; do
		measure "${p#*:}" "${p%%:*}" "$i"
	done < <(shuf -e "${pairs[@]}")
done
t_end=$(date +%s)

# stats FILE COLUMN: "p50 p90" of a column of microseconds, in ms.
stats() {
	awk -v c="$2" '$3 == 0 { print $c }' "$1" | sort -n |
		awk '{ a[NR] = $1 } END { if (!NR) { print "- -"; exit } i50 = int((NR + 1) / 2); i90 = int(NR * 0.9 + 0.999); if (i90 > NR) i90 = NR; printf "%.2f %.2f\n", a[i50] / 1000, a[i90] / 1000 }'
}
label() {
	case $1 in
	floor) echo "floor (clone3+pivot_root)" ;;
	floor-chroot) echo "floor (clone3+chroot)" ;;
	nslab-run) echo "nslab run" ;;
	nslab-chroot) echo "nslab run --chroot" ;;
	nslab-c) echo "nslab -c '...; run'" ;;
	unshare) echo "unshare(1) (chroot)" ;;
	bwrap) echo "bwrap" ;;
	crun) echo "crun run" ;;
	runc) echo "runc run" ;;
	esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

declare -A W50 C50
echo
echo "Launch latency of /bin/true, $RUNS interleaved runs per tool ($((t_end - t_start)) s); times in ms; ratios of medians to the floor"
for s in $SETTINGS; do
	echo
	describe "$s"
	if [ "$s" = c ]; then
		echo "    (unshare and bwrap have no cgroup option: the timer makes, joins and removes the cgroup for them inside the timed window, as cgexec would)"
		[ "$cg_mode" = v1 ] && echo "    (v1: a cgroup.procs write waits for an RCU grace period unless another attach happened just before, so these times are bimodal: compare p50 and p90)"
	fi
	printf '  %-26s %9s %9s %9s %9s %10s %10s %5s\n' tool "wall p50" "wall p90" "cpu p50" "cpu p90" "wall/floor" "cpu/floor" runs
	read -r fw50 _ < <(stats "$work/res.$s.floor.raw" 1 2>/dev/null || echo "- -")
	read -r fc50 _ < <(stats "$work/res.$s.floor.raw" 2 2>/dev/null || echo "- -")
	for tool in $TOOLS; do
		f=$work/res.$s.$tool.raw
		if [ -f "$work/res.$s.$tool.failed" ]; then
			printf '  %-26s %s\n' "$(label "$tool")" "failed (see the message above)"
			continue
		fi
		[ -f "$f" ] || continue
		read -r w50 w90 < <(stats "$f" 1)
		read -r c50 c90 < <(stats "$f" 2)
		ok=$(awk '$3 == 0' "$f" | wc -l)
		printf '  %-26s %9s %9s %9s %9s %10s %10s %5s\n' "$(label "$tool")" "$w50" "$w90" "$c50" "$c90" \
			"$(ratio "$w50" "$fw50")" "$(ratio "$c50" "$fc50")" "$ok"
		W50[$s.$tool]=$w50
		C50[$s.$tool]=$c50
	done
	# The target, as a note: nslab at most 1.2x the floor, faster than unshare, far ahead of crun and runc.
	nt=nslab-run
	nw=${W50[$s.$nt]:--}
	echo "  note: target nslab <= 1.20x floor, faster than unshare, far ahead of crun/runc; here $(label "$nt"):" \
		"$(ratio "$nw" "$fw50") floor wall, $(ratio "${C50[$s.$nt]:--}" "$fc50") floor cpu," \
		"$(ratio "$nw" "${W50[$s.unshare]:--}") unshare, $(ratio "$nw" "${W50[$s.crun]:--}") crun, $(ratio "$nw" "${W50[$s.runc]:--}") runc (wall)"
	# unshare(1) enters the root with chroot: the like-for-like row is nslab run --chroot.
	cw=${W50[$s.nslab-chroot]:--}
	[ "$cw" = - ] || echo "  note: same work as unshare(1) (chroot): nslab run --chroot $(ratio "$cw" "${W50[$s.floor-chroot]:--}") floor (clone3+chroot)," \
		"$(ratio "$cw" "${W50[$s.unshare]:--}") unshare (wall)"
done
echo "  (cpu = user+system of the tool and every process it reaped; a network namespace's teardown runs later in a kernel worker and is in no one's cpu)"

# Start to the first prompt: on a pty, until the prompt text "] # " (or
# "] $ ") appears; next to `nslab -c ''` (start, cleanup scan, exit: the
# proxy without a terminal) and `nslab --version` (process start only).
echo
prompt='] # '
[ "$(id -u)" -eq 0 ] || prompt='] $ '
: >"$work/prompt"
: >"$work/cempty"
: >"$work/version"
for ((i = 1; i <= TRACE_RUNS; i++)); do
	"${run_bf[@]}" pty "$prompt" -- "$NSLAB" >>"$work/prompt" 2>/dev/null || true
	"${run_bf[@]}" time -- "$NSLAB" -c '' >>"$work/cempty" 2>/dev/null || true
	"${run_bf[@]}" time -- "$NSLAB" --version 2>/dev/null >>"$work/version" || true
done
p50() { sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%.2f", a[int((NR + 1) / 2)] / 1000; else printf "-" }'; }
echo "nslab start to first prompt ($TRACE_RUNS runs each, median ms):"
printf '  %-44s %8s\n' "on a pty, until \"$prompt\" is printed" "$(p50 <"$work/prompt")"
printf '  %-44s %8s\n' "nslab -c '' (proxy: start, cleanup scan, exit)" "$(awk '{print $1}' "$work/cempty" | p50)"
printf '  %-44s %8s\n' "nslab --version (process start and exit)" "$(awk '{print $1}' "$work/version" | p50)"

# run -> exec as nslab's trace sees it: t_ns of the execve event (from the
# start of the launch: state dir, pipes, clone, maps, the child's steps), the
# sum of the recorded steps' durations up to it, and the floor's own
# clone -> execve for the same setting.
echo
echo "run -> child's execve, from nslab's trace (nslab -c '...; run /bin/true; trace --json'; $TRACE_RUNS runs, median ms):"
printf '  %-8s %12s %14s %8s %16s %12s\n' setting "execve at" "sum of steps" steps "floor execve at" "nslab/floor"
for s in $SETTINGS; do
	: >"$work/trace.$s"
	: >"$work/fexec.$s"
	fl=""
	[ "$s" = b ] && fl="-n"
	[ "$s" = c ] && fl="-g $cg_parent:$mem_bytes"
	for ((i = 1; i <= TRACE_RUNS; i++)); do
		${rt_prefix[@]+"${rt_prefix[@]}"} "$NSLAB" -c "$(spec_of "$s"); run /bin/true; trace --json" 2>/dev/null | grep '^{' |
			jq -rs '(map(.call) | index("execve")) as $x | if $x == null then empty else
				"\(.[$x].t_ns) \([.[0:$x+1][].dur_ns] | add) \($x + 1) \([.[] | select(.call == "write cgroup.procs") | .dur_ns] | add // 0)" end' \
				>>"$work/trace.$s" || true
		# shellcheck disable=SC2086
		"${run_bf[@]}" floor -T $fl "$ROOTFS" /bin/true 2>&1 | sed -n 's/^exec_us=//p' >>"$work/fexec.$s" || true
	done
	at=$(awk '{print $1 / 1000}' "$work/trace.$s" | p50)
	sum=$(awk '{print $2 / 1000}' "$work/trace.$s" | p50)
	steps=$(awk '{print $3}' "$work/trace.$s" | sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }')
	fat=$(p50 <"$work/fexec.$s")
	printf '  %-8s %12s %14s %8s %16s %12s\n' "($s)" "$at" "$sum" "$steps" "$fat" "$(ratio "$at" "$fat")"
	if [ "$s" = c ]; then
		procs=$(awk '{print $4 / 1000}' "$work/trace.$s" | p50)
		procs90=$(awk '{print $4}' "$work/trace.$s" | sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%.2f", a[int(NR * 0.9 + 0.999)] / 1000000; else printf "-" }')
		echo "           (c): nslab's cgroup.procs writes took $procs ms at the median, $procs90 ms at p90"
	fi
done
echo "  (execve at: from the start of the launch, after option parsing and the plan; the gap to the sum of steps is"
echo "   unrecorded work: the state file, formatting events, the child's wake-up and its event writes to the pipe)"

# The panels against htop: bench-watch.sh, shorter than its own default.
echo
if [ "$WATCH" = 0 ]; then
	echo "panels vs htop: skipped (--no-watch); scripts/bench-watch.sh measures it"
elif pgrep -f "sleep 7777" >/dev/null; then
	echo "panels vs htop: skipped: another bench-watch.sh is running (its sleepers are \"sleep 7777\", and its cleanup kills them by that name)"
else
	echo "panels vs htop (scripts/bench-watch.sh, ${WATCH_SECONDS}s per tool and count):"
	BENCH_SECONDS=$WATCH_SECONDS NSLAB=$NSLAB ROOTFS=$ROOTFS bash "$here/scripts/bench-watch.sh" | sed 's/^/  /' ||
		echo "  bench-watch.sh failed"
fi
echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine widens p90 and the wall times; cpu is steadier)"
