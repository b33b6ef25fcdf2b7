#!/usr/bin/env bash
# make install lays out a working nslab: binary, man page, completion, rootfs.
source "$(dirname "$0")/../lib.sh"
cd "$(dirname "$0")/../.."

if ! is_root; then
	skip install "copying the rootfs's device nodes needs root"
	exit 0
fi
t_tmpdir dest
if ! make -s install PREFIX=/opt/nslab DESTDIR="$dest" >"$dest.log" 2>&1; then
	fail "make install" "$(tail -5 "$dest.log")"
	rm -f "$dest.log"
	exit 1
fi
rm -f "$dest.log"
root=$dest/opt/nslab
for f in bin/nslab share/man/man1/nslab.1 share/bash-completion/completions/nslab share/nslab/rootfs/bin/busybox \
	share/nslab/rootfs/usr/bin/nsinfo; do
	if [ -e "$root/$f" ]; then pass "install puts $f in place"; else fail "install puts $f in place" "missing"; fi
done
out=$(NSLAB_ROOTFS= "$root/bin/nslab" -c 'rootfs default' 2>&1)
check_contains "installed nslab finds its own rootfs" "$out" "$root/share/nslab/rootfs"
# Lessons and slide decks come along, and the installed nslab finds them.
n_lessons=$(find lessons -maxdepth 1 -name '[0-9]*-*.md' | wc -l)
out=$(NSLAB_LESSONS= "$root/bin/nslab" lesson 2>&1)
check_eq "installed nslab lists every lesson" "$n_lessons" "$(grep -cE '^ +[0-9]+  [a-z]' <<<"$out")"
out=$(NSLAB_SLIDES= "$root/bin/nslab" slides --list 2>&1)
check_contains "installed nslab finds the slide decks" "$out" "Images are file systems"
out=$(MANWIDTH=80 man -l "$root/share/man/man1/nslab.1" 2>&1)
check_contains "man page renders" "$out" "build a Linux container one kernel feature at a time"
check_contains "man page documents run options" "$out" "--map-root-user"

# The completion asks nslab for its command names, so it follows the table.
out=$(bash -c "source '$root/share/bash-completion/completions/nslab'; COMP_WORDS=('$root/bin/nslab' ex); COMP_CWORD=1; _nslab; echo \"\${COMPREPLY[*]}\"")
check_eq "completion of 'nslab ex'" "export exec explain exit" "$out"
out=$(bash -c "source '$root/share/bash-completion/completions/nslab'; COMP_WORDS=('$root/bin/nslab' run --map); COMP_CWORD=2; _nslab; echo \"\${COMPREPLY[*]}\"")
check_eq "completion of run options" "--map-group --map-root-user --map-user" "$out"
out=$("$root/bin/nslab" --list-commands | wc -l)
check_eq "--list-commands lists the table" "$("$NSLAB" -c help | grep -c '^  [a-z]')" "$out"
