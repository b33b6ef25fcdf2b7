/* Unit tests for slide decks: parsing, fences, errors with lines, inline markup, wrapping,
 * finding by name, listing, bounds, plain text; fixtures written to a temp dir here. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nslab/slides.h"
#include "nslab/util.h"

static char dir[] = "/tmp/nslab-unit-slides.XXXXXX";

static void put(const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	CHECK(write_all(fd, text, strlen(text)) == 0);
	close(fd);
}

static int parse(const char *text, struct slide_deck *d, struct nslab_error *e)
{
	nslab_error_clear(e);
	return slides_parse(text, strlen(text), "decks/04-pid.md", d, e);
}

static const struct slide_line *at(const struct slide_deck *d, size_t page, size_t line)
{
	static const struct slide_line none = {.kind = SLIDE_BLANK, .text = "(no such line)"};

	if (page >= d->n_pages || line >= d->pages[page].n)
		return &none;
	return &d->pages[page].lines[line];
}

static const char deck_text[] = "# PID namespaces\n"
                                "\n"
                                "A process sees\n"
                                "its own numbers.\n"
                                "\n"
                                "- first **point**\n"
                                "  goes on here\n"
                                "  - nested `code`\n"
                                "* star bullet\n"
                                "---\n"
                                "## Second\n"
                                "```sh\n"
                                "$ echo $$\n"
                                "\n"
                                "---\n"
                                "  indented\tcode\n"
                                "```\n"
                                "1. one\n"
                                "2. two\n"
                                "---\n"
                                "\n"
                                "### Third\n"
                                "\n"
                                "\n"
                                "text\n"
                                "\n";

static void test_parse_pages_and_kinds(void)
{
	struct nslab_error e;
	struct slide_deck d;

	CHECK(parse(deck_text, &d, &e) == 0);
	CHECK_STR(d.name, "04-pid");
	CHECK_STR(d.title, "PID namespaces");
	CHECK(d.n_pages == 3);
	CHECK(d.pages[0].n == 7);
	CHECK(at(&d, 0, 0)->kind == SLIDE_H1);
	CHECK_STR(at(&d, 0, 0)->text, "PID namespaces");
	CHECK(at(&d, 0, 1)->kind == SLIDE_BLANK);
	CHECK(at(&d, 0, 2)->kind == SLIDE_TEXT);
	CHECK_STR(at(&d, 0, 2)->text, "A process sees its own numbers.");
	CHECK(at(&d, 0, 4)->kind == SLIDE_BULLET);
	CHECK(at(&d, 0, 4)->depth == 0);
	CHECK_STR(at(&d, 0, 4)->text, "first **point** goes on here");
	CHECK(at(&d, 0, 5)->kind == SLIDE_BULLET);
	CHECK(at(&d, 0, 5)->depth == 1);
	CHECK_STR(at(&d, 0, 5)->text, "nested `code`");
	CHECK(at(&d, 0, 6)->kind == SLIDE_BULLET);
	CHECK_STR(at(&d, 0, 6)->text, "star bullet");
	CHECK(d.pages[0].src_line == 1);
	CHECK(d.pages[1].src_line == 11);
	slides_free(&d);
	CHECK(d.pages == NULL && d.n_pages == 0);
}

static void test_fence_keeps_separator(void)
{
	struct nslab_error e;
	struct slide_deck d;

	CHECK(parse(deck_text, &d, &e) == 0);
	/* "## Second", four code lines (a blank and a --- among them), two numbered lines. */
	CHECK(d.pages[1].n == 7);
	CHECK(at(&d, 1, 0)->kind == SLIDE_H2);
	CHECK_STR(at(&d, 1, 0)->text, "Second");
	CHECK(at(&d, 1, 1)->kind == SLIDE_CODE);
	CHECK_STR(at(&d, 1, 1)->text, "$ echo $$");
	CHECK(at(&d, 1, 2)->kind == SLIDE_CODE);
	CHECK_STR(at(&d, 1, 2)->text, "");
	CHECK(at(&d, 1, 3)->kind == SLIDE_CODE);
	CHECK_STR(at(&d, 1, 3)->text, "---");
	CHECK_STR(at(&d, 1, 4)->text, "  indented      code"); /* the tab to column 16 */
	CHECK(at(&d, 1, 5)->kind == SLIDE_TEXT);
	CHECK_STR(at(&d, 1, 5)->text, "1. one"); /* numbered items do not join */
	CHECK_STR(at(&d, 1, 6)->text, "2. two");
	/* Blank lines around a page are dropped and runs of them kept as one; ### is a level-2 heading. */
	CHECK(d.pages[2].n == 3);
	CHECK(at(&d, 2, 0)->kind == SLIDE_H2);
	CHECK(at(&d, 2, 1)->kind == SLIDE_BLANK);
	CHECK_STR(at(&d, 2, 2)->text, "text");
	slides_free(&d);
}

static void test_empty_pages_and_title_fallback(void)
{
	struct nslab_error e;
	struct slide_deck d;

	CHECK(parse("---\n\n---\nno heading here\n---\n\n", &d, &e) == 0);
	CHECK(d.n_pages == 1);
	CHECK_STR(d.title, "04-pid");
	slides_free(&d);
	CHECK(parse("## not a title\n---\n# Later\n", &d, &e) == 0);
	CHECK_STR(d.title, "04-pid"); /* only the first page's "# " names the deck */
	slides_free(&d);
	CHECK(parse("# A **bold** `title`\r\n---\r\nx\r\n", &d, &e) == 0);
	CHECK_STR(d.title, "A bold title");
	CHECK(d.n_pages == 2);
	slides_free(&d);
}

static void test_errors_name_the_line(void)
{
	struct nslab_error e;
	struct slide_deck d;

	CHECK(parse("# T\n\ntext\n```\ncode\n---\nmore\n", &d, &e) < 0);
	CHECK(e.err == EINVAL);
	CHECK_CONTAINS(e.msg, "decks/04-pid.md:4: ");
	CHECK_CONTAINS(e.msg, "never closed");
	CHECK(d.pages == NULL && d.n_pages == 0);
	CHECK(parse("", &d, &e) < 0);
	CHECK_CONTAINS(e.msg, "decks/04-pid.md: no slides");
	CHECK(parse("---\n\n---\n", &d, &e) < 0);
	CHECK_CONTAINS(e.msg, "no slides");

	char *big = xmalloc(SLIDES_LINE_MAX + 16);
	memset(big, 'x', SLIDES_LINE_MAX + 1);
	strcpy(big + SLIDES_LINE_MAX + 1, "\n");
	char *text = xasprintf("# T\nok\n%s", big);
	CHECK(parse(text, &d, &e) < 0);
	CHECK_CONTAINS(e.msg, "decks/04-pid.md:3: line longer than");
	big[SLIDES_LINE_MAX] = '\n';
	big[SLIDES_LINE_MAX + 1] = '\0';
	CHECK(parse(big, &d, &e) == 0); /* exactly the bound is fine */
	slides_free(&d);
	free(text);
	free(big);

	static const char nul[] = "# T\nbad\0byte\n";
	CHECK(slides_parse(nul, sizeof(nul) - 1, "x.md", &d, &e) < 0);
	CHECK_CONTAINS(e.msg, "x.md:2: a NUL byte");
}

static void test_control_bytes_and_bad_utf8(void)
{
	struct nslab_error e;
	struct slide_deck d;

	CHECK(parse("# T\n\x1b[31mred\x07 caf\xc3\xa9 \xff\xc3 \xe2\x94\x80\n", &d, &e) == 0);
	CHECK_STR(at(&d, 0, 1)->text, "?[31mred? caf\xc3\xa9 ?? \xe2\x94\x80");
	slides_free(&d);
}

static void test_inline(void)
{
	char out[128];
	unsigned char st[128];

	CHECK(slides_inline("run `ls -l` **now** ok", out, st) == 16);
	CHECK_STR(out, "run ls -l now ok");
	CHECK(st[0] == SLIDE_STYLE_PLAIN && st[4] == SLIDE_STYLE_CODE && st[8] == SLIDE_STYLE_CODE);
	CHECK(st[9] == SLIDE_STYLE_PLAIN && st[10] == SLIDE_STYLE_BOLD && st[12] == SLIDE_STYLE_BOLD);
	CHECK(st[13] == SLIDE_STYLE_PLAIN);
	CHECK(slides_inline("**bold `code`**", out, st) == 9);
	CHECK(st[5] == (SLIDE_STYLE_BOLD | SLIDE_STYLE_CODE));
	/* Unclosed markers stay text; ** inside code is code. */
	slides_inline("a `b and **c", out, st);
	CHECK_STR(out, "a `b and **c");
	slides_inline("`**`", out, st);
	CHECK_STR(out, "**");
	CHECK(st[0] == SLIDE_STYLE_CODE);
}

/* The wrapped lines joined with '|'. */
static const char *wrapped(const char *text, size_t width)
{
	static char buf[512];
	struct slide_cut cuts[32];
	size_t len = 0, n = slides_wrap(text, strlen(text), width, cuts, 32);

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 32; i++)
		str_appendf(buf, sizeof(buf), &len, "%s%.*s", i ? "|" : "", (int)cuts[i].len, text + cuts[i].off);
	return buf;
}

static void test_wrap(void)
{
	CHECK_STR(wrapped("the quick brown fox", 10), "the quick|brown fox");
	CHECK_STR(wrapped("the quick brown fox", 9), "the quick|brown fox");
	CHECK_STR(wrapped("the quick brown fox", 8), "the|quick|brown|fox");
	CHECK_STR(wrapped("the quick brown fox", 0), "the quick brown fox");
	CHECK_STR(wrapped("the quick brown fox", 100), "the quick brown fox");
	CHECK_STR(wrapped("abcdefghij", 4), "abcd|efgh|ij"); /* a word longer than a line is cut */
	CHECK_STR(wrapped("a    b", 3), "a|b");              /* spaces at a break go */
	CHECK_STR(wrapped("  lead in", 4), "  le|ad|in");
	CHECK_STR(wrapped("", 10), "");
	CHECK(slides_wrap("", 0, 10, NULL, 0) == 1);
	CHECK(slides_wrap("aa bb cc", 8, 2, NULL, 0) == 3);
	/* Columns are characters, not bytes. */
	CHECK_STR(wrapped("\xc3\xa9t\xc3\xa9 \xc3\xa0 \xe2\x94\x80\xe2\x94\x80\xe2\x94\x80", 5),
	          "\xc3\xa9t\xc3\xa9 \xc3\xa0|\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80");
	CHECK_STR(wrapped("\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80", 2), "\xe2\x94\x80\xe2\x94\x80|\xe2\x94\x80");
	CHECK(slides_columns("\xe2\x94\x80x\xc3\xa9", 6) == 3);
}

static void fixtures(void)
{
	put("01-intro.md", "# Intro deck\n\nhello\n---\n## two\n");
	put("04-pid.md", "# PID deck\n---\n2\n---\n3\n");
	put("10-user.md", "# User deck\n");
	put("README.md", "# The format\n");
	put("notes.txt", "x\n");
	put("7-short.md", "# one digit is not a deck\n");
	put("05-broken.md", "# Broken\n```\nnever closed\n");
	char sub[PATH_MAX];
	snprintf(sub, sizeof(sub), "%s/06-dir.md", dir);
	CHECK(mkdir(sub, 0755) == 0);
}

static const char *found(const char *name)
{
	static char path[PATH_MAX];
	static struct nslab_error e;

	nslab_error_clear(&e);
	if (slides_find(dir, name, path, sizeof(path), &e) < 0)
		return e.msg;
	const char *base = strrchr(path, '/');
	return base ? base + 1 : path;
}

static void test_find(void)
{
	CHECK_STR(found("pid"), "04-pid.md");
	CHECK_STR(found("4"), "04-pid.md");
	CHECK_STR(found("04"), "04-pid.md");
	CHECK_STR(found("04-pid"), "04-pid.md");
	CHECK_STR(found("10"), "10-user.md");
	CHECK_STR(found("user"), "10-user.md");
	CHECK_STR(found("1"), "01-intro.md");
	CHECK_CONTAINS(found("nope"), "no slide deck 'nope' in ");
	CHECK_CONTAINS(found("README"), "no slide deck 'README'");
	CHECK_CONTAINS(found("004"), "no slide deck");
	CHECK_CONTAINS(found("short"), "no slide deck"); /* 7-short.md is not NN-NAME.md */
	CHECK_CONTAINS(found("../etc/passwd"), "is not a slide deck name");
	CHECK_CONTAINS(found(""), "is not a slide deck name");
	struct nslab_error e;
	char path[PATH_MAX];
	CHECK(slides_find(dir, "nope", path, sizeof(path), &e) == -ENOENT);
	CHECK(slides_find("/nonexistent/nslab", "pid", path, sizeof(path), &e) == -ENOENT);
	CHECK_CONTAINS(e.msg, "/nonexistent/nslab");

	put("14-pid.md", "# Another pid\n");
	CHECK_CONTAINS(found("pid"), "'pid' names more than one deck (04-pid, 14-pid)");
	CHECK_STR(found("14-pid"), "14-pid.md");
	snprintf(path, sizeof(path), "%s/14-pid.md", dir);
	unlink(path);
}

static void test_list(void)
{
	struct slide_info *v = NULL;
	struct nslab_error e;
	size_t n = 99;

	CHECK(slides_list(dir, &v, &n, &e) == 0);
	CHECK(n == 5);
	if (n != 5) {
		free(v);
		return;
	}
	CHECK_STR(v[0].name, "01-intro");
	CHECK_STR(v[0].title, "Intro deck");
	CHECK(v[0].n_pages == 2);
	CHECK_STR(v[1].name, "04-pid");
	CHECK(v[1].n_pages == 3);
	CHECK_STR(v[2].name, "05-broken");
	CHECK(v[2].n_pages == 0);
	CHECK_CONTAINS(v[2].error, "05-broken.md:2: this code block is never closed");
	CHECK_STR(v[3].name, "06-dir");
	CHECK_CONTAINS(v[3].error, "not a regular file");
	CHECK_STR(v[4].name, "10-user");
	CHECK(v[4].n_pages == 1);
	CHECK(v[4].error[0] == '\0');
	free(v);

	char empty[PATH_MAX];
	snprintf(empty, sizeof(empty), "%s/06-dir.md", dir);
	CHECK(slides_list(empty, &v, &n, &e) == 0);
	CHECK(n == 0 && v == NULL);
	CHECK(slides_list("/nonexistent/nslab", &v, &n, &e) < 0);
}

static void test_load_bounds(void)
{
	struct nslab_error e;
	struct slide_deck d;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/04-pid.md", dir);
	CHECK(slides_load(path, &d, &e) == 0);
	CHECK_STR(d.name, "04-pid");
	CHECK(d.n_pages == 3);
	slides_free(&d);

	/* One byte over a MiB, made of lines that would each be fine. */
	size_t size = SLIDES_FILE_MAX + 1;
	char *big = xmalloc(size + 1);
	for (size_t i = 0; i < size; i++)
		big[i] = i % 64 == 63 ? '\n' : 'a';
	big[size] = '\0';
	put("20-big.md", big);
	snprintf(path, sizeof(path), "%s/20-big.md", dir);
	CHECK(slides_load(path, &d, &e) == -EFBIG);
	CHECK_CONTAINS(e.msg, "20-big.md");
	CHECK_CONTAINS(e.msg, "larger than");
	CHECK(d.pages == NULL);
	/* Exactly a MiB loads. */
	big[size - 1] = '\0';
	put("20-big.md", big);
	CHECK(slides_load(path, &d, &e) == 0);
	slides_free(&d);
	unlink(path);
	free(big);

	snprintf(path, sizeof(path), "%s/99-missing.md", dir);
	CHECK(slides_load(path, &d, &e) == -ENOENT);
	CHECK(strcmp(e.call, "open") == 0);
}

/* What slides_print_page writes, in a buffer. */
static char *printed(const struct slide_deck *d, size_t page, size_t width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	slides_print_page(d, page, width, f);
	fclose(f);
	return buf;
}

static void test_plain_text(void)
{
	struct nslab_error e;
	struct slide_deck d;

	CHECK(parse(deck_text, &d, &e) == 0);
	char *p1 = printed(&d, 1, 0);
	CHECK_STR(p1, "--- page 1/3 ---\n"
	              "PID namespaces\n"
	              "==============\n"
	              "\n"
	              "A process sees its own numbers.\n"
	              "\n"
	              "- first point goes on here\n"
	              "  - nested `code`\n"
	              "- star bullet\n");
	free(p1);
	char *p2 = printed(&d, 2, 0);
	CHECK_CONTAINS(p2, "--- page 2/3 ---\nSecond\n------\n    $ echo $$\n    \n    ---\n");
	free(p2);
	char *w = printed(&d, 1, 20);
	CHECK_CONTAINS(w, "A process sees its\nown numbers.\n");
	CHECK_CONTAINS(w, "- first point goes\n  on here\n");
	free(w);
	char *none = printed(&d, 4, 0);
	CHECK_STR(none, "");
	free(none);
	slides_free(&d);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	RUN(test_parse_pages_and_kinds);
	RUN(test_fence_keeps_separator);
	RUN(test_empty_pages_and_title_fallback);
	RUN(test_errors_name_the_line);
	RUN(test_control_bytes_and_bad_utf8);
	RUN(test_inline);
	RUN(test_wrap);
	fixtures();
	RUN(test_find);
	RUN(test_list);
	RUN(test_load_bounds);
	RUN(test_plain_text);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return CHECK_DONE();
}
