/* Teaching text: what each clone flag, traced call, errno and idea means, and
 * hints for (call, errno) pairs applied where errors are printed. */
#ifndef NSLAB_EXPLAIN_H
#define NSLAB_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

struct explain_entry {
	const char *word;	/* canonical word: "pid", "pivot_root", "EPERM" */
	const char *kind;	/* "namespace", "call", "errno", "idea" */
	const char *aliases;	/* other words that find it, '|' separated so one may hold
				 * spaces ("write uid_map|/proc/PID/uid_map"); may be NULL */
	const char *text;	/* what it is and why it matters here; may hold '\n' */
	const char *man;	/* which man page to read next: "pid_namespaces(7)" */
};

/* Case-insensitive lookup by word or alias; NULL if unknown. */
const struct explain_entry *explain_lookup(const char *word);
size_t explain_count(void);
const struct explain_entry *explain_at(size_t i);
void explain_print(const struct explain_entry *e, FILE *out);
/* A short teaching hint for a call failing with err, or NULL. `call` is a
 * trace call name ("pivot_root", "write gid_map", "mount proc", "unshare"). */
const char *explain_hint(const char *call, int err);

#endif
