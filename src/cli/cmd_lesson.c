/* `lesson`: list the lessons, walk one, play it (--auto) or check it
 * (--check, every lesson when no name is given). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "nslab/paths.h"
#include "nslab/util.h"
#include "commands.h"
#include "lesson_run.h"

#define LESSON_SKIP 77

struct lesson_args {
	const char *name;
	enum lesson_mode mode;
	int from;		/* 1-based step; 0: where the person left off */
	int pace;
	bool verbose;
};

static int parse_args(int argc, char **argv, struct lesson_args *a, struct nslab_error *e)
{
	unsigned long n;

	*a = (struct lesson_args){.mode = LESSON_WALK, .pace = 100};
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--auto")) {
			a->mode = LESSON_AUTO;
		} else if (!strcmp(arg, "--check")) {
			a->mode = LESSON_CHECK;
		} else if (!strcmp(arg, "--verbose") || !strcmp(arg, "-v")) {
			a->verbose = true;
		} else if ((!strcmp(arg, "--from") || !strcmp(arg, "--pace")) && i + 1 < argc) {
			if (parse_ulong(argv[++i], !strcmp(arg, "--from") ? LESSON_STEPS_MAX : 1000, &n) < 0)
				return nslab_error_set(e, EINVAL, "", "%s wants a number, not '%s'", arg, argv[i]);
			*(!strcmp(arg, "--from") ? &a->from : &a->pace) = (int)n;
		} else if (arg[0] == '-' || a->name) {
			return nslab_error_set(e, EINVAL, "", "usage: lesson [NAME] [--auto|--check] [--from STEP] [--pace PCT]");
		} else {
			a->name = arg;
		}
	}
	return 0;
}

static int lessons_dir(char *dir, size_t size, struct nslab_error *e)
{
	if (paths_data_dir("lessons", dir, size) < 0)
		return nslab_error_set(e, ENOENT, "", "no lessons directory (set NSLAB_LESSONS, or install nslab)");
	return 0;
}

static void list_one(const char *dir, const struct lesson_entry *en, FILE *out)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, en->file);
	struct lesson l;
	struct nslab_error e = {0};
	int step;
	bool done;
	char where[32] = "";

	if (lesson_load(path, &l, &e) < 0) {
		fprintf(out, "%3d  %-10s (cannot be read: %s)\n", en->number, en->name, e.msg);
		return;
	}
	if (lesson_progress_get(l.name, &step, &done) == 0)
		snprintf(where, sizeof(where), done ? "done" : "at step %d", step + 1);
	fprintf(out, "%3d  %-10s %-46s %5zu %5zu  %s\n", l.number, l.name, l.title, l.n_steps, lesson_count_cmds(&l),
		where);
	lesson_free(&l);
}

static int list_lessons(struct session *s, struct nslab_error *e)
{
	char dir[4096];
	struct lesson_entry *v;

	if (lessons_dir(dir, sizeof(dir), e) < 0)
		return -1;
	int n = lesson_list(dir, &v, e);
	if (n < 0)
		return -1;
	fprintf(s->out, "%3s  %-10s %-46s %5s %5s  %s\n", "#", "name", "title", "steps", "cmds", "progress");
	for (int i = 0; i < n; i++)
		list_one(dir, &v[i], s->out);
	fprintf(s->out, "`lesson NAME` walks one; --auto plays it, --check checks it.\n");
	free(v);
	return 0;
}

static int run_mode(struct lesson_ctx *x, const struct lesson_args *a, struct nslab_error *e)
{
	int from = a->from ? a->from - 1 : 0;

	if (a->mode == LESSON_CHECK)
		return lesson_check(x, e);
	if (a->mode == LESSON_AUTO)
		return lesson_auto(x, e);
	if (!a->from) {
		bool done;
		if (lesson_progress_get(x->l->name, &from, &done) < 0 || done || from >= (int)x->l->n_steps)
			from = 0;
		else if (from > 0)
			fprintf(x->out, "(you stopped at step %d last time; lesson %s --from 1 starts over)\n", from + 1,
				x->l->name);
	}
	if (from >= (int)x->l->n_steps)
		return nslab_error_set(e, EINVAL, "", "lesson %s has %zu steps", x->l->name, x->l->n_steps);
	return lesson_walk(x, from, e);
}

/* Load and run one lesson; 1 when it was skipped. */
static int run_one(struct session *s, const char *path, const struct lesson_args *a, struct nslab_error *e)
{
	static bool running;
	struct lesson l;
	struct lesson_ctx x;

	if (running)
		return nslab_error_set(e, EBUSY, "", "a lesson is already running (quit it first)");
	if (lesson_load(path, &l, e) < 0)
		return -1;
	if (a->mode == LESSON_CHECK && l.needs_root && geteuid() != 0) {
		fprintf(s->out, "SKIP lesson %s: it needs root (namespaces, mounts and cgroups as root)\n", l.name);
		lesson_free(&l);
		return 1;
	}
	if (lesson_ctx_init(&x, &l, a->mode, e) < 0) {
		lesson_free(&l);
		return -1;
	}
	x.pace = a->pace;
	x.verbose = a->verbose;
	running = true;
	int r = run_mode(&x, a, e);
	running = false;
	lesson_ctx_free(&x);
	lesson_free(&l);
	return r < 0 ? -1 : 0;
}

static int check_all(struct session *s, const struct lesson_args *a, struct nslab_error *e)
{
	char dir[4096];
	struct lesson_entry *v;
	int failed = 0, skipped = 0;

	if (lessons_dir(dir, sizeof(dir), e) < 0)
		return -1;
	int n = lesson_list(dir, &v, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n && !container_pending_signal(); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, v[i].file);
		struct nslab_error le = {0};
		int r = run_one(s, path, a, &le);
		if (r < 0)
			nslab_error_print(&le, stderr);
		failed += r < 0;
		skipped += r > 0;
	}
	free(v);
	fprintf(s->out, "%d lessons: %d as written, %d failed, %d skipped\n", n, n - failed - skipped, failed, skipped);
	if (failed)
		return nslab_error_set(e, 0, "", "%d lesson(s) did not go as written", failed);
	return 0;
}

int cmd_lesson(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct lesson_args a;
	char dir[4096], path[4096];

	if (parse_args(argc, argv, &a, e) < 0)
		return -1;
	if (!a.name && a.mode == LESSON_CHECK)
		return check_all(s, &a, e);
	if (!a.name)
		return list_lessons(s, e);
	if (a.mode == LESSON_WALK && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))
		return nslab_error_set(e, ENOTTY, "", "walking a lesson needs a terminal; --auto plays it, --check checks it");
	if ((strchr(a.name, '/') || strstr(a.name, ".md")) && access(a.name, R_OK) == 0)
		snprintf(path, sizeof(path), "%s", a.name);
	else if (lessons_dir(dir, sizeof(dir), e) < 0 || lesson_find(dir, a.name, path, sizeof(path), e) < 0)
		return -1;
	int r = run_one(s, path, &a, e);
	if (r > 0)
		s->last_status = LESSON_SKIP;
	return r < 0 ? -1 : 0;
}
