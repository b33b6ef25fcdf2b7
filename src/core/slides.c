/* Slide decks: parse the Markdown subset into pages, load with bounds, find and list by name. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nslab/slides.h"
#include "nslab/util.h"

#define TAB_STOP 8
/* A cleaned line: every source byte may become a tab's worth of spaces. */
#define CLEAN_MAX (SLIDES_LINE_MAX * TAB_STOP + 1)

/* ---- UTF-8 */

/* Length of the character at s[i], for text already cleaned (valid UTF-8). */
static size_t char_len(const char *s, size_t i, size_t len)
{
	size_t n = 1;

	while (i + n < len && ((unsigned char)s[i + n] & 0xc0) == 0x80)
		n++;
	return n;
}

size_t slides_columns(const char *s, size_t len)
{
	size_t cols = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cols++;
	return cols;
}

/* Copy at most size - 1 bytes of src, never splitting a character. */
static void copy_utf8(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* ---- cleaning one source line */

/* Tabs to spaces, control bytes and invalid UTF-8 to '?', trailing blanks and CR dropped. */
static size_t clean_line(const char *src, size_t n, char *out)
{
	size_t o = 0, cols = 0;

	while (n > 0 && src[n - 1] == '\r') /* CRLF files */
		n--;
	for (size_t i = 0; i < n;) {
		const unsigned char *c = (const unsigned char *)src + i;
		size_t len = utf8_char_len(src + i, n - i);
		if (c[0] == '\t') {
			do
				out[o++] = ' ';
			while (++cols % TAB_STOP);
			i++;
			continue;
		}
		if (len == 0 || c[0] < 0x20 || c[0] == 0x7f) {
			out[o++] = '?';
			len = len ? len : 1;
		} else {
			memcpy(out + o, c, len);
			o += len;
		}
		cols++;
		i += len;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

/* ---- the parser: one line at a time into the current page */

struct parser {
	const char *origin;
	struct slide_deck *d;
	size_t pages_cap, lines_cap; /* of d->pages and of the current page's lines */
	size_t last_len, last_cap;   /* of the current page's last line's text, which may grow */
	bool in_code;
	int fence_line, lineno;
	struct nslab_error *e;
};

static struct slide_page *page_current(struct parser *p)
{
	return &p->d->pages[p->d->n_pages - 1];
}

static struct slide_line *line_last(struct parser *p)
{
	struct slide_page *pg = page_current(p);

	return pg->n ? &pg->lines[pg->n - 1] : NULL;
}

/* Drop trailing blank lines; a page with nothing on it is dropped whole. */
static void page_close(struct parser *p)
{
	struct slide_page *pg = page_current(p);

	while (pg->n && pg->lines[pg->n - 1].kind == SLIDE_BLANK)
		free(pg->lines[--pg->n].text);
	if (pg->n)
		return;
	free(pg->lines);
	p->d->n_pages--;
}

static void page_open(struct parser *p)
{
	if (p->d->n_pages == p->pages_cap) {
		p->pages_cap = p->pages_cap ? p->pages_cap * 2 : 8;
		p->d->pages = xrealloc(p->d->pages, p->pages_cap * sizeof(*p->d->pages));
	}
	p->d->pages[p->d->n_pages++] = (struct slide_page){.src_line = p->lineno + 1};
	p->lines_cap = 0;
}

static void line_add(struct parser *p, enum slide_kind kind, int depth, const char *text)
{
	struct slide_page *pg = page_current(p);

	if (pg->n == p->lines_cap) {
		p->lines_cap = p->lines_cap ? p->lines_cap * 2 : 16;
		pg->lines = xrealloc(pg->lines, p->lines_cap * sizeof(*pg->lines));
	}
	pg->lines[pg->n++] = (struct slide_line){.kind = kind, .depth = depth, .text = xstrdup(text)};
	p->last_len = strlen(text);
	p->last_cap = p->last_len + 1;
}

/* A paragraph's or a bullet's next source line (the text grows by doubling: a deck may be one long paragraph). */
static void line_join(struct parser *p, struct slide_line *l, const char *more)
{
	size_t b = strlen(more);

	if (p->last_len + b + 2 > p->last_cap) {
		p->last_cap = (p->last_len + b + 2) * 2;
		l->text = xrealloc(l->text, p->last_cap);
	}
	l->text[p->last_len] = ' ';
	memcpy(l->text + p->last_len + 1, more, b + 1);
	p->last_len += b + 1;
}

static size_t indent_of(const char *s)
{
	return strspn(s, " ");
}

static bool is_fence(const char *s)
{
	return indent_of(s) <= 3 && !strncmp(s + indent_of(s), "```", 3);
}

/* A closing fence is the backticks alone. */
static bool is_fence_close(const char *s)
{
	const char *t = s + indent_of(s);

	return indent_of(s) <= 3 && strspn(t, "`") >= 3 && t[strspn(t, "`")] == '\0';
}

/* "1. " or "12) ": a numbered item starts a line of its own rather than joining the paragraph. */
static bool is_numbered(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n < 4 && (s[n] == '.' || s[n] == ')') && s[n + 1] == ' ';
}

/* Heading level of "# x" / "## x" (deeper counts as 2), 0 if not a heading. */
static int heading_level(const char *s)
{
	size_t n = strspn(s, "#");

	if (n == 0 || n > 6 || s[n] != ' ')
		return 0;
	return n == 1 ? 1 : 2;
}

static bool is_bullet(const char *s)
{
	const char *t = s + indent_of(s);

	return (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ';
}

static void add_blank(struct parser *p)
{
	struct slide_line *last = line_last(p);

	if (last && last->kind != SLIDE_BLANK)
		line_add(p, SLIDE_BLANK, 0, "");
}

static void add_heading(struct parser *p, int level, const char *s)
{
	const char *t = s + strspn(s, "#");

	line_add(p, level == 1 ? SLIDE_H1 : SLIDE_H2, 0, t + indent_of(t));
}

static void add_bullet(struct parser *p, const char *s)
{
	size_t ind = indent_of(s);
	int depth = (int)(ind / 2) > SLIDES_DEPTH_MAX ? SLIDES_DEPTH_MAX : (int)(ind / 2);
	const char *t = s + ind + 2;

	line_add(p, SLIDE_BULLET, depth, t + indent_of(t));
}

static void add_text(struct parser *p, const char *s)
{
	struct slide_line *last = line_last(p);
	const char *t = s + indent_of(s);

	/* An indented line right under a bullet continues it; a line under a paragraph continues that. */
	if (last && last->kind == SLIDE_BULLET && indent_of(s) >= 2) {
		line_join(p, last, t);
		return;
	}
	if (last && last->kind == SLIDE_TEXT && !is_numbered(t)) {
		line_join(p, last, t);
		return;
	}
	line_add(p, SLIDE_TEXT, 0, t);
}

static void parse_line(struct parser *p, const char *s)
{
	if (p->in_code) {
		if (is_fence_close(s))
			p->in_code = false;
		else
			line_add(p, SLIDE_CODE, 0, s);
		return;
	}
	if (is_fence(s)) {
		p->in_code = true;
		p->fence_line = p->lineno;
		return;
	}
	if (!strcmp(s, "---")) {
		page_close(p);
		page_open(p);
		return;
	}
	int level = heading_level(s);
	if (!*s)
		add_blank(p);
	else if (level)
		add_heading(p, level, s);
	else if (is_bullet(s))
		add_bullet(p, s);
	else
		add_text(p, s);
}

/* Split text into lines, each bounded and cleaned, and feed them to the parser. */
static int parse_lines(struct parser *p, const char *text, size_t len)
{
	_cleanup_free_ char *buf = xmalloc(CLEAN_MAX);

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		p->lineno++;
		if (memchr(text + pos, '\0', n))
			return nslab_error_set(p->e, EINVAL, "", "%s:%d: a NUL byte: slides are text", p->origin,
			                       p->lineno);
		if (n > SLIDES_LINE_MAX)
			return nslab_error_set(p->e, EINVAL, "", "%s:%d: line longer than %d bytes", p->origin,
			                       p->lineno, SLIDES_LINE_MAX);
		clean_line(text + pos, n, buf);
		parse_line(p, buf);
		pos += n + 1;
	}
	return 0;
}

/* The name from a path: base name without ".md". */
static void name_from_origin(const char *origin, char *name, size_t size)
{
	const char *base = strrchr(origin, '/') ? strrchr(origin, '/') + 1 : origin;
	size_t len = strlen(base);

	if (len > 3 && !strcmp(base + len - 3, ".md"))
		len -= 3;
	snprintf(name, size, "%.*s", (int)len, base);
}

/* The first "# " heading of the first page, markers taken out. */
static void title_find(struct slide_deck *d)
{
	const struct slide_page *pg = &d->pages[0];

	copy_utf8(d->title, sizeof(d->title), d->name);
	for (size_t i = 0; i < pg->n; i++) {
		if (pg->lines[i].kind != SLIDE_H1)
			continue;
		size_t len = strlen(pg->lines[i].text);
		_cleanup_free_ char *vis = xmalloc(len + 1);
		_cleanup_free_ unsigned char *style = xmalloc(len + 1);
		slides_inline(pg->lines[i].text, vis, style);
		copy_utf8(d->title, sizeof(d->title), vis);
		return;
	}
}

int slides_parse(const char *text, size_t len, const char *origin, struct slide_deck *d, struct nslab_error *e)
{
	struct parser p = {.origin = origin, .d = d, .e = e};

	memset(d, 0, sizeof(*d));
	name_from_origin(origin, d->name, sizeof(d->name));
	page_open(&p);
	int r = parse_lines(&p, text, len);
	if (r < 0) {
		slides_free(d);
		return r;
	}
	if (p.in_code) {
		slides_free(d);
		return nslab_error_set(e, EINVAL, "",
		                       "%s:%d: this code block is never closed (end it with a line of ```)", origin,
		                       p.fence_line);
	}
	page_close(&p);
	if (!d->n_pages) {
		slides_free(d);
		return nslab_error_set(e, EINVAL, "", "%s: no slides in it", origin);
	}
	title_find(d);
	return 0;
}

void slides_free(struct slide_deck *d)
{
	for (size_t i = 0; i < d->n_pages; i++) {
		for (size_t j = 0; j < d->pages[i].n; j++)
			free(d->pages[i].lines[j].text);
		free(d->pages[i].lines);
	}
	free(d->pages);
	memset(d, 0, sizeof(*d));
}

/* ---- loading */

/* Read fd to its end, refusing more than SLIDES_FILE_MAX bytes (the file may grow while read). */
static int read_bounded(int fd, const char *path, char **out, size_t *len, struct nslab_error *e)
{
	ssize_t n = read_fd_max(fd, SLIDES_FILE_MAX, out);

	if (n < 0)
		return nslab_error_set(e, (int)-n, "read", "%s: %s", path, strerror((int)-n));
	if (n > SLIDES_FILE_MAX) {
		free(*out);
		*out = NULL;
		return nslab_error_set(e, EFBIG, "", "%s: larger than %d bytes, the most a deck may be", path,
		                       SLIDES_FILE_MAX);
	}
	*len = (size_t)n;
	return 0;
}

int slides_load(const char *path, struct slide_deck *d, struct nslab_error *e)
{
	/* O_NONBLOCK: a FIFO named like a deck must not hang the listing. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len = 0;

	memset(d, 0, sizeof(*d));
	if (fd < 0)
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return nslab_error_set(e, errno, "fstat", "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return nslab_error_set(e, EINVAL, "", "%s: not a regular file", path);
	if (st.st_size > SLIDES_FILE_MAX)
		return nslab_error_set(e, EFBIG, "", "%s: %lld bytes, larger than the %d a deck may be", path,
		                       (long long)st.st_size, SLIDES_FILE_MAX);
	int r = read_bounded(fd, path, &text, &len, e);
	if (r < 0)
		return r;
	return slides_parse(text, len, path, d, e);
}

/* ---- finding and listing: NN-NAME.md files */

/* The stem ("04-pid") of a deck's file name, or false for anything else. */
static bool deck_stem(const char *file, char *stem, size_t size)
{
	size_t len = strlen(file);

	if (len < 7 || len - 3 >= size || strcmp(file + len - 3, ".md") != 0)
		return false;
	if (!isdigit((unsigned char)file[0]) || !isdigit((unsigned char)file[1]) || file[2] != '-')
		return false;
	snprintf(stem, size, "%.*s", (int)(len - 3), file);
	return true;
}

static int stem_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

typedef char stem_t[SLIDES_NAME_MAX];

/* The deck stems in dir, sorted. */
static int scan_dir(const char *dir, stem_t **out, size_t *n, struct nslab_error *e)
{
	_cleanup_closedir_ DIR *dh = opendir(dir);
	_cleanup_free_ stem_t *stems = NULL;
	size_t cap = 0;
	struct dirent *de;

	*n = 0;
	if (!dh)
		return nslab_error_set(e, errno, "opendir", "slides directory %s: %s", dir, strerror(errno));
	while ((de = readdir(dh))) {
		stem_t stem;
		if (!deck_stem(de->d_name, stem, sizeof(stem)))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			stems = xrealloc(stems, cap * sizeof(*stems));
		}
		memcpy(stems[(*n)++], stem, sizeof(stem));
	}
	if (*n)
		qsort(stems, *n, sizeof(*stems), stem_cmp);
	*out = steal_pointer(&stems);
	return 0;
}

static bool name_valid(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < SLIDES_NAME_MAX && name[0] != '.' && name[0] != '-' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

/* NAME, N, NN or NN-NAME. */
static bool stem_matches(const char *stem, const char *name)
{
	size_t digits = strspn(name, "0123456789");

	if (!strcmp(stem, name) || !strcmp(stem + 3, name))
		return true;
	if (digits == 0 || digits > 2 || name[digits])
		return false;
	return atoi(name) == (stem[0] - '0') * 10 + (stem[1] - '0');
}

static int path_join(const char *dir, const char *stem, char *buf, size_t size, struct nslab_error *e)
{
	int r = snprintf(buf, size, "%s/%s.md", dir, stem);

	if (r < 0 || (size_t)r >= size)
		return nslab_error_set(e, ENAMETOOLONG, "", "path too long: %s/%s.md", dir, stem);
	return 0;
}

int slides_find(const char *dir, const char *name, char *path_out, size_t size, struct nslab_error *e)
{
	_cleanup_free_ stem_t *stems = NULL;
	char also[256] = "";
	size_t n, found = 0, hit = 0, len = 0;

	if (!name_valid(name))
		return nslab_error_set(e, EINVAL, "", "'%s' is not a slide deck name (slides --list shows them)", name);
	int r = scan_dir(dir, &stems, &n, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (!stem_matches(stems[i], name))
			continue;
		str_appendf(also, sizeof(also), &len, "%s%s", found ? ", " : "", stems[i]);
		hit = i;
		found++;
	}
	if (found == 0)
		return nslab_error_set(e, ENOENT, "", "no slide deck '%s' in %s (slides --list shows them)", name, dir);
	if (found > 1)
		return nslab_error_set(e, EINVAL, "", "'%s' names more than one deck (%s): name one whole", name, also);
	return path_join(dir, stems[hit], path_out, size, e);
}

static void info_fill(const char *dir, const char *stem, struct slide_info *info)
{
	struct nslab_error e = {0};
	struct slide_deck d;
	char path[PATH_MAX];

	memset(info, 0, sizeof(*info));
	copy_utf8(info->name, sizeof(info->name), stem);
	if (path_join(dir, stem, path, sizeof(path), &e) < 0 || slides_load(path, &d, &e) < 0) {
		copy_utf8(info->error, sizeof(info->error), e.msg);
		return;
	}
	copy_utf8(info->title, sizeof(info->title), d.title);
	info->n_pages = d.n_pages;
	slides_free(&d);
}

int slides_list(const char *dir, struct slide_info **out, size_t *n, struct nslab_error *e)
{
	_cleanup_free_ stem_t *stems = NULL;

	*out = NULL;
	int r = scan_dir(dir, &stems, n, e);
	if (r < 0)
		return r;
	if (!*n)
		return 0;
	*out = xcalloc(*n, sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		info_fill(dir, stems[i], &(*out)[i]);
	return 0;
}

/* ---- inline markup and wrapping */

static void inline_put(char *out, unsigned char *style, size_t *o, const char *s, size_t n, unsigned char st)
{
	memcpy(out + *o, s, n);
	memset(style + *o, st, n);
	*o += n;
}

size_t slides_inline(const char *text, char *out, unsigned char *style)
{
	unsigned char bold = 0;
	size_t o = 0;

	for (const char *s = text; *s;) {
		const char *close = NULL;
		if (*s == '`' && (close = strchr(s + 1, '`'))) {
			inline_put(out, style, &o, s + 1, (size_t)(close - s - 1), SLIDE_STYLE_CODE | bold);
			s = close + 1;
		} else if (s[0] == '*' && s[1] == '*' && (bold || strstr(s + 2, "**"))) {
			bold ^= SLIDE_STYLE_BOLD;
			s += 2;
		} else {
			inline_put(out, style, &o, s, 1, bold);
			s++;
		}
	}
	out[o] = '\0';
	style[o] = 0;
	return o;
}

/* Where the line starting at pos ends (bytes) and where the next one starts. */
static size_t line_end(const char *s, size_t len, size_t pos, size_t width, size_t *next)
{
	size_t i = pos, cols = 0, brk = 0;

	for (; i < len; i += char_len(s, i, len), cols++) {
		if (s[i] == ' ' && i > pos && s[i - 1] != ' ')
			brk = i; /* a space run starts: the line may end here */
		if (cols == width)
			break;
	}
	if (i >= len) {
		*next = len;
		return len;
	}
	size_t end = brk > pos ? brk : i; /* a word longer than the line is cut */
	*next = end + strspn(s + end, " ");
	if (*next > len)
		*next = len;
	return end;
}

size_t slides_wrap(const char *text, size_t len, size_t width, struct slide_cut *cuts, size_t max)
{
	size_t n = 0, pos = 0;

	do {
		size_t next;
		size_t end = width ? line_end(text, len, pos, width, &next) : (next = len);
		if (n < max)
			cuts[n] = (struct slide_cut){pos, end - pos};
		n++;
		pos = next;
	} while (pos < len);
	return n;
}

/* ---- plain text */

/* The line with `code` kept and ** dropped; malloc'd. */
static char *plain_text(const char *text)
{
	size_t len = strlen(text), o = 0;
	_cleanup_free_ char *vis = xmalloc(len + 1);
	_cleanup_free_ unsigned char *style = xmalloc(len + 1);
	char *out = xmalloc(2 * len + 1);
	size_t n = slides_inline(text, vis, style);

	for (size_t i = 0; i < n; i++) {
		bool code = style[i] & SLIDE_STYLE_CODE, was = i > 0 && (style[i - 1] & SLIDE_STYLE_CODE);
		if (code != was)
			out[o++] = '`';
		out[o++] = vis[i];
	}
	if (n && (style[n - 1] & SLIDE_STYLE_CODE))
		out[o++] = '`';
	out[o] = '\0';
	return out;
}

/* Wrapped, each line after lead (the first) or pad (the others); returns the widest line's columns. */
static size_t print_wrapped(const char *text, size_t width, const char *lead, const char *pad, FILE *out)
{
	size_t len = strlen(text), widest = 0, n = slides_wrap(text, len, width, NULL, 0);
	_cleanup_free_ struct slide_cut *cuts = xcalloc(n, sizeof(*cuts));

	slides_wrap(text, len, width, cuts, n);
	for (size_t i = 0; i < n; i++) {
		size_t cols = slides_columns(text + cuts[i].off, cuts[i].len);
		widest = cols > widest ? cols : widest;
		fprintf(out, "%s%.*s\n", i ? pad : lead, (int)cuts[i].len, text + cuts[i].off);
	}
	return widest;
}

static size_t narrower(size_t width, size_t by)
{
	if (!width)
		return 0;
	return width > by + 10 ? width - by : 10;
}

static void print_line(const struct slide_line *l, size_t width, FILE *out)
{
	char lead[2 * SLIDES_DEPTH_MAX + 3], pad[2 * SLIDES_DEPTH_MAX + 3];
	int ind = 2 * l->depth;

	if (l->kind == SLIDE_BLANK) {
		fputc('\n', out);
		return;
	}
	if (l->kind == SLIDE_CODE) {
		fprintf(out, "    %s\n", l->text);
		return;
	}
	_cleanup_free_ char *text = plain_text(l->text);
	if (l->kind == SLIDE_BULLET) {
		snprintf(lead, sizeof(lead), "%*s- ", ind, "");
		snprintf(pad, sizeof(pad), "%*s", ind + 2, "");
		print_wrapped(text, narrower(width, (size_t)ind + 2), lead, pad, out);
		return;
	}
	size_t cols = print_wrapped(text, width, "", "", out);
	if (l->kind == SLIDE_TEXT)
		return;
	for (size_t i = 0; i < cols; i++)
		fputc(l->kind == SLIDE_H1 ? '=' : '-', out);
	fputc('\n', out);
}

void slides_print_page(const struct slide_deck *d, size_t page, size_t width, FILE *out)
{
	if (page < 1 || page > d->n_pages)
		return;
	const struct slide_page *pg = &d->pages[page - 1];
	fprintf(out, "--- page %zu/%zu ---\n", page, d->n_pages);
	for (size_t i = 0; i < pg->n; i++)
		print_line(&pg->lines[i], width, out);
}
