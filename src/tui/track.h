/* New and vanished marks for keyed lists (mounts by mount point, links by
 * name): each refresh's keys compared with the previous refresh's. No curses. */
#ifndef NSLAB_TUI_TRACK_H
#define NSLAB_TUI_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACK_KEEP   3  /* refreshes a new or vanished mark stays, as PROC_KEEP_GONE */
#define TRACK_GHOSTS 32 /* vanished entries shown at once per list; more lose their mark */

struct track_key {
	uint64_t hash;
	size_t idx;    /* index in the current list */
	unsigned born; /* refresh it appeared; 0: there from the start */
};

struct track_keys {
	struct track_key *v; /* sorted by hash; one entry per key (the last one in the list wins) */
	size_t n, cap;
};

struct track {
	size_t item_size;
	const char *(*key)(const void *item);
	struct track_keys keys[2]; /* [cur] and the previous refresh's */
	int cur;
	bool primed;           /* updated at least once: later keys are new */
	unsigned gen;          /* the refresh of the last update */
	unsigned char *ghosts; /* TRACK_GHOSTS copies of vanished items */
	uint64_t ghost_hash[TRACK_GHOSTS];
	unsigned ghost_gen[TRACK_GHOSTS]; /* refresh it vanished; 0: free slot */
	size_t ghost_idx[TRACK_GHOSTS];   /* where it was in its list, to show it in place */
};

uint64_t track_hash(const char *s);
void track_init(struct track *t, size_t item_size, const char *(*key)(const void *item));
void track_free(struct track *t);
/* items: this refresh's list; prev: the list the last update saw, still
 * intact (vanished items are copied from it). gen counts from 1. */
void track_update(struct track *t, const void *items, size_t n, const void *prev, unsigned gen);

const struct track_key *track_find(const struct track *t, uint64_t hash);
bool track_is_new(const struct track *t, const struct track_key *k);
/* A vanished item with this key still shown, or NULL. */
const void *track_ghost(const struct track *t, uint64_t hash);
/* Slot i of the vanished items (i < TRACK_GHOSTS), NULL when free; idx: its place in the list. */
const void *track_ghost_at(const struct track *t, size_t i, uint64_t *hash, size_t *idx);

/* In-place sort without allocation (glibc's qsort may malloc): size <= 64. */
void tui_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *), void *ctx);

#endif
