#!/usr/bin/env bash
# net veth: a veth pair from a network namespace this test makes (playing
# the host) into the container; ping both ways and a TCP echo. All traffic
# stays inside namespaces the test created.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip veth "needs root for veth pairs"
	exit 0
fi
host_links_before=$(ip -o link | awk -F': ' '{print $2}' | sort)
bb=$ROOTFS/bin/busybox

# Everything below runs in a fresh network namespace: nslab's "host" is it.
out=$(unshare --net sh -c "
	ip link set lo up
	'$NSLAB' -c \"set net mount pid; net veth 10.77.0.1/30 10.77.0.2/30; rootfs $ROOTFS;
		start nc -ll -p 7000 -e /bin/cat; exec ping -c 1 -W 2 10.77.0.1; links --json;
		exec /bin/sleep 3; trace\" >\"$NSLAB_TEST_TMP/veth.out\" 2>&1 &
	n=\$!
	for i in \$(seq 50); do ip -o link | grep -q nsl- && break; sleep 0.1; done
	sleep 0.5
	echo host-ping:; $bb ping -c 1 -W 2 10.77.0.2 | grep 'packets received'
	echo tcp:; echo hello-echo | $bb nc -w 2 10.77.0.2 7000
	wait \$n
	echo links-after:; ip -o link | grep -c nsl-
	cat \"$NSLAB_TEST_TMP/veth.out\"
" 2>&1)
check_contains veth.container-pings-host-end "$out" "1 packets transmitted, 1 packets received"
check_contains veth.host-pings-container "$out" $'host-ping:\n1 packets transmitted, 1 packets received'
check_contains veth.tcp-echo "$out" $'tcp:\nhello-echo'
check_contains veth.gone-after "$out" $'links-after:\n0'
check_contains veth.trace-veth-request "$out" 'IFLA_INFO_KIND="veth", IFLA_INFO_DATA={VETH_INFO_PEER={IFLA_IFNAME="eth0"'
check_contains veth.trace-route "$out" "RTM_NEWROUTE"
json=$(sed -n '/^{/,/^}/p' <<<"$out")
peer_ok=$(python3 -c '
import json,sys
d=json.loads(sys.stdin.read())["links"]
h=[l for l in d["host"] if l["name"].startswith("nsl-")][0]
c=[l for l in d["container"] if l["name"]=="eth0"][0]
print(h["peer_index"]==c["index"] and c["peer_index"]==h["index"] and "10.77.0.1/30" in h["addresses"] and "10.77.0.2/30" in c["addresses"])
' <<<"$json" 2>&1)
check_eq veth.links-show-both-ends "True" "$peer_ok"

# Auto addresses: a free /30 from the pool, skipping one the host already uses.
out=$(unshare --net sh -c "
	ip link add nslt0 type veth peer name nslt1; ip addr add 10.213.0.1/30 dev nslt0
	'$NSLAB' -c \"set net; net veth; show; run ip -o -4 addr show eth0\" 2>&1")
check_contains veth.auto-skips-used "$out" "10.213.0.6/30"

# Errors that teach.
out=$(unshare --net sh -c "ip link set lo up; '$NSLAB' -c 'set net; net veth 127.0.0.5/8 127.0.0.6/8; run true'" 2>&1)
check_contains veth.overlap-refused "$out" "overlaps the host's address 127.0.0.1/8 on lo"
out=$("$NSLAB" -c "net veth; run true" 2>&1)
check_contains veth.needs-net-flag "$out" "set net"
out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "$NSLAB" -c "map-root; set net; net veth; run true" 2>&1)
check_contains veth.rootless-says-why "$out" "CAP_NET_ADMIN"
out=$("$NSLAB" -c "net veth 10.1.0.1 nope" 2>&1)
check_contains veth.bad-cidr "$out" "HOST_CIDR CONTAINER_CIDR"

# SIGKILL nslab: the kernel takes both ends with the container's namespace.
out=$(unshare --net sh -c "
	'$NSLAB' -c 'set net pid; net veth; start sleep 100; exec sleep 100' >/dev/null 2>&1 &
	n=\$!
	for i in \$(seq 50); do ip -o link | grep -q nsl- && break; sleep 0.1; done
	echo before \$(ip -o link | grep -c nsl-)
	kill -KILL \$n; wait \$n 2>/dev/null
	for i in \$(seq 50); do ip -o link | grep -q nsl- || break; sleep 0.1; done
	echo after \$(ip -o link | grep -c nsl-)
	'$NSLAB' cleanup >/dev/null 2>&1
" 2>&1)
check_contains veth.sigkill-before "$out" "before 1"
check_contains veth.sigkill-after "$out" "after 0"
check_eq veth.host-links-unchanged "$host_links_before" "$(ip -o link | awk -F': ' '{print $2}' | sort)"

# net bridge: two nslab sessions' containers on one bridge reach each other;
# the bridge goes when the last one leaves.
out=$(unshare --net sh -c "
	ip link set lo up
	'$NSLAB' -c \"set net pid mount; net bridge nslbr0; rootfs $ROOTFS; start sleep 100; exec /bin/sleep 4\" >/dev/null 2>&1 &
	for i in \$(seq 50); do ip -o link show master nslbr0 2>/dev/null | grep -q nsl- && break; sleep 0.1; done
	'$NSLAB' -c \"set net pid mount; net bridge nslbr0; rootfs $ROOTFS; start sleep 100;
		exec ping -c 1 -W 2 10.214.0.2; exec /bin/sh -c 'ip -o -4 addr show eth0'; trace\" 2>&1
	wait
	echo bridge-after: \$(ip -o link | grep -c nslbr0)
" 2>&1)
check_contains veth.bridge-neighbour-ping "$out" "1 packets transmitted, 1 packets received"
check_contains veth.bridge-second-address "$out" "inet 10.214.0.3/24"
check_contains veth.bridge-plugs-port "$out" "IFLA_MASTER="
check_contains veth.bridge-removed-after "$out" "bridge-after: 0"
out=$("$NSLAB" -c "net bridge 'bad name!'" 2>&1)
check_contains veth.bridge-bad-name "$out" "bridge name"

# SIGKILL on a bridge: nslab cleanup removes the bridge nslab made.
out=$(unshare --net sh -c "
	'$NSLAB' -c 'set net pid; net bridge nslbr1; start sleep 100; exec sleep 100' >/dev/null 2>&1 &
	n=\$!
	for i in \$(seq 50); do ip -o link show master nslbr1 2>/dev/null | grep -q nsl- && break; sleep 0.1; done
	echo before \$(ip -o link show dev nslbr1 2>/dev/null | wc -l)
	kill -KILL \$n; wait \$n 2>/dev/null
	for i in \$(seq 50); do ip -o link show master nslbr1 2>/dev/null | grep -q nsl- || break; sleep 0.1; done
	'$NSLAB' cleanup 2>&1
	echo after \$(ip -o link show dev nslbr1 2>/dev/null | wc -l)
" 2>&1)
check_contains veth.bridge-sigkill-before "$out" "before 1"
check_contains veth.bridge-cleanup-says "$out" "removed bridge nslbr1"
check_contains veth.bridge-sigkill-after "$out" "after 0"
