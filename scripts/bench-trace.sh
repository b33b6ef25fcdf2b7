#!/usr/bin/env bash
# Benchmark: the overhead of `nslab run --trace` (the ptrace tracer in
# src/core/tracer.c) next to `strace -f` on the same workloads in the same
# run; prints medians of wall and CPU time, the overhead over the untraced run
# and the ratio nslab/strace. No pass/fail: numbers and ratios only.
set -euo pipefail
export LC_ALL=C	# EPOCHREALTIME and awk read a decimal point
here=$(cd "$(dirname "$0")/.." && pwd)
NSLAB=${NSLAB:-$here/nslab}
REPS=${BENCH_REPS:-5}
PERF=${BENCH_PERF:-auto}	# auto|0: perf-sampled runs for the tracer process's own CPU
PERF_RUNS=${BENCH_PERF_RUNS:-3}
WORKLOADS=${BENCH_WORKLOADS:-"launch fork-exec syscalls ns-mount"}
DEFAULT_CLASSES="SC_NAMESPACE SC_MOUNT SC_PROCESS SC_IDENTITY"	# SC_DEFAULT in include/nslab/syscalls.h

[ "$(id -u)" -eq 0 ] || { echo "bench-trace: run as root (apt-get, and the mount workload)" >&2; exit 1; }
# Every variant runs at a raised priority, so other work on the machine
# disturbs them less (BENCH_NICE=0: as started); BENCH_CPU=N pins the whole
# run to CPU N (tracer and tracee then take turns on one CPU: steadier on a
# busy machine).
NICE=${BENCH_NICE:--10}
PIN=${BENCH_CPU:-}
if [ -z "${BENCH_TRACE_STARTED:-}" ] && { [ "$NICE" != 0 ] || [ -n "$PIN" ]; }; then
	export BENCH_TRACE_STARTED=1
	set -- "$0" "$@"
	[ -z "$PIN" ] || set -- taskset -c "$PIN" "$@"
	[ "$NICE" = 0 ] || set -- nice -n "$NICE" "$@"
	exec "$@"
fi
[ -x "$NSLAB" ] || { echo "bench-trace: no $NSLAB (make first)" >&2; exit 1; }
if ! command -v strace >/dev/null; then
	echo "bench-trace: installing strace" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null
fi

work=$(mktemp -d /tmp/nslab-bench-trace.XXXXXX)
cleanup() {
	# The mount workload's tmpfs lives in throwaway mount namespaces; this is
	# only for a run cut short in the middle of one.
	if grep -q " $work/mnt " /proc/self/mountinfo 2>/dev/null; then umount -l "$work/mnt" || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$work/mnt"
: >"$work/results"
: >"$work/failed"

SH=$(command -v dash || command -v sh)

# The calls of a set of classes, as nslab's tracer reports them, taken from
# the class table in src/core/syscalls.c (strace skips names the
# architecture lacks when they start with '?').
class_calls() {
	local want=$1
	awk -v want=" $want " '
		/class_members\[\] = \{/ { on = 1; next }
		on && /^};/ { on = 0 }
		on {
			if (match($0, /SC_[A-Z]+/)) cls = substr($0, RSTART, RLENGTH)
			s = $0
			while (match(s, /"[^"]*"/)) {
				if (index(want, " " cls " ")) print substr(s, RSTART + 1, RLENGTH - 2)
				s = substr(s, RSTART + RLENGTH)
			}
		}' "$here/src/core/syscalls.c" | tr ' ' '\n' | grep . | sort -u | sed 's/^/?/' | paste -sd, -
}
all_classes=$(awk '/class_members\[\] = \{/,/^};/' "$here/src/core/syscalls.c" | grep -o 'SC_[A-Z]*' | sort -u | paste -sd' ' -)
DEF_CALLS=$(class_calls "$DEFAULT_CLASSES")
ALL_CALLS=$(class_calls "$all_classes")
[ -n "$DEF_CALLS" ] && [ -n "$ALL_CALLS" ] || { echo "bench-trace: no class table in src/core/syscalls.c" >&2; exit 1; }
ncalls() { tr ',' '\n' <<<"$1" | wc -l; }

# ---- variants: the same `sh -c WORKLOAD` under each

VARIANTS="plain nslab ntrace nall sdef sall sfull sbpf"
label() {
	case $1 in
	plain) echo "sh -c W" ;;
	nslab) echo "nslab run -- sh -c W" ;;
	ntrace) echo "nslab run --trace" ;;
	nall) echo "nslab run --trace --trace-filter=all" ;;
	sdef) echo "strace -f -e trace=<default classes>" ;;
	sall) echo "strace -f -e trace=<all classes>" ;;
	sfull) echo "strace -f (every call)" ;;
	sbpf) echo "strace -f --seccomp-bpf -e <default>" ;;
	esac
}
# What a variant's overhead is measured against: nslab's own launch cancels.
baseline() { case $1 in ntrace | nall) echo nslab ;; s*) echo plain ;; *) echo - ;; esac; }
# The process that does the tracing, by its comm.
tracer_comm() { case $1 in n*) echo nslab-tracer ;; s*) echo strace ;; esac; }

# run_variant V WORKLOAD [TRACE_OUT]: stdout and stderr are the caller's.
run_variant() {
	local v=$1 w=$2 out=${3:-/dev/null}
	case $v in
	plain) "$SH" -c "$w" ;;
	nslab) "$NSLAB" run -- "$SH" -c "$w" ;;
	ntrace) "$NSLAB" run --trace -- "$SH" -c "$w" ;;
	nall) "$NSLAB" run --trace --trace-filter=all -- "$SH" -c "$w" ;;
	sdef) strace -f -o "$out" -e trace="$DEF_CALLS" "$SH" -c "$w" ;;
	sall) strace -f -o "$out" -e trace="$ALL_CALLS" "$SH" -c "$w" ;;
	sfull) strace -f -o "$out" "$SH" -c "$w" ;;
	sbpf) strace -f --seccomp-bpf -o "$out" -e trace="$DEF_CALLS" "$SH" -c "$w" ;;
	esac
}

strace -f --seccomp-bpf -o /dev/null -e trace=execve true 2>/dev/null || VARIANTS=${VARIANTS% sbpf}
if ! "$NSLAB" run --trace -- true >/dev/null 2>"$work/err"; then
	echo "bench-trace: nslab run --trace does not work here: $(head -3 "$work/err")" >&2
	exit 1
fi
if [ "$PERF" = auto ]; then
	if command -v perf >/dev/null && perf record -q -N -o "$work/perf.data" -e cpu-clock -- true >/dev/null 2>&1; then
		PERF=1
		export -f run_variant
		export SH NSLAB DEF_CALLS ALL_CALLS
	else
		PERF=0
	fi
fi

# ---- workloads: short, repeatable, each run as `sh -c W`

WL_NAMES=(launch fork-exec syscalls ns-mount)
WL_DESC=(
	"sh -c true: the fixed cost of starting each variant"
	"300 x fork+exec of /bin/true from a shell loop"
	"dd bs=1 count=8000: ~16000 read/write calls, no fork"
	"40 x unshare --mount --uts + mount -t tmpfs (namespace and mount calls)"
)
WL_CMD=(
	"true"
	'for i in $(seq 300); do /bin/true; done'
	"dd if=/dev/zero of=/dev/null bs=1 count=8000 2>/dev/null"
	"for i in \$(seq 40); do unshare --mount --uts mount -t tmpfs nslab-bench $work/mnt || exit 1; done"
)

# measure WL V W: append "WL V wall_ms cpu_ms" (CPU: user+sys of every process
# the variant started and reaped: tracer, traced programs, nslab).
measure() {
	local wl=$1 v=$2 w=$3 t0 t1 TIMEFORMAT='%3U %3S'
	t0=$EPOCHREALTIME
	{ time { run_variant "$v" "$w" >/dev/null 2>&1 || echo "$wl $v" >>"$work/failed"; }; } 2>"$work/time"
	t1=$EPOCHREALTIME
	awk -v wl="$wl" -v v="$v" -v t0="$t0" -v t1="$t1" \
		'{ printf "%s %s %.1f %.1f\n", wl, v, (t1 - t0) * 1000, ($1 + $2) * 1000 }' "$work/time" >>"$work/results"
}

# The tracer process's own CPU (ms), sampled by perf: median of PERF_RUNS runs.
tracer_cpu() {
	local v=$1 w=$2 r
	for ((r = 0; r < PERF_RUNS; r++)); do
		rm -f "$work/perf.data"
		# -N: no build-id cache, so nothing is left in ~/.debug.
		perf record -q -N -o "$work/perf.data" -e cpu-clock -F 2000 -- \
			bash -c 'run_variant "$1" "$2"' _ "$v" "$w" >/dev/null 2>&1 || true
		perf report -i "$work/perf.data" --stdio --sort comm -F period,comm 2>/dev/null |
			awk -v c="$(tracer_comm "$v")" '!/^#/ && NF == 2 && $2 == c { printf "%.0f\n", $1 / 1e6 }' | head -1
	done | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
	rm -f "$work/perf.data" "$work/perf.data.old"
}

# Lines of trace each variant writes for a workload (untimed; also a warm-up).
census() {
	local wl=$1 w=$2 v n
	for v in $VARIANTS; do
		rm -f "$work/trace"
		case $v in
		ntrace | nall)
			run_variant "$v" "$w" >/dev/null 2>"$work/trace" || true
			n=$(grep -cE '^ *[0-9]+ [0-9]+/[0-9]+ ' "$work/trace" || true)
			grep -q 'trace-full' "$work/trace" && n="$n (full: events dropped)"
			;;
		s*)
			run_variant "$v" "$w" "$work/trace" >/dev/null 2>&1 || true
			n=$(wc -l <"$work/trace" 2>/dev/null || echo -)
			;;
		*) run_variant "$v" "$w" >/dev/null 2>&1 || true; continue ;;
		esac
		echo "$wl $v $n" >>"$work/census"
	done
	rm -f "$work/trace"
}

med() {
	awk -v wl="$1" -v v="$2" -v f="$3" '$1 == wl && $2 == v { print $f }' "$work/results" | sort -n |
		awk '{ a[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# The spread of a variant's wall times: the interquartile range (2nd to 4th of 5).
iqr() {
	awk -v wl="$1" -v v="$2" '$1 == wl && $2 == v { print $3 }' "$work/results" | sort -n |
		awk '{ a[NR] = $1 } END { k = int((NR + 3) / 4); if (!NR) print "nan"; else printf "%.1f", a[NR - k + 1] - a[k] }'
}
load() { awk '{ print $1 }' /proc/loadavg; }

kernel=$(uname -r)
echo "bench-trace: nslab's ptrace tracer next to strace $(strace -V | awk 'NR == 1 { print $NF }') on the same workloads, $REPS runs each,"
echo "variants alternating, medians. Shell $SH, kernel $kernel, $(nproc --all) CPUs$([ -z "$PIN" ] || echo ", pinned to CPU $PIN"), niceness $(nice)."
echo "default filter: namespace mount process identity = $(ncalls "$DEF_CALLS") calls; all: the $(wc -w <<<"$all_classes") classes = $(ncalls "$ALL_CALLS") calls"
load_before=$(load)
echo

: >"$work/census"
declare -A tcpu=()
active=()
for i in "${!WL_NAMES[@]}"; do
	wl=${WL_NAMES[$i]} w=${WL_CMD[$i]}
	case " $WORKLOADS " in *" $wl "*) ;; *) continue ;; esac
	if ! "$SH" -c "$w" >/dev/null 2>"$work/err"; then
		echo "skip $wl: it fails untraced: $(head -1 "$work/err")"
		continue
	fi
	active+=("$i")
	census "$wl" "$w"
	read -ra vs <<<"$VARIANTS"
	for ((r = 0; r < REPS; r++)); do
		# Rotate the order each round so no variant always follows the same one.
		for ((k = 0; k < ${#vs[@]}; k++)); do
			v=${vs[$(((k + r) % ${#vs[@]}))]}
			measure "$wl" "$v" "$w"
		done
	done
	if [ "$PERF" = 1 ] && [ "$wl" != launch ]; then
		for v in ntrace nall sdef sall; do tcpu[$wl.$v]=$(tracer_cpu "$v" "$w" || true); done
	fi
done

if [ -s "$work/failed" ]; then
	echo "note: some runs exited non-zero (their times are still in the table):"
	sort "$work/failed" | uniq -c | sed 's/^/  /'
	echo
fi

sub() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan") print "nan"; else printf "%.1f", a - b }'; }
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b < 0.5) print "-"; else printf "%.2f", a / b }'
}

load_after=$(load)
printf '%-10s %-38s %9s %6s %9s %9s %9s %10s %9s\n' workload variant "wall ms" iqr "cpu ms" "+wall ms" "+cpu ms" "tracer ms" "lines"
for i in "${active[@]}"; do
	wl=${WL_NAMES[$i]}
	echo "-- $wl: ${WL_DESC[$i]}"
	for v in $VARIANTS; do
		wall=$(med "$wl" "$v" 3) cpu=$(med "$wl" "$v" 4) b=$(baseline "$v")
		dw=- dc=-
		if [ "$b" != - ]; then dw=$(sub "$wall" "$(med "$wl" "$b" 3)") dc=$(sub "$cpu" "$(med "$wl" "$b" 4)"); fi
		lines=$(awk -v wl="$wl" -v v="$v" '$1 == wl && $2 == v { $1 = $2 = ""; sub(/^ +/, ""); print }' "$work/census")
		printf '%-10s %-38s %9s %6s %9s %9s %9s %10s %9s\n' "$wl" "$(label "$v")" "$wall" "$(iqr "$wl" "$v")" "$cpu" "$dw" "$dc" \
			"${tcpu[$wl.$v]:--}" "${lines:--}"
	done
done

echo
echo "nslab overhead / strace overhead (<= 1.00: nslab no slower than strace; '-': strace's overhead under 0.5 ms)"
printf '%-10s %-26s %9s %9s %7s %9s %9s %7s %8s %9s\n' workload "compared" "nslab +w" "strace +w" "wall" "nslab +c" "strace +c" cpu tracer "bpf +w"
for i in "${active[@]}"; do
	wl=${WL_NAMES[$i]}
	bpf=-
	case " $VARIANTS " in *" sbpf "*) bpf=$(sub "$(med "$wl" sbpf 3)" "$(med "$wl" plain 3)") ;; esac
	for pair in "ntrace sdef default classes" "nall sall all classes" "nall sfull all vs every call"; do
		read -r n s what <<<"$pair"
		nw=$(sub "$(med "$wl" "$n" 3)" "$(med "$wl" nslab 3)") nc=$(sub "$(med "$wl" "$n" 4)" "$(med "$wl" nslab 4)")
		sw=$(sub "$(med "$wl" "$s" 3)" "$(med "$wl" plain 3)") sc=$(sub "$(med "$wl" "$s" 4)" "$(med "$wl" plain 4)")
		tr=-
		[ -z "${tcpu[$wl.$n]:-}" ] || [ -z "${tcpu[$wl.$s]:-}" ] || tr=$(ratio "${tcpu[$wl.$n]}" "${tcpu[$wl.$s]}")
		printf '%-10s %-26s %9s %9s %7s %9s %9s %7s %8s %9s\n' "$wl" "$what" "$nw" "$sw" "$(ratio "$nw" "$sw")" \
			"$nc" "$sc" "$(ratio "$nc" "$sc")" "$tr" "$bpf"
		bpf=
	done
done

echo
echo "load average: $load_before before, $load_after after, on $(nproc --all) CPUs$(awk -v a="$load_before" -v b="$load_after" -v n="$(nproc --all)" \
	'BEGIN { if (a > n / 2 || b > n / 2) print ": other work was running, so single ratios are noisy (see iqr)" }')"
cat <<EOF

How this is kept fair:
- Every variant runs the same \`$SH -c W\` in the host's namespaces and root
  (nslab run with no namespace options), alternating, in one run.
- +wall/+cpu is the overhead: nslab's traced runs minus \`nslab run\` untraced
  (so nslab's own launch cancels, the tracer's start stays in), strace's
  minus plain \`sh -c W\` (strace's own start stays in). "launch" shows both
  starts alone.
- Both stop every traced process at every syscall entry and exit
  (PTRACE_SYSCALL): strace runs without --seccomp-bpf, so its -e filter, like
  nslab's, only decides what is decoded and written. The "bpf +w" column
  (strace --seccomp-bpf, default filter: only the filtered calls stop) is a
  reference for what a filter in the kernel buys, not a peer.
- nslab's "all" is every system call (read, write, mmap... too): its peer is
  plain \`strace -f\` ("all vs every call"). "all classes" compares it with
  strace limited to the seven classes' calls, which does less work.
- Both write their trace: strace formats text into /dev/null as it goes;
  nslab stores binary events in a memory file and formats them to stderr
  (/dev/null here) after the container ends. "lines" is what each wrote in
  one run (nslab keeps at most 20000 events).
- cpu = user+sys of every process of the run (bash time, from getrusage):
  tracer, traced programs (which pay kernel time at each stop) and nslab.
  "tracer ms": the nslab-tracer or strace process alone, sampled by perf
  (cpu-clock; median of $PERF_RUNS runs), when perf works here.
EOF
