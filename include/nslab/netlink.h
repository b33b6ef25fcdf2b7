/* A minimal rtnetlink toolkit: build requests in a caller's buffer, parse
 * replies with bounds checks, and talk to the kernel over NETLINK_ROUTE. */
#ifndef NSLAB_NETLINK_H
#define NSLAB_NETLINK_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A request buffer (libmnl's MNL_SOCKET_BUFFER_SIZE at its largest). Declare
 * it `_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE]`. */
#define NL_MSG_SIZE 8192
/* The kernel sizes each part of a dump to the reader's buffer, up to 32 KiB;
 * a smaller buffer would see parts cut (MSG_TRUNC). */
#define NL_DUMP_SIZE 32768

/* ---- building: one message in a caller's buffer ---- */

/* A put that does not fit writes nothing and marks the message full; a full
 * message is incomplete and nl_send refuses it, so callers check once. */
struct nl_msg {
	struct nlmsghdr *nlh; /* at the start of the buffer; NULL when even the header does not fit */
	size_t size;          /* bytes the buffer holds */
	bool full;
};

/* Start a message: a zeroed header with type, flags and seq. 0 or -EMSGSIZE. */
int nl_msg_start(struct nl_msg *m, void *buf, size_t size, uint16_t type, uint16_t flags, uint32_t seq);
/* Append a zeroed family header (ifinfomsg, ifaddrmsg, rtmsg): NULL when full. */
void *nl_put_extra_header(struct nl_msg *m, size_t len);
/* Append an attribute, its payload padded with zeros: 0 or -EMSGSIZE. */
int nl_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len);
int nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v);
int nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
/* A string with its NUL, as the kernel's NLA_NUL_STRING and IFLA_IFNAME want. */
int nl_put_strz(struct nl_msg *m, uint16_t type, const char *s);
/* A nested attribute (NLA_F_NESTED): start it, put its members, end it. */
struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct nlattr *nest);

/* ---- parsing: attributes (only ever handed out whole and inside the message) ---- */

static inline unsigned nl_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}
static inline const void *nl_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}
static inline size_t nl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}
uint8_t nl_attr_u8(const struct nlattr *a);
uint32_t nl_attr_u32(const struct nlattr *a);

/* What a caller expects of an attribute's payload (libmnl's checks). */
enum nl_attr_kind {
	NL_ATTR_UNSPEC, /* not wanted */
	NL_ATTR_U8,     /* exactly 1 byte */
	NL_ATTR_U32,    /* exactly 4 bytes */
	NL_ATTR_STRING, /* at least 1 byte, NUL or not */
	NL_ATTR_BINARY, /* any length */
	NL_ATTR_NESTED, /* empty, or room for at least one attribute header */
};
bool nl_attr_valid(const struct nlattr *a, enum nl_attr_kind kind);

/* Called per attribute: 0 goes on; anything else stops the parse and is returned. */
typedef int (*nl_attr_cb)(const struct nlattr *a, void *data);
/* The attributes after the family header (hdrlen bytes) of a message whose
 * nlmsg_len bytes are readable, or inside a nested attribute. 0 when every
 * one was whole; -EBADMSG when one was cut short, ran past its container or
 * was shorter than its own header (the ones before it were handed out). */
int nl_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, nl_attr_cb cb, void *data);
int nl_attr_parse_nested(const struct nlattr *nest, nl_attr_cb cb, void *data);

/* ---- replies ---- */

/* Called per data message (type >= NLMSG_MIN_TYPE): 0 goes on, < 0 fails the
 * reply with that value, > 0 ends it as done. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);
/* Run through the messages of one received buffer: 1 when more is to come,
 * 0 when the reply is done (NLMSG_DONE, an ACK, or cb said so), or -errno:
 * the error of an NLMSG_ERROR, -ESRCH for another port id, -EPROTO for
 * another sequence number, -EINTR for an interrupted dump (NLM_F_DUMP_INTR),
 * -EBADMSG for a message cut short. seq or portid 0 checks nothing. */
int nl_reply_run(const void *buf, size_t len, uint32_t seq, uint32_t portid, nl_msg_cb cb, void *data);

/* ---- the socket ---- */

struct nl_sock {
	int fd;          /* -1 when closed */
	uint32_t portid; /* the kernel's choice, after nl_bind */
};

/* socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE): 0 or -errno. */
int nl_open(struct nl_sock *s);
/* Bind to a port id the kernel picks, and learn it: 0 or -errno. */
int nl_bind(struct nl_sock *s);
void nl_close(struct nl_sock *s);
#define _cleanup_nl_sock_ __attribute__((cleanup(nl_close)))
/* Send a message to the kernel: 0, -EMSGSIZE for a full one, or -errno. */
int nl_send(const struct nl_sock *s, const struct nl_msg *m);
/* One datagram (EINTR retried): its length, -ENOSPC when it did not fit, or -errno. */
ssize_t nl_recv(const struct nl_sock *s, void *buf, size_t size);
/* Receive into buf until the reply to seq is done, handing cb its data
 * messages: 0 or -errno (-EPROTO when the socket gives nothing). */
int nl_recv_run(const struct nl_sock *s, void *buf, size_t size, uint32_t seq, nl_msg_cb cb, void *data);
/* One request on a socket of its own (its namespace is the calling
 * thread's), until its ACK or NLMSG_DONE: 0 or -errno. cb may be NULL. */
int nl_request(const struct nl_msg *m, nl_msg_cb cb, void *data);

#endif
