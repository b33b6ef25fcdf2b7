/* The full-screen views: the live panels (`watch`), host next to container,
 * and the slide decks (`slides`).
 * The only place that includes curses. */
#ifndef NSLAB_TUI_H
#define NSLAB_TUI_H

#include <stdbool.h>
#include <sys/types.h>
#include "nslab/container.h"
#include "nslab/error.h"

struct tui_opts {
	pid_t pid;			/* the target: a container's init or any process */
	const struct container *ct;	/* nslab's own container when pid is its init, else NULL
					 * (gives the id, flags and cgroup figures) */
	struct container *traced;	/* whose trace the Trace panel shows (nslab's container, running,
					 * ended, or with a trace loaded), or NULL */
	bool traced_live;		/* it runs: its tracer is polled for new events each refresh */
	bool self_target;		/* pid is nslab itself: no container, only a trace to show */
	int delay_tenths;		/* refresh period, tenths of a second (like top -d / htop -d) */
};

/* Run until the person presses q (or the terminal goes away). Restores the
 * terminal exactly. Fails without a terminal. */
int tui_watch(const struct tui_opts *o, struct nslab_error *e);

struct slide_deck;
/* A slide deck full screen (slides.c), from first_page (counting from 1,
 * clamped to the deck) until q or Esc. Restores the terminal exactly. Fails
 * without a terminal. */
int tui_slides(const struct slide_deck *d, int first_page, struct nslab_error *e);

#endif
