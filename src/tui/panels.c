/* The four panels: PIDs, Mounts, Links, Memory, each HOST | CONTAINER. */
#include <curses.h>
#include <limits.h>
#include <string.h>

#include "nslab/size.h"
#include "panel.h"

/* A side that could not be read says why on its first line. */
static void draw_errors(struct panel *p, const struct tui *t)
{
	const struct tui_data *d = t->data;
	int w[2];

	if (p->r.h < 3)
		return;
	panel_cell_widths(p, w);
	for (int side = 0; side < 2; side++)
		if (d->error[p->part][side][0])
			panel_text(p->r.y + 2, p->r.x + 1 + side * (w[0] + 1), w[side], tui_attr(t, ROLE_WARN),
			           d->error[p->part][side]);
}

/* ---- PIDs: each process once, its host pid on the left, its pid inside on the right */

static void pid_cell(const void *item, int side, int w, char *buf, size_t size)
{
	const struct proc_info *p = item;
	char uid[16];

	(void)w;
	if (side == SIDE_HOST) {
		snprintf(buf, size, "%7d %5u %c %s", (int)p->pid, (unsigned)p->uid, p->state, p->cmdline);
		return;
	}
	if (p->uid_inside < 0)
		snprintf(uid, sizeof(uid), "65534");
	else
		snprintf(uid, sizeof(uid), "%lld", p->uid_inside);
	snprintf(buf, size, "%5d %5s %c %s", (int)p->nspid, uid, p->state, p->cmdline);
}

static void draw_pids(struct panel *p, const struct tui *t)
{
	const struct tui_data *d = t->data;
	char host[32], inside[32];

	snprintf(host, sizeof(host), "%zu processes", d->n_host);
	snprintf(inside, sizeof(inside), "%zu processes", d->n_inside);
	panel_set_rows(p, d->rows[PART_PIDS].n);
	panel_frame(p, t, host, inside, "    PID   UID S COMMAND", "  PID   UID S COMMAND");
	panel_draw_rows(p, t, &d->rows[PART_PIDS], pid_cell);
	draw_errors(p, t);
}

/* ---- Mounts, matched by mount point */

static void prop_text(const struct mount_info *m, char *buf, size_t size)
{
	if (m->peer)
		snprintf(buf, size, "%s:%d", mount_propagation_name(m->propagation), m->peer);
	else
		snprintf(buf, size, "%s", mount_propagation_name(m->propagation));
}

/* Wide cells add the source; narrow ones keep the mount point as long as they can. */
#define MOUNT_WIDE 60

static int mount_target_w(int w)
{
	int tw = w > MOUNT_WIDE ? w - 45 : w - 18;

	return tw < 8 ? 8 : tw;
}

static void mount_cell(const void *item, int side, int w, char *buf, size_t size)
{
	const struct mount_info *m = item;
	int tw = mount_target_w(w);
	char prop[48];

	(void)side;
	prop_text(m, prop, sizeof(prop));
	if (w > MOUNT_WIDE)
		snprintf(buf, size, "%-*.*s %-8.8s %-13.13s %s", tw, tw, m->target, m->fstype, prop, m->source);
	else
		snprintf(buf, size, "%-*.*s %-7.7s %s", tw, tw, m->target, m->fstype, prop);
}

static void mount_cols(int w, char *buf, size_t size)
{
	int tw = mount_target_w(w);

	if (w > MOUNT_WIDE)
		snprintf(buf, size, "%-*s %-8s %-13s %s", tw, "MOUNT POINT", "TYPE", "PROPAGATION", "SOURCE");
	else
		snprintf(buf, size, "%-*s %-7s %s", tw, "MOUNT POINT", "TYPE", "PROP");
}

static void draw_mounts(struct panel *p, const struct tui *t)
{
	const struct tui_data *d = t->data;
	char host[32], inside[32], cols[2][128];
	int w[2];

	panel_cell_widths(p, w);
	snprintf(host, sizeof(host), "%zu mounts", data_mounts(d, SIDE_HOST)->n);
	snprintf(inside, sizeof(inside), "%zu mounts", data_mounts(d, SIDE_INSIDE)->n);
	for (int side = 0; side < 2; side++)
		mount_cols(w[side], cols[side], sizeof(cols[side]));
	panel_set_rows(p, d->rows[PART_MOUNTS].n);
	panel_frame(p, t, host, inside, cols[0], cols[1]);
	panel_draw_rows(p, t, &d->rows[PART_MOUNTS], mount_cell);
	draw_errors(p, t);
}

/* ---- Links, matched by name */

static void link_cell(const void *item, int side, int w, char *buf, size_t size)
{
	const struct link_info *k = item;
	size_t len;

	(void)side;
	(void)w;
	len = (size_t)snprintf(buf, size, "%-10.10s %3d %-4s", k->name, k->index, k->up ? "up" : "down");
	if (k->kind[0] && len < size)
		len += (size_t)snprintf(buf + len, size - len, " %s", k->kind);
	for (int i = 0; i < k->n_addrs && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, " %s", k->addrs[i].text);
}

static void draw_links(struct panel *p, const struct tui *t)
{
	const struct tui_data *d = t->data;
	char host[32], inside[32];
	const char *cols = "LINK         #      KIND ADDRESSES";

	snprintf(host, sizeof(host), "%zu links", data_links(d, SIDE_HOST)->n);
	snprintf(inside, sizeof(inside), "%zu links", data_links(d, SIDE_INSIDE)->n);
	panel_set_rows(p, d->rows[PART_LINKS].n);
	panel_frame(p, t, host, inside, cols, cols);
	panel_draw_rows(p, t, &d->rows[PART_LINKS], link_cell);
	draw_errors(p, t);
}

/* ---- Memory: the host's /proc/meminfo next to the container's cgroup */

#define MEM_LINES 6

struct mem_cell {
	char text[96];
	int role;
	double bar; /* >= 0: a bar filled this far, text after it */
};

static void kb_text(long long kb, char *buf, size_t size)
{
	size_format_known(kb < 0 ? -1 : kb * 1024, buf, size);
}

static void cell_set(struct mem_cell *c, int role, const char *label, const char *value)
{
	snprintf(c->text, sizeof(c->text), "%-10s %s", label, value);
	c->role = role;
	c->bar = -1;
}

static void mem_host(const struct tui_data *d, struct mem_cell c[MEM_LINES])
{
	const struct meminfo *m = &d->host_mem;
	long long used = m->total_kb >= 0 && m->available_kb >= 0 ? m->total_kb - m->available_kb : -1;
	char a[32], b[32], v[80];

	kb_text(used, a, sizeof(a));
	kb_text(m->total_kb, b, sizeof(b));
	snprintf(c[0].text, sizeof(c[0].text), "%s of %s", a, b);
	c[0].bar = used >= 0 && m->total_kb > 0 ? (double)used / (double)m->total_kb : 0;
	kb_text(m->available_kb, a, sizeof(a));
	cell_set(&c[1], ROLE_NORMAL, "available", a);
	kb_text(m->total_kb, a, sizeof(a));
	cell_set(&c[2], ROLE_NORMAL, "total", a);
	kb_text(m->cached_kb, a, sizeof(a));
	cell_set(&c[3], ROLE_NORMAL, "cached", a);
	kb_text(m->swap_total_kb >= 0 && m->swap_free_kb >= 0 ? m->swap_total_kb - m->swap_free_kb : -1, a, sizeof(a));
	kb_text(m->swap_total_kb, b, sizeof(b));
	snprintf(v, sizeof(v), "%s of %s", a, b);
	cell_set(&c[4], ROLE_NORMAL, "swap used", v);
	snprintf(v, sizeof(v), "%zu", d->n_host);
	cell_set(&c[5], ROLE_NORMAL, "processes", v);
}

static void mem_cgroup(const struct tui_data *d, struct mem_cell c[MEM_LINES])
{
	const struct cgroup_stats *s = &d->cg;
	long long host_total = d->host_mem.total_kb > 0 ? d->host_mem.total_kb * 1024 : -1;
	long long limit = s->mem_limit > 0 ? s->mem_limit : host_total;
	char a[32], b[32], v[80];

	size_format_known(s->mem_current, a, sizeof(a));
	size_format_known(limit, b, sizeof(b));
	snprintf(c[0].text, sizeof(c[0].text), "%s of %s%s", a, b, s->mem_limit > 0 ? "" : " (host)");
	c[0].bar = s->mem_current >= 0 && limit > 0 ? (double)s->mem_current / (double)limit : 0;
	snprintf(v, sizeof(v), "%lld", s->oom_kill < 0 ? 0 : s->oom_kill);
	cell_set(&c[1], s->oom_kill > 0 ? ROLE_WARN : ROLE_NORMAL, "OOM kills", s->oom_kill < 0 ? "-" : v);
	size_format_known(s->mem_limit, a, sizeof(a));
	cell_set(&c[2], ROLE_NORMAL, "limit", s->mem_limit < 0 ? "max" : a);
	size_format_known(s->mem_peak, a, sizeof(a));
	cell_set(&c[3], ROLE_NORMAL, "peak", a);
	kb_text(d->rss_inside_kb, a, sizeof(a));
	snprintf(v, sizeof(v), "%zu, RSS %s", d->n_inside, a);
	cell_set(&c[4], ROLE_NORMAL, "processes", v);
	if (s->pids_current >= 0 && s->pids_max >= 0)
		snprintf(v, sizeof(v), "%lld of %lld", s->pids_current, s->pids_max);
	else
		snprintf(v, sizeof(v), "%lld of max", s->pids_current);
	cell_set(&c[5], ROLE_NORMAL, "pids", s->pids_current < 0 ? "-" : v);
}

/* Without a cgroup: what its processes use, against the host's memory. */
static void mem_no_cgroup(const struct tui_data *d, struct mem_cell c[MEM_LINES])
{
	char a[32], v[80];

	kb_text(d->rss_inside_kb, a, sizeof(a));
	snprintf(c[0].text, sizeof(c[0].text), "RSS %s", a);
	c[0].bar = d->host_mem.total_kb > 0 ? (double)d->rss_inside_kb / (double)d->host_mem.total_kb : 0;
	cell_set(&c[1], ROLE_NORMAL, "OOM kills", "- (no cgroup)");
	cell_set(&c[2], ROLE_NORMAL, "limit", d->ct ? "none: limit memory SIZE" : "not nslab's");
	snprintf(v, sizeof(v), "%zu", d->n_inside);
	cell_set(&c[3], ROLE_NORMAL, "processes", v);
	for (int i = 4; i < MEM_LINES; i++)
		cell_set(&c[i], ROLE_NORMAL, "", "");
}

/* "[|||||      ] TEXT": the filled part in its own colour (or bold). */
static void draw_bar(const struct tui *t, int y, int x, int w, const struct mem_cell *c)
{
	int tw = (int)strlen(c->text), bw = w - tw - 3; /* "[", "] " */
	char fill[256];

	if (bw < 4) {
		panel_text(y, x, w, A_NORMAL, c->text);
		return;
	}
	if (bw > (int)sizeof(fill) - 1)
		bw = (int)sizeof(fill) - 1;
	double f = c->bar > 1 ? 1 : c->bar < 0 ? 0 : c->bar;
	int n = (int)(f * bw + 0.5);
	if (f > 0 && n == 0)
		n = 1;
	memset(fill, '|', (size_t)n);
	fill[n] = '\0';
	panel_text(y, x, 1, A_NORMAL, "[");
	panel_text(y, x + 1, n, tui_attr(t, f >= 0.9 ? ROLE_BAR_HIGH : ROLE_BAR), fill);
	panel_text(y, x + 1 + n, bw - n, A_NORMAL, "");
	panel_text(y, x + 1 + bw, 2, A_NORMAL, "]");
	panel_text(y, x + 3 + bw, tw, A_NORMAL, c->text);
}

/* "nslab/ID" out of the cgroup's path, the part a person recognises. */
static const char *cgroup_name(const struct tui_data *d)
{
	const char *dir = d->ct && d->ct->has_cgroup ? d->ct->cg.dir[CG_MEMORY] : "";
	const char *nslab = strstr(dir, "nslab/");

	return nslab ? nslab : dir;
}

static void mem_titles(const struct tui_data *d, char *host, char *inside, size_t size)
{
	char a[32];

	kb_text(d->host_mem.total_kb, a, sizeof(a));
	snprintf(host, size, "%s RAM", a);
	size_format_known(d->cg.mem_limit, a, sizeof(a));
	if (!d->have_cg)
		snprintf(inside, size, "no cgroup");
	else if (d->cg.mem_limit < 0)
		snprintf(inside, size, "no limit");
	else
		snprintf(inside, size, "limit %s", a);
}

static void draw_mem(struct panel *p, const struct tui *t)
{
	const struct tui_data *d = t->data;
	struct mem_cell cells[2][MEM_LINES];
	int w[2], h = panel_body_h(p);
	char host[48], inside[48], cg[PATH_MAX + 8];

	memset(cells, 0, sizeof(cells));
	mem_host(d, cells[SIDE_HOST]);
	if (d->have_cg)
		mem_cgroup(d, cells[SIDE_INSIDE]);
	else
		mem_no_cgroup(d, cells[SIDE_INSIDE]);
	snprintf(cg, sizeof(cg), "cgroup %s", cgroup_name(d));
	mem_titles(d, host, inside, sizeof(host));
	panel_set_rows(p, MEM_LINES);
	panel_cell_widths(p, w);
	panel_frame(p, t, host, inside, "/proc/meminfo", d->have_cg ? cg : "its processes' RSS");
	for (int line = 0; line < h; line++) {
		size_t i = p->scroll + (size_t)line;
		const char *text[2] = {"", ""};
		int roles[2] = {ROLE_NORMAL, ROLE_NORMAL};
		for (int side = 0; i < MEM_LINES && side < 2; side++) {
			text[side] = i == 0 ? "" : cells[side][i].text; /* line 0: the bars */
			roles[side] = cells[side][i].role;
		}
		panel_row(p, t, line, ' ', text, roles);
		for (int side = 0; i == 0 && side < 2; side++)
			draw_bar(t, p->r.y + 2 + line, p->r.x + 1 + side * (w[0] + 1), w[side], &cells[side][0]);
	}
	draw_errors(p, t);
}

void panels_init(struct tui *t)
{
	panel_init(&t->panels[PART_PIDS], "PIDs", PART_PIDS, draw_pids);
	panel_init(&t->panels[PART_MOUNTS], "Mounts", PART_MOUNTS, draw_mounts);
	panel_init(&t->panels[PART_LINKS], "Links", PART_LINKS, draw_links);
	panel_init(&t->panels[PART_MEM], "Memory", PART_MEM, draw_mem);
}
