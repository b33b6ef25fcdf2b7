/* The interactive walk: narration, then each command pre-typed at the
 * prompt; the person's own commands in between; next, back, again, slide,
 * steps, hint, quit; progress kept between runs. */
#include <string.h>

#include "nslab/util.h"
#include "commands.h"
#include "lesson_run.h"
#include "repl.h"

static const char walk_keys[] =
	"Enter runs the command typed at the prompt (edit it first if you like); your own commands work\n"
	"too, and `$ CMD` runs one on the host. Move with: next (or Enter on an empty line), back,\n"
	"again, slide, steps, hint, quit.\n";

struct walk {
	struct lesson_ctx *x;
	size_t pending;		/* the step's next command */
	int status;		/* of the step's last command */
	bool entering;		/* show the step before the next prompt */
	bool leave;
};

static void save_progress(struct walk *w, bool done)
{
	struct nslab_error e = {0};
	static bool warned;

	if (lesson_progress_set(w->x->l->name, (int)w->x->step, done, &e) < 0 && !warned) {
		nslab_error_print(&e, stderr);
		warned = true;
	}
}

static void open_slide(struct lesson_ctx *x, int page)
{
	_cleanup_free_ char *cmd = xasprintf("slides %s %d", x->l->deck, page ? page : 1);

	command_run_text(&x->s, cmd, NULL, false);
}

static void go_to(struct walk *w, size_t step)
{
	struct lesson_ctx *x = w->x;

	if (step)
		fprintf(x->out, "(replaying steps 1-%zu quietly, so the spec is what they built)\n", step);
	int failed = lesson_replay(x, step);
	if (failed)
		fprintf(x->out, "(%d replayed command(s) did not go as written: the spec may differ)\n", failed);
	x->step = step;
	w->entering = true;
}

static void enter_step(struct walk *w)
{
	struct lesson_ctx *x = w->x;
	const struct lesson_step *st = &x->l->steps[x->step];

	lesson_show_step(x, x->step);
	save_progress(w, false);
	w->pending = 0;
	w->status = 0;
	w->entering = false;
	if (st->open == OPEN_SLIDE)
		open_slide(x, st->slide);
	else if (st->slide)
		fprintf(x->out, "(this step has slide %d: type slide to see it)\n", st->slide);
}

static void list_steps(struct walk *w)
{
	const struct lesson *l = w->x->l;

	for (size_t i = 0; i < l->n_steps; i++)
		fprintf(w->x->out, "%s %2zu. %s\n", i == w->x->step ? ">" : " ", i + 1, l->steps[i].title);
}

static void step_finished(struct walk *w)
{
	struct lesson_ctx *x = w->x;
	const struct lesson_step *st = &x->l->steps[x->step];

	if (lesson_run_checks(x, st, w->status, stdout) == 0 && st->n_checks)
		fprintf(x->out, "  ✓ %zu check(s) hold\n", st->n_checks);
	if (st->open == OPEN_WATCH && x->s.ct.state == CONTAINER_RUNNING)
		command_run_text(&x->s, "watch", NULL, false);
	if (x->step + 1 < x->l->n_steps)
		fprintf(x->out, "(Enter or next: step %zu, %s)\n", x->step + 2, x->l->steps[x->step + 1].title);
	else
		fprintf(x->out, "(Enter or next: finish the lesson)\n");
}

static bool nav_word(struct walk *w, const char *word)
{
	struct lesson_ctx *x = w->x;
	const struct lesson_step *st = &x->l->steps[x->step];

	if (!strcmp(word, "next")) {
		x->step++;
		w->entering = true;
	} else if (!strcmp(word, "back")) {
		if (x->step == 0)
			fprintf(x->out, "(this is the first step)\n");
		else
			go_to(w, x->step - 1);
	} else if (!strcmp(word, "again")) {
		go_to(w, x->step);
	} else if (!strcmp(word, "slide")) {
		open_slide(x, st->slide);
	} else if (!strcmp(word, "steps")) {
		list_steps(w);
	} else if (!strcmp(word, "hint")) {
		for (size_t i = 0; i < st->n_hints; i++)
			fprintf(x->out, "hint: %s\n", st->hints[i]);
		if (!st->n_hints)
			fprintf(x->out, "(no hints for this step)\n");
	} else if (!strcmp(word, "quit") || !strcmp(word, "exit")) {
		w->leave = true;
	} else if (!strcmp(word, "help")) {
		fputs(walk_keys, x->out);
		return false; /* and the commands, as ever */
	} else {
		return false;
	}
	return true;
}

static void run_pending(struct walk *w)
{
	struct lesson_ctx *x = w->x;
	const struct lesson_cmd *c = &x->l->steps[x->step].cmds[w->pending];
	struct lesson_result r;

	lesson_run_cmd(x, c, true, &r);
	w->status = r.status;
	if (!r.ok) {
		fprintf(x->out, "  ✗ not what the lesson expected:\n");
		lesson_report_cmd(x, c, &r, stdout);
	}
	lesson_result_free(&r);
}

/* Same first word: the pre-typed command, edited. For `$ CMD` the word is CMD's, or every
 * host command of one's own would take the place of a pending `$` line. */
static bool same_command(const char *a, const char *b)
{
	if ((a[0] == '$') != (b[0] == '$'))
		return false;
	if (a[0] == '$') {
		a += 1 + strspn(a + 1, " \t");
		b += 1 + strspn(b + 1, " \t");
	}
	size_t n = strcspn(a, " \t");

	return n == strcspn(b, " \t") && !strncmp(a, b, n);
}

static void one_line(struct walk *w, const char *line, const char *pre)
{
	struct lesson_ctx *x = w->x;
	const struct lesson_step *st = &x->l->steps[x->step];
	_cleanup_free_ char *word = xstrdup(line + strspn(line, " \t"));

	word[strcspn(word, "\n")] = '\0';
	for (size_t n = strlen(word); n && (word[n - 1] == ' ' || word[n - 1] == '\t');)
		word[--n] = '\0';
	if (!word[0]) {
		if (!pre)
			nav_word(w, "next");
		else
			fprintf(x->out, "(Enter runs the command at the prompt; next skips the rest of this step)\n");
		return;
	}
	if (nav_word(w, word))
		return;
	if (pre && !strcmp(word, pre)) {
		run_pending(w);
	} else if (pre && same_command(word, pre)) {
		w->status = lesson_run_own(x, word); /* edited: run in its place, not compared */
	} else {
		lesson_run_own(x, word);
		return;
	}
	if (++w->pending == st->n_cmds)
		step_finished(w);
}

static void finish(struct walk *w)
{
	save_progress(w, true);
	fprintf(w->x->out, "\nThat was the last step of lesson %s. `lesson` lists the others.\n", w->x->l->name);
}

int lesson_walk(struct lesson_ctx *x, int from, struct nslab_error *e)
{
	struct walk w = {.x = x};
	char prompt[320], session[256], pre[LESSON_LINE_MAX + 8];

	(void)e;
	fprintf(x->out, "Lesson %d: %s (%zu steps)\n", x->l->number, x->l->title, x->l->n_steps);
	if (x->l->intro[0] && from == 0)
		fprintf(x->out, "\n%s\n", x->l->intro);
	fprintf(x->out, "\n%s", walk_keys);
	repl_begin();
	go_to(&w, (size_t)from);
	while (!w.leave && !container_pending_signal()) {
		if (x->step >= x->l->n_steps) {
			x->step = x->l->n_steps - 1;
			finish(&w);
			break;
		}
		if (w.entering)
			enter_step(&w);
		const struct lesson_step *st = &x->l->steps[x->step];
		session_poll(&x->s);
		session_prompt(&x->s, session, sizeof(session));
		snprintf(prompt, sizeof(prompt), "%s %zu/%zu %s", x->l->name, x->step + 1, x->l->n_steps, session);
		bool have_pre = w.pending < st->n_cmds;
		if (have_pre)
			lesson_cmd_line(&st->cmds[w.pending], pre, sizeof(pre));
		char *line = repl_read(prompt, have_pre ? pre : NULL);
		if (!line) {
			fputc('\n', x->out);
			save_progress(&w, false);
			break;
		}
		one_line(&w, line, have_pre ? pre : NULL);
		free(line);
	}
	repl_end();
	return 0;
}
