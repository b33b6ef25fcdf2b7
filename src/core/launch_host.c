/* What the launcher makes on the host for a container, and undoes: its
 * cgroup and its overlay dirs. Everything is recorded in the state dir. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "nslab/sys.h"
#include "nslab/tree.h"
#include "nslab/util.h"
#include "launch_internal.h"

static int make_cgroup(struct container *c, const struct spec *s, struct nslab_error *e)
{
	struct cgroup_limits l = {
		.memory = s->limits.memory,
		.pids = s->limits.pids,
		.cpu_percent = s->limits.cpu_percent,
	};

	if (cgroup_detect(&c->cgsys, e) < 0)
		return -1;
	if (cgroup_create(&c->cgsys, c->id, &l, &c->trace, &c->cg, e) < 0)
		return -1;
	c->has_cgroup = true;
	container_state_write(c);
	return 0;
}

static int make_overlay_dirs(struct container *c, const struct plan *p, struct nslab_error *e)
{
	const char *dirs[] = {p->upper, p->work, p->merged};
	const char *notes[] = {
		"the container's own layer: every write lands here",
		"overlayfs's scratch space, on the same file system as upper",
		"where the layers appear as one tree: the container's /",
	};

	c->overlay = true;
	container_state_write(c);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (sys_traced_mkdir(&c->trace, dirs[i], 0755, notes[i]) < 0)
			return nslab_error_set(e, errno, "mkdir", "%s: %s", dirs[i], strerror(errno));
	return 0;
}

int launch_host_prepare(struct container *c, const struct spec *s, const struct plan *p, struct nslab_error *e)
{
	for (size_t i = 0; i < p->n && p->steps[i].kind != STEP_CLONE; i++) {
		int r = 0;
		if (p->steps[i].kind == STEP_CGROUP_CREATE)
			r = make_cgroup(c, s, e);
		else if (p->steps[i].kind == STEP_OVERLAY_DIRS)
			r = make_overlay_dirs(c, p, e);
		if (r < 0)
			return -1;
	}
	return 0;
}

int launch_host_cgroup_fd(const struct container *c)
{
	return c->has_cgroup && c->cgsys.version == CGROUP_V2 ? c->cg.dir_fd : -1;
}

int launch_host_place(struct container *c, bool placed, struct nslab_error *e)
{
	if (!c->has_cgroup || placed)
		return 0;
	return cgroup_add_pid(&c->cg, c->pid, &c->trace, e);
}

void launch_host_release_cgroup(struct container *c)
{
	struct nslab_error e;

	if (!c->has_cgroup)
		return;
	if (!c->has_final && cgroup_read_stats(&c->cg, &c->final) == 0)
		c->has_final = true;
	/* A cgroup that will not go stays named in the state dir (and in the
	 * trace), for a later try here or for `nslab cleanup`. */
	if (cgroup_destroy(&c->cg, true, &c->trace, &e) < 0)
		return;
	c->has_cgroup = false;
	container_state_write(c);
}

void launch_host_remove_overlay(struct container *c)
{
	char path[PATH_MAX + 16];
	struct nslab_error e;

	if (!c->overlay || !c->state_dir[0])
		return;
	for (const char *const *d = (const char *const[]){"upper", "work", "merged", NULL}; *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", c->state_dir, *d);
		if (tree_remove(path, &e) < 0)
			trace_record(&c->trace, "remove", -1, e.err, trace_clock(), e.msg, "\"%s\"", path);
	}
	c->overlay = false;
}

void launch_host_undo(struct container *c)
{
	launch_host_release_cgroup(c);
	launch_host_remove_overlay(c);
	if (!c->has_cgroup)
		container_state_remove(c);
}
