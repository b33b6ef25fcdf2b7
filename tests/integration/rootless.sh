#!/usr/bin/env bash
# Integration test: the same nslab as an ordinary user (uid 65534, via
# setpriv): what a user namespace makes possible, and the refusals and hints
# for what it does not.
# shellcheck disable=SC2016 # the quoted snippets run in the container's shell
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip rootless "needs root to switch to uid 65534 with setpriv"
	t_done
	exit 0
fi
if ! command -v setpriv >/dev/null; then
	skip rootless "setpriv (util-linux) is not installed"
	t_done
	exit 0
fi

# HOME and XDG_RUNTIME_DIR (the state dirs) in a directory the user owns;
# NSLAB_TEST_TMP is root's mode-700 mktemp dir, so use /tmp directly.
rl=$(mktemp -d /tmp/nslab-rootless.XXXXXX)
on_exit "rm -rf '$rl'"
chown 65534:65534 "$rl"
user_cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$rl" XDG_RUNTIME_DIR="$rl")
as_user() { "${user_cmd[@]}" "$@"; }

if ! as_user test -x "$NSLAB" || ! as_user test -x "$NSINFO" || ! as_user test -r "$ROOTFS/bin/busybox"; then
	skip rootless "uid 65534 cannot reach $NSLAB or $ROOTFS (a directory on the way is not traversable)"
	t_done
	exit 0
fi

# ---- what needs no user namespace

out=$(as_user "$NSLAB" -c 'set pid; run true' 2>&1)
rc=$?
first=$(head -n 1 <<<"$out")
if [ "$rc" -ne 0 ] && [[ $first == *"set user"* ]] && [[ $first == *"as an ordinary user"* ]]; then
	pass rootless.pid-alone-refused-says-set-user
else
	fail rootless.pid-alone-refused-says-set-user "rc $rc: $out"
fi
check_contains rootless.pid-alone-has-hint "$out" $'\n  hint: '
out=$(as_user "$NSLAB" run --pid --uts -- true 2>&1)
rc=$?
if [ "$rc" = 125 ] && [[ $out == *"set user"* ]]; then
	pass rootless.run-pid-uts-refused-says-set-user
else
	fail rootless.run-pid-uts-refused-says-set-user "rc $rc: $out"
fi

out=$(as_user "$NSLAB" doctor 2>&1)
rc=$?
if [ "$rc" = 0 ] && [[ $out == *"running as uid 65534"* ]]; then
	pass rootless.doctor-runs
else
	fail rootless.doctor-runs "rc $rc: $(head -n 5 <<<"$out")"
fi

# ---- what needs unprivileged user namespaces: check the machine first

if ! why=$(as_user unshare -Ur true 2>&1); then
	for t in map-root-pid-mount-uts oracle gid_map-eperm-hint user-owned-rootfs default-rootfs; do
		skip "rootless.$t" "unprivileged user namespaces are not available here (unshare -Ur: $why)"
	done
	t_done
	exit 0
fi

out=$(as_user "$NSLAB" -c "map-root; set pid mount uts; hostname box; run $NSINFO uid hostname pid" 2>&1)
check_eq rootless.map-root-pid-mount-uts "user flag on; uid 0 -> 65534, gid 0 -> 65534; setgroups deny|0 (euid 0)|box|1" \
	"$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
out=$(as_user "$NSLAB" run --map-root-user --pid --mount --uts --hostname box -- /bin/sh -c 'id -u; hostname; echo $$' 2>&1)
check_eq rootless.run-map-root-pid-mount-uts "0 box 1" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"

bg_launch c "${user_cmd[@]}" "$NSLAB" -c "map-root; set pid mount uts; hostname box; rootfs $ROOTFS; overlay on; run sleep 20"
if [ -z "$c" ]; then
	fail rootless.oracle "container did not start: $(cat "$BG_OUT")"
else
	check_eq rootless.oracle.uid_map "0 65534 1" "$(squeeze <"/proc/$c/uid_map")"
	check_eq rootless.oracle.setgroups-deny deny "$(cat "/proc/$c/setgroups")"
	check_eq rootless.oracle.host-uid-is-65534 "65534" "$(awk '/^Uid:/ { print $2 }' "/proc/$c/status")"
	check_eq rootless.oracle.nsenter-hostname box "$(nsenter -t "$c" -u hostname)"
	check_eq rootless.oracle.nspid-1 1 "$(awk '/^NSpid:/ { print $3 }' "/proc/$c/status")"
	# The overlay is something to undo: its dirs and the state file are under $XDG_RUNTIME_DIR.
	check_eq rootless.oracle.state-dir-under-xdg "yes" "$(find "$rl/nslab" -mindepth 2 -maxdepth 2 -name upper -type d 2>/dev/null | grep -q . && echo yes || echo no)"
	bg_reap "$BG_NSLAB"
fi

# setgroups allow + a gid map without CAP_SETGID: the kernel says EPERM at gid_map.
out=$(as_user "$NSLAB" -c 'set user; uidmap 0 65534 1; gidmap 0 65534 1; setgroups allow; run true' 2>&1)
rc=$?
first=$(head -n 1 <<<"$out")
hint=$(grep '^  hint: ' <<<"$out")
if [ "$rc" -ne 0 ] && [[ $first == *"write gid_map("* ]] && [[ $first == *"EPERM"* ]]; then
	pass rootless.gid_map-eperm
else
	fail rootless.gid_map-eperm "rc $rc: $out"
fi
check_contains rootless.gid_map-eperm-hint-mentions-setgroups "$hint" "setgroups"
check_contains rootless.gid_map-eperm-points-to-explain "$out" "more: explain write gid_map; explain EPERM"
out=$(as_user "$NSLAB" -c "set user; uidmap 0 65534 1; gidmap 0 65534 1; run $NSINFO uid gid" 2>&1)
check_eq rootless.setgroups-auto-denies-and-maps-gid "0 (euid 0)|0 (egid 0)" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
out=$(as_user "$NSLAB" -c 'set user; uidmap 0 0 1; run true' 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"write uid_map("* ]] && [[ $out == *"  hint: "* ]]; then
	pass rootless.foreign-uid-map-eperm-with-hint
else
	fail rootless.foreign-uid-map-eperm-with-hint "rc $rc: $out"
fi

# pivot_root into a rootfs the user owns (a copy).
cp -a "$ROOTFS" "$rl/rootfs"
chown -R 65534:65534 "$rl/rootfs"
out=$(as_user "$NSLAB" -c "map-root; set pid mount uts; rootfs $rl/rootfs; run /bin/sh -c 'echo \$\$; test -x /usr/bin/nsinfo && echo in-rootfs'" 2>&1)
check_eq rootless.user-owned-rootfs-pivot_root "1 in-rootfs" "$(tail -n 2 <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
check_eq rootless.user-owned-rootfs-no-oldroot-left "" "$(oldroots "$rl/rootfs")"

# The rootfs `make` (as root) or `make install` leaves is root's. BUG (see the
# report): the launcher makes its put_old directory inside the rootfs
# (mkdir .nslab-oldroot-ID), which an ordinary user may not do there, so a
# rootless pivot_root into the default rootfs always fails, with no hint.
# pivot_root(".", ".") followed by umount2(".", MNT_DETACH) needs no directory.
out=$(as_user "$NSLAB" -c "map-root; set pid mount uts; rootfs $ROOTFS; run /bin/sh -c 'echo \$\$'" 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ "$(tail -n 1 <<<"$out")" = 1 ]; then
	pass rootless.root-owned-rootfs-pivot_root
else
	fail rootless.root-owned-rootfs-pivot_root \
		"nslab bug: rootless pivot_root needs write access to the rootfs for put_old (src/core/launch.c STEP_MKDIR_OLDROOT, plan.c plan_root); rc $rc: $(grep -m1 'nslab:' <<<"$out")"
fi
out=$(as_user "$NSLAB" -c "map-root; set pid mount; rootfs $ROOTFS; enter chroot; run /bin/sh -c 'test -x /usr/bin/nsinfo && echo in-rootfs'" 2>&1)
check_eq rootless.root-owned-rootfs-chroot in-rootfs "$(tail -n 1 <<<"$out")"

check_eq rootless.no-state-dirs-left "" "$(ls "$rl/nslab" 2>/dev/null)"
t_done
