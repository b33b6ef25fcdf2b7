/* The explain tables: the teaching text per word and the (call, errno) hints. */
#include <errno.h>
#include <stddef.h>

#include "nslab/explain.h"
#include "explain_internal.h"

/* Texts are our own words: 3-8 lines of at most 72 columns, what the thing
 * is, why it matters in nslab, and (in .man) where to read on. Aliases are
 * separated by '|' because some of them are two words ("write uid_map"). */
const struct explain_entry explain_entries[] = {
	/* ---- namespaces: the word is the prompt word (`set pid`) ---- */
	{
		.word = "pid",
		.kind = "namespace",
		.aliases = "CLONE_NEWPID|newpid|pidns",
		.text = "Gives its processes their own PID numbers: the first process made\n"
			"in it is PID 1, while the host still sees it under an ordinary PID\n"
			"(NSpid in /proc/PID/status lists both). unshare(CLONE_NEWPID) does\n"
			"not move the caller; its next child becomes PID 1. PID 1 ignores\n"
			"signals it has no handler for (SIGKILL from outside still works),\n"
			"adopts orphans, and when it exits the whole namespace is killed.\n"
			"ps reads /proc, so nslab mounts a fresh proc inside.",
		.man = "pid_namespaces(7)",
	},
	{
		.word = "user",
		.kind = "namespace",
		.aliases = "CLONE_NEWUSER|newuser|userns",
		.text = "Gives its processes their own user and group ids and capabilities.\n"
			"Ids mean nothing until the parent writes /proc/PID/uid_map and\n"
			"gid_map: mapping container id 42 to your uid makes you uid 42\n"
			"inside, not root; map 0 to your uid (`map-root`) to be root inside.\n"
			"That root holds every capability, but only over namespaces and\n"
			"objects its user namespace owns: this is what lets nslab run\n"
			"rootless. Unmapped ids show as 65534 (nobody).",
		.man = "user_namespaces(7)",
	},
	{
		.word = "uts",
		.kind = "namespace",
		.aliases = "CLONE_NEWUTS|newuts|utsns",
		.text = "Gives its processes their own host name and NIS domain name, the\n"
			"two uname(2) fields that sethostname and setdomainname change.\n"
			"Inside, `hostname box` renames only the container: uname -n in a\n"
			"shell outside is unchanged. The simplest namespace and a good first\n"
			"demo. Changing the name needs CAP_SYS_ADMIN over the namespace, so\n"
			"rootless it comes together with a user namespace.",
		.man = "uts_namespaces(7)",
	},
	{
		.word = "mount",
		.kind = "namespace",
		.aliases = "CLONE_NEWNS|newns|mnt|ns|mntns",
		.text = "Gives its processes their own copy of the mount table, so mounts\n"
			"made inside stay inside. The flag is CLONE_NEWNS because this was\n"
			"the first namespace (2002). The copy keeps each mount's propagation:\n"
			"where / is shared (systemd does that) new mounts would still flow\n"
			"to the host, so nslab first makes / MS_REC|MS_PRIVATE. For the\n"
			"call itself see `explain mount(2)`, and `explain propagation`.",
		.man = "mount_namespaces(7)",
	},
	{
		.word = "net",
		.kind = "namespace",
		.aliases = "CLONE_NEWNET|newnet|network|netns",
		.text = "Gives its processes their own network stack: interfaces, addresses,\n"
			"routes, firewall rules, sockets and /proc/net. A new one holds only\n"
			"a loopback interface, and it is down. `ip link` inside lists just\n"
			"lo; outside, every host interface. To reach anything, nslab adds a\n"
			"veth pair with one end moved inside, plus addresses and routes on\n"
			"the host side (`explain veth`).",
		.man = "network_namespaces(7)",
	},
	{
		.word = "ipc",
		.kind = "namespace",
		.aliases = "CLONE_NEWIPC|newipc|ipcns",
		.text = "Gives its processes their own System V IPC objects (shared memory,\n"
			"semaphores, message queues) and POSIX message queues, so IPC keys\n"
			"can neither collide with nor reach the host's. `ipcs` inside lists\n"
			"only what the container made. Little to see in a demo, but every\n"
			"container runtime sets it.",
		.man = "ipc_namespaces(7)",
	},
	{
		.word = "cgroup",
		.kind = "namespace",
		.aliases = "CLONE_NEWCGROUP|newcgroup|cgroupns",
		.text = "Changes the view of the cgroup tree: the cgroup a process is in when\n"
			"the namespace is made becomes its root, so /proc/self/cgroup shows /\n"
			"instead of the host's path and a cgroup2 mount inside shows only\n"
			"that subtree. It hides the host's layout; it limits nothing. Limits\n"
			"come from cgroup files such as memory.max (`explain cgroups`).",
		.man = "cgroup_namespaces(7)",
	},
	{
		.word = "time",
		.kind = "namespace",
		.aliases = "CLONE_NEWTIME|newtime|timens",
		.text = "Gives its processes their own offsets for CLOCK_MONOTONIC and\n"
			"CLOCK_BOOTTIME (uptime, timers); the wall clock is not virtualised.\n"
			"Since Linux 5.6. unshare(CLONE_NEWTIME) does not move the caller:\n"
			"its children enter it (and, on newer kernels, the caller at execve).\n"
			"Offsets go to /proc/PID/timens_offsets before any process enters;\n"
			"after that they are frozen. clone() can't take the flag, so nslab's\n"
			"child unshares it, writes the offsets, then joins it with setns\n"
			"on /proc/self/ns/time_for_children.",
		.man = "time_namespaces(7)",
	},

	/* ---- traced calls: the word is the trace's call name ---- */
	{
		.word = "clone3",
		.kind = "call",
		.aliases = "clone_args",
		.text = "Creates a child process from a struct clone_args instead of packed\n"
			"flag bits; new in Linux 5.3. nslab uses it to start the child in\n"
			"every requested namespace at once and to get a pidfd for it. The\n"
			"exit signal has a field of its own, which frees the bit that\n"
			"CLONE_NEWTIME uses (clone3 accepts that flag since Linux 6.3).",
		.man = "clone3(2)",
	},
	{
		.word = "clone",
		.kind = "call",
		.aliases = NULL,
		.text = "The older way to create a child: flags and the exit signal share one\n"
			"word, the low byte being the signal (SIGCHLD). Each CLONE_NEW* flag\n"
			"puts the child in a fresh namespace of that kind. nslab falls back\n"
			"to it when clone3 is missing (ENOSYS). CLONE_NEWTIME's bit lies in\n"
			"the signal byte, so a time namespace must come from unshare.",
		.man = "clone(2)",
	},
	{
		.word = "unshare",
		.kind = "call",
		.aliases = NULL,
		.text = "Moves the calling process into new namespaces, where clone makes a\n"
			"new process in them. Two exceptions: for PID and time namespaces the\n"
			"caller stays put and only its later children enter. unshare(1) from\n"
			"util-linux wraps it. nslab uses it for the time namespace, and for\n"
			"the cgroup namespace once the child is in its own cgroup.",
		.man = "unshare(2)",
	},
	{
		.word = "setns",
		.kind = "call",
		.aliases = NULL,
		.text = "Moves the calling thread into an existing namespace, named by a file\n"
			"descriptor for /proc/PID/ns/KIND (or a pidfd). It is how nsenter(1)\n"
			"and `docker exec` join a running container. Joining needs\n"
			"CAP_SYS_ADMIN over the target; as with unshare, a PID namespace\n"
			"applies only to children created afterwards.",
		.man = "setns(2)",
	},
	{
		/* "mount" is the namespace's prompt word, so the call is "mount(2)". */
		.word = "mount(2)",
		.kind = "call",
		.aliases = "mount proc|mount tmpfs|mount sysfs|mount bind|mount overlay",
		.text = "Attaches a file system (proc, tmpfs, sysfs, overlay) or an existing\n"
			"tree (MS_BIND) at a path, or changes a mount's flags or propagation\n"
			"(MS_PRIVATE with MS_REC). In a mount namespace whose / is private\n"
			"the change stays inside. nslab's child uses it to make / private,\n"
			"bind the rootfs onto itself, and mount /proc after entering.",
		.man = "mount(2)",
	},
	{
		.word = "umount2",
		.kind = "call",
		.aliases = "umount",
		.text = "Detaches a mount. nslab calls pivot_root(\".\", \".\"), which stacks\n"
			"the old root on top of the new one; umount2(\".\", MNT_DETACH) then\n"
			"takes it off (gone from view at once, freed when nothing uses it any\n"
			"more), so the host's files can no longer be reached from inside.",
		.man = "umount2(2)",
	},
	{
		.word = "pivot_root",
		.kind = "call",
		.aliases = NULL,
		.text = "Swaps the root mount of the caller's mount namespace: new_root\n"
			"becomes / and the old root moves to put_old. nslab passes \".\" for\n"
			"both, so the old root stacks on the new one and is then unmounted.\n"
			"Unlike chroot it changes the mount tree, so no way back remains.\n"
			"Rules: new_root must be a mount point (nslab bind-mounts the rootfs\n"
			"onto itself), put_old must be under it, and neither may hang off a\n"
			"shared mount.",
		.man = "pivot_root(2)",
	},
	{
		.word = "chroot",
		.kind = "call",
		.aliases = NULL,
		.text = "Changes what / means for the calling process and its children, and\n"
			"nothing else: no namespace, no change to the mount tree. It needs\n"
			"CAP_SYS_CHROOT, and a process that keeps it can climb back out\n"
			"(`explain chroot-escape`). nslab uses it when asked (`enter chroot`)\n"
			"to show the difference from pivot_root.",
		.man = "chroot(2)",
	},
	{
		.word = "chdir",
		.kind = "call",
		.aliases = NULL,
		.text = "Changes the working directory. It matters around a root change:\n"
			"chroot leaves the working directory where it was, possibly outside\n"
			"the new root, so nslab calls chdir(\"/\") right after chroot and\n"
			"pivot_root. A cwd left outside is the classic way out of a chroot.",
		.man = "chdir(2)",
	},
	{
		.word = "fchdir",
		.kind = "call",
		.aliases = NULL,
		.text = "Changes the working directory to an open directory fd. exec uses\n"
			"it with an fd of /proc/PID/root opened before any setns: that fd\n"
			"still leads to the container's root after the mount namespace\n"
			"changed, so chroot(\".\") then lands exactly where init lives.",
		.man = "fchdir(2)",
	},
	{
		.word = "bridge",
		.kind = "idea",
		.aliases = "linux bridge|docker0",
		.text = "A software switch in the host's network namespace: the host ends\n"
			"of several containers' veth pairs plug into it, so the containers\n"
			"reach each other, and the bridge's own address is their gateway.\n"
			"docker0 is one. nslab's `net bridge NAME` plugs each container's\n"
			"host end into NAME (made if missing, gateway 10.214.0.1/24).",
		.man = "ip-link(8)",
	},
	{
		.word = "rtnetlink",
		.kind = "call",
		.aliases = "netlink|RTM_NEWLINK",
		.text = "The kernel's routing socket (AF_NETLINK, NETLINK_ROUTE): links,\n"
			"addresses and routes are read and changed with messages such as\n"
			"RTM_NEWLINK, each acknowledged. `ip` speaks it; nslab does too.\n"
			"A socket works in the network namespace it was created in, so the\n"
			"child's requests change only the container's links.",
		.man = "rtnetlink(7)",
	},
	{
		.word = "ptrace",
		.kind = "call",
		.aliases = "tracer|strace|PTRACE_SEIZE|trace child",
		.text = "Lets one process watch and steer another: stop it at each system\n"
			"call (PTRACE_SYSCALL), read its registers and memory, follow its\n"
			"forks. strace is built on it; so is `trace child on`: a tracer\n"
			"process seizes the container's init before it is released and\n"
			"reports the calls of every process inside, with both PIDs. A\n"
			"traced process runs on untraced once the tracer detaches.",
		.man = "ptrace(2)",
	},
	{
		.word = "mknod",
		.kind = "call",
		.aliases = NULL,
		.text = "Creates a file system node: a device (S_IFCHR, S_IFBLK, needs\n"
			"CAP_MKNOD in the initial user namespace), a FIFO or an empty regular\n"
			"file (S_IFREG, allowed to anyone). For `mount dev` nslab makes empty\n"
			"files and bind-mounts the host's /dev/null and friends onto them,\n"
			"which works even rootless, where creating devices never does.",
		.man = "mknod(2)",
	},
	{
		.word = "symlink",
		.kind = "call",
		.aliases = NULL,
		.text = "Creates a symbolic link. A container's /dev needs a few: fd and\n"
			"stdin/stdout/stderr point into /proc/self/fd, and ptmx points at\n"
			"pts/ptmx so that opening a new terminal uses the container's own\n"
			"devpts instance, not the host's.",
		.man = "symlink(2)",
	},
	{
		.word = "release",
		.kind = "call",
		.aliases = "sync pipe",
		.text = "Not a system call: the parent writes one byte to a pipe the child\n"
			"is blocked reading. Until then the child only waits, so the parent\n"
			"can write its uid_map and gid_map first: a child that went on\n"
			"early would run unmapped, without the ids it is meant to have.",
		.man = "pipe(7)",
	},
	{
		.word = "mkdir",
		.kind = "call",
		.aliases = NULL,
		.text = "Makes a directory. nslab uses it for missing mount points inside\n"
			"the rootfs (/proc, a tmpfs target), for overlay dirs, and cgroups: in\n"
			"cgroupfs, mkdir creates a new cgroup with its control files already\n"
			"in it. EEXIST is fine for a mount point that is already there.",
		.man = "mkdir(2)",
	},
	{
		.word = "rmdir",
		.kind = "call",
		.aliases = NULL,
		.text = "Removes an empty directory. nslab uses it to delete cgroups: a\n"
			"cgroup goes with rmdir (its control files don't count as\n"
			"contents), but only when no process is left in it and it has no\n"
			"child cgroups.",
		.man = "rmdir(2)",
	},
	{
		.word = "sethostname",
		.kind = "call",
		.aliases = NULL,
		.text = "Sets the host name of the caller's UTS namespace, the name uname -n\n"
			"and hostname(1) print. In a new UTS namespace only the container\n"
			"sees the change; without one it would rename the host, so nslab\n"
			"sets a hostname only when uts is in the spec.",
		.man = "sethostname(2)",
	},
	{
		.word = "setdomainname",
		.kind = "call",
		.aliases = NULL,
		.text = "Sets the NIS domain name of the caller's UTS namespace, the other\n"
			"name it holds (domainname(1) prints it). It has nothing to do with\n"
			"DNS. Like the host name it needs CAP_SYS_ADMIN over the namespace,\n"
			"and nslab sets it only when uts is in the spec.",
		.man = "setdomainname(2)",
	},
	{
		.word = "execve",
		.kind = "call",
		.aliases = "exec",
		.text = "Replaces the program in the calling process; PID, namespaces, root\n"
			"and open files stay. It is the child's last step: setup is done and\n"
			"your command starts. The path is looked up in the new root, so the\n"
			"command must exist inside the rootfs. It returns only on failure,\n"
			"so the trace shows it pending until the outcome is known.",
		.man = "execve(2)",
	},
	{
		.word = "kill",
		.kind = "call",
		.aliases = NULL,
		.text = "Sends a signal to a process by PID, as numbered in the sender's PID\n"
			"namespace. PID 1 of a namespace gets only signals it has a handler\n"
			"for, except SIGKILL and SIGSTOP sent from an ancestor namespace; for\n"
			"the rest kill() returns 0 and nothing happens. nslab uses it from\n"
			"the host side to stop a child.",
		.man = "kill(2)",
	},
	{
		.word = "setresuid",
		.kind = "call",
		.aliases = NULL,
		.text = "Sets the real, effective and saved user ids at once. In a new user\n"
			"namespace the child can only take ids that uid_map maps (others give\n"
			"EINVAL), so it waits for the parent to write the map first. Needs\n"
			"CAP_SETUID in the caller's user namespace.",
		.man = "setresuid(2)",
	},
	{
		.word = "setresgid",
		.kind = "call",
		.aliases = NULL,
		.text = "The group twin of setresuid: sets real, effective and saved group\n"
			"ids. The gid must be mapped in gid_map (else EINVAL) and the caller\n"
			"needs CAP_SETGID in its user namespace. Change groups before the\n"
			"uid: giving up uid 0 first would lose the right to change them.",
		.man = "setresgid(2)",
	},
	{
		/* One entry for the call and for /proc/PID/setgroups, which gates it. */
		.word = "setgroups",
		.kind = "call",
		.aliases = "write setgroups|setgroups-file|/proc/PID/setgroups",
		.text = "setgroups(2) sets the supplementary group list; as root nslab calls\n"
			"setgroups(0) so the child drops the host's extra groups. In a user\n"
			"namespace, /proc/PID/setgroups gates that call: without CAP_SETGID\n"
			"in the parent, \"deny\" must be written there before gid_map, or the\n"
			"map is refused. Why: dropping a group can grant access, as a file\n"
			"with mode 0705 shuts out its group but not others. Once denied,\n"
			"setgroups(2) fails with EPERM in that namespace for good.",
		.man = "user_namespaces(7)",
	},
	{
		.word = "uid_map",
		.kind = "call",
		.aliases = "write uid_map|/proc/PID/uid_map",
		.text = "/proc/PID/uid_map says which host uids the ids inside PID's user\n"
			"namespace stand for, one \"inside outside count\" line each. nslab's\n"
			"parent writes it while the child waits. It is written once, in one\n"
			"write, from the namespace or its parent; without CAP_SETUID in the\n"
			"parent, only one line mapping your own uid is allowed. \"0 1000 1\"\n"
			"makes uid 1000 root inside; \"42 1000 1\" makes it uid 42, not root.",
		.man = "user_namespaces(7)",
	},
	{
		.word = "gid_map",
		.kind = "call",
		.aliases = "write gid_map|/proc/PID/gid_map",
		.text = "/proc/PID/gid_map is the uid_map of group ids: same format, same\n"
			"write-once rule. One extra rule: without CAP_SETGID in the parent\n"
			"namespace, \"deny\" must first be written to /proc/PID/setgroups, so\n"
			"the process can never use setgroups(2) to drop a group that keeps it\n"
			"out of a file. `map-root` and `setgroups deny` do that for you.",
		.man = "user_namespaces(7)",
	},
	{
		.word = "timens_offsets",
		.kind = "call",
		.aliases = "write timens_offsets|/proc/PID/timens_offsets",
		.text = "/proc/PID/timens_offsets sets how far CLOCK_MONOTONIC and\n"
			"CLOCK_BOOTTIME are shifted in the time namespace PID's children get:\n"
			"lines \"monotonic SECS NSECS\" and \"boottime SECS NSECS\". It can be\n"
			"written only until the first process enters that namespace, and\n"
			"only with CAP_SYS_TIME over it. nslab's child writes it right after\n"
			"unshare(CLONE_NEWTIME), then execs.",
		.man = "time_namespaces(7)",
	},
	{
		.word = "waitpid",
		.kind = "call",
		.aliases = "wait|wait4|waitid",
		.text = "Waits for a child to change state and collects its exit status,\n"
			"which also removes the zombie. nslab's parent waits for the\n"
			"container's first process; inside, that process is PID 1 and must\n"
			"reap the orphans it adopts. WIFSIGNALED tells a death by signal\n"
			"(shells show it as exit status 128+N).",
		.man = "waitpid(2)",
	},

	/* ---- errnos: what they usually mean while setting up a container ---- */
	{
		.word = "EPERM",
		.kind = "errno",
		.aliases = "Operation not permitted",
		.text = "Not permitted: a capability is missing, checked in the user\n"
			"namespace that owns the object. CAP_SYS_ADMIN to create most\n"
			"namespaces, mount or join one; CAP_SETUID/CAP_SETGID for id maps;\n"
			"CAP_SYS_CHROOT for chroot. Rootless, `set user` makes the child root\n"
			"in a namespace of its own. Also: an id map written twice, gid_map\n"
			"before setgroups \"deny\", or a policy (a sysctl, AppArmor, seccomp).",
		.man = "capabilities(7)",
	},
	{
		.word = "EACCES",
		.kind = "errno",
		.aliases = "Permission denied",
		.text = "Permission denied by file modes or a security module rather than by\n"
			"a missing capability. Typical here: execve of a file without x\n"
			"permission or on a noexec mount (a rootfs under a noexec /tmp), a\n"
			"directory on the path the ids inside may not search, timens_offsets\n"
			"after the namespace was entered, or AppArmor on Ubuntu restricting\n"
			"unprivileged user namespaces (`nslab doctor`).",
		.man = "path_resolution(7)",
	},
	{
		.word = "EINVAL",
		.kind = "errno",
		.aliases = "Invalid argument",
		.text = "The kernel refused an argument. In container setup it usually means\n"
			"a rule of the call was broken, not a typo: pivot_root's new root is\n"
			"not a mount point, an id map line is malformed or overlaps, a flag\n"
			"combination is not allowed (CLONE_NEWTIME through clone), a kind of\n"
			"namespace is not built into this kernel, or setresuid was given an\n"
			"unmapped id. `explain CALL` gives the call's own rules.",
		.man = "errno(3)",
	},
	{
		.word = "ENOENT",
		.kind = "errno",
		.aliases = "No such file or directory",
		.text = "A path does not exist. After pivot_root or chroot paths are looked\n"
			"up inside the rootfs, so a mount target or command must exist there,\n"
			"not on the host. From execve it can also mean that the ELF\n"
			"interpreter the binary names (ld-linux) or a script's #! program is\n"
			"missing. For a /proc/PID file: that process has already exited.",
		.man = "path_resolution(7)",
	},
	{
		.word = "ENOTDIR",
		.kind = "errno",
		.aliases = "Not a directory",
		.text = "A path component, or a path where a directory is needed, is not a\n"
			"directory: a bind mount from a directory onto a file (both ends must\n"
			"be the same kind), a rootfs that points at a tarball instead of an\n"
			"unpacked tree, or pivot_root's put_old being a file.",
		.man = "path_resolution(7)",
	},
	{
		.word = "EBUSY",
		.kind = "errno",
		.aliases = "Device or resource busy",
		.text = "Something is in use. umount2: a process has its cwd or an open file\n"
			"there (MNT_DETACH detaches lazily instead). pivot_root: new_root or\n"
			"put_old is on the current root mount. rmdir: a cgroup that still\n"
			"holds processes, or a mount point. mount: the source is already\n"
			"mounted, or overlay dirs already serve another overlay.",
		.man = "umount2(2)",
	},
	{
		.word = "EEXIST",
		.kind = "errno",
		.aliases = "File exists",
		.text = "It already exists. Harmless from mkdir of a mount point. For a\n"
			"cgroup, a state dir or a veth name it is usually left over from a\n"
			"run that was killed before it cleaned up: `nslab cleanup` removes\n"
			"what the state dirs recorded.",
		.man = "mkdir(2)",
	},
	{
		.word = "ENOSPC",
		.kind = "errno",
		.aliases = "No space left on device",
		.text = "\"No space\" here is rarely a full disk. From clone, clone3 or\n"
			"unshare it is a namespace limit: /proc/sys/user/max_KIND_namespaces\n"
			"for your user (0 switches that kind off), or nesting deeper than 32\n"
			"user or PID namespaces. From mount: /proc/sys/fs/mount-max, the\n"
			"most mounts one namespace may hold. Elsewhere: a full disk, or a v1\n"
			"cpuset with no CPUs or memory nodes.",
		.man = "namespaces(7)",
	},
	{
		.word = "ENOSYS",
		.kind = "errno",
		.aliases = "Function not implemented",
		.text = "The kernel lacks this system call, or a seccomp filter pretends it\n"
			"does. clone3 arrived in Linux 5.3. Container runtimes often answer\n"
			"unknown new calls with ENOSYS so programs fall back, and nslab does:\n"
			"clone3 -> clone. Running nslab inside Docker or Podman can show it.",
		.man = "syscalls(2)",
	},
	{
		.word = "EUSERS",
		.kind = "errno",
		.aliases = "Too many users",
		.text = "From clone or unshare on Linux 3.11 to 4.8: a new user namespace\n"
			"would nest deeper than 32 levels. Later kernels report that, and\n"
			"the per-user namespace counts, as ENOSPC. You meet it only on old\n"
			"kernels or when nesting containers deeply.",
		.man = "user_namespaces(7)",
	},
	{
		.word = "ESRCH",
		.kind = "errno",
		.aliases = "No such process",
		.text = "No such process. It exited and was reaped, or the PID is not valid\n"
			"in your PID namespace: a container's PID 1 has another number on\n"
			"the host (NSpid in /proc/PID/status lists each level), and\n"
			"processes outside the container have no number inside at all.",
		.man = "pid_namespaces(7)",
	},
	{
		.word = "ENOMEM",
		.kind = "errno",
		.aliases = "Cannot allocate memory",
		.text = "Usually memory, but in a PID namespace whose init (PID 1) has exited\n"
			"fork and clone fail with ENOMEM: the namespace takes no new\n"
			"process. The classic case is `unshare --pid sh` without --fork: the\n"
			"first child of sh becomes PID 1, exits, and the next command fails.",
		.man = "pid_namespaces(7)",
	},
	{
		.word = "E2BIG",
		.kind = "errno",
		.aliases = "Argument list too long",
		.text = "Argument list too long: execve's arguments plus environment exceed\n"
			"the limit (a quarter of the stack limit, at least 128 KiB; one\n"
			"string at most 128 KiB). clone3 also returns it for a clone_args\n"
			"larger than this kernel knows with non-zero bytes past its end.",
		.man = "execve(2)",
	},
	{
		.word = "ECHILD",
		.kind = "errno",
		.aliases = "No child processes",
		.text = "No child to wait for: it was already reaped, it is not our child (a\n"
			"process inside the container is reaped by its own PID 1, not by\n"
			"nslab), or SIGCHLD is set to SIG_IGN, which makes children vanish\n"
			"without a zombie.",
		.man = "waitpid(2)",
	},
	{
		.word = "EINTR",
		.kind = "errno",
		.aliases = "Interrupted system call",
		.text = "A blocking call was interrupted by a signal (Ctrl-C, SIGCHLD) before\n"
			"it finished. The operation did not fail: the call can be made\n"
			"again, and nslab's wrappers retry where the call allows it (waitpid,\n"
			"read, write). Handlers installed with SA_RESTART avoid most cases.",
		.man = "signal(7)",
	},
	{
		.word = "EAGAIN",
		.kind = "errno",
		.aliases = "Resource temporarily unavailable|EWOULDBLOCK",
		.text = "Try again: a resource is used up, for now or by a limit. From fork,\n"
			"clone or clone3: the cgroup's pids.max or the user's RLIMIT_NPROC\n"
			"was reached, which is exactly what a pids limit demo shows. From a\n"
			"non-blocking read: no data yet.",
		.man = "fork(2)",
	},
	{
		.word = "ENOEXEC",
		.kind = "errno",
		.aliases = "Exec format error",
		.text = "The kernel does not recognise the file as something it can run: a\n"
			"binary for another CPU architecture, a truncated file, or a script\n"
			"without a #! line (shells retry those themselves, execve does not).\n"
			"file(1) shows whether the command in the rootfs suits this machine.",
		.man = "execve(2)",
	},
	{
		.word = "ENODEV",
		.kind = "errno",
		.aliases = "No such device",
		.text = "From mount: the kernel does not know this file system type. Its\n"
			"module may not be loaded (modprobe overlay) or not built at all;\n"
			"/proc/filesystems lists the types this kernel can mount, \"nodev\"\n"
			"marking those that need no device.",
		.man = "filesystems(5)",
	},

	/* ---- ideas ---- */
	{
		.word = "pid1",
		.kind = "idea",
		.aliases = "init|init problem|zombies",
		.text = "The first process in a PID namespace is its init, with init's duties.\n"
			"Orphans are handed to it and it must reap them, or zombies pile up.\n"
			"The kernel shields it: signals it has no handler for are dropped, so\n"
			"Ctrl-C or kill -TERM may do nothing to a program running as PID 1.\n"
			"When it exits, everything else in the namespace is killed and no\n"
			"new process can enter. Runtimes offer a tiny init (tini, docker\n"
			"--init); with `set pid`, nslab runs your command as PID 1 to show it.",
		.man = "pid_namespaces(7)",
	},
	{
		.word = "propagation",
		.kind = "idea",
		.aliases = "mount propagation|shared|private|slave|MS_PRIVATE|MS_SHARED|MS_SLAVE",
		.text = "Each mount has a propagation type. shared: mounts and unmounts under\n"
			"it are repeated in its peers, including copies in other mount\n"
			"namespaces. private: nothing passes either way. slave: receives from\n"
			"its master, sends nothing back. systemd makes / shared, so a new\n"
			"mount namespace starts as a peer of the host; nslab's child remounts\n"
			"/ with MS_REC|MS_PRIVATE before anything else, or its mounts would\n"
			"show up on the host. findmnt -o TARGET,PROPAGATION shows the types.",
		.man = "mount_namespaces(7)",
	},
	{
		.word = "rootless",
		.kind = "idea",
		.aliases = "unprivileged",
		.text = "Running without root: a user namespace first, mapping your uid to 0\n"
			"inside (`map-root`), then every other namespace as that inner root.\n"
			"Capabilities are checked against the namespace that owns an object,\n"
			"so the inner root may mount proc and tmpfs or set a hostname, but\n"
			"gains nothing over host files or devices. Ruled out: cgroup limits\n"
			"unless delegated to you, and a veth to the host. Distributions can\n"
			"block it; `nslab doctor` says what this machine allows.",
		.man = "user_namespaces(7)",
	},
	{
		.word = "idmap",
		.kind = "idea",
		.aliases = "id map|id mapping|subuid|subgid",
		.text = "An id map line \"inside outside count\" maps count ids starting at\n"
			"inside onto host ids starting at outside. Without privilege you may\n"
			"map only your own uid and gid, one line each; the setuid helpers\n"
			"newuidmap(1) and newgidmap(1) map whole ranges granted in\n"
			"/etc/subuid and /etc/subgid. Files owned by unmapped ids show as\n"
			"65534. At most 340 lines, written once, in a single write.",
		.man = "user_namespaces(7)",
	},
	{
		.word = "pivot_root-vs-chroot",
		.kind = "idea",
		.aliases = "chroot-escape|chroot escape|chroot-vs-pivot_root",
		.text = "chroot only changes one process's idea of /. A process that keeps\n"
			"CAP_SYS_CHROOT can leave: chroot into a subdirectory while its cwd\n"
			"stays outside, chdir(\"..\") up to the real root, then chroot(\".\").\n"
			"A directory fd opened before works as well. pivot_root instead\n"
			"moves the mount namespace onto the new root and lets the old one be\n"
			"unmounted, so no path leads back. nslab uses pivot_root unless you\n"
			"ask for `enter chroot`.",
		.man = "pivot_root(2)",
	},
	{
		.word = "overlay",
		.kind = "idea",
		.aliases = "overlayfs|layers|lowerdir|upperdir",
		.text = "OverlayFS merges directories: read-only lower layers and one\n"
			"writable upper layer (plus a work dir on the same file system) show\n"
			"as one tree. A name in upper hides the same name below; changing a\n"
			"lower file copies it up first. Image layers become lower dirs, so\n"
			"many containers share one copy. Mountable in a user namespace since\n"
			"Linux 5.11. In nslab: overlay on, layer add DIR, diff, which PATH.",
		.man = "mount(8)",
	},
	{
		.word = "memory.max",
		.kind = "call",
		.aliases = "write memory.max|memory.limit_in_bytes|write memory.limit_in_bytes|"
			   "memory.memsw.limit_in_bytes|write memory.memsw.limit_in_bytes|memory.swap.max|"
			   "write memory.swap.max|memory.swappiness|write memory.swappiness|"
			   "memory.oom_control|write memory.oom_control",
		.text = "The memory limit of a cgroup: v2 memory.max, v1\n"
			"memory.limit_in_bytes. Past it the kernel reclaims pages, then\n"
			"the OOM killer ends a process in the group. nslab also sets swap\n"
			"to 0 (v2 memory.swap.max; v1 memsw = mem+swap, and swappiness 0),\n"
			"or the limit would only push the eater into swap.",
		.man = "cgroups(7)",
	},
	{
		.word = "pids.max",
		.kind = "call",
		.aliases = "write pids.max",
		.text = "How many processes and threads a cgroup may hold, the same name\n"
			"in v1 and v2. At the limit fork and clone fail with EAGAIN, which\n"
			"stops a fork bomb inside the container without touching the host.",
		.man = "cgroups(7)",
	},
	{
		.word = "cpu.max",
		.kind = "call",
		.aliases = "write cpu.max|cpu.cfs_quota_us|write cpu.cfs_quota_us|cpu.cfs_period_us|"
			   "write cpu.cfs_period_us",
		.text = "CPU bandwidth: QUOTA microseconds of CPU time per PERIOD (v2 cpu.max\n"
			"\"50000 100000\" is half a CPU; v1 cpu.cfs_quota_us and\n"
			"cpu.cfs_period_us). Once a period's quota is spent the group waits\n"
			"for the next period: cpu.stat counts nr_throttled.",
		.man = "cgroups(7)",
	},
	{
		.word = "cgroup.procs",
		.kind = "call",
		.aliases = "write cgroup.procs|tasks|write tasks",
		.text = "Writing a PID to cgroup.procs moves that process into the cgroup;\n"
			"its children are born there. nslab writes the child's PID while\n"
			"the child still waits on its pipe, so the command is limited from\n"
			"its first instruction. On v2, clone3's CLONE_INTO_CGROUP does it\n"
			"at birth instead. v1's tasks file moves single threads.",
		.man = "cgroups(7)",
	},
	{
		.word = "cgroup.subtree_control",
		.kind = "call",
		.aliases = "write cgroup.subtree_control",
		.text = "cgroup v2 hands a controller to a cgroup's children only when the\n"
			"parent lists it here (\"+memory +pids +cpu\"). The no-internal-\n"
			"processes rule: a cgroup that holds processes cannot do that\n"
			"(EBUSY), so processes live only in the leaves, like nslab/ID.",
		.man = "cgroups(7)",
	},
	{
		.word = "cgroups",
		.kind = "idea",
		.aliases = "control groups|cgroup v2|cgroupfs|limits",
		.text = "Control groups limit and account resources for a set of processes:\n"
			"memory.max, pids.max and cpu.max in the unified v2 tree under\n"
			"/sys/fs/cgroup (v1 keeps one tree per controller). A process joins\n"
			"by writing its PID to cgroup.procs. Past memory.max the kernel\n"
			"reclaims, then OOM-kills inside the group. Namespaces hide; cgroups\n"
			"limit.",
		.man = "cgroups(7)",
	},
	{
		.word = "veth",
		.kind = "idea",
		.aliases = "veth pair|virtual ethernet",
		.text = "A veth pair is two virtual network interfaces joined like a cable:\n"
			"what goes in one end comes out of the other. Moving one end into a\n"
			"network namespace links it to the host; give both ends addresses\n"
			"and bring them up, then add a bridge, routes or NAT to go further.\n"
			"Making them needs CAP_NET_ADMIN on the host, so rootless runs go\n"
			"without (slirp4netns and pasta do networking in user space).",
		.man = "veth(4)",
	},
	{
		.word = "nsenter",
		.kind = "idea",
		.aliases = NULL,
		.text = "nsenter(1) runs a program in the namespaces of an existing process:\n"
			"it opens /proc/PID/ns/KIND and calls setns(2) for each, forks so a\n"
			"PID namespace takes effect, and execs. It gives you a second shell\n"
			"in a running nslab child: nsenter -t PID -a sh (or pick namespaces\n"
			"with --user --mount --pid ...).",
		.man = "nsenter(1)",
	},
};

const size_t explain_n_entries = sizeof(explain_entries) / sizeof(explain_entries[0]);

/* First match wins: exact call names before the first-word fallback. */
const struct explain_hint_row explain_hints[] = {
	/* ---- rtnetlink ---- */
	{"rtnetlink", EEXIST,
	 "a link or address with that name is there already: another container's nsl-ID, or a leftover "
	 "(nslab cleanup removes veths of a killed nslab); ip link shows them"},
	{"rtnetlink", EPERM,
	 "changing links needs CAP_NET_ADMIN over the network namespace: a veth in the host's namespace "
	 "needs root; rootless, only the container's own lo can be brought up"},
	{"rtnetlink", ENETUNREACH,
	 "the gateway is not in the subnet of eth0's address: give HOST_CIDR and CONTAINER_CIDR in the same subnet"},
	/* ---- cgroups and overlay ---- */
	{"write cgroup.subtree_control", EBUSY,
	 "cgroup v2's no-internal-processes rule: a cgroup that has processes of its own cannot hand "
	 "controllers to its children; move them into a leaf first (nslab keeps containers in nslab/ID)"},
	{"mkdir", EACCES,
	 "no write permission here: for a cgroup that means nslab is not root and the tree is not "
	 "delegated to you (cgroup limits need root, or a systemd-delegated subtree)"},
	{"write memory.limit_in_bytes", EBUSY,
	 "cgroup v1 refuses a memory limit below what the group already uses; set it before the "
	 "container grows"},
	{"write cgroup.procs", EINVAL,
	 "the process is gone, or it is a zombie; a process that already exited cannot join"},
	{"mount overlay", EINVAL,
	 "overlayfs refused the options: lowerdir, upperdir and workdir must exist, upper and work on "
	 "the same file system, and inside a user namespace the mount needs userxattr (Linux 5.11+)"},
	{"mount overlay", EPERM,
	 "mounting overlay in a user namespace needs Linux 5.11+ and a kernel that allows it; "
	 "`doctor` tests this machine"},

	/* ---- id maps and setgroups ---- */
	{"write gid_map", EPERM,
	 "without CAP_SETGID in the parent namespace, write \"deny\" to /proc/PID/setgroups before "
	 "gid_map (`setgroups deny`, or `map-root` does it): else the child could drop a group with "
	 "setgroups(2) and open files that group is shut out of; also, a map is written only once"},
	{"write uid_map", EPERM,
	 "without CAP_SETUID in the parent namespace you may write one line mapping only your own uid "
	 "(\"0 UID 1\"); a map is also written only once, so a second write fails"},
	{"write uid_map", EINVAL,
	 "the kernel refused the map text: lines \"inside outside count\", count > 0, no overlapping "
	 "ranges inside or outside, at most 340 lines, all in one write"},
	{"write gid_map", EINVAL,
	 "the kernel refused the map text: lines \"inside outside count\", count > 0, no overlapping "
	 "ranges inside or outside, at most 340 lines, all in one write"},
	{"write uid_map", EACCES,
	 "on Ubuntu this is usually AppArmor (kernel.apparmor_restrict_unprivileged_userns=1) giving new "
	 "user namespaces no capabilities; `nslab doctor` checks"},
	{"write gid_map", EACCES,
	 "on Ubuntu this is usually AppArmor (kernel.apparmor_restrict_unprivileged_userns=1) giving new "
	 "user namespaces no capabilities; `nslab doctor` checks"},
	{"write uid_map", ENOENT, "the child exited before its map was written: see its exit status"},
	{"write gid_map", ENOENT, "the child exited before its map was written: see its exit status"},
	{"write setgroups", EPERM,
	 "\"deny\" is accepted only before gid_map is written, and a denied namespace (or one whose "
	 "parent is denied) can't go back to \"allow\""},
	{"setgroups", EPERM,
	 "setgroups(2) is denied in this user namespace (/proc/PID/setgroups says \"deny\"), as expected "
	 "after `setgroups deny` or `map-root`; without that, it needs CAP_SETGID"},
	{"setresuid", EINVAL, "that uid has no mapping in this user namespace: write uid_map first"},
	{"setresgid", EINVAL, "that gid has no mapping in this user namespace: write gid_map first"},
	{"setresuid", EPERM, "changing uids needs CAP_SETUID in the caller's user namespace"},
	{"setresgid", EPERM, "changing gids needs CAP_SETGID in the caller's user namespace"},

	/* ---- time namespace ---- */
	{"write timens_offsets", EACCES,
	 "offsets are frozen once a process has entered the time namespace: write them after "
	 "unshare(CLONE_NEWTIME) and before the first fork or exec into it"},
	{"write timens_offsets", EPERM,
	 "writing offsets needs CAP_SYS_TIME in the user namespace that owns the time namespace "
	 "(`set user` when rootless); offsets are also fixed once a process has entered it"},
	{"write timens_offsets", EINVAL,
	 "lines are \"monotonic SECS NSECS\" or \"boottime SECS NSECS\": only those two clocks, "
	 "NSECS below 1000000000"},
	{"write timens_offsets", ERANGE,
	 "that offset would make the clock negative inside, or push it past about 146 years"},
	{"write timens_offsets", ENOENT,
	 "this kernel has no time namespaces (Linux 5.6 and CONFIG_TIME_NS are needed)"},

	/* ---- creating and joining namespaces ---- */
	{"unshare", EPERM,
	 "namespaces other than user need CAP_SYS_ADMIN: run as root or add `set user`; if user alone "
	 "fails, unprivileged user namespaces are blocked (kernel.unprivileged_userns_clone, "
	 "AppArmor's kernel.apparmor_restrict_unprivileged_userns; user.max_user_namespaces=0 shows "
	 "as ENOSPC) - `nslab doctor`"},
	{"clone3", EPERM,
	 "namespaces other than user need CAP_SYS_ADMIN: run as root or add `set user`; if user alone "
	 "fails, unprivileged user namespaces are blocked (kernel.unprivileged_userns_clone, "
	 "AppArmor's kernel.apparmor_restrict_unprivileged_userns; user.max_user_namespaces=0 shows "
	 "as ENOSPC) - `nslab doctor`"},
	{"clone", EPERM,
	 "namespaces other than user need CAP_SYS_ADMIN: run as root or add `set user`; if user alone "
	 "fails, unprivileged user namespaces are blocked (kernel.unprivileged_userns_clone, "
	 "AppArmor's kernel.apparmor_restrict_unprivileged_userns; user.max_user_namespaces=0 shows "
	 "as ENOSPC) - `nslab doctor`"},
	{"clone3", EINVAL,
	 "the kernel refused the flags: a namespace kind not built in (see /proc/self/ns), "
	 "CLONE_NEWTIME before Linux 6.3 (nslab unshares it in the child instead), or a forbidden "
	 "combination such as CLONE_NEWPID|CLONE_THREAD"},
	{"clone", EINVAL,
	 "the kernel refused the flags: a namespace kind not built in (see /proc/self/ns), "
	 "CLONE_NEWTIME (its bit is clone's exit-signal byte; use unshare), or a forbidden combination "
	 "such as CLONE_NEWPID|CLONE_THREAD"},
	{"unshare", EINVAL,
	 "the kernel refused the flags: a namespace kind not built in (see /proc/self/ns), or "
	 "CLONE_NEWUSER from a process with several threads"},
	{"clone3", ENOSYS,
	 "clone3 needs Linux 5.3 (or a seccomp filter hides it); nslab falls back to clone"},
	{"clone3", ENOSPC,
	 "a namespace limit: /proc/sys/user/max_KIND_namespaces (0 disables that kind) or more than "
	 "32 nested user or PID namespaces"},
	{"clone", ENOSPC,
	 "a namespace limit: /proc/sys/user/max_KIND_namespaces (0 disables that kind) or more than "
	 "32 nested user or PID namespaces"},
	{"unshare", ENOSPC,
	 "a namespace limit: /proc/sys/user/max_KIND_namespaces (0 disables that kind) or more than "
	 "32 nested user or PID namespaces"},
	{"clone3", EUSERS, "user namespaces nested more than 32 deep (Linux 3.11-4.8 name; now ENOSPC)"},
	{"clone", EUSERS, "user namespaces nested more than 32 deep (Linux 3.11-4.8 name; now ENOSPC)"},
	{"unshare", EUSERS, "user namespaces nested more than 32 deep (Linux 3.11-4.8 name; now ENOSPC)"},
	{"clone3", ENOMEM,
	 "the PID namespace's init (PID 1) has exited, so it takes no new process - or memory is short"},
	{"clone", ENOMEM,
	 "the PID namespace's init (PID 1) has exited, so it takes no new process - or memory is short"},
	{"clone3", EAGAIN, "a process limit: the cgroup's pids.max or RLIMIT_NPROC"},
	{"clone", EAGAIN, "a process limit: the cgroup's pids.max or RLIMIT_NPROC"},
	{"setns", EPERM,
	 "joining needs CAP_SYS_ADMIN in the user namespace that owns the target (a mount namespace also "
	 "needs CAP_SYS_CHROOT); as an ordinary user, join the container's user namespace first, as "
	 "nsenter --user does"},
	{"setns", EINVAL,
	 "the fd's namespace kind doesn't match nstype, the target is an ancestor PID namespace or your "
	 "own user namespace, or a threaded process tried to join a user namespace"},
	{"setns", ESRCH, "the process behind the pidfd has exited"},

	/* ---- mounts and the root ---- */
	{"mount proc", EPERM,
	 "proc in a user namespace needs a PID namespace owned by it (`set pid`; the child mounts, not "
	 "the caller of unshare) and a fully visible /proc, not one partly masked as in many containers"},
	{"mount sysfs", EPERM,
	 "sysfs in a user namespace needs a network namespace owned by it: add `set net`"},
	{"mount", EPERM,
	 "in a user namespace you may mount only some types (proc, sysfs, tmpfs, bind, overlay since "
	 "5.11), only in a mount namespace it owns (`set mount`), and never clear the read-only, nosuid, "
	 "nodev or noexec locked on mounts inherited from the host"},
	{"mount", EBUSY,
	 "in the way: the source is already mounted there, a read-only remount meets files open for "
	 "writing, or overlay's upper/work dir is in use by another overlay"},
	{"mount", ENOENT,
	 "the target does not exist in the rootfs (paths are inside the container), or a bind source "
	 "is missing on the host"},
	{"mount", EINVAL,
	 "a propagation change (MS_PRIVATE) on a path that is not a mount point, options the file "
	 "system rejects, or flags that can't be combined"},
	{"mount", ENOTDIR, "a bind mount needs the same kind at both ends: directory on directory, file on file"},
	{"mount", ENODEV, "the kernel doesn't know this file system type: see /proc/filesystems, modprobe it"},
	{"mount", ENOSPC, "too many mounts: /proc/sys/fs/mount-max caps the mounts in one namespace"},
	{"umount2", EBUSY,
	 "still in use (a cwd or open file under it); MNT_DETACH detaches it now and frees it later"},
	{"umount2", EINVAL,
	 "not a mount point, or a mount locked to the ones around it because it came from a more "
	 "privileged namespace"},
	{"umount2", EPERM, "needs CAP_SYS_ADMIN in the user namespace owning this mount namespace"},
	{"pivot_root", EINVAL,
	 "new_root must be a mount point (nslab bind-mounts the rootfs onto itself) not hanging off a "
	 "shared mount (nslab makes / MS_REC|MS_PRIVATE first), put_old must be under new_root, and "
	 "the current root must be a real mount, not initramfs"},
	{"pivot_root", EBUSY,
	 "new_root or put_old is on the current root mount: the rootfs was not made a mount point of "
	 "its own (bind-mount it onto itself), or put_old already has a mount on it"},
	{"pivot_root", EPERM,
	 "needs CAP_SYS_ADMIN over the mount namespace: add `set mount` (and `set user` when rootless)"},
	{"pivot_root", ENOTDIR, "new_root and put_old must both be directories"},
	{"chroot", EPERM,
	 "chroot needs CAP_SYS_CHROOT: run as root, or add `set user` so the child holds it in its "
	 "own user namespace"},
	{"chroot", ENOENT, "the rootfs directory does not exist (`rootfs default`, or make rootfs)"},
	{"chdir", ENOENT, "that directory does not exist under the current root"},

	/* ---- names ---- */
	{"sethostname", EPERM,
	 "needs a UTS namespace you own: `set uts` (with `set user` when rootless), so only the "
	 "container is renamed"},
	{"setdomainname", EPERM,
	 "needs a UTS namespace you own: `set uts` (with `set user` when rootless), so only the "
	 "container is renamed"},
	{"sethostname", EINVAL, "a host name is at most 64 bytes"},
	{"setdomainname", EINVAL, "a domain name is at most 64 bytes"},

	/* ---- running the command ---- */
	{"execve", ENOENT,
	 "the command is not in the rootfs (the path is looked up inside the container; a busybox "
	 "rootfs has /bin/sh); for a dynamic binary ENOENT can also mean its ELF interpreter "
	 "(ld-linux) is missing, and for a script its #! program"},
	{"execve", EACCES,
	 "not executable: no x permission, a directory, or on a noexec mount (a rootfs under a noexec "
	 "/tmp); every directory on the path must be searchable"},
	{"execve", ENOEXEC,
	 "not a format this kernel runs: another CPU architecture, a truncated file, or a script "
	 "without #!"},
	{"execve", E2BIG, "arguments plus environment are too large for one exec"},
	{"kill", ESRCH,
	 "no such process in this PID namespace: it already exited, or the number is another "
	 "namespace's PID (NSpid in /proc/PID/status lists each)"},
	{"kill", EPERM, "that process belongs to another user, or its user is not mapped here"},

	/* ---- cgroups and cleanup ---- */
	{"mkdir", EEXIST,
	 "already there: fine for a mount point; a cgroup or state dir may be left from a killed run "
	 "(`nslab cleanup`)"},
	{"mkdir", ENOENT, "a parent directory is missing"},
	{"rmdir", EBUSY,
	 "a cgroup that still holds processes (move or kill them first), or a directory still used as "
	 "a mount point"},
	{"rmdir", ENOTEMPTY, "not empty; for a cgroup: remove its child cgroups first"},
	{"waitpid", ECHILD,
	 "no such child: already reaped, not our child, or SIGCHLD is ignored"},
	{"waitpid", EINTR, "interrupted by a signal before a child changed state; safe to call again"},
};

const size_t explain_n_hints = sizeof(explain_hints) / sizeof(explain_hints[0]);
