/* Turn a spec into the ordered list of steps the launcher takes. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>

#include "nslab/idmap.h"
#include "nslab/overlay.h"
#include "nslab/plan.h"
#include "nslab/trace.h"
#include "nslab/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static struct step *add(struct plan *p, enum step_kind kind, int side, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct step *add(struct plan *p, enum step_kind kind, int side, const char *fmt, ...)
{
	va_list ap;

	if (p->n >= PLAN_MAX_STEPS)
		return NULL;
	struct step *st = &p->steps[p->n++];
	st->kind = kind;
	st->side = side;
	st->mount = -1;
	va_start(ap, fmt);
	vsnprintf(st->text, sizeof(st->text), fmt, ap);
	va_end(ap);
	return st;
}

static bool has(const struct spec *s, enum ns_kind k) { return s->ns_mask & NS_BIT(k); }

static void plan_maps(const struct spec *s, uid_t euid, struct plan *p)
{
	char text[64];

	if (!has(s, NS_USER))
		return;
	p->write_setgroups_deny = s->setgroups == SETGROUPS_DENY ||
				  (s->setgroups == SETGROUPS_AUTO && s->gidmap.n && euid != 0);
	p->write_setgroups_allow = s->setgroups == SETGROUPS_ALLOW;
	if (p->write_setgroups_deny || p->write_setgroups_allow)
		add(p, STEP_WRITE_SETGROUPS, SIDE_PARENT, "write \"%s\" to /proc/PID/setgroups%s",
		    p->write_setgroups_deny ? "deny" : "allow",
		    p->write_setgroups_deny ? " (needed before gid_map without CAP_SETGID)" : "");
	if (s->uidmap.n) {
		const struct idmap_line *l = &s->uidmap.lines[0];
		snprintf(text, sizeof(text), "%u %u %u%s", l->inside, l->outside, l->count, s->uidmap.n > 1 ? " ..." : "");
		add(p, STEP_WRITE_UID_MAP, SIDE_PARENT, "write \"%s\" to /proc/PID/uid_map", text);
	}
	if (s->gidmap.n) {
		const struct idmap_line *l = &s->gidmap.lines[0];
		snprintf(text, sizeof(text), "%u %u %u%s", l->inside, l->outside, l->count, s->gidmap.n > 1 ? " ..." : "");
		add(p, STEP_WRITE_GID_MAP, SIDE_PARENT, "write \"%s\" to /proc/PID/gid_map", text);
	}
}

/* Mounts go in before the root changes: in a user namespace the kernel allows
 * a new proc only while a full /proc is still visible in the namespace. */
static void plan_mounts(const struct spec *s, struct plan *p);

static void plan_root(const struct spec *s, struct plan *p)
{
	if (!s->rootfs) {
		plan_mounts(s, p);
		return;
	}
	if (s->overlay)
		add(p, STEP_MOUNT_OVERLAY, SIDE_CHILD, "mount overlay on %s: %zu layer%s over the rootfs, writes go to upper",
		    p->merged, s->n_layers, s->n_layers == 1 ? "" : "s");
	if (s->enter == ENTER_CHROOT) {
		plan_mounts(s, p);
		add(p, STEP_CHDIR_ROOT, SIDE_CHILD, "chdir to %s", p->root);
		add(p, STEP_CHROOT, SIDE_CHILD, "chroot(\".\"): / now means the rootfs, for this process only");
		add(p, STEP_CHDIR_SLASH, SIDE_CHILD, "chdir to / inside the new root");
		return;
	}
	/* An overlay mount is a mount point already; a plain directory is not. */
	if (!s->overlay)
		add(p, STEP_BIND_ROOT, SIDE_CHILD, "bind-mount %s on itself so it is a mount point", s->rootfs);
	plan_mounts(s, p);
	add(p, STEP_CHDIR_ROOT, SIDE_CHILD, "chdir to %s", p->root);
	add(p, STEP_PIVOT_ROOT, SIDE_CHILD, "pivot_root(\".\", \".\"): the rootfs becomes /, the old root sits on top of it");
	add(p, STEP_UMOUNT_OLDROOT, SIDE_CHILD, "umount2(\".\", MNT_DETACH): the host's tree is gone");
	add(p, STEP_CHDIR_SLASH, SIDE_CHILD, "chdir to the new /");
}

static void add_mount(struct plan *p, const struct spec *s, enum mount_kind kind, const char *target,
		      const char *options, bool automatic)
{
	struct plan_mount *m = &p->mounts[p->n_mounts];

	m->kind = kind;
	snprintf(m->target, sizeof(m->target), "%s", target);
	snprintf(m->path, sizeof(m->path), "%s%s", s->rootfs ? p->root : "", target);
	snprintf(m->options, sizeof(m->options), "%s", options ? options : "");
	m->automatic = automatic;
	struct step *st = add(p, STEP_MKDIR_TARGET, SIDE_CHILD, "create %s if it is missing", m->path);
	if (st)
		st->mount = (int)p->n_mounts;
	st = add(p, STEP_MOUNT, SIDE_CHILD, "mount %s on %s%s%s%s", mount_kind_names[kind], m->path,
		 options ? " (" : "", options ? options : "", options ? ")" : "");
	if (st)
		st->mount = (int)p->n_mounts;
	p->n_mounts++;
}

static bool mount_given(const struct spec *s, enum mount_kind kind, const char *target)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].kind == kind && !strcmp(s->mounts[i].target, target))
			return true;
	return false;
}

/* A rootfs built without root has no device nodes (mknod needs privilege). */
static bool rootfs_lacks_devices(const struct spec *s)
{
	char path[4096 + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/dev/null", s->rootfs);
	return stat(path, &st) < 0 || !S_ISCHR(st.st_mode);
}

static void plan_mounts(const struct spec *s, struct plan *p)
{
	/* A new PID namespace wants its own /proc, or ps shows the host; only
	 * safe with a new mount namespace, or it would cover the host's /proc. */
	if (has(s, NS_PID) && has(s, NS_MOUNT) && !mount_given(s, MOUNT_PROC, "/proc"))
		add_mount(p, s, MOUNT_PROC, "/proc", NULL, true);
	/* Device nodes on an overlay mounted in a user namespace cannot be
	 * opened (the kernel marks such a mount nodev): bring a /dev of its own. */
	bool nodev = s->overlay && has(s, NS_USER);
	if (s->rootfs && has(s, NS_MOUNT) && !mount_given(s, MOUNT_DEV, "/dev") && (nodev || rootfs_lacks_devices(s)))
		add_mount(p, s, MOUNT_DEV, "/dev", NULL, true);
	for (size_t i = 0; i < s->n_mounts; i++)
		add_mount(p, s, s->mounts[i].kind, s->mounts[i].target, s->mounts[i].options, false);
}

/* A user namespace that maps root but not the caller's own ids would leave the
 * child as the overflow id 65534; become root inside, as runtimes do. */
static void plan_become_root(const struct spec *s, uid_t euid, gid_t egid, struct plan *p)
{
	if (!has(s, NS_USER) || !s->uidmap.n)
		return;
	bool uid_mapped = false, gid_mapped = !s->gidmap.n;
	for (size_t i = 0; i < s->uidmap.n; i++) {
		const struct idmap_line *l = &s->uidmap.lines[i];
		if (euid >= l->outside && (uint64_t)euid < (uint64_t)l->outside + l->count)
			uid_mapped = true;
	}
	for (size_t i = 0; i < s->gidmap.n; i++) {
		const struct idmap_line *l = &s->gidmap.lines[i];
		if (egid >= l->outside && (uint64_t)egid < (uint64_t)l->outside + l->count)
			gid_mapped = true;
	}
	if ((uid_mapped && gid_mapped) || idmap_to_outside(&s->uidmap, 0) < 0)
		return;
	add(p, STEP_BECOME_ROOT, SIDE_CHILD, "your uid %u is not in the map: become uid and gid 0 inside",
	    (unsigned)euid);
}

/* The overlay: the person's layers on top, the rootfs at the bottom. A mount
 * inside a user namespace must keep its metadata in user.* xattrs. */
static int plan_overlay(const struct spec *s, const char *state_dir, struct plan *p, struct nslab_error *e)
{
	const char *lower[SPEC_MAX_LAYERS + 1];
	size_t n = 0;

	snprintf(p->upper, sizeof(p->upper), "%s/upper", state_dir);
	snprintf(p->work, sizeof(p->work), "%s/work", state_dir);
	snprintf(p->merged, sizeof(p->merged), "%s/merged", state_dir);
	for (size_t i = 0; i < s->n_layers; i++)
		lower[n++] = s->layers[i];
	lower[n++] = s->rootfs;
	if (overlay_options(lower, n, p->upper, p->work, has(s, NS_USER), p->overlay_options,
			    sizeof(p->overlay_options), e) < 0)
		return -1;
	snprintf(p->root, sizeof(p->root), "%s", p->merged);
	add(p, STEP_OVERLAY_DIRS, SIDE_PARENT, "mkdir upper, work and merged in %s: the container's own layer", state_dir);
	return 0;
}

static void plan_cgroup(const struct spec *s, struct plan *p)
{
	char what[128] = "";
	size_t len = 0;

	if (!spec_has_limits(s))
		return;
	if (s->limits.memory)
		str_appendf(what, sizeof(what), &len, " memory %lld", s->limits.memory);
	if (s->limits.pids)
		str_appendf(what, sizeof(what), &len, " pids %lld", s->limits.pids);
	if (s->limits.cpu_percent)
		str_appendf(what, sizeof(what), &len, " cpu %d%%", s->limits.cpu_percent);
	add(p, STEP_CGROUP_CREATE, SIDE_PARENT, "create cgroup nslab/ID and write its limits:%s", what);
}

/* Only the fields read before they are written: a step or mount is filled
 * whole as it is added, and the overlay's paths only with an overlay, so
 * the arrays (190 KB, mostly mount paths) are never touched past what the
 * plan uses. Zeroing them all would fault in some 48 fresh pages on every
 * launch. */
static void plan_reset(struct plan *p)
{
	p->n = p->n_mounts = 0;
	p->clone_flags = 0;
	p->write_setgroups_deny = p->write_setgroups_allow = false;
	p->veth_host[0] = p->root[0] = '\0';
}

int plan_build(const struct spec *s, uid_t euid, gid_t egid, const char *state_dir, struct plan *p,
	       struct nslab_error *e)
{
	char names[256];

	plan_reset(p);
	if (spec_validate(s, euid, e) < 0)
		return -1;
	if (!state_dir)
		state_dir = "$STATE";
	if (s->rootfs)
		snprintf(p->root, sizeof(p->root), "%s", s->rootfs);
	plan_cgroup(s, p);
	if (s->overlay && plan_overlay(s, state_dir, p, e) < 0)
		return -1;
	p->clone_flags = spec_clone_flags(s) & ~(unsigned long)CLONE_NEWTIME;
	/* A cgroup namespace is rooted at the cgroup its maker is in: with a
	 * cgroup of its own, the child makes it once it has been put there. */
	bool cgroup_later = has(s, NS_CGROUP) && spec_has_limits(s);
	if (cgroup_later)
		p->clone_flags &= ~(unsigned long)CLONE_NEWCGROUP;
	spec_flags_names(p->clone_flags, names, sizeof(names));
	add(p, STEP_CLONE, SIDE_PARENT, "clone3(%s%s): the child starts in its namespaces and waits", names,
	    spec_has_limits(s) ? ", into its cgroup on v2" : "");
	if (spec_has_limits(s))
		add(p, STEP_CGROUP_ADD, SIDE_PARENT, "write the child's pid to cgroup.procs (v1, or where clone3 could not)");
	if (s->net_veth) {
		snprintf(p->veth_host, sizeof(p->veth_host), "nsl-%.8s", state_dir[0] == '$' ? "ID" : strrchr(state_dir, '/') + 1);
		add(p, STEP_VETH_ADD, SIDE_PARENT, "rtnetlink RTM_NEWLINK veth %s <-> eth0, eth0 into the child's network namespace",
		    p->veth_host);
		add(p, STEP_HOST_ADDR, SIDE_PARENT, "%s gets %s and goes up", p->veth_host,
		    s->net_host[0] ? s->net_host : "its address");
	}
	if (s->trace_child)
		add(p, STEP_TRACE_ATTACH, SIDE_PARENT,
		    "a tracer process seizes the child (PTRACE_SEIZE, following fork, clone and exec): what runs inside is traced from its first execve");
	plan_maps(s, euid, p);
	if (has(s, NS_USER) && s->uidmap.n)
		add(p, STEP_RELEASE, SIDE_PARENT, "tell the child the maps are written");
	else if (has(s, NS_USER))
		add(p, STEP_RELEASE, SIDE_PARENT, "tell the child to go on (no uid map: it shows as uid 65534 inside)");
	else
		add(p, STEP_RELEASE, SIDE_PARENT, "tell the child to go on");
	if (cgroup_later)
		add(p, STEP_UNSHARE_CGROUP, SIDE_CHILD,
		    "unshare(CLONE_NEWCGROUP) now that it is in nslab/ID: the namespace is rooted there, so it sees itself at /");
	plan_become_root(s, euid, egid, p);
	if (has(s, NS_TIME)) {
		add(p, STEP_UNSHARE_TIME, SIDE_CHILD, "unshare(CLONE_NEWTIME): a time namespace, not yet entered");
		add(p, STEP_WRITE_TIMENS, SIDE_CHILD, "write \"monotonic %llds, boottime %llds\" to /proc/self/timens_offsets",
		    s->time_offset_monotonic, s->time_offset_boottime);
		add(p, STEP_ENTER_TIME, SIDE_CHILD, "setns into it (/proc/self/ns/time_for_children): the offsets now apply");
	}
	if (has(s, NS_MOUNT))
		add(p, STEP_MAKE_PRIVATE, SIDE_CHILD, "make every mount private (MS_REC|MS_PRIVATE): nothing leaks to the host");
	if (s->hostname)
		add(p, STEP_SETHOSTNAME, SIDE_CHILD, "sethostname(\"%s\")", s->hostname);
	if (s->domainname)
		add(p, STEP_SETDOMAINNAME, SIDE_CHILD, "setdomainname(\"%s\")", s->domainname);
	if (s->net_lo || s->net_veth)
		add(p, STEP_NET_LO, SIDE_CHILD, "rtnetlink RTM_NEWLINK lo IFF_UP: a new network namespace starts with lo down");
	if (s->net_veth)
		add(p, STEP_ETH0, SIDE_CHILD, "eth0 gets %s, goes up, default route via the host end",
		    s->net_inside[0] ? s->net_inside : "its address");
	plan_root(s, p);
	add(p, STEP_EXEC, SIDE_CHILD, "execve the command");
	if (p->n >= PLAN_MAX_STEPS)
		return nslab_error_set(e, E2BIG, "", "the plan has too many steps");
	return 0;
}

void plan_print(const struct plan *p, FILE *out)
{
	for (size_t i = 0; i < p->n; i++)
		fprintf(out, "%3zu %-6s %s\n", i + 1, p->steps[i].side == SIDE_CHILD ? "child" : "parent",
			p->steps[i].text);
}

int plan_find(const struct plan *p, enum step_kind kind)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].kind == kind)
			return (int)i;
	return -1;
}
