/* Where nslab finds its own files: the default rootfs, lessons, slides. */
#ifndef NSLAB_PATHS_H
#define NSLAB_PATHS_H

#include <stddef.h>

/* $NSLAB_ROOTFS, else build/rootfs beside the binary (a source tree), else
 * share/nslab/rootfs beside an installed binary, else DATADIR/rootfs. Returns 0, or -ENOENT when none exists. */
int paths_default_rootfs(char *buf, size_t size);

#endif
