/* Text views: host on the left, container on the right, one mark a row:
 * '=' the same on both sides, '!' present on both but different, '<' only
 * the host has it, '>' only the container has it. */
#include <string.h>

#include "nslab/size.h"
#include "view.h"

#define COL 37

static void row(FILE *out, char mark, const char *key, const char *left, const char *right)
{
	if (key)
		fprintf(out, "%c %-14.14s %-*.*s | %.*s\n", mark, key, COL - 15, COL - 15, left, COL, right);
	else
		fprintf(out, "%c %-*.*s | %.*s\n", mark, COL, COL, left, COL, right);
}

static void header(FILE *out, const char *key, const char *left, const char *right)
{
	row(out, ' ', key, left, right);
}

static char mark_of(bool host, bool inside, bool same)
{
	if (host && inside)
		return same ? '=' : '!';
	return host ? '<' : '>';
}

/* ---- processes */

static void ps_left(const struct proc_info *p, char *buf, size_t size)
{
	snprintf(buf, size, "%7d %5u %s", (int)p->pid, (unsigned)p->uid, p->cmdline);
}

static void ps_right(const struct proc_info *p, char *buf, size_t size)
{
	char rss[16], uid[16];

	snprintf(rss, sizeof(rss), "%lldK", p->rss_kb < 0 ? 0 : p->rss_kb);
	if (p->uid_inside < 0)
		snprintf(uid, sizeof(uid), "65534");
	else
		snprintf(uid, sizeof(uid), "%lld", p->uid_inside);
	snprintf(buf, size, "%5d %5s %c %6s %s", (int)p->nspid, uid, p->state, rss, p->cmdline);
}

static void view_ps(const struct snapshot *s, FILE *out)
{
	char l[160], r[160];
	size_t host_only = 0;

	fprintf(out, "processes: %d is the target; '=' runs in its PID namespace, '<' only the host sees it\n",
		(int)s->target);
	header(out, NULL, "    PID   UID COMMAND (host)", "  PID   UID S    RSS COMMAND (inside)");
	for (size_t i = 0; i < s->procs.n; i++) {
		const struct proc_info *p = &s->procs.v[i];
		if (!p->in_target || p->gone)
			continue;
		ps_left(p, l, sizeof(l));
		ps_right(p, r, sizeof(r));
		row(out, '=', NULL, l, r);
	}
	for (size_t i = 0; i < s->procs.n; i++) {
		const struct proc_info *p = &s->procs.v[i];
		if (p->in_target || p->gone)
			continue;
		ps_left(p, l, sizeof(l));
		row(out, '<', NULL, l, "");
		host_only++;
	}
	fprintf(out, "%zu processes only on the host\n", host_only);
}

/* ---- mounts, matched by mount point */

static const struct mount_info *find_mount(const struct mount_list *l, const char *target)
{
	const struct mount_info *found = NULL;

	/* The last one wins: a later mount hides an earlier one at the same place. */
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].target, target))
			found = &l->v[i];
	return found;
}

static void mount_cell(const struct mount_info *m, char *buf, size_t size)
{
	if (!m)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s %s %s", m->fstype, mount_propagation_name(m->propagation), m->source);
}

static void mount_row(FILE *out, const char *target, const struct mount_info *h, const struct mount_info *c)
{
	char l[300], r[300];
	bool same = h && c && mount_info_same(h, c);

	mount_cell(h, l, sizeof(l));
	mount_cell(c, r, sizeof(r));
	fprintf(out, "%c %-28.28s %-24.24s | %.40s\n", mark_of(h, c, same), target, l, r);
}

static void view_mounts(const struct snapshot *s, FILE *out)
{
	const struct mount_list *h = &s->mounts[SIDE_HOST], *c = &s->mounts[SIDE_INSIDE];

	fprintf(out, "mounts: %zu on the host, %zu inside; matched by mount point\n", h->n, c->n);
	fprintf(out, "  %-28s %-24s | %s\n", "MOUNT POINT", "HOST: type prop source", "CONTAINER: type prop source");
	for (size_t i = 0; i < c->n; i++)
		if (find_mount(c, c->v[i].target) == &c->v[i])
			mount_row(out, c->v[i].target, find_mount(h, c->v[i].target), &c->v[i]);
	for (size_t i = 0; i < h->n; i++)
		if (find_mount(h, h->v[i].target) == &h->v[i] && !find_mount(c, h->v[i].target))
			mount_row(out, h->v[i].target, &h->v[i], NULL);
}

/* ---- links, matched by name */

static const struct link_info *find_link(const struct link_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static void link_cell(const struct link_info *k, char *buf, size_t size)
{
	size_t len = 0;

	if (!k) {
		snprintf(buf, size, "-");
		return;
	}
	len += (size_t)snprintf(buf, size, "#%d %s%s%s", k->index, k->up ? "up" : "down", k->kind[0] ? " " : "", k->kind);
	if (k->peer_index && len < size)
		len += (size_t)snprintf(buf + len, size - len, " peer #%d", k->peer_index);
	for (int i = 0; i < k->n_addrs && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, " %s", k->addrs[i].text);
}

/* Cut a cell to width, marking the cut with '+' rather than hiding it. */
static const char *fit(char *cell, size_t width)
{
	if (strlen(cell) > width) {
		cell[width - 1] = '+';
		cell[width] = '\0';
	}
	return cell;
}

static void view_links(const struct snapshot *s, FILE *out)
{
	const struct link_list *h = &s->links[SIDE_HOST], *c = &s->links[SIDE_INSIDE];
	char l[256], r[256];

	fprintf(out, "links: %zu on the host, %zu inside; '!' the same name names another device (another namespace)\n", h->n, c->n);
	fprintf(out, "  %-14s %-34s | %s\n", "LINK", "HOST", "CONTAINER");
	for (size_t i = 0; i < c->n; i++) {
		const struct link_info *hk = find_link(h, c->v[i].name);
		link_cell(hk, l, sizeof(l));
		link_cell(&c->v[i], r, sizeof(r));
		bool same = hk && link_info_same(hk, &c->v[i]);
		fprintf(out, "%c %-14.14s %-34s | %.40s\n", mark_of(hk, true, same), c->v[i].name, fit(l, 34), r);
	}
	for (size_t i = 0; i < h->n; i++) {
		if (find_link(c, h->v[i].name))
			continue;
		link_cell(&h->v[i], l, sizeof(l));
		fprintf(out, "< %-14.14s %-34s | -\n", h->v[i].name, fit(l, 34));
	}
}

/* ---- memory */

static void kb_text(long long kb, char *buf, size_t size)
{
	size_format_known(kb < 0 ? -1 : kb * 1024, buf, size);
}

static void view_mem(const struct snapshot *s, FILE *out)
{
	const struct meminfo *m = &s->host_mem;
	char l[64], r[64];
	long long rss = 0;
	size_t n = 0;

	for (size_t i = 0; i < s->procs.n; i++)
		if (s->procs.v[i].in_target && !s->procs.v[i].gone) {
			rss += s->procs.v[i].rss_kb > 0 ? s->procs.v[i].rss_kb : 0;
			n++;
		}
	fprintf(out, "memory: the host's /proc/meminfo next to the container's cgroup\n");
	header(out, "", "HOST", s->have_cg ? "CONTAINER (cgroup)" : "CONTAINER (no cgroup: limit memory SIZE)");
	kb_text(m->total_kb, l, sizeof(l));
	size_format_known(s->have_cg ? s->cg.mem_limit : -1, r, sizeof(r));
	row(out, ' ', "total / limit", l, s->have_cg && s->cg.mem_limit < 0 ? "max" : r);
	kb_text(m->total_kb >= 0 && m->available_kb >= 0 ? m->total_kb - m->available_kb : -1, l, sizeof(l));
	size_format_known(s->have_cg ? s->cg.mem_current : -1, r, sizeof(r));
	row(out, ' ', "in use", l, r);
	size_format_known(s->have_cg ? s->cg.mem_peak : -1, r, sizeof(r));
	row(out, ' ', "peak", "-", r);
	kb_text(m->available_kb, l, sizeof(l));
	row(out, ' ', "available", l, "-");
	snprintf(r, sizeof(r), "%lld", s->have_cg ? s->cg.oom_kill : -1LL);
	row(out, ' ', "OOM kills", "-", s->have_cg && s->cg.oom_kill >= 0 ? r : "-");
	snprintf(l, sizeof(l), "%zu", s->procs.n);
	kb_text(rss, r, sizeof(r));
	char procs[64];
	snprintf(procs, sizeof(procs), "%zu, RSS %s", n, r);
	row(out, ' ', "processes", l, procs);
}

/* ---- identity and namespaces */

static void map_text(const struct idmap *m, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (!m->n)
		snprintf(buf, size, "(none)");
	for (size_t i = 0; i < m->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%u %u %u", i ? ", " : "", m->lines[i].inside,
					m->lines[i].outside, m->lines[i].count);
}

static void id_row(FILE *out, const char *key, const char *l, const char *r)
{
	row(out, strcmp(l, r) ? '!' : '=', key, l, r);
}

static void view_ids(const struct snapshot *s, FILE *out)
{
	const struct id_view *h = &s->ids[SIDE_HOST], *c = &s->ids[SIDE_INSIDE];
	char l[1100], r[1100];

	fprintf(out, "identity: what nslab sees next to what %d sees\n", (int)s->target);
	header(out, "", "HOST", "CONTAINER");
	id_row(out, "hostname", h->hostname, c->hostname);
	id_row(out, "domainname", h->domainname, c->domainname);
	map_text(&h->uidmap, l, sizeof(l));
	map_text(&c->uidmap, r, sizeof(r));
	id_row(out, "uid_map", l, r);
	map_text(&h->gidmap, l, sizeof(l));
	map_text(&c->gidmap, r, sizeof(r));
	id_row(out, "gid_map", l, r);
	id_row(out, "setgroups", h->setgroups, c->setgroups);
	snprintf(l, sizeof(l), "%u (euid %u)", (unsigned)h->uid, (unsigned)h->euid);
	snprintf(r, sizeof(r), "%u (euid %u) outside", (unsigned)c->uid, (unsigned)c->euid);
	row(out, ' ', "uid", l, r);
	id_row(out, "caps effective", h->cap_eff_names, c->cap_eff_names);
	snprintf(l, sizeof(l), "%016llx", (unsigned long long)h->cap_prm);
	snprintf(r, sizeof(r), "%016llx", (unsigned long long)c->cap_prm);
	id_row(out, "caps permitted", l, r);
	snprintf(l, sizeof(l), "monotonic %+llds boottime %+llds", h->offset_monotonic, h->offset_boottime);
	snprintf(r, sizeof(r), "monotonic %+llds boottime %+llds", c->offset_monotonic, c->offset_boottime);
	id_row(out, "clock offsets", l, r);
	snprintf(l, sizeof(l), "%.0f s", h->uptime);
	snprintf(r, sizeof(r), "%.0f s", c->uptime);
	id_row(out, "uptime", l, r);
}

static void view_ns(const struct snapshot *s, FILE *out)
{
	const struct id_view *h = &s->ids[SIDE_HOST], *c = &s->ids[SIDE_INSIDE];

	fprintf(out, "namespaces: '=' shared with the host, '!' the container has its own\n");
	fprintf(out, "  %-8s %-12s %-12s %s\n", "KIND", "HOST", "CONTAINER", "OWNED BY USER NS");
	for (int k = 0; k < NS_COUNT; k++) {
		bool same = h->ns.ino[k] == c->ns.ino[k];
		char owner[32] = "-";
		if (c->ns.owner[k])
			snprintf(owner, sizeof(owner), "%llu%s", c->ns.owner[k],
				 c->ns.owner[k] == h->ns.ino[NS_USER] ? " (the host's)" : "");
		fprintf(out, "%c %-8s %-12llu %-12llu %s\n", same ? '=' : '!', ns_table[k].name, h->ns.ino[k], c->ns.ino[k],
			owner);
	}
}

void view_text(const struct snapshot *s, enum view_part part, FILE *out)
{
	if (!s->have[part]) {
		fprintf(out, "%s: %s\n", view_part_names[part], s->errors[part][0] ? s->errors[part] : "not probed");
		return;
	}
	switch (part) {
	case VIEW_PS: view_ps(s, out); break;
	case VIEW_MOUNTS: view_mounts(s, out); break;
	case VIEW_LINKS: view_links(s, out); break;
	case VIEW_MEM: view_mem(s, out); break;
	case VIEW_IDS: view_ids(s, out); break;
	case VIEW_NS: view_ns(s, out); break;
	default: break;
	}
}
