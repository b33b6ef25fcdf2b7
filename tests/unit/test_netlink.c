/* Unit tests for the rtnetlink toolkit: building, bounded parsing of attributes
 * and replies (malformed input copied to buffers of its exact size, so the
 * sanitizer build catches any read past them), and the kernel without privilege. */
#include <errno.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "nslab/netlink.h"
#include "nslab/util.h"

static _Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];

/* What a parse handed out, in order. */
struct seen {
	unsigned types[16];
	const struct nlattr *attrs[16];
	size_t n;
	int stop_at; /* a type whose callback returns 99; 0: none */
};

static int collect(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	if (s->n < ARRAY_SIZE(s->types)) {
		s->types[s->n] = nl_attr_type(a);
		s->attrs[s->n] = a;
	}
	s->n++;
	return s->stop_at && nl_attr_type(a) == (unsigned)s->stop_at ? 99 : 0;
}

/* An RTM_NEWLINK for a veth pair, as sys_netlink.c builds it, plus an MTU and an operstate. */
static struct nl_msg build_veth(void)
{
	struct nl_msg m;

	memset(buf, 0xa5, sizeof(buf)); /* padding must come out zeroed */
	CHECK(nl_msg_start(&m, buf, sizeof(buf), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 7) == 0);
	struct ifinfomsg *ifm = nl_put_extra_header(&m, sizeof(*ifm));
	CHECK(ifm != NULL);
	if (ifm)
		ifm->ifi_index = 3;
	CHECK(nl_put_strz(&m, IFLA_IFNAME, "nsl0") == 0);
	CHECK(nl_put_u32(&m, IFLA_MTU, 1500) == 0);
	CHECK(nl_put_u8(&m, IFLA_OPERSTATE, IF_OPER_UP) == 0);
	struct nlattr *info = nl_nest_start(&m, IFLA_LINKINFO);
	CHECK(nl_put_strz(&m, IFLA_INFO_KIND, "veth") == 0);
	struct nlattr *data = nl_nest_start(&m, IFLA_INFO_DATA);
	struct nlattr *peer = nl_nest_start(&m, VETH_INFO_PEER);
	CHECK(nl_put_extra_header(&m, sizeof(struct ifinfomsg)) != NULL);
	CHECK(nl_put_strz(&m, IFLA_IFNAME, "eth0") == 0);
	CHECK(nl_put_u32(&m, IFLA_NET_NS_PID, 4242) == 0);
	nl_nest_end(&m, peer);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	CHECK(!m.full);
	return m;
}

static void test_build_and_parse(void)
{
	struct nl_msg m = build_veth();
	const struct nlmsghdr *nlh = m.nlh;
	struct seen s = {0};

	CHECK(nlh == (void *)buf);
	CHECK(nlh->nlmsg_type == RTM_NEWLINK);
	CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK));
	CHECK(nlh->nlmsg_seq == 7 && nlh->nlmsg_pid == 0);
	/* 16 + 16 + IFNAME 12 + MTU 8 + OPERSTATE 8 + LINKINFO (4 + KIND 12 + DATA (4 + PEER (4 + 16 + 12 + 8))) */
	CHECK(nlh->nlmsg_len == 16 + 16 + 12 + 8 + 8 + 4 + 12 + 4 + 4 + 16 + 12 + 8);
	CHECK(nlh->nlmsg_len % NLMSG_ALIGNTO == 0);
	CHECK(buf[16 + 16 + 9] == 0 && buf[16 + 16 + 11] == 0);                  /* IFNAME's NUL and padding */
	CHECK(buf[16 + 16 + 12 + 8 + 5] == 0 && buf[16 + 16 + 12 + 8 + 7] == 0); /* OPERSTATE's padding */

	CHECK(nl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &s) == 0);
	CHECK(s.n == 4);
	if (s.n != 4)
		return;
	CHECK(s.types[0] == IFLA_IFNAME && s.types[1] == IFLA_MTU);
	CHECK(s.types[2] == IFLA_OPERSTATE && s.types[3] == IFLA_LINKINFO);
	CHECK(nl_attr_len(s.attrs[0]) == 5);
	CHECK_STR(nl_attr_data(s.attrs[0]), "nsl0");
	CHECK(nl_attr_u32(s.attrs[1]) == 1500);
	CHECK(nl_attr_u8(s.attrs[2]) == IF_OPER_UP);
	CHECK(s.attrs[3]->nla_type == (IFLA_LINKINFO | NLA_F_NESTED));
	CHECK((const char *)s.attrs[3] + s.attrs[3]->nla_len == (const char *)nlh + nlh->nlmsg_len);

	struct seen info = {0};
	CHECK(nl_attr_parse_nested(s.attrs[3], collect, &info) == 0);
	CHECK(info.n == 2);
	if (info.n != 2)
		return;
	CHECK(info.types[0] == IFLA_INFO_KIND && info.types[1] == IFLA_INFO_DATA);
	CHECK_STR(nl_attr_data(info.attrs[0]), "veth");
	struct seen data = {0};
	CHECK(nl_attr_parse_nested(info.attrs[1], collect, &data) == 0);
	CHECK(data.n == 1 && data.types[0] == VETH_INFO_PEER);
	/* The peer: an ifinfomsg, then its own attributes. */
	if (data.n == 1)
		CHECK(data.attrs[0]->nla_len == NLA_HDRLEN + sizeof(struct ifinfomsg) + 12 + 8);

	/* A callback's non-zero value stops the parse and comes back. */
	struct seen stop = {.stop_at = IFLA_MTU};
	CHECK(nl_attr_parse(nlh, sizeof(struct ifinfomsg), collect, &stop) == 99);
	CHECK(stop.n == 2);
}

static void test_full(void)
{
	_Alignas(struct nlmsghdr) char small[40];
	struct nl_msg m;
	struct nl_sock none = {.fd = -1};

	CHECK(nl_msg_start(&m, small, sizeof(small), RTM_NEWLINK, NLM_F_REQUEST, 1) == 0);
	CHECK(nl_put_extra_header(&m, sizeof(struct ifinfomsg)) != NULL);
	CHECK(m.nlh->nlmsg_len == 32);
	CHECK(nl_put_strz(&m, IFLA_IFNAME, "too-long") == -EMSGSIZE); /* 4 + 9 padded: 16 > 8 */
	CHECK(m.full && m.nlh->nlmsg_len == 32);
	CHECK(nl_put_u8(&m, IFLA_OPERSTATE, 1) == -EMSGSIZE); /* it would fit, but the message is incomplete */
	CHECK(nl_nest_start(&m, IFLA_LINKINFO) == NULL);
	CHECK(nl_put_extra_header(&m, 4) == NULL);
	CHECK(m.nlh->nlmsg_len == 32);
	CHECK(nl_send(&none, &m) == -EMSGSIZE);
	CHECK(nl_request(&m, NULL, NULL) == -EMSGSIZE);

	/* Exactly full is fine. */
	CHECK(nl_msg_start(&m, small, sizeof(small), RTM_NEWLINK, NLM_F_REQUEST, 1) == 0);
	CHECK(nl_put_extra_header(&m, 16) != NULL);
	CHECK(nl_put_u32(&m, IFLA_MTU, 1) == 0);
	CHECK(!m.full && m.nlh->nlmsg_len == 40);
	CHECK(nl_put_attr(&m, IFLA_MTU, NULL, 0) == -EMSGSIZE);

	/* Room for an attribute but not for its padding */
	CHECK(nl_msg_start(&m, small, 39, RTM_NEWLINK, NLM_F_REQUEST, 1) == 0);
	CHECK(nl_put_extra_header(&m, 16) != NULL);
	CHECK(nl_put_attr(&m, IFLA_OPERSTATE, "abc", 3) == -EMSGSIZE);
	CHECK(m.full && m.nlh->nlmsg_len == 32);

	CHECK(nl_msg_start(&m, small, NLMSG_HDRLEN - 1, RTM_NEWLINK, 0, 0) == -EMSGSIZE);
	CHECK(m.full && m.nlh == NULL);
	CHECK(nl_put_u32(&m, IFLA_MTU, 1) == -EMSGSIZE);

	/* An attribute longer than nla_len can say */
	CHECK(nl_msg_start(&m, buf, sizeof(buf), RTM_NEWLINK, 0, 0) == 0);
	CHECK(nl_put_attr(&m, IFLA_IFALIAS, buf, 70000) == -EMSGSIZE);
	CHECK(m.full && m.nlh->nlmsg_len == NLMSG_HDRLEN);
}

static void test_valid(void)
{
	struct nl_msg m;
	struct seen s = {0};

	nl_msg_start(&m, buf, sizeof(buf), RTM_NEWLINK, 0, 0);
	nl_put_extra_header(&m, sizeof(struct ifinfomsg));
	nl_put_u8(&m, 1, 7);
	nl_put_u32(&m, 2, 7);
	nl_put_attr(&m, 3, "", 0);
	nl_put_attr(&m, 4, "ab", 2);
	nl_put_attr(&m, 5, "\1\0\0\0\0", 5);
	CHECK(nl_attr_parse(m.nlh, sizeof(struct ifinfomsg), collect, &s) == 0);
	CHECK(s.n == 5);
	if (s.n != 5)
		return;
	CHECK(nl_attr_valid(s.attrs[0], NL_ATTR_U8) && !nl_attr_valid(s.attrs[0], NL_ATTR_U32));
	CHECK(nl_attr_valid(s.attrs[1], NL_ATTR_U32) && !nl_attr_valid(s.attrs[1], NL_ATTR_U8));
	CHECK(!nl_attr_valid(s.attrs[2], NL_ATTR_STRING) && nl_attr_valid(s.attrs[2], NL_ATTR_BINARY));
	CHECK(nl_attr_valid(s.attrs[2], NL_ATTR_NESTED)); /* empty */
	CHECK(nl_attr_valid(s.attrs[3], NL_ATTR_STRING) && !nl_attr_valid(s.attrs[3], NL_ATTR_NESTED));
	CHECK(nl_attr_valid(s.attrs[4], NL_ATTR_NESTED) && !nl_attr_valid(s.attrs[4], NL_ATTR_U32));
	CHECK(!nl_attr_valid(s.attrs[1], NL_ATTR_UNSPEC));
}

/* A link message: ifinfomsg, IFLA_IFNAME "eth0" (at offset 32), IFLA_MTU (at 44). */
static size_t plain_link(void)
{
	struct nl_msg m;

	nl_msg_start(&m, buf, sizeof(buf), RTM_NEWLINK, 0, 0);
	nl_put_extra_header(&m, sizeof(struct ifinfomsg));
	nl_put_strz(&m, IFLA_IFNAME, "eth0");
	nl_put_u32(&m, IFLA_MTU, 9000);
	return m.nlh->nlmsg_len;
}

/* Parse a copy of buf's message in a buffer of exactly len bytes. */
static int parse_exact(size_t len, struct seen *s)
{
	struct nlmsghdr *copy = malloc(len);

	if (!copy)
		abort();
	memcpy(copy, buf, len);
	copy->nlmsg_len = (uint32_t)len;
	int r = nl_attr_parse(copy, sizeof(struct ifinfomsg), collect, s);
	free(copy);
	return r;
}

static void test_malformed(void)
{
	struct nlattr *mtu = (struct nlattr *)(buf + 44);
	struct seen s;
	size_t len;

	len = plain_link();
	CHECK(len == 52);
	s = (struct seen){0};
	CHECK(parse_exact(len, &s) == 0 && s.n == 2);

	/* Cut in the middle of IFLA_MTU's payload, and in its header */
	s = (struct seen){0};
	CHECK(parse_exact(len - 2, &s) == -EBADMSG);
	CHECK(s.n == 1 && s.types[0] == IFLA_IFNAME);
	for (size_t cut = 45; cut < 48; cut++) { /* 1 to 3 bytes of its header: not even nla_len is read whole */
		s = (struct seen){0};
		CHECK(parse_exact(cut, &s) == -EBADMSG);
		CHECK(s.n == 1);
	}

	/* A length running past the message */
	mtu->nla_len = 200;
	s = (struct seen){0};
	CHECK(parse_exact(len, &s) == -EBADMSG);
	CHECK(s.n == 1);

	/* Zero, and less than a header: no endless loop, nothing handed out */
	for (uint16_t bad = 0; bad < NLA_HDRLEN; bad++) {
		mtu->nla_len = bad;
		s = (struct seen){0};
		CHECK(parse_exact(len, &s) == -EBADMSG);
		CHECK(s.n == 1);
	}
	((struct nlattr *)(buf + 32))->nla_len = 0;
	s = (struct seen){0};
	CHECK(parse_exact(len, &s) == -EBADMSG);
	CHECK(s.n == 0);

	/* Bytes after the last attribute, too few for a header */
	len = plain_link();
	for (size_t extra = 1; extra < NLA_HDRLEN; extra++) {
		s = (struct seen){0};
		CHECK(parse_exact(len + extra, &s) == -EBADMSG);
		CHECK(s.n == 2);
	}

	/* The last attribute's padding left out is fine */
	len = plain_link() - 8; /* drop IFLA_MTU: IFLA_IFNAME (9 bytes, padded to 12) is last */
	s = (struct seen){0};
	CHECK(parse_exact(len - 3, &s) == 0);
	CHECK(s.n == 1);

	/* A family header longer than the message */
	s = (struct seen){0};
	CHECK(parse_exact(NLMSG_HDRLEN + 8, &s) == -EBADMSG);
	CHECK(s.n == 0);
	/* Exactly a header and nothing else */
	s = (struct seen){0};
	CHECK(parse_exact(NLMSG_HDRLEN + sizeof(struct ifinfomsg), &s) == 0);
	CHECK(s.n == 0);
}

/* A nest whose member runs past the nest (not past the message) stops the
 * nested parse; the message around it still parses. */
static void test_malformed_nested(void)
{
	struct nl_msg m;
	struct seen s = {0}, in = {0};

	nl_msg_start(&m, buf, sizeof(buf), RTM_NEWLINK, 0, 0);
	nl_put_extra_header(&m, sizeof(struct ifinfomsg));
	struct nlattr *info = nl_nest_start(&m, IFLA_LINKINFO);
	nl_put_strz(&m, IFLA_INFO_KIND, "veth");
	struct nlattr *kind = (struct nlattr *)((char *)info + NLA_HDRLEN);
	nl_put_u32(&m, IFLA_INFO_SLAVE_KIND, 1);
	nl_nest_end(&m, info);
	nl_put_u32(&m, IFLA_MTU, 1500);

	kind->nla_len = 20; /* swallows IFLA_INFO_SLAVE_KIND: it ends where the nest (4 + 12 + 8) does */
	CHECK(nl_attr_parse(m.nlh, sizeof(struct ifinfomsg), collect, &s) == 0);
	CHECK(s.n == 2);
	CHECK(nl_attr_parse_nested(info, collect, &in) == 0);
	CHECK(in.n == 1);
	kind->nla_len = 21; /* one byte past the nest, still inside the message */
	in = (struct seen){0};
	CHECK(nl_attr_parse_nested(info, collect, &in) == -EBADMSG);
	CHECK(in.n == 0);
	info->nla_len = 2;
	CHECK(nl_attr_parse_nested(info, collect, &in) == -EBADMSG);
}

/* ---- replies ---- */

static _Alignas(struct nlmsghdr) char reply[4096];
static size_t reply_len;

static struct nlmsghdr *reply_add(uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid, size_t payload)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(reply + reply_len);

	memset(nlh, 0, NLMSG_SPACE(payload));
	nlh->nlmsg_len = NLMSG_LENGTH(payload);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	reply_len += NLMSG_SPACE(payload);
	return nlh;
}

static void reply_link(int index, uint32_t seq)
{
	struct nlmsghdr *nlh = reply_add(RTM_NEWLINK, NLM_F_MULTI, seq, 1234, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)NLMSG_DATA(nlh))->ifi_index = index;
}

static void reply_error_msg(int error)
{
	struct nlmsghdr *nlh = reply_add(NLMSG_ERROR, 0, 42, 1234, sizeof(struct nlmsgerr));
	((struct nlmsgerr *)NLMSG_DATA(nlh))->error = error;
}

struct count {
	int n, sum;
	int ret; /* what the callback returns */
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct count *c = data;

	c->n++;
	if (nlh->nlmsg_type == RTM_NEWLINK && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		c->sum += ((const struct ifinfomsg *)NLMSG_DATA(nlh))->ifi_index;
	return c->ret;
}

/* Run reply[] copied to a buffer of exactly its size. */
static int run_exact(uint32_t seq, uint32_t portid, struct count *c)
{
	char *copy = malloc(reply_len);

	if (!copy)
		abort();
	memcpy(copy, reply, reply_len);
	int r = nl_reply_run(copy, reply_len, seq, portid, count_cb, c);
	free(copy);
	return r;
}

static void test_multipart(void)
{
	struct count c = {0};

	/* First datagram: two links, no end yet */
	reply_len = 0;
	reply_link(1, 42);
	reply_link(2, 42);
	reply_add(NLMSG_NOOP, 0, 42, 1234, 0);
	CHECK(run_exact(42, 1234, &c) == 1);
	CHECK(c.n == 2 && c.sum == 3);
	/* Second: one more, NLMSG_DONE, and nothing after it is looked at */
	reply_len = 0;
	reply_link(4, 42);
	reply_add(NLMSG_DONE, NLM_F_MULTI, 42, 1234, sizeof(int));
	reply_link(8, 42);
	CHECK(run_exact(42, 1234, &c) == 0);
	CHECK(c.n == 3 && c.sum == 7);
	/* seq and portid 0 check nothing */
	c = (struct count){0};
	CHECK(run_exact(0, 0, &c) == 0 && c.n == 1);

	/* Another sequence number, another port, an interrupted dump */
	c = (struct count){0};
	CHECK(run_exact(43, 1234, &c) == -EPROTO);
	CHECK(run_exact(42, 999, &c) == -ESRCH);
	CHECK(c.n == 0);
	reply_len = 0;
	reply_link(1, 42);
	reply_add(RTM_NEWLINK, NLM_F_MULTI | NLM_F_DUMP_INTR, 42, 1234, sizeof(struct ifinfomsg));
	CHECK(run_exact(42, 1234, &c) == -EINTR);
	CHECK(c.n == 1);

	/* The callback ends the reply (> 0) or fails it (< 0) */
	reply_len = 0;
	reply_link(1, 42);
	reply_link(2, 42);
	c = (struct count){.ret = 1};
	CHECK(run_exact(42, 1234, &c) == 0 && c.n == 1);
	c = (struct count){.ret = -ENOENT};
	CHECK(run_exact(42, 1234, &c) == -ENOENT && c.n == 1);

	/* A message cut short at the end of the datagram, or claiming more than there is */
	c = (struct count){0};
	reply_len -= 4;
	CHECK(run_exact(42, 1234, &c) == -EBADMSG);
	CHECK(c.n == 1);
	reply_len += 4;
	((struct nlmsghdr *)reply)->nlmsg_len = (uint32_t)reply_len + 4;
	c = (struct count){0};
	CHECK(run_exact(42, 1234, &c) == -EBADMSG);
	CHECK(c.n == 0);
	((struct nlmsghdr *)reply)->nlmsg_len = 4; /* shorter than its own header */
	CHECK(run_exact(42, 1234, &c) == -EBADMSG);
	CHECK(c.n == 0);
	/* An empty datagram: more to come */
	CHECK(nl_reply_run(reply, 0, 42, 1234, count_cb, &c) == 1);
}

static void test_error_reply(void)
{
	struct count c = {0};

	reply_len = 0;
	reply_error_msg(-EEXIST);
	CHECK(run_exact(42, 1234, &c) == -EEXIST);
	reply_len = 0;
	reply_error_msg(ENODEV); /* some subsystems send it positive */
	CHECK(run_exact(42, 1234, &c) == -ENODEV);
	reply_len = 0;
	reply_error_msg(INT_MIN);
	CHECK(run_exact(42, 1234, &c) == -EPROTO);
	/* error 0 is the ACK: done */
	reply_len = 0;
	reply_error_msg(0);
	reply_link(1, 42);
	CHECK(run_exact(42, 1234, &c) == 0);
	CHECK(c.n == 0);
	/* Too short to hold its struct nlmsgerr */
	reply_len = 0;
	reply_add(NLMSG_ERROR, 0, 42, 1234, sizeof(int));
	CHECK(run_exact(42, 1234, &c) == -EBADMSG);
	/* The error stops a multi-part reply after the data before it */
	reply_len = 0;
	reply_link(5, 42);
	reply_error_msg(-EPERM);
	CHECK(run_exact(42, 1234, &c) == -EPERM);
	CHECK(c.n == 1 && c.sum == 5);
}

/* ---- the kernel, without privilege: our own network namespace ---- */

struct lo_find {
	int links;
	bool lo;
};

static int lo_name_cb(const struct nlattr *a, void *data)
{
	struct lo_find *f = data;

	if (nl_attr_type(a) == IFLA_IFNAME && nl_attr_len(a) == 3 && !memcmp(nl_attr_data(a), "lo", 3))
		f->lo = true;
	return 0;
}

static int lo_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lo_find *f = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return -EPROTO;
	f->links++;
	CHECK(nl_attr_parse(nlh, sizeof(struct ifinfomsg), lo_name_cb, f) == 0);
	return 0;
}

static bool have_netlink(void)
{
	struct nl_sock s = {.fd = -1};
	int r = nl_open(&s);

	nl_close(&s);
	if (r == 0)
		return true;
	printf("SKIP %s: no NETLINK_ROUTE socket here: %s\n", check_current, strerror(-r));
	return false;
}

static void test_kernel_request(void)
{
	struct nl_msg m;
	struct lo_find f = {0};

	if (!have_netlink())
		return;
	/* The link comes in one datagram, the ACK in another. */
	nl_msg_start(&m, buf, sizeof(buf), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 77);
	struct ifinfomsg *ifm = nl_put_extra_header(&m, sizeof(*ifm));
	ifm->ifi_index = 1;
	CHECK(nl_request(&m, lo_cb, &f) == 0);
	CHECK(f.links == 1 && f.lo);

	ifm->ifi_index = INT_MAX - 7;
	f = (struct lo_find){0};
	CHECK(nl_request(&m, lo_cb, &f) == -ENODEV);
	CHECK(f.links == 0);
}

static void test_kernel_dump(void)
{
	static _Alignas(struct nlmsghdr) char dump[NL_DUMP_SIZE];
	struct nl_sock s = {.fd = -1};
	struct nl_msg m;
	struct lo_find f = {0};

	if (!have_netlink())
		return;
	CHECK(nl_open(&s) == 0);
	CHECK(nl_bind(&s) == 0);
	CHECK(s.portid != 0);
	nl_msg_start(&m, dump, sizeof(dump), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 5);
	nl_put_extra_header(&m, sizeof(struct ifinfomsg));
	CHECK(nl_send(&s, &m) == 0);
	CHECK(nl_recv_run(&s, dump, sizeof(dump), 5, lo_cb, &f) == 0);
	CHECK(f.links >= 1 && f.lo);

	/* lo alone, acknowledged: the link and the ACK come in two datagrams,
	 * and nl_recv_run reads both. */
	nl_msg_start(&m, dump, sizeof(dump), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 9);
	struct ifinfomsg *ifm = nl_put_extra_header(&m, sizeof(*ifm));
	ifm->ifi_index = 1;
	CHECK(nl_send(&s, &m) == 0);
	f = (struct lo_find){0};
	CHECK(nl_recv_run(&s, dump, sizeof(dump), 9, lo_cb, &f) == 0);
	CHECK(f.links == 1 && f.lo);
	CHECK(recv(s.fd, dump, sizeof(dump), MSG_DONTWAIT) < 0 && errno == EAGAIN);

	/* A buffer too small for a datagram says so rather than parsing half */
	nl_msg_start(&m, dump, sizeof(dump), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 6);
	nl_put_extra_header(&m, sizeof(struct ifinfomsg));
	CHECK(nl_send(&s, &m) == 0);
	CHECK(nl_recv(&s, dump, 64) == -ENOSPC);
	nl_close(&s);
	CHECK(s.fd == -1);
	nl_close(&s);
}

int main(void)
{
	RUN(test_build_and_parse);
	RUN(test_full);
	RUN(test_valid);
	RUN(test_malformed);
	RUN(test_malformed_nested);
	RUN(test_multipart);
	RUN(test_error_reply);
	RUN(test_kernel_request);
	RUN(test_kernel_dump);
	return CHECK_DONE();
}
