/* Fuzz target: the one mountinfo parser (probe_mounts_parse). */
#include "fuzz.h"
#include "nslab/probe.h"

static void check_string(const char *s, size_t size)
{
	FUZZ_ASSERT(memchr(s, '\0', size) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct mount_list l = {0};
	size_t lines = 1;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	FUZZ_ASSERT(probe_mounts_parse(text, &l) == 0);
	FUZZ_ASSERT(l.n <= lines && l.n <= l.cap);
	for (size_t i = 0; i < l.n; i++) {
		const struct mount_info *m = &l.v[i];
		check_string(m->root, sizeof(m->root));
		check_string(m->target, sizeof(m->target));
		check_string(m->fstype, sizeof(m->fstype));
		check_string(m->source, sizeof(m->source));
		check_string(m->options, sizeof(m->options));
		check_string(m->super, sizeof(m->super));
		FUZZ_ASSERT(m->id >= 0 && m->parent >= 0);
		FUZZ_ASSERT(m->root[0] && m->target[0] && m->fstype[0]);
		FUZZ_ASSERT(strcmp(mount_propagation_name(m->propagation), "unknown") != 0);
		FUZZ_ASSERT(mount_info_same(m, m));
	}
	/* Appending a second parse keeps the first entries. */
	size_t n = l.n;
	FUZZ_ASSERT(probe_mounts_parse(text, &l) == 0 && l.n == 2 * n);
	mount_list_free(&l);
	FUZZ_ASSERT(probe_mounts_parse(NULL, &l) < 0);
	free(text);
	return 0;
}
