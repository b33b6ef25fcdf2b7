/* Unit tests for the trace: recording, the child pipe, text and JSON output. */
#include <errno.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nslab/sys.h"
#include "nslab/trace.h"
#include "nslab/util.h"

static char *capture(const struct trace *t, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json)
		trace_print_json(t, f);
	else
		trace_print(t, f);
	fclose(f);
	return buf;
}

static void test_record_and_format(void)
{
	struct trace t;

	trace_init(&t);
	trace_begin(&t);
	trace_record(&t, "sethostname", 0, 0, t.t0, "changes the name", "\"%s\", %d", "box", 3);
	trace_record(&t, "pivot_root", -1, EINVAL, t.t0, NULL, "\".\", \"old\"");
	CHECK(t.n == 2);
	char *out = capture(&t, 0);
	CHECK_CONTAINS(out, "  1 parent sethostname(\"box\", 3) = 0");
	CHECK_CONTAINS(out, "changes the name");
	CHECK_CONTAINS(out, "pivot_root(\".\", \"old\") = -1 EINVAL (Invalid argument)");
	free(out);
	trace_free(&t);
}

static void test_json_lines(void)
{
	struct trace t;

	trace_init(&t);
	trace_record(&t, "mount", -1, EPERM, t.t0, "a \"quoted\" note", "%s", "\"proc\"\n");
	trace_record(&t, "chdir", 0, 0, t.t0, NULL, "\"/\"");
	char *out = capture(&t, 1);
	char *line = out;
	int n = 0;
	for (char *nl; (nl = strchr(line, '\n')); line = nl + 1, n++) {
		*nl = '\0';
		json_object *o = json_tokener_parse(line);
		CHECK(o != NULL);
		if (!o)
			continue;
		json_object *v;
		CHECK(json_object_object_get_ex(o, "call", &v));
		CHECK(json_object_object_get_ex(o, "seq", &v) && json_object_get_int(v) == n + 1);
		CHECK(json_object_object_get_ex(o, "errno", &v));
		if (n == 0) {
			CHECK_STR(json_object_get_string(v), "EPERM");
			json_object_object_get_ex(o, "note", &v);
			CHECK_STR(json_object_get_string(v), "a \"quoted\" note");
		} else {
			CHECK(v == NULL);
		}
		json_object_put(o);
	}
	CHECK(n == 2);
	free(out);
	trace_free(&t);
}

/* A child's events travel over a pipe and land in order, marked child-side. */
static void test_child_pipe(void)
{
	struct trace t;
	int fds[2];

	trace_init(&t);
	CHECK(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		t.sink_fd = fds[1];
		trace_record(&t, "sethostname", 0, 0, trace_clock(), NULL, "\"a\"");
		char *argv[] = {"/nonexistent/nslab-test", NULL}, *envp[] = {NULL};
		sys_traced_execve(&t, argv[0], argv, envp, NULL);
		_exit(0);
	}
	close(fds[1]);
	trace_record(&t, "clone3", pid, 0, trace_clock(), NULL, "{}");
	CHECK(trace_drain(&t, fds[0]) >= 2);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	CHECK(t.n == 3);
	CHECK_STR(t.ev[1].call, "sethostname");
	CHECK(t.ev[1].side == SIDE_CHILD);
	/* The failed execve settled its own pending event. */
	CHECK_STR(t.ev[2].call, "execve");
	CHECK(!t.ev[2].pending && t.ev[2].ret == -1 && t.ev[2].err == ENOENT);
	trace_free(&t);
}

static void test_settle_pending(void)
{
	struct trace t;
	struct trace_event ev = {0};

	trace_init(&t);
	snprintf(ev.call, sizeof(ev.call), "execve");
	ev.pending = TRACE_PENDING;
	trace_add(&t, &ev);
	char *out = capture(&t, 0);
	CHECK_CONTAINS(out, "execve() = ?");
	free(out);
	trace_settle_pending(&t, 0, 0);
	CHECK(!t.ev[0].pending && t.ev[0].ret == 0);
	trace_free(&t);
}

static void test_empty(void)
{
	struct trace t;

	trace_init(&t);
	char *out = capture(&t, 0);
	CHECK_CONTAINS(out, "no trace yet");
	free(out);
}

static void test_mount_flag_names(void)
{
	char buf[128];

	sys_mount_flags_names(MS_REC | MS_PRIVATE, buf, sizeof(buf));
	CHECK_STR(buf, "MS_REC|MS_PRIVATE");
	sys_mount_flags_names(0, buf, sizeof(buf));
	CHECK_STR(buf, "0");
}

int main(void)
{
	RUN(test_record_and_format);
	RUN(test_json_lines);
	RUN(test_child_pipe);
	RUN(test_settle_pending);
	RUN(test_empty);
	RUN(test_mount_flag_names);
	return CHECK_DONE();
}
