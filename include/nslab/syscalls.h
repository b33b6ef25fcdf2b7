/* Syscall names and classes for the architecture nslab was built for: the
 * table is generated from the kernel headers (scripts/gen-syscalls.sh), so a
 * call those headers lack has no number and no name. */
#ifndef NSLAB_SYSCALLS_H
#define NSLAB_SYSCALLS_H

/* "mount"; NULL when unknown. */
const char *syscall_name(long nr);
/* The number of a call by name; -1 when unknown. */
long syscall_by_name(const char *name);

enum syscall_class {
	SC_NAMESPACE = 1 << 0, /* clone, clone3, unshare, setns */
	SC_MOUNT = 1 << 1,     /* mount, umount2, pivot_root, chroot, the new mount API */
	SC_PROCESS = 1 << 2,   /* fork, clone, exec, exit, wait, kill, pidfd */
	SC_IDENTITY = 1 << 3,  /* set*id, setgroups, capset, sethostname, setdomainname */
	SC_FILE = 1 << 4,      /* open, create, remove, rename, link, chmod, chown, mknod, chdir */
	SC_NET = 1 << 5,       /* socket, bind, connect, listen, accept, send, recv */
	SC_SIGNAL = 1 << 6,    /* rt_sig*, kill, tkill, tgkill, pause */
};
#define SC_DEFAULT (SC_NAMESPACE | SC_MOUNT | SC_PROCESS | SC_IDENTITY)
#define SC_ALL     0xffffffffu

/* The classes of a call (a call may be in several); 0 for calls in none. */
unsigned syscall_classes(long nr);
/* A filter word: a class name (see syscall_class_words), "all", or "default";
 * returns the mask, 0 when unknown. */
unsigned syscall_class_parse(const char *word);
/* "namespace mount process identity file net signal" for help texts. */
const char *syscall_class_words(void);

#endif
