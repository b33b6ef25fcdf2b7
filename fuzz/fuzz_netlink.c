/* Fuzz target: rtnetlink replies as the kernel would send them (src/core/
 * netlink.c), through the same parsers probe_links uses for RTM_NEWLINK and
 * RTM_NEWADDR messages. */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "fuzz.h"
#include "nslab/netlink.h"
#include "nslab/probe.h"

struct walk {
	const char *start, *end;	/* the message being walked */
	size_t attrs;
	int depth;
};

static int visit(const struct nlattr *a, void *data);

/* Every attribute handed out lies whole inside its message. */
static int visit(const struct nlattr *a, void *data)
{
	struct walk *w = data;
	const char *p = (const char *)a;

	FUZZ_ASSERT(p >= w->start && p + sizeof(*a) <= w->end);
	FUZZ_ASSERT(a->nla_len >= NLA_HDRLEN && p + a->nla_len <= w->end);
	FUZZ_ASSERT(nl_attr_len(a) == (size_t)a->nla_len - NLA_HDRLEN);
	w->attrs++;
	FUZZ_ASSERT(w->attrs <= (size_t)(w->end - w->start) / NLA_HDRLEN);
	if ((a->nla_type & NLA_F_NESTED) && w->depth < 4) {
		w->depth++;
		int r = nl_attr_parse_nested(a, visit, w);
		FUZZ_ASSERT(r == 0 || r == -EBADMSG);
		w->depth--;
	}
	return 0;
}

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *l = data;
	struct walk w = {(const char *)nlh, (const char *)nlh + nlh->nlmsg_len, 0, 0};
	size_t before = l->n;

	FUZZ_ASSERT(nlh->nlmsg_len >= NLMSG_HDRLEN);
	int r = nl_attr_parse(nlh, sizeof(struct ifinfomsg), visit, &w);
	FUZZ_ASSERT(r == 0 || r == -EBADMSG);
	if (nlh->nlmsg_type == RTM_NEWLINK)
		probe_links_parse_link(nlh, l);
	else if (nlh->nlmsg_type == RTM_NEWADDR)
		probe_links_parse_addr(nlh, l);
	FUZZ_ASSERT(l->n <= before + 1 && l->n <= l->cap);
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_ASSERT(memchr(l->v[i].name, '\0', sizeof(l->v[i].name)) != NULL);
		FUZZ_ASSERT(memchr(l->v[i].kind, '\0', sizeof(l->v[i].kind)) != NULL);
		FUZZ_ASSERT(memchr(l->v[i].mac, '\0', sizeof(l->v[i].mac)) != NULL);
		FUZZ_ASSERT(l->v[i].n_addrs >= 0 && l->v[i].n_addrs <= LINK_MAX_ADDRS);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A buffer of exactly the input's size and netlink's alignment: any read
	 * past the reply is an ASan report. */
	void *buf = malloc(size ? size : 1);
	struct link_list l = {0};

	if (!buf)
		abort();
	memcpy(buf, data, size);
	int r = nl_reply_run(buf, size, 0, 0, on_message, &l);
	FUZZ_ASSERT(r <= 1);
	link_list_free(&l);
	free(buf);
	return 0;
}
