/* import oci: a bundle's config.json read into a spec; every field nslab does not follow is reported by its JSON path. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "nslab/idmap.h"
#include "nslab/oci.h"
#include "nslab/plan.h"
#include "nslab/util.h"
#include "oci_internal.h"

struct imp {
	struct spec *s;
	struct oci_report *r;
	struct nslab_error *e;
	const char *bundle;
	const char *added;	/* org.nslab.added: what export put in only for the runtimes */
	json_object *user;	/* process.user, checked once the spec is whole */
};

static const char *type_name(json_object *o) { return o ? json_type_to_name(json_object_get_type(o)) : "null"; }

static bool is_added(const struct imp *x, const char *item) { return oci_added_has(x->added, item); }

/* ---- typed access: wrong types are errors naming the field ----------------- */

static int want(struct imp *x, json_object *o, json_type t, const char *path)
{
	static const char *const what[] = {
		[json_type_null] = "null", [json_type_boolean] = "true or false", [json_type_double] = "a number",
		[json_type_int] = "a whole number", [json_type_object] = "an object", [json_type_array] = "an array",
		[json_type_string] = "a string",
	};
	if (o && json_object_get_type(o) == t)
		return 0;
	return nslab_error_set(x->e, EINVAL, "", "%s: expected %s, got %s", path, what[t], type_name(o));
}

static int get_int(struct imp *x, json_object *o, const char *path, long long min, long long max, long long *out)
{
	if (want(x, o, json_type_int, path) < 0)
		return -1;
	errno = 0;
	long long v = json_object_get_int64(o);
	if (errno == ERANGE || v < min || v > max)
		return nslab_error_set(x->e, ERANGE, "", "%s: %lld is out of range (%lld to %lld)", path, v, min, max);
	*out = v;
	return 0;
}

static void unsupported(struct imp *x, const char *path) { oci_report_add(x->r, "%s: not supported, ignored", path); }

static bool in_list(const char *const *list, const char *word)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], word))
			return true;
	return false;
}

/* Every key of an object that nslab does not read, reported once. */
static void report_unknown(struct imp *x, json_object *obj, const char *path, const char *const *known)
{
	json_object_object_foreach(obj, key, val) {
		(void)val;
		if (in_list(known, key))
			continue;
		char full[256];
		snprintf(full, sizeof(full), "%s%s%s", path, path[0] ? "." : "", key);
		unsupported(x, full);
	}
}

/* ---- process --------------------------------------------------------------- */

static int parse_args(struct imp *x, json_object *args, struct oci_process *proc)
{
	size_t n;
	char path[64];

	if (want(x, args, json_type_array, "process.args") < 0)
		return -1;
	n = json_object_array_length(args);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "process.args[%zu]", i);
		if (want(x, json_object_array_get_idx(args, i), json_type_string, path) < 0)
			return -1;
	}
	if (!proc || !n)
		return 0;
	proc->argv = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		proc->argv[i] = xstrdup(json_object_get_string(json_object_array_get_idx(args, i)));
	proc->argc = n;
	return 0;
}

static int parse_env(struct imp *x, json_object *env)
{
	char path[64];

	if (want(x, env, json_type_array, "process.env") < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		json_object *v = json_object_array_get_idx(env, i);
		snprintf(path, sizeof(path), "process.env[%zu]", i);
		if (want(x, v, json_type_string, path) < 0)
			return -1;
		const char *kv = json_object_get_string(v);
		if (!strcmp(kv, OCI_DEFAULT_PATH) && is_added(x, "env:PATH"))
			continue;
		if (spec_set_env(x->s, kv, x->e) < 0)
			return nslab_error_prefix(x->e, "%s", path);
	}
	return 0;
}

/* Root inside an nslab container keeps every capability; a config that
 * lists fewer is asking for something nslab does not do. */
static bool caps_full(json_object *caps)
{
	static const char *const sets[] = {"bounding", "effective", "permitted"};

	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		json_object *a = json_object_object_get(caps, sets[i]);
		if (!a || json_object_get_type(a) != json_type_array || json_object_array_length(a) < OCI_CAPS_FULL)
			return false;
	}
	return true;
}

static int parse_user(struct imp *x, json_object *user)
{
	static const char *const known[] = {"uid", "gid", NULL};
	long long v;

	if (want(x, user, json_type_object, "process.user") < 0)
		return -1;
	if (get_int(x, json_object_object_get(user, "uid"), "process.user.uid", 0, UINT32_MAX - 1, &v) < 0 ||
	    get_int(x, json_object_object_get(user, "gid"), "process.user.gid", 0, UINT32_MAX - 1, &v) < 0)
		return -1;
	report_unknown(x, user, "process.user", known);
	x->user = user;
	return 0;
}

static int parse_bool(struct imp *x, json_object *o, const char *path, bool *out)
{
	if (want(x, o, json_type_boolean, path) < 0)
		return -1;
	*out = json_object_get_boolean(o);
	return 0;
}

static int parse_process(struct imp *x, json_object *p, struct oci_process *proc)
{
	static const char *const known[] = {"terminal", "user", "args", "env", "cwd", "capabilities", "noNewPrivileges",
					    NULL};
	json_object *v;
	bool b;

	if (want(x, p, json_type_object, "process") < 0)
		return -1;
	if ((v = json_object_object_get(p, "args")) && parse_args(x, v, proc) < 0)
		return -1;
	if ((v = json_object_object_get(p, "env")) && parse_env(x, v) < 0)
		return -1;
	if ((v = json_object_object_get(p, "user")) && parse_user(x, v) < 0)
		return -1;
	if ((v = json_object_object_get(p, "terminal"))) {
		if (parse_bool(x, v, "process.terminal", &b) < 0)
			return -1;
		if (b)
			oci_report_add(x->r, "process.terminal: no new pseudo-terminal: run hands the container the one nslab runs in");
	}
	if ((v = json_object_object_get(p, "cwd"))) {
		if (want(x, v, json_type_string, "process.cwd") < 0)
			return -1;
		if (strcmp(json_object_get_string(v), "/") != 0)
			oci_report_add(x->r, "process.cwd %s: nslab starts the command in /, ignored", json_object_get_string(v));
	}
	if ((v = json_object_object_get(p, "capabilities"))) {
		if (want(x, v, json_type_object, "process.capabilities") < 0)
			return -1;
		if (!caps_full(v))
			oci_report_add(x->r, "process.capabilities: nslab keeps every capability of root inside, ignored");
	}
	if ((v = json_object_object_get(p, "noNewPrivileges"))) {
		if (parse_bool(x, v, "process.noNewPrivileges", &b) < 0)
			return -1;
		if (b)
			unsupported(x, "process.noNewPrivileges");
	}
	report_unknown(x, p, "process", known);
	return 0;
}

/* ---- root, names ----------------------------------------------------------- */

static int parse_root(struct imp *x, json_object *root)
{
	json_object *path, *ro;

	if (!root)
		return nslab_error_set(x->e, EINVAL, "", "root: missing (the runtime-spec requires root.path on Linux)");
	if (want(x, root, json_type_object, "root") < 0)
		return -1;
	path = json_object_object_get(root, "path");
	if (want(x, path, json_type_string, "root.path") < 0)
		return -1;
	const char *p = json_object_get_string(path);
	_cleanup_free_ char *full = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", x->bundle, p);
	if (spec_set_rootfs(x->s, full, x->e) < 0)
		return nslab_error_prefix(x->e, "root.path");
	bool b = false;
	if ((ro = json_object_object_get(root, "readonly")) && parse_bool(x, ro, "root.readonly", &b) < 0)
		return -1;
	if (b)
		oci_report_add(x->r, "root.readonly: nslab's rootfs is writable (overlay on keeps it unchanged), ignored");
	static const char *const known[] = {"path", "readonly", NULL};
	report_unknown(x, root, "root", known);
	return 0;
}

static int parse_name(struct imp *x, json_object *o, const char *path,
		      int (*set)(struct spec *, const char *, struct nslab_error *))
{
	if (!o)
		return 0;
	if (want(x, o, json_type_string, path) < 0)
		return -1;
	if (set(x->s, json_object_get_string(o), x->e) < 0)
		return nslab_error_prefix(x->e, "%s", path);
	return 0;
}

/* ---- linux ----------------------------------------------------------------- */

static int parse_namespace(struct imp *x, json_object *o, size_t i)
{
	char path[64];
	json_object *type;

	snprintf(path, sizeof(path), "linux.namespaces[%zu]", i);
	if (want(x, o, json_type_object, path) < 0)
		return -1;
	type = json_object_object_get(o, "type");
	snprintf(path, sizeof(path), "linux.namespaces[%zu].type", i);
	if (want(x, type, json_type_string, path) < 0)
		return -1;
	const char *t = json_object_get_string(type);
	int k = 0;
	while (k < NS_COUNT && strcmp(oci_ns_names[k], t))
		k++;
	if (k == NS_COUNT)
		return nslab_error_set(x->e, EINVAL, "", "%s '%s': unknown namespace type (pid network mount ipc uts user cgroup time)",
				       path, t);
	if (x->s->ns_mask & NS_BIT(k))
		return nslab_error_set(x->e, EINVAL, "", "linux.namespaces[%zu]: %s is listed twice", i, t);
	if (json_object_object_get(o, "path"))
		oci_report_add(x->r, "linux.namespaces[%zu].path: joining an existing namespace is not supported; a new one is made", i);
	if (!(k == NS_MOUNT && is_added(x, "namespace:mount")))
		x->s->ns_mask |= NS_BIT(k);
	return 0;
}

static int parse_namespaces(struct imp *x, json_object *a)
{
	if (want(x, a, json_type_array, "linux.namespaces") < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (parse_namespace(x, json_object_array_get_idx(a, i), i) < 0)
			return -1;
	return 0;
}

static int parse_map_line(struct imp *x, json_object *o, const char *path, struct idmap *m)
{
	long long in, out, n;
	char field[96];

	if (want(x, o, json_type_object, path) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s.containerID", path);
	if (get_int(x, json_object_object_get(o, "containerID"), field, 0, UINT32_MAX - 1, &in) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s.hostID", path);
	if (get_int(x, json_object_object_get(o, "hostID"), field, 0, UINT32_MAX - 1, &out) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s.size", path);
	if (get_int(x, json_object_object_get(o, "size"), field, 1, UINT32_MAX, &n) < 0)
		return -1;
	struct idmap_line l = {(uint32_t)in, (uint32_t)out, (uint32_t)n};
	if ((uint64_t)in + (uint64_t)n > (uint64_t)UINT32_MAX + 1 || (uint64_t)out + (uint64_t)n > (uint64_t)UINT32_MAX + 1)
		return nslab_error_set(x->e, ERANGE, "", "%s: the range runs past the last id (4294967295)", path);
	if (idmap_add(m, &l, x->e) < 0)
		return nslab_error_prefix(x->e, "%s", path);
	return 0;
}

static int parse_maps(struct imp *x, json_object *a, const char *name, struct idmap *m)
{
	char path[64];

	if (!a)
		return 0;
	snprintf(path, sizeof(path), "linux.%s", name);
	if (want(x, a, json_type_array, path) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		snprintf(path, sizeof(path), "linux.%s[%zu]", name, i);
		if (parse_map_line(x, json_object_array_get_idx(a, i), path, m) < 0)
			return -1;
	}
	return 0;
}

static int parse_memory(struct imp *x, json_object *m)
{
	static const char *const known[] = {"limit", "swap", NULL};
	json_object *limit = json_object_object_get(m, "limit"), *swap = json_object_object_get(m, "swap");
	long long v = -1, sw;

	if (want(x, m, json_type_object, "linux.resources.memory") < 0)
		return -1;
	if (limit && get_int(x, limit, "linux.resources.memory.limit", -1, INT64_MAX, &v) < 0)
		return -1;
	if (v == 0)
		return nslab_error_set(x->e, EINVAL, "", "linux.resources.memory.limit: 0 bytes would leave nothing to run in (-1: no limit)");
	x->s->limits.memory = v > 0 ? v : 0;
	if (swap && get_int(x, swap, "linux.resources.memory.swap", -1, INT64_MAX, &sw) < 0)
		return -1;
	if (swap && sw != v)
		oci_report_add(x->r, "linux.resources.memory.swap: nslab gives a limited container no swap (memory + swap = the limit), ignored");
	report_unknown(x, m, "linux.resources.memory", known);
	return 0;
}

static int parse_pids(struct imp *x, json_object *p)
{
	static const char *const known[] = {"limit", NULL};
	long long v;

	if (want(x, p, json_type_object, "linux.resources.pids") < 0)
		return -1;
	if (get_int(x, json_object_object_get(p, "limit"), "linux.resources.pids.limit", -1, 4194304, &v) < 0)
		return -1;
	x->s->limits.pids = v > 0 ? v : 0; /* 0 and -1 both mean no limit to runc */
	report_unknown(x, p, "linux.resources.pids", known);
	return 0;
}

static int parse_cpu(struct imp *x, json_object *c)
{
	static const char *const known[] = {"quota", "period", NULL};
	json_object *quota = json_object_object_get(c, "quota"), *period = json_object_object_get(c, "period");
	long long q = -1, p = OCI_CPU_PERIOD;

	if (want(x, c, json_type_object, "linux.resources.cpu") < 0)
		return -1;
	if (quota && get_int(x, quota, "linux.resources.cpu.quota", -1, INT64_MAX / 100, &q) < 0)
		return -1;
	if (period && get_int(x, period, "linux.resources.cpu.period", 1000, 1000000, &p) < 0)
		return -1;
	report_unknown(x, c, "linux.resources.cpu", known);
	if (q <= 0)
		return 0;
	long long pct = (q * 100 + p - 1) / p;
	if (pct > 1000000)
		return nslab_error_set(x->e, ERANGE, "", "linux.resources.cpu.quota: %lld per %lld us is %lld CPUs", q, p, q / p);
	if (q * 100 % p)
		oci_report_add(x->r, "linux.resources.cpu: quota %lld per period %lld us is not a whole percent of a CPU: cpu %lld%%",
			       q, p, pct);
	x->s->limits.cpu_percent = (int)pct;
	return 0;
}

static int parse_resources(struct imp *x, json_object *r)
{
	static const char *const known[] = {"memory", "pids", "cpu", NULL};
	json_object *v;

	if (want(x, r, json_type_object, "linux.resources") < 0)
		return -1;
	if ((v = json_object_object_get(r, "memory")) && parse_memory(x, v) < 0)
		return -1;
	if ((v = json_object_object_get(r, "pids")) && parse_pids(x, v) < 0)
		return -1;
	if ((v = json_object_object_get(r, "cpu")) && parse_cpu(x, v) < 0)
		return -1;
	report_unknown(x, r, "linux.resources", known);
	return 0;
}

static int parse_clock(struct imp *x, const char *name, json_object *o)
{
	char path[96];
	long long secs, ns = 0;
	json_object *nsecs;

	snprintf(path, sizeof(path), "linux.timeOffsets.%s", name);
	if (want(x, o, json_type_object, path) < 0)
		return -1;
	snprintf(path, sizeof(path), "linux.timeOffsets.%s.secs", name);
	if (get_int(x, json_object_object_get(o, "secs"), path, -1000LL * 365 * 86400, 1000LL * 365 * 86400, &secs) < 0)
		return -1;
	snprintf(path, sizeof(path), "linux.timeOffsets.%s.nanosecs", name);
	if ((nsecs = json_object_object_get(o, "nanosecs")) && get_int(x, nsecs, path, 0, 999999999, &ns) < 0)
		return -1;
	if (ns)
		oci_report_add(x->r, "%s: nslab offsets clocks by whole seconds, ignored", path);
	if (!strcmp(name, "monotonic"))
		x->s->time_offset_monotonic = secs;
	else
		x->s->time_offset_boottime = secs;
	return 0;
}

static int parse_time(struct imp *x, json_object *t)
{
	if (want(x, t, json_type_object, "linux.timeOffsets") < 0)
		return -1;
	json_object_object_foreach(t, key, val) {
		if (strcmp(key, "monotonic") && strcmp(key, "boottime"))
			return nslab_error_set(x->e, EINVAL, "", "linux.timeOffsets.%s: unknown clock (monotonic, boottime)", key);
		if (parse_clock(x, key, val) < 0)
			return -1;
	}
	return 0;
}

static int parse_linux(struct imp *x, json_object *lx)
{
	static const char *const known[] = {"namespaces", "uidMappings", "gidMappings", "resources", "timeOffsets",
					    "maskedPaths", "readonlyPaths", NULL};
	json_object *v;

	if (want(x, lx, json_type_object, "linux") < 0)
		return -1;
	if ((v = json_object_object_get(lx, "namespaces")) && parse_namespaces(x, v) < 0)
		return -1;
	if (parse_maps(x, json_object_object_get(lx, "uidMappings"), "uidMappings", &x->s->uidmap) < 0 ||
	    parse_maps(x, json_object_object_get(lx, "gidMappings"), "gidMappings", &x->s->gidmap) < 0)
		return -1;
	if ((v = json_object_object_get(lx, "resources")) && parse_resources(x, v) < 0)
		return -1;
	if ((v = json_object_object_get(lx, "timeOffsets")) && parse_time(x, v) < 0)
		return -1;
	if (json_object_object_get(lx, "maskedPaths") && !is_added(x, "maskedPaths"))
		unsupported(x, "linux.maskedPaths");
	if (json_object_object_get(lx, "readonlyPaths") && !is_added(x, "readonlyPaths"))
		unsupported(x, "linux.readonlyPaths");
	report_unknown(x, lx, "linux", known);
	return 0;
}

/* ---- the whole config ------------------------------------------------------ */

static int check_version(struct imp *x, json_object *v)
{
	if (!v)
		return nslab_error_set(x->e, EINVAL, "", "ociVersion: missing (every config.json names its runtime-spec version)");
	if (want(x, v, json_type_string, "ociVersion") < 0)
		return -1;
	if (strncmp(json_object_get_string(v), "1.", 2) != 0)
		return nslab_error_set(x->e, EINVAL, "", "ociVersion '%s': nslab reads runtime-spec 1.x",
				       json_object_get_string(v));
	return 0;
}

/* The ids the config asks for against the ids nslab will run the command as. */
static void check_user(struct imp *x)
{
	_cleanup_free_ struct plan *p = xmalloc(sizeof(*p));
	struct nslab_error ignored = {0};
	uid_t uid;
	gid_t gid;

	if (!x->user || plan_build(x->s, geteuid(), getegid(), NULL, p, &ignored) < 0)
		return;
	oci_process_ids(x->s, p, geteuid(), getegid(), &uid, &gid);
	long long want_uid = json_object_get_int64(json_object_object_get(x->user, "uid"));
	long long want_gid = json_object_get_int64(json_object_object_get(x->user, "gid"));
	if (want_uid != uid || want_gid != gid)
		oci_report_add(x->r, "process.user: uid %lld gid %lld: nslab runs the command as uid %u gid %u here "
				     "(your own ids through the maps, or root when only root is mapped), ignored",
			       want_uid, want_gid, (unsigned)uid, (unsigned)gid);
}

static int parse_all(struct imp *x, json_object *c, struct oci_process *proc)
{
	static const char *const known[] = {"ociVersion", "process", "root", "hostname", "domainname", "mounts", "linux",
					    "annotations", NULL};
	json_object *v;

	if (want(x, c, json_type_object, "config.json") < 0 || check_version(x, json_object_object_get(c, "ociVersion")) < 0)
		return -1;
	if ((v = json_object_object_get(c, "annotations")) && oci_parse_annotations(x->s, v, x->r, &x->added, x->e) < 0)
		return -1;
	if (parse_root(x, json_object_object_get(c, "root")) < 0)
		return -1;
	if ((v = json_object_object_get(c, "process")) && parse_process(x, v, proc) < 0)
		return -1;
	if (parse_name(x, json_object_object_get(c, "hostname"), "hostname", spec_set_hostname) < 0 ||
	    parse_name(x, json_object_object_get(c, "domainname"), "domainname", spec_set_domainname) < 0)
		return -1;
	if ((v = json_object_object_get(c, "linux")) && parse_linux(x, v) < 0)
		return -1;
	if ((v = json_object_object_get(c, "mounts")) && oci_parse_mounts(x->s, v, x->added, x->r, x->e) < 0)
		return -1;
	report_unknown(x, c, "", known);
	/* pivot_root swaps the root of a mount table: without one of its own, chroot. */
	if (!(x->s->ns_mask & NS_BIT(NS_MOUNT)) && x->s->enter == ENTER_PIVOT_ROOT) {
		x->s->enter = ENTER_CHROOT;
		oci_report_add(x->r, "linux.namespaces: no mount namespace, so nslab enters the root with chroot");
	}
	if (spec_validate(x->s, 0, x->e) < 0)
		return nslab_error_prefix(x->e, "config.json does not make a container nslab can run");
	check_user(x);
	return 0;
}

void oci_process_free(struct oci_process *p) { strv_free(&p->argv, &p->argc); }

int oci_config_parse(json_object *config, const char *bundle_dir, struct spec *out, struct oci_process *proc,
		     struct oci_report *r, struct nslab_error *e)
{
	struct imp x = {.s = out, .r = r, .e = e, .bundle = bundle_dir ? bundle_dir : "."};

	spec_init(out);
	if (proc)
		*proc = (struct oci_process){0};
	if (parse_all(&x, config, proc) == 0)
		return 0;
	spec_free(out);
	if (proc)
		oci_process_free(proc);
	return -1;
}

int oci_config_parse_text(const char *text, const char *bundle_dir, struct spec *out, struct oci_process *proc,
			  struct oci_report *r, struct nslab_error *e)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *c = json_tokener_parse_ex(tok, text, (int)strlen(text));
	enum json_tokener_error err = json_tokener_get_error(tok);

	if (!c || err != json_tokener_success) {
		size_t at = json_tokener_get_parse_end(tok);
		json_tokener_free(tok);
		json_object_put(c);
		return nslab_error_set(e, EINVAL, "", "config.json is not JSON: %s (at byte %zu)",
				       err == json_tokener_success ? "incomplete" : json_tokener_error_desc(err), at);
	}
	json_tokener_free(tok);
	int ret = oci_config_parse(c, bundle_dir, out, proc, r, e);
	json_object_put(c);
	return ret;
}

int oci_import(const char *dir, struct spec *out, struct oci_process *proc, struct oci_report *r, struct nslab_error *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	_cleanup_free_ char *abs = realpath(dir, NULL);
	_cleanup_free_ char *text = read_file_all(path);

	if (!text || !abs)
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	if (oci_config_parse_text(text, abs, out, proc, r, e) < 0)
		return nslab_error_prefix(e, "%s", path);
	return 0;
}
