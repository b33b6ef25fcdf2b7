/* Where nslab finds its own files when run from a source tree or installed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "nslab/paths.h"

#ifndef NSLAB_DATADIR
#define NSLAB_DATADIR "/usr/local/share/nslab"
#endif

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory holding the running binary, with `rel` appended. */
static int beside_binary(const char *rel, char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	/* The sanitizer build lives in build/san: look two levels up too. */
	for (int up = 0; up < 3; up++) {
		snprintf(buf, size, "%s/%s", exe, rel);
		if (is_dir(buf))
			return 0;
		slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			break;
		*slash = '\0';
	}
	return -ENOENT;
}

int paths_default_rootfs(char *buf, size_t size)
{
	const char *env = getenv("NSLAB_ROOTFS");

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return is_dir(buf) ? 0 : -ENOENT;
	}
	if (beside_binary("build/rootfs", buf, size) == 0)
		return 0;
	/* Installed under any PREFIX: PREFIX/bin/nslab and PREFIX/share/nslab. */
	if (beside_binary("share/nslab/rootfs", buf, size) == 0)
		return 0;
	snprintf(buf, size, "%s/rootfs", NSLAB_DATADIR);
	return is_dir(buf) ? 0 : -ENOENT;
}

int paths_data_dir(const char *what, char *buf, size_t size)
{
	char env_name[64], rel[128];

	snprintf(env_name, sizeof(env_name), "NSLAB_%s", what);
	for (char *c = env_name; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
	const char *env = getenv(env_name);
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return is_dir(buf) ? 0 : -ENOENT;
	}
	if (beside_binary(what, buf, size) == 0)
		return 0;
	snprintf(rel, sizeof(rel), "share/nslab/%s", what);
	if (beside_binary(rel, buf, size) == 0)
		return 0;
	snprintf(buf, size, "%s/%s", NSLAB_DATADIR, what);
	return is_dir(buf) ? 0 : -ENOENT;
}
