/* Commands that build the spec: flags, maps, names, root, mounts, env, clocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nslab/idmap.h"
#include "nslab/paths.h"
#include "nslab/plan.h"
#include "nslab/rootfs_store.h"
#include "nslab/size.h"
#include "nslab/util.h"
#include "commands.h"

int cmd_flags(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc, (void)argv, (void)e;
	for (int k = 0; k < NS_COUNT; k++)
		fprintf(s->out, "  %-7s %-3s %-16s %s\n", ns_table[k].name, s->spec.ns_mask & NS_BIT(k) ? "on" : "off",
			ns_table[k].flag_name, ns_table[k].summary);
	return 0;
}

/* Parse every word first, so a bad word changes nothing. */
static int parse_flags(int argc, char **argv, unsigned *mask, struct nslab_error *e)
{
	*mask = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "all") || !strcmp(argv[i], "none")) {
			*mask |= NS_ALL;
			continue;
		}
		int k = ns_lookup(argv[i]);
		if (k < 0)
			return nslab_error_set(e, EINVAL, "", "unknown flag '%s': one of pid user uts mount net ipc cgroup time, all, none",
					       argv[i]);
		*mask |= NS_BIT(k);
	}
	return 0;
}

int cmd_set(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	unsigned mask;

	if (parse_flags(argc, argv, &mask, e) < 0)
		return -1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "none"))
			return nslab_error_set(e, EINVAL, "", "set none makes no sense: use unset all");
	s->spec.ns_mask |= mask;
	return 0;
}

int cmd_unset(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	unsigned mask;

	if (parse_flags(argc, argv, &mask, e) < 0)
		return -1;
	s->spec.ns_mask &= ~mask;
	return 0;
}

static int add_map(struct idmap *m, char **argv, struct nslab_error *e)
{
	struct idmap_line l;

	if (idmap_parse_line(argv[1], argv[2], argv[3], &l, e) < 0)
		return -1;
	return idmap_add(m, &l, e);
}

int cmd_uidmap(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	return add_map(&s->spec.uidmap, argv, e);
}

int cmd_gidmap(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	return add_map(&s->spec.gidmap, argv, e);
}

int cmd_setgroups(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	if (!strcmp(argv[1], "deny"))
		s->spec.setgroups = SETGROUPS_DENY;
	else if (!strcmp(argv[1], "allow"))
		s->spec.setgroups = SETGROUPS_ALLOW;
	else
		return nslab_error_set(e, EINVAL, "", "setgroups takes deny or allow, not '%s'", argv[1]);
	return 0;
}

int cmd_map_root(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc, (void)argv, (void)e;
	spec_map_root(&s->spec, geteuid(), getegid());
	fprintf(s->out, "user flag on; uid 0 -> %u, gid 0 -> %u; setgroups deny\n", (unsigned)geteuid(),
		(unsigned)getegid());
	return 0;
}

int cmd_hostname(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	return spec_set_hostname(&s->spec, argv[1], e);
}

int cmd_domainname(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	return spec_set_domainname(&s->spec, argv[1], e);
}

static int rootfs_import_cmd(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	char path[4096];
	struct rootfs_import_report rep;

	if (rootfs_import(argv[2], argc > 3 ? argv[3] : NULL, path, sizeof(path), &rep, e) < 0)
		return -1;
	fprintf(s->out, "imported %s: %ld files, %ld dirs, %ld symlinks, %ld hardlinks, %ld devices, %lld bytes\n", path,
		rep.files, rep.dirs, rep.symlinks, rep.hardlinks, rep.devices, rep.bytes);
	if (rep.skipped_devices)
		fprintf(s->out, "  %ld device nodes skipped: only root may create devices (mount dev gives a container its own /dev)\n",
			rep.skipped_devices);
	fprintf(s->out, "use it with: rootfs %s\n", strrchr(path, '/') + 1);
	return 0;
}

static int rootfs_list_cmd(struct session *s, struct nslab_error *e)
{
	struct rootfs_entry *list = NULL;
	size_t n = 0;
	char size[32];

	if (rootfs_list(&list, &n, e) < 0)
		return -1;
	if (!n)
		fputs("no imported rootfs (rootfs import FILE.tar)\n", s->out);
	for (size_t i = 0; i < n; i++) {
		size_format(list[i].bytes, size, sizeof(size));
		fprintf(s->out, "  %-20s %10s %8ld files  %s\n", list[i].name, size, list[i].files, list[i].path);
	}
	free(list);
	return 0;
}

int cmd_rootfs(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	char path[4096];

	if (!strcmp(argv[1], "import"))
		return argc >= 3 ? rootfs_import_cmd(s, argc, argv, e)
				 : nslab_error_set(e, EINVAL, "", "usage: rootfs import FILE.tar[.gz|.xz] [NAME]");
	if (!strcmp(argv[1], "list") && argc == 2)
		return rootfs_list_cmd(s, e);
	if (!strcmp(argv[1], "remove"))
		return argc == 3 ? rootfs_remove(argv[2], e) : nslab_error_set(e, EINVAL, "", "usage: rootfs remove NAME");
	if (argc > 2)
		return nslab_error_set(e, EINVAL, "", "usage: rootfs DIR|NAME|default|none");
	/* A plain name that is no directory here is one from the store. */
	if (!strchr(argv[1], '/') && rootfs_name_valid(argv[1]) && access(argv[1], F_OK) != 0 &&
	    rootfs_lookup(argv[1], path, sizeof(path)) == 0)
		return spec_set_rootfs(&s->spec, path, e);
	if (!strcmp(argv[1], "none"))
		return spec_set_rootfs(&s->spec, NULL, e);
	if (strcmp(argv[1], "default") != 0)
		return spec_set_rootfs(&s->spec, argv[1], e);
	if (paths_default_rootfs(path, sizeof(path)) < 0)
		return nslab_error_set(e, ENOENT, "", "no default rootfs was found: build it with `make rootfs`, or set NSLAB_ROOTFS");
	if (spec_set_rootfs(&s->spec, path, e) < 0)
		return -1;
	fprintf(s->out, "rootfs %s\n", s->spec.rootfs);
	return 0;
}

int cmd_enter(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	if (!strcmp(argv[1], "pivot_root"))
		s->spec.enter = ENTER_PIVOT_ROOT;
	else if (!strcmp(argv[1], "chroot"))
		s->spec.enter = ENTER_CHROOT;
	else
		return nslab_error_set(e, EINVAL, "", "enter takes pivot_root or chroot, not '%s'", argv[1]);
	return 0;
}

int cmd_mount(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	for (int k = 0; k < MOUNT_KIND_COUNT; k++)
		if (!strcmp(argv[1], mount_kind_names[k]))
			return spec_add_mount(&s->spec, (enum mount_kind)k, argv[2], argc > 3 ? argv[3] : NULL, e);
	return nslab_error_set(e, EINVAL, "", "mount takes proc, tmpfs, sysfs or dev, not '%s'", argv[1]);
}

int cmd_env(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	if (argc == 1) {
		for (size_t i = 0; i < s->spec.n_env; i++)
			fprintf(s->out, "%s\n", s->spec.env[i]);
		if (!s->spec.n_env)
			fputs("(no variables set: the command inherits nslab's environment)\n", s->out);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		if (spec_set_env(&s->spec, argv[i], e) < 0)
			return -1;
	return 0;
}

int cmd_clock(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	long long secs;

	(void)argc;
	if (parse_llong(argv[2], &secs) < 0)
		return nslab_error_set(e, EINVAL, "", "clock offset must be a whole number of seconds, not '%s'", argv[2]);
	/* The kernel refuses offsets that could push a clock past its range. */
	if (secs > 1000LL * 365 * 86400 || secs < -1000LL * 365 * 86400)
		return nslab_error_set(e, ERANGE, "", "clock offset %lld is out of range (about +-1000 years)", secs);
	if (!strcmp(argv[1], "monotonic"))
		s->spec.time_offset_monotonic = secs;
	else if (!strcmp(argv[1], "boottime"))
		s->spec.time_offset_boottime = secs;
	else
		return nslab_error_set(e, EINVAL, "", "clock takes monotonic or boottime, not '%s'", argv[1]);
	return 0;
}

int cmd_net(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct spec *sp = &s->spec;

	if (!strcmp(argv[1], "lo") && argc == 2) {
		sp->net_lo = true;
		return 0;
	}
	if (!strcmp(argv[1], "none") && argc == 2) {
		sp->net_lo = sp->net_veth = false;
		sp->net_host[0] = sp->net_inside[0] = sp->net_bridge[0] = '\0';
		return 0;
	}
	if (!strcmp(argv[1], "bridge") && argc == 3) {
		size_t len = strlen(argv[2]);
		if (len == 0 || len >= sizeof(sp->net_bridge) || strspn(argv[2], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != len)
			return nslab_error_set(e, EINVAL, "", "bridge name '%s': 1 to 15 letters, digits, '-' or '_'", argv[2]);
		sp->net_veth = true;
		sp->net_host[0] = sp->net_inside[0] = '\0';
		snprintf(sp->net_bridge, sizeof(sp->net_bridge), "%s", argv[2]);
		return 0;
	}
	if (strcmp(argv[1], "veth") != 0 || (argc != 2 && argc != 4))
		return nslab_error_set(e, EINVAL, "", "usage: net lo | net veth [HOST_CIDR CONTAINER_CIDR] | net bridge NAME | net none");
	if (argc == 4 && (strlen(argv[2]) >= sizeof(sp->net_host) || strlen(argv[3]) >= sizeof(sp->net_inside) ||
			  !strchr(argv[2], '/') || !strchr(argv[3], '/')))
		return nslab_error_set(e, EINVAL, "", "net veth takes HOST_CIDR CONTAINER_CIDR, like 10.9.0.1/30 10.9.0.2/30");
	sp->net_veth = true;
	sp->net_bridge[0] = '\0';
	snprintf(sp->net_host, sizeof(sp->net_host), "%s", argc == 4 ? argv[2] : "");
	snprintf(sp->net_inside, sizeof(sp->net_inside), "%s", argc == 4 ? argv[3] : "");
	return 0;
}

int cmd_show(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct plan p;

	if (argc == 1) {
		spec_describe(&s->spec, s->out);
		return 0;
	}
	if (strcmp(argv[1], "--plan") != 0)
		return nslab_error_set(e, EINVAL, "", "show takes --plan or nothing");
	if (plan_build(&s->spec, geteuid(), getegid(), NULL, &p, e) < 0)
		return -1;
	plan_print(&p, s->out);
	return 0;
}

int cmd_reset(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc, (void)argv, (void)e;
	spec_free(&s->spec);
	return 0;
}
