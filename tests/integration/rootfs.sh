#!/bin/bash
# Integration test for the default rootfs: layout, static helpers, what chroot does (and does not) change, rebuilds.
# Single quotes in bash -c snippets are deliberate (arguments come in as $1...);
# check() calls the helper functions indirectly.
# shellcheck disable=SC2016,SC2317
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
ROOTFS=${ROOTFS:-$top/build/rootfs}
mkrootfs=$top/scripts/mkrootfs.sh

fails=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}
skip() { echo "SKIP $1: $2"; }
check() { # check NAME REASON-IF-FALSE COMMAND...
	local name=$1 reason=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$reason"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf --one-file-system "$tmp"' EXIT

is_root=0
[[ $(id -u) -eq 0 ]] && is_root=1

# No PT_INTERP program header means no dynamic loader is needed inside the tree.
is_static() {
	local hdr
	if command -v readelf >/dev/null; then
		hdr=$(LC_ALL=C readelf -lW "$1" 2>/dev/null) || return 1
		! grep -q INTERP <<<"$hdr"
	else
		LC_ALL=C file -L "$1" | grep -Eq 'statically linked|static-pie linked'
	fi
}
static_exe() { [[ -x $1 ]] && is_static "$1"; }

# A clean environment, so the result does not depend on the runner's PATH.
clean_path=/usr/sbin:/usr/bin:/sbin:/bin
in_root() { env -i PATH=$clean_path HOME=/root timeout 30 chroot "$ROOTFS" "$@"; }

if [[ ! -f $ROOTFS/.nslab-rootfs ]]; then
	fail rootfs.exists "$ROOTFS/.nslab-rootfs missing (run make rootfs)"
	exit 1
fi
pass rootfs.exists

# ---- layout, no privilege needed

check rootfs.busybox "$ROOTFS/bin/busybox missing or not static" static_exe "$ROOTFS/bin/busybox"
check rootfs.sh "bin/sh is not a link to /bin/busybox" \
	test "$(readlink "$ROOTFS/bin/sh")" = /bin/busybox

broken=() links=0
while IFS= read -r link; do
	target=$(readlink "$link")
	links=$((links + 1))
	# Resolve as the container will: absolute targets against the rootfs, not the host.
	if [[ $target == /* ]]; then
		[[ -e $ROOTFS$target ]] || broken+=("${link#"$ROOTFS"} -> $target")
	else
		[[ -e $(dirname "$link")/$target ]] || broken+=("${link#"$ROOTFS"} -> $target")
	fi
done < <(find "$ROOTFS" -type l -lname /bin/busybox 2>/dev/null)
stamp_applets=$(awk '/^applets:/ { print $2 }' "$ROOTFS/.nslab-rootfs")
if ((${#broken[@]})); then
	fail rootfs.applet-links "${#broken[@]} broken, e.g. ${broken[0]}"
elif ((links < 100)); then
	fail rootfs.applet-links "only $links applet links"
elif [[ $stamp_applets != "$links" ]]; then
	fail rootfs.applet-links "$links links but the stamp says $stamp_applets"
else
	pass rootfs.applet-links
fi

modes=$(cd "$ROOTFS" && stat -c '%n=%a' proc sys dev etc run tmp var/tmp root usr/bin usr/sbin 2>&1 | tr '\n' ' ')
check rootfs.layout "modes: $modes" \
	test "$modes" = "proc=755 sys=755 dev=755 etc=755 run=755 tmp=1777 var/tmp=1777 root=700 usr/bin=755 usr/sbin=755 "

etc_ok() {
	grep -qx 'root:x:0:0:root:/root:/bin/sh' "$ROOTFS/etc/passwd" &&
		grep -q '^nobody:x:65534:65534:' "$ROOTFS/etc/passwd" &&
		grep -qx 'root:x:0:' "$ROOTFS/etc/group" &&
		grep -q '^nogroup:x:65534:' "$ROOTFS/etc/group" &&
		[[ $(cat "$ROOTFS/etc/hostname") == nslab ]] &&
		grep -q localhost "$ROOTFS/etc/hosts" &&
		grep -q 'PS1=.*container' "$ROOTFS/etc/profile" &&
		grep -q 'PATH=' "$ROOTFS/etc/profile" &&
		grep -q '^ID=nslab' "$ROOTFS/etc/os-release"
}
check rootfs.etc "passwd/group/hostname/hosts/profile/os-release incomplete" etc_ok

if [[ $(awk '/^devices:/ { print $2 }' "$ROOTFS/.nslab-rootfs") == 0 ]]; then
	skip rootfs.dev "rootfs was built without device nodes (not root when built)"
else
	devs=$(cd "$ROOTFS/dev" && stat -c '%n:%F:%t,%T:%a' null zero full random urandom tty console 2>&1 | tr '\n' ' ')
	want="null:character special file:1,3:666 zero:character special file:1,5:666 full:character special file:1,7:666 random:character special file:1,8:666 urandom:character special file:1,9:666 tty:character special file:5,0:666 console:character special file:5,1:600 "
	check rootfs.dev "got $devs" test "$devs" = "$want"
fi

for h in nsinfo hungry; do
	check "rootfs.$h-static" "usr/bin/$h missing or dynamically linked" static_exe "$ROOTFS/usr/bin/$h"
done

# ---- the helpers on the host, checked against independent oracles

nsinfo=$ROOTFS/usr/bin/nsinfo
hungry=$ROOTFS/usr/bin/hungry

bad=""
for ns in cgroup ipc mnt net pid pid_for_children time time_for_children user uts; do
	[[ -e /proc/self/ns/$ns ]] || continue
	want=$(stat -L -c %i "/proc/self/ns/$ns")
	got=$("$nsinfo" "ns.$ns")
	[[ $got == "$want" ]] || bad+="$ns=$got(want $want) "
done
check nsinfo.ns-inodes "$bad" test -z "$bad"
check nsinfo.uid "uid line is not 'uid: $(id -u) ...'" \
	test "$("$nsinfo" | awk '/^uid:/ { print $2 }')" = "$(id -u)"
check nsinfo.hostname "nsinfo hostname differs from uname -n" test "$("$nsinfo" hostname)" = "$(uname -n)"
check nsinfo.cap-hex "cap.eff differs from /proc/self/status" \
	test "$("$nsinfo" cap.eff)" = "$(awk '/^CapEff:/ { print $2 }' /proc/self/status)"
"$nsinfo" no-such-key >/dev/null 2>&1
check nsinfo.bad-key "unknown key did not exit 2" test $? -eq 2
check nsinfo.help "--help failed or lists no keys" bash -c '"$1" --help | grep -q cap.eff.names' _ "$nsinfo"

out=$("$hungry" abc 2>&1)
rc=$?
check hungry.bad-arg "hungry abc: rc $rc, '$out'" bash -c '[[ $1 -eq 2 && $2 == *abc* ]]' _ "$rc" "$out"
"$hungry" 10 0 >/dev/null 2>&1
check hungry.zero-step "hungry 10 0 did not exit 2" test $? -eq 2
"$hungry" --help >/dev/null
check hungry.help "--help did not exit 0" test $? -eq 0

# The pages must really be resident, not just reserved: watch VmRSS mid-run.
"$hungry" 64 32 3000 >"$tmp/hungry.out" 2>&1 &
hpid=$!
for _ in $(seq 100); do
	grep -q '32 MiB allocated' "$tmp/hungry.out" && break
	sleep 0.05
done
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$hpid/status" 2>/dev/null)
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
check hungry.resident "VmRSS ${rss:-?} kB after 32 MiB" test "${rss:-0}" -ge $((30 * 1024))

if command -v prlimit >/dev/null; then
	out=$(prlimit --as=$((96 << 20)) "$hungry" 500 16 0 2>&1)
	rc=$?
	check hungry.malloc-fails "rc $rc, '${out##*$'\n'}'" \
		bash -c '[[ $1 -eq 1 && $2 == *"malloc of 16 MiB failed"* ]]' _ "$rc" "$out"
else
	skip hungry.malloc-fails "prlimit not installed"
fi

# ---- chroot: a new root directory, and nothing else

if ((!is_root)); then
	for t in chroot.hostname chroot.keys chroot.same-namespaces chroot.profile unshare-uts.hostname chroot.hungry \
		nsinfo.setpriv nsinfo.userns; do
		skip "$t" "needs root"
	done
else
	check chroot.hostname "chroot saw '$(in_root /usr/bin/nsinfo hostname 2>&1)', host is '$(uname -n)'" \
		test "$(in_root /usr/bin/nsinfo hostname 2>&1)" = "$(uname -n)"

	out=$(in_root /usr/bin/nsinfo 2>/dev/null)
	rc=$?
	missing=""
	for k in pid ppid uid gid groups hostname domainname ns.cgroup ns.ipc ns.mnt ns.net ns.pid \
		ns.pid_for_children ns.time ns.time_for_children ns.user ns.uts cap.eff cap.prm cap.bnd \
		cap.eff.names uid_map gid_map uptime monotonic; do
		grep -q "^$k: ." <<<"$out" || missing+="$k "
	done
	# Nothing mounts proc in a bare chroot: nsinfo must cope and say '-'.
	if ! mountpoint -q "$ROOTFS/proc" && ! grep -q '^ns.net: -$' <<<"$out"; then
		missing+="(ns.net should be '-' without /proc) "
	fi
	check chroot.keys "rc $rc, missing: $missing" bash -c '[[ $1 -eq 0 && -z $2 ]]' _ "$rc" "$missing"

	# With proc visible inside, the chroot reports the host's namespaces unchanged.
	want=""
	for ns in net uts ipc pid user cgroup; do want+="$(stat -L -c %i "/proc/self/ns/$ns") "; done
	got=$(unshare --mount --propagation private sh -c '
		mount -t proc proc "$1/proc" || exit 1
		env -i PATH="$2" chroot "$1" nsinfo ns.net ns.uts ns.ipc ns.pid ns.user ns.cgroup' _ "$ROOTFS" "$clean_path" 2>&1 |
		tr '\n' ' ')
	check chroot.same-namespaces "got '$got', host '$want'" test "$got" = "$want"

	check chroot.profile "login shell PS1 does not mention container" \
		bash -c '[[ $(env -i PATH="$2" chroot "$1" /bin/sh -l -c "echo \"\$PS1\"") == *container* ]]' _ "$ROOTFS" "$clean_path"

	host_name=$(uname -n)
	got=$(env -i PATH=$clean_path timeout 30 unshare --uts chroot "$ROOTFS" sh -c 'hostname box; nsinfo hostname' 2>&1)
	check unshare-uts.hostname "got '$got', host now '$(uname -n)'" \
		bash -c '[[ $1 == box && $(uname -n) == "$2" ]]' _ "$got" "$host_name"

	out=$(in_root hungry 20 5 0 2>&1)
	rc=$?
	check chroot.hungry "rc $rc, last line '${out##*$'\n'}'" \
		bash -c '[[ $1 -eq 0 && $2 == *"done, 20 MiB"* ]]' _ "$rc" "$out"

	got=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$nsinfo" uid cap.eff.names 2>&1 | tr '\n' ' ')
	check nsinfo.setpriv "got '$got'" test "$got" = "65534 (euid 65534) none "

	if got=$(unshare --user --map-root-user "$nsinfo" uid uid_map cap.eff.names 2>&1 | tr '\n' ' '); then
		check nsinfo.userns "got '$got'" test "$got" = "0 (euid 0) 0 0 1 all "
	else
		skip nsinfo.userns "unshare --user failed: $got"
	fi
fi

# ---- mkrootfs: rebuilds are idempotent and never leave litter

# The rootfs's own helpers serve as HELPERDIR, so this needs no build tree.
helpers=$ROOTFS/usr/bin
listing() { (cd "$1" && find . -path ./.nslab-rootfs -prune -o -printf '%p %y %m %l\n' | sort); }
mkdir "$tmp/rootfs.tmp.4194305999" # a "killed" build whose pid cannot exist
if "$mkrootfs" "$tmp/rootfs" "$helpers" >"$tmp/build1.log" 2>&1; then
	listing "$tmp/rootfs" >"$tmp/list1"
	if "$mkrootfs" "$tmp/rootfs" "$helpers" >"$tmp/build2.log" 2>&1; then
		listing "$tmp/rootfs" >"$tmp/list2"
		check mkrootfs.idempotent "second build differs: $(diff "$tmp/list1" "$tmp/list2" | head -3 | tr '\n' ' ')" \
			cmp -s "$tmp/list1" "$tmp/list2"
	else
		fail mkrootfs.idempotent "second build failed: $(tail -1 "$tmp/build2.log")"
	fi
	check mkrootfs.summary "no summary line: $(tail -1 "$tmp/build1.log")" \
		grep -q "^mkrootfs: $tmp/rootfs: .*[0-9]\+ busybox applets" "$tmp/build1.log"
	leftovers=$(find "$tmp" -maxdepth 1 -name 'rootfs.*' -printf '%f ')
	check mkrootfs.no-litter "left behind: $leftovers" test -z "$leftovers"
else
	fail mkrootfs.idempotent "first build failed: $(tail -1 "$tmp/build1.log")"
fi

# A mistyped DEST must not be wiped.
mkdir -p "$tmp/precious" && echo keep >"$tmp/precious/data"
if "$mkrootfs" "$tmp/precious" "$helpers" >/dev/null 2>&1; then
	fail mkrootfs.refuses-foreign "replaced a directory that was not an nslab rootfs"
else
	check mkrootfs.refuses-foreign "refused, but the data is gone" test -f "$tmp/precious/data"
fi

exit $((fails > 0))
