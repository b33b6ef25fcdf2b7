/* The Trace panel: what runs inside the container as it happens, newest at
 * the bottom, following new events (as tail -f) until scrolled up. */
#include <curses.h>
#include <string.h>

#include "panel.h"

/* What to say instead of the column names, or NULL when the trace speaks for itself. */
static const char *trace_hint(const struct trace_view *v)
{
	if (!v->src || !v->src->n)
		return "no trace yet: trace child on, then run or start (or trace load FILE)";
	if (v->live && v->ct->tracer.detached)
		return "tracer detached (trace child off): no new events from inside";
	if (v->lines.inside)
		return NULL;
	if (!v->live)
		return "no events from inside in this trace: trace child on, then run or start";
	if (!v->ct->spec.trace_child)
		return "not traced inside: trace child on, then run or start";
	return "traced: waiting for the first event from inside";
}

static int line_role(const struct trace_line *line)
{
	if (line->cls == TLINE_FAILED)
		return ROLE_FAILED; /* a launcher step that failed too: it is why a launch stopped */
	if (line->step)
		return ROLE_STEP;
	return line->cls == TLINE_PROC ? ROLE_PROC : ROLE_NORMAL;
}

static void trace_title(const struct panel *p, const struct tui *t)
{
	const struct trace_view *v = &t->trace;
	int attr = tui_attr(t, p->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	size_t h = (size_t)panel_body_h(p);
	char left[256], pos[48] = "", from[64];

	if (v->live)
		snprintf(from, sizeof(from), "container %s", v->ct->id);
	else
		snprintf(from, sizeof(from), "recorded");
	/* The focused title reads [Trace] (and is drawn reversed): visible without colour too. */
	snprintf(left, sizeof(left), p->focus ? "[%s] %s  %zu events%s%s%s" : " %s  %s  %zu events%s%s%s", p->title,
	         from, v->src ? v->src->n : 0, v->follow ? "" : "  scrolled", v->lines.proc_only ? "  events only" : "",
	         v->lines.hide_steps ? "  no steps" : "");
	if (p->n_rows > h && h)
		snprintf(pos, sizeof(pos), " %zu-%zu/%zu ", p->scroll + 1, p->scroll + h, p->n_rows);
	int room = p->r.w - (int)strlen(pos);
	if (room < 0)
		room = 0;
	panel_text(p->r.y, p->r.x, room, attr, left);
	panel_text(p->r.y, p->r.x + room, p->r.w - room, attr, pos);
}

static void trace_columns(const struct panel *p, const struct tui *t)
{
	const char *hint = trace_hint(&t->trace);
	int y = p->r.y + 1, w = p->r.w, n;
	char cols[128];

	if (hint) {
		n = (int)strlen(hint) < w ? (int)strlen(hint) : w;
		panel_text(y, p->r.x, n, tui_attr(t, ROLE_STATUS), hint);
		panel_text(y, p->r.x + n, w - n, A_NORMAL, "");
		return;
	}
	snprintf(cols, sizeof(cols), "%9s %-11s %-8s %s", "TIME s", "PID/INSIDE", "COMM", "CALL = RESULT, or -- EVENT");
	panel_text(y, p->r.x, w, tui_attr(t, ROLE_LABEL), cols);
}

static void draw_trace(struct panel *p, const struct tui *t)
{
	const struct trace_view *v = &t->trace;
	const struct trace_lines *l = &v->lines;
	size_t h = (size_t)panel_body_h(p);
	char more[64];

	panel_set_rows(p, l->n);
	if (v->follow)
		p->scroll = l->n > h ? l->n - h : 0;
	trace_title(p, t);
	if (p->r.h < 2)
		return;
	trace_columns(p, t);
	for (size_t line = 0; line < h; line++) {
		size_t i = p->scroll + line;
		int y = p->r.y + 2 + (int)line;
		if (i >= l->n) {
			bool none = !line && l->proc_only && v->src && v->src->n;
			panel_text(y, p->r.x, p->r.w, A_NORMAL, none ? "(no process events yet)" : "");
			continue;
		}
		const struct trace_line *tl = trace_lines_at(l, i);
		panel_text(y, p->r.x, p->r.w, tui_attr(t, (enum tui_role)line_role(tl)), tl->text);
	}
	if (!v->follow && v->new_below && h) {
		int n = snprintf(more, sizeof(more), " %zu new below: End follows ", v->new_below);
		if (n > p->r.w)
			n = p->r.w;
		panel_text(p->r.y + 1 + (int)h, p->r.x + p->r.w - n, n, tui_attr(t, ROLE_STATUS), more);
	}
}

/* A filter changed: the lines again from the whole trace, the same event at the top when scrolled. */
static int trace_refilter(struct panel *p, struct trace_view *v)
{
	const struct trace_lines *l = &v->lines;
	size_t top = !v->follow && p->scroll < l->n ? trace_lines_at(l, p->scroll)->ev : 0;

	if (!v->src)
		return TUI_HANDLED;
	trace_lines_rebuild(&v->lines, v->src);
	v->new_below = 0;
	if (!v->follow) {
		p->scroll = trace_lines_find(l, top);
		panel_set_rows(p, l->n);
		v->follow = panel_at_end(p);
	}
	return TUI_HANDLED | TUI_REDRAW;
}

static int trace_key(struct panel *p, struct tui *t, int ch)
{
	struct trace_view *v = &t->trace;

	switch (ch) {
	case 'e':
	case 'E': v->lines.proc_only = !v->lines.proc_only; return trace_refilter(p, v);
	case 'l':
	case 'L': v->lines.hide_steps = !v->lines.hide_steps; return trace_refilter(p, v);
	default: break;
	}
	int r = panel_key_scroll(p, ch);
	if (r & TUI_HANDLED) {
		/* Scrolled to the last line (End, G, or down to it): following again. */
		bool was = v->follow;
		v->follow = panel_at_end(p);
		if (v->follow)
			v->new_below = 0;
		if (was != v->follow)
			r |= TUI_REDRAW;
	}
	return r;
}

void trace_panel_init(struct tui *t, struct container *ct, const struct trace *src, bool live)
{
	struct panel *p = &t->panels[PART_TRACE];
	struct trace_view *v = &t->trace;

	panel_init(p, "Trace", PART_TRACE, draw_trace);
	p->key = trace_key;
	memset(v, 0, sizeof(*v));
	v->ct = ct;
	v->src = src;
	v->live = ct && live;
	v->follow = true;
	trace_lines_init(&v->lines);
}

void trace_panel_free(struct tui *t)
{
	trace_lines_free(&t->trace.lines);
}

void trace_panel_poll(struct tui *t)
{
	struct trace_view *v = &t->trace;
	struct panel *p = &t->panels[PART_TRACE];
	size_t dropped;

	if (!v->src)
		return;
	if (v->live)
		container_trace_poll(v->ct);
	size_t added = trace_lines_update(&v->lines, v->src, &dropped);
	if (!v->follow) {
		/* The lines in view stay in view while older ones make room. */
		p->scroll = p->scroll > dropped ? p->scroll - dropped : 0;
		v->new_below += added;
	}
	if (added || dropped)
		p->dirty = true;
}
