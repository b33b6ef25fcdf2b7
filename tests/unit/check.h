/* Tiny unit-test harness: prints PASS/FAIL/SKIP lines the runner counts. */
#ifndef NSLAB_CHECK_H
#define NSLAB_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed_total;
static int check_failed_here;
static const char *check_current;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("FAIL %s: %s:%d: %s\n", check_current, __FILE__, __LINE__, \
			       #cond);                                               \
			check_failed_here = 1;                                       \
		}                                                                    \
	} while (0)

#define CHECK_STR(a, b)                                                              \
	do {                                                                         \
		const char *a_ = (a), *b_ = (b);                                     \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                             \
			printf("FAIL %s: %s:%d: \"%s\" != \"%s\"\n", check_current,  \
			       __FILE__, __LINE__, a_ ? a_ : "(null)",               \
			       b_ ? b_ : "(null)");                                  \
			check_failed_here = 1;                                       \
		}                                                                    \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                  \
	do {                                                                         \
		const char *h_ = (hay), *n_ = (needle);                              \
		if (!h_ || !strstr(h_, n_)) {                                        \
			printf("FAIL %s: %s:%d: \"%s\" lacks \"%s\"\n", check_current, \
			       __FILE__, __LINE__, h_ ? h_ : "(null)", n_);          \
			check_failed_here = 1;                                       \
		}                                                                    \
	} while (0)

/* Each test is a function; RUN prints one PASS or FAIL line for it. */
#define RUN(fn)                                                                      \
	do {                                                                         \
		check_current = #fn;                                                 \
		check_failed_here = 0;                                               \
		fn();                                                                \
		if (check_failed_here)                                               \
			check_failed_total++;                                        \
		else                                                                 \
			printf("PASS %s\n", #fn);                                    \
	} while (0)

#define CHECK_DONE() (check_failed_total ? 1 : 0)

#endif
