/* The live data behind the panels: probes refreshed each tick into reused
 * buffers, and the rows each panel shows (host next to container, with new
 * and vanished marks). No curses here. */
#ifndef NSLAB_TUI_DATA_H
#define NSLAB_TUI_DATA_H

#include <stdbool.h>
#include "nslab/cgroup.h"
#include "nslab/container.h"
#include "nslab/probe.h"
#include "track.h"

#define SIDE_HOST   0
#define SIDE_INSIDE 1

/* The panels; Trace is not probed here (trace_lines.h) but is a part like the others. */
enum tui_part { PART_PIDS, PART_MOUNTS, PART_LINKS, PART_MEM, PART_TRACE, PART_COUNT };

enum tui_mark {
	MARK_NONE,
	MARK_NEW,
	MARK_GONE,
};

/* One line of a panel: the same entry as each side sees it. */
struct tui_row {
	const void *side[2];   /* struct proc_info, mount_info or link_info; NULL: not on that side */
	unsigned char mark[2]; /* enum tui_mark */
	bool differ;           /* on both sides, but not the same */
};

struct tui_rows {
	struct tui_row *v;
	size_t n, cap;
};

struct tui_data {
	pid_t target;
	const struct container *ct; /* nslab's own container, or NULL */
	unsigned gen;               /* refreshes so far */
	unsigned long long last_slow; /* now_ns() of the last full pass */
	bool exited;                /* the target ended: panels keep their last content */

	struct proc_table procs;
	unsigned procs_first_gen; /* processes born after it are new */
	size_t n_host, n_inside;  /* live processes on each side */
	long long rss_inside_kb;

	/* Two buffers a side: the previous list stays intact for the vanished marks,
	 * and a failed read keeps the last content. */
	struct mount_list mounts[2][2];
	struct link_list links[2][2];
	int mounts_cur[2], links_cur[2];
	struct track mounts_track[2], links_track[2];

	struct id_view ids[2], ids_spare;
	bool have_ids;
	struct meminfo host_mem;
	struct cgroup_stats cg;
	bool have_cg;

	struct tui_rows rows[PART_MEM]; /* PIDs, mounts, links */
	char error[PART_COUNT][2][160]; /* why a side could not be read; "" if fine */
};

void data_init(struct tui_data *d, pid_t target, const struct container *ct);
void data_free(struct tui_data *d);
/* Probe everything once more (or only the cgroup once the target ended). */
void data_refresh(struct tui_data *d);
/* Rebuild the rows from the last refresh; diff_only leaves out rows that
 * are the same on both sides (new and vanished ones stay). */
void data_rows(struct tui_data *d, bool diff_only);
/* Re-read state and RSS of the host-only processes in rows [first, first+count)
 * of the PIDs panel: host rows are read whole only when they appear. */
void data_update_visible(struct tui_data *d, size_t first, size_t count);

const struct mount_list *data_mounts(const struct tui_data *d, int side);
const struct link_list *data_links(const struct tui_data *d, int side);

#endif
