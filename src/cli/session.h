/* The state one nslab front end works on: the spec being built and the
 * current container. Shared by the REPL, scripts and one-shot commands. */
#ifndef NSLAB_SESSION_H
#define NSLAB_SESSION_H

#include <stdbool.h>
#include <stdio.h>
#include "nslab/container.h"
#include "nslab/spec.h"

/* session_init sets each field by name: a new field needs its line there. */
struct session {
	struct spec spec;
	struct container ct;	/* the last container launched (running or ended) */
	FILE *out;
	bool interactive;	/* a person at a terminal: readline, job control */
	bool quit;
	int last_status;	/* exit code of the last run/exec, shell style */
};

void session_init(struct session *s, FILE *out);
/* Stop a running container and free everything. */
void session_free(struct session *s);
/* Reap the container if it ended; report it once. */
void session_poll(struct session *s);
/* The prompt: "nslab [pid uts] # ". */
void session_prompt(const struct session *s, char *buf, size_t size);

#endif
