/* The panel object: title, rectangle, scroll, focus, draw and key handlers; layout and shared drawing. */
#include <curses.h>
#include <string.h>

#include "panel.h"

#define MIN_COLS         50  /* narrower, and two cells no longer say anything */
#define PANEL_MIN_H      3   /* title, column names, one row */
#define GRID_MIN_COLS    160 /* 2x2 from here: each cell keeps ~38 columns, as stacked at 80 */
#define GRID_MIN_PANEL_H 6
#define BASE_PANELS      4 /* PIDs, Mounts, Links, Memory: always laid out */
#define STACK_MIN_H      5 /* each of the four, when Trace is stacked below them */
#define TRACE_MIN_H      6 /* Trace below the others from here; else it is shown zoomed */

static int panel_key(struct panel *p, struct tui *t, int ch)
{
	(void)t;
	return panel_key_scroll(p, ch);
}

void panel_init(struct panel *p, const char *title, enum tui_part part,
                void (*draw)(struct panel *, const struct tui *))
{
	memset(p, 0, sizeof(*p));
	p->title = title;
	p->part = part;
	p->draw = draw;
	p->key = panel_key;
	p->dirty = true;
}

int panel_body_h(const struct panel *p)
{
	return p->r.h > 2 ? p->r.h - 2 : 0;
}

void panel_set_rows(struct panel *p, size_t n)
{
	size_t h = (size_t)panel_body_h(p);

	p->n_rows = n;
	if (p->scroll + h > n)
		p->scroll = n > h ? n - h : 0;
}

bool panel_at_end(const struct panel *p)
{
	return p->scroll + (size_t)panel_body_h(p) >= p->n_rows;
}

int panel_key_scroll(struct panel *p, int ch)
{
	size_t h = (size_t)panel_body_h(p), page = h > 1 ? h - 1 : 1, old = p->scroll;
	size_t max = p->n_rows > h ? p->n_rows - h : 0;

	switch (ch) {
	case KEY_UP:
	case 'k': p->scroll = p->scroll ? p->scroll - 1 : 0; break;
	case KEY_DOWN:
	case 'j': p->scroll = p->scroll < max ? p->scroll + 1 : max; break;
	case KEY_PPAGE: p->scroll = p->scroll > page ? p->scroll - page : 0; break;
	case KEY_NPAGE: p->scroll = p->scroll + page < max ? p->scroll + page : max; break;
	case KEY_HOME:
	case 'g': p->scroll = 0; break;
	case KEY_END:
	case 'G': p->scroll = max; break;
	default: return 0;
	}
	return TUI_HANDLED | (p->scroll != old ? TUI_REDRAW : 0);
}

/* ---- layout */

static void place(struct panel *p, int y, int x, int h, int w)
{
	p->r = (struct rect){y, x, h, w};
	p->visible = true;
	p->dirty = true;
}

/* Trace gets the bottom third, across the whole width (its lines are long),
 * as far as the others keep others_min rows; without room for TRACE_MIN_H it
 * is only shown zoomed. Returns the rows left for the others. */
static int place_trace(struct tui *t, struct rect body, int others_min)
{
	int h = body.h / 3;

	if (h > body.h - others_min)
		h = body.h - others_min;
	if (h < TRACE_MIN_H)
		return body.h;
	place(&t->panels[PART_TRACE], body.y + body.h - h, body.x, h, body.w);
	return body.h - h;
}

static void layout_stacked(struct tui *t, struct rect body)
{
	body.h = place_trace(t, body, BASE_PANELS * STACK_MIN_H);
	int each = body.h / BASE_PANELS, extra = body.h % BASE_PANELS, y = body.y;

	for (int i = 0; i < BASE_PANELS; i++) {
		int h = each + (i < extra);
		place(&t->panels[i], y, body.x, h, body.w);
		y += h;
	}
}

static void layout_grid(struct tui *t, struct rect body)
{
	body.h = place_trace(t, body, 2 * GRID_MIN_PANEL_H);
	int left = (body.w - 1) / 2, top = body.h / 2;

	/* One blank column between the two halves. */
	place(&t->panels[PART_PIDS], body.y, 0, top, left);
	place(&t->panels[PART_MOUNTS], body.y, left + 1, top, body.w - left - 1);
	place(&t->panels[PART_LINKS], body.y + top, 0, body.h - top, left);
	place(&t->panels[PART_MEM], body.y + top, left + 1, body.h - top, body.w - left - 1);
}

void panel_layout(struct tui *t, int lines, int cols)
{
	t->header_h = header_height(lines, cols);
	/* The key line takes the last line. */
	struct rect body = {t->header_h, 0, lines - t->header_h - 1, cols};

	for (int i = 0; i < PART_COUNT; i++) {
		t->panels[i].visible = false;
		t->panels[i].focus = i == t->focus;
	}
	t->auto_zoom = false;
	t->too_small = cols < MIN_COLS || body.h < (t->zoom ? PANEL_MIN_H : BASE_PANELS * PANEL_MIN_H);
	if (t->too_small)
		return;
	if (!t->zoom && cols >= GRID_MIN_COLS && body.h >= 2 * GRID_MIN_PANEL_H)
		layout_grid(t, body);
	else if (!t->zoom)
		layout_stacked(t, body);
	if (t->zoom || !t->panels[t->focus].visible) {
		/* Zoomed, or focused where the layout had no room for it (Trace on a small terminal). */
		t->auto_zoom = !t->zoom;
		for (int i = 0; i < PART_COUNT; i++)
			t->panels[i].visible = false;
		place(&t->panels[t->focus], body.y, body.x, body.h, body.w);
	}
}

/* ---- drawing */

void panel_text(int y, int x, int w, int attr, const char *text)
{
	char buf[1024];
	int i = 0;

	if (w <= 0)
		return;
	if (w > (int)sizeof(buf) - 1)
		w = (int)sizeof(buf) - 1;
	/* One byte, one column: anything else would push the next cell along. */
	for (; i < w && text[i]; i++)
		buf[i] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
	memset(buf + i, ' ', (size_t)(w - i));
	attrset(attr);
	mvaddnstr(y, x, buf, w);
	attrset(A_NORMAL);
}

void panel_cell_widths(const struct panel *p, int w[2])
{
	int room = p->r.w - 2; /* the mark column and the separator */

	w[0] = room / 2;
	w[1] = room - w[0];
}

static void separator(int y, int x, int attr)
{
	attrset(attr);
	mvaddch(y, x, ACS_VLINE);
	attrset(A_NORMAL);
}

void panel_frame(const struct panel *p, const struct tui *t, const char *host, const char *inside,
                 const char *host_cols, const char *inside_cols)
{
	int w[2], y = p->r.y, x = p->r.x;
	int attr = tui_attr(t, p->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	char left[256], pos[48] = "";

	panel_cell_widths(p, w);
	/* The focused title reads [PIDs] (and is drawn reversed): visible without colour too. */
	snprintf(left, sizeof(left), p->focus ? "[%s] HOST %s" : " %s  HOST %s", p->title, host);
	panel_text(y, x, 1 + w[0], attr, left);
	separator(y, x + 1 + w[0], attr);
	size_t h = (size_t)panel_body_h(p);
	if (p->n_rows > h && h)
		snprintf(pos, sizeof(pos), " %zu-%zu/%zu ", p->scroll + 1, p->scroll + h, p->n_rows);
	int room = w[1] - (int)strlen(pos);
	char right[256];
	snprintf(right, sizeof(right), "CONTAINER %s", inside);
	panel_text(y, x + 2 + w[0], room, attr, right);
	panel_text(y, x + 2 + w[0] + (room > 0 ? room : 0), w[1] - (room > 0 ? room : 0), attr, pos);

	int label = tui_attr(t, ROLE_LABEL);
	panel_text(y + 1, x, 1, label, "");
	panel_text(y + 1, x + 1, w[0], label, host_cols);
	separator(y + 1, x + 1 + w[0], A_NORMAL);
	panel_text(y + 1, x + 2 + w[0], w[1], label, inside_cols);
}

void panel_row(const struct panel *p, const struct tui *t, int line, char mark, const char *cells[2],
               const int roles[2])
{
	int w[2], y = p->r.y + 2 + line, x = p->r.x;
	char m[2] = {mark, '\0'};
	int strongest = roles[0] != ROLE_NORMAL ? roles[0] : roles[1];

	panel_cell_widths(p, w);
	panel_text(y, x, 1, tui_attr(t, (enum tui_role)strongest), m);
	panel_text(y, x + 1, w[0], tui_attr(t, (enum tui_role)roles[0]), cells[0]);
	separator(y, x + 1 + w[0], A_NORMAL);
	panel_text(y, x + 2 + w[0], w[1], tui_attr(t, (enum tui_role)roles[1]), cells[1]);
}

static int row_role(const struct tui_row *row, int side)
{
	if (row->mark[side] == MARK_GONE)
		return ROLE_GONE;
	if (row->mark[side] == MARK_NEW)
		return ROLE_NEW;
	if (!row->side[!side])
		return ROLE_ONESIDE;
	return row->differ ? ROLE_DIFFER : ROLE_NORMAL;
}

/* As the text views mark rows, plus '+' new and '-' vanished. */
static char row_mark(const struct tui_row *row)
{
	if (row->mark[0] == MARK_GONE || row->mark[1] == MARK_GONE)
		return '-';
	if (row->mark[0] == MARK_NEW || row->mark[1] == MARK_NEW)
		return '+';
	if (!row->side[SIDE_INSIDE])
		return '<';
	if (!row->side[SIDE_HOST])
		return '>';
	return row->differ ? '!' : ' ';
}

void panel_draw_rows(struct panel *p, const struct tui *t, const struct tui_rows *r,
                     void (*cell)(const void *item, int side, int w, char *buf, size_t size))
{
	int h = panel_body_h(p), w[2];
	char buf[2][512];

	panel_set_rows(p, r->n);
	panel_cell_widths(p, w);
	for (int line = 0; line < h; line++) {
		size_t i = p->scroll + (size_t)line;
		const char *cells[2] = {"", ""};
		int roles[2] = {ROLE_NORMAL, ROLE_NORMAL};
		char mark = ' ';
		if (i < r->n) {
			const struct tui_row *row = &r->v[i];
			for (int side = 0; side < 2; side++) {
				if (!row->side[side])
					continue;
				cell(row->side[side], side, w[side], buf[side], sizeof(buf[side]));
				cells[side] = buf[side];
				roles[side] = row_role(row, side);
			}
			mark = row_mark(row);
		}
		panel_row(p, t, line, mark, cells, roles);
	}
}
