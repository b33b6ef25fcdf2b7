/* The traced syscall layer for rtnetlink: links, addresses and routes, one
 * acknowledged request each, recorded with its type, flags and attributes. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "nslab/netlink.h"
#include "nslab/sys.h"
#include "nslab/util.h"

/* A request the kernel acknowledges; the buffer holds NL_MSG_SIZE bytes. */
static void put_header(struct nl_msg *m, void *buf, int type, int flags)
{
	nl_msg_start(m, buf, NL_MSG_SIZE, (uint16_t)type, (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags),
		     (uint32_t)time(NULL));
}

/* An RTM_*LINK request: the header, an ifinfomsg for ifindex (0: by name;
 * up: set IFF_UP), and IFLA_IFNAME when a name is given. */
static void put_link(struct nl_msg *m, void *buf, int type, int flags, int ifindex, bool up, const char *name)
{
	put_header(m, buf, type, flags);
	struct ifinfomsg *ifm = nl_put_extra_header(m, sizeof(*ifm));
	if (!ifm)
		return;
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (up)
		ifm->ifi_flags = ifm->ifi_change = IFF_UP;
	if (name)
		nl_put_strz(m, IFLA_IFNAME, name);
}

/* An IPv4 address on ifindex: IFA_LOCAL and IFA_ADDRESS both the address. */
static void put_addr(struct nl_msg *m, void *buf, int ifindex, int prefix, const struct in_addr *in)
{
	put_header(m, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = nl_put_extra_header(m, sizeof(*ifa));
	if (!ifa)
		return;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)ifindex;
	nl_put_attr(m, IFA_LOCAL, in, sizeof(*in));
	nl_put_attr(m, IFA_ADDRESS, in, sizeof(*in));
}

/* The IPv4 default route (no RTA_DST: 0.0.0.0/0) through gw on ifindex. */
static void put_default_route(struct nl_msg *m, void *buf, const struct in_addr *gw, int ifindex)
{
	put_header(m, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = nl_put_extra_header(m, sizeof(*rtm));
	if (!rtm)
		return;
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	nl_put_attr(m, RTA_GATEWAY, gw, sizeof(*gw));
	nl_put_u32(m, RTA_OIF, (uint32_t)ifindex);
}

/* Send the request and wait for its ACK: 0, or -errno from the kernel. */
static int finish(struct trace *t, const struct nl_msg *m, unsigned long long start, const char *note, const char *args)
{
	int r = nl_request(m, NULL, NULL);

	trace_record(t, "rtnetlink", r, -r, start, note, "%s", args);
	errno = r < 0 ? -r : 0;
	return r;
}

int sys_traced_link_up(struct trace *t, int ifindex, const char *name, const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[256];
	unsigned long long start = trace_clock();
	struct nl_msg m;

	put_link(&m, buf, RTM_NEWLINK, 0, ifindex, true, NULL);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK, ifi_index=%d (%s), ifi_flags=IFF_UP, ifi_change=IFF_UP}",
		 ifindex, name);
	return finish(t, &m, start, note, args);
}

int sys_traced_veth_add(struct trace *t, const char *name, const char *peer, pid_t peer_pid, const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[400];
	unsigned long long start = trace_clock();
	struct nl_msg m;

	put_link(&m, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, false, name);
	struct nlattr *info = nl_nest_start(&m, IFLA_LINKINFO);
	nl_put_strz(&m, IFLA_INFO_KIND, "veth");
	struct nlattr *data = nl_nest_start(&m, IFLA_INFO_DATA);
	struct nlattr *peer_attr = nl_nest_start(&m, VETH_INFO_PEER);
	nl_put_extra_header(&m, sizeof(struct ifinfomsg)); /* zeroed: AF_UNSPEC */
	nl_put_strz(&m, IFLA_IFNAME, peer);
	nl_put_u32(&m, IFLA_NET_NS_PID, (uint32_t)peer_pid);
	nl_nest_end(&m, peer_attr);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, IFLA_IFNAME=\"%s\", "
		 "IFLA_LINKINFO={IFLA_INFO_KIND=\"veth\", IFLA_INFO_DATA={VETH_INFO_PEER={IFLA_IFNAME=\"%s\", "
		 "IFLA_NET_NS_PID=%d}}}}",
		 name, peer, (int)peer_pid);
	return finish(t, &m, start, note, args);
}

int sys_traced_link_del(struct trace *t, const char *name, const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[256];
	unsigned long long start = trace_clock();
	struct nl_msg m;

	put_link(&m, buf, RTM_DELLINK, 0, 0, false, name);
	snprintf(args, sizeof(args), "{type=RTM_DELLINK, flags=NLM_F_REQUEST|NLM_F_ACK, IFLA_IFNAME=\"%s\"}", name);
	return finish(t, &m, start, note, args);
}

int sys_traced_addr_add(struct trace *t, int ifindex, const char *name, const char *addr, int prefix,
			const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[256];
	unsigned long long start = trace_clock();
	struct in_addr in;
	struct nl_msg m;

	if (inet_pton(AF_INET, addr, &in) != 1) {
		trace_record(t, "rtnetlink", -1, EINVAL, start, "not an IPv4 address", "%s", addr);
		errno = EINVAL;
		return -EINVAL;
	}
	put_addr(&m, buf, ifindex, prefix, &in);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWADDR, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, ifa_family=AF_INET, "
		 "ifa_prefixlen=%d, ifa_index=%d (%s), IFA_LOCAL=%s}",
		 prefix, ifindex, name, addr);
	return finish(t, &m, start, note, args);
}

int sys_traced_route_default(struct trace *t, const char *gateway, int ifindex, const char *name, const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[256];
	unsigned long long start = trace_clock();
	struct in_addr gw;
	struct nl_msg m;

	if (inet_pton(AF_INET, gateway, &gw) != 1) {
		errno = EINVAL;
		return -EINVAL;
	}
	put_default_route(&m, buf, &gw, ifindex);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWROUTE, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, rtm_family=AF_INET, "
		 "dst=0.0.0.0/0, RTA_GATEWAY=%s, RTA_OIF=%d (%s)}",
		 gateway, ifindex, name);
	return finish(t, &m, start, note, args);
}

int sys_traced_bridge_add(struct trace *t, const char *name, const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[256];
	unsigned long long start = trace_clock();
	struct nl_msg m;

	put_link(&m, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, false, name);
	struct nlattr *info = nl_nest_start(&m, IFLA_LINKINFO);
	nl_put_strz(&m, IFLA_INFO_KIND, "bridge");
	nl_nest_end(&m, info);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, IFLA_IFNAME=\"%s\", "
		 "IFLA_LINKINFO={IFLA_INFO_KIND=\"bridge\"}}",
		 name);
	return finish(t, &m, start, note, args);
}

int sys_traced_link_master(struct trace *t, int ifindex, const char *name, int master_index, const char *master,
			   const char *note)
{
	_Alignas(struct nlmsghdr) char buf[NL_MSG_SIZE];
	char args[256];
	unsigned long long start = trace_clock();
	struct nl_msg m;

	put_link(&m, buf, RTM_NEWLINK, 0, ifindex, false, NULL);
	nl_put_u32(&m, IFLA_MASTER, (uint32_t)master_index);
	snprintf(args, sizeof(args), "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK, ifi_index=%d (%s), IFLA_MASTER=%d (%s)}",
		 ifindex, name, master_index, master);
	return finish(t, &m, start, note, args);
}
