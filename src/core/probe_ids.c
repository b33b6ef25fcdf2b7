/* Identity probe: namespaces, id maps, capabilities, hostname and clocks of a process. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nslab/probe.h"
#include "nslab/util.h"

/* 340 map lines of three padded 10-digit columns fit. */
#define IDS_FILE_MAX 16384

/* ---- capability names ---- */

static unsigned known_caps(void)
{
	int n = cap_max_bits();

	if (n <= 0)
		n = CAP_LAST_CAP + 1;
	return n > 64 ? 64 : (unsigned)n;
}

/* Append ",name" (or "name"); on overflow cut back to the last whole name and mark it "...". */
static bool caps_append(char *buf, size_t size, size_t *len, const char *name)
{
	size_t before = *len;

	if (str_appendf(buf, size, len, "%s%s", before ? "," : "", name) == 0)
		return true;
	*len = before;
	buf[before] = '\0';
	str_appendf(buf, size, len, "%s", before && size - before > 4 ? ",..." : "");
	return false;
}

void probe_caps_names(uint64_t mask, char *buf, size_t size)
{
	unsigned n = known_caps();
	uint64_t all = n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
	size_t len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (mask == 0 || (mask & all) == all) {
		snprintf(buf, size, "%s", mask ? "all" : "none");
		return;
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(mask & (UINT64_C(1) << bit)))
			continue;
		/* libcap names the caps it knows and gives the number for newer ones. */
		char *name = cap_to_name((cap_value_t)bit);
		bool fit = caps_append(buf, size, &len, name ? name : "?");
		cap_free(name);
		if (!fit)
			return;
	}
}

/* ---- time namespace offsets ---- */

/* CLOCK_MONOTONIC is 1 and CLOCK_BOOTTIME 7; older kernels print the numbers. */
static int timens_clock(const char *word)
{
	if (!strcmp(word, "monotonic") || !strcmp(word, "1"))
		return CLOCK_MONOTONIC;
	if (!strcmp(word, "boottime") || !strcmp(word, "7"))
		return CLOCK_BOOTTIME;
	return -1;
}

/* Copy the line at *p into buf (cut to size) and move *p past it; false at the end. */
static bool next_line(const char **p, char *buf, size_t size)
{
	size_t n = strcspn(*p, "\n");

	if (!**p)
		return false;
	snprintf(buf, size, "%.*s", (int)n, *p);
	*p += n + ((*p)[n] == '\n');
	return true;
}

/* "CLOCK SECONDS NANOSECONDS"; a clock we do not know is skipped, a blank line too. */
static int timens_line(const char *line, long long *mono, long long *boot)
{
	char word[16], sec[24], nsec[24], extra[2];
	long long s, ns;

	int n = sscanf(line, "%15s %23s %23s %1s", word, sec, nsec, extra);
	if (n <= 0)
		return 0;
	if (n != 3 || parse_llong(sec, &s) < 0 || parse_llong(nsec, &ns) < 0)
		return -EINVAL;
	int clock = timens_clock(word);
	if (clock == CLOCK_MONOTONIC)
		*mono = s;
	else if (clock == CLOCK_BOOTTIME)
		*boot = s;
	return 0;
}

int probe_parse_timens(const char *text, long long *monotonic, long long *boottime)
{
	long long mono = 0, boot = 0;
	char line[128];

	while (next_line(&text, line, sizeof(line)))
		if (timens_line(line, &mono, &boot) < 0)
			return -EINVAL;
	*monotonic = mono;
	*boottime = boot;
	return 0;
}

/* ---- namespaces ---- */

static unsigned long long fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? 0 : (unsigned long long)st.st_ino;
}

/* The owning user namespace; EPERM (the init user namespace's owner, or one
 * outside our view) leaves 0. */
static unsigned long long ns_owner(int nsfd)
{
	_cleanup_close_ int ufd = ioctl(nsfd, NS_GET_USERNS);

	return ufd < 0 ? 0 : fd_ino(ufd);
}

static void read_ns(int dirfd, struct ns_view *ns)
{
	for (int k = 0; k < NS_COUNT; k++) {
		char path[32];

		snprintf(path, sizeof(path), "ns/%s", ns_table[k].proc_name);
		_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
		ns->ino[k] = fd < 0 ? 0 : fd_ino(fd);
		ns->owner[k] = fd < 0 ? 0 : ns_owner(fd);
	}
}

/* Inode of a namespace of the calling thread (uname() answers for the thread). */
static unsigned long long own_ns_ino(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", name);
	return stat(path, &st) < 0 ? 0 : (unsigned long long)st.st_ino;
}

/* ---- /proc/PID/status: ids and capabilities ---- */

/* The value after "KEY:" at the start of a line, or NULL. */
static const char *status_field(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ':')
			return p + n + 1;
	return NULL;
}

static uint64_t status_hex(const char *text, const char *key)
{
	const char *p = status_field(text, key);

	return p ? strtoull(p, NULL, 16) : 0;
}

static bool status_zombie(const char *text)
{
	const char *p = status_field(text, "State");

	p = p ? p + strspn(p, " \t") : NULL;
	return p && (*p == 'Z' || *p == 'X');
}

static void parse_status(const char *text, struct id_view *v)
{
	const char *uid = status_field(text, "Uid");
	unsigned r = 0, eff = 0;

	if (uid && sscanf(uid, "%u %u", &r, &eff) == 2) {
		v->uid = r;
		v->euid = eff;
	}
	v->cap_eff = status_hex(text, "CapEff");
	v->cap_prm = status_hex(text, "CapPrm");
	v->cap_bnd = status_hex(text, "CapBnd");
	probe_caps_names(v->cap_eff, v->cap_eff_names, sizeof(v->cap_eff_names));
}

static int gone(pid_t pid, struct nslab_error *e)
{
	return nslab_error_set(e, ESRCH, "", "process %d is gone (it has exited, or there never was one)", (int)pid);
}

static int read_status(int dirfd, pid_t pid, struct id_view *v, struct nslab_error *e)
{
	char buf[IDS_FILE_MAX];
	ssize_t n = read_file_at(dirfd, "status", buf, sizeof(buf));

	if (n == -ENOENT || n == -ESRCH || (n >= 0 && status_zombie(buf)))
		return gone(pid, e);
	if (n < 0)
		return nslab_error_set(e, (int)-n, "read", "/proc/%d/status: %s", (int)pid, strerror((int)-n));
	parse_status(buf, v);
	return 0;
}

/* ---- id maps, setgroups ---- */

static int read_map(int dirfd, pid_t pid, const char *name, struct idmap *m, struct nslab_error *e)
{
	char buf[IDS_FILE_MAX];
	ssize_t n = read_file_at(dirfd, name, buf, sizeof(buf));

	m->n = 0;
	if (n == -ENOENT || n == -ESRCH)
		return gone(pid, e);
	if (n < 0)
		return nslab_error_set(e, (int)-n, "read", "/proc/%d/%s: %s", (int)pid, name, strerror((int)-n));
	if (idmap_parse_text(buf, m, e) < 0)
		return nslab_error_prefix(e, "/proc/%d/%s", (int)pid, name);
	return 0;
}

static void read_setgroups(int dirfd, char *out, size_t size)
{
	char buf[32];

	out[0] = '\0';
	if (read_file_at(dirfd, "setgroups", buf, sizeof(buf)) < 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out, size, "%s", buf);
}

/* ---- hostname: uname() inside the target's UTS namespace ---- */

struct uts_job {
	int nsfd;
	int err;
	struct utsname u;
};

/* setns(CLONE_NEWUTS) moves only the calling thread, so nslab stays put. */
static void *uts_thread(void *arg)
{
	struct uts_job *j = arg;

	if (setns(j->nsfd, CLONE_NEWUTS) < 0 || uname(&j->u) < 0)
		j->err = errno;
	return NULL;
}

static int uts_via_thread(int nsfd, struct utsname *u)
{
	struct uts_job j = {.nsfd = nsfd};
	pthread_t t;

	int r = pthread_create(&t, NULL, uts_thread, &j);
	if (r)
		return -r;
	pthread_join(t, NULL);
	if (j.err)
		return -j.err;
	*u = j.u;
	return 0;
}

/* Rootless, entering the UTS namespace needs CAP_SYS_ADMIN in our own user
 * namespace too; a child that first joins the target's user namespace (which
 * we own) has it there. A thread cannot join a user namespace, a process can. */
static int uts_via_child(int userfd, int utsfd, struct utsname *u)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t c = fork();
	if (c == 0) {
		struct utsname x;
		sigset_t all;
		/* nslab's handlers (the signal guard) must never run in this child. */
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		bool ok = (userfd < 0 || setns(userfd, CLONE_NEWUSER) == 0) && setns(utsfd, CLONE_NEWUTS) == 0 &&
		          uname(&x) == 0;
		_exit(ok && write_all(p[1], &x, sizeof(x)) == 0 ? 0 : 1);
	}
	close(p[1]);
	ssize_t n = c < 0 ? -EAGAIN : read_full(p[0], u, sizeof(*u));
	close(p[0]);
	while (c > 0 && waitpid(c, NULL, 0) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*u) ? 0 : -EPERM;
}

static int uts_of(int dirfd, const struct ns_view *ns, struct utsname *u)
{
	_cleanup_close_ int utsfd = openat(dirfd, "ns/uts", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int userfd = -1;

	if (utsfd < 0)
		return -errno;
	int r = uts_via_thread(utsfd, u);
	if (r != -EPERM)
		return r;
	if (ns->ino[NS_USER] != own_ns_ino("user")) {
		userfd = openat(dirfd, "ns/user", O_RDONLY | O_CLOEXEC);
		if (userfd < 0)
			return -errno;
	}
	return uts_via_child(userfd, utsfd, u);
}

/* A hostname we may not read stays "": the rest of the view is still true. */
static void read_uts(int dirfd, pid_t pid, struct id_view *v)
{
	struct utsname u;
	bool same = pid == 0 || v->ns.ino[NS_UTS] == own_ns_ino("uts");

	v->hostname[0] = v->domainname[0] = '\0';
	if ((same ? uname(&u) : uts_of(dirfd, &v->ns, &u)) < 0)
		return;
	snprintf(v->hostname, sizeof(v->hostname), "%s", u.nodename);
	snprintf(v->domainname, sizeof(v->domainname), "%s", u.domainname);
}

/* ---- clocks ---- */

static void read_offsets(int dirfd, const char *path, long long *mono, long long *boot)
{
	char buf[256];

	if (read_file_at(dirfd, path, buf, sizeof(buf)) < 0 || probe_parse_timens(buf, mono, boot) < 0)
		*mono = *boot = 0;
}

static double boottime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Never setns into the time namespace (refused for a threaded process): the
 * offsets are absolute (a new time namespace starts from its creator's), so
 * the target's clock is ours minus our offset plus its offset. The file shows
 * the offsets of time_for_children, which is the process's own namespace
 * except between unshare(CLONE_NEWTIME) and the fork or setns that follows. */
static void read_clocks(int dirfd, pid_t pid, struct id_view *v)
{
	long long own_mono, own_boot;

	read_offsets(dirfd, "timens_offsets", &v->offset_monotonic, &v->offset_boottime);
	v->uptime = boottime_now();
	if (pid == 0 || v->ns.ino[NS_TIME] == own_ns_ino("time"))
		return;
	read_offsets(AT_FDCWD, "/proc/self/timens_offsets", &own_mono, &own_boot);
	v->uptime += (double)(v->offset_boottime - own_boot);
}

/* ---- the whole view ---- */

static int open_proc(pid_t pid, int *fd, struct nslab_error *e)
{
	char path[32];

	if (pid < 0)
		return nslab_error_set(e, EINVAL, "", "%d is not a process id", (int)pid);
	snprintf(path, sizeof(path), pid ? "/proc/%d" : "/proc/self", (int)pid);
	/* Every read goes through this fd: if the process ends, they fail with
	 * ESRCH instead of reading a later process that got the same pid. */
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT || errno == ESRCH)
		return gone(pid, e);
	return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
}

/* A process that exits mid-probe leaves zeros behind: say it is gone instead. */
static int still_there(int dirfd, pid_t pid, struct nslab_error *e)
{
	char buf[IDS_FILE_MAX];
	ssize_t n = read_file_at(dirfd, "status", buf, sizeof(buf));

	return n < 0 || status_zombie(buf) ? gone(pid, e) : 0;
}

int probe_ids_read(pid_t pid, struct id_view *v, struct nslab_error *e)
{
	_cleanup_close_ int dirfd = -1;
	int r;

	memset(v, 0, sizeof(*v));
	v->pid = pid;
	if ((r = open_proc(pid, &dirfd, e)) < 0)
		return r;
	if ((r = read_status(dirfd, pid, v, e)) < 0)
		return r;
	if ((r = read_map(dirfd, pid, "uid_map", &v->uidmap, e)) < 0 ||
	    (r = read_map(dirfd, pid, "gid_map", &v->gidmap, e)) < 0)
		return r;
	read_setgroups(dirfd, v->setgroups, sizeof(v->setgroups));
	read_ns(dirfd, &v->ns);
	read_uts(dirfd, pid, v);
	read_clocks(dirfd, pid, v);
	return pid ? still_there(dirfd, pid, e) : 0;
}
