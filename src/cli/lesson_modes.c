/* The unattended modes: --check (CI: stop at the first mismatch and say
 * where) and --auto (a projector: typed out at a readable pace). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "nslab/util.h"
#include "lesson_run.h"

static void pause_ms(const struct lesson_ctx *x, long ms)
{
	ms = ms * x->pace / 100;
	if (ms <= 0)
		return;
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && !container_pending_signal())
		;
}

int lesson_check(struct lesson_ctx *x, struct nslab_error *e)
{
	const struct lesson *l = x->l;

	for (x->step = 0; x->step < l->n_steps; x->step++) {
		const struct lesson_step *st = &l->steps[x->step];
		int status = 0;
		for (size_t k = 0; k < st->n_cmds; k++) {
			struct lesson_result r;
			lesson_run_cmd(x, &st->cmds[k], x->verbose, &r);
			status = r.status;
			if (!r.ok)
				lesson_report_cmd(x, &st->cmds[k], &r, stderr);
			lesson_result_free(&r);
			if (container_pending_signal())
				return nslab_error_set(e, EINTR, "", "lesson %s: interrupted", l->name);
			if (!r.ok)
				return nslab_error_set(e, 0, "", "lesson %s: step %zu/%zu failed", l->name, x->step + 1, l->n_steps);
		}
		if (lesson_run_checks(x, st, status, stderr))
			return nslab_error_set(e, 0, "", "lesson %s: a check of step %zu/%zu failed", l->name, x->step + 1,
					       l->n_steps);
		fprintf(x->out, "ok %zu/%zu %s\n", x->step + 1, l->n_steps, st->title);
	}
	fprintf(x->out, "lesson %s: all %zu steps as written\n", l->name, l->n_steps);
	return 0;
}

/* Type a command out a character at a time, as a person would. */
static void type_out(struct lesson_ctx *x, const struct lesson_cmd *c)
{
	char line[LESSON_LINE_MAX + 8];

	lesson_cmd_line(c, line, sizeof(line));
	fprintf(x->out, "%s", c->kind == LESSON_SHELL ? "" : "nslab> ");
	for (const char *p = line; *p; p++) {
		fputc(*p, x->out);
		fflush(x->out);
		pause_ms(x, 35);
	}
	fputc('\n', x->out);
	fflush(x->out);
}

static void auto_step(struct lesson_ctx *x, const struct lesson_step *st)
{
	int status = 0;

	lesson_show_step(x, x->step);
	if (st->slide)
		fprintf(x->out, "(slide %d of `slides %s`)\n", st->slide, x->l->deck);
	pause_ms(x, 1000 + 20 * (long)strlen(st->narration));
	for (size_t k = 0; k < st->n_cmds && !container_pending_signal(); k++) {
		struct lesson_result r;
		type_out(x, &st->cmds[k]);
		pause_ms(x, 400);
		lesson_run_cmd(x, &st->cmds[k], true, &r);
		status = r.status;
		if (!r.ok) {
			x->failures++;
			lesson_report_cmd(x, &st->cmds[k], &r, stderr);
		}
		lesson_result_free(&r);
		pause_ms(x, 1500);
	}
	x->failures += lesson_run_checks(x, st, status, stderr);
	pause_ms(x, 2000);
}

int lesson_auto(struct lesson_ctx *x, struct nslab_error *e)
{
	const struct lesson *l = x->l;

	fprintf(x->out, "Lesson %d: %s\n", l->number, l->title);
	if (l->intro[0])
		fprintf(x->out, "\n%s\n", l->intro);
	pause_ms(x, 1000 + 20 * (long)strlen(l->intro));
	for (x->step = 0; x->step < l->n_steps && !container_pending_signal(); x->step++)
		auto_step(x, &l->steps[x->step]);
	if (container_pending_signal())
		return nslab_error_set(e, EINTR, "", "lesson %s: interrupted", l->name);
	fprintf(x->out, "\nEnd of lesson %s.\n", l->name);
	if (x->failures)
		return nslab_error_set(e, 0, "", "lesson %s: %d command(s) or check(s) did not go as written", l->name,
				       x->failures);
	return 0;
}
