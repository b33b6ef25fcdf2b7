/* struct nslab_error: fill, add context, print with a teaching hint. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nslab/error.h"
#include "nslab/explain.h"

int nslab_error_set(struct nslab_error *e, int err, const char *call, const char *fmt, ...)
{
	va_list ap;

	e->err = err;
	snprintf(e->call, sizeof(e->call), "%s", call ? call : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err > 0 ? -err : -1;
}

int nslab_error_prefix(struct nslab_error *e, const char *fmt, ...)
{
	char ctx[256], old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%s: %s", ctx, old);
	return e->err > 0 ? -e->err : -1;
}

void nslab_error_clear(struct nslab_error *e)
{
	e->err = 0;
	e->call[0] = '\0';
	e->msg[0] = '\0';
}

void nslab_error_print(const struct nslab_error *e, FILE *out)
{
	fprintf(out, "nslab: %s\n", e->msg[0] ? e->msg : "error");
	if (!e->call[0] || !e->err)
		return;
	const char *hint = explain_hint(e->call, e->err);
	if (hint)
		fprintf(out, "  hint: %s\n", hint);
	/* Point at the call's own entry: "mount" alone is the namespace. */
	const struct explain_entry *x = explain_lookup(e->call);
	char word[56];
	snprintf(word, sizeof(word), "%s%s", e->call, x && !strcmp(x->kind, "call") ? "" : "(2)");
	if (!explain_lookup(word))
		snprintf(word, sizeof(word), "%s", e->call);
	fprintf(out, "  more: explain %s; explain %s\n", word, strerrorname_np(e->err) ? strerrorname_np(e->err) : "errno");
}
