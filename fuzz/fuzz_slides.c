/* Fuzz target: the slide deck parser, then every page through the plain
 * printer at a few widths, the inline markup and the word wrap. The parser
 * promises valid UTF-8 without control characters in every line. */
#include "fuzz.h"
#include "nslab/slides.h"

static FILE *sink;

/* Valid UTF-8 (no overlongs, surrogates or values past U+10FFFF), no C0 or DEL. */
static bool clean_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned char c = *s;
		size_t n = c < 0x80                 ? 1
		           : c >= 0xc2 && c <= 0xdf ? 2
		           : c >= 0xe0 && c <= 0xef ? 3
		           : c >= 0xf0 && c <= 0xf4 ? 4
		                                    : 0;
		if (!n || c < 0x20 || c == 0x7f)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
		    (c == 0xf4 && s[1] > 0x8f))
			return false;
		s += n;
	}
	return true;
}

static void check_line(const struct slide_line *l)
{
	size_t len = strlen(l->text);
	char *vis = malloc(len + 1);
	unsigned char *style = malloc(len + 1);
	struct slide_cut cuts[64];

	if (!vis || !style)
		abort();
	FUZZ_ASSERT(clean_utf8((const unsigned char *)l->text));
	FUZZ_ASSERT(l->depth >= 0 && l->depth <= SLIDES_DEPTH_MAX);
	size_t n = slides_inline(l->text, vis, style);
	FUZZ_ASSERT(n <= len && vis[n] == '\0');
	static const size_t widths[] = {0, 1, 2, 9, 40};
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		size_t need = slides_wrap(vis, n, widths[w], cuts, 64);
		FUZZ_ASSERT(need >= 1);
		for (size_t i = 0; i < need && i < 64; i++) {
			FUZZ_ASSERT(cuts[i].off + cuts[i].len <= n);
			if (widths[w])
				FUZZ_ASSERT(slides_columns(vis + cuts[i].off, cuts[i].len) <= widths[w]);
		}
	}
	free(vis);
	free(style);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slide_deck d;
	struct nslab_error e = {0};

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (slides_parse((const char *)data, size, "decks/00-fuzz.md", &d, &e) < 0) {
		FUZZ_ASSERT(e.msg[0] != '\0');
		FUZZ_ASSERT(d.n_pages == 0 && d.pages == NULL);
		return 0;
	}
	FUZZ_ASSERT(d.n_pages > 0);
	FUZZ_ASSERT(clean_utf8((const unsigned char *)d.title));
	for (size_t p = 0; p < d.n_pages; p++) {
		const struct slide_page *pg = &d.pages[p];
		FUZZ_ASSERT(pg->n > 0);
		FUZZ_ASSERT(pg->lines[0].kind != SLIDE_BLANK && pg->lines[pg->n - 1].kind != SLIDE_BLANK);
		for (size_t i = 0; i < pg->n; i++)
			check_line(&pg->lines[i]);
		slides_print_page(&d, p + 1, 0, sink);
		slides_print_page(&d, p + 1, 12, sink);
		slides_print_page(&d, p + 1, 80, sink);
	}
	slides_print_page(&d, 0, 80, sink);
	slides_print_page(&d, d.n_pages + 1, 80, sink);
	slides_free(&d);
	return 0;
}
