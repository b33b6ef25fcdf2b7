/* Syscall arguments as strace prints them: one function per kind of argument
 * (a string, flags, a signal, argv, struct clone_args...), chosen by a letter
 * in decode_table.c; the traced process's memory is read through the
 * caller's callback, a 4 KiB page at a time. */
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "decode_internal.h"
#include "nslab/decode.h"
#include "nslab/sys.h"
#include "nslab/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000ULL
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2
#define RENAME_WHITEOUT  4
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* The page size every architecture's pages are a multiple of. */
#define READ_CHUNK 4096ULL
/* execve's envp is counted up to this many entries. */
#define ENVP_MAX 4096

/* ---- output and memory ---- */

void decode_put(struct decode_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	int r = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	o->len = (size_t)r >= o->size - o->len ? o->size - 1 : o->len + (size_t)r;
}

struct decode_out decode_out_start(char *buf, unsigned long size)
{
	struct decode_out o = {buf, size, 0};

	buf[0] = '\0';
	return o;
}

/* Up to len bytes, one 4 KiB page per request so an unmapped page only cuts
 * the tail; returns the bytes read. */
static size_t mem_read(const struct decode_mem *m, unsigned long long addr, void *buf, size_t len)
{
	size_t got = 0;

	if (!m->rd)
		return 0;
	while (got < len) {
		unsigned long long at = addr + got;
		size_t n = (size_t)(READ_CHUNK - at % READ_CHUNK);
		if (n > len - got)
			n = len - got;
		long r = m->rd(m->ctx, at, (char *)buf + got, n);
		if (r <= 0)
			break;
		got += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	return got;
}

/* ---- strings ---- */

/* One byte as strace writes it inside quotes; returns the characters written. */
static int escape_byte(char *d, unsigned char c, unsigned char next)
{
	static const char from[] = "\t\n\v\f\r\"\\", to[] = "tnvfr\"\\";
	const char *p = c ? strchr(from, c) : NULL;

	if (p) {
		d[0] = '\\';
		d[1] = to[p - from];
		return 2;
	}
	if (c >= 0x20 && c < 0x7f) {
		d[0] = (char)c;
		return 1;
	}
	/* Short octal unless a digit follows and would be read as part of it. */
	if (next >= '0' && next <= '7')
		return snprintf(d, 5, "\\%03o", c);
	return snprintf(d, 5, "\\%o", c);
}

static void put_quoted(struct decode_out *o, const char *s, size_t n, bool cut)
{
	char q[DECODE_STR_MAX * 4 + 3];
	size_t k = 0;

	if (n > DECODE_STR_MAX)
		n = DECODE_STR_MAX;
	q[k++] = '"';
	for (size_t i = 0; i < n; i++)
		k += (size_t)escape_byte(q + k, (unsigned char)s[i], i + 1 < n ? (unsigned char)s[i + 1] : 0);
	q[k++] = '"';
	q[k] = '\0';
	decode_put(o, "%s%s", q, cut ? "..." : "");
}

static void put_ptr(struct decode_out *o, unsigned long long v)
{
	if (!v)
		decode_put(o, "NULL");
	else
		decode_put(o, "%#llx", v);
}

/* A NUL-terminated string at addr: NULL, its address when unreadable, or the
 * quoted text, cut at DECODE_STR_MAX (also where reading stopped early). */
static void put_string_at(struct decode_out *o, const struct decode_mem *m, unsigned long long addr)
{
	char s[DECODE_STR_MAX + 1];

	if (!addr) {
		decode_put(o, "NULL");
		return;
	}
	size_t got = mem_read(m, addr, s, sizeof(s));
	if (!got) {
		put_ptr(o, addr);
		return;
	}
	const char *nul = memchr(s, '\0', got);
	if (nul)
		put_quoted(o, s, (size_t)(nul - s), false);
	else
		put_quoted(o, s, got, true);
}

/* ---- flags and values ---- */

struct flag_name {
	unsigned long long flag;
	const char *name;
};

struct value_name {
	long long value;
	const char *name;
};

/* clang-format off */
#define FLAG(f) {(unsigned long long)(f), #f}
#define VALUE(v) {(long long)(v), #v}
/* clang-format on */

/* Names of the flags set (a multi-bit flag only when all its bits are), then
 * what is left in hex; "0" for none. */
static void put_flags(struct decode_out *o, const struct flag_name *tab, size_t n, unsigned long long flags)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (!tab[i].flag || (flags & tab[i].flag) != tab[i].flag)
			continue;
		decode_put(o, "%s%s", any ? "|" : "", tab[i].name);
		flags &= ~tab[i].flag;
		any = true;
	}
	if (flags || !any)
		decode_put(o, "%s%#llx", any ? "|" : "", flags);
}

static void put_value(struct decode_out *o, const struct value_name *tab, size_t n, long long v)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].value == v) {
			decode_put(o, "%s", tab[i].name);
			return;
		}
	decode_put(o, "%lld", v);
}

/* CLONE_NEWTIME shares its bit with clone(2)'s exit signal byte. */
static const struct flag_name clone_flags[] = {
    FLAG(CLONE_NEWTIME),
    FLAG(CLONE_VM),
    FLAG(CLONE_FS),
    FLAG(CLONE_FILES),
    FLAG(CLONE_SIGHAND),
    FLAG(CLONE_PIDFD),
    FLAG(CLONE_PTRACE),
    FLAG(CLONE_VFORK),
    FLAG(CLONE_PARENT),
    FLAG(CLONE_THREAD),
    FLAG(CLONE_NEWNS),
    FLAG(CLONE_SYSVSEM),
    FLAG(CLONE_SETTLS),
    FLAG(CLONE_PARENT_SETTID),
    FLAG(CLONE_CHILD_CLEARTID),
    FLAG(CLONE_DETACHED),
    FLAG(CLONE_UNTRACED),
    FLAG(CLONE_CHILD_SETTID),
    FLAG(CLONE_NEWCGROUP),
    FLAG(CLONE_NEWUTS),
    FLAG(CLONE_NEWIPC),
    FLAG(CLONE_NEWUSER),
    FLAG(CLONE_NEWPID),
    FLAG(CLONE_NEWNET),
    FLAG(CLONE_IO),
    FLAG(CLONE_CLEAR_SIGHAND),
    FLAG(CLONE_INTO_CGROUP),
};

static const struct flag_name umount_flags[] = {
    FLAG(MNT_FORCE),
    FLAG(MNT_DETACH),
    FLAG(MNT_EXPIRE),
    FLAG(UMOUNT_NOFOLLOW),
};

/* O_SYNC and O_TMPFILE include O_DSYNC and O_DIRECTORY: they come first. */
static const struct flag_name open_flags[] = {
    FLAG(O_SYNC),      FLAG(O_TMPFILE),  FLAG(O_CREAT),   FLAG(O_EXCL),    FLAG(O_NOCTTY), FLAG(O_TRUNC),
    FLAG(O_APPEND),    FLAG(O_NONBLOCK), FLAG(O_DSYNC),   FLAG(O_ASYNC),   FLAG(O_DIRECT), FLAG(O_LARGEFILE),
    FLAG(O_DIRECTORY), FLAG(O_NOFOLLOW), FLAG(O_NOATIME), FLAG(O_CLOEXEC), FLAG(O_PATH),
};

static const struct flag_name at_flags[] = {
    FLAG(AT_SYMLINK_NOFOLLOW), FLAG(AT_REMOVEDIR),  FLAG(AT_SYMLINK_FOLLOW),
    FLAG(AT_NO_AUTOMOUNT),     FLAG(AT_EMPTY_PATH), FLAG(AT_RECURSIVE),
};

static const struct flag_name rename_flags[] = {
    FLAG(RENAME_NOREPLACE),
    FLAG(RENAME_EXCHANGE),
    FLAG(RENAME_WHITEOUT),
};

static const struct flag_name sock_flags[] = {
    FLAG(SOCK_NONBLOCK),
    FLAG(SOCK_CLOEXEC),
};

static const struct value_name sock_types[] = {
    VALUE(SOCK_STREAM),    VALUE(SOCK_DGRAM), VALUE(SOCK_RAW),    VALUE(SOCK_RDM),
    VALUE(SOCK_SEQPACKET), VALUE(SOCK_DCCP),  VALUE(SOCK_PACKET),
};

static const struct value_name families[] = {
    VALUE(AF_UNSPEC),  VALUE(AF_UNIX),   VALUE(AF_INET),  VALUE(AF_INET6),
    VALUE(AF_NETLINK), VALUE(AF_PACKET), VALUE(AF_VSOCK), VALUE(AF_BLUETOOTH),
};

static const struct value_name id_types[] = {
    {0, "P_ALL"},
    {1, "P_PID"},
    {2, "P_PGID"},
    {3, "P_PIDFD"},
};

static const struct value_name sigmask_hows[] = {
    VALUE(SIG_BLOCK),
    VALUE(SIG_UNBLOCK),
    VALUE(SIG_SETMASK),
};

/* The UAPI numbers of fsconfig's commands (<linux/mount.h> clashes with <sys/mount.h>). */
static const struct value_name fsconfig_cmds[] = {
    {0, "FSCONFIG_SET_FLAG"},   {1, "FSCONFIG_SET_STRING"},      {2, "FSCONFIG_SET_BINARY"},
    {3, "FSCONFIG_SET_PATH"},   {4, "FSCONFIG_SET_PATH_EMPTY"},  {5, "FSCONFIG_SET_FD"},
    {6, "FSCONFIG_CMD_CREATE"}, {7, "FSCONFIG_CMD_RECONFIGURE"}, {8, "FSCONFIG_CMD_CREATE_EXCL"},
};

/* ---- public helpers ---- */

const char *decode_signal_name(int sig, char *buf, unsigned long size)
{
	const char *abbrev = sig > 0 && sig < 32 ? sigabbrev_np(sig) : NULL;

	if (!buf || !size)
		return "";
	if (abbrev)
		snprintf(buf, size, "SIG%s", abbrev);
	else if (sig == 0)
		snprintf(buf, size, "0");
	else if (sig == SIGRTMIN)
		snprintf(buf, size, "SIGRTMIN");
	else if (sig == SIGRTMAX)
		snprintf(buf, size, "SIGRTMAX");
	else if (sig > SIGRTMIN && sig < SIGRTMAX)
		snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	else if (sig >= 32 && sig < SIGRTMIN)
		snprintf(buf, size, "SIGRT_%d", sig - 32);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

static void put_signal(struct decode_out *o, long long sig)
{
	char name[32];

	if (sig < -0x7fffffffLL || sig > 0x7fffffffLL) {
		decode_put(o, "signal %lld", sig);
		return;
	}
	decode_put(o, "%s", decode_signal_name((int)sig, name, sizeof(name)));
}

void decode_put_clone_flags(struct decode_out *o, unsigned long long flags)
{
	unsigned long long high = flags & ~0xffULL;
	unsigned sig = (unsigned)(flags & 0xff);

	if (high || !sig)
		put_flags(o, clone_flags, ARRAY_SIZE(clone_flags), high);
	if (sig) {
		decode_put(o, "%s", high ? "|" : "");
		put_signal(o, sig);
	}
}

void decode_clone_flags(unsigned long long flags, char *out, unsigned long size)
{
	if (!out || !size)
		return;
	struct decode_out o = decode_out_start(out, size);
	decode_put_clone_flags(&o, flags);
}

/* ---- one function per argument kind ---- */

typedef void put_fn(const struct decode_call *c, int i);

static void put_int(const struct decode_call *c, int i)
{
	decode_put(c->o, "%d", (int)c->args[i]);
}
static void put_unsigned(const struct decode_call *c, int i)
{
	decode_put(c->o, "%llu", c->args[i]);
}
static void put_hex(const struct decode_call *c, int i)
{
	decode_put(c->o, "%#llx", c->args[i]);
}
static void put_pointer(const struct decode_call *c, int i)
{
	put_ptr(c->o, c->args[i]);
}
static void put_string(const struct decode_call *c, int i)
{
	put_string_at(c->o, c->m, c->args[i]);
}
static void put_sig(const struct decode_call *c, int i)
{
	put_signal(c->o, (int)c->args[i]);
}
static void put_mode(const struct decode_call *c, int i)
{
	decode_put(c->o, "%#03o", (unsigned)c->args[i]);
}

static void put_dirfd(const struct decode_call *c, int i)
{
	if ((int)c->args[i] == AT_FDCWD)
		decode_put(c->o, "AT_FDCWD");
	else
		put_int(c, i);
}

/* A uid or gid: (uid_t)-1, "leave unchanged", prints as -1. */
static void put_id(const struct decode_call *c, int i)
{
	unsigned id = (unsigned)c->args[i];

	if (id == (unsigned)-1)
		decode_put(c->o, "-1");
	else
		decode_put(c->o, "%u", id);
}

static void put_mount_flags(const struct decode_call *c, int i)
{
	unsigned long flags = (unsigned long)c->args[i];
	char names[512];

	/* Before 2.4 the top half had to be this magic; old binaries still pass it. */
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL) {
		flags &= ~(unsigned long)MS_MGC_MSK;
		decode_put(c->o, "MS_MGC_VAL%s", flags ? "|" : "");
		if (!flags)
			return;
	}
	sys_mount_flags_names(flags, names, sizeof(names));
	decode_put(c->o, "%s", names);
}

static void put_umount_flags(const struct decode_call *c, int i)
{
	put_flags(c->o, umount_flags, ARRAY_SIZE(umount_flags), (unsigned)c->args[i]);
}

static void put_ns_flags(const struct decode_call *c, int i)
{
	put_flags(c->o, clone_flags, ARRAY_SIZE(clone_flags), (unsigned)c->args[i]);
}

static void put_at_flags(const struct decode_call *c, int i)
{
	put_flags(c->o, at_flags, ARRAY_SIZE(at_flags), (unsigned)c->args[i]);
}

static void put_rename_flags(const struct decode_call *c, int i)
{
	put_flags(c->o, rename_flags, ARRAY_SIZE(rename_flags), (unsigned)c->args[i]);
}

/* The access mode, the other flags, and the mode when the call may create. */
static void put_open_flags(const struct decode_call *c, int i)
{
	static const char *const access[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	unsigned flags = (unsigned)c->args[i];

	decode_put(c->o, "%s", access[flags & O_ACCMODE]);
	if (flags & ~(unsigned)O_ACCMODE) {
		decode_put(c->o, "|");
		put_flags(c->o, open_flags, ARRAY_SIZE(open_flags), flags & ~(unsigned)O_ACCMODE);
	}
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		decode_put(c->o, ", ");
		put_mode(c, i + 1);
	}
}

/* mknod's mode: the file type by name, then the permissions. */
static void put_node_mode(const struct decode_call *c, int i)
{
	static const struct value_name types[] = {
	    VALUE(S_IFREG), VALUE(S_IFCHR), VALUE(S_IFBLK), VALUE(S_IFIFO), VALUE(S_IFSOCK),
	};
	unsigned mode = (unsigned)c->args[i];

	if (mode & S_IFMT) {
		put_value(c->o, types, ARRAY_SIZE(types), mode & S_IFMT);
		decode_put(c->o, "|");
	}
	decode_put(c->o, "%#03o", mode & ~(unsigned)S_IFMT);
}

/* The kernel's 32-bit dev encoding, which glibc's major()/minor() also read. */
static void put_dev(const struct decode_call *c, int i)
{
	dev_t dev = (dev_t)(unsigned)c->args[i];

	decode_put(c->o, "makedev(%u, %u)", major(dev), minor(dev));
}

static void put_family(const struct decode_call *c, int i)
{
	put_value(c->o, families, ARRAY_SIZE(families), (int)c->args[i]);
}

static void put_sock_type(const struct decode_call *c, int i)
{
	unsigned type = (unsigned)c->args[i];

	put_value(c->o, sock_types, ARRAY_SIZE(sock_types), type & 0xf);
	if (type & ~0xfu) {
		decode_put(c->o, "|");
		put_flags(c->o, sock_flags, ARRAY_SIZE(sock_flags), type & ~0xfu);
	}
}

static void put_id_type(const struct decode_call *c, int i)
{
	put_value(c->o, id_types, ARRAY_SIZE(id_types), (int)c->args[i]);
}

static void put_sigmask_how(const struct decode_call *c, int i)
{
	put_value(c->o, sigmask_hows, ARRAY_SIZE(sigmask_hows), (int)c->args[i]);
}

static void put_fsconfig_cmd(const struct decode_call *c, int i)
{
	put_value(c->o, fsconfig_cmds, ARRAY_SIZE(fsconfig_cmds), (int)c->args[i]);
}

/* fsconfig's value is a string for the string and path commands (args[1]). */
static void put_fsconfig_value(const struct decode_call *c, int i)
{
	int cmd = (int)c->args[1];

	if (cmd == 1 || cmd == 3 || cmd == 4)
		put_string(c, i);
	else
		put_pointer(c, i);
}

/* sethostname's buffer: exactly the length in the next argument, NULs and all. */
static void put_counted_string(const struct decode_call *c, int i)
{
	unsigned long long addr = c->args[i], len = c->args[i + 1];
	size_t want = len > DECODE_STR_MAX ? DECODE_STR_MAX : (size_t)len;
	char s[DECODE_STR_MAX];

	if (!addr) {
		decode_put(c->o, "NULL");
		return;
	}
	size_t got = mem_read(c->m, addr, s, want);
	if (want && !got) {
		put_ptr(c->o, addr);
		return;
	}
	put_quoted(c->o, s, got, got < len);
}

/* setgroups' list: as many gids as the previous argument says, at most
 * DECODE_ARGV_MAX of them. */
static void put_gid_list(const struct decode_call *c, int i)
{
	int n = (int)c->args[i - 1];
	unsigned gids[DECODE_ARGV_MAX];
	size_t want = n > DECODE_ARGV_MAX ? DECODE_ARGV_MAX : (size_t)(n > 0 ? n : 0);

	if (!c->args[i] || n < 0) {
		put_pointer(c, i);
		return;
	}
	size_t got = mem_read(c->m, c->args[i], gids, want * sizeof(gids[0])) / sizeof(gids[0]);
	if (want && !got) {
		put_pointer(c, i);
		return;
	}
	decode_put(c->o, "[");
	for (size_t k = 0; k < got; k++)
		decode_put(c->o, "%s%u", k ? ", " : "", gids[k]);
	decode_put(c->o, "%s]", got < (size_t)n ? ", ..." : "");
}

/* execve's argv: the strings up to the NULL, at most DECODE_ARGV_MAX, then
 * "..." when more follow (or reading stopped before the NULL). */
static void put_argv(const struct decode_call *c, int i)
{
	unsigned long ptrs[DECODE_ARGV_MAX + 1];
	size_t n = 0, k;

	if (c->args[i])
		n = mem_read(c->m, c->args[i], ptrs, sizeof(ptrs)) / sizeof(ptrs[0]);
	if (!n) {
		put_pointer(c, i);
		return;
	}
	decode_put(c->o, "[");
	for (k = 0; k < n && k < DECODE_ARGV_MAX && ptrs[k]; k++) {
		decode_put(c->o, "%s", k ? ", " : "");
		put_string_at(c->o, c->m, ptrs[k]);
	}
	if (k == n || ptrs[k])
		decode_put(c->o, "%s...", k ? ", " : "");
	decode_put(c->o, "]");
}

/* execve's envp: only how many, as strace prints it without -v. */
static void put_envp(const struct decode_call *c, int i)
{
	unsigned long ptrs[64];
	size_t count = 0;

	if (!c->args[i]) {
		decode_put(c->o, "NULL");
		return;
	}
	while (count < ENVP_MAX) {
		unsigned long long at = c->args[i] + count * sizeof(ptrs[0]);
		size_t n = mem_read(c->m, at, ptrs, sizeof(ptrs)) / sizeof(ptrs[0]);
		size_t k = 0;
		while (k < n && ptrs[k])
			k++;
		count += k;
		if (k < n) {
			decode_put(c->o, "[/* %zu vars */]", count);
			return;
		}
		if (n < ARRAY_SIZE(ptrs))
			break;
	}
	if (!count)
		put_pointer(c, i);
	else
		decode_put(c->o, "[/* %zu vars */, ...]", count);
}

/* clone3's struct clone_args (size in the next argument; a short one is zero
 * filled, as the kernel does). */
static void put_clone_args(const struct decode_call *c, int i)
{
	struct clone_args ca = {0};
	unsigned long long size = c->args[i + 1];
	size_t want = size < sizeof(ca) ? (size_t)size : sizeof(ca);
	char sig[32];

	if (!c->args[i] || !want || mem_read(c->m, c->args[i], &ca, want) < want) {
		put_pointer(c, i);
		return;
	}
	decode_put(c->o, "{flags=");
	put_flags(c->o, clone_flags, ARRAY_SIZE(clone_flags), ca.flags);
	decode_put(c->o, ", exit_signal=%s", decode_signal_name((int)ca.exit_signal, sig, sizeof(sig)));
	if (ca.stack)
		decode_put(c->o, ", stack=%#llx, stack_size=%#llx", (unsigned long long)ca.stack,
		           (unsigned long long)ca.stack_size);
	if (ca.flags & CLONE_PIDFD)
		decode_put(c->o, ", pidfd=%#llx", (unsigned long long)ca.pidfd);
	if (ca.flags & CLONE_PARENT_SETTID)
		decode_put(c->o, ", parent_tid=%#llx", (unsigned long long)ca.parent_tid);
	if (ca.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		decode_put(c->o, ", child_tid=%#llx", (unsigned long long)ca.child_tid);
	if (ca.flags & CLONE_SETTLS)
		decode_put(c->o, ", tls=%#llx", (unsigned long long)ca.tls);
	if (ca.set_tid_size)
		decode_put(c->o, ", set_tid=%#llx, set_tid_size=%llu", (unsigned long long)ca.set_tid,
		           (unsigned long long)ca.set_tid_size);
	if (ca.flags & CLONE_INTO_CGROUP)
		decode_put(c->o, ", cgroup=%llu", (unsigned long long)ca.cgroup);
	decode_put(c->o, "}");
}

/* The letters decode_table.c spells each call's arguments with. */
static put_fn *const kinds[128] = {
    ['d'] = put_int,
    ['u'] = put_unsigned,
    ['x'] = put_hex,
    ['p'] = put_pointer,
    ['s'] = put_string,
    ['S'] = put_sig,
    ['o'] = put_mode,
    ['D'] = put_dirfd,
    ['i'] = put_id,
    ['M'] = put_mount_flags,
    ['m'] = put_umount_flags,
    ['N'] = put_ns_flags,
    ['a'] = put_at_flags,
    ['R'] = put_rename_flags,
    ['O'] = put_open_flags,
    ['y'] = put_node_mode,
    ['v'] = put_dev,
    ['F'] = put_family,
    ['T'] = put_sock_type,
    ['P'] = put_id_type,
    ['H'] = put_sigmask_how,
    ['C'] = put_fsconfig_cmd,
    ['V'] = put_fsconfig_value,
    ['L'] = put_counted_string,
    ['G'] = put_gid_list,
    ['A'] = put_argv,
    ['E'] = put_envp,
    ['c'] = put_clone_args,
};

void decode_put_arg(const struct decode_call *c, int i, char kind)
{
	put_fn *fn = kinds[(unsigned char)kind & 0x7f];

	(fn ? fn : put_hex)(c, i);
}
