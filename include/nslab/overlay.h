/* Overlay layers: the mount's option string, what a container changed (in the
 * style of docker diff), and which layer a path comes from. */
#ifndef NSLAB_OVERLAY_H
#define NSLAB_OVERLAY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include "nslab/error.h"

/* "lowerdir=TOP:...:BOTTOM,upperdir=U,workdir=W[,userxattr]". lower[0] is the
 * topmost layer, as overlayfs reads lowerdir. Characters overlayfs treats
 * specially in paths (':' ',' '\\') are escaped. Errors if it does not fit
 * in a page (the kernel's limit for mount data). */
int overlay_options(const char *const *lower, size_t n_lower, const char *upper, const char *work, bool userxattr,
		    char *buf, size_t size, struct nslab_error *e);

struct diff_entry {
	char kind;		/* 'A' added, 'C' changed, 'D' deleted */
	char path[PATH_MAX];	/* absolute path inside the container */
};

/* Compare the upper dir with the lower layers: whiteouts (a 0/0 character
 * device, or an empty file with the trusted./user.overlay.whiteout xattr)
 * are D; a path that exists in a lower layer is C; otherwise A. An opaque
 * directory (trusted./user.overlay.opaque = "y") is C, and what the lowers
 * had under it is D. Directories that only hold changes are C, as docker diff
 * shows them. Sorted by path; *out is malloc'd. */
int overlay_diff(const char *upper, const char *const *lower, size_t n_lower, struct diff_entry **out, size_t *n,
		 struct nslab_error *e);

enum overlay_source {
	OVERLAY_FROM_UPPER,	/* the container wrote it */
	OVERLAY_FROM_LOWER,	/* *layer says which lower */
	OVERLAY_DELETED,	/* a whiteout hides it */
	OVERLAY_NOT_FOUND,
};

/* Where PATH (absolute, inside the container) comes from, resolving whiteouts
 * and opaque directories top-down as overlayfs does. *layer: index in lower. */
int overlay_which(const char *path, const char *upper, const char *const *lower, size_t n_lower, int *layer,
		  struct nslab_error *e);

#endif
