/* Slide decks full screen: pages laid out for the terminal's size, keys to move between them. */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nslab/container.h"
#include "nslab/slides.h"
#include "nslab/util.h"
#include "terminal.h"
#include "tui.h"

#define WRAP_MAX  100 /* columns of text at most, however wide the terminal */
#define MIN_COLS  30
#define MIN_LINES 8
#define GO_MAX    5 /* digits of a typed page number */

enum {
	V_REDRAW = 1 << 0,
	V_RELAYOUT = 1 << 1, /* a new page or a new size: wrap again */
	V_QUIT = 1 << 2,
};

/* What a piece of the screen is; mapped to colour, or to attributes under NO_COLOR and on monochrome terminals. */
enum show_role {
	SHOW_NORMAL,
	SHOW_H1,
	SHOW_H2,
	SHOW_BULLET,
	SHOW_CODE,        /* a fenced block */
	SHOW_INLINE_CODE, /* `code` in a line */
	SHOW_FOOTER,
	SHOW_MORE, /* the page goes on below */
	SHOW_COUNT
};

static const struct tui_style show_styles[SHOW_COUNT] = {
    [SHOW_NORMAL] = {-1, -1, 0, 0},
    [SHOW_H1] = {COLOR_CYAN, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
    [SHOW_H2] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [SHOW_BULLET] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [SHOW_CODE] = {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE},
    [SHOW_INLINE_CODE] = {COLOR_GREEN, -1, A_BOLD, A_REVERSE},
    [SHOW_FOOTER] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
    [SHOW_MORE] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
};

/* One line of a page as shown: the visible text with a style a byte. */
struct vis_line {
	char *text;
	unsigned char *style;
	size_t len;
};

/* One screen row of the laid-out page. */
struct row {
	enum slide_kind kind;
	int x;      /* from the content's left edge */
	int depth;  /* bullets: which glyph */
	bool glyph; /* the bullet's first row: the glyph goes before x */
	bool cont;  /* code: the rest of a line too long for the block */
	int block_w;
	const char *text;
	const unsigned char *style; /* NULL: plain */
	size_t len;
};

struct view {
	const struct slide_deck *d;
	size_t page;   /* from 0 */
	size_t scroll; /* the page's first row on screen */
	struct vis_line *vis;
	size_t n_vis;
	struct row *rows;
	size_t n_rows, rows_cap;
	int width, left, top, body_h; /* the content block and the rows it may use */
	bool too_small, utf8;
	char go[GO_MAX + 1]; /* a page number being typed */
	int attrs[SHOW_COUNT];
};

/* ---- laying a page out: wrapped rows for the content width */

static size_t next_char(const char *s, size_t i, size_t len)
{
	i++;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void rows_add(struct view *v, struct row r)
{
	if (v->n_rows == v->rows_cap) {
		v->rows_cap = v->rows_cap ? v->rows_cap * 2 : 64;
		v->rows = xrealloc(v->rows, v->rows_cap * sizeof(*v->rows));
	}
	v->rows[v->n_rows++] = r;
}

static void layout_free(struct view *v)
{
	for (size_t i = 0; i < v->n_vis; i++) {
		free(v->vis[i].text);
		free(v->vis[i].style);
	}
	free(v->vis);
	v->vis = NULL;
	v->n_vis = v->n_rows = 0;
}

/* Visible text: markers out for prose, code as it is. */
static void vis_fill(struct vis_line *vl, const struct slide_line *l)
{
	size_t len = strlen(l->text);

	vl->text = xmalloc(len + 1);
	vl->style = xcalloc(len + 1, 1);
	if (l->kind == SLIDE_CODE) {
		memcpy(vl->text, l->text, len + 1);
		vl->len = len;
		return;
	}
	vl->len = slides_inline(l->text, vl->text, vl->style);
}

static void layout_wrapped(struct view *v, const struct vis_line *vl, struct row proto, int width)
{
	size_t n = slides_wrap(vl->text, vl->len, (size_t)width, NULL, 0);
	_cleanup_free_ struct slide_cut *cuts = xcalloc(n, sizeof(*cuts));

	slides_wrap(vl->text, vl->len, (size_t)width, cuts, n);
	for (size_t i = 0; i < n; i++) {
		struct row r = proto;
		r.glyph = proto.glyph && i == 0;
		r.text = vl->text + cuts[i].off;
		r.style = vl->style + cuts[i].off;
		r.len = cuts[i].len;
		rows_add(v, r);
	}
}

/* One code line in pieces of at most area columns (a diagram is cut at characters, not words). */
static void layout_code_line(struct view *v, const struct vis_line *vl, int block_w)
{
	size_t area = (size_t)block_w - 2, pos = 0;

	do {
		size_t end = pos, cols = 0;
		while (end < vl->len && cols < area)
			end = next_char(vl->text, end, vl->len), cols++;
		rows_add(v, (struct row){.kind = SLIDE_CODE,
		                         .x = 2,
		                         .cont = pos > 0,
		                         .block_w = block_w,
		                         .text = vl->text + pos,
		                         .len = end - pos});
		pos = end;
	} while (pos < vl->len);
}

/* A run of code lines as one block as wide as its widest line (and a column of padding each side). */
static size_t layout_code(struct view *v, const struct slide_page *pg, size_t first)
{
	size_t end = first, widest = 0;

	for (; end < pg->n && pg->lines[end].kind == SLIDE_CODE; end++) {
		size_t cols = slides_columns(v->vis[end].text, v->vis[end].len);
		widest = cols > widest ? cols : widest;
	}
	int block_w = (int)widest + 2 > v->width - 2 ? v->width - 2 : (int)widest + 2;
	for (size_t i = first; i < end; i++)
		layout_code_line(v, &v->vis[i], block_w);
	return end;
}

static void layout_rows(struct view *v, const struct slide_page *pg)
{
	for (size_t i = 0; i < pg->n;) {
		const struct slide_line *l = &pg->lines[i];
		int ind = 2 * l->depth;
		if (l->kind == SLIDE_CODE) {
			i = layout_code(v, pg, i);
			continue;
		}
		if (l->kind == SLIDE_BLANK)
			rows_add(v, (struct row){.kind = SLIDE_BLANK});
		else if (l->kind == SLIDE_BULLET)
			layout_wrapped(v, &v->vis[i],
			               (struct row){.kind = l->kind, .x = ind + 2, .depth = l->depth, .glyph = true},
			               v->width - ind - 2);
		else
			layout_wrapped(v, &v->vis[i], (struct row){.kind = l->kind}, v->width);
		i++;
	}
}

/* The scroll position that shows the page's last rows. */
static size_t scroll_max(const struct view *v)
{
	return v->n_rows > (size_t)v->body_h ? v->n_rows - (size_t)v->body_h : 0;
}

static void layout(struct view *v)
{
	const struct slide_page *pg = &v->d->pages[v->page];

	layout_free(v);
	v->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
	if (v->too_small)
		return;
	v->width = COLS - 2 > WRAP_MAX ? WRAP_MAX : COLS - 2;
	v->left = (COLS - v->width) / 2;
	v->vis = xcalloc(pg->n ? pg->n : 1, sizeof(*v->vis));
	v->n_vis = pg->n;
	for (size_t i = 0; i < pg->n; i++)
		vis_fill(&v->vis[i], &pg->lines[i]);
	layout_rows(v, pg);
	/* A margin above when the page leaves room for it; the last line is the footer. */
	int room = LINES - 1 - (int)v->n_rows, margin = LINES / 10;
	v->top = room <= 0 ? 0 : room < margin ? room : margin;
	v->body_h = LINES - 1 - v->top;
	if (v->scroll > scroll_max(v))
		v->scroll = scroll_max(v);
}

/* ---- drawing */

static int run_attr(const struct view *v, int base, unsigned char style)
{
	int a = base;

	if (style & SLIDE_STYLE_CODE)
		a = (base & ~A_COLOR) | v->attrs[SHOW_INLINE_CODE];
	if (style & SLIDE_STYLE_BOLD)
		a |= A_BOLD;
	return a;
}

static unsigned code_point(const char *s, size_t i, size_t end)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t n = end - i;

	if (u[0] < 0x80)
		return u[0];
	if (n == 2)
		return (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
	if (n == 3)
		return (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
	return 0xfffd;
}

/* Outside a UTF-8 locale: the decks' box drawing, arrows and dashes as ASCII, so diagrams still read. */
static chtype ascii_for(unsigned cp)
{
	static const char box_h[] = {0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x4c, 0x4d,
	                             0x50, 0x74, 0x76, 0x78, 0x7a, 0x7c, 0x7e};
	static const char box_v[] = {0x02, 0x03, 0x06, 0x07, 0x0a, 0x0b, 0x4e, 0x4f,
	                             0x51, 0x75, 0x77, 0x79, 0x7b, 0x7d, 0x7f};

	if (cp < 0x80)
		return cp;
	if (cp >= 0x2500 && cp <= 0x257f) {
		if (memchr(box_h, (int)(cp - 0x2500), sizeof(box_h)))
			return '-';
		return memchr(box_v, (int)(cp - 0x2500), sizeof(box_v)) ? '|' : '+';
	}
	switch (cp) {
	case 0x2190: return '<';
	case 0x2192: return '>';
	case 0x2191: return '^';
	case 0x2193: return 'v';
	case 0x2013:
	case 0x2014:
	case 0x2212: return '-';
	case 0x2022: return '*';
	default: return '?';
	}
}

/* Bytes as they are in a UTF-8 locale; elsewhere an ASCII stand-in for each character. Returns columns. */
static int put_run(const struct view *v, int y, int x, const char *s, size_t n)
{
	int cols = 0;

	if (v->utf8) {
		mvaddnstr(y, x, s, (int)n);
		return (int)slides_columns(s, n);
	}
	move(y, x);
	for (size_t i = 0, next; i < n; i = next, cols++) {
		next = next_char(s, i, n);
		addch(ascii_for(code_point(s, i, next)));
	}
	return cols;
}

static void draw_text(const struct view *v, int y, int x, const struct row *r, int base)
{
	for (size_t i = 0; i < r->len;) {
		size_t j = r->style ? i + 1 : r->len;
		while (j < r->len && r->style[j] == r->style[i])
			j++;
		attrset(run_attr(v, base, r->style ? r->style[i] : 0));
		x += put_run(v, y, x, r->text + i, j - i);
		i = j;
	}
	attrset(A_NORMAL);
}

static const char *bullet_glyph(const struct view *v, int depth)
{
	static const char *const utf8[] = {"•", "◦", "▪", "‣", "•"};
	static const char *const ascii[] = {"*", "-", "+", "*", "-"};

	depth = depth < 0 ? 0 : depth > SLIDES_DEPTH_MAX ? SLIDES_DEPTH_MAX : depth;
	return v->utf8 ? utf8[depth] : ascii[depth];
}

static void draw_row(const struct view *v, const struct row *r, int y)
{
	int x = v->left + r->x;
	int base = r->kind == SLIDE_H1 ? v->attrs[SHOW_H1] : r->kind == SLIDE_H2 ? v->attrs[SHOW_H2] : 0;

	if (r->kind == SLIDE_CODE) {
		mvhline(y, x, ' ' | (chtype)v->attrs[SHOW_CODE], r->block_w);
		if (r->cont) {
			attrset(v->attrs[SHOW_CODE]);
			mvaddstr(y, x, v->utf8 ? "↪" : ">");
		}
		draw_text(v, y, x + 1, r, v->attrs[SHOW_CODE]);
		return;
	}
	if (r->glyph) {
		attrset(v->attrs[SHOW_BULLET]);
		mvaddstr(y, x - 2, bullet_glyph(v, r->depth));
		attrset(A_NORMAL);
	}
	draw_text(v, y, x, r, base);
}

static const char *const keys_long = "Right/Space next  Left back  Home/End  q quit";
static const char *const keys_short = "arrows: page  q quit";

/* Text at (y, x) cut to w columns. */
static void put_cut(const struct view *v, int y, int x, int w, int attr, const char *s)
{
	size_t n = 0, len = strlen(s);

	for (int cols = 0; n < len && cols < w; cols++)
		n = next_char(s, n, len);
	attrset(attr);
	put_run(v, y, x, s, n);
	attrset(A_NORMAL);
}

/* Deck title on the left, keys, "more" when the page goes on, "page N/M" on the right. */
static void draw_footer(const struct view *v)
{
	char right[64], more[] = " more below ";
	int y = LINES - 1, bar = v->attrs[SHOW_FOOTER];
	bool has_more = v->scroll < scroll_max(v);

	if (v->go[0])
		snprintf(right, sizeof(right), " go to page: %s_ of %zu ", v->go, v->d->n_pages);
	else
		snprintf(right, sizeof(right), " page %zu/%zu ", v->page + 1, v->d->n_pages);
	int rw = (int)strlen(right), mw = has_more ? (int)strlen(more) : 0;
	int avail = COLS - rw - mw - 1, title_w = (int)slides_columns(v->d->title, strlen(v->d->title));
	const char *keys = title_w + (int)strlen(keys_long) + 4 <= avail    ? keys_long
	                   : title_w + (int)strlen(keys_short) + 4 <= avail ? keys_short
	                   : avail >= (int)strlen(keys_short) + 16          ? keys_short
	                                                                    : "";
	int kw = (int)strlen(keys);
	mvhline(y, 0, ' ' | (chtype)bar, COLS);
	put_cut(v, y, 1, avail - kw - (kw ? 3 : 0), bar | A_BOLD, v->d->title);
	put_cut(v, y, avail - kw, kw, bar, keys);
	if (has_more)
		put_cut(v, y, COLS - rw - mw, mw, v->attrs[SHOW_MORE], more);
	put_cut(v, y, COLS - rw, rw, bar | A_BOLD, right);
}

static void draw(const struct view *v)
{
	erase();
	if (v->too_small) {
		mvaddnstr(LINES / 2, 0, "make the terminal larger, or q", COLS);
		refresh();
		return;
	}
	for (int i = 0; i < v->body_h && v->scroll + (size_t)i < v->n_rows; i++)
		draw_row(v, &v->rows[v->scroll + (size_t)i], v->top + i);
	draw_footer(v);
	refresh(); /* curses sends only the cells that changed */
}

/* ---- keys */

static int page_to(struct view *v, size_t page)
{
	if (page >= v->d->n_pages)
		page = v->d->n_pages - 1;
	if (page == v->page && v->scroll == 0)
		return 0;
	v->page = page;
	v->scroll = 0;
	return V_RELAYOUT;
}

/* Forward: the rest of a tall page first (one row kept for context), then the next page. */
static int step_next(struct view *v)
{
	size_t step = v->body_h > 1 ? (size_t)v->body_h - 1 : 1;

	if (v->scroll < scroll_max(v)) {
		v->scroll = v->scroll + step > scroll_max(v) ? scroll_max(v) : v->scroll + step;
		return V_REDRAW;
	}
	return v->page + 1 < v->d->n_pages ? page_to(v, v->page + 1) : 0;
}

static int step_back(struct view *v)
{
	size_t step = v->body_h > 1 ? (size_t)v->body_h - 1 : 1;

	if (v->scroll > 0) {
		v->scroll = v->scroll > step ? v->scroll - step : 0;
		return V_REDRAW;
	}
	return v->page > 0 ? page_to(v, v->page - 1) : 0;
}

/* Digits, then Enter, go to that page; Backspace takes a digit back, Esc or any other key forgets them. */
static int go_key(struct view *v, int ch, bool *used)
{
	size_t len = strlen(v->go);

	*used = true;
	if (ch >= '0' && ch <= '9' && len < GO_MAX) {
		v->go[len] = (char)ch;
		v->go[len + 1] = '\0';
		return V_REDRAW;
	}
	if (len && (ch == KEY_BACKSPACE || ch == 127 || ch == 8)) {
		v->go[len - 1] = '\0';
		return V_REDRAW;
	}
	if (len && (ch == '\n' || ch == '\r' || ch == KEY_ENTER)) {
		unsigned long n = strtoul(v->go, NULL, 10);
		v->go[0] = '\0';
		return V_REDRAW | (n ? page_to(v, n - 1) : 0);
	}
	*used = false;
	if (len && ch == 27) {
		v->go[0] = '\0';
		*used = true;
		return V_REDRAW;
	}
	v->go[0] = '\0';
	return len ? V_REDRAW : 0;
}

static int view_key(struct view *v, int ch)
{
	bool used;
	int flags = ch == KEY_RESIZE ? 0 : go_key(v, ch, &used);

	if (ch != KEY_RESIZE && used)
		return flags;
	switch (ch) {
	case KEY_RESIZE: return V_RELAYOUT;
	case 'q':
	case 'Q':
	case 27:
	case 3: /* ^C */ return V_QUIT;
	case KEY_RIGHT:
	case KEY_DOWN:
	case KEY_NPAGE:
	case ' ':
	case '\n':
	case '\r':
	case 'n':
	case 'j': return flags | step_next(v);
	case KEY_LEFT:
	case KEY_UP:
	case KEY_PPAGE:
	case KEY_BACKSPACE:
	case 127:
	case 8:
	case 'p':
	case 'k': return flags | step_back(v);
	case KEY_HOME:
	case KEY_FIND:
	case 'g': return flags | page_to(v, 0);
	case KEY_END:
	case KEY_SELECT:
	case 'G': return flags | page_to(v, v->d->n_pages - 1);
	case 12: /* ^L */ clearok(curscr, TRUE); return flags | V_REDRAW;
	default: return flags;
	}
}

/* ---- the loop: no timer, only keys and signals */

static int read_keys(struct view *v)
{
	int flags = 0, ch;

	while (!(flags & V_QUIT) && (ch = getch()) != ERR)
		flags |= view_key(v, ch);
	return flags;
}

static int wait_input(struct view *v, const sigset_t *unblocked)
{
	return tui_term_wait(NULL, unblocked) < 0 ? V_QUIT : read_keys(v);
}

static void view_loop(struct view *v)
{
	sigset_t unblocked;
	int flags = V_RELAYOUT;

	tui_term_block(&unblocked);
	while (!(flags & V_QUIT) && !container_pending_signal()) {
		if (flags & V_RELAYOUT)
			layout(v);
		if (flags & (V_RELAYOUT | V_REDRAW))
			draw(v);
		flags = wait_input(v, &unblocked);
	}
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
}

int tui_slides(const struct slide_deck *d, int first_page, struct nslab_error *e)
{
	struct view v = {.d = d};
	struct tui_term term;

	if (!d || !d->n_pages)
		return nslab_error_set(e, EINVAL, "", "no slides to show");
	v.page = first_page < 1 ? 0 : (size_t)first_page > d->n_pages ? d->n_pages - 1 : (size_t)first_page - 1;
	if (tui_term_open(&term, "slides", "piped, slides NAME prints the deck as text", e) < 0)
		return -ENOTTY;
	v.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	tui_term_attrs(show_styles, SHOW_COUNT, v.attrs);
	view_loop(&v);
	tui_term_close(&term);
	layout_free(&v);
	free(v.rows);
	return 0;
}
