/* Commands for cgroup limits: limit, mem, cgroup info. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "nslab/cgroup.h"
#include "nslab/size.h"
#include "nslab/util.h"
#include "commands.h"

static void limits_show(const struct session *s)
{
	const struct spec_limits *l = &s->spec.limits;
	char size[32];

	if (!spec_has_limits(&s->spec)) {
		fputs("no limits (limit memory 100M, limit pids 20, limit cpu 50%)\n", s->out);
		return;
	}
	if (l->memory) {
		size_format(l->memory, size, sizeof(size));
		fprintf(s->out, "  memory  %s (%lld bytes)\n", size, l->memory);
	}
	if (l->pids)
		fprintf(s->out, "  pids    %lld\n", l->pids);
	if (l->cpu_percent)
		fprintf(s->out, "  cpu     %d%% of one CPU\n", l->cpu_percent);
}

static int parse_cpu(const char *text, int *out, struct nslab_error *e)
{
	char buf[16];
	unsigned long v;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t len = strlen(text);

	if (cpus < 1)
		cpus = 1;
	if (len < 2 || len >= sizeof(buf) || text[len - 1] != '%')
		return nslab_error_set(e, EINVAL, "", "cpu limit '%s': a percentage of one CPU, like 50%% (1%% to %ld%%)", text,
				       100 * cpus);
	snprintf(buf, sizeof(buf), "%.*s", (int)(len - 1), text);
	if (parse_ulong(buf, 1000000, &v) < 0 || v == 0)
		return nslab_error_set(e, EINVAL, "", "cpu limit '%s': a percentage of one CPU, like 50%% (1%% to %ld%%)", text,
				       100 * cpus);
	if (v > (unsigned long)(100 * cpus))
		return nslab_error_set(e, ERANGE, "", "cpu limit %lu%% is more than this machine's %ld CPUs (%ld%%)", v, cpus,
				       100 * cpus);
	*out = (int)v;
	return 0;
}

int cmd_limit(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct spec_limits *l = &s->spec.limits;
	unsigned long n;

	if (argc == 1) {
		limits_show(s);
		return 0;
	}
	if (!strcmp(argv[1], "none") && argc == 2) {
		*l = (struct spec_limits){0};
		return 0;
	}
	if (argc != 3)
		return nslab_error_set(e, EINVAL, "", "usage: limit memory SIZE | pids N | cpu PERCENT%% | none (or limit KIND none)");
	/* limit memory none: that one limit off, the others kept */
	if (!strcmp(argv[2], "none") || !strcmp(argv[2], "max")) {
		if (!strcmp(argv[1], "memory"))
			l->memory = 0;
		else if (!strcmp(argv[1], "pids"))
			l->pids = 0;
		else if (!strcmp(argv[1], "cpu"))
			l->cpu_percent = 0;
		else
			return nslab_error_set(e, EINVAL, "", "limit takes memory, pids, cpu or none, not '%s'", argv[1]);
		return 0;
	}
	if (!strcmp(argv[1], "memory"))
		return size_parse(argv[2], false, &l->memory, e);
	if (!strcmp(argv[1], "cpu"))
		return parse_cpu(argv[2], &l->cpu_percent, e);
	if (strcmp(argv[1], "pids") != 0)
		return nslab_error_set(e, EINVAL, "", "limit takes memory, pids, cpu or none, not '%s'", argv[1]);
	if (parse_ulong(argv[2], 4194304, &n) < 0 || n == 0)
		return nslab_error_set(e, EINVAL, "", "pids limit '%s': a whole number from 1 to 4194304", argv[2]);
	l->pids = (long long)n;
	return 0;
}

int cmd_cgroup(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct cgroup_system cs;

	(void)argc;
	if (strcmp(argv[1], "info") != 0)
		return nslab_error_set(e, EINVAL, "", "usage: cgroup info");
	if (cgroup_detect(&cs, e) < 0)
		return -1;
	cgroup_info_print(&cs, s->out);
	return 0;
}
