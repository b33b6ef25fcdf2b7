/* Small shared helpers: cleanup attributes, ownership hand-off, strings. */
#ifndef NSLAB_UTIL_H
#define NSLAB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(closedirp)))

/* Hand ownership of *pp to the caller and leave NULL behind. */
static inline void *steal_pointer_(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define steal_pointer(pp) steal_pointer_(pp)

static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

/* Allocation failure is not recoverable in an interactive tool: abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growing list of malloc'd strings: append one formatted from fmt and ap
 * to (*v)[*n]; free them all and the list, leaving it empty. */
void strv_addv(char ***v, size_t *n, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
void strv_free(char ***v, size_t *n);

/* snprintf that never overflows and appends at *len; returns 0 or -1 when cut. */
int str_appendf(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Read a whole small file (relative to dirfd, or AT_FDCWD) into buf, NUL
 * terminated; returns bytes read or -errno. */
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size);
/* Read fd to EOF into a malloc'd, NUL-terminated buffer (procfs files report
 * size 0, so the buffer grows); returns the length or -errno. */
ssize_t read_fd_all(int fd, char **out);
/* The same, but stop once more than max bytes are in: a length over max
 * means the file is larger than the caller takes. */
ssize_t read_fd_max(int fd, size_t max, char **out);
/* The same for a path; NULL on any error (errno set). */
char *read_file_all(const char *path);
/* Write all of buf to fd, retrying EINTR; returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes; returns len, 0 on EOF at start, or -errno. */
ssize_t read_full(int fd, void *buf, size_t len);

/* Length of the valid UTF-8 character at s (at most n bytes looked at), 0
 * when it is none: a stray or missing continuation byte, an overlong form,
 * a surrogate, a value past U+10FFFF. */
size_t utf8_char_len(const char *s, size_t n);

/* Monotonic clock in nanoseconds. */
unsigned long long now_ns(void);

/* Parse a decimal unsigned integer that must fit in max; 0 or -EINVAL/-ERANGE. */
int parse_ulong(const char *s, unsigned long max, unsigned long *out);
/* Parse a signed 64-bit decimal integer; 0 or -EINVAL/-ERANGE. */
int parse_llong(const char *s, long long *out);

#endif
