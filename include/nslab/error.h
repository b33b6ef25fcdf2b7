/* Errors that carry errno, the failing call and a message up to the top level. */
#ifndef NSLAB_ERROR_H
#define NSLAB_ERROR_H

#include <stdio.h>

struct nslab_error {
	int err;	/* errno value, 0 when the error is not from a call */
	char call[48];	/* the call or operation that failed, "" if none */
	char msg[512];	/* readable message, context prepended on the way up */
};

/* Fill e and return -1 (or -err when err > 0) so callers can `return nslab_error_set(...)`. */
int nslab_error_set(struct nslab_error *e, int err, const char *call, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prepend "context: " to the message. Returns the same negative value. */
int nslab_error_prefix(struct nslab_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nslab_error_clear(struct nslab_error *e);
/* Print "nslab: MSG" and, when the hint table knows (call, errno), a teaching
 * hint on the next line. Only front ends call this. */
void nslab_error_print(const struct nslab_error *e, FILE *out);

#endif
