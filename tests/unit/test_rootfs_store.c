/* Unit tests for the rootfs store: names, entry paths, imports built with
 * libarchive's writer (good trees and escape attempts), list, remove. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nslab/rootfs_store.h"
#include "nslab/util.h"

static char base[64];             /* the test's temporary dir, removed at the end */
static char store[PATH_MAX];      /* NSLAB_STORE for the imports */
static char evil_store[PATH_MAX]; /* a store that must stay empty */

/* Paths live in a ring of buffers: copy one that must outlast a few calls. */
static char *path_in(const char *dir, const char *name)
{
	static char buf[8][PATH_MAX + 256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* For a path that must outlast other calls: buf has PATH_MAX bytes. */
static char *join(char *buf, const char *dir, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return buf;
}

/* ---- building tarballs */

enum filter { PLAIN, GZIP, XZ };

static struct archive *tb_open(const char *path, enum filter f)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	if (f == GZIP)
		archive_write_add_filter_gzip(a);
	if (f == XZ)
		archive_write_add_filter_xz(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
		printf("# cannot write %s: %s\n", path, archive_error_string(a));
		exit(1);
	}
	return a;
}

static void tb_add(struct archive *a, const char *name, mode_t type, mode_t perm, const char *data, const char *link,
                   bool hard)
{
	struct archive_entry *e = archive_entry_new();
	size_t len = data ? strlen(data) : 0;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_mtime(e, 1000000000, 0);
	archive_entry_set_size(e, (la_int64_t)len);
	if (link && hard)
		archive_entry_set_hardlink(e, link);
	else if (link)
		archive_entry_set_symlink(e, link);
	if (type == AE_IFCHR)
		archive_entry_set_rdev(e, makedev(1, 3));
	archive_write_header(a, e);
	if (len)
		archive_write_data(a, data, len);
	archive_entry_free(e);
}

static void tb_dir(struct archive *a, const char *n, mode_t perm)
{
	tb_add(a, n, AE_IFDIR, perm, NULL, NULL, false);
}
static void tb_file(struct archive *a, const char *n, mode_t perm, const char *d)
{
	tb_add(a, n, AE_IFREG, perm, d, NULL, false);
}
static void tb_symlink(struct archive *a, const char *n, const char *t)
{
	tb_add(a, n, AE_IFLNK, 0777, NULL, t, false);
}
static void tb_hardlink(struct archive *a, const char *n, const char *t)
{
	tb_add(a, n, AE_IFREG, 0644, NULL, t, true);
}

static void tb_close(struct archive *a)
{
	archive_write_close(a);
	archive_write_free(a);
}

/* A small tree with one entry of each kind; a char device 1,3 when asked. */
static void build_normal(const char *path, enum filter f, bool device)
{
	struct archive *a = tb_open(path, f);
	struct archive_entry *e = archive_entry_new();

	tb_dir(a, "./", 0700);
	tb_dir(a, "./etc/", 0750);
	tb_file(a, "./etc/hostname", 0640, "box\n");
	tb_dir(a, "bin", 0755);
	tb_file(a, "bin/tool", 04755, "#!/bin/sh\n");
	tb_symlink(a, "bin/sh", "/bin/tool");
	tb_symlink(a, "bin/rel", "tool");
	tb_hardlink(a, "bin/tool2", "bin/tool");
	tb_dir(a, "run/", 0755);
	tb_add(a, "run/fifo", AE_IFIFO, 0600, NULL, NULL, false);
	/* Named "root" but uid 1234: ids must stay numeric, not be looked up. */
	archive_entry_set_pathname(e, "owned");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_uid(e, 1234);
	archive_entry_set_gid(e, 5678);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	archive_write_header(a, e);
	archive_entry_free(e);
	if (device) {
		tb_dir(a, "dev", 0755);
		tb_add(a, "dev/null", AE_IFCHR, 0666, NULL, NULL, false);
	}
	tb_close(a);
}

/* ---- looking at the store */

static int count_entries(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	return n;
}

static void read_text(const char *path, char *buf, size_t size)
{
	if (read_file_at(AT_FDCWD, path, buf, size) < 0)
		buf[0] = '\0';
}

static mode_t perm_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_mode & 07777 : 0;
}

/* The test's own cleanup, independent of the code under test. */
static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void use_store(const char *dir)
{
	setenv("NSLAB_STORE", dir, 1);
}

static void write_file(const char *path, const void *data, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	CHECK(fd >= 0 && write_all(fd, data, len) == 0);
}

/* ---- pure checks */

static void test_name_valid(void)
{
	char long_name[260];

	CHECK(rootfs_name_valid("alpine"));
	CHECK(rootfs_name_valid("debian-12"));
	CHECK(rootfs_name_valid("a.b_c-D9"));
	CHECK(rootfs_name_valid("x"));
	CHECK(rootfs_name_valid("rootfs.tar"));
	CHECK(!rootfs_name_valid(""));
	CHECK(!rootfs_name_valid(NULL));
	CHECK(!rootfs_name_valid("."));
	CHECK(!rootfs_name_valid(".."));
	CHECK(!rootfs_name_valid(".hidden"));
	CHECK(!rootfs_name_valid("a/b"));
	CHECK(!rootfs_name_valid("/abs"));
	CHECK(!rootfs_name_valid("a b"));
	CHECK(!rootfs_name_valid("tab\t"));
	CHECK(!rootfs_name_valid("new\nline"));
	CHECK(!rootfs_name_valid("caf\xc3\xa9"));
	CHECK(!rootfs_name_valid("a*"));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK(!rootfs_name_valid(long_name));
	long_name[200] = '\0';
	CHECK(rootfs_name_valid(long_name));
}

static void test_entry_path_safe(void)
{
	static const char *const safe[] = {
	    "a",           "a/b",      "./a", "etc/", "./etc/passwd", "./",     ".",
	    "a//b",        "a/./b",    "...", "..a",  "a..",          "a/b..c", "usr/lib/x86_64-linux-gnu/libc.so.6",
	    "dir/.hidden", ".profile",
	};
	static const struct {
		const char *path, *why;
	} unsafe[] = {
	    {"", "empty"},
	    {"/abs", "is absolute"},
	    {"/", "is absolute"},
	    {"//etc/shadow", "is absolute"},
	    {"../x", "leaves the root (a '..' component)"},
	    {"..", "leaves the root"},
	    {"./../x", "leaves the root"},
	    {"a/../../x", "leaves the root"},
	    {"a/b/../../../etc", "leaves the root"},
	    {"a/..", "has a '..' component"},
	    {"a/../b", "has a '..' component"},
	    {"a/b/..//", "has a '..' component"},
	};
	char why[128];

	for (size_t i = 0; i < ARRAY_SIZE(safe); i++) {
		why[0] = '\0';
		if (!rootfs_entry_path_safe(safe[i], why, sizeof(why)))
			printf("# refused '%s': %s\n", safe[i], why);
		CHECK(rootfs_entry_path_safe(safe[i], why, sizeof(why)));
	}
	for (size_t i = 0; i < ARRAY_SIZE(unsafe); i++) {
		why[0] = '\0';
		CHECK(!rootfs_entry_path_safe(unsafe[i].path, why, sizeof(why)));
		CHECK_CONTAINS(why, unsafe[i].why);
	}
	CHECK(!rootfs_entry_path_safe(NULL, NULL, 0));
	CHECK(!rootfs_entry_path_safe("../x", why, 4)); /* cut to size, still refused */
	CHECK(strlen(why) == 3);
}

/* ---- imports */

static void check_normal_tree(const char *root, const struct rootfs_import_report *rep, bool device)
{
	char buf[64];
	struct stat a, b;

	CHECK(perm_of(root) == 0755);
	read_text(path_in(root, "etc/hostname"), buf, sizeof(buf));
	CHECK_STR(buf, "box\n");
	CHECK(perm_of(path_in(root, "etc/hostname")) == 0640);
	CHECK(perm_of(path_in(root, "etc")) == 0750);
	CHECK(perm_of(path_in(root, "bin/tool")) == (geteuid() == 0 ? 04755 : 0755) ||
	      perm_of(path_in(root, "bin/tool")) == 04755);
	ssize_t n = readlink(path_in(root, "bin/sh"), buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "/bin/tool");
	n = readlink(path_in(root, "bin/rel"), buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "tool");
	CHECK(stat(path_in(root, "bin/tool"), &a) == 0 && stat(path_in(root, "bin/tool2"), &b) == 0);
	CHECK(a.st_ino == b.st_ino && a.st_nlink == 2);
	CHECK(lstat(path_in(root, "run/fifo"), &a) == 0 && S_ISFIFO(a.st_mode));
	if (geteuid() == 0)
		CHECK(lstat(path_in(root, "owned"), &a) == 0 && a.st_uid == 1234 && a.st_gid == 5678);
	CHECK(rep->files == 3 && rep->hardlinks == 1 && rep->symlinks == 2 && rep->fifos == 1);
	CHECK(rep->dirs == (device ? 5 : 4));
	CHECK(rep->bytes == 4 + 10);
	if (!device)
		return;
	if (geteuid() != 0) {
		CHECK(rep->devices == 0 && rep->skipped_devices == 1);
		return;
	}
	CHECK(rep->devices == 1 && rep->skipped_devices == 0);
	CHECK(lstat(path_in(root, "dev/null"), &a) == 0 && S_ISCHR(a.st_mode) && a.st_rdev == makedev(1, 3));
}

static void test_import_gzip(void)
{
	struct rootfs_import_report rep;
	struct nslab_error e = {0};
	char out[PATH_MAX], found[PATH_MAX];
	char tar[PATH_MAX];

	join(tar, base, "normal.tar.gz");
	use_store(store);
	build_normal(tar, GZIP, geteuid() == 0);
	CHECK(rootfs_import(tar, NULL, out, sizeof(out), &rep, &e) == 0);
	if (e.msg[0])
		printf("# %s\n", e.msg);
	CHECK_STR(out, path_in(store, "normal"));
	check_normal_tree(out, &rep, geteuid() == 0);
	CHECK(rootfs_lookup("normal", found, sizeof(found)) == 0);
	CHECK_STR(found, out);
	CHECK(count_entries(store) == 1); /* no temporary dir left */
}

/* Detected by content: xz data behind a .tgz name, plain tar behind .tar.gz. */
static void test_import_by_content(void)
{
	struct rootfs_import_report rep;
	struct nslab_error e = {0};
	char out[PATH_MAX];
	char xz[PATH_MAX], plain[PATH_MAX];

	join(xz, base, "misnamed.tgz");
	join(plain, base, "plain.tar.gz");

	use_store(store);
	build_normal(xz, XZ, false);
	CHECK(rootfs_import(xz, NULL, out, sizeof(out), &rep, &e) == 0);
	CHECK_STR(out, path_in(store, "misnamed"));
	check_normal_tree(out, &rep, false);
	build_normal(plain, PLAIN, false);
	CHECK(rootfs_import(plain, "given-name", out, sizeof(out), NULL, &e) == 0);
	CHECK_STR(out, path_in(store, "given-name"));
	CHECK(perm_of(path_in(out, "etc/hostname")) == 0640);
}

static void test_default_names(void)
{
	static const struct {
		const char *file, *name;
	} cases[] = {
	    {"alpine.tar", "alpine"}, {"deb.tar.xz", "deb"}, {"f.txz", "f"},     {"z.tar.zst", "z"},
	    {"b.tar.bz2", "b"},       {"v1.2.tgz", "v1.2"},  {"noext", "noext"}, {"UP.TAR.GZ", "UP"},
	};
	struct nslab_error e = {0};
	char out[PATH_MAX];

	use_store(store);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char tar[PATH_MAX];

		join(tar, base, cases[i].file);
		build_normal(tar, PLAIN, false);
		CHECK(rootfs_import(tar, NULL, out, sizeof(out), NULL, &e) == 0);
		CHECK_STR(out, path_in(store, cases[i].name));
		CHECK(rootfs_remove(cases[i].name, &e) == 0);
		unlink(tar);
	}
	build_normal(path_in(base, "bad name.tar"), PLAIN, false);
	CHECK(rootfs_import(path_in(base, "bad name.tar"), NULL, out, sizeof(out), NULL, &e) < 0);
	CHECK_CONTAINS(e.msg, "'bad name' would not be a valid rootfs name");
	CHECK(rootfs_import(path_in(base, "bad name.tar"), "../up", out, sizeof(out), NULL, &e) == -EINVAL);
	CHECK_CONTAINS(e.msg, "'../up' is not a valid rootfs name");
	unlink(path_in(base, "bad name.tar"));
}

/* Import TAR into the evil store: refused with WANT in the message, and
 * nothing left behind. */
static void expect_refused(const char *tar, const char *want)
{
	struct nslab_error e = {0};
	struct rootfs_import_report rep;
	char out[PATH_MAX] = "";

	use_store(evil_store);
	CHECK(rootfs_import(tar, "evil", out, sizeof(out), &rep, &e) < 0);
	CHECK_CONTAINS(e.msg, want);
	CHECK(count_entries(evil_store) == 0);
	CHECK(out[0] == '\0');
	unlink(tar);
}

static void test_refuse_paths(void)
{
	char tar[PATH_MAX];
	struct archive *a;

	join(tar, base, "evil.tar");

	a = tb_open(tar, GZIP);
	tb_dir(a, "./", 0755);
	tb_file(a, "ok", 0644, "fine\n");
	tb_file(a, "../x", 0644, "out\n");
	tb_close(a);
	expect_refused(tar, "evil.tar: entry '../x' leaves the root (a '..' component): refused");
	CHECK(access(path_in(evil_store, "../x"), F_OK) < 0);

	a = tb_open(tar, PLAIN);
	tb_file(a, "/abs", 0644, "abs\n");
	tb_close(a);
	expect_refused(tar, "entry '/abs' is absolute: refused");

	a = tb_open(tar, PLAIN);
	tb_dir(a, "a", 0755);
	tb_file(a, "a/../../x", 0644, "out\n");
	tb_close(a);
	expect_refused(tar, "entry 'a/../../x' leaves the root");

	a = tb_open(tar, PLAIN);
	tb_file(a, "a/../b", 0644, "in\n");
	tb_close(a);
	expect_refused(tar, "entry 'a/../b' has a '..' component");

	a = tb_open(tar, PLAIN);
	tb_hardlink(a, "h", "../../etc/passwd");
	tb_close(a);
	expect_refused(tar, "entry 'h' is a hardlink to '../../etc/passwd', which leaves the root");

	a = tb_open(tar, PLAIN);
	tb_hardlink(a, "h", "/etc/passwd");
	tb_close(a);
	expect_refused(tar, "is a hardlink to '/etc/passwd', which is absolute");

	a = tb_open(tar, PLAIN);
	tb_file(a, "esc\033[2Jape/../../x", 0644, "x");
	tb_close(a);
	expect_refused(tar, "entry 'esc?[2Jape/../../x'");
}

static void test_refuse_symlinks(void)
{
	char tar[PATH_MAX], pwned[64];
	struct archive *a;

	join(tar, base, "evil.tar");

	snprintf(pwned, sizeof(pwned), "evil/nslab-pwned-%d", (int)getpid());
	a = tb_open(tar, GZIP);
	tb_symlink(a, "evil", "/tmp");
	tb_file(a, pwned, 0644, "pwned\n");
	tb_close(a);
	expect_refused(tar, "goes through the symlink 'evil' (-> /tmp): refused");
	CHECK(access(path_in("/tmp", pwned + 5), F_OK) < 0);

	a = tb_open(tar, PLAIN);
	tb_symlink(a, "up", "..");
	tb_file(a, "up/x", 0644, "x\n");
	tb_close(a);
	expect_refused(tar, "entry 'up/x' goes through the symlink 'up' (-> ..)");

	a = tb_open(tar, PLAIN);
	tb_dir(a, "a", 0755);
	tb_symlink(a, "a/b", "/");
	tb_dir(a, "a/b/c/", 0755);
	tb_close(a);
	expect_refused(tar, "entry 'a/b/c/' goes through the symlink 'a/b' (-> /)");

	a = tb_open(tar, PLAIN);
	tb_symlink(a, "l", "/etc");
	tb_hardlink(a, "h", "l/passwd");
	tb_close(a);
	expect_refused(tar, "'h' is a hardlink to 'l/passwd', which goes through the symlink 'l' (-> /etc)");

	/* A dir's deferred mode must not land on a symlink that replaced it. */
	a = tb_open(tar, PLAIN);
	tb_dir(a, "d", 0777);
	tb_symlink(a, "d", base);
	tb_close(a);
	expect_refused(tar, "entry 'd' would replace a directory");
	CHECK(perm_of(base) == 0755);

	a = tb_open(tar, PLAIN);
	tb_symlink(a, "./", "/");
	tb_close(a);
	expect_refused(tar, "entry './' names the top directory but is not a directory");

	a = tb_open(tar, PLAIN);
	tb_file(a, "f", 0644, "f");
	tb_hardlink(a, "./", "f");
	tb_close(a);
	expect_refused(tar, "names the top directory");

	a = tb_open(tar, PLAIN);
	tb_hardlink(a, "h", ".");
	tb_close(a);
	expect_refused(tar, "is a hardlink to the top directory");
}

/* A file over a symlink replaces the link; it never writes where it points. */
static void test_symlink_replaced(void)
{
	char tar[PATH_MAX], victim[PATH_MAX], out[PATH_MAX], buf[32];
	struct nslab_error e = {0};
	struct stat st;
	struct archive *a;

	join(tar, base, "replace.tar");
	join(victim, base, "victim");
	write_file(victim, "victim\n", 7);
	a = tb_open(tar, PLAIN);
	tb_symlink(a, "f", victim);
	tb_file(a, "f", 0644, "new\n");
	tb_close(a);
	use_store(store);
	CHECK(rootfs_import(tar, "replaced", out, sizeof(out), NULL, &e) == 0);
	read_text(victim, buf, sizeof(buf));
	CHECK_STR(buf, "victim\n");
	CHECK(lstat(path_in(out, "f"), &st) == 0 && S_ISREG(st.st_mode));
	read_text(path_in(out, "f"), buf, sizeof(buf));
	CHECK_STR(buf, "new\n");
	CHECK(rootfs_remove("replaced", &e) == 0);
	CHECK(rootfs_import(tar, "short", out, 8, NULL, &e) == -ENAMETOOLONG);
	CHECK(rootfs_lookup("short", out, sizeof(out)) == -ENOENT);
	unlink(tar);
	unlink(victim);
}

static void test_bad_inputs(void)
{
	struct nslab_error e = {0};
	char out[PATH_MAX];
	char text[PATH_MAX], empty[PATH_MAX], trunc[PATH_MAX];

	join(text, base, "notes.tar");
	join(empty, base, "empty.tar");
	join(trunc, base, "trunc.tar.gz");

	use_store(evil_store);
	write_file(text, "hello, I am not a tarball\n", 26);
	CHECK(rootfs_import(text, NULL, out, sizeof(out), NULL, &e) < 0);
	CHECK_CONTAINS(e.msg, "notes.tar is not a tar archive libarchive can read (");
	write_file(empty, "", 0);
	CHECK(rootfs_import(empty, NULL, out, sizeof(out), NULL, &e) < 0);
	CHECK_CONTAINS(e.msg, "empty.tar: no entries");
	CHECK(rootfs_import(path_in(base, "missing.tar"), NULL, out, sizeof(out), NULL, &e) == -ENOENT);
	CHECK(e.err == ENOENT);
	CHECK_CONTAINS(e.msg, "missing.tar: No such file or directory");
	CHECK(rootfs_import(base, "dir", out, sizeof(out), NULL, &e) == -EISDIR);

	/* Random data does not compress: cutting the file cuts the tar stream. */
	char *blob = xmalloc(256 * 1024);
	unsigned int seed = 42;
	for (size_t i = 0; i < 256 * 1024; i++)
		blob[i] = (char)(1 + rand_r(&seed) % 255);
	blob[256 * 1024 - 1] = '\0';
	struct archive *a = tb_open(trunc, GZIP);
	tb_dir(a, "big", 0755);
	tb_file(a, "big/blob", 0644, blob);
	tb_file(a, "big/after", 0644, "after\n");
	tb_close(a);
	free(blob);
	struct stat st;
	CHECK(stat(trunc, &st) == 0 && truncate(trunc, st.st_size / 2) == 0);
	CHECK(rootfs_import(trunc, NULL, out, sizeof(out), NULL, &e) < 0);
	CHECK_CONTAINS(e.msg, "trunc.tar.gz is truncated or damaged at entry 'big/blob'");
	CHECK(count_entries(evil_store) == 0);
	unlink(text);
	unlink(empty);
	unlink(trunc);
}

static void test_duplicate(void)
{
	struct nslab_error e = {0};
	char out[PATH_MAX];
	char tar[PATH_MAX];

	join(tar, base, "normal.tar.gz");
	use_store(store);
	CHECK(rootfs_import(tar, NULL, out, sizeof(out), NULL, &e) == -EEXIST);
	CHECK_CONTAINS(e.msg, "a rootfs named 'normal' already exists");
	CHECK(perm_of(path_in(store, "normal/etc/hostname")) == 0640); /* untouched */
}

static void test_list(void)
{
	struct rootfs_entry *list = NULL;
	struct nslab_error e = {0};
	size_t n = 0;
	time_t now = time(NULL);

	use_store(store);
	CHECK(mkdir(path_in(store, ".half.tmp-1"), 0700) == 0); /* a killed import: not listed */
	write_file(path_in(store, "stray-file"), "x", 1);       /* not a dir: not listed */
	CHECK(rootfs_list(&list, &n, &e) == 0);
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(list[0].name, "given-name");
		CHECK_STR(list[1].name, "misnamed");
		CHECK_STR(list[2].name, "normal");
		CHECK_STR(list[2].path, path_in(store, "normal"));
		/* hostname, tool (two names), owned */
		CHECK(list[2].files == 4);
		CHECK(list[2].bytes > 0 && list[2].bytes % 512 == 0);
		CHECK(list[2].created >= now - 60 && list[2].created <= now + 5);
	}
	free(list);
	rmdir(path_in(store, ".half.tmp-1"));
	unlink(path_in(store, "stray-file"));
}

static void test_remove(void)
{
	struct nslab_error e = {0};
	char path[PATH_MAX];

	use_store(store);
	CHECK(rootfs_remove("misnamed", &e) == 0);
	CHECK(rootfs_lookup("misnamed", path, sizeof(path)) == -ENOENT);
	CHECK(access(path_in(store, "misnamed"), F_OK) < 0);
	/* A symlink out of the tree is removed, not followed. */
	CHECK(symlink(base, path_in(store, "given-name/escape")) == 0);
	CHECK(rootfs_remove("given-name", &e) == 0);
	CHECK(access(path_in(base, "normal.tar.gz"), F_OK) == 0);
	CHECK(rootfs_remove("misnamed", &e) == -ENOENT);
	CHECK_CONTAINS(e.msg, "no rootfs named 'misnamed'");
	CHECK(rootfs_remove("../store", &e) == -EINVAL);
	CHECK(rootfs_remove(".half", &e) == -EINVAL);
	CHECK(rootfs_lookup("../store", path, sizeof(path)) == -ENOENT);
	CHECK(rootfs_lookup("nothere", path, sizeof(path)) == -ENOENT);
}

/* As an ordinary user (nobody, forked, when the test runs as root) device
 * nodes cannot be made: they are skipped and counted; the rest is there. */
static int import_unprivileged(const char *tar, const char *dir)
{
	struct rootfs_import_report rep;
	struct nslab_error e = {0};
	char out[PATH_MAX];

	use_store(dir);
	if (rootfs_import(tar, "nodev", out, sizeof(out), &rep, &e) < 0) {
		printf("# %s\n", e.msg);
		return 1;
	}
	check_normal_tree(out, &rep, true);
	/* Dirs an owner cannot write into still go away. */
	CHECK(chmod(path_in(out, "etc"), 0555) == 0 && chmod(path_in(out, "run"), 0) == 0);
	CHECK(rootfs_remove("nodev", &e) == 0);
	if (e.msg[0])
		printf("# %s\n", e.msg);
	CHECK(count_entries(dir) == 0);
	return check_failed_here;
}

static void test_devices_unprivileged(void)
{
	char tar[PATH_MAX], dir[PATH_MAX];

	join(tar, base, "dev.tar");
	join(dir, base, "userstore");
	build_normal(tar, PLAIN, true);
	CHECK(mkdir(dir, 0755) == 0);
	if (geteuid() != 0) {
		CHECK(import_unprivileged(tar, dir) == 0);
		return;
	}
	CHECK(chown(dir, 65534, 65534) == 0 && chmod(base, 0755) == 0 && chmod(tar, 0644) == 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		int r = import_unprivileged(tar, dir);
		fflush(stdout);
		_exit(r);
	}
	int status = -1;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(chmod(base, 0700) == 0);
}

/* Immutable files (ARCHIVE_EXTRACT_FFLAGS, as root) must not make a rootfs,
 * or a failed import's temporary dir, impossible to remove. */
static void test_immutable(void)
{
	char tar[PATH_MAX];
	struct archive_entry *ent;
	struct nslab_error e = {0};
	char out[PATH_MAX];
	int flags = 0;

	join(tar, base, "immutable.tar");
	for (int evil = 0; evil < 2; evil++) {
		struct archive *a = tb_open(tar, PLAIN);
		tb_dir(a, "d", 0755);
		ent = archive_entry_new();
		archive_entry_set_pathname(ent, "d/locked");
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_perm(ent, 0644);
		archive_entry_set_fflags(ent, FS_IMMUTABLE_FL, 0);
		archive_write_header(a, ent);
		archive_entry_free(ent);
		if (evil)
			tb_file(a, "../x", 0644, "x");
		tb_close(a);
		use_store(evil ? evil_store : store);
		int r = rootfs_import(tar, "locked", out, sizeof(out), NULL, &e);
		if (evil) {
			CHECK(r < 0);
			CHECK(count_entries(evil_store) == 0);
			continue;
		}
		CHECK(r == 0);
		_cleanup_close_ int fd = open(path_in(out, "d/locked"), O_RDONLY | O_CLOEXEC);
		CHECK(fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0);
		if (!(flags & FS_IMMUTABLE_FL))
			printf("# this file system kept no immutable flag\n");
		CHECK(rootfs_remove("locked", &e) == 0);
		CHECK(access(out, F_OK) < 0);
	}
	unlink(tar);
}

static void test_cleanup_all(void)
{
	struct nslab_error e = {0};

	use_store(store);
	CHECK(rootfs_remove("normal", &e) == 0);
	CHECK(count_entries(store) == 0);
	CHECK(count_entries(evil_store) == 0);
}

int main(void)
{
	snprintf(base, sizeof(base), "/tmp/nslab-rootfs-test.XXXXXX");
	if (!mkdtemp(base))
		return 1;
	chmod(base, 0755);
	snprintf(store, sizeof(store), "%s/store", base);
	snprintf(evil_store, sizeof(evil_store), "%s/evil-store", base);
	mkdir(evil_store, 0755);
	RUN(test_name_valid);
	RUN(test_entry_path_safe);
	RUN(test_import_gzip);
	RUN(test_import_by_content);
	RUN(test_default_names);
	RUN(test_refuse_paths);
	RUN(test_refuse_symlinks);
	RUN(test_symlink_replaced);
	RUN(test_bad_inputs);
	RUN(test_duplicate);
	RUN(test_list);
	RUN(test_remove);
	RUN(test_devices_unprivileged);
	if (geteuid() == 0)
		RUN(test_immutable);
	else
		printf("SKIP test_immutable: needs root to set immutable flags\n");
	RUN(test_cleanup_all);
	if (nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 || access(base, F_OK) == 0)
		printf("FAIL cleanup: %s is left\n", base);
	return CHECK_DONE();
}
