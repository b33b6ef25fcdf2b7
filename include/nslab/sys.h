/* The traced syscall layer: every call that changes kernel state goes through
 * here and records a trace event (call, readable arguments, result, errno,
 * time, note). Return 0 (or the call's result) or -errno; errno is kept. */
#ifndef NSLAB_SYS_H
#define NSLAB_SYS_H

#include <sys/types.h>
#include "nslab/trace.h"

struct clone_args;

/* Raw syscalls libc lacks. */
long sys_clone3(struct clone_args *args, size_t size);
int sys_pivot_root(const char *new_root, const char *put_old);

/* Flag names for mount(2) flags: "MS_REC|MS_PRIVATE". */
void sys_mount_flags_names(unsigned long flags, char *buf, size_t size);

/* clone3 with exactly `flags` (exit signal SIGCHLD), falling back to clone
 * when the kernel lacks clone3. cgroup_fd >= 0 adds CLONE_INTO_CGROUP.
 * Returns the child's pid in the parent, 0 in the child, -errno on failure. */
pid_t sys_traced_clone(struct trace *t, unsigned long flags, int cgroup_fd, const char *note);
int sys_traced_unshare(struct trace *t, unsigned long flags, const char *note);
int sys_traced_setns(struct trace *t, int fd, int nstype, const char *what, const char *note);
int sys_traced_mount(struct trace *t, const char *src, const char *target, const char *fstype,
		     unsigned long flags, const char *data, const char *note);
int sys_traced_umount2(struct trace *t, const char *target, int flags, const char *note);
int sys_traced_pivot_root(struct trace *t, const char *new_root, const char *put_old,
			  const char *note);
int sys_traced_chroot(struct trace *t, const char *path, const char *note);
int sys_traced_chdir(struct trace *t, const char *path, const char *note);
int sys_traced_fchdir(struct trace *t, int fd, const char *what, const char *note);
int sys_traced_mkdir(struct trace *t, const char *path, mode_t mode, const char *note);
int sys_traced_rmdir(struct trace *t, const char *path, const char *note);
int sys_traced_mknod(struct trace *t, const char *path, mode_t mode, dev_t dev, const char *note);
int sys_traced_symlink(struct trace *t, const char *target, const char *linkpath, const char *note);
int sys_traced_sethostname(struct trace *t, const char *name, const char *note);
int sys_traced_setdomainname(struct trace *t, const char *name, const char *note);
/* Write text to a /proc or /sys file (uid_map, setgroups, timens_offsets, ...). */
int sys_traced_write_file(struct trace *t, const char *path, const char *text, const char *note);
int sys_traced_setresuid(struct trace *t, uid_t r, uid_t e, uid_t s, const char *note);
int sys_traced_setresgid(struct trace *t, gid_t r, gid_t e, gid_t s, const char *note);
int sys_traced_setgroups0(struct trace *t, const char *note);
int sys_traced_kill(struct trace *t, pid_t pid, int sig, const char *note);
/* rtnetlink requests (sys_netlink.c), in the caller's network namespace; each
 * request, with its type, flags and attributes, is the trace event. */
int sys_traced_link_up(struct trace *t, int ifindex, const char *name, const char *note);
/* A veth pair: `name` here, `peer` moved into the network namespace of peer_pid. */
int sys_traced_veth_add(struct trace *t, const char *name, const char *peer, pid_t peer_pid, const char *note);
int sys_traced_link_del(struct trace *t, const char *name, const char *note);
/* A bridge device (a software switch) in the caller's network namespace. */
int sys_traced_bridge_add(struct trace *t, const char *name, const char *note);
/* Plug link ifindex into the bridge master_index (IFLA_MASTER). */
int sys_traced_link_master(struct trace *t, int ifindex, const char *name, int master_index, const char *master,
			   const char *note);
/* An IPv4 address "a.b.c.d" with prefix on ifindex. */
int sys_traced_addr_add(struct trace *t, int ifindex, const char *name, const char *addr, int prefix,
			const char *note);
/* The default IPv4 route via gateway on ifindex. */
int sys_traced_route_default(struct trace *t, const char *gateway, int ifindex, const char *name, const char *note);
/* Records execve as pending, then calls it; returns only on failure. */
int sys_traced_execve(struct trace *t, const char *path, char *const argv[], char *const envp[],
		      const char *note);

#endif
