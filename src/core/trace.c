/* The trace: record, receive from the child, format as text and JSON Lines. */
#include <errno.h>
#include <json.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nslab/trace.h"
#include "nslab/util.h"

unsigned long long trace_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

void trace_init(struct trace *t)
{
	memset(t, 0, sizeof(*t));
	t->sink_fd = -1;
	t->t0 = trace_clock();
}

void trace_free(struct trace *t)
{
	free(t->ev);
	trace_init(t);
}

void trace_begin(struct trace *t)
{
	t->n = 0;
	t->t0 = trace_clock();
}

void trace_add(struct trace *t, const struct trace_event *ev)
{
	if (ev->pending == TRACE_SETTLE && t->sink_fd < 0) {
		trace_settle_pending(t, ev->ret, ev->err);
		return;
	}
	if (t->sink_fd >= 0) {
		/* One write of less than PIPE_BUF bytes is atomic: the parent reads whole events. */
		(void)write_all(t->sink_fd, ev, sizeof(*ev));
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->ev = xrealloc(t->ev, t->cap * sizeof(*t->ev));
	}
	t->ev[t->n++] = *ev;
}

void trace_record(struct trace *t, const char *call, long long ret, int err, unsigned long long start_ns,
		  const char *note, const char *args_fmt, ...)
{
	struct trace_event ev = {0};
	unsigned long long end = trace_clock();
	va_list ap;

	ev.side = t->sink_fd >= 0 ? SIDE_CHILD : SIDE_PARENT;
	ev.pid = (int)getpid();
	ev.ret = ret;
	ev.err = ret < 0 ? err : 0;
	ev.t_ns = start_ns > t->t0 ? start_ns - t->t0 : 0;
	ev.dur_ns = end > start_ns ? end - start_ns : 0;
	snprintf(ev.call, sizeof(ev.call), "%s", call);
	snprintf(ev.note, sizeof(ev.note), "%s", note ? note : "");
	va_start(ap, args_fmt);
	vsnprintf(ev.args, sizeof(ev.args), args_fmt, ap);
	va_end(ap);
	trace_add(t, &ev);
}

int trace_drain(struct trace *t, int fd)
{
	int count = 0;

	for (;;) {
		struct trace_event ev;
		ssize_t r = read_full(fd, &ev, sizeof(ev));
		if (r == 0)
			return count;
		if (r < 0)
			return (int)r;
		ev.call[sizeof(ev.call) - 1] = '\0';
		ev.args[sizeof(ev.args) - 1] = '\0';
		ev.note[sizeof(ev.note) - 1] = '\0';
		trace_add(t, &ev);
		count++;
	}
}

void trace_settle_pending(struct trace *t, long long ret, int err)
{
	for (size_t i = t->n; i-- > 0;) {
		if (!t->ev[i].pending)
			continue;
		t->ev[i].pending = 0;
		t->ev[i].ret = ret;
		t->ev[i].err = ret < 0 ? err : 0;
		return;
	}
}

static const char *side_name(int side) { return side == SIDE_CHILD ? "child" : "parent"; }

void trace_format_event(const struct trace_event *ev, size_t index, char *buf, size_t size)
{
	size_t len = 0;

	str_appendf(buf, size, &len, "%3zu %-6s %s(%s) = ", index, side_name(ev->side), ev->call, ev->args);
	if (ev->pending)
		str_appendf(buf, size, &len, "?");
	else if (ev->ret < 0)
		str_appendf(buf, size, &len, "-1 %s (%s)", strerrorname_np(ev->err) ? strerrorname_np(ev->err) : "?",
			    strerror(ev->err));
	else
		str_appendf(buf, size, &len, "%lld", ev->ret);
	str_appendf(buf, size, &len, "  <%.3fms>", (double)ev->dur_ns / 1e6);
	if (ev->note[0])
		str_appendf(buf, size, &len, "\n           %s", ev->note);
}

void trace_print(const struct trace *t, FILE *out)
{
	char line[sizeof(struct trace_event) + 256];

	if (!t->n) {
		fputs("(no trace yet: run or start a container first)\n", out);
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		trace_format_event(&t->ev[i], i + 1, line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}

static json_object *event_json(const struct trace_event *ev, size_t index)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "seq", json_object_new_int64((int64_t)index));
	json_object_object_add(o, "side", json_object_new_string(side_name(ev->side)));
	json_object_object_add(o, "pid", json_object_new_int(ev->pid));
	json_object_object_add(o, "call", json_object_new_string(ev->call));
	json_object_object_add(o, "args", json_object_new_string(ev->args));
	if (ev->pending)
		json_object_object_add(o, "result", NULL);
	else
		json_object_object_add(o, "result", json_object_new_int64(ev->ret));
	json_object_object_add(o, "errno", ev->ret < 0 && !ev->pending && strerrorname_np(ev->err)
						   ? json_object_new_string(strerrorname_np(ev->err))
						   : NULL);
	json_object_object_add(o, "t_ns", json_object_new_int64((int64_t)ev->t_ns));
	json_object_object_add(o, "dur_ns", json_object_new_int64((int64_t)ev->dur_ns));
	json_object_object_add(o, "note", json_object_new_string(ev->note));
	return o;
}

void trace_print_json(const struct trace *t, FILE *out)
{
	for (size_t i = 0; i < t->n; i++) {
		json_object *o = event_json(&t->ev[i], i + 1);
		fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
}
