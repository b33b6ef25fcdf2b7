/* Commands that launch and control the container: run, start, exec, status, stop, kill. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "nslab/util.h"
#include "commands.h"

static bool is_live(const struct container *c)
{
	return c->state == CONTAINER_RUNNING || c->state == CONTAINER_STOPPED;
}

static void report_end(struct session *s)
{
	char how[64];
	const struct container *c = &s->ct;

	if (c->state == CONTAINER_STOPPED) {
		fprintf(s->out, "container %s stopped (Ctrl-Z); it waits in the background: kill CONT resumes it, stop ends it\n",
			c->id);
		return;
	}
	s->last_status = container_exit_code(c->wait_status);
	char oom[192];
	container_describe_oom(c, oom, sizeof(oom));
	if (s->last_status != 0) {
		container_describe_end(c->wait_status, how, sizeof(how));
		/* The terminal echoed ^C where the cursor was: start a fresh line. */
		bool after_ctrl_c = s->interactive && WIFSIGNALED(c->wait_status) && WTERMSIG(c->wait_status) == SIGINT;
		fprintf(s->out, "%scontainer %s %s\n", after_ctrl_c ? "\n" : "", c->id, how);
	}
	if (oom[0])
		fprintf(s->out, "%s (mem shows the counters)\n", oom);
}

/* Once a session: the classic surprise of Ctrl-C doing nothing to PID 1. */
static void note_pid1(struct session *s)
{
	static bool told;

	if (told || !s->interactive || !(s->spec.ns_mask & NS_BIT(NS_PID)))
		return;
	told = true;
	fprintf(s->out, "note: the command will be PID 1 in its namespace; Ctrl-C reaches it only if it handles "
			"SIGINT, as shells do (explain pid1). A stuck one ends with kill -KILL from another terminal.\n");
}

static int launch(struct session *s, int argc, char **argv, bool foreground, struct nslab_error *e)
{
	(void)argc;
	session_poll(s);
	if (is_live(&s->ct))
		return nslab_error_set(e, EBUSY, "", "container %s is still running: stop it first", s->ct.id);
	container_free(&s->ct);
	struct launch_opts o = {.argv = argv + 1, .foreground = foreground, .stdin_null = !foreground};
	if (foreground)
		note_pid1(s);
	if (container_launch(&s->ct, &s->spec, &o, e) < 0) {
		s->last_status = container_launch_exit_code(e);
		return nslab_error_prefix(e, "launch failed (trace shows every step)");
	}
	if (!foreground) {
		fprintf(s->out, "started %s: init is pid %d on the host (status, exec CMD, stop)\n", s->ct.id, (int)s->ct.pid);
		return 0;
	}
	if (container_wait(&s->ct, e) < 0)
		return -1;
	report_end(s);
	return 0;
}

int cmd_run(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return launch(s, argc, argv, true, e);
}

int cmd_start(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	return launch(s, argc, argv, false, e);
}

int cmd_exec(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	int st = 0;

	(void)argc;
	session_poll(s);
	if (s->ct.state != CONTAINER_RUNNING)
		return nslab_error_set(e, ESRCH, "", "no running container: start one first (start CMD)");
	if (container_exec(&s->ct, argv + 1, true, &st, e) < 0) {
		s->last_status = container_launch_exit_code(e);
		return -1;
	}
	s->last_status = container_exit_code(st);
	return 0;
}

int cmd_status(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	static const char *const names[] = {"none", "running", "stopped", "exited"};
	const struct container *c = &s->ct;
	char words[128], how[64];

	(void)argc, (void)argv, (void)e;
	session_poll(s);
	if (c->state == CONTAINER_NONE) {
		fputs("no container yet: run or start one\n", s->out);
		return 0;
	}
	spec_flags_words(&c->spec, words, sizeof(words));
	fprintf(s->out, "  id          %s\n  state       %s", c->id, names[c->state]);
	if (c->state == CONTAINER_EXITED) {
		container_describe_end(c->wait_status, how, sizeof(how));
		fprintf(s->out, " (%s)", how);
	}
	fprintf(s->out, "\n  init pid    %d (host)\n  command     %s\n  namespaces  %s\n", (int)c->pid, c->command,
		words[0] ? words : "none");
	if (c->spec.rootfs)
		fprintf(s->out, "  rootfs      %s\n", c->spec.rootfs);
	if (is_live(c)) {
		fprintf(s->out, "  up          %.1fs\n", (double)(now_ns() - c->started_ns) / 1e9);
		fprintf(s->out, "  state dir   %s\n", c->state_made ? c->state_dir : "none: it made nothing on the host to undo");
	}
	return 0;
}

int cmd_stop(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	bool killed;
	char how[64];

	(void)argc, (void)argv;
	session_poll(s);
	if (container_stop(&s->ct, 3000, &killed, e) < 0)
		return -1;
	container_describe_end(s->ct.wait_status, how, sizeof(how));
	fprintf(s->out, "container %s %s%s\n", s->ct.id, how,
		killed ? " (it ignored SIGTERM for 3s; explain pid1)" : "");
	return 0;
}

static int parse_signal(const char *word)
{
	const char *name = strncasecmp(word, "SIG", 3) == 0 ? word + 3 : word;
	unsigned long n;

	if (parse_ulong(word, NSIG - 1, &n) == 0 && n > 0)
		return (int)n;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigabbrev_np(sig) && !strcasecmp(sigabbrev_np(sig), name))
			return sig;
	return -1;
}

int cmd_kill(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	int sig = argc > 1 ? parse_signal(argv[1]) : SIGKILL;

	if (sig < 0)
		return nslab_error_set(e, EINVAL, "", "unknown signal '%s' (TERM, KILL, INT, HUP, STOP, CONT, or a number)", argv[1]);
	session_poll(s);
	if (container_kill(&s->ct, sig, e) < 0)
		return -1;
	if (sig == SIGKILL || sig == SIGTERM) {
		/* Give the kernel a moment so status tells the truth right away. */
		for (int i = 0; i < 50 && s->ct.state != CONTAINER_EXITED; i++) {
			usleep(10000);
			session_poll(s);
		}
	}
	return 0;
}
