/* Unit tests for the memory probe: /proc/meminfo fixtures, odd spacing, missing keys. */
#include <errno.h>

#include "check.h"
#include "nslab/probe.h"

static const char full[] = "MemTotal:       16318480 kB\n"
                           "MemFree:         9876543 kB\n"
                           "MemAvailable:   12345678 kB\n"
                           "Buffers:          234567 kB\n"
                           "Cached:          2345678 kB\n"
                           "SwapCached:            0 kB\n"
                           "Active:          3456789 kB\n"
                           "SwapTotal:       1048572 kB\n"
                           "SwapFree:        1048000 kB\n"
                           "HugePages_Total:       0\n"
                           "Hugepagesize:       2048 kB\n";

static void test_full(void)
{
	struct meminfo m;

	CHECK(probe_parse_meminfo(full, &m) == 0);
	CHECK(m.total_kb == 16318480);
	CHECK(m.free_kb == 9876543);
	CHECK(m.available_kb == 12345678);
	CHECK(m.buffers_kb == 234567);
	CHECK(m.cached_kb == 2345678); /* not SwapCached */
	CHECK(m.swap_total_kb == 1048572);
	CHECK(m.swap_free_kb == 1048000);
}

static void test_missing_keys(void)
{
	struct meminfo m;

	/* Before 3.14 there was no MemAvailable; no swap lines at all here. */
	CHECK(probe_parse_meminfo("MemTotal: 1000 kB\nMemFree: 200 kB\nCached: 300 kB\n", &m) == 0);
	CHECK(m.total_kb == 1000 && m.free_kb == 200 && m.cached_kb == 300);
	CHECK(m.available_kb == -1 && m.buffers_kb == -1);
	CHECK(m.swap_total_kb == -1 && m.swap_free_kb == -1);
	CHECK(probe_parse_meminfo("", &m) == -EINVAL);
	CHECK(m.total_kb == -1 && m.swap_free_kb == -1);
	CHECK(probe_parse_meminfo("Active: 5 kB\nnonsense\n", &m) == -EINVAL);
}

static void test_odd_spacing(void)
{
	struct meminfo m;

	CHECK(probe_parse_meminfo("MemTotal:1234 kB\n"
	                          "MemFree:\t\t 55 kB\n"
	                          "  Buffers:   66 kB   \n"
	                          "Cached: 77\n"
	                          "SwapTotal:   0 kB",
	                          &m) == 0);
	CHECK(m.total_kb == 1234);
	CHECK(m.free_kb == 55);
	CHECK(m.buffers_kb == 66);
	CHECK(m.cached_kb == 77);
	CHECK(m.swap_total_kb == 0); /* last line without a newline */
}

static void test_bad_values(void)
{
	struct meminfo m;

	/* A key without a number, a number on the next line, a negative size,
	 * a near-miss key: none of them counts. */
	CHECK(probe_parse_meminfo("MemTotal:\n123 kB\nMemFree: -5 kB\nMemFreeX: 9 kB\nMemtotal: 8 kB\n"
	                          "Cached: 10 kB\n",
	                          &m) == 0);
	CHECK(m.total_kb == -1);
	CHECK(m.free_kb == -1);
	CHECK(m.cached_kb == 10);
}

static void test_read_live(void)
{
	struct nslab_error e = {0};
	struct meminfo m;

	CHECK(probe_meminfo_read(&m, &e) == 0);
	CHECK(m.total_kb > 0);
	CHECK(m.free_kb >= 0 && m.free_kb <= m.total_kb);
	CHECK(m.available_kb >= 0 && m.available_kb <= m.total_kb);
	CHECK(m.swap_total_kb >= 0 && m.swap_free_kb <= m.swap_total_kb);
}

int main(void)
{
	RUN(test_full);
	RUN(test_missing_keys);
	RUN(test_odd_spacing);
	RUN(test_bad_values);
	RUN(test_read_live);
	return CHECK_DONE();
}
