/* A minimal rtnetlink toolkit (what nslab used of libmnl): build requests,
 * parse replies without ever reading past them, talk to NETLINK_ROUTE. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nslab/netlink.h"

/* ---- building ---- */

int nl_msg_start(struct nl_msg *m, void *buf, size_t size, uint16_t type, uint16_t flags, uint32_t seq)
{
	*m = (struct nl_msg){.size = size < UINT32_MAX ? size : UINT32_MAX};
	if (size < NLMSG_HDRLEN) {
		m->full = true;
		return -EMSGSIZE;
	}
	memset(buf, 0, NLMSG_HDRLEN);
	m->nlh = buf;
	m->nlh->nlmsg_len = NLMSG_HDRLEN;
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = flags;
	m->nlh->nlmsg_seq = seq;
	return 0;
}

/* Take len bytes, zeroed and padded, at the end of the message: where they
 * start, or NULL (and the message full) when they do not fit. */
static void *msg_grow(struct nl_msg *m, size_t len)
{
	if (m->full)
		return NULL;
	size_t room = m->size - m->nlh->nlmsg_len;
	if (len > room || NLMSG_ALIGN(len) > room) {
		m->full = true;
		return NULL;
	}
	char *p = (char *)m->nlh + m->nlh->nlmsg_len;
	memset(p, 0, NLMSG_ALIGN(len));
	m->nlh->nlmsg_len += NLMSG_ALIGN(len);
	return p;
}

void *nl_put_extra_header(struct nl_msg *m, size_t len)
{
	return msg_grow(m, len);
}

int nl_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	if (len > UINT16_MAX - NLA_HDRLEN) {
		m->full = true;
		return -EMSGSIZE;
	}
	struct nlattr *a = msg_grow(m, NLA_HDRLEN + len);
	if (!a)
		return -EMSGSIZE;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	return 0;
}

int nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v)
{
	return nl_put_attr(m, type, &v, sizeof(v));
}

int nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	return nl_put_attr(m, type, &v, sizeof(v));
}

int nl_put_strz(struct nl_msg *m, uint16_t type, const char *s)
{
	return nl_put_attr(m, type, s, strlen(s) + 1);
}

struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type)
{
	struct nlattr *a = msg_grow(m, NLA_HDRLEN);

	if (!a)
		return NULL;
	a->nla_type = type | NLA_F_NESTED;
	a->nla_len = NLA_HDRLEN;
	return a;
}

/* The nest holds everything put since it started. */
void nl_nest_end(struct nl_msg *m, struct nlattr *nest)
{
	if (m->full || !nest)
		return;
	size_t len = (size_t)((char *)m->nlh + m->nlh->nlmsg_len - (char *)nest);
	if (len > UINT16_MAX) {
		m->full = true;
		return;
	}
	nest->nla_len = (uint16_t)len;
}

/* ---- parsing attributes ---- */

uint8_t nl_attr_u8(const struct nlattr *a)
{
	const uint8_t *p = nl_attr_data(a);

	return p[0];
}

uint32_t nl_attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nl_attr_data(a), sizeof(v));
	return v;
}

bool nl_attr_valid(const struct nlattr *a, enum nl_attr_kind kind)
{
	size_t len = nl_attr_len(a);

	switch (kind) {
	case NL_ATTR_U8: return len == sizeof(uint8_t);
	case NL_ATTR_U32: return len == sizeof(uint32_t);
	case NL_ATTR_STRING: return len > 0;
	case NL_ATTR_BINARY: return true;
	case NL_ATTR_NESTED: return len == 0 || len >= NLA_HDRLEN;
	case NL_ATTR_UNSPEC: break;
	}
	return false;
}

/* len bytes of attributes at p (4-byte aligned). The last one's padding may
 * be left out; anything shorter than a header, or a length of less than a
 * header or more than what is left, is malformed. */
static int attrs_parse(const char *p, size_t len, nl_attr_cb cb, void *data)
{
	while (len > 0) {
		const struct nlattr *a = (const struct nlattr *)p;
		if (len < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EBADMSG;
		int r = cb(a, data);
		if (r)
			return r;
		size_t step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return 0;
}

int nl_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, nl_attr_cb cb, void *data)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + hdrlen)
		return -EBADMSG;
	if (nlh->nlmsg_len <= off)
		return 0;
	return attrs_parse((const char *)nlh + off, nlh->nlmsg_len - off, cb, data);
}

int nl_attr_parse_nested(const struct nlattr *nest, nl_attr_cb cb, void *data)
{
	if (nest->nla_len < NLA_HDRLEN)
		return -EBADMSG;
	return attrs_parse(nl_attr_data(nest), nl_attr_len(nest), cb, data);
}

/* ---- replies ---- */

/* The kernel sends -errno; some subsystems send errno. */
static int reply_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
		return -EBADMSG;
	if (err->error == INT_MIN)
		return -EPROTO;
	return err->error <= 0 ? err->error : -err->error;
}

/* One message: 1 to go on, 0 when the reply is done, or -errno. */
static int reply_one(const struct nlmsghdr *nlh, uint32_t seq, uint32_t portid, nl_msg_cb cb, void *data)
{
	if (nlh->nlmsg_pid && portid && nlh->nlmsg_pid != portid)
		return -ESRCH;
	if (nlh->nlmsg_seq && seq && nlh->nlmsg_seq != seq)
		return -EPROTO;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		return -EINTR;
	if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
		int r = cb ? cb(nlh, data) : 0;
		return r < 0 ? r : !r;
	}
	if (nlh->nlmsg_type == NLMSG_DONE)
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return reply_error(nlh);
	return 1; /* NLMSG_NOOP, NLMSG_OVERRUN, reserved control types */
}

int nl_reply_run(const void *buf, size_t len, uint32_t seq, uint32_t portid, nl_msg_cb cb, void *data)
{
	const char *p = buf;
	size_t left = len;

	/* NLMSG_OK and NLMSG_NEXT, in size_t: a message whose length is less
	 * than a header or more than what is left is cut. */
	while (left >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)p;
		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > left)
			return -EBADMSG;
		int r = reply_one(nlh, seq, portid, cb, data);
		if (r <= 0)
			return r;
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= left) /* the last message's padding may be left out */
			return 1;
		p += step;
		left -= step;
	}
	return left > 0 ? -EBADMSG : 1;
}

/* ---- the socket ---- */

int nl_open(struct nl_sock *s)
{
	s->portid = 0;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return s->fd < 0 ? -errno : 0;
}

int nl_bind(struct nl_sock *s)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK}; /* nl_pid 0: the kernel picks */
	socklen_t len = sizeof(addr);

	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	if (getsockname(s->fd, (struct sockaddr *)&addr, &len) < 0)
		return -errno;
	if (len != sizeof(addr) || addr.nl_family != AF_NETLINK)
		return -EINVAL;
	s->portid = addr.nl_pid;
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int nl_send(const struct nl_sock *s, const struct nl_msg *m)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n;

	if (m->full)
		return -EMSGSIZE;
	do
		n = sendto(s->fd, m->nlh, m->nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == m->nlh->nlmsg_len ? 0 : -EMSGSIZE;
}

static ssize_t recv_once(const struct nl_sock *s, void *buf, size_t size)
{
	struct sockaddr_nl from;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n = recvmsg(s->fd, &msg, 0);

	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -ENOSPC;
	if (msg.msg_namelen != sizeof(from))
		return -EINVAL;
	return n;
}

ssize_t nl_recv(const struct nl_sock *s, void *buf, size_t size)
{
	ssize_t n;

	do
		n = recv_once(s, buf, size);
	while (n == -EINTR);
	return n;
}

int nl_recv_run(const struct nl_sock *s, void *buf, size_t size, uint32_t seq, nl_msg_cb cb, void *data)
{
	for (;;) {
		ssize_t n = nl_recv(s, buf, size);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPROTO;
		int r = nl_reply_run(buf, (size_t)n, seq, s->portid, cb, data);
		if (r <= 0)
			return r;
	}
}

int nl_request(const struct nl_msg *m, nl_msg_cb cb, void *data)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	_cleanup_nl_sock_ struct nl_sock s = {.fd = -1};
	int r;

	if (m->full)
		return -EMSGSIZE;
	r = nl_open(&s);
	if (r < 0)
		return r;
	r = nl_bind(&s);
	if (r < 0)
		return r;
	r = nl_send(&s, m);
	if (r < 0)
		return r;
	return nl_recv_run(&s, buf, sizeof(buf), m->nlh->nlmsg_seq, cb, data);
}
