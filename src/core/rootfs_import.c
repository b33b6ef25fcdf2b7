/* rootfs import: unpack a tarball with libarchive into the store, checking every
 * entry before it is written; all or nothing, through a temporary dir. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "nslab/rootfs_store.h"
#include "archive_lib.h"
#include "nslab/tree.h"
#include "nslab/util.h"

/* In rootfs_store.c: remove a tree without following links or crossing mounts. */

struct import {
	const char *file;
	int fd; /* the tarball */
	struct archive *in, *out;
	char tmp[PATH_MAX]; /* STORE/.NAME.tmp-PID: every entry is unpacked under it */
	int tmpfd;          /* the same dir, to look at the tree so far */
	bool tmp_made;
	char entry[PATH_MAX]; /* the current entry's name as the archive has it */
	char rel[PATH_MAX];   /* the same without "." and empty components */
	struct rootfs_import_report *rep;
	struct nslab_error *e;
};

static int error_code(const struct nslab_error *e)
{
	return e->err > 0 ? -e->err : -1;
}

static const char *const tar_suffixes[] = {
    ".tar.gz", ".tar.xz", ".tar.zst", ".tar.zstd", ".tar.bz2", ".tar.lzma", ".tar.lz4",
    ".tar",    ".tgz",    ".txz",     ".tzst",     ".tbz2",    ".tbz",
};

/* Entry names come from the archive: keep control characters off the terminal. */
static const char *printable(const char *s, char *buf, size_t size)
{
	size_t i = 0;

	for (; *s && i + 1 < size; s++)
		buf[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[i] = '\0';
	return buf;
}

static int fmt_path(char *buf, size_t size, const char *a, const char *b)
{
	int r = b ? snprintf(buf, size, "%s/%s", a, b) : snprintf(buf, size, "%s", a);

	return r < 0 || (size_t)r >= size ? -ENAMETOOLONG : 0;
}

static int default_name(const char *file, char *name, size_t size, struct nslab_error *e)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base ? base + 1 : file;
	len = strlen(base);
	for (size_t i = 0; i < ARRAY_SIZE(tar_suffixes); i++) {
		size_t n = strlen(tar_suffixes[i]);
		if (len > n && !strcasecmp(base + len - n, tar_suffixes[i])) {
			len -= n;
			break;
		}
	}
	if (len >= size)
		len = size - 1;
	memcpy(name, base, len);
	name[len] = '\0';
	if (rootfs_name_valid(name))
		return 0;
	return nslab_error_set(e, EINVAL, "",
	                       "%s: '%s' would not be a valid rootfs name (letters, digits, '.', '_', "
	                       "'-', not starting with '.'): give a NAME",
	                       file, name);
}

static int pick_name(const char *file, const char *name, char *out, size_t size, struct nslab_error *e)
{
	if (!name || !*name)
		return default_name(file, out, size, e);
	if (!rootfs_name_valid(name))
		return nslab_error_set(e, EINVAL, "",
		                       "'%s' is not a valid rootfs name (letters, digits, '.', '_', "
		                       "'-', not starting with '.')",
		                       name);
	snprintf(out, size, "%s", name);
	return 0;
}

/* The store without symlinks in its path: SECURE_SYMLINKS checks every component. */
static int store_real(char *buf, size_t size, struct nslab_error *e)
{
	char store[PATH_MAX], real[PATH_MAX];

	if (rootfs_store_dir(store, sizeof(store), e) < 0)
		return error_code(e);
	if (!realpath(store, real))
		return nslab_error_set(e, errno, "realpath", "rootfs store %s: %s", store, strerror(errno));
	if (fmt_path(buf, size, real, NULL) < 0)
		return nslab_error_set(e, ENAMETOOLONG, "", "rootfs store path too long: %s", real);
	return 0;
}

/* ---- refusing entries */

static int refused(struct import *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refused(struct import *im, const char *fmt, ...)
{
	char why[1024], name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return nslab_error_set(im->e, EPERM, "", "%s: entry '%s' %s: refused", im->file,
	                       printable(im->entry, name, sizeof(name)), why);
}

/* "./a//b/" -> "a/b"; "./" -> "". The path has no ".." (checked before). */
static int normalize(const char *path, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *p = path; *p;) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (len + (len > 0) + n >= size)
			return -ENAMETOOLONG;
		if (len > 0)
			out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
		out[len] = '\0';
		p += n;
	}
	return 0;
}

/* The first leading component of rel (its last one excepted) that is a symlink
 * in the tree so far: 1 and its name and target, or 0. */
static int through_symlink(int dirfd, const char *rel, char *hit, size_t size, char *target, size_t tsize)
{
	const char *slash = rel;
	struct stat st;

	while ((slash = strchr(slash, '/'))) {
		size_t n = (size_t)(slash - rel);
		if (n >= size)
			return 0;
		memcpy(hit, rel, n);
		hit[n] = '\0';
		slash++;
		if (fstatat(dirfd, hit, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (!S_ISLNK(st.st_mode))
			return 0; /* a file: libarchive replaces it with a dir */
		ssize_t t = readlinkat(dirfd, hit, target, tsize - 1);
		target[t > 0 ? t : 0] = '\0';
		return 1;
	}
	return 0;
}

static bool is_dir_at(int dirfd, const char *rel)
{
	struct stat st;

	return rel[0] && fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int check_hardlink(struct import *im, const char *link, char *rel, size_t size)
{
	char why[128], hit[PATH_MAX], target[PATH_MAX], shown[256], hshown[256];

	printable(link, shown, sizeof(shown));
	if (!rootfs_entry_path_safe(link, why, sizeof(why)))
		return refused(im, "is a hardlink to '%s', which %s", shown, why);
	if (normalize(link, rel, size) < 0)
		return refused(im, "is a hardlink to a name that is too long");
	if (!rel[0])
		return refused(im, "is a hardlink to the top directory");
	/* A hardlink to a symlink itself is harmless: link(2) does not follow it. */
	if (through_symlink(im->tmpfd, rel, hit, sizeof(hit), target, sizeof(target)))
		return refused(im, "is a hardlink to '%s', which goes through the symlink '%s' (-> %s)", shown,
		               printable(hit, hshown, sizeof(hshown)), printable(target, why, sizeof(why)));
	return 0;
}

/* Everything libarchive's SECURE_* flags would refuse, and a little more,
 * refused here first with a message that names the entry and the reason. */
static int check_entry(struct import *im, struct archive_entry *entry, char *link_rel, size_t size)
{
	char why[128], hit[PATH_MAX], target[PATH_MAX], hshown[256];
	const char *link = archive_entry_hardlink(entry);
	bool dir = archive_entry_filetype(entry) == AE_IFDIR && !link;

	if (!rootfs_entry_path_safe(im->entry, why, sizeof(why)))
		return refused(im, "%s", why);
	if (normalize(im->entry, im->rel, sizeof(im->rel)) < 0 || strlen(im->tmp) + 1 + strlen(im->rel) >= PATH_MAX)
		return refused(im, "has a name that is too long");
	if (!im->rel[0] && !dir)
		return refused(im, "names the top directory but is not a directory");
	if (through_symlink(im->tmpfd, im->rel, hit, sizeof(hit), target, sizeof(target)))
		return refused(im, "goes through the symlink '%s' (-> %s)", printable(hit, hshown, sizeof(hshown)),
		               printable(target, why, sizeof(why)));
	/* Later fixups (modes, times) of a dir must never reach what replaced it. */
	if (!dir && is_dir_at(im->tmpfd, im->rel))
		return refused(im, "would replace a directory unpacked before it");
	link_rel[0] = '\0';
	return link ? check_hardlink(im, link, link_rel, size) : 0;
}

/* ---- unpacking */

static const char *archive_msg(struct archive *a)
{
	const char *m = archive_error_string(a);

	return m ? m : "unknown error";
}

static int not_archive(struct import *im)
{
	return nslab_error_set(im->e, EINVAL, "", "%s is not a tar archive libarchive can read (%s)", im->file,
	                       archive_msg(im->in));
}

static int damaged(struct import *im)
{
	char name[256];

	return nslab_error_set(im->e, EINVAL, "", "%s is truncated or damaged at entry '%s' (%s)", im->file,
	                       printable(im->entry, name, sizeof(name)), archive_msg(im->in));
}

/* libarchive's message for a write, with the temporary dir taken out of it. */
static int write_failed(struct import *im)
{
	char msg[512], name[256];
	const char *m = archive_msg(im->out), *at = strstr(m, im->tmp);
	int err = archive_errno(im->out) > 0 ? archive_errno(im->out) : EIO;

	if (at) {
		const char *rest = at + strlen(im->tmp);
		snprintf(msg, sizeof(msg), "%.*s%s", (int)(at - m), m, rest[0] == '/' ? rest + 1 : rest);
	} else {
		snprintf(msg, sizeof(msg), "%s", m);
	}
	/* SECURE_SYMLINKS: "Cannot extract through symlink X" and the like. */
	if (strstr(msg, "through symlink") || strstr(msg, "intervening symlink"))
		return refused(im, "goes through a symlink (libarchive: %s)", msg);
	return nslab_error_set(im->e, err, "", "%s: entry '%s': %s", im->file, printable(im->entry, name, sizeof(name)),
	                       msg);
}

static int copy_data(struct import *im)
{
	const void *buf;
	size_t len;
	la_int64_t off;

	for (;;) {
		int r = archive_read_data_block(im->in, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return damaged(im);
		if (archive_write_data_block(im->out, buf, len, off) < ARCHIVE_WARN)
			return write_failed(im);
	}
}

static bool is_device(struct archive_entry *entry)
{
	mode_t type = archive_entry_filetype(entry);

	return (type == AE_IFCHR || type == AE_IFBLK) && !archive_entry_hardlink(entry);
}

static void count_entry(struct rootfs_import_report *rep, struct archive_entry *entry)
{
	if (archive_entry_hardlink(entry)) {
		rep->hardlinks++;
		return;
	}
	switch (archive_entry_filetype(entry)) {
	case AE_IFDIR: rep->dirs++; break;
	case AE_IFLNK: rep->symlinks++; break;
	case AE_IFCHR:
	case AE_IFBLK: rep->devices++; break;
	case AE_IFIFO: rep->fifos++; break;
	default:
		rep->files++;
		rep->bytes += archive_entry_size(entry);
		break;
	}
}

/* Point the entry (and its hardlink target) into the temporary dir. */
static void retarget(struct import *im, struct archive_entry *entry, const char *link_rel)
{
	char full[PATH_MAX];

	fmt_path(full, sizeof(full), im->tmp, im->rel[0] ? im->rel : NULL);
	archive_entry_copy_pathname(entry, full);
	if (!link_rel[0])
		return;
	fmt_path(full, sizeof(full), im->tmp, link_rel);
	archive_entry_copy_hardlink(entry, full);
}

static int write_entry(struct import *im, struct archive_entry *entry)
{
	int r = archive_write_header(im->out, entry);

	/* Without CAP_MKNOD (not root, or root in a user namespace) mknod fails:
	 * skip the node, say so in the report; `mount dev` covers /dev. */
	if (r < ARCHIVE_WARN && is_device(entry) && archive_errno(im->out) == EPERM) {
		im->rep->skipped_devices++;
		archive_write_finish_entry(im->out);
		return 0;
	}
	if (r < ARCHIVE_WARN)
		return write_failed(im);
	if (copy_data(im) < 0)
		return error_code(im->e);
	if (archive_write_finish_entry(im->out) < ARCHIVE_WARN)
		return write_failed(im);
	count_entry(im->rep, entry);
	return 0;
}

static int import_entry(struct import *im, struct archive_entry *entry)
{
	const char *name = archive_entry_pathname(entry);
	char link_rel[PATH_MAX];

	if (!name)
		return nslab_error_set(im->e, EILSEQ, "",
		                       "%s: the entry after '%s' has a name that cannot be read in "
		                       "this locale (try a UTF-8 one)",
		                       im->file, im->entry);
	if (fmt_path(im->entry, sizeof(im->entry), name, NULL) < 0)
		return refused(im, "has a name that is too long");
	if (check_entry(im, entry, link_rel, sizeof(link_rel)) < 0)
		return error_code(im->e);
	retarget(im, entry, link_rel);
	return write_entry(im, entry);
}

static int import_entries(struct import *im, struct archive_entry *entry)
{
	for (;;) {
		if (import_entry(im, entry) < 0)
			return error_code(im->e);
		int r = archive_read_next_header(im->in, &entry);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return damaged(im);
	}
}

static int open_input(struct import *im, struct archive_entry **first)
{
	struct stat st;

	im->fd = open(im->file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (im->fd < 0)
		return nslab_error_set(im->e, errno, "open", "%s: %s", im->file, strerror(errno));
	if (fstat(im->fd, &st) == 0 && S_ISDIR(st.st_mode))
		return nslab_error_set(im->e, EISDIR, "",
		                       "%s is a directory, not a tarball (make one with: tar -C %s "
		                       "-cf FILE.tar .)",
		                       im->file, im->file);
	im->in = archive_read_new();
	archive_read_support_filter_all(im->in);
	archive_read_support_format_all(im->in);
	if (archive_read_open_fd(im->in, im->fd, 64 * 1024) < ARCHIVE_WARN)
		return not_archive(im);
	int r = archive_read_next_header(im->in, first);
	if (r == ARCHIVE_EOF)
		return nslab_error_set(im->e, EINVAL, "", "%s: no entries (an empty archive)", im->file);
	if (r < ARCHIVE_WARN)
		return not_archive(im);
	return 0;
}

static int make_tmp(struct import *im, const char *store, const char *name)
{
	if (snprintf(im->tmp, sizeof(im->tmp), "%s/.%s.tmp-%d", store, name, (int)getpid()) >= (int)sizeof(im->tmp))
		return nslab_error_set(im->e, ENAMETOOLONG, "", "rootfs store path too long: %s", store);
	int r = mkdir(im->tmp, 0700);
	/* Left by a killed import that had our pid. */
	if (r < 0 && errno == EEXIST && tree_remove(im->tmp, im->e) == 0)
		r = mkdir(im->tmp, 0700);
	if (r < 0)
		return nslab_error_set(im->e, errno, "mkdir", "cannot create %s: %s", im->tmp, strerror(errno));
	im->tmp_made = true;
	im->tmpfd = open(im->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (im->tmpfd < 0)
		return nslab_error_set(im->e, errno, "open", "%s: %s", im->tmp, strerror(errno));
	return 0;
}

static struct archive *disk_writer(void)
{
	struct archive *out = archive_write_disk_new();
	int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_XATTR |
	            ARCHIVE_EXTRACT_FFLAGS | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT;

	/* Not SECURE_NOABSOLUTEPATHS: every name is the absolute temporary dir
	 * plus an entry name already checked to be relative. */
	if (geteuid() == 0)
		flags |= ARCHIVE_EXTRACT_OWNER;
	archive_write_disk_set_options(out, flags);
	/* No user/group lookup: ids stay numeric, as the rootfs's own
	 * /etc/passwd means them, not the host's. */
	return out;
}

static int move_into_place(struct import *im, const char *final, const char *name)
{
	struct stat st;

	if (renameat2(AT_FDCWD, im->tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EINVAL && lstat(final, &st) < 0 && rename(im->tmp, final) == 0)
		return 0; /* a file system without RENAME_NOREPLACE */
	if (errno == EEXIST || errno == ENOTEMPTY || errno == EINVAL)
		return nslab_error_set(im->e, EEXIST, "", "a rootfs named '%s' appeared while importing %s", name,
		                       im->file);
	return nslab_error_set(im->e, errno, "rename", "%s -> %s: %s", im->tmp, final, strerror(errno));
}

static int finish(struct import *im, const char *final, const char *name)
{
	/* Closing applies the deferred modes and times of directories. */
	if (archive_write_close(im->out) < ARCHIVE_WARN)
		return nslab_error_set(im->e, EIO, "", "%s: finishing: %s", im->file, archive_msg(im->out));
	/* A usable root whatever "./" said; its mtime is when it was imported. */
	if (fchmod(im->tmpfd, 0755) < 0 || futimens(im->tmpfd, NULL) < 0)
		return nslab_error_set(im->e, errno, "chmod", "%s: %s", im->tmp, strerror(errno));
	return move_into_place(im, final, name);
}

static int import_into(struct import *im, const char *store, const char *name, const char *final)
{
	struct archive_entry *entry;

	if (open_input(im, &entry) < 0 || make_tmp(im, store, name) < 0)
		return error_code(im->e);
	im->out = disk_writer();
	if (import_entries(im, entry) < 0)
		return error_code(im->e);
	return finish(im, final, name);
}

static void import_release(struct import *im, bool failed)
{
	struct nslab_error e2;

	if (im->out)
		archive_write_free(im->out);
	if (im->in)
		archive_read_free(im->in);
	if (im->fd >= 0)
		close(im->fd);
	if (im->tmpfd >= 0)
		close(im->tmpfd);
	if (!failed || !im->tmp_made || tree_remove(im->tmp, &e2) == 0)
		return;
	size_t len = strlen(im->e->msg);
	str_appendf(im->e->msg, sizeof(im->e->msg), &len, " (and %s is left behind: %s)", im->tmp, e2.msg);
}

int rootfs_import(const char *file, const char *name, char *out_path, size_t size, struct rootfs_import_report *rep,
                  struct nslab_error *e)
{
	struct rootfs_import_report local;
	struct import im = {.file = file, .fd = -1, .tmpfd = -1, .rep = rep ? rep : &local, .e = e};
	char nm[256], store[PATH_MAX], final[PATH_MAX];
	struct stat st;

	memset(im.rep, 0, sizeof(*im.rep));
	if (archive_lib_load(e) < 0)
		return error_code(e);
	if (pick_name(file, name, nm, sizeof(nm), e) < 0 || store_real(store, sizeof(store), e) < 0)
		return error_code(e);
	if (fmt_path(final, sizeof(final), store, nm) < 0)
		return nslab_error_set(e, ENAMETOOLONG, "", "rootfs store path too long: %s", store);
	if (out_path && strlen(final) >= size)
		return nslab_error_set(e, ENAMETOOLONG, "", "rootfs path too long for the caller: %s", final);
	if (lstat(final, &st) == 0)
		return nslab_error_set(e, EEXIST, "",
		                       "a rootfs named '%s' already exists (%s): remove it first or "
		                       "give another name",
		                       nm, final);
	int r = import_into(&im, store, nm, final);
	import_release(&im, r < 0);
	if (r < 0)
		return r;
	if (out_path)
		fmt_path(out_path, size, final, NULL);
	return 0;
}
