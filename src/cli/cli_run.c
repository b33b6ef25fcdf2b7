/* `nslab run [OPTIONS] -- CMD`: one launch from argv, options named as in
 * util-linux unshare(1) where they overlap; exits with the command's status. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "nslab/idmap.h"
#include "nslab/oci.h"
#include "nslab/paths.h"
#include "nslab/util.h"
#include "cli.h"
#include "commands.h"

enum {
	OPT_MAP_USER = 1000,
	OPT_MAP_GROUP,
	OPT_HOSTNAME,
	OPT_DOMAINNAME,
	OPT_ROOTFS,
	OPT_CHROOT,
	OPT_MOUNT_PROC,
	OPT_SETGROUPS,
	OPT_MONOTONIC,
	OPT_BOOTTIME,
	OPT_ENV,
	OPT_UIDMAP,
	OPT_GIDMAP,
	OPT_SHOW_TRACE,
	OPT_TRACE,
	OPT_TRACE_FILTER,
	OPT_OCI,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPU,
	OPT_HELP,
};

static const struct option run_options[] = {
	{"pid", no_argument, NULL, 'p'},
	{"uts", no_argument, NULL, 'u'},
	{"ipc", no_argument, NULL, 'i'},
	{"mount", no_argument, NULL, 'm'},
	{"net", no_argument, NULL, 'n'},
	{"user", no_argument, NULL, 'U'},
	{"cgroup", no_argument, NULL, 'C'},
	{"time", no_argument, NULL, 'T'},
	{"map-root-user", no_argument, NULL, 'r'},
	{"map-user", required_argument, NULL, OPT_MAP_USER},
	{"map-group", required_argument, NULL, OPT_MAP_GROUP},
	{"uid-map", required_argument, NULL, OPT_UIDMAP},
	{"gid-map", required_argument, NULL, OPT_GIDMAP},
	{"setgroups", required_argument, NULL, OPT_SETGROUPS},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"domainname", required_argument, NULL, OPT_DOMAINNAME},
	{"rootfs", required_argument, NULL, OPT_ROOTFS},
	{"chroot", no_argument, NULL, OPT_CHROOT},
	{"mount-proc", no_argument, NULL, OPT_MOUNT_PROC},
	{"monotonic", required_argument, NULL, OPT_MONOTONIC},
	{"boottime", required_argument, NULL, OPT_BOOTTIME},
	{"env", required_argument, NULL, OPT_ENV},
	{"show-trace", no_argument, NULL, OPT_SHOW_TRACE},
	{"trace", no_argument, NULL, OPT_TRACE},
	{"trace-filter", required_argument, NULL, OPT_TRACE_FILTER},
	{"oci", required_argument, NULL, OPT_OCI},
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"pids", required_argument, NULL, OPT_PIDS},
	{"cpu", required_argument, NULL, OPT_CPU},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void run_usage(FILE *out)
{
	fputs("Usage: nslab run [OPTIONS] [--] CMD [ARG...]\n"
	      "       nslab run --oci DIR [OPTIONS] [--] [CMD [ARG...]]\n"
	      "Launch CMD in new namespaces, in the foreground; exit with its status.\n\n"
	      "  -p, --pid             new PID namespace (with --mount, /proc is remounted)\n"
	      "  -u, --uts             new UTS namespace\n"
	      "  -i, --ipc             new IPC namespace\n"
	      "  -m, --mount           new mount namespace\n"
	      "  -n, --net             new network namespace\n"
	      "  -U, --user            new user namespace\n"
	      "  -C, --cgroup          new cgroup namespace\n"
	      "  -T, --time            new time namespace\n"
	      "  -r, --map-root-user   map root inside to you (implies --user)\n"
	      "      --map-user=UID    map you to UID inside (implies --user)\n"
	      "      --map-group=GID   map your group to GID inside (implies --user)\n"
	      "      --uid-map=IN:OUT:COUNT, --gid-map=IN:OUT:COUNT   add a map line\n"
	      "      --setgroups=deny|allow\n"
	      "      --hostname=NAME, --domainname=NAME   (need --uts)\n"
	      "      --rootfs=DIR      root file system; DIR default is nslab's busybox tree (without it: the host's /)\n"
	      "      --chroot          enter the rootfs with chroot instead of pivot_root\n"
	      "      --mount-proc      mount proc on /proc (implies --mount)\n"
	      "      --monotonic=SECS, --boottime=SECS   clock offsets (need --time)\n"
	      "      --env=K=V         set a variable for CMD\n"
	      "      --memory=SIZE, --pids=N, --cpu=PCT%   cgroup limits, as `limit` sets them (swap off)\n"
	      "      --show-trace      print the launcher's trace to stderr afterwards\n"
	      "      --trace           trace what runs inside (ptrace) and print it to stderr afterwards\n"
	      "      --trace-filter=W,W  which calls: classes (namespace mount process identity file net\n"
	      "                        signal), all, default, or call names (implies --trace)\n"
	      "      --oci=DIR         the spec and command of an OCI bundle's config.json (options\n"
	      "                        after it add to it; CMD replaces process.args)\n"
	      "  -h, --help            this help\n",
	      out);
}

static int map_line(struct idmap *m, const char *arg, struct nslab_error *e)
{
	char a[16], b[16], c[16];
	struct idmap_line l;

	if (sscanf(arg, "%15[0-9]:%15[0-9]:%15[0-9]", a, b, c) != 3)
		return nslab_error_set(e, EINVAL, "", "map line '%s': write INSIDE:OUTSIDE:COUNT", arg);
	if (idmap_parse_line(a, b, c, &l, e) < 0)
		return -1;
	return idmap_add(m, &l, e);
}

static int map_single(struct spec *s, bool group, const char *arg, struct nslab_error *e)
{
	char out[16];

	snprintf(out, sizeof(out), "%u", group ? (unsigned)getegid() : (unsigned)geteuid());
	struct idmap_line l;
	if (idmap_parse_line(arg, out, "1", &l, e) < 0)
		return -1;
	s->ns_mask |= NS_BIT(NS_USER);
	struct idmap *m = group ? &s->gidmap : &s->uidmap;
	m->n = 0;
	if (group && s->setgroups == SETGROUPS_AUTO)
		s->setgroups = SETGROUPS_DENY;
	return idmap_add(m, &l, e);
}

static int clock_offset(long long *dst, const char *arg, struct nslab_error *e)
{
	if (parse_llong(arg, dst) < 0)
		return nslab_error_set(e, EINVAL, "", "clock offset '%s' is not a whole number of seconds", arg);
	return 0;
}

static int apply_flag(struct spec *s, int k)
{
	s->ns_mask |= NS_BIT(k);
	return 0;
}

static int set_rootfs(struct spec *s, const char *arg, struct nslab_error *e)
{
	char path[4096];

	if (strcmp(arg, "default") != 0)
		return spec_set_rootfs(s, arg, e);
	if (paths_default_rootfs(path, sizeof(path)) < 0)
		return nslab_error_set(e, ENOENT, "", "no default rootfs: make rootfs");
	return spec_set_rootfs(s, path, e);
}

static int apply_option(struct spec *s, int opt, const char *arg, struct nslab_error *e)
{
	switch (opt) {
	case 'p': return apply_flag(s, NS_PID);
	case 'u': return apply_flag(s, NS_UTS);
	case 'i': return apply_flag(s, NS_IPC);
	case 'm': return apply_flag(s, NS_MOUNT);
	case 'n': return apply_flag(s, NS_NET);
	case 'U': return apply_flag(s, NS_USER);
	case 'C': return apply_flag(s, NS_CGROUP);
	case 'T': return apply_flag(s, NS_TIME);
	case 'r': spec_map_root(s, geteuid(), getegid()); return 0;
	case OPT_MAP_USER: return map_single(s, false, arg, e);
	case OPT_MAP_GROUP: return map_single(s, true, arg, e);
	case OPT_UIDMAP: return map_line(&s->uidmap, arg, e);
	case OPT_GIDMAP: return map_line(&s->gidmap, arg, e);
	case OPT_HOSTNAME: return spec_set_hostname(s, arg, e);
	case OPT_DOMAINNAME: return spec_set_domainname(s, arg, e);
	case OPT_ROOTFS: return set_rootfs(s, arg, e);
	case OPT_CHROOT: s->enter = ENTER_CHROOT; return 0;
	case OPT_MOUNT_PROC:
		s->ns_mask |= NS_BIT(NS_MOUNT);
		return spec_add_mount(s, MOUNT_PROC, "/proc", NULL, e);
	case OPT_MONOTONIC: return clock_offset(&s->time_offset_monotonic, arg, e);
	case OPT_BOOTTIME: return clock_offset(&s->time_offset_boottime, arg, e);
	case OPT_ENV: return spec_set_env(s, arg, e);
	case OPT_SETGROUPS:
		if (!strcmp(arg, "deny") || !strcmp(arg, "allow")) {
			s->setgroups = arg[0] == 'd' ? SETGROUPS_DENY : SETGROUPS_ALLOW;
			return 0;
		}
		return nslab_error_set(e, EINVAL, "", "--setgroups takes deny or allow");
	default:
		return nslab_error_set(e, EINVAL, "", "unknown option (nslab run --help)");
	}
}

/* The bundle's config replaces the spec built so far; its notes go to stderr. */
static int apply_oci(struct spec *spec, struct oci_process *proc, const char *dir, struct nslab_error *e)
{
	struct oci_report r = {0};
	struct spec fresh;

	oci_process_free(proc);
	if (oci_import(dir, &fresh, proc, &r, e) < 0) {
		oci_report_free(&r);
		return -1;
	}
	for (size_t i = 0; i < r.n; i++)
		fprintf(stderr, "nslab: %s\n", r.lines[i]);
	oci_report_free(&r);
	/* Tracing is nslab's, not the bundle's: --trace before --oci still holds. */
	fresh.trace_child = spec->trace_child;
	fresh.trace_classes = spec->trace_classes;
	memcpy(fresh.trace_calls, spec->trace_calls, sizeof(fresh.trace_calls));
	spec_free(spec);
	*spec = fresh;
	return 0;
}

/* One option of the loop: 0 to go on, -1 on error. */
static int run_option(struct session *s, struct oci_process *proc, int opt, bool *show_trace, struct nslab_error *e)
{
	if (opt == OPT_SHOW_TRACE || opt == OPT_TRACE) {
		*show_trace = true;
		s->spec.trace_child |= opt == OPT_TRACE;
		return 0;
	}
	if (opt == OPT_OCI)
		return apply_oci(&s->spec, proc, optarg, e);
	if (opt == OPT_TRACE_FILTER) {
		*show_trace = s->spec.trace_child = true;
		return trace_filter_words(&s->spec, optarg, e);
	}
	if (opt == OPT_MEMORY || opt == OPT_PIDS || opt == OPT_CPU) {
		/* The one parser of limits: the `limit` command's. */
		char *argv[] = {"limit", opt == OPT_MEMORY ? "memory" : opt == OPT_PIDS ? "pids" : "cpu", optarg, NULL};
		return cmd_limit(s, 3, argv, e);
	}
	if (opt == '?')
		return nslab_error_set(e, EINVAL, "", "bad option (nslab run --help)");
	return apply_option(&s->spec, opt, optarg, e);
}

/* 1: --help was printed; 0: options read; -1: e says why not. */
static int run_options_parse(struct session *s, struct oci_process *proc, int argc, char **argv, bool *show_trace,
			     struct nslab_error *e)
{
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+puimnUCTrh", run_options, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			run_usage(stdout);
			return 1;
		}
		if (run_option(s, proc, opt, show_trace, e) < 0)
			return -1;
	}
	if (optind >= argc && !proc->argc)
		return nslab_error_set(e, EINVAL, "", "run: no command given (nslab run --help)");
	return 0;
}

int cli_run(int argc, char **argv)
{
	struct session s;
	struct nslab_error e = {0};
	struct oci_process proc = {0};
	bool show_trace = false;

	session_init(&s, stdout);
	int r = run_options_parse(&s, &proc, argc, argv, &show_trace, &e);
	if (r != 0) {
		if (r < 0)
			nslab_error_print(&e, stderr);
		oci_process_free(&proc);
		session_free(&s);
		return r < 0 ? 125 : 0;
	}
	struct launch_opts o = {.argv = optind < argc ? argv + optind : proc.argv, .foreground = true};
	int status = 125;
	if (container_launch(&s.ct, &s.spec, &o, &e) < 0) {
		nslab_error_print(&e, stderr);
		status = container_launch_exit_code(&e);
	} else if (container_wait(&s.ct, &e) < 0)
		nslab_error_print(&e, stderr);
	else if (s.ct.state == CONTAINER_EXITED)
		status = container_exit_code(s.ct.wait_status);
	if (show_trace)
		trace_print(&s.ct.trace, stderr);
	char oom[192];
	container_describe_oom(&s.ct, oom, sizeof(oom));
	if (oom[0])
		fprintf(stderr, "nslab: %s\n", oom);
	oci_process_free(&proc);
	session_free(&s);
	return status;
}
