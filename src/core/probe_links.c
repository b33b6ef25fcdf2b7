/* Links probe: rtnetlink link and address dumps inside a process's network namespace. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nslab/netlink.h"
#include "nslab/probe.h"
#include "nslab/util.h"

/* A dump that a concurrent change interrupted (NLM_F_DUMP_INTR) is redone. */
#define LINKS_DUMP_TRIES 5
/* More links than this in a helper process's answer is a broken answer. */
#define LINKS_REPLY_MAX 65536

/* ---- the list, kept sorted by ifindex ---- */

void link_list_free(struct link_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void link_list_reserve(struct link_list *l, size_t n)
{
	if (n <= l->cap)
		return;
	size_t cap = l->cap ? l->cap : 16;
	while (cap < n)
		cap *= 2;
	l->v = xrealloc(l->v, cap * sizeof(*l->v));
	l->cap = cap;
}

/* The first position whose index is >= index. */
static size_t link_lower_bound(const struct link_list *l, int index)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct link_info *link_find(struct link_list *l, int index)
{
	size_t i = link_lower_bound(l, index);

	return i < l->n && l->v[i].index == index ? &l->v[i] : NULL;
}

/* A blank entry for index in its sorted place (the same entry, blanked, when
 * the index is already there). The kernel dumps in ifindex order on recent
 * kernels, so this is an append in practice. */
static struct link_info *link_insert(struct link_list *l, int index)
{
	size_t i = l->n && l->v[l->n - 1].index < index ? l->n : link_lower_bound(l, index);

	if (i == l->n || l->v[i].index != index) {
		link_list_reserve(l, l->n + 1);
		memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(*l->v));
		l->n++;
	}
	struct link_info *k = &l->v[i];
	memset(k, 0, sizeof(*k));
	k->index = index;
	k->peer_netnsid = -1;
	return k;
}

/* ---- parsing one message ---- */

struct attr_table {
	const struct nlattr **tb;
	unsigned max;
	const enum nl_attr_kind *kinds;
};

/* Keep the attributes the table names, and only those of a sound size. */
static int attr_collect(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;
	unsigned type = nl_attr_type(a);

	if (type > t->max || t->kinds[type] == NL_ATTR_UNSPEC)
		return 0;
	if (!nl_attr_valid(a, t->kinds[type]))
		return 0;
	t->tb[type] = a;
	return 0;
}

static const enum nl_attr_kind link_kinds[IFLA_MAX + 1] = {
    [IFLA_IFNAME] = NL_ATTR_STRING,    [IFLA_ADDRESS] = NL_ATTR_BINARY,  [IFLA_MTU] = NL_ATTR_U32,
    [IFLA_LINK] = NL_ATTR_U32,         [IFLA_MASTER] = NL_ATTR_U32,      [IFLA_OPERSTATE] = NL_ATTR_U8,
    [IFLA_LINK_NETNSID] = NL_ATTR_U32, [IFLA_LINKINFO] = NL_ATTR_NESTED,
};
static const enum nl_attr_kind linkinfo_kinds[IFLA_INFO_MAX + 1] = {
    [IFLA_INFO_KIND] = NL_ATTR_STRING,
};
static const enum nl_attr_kind addr_kinds[IFA_MAX + 1] = {
    [IFA_ADDRESS] = NL_ATTR_BINARY,
    [IFA_LOCAL] = NL_ATTR_BINARY,
};

/* RFC 2863 operational states, as IF_OPER_* numbers them and ip(8) names them. */
static const char *const operstate_names[] = {
    [IF_OPER_UNKNOWN] = "UNKNOWN", [IF_OPER_NOTPRESENT] = "NOTPRESENT",
    [IF_OPER_DOWN] = "DOWN",       [IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
    [IF_OPER_TESTING] = "TESTING", [IF_OPER_DORMANT] = "DORMANT",
    [IF_OPER_UP] = "UP",
};

static const char *operstate_name(unsigned s)
{
	return s < ARRAY_SIZE(operstate_names) && operstate_names[s] ? operstate_names[s] : "UNKNOWN";
}

/* A string attribute need not end in NUL: copy at most its payload, cut to size. */
static void attr_strcpy(const struct nlattr *a, char *buf, size_t size)
{
	const char *p = nl_attr_data(a);
	size_t n = strnlen(p, nl_attr_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* "aa:bb:cc:dd:ee:ff"; a hardware address too long for buf (InfiniBand's 20
 * bytes) ends in "..." rather than being cut mid-byte. */
static void format_hwaddr(const struct nlattr *a, char *buf, size_t size)
{
	const unsigned char *p = nl_attr_data(a);
	size_t n = nl_attr_len(a), len = 0;
	bool cut = n * 3 > size;
	size_t shown = cut ? (size - 4) / 3 : n;

	buf[0] = '\0';
	for (size_t i = 0; i < shown; i++)
		str_appendf(buf, size, &len, "%s%02x", i ? ":" : "", p[i]);
	if (cut)
		str_appendf(buf, size, &len, "...");
}

static void parse_linkinfo(const struct nlattr *nest, char *kind, size_t size)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = {0};
	struct attr_table t = {tb, IFLA_INFO_MAX, linkinfo_kinds};

	nl_attr_parse_nested(nest, attr_collect, &t); /* see probe_links_parse_link */
	if (!tb[IFLA_INFO_KIND])
		return;
	attr_strcpy(tb[IFLA_INFO_KIND], kind, size);
}

static void fill_link(struct link_info *k, const struct nlattr *const *tb)
{
	if (tb[IFLA_IFNAME])
		attr_strcpy(tb[IFLA_IFNAME], k->name, sizeof(k->name));
	if (tb[IFLA_LINKINFO])
		parse_linkinfo(tb[IFLA_LINKINFO], k->kind, sizeof(k->kind));
	snprintf(k->state, sizeof(k->state), "%s",
	         operstate_name(tb[IFLA_OPERSTATE] ? nl_attr_u8(tb[IFLA_OPERSTATE]) : IF_OPER_UNKNOWN));
	if (tb[IFLA_ADDRESS])
		format_hwaddr(tb[IFLA_ADDRESS], k->mac, sizeof(k->mac));
	if (tb[IFLA_MTU])
		k->mtu = nl_attr_u32(tb[IFLA_MTU]);
	/* A peer in another namespace may well have the same index (2 is the
	 * first free one in every new namespace): IFLA_LINK_NETNSID tells. */
	if (tb[IFLA_LINK] && ((int)nl_attr_u32(tb[IFLA_LINK]) != k->index || tb[IFLA_LINK_NETNSID]))
		k->peer_index = (int)nl_attr_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINK_NETNSID])
		k->peer_netnsid = (int)nl_attr_u32(tb[IFLA_LINK_NETNSID]);
	if (tb[IFLA_MASTER])
		k->master = (int)nl_attr_u32(tb[IFLA_MASTER]);
}

/* The caller vouches that nlmsg_len bytes are readable (nl_reply_run checks
 * it). The attributes before a malformed one still count, as they did when
 * libmnl parsed them. */
int probe_links_parse_link(const void *msg, struct link_list *l)
{
	const struct nlmsghdr *nlh = msg;
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	struct attr_table t = {tb, IFLA_MAX, link_kinds};

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EINVAL;
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	if (ifi->ifi_index <= 0)
		return -EINVAL;
	nl_attr_parse(nlh, sizeof(*ifi), attr_collect, &t);
	struct link_info *k = link_insert(l, ifi->ifi_index);
	k->up = ifi->ifi_flags & IFF_UP;
	fill_link(k, tb);
	return 0;
}

/* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on a
 * point-to-point link and the address itself otherwise (as ip(8) reads them). */
static const void *addr_bytes(const struct nlattr *const *tb, size_t want)
{
	if (tb[IFA_LOCAL] && nl_attr_len(tb[IFA_LOCAL]) == want)
		return nl_attr_data(tb[IFA_LOCAL]);
	if (tb[IFA_ADDRESS] && nl_attr_len(tb[IFA_ADDRESS]) == want)
		return nl_attr_data(tb[IFA_ADDRESS]);
	return NULL;
}

/* Attach the address to its link: -ENOENT when the link is not in l (it
 * appeared between the two dumps), -ENOSPC past LINK_MAX_ADDRS. */
int probe_links_parse_addr(const void *msg, struct link_list *l)
{
	const struct nlmsghdr *nlh = msg;
	const struct nlattr *tb[IFA_MAX + 1] = {0};
	struct attr_table t = {tb, IFA_MAX, addr_kinds};
	char ip[INET6_ADDRSTRLEN];

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return -EINVAL;
	const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EAFNOSUPPORT;
	nl_attr_parse(nlh, sizeof(*ifa), attr_collect, &t); /* as in probe_links_parse_link */
	const void *bytes = addr_bytes(tb, ifa->ifa_family == AF_INET ? 4 : 16);
	if (!bytes || !inet_ntop(ifa->ifa_family, bytes, ip, sizeof(ip)))
		return -EINVAL;
	struct link_info *k = link_find(l, (int)ifa->ifa_index);
	if (!k)
		return -ENOENT;
	if (k->n_addrs >= LINK_MAX_ADDRS)
		return -ENOSPC;
	struct link_addr *a = &k->addrs[k->n_addrs++];
	a->family = ifa->ifa_family;
	snprintf(a->text, sizeof(a->text), "%s/%u", ip, ifa->ifa_prefixlen);
	return 0;
}

/* ---- dumping, in whatever network namespace the calling thread is in ---- */

/* A message that does not parse, or an address of a link that came after
 * the link dump, is left out; the rest of the dump still counts. */
static int dump_cb_link(const struct nlmsghdr *nlh, void *data)
{
	probe_links_parse_link(nlh, data);
	return 0;
}

static int dump_cb_addr(const struct nlmsghdr *nlh, void *data)
{
	probe_links_parse_addr(nlh, data);
	return 0;
}

/* One request, answers until NLMSG_DONE; 0 or -errno (-EINTR: interrupted). */
static int dump_one(const struct nl_sock *nl, uint16_t type, size_t hdrlen, nl_msg_cb cb, struct link_list *l)
{
	_Alignas(struct nlmsghdr) char buf[NL_DUMP_SIZE];
	struct nl_msg m;

	nl_msg_start(&m, buf, sizeof(buf), type, NLM_F_REQUEST | NLM_F_DUMP, type);
	nl_put_extra_header(&m, hdrlen); /* zeroed: family AF_UNSPEC */
	int r = nl_send(nl, &m);
	if (r < 0)
		return r;
	return nl_recv_run(nl, buf, sizeof(buf), type, cb, l);
}

static int links_dump_once(struct link_list *l, struct nslab_error *e)
{
	_cleanup_nl_sock_ struct nl_sock nl = {.fd = -1};

	int r = nl_open(&nl);
	if (r < 0)
		return nslab_error_set(e, -r, "socket", "cannot open a NETLINK_ROUTE socket: %s", strerror(-r));
	r = nl_bind(&nl);
	if (r < 0)
		return nslab_error_set(e, -r, "bind", "cannot bind a NETLINK_ROUTE socket: %s", strerror(-r));
	r = dump_one(&nl, RTM_GETLINK, sizeof(struct ifinfomsg), dump_cb_link, l);
	if (r < 0)
		return nslab_error_set(e, -r, "rtnetlink", "RTM_GETLINK dump: %s", strerror(-r));
	r = dump_one(&nl, RTM_GETADDR, sizeof(struct ifaddrmsg), dump_cb_addr, l);
	if (r < 0)
		return nslab_error_set(e, -r, "rtnetlink", "RTM_GETADDR dump: %s", strerror(-r));
	return 0;
}

static int links_dump(struct link_list *l, struct nslab_error *e)
{
	int r = -EINTR;

	for (int i = 0; i < LINKS_DUMP_TRIES && r == -EINTR; i++) {
		l->n = 0;
		r = links_dump_once(l, e);
	}
	return r;
}

/* ---- another namespace: a helper thread, or (rootless) a helper process ---- */

static int gone(pid_t pid, struct nslab_error *e)
{
	return nslab_error_set(e, ESRCH, "", "process %d is gone (it has exited, or there never was one)", (int)pid);
}

static int open_netns(pid_t pid, struct nslab_error *e)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ESRCH)
		return gone(pid, e);
	if (errno == EACCES || errno == EPERM)
		return nslab_error_set(e, errno, "open", "cannot open %s: %s (another user's process: run as root)",
		                       path, strerror(errno));
	return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
}

static bool same_ns(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int setns_failed(struct nslab_error *e, int err)
{
	const char *why = err == EPERM ? " (needs CAP_SYS_ADMIN over that namespace: run as root, or as the "
	                                 "user who owns its user namespace)"
	                               : "";
	return nslab_error_set(e, err, "setns", "cannot enter its network namespace: setns(CLONE_NEWNET): %s%s",
	                       strerror(err), why);
}

struct links_job {
	int nsfd;
	struct link_list *l;
	struct nslab_error *e;
	int rc;
};

/* setns(CLONE_NEWNET) moves only this thread, and the socket it opens
 * belongs to the namespace it was opened in; nslab's other threads stay put. */
static void *links_thread(void *arg)
{
	struct links_job *j = arg;

	if (setns(j->nsfd, CLONE_NEWNET) < 0) {
		j->rc = setns_failed(j->e, errno);
		return NULL;
	}
	j->rc = links_dump(j->l, j->e);
	return NULL;
}

static int links_via_thread(int nsfd, struct link_list *l, struct nslab_error *e)
{
	struct links_job j = {.nsfd = nsfd, .l = l, .e = e};
	sigset_t all, old;
	pthread_t t;

	/* The helper takes no signals: they stay with the threads that handle them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&t, NULL, links_thread, &j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return nslab_error_set(e, r, "pthread_create", "cannot start a helper thread: %s", strerror(r));
	pthread_join(t, NULL);
	return j.rc;
}

struct links_reply {
	int rc;
	struct nslab_error e;
	size_t n;
};

/* In the forked helper: join the owning user namespace (a process may, a
 * thread of a threaded process may not), then the network namespace. */
static void links_child(int userfd, int nsfd, struct link_list *l, int out)
{
	struct links_reply rep = {0};

	if (setns(userfd, CLONE_NEWUSER) < 0)
		rep.rc = nslab_error_set(&rep.e, errno, "setns", "setns(CLONE_NEWUSER): %s", strerror(errno));
	else if (setns(nsfd, CLONE_NEWNET) < 0)
		rep.rc = setns_failed(&rep.e, errno);
	else
		rep.rc = links_dump(l, &rep.e);
	rep.n = rep.rc < 0 ? 0 : l->n;
	bool ok =
	    write_all(out, &rep, sizeof(rep)) == 0 && (rep.n == 0 || write_all(out, l->v, rep.n * sizeof(*l->v)) == 0);
	_exit(ok ? 0 : 1);
}

static int links_read_reply(int fd, struct link_list *l, struct nslab_error *e)
{
	struct links_reply rep;

	if (read_full(fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		return nslab_error_set(e, EPROTO, "", "the helper process ended without an answer");
	if (rep.rc < 0) {
		*e = rep.e;
		e->call[sizeof(e->call) - 1] = e->msg[sizeof(e->msg) - 1] = '\0';
		return rep.rc;
	}
	if (rep.n > LINKS_REPLY_MAX)
		return nslab_error_set(e, EPROTO, "", "the helper process answered %zu links", rep.n);
	link_list_reserve(l, rep.n);
	if (rep.n && read_full(fd, l->v, rep.n * sizeof(*l->v)) != (ssize_t)(rep.n * sizeof(*l->v)))
		return nslab_error_set(e, EPROTO, "", "the helper process's answer was cut short");
	l->n = rep.n;
	return 0;
}

static int links_via_child(int userfd, int nsfd, struct link_list *l, struct nslab_error *e)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return nslab_error_set(e, errno, "pipe2", "pipe2: %s", strerror(errno));
	/* The child keeps every signal blocked: nslab's handlers (the signal
	 * guard kills containers) must not run in it. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t c = fork();
	if (c != 0)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (c < 0) {
		int err = errno;
		close(p[0]);
		close(p[1]);
		return nslab_error_set(e, err, "fork", "cannot fork a helper process: %s", strerror(err));
	}
	if (c == 0) {
		close(p[0]);
		links_child(userfd, nsfd, l, p[1]);
	}
	close(p[1]);
	int r = links_read_reply(p[0], l, e);
	close(p[0]);
	while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}

/* Rootless, setns(CLONE_NEWNET) also needs CAP_SYS_ADMIN in our own user
 * namespace; a child that first joins the user namespace owning the target
 * (one nslab created, say) has it there. e keeps the thread's EPERM unless
 * that works. */
static int links_rootless(int nsfd, struct link_list *l, struct nslab_error *e)
{
	_cleanup_close_ int userfd = ioctl(nsfd, NS_GET_USERNS);
	struct nslab_error ce = {0};

	if (userfd < 0 || same_ns(userfd, "/proc/thread-self/ns/user"))
		return -EPERM;
	l->n = 0;
	int r = links_via_child(userfd, nsfd, l, &ce);
	if (r < 0 && ce.err != EPERM)
		*e = ce;
	return r < 0 ? (e->err > 0 ? -e->err : -1) : 0;
}

bool link_info_same(const struct link_info *a, const struct link_info *b)
{
	if (a->netns && b->netns && a->netns != b->netns)
		return false;
	return !strcmp(a->mac, b->mac) && a->index == b->index && a->up == b->up;
}

static void note_netns(pid_t pid, struct link_list *l)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid ? (int)pid : (int)getpid());
	if (stat(path, &st) < 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		l->v[i].netns = (unsigned long long)st.st_ino;
}

static int links_read(pid_t pid, struct link_list *l, struct nslab_error *e)
{
	if (pid < 0)
		return nslab_error_set(e, EINVAL, "", "%d is not a process id", (int)pid);
	if (pid == 0)
		return links_dump(l, e) < 0 ? nslab_error_prefix(e, "links") : 0;
	_cleanup_close_ int nsfd = open_netns(pid, e);
	if (nsfd < 0)
		return nsfd;
	int r = same_ns(nsfd, "/proc/thread-self/ns/net") ? links_dump(l, e) : links_via_thread(nsfd, l, e);
	if (r == -EPERM && !strcmp(e->call, "setns"))
		r = links_rootless(nsfd, l, e);
	if (r < 0)
		return nslab_error_prefix(e, "links of process %d", (int)pid);
	return 0;
}

int probe_links_read(pid_t pid, struct link_list *l, struct nslab_error *e)
{
	l->n = 0;
	if (links_read(pid, l, e) < 0)
		return -1;
	note_netns(pid, l);
	return 0;
}
