#!/usr/bin/env bash
# overlay on, layers, diff and which through nslab's own commands, with the
# kernel's overlayfs doing the merging and the upper dir as evidence.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip overlay "needs root (rootless overlay is covered in rootless checks below when run as root)"
	exit 0
fi

t_tmpdir tmp
# Three layers above the rootfs: L2 is added first (lowest of the three), L0 last (topmost).
mkdir -p "$tmp"/L0/etc "$tmp"/L1/etc "$tmp"/L2/etc "$tmp"/L2/data
echo from-L0 >"$tmp/L0/etc/motd"
echo from-L1 >"$tmp/L1/etc/motd"
echo from-L2 >"$tmp/L2/etc/motd"
echo only-L1 >"$tmp/L1/etc/l1-only"
echo only-L2 >"$tmp/L2/etc/l2-only"
echo lower-data >"$tmp/L2/data/file"
echo keep >"$tmp/L2/data/other"
before_hostname=$(cat "$ROOTFS/etc/hostname")

script="set pid mount; rootfs $ROOTFS; overlay on; layer add $tmp/L2; layer add $tmp/L1; layer add $tmp/L0; layer list"
out=$("$NSLAB" -c "$script; run /bin/sh -c 'cat /etc/motd /etc/l1-only /etc/l2-only; echo appended >>/data/file; cat /data/file; rm /data/other; echo new >/newfile; echo box >/etc/hostname; rm /bin/vi; mkdir -p /opt/app; echo x >/opt/app/y'; diff; which /etc/motd; which /etc/l1-only; which /etc/l2-only; which /newfile; which /data/other; which /bin/sh; which /bin/vi; which /nope; trace" 2>&1)
check_contains overlay.layer-list-topmost-first "$out" "  0       $tmp/L0"
check_contains overlay.topmost-layer-wins "$out" $'from-L0\nonly-L1\nonly-L2'
check_contains overlay.copy-up-reads-whole-file "$out" $'lower-data\nappended'
check_eq overlay.lower-layer-unchanged "lower-data" "$(cat "$tmp/L2/data/file")"
check_eq overlay.deleted-file-still-in-lower "keep" "$(cat "$tmp/L2/data/other")"
check_eq overlay.rootfs-unchanged "$before_hostname" "$(cat "$ROOTFS/etc/hostname")"
if [ -e "$ROOTFS/bin/vi" ]; then pass overlay.rootfs-file-survives-rm; else fail overlay.rootfs-file-survives-rm "rm /bin/vi reached the rootfs"; fi
check_contains overlay.trace-mount-options "$out" "mount(\"overlay\", \""
check_contains overlay.trace-lowerdir-order "$out" "lowerdir=$tmp/L0:$tmp/L1:$tmp/L2:$ROOTFS,upperdir="
for want in "C /data" "C /data/file" "D /data/other" "A /newfile" "C /etc" "C /etc/hostname" "D /bin/vi" "A /opt" "A /opt/app" "A /opt/app/y"; do
	check_contains "overlay.diff '$want'" "$out" $'\n'"$want"$'\n'
done
check_not_contains overlay.diff-no-unchanged-file "$out" "/etc/motd"$'\n'"C"
check_contains overlay.which-topmost "$out" "/etc/motd: layer 0 ($tmp/L0)"
check_contains overlay.which-middle "$out" "/etc/l1-only: layer 1 ($tmp/L1)"
check_contains overlay.which-bottom "$out" "/etc/l2-only: layer 2 ($tmp/L2)"
check_contains overlay.which-upper "$out" "/newfile: upper"
check_contains overlay.which-deleted "$out" "/data/other: deleted"
check_contains overlay.which-rootfs "$out" "/bin/sh: layer 3 ($ROOTFS), the rootfs"
check_contains overlay.which-rootfs-deleted "$out" "/bin/vi: deleted"
check_contains overlay.which-nowhere "$out" "/nope: not in any layer"
check_eq overlay.no-mount-left "0" "$(grep -c overlay /proc/self/mountinfo)"

# Bad input: clear errors, nothing made.
out=$("$NSLAB" -c "layer add $tmp/missing" 2>&1)
check_contains overlay.missing-layer-error "$out" "layer $tmp/missing: No such file or directory"
out=$("$NSLAB" -c "overlay on; set mount; run true" 2>&1)
check_contains overlay.needs-rootfs "$out" "overlay needs a rootfs"
out=$("$NSLAB" -c "rootfs $ROOTFS; overlay on; run true" 2>&1)
check_contains overlay.needs-mount-flag "$out" "set mount"
out=$("$NSLAB" -c "rootfs $ROOTFS; set mount; layer add $tmp/L0; run true" 2>&1)
check_contains overlay.layers-need-overlay "$out" "overlay on"
out=$("$NSLAB" -c "diff" 2>&1)
check_contains overlay.diff-without-container "$out" "no container yet"

# Rootless: an ordinary user stacks layers too (userxattr), on a rootfs it owns.
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Ur true 2>/dev/null; then
	t_tmpdir rl
	chmod 755 "$rl"
	cp -a "$ROOTFS" "$rl/rootfs" 2>/dev/null; rm -rf "$rl/rootfs/dev/"*
	mkdir -p "$rl/layer/etc" && echo rootless-layer >"$rl/layer/etc/motd"
	mkdir -p "$rl/run"
	chown -R 65534:65534 "$rl/rootfs" "$rl/layer" "$rl/run"
	out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$rl" XDG_RUNTIME_DIR="$rl/run" \
		"$NSLAB" -c "map-root; set pid mount; rootfs $rl/rootfs; overlay on; layer add $rl/layer; run /bin/sh -c 'cat /etc/motd; echo hi >/hello'; diff; trace" 2>&1)
	check_contains overlay.rootless-layer-visible "$out" "rootless-layer"
	check_contains overlay.rootless-userxattr "$out" ",userxattr"
	check_contains overlay.rootless-diff "$out" "A /hello"
	check_eq overlay.rootless-state-cleaned "" "$(ls -A "$rl/run/nslab" 2>/dev/null)"
else
	skip overlay.rootless "unprivileged user namespaces are not available to uid 65534 here"
fi
