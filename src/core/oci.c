/* export oci: a spec as an OCI runtime bundle (config.json and rootfs) for runc and crun. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nslab/oci.h"
#include "nslab/plan.h"
#include "nslab/tree.h"
#include "nslab/util.h"
#include "oci_internal.h"

/* runtime-spec names, by enum ns_kind. */
const char *const oci_ns_names[NS_COUNT] = {
	[NS_PID] = "pid", [NS_USER] = "user", [NS_UTS] = "uts", [NS_MOUNT] = "mount",
	[NS_NET] = "network", [NS_IPC] = "ipc", [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

/* What runc's `runc spec` masks and makes read-only: the usual defaults. */
static const char *const masked_paths[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
					   "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
					   "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL};
static const char *const readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
					     NULL};

void oci_report_add(struct oci_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_addv(&r->lines, &r->n, fmt, ap);
	va_end(ap);
}

void oci_report_free(struct oci_report *r) { strv_free(&r->lines, &r->n); }

/* ---- small json-c builders ------------------------------------------------ */

static void put(json_object *o, const char *key, json_object *v) { json_object_object_add(o, key, v); }
static json_object *jstr(const char *s) { return json_object_new_string(s); }
static json_object *jint(long long v) { return json_object_new_int64(v); }

static json_object *jstrs(const char *const *list)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; list[i]; i++)
		json_object_array_add(a, jstr(list[i]));
	return a;
}

/* Split a mount data string ("size=1m,mode=755") onto an options array. */
static void add_split(json_object *a, const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text ? text : "");
	char *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		json_object_array_add(a, jstr(w));
}

/* ---- the pieces of config.json -------------------------------------------- */

/* The capabilities root inside an nslab container has: every one in a user
 * namespace of its own, else the bounding set it inherits from nslab. A
 * runtime gives none unless they are listed. */
static json_object *caps_list(bool all)
{
	json_object *a = json_object_new_array();

	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		if (!all && prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
			continue;
		char *name = cap_to_name(c);
		if (!name)
			continue;
		char up[64];
		size_t i = 0;
		for (; name[i] && i + 1 < sizeof(up); i++)
			up[i] = (char)toupper((unsigned char)name[i]);
		up[i] = '\0';
		cap_free(name);
		if (!strncmp(up, "CAP_", 4))
			json_object_array_add(a, jstr(up));
	}
	return a;
}

static json_object *caps_object(bool all)
{
	json_object *c = json_object_new_object();

	put(c, "bounding", caps_list(all));
	put(c, "effective", caps_list(all));
	put(c, "permitted", caps_list(all));
	return c;
}

static bool env_has(const struct spec *s, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < s->n_env; i++)
		if (!strncmp(s->env[i], key, len) && s->env[i][len] == '=')
			return true;
	return false;
}

static json_object *process_object(const struct spec *s, char *const argv[], uid_t uid, gid_t gid, struct oci_added *added)
{
	static const char *const default_argv[] = {"/bin/sh", NULL};
	json_object *p = json_object_new_object(), *user = json_object_new_object();
	json_object *args = json_object_new_array(), *env = json_object_new_array();

	put(p, "terminal", json_object_new_boolean(false));
	put(user, "uid", jint(uid));
	put(user, "gid", jint(gid));
	put(p, "user", user);
	for (size_t i = 0; argv && argv[i]; i++)
		json_object_array_add(args, jstr(argv[i]));
	if (!argv || !argv[0])
		json_object_array_add(args, jstr(default_argv[0]));
	put(p, "args", args);
	if (!env_has(s, "PATH")) {
		json_object_array_add(env, jstr(OCI_DEFAULT_PATH));
		oci_added_add(added, "env:PATH");
	}
	for (size_t i = 0; i < s->n_env; i++)
		json_object_array_add(env, jstr(s->env[i]));
	put(p, "env", env);
	put(p, "cwd", jstr("/"));
	put(p, "capabilities", caps_object(s->ns_mask & NS_BIT(NS_USER)));
	put(p, "noNewPrivileges", json_object_new_boolean(false));
	return p;
}

/* The ids the command runs as inside, as nslab's launcher would have them:
 * its own ids through the maps, or root when the plan becomes root. */
void oci_process_ids(const struct spec *s, const struct plan *p, uid_t euid, gid_t egid, uid_t *uid, gid_t *gid)
{
	*uid = euid;
	*gid = egid;
	if (!(s->ns_mask & NS_BIT(NS_USER)))
		return;
	if (plan_find(p, STEP_BECOME_ROOT) >= 0) {
		*uid = 0;
		*gid = 0;
		return;
	}
	*uid = oci_idmap_to_inside(&s->uidmap, euid);
	*gid = oci_idmap_to_inside(&s->gidmap, egid);
}

uint32_t oci_idmap_to_inside(const struct idmap *m, uint32_t outside)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct idmap_line *l = &m->lines[i];
		if (outside >= l->outside && (uint64_t)outside < (uint64_t)l->outside + l->count)
			return l->inside + (outside - l->outside);
	}
	return 65534; /* the overflow id the kernel shows for an unmapped one */
}

static json_object *mount_object(const char *dest, const char *type, const char *const *flags, const char *data)
{
	json_object *m = json_object_new_object(), *opts = json_object_new_array();

	put(m, "destination", jstr(dest));
	put(m, "type", jstr(type));
	put(m, "source", jstr(type));
	for (size_t i = 0; flags[i]; i++)
		json_object_array_add(opts, jstr(flags[i]));
	add_split(opts, data);
	put(m, "options", opts);
	return m;
}

/* nslab's mount flags for each kind (launch.c), so a runtime mounts the same. */
const char *const oci_proc_flags[] = {"nosuid", "nodev", "noexec", NULL};
const char *const oci_tmpfs_flags[] = {"nosuid", "nodev", NULL};
const char *const oci_sysfs_flags[] = {"nosuid", "nodev", "noexec", NULL};
const char *const oci_dev_flags[] = {"nosuid", "noexec", NULL};
const char *const oci_devpts_flags[] = {"nosuid", "noexec", NULL};

static void add_dev(json_object *mounts, const char *target, bool added, struct oci_added *a)
{
	char pts[300];

	snprintf(pts, sizeof(pts), "%s/pts", strcmp(target, "/") ? target : "");
	json_object_array_add(mounts, mount_object(target, "tmpfs", oci_dev_flags, OCI_DEV_DATA));
	json_object_array_add(mounts, mount_object(pts, "devpts", oci_devpts_flags, OCI_DEVPTS_DATA));
	if (!added)
		return;
	oci_added_add(a, "mount:%s", target);
	oci_added_add(a, "mount:%s", pts);
}

static bool plan_has_dev(const struct plan *p)
{
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].kind == MOUNT_DEV && !strcmp(p->mounts[i].target, "/dev"))
			return true;
	return false;
}

static json_object *mounts_array(const struct spec *s, const struct plan *p, struct oci_added *a)
{
	json_object *mounts = json_object_new_array();

	/* A runtime makes device nodes in /dev; on a tmpfs of its own they never
	 * touch the rootfs (and in a user namespace it binds them from the host). */
	if (s->rootfs && !plan_has_dev(p))
		add_dev(mounts, "/dev", true, a);
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		const char *data = m->options[0] ? m->options : NULL;
		if (m->kind == MOUNT_DEV) {
			add_dev(mounts, m->target, m->automatic, a);
			continue;
		}
		const char *const *flags = m->kind == MOUNT_PROC ? oci_proc_flags
					   : m->kind == MOUNT_SYSFS ? oci_sysfs_flags : oci_tmpfs_flags;
		json_object_array_add(mounts, mount_object(m->target, mount_kind_names[m->kind], flags, data));
		if (m->automatic)
			oci_added_add(a, "mount:%s", m->target);
	}
	return mounts;
}

static json_object *idmap_array(const struct idmap *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->n; i++) {
		json_object *l = json_object_new_object();
		put(l, "containerID", jint(m->lines[i].inside));
		put(l, "hostID", jint(m->lines[i].outside));
		put(l, "size", jint(m->lines[i].count));
		json_object_array_add(a, l);
	}
	return a;
}

static json_object *namespaces_array(const struct spec *s, struct oci_added *a, struct oci_report *notes)
{
	json_object *ns = json_object_new_array();
	unsigned mask = s->ns_mask;

	if (s->rootfs && !(mask & NS_BIT(NS_MOUNT))) {
		mask |= NS_BIT(NS_MOUNT);
		oci_added_add(a, "namespace:mount");
		oci_report_add(notes, "linux.namespaces: a mount namespace is added: a runtime mounts into the root it "
				      "pivots to, which without one would land in the host's mount table");
	}
	for (int k = 0; k < NS_COUNT; k++) {
		if (!(mask & NS_BIT(k)))
			continue;
		json_object *o = json_object_new_object();
		put(o, "type", jstr(oci_ns_names[k]));
		json_object_array_add(ns, o);
	}
	return ns;
}

static json_object *resources_object(const struct spec_limits *l)
{
	json_object *r = json_object_new_object();

	if (l->memory) {
		json_object *m = json_object_new_object();
		put(m, "limit", jint(l->memory));
		/* memory + swap = the limit: no swap, as nslab's own launch sets it */
		put(m, "swap", jint(l->memory));
		put(r, "memory", m);
	}
	if (l->pids) {
		json_object *p = json_object_new_object();
		put(p, "limit", jint(l->pids));
		put(r, "pids", p);
	}
	if (l->cpu_percent) {
		json_object *c = json_object_new_object();
		put(c, "quota", jint((long long)l->cpu_percent * OCI_CPU_PERIOD / 100));
		put(c, "period", jint(OCI_CPU_PERIOD));
		put(r, "cpu", c);
	}
	return r;
}

static json_object *time_offsets(const struct spec *s)
{
	json_object *t = json_object_new_object();
	const char *names[] = {"monotonic", "boottime"};
	long long secs[] = {s->time_offset_monotonic, s->time_offset_boottime};

	for (int i = 0; i < 2; i++) {
		json_object *o = json_object_new_object();
		put(o, "secs", jint(secs[i]));
		put(o, "nanosecs", jint(0));
		put(t, names[i], o);
	}
	return t;
}

static json_object *linux_object(const struct spec *s, struct oci_added *a, struct oci_report *notes)
{
	json_object *lx = json_object_new_object();

	put(lx, "namespaces", namespaces_array(s, a, notes));
	if (s->ns_mask & NS_BIT(NS_USER)) {
		put(lx, "uidMappings", idmap_array(&s->uidmap));
		put(lx, "gidMappings", idmap_array(&s->gidmap));
	}
	if (spec_has_limits(s))
		put(lx, "resources", resources_object(&s->limits));
	if (s->ns_mask & NS_BIT(NS_TIME))
		put(lx, "timeOffsets", time_offsets(s));
	put(lx, "maskedPaths", jstrs(masked_paths));
	put(lx, "readonlyPaths", jstrs(readonly_paths));
	oci_added_add(a, "maskedPaths");
	oci_added_add(a, "readonlyPaths");
	return lx;
}

/* What only nslab reads, kept so import gives the same spec back, with a
 * note for each: the runtimes will not do it. */
static void nslab_annotations(const struct spec *s, json_object *ann, struct oci_report *notes)
{
	static const char *const sg[] = {"auto", "deny", "allow"};

	if (s->overlay) {
		put(ann, OCI_ANN_OVERLAY, jstr("on"));
		oci_report_add(notes, "overlay: a runtime takes a plain directory as root: rootfs/ is a copy of the merged "
				      "layers, and the container's writes change that copy");
	}
	if (s->n_layers) {
		size_t len = 0, size = 1;
		for (size_t i = 0; i < s->n_layers; i++)
			size += strlen(s->layers[i]) + 1;
		_cleanup_free_ char *text = xmalloc(size);
		text[0] = '\0';
		for (size_t i = 0; i < s->n_layers; i++)
			str_appendf(text, size, &len, "%s%s", i ? "\n" : "", s->layers[i]);
		put(ann, OCI_ANN_LAYERS, jstr(text));
	}
	if (s->setgroups != SETGROUPS_AUTO) {
		put(ann, OCI_ANN_SETGROUPS, jstr(sg[s->setgroups]));
		oci_report_add(notes, "setgroups %s: the runtime-spec has no field for it (runc and crun write deny "
				      "only when rootless)", sg[s->setgroups]);
	}
	if (s->rootfs && s->enter == ENTER_CHROOT) {
		put(ann, OCI_ANN_ENTER, jstr("chroot"));
		oci_report_add(notes, "enter chroot: runtimes always pivot_root into the root");
	}
	if (s->net_lo || s->net_veth) {
		char net[96];
		if (s->net_bridge[0])
			snprintf(net, sizeof(net), "bridge %s", s->net_bridge);
		else if (s->net_veth)
			snprintf(net, sizeof(net), "veth%s%s%s%s", s->net_host[0] ? " " : "", s->net_host,
				 s->net_inside[0] ? " " : "", s->net_inside);
		else
			snprintf(net, sizeof(net), "lo");
		put(ann, OCI_ANN_NET, jstr(net));
		oci_report_add(notes, "net %s: runtimes leave a new network namespace with lo down and nothing else; "
				      "networking is a hook's job (CNI)", net);
	}
	if (s->trace_child)
		oci_report_add(notes, "trace child: not in a bundle; nslab run --oci DIR --trace traces it");
	if (s->ns_mask & NS_BIT(NS_TIME))
		oci_report_add(notes, "linux.timeOffsets: runtime-spec 1.1.0: runc 1.1 refuses a time namespace, and crun 1.8 "
				      "fails to start one together with a pid namespace");
	if (s->domainname)
		oci_report_add(notes, "domainname: runtime-spec 1.1.0: crun sets it, runc 1.1 ignores it");
}

json_object *oci_config_build(const struct spec *s, char *const argv[], uid_t euid, gid_t egid, const char *root_path,
			      struct oci_report *notes, struct nslab_error *e)
{
	_cleanup_free_ struct plan *p = xmalloc(sizeof(*p));
	struct oci_added added = {0};
	uid_t uid;
	gid_t gid;

	if (!s->rootfs)
		return nslab_error_set(e, EINVAL, "", "an OCI bundle has a root of its own: set one first (rootfs default)"),
		       NULL;
	if (plan_build(s, euid, egid, NULL, p, e) < 0)
		return NULL;
	oci_process_ids(s, p, euid, egid, &uid, &gid);
	bool v11 = (s->ns_mask & NS_BIT(NS_TIME)) || s->domainname;
	json_object *c = json_object_new_object(), *root = json_object_new_object();
	json_object *ann = json_object_new_object();
	put(c, "ociVersion", jstr(v11 ? "1.1.0" : "1.0.2"));
	put(c, "process", process_object(s, argv, uid, gid, &added));
	put(root, "path", jstr(root_path));
	put(root, "readonly", json_object_new_boolean(false));
	put(c, "root", root);
	if (s->hostname)
		put(c, "hostname", jstr(s->hostname));
	if (s->domainname)
		put(c, "domainname", jstr(s->domainname));
	put(c, "mounts", mounts_array(s, p, &added));
	put(c, "linux", linux_object(s, &added, notes));
	nslab_annotations(s, ann, notes);
	put(ann, OCI_ANN_ADDED, jstr(added.text));
	put(c, "annotations", ann);
	return c;
}

/* ---- writing the bundle ---------------------------------------------------- */

static int dir_prepare(const char *dir, bool *made, struct nslab_error *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	*made = false;
	if (mkdir(dir, 0755) == 0) {
		*made = true;
		return 0;
	}
	if (errno != EEXIST)
		return nslab_error_set(e, errno, "mkdir", "%s: %s", dir, strerror(errno));
	d = opendir(dir);
	if (!d)
		return nslab_error_set(e, errno, "opendir", "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return nslab_error_set(e, ENOTEMPTY, "", "%s is not empty: export oci writes a fresh bundle", dir);
	return 0;
}

static int write_config(json_object *c, const char *dir, struct nslab_error *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	const char *text = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	int r = write_all(fd, text, strlen(text));
	if (r == 0)
		r = write_all(fd, "\n", 1);
	if (r < 0)
		return nslab_error_set(e, -r, "write", "%s: %s", path, strerror(-r));
	return 0;
}

static void undo_export(const char *dir, bool made)
{
	struct nslab_error ignored = {0};
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", dir);
	_cleanup_free_ char *config = xasprintf("%s/config.json", dir);

	tree_remove(rootfs, &ignored);
	unlink(config);
	if (made)
		rmdir(dir);
}

static int export_files(const struct spec *s, json_object *c, const char *dir, const struct oci_export_opts *o,
			struct oci_report *notes, struct nslab_error *e)
{
	long skipped = 0;

	if (!o->no_copy) {
		_cleanup_free_ char *dst = xasprintf("%s/rootfs", dir);
		if (oci_rootfs_copy(s->rootfs, (const char *const *)s->layers, s->n_layers, dst, &skipped, e) < 0) {
			if (e->err == EACCES)
				snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
					 " (not readable to you: export as root, or --no-copy to use the rootfs in place)");
			return -1;
		}
	}
	if (skipped)
		oci_report_add(notes, "rootfs: %ld device nodes not copied: only root may create them (the /dev tmpfs "
				      "gets its own)", skipped);
	return write_config(c, dir, e);
}

int oci_export(const struct spec *s, char *const argv[], const char *dir, const struct oci_export_opts *o,
	       struct oci_report *notes, struct nslab_error *e)
{
	bool made;

	if (o->no_copy && s->n_layers)
		return nslab_error_set(e, EINVAL, "", "--no-copy names the rootfs itself, without the layers above it: "
						      "export without it to merge them");
	json_object *c = oci_config_build(s, argv, geteuid(), getegid(), o->no_copy && s->rootfs ? s->rootfs : "rootfs",
					  notes, e);
	if (!c)
		return -1;
	if (o->no_copy)
		oci_report_add(notes, "root.path: %s itself (--no-copy): the container writes into it", s->rootfs);
	int r = dir_prepare(dir, &made, e);
	if (r == 0 && (r = export_files(s, c, dir, o, notes, e)) < 0)
		undo_export(dir, made);
	json_object_put(c);
	if (r < 0)
		return nslab_error_prefix(e, "export oci %s", dir);
	return 0;
}
