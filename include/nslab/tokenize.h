/* Split command lines into words the way a small shell does: quotes,
 * backslashes, ';' between commands, '#' comments. Pure and bounded. */
#ifndef NSLAB_TOKENIZE_H
#define NSLAB_TOKENIZE_H

#include "nslab/error.h"

/* Longest accepted command, in bytes: all it takes up, from its first byte
 * to the ';' or newline that ends it, comments, quoted newlines and
 * continued lines included. Checked as the text is read, in one pass. */
#define TOK_MAX_LINE 65536
#define TOK_MAX_WORDS 256	/* most words in one command */

struct tok_cmd {
	int argc;
	char *argv[TOK_MAX_WORDS + 1];	/* NULL terminated; words are malloc'd */
};

/* Parse the next command from *cursor (up to ';', a newline or the end) into
 * cmd; advances *cursor. Returns 1 when a command was read (argc may be 0 for
 * an empty one), 0 at the end of the text, -1 on an error (e filled; *cursor
 * is left where it was): an unterminated quote, more than TOK_MAX_WORDS
 * words, a command longer than TOK_MAX_LINE, a raw control character (any
 * byte below 0x20 but tab, CR and newline, and DEL), invalid UTF-8. */
int tokenize_next(const char **cursor, struct tok_cmd *cmd, struct nslab_error *e);
void tok_cmd_free(struct tok_cmd *cmd);
/* Quote a word so tokenize reads it back unchanged (for show and export). */
void tokenize_quote(const char *word, char *buf, size_t size);

#endif
