#!/usr/bin/env bash
# Integration test: real cgroups through libnslab-core (a small driver built
# here): limits land in the kernel's files, a child joins, a memory limit
# OOM-kills, a pids limit stops fork, a cpu limit throttles; nothing is left.
# util-linux findmnt and the kernel's own files are the oracles.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

if ! is_root; then
	skip cgroup "needs root to create cgroups"
	t_done
	exit 0
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
CG=/sys/fs/cgroup
TAG=test-$$

# The core library next to the nslab under test (build/san for SANITIZE=1).
lib=$(dirname "$NSLAB")/libnslab-core.a
[ -f "$lib" ] || lib=$top/build/obj/libnslab-core.a
san=()
[[ $lib == */build/san/* ]] && san=("-fsanitize=address,undefined")
if [ ! -f "$lib" ]; then
	skip cgroup "no $lib: run make first"
	t_done
	exit 0
fi

tmp=""
t_tmpdir tmp
DRV=$tmp/cgdrive
cat >"$tmp/cgdrive.c" <<'EOF'
/* cgdrive: run one command in a fresh nslab cgroup and report what the library reads back. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nslab/cgroup.h"
#include "nslab/size.h"
#include "nslab/sys.h"

static int die(const struct nslab_error *e)
{
	printf("error=%s\n", e->msg);
	return 1;
}

/* fork until the kernel says no, holding every child; report how far it got. */
static int forkloop(int n)
{
	pid_t kids[64];
	int got = 0, err = 0;
	for (; got < n && got < 64; got++) {
		pid_t p = fork();
		if (p < 0) {
			err = errno;
			break;
		}
		if (p == 0) {
			pause();
			_exit(0);
		}
		kids[got] = p;
	}
	printf("forks=%d errno=%s\n", got, err ? strerrorname_np(err) : "none");
	for (int i = 0; i < got; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}

static int spin(long ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (volatile unsigned long x = 0;; x++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= ms)
			return 0;
	}
}

static void print_stats(const struct cgroup *cg)
{
	struct cgroup_stats st;
	if (cgroup_read_stats(cg, &st) < 0) {
		printf("stats=none\n");
		return;
	}
	printf("stat.mem_current=%lld\nstat.mem_peak=%lld\nstat.mem_limit=%lld\nstat.mem_failcnt=%lld\n"
	       "stat.oom=%lld\nstat.oom_kill=%lld\nstat.pids_current=%lld\nstat.pids_max=%lld\n"
	       "stat.cpu_usage_ns=%lld\nstat.cpu_periods=%lld\nstat.cpu_throttled=%lld\n"
	       "stat.cpu_quota_us=%lld\nstat.cpu_period_us=%lld\n",
	       st.mem_current, st.mem_peak, st.mem_limit, st.mem_failcnt, st.oom, st.oom_kill, st.pids_current,
	       st.pids_max, st.cpu_usage_ns, st.cpu_periods, st.cpu_throttled, st.cpu_quota_us, st.cpu_period_us);
	cgroup_stats_print(&st, stdout);
}

/* cgdrive run ID MEMORY PIDS CPU% CMD...: 0 means no such limit. */
static int run(char **argv)
{
	static struct cgroup_system cs;
	static struct cgroup cg;
	struct nslab_error e = {0};
	struct cgroup_limits l = {0};
	struct trace t;
	int sync[2], status;

	trace_init(&t);
	if (size_parse(argv[1], true, &l.memory, &e) < 0 || cgroup_detect(&cs, &e) < 0)
		return die(&e);
	l.pids = atoll(argv[2]);
	l.cpu_percent = atoi(argv[3]);
	if (cgroup_create(&cs, argv[0], &l, &t, &cg, &e) < 0)
		return die(&e);
	for (int c = 0; c < CG_COUNT; c++)
		printf("dir.%d=%s\n", c, cg.dir[c]);
	if (pipe(sync) < 0)
		return 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		close(sync[1]);
		if (read(sync[0], &b, 1) != 1)
			_exit(126);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	close(sync[0]);
	if (pid > 0 && cg.dir_fd >= 0 && getenv("CGDRIVE_CLONE_INTO")) {
		/* v2: born inside the cgroup instead; the forked one is not needed. */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = sys_traced_clone(&t, 0, cg.dir_fd, "clone3 straight into the cgroup");
		if (pid == 0) {
			execvp(argv[4], argv + 4);
			_exit(127);
		}
	} else if (cgroup_add_pid(&cg, pid, &t, &e) < 0) {
		kill(pid, SIGKILL);
		printf("error=%s\n", e.msg);
	}
	printf("child=%d\n", (int)pid);
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN); /* the forked child is gone when clone3 replaced it */
	(void)!write(sync[1], "x", 1);
	close(sync[1]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("signal=%d\n", WTERMSIG(status));
	else
		printf("exit=%d\n", WEXITSTATUS(status));
	print_stats(&cg);
	int r = cgroup_destroy(&cg, true, &t, &e);
	printf("destroy=%s\n", r < 0 ? e.msg : "ok");
	trace_print(&t, stdout);
	trace_free(&t);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 7 && strcmp(argv[1], "run") == 0)
		return run(argv + 2);
	if (argc == 3 && strcmp(argv[1], "forkloop") == 0)
		return forkloop(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "spin") == 0)
		return spin(atol(argv[2]));
	if (argc == 2 && strcmp(argv[1], "info") == 0) {
		static struct cgroup_system cs;
		struct nslab_error e = {0};
		int r = cgroup_detect(&cs, &e);
		printf("version=%d\nfake=%d\n", r < 0 ? 0 : cs.version, (int)cs.fake);
		cgroup_info_print(&cs, stdout);
		return r < 0 ? die(&e) : 0;
	}
	fprintf(stderr, "usage: cgdrive run ID MEM PIDS CPU CMD... | forkloop N | spin MS | info\n");
	return 2;
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
if ! gcc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror "${san[@]}" -I"$top/include" -o "$DRV" "$tmp/cgdrive.c" \
	"$lib" $(pkg-config --libs json-c libcap libarchive readline ncursesw) 2>"$tmp/cc.err"; then
	fail cgroup.driver-builds "$(head -c 2000 "$tmp/cc.err")"
	t_done
	exit 1
fi

# ---- cleanup: every test-$$ cgroup and its processes, whatever happened

nslab_dirs_before=$(find "$CG" -maxdepth 3 -type d -name nslab 2>/dev/null | sort)
cleanup_cgroups() {
	local d p i
	for i in 1 2 3; do
		while read -r d; do
			[ -n "$d" ] || continue
			while read -r p; do kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs" 2>/dev/null
			rmdir "$d" 2>/dev/null
		done < <(find "$CG" -maxdepth 4 -type d -path "*/nslab/$TAG-*" 2>/dev/null)
		sleep 0.1
	done
	while read -r d; do
		grep -qxF "$d" <<<"$nslab_dirs_before" || rmdir "$d" 2>/dev/null
	done < <(find "$CG" -maxdepth 3 -type d -name nslab 2>/dev/null)
}
on_exit cleanup_cgroups

left_dirs() { find "$CG" -maxdepth 4 -type d -path "*/nslab/$TAG-*" 2>/dev/null; }

# ---- oracles: where a controller lives, independent of the library

# v1: the mount point of the hierarchy whose options name controller $1.
v1_mount() {
	findmnt -rn -t cgroup -o TARGET,FS-OPTIONS | awk -v c="$1" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $1; exit } }'
}

# knob_path VERSION CONTROLLER ID FILE
knob_path() {
	if [ "$1" = 1 ]; then
		echo "$(v1_mount "$2")/nslab/$3/$4"
	else
		echo "$V2ROOT/nslab/$3/$4"
	fi
}

# The line of /proc/PID/cgroup for controller $2 ("" for the v2 line).
proc_cgroup_path() {
	if [ -z "$2" ]; then
		sed -n 's/^0:://p' "/proc/$1/cgroup"
	else
		awk -F: -v c="$2" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $3 }' "/proc/$1/cgroup"
	fi
}

val() { sed -n "s/^$1=//p" <<<"$2" | head -n 1; }

wait_line() { # wait_line FILE PREFIX: up to 10 s
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q "^$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# ---- the checks, for one cgroup version ($1 = 1 or 2, $2 = label; env picks the hierarchy)

check_hold() {
	local v=$1 L=$2 id=$TAG-$2-hold out child
	out=$tmp/hold-$L.out
	"$DRV" run "$id" 64M 20 50 sleep 60 >"$out" 2>&1 &
	local drv=$!
	on_exit "kill -9 $drv"
	if ! wait_line "$out" child=; then
		fail "$L.hold.started" "$(head -c 1500 "$out")"
		return
	fi
	child=$(val child "$(cat "$out")")
	if [ "$v" = 1 ]; then
		check_eq "$L.memory.limit_in_bytes" 67108864 "$(cat "$(knob_path 1 memory "$id" memory.limit_in_bytes)")"
		local memsw
		memsw=$(knob_path 1 memory "$id" memory.memsw.limit_in_bytes)
		if [ -e "$memsw" ]; then
			check_eq "$L.memory.memsw.limit_in_bytes" 67108864 "$(cat "$memsw")"
		else
			skip "$L.memory.memsw.limit_in_bytes" "no swap accounting on this kernel"
		fi
		check_eq "$L.memory.swappiness" 0 "$(cat "$(knob_path 1 memory "$id" memory.swappiness)")"
		check_eq "$L.oom_kill_disable" 0 "$(awk '$1 == "oom_kill_disable" { print $2 }' "$(knob_path 1 memory "$id" memory.oom_control)")"
		check_eq "$L.pids.max" 20 "$(cat "$(knob_path 1 pids "$id" pids.max)")"
		check_eq "$L.cpu.cfs_period_us" 100000 "$(cat "$(knob_path 1 cpu "$id" cpu.cfs_period_us)")"
		check_eq "$L.cpu.cfs_quota_us" 50000 "$(cat "$(knob_path 1 cpu "$id" cpu.cfs_quota_us)")"
		local c
		for c in memory pids cpu cpuacct; do
			check_eq "$L.proc-cgroup.$c" "/nslab/$id" "$(proc_cgroup_path "$child" "$c")"
		done
	else
		check_eq "$L.memory.max" 67108864 "$(cat "$(knob_path 2 memory "$id" memory.max)")"
		check_eq "$L.pids.max" 20 "$(cat "$(knob_path 2 pids "$id" pids.max)")"
		check_eq "$L.cpu.max" "50000 100000" "$(cat "$(knob_path 2 cpu "$id" cpu.max)")"
		check_eq "$L.proc-cgroup" "/nslab/$id" "$(proc_cgroup_path "$child" "")"
	fi
	# A cgroup made inside the container's one: destroy must take it too.
	local inner
	inner=$(dirname "$(knob_path "$v" memory "$id" cgroup.procs)")/inner
	mkdir "$inner" && echo "$child" >"$inner/cgroup.procs"
	check_eq "$L.hold.nested" "/nslab/$id/inner" "$(proc_cgroup_path "$child" "$([ "$v" = 1 ] && echo memory)")"
	kill "$child"
	wait "$drv"
	local res
	res=$(cat "$out")
	check_eq "$L.hold.child-ended-by-SIGTERM" 15 "$(val signal "$res")"
	check_eq "$L.hold.stats-limit" 67108864 "$(val stat.mem_limit "$res")"
	check_eq "$L.hold.stats-pids-max" 20 "$(val stat.pids_max "$res")"
	check_eq "$L.hold.stats-cpu-quota" 50000 "$(val stat.cpu_quota_us "$res")"
	check_eq "$L.hold.destroyed" ok "$(val destroy "$res")"
	check_contains "$L.hold.trace-shows-writes" "$res" "write cgroup.procs"
	check_eq "$L.hold.no-dirs-left" "" "$(left_dirs)"
}

check_oom() {
	local L=$2 id=$TAG-$2-oom res hungry=$ROOTFS/usr/bin/hungry
	if [ ! -x "$hungry" ]; then
		skip "$L.oom" "no $hungry (make rootfs)"
		return
	fi
	res=$(timeout 60 "$DRV" run "$id" 32M 0 0 /bin/sh -c "exec $hungry 200 10 0" 2>&1)
	check_eq "$L.oom.killed-by-SIGKILL" 9 "$(val signal "$res")"
	check_contains "$L.oom.got-going" "$res" "hungry: 10 MiB allocated"
	check_not_contains "$L.oom.did-not-finish" "$res" "hungry: done"
	local kills
	kills=$(val stat.oom_kill "$res")
	if [ "${kills:-0}" -ge 1 ] 2>/dev/null; then pass "$L.oom.oom_kill-counted"; else fail "$L.oom.oom_kill-counted" "oom_kill=$kills: $(head -c 1500 <<<"$res")"; fi
	local peak
	peak=$(val stat.mem_peak "$res")
	if [ "${peak:-0}" -gt 0 ] && [ "$peak" -le 33554432 ]; then pass "$L.oom.peak-within-limit"; else fail "$L.oom.peak-within-limit" "peak=$peak"; fi
	check_eq "$L.oom.destroyed" ok "$(val destroy "$res")"
	check_eq "$L.oom.no-dirs-left" "" "$(left_dirs)"
}

check_pids() {
	local L=$2 id=$TAG-$2-pids res
	res=$(timeout 60 "$DRV" run "$id" 0 5 0 "$DRV" forkloop 10 2>&1)
	check_eq "$L.pids.fork-stops-at-limit" "forks=4 errno=EAGAIN" "$(grep '^forks=' <<<"$res")"
	check_eq "$L.pids.destroyed" ok "$(val destroy "$res")"
	check_eq "$L.pids.no-dirs-left" "" "$(left_dirs)"
}

check_cpu() {
	local L=$2 id=$TAG-$2-cpu res
	res=$(timeout 60 "$DRV" run "$id" 0 0 20 "$DRV" spin 1000 2>&1)
	check_eq "$L.cpu.spin-exited" 0 "$(val exit "$res")"
	local thr used
	thr=$(val stat.cpu_throttled "$res")
	used=$(val stat.cpu_usage_ns "$res")
	if [ "${thr:-0}" -ge 1 ] 2>/dev/null; then pass "$L.cpu.throttled"; else fail "$L.cpu.throttled" "nr_throttled=$thr: $(head -c 1500 <<<"$res")"; fi
	# 20% of a CPU for 1 s is 0.2 s; unthrottled it would be about 1 s.
	if [ -n "$used" ] && [ "$used" -gt 0 ] && [ "$used" -lt 500000000 ]; then pass "$L.cpu.usage-held-down"; else fail "$L.cpu.usage-held-down" "usage_ns=$used"; fi
	check_eq "$L.cpu.destroyed" ok "$(val destroy "$res")"
	check_eq "$L.cpu.no-dirs-left" "" "$(left_dirs)"
}

# A process left behind in the cgroup (the shell exits, its sleep stays) is
# SIGKILLed by cgroup_destroy so the dir can go.
check_leftover() {
	local L=$2 id=$TAG-$2-left res
	res=$(timeout 60 "$DRV" run "$id" "${LEFT_MEM:-16M}" 0 0 /bin/sh -c 'sleep 60 & echo bg=$!' 2>&1)
	check_eq "$L.leftover.shell-exited" 0 "$(val exit "$res")"
	check_contains "$L.leftover.killed" "$res" "SIGKILL"
	check_eq "$L.leftover.destroyed" ok "$(val destroy "$res")"
	local bg
	bg=$(val bg "$res")
	sleep 0.1
	# Killed is enough: reaping it is its new parent's business (a zombie is gone from the cgroup).
	if [ -n "$bg" ] && { [ ! -e "/proc/$bg" ] || [ "$(awk '{ print $3 }' "/proc/$bg/stat" 2>/dev/null)" = Z ]; }; then pass "$L.leftover.sleep-gone"; else fail "$L.leftover.sleep-gone" "pid $bg"; kill -9 "$bg" 2>/dev/null; fi
	check_eq "$L.leftover.no-dirs-left" "" "$(left_dirs)"
}

exercise() {
	check_hold "$@"
	check_leftover "$@"
	check_oom "$@"
	check_pids "$@"
	check_cpu "$@"
}

# A cgroup2 without memory, pids or cpu (the hybrid's unified): a cgroup with
# no limits still works, clone3 can start a child inside it, and a limit says why not.
check_v2_bare() {
	local L=$2 id=$TAG-$2-hold out res child
	out=$tmp/bare.out
	CGDRIVE_CLONE_INTO=1 "$DRV" run "$id" 0 0 0 sleep 60 >"$out" 2>&1 &
	local drv=$!
	on_exit "kill -9 $drv"
	if ! wait_line "$out" child=; then
		fail "$L.started" "$(head -c 1500 "$out")"
		return
	fi
	child=$(val child "$(cat "$out")")
	check_eq "$L.proc-cgroup" "/nslab/$id" "$(proc_cgroup_path "$child" "")"
	check_eq "$L.cgroup.procs" "$child" "$(cat "$V2ROOT/nslab/$id/cgroup.procs")"
	kill "$child"
	wait "$drv"
	res=$(cat "$out")
	check_contains "$L.clone-into-cgroup" "$res" "CLONE_INTO_CGROUP"
	check_eq "$L.destroyed" ok "$(val destroy "$res")"
	LEFT_MEM=0 check_leftover 2 "$L"
	res=$("$DRV" run "$TAG-$L-mem" 32M 0 0 true 2>&1)
	check_contains "$L.memory-limit-refused" "$(val error "$res")" "cgroup.controllers does not list it"
	check_eq "$L.no-dirs-left" "" "$(left_dirs)"
}

# ---- which versions this machine has

info=$("$DRV" info 2>&1)
version=$(val version "$info")
if [ "$(stat -fc %T "$CG")" = cgroup2fs ]; then
	expect=2
elif [ -n "$(v1_mount memory)$(v1_mount pids)$(v1_mount cpu)" ]; then
	expect=1
else
	expect=2
fi
check_eq cgroup.detected-version "$expect" "$version"
check_eq cgroup.not-fake 0 "$(val fake "$info")"
check_contains cgroup.info-names-v1 "$info" "memory.limit_in_bytes"
check_contains cgroup.info-names-v2 "$info" "memory.max"
check_contains cgroup.info-marks-use "$info" "v$version *"

if [ "$version" = 1 ]; then
	exercise 1 v1
	# A hybrid machine may still have a usable cgroup2 beside the v1 hierarchies.
	u=$CG/unified
	ctl=$(cat "$u/cgroup.controllers" 2>/dev/null)
	if [ "$(stat -fc %T "$u" 2>/dev/null)" = cgroup2fs ] && [[ " $ctl " == *" memory "* && " $ctl " == *" pids "* && " $ctl " == *" cpu "* ]]; then
		V2ROOT=$u NSLAB_CGROUP_ROOT=$u NSLAB_CGROUP_VERSION=2 exercise 2 v2
	elif [ "$(stat -fc %T "$u" 2>/dev/null)" = cgroup2fs ]; then
		skip v2 "no cgroup2 hierarchy with memory, pids and cpu here (${u} offers: ${ctl:-nothing}); only its bare cgroups are tested"
		V2ROOT=$u NSLAB_CGROUP_ROOT=$u NSLAB_CGROUP_VERSION=2 check_v2_bare 2 v2bare
	else
		skip v2 "no cgroup2 hierarchy here"
	fi
elif [ "$version" = 2 ]; then
	skip v1 "this machine is cgroup v2 only"
	V2ROOT=$CG exercise 2 v2
else
	fail cgroup.detect "$info"
fi

check_eq cgroup.nothing-left "" "$(left_dirs)"
nslab_dirs_after=$(find "$CG" -maxdepth 3 -type d -name nslab 2>/dev/null | sort)
check_eq cgroup.nslab-parents-removed "$nslab_dirs_before" "$nslab_dirs_after"
t_done
