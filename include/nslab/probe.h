/* Probes: what a target process (a container's init, or any pid on the
 * machine) sees, next to what nslab itself sees. Probes fill plain structs;
 * text, JSON and the ncurses panels render the same structs. No drawing and
 * no printing here. A process that vanishes mid-read (ENOENT, ESRCH) is
 * normal, never an error. */
#ifndef NSLAB_PROBE_H
#define NSLAB_PROBE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "nslab/error.h"
#include "nslab/idmap.h"
#include "nslab/spec.h"

/* ==== namespaces and identity (probe_ids.c) ==== */

struct ns_view {
	unsigned long long ino[NS_COUNT];	/* /proc/PID/ns/NAME inode; 0 if missing */
	unsigned long long owner[NS_COUNT];	/* inode of the owning user namespace (ioctl NS_GET_USERNS); 0 if unknown */
};

struct id_view {
	pid_t pid;			/* 0: nslab itself */
	char hostname[65];
	char domainname[65];
	struct idmap uidmap, gidmap;	/* as /proc/PID/uid_map shows them */
	char setgroups[8];		/* "allow", "deny", or "" */
	uint64_t cap_eff, cap_prm, cap_bnd;
	char cap_eff_names[1024];	/* "cap_chown,cap_kill,..." or "all" or "none" */
	struct ns_view ns;
	long long offset_monotonic, offset_boottime;	/* seconds, from timens_offsets */
	double uptime;			/* seconds as this side sees CLOCK_BOOTTIME */
	uid_t uid, euid;		/* as nslab sees them (outside) */
};

/* Read identity of pid (0: nslab itself). The hostname of another UTS
 * namespace is read through it (setns in a short-lived helper thread), not
 * guessed. */
int probe_ids_read(pid_t pid, struct id_view *v, struct nslab_error *e);

/* Pure helpers, for tests. */
/* Decode a capability mask into names with libcap: "all" when every cap the
 * kernel knows is set, "none" when empty. */
void probe_caps_names(uint64_t mask, char *buf, size_t size);
/* Parse /proc/PID/timens_offsets ("monotonic 0 0\nboottime 86400 0\n"). */
int probe_parse_timens(const char *text, long long *monotonic, long long *boottime);

/* ==== processes (probe_proc.c) ==== */

struct proc_info {
	pid_t pid;		/* as nslab sees it */
	pid_t ppid;
	pid_t nspid;		/* pid inside the target's PID namespace; 0 if outside it */
	pid_t ns_ppid;		/* parent inside; 0 when the parent is outside (its init) */
	uid_t uid;		/* real uid outside */
	long long uid_inside;	/* as the target's user namespace sees it; -1 unmapped */
	char state;		/* R S D Z T I ... */
	long long rss_kb;
	unsigned long long start;	/* start time in ticks since boot: tells a reused pid */
	unsigned long long pidns;	/* inode of its PID namespace */
	bool in_target;		/* in the target's PID namespace or one nested below it */
	char comm[32];
	char cmdline[160];	/* argv joined by spaces; "[comm]" for kernel threads */
	/* table bookkeeping for "new" and "vanished" marks */
	unsigned born;		/* generation it first appeared */
	unsigned seen;		/* last generation it was seen */
	bool gone;		/* vanished; kept PROC_KEEP_GONE generations */
};

#define PROC_KEEP_GONE 3

/* A table keyed by pid, refreshed in place: no allocation per refresh in the
 * steady state. Known processes are not re-read in full; a process never
 * changes PID namespace, so membership is decided once per (pid, start). */
struct proc_table {
	struct proc_info *v;
	size_t n, cap;
	unsigned generation;
	pid_t target;			/* 0: no target (host only) */
	unsigned long long target_start;
	unsigned long long target_pidns;
	struct idmap target_uidmap;
	bool target_gone;
	void *priv;			/* caches: PID namespace ancestry */
};

void proc_table_init(struct proc_table *t, pid_t target);
void proc_table_free(struct proc_table *t);

enum proc_refresh {
	PROC_REFRESH_ALL,	/* re-read state, RSS, cmdline of every process (text commands) */
	PROC_REFRESH_TARGET,	/* only processes in the target in full; host rows keep what they had */
};

/* Scan /proc once: add new pids (read whole), update known ones per mode,
 * mark vanished ones gone (kept a few generations, then dropped). */
int proc_table_refresh(struct proc_table *t, enum proc_refresh mode, struct nslab_error *e);
/* Re-read state and RSS of one known process (a visible row). */
void proc_table_update(struct proc_table *t, struct proc_info *p);
/* The entry for pid, or NULL. */
struct proc_info *proc_table_find(struct proc_table *t, pid_t pid);
/* Sort by pid (host) or nspid (inside). */
void proc_table_sort(struct proc_table *t, bool by_nspid);

/* Pure parsers, for tests. */
struct proc_status {
	char name[32];
	char state;
	pid_t ppid;
	uid_t uid;
	pid_t nspid[8];		/* the NSpid line, outermost first */
	int n_nspid;		/* 0 when the kernel has no NSpid line (before 4.1) */
	long long rss_kb;	/* VmRSS; -1 for kernel threads */
};
int proc_parse_status(const char *text, struct proc_status *st);
/* /proc/PID/stat: state, ppid, start time, RSS pages; copes with ") " in comm. */
int proc_parse_stat(const char *text, char *state, pid_t *ppid, unsigned long long *start, long long *rss_pages);

/* ==== mounts (probe_mounts.c) ==== */

enum mount_propagation {
	PROP_PRIVATE,
	PROP_SHARED,
	PROP_SLAVE,
	PROP_SHARED_SLAVE,
	PROP_UNBINDABLE,
};

struct mount_info {
	int id, parent;
	unsigned major, minor;
	char root[256];		/* root of the mount within its file system */
	char target[512];	/* mount point, unescaped (\040 -> ' ') */
	char fstype[32];
	char source[256];
	char options[256];	/* per-mount options */
	char super[256];	/* super block options */
	int propagation;	/* enum mount_propagation */
	int peer;		/* shared:N, 0 if none */
	int master;		/* master:N, 0 if none */
};

struct mount_list {
	struct mount_info *v;
	size_t n, cap;
};

/* Read /proc/PID/mountinfo (0: nslab's own). */
int probe_mounts_read(pid_t pid, struct mount_list *l, struct nslab_error *e);
void mount_list_free(struct mount_list *l);
/* Pure: parse mountinfo text (appends to l); lines that do not parse are skipped, a truncated last line too. */
int probe_mounts_parse(const char *text, struct mount_list *l);
/* The same, one line at a time into fn, with nothing kept (a 1.6 KB entry a
 * mount adds up: a caller that only looks needs no list). */
int probe_mounts_each(const char *text, void (*fn)(const struct mount_info *m, void *data), void *data);
/* The same file system on both sides: one device (major:minor names the
 * superblock, so a new proc or tmpfs inside is another one), same source and
 * propagation. */
bool mount_info_same(const struct mount_info *a, const struct mount_info *b);
const char *mount_propagation_name(int p);

/* ==== network links (probe_links.c, rtnetlink through netlink.c) ==== */

#define LINK_MAX_ADDRS 8

struct link_addr {
	int family;		/* AF_INET, AF_INET6 */
	char text[64];		/* "10.0.0.1/30" */
};

struct link_info {
	int index;
	char name[32];
	char kind[16];		/* "veth", "bridge", "" */
	char state[16];		/* operstate: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ... */
	bool up;		/* IFF_UP */
	char mac[24];
	unsigned mtu;
	int peer_index;		/* IFLA_LINK: a veth's peer ifindex (in the peer's namespace); 0 if none */
	int peer_netnsid;	/* IFLA_LINK_NETNSID; -1 if none */
	int master;		/* IFLA_MASTER: the bridge's ifindex; 0 if none */
	struct link_addr addrs[LINK_MAX_ADDRS];
	int n_addrs;
	unsigned long long netns;	/* the namespace's inode, 0 when unknown */
};

struct link_list {
	struct link_info *v;
	size_t n, cap;
};

/* Dump links and addresses as the network namespace of pid sees them (0:
 * nslab's own); another namespace is entered by a short-lived helper thread
 * (setns(CLONE_NEWNET) is per thread), so nslab itself never moves. */
int probe_links_read(pid_t pid, struct link_list *l, struct nslab_error *e);
void link_list_free(struct link_list *l);
/* One device seen from both sides? Two namespaces never share a device,
 * whatever the names and indexes say (every new namespace has its own lo #1). */
bool link_info_same(const struct link_info *a, const struct link_info *b);
/* Pure: parse one RTM_NEWLINK / RTM_NEWADDR message (for tests with built messages). */
int probe_links_parse_link(const void *nlh, struct link_list *l);
int probe_links_parse_addr(const void *nlh, struct link_list *l);

/* ==== memory (probe_mem.c) ==== */

struct meminfo {
	long long total_kb, free_kb, available_kb, buffers_kb, cached_kb, swap_total_kb, swap_free_kb;
};

/* Pure: parse /proc/meminfo text; missing keys stay -1. */
int probe_parse_meminfo(const char *text, struct meminfo *m);
int probe_meminfo_read(struct meminfo *m, struct nslab_error *e);

#endif
