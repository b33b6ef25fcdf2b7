/* The interactive readline front end. */
#ifndef NSLAB_REPL_H
#define NSLAB_REPL_H

#include "session.h"

/* Read, dispatch, repeat until quit or Ctrl-D. Returns the exit code. */
int repl_run(struct session *s);

#endif
