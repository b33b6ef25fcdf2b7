/* The one command table: name, arguments, help, completion and handler.
 * The REPL, -c scripts, script files, one-shot `nslab CMD` and lessons all
 * dispatch through it. */
#ifndef NSLAB_COMMANDS_H
#define NSLAB_COMMANDS_H

#include "nslab/error.h"
#include "session.h"

enum complete_kind {
	COMPLETE_NONE,
	COMPLETE_NS,		/* namespace words, all, none */
	COMPLETE_WORDS,		/* the command's fixed words */
	COMPLETE_PATH,		/* file names */
	COMPLETE_COMMAND,	/* command names (help) */
	COMPLETE_EXPLAIN,	/* explain's words */
	COMPLETE_LESSON,	/* lesson names, then the command's words */
};

struct command {
	const char *name;
	const char *args;	/* usage after the name: "FLAG..." */
	const char *summary;	/* one line for `help` */
	const char *help;	/* more, for `help CMD`; may be NULL */
	int min_args, max_args;	/* word counts after the name; max -1: any */
	enum complete_kind complete;
	const char *const *words; /* COMPLETE_WORDS: NULL-terminated */
	int (*run)(struct session *s, int argc, char **argv, struct nslab_error *e);
};

extern const struct command commands[];
extern const size_t commands_count;

const struct command *command_find(const char *name);
/* Check the word count and call the handler. argv[0] is the command name. */
int command_dispatch(struct session *s, int argc, char **argv, struct nslab_error *e);
/* Run every command in text ("a; b\nc"). Errors print with where they
 * happened (origin:line); stop_on_error stops at the first. Returns 0 or -1. */
int command_run_text(struct session *s, const char *text, const char *origin, bool stop_on_error);

/* Handlers, grouped by file. */
/* cmd_spec.c: building the spec */
int cmd_flags(struct session *, int, char **, struct nslab_error *);
int cmd_set(struct session *, int, char **, struct nslab_error *);
int cmd_unset(struct session *, int, char **, struct nslab_error *);
int cmd_uidmap(struct session *, int, char **, struct nslab_error *);
int cmd_gidmap(struct session *, int, char **, struct nslab_error *);
int cmd_setgroups(struct session *, int, char **, struct nslab_error *);
int cmd_map_root(struct session *, int, char **, struct nslab_error *);
int cmd_hostname(struct session *, int, char **, struct nslab_error *);
int cmd_domainname(struct session *, int, char **, struct nslab_error *);
int cmd_rootfs(struct session *, int, char **, struct nslab_error *);
int cmd_enter(struct session *, int, char **, struct nslab_error *);
int cmd_mount(struct session *, int, char **, struct nslab_error *);
int cmd_env(struct session *, int, char **, struct nslab_error *);
int cmd_clock(struct session *, int, char **, struct nslab_error *);
int cmd_net(struct session *, int, char **, struct nslab_error *);
int cmd_show(struct session *, int, char **, struct nslab_error *);
int cmd_reset(struct session *, int, char **, struct nslab_error *);
/* cmd_run.c: launching and controlling */
int cmd_run(struct session *, int, char **, struct nslab_error *);
int cmd_start(struct session *, int, char **, struct nslab_error *);
int cmd_exec(struct session *, int, char **, struct nslab_error *);
int cmd_status(struct session *, int, char **, struct nslab_error *);
int cmd_stop(struct session *, int, char **, struct nslab_error *);
int cmd_kill(struct session *, int, char **, struct nslab_error *);
/* cmd_info.c: reading and learning */
int cmd_help(struct session *, int, char **, struct nslab_error *);
/* cmd_trace.c: the trace, inside and out */
int cmd_trace(struct session *, int, char **, struct nslab_error *);
int cmd_events(struct session *, int, char **, struct nslab_error *);
/* The trace filter from words ("mount,process", "all", "unshare setns"). */
int trace_filter_words(struct spec *sp, const char *text, struct nslab_error *e);
int cmd_explain(struct session *, int, char **, struct nslab_error *);
int cmd_doctor(struct session *, int, char **, struct nslab_error *);
int cmd_quit(struct session *, int, char **, struct nslab_error *);
int cmd_cleanup(struct session *, int, char **, struct nslab_error *);
/* cmd_layers.c: overlay */
int cmd_overlay(struct session *, int, char **, struct nslab_error *);
int cmd_layer(struct session *, int, char **, struct nslab_error *);
int cmd_diff(struct session *, int, char **, struct nslab_error *);
int cmd_which(struct session *, int, char **, struct nslab_error *);
/* cmd_compare.c: host next to container */
int cmd_ps(struct session *, int, char **, struct nslab_error *);
int cmd_mounts(struct session *, int, char **, struct nslab_error *);
int cmd_links(struct session *, int, char **, struct nslab_error *);
int cmd_ids(struct session *, int, char **, struct nslab_error *);
int cmd_ns(struct session *, int, char **, struct nslab_error *);
int cmd_compare(struct session *, int, char **, struct nslab_error *);
int cmd_watch(struct session *, int, char **, struct nslab_error *);
int cmd_mem(struct session *, int, char **, struct nslab_error *);
/* cmd_lesson.c: lessons */
int cmd_lesson(struct session *, int, char **, struct nslab_error *);
/* cmd_limits.c: cgroups */
int cmd_limit(struct session *, int, char **, struct nslab_error *);
int cmd_cgroup(struct session *, int, char **, struct nslab_error *);

/* cmd_export.c: to and from unshare(1), bwrap and OCI bundles */
int cmd_export(struct session *, int, char **, struct nslab_error *);
int cmd_import(struct session *, int, char **, struct nslab_error *);

/* cmd_slides.c: slide decks */
int cmd_slides(struct session *, int, char **, struct nslab_error *);
/* Open deck NAME at page (from 1): full screen when standard input and output
 * are terminals and out is stdout, else that page as plain text to out. */
int slides_open(const char *name, int page, FILE *out, struct nslab_error *e);

#endif
