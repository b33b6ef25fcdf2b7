#!/bin/bash
# Build nslab's default busybox root file system at DEST, with the static helpers from HELPERDIR.
set -euo pipefail
umask 022

prog=mkrootfs
die() { echo "$prog: $*" >&2; exit 1; }
note() { echo "$prog: $*" >&2; }

if [[ $# -ne 2 || $1 == -h || $1 == --help ]]; then
	echo "usage: $0 DEST HELPERDIR" >&2
	echo "Build a busybox root tree at DEST (replacing an older one) with HELPERDIR/nsinfo, hungry and escape." >&2
	[[ $# -eq 1 && ($1 == -h || $1 == --help) ]] && exit 0
	exit 2
fi
dest=${1%/}
helperdir=$2
[[ -n $dest && $dest != / ]] || die "refusing to build over '/'"

# Static binaries only: the tree has no libc and no dynamic loader, so anything
# needing PT_INTERP would fail inside with a baffling "not found".
is_static() {
	local f=$1
	if command -v readelf >/dev/null; then
		local hdr
		hdr=$(LC_ALL=C readelf -lW "$f" 2>/dev/null) || return 1
		if grep -q 'INTERP' <<<"$hdr"; then
			return 1
		fi
	elif command -v file >/dev/null; then
		LC_ALL=C file -L "$f" | grep -Eq 'statically linked|static-pie linked'
	else
		note "neither readelf nor file found; cannot check that $f is static"
	fi
}

busybox=$(command -v busybox || true)
[[ -n $busybox ]] || busybox=/bin/busybox
[[ -x $busybox ]] || die "busybox not found; install it with: apt-get install busybox-static"
busybox=$(readlink -f "$busybox")
is_static "$busybox" ||
	die "$busybox is not a statically linked executable and would not run inside the rootfs; install the static one: apt-get install busybox-static"

for h in nsinfo hungry escape; do
	[[ -x $helperdir/$h ]] || die "$helperdir/$h missing; build it first (make build/helpers/$h)"
	is_static "$helperdir/$h" || die "$helperdir/$h is not a statically linked executable; build it with -static"
done

# A container may still have something mounted inside an old tree; rm -rf
# would then reach through into the mounted file system (say a bind of /home).
check_no_mounts() {
	local dir
	dir=$(readlink -f "$1")
	[[ -r /proc/self/mountinfo ]] || return 0
	local busy
	busy=$(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo)
	[[ -z $busy ]] || die "file systems are mounted inside $1; unmount them first: ${busy//$'\n'/ }"
}

# Guard against a typo in DEST: only replace a tree this script built, or an empty dir.
if [[ -e $dest ]]; then
	[[ -d $dest ]] || die "$dest exists and is not a directory"
	if [[ ! -e $dest/.nslab-rootfs && -n $(ls -A "$dest") ]]; then
		die "$dest exists and is not an nslab rootfs (no .nslab-rootfs stamp); remove it yourself if it is disposable"
	fi
	check_no_mounts "$dest"
fi

mkdir -p "$(dirname "$dest")"

# Trees left by builds that were killed (their pid is gone) are just litter.
for stale in "$dest".tmp.* "$dest".old.*; do
	[[ -d $stale ]] || continue
	pid=${stale##*.}
	[[ $pid =~ ^[0-9]+$ ]] || continue
	kill -0 "$pid" 2>/dev/null && continue
	check_no_mounts "$stale"
	rm -rf --one-file-system "$stale"
done

tmp=$dest.tmp.$$
old=$dest.old.$$
cleanup() {
	# Killed between the two renames: put the previous tree back rather than leave none.
	if [[ -d $old && ! -e $dest ]]; then
		mv -T "$old" "$dest"
	fi
	rm -rf --one-file-system "$tmp" "$old"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf --one-file-system "$tmp"
mkdir "$tmp"

# -- directories
for d in bin sbin usr/bin usr/sbin proc sys dev etc run var; do
	mkdir -p "$tmp/$d"
done
install -d -m 1777 "$tmp/tmp" "$tmp/var/tmp"
install -d -m 0700 "$tmp/root"

# -- busybox and its applets
install -m 0755 "$busybox" "$tmp/bin/busybox"
bb_version=$("$busybox" 2>&1 || true)
bb_version=${bb_version%%$'\n'*}
bb_version=${bb_version% multi-call binary.}
applets=0
while IFS= read -r applet; do
	[[ -n $applet && $applet != bin/busybox ]] || continue
	mkdir -p "$tmp/$(dirname "$applet")"
	# Absolute target: it resolves against whatever root the process has after chroot/pivot_root.
	ln -sfn /bin/busybox "$tmp/$applet"
	applets=$((applets + 1))
done < <("$busybox" --list-full)
[[ -L $tmp/bin/sh ]] || die "$busybox has no sh applet"

# -- /etc
cat >"$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$tmp/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo nslab >"$tmp/etc/hostname"
cat >"$tmp/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
127.0.1.1	nslab
EOF
# ash reads this only as a login shell (sh -l) or when ENV=/etc/profile.
cat >"$tmp/etc/profile" <<'EOF'
# nslab container shell profile
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=${HOME:-/root}
export PS1='[container \h] \w \$ '
EOF
cat >"$tmp/etc/os-release" <<EOF
NAME="nslab busybox rootfs"
ID=nslab
PRETTY_NAME="nslab busybox rootfs ($bb_version)"
EOF
# busybox mount/df want a mount table; the kernel's is the truth once proc is mounted.
ln -s /proc/mounts "$tmp/etc/mtab"

# -- /dev: links always, nodes only where mknod is allowed
mkdir -p "$tmp/dev/pts" "$tmp/dev/shm"
ln -s /proc/self/fd "$tmp/dev/fd"
ln -s /proc/self/fd/0 "$tmp/dev/stdin"
ln -s /proc/self/fd/1 "$tmp/dev/stdout"
ln -s /proc/self/fd/2 "$tmp/dev/stderr"
ln -s pts/ptmx "$tmp/dev/ptmx"
devices=0
if [[ $(id -u) -eq 0 ]]; then
	while read -r name mode major minor; do
		# Root in a user namespace lacks CAP_MKNOD over the host: note it, keep the tree usable.
		if ! mknod -m "$mode" "$tmp/dev/$name" c "$major" "$minor" 2>/dev/null; then
			note "mknod not permitted here; /dev has no device nodes (a container can bind-mount them)"
			rm -f "$tmp/dev/null" "$tmp/dev/zero" "$tmp/dev/full" "$tmp/dev/random" \
				"$tmp/dev/urandom" "$tmp/dev/tty" "$tmp/dev/console"
			devices=0
			break
		fi
		devices=$((devices + 1))
	done <<'EOF'
null 0666 1 3
zero 0666 1 5
full 0666 1 7
random 0666 1 8
urandom 0666 1 9
tty 0666 5 0
console 0600 5 1
EOF
else
	note "not root: skipping device nodes in $dest/dev (a container can bind-mount them)"
fi

# -- helpers
install -m 0755 "$helperdir/nsinfo" "$helperdir/hungry" "$helperdir/escape" "$tmp/usr/bin/"

# -- stamp last, so its mtime is newer than everything make compares it with
cat >"$tmp/.nslab-rootfs" <<EOF
busybox: $bb_version
applets: $applets
devices: $devices
built: $(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF

# -- swap into place: the old tree is moved aside first, so DEST is never half built
if [[ -e $dest ]]; then
	mv -T "$dest" "$old"
fi
mv -T "$tmp" "$dest"
rm -rf --one-file-system "$old"
trap - EXIT

size=$(du -sh "$dest" | cut -f1)
echo "$prog: $dest: $size, $applets busybox applets, $devices device nodes, $bb_version"
