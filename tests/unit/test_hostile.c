/* Unit tests for hostile input to the parsers: the limits on commands,
 * lessons, id maps, sizes, mountinfo and slides, control bytes, invalid
 * UTF-8, NUL bytes, deep quoting, and inputs that once made a parser slow
 * or crash. Each input the fuzzers found is here too (fuzz/regressions/). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nslab/idmap.h"
#include "nslab/lesson.h"
#include "nslab/probe.h"
#include "nslab/size.h"
#include "nslab/slides.h"
#include "nslab/tokenize.h"
#include "nslab/util.h"

/* Wall-clock bound for inputs that used to be slow: generous (sanitizers,
 * a loaded CI machine), far below what the old code took (minutes). */
#define SLOW_SECONDS 10.0

static double seconds_since(unsigned long long start)
{
	return (double)(now_ns() - start) / 1e9;
}

/* A string of n bytes repeating pattern, NUL terminated; free() it. */
static char *repeat(const char *pattern, size_t n)
{
	size_t len = strlen(pattern);
	char *s = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = pattern[i % len];
	s[n] = '\0';
	return s;
}

/* Tokenize all of text; returns commands read, or -1 with e filled. */
static long tokenize_all(const char *text, struct nslab_error *e)
{
	const char *cur = text;
	struct tok_cmd c;
	long n = 0;
	int r;

	while ((r = tokenize_next(&cur, &c, e)) > 0) {
		n++;
		tok_cmd_free(&c);
	}
	return r < 0 ? -1 : n;
}

/* The error tokenize gives for text ("" when it takes it). */
static const char *tok_error(const char *text)
{
	static struct nslab_error e;

	nslab_error_clear(&e);
	return tokenize_all(text, &e) < 0 ? e.msg : "";
}

/* ---- the tokenizer */

static void test_tok_command_length(void)
{
	/* A command of exactly TOK_MAX_LINE bytes is taken, one more byte is not. */
	_cleanup_free_ char *max = repeat("a", TOK_MAX_LINE);
	CHECK_STR(tok_error(max), "");
	_cleanup_free_ char *over = repeat("a", TOK_MAX_LINE + 1);
	CHECK_STR(tok_error(over), "command longer than 65536 bytes");
	/* Every byte the command takes counts: a quote over many lines, a comment, continued lines. */
	_cleanup_free_ char *quoted = repeat("x\n", TOK_MAX_LINE + 10);
	quoted[0] = '\'';
	CHECK_STR(tok_error(quoted), "command longer than 65536 bytes");
	_cleanup_free_ char *comment = repeat("#", TOK_MAX_LINE + 10);
	CHECK_STR(tok_error(comment), "command longer than 65536 bytes");
	_cleanup_free_ char *continued = repeat("a\\\n", TOK_MAX_LINE + 10);
	CHECK_STR(tok_error(continued), "command longer than 65536 bytes");
	/* Short commands on one long line are each short: all of them run. */
	struct nslab_error e = {0};
	_cleanup_free_ char *many = repeat("show;", 5 * 100000);
	CHECK(tokenize_all(many, &e) == 100000);
}

static void test_tok_linear_time(void)
{
	struct nslab_error e = {0};
	/* 4 MiB of newlines, and 64 lines of 64 KiB of ';': the old length check
	 * scanned up to 64 KiB ahead for every command, seconds to minutes. */
	_cleanup_free_ char *newlines = repeat("\n", 4 << 20);
	unsigned long long t = now_ns();
	CHECK(tokenize_all(newlines, &e) == 4 << 20);
	CHECK(seconds_since(t) < SLOW_SECONDS);

	size_t line = TOK_MAX_LINE - 1;
	_cleanup_free_ char *semis = repeat(";", 64 * (line + 1));
	for (size_t i = line; i < 64 * (line + 1); i += line + 1)
		semis[i] = '\n';
	t = now_ns();
	CHECK(tokenize_all(semis, &e) == 64L * (long)line + 64);
	CHECK(seconds_since(t) < SLOW_SECONDS);
}

static void test_tok_control_bytes(void)
{
	CHECK_STR(tok_error("hostname \x1b]0;owned\x07"),
	          "a control character (byte 0x1b) in a command; commands are text");
	CHECK_STR(tok_error("run 'echo \x1b[2J'"), "a control character (byte 0x1b) in a command; commands are text");
	CHECK_STR(tok_error("run \"\x7f\""), "a control character (byte 0x7f) in a command; commands are text");
	CHECK_STR(tok_error("x \\\x01"), "a control character (byte 0x01) in a command; commands are text");
	CHECK_STR(tok_error("# a comment \x08 too\n"),
	          "a control character (byte 0x08) in a command; commands are text");
	/* Tab, CR and newline are text. */
	CHECK_STR(tok_error("set\tpid\r\nshow 'a\tb\nc'\n"), "");
}

static void test_tok_utf8(void)
{
	static const char *const bad[] = {
	    "hostname \xff",             /* never in UTF-8 */
	    "hostname \x80",             /* a continuation byte alone */
	    "hostname \xc0\x80",         /* overlong NUL */
	    "hostname \xe0\x80\xaf",     /* overlong '/' */
	    "hostname \xed\xa0\x80",     /* a surrogate */
	    "hostname \xf4\x90\x80\x80", /* past U+10FFFF */
	    "hostname \xe2\x82",         /* cut short at the end */
	    "hostname '\xe2\x82'",       /* cut short by the quote */
	    "hostname \"\xc3\"",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_CONTAINS(tok_error(bad[i]), "invalid UTF-8");
	CHECK_STR(tok_error("hostname caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xa7 '\xc3\xa9' \"\xc3\xa9\" \\\xc3\xa9"),
	          "");

	const char *cur = "x \\\xc3\xa9";
	struct tok_cmd c;
	struct nslab_error e = {0};
	CHECK(tokenize_next(&cur, &c, &e) == 1 && c.argc == 2);
	if (c.argc == 2)
		CHECK_STR(c.argv[1], "\xc3\xa9"); /* an escaped character is kept whole */
	tok_cmd_free(&c);
}

static void test_tok_deep_quoting(void)
{
	/* "'"'"'... 60000 deep: quotes do not nest, so this is one long word in
	 * alternating quotes, read in one pass with no recursion. */
	_cleanup_free_ char *q = repeat("\"'\"'", 60000);
	const char *cur = q;
	struct tok_cmd c;
	struct nslab_error e = {0};
	CHECK(tokenize_next(&cur, &c, &e) == 1 && c.argc == 1);
	if (c.argc == 1)
		CHECK(strlen(c.argv[0]) == 20000 && strspn(c.argv[0], "'\"") == 20000);
	tok_cmd_free(&c);
	q[59999] = '\0';
	cur = q;
	CHECK(tokenize_next(&cur, &c, &e) == -1);
	CHECK_CONTAINS(e.msg, "unterminated");
	/* Backslashes: each pair is one backslash. */
	_cleanup_free_ char *bs = repeat("\\", 60000);
	cur = bs;
	CHECK(tokenize_next(&cur, &c, &e) == 1 && c.argc == 1 && strlen(c.argv[0]) == 30000);
	tok_cmd_free(&c);
}

static void test_tok_error_leaves_cursor(void)
{
	const char *text = "show; run 'open\nshow";
	const char *cur = text;
	struct tok_cmd c;
	struct nslab_error e = {0};

	CHECK(tokenize_next(&cur, &c, &e) == 1);
	tok_cmd_free(&c);
	const char *at = cur;
	CHECK(tokenize_next(&cur, &c, &e) == -1);
	CHECK(cur == at); /* callers see no progress and stop */
	CHECK(c.argc == 0);
}

/* ---- lessons */

static const char *lesson_error(const char *text)
{
	static struct nslab_error e;
	struct lesson l;

	nslab_error_clear(&e);
	if (lesson_parse(text, "h.md", &l, &e) == 0) {
		lesson_free(&l);
		return "";
	}
	return e.msg;
}

static void test_lesson_text_only(void)
{
	CHECK_STR(lesson_error("# T\n## S\nsay \x1b[2Jhello\n"),
	          "h.md:3: a control character (byte 0x1b) at column 5; lessons are text");
	CHECK_STR(lesson_error("# T\n## S\nmid\rline\n"),
	          "h.md:3: a control character (byte 0x0d) at column 4; lessons are text");
	CHECK_STR(lesson_error("# T\n## S\n```nslab\n$ echo\n\xff\n```\n"),
	          "h.md:5: invalid UTF-8 (byte 0xff) at column 1; lessons are UTF-8 text");
	CHECK_STR(lesson_error("# T\xc3\n## S\ntext\n"),
	          "h.md:1: invalid UTF-8 (byte 0xc3) at column 4; lessons are UTF-8 text");
	CHECK_STR(lesson_error("# T\n## S\n\ttabbed caf\xc3\xa9 \xe2\x94\x80\r\n"), "");
}

static void test_lesson_regex_backrefs(void)
{
	/* glibc matches back-references in exponential time: (a*)*\1b against
	 * 1 KiB of a took over a minute. They are refused where lessons are read. */
	CHECK_STR(lesson_error("# T\n## S\n```nslab\n$ x\n(a*)*\\1b (re)\n```\n"),
	          "h.md:5: (re) line: \"(a*)*\\1b\": back-references (\\1 ... \\9) are not allowed "
	          "(they can take exponential time)");
	CHECK_CONTAINS(lesson_error("# T\n## S\ntext\ncheck: ids.container.hostname ~ (a*)*\\1\n"), "h.md:4: check: ");
	CHECK_CONTAINS(lesson_error("# T\n## S\ntext\ncheck: ids.container.hostname ~ (a*)*\\1\n"), "back-references");
	CHECK_CONTAINS(lesson_error("# T\n## S\n```nslab\n$ x\n([ (re)\n```\n"), "h.md:5: (re) line: ");
	/* An escaped backslash before a digit is no back-reference. */
	CHECK_STR(lesson_error("# T\n## S\n```nslab\n$ x\na\\\\1 (re)\n```\n"), "");
	CHECK(lesson_match_line("a\\\\1 (re)", "a\\1"));

	/* Matching directly refuses them too, at once. */
	_cleanup_free_ char *as = repeat("a", 4096);
	unsigned long long t = now_ns();
	CHECK(!lesson_match_line("(a*)*\\1b (re)", as));
	CHECK(seconds_since(t) < 1.0);

	struct lesson_check c;
	struct nslab_error e = {0};
	char left[64], right[64];
	CHECK(lesson_check_parse("status ~ \"0\"", &c, &e) == 0);
	free(c.right.text);
	c.right.text = xstrdup("(a*)*\\1b"); /* as if a path had resolved to it */
	CHECK(lesson_check_eval(&c, NULL, 0, left, right, sizeof(left), &e) == -1);
	CHECK_CONTAINS(e.msg, "back-references");
	lesson_check_free(&c);
}

static void test_lesson_regex_cost(void)
{
	/* fuzz/regressions/lesson/regcomp-stacked-plus-oom: each stacked '+'
	 * doubles what regcomp builds; 27 of them wanted over 2 GiB. */
	static const char plus[] =
	    "# T\n\n## S\n\n``\n"
	    "check: iame ~parent write the child's pid +++++++++++++++++++++++++++to cgrou \"^b.x$\"\n"
	    "che[255]ck: m\xc2\x98mnslab>zcurrent >= 1M\ncheck: s>>>>>\n";
	/* fuzz/regressions/lesson/regcomp-stacked-star-timeout: 94 stacked
	 * stars made regcomp's closures take 3 s (over 10 under ASan); O(n^4). */
	char stars[256];
	snprintf(stars, sizeof(stars), "# T\n## S\n```nslab\nnslab> run\n`%.94s)$$$$needs: root (re)\n```\n",
	         "**********************************************************************************************");
	unsigned long long t = now_ns();
	CHECK_STR(lesson_error(plus),
	          "h.md:6: check: \"parent write the child's pid +++++++++++++++++++++++++++to cgrou "
	          "\"^b.x$\"\": too costly to match: a repetition right after another (like a** or .*?)");
	CHECK_CONTAINS(lesson_error(stars), "h.md:5: (re) line: ");
	CHECK_CONTAINS(lesson_error(stars), "a repetition right after another");
	CHECK_STR(lesson_error("# T\n## S\n```nslab\n$ x\n((a{99}){99}){99} (re)\n```\n"),
	          "h.md:5: (re) line: \"((a{99}){99}){99}\": too costly to match: repetitions that multiply past "
	          "20000 copies (like ((a{99}){99}){99})");
	CHECK_CONTAINS(
	    lesson_error("# T\n## S\n```nslab\n$ x\n(((((((((((((((((a)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)* (re)\n```\n"),
	    "groups nested too deep");
	CHECK_CONTAINS(lesson_error("# T\n## S\ntext\ncheck: status ~ a{2}{3}\n"), "a repetition right after another");
	CHECK(!lesson_match_line("a+++++++++++++++++++++++++++++++ (re)", "a"));
	CHECK(seconds_since(t) < 1.0);

	/* What lessons write stays well inside the bounds. */
	CHECK_STR(lesson_error("# T\n## S\n```nslab\n$ x\npid [0-9]+ is (init|sh) (re)\n"
	                       "[a-f0-9]{12}: init is pid [0-9]{1,7} (re)\n(x+x+)+y? (re)\n"
	                       "((((((((((((((((a)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)* (re)\n(a{140}){140} (re)\n```\n"),
	          "");
	CHECK(lesson_match_line("[a-f0-9]{12}: ok (re)", "0123456789ab: ok"));
	CHECK(lesson_match_line("[]a]{2}[[:digit:]]+ (re)", "]a7"));
	CHECK(lesson_match_line("a[*+]* (re)", "a*+*")); /* inside brackets they are characters */
	CHECK(lesson_match_line("a\\*\\+* (re)", "a*++"));
	CHECK(seconds_since(t) < 2.0);
}

static void test_lesson_expect_limit(void)
{
	size_t size = 64 + (LESSON_EXPECT_MAX + 1) * 4, len = 0;
	_cleanup_free_ char *t = xmalloc(size);
	str_appendf(t, size, &len, "# T\n## S\n```nslab\n$ seq\n");
	for (int i = 0; i < LESSON_EXPECT_MAX; i++)
		str_appendf(t, size, &len, "x\n");
	str_appendf(t, size, &len, "```\n");
	CHECK_STR(lesson_error(t), "");
	len -= 4;
	str_appendf(t, size, &len, "x\n```\n");
	CHECK_STR(lesson_error(t), "h.md:1005: more than 1000 lines of expected output for one command");
}

/* ---- output matching */

static void test_match_bounded(void)
{
	/* 200000 expected "..." lines against 100000 actual ones: the old table
	 * of (expected + 1) x (actual + 1) flags wanted 20 GB and aborted. */
	size_t ne = 200000;
	char **expect = xcalloc(ne, sizeof(*expect));
	for (size_t i = 0; i < ne; i++)
		expect[i] = (char *)(i % 2 ? "..." : "x");
	_cleanup_free_ char *actual = repeat("x\n", 2 * 100000);
	size_t bad = 99;
	unsigned long long t = now_ns();
	CHECK(lesson_match(expect, ne, actual, &bad));
	CHECK(seconds_since(t) < SLOW_SECONDS);

	/* The worst case for the segment search: a long segment between two
	 * "..." that almost fits at every place. */
	size_t k = LESSON_EXPECT_MAX - 2;
	expect[0] = (char *)"...";
	for (size_t i = 1; i <= k; i++)
		expect[i] = (char *)(i < k ? "x" : "y");
	expect[k + 1] = (char *)"...";
	actual[2 * 20000] = '\0'; /* 20000 lines: 2e7 line comparisons */
	t = now_ns();
	CHECK(!lesson_match(expect, k + 2, actual, &bad));
	CHECK(bad == k);
	CHECK(seconds_since(t) < SLOW_SECONDS);
	free(expect);
}

static void test_match_regex_once(void)
{
	/* A (re) line is compiled once per match, not once per actual line. */
	const char *expect[] = {"...", "[0-9]+ (re)", "..."};
	_cleanup_free_ char *actual = repeat("word\n", 5 * 100000);
	size_t bad = 99;
	unsigned long long t = now_ns();
	CHECK(!lesson_match((char *const *)expect, 3, actual, &bad));
	CHECK(bad == 1);
	CHECK(seconds_since(t) < SLOW_SECONDS);
}

/* ---- id maps (found by fuzz_idmap's round trip: a line is never split) */

static const char *idmap_error(const char *text, size_t *n)
{
	static struct nslab_error e;
	static struct idmap m;

	nslab_error_clear(&e);
	int r = idmap_parse_text(text, &m, &e);
	*n = m.n;
	return r < 0 ? e.msg : "";
}

static void test_idmap_lines(void)
{
	size_t n;

	/* sscanf("%15s") once cut a long word in two and read across newlines. */
	CHECK_STR(idmap_error("0000000000000001 2\n", &n), "id map line 1: wants INSIDE OUTSIDE COUNT, not 2 words");
	CHECK_STR(idmap_error("0 1\n2\n", &n), "id map line 1: wants INSIDE OUTSIDE COUNT, not 2 words");
	CHECK_STR(idmap_error("0 1000 1\n1 2 3 4\n", &n), "id map line 2: wants INSIDE OUTSIDE COUNT, not 4 words");
	CHECK_CONTAINS(idmap_error("123456789012345678901234567890 1 1\n", &n), "id map line 1: a word too long");
	CHECK_CONTAINS(idmap_error("0 1000 1\n0 2000 1\n", &n), "line 2: id map: inside range 0-0 overlaps line 1");
	CHECK_STR(idmap_error("\t0\t1000\t1\t\n\n   \n1 2000 5", &n), "");
	CHECK(n == 2);

	/* 340 lines are the kernel's limit; the 341st is refused, not written past the table. */
	size_t size = 341 * 24, len = 0;
	_cleanup_free_ char *t = xmalloc(size);
	for (int i = 0; i < 341; i++)
		str_appendf(t, size, &len, "%d %d 1\n", i, 1000 + i);
	CHECK_CONTAINS(idmap_error(t, &n), "line 341: id map: the kernel takes at most 340 lines");
	CHECK(n == IDMAP_MAX_LINES);
}

/* ---- sizes (fuzz_size: what size_format prints must read back) */

static void test_size_format_reads_back(void)
{
	struct nslab_error e = {0};
	long long v = 0, back = -1;
	char buf[32];

	/* fuzz/regressions/size/format-pib-unreadable: 922337020GB printed as
	 * "819.2 PiB", which the parser did not know. */
	CHECK(size_parse("922337020GB", true, &v, &e) == 0);
	size_format(v, buf, sizeof(buf));
	CHECK_STR(buf, "819.2 PiB");
	CHECK(size_parse(buf, true, &back, &e) == 0);
	CHECK(back > 0 && llabs(back - v) <= v / 200);
	CHECK(size_parse("1P", true, &v, &e) == 0 && v == 1LL << 50);
	CHECK(size_parse("7EiB", true, &v, &e) == 0 && v == 7LL << 60);
	CHECK(size_parse("9EB", true, &v, &e) == 0 && v == 9000000000000000000LL);
	CHECK(size_parse("8E", true, &v, &e) < 0 && e.err == ERANGE);
	static const long long samples[] = {1, 1023, 1LL << 40, 5LL << 50, 3LL << 60, (1LL << 62) - 1};
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		size_format(samples[i], buf, sizeof(buf));
		CHECK(size_parse(buf, true, &back, &e) == 0);
	}
	/* Hostile text: long, NUL-free garbage, only dots, huge digit runs. */
	_cleanup_free_ char *digits = repeat("9", 5000);
	CHECK(size_parse(digits, true, &v, &e) < 0);
	CHECK(size_parse("....", true, &v, &e) < 0);
	CHECK(size_parse("1.\xff", true, &v, &e) < 0);
	CHECK(size_parse("1.00000000000000000000000000000000000001K", true, &v, &e) == 0 && v == 1024);
}

/* ---- mountinfo (fuzz_mountinfo: \000 emptied a field) */

static void test_mountinfo_escapes(void)
{
	struct mount_list l = {0};

	/* fuzz/regressions/mountinfo/escape-000-empties-root */
	CHECK(probe_mounts_parse("40 1 0:40 \\000nt/my\\040disk /mnt\\000x rw master:7 - t30 mastnone rw\n"
	                         "41 1 0:41 / /a\\777b rw - tmpfs \\101 rw\n",
	                         &l) == 0);
	CHECK(l.n == 2);
	if (l.n == 2) {
		CHECK_STR(l.v[0].root, "\\000nt/my disk"); /* no byte: kept as written */
		CHECK_STR(l.v[0].target, "/mnt\\000x");
		CHECK_STR(l.v[1].target, "/a\\777b"); /* past \377: no byte either */
		CHECK_STR(l.v[1].source, "A");
	}
	mount_list_free(&l);

	/* A long line: fields are cut to fit, never written past. */
	_cleanup_free_ char *longpath = repeat("/x", 100000);
	size_t size = 3 * 200000 + 64, len = 0;
	_cleanup_free_ char *t = xmalloc(size);
	str_appendf(t, size, &len, "1 0 8:1 %s %s rw - ext4 %s rw\n", longpath, longpath, longpath);
	CHECK(probe_mounts_parse(t, &l) == 0 && l.n == 1);
	if (l.n == 1)
		CHECK(strlen(l.v[0].target) == sizeof(l.v[0].target) - 1);
	mount_list_free(&l);
}

/* ---- slides */

static void test_slides_hostile(void)
{
	struct slide_deck d;
	struct nslab_error e = {0};
	const char deck[] = "# T\x1b[2J\xff\n\n- a\x07 \xed\xa0\x80 b\n";

	CHECK(slides_parse(deck, sizeof(deck) - 1, "00-x.md", &d, &e) == 0);
	if (d.n_pages == 1 && d.pages[0].n == 3) {
		CHECK_STR(d.pages[0].lines[0].text, "T?[2J?");
		CHECK_STR(d.pages[0].lines[2].text, "a? ??? b"); /* a surrogate is three stray bytes */
	}
	slides_free(&d);
	const char nul[] = "# T\n\0x\n";
	CHECK(slides_parse(nul, sizeof(nul) - 1, "00-x.md", &d, &e) < 0);
	CHECK_CONTAINS(e.msg, "00-x.md:2: a NUL byte");

	/* One paragraph of 1 MiB in short lines joins into one long line, in linear time. */
	_cleanup_free_ char *para = repeat("word word word\n", SLIDES_FILE_MAX);
	unsigned long long t = now_ns();
	CHECK(slides_parse(para, SLIDES_FILE_MAX, "00-x.md", &d, &e) == 0);
	CHECK(d.n_pages == 1 && d.pages[0].n == 1);
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		slides_print_page(&d, 1, 80, null);
		fclose(null);
	}
	CHECK(seconds_since(t) < SLOW_SECONDS);
	slides_free(&d);
}

/* ---- files that are not files */

static void test_fifo_not_read(void)
{
	char dir[] = "/tmp/nslab-unit-hostile.XXXXXX";
	char path[PATH_MAX];
	struct lesson l;
	struct slide_deck d;
	struct nslab_error e = {0};

	if (!mkdtemp(dir)) {
		printf("SKIP %s: mkdtemp: %s\n", check_current, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/01-fifo.md", dir);
	CHECK(mkfifo(path, 0600) == 0);
	/* No writer ever comes: opening must not wait for one. */
	unsigned long long t = now_ns();
	CHECK(lesson_load(path, &l, &e) < 0);
	CHECK_CONTAINS(e.msg, "not a regular file");
	CHECK(slides_load(path, &d, &e) < 0);
	CHECK_CONTAINS(e.msg, "not a regular file");
	CHECK(seconds_since(t) < 1.0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	RUN(test_tok_command_length);
	RUN(test_tok_linear_time);
	RUN(test_tok_control_bytes);
	RUN(test_tok_utf8);
	RUN(test_tok_deep_quoting);
	RUN(test_tok_error_leaves_cursor);
	RUN(test_lesson_text_only);
	RUN(test_lesson_regex_backrefs);
	RUN(test_lesson_regex_cost);
	RUN(test_lesson_expect_limit);
	RUN(test_match_bounded);
	RUN(test_match_regex_once);
	RUN(test_idmap_lines);
	RUN(test_size_format_reads_back);
	RUN(test_mountinfo_escapes);
	RUN(test_slides_hostile);
	RUN(test_fifo_not_read);
	return CHECK_DONE();
}
