/* Unit tests for the links probe: rtnetlink messages built with netlink.c, and real dumps without privilege. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nslab/netlink.h"
#include "nslab/probe.h"

static _Alignas(struct nlmsghdr) char msgbuf[4096];
/* The message being built in msgbuf. */
static struct nl_msg msg;

static struct nlmsghdr *link_msg(int index, unsigned flags)
{
	memset(msgbuf, 0, sizeof(msgbuf));
	nl_msg_start(&msg, msgbuf, sizeof(msgbuf), RTM_NEWLINK, 0, 0);
	struct nlmsghdr *nlh = msg.nlh;
	struct ifinfomsg *ifi = nl_put_extra_header(&msg, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	return nlh;
}

static struct nlmsghdr *addr_msg(int family, int prefixlen, int index)
{
	memset(msgbuf, 0, sizeof(msgbuf));
	nl_msg_start(&msg, msgbuf, sizeof(msgbuf), RTM_NEWADDR, 0, 0);
	struct nlmsghdr *nlh = msg.nlh;
	struct ifaddrmsg *ifa = nl_put_extra_header(&msg, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_index = index;
	return nlh;
}

static void put_ip(uint16_t type, int family, const char *text)
{
	unsigned char bytes[16];

	if (inet_pton(family, text, bytes) != 1)
		abort();
	nl_put_attr(&msg, type, bytes, family == AF_INET ? 4 : 16);
}

/* A named link with nothing else: enough for address tests. */
static void add_plain_link(struct link_list *l, int index, const char *name)
{
	struct nlmsghdr *nlh = link_msg(index, 0);
	nl_put_strz(&msg, IFLA_IFNAME, name);
	CHECK(probe_links_parse_link(nlh, l) == 0);
}

static void test_veth_link(void)
{
	static const unsigned char mac[6] = {0x02, 0x42, 0xac, 0x11, 0x00, 0x0f};
	struct link_list l = {0};
	struct nlmsghdr *nlh = link_msg(5, IFF_UP | IFF_BROADCAST | IFF_LOWER_UP);

	nl_put_strz(&msg, IFLA_IFNAME, "nslt0");
	nl_put_u32(&msg, IFLA_MTU, 1500);
	nl_put_u8(&msg, IFLA_OPERSTATE, IF_OPER_UP);
	nl_put_attr(&msg, IFLA_ADDRESS, mac, sizeof(mac));
	nl_put_u32(&msg, IFLA_LINK, 4);
	nl_put_u32(&msg, IFLA_LINK_NETNSID, 0);
	nl_put_u32(&msg, IFLA_MASTER, 3);
	struct nlattr *info = nl_nest_start(&msg, IFLA_LINKINFO);
	nl_put_strz(&msg, IFLA_INFO_KIND, "veth");
	struct nlattr *data = nl_nest_start(&msg, IFLA_INFO_DATA);
	nl_nest_end(&msg, data);
	nl_nest_end(&msg, info);

	CHECK(probe_links_parse_link(nlh, &l) == 0);
	CHECK(l.n == 1);
	if (l.n != 1)
		return;
	struct link_info *k = &l.v[0];
	CHECK(k->index == 5);
	CHECK_STR(k->name, "nslt0");
	CHECK_STR(k->kind, "veth");
	CHECK_STR(k->state, "UP");
	CHECK(k->up);
	CHECK_STR(k->mac, "02:42:ac:11:00:0f");
	CHECK(k->mtu == 1500);
	CHECK(k->peer_index == 4);
	CHECK(k->peer_netnsid == 0);
	CHECK(k->master == 3);
	CHECK(k->n_addrs == 0);
	link_list_free(&l);
	CHECK(l.v == NULL && l.n == 0 && l.cap == 0);
}

static void test_loopback_link(void)
{
	static const unsigned char zero[6] = {0};
	struct link_list l = {0};
	struct nlmsghdr *nlh = link_msg(1, IFF_LOOPBACK);

	nl_put_strz(&msg, IFLA_IFNAME, "lo");
	nl_put_u32(&msg, IFLA_MTU, 65536);
	nl_put_u8(&msg, IFLA_OPERSTATE, IF_OPER_DOWN);
	nl_put_attr(&msg, IFLA_ADDRESS, zero, sizeof(zero));
	nl_put_u32(&msg, IFLA_LINK, 1); /* its own index: no peer */

	CHECK(probe_links_parse_link(nlh, &l) == 0);
	CHECK(l.n == 1);
	if (l.n == 1) {
		CHECK_STR(l.v[0].name, "lo");
		CHECK_STR(l.v[0].kind, "");
		CHECK_STR(l.v[0].state, "DOWN");
		CHECK(!l.v[0].up);
		CHECK_STR(l.v[0].mac, "00:00:00:00:00:00");
		CHECK(l.v[0].mtu == 65536);
		CHECK(l.v[0].peer_index == 0);
		CHECK(l.v[0].peer_netnsid == -1);
		CHECK(l.v[0].master == 0);
	}
	link_list_free(&l);
}

static void test_operstates(void)
{
	static const char *const names[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
	                                    "TESTING", "DORMANT",    "UP"};
	struct link_list l = {0};

	for (unsigned s = 0; s < 8; s++) {
		struct nlmsghdr *nlh = link_msg(1, 0);
		nl_put_u8(&msg, IFLA_OPERSTATE, s == 7 ? 99 : s);
		CHECK(probe_links_parse_link(nlh, &l) == 0);
		CHECK_STR(l.v[0].state, s == 7 ? "UNKNOWN" : names[s]);
	}
	/* No IFLA_OPERSTATE at all */
	CHECK(probe_links_parse_link(link_msg(1, 0), &l) == 0);
	CHECK_STR(l.v[0].state, "UNKNOWN");
	CHECK(l.n == 1);
	link_list_free(&l);
}

static void test_sorted_by_index(void)
{
	struct link_list l = {0};
	static const int order[] = {7, 2, 9, 5, 1};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		char name[16];
		snprintf(name, sizeof(name), "if%d", order[i]);
		add_plain_link(&l, order[i], name);
	}
	CHECK(l.n == 5);
	for (size_t i = 1; i < l.n; i++)
		CHECK(l.v[i - 1].index < l.v[i].index);
	/* The same index again replaces the entry, in place. */
	add_plain_link(&l, 5, "renamed");
	CHECK(l.n == 5);
	CHECK(l.v[2].index == 5);
	CHECK_STR(l.v[2].name, "renamed");
	CHECK_STR(l.v[1].name, "if2");
	CHECK_STR(l.v[3].name, "if7");
	link_list_free(&l);
}

static void test_addresses(void)
{
	struct link_list l = {0};
	struct nlmsghdr *nlh;

	add_plain_link(&l, 3, "nslt0");
	add_plain_link(&l, 1, "lo");

	/* Point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer's. */
	nlh = addr_msg(AF_INET, 30, 3);
	put_ip(IFA_ADDRESS, AF_INET, "10.0.0.2");
	put_ip(IFA_LOCAL, AF_INET, "10.0.0.1");
	CHECK(probe_links_parse_addr(nlh, &l) == 0);

	nlh = addr_msg(AF_INET6, 64, 3);
	put_ip(IFA_ADDRESS, AF_INET6, "fe80::42:acff:fe11:f");
	CHECK(probe_links_parse_addr(nlh, &l) == 0);

	nlh = addr_msg(AF_INET, 8, 1);
	put_ip(IFA_LOCAL, AF_INET, "127.0.0.1");
	put_ip(IFA_ADDRESS, AF_INET, "127.0.0.1");
	CHECK(probe_links_parse_addr(nlh, &l) == 0);

	nlh = addr_msg(AF_INET6, 128, 1);
	put_ip(IFA_ADDRESS, AF_INET6, "::1");
	CHECK(probe_links_parse_addr(nlh, &l) == 0);

	CHECK(l.n == 2 && l.v[0].index == 1 && l.v[1].index == 3);
	CHECK(l.v[0].n_addrs == 2);
	CHECK_STR(l.v[0].addrs[0].text, "127.0.0.1/8");
	CHECK_STR(l.v[0].addrs[1].text, "::1/128");
	CHECK(l.v[0].addrs[1].family == AF_INET6);
	CHECK(l.v[1].n_addrs == 2);
	CHECK_STR(l.v[1].addrs[0].text, "10.0.0.1/30");
	CHECK(l.v[1].addrs[0].family == AF_INET);
	CHECK_STR(l.v[1].addrs[1].text, "fe80::42:acff:fe11:f/64");
	link_list_free(&l);
}

static void test_address_refusals(void)
{
	struct link_list l = {0};
	struct nlmsghdr *nlh;

	add_plain_link(&l, 2, "eth0");
	/* A link that came after the link dump */
	nlh = addr_msg(AF_INET, 24, 9);
	put_ip(IFA_LOCAL, AF_INET, "192.0.2.1");
	CHECK(probe_links_parse_addr(nlh, &l) == -ENOENT);
	/* Neither IPv4 nor IPv6 */
	nlh = addr_msg(AF_PACKET, 0, 2);
	CHECK(probe_links_parse_addr(nlh, &l) == -EAFNOSUPPORT);
	/* An IPv4 message carrying 16 bytes, and one carrying no address */
	nlh = addr_msg(AF_INET, 24, 2);
	put_ip(IFA_ADDRESS, AF_INET6, "2001:db8::1");
	CHECK(probe_links_parse_addr(nlh, &l) == -EINVAL);
	CHECK(probe_links_parse_addr(addr_msg(AF_INET, 24, 2), &l) == -EINVAL);
	/* A link message is not an address message */
	CHECK(probe_links_parse_addr(link_msg(2, 0), &l) == -EINVAL);
	CHECK(l.v[0].n_addrs == 0);
	/* At most LINK_MAX_ADDRS per link */
	for (int i = 0; i < LINK_MAX_ADDRS + 2; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "192.0.2.%d", i + 1);
		nlh = addr_msg(AF_INET, 24, 2);
		put_ip(IFA_LOCAL, AF_INET, ip);
		CHECK(probe_links_parse_addr(nlh, &l) == (i < LINK_MAX_ADDRS ? 0 : -ENOSPC));
	}
	CHECK(l.v[0].n_addrs == LINK_MAX_ADDRS);
	CHECK_STR(l.v[0].addrs[LINK_MAX_ADDRS - 1].text, "192.0.2.8/24");
	link_list_free(&l);
}

static void test_malformed_links(void)
{
	static const unsigned char ib[20] = {0x80, 0, 0, 0x48, 0xfe, 0x80};
	struct link_list l = {0};
	struct nlmsghdr *nlh;

	CHECK(probe_links_parse_link(addr_msg(AF_INET, 8, 1), &l) == -EINVAL);
	nlh = link_msg(0, 0);
	CHECK(probe_links_parse_link(nlh, &l) == -EINVAL);
	nlh = link_msg(4, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4; /* shorter than struct ifinfomsg */
	CHECK(probe_links_parse_link(nlh, &l) == -EINVAL);
	CHECK(l.n == 0);

	/* A two-byte MTU is ignored; a name too long is cut; so is a name
	 * without its NUL; a 20-byte hardware address ends in "...". */
	nlh = link_msg(4, 0);
	nl_put_attr(&msg, IFLA_MTU, &(uint16_t){1500}, sizeof(uint16_t));
	nl_put_strz(&msg, IFLA_IFNAME, "a-name-much-longer-than-IFNAMSIZ-allows");
	nl_put_attr(&msg, IFLA_ADDRESS, ib, sizeof(ib));
	CHECK(probe_links_parse_link(nlh, &l) == 0);
	CHECK(l.n == 1 && l.v[0].mtu == 0);
	CHECK(strlen(l.v[0].name) == sizeof(l.v[0].name) - 1);
	CHECK(!strncmp(l.v[0].name, "a-name-much-longer", 18));
	CHECK_STR(l.v[0].mac, "80:00:00:48:fe:80...");

	nlh = link_msg(6, 0);
	nl_put_attr(&msg, IFLA_IFNAME, "eth1", 4); /* no NUL */
	nl_put_u32(&msg, IFLA_MTU, 9000);
	CHECK(probe_links_parse_link(nlh, &l) == 0);
	CHECK(l.n == 2);
	CHECK_STR(l.v[1].name, "eth1");
	CHECK(l.v[1].mtu == 9000);
	link_list_free(&l);
}

static const struct link_info *find_name(const struct link_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* Needs no privilege: a netlink dump of our own namespace. */
static void test_read_own_namespace(void)
{
	struct link_list l = {0};
	struct nslab_error e = {0};

	if (probe_links_read(0, &l, &e) < 0) {
		printf("  probe_links_read(0): %s\n", e.msg);
		CHECK(0);
		return;
	}
	const struct link_info *lo = find_name(&l, "lo");
	CHECK(lo != NULL);
	if (lo) {
		CHECK(lo->index == 1);
		CHECK_STR(lo->mac, "00:00:00:00:00:00");
		CHECK(lo->peer_index == 0);
	}
	for (size_t i = 1; i < l.n; i++)
		CHECK(l.v[i - 1].index < l.v[i].index);

	/* Reused: the second read allocates nothing. */
	size_t n = l.n, cap = l.cap;
	struct link_info *v = l.v;
	CHECK(probe_links_read(0, &l, &e) == 0);
	CHECK(l.v == v && l.cap == cap && l.n == n);
	/* Our own pid names the same namespace: no thread, no privilege. */
	CHECK(probe_links_read(getpid(), &l, &e) == 0);
	CHECK(l.n == n && l.v == v);
	CHECK(find_name(&l, "lo") != NULL);
	link_list_free(&l);
}

static void test_read_gone(void)
{
	struct link_list l = {0};
	struct nslab_error e = {0};
	pid_t c = fork();

	if (c == 0)
		_exit(0);
	CHECK(c > 0);
	waitpid(c, NULL, 0);
	CHECK(probe_links_read(c, &l, &e) < 0);
	CHECK(e.err == ESRCH);
	CHECK_CONTAINS(e.msg, "gone");
	CHECK(probe_links_read(-3, &l, &e) < 0);
	CHECK(l.n == 0);
	link_list_free(&l);
}

/* A child in a fresh network namespace (with a user namespace when not root):
 * only a loopback link, down. Root goes through the helper thread, an
 * ordinary user through the helper process that joins the user namespace. */
static void test_read_new_namespace(void)
{
	char before[64] = "", after[64] = "";
	struct link_list l = {0};
	struct nslab_error e = {0};
	int ready[2], hold[2];

	if (pipe(ready) < 0 || pipe(hold) < 0)
		abort();
	pid_t c = fork();
	if (c == 0) {
		close(ready[0]);
		close(hold[1]);
		char ok = unshare(CLONE_NEWNET | (geteuid() ? CLONE_NEWUSER : 0)) == 0 ? 'y' : 'n';
		if (write(ready[1], &ok, 1) != 1 || read(hold[0], &ok, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	char ok = 'n';
	if (read(ready[0], &ok, 1) != 1 || ok != 'y') {
		printf("  (no new network namespace here: unprivileged user namespaces are off; checked nothing)\n");
	} else {
		CHECK(readlink("/proc/self/ns/net", before, sizeof(before) - 1) > 0);
		int r = probe_links_read(c, &l, &e);
		if (r < 0)
			printf("  probe_links_read(child): %s\n", e.msg);
		CHECK(r == 0);
		CHECK(l.n == 1);
		if (l.n == 1) {
			CHECK_STR(l.v[0].name, "lo");
			CHECK(l.v[0].index == 1);
			CHECK(!l.v[0].up);
			CHECK(l.v[0].n_addrs == 0);
		}
		CHECK(readlink("/proc/self/ns/net", after, sizeof(after) - 1) > 0);
		CHECK_STR(before, after);
	}
	close(hold[1]);
	close(ready[0]);
	waitpid(c, NULL, 0);
	link_list_free(&l);
}

int main(void)
{
	RUN(test_veth_link);
	RUN(test_loopback_link);
	RUN(test_operstates);
	RUN(test_sorted_by_index);
	RUN(test_addresses);
	RUN(test_address_refusals);
	RUN(test_malformed_links);
	RUN(test_read_own_namespace);
	RUN(test_read_gone);
	RUN(test_read_new_namespace);
	return CHECK_DONE();
}
