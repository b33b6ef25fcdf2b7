#!/usr/bin/env bash
# net lo: a new network namespace's loopback, down until nslab brings it up
# over rtnetlink. Traffic stays inside namespaces this test made.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip net "needs root for network namespaces"
	exit 0
fi
host_links_before=$(ip -o link | awk -F': ' '{print $2}' | sort)

out=$("$NSLAB" -c "set net; run ip -o link show lo" 2>&1)
check_contains net.lo-down-by-default "$out" "state DOWN"
out=$("$NSLAB" -c "set net mount; net lo; rootfs $ROOTFS; run /bin/sh -c 'ip -o link show lo; ip -o addr show lo; ping -c 1 -W 2 127.0.0.1'; trace" 2>&1)
check_contains net.lo-up "$out" "LOOPBACK,UP"
check_contains net.lo-address "$out" "inet 127.0.0.1/8"
check_contains net.ping-inside "$out" "1 packets received"
check_contains net.trace-shows-netlink "$out" "rtnetlink({type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK, ifi_index=1 (lo), ifi_flags=IFF_UP"
check_contains net.show-plan "$("$NSLAB" -c 'set net; net lo; show --plan' 2>&1)" "RTM_NEWLINK lo IFF_UP"
out=$("$NSLAB" -c "net lo; run true" 2>&1)
check_contains net.lo-needs-net-flag "$out" "set net"
check_eq net.host-links-unchanged "$host_links_before" "$(ip -o link | awk -F': ' '{print $2}' | sort)"
