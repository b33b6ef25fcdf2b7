/* Unit tests for the plan: which steps, on which side, in which order. */
#include <sched.h>
#include <stdlib.h>

#include "check.h"
#include "nslab/plan.h"
#include "nslab/trace.h"

static struct nslab_error e;

static int pos(const struct plan *p, enum step_kind k) { return plan_find(p, k); }

static void test_minimal(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(p.n == 3);
	CHECK(p.steps[0].kind == STEP_CLONE && p.steps[0].side == SIDE_PARENT);
	CHECK(p.steps[1].kind == STEP_RELEASE);
	CHECK(p.steps[2].kind == STEP_EXEC && p.steps[2].side == SIDE_CHILD);
	CHECK(p.clone_flags == 0);
}

static void test_user_maps_order(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	spec_map_root(&s, 1000, 1000);
	CHECK(plan_build(&s, 1000, 1000, NULL, &p, &e) == 0);
	int sg = pos(&p, STEP_WRITE_SETGROUPS), u = pos(&p, STEP_WRITE_UID_MAP), g = pos(&p, STEP_WRITE_GID_MAP);
	CHECK(sg > 0 && u > sg && g > u);
	CHECK(pos(&p, STEP_RELEASE) > g);
	CHECK(p.write_setgroups_deny);
	CHECK(p.steps[sg].side == SIDE_PARENT);
	CHECK(p.clone_flags == CLONE_NEWUSER);
}

static void test_setgroups_auto(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_USER);
	s.gidmap.n = 1;
	s.gidmap.lines[0] = (struct idmap_line){0, 0, 1};
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(!p.write_setgroups_deny); /* root may keep setgroups */
	CHECK(plan_build(&s, 1000, 1000, NULL, &p, &e) == 0);
	CHECK(p.write_setgroups_deny);
	s.setgroups = SETGROUPS_ALLOW;
	CHECK(plan_build(&s, 1000, 1000, NULL, &p, &e) == 0);
	CHECK(p.write_setgroups_allow && !p.write_setgroups_deny);
}

static void test_pivot_root_sequence(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_MOUNT) | NS_BIT(NS_PID) | NS_BIT(NS_UTS);
	spec_set_hostname(&s, "box", &e);
	spec_set_rootfs(&s, "/", &e);
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	int priv = pos(&p, STEP_MAKE_PRIVATE), bind = pos(&p, STEP_BIND_ROOT), mnt = pos(&p, STEP_MOUNT),
	    piv = pos(&p, STEP_PIVOT_ROOT), um = pos(&p, STEP_UMOUNT_OLDROOT), cd = pos(&p, STEP_CHDIR_SLASH),
	    ex = pos(&p, STEP_EXEC), host = pos(&p, STEP_SETHOSTNAME);
	/* Private first, always; proc mounted before the old root goes away. */
	CHECK(priv > 0 && priv < bind && priv < host);
	/* runc's order: pivot_root(".", "."), umount2("."), then chdir("/"). */
	CHECK(bind < mnt && mnt < piv && piv < um && um < cd && cd < ex);
	CHECK(pos(&p, STEP_CHROOT) == -1);
	CHECK(p.n_mounts == 1 && p.mounts[0].kind == MOUNT_PROC && p.mounts[0].automatic);
	spec_free(&s);
}

static void test_chroot_sequence(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	spec_set_rootfs(&s, "/tmp", &e);
	s.enter = ENTER_CHROOT;
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(pos(&p, STEP_CHROOT) > pos(&p, STEP_CHDIR_ROOT));
	CHECK(pos(&p, STEP_PIVOT_ROOT) == -1);
	CHECK(pos(&p, STEP_MAKE_PRIVATE) == -1); /* no mount namespace, nothing to make private */
	CHECK(pos(&p, STEP_MOUNT) == -1);	  /* no proc without a new PID + mount namespace */
	spec_free(&s);
}

static void test_mount_paths_under_rootfs(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_MOUNT);
	spec_set_rootfs(&s, "/tmp", &e);
	spec_add_mount(&s, MOUNT_TMPFS, "/scratch", "size=1m", &e);
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(p.n_mounts == 2);
	/* /tmp/dev/null is no device: the rootfs gets a /dev of its own, first,
	 * so a mount the person asked for under /dev lands on top of it. */
	CHECK(p.mounts[0].kind == MOUNT_DEV && p.mounts[0].automatic);
	CHECK_STR(p.mounts[0].target, "/dev");
	CHECK_STR(p.mounts[1].target, "/scratch");
	CHECK_CONTAINS(p.mounts[1].path, "/tmp/scratch");
	CHECK_STR(p.mounts[1].options, "size=1m");
	spec_free(&s);
}

static void test_dev_only_when_missing(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_MOUNT);
	spec_set_rootfs(&s, "/", &e); /* the host's /dev/null is a device */
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(p.n_mounts == 0);
	/* An overlay mounted in a user namespace is nodev: its devices cannot be opened. */
	s.ns_mask |= NS_BIT(NS_USER);
	s.overlay = true;
	CHECK(plan_build(&s, 0, 0, "/run/nslab/x", &p, &e) == 0);
	CHECK(p.n_mounts == 1 && p.mounts[0].kind == MOUNT_DEV && p.mounts[0].automatic);
	s.ns_mask &= ~NS_BIT(NS_USER);
	s.overlay = false;
	spec_add_mount(&s, MOUNT_DEV, "/dev", NULL, &e); /* asked for: always */
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(p.n_mounts == 1 && p.mounts[0].kind == MOUNT_DEV && !p.mounts[0].automatic);
	spec_free(&s);
}

static void test_time_namespace(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_TIME);
	s.time_offset_boottime = 3600;
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	/* CLONE_NEWTIME goes to unshare in the child, never to clone3. */
	CHECK(!(p.clone_flags & 0x80));
	CHECK(pos(&p, STEP_UNSHARE_TIME) > 0 && pos(&p, STEP_WRITE_TIMENS) == pos(&p, STEP_UNSHARE_TIME) + 1);
	CHECK(pos(&p, STEP_ENTER_TIME) == pos(&p, STEP_WRITE_TIMENS) + 1);
	CHECK(pos(&p, STEP_ENTER_TIME) < pos(&p, STEP_EXEC));
	CHECK_CONTAINS(p.steps[pos(&p, STEP_WRITE_TIMENS)].text, "boottime 3600s");
}

static void test_become_root(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_USER);
	s.uidmap.n = s.gidmap.n = 1;
	s.uidmap.lines[0] = s.gidmap.lines[0] = (struct idmap_line){0, 100000, 65536};
	/* Root outside, not in the map: the child would be 65534, so it becomes 0. */
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(pos(&p, STEP_BECOME_ROOT) > pos(&p, STEP_RELEASE));
	CHECK(p.steps[pos(&p, STEP_BECOME_ROOT)].side == SIDE_CHILD);
	/* Your own id is mapped (to 42, as in the talk): keep it. */
	s.uidmap.lines[0] = s.gidmap.lines[0] = (struct idmap_line){42, 1000, 1};
	CHECK(plan_build(&s, 1000, 1000, NULL, &p, &e) == 0);
	CHECK(pos(&p, STEP_BECOME_ROOT) == -1);
	/* Root is not mapped at all: nothing to become. */
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(pos(&p, STEP_BECOME_ROOT) == -1);
}

static void test_net_lo(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	s.net_lo = true;
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) < 0); /* the host's lo is not ours to touch */
	CHECK_CONTAINS(e.msg, "set net");
	s.ns_mask = NS_BIT(NS_NET);
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) == 0);
	CHECK(pos(&p, STEP_NET_LO) > pos(&p, STEP_RELEASE));
	CHECK(p.steps[pos(&p, STEP_NET_LO)].side == SIDE_CHILD);
	CHECK(pos(&p, STEP_NET_LO) < pos(&p, STEP_EXEC));
}

static void test_invalid_spec_has_no_plan(void)
{
	struct spec s;
	struct plan p;

	spec_init(&s);
	spec_set_hostname(&s, "box", &e);
	CHECK(plan_build(&s, 0, 0, NULL, &p, &e) < 0);
	spec_free(&s);
}

static void test_print(void)
{
	struct spec s;
	struct plan p;
	char *buf = NULL;
	size_t len = 0;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_PID);
	plan_build(&s, 0, 0, NULL, &p, &e);
	FILE *f = open_memstream(&buf, &len);
	plan_print(&p, f);
	fclose(f);
	CHECK_CONTAINS(buf, "  1 parent clone3(CLONE_NEWPID)");
	CHECK_CONTAINS(buf, "child  execve");
	free(buf);
}

int main(void)
{
	RUN(test_minimal);
	RUN(test_user_maps_order);
	RUN(test_setgroups_auto);
	RUN(test_pivot_root_sequence);
	RUN(test_chroot_sequence);
	RUN(test_mount_paths_under_rootfs);
	RUN(test_dev_only_when_missing);
	RUN(test_time_namespace);
	RUN(test_become_root);
	RUN(test_net_lo);
	RUN(test_invalid_spec_has_no_plan);
	RUN(test_print);
	return CHECK_DONE();
}
