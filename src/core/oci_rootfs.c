/* A bundle's rootfs: a copy of the spec's rootfs with the overlay's layers merged on top. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "nslab/oci.h"
#include "nslab/tree.h"
#include "nslab/util.h"

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *dst;
};

struct copy {
	size_t src_len;		/* the walk's top: w->path + src_len is the path inside */
	const char *dst;
	bool layer;		/* copying a layer over what is there: whiteouts apply */
	long skipped;		/* device nodes we may not create */
	struct hardlink *links;
	size_t n_links;
};

static const char *const ovl_prefixes[] = {"trusted.overlay.", "user.overlay."};

static bool ovl_xattr(const char *path, const char *what, const char *want)
{
	char name[64], value[8];

	for (size_t i = 0; i < ARRAY_SIZE(ovl_prefixes); i++) {
		snprintf(name, sizeof(name), "%s%s", ovl_prefixes[i], what);
		ssize_t n = lgetxattr(path, name, value, sizeof(value));
		if (n >= 0 && (!want || ((size_t)n == strlen(want) && !memcmp(value, want, (size_t)n))))
			return true;
	}
	return false;
}

static bool is_whiteout(const char *path, const struct stat *st)
{
	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0))
		return true;
	return S_ISREG(st->st_mode) && st->st_size == 0 && ovl_xattr(path, "whiteout", NULL);
}

static void dst_path(const struct walk *w, const struct copy *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", c->dst, w->path + c->src_len);
}

/* Owner, mode and times; owner only where we may (root, or our own files). */
static void copy_attrs(const char *dst, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if (lchown(dst, st->st_uid, st->st_gid) < 0 && errno != EPERM)
		return;
	if (!S_ISLNK(st->st_mode))
		chmod(dst, st->st_mode & 07777);
	utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
}

static int copy_data(int in, int out)
{
	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		break;
	}
	/* Across file systems on old kernels, or special files: plain reads. */
	if (lseek(in, 0, SEEK_SET) < 0 || ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
		return -errno;
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		int r = write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

static int copy_file(struct walk *w, const char *dst, struct nslab_error *e)
{
	_cleanup_close_ int in = open(w->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;

	if (in < 0)
		return nslab_error_set(e, errno, "open", "%s: %s", w->path, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return nslab_error_set(e, errno, "open", "%s: %s", dst, strerror(errno));
	int r = copy_data(in, out);
	if (r < 0)
		return nslab_error_set(e, -r, "copy", "%s to %s: %s", w->path, dst, strerror(-r));
	return 0;
}

/* A file with more than one name is copied once, then linked. 1: linked. */
static int link_known(struct copy *c, const struct stat *st, const char *dst, struct nslab_error *e)
{
	if (st->st_nlink < 2)
		return 0;
	for (size_t i = 0; i < c->n_links; i++) {
		if (c->links[i].dev != st->st_dev || c->links[i].ino != st->st_ino)
			continue;
		if (link(c->links[i].dst, dst) < 0)
			return nslab_error_set(e, errno, "link", "%s: %s", dst, strerror(errno));
		return 1;
	}
	c->links = xrealloc(c->links, (c->n_links + 1) * sizeof(*c->links));
	c->links[c->n_links++] = (struct hardlink){st->st_dev, st->st_ino, xstrdup(dst)};
	return 0;
}

static int copy_symlink(struct walk *w, const char *dst, struct nslab_error *e)
{
	char target[PATH_MAX];
	ssize_t n = readlink(w->path, target, sizeof(target) - 1);

	if (n < 0)
		return nslab_error_set(e, errno, "readlink", "%s: %s", w->path, strerror(errno));
	target[n] = '\0';
	if (symlink(target, dst) < 0)
		return nslab_error_set(e, errno, "symlink", "%s: %s", dst, strerror(errno));
	return 0;
}

static int copy_special(struct copy *c, const struct stat *st, const char *dst, struct nslab_error *e)
{
	if (S_ISSOCK(st->st_mode))
		return 1; /* a socket means nothing without the process that listened on it */
	if (mknod(dst, st->st_mode & (S_IFMT | 07777), st->st_rdev) == 0)
		return 0;
	if (errno == EPERM && !S_ISFIFO(st->st_mode)) {
		c->skipped++;
		return 1;
	}
	return nslab_error_set(e, errno, "mknod", "%s: %s", dst, strerror(errno));
}

static void remove_existing(const char *dst)
{
	struct stat st;
	struct nslab_error ignored = {0};

	if (lstat(dst, &st) == 0)
		tree_remove(dst, &ignored);
}

static int copy_leaf(struct walk *w, struct copy *c, const struct stat *st)
{
	char dst[PATH_MAX * 2];
	int r;

	dst_path(w, c, dst, sizeof(dst));
	if (c->layer) {
		remove_existing(dst);
		if (is_whiteout(w->path, st))
			return 0;
	}
	if (S_ISREG(st->st_mode)) {
		r = link_known(c, st, dst, w->e);
		if (r != 0)
			return r < 0 ? r : 0;
		r = copy_file(w, dst, w->e);
	} else if (S_ISLNK(st->st_mode)) {
		r = copy_symlink(w, dst, w->e);
	} else {
		r = copy_special(c, st, dst, w->e);
		if (r > 0)
			return 0;
	}
	if (r < 0)
		return r;
	copy_attrs(dst, st);
	return 0;
}

static int make_dir(struct walk *w, struct copy *c)
{
	char dst[PATH_MAX * 2];
	struct stat have;

	dst_path(w, c, dst, sizeof(dst));
	bool top = w->path[c->src_len] == '\0';
	/* In a layer, an opaque directory hides everything below it. */
	if (c->layer && !top && (lstat(dst, &have) < 0 || !S_ISDIR(have.st_mode) || ovl_xattr(w->path, "opaque", "y")))
		remove_existing(dst);
	if (mkdir(dst, 0700) < 0 && errno != EEXIST)
		return nslab_error_set(w->e, errno, "mkdir", "%s: %s", dst, strerror(errno));
	/* Writable while it is filled; its own mode comes after. */
	if (c->layer)
		chmod(dst, 0700);
	return 0;
}

static int copy_visit(struct walk *w, const struct stat *st, enum walk_step step)
{
	struct copy *c = w->ctx;
	char dst[PATH_MAX * 2];

	switch (step) {
	case WALK_LEAF:
		return copy_leaf(w, c, st);
	case WALK_DIR_PRE:
		return make_dir(w, c);
	case WALK_MOUNT:
		/* Something mounted inside the rootfs: the copy gets the empty mount point. */
		if (make_dir(w, c) < 0)
			return -1;
		/* fall through */
	case WALK_DIR_POST:
		dst_path(w, c, dst, sizeof(dst));
		copy_attrs(dst, st);
		return 0;
	}
	return 0;
}

static int copy_tree(struct copy *c, const char *src, bool layer, struct nslab_error *e)
{
	struct walk w = {.visit = copy_visit, .ctx = c, .e = e};

	c->src_len = strlen(src);
	c->layer = layer;
	if (tree_walk(&w, src) < 0)
		return nslab_error_prefix(e, "copy %s", src);
	return 0;
}

int oci_rootfs_copy(const char *rootfs, const char *const *layers, size_t n_layers, const char *dst,
		    long *skipped_devices, struct nslab_error *e)
{
	struct copy c = {.dst = dst};
	struct stat st;
	int r = 0;

	if (lstat(dst, &st) == 0)
		return nslab_error_set(e, EEXIST, "", "%s already exists", dst);
	r = copy_tree(&c, rootfs, false, e);
	/* lowerdir reads top first: the bottom layer goes on first. */
	for (size_t i = n_layers; r == 0 && i-- > 0;)
		r = copy_tree(&c, layers[i], true, e);
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].dst);
	free(c.links);
	*skipped_devices = c.skipped;
	return r;
}
