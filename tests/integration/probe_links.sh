#!/usr/bin/env bash
# Integration test: the links probe (rtnetlink in a helper thread) against iproute2, in two network namespaces joined by a veth pair.
# Network safety: every link and address lives in namespaces this script
# creates (links named nslt*, addresses in 10.213.0.0/30); nothing is
# configured in the host's namespace, and the only traffic is one UDP
# datagram from one of those namespaces to the other. Killing the sleepers
# ends the namespaces, and the veth pair with them.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"
set -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)

if ! is_root; then
	skip probe_links "needs root (makes network namespaces and a veth pair)"
	t_done
	exit 0
fi
for tool in ip unshare nsenter setpriv python3 gcc pkg-config make; do
	if ! command -v "$tool" >/dev/null; then
		skip probe_links "$tool is not installed"
		t_done
		exit 0
	fi
done

# The library of the build under test: build/san when NSLAB is the sanitized one.
case $NSLAB in
*/build/san/*) build=build/san san=(SANITIZE=1) cflags=("-fsanitize=address,undefined") ;;
*) build=build/obj san=() cflags=() ;;
esac
lib=$top/$build/libnslab-core.a
if ! out=$(make -s -C "$top" "${san[@]}" "$build/libnslab-core.a" 2>&1); then
	fail probe_links.build "make $build/libnslab-core.a: $out"
	t_done
	exit 1
fi

# uid 65534 runs the driver too: a directory it can read, not the mode-700 tmpdir.
tmp=$(mktemp -d /tmp/nslab-links.XXXXXX)
on_exit "rm -rf '$tmp'"
chmod 755 "$tmp"

cat >"$tmp/driver.c" <<'EOF'
/* probe_links.sh's driver: the links of each pid on the command line, one line per link. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nslab/probe.h"

static void ns_line(const char *what, const char *path)
{
	char b[64] = "";
	if (readlink(path, b, sizeof(b) - 1) < 0)
		strcpy(b, "?");
	printf("# %s %s\n", what, b);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct link_addr *)a)->text, ((const struct link_addr *)b)->text);
}

static void print_link(struct link_info *k)
{
	qsort(k->addrs, k->n_addrs, sizeof(k->addrs[0]), by_text);
	printf("%d %s %s %s %d %s %u %d %d %d ", k->index, k->name, k->kind[0] ? k->kind : "-", k->state, k->up,
	       k->mac[0] ? k->mac : "-", k->mtu, k->peer_index, k->peer_netnsid, k->master);
	for (int i = 0; i < k->n_addrs; i++)
		printf("%s%s", i ? "," : "", k->addrs[i].text);
	printf("%s\n", k->n_addrs ? "" : "-");
}

int main(int argc, char **argv)
{
	struct link_list l = {0};
	struct nslab_error e = {0};
	char path[300];

	ns_line("ns-before", "/proc/self/ns/net");
	for (int i = 1; i < argc; i++) {
		printf("== %s\n", argv[i]);
		if (probe_links_read(atoi(argv[i]), &l, &e) < 0) {
			printf("error %d %s\n", e.err, e.msg);
			continue;
		}
		for (size_t j = 0; j < l.n; j++)
			print_link(&l.v[j]);
	}
	ns_line("ns-after", "/proc/self/ns/net");
	DIR *d = opendir("/proc/self/task");
	for (struct dirent *t; d && (t = readdir(d));) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/ns/net", t->d_name);
		ns_line("task", path);
	}
	if (d)
		closedir(d);
	link_list_free(&l);
	return 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
if ! out=$(gcc -std=gnu11 -D_GNU_SOURCE -Wall -Werror "${cflags[@]}" -I"$top/include" -o "$tmp/driver" \
	"$tmp/driver.c" "$lib" $(pkg-config --libs json-c libcap libarchive readline ncursesw) -lpthread 2>&1); then
	fail probe_links.driver "cannot build the driver: $out"
	t_done
	exit 1
fi
pass probe_links.driver
drv() { "$tmp/driver" "$@"; }
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# section PID: the lines the driver printed for PID.
section() { awk -v p="$1" '/^== /{ on = ($2 == p); next } /^#/{ on = 0 } on'; }
# link_of NAME: the driver's line for link NAME (on stdin).
link_of() { awk -v n="$1" '$2 == n'; }

# iproute2's view, in the driver's format: index name kind operstate up mac
# mtu peer netnsid master addresses. A peer in the same namespace is named
# ("link"), one elsewhere numbered ("link_index").
ORACLE_PY='
import json, sys
links, addrs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
idx = {l["ifname"]: l["ifindex"] for l in links}
am = {a["ifindex"]: sorted("%s/%d" % (x["local"], x["prefixlen"]) for x in a.get("addr_info", [])) for a in addrs}
for l in sorted(links, key=lambda l: l["ifindex"]):
    peer = idx.get(l["link"], -2) if l.get("link") else l.get("link_index", 0)
    master = idx.get(l["master"], -2) if "master" in l else 0
    print(l["ifindex"], l["ifname"], l.get("linkinfo", {}).get("info_kind") or "-", l.get("operstate", "UNKNOWN"),
          int("UP" in l["flags"]), l.get("address") or "-", l["mtu"], peer, l.get("link_netnsid", -1), master,
          ",".join(am.get(l["ifindex"], [])) or "-")
'
oracle() {
	local j a
	j=$(nsenter -t "$1" -n ip -d -j link) && a=$(nsenter -t "$1" -n ip -j addr) && python3 -c "$ORACLE_PY" "$j" "$a"
}

# compare NAME PID [WRAPPER...]: the driver (run through WRAPPER) and iproute2
# agree on PID's links; asked again while an address is still settling.
compare() {
	local name=$1 pid=$2 o1 d o2 i
	shift 2
	for ((i = 0; i < 10; i++)); do
		o1=$(oracle "$pid")
		d=$("$@" "$tmp/driver" "$pid" | section "$pid")
		o2=$(oracle "$pid")
		if [ -n "$o1" ] && [ "$o1" = "$d" ] && [ "$d" = "$o2" ]; then
			pass "$name"
			return 0
		fi
		sleep 0.2
	done
	fail "$name" "driver:
$d
ip:
$o2"
}

host_ns=$(ns_inode $$ net)

# new_netns VAR CMD...: CMD (ending in a command that sleeps) under `unshare
# --net --fork --kill-child`, run through any wrapper words before "--";
# VAR names the sleeper, which is in the new network namespace.
new_netns() {
	local _var=$1 _u _p="" _i
	shift
	"$@" </dev/null >/dev/null 2>&1 &
	_u=$!
	on_exit "kill -KILL $_u; wait $_u"
	for ((_i = 0; _i < 100; _i++)); do
		_p=$(pgrep -P "$_u" | head -n 1)
		if [ -n "$_p" ] && [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = sleep ] &&
			[ -n "$(ns_inode "$_p" net)" ] && [ "$(ns_inode "$_p" net)" != "$host_ns" ]; then
			break
		fi
		_p=""
		sleep 0.05
	done
	[ -n "$_p" ] && on_exit "kill -KILL $_p"
	printf -v "$_var" '%s' "$_p"
}

new_netns A unshare --net --fork --kill-child sleep 100
new_netns B unshare --net --fork --kill-child sleep 100
if [ -z "$A" ] || [ -z "$B" ] || [ "$(ns_inode "$A" net)" = "$(ns_inode "$B" net)" ]; then
	fail probe_links.namespaces "no two new network namespaces (A=$A B=$B)"
	t_done
	exit 1
fi
pass probe_links.namespaces
ns_A=$(stat -L -c %i "/proc/$A/ns/net")
ns_B=$(stat -L -c %i "/proc/$B/ns/net")
# Should a namespace have vanished, nsenter fails and nothing is configured:
# the host's namespace is never touched. These only run if a link leaked.
on_exit "ip link del nslt0"
on_exit "ip link del nslt1"

inA() { nsenter -t "$A" -n "$@"; }
inB() { nsenter -t "$B" -n "$@"; }
if ! out=$(inA ip link add nslt0 type veth peer name nslt1 2>&1 && inA ip link set nslt1 netns "$B" 2>&1 &&
	inA ip addr add 10.213.0.1/30 dev nslt0 2>&1 && inA ip link set nslt0 up 2>&1 && inA ip link set lo up 2>&1 &&
	inB ip addr add 10.213.0.2/30 dev nslt1 2>&1 && inB ip link set nslt1 up 2>&1); then
	fail probe_links.setup "ip: $out"
	t_done
	exit 1
fi
check_eq probe_links.host-untouched "" "$(ip -o link | grep nslt)"

# The link is real: one datagram from A reaches B (and nothing leaves them).
recv_py='
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.213.0.2", 40213)); s.settimeout(5)
print(s.recvfrom(64)[0].decode())'
send_py='
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20): s.sendto(b"nslab", ("10.213.0.2", 40213)); time.sleep(0.1)'
# nsenter execs its command, so $! is the python (not a subshell) and kill reaches it.
nsenter -t "$B" -n timeout 10 python3 -c "$recv_py" >"$tmp/recv" 2>&1 &
recv=$!
on_exit "kill -KILL $recv"
nsenter -t "$A" -n timeout 10 python3 -c "$send_py" >/dev/null 2>&1 &
send=$!
on_exit "kill -KILL $send"
wait "$recv"
kill "$send" 2>/dev/null
wait "$send" 2>/dev/null
check_eq probe_links.veth-carries-udp nslab "$(cat "$tmp/recv")"

# Let the IPv6 link-local addresses appear, so both sides see them.
for ((i = 0; i < 40; i++)); do
	[ -n "$(inA ip -6 -o addr show dev nslt0 scope link)" ] && [ -n "$(inB ip -6 -o addr show dev nslt1 scope link)" ] && break
	sleep 0.1
done

# ---- the driver against iproute2, in each namespace

compare probe_links.A-matches-ip "$A"
compare probe_links.B-matches-ip "$B"

out=$(drv "$A" "$B" 0)
a0=$(section "$A" <<<"$out" | link_of nslt0)
b1=$(section "$B" <<<"$out" | link_of nslt1)
read -r ai _ ak as au _ amtu apeer ansid _ aaddrs <<<"$a0"
read -r bi _ bk bs bu _ bmtu bpeer bnsid _ baddrs <<<"$b1"
check_eq probe_links.A.veth "veth UP 1 1500" "$ak $as $au $amtu"
check_eq probe_links.B.veth "veth UP 1 1500" "$bk $bs $bu $bmtu"
check_eq probe_links.A.peer-is-B-end "$bi" "$apeer"
check_eq probe_links.B.peer-is-A-end "$ai" "$bpeer"
if [ "${ansid:--1}" -ge 0 ] && [ "${bnsid:--1}" -ge 0 ]; then
	pass probe_links.peer-netnsid-set
else
	fail probe_links.peer-netnsid-set "netnsid A=$ansid B=$bnsid"
fi
check_contains probe_links.A.address "$aaddrs" "10.213.0.1/30"
check_contains probe_links.B.address "$baddrs" "10.213.0.2/30"
check_contains probe_links.A.lo-addresses "$(section "$A" <<<"$out" | link_of lo)" "127.0.0.1/8,::1/128"

# ---- nslab itself never moved: before, after, every thread; and pid 0 after
# the others is still the host's list.

check_eq probe_links.ns-before "$host_ns" "$(awk '$2 == "ns-before" { print $3 }' <<<"$out")"
check_eq probe_links.ns-after "$host_ns" "$(awk '$2 == "ns-after" { print $3 }' <<<"$out")"
check_eq probe_links.threads-in-host-ns "$host_ns" "$(awk '$2 == "task" { print $3 }' <<<"$out" | sort -u)"
check_eq probe_links.one-thread-left 1 "$(grep -c '^# task' <<<"$out")"
host_py='
import json, sys
for l in sorted(json.loads(sys.argv[1]), key=lambda l: l["ifindex"]): print(l["ifindex"], l["ifname"])'
for ((i = 0; i < 5; i++)); do
	want=$(python3 -c "$host_py" "$(ip -j link)")
	got=$(section 0 <<<"$out" | awk '{ print $1, $2 }')
	[ "$want" = "$got" ] && break
	out=$(drv "$A" "$B" 0)
done
check_eq probe_links.host-matches-ip "$want" "$got"

# ---- refusals: a pid that is gone, another user's process, a namespace
# whose owner is not ours to enter.

gone_pid=$(sh -c 'echo $$')
out=$(drv "$gone_pid" | section "$gone_pid")
check_contains probe_links.gone "$out" "error 3 process $gone_pid is gone"

out=$("${nobody[@]}" "$tmp/driver" "$A" | section "$A")
check_contains probe_links.nobody-other-user "$out" "another user's process"

new_netns N unshare --net --fork --kill-child setpriv --reuid=65534 --regid=65534 --clear-groups sleep 100
if [ -n "$N" ]; then
	out=$("${nobody[@]}" "$tmp/driver" "$N" | section "$N")
	check_contains probe_links.nobody-setns-eperm "$out" "error 1 links of process $N: cannot enter its network namespace"
	check_contains probe_links.nobody-setns-eperm-says-why "$out" "CAP_SYS_ADMIN"
else
	fail probe_links.nobody-setns-eperm "no sleeper for uid 65534 in a new network namespace"
fi

# ---- rootless: uid 65534's own user+network namespace, read through the
# helper process that joins the user namespace first.

if "${nobody[@]}" unshare --user --map-root-user --net true 2>/dev/null; then
	new_netns R "${nobody[@]}" unshare --user --map-root-user --net --fork --kill-child sleep 100
	if [ -n "$R" ] && inR_out=$(nsenter -t "$R" -n ip link set lo up 2>&1); then
		compare probe_links.rootless-matches-ip "$R" "${nobody[@]}"
	else
		fail probe_links.rootless-matches-ip "no rootless namespace to read (R=$R): $inR_out"
	fi
else
	skip probe_links.rootless-matches-ip "uid 65534 may not make a user namespace here"
fi

# ---- cleanup: the sleepers go, their namespaces and the veth pair with them.

kill -KILL "$A" "$B" ${N:+"$N"} ${R:+"$R"} 2>/dev/null
wait 2>/dev/null
left=$(lsns -t net -n -o NS 2>/dev/null | grep -x -e "$ns_A" -e "$ns_B")
check_eq probe_links.namespaces-gone "" "$left"
check_eq probe_links.no-nslt-link-on-host "" "$(ip -o link | grep nslt)"

t_done
