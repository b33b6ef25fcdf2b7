/* Expected output against actual output: exact lines, `...` lines and
 * within-line wildcards, (re) and (glob) lines. */
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <string.h>

#include "nslab/lesson.h"
#include "nslab/util.h"

#define ACTUAL_LINES_MAX 100000
#define REGEX_DEPTH_MAX  16

static bool has_suffix(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n < m || strcmp(s + n - m, suffix))
		return false;
	*stem = n - m;
	return true;
}

/* Back-references make glibc's regexec exponential (a 1 KiB line can take a
 * minute); lessons never need them. \\ and other escapes are skipped whole. */
static bool has_backref(const char *pattern, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (pattern[i] != '\\')
			continue;
		if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9')
			return true;
		i++;
	}
	return false;
}

/* Where a bracket expression starting at p[i] == '[' ends (the index of its
 * ']'), or len when it never does. "[]...]" and "[^]...]" hold a ']', and
 * [:alpha:], [.x.] and [=x=] hold their own brackets. */
static size_t bracket_end(const char *p, size_t len, size_t i)
{
	size_t j = i + 1;

	if (j < len && p[j] == '^')
		j++;
	if (j < len && p[j] == ']')
		j++;
	for (; j < len; j++) {
		if (p[j] == ']')
			return j;
		if (p[j] == '[' && j + 1 < len && strchr(":.=", p[j + 1])) {
			const char *close = memmem(p + j + 2, len - j - 2, (char[]){p[j + 1], ']'}, 2);
			if (!close)
				return len;
			j = (size_t)(close - p) + 1;
		}
	}
	return len;
}

/* "{m}", "{m,}" or "{m,n}" at p[i]: the copies glibc's regcomp makes of the
 * atom before it and the index of the '}', or false when it is no bound. */
static bool bound_copies(const char *p, size_t len, size_t i, double *copies, size_t *end)
{
	double m = 0, n = -1;
	size_t j = i + 1, d = 0;

	for (; j < len && p[j] >= '0' && p[j] <= '9' && d < 6; j++, d++)
		m = m * 10 + (p[j] - '0');
	if (!d)
		return false;
	if (j < len && p[j] == ',') {
		j++;
		d = 0;
		for (n = 0; j < len && p[j] >= '0' && p[j] <= '9' && d < 6; j++, d++)
			n = n * 10 + (p[j] - '0');
		if (!d)
			n = m + 1; /* {m,}: m copies and a star */
	}
	if (j >= len || p[j] != '}')
		return false;
	*copies = n > m ? n : m > 0 ? m : 1;
	*end = j;
	return true;
}

/* What makes glibc's regcomp take exponential memory or polynomial time of
 * a high degree, or NULL when the ERE has none of it: a repetition right
 * after another ("a**" builds closures in O(n^4), ".*?" is no lazy match
 * here anyway), groups nested deeper than REGEX_DEPTH_MAX, and repetitions
 * that multiply: regcomp copies an atom for '+' and for each count of
 * {m,n}, so "((a{99}){99}){99}" would take gigabytes. */
static const char *regex_too_complex(const char *p, size_t len)
{
	double stack[REGEX_DEPTH_MAX], sum = 0, last = 0;
	int depth = 0;
	bool quantified = false; /* the last token was a repetition */

	for (size_t i = 0; i < len; i++) {
		double copies = 1;
		size_t end;
		bool quantifier = p[i] == '*' || p[i] == '+' || p[i] == '?' ||
		                  (p[i] == '{' && bound_copies(p, len, i, &copies, &end));
		if (quantifier && quantified)
			return "a repetition right after another (like a** or .*?)";
		quantified = quantifier;
		switch (p[i]) {
		case '\\':
			i++;
			sum += 1, last = 1;
			break;
		case '[':
			i = bracket_end(p, len, i);
			sum += 1, last = 1;
			break;
		case '(':
			if (depth == REGEX_DEPTH_MAX)
				return "groups nested too deep";
			stack[depth++] = sum;
			sum = 0, last = 0;
			break;
		case ')':
			if (depth == 0) {
				sum += 1, last = 1;
				break;
			}
			last = sum > 1 ? sum : 1;
			sum = stack[--depth] + last;
			break;
		case '+': sum += last, last *= 2; break;
		case '{':
			if (quantifier) {
				sum += last * (copies - 1), last *= copies;
				i = end;
			} else {
				sum += 1, last = 1;
			}
			break;
		case '*':
		case '?':
		case '|':
		case '^':
		case '$': sum += 1; break;
		default: sum += 1, last = 1;
		}
		if (sum > LESSON_REGEX_COST_MAX)
			return "repetitions that multiply past 20000 copies (like ((a{99}){99}){99})";
	}
	while (depth > 0)
		sum += stack[--depth];
	return sum > LESSON_REGEX_COST_MAX ? "repetitions that multiply past 20000 copies (like ((a{99}){99}){99})"
	                                   : NULL;
}

int lesson_regex_compile(regex_t *re, const char *pattern, size_t len, bool anchored, struct nslab_error *e)
{
	if (memchr(pattern, '\0', len))
		len = strlen(pattern);
	if (has_backref(pattern, len))
		return nslab_error_set(
		    e, EINVAL, "",
		    "\"%.*s\": back-references (\\1 ... \\9) are not allowed (they can take exponential time)",
		    (int)len, pattern);
	const char *why = regex_too_complex(pattern, len);
	if (why)
		return nslab_error_set(e, EINVAL, "", "\"%.*s\": too costly to match: %s", (int)len, pattern, why);
	_cleanup_free_ char *text = anchored ? xasprintf("^(%.*s)$", (int)len, pattern) : strndup(pattern, len);
	if (!text || regcomp(re, text, REG_EXTENDED | REG_NOSUB))
		return nslab_error_set(e, EINVAL, "", "\"%.*s\" is not a regular expression", (int)len, pattern);
	return 0;
}

static bool match_regex(const char *pattern, size_t len, const char *line)
{
	struct nslab_error e;
	regex_t re;

	if (lesson_regex_compile(&re, pattern, len, true, &e) < 0)
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
	size_t n = 0, cap = 0;

	for (const char *s = text; *s && n < ACTUAL_LINES_MAX;) {
		const char *nl = strchrnul(s, '\n');
		size_t len = (size_t)(nl - s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			len--;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
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

/* The expected lines of one match, each (re) line compiled once: a segment
 * search may try the same expected line against every actual line. */
struct expected {
	char *const *v;
	size_t n;
	regex_t *re;
	unsigned char *state; /* per line: 0 not looked at, 1 compiled, 2 no (re) line, 3 a bad one */
};

static bool expected_line_ok(struct expected *x, size_t i, const char *line)
{
	size_t stem;

	if (x->state[i] == 0) {
		struct nslab_error e;
		if (!has_suffix(x->v[i], " (re)", &stem))
			x->state[i] = 2;
		else
			x->state[i] = lesson_regex_compile(&x->re[i], x->v[i], stem, true, &e) == 0 ? 1 : 3;
	}
	if (x->state[i] == 1)
		return regexec(&x->re[i], line, 0, NULL, 0) == 0;
	if (x->state[i] == 3)
		return false;
	return lesson_match_line(x->v[i], line);
}

/* expect[i..i+k) against lines[j..j+k). */
static bool segment_at(struct expected *x, size_t i, size_t k, char **lines, size_t j)
{
	for (size_t d = 0; d < k; d++)
		if (!expected_line_ok(x, i + d, lines[j + d]))
			return false;
	return true;
}

/* `...` lines split the expected lines into segments of fixed length. The
 * first is anchored at the top and the last at the bottom; each one between
 * is placed at its earliest fit, which never costs a later one a place (as
 * for * in a glob). No backtracking, no table: time is at most the product
 * of the two line counts, memory constant. */
static bool match_lines(struct expected *x, char **lines, size_t nl)
{
	size_t i = 0, j = 0, k;

	for (k = 0; i + k < x->n && !is_any(x->v[i + k]); k++)
		;
	if (k > nl || !segment_at(x, i, k, lines, 0))
		return false;
	i += k, j += k;
	if (i == x->n)
		return j == nl;
	for (;;) {
		while (i < x->n && is_any(x->v[i]))
			i++;
		if (i == x->n)
			return true; /* a trailing ... takes the rest */
		for (k = 0; i + k < x->n && !is_any(x->v[i + k]); k++)
			;
		if (i + k == x->n)
			return nl - j >= k && segment_at(x, i, k, lines, nl - k);
		size_t at = j;
		while (at + k <= nl && !segment_at(x, i, k, lines, at))
			at++;
		if (at + k > nl)
			return false;
		i += k, j = at + k;
	}
}

/* For the report: walk greedily and name the first expected line that fails. */
static size_t first_bad(struct expected *x, char **lines, size_t nl)
{
	size_t j = 0, ne = x->n;

	for (size_t i = 0; i < ne; i++) {
		if (is_any(x->v[i])) {
			if (i + 1 == ne)
				return ne;
			while (j < nl && !expected_line_ok(x, i + 1, lines[j]))
				j++;
			continue;
		}
		if (j >= nl || !expected_line_ok(x, i, lines[j]))
			return i;
		j++;
	}
	return ne;
}

bool lesson_match(char *const *expect, size_t n_expect, const char *actual, size_t *bad_line)
{
	size_t nl;
	char **lines = split_lines(actual, &nl);
	struct expected x = {
	    .v = expect,
	    .n = n_expect,
	    .re = xcalloc(n_expect, sizeof(*x.re)),
	    .state = xcalloc(n_expect, 1),
	};
	bool ok = match_lines(&x, lines, nl);

	if (!ok && bad_line)
		*bad_line = first_bad(&x, lines, nl);
	for (size_t i = 0; i < n_expect; i++)
		if (x.state[i] == 1)
			regfree(&x.re[i]);
	free(x.re);
	free(x.state);
	for (size_t i = 0; i < nl; i++)
		free(lines[i]);
	free(lines);
	return ok;
}
