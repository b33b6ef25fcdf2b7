/* How far a person got in each lesson: "NAME STEP done|-" lines in
 * $XDG_STATE_HOME/nslab/lessons, replaced atomically. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nslab/lesson.h"
#include "nslab/util.h"

static int progress_path(char *buf, size_t size, bool make_dir)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char dir[4096];

	if (state && *state == '/')
		snprintf(dir, sizeof(dir), "%s/nslab", state);
	else if (home && *home == '/')
		snprintf(dir, sizeof(dir), "%s/.local/state/nslab", home);
	else
		return -ENOENT;
	if (make_dir) {
		/* mkdir -p, one level at a time */
		for (char *p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
			if (p)
				*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				return -errno;
			if (!p)
				break;
			*p = '/';
		}
	}
	snprintf(buf, size, "%s/lessons", dir);
	return 0;
}

int lesson_progress_get(const char *name, int *step, bool *done)
{
	char path[4200], line[256], who[LESSON_NAME_MAX], how[16];
	int at;

	*step = 0;
	*done = false;
	if (progress_path(path, sizeof(path), false) < 0)
		return -1;
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %d %15s", who, &at, how) != 3 || strcmp(who, name) || at < 0)
			continue;
		*step = at;
		*done = !strcmp(how, "done");
		return 0;
	}
	return -1;
}

static void copy_others(FILE *in, FILE *out, const char *name)
{
	char line[256], who[LESSON_NAME_MAX];

	while (in && fgets(line, sizeof(line), in))
		if (sscanf(line, "%63s", who) == 1 && strcmp(who, name))
			fputs(line, out);
}

int lesson_progress_set(const char *name, int step, bool done, struct nslab_error *e)
{
	char path[4200], tmp[4300];
	int r = progress_path(path, sizeof(path), true);

	if (r < 0)
		return nslab_error_set(e, -r, "mkdir", "cannot keep lesson progress: %s", strerror(-r));
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	FILE *out = fopen(tmp, "we");
	if (!out)
		return nslab_error_set(e, errno, "open", "%s: %s", tmp, strerror(errno));
	FILE *in = fopen(path, "re");
	copy_others(in, out, name);
	if (in)
		fclose(in);
	fprintf(out, "%s %d %s\n", name, step, done ? "done" : "-");
	if (fclose(out) != 0 || rename(tmp, path) < 0) {
		int err = errno;
		unlink(tmp);
		return nslab_error_set(e, err, "rename", "%s: %s", path, strerror(err));
	}
	return 0;
}
