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
	bool started;	/* "" is a word too */
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

/* Inside "...": backslash escapes only " \ $ ` and newline, as in sh. */
static int read_double(const char **pp, struct word *w, struct nslab_error *e)
{
	const char *p = *pp;

	w->started = true;
	for (;; p++) {
		if (!*p)
			return nslab_error_set(e, EINVAL, "", "unterminated double quote");
		if (*p == '"')
			break;
		if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1]))
			p++;
		word_put(w, *p);
	}
	*pp = p + 1;
	return 0;
}

static int read_single(const char **pp, struct word *w, struct nslab_error *e)
{
	const char *p = *pp;

	w->started = true;
	for (; *p != '\''; p++) {
		if (!*p)
			return nslab_error_set(e, EINVAL, "", "unterminated single quote");
		word_put(w, *p);
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
	struct word w = {0};

	cmd->argc = 0;
	cmd->argv[0] = NULL;
	if (!*p)
		return 0;
	if (strnlen(p, TOK_MAX_LINE + 1) > TOK_MAX_LINE && !memchr(p, '\n', TOK_MAX_LINE)) {
		nslab_error_set(e, E2BIG, "", "line longer than %d bytes", TOK_MAX_LINE);
		return -1;
	}
	while (*p && *p != ';' && *p != '\n') {
		char c = *p++;
		int r = 0;
		if (c == ' ' || c == '\t' || c == '\r')
			r = word_end(cmd, &w, e);
		else if (c == '#' && !w.started)
			while (*p && *p != '\n')
				p++;
		else if (c == '\'')
			r = read_single(&p, &w, e);
		else if (c == '"')
			r = read_double(&p, &w, e);
		else if (c == '\\' && *p == '\n')
			p++; /* a line continues */
		else if (c == '\\' && *p)
			word_put(&w, *p++);
		else
			word_put(&w, c);
		if (r < 0)
			return fail(cmd, &w);
	}
	if (word_end(cmd, &w, e) < 0)
		return fail(cmd, &w);
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
