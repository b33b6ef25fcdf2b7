/* The command table and the dispatcher every front end goes through. */
#include <errno.h>
#include <string.h>

#include "nslab/tokenize.h"
#include "commands.h"

static const char *const ns_words[] = {"pid", "user", "uts", "mount", "net", "ipc", "cgroup", "time", "all", "none", NULL};
static const char *const setgroups_words[] = {"deny", "allow", NULL};
static const char *const enter_words[] = {"pivot_root", "chroot", NULL};
static const char *const mount_words[] = {"proc", "tmpfs", "sysfs", "dev", NULL};
static const char *const rootfs_words[] = {"default", "none", "import", "list", "remove", NULL};
static const char *const show_words[] = {"--plan", NULL};
static const char *const trace_words[] = {"--json", "child", "filter", "save", "load", "on", "off", "all", "default",
					  "namespace", "mount", "process", "identity", "file", "net", "signal", NULL};
static const char *const clock_words[] = {"monotonic", "boottime", NULL};
static const char *const overlay_words[] = {"on", "off", NULL};
static const char *const layer_words[] = {"add", "list", "clear", NULL};
static const char *const limit_words[] = {"memory", "pids", "cpu", "none", NULL};
static const char *const cgroup_words[] = {"info", NULL};
static const char *const view_words[] = {"--json", "--pid", NULL};
static const char *const watch_words[] = {"-d", "--pid", NULL};
static const char *const net_words[] = {"lo", "veth", "bridge", "none", NULL};
static const char *const lesson_words[] = {"--auto", "--check", "--from", "--pace", "--verbose", NULL};
static const char *const slides_words[] = {"--list", NULL};
static const char *const export_words[] = {"unshare", "bwrap", "oci", "--no-copy", NULL};
static const char *const import_words[] = {"oci", NULL};
static const char *const kill_words[] = {"TERM", "KILL", "INT", "HUP", "STOP", "CONT", "USR1", "USR2", NULL};

const struct command commands[] = {
	{"help", "[CMD]", "list commands, or explain one", NULL, 0, 1, COMPLETE_COMMAND, NULL, cmd_help},
	{"flags", "", "the eight namespace flags: on/off and what each isolates", NULL, 0, 0, COMPLETE_NONE, NULL, cmd_flags},
	{"set", "FLAG...", "turn namespace flags on (pid user uts mount net ipc cgroup time, all)",
	 "Each flag is a CLONE_NEW* bit passed to clone3. `set all` turns every one on.", 1, -1, COMPLETE_NS, ns_words, cmd_set},
	{"unset", "FLAG...", "turn namespace flags off (none turns all off)", NULL, 1, -1, COMPLETE_NS, ns_words, cmd_unset},
	{"uidmap", "INSIDE OUTSIDE COUNT", "add a uid_map line: COUNT ids from INSIDE map to host ids from OUTSIDE",
	 "Needs the user flag. Lines may not overlap inside or outside; the kernel takes at most 340.\n"
	 "Without privilege you may map only your own uid, once.",
	 3, 3, COMPLETE_NONE, NULL, cmd_uidmap},
	{"gidmap", "INSIDE OUTSIDE COUNT", "add a gid_map line", "As uidmap, for groups. Without privilege, setgroups must be denied first.",
	 3, 3, COMPLETE_NONE, NULL, cmd_gidmap},
	{"setgroups", "deny|allow", "what to write to /proc/PID/setgroups before gid_map", NULL, 1, 1, COMPLETE_WORDS,
	 setgroups_words, cmd_setgroups},
	{"map-root", "", "map root inside to you outside (uid and gid), like unshare --map-root-user",
	 "Sets the user flag, maps 0 to your uid and gid, and denies setgroups.", 0, 0, COMPLETE_NONE, NULL, cmd_map_root},
	{"hostname", "NAME", "the hostname inside (needs the uts flag)", NULL, 1, 1, COMPLETE_NONE, NULL, cmd_hostname},
	{"domainname", "NAME", "the NIS domain name inside (needs the uts flag)", NULL, 1, 1, COMPLETE_NONE, NULL, cmd_domainname},
	{"rootfs", "DIR|NAME|default|none", "the root file system the container sees as /",
	 "default is the busybox tree nslab builds (make rootfs); none keeps the host's /; NAME is an imported one.\n"
	 "  rootfs import FILE.tar[.gz|.xz] [NAME]   unpack a tarball (docker export, a mini rootfs) into the store\n"
	 "  rootfs list                               the imported ones\n"
	 "  rootfs remove NAME                        delete one",
	 1, 3, COMPLETE_PATH, rootfs_words, cmd_rootfs},
	{"overlay", "on|off", "the rootfs becomes the lowest layer of an overlay; writes go to a fresh upper dir",
	 "Needs the mount flag. diff shows what the container changed; which PATH names the layer a file comes from.",
	 1, 1, COMPLETE_WORDS, overlay_words, cmd_overlay},
	{"layer", "add DIR|list|clear", "stack read-only layers above the rootfs (the last added is on top)", NULL, 1, 2,
	 COMPLETE_WORDS, layer_words, cmd_layer},
	{"diff", "", "what the container changed, as docker diff shows it (A added, C changed, D deleted)", NULL, 0, 0,
	 COMPLETE_NONE, NULL, cmd_diff},
	{"which", "PATH", "the layer a path in the container's / comes from", NULL, 1, 1, COMPLETE_NONE, NULL, cmd_which},
	{"net", "lo|veth [HOST_CIDR CONTAINER_CIDR]|bridge NAME|none", "networking for a new network namespace: lo up, a veth pair",
	 "A new network namespace has only lo, and it is down (ip link shows it). Needs the net flag.\n"
	 "  veth: nsl-ID on the host, eth0 inside, a /30 from NSLAB_NET_POOL (10.213.0.0/16) unless given.\n"
	 "  bridge NAME: the host end plugs into bridge NAME (made if missing, gateway 10.214.0.1/24), so\n"
	 "  containers of several nslab sessions reach each other.", 1, 3,
	 COMPLETE_WORDS, net_words, cmd_net},
	{"limit", "memory SIZE|pids N|cpu PCT%|none", "cgroup limits for the next launch (none: list them)",
	 "Sizes take bytes, K/M/G or KiB/MiB/GiB. cpu is a share of one CPU: 50% is half of one.", 0, 2, COMPLETE_WORDS,
	 limit_words, cmd_limit},
	{"mem", "[--json] [--pid PID]", "memory: the host's next to the container's cgroup (usage, peak, limit, OOM kills)",
	 NULL, 0, 3, COMPLETE_WORDS, view_words, cmd_mem},
	{"ps", "[--json] [--pid PID]", "processes: the host's list next to the container's, with both PIDs", NULL, 0, 3,
	 COMPLETE_WORDS, view_words, cmd_ps},
	{"mounts", "[--json] [--pid PID]", "mount tables side by side, with propagation", NULL, 0, 3, COMPLETE_WORDS,
	 view_words, cmd_mounts},
	{"links", "[--json] [--pid PID]", "network links and addresses on each side (rtnetlink)", NULL, 0, 3,
	 COMPLETE_WORDS, view_words, cmd_links},
	{"ids", "[--json] [--pid PID]", "hostname, id maps, capabilities, clocks: inside and outside", NULL, 0, 3,
	 COMPLETE_WORDS, view_words, cmd_ids},
	{"ns", "[--json] [--pid PID]", "the eight namespaces: which are the container's own, which shared", NULL, 0, 3,
	 COMPLETE_WORDS, view_words, cmd_ns},
	{"compare", "[--json] [--pid PID]", "all of ps, mounts, links, mem, ids and ns at once",
	 "--pid works on any process on the machine: one started by unshare(1), runc, docker or podman.", 0, 3,
	 COMPLETE_WORDS, view_words, cmd_compare},
	{"watch", "[-d TENTHS] [--pid PID]", "live panels: PIDs, mounts, links, memory (host next to container) and the trace inside", NULL, 0, 4, COMPLETE_WORDS, watch_words, cmd_watch},
	{"cgroup", "info", "cgroup version, controllers, and each knob's name in v1 and v2", NULL, 1, 1, COMPLETE_WORDS,
	 cgroup_words, cmd_cgroup},
	{"enter", "pivot_root|chroot", "how the child enters the rootfs (pivot_root needs the mount flag)", NULL, 1, 1,
	 COMPLETE_WORDS, enter_words, cmd_enter},
	{"mount", "proc|tmpfs|sysfs|dev TARGET [OPTIONS]", "add a mount inside the container (needs the mount flag)",
	 "OPTIONS is the data string, e.g. size=1m for tmpfs. A missing TARGET is created.\n"
	 "  dev is a tmpfs holding the host's null, zero, full, random, urandom and tty\n"
	 "  (bind mounts) and a private devpts: what a rootfs built without root lacks.",
	 2, 3, COMPLETE_WORDS,
	 mount_words, cmd_mount},
	{"env", "[K=V...]", "set environment variables for the command (none: list them)", NULL, 0, -1, COMPLETE_NONE, NULL,
	 cmd_env},
	{"clock", "monotonic|boottime SECONDS", "a time-namespace clock offset (needs the time flag)",
	 "boottime shifts what uptime shows inside; monotonic shifts CLOCK_MONOTONIC.", 2, 2, COMPLETE_WORDS, clock_words,
	 cmd_clock},
	{"show", "[--plan]", "the whole spec, or the ordered steps the launcher will take", NULL, 0, 1, COMPLETE_WORDS,
	 show_words, cmd_show},
	{"reset", "", "back to an empty spec (no flags, no maps, no rootfs)", NULL, 0, 0, COMPLETE_NONE, NULL, cmd_reset},
	{"export", "unshare|bwrap [CMD...] | oci [--no-copy] DIR [CMD...]",
	 "the spec as an unshare(1) or bwrap command line, or as an OCI bundle for runc and crun",
	 "The same container for the tools used in production; CMD defaults to /bin/sh.\n"
	 "  export unshare [CMD...]  the util-linux unshare(1) command line, a # comment for each setting it cannot express\n"
	 "  export bwrap [CMD...]    the same for bubblewrap\n"
	 "  export oci DIR [CMD...]  an OCI bundle: DIR/config.json (runtime-spec) and DIR/rootfs, a copy of the rootfs\n"
	 "                           with the layers merged (--no-copy: root.path is the rootfs itself); run it with\n"
	 "                           runc run --bundle DIR ID, crun run --bundle DIR ID, or nslab run --oci DIR",
	 1, -1, COMPLETE_WORDS, export_words, cmd_export},
	{"import", "oci DIR", "read an OCI bundle's config.json into the spec, naming each field nslab does not follow",
	 NULL, 2, 2, COMPLETE_WORDS, import_words, cmd_import},
	{"run", "CMD [ARG...]", "launch the container in the foreground; it owns the terminal until it ends",
	 "Ctrl-C reaches the container, not nslab. The exit status is the command's.", 1, -1, COMPLETE_PATH, NULL, cmd_run},
	{"start", "CMD [ARG...]", "launch the container in the background; the prompt returns", NULL, 1, -1, COMPLETE_PATH,
	 NULL, cmd_start},
	{"exec", "CMD [ARG...]", "run a command inside the running container (setns, like nsenter)", NULL, 1, -1,
	 COMPLETE_PATH, NULL, cmd_exec},
	{"status", "", "the current container: id, pid, namespaces, state", NULL, 0, 0, COMPLETE_NONE, NULL, cmd_status},
	{"stop", "", "SIGTERM the container, then SIGKILL if it is still there after 3 seconds", NULL, 0, 0,
	 COMPLETE_NONE, NULL, cmd_stop},
	{"kill", "[SIGNAL]", "send a signal to the container's init (default KILL)", NULL, 0, 1, COMPLETE_WORDS, kill_words,
	 cmd_kill},
	{"trace", "[--json] | child on|off | filter [WORD...] | save FILE | load FILE",
	 "every step of the last launch, and what ran inside when traced",
	 "trace            the launcher's steps: call, arguments, result, time; then, with trace child on,\n"
	 "                 the system calls of every process inside (PID on the host/PID inside).\n"
	 "trace child on   trace what runs inside the next container with ptrace (off: detach now)\n"
	 "trace filter W   which calls: classes (namespace mount process identity file net signal),\n"
	 "                 all (every call), default, or call names; no words shows the filter\n"
	 "trace save FILE  JSON Lines; trace load FILE reads them back (no root needed to study them)",
	 0, -1, COMPLETE_WORDS, trace_words, cmd_trace},
	{"events", "", "process events inside: fork, exec, exit, signals, stops, OOM kills (trace child on)", NULL, 0, 0,
	 COMPLETE_NONE, NULL, cmd_events},
	{"explain", "WORD", "what a flag, call, errno or idea means, and what to read next", NULL, 0, -1, COMPLETE_EXPLAIN,
	 NULL, cmd_explain},
	{"lesson", "[NAME] [--auto|--check] [--from STEP] [--pace PCT]", "lessons: list them, walk one, play or check it",
	 "Without NAME: the lessons with their length and your progress. With NAME (or its number): walk it\n"
	 "step by step, each command typed for you at the prompt. --auto plays it without pauses (a\n"
	 "projector; --pace 50 is twice as fast), --check runs it unattended and says where it differs.\n"
	 "`lesson --check` checks every lesson. The file format is lessons/README.md.",
	 0, 6, COMPLETE_LESSON, lesson_words, cmd_lesson},
	{"slides", "[--list] [NAME [PAGE]]", "slide decks, full screen: arrows and PgUp/PgDn", NULL, 0, 2, COMPLETE_LESSON,
	 slides_words, cmd_slides},
	{"doctor", "", "what this machine allows for containers, and why", NULL, 0, 0, COMPLETE_NONE, NULL, cmd_doctor},
	{"cleanup", "", "remove what a killed nslab left behind (cgroups, overlay dirs, state)", NULL, 0, 0, COMPLETE_NONE,
	 NULL, cmd_cleanup},
	{"quit", "", "leave nslab (a running container is stopped)", NULL, 0, 0, COMPLETE_NONE, NULL, cmd_quit},
	{"exit", "", "same as quit", NULL, 0, 0, COMPLETE_NONE, NULL, cmd_quit},
};

const size_t commands_count = sizeof(commands) / sizeof(commands[0]);

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < commands_count; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int command_dispatch(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	const struct command *c = command_find(argv[0]);

	if (!c)
		return nslab_error_set(e, EINVAL, "", "unknown command '%s' (help lists them)", argv[0]);
	int n = argc - 1;
	if (n < c->min_args || (c->max_args >= 0 && n > c->max_args))
		return nslab_error_set(e, EINVAL, "", "usage: %s %s", c->name, c->args);
	return c->run(s, argc, argv, e);
}

static int line_of(const char *text, const char *pos)
{
	int line = 1;

	for (const char *p = text; p < pos; p++)
		if (*p == '\n')
			line++;
	return line;
}

int command_run_text(struct session *s, const char *text, const char *origin, bool stop_on_error)
{
	const char *cursor = text;
	struct tok_cmd cmd;
	int status = 0;

	for (;;) {
		struct nslab_error e = {0};
		const char *start = cursor;
		int r = tokenize_next(&cursor, &cmd, &e);
		if (r == 0)
			break;
		if (r > 0 && cmd.argc > 0) {
			session_poll(s);
			s->last_status = 0; /* like $?: the last command's status */
			r = command_dispatch(s, cmd.argc, cmd.argv, &e);
		}
		tok_cmd_free(&cmd);
		if (r < 0) {
			status = -1;
			if (origin)
				fprintf(stderr, "%s:%d: ", origin, line_of(text, start));
			nslab_error_print(&e, stderr);
			if (stop_on_error || cursor == start)
				break;
		}
		if (s->quit || container_pending_signal())
			break;
	}
	return status;
}
