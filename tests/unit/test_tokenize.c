/* Unit tests for the command-line tokenizer. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nslab/tokenize.h"
#include "nslab/util.h"

/* Tokenize one command and join its words with '|'. */
static int words(const char *text, char *out, size_t size)
{
	const char *cur = text;
	struct tok_cmd c;
	struct nslab_error e = {0};
	size_t len = 0;

	out[0] = '\0';
	int r = tokenize_next(&cur, &c, &e);
	if (r <= 0)
		return r;
	int argc = c.argc;
	for (int i = 0; i < argc; i++)
		str_appendf(out, size, &len, "%s%s", i ? "|" : "", c.argv[i]);
	tok_cmd_free(&c);
	return argc;
}

static void test_plain_words(void)
{
	char b[256];
	CHECK(words("set  pid\tuts", b, sizeof(b)) == 3);
	CHECK_STR(b, "set|pid|uts");
}

static void test_quotes(void)
{
	char b[256];
	words("run /bin/sh -c 'echo $HOME; ls'", b, sizeof(b));
	CHECK_STR(b, "run|/bin/sh|-c|echo $HOME; ls");
	words("hostname \"a b\"\"c\"", b, sizeof(b));
	CHECK_STR(b, "hostname|a bc");
	words("env X=\"say \\\"hi\\\"\"", b, sizeof(b));
	CHECK_STR(b, "env|X=say \"hi\"");
	words("x ''", b, sizeof(b));
	CHECK_STR(b, "x|");
	words("a\\ b c", b, sizeof(b));
	CHECK_STR(b, "a b|c");
}

static void test_separators_and_comments(void)
{
	const char *text = "set pid; hostname box # a comment; not a command\n\n  show";
	const char *cur = text;
	struct tok_cmd c;
	struct nslab_error e = {0};
	int n = 0;
	char seen[8][32] = {{0}};

	while (tokenize_next(&cur, &c, &e) > 0) {
		if (c.argc > 0 && n < 8)
			snprintf(seen[n++], sizeof(seen[0]), "%s:%d", c.argv[0], c.argc);
		tok_cmd_free(&c);
	}
	CHECK(n == 3);
	CHECK_STR(seen[0], "set:2");
	CHECK_STR(seen[1], "hostname:2");
	CHECK_STR(seen[2], "show:1");
}

static void test_errors(void)
{
	char b[64];
	CHECK(words("run 'unterminated", b, sizeof(b)) == -1);
	CHECK(words("run \"unterminated", b, sizeof(b)) == -1);
	CHECK(words("", b, sizeof(b)) == 0);
}

static void test_too_many_words(void)
{
	size_t n = (TOK_MAX_WORDS + 10) * 2;
	char *line = malloc(n + 1), b[64];
	for (size_t i = 0; i < n; i += 2) {
		line[i] = 'x';
		line[i + 1] = ' ';
	}
	line[n] = '\0';
	CHECK(words(line, b, sizeof(b)) == -1);
	free(line);
}

static void test_too_long_line(void)
{
	char *line = malloc(TOK_MAX_LINE + 100), b[64];
	memset(line, 'a', TOK_MAX_LINE + 99);
	line[TOK_MAX_LINE + 99] = '\0';
	CHECK(words(line, b, sizeof(b)) == -1);
	free(line);
}

static void test_quote_roundtrip(void)
{
	const char *cases[] = {"plain", "two words", "it's", "", "$HOME;x", "a\"b"};
	char q[128], back[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[160];
		tokenize_quote(cases[i], q, sizeof(q));
		snprintf(line, sizeof(line), "cmd %s", q);
		words(line, back, sizeof(back));
		char want[160];
		snprintf(want, sizeof(want), "cmd|%s", cases[i]);
		CHECK_STR(back, want);
	}
}

int main(void)
{
	RUN(test_plain_words);
	RUN(test_quotes);
	RUN(test_separators_and_comments);
	RUN(test_errors);
	RUN(test_too_many_words);
	RUN(test_too_long_line);
	RUN(test_quote_roundtrip);
	return CHECK_DONE();
}
