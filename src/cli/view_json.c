/* JSON views through json-c: the same structs as the text views, with both
 * sides and nothing lost to column widths. */
#include <json.h>
#include <string.h>

#include "view.h"

static json_object *jstr(const char *s) { return json_object_new_string(s ? s : ""); }
static json_object *jint(long long v) { return json_object_new_int64(v); }

static json_object *proc_json(const struct proc_info *p)
{
	json_object *o = json_object_new_object();
	char state[2] = {p->state, '\0'};

	json_object_object_add(o, "pid", jint(p->pid));
	json_object_object_add(o, "ppid", jint(p->ppid));
	json_object_object_add(o, "nspid", p->in_target ? jint(p->nspid) : NULL);
	json_object_object_add(o, "ns_ppid", p->in_target ? jint(p->ns_ppid) : NULL);
	json_object_object_add(o, "uid", jint(p->uid));
	json_object_object_add(o, "uid_inside", p->uid_inside >= 0 ? jint(p->uid_inside) : NULL);
	json_object_object_add(o, "state", jstr(state));
	json_object_object_add(o, "rss_kb", p->rss_kb >= 0 ? jint(p->rss_kb) : NULL);
	json_object_object_add(o, "pidns", jint((long long)p->pidns));
	json_object_object_add(o, "in_container", json_object_new_boolean(p->in_target));
	json_object_object_add(o, "comm", jstr(p->comm));
	json_object_object_add(o, "cmdline", jstr(p->cmdline));
	return o;
}

static json_object *ps_json(const struct snapshot *s)
{
	json_object *host = json_object_new_array(), *inside = json_object_new_array();

	for (size_t i = 0; i < s->procs.n; i++) {
		const struct proc_info *p = &s->procs.v[i];
		if (p->gone)
			continue;
		json_object_array_add(host, proc_json(p));
		if (p->in_target)
			json_object_array_add(inside, proc_json(p));
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "host", host);
	json_object_object_add(o, "container", inside);
	return o;
}

static json_object *mounts_side(const struct mount_list *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct mount_info *m = &l->v[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", jint(m->id));
		json_object_object_add(o, "parent", jint(m->parent));
		json_object_object_add(o, "root", jstr(m->root));
		json_object_object_add(o, "target", jstr(m->target));
		json_object_object_add(o, "fstype", jstr(m->fstype));
		json_object_object_add(o, "source", jstr(m->source));
		json_object_object_add(o, "options", jstr(m->options));
		json_object_object_add(o, "propagation", jstr(mount_propagation_name(m->propagation)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *links_side(const struct link_list *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct link_info *k = &l->v[i];
		json_object *o = json_object_new_object(), *addrs = json_object_new_array();
		json_object_object_add(o, "index", jint(k->index));
		json_object_object_add(o, "name", jstr(k->name));
		json_object_object_add(o, "kind", jstr(k->kind));
		json_object_object_add(o, "state", jstr(k->state));
		json_object_object_add(o, "up", json_object_new_boolean(k->up));
		json_object_object_add(o, "mac", jstr(k->mac));
		json_object_object_add(o, "mtu", jint(k->mtu));
		json_object_object_add(o, "peer_index", k->peer_index ? jint(k->peer_index) : NULL);
		json_object_object_add(o, "master", k->master ? jint(k->master) : NULL);
		for (int j = 0; j < k->n_addrs; j++)
			json_object_array_add(addrs, jstr(k->addrs[j].text));
		json_object_object_add(o, "addresses", addrs);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *pair(json_object *host, json_object *inside)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "host", host);
	json_object_object_add(o, "container", inside);
	return o;
}

static json_object *map_json(const struct idmap *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->n; i++) {
		json_object *l = json_object_new_array();
		json_object_array_add(l, jint(m->lines[i].inside));
		json_object_array_add(l, jint(m->lines[i].outside));
		json_object_array_add(l, jint(m->lines[i].count));
		json_object_array_add(a, l);
	}
	return a;
}

static json_object *ids_side(const struct id_view *v)
{
	json_object *o = json_object_new_object();
	char hex[32];

	json_object_object_add(o, "hostname", jstr(v->hostname));
	json_object_object_add(o, "domainname", jstr(v->domainname));
	json_object_object_add(o, "uid_map", map_json(&v->uidmap));
	json_object_object_add(o, "gid_map", map_json(&v->gidmap));
	json_object_object_add(o, "setgroups", jstr(v->setgroups));
	json_object_object_add(o, "uid", jint(v->uid));
	json_object_object_add(o, "euid", jint(v->euid));
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)v->cap_eff);
	json_object_object_add(o, "cap_eff", jstr(hex));
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)v->cap_prm);
	json_object_object_add(o, "cap_prm", jstr(hex));
	json_object_object_add(o, "cap_eff_names", jstr(v->cap_eff_names));
	json_object_object_add(o, "offset_monotonic", jint(v->offset_monotonic));
	json_object_object_add(o, "offset_boottime", jint(v->offset_boottime));
	json_object_object_add(o, "uptime", json_object_new_double(v->uptime));
	return o;
}

static json_object *ns_json(const struct snapshot *s)
{
	json_object *o = json_object_new_object();

	for (int k = 0; k < NS_COUNT; k++) {
		json_object *n = json_object_new_object();
		json_object_object_add(n, "host", jint((long long)s->ids[SIDE_HOST].ns.ino[k]));
		json_object_object_add(n, "container", jint((long long)s->ids[SIDE_INSIDE].ns.ino[k]));
		json_object_object_add(n, "shared",
				       json_object_new_boolean(s->ids[SIDE_HOST].ns.ino[k] == s->ids[SIDE_INSIDE].ns.ino[k]));
		json_object_object_add(n, "owner", s->ids[SIDE_INSIDE].ns.owner[k] ? jint((long long)s->ids[SIDE_INSIDE].ns.owner[k]) : NULL);
		json_object_object_add(o, ns_table[k].name, n);
	}
	return o;
}

static json_object *mem_json(const struct snapshot *s)
{
	json_object *host = json_object_new_object(), *c = json_object_new_object();
	long long rss = 0;

	json_object_object_add(host, "total_kb", jint(s->host_mem.total_kb));
	json_object_object_add(host, "available_kb", jint(s->host_mem.available_kb));
	json_object_object_add(host, "free_kb", jint(s->host_mem.free_kb));
	for (size_t i = 0; i < s->procs.n; i++)
		if (s->procs.v[i].in_target && !s->procs.v[i].gone && s->procs.v[i].rss_kb > 0)
			rss += s->procs.v[i].rss_kb;
	json_object_object_add(c, "rss_kb", jint(rss));
	if (s->have_cg) {
		json_object_object_add(c, "current", jint(s->cg.mem_current));
		json_object_object_add(c, "peak", jint(s->cg.mem_peak));
		json_object_object_add(c, "limit", s->cg.mem_limit >= 0 ? jint(s->cg.mem_limit) : NULL);
		json_object_object_add(c, "failcnt", jint(s->cg.mem_failcnt));
		json_object_object_add(c, "oom_kill", jint(s->cg.oom_kill));
	}
	return pair(host, c);
}

static json_object *part_json(const struct snapshot *s, enum view_part part)
{
	if (!s->have[part]) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", jstr(s->errors[part]));
		return o;
	}
	switch (part) {
	case VIEW_PS: return ps_json(s);
	case VIEW_MOUNTS: return pair(mounts_side(&s->mounts[SIDE_HOST]), mounts_side(&s->mounts[SIDE_INSIDE]));
	case VIEW_LINKS: return pair(links_side(&s->links[SIDE_HOST]), links_side(&s->links[SIDE_INSIDE]));
	case VIEW_MEM: return mem_json(s);
	case VIEW_IDS: return pair(ids_side(&s->ids[SIDE_HOST]), ids_side(&s->ids[SIDE_INSIDE]));
	case VIEW_NS: return ns_json(s);
	default: return NULL;
	}
}

json_object *view_json_object(const struct snapshot *s, unsigned mask)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "target", jint(s->target));
	for (int part = 0; part < VIEW_COUNT; part++)
		if (mask & (1u << part))
			json_object_object_add(root, view_part_names[part], part_json(s, (enum view_part)part));
	return root;
}

void view_json(const struct snapshot *s, unsigned mask, FILE *out)
{
	json_object *root = view_json_object(s, mask);

	fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}
