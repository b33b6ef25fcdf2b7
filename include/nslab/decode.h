/* Syscall arguments and results as strace prints them, for the tracer. The
 * traced process's memory is read through a callback, so every decoder runs
 * on plain buffers in the unit tests. */
#ifndef NSLAB_DECODE_H
#define NSLAB_DECODE_H

/* Strings are cut after this many bytes ("..." follows the closing quote). */
#define DECODE_STR_MAX 128
/* execve argv shows at most this many strings, then "...". */
#define DECODE_ARGV_MAX 16

/* Read len bytes of the traced process's memory at addr (process_vm_readv in
 * the tracer); returns bytes read or -1. Requests never cross a 4 KiB
 * boundary, so an unmapped page only cuts what lies on it. */
typedef long (*decode_read_fn)(void *ctx, unsigned long long addr, void *buf, unsigned long len);

/* The arguments as strace prints them:
 * "\"tmpfs\", \"/mnt\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"size=1m\"".
 * Strings are quoted and escaped (\n, \t, \", octal for other bytes outside
 * printable ASCII), a NULL pointer prints NULL, one that cannot be read its
 * address in hex; rd may be NULL (every pointer then prints in hex). Calls
 * without a decoder: the six raw args in hex. Never overflows out. */
void decode_args(long nr, const unsigned long long args[6], decode_read_fn rd, void *ctx, char *out,
                 unsigned long size);

/* "0", "4321", "-1 EPERM (Operation not permitted)"; ret is the raw kernel
 * return (negative errno on error). mmap, brk, mremap and shmat results print
 * in hex, everything else (fds too) as a plain number. A call a signal
 * interrupted prints as strace does: "? ERESTARTSYS (To be restarted if
 * SA_RESTART is set)". */
void decode_ret(long nr, long long ret, char *out, unsigned long size);

/* "SIGTERM", "0" for the null signal, "SIGRTMIN+3" (counted from the C
 * library's SIGRTMIN, as `kill -l` shows them; the two it keeps for itself
 * below that are SIGRT_0 and SIGRT_1, as strace names them), "signal 99".
 * Returns buf ("" when size is 0). */
const char *decode_signal_name(int sig, char *buf, unsigned long size);

/* clone(2) flags: "CLONE_VM|CLONE_NEWPID|SIGCHLD", the exit signal from the
 * low byte last; "0" for none. (In clone3 and unshare flags that byte is
 * free, and 0x80 is CLONE_NEWTIME; decode_args knows which is which.) */
void decode_clone_flags(unsigned long long flags, char *out, unsigned long size);

#endif
