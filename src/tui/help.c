/* The key line at the bottom and the ? overlay. */
#include <curses.h>
#include <string.h>

#include "panel.h"

/* The key line: the focused panel's own keys, long when the terminal is wide enough. */
static const char *const keys_long =
    "q quit  ? help  Tab/Left/Right panel  t trace  Up/Down/PgUp/PgDn scroll  z zoom  d differences  +/- rate  p pause";
static const char *const keys_short = "q quit  ? help  Tab panel  t trace  z zoom  d diff  +/- rate  p pause";
static const char *const trace_keys_long =
    "q quit  ? help  Tab/Left/Right panel  Up/Down/PgUp/PgDn scroll  End follow  "
    "e process events only  l launcher steps  z zoom  p pause";
static const char *const trace_keys_short =
    "q quit  ? help  Tab panel  End follow  e events only  l launcher steps  z zoom";

void footer_draw(const struct tui *t, int lines, int cols)
{
	bool trace = t->focus == PART_TRACE;
	const char *wide = trace ? trace_keys_long : keys_long, *narrow = trace ? trace_keys_short : keys_short;

	panel_text(lines - 1, 0, cols, tui_attr(t, ROLE_LABEL), cols > (int)strlen(wide) ? wide : narrow);
}

static const char *const help_lines[] = {
    "nslab watch: what the host sees next to what the container sees",
    "",
    "Tab, Right         next panel",
    "Shift-Tab, Left    previous panel",
    "Up Down PgUp PgDn  scroll the focused panel (Home, End)",
    "z                  zoom the focused panel to the whole screen",
    "t                  the Trace panel: what runs inside, as it happens",
    "d                  differences only: hide rows the same on both sides",
    "+ -                refresh faster, slower",
    "p                  pause, resume",
    "q                  back to the prompt",
    "",
    "marks  < only the host   > only the container   ! differs",
    "       + new             - vanished (kept a moment)",
    "",
    "Trace  End G  follow new events again (scrolling up stops following)",
    "       e      process events only: fork, exec, exit, signal, stop, oom-kill",
    "       l      launcher steps dim, or hidden",
    "",
    "any key closes this help",
};

void help_draw(const struct tui *t, int lines, int cols)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0])), w = 0;

	for (int i = 0; i < n; i++)
		if ((int)strlen(help_lines[i]) > w)
			w = (int)strlen(help_lines[i]);
	w += 4;
	if (w > cols)
		w = cols;
	int h = n + 2 < lines ? n + 2 : lines, y = (lines - h) / 2, x = (cols - w) / 2;
	int attr = tui_attr(t, ROLE_NORMAL);
	for (int i = 0; i < h; i++)
		panel_text(y + i, x, w, attr, "");
	attrset(tui_attr(t, ROLE_TITLE));
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	mvaddstr(y, x + 2, " help ");
	attrset(A_NORMAL);
	for (int i = 0; i < n && i < h - 2; i++)
		panel_text(y + 1 + i, x + 2, w - 4, i == 0 ? tui_attr(t, ROLE_LABEL) : attr, help_lines[i]);
}
