/* Memory probe: the figures of /proc/meminfo that the mem view shows. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/probe.h"
#include "nslab/util.h"

static long long *meminfo_slot(struct meminfo *m, const char *key, size_t n)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
	    {"MemTotal", offsetof(struct meminfo, total_kb)},
	    {"MemFree", offsetof(struct meminfo, free_kb)},
	    {"MemAvailable", offsetof(struct meminfo, available_kb)},
	    {"Buffers", offsetof(struct meminfo, buffers_kb)},
	    {"Cached", offsetof(struct meminfo, cached_kb)},
	    {"SwapTotal", offsetof(struct meminfo, swap_total_kb)},
	    {"SwapFree", offsetof(struct meminfo, swap_free_kb)},
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].key) == n && !strncmp(keys[i].key, key, n))
			return (long long *)((char *)m + keys[i].off);
	return NULL;
}

/* "Key:   123 kB": the number, in kB (the kernel prints every size in kB). */
static bool meminfo_line(const char *line, size_t len, struct meminfo *m)
{
	size_t skip = strspn(line, " \t");
	const char *colon = memchr(line, ':', len);
	char *end;

	if (!colon || skip > (size_t)(colon - line))
		return false;
	long long *slot = meminfo_slot(m, line + skip, (size_t)(colon - line) - skip);
	if (!slot)
		return false;
	errno = 0;
	long long v = strtoll(colon + 1, &end, 10);
	if (end == colon + 1 || end > line + len || errno || v < 0)
		return false;
	*slot = v;
	return true;
}

/* Returns 0, or -EINVAL when the text holds none of the keys (not meminfo). */
int probe_parse_meminfo(const char *text, struct meminfo *m)
{
	int found = 0;

	*m = (struct meminfo){-1, -1, -1, -1, -1, -1, -1};
	while (text && *text) {
		size_t len = strcspn(text, "\n");
		found += meminfo_line(text, len, m);
		text += len + (text[len] == '\n');
	}
	return found ? 0 : -EINVAL;
}

int probe_meminfo_read(struct meminfo *m, struct nslab_error *e)
{
	char buf[16384];
	ssize_t n = read_file_at(AT_FDCWD, "/proc/meminfo", buf, sizeof(buf));

	if (n < 0)
		return nslab_error_set(e, (int)-n, "read", "/proc/meminfo: %s", strerror((int)-n));
	if (probe_parse_meminfo(buf, m) < 0)
		return nslab_error_set(e, EINVAL, "", "/proc/meminfo: none of MemTotal, MemFree, ... found");
	return 0;
}
