/* What the launcher makes on the host for a container, and undoes: its
 * cgroup and its overlay dirs. Everything is recorded in the state dir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <net/if.h>

#include "nslab/probe.h"
#include "nslab/sys.h"
#include "nslab/tree.h"
#include "nslab/util.h"
#include "launch_internal.h"

static int make_cgroup(struct container *c, const struct spec *s, struct nslab_error *e)
{
	struct cgroup_limits l = {
		.memory = s->limits.memory,
		.pids = s->limits.pids,
		.cpu_percent = s->limits.cpu_percent,
	};

	if (cgroup_detect(&c->cgsys, e) < 0 || container_state_make(c, e) < 0)
		return -1;
	if (cgroup_create(&c->cgsys, c->id, &l, &c->trace, &c->cg, e) < 0)
		return -1;
	c->has_cgroup = true;
	container_state_write(c);
	return 0;
}

static int make_overlay_dirs(struct container *c, const struct plan *p, struct nslab_error *e)
{
	const char *dirs[] = {p->upper, p->work, p->merged};
	const char *notes[] = {
		"the container's own layer: every write lands here",
		"overlayfs's scratch space, on the same file system as upper",
		"where the layers appear as one tree: the container's /",
	};

	if (container_state_make(c, e) < 0)
		return -1;
	c->overlay = true;
	container_state_write(c);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (sys_traced_mkdir(&c->trace, dirs[i], 0755, notes[i]) < 0)
			return nslab_error_set(e, errno, "mkdir", "%s: %s", dirs[i], strerror(errno));
	return 0;
}

void launch_fault_point(const char *stage)
{
	const char *want = getenv("NSLAB_FAULT_STOP");

	if (want && !strcmp(want, stage))
		raise(SIGSTOP);
}

int launch_host_prepare(struct container *c, const struct spec *s, const struct plan *p, struct nslab_error *e)
{
	for (size_t i = 0; i < p->n && p->steps[i].kind != STEP_CLONE; i++) {
		int r = 0;
		if (p->steps[i].kind == STEP_CGROUP_CREATE && (r = make_cgroup(c, s, e)) == 0)
			launch_fault_point("cgroup");
		else if (p->steps[i].kind == STEP_OVERLAY_DIRS && (r = make_overlay_dirs(c, p, e)) == 0)
			launch_fault_point("overlay");
		if (r < 0)
			return -1;
	}
	return 0;
}

int launch_host_cgroup_fd(const struct container *c)
{
	return c->has_cgroup && c->cgsys.version == CGROUP_V2 ? c->cg.dir_fd : -1;
}

int launch_host_place(struct container *c, bool placed, struct nslab_error *e)
{
	if (!c->has_cgroup || placed)
		return 0;
	return cgroup_add_pid(&c->cg, c->pid, &c->trace, e);
}

void launch_host_release_cgroup(struct container *c)
{
	struct nslab_error e;

	if (!c->has_cgroup)
		return;
	if (!c->has_final && cgroup_read_stats(&c->cg, &c->final) == 0)
		c->has_final = true;
	/* A cgroup that will not go stays named in the state dir (and in the
	 * trace), for a later try here or for `nslab cleanup`. */
	if (cgroup_destroy(&c->cg, true, &c->trace, &e) < 0)
		return;
	c->has_cgroup = false;
	/* Every caller removes the state dir next unless the overlay keeps it. */
	if (c->overlay)
		container_state_write(c);
}

void launch_host_remove_overlay(struct container *c)
{
	char path[PATH_MAX + 16];
	struct nslab_error e;

	if (!c->overlay || !c->state_dir[0])
		return;
	for (const char *const *d = (const char *const[]){"upper", "work", "merged", NULL}; *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", c->state_dir, *d);
		if (tree_remove(path, &e) < 0)
			trace_record(&c->trace, "remove", -1, e.err, trace_clock(), e.msg, "\"%s\"", path);
	}
	c->overlay = false;
}

void launch_host_undo(struct container *c)
{
	launch_host_remove_veth(c);
	launch_host_release_cgroup(c);
	launch_host_remove_overlay(c);
	if (!c->has_cgroup)
		container_state_remove(c);
}

/* ---- the veth pair */

static int parse_cidr(const char *text, uint32_t *addr, int *prefix)
{
	char ip[20];
	struct in_addr in;
	unsigned long p;
	const char *slash = strchr(text, '/');

	if (!slash || (size_t)(slash - text) >= sizeof(ip) || parse_ulong(slash + 1, 32, &p) < 0)
		return -EINVAL;
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - text), text);
	if (inet_pton(AF_INET, ip, &in) != 1)
		return -EINVAL;
	*addr = ntohl(in.s_addr);
	*prefix = (int)p;
	return 0;
}

static uint32_t mask_of(int prefix) { return prefix ? 0xffffffffu << (32 - prefix) : 0; }

/* Two networks overlap when the wider one holds the narrower one's base. */
static bool overlaps(uint32_t a, int ap, uint32_t b, int bp)
{
	int p = ap < bp ? ap : bp;
	return (a & mask_of(p)) == (b & mask_of(p));
}

/* The host address that overlaps a/prefix, as text, or "" when none does. */
static void host_overlap(const struct link_list *l, uint32_t a, int prefix, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++)
		for (int j = 0; j < l->v[i].n_addrs; j++) {
			uint32_t h;
			int hp;
			if (l->v[i].addrs[j].family != AF_INET || parse_cidr(l->v[i].addrs[j].text, &h, &hp) < 0)
				continue;
			if (overlaps(a, prefix, h, hp)) {
				snprintf(buf, size, "%s on %s", l->v[i].addrs[j].text, l->v[i].name);
				return;
			}
		}
}

static void format_addr(uint32_t a, int prefix, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, prefix);
}

/* NSLAB_NET_POOL (default 10.213.0.0/16) is cut into /30s: .1 the host end,
 * .2 the container; the first one no host address overlaps is taken. */
/* Addresses live containers already hold (net_inside= in their state files). */
static bool address_taken(uint32_t a)
{
	char root[PATH_MAX], path[PATH_MAX + 300], text[4096];
	uint32_t other;
	int prefix;

	container_state_root(root, sizeof(root));
	_cleanup_closedir_ DIR *d = opendir(root);
	for (struct dirent *de; d && (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/state", root, de->d_name);
		if (read_file_at(AT_FDCWD, path, text, sizeof(text)) < 0)
			continue;
		const char *line = strstr(text, "net_inside=");
		char value[24];
		if (!line)
			continue;
		snprintf(value, sizeof(value), "%.*s", (int)strcspn(line + 11, "\n"), line + 11);
		if (parse_cidr(value, &other, &prefix) == 0 && other == a)
			return true;
	}
	return false;
}

static uint32_t bridge_address(const struct link_list *l, const char *bridge, int *prefix)
{
	uint32_t a;

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].name, bridge) != 0)
			continue;
		for (int j = 0; j < l->v[i].n_addrs; j++)
			if (l->v[i].addrs[j].family == AF_INET && parse_cidr(l->v[i].addrs[j].text, &a, prefix) == 0)
				return a;
	}
	const char *net = getenv("NSLAB_BRIDGE_NET");
	if (!net || parse_cidr(net, &a, prefix) < 0)
		parse_cidr("10.214.0.1/24", &a, prefix);
	return a;
}

/* On a bridge every container shares the bridge's subnet: the bridge is the
 * gateway, each container takes the first address no one holds. */
static int pick_on_bridge(struct spec *s, const struct link_list *l, struct nslab_error *e)
{
	int prefix;
	uint32_t gw = bridge_address(l, s->net_bridge, &prefix);
	uint32_t net = gw & mask_of(prefix), size = prefix >= 31 ? 0 : (1u << (32 - prefix));
	char clash[96];

	format_addr(gw, prefix, s->net_host, sizeof(s->net_host));
	for (uint32_t i = 2; i + 1 < size; i++) {
		uint32_t a = net + i;
		if (a == gw || address_taken(a))
			continue;
		host_overlap(l, a, 32, clash, sizeof(clash));
		if (clash[0] && strncmp(clash + strcspn(clash, " ") + 4, s->net_bridge, strlen(s->net_bridge)) != 0)
			continue;
		format_addr(a, prefix, s->net_inside, sizeof(s->net_inside));
		return 0;
	}
	return nslab_error_set(e, EADDRNOTAVAIL, "", "no free address left on bridge %s", s->net_bridge);
}

int launch_host_net_lock(const struct spec *s)
{
	char root[PATH_MAX], path[PATH_MAX + 16];

	if (!s->net_veth)
		return -1;
	container_state_root(root, sizeof(root));
	(void)mkdir(root, 0755);
	snprintf(path, sizeof(path), "%s/.net.lock", root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0 && errno == EINTR)
		;
	return fd;
}

int launch_host_pick_addresses(struct spec *s, struct nslab_error *e)
{
	struct link_list l = {0};
	char clash[96];
	uint32_t pool, h, c;
	int pool_prefix, hp, cp;
	const char *pool_text = getenv("NSLAB_NET_POOL");

	if (!s->net_veth)
		return 0;
	if (probe_links_read(0, &l, e) < 0)
		return -1;
	if (s->net_bridge[0]) {
		int r = pick_on_bridge(s, &l, e);
		link_list_free(&l);
		return r;
	}
	if (s->net_host[0]) {
		int r = 0;
		if (parse_cidr(s->net_host, &h, &hp) < 0 || parse_cidr(s->net_inside, &c, &cp) < 0)
			r = nslab_error_set(e, EINVAL, "", "net veth takes HOST_CIDR CONTAINER_CIDR, like 10.9.0.1/30 10.9.0.2/30");
		else
			host_overlap(&l, h, hp, clash, sizeof(clash));
		if (!r && clash[0])
			r = nslab_error_set(e, EADDRINUSE, "", "%s overlaps the host's address %s: pick another subnet",
					    s->net_host, clash);
		link_list_free(&l);
		return r;
	}
	if (parse_cidr(pool_text && *pool_text ? pool_text : "10.213.0.0/16", &pool, &pool_prefix) < 0 || pool_prefix > 30) {
		link_list_free(&l);
		return nslab_error_set(e, EINVAL, "", "NSLAB_NET_POOL must be a subnet like 10.213.0.0/16");
	}
	uint32_t count = 1u << (30 - pool_prefix);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t base = (pool & mask_of(pool_prefix)) + i * 4;
		host_overlap(&l, base, 30, clash, sizeof(clash));
		if (clash[0])
			continue;
		format_addr(base + 1, 30, s->net_host, sizeof(s->net_host));
		format_addr(base + 2, 30, s->net_inside, sizeof(s->net_inside));
		link_list_free(&l);
		return 0;
	}
	link_list_free(&l);
	return nslab_error_set(e, EADDRNOTAVAIL, "", "no free /30 left in %s", pool_text ? pool_text : "10.213.0.0/16");
}

static int add_cidr(struct trace *t, int index, const char *name, const char *cidr, const char *note)
{
	char ip[20];
	const char *slash = strchr(cidr, '/');

	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - cidr), cidr);
	return sys_traced_addr_add(t, index, name, ip, atoi(slash + 1), note);
}

/* nslab marks the bridges it made, so the last container to leave one
 * removes it and never a bridge someone else made. */
static void bridge_mark_path(const char *bridge, char *buf, size_t size)
{
	char root[PATH_MAX - 64];

	container_state_root(root, sizeof(root));
	snprintf(buf, size, "%s/.bridge-%s", root, bridge);
}

static int ensure_bridge(struct container *c, struct nslab_error *e)
{
	const char *br = c->spec.net_bridge;
	char mark[PATH_MAX];

	if (if_nametoindex(br))
		return 0;
	if (sys_traced_bridge_add(&c->trace, br, "a software switch on the host: the containers' host ends plug in") < 0 &&
	    errno != EEXIST)
		return nslab_error_set(e, errno, "rtnetlink bridge", "bridge %s: %s", br, strerror(errno));
	if (errno != EEXIST) {
		c->bridge_made = true;
		bridge_mark_path(br, mark, sizeof(mark));
		close(open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	}
	int index = (int)if_nametoindex(br);
	if (add_cidr(&c->trace, index, br, c->spec.net_host, "the bridge's address: every container's gateway") < 0 &&
	    errno != EEXIST)
		return nslab_error_set(e, errno, "rtnetlink", "%s: %s", br, strerror(errno));
	if (sys_traced_link_up(&c->trace, index, br, NULL) < 0)
		return nslab_error_set(e, errno, "rtnetlink", "%s: %s", br, strerror(errno));
	return 0;
}

static int plug_into_bridge(struct container *c, int index, const char *name, struct nslab_error *e)
{
	const char *br = c->spec.net_bridge;

	if (ensure_bridge(c, e) < 0)
		return -1;
	if (sys_traced_link_master(&c->trace, index, name, (int)if_nametoindex(br), br,
				   "the host end becomes a port of the bridge") < 0 ||
	    sys_traced_link_up(&c->trace, index, name, NULL) < 0)
		return nslab_error_set(e, errno, "rtnetlink", "%s: %s", name, strerror(errno));
	return 0;
}

/* Remove a bridge nslab made once no port is left in it. Ports are asked of
 * rtnetlink (IFLA_MASTER), not /sys/class/net: sysfs shows the network
 * namespace that mounted it, which need not be nslab's. */
void launch_host_bridge_release(struct trace *t, const char *bridge)
{
	char mark[PATH_MAX];
	struct link_list l = {0};
	struct nslab_error e;

	if (!bridge[0])
		return;
	bridge_mark_path(bridge, mark, sizeof(mark));
	int index = (int)if_nametoindex(bridge);
	if (access(mark, F_OK) != 0 || !index || probe_links_read(0, &l, &e) < 0)
		return;
	bool ports = false;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].master == index)
			ports = true;
	link_list_free(&l);
	if (ports)
		return;
	sys_traced_link_del(t, bridge, "the last container left nslab's bridge");
	unlink(mark);
}

int launch_host_veth(struct container *c, const struct plan *p, struct nslab_error *e)
{
	if (!c->spec.net_veth)
		return 0;
	if (container_state_make(c, e) < 0)
		return -1;
	snprintf(c->veth, sizeof(c->veth), "%s", p->veth_host);
	if (sys_traced_veth_add(&c->trace, p->veth_host, "eth0", c->pid,
				"a virtual cable: what goes in one end comes out of the other, eth0 in the container") < 0)
		return nslab_error_set(e, errno, "rtnetlink veth", "veth %s: %s", p->veth_host, strerror(errno));
	container_state_write(c);
	int index = (int)if_nametoindex(p->veth_host);
	if (c->spec.net_bridge[0])
		return plug_into_bridge(c, index, p->veth_host, e);
	if (add_cidr(&c->trace, index, p->veth_host, c->spec.net_host, "the host end's address: the container's gateway") < 0 ||
	    sys_traced_link_up(&c->trace, index, p->veth_host, NULL) < 0)
		return nslab_error_set(e, errno, "rtnetlink", "%s: %s", p->veth_host, strerror(errno));
	return 0;
}

void launch_host_remove_veth(struct container *c)
{
	if (!c->veth[0])
		return;
	/* Usually gone already: the kernel deletes both ends with the namespace. */
	if (if_nametoindex(c->veth))
		sys_traced_link_del(&c->trace, c->veth, "remove the host end; its peer goes with it");
	c->veth[0] = '\0';
	launch_host_bridge_release(&c->trace, c->spec.net_bridge);
}
