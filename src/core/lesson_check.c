/* Probe checks: "LEFT OP RIGHT" over the fields of compare --json. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "nslab/lesson.h"
#include "nslab/util.h"

static const struct {
	const char *text;
	enum lesson_op op;
} ops[] = {
	{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE}, {"<", OP_LT}, {">", OP_GT}, {"~", OP_MATCH},
};

/* The top-level names of compare --json, plus `status`. */
static const char *const roots[] = {"ps", "mounts", "links", "mem", "ids", "ns", "target", "status"};

static bool looks_like_path(const char *t)
{
	size_t first = strcspn(t, ".[");

	if (!isalpha((unsigned char)t[0]) || t[strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]")])
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++)
		if (strlen(roots[i]) == first && !strncmp(t, roots[i], first))
			return true;
	return false;
}

static int operand(const char *t, size_t len, struct lesson_operand *o, struct nslab_error *e)
{
	if (!len)
		return nslab_error_set(e, EINVAL, "", "a side of the comparison is empty");
	if (t[0] == '"') {
		if (len < 2 || t[len - 1] != '"')
			return nslab_error_set(e, EINVAL, "", "unclosed quote in %.*s", (int)len, t);
		o->text = strndup(t + 1, len - 2);
		o->is_path = false;
		return 0;
	}
	o->text = strndup(t, len);
	o->is_path = looks_like_path(o->text);
	return 0;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int lesson_check_parse(const char *text, struct lesson_check *c, struct nslab_error *e)
{
	memset(c, 0, sizeof(*c));
	const char *s = skip_ws(text);
	const char *quote_end = s[0] == '"' ? strchr(s + 1, '"') : NULL; /* a quoted LEFT may hold spaces */
	size_t left_len = quote_end ? (size_t)(quote_end - s) + 1 : strcspn(s, " \t=!<>~");
	const char *op_at = skip_ws(s + left_len);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strncmp(op_at, ops[i].text, strlen(ops[i].text)))
			break;
	if (i == ARRAY_SIZE(ops))
		return nslab_error_set(e, EINVAL, "", "\"%s\" wants LEFT OP RIGHT, OP one of == != < <= > >= ~", text);
	c->op = ops[i].op;
	const char *right = skip_ws(op_at + strlen(ops[i].text));
	size_t right_len = strlen(right);
	while (right_len && isspace((unsigned char)right[right_len - 1]))
		right_len--;
	if (operand(s, left_len, &c->left, e) < 0 || operand(right, right_len, &c->right, e) < 0) {
		lesson_check_free(c);
		return -1;
	}
	if (c->op == OP_MATCH && !c->right.is_path) {
		regex_t re;
		if (lesson_regex_compile(&re, c->right.text, strlen(c->right.text), false, e) < 0) {
			lesson_check_free(c);
			return -1;
		}
		regfree(&re);
	}
	c->source = xstrdup(skip_ws(text));
	return 0;
}

void lesson_check_free(struct lesson_check *c)
{
	free(c->left.text);
	free(c->right.text);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

/* Walk "a.b[2].c" from root. ".count" at the end asks for a list's length.
 * Returns false when a step is missing; *v may be NULL for a JSON null. */
static bool resolve(json_object *root, const char *path, json_object **v, bool *count)
{
	json_object *o = root;
	const char *p = path;

	*count = false;
	while (*p) {
		*v = o;
		if (*p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);
			if (*end != ']' || !json_object_is_type(o, json_type_array) || i >= json_object_array_length(o))
				return false;
			o = json_object_array_get_idx(o, i);
			p = end + 1;
			continue;
		}
		if (*p == '.')
			p++;
		size_t len = strcspn(p, ".[");
		char name[128];
		if (!len || len >= sizeof(name))
			return false;
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		bool is_list = json_object_is_type(o, json_type_array);
		if (!*p && !strcmp(name, "count") && (is_list || !json_object_object_get_ex(o, name, NULL))) {
			*count = true;
			break;
		}
		if (!json_object_is_type(o, json_type_object))
			return false;
		json_object *next;
		if (!json_object_object_get_ex(o, name, &next))
			return false;
		o = next;
	}
	*v = o;
	return true;
}

static void value_text(json_object *v, bool count, char *out, size_t size)
{
	if (count) {
		size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v)
							       : (size_t)json_object_object_length(v);
		snprintf(out, size, "%zu", n);
		return;
	}
	if (!v) {
		snprintf(out, size, "null");
		return;
	}
	if (json_object_is_type(v, json_type_string))
		snprintf(out, size, "%s", json_object_get_string(v));
	else
		snprintf(out, size, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int operand_value(const struct lesson_operand *o, json_object *root, int status, char *out, size_t size,
			 struct nslab_error *e)
{
	if (!o->is_path) {
		snprintf(out, size, "%s", o->text);
		return 0;
	}
	if (!strcmp(o->text, "status")) {
		snprintf(out, size, "%d", status);
		return 0;
	}
	if (!root)
		return nslab_error_set(e, ESRCH, "", "%s: there is no container to look at (run or start one first)", o->text);
	bool count;
	json_object *v;
	if (!resolve(root, o->text, &v, &count)) {
		json_object *why; /* a part that could not be probed says why */
		if (json_object_is_type(v, json_type_object) && json_object_object_get_ex(v, "error", &why))
			return nslab_error_set(e, ENOENT, "", "%s: %s", o->text, json_object_get_string(why));
		return nslab_error_set(e, ENOENT, "", "%s: no such field in compare --json", o->text);
	}
	if (count && !json_object_is_type(v, json_type_array) && !json_object_is_type(v, json_type_object))
		return nslab_error_set(e, EINVAL, "", "%s: .count wants a list", o->text);
	value_text(v, count, out, size);
	return 0;
}

static bool as_number(const char *s, double *d)
{
	char *end;

	/* Decimal only: strtod would also take "nan", "inf" and "0x10", which are words here. */
	if (!*s || s[strspn(s, "0123456789+-.eE")])
		return false;
	*d = strtod(s, &end);
	return *end == '\0';
}

static int compare_values(enum lesson_op op, const char *l, const char *r, struct nslab_error *e)
{
	double a, b;
	bool numbers = as_number(l, &a) && as_number(r, &b);

	if (op == OP_MATCH) {
		regex_t re;
		if (lesson_regex_compile(&re, r, strlen(r), false, e) < 0)
			return -1;
		int ok = regexec(&re, l, 0, NULL, 0) == 0;
		regfree(&re);
		return ok;
	}
	if (op == OP_EQ || op == OP_NE) {
		bool same = numbers ? a == b : !strcmp(l, r);
		return op == OP_EQ ? same : !same;
	}
	if (!numbers)
		return nslab_error_set(e, EINVAL, "", "\"%s\" and \"%s\" are not both numbers", l, r);
	switch (op) {
	case OP_LT: return a < b;
	case OP_LE: return a <= b;
	case OP_GT: return a > b;
	default: return a >= b;
	}
}

int lesson_check_eval(const struct lesson_check *c, json_object *root, int status, char *left, char *right,
		      size_t size, struct nslab_error *e)
{
	if (operand_value(&c->left, root, status, left, size, e) < 0 ||
	    operand_value(&c->right, root, status, right, size, e) < 0)
		return -1;
	int r = compare_values(c->op, left, right, e);
	return r < 0 ? -1 : r; /* -1 on any error, as lesson.h says */
}
