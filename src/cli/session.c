/* The session: the spec being built, the current container, the prompt. */
#include <string.h>
#include <unistd.h>

#include "session.h"

void session_init(struct session *s, FILE *out)
{
	/* Field by field: container_init leaves its cgroup structs alone. */
	spec_init(&s->spec);
	container_init(&s->ct);
	s->out = out;
	s->interactive = s->quit = false;
	s->last_status = 0;
}

void session_free(struct session *s)
{
	bool killed;
	struct nslab_error e;

	session_poll(s);
	if (s->ct.state == CONTAINER_RUNNING || s->ct.state == CONTAINER_STOPPED)
		container_stop(&s->ct, 1000, &killed, &e);
	container_free(&s->ct);
	spec_free(&s->spec);
}

void session_poll(struct session *s)
{
	char how[64];

	if (!container_poll(&s->ct) || s->ct.state != CONTAINER_EXITED)
		return;
	container_describe_end(s->ct.wait_status, how, sizeof(how));
	fprintf(s->out, "[container %s %s]\n", s->ct.id, how);
	char oom[192];
	container_describe_oom(&s->ct, oom, sizeof(oom));
	if (oom[0])
		fprintf(s->out, "[%s]\n", oom);
	s->last_status = container_exit_code(s->ct.wait_status);
}

void session_prompt(const struct session *s, char *buf, size_t size)
{
	char words[128];

	spec_flags_words(&s->spec, words, sizeof(words));
	if (s->ct.state == CONTAINER_RUNNING || s->ct.state == CONTAINER_STOPPED)
		snprintf(buf, size, "nslab [%s] %s %c ", words, s->ct.id, geteuid() == 0 ? '#' : '$');
	else
		snprintf(buf, size, "nslab [%s] %c ", words, geteuid() == 0 ? '#' : '$');
}
