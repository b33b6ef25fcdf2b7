/* The rootfs store: where it is, names, entry path checks, list, look up, remove. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "nslab/rootfs_store.h"
#include "nslab/tree.h"
#include "nslab/util.h"

static int error_code(const struct nslab_error *e)
{
	return e->err > 0 ? -e->err : -1;
}

/* Leaves room for the ".NAME.tmp-PID" of an import in NAME_MAX. */
#define ROOTFS_NAME_MAX 200

bool rootfs_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > ROOTFS_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		          c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

static bool refuse(char *why, size_t size, const char *text)
{
	if (why && size)
		snprintf(why, size, "%s", text);
	return false;
}

bool rootfs_entry_path_safe(const char *path, char *why, size_t size)
{
	int depth = 0;
	bool dotdot = false;

	if (!path || !*path)
		return refuse(why, size, "has an empty name");
	if (path[0] == '/')
		return refuse(why, size, "is absolute");
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			dotdot = true;
			if (--depth < 0)
				return refuse(why, size, "leaves the root (a '..' component)");
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
		p += strspn(p, "/");
	}
	/* "a/../b" stays inside, but nothing needs it and libarchive refuses it. */
	if (dotdot)
		return refuse(why, size, "has a '..' component");
	return true;
}

static int path_fmt(char *buf, size_t size, struct nslab_error *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int path_fmt(char *buf, size_t size, struct nslab_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= size)
		return nslab_error_set(e, ENAMETOOLONG, "", "path too long: %s", buf);
	return 0;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");

	if (home && home[0] == '/')
		return home;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* Where the store is, without creating it. */
static int store_path(char *buf, size_t size, struct nslab_error *e)
{
	const char *env = getenv("NSLAB_STORE");

	if (env && *env)
		return path_fmt(buf, size, e, "%s", env);
	if (geteuid() == 0)
		return path_fmt(buf, size, e, "/var/lib/nslab/rootfs");
	/* The XDG spec says to ignore a relative XDG_DATA_HOME. */
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/')
		return path_fmt(buf, size, e, "%s/nslab/rootfs", xdg);
	const char *home = home_dir();
	if (!home)
		return nslab_error_set(e, ENOENT, "", "no home directory for the rootfs store: set NSLAB_STORE");
	return path_fmt(buf, size, e, "%s/.local/share/nslab/rootfs", home);
}

static int mkdir_parents(const char *path, struct nslab_error *e)
{
	char buf[PATH_MAX];
	struct stat st;

	if (path_fmt(buf, sizeof(buf), e, "%s", path) < 0)
		return error_code(e);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return nslab_error_set(e, errno, "mkdir", "cannot create %s: %s", buf, strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	if (stat(buf, &st) < 0)
		return nslab_error_set(e, errno, "stat", "%s: %s", buf, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return nslab_error_set(e, ENOTDIR, "", "the rootfs store %s is not a directory", buf);
	return 0;
}

int rootfs_store_dir(char *buf, size_t size, struct nslab_error *e)
{
	if (store_path(buf, size, e) < 0)
		return error_code(e);
	if (mkdir_parents(buf, e) < 0)
		return nslab_error_prefix(e, "rootfs store");
	return 0;
}

int rootfs_lookup(const char *name, char *path, size_t size)
{
	char store[PATH_MAX];
	struct nslab_error e;
	struct stat st;

	if (!rootfs_name_valid(name) || store_path(store, sizeof(store), &e) < 0)
		return -ENOENT;
	if (path_fmt(path, size, &e, "%s/%s", store, name) < 0)
		return -ENOENT;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOENT;
	return 0;
}

int rootfs_remove(const char *name, struct nslab_error *e)
{
	char store[PATH_MAX], path[PATH_MAX];
	struct stat st;

	if (!rootfs_name_valid(name))
		return nslab_error_set(e, EINVAL, "",
		                       "'%s' is not a rootfs name (letters, digits, '.', '_', '-'; "
		                       "not starting with '.')",
		                       name ? name : "");
	if (rootfs_store_dir(store, sizeof(store), e) < 0)
		return error_code(e);
	if (path_fmt(path, sizeof(path), e, "%s/%s", store, name) < 0)
		return error_code(e);
	if (lstat(path, &st) < 0 && errno == ENOENT)
		return nslab_error_set(e, ENOENT, "", "no rootfs named '%s' in %s", name, store);
	if (tree_remove(path, e) < 0)
		return nslab_error_prefix(e, "removing rootfs '%s'", name);
	return 0;
}

/* ---- listing, with disk usage the way du counts it */

struct inode_ref {
	dev_t dev;
	ino_t ino;
	long long bytes;
};

struct usage {
	long long bytes;
	long files;
	struct inode_ref *links; /* inodes with more than one name, counted once at the end */
	size_t nlinks;
};

static int usage_visit(struct walk *w, const struct stat *st, enum walk_step step)
{
	struct usage *u = w->ctx;
	long long bytes = (long long)st->st_blocks * 512;

	if (step == WALK_DIR_POST || step == WALK_MOUNT)
		return 0;
	if (S_ISREG(st->st_mode))
		u->files++;
	if (step == WALK_LEAF && st->st_nlink > 1) {
		u->links = xrealloc(u->links, (u->nlinks + 1) * sizeof(*u->links));
		u->links[u->nlinks++] = (struct inode_ref){st->st_dev, st->st_ino, bytes};
		return 0;
	}
	u->bytes += bytes;
	return 0;
}

static int inode_ref_cmp(const void *a, const void *b)
{
	const struct inode_ref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int tree_usage(const char *path, long long *bytes, long *files, struct nslab_error *e)
{
	struct usage u = {0};
	struct walk *w = xcalloc(1, sizeof(*w));

	w->visit = usage_visit;
	w->ctx = &u;
	w->e = e;
	int r = tree_walk(w, path);
	free(w);
	if (u.nlinks)
		qsort(u.links, u.nlinks, sizeof(*u.links), inode_ref_cmp);
	for (size_t i = 0; i < u.nlinks; i++)
		if (i == 0 || inode_ref_cmp(&u.links[i], &u.links[i - 1]))
			u.bytes += u.links[i].bytes;
	free(u.links);
	*bytes = u.bytes;
	*files = u.files;
	return r < 0 ? error_code(e) : 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rootfs_entry *)a)->name, ((const struct rootfs_entry *)b)->name);
}

/* Fills ent for STORE/NAME; 1 when it is not a rootfs (a file, vanished). */
static int list_one(const char *store, const char *name, struct rootfs_entry *ent, struct nslab_error *e)
{
	struct stat st;

	if (name[0] == '.' || !rootfs_name_valid(name))
		return 1;
	memset(ent, 0, sizeof(*ent));
	snprintf(ent->name, sizeof(ent->name), "%s", name);
	if (path_fmt(ent->path, sizeof(ent->path), e, "%s/%s", store, name) < 0)
		return error_code(e);
	if (lstat(ent->path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 1;
	ent->created = st.st_mtime;
	if (tree_usage(ent->path, &ent->bytes, &ent->files, e) < 0)
		return nslab_error_prefix(e, "rootfs '%s'", name);
	return 0;
}

int rootfs_list(struct rootfs_entry **out, size_t *n, struct nslab_error *e)
{
	char store[PATH_MAX];
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ struct rootfs_entry *list = NULL;
	struct dirent *de;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (rootfs_store_dir(store, sizeof(store), e) < 0)
		return error_code(e);
	d = opendir(store);
	if (!d)
		return nslab_error_set(e, errno, "opendir", "rootfs store %s: %s", store, strerror(errno));
	while ((de = readdir(d))) {
		list = xrealloc(list, (count + 1) * sizeof(*list));
		int r = list_one(store, de->d_name, &list[count], e);
		if (r < 0)
			return r;
		if (r == 0)
			count++;
	}
	if (count)
		qsort(list, count, sizeof(*list), entry_cmp);
	*out = steal_pointer(&list);
	*n = count;
	return 0;
}
