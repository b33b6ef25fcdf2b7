/* Process probe: status/stat parsers and the pid-keyed process table, refreshed in place from /proc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nslab/probe.h"
#include "nslab/util.h"

#define PF_KTHREAD      0x00200000UL /* the flags field of stat: a kernel thread */
#define PIDNS_MAX_DEPTH 33           /* 32 nested PID namespaces plus the initial one */

/* ==== parsers ============================================================ */

/* A line "Key:\tvalue" starting at line: the value, or NULL for another key. */
static const char *status_value(const char *line, const char *key)
{
	size_t k = strlen(key);
	if (strncmp(line, key, k) != 0 || line[k] != ':')
		return NULL;
	const char *v = line + k + 1;
	return v + strspn(v, " \t");
}

/* A decimal number right at s (no skipping: a value never spans lines). */
static bool parse_ll(const char *s, long long *out)
{
	char *end;
	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno)
		return false;
	*out = v;
	return true;
}

static void status_copy_name(const char *v, struct proc_status *st)
{
	size_t n = strcspn(v, "\n");
	if (n >= sizeof(st->name))
		n = sizeof(st->name) - 1;
	memcpy(st->name, v, n);
	st->name[n] = '\0';
}

/* "NSpid:\t4242\t17\t1": outermost first, at most 8 kept. */
static void status_nspid(const char *v, struct proc_status *st)
{
	long long x;
	st->n_nspid = 0;
	for (const char *p = v; st->n_nspid < (int)ARRAY_SIZE(st->nspid); p += strspn(p, " \t")) {
		if (!parse_ll(p, &x) || x <= 0)
			return;
		st->nspid[st->n_nspid++] = (pid_t)x;
		p += strspn(p, "0123456789");
	}
}

enum { HAVE_NAME = 1, HAVE_STATE = 2, HAVE_PPID = 4, HAVE_UID = 8, HAVE_ALL = 15 };

static int status_id(const char *v, int have, long long *out)
{
	return parse_ll(v, out) && *out >= 0 ? have : 0;
}

/* One complete line; returns which of the needed keys it held. */
static int status_line(const char *line, struct proc_status *st)
{
	const char *v;
	long long x;
	int have;
	if ((v = status_value(line, "Name"))) {
		status_copy_name(v, st);
		return HAVE_NAME;
	}
	if ((v = status_value(line, "State"))) {
		st->state = *v == '\n' ? '\0' : *v;
		return st->state ? HAVE_STATE : 0;
	}
	if ((v = status_value(line, "PPid"))) {
		if ((have = status_id(v, HAVE_PPID, &x)))
			st->ppid = (pid_t)x;
		return have;
	}
	if ((v = status_value(line, "Uid"))) {
		if ((have = status_id(v, HAVE_UID, &x)))
			st->uid = (uid_t)x;
		return have;
	}
	if ((v = status_value(line, "NSpid")))
		status_nspid(v, st);
	else if ((v = status_value(line, "VmRSS")) && parse_ll(v, &x))
		st->rss_kb = x;
	return 0;
}

int proc_parse_status(const char *text, struct proc_status *st)
{
	int have = 0;
	memset(st, 0, sizeof(*st));
	st->rss_kb = -1;
	if (!text)
		return -EINVAL;
	/* Only lines ending in '\n': a cut last line may hold a cut number. */
	for (const char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1)
		have |= status_line(p, st);
	return have == HAVE_ALL ? 0 : -EINVAL;
}

struct stat_fields {
	char comm[32];
	char state;
	pid_t ppid;
	unsigned long long flags;
	unsigned long long start;
	long long rss_pages;
};

/* comm is raw in stat (any byte but NUL): keep it printable. */
static void stat_comm(const char *lp, const char *rp, char *comm, size_t size)
{
	size_t n = (size_t)(rp - lp - 1), i;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)lp[1 + i];
		comm[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	comm[i] = '\0';
}

static bool stat_number(const char *tok, size_t n, int field, struct stat_fields *sf)
{
	char *end;
	unsigned long long u;
	long long s;
	errno = 0;
	if (field == 4) {
		s = strtoll(tok, &end, 10);
		sf->ppid = (pid_t)s;
	} else {
		u = strtoull(tok, &end, 10);
		if (field == 9)
			sf->flags = u;
		else if (field == 22)
			sf->start = u;
		else if (field == 24)
			sf->rss_pages = (long long)u;
	}
	return errno == 0 && end == tok + n;
}

/* Fields 4..24 after "pid (comm) S". Only the ones we keep are checked as
 * numbers; the 24th must be followed by more, or the file was cut. */
static int stat_tail(const char *p, struct stat_fields *sf)
{
	for (int field = 4; field <= 24; field++) {
		if (*p != ' ')
			return -EINVAL;
		const char *tok = ++p;
		size_t n = strcspn(tok, " \n");
		if (n == 0 || !tok[n])
			return -EINVAL;
		bool keep = field == 4 || field == 9 || field == 22 || field == 24;
		if (keep && !stat_number(tok, n, field, sf))
			return -EINVAL;
		p = tok + n;
	}
	return 0;
}

/* comm may hold spaces and ')': it ends at the last ')'. */
static int stat_parse(const char *text, struct stat_fields *sf)
{
	memset(sf, 0, sizeof(*sf));
	const char *lp = text ? strchr(text, '(') : NULL;
	const char *rp = text ? strrchr(text, ')') : NULL;
	if (!lp || !rp || rp < lp)
		return -EINVAL;
	if (rp[1] != ' ' || !rp[2] || rp[2] == ' ' || rp[2] == '\n')
		return -EINVAL;
	stat_comm(lp, rp, sf->comm, sizeof(sf->comm));
	sf->state = rp[2];
	return stat_tail(rp + 3, sf);
}

int proc_parse_stat(const char *text, char *state, pid_t *ppid, unsigned long long *start, long long *rss_pages)
{
	struct stat_fields sf;
	int r = stat_parse(text, &sf);
	if (r < 0)
		return r;
	if (state)
		*state = sf.state;
	if (ppid)
		*ppid = sf.ppid;
	if (start)
		*start = sf.start;
	if (rss_pages)
		*rss_pages = sf.rss_pages;
	return 0;
}

/* ==== the table's private state ========================================== */

/* Whether a PID namespace is the target's or below it: decided once per namespace. */
struct ns_verdict {
	unsigned long long ino;
	bool in_target;
};

struct proc_priv {
	uint32_t *slots; /* open addressing by pid: index + 1 into t->v, 0 empty */
	size_t nslots;   /* a power of two, twice t->cap */
	struct ns_verdict *ns;
	size_t n_ns, cap_ns;
	int target_level; /* the target's namespace in NSpid lines (0 outermost); -1 unknown */
	long page_kb;
	char buf[16384]; /* stat, status and uid_map are read here */
};

static struct proc_priv *priv_of(const struct proc_table *t)
{
	return t->priv;
}

/* ---- the pid index ---- */

static size_t slot_of(pid_t pid, size_t nslots)
{
	return ((uint32_t)pid * 2654435761u) & (nslots - 1);
}

static void index_add(struct proc_table *t, size_t i)
{
	struct proc_priv *pv = priv_of(t);
	size_t s = slot_of(t->v[i].pid, pv->nslots);
	while (pv->slots[s])
		s = (s + 1) & (pv->nslots - 1);
	pv->slots[s] = (uint32_t)i + 1;
}

static void index_rebuild(struct proc_table *t)
{
	struct proc_priv *pv = priv_of(t);
	if (!pv || !pv->slots)
		return;
	memset(pv->slots, 0, pv->nslots * sizeof(*pv->slots));
	for (size_t i = 0; i < t->n; i++)
		index_add(t, i);
}

struct proc_info *proc_table_find(struct proc_table *t, pid_t pid)
{
	struct proc_priv *pv = priv_of(t);
	if (!pv || !pv->slots)
		return NULL;
	for (size_t s = slot_of(pid, pv->nslots); pv->slots[s]; s = (s + 1) & (pv->nslots - 1)) {
		struct proc_info *p = &t->v[pv->slots[s] - 1];
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

/* Capacity doubles; the index stays at most half full. */
static void table_grow(struct proc_table *t)
{
	struct proc_priv *pv = priv_of(t);
	t->cap = t->cap ? t->cap * 2 : 512;
	t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	pv->nslots = t->cap * 2;
	pv->slots = xrealloc(pv->slots, pv->nslots * sizeof(*pv->slots));
	index_rebuild(t);
}

static void table_append(struct proc_table *t, const struct proc_info *p)
{
	if (t->n == t->cap)
		table_grow(t);
	t->v[t->n] = *p;
	index_add(t, t->n);
	t->n++;
}

/* ---- PID namespace ancestry ---- */

static struct ns_verdict *verdict_find(struct proc_priv *pv, unsigned long long ino)
{
	for (size_t i = 0; i < pv->n_ns; i++) {
		if (pv->ns[i].ino == ino)
			return &pv->ns[i];
	}
	return NULL;
}

static void verdict_add(struct proc_priv *pv, unsigned long long ino, bool in)
{
	if (verdict_find(pv, ino))
		return;
	if (pv->n_ns == pv->cap_ns) {
		pv->cap_ns = pv->cap_ns ? pv->cap_ns * 2 : 16;
		pv->ns = xrealloc(pv->ns, pv->cap_ns * sizeof(*pv->ns));
	}
	pv->ns[pv->n_ns++] = (struct ns_verdict){ino, in};
}

/* Walk up from the namespace of the process at dfd with NS_GET_PARENT until
 * the target's namespace, a namespace already decided, or the top we may see
 * (EPERM). Every namespace passed gets the same answer. */
static bool pidns_walk(struct proc_table *t, int dfd)
{
	struct proc_priv *pv = priv_of(t);
	unsigned long long passed[PIDNS_MAX_DEPTH];
	size_t n = 0;
	bool in = false;
	_cleanup_close_ int fd = openat(dfd, "ns/pid", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* vanished or not ours to look at: decide nothing */
	for (struct stat s; fd >= 0 && fstat(fd, &s) == 0;) {
		const struct ns_verdict *v = verdict_find(pv, s.st_ino);
		if (s.st_ino == t->target_pidns || v) {
			in = s.st_ino == t->target_pidns || v->in_target;
			break;
		}
		if (n < ARRAY_SIZE(passed))
			passed[n++] = s.st_ino;
		int parent = ioctl(fd, NS_GET_PARENT);
		close(fd);
		fd = parent;
	}
	for (size_t i = 0; i < n; i++)
		verdict_add(pv, passed[i], in);
	return in;
}

static bool pidns_in_target(struct proc_table *t, int dfd, unsigned long long ino)
{
	if (!t->target || !t->target_pidns || !ino)
		return false;
	if (ino == t->target_pidns)
		return true;
	const struct ns_verdict *v = verdict_find(priv_of(t), ino);
	return v ? v->in_target : pidns_walk(t, dfd);
}

static unsigned long long pidns_inode_at(int dfd)
{
	struct stat s;
	return fstatat(dfd, "ns/pid", &s, 0) == 0 ? (unsigned long long)s.st_ino : 0;
}

/* ---- reading one process ---- */

/* outside -> inside through the target's uid_map; -1 unmapped or no target. */
static long long uid_inside(const struct proc_table *t, uid_t uid)
{
	if (!t->target)
		return -1;
	for (size_t i = 0; i < t->target_uidmap.n; i++) {
		const struct idmap_line *l = &t->target_uidmap.lines[i];
		if (uid >= l->outside && (uint64_t)uid < (uint64_t)l->outside + l->count)
			return (long long)l->inside + (uid - l->outside);
	}
	return -1;
}

static int read_stat_at(struct proc_table *t, int dirfd, const char *path, struct stat_fields *sf)
{
	struct proc_priv *pv = priv_of(t);
	ssize_t r = read_file_at(dirfd, path, pv->buf, sizeof(pv->buf));
	if (r < 0)
		return (int)r;
	return stat_parse(pv->buf, sf);
}

static int read_status_at(struct proc_table *t, int dirfd, struct proc_status *st)
{
	struct proc_priv *pv = priv_of(t);
	ssize_t r = read_file_at(dirfd, "status", pv->buf, sizeof(pv->buf));
	if (r < 0)
		return (int)r;
	return proc_parse_status(pv->buf, st);
}

static void apply_stat(const struct proc_table *t, struct proc_info *p, const struct stat_fields *sf)
{
	p->state = sf->state;
	p->ppid = sf->ppid;
	p->start = sf->start;
	p->rss_kb = sf->flags & PF_KTHREAD ? -1 : sf->rss_pages * priv_of(t)->page_kb;
	snprintf(p->comm, sizeof(p->comm), "%s", sf->comm);
}

/* argv joined by spaces and cut to fit; "[comm]" when empty (kernel threads, zombies). */
static void read_cmdline(int dfd, struct proc_info *p)
{
	char *c = p->cmdline;
	ssize_t n = read_file_at(dfd, "cmdline", c, sizeof(p->cmdline));
	if (n < 0)
		n = 0;
	for (ssize_t i = 0; i < n; i++) {
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = ' ';
	}
	while (n > 0 && c[n - 1] == ' ')
		n--;
	c[n] = '\0';
	if (n == 0)
		snprintf(c, sizeof(p->cmdline), "[%s]", p->comm);
}

static void decide_membership(struct proc_table *t, int dfd, struct proc_info *p, const struct proc_status *st)
{
	int level = priv_of(t)->target_level;
	p->in_target = pidns_in_target(t, dfd, p->pidns);
	if (p->in_target && level >= 0 && level < st->n_nspid)
		p->nspid = st->nspid[level];
}

/* Everything about one process, into *out only when all of it was read:
 * 0, or negative when the process vanished meanwhile. */
static int proc_read_whole(struct proc_table *t, int procfd, pid_t pid, struct proc_info *out)
{
	char name[16];
	struct stat_fields sf;
	struct proc_status st;
	struct proc_info p = {.pid = pid};

	snprintf(name, sizeof(name), "%d", (int)pid);
	_cleanup_close_ int dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (read_stat_at(t, dfd, "stat", &sf) < 0 || read_status_at(t, dfd, &st) < 0)
		return -ENOENT;
	apply_stat(t, &p, &sf);
	p.uid = st.uid;
	read_cmdline(dfd, &p);
	p.pidns = pidns_inode_at(dfd);
	decide_membership(t, dfd, &p, &st);
	p.uid_inside = uid_inside(t, p.uid);
	p.born = p.seen = t->generation;
	*out = p;
	return 0;
}

/* A known process: stat only. A new start time means the pid was reused;
 * a new comm means it exec'd (or renamed itself): then read it whole. */
static int proc_reread(struct proc_table *t, int procfd, struct proc_info *p)
{
	char path[32];
	struct stat_fields sf;
	snprintf(path, sizeof(path), "%d/stat", (int)p->pid);
	int r = read_stat_at(t, procfd, path, &sf);
	if (r < 0)
		return r;
	if (sf.start != p->start)
		return proc_read_whole(t, procfd, p->pid, p);
	if (strcmp(sf.comm, p->comm) != 0) {
		unsigned born = p->born;
		r = proc_read_whole(t, procfd, p->pid, p);
		p->born = born;
		return r;
	}
	apply_stat(t, p, &sf);
	p->seen = t->generation;
	return 0;
}

/* ---- the target ---- */

/* The launcher writes uid_map after clone: read it while the target lives.
 * Returns whether it changed. */
static bool target_read_uidmap(struct proc_table *t, int dfd)
{
	struct proc_priv *pv = priv_of(t);
	struct idmap m = {.n = 0};
	struct nslab_error ignored;
	if (read_file_at(dfd, "uid_map", pv->buf, sizeof(pv->buf)) < 0)
		return false;
	if (idmap_parse_text(pv->buf, &m, &ignored) < 0)
		return false;
	if (m.n == t->target_uidmap.n && memcmp(m.lines, t->target_uidmap.lines, m.n * sizeof(m.lines[0])) == 0)
		return false;
	t->target_uidmap = m;
	return true;
}

static int target_open(const struct proc_table *t)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", (int)t->target);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void target_probe(struct proc_table *t)
{
	struct stat_fields sf;
	struct proc_status st;
	_cleanup_close_ int dfd = target_open(t);
	if (dfd < 0 || read_stat_at(t, dfd, "stat", &sf) < 0 || read_status_at(t, dfd, &st) < 0) {
		t->target_gone = true;
		return;
	}
	t->target_start = sf.start;
	t->target_pidns = pidns_inode_at(dfd);
	priv_of(t)->target_level = st.n_nspid - 1;
	target_read_uidmap(t, dfd);
}

/* Still the same process? Returns whether its uid_map changed. */
static bool target_check(struct proc_table *t)
{
	struct stat_fields sf;
	if (!t->target || t->target_gone)
		return false;
	_cleanup_close_ int dfd = target_open(t);
	if (dfd < 0 || read_stat_at(t, dfd, "stat", &sf) < 0 || sf.start != t->target_start) {
		t->target_gone = true;
		return false;
	}
	return target_read_uidmap(t, dfd);
}

/* ---- the table ---- */

void proc_table_init(struct proc_table *t, pid_t target)
{
	struct proc_priv *pv = xcalloc(1, sizeof(*pv));
	long page = sysconf(_SC_PAGESIZE);

	memset(t, 0, sizeof(*t));
	pv->target_level = -1;
	pv->page_kb = page >= 1024 ? page / 1024 : 4;
	t->priv = pv;
	t->target = target > 0 ? target : 0;
	table_grow(t);
	if (t->target)
		target_probe(t);
}

void proc_table_free(struct proc_table *t)
{
	struct proc_priv *pv = priv_of(t);
	if (pv) {
		free(pv->slots);
		free(pv->ns);
		free(pv);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static pid_t pid_of_name(const char *name)
{
	unsigned long v;
	if (name[0] < '1' || name[0] > '9' || parse_ulong(name, INT_MAX, &v) < 0)
		return 0;
	return (pid_t)v;
}

static void scan_one(struct proc_table *t, int procfd, pid_t pid, enum proc_refresh mode)
{
	struct proc_info fresh;
	struct proc_info *p = proc_table_find(t, pid);
	if (!p) {
		if (proc_read_whole(t, procfd, pid, &fresh) == 0)
			table_append(t, &fresh);
		return;
	}
	if (p->gone) {
		/* Back after it vanished: a new process with a reused pid. */
		(void)proc_read_whole(t, procfd, pid, p);
		return;
	}
	if (mode == PROC_REFRESH_ALL || p->in_target) {
		(void)proc_reread(t, procfd, p); /* on failure it is marked gone below */
		return;
	}
	p->seen = t->generation;
}

/* Mark what was not seen as gone; drop what has been gone long enough. */
static void drop_vanished(struct proc_table *t)
{
	size_t w = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct proc_info *p = &t->v[i];
		if (p->seen != t->generation)
			p->gone = true;
		if (p->gone && t->generation - p->seen > PROC_KEEP_GONE)
			continue;
		if (w != i)
			t->v[w] = *p;
		w++;
	}
	if (w == t->n)
		return;
	t->n = w;
	index_rebuild(t);
}

static void link_parent(struct proc_table *t, struct proc_info *p)
{
	const struct proc_info *parent = p->in_target ? proc_table_find(t, p->ppid) : NULL;
	p->ns_ppid = parent && parent->in_target && !parent->gone ? parent->nspid : 0;
}

int proc_table_refresh(struct proc_table *t, enum proc_refresh mode, struct nslab_error *e)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	if (!d)
		return nslab_error_set(e, errno, "opendir", "cannot list /proc: %s", strerror(errno));
	t->generation++;
	bool remap = target_check(t);
	for (struct dirent *de; (de = readdir(d));) {
		pid_t pid = pid_of_name(de->d_name);
		if (pid > 0)
			scan_one(t, dirfd(d), pid, mode);
	}
	drop_vanished(t);
	/* Room to spare, so a few processes coming and going never reallocate. */
	if (t->n > t->cap / 4 * 3)
		table_grow(t);
	for (size_t i = 0; i < t->n; i++) {
		if (remap)
			t->v[i].uid_inside = uid_inside(t, t->v[i].uid);
		link_parent(t, &t->v[i]);
	}
	return 0;
}

void proc_table_update(struct proc_table *t, struct proc_info *p)
{
	_cleanup_close_ int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!p || p->gone)
		return;
	if (procfd < 0 || proc_reread(t, procfd, p) < 0) {
		p->gone = true;
		return;
	}
	link_parent(t, p);
}

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Inside first by their pid there, then the rest by host pid. */
static int cmp_nspid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	bool xi = x->nspid > 0, yi = y->nspid > 0;
	if (xi != yi)
		return xi ? -1 : 1;
	if (xi && x->nspid != y->nspid)
		return (x->nspid > y->nspid) - (x->nspid < y->nspid);
	return cmp_pid(a, b);
}

void proc_table_sort(struct proc_table *t, bool by_nspid)
{
	if (t->n < 2)
		return;
	qsort(t->v, t->n, sizeof(*t->v), by_nspid ? cmp_nspid : cmp_pid);
	index_rebuild(t);
}
