/* What every lesson mode shares: the lesson's session, running a transcript
 * command captured and matched, checks, reports, and quiet replays. */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nslab/paths.h"
#include "nslab/tree.h"
#include "nslab/util.h"
#include "commands.h"
#include "lesson_run.h"
#include "view.h"

static void export_paths(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		setenv("NSLAB", buf, 1);
	}
	if (!getenv("NSLAB_ROOTFS") && paths_default_rootfs(buf, sizeof(buf)) == 0)
		setenv("NSLAB_ROOTFS", buf, 1);
}

static int enter_dir(struct lesson_ctx *x, struct nslab_error *e)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(x->dir, sizeof(x->dir), "%s/nslab-lesson-XXXXXX", tmp && *tmp == '/' && strlen(tmp) < 40 ? tmp : "/tmp");
	x->old_cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->old_cwd < 0 || !mkdtemp(x->dir) || chdir(x->dir) < 0) {
		x->dir[0] = '\0';
		return nslab_error_set(e, errno, "mkdtemp", "lesson: cannot make its working directory: %s",
				       strerror(errno));
	}
	setenv("LESSON_DIR", x->dir, 1);
	export_paths();
	return 0;
}

static void leave_dir(struct lesson_ctx *x)
{
	struct nslab_error e = {0};

	if (x->old_cwd >= 0 && fchdir(x->old_cwd) < 0)
		(void)chdir("/");
	if (x->old_cwd >= 0)
		close(x->old_cwd);
	x->old_cwd = -1;
	if (x->dir[0] && tree_remove(x->dir, &e) < 0)
		nslab_error_print(&e, stderr);
	x->dir[0] = '\0';
	unsetenv("LESSON_DIR");
}

int lesson_ctx_init(struct lesson_ctx *x, struct lesson *l, enum lesson_mode mode, struct nslab_error *e)
{
	memset(x, 0, sizeof(*x));
	x->l = l;
	x->mode = mode;
	x->pace = 100;
	x->out = stdout;
	session_init(&x->s, stdout);
	x->s.interactive = mode == LESSON_WALK;
	x->old_cwd = -1;
	x->term_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (x->term_fd < 0)
		return nslab_error_set(e, errno, "dup", "lesson: %s", strerror(errno));
	return enter_dir(x, e);
}

static bool capture_ready(struct lesson_ctx *x)
{
	struct nslab_error e = {0};

	if (!x->cap)
		x->cap = capture_new(x->term_fd, &e);
	if (!x->cap) {
		nslab_error_print(&e, stderr);
		return false;
	}
	return true;
}

void lesson_ctx_free(struct lesson_ctx *x)
{
	session_free(&x->s);
	capture_free(x->cap);
	x->cap = NULL;
	leave_dir(x);
	if (x->term_fd >= 0)
		close(x->term_fd);
	x->term_fd = -1;
}

void lesson_cmd_line(const struct lesson_cmd *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", c->kind == LESSON_SHELL ? "$ " : "", c->text);
}

/* `$ CMD`: /bin/sh -c on the host, stdin from /dev/null unless a person is
 * at the terminal. */
static int run_shell(struct lesson_ctx *x, const char *cmd)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "nslab: fork: %s\n", strerror(errno));
		return 126;
	}
	if (pid == 0) {
		if (x->mode != LESSON_WALK) {
			int fd = open("/dev/null", O_RDONLY);
			if (fd >= 0)
				dup2(fd, STDIN_FILENO);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return container_exit_code(st);
}

static int run_nslab(struct lesson_ctx *x, const char *text)
{
	int r = command_run_text(&x->s, text, NULL, true);

	/* As `nslab -c`: a failed command is 1 unless a launch gave its own code. */
	return r < 0 ? (x->s.last_status > 1 ? x->s.last_status : 1) : x->s.last_status;
}

int lesson_run_own(struct lesson_ctx *x, const char *line)
{
	const char *p = line + strspn(line, " \t");

	if (p[0] == '$' && (p[1] == ' ' || !p[1]))
		return run_shell(x, p + 1);
	return run_nslab(x, p);
}

void lesson_run_cmd(struct lesson_ctx *x, const struct lesson_cmd *c, bool echo, struct lesson_result *r)
{
	struct nslab_error e = {0};

	memset(r, 0, sizeof(*r));
	if (!capture_ready(x) || capture_start(x->cap, &e) < 0) {
		if (e.msg[0])
			nslab_error_print(&e, stderr);
		r->output = xstrdup("");
		r->status = c->kind == LESSON_SHELL ? run_shell(x, c->text) : run_nslab(x, c->text);
	} else {
		capture_echo(x->cap, echo);
		r->status = c->kind == LESSON_SHELL ? run_shell(x, c->text) : run_nslab(x, c->text);
		r->output = capture_stop(x->cap);
	}
	r->ok = r->status == c->status && lesson_match(c->expect, c->n_expect, r->output, &r->bad_line);
}

void lesson_result_free(struct lesson_result *r)
{
	free(r->output);
	r->output = NULL;
}

static void print_indented(FILE *out, const char *text)
{
	for (const char *s = text; *s;) {
		const char *nl = strchrnul(s, '\n');
		fprintf(out, "    %.*s\n", (int)(nl - s), s);
		s = *nl ? nl + 1 : nl;
	}
}

static void print_hints(const struct lesson_step *st, FILE *out)
{
	for (size_t i = 0; i < st->n_hints; i++)
		fprintf(out, "  hint: %s\n", st->hints[i]);
}

static void report_where(struct lesson_ctx *x, int line, FILE *out)
{
	const struct lesson_step *st = &x->l->steps[x->step];

	fprintf(out, "%s:%d: lesson %s, step %zu/%zu \"%s\"\n", x->l->path ? x->l->path : x->l->name, line, x->l->name,
		x->step + 1, x->l->n_steps, st->title);
}

void lesson_report_cmd(struct lesson_ctx *x, const struct lesson_cmd *c, const struct lesson_result *r, FILE *out)
{
	char cmd[LESSON_LINE_MAX + 8];

	lesson_cmd_line(c, cmd, sizeof(cmd));
	report_where(x, c->line, out);
	fprintf(out, "  command: %s%s\n", c->kind == LESSON_SHELL ? "" : "nslab> ", cmd);
	fprintf(out, "  expected (status %d):\n", c->status);
	for (size_t i = 0; i < c->n_expect; i++)
		fprintf(out, "    %s\n", c->expect[i]);
	fprintf(out, "  actual (status %d):\n", r->status);
	print_indented(out, r->output ? r->output : "");
	if (r->status != c->status)
		fprintf(out, "  the exit status differs: %d, not %d\n", r->status, c->status);
	else if (r->bad_line < c->n_expect)
		fprintf(out, "  first difference at expected line %zu: %s\n", r->bad_line + 1, c->expect[r->bad_line]);
	else
		fprintf(out, "  more output than expected\n");
	print_hints(&x->l->steps[x->step], out);
}

/* compare --json for the lesson's container; NULL when there is none. An
 * ended container still has its cgroup's final figures under mem. */
static json_object *probe_json(struct session *s)
{
	const unsigned all = (1u << VIEW_COUNT) - 1;
	struct snapshot snap;
	struct cgroup_stats cg;

	if (s->ct.state == CONTAINER_NONE)
		return NULL;
	container_poll(&s->ct);
	bool have_cg = container_stats(&s->ct, &cg) == 0;
	if (s->ct.state == CONTAINER_RUNNING || s->ct.state == CONTAINER_STOPPED) {
		snapshot_take(&snap, s->ct.pid, all, have_cg ? &cg : NULL);
	} else {
		memset(&snap, 0, sizeof(snap));
		snap.cg = cg;
		snap.have_cg = have_cg;
		for (int part = 0; part < VIEW_COUNT; part++)
			snprintf(snap.errors[part], sizeof(snap.errors[part]),
				 "container %s has ended: only mem.container and status can be checked", s->ct.id);
		snap.have[VIEW_MEM] = true;
	}
	json_object *root = view_json_object(&snap, all);
	snapshot_free(&snap);
	return root;
}

int lesson_run_checks(struct lesson_ctx *x, const struct lesson_step *st, int status, FILE *out)
{
	int failed = 0;

	if (!st->n_checks)
		return 0;
	json_object *root = probe_json(&x->s);
	for (size_t i = 0; i < st->n_checks; i++) {
		const struct lesson_check *c = &st->checks[i];
		char left[512], right[512];
		struct nslab_error e = {0};
		int r = lesson_check_eval(c, root, status, left, right, sizeof(left), &e);
		if (r == 1)
			continue;
		failed++;
		report_where(x, c->line, out);
		fprintf(out, "  check: %s\n", c->source);
		if (r < 0)
			fprintf(out, "  cannot evaluate: %s\n", e.msg);
		else
			fprintf(out, "  %s is \"%s\", %s is \"%s\"\n", c->left.text, left, c->right.text, right);
		print_hints(st, out);
	}
	json_object_put(root);
	return failed;
}

int lesson_replay(struct lesson_ctx *x, size_t upto)
{
	int failed = 0;
	size_t keep = x->step;

	session_free(&x->s);
	session_init(&x->s, stdout);
	x->s.interactive = x->mode == LESSON_WALK;
	for (size_t i = 0; i < upto && i < x->l->n_steps; i++) {
		x->step = i;
		for (size_t k = 0; k < x->l->steps[i].n_cmds; k++) {
			struct lesson_result r;
			lesson_run_cmd(x, &x->l->steps[i].cmds[k], false, &r);
			if (!r.ok) {
				failed++;
				lesson_report_cmd(x, &x->l->steps[i].cmds[k], &r, stderr);
			}
			lesson_result_free(&r);
		}
	}
	x->step = keep;
	return failed;
}

void lesson_show_step(struct lesson_ctx *x, size_t i)
{
	const struct lesson_step *st = &x->l->steps[i];
	char head[160], slide[32] = "";
	int n;

	if (st->slide)
		snprintf(slide, sizeof(slide), " slide %d ", st->slide);
	n = snprintf(head, sizeof(head), "── Step %zu of %zu: %s ", i + 1, x->l->n_steps, st->title);
	fprintf(x->out, "\n%s", head);
	/* Box-drawing characters are three bytes but one column wide. */
	for (int col = n - 4; col < 72 - (int)strlen(slide); col++)
		fputs("─", x->out);
	fprintf(x->out, "%s%s\n", slide, slide[0] ? "──" : "");
	if (st->narration[0])
		fprintf(x->out, "%s\n", st->narration);
	fflush(x->out);
}
