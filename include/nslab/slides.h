/* Slide decks: Markdown files in the slides directory, parsed into pages of
 * typed lines (pure), found by lesson-style names, listed, word-wrapped. */
#ifndef NSLAB_SLIDES_H
#define NSLAB_SLIDES_H

#include <stdio.h>
#include <stddef.h>
#include "nslab/error.h"

#define SLIDES_FILE_MAX  (1024 * 1024) /* a larger deck file is refused */
#define SLIDES_LINE_MAX  1024          /* bytes in one source line */
#define SLIDES_NAME_MAX  128           /* "04-pid" */
#define SLIDES_TITLE_MAX 256
#define SLIDES_DEPTH_MAX 4 /* deeper bullets are drawn at this depth */

enum slide_kind {
	SLIDE_BLANK,
	SLIDE_H1,     /* "# " */
	SLIDE_H2,     /* "## " (and deeper) */
	SLIDE_TEXT,   /* a paragraph: consecutive lines joined with one space */
	SLIDE_BULLET, /* "- " or "* ", depth from the indentation (two spaces a level) */
	SLIDE_CODE,   /* one line of a fenced block, verbatim */
};

/* Inline styles in a line's visible text (slides_inline). */
enum slide_style {
	SLIDE_STYLE_PLAIN = 0,
	SLIDE_STYLE_BOLD = 1 << 0, /* **bold** */
	SLIDE_STYLE_CODE = 1 << 1, /* `code` */
};

struct slide_line {
	enum slide_kind kind;
	int depth;  /* bullets: 0 for "- ", 1 for "  - ", ... */
	char *text; /* markers stripped ("# ", "- ", fences); inline `code` and **bold** kept; valid UTF-8,
	             * no control characters (tabs expanded) */
};

struct slide_page {
	struct slide_line *lines; /* no blank line first or last */
	size_t n;
	int src_line; /* the page's first line in the file, from 1 */
};

struct slide_deck {
	char name[SLIDES_NAME_MAX];   /* the file name without ".md" */
	char title[SLIDES_TITLE_MAX]; /* the first "# " heading of the first page, else the name */
	struct slide_page *pages;     /* never empty once parsed */
	size_t n_pages;
};

/* Parse a deck from text (pure). Pages are separated by lines that are exactly
 * "---" outside fenced code; pages with nothing on them are dropped. origin
 * names the text in errors ("FILE:LINE: ..."): an unclosed code fence, an
 * over-long line, a NUL byte, no slides at all. On error *d is left empty. */
int slides_parse(const char *text, size_t len, const char *origin, struct slide_deck *d, struct nslab_error *e);
/* Read and parse a file (refused when larger than SLIDES_FILE_MAX or not a
 * regular file); the deck's name is the file's base name without ".md". */
int slides_load(const char *path, struct slide_deck *d, struct nslab_error *e);
void slides_free(struct slide_deck *d);

/* A deck file is NN-NAME.md (two digits). Find the one NAME names in dir: its
 * NAME, its number (N or NN) or its whole stem (NN-NAME). 0 and the path, or
 * -ENOENT / -EINVAL (not a plain word, or more than one deck matches). */
int slides_find(const char *dir, const char *name, char *path_out, size_t size, struct nslab_error *e);

struct slide_info {
	char name[SLIDES_NAME_MAX]; /* "04-pid" */
	char title[SLIDES_TITLE_MAX];
	size_t n_pages;               /* 0 when the deck does not parse */
	char error[SLIDES_TITLE_MAX]; /* why not, "" when it does */
};

/* Every NN-*.md in dir, sorted by file name, each parsed for its title and
 * page count; a deck that does not parse is listed with its error. Other
 * files (README.md) are ignored. *out is malloc'd (NULL when *n is 0). */
int slides_list(const char *dir, struct slide_info **out, size_t *n, struct nslab_error *e);

/* ---- text helpers the viewer and the plain printer share (pure) */

/* Columns of UTF-8 text: one a character (the decks' box drawing and arrows are all narrow). */
size_t slides_columns(const char *s, size_t len);

/* The visible text of a line: `code` and **bold** markers taken out, each
 * byte's enum slide_style in style. An opening marker with no closing one
 * is kept as text. out and style need strlen(text) + 1 bytes; returns the
 * visible length (out is NUL terminated). */
size_t slides_inline(const char *text, char *out, unsigned char *style);

struct slide_cut {
	size_t off, len; /* bytes of the text on one wrapped line */
};

/* Word-wrap text into lines of at most width columns, breaking at spaces
 * (dropped at a break) and cutting words longer than a line. width 0: no
 * limit. Fills up to max cuts; returns how many lines the text needs (at
 * least 1). */
size_t slides_wrap(const char *text, size_t len, size_t width, struct slide_cut *cuts, size_t max);

/* A page as plain text for scripts and pipes: "--- page N/M ---", headings
 * underlined with = and -, bullets as "- " indented two spaces a level, code
 * indented four, `code` kept and ** dropped, wrapped at width (0: not). page
 * counts from 1. */
void slides_print_page(const struct slide_deck *d, size_t page, size_t width, FILE *out);

#endif
