/* Unit tests for the trace: recording, the child pipe, text and JSON output. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
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

/* A child's events are packed for the pipe and sent in one write at a
 * failure, an execve or a flush: full-length args and notes come through
 * whole, nothing is sent before then, and a cut or bad stream is refused. */
static void test_sink_packing(void)
{
	struct trace parent, child;
	int fds[2];
	char big[1536], note[512];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	trace_init(&parent);
	trace_init(&child);
	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	trace_sink(&child, fds[1]);
	trace_record(&child, "mount", 0, 0, trace_clock(), note, "%s", big);
	trace_record(&child, "chdir", 0, 0, trace_clock(), NULL, "\"/\"");
	CHECK(child.n == 0); /* kept in the sink, not in the list */
	char byte;
	CHECK(read(fds[0], &byte, 1) < 0 && errno == EAGAIN); /* nothing sent yet */
	trace_record(&child, "pivot_root", -1, EINVAL, trace_clock(), NULL, "\".\", \".\"");
	close(fds[1]);
	free(child.sink_buf);
	CHECK(fcntl(fds[0], F_SETFL, 0) == 0);
	CHECK(trace_drain(&parent, fds[0]) == 3);
	close(fds[0]);
	CHECK(parent.n == 3);
	CHECK(strlen(parent.ev[0].args) == sizeof(big) - 1 && !strcmp(parent.ev[0].args, big));
	CHECK_STR(parent.ev[0].note, note);
	CHECK_STR(parent.ev[1].call, "chdir");
	CHECK_STR(parent.ev[1].note, "");
	CHECK(parent.ev[2].ret == -1 && parent.ev[2].err == EINVAL && parent.ev[2].side == SIDE_CHILD);
	trace_free(&parent);

	/* Cut inside a record, or a length longer than the field: -EPROTO. */
	for (int cut = 0; cut < 2; cut++) {
		struct trace_event ev = {0};
		uint16_t len = cut ? 4000 : 10;
		CHECK(pipe(fds) == 0);
		CHECK(write(fds[1], &ev, offsetof(struct trace_event, args)) > 0);
		CHECK(write(fds[1], &len, sizeof(len)) == sizeof(len));
		CHECK(write(fds[1], "abc", 3) == 3);
		close(fds[1]);
		trace_init(&parent);
		CHECK(trace_drain(&parent, fds[0]) == -EPROTO);
		CHECK(parent.n == 0);
		close(fds[0]);
		trace_free(&parent);
	}
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

/* A container's events as the tracer writes them. */
static void add_inside(struct trace *t, int kind, int pid, int pid_ns, const char *call, const char *args, long long ret,
		       int err)
{
	struct trace_event ev = {.side = SIDE_CONTAINER, .kind = kind, .pid = pid, .pid_ns = pid_ns, .ret = ret, .err = err};

	snprintf(ev.comm, sizeof(ev.comm), "sh");
	snprintf(ev.call, sizeof(ev.call), "%s", call);
	snprintf(ev.args, sizeof(ev.args), "%s", args);
	ev.t_ns = 1500000000ULL;
	trace_add(t, &ev);
}

static void inside_trace(struct trace *t)
{
	trace_init(t);
	trace_record(t, "clone3", 4321, 0, trace_clock(), "the child starts", "{flags=CLONE_NEWPID}");
	add_inside(t, TRACE_PROC, 4321, 1, TRACE_EV_EXEC, "/bin/sh -c x", 0, 0);
	add_inside(t, TRACE_SYSCALL, 4321, 1, "sethostname", "\"box\", 3", 0, 0);
	add_inside(t, TRACE_SYSCALL, 4322, 2, "mount", "\"none\", \"/x\", \"tmpfs\", 0, NULL", -1, ENOENT);
	add_inside(t, TRACE_PROC, 4322, 2, TRACE_EV_EXIT, "status 1", 0, 0);
}

static void test_inside_format(void)
{
	struct trace t;

	inside_trace(&t);
	_cleanup_free_ char *text = capture(&t, 0);
	CHECK_CONTAINS(text, "--- inside the container: PID on the host/PID inside");
	CHECK_CONTAINS(text, "  3 4321/1     sh       sethostname(\"box\", 3) = 0");
	CHECK_CONTAINS(text, "  4 4322/2     sh       mount(\"none\", \"/x\", \"tmpfs\", 0, NULL) = -1 ENOENT (No such file or directory)");
	CHECK_CONTAINS(text, "  5 4322/2     sh       -- exit status 1");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	trace_print_events(&t, f);
	fclose(f);
	CHECK_CONTAINS(buf, "  +1.500s  4321/1     sh       exec     /bin/sh -c x");
	CHECK_CONTAINS(buf, "4322/2     sh       exit     status 1");
	CHECK(!strstr(buf, "sethostname"));
	CHECK(!strstr(buf, "clone3"));
	free(buf);
	trace_free(&t);
}

static void test_save_load_round_trip(void)
{
	struct trace t, back;
	struct nslab_error e = {0};

	inside_trace(&t);
	_cleanup_free_ char *json = capture(&t, 1);
	FILE *in = fmemopen(json, strlen(json), "r");
	trace_init(&back);
	CHECK(trace_load(&back, in, "t.jsonl", &e) == 5);
	fclose(in);
	_cleanup_free_ char *again = capture(&back, 1);
	CHECK_STR(again, json);
	CHECK(back.ev[3].err == ENOENT && back.ev[3].pid_ns == 2 && back.ev[3].kind == TRACE_SYSCALL);
	CHECK(back.ev[0].side == SIDE_PARENT && back.ev[0].kind == TRACE_STEP);
	trace_free(&t);
	trace_free(&back);
}

static void test_load_errors(void)
{
	struct trace t;
	struct nslab_error e = {0};
	const char *bad[] = {"{\"call\": \"x\"}\nnot json\n", "[1, 2]\n", "{\"args\": \"no call\"}\n"};
	const int line[] = {2, 1, 1};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char want[64];
		trace_init(&t);
		add_inside(&t, TRACE_PROC, 1, 1, "exit", "status 0", 0, 0);
		FILE *in = fmemopen((void *)bad[i], strlen(bad[i]), "r");
		CHECK(trace_load(&t, in, "bad.jsonl", &e) < 0);
		fclose(in);
		snprintf(want, sizeof(want), "bad.jsonl:%d: not a trace event", line[i]);
		CHECK_CONTAINS(e.msg, want);
		CHECK(t.n == 1); /* the trace it had is kept */
		trace_free(&t);
	}
	/* Blank lines are fine; a pending event (result null) stays pending. */
	const char *ok = "\n{\"call\": \"execve\", \"result\": null}\n\n";
	trace_init(&t);
	FILE *in = fmemopen((void *)ok, strlen(ok), "r");
	CHECK(trace_load(&t, in, "ok.jsonl", &e) == 1);
	fclose(in);
	CHECK(t.n == 1 && t.ev[0].pending);
	trace_free(&t);
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
	RUN(test_sink_packing);
	RUN(test_settle_pending);
	RUN(test_empty);
	RUN(test_mount_flag_names);
	RUN(test_inside_format);
	RUN(test_save_load_round_trip);
	RUN(test_load_errors);
	return CHECK_DONE();
}
