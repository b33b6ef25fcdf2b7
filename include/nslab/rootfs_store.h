/* Root file systems nslab manages: tarballs imported with libarchive into a
 * store, listed and removed by name. */
#ifndef NSLAB_ROOTFS_STORE_H
#define NSLAB_ROOTFS_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "nslab/error.h"

/* The store: $NSLAB_STORE if set, else /var/lib/nslab/rootfs as root, else
 * $XDG_DATA_HOME/nslab/rootfs (~/.local/share/nslab/rootfs). Created on use. */
int rootfs_store_dir(char *buf, size_t size, struct nslab_error *e);

struct rootfs_import_report {
	long files, dirs, symlinks, hardlinks, devices, fifos;
	long skipped_devices;	/* device nodes that could not be made (not root) */
	long long bytes;
};

/* Unpack FILE (.tar, .tar.gz, .tgz, .tar.xz, .tar.zst, ... as libarchive
 * detects it, not by name) into STORE/NAME, keeping modes, ownership (as
 * root), symlinks, hardlinks and device nodes where permitted. NAME defaults
 * to the file's base name without its extensions and must be a plain word.
 * Refuses, naming the entry: absolute paths, ".." components, entries or
 * hardlink targets that lead through a symlink out of the tree. Unpacks
 * into a temporary dir and renames it into place, so a failed import leaves
 * nothing. out_path receives the new rootfs directory. */
int rootfs_import(const char *file, const char *name, char *out_path, size_t size,
		  struct rootfs_import_report *rep, struct nslab_error *e);

struct rootfs_entry {
	char name[256];
	char path[PATH_MAX];
	long long bytes;	/* disk usage */
	long files;
	time_t created;
};

/* The store's rootfs, sorted by name; *out is malloc'd. */
int rootfs_list(struct rootfs_entry **out, size_t *n, struct nslab_error *e);
/* Remove STORE/NAME and everything under it (never following links out). */
int rootfs_remove(const char *name, struct nslab_error *e);
/* STORE/NAME if it exists: 0, else -ENOENT. */
int rootfs_lookup(const char *name, char *path, size_t size);
/* A name is one path component of [A-Za-z0-9._-], not starting with '.'. */
bool rootfs_name_valid(const char *name);
/* Pure: whether an archive entry path is safe to extract ("a/b", "./a");
 * fills why on refusal. */
bool rootfs_entry_path_safe(const char *path, char *why, size_t size);

#endif
