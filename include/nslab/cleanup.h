/* nslab cleanup: remove what a killed nslab left behind (cgroups, overlay
 * dirs and mounts, state dirs), only where the owner is gone. */
#ifndef NSLAB_CLEANUP_H
#define NSLAB_CLEANUP_H

#include <stddef.h>
#include "nslab/error.h"

#define CLEANUP_MAX_LINES 64

struct cleanup_report {
	int scanned;		/* state dirs looked at */
	int removed;		/* containers cleaned up */
	int live;		/* left alone: their nslab still runs */
	int failed;
	size_t n_lines;
	char lines[CLEANUP_MAX_LINES][320];	/* what was removed, one line each */
};

/* Scan the state root (container_state_root) and clean up after dead owners. */
int cleanup_run(struct cleanup_report *r, struct nslab_error *e);
/* Start time of a process in clock ticks since boot (field 22 of
 * /proc/PID/stat), to tell a process from a later one with the same pid; 0 if gone. */
unsigned long long cleanup_proc_start(int pid);

#endif
