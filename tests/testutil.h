/* testutil.h: what the table-driven cmocka tests share; include after <cmocka.h>. */
#ifndef AFTERCARE_TESTUTIL_H
#define AFTERCARE_TESTUTIL_H

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Fails the test naming the table row, so a bad vector is easy to find. */
#define ROW_FAIL(row, ...) do {						\
	print_error("row %zu: ", (size_t)(row));			\
	print_error(__VA_ARGS__);					\
	print_error("\n");						\
	fail();								\
} while (0)

#endif
