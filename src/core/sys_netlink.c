/* The traced syscall layer for rtnetlink: links, addresses and routes, one
 * acknowledged request each, recorded with its type, flags and attributes. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "nslab/sys.h"
#include "nslab/util.h"

/* Send one request and wait for its ACK: 0, or -errno from the kernel. */
static int request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl)
		return -errno;
	int r = 0;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		r = -errno;
	if (r == 0) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 || mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
			r = -errno;
	}
	mnl_socket_close(nl);
	return r;
}

static struct nlmsghdr *put_header(char *buf, int type, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	nlh->nlmsg_seq = (unsigned)time(NULL);
	return nlh;
}

/* An RTM_*LINK request: the header, an ifinfomsg for ifindex (0: by name),
 * and IFLA_IFNAME when a name is given. */
static struct nlmsghdr *put_link(char *buf, int type, int flags, int ifindex, const char *name)
{
	struct nlmsghdr *nlh = put_header(buf, type, flags);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static int finish(struct trace *t, struct nlmsghdr *nlh, unsigned long long start, const char *note, const char *args)
{
	int r = request(nlh);

	trace_record(t, "rtnetlink", r, -r, start, note, "%s", args);
	errno = r < 0 ? -r : 0;
	return r;
}

int sys_traced_link_up(struct trace *t, int ifindex, const char *name, const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[256];
	unsigned long long start = trace_clock();
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, 0, ifindex, NULL);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK, ifi_index=%d (%s), ifi_flags=IFF_UP, ifi_change=IFF_UP}",
		 ifindex, name);
	return finish(t, nlh, start, note, args);
}

int sys_traced_veth_add(struct trace *t, const char *name, const char *peer, pid_t peer_pid, const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[400];
	unsigned long long start = trace_clock();
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)peer_pid);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, IFLA_IFNAME=\"%s\", "
		 "IFLA_LINKINFO={IFLA_INFO_KIND=\"veth\", IFLA_INFO_DATA={VETH_INFO_PEER={IFLA_IFNAME=\"%s\", "
		 "IFLA_NET_NS_PID=%d}}}}",
		 name, peer, (int)peer_pid);
	return finish(t, nlh, start, note, args);
}

int sys_traced_link_del(struct trace *t, const char *name, const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[256];
	unsigned long long start = trace_clock();
	struct nlmsghdr *nlh = put_link(buf, RTM_DELLINK, 0, 0, name);
	snprintf(args, sizeof(args), "{type=RTM_DELLINK, flags=NLM_F_REQUEST|NLM_F_ACK, IFLA_IFNAME=\"%s\"}", name);
	return finish(t, nlh, start, note, args);
}

int sys_traced_addr_add(struct trace *t, int ifindex, const char *name, const char *addr, int prefix,
			const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[256];
	unsigned long long start = trace_clock();
	struct in_addr in;

	if (inet_pton(AF_INET, addr, &in) != 1) {
		trace_record(t, "rtnetlink", -1, EINVAL, start, "not an IPv4 address", "%s", addr);
		errno = EINVAL;
		return -EINVAL;
	}
	struct nlmsghdr *nlh = put_header(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(in), &in);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(in), &in);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWADDR, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, ifa_family=AF_INET, "
		 "ifa_prefixlen=%d, ifa_index=%d (%s), IFA_LOCAL=%s}",
		 prefix, ifindex, name, addr);
	return finish(t, nlh, start, note, args);
}

int sys_traced_route_default(struct trace *t, const char *gateway, int ifindex, const char *name, const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[256];
	unsigned long long start = trace_clock();
	struct in_addr gw;

	if (inet_pton(AF_INET, gateway, &gw) != 1) {
		errno = EINVAL;
		return -EINVAL;
	}
	struct nlmsghdr *nlh = put_header(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), &gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWROUTE, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, rtm_family=AF_INET, "
		 "dst=0.0.0.0/0, RTA_GATEWAY=%s, RTA_OIF=%d (%s)}",
		 gateway, ifindex, name);
	return finish(t, nlh, start, note, args);
}

int sys_traced_bridge_add(struct trace *t, const char *name, const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[256];
	unsigned long long start = trace_clock();
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	snprintf(args, sizeof(args),
		 "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL, IFLA_IFNAME=\"%s\", "
		 "IFLA_LINKINFO={IFLA_INFO_KIND=\"bridge\"}}",
		 name);
	return finish(t, nlh, start, note, args);
}

int sys_traced_link_master(struct trace *t, int ifindex, const char *name, int master_index, const char *master,
			   const char *note)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], args[256];
	unsigned long long start = trace_clock();
	struct nlmsghdr *nlh = put_link(buf, RTM_NEWLINK, 0, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_index);
	snprintf(args, sizeof(args), "{type=RTM_NEWLINK, flags=NLM_F_REQUEST|NLM_F_ACK, ifi_index=%d (%s), IFLA_MASTER=%d (%s)}",
		 ifindex, name, master_index, master);
	return finish(t, nlh, start, note, args);
}
