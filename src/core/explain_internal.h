/* explain internals: the tables explain_table.c holds and explain.c searches. */
#ifndef NSLAB_EXPLAIN_INTERNAL_H
#define NSLAB_EXPLAIN_INTERNAL_H

#include <stddef.h>

#include "nslab/explain.h"

struct explain_hint_row {
	const char *call;	/* trace call name; "mount" also serves "mount proc" etc. */
	int err;
	const char *hint;	/* one line, no '\n' */
};

extern const struct explain_entry explain_entries[];
extern const size_t explain_n_entries;

/* In the order explain_hint tries them. */
extern const struct explain_hint_row explain_hints[];
extern const size_t explain_n_hints;

#endif
