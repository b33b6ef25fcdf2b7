/* Fuzz target: the lesson parser, then every command's expected output
 * matched against actual text and every check evaluated over a small
 * compare --json tree.
 *
 * Input: LESSON [NUL ACTUAL]. Without a NUL, each command's expected lines
 * are matched against themselves joined (exact lines must then match). */
#include <json-c/json.h>

#include "fuzz.h"
#include "nslab/lesson.h"

static json_object *root;

static const char root_json[] =
    "{\"target\":{\"pid\":42,\"host_pid\":1234},"
    "\"ps\":{\"host\":[{\"pid\":1,\"comm\":\"init\"}],\"container\":[{\"pid\":1,\"comm\":\"sh\"},{\"pid\":2}]},"
    "\"mounts\":{\"error\":\"no mount namespace\"},"
    "\"ids\":{\"container\":{\"hostname\":\"box\",\"uid_map\":[\"0 1000 1\"],\"caps\":null}},"
    "\"mem\":{\"container\":{\"current\":1048576,\"oom_kill\":0,\"max\":\"max\"}},"
    "\"ns\":{\"count\":7,\"list\":[]}}";

static char *join_expected(const struct lesson_cmd *c)
{
	size_t len = 1;

	for (size_t i = 0; i < c->n_expect; i++)
		len += strlen(c->expect[i]) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		abort();
	for (size_t i = 0; i < c->n_expect; i++)
		p += sprintf(p, "%s\n", c->expect[i]);
	*p = '\0';
	return s;
}

static bool plain_lines(const struct lesson_cmd *c)
{
	for (size_t i = 0; i < c->n_expect; i++) {
		const char *x = c->expect[i];
		size_t n = strlen(x);
		if (strstr(x, "...") || (n >= 5 && !strcmp(x + n - 5, " (re)")) ||
		    (n >= 7 && !strcmp(x + n - 7, " (glob)")) || strchr(x, '\r'))
			return false;
	}
	return true;
}

static void match_cmd(const struct lesson_cmd *c, const char *actual)
{
	size_t bad = (size_t)-1;
	char *self = actual ? NULL : join_expected(c);
	bool ok = lesson_match(c->expect, c->n_expect, actual ? actual : self, &bad);

	if (!ok)
		FUZZ_ASSERT(bad <= c->n_expect);
	/* Plain expected lines always match their own text. */
	if (!actual && plain_lines(c))
		FUZZ_ASSERT(ok);
	for (size_t i = 0; i < c->n_expect && i < 8; i++)
		(void)lesson_match_line(c->expect[i], actual ? actual : c->expect[i]);
	free(self);
}

static void eval_checks(const struct lesson_step *st)
{
	char left[256], right[256];

	for (size_t i = 0; i < st->n_checks; i++) {
		struct nslab_error e = {0};
		int r = lesson_check_eval(&st->checks[i], root, 3, left, right, sizeof(left), &e);
		FUZZ_ASSERT(r == -1 || r == 0 || r == 1);
		if (r < 0)
			FUZZ_ASSERT(e.msg[0] != '\0');
		/* Without a container, a path must say so rather than crash. */
		r = lesson_check_eval(&st->checks[i], NULL, 0, left, right, sizeof(left), &e);
		FUZZ_ASSERT(r == -1 || r == 0 || r == 1);
		/* The check's source parses again to the same thing. */
		struct lesson_check again;
		FUZZ_ASSERT(lesson_check_parse(st->checks[i].source, &again, &e) == 0);
		FUZZ_ASSERT(again.op == st->checks[i].op);
		lesson_check_free(&again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	const char *actual = strlen(text) < size ? text + strlen(text) + 1 : NULL;
	struct lesson l;
	struct nslab_error e = {0};

	if (!root)
		root = json_tokener_parse(root_json);
	if (lesson_parse(text, "fuzz.md", &l, &e) < 0) {
		FUZZ_ASSERT(e.msg[0] != '\0');
		FUZZ_ASSERT(l.steps == NULL && l.n_steps == 0);
		free(text);
		return 0;
	}
	FUZZ_ASSERT(l.title && l.n_steps > 0 && l.n_steps <= LESSON_STEPS_MAX);
	for (size_t i = 0; i < l.n_steps; i++) {
		const struct lesson_step *st = &l.steps[i];
		FUZZ_ASSERT(st->title && st->title[0] && st->narration);
		for (size_t j = 0; j < st->n_cmds; j++) {
			FUZZ_ASSERT(st->cmds[j].text[0] != '\0');
			FUZZ_ASSERT(st->cmds[j].status >= 0 && st->cmds[j].status <= 255);
			match_cmd(&st->cmds[j], actual);
		}
		eval_checks(st);
	}
	(void)lesson_count_cmds(&l);
	lesson_free(&l);
	free(text);
	return 0;
}
