/* Where nslab finds its own files: the default rootfs, lessons, slides. */
#ifndef NSLAB_PATHS_H
#define NSLAB_PATHS_H

#include <stddef.h>

/* $NSLAB_ROOTFS, else build/rootfs beside the binary (a source tree), else
 * share/nslab/rootfs beside an installed binary, else DATADIR/rootfs. Returns 0, or -ENOENT when none exists. */
int paths_default_rootfs(char *buf, size_t size);

/* A data directory, "lessons" or "slides": $NSLAB_LESSONS / $NSLAB_SLIDES,
 * else WHAT beside the binary (a source tree), else share/nslab/WHAT beside
 * an installed binary, else DATADIR/WHAT. Returns 0, or -ENOENT. */
int paths_data_dir(const char *what, char *buf, size_t size);

#endif
