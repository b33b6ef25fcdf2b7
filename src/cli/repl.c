/* The readline front end: prompt, history, completion, Ctrl-C and Ctrl-D. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "nslab/explain.h"
#include "nslab/lesson.h"
#include "nslab/paths.h"
#include "nslab/tokenize.h"
#include "nslab/util.h"
#include "commands.h"
#include "repl.h"

#define HISTORY_MAX 1000

static const char *const *complete_words;
static enum complete_kind complete_mode;

static char *dup_match(const char *word, const char *text, size_t len)
{
	return strncmp(word, text, len) == 0 ? xstrdup(word) : NULL;
}

/* Lesson names (from the lessons directory, read once) and the command's words. */
static char lesson_names[64][LESSON_NAME_MAX];
static size_t lesson_names_n;

static void load_lesson_names(const char *const *words)
{
	char dir[4096];
	struct lesson_entry *v;
	struct nslab_error e;

	if (lesson_names_n)
		return;
	int n = paths_data_dir("lessons", dir, sizeof(dir)) == 0 ? lesson_list(dir, &v, &e) : -1;
	for (int k = 0; k < n && lesson_names_n < ARRAY_SIZE(lesson_names); k++)
		snprintf(lesson_names[lesson_names_n++], LESSON_NAME_MAX, "%s", v[k].name);
	if (n >= 0)
		free(v);
	for (size_t k = 0; words && words[k] && lesson_names_n < ARRAY_SIZE(lesson_names); k++)
		snprintf(lesson_names[lesson_names_n++], LESSON_NAME_MAX, "%s", words[k]);
}

static char *generate(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);

	if (!state)
		i = 0;
	if (complete_mode == COMPLETE_COMMAND) {
		while (i < commands_count) {
			char *m = dup_match(commands[i++].name, text, len);
			if (m)
				return m;
		}
		return NULL;
	}
	if (complete_mode == COMPLETE_EXPLAIN) {
		while (i < explain_count()) {
			char *m = dup_match(explain_at(i++)->word, text, len);
			if (m)
				return m;
		}
		return NULL;
	}
	if (complete_mode == COMPLETE_LESSON) {
		while (i < lesson_names_n) {
			char *m = dup_match(lesson_names[i++], text, len);
			if (m)
				return m;
		}
		return NULL;
	}
	while (complete_words && complete_words[i]) {
		char *m = dup_match(complete_words[i++], text, len);
		if (m)
			return m;
	}
	return NULL;
}

/* Command names first; after the command, its own completer. */
static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	char first[64] = "";
	int n = sscanf(rl_line_buffer, " %63s", first);
	if (start == 0 || n < 1 || strspn(rl_line_buffer, " \t") >= (size_t)start) {
		complete_mode = COMPLETE_COMMAND;
		return rl_completion_matches(text, generate);
	}
	const struct command *c = command_find(first);
	if (!c)
		return NULL;
	complete_mode = c->complete;
	complete_words = c->words;
	if (c->complete == COMPLETE_PATH) {
		char **m = c->words ? rl_completion_matches(text, generate) : NULL;
		if (m)
			return m;
		rl_attempted_completion_over = 0;
		return rl_completion_matches(text, rl_filename_completion_function);
	}
	if (c->complete == COMPLETE_NONE)
		return NULL;
	if (c->complete == COMPLETE_LESSON)
		load_lesson_names(c->words);
	return rl_completion_matches(text, generate);
}

/* Ctrl-C at the prompt cancels the line, as in a shell. The handler only
 * sets a flag: readline calls on_signal_event from its read loop, where it is
 * safe to reset the line. While a command runs, the flag is simply ignored. */
static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static int on_signal_event(void)
{
	if (container_pending_signal()) {
		rl_done = 1; /* SIGTERM or SIGHUP: leave readline and unwind */
		return 0;
	}
	if (!got_sigint)
		return 0;
	got_sigint = 0;
	/* readline has echoed ^C and returned to column 0: keep that line. */
	rl_crlf();
	rl_replace_line("", 0);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static void history_path(char *buf, size_t size)
{
	const char *home = getenv("HOME");

	snprintf(buf, size, "%s/.nslab_history", home && *home ? home : ".");
}

/* Text readline starts the next line with (a lesson's pre-typed command). */
static const char *pretyped;

static int insert_pretyped(void)
{
	if (pretyped && *pretyped)
		rl_insert_text(pretyped);
	pretyped = NULL;
	return 0;
}

static int active;

void repl_begin(void)
{
	char hist[4096];
	struct sigaction sa = {.sa_handler = on_sigint};

	if (active++)
		return;
	rl_readline_name = "nslab";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t;";
	rl_signal_event_hook = on_signal_event;
	rl_startup_hook = insert_pretyped;
	sigaction(SIGINT, &sa, NULL);
	history_path(hist, sizeof(hist));
	using_history();
	read_history(hist);
}

void repl_end(void)
{
	char hist[4096];

	if (--active)
		return;
	history_path(hist, sizeof(hist));
	stifle_history(HISTORY_MAX);
	write_history(hist);
}

char *repl_read(const char *prompt, const char *text)
{
	got_sigint = 0;
	pretyped = text;
	char *line = readline(prompt);
	pretyped = NULL;
	if (container_pending_signal()) {
		free(line);
		return NULL;
	}
	/* A runaway paste: refused whole, and kept out of the history file,
	 * which every later start would read back. */
	if (line && strnlen(line, TOK_MAX_LINE + 1) > TOK_MAX_LINE) {
		fprintf(stderr, "nslab: a line longer than %d bytes; nothing of it was run\n", TOK_MAX_LINE);
		free(line);
		return xstrdup("");
	}
	if (line && line[strspn(line, " \t")])
		add_history(line);
	return line;
}

int repl_run(struct session *s)
{
	char prompt[256];

	repl_begin();
	fputs("nslab " NSLAB_VERSION ": build a container one flag at a time. help lists commands; Ctrl-D quits.\n", s->out);
	while (!s->quit && !container_pending_signal()) {
		session_poll(s);
		session_prompt(s, prompt, sizeof(prompt));
		char *line = repl_read(prompt, NULL);
		if (!line) {
			if (!container_pending_signal())
				fputc('\n', s->out);
			break;
		}
		if (line[strspn(line, " \t")])
			command_run_text(s, line, NULL, true);
		free(line);
	}
	repl_end();
	return 0;
}
