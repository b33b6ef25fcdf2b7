/* The interactive readline front end. */
#ifndef NSLAB_REPL_H
#define NSLAB_REPL_H

#include "session.h"

/* Read, dispatch, repeat until quit or Ctrl-D. Returns the exit code. */
int repl_run(struct session *s);

/* The pieces, for other interactive loops (the lesson walker): set up
 * readline, history and Ctrl-C once (nested calls are counted); read one
 * line with text already typed at the prompt (NULL: none). NULL on Ctrl-D
 * or a fatal signal. */
void repl_begin(void);
void repl_end(void);
char *repl_read(const char *prompt, const char *text);

#endif
