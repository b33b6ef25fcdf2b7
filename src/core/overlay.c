/* Overlay layers: the mount option string, what the upper dir changed (docker diff), and which layer a path is from. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "nslab/overlay.h"
#include "nslab/util.h"

/* The kernel's OVL_MAX_STACK: overlayfs stacks at most this many lower layers. */
#define OVL_MAX_STACK 500
/* Symbolic links followed while resolving one path, as the VFS's MAXSYMLINKS. */
#define OVL_MAX_LINKS 40

/* ---- the mount option string */

/* Counts the whole length even when buf is full, so the error can say how long it would be. */
struct opt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void opt_putc(struct opt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void opt_puts(struct opt_out *o, const char *s)
{
	while (*s)
		opt_putc(o, *s++);
}

/* overlayfs splits the options at ',' and lowerdir at ':' unless escaped, then
 * drops the '\\' before any character of a layer path (ovl_next_opt,
 * ovl_parse_param_split_lowerdirs, ovl_unescape in fs/overlayfs/params.c). */
static void opt_put_path(struct opt_out *o, const char *path)
{
	for (; *path; path++) {
		if (*path == ',' || *path == ':' || *path == '\\')
			opt_putc(o, '\\');
		opt_putc(o, *path);
	}
}

static bool given(const char *s) { return s && *s; }

static int options_check(const char *const *lower, size_t n_lower, const char *upper, const char *work,
			 struct nslab_error *e)
{
	if (n_lower == 0)
		return nslab_error_set(e, EINVAL, "", "overlay: at least one lower layer is needed");
	if (n_lower > OVL_MAX_STACK)
		return nslab_error_set(e, EINVAL, "", "overlay: %zu lower layers, but overlayfs stacks at most %d",
				       n_lower, OVL_MAX_STACK);
	for (size_t i = 0; i < n_lower; i++)
		if (!given(lower[i]))
			return nslab_error_set(e, EINVAL, "", "overlay: lower layer %zu has an empty path", i);
	if (given(upper) != given(work))
		return nslab_error_set(e, EINVAL, "",
				       "overlay: upperdir and workdir go together (overlayfs prepares each copy-up "
				       "in the work dir, then renames it into the upper dir)");
	return 0;
}

int overlay_options(const char *const *lower, size_t n_lower, const char *upper, const char *work, bool userxattr,
		    char *buf, size_t size, struct nslab_error *e)
{
	struct opt_out o = {.buf = buf, .size = size};
	long page = sysconf(_SC_PAGESIZE);
	size_t limit = page > 0 ? (size_t)page - 1 : 4095;

	if (options_check(lower, n_lower, upper, work, e) < 0)
		return -1;
	opt_puts(&o, "lowerdir=");
	for (size_t i = 0; i < n_lower; i++) {
		if (i)
			opt_putc(&o, ':');
		opt_put_path(&o, lower[i]);
	}
	if (given(upper)) {
		opt_puts(&o, ",upperdir=");
		opt_put_path(&o, upper);
		opt_puts(&o, ",workdir=");
		opt_put_path(&o, work);
	}
	if (userxattr)
		opt_puts(&o, ",userxattr");
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	if (o.len > limit)
		return nslab_error_set(e, E2BIG, "",
				       "overlay: the mount options are %zu bytes, but the kernel reads at most %zu (one "
				       "page) of mount data: use fewer layers or shorter layer paths",
				       o.len, limit);
	if (o.len >= size)
		return nslab_error_set(e, ENOSPC, "", "overlay: the mount options need %zu bytes, the buffer has %zu",
				       o.len + 1, size);
	return 0;
}

/* ---- reading layers the way overlayfs does */

/* The layers of one lookup, topmost first: the upper dir if any, then the lowers. */
struct ovl_stack {
	const char *dir[OVL_MAX_STACK + 1];
	size_t n;
};

/* A directory reached in the merged view of a stack. */
struct ovl_pos {
	char rel[PATH_MAX];             /* relative to each layer's root, "" is the root */
	bool merged[OVL_MAX_STACK + 1]; /* layers whose directory takes part in the merge */
	int top;                        /* topmost layer that has it */
};

enum hit_kind { HIT_MISSING, HIT_DELETED, HIT_DIR, HIT_OTHER };

struct ovl_hit {
	enum hit_kind kind;
	int layer; /* topmost layer that has it (HIT_DIR, HIT_OTHER) */
	mode_t mode;
};

/* What one layer holds at a path. */
enum entry_kind { ENTRY_MISSING, ENTRY_WHITEOUT, ENTRY_DIR, ENTRY_OPAQUE_DIR, ENTRY_OTHER };

static int path_join(char *out, const char *a, const char *b, struct nslab_error *e)
{
	int r = snprintf(out, PATH_MAX, "%s%s%s", a, *a && *b ? "/" : "", b);

	if (r < 0 || r >= PATH_MAX)
		return nslab_error_set(e, ENAMETOOLONG, "", "overlay: path too long: %s/%s", a, b);
	return 0;
}

/* A mount reads trusted.overlay.* or, with userxattr, user.overlay.*; a layer
 * does not say which it was written for, so either counts. As an ordinary
 * user trusted.* xattrs read as absent, which is what such a mount sees too. */
static const char *const ovl_xattr_prefix[] = {"trusted.overlay.", "user.overlay."};

static bool has_ovl_xattr(const char *path, const char *what)
{
	char key[64];

	for (size_t i = 0; i < ARRAY_SIZE(ovl_xattr_prefix); i++) {
		snprintf(key, sizeof(key), "%s%s", ovl_xattr_prefix[i], what);
		if (lgetxattr(path, key, NULL, 0) >= 0)
			return true;
	}
	return false;
}

/* "y" is opaque; "x" only marks a directory that holds xattr whiteouts. */
static bool is_opaque(const char *path)
{
	char key[64], val[2];

	for (size_t i = 0; i < ARRAY_SIZE(ovl_xattr_prefix); i++) {
		snprintf(key, sizeof(key), "%sopaque", ovl_xattr_prefix[i]);
		if (lgetxattr(path, key, val, sizeof(val)) == 1 && val[0] == 'y')
			return true;
	}
	return false;
}

/* The kernel writes whiteouts as 0/0 character devices; image tools may
 * write an empty file with an overlay.whiteout xattr instead. */
static bool is_whiteout(const char *path, const struct stat *st)
{
	if (S_ISCHR(st->st_mode))
		return st->st_rdev == makedev(0, 0);
	return S_ISREG(st->st_mode) && st->st_size == 0 && has_ovl_xattr(path, "whiteout");
}

static int entry_kind(const char *path, mode_t *mode, struct nslab_error *e)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		int err = errno;
		if (err == ENOENT || err == ENOTDIR)
			return ENTRY_MISSING;
		return nslab_error_set(e, err, "lstat", "%s: %s", path, strerror(err));
	}
	*mode = st.st_mode;
	if (is_whiteout(path, &st))
		return ENTRY_WHITEOUT;
	if (!S_ISDIR(st.st_mode))
		return ENTRY_OTHER;
	return is_opaque(path) ? ENTRY_OPAQUE_DIR : ENTRY_DIR;
}

static int stack_add(struct ovl_stack *s, const char *dir, struct nslab_error *e)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		int err = errno;
		return nslab_error_set(e, err, "stat", "overlay layer %s: %s", dir, strerror(err));
	}
	if (!S_ISDIR(st.st_mode))
		return nslab_error_set(e, ENOTDIR, "", "overlay layer %s is not a directory", dir);
	s->dir[s->n++] = dir;
	return 0;
}

static int stack_init(struct ovl_stack *s, const char *upper, const char *const *lower, size_t n_lower,
		      struct nslab_error *e)
{
	s->n = 0;
	if (n_lower > OVL_MAX_STACK)
		return nslab_error_set(e, EINVAL, "", "overlay: %zu lower layers, but overlayfs stacks at most %d",
				       n_lower, OVL_MAX_STACK);
	if (given(upper) && stack_add(s, upper, e) < 0)
		return -1;
	for (size_t i = 0; i < n_lower; i++)
		if (stack_add(s, lower[i], e) < 0)
			return -1;
	return 0;
}

/* The root merges every layer, whatever its xattrs say. */
static void pos_root(const struct ovl_stack *s, struct ovl_pos *pos)
{
	pos->rel[0] = '\0';
	pos->top = s->n ? 0 : -1;
	for (size_t i = 0; i < s->n; i++)
		pos->merged[i] = true;
}

/* Look NAME up in directory AT top-down, as ovl_lookup does: a whiteout ends
 * the search (hiding the name unless a layer above had it), so does a
 * non-directory; under a directory only directories merge, and an opaque one
 * is the last. CHILD, when given and the name is a directory, is where it is. */
static int ovl_lookup(const struct ovl_stack *s, const struct ovl_pos *at, const char *name, struct ovl_hit *hit,
		      struct ovl_pos *child, struct nslab_error *e)
{
	char rel[PATH_MAX], p[PATH_MAX];
	bool merged[OVL_MAX_STACK + 1] = {false};
	mode_t mode = 0;

	*hit = (struct ovl_hit){.kind = HIT_MISSING, .layer = -1};
	if (path_join(rel, at->rel, name, e) < 0)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		if (!at->merged[i])
			continue;
		if (path_join(p, s->dir[i], rel, e) < 0)
			return -1;
		int k = entry_kind(p, &mode, e);
		if (k < 0)
			return -1;
		if (k == ENTRY_MISSING)
			continue;
		if (k == ENTRY_WHITEOUT) {
			hit->kind = hit->kind == HIT_MISSING ? HIT_DELETED : hit->kind;
			break;
		}
		bool dir = k != ENTRY_OTHER;
		if (hit->kind == HIT_DIR && !dir)
			break;
		if (hit->kind == HIT_MISSING)
			*hit = (struct ovl_hit){.kind = dir ? HIT_DIR : HIT_OTHER, .layer = (int)i, .mode = mode};
		if (!dir)
			break;
		merged[i] = true;
		if (k == ENTRY_OPAQUE_DIR)
			break;
	}
	if (child && hit->kind == HIT_DIR) {
		memcpy(child->rel, rel, sizeof(rel));
		memcpy(child->merged, merged, sizeof(merged));
		child->top = hit->layer;
	}
	return 0;
}

/* ---- diff */

struct diff_walk {
	const char *upper;
	struct ovl_stack low; /* the lower layers alone: the image as it was */
	struct diff_entry *v;
	size_t n, cap;
	struct nslab_error *e;
};

static int diff_add(struct diff_walk *w, char kind, const char *rel)
{
	if (strlen(rel) + 2 > PATH_MAX)
		return nslab_error_set(w->e, ENAMETOOLONG, "", "overlay diff: path too long: /%s", rel);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 32;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n].kind = kind;
	snprintf(w->v[w->n].path, sizeof(w->v[w->n].path), "/%s", rel);
	w->n++;
	return 0;
}

/* Every component of rel was seen to be a directory, so only the last one
 * needs O_NOFOLLOW; the layer's own path may be a symlink on the host. */
static DIR *open_dir(const char *base, const char *rel, struct nslab_error *e)
{
	char p[PATH_MAX];

	if (path_join(p, base, rel, e) < 0)
		return NULL;
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (*rel ? O_NOFOLLOW : 0));
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		nslab_error_set(e, err, "opendir", "%s: %s", p, strerror(err));
	}
	return d;
}

static bool is_dot(const char *name) { return !strcmp(name, ".") || !strcmp(name, ".."); }

/* NAME, seen in lower layer i at directory LOW, is gone if that layer is the
 * one the lowers show and the upper dir has nothing of that name. */
static int diff_hidden_name(struct diff_walk *w, const struct ovl_pos *low, size_t i, const char *name)
{
	char rel[PATH_MAX], p[PATH_MAX];
	struct ovl_hit hit;
	mode_t mode;

	if (ovl_lookup(&w->low, low, name, &hit, NULL, w->e) < 0)
		return -1;
	if ((hit.kind != HIT_DIR && hit.kind != HIT_OTHER) || hit.layer != (int)i)
		return 0;
	if (path_join(rel, low->rel, name, w->e) < 0 || path_join(p, w->upper, rel, w->e) < 0)
		return -1;
	int k = entry_kind(p, &mode, w->e);
	if (k != ENTRY_MISSING)
		return k < 0 ? -1 : 0;
	return diff_add(w, 'D', rel);
}

/* The upper directory at LOW hides the lowers' one: what they had there is deleted. */
static int diff_hidden(struct diff_walk *w, const struct ovl_pos *low)
{
	for (size_t i = 0; i < w->low.n; i++) {
		if (!low->merged[i])
			continue;
		_cleanup_closedir_ DIR *d = open_dir(w->low.dir[i], low->rel, w->e);
		if (!d)
			return -1;
		struct dirent *de;
		while ((errno = 0, de = readdir(d)))
			if (!is_dot(de->d_name) && diff_hidden_name(w, low, i, de->d_name) < 0)
				return -1;
		if (errno)
			return nslab_error_set(w->e, errno, "readdir", "%s/%s: %s", w->low.dir[i], low->rel,
					       strerror(errno));
	}
	return 0;
}

static int diff_dir(struct diff_walk *w, const char *rel, const struct ovl_pos *low, bool hides);

/* One upper entry: D for a whiteout, C when the lowers have the path, else A.
 * LOW is the lowers' directory it sits in (NULL: they have none); HIDES says
 * that directory is opaque or under an opaque one. The buffers live on the
 * heap: this recurses once per directory level. */
static int diff_one(struct diff_walk *w, const char *dir, const struct ovl_pos *low, bool hides, const char *name)
{
	struct {
		char rel[PATH_MAX], p[PATH_MAX];
		struct ovl_pos child;
	} *b _cleanup_free_ = xmalloc(sizeof(*b));
	struct ovl_hit hit = {.kind = HIT_MISSING, .layer = -1};
	mode_t mode;

	if (path_join(b->rel, dir, name, w->e) < 0 || path_join(b->p, w->upper, b->rel, w->e) < 0)
		return -1;
	int k = entry_kind(b->p, &mode, w->e);
	if (k < 0)
		return -1;
	if (k == ENTRY_MISSING)
		return 0;
	if (k == ENTRY_WHITEOUT)
		return diff_add(w, 'D', b->rel);
	if (low && ovl_lookup(&w->low, low, name, &hit, &b->child, w->e) < 0)
		return -1;
	bool in_lower = hit.kind == HIT_DIR || hit.kind == HIT_OTHER;
	if (diff_add(w, in_lower ? 'C' : 'A', b->rel) < 0)
		return -1;
	if (k == ENTRY_OTHER)
		return 0;
	return diff_dir(w, b->rel, hit.kind == HIT_DIR ? &b->child : NULL, hides || k == ENTRY_OPAQUE_DIR);
}

static int diff_dir(struct diff_walk *w, const char *rel, const struct ovl_pos *low, bool hides)
{
	_cleanup_closedir_ DIR *d = open_dir(w->upper, rel, w->e);
	struct dirent *de;

	if (!d)
		return -1;
	if (low && hides && diff_hidden(w, low) < 0)
		return -1;
	while ((errno = 0, de = readdir(d)))
		if (!is_dot(de->d_name) && diff_one(w, rel, low, hides, de->d_name) < 0)
			return -1;
	if (errno)
		return nslab_error_set(w->e, errno, "readdir", "%s/%s: %s", w->upper, rel, strerror(errno));
	return 0;
}

static int diff_cmp(const void *a, const void *b)
{
	return strcmp(((const struct diff_entry *)a)->path, ((const struct diff_entry *)b)->path);
}

int overlay_diff(const char *upper, const char *const *lower, size_t n_lower, struct diff_entry **out, size_t *n,
		 struct nslab_error *e)
{
	_cleanup_free_ struct diff_walk *w = xcalloc(1, sizeof(*w));
	_cleanup_free_ struct ovl_pos *root = xmalloc(sizeof(*root));

	*out = NULL;
	*n = 0;
	if (!given(upper))
		return nslab_error_set(e, EINVAL, "", "overlay diff: no upper dir to compare");
	w->upper = upper;
	w->e = e;
	if (stack_init(&w->low, NULL, lower, n_lower, e) < 0)
		return -1;
	pos_root(&w->low, root);
	if (diff_dir(w, "", root, false) < 0) {
		free(w->v);
		return -1;
	}
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), diff_cmp);
	*out = w->v;
	*n = w->n;
	return 0;
}

/* ---- which */

struct which_walk {
	struct ovl_stack s;
	bool has_upper;
	struct ovl_pos pos, child; /* the directory reached, and a lookup's result */
	char todo[2 * PATH_MAX];   /* what is left to resolve */
	char tmp[2 * PATH_MAX];
	int links;
};

/* Take the next component of *rest into name, skipping "" and ".". 1 when
 * there is one, 0 at the end, -1 when it is longer than a name can be. */
static int next_name(const char **rest, char *name, struct nslab_error *e)
{
	const char *p = *rest;

	for (;;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		*rest = p + len;
		if (len == 0)
			return 0;
		if (len > NAME_MAX)
			return nslab_error_set(e, ENAMETOOLONG, "", "overlay which: a path component is longer than %d",
					       NAME_MAX);
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		return 1;
	}
}

static bool only_dots_left(const char *rest)
{
	char name[NAME_MAX + 1];
	struct nslab_error ignored;

	return next_name(&rest, name, &ignored) == 0;
}

/* ".." from a directory: walk again from the root to its parent (every
 * component was a directory a moment ago). At the root it stays there. */
static int which_parent(struct which_walk *w, struct nslab_error *e)
{
	char name[NAME_MAX + 1];
	struct ovl_hit hit;
	char *slash = strrchr(w->pos.rel, '/');

	memcpy(w->tmp, w->pos.rel, slash ? (size_t)(slash - w->pos.rel) : 0);
	w->tmp[slash ? slash - w->pos.rel : 0] = '\0';
	pos_root(&w->s, &w->pos);
	const char *rest = w->tmp;
	int r;
	while ((r = next_name(&rest, name, e)) > 0) {
		if (ovl_lookup(&w->s, &w->pos, name, &hit, &w->child, e) < 0)
			return -1;
		if (hit.kind != HIT_DIR)
			return nslab_error_set(e, ENOENT, "", "overlay which: /%s changed while being read", w->tmp);
		w->pos = w->child;
	}
	return r;
}

/* A symlink in the middle of the path: go on from its target, inside the container's root. */
static int which_follow(struct which_walk *w, const struct ovl_hit *hit, const char *name, const char *rest,
			struct nslab_error *e)
{
	char rel[PATH_MAX], p[PATH_MAX], target[PATH_MAX];

	if (++w->links > OVL_MAX_LINKS)
		return nslab_error_set(e, ELOOP, "", "overlay which: more than %d symbolic links", OVL_MAX_LINKS);
	if (path_join(rel, w->pos.rel, name, e) < 0 || path_join(p, w->s.dir[hit->layer], rel, e) < 0)
		return -1;
	ssize_t len = readlink(p, target, sizeof(target) - 1);
	if (len < 0) {
		int err = errno;
		return nslab_error_set(e, err, "readlink", "%s: %s", p, strerror(err));
	}
	target[len] = '\0';
	int r = snprintf(w->tmp, sizeof(w->tmp), "%s/%s", target, rest);
	if (r < 0 || (size_t)r >= sizeof(w->tmp))
		return nslab_error_set(e, ENAMETOOLONG, "", "overlay which: path too long after %s", p);
	memcpy(w->todo, w->tmp, (size_t)r + 1);
	if (target[0] == '/')
		pos_root(&w->s, &w->pos);
	return 0;
}

static int which_result(const struct which_walk *w, const struct ovl_hit *hit, int *layer)
{
	if (hit->kind == HIT_MISSING)
		return OVERLAY_NOT_FOUND;
	if (hit->kind == HIT_DELETED)
		return OVERLAY_DELETED;
	if (w->has_upper && hit->layer == 0)
		return OVERLAY_FROM_UPPER;
	*layer = hit->layer - (w->has_upper ? 1 : 0);
	return OVERLAY_FROM_LOWER;
}

/* Component by component; a whiteout on the way hides everything under it,
 * a symlink on the way is followed, the last component is not (as lstat)
 * unless a '/' follows it. */
static int which_resolve(struct which_walk *w, int *layer, struct nslab_error *e)
{
	char name[NAME_MAX + 1];
	struct ovl_hit hit = {.kind = HIT_DIR, .layer = w->pos.top};
	const char *rest = w->todo;
	int r;

	while ((r = next_name(&rest, name, e)) > 0) {
		if (!strcmp(name, "..")) {
			if (which_parent(w, e) < 0)
				return -1;
			hit = (struct ovl_hit){.kind = HIT_DIR, .layer = w->pos.top};
			continue;
		}
		if (ovl_lookup(&w->s, &w->pos, name, &hit, &w->child, e) < 0)
			return -1;
		if (hit.kind == HIT_DIR) {
			w->pos = w->child;
			continue;
		}
		bool link = hit.kind == HIT_OTHER && S_ISLNK(hit.mode);
		if (link && *rest) { /* "/lib/" goes through the link too */
			if (which_follow(w, &hit, name, rest, e) < 0)
				return -1;
			rest = w->todo;
			continue;
		}
		if (only_dots_left(rest))
			break;
		return hit.kind == HIT_DELETED ? OVERLAY_DELETED : OVERLAY_NOT_FOUND;
	}
	return r < 0 ? -1 : which_result(w, &hit, layer);
}

int overlay_which(const char *path, const char *upper, const char *const *lower, size_t n_lower, int *layer,
		  struct nslab_error *e)
{
	_cleanup_free_ struct which_walk *w = xcalloc(1, sizeof(*w));
	int ignored;

	layer = layer ? layer : &ignored;
	*layer = -1;
	if (!path || path[0] != '/')
		return nslab_error_set(e, EINVAL, "", "overlay which: '%s' is not an absolute path inside the container",
				       path ? path : "");
	if (strlen(path) >= PATH_MAX)
		return nslab_error_set(e, ENAMETOOLONG, "", "overlay which: path too long");
	if (!given(upper) && n_lower == 0)
		return nslab_error_set(e, EINVAL, "", "overlay which: no layers to look in");
	if (stack_init(&w->s, upper, lower, n_lower, e) < 0)
		return -1;
	w->has_upper = given(upper);
	pos_root(&w->s, &w->pos);
	strcpy(w->todo, path);
	return which_resolve(w, layer, e);
}
