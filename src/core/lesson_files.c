/* Lesson files on disk: NN-NAME.md in a directory, found by name or number. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "nslab/lesson.h"
#include "nslab/util.h"

bool lesson_file_name(const char *file, char *name, size_t size, int *number)
{
	size_t n = strlen(file);
	int num = 0, digits = 0;

	if (n < 4 || strcmp(file + n - 3, ".md"))
		return false;
	while (isdigit((unsigned char)file[digits]) && digits < 3)
		num = num * 10 + (file[digits++] - '0');
	if (!digits || file[digits] != '-')
		return false;
	const char *stem = file + digits + 1;
	size_t len = (size_t)(file + n - 3 - stem);
	if (!len || len >= size)
		return false;
	memcpy(name, stem, len);
	name[len] = '\0';
	*number = num;
	return true;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lesson_entry *)a)->file, ((const struct lesson_entry *)b)->file);
}

int lesson_list(const char *dir, struct lesson_entry **out, struct nslab_error *e)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct lesson_entry *v = NULL;
	int n = 0;

	*out = NULL;
	if (!d)
		return nslab_error_set(e, errno, "opendir", "lessons: %s: %s", dir, strerror(errno));
	for (struct dirent *de; (de = readdir(d));) {
		struct lesson_entry en = {0};
		if (strlen(de->d_name) >= sizeof(en.file) ||
		    !lesson_file_name(de->d_name, en.name, sizeof(en.name), &en.number))
			continue;
		snprintf(en.file, sizeof(en.file), "%s", de->d_name);
		v = xrealloc(v, (size_t)(n + 1) * sizeof(*v));
		v[n++] = en;
	}
	if (n)
		qsort(v, (size_t)n, sizeof(*v), entry_cmp);
	*out = v;
	return n;
}

static bool entry_matches(const struct lesson_entry *en, const char *want)
{
	unsigned long num;
	size_t stem = strlen(en->file) - 3;

	if (parse_ulong(want, 999, &num) == 0)
		return (int)num == en->number;
	if (!strcmp(en->name, want) || !strcmp(en->file, want))
		return true;
	return strlen(want) == stem && !strncmp(en->file, want, stem);
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int lesson_find(const char *dir, const char *want, char *path, size_t size, struct nslab_error *e)
{
	struct lesson_entry *v;

	if ((strchr(want, '/') || strstr(want, ".md")) && is_file(want)) {
		snprintf(path, size, "%s", want);
		return 0;
	}
	int n = lesson_list(dir, &v, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (entry_matches(&v[i], want)) {
			snprintf(path, size, "%s/%s", dir, v[i].file);
			free(v);
			return 0;
		}
	}
	free(v);
	return nslab_error_set(e, ENOENT, "", "no lesson '%s' (lesson lists them)", want);
}

/* The name a lesson goes by: NAME of NN-NAME.md, else the file's stem. */
static void name_from_path(struct lesson *l, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (lesson_file_name(base, l->name, sizeof(l->name), &l->number))
		return;
	snprintf(l->name, sizeof(l->name), "%s", base);
	char *dot = strrchr(l->name, '.');
	if (dot && dot != l->name)
		*dot = '\0';
	l->number = 0;
}

int lesson_load(const char *path, struct lesson *l, struct nslab_error *e)
{
	/* O_NONBLOCK: a FIFO named like a lesson must not hang the listing (it is refused below). */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	_cleanup_free_ char *text = NULL;
	struct stat st;

	memset(l, 0, sizeof(*l));
	if (fd < 0)
		return nslab_error_set(e, errno, "open", "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return nslab_error_set(e, EINVAL, "", "%s: not a regular file", path);
	if (st.st_size > LESSON_FILE_MAX)
		return nslab_error_set(e, EFBIG, "", "%s: larger than %d bytes", path, LESSON_FILE_MAX);
	ssize_t n = read_fd_max(fd, LESSON_FILE_MAX, &text);
	if (n < 0)
		return nslab_error_set(e, (int)-n, "read", "%s: %s", path, strerror((int)-n));
	if (n > LESSON_FILE_MAX)
		return nslab_error_set(e, EFBIG, "", "%s: larger than %d bytes", path, LESSON_FILE_MAX);
	if (memchr(text, '\0', (size_t)n))
		return nslab_error_set(e, EINVAL, "", "%s: contains a NUL byte; lessons are text", path);
	if (lesson_parse(text, path, l, e) < 0)
		return -1;
	l->path = xstrdup(path);
	name_from_path(l, path);
	if (!l->deck)
		l->deck = xstrdup(l->name);
	return 0;
}
