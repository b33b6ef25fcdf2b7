/* Fuzz target: size_parse (limit memory 64M, 1.5GiB, ...) and size_format. */
#include <limits.h>

#include "fuzz.h"
#include "nslab/size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct nslab_error e = {0};
	long long v = -1;
	char buf[64];

	for (int allow_zero = 0; allow_zero < 2; allow_zero++) {
		if (size_parse(text, allow_zero, &v, &e) < 0) {
			FUZZ_ASSERT(e.msg[0] != '\0');
			continue;
		}
		FUZZ_ASSERT(v >= 0 && (v > 0 || allow_zero));
		/* The plain number of bytes reads back as itself. */
		long long again = -1;
		snprintf(buf, sizeof(buf), "%lld", v);
		FUZZ_ASSERT(size_parse(buf, true, &again, &e) == 0 && again == v);
		snprintf(buf, sizeof(buf), "%lldB", v);
		FUZZ_ASSERT(size_parse(buf, true, &again, &e) == 0 && again == v);
		size_format(v, buf, sizeof(buf));
		FUZZ_ASSERT(buf[0] >= '0' && buf[0] <= '9');
		/* What size_format prints is a size again (rounded, so only close;
		 * the last few PiB below 2^63 round up to an "8 EiB" past the top). */
		if (v < (1LL << 62))
			FUZZ_ASSERT(size_parse(buf, true, &again, &e) == 0);
		size_format_known(v, buf, 4);
	}
	free(text);
	return 0;
}
