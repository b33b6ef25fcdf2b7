/* `trace` and `events`: the launch's steps and, traced with ptrace, what
 * runs inside; the filter; save and load as JSON Lines. */
#include <errno.h>
#include <string.h>

#include "nslab/syscalls.h"
#include "nslab/util.h"
#include "commands.h"

static bool live(const struct session *s)
{
	return s->ct.state == CONTAINER_RUNNING || s->ct.state == CONTAINER_STOPPED;
}

static int trace_child(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	if (argc != 3 || (strcmp(argv[2], "on") && strcmp(argv[2], "off")))
		return nslab_error_set(e, EINVAL, "", "usage: trace child on|off");
	s->spec.trace_child = !strcmp(argv[2], "on");
	if (!s->spec.trace_child && live(s) && tracer_active(&s->ct.tracer)) {
		container_trace_off(&s->ct);
		fprintf(s->out, "tracer detached from container %s: it runs on untraced\n", s->ct.id);
		return 0;
	}
	if (s->spec.trace_child)
		fputs("the next run or start is traced inside too (trace filter says which calls)\n", s->out);
	return 0;
}

static int filter_word(struct spec *sp, const char *w, struct nslab_error *e)
{
	unsigned mask = syscall_class_parse(w);
	long nr = syscall_by_name(w);

	if (mask) {
		sp->trace_classes |= mask;
		return 0;
	}
	if (nr < 0 || nr >= SPEC_TRACE_CALLS)
		return nslab_error_set(e, EINVAL, "", "trace filter: '%s' is neither a class (all default %s) nor a system call",
				       w, syscall_class_words());
	sp->trace_calls[nr / 8] |= (unsigned char)(1u << (nr % 8));
	return 0;
}

/* Replace the filter with words (space or comma separated); unchanged on error. */
int trace_filter_words(struct spec *sp, const char *text, struct nslab_error *e)
{
	unsigned classes = sp->trace_classes;
	unsigned char calls[sizeof(sp->trace_calls)];
	_cleanup_free_ char *copy = xstrdup(text);
	char *save;

	memcpy(calls, sp->trace_calls, sizeof(calls));
	sp->trace_classes = 0;
	memset(sp->trace_calls, 0, sizeof(sp->trace_calls));
	for (char *w = strtok_r(copy, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		if (filter_word(sp, w, e) < 0) {
			sp->trace_classes = classes;
			memcpy(sp->trace_calls, calls, sizeof(calls));
			return -1;
		}
	}
	return 0;
}

static int trace_filter(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct spec *sp = &s->spec;
	char words[512] = "";
	size_t len = 0;

	for (int i = 2; i < argc; i++)
		str_appendf(words, sizeof(words), &len, "%s%s", len ? " " : "", argv[i]);
	if (argc > 2 && trace_filter_words(sp, words, e) < 0)
		return -1;
	spec_trace_filter_words(sp, words, sizeof(words));
	fprintf(s->out, "trace filter: %s%s\n", words, sp->trace_child ? "" : " (trace child on turns tracing on)");
	return 0;
}

static int trace_save(struct session *s, const char *path, struct nslab_error *e)
{
	container_trace_poll(&s->ct);
	FILE *f = fopen(path, "we");
	if (!f)
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	trace_print_json(&s->ct.trace, f);
	if (fclose(f) != 0)
		return nslab_error_set(e, errno, "write", "%s: %s", path, strerror(errno));
	fprintf(s->out, "%zu events saved to %s (trace load %s reads them back)\n", s->ct.trace.n, path, path);
	return 0;
}

static int trace_load_file(struct session *s, const char *path, struct nslab_error *e)
{
	if (live(s))
		return nslab_error_set(e, EBUSY, "", "container %s is running: stop it before loading a trace", s->ct.id);
	FILE *f = fopen(path, "re");
	if (!f)
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	int n = trace_load(&s->ct.trace, f, path, e);
	fclose(f);
	if (n < 0)
		return -1;
	fprintf(s->out, "%d events loaded from %s: trace, events and watch show them\n", n, path);
	return 0;
}

int cmd_trace(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "child"))
		return trace_child(s, argc, argv, e);
	if (!strcmp(sub, "filter"))
		return trace_filter(s, argc, argv, e);
	if ((!strcmp(sub, "save") || !strcmp(sub, "load")) && argc != 3)
		return nslab_error_set(e, EINVAL, "", "usage: trace %s FILE", sub);
	if (!strcmp(sub, "save"))
		return trace_save(s, argv[2], e);
	if (!strcmp(sub, "load"))
		return trace_load_file(s, argv[2], e);
	if (argc > 2 || (argc == 2 && strcmp(sub, "--json")))
		return nslab_error_set(e, EINVAL, "", "usage: trace [--json] | child on|off | filter [WORD...] | save FILE | load FILE");
	container_trace_poll(&s->ct);
	if (argc > 1)
		trace_print_json(&s->ct.trace, s->out);
	else
		trace_print(&s->ct.trace, s->out);
	return 0;
}

int cmd_events(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc;
	(void)argv;
	(void)e;
	container_trace_poll(&s->ct);
	trace_print_events(&s->ct.trace, s->out);
	return 0;
}
