#!/usr/bin/env bash
# Integration test: the identity probe (probe_ids_read) on processes started
# by util-linux unshare, checked against lsns, readlink, nsenter, capsh and /proc.
# shellcheck disable=SC2016 # $$ is for the shell inside the target
# shellcheck disable=SC2154 # work, u_parent, t_parent, plain are set through printf -v
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip probe_ids "needs root (unshare --pid and nsenter into other users' namespaces)"
	t_done
	exit 0
fi
for tool in unshare nsenter lsns capsh gcc pkg-config; do
	if ! command -v "$tool" >/dev/null; then
		skip probe_ids "no $tool"
		t_done
		exit 0
	fi
done

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
t_tmpdir work

# ---- a small driver that prints an id_view, one fact a line

make -s build/obj/libnslab-core.a >"$work/make.log" 2>&1 || { fail probe_ids.build "make: $(tail -n 20 "$work/make.log")"; exit 1; }
cat >"$work/driver.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "nslab/probe.h"

static void print_map(const char *name, const struct idmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		printf("%s %u %u %u\n", name, m->lines[i].inside, m->lines[i].outside, m->lines[i].count);
}

int main(int argc, char **argv)
{
	static struct id_view v;
	struct nslab_error e = {0};
	struct utsname u;
	char link[64] = "";

	if (probe_ids_read(argc > 1 ? atoi(argv[1]) : 0, &v, &e) < 0) {
		printf("error %d %s\n", e.err, e.msg);
		return 2;
	}
	for (int k = 0; k < NS_COUNT; k++)
		printf("ns %s %llu %llu\n", ns_table[k].proc_name, v.ns.ino[k], v.ns.owner[k]);
	printf("hostname %s\ndomainname %s\n", v.hostname, v.domainname);
	print_map("uid_map", &v.uidmap);
	print_map("gid_map", &v.gidmap);
	printf("setgroups %s\n", v.setgroups);
	printf("CapEff %016llx\nCapPrm %016llx\nCapBnd %016llx\n", (unsigned long long)v.cap_eff,
	       (unsigned long long)v.cap_prm, (unsigned long long)v.cap_bnd);
	printf("names %s\n", v.cap_eff_names);
	printf("offsets %lld %lld\nuptime %.3f\nuid %u %u\n", v.offset_monotonic, v.offset_boottime, v.uptime,
	       (unsigned)v.uid, (unsigned)v.euid);
	/* The driver itself must not have moved. */
	if (readlink("/proc/self/ns/uts", link, sizeof(link) - 1) < 0)
		link[0] = '\0';
	uname(&u);
	printf("self_uts %s\nself_hostname %s\n", link, u.nodename);
	return 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words
if ! gcc -std=gnu11 -D_GNU_SOURCE -Wall -Werror -Iinclude -o "$work/driver" "$work/driver.c" \
	build/obj/libnslab-core.a $(pkg-config --libs json-c libcap libarchive readline ncursesw) \
	>"$work/gcc.log" 2>&1; then
	fail probe_ids.build "driver: $(cat "$work/gcc.log")"
	exit 1
fi
pass probe_ids.build

# field OUT KEY: the rest of the line that starts with KEY.
field() { awk -v k="$2" '$1 == k { sub(/^[^ ]+ ?/, ""); print; exit }' <<<"$1"; }

# ---- targets: started here, ended on every exit path

TARGETS=()
# target VAR CMD...: start CMD in the background; VAR gets unshare's pid.
start_target() {
	local _var=$1
	shift
	"$@" </dev/null >/dev/null 2>&1 &
	TARGETS+=("$!")
	on_exit "kill -KILL $!; wait $!"
	printf -v "$_var" '%s' "$!"
}
# forked_child VAR PARENT: wait (5 s) for unshare --fork's child and for it to
# be sleeping (its own comm, or a child's: dash may or may not exec the last command).
forked_child() {
	local _c="" _i
	for ((_i = 0; _i < 100; _i++)); do
		_c=$(pgrep -P "$2" | head -n 1)
		if [ -n "$_c" ] && { [ "$(cat "/proc/$_c/comm" 2>/dev/null)" = sleep ] || pgrep -P "$_c" -x sleep >/dev/null; }; then
			break
		fi
		_c=""
		sleep 0.05
	done
	[ -n "$_c" ] && on_exit "kill -KILL $_c 2>/dev/null"
	printf -v "$1" '%s' "$_c"
}

start_target u_parent unshare --user --map-root-user --uts --pid --fork --mount-proc sh -c 'hostname inside-probe; sleep 100'
start_target t_parent unshare --time --boottime 86400 --fork sleep 100
start_target plain sleep 100
forked_child userns "$u_parent"
forked_child timens "$t_parent"
if [ -z "$userns" ] || [ -z "$timens" ]; then
	fail probe_ids.targets "unshare targets did not start (userns [$userns], timens [$timens])"
	exit 1
fi

host=$("$work/driver" 0)
host_uptime=$(field "$host" uptime)

# ---- oracles, for every target

# check_ns NAME PID OUT: inodes against readlink and lsns, owners against lsns ONS.
check_ns() {
	local name=$1 pid=$2 out=$3 type ino owner want lsns_out bad="" ons_bad=""
	lsns_out=$(lsns -p "$pid" -o TYPE,NS,ONS -n -r 2>/dev/null)
	[ "$(grep -c '^ns ' <<<"$out")" = 8 ] || bad+=" not-eight-namespaces"
	while read -r _ type ino owner; do
		want=$(readlink "/proc/$pid/ns/$type" | tr -dc 0-9)
		[ "$ino" = "${want:-0}" ] || bad+=" $type:probe=$ino,readlink=$want"
		want=$(awk -v t="$type" '$1 == t { print $2 }' <<<"$lsns_out")
		[ "$ino" = "${want:-0}" ] || bad+=" $type:probe=$ino,lsns=$want"
		want=$(awk -v t="$type" '$1 == t { print $3 }' <<<"$lsns_out")
		[ "$owner" = "${want:-0}" ] || ons_bad+=" $type:probe=$owner,lsns=$want"
	done < <(grep '^ns ' <<<"$out")
	if [ -z "$bad" ]; then pass "$name.ns-inodes"; else fail "$name.ns-inodes" "$bad"; fi
	if [ -z "$ons_bad" ]; then pass "$name.ns-owners"; else fail "$name.ns-owners" "$ons_bad"; fi
}

# check_caps NAME PID OUT: the masks against status, the names against capsh.
check_caps() {
	local name=$1 pid=$2 out=$3 k hex names decoded last full
	for k in CapEff CapPrm CapBnd; do
		hex=$(awk -v k="$k:" '$1 == k { print $2 }' "/proc/$pid/status")
		check_eq "$name.$k" "$hex" "$(field "$out" "$k")"
	done
	hex=$(field "$out" CapEff)
	names=$(field "$out" names)
	decoded=$(capsh --decode="$hex" | sed 's/^[^=]*=//')
	last=$(cat /proc/sys/kernel/cap_last_cap)
	full=$(printf '%016x' $(((1 << (last + 1)) - 1)))
	if [ "$hex" = "$full" ]; then
		check_eq "$name.cap-names-all" all "$names"
	elif [ "$hex" = 0000000000000000 ]; then
		check_eq "$name.cap-names-none" none "$names"
	else
		check_eq "$name.cap-names-capsh" "$decoded" "$names"
	fi
}

# check_maps NAME PID OUT: uid_map, gid_map, setgroups, Uid as /proc shows them.
check_maps() {
	local name=$1 pid=$2 out=$3 m
	for m in uid_map gid_map; do
		check_eq "$name.$m" "$(squeeze_lines <"/proc/$pid/$m")" "$(grep "^$m " <<<"$out" | cut -d' ' -f2-)"
	done
	check_eq "$name.setgroups" "$(cat "/proc/$pid/setgroups")" "$(field "$out" setgroups)"
	check_eq "$name.uid-euid" "$(awk '/^Uid:/ { print $2, $3 }' "/proc/$pid/status")" "$(field "$out" uid)"
}
squeeze_lines() { sed -E 's/^[[:space:]]+//; s/[[:space:]]+/ /g; s/ $//'; }

# check_self NAME OUT: the driver's own UTS namespace and hostname did not move.
check_self() {
	check_eq "$1.driver-stays-in-its-uts" "$(readlink /proc/self/ns/uts)" "$(field "$2" self_uts)"
	check_eq "$1.driver-hostname-unchanged" "$(hostname)" "$(field "$2" self_hostname)"
}

# near NAME A B TOLERANCE: |A - B| <= TOLERANCE (seconds, decimals allowed).
near() {
	if awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; then
		pass "$1"
	else
		fail "$1" "$2 and $3 differ by more than $4"
	fi
}

check_all() {
	local name=$1 pid=$2 out
	out=$("$work/driver" "$pid")
	HOST_UP=$(cut -d' ' -f1 /proc/uptime)
	if [[ $out == error* ]]; then
		fail "$name.read" "$out"
		return
	fi
	pass "$name.read"
	check_ns "$name" "$pid" "$out"
	check_caps "$name" "$pid" "$out"
	check_maps "$name" "$pid" "$out"
	check_self "$name" "$out"
	check_eq "$name.hostname-nsenter" "$(nsenter -t "$pid" -u hostname)" "$(field "$out" hostname)"
	check_eq "$name.domainname-nsenter" "$(nsenter -t "$pid" -u domainname)" "$(field "$out" domainname)"
	LAST=$out
}

# ---- nslab's own view

check_all self $$
check_eq self.pid0-same-as-shell-user-ns "$(readlink /proc/$$/ns/user | tr -dc 0-9)" "$(awk '$1 == "ns" && $2 == "user" { print $3 }' <<<"$host")"
near self.uptime-vs-proc "$host_uptime" "$(cut -d' ' -f1 /proc/uptime)" 2

# ---- user + UTS + PID namespace, hostname set inside

check_all userns "$userns"
check_eq userns.hostname inside-probe "$(field "$LAST" hostname)"
check_eq userns.setgroups-deny deny "$(field "$LAST" setgroups)"
check_eq userns.uid_map-root "uid_map 0 0 1" "$(grep '^uid_map ' <<<"$LAST")"
check_eq userns.caps-all-inside all "$(field "$LAST" names)"
user_ino=$(awk '$1 == "ns" && $2 == "user" { print $3 }' <<<"$LAST")
uts_owner=$(awk '$1 == "ns" && $2 == "uts" { print $4 }' <<<"$LAST")
check_eq userns.uts-owned-by-its-user-ns "$user_ino" "$uts_owner"
check_eq userns.user-ns-owned-by-ours "$(readlink /proc/self/ns/user | tr -dc 0-9)" \
	"$(awk '$1 == "ns" && $2 == "user" { print $4 }' <<<"$LAST")"

# ---- time namespace, boottime +1 day

check_all timens "$timens"
check_eq timens.offsets "0 86400" "$(field "$LAST" offsets)"
check_eq timens.offsets-file "0 86400" "$(awk '$1 == "monotonic" || $1 == "1" { m = $2 } $1 == "boottime" || $1 == "7" { b = $2 } END { print m, b }' "/proc/$timens/timens_offsets")"
t_up=$(field "$LAST" uptime)
near timens.uptime-plus-a-day "$t_up" "$(awk -v h="$HOST_UP" 'BEGIN { print h + 86400 }')" 5
near timens.uptime-vs-nsenter "$t_up" "$(nsenter -t "$timens" -T cut -d' ' -f1 /proc/uptime)" 5

# ---- a plain process: every namespace ours

check_all plain "$plain"
check_eq plain.same-namespaces "$(grep '^ns ' <<<"$host")" "$(grep '^ns ' <<<"$LAST")"
near plain.uptime "$(field "$LAST" uptime)" "$HOST_UP" 5

# ---- a gone process, then nothing left running

# (stderr off: bash reports each killed job)
{
	for p in "${TARGETS[@]}" "$userns" "$timens"; do kill -KILL "$p"; done
	for p in "${TARGETS[@]}"; do wait "$p"; done
} 2>/dev/null
out=$("$work/driver" "$plain")
check_contains gone.says-gone "$out" "is gone"
left=""
for p in "${TARGETS[@]}" "$userns" "$timens"; do
	for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$p" 2>/dev/null && left+=" $p"
done
check_eq cleanup.nothing-running "" "$left"
t_done
