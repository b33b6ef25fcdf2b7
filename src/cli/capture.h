/* Capturing what commands print (fds 1 and 2, so a container's output and
 * nslab's errors are caught together) while still showing it live. */
#ifndef NSLAB_CAPTURE_H
#define NSLAB_CAPTURE_H

#include <stdbool.h>
#include "nslab/error.h"

struct capture;

/* A pipe and a reader thread for the life of a lesson. echo_fd: where to
 * copy what arrives (a dup of the terminal), or -1 to keep it quiet. Output
 * that arrives between captures (a background container's) is echoed only. */
struct capture *capture_new(int echo_fd, struct nslab_error *e);
/* Point fds 1 and 2 at the pipe and start collecting. */
int capture_start(struct capture *c, struct nslab_error *e);
/* Whether what arrives is also copied to echo_fd (on by default). */
void capture_echo(struct capture *c, bool on);
/* Put fds 1 and 2 back and return everything printed since capture_start
 * (malloc'd, NUL-terminated). */
char *capture_stop(struct capture *c);
/* Stop the reader (even if a background process still holds the pipe). */
void capture_free(struct capture *c);

#endif
