/* A snapshot: every probe for one target and for nslab itself, taken once. */
#include <errno.h>
#include <string.h>

#include "view.h"

const char *const view_part_names[VIEW_COUNT] = {
	[VIEW_PS] = "ps",
	[VIEW_MOUNTS] = "mounts",
	[VIEW_LINKS] = "links",
	[VIEW_MEM] = "mem",
	[VIEW_IDS] = "ids",
	[VIEW_NS] = "ns",
};

static void note_error(struct snapshot *s, enum view_part part, const struct nslab_error *e)
{
	snprintf(s->errors[part], sizeof(s->errors[part]), "%s", e->msg[0] ? e->msg : "could not be read");
}

static bool take_ps(struct snapshot *s, struct nslab_error *e)
{
	proc_table_init(&s->procs, s->target);
	return proc_table_refresh(&s->procs, PROC_REFRESH_ALL, e) == 0;
}

static bool take_pair(struct snapshot *s, enum view_part part, struct nslab_error *e)
{
	switch (part) {
	case VIEW_MOUNTS:
		return probe_mounts_read(0, &s->mounts[SIDE_HOST], e) == 0 &&
		       probe_mounts_read(s->target, &s->mounts[SIDE_INSIDE], e) == 0;
	case VIEW_LINKS:
		return probe_links_read(0, &s->links[SIDE_HOST], e) == 0 &&
		       probe_links_read(s->target, &s->links[SIDE_INSIDE], e) == 0;
	default:
		return probe_ids_read(0, &s->ids[SIDE_HOST], e) == 0 && probe_ids_read(s->target, &s->ids[SIDE_INSIDE], e) == 0;
	}
}

void snapshot_take(struct snapshot *s, pid_t target, unsigned mask, const struct cgroup_stats *cg)
{
	memset(s, 0, sizeof(*s));
	s->target = target;
	if (cg) {
		s->cg = *cg;
		s->have_cg = true;
	}
	/* ps and mem share one process table. */
	struct nslab_error pe = {0};
	bool procs_ok = !(mask & ((1u << VIEW_PS) | (1u << VIEW_MEM))) || take_ps(s, &pe);
	for (int part = 0; part < VIEW_COUNT; part++) {
		struct nslab_error e = pe;
		bool ok;
		if (!(mask & (1u << part)))
			continue;
		if (part == VIEW_PS)
			ok = procs_ok;
		else if (part == VIEW_MEM)
			ok = procs_ok && probe_meminfo_read(&s->host_mem, &e) == 0;
		else if (part == VIEW_NS && (mask & (1u << VIEW_IDS)))
			ok = s->have[VIEW_IDS]; /* one identity probe serves both */
		else
			ok = take_pair(s, (enum view_part)part, &e);
		s->have[part] = ok;
		if (!ok)
			note_error(s, (enum view_part)part, &e);
	}
	/* ids and ns share one probe. */
	if ((mask & (1u << VIEW_NS)) && !(mask & (1u << VIEW_IDS)))
		s->have[VIEW_IDS] = s->have[VIEW_NS];
	if ((mask & (1u << VIEW_NS)) && (mask & (1u << VIEW_IDS)) && !s->have[VIEW_NS])
		snprintf(s->errors[VIEW_NS], sizeof(s->errors[VIEW_NS]), "%s", s->errors[VIEW_IDS]);
}

void snapshot_free(struct snapshot *s)
{
	proc_table_free(&s->procs);
	for (int side = 0; side < 2; side++) {
		mount_list_free(&s->mounts[side]);
		link_list_free(&s->links[side]);
	}
	memset(s, 0, sizeof(*s));
}
