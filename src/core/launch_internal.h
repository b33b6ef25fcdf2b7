/* Pieces shared by launch.c, container.c and nsexec.c; not part of the API. */
#ifndef NSLAB_LAUNCH_INTERNAL_H
#define NSLAB_LAUNCH_INTERNAL_H

#include "nslab/container.h"

void launch_reset_signals(void);
/* Fault injection for the reliability tests: when $NSLAB_FAULT_STOP names
 * this stage (cgroup, overlay, clone, veth, exec), nslab stops itself with
 * SIGSTOP there, so a test can SIGKILL it mid-launch and check that
 * `nslab cleanup` leaves nothing. */
void launch_fault_point(const char *stage);
/* setresgid/setgroups/setresuid to 0 when uid 0 is mapped; traced. */
int launch_become_root(struct trace *t);
char **launch_build_env(const struct spec *s);
int launch_resolve_command(const char *argv0, char *const env[], char *buf, size_t size);

/* Hand the terminal to the child's process group (foreground, when nslab owns
 * the terminal) or put a background child in its own group. */
int launch_terminal_give(pid_t pid, bool foreground);
/* Take the terminal back and restore its modes; *tty_fd becomes -1. */
void launch_terminal_take(int *tty_fd);
/* Wait for pid, ignoring EINTR; while waiting for a child that shares nslab's
 * process group, ignore SIGINT/SIGQUIT as system(3) does. */
int launch_wait_pid(pid_t pid, int *status, int options);

/* launch_host.c: the host side of a container. */
int launch_host_prepare(struct container *c, const struct spec *s, const struct plan *p, struct nslab_error *e);
/* The cgroup dir fd for CLONE_INTO_CGROUP, or -1. */
int launch_host_cgroup_fd(const struct container *c);
/* Put the child in its cgroup unless clone3 already did. */
int launch_host_place(struct container *c, bool placed, struct nslab_error *e);
/* Read the final figures, then remove the cgroup. */
void launch_host_release_cgroup(struct container *c);
void launch_host_remove_overlay(struct container *c);
/* Pick the veth addresses (a free /30) when the spec names none. */
/* Two nslab at once must not pick the same addresses: an exclusive flock on
 * STATE_ROOT/.net.lock, held from the pick until the host end has its
 * address (close the fd to let go); -1 when the spec has no veth. */
int launch_host_net_lock(const struct spec *s);
int launch_host_pick_addresses(struct spec *s, struct nslab_error *e);
int launch_host_veth(struct container *c, const struct plan *p, struct nslab_error *e);
void launch_host_remove_veth(struct container *c);
void launch_host_bridge_release(struct trace *t, const char *bridge);
/* Undo everything after a failed launch. */
void launch_host_undo(struct container *c);

void container_new_id(struct container *c);
/* Fill c->state_dir with where the state dir will be, without making it. */
void container_state_path(struct container *c);
/* Make the state dir, once: called before the first thing the host would
 * have to undo, which container_state_write then records. */
int container_state_make(struct container *c, struct nslab_error *e);
void container_state_write(struct container *c);
void container_state_remove(struct container *c);

#endif
