#!/usr/bin/env bash
# export unshare / export bwrap: the printed command lines run and report what
# nslab's own container reports; export oci -> import oci gives the same spec;
# nslab run --oci launches a bundle (a foreign one too); bad bundles name the field.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.bash"
if ! is_root; then
	skip export "needs root: the specs create PID, mount and UTS namespaces as nslab runs them here"
	t_done
	exit 0
fi
t_tmpdir dir

probe='echo "host=$(hostname) uid=$(id -u) pid=$$ greeting=$GREETING"'

# export_text SPEC TOOL: what export prints (without what the spec's commands print).
export_text() {
	"$NSLAB" -c "$1; export $2 /bin/sh -c '$probe'" 2>&1 | sed -n "/^# nslab's spec as/,\$p"
}

tool_check() {
	local name=$1 spec=$2 tool=$3 want=$4 text got
	if ! command -v "$tool" >/dev/null; then
		skip "export.$name.$tool" "$tool is not installed (scripts/install-deps.sh installs it)"
		return
	fi
	text=$(export_text "$spec" "$tool")
	got=$(timeout 20 bash -c "$text" </dev/null 2>&1)
	check_eq "export.$name.$tool" "$want" "$got"
	[ "$want" = "$got" ] || sed 's/^/    /' <<<"$text" >&3
}

one_spec() {
	local name=$1 spec=$2 want
	want=$("$NSLAB" -c "$spec; run /bin/sh -c '$probe'" 2>&1 | grep '^host=')
	check_contains "export.$name.nslab" "$want" "pid=1"
	tool_check "$name" "$spec" unshare "$want"
	tool_check "$name" "$spec" bwrap "$want"
}

one_spec plain "set pid mount uts; hostname box; rootfs $ROOTFS; env GREETING=hi"
one_spec userns "map-root; set pid mount uts ipc; hostname box2; rootfs $ROOTFS; mount tmpfs /tmp size=1m"
one_spec mapped "set user pid mount uts; uidmap 0 0 1; gidmap 5 0 1; hostname box3; rootfs $ROOTFS; env GREETING='a b'"

# What the tools cannot express is a comment, and the line still runs.
text=$(export_text "set pid mount uts net time; hostname box; domainname lab; clock boottime 100; rootfs $ROOTFS; limit memory 32M; overlay on; net lo" unshare)
check_contains export.comment.unshare-limit "$text" "# limit memory 32 MiB: unshare makes no cgroup"
check_contains export.comment.unshare-overlay "$text" "# overlay: unshare cannot stack layers"
check_contains export.unshare.time "$text" "--time"
got=$(timeout 20 bash -c "$text"$'\ncat /proc/sys/kernel/domainname' </dev/null 2>&1)
check_contains export.unshare.runs-with-comments "$got" "host=box uid=0 pid=1"
got=$(timeout 20 bash -c "${text/"echo \"host"/"cat /proc/sys/kernel/domainname; ip -o link show lo; echo \"host"}" </dev/null 2>&1)
check_contains export.unshare.domainname "$got" "lab"
check_contains export.unshare.lo-up "$got" "UP"
if command -v bwrap >/dev/null; then
	text=$(export_text "set pid mount uts time; clock boottime 100; hostname box; rootfs $ROOTFS; limit pids 10" bwrap)
	check_contains export.comment.bwrap-time "$text" "# time namespace (monotonic +0s, boottime +100s): bwrap has none"
	check_contains export.comment.bwrap-pids "$text" "# limit pids 10: bwrap makes no cgroup"
	got=$(timeout 20 bash -c "$text" </dev/null 2>&1)
	check_contains export.bwrap.runs-with-comments "$got" "host=box uid=0 pid=1"
else
	skip export.bwrap.comments "bwrap is not installed"
fi

# export oci -> import oci: the same spec. With --no-copy root.path is the
# rootfs itself, so show is the same word for word; with the copy, only the
# rootfs line names the bundle's copy.
layer=$dir/layer
mkdir -p "$layer/etc"
echo layered >"$layer/etc/motd"
roundtrip() {
	local name=$1 spec=$2 before after bundle=$dir/rt-$1
	before=$("$NSLAB" -c "$spec; show" 2>&1 | sed -n '/^  namespaces/,$p')
	# (--no-copy cannot carry layers: the copy merges them)
	if [ "$name" != layers ]; then
		"$NSLAB" -c "$spec; export oci --no-copy $bundle" >/dev/null 2>&1
		after=$("$NSLAB" -c "import oci $bundle; show" 2>&1 | sed -n '/^  namespaces/,$p')
		check_eq "export.roundtrip.$name" "$before" "$after"
	fi
	"$NSLAB" -c "$spec; export oci $bundle-copy" >/dev/null 2>&1
	after=$("$NSLAB" -c "import oci $bundle-copy; show" 2>&1 | sed -n '/^  namespaces/,$p')
	check_eq "export.roundtrip.$name.copy" "${before//"$ROOTFS"/$bundle-copy/rootfs}" "$after"
}
roundtrip small "set pid mount; rootfs $ROOTFS"
roundtrip full "map-root; set pid mount uts net ipc cgroup; hostname box; domainname lab; rootfs $ROOTFS; mount tmpfs /tmp size=1m; mount sysfs /sys; mount dev /dev; net lo; env A=1 'B=two words'; limit memory 32M; limit pids 20; limit cpu 50%"
roundtrip chroot "set uts ipc; hostname box; rootfs $ROOTFS; enter chroot; net none"
roundtrip time "set mount time; clock boottime 100; clock monotonic -5; rootfs $ROOTFS; uidmap 0 100000 65536; set user; gidmap 0 100000 65536; setgroups allow"

# The overlay's layers are merged into the copy; they come back as annotations.
out=$("$NSLAB" -c "set pid mount; rootfs $ROOTFS; overlay on; layer add $layer; export oci $dir/ovl /bin/cat /etc/motd" 2>&1)
check_contains export.overlay.note "$out" "note: overlay: a runtime takes a plain directory as root"
check_eq export.overlay.merged "layered" "$(cat "$dir/ovl/rootfs/etc/motd")"
check_eq export.overlay.rootfs-untouched "" "$(ls "$ROOTFS/etc/motd" 2>/dev/null)"
out=$("$NSLAB" run --oci "$dir/ovl" 2>&1)
check_contains export.overlay.run "$out" "layered"
roundtrip layers "set pid mount; rootfs $ROOTFS; overlay on; layer add $layer"

# nslab run --oci: the bundle's command, a command given after it, the trace.
"$NSLAB" -c "set pid mount uts; hostname ocibox; rootfs $ROOTFS; export oci $dir/run /bin/sh -c '$probe'" >/dev/null 2>&1
out=$("$NSLAB" run --oci "$dir/run" 2>&1)
check_eq export.run-oci.args "host=ocibox uid=0 pid=1 greeting=" "$out"
out=$("$NSLAB" run --oci "$dir/run" -- /bin/echo given 2>&1)
check_eq export.run-oci.command "given" "$out"
out=$("$NSLAB" run --oci "$dir/run" --trace -- /bin/hostname 2>&1)
check_contains export.run-oci.trace-launcher "$out" 'sethostname("ocibox"'
check_contains export.run-oci.trace-inside "$out" "execve"
out=$("$NSLAB" run --oci "$dir/run" --uts --hostname=other -- /bin/hostname 2>&1)
check_eq export.run-oci.options-after "other" "$out"

# A bundle made by runc itself: nslab runs it and says what it leaves out.
if command -v runc >/dev/null; then
	mkdir -p "$dir/foreign"
	(cd "$dir/foreign" && runc spec) && ln -s "$ROOTFS" "$dir/foreign/rootfs"
	out=$("$NSLAB" -c "import oci $dir/foreign; show" 2>&1)
	check_contains export.foreign.caps "$out" "process.capabilities: nslab keeps every capability of root inside, ignored"
	check_contains export.foreign.rlimits "$out" "process.rlimits: not supported, ignored"
	check_contains export.foreign.masked "$out" "linux.maskedPaths: not supported, ignored"
	check_contains export.foreign.devices "$out" "linux.resources.devices: not supported, ignored"
	check_contains export.foreign.mqueue "$out" "mqueue on /dev/mqueue: not supported"
	check_contains export.foreign.readonly "$out" "root.readonly"
	check_contains export.foreign.hostname "$out" "hostname   runc"
	out=$("$NSLAB" run --oci "$dir/foreign" -- /bin/sh -c 'echo $(hostname) $$' 2>/dev/null)
	check_eq export.foreign.runs "runc 1" "$out"
else
	skip export.foreign "runc is not installed (its runc spec makes the foreign bundle)"
fi

# Bad bundles: the error names the field; nothing is launched; the spec is kept.
mkdir -p "$dir/bad"
ln -s "$ROOTFS" "$dir/bad/rootfs"
bad() {
	local name=$1 json=$2 msg=$3 out rc
	printf '%s\n' "$json" >"$dir/bad/config.json"
	out=$("$NSLAB" run --oci "$dir/bad" -- /bin/true 2>&1)
	rc=$?
	check_rc "export.bad.$name.rc" 125 "$rc"
	check_contains "export.bad.$name" "$out" "$msg"
}
bad not-json '{"ociVersion": ' "config.json is not JSON"
bad namespace '{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "pid"}, {"type": "bogus"}]}}' \
	"linux.namespaces[1].type 'bogus': unknown namespace type"
bad mapping '{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "user"}], "uidMappings": [{"containerID": 0, "hostID": "0", "size": 1}]}}' \
	"linux.uidMappings[0].hostID: expected a whole number, got string"
bad type '{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "hostname": ["a"]}' "hostname: expected a string, got array"
out=$("$NSLAB" -c "set uts; hostname kept; import oci $dir/bad; show" 2>&1)
check_contains export.bad.spec-kept "$out" "hostname: expected a string"
out=$("$NSLAB" -c "set uts; hostname kept; import oci $dir/nothing" 2>&1)
check_contains export.bad.missing "$out" "$dir/nothing/config.json: No such file or directory"
out=$("$NSLAB" -c "export oci $dir/noroot" 2>&1)
check_contains export.bad.no-rootfs "$out" "an OCI bundle has a root of its own"
check_eq export.bad.no-rootfs-nothing-left "" "$(ls -d "$dir/noroot" 2>/dev/null)"
out=$("$NSLAB" -c "set mount; rootfs $ROOTFS; export oci $dir/run" 2>&1)
check_contains export.bad.not-empty "$out" "is not empty"

# (mounts of other sessions on the machine are theirs: only this script's count)
check_eq export.no-mounts-left "" "$(grep -e "$dir" -e "$ROOTFS" /proc/self/mountinfo)"
check_eq export.no-state-left "" "$(stale_state_dirs)"
t_done
