/* Sizes as people write them (64M, 1.5GiB, 4096): parse with clear errors, format readably. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "nslab/size.h"
#include "nslab/util.h"

#define UNIT_LIST "B, K, M, G, T, P, E, KiB, MiB, GiB, TiB, PiB, EiB, KB, MB, GB, TB, PB, EB"
/* Digits after the point that still change the result: 10^19 > 2^63. */
#define MAX_FRACTION_DIGITS 19

struct size_unit {
	const char *name;
	unsigned long long mult;
};

/* Matched without regard to case: "64m" and "64M" mean the same to docker and to us. */
/* clang-format off */
static const struct size_unit size_units[] = {
	{"B", 1ULL},
	{"K", 1ULL << 10},
	{"M", 1ULL << 20},
	{"G", 1ULL << 30},
	{"T", 1ULL << 40},
	{"P", 1ULL << 50},
	{"E", 1ULL << 60},
	{"KiB", 1ULL << 10},
	{"MiB", 1ULL << 20},
	{"GiB", 1ULL << 30},
	{"TiB", 1ULL << 40},
	{"PiB", 1ULL << 50},	/* size_format writes these two, so they read back */
	{"EiB", 1ULL << 60},
	{"KB", 1000ULL},
	{"MB", 1000000ULL},
	{"GB", 1000000000ULL},
	{"TB", 1000000000000ULL},
	{"PB", 1000000000000000ULL},
	{"EB", 1000000000000000000ULL},
};
/* clang-format on */

/* The parts of "1.5 GiB": integer digits, fraction digits, unit text. */
struct size_text {
	const char *digits;
	size_t ndigits;
	const char *frac;
	size_t nfrac;
	const char *unit;
	size_t nunit;
};

static const struct size_unit *unit_find(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(size_units); i++) {
		if (strlen(size_units[i].name) == len && strncasecmp(size_units[i].name, s, len) == 0)
			return &size_units[i];
	}
	return NULL;
}

/* Trim spaces around text into buf; false when it does not fit. */
static bool trim_copy(const char *text, char *buf, size_t size)
{
	while (isspace((unsigned char)*text))
		text++;
	size_t len = strlen(text);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (len >= size)
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return true;
}

static int split(const char *s, struct size_text *st)
{
	memset(st, 0, sizeof(*st));
	st->digits = s;
	st->ndigits = strspn(s, "0123456789");
	s += st->ndigits;
	if (*s == '.') {
		st->frac = ++s;
		st->nfrac = strspn(s, "0123456789");
		s += st->nfrac;
		if (!st->nfrac)
			return -EINVAL;
	}
	if (!st->ndigits)
		return -EINVAL;
	s += strspn(s, " \t");
	st->unit = s;
	st->nunit = strlen(s);
	return 0;
}

/* Integer digits times mult, refusing anything past 2^63-1. */
static int whole_part(const struct size_text *st, unsigned long long mult, unsigned __int128 *out)
{
	unsigned __int128 v = 0;

	for (size_t i = 0; i < st->ndigits; i++) {
		v = v * 10 + (unsigned)(st->digits[i] - '0');
		if (v > LLONG_MAX)
			return -ERANGE;
	}
	v *= mult;
	if (v > LLONG_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

/* ".5" of a unit in whole bytes, rounded down (0.3K is 307 bytes). */
static unsigned long long fraction_part(const struct size_text *st, unsigned long long mult)
{
	unsigned __int128 num = 0, den = 1;
	size_t n = st->nfrac < MAX_FRACTION_DIGITS ? st->nfrac : MAX_FRACTION_DIGITS;

	for (size_t i = 0; i < n; i++) {
		num = num * 10 + (unsigned)(st->frac[i] - '0');
		den *= 10;
	}
	return (unsigned long long)(num * mult / den);
}

static int size_error(struct nslab_error *e, int err, const char *text, const char *why)
{
	return nslab_error_set(e, err, "", "size '%s': %s", text, why);
}

int size_parse(const char *text, bool allow_zero, long long *out, struct nslab_error *e)
{
	char s[128];
	struct size_text st;
	unsigned __int128 v;

	if (!text)
		text = "";
	if (!trim_copy(text, s, sizeof(s)))
		return nslab_error_set(e, EINVAL, "", "size '%.40s...': too long to be a size", text);
	if (!s[0])
		return size_error(e, EINVAL, text, "empty");
	if (s[0] == '-')
		return size_error(e, EINVAL, text, "must not be negative");
	if (split(s, &st) < 0)
		return size_error(e, EINVAL, text, "not a size (like 4096, 64M, 1.5GiB)");
	const struct size_unit *u = st.nunit ? unit_find(st.unit, st.nunit) : &size_units[0];
	if (!u)
		return nslab_error_set(e, EINVAL, "", "size '%s': unknown unit '%s' (" UNIT_LIST ")", text, st.unit);
	if (st.nfrac && u->mult == 1)
		return size_error(e, EINVAL, text, "bytes are whole; a fraction needs a unit (like 1.5K)");
	if (whole_part(&st, u->mult, &v) < 0)
		return nslab_error_set(e, ERANGE, "", "size '%s' is too large (at most 8 EiB, 2^63-1 bytes)", text);
	v += fraction_part(&st, u->mult);
	if (v > LLONG_MAX)
		return nslab_error_set(e, ERANGE, "", "size '%s' is too large (at most 8 EiB, 2^63-1 bytes)", text);
	if (v == 0 && !allow_zero)
		return size_error(e, EINVAL, text, "must be more than 0 bytes");
	*out = (long long)v;
	return 0;
}

static const char *const format_units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

void size_format(long long bytes, char *buf, size_t size)
{
	if (!buf || !size)
		return;
	if (bytes < 1024) {
		snprintf(buf, size, "%lld B", bytes);
		return;
	}
	size_t i = 0;
	unsigned long long unit = 1;
	while (i + 1 < ARRAY_SIZE(format_units) && (unsigned long long)bytes >= unit << 10) {
		unit <<= 10;
		i++;
	}
	/* Round to hundredths; 1023.999 MiB reads better as 1 GiB. */
	unsigned __int128 hundredths = ((unsigned __int128)bytes * 100 + unit / 2) / unit;
	if (hundredths >= 1024 * 100 && i + 1 < ARRAY_SIZE(format_units)) {
		unit <<= 10;
		i++;
		hundredths = ((unsigned __int128)bytes * 100 + unit / 2) / unit;
	}
	unsigned long long whole = (unsigned long long)(hundredths / 100);
	unsigned frac = (unsigned)(hundredths % 100);
	if (frac == 0)
		snprintf(buf, size, "%llu %s", whole, format_units[i]);
	else if (frac % 10 == 0)
		snprintf(buf, size, "%llu.%u %s", whole, frac / 10, format_units[i]);
	else
		snprintf(buf, size, "%llu.%02u %s", whole, frac, format_units[i]);
}

void size_format_known(long long bytes, char *buf, size_t size)
{
	if (bytes < 0)
		snprintf(buf, size, "-");
	else
		size_format(bytes, buf, size);
}
