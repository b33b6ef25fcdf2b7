#!/usr/bin/env bash
# Integration test: rootfs import, list and remove, with GNU tar, gzip, xz, zstd,
# bzip2, mknod and chroot as independent producers and oracles.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"
set -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
lib=$top/build/obj/libnslab-core.a

if [ ! -f "$lib" ] || ! command -v gcc >/dev/null || ! command -v pkg-config >/dev/null; then
	skip import "needs $lib (make), gcc and pkg-config to build the driver"
	t_done
	exit 0
fi

tmp=""
t_tmpdir tmp
# Runs before lib.sh's rm -rf: the trees have dirs their owner cannot write.
on_exit "chmod -R u+rwX '$tmp'"
store=$tmp/store
export NSLAB_STORE=$store

# ---- the driver: the REPL's rootfs commands are not wired yet, so call the API

cat >"$tmp/driver.c" <<'EOF'
/* import.sh's driver: the rootfs store API on the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nslab/rootfs_store.h"

static int import(const char *file, const char *name)
{
	struct rootfs_import_report r;
	struct nslab_error e = {0};
	char path[PATH_MAX];

	if (rootfs_import(file, name, path, sizeof(path), &r, &e) < 0) {
		printf("error: %s\n", e.msg);
		return 1;
	}
	printf("path=%s files=%ld dirs=%ld symlinks=%ld hardlinks=%ld devices=%ld skipped=%ld fifos=%ld bytes=%lld\n",
	       path, r.files, r.dirs, r.symlinks, r.hardlinks, r.devices, r.skipped_devices, r.fifos, r.bytes);
	return 0;
}

static int list(void)
{
	struct rootfs_entry *l;
	struct nslab_error e = {0};
	size_t n;

	if (rootfs_list(&l, &n, &e) < 0) {
		printf("error: %s\n", e.msg);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s %lld %ld %lld %s\n", l[i].name, l[i].bytes, l[i].files, (long long)l[i].created, l[i].path);
	free(l);
	return 0;
}

int main(int argc, char **argv)
{
	struct nslab_error e = {0};
	char path[PATH_MAX];

	if (argc >= 3 && !strcmp(argv[1], "import"))
		return import(argv[2], argc > 3 ? argv[3] : NULL);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list();
	if (argc == 3 && !strcmp(argv[1], "lookup") && rootfs_lookup(argv[2], path, sizeof(path)) == 0)
		return printf("%s\n", path) < 0;
	if (argc == 3 && !strcmp(argv[1], "lookup"))
		return printf("error: no %s\n", argv[2]), 1;
	if (argc == 3 && !strcmp(argv[1], "remove") && rootfs_remove(argv[2], &e) == 0)
		return printf("removed\n") < 0;
	if (argc == 3 && !strcmp(argv[1], "remove"))
		return printf("error: %s\n", e.msg), 1;
	fprintf(stderr, "usage: driver import FILE [NAME] | list | lookup NAME | remove NAME\n");
	return 2;
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
if ! out=$(gcc -std=gnu11 -D_GNU_SOURCE -Wall -Werror -I"$top/include" -o "$tmp/driver" "$tmp/driver.c" "$lib" \
	$(pkg-config --libs json-c libcap libarchive readline ncursesw) 2>&1); then
	fail import.driver "cannot build the driver: $out"
	t_done
	exit 1
fi
pass import.driver
drv() { "$tmp/driver" "$@"; }
field() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# ---- a source tree made with the host's tools

src=$tmp/src
mkdir -p "$src"/{etc,bin,usr/share/doc,private,ro,run,deep/a/b/c/d/e/f}
chmod 0755 "$src"
printf 'box\n' >"$src/etc/hostname"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$src/etc/passwd"
printf 'root:*:19000:0:99999:7:::\n' >"$src/etc/shadow"
chmod 0640 "$src/etc/shadow"
printf '#!/bin/sh\necho tool\n' >"$src/bin/tool"
chmod 04755 "$src/bin/tool"
ln "$src/bin/tool" "$src/bin/tool2"
ln -s /bin/tool "$src/bin/sh"
ln -s ../bin/tool "$src/bin/rel"
ln -s /nonexistent "$src/bin/dangling"
printf 'spaces\n' >"$src/usr/share/doc/with space.txt"
utf8_name=caf$'\xc3\xa9'.txt
printf 'utf-8\n' >"$src/usr/share/doc/$utf8_name"
printf 'secret\n' >"$src/private/secret"
chmod 0600 "$src/private/secret"
chmod 0700 "$src/private"
printf 'read only\n' >"$src/ro/readme"
chmod 0444 "$src/ro/readme"
chmod 0555 "$src/ro"
head -c 1048576 /dev/urandom >"$src/big.bin"
: >"$src/empty"
printf 'deep\n' >"$src/deep/a/b/c/d/e/f/file"
mkfifo -m 0600 "$src/run/fifo"
touch -h -d '2001-02-03 04:05:06' "$src/bin/sh" "$src/etc/hostname" "$src/deep/a"
if is_root; then
	mkdir "$src/dev"
	mknod -m 0666 "$src/dev/null" c 1 3
	mknod -m 0660 "$src/dev/loopx" b 7 200
	printf 'owned\n' >"$src/owned"
	chown 1234:5678 "$src/owned"
fi

# "MODE OWNER NAME" for every member, the way tar -tv shows it ('h' is a hardlink).
tar_listing() {
	tar --numeric-owner --quoting-style=literal -tvf "$1" |
		awk '{ m = $1; if (substr(m, 1, 1) == "h") m = "-" substr(m, 2); o = $2; n = $0
			for (i = 0; i < 5; i++) sub(/^[^ ]+ +/, "", n)
			sub(/ -> .*$/, "", n); sub(/ link to .*$/, "", n)
			print m, o, n }' | normalize_names
}
tree_listing() { (cd "$1" && find . -printf '%M %U/%G %p\n') | normalize_names; }
# "./a/" -> "a", "./" -> "."
normalize_names() { sed -e 's,^\([^ ]* [^ ]*\) \./,\1 ,' -e 's,/$,,' -e 's,^\([^ ]* [^ ]*\) *$,\1 .,' | LC_ALL=C sort; }

# Counts the report should have, from tar's own listing.
tar_counts() {
	tar --numeric-owner --quoting-style=literal -tvf "$1" | awk '
		{ t = substr($1, 1, 1) }
		t == "-" { f++; b += $3 } t == "d" { d++ } t == "l" { l++ } t == "h" { h++ }
		t == "c" || t == "b" { dev++ } t == "p" { p++ }
		END { printf "files=%d dirs=%d symlinks=%d hardlinks=%d devices=%d fifos=%d bytes=%d\n",
			f, d, l, h, dev, p, b }'
}
report_counts() {
	local k out=""
	for k in files dirs symlinks hardlinks devices fifos bytes; do out+="$k=$(field "$k" "$1") "; done
	echo "${out% }"
}

# check_tree NAME TARBALL DIR: the imported DIR matches TARBALL and the source tree.
check_tree() {
	local name=$1 tarball=$2 dir=$3 d
	d=$(diff <(tar_listing "$tarball") <(tree_listing "$dir") | head -n 20)
	check_eq "$name.listing" "" "$d"
	d=$(diff -r --no-dereference -x fifo -x dev "$src" "$dir" 2>&1 | head -n 20)
	check_eq "$name.diff" "" "$d"
	check_eq "$name.hardlink" "$(stat -c %i "$dir/bin/tool") 2" "$(stat -c '%i %h' "$dir/bin/tool2")"
	check_eq "$name.fifo" "fifo" "$(stat -c %F "$dir/run/fifo")"
	check_eq "$name.mtimes" "$(stat -c %Y "$src/bin/sh" "$src/etc/hostname" "$src/deep/a")" \
		"$(stat -c %Y "$dir/bin/sh" "$dir/etc/hostname" "$dir/deep/a")"
	check_eq "$name.top-mode" "755" "$(stat -c %a "$dir")"
	if is_root; then
		check_eq "$name.devices" "character special file 1,3 block special file 7,c8" \
			"$(stat -c '%F %t,%T' "$dir/dev/null" "$dir/dev/loopx" | tr '\n' ' ' | sed 's/ $//')"
		check_eq "$name.owner" "1234:5678" "$(stat -c %u:%g "$dir/owned")"
		check_eq "$name.setuid" "4755" "$(stat -c %a "$dir/bin/tool")"
	fi
}

# import_ok NAME TARBALL [ROOTFS-NAME]: imports, then checks the tree and the report.
import_ok() {
	local name=$1 tarball=$2 out
	out=$(drv import "$tarball" ${3:+"$3"})
	if [[ $out != path=* ]]; then
		fail "$name.import" "$out"
		return 1
	fi
	pass "$name.import"
	check_eq "$name.report" "$(tar_counts "$tarball")" "$(report_counts "$out")"
	check_eq "$name.skipped" "0" "$(field skipped "$out")"
	check_tree "$name" "$tarball" "$(field path "$out")"
}

# ---- good tarballs in every compression, detected by content

tar -C "$src" -czf "$tmp/gz.tar.gz" .
import_ok import.gzip "$tmp/gz.tar.gz"
check_eq import.gzip.name "$store/gz" "$(drv lookup gz)"
tar -C "$src" --xz --format=posix -cf "$tmp/x.txz" .
import_ok import.xz-pax "$tmp/x.txz"
if command -v zstd >/dev/null; then
	tar -C "$src" --zstd -cf "$tmp/z.tar.zst" .
	import_ok import.zstd "$tmp/z.tar.zst"
else
	skip import.zstd "no zstd on this machine"
fi
tar -C "$src" -cjf "$tmp/b.tar.bz2" .
import_ok import.bzip2 "$tmp/b.tar.bz2"
# The name says gzip, the content is a plain tar.
tar -C "$src" -cf "$tmp/liar.tar.gz" .
import_ok import.by-content "$tmp/liar.tar.gz" plain-inside

# docker export style: "etc/...", no "./" member at all.
(cd "$src" && tar -cf "$tmp/export.tar" -- *)
out=$(drv import "$tmp/export.tar")
check_contains import.export.import "$out" "path=$store/export "
d=$(diff -r --no-dereference -x fifo -x dev "$src" "$store/export" 2>&1 | head -n 20)
check_eq import.export.diff "" "$d"

# ---- refused: each names the entry and leaves nothing in the store

refused() { # NAME TARBALL EXPECTED-TEXT
	local before out
	before=$(ls -A "$store")
	out=$(drv import "$2" evil)
	check_contains "$1" "$out" "$3"
	check_eq "$1.nothing-left" "$before" "$(ls -A "$store")"
}

tar -C "$src" -cPf "$tmp/abs.tar" --transform 's,^\./,/,' ./etc/hostname
refused import.refuse.absolute "$tmp/abs.tar" "abs.tar: entry '/etc/hostname' is absolute: refused"

tar -C "$src" -cPf "$tmp/dotdot.tar" --transform 's,^,../,' etc/hostname
refused import.refuse.dotdot "$tmp/dotdot.tar" \
	"dotdot.tar: entry '../etc/hostname' leaves the root (a '..' component): refused"

tar -C "$src" -cPf "$tmp/hardlink.tar" --transform 's,^bin/tool$,../../etc/passwd,SR' bin/tool bin/tool2
refused import.refuse.hardlink "$tmp/hardlink.tar" \
	"entry 'bin/tool2' is a hardlink to '../../etc/passwd', which leaves the root (a '..' component): refused"

# A symlink to /tmp, then a file through it (two trees, one appended tarball).
pwned=nslab-pwned-$$
mkdir -p "$tmp/e1" "$tmp/e2/evil" "$tmp/e3/up"
ln -s /tmp "$tmp/e1/evil"
printf 'x\n' >"$tmp/e2/evil/$pwned"
tar -C "$tmp/e1" -cf "$tmp/symlink.tar" evil
tar -C "$tmp/e2" -rf "$tmp/symlink.tar" "evil/$pwned"
refused import.refuse.symlink "$tmp/symlink.tar" "entry 'evil/$pwned' goes through the symlink 'evil' (-> /tmp): refused"
if [ -e "/tmp/$pwned" ]; then
	fail import.refuse.symlink.outside "/tmp/$pwned was created"
	rm -f "/tmp/$pwned"
else
	pass import.refuse.symlink.outside
fi
ln -s .. "$tmp/e1/up"
printf 'x\n' >"$tmp/e3/up/$pwned"
tar -C "$tmp/e1" -cf "$tmp/up.tar" up
tar -C "$tmp/e3" -rf "$tmp/up.tar" "up/$pwned"
refused import.refuse.up "$tmp/up.tar" "entry 'up/$pwned' goes through the symlink 'up' (-> ..): refused"
check_eq import.refuse.up.outside "" "$(find "$store" -maxdepth 1 -name "$pwned")"

printf 'hello, I am not a tarball\n' >"$tmp/notes.txt"
refused import.refuse.text "$tmp/notes.txt" "notes.txt is not a tar archive libarchive can read ("
gzip -c "$tmp/notes.txt" >"$tmp/notes.gz"
refused import.refuse.gzipped-text "$tmp/notes.gz" "notes.gz is not a tar archive libarchive can read ("
: >"$tmp/empty.tar"
refused import.refuse.empty-file "$tmp/empty.tar" "empty.tar: no entries"
tar -cf "$tmp/no-members.tar" -T /dev/null
refused import.refuse.empty-tar "$tmp/no-members.tar" "no-members.tar: no entries"
size=$(stat -c %s "$tmp/gz.tar.gz")
head -c $((size / 2)) "$tmp/gz.tar.gz" >"$tmp/cut.tar.gz"
refused import.refuse.truncated "$tmp/cut.tar.gz" "cut.tar.gz is truncated or damaged at entry"
refused import.refuse.missing "$tmp/missing.tar" "missing.tar: No such file or directory"
out=$(drv import "$tmp/gz.tar.gz")
check_contains import.refuse.duplicate "$out" "a rootfs named 'gz' already exists"
out=$(drv import "$tmp/gz.tar.gz" "../x")
check_contains import.refuse.bad-name "$out" "'../x' is not a valid rootfs name"
check_eq import.no-temporary-dirs "" "$(find "$store" -maxdepth 1 -name '.*tmp*')"

# ---- device nodes as an ordinary user: skipped and counted

if is_root; then
	nb=$(mktemp -d /tmp/nslab-import-nobody.XXXXXX)
	on_exit "rm -rf '$nb'"
	chmod 0755 "$nb"
	cp "$tmp/driver" "$tmp/gz.tar.gz" "$nb/"
	mkdir "$nb/store"
	chown 65534:65534 "$nb/store"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env NSLAB_STORE="$nb/store" "$nb/driver" "$@"; }
	out=$(as_nobody import "$nb/gz.tar.gz" nodev)
	check_contains import.nobody.import "$out" "path=$nb/store/nodev "
	check_eq import.nobody.devices "devices=0 skipped=2" "devices=$(field devices "$out") skipped=$(field skipped "$out")"
	check_eq import.nobody.files "$(tar_counts "$tmp/gz.tar.gz" | sed 's/.*\(files=[0-9]*\).*/\1/')" \
		"files=$(field files "$out")"
	check_eq import.nobody.no-dev-nodes "" "$(find "$nb/store/nodev/dev" ! -type d)"
	check_eq import.nobody.remove "removed" "$(as_nobody remove nodev)"
	check_eq import.nobody.empty "" "$(ls -A "$nb/store")"
else
	skip import.nobody "needs root to compare with an ordinary user"
fi

# ---- the busybox rootfs: imports and runs

if ! is_root; then
	skip import.busybox "reading $ROOTFS (its /root is root's) and chroot need root"
elif [ ! -x "$ROOTFS/bin/busybox" ]; then
	skip import.busybox "no $ROOTFS/bin/busybox (make rootfs)"
else
	tar -C "$ROOTFS" -czf "$tmp/busybox.tar.gz" .
	out=$(drv import "$tmp/busybox.tar.gz" bb)
	check_contains import.busybox "$out" "path=$store/bb "
	d=$(diff <(tar_listing "$tmp/busybox.tar.gz") <(tree_listing "$store/bb") | head -n 20)
	check_eq import.busybox.listing "" "$d"
	check_rc import.busybox.chroot-true 0 "$(chroot "$store/bb" /bin/busybox true; echo $?)"
	check_eq import.busybox.chroot-sh "hello from bb" "$(chroot "$store/bb" /bin/sh -c 'echo hello from bb')"
fi

# ---- list: sorted, with du's disk usage and find's file count

out=$(drv list)
names=$(cut -d' ' -f1 <<<"$out" | tr '\n' ' ')
want=$(find "$store" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')
check_eq import.list.names "$want" "$names"
check_contains import.list.has-gz "$names" "gz "
now=$(date +%s)
while read -r name bytes files created path; do
	check_eq "import.list.$name.bytes" "$(du -s -B1 "$path" | cut -f1)" "$bytes"
	check_eq "import.list.$name.files" "$(find "$path" -type f | wc -l)" "$files"
	check_rc "import.list.$name.created" 0 "$(((now - created) < 600 && created <= now ? 0 : 1))"
done <<<"$out"

# ---- remove

for name in $names; do
	check_eq "import.remove.$name" "removed" "$(drv remove "$name")"
done
check_eq import.remove.all-gone "" "$(ls -A "$store")"
check_contains import.remove.missing "$(drv remove gz)" "no rootfs named 'gz'"
check_contains import.lookup.missing "$(drv lookup gz)" "error: no gz"
# ---- the same through nslab's own commands, and a container on the result
if is_root; then
	rstore=$tmp/repl-store
	mkdir -p "$rstore"
	tar -C "$ROOTFS" -czf "$tmp/busybox.tar.gz" .
	out=$(NSLAB_STORE=$rstore "$NSLAB" -c "rootfs import $tmp/busybox.tar.gz bb; rootfs list; rootfs bb; set pid mount uts; hostname imported; run /bin/sh -c 'hostname; ls /usr/bin/nsinfo'" 2>&1)
	check_contains import.repl.imported "$out" "imported $rstore/bb:"
	check_contains import.repl.listed "$out" "  bb "
	check_contains import.repl.runs "$out" $'imported\n/usr/bin/nsinfo'
	printf 'not a tarball at all\n' >"$tmp/junk.tar"
	out=$(NSLAB_STORE=$rstore "$NSLAB" -c "rootfs import $tmp/junk.tar" 2>&1)
	check_rc import.repl.junk-fails 1 $?
	check_contains import.repl.junk-error "$out" "not a tar archive"
	check_eq import.repl.junk-leaves-nothing "bb" "$(ls -A "$rstore")"
	out=$(NSLAB_STORE=$rstore "$NSLAB" -c "rootfs remove bb; rootfs list" 2>&1)
	check_contains import.repl.removed "$out" "no imported rootfs"
	check_eq import.repl.store-empty "" "$(ls -A "$rstore")"
fi
t_done
