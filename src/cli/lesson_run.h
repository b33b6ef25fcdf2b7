/* Running a lesson: one command or one step at a time, in a session of the
 * lesson's own, with output captured and matched. Three modes share it:
 * the interactive walk, --auto and --check. */
#ifndef NSLAB_LESSON_RUN_H
#define NSLAB_LESSON_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "nslab/lesson.h"
#include "capture.h"
#include "session.h"

enum lesson_mode { LESSON_WALK, LESSON_AUTO, LESSON_CHECK };

struct lesson_ctx {
	struct lesson *l;
	struct session s;	/* the lesson's own: the REPL's spec is left alone */
	struct capture *cap;
	int term_fd;		/* a dup of the terminal (or of stdout): echoes go here */
	int old_cwd;		/* the lesson runs in a fresh directory of its own */
	char dir[64];
	FILE *out;		/* the runner's own words */
	enum lesson_mode mode;
	int pace;		/* --auto: percent of the normal pauses */
	bool verbose;		/* --check: show the commands' output too */
	size_t step;		/* current step */
	int failures;
};

struct lesson_result {
	char *output;		/* what the command printed (NULL when not captured) */
	int status;
	bool ok;		/* output and status as expected */
	size_t bad_line;
};

/* The lesson's session, and a fresh working directory ($LESSON_DIR, removed
 * at the end) for the files its commands make; `$` commands also see $NSLAB
 * (this program) and $NSLAB_ROOTFS (the default rootfs). */
int lesson_ctx_init(struct lesson_ctx *x, struct lesson *l, enum lesson_mode mode, struct nslab_error *e);
void lesson_ctx_free(struct lesson_ctx *x);

/* Run one transcript command, captured and compared (echo: show its output
 * live). */
void lesson_run_cmd(struct lesson_ctx *x, const struct lesson_cmd *c, bool echo, struct lesson_result *r);
/* Run a line the person typed: `$ CMD` on the host, else nslab commands;
 * not captured. Returns the status. */
int lesson_run_own(struct lesson_ctx *x, const char *line);
void lesson_result_free(struct lesson_result *r);
/* Report a mismatch: lesson, step, command, expected, actual, hints. */
void lesson_report_cmd(struct lesson_ctx *x, const struct lesson_cmd *c, const struct lesson_result *r, FILE *out);
/* Evaluate the step's checks; failures are reported to out. Returns the
 * number that failed. */
int lesson_run_checks(struct lesson_ctx *x, const struct lesson_step *st, int status, FILE *out);
/* Reset the lesson's session and replay steps [0, upto) quietly: what
 * `back`, `again` and resuming build on. Returns the commands that failed. */
int lesson_replay(struct lesson_ctx *x, size_t upto);
/* Print a step's heading and narration. */
void lesson_show_step(struct lesson_ctx *x, size_t i);
/* The text a command is typed as at the prompt: "CMD" or "$ CMD". */
void lesson_cmd_line(const struct lesson_cmd *c, char *buf, size_t size);

/* The modes. Each returns 0 when the lesson went as written, else -1. */
int lesson_walk(struct lesson_ctx *x, int from_step, struct nslab_error *e);
int lesson_auto(struct lesson_ctx *x, struct nslab_error *e);
int lesson_check(struct lesson_ctx *x, struct nslab_error *e);

#endif
