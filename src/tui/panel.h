/* The TUI's pieces: attribute roles, rectangles, panel objects with draw and
 * key handlers, and the screen state they share. Only src/tui includes curses. */
#ifndef NSLAB_TUI_PANEL_H
#define NSLAB_TUI_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include "data.h"
#include "trace_lines.h"

/* What a key handler did, for the loop (as htop's HandlerResult). */
enum tui_flag {
	TUI_HANDLED = 1 << 0,
	TUI_REDRAW = 1 << 1,     /* the focused panel (or the ones marked dirty) */
	TUI_REDRAW_ALL = 1 << 2, /* header, panels, key line */
	TUI_RELAYOUT = 1 << 3,   /* sizes changed: zoom, resize */
	TUI_REBUILD = 1 << 4,    /* rows from the same data (differences only) */
	TUI_RESCAN = 1 << 5,     /* probe again now */
	TUI_QUIT = 1 << 6,
};

/* What a piece of text means; screen.c maps it to colour or, without colour, to attributes. */
enum tui_role {
	ROLE_NORMAL,
	ROLE_TITLE,       /* a panel's title bar */
	ROLE_TITLE_FOCUS, /* the focused panel's title bar */
	ROLE_LABEL,       /* column names, header labels */
	ROLE_ONESIDE,     /* an entry only one side has */
	ROLE_DIFFER,      /* on both sides, not the same */
	ROLE_NEW,
	ROLE_GONE,
	ROLE_OWN,      /* a namespace of the container's own */
	ROLE_BAR,      /* the filled part of a memory bar */
	ROLE_BAR_HIGH, /* ... when nearly full */
	ROLE_WARN,     /* the target exited, OOM kills */
	ROLE_STATUS,   /* PAUSED, DIFF: modes that are on */
	ROLE_PROC,     /* a process event in the trace: fork, exec, exit, signal */
	ROLE_FAILED,   /* a traced call that failed */
	ROLE_STEP,     /* a launcher step in the trace: quieter than what runs inside */
	ROLE_COUNT
};

struct rect {
	int y, x, h, w;
};

struct panel;
struct tui;

struct panel {
	const char *title;
	enum tui_part part;
	struct rect r;
	bool visible, focus, dirty;
	size_t scroll; /* first row shown */
	size_t n_rows; /* rows it has, as last drawn */
	void (*draw)(struct panel *p, const struct tui *t);
	int (*key)(struct panel *p, struct tui *t, int ch);
};

/* The Trace panel's state (trace_panel.c). */
struct trace_view {
	struct container *ct;    /* nslab's container: its tracer is polled each refresh (NULL: none) */
	const struct trace *src; /* what the panel shows: ct's trace (maybe loaded from a file) */
	bool live;               /* ct is running: events may still arrive */
	struct trace_lines lines;
	bool follow;      /* at the bottom, moving with new events (as tail -f) */
	size_t new_below; /* lines that arrived since the person scrolled up */
};

struct tui {
	struct tui_data *data;
	struct panel panels[PART_COUNT];
	int focus; /* index into panels */
	bool zoom, diff_only, paused, help, too_small;
	bool auto_zoom;   /* the focused panel has no place in the layout: shown zoomed */
	bool self_target; /* no container: the panels show nslab itself */
	struct trace_view trace;
	bool header_dirty, footer_dirty;
	int delay_tenths;
	int header_h;
	int attrs[ROLE_COUNT]; /* curses attributes for each role */
};

/* screen.c */
int tui_attr(const struct tui *t, enum tui_role role);

/* panel.c: the object and what every panel draws the same way */
void panel_init(struct panel *p, const char *title, enum tui_part part,
                void (*draw)(struct panel *, const struct tui *));
/* Up, Down, PgUp, PgDn, Home/g, End/G within the panel's rows. */
int panel_key_scroll(struct panel *p, int ch);
/* The last row is in view. */
bool panel_at_end(const struct panel *p);
/* Rows of the body (below the title and the column names). */
int panel_body_h(const struct panel *p);
/* Clamp scroll to n rows and remember n. */
void panel_set_rows(struct panel *p, size_t n);
void panel_layout(struct tui *t, int lines, int cols);
/* Title bar (with HOST and CONTAINER summaries) and the column names line. */
void panel_frame(const struct panel *p, const struct tui *t, const char *host, const char *inside,
                 const char *host_cols, const char *inside_cols);
/* Text in a rectangle's line, cut or padded to w, unprintable bytes as '?'. */
void panel_text(int y, int x, int w, int attr, const char *text);
/* One line of the body: a mark column, the host cell, a separator, the container cell. */
void panel_row(const struct panel *p, const struct tui *t, int line, char mark, const char *cells[2],
               const int roles[2]);
/* Split widths of the two cells. */
void panel_cell_widths(const struct panel *p, int w[2]);
/* Rows as two cells each, the way every keyed panel draws them. */
void panel_draw_rows(struct panel *p, const struct tui *t, const struct tui_rows *r,
                     void (*cell)(const void *item, int side, int w, char *buf, size_t size));

/* panels.c: the four panels */
void panels_init(struct tui *t);

/* trace_panel.c: the Trace panel */
void trace_panel_init(struct tui *t, struct container *ct, const struct trace *src, bool live);
void trace_panel_free(struct tui *t);
/* Take new events (polling ct's tracer) into the panel: each refresh. */
void trace_panel_poll(struct tui *t);

/* header.c */
int header_height(int lines, int cols);
void header_draw(const struct tui *t, int cols);

/* help.c: the key line at the bottom (the focused panel's keys) and the ? overlay */
void footer_draw(const struct tui *t, int lines, int cols);
void help_draw(const struct tui *t, int lines, int cols);

#endif
