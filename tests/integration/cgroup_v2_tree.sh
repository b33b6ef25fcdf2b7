#!/usr/bin/env bash
# The cgroup v2 path of the launcher, end to end, against a directory tree
# laid out like a v2 hierarchy (this machine's real cgroups are v1; where a
# v2 hierarchy with controllers exists, limits.sh runs on it for real).
source "$(dirname "$0")/../lib.sh"
if ! is_root; then
	skip cgroup-v2-tree "needs root for the namespaces of the launch"
	exit 0
fi
t_tmpdir fake
echo "cpuset cpu io memory hugetlb pids rdma" >"$fake/cgroup.controllers"
: >"$fake/cgroup.subtree_control"
export NSLAB_CGROUP_ROOT=$fake NSLAB_CGROUP_VERSION=2

out=$("$NSLAB" -c "limit memory 64M; limit cpu 50%; limit pids 9; set pid; start sleep 30;
	exec /bin/sh -c 'for f in memory.max cpu.max pids.max cgroup.procs; do echo \$f=\$(cat $fake/nslab/*/\$f | tr \"\\n\" \" \"); done';
	trace; stop; cgroup info" 2>&1)
check_contains v2.root-subtree-control "$(cat "$fake/cgroup.subtree_control")" "+memory"
check_contains v2.trace-enables-controllers "$out" "write cgroup.subtree_control(\"$fake/cgroup.subtree_control\", \"+memory +pids +cpu\")"
check_contains v2.nslab-subtree-control "$out" "write cgroup.subtree_control(\"$fake/nslab/cgroup.subtree_control\""
check_contains v2.memory-max "$out" "memory.max=67108864"
check_contains v2.cpu-max "$out" "cpu.max=50000 100000"
check_contains v2.pids-max "$out" "pids.max=9"
check_contains v2.clone-into-cgroup-tried "$out" "CLONE_INTO_CGROUP"
# A plain directory is no cgroup: clone3 refuses the fd and the parent moves the child.
check_contains v2.falls-back-to-cgroup-procs "$out" "write cgroup.procs(\"$fake/nslab/"
# Both the init and exec's helper are moved in (a plain file keeps only the last write).
check_eq v2.init-and-exec-moved-in "2" "$(grep -c "write cgroup.procs(\"$fake/nslab/" <<<"$out")"
check_contains v2.info-marks-v2 "$out" "cgroup version: 2"
check_eq v2.leaf-removed "" "$(ls "$fake/nslab" 2>/dev/null)"
