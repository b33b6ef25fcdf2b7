/* The spec as the command line of a production tool: util-linux unshare(1)
 * or bubblewrap, with a `#` comment above it for each setting the tool
 * cannot express. The printed text is a shell script that runs. */
#ifndef NSLAB_EXPORT_H
#define NSLAB_EXPORT_H

#include <stdio.h>
#include <sys/types.h>
#include "nslab/error.h"
#include "nslab/spec.h"

/* argv: the command (NULL: /bin/sh). euid/egid: who will run the line, as
 * for plan_build. Validates the spec first; writes nothing on error. */
int export_unshare(const struct spec *s, char *const argv[], uid_t euid, gid_t egid, FILE *out, struct nslab_error *e);
int export_bwrap(const struct spec *s, char *const argv[], uid_t euid, gid_t egid, FILE *out, struct nslab_error *e);

/* Quote a word for a POSIX shell: as is when safe, else in single quotes. */
void export_shell_quote(const char *word, char *buf, size_t size);

#endif
