/* Unit tests for sizes: every accepted form, every error class, and formatting. */
#include <errno.h>
#include <limits.h>

#include "check.h"
#include "nslab/size.h"

static long long parsed(const char *text)
{
	struct nslab_error e = {0};
	long long v = -12345;
	if (size_parse(text, true, &v, &e) < 0) {
		printf("  unexpected error: %s\n", e.msg);
		return -12345;
	}
	return v;
}

/* The message size_parse gives for text ("" when it accepted it). */
static const char *refused(const char *text, bool allow_zero)
{
	static struct nslab_error e;
	long long v = 777;
	nslab_error_clear(&e);
	if (size_parse(text, allow_zero, &v, &e) == 0)
		return "";
	CHECK(v == 777); /* out untouched on error */
	CHECK(e.err == EINVAL || e.err == ERANGE);
	return e.msg;
}

static void test_plain_and_binary(void)
{
	CHECK(parsed("4096") == 4096);
	CHECK(parsed("0") == 0);
	CHECK(parsed("512B") == 512);
	CHECK(parsed("512b") == 512);
	CHECK(parsed("1K") == 1024);
	CHECK(parsed("64M") == 64LL << 20);
	CHECK(parsed("64m") == 64LL << 20);
	CHECK(parsed("2G") == 2LL << 30);
	CHECK(parsed("3T") == 3LL << 40);
	CHECK(parsed("1KiB") == 1024);
	CHECK(parsed("100MiB") == 100LL << 20);
	CHECK(parsed("1gib") == 1LL << 30);
	CHECK(parsed("2TiB") == 2LL << 40);
}

static void test_decimal_units(void)
{
	CHECK(parsed("2KB") == 2000);
	CHECK(parsed("1MB") == 1000000);
	CHECK(parsed("3GB") == 3000000000LL);
	CHECK(parsed("1TB") == 1000000000000LL);
}

static void test_spaces_and_fractions(void)
{
	CHECK(parsed("1 MiB") == 1LL << 20);
	CHECK(parsed("  8K\n") == 8192);
	CHECK(parsed("1.5G") == 1610612736LL);
	CHECK(parsed("1.5 GiB") == 1610612736LL);
	CHECK(parsed("0.5K") == 512);
	CHECK(parsed("0.3K") == 307); /* 307.2 rounds down to whole bytes */
	CHECK(parsed("1.25MB") == 1250000);
	CHECK(parsed("2.000000000000000000000001K") == 2048);
}

static void test_limits(void)
{
	CHECK(parsed("9223372036854775807") == LLONG_MAX);
	CHECK(parsed("8388607T") == 8388607LL << 40);
	CHECK_CONTAINS(refused("9223372036854775808", true), "is too large");
	CHECK_CONTAINS(refused("8388608T", true), "size '8388608T' is too large");
	CHECK_CONTAINS(refused("99999999999T", true), "size '99999999999T' is too large");
	CHECK(parsed("8388607.9999999999999999999T") == LLONG_MAX);
	CHECK_CONTAINS(refused("8388608.0T", true), "is too large");
	CHECK_CONTAINS(refused("123456789012345678901234567890", true), "is too large");
}

static void test_errors(void)
{
	CHECK_STR(refused("-5M", true), "size '-5M': must not be negative");
	CHECK_STR(refused("12Q", true),
	          "size '12Q': unknown unit 'Q' (B, K, M, G, T, P, E, KiB, MiB, GiB, TiB, PiB, EiB, KB, MB, GB, TB, PB, EB)");
	CHECK_STR(refused("", true), "size '': empty");
	CHECK_STR(refused("   ", true), "size '   ': empty");
	CHECK_STR(refused(NULL, true), "size '': empty");
	CHECK_CONTAINS(refused("abc", true), "size 'abc': not a size");
	CHECK_CONTAINS(refused("M", true), "not a size");
	CHECK_CONTAINS(refused("+5M", true), "not a size");
	CHECK_CONTAINS(refused(".5G", true), "not a size");
	CHECK_CONTAINS(refused("5.G", true), "not a size");
	CHECK_CONTAINS(refused("1.5", true), "a fraction needs a unit");
	CHECK_CONTAINS(refused("1.5B", true), "a fraction needs a unit");
	CHECK_CONTAINS(refused("10 M B", true), "unknown unit 'M B'");
	CHECK_CONTAINS(refused("1e6", true), "unknown unit 'e6'");
}

static void test_zero(void)
{
	CHECK_STR(refused("0", true), "");
	CHECK_STR(refused("0", false), "size '0': must be more than 0 bytes");
	CHECK_CONTAINS(refused("0M", false), "must be more than 0 bytes");
	CHECK_CONTAINS(refused("0.0001K", false), "must be more than 0 bytes");
	CHECK_STR(refused("1", false), "");
}

static const char *formatted(long long v)
{
	static char buf[32];
	size_format(v, buf, sizeof(buf));
	return buf;
}

static void test_format(void)
{
	CHECK_STR(formatted(0), "0 B");
	CHECK_STR(formatted(512), "512 B");
	CHECK_STR(formatted(1000), "1000 B");
	CHECK_STR(formatted(1024), "1 KiB");
	CHECK_STR(formatted(1536), "1.5 KiB");
	CHECK_STR(formatted(100LL << 20), "100 MiB");
	CHECK_STR(formatted(1610612736LL), "1.5 GiB");
	CHECK_STR(formatted((5LL << 30) / 4), "1.25 GiB");
	CHECK_STR(formatted((1LL << 30) - 1), "1 GiB");
	CHECK_STR(formatted(1LL << 40), "1 TiB");
	CHECK_STR(formatted(LLONG_MAX), "8 EiB");
	CHECK_STR(formatted(-1), "-1 B");

	char tiny[6];
	size_format(1536, tiny, sizeof(tiny));
	CHECK_STR(tiny, "1.5 K");
}

static void test_round_trip(void)
{
	static const long long values[] = {1, 4096, 64LL << 20, 1610612736LL, 3LL << 40};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		CHECK(parsed(formatted(values[i])) == values[i]);
}

int main(void)
{
	RUN(test_plain_and_binary);
	RUN(test_decimal_units);
	RUN(test_spaces_and_fractions);
	RUN(test_limits);
	RUN(test_errors);
	RUN(test_zero);
	RUN(test_format);
	RUN(test_round_trip);
	return CHECK_DONE();
}
