#!/usr/bin/env bash
# ps, mounts, links, ids, ns, mem and compare, host next to container, on
# nslab's own containers and on processes started by util-linux unshare(1),
# checked against nsenter, findmnt, ip and lsns.
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip compare "needs root to start the namespaced targets"
	exit 0
fi
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# A target from unshare(1): own PID, mount, UTS, net namespaces, two sleeps inside.
marker=$((6000000 + RANDOM))
unshare --pid --fork --mount-proc --uts --net sh -c "hostname ux-target; sleep $marker & sleep $((marker + 1)) & wait" &
on_exit "kill -KILL $! 2>/dev/null; pkill -KILL -f 'sleep $marker'; pkill -KILL -f 'sleep $((marker + 1))'"
for _ in $(seq 100); do
	sl=$(pgrep -x -f "sleep $marker") && break
	sleep 0.05
done
target=$(ps -o ppid= -p "$sl" | tr -d ' ')
[ -n "$target" ] || { fail compare.target "no target"; exit 1; }

out=$("$NSLAB" ps --pid "$target" --json 2>&1)
mine=$(json 'print(" ".join(sorted(str(p["nspid"]) for p in d["ps"]["container"])))' <<<"$out")
# The oracle's own ps runs inside too: leave it out.
oracle=$(nsenter -t "$target" -p -m ps -e -o pid=,comm= | awk '$2 != "ps" {print $1}' | sort | tr '\n' ' ' | sed 's/ $//')
check_contains compare.ps-json-has-init "$mine" "1"
check_eq compare.ps-vs-nsenter-ps "$(tr ' ' '\n' <<<"$oracle" | sort -n | tr '\n' ' ')" "$(tr ' ' '\n' <<<"$mine" | sort -n | tr '\n' ' ')"
hostpids=$(json 'print(" ".join(sorted(str(p["pid"]) for p in d["ps"]["container"])))' <<<"$out")
check_contains compare.ps-host-pid-of-init "$hostpids" "$target"
check_contains compare.ps-host-pid-of-sleep "$hostpids" "$sl"
out=$("$NSLAB" ps --pid "$target" 2>&1)
check_contains compare.ps-text-marks-container "$out" "= "
check_contains compare.ps-text-shows-nspid-1 "$out" "|     1 "

out=$("$NSLAB" mounts --pid "$target" --json 2>&1)
mine=$(json 'print("\n".join(sorted(m["target"] for m in d["mounts"]["container"])))' <<<"$out")
oracle=$(findmnt -N "$target" -r -n -o TARGET | sed 's/\\x20/ /g' | sort)
check_eq compare.mounts-vs-findmnt "$oracle" "$mine"
props=$(json 'print(" ".join(sorted(set(m["propagation"] for m in d["mounts"]["container"]))))' <<<"$out")
check_contains compare.mounts-propagation "$props" "private"

out=$("$NSLAB" links --pid "$target" --json 2>&1)
mine=$(json 'print(" ".join(l["name"] for l in d["links"]["container"]))' <<<"$out")
oracle=$(nsenter -t "$target" -n ip -j link | json 'print(" ".join(l["ifname"] for l in d))')
check_eq compare.links-vs-ip "$oracle" "$mine"
hostlinks=$(json 'print(" ".join(l["name"] for l in d["links"]["host"]))' <<<"$out")
check_eq compare.host-links-vs-ip "$(ip -j link | json 'print(" ".join(l["ifname"] for l in d))')" "$hostlinks"

out=$("$NSLAB" ns --pid "$target" --json 2>&1)
for kind in pid uts net mnt user ipc cgroup time; do
	nk=$kind; [ "$kind" = mnt ] && nk=mount
	want=$(stat -L -c %i "/proc/$target/ns/$kind")
	got=$(json "print(d['ns']['$nk']['container'])" <<<"$out")
	check_eq "compare.ns-$nk-vs-proc" "$want" "$got"
done
check_eq compare.ns-pid-own "False" "$(json 'print(d["ns"]["pid"]["shared"])' <<<"$out")"
check_eq compare.ns-user-shared "True" "$(json 'print(d["ns"]["user"]["shared"])' <<<"$out")"
check_eq compare.lsns-agrees "$(lsns -p "$target" -t uts -n -o NS | tr -d ' ')" "$(json 'print(d["ns"]["uts"]["container"])' <<<"$out")"

out=$("$NSLAB" ids --pid "$target" 2>&1)
check_contains compare.ids-hostname-inside "$out" "ux-target"
check_contains compare.ids-hostname-differs "$out" "! hostname"
check_eq compare.ids-vs-nsenter "$(nsenter -t "$target" -u hostname)" \
	"$("$NSLAB" ids --pid "$target" --json | json 'print(d["ids"]["container"]["hostname"])')"

out=$("$NSLAB" compare --pid "$target" --json 2>&1)
check_eq compare.all-parts "ids links mem mounts ns ps" "$(json 'print(" ".join(sorted(k for k in d if k != "target")))' <<<"$out")"

# Nested two PID namespaces deep: the outer target sees the inner sleep too.
marker2=$((7000000 + RANDOM))
unshare --pid --fork --mount-proc sh -c "unshare --pid --fork --mount-proc sleep $marker2" &
on_exit "kill -KILL $! 2>/dev/null; pkill -KILL -f 'sleep $marker2'"
for _ in $(seq 100); do
	inner=$(pgrep -x -f "sleep $marker2") && break
	sleep 0.05
done
outer_sh=$(ps -o ppid= -p "$(ps -o ppid= -p "$inner" | tr -d ' ')" | tr -d ' ')
outer=$(ps -o ppid= -p "$outer_sh" | tr -d ' ')
[ "$(ps -o comm= -p "$outer")" = "unshare" ] && outer=$outer_sh
out=$("$NSLAB" ps --pid "$outer" --json 2>&1)
check_contains compare.nested-inner-listed "$(json 'print(" ".join(str(p["pid"]) for p in d["ps"]["container"]))' <<<"$out")" "$inner"
nsp=$(awk '/^NSpid:/{print $3}' "/proc/$inner/status")
check_eq compare.nested-nspid-at-outer-level "$nsp" "$(json "print([p['nspid'] for p in d['ps']['container'] if p['pid']==$inner][0])" <<<"$out")"

# nslab's own container, in the REPL.
out=$("$NSLAB" -c "set pid mount uts net; hostname box; rootfs $ROOTFS; limit memory 64M; start sleep 100; ns; ids; mem; ps; compare --json" 2>&1)
check_contains compare.repl-ns-own-pid "$out" "! pid"
check_contains compare.repl-ids-hostname "$out" "box"
check_contains compare.repl-mem-limit "$out" "64 MiB"
check_contains compare.repl-ps-init "$out" "sleep 100"
out=$("$NSLAB" ps 2>&1)
check_contains compare.no-container-error "$out" "no running container"
out=$("$NSLAB" ps --pid 999999999 2>&1)
check_contains compare.bad-pid "$out" "--pid"
