/* The trace: one ordered list of every step the launcher took and, when the
 * container is traced, of what its processes do: system calls and process
 * events (fork, exec, exit, signals, stops, OOM kills). */
#ifndef NSLAB_TRACE_H
#define NSLAB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "nslab/error.h"

enum trace_side {
	SIDE_PARENT,
	SIDE_CHILD,
	SIDE_CONTAINER,		/* a process inside, seen by the tracer */
};

enum trace_kind {
	TRACE_STEP,		/* a launcher step (sys.c) */
	TRACE_SYSCALL,		/* a system call of a process inside */
	TRACE_PROC,		/* fork, exec, exit, signal, stop, cont, oom */
};

/* Fixed-size so a child can send one event as a single atomic pipe write
 * (sizeof < PIPE_BUF) and the parent can read it back whole. */
struct trace_event {
	int side;		/* enum trace_side */
	int kind;		/* enum trace_kind */
	int pid;		/* the caller's pid as the host sees it */
	int pid_ns;		/* and inside its PID namespace (SIDE_CONTAINER), else 0 */
	char comm[16];		/* the process's name (SIDE_CONTAINER) */
	long long ret;		/* return value; meaningful when !pending */
	int err;		/* errno when ret < 0 */
	int pending;		/* TRACE_PENDING: outcome not known yet (execve);
				 * TRACE_SETTLE: resolves the last pending event */
	unsigned long long t_ns;	/* since the trace started */
	unsigned long long dur_ns;	/* how long the call took */
	char call[48];
	char args[1536];
	char note[512];
};

#define TRACE_PENDING 1
#define TRACE_SETTLE 2

struct trace {
	struct trace_event *ev;
	size_t n, cap;
	unsigned long long t0;	/* now_ns() at trace_begin */
	int sink_fd;		/* >= 0 in a child: events are kept, then sent here */
	char *sink_buf;		/* the child's events not sent yet, packed for the pipe */
	size_t sink_len, sink_cap;
};

/* The trace's clock: CLOCK_REALTIME in ns, because a time namespace shifts
 * the monotonic and boot clocks of a child in the middle of its steps. */
unsigned long long trace_clock(void);

void trace_init(struct trace *t);
void trace_free(struct trace *t);
/* Forget all events and restart the clock. */
void trace_begin(struct trace *t);
/* Record one event. In a child (trace_sink) it is kept and sent with the
 * others in one write: before an execve (a pending event), at a failure
 * (the child is about to exit), or at trace_flush. */
void trace_add(struct trace *t, const struct trace_event *ev);
/* A child's events go to fd from now on, packed (the fixed fields, then
 * args and note as counted strings: a step is some 200 bytes, not the
 * 2160 of a struct trace_event), and are not stored in t->ev. */
void trace_sink(struct trace *t, int fd);
/* Send a child's kept events now: before a fork, an _exit or closing fd. */
void trace_flush(struct trace *t);
/* Convenience for recording a call made elsewhere. */
void trace_record(struct trace *t, const char *call, long long ret, int err,
		  unsigned long long start_ns, const char *note, const char *args_fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Read events a child sent until EOF; appends them. Returns count or -errno. */
int trace_drain(struct trace *t, int fd);
/* Resolve the last pending event (execve) with its outcome. */
void trace_settle_pending(struct trace *t, long long ret, int err);

/* One line a step: "  3 child  sethostname("box") = 0   0.01ms  set the name ..." */
void trace_format_event(const struct trace_event *ev, size_t index, char *buf, size_t size);
void trace_print(const struct trace *t, FILE *out);
/* JSON Lines, one object an event, through json-c. */
void trace_print_json(const struct trace *t, FILE *out);
/* Process events only, as a timeline: `events`. */
void trace_print_events(const struct trace *t, FILE *out);
/* Read JSON Lines (trace_print_json's) back: replaces t's events. Errors
 * name the line. */
int trace_load(struct trace *t, FILE *in, const char *origin, struct nslab_error *e);
/* A name for a process event's call field. */
#define TRACE_EV_FORK "fork"
#define TRACE_EV_EXEC "exec"
#define TRACE_EV_EXIT "exit"
#define TRACE_EV_SIGNAL "signal"
#define TRACE_EV_STOP "stop"
#define TRACE_EV_CONT "cont"
#define TRACE_EV_OOM "oom-kill"

#endif
