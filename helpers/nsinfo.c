/* nsinfo: static rootfs helper printing what the calling process sees: ids, names, namespaces, caps, id maps, clocks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VALUE_MAX 4096
#define UNKNOWN "-"

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Read once and shared by every key, so one run sees one snapshot of status. */
struct nsinfo_ctx {
	char status[8192];
	int have_status;
};

struct nsinfo_key {
	const char *name;
	void (*get)(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len);
	const char *arg;
	const char *help;
};

/* ---- pure parsers: they only look at buffers, so they work on any fixture ---- */

/* Copy the value of "Name:\tvalue" from a /proc/PID/status buffer; 0 when found. */
static int status_field(const char *status, const char *name, char *out, size_t len)
{
	size_t nlen = strlen(name);
	const char *line = status;

	while (line && *line) {
		if (strncmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vlen = strcspn(v, "\n");
			if (vlen >= len)
				vlen = len - 1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

static int parse_hex_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	unsigned long long x = strtoull(s, &end, 16);
	if (errno || end == s || *end != '\0')
		return -1;
	*v = x;
	return 0;
}

/* "mnt:[4026531841]" -> "4026531841"; readlink gives the kind and inode together. */
static int ns_link_inode(const char *link, char *out, size_t len)
{
	const char *open = strchr(link, '[');
	const char *close_ = open ? strchr(open, ']') : NULL;

	if (!open || !close_ || close_ == open + 1 || (size_t)(close_ - open - 1) >= len)
		return -1;
	memcpy(out, open + 1, close_ - open - 1);
	out[close_ - open - 1] = '\0';
	return 0;
}

static const char *const cap_names[] = {
	[0] = "cap_chown",
	[1] = "cap_dac_override",
	[2] = "cap_dac_read_search",
	[3] = "cap_fowner",
	[4] = "cap_fsetid",
	[5] = "cap_kill",
	[6] = "cap_setgid",
	[7] = "cap_setuid",
	[8] = "cap_setpcap",
	[9] = "cap_linux_immutable",
	[10] = "cap_net_bind_service",
	[11] = "cap_net_broadcast",
	[12] = "cap_net_admin",
	[13] = "cap_net_raw",
	[14] = "cap_ipc_lock",
	[15] = "cap_ipc_owner",
	[16] = "cap_sys_module",
	[17] = "cap_sys_rawio",
	[18] = "cap_sys_chroot",
	[19] = "cap_sys_ptrace",
	[20] = "cap_sys_pacct",
	[21] = "cap_sys_admin",
	[22] = "cap_sys_boot",
	[23] = "cap_sys_nice",
	[24] = "cap_sys_resource",
	[25] = "cap_sys_time",
	[26] = "cap_sys_tty_config",
	[27] = "cap_mknod",
	[28] = "cap_lease",
	[29] = "cap_audit_write",
	[30] = "cap_audit_control",
	[31] = "cap_setfcap",
	[32] = "cap_mac_override",
	[33] = "cap_mac_admin",
	[34] = "cap_syslog",
	[35] = "cap_wake_alarm",
	[36] = "cap_block_suspend",
	[37] = "cap_audit_read",
	[38] = "cap_perfmon",
	[39] = "cap_bpf",
	[40] = "cap_checkpoint_restore",
};

/*
 * "all" means every capability this kernel knows (0..last_cap), which is what
 * root in a fresh user namespace holds; bits newer than our table print as cap_N.
 */
static void caps_format_names(uint64_t mask, int last_cap, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	if (mask == 0) {
		snprintf(out, len, "none");
		return;
	}
	if (last_cap >= 0 && last_cap < 64) {
		uint64_t full = last_cap == 63 ? UINT64_MAX : (UINT64_C(1) << (last_cap + 1)) - 1;
		if ((mask & full) == full && (mask & ~full) == 0) {
			snprintf(out, len, "all");
			return;
		}
	}
	for (int bit = 0; bit < 64; bit++) {
		char unknown[16];
		const char *name;
		if (!(mask & (UINT64_C(1) << bit)))
			continue;
		if ((size_t)bit < ARRAY_SIZE(cap_names) && cap_names[bit]) {
			name = cap_names[bit];
		} else {
			snprintf(unknown, sizeof(unknown), "cap_%d", bit);
			name = unknown;
		}
		int n = snprintf(out + used, len - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= len - used)
			return; /* cut short rather than overflow; VALUE_MAX fits all 64 */
		used += n;
	}
}

/* uid_map has one "inside outside count" line per range; show them on one line. */
static void map_join(const char *buf, char *out, size_t len)
{
	size_t used = 0;
	int need_sep = 0, in_space = 0, line_has_text = 0;

	out[0] = '\0';
	for (const char *p = buf; *p && used + 4 < len; p++) {
		if (*p == '\n') {
			if (line_has_text)
				need_sep = 1;
			line_has_text = 0;
			in_space = 0;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			in_space = line_has_text;
			continue;
		}
		if (need_sep) {
			used += snprintf(out + used, len - used, " ; ");
			need_sep = 0;
		} else if (in_space) {
			out[used++] = ' ';
		}
		in_space = 0;
		line_has_text = 1;
		out[used++] = *p;
		out[used] = '\0';
	}
	if (used == 0)
		snprintf(out, len, "(empty)"); /* a new user namespace before its map is written */
}

/* ---- reading ---- */

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = -1;
	size_t used = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (used + 1 < len) {
		ssize_t n = read(fd, buf + used, len - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		used += n;
	}
	buf[used] = '\0';
	return used;
}

/* The kernel's own CAP_LAST_CAP, probed without /proc/sys so it works when /proc is absent. */
static int caps_last_cap(void)
{
	int last = -1;

	for (int n = 0; n < 64; n++) {
		if (prctl(PR_CAPBSET_READ, n, 0, 0, 0) < 0 && errno == EINVAL)
			break;
		last = n;
	}
	return last;
}

/* capget() fallback for when /proc is not mounted: eff, prm as 64-bit masks. */
static int caps_from_syscall(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	*eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	*prm = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	return 0;
}

static uint64_t caps_bounding_from_prctl(void)
{
	uint64_t mask = 0;

	for (int n = 0; n < 64; n++) {
		int r = prctl(PR_CAPBSET_READ, n, 0, 0, 0);
		if (r < 0)
			break;
		if (r == 1)
			mask |= UINT64_C(1) << n;
	}
	return mask;
}

/* Which capability set: "CapEff", "CapPrm" or "CapBnd". -1 when unknowable. */
static int caps_get(struct nsinfo_ctx *ctx, const char *which, uint64_t *mask)
{
	char buf[64];
	uint64_t eff, prm;

	if (ctx->have_status && status_field(ctx->status, which, buf, sizeof(buf)) == 0 &&
	    parse_hex_u64(buf, mask) == 0)
		return 0;
	if (strcmp(which, "CapBnd") == 0) {
		*mask = caps_bounding_from_prctl();
		return 0;
	}
	if (caps_from_syscall(&eff, &prm) < 0)
		return -1;
	*mask = strcmp(which, "CapEff") == 0 ? eff : prm;
	return 0;
}

/* ---- one getter per key ---- */

static void get_pid(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	(void)ctx;
	(void)arg;
	snprintf(out, len, "%d", (int)getpid());
}

static void get_ppid(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	(void)ctx;
	(void)arg;
	snprintf(out, len, "%d", (int)getppid()); /* 0 for pid 1 of a namespace: its parent lives outside */
}

static void get_uid(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	uid_t r, e, s;

	(void)ctx;
	(void)arg;
	getresuid(&r, &e, &s);
	snprintf(out, len, "%u (euid %u)", (unsigned)r, (unsigned)e);
}

static void get_gid(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	gid_t r, e, s;

	(void)ctx;
	(void)arg;
	getresgid(&r, &e, &s);
	snprintf(out, len, "%u (egid %u)", (unsigned)r, (unsigned)e);
}

static void get_groups(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	gid_t groups[256];
	size_t used = 0;

	(void)ctx;
	(void)arg;
	int n = getgroups(ARRAY_SIZE(groups), groups);
	if (n < 0) {
		snprintf(out, len, UNKNOWN);
		return;
	}
	if (n == 0) {
		snprintf(out, len, "none");
		return;
	}
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(out + used, len - used, "%s%u", i ? "," : "", (unsigned)groups[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += w;
	}
}

static void get_uname_field(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	struct utsname u;

	(void)ctx;
	if (uname(&u) < 0) {
		snprintf(out, len, UNKNOWN);
		return;
	}
	snprintf(out, len, "%s", strcmp(arg, "domainname") == 0 ? u.domainname : u.nodename);
}

static void get_ns(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	char path[64], link[128];

	(void)ctx;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", arg);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		snprintf(out, len, UNKNOWN);
		return;
	}
	link[n] = '\0';
	if (ns_link_inode(link, out, len) < 0)
		snprintf(out, len, UNKNOWN);
}

static void get_cap_hex(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	uint64_t mask;

	if (caps_get(ctx, arg, &mask) < 0)
		snprintf(out, len, UNKNOWN);
	else
		snprintf(out, len, "%016" PRIx64, mask);
}

static void get_cap_names(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	uint64_t mask;

	if (caps_get(ctx, arg, &mask) < 0)
		snprintf(out, len, UNKNOWN);
	else
		caps_format_names(mask, caps_last_cap(), out, len);
}

static void get_idmap(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	char path[64], buf[VALUE_MAX];

	(void)ctx;
	snprintf(path, sizeof(path), "/proc/self/%s", arg);
	if (read_file(path, buf, sizeof(buf)) < 0) {
		snprintf(out, len, UNKNOWN);
		return;
	}
	map_join(buf, out, len);
}

/* Both clocks are syscalls, not /proc; CLOCK_BOOTTIME is the one a time namespace offsets. */
static void get_clock(struct nsinfo_ctx *ctx, const char *arg, char *out, size_t len)
{
	struct timespec ts;

	(void)ctx;
	clockid_t id = strcmp(arg, "boottime") == 0 ? CLOCK_BOOTTIME : CLOCK_MONOTONIC;
	if (clock_gettime(id, &ts) < 0) {
		snprintf(out, len, UNKNOWN);
		return;
	}
	snprintf(out, len, "%lld.%02ld", (long long)ts.tv_sec, ts.tv_nsec / 10000000L);
}

static const struct nsinfo_key keys[] = {
	{ .name = "pid", .get = get_pid, .help = "process id as this pid namespace numbers it" },
	{ .name = "ppid", .get = get_ppid, .help = "parent pid (0 when the parent is outside the pid namespace)" },
	{ .name = "uid", .get = get_uid, .help = "real uid, then effective uid" },
	{ .name = "gid", .get = get_gid, .help = "real gid, then effective gid" },
	{ .name = "groups", .get = get_groups, .help = "supplementary groups, comma separated" },
	{ .name = "hostname", .get = get_uname_field, .arg = "hostname", .help = "uts namespace host name" },
	{ .name = "domainname", .get = get_uname_field, .arg = "domainname", .help = "uts namespace NIS domain name" },
	{ .name = "ns.cgroup", .get = get_ns, .arg = "cgroup", .help = "namespace inode numbers" },
	{ .name = "ns.ipc", .get = get_ns, .arg = "ipc" },
	{ .name = "ns.mnt", .get = get_ns, .arg = "mnt" },
	{ .name = "ns.net", .get = get_ns, .arg = "net" },
	{ .name = "ns.pid", .get = get_ns, .arg = "pid" },
	{ .name = "ns.pid_for_children", .get = get_ns, .arg = "pid_for_children" },
	{ .name = "ns.time", .get = get_ns, .arg = "time" },
	{ .name = "ns.time_for_children", .get = get_ns, .arg = "time_for_children" },
	{ .name = "ns.user", .get = get_ns, .arg = "user" },
	{ .name = "ns.uts", .get = get_ns, .arg = "uts" },
	{ .name = "cap.eff", .get = get_cap_hex, .arg = "CapEff", .help = "effective capabilities (hex)" },
	{ .name = "cap.prm", .get = get_cap_hex, .arg = "CapPrm", .help = "permitted capabilities (hex)" },
	{ .name = "cap.bnd", .get = get_cap_hex, .arg = "CapBnd", .help = "bounding set (hex)" },
	{ .name = "cap.eff.names", .get = get_cap_names, .arg = "CapEff", .help = "effective capabilities by name, or none / all" },
	{ .name = "uid_map", .get = get_idmap, .arg = "uid_map", .help = "user namespace uid map, lines joined by ' ; '" },
	{ .name = "gid_map", .get = get_idmap, .arg = "gid_map", .help = "user namespace gid map" },
	{ .name = "uptime", .get = get_clock, .arg = "boottime", .help = "seconds since boot (CLOCK_BOOTTIME)" },
	{ .name = "monotonic", .get = get_clock, .arg = "monotonic", .help = "CLOCK_MONOTONIC seconds" },
};

static const struct nsinfo_key *key_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nsinfo [KEY...]\n"
		   "Print what this process sees, one 'key: value' per line; with KEYs,\n"
		   "print only their values. '-' means unknown (e.g. /proc not mounted).\n\nkeys:\n");
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		fprintf(f, "  %-22s %s\n", keys[i].name, keys[i].help ? keys[i].help : "");
}

int main(int argc, char **argv)
{
	struct nsinfo_ctx ctx = { .have_status = 0 };
	char value[VALUE_MAX];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (argv[i][0] == '-') {
			fprintf(stderr, "nsinfo: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
		if (!key_find(argv[i])) {
			fprintf(stderr, "nsinfo: unknown key '%s' (see nsinfo --help)\n", argv[i]);
			return 2;
		}
	}

	ctx.have_status = read_file("/proc/self/status", ctx.status, sizeof(ctx.status)) >= 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			const struct nsinfo_key *k = key_find(argv[i]);
			k->get(&ctx, k->arg, value, sizeof(value));
			printf("%s\n", value);
		}
	} else {
		/* The usual reason is a chroot or new mount namespace without proc mounted. */
		if (access("/proc/self", F_OK) < 0)
			fprintf(stderr, "nsinfo: /proc is not mounted here; values that need it show as '-'\n");
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			keys[i].get(&ctx, keys[i].arg, value, sizeof(value));
			printf("%s: %s\n", keys[i].name, value);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "nsinfo: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
