/* Syscall names (a table generated from the kernel headers) and the classes
 * the tracer filters on, looked up by number through arrays built once. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "nslab/syscalls.h"
#include "nslab/util.h"
#include "syscall_names.h"

#define NR_SPAN (SYSCALL_NR_MAX - SYSCALL_NR_MIN + 1)

/* Members by name: a call an architecture lacks (open on arm64, setuid32 on
 * x86_64) has no number there and is skipped. */
static const struct {
	unsigned cls;
	const char *names;
} class_members[] = {
    {SC_NAMESPACE, "clone clone3 unshare setns"},
    {SC_MOUNT, "mount umount umount2 pivot_root chroot fsopen fsconfig fsmount fspick move_mount open_tree "
               "mount_setattr"},
    {SC_PROCESS, "fork vfork clone clone3 execve execveat exit exit_group wait4 waitid waitpid kill tkill tgkill "
                 "pidfd_open pidfd_send_signal"},
    {SC_IDENTITY, "setuid setgid setreuid setregid setresuid setresgid setgroups setfsuid setfsgid "
                  "setuid32 setgid32 setreuid32 setregid32 setresuid32 setresgid32 setgroups32 setfsuid32 "
                  "setfsgid32 capset sethostname setdomainname"},
    {SC_FILE, "open openat openat2 creat unlink unlinkat rename renameat renameat2 mkdir mkdirat rmdir chdir "
              "fchdir symlink symlinkat link linkat chmod fchmodat chown fchownat mknod mknodat"},
    {SC_NET, "socket socketpair bind connect listen accept accept4 sendto recvfrom sendmsg recvmsg"},
    {SC_SIGNAL, "rt_sigaction rt_sigprocmask rt_sigreturn kill tkill tgkill rt_sigqueueinfo pause rt_sigsuspend"},
};

/* In enum order, so word i is the class 1 << i. */
static const char *const class_words[] = {"namespace", "mount", "process", "identity", "file", "net", "signal"};

static const char *names_by_nr[NR_SPAN];
static unsigned classes_by_nr[NR_SPAN];
static pthread_once_t by_nr_once = PTHREAD_ONCE_INIT;

static bool nr_in_table(long nr)
{
	return nr >= SYSCALL_NR_MIN && nr <= SYSCALL_NR_MAX;
}

static void add_class(unsigned cls, const char *names)
{
	char word[32];

	for (const char *p = names; *p;) {
		size_t n = strcspn(p, " ");
		if (n && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			long nr = syscall_by_name(word);
			if (nr >= 0)
				classes_by_nr[nr - SYSCALL_NR_MIN] |= cls;
		}
		p += n;
		p += strspn(p, " ");
	}
}

static void build_by_nr(void)
{
	/* The table is sorted by number: where two names share one, the first wins. */
	for (size_t i = 0; i < ARRAY_SIZE(syscall_table); i++) {
		const char **slot = &names_by_nr[syscall_table[i].nr - SYSCALL_NR_MIN];
		if (!*slot)
			*slot = syscall_table[i].name;
	}
	for (size_t i = 0; i < ARRAY_SIZE(class_members); i++)
		add_class(class_members[i].cls, class_members[i].names);
}

const char *syscall_name(long nr)
{
	if (!nr_in_table(nr))
		return NULL;
	pthread_once(&by_nr_once, build_by_nr);
	return names_by_nr[nr - SYSCALL_NR_MIN];
}

long syscall_by_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(syscall_table); i++)
		if (strcmp(syscall_table[i].name, name) == 0)
			return syscall_table[i].nr;
	return -1;
}

unsigned syscall_classes(long nr)
{
	if (!nr_in_table(nr))
		return 0;
	pthread_once(&by_nr_once, build_by_nr);
	return classes_by_nr[nr - SYSCALL_NR_MIN];
}

unsigned syscall_class_parse(const char *word)
{
	if (!word)
		return 0;
	if (strcmp(word, "all") == 0)
		return SC_ALL;
	if (strcmp(word, "default") == 0)
		return SC_DEFAULT;
	for (size_t i = 0; i < ARRAY_SIZE(class_words); i++)
		if (strcmp(word, class_words[i]) == 0)
			return 1u << i;
	return 0;
}

const char *syscall_class_words(void)
{
	return "namespace mount process identity file net signal";
}
