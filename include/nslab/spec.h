/* The one model: everything a person sets about a container lives in struct spec. */
#ifndef NSLAB_SPEC_H
#define NSLAB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "nslab/error.h"

enum ns_kind {
	NS_PID,
	NS_USER,
	NS_UTS,
	NS_MOUNT,
	NS_NET,
	NS_IPC,
	NS_CGROUP,
	NS_TIME,
	NS_COUNT
};

struct ns_info {
	const char *name;	/* word used at the prompt: "pid" */
	const char *flag_name;	/* "CLONE_NEWPID" */
	unsigned long flag;	/* the clone flag value */
	const char *proc_name;	/* entry under /proc/PID/ns: "pid" */
	const char *summary;	/* one line: what it isolates */
};

extern const struct ns_info ns_table[NS_COUNT];
/* Look a namespace up by prompt word, /proc name or CLONE_NEW* name. -1 if unknown. */
int ns_lookup(const char *word);
#define NS_BIT(k) (1u << (k))
#define NS_ALL ((1u << NS_COUNT) - 1)

/* The kernel accepts at most 340 lines in uid_map/gid_map (since 4.15). */
#define IDMAP_MAX_LINES 340

struct idmap_line {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

struct idmap {
	struct idmap_line lines[IDMAP_MAX_LINES];
	size_t n;
};

enum setgroups_policy {
	SETGROUPS_AUTO,	 /* deny when a gid map is written without privilege */
	SETGROUPS_DENY,
	SETGROUPS_ALLOW,
};

enum enter_mode {
	ENTER_PIVOT_ROOT,
	ENTER_CHROOT,
};

enum mount_kind {
	MOUNT_PROC,
	MOUNT_TMPFS,
	MOUNT_SYSFS,
	MOUNT_DEV,	/* a tmpfs with the host's null, zero, random... bound in, and devpts */
	MOUNT_KIND_COUNT
};

extern const char *const mount_kind_names[MOUNT_KIND_COUNT];

struct spec_mount {
	enum mount_kind kind;
	char *target;	/* absolute path inside the container */
	char *options;	/* data string for mount(2), may be NULL */
};

#define SPEC_MAX_MOUNTS 32
#define SPEC_MAX_ENV 128
#define SPEC_MAX_LAYERS 32

/* Resource limits, applied through a per-container cgroup. 0: no limit. */
struct spec_limits {
	long long memory;	/* bytes */
	long long pids;
	int cpu_percent;	/* of one CPU */
};

#define SPEC_TRACE_CALLS 1024

struct spec {
	unsigned ns_mask;	/* NS_BIT(kind) for each namespace to create */
	struct idmap uidmap;
	struct idmap gidmap;
	enum setgroups_policy setgroups;
	char *hostname;
	char *domainname;
	char *rootfs;		/* NULL: the host's root; else a directory */
	enum enter_mode enter;
	struct spec_mount mounts[SPEC_MAX_MOUNTS];
	size_t n_mounts;
	char *env[SPEC_MAX_ENV]; /* "K=V" strings */
	size_t n_env;
	long long time_offset_monotonic; /* seconds, applied with a time namespace */
	long long time_offset_boottime;
	bool overlay;		/* the rootfs is the lowest layer of an overlay */
	char *layers[SPEC_MAX_LAYERS]; /* read-only layers above the rootfs, topmost first */
	size_t n_layers;
	struct spec_limits limits;
	bool net_lo;		/* bring loopback up inside a new network namespace */
	bool net_veth;		/* a veth pair: nsl-ID on the host, eth0 inside */
	char net_host[20];	/* "10.213.0.1/30"; "" until picked at launch */
	char net_inside[20];
	char net_bridge[16];	/* plug the host end into this bridge; "" for a point-to-point /30 */
	bool trace_child;	/* trace what runs inside with ptrace, from its first execve */
	unsigned trace_classes;	/* which calls: enum syscall_class bits (syscalls.h) */
	unsigned char trace_calls[SPEC_TRACE_CALLS / 8]; /* and calls named one by one: a bit a number */
};

void spec_init(struct spec *s);
void spec_free(struct spec *s);
/* Deep copy; dst must be uninitialised or freed. */
void spec_copy(struct spec *dst, const struct spec *src);

int spec_set_hostname(struct spec *s, const char *name, struct nslab_error *e);
int spec_set_domainname(struct spec *s, const char *name, struct nslab_error *e);
int spec_set_rootfs(struct spec *s, const char *dir, struct nslab_error *e);
int spec_add_mount(struct spec *s, enum mount_kind kind, const char *target, const char *options,
		   struct nslab_error *e);
int spec_set_env(struct spec *s, const char *kv, struct nslab_error *e);
/* Stack a read-only layer above the others (it becomes the topmost). */
int spec_add_layer(struct spec *s, const char *dir, struct nslab_error *e);
void spec_clear_layers(struct spec *s);
bool spec_has_limits(const struct spec *s);
/* The trace filter as words: "namespace mount process identity mount". */
void spec_trace_filter_words(const struct spec *s, char *buf, size_t size);
/* Is call nr in the trace filter (its classes, or named)? */
bool spec_traces_call(const struct spec *s, long nr);

/* Map uid and gid 0 inside to the caller's ids outside (unshare --map-root-user). */
void spec_map_root(struct spec *s, uid_t uid, gid_t gid);

/* Static checks that need no privilege: flags the settings need, maps, paths.
 * `euid` is the caller's effective uid, to know what rootless allows. */
int spec_validate(const struct spec *s, uid_t euid, struct nslab_error *e);

/* Short words of the set flags, space separated: "pid uts". */
void spec_flags_words(const struct spec *s, char *buf, size_t size);
/* CLONE_NEW* names joined with '|': "CLONE_NEWPID|CLONE_NEWUTS". */
void spec_flags_names(unsigned long flags, char *buf, size_t size);
/* The clone flags the spec asks for (CLONE_NEWTIME included). */
unsigned long spec_clone_flags(const struct spec *s);

/* Human-readable description of the whole spec, one setting a line. */
void spec_describe(const struct spec *s, FILE *out);

#endif
