/* Unit tests for overlay layers: the option string, diff and which over trees built here. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"
#include "nslab/overlay.h"

static struct nslab_error e;
static char base[PATH_MAX];

/* ---- building layer trees */

static const char *at(const char *layer, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], PATH_MAX, "%s/%s%s%s", base, layer, *rel ? "/" : "", rel);
	return buf[i];
}

static void mkdirs(const char *layer, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", at(layer, rel));
	for (char *s = p + strlen(base) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* A file with its parent directories. */
static void put(const char *layer, const char *rel, const char *content)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rel);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdirs(layer, dir);
	}
	FILE *f = fopen(at(layer, rel), "w");
	CHECK(f != NULL);
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void xattr(const char *layer, const char *rel, const char *name, const char *value)
{
	CHECK(lsetxattr(at(layer, rel), name, value, strlen(value), 0) == 0);
}

/* An empty file with an overlay.whiteout xattr, as image tools write them. */
static void xwhiteout(const char *layer, const char *rel, const char *prefix)
{
	char name[64];

	put(layer, rel, "");
	snprintf(name, sizeof(name), "%s.overlay.whiteout", prefix);
	xattr(layer, rel, name, "");
}

static void link_to(const char *layer, const char *rel, const char *target)
{
	CHECK(symlink(target, at(layer, rel)) == 0);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void tree_begin(void)
{
	const char *tmp = getenv("NSLAB_TEST_TMP");

	snprintf(base, sizeof(base), "%s/ovl.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(base) != NULL);
	mkdirs("upper", "");
	mkdirs("l0", "");
	mkdirs("l1", "");
	mkdirs("l2", "");
}

static void tree_end(void)
{
	CHECK(nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
	CHECK(access(base, F_OK) < 0);
}

/* ---- running diff and which */

static const char *lowers[3];

static void set_lowers(void)
{
	static char l[3][PATH_MAX];

	for (int i = 0; i < 3; i++) {
		char name[4] = {'l', (char)('0' + i), 0};
		snprintf(l[i], PATH_MAX, "%s", at(name, ""));
		lowers[i] = l[i];
	}
}

/* The diff as "K /path" lines, one per entry. */
static char *diff_text(void)
{
	static char out[8192];
	struct diff_entry *d = NULL;
	size_t n = 0, len = 0;
	char up[PATH_MAX];

	out[0] = '\0';
	snprintf(up, sizeof(up), "%s", at("upper", ""));
	if (overlay_diff(up, lowers, 3, &d, &n, &e) < 0) {
		snprintf(out, sizeof(out), "error: %s", e.msg);
		return out;
	}
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%c %s\n", d[i].kind, d[i].path);
	free(d);
	return out;
}

static int which(const char *path, bool with_upper, int *layer)
{
	char up[PATH_MAX];

	snprintf(up, sizeof(up), "%s", at("upper", ""));
	*layer = -7;
	return overlay_which(path, with_upper ? up : NULL, lowers, 3, layer, &e);
}

#define CHECK_WHICH(path, want, want_layer)                                                                            \
	do {                                                                                                           \
		int layer_;                                                                                            \
		int r_ = which(path, true, &layer_);                                                                   \
		if (r_ != (want) || layer_ != (want_layer))                                                            \
			printf("  which %s: %d layer %d, want %d layer %d %s\n", path, r_, layer_, (int)(want),        \
			       (int)(want_layer), r_ < 0 ? e.msg : "");                                                \
		CHECK(r_ == (want) && layer_ == (want_layer));                                                         \
	} while (0)

/* ---- overlay_options */

static void test_options_layers(void)
{
	char buf[4096];
	const char *one[] = {"/img"};
	const char *three[] = {"/top", "/mid", "/rootfs"};

	CHECK(overlay_options(one, 1, "/u", "/w", false, buf, sizeof(buf), &e) == 0);
	CHECK_STR(buf, "lowerdir=/img,upperdir=/u,workdir=/w");
	CHECK(overlay_options(three, 3, "/u", "/w", false, buf, sizeof(buf), &e) == 0);
	CHECK_STR(buf, "lowerdir=/top:/mid:/rootfs,upperdir=/u,workdir=/w");
	CHECK(overlay_options(three, 3, "/u", "/w", true, buf, sizeof(buf), &e) == 0);
	CHECK_STR(buf, "lowerdir=/top:/mid:/rootfs,upperdir=/u,workdir=/w,userxattr");
	CHECK(overlay_options(three, 2, NULL, NULL, false, buf, sizeof(buf), &e) == 0);
	CHECK_STR(buf, "lowerdir=/top:/mid");
}

static void test_options_escape(void)
{
	char buf[4096];
	const char *lower[] = {"/a:b", "/c,d", "/e\\f", "/plain dir=x"};

	CHECK(overlay_options(lower, 4, "/up,per", "/wo:rk", false, buf, sizeof(buf), &e) == 0);
	CHECK_STR(buf, "lowerdir=/a\\:b:/c\\,d:/e\\\\f:/plain dir=x,upperdir=/up\\,per,workdir=/wo\\:rk");
}

static void test_options_invalid(void)
{
	char buf[4096];
	const char *lower[] = {"/a", ""};

	CHECK(overlay_options(lower, 0, "/u", "/w", false, buf, sizeof(buf), &e) < 0);
	CHECK_CONTAINS(e.msg, "at least one lower");
	CHECK(overlay_options(lower, 1, "/u", NULL, false, buf, sizeof(buf), &e) < 0);
	CHECK_CONTAINS(e.msg, "go together");
	CHECK(overlay_options(lower, 2, "/u", "/w", false, buf, sizeof(buf), &e) < 0);
	CHECK_CONTAINS(e.msg, "empty path");
	CHECK(overlay_options(lower, 1, "/u", "/w", false, buf, 10, &e) < 0);
	CHECK(e.err == ENOSPC);
	CHECK(strlen(buf) == 9);
}

/* lowerdir=L:L:... of exactly `len` bytes, from layer paths of 1000 bytes. */
static int options_of_length(size_t len, char *buf, size_t size)
{
	static char names[80][1024];
	const char *lower[80];
	size_t n = 0, total = strlen("lowerdir=") - 1;

	while (total + 1001 + 2 <= len && n < 79) {
		memset(names[n], 'x', 1000);
		names[n][0] = '/';
		names[n][1000] = '\0';
		lower[n] = names[n];
		total += 1001;
		n++;
	}
	size_t last = len - total - 1;
	memset(names[n], 'y', last);
	names[n][0] = '/';
	names[n][last] = '\0';
	lower[n] = names[n];
	return overlay_options(lower, n + 1, NULL, NULL, false, buf, size, &e);
}

static void test_options_too_long(void)
{
	static char buf[80 * 1024];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	CHECK(options_of_length(page - 1, buf, sizeof(buf)) == 0);
	CHECK(strlen(buf) == page - 1);
	CHECK(options_of_length(page, buf, sizeof(buf)) < 0);
	CHECK(e.err == E2BIG);
	CHECK_CONTAINS(e.msg, "page");
	CHECK_CONTAINS(e.msg, "fewer layers or shorter layer paths");
	char want[32];
	snprintf(want, sizeof(want), "at most %zu", page - 1);
	CHECK_CONTAINS(e.msg, want);
}

/* ---- diff and which over layers that use the user.overlay.* forms */

static void build_user_layers(void)
{
	/* l2, the bottom: the base image */
	put("l2", "etc/hostname", "base\n");
	put("l2", "etc/passwd", "root:x:0:0\n");
	put("l2", "etc/motd", "hello\n");
	put("l2", "only2", "bottom\n");
	put("l2", "var/log/old.log", "old\n");
	put("l2", "opq/a", "a\n");
	put("l2", "opq/b", "b\n");
	put("l2", "usr/bin/tool", "tool\n");
	put("l2", "op0/x", "x\n");
	link_to("l2", "sl", "/"); /* never followed to the host's / */
	/* l1: changes hostname, deletes motd (an image-layer whiteout), adds */
	put("l1", "etc/hostname", "l1\n");
	xwhiteout("l1", "etc/motd", "user");
	xattr("l1", "etc", "user.overlay.opaque", "x"); /* "x": holds xattr whiteouts, not opaque */
	put("l1", "gone1", "l1 only\n");
	put("l1", "opq/c", "c\n");
	/* l0, the top lower: an opaque dir of its own, a usr-merge style link */
	put("l0", "etc/hostname", "l0\n");
	put("l0", "op0/y", "y\n");
	xattr("l0", "op0", "user.overlay.opaque", "y");
	put("l0", "usr/lib/libc.so", "libc\n");
	link_to("l0", "lib", "usr/lib");
	link_to("l0", "lib2", "../../../etc");
	/* upper: what the container did */
	put("upper", "etc/hostname", "container\n");
	put("upper", "etc/new.conf", "new\n");
	put("upper", "etc/motd", "recreated\n");
	xwhiteout("upper", "etc/passwd", "user");
	put("upper", "newdir/sub/file", "f\n");
	put("upper", "opq/b", "b again\n");
	put("upper", "opq/z", "z\n");
	xattr("upper", "opq", "user.overlay.opaque", "y");
	xwhiteout("upper", "var/log/old.log", "user");
	put("upper", "usr/bin/new", "new\n");
	xattr("upper", "usr", "user.overlay.opaque", "x");
	put("upper", "sl/etc/passwd", "not the host's\n");
	link_to("upper", "evil", "/");
	set_lowers();
}

static void test_diff_user_forms(void)
{
	tree_begin();
	build_user_layers();
	CHECK_STR(diff_text(), "C /etc\n"
			       "C /etc/hostname\n"
			       "A /etc/motd\n"
			       "A /etc/new.conf\n"
			       "D /etc/passwd\n"
			       "A /evil\n"
			       "A /newdir\n"
			       "A /newdir/sub\n"
			       "A /newdir/sub/file\n"
			       "C /opq\n"
			       "D /opq/a\n"
			       "C /opq/b\n"
			       "D /opq/c\n"
			       "A /opq/z\n"
			       "C /sl\n"
			       "A /sl/etc\n"
			       "A /sl/etc/passwd\n"
			       "C /usr\n"
			       "C /usr/bin\n"
			       "A /usr/bin/new\n"
			       "C /var\n"
			       "C /var/log\n"
			       "D /var/log/old.log\n");
	tree_end();
}

static void test_which_user_forms(void)
{
	tree_begin();
	build_user_layers();
	CHECK_WHICH("/", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/etc", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/etc/hostname", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/etc/passwd", OVERLAY_DELETED, -1); /* whiteout in upper, file in l2 */
	CHECK_WHICH("/etc/motd", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/only2", OVERLAY_FROM_LOWER, 2);
	CHECK_WHICH("/gone1", OVERLAY_FROM_LOWER, 1);
	CHECK_WHICH("/opq/a", OVERLAY_NOT_FOUND, -1); /* hidden by the opaque upper dir */
	CHECK_WHICH("/opq/c", OVERLAY_NOT_FOUND, -1);
	CHECK_WHICH("/opq/b", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/op0/x", OVERLAY_NOT_FOUND, -1); /* hidden by l0's opaque dir */
	CHECK_WHICH("/op0/y", OVERLAY_FROM_LOWER, 0);
	CHECK_WHICH("/op0", OVERLAY_FROM_LOWER, 0);
	CHECK_WHICH("/usr/bin/tool", OVERLAY_FROM_LOWER, 2); /* "x" is not opaque */
	CHECK_WHICH("/usr/bin/new", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/var/log/old.log", OVERLAY_DELETED, -1);
	CHECK_WHICH("/var/log/old.log/x", OVERLAY_DELETED, -1);
	CHECK_WHICH("/var/log", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/lib", OVERLAY_FROM_LOWER, 0);            /* the link itself */
	CHECK_WHICH("/lib/libc.so", OVERLAY_FROM_LOWER, 0);    /* through it */
	CHECK_WHICH("/lib2/hostname", OVERLAY_FROM_UPPER, -1); /* ".." stops at the container's / */
	CHECK_WHICH("/lib2", OVERLAY_FROM_LOWER, 0);
	CHECK_WHICH("/lib2/", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("//etc/./../only2", OVERLAY_FROM_LOWER, 2);
	CHECK_WHICH("/sl/etc/passwd", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/evil/etc/passwd", OVERLAY_DELETED, -1); /* "/" is the container's */
	CHECK_WHICH("/nothing", OVERLAY_NOT_FOUND, -1);
	CHECK_WHICH("/etc/hostname/x", OVERLAY_NOT_FOUND, -1);

	int layer;
	CHECK(which("/etc/motd", false, &layer) == OVERLAY_DELETED); /* the image deleted it in l1 */
	CHECK(which("/etc/hostname", false, &layer) == OVERLAY_FROM_LOWER && layer == 0);
	CHECK(which("/", false, &layer) == OVERLAY_FROM_LOWER && layer == 0);
	CHECK(which("etc", true, &layer) < 0);
	CHECK_CONTAINS(e.msg, "absolute");
	tree_end();
}

static void test_diff_empty_and_errors(void)
{
	static struct diff_entry sentinel;
	struct diff_entry *d = &sentinel;
	size_t n = 99;

	tree_begin();
	set_lowers();
	put("l0", "f", "f\n");
	CHECK_STR(diff_text(), "");
	CHECK(overlay_diff(at("nope", ""), lowers, 3, &d, &n, &e) < 0);
	CHECK(d == NULL && n == 0);
	CHECK_CONTAINS(e.msg, "nope");
	int layer;
	lowers[1] = at("missing", "");
	CHECK(which("/f", true, &layer) < 0);
	CHECK(e.err == ENOENT);
	tree_end();
}

/* ---- the forms only root can write: 0/0 devices and trusted.* xattrs */

static void test_root_forms(void)
{
	tree_begin();
	put("l2", "chr", "c\n");
	put("l2", "trx", "t\n");
	put("l2", "tdir/k", "k\n");
	put("l2", "tdir/m", "m\n");
	put("l1", "l1chr", "hidden by l0\n");
	CHECK(mknod(at("l0", "l1chr"), S_IFCHR | 0, makedev(0, 0)) == 0);
	CHECK(mknod(at("upper", "chr"), S_IFCHR | 0, makedev(0, 0)) == 0);
	CHECK(mknod(at("upper", "null"), S_IFCHR | 0666, makedev(1, 3)) == 0); /* a device, not a whiteout */
	xwhiteout("upper", "trx", "trusted");
	put("upper", "tdir/m", "m2\n");
	xattr("upper", "tdir", "trusted.overlay.opaque", "y");
	set_lowers();
	CHECK_STR(diff_text(), "D /chr\n"
			       "A /null\n"
			       "C /tdir\n"
			       "D /tdir/k\n"
			       "C /tdir/m\n"
			       "D /trx\n");
	CHECK_WHICH("/chr", OVERLAY_DELETED, -1);
	CHECK_WHICH("/trx", OVERLAY_DELETED, -1);
	CHECK_WHICH("/tdir/k", OVERLAY_NOT_FOUND, -1);
	CHECK_WHICH("/tdir/m", OVERLAY_FROM_UPPER, -1);
	CHECK_WHICH("/l1chr", OVERLAY_DELETED, -1);
	CHECK_WHICH("/null", OVERLAY_FROM_UPPER, -1);
	tree_end();
}

static bool user_xattrs_work(void)
{
	char p[PATH_MAX];
	const char *tmp = getenv("NSLAB_TEST_TMP");

	snprintf(p, sizeof(p), "%s/ovl-probe.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(p);
	if (fd < 0)
		return false;
	bool ok = fsetxattr(fd, "user.nslab.probe", "1", 1, 0) == 0;
	close(fd);
	unlink(p);
	return ok;
}

int main(void)
{
	RUN(test_options_layers);
	RUN(test_options_escape);
	RUN(test_options_invalid);
	RUN(test_options_too_long);
	RUN(test_diff_empty_and_errors);
	if (user_xattrs_work()) {
		RUN(test_diff_user_forms);
		RUN(test_which_user_forms);
	} else {
		printf("SKIP test_diff_user_forms: the temp dir's file system takes no user.* xattrs\n");
		printf("SKIP test_which_user_forms: the temp dir's file system takes no user.* xattrs\n");
	}
	if (geteuid() == 0)
		RUN(test_root_forms);
	else
		printf("SKIP test_root_forms: only root can mknod a 0/0 whiteout or set trusted.* xattrs\n");
	return CHECK_DONE();
}
