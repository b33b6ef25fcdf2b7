/* slides: slide decks full screen on a terminal, as plain text through a pipe; lessons open them at a page. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nslab/paths.h"
#include "nslab/slides.h"
#include "nslab/util.h"
#include "commands.h"
#include "tui/tui.h"

#define PAGE_MAX   100000
#define PLAIN_WRAP 100 /* plain text on a terminal: wrapped like the full-screen view */

static int slides_dir(char *buf, size_t size, struct nslab_error *e)
{
	const char *env = getenv("NSLAB_SLIDES");

	if (paths_data_dir("slides", buf, size) == 0)
		return 0;
	if (env && *env)
		return nslab_error_set(e, ENOENT, "", "NSLAB_SLIDES=%s is not a directory", env);
	return nslab_error_set(e, ENOENT, "", "no slides directory (the last place looked: %s; NSLAB_SLIDES names one)",
	                       buf);
}

static int deck_load(const char *name, struct slide_deck *d, struct nslab_error *e)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	if ((r = slides_dir(dir, sizeof(dir), e)) < 0)
		return r;
	if ((r = slides_find(dir, name, path, sizeof(path), e)) < 0)
		return r;
	return slides_load(path, d, e);
}

/* Full screen only with a person at both ends; a pipe or a file gets text. */
static bool full_screen(FILE *out)
{
	return out == stdout && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* Plain text on a terminal is wrapped to it; into a pipe or file it is not, so grep finds whole paragraphs. */
static size_t plain_width(FILE *out)
{
	struct winsize ws;
	int fd = fileno(out);

	if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_col < 2)
		return 0;
	return ws.ws_col - 1 > PLAIN_WRAP ? PLAIN_WRAP : ws.ws_col - 1u;
}

static void pad_to(FILE *out, const char *s, size_t cols)
{
	size_t have = slides_columns(s, strlen(s));

	fputs(s, out);
	for (; have < cols; have++)
		fputc(' ', out);
}

static void list_print(const struct slide_info *v, size_t n, FILE *out)
{
	size_t name_w = 4, title_w = 5;

	for (size_t i = 0; i < n; i++) {
		size_t nw = strlen(v[i].name), tw = slides_columns(v[i].title, strlen(v[i].title));
		name_w = nw > name_w ? nw : name_w;
		title_w = !v[i].error[0] && tw > title_w ? tw : title_w;
	}
	pad_to(out, "NAME", name_w + 2);
	pad_to(out, "TITLE", title_w + 2);
	fputs("PAGES\n", out);
	for (size_t i = 0; i < n; i++) {
		pad_to(out, v[i].name, name_w + 2);
		if (v[i].error[0]) {
			fprintf(out, "(does not load: %s)\n", v[i].error);
			continue;
		}
		pad_to(out, v[i].title, title_w + 2);
		fprintf(out, "%5zu\n", v[i].n_pages);
	}
}

static int list_decks(FILE *out, struct nslab_error *e)
{
	_cleanup_free_ struct slide_info *v = NULL;
	char dir[PATH_MAX];
	size_t n;
	int r;

	if ((r = slides_dir(dir, sizeof(dir), e)) < 0)
		return r;
	if ((r = slides_list(dir, &v, &n, e)) < 0)
		return r;
	if (!n) {
		fprintf(out, "no slide decks in %s (files named NN-NAME.md)\n", dir);
		return 0;
	}
	list_print(v, n, out);
	return 0;
}

/* The whole deck, full screen or as text with a separator line before each page. */
static int show_deck(const char *name, FILE *out, struct nslab_error *e)
{
	struct slide_deck d;
	int r = deck_load(name, &d, e);

	if (r < 0)
		return r;
	if (full_screen(out)) {
		r = tui_slides(&d, 1, e);
	} else {
		size_t width = plain_width(out);
		for (size_t p = 1; p <= d.n_pages; p++) {
			if (p > 1)
				fputc('\n', out);
			slides_print_page(&d, p, width, out);
		}
	}
	slides_free(&d);
	return r;
}

int slides_open(const char *name, int page, FILE *out, struct nslab_error *e)
{
	struct slide_deck d;
	int r = deck_load(name, &d, e);

	if (r < 0)
		return r;
	if (page < 1)
		page = 1;
	if ((size_t)page > d.n_pages)
		r = nslab_error_set(e, EINVAL, "", "slide deck '%s' has %zu pages: there is no page %d", d.name,
		                    d.n_pages, page);
	else if (full_screen(out))
		r = tui_slides(&d, page, e);
	else
		slides_print_page(&d, (size_t)page, plain_width(out), out);
	slides_free(&d);
	return r;
}

int cmd_slides(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	unsigned long page;

	if (argc == 1 || !strcmp(argv[1], "--list")) {
		if (argc > 2)
			return nslab_error_set(e, EINVAL, "", "slides --list takes nothing after it");
		return list_decks(s->out, e);
	}
	if (argv[1][0] == '-')
		return nslab_error_set(e, EINVAL, "", "slides takes --list or NAME [PAGE], not '%s'", argv[1]);
	if (argc < 3)
		return show_deck(argv[1], s->out, e);
	if (parse_ulong(argv[2], PAGE_MAX, &page) < 0 || page == 0)
		return nslab_error_set(e, EINVAL, "", "a page is a number from 1, not '%s'", argv[2]);
	return slides_open(argv[1], (int)page, s->out, e);
}
