/* What oci.c (export), oci_import.c and their tests share. */
#ifndef NSLAB_OCI_INTERNAL_H
#define NSLAB_OCI_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "nslab/oci.h"
#include "nslab/plan.h"
#include "nslab/util.h"

/* The CFS period nslab writes (cgroup_v1.c, cgroup_v2.c): cpu N% is a quota of N% of it. */
#define OCI_CPU_PERIOD 100000
/* The data strings of nslab's dev mount (launch.c). */
#define OCI_DEV_DATA "mode=755,size=64k"
#define OCI_DEVPTS_DATA "newinstance,ptmxmode=0666,mode=620"

extern const char *const oci_ns_names[NS_COUNT];
extern const char *const oci_proc_flags[];
extern const char *const oci_tmpfs_flags[];
extern const char *const oci_sysfs_flags[];
extern const char *const oci_dev_flags[];
extern const char *const oci_devpts_flags[];

/* The org.nslab.added annotation: what export added only for the runtimes. */
struct oci_added {
	char text[2048];
	size_t len;
};

static inline void oci_added_add(struct oci_added *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void oci_added_add(struct oci_added *a, const char *fmt, ...)
{
	char item[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	str_appendf(a->text, sizeof(a->text), &a->len, "%s%s", a->len ? "," : "", item);
}

/* Is item ("mount:/dev") in an org.nslab.added list? */
bool oci_added_has(const char *added, const char *item);

/* A config that lists this many capabilities in each set keeps them all, as
 * nslab does (CAP_AUDIT_READ is number 37). */
#define OCI_CAPS_FULL 38

/* import: the org.nslab.* annotations (*added points into ann), and mounts. */
int oci_parse_annotations(struct spec *s, json_object *ann, struct oci_report *r, const char **added,
			  struct nslab_error *e);
int oci_parse_mounts(struct spec *s, json_object *mounts, const char *added, struct oci_report *r,
		     struct nslab_error *e);

uint32_t oci_idmap_to_inside(const struct idmap *m, uint32_t outside);
void oci_process_ids(const struct spec *s, const struct plan *p, uid_t euid, gid_t egid, uid_t *uid, gid_t *gid);

#endif
