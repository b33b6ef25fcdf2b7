/* Sizes as people write them: 100M, 1.5GiB, 4096. Pure parsing and formatting. */
#ifndef NSLAB_SIZE_H
#define NSLAB_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include "nslab/error.h"

/* Parse bytes, K/M/G/T/P/E (powers of 1024, as cgroups and docker take them),
 * KiB..EiB (what size_format writes), KB..EB (powers of 1000), b/B for bytes; a decimal
 * fraction is allowed with a suffix ("1.5G"). Refuses negatives, garbage,
 * empty input and overflow of 2^63-1, with a message naming the input.
 * allow_zero: whether 0 is a valid value here. */
int size_parse(const char *text, bool allow_zero, long long *out, struct nslab_error *e);
/* "100 MiB", "1.5 GiB", "512 B": the largest unit that keeps it readable. */
void size_format(long long bytes, char *buf, size_t size);
/* size_format, or "-" for an unknown (negative) figure. */
void size_format_known(long long bytes, char *buf, size_t size);

#endif
