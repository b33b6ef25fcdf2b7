/* Views of the probes as text and JSON: host next to container, differences
 * marked. The ncurses panels render the same structs their own way. */
#ifndef NSLAB_VIEW_H
#define NSLAB_VIEW_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "nslab/cgroup.h"
#include "nslab/probe.h"

/* Everything one comparison needs, probed once. */
struct snapshot {
	pid_t target;			/* the container's init, or any pid */
	bool have[8];			/* which parts were probed (enum view_part) */
	struct proc_table procs;
	struct mount_list mounts[2];	/* [SIDE_HOST], [SIDE_INSIDE] */
	struct link_list links[2];
	struct id_view ids[2];
	struct meminfo host_mem;
	struct cgroup_stats cg;		/* the container's cgroup, when it has one */
	bool have_cg;
	char errors[8][256];		/* a part that could not be probed says why */
};

enum view_part {
	VIEW_PS,
	VIEW_MOUNTS,
	VIEW_LINKS,
	VIEW_MEM,
	VIEW_IDS,
	VIEW_NS,
	VIEW_COUNT
};

extern const char *const view_part_names[VIEW_COUNT];

/* Probe the parts in mask (bits of enum view_part) for target. cg: the
 * container's cgroup, or NULL. A part that fails is recorded in errors. */
void snapshot_take(struct snapshot *s, pid_t target, unsigned mask, const struct cgroup_stats *cg);
void snapshot_free(struct snapshot *s);

void view_text(const struct snapshot *s, enum view_part part, FILE *out);
/* One JSON document for the parts in mask: {"target": PID, "ps": {...}, ...}. */
void view_json(const struct snapshot *s, unsigned mask, FILE *out);
/* The same document as a json-c object (the caller puts it). */
json_object *view_json_object(const struct snapshot *s, unsigned mask);

#define SIDE_HOST 0
#define SIDE_INSIDE 1

#endif
