/* The plan: a spec turned into the ordered steps the launcher will take.
 * Building it needs no privilege; `show --plan` prints it; the launcher runs it. */
#ifndef NSLAB_PLAN_H
#define NSLAB_PLAN_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>
#include "nslab/spec.h"

enum step_kind {
	STEP_CGROUP_CREATE,	/* parent: nslab/ID with the limits, before the child exists */
	STEP_OVERLAY_DIRS,	/* parent: upper, work and merged dirs in the state dir */
	STEP_CLONE,		/* parent: clone3 with the namespace flags */
	STEP_CGROUP_ADD,	/* parent: the child into its cgroup, unless clone3 did it */
	STEP_VETH_ADD,		/* parent: veth pair, the peer into the child's netns as eth0 */
	STEP_HOST_ADDR,		/* parent: the host end's address, and up */
	STEP_TRACE_ATTACH,	/* parent: the tracer seizes the child (ptrace), before it goes on */
	STEP_WRITE_SETGROUPS,	/* parent: /proc/PID/setgroups */
	STEP_WRITE_UID_MAP,	/* parent: /proc/PID/uid_map */
	STEP_WRITE_GID_MAP,	/* parent: /proc/PID/gid_map */
	STEP_RELEASE,		/* parent: let the waiting child go on */
	STEP_UNSHARE_CGROUP,	/* child: its cgroup namespace, once it is in nslab/ID */
	STEP_UNSHARE_TIME,	/* child: a time namespace for what it execs */
	STEP_WRITE_TIMENS,	/* child: /proc/self/timens_offsets */
	STEP_ENTER_TIME,	/* child: setns into the time namespace it made */
	STEP_MAKE_PRIVATE,	/* child: mount --make-rprivate / */
	STEP_SETHOSTNAME,
	STEP_SETDOMAINNAME,
	STEP_NET_LO,		/* child: loopback up in its new network namespace */
	STEP_ETH0,		/* child: eth0's address, up, default route via the host end */
	STEP_MOUNT_OVERLAY,	/* child: overlay of layers + rootfs on the merged dir */
	STEP_BIND_ROOT,		/* child: bind the rootfs on itself (a mount point for pivot_root) */
	STEP_CHDIR_ROOT,	/* child: chdir into the rootfs */
	STEP_PIVOT_ROOT,	/* child: pivot_root(".", "."): the old root stacks on top */
	STEP_UMOUNT_OLDROOT,	/* child: umount2(".", MNT_DETACH) takes it off */
	STEP_CHDIR_SLASH,
	STEP_CHROOT,
	STEP_MKDIR_TARGET,	/* child: create a missing mount target */
	STEP_MOUNT,		/* child: proc, tmpfs or sysfs */
	STEP_BECOME_ROOT,	/* child: setresgid/setresuid 0 when its own ids are unmapped */
	STEP_EXEC,		/* child: execve the command */
};

#define PLAN_MAX_STEPS 96

struct step {
	enum step_kind kind;
	int side;		/* enum trace_side */
	int mount;		/* STEP_MOUNT / STEP_MKDIR_TARGET: index into plan mounts */
	char text[160];		/* one line for show --plan */
};

struct plan_mount {
	enum mount_kind kind;
	char target[256];	/* where it appears inside the container */
	char path[4096 + 256];	/* where the child mounts it: under the rootfs, before entering it */
	char options[128];
	bool automatic;		/* added by nslab (proc for a new PID namespace) */
};

/* Not zeroed: plan_reset (plan.c) resets the fields read before they are
 * written, and a new field must be added there. The small fields come
 * first, so a plan without an overlay touches a few pages of its 190 KB. */
struct plan {
	size_t n;
	size_t n_mounts;
	unsigned long clone_flags;	/* passed to clone3: CLONE_NEWTIME is left to unshare */
	bool write_setgroups_deny;
	bool write_setgroups_allow;
	char veth_host[16];		/* "nsl-ID" */
	struct step steps[PLAN_MAX_STEPS];
	char root[PATH_MAX];		/* what becomes /: the rootfs, or the merged overlay dir */
	struct plan_mount mounts[SPEC_MAX_MOUNTS + 1];
	/* Set by plan_overlay; read only by the overlay's steps. */
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	char overlay_options[4096];
};

/* Build the plan for spec as a process with euid/egid would run it, with
 * state_dir as the container's state dir (NULL: shown as $STATE).
 * Validates the spec first. */
int plan_build(const struct spec *s, uid_t euid, gid_t egid, const char *state_dir, struct plan *p,
	       struct nslab_error *e);
void plan_print(const struct plan *p, FILE *out);
/* Index of the first step of `kind`, or -1. */
int plan_find(const struct plan *p, enum step_kind kind);

#endif
