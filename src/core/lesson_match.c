/* Expected output against actual output: exact lines, `...` lines and
 * within-line wildcards, (re) and (glob) lines. */
#include <fnmatch.h>
#include <regex.h>
#include <string.h>

#include "nslab/lesson.h"
#include "nslab/util.h"

#define ACTUAL_LINES_MAX 100000

static bool has_suffix(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n < m || strcmp(s + n - m, suffix))
		return false;
	*stem = n - m;
	return true;
}

static bool match_regex(const char *pattern, size_t len, const char *line)
{
	_cleanup_free_ char *anchored = xasprintf("^(%.*s)$", (int)len, pattern);
	regex_t re;

	if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB))
		return false;
	bool ok = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* `...` within a line stands for any text. */
static bool match_ellipsis(const char *expect, const char *line)
{
	const char *dots = strstr(expect, "...");
	size_t head = (size_t)(dots - expect);

	if (strncmp(expect, line, head))
		return false;
	line += head;
	expect = dots + 3;
	for (;;) {
		dots = strstr(expect, "...");
		if (!dots) {
			size_t n = strlen(line), m = strlen(expect);
			return n >= m && !strcmp(line + n - m, expect);
		}
		_cleanup_free_ char *seg = strndup(expect, (size_t)(dots - expect));
		const char *at = *seg ? strstr(line, seg) : line;
		if (!at)
			return false;
		line = at + strlen(seg);
		expect = dots + 3;
	}
}

bool lesson_match_line(const char *expect, const char *line)
{
	size_t stem;

	if (has_suffix(expect, " (re)", &stem))
		return match_regex(expect, stem, line);
	if (has_suffix(expect, " (glob)", &stem)) {
		_cleanup_free_ char *pat = strndup(expect, stem);
		return fnmatch(pat, line, 0) == 0;
	}
	if (strstr(expect, "..."))
		return match_ellipsis(expect, line);
	return !strcmp(expect, line);
}

/* Split text into lines, trailing spaces and trailing empty lines dropped. */
static char **split_lines(const char *text, size_t *count)
{
	char **v = NULL;
	size_t n = 0;

	for (const char *s = text; *s && n < ACTUAL_LINES_MAX;) {
		const char *nl = strchrnul(s, '\n');
		size_t len = (size_t)(nl - s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			len--;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = strndup(s, len);
		s = *nl ? nl + 1 : nl;
	}
	while (n && !v[n - 1][0])
		free(v[--n]);
	*count = n;
	return v;
}

static bool is_any(const char *expect)
{
	return !strcmp(expect, "...");
}

/* ok[i][j]: expect[i..] matches lines[j..]; filled from the end. */
static bool match_table(char *const *expect, size_t ne, char **lines, size_t nl)
{
	size_t w = nl + 1;
	bool *ok = xcalloc((ne + 1) * w, sizeof(*ok));

	ok[ne * w + nl] = true;
	for (size_t i = ne; i-- > 0;) {
		for (size_t j = nl + 1; j-- > 0;) {
			bool r;
			if (is_any(expect[i]))
				r = ok[(i + 1) * w + j] || (j < nl && ok[i * w + j + 1]);
			else
				r = j < nl && ok[(i + 1) * w + j + 1] && lesson_match_line(expect[i], lines[j]);
			ok[i * w + j] = r;
		}
	}
	bool r = ok[0];
	free(ok);
	return r;
}

/* For the report: walk greedily and name the first expected line that fails. */
static size_t first_bad(char *const *expect, size_t ne, char **lines, size_t nl)
{
	size_t j = 0;

	for (size_t i = 0; i < ne; i++) {
		if (is_any(expect[i])) {
			if (i + 1 == ne)
				return ne;
			while (j < nl && !lesson_match_line(expect[i + 1], lines[j]))
				j++;
			continue;
		}
		if (j >= nl || !lesson_match_line(expect[i], lines[j]))
			return i;
		j++;
	}
	return ne;
}

bool lesson_match(char *const *expect, size_t n_expect, const char *actual, size_t *bad_line)
{
	size_t nl;
	char **lines = split_lines(actual, &nl);
	bool ok = match_table(expect, n_expect, lines, nl);

	if (!ok && bad_line)
		*bad_line = first_bad(expect, n_expect, lines, nl);
	for (size_t i = 0; i < nl; i++)
		free(lines[i]);
	free(lines);
	return ok;
}
