#!/usr/bin/env bash
# Integration test: entering the rootfs by pivot_root and by chroot, what each
# leaves reachable, and the errors for a root that cannot be entered.
# shellcheck disable=SC2016 # the quoted snippets run in the container's shell
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip root "needs root (rootless.sh covers an ordinary user)"
	t_done
	exit 0
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
# A host path the rootfs does not have: the checkout's top directory (/work for /work/main).
host_only=/$(cut -d/ -f2 <<<"$top")
if [ -e "$ROOTFS$host_only" ]; then
	host_only=$top
fi
# The host's root mount: its device and root, as mountinfo spells them.
host_root_dev=$(awk '$5 == "/" { print $3; exit }' /proc/self/mountinfo)
# shellcheck disable=SC2012 # the same listing busybox ls prints inside
rootfs_list=$(ls "$ROOTFS" | tr '\n' ' ')

# what_is_here: run inside, says which tree / is.
probe='ls / | tr "\n" " "; echo; test -x /usr/bin/nsinfo && echo nsinfo=yes || echo nsinfo=no; test -e "$1" && echo host=yes || echo host=no'

before=$(leftovers)

# ---- pivot_root

out=$("$NSLAB" run --mount --rootfs "$ROOTFS" -- /bin/sh -c "$probe" sh "$host_only" 2>&1)
check_eq pivot.run.lands-in-rootfs "$rootfs_list|nsinfo=yes|host=no" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
out=$("$NSLAB" -c "set mount; rootfs $ROOTFS; enter pivot_root; run /bin/sh -c '$probe' sh $host_only" 2>&1)
check_eq pivot.repl.lands-in-rootfs "$rootfs_list|nsinfo=yes|host=no" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"

# Inside, the mount table has the rootfs as / and no mount of the host's root.
out=$("$NSLAB" run --pid --mount --rootfs "$ROOTFS" -- cat /proc/self/mountinfo 2>&1)
slash=$(awk '$5 == "/" { print $3, $4 }' <<<"$out")
host_root_lines=$(awk -v dev="$host_root_dev" '$3 == dev && $4 == "/"' <<<"$out")
if [ -z "$host_root_lines" ] && [ -n "$slash" ] && [[ $out != *nslab-oldroot* ]]; then
	pass pivot.mountinfo-has-no-host-root
else
	fail pivot.mountinfo-has-no-host-root "host root is $host_root_dev /; inside: $(tr '\n' '|' <<<"$out")"
fi
check_contains pivot.slash-is-the-rootfs-bind "$slash" "${ROOTFS#"$(findmnt -n -o TARGET -T "$ROOTFS")"}"

out=$("$NSLAB" run --mount --rootfs "$ROOTFS" -- ls -a / 2>&1)
check_not_contains pivot.no-oldroot-inside "$out" nslab-oldroot

# From outside: the namespace's own root is the rootfs (nsenter -m lands on
# it), and its mount table holds only the rootfs and what was mounted on it.
bg_launch c "$NSLAB" run --mount --mount-proc --rootfs "$ROOTFS" -- sleep 20
if [ -z "$c" ]; then
	fail pivot.oracle "container did not start: $(cat "$BG_OUT")"
else
	check_eq pivot.oracle.nsenter-root-is-rootfs "$rootfs_list" "$(nsenter -t "$c" -m ls / | tr '\n' ' ')"
	check_eq pivot.oracle.findmnt-N-only-rootfs-and-proc "/ /proc" "$(findmnt -N "$c" -n -r -o TARGET | tr '\n' ' ' | sed 's/ $//')"
	bg_reap "$BG_NSLAB"
fi
check_eq pivot.no-oldroot-left-in-rootfs "" "$(oldroots "$ROOTFS")"

# ---- chroot

out=$("$NSLAB" run --mount --rootfs "$ROOTFS" --chroot -- /bin/sh -c "$probe" sh "$host_only" 2>&1)
check_eq chroot.run.lands-in-rootfs "$rootfs_list|nsinfo=yes|host=no" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
out=$("$NSLAB" -c "rootfs $ROOTFS; enter chroot; run /bin/sh -c '$probe' sh $host_only" 2>&1)
check_eq chroot.repl.without-mount-ns-lands-in-rootfs "$rootfs_list|nsinfo=yes|host=no" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"

# The teaching point: chroot changes path lookup only. The namespace's mount
# table is the host's whole tree, and the process's root is just a directory in it.
bg_launch c "$NSLAB" run --mount --rootfs "$ROOTFS" --chroot -- sleep 20
if [ -z "$c" ]; then
	fail chroot.oracle "container did not start: $(cat "$BG_OUT")"
else
	check_eq chroot.oracle.process-root-is-rootfs-dir "$(realpath "$ROOTFS")" "$(readlink "/proc/$c/root")"
	ns_mounts=$(nsenter -t "$c" -m findmnt -n -r -o TARGET | sort)
	check_eq chroot.oracle.ns-still-has-host-mounts "$(findmnt -n -r -o TARGET | sort | tr '\n' ' ')" "$(tr '\n' ' ' <<<"$ns_mounts")"
	check_eq chroot.oracle.ns-root-is-host-root "$host_root_dev /" "$(nsenter -t "$c" -m findmnt -n -o MAJ:MIN,FSROOT / | squeeze)"
	bg_reap "$BG_NSLAB"
fi

# ---- refusals

out=$("$NSLAB" -c "rootfs $ROOTFS; enter pivot_root; run true" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"set mount"* ]] && [[ $out == *chroot* ]]; then
	pass pivot.repl.without-mount-refused
else
	fail pivot.repl.without-mount-refused "rc $rc: $out"
fi
out=$("$NSLAB" run --rootfs "$ROOTFS" -- true 2>&1)
rc=$?
if [ "$rc" = 125 ] && [[ $out == *"set mount"* ]] && [[ $out == *chroot* ]]; then
	pass pivot.run.without-mount-refused
else
	fail pivot.run.without-mount-refused "rc $rc: $out"
fi

out=$("$NSLAB" -c 'rootfs /nonexistent' 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == *"/nonexistent: No such file or directory"* ]]; then
	pass rootfs.repl.nonexistent-clear-error
else
	fail rootfs.repl.nonexistent-clear-error "rc $rc: $out"
fi
out=$("$NSLAB" run --mount --rootfs /nonexistent -- true 2>&1)
rc=$?
if [ "$rc" = 125 ] && [[ $out == *"/nonexistent: No such file or directory"* ]]; then
	pass rootfs.run.nonexistent-clear-error
else
	fail rootfs.run.nonexistent-clear-error "rc $rc: $out"
fi
out=$("$NSLAB" -c "rootfs $ROOTFS/etc/hostname" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"is not a directory"* ]]; then
	pass rootfs.repl.file-is-not-a-directory
else
	fail rootfs.repl.file-is-not-a-directory "rc $rc: $out"
fi

# ---- a rootfs without device nodes (built without root) gets its own /dev
t_tmpdir devless
cp -a "$ROOTFS" "$devless/rootfs" && rm -rf "$devless/rootfs/dev/"*
out=$("$NSLAB" -c "set pid mount; rootfs $devless/rootfs; show --plan; run /bin/sh -c 'echo x >/dev/null && echo null-ok; head -c 8 /dev/urandom | wc -c; ls /dev/pts'; trace" 2>&1)
check_contains dev.plan-adds-dev "$out" "mount dev on $devless/rootfs/dev"
check_contains dev.null-works "$out" "null-ok"
check_contains dev.urandom-reads "$out" $'\n8\n'
check_contains dev.private-devpts "$out" "ptmx"
check_contains dev.trace-binds-host-null "$out" "mount(\"/dev/null\", \"$devless/rootfs/dev/null\", NULL, MS_BIND, NULL) = 0"
check_eq dev.rootfs-dev-untouched "" "$(ls -A "$devless/rootfs/dev")"
out=$("$NSLAB" -c "set pid mount; rootfs $ROOTFS; show --plan" 2>&1)
check_not_contains dev.not-added-when-rootfs-has-devices "$out" "mount dev"
out=$("$NSLAB" -c "map-root; set pid mount; rootfs $devless/rootfs; mount dev /dev; run /bin/sh -c 'echo x >/dev/null && echo user-null-ok'" 2>&1)
check_contains dev.works-in-user-namespace "$out" "user-null-ok"
check_eq root.leaves-nothing "$before" "$(leftovers)"
t_done
