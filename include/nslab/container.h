/* A launched container: its init process, trace, state dir; launch, wait,
 * stop, kill and exec (setns) into it. */
#ifndef NSLAB_CONTAINER_H
#define NSLAB_CONTAINER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include "nslab/cgroup.h"
#include "nslab/error.h"
#include "nslab/plan.h"
#include "nslab/spec.h"
#include "nslab/trace.h"
#include "nslab/tracer.h"

enum container_state {
	CONTAINER_NONE,
	CONTAINER_RUNNING,
	CONTAINER_STOPPED,
	CONTAINER_EXITED,
};

struct container {
	char id[16];
	pid_t pid;		/* init's pid as the host sees it */
	int state;		/* enum container_state */
	int wait_status;	/* from waitpid, once EXITED */
	bool foreground;	/* owns the terminal while it runs */
	int tty_fd;		/* terminal handed over, or -1 */
	unsigned long long started_ns;
	struct spec spec;	/* the spec it was launched with */
	struct trace trace;	/* the launch's steps, then any exec steps */
	char state_dir[PATH_MAX];	/* where its state dir is, or would be */
	bool state_made;	/* the state dir exists: see container_state_make */
	unsigned long long init_start;	/* init's start time, for the state file */
	pid_t init_start_pid;		/* the pid init_start was read for */
	char command[256];	/* the command line, for status */
	/* Not zeroed by container_init: filled by cgroup_detect and
	 * cgroup_create, read only while has_cgroup. Keep them together. */
	struct cgroup_system cgsys;
	struct cgroup cg;	/* valid while has_cgroup */
	bool has_cgroup;
	struct cgroup_stats final;	/* read as it ended, before the cgroup went */
	bool has_final;
	bool overlay;		/* upper, work, merged exist in the state dir */
	char veth[16];		/* the host end nslab made, "" if none */
	bool bridge_made;	/* this launch created spec.net_bridge */
	struct tracer tracer;	/* spec.trace_child: what runs inside, into trace */
};

struct launch_opts {
	char *const *argv;	/* the command, argv[0] looked up in the container's PATH */
	bool foreground;	/* hand over the terminal and wait (run) */
	bool stdin_null;	/* background (start): stdin from /dev/null */
};

void container_init(struct container *c);
/* Forget an exited container (free spec and trace). Must not be running. */
void container_free(struct container *c);

/* Launch: plan, clone, write maps, run the child's steps, exec. On return
 * the child has exec'd (state RUNNING) or the launch failed with e filled
 * (the trace still shows every step up to the failure). */
int container_launch(struct container *c, const struct spec *s, const struct launch_opts *o, struct nslab_error *e);

/* Wait for a foreground container until it exits or stops; takes the terminal
 * back. Returns 0 and updates state. */
int container_wait(struct container *c, struct nslab_error *e);
/* Take the tracer's new events into the trace (cheap; any time). */
void container_trace_poll(struct container *c);
/* Stop tracing a running container: the tracer detaches, the processes run on. */
void container_trace_off(struct container *c);
/* Non-blocking: reap if it ended. Returns 1 when the state changed. */
int container_poll(struct container *c);
/* SIGTERM, then SIGKILL after timeout_ms; waits for it. *killed is set when SIGKILL was needed. */
int container_stop(struct container *c, int timeout_ms, bool *killed, struct nslab_error *e);
int container_kill(struct container *c, int sig, struct nslab_error *e);
/* Run argv inside the container's namespaces and root (like nsenter -a -r).
 * Foreground: waits and returns the wait status in *status. */
int container_exec(struct container *c, char *const argv[], bool foreground, int *status, struct nslab_error *e);

/* The exit code for a launch that failed with e: 127 when the command was
 * not found, 126 when it could not be executed, else 125 (as env(1) does). */
int container_launch_exit_code(const struct nslab_error *e);
/* Exit code in the shell's sense: status, or 128+signal. */
int container_exit_code(int wait_status);
/* "exited with status 0", "killed by SIGKILL", ... */
void container_describe_end(int wait_status, char *buf, size_t size);

/* On SIGTERM and SIGHUP (and SIGINT unless interactive, where Ctrl-C only
 * cancels a line): SIGKILL every running container at once and note the
 * signal. Front ends check container_pending_signal() in their loops, unwind
 * (which removes cgroups, overlay dirs and state dirs) and then call
 * container_die_of_pending_signal(). */
void container_install_signal_guard(bool interactive);
int container_pending_signal(void);
void container_die_of_pending_signal(void);

/* Live cgroup figures, or the final ones after it ended. -ENOENT: no cgroup. */
int container_stats(const struct container *c, struct cgroup_stats *st);
/* "the OOM killer ended 1 process (memory limit 32 MiB)", or "" when none. */
void container_describe_oom(const struct container *c, char *buf, size_t size);
/* The overlay's dirs for diff and which: upper, and the lowers top first. */
int container_layers(const struct container *c, const char **upper, const char **lower, size_t *n_lower);

/* Where state dirs live: /run/nslab as root, $XDG_RUNTIME_DIR/nslab otherwise. */
void container_state_root(char *buf, size_t size);

#endif
