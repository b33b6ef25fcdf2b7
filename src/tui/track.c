/* New and vanished marks for keyed lists: this refresh's keys against the last one's. */
#include <string.h>

#include "nslab/util.h"
#include "track.h"

#define SORT_MAX_SIZE 64

void tui_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *), void *ctx)
{
	/* Shell sort with Ciura's gaps (extended): lists are a few hundred long. */
	static const size_t gaps[] = {8929, 3967, 1750, 701, 301, 132, 57, 23, 10, 4, 1};
	unsigned char tmp[SORT_MAX_SIZE];
	unsigned char *b = base;

	if (size > sizeof(tmp))
		return;
	for (size_t g = 0; g < ARRAY_SIZE(gaps); g++) {
		size_t gap = gaps[g];
		for (size_t i = gap; i < n; i++) {
			size_t j = i;
			memcpy(tmp, b + i * size, size);
			for (; j >= gap && cmp(b + (j - gap) * size, tmp, ctx) > 0; j -= gap)
				memcpy(b + j * size, b + (j - gap) * size, size);
			memcpy(b + j * size, tmp, size);
		}
	}
}

uint64_t track_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void track_init(struct track *t, size_t item_size, const char *(*key)(const void *item))
{
	memset(t, 0, sizeof(*t));
	t->item_size = item_size;
	t->key = key;
	t->ghosts = xcalloc(TRACK_GHOSTS, item_size);
}

void track_free(struct track *t)
{
	free(t->keys[0].v);
	free(t->keys[1].v);
	free(t->ghosts);
	memset(t, 0, sizeof(*t));
}

static int key_cmp(const void *a, const void *b, void *ctx)
{
	const struct track_key *x = a, *y = b;

	(void)ctx;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static const struct track_key *keys_find(const struct track_keys *k, uint64_t hash)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->v[mid].hash == hash)
			return &k->v[mid];
		if (k->v[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The keys of items, sorted, one per key: a later mount on the same point hides an earlier one. */
static void keys_fill(const struct track *t, struct track_keys *k, const void *items, size_t n)
{
	const unsigned char *it = items;
	size_t out = 0;

	if (n > k->cap) {
		k->cap = n + n / 2 + 8;
		k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	for (size_t i = 0; i < n; i++)
		k->v[i] = (struct track_key){track_hash(t->key(it + i * t->item_size)), i, 0};
	tui_sort(k->v, n, sizeof(*k->v), key_cmp, NULL);
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || k->v[i + 1].hash != k->v[i].hash)
			k->v[out++] = k->v[i];
	k->n = out;
}

static void ghost_drop(struct track *t, uint64_t hash)
{
	for (size_t i = 0; i < TRACK_GHOSTS; i++)
		if (t->ghost_gen[i] && t->ghost_hash[i] == hash)
			t->ghost_gen[i] = 0;
}

static void ghost_add(struct track *t, const void *item, uint64_t hash, size_t idx, unsigned gen)
{
	size_t slot = 0;

	/* A free slot, else the oldest. */
	for (size_t i = 0; i < TRACK_GHOSTS; i++) {
		if (!t->ghost_gen[i]) {
			slot = i;
			break;
		}
		if (t->ghost_gen[i] < t->ghost_gen[slot])
			slot = i;
	}
	memcpy(t->ghosts + slot * t->item_size, item, t->item_size);
	t->ghost_hash[slot] = hash;
	t->ghost_gen[slot] = gen;
	t->ghost_idx[slot] = idx;
}

void track_update(struct track *t, const void *items, size_t n, const void *prev, unsigned gen)
{
	struct track_keys *cur = &t->keys[!t->cur], *old = &t->keys[t->cur];
	const unsigned char *p = prev;

	keys_fill(t, cur, items, n);
	for (size_t i = 0; i < cur->n; i++) {
		const struct track_key *o = keys_find(old, cur->v[i].hash);
		cur->v[i].born = o ? o->born : t->primed ? gen : 0;
		if (!o)
			ghost_drop(t, cur->v[i].hash);
	}
	for (size_t i = 0; t->primed && prev && i < old->n; i++)
		if (!keys_find(cur, old->v[i].hash))
			ghost_add(t, p + old->v[i].idx * t->item_size, old->v[i].hash, old->v[i].idx, gen);
	for (size_t i = 0; i < TRACK_GHOSTS; i++)
		if (t->ghost_gen[i] && gen - t->ghost_gen[i] >= TRACK_KEEP)
			t->ghost_gen[i] = 0;
	t->cur = !t->cur;
	t->primed = true;
	t->gen = gen;
}

const struct track_key *track_find(const struct track *t, uint64_t hash)
{
	return keys_find(&t->keys[t->cur], hash);
}

bool track_is_new(const struct track *t, const struct track_key *k)
{
	return k->born && t->gen - k->born < TRACK_KEEP;
}

const void *track_ghost(const struct track *t, uint64_t hash)
{
	for (size_t i = 0; i < TRACK_GHOSTS; i++)
		if (t->ghost_gen[i] && t->ghost_hash[i] == hash)
			return t->ghosts + i * t->item_size;
	return NULL;
}

const void *track_ghost_at(const struct track *t, size_t i, uint64_t *hash, size_t *idx)
{
	if (i >= TRACK_GHOSTS || !t->ghost_gen[i])
		return NULL;
	*hash = t->ghost_hash[i];
	*idx = t->ghost_idx[i];
	return t->ghosts + i * t->item_size;
}
