/* Unit tests for lessons: parsing and its FILE:LINE errors, output matching,
 * probe checks over a json-c tree, finding and loading files, progress. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nslab/lesson.h"
#include "nslab/tree.h"
#include "nslab/util.h"

static char dir[] = "/tmp/nslab-unit-lesson.XXXXXX";

static void put(const char *name, const char *text, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write_all(fd, text, len) == 0);
	close(fd);
}

static void put_text(const char *name, const char *text)
{
	put(name, text, strlen(text));
}

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* ---- a complete, good lesson */

static const char good[] = "# PID namespaces: numbers of their own\n"			/* 1 */
			   "slides: pid-deck\n"						/* 2 */
			   "needs: root\n"						/* 3 */
			   "\n"								/* 4 */
			   "A process sees its own PIDs.\n"				/* 5 */
			   "\n"								/* 6 */
			   "## The host's view\n"					/* 7 */
			   "slide: 2\n"							/* 8 */
			   "open: slide\n"						/* 9 */
			   "\n"								/* 10 */
			   "Without the pid flag the container shares the host's.\n"	/* 11 */
			   "\n"								/* 12 */
			   "```\n"							/* 13 */
			   "  host --> container\n"					/* 14 */
			   "check: not a directive inside a diagram\n"			/* 15 */
			   "```\n"							/* 16 */
			   "\n"								/* 17 */
			   "After the diagram.\n"					/* 18 */
			   "\n"								/* 19 */
			   "```nslab\n"							/* 20 */
			   "nslab> reset\n"						/* 21 */
			   "nslab> rootfs default   \n"					/* 22 */
			   "rootfs .../rootfs  \n"					/* 23 */
			   "\n"								/* 24 */
			   "$ echo one; echo; echo two\n"				/* 25 */
			   "one\n"							/* 26 */
			   "\n"								/* 27 */
			   "two\n"							/* 28 */
			   "\n"								/* 29 */
			   "nslab>   run /bin/false\n"					/* 30 */
			   "[1]\n"							/* 31 */
			   "\n"								/* 32 */
			   "$ true\n"							/* 33 */
			   "```\n"							/* 34 */
			   "\n"								/* 35 */
			   "check: ps.container.count == 1\n"				/* 36 */
			   "check: ids.container.hostname != \"the host\"\n"		/* 37 */
			   "hint: Did `set pid` run?\n"					/* 38 */
			   "hint: flags shows the flags.\n"				/* 39 */
			   "\n"								/* 40 */
			   "## A second step\n"						/* 41 */
			   "open: watch\n"						/* 42 */
			   "\n"								/* 43 */
			   "```nslab\n"							/* 44 */
			   "nslab> flags\n"						/* 45 */
			   "...\n"							/* 46 */
			   "```\n";							/* 47 */

static void check_good(const struct lesson *l)
{
	CHECK_STR(l->title, "PID namespaces: numbers of their own");
	CHECK_STR(l->intro, "A process sees its own PIDs.");
	CHECK_STR(l->deck, "pid-deck");
	CHECK(l->needs_root);
	CHECK(l->n_steps == 2);
	CHECK(lesson_count_cmds(l) == 6);
	if (l->n_steps != 2)
		return;

	const struct lesson_step *s1 = &l->steps[0];
	CHECK_STR(s1->title, "The host's view");
	CHECK(s1->line == 7);
	CHECK(s1->slide == 2);
	CHECK(s1->open == OPEN_SLIDE);
	/* The diagram is narration, fences and all; a directive in it is text. */
	CHECK_STR(s1->narration, "Without the pid flag the container shares the host's.\n"
				 "\n"
				 "```\n"
				 "  host --> container\n"
				 "check: not a directive inside a diagram\n"
				 "```\n"
				 "\n"
				 "After the diagram.");
	CHECK(s1->n_cmds == 5);
	if (s1->n_cmds == 5) {
		CHECK(s1->cmds[0].kind == LESSON_NSLAB);
		CHECK_STR(s1->cmds[0].text, "reset");
		CHECK(s1->cmds[0].n_expect == 0);
		CHECK(s1->cmds[0].status == 0);
		CHECK(s1->cmds[0].line == 21);
		/* Trailing spaces go from commands and expected lines; the blank line after is dropped. */
		CHECK_STR(s1->cmds[1].text, "rootfs default");
		CHECK(s1->cmds[1].n_expect == 1);
		if (s1->cmds[1].n_expect == 1)
			CHECK_STR(s1->cmds[1].expect[0], "rootfs .../rootfs");
		CHECK(s1->cmds[2].kind == LESSON_SHELL);
		CHECK_STR(s1->cmds[2].text, "echo one; echo; echo two");
		CHECK(s1->cmds[2].line == 25);
		CHECK(s1->cmds[2].n_expect == 3); /* a blank line within the output is kept */
		if (s1->cmds[2].n_expect == 3) {
			CHECK_STR(s1->cmds[2].expect[0], "one");
			CHECK_STR(s1->cmds[2].expect[1], "");
			CHECK_STR(s1->cmds[2].expect[2], "two");
		}
		CHECK(s1->cmds[3].kind == LESSON_NSLAB);
		CHECK_STR(s1->cmds[3].text, "run /bin/false");
		CHECK(s1->cmds[3].n_expect == 0);
		CHECK(s1->cmds[3].status == 1);
		CHECK(s1->cmds[4].kind == LESSON_SHELL);
		CHECK_STR(s1->cmds[4].text, "true");
		CHECK(s1->cmds[4].status == 0);
	}
	CHECK(s1->n_checks == 2);
	if (s1->n_checks == 2) {
		CHECK_STR(s1->checks[0].source, "ps.container.count == 1");
		CHECK(s1->checks[0].line == 36);
		CHECK(s1->checks[0].op == OP_EQ);
		CHECK(s1->checks[0].left.is_path);
		CHECK_STR(s1->checks[0].left.text, "ps.container.count");
		CHECK(!s1->checks[0].right.is_path);
		CHECK_STR(s1->checks[0].right.text, "1");
		CHECK(s1->checks[1].op == OP_NE);
		CHECK(s1->checks[1].line == 37);
		CHECK_STR(s1->checks[1].right.text, "the host");
	}
	CHECK(s1->n_hints == 2);
	if (s1->n_hints == 2) {
		CHECK_STR(s1->hints[0], "Did `set pid` run?");
		CHECK_STR(s1->hints[1], "flags shows the flags.");
	}

	const struct lesson_step *s2 = &l->steps[1];
	CHECK_STR(s2->title, "A second step");
	CHECK(s2->line == 41);
	CHECK(s2->open == OPEN_WATCH);
	CHECK(s2->slide == 0);
	CHECK_STR(s2->narration, "");
	CHECK(s2->n_cmds == 1 && s2->n_checks == 0 && s2->n_hints == 0);
	if (s2->n_cmds == 1) {
		CHECK_STR(s2->cmds[0].text, "flags");
		CHECK(s2->cmds[0].n_expect == 1);
		CHECK(s2->cmds[0].line == 45);
	}
}

static void test_parse_good(void)
{
	struct lesson l;
	struct nslab_error e = {0};

	int r = lesson_parse(good, "04-pid.md", &l, &e);
	CHECK(r == 0);
	if (r < 0) {
		printf("FAIL %s: %s\n", check_current, e.msg);
		return;
	}
	check_good(&l);
	lesson_free(&l);
	CHECK(l.title == NULL && l.steps == NULL && l.n_steps == 0);
}

/* The same lesson with CRLF line ends parses to the same thing. */
static void test_parse_crlf(void)
{
	char crlf[sizeof(good) * 2];
	size_t n = 0;
	struct lesson l;
	struct nslab_error e = {0};

	for (const char *s = good; *s; s++) {
		if (*s == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *s;
	}
	crlf[n] = '\0';
	int r = lesson_parse(crlf, "04-pid.md", &l, &e);
	CHECK(r == 0);
	if (r < 0) {
		printf("FAIL %s: %s\n", check_current, e.msg);
		return;
	}
	check_good(&l);
	lesson_free(&l);
}

static void test_parse_defaults(void)
{
	struct lesson l;
	struct nslab_error e = {0};

	/* No final newline, no slides:, no needs:, no intro. */
	CHECK(lesson_parse("# T\n## S\n```nslab\n$ echo hi\nhi\n```", "x.md", &l, &e) == 0);
	CHECK(l.deck == NULL); /* lesson_load fills the default */
	CHECK(!l.needs_root);
	CHECK_STR(l.intro, "");
	CHECK(l.n_steps == 1);
	if (l.n_steps == 1) {
		CHECK(l.steps[0].n_cmds == 1);
		CHECK_STR(l.steps[0].narration, "");
	}
	lesson_free(&l);

	/* A step with narration alone is not empty; `$` with extra spaces; `[0]` given. */
	CHECK(lesson_parse("# T\n## Only words\nSome text.\n## S\n```nslab\n$   ls  \n[0]\n```\n", "x.md", &l, &e) ==
	      0);
	CHECK(l.n_steps == 2);
	if (l.n_steps == 2 && l.steps[1].n_cmds == 1) {
		CHECK_STR(l.steps[1].cmds[0].text, "ls");
		CHECK(l.steps[1].cmds[0].status == 0);
	}
	lesson_free(&l);

	/* A fence info string other than nslab is narration; `nslab` with trailing spaces is a transcript. */
	CHECK(lesson_parse("# T\n## S\n```sh\n$ echo hi\n```\n```nslab  \n$ echo hi\nhi\n```\n", "x.md", &l, &e) == 0);
	if (l.n_steps == 1) {
		CHECK(l.steps[0].n_cmds == 1);
		CHECK_STR(l.steps[0].narration, "```sh\n$ echo hi\n```");
	}
	lesson_free(&l);
}

/* ---- malformed lessons: rejected with FILE:LINE and what is wrong */

struct bad_case {
	const char *text;
	const char *where; /* "bad.md:N:" */
	const char *what;
};

static const struct bad_case bad_cases[] = {
	{"", "bad.md:1:", "empty lesson"},
	{"\n\n", "bad.md:3:", "empty lesson"},
	{"## Step\ntext\n", "bad.md:1:", "starts with its title"},
	{"#Title\n## S\ntext\n", "bad.md:1:", "starts with its title"},
	{"Intro first\n# T\n## S\ntext\n", "bad.md:1:", "starts with its title"},
	{"# T\n\n## S\ntext\n# Again\n", "bad.md:5:", "a second title"},
	{"# T\n# Again\n## S\ntext\n", "bad.md:2:", "a second title"},
	{"# T\n## S\n```nslab\nhello\n```\n", "bad.md:4:", "before any command"},
	{"# T\n## S\n```nslab\n\n  \nhello\n$ echo\n```\n", "bad.md:6:", "before any command"},
	{"# T\n## S\n```nslab\nnslab>\n```\n", "bad.md:4:", "a prompt with no command"},
	{"# T\n## S\n```nslab\nnslab>    \n```\n", "bad.md:4:", "a prompt with no command"},
	{"# T\n## S\n```nslab\n$ echo\n\n$\n```\n", "bad.md:6:", "a prompt with no command"},
	{"# T\n## S\n```nslab\n$ false\n[1]\noops\n```\n", "bad.md:6:", "[N] must be the last"},
	{"# T\n## S\n```nslab\n$ false\n[1]\n\n[2]\n```\n", "bad.md:7:", "[N] must be the last"},
	{"# T\n## S\n\ntext\n```nslab\n$ true\n", "bad.md:5:", "never closed"},
	{"# T\n## S\n```\ndiagram\n\n## not a step\n", "bad.md:3:", "never closed"},
	{"# T\n## S\ntext\ncheck: status = 1\n", "bad.md:4:", "wants LEFT OP RIGHT"},
	{"# T\n## S\ntext\ncheck: status\n", "bad.md:4:", "wants LEFT OP RIGHT"},
	{"# T\n## S\ntext\ncheck:\n", "bad.md:4:", "check:"},
	{"# T\n## S\ntext\ncheck: status ==\n", "bad.md:4:", "empty"},
	{"# T\n## S\ntext\n\ncheck: ids.container.hostname ~ (\n", "bad.md:5:", "not a regular expression"},
	{"# T\n## S\ntext\ncheck: ids.container.hostname == \"abc\n", "bad.md:4:", "unclosed quote"},
	{"# T\n## S\ntext\ncheck: ids.container.hostname == \"\n", "bad.md:4:", "unclosed quote"},
	{"# T\n## S\ntext\nslide: two\n", "bad.md:4:", "slide: wants a page number"},
	{"# T\n## S\ntext\nslide: 0\n", "bad.md:4:", "slide: wants a page number"},
	{"# T\n## S\ntext\nslide: -1\n", "bad.md:4:", "slide: wants a page number"},
	{"# T\n## S\ntext\nopen: slides\n", "bad.md:4:", "open: wants slide or watch"},
	{"# T\n## S\ntext\nopen:\n", "bad.md:4:", "open: wants slide or watch"},
	{"# T\nneeds: cake\n## S\ntext\n", "bad.md:2:", "needs: knows only root"},
	{"# T\nslides: two words\n## S\ntext\n", "bad.md:2:", "slides: wants one deck name"},
	{"# T\nslides: ../up\n## S\ntext\n", "bad.md:2:", "slides: wants one deck name"},
	{"# T\n## S\ntext\nslides: deck\n", "bad.md:4:", "put it before the first step"},
	{"# T\nhint: too early\n## S\ntext\n", "bad.md:2:", "hint: belongs to a step"},
	{"# T\n\ncheck: status == 0\n## S\ntext\n", "bad.md:3:", "check: belongs to a step"},
	{"# T\nslide: 1\n## S\ntext\n", "bad.md:2:", "slide: belongs to a step"},
	{"# T\nopen: watch\n## S\ntext\n", "bad.md:2:", "open: belongs to a step"},
	{"# T\nintro\n```nslab\n$ true\n```\n## S\ntext\n", "bad.md:3:", "a transcript belongs to a step"},
	{"# T\n## A\n\n## B\ntext\n", "bad.md:2:", "step \"A\" has nothing in it"},
	{"# T\n## A\nhint: hints alone\nslide: 1\n## B\ntext\n", "bad.md:2:", "step \"A\" has nothing in it"},
	{"# T\n## A\ntext\n## B\n\n", "bad.md:4:", "step \"B\" has nothing in it"},
	{"# T\n## A\ntext\n## B\n```nslab\n```\n", "bad.md:4:", "step \"B\" has nothing in it"},
	{"# T\n## A\ntext\n##\n", "bad.md:4:", "a step needs a title"},
	{"# T\n\nintro only\n", "bad.md:4:", "no steps"},
	{"# T", "bad.md:2:", "no steps"},
	{"# T\n## S\ntext\nhint:\n", "bad.md:4:", "hint: is empty"},
};

static void test_parse_errors(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct lesson l;
		struct nslab_error e = {0};
		int r = lesson_parse(b->text, "bad.md", &l, &e);
		if (r >= 0) {
			printf("FAIL %s: case %zu was accepted: %s\n", check_current, i, b->text);
			check_failed_here = 1;
			lesson_free(&l);
			continue;
		}
		if (strncmp(e.msg, b->where, strlen(b->where)) || !strstr(e.msg, b->what)) {
			printf("FAIL %s: case %zu: wanted \"%s ...%s...\", got \"%s\"\n", check_current, i, b->where,
			       b->what, e.msg);
			check_failed_here = 1;
		}
		/* A rejected lesson is left empty: freeing it again is harmless. */
		CHECK(l.title == NULL && l.steps == NULL);
		lesson_free(&l);
	}
}

/* "# T\n" then n steps of "## Sk\ntext\n": step k's heading is on line 2k. */
static char *many_steps(int n)
{
	size_t size = 16 + (size_t)n * 32, len = 0;
	char *t = xmalloc(size);

	str_appendf(t, size, &len, "# T\n");
	for (int k = 1; k <= n; k++)
		str_appendf(t, size, &len, "## S%d\ntext %d\n", k, k);
	return t;
}

static void test_parse_limits(void)
{
	struct lesson l;
	struct nslab_error e = {0};
	char where[64];

	_cleanup_free_ char *max = many_steps(LESSON_STEPS_MAX);
	int r = lesson_parse(max, "bad.md", &l, &e);
	CHECK(r == 0);
	if (r < 0)
		printf("FAIL %s: %d steps rejected: %s\n", check_current, LESSON_STEPS_MAX, e.msg);
	CHECK(l.n_steps == LESSON_STEPS_MAX);
	lesson_free(&l);

	_cleanup_free_ char *over = many_steps(LESSON_STEPS_MAX + 1);
	CHECK(lesson_parse(over, "bad.md", &l, &e) < 0);
	snprintf(where, sizeof(where), "bad.md:%d: more than %d steps", 2 * (LESSON_STEPS_MAX + 1), LESSON_STEPS_MAX);
	CHECK_CONTAINS(e.msg, where);

	/* A line of LESSON_LINE_MAX bytes is fine (with or without a CR); one more is not. */
	size_t size = LESSON_LINE_MAX + 64;
	_cleanup_free_ char *t = xmalloc(size);
	size_t len = (size_t)snprintf(t, size, "# T\n## S\n");
	memset(t + len, 'x', LESSON_LINE_MAX);
	strcpy(t + len + LESSON_LINE_MAX, "\n");
	CHECK(lesson_parse(t, "bad.md", &l, &e) == 0);
	lesson_free(&l);
	memset(t + len, 'x', LESSON_LINE_MAX + 1);
	strcpy(t + len + LESSON_LINE_MAX + 1, "\n");
	CHECK(lesson_parse(t, "bad.md", &l, &e) < 0);
	CHECK_CONTAINS(e.msg, "bad.md:3: a line longer than");
}

/* ---- matching output */

static bool match(const char *const *expect, size_t n, const char *actual, size_t *bad)
{
	return lesson_match((char *const *)expect, n, actual, bad);
}

static void test_match_lines(void)
{
	const char *hello[] = {"hello"};
	size_t bad = 99;

	CHECK(match(hello, 1, "hello\n", &bad));
	CHECK(match(hello, 1, "hello", NULL));
	CHECK(match(hello, 1, "hello   \t\n", &bad)); /* trailing spaces ignored */
	CHECK(match(hello, 1, "hello\r\n", &bad));
	CHECK(!match(hello, 1, " hello\n", &bad));  /* leading ones are not */
	CHECK(!match(hello, 1, "Hello\n", &bad));
	CHECK(bad == 0);
	CHECK(match(hello, 1, "hello\n\n\n", &bad)); /* trailing empty lines ignored */
	CHECK(match(NULL, 0, "", &bad));
	CHECK(match(NULL, 0, "\n\n  \n", &bad));
	bad = 99;
	CHECK(!match(NULL, 0, "x\n", &bad));
	CHECK(bad == 0); /* n_expect: lines left over */

	/* A blank line in the middle is a line like any other. */
	const char *gap[] = {"a", "", "b"};
	CHECK(match(gap, 3, "a\n\nb\n", &bad));
	CHECK(!match(gap, 3, "a\nb\n", &bad));
}

static void test_match_any_lines(void)
{
	const char *around[] = {"a", "...", "b"};
	const char *any[] = {"..."};
	const char *tail[] = {"start", "..."};
	const char *head[] = {"...", "end"};
	const char *two[] = {"...", "mid", "...", "end"};
	size_t bad = 99;

	CHECK(match(around, 3, "a\nb\n", &bad)); /* zero lines */
	CHECK(match(around, 3, "a\nx\ny\nz\nb\n", &bad));
	CHECK(match(around, 3, "a\nb\nb\n", &bad));
	CHECK(!match(around, 3, "a\nx\n", &bad));
	CHECK(bad == 2);
	CHECK(match(any, 1, "", &bad));
	CHECK(match(any, 1, "1\n2\n3\n", &bad));
	CHECK(match(tail, 2, "start\n", &bad));
	CHECK(match(tail, 2, "start\nmore\nlines\n", &bad));
	CHECK(!match(tail, 2, "begin\nstart\n", &bad));
	CHECK(bad == 0);
	CHECK(match(head, 2, "end\n", &bad));
	CHECK(match(head, 2, "x\ny\nend\n", &bad));
	CHECK(!match(head, 2, "x\nend\ny\n", &bad));
	CHECK(match(two, 4, "mid\nend\n", &bad));
	CHECK(match(two, 4, "a\nmid\nb\nmid\nc\nend\n", &bad));
	CHECK(!match(two, 4, "a\nb\nend\n", &bad));
}

static void test_match_within_line(void)
{
	CHECK(lesson_match_line("...world", "hello world"));
	CHECK(lesson_match_line("...world", "world"));
	CHECK(!lesson_match_line("...world", "world!"));
	CHECK(lesson_match_line("hello ... world", "hello big wide world"));
	CHECK(lesson_match_line("hello ... world", "hello  world"));
	CHECK(!lesson_match_line("hello ... world", "hello world"));
	CHECK(lesson_match_line("rootfs .../rootfs", "rootfs /work/build/rootfs"));
	CHECK(lesson_match_line("started ...", "started 1a2b3c4d: init is pid 42"));
	CHECK(lesson_match_line("hello...", "hello"));
	CHECK(!lesson_match_line("hello...", "hell"));
	CHECK(lesson_match_line("a...b...c", "abc"));
	CHECK(lesson_match_line("a...b...c", "a1b2c"));
	CHECK(lesson_match_line("a...b...c", "axxbyybzzc"));
	CHECK(!lesson_match_line("a...b...c", "acb"));
	CHECK(!lesson_match_line("a...b...c", "ac"));
	CHECK(!lesson_match_line("a...a", "a")); /* the head and the tail may not overlap */
	CHECK(lesson_match_line("pid ... of ...", "pid 1 of 3"));
	CHECK(lesson_match_line("...", "anything at all"));
	CHECK(lesson_match_line("...", ""));

	/* And through lesson_match, as a line among lines. */
	const char *exp[] = {"started ...", "...", "done in ...s"};
	CHECK(match(exp, 3, "started abc\nnoise\ndone in 0.5s\n", NULL));
	CHECK(!match(exp, 3, "begun abc\ndone in 0.5s\n", NULL));
}

static void test_match_re_glob(void)
{
	CHECK(lesson_match_line("[0-9]+ (re)", "123"));
	CHECK(!lesson_match_line("[0-9]+ (re)", "a123")); /* anchored at both ends */
	CHECK(!lesson_match_line("[0-9]+ (re)", "123a"));
	CHECK(lesson_match_line("a|b (re)", "b"));
	CHECK(!lesson_match_line("a|b (re)", "ab")); /* the alternation is anchored whole */
	CHECK(lesson_match_line("pid [0-9]+ is (init|sh) (re)", "pid 1 is init"));
	CHECK(!lesson_match_line("( (re)", "(")); /* a bad regex matches nothing */
	CHECK(lesson_match_line("(re)", "(re)")); /* no space: literal text */
	CHECK(lesson_match_line("pid ? is * (glob)", "pid 1 is init process"));
	CHECK(!lesson_match_line("pid ? is * (glob)", "pid 12 is init"));
	CHECK(lesson_match_line("eth[0-9] (glob)", "eth0"));
	CHECK(!lesson_match_line("*.md (glob)", "x.mdx"));
	/* (re) and (glob) lines are not read for `...`. */
	CHECK(!lesson_match_line("a... (glob)", "abc"));
	CHECK(lesson_match_line("a... (glob)", "a..."));

	const char *exp[] = {"inode [0-9]+ (re)", "...", "* done (glob)"};
	size_t bad = 99;
	CHECK(match(exp, 3, "inode 4026531836\nx\nall done\n", &bad));
	CHECK(!match(exp, 3, "inode x\nall done\n", &bad));
	CHECK(bad == 0);
}

static void test_match_bad_line(void)
{
	const char *abc[] = {"a", "b", "c"};
	const char *anyc[] = {"a", "...", "c"};
	const char *ab[] = {"a", "b"};
	size_t bad = 99;

	CHECK(!match(abc, 3, "a\nB\nc\n", &bad));
	CHECK(bad == 1);
	CHECK(!match(abc, 3, "a\nb\nx\n", &bad));
	CHECK(bad == 2);
	CHECK(!match(anyc, 3, "a\nb\nd\n", &bad));
	CHECK(bad == 2);
	CHECK(!match(ab, 2, "a\n", &bad)); /* a line missing */
	CHECK(bad == 1);
	CHECK(!match(ab, 2, "a\nb\nc\n", &bad)); /* a line left over */
	CHECK(bad == 2);
	CHECK(!match(ab, 2, "", &bad));
	CHECK(bad == 0);
}

/* ---- probe checks */

static json_object *fixture_json(void)
{
	const char *text = "{"
			   " \"target\": 4242,"
			   " \"ps\": {"
			   "  \"host\": [{\"pid\": 1}, {\"pid\": 2}, {\"pid\": 3}],"
			   "  \"container\": [{\"pid\": 4242, \"nspid\": 1, \"comm\": \"sh\"},"
			   "                  {\"pid\": 4243, \"nspid\": 2, \"comm\": \"sleep\"}]"
			   " },"
			   " \"ids\": {"
			   "  \"host\": {\"hostname\": \"box\", \"count\": 7},"
			   "  \"container\": {\"hostname\": \"inside\", \"domain\": \"nan\", \"ten\": \"10\","
			   "                  \"uid_map\": [[0, 1000, 1]]}"
			   " },"
			   " \"mem\": {\"container\": {\"limit\": 104857600, \"oom_kill\": 0, \"peak\": null, \"ratio\": 0.5}},"
			   " \"ns\": {\"pid\": {\"shared\": false}, \"net\": {\"shared\": true}},"
			   " \"links\": {\"error\": \"cannot enter the network namespace\"}"
			   "}";
	json_object *o = json_tokener_parse(text);
	CHECK(o != NULL);
	return o;
}

/* Parse and evaluate one check; left/right and the error message are kept. */
static char got_left[512], got_right[512], got_msg[512];

static int eval(const char *text, json_object *root, int status)
{
	struct lesson_check c;
	struct nslab_error e = {0};

	got_left[0] = got_right[0] = got_msg[0] = '\0';
	if (lesson_check_parse(text, &c, &e) < 0) {
		printf("FAIL %s: \"%s\" does not parse: %s\n", check_current, text, e.msg);
		check_failed_here = 1;
		return -2;
	}
	int r = lesson_check_eval(&c, root, status, got_left, got_right, sizeof(got_left), &e);
	snprintf(got_msg, sizeof(got_msg), "%s", e.msg);
	lesson_check_free(&c);
	return r;
}

static void test_check_parse(void)
{
	struct lesson_check c;
	struct nslab_error e = {0};
	static const struct {
		const char *text;
		enum lesson_op op;
	} ops[] = {
		{"status == 0", OP_EQ}, {"status != 0", OP_NE}, {"status < 0", OP_LT},  {"status <= 0", OP_LE},
		{"status > 0", OP_GT},	{"status >= 0", OP_GE}, {"status ~ 0", OP_MATCH}, {"status==0", OP_EQ},
		{"status>=0", OP_GE},	{"  status\t<\t0  ", OP_LT},
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		CHECK(lesson_check_parse(ops[i].text, &c, &e) == 0);
		CHECK(c.op == ops[i].op);
		CHECK_STR(c.left.text, "status");
		CHECK(c.left.is_path);
		CHECK_STR(c.right.text, "0");
		CHECK(!c.right.is_path);
		lesson_check_free(&c);
	}
	CHECK(lesson_check_parse("ids.container.hostname == \"a b == c\"", &c, &e) == 0);
	CHECK_STR(c.right.text, "a b == c");
	CHECK(!c.right.is_path);
	CHECK_STR(c.source, "ids.container.hostname == \"a b == c\"");
	lesson_check_free(&c);
	/* Paths start with a part of compare --json; other words are literals. */
	CHECK(lesson_check_parse("ps.container[0].nspid != inside", &c, &e) == 0);
	CHECK(c.left.is_path);
	CHECK(!c.right.is_path);
	lesson_check_free(&c);
	CHECK(lesson_check_parse("psx == ps", &c, &e) == 0);
	CHECK(!c.left.is_path);
	CHECK(c.right.is_path);
	lesson_check_free(&c);
	CHECK(lesson_check_parse("\"ps.container.count\" == 1", &c, &e) == 0);
	CHECK(!c.left.is_path); /* quoted: a literal */
	lesson_check_free(&c);
	CHECK(lesson_check_parse("\"a b == c\" != ids.container.hostname", &c, &e) == 0);
	CHECK_STR(c.left.text, "a b == c"); /* a quoted LEFT holds spaces and operators */
	CHECK(c.op == OP_NE);
	CHECK(c.right.is_path);
	lesson_check_free(&c);

	const char *bad[] = {"status", "status = 0", "status =< 0", "== 0", "status ==", "", "x ~ (",
			     "x ~ [a", "x == \"open", "\"open == x"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		nslab_error_clear(&e);
		if (lesson_check_parse(bad[i], &c, &e) == 0) {
			printf("FAIL %s: \"%s\" was accepted\n", check_current, bad[i]);
			check_failed_here = 1;
			lesson_check_free(&c);
		} else {
			CHECK(e.msg[0] != '\0');
		}
	}
}

static void test_check_eval_paths(void)
{
	json_object *root = fixture_json();

	CHECK(eval("ps.container.count == 2", root, 0) == 1);
	CHECK_STR(got_left, "2");
	CHECK_STR(got_right, "2");
	CHECK(eval("ps.host.count > ps.container.count", root, 0) == 1);
	CHECK(eval("ps.container[0].nspid == 1", root, 0) == 1);
	CHECK(eval("ps.container[1].comm == sleep", root, 0) == 1);
	CHECK_STR(got_left, "sleep");
	CHECK(eval("ps.container[1].pid == ps.container[0].pid", root, 0) == 0);
	CHECK_STR(got_left, "4243");
	CHECK_STR(got_right, "4242");
	CHECK(eval("target == 4242", root, 0) == 1);
	CHECK(eval("ids.container.hostname == inside", root, 0) == 1);
	CHECK(eval("ids.container.hostname == \"inside\"", root, 0) == 1);
	CHECK(eval("ids.container.hostname != ids.host.hostname", root, 0) == 1);
	CHECK_STR(got_left, "inside");
	CHECK_STR(got_right, "box");
	CHECK(eval("ids.container.uid_map[0][1] == 1000", root, 0) == 1); /* nested lists */
	CHECK(eval("ids.container.uid_map.count == 1", root, 0) == 1);
	CHECK(eval("ids.container.uid_map[0].count == 3", root, 0) == 1);
	CHECK(eval("ids.host.count == 7", root, 0) == 1); /* a field named count is the field */
	CHECK(eval("ns.pid.shared == false", root, 0) == 1);
	CHECK(eval("ns.net.shared == true", root, 0) == 1);
	CHECK(eval("mem.container.peak == null", root, 0) == 1);
	CHECK(eval("mem.container.limit == 104857600", root, 0) == 1);
	CHECK(eval("mem.container.oom_kill == 0", root, 0) == 1);
	CHECK(eval("mem.container.ratio < 1", root, 0) == 1);
	CHECK(eval("status == 3", root, 3) == 1);
	CHECK_STR(got_left, "3");
	CHECK(eval("status != 0", root, 0) == 0);
	CHECK(eval("status == 0", NULL, 0) == 1); /* status needs no container */
	json_object_put(root);
}

static void test_check_eval_ops(void)
{
	json_object *root = fixture_json();

	CHECK(eval("mem.container.limit >= 104857600", root, 0) == 1);
	CHECK(eval("mem.container.limit > 104857600", root, 0) == 0);
	CHECK(eval("mem.container.limit <= 104857600", root, 0) == 1);
	CHECK(eval("mem.container.limit < 104857600", root, 0) == 0);
	CHECK(eval("mem.container.limit != 1", root, 0) == 1);
	CHECK(eval("ids.container.hostname ~ ^ins", root, 0) == 1);
	CHECK(eval("ids.container.hostname ~ side$", root, 0) == 1);
	CHECK(eval("ids.container.hostname ~ ^side", root, 0) == 0);
	CHECK(eval("ids.container.hostname ~ \"i(n|x)s\"", root, 0) == 1);
	/* Numbers compare as numbers, whichever way they are written. */
	CHECK(eval("\"10\" > \"9\"", root, 0) == 1);
	CHECK(eval("ids.container.ten > 9", root, 0) == 1);
	CHECK(eval("10 > 9", root, 0) == 1);
	CHECK(eval("1.0 == 1", root, 0) == 1);
	CHECK(eval("-2 < 1", root, 0) == 1);
	/* Words compare as text; a word that looks like a float constant is still a word. */
	CHECK(eval("abc == abc", root, 0) == 1);
	CHECK(eval("abc != abd", root, 0) == 1);
	CHECK(eval("ids.container.domain == nan", root, 0) == 1);
	CHECK(eval("inf != infinity", root, 0) == 1);
	CHECK(eval("0x10 != 16", root, 0) == 1);
	CHECK(eval("true == true", root, 0) == 1);
	CHECK(eval("\"in side\" != ids.container.hostname", root, 0) == 1);
	CHECK_STR(got_left, "in side");
	/* Ordering words is an error, not false. */
	CHECK(eval("ids.container.hostname < 5", root, 0) == -1);
	CHECK_CONTAINS(got_msg, "not both numbers");
	CHECK(eval("abc >= abc", root, 0) == -1);
	json_object_put(root);
}

static void test_check_eval_errors(void)
{
	json_object *root = fixture_json();

	CHECK(eval("ids.container.nope == 1", root, 0) == -1);
	CHECK_CONTAINS(got_msg, "ids.container.nope: no such field");
	CHECK(eval("1 == ids.nope.hostname", root, 0) == -1);
	CHECK_CONTAINS(got_msg, "ids.nope.hostname");
	CHECK(eval("ps.container[5].pid == 1", root, 0) == -1);
	CHECK_CONTAINS(got_msg, "no such field");
	CHECK(eval("ps.container[x].pid == 1", root, 0) == -1);
	CHECK(eval("ps.container.pid == 1", root, 0) == -1); /* a list has no fields */
	CHECK(eval("ids.container.hostname.count == 1", root, 0) == -1);
	CHECK_CONTAINS(got_msg, ".count wants a list");
	/* A part that could not be probed says why. */
	CHECK(eval("links.container.count == 1", root, 0) == -1);
	CHECK_CONTAINS(got_msg, "links.container.count: cannot enter the network namespace");
	CHECK(eval("status == links.container[0].name", root, 0) == -1);
	CHECK_CONTAINS(got_msg, "cannot enter the network namespace");
	/* No container at all. */
	CHECK(eval("ps.container.count == 1", NULL, 0) == -1);
	CHECK_CONTAINS(got_msg, "no container");
	CHECK(eval("1 == mem.container.limit", NULL, 0) == -1);
	CHECK_CONTAINS(got_msg, "no container");
	json_object_put(root);
}

/* ---- files: names, listing, finding, loading */

static void test_file_name(void)
{
	char name[LESSON_NAME_MAX];
	int num = -1;

	CHECK(lesson_file_name("04-pid.md", name, sizeof(name), &num));
	CHECK_STR(name, "pid");
	CHECK(num == 4);
	CHECK(lesson_file_name("4-uts.md", name, sizeof(name), &num));
	CHECK_STR(name, "uts");
	CHECK(num == 4);
	CHECK(lesson_file_name("123-a-b.md", name, sizeof(name), &num));
	CHECK_STR(name, "a-b");
	CHECK(num == 123);
	CHECK(!lesson_file_name("README.md", name, sizeof(name), &num));
	CHECK(!lesson_file_name("pid.md", name, sizeof(name), &num));
	CHECK(!lesson_file_name("04pid.md", name, sizeof(name), &num));
	CHECK(!lesson_file_name("04-.md", name, sizeof(name), &num));
	CHECK(!lesson_file_name("04-pid.txt", name, sizeof(name), &num));
	CHECK(!lesson_file_name("04-pid.md~", name, sizeof(name), &num));
	CHECK(!lesson_file_name("1234-x.md", name, sizeof(name), &num));
	CHECK(!lesson_file_name(".md", name, sizeof(name), &num));
	char small[4];
	CHECK(!lesson_file_name("01-toolong.md", small, sizeof(small), &num));
}

static const char tiny[] = "# Tiny\n## S\n```nslab\n$ echo hi\nhi\n```\n";

static void test_list_and_find(void)
{
	struct lesson_entry *v = NULL;
	struct nslab_error e = {0};
	char path[PATH_MAX], want[PATH_MAX];

	put_text("02-uts.md", tiny);
	put_text("01-intro.md", tiny);
	put_text("10-net.md", tiny);
	put_text("README.md", "# Writing lessons\n");
	put_text("notes.txt", "x\n");
	put_text("03-draft.md~", "x\n");

	int n = lesson_list(dir, &v, &e);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(v[0].file, "01-intro.md");
		CHECK_STR(v[0].name, "intro");
		CHECK(v[0].number == 1);
		CHECK_STR(v[1].file, "02-uts.md");
		CHECK_STR(v[2].file, "10-net.md");
		CHECK(v[2].number == 10);
	}
	free(v);

	snprintf(want, sizeof(want), "%s/02-uts.md", dir);
	const char *ways[] = {"uts", "2", "02", "002", "02-uts", "02-uts.md"};
	for (size_t i = 0; i < ARRAY_SIZE(ways); i++) {
		path[0] = '\0';
		if (lesson_find(dir, ways[i], path, sizeof(path), &e) < 0 || strcmp(path, want)) {
			printf("FAIL %s: lesson_find(%s) gave \"%s\" (%s)\n", check_current, ways[i], path, e.msg);
			check_failed_here = 1;
		}
	}
	CHECK(lesson_find(dir, "10", path, sizeof(path), &e) == 0);
	CHECK_CONTAINS(path, "/10-net.md");
	CHECK(lesson_find(dir, "net", path, sizeof(path), &e) == 0);
	CHECK_CONTAINS(path, "/10-net.md");
	/* A path to a file is taken as it is. */
	_cleanup_free_ char *full = path_of("01-intro.md");
	CHECK(lesson_find("/nonexistent", full, path, sizeof(path), &e) == 0);
	CHECK_STR(path, full);

	const char *missing[] = {"nope", "4", "README", "readme", "ut", "0", "02-ut", "uts.md"};
	for (size_t i = 0; i < ARRAY_SIZE(missing); i++) {
		nslab_error_clear(&e);
		if (lesson_find(dir, missing[i], path, sizeof(path), &e) == 0) {
			printf("FAIL %s: lesson_find(%s) found \"%s\"\n", check_current, missing[i], path);
			check_failed_here = 1;
		}
	}
	CHECK(lesson_find(dir, "nope", path, sizeof(path), &e) < 0);
	CHECK_CONTAINS(e.msg, "no lesson 'nope'");
	CHECK(e.err == ENOENT);

	CHECK(lesson_list("/nonexistent/lessons", &v, &e) < 0);
	CHECK(v == NULL);
	CHECK_CONTAINS(e.msg, "/nonexistent/lessons");
	CHECK(lesson_find("/nonexistent/lessons", "uts", path, sizeof(path), &e) < 0);
}

static void test_load(void)
{
	struct lesson l;
	struct nslab_error e = {0};

	put_text("04-pid.md", good);
	_cleanup_free_ char *p = path_of("04-pid.md");
	CHECK(lesson_load(p, &l, &e) == 0);
	CHECK_STR(l.name, "pid");
	CHECK(l.number == 4);
	CHECK_STR(l.path, p);
	CHECK_STR(l.deck, "pid-deck");
	CHECK(l.n_steps == 2);
	lesson_free(&l);

	/* No slides: the deck is the lesson's name; a file not named NN-NAME.md goes by its stem. */
	put_text("custom.md", tiny);
	_cleanup_free_ char *c = path_of("custom.md");
	CHECK(lesson_load(c, &l, &e) == 0);
	CHECK_STR(l.name, "custom");
	CHECK(l.number == 0);
	CHECK_STR(l.deck, "custom");
	lesson_free(&l);

	/* Errors name the file; a bad file's errors have its path and line. */
	put_text("05-bad.md", "# T\n## S\n```nslab\noutput first\n```\n");
	_cleanup_free_ char *b = path_of("05-bad.md");
	_cleanup_free_ char *want = xasprintf("%s:4: ", b);
	CHECK(lesson_load(b, &l, &e) < 0);
	CHECK_CONTAINS(e.msg, want);

	_cleanup_free_ char *m = path_of("99-missing.md");
	CHECK(lesson_load(m, &l, &e) < 0);
	CHECK(e.err == ENOENT);
	CHECK_CONTAINS(e.msg, "99-missing.md");
	CHECK(lesson_load(dir, &l, &e) < 0);
	CHECK_CONTAINS(e.msg, "not a regular file");
}

static void test_load_refuses(void)
{
	struct lesson l;
	struct nslab_error e = {0};
	char with_nul[] = "# T\n## S\ntext\0more\n";

	put("06-nul.md", with_nul, sizeof(with_nul) - 1);
	_cleanup_free_ char *p = path_of("06-nul.md");
	CHECK(lesson_load(p, &l, &e) < 0);
	CHECK_CONTAINS(e.msg, "NUL byte");

	/* Exactly LESSON_FILE_MAX bytes is accepted; one more is not. */
	size_t size = LESSON_FILE_MAX + 1;
	_cleanup_free_ char *big = xmalloc(size + 1);
	size_t len = (size_t)snprintf(big, size + 1, "# T\n## S\n");
	while (len < LESSON_FILE_MAX) {
		size_t line = LESSON_FILE_MAX - len < 100 ? LESSON_FILE_MAX - len : 100;
		memset(big + len, 'x', line - 1);
		big[len + line - 1] = '\n';
		len += line;
	}
	put("07-max.md", big, LESSON_FILE_MAX);
	_cleanup_free_ char *mx = path_of("07-max.md");
	CHECK(lesson_load(mx, &l, &e) == 0);
	lesson_free(&l);
	big[LESSON_FILE_MAX] = '\n';
	put("08-big.md", big, LESSON_FILE_MAX + 1);
	_cleanup_free_ char *bg = path_of("08-big.md");
	nslab_error_clear(&e);
	CHECK(lesson_load(bg, &l, &e) < 0);
	CHECK_CONTAINS(e.msg, "larger than");
	CHECK(e.err == EFBIG);
}

/* ---- progress */

static void test_progress(void)
{
	struct nslab_error e = {0};
	int step = -1;
	bool done = true;
	_cleanup_free_ char *state = xasprintf("%s/state/deeper", dir);
	_cleanup_free_ char *file = xasprintf("%s/nslab/lessons", state);

	setenv("XDG_STATE_HOME", state, 1);
	CHECK(lesson_progress_get("pid", &step, &done) < 0);
	CHECK(step == 0 && !done);

	CHECK(lesson_progress_set("pid", 2, false, &e) == 0);
	CHECK(lesson_progress_get("pid", &step, &done) == 0);
	CHECK(step == 2 && !done);
	CHECK(lesson_progress_set("pid", 3, false, &e) == 0); /* overwrite */
	CHECK(lesson_progress_get("pid", &step, &done) == 0);
	CHECK(step == 3 && !done);
	CHECK(lesson_progress_set("uts", 1, true, &e) == 0);
	CHECK(lesson_progress_set("pi", 7, false, &e) == 0); /* a prefix of another name */
	CHECK(lesson_progress_get("uts", &step, &done) == 0);
	CHECK(step == 1 && done);
	CHECK(lesson_progress_get("pid", &step, &done) == 0);
	CHECK(step == 3 && !done);
	CHECK(lesson_progress_get("pi", &step, &done) == 0);
	CHECK(step == 7 && !done);
	CHECK(lesson_progress_set("pid", 4, true, &e) == 0);
	CHECK(lesson_progress_get("pid", &step, &done) == 0);
	CHECK(step == 4 && done);
	CHECK(lesson_progress_get("net", &step, &done) < 0);

	/* One line per lesson, in the documented form. */
	_cleanup_free_ char *text = read_file_all(file);
	CHECK(text != NULL);
	if (text) {
		CHECK_CONTAINS(text, "pid 4 done\n");
		CHECK_CONTAINS(text, "uts 1 done\n");
		CHECK_CONTAINS(text, "pi 7 -\n");
		int lines = 0;
		for (const char *s = text; *s; s++)
			lines += *s == '\n';
		CHECK(lines == 3);
	}
	struct stat st;
	CHECK(stat(state, &st) == 0 && S_ISDIR(st.st_mode));

	/* Without XDG_STATE_HOME (or with a relative one): ~/.local/state. */
	_cleanup_free_ char *home = xasprintf("%s/home", dir);
	_cleanup_free_ char *home_file = xasprintf("%s/.local/state/nslab/lessons", home);
	mkdir(home, 0700);
	setenv("HOME", home, 1);
	setenv("XDG_STATE_HOME", "relative/state", 1);
	CHECK(lesson_progress_set("net", 5, false, &e) == 0);
	CHECK(access(home_file, R_OK) == 0);
	unsetenv("XDG_STATE_HOME");
	CHECK(lesson_progress_get("net", &step, &done) == 0);
	CHECK(step == 5 && !done);
	CHECK(lesson_progress_get("pid", &step, &done) < 0); /* that was in the other file */
}

int main(void)
{
	struct nslab_error e = {0};

	if (!mkdtemp(dir)) {
		printf("FAIL test_lesson: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	RUN(test_parse_good);
	RUN(test_parse_crlf);
	RUN(test_parse_defaults);
	RUN(test_parse_errors);
	RUN(test_parse_limits);
	RUN(test_match_lines);
	RUN(test_match_any_lines);
	RUN(test_match_within_line);
	RUN(test_match_re_glob);
	RUN(test_match_bad_line);
	RUN(test_check_parse);
	RUN(test_check_eval_paths);
	RUN(test_check_eval_ops);
	RUN(test_check_eval_errors);
	RUN(test_file_name);
	RUN(test_list_and_find);
	RUN(test_load);
	RUN(test_load_refuses);
	RUN(test_progress);
	if (tree_remove(dir, &e) < 0)
		printf("FAIL test_lesson: cleanup: %s\n", e.msg);
	return CHECK_DONE();
}
