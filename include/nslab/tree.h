/* Walking a directory tree without following links or crossing mounts, and
 * removing one that way (read-only dirs and immutable flags included). */
#ifndef NSLAB_TREE_H
#define NSLAB_TREE_H

#include <limits.h>
#include <sys/stat.h>
#include "nslab/error.h"

enum walk_step { WALK_LEAF, WALK_DIR_PRE, WALK_DIR_POST, WALK_MOUNT };

/* One shared path buffer and no fd held across levels, so depth costs
 * neither stack nor file descriptors. */
struct walk {
	char path[PATH_MAX];
	size_t len;
	dev_t dev;
	int (*visit)(struct walk *w, const struct stat *st, enum walk_step step);
	void *ctx;
	struct nslab_error *e;
};

/* Visit every entry under top (and top): WALK_DIR_PRE before a directory's
 * entries, WALK_DIR_POST after, WALK_MOUNT for a mount point (not entered).
 * A visit returning < 0 stops the walk. */
int tree_walk(struct walk *w, const char *top);
/* Remove path and everything under it; refuses to cross a mount point. */
int tree_remove(const char *path, struct nslab_error *e);

#endif
