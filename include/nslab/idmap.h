/* uid_map / gid_map lines: parsing, validating, formatting. Pure functions. */
#ifndef NSLAB_IDMAP_H
#define NSLAB_IDMAP_H

#include "nslab/spec.h"

/* Parse three decimal words into a line; checks ranges and count > 0. */
int idmap_parse_line(const char *inside, const char *outside, const char *count,
		     struct idmap_line *out, struct nslab_error *e);
/* Add a line, refusing overlaps inside or outside and the kernel's line limit. */
int idmap_add(struct idmap *m, const struct idmap_line *l, struct nslab_error *e);
/* Parse the text of /proc/PID/uid_map (or what we write) into m. */
int idmap_parse_text(const char *text, struct idmap *m, struct nslab_error *e);
/* Format as the kernel expects it: "inside outside count\n" a line. Returns length or -1 if cut. */
int idmap_format(const struct idmap *m, char *buf, size_t size);
/* Map an id from inside to outside; returns -1 if unmapped. */
long long idmap_to_outside(const struct idmap *m, uint32_t inside);

#endif
