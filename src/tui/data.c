/* The live data: probes refreshed per tick into reused buffers, rows for the panels. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "nslab/util.h"
#include "data.h"

static const char *mount_key(const void *item)
{
	return ((const struct mount_info *)item)->target;
}

static const char *link_key(const void *item)
{
	return ((const struct link_info *)item)->name;
}

void data_init(struct tui_data *d, pid_t target, const struct container *ct)
{
	memset(d, 0, sizeof(*d));
	d->target = target;
	d->ct = ct;
	proc_table_init(&d->procs, target);
	for (int side = 0; side < 2; side++) {
		track_init(&d->mounts_track[side], sizeof(struct mount_info), mount_key);
		track_init(&d->links_track[side], sizeof(struct link_info), link_key);
	}
}

void data_free(struct tui_data *d)
{
	proc_table_free(&d->procs);
	for (int side = 0; side < 2; side++) {
		for (int b = 0; b < 2; b++) {
			mount_list_free(&d->mounts[side][b]);
			link_list_free(&d->links[side][b]);
		}
		track_free(&d->mounts_track[side]);
		track_free(&d->links_track[side]);
	}
	for (int p = 0; p < PART_MEM; p++)
		free(d->rows[p].v);
	memset(d, 0, sizeof(*d));
}

const struct mount_list *data_mounts(const struct tui_data *d, int side)
{
	return &d->mounts[side][d->mounts_cur[side]];
}

const struct link_list *data_links(const struct tui_data *d, int side)
{
	return &d->links[side][d->links_cur[side]];
}

static void note(struct tui_data *d, enum tui_part part, int side, const struct nslab_error *e)
{
	snprintf(d->error[part][side], sizeof(d->error[part][side]), "%s", e && e->msg[0] ? e->msg : "");
}

/* ---- probing */

static pid_t side_pid(const struct tui_data *d, int side)
{
	return side == SIDE_HOST ? 0 : d->target;
}

static void read_mounts(struct tui_data *d, int side)
{
	struct nslab_error e = {0};
	int spare = !d->mounts_cur[side];
	struct mount_list *l = &d->mounts[side][spare];

	l->n = 0;
	if (probe_mounts_read(side_pid(d, side), l, &e) < 0) {
		note(d, PART_MOUNTS, side, &e);
		return;
	}
	note(d, PART_MOUNTS, side, NULL);
	track_update(&d->mounts_track[side], l->v, l->n, data_mounts(d, side)->v, d->gen);
	d->mounts_cur[side] = spare;
}

static void read_links(struct tui_data *d, int side)
{
	struct nslab_error e = {0};
	int spare = !d->links_cur[side];
	struct link_list *l = &d->links[side][spare];

	l->n = 0;
	if (probe_links_read(side_pid(d, side), l, &e) < 0) {
		note(d, PART_LINKS, side, &e);
		return;
	}
	note(d, PART_LINKS, side, NULL);
	track_update(&d->links_track[side], l->v, l->n, data_links(d, side)->v, d->gen);
	d->links_cur[side] = spare;
}

static void read_ids(struct tui_data *d)
{
	struct nslab_error e = {0};

	for (int side = 0; side < 2; side++) {
		if (probe_ids_read(side_pid(d, side), &d->ids_spare, &e) < 0)
			return;
		d->ids[side] = d->ids_spare;
	}
	d->have_ids = true;
}

static void count_procs(struct tui_data *d);

static void read_procs(struct tui_data *d)
{
	struct nslab_error e = {0};

	if (proc_table_refresh(&d->procs, PROC_REFRESH_TARGET, &e) < 0) {
		note(d, PART_PIDS, SIDE_HOST, &e);
		return;
	}
	note(d, PART_PIDS, SIDE_HOST, NULL);
	if (!d->procs_first_gen)
		d->procs_first_gen = d->procs.generation;
	count_procs(d);
}

/* Between full passes only the container's own processes are re-read: the
 * cost of a fast refresh does not grow with the host's process count. */
static void update_target_procs(struct tui_data *d)
{
	for (size_t i = 0; i < d->procs.n; i++)
		if (d->procs.v[i].in_target && !d->procs.v[i].gone)
			proc_table_update(&d->procs, &d->procs.v[i]);
	count_procs(d);
}

static void count_procs(struct tui_data *d)
{
	d->n_host = d->n_inside = 0;
	d->rss_inside_kb = 0;
	for (size_t i = 0; i < d->procs.n; i++) {
		const struct proc_info *p = &d->procs.v[i];
		if (p->gone)
			continue;
		d->n_host++;
		if (p->in_target) {
			d->n_inside++;
			d->rss_inside_kb += p->rss_kb > 0 ? p->rss_kb : 0;
		}
	}
}

static void read_mem(struct tui_data *d)
{
	struct nslab_error e = {0};

	if (probe_meminfo_read(&d->host_mem, &e) < 0)
		note(d, PART_MEM, SIDE_HOST, &e);
	d->have_cg = d->ct && container_stats(d->ct, &d->cg) == 0;
}

/* Ended: gone from /proc, a zombie waiting for nslab to reap it, or its pid reused. */
static bool target_ended(struct tui_data *d)
{
	const struct proc_info *p = proc_table_find(&d->procs, d->target);

	if (d->procs.target_gone || (p && (p->gone || p->state == 'Z' || p->state == 'X')))
		return true;
	return !p && kill(d->target, 0) < 0 && errno == ESRCH;
}

#define SLOW_PASS_NS 1000000000ULL

void data_refresh(struct tui_data *d)
{
	if (d->exited) {
		read_mem(d); /* the cgroup's last figures (an OOM kill) arrive as it ends */
		return;
	}
	/* The whole /proc scan, mounts, links and identity change slowly and cost
	 * the most: at most once a second, however fast the panels refresh. */
	unsigned long long now = now_ns();
	bool slow = !d->last_slow || now - d->last_slow >= SLOW_PASS_NS;
	d->gen++;
	if (slow) {
		d->last_slow = now;
		read_procs(d);
	} else {
		update_target_procs(d);
	}
	if (target_ended(d)) {
		d->exited = true;
		read_mem(d);
		return;
	}
	for (int side = 0; slow && side < 2; side++) {
		read_mounts(d, side);
		read_links(d, side);
	}
	if (slow)
		read_ids(d);
	read_mem(d);
}

/* ---- rows */

static void rows_push(struct tui_rows *r, const struct tui_row *row)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n++] = *row;
}

static bool keep_row(const struct tui_row *row, bool diff_only)
{
	return !diff_only || !row->side[0] || !row->side[1] || row->differ || row->mark[0] || row->mark[1];
}

static int pid_cmp(const void *a, const void *b, void *ctx)
{
	const struct proc_info *x = ((const struct tui_row *)a)->side[SIDE_HOST];
	const struct proc_info *y = ((const struct tui_row *)b)->side[SIDE_HOST];

	(void)ctx;
	/* The container's processes first, by their inside pid; then the host's. */
	if (x->in_target != y->in_target)
		return x->in_target ? -1 : 1;
	if (x->in_target && x->nspid != y->nspid)
		return x->nspid < y->nspid ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void rows_pids(struct tui_data *d, bool diff_only)
{
	struct tui_rows *r = &d->rows[PART_PIDS];
	const struct proc_table *t = &d->procs;

	r->n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct proc_info *p = &t->v[i];
		bool born = p->born > d->procs_first_gen && t->generation - p->born < PROC_KEEP_GONE;
		unsigned char mark = p->gone ? MARK_GONE : born ? MARK_NEW : MARK_NONE;
		struct tui_row row = {{p, p->in_target ? p : NULL}, {mark, p->in_target ? mark : MARK_NONE}, false};
		if (keep_row(&row, diff_only))
			rows_push(r, &row);
	}
	tui_sort(r->v, r->n, sizeof(*r->v), pid_cmp, NULL);
}

/* A keyed panel: mounts matched by mount point, links by name. */
struct keyed {
	const struct track *t[2];
	const void *items[2];
	size_t n[2];
	bool (*same)(const void *host, const void *inside);
};

static const void *side_item(const struct keyed *k, int side, uint64_t hash, unsigned char *mark)
{
	const struct track *t = k->t[side];
	const struct track_key *key = track_find(t, hash);

	if (key) {
		*mark = track_is_new(t, key) ? MARK_NEW : MARK_NONE;
		return (const unsigned char *)k->items[side] + key->idx * t->item_size;
	}
	const void *ghost = track_ghost(t, hash);
	*mark = ghost ? MARK_GONE : MARK_NONE;
	return ghost;
}

static void keyed_row(struct tui_rows *r, const struct keyed *k, uint64_t hash, bool diff_only)
{
	struct tui_row row = {0};

	for (int side = 0; side < 2; side++)
		row.side[side] = side_item(k, side, hash, &row.mark[side]);
	row.differ = row.side[0] && row.side[1] && !k->same(row.side[0], row.side[1]);
	if (keep_row(&row, diff_only))
		rows_push(r, &row);
}

/* The key of item i of side; false when a later entry with the same key stands for it. */
static bool item_hash(const struct keyed *k, int side, size_t i, uint64_t *hash)
{
	const struct track *t = k->t[side];
	const void *item = (const unsigned char *)k->items[side] + i * t->item_size;
	const struct track_key *key;

	*hash = track_hash(t->key(item));
	key = track_find(t, *hash);
	return key && key->idx == i;
}

static bool current_anywhere(const struct keyed *k, uint64_t hash)
{
	return track_find(k->t[SIDE_HOST], hash) || track_find(k->t[SIDE_INSIDE], hash);
}

/* Vanished entries of side that stood before index `before` of its list, each once, in place. */
static void ghost_rows(struct tui_rows *r, const struct keyed *k, int side, size_t before, bool done[TRACK_GHOSTS],
                       bool diff_only)
{
	uint64_t hash;
	size_t idx;

	for (size_t g = 0; g < TRACK_GHOSTS; g++) {
		if (done[g] || !track_ghost_at(k->t[side], g, &hash, &idx) || idx > before)
			continue;
		done[g] = true;
		if (current_anywhere(k, hash))
			continue; /* shown with the other side's current entry */
		if (side == SIDE_HOST && track_ghost(k->t[SIDE_INSIDE], hash))
			continue; /* shown with the container's vanished entry */
		keyed_row(r, k, hash, diff_only);
	}
}

static void rows_keyed(struct tui_rows *r, const struct keyed *k, bool diff_only)
{
	bool done[2][TRACK_GHOSTS] = {{false}};
	uint64_t hash;

	r->n = 0;
	/* The container's entries in its own order, then what only the host has; what vanished stays
	 * where it was for a moment. */
	for (size_t i = 0; i < k->n[SIDE_INSIDE]; i++) {
		ghost_rows(r, k, SIDE_INSIDE, i, done[SIDE_INSIDE], diff_only);
		if (item_hash(k, SIDE_INSIDE, i, &hash))
			keyed_row(r, k, hash, diff_only);
	}
	ghost_rows(r, k, SIDE_INSIDE, SIZE_MAX, done[SIDE_INSIDE], diff_only);
	for (size_t i = 0; i < k->n[SIDE_HOST]; i++) {
		ghost_rows(r, k, SIDE_HOST, i, done[SIDE_HOST], diff_only);
		if (item_hash(k, SIDE_HOST, i, &hash) && !track_find(k->t[SIDE_INSIDE], hash))
			keyed_row(r, k, hash, diff_only);
	}
	ghost_rows(r, k, SIDE_HOST, SIZE_MAX, done[SIDE_HOST], diff_only);
}

static bool mount_same(const void *a, const void *b)
{
	return mount_info_same(a, b);
}

static bool link_same(const void *a, const void *b)
{
	return link_info_same(a, b);
}

void data_rows(struct tui_data *d, bool diff_only)
{
	struct keyed mounts = {.same = mount_same}, links = {.same = link_same};

	for (int side = 0; side < 2; side++) {
		mounts.t[side] = &d->mounts_track[side];
		mounts.items[side] = data_mounts(d, side)->v;
		mounts.n[side] = data_mounts(d, side)->n;
		links.t[side] = &d->links_track[side];
		links.items[side] = data_links(d, side)->v;
		links.n[side] = data_links(d, side)->n;
	}
	rows_pids(d, diff_only);
	rows_keyed(&d->rows[PART_MOUNTS], &mounts, diff_only);
	rows_keyed(&d->rows[PART_LINKS], &links, diff_only);
}

void data_update_visible(struct tui_data *d, size_t first, size_t count)
{
	const struct tui_rows *r = &d->rows[PART_PIDS];

	if (d->exited)
		return;
	for (size_t i = first; i < r->n && i < first + count; i++)
		if (!r->v[i].side[SIDE_INSIDE] && r->v[i].mark[SIDE_HOST] != MARK_GONE)
			proc_table_update(&d->procs, (struct proc_info *)r->v[i].side[SIDE_HOST]);
}
