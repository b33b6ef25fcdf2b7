/* Unit tests for id-map lines: parsing, limits, overlaps, formatting. */
#include "check.h"
#include "nslab/idmap.h"

static struct idmap m;

static int add(const char *a, const char *b, const char *c)
{
	struct idmap_line l;
	struct nslab_error e = {0};

	if (idmap_parse_line(a, b, c, &l, &e) < 0)
		return -1;
	return idmap_add(&m, &l, &e);
}

static void test_parse_valid(void)
{
	m.n = 0;
	CHECK(add("0", "1000", "1") == 0);
	CHECK(add("1", "100000", "65536") == 0);
	CHECK(m.n == 2);
	CHECK(m.lines[1].inside == 1 && m.lines[1].outside == 100000 && m.lines[1].count == 65536);
}

static void test_parse_invalid(void)
{
	m.n = 0;
	CHECK(add("a", "0", "1") < 0);
	CHECK(add("0", "-1", "1") < 0);
	CHECK(add("0", "0", "0") < 0);
	CHECK(add("0", "0", "") < 0);
	CHECK(add("4294967295", "0", "1") < 0);	/* (uid_t)-1 is not an id */
	CHECK(add("4294967290", "0", "10") < 0);	/* runs past the id space */
	CHECK(add("0", "0", "99999999999") < 0);
	CHECK(add(" 1", "0", "1") < 0);
	CHECK(m.n == 0);
}

static void test_overlaps(void)
{
	m.n = 0;
	CHECK(add("0", "1000", "10") == 0);
	CHECK(add("5", "2000", "1") < 0);	/* inside overlap */
	CHECK(add("20", "1005", "1") < 0);	/* outside overlap */
	CHECK(add("10", "1010", "5") == 0);	/* adjacent is fine */
	CHECK(m.n == 2);
}

static void test_line_limit(void)
{
	char a[16], b[16];

	m.n = 0;
	for (int i = 0; i < IDMAP_MAX_LINES; i++) {
		snprintf(a, sizeof(a), "%d", i);
		snprintf(b, sizeof(b), "%d", 1000 + i);
		CHECK(add(a, b, "1") == 0);
	}
	CHECK(add("100000", "200000", "1") < 0);
	CHECK(m.n == IDMAP_MAX_LINES);
}

static void test_format_and_parse_text(void)
{
	char buf[128];
	struct idmap back;
	struct nslab_error e = {0};

	m.n = 0;
	add("0", "1000", "1");
	add("1", "100000", "65536");
	CHECK(idmap_format(&m, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "0 1000 1\n1 100000 65536\n");
	/* What /proc/PID/uid_map shows: padded columns. */
	CHECK(idmap_parse_text("         0       1000          1\n         1     100000      65536\n", &back, &e) == 0);
	CHECK(back.n == 2 && back.lines[1].outside == 100000);
	CHECK(idmap_parse_text("0 1000\n", &back, &e) < 0);
	CHECK(idmap_parse_text("0 1 1 extra\n", &back, &e) < 0);
	CHECK(idmap_parse_text("", &back, &e) == 0 && back.n == 0);
}

static void test_to_outside(void)
{
	m.n = 0;
	add("0", "1000", "1");
	add("1", "100000", "65536");
	CHECK(idmap_to_outside(&m, 0) == 1000);
	CHECK(idmap_to_outside(&m, 2) == 100001);
	CHECK(idmap_to_outside(&m, 70000) == -1);
}

int main(void)
{
	RUN(test_parse_valid);
	RUN(test_parse_invalid);
	RUN(test_overlaps);
	RUN(test_line_limit);
	RUN(test_format_and_parse_text);
	RUN(test_to_outside);
	return CHECK_DONE();
}
