/* The trace: record, receive from the child, format as text and JSON Lines. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
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

void trace_sink(struct trace *t, int fd)
{
	t->sink_fd = fd;
	t->sink_buf = NULL;
	t->sink_len = t->sink_cap = 0;
}

void trace_flush(struct trace *t)
{
	if (t->sink_fd < 0 || !t->sink_len)
		return;
	(void)write_all(t->sink_fd, t->sink_buf, t->sink_len);
	t->sink_len = 0;
}

/* On the pipe: the fields before args as they are, then args and note,
 * each as a 16-bit length and its bytes. */
#define WIRE_HEAD offsetof(struct trace_event, args)

static void sink_put(struct trace *t, const void *p, size_t len)
{
	if (t->sink_len + len > t->sink_cap) {
		t->sink_cap = (t->sink_len + len) * 2;
		t->sink_buf = xrealloc(t->sink_buf, t->sink_cap);
	}
	memcpy(t->sink_buf + t->sink_len, p, len);
	t->sink_len += len;
}

static void sink_put_text(struct trace *t, const char *s, size_t max)
{
	uint16_t len = (uint16_t)strnlen(s, max - 1);

	sink_put(t, &len, sizeof(len));
	sink_put(t, s, len);
}

static void sink_event(struct trace *t, const struct trace_event *ev)
{
	sink_put(t, ev, WIRE_HEAD);
	sink_put_text(t, ev->args, sizeof(ev->args));
	sink_put_text(t, ev->note, sizeof(ev->note));
}

void trace_add(struct trace *t, const struct trace_event *ev)
{
	if (t->sink_fd >= 0) {
		/* A child sends its steps in one write, not one wake-up of the
		 * parent a step: at an execve, which may not return, or a
		 * failure, after which it exits. */
		sink_event(t, ev);
		if (ev->pending || ev->ret < 0)
			trace_flush(t);
		return;
	}
	if (ev->pending == TRACE_SETTLE) {
		trace_settle_pending(t, ev->ret, ev->err);
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

/* One counted string of at most size - 1 bytes into buf: 1, 0 at EOF, or -errno. */
static int read_text(int fd, char *buf, size_t size)
{
	uint16_t len;
	ssize_t r = read_full(fd, &len, sizeof(len));

	if (r <= 0)
		return (int)r;
	if (r != sizeof(len) || len >= size)
		return -EPROTO;
	r = len ? read_full(fd, buf, len) : 0;
	if (r < 0)
		return (int)r;
	if (r != len)
		return -EPROTO;
	buf[len] = '\0';
	return 1;
}

int trace_drain(struct trace *t, int fd)
{
	int count = 0;

	for (;;) {
		struct trace_event ev;
		ssize_t r = read_full(fd, &ev, WIRE_HEAD);
		if (r == 0)
			return count;
		if (r < 0)
			return (int)r;
		if ((size_t)r != WIRE_HEAD || read_text(fd, ev.args, sizeof(ev.args)) != 1 ||
		    read_text(fd, ev.note, sizeof(ev.note)) != 1)
			return -EPROTO;
		ev.call[sizeof(ev.call) - 1] = '\0';
		ev.comm[sizeof(ev.comm) - 1] = '\0';
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

static const char *const side_names[] = {"parent", "child", "container"};
static const char *const kind_names[] = {"step", "syscall", "proc"};

static const char *side_name(int side)
{
	return side >= 0 && side < (int)ARRAY_SIZE(side_names) ? side_names[side] : "parent";
}

static const char *kind_name(int kind)
{
	return kind >= 0 && kind < (int)ARRAY_SIZE(kind_names) ? kind_names[kind] : "step";
}

static int name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name && !strcmp(names[i], name))
			return (int)i;
	return 0;
}

/* "4321/1 sh      ": the caller outside and inside, and its name. */
static void who(const struct trace_event *ev, char *buf, size_t size)
{
	char pids[32];

	snprintf(pids, sizeof(pids), "%d/%d", ev->pid, ev->pid_ns);
	snprintf(buf, size, "%-10s %-8.8s", pids, ev->comm);
}

static void format_proc(const struct trace_event *ev, size_t index, char *buf, size_t size)
{
	char w[48];

	who(ev, w, sizeof(w));
	snprintf(buf, size, "%3zu %s -- %s%s%s", index, w, ev->call, ev->args[0] ? " " : "", ev->args);
}

void trace_format_event(const struct trace_event *ev, size_t index, char *buf, size_t size)
{
	size_t len = 0;
	char w[48];

	if (ev->kind == TRACE_PROC) {
		format_proc(ev, index, buf, size);
		return;
	}
	if (ev->side == SIDE_CONTAINER) {
		who(ev, w, sizeof(w));
		str_appendf(buf, size, &len, "%3zu %s %s(%s) = ", index, w, ev->call, ev->args);
	} else {
		str_appendf(buf, size, &len, "%3zu %-6s %s(%s) = ", index, side_name(ev->side), ev->call, ev->args);
	}
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
	bool legend = false;
	for (size_t i = 0; i < t->n; i++) {
		if (t->ev[i].side == SIDE_CONTAINER && !legend) {
			fputs("    --- inside the container: PID on the host/PID inside, name, call ---\n", out);
			legend = true;
		}
		trace_format_event(&t->ev[i], i + 1, line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}

void trace_print_events(const struct trace *t, FILE *out)
{
	size_t shown = 0;
	char w[48];

	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_PROC)
			continue;
		who(ev, w, sizeof(w));
		fprintf(out, "%+9.3fs  %s %-8s %s\n", (double)ev->t_ns / 1e9, w, ev->call, ev->args);
		shown++;
	}
	if (!shown)
		fputs("(no process events: turn on `trace child on`, then run or start a container)\n", out);
}

static json_object *event_json(const struct trace_event *ev, size_t index)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "seq", json_object_new_int64((int64_t)index));
	json_object_object_add(o, "side", json_object_new_string(side_name(ev->side)));
	json_object_object_add(o, "kind", json_object_new_string(kind_name(ev->kind)));
	json_object_object_add(o, "pid", json_object_new_int(ev->pid));
	if (ev->side == SIDE_CONTAINER) {
		json_object_object_add(o, "pid_inside", json_object_new_int(ev->pid_ns));
		json_object_object_add(o, "comm", json_object_new_string(ev->comm));
	}
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

/* ---- trace load: JSON Lines back into events */

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static long long jget_int(json_object *o, const char *key, long long dflt)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_int64(v) : dflt;
}

static int errno_by_name(const char *name)
{
	for (int err = 1; err < 200 && name; err++)
		if (strerrorname_np(err) && !strcmp(strerrorname_np(err), name))
			return err;
	return 0;
}

static int event_from_json(json_object *o, struct trace_event *ev)
{
	const char *call = jget_str(o, "call");
	json_object *result;

	if (!call)
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->side = name_index(side_names, ARRAY_SIZE(side_names), jget_str(o, "side"));
	ev->kind = name_index(kind_names, ARRAY_SIZE(kind_names), jget_str(o, "kind"));
	ev->pid = (int)jget_int(o, "pid", 0);
	ev->pid_ns = (int)jget_int(o, "pid_inside", 0);
	snprintf(ev->comm, sizeof(ev->comm), "%s", jget_str(o, "comm") ? jget_str(o, "comm") : "");
	snprintf(ev->call, sizeof(ev->call), "%s", call);
	snprintf(ev->args, sizeof(ev->args), "%s", jget_str(o, "args") ? jget_str(o, "args") : "");
	snprintf(ev->note, sizeof(ev->note), "%s", jget_str(o, "note") ? jget_str(o, "note") : "");
	ev->pending = !json_object_object_get_ex(o, "result", &result) || !result;
	ev->ret = ev->pending ? 0 : json_object_get_int64(result);
	ev->err = ev->ret < 0 ? errno_by_name(jget_str(o, "errno")) : 0;
	ev->t_ns = (unsigned long long)jget_int(o, "t_ns", 0);
	ev->dur_ns = (unsigned long long)jget_int(o, "dur_ns", 0);
	return 0;
}

int trace_load(struct trace *t, FILE *in, const char *origin, struct nslab_error *e)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	struct trace loaded;

	trace_init(&loaded);
	for (ssize_t n; (n = getline(&line, &cap, in)) >= 0;) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		struct trace_event ev;
		json_object *o = json_tokener_parse(line);
		int r = o && json_object_is_type(o, json_type_object) ? event_from_json(o, &ev) : -1;
		json_object_put(o);
		if (r < 0) {
			free(line);
			trace_free(&loaded);
			return nslab_error_set(e, EINVAL, "", "%s:%d: not a trace event (a JSON object with \"call\", as trace --json writes)",
					       origin, lineno);
		}
		trace_add(&loaded, &ev);
	}
	free(line);
	trace_free(t);
	*t = loaded;
	return (int)t->n;
}
