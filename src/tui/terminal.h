/* The terminal under the full-screen views (watch, slides): curses set up
 * and put back exactly, resizes, and colours that fall back to attributes. */
#ifndef NSLAB_TUI_TERMINAL_H
#define NSLAB_TUI_TERMINAL_H

#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include "nslab/error.h"

#define TUI_TERM_SIGNALS 4

struct tui_term {
	SCREEN *sp;
	struct sigaction old[TUI_TERM_SIGNALS];
	char *old_ctype;	/* LC_CTYPE to put back */
};

/* A role's look: colours (-1: the terminal's default) with attr, or mono
 * alone under NO_COLOR and on monochrome terminals. */
struct tui_style {
	short fg, bg;
	int attr;
	int mono;
};

/* Take the terminal. what names the view in errors ("watch"); no_tty says
 * what to do without a terminal. */
int tui_term_open(struct tui_term *s, const char *what, const char *no_tty, struct nslab_error *e);
void tui_term_close(struct tui_term *s);
/* attrs[i] for each of the n styles (colour pairs 1.. are the roles). */
void tui_term_attrs(const struct tui_style *styles, int n, int *attrs);
/* Block the signals that resize or end a view (SIGWINCH, SIGTERM, SIGHUP,
 * SIGINT): they then arrive only inside tui_term_wait, so none is lost
 * between a check and the sleep. unblocked gets the mask to restore. */
void tui_term_block(sigset_t *unblocked);
/* Sleep until a key, a signal or timeout (NULL: none), then take a resize.
 * Returns -1 when the terminal is gone, else 0: read the keys. */
int tui_term_wait(const struct timespec *timeout, const sigset_t *unblocked);
/* After SIGWINCH: the new size into curses, and a KEY_RESIZE to read.
 * Returns whether there was one. */
bool tui_term_resize(void);

#endif
