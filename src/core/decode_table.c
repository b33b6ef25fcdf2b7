/* Which call takes which arguments: a table from call name (so it holds on
 * every architecture) to one kind letter per argument, looked up by number;
 * and the results. How each kind prints is in decode.c. */
#include <linux/sched.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "decode_internal.h"
#include "nslab/decode.h"
#include "nslab/syscalls.h"
#include "nslab/util.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000ULL
#endif

/* The kernel's errno range: a return in [-4095, -1] is an error. */
#define MAX_ERRNO 4095

/* clone's argument order differs between architectures (CONFIG_CLONE_BACKWARDS*). */
#if defined(__s390__) || defined(__s390x__)
enum { CLONE_ARG_FLAGS = 1, CLONE_ARG_STACK = 0, CLONE_ARG_PTID = 2, CLONE_ARG_CTID = 3, CLONE_ARG_TLS = 4 };
#elif defined(__x86_64__)
enum { CLONE_ARG_FLAGS = 0, CLONE_ARG_STACK = 1, CLONE_ARG_PTID = 2, CLONE_ARG_CTID = 3, CLONE_ARG_TLS = 4 };
#else
enum { CLONE_ARG_FLAGS = 0, CLONE_ARG_STACK = 1, CLONE_ARG_PTID = 2, CLONE_ARG_CTID = 4, CLONE_ARG_TLS = 3 };
#endif

static void decode_clone(const struct decode_call *c)
{
	unsigned long long flags = c->args[CLONE_ARG_FLAGS];

	decode_put(c->o, "flags=");
	decode_put_clone_flags(c->o, flags);
	decode_put(c->o, ", stack=");
	decode_put_arg(c, CLONE_ARG_STACK, 'p');
	if (flags & (CLONE_PARENT_SETTID | CLONE_PIDFD))
		decode_put(c->o, ", parent_tid=%#llx", c->args[CLONE_ARG_PTID]);
	if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		decode_put(c->o, ", child_tid=%#llx", c->args[CLONE_ARG_CTID]);
	if (flags & CLONE_SETTLS)
		decode_put(c->o, ", tls=%#llx", c->args[CLONE_ARG_TLS]);
}

enum ret_kind { RET_NUMBER, RET_ADDRESS };

/* One letter per argument, or a function for the whole call. The letters
 * (kinds[] in decode.c):
 *   d int   u unsigned   x hex   p pointer   s string   D dirfd (AT_FDCWD)
 *   i uid/gid (-1)   o mode (octal)   S signal   M mount flags   m umount flags
 *   N namespace flags (CLONE_NEW*)   O open flags (+ mode when creating)
 *   a AT_* flags   R RENAME_* flags   y mknod mode   v dev   F address family
 *   T socket type   P waitid idtype   H sigprocmask how   C fsconfig command
 *   V fsconfig value   L string of the next argument's length   G gid list of
 *   the previous argument's length   A argv   E envp (counted)
 *   c struct clone_args of the next argument's size */
struct decoder {
	const char *name;
	const char *args;
	void (*whole)(const struct decode_call *c);
	enum ret_kind ret;
};

static const struct decoder decoders[] = {
    /* namespaces and processes */
    {"clone", NULL, decode_clone, RET_NUMBER},
    {"clone3", "cu", NULL, RET_NUMBER},
    {"unshare", "N", NULL, RET_NUMBER},
    {"setns", "dN", NULL, RET_NUMBER},
    {"fork", "", NULL, RET_NUMBER},
    {"vfork", "", NULL, RET_NUMBER},
    {"execve", "sAE", NULL, RET_NUMBER},
    {"execveat", "DsAEa", NULL, RET_NUMBER},
    {"exit", "d", NULL, RET_NUMBER},
    {"exit_group", "d", NULL, RET_NUMBER},
    {"wait4", "dpxp", NULL, RET_NUMBER},
    {"waitid", "Pdpxp", NULL, RET_NUMBER},
    {"kill", "dS", NULL, RET_NUMBER},
    {"tkill", "dS", NULL, RET_NUMBER},
    {"tgkill", "ddS", NULL, RET_NUMBER},
    {"pidfd_open", "dx", NULL, RET_NUMBER},
    {"pidfd_send_signal", "dSpx", NULL, RET_NUMBER},
    /* mounts */
    {"mount", "sssMs", NULL, RET_NUMBER},
    {"umount", "s", NULL, RET_NUMBER},
    {"umount2", "sm", NULL, RET_NUMBER},
    {"pivot_root", "ss", NULL, RET_NUMBER},
    {"chroot", "s", NULL, RET_NUMBER},
    {"fsopen", "sx", NULL, RET_NUMBER},
    {"fsconfig", "dCsVd", NULL, RET_NUMBER},
    {"fsmount", "dxx", NULL, RET_NUMBER},
    {"fspick", "Dsx", NULL, RET_NUMBER},
    {"move_mount", "DsDsx", NULL, RET_NUMBER},
    {"open_tree", "Dsx", NULL, RET_NUMBER},
    {"mount_setattr", "Dsapu", NULL, RET_NUMBER},
    /* identity */
    {"setuid", "i", NULL, RET_NUMBER},
    {"setgid", "i", NULL, RET_NUMBER},
    {"setfsuid", "i", NULL, RET_NUMBER},
    {"setfsgid", "i", NULL, RET_NUMBER},
    {"setreuid", "ii", NULL, RET_NUMBER},
    {"setregid", "ii", NULL, RET_NUMBER},
    {"setresuid", "iii", NULL, RET_NUMBER},
    {"setresgid", "iii", NULL, RET_NUMBER},
    {"setgroups", "dG", NULL, RET_NUMBER},
    {"setuid32", "i", NULL, RET_NUMBER},
    {"setgid32", "i", NULL, RET_NUMBER},
    {"setfsuid32", "i", NULL, RET_NUMBER},
    {"setfsgid32", "i", NULL, RET_NUMBER},
    {"setreuid32", "ii", NULL, RET_NUMBER},
    {"setregid32", "ii", NULL, RET_NUMBER},
    {"setresuid32", "iii", NULL, RET_NUMBER},
    {"setresgid32", "iii", NULL, RET_NUMBER},
    {"setgroups32", "dG", NULL, RET_NUMBER},
    {"capset", "pp", NULL, RET_NUMBER},
    {"sethostname", "Lu", NULL, RET_NUMBER},
    {"setdomainname", "Lu", NULL, RET_NUMBER},
    /* files */
    {"open", "sO", NULL, RET_NUMBER},
    {"openat", "DsO", NULL, RET_NUMBER},
    {"openat2", "Dspu", NULL, RET_NUMBER},
    {"creat", "so", NULL, RET_NUMBER},
    {"chdir", "s", NULL, RET_NUMBER},
    {"fchdir", "d", NULL, RET_NUMBER},
    {"mkdir", "so", NULL, RET_NUMBER},
    {"mkdirat", "Dso", NULL, RET_NUMBER},
    {"rmdir", "s", NULL, RET_NUMBER},
    {"unlink", "s", NULL, RET_NUMBER},
    {"unlinkat", "Dsa", NULL, RET_NUMBER},
    {"symlink", "ss", NULL, RET_NUMBER},
    {"symlinkat", "sDs", NULL, RET_NUMBER},
    {"link", "ss", NULL, RET_NUMBER},
    {"linkat", "DsDsa", NULL, RET_NUMBER},
    {"rename", "ss", NULL, RET_NUMBER},
    {"renameat", "DsDs", NULL, RET_NUMBER},
    {"renameat2", "DsDsR", NULL, RET_NUMBER},
    {"chmod", "so", NULL, RET_NUMBER},
    {"fchmodat", "Dso", NULL, RET_NUMBER},
    {"chown", "sii", NULL, RET_NUMBER},
    {"fchownat", "Dsiia", NULL, RET_NUMBER},
    {"mknod", "syv", NULL, RET_NUMBER},
    {"mknodat", "Dsyv", NULL, RET_NUMBER},
    /* network */
    {"socket", "FTd", NULL, RET_NUMBER},
    {"socketpair", "FTdp", NULL, RET_NUMBER},
    {"bind", "dpd", NULL, RET_NUMBER},
    {"connect", "dpd", NULL, RET_NUMBER},
    {"listen", "dd", NULL, RET_NUMBER},
    {"accept", "dpp", NULL, RET_NUMBER},
    {"accept4", "dppx", NULL, RET_NUMBER},
    {"sendto", "dpuxpd", NULL, RET_NUMBER},
    {"recvfrom", "dpuxpp", NULL, RET_NUMBER},
    {"sendmsg", "dpx", NULL, RET_NUMBER},
    {"recvmsg", "dpx", NULL, RET_NUMBER},
    /* signals */
    {"rt_sigaction", "Sppu", NULL, RET_NUMBER},
    {"rt_sigprocmask", "Hppu", NULL, RET_NUMBER},
    {"rt_sigreturn", "", NULL, RET_NUMBER},
    {"rt_sigqueueinfo", "dSp", NULL, RET_NUMBER},
    {"rt_sigsuspend", "pu", NULL, RET_NUMBER},
    {"pause", "", NULL, RET_NUMBER},
    /* results that are addresses */
    {"mmap", "puxxdx", NULL, RET_ADDRESS},
    {"mmap2", "puxxdx", NULL, RET_ADDRESS},
    {"mremap", "puuxp", NULL, RET_ADDRESS},
    {"brk", "p", NULL, RET_ADDRESS},
    {"shmat", "dpx", NULL, RET_ADDRESS},
};

/* The decoders this architecture has numbers for, sorted by number. */
struct decoder_by_nr {
	long nr;
	const struct decoder *d;
};

static struct decoder_by_nr by_nr[ARRAY_SIZE(decoders)];
static size_t by_nr_count;
static pthread_once_t by_nr_once = PTHREAD_ONCE_INIT;

static int cmp_nr(const void *a, const void *b)
{
	long x = ((const struct decoder_by_nr *)a)->nr, y = ((const struct decoder_by_nr *)b)->nr;

	return (x > y) - (x < y);
}

static void build_by_nr(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(decoders); i++) {
		long nr = syscall_by_name(decoders[i].name);
		if (nr >= 0)
			by_nr[by_nr_count++] = (struct decoder_by_nr){nr, &decoders[i]};
	}
	qsort(by_nr, by_nr_count, sizeof(by_nr[0]), cmp_nr);
}

static const struct decoder *decoder_for(long nr)
{
	struct decoder_by_nr key = {nr, NULL};

	pthread_once(&by_nr_once, build_by_nr);
	const struct decoder_by_nr *hit = bsearch(&key, by_nr, by_nr_count, sizeof(by_nr[0]), cmp_nr);
	return hit ? hit->d : NULL;
}

static void put_raw(const struct decode_call *c)
{
	for (int i = 0; i < 6; i++)
		decode_put(c->o, "%s%#llx", i ? ", " : "", c->args[i]);
}

void decode_args(long nr, const unsigned long long args[6], decode_read_fn rd, void *ctx, char *out, unsigned long size)
{
	if (!out || !size)
		return;
	struct decode_out o = decode_out_start(out, size);
	struct decode_mem m = {rd, ctx};
	struct decode_call c = {&o, &m, args};
	const struct decoder *d = decoder_for(nr);

	if (!d) {
		put_raw(&c);
		return;
	}
	if (d->whole) {
		d->whole(&c);
		return;
	}
	for (int i = 0; d->args[i] && i < 6; i++) {
		decode_put(&o, "%s", i ? ", " : "");
		decode_put_arg(&c, i, d->args[i]);
	}
}

/* Codes a signal leaves at the syscall-exit stop: the call is restarted, so
 * there is no -1 for the program to see. */
static const struct {
	int err;
	const char *name, *text;
} restart_codes[] = {
    {512, "ERESTARTSYS", "To be restarted if SA_RESTART is set"},
    {513, "ERESTARTNOINTR", "To be restarted"},
    {514, "ERESTARTNOHAND", "To be restarted if no handler"},
    {516, "ERESTART_RESTARTBLOCK", "Interrupted by signal"},
};

static void put_error(struct decode_out *o, int err)
{
	const char *name = strerrorname_np(err), *text = strerrordesc_np(err);

	for (size_t i = 0; i < ARRAY_SIZE(restart_codes); i++)
		if (restart_codes[i].err == err) {
			decode_put(o, "? %s (%s)", restart_codes[i].name, restart_codes[i].text);
			return;
		}
	if (name && text)
		decode_put(o, "-1 %s (%s)", name, text);
	else
		decode_put(o, "-1 errno %d", err);
}

void decode_ret(long nr, long long ret, char *out, unsigned long size)
{
	if (!out || !size)
		return;
	struct decode_out o = decode_out_start(out, size);

	if (ret < 0 && ret >= -MAX_ERRNO) {
		put_error(&o, (int)-ret);
		return;
	}
	const struct decoder *d = decoder_for(nr);
	if (d && d->ret == RET_ADDRESS)
		decode_put(&o, "%#llx", (unsigned long long)ret);
	else
		decode_put(&o, "%lld", ret);
}
