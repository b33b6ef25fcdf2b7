#!/usr/bin/env bash
# The whole suite twice: on the normal build and on the ASan+UBSan build
# (build/san), then one line for both: "N passed, N failed, N skipped".
# `make check-all` runs it after building both.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
total_p=0 total_f=0 total_s=0
for build in normal sanitizer; do
	if [ "$build" = normal ]; then
		nslab=$top/nslab unit=$top/build/obj/tests
	else
		nslab=$top/build/san/nslab unit=$top/build/san/tests
	fi
	echo "==== the suite on the $build build ($nslab)"
	log=$(mktemp)
	NSLAB=$nslab UNIT_DIR=$unit ROOTFS=$top/build/rootfs "$top/tests/run.sh" | tee "$log"
	last=$(tail -n 1 "$log")
	rm -f "$log"
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		total_p=$((total_p + BASH_REMATCH[1])) total_f=$((total_f + BASH_REMATCH[2]))
		total_s=$((total_s + BASH_REMATCH[3]))
	else
		echo "FAIL check-all.$build: the suite did not end with its summary line"
		total_f=$((total_f + 1))
	fi
done
echo "==== both builds"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
