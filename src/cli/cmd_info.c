/* Commands that read and teach: help, trace, explain, doctor, quit. */
#include <errno.h>
#include <string.h>

#include "nslab/cleanup.h"
#include "nslab/doctor.h"
#include "nslab/explain.h"
#include "commands.h"

int cmd_help(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	if (argc > 1) {
		const struct command *c = command_find(argv[1]);
		if (!c)
			return nslab_error_set(e, EINVAL, "", "no command '%s' (help lists them)", argv[1]);
		fprintf(s->out, "%s %s\n  %s\n", c->name, c->args, c->summary);
		if (c->help)
			fprintf(s->out, "  %s\n", c->help);
		return 0;
	}
	fputs("Build a container one setting at a time, launch it, read the trace.\n", s->out);
	for (size_t i = 0; i < commands_count; i++) {
		char head[64];
		snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
		fprintf(s->out, "  %-34s %s\n", head, commands[i].summary);
	}
	fputs("Commands may be joined with ';'. Tab completes. explain WORD teaches.\n", s->out);
	return 0;
}

int cmd_explain(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	char word[128] = "";
	size_t len = 0;

	if (argc == 1) {
		fputs("explain WORD, where WORD is one of:\n", s->out);
		for (size_t i = 0; i < explain_count(); i++)
			fprintf(s->out, "%s%s", i % 8 ? " " : "\n  ", explain_at(i)->word);
		fputc('\n', s->out);
		return 0;
	}
	/* "explain write gid_map" names the trace call as the trace spells it. */
	for (int i = 1; i < argc; i++)
		len += (size_t)snprintf(word + len, sizeof(word) > len ? sizeof(word) - len : 0, "%s%s", i > 1 ? " " : "",
					argv[i]);
	const struct explain_entry *x = explain_lookup(word);
	if (!x && argc > 2)
		x = explain_lookup(argv[argc - 1]);
	if (!x)
		return nslab_error_set(e, ENOENT, "", "nothing to explain for '%s' (explain alone lists the words)", word);
	explain_print(x, s->out);
	return 0;
}

int cmd_doctor(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct doctor_report r;

	(void)argc, (void)argv, (void)e;
	doctor_run(&r);
	doctor_print(&r, s->out);
	return 0;
}

int cmd_quit(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	(void)argc, (void)argv, (void)e;
	s->quit = true;
	return 0;
}

int cmd_cleanup(struct session *s, int argc, char **argv, struct nslab_error *e)
{
	struct cleanup_report r;

	(void)argc, (void)argv;
	int rc = cleanup_run(&r, e);
	for (size_t i = 0; i < r.n_lines; i++)
		fprintf(s->out, "%s\n", r.lines[i]);
	fprintf(s->out, "cleanup: %d removed, %d still in use by a running nslab\n", r.removed, r.live);
	return rc;
}
