/* uid_map / gid_map lines: parse, check against the kernel's rules, format. */
#include <errno.h>
#include <string.h>

#include "nslab/idmap.h"
#include "nslab/util.h"

int idmap_parse_line(const char *inside, const char *outside, const char *count,
		     struct idmap_line *out, struct nslab_error *e)
{
	unsigned long in, outv, cnt;

	if (parse_ulong(inside, UINT32_MAX - 1, &in) < 0)
		return nslab_error_set(e, EINVAL, "", "id map: INSIDE must be a number from 0 to 4294967294, not '%s'", inside);
	if (parse_ulong(outside, UINT32_MAX - 1, &outv) < 0)
		return nslab_error_set(e, EINVAL, "", "id map: OUTSIDE must be a number from 0 to 4294967294, not '%s'", outside);
	if (parse_ulong(count, UINT32_MAX, &cnt) < 0 || cnt == 0)
		return nslab_error_set(e, EINVAL, "", "id map: COUNT must be a number of at least 1, not '%s'", count);
	/* The kernel refuses ranges that run past the 32-bit id space (-1 is not an id). */
	if (in + cnt - 1 > UINT32_MAX - 1 || outv + cnt - 1 > UINT32_MAX - 1)
		return nslab_error_set(e, ERANGE, "", "id map: %lu+%lu or %lu+%lu runs past the largest id 4294967294",
				       in, cnt, outv, cnt);
	out->inside = (uint32_t)in;
	out->outside = (uint32_t)outv;
	out->count = (uint32_t)cnt;
	return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	uint64_t a_end = (uint64_t)a + an, b_end = (uint64_t)b + bn;

	return a < b_end && b < a_end;
}

int idmap_add(struct idmap *m, const struct idmap_line *l, struct nslab_error *e)
{
	if (m->n >= IDMAP_MAX_LINES)
		return nslab_error_set(e, EINVAL, "", "id map: the kernel takes at most %d lines", IDMAP_MAX_LINES);
	for (size_t i = 0; i < m->n; i++) {
		const struct idmap_line *o = &m->lines[i];
		if (ranges_overlap(o->inside, o->count, l->inside, l->count))
			return nslab_error_set(e, EINVAL, "",
					       "id map: inside range %u-%u overlaps line %zu (%u %u %u)", l->inside,
					       (unsigned)((uint64_t)l->inside + l->count - 1), i + 1, o->inside,
					       o->outside, o->count);
		if (ranges_overlap(o->outside, o->count, l->outside, l->count))
			return nslab_error_set(e, EINVAL, "",
					       "id map: outside range %u-%u overlaps line %zu (%u %u %u)", l->outside,
					       (unsigned)((uint64_t)l->outside + l->count - 1), i + 1, o->inside,
					       o->outside, o->count);
	}
	m->lines[m->n++] = *l;
	return 0;
}

/* The blank-separated words of one line (up to end), at most max of them;
 * returns how many there were, or -1 when one is too long to be a number. */
static int line_words(const char *p, const char *end, char words[][24], int max)
{
	int n = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			return n;
		size_t len = 0;
		while (p + len < end && p[len] != ' ' && p[len] != '\t')
			len++;
		if (n < max) {
			if (len >= sizeof(words[0]))
				return -1;
			memcpy(words[n], p, len);
			words[n][len] = '\0';
		}
		n++;
		p += len;
	}
}

/* One map line a line of text: three words, never split across lines. */
int idmap_parse_text(const char *text, struct idmap *m, struct nslab_error *e)
{
	m->n = 0;
	for (int line = 1; *text; line++) {
		const char *end = strchrnul(text, '\n');
		char w[3][24];
		struct idmap_line l;
		int n = line_words(text, end, w, 3);

		if (n < 0)
			return nslab_error_set(e, EINVAL, "", "id map line %d: a word too long to be an id", line);
		if (n != 0 && n != 3)
			return nslab_error_set(e, EINVAL, "",
			                       "id map line %d: wants INSIDE OUTSIDE COUNT, not %d word%s", line, n,
			                       n == 1 ? "" : "s");
		if (n == 3 && (idmap_parse_line(w[0], w[1], w[2], &l, e) < 0 || idmap_add(m, &l, e) < 0))
			return nslab_error_prefix(e, "line %d", line);
		text = *end ? end + 1 : end;
	}
	return 0;
}

int idmap_format(const struct idmap *m, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++)
		if (str_appendf(buf, size, &len, "%u %u %u\n", m->lines[i].inside, m->lines[i].outside,
				m->lines[i].count) < 0)
			return -1;
	return (int)len;
}

long long idmap_to_outside(const struct idmap *m, uint32_t inside)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct idmap_line *l = &m->lines[i];
		if (inside >= l->inside && (uint64_t)inside < (uint64_t)l->inside + l->count)
			return (long long)l->outside + (inside - l->inside);
	}
	return -1;
}
