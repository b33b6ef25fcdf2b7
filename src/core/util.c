/* Small shared helpers: allocation, string building, whole-file I/O, numbers. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "nslab/util.h"

static void *check_alloc(void *p)
{
	if (!p) {
		fputs("nslab: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return check_alloc(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		check_alloc(NULL);
	return s;
}

void strv_addv(char ***v, size_t *n, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		check_alloc(NULL);
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void strv_free(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

int str_appendf(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;

	if (*len >= size)
		return -1;
	va_start(ap, fmt);
	int r = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	if ((size_t)r >= size - *len) {
		*len = size - 1;
		return -1;
	}
	*len += (size_t)r;
	return 0;
}

/* Read from fd into buf[len..cap-1) until EOF or the buffer is full;
 * returns the new length or -errno. */
static ssize_t read_into(int fd, char *buf, size_t len, size_t cap)
{
	while (len + 1 < cap) {
		ssize_t r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	return (ssize_t)len;
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (size == 0)
		return -EINVAL;
	ssize_t len = read_into(fd, buf, 0, size);
	if (len >= 0)
		buf[len] = '\0';
	return len;
}

ssize_t read_fd_max(int fd, size_t max, char **out)
{
	size_t cap = 16384;
	ssize_t len = 0;
	_cleanup_free_ char *buf = xmalloc(cap);

	/* A full buffer may mean more to come: grow and go on until EOF, or
	 * until more than max is in (the file may grow while it is read). */
	while ((len = read_into(fd, buf, (size_t)len, cap)) >= 0 && (size_t)len + 1 == cap && (size_t)len <= max) {
		cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
		buf = xrealloc(buf, cap);
	}
	if (len < 0)
		return len;
	buf[len] = '\0';
	*out = steal_pointer(&buf);
	return len;
}

ssize_t read_fd_all(int fd, char **out)
{
	return read_fd_max(fd, (size_t)SSIZE_MAX - 2, out);
}

char *read_file_all(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *text = NULL;

	if (fd < 0)
		return NULL;
	ssize_t r = read_fd_all(fd, &text);
	if (r < 0) {
		errno = (int)-r;
		return NULL;
	}
	return text;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return got == 0 ? 0 : -EPIPE;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_llong(const char *s, long long *out)
{
	char *end;

	if (!s || !*s || *s == ' ')
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

size_t utf8_char_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = u[0] < 0x80 ? 1 : u[0] >= 0xc2 && u[0] <= 0xdf ? 2 : u[0] >= 0xe0 && u[0] <= 0xef ? 3
		   : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 : 0;

	if (!n || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 0;
	if ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xed && u[1] > 0x9f) || (u[0] == 0xf0 && u[1] < 0x90) ||
	    (u[0] == 0xf4 && u[1] > 0x8f))
		return 0;
	return len;
}
