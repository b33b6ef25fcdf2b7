/* The terminal for full-screen views: curses up and exactly back, resizes
 * from SIGWINCH, colours or attributes. */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nslab/util.h"
#include "terminal.h"

/* ncurses installs handlers for these when they are at their default (SIGWINCH only
 * once a process, so a second view would miss resizes): the REPL gets its own back,
 * and SIGWINCH is ours while the screen is up. */
static const int curses_signals[TUI_TERM_SIGNALS] = {SIGINT, SIGTERM, SIGTSTP, SIGWINCH};

static volatile sig_atomic_t got_winch;

static void on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

bool tui_term_resize(void)
{
	struct winsize ws;

	if (!got_winch)
		return false;
	got_winch = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col)
		return false;
	if (ws.ws_row != LINES || ws.ws_col != COLS)
		resizeterm(ws.ws_row, ws.ws_col);
	ungetch(KEY_RESIZE);
	return true;
}

void tui_term_block(sigset_t *unblocked)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, unblocked);
}

int tui_term_wait(const struct timespec *timeout, const sigset_t *unblocked)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	int r = ppoll(&pfd, 1, timeout, unblocked);

	if (r < 0 && errno != EINTR)
		return -1;
	if (r > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return -1; /* the terminal went away */
	tui_term_resize();
	return 0;
}

int tui_term_open(struct tui_term *s, const char *what, const char *no_tty, struct nslab_error *e)
{
	const char *name = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return nslab_error_set(e, ENOTTY, "", "%s needs a terminal on standard input and output (%s)", what, no_tty);
	if (!name || !*name)
		return nslab_error_set(e, ENOTTY, "", "%s needs TERM to name the terminal type", what);
	fflush(stdout);
	for (size_t i = 0; i < ARRAY_SIZE(curses_signals); i++)
		sigaction(curses_signals[i], NULL, &s->old[i]);
	/* Line drawing as the terminal's locale has it (the REPL's readline already set it; nslab CMD has not). */
	s->old_ctype = xstrdup(setlocale(LC_CTYPE, NULL));
	setlocale(LC_CTYPE, "");
	/* The size from the terminal, not from LINES/COLUMNS (readline exports them, then they go stale). */
	use_env(FALSE);
	use_tioctl(TRUE);
	s->sp = newterm(NULL, stdout, stdin);
	if (!s->sp) {
		setlocale(LC_CTYPE, s->old_ctype);
		free(s->old_ctype);
		return nslab_error_set(e, ENOTTY, "", "%s cannot drive a terminal of type '%s'", what, name);
	}
	set_term(s->sp);
	struct sigaction sa = {.sa_handler = on_winch}; /* no SA_RESTART: ppoll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	got_winch = 0;
	raw(); /* ^C and ^Z are keys here: q and ^C leave, nothing is suspended half-drawn */
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	return 0;
}

void tui_term_close(struct tui_term *s)
{
	endwin();
	delscreen(s->sp);
	for (size_t i = 0; i < ARRAY_SIZE(curses_signals); i++)
		sigaction(curses_signals[i], &s->old[i], NULL);
	setlocale(LC_CTYPE, s->old_ctype);
	free(s->old_ctype);
	fflush(stdout);
}

/* https://no-color.org: set and not empty means no colour at all. */
static bool colour_wanted(void)
{
	const char *no = getenv("NO_COLOR");

	return !(no && *no) && has_colors();
}

void tui_term_attrs(const struct tui_style *styles, int n, int *attrs)
{
	bool colour = colour_wanted() && start_color() == OK;
	bool dflt = colour && use_default_colors() == OK;

	for (int r = 0; r < n; r++) {
		const struct tui_style *s = &styles[r];
		if (!colour || (s->fg < 0 && s->bg < 0) || r >= COLOR_PAIRS) {
			attrs[r] = colour ? s->attr : s->mono;
			continue;
		}
		short fg = s->fg < 0 && !dflt ? COLOR_WHITE : s->fg, bg = s->bg < 0 && !dflt ? COLOR_BLACK : s->bg;
		init_pair((short)r, fg, bg);
		attrs[r] = (int)COLOR_PAIR(r) | s->attr;
	}
}
