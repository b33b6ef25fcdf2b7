/* Walking a directory tree without following links or crossing mounts, and removing one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nslab/tree.h"
#include "nslab/util.h"

static int error_code(const struct nslab_error *e)
{
	return e->err > 0 ? -e->err : -1;
}



static int walk_at(struct walk *w);

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int read_names(struct walk *w, char ***out, size_t *n)
{
	int fd = open(w->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = NULL;
	char **names = NULL;
	struct dirent *de;

	if (fd < 0)
		return nslab_error_set(w->e, errno, "open", "%s: %s", w->path, strerror(errno));
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return nslab_error_set(w->e, errno, "opendir", "%s: %s", w->path, strerror(errno));
	}
	*n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = xstrdup(de->d_name);
	}
	*out = names;
	return 0;
}

static int walk_child(struct walk *w, const char *name)
{
	size_t old = w->len, n = strlen(name);

	if (old + 1 + n >= sizeof(w->path))
		return nslab_error_set(w->e, ENAMETOOLONG, "", "path too long under %s", w->path);
	w->path[old] = '/';
	memcpy(w->path + old + 1, name, n + 1);
	w->len = old + 1 + n;
	int r = walk_at(w);
	w->len = old;
	w->path[old] = '\0';
	return r;
}

static int walk_dir(struct walk *w, const struct stat *st)
{
	char **names = NULL;
	size_t n = 0;
	int r = w->visit(w, st, WALK_DIR_PRE);

	if (r < 0)
		return r;
	r = read_names(w, &names, &n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = walk_child(w, names[i]);
	free_names(names, n);
	if (r < 0)
		return r;
	return w->visit(w, st, WALK_DIR_POST);
}

static int walk_at(struct walk *w)
{
	struct stat st;

	if (lstat(w->path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return nslab_error_set(w->e, errno, "lstat", "%s: %s", w->path, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return w->visit(w, &st, WALK_LEAF);
	if (st.st_dev != w->dev)
		return w->visit(w, &st, WALK_MOUNT);
	return walk_dir(w, &st);
}

int tree_walk(struct walk *w, const char *top)
{
	struct stat st;

	if (strlen(top) >= sizeof(w->path))
		return nslab_error_set(w->e, ENAMETOOLONG, "", "path too long: %s", top);
	if (snprintf(w->path, sizeof(w->path), "%s", top) < 0)
		return error_code(w->e);
	w->len = strlen(w->path);
	if (lstat(top, &st) < 0)
		return nslab_error_set(w->e, errno, "lstat", "%s: %s", top, strerror(errno));
	w->dev = st.st_dev;
	return walk_at(w);
}

/* ---- removal */

/* Immutable or append-only flags (restored by ARCHIVE_EXTRACT_FFLAGS) would
 * make a rootfs impossible to remove; clear them, on files and dirs only. */
static void clear_fflags(const char *path)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int flags;

	/* Never open a device node: opening one can have side effects. */
	if (lstat(path, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0 || !(flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
		return;
	flags &= ~(FS_IMMUTABLE_FL | FS_APPEND_FL);
	ioctl(fd, FS_IOC_SETFLAGS, &flags);
}

static int remove_leaf(struct walk *w)
{
	if (unlink(w->path) == 0 || errno == ENOENT)
		return 0;
	if (errno == EPERM) {
		clear_fflags(w->path);
		if (unlink(w->path) == 0)
			return 0;
	}
	return nslab_error_set(w->e, errno, "unlink", "cannot remove %s: %s", w->path, strerror(errno));
}

static int remove_visit(struct walk *w, const struct stat *st, enum walk_step step)
{
	switch (step) {
	case WALK_LEAF: return remove_leaf(w);
	case WALK_DIR_PRE:
		clear_fflags(w->path);
		/* An unprivileged owner needs rwx to empty a dir (0555 /usr/lib, 0700 /root). */
		if ((st->st_mode & 0700) != 0700 && chmod(w->path, (st->st_mode | 0700) & 07777) < 0 && errno != EPERM)
			return nslab_error_set(w->e, errno, "chmod", "%s: %s", w->path, strerror(errno));
		return 0;
	case WALK_DIR_POST:
		if (rmdir(w->path) == 0 || errno == ENOENT)
			return 0;
		return nslab_error_set(w->e, errno, "rmdir", "cannot remove %s: %s", w->path, strerror(errno));
	case WALK_MOUNT: return nslab_error_set(w->e, EBUSY, "", "%s is a mount point: unmount it first", w->path);
	}
	return 0;
}

int tree_remove(const char *path, struct nslab_error *e)
{
	struct walk *w = xcalloc(1, sizeof(*w));

	w->visit = remove_visit;
	w->e = e;
	int r = tree_walk(w, path);
	free(w);
	return r < 0 ? error_code(e) : 0;
}

