#!/usr/bin/env bash
# Integration test: overlay_options, overlay_diff and overlay_which against the
# real kernel. Layers are mounted in a private mount namespace, changed through
# the merged dir, and the whiteouts and opaque markers overlayfs wrote are the
# oracle for the parser; as root (trusted.overlay.*) and as uid 65534 in a user
# namespace (userxattr, user.overlay.*).
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

top=$(cd "$(dirname "$0")/../.." && pwd)

if ! is_root; then
	skip overlay_layers "needs root: mounts overlayfs in a private mount namespace and switches to uid 65534"
	t_done
	exit 0
fi
if ! grep -qw overlay /proc/filesystems && ! modprobe overlay 2>/dev/null; then
	skip overlay_layers "this kernel has no overlayfs (modprobe overlay failed)"
	t_done
	exit 0
fi

# Not in NSLAB_TEST_TMP (root's mode 700 dir): uid 65534 runs the driver too.
T=$(mktemp -d /tmp/nslab-ovl.XXXXXX)
on_exit "rm -rf '$T'"
chmod 755 "$T"
mounts_before=$(grep -c ' - overlay ' /proc/self/mountinfo)

# ---- a tiny driver over the library

cat >"$T/driver.c" <<'EOF'
/* overlay_options, overlay_diff, overlay_which and xattrs from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include "nslab/overlay.h"

static struct nslab_error e;

static int fail(void)
{
	fprintf(stderr, "driver: %s\n", e.msg);
	return 1;
}

static const char *upper_arg(const char *s) { return strcmp(s, "-") ? s : NULL; }

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "options")) {	/* options [--userxattr] UPPER WORK LOWER... */
		int ux = !strcmp(argv[2], "--userxattr"), i = 2 + ux;
		char buf[4096];
		if (overlay_options((const char *const *)argv + i + 2, (size_t)(argc - i - 2), upper_arg(argv[i]),
				    upper_arg(argv[i + 1]), ux, buf, sizeof(buf), &e) < 0)
			return fail();
		puts(buf);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "diff")) {	/* diff UPPER LOWER... */
		struct diff_entry *d;
		size_t n;
		if (overlay_diff(argv[2], (const char *const *)argv + 3, (size_t)(argc - 3), &d, &n, &e) < 0)
			return fail();
		for (size_t i = 0; i < n; i++)
			printf("%c %s\n", d[i].kind, d[i].path);
		free(d);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "which")) {	/* which PATH UPPER|- LOWER... */
		int layer;
		int r = overlay_which(argv[2], upper_arg(argv[3]), (const char *const *)argv + 4, (size_t)(argc - 4),
				      &layer, &e);
		if (r < 0)
			return fail();
		if (r == OVERLAY_FROM_LOWER)
			printf("lower %d\n", layer);
		else
			puts(r == OVERLAY_FROM_UPPER ? "upper" : r == OVERLAY_DELETED ? "deleted" : "missing");
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "setx"))	/* setx PATH NAME VALUE */
		return lsetxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) ? perror("lsetxattr"), 1 : 0;
	if (argc == 4 && !strcmp(argv[1], "getx")) {	/* getx PATH NAME: the value, or "-" */
		char v[256];
		ssize_t n = lgetxattr(argv[2], argv[3], v, sizeof(v) - 1);
		printf("%.*s\n", n < 0 ? 1 : (int)n, n < 0 ? "-" : v);
		return 0;
	}
	fputs("usage: driver options|diff|which|setx|getx ...\n", stderr);
	return 2;
}
EOF

if ! out=$(cd "$top" && make -s build/obj/libnslab-core.a 2>&1); then
	fail overlay_layers.build "make build/obj/libnslab-core.a: $out"
	t_done
	exit 1
fi
# shellcheck disable=SC2046 # pkg-config prints several words
if out=$(cd "$top" && gcc -std=gnu11 -D_GNU_SOURCE -Iinclude -o "$T/driver" "$T/driver.c" build/obj/libnslab-core.a \
	$(pkg-config --libs json-c libcap libarchive readline ncursesw) 2>&1); then
	pass overlay_layers.driver-builds
else
	fail overlay_layers.driver-builds "$out"
	t_done
	exit 1
fi
chmod 755 "$T/driver"
D=$T/driver

# ---- what runs inside the private mount namespace

# scenario DIR OPTIONS ESCAPED_OPTIONS: mount, look, change things through
# merged, look again; print what was seen as "KEY PATH FIRST-LINE" lines.
cat >"$T/scenario.sh" <<'EOF'
set -u
cd "$1" || exit 1
paths="common mid only2 append.txt del.txt dir/a dir/c dir/fresh etc/conf etc/added new.txt xwh"
look() {
	for p in $paths; do echo "$1 $p $(head -n 1 "merged/$p" 2>/dev/null || echo -)"; done
}
mount --make-rprivate / || { echo "error mount --make-rprivate / failed"; exit 1; }
mount -t overlay overlay -o "$2" merged || { echo "error mount -o $2 failed"; exit 1; }
look before
echo more >>merged/append.txt
rm merged/del.txt
rm -rf merged/dir && mkdir merged/dir && echo u >merged/dir/fresh
echo u >merged/etc/added
echo u >merged/new.txt
look after
umount merged
if mount -t overlay overlay -o "$3" merged2; then
	echo "escaped $(cat merged2/esc)"
	umount merged2
else
	echo "escaped -"
fi
EOF

# make_layers DIR XATTR_PREFIX: three lower layers; each file's first line names its layer.
make_layers() {
	local d=$1 x=$2
	mkdir -p "$d"/{l0,l1,l2,upper,work,merged,merged2,upper2,work2} "$d/es:c,a\\pe" "$d"/l1/dir "$d"/l2/{dir,etc}
	for l in l0 l1 l2; do echo "$l" >"$d/$l/common"; done
	echo l1 >"$d/l1/mid"
	echo l2 >"$d/l2/mid"
	echo l2 >"$d/l2/only2"
	echo l2 >"$d/l2/append.txt"
	echo l1 >"$d/l1/del.txt"
	echo l2 >"$d/l2/dir/a"
	echo l2 >"$d/l2/dir/b"
	echo l1 >"$d/l1/dir/c"
	echo l2 >"$d/l2/etc/conf"
	echo l2 >"$d/l2/xwh"
	echo esc >"$d/es:c,a\\pe/esc"
	# An xattr whiteout in l0 hiding l2's xwh; the layer root says it holds some.
	: >"$d/l0/xwh"
	"$D" setx "$d/l0/xwh" "$x.overlay.whiteout" "" &&
		"$D" setx "$d/l0" "$x.overlay.opaque" x
}

# run_mode root|user: the scenario in a namespace, then diff and which as the same user.
run_mode() {
	local mode=$1 d=$T/$1 x=trusted ux=() as=() out opts esc
	if [ "$mode" = user ]; then
		x=user ux=(--userxattr) as=("${user_cmd[@]}")
	fi
	make_layers "$d" "$x" || { fail "overlay_layers.$mode.layers" "could not set $x.overlay.* xattrs in $d"; return; }
	[ "$mode" = user ] && chown -R 65534:65534 "$d"
	cd "$d" || return
	opts=$("$D" options "${ux[@]}" upper work l0 l1 l2) || { fail "overlay_layers.$mode.options" "$opts"; return; }
	check_eq "overlay_layers.$mode.options" "lowerdir=l0:l1:l2,upperdir=upper,workdir=work${ux:+,userxattr}" "$opts"
	esc=$("$D" options "${ux[@]}" upper2 work2 "es:c,a\\pe" l2)
	check_eq "overlay_layers.$mode.options-escaped" \
		"lowerdir=es\\:c\\,a\\\\pe:l2,upperdir=upper2,workdir=work2${ux:+,userxattr}" "$esc"

	if [ "$mode" = root ]; then
		out=$(unshare -m bash "$T/scenario.sh" "$d" "$opts" "$esc" 2>&1)
	else
		out=$("${as[@]}" unshare -Urm bash "$T/scenario.sh" "$d" "$opts" "$esc" 2>&1)
	fi
	if [[ $out == *"error mount -o"* ]] && [ "$mode" = user ]; then
		skip "overlay_layers.$mode" "the kernel refused overlayfs in a user namespace (needs Linux 5.11+): $out"
		return
	fi
	if [[ $out == error* ]] || [[ $out != *"after new.txt"* ]]; then
		fail "overlay_layers.$mode.scenario" "$out"
		return
	fi
	check_merged "$mode" "$out"
	check_upper "$mode" "$d" "$x"
	check_diff "$mode" "$d"
	check_which "$mode" "$d" "$out"
	check_contains "overlay_layers.$mode.escaped-options-mount" "$out" "escaped esc"
	cd "$T" || return
}

seen() { awk -v k="$2" -v p="$3" '$1 == k && $2 == p { $1 = ""; $2 = ""; sub(/^  /, ""); print }' <<<"$1"; }

check_merged() {
	local m=$1 out=$2
	check_eq "overlay_layers.$m.merge-order-l0-on-top" l0 "$(seen "$out" before common)"
	check_eq "overlay_layers.$m.merge-order-l1-over-l2" l1 "$(seen "$out" before mid)"
	check_eq "overlay_layers.$m.bottom-layer-visible" l2 "$(seen "$out" before only2)"
	check_eq "overlay_layers.$m.kernel-honours-xattr-whiteout" - "$(seen "$out" before xwh)"
	check_eq "overlay_layers.$m.deleted-gone" - "$(seen "$out" after del.txt)"
	check_eq "overlay_layers.$m.recreated-dir-hides-lower" - "$(seen "$out" after dir/c)"
}

check_upper() {
	local m=$1 d=$2 x=$3
	check_eq "overlay_layers.$m.copy-up-whole-file" $'l2\nmore' "$(cat "$d/upper/append.txt")"
	check_eq "overlay_layers.$m.lower-unchanged" l2 "$(cat "$d/l2/append.txt")"
	check_eq "overlay_layers.$m.whiteout-is-0/0-chardev" "character special file 0:0" \
		"$(stat -c '%F %t:%T' "$d/upper/del.txt")"
	check_eq "overlay_layers.$m.opaque-dir-$x.overlay.opaque" y "$("$D" getx "$d/upper/dir" "$x.overlay.opaque")"
}

check_diff() {
	local m=$1 d=$2 want got
	want='C /append.txt
D /del.txt
C /dir
D /dir/a
D /dir/b
D /dir/c
A /dir/fresh
C /etc
A /etc/added
A /new.txt'
	got=$(cd "$d" && "${as[@]}" "$D" diff upper l0 l1 l2 2>&1)
	check_eq "overlay_layers.$m.diff" "$want" "$got"
}

# Every path the scenario looked at: which() says gone exactly when the kernel
# showed nothing, else names the layer whose copy the kernel showed.
check_which() {
	local m=$1 d=$2 out=$3 p w k layer bad=""
	for p in common mid only2 append.txt del.txt dir/a dir/c dir/fresh etc/conf etc/added new.txt xwh; do
		k=$(seen "$out" after "$p")
		w=$(cd "$d" && "${as[@]}" "$D" which "/$p" upper l0 l1 l2 2>&1)
		case $w in
		upper) layer=upper ;;
		"lower "[0-9]*) layer=l${w#lower } ;;
		deleted | missing) layer="" ;;
		*) bad+=" /$p: $w;" && continue ;;
		esac
		if [ -z "$layer" ]; then
			[ "$k" = - ] || bad+=" /$p: which says $w, the kernel showed '$k';"
		elif [ "$(head -n 1 "$d/$layer/$p" 2>/dev/null)" != "$k" ]; then
			bad+=" /$p: which says $w, the kernel showed '$k';"
		fi
	done
	if [ -z "$bad" ]; then pass "overlay_layers.$m.which-agrees-with-kernel"; else fail "overlay_layers.$m.which-agrees-with-kernel" "$bad"; fi
	check_eq "overlay_layers.$m.which-whiteout" deleted "$(cd "$d" && "${as[@]}" "$D" which /del.txt upper l0 l1 l2)"
	check_eq "overlay_layers.$m.which-opaque-hides" missing "$(cd "$d" && "${as[@]}" "$D" which /dir/a upper l0 l1 l2)"
	check_eq "overlay_layers.$m.which-root" upper "$(cd "$d" && "${as[@]}" "$D" which / upper l0 l1 l2)"
	check_eq "overlay_layers.$m.which-only-in-l2" "lower 2" "$(cd "$d" && "${as[@]}" "$D" which /only2 upper l0 l1 l2)"
}

# ---- root: trusted.overlay.*

run_mode root

# ---- uid 65534 in its own user namespace: userxattr, user.overlay.*

user_cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if ! command -v setpriv >/dev/null; then
	skip overlay_layers.user "setpriv (util-linux) is not installed"
elif ! why=$("${user_cmd[@]}" unshare -Urm true 2>&1); then
	skip overlay_layers.user "unprivileged user namespaces are not available here (unshare -Urm as uid 65534: $why)"
else
	run_mode user
fi

check_eq overlay_layers.no-mounts-left "$mounts_before" "$(grep -c ' - overlay ' /proc/self/mountinfo)"
t_done
