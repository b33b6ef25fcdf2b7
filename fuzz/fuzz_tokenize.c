/* Fuzz target: the command tokenizer over arbitrary text, as the REPL, -c and
 * scripts feed it, with a quote round trip as the oracle. */
#include "fuzz.h"
#include "nslab/tokenize.h"

/* Every word quoted by tokenize_quote reads back as the same single word. */
static void check_round_trip(const char *word)
{
	size_t size = 4 * strlen(word) + 3;
	char *q = malloc(size);
	struct tok_cmd back;
	struct nslab_error e = {0};

	if (!q)
		abort();
	tokenize_quote(word, q, size);
	const char *cur = q;
	int r = tokenize_next(&cur, &back, &e);
	if (strlen(q) <= TOK_MAX_LINE) {
		FUZZ_ASSERT(r == 1);
		FUZZ_ASSERT(back.argc == 1);
		FUZZ_ASSERT(strcmp(back.argv[0], word) == 0);
		FUZZ_ASSERT(*cur == '\0');
		tok_cmd_free(&back);
	} else if (r > 0) {
		tok_cmd_free(&back);
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	const char *cur = text;
	struct tok_cmd cmd;

	for (;;) {
		struct nslab_error e = {0};
		const char *start = cur;
		int r = tokenize_next(&cur, &cmd, &e);
		if (r == 0) {
			FUZZ_ASSERT(*start == '\0');
			break;
		}
		if (r < 0) {
			FUZZ_ASSERT(e.msg[0] != '\0');
			FUZZ_ASSERT(cur == start);
			break;
		}
		/* A command was read: the cursor moved on, so callers never loop. */
		FUZZ_ASSERT(cur > start && cur <= text + strlen(text));
		FUZZ_ASSERT(cmd.argc >= 0 && cmd.argc <= TOK_MAX_WORDS);
		FUZZ_ASSERT(cmd.argv[cmd.argc] == NULL);
		for (int i = 0; i < cmd.argc; i++)
			check_round_trip(cmd.argv[i]);
		tok_cmd_free(&cmd);
	}
	free(text);
	return 0;
}
