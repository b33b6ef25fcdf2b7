#!/usr/bin/env bash
# The libFuzzer runs behind `make fuzz` (fuzz/README.md).
#   fuzz.sh probe CC STAMP             can CC build and link a libFuzzer target? names the package if not
#   fuzz.sh run BUILD SECONDS TARGET... replay fuzz/regressions, then fuzz each target for SECONDS
# A run fails when any target crashes, leaks, trips a sanitizer or times out;
# what crashed is kept under BUILD/artifacts/TARGET/ and the log in BUILD/logs/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# Debian 12 splits libFuzzer (libclang_rt.fuzzer) from clang itself.
need_packages="clang libclang-rt-14-dev"

probe() {
	local cc=$1 stamp=$2 tmp
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "fuzz: '$cc' not found. make fuzz needs clang with libFuzzer: apt-get install $need_packages" >&2
		return 1
	fi
	tmp=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' >"$tmp/t.c"
	if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" >"$tmp/log" 2>&1; then
		echo "fuzz: $cc cannot link a libFuzzer target (-fsanitize=fuzzer):" >&2
		sed 's/^/  /' "$tmp/log" | head -n 5 >&2
		echo "fuzz: install libFuzzer's runtime: apt-get install $need_packages" >&2
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tmp"
	mkdir -p "$(dirname "$stamp")" && "$cc" --version | head -n 1 >"$stamp"
}

# Flags per target: the longest input worth trying, and a dictionary if there is one.
target_flags() {
	local t=$1 max
	case $t in
	size) max=256 ;;
	idmap | mountinfo) max=8192 ;;
	tokenize) max=16384 ;;
	*) max=32768 ;;
	esac
	echo "-max_len=$max"
	[ -f "$top/fuzz/dict/$t.dict" ] && echo "-dict=$top/fuzz/dict/$t.dict"
}

run() {
	local build=$1 seconds=$2; shift 2
	local t bin log failed=() flags
	mkdir -p "$build/logs"
	printf '%-10s %8s %12s %8s %s\n' target seconds execs corpus result
	for t in "$@"; do
		bin=$build/fuzz_$t log=$build/logs/$t.log
		mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
		# Inputs that once crashed must still pass, before any new fuzzing.
		local regs=("$top"/fuzz/regressions/"$t"/*)
		if [ -e "${regs[0]}" ] && ! "$bin" -timeout=10 "${regs[@]}" >"$log.regressions" 2>&1; then
			printf '%-10s %8s %12s %8s %s\n' "$t" - - - "FAIL (a regression input crashes again: $log.regressions)"
			failed+=("$t")
			continue
		fi
		mapfile -t flags < <(target_flags "$t")
		local started=$SECONDS
		# New inputs go to build/ (the first directory); the checked-in seeds are only read.
		"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
			-print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" "${flags[@]}" \
			"$build/corpus/$t" "$top/fuzz/corpus/$t" >"$log" 2>&1
		local rc=$? took=$((SECONDS - started))
		local execs corpus
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		corpus=$(find "$build/corpus/$t" -type f | wc -l)
		if [ "$rc" -eq 0 ]; then
			printf '%-10s %8s %12s %8s %s\n' "$t" "$took" "${execs:-?}" "$corpus" ok
		else
			printf '%-10s %8s %12s %8s %s\n' "$t" "$took" "${execs:-?}" "$corpus" "FAIL (exit $rc)"
			grep -E 'ERROR: |SUMMARY: |invariant broken|Test unit written|^artifact_prefix' "$log" | head -n 8 | sed 's/^/    /'
			echo "    log: $log"
			failed+=("$t")
		fi
	done
	if [ "${#failed[@]}" -gt 0 ]; then
		echo "fuzz: FAILED: ${failed[*]} (fix the parser, then keep the input in fuzz/regressions/TARGET/ and a unit test)"
		return 1
	fi
	echo "fuzz: all targets ran ${seconds}s without a crash"
}

case ${1:-} in
probe) shift; probe "$@" ;;
run) shift; run "$@" ;;
*) echo "usage: $0 probe CC STAMP | run BUILD SECONDS TARGET..." >&2; exit 2 ;;
esac
