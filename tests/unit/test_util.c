/* Unit tests for the small shared helpers: whole-file reads, numbers, strings. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nslab/util.h"

static char path[] = "/tmp/nslab-unit-util.XXXXXX";

static void write_pattern(size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	for (size_t i = 0; i < n; i++) {
		char c = (char)('a' + i % 26);
		CHECK(write(fd, &c, 1) == 1);
	}
	close(fd);
}

static void test_read_all_grows(void)
{
	/* Past the first 16 KiB buffer, and an exact power of two too. */
	size_t sizes[] = {0, 1, 16383, 16384, 65536, 100000};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		write_pattern(sizes[k]);
		char *t = read_file_all(path);
		CHECK(t != NULL);
		CHECK(t && strlen(t) == sizes[k]);
		CHECK(t && (sizes[k] == 0 || t[sizes[k] - 1] == (char)('a' + (sizes[k] - 1) % 26)));
		free(t);
	}
	CHECK(read_file_all("/nonexistent/nslab") == NULL);
}

static void test_read_max_stops(void)
{
	/* Under, at and over the limit, across the buffer's growth. */
	const struct { size_t size, max; bool over; } cases[] = {
		{100, 200, false}, {100, 100, false}, {101, 100, true}, {70000, 65536, true}, {70000, 70000, false},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *t = NULL;
		write_pattern(cases[k].size);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = read_fd_max(fd, cases[k].max, &t);
		close(fd);
		CHECK(cases[k].over ? n > (ssize_t)cases[k].max : n == (ssize_t)cases[k].size);
		CHECK(t && strlen(t) == (size_t)n);
		free(t);
	}
}

static void test_read_file_at_truncates(void)
{
	char buf[8];
	write_pattern(100);
	CHECK(read_file_at(AT_FDCWD, path, buf, sizeof(buf)) == 7);
	CHECK_STR(buf, "abcdefg");
	CHECK(read_file_at(AT_FDCWD, "/nonexistent/nslab", buf, sizeof(buf)) < 0);
}

static void test_numbers(void)
{
	unsigned long u;
	long long l;
	CHECK(parse_ulong("42", 100, &u) == 0 && u == 42);
	CHECK(parse_ulong("101", 100, &u) < 0);
	CHECK(parse_ulong("-1", 100, &u) < 0);
	CHECK(parse_ulong("4x", 100, &u) < 0);
	CHECK(parse_ulong("", 100, &u) < 0);
	CHECK(parse_llong("-86400", &l) == 0 && l == -86400);
	CHECK(parse_llong("99999999999999999999", &l) < 0);
}

static void test_appendf(void)
{
	char buf[8];
	size_t len = 0;
	CHECK(str_appendf(buf, sizeof(buf), &len, "%s", "abc") == 0);
	CHECK(str_appendf(buf, sizeof(buf), &len, "%s", "defghij") < 0);
	CHECK_STR(buf, "abcdefg");
	CHECK(str_appendf(buf, sizeof(buf), &len, "x") < 0); /* full stays full */
}

static void strv_add(char ***v, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void strv_add(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_addv(v, n, fmt, ap);
	va_end(ap);
}

/* Formatted strings go on the end in order, past any fixed size; free empties the list. */
static void test_strv(void)
{
	char **v = NULL;
	size_t n = 0;
	char want[32];

	for (int i = 0; i < 100; i++)
		strv_add(&v, &n, "word %d%s", i, i == 99 ? " last" : "");
	CHECK(n == 100);
	for (size_t i = 0; v && i < n; i++) {
		snprintf(want, sizeof(want), "word %zu%s", i, i == 99 ? " last" : "");
		CHECK(strcmp(v[i], want) == 0);
	}
	strv_free(&v, &n);
	CHECK(v == NULL && n == 0);
	strv_free(&v, &n); /* an empty list frees to itself */
	strv_add(&v, &n, "%s", "");
	CHECK(n == 1 && v && v[0][0] == '\0');
	strv_free(&v, &n);
}

int main(void)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	RUN(test_read_all_grows);
	RUN(test_read_max_stops);
	RUN(test_read_file_at_truncates);
	RUN(test_numbers);
	RUN(test_appendf);
	RUN(test_strv);
	unlink(path);
	return CHECK_DONE();
}
