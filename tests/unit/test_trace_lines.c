/* Unit tests for the Trace panel's lines (src/tui/trace_lines.c): formatting,
 * filters, the ring's limit, bursts, a trace that starts over. No terminal. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "nslab/trace.h"
#include "tui/trace_lines.h"

static void add_call(struct trace *t, int pid, int pid_ns, const char *call, const char *args, long long ret, int err)
{
	struct trace_event ev = {
	    .side = SIDE_CONTAINER, .kind = TRACE_SYSCALL, .pid = pid, .pid_ns = pid_ns, .ret = ret, .err = err};

	ev.t_ns = 1234567890ULL;
	snprintf(ev.comm, sizeof(ev.comm), "sh");
	snprintf(ev.call, sizeof(ev.call), "%s", call);
	snprintf(ev.args, sizeof(ev.args), "%s", args);
	trace_add(t, &ev);
}

static void add_proc(struct trace *t, const char *what, const char *args)
{
	struct trace_event ev = {.side = SIDE_CONTAINER, .kind = TRACE_PROC, .pid = 42, .pid_ns = 1};

	snprintf(ev.comm, sizeof(ev.comm), "sh");
	snprintf(ev.call, sizeof(ev.call), "%s", what);
	snprintf(ev.args, sizeof(ev.args), "%s", args);
	trace_add(t, &ev);
}

static void add_step(struct trace *t)
{
	struct trace_event ev = {.side = SIDE_PARENT, .kind = TRACE_STEP, .pid = 7, .ret = 43};

	snprintf(ev.call, sizeof(ev.call), "clone3");
	snprintf(ev.args, sizeof(ev.args), "{flags=CLONE_NEWPID}");
	trace_add(t, &ev);
}

static void test_format(void)
{
	struct trace t;
	char buf[TRACE_LINE_LEN];

	trace_init(&t);
	add_call(&t, 4321, 2, "sethostname", "\"box\", 3", 0, 0);
	add_call(&t, 4321, 2, "wait4", "-1, NULL, 0x1, NULL", -1, ECHILD);
	add_proc(&t, TRACE_EV_EXEC, "/bin/hostname box");
	add_step(&t);
	trace_line_format(&t.ev[0], buf, sizeof(buf));
	CHECK_STR(buf, "    1.235 4321/2      sh       sethostname(\"box\", 3) = 0");
	trace_line_format(&t.ev[1], buf, sizeof(buf));
	CHECK_CONTAINS(buf, "wait4(-1, NULL, 0x1, NULL) = -1 ECHILD (No child processes)");
	trace_line_format(&t.ev[2], buf, sizeof(buf));
	CHECK_STR(buf, "    0.000 42/1        sh       -- exec /bin/hostname box");
	trace_line_format(&t.ev[3], buf, sizeof(buf));
	CHECK_STR(buf, "    0.000 7           parent   clone3({flags=CLONE_NEWPID}) = 43");
	/* A line longer than the slot is cut, never overrun. */
	memset(t.ev[0].args, 'a', sizeof(t.ev[0].args) - 1);
	trace_line_format(&t.ev[0], buf, sizeof(buf));
	CHECK(strlen(buf) == sizeof(buf) - 1);
	trace_free(&t);
}

static void test_classes_and_filters(void)
{
	struct trace t;
	struct trace_lines l;
	size_t dropped;

	trace_init(&t);
	trace_lines_init(&l);
	add_step(&t);
	CHECK(trace_lines_update(&l, &t, &dropped) == 1);
	CHECK(!l.inside);
	CHECK(trace_lines_at(&l, 0)->step);
	add_call(&t, 10, 1, "sethostname", "\"x\", 1", 0, 0);
	add_call(&t, 10, 1, "wait4", "-1", -1, ECHILD);
	add_proc(&t, TRACE_EV_EXIT, "status 0");
	CHECK(trace_lines_update(&l, &t, &dropped) == 3 && dropped == 0);
	CHECK(l.inside && l.n == 4);
	CHECK(trace_lines_at(&l, 1)->cls == TLINE_CALL);
	CHECK(trace_lines_at(&l, 2)->cls == TLINE_FAILED);
	CHECK(trace_lines_at(&l, 3)->cls == TLINE_PROC);
	CHECK(trace_lines_update(&l, &t, &dropped) == 0); /* nothing new: nothing formatted */

	l.proc_only = true;
	trace_lines_rebuild(&l, &t);
	CHECK(l.n == 1 && trace_lines_at(&l, 0)->ev == 3);
	l.proc_only = false;
	l.hide_steps = true;
	trace_lines_rebuild(&l, &t);
	CHECK(l.n == 3 && trace_lines_at(&l, 0)->ev == 1);
	CHECK(trace_lines_find(&l, 0) == 0 && trace_lines_find(&l, 2) == 1 && trace_lines_find(&l, 9) == 3);

	/* Loaded again, shorter: the lines start over. */
	trace_begin(&t);
	add_proc(&t, TRACE_EV_FORK, "11/2");
	CHECK(trace_lines_update(&l, &t, &dropped) == 1 && dropped == 3);
	CHECK(l.n == 1 && trace_lines_at(&l, 0)->ev == 0);
	trace_lines_free(&l);
	trace_free(&t);
}

static void test_ring(void)
{
	struct trace t;
	struct trace_lines l;
	size_t dropped, added;
	char args[32];

	trace_init(&t);
	trace_lines_init(&l);
	for (int i = 0; i < TRACE_LINES_MAX - 10; i++) {
		snprintf(args, sizeof(args), "%d", i);
		add_call(&t, 10, 1, "getpid", args, i, 0);
	}
	added = trace_lines_update(&l, &t, &dropped);
	CHECK(added == TRACE_LINES_MAX - 10 && dropped == 0);
	for (int i = 0; i < 30; i++)
		add_call(&t, 10, 1, "getpid", "", i, 0);
	added = trace_lines_update(&l, &t, &dropped);
	CHECK(added == 30 && dropped == 20 && l.n == TRACE_LINES_MAX);
	CHECK(trace_lines_at(&l, 0)->ev == 20);
	CHECK(trace_lines_at(&l, TRACE_LINES_MAX - 1)->ev == t.n - 1);

	/* A burst of twice the ring: only the lines that stay are formatted. */
	size_t before = t.n;
	for (int i = 0; i < 2 * TRACE_LINES_MAX; i++)
		add_call(&t, 10, 1, "getppid", "", i, 0);
	added = trace_lines_update(&l, &t, &dropped);
	CHECK(added == TRACE_LINES_MAX && dropped == TRACE_LINES_MAX);
	CHECK(trace_lines_at(&l, 0)->ev == before + TRACE_LINES_MAX);
	CHECK(trace_lines_find(&l, 0) == 0);

	/* The process-only filter reaches back past the ring's lines to fill it. */
	add_proc(&t, TRACE_EV_EXIT, "status 1");
	l.proc_only = true;
	trace_lines_rebuild(&l, &t);
	CHECK(l.n == 1 && trace_lines_at(&l, 0)->cls == TLINE_PROC);
	trace_lines_free(&l);
	trace_free(&t);
}

int main(void)
{
	RUN(test_format);
	RUN(test_classes_and_filters);
	RUN(test_ring);
	return CHECK_DONE();
}
