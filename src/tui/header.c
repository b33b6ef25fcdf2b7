/* The header: target, container id, flags, rate and modes, hostnames, and the namespace table. */
#include <curses.h>
#include <string.h>

#include "panel.h"

#define NS_CELL   12 /* "4026531836 " and a space */
#define NS_LABEL  10 /* "container " */
#define WIDE_COLS (NS_LABEL + NS_COUNT * NS_CELL)

static bool wide(int lines, int cols)
{
	return cols >= WIDE_COLS && lines >= 30;
}

int header_height(int lines, int cols)
{
	/* Wide: kinds, host inodes, container inodes; narrow: one line of own/shared marks. */
	return wide(lines, cols) ? 5 : 3;
}

/* 0: not readable (another user's process, an old kernel). */
static bool ns_known(const struct tui_data *d, int k)
{
	return d->have_ids && d->ids[SIDE_HOST].ns.ino[k] && d->ids[SIDE_INSIDE].ns.ino[k];
}

static bool ns_own(const struct tui_data *d, int k)
{
	return ns_known(d, k) && d->ids[SIDE_HOST].ns.ino[k] != d->ids[SIDE_INSIDE].ns.ino[k];
}

/* The flags the container was started with, or, for any process, the namespaces it does not share. */
static void flags_text(const struct tui_data *d, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (d->ct) {
		spec_flags_words(&d->ct->spec, buf, size);
		return;
	}
	for (int k = 0; k < NS_COUNT; k++)
		if (ns_own(d, k))
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? " " : "",
			                        ns_table[k].name);
}

/* Text at (y, x) in attr; returns the column after it. */
static int put(int y, int x, int limit, int attr, const char *text)
{
	int n = (int)strlen(text);

	if (x >= limit)
		return x;
	if (n > limit - x)
		n = limit - x;
	panel_text(y, x, n, attr, text);
	return x + n;
}

static void line_target(const struct tui *t, int cols)
{
	const struct tui_data *d = t->data;
	char buf[256], flags[128], rate[32];
	int x;

	/* Right: the rate and the modes that are on; left: whatever fits before them. */
	snprintf(rate, sizeof(rate), "every %d.%ds", t->delay_tenths / 10, t->delay_tenths % 10);
	int right = 1 + (int)strlen(rate) + (t->paused ? 7 : 0) + (t->diff_only ? 5 : 0);
	int limit = cols > right ? cols - right : 0;
	flags_text(d, flags, sizeof(flags));
	panel_text(0, 0, cols, A_NORMAL, "");
	if (d->ct)
		snprintf(buf, sizeof(buf), "container %s (pid %d)", d->ct->id, (int)d->target);
	else if (t->self_target)
		snprintf(buf, sizeof(buf), "no container running");
	else
		snprintf(buf, sizeof(buf), "pid %d", (int)d->target);
	x = put(0, 0, limit, tui_attr(t, ROLE_LABEL), buf);
	if (t->self_target)
		snprintf(buf, sizeof(buf), "  (the other panels show nslab itself, pid %d)", (int)d->target);
	else
		snprintf(buf, sizeof(buf), "  flags: %s", flags[0] ? flags : "none");
	put(0, x, limit, A_NORMAL, buf);
	x = put(0, limit + 1, cols, A_NORMAL, rate);
	if (t->paused)
		x = put(0, x + 1, cols, tui_attr(t, ROLE_STATUS), "PAUSED");
	if (t->diff_only)
		put(0, x + 1, cols, tui_attr(t, ROLE_STATUS), "DIFF");
}

static void line_hostname(const struct tui *t, int cols)
{
	const struct tui_data *d = t->data;
	const struct id_view *h = &d->ids[SIDE_HOST], *c = &d->ids[SIDE_INSIDE];
	char buf[128], warn[64] = "";
	int x;

	if (d->exited)
		snprintf(warn, sizeof(warn), " target %d exited ", (int)d->target);
	int limit = cols - (int)strlen(warn);
	panel_text(1, 0, cols, A_NORMAL, "");
	x = put(1, 0, limit, tui_attr(t, ROLE_LABEL), "hostname");
	snprintf(buf, sizeof(buf), "  host %s", d->have_ids ? h->hostname : "?");
	x = put(1, x, limit, A_NORMAL, buf);
	x = put(1, x, limit, A_NORMAL, "  container ");
	bool known = d->have_ids && c->hostname[0], own = known && strcmp(h->hostname, c->hostname);
	put(1, x, limit, tui_attr(t, own ? ROLE_OWN : ROLE_NORMAL), known ? c->hostname : "?");
	if (warn[0])
		put(1, limit > 0 ? limit : 0, cols, tui_attr(t, ROLE_WARN), warn);
}

/* "ns  pid* user= ...": '*' the container's own, '=' the host's. */
static void ns_narrow(const struct tui *t, int y, int cols)
{
	const struct tui_data *d = t->data;
	char cell[24];
	bool unknown = false;
	int x;

	panel_text(y, 0, cols, A_NORMAL, "");
	x = put(y, 0, cols, tui_attr(t, ROLE_LABEL), "namespaces");
	for (int k = 0; k < NS_COUNT; k++) {
		bool own = ns_own(d, k);
		snprintf(cell, sizeof(cell), "%s%c", ns_table[k].name, !ns_known(d, k) ? '?' : own ? '*' : '=');
		x = put(y, x + 1, cols, tui_attr(t, own ? ROLE_OWN : ROLE_NORMAL), cell);
		unknown |= !ns_known(d, k);
	}
	put(y, x, cols, A_NORMAL, unknown ? "  (? not readable)" : "  (* own, = host's)");
}

static void ns_wide(const struct tui *t, int y, int cols)
{
	const struct tui_data *d = t->data;
	char cell[24];

	for (int row = 0; row < 3; row++)
		panel_text(y + row, 0, cols, A_NORMAL, "");
	put(y, 0, cols, tui_attr(t, ROLE_LABEL), "namespace");
	put(y + 1, 0, cols, tui_attr(t, ROLE_LABEL), "host");
	put(y + 2, 0, cols, tui_attr(t, ROLE_LABEL), "container");
	for (int k = 0; k < NS_COUNT; k++) {
		int x = NS_LABEL + k * NS_CELL;
		bool own = ns_own(d, k);
		put(y, x, cols, tui_attr(t, ROLE_LABEL), ns_table[k].name);
		snprintf(cell, sizeof(cell), "%llu", d->ids[SIDE_HOST].ns.ino[k]);
		put(y + 1, x, cols, A_NORMAL, d->have_ids && d->ids[SIDE_HOST].ns.ino[k] ? cell : "?");
		snprintf(cell, sizeof(cell), own ? "%llu" : "= host", d->ids[SIDE_INSIDE].ns.ino[k]);
		put(y + 2, x, cols, tui_attr(t, own ? ROLE_OWN : ROLE_NORMAL), ns_known(d, k) ? cell : "?");
	}
}

void header_draw(const struct tui *t, int cols)
{
	line_target(t, cols);
	line_hostname(t, cols);
	if (t->header_h >= 5)
		ns_wide(t, 2, cols);
	else
		ns_narrow(t, 2, cols);
}
