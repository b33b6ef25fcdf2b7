/* OCI runtime bundles: a spec as config.json (runtime-spec 1.0.2/1.1.0) plus
 * its rootfs, for runc and crun; a config.json read back into a spec, with
 * every field nslab cannot follow reported by its JSON path. */
#ifndef NSLAB_OCI_H
#define NSLAB_OCI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "nslab/error.h"
#include "nslab/spec.h"

/* Lines for the person: what a bundle cannot express (export) or what nslab
 * ignores (import), one a line, e.g. "linux.seccomp: not supported, ignored". */
struct oci_report {
	char **lines;
	size_t n;
};

void oci_report_add(struct oci_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oci_report_free(struct oci_report *r);

/* Annotations that carry what only nslab reads, so export -> import gives the
 * same spec. Runtimes ignore annotations. */
#define OCI_ANN_ADDED "org.nslab.added"		/* what export added for the runtimes: "mount:/dev,env:PATH" */
#define OCI_ANN_OVERLAY "org.nslab.overlay"	/* "on" */
#define OCI_ANN_LAYERS "org.nslab.layers"	/* the layers, top first, one a line */
#define OCI_ANN_SETGROUPS "org.nslab.setgroups"	/* "deny" or "allow" */
#define OCI_ANN_ENTER "org.nslab.enter"		/* "chroot" */
#define OCI_ANN_NET "org.nslab.net"		/* "lo", "veth [HOST INSIDE]", "bridge NAME" */

/* The PATH export gives the process when the spec sets none (nslab's
 * container inherits nslab's environment; an OCI process gets only env). */
#define OCI_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Build config.json for spec s running argv (NULL: /bin/sh) as a process with
 * euid/egid would launch it; root_path is root.path ("rootfs", or absolute).
 * Notes on what the bundle cannot express go to notes. Pure. */
json_object *oci_config_build(const struct spec *s, char *const argv[], uid_t euid, gid_t egid, const char *root_path,
			      struct oci_report *notes, struct nslab_error *e);

struct oci_export_opts {
	bool no_copy;	/* root.path names the spec's rootfs itself: nothing copied */
};

/* Write DIR/config.json and, unless no_copy, DIR/rootfs: a copy of the
 * rootfs with the overlay's layers merged on top (whiteouts applied). DIR
 * must not exist or be empty. */
int oci_export(const struct spec *s, char *const argv[], const char *dir, const struct oci_export_opts *o,
	       struct oci_report *notes, struct nslab_error *e);

/* The process of a config, for nslab run --oci. */
struct oci_process {
	char **argv;	/* NULL-terminated; NULL when the config has none */
	size_t argc;
};
void oci_process_free(struct oci_process *p);

/* Read a parsed config into out (initialised here); bundle_dir resolves a
 * relative root.path. Unsupported fields go to r; invalid ones fail with the
 * JSON path in the message. proc may be NULL. */
int oci_config_parse(json_object *config, const char *bundle_dir, struct spec *out, struct oci_process *proc,
		     struct oci_report *r, struct nslab_error *e);
/* Parse text (a config.json's contents) with oci_config_parse. */
int oci_config_parse_text(const char *text, const char *bundle_dir, struct spec *out, struct oci_process *proc,
			  struct oci_report *r, struct nslab_error *e);
/* DIR/config.json into out. */
int oci_import(const char *dir, struct spec *out, struct oci_process *proc, struct oci_report *r,
	       struct nslab_error *e);

/* Copy a rootfs tree into dst (which must not exist), then each layer from
 * the bottom up, applying overlayfs whiteouts and opaque dirs. Ownership is
 * kept when privileged; device nodes are skipped (and counted) otherwise. */
int oci_rootfs_copy(const char *rootfs, const char *const *layers, size_t n_layers, const char *dst,
		    long *skipped_devices, struct nslab_error *e);

#endif
