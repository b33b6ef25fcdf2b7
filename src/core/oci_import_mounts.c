/* import oci: the mounts array, and the org.nslab.* annotations that carry what only nslab reads. */
#include <errno.h>
#include <string.h>

#include "nslab/oci.h"
#include "nslab/util.h"
#include "oci_internal.h"

bool oci_added_has(const char *added, const char *item)
{
	size_t len = strlen(item);

	for (const char *p = added; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n == len && !strncmp(p, item, n))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* ---- annotations ----------------------------------------------------------- */

static int ann_layers(struct spec *s, const char *text, struct nslab_error *e)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *lines[SPEC_MAX_LAYERS + 1];
	size_t n = 0;
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n == SPEC_MAX_LAYERS)
			return nslab_error_set(e, ENOSPC, "", "annotations.%s: at most %d layers", OCI_ANN_LAYERS, SPEC_MAX_LAYERS);
		lines[n++] = l;
	}
	/* Listed top first; each layer added goes on top, so the bottom comes first. */
	while (n-- > 0)
		if (spec_add_layer(s, lines[n], e) < 0)
			return nslab_error_prefix(e, "annotations.%s", OCI_ANN_LAYERS);
	return 0;
}

static int ann_net(struct spec *s, const char *text, struct nslab_error *e)
{
	char word[16], a[32], b[32];
	int n = sscanf(text, "%15s %31s %31s", word, a, b);

	if (n == 1 && !strcmp(word, "lo")) {
		s->net_lo = true;
		return 0;
	}
	if (n == 2 && !strcmp(word, "bridge") && strlen(a) < sizeof(s->net_bridge)) {
		s->net_veth = true;
		snprintf(s->net_bridge, sizeof(s->net_bridge), "%s", a);
		return 0;
	}
	if (!strcmp(word, "veth") && (n == 1 || (n == 3 && strlen(a) < sizeof(s->net_host) && strlen(b) < sizeof(s->net_inside)))) {
		s->net_veth = true;
		snprintf(s->net_host, sizeof(s->net_host), "%s", n == 3 ? a : "");
		snprintf(s->net_inside, sizeof(s->net_inside), "%s", n == 3 ? b : "");
		return 0;
	}
	return nslab_error_set(e, EINVAL, "", "annotations.%s '%s': lo, veth [HOST_CIDR CONTAINER_CIDR] or bridge NAME",
			       OCI_ANN_NET, text);
}

static int ann_one(struct spec *s, const char *key, const char *v, struct nslab_error *e)
{
	if (!strcmp(key, OCI_ANN_OVERLAY)) {
		if (strcmp(v, "on"))
			return nslab_error_set(e, EINVAL, "", "annotations.%s '%s': only \"on\"", key, v);
		s->overlay = true;
		return 0;
	}
	if (!strcmp(key, OCI_ANN_LAYERS))
		return ann_layers(s, v, e);
	if (!strcmp(key, OCI_ANN_SETGROUPS)) {
		if (strcmp(v, "deny") && strcmp(v, "allow"))
			return nslab_error_set(e, EINVAL, "", "annotations.%s '%s': deny or allow", key, v);
		s->setgroups = v[0] == 'd' ? SETGROUPS_DENY : SETGROUPS_ALLOW;
		return 0;
	}
	if (!strcmp(key, OCI_ANN_ENTER)) {
		if (strcmp(v, "chroot") && strcmp(v, "pivot_root"))
			return nslab_error_set(e, EINVAL, "", "annotations.%s '%s': chroot or pivot_root", key, v);
		s->enter = v[0] == 'c' ? ENTER_CHROOT : ENTER_PIVOT_ROOT;
		return 0;
	}
	return ann_net(s, v, e);
}

int oci_parse_annotations(struct spec *s, json_object *ann, struct oci_report *r, const char **added,
			  struct nslab_error *e)
{
	static const char *const ours[] = {OCI_ANN_OVERLAY, OCI_ANN_LAYERS, OCI_ANN_SETGROUPS, OCI_ANN_ENTER, OCI_ANN_NET};

	if (json_object_get_type(ann) != json_type_object)
		return nslab_error_set(e, EINVAL, "", "annotations: expected an object, got %s",
				       json_type_to_name(json_object_get_type(ann)));
	json_object_object_foreach(ann, key, val) {
		if (json_object_get_type(val) != json_type_string)
			return nslab_error_set(e, EINVAL, "", "annotations.%s: expected a string, got %s", key,
					       json_type_to_name(json_object_get_type(val)));
		const char *v = json_object_get_string(val);
		if (!strcmp(key, OCI_ANN_ADDED)) {
			*added = v;
			continue;
		}
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(ours); i++)
			known |= !strcmp(key, ours[i]);
		if (!known) {
			oci_report_add(r, "annotations.%s: not supported, ignored", key);
			continue;
		}
		if (ann_one(s, key, v, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- mounts ---------------------------------------------------------------- */

/* Words in a mount's options that are flags (runc's table), not data. */
static const char *const flag_words[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
	"mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "rbind", "relatime", "remount", "ro", "rprivate",
	"rshared", "rslave", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "sync",
	"symfollow", "unbindable", "rro", "rrw", "rnoexec", "rexec", "rnosuid", "rsuid", "rnodev", "rdev", NULL,
};

static bool in_list(const char *const *list, const char *w)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], w))
			return true;
	return false;
}

struct mnt {
	const char *path;	/* "mounts[3]" */
	const char *dest;
	const char *type;
	json_object *options;
};

static int get_str(json_object *o, const char *key, const char *path, bool required, const char **out,
		   struct nslab_error *e)
{
	json_object *v = json_object_object_get(o, key);

	*out = NULL;
	if (!v && !required)
		return 0;
	if (!v || json_object_get_type(v) != json_type_string)
		return nslab_error_set(e, EINVAL, "", "%s.%s: expected a string, got %s", path, key,
				       v ? json_type_to_name(json_object_get_type(v)) : "nothing");
	*out = json_object_get_string(v);
	return 0;
}

static int mnt_read(json_object *o, const char *path, struct mnt *m, struct nslab_error *e)
{
	m->path = path;
	if (json_object_get_type(o) != json_type_object)
		return nslab_error_set(e, EINVAL, "", "%s: expected an object, got %s", path,
				       json_type_to_name(json_object_get_type(o)));
	if (get_str(o, "destination", path, true, &m->dest, e) < 0 || get_str(o, "type", path, false, &m->type, e) < 0)
		return -1;
	if (m->dest[0] != '/')
		return nslab_error_set(e, EINVAL, "", "%s.destination '%s': must be an absolute path", path, m->dest);
	m->options = json_object_object_get(o, "options");
	if (m->options && json_object_get_type(m->options) != json_type_array)
		return nslab_error_set(e, EINVAL, "", "%s.options: expected an array, got %s", path,
				       json_type_to_name(json_object_get_type(m->options)));
	for (size_t i = 0; m->options && i < json_object_array_length(m->options); i++)
		if (json_object_get_type(json_object_array_get_idx(m->options, i)) != json_type_string)
			return nslab_error_set(e, EINVAL, "", "%s.options[%zu]: expected a string", path, i);
	if (!m->type)
		m->type = "bind"; /* runc reads a missing type with a bind option as a bind mount */
	return 0;
}

/* Data words joined into buf; flags nslab does not set reported. */
static void mnt_options(const struct mnt *m, const char *const *ours, char *buf, size_t size, struct oci_report *r)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; m->options && i < json_object_array_length(m->options); i++) {
		const char *w = json_object_get_string(json_object_array_get_idx(m->options, i));
		if (!in_list(flag_words, w)) {
			str_appendf(buf, size, &len, "%s%s", len ? "," : "", w);
			continue;
		}
		if (!in_list(ours, w))
			oci_report_add(r, "%s.options: %s (on %s): nslab does not set this flag, ignored", m->path, w, m->dest);
	}
}

static bool is_devpts_under(json_object *next, const char *dev)
{
	const char *dest, *type;
	struct nslab_error ignored = {0};
	char want[300];

	if (!next || json_object_get_type(next) != json_type_object ||
	    get_str(next, "destination", "", true, &dest, &ignored) < 0 || get_str(next, "type", "", true, &type, &ignored) < 0)
		return false;
	snprintf(want, sizeof(want), "%s/pts", dev);
	return !strcmp(type, "devpts") && !strcmp(dest, want);
}

static int add_kind(struct spec *s, const struct mnt *m, enum mount_kind kind, const char *const *flags,
		    struct oci_report *r, struct nslab_error *e)
{
	char data[512];

	mnt_options(m, flags, data, sizeof(data), r);
	if (spec_add_mount(s, kind, m->dest, data[0] ? data : NULL, e) < 0)
		return nslab_error_prefix(e, "%s", m->path);
	return 0;
}

/* A tmpfs on D with a devpts on D/pts is nslab's dev mount. Returns how many
 * entries it used, or -1. */
static int add_dev(struct spec *s, const struct mnt *m, const char *added, struct oci_report *r, struct nslab_error *e)
{
	char data[512], pts[300], item[300];

	snprintf(pts, sizeof(pts), "mount:%s/pts", m->dest);
	snprintf(item, sizeof(item), "mount:%s", m->dest);
	mnt_options(m, oci_dev_flags, data, sizeof(data), r);
	if (strcmp(data, OCI_DEV_DATA))
		oci_report_add(r, "%s.options: %s: nslab's dev tmpfs is mode=755,size=64k, ignored", m->path, data);
	if (oci_added_has(added, item) && oci_added_has(added, pts))
		return 2;
	if (spec_add_mount(s, MOUNT_DEV, m->dest, NULL, e) < 0)
		return nslab_error_prefix(e, "%s", m->path);
	return 2;
}

static int parse_mount(struct spec *s, json_object *a, size_t i, const char *added, struct oci_report *r,
		       struct nslab_error *e)
{
	char path[32], item[300];
	struct mnt m;
	json_object *next = i + 1 < json_object_array_length(a) ? json_object_array_get_idx(a, i + 1) : NULL;

	snprintf(path, sizeof(path), "mounts[%zu]", i);
	if (mnt_read(json_object_array_get_idx(a, i), path, &m, e) < 0)
		return -1;
	if (!strcmp(m.type, "tmpfs") && is_devpts_under(next, m.dest))
		return add_dev(s, &m, added, r, e);
	snprintf(item, sizeof(item), "mount:%s", m.dest);
	if (oci_added_has(added, item))
		return 1;
	int r2 = 0;
	if (!strcmp(m.type, "proc"))
		r2 = add_kind(s, &m, MOUNT_PROC, oci_proc_flags, r, e);
	else if (!strcmp(m.type, "tmpfs"))
		r2 = add_kind(s, &m, MOUNT_TMPFS, oci_tmpfs_flags, r, e);
	else if (!strcmp(m.type, "sysfs"))
		r2 = add_kind(s, &m, MOUNT_SYSFS, oci_sysfs_flags, r, e);
	else
		oci_report_add(r, "%s: %s on %s: not supported, ignored (nslab mounts proc, tmpfs, sysfs and dev)", path,
			       m.type, m.dest);
	return r2 < 0 ? -1 : 1;
}

int oci_parse_mounts(struct spec *s, json_object *mounts, const char *added, struct oci_report *r,
		     struct nslab_error *e)
{
	if (json_object_get_type(mounts) != json_type_array)
		return nslab_error_set(e, EINVAL, "", "mounts: expected an array, got %s",
				       json_type_to_name(json_object_get_type(mounts)));
	for (size_t i = 0; i < json_object_array_length(mounts);) {
		int used = parse_mount(s, mounts, i, added, r, e);
		if (used < 0)
			return -1;
		i += (size_t)used;
	}
	return 0;
}
