/* Commands that put the container's view next to the host's: ps, mounts,
 * links, ids, ns, compare (all of them); each takes --json and --pid PID. */
#include <errno.h>
#include <string.h>

#include "nslab/util.h"
#include "commands.h"
#include "tui/tui.h"
#include "view.h"

struct view_args {
	pid_t pid;
	bool json;
};

static int parse_view_args(struct session *s, int argc, char **argv, struct view_args *a, struct nslab_error *e)
{
	unsigned long n;

	a->pid = 0;
	a->json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			a->json = true;
		} else if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			if (parse_ulong(argv[++i], 4194304, &n) < 0 || n == 0)
				return nslab_error_set(e, EINVAL, "", "--pid takes a process id, not '%s'", argv[i]);
			a->pid = (pid_t)n;
		} else {
			return nslab_error_set(e, EINVAL, "", "%s takes --json and --pid PID, not '%s'", argv[0], argv[i]);
		}
	}
	if (a->pid)
		return 0;
	session_poll(s);
	if (s->ct.state != CONTAINER_RUNNING && s->ct.state != CONTAINER_STOPPED)
		return nslab_error_set(e, ESRCH, "", "no running container: start one, or name any process with --pid PID");
	a->pid = s->ct.pid;
	return 0;
}

static int show(struct session *s, int argc, char **argv, unsigned mask, struct nslab_error *e)
{
	struct view_args a;
	struct snapshot snap;
	struct cgroup_stats cg;

	if (parse_view_args(s, argc, argv, &a, e) < 0)
		return -1;
	bool ours = a.pid == s->ct.pid && container_stats(&s->ct, &cg) == 0;
	snapshot_take(&snap, a.pid, mask, ours ? &cg : NULL);
	if (a.json) {
		view_json(&snap, mask, s->out);
	} else {
		bool first = true;
		for (int part = 0; part < VIEW_COUNT; part++) {
			if (!(mask & (1u << part)))
				continue;
			if (!first)
				fputc('\n', s->out);
			view_text(&snap, (enum view_part)part, s->out);
			first = false;
		}
	}
	int missing = 0;
	for (int part = 0; part < VIEW_COUNT; part++)
		if ((mask & (1u << part)) && !snap.have[part])
			missing = part + 1;
	if (missing)
		nslab_error_set(e, ESRCH, "", "%s", snap.errors[missing - 1]);
	snapshot_free(&snap);
	return missing ? -1 : 0;
}

int cmd_ps(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return show(s, argc, argv, 1u << VIEW_PS, e);
}

int cmd_mounts(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return show(s, argc, argv, 1u << VIEW_MOUNTS, e);
}

int cmd_links(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return show(s, argc, argv, 1u << VIEW_LINKS, e);
}

int cmd_ids(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return show(s, argc, argv, 1u << VIEW_IDS, e);
}

int cmd_ns(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return show(s, argc, argv, 1u << VIEW_NS, e);
}

int cmd_compare(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return show(s, argc, argv, (1u << VIEW_COUNT) - 1, e);
}

/* mem: host next to container while it runs; the cgroup's own figures always. */
int cmd_mem(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct cgroup_stats st;
	char oom[192];
	bool live;

	session_poll(s);
	live = s->ct.state == CONTAINER_RUNNING || s->ct.state == CONTAINER_STOPPED;
	if (argc > 1 || live)
		if (show(s, argc, argv, 1u << VIEW_MEM, e) < 0)
			return -1;
	if (argc > 1)
		return 0;
	if (s->ct.state == CONTAINER_NONE)
		return nslab_error_set(e, ENOENT, "", "no container yet: limit memory 100M, then run or start one");
	if (container_stats(&s->ct, &st) < 0) {
		if (!live)
			return nslab_error_set(e, ENOENT, "", "container %s has no cgroup (set a limit before launching)",
					       s->ct.id);
		return 0;
	}
	fprintf(s->out, "%scontainer %s (%s)\n", live ? "\n" : "", s->ct.id, live ? "live" : "ended: final figures");
	cgroup_stats_print(&st, s->out);
	container_describe_oom(&s->ct, oom, sizeof(oom));
	if (oom[0])
		fprintf(s->out, "  %s\n", oom);
	return 0;
}

/* watch: the same views live, full-screen (src/tui), until q. */
int cmd_watch(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct tui_opts o = {.delay_tenths = 10};
	unsigned long n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			if (parse_ulong(argv[++i], 4194304, &n) < 0 || n == 0)
				return nslab_error_set(e, EINVAL, "", "--pid takes a process id, not '%s'", argv[i]);
			o.pid = (pid_t)n;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			if (parse_ulong(argv[++i], 600, &n) < 0 || n == 0)
				return nslab_error_set(e, EINVAL, "", "-d takes tenths of a second, 1 to 600, not '%s'",
						       argv[i]);
			o.delay_tenths = (int)n;
		} else {
			return nslab_error_set(e, EINVAL, "", "watch takes -d TENTHS and --pid PID, not '%s'", argv[i]);
		}
	}
	session_poll(s);
	bool live = s->ct.state == CONTAINER_RUNNING || s->ct.state == CONTAINER_STOPPED;
	/* The Trace panel shows the session's trace: the container's as it runs, or a
	 * finished or loaded one (trace load FILE), which needs no container at all. */
	if (!o.pid && !live && !s->ct.trace.n)
		return nslab_error_set(e, ESRCH, "",
				       "no running container: start one, name any process with --pid PID, or trace load FILE");
	if (!o.pid && live) {
		o.pid = s->ct.pid;
	} else if (!o.pid) {
		o.pid = getpid();
		o.self_target = true;
	}
	if (live && o.pid == s->ct.pid)
		o.ct = &s->ct;
	o.traced = &s->ct;
	o.traced_live = live;
	return tui_watch(&o, e);
}
