/* testutil.h: what the table-driven cmocka tests share; include after <cmocka.h>. */
#ifndef AFTERCARE_TESTUTIL_H
#define AFTERCARE_TESTUTIL_H

#include <stdbool.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Fails the test naming the table row, so a bad vector is easy to find. */
#define ROW_FAIL(row, ...) do {						\
	print_error("row %zu: ", (size_t)(row));			\
	print_error(__VA_ARGS__);					\
	print_error("\n");						\
	fail();								\
} while (0)

/*
 * True if s is valid UTF-8 with no control character (C0, DEL or C1), as
 * a message a patient receives must be.
 */
static inline bool
testutil_clean_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 n, i;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			return false;
		/* C1 controls U+0080..U+009F are C2 80..C2 9F */
		if (*p == 0xc2 && p[1] < 0xa0)
			return false;
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n + 1;
	}
	return true;
}

#endif
