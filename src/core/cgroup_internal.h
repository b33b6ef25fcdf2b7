/* cgroup internals: what cgroup.c shares with the v1 and v2 backends. */
#ifndef NSLAB_CGROUP_INTERNAL_H
#define NSLAB_CGROUP_INTERNAL_H

#include <linux/magic.h>
#include <stdbool.h>

#include "nslab/cgroup.h"

/* Every nslab cgroup is <hierarchy>/nslab/<ID>: one shared parent, one leaf each. */
#define CG_PARENT "nslab"
/* cgroup.c: cpu.max / cpu.cfs_period_us; quota = percent * CG_PERIOD_US / 100. */
#define CG_PERIOD_US 100000

/* What differs between the versions. */
struct cgroup_backend {
	/* Make the dirs and write the limits; set cg->dir[] as each dir is made
	 * so the caller can remove them on failure. */
	int (*create)(struct cgroup *cg, const struct cgroup_limits *l, struct trace *t, struct nslab_error *e);
	void (*read_stats)(const struct cgroup *cg, struct cgroup_stats *st, int *found);
};

extern const struct cgroup_backend cgroup_v1_backend;
extern const struct cgroup_backend cgroup_v2_backend;

/* Detection, from the root (cs->root set, the rest zeroed). mountinfo: the
 * text of /proc/self/mountinfo, or NULL. forced: NSLAB_CGROUP_VERSION asked
 * for this version, so a plain directory tree is accepted as a fake one. */
int cgroup_v1_detect(struct cgroup_system *cs, const char *mountinfo, bool forced, struct nslab_error *e);
int cgroup_v2_detect(struct cgroup_system *cs, const char *mountinfo, bool forced, struct nslab_error *e);
/* The number of cgroup v1 hierarchies mounted under root (any controller). */
int cgroup_v1_mounts_under(const char *mountinfo, const char *root);

/* Which controllers these limits write to. */
bool cgroup_limits_need(const struct cgroup_limits *l, int controller);

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* statfs says path is on a file system with this magic number. */
bool cg_fs_magic_is(const char *path, unsigned long magic);
/* Join dir and name into buf; -ENAMETOOLONG when it does not fit. */
int cg_path(char *buf, size_t size, const char *dir, const char *name);
bool cg_exists(const char *dir, const char *name);
/* A word in a list separated by spaces, tabs, newlines or commas. */
bool cg_words_has(const char *text, const char *word);
/* mkdir through the traced layer; EEXIST is fine when exist_ok. */
int cg_mkdir(struct trace *t, const char *dir, bool exist_ok, const char *note, struct nslab_error *e);
/* Write text to dir/file through the traced layer (a fake tree gets the file
 * created first, as cgroupfs would have it); the error names the file. */
int cg_write(const struct cgroup_system *cs, struct trace *t, const char *dir, const char *file, const char *text,
             const char *note, struct nslab_error *e);
/* rmdir leaf's parent when it is the shared nslab/ dir and no cgroup is left in it. */
void cg_remove_parent(const char *leaf, bool fake, struct trace *t);
/* Read "max"/a number, or "key N" of a flat-keyed file; count successes in *found. */
void cg_read_value(const char *dir, const char *file, long long *out, int *found);
void cg_read_keyed(const char *dir, const char *file, const char *key, long long *out, int *found);

/* pids.max: the same file and meaning in v1 and v2. */
int cg_write_pids(const struct cgroup *cg, long long pids, struct trace *t, struct nslab_error *e);

#endif
