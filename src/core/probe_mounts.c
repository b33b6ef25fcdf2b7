/* Mount probe: parse /proc/PID/mountinfo into mount_info structs (the one mountinfo parser). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nslab/probe.h"
#include "nslab/util.h"

/* A field of a line: not NUL-terminated, points into the caller's text. */
struct span {
	const char *s;
	size_t n;
};

/* Walks the fields of one line; the kernel separates them by single spaces
 * and escapes spaces inside them, so two spaces mean an empty field (an
 * empty mount source does that). */
struct cursor {
	const char *p, *end; /* p NULL: no fields left */
};

static bool next_field(struct cursor *c, struct span *f)
{
	if (!c->p)
		return false;
	const char *sp = memchr(c->p, ' ', (size_t)(c->end - c->p));
	f->s = c->p;
	f->n = (size_t)((sp ? sp : c->end) - c->p);
	c->p = sp ? sp + 1 : NULL;
	return true;
}

static bool span_is(const struct span *f, const char *word)
{
	return f->n == strlen(word) && memcmp(f->s, word, f->n) == 0;
}

static bool span_has_prefix(const struct span *f, const char *prefix)
{
	size_t len = strlen(prefix);
	return f->n >= len && memcmp(f->s, prefix, len) == 0;
}

/* Decimal digits only, at most max; false on anything else. */
static bool span_uint(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned long long v = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool span_int(const struct span *f, int *out)
{
	unsigned v;
	if (!span_uint(f->s, f->n, INT_MAX, &v))
		return false;
	*out = (int)v;
	return true;
}

static bool parse_devno(const struct span *f, unsigned *major, unsigned *minor)
{
	const char *colon = memchr(f->s, ':', f->n);
	if (!colon)
		return false;
	size_t left = (size_t)(colon - f->s);
	return span_uint(f->s, left, UINT_MAX, major) && span_uint(colon + 1, f->n - left - 1, UINT_MAX, minor);
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* The byte \ooo names, or -1: \000 (it would end the string early) and
 * values past \377 are no bytes, so they stay as written. */
static int octal_byte(const char *p)
{
	if (p[0] != '\\' || !is_octal(p[1]) || !is_octal(p[2]) || !is_octal(p[3]))
		return -1;
	int v = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
	return v >= 1 && v <= 0377 ? v : -1;
}

/* Copy a field, cut to fit; with unescape, \ooo becomes the byte it names
 * (the kernel writes space, tab, newline and backslash so). */
static void span_copy(char *dst, size_t size, const struct span *f, bool unescape)
{
	size_t w = 0;
	for (size_t i = 0; i < f->n && w + 1 < size;) {
		const char *p = f->s + i;
		int byte = unescape && i + 3 < f->n ? octal_byte(p) : -1;
		if (byte > 0) {
			dst[w++] = (char)byte;
			i += 4;
			continue;
		}
		dst[w++] = *p;
		i++;
	}
	dst[w] = '\0';
}

struct optional {
	bool shared, slave, unbindable;
};

/* One optional field: shared:N, master:N, propagate_from:N, unbindable, or
 * a tag a newer kernel added (ignored). */
static void parse_optional(const struct span *f, struct mount_info *m, struct optional *o)
{
	if (span_has_prefix(f, "shared:")) {
		struct span num = {f->s + 7, f->n - 7};
		o->shared = true;
		(void)span_int(&num, &m->peer);
		return;
	}
	if (span_has_prefix(f, "master:")) {
		struct span num = {f->s + 7, f->n - 7};
		o->slave = true;
		(void)span_int(&num, &m->master);
		return;
	}
	if (span_is(f, "unbindable"))
		o->unbindable = true;
}

static int propagation_of(const struct optional *o)
{
	if (o->unbindable)
		return PROP_UNBINDABLE;
	if (o->shared && o->slave)
		return PROP_SHARED_SLAVE;
	if (o->shared)
		return PROP_SHARED;
	return o->slave ? PROP_SLAVE : PROP_PRIVATE;
}

/* The six fields before the optional ones. */
static bool parse_head(struct cursor *c, struct mount_info *m)
{
	struct span f[6];
	for (int i = 0; i < 6; i++) {
		if (!next_field(c, &f[i]))
			return false;
	}
	if (!span_int(&f[0], &m->id) || !span_int(&f[1], &m->parent) || !parse_devno(&f[2], &m->major, &m->minor))
		return false;
	if (f[3].n == 0 || f[4].n == 0)
		return false;
	span_copy(m->root, sizeof(m->root), &f[3], true);
	span_copy(m->target, sizeof(m->target), &f[4], true);
	span_copy(m->options, sizeof(m->options), &f[5], false);
	return true;
}

/* Optional fields up to "-", then fstype, source, super options. A line
 * cut short lacks the separator or the fields after it. */
static bool parse_tail(struct cursor *c, struct mount_info *m)
{
	struct span f, fstype, source, super;
	struct optional o = {0};
	for (;;) {
		if (!next_field(c, &f))
			return false;
		if (span_is(&f, "-"))
			break;
		parse_optional(&f, m, &o);
	}
	if (!next_field(c, &fstype) || !next_field(c, &source) || !next_field(c, &super))
		return false;
	if (fstype.n == 0)
		return false;
	m->propagation = propagation_of(&o);
	span_copy(m->fstype, sizeof(m->fstype), &fstype, false);
	span_copy(m->source, sizeof(m->source), &source, true);
	span_copy(m->super, sizeof(m->super), &super, false);
	return true;
}

static struct mount_info *list_next_slot(struct mount_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	return &l->v[l->n];
}

static bool parse_line(const char *line, size_t len, struct mount_info *m)
{
	struct cursor c = {line, line + len};
	memset(m, 0, sizeof(*m));
	return parse_head(&c, m) && parse_tail(&c, m);
}

int probe_mounts_each(const char *text, void (*fn)(const struct mount_info *m, void *data), void *data)
{
	struct mount_info m;

	if (!text || !fn)
		return -EINVAL;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (parse_line(p, len, &m))
			fn(&m, data);
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

static void append(const struct mount_info *m, void *data)
{
	struct mount_list *l = data;

	*list_next_slot(l) = *m;
	l->n++;
}

int probe_mounts_parse(const char *text, struct mount_list *l)
{
	if (!l)
		return -EINVAL;
	return probe_mounts_each(text, append, l);
}


/* ENOENT, ESRCH: the process exited; EINVAL: it is a zombie, whose mount
 * namespace is already gone. */
static bool vanished(int err, pid_t pid)
{
	return pid > 0 && (err == ENOENT || err == ESRCH || err == EINVAL);
}

int probe_mounts_read(pid_t pid, struct mount_list *l, struct nslab_error *e)
{
	char path[64];
	_cleanup_free_ char *text = NULL;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/mountinfo");
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -errno : read_fd_all(fd, &text);
	if (r < 0 && vanished((int)-r, pid))
		return nslab_error_set(e, (int)-r, "open", "process %d is gone (no %s to read)", (int)pid, path);
	if (r < 0)
		return nslab_error_set(e, (int)-r, "open", "cannot read %s: %s", path, strerror((int)-r));
	l->n = 0;
	return probe_mounts_parse(text, l);
}

void mount_list_free(struct mount_list *l)
{
	if (!l)
		return;
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const char *mount_propagation_name(int p)
{
	static const char *const names[] = {
	    [PROP_PRIVATE] = "private",           [PROP_SHARED] = "shared",         [PROP_SLAVE] = "slave",
	    [PROP_SHARED_SLAVE] = "shared,slave", [PROP_UNBINDABLE] = "unbindable",
	};
	if (p < 0 || (size_t)p >= ARRAY_SIZE(names))
		return "unknown";
	return names[p];
}

bool mount_info_same(const struct mount_info *a, const struct mount_info *b)
{
	return a->major == b->major && a->minor == b->minor && !strcmp(a->fstype, b->fstype) &&
	       !strcmp(a->source, b->source) && a->propagation == b->propagation;
}
