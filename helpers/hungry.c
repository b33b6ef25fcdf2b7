/* hungry: static rootfs helper that eats memory step by step, so memory limits can be watched biting. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)

/*
 * Every chunk links to the previous one and the head is volatile, so the
 * compiler cannot prove the memory unused and drop the malloc or the memset.
 */
static void *volatile chunks;

static void usage(FILE *f)
{
	fprintf(f, "usage: hungry [TOTAL_MiB [STEP_MiB [DELAY_MS]]]\n"
		   "Allocate STEP_MiB at a time and touch every page so it is really resident,\n"
		   "until TOTAL_MiB are held (0 = forever, until malloc fails or the OOM killer\n"
		   "comes). Defaults: 1024 MiB total, 10 MiB steps, 100 ms between steps.\n"
		   "Exit: 0 done, 1 allocation failed, 2 bad arguments; a memory cgroup limit\n"
		   "usually ends it with SIGKILL instead (a shell shows status 137).\n");
}

/* Plain decimal digits only: "-1", "+3", " 5" and "10M" are mistakes worth reporting. */
static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	/* A step must fit size_t in bytes; totals are counted in MiB and cannot overflow. */
	const unsigned long max_mib = SIZE_MAX / MIB;
	const char *names[] = { "TOTAL_MiB", "STEP_MiB", "DELAY_MS" };
	const unsigned long mins[] = { 0, 1, 0 };
	unsigned long vals[] = { 1024, 10, 100 };
	unsigned long done = 0;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 4) {
		fprintf(stderr, "hungry: too many arguments\n");
		usage(stderr);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		unsigned long max = i == 3 ? 86400000UL : max_mib;
		if (parse_count(argv[i], max, &vals[i - 1]) < 0 || vals[i - 1] < mins[i - 1]) {
			fprintf(stderr, "hungry: %s must be a whole number from %lu to %lu, not '%s'\n",
				names[i - 1], mins[i - 1], max, argv[i]);
			return 2;
		}
	}
	unsigned long total = vals[0], step = vals[1], delay = vals[2];

	if (total)
		printf("hungry: pid %d eating %lu MiB in %lu MiB steps, %lu ms apart\n", (int)getpid(),
		       total, step, delay);
	else
		printf("hungry: pid %d eating forever in %lu MiB steps, %lu ms apart\n", (int)getpid(),
		       step, delay);
	fflush(stdout);

	while (total == 0 || done < total) {
		unsigned long chunk = (total && total - done < step) ? total - done : step;
		size_t bytes = chunk * MIB;
		char *p = malloc(bytes);
		if (!p) {
			fprintf(stderr, "hungry: malloc of %lu MiB failed after %lu MiB allocated\n", chunk,
				done);
			return 1;
		}
		/* Non-zero on purpose: malloc+memset(0) may be turned into calloc, which touches nothing. */
		memset(p, 0x5a, bytes);
		*(void **)p = chunks;
		chunks = p;
		done += chunk;
		printf("hungry: %lu MiB allocated\n", done);
		fflush(stdout);
		if (delay && (total == 0 || done < total))
			sleep_ms(delay);
	}
	printf("hungry: done, %lu MiB allocated\n", done);
	if (fflush(stdout) != 0)
		return 1;
	return 0;
}
