/* Unit tests for the command table: every command's parsing into the spec,
 * usage errors, and script running. No root, nothing launched. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "cli/commands.h"
#include "nslab/tokenize.h"
#include "nslab/tree.h"
#include "nslab/util.h"

static struct session s;
static char *out_buf;
static size_t out_len;

static void fresh(void)
{
	session_free(&s);
	if (s.out && s.out != stdout)
		fclose(s.out);
	free(out_buf);
	out_buf = NULL;
	session_init(&s, open_memstream(&out_buf, &out_len));
}

static const char *output(void)
{
	fflush(s.out);
	return out_buf ? out_buf : "";
}

/* Run one line through the tokenizer and table; returns the handler's result. */
static int cmd(const char *line, struct nslab_error *e)
{
	const char *cur = line;
	struct tok_cmd c;

	nslab_error_clear(e);
	if (tokenize_next(&cur, &c, e) <= 0)
		return -100;
	int r = c.argc ? command_dispatch(&s, c.argc, c.argv, e) : 0;
	tok_cmd_free(&c);
	return r;
}

static struct nslab_error e;

static void test_table_complete(void)
{
	for (size_t i = 0; i < commands_count; i++) {
		CHECK(commands[i].name && commands[i].summary && commands[i].run && commands[i].args);
		CHECK(command_find(commands[i].name) == &commands[i]);
		if (commands[i].complete == COMPLETE_WORDS)
			CHECK(commands[i].words != NULL);
	}
	const char *required[] = {"help", "flags", "set", "unset", "uidmap", "gidmap", "setgroups", "map-root",
				  "hostname", "rootfs", "enter", "mount", "env", "show", "reset", "run", "start",
				  "exec", "status", "stop", "kill", "trace", "explain", "doctor", "quit", "overlay",
				  "layer", "diff", "which", "limit", "mem", "cgroup", "cleanup", "net"};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		CHECK(command_find(required[i]) != NULL);
}

static void test_unknown_and_usage(void)
{
	fresh();
	CHECK(cmd("frobnicate", &e) < 0);
	CHECK_CONTAINS(e.msg, "unknown command 'frobnicate'");
	CHECK(cmd("uidmap 0 1", &e) < 0);
	CHECK_CONTAINS(e.msg, "usage: uidmap INSIDE OUTSIDE COUNT");
	CHECK(cmd("hostname", &e) < 0);
	CHECK(cmd("flags extra", &e) < 0);
}

static void test_set_unset(void)
{
	fresh();
	CHECK(cmd("set pid uts", &e) == 0);
	CHECK(s.spec.ns_mask == (NS_BIT(NS_PID) | NS_BIT(NS_UTS)));
	CHECK(cmd("set pid bogus", &e) < 0);
	CHECK_CONTAINS(e.msg, "unknown flag 'bogus'");
	CHECK(s.spec.ns_mask == (NS_BIT(NS_PID) | NS_BIT(NS_UTS))); /* unchanged */
	CHECK(cmd("set all", &e) == 0 && s.spec.ns_mask == NS_ALL);
	CHECK(cmd("unset net time", &e) == 0);
	CHECK(!(s.spec.ns_mask & NS_BIT(NS_NET)) && (s.spec.ns_mask & NS_BIT(NS_PID)));
	CHECK(cmd("unset none", &e) == 0 && s.spec.ns_mask == 0);
	CHECK(cmd("set CLONE_NEWNS", &e) == 0 && s.spec.ns_mask == NS_BIT(NS_MOUNT));
}

static void test_flags_listing(void)
{
	fresh();
	cmd("set pid", &e);
	CHECK(cmd("flags", &e) == 0);
	CHECK_CONTAINS(output(), "pid     on  CLONE_NEWPID");
	CHECK_CONTAINS(output(), "net     off CLONE_NEWNET");
}

static void test_maps(void)
{
	fresh();
	CHECK(cmd("uidmap 0 100000 65536", &e) == 0);
	CHECK(cmd("uidmap 5 200000 1", &e) < 0);
	CHECK_CONTAINS(e.msg, "overlaps");
	CHECK(cmd("gidmap 0 100000 65536", &e) == 0);
	CHECK(s.spec.uidmap.n == 1 && s.spec.gidmap.n == 1);
	CHECK(cmd("setgroups deny", &e) == 0 && s.spec.setgroups == SETGROUPS_DENY);
	CHECK(cmd("setgroups maybe", &e) < 0);
	CHECK(cmd("map-root", &e) == 0);
	CHECK(s.spec.uidmap.n == 1 && s.spec.uidmap.lines[0].inside == 0 &&
	      s.spec.uidmap.lines[0].outside == (uint32_t)geteuid());
	CHECK(s.spec.ns_mask & NS_BIT(NS_USER));
}

static void test_names_root_mounts(void)
{
	fresh();
	CHECK(cmd("hostname box", &e) == 0);
	CHECK(cmd("hostname 'bad name'", &e) < 0);
	CHECK(cmd("domainname example.org", &e) == 0);
	CHECK_STR(s.spec.domainname, "example.org");
	CHECK(cmd("rootfs /", &e) == 0 && s.spec.rootfs);
	CHECK(cmd("rootfs none", &e) == 0 && !s.spec.rootfs);
	CHECK(cmd("rootfs /no/such/dir", &e) < 0);
	CHECK(cmd("enter chroot", &e) == 0 && s.spec.enter == ENTER_CHROOT);
	CHECK(cmd("enter sideways", &e) < 0);
	CHECK(cmd("mount tmpfs /tmp/x size=1m", &e) == 0);
	CHECK(cmd("mount nfs /x", &e) < 0);
	CHECK(s.spec.n_mounts == 1 && s.spec.mounts[0].kind == MOUNT_TMPFS);
	CHECK_STR(s.spec.mounts[0].options, "size=1m");
}

static void test_env_clock(void)
{
	fresh();
	CHECK(cmd("env A=1 B='two words'", &e) == 0);
	CHECK(s.spec.n_env == 2);
	CHECK_STR(s.spec.env[1], "B=two words");
	CHECK(cmd("env", &e) == 0);
	CHECK_CONTAINS(output(), "A=1");
	CHECK(cmd("clock boottime 86400", &e) == 0 && s.spec.time_offset_boottime == 86400);
	CHECK(cmd("clock monotonic -5", &e) == 0 && s.spec.time_offset_monotonic == -5);
	CHECK(cmd("clock boottime soon", &e) < 0);
	CHECK(cmd("clock realtime 1", &e) < 0);
	CHECK(cmd("clock boottime 99999999999999", &e) < 0);
}

static void test_show_and_plan(void)
{
	fresh();
	cmd("map-root", &e); /* so the plan is valid for root and rootless alike */
	cmd("set pid uts mount", &e);
	cmd("hostname box", &e);
	CHECK(cmd("show", &e) == 0);
	CHECK_CONTAINS(output(), "hostname   box");
	CHECK(cmd("show --plan", &e) == 0);
	CHECK_CONTAINS(output(), "sethostname(\"box\")");
	CHECK(cmd("show --bogus", &e) < 0);
	cmd("unset uts", &e);
	CHECK(cmd("show --plan", &e) < 0); /* hostname without uts: no plan */
	CHECK_CONTAINS(e.msg, "set uts");
	CHECK(cmd("reset", &e) == 0);
	CHECK(s.spec.ns_mask == 0 && !s.spec.hostname);
}

static void test_info_commands(void)
{
	fresh();
	CHECK(cmd("help", &e) == 0);
	for (size_t i = 0; i < commands_count; i++)
		CHECK_CONTAINS(output(), commands[i].name);
	CHECK(cmd("help uidmap", &e) == 0);
	CHECK_CONTAINS(output(), "340");
	CHECK(cmd("help nothing", &e) < 0);
	CHECK(cmd("explain pid", &e) == 0);
	CHECK_CONTAINS(output(), "pid_namespaces(7)");
	CHECK(cmd("explain write gid_map", &e) == 0);
	CHECK(cmd("explain zzzz", &e) < 0);
	CHECK(cmd("trace", &e) == 0);
	CHECK_CONTAINS(output(), "no trace yet");
	CHECK(cmd("status", &e) == 0);
	CHECK_CONTAINS(output(), "no container yet");
}

static void test_control_without_container(void)
{
	fresh();
	CHECK(cmd("stop", &e) < 0);
	CHECK(cmd("kill", &e) < 0);
	CHECK(cmd("kill NOTASIG", &e) < 0);
	CHECK_CONTAINS(e.msg, "unknown signal");
	CHECK(cmd("exec true", &e) < 0);
	CHECK_CONTAINS(e.msg, "no running container");
	CHECK(cmd("quit", &e) == 0 && s.quit);
}

static void test_layers_and_overlay(void)
{
	fresh();
	CHECK(cmd("overlay on", &e) == 0 && s.spec.overlay);
	CHECK(cmd("overlay maybe", &e) < 0);
	CHECK(cmd("layer add /tmp", &e) == 0);
	CHECK(cmd("layer add /usr", &e) == 0);
	CHECK(s.spec.n_layers == 2);
	CHECK_STR(s.spec.layers[0], "/usr"); /* the last added is on top */
	CHECK(cmd("layer add /usr", &e) < 0);
	CHECK(cmd("layer add /no/such/layer", &e) < 0);
	CHECK_CONTAINS(e.msg, "/no/such/layer");
	CHECK(cmd("layer list", &e) == 0);
	CHECK_CONTAINS(output(), "0       /usr");
	CHECK(cmd("layer", &e) < 0);
	CHECK(cmd("layer clear", &e) == 0 && s.spec.n_layers == 0);
	CHECK(cmd("which relative", &e) < 0);
	CHECK(cmd("which /etc", &e) < 0); /* no container */
	CHECK(cmd("diff", &e) < 0);
	CHECK_CONTAINS(e.msg, "no container yet");
	cmd("set mount", &e);
	CHECK(cmd("show --plan", &e) < 0); /* overlay without a rootfs */
	CHECK_CONTAINS(e.msg, "overlay needs a rootfs");
	CHECK(cmd("rootfs /", &e) == 0);
	CHECK(cmd("layer add /tmp", &e) == 0);
	CHECK(cmd("show --plan", &e) == 0);
	CHECK_CONTAINS(output(), "mount overlay on $STATE/merged: 1 layer over the rootfs");
}

static void test_limits(void)
{
	fresh();
	CHECK(cmd("limit", &e) == 0);
	CHECK_CONTAINS(output(), "no limits");
	CHECK(cmd("limit memory 100M", &e) == 0 && s.spec.limits.memory == 100LL << 20);
	CHECK(cmd("limit memory 1.5GiB", &e) == 0 && s.spec.limits.memory == 3LL << 29);
	CHECK(cmd("limit memory -5M", &e) < 0);
	CHECK(cmd("limit memory 0", &e) < 0);
	CHECK(s.spec.limits.memory == 3LL << 29); /* unchanged by the bad ones */
	CHECK(cmd("limit pids 20", &e) == 0 && s.spec.limits.pids == 20);
	CHECK(cmd("limit pids 0", &e) < 0);
	CHECK(cmd("limit pids many", &e) < 0);
	CHECK(cmd("limit cpu 50%", &e) == 0 && s.spec.limits.cpu_percent == 50);
	CHECK(cmd("limit cpu 50", &e) < 0);
	CHECK(cmd("limit cpu 0%", &e) < 0);
	CHECK(cmd("limit cpu 99999%", &e) < 0);
	CHECK(cmd("limit disk 1G", &e) < 0);
	CHECK(cmd("limit", &e) == 0);
	CHECK_CONTAINS(output(), "50% of one CPU");
	CHECK(cmd("show --plan", &e) == 0);
	CHECK_CONTAINS(output(), "create cgroup nslab/ID");
	CHECK(cmd("limit memory none", &e) == 0 && s.spec.limits.memory == 0 && s.spec.limits.pids == 20);
	CHECK(cmd("limit cpu max", &e) == 0 && s.spec.limits.cpu_percent == 0 && s.spec.limits.pids == 20);
	CHECK(cmd("limit disk none", &e) < 0);
	CHECK(cmd("limit none", &e) == 0 && !spec_has_limits(&s.spec));
	CHECK(cmd("mem", &e) < 0);
	CHECK(cmd("cgroup bogus", &e) < 0);
}

static void test_rootfs_subcommands(void)
{
	char store[] = "/tmp/nslab-unit-store.XXXXXX";

	CHECK(mkdtemp(store) != NULL);
	setenv("NSLAB_STORE", store, 1);
	fresh();
	CHECK(cmd("rootfs import", &e) < 0);
	CHECK_CONTAINS(e.msg, "usage: rootfs import");
	CHECK(cmd("rootfs remove", &e) < 0);
	CHECK(cmd("rootfs a b", &e) < 0);
	CHECK(cmd("rootfs import /no/such.tar", &e) < 0);
	CHECK(cmd("rootfs list", &e) == 0);
	CHECK_CONTAINS(output(), "no imported rootfs");
	CHECK(cmd("rootfs remove nothing-here", &e) < 0);
	struct nslab_error e2;
	tree_remove(store, &e2);
	unsetenv("NSLAB_STORE");
}

static void test_net(void)
{
	fresh();
	CHECK(cmd("net lo", &e) == 0 && s.spec.net_lo);
	CHECK(cmd("net wifi", &e) < 0);
	CHECK(cmd("net none", &e) == 0 && !s.spec.net_lo);
}

static void test_run_text(void)
{
	fresh();
	/* Stops at the first error; the commands before it took effect. */
	CHECK(command_run_text(&s, "set pid\nset bogus\nset uts\n", NULL, true) < 0);
	CHECK(s.spec.ns_mask == NS_BIT(NS_PID));
	fresh();
	CHECK(command_run_text(&s, "set pid; set uts # set net\n\nhostname 'a-b'", NULL, true) == 0);
	CHECK(s.spec.ns_mask == (NS_BIT(NS_PID) | NS_BIT(NS_UTS)));
	CHECK_STR(s.spec.hostname, "a-b");
	fresh();
	CHECK(command_run_text(&s, "set pid; set bogus; set uts", NULL, false) < 0);
	CHECK(s.spec.ns_mask == (NS_BIT(NS_PID) | NS_BIT(NS_UTS)));
}

int main(void)
{
	session_init(&s, stdout);
	RUN(test_table_complete);
	RUN(test_unknown_and_usage);
	RUN(test_set_unset);
	RUN(test_flags_listing);
	RUN(test_maps);
	RUN(test_names_root_mounts);
	RUN(test_env_clock);
	RUN(test_show_and_plan);
	RUN(test_info_commands);
	RUN(test_control_without_container);
	RUN(test_layers_and_overlay);
	RUN(test_limits);
	RUN(test_rootfs_subcommands);
	RUN(test_net);
	RUN(test_run_text);
	session_free(&s);
	if (s.out != stdout)
		fclose(s.out);
	free(out_buf);
	return CHECK_DONE();
}
