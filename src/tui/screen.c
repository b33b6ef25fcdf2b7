/* The screen: curses set-up and teardown, colours, the loop (ppoll, refresh as timeout), keys. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "nslab/util.h"
#include "panel.h"
#include "terminal.h"
#include "tui.h"

#define DELAY_MIN    1
#define DELAY_MAX    600
#define NS_PER_TENTH 100000000ULL

/* ---- colours, or attributes on a monochrome terminal and under NO_COLOR */

static const struct tui_style styles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {-1, -1, 0, 0},
    [ROLE_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [ROLE_TITLE_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_LABEL] = {-1, -1, A_BOLD, A_BOLD},
    [ROLE_ONESIDE] = {COLOR_YELLOW, -1, 0, A_BOLD},
    [ROLE_DIFFER] = {COLOR_MAGENTA, -1, A_BOLD, A_UNDERLINE},
    [ROLE_NEW] = {COLOR_GREEN, -1, A_BOLD, A_REVERSE},
    [ROLE_GONE] = {COLOR_RED, -1, A_BOLD, A_REVERSE | A_UNDERLINE},
    [ROLE_OWN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [ROLE_BAR] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [ROLE_BAR_HIGH] = {COLOR_RED, -1, A_BOLD, A_REVERSE},
    [ROLE_WARN] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_STATUS] = {COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE},
    [ROLE_PROC] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ROLE_FAILED] = {COLOR_RED, -1, 0, A_UNDERLINE},
    [ROLE_STEP] = {-1, -1, A_DIM, A_DIM},
};

int tui_attr(const struct tui *t, enum tui_role role)
{
	return t->attrs[role];
}

static void attrs_init(struct tui *t)
{
	tui_term_attrs(styles, ROLE_COUNT, t->attrs);
}

/* ---- keys */

static int focus_set(struct tui *t, int to)
{
	/* Zoomed (or the new panel has no place of its own): the layout changes with the focus. */
	bool relayout = t->zoom || t->auto_zoom || !t->panels[to].visible;

	t->panels[t->focus].focus = false;
	t->panels[t->focus].dirty = true;
	t->focus = to;
	t->panels[t->focus].focus = true;
	t->panels[t->focus].dirty = true;
	t->footer_dirty = true; /* the key line names the focused panel's keys */
	return TUI_HANDLED | (relayout ? TUI_RELAYOUT : TUI_REDRAW);
}

static int focus_move(struct tui *t, int by)
{
	return focus_set(t, (t->focus + by + PART_COUNT) % PART_COUNT);
}

/* Steps as top and htop take -d: tenths of a second. */
static const int rates[] = {1, 2, 5, 10, 20, 50, 100, 300, 600};

static int rate_step(struct tui *t, bool faster)
{
	int d = t->delay_tenths;

	if (faster) {
		for (size_t i = ARRAY_SIZE(rates); i-- > 0;)
			if (rates[i] < d) {
				d = rates[i];
				break;
			}
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(rates); i++)
			if (rates[i] > d) {
				d = rates[i];
				break;
			}
	}
	t->delay_tenths = d;
	t->header_dirty = true;
	return TUI_HANDLED;
}

static int toggle(struct tui *t, bool *what, int flags)
{
	*what = !*what;
	t->header_dirty = true;
	return TUI_HANDLED | flags;
}

/* Resuming probes at once rather than after a whole period. */
static int pause_key(struct tui *t)
{
	bool resuming = t->paused;

	return toggle(t, &t->paused, resuming ? TUI_RESCAN : 0);
}

static int screen_key(struct tui *t, int ch)
{
	if (ch == KEY_RESIZE)
		return TUI_HANDLED | TUI_RELAYOUT;
	if (t->help) {
		t->help = false;
		return TUI_HANDLED | TUI_REDRAW_ALL;
	}
	switch (ch) {
	case 'q':
	case 'Q':
	case 3: /* ^C */ return TUI_HANDLED | TUI_QUIT;
	case '\t':
	case KEY_RIGHT: return focus_move(t, 1);
	case KEY_BTAB:
	case KEY_LEFT: return focus_move(t, -1);
	case 't':
	case 'T': return focus_set(t, PART_TRACE);
	case 'z':
	case 'Z': return toggle(t, &t->zoom, TUI_RELAYOUT);
	case 'd':
	case 'D': return toggle(t, &t->diff_only, TUI_REBUILD | TUI_REDRAW_ALL);
	case 'p':
	case 'P':
	case ' ': return pause_key(t);
	case '+':
	case '=': return rate_step(t, true);
	case '-':
	case '_': return rate_step(t, false);
	case '?':
	case 'h':
	case KEY_F(1): t->help = true; return TUI_HANDLED;
	case 12: /* ^L */ clearok(curscr, TRUE); return TUI_HANDLED | TUI_REDRAW_ALL;
	default: break;
	}
	struct panel *p = &t->panels[t->focus];
	return p->key ? p->key(p, t, ch) : 0;
}

static int read_keys(struct tui *t)
{
	int flags = 0, ch;

	while (!(flags & TUI_QUIT) && (ch = getch()) != ERR)
		flags |= screen_key(t, ch);
	return flags;
}

/* ---- drawing */

static void draw_too_small(int lines, int cols)
{
	erase();
	mvaddnstr(lines / 2 - 1, 0, "nslab watch needs 50x16 or more:", cols);
	mvaddnstr(lines / 2, 0, "make the terminal larger, or q", cols);
}

static void draw(struct tui *t)
{
	if (t->too_small) {
		draw_too_small(LINES, COLS);
	} else {
		if (t->header_dirty)
			header_draw(t, COLS);
		for (int i = 0; i < PART_COUNT; i++) {
			struct panel *p = &t->panels[i];
			if (p->visible && p->dirty)
				p->draw(p, t);
			p->dirty = false;
		}
		if (t->footer_dirty)
			footer_draw(t, LINES, COLS);
		if (t->help)
			help_draw(t, LINES, COLS);
	}
	t->header_dirty = t->footer_dirty = false;
	refresh(); /* curses sends only the cells that changed */
}

/* Host rows are read whole only when they appear; the visible ones are kept current. */
static void update_visible(struct tui *t)
{
	struct panel *p = &t->panels[PART_PIDS];

	if (!p->visible || t->too_small)
		return;
	panel_set_rows(p, t->data->rows[PART_PIDS].n);
	data_update_visible(t->data, p->scroll, (size_t)panel_body_h(p));
}

static void apply(struct tui *t, int flags, bool refreshed)
{
	if (flags & TUI_RELAYOUT) {
		panel_layout(t, LINES, COLS);
		erase(); /* nothing of the old size or layout stays */
		flags |= TUI_REDRAW_ALL;
	}
	if (flags & TUI_REBUILD)
		data_rows(t->data, t->diff_only);
	if (refreshed)
		update_visible(t);
	if (flags & TUI_REDRAW_ALL) {
		t->header_dirty = t->footer_dirty = true;
		for (int i = 0; i < PART_COUNT; i++)
			t->panels[i].dirty = true;
	}
	if (flags & TUI_REDRAW)
		t->panels[t->focus].dirty = true;
	draw(t);
}

/* ---- the loop */

static unsigned long long delay_ns(const struct tui *t)
{
	return (unsigned long long)t->delay_tenths * NS_PER_TENTH;
}

/* Sleep until a key, a signal (SIGWINCH, SIGTERM...) or the next refresh. */
static int wait_input(struct tui *t, unsigned long long last, const sigset_t *unblocked)
{
	struct timespec ts, *tp = NULL;

	if (!t->paused) {
		unsigned long long due = last + delay_ns(t), now = now_ns();
		unsigned long long left = due > now ? due - now : 0;
		ts.tv_sec = (time_t)(left / 1000000000ULL);
		ts.tv_nsec = (long)(left % 1000000000ULL);
		tp = &ts;
	}
	if (tui_term_wait(tp, unblocked) < 0)
		return TUI_QUIT;
	return read_keys(t);
}

static void screen_loop(struct tui *t)
{
	sigset_t unblocked;
	int flags = TUI_RELAYOUT | TUI_RESCAN;
	unsigned long long last = 0;

	tui_term_block(&unblocked);
	while (!(flags & TUI_QUIT) && !container_pending_signal()) {
		bool refreshed = false;
		if ((flags & TUI_RESCAN) || (!t->paused && now_ns() - last >= delay_ns(t))) {
			data_refresh(t->data);
			trace_panel_poll(t);
			last = now_ns();
			refreshed = true;
			flags |= TUI_REBUILD | TUI_REDRAW_ALL;
		}
		apply(t, flags, refreshed);
		flags = wait_input(t, last, &unblocked);
	}
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
}

static int clamp_delay(int d)
{
	if (d <= 0)
		return 10;
	return d < DELAY_MIN ? DELAY_MIN : d > DELAY_MAX ? DELAY_MAX : d;
}

int tui_watch(const struct tui_opts *o, struct nslab_error *e)
{
	struct tui_term term;
	struct tui t;

	if (o->pid <= 0)
		return nslab_error_set(e, EINVAL, "", "watch needs a process to watch");
	if (kill(o->pid, 0) < 0 && errno == ESRCH)
		return nslab_error_set(e, ESRCH, "kill", "no process %d to watch", (int)o->pid);
	if (tui_term_open(&term, "watch", "ps, mounts, links, mem and compare print the same as text", e) < 0)
		return -1;
	memset(&t, 0, sizeof(t));
	t.data = xcalloc(1, sizeof(*t.data));
	data_init(t.data, o->pid, o->ct);
	t.delay_tenths = clamp_delay(o->delay_tenths);
	panels_init(&t);
	trace_panel_init(&t, o->traced, o->traced ? &o->traced->trace : NULL, o->traced_live);
	if (o->self_target) {
		/* Nothing to compare: what there is to see is the trace. */
		t.self_target = true;
		t.focus = PART_TRACE;
		t.zoom = true;
	}
	attrs_init(&t);
	screen_loop(&t);
	tui_term_close(&term);
	trace_panel_free(&t);
	data_free(t.data);
	free(t.data);
	return 0;
}
