/* Tracing what runs inside a container: a tracer process seizes the
 * container's init with ptrace before it is released, follows every process
 * it starts, and reports system calls (those in the filter's classes) and
 * process events from the init's first execve on. The events go into a
 * memory file nslab reads as it likes, so a busy container never waits on
 * nslab; they join the container's trace. */
#ifndef NSLAB_TRACER_H
#define NSLAB_TRACER_H

#include <stdbool.h>
#include <sys/types.h>
#include "nslab/error.h"
#include "nslab/spec.h"
#include "nslab/trace.h"

/* Events a tracer keeps at most; beyond that they are counted, not kept. */
#define TRACER_EVENTS_MAX 20000

struct tracer {
	pid_t pid;		/* the tracer process, 0 when none */
	int fd;			/* the memory file it writes events to */
	size_t read;		/* events already taken */
	bool detached;
};

void tracer_init(struct tracer *tr);
/* Fork the tracer and seize target, which must be waiting (not yet
 * released by the launcher). Returns once the tracer holds it. The calls
 * reported are spec_traces_call(s)'s; t0: the trace's clock origin. */
int tracer_start(struct tracer *tr, pid_t target, const struct spec *s, unsigned long long t0, struct nslab_error *e);
/* Move the events that arrived into t. Returns how many. */
size_t tracer_poll(struct tracer *tr, struct trace *t);
/* Detach from every process (they run on untraced), end the tracer, and
 * take its last events. Safe to call twice. */
void tracer_stop(struct tracer *tr, struct trace *t);
/* Is a tracer running? */
bool tracer_active(const struct tracer *tr);

#endif
