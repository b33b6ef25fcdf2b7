/* The lesson parser: Markdown with narration, ```nslab transcripts and
 * directives (lessons/README.md), into struct lesson, with FILE:LINE errors. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "nslab/lesson.h"
#include "nslab/util.h"

struct text_buf {
	char *s;
	size_t len, cap;
};

static void buf_add_line(struct text_buf *b, const char *line, size_t n)
{
	if (b->len + n + 2 > b->cap) {
		b->cap = (b->len + n + 2) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, line, n);
	b->len += n;
	b->s[b->len++] = '\n';
	b->s[b->len] = '\0';
}

/* The text without leading and trailing blank lines; never NULL. */
static char *buf_take_trimmed(struct text_buf *b)
{
	const char *s = b->s ? b->s : "";
	while (*s == '\n')
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	char *out = xmalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	free(b->s);
	memset(b, 0, sizeof(*b));
	return out;
}

struct parser {
	struct lesson *l;
	const char *origin;
	int line;
	struct text_buf narration;	/* of the current step, or the intro */
	enum { IN_TEXT, IN_FENCE, IN_TRANSCRIPT } mode;
	int fence_line;
	bool status_seen;		/* [N] given for the current command */
	struct nslab_error *e;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nslab_error_set(p->e, EINVAL, "", "%s:%d: %s", p->origin, p->line, msg);
}

static struct lesson_step *cur_step(struct parser *p)
{
	return p->l->n_steps ? &p->l->steps[p->l->n_steps - 1] : NULL;
}

static void flush_narration(struct parser *p)
{
	struct lesson_step *st = cur_step(p);
	char *text = buf_take_trimmed(&p->narration);

	if (st) {
		free(st->narration);
		st->narration = text;
	} else {
		free(p->l->intro);
		p->l->intro = text;
	}
}

static bool step_empty(const struct lesson_step *st)
{
	return !st->narration[0] && !st->n_cmds && !st->n_checks;
}

/* The step being left must have something in it. */
static int end_step(struct parser *p)
{
	flush_narration(p);
	struct lesson_step *prev = cur_step(p);
	if (prev && step_empty(prev))
		return nslab_error_set(p->e, EINVAL, "", "%s:%d: step \"%s\" has nothing in it", p->origin,
				       prev->line, prev->title);
	return 0;
}

static int start_step(struct parser *p, const char *title)
{
	if (end_step(p) < 0)
		return -1;
	if (!*title)
		return fail(p, "a step needs a title after ##");
	if (p->l->n_steps >= LESSON_STEPS_MAX)
		return fail(p, "more than %d steps", LESSON_STEPS_MAX);
	p->l->steps = xrealloc(p->l->steps, (p->l->n_steps + 1) * sizeof(*p->l->steps));
	struct lesson_step *st = &p->l->steps[p->l->n_steps++];
	memset(st, 0, sizeof(*st));
	st->title = xstrdup(title);
	st->line = p->line;
	st->narration = xstrdup("");
	return 0;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "word: rest" at column 0 with one of the known words; rest trimmed. */
static const char *directive(const char *line, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(line, word, n) || line[n] != ':')
		return NULL;
	return skip_space(line + n + 1);
}

static int lesson_directive(struct parser *p, const char *line, bool *used)
{
	const char *v;

	*used = true;
	if ((v = directive(line, "slides"))) {
		if (cur_step(p))
			return fail(p, "slides: names the lesson's deck; put it before the first step");
		if (!*v || strchr(v, ' ') || strchr(v, '/'))
			return fail(p, "slides: wants one deck name, not \"%s\"", v);
		free(p->l->deck);
		p->l->deck = xstrdup(v);
		return 0;
	}
	if ((v = directive(line, "needs"))) {
		if (strcmp(v, "root"))
			return fail(p, "needs: knows only root, not \"%s\"", v);
		p->l->needs_root = true;
		return 0;
	}
	*used = false;
	return 0;
}

static int step_directive_check(struct parser *p, struct lesson_step *st, const char *v)
{
	struct lesson_check c;
	struct nslab_error ce = {0};

	if (lesson_check_parse(v, &c, &ce) < 0)
		return fail(p, "check: %s", ce.msg);
	c.line = p->line;
	st->checks = xrealloc(st->checks, (st->n_checks + 1) * sizeof(*st->checks));
	st->checks[st->n_checks++] = c;
	return 0;
}

static int step_directive(struct parser *p, const char *line, bool *used)
{
	static const char *const words[] = {"slide", "open", "check", "hint"};
	struct lesson_step *st = cur_step(p);
	const char *v = NULL;
	size_t w;

	for (w = 0; w < ARRAY_SIZE(words) && !v; w++)
		v = directive(line, words[w]);
	*used = v != NULL;
	if (!v)
		return 0;
	w--;
	if (!st)
		return fail(p, "%s: belongs to a step; put it after a ## heading", words[w]);
	if (w == 0) {
		unsigned long page;
		if (parse_ulong(v, 999, &page) < 0 || page == 0)
			return fail(p, "slide: wants a page number, not \"%s\"", v);
		st->slide = (int)page;
		return 0;
	}
	if (w == 1) {
		if (strcmp(v, "slide") && strcmp(v, "watch"))
			return fail(p, "open: wants slide or watch, not \"%s\"", v);
		st->open = !strcmp(v, "slide") ? OPEN_SLIDE : OPEN_WATCH;
		return 0;
	}
	if (w == 2)
		return step_directive_check(p, st, v);
	if (!*v)
		return fail(p, "hint: is empty");
	st->hints = xrealloc(st->hints, (st->n_hints + 1) * sizeof(*st->hints));
	st->hints[st->n_hints++] = xstrdup(v);
	return 0;
}

static struct lesson_cmd *cur_cmd(struct parser *p)
{
	struct lesson_step *st = cur_step(p);

	return st && st->n_cmds ? &st->cmds[st->n_cmds - 1] : NULL;
}

static void drop_trailing_blanks(struct lesson_cmd *c)
{
	while (c && c->n_expect && !c->expect[c->n_expect - 1][0])
		free(c->expect[--c->n_expect]);
}

static int add_cmd(struct parser *p, enum lesson_cmd_kind kind, const char *text)
{
	struct lesson_step *st = cur_step(p);

	drop_trailing_blanks(cur_cmd(p));
	if (!*text)
		return fail(p, "a prompt with no command after it");
	st->cmds = xrealloc(st->cmds, (st->n_cmds + 1) * sizeof(*st->cmds));
	struct lesson_cmd *c = &st->cmds[st->n_cmds++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->text = xstrdup(text);
	c->line = p->line;
	p->status_seen = false;
	return 0;
}

/* "[N]": the expected exit status. */
static bool status_line(const char *line, int *status)
{
	unsigned long v;
	size_t n = strlen(line);
	char num[16];

	if (n < 3 || n > sizeof(num) || line[0] != '[' || line[n - 1] != ']')
		return false;
	memcpy(num, line + 1, n - 2);
	num[n - 2] = '\0';
	if (parse_ulong(num, 255, &v) < 0)
		return false;
	*status = (int)v;
	return true;
}

static int transcript_line(struct parser *p, char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	if (!strncmp(line, "nslab>", 6))
		return add_cmd(p, LESSON_NSLAB, skip_space(line + 6));
	if (!strncmp(line, "$ ", 2) || !strcmp(line, "$"))
		return add_cmd(p, LESSON_SHELL, skip_space(line + 1));
	struct lesson_cmd *c = cur_cmd(p);
	if (!c)
		return !*line ? 0 : fail(p, "output \"%s\" before any command (nslab> or $)", line);
	if (p->status_seen)
		return !*line ? 0 : fail(p, "[N] must be the last expected line of a command");
	if (status_line(line, &c->status)) {
		drop_trailing_blanks(c);
		p->status_seen = true;
		return 0;
	}
	if (c->n_expect >= LESSON_EXPECT_MAX)
		return fail(p, "more than %d lines of expected output for one command", LESSON_EXPECT_MAX);
	if (n > 5 && !strcmp(line + n - 5, " (re)")) {
		/* A bad pattern is the lesson's error, found now rather than as a mismatch later. */
		struct nslab_error re_e = {0};
		regex_t re;
		if (lesson_regex_compile(&re, line, n - 5, true, &re_e) < 0)
			return fail(p, "(re) line: %s", re_e.msg);
		regfree(&re);
	}
	c->expect = xrealloc(c->expect, (c->n_expect + 1) * sizeof(*c->expect));
	c->expect[c->n_expect++] = xstrdup(line);
	return 0;
}

static bool is_fence(const char *line)
{
	return !strncmp(line, "```", 3);
}

static int fence_open(struct parser *p, const char *line)
{
	const char *info = skip_space(line + 3);

	p->fence_line = p->line;
	/* "```nslab " with a stray trailing space is still a transcript. */
	if (!strncmp(info, "nslab", 5) && !*skip_space(info + 5)) {
		if (!cur_step(p))
			return fail(p, "a transcript belongs to a step; put it after a ## heading");
		p->mode = IN_TRANSCRIPT;
		return 0;
	}
	p->mode = IN_FENCE;
	buf_add_line(&p->narration, line, strlen(line));
	return 0;
}

static int text_line(struct parser *p, char *line)
{
	bool used;

	if (is_fence(line))
		return fence_open(p, line);
	if (!strncmp(line, "## ", 3) || !strcmp(line, "##"))
		return start_step(p, skip_space(line + 2));
	if (line[0] == '#' && (line[1] == ' ' || !line[1]))
		return fail(p, "a second title \"%s\" (steps start with ##)", line);
	if (lesson_directive(p, line, &used) < 0)
		return -1;
	if (!used && step_directive(p, line, &used) < 0)
		return -1;
	if (!used)
		buf_add_line(&p->narration, line, strlen(line));
	return 0;
}

static int title_line(struct parser *p, const char *line)
{
	if (!line[0])
		return 0;
	if (strncmp(line, "# ", 2) || !*skip_space(line + 2))
		return fail(p, "a lesson starts with its title: \"# Title\"");
	p->l->title = xstrdup(skip_space(line + 2));
	return 0;
}

static int one_line(struct parser *p, char *line)
{
	if (!p->l->title)
		return title_line(p, line);
	if (p->mode == IN_TRANSCRIPT) {
		if (!is_fence(line))
			return transcript_line(p, line);
		drop_trailing_blanks(cur_cmd(p));
		p->mode = IN_TEXT;
		return 0;
	}
	if (p->mode == IN_FENCE) {
		buf_add_line(&p->narration, line, strlen(line));
		if (is_fence(line))
			p->mode = IN_TEXT;
		return 0;
	}
	return text_line(p, line);
}

static int finish(struct parser *p)
{
	if (p->mode != IN_TEXT) {
		p->line = p->fence_line;
		return fail(p, "this code block is never closed with ```");
	}
	if (!p->l->title)
		return fail(p, "empty lesson: it needs \"# Title\" and steps");
	if (!p->l->n_steps)
		return fail(p, "no steps: each step starts with \"## Title\"");
	return end_step(p);
}

/* Lessons are UTF-8 text: their lines reach the terminal as narration, so a
 * raw control byte (an ESC would start an escape sequence) or a stray byte
 * is refused with its place rather than printed. Tabs are text. */
static int check_text(struct parser *p, const char *line, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, "a control character (byte 0x%02x) at column %zu; lessons are text", c, i + 1);
		size_t len = utf8_char_len(line + i, n - i);
		if (!len)
			return fail(p, "invalid UTF-8 (byte 0x%02x) at column %zu; lessons are UTF-8 text", c, i + 1);
		i += len;
	}
	return 0;
}

int lesson_parse(const char *text, const char *origin, struct lesson *l, struct nslab_error *e)
{
	struct parser p = {.l = l, .origin = origin, .e = e};
	char line[LESSON_LINE_MAX + 1];

	memset(l, 0, sizeof(*l));
	l->intro = xstrdup("");
	for (const char *s = text; *s;) {
		const char *nl = strchrnul(s, '\n');
		size_t n = (size_t)(nl - s);
		p.line++;
		if (n > LESSON_LINE_MAX) {
			fail(&p, "a line longer than %d bytes", LESSON_LINE_MAX);
			goto bad;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (check_text(&p, line, n) < 0 || one_line(&p, line) < 0)
			goto bad;
		s = *nl ? nl + 1 : nl;
	}
	p.line++;
	if (finish(&p) < 0)
		goto bad;
	return 0;
bad:
	free(p.narration.s);
	lesson_free(l);
	return -1;
}

static void cmd_free(struct lesson_cmd *c)
{
	free(c->text);
	for (size_t i = 0; i < c->n_expect; i++)
		free(c->expect[i]);
	free(c->expect);
}

static void step_free(struct lesson_step *st)
{
	free(st->title);
	free(st->narration);
	for (size_t i = 0; i < st->n_cmds; i++)
		cmd_free(&st->cmds[i]);
	free(st->cmds);
	for (size_t i = 0; i < st->n_checks; i++)
		lesson_check_free(&st->checks[i]);
	free(st->checks);
	for (size_t i = 0; i < st->n_hints; i++)
		free(st->hints[i]);
	free(st->hints);
}

void lesson_free(struct lesson *l)
{
	for (size_t i = 0; i < l->n_steps; i++)
		step_free(&l->steps[i]);
	free(l->steps);
	free(l->path);
	free(l->title);
	free(l->intro);
	free(l->deck);
	memset(l, 0, sizeof(*l));
}

size_t lesson_count_cmds(const struct lesson *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n_steps; i++)
		n += l->steps[i].n_cmds;
	return n;
}
