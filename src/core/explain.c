/* explain: lookup, printing and (call, errno) hint matching over the tables in explain_table.c. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "nslab/explain.h"
#include "explain_internal.h"

/* Trim and fold runs of blanks to one space, so "  write   uid_map " matches.
 * Returns false when the query does not fit. */
static bool normalise(const char *in, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;

	while (isspace((unsigned char)*in))
		in++;
	for (; *in; in++) {
		if (isspace((unsigned char)*in)) {
			space = true;
			continue;
		}
		if (space && n + 1 < size)
			out[n++] = ' ';
		space = false;
		if (n + 1 >= size)
			return false;
		out[n++] = *in;
	}
	out[n] = '\0';
	return n > 0;
}

static bool entry_matches(const struct explain_entry *e, const char *q)
{
	size_t qlen = strlen(q);

	if (!strcasecmp(e->word, q))
		return true;
	for (const char *a = e->aliases; a && *a;) {
		size_t len = strcspn(a, "|");
		if (len == qlen && !strncasecmp(a, q, len))
			return true;
		a += len;
		if (*a == '|')
			a++;
	}
	return false;
}

static const struct explain_entry *find(const char *q)
{
	for (size_t i = 0; i < explain_n_entries; i++)
		if (entry_matches(&explain_entries[i], q))
			return &explain_entries[i];
	return NULL;
}

const struct explain_entry *explain_lookup(const char *word)
{
	char q[128];
	const struct explain_entry *e;

	if (!word || !normalise(word, q, sizeof(q)))
		return NULL;
	e = find(q);
	if (e)
		return e;
	/* Man-page style "pivot_root(2)": try again without the section. */
	size_t len = strlen(q);
	char *open = strrchr(q, '(');
	if (open && open > q && q[len - 1] == ')' && isdigit((unsigned char)open[1])) {
		*open = '\0';
		return find(q);
	}
	return NULL;
}

size_t explain_count(void)
{
	return explain_n_entries;
}

const struct explain_entry *explain_at(size_t i)
{
	return i < explain_n_entries ? &explain_entries[i] : NULL;
}

void explain_print(const struct explain_entry *e, FILE *out)
{
	if (!e)
		return;
	fprintf(out, "%s (%s)\n", e->word, e->kind);
	for (const char *p = e->text; *p;) {
		size_t len = strcspn(p, "\n");
		fprintf(out, "  %.*s\n", (int)len, p);
		p += len;
		if (*p == '\n')
			p++;
	}
	fprintf(out, "  see: %s\n", e->man);
}

const char *explain_hint(const char *call, int err)
{
	size_t first;

	if (!call || err <= 0)
		return NULL;
	for (size_t i = 0; i < explain_n_hints; i++)
		if (explain_hints[i].err == err && !strcasecmp(explain_hints[i].call, call))
			return explain_hints[i].hint;
	/* "mount proc" falls back to "mount". */
	first = strcspn(call, " ");
	if (!call[first])
		return NULL;
	for (size_t i = 0; i < explain_n_hints; i++)
		if (explain_hints[i].err == err && strlen(explain_hints[i].call) == first &&
		    !strncasecmp(explain_hints[i].call, call, first))
			return explain_hints[i].hint;
	return NULL;
}
