/* Unit tests for the spec: setters, validation, flag names, description. */
#include <stdlib.h>

#include "check.h"
#include "nslab/spec.h"

static struct nslab_error e;

static void test_ns_lookup(void)
{
	CHECK(ns_lookup("pid") == NS_PID);
	CHECK(ns_lookup("CLONE_NEWNS") == NS_MOUNT);
	CHECK(ns_lookup("mnt") == NS_MOUNT);
	CHECK(ns_lookup("NET") == NS_NET);
	CHECK(ns_lookup("network") == NS_NET);
	CHECK(ns_lookup("bogus") == -1);
}

static void test_flags_names(void)
{
	struct spec s;
	char buf[256];

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_PID) | NS_BIT(NS_UTS) | NS_BIT(NS_TIME);
	spec_flags_words(&s, buf, sizeof(buf));
	CHECK_STR(buf, "pid uts time");
	spec_flags_names(spec_clone_flags(&s), buf, sizeof(buf));
	CHECK_STR(buf, "CLONE_NEWPID|CLONE_NEWUTS|CLONE_NEWTIME");
	spec_flags_names(0, buf, sizeof(buf));
	CHECK_STR(buf, "0");
}

static void test_hostname_rules(void)
{
	struct spec s;

	spec_init(&s);
	CHECK(spec_set_hostname(&s, "box-1.example", &e) == 0);
	CHECK(spec_set_hostname(&s, "", &e) < 0);
	CHECK(spec_set_hostname(&s, "has space", &e) < 0);
	CHECK(spec_set_hostname(&s, "-lead", &e) < 0);
	CHECK(spec_set_hostname(&s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &e) < 0);
	CHECK_STR(s.hostname, "box-1.example");
	spec_free(&s);
}

static void test_validate_needs_flags(void)
{
	struct spec s;

	spec_init(&s);
	CHECK(spec_validate(&s, 0, &e) == 0);
	spec_set_hostname(&s, "box", &e);
	CHECK(spec_validate(&s, 0, &e) < 0);
	CHECK_CONTAINS(e.msg, "set uts");
	s.ns_mask |= NS_BIT(NS_UTS);
	CHECK(spec_validate(&s, 0, &e) == 0);
	s.uidmap.n = 1;
	CHECK(spec_validate(&s, 0, &e) < 0);
	CHECK_CONTAINS(e.msg, "set user");
	s.ns_mask |= NS_BIT(NS_USER);
	CHECK(spec_validate(&s, 0, &e) == 0);
	s.time_offset_boottime = 10;
	CHECK(spec_validate(&s, 0, &e) < 0);
	CHECK_CONTAINS(e.msg, "set time");
	spec_free(&s);
}

static void test_validate_root_and_mounts(void)
{
	struct spec s;

	spec_init(&s);
	CHECK(spec_set_rootfs(&s, "/", &e) == 0);
	CHECK(spec_validate(&s, 0, &e) < 0); /* pivot_root without a mount namespace */
	CHECK_CONTAINS(e.msg, "chroot");
	s.enter = ENTER_CHROOT;
	CHECK(spec_validate(&s, 0, &e) == 0);
	CHECK(spec_add_mount(&s, MOUNT_TMPFS, "/tmp/x", "size=1m", &e) == 0);
	CHECK(spec_validate(&s, 0, &e) < 0);
	CHECK_CONTAINS(e.msg, "set mount");
	CHECK(spec_add_mount(&s, MOUNT_TMPFS, "relative", NULL, &e) < 0);
	CHECK(spec_add_mount(&s, MOUNT_TMPFS, "/a/../b", NULL, &e) < 0);
	CHECK(spec_add_mount(&s, MOUNT_TMPFS, "/tmp/x", NULL, &e) < 0); /* twice */
	CHECK(spec_set_rootfs(&s, "/nonexistent-nslab", &e) < 0);
	spec_free(&s);
}

static void test_validate_rootless(void)
{
	struct spec s;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_PID);
	CHECK(spec_validate(&s, 1000, &e) < 0);
	CHECK_CONTAINS(e.msg, "set user");
	CHECK(spec_validate(&s, 0, &e) == 0);
	spec_map_root(&s, 1000, 1000);
	CHECK(spec_validate(&s, 1000, &e) == 0);
	CHECK(s.setgroups == SETGROUPS_DENY);
	CHECK(s.uidmap.n == 1 && s.uidmap.lines[0].outside == 1000);
	spec_free(&s);
}

static void test_env_and_copy(void)
{
	struct spec s, c;

	spec_init(&s);
	CHECK(spec_set_env(&s, "A=1", &e) == 0);
	CHECK(spec_set_env(&s, "A=2", &e) == 0);
	CHECK(spec_set_env(&s, "=x", &e) < 0);
	CHECK(spec_set_env(&s, "noequals", &e) < 0);
	CHECK(s.n_env == 1);
	CHECK_STR(s.env[0], "A=2");
	spec_set_hostname(&s, "h", &e);
	spec_copy(&c, &s);
	spec_free(&s);
	CHECK_STR(c.env[0], "A=2");
	CHECK_STR(c.hostname, "h");
	spec_free(&c);
}

static void test_describe(void)
{
	struct spec s;
	char *buf = NULL;
	size_t len = 0;

	spec_init(&s);
	s.ns_mask = NS_BIT(NS_PID) | NS_BIT(NS_MOUNT);
	FILE *f = open_memstream(&buf, &len);
	spec_describe(&s, f);
	fclose(f);
	CHECK_CONTAINS(buf, "pid mount (CLONE_NEWPID|CLONE_NEWNS)");
	CHECK_CONTAINS(buf, "proc on /proc");
	free(buf);
	spec_free(&s);
}

int main(void)
{
	RUN(test_ns_lookup);
	RUN(test_flags_names);
	RUN(test_hostname_rules);
	RUN(test_validate_needs_flags);
	RUN(test_validate_root_and_mounts);
	RUN(test_validate_rootless);
	RUN(test_env_and_copy);
	RUN(test_describe);
	return CHECK_DONE();
}
