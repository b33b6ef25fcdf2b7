/* Output capture: fds 1 and 2 point at a pipe while a lesson command runs;
 * a thread reads it, echoes it and collects it. A marker written after the
 * command tells the thread everything before it has been read. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nslab/util.h"
#include "capture.h"

/* Bytes no command prints: NUL-framed. */
static const char marker[] = "\0nslab-capture-marker\0";
#define MARKER_LEN (sizeof(marker) - 1)
#define CAPTURE_MAX (8 * 1024 * 1024)

struct capture {
	int rd, wr, stop_fd[2], echo_fd;
	int saved[2];		/* fds 1 and 2 while capturing */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool collecting, marker_seen, echo;
	char *buf;
	size_t len, cap;
	char carry[MARKER_LEN];	/* a partial marker at the end of a read */
	size_t carry_len;
};

static void keep(struct capture *c, const char *p, size_t n)
{
	if ((c->echo || !c->collecting) && c->echo_fd >= 0)
		(void)write_all(c->echo_fd, p, n);
	if (!c->collecting || c->len + n >= CAPTURE_MAX)
		return;
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->buf = xrealloc(c->buf, c->cap);
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

/* How many bytes at the end of p could begin the marker. */
static size_t marker_prefix(const char *p, size_t n)
{
	for (size_t k = n < MARKER_LEN - 1 ? n : MARKER_LEN - 1; k > 0; k--)
		if (!memcmp(p + n - k, marker, k))
			return k;
	return 0;
}

static void take(struct capture *c, char *p, size_t n)
{
	while (n) {
		char *m = memmem(p, n, marker, MARKER_LEN);
		if (!m) {
			size_t hold = marker_prefix(p, n);
			keep(c, p, n - hold);
			memcpy(c->carry, p + n - hold, hold);
			c->carry_len = hold;
			return;
		}
		keep(c, p, (size_t)(m - p));
		c->marker_seen = true;
		pthread_cond_broadcast(&c->cond);
		n -= (size_t)(m - p) + MARKER_LEN;
		p = m + MARKER_LEN;
	}
}

static void *reader(void *arg)
{
	struct capture *c = arg;
	char chunk[65536 + MARKER_LEN];
	struct pollfd pf[2] = {{.fd = c->rd, .events = POLLIN}, {.fd = c->stop_fd[0], .events = POLLIN}};

	for (;;) {
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents)
			break;
		if (!pf[0].revents)
			continue;
		pthread_mutex_lock(&c->lock);
		memcpy(chunk, c->carry, c->carry_len);
		ssize_t n = read(c->rd, chunk + c->carry_len, sizeof(chunk) - MARKER_LEN);
		if (n > 0)
			take(c, chunk, c->carry_len + (size_t)n);
		pthread_mutex_unlock(&c->lock);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
	}
	return NULL;
}

struct capture *capture_new(int echo_fd, struct nslab_error *e)
{
	struct capture *c = xcalloc(1, sizeof(*c));
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0 || pipe2(c->stop_fd, O_CLOEXEC) < 0) {
		nslab_error_set(e, errno, "pipe2", "cannot capture output: %s", strerror(errno));
		free(c);
		return NULL;
	}
	c->rd = p[0];
	c->wr = p[1];
	c->echo_fd = echo_fd;
	c->echo = true;
	c->saved[0] = c->saved[1] = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	pthread_create(&c->thread, NULL, reader, c);
	return c;
}

void capture_echo(struct capture *c, bool on)
{
	pthread_mutex_lock(&c->lock);
	c->echo = on;
	pthread_mutex_unlock(&c->lock);
}

int capture_start(struct capture *c, struct nslab_error *e)
{
	fflush(stdout);
	fflush(stderr);
	pthread_mutex_lock(&c->lock);
	c->collecting = true;
	c->len = 0;
	if (c->buf)
		c->buf[0] = '\0';
	pthread_mutex_unlock(&c->lock);
	for (int fd = 1; fd <= 2; fd++) {
		c->saved[fd - 1] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (c->saved[fd - 1] < 0 || dup2(c->wr, fd) < 0)
			return nslab_error_set(e, errno, "dup2", "cannot capture output: %s", strerror(errno));
	}
	return 0;
}

char *capture_stop(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 1; fd <= 2; fd++) {
		if (c->saved[fd - 1] < 0)
			continue;
		dup2(c->saved[fd - 1], fd);
		close(c->saved[fd - 1]);
		c->saved[fd - 1] = -1;
	}
	pthread_mutex_lock(&c->lock);
	c->marker_seen = false;
	pthread_mutex_unlock(&c->lock);
	(void)write_all(c->wr, marker, MARKER_LEN);
	pthread_mutex_lock(&c->lock);
	while (!c->marker_seen)
		pthread_cond_wait(&c->cond, &c->lock);
	c->collecting = false;
	char *out = xstrdup(c->buf ? c->buf : "");
	pthread_mutex_unlock(&c->lock);
	return out;
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	(void)write_all(c->stop_fd[1], "x", 1);
	pthread_join(c->thread, NULL);
	close(c->rd);
	close(c->wr);
	close(c->stop_fd[0]);
	close(c->stop_fd[1]);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c->buf);
	free(c);
}
