/* A small shell-like word splitter for the REPL, -c scripts and lesson files. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "nslab/tokenize.h"
#include "nslab/util.h"

void tok_cmd_free(struct tok_cmd *cmd)
{
	for (int i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	cmd->argc = 0;
	cmd->argv[0] = NULL;
}

struct word {
	char *buf;
	size_t len, cap;
	bool started; /* "" is a word too */
};

static void word_put(struct word *w, char c)
{
	if (w->len + 2 > w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->buf = xrealloc(w->buf, w->cap);
	}
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
	w->started = true;
}

static int word_end(struct tok_cmd *cmd, struct word *w, struct nslab_error *e)
{
	if (!w->started)
		return 0;
	if (cmd->argc >= TOK_MAX_WORDS) {
		free(w->buf);
		*w = (struct word){0};
		return nslab_error_set(e, E2BIG, "", "too many words in one command (at most %d)", TOK_MAX_WORDS);
	}
	cmd->argv[cmd->argc++] = w->buf ? w->buf : xstrdup("");
	cmd->argv[cmd->argc] = NULL;
	*w = (struct word){0};
	return 0;
}

/* One command being read: where it started (for the length bound), the word
 * so far, and how many bytes of a checked UTF-8 character are still to come. */
struct tok_state {
	const char *start;
	struct word w;
	int utf8_left;
	struct nslab_error *e;
};

/* Every byte a command consumes counts, quoted newlines and comments too, so
 * the bound is checked as it goes and the whole costs one pass over the text. */
static int check_byte(struct tok_state *t, const char *p)
{
	unsigned char c = (unsigned char)*p;

	if ((size_t)(p - t->start) >= TOK_MAX_LINE)
		return nslab_error_set(t->e, E2BIG, "", "command longer than %d bytes", TOK_MAX_LINE);
	/* Raw control bytes have no meaning here and would reach the terminal
	 * when a message echoes the word (an ESC starts an escape sequence). */
	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
		return nslab_error_set(t->e, EINVAL, "",
		                       "a control character (byte 0x%02x) in a command; commands are text", c);
	if (c < 0x80)
		return 0;
	/* Commands are UTF-8: a stray byte would reach the terminal in messages
	 * that echo the word. Continuation bytes of a checked character pass. */
	if (t->utf8_left > 0) {
		t->utf8_left--;
		return 0;
	}
	/* The NUL that ends the text is no continuation byte, so 4 is safe here. */
	size_t len = utf8_char_len(p, 4);
	if (!len)
		return nslab_error_set(t->e, EILSEQ, "",
		                       "invalid UTF-8 (byte 0x%02x) in a command; commands are UTF-8 text", c);
	t->utf8_left = (int)len - 1;
	return 0;
}

/* Inside "...": backslash escapes only " \ $ ` and newline, as in sh. */
static int read_double(const char **pp, struct tok_state *t)
{
	const char *p = *pp;

	t->w.started = true;
	for (;; p++) {
		if (!*p)
			return nslab_error_set(t->e, EINVAL, "", "unterminated double quote");
		if (check_byte(t, p) < 0)
			return -1;
		if (*p == '"')
			break;
		if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
			p++;
			if (check_byte(t, p) < 0)
				return -1;
		}
		word_put(&t->w, *p);
	}
	*pp = p + 1;
	return 0;
}

static int read_single(const char **pp, struct tok_state *t)
{
	const char *p = *pp;

	t->w.started = true;
	for (; *p != '\''; p++) {
		if (!*p)
			return nslab_error_set(t->e, EINVAL, "", "unterminated single quote");
		if (check_byte(t, p) < 0)
			return -1;
		word_put(&t->w, *p);
	}
	*pp = p + 1;
	return 0;
}

static int fail(struct tok_cmd *cmd, struct word *w)
{
	free(w->buf);
	tok_cmd_free(cmd);
	return -1;
}

int tokenize_next(const char **cursor, struct tok_cmd *cmd, struct nslab_error *e)
{
	const char *p = *cursor;
	struct tok_state t = {.start = p, .e = e};

	cmd->argc = 0;
	cmd->argv[0] = NULL;
	if (!*p)
		return 0;
	while (*p && *p != ';' && *p != '\n') {
		if (check_byte(&t, p) < 0)
			return fail(cmd, &t.w);
		char c = *p++;
		int r = 0;
		if (c == ' ' || c == '\t' || c == '\r')
			r = word_end(cmd, &t.w, e);
		else if (c == '#' && !t.w.started)
			while (*p && *p != '\n' && (r = check_byte(&t, p)) == 0)
				p++;
		else if (c == '\'')
			r = read_single(&p, &t);
		else if (c == '"')
			r = read_double(&p, &t);
		else if (c == '\\' && *p == '\n')
			p++; /* a line continues */
		else if (c == '\\' && *p) {
			if ((r = check_byte(&t, p)) == 0)
				word_put(&t.w, *p++);
		} else
			word_put(&t.w, c);
		if (r < 0)
			return fail(cmd, &t.w);
	}
	if (word_end(cmd, &t.w, e) < 0)
		return fail(cmd, &t.w);
	if (*p)
		p++;
	*cursor = p;
	return 1;
}

void tokenize_quote(const char *word, char *buf, size_t size)
{
	size_t len = 0;
	bool plain = *word != '\0';

	for (const char *p = word; *p && plain; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *p))
			plain = false;
	if (plain) {
		snprintf(buf, size, "%s", word);
		return;
	}
	str_appendf(buf, size, &len, "'");
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			str_appendf(buf, size, &len, "'\\''");
		else
			str_appendf(buf, size, &len, "%c", *p);
	}
	str_appendf(buf, size, &len, "'");
}
