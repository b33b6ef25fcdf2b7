/* The Trace panel's lines: each event of a trace formatted once into a ring
 * of the newest lines, filtered as the panel shows them. No curses. */
#ifndef NSLAB_TUI_TRACE_LINES_H
#define NSLAB_TUI_TRACE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include "nslab/trace.h"

#define TRACE_LINES_MAX 4096 /* lines kept; older ones are still in the trace (`trace` prints them) */
#define TRACE_LINE_LEN  384  /* bytes of a line kept: wider than any panel */

/* How a line reads: its role in the panel. */
enum trace_line_class {
	TLINE_CALL,   /* a system call that did not fail */
	TLINE_FAILED, /* ret < 0 */
	TLINE_PROC,   /* fork, exec, exit, signal, stop, cont, oom-kill */
};

struct trace_line {
	size_t ev;         /* its event's index in the trace */
	unsigned char cls; /* enum trace_line_class */
	bool step;         /* a launcher step, not something inside */
	char text[TRACE_LINE_LEN];
};

struct trace_lines {
	struct trace_line *v; /* a ring: grows up to TRACE_LINES_MAX, then the oldest line makes room */
	size_t cap, n, head;  /* head: the slot of the oldest line */
	size_t seen;          /* the trace's events looked at so far */
	bool hide_steps;      /* launcher steps left out */
	bool proc_only;       /* only process events */
	bool inside;          /* the trace has events from inside the container */
};

void trace_lines_init(struct trace_lines *l);
void trace_lines_free(struct trace_lines *l);
/* Take t's events past the ones seen and format those the filters keep
 * (only as many as the ring holds). A trace shorter than what was seen
 * (loaded again, relaunched) starts over. Returns the lines added;
 * *dropped: the oldest lines that made room. */
size_t trace_lines_update(struct trace_lines *l, const struct trace *t, size_t *dropped);
/* After a filter changed: the newest lines that pass, from the whole trace. */
void trace_lines_rebuild(struct trace_lines *l, const struct trace *t);
/* Line i, 0 the oldest kept. */
const struct trace_line *trace_lines_at(const struct trace_lines *l, size_t i);
/* The first line whose event is ev or later (n when none): a place to keep across a rebuild. */
size_t trace_lines_find(const struct trace_lines *l, size_t ev);
/* "    1.234 4321/1      sh       sethostname("x", 1) = 0" (time since the trace began). */
void trace_line_format(const struct trace_event *ev, char *buf, size_t size);

#endif
