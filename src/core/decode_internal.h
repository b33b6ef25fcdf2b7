/* Shared by decode.c (how each kind of argument prints) and decode_table.c
 * (which call takes which kinds). */
#ifndef NSLAB_DECODE_INTERNAL_H
#define NSLAB_DECODE_INTERNAL_H

#include <stddef.h>

#include "nslab/decode.h"

/* Output that never overflows: appends are cut at size - 1. */
struct decode_out {
	char *buf;
	size_t size;
	size_t len;
};

struct decode_mem {
	decode_read_fn rd; /* NULL: nothing is readable */
	void *ctx;
};

struct decode_call {
	struct decode_out *o;
	const struct decode_mem *m;
	const unsigned long long *args;
};

/* Starts an empty string in buf; size must be at least 1. */
struct decode_out decode_out_start(char *buf, unsigned long size);
__attribute__((format(printf, 2, 3))) void decode_put(struct decode_out *o, const char *fmt, ...);
/* Argument i as its kind letter says (the table in decode.c); an unknown letter prints hex. */
void decode_put_arg(const struct decode_call *c, int i, char kind);
/* clone(2) flags with the exit signal in the low byte. */
void decode_put_clone_flags(struct decode_out *o, unsigned long long flags);

#endif
