#!/usr/bin/env bash
# Integration test: the process table and the mount probe, driven by a tiny C
# program, against util-linux and procps looking at the same targets
# (unshare'd PID namespaces, flat and nested; findmnt on a mount namespace).
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

if ! is_root; then
	skip probe_proc_mounts "needs root (unshare --pid, and mounts made in another mount namespace)"
	exit 0
fi
for tool in unshare nsenter findmnt pgrep ps gcc pkg-config; do
	if ! command -v "$tool" >/dev/null; then
		skip probe_proc_mounts "no $tool here"
		exit 0
	fi
done

top=$(cd "$(dirname "$0")/../.." && pwd)
work=""
t_tmpdir work

# ---- the driver

if ! make -s -C "$top" build/obj/libnslab-core.a >"$work/make.log" 2>&1; then
	fail probe.build "make: $(tail -n 5 "$work/make.log")"
	exit 1
fi
cat >"$work/driver.c" <<'EOF'
/* Test driver: the in-target rows of the process table for a pid, or the mounts a pid sees. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nslab/probe.h"

/* As findmnt -r writes a field: blanks, backslashes and the unprintable as \xHH. */
static void put_raw(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isblank(c) || c == '\\' || !isprint(c))
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static int procs(pid_t target)
{
	struct proc_table t;
	struct nslab_error e;
	proc_table_init(&t, target);
	for (int i = 0; i < 3; i++) {
		if (proc_table_refresh(&t, i ? PROC_REFRESH_TARGET : PROC_REFRESH_ALL, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
	}
	if (t.target_gone) {
		fprintf(stderr, "target %d is gone\n", (int)target);
		return 1;
	}
	proc_table_sort(&t, true);
	for (size_t i = 0; i < t.n; i++) {
		const struct proc_info *p = &t.v[i];
		if (p->in_target && !p->gone)
			printf("%d %d %d %d %c %s\n", (int)p->pid, (int)p->nspid, (int)p->ppid, (int)p->ns_ppid,
			       p->state, p->comm);
	}
	proc_table_free(&t);
	return 0;
}

static int mounts(pid_t pid)
{
	struct mount_list l = { 0 };
	struct nslab_error e;
	if (probe_mounts_read(pid, &l, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	for (size_t i = 0; i < l.n; i++) {
		printf("%d ", l.v[i].id);
		put_raw(l.v[i].target);
		printf(" %s %s\n", l.v[i].fstype, mount_propagation_name(l.v[i].propagation));
	}
	mount_list_free(&l);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	pid_t pid = (pid_t)atoi(argv[2]);
	return strcmp(argv[1], "procs") == 0 ? procs(pid) : mounts(pid);
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words
if ! gcc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$top/include" -o "$work/driver" "$work/driver.c" \
	"$top/build/obj/libnslab-core.a" $(pkg-config --libs json-c libcap libarchive readline ncursesw) \
	>"$work/cc.log" 2>&1; then
	fail probe.driver-builds "$(head -n 20 "$work/cc.log")"
	exit 1
fi
pass probe.driver-builds
driver() { "$work/driver" "$@"; }

# ---- targets

# wait_for CMD...: until CMD prints something (5 s at most); prints it.
wait_for() {
	local i out
	for ((i = 0; i < 100; i++)); do
		out=$("$@" 2>/dev/null)
		if [ -n "$out" ]; then
			echo "$out"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# start_ns VAR ARGS...: `unshare --pid --fork --mount-proc ARGS` in the
# background; names the init of its new PID namespace (unshare's child) in
# VAR. Killing that init ends the namespace; unshare then exits and is reaped.
start_ns() {
	local _var=$1 _u _c
	shift
	unshare --pid --fork --mount-proc "$@" </dev/null >/dev/null 2>&1 &
	_u=$!
	_c=$(wait_for pgrep -P "$_u" | head -n 1)
	on_exit "kill -KILL ${_c:-$_u}; kill -KILL $_u; wait $_u"
	printf -v "$_var" '%s' "$_c"
}

# The pid inside the namespace of TARGET for each row, read from the NSpid
# lines ourselves: "" when every row's nspid is right, else what differs.
nspid_mismatches() {
	local target=$1 rows=$2 col host nspid want bad=""
	col=$(awk '/^NSpid:/ { print NF }' "/proc/$target/status")
	while read -r host nspid _; do
		[ -n "$host" ] || continue
		want=$(awk -v c="$col" '/^NSpid:/ { print $c }' "/proc/$host/status" 2>/dev/null)
		[ "$want" = "$nspid" ] || bad+="$host:$nspid(want $want) "
	done <<<"$rows"
	echo "$bad"
}

# The oracle: ps run in the target's PID namespace and root (so it reads the
# target's /proc): "PID:COMM ..." sorted, without ps itself.
oracle_ps() {
	nsenter -t "$1" -p -r ps -eo pid=,comm= | awk '$2 != "ps" { print $1 ":" $2 }' | sort -n | tr '\n' ' '
}
ours_ps() { awk '{ print $2 ":" $6 }' <<<"$1" | sort -n | tr '\n' ' '; }

# ---- one PID namespace

start_ns flat sh -c 'sleep 100 & sleep 100 & wait'
if [ -z "$flat" ] || ! wait_for pgrep -P "$flat" -x sleep | awk 'END { exit NR != 2 }'; then
	fail procs.flat.started "the unshare'd sh and its two sleeps did not appear"
	exit 1
fi
check_eq procs.flat.oracle-nspid-is-1 "1" "$(awk '/^NSpid:/ { print $NF }' "/proc/$flat/status")"
rows=$(driver procs "$flat")
check_eq procs.flat.same-as-ps-inside "$(oracle_ps "$flat")" "$(ours_ps "$rows")"
check_eq procs.flat.host-pids-match-nspid "" "$(nspid_mismatches "$flat" "$rows")"
check_eq procs.flat.init-row "$flat 1 0 sh" "$(awk -v p="$flat" '$1 == p { print $1, $2, $4, $6 }' <<<"$rows")"
check_eq procs.flat.sleeps-are-children-of-1 "sleep $flat 1
sleep $flat 1" "$(awk '$6 == "sleep" { print $6, $3, $4 }' <<<"$rows")"
check_eq procs.flat.three-rows 3 "$(wc -l <<<"$rows")"

# A target gone: the driver says so.
driver procs 999999999 >/dev/null 2>"$work/err"
check_contains procs.gone-target "$(cat "$work/err")" "gone"

# ---- two PID namespaces deep

start_ns outer sh -c 'unshare --pid --fork --mount-proc sh -c "sleep 100 & wait" & sleep 100 & wait'
inner_unshare=$(wait_for pgrep -P "$outer" -x unshare)
inner=$(wait_for pgrep -P "${inner_unshare:-0}" -x sh)
if [ -z "$outer" ] || [ -z "$inner" ] || ! wait_for pgrep -P "$inner" -x sleep >/dev/null ||
	! wait_for pgrep -P "$outer" -x sleep >/dev/null; then
	fail procs.nested.started "the nested namespaces did not come up (outer [$outer], inner [$inner])"
	exit 1
fi
check_eq procs.nested.inner-nspid-has-3-levels 3 "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$inner/status")"
rows=$(driver procs "$outer")
check_eq procs.nested.outer-same-as-ps-inside "$(oracle_ps "$outer")" "$(ours_ps "$rows")"
check_eq procs.nested.outer-host-pids-match-nspid "" "$(nspid_mismatches "$outer" "$rows")"
check_contains procs.nested.outer-sees-inner-init "$rows" "$inner "
rows=$(driver procs "$inner")
check_eq procs.nested.inner-same-as-ps-inside "$(oracle_ps "$inner")" "$(ours_ps "$rows")"
check_eq procs.nested.inner-host-pids-match-nspid "" "$(nspid_mismatches "$inner" "$rows")"
check_eq procs.nested.inner-rows "1:sh 2:sleep " "$(ours_ps "$rows")"

# ---- mounts

mounts_oracle() {
	findmnt -N "$1" -r -n -o ID,TARGET,FSTYPE,PROPAGATION |
		sed 's/ private,slave$/ slave/; s/ private,unbindable$/ unbindable/' | sort -n
}

check_eq mounts.self-same-as-findmnt "$(mounts_oracle $$)" "$(driver mounts 0 | sort -n)"

# In the flat target's mount namespace (unshare made it private, so nothing
# shows on the host): a shared tmpfs at a path with a space, a bind of it
# made a slave, an unbindable tmpfs at a path with a backslash.
spaced="$work/a dir" slashed="$work/b\\dir" bound="$work/c"
mkdir "$spaced" "$slashed" "$bound"
in_flat() { nsenter -t "$flat" -m "$@"; }
if in_flat mount -t tmpfs none "$spaced" && in_flat mount --make-shared "$spaced" &&
	in_flat mount --bind "$spaced" "$bound" && in_flat mount --make-slave "$bound" &&
	in_flat mount -t tmpfs none "$slashed" && in_flat mount --make-unbindable "$slashed"; then
	pass mounts.made-inside
else
	fail mounts.made-inside "mount in the target's mount namespace failed"
fi
on_exit "nsenter -t $flat -m umount '$spaced' '$bound' '$slashed'"
ours=$(driver mounts "$flat" | sort -n)
check_eq mounts.target-same-as-findmnt "$(mounts_oracle "$flat")" "$ours"
check_contains mounts.space-unescaped "$ours" "${spaced// /\\x20} tmpfs shared"
check_contains mounts.backslash-unescaped "$ours" "${slashed//\\/\\x5c} tmpfs unbindable"
check_contains mounts.slave "$ours" "$bound tmpfs slave"
check_not_contains mounts.not-on-host "$(driver mounts 0)" "$bound"

driver mounts 999999999 >/dev/null 2>"$work/err"
check_contains mounts.gone-pid "$(cat "$work/err")" "gone"
