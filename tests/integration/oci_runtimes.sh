#!/usr/bin/env bash
# export oci: the bundle runs under runc and crun, and the container reports
# the same hostname, uid, PID-1-ness and memory limit as under nslab itself.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.bash"
if ! is_root; then
	skip oci_runtimes "needs root: the runtimes and nslab make cgroups"
	t_done
	exit 0
fi
t_tmpdir dir
state=$dir/state
mkdir -p "$state"

# The probe prints what is compared, then waits so its cgroup can be read from outside.
probe='echo "host=$(hostname) uid=$(id -u) pid=$$"; grep -E "(^0::|:memory:)" /proc/self/cgroup | head -n 1 | sed "s/^/cgroup=/"; sleep 3'

# The memory limit of the cgroup a probe's output names, read on the host.
limit_of() {
	local line=$1 path
	path=$(sed -n 's/^cgroup=[0-9]*:[^:]*://p' <<<"$line")
	[ -n "$path" ] || return 1
	if [ -f "/sys/fs/cgroup/memory$path/memory.limit_in_bytes" ]; then
		cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes"
	elif [ -f "/sys/fs/cgroup$path/memory.max" ]; then
		cat "/sys/fs/cgroup$path/memory.max"
	fi
}

# probe_run OUTVAR CMD...: run CMD in the background; once the probe names its
# cgroup, read the limit; wait for the end. OUTVAR gets "host=.. uid=.. pid=.. limit=N".
probe_run() {
	local _var=$1 _out _pid _i _lim="" _line
	shift
	_out=$(mktemp "$dir/out.XXXXXX")
	"$@" </dev/null >"$_out" 2>&1 &
	_pid=$!
	for ((_i = 0; _i < 100; _i++)); do
		_line=$(grep '^cgroup=' "$_out")
		if [ -n "$_line" ]; then
			_lim=$(limit_of "$_line")
			break
		fi
		kill -0 "$_pid" 2>/dev/null || break
		sleep 0.05
	done
	wait "$_pid"
	printf -v "$_var" '%s limit=%s' "$(grep '^host=' "$_out")" "$_lim"
	[ -n "$(grep '^host=' "$_out")" ] || sed 's/^/    /' "$_out" >&3
}

# crun refuses a cgroup v2 mount with no controllers next to v1 ones (a
# hybrid); the runtimes run in a private mount namespace without it.
in_runtime_ns() {
	if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
		[ -d /sys/fs/cgroup/memory ]; then
		unshare -m sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$@"
	else
		"$@"
	fi
}

runtime_check() {
	local rt=$1 name=$2 bundle=$3 want=$4 got id
	if ! command -v "$rt" >/dev/null; then
		skip "oci_runtimes.$name.$rt" "$rt is not installed (scripts/install-deps.sh installs it)"
		return
	fi
	id=nslab-test-$name-$$
	mkdir -p "$state/$rt"
	on_exit "$rt --root '$state/$rt' delete -f $id"
	probe_run got in_runtime_ns "$rt" --root "$state/$rt" run --bundle "$bundle" "$id"
	check_eq "oci_runtimes.$name.$rt" "$want" "$got"
	check_eq "oci_runtimes.$name.$rt.state-gone" "" "$("$rt" --root "$state/$rt" list -q 2>/dev/null)"
}

one_spec() {
	local name=$1 spec=$2 limit=$3 want bundle=$dir/$1 out
	probe_run want "$NSLAB" -c "$spec; run /bin/sh -c '$probe'"
	check_eq "oci_runtimes.$name.nslab-probe" "host=$4 uid=0 pid=1 limit=$limit" "$want"
	out=$("$NSLAB" -c "$spec; export oci $bundle /bin/sh -c '$probe'" 2>&1)
	check_contains "oci_runtimes.$name.exported" "$out" "wrote $bundle/config.json"
	runtime_check runc "$name" "$bundle" "$want"
	runtime_check crun "$name" "$bundle" "$want"
	probe_run out "$NSLAB" run --oci "$bundle"
	check_eq "oci_runtimes.$name.nslab-run-oci" "$want" "$out"
}

one_spec plain "set pid mount uts; hostname box; rootfs $ROOTFS; limit memory 48M" 50331648 box
one_spec userns "map-root; set pid mount uts ipc; hostname box2; rootfs $ROOTFS; limit memory 40M; limit pids 30" 41943040 box2

# (mounts of other sessions on the machine are theirs: only this script's count)
check_eq oci_runtimes.no-mounts-left "" "$(grep -e "$dir" -e "$ROOTFS" /proc/self/mountinfo)"
check_eq oci_runtimes.no-state-left "" "$(stale_state_dirs)"
check_eq oci_runtimes.no-cgroups-left "" "$(find /sys/fs/cgroup -maxdepth 6 -name "nslab-test-*-$$" 2>/dev/null)"
t_done
