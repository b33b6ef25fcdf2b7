/* struct spec: the one container model, its namespace table and validation. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>

#include "nslab/idmap.h"
#include "nslab/spec.h"
#include "nslab/syscalls.h"
#include "nslab/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct ns_info ns_table[NS_COUNT] = {
	[NS_PID] = {"pid", "CLONE_NEWPID", CLONE_NEWPID, "pid", "process IDs: the child is PID 1 and sees only its own processes"},
	[NS_USER] = {"user", "CLONE_NEWUSER", CLONE_NEWUSER, "user", "user and group IDs and capabilities: root inside can be nobody outside"},
	[NS_UTS] = {"uts", "CLONE_NEWUTS", CLONE_NEWUTS, "uts", "hostname and NIS domain name"},
	[NS_MOUNT] = {"mount", "CLONE_NEWNS", CLONE_NEWNS, "mnt", "the mount table: mounts inside are invisible outside"},
	[NS_NET] = {"net", "CLONE_NEWNET", CLONE_NEWNET, "net", "network devices, addresses, routes, ports: starts with only lo, down"},
	[NS_IPC] = {"ipc", "CLONE_NEWIPC", CLONE_NEWIPC, "ipc", "System V IPC objects and POSIX message queues"},
	[NS_CGROUP] = {"cgroup", "CLONE_NEWCGROUP", CLONE_NEWCGROUP, "cgroup", "the view of the cgroup tree: the child's own cgroup looks like /"},
	[NS_TIME] = {"time", "CLONE_NEWTIME", CLONE_NEWTIME, "time", "offsets for CLOCK_MONOTONIC and CLOCK_BOOTTIME (uptime)"},
};

const char *const mount_kind_names[MOUNT_KIND_COUNT] = {
	[MOUNT_PROC] = "proc",
	[MOUNT_TMPFS] = "tmpfs",
	[MOUNT_SYSFS] = "sysfs",
	[MOUNT_DEV] = "dev",
};

int ns_lookup(const char *word)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (!strcasecmp(word, ns_table[k].name) || !strcasecmp(word, ns_table[k].flag_name) ||
		    !strcasecmp(word, ns_table[k].proc_name))
			return k;
	if (!strcasecmp(word, "network"))
		return NS_NET;
	return -1;
}

void spec_init(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->setgroups = SETGROUPS_AUTO;
	s->enter = ENTER_PIVOT_ROOT;
	s->trace_classes = SC_DEFAULT;
}

bool spec_traces_call(const struct spec *s, long nr)
{
	if (nr < 0)
		return false;
	if (s->trace_classes == SC_ALL) /* all: every call, classed or not */
		return true;
	if (nr < SPEC_TRACE_CALLS && (s->trace_calls[nr / 8] & (1u << (nr % 8))))
		return true;
	return (syscall_classes(nr) & s->trace_classes) != 0;
}

void spec_free(struct spec *s)
{
	free(s->hostname);
	free(s->domainname);
	free(s->rootfs);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].target);
		free(s->mounts[i].options);
	}
	for (size_t i = 0; i < s->n_env; i++)
		free(s->env[i]);
	spec_clear_layers(s);
	spec_init(s);
}

static char *dup_or_null(const char *p) { return p ? xstrdup(p) : NULL; }

void spec_copy(struct spec *dst, const struct spec *src)
{
	*dst = *src;
	dst->hostname = dup_or_null(src->hostname);
	dst->domainname = dup_or_null(src->domainname);
	dst->rootfs = dup_or_null(src->rootfs);
	for (size_t i = 0; i < src->n_mounts; i++) {
		dst->mounts[i].target = dup_or_null(src->mounts[i].target);
		dst->mounts[i].options = dup_or_null(src->mounts[i].options);
	}
	for (size_t i = 0; i < src->n_env; i++)
		dst->env[i] = xstrdup(src->env[i]);
	for (size_t i = 0; i < src->n_layers; i++)
		dst->layers[i] = xstrdup(src->layers[i]);
}

int spec_add_layer(struct spec *s, const char *dir, struct nslab_error *e)
{
	struct stat st;

	if (s->n_layers >= SPEC_MAX_LAYERS)
		return nslab_error_set(e, ENOSPC, "", "at most %d layers", SPEC_MAX_LAYERS);
	if (stat(dir, &st) < 0)
		return nslab_error_set(e, errno, "", "layer %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return nslab_error_set(e, ENOTDIR, "", "layer %s is not a directory", dir);
	char *abs = realpath(dir, NULL);
	if (!abs)
		return nslab_error_set(e, errno, "", "layer %s: %s", dir, strerror(errno));
	for (size_t i = 0; i < s->n_layers; i++) {
		if (!strcmp(s->layers[i], abs)) {
			free(abs);
			return nslab_error_set(e, EEXIST, "", "%s is already a layer", dir);
		}
	}
	/* The newest layer goes on top: first in the list, as lowerdir reads it. */
	memmove(&s->layers[1], &s->layers[0], s->n_layers * sizeof(s->layers[0]));
	s->layers[0] = abs;
	s->n_layers++;
	return 0;
}

void spec_clear_layers(struct spec *s)
{
	for (size_t i = 0; i < s->n_layers; i++)
		free(s->layers[i]);
	s->n_layers = 0;
}

bool spec_has_limits(const struct spec *s)
{
	return s->limits.memory || s->limits.pids || s->limits.cpu_percent;
}

/* Host names follow RFC 1123 labels; the kernel only limits the length (64),
 * but a name a resolver cannot use teaches the wrong thing. */
static int check_hostname(const char *what, const char *name, struct nslab_error *e)
{
	size_t len = strlen(name);

	if (len == 0 || len > 64)
		return nslab_error_set(e, EINVAL, "", "%s must be 1 to 64 characters (the kernel's limit)", what);
	for (const char *p = name; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			  *p == '-' || *p == '.';
		if (!ok)
			return nslab_error_set(e, EINVAL, "", "%s '%s': use letters, digits, '-' and '.' only", what, name);
	}
	if (name[0] == '-' || name[0] == '.')
		return nslab_error_set(e, EINVAL, "", "%s '%s' must not start with '%c'", what, name, name[0]);
	return 0;
}

int spec_set_hostname(struct spec *s, const char *name, struct nslab_error *e)
{
	if (check_hostname("hostname", name, e) < 0)
		return -1;
	free(s->hostname);
	s->hostname = xstrdup(name);
	return 0;
}

int spec_set_domainname(struct spec *s, const char *name, struct nslab_error *e)
{
	if (check_hostname("domainname", name, e) < 0)
		return -1;
	free(s->domainname);
	s->domainname = xstrdup(name);
	return 0;
}

int spec_set_rootfs(struct spec *s, const char *dir, struct nslab_error *e)
{
	struct stat st;

	if (!dir) {
		free(s->rootfs);
		s->rootfs = NULL;
		return 0;
	}
	if (stat(dir, &st) < 0)
		return nslab_error_set(e, errno, "", "rootfs %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return nslab_error_set(e, ENOTDIR, "", "rootfs %s is not a directory", dir);
	char *abs = realpath(dir, NULL);
	if (!abs)
		return nslab_error_set(e, errno, "", "rootfs %s: %s", dir, strerror(errno));
	free(s->rootfs);
	s->rootfs = abs;
	return 0;
}

static int check_target(const char *target, struct nslab_error *e)
{
	if (target[0] != '/')
		return nslab_error_set(e, EINVAL, "", "mount target '%s' must be an absolute path inside the container", target);
	if (strstr(target, "/../") || !strcmp(target + strlen(target) - (strlen(target) >= 3 ? 3 : 0), "/.."))
		return nslab_error_set(e, EINVAL, "", "mount target '%s' must not contain '..'", target);
	if (strlen(target) >= 256)
		return nslab_error_set(e, ENAMETOOLONG, "", "mount target is too long");
	return 0;
}

int spec_add_mount(struct spec *s, enum mount_kind kind, const char *target, const char *options,
		   struct nslab_error *e)
{
	if (check_target(target, e) < 0)
		return -1;
	if (s->n_mounts >= SPEC_MAX_MOUNTS)
		return nslab_error_set(e, ENOSPC, "", "at most %d extra mounts", SPEC_MAX_MOUNTS);
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].target, target))
			return nslab_error_set(e, EEXIST, "", "%s is already a mount target (reset to start over)", target);
	s->mounts[s->n_mounts].kind = kind;
	s->mounts[s->n_mounts].target = xstrdup(target);
	s->mounts[s->n_mounts].options = dup_or_null(options);
	s->n_mounts++;
	return 0;
}

int spec_set_env(struct spec *s, const char *kv, struct nslab_error *e)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return nslab_error_set(e, EINVAL, "", "env takes K=V, not '%s'", kv);
	size_t klen = (size_t)(eq - kv);
	for (size_t i = 0; i < s->n_env; i++) {
		if (!strncmp(s->env[i], kv, klen) && s->env[i][klen] == '=') {
			free(s->env[i]);
			s->env[i] = xstrdup(kv);
			return 0;
		}
	}
	if (s->n_env >= SPEC_MAX_ENV)
		return nslab_error_set(e, ENOSPC, "", "at most %d environment variables", SPEC_MAX_ENV);
	s->env[s->n_env++] = xstrdup(kv);
	return 0;
}

void spec_map_root(struct spec *s, uid_t uid, gid_t gid)
{
	s->ns_mask |= NS_BIT(NS_USER);
	s->uidmap.n = 1;
	s->uidmap.lines[0] = (struct idmap_line){0, (uint32_t)uid, 1};
	s->gidmap.n = 1;
	s->gidmap.lines[0] = (struct idmap_line){0, (uint32_t)gid, 1};
	s->setgroups = SETGROUPS_DENY;
}

static bool has(const struct spec *s, enum ns_kind k) { return s->ns_mask & NS_BIT(k); }

static int need_flag(const struct spec *s, enum ns_kind k, const char *what, const char *why,
		     struct nslab_error *e)
{
	if (has(s, k))
		return 0;
	return nslab_error_set(e, EINVAL, "", "%s needs a %s namespace (set %s): %s", what, ns_table[k].name,
			       ns_table[k].name, why);
}

int spec_validate(const struct spec *s, uid_t euid, struct nslab_error *e)
{
	if ((s->uidmap.n || s->gidmap.n) && need_flag(s, NS_USER, "an id map", "maps belong to a user namespace", e) < 0)
		return -1;
	if (s->setgroups != SETGROUPS_AUTO &&
	    need_flag(s, NS_USER, "setgroups", "/proc/PID/setgroups belongs to a user namespace", e) < 0)
		return -1;
	if ((s->hostname || s->domainname) &&
	    need_flag(s, NS_UTS, "hostname", "without one it would rename the host", e) < 0)
		return -1;
	if (s->n_mounts && need_flag(s, NS_MOUNT, "mount", "without one the mounts would land on the host", e) < 0)
		return -1;
	if (s->rootfs && s->enter == ENTER_PIVOT_ROOT &&
	    need_flag(s, NS_MOUNT, "pivot_root", "it swaps the root of a mount table (or: enter chroot)", e) < 0)
		return -1;
	if (s->net_lo && need_flag(s, NS_NET, "net lo", "the host's own loopback is up already", e) < 0)
		return -1;
	if (s->net_veth && need_flag(s, NS_NET, "net veth", "the inner end moves into the container's namespace", e) < 0)
		return -1;
	if (s->net_bridge[0] && !s->net_veth)
		return nslab_error_set(e, EINVAL, "", "a bridge connects veth pairs: net veth");
	if (s->net_veth && euid != 0)
		return nslab_error_set(e, EPERM, "", "net veth needs CAP_NET_ADMIN in the host's network namespace: run nslab as root (rootless, only lo works)");
	if ((s->overlay || s->n_layers) && !s->rootfs)
		return nslab_error_set(e, EINVAL, "", "overlay needs a rootfs for its lowest layer (rootfs default)");
	if (s->overlay && need_flag(s, NS_MOUNT, "overlay", "the overlay is mounted inside the container's mount namespace", e) < 0)
		return -1;
	if (s->n_layers && !s->overlay)
		return nslab_error_set(e, EINVAL, "", "layers take effect through overlayfs: overlay on");
	if ((s->time_offset_boottime || s->time_offset_monotonic) &&
	    need_flag(s, NS_TIME, "a clock offset", "offsets belong to a time namespace", e) < 0)
		return -1;
	if (s->rootfs) {
		struct stat st;
		if (stat(s->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
			return nslab_error_set(e, ENOENT, "", "rootfs %s is missing (rootfs default, or make rootfs)", s->rootfs);
	}
	if (euid != 0 && (s->ns_mask & ~NS_BIT(NS_USER)) && !has(s, NS_USER))
		return nslab_error_set(e, EPERM, "unshare",
				       "as an ordinary user, namespaces other than user need CAP_SYS_ADMIN: set user (and map-root) so the child holds it inside its own user namespace");
	return 0;
}

void spec_flags_words(const struct spec *s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < NS_COUNT; k++)
		if (has(s, k))
			str_appendf(buf, size, &len, "%s%s", len ? " " : "", ns_table[k].name);
}

void spec_flags_names(unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < NS_COUNT; k++)
		if (flags & ns_table[k].flag)
			str_appendf(buf, size, &len, "%s%s", len ? "|" : "", ns_table[k].flag_name);
	if (!len)
		str_appendf(buf, size, &len, "0");
}

unsigned long spec_clone_flags(const struct spec *s)
{
	unsigned long f = 0;

	for (int k = 0; k < NS_COUNT; k++)
		if (has(s, k))
			f |= ns_table[k].flag;
	return f;
}

static void describe_map(FILE *out, const char *label, const struct idmap *m)
{
	fprintf(out, "  %-11s", label);
	if (!m->n)
		fputs("(none)", out);
	for (size_t i = 0; i < m->n; i++)
		fprintf(out, "%s%u %u %u", i ? ", " : "", m->lines[i].inside, m->lines[i].outside, m->lines[i].count);
	fputc('\n', out);
}

void spec_describe(const struct spec *s, FILE *out)
{
	static const char *const sg[] = {"auto", "deny", "allow"};
	char words[128], names[256];

	spec_flags_words(s, words, sizeof(words));
	spec_flags_names(spec_clone_flags(s), names, sizeof(names));
	fprintf(out, "  %-11s%s (%s)\n", "namespaces", words[0] ? words : "none", names);
	describe_map(out, "uid map", &s->uidmap);
	describe_map(out, "gid map", &s->gidmap);
	fprintf(out, "  %-11s%s\n", "setgroups", sg[s->setgroups]);
	fprintf(out, "  %-11s%s\n", "hostname", s->hostname ? s->hostname : "(unchanged)");
	fprintf(out, "  %-11s%s\n", "domainname", s->domainname ? s->domainname : "(unchanged)");
	fprintf(out, "  %-11s%s", "rootfs", s->rootfs ? s->rootfs : "(none: the host's /)");
	if (s->rootfs)
		fprintf(out, " (enter by %s)", s->enter == ENTER_CHROOT ? "chroot" : "pivot_root");
	fputc('\n', out);
	fprintf(out, "  %-11s", "mounts");
	if (!s->n_mounts)
		fputs("(none)", out);
	for (size_t i = 0; i < s->n_mounts; i++)
		fprintf(out, "%s%s on %s", i ? ", " : "", mount_kind_names[s->mounts[i].kind], s->mounts[i].target);
	if (has(s, NS_PID) && has(s, NS_MOUNT))
		fputs(" (+ proc on /proc: new PID namespace)", out);
	fputc('\n', out);
	fprintf(out, "  %-11s", "env");
	fputs("inherited", out);
	for (size_t i = 0; i < s->n_env; i++)
		fprintf(out, "%s%s", i ? " " : " + ", s->env[i]);
	fputc('\n', out);
	if (s->overlay || s->n_layers) {
		fprintf(out, "  %-11s%s", "overlay", s->overlay ? "on" : "off");
		for (size_t i = 0; i < s->n_layers; i++)
			fprintf(out, "%s%s", i ? " : " : ", layers (top first) ", s->layers[i]);
		if (s->rootfs)
			fprintf(out, "%s%s (rootfs)", s->n_layers ? " : " : ", lowest ", s->rootfs);
		fputc('\n', out);
	}
	if (s->net_lo || s->net_veth)
		fprintf(out, "  %-11slo up%s%s%s%s%s%s\n", "network", s->net_veth ? ", veth: host " : "",
			s->net_veth ? (s->net_host[0] ? s->net_host : "(picked at launch)") : "", s->net_veth ? ", inside " : "",
			s->net_veth ? (s->net_inside[0] ? s->net_inside : "(picked at launch)") : "",
			s->net_bridge[0] ? ", on bridge " : "", s->net_bridge);
	if (spec_has_limits(s)) {
		fprintf(out, "  %-11s", "limits");
		if (s->limits.memory)
			fprintf(out, "memory %lld bytes ", s->limits.memory);
		if (s->limits.pids)
			fprintf(out, "pids %lld ", s->limits.pids);
		if (s->limits.cpu_percent)
			fprintf(out, "cpu %d%% ", s->limits.cpu_percent);
		fputc('\n', out);
	}
	if (has(s, NS_TIME) || s->time_offset_boottime || s->time_offset_monotonic)
		fprintf(out, "  %-11smonotonic %+llds, boottime %+llds\n", "clocks", s->time_offset_monotonic,
			s->time_offset_boottime);
	if (s->trace_child) {
		char filter[512];
		spec_trace_filter_words(s, filter, sizeof(filter));
		fprintf(out, "  %-11sinside too (ptrace): %s\n", "trace", filter);
	}
}

void spec_trace_filter_words(const struct spec *s, char *buf, size_t size)
{
	size_t len = 0;
	char words[256];

	buf[0] = '\0';
	snprintf(words, sizeof(words), "%s", syscall_class_words());
	if (s->trace_classes == SC_ALL) {
		str_appendf(buf, size, &len, "all");
	} else {
		int bit = 0;
		char *save;
		for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save), bit++)
			if (s->trace_classes & (1u << bit))
				str_appendf(buf, size, &len, "%s%s", len ? " " : "", w);
	}
	for (long nr = 0; nr < SPEC_TRACE_CALLS; nr++)
		if ((s->trace_calls[nr / 8] & (1u << (nr % 8))) && syscall_name(nr))
			str_appendf(buf, size, &len, "%s%s", len ? " " : "", syscall_name(nr));
	if (!len)
		snprintf(buf, size, "(nothing)");
}
