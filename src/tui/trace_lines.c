/* The Trace panel's lines: a ring of formatted events, only new ones formatted. */
#include <string.h>

#include "nslab/util.h"
#include "trace_lines.h"

void trace_lines_init(struct trace_lines *l)
{
	memset(l, 0, sizeof(*l));
}

void trace_lines_free(struct trace_lines *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool is_step(const struct trace_event *ev)
{
	return ev->side != SIDE_CONTAINER;
}

static enum trace_line_class event_class(const struct trace_event *ev)
{
	if (ev->kind == TRACE_PROC)
		return TLINE_PROC;
	return !ev->pending && ev->ret < 0 ? TLINE_FAILED : TLINE_CALL;
}

static bool keep(const struct trace_lines *l, const struct trace_event *ev)
{
	if (l->hide_steps && is_step(ev))
		return false;
	return !l->proc_only || ev->kind == TRACE_PROC;
}

void trace_line_format(const struct trace_event *ev, char *buf, size_t size)
{
	char who[32];
	size_t len = 0;

	buf[0] = '\0';
	/* Launcher steps: nslab's pid and which side of the launch made the call. */
	if (is_step(ev))
		snprintf(who, sizeof(who), "%d", ev->pid);
	else
		snprintf(who, sizeof(who), "%d/%d", ev->pid, ev->pid_ns);
	str_appendf(buf, size, &len, "%9.3f %-11s %-8.8s ", (double)ev->t_ns / 1e9, who,
	            is_step(ev) ? (ev->side == SIDE_CHILD ? "child" : "parent") : ev->comm);
	if (ev->kind == TRACE_PROC) {
		str_appendf(buf, size, &len, "-- %s%s%s", ev->call, ev->args[0] ? " " : "", ev->args);
		return;
	}
	str_appendf(buf, size, &len, "%s(%s) = ", ev->call, ev->args);
	if (ev->pending) {
		str_appendf(buf, size, &len, "?");
	} else if (ev->ret < 0) {
		const char *name = strerrorname_np(ev->err);
		str_appendf(buf, size, &len, "-1 %s (%s)", name ? name : "?", strerror(ev->err));
	} else {
		str_appendf(buf, size, &len, "%lld", ev->ret);
	}
}

const struct trace_line *trace_lines_at(const struct trace_lines *l, size_t i)
{
	return &l->v[(l->head + i) % l->cap];
}

size_t trace_lines_find(const struct trace_lines *l, size_t ev)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (trace_lines_at(l, mid)->ev < ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A slot for one more line: a new one while the ring grows, else the oldest. */
static struct trace_line *push(struct trace_lines *l, size_t *dropped)
{
	if (l->n == l->cap && l->cap < TRACE_LINES_MAX) {
		/* Only before it wraps (head is still 0): the lines stay in order. */
		size_t cap = l->cap ? l->cap * 2 : 64;
		l->cap = cap < TRACE_LINES_MAX ? cap : TRACE_LINES_MAX;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	if (l->n < l->cap)
		return &l->v[(l->head + l->n++) % l->cap];
	struct trace_line *slot = &l->v[l->head];
	l->head = (l->head + 1) % l->cap;
	(*dropped)++;
	return slot;
}

/* Where the newest TRACE_LINES_MAX lines the filters keep begin, looking no further back than from. */
static size_t first_kept(const struct trace_lines *l, const struct trace *t, size_t from)
{
	size_t kept = 0;

	for (size_t i = t->n; i > from; i--) {
		kept += keep(l, &t->ev[i - 1]);
		if (kept == TRACE_LINES_MAX)
			return i - 1;
	}
	return from;
}

size_t trace_lines_update(struct trace_lines *l, const struct trace *t, size_t *dropped)
{
	size_t from = l->seen, added = 0;

	*dropped = 0;
	if (t->n < l->seen) {
		*dropped = l->n;
		l->n = l->head = l->seen = 0;
		l->inside = false;
		from = 0;
	}
	for (size_t i = from; !l->inside && i < t->n; i++)
		l->inside = !is_step(&t->ev[i]);
	/* A burst larger than the ring: format only the lines that stay. */
	from = first_kept(l, t, from);
	for (size_t i = from; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (!keep(l, ev))
			continue;
		struct trace_line *line = push(l, dropped);
		line->ev = i;
		line->cls = (unsigned char)event_class(ev);
		line->step = is_step(ev);
		trace_line_format(ev, line->text, sizeof(line->text));
		added++;
	}
	l->seen = t->n;
	return added;
}

void trace_lines_rebuild(struct trace_lines *l, const struct trace *t)
{
	size_t dropped;

	l->n = l->head = l->seen = 0;
	l->inside = false;
	trace_lines_update(l, t, &dropped);
}
