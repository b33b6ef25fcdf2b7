/* Lessons: Markdown files of narration, transcripts and checks (the format
 * is lessons/README.md). Parsing, output matching, checks and progress; no
 * terminal code here. */
#ifndef NSLAB_LESSON_H
#define NSLAB_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <regex.h>
#include <json-c/json.h>
#include "nslab/error.h"

#define LESSON_FILE_MAX (1024 * 1024)
#define LESSON_LINE_MAX 4096
#define LESSON_STEPS_MAX 200
#define LESSON_NAME_MAX 64
#define LESSON_EXPECT_MAX 1000	/* expected output lines of one command */
#define LESSON_REGEX_COST_MAX 20000 /* copies of atoms glibc's regcomp may build for one regex */

enum lesson_cmd_kind {
	LESSON_NSLAB,	/* nslab> CMD */
	LESSON_SHELL,	/* $ CMD */
};

struct lesson_cmd {
	enum lesson_cmd_kind kind;
	char *text;		/* the command, without its prompt */
	char **expect;		/* expected output lines */
	size_t n_expect;
	int status;		/* expected exit status ([N], else 0) */
	int line;		/* where the command is in the file */
};

enum lesson_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_MATCH };

struct lesson_operand {
	bool is_path;		/* a field of compare --json (or `status`) */
	char *text;		/* the path, or the literal's text */
};

struct lesson_check {
	struct lesson_operand left, right;
	enum lesson_op op;
	char *source;		/* the expression as written */
	int line;
};

enum lesson_open { OPEN_NONE, OPEN_SLIDE, OPEN_WATCH };

struct lesson_step {
	char *title;
	int line;
	char *narration;	/* text, fenced diagrams kept, directives removed */
	int slide;		/* page of the deck, 0: none */
	enum lesson_open open;
	struct lesson_cmd *cmds;
	size_t n_cmds;
	struct lesson_check *checks;
	size_t n_checks;
	char **hints;
	size_t n_hints;
};

struct lesson {
	char *path;
	char name[LESSON_NAME_MAX];	/* "pid" from 04-pid.md */
	int number;			/* 4 */
	char *title;
	char *intro;
	char *deck;			/* slides: DECK, default the name */
	bool needs_root;
	struct lesson_step *steps;
	size_t n_steps;
};

/* Parse text (origin names it in errors: "FILE:LINE: ..."). 0 or -1. */
int lesson_parse(const char *text, const char *origin, struct lesson *l, struct nslab_error *e);
/* Read and parse a file (bounded, text only). */
int lesson_load(const char *path, struct lesson *l, struct nslab_error *e);
void lesson_free(struct lesson *l);
/* Commands in all steps, for listings. */
size_t lesson_count_cmds(const struct lesson *l);

/* "04-pid.md" -> name "pid", number 4; false when not NN-NAME.md. */
bool lesson_file_name(const char *file, char *name, size_t size, int *number);

struct lesson_entry {
	char file[256];
	char name[LESSON_NAME_MAX];
	int number;
};
/* The lesson files of dir in order. *out is malloc'd. Returns count or -1. */
int lesson_list(const char *dir, struct lesson_entry **out, struct nslab_error *e);
/* Find NAME, N, NN or NN-NAME in dir; fills path. 0 or -1. */
int lesson_find(const char *dir, const char *want, char *path, size_t size, struct nslab_error *e);

/* Does actual (the captured output) match the expected lines? On a mismatch,
 * *bad_line is the first expected line (0-based) that failed, or n_expect
 * when actual has lines left over. */
bool lesson_match(char *const *expect, size_t n_expect, const char *actual, size_t *bad_line);
/* One line against one expected line: exact, `...` within a line, (re), (glob). */
bool lesson_match_line(const char *expect, const char *line);

/* Compile a lesson's extended regular expression (the first len bytes of
 * pattern; anchored: the whole line, as ^(...)$). Refused, as glibc
 * would take exponential time or memory on them: back-references, a
 * repetition right after another ("a**", "a++"), groups nested more than 16
 * deep, repetitions that multiply past LESSON_REGEX_COST_MAX copies
 * ("((a{99}){99}){99}"). 0 or -1 with a message. */
int lesson_regex_compile(regex_t *re, const char *pattern, size_t len, bool anchored, struct nslab_error *e);

/* Parse "LEFT OP RIGHT". 0 or -1 with a message. */
int lesson_check_parse(const char *text, struct lesson_check *c, struct nslab_error *e);
void lesson_check_free(struct lesson_check *c);
/* Evaluate against root (compare --json) and status. Returns 1 true, 0
 * false, -1 when a path does not resolve (message in e). The values seen
 * are written to left/right for the report. */
int lesson_check_eval(const struct lesson_check *c, json_object *root, int status, char *left, char *right,
		      size_t size, struct nslab_error *e);

/* Progress: the step a person reached in each lesson, kept in
 * $XDG_STATE_HOME/nslab/lessons (else ~/.local/state/nslab/lessons). */
int lesson_progress_get(const char *name, int *step, bool *done);
int lesson_progress_set(const char *name, int step, bool done, struct nslab_error *e);

#endif
