/* nslab cleanup: find state dirs whose nslab is gone and undo what they name. */
#include <dirent.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#include "nslab/cgroup.h"
#include "nslab/cleanup.h"
#include "nslab/container.h"
#include "nslab/tree.h"
#include "nslab/sys.h"
#include "nslab/util.h"
#include "launch_internal.h"

#define MAX_CGROUPS 8

struct state_file {
	char id[32];
	int owner, init;
	unsigned long long owner_start, init_start;
	char cgroups[MAX_CGROUPS][PATH_MAX];
	int n_cgroups;
	bool overlay;
	char veth[16];
	char bridge[16];
};

unsigned long long cleanup_proc_start(int pid)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return 0;
	/* The command may hold spaces and parentheses: count fields after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	unsigned long long start = 0;
	int field = 2;
	for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " "))
		if (++field == 22) {
			start = strtoull(tok, NULL, 10);
			break;
		}
	return start;
}

static void parse_state(char *text, struct state_file *sf)
{
	memset(sf, 0, sizeof(*sf));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *v = eq + 1;
		if (!strcmp(line, "id"))
			snprintf(sf->id, sizeof(sf->id), "%s", v);
		else if (!strcmp(line, "owner"))
			sf->owner = atoi(v);
		else if (!strcmp(line, "owner_start"))
			sf->owner_start = strtoull(v, NULL, 10);
		else if (!strcmp(line, "init"))
			sf->init = atoi(v);
		else if (!strcmp(line, "init_start"))
			sf->init_start = strtoull(v, NULL, 10);
		else if (!strcmp(line, "cgroup") && sf->n_cgroups < MAX_CGROUPS)
			snprintf(sf->cgroups[sf->n_cgroups++], PATH_MAX, "%s", v);
		else if (!strcmp(line, "overlay"))
			sf->overlay = true;
		else if (!strcmp(line, "veth"))
			snprintf(sf->veth, sizeof(sf->veth), "%s", v);
		else if (!strcmp(line, "bridge"))
			snprintf(sf->bridge, sizeof(sf->bridge), "%s", v);
	}
}

/* A zombie is gone for our purposes: it only waits to be reaped. */
static bool zombie(int pid)
{
	char path[64], buf[512];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return false;
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

/* The same process as recorded, not a later one that got its pid. */
static bool still_there(int pid, unsigned long long start)
{
	if (pid <= 0 || zombie(pid))
		return false;
	unsigned long long now = cleanup_proc_start(pid);
	return now && (!start || now == start);
}

static void say(struct cleanup_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct cleanup_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n_lines >= CLEANUP_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->lines[r->n_lines++], sizeof(r->lines[0]), fmt, ap);
	va_end(ap);
}

static int undo_state(const char *dir, const struct state_file *sf, struct cleanup_report *r)
{
	char path[PATH_MAX + 32];
	struct trace t;
	struct nslab_error e;
	int failed = 0;

	trace_init(&t);
	if (still_there(sf->init, sf->init_start) && kill(sf->init, SIGKILL) == 0)
		say(r, "  killed its init, pid %d", sf->init);
	for (int i = 0; i < sf->n_cgroups; i++) {
		if (cgroup_remove_path(sf->cgroups[i], &t, &e) < 0 && e.err != ENOENT) {
			say(r, "  could not remove cgroup %s: %s", sf->cgroups[i], e.msg);
			failed = 1;
			continue;
		}
		say(r, "  removed cgroup %s", sf->cgroups[i]);
	}
	if (sf->veth[0] && if_nametoindex(sf->veth) && sys_traced_link_del(&t, sf->veth, NULL) == 0)
		say(r, "  removed veth %s", sf->veth);
	if (sf->bridge[0]) {
		launch_host_bridge_release(&t, sf->bridge);
		if (!if_nametoindex(sf->bridge))
			say(r, "  removed bridge %s (no container was left on it)", sf->bridge);
	}
	snprintf(path, sizeof(path), "%s/merged", dir);
	if (umount2(path, MNT_DETACH) == 0)
		say(r, "  unmounted %s", path);
	if (sf->overlay)
		say(r, "  removed overlay dirs (upper, work, merged)");
	trace_free(&t);
	if (tree_remove(dir, &e) < 0) {
		say(r, "  could not remove %s: %s", dir, e.msg);
		return -1;
	}
	say(r, "  removed state dir %s", dir);
	return failed ? -1 : 0;
}

/* A dir with no state file is a launch killed before it wrote one; give a
 * concurrent launch a moment before calling it stale. */
static bool stale_without_state(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && time(NULL) - st.st_mtime > 10;
}

static void clean_one(const char *root, const char *name, struct cleanup_report *r)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], text[8192];
	struct state_file sf;

	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	snprintf(path, sizeof(path), "%s/state", dir);
	r->scanned++;
	if (read_file_at(AT_FDCWD, path, text, sizeof(text)) < 0) {
		if (!stale_without_state(dir))
			return;
		memset(&sf, 0, sizeof(sf));
		snprintf(sf.id, sizeof(sf.id), "%s", name);
	} else {
		parse_state(text, &sf);
	}
	if (still_there(sf.owner, sf.owner_start)) {
		r->live++;
		return;
	}
	say(r, "container %s (its nslab, pid %d, is gone):", name, sf.owner);
	if (undo_state(dir, &sf, r) < 0)
		r->failed++;
	else
		r->removed++;
}

int cleanup_run(struct cleanup_report *r, struct nslab_error *e)
{
	char root[PATH_MAX];

	/* Not a memset: the 20 KB of lines are written as they are said (every
	 * nslab start runs this, and zeroing them faults in five fresh pages). */
	r->scanned = r->removed = r->live = r->failed = 0;
	r->n_lines = 0;
	container_state_root(root, sizeof(root));
	_cleanup_closedir_ DIR *d = opendir(root);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return nslab_error_set(e, errno, "opendir", "%s: %s", root, strerror(errno));
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		clean_one(root, de->d_name, r);
	}
	return r->failed ? nslab_error_set(e, EBUSY, "", "%d container%s could not be cleaned up completely", r->failed,
					  r->failed == 1 ? "" : "s")
			 : 0;
}
