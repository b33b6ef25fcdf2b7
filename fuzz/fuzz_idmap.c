/* Fuzz target: id-map text (/proc/PID/uid_map, what uidmap writes), line by
 * line parsing and overlap checks, with a format/parse round trip. */
#include "fuzz.h"
#include "nslab/idmap.h"

static struct idmap m, back, words_map;

/* The words of the text three at a time, through idmap_parse_line and idmap_add. */
static void add_word_triples(const char *text)
{
	char w[3][32];
	int n = 0, used;
	struct nslab_error e = {0};

	words_map.n = 0;
	while (sscanf(text, "%31s%n", w[n], &used) == 1) {
		text += used;
		if (++n < 3)
			continue;
		n = 0;
		struct idmap_line l;
		if (idmap_parse_line(w[0], w[1], w[2], &l, &e) < 0)
			continue;
		FUZZ_ASSERT(l.count > 0);
		FUZZ_ASSERT((uint64_t)l.inside + l.count - 1 <= UINT32_MAX - 1);
		FUZZ_ASSERT((uint64_t)l.outside + l.count - 1 <= UINT32_MAX - 1);
		size_t before = words_map.n;
		if (idmap_add(&words_map, &l, &e) == 0)
			FUZZ_ASSERT(words_map.n == before + 1);
		else
			FUZZ_ASSERT(words_map.n == before && e.msg[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct nslab_error e = {0};
	static char buf[IDMAP_MAX_LINES * 40];

	if (idmap_parse_text(text, &m, &e) == 0) {
		FUZZ_ASSERT(m.n <= IDMAP_MAX_LINES);
		int len = idmap_format(&m, buf, sizeof(buf));
		FUZZ_ASSERT(len >= 0);
		FUZZ_ASSERT(idmap_parse_text(buf, &back, &e) == 0);
		FUZZ_ASSERT(back.n == m.n);
		FUZZ_ASSERT(memcmp(back.lines, m.lines, m.n * sizeof(m.lines[0])) == 0);
		for (size_t i = 0; i < m.n; i++)
			FUZZ_ASSERT(idmap_to_outside(&m, m.lines[i].inside) == m.lines[i].outside);
	} else {
		FUZZ_ASSERT(e.msg[0] != '\0');
	}
	add_word_triples(text);
	free(text);
	return 0;
}
