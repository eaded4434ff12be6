/* SPDX-License-Identifier: MIT */
/* test_util.c: numbers, UTF-8, one-line texts, buffers and allocators, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture/testenv.h"
#include "fixture/testutil.h"

#include "util.h"

static void
test_int64_parse(void **state)
{
	static const struct {
		const char	*s;
		int64_t		 min, max;
		int		 rc;
		int64_t		 want;	/* rc 0 */
		const char	*err;	/* rc -1: the message */
	} rows[] = {
		{ "0", 0, 10, 0, 0, NULL },
		{ "10", 0, 10, 0, 10, NULL },
		{ "-5", -10, 10, 0, -5, NULL },
		{ "007", 0, 10, 0, 7, NULL },
		/* strtoll(3)'s leading white space and sign are taken */
		{ " 3", 0, 10, 0, 3, NULL },
		{ "+3", 0, 10, 0, 3, NULL },
		{ "9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX,
		  NULL },
		{ "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN,
		  NULL },
		/* 8: not a number */
		{ NULL, 0, 10, -1, 0, "empty number" },
		{ "", 0, 10, -1, 0, "empty number" },
		{ "x", 0, 10, -1, 0, "\"x\" is not a whole number" },
		{ "3 ", 0, 10, -1, 0, "\"3 \" is not a whole number" },
		{ "1.5", 0, 10, -1, 0, "\"1.5\" is not a whole number" },
		{ "0x10", 0, 100, -1, 0, "\"0x10\" is not a whole number" },
		{ "1e3", 0, 10000, -1, 0, "\"1e3\" is not a whole number" },
		{ "-", 0, 10, -1, 0, "\"-\" is not a whole number" },
		{ " ", 0, 10, -1, 0, "\" \" is not a whole number" },
		{ "5\n", 0, 10, -1, 0, "\"5\n\" is not a whole number" },
		/* 18: out of range, or of int64_t */
		{ "11", 0, 10, -1, 0, "11 is out of range (0 to 10)" },
		{ "-1", 0, 10, -1, 0, "-1 is out of range (0 to 10)" },
		{ "9223372036854775808", INT64_MIN, INT64_MAX, -1, 0,
		  "9223372036854775808 is out of range (-9223372036854775808 "
		  "to 9223372036854775807)" },
		{ "-9223372036854775809", 0, 1, -1, 0,
		  "-9223372036854775809 is out of range (0 to 1)" },
		/* 22: a long input is quoted in part */
		{ "12345678901234567890123456789012345678901234567890", 0, 1,
		  -1, 0, "1234567890123456789012345678901234567890 is out of "
		  "range (0 to 1)" },
	};
	char	 err[256];
	int64_t	 v;
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		v = 42;
		err[0] = '\0';
		rc = util_int64_parse(rows[i].s, rows[i].min, rows[i].max, &v,
		    err, sizeof(err));
		if (rc != rows[i].rc)
			ROW_FAIL(i, "rc %d (%s)", rc, err);
		if (rc == 0 && v != rows[i].want)
			ROW_FAIL(i, "got %lld", (long long)v);
		if (rc == -1 && v != 42)
			ROW_FAIL(i, "the result was written: %lld",
			    (long long)v);
		if (rc == -1 && strcmp(err, rows[i].err) != 0)
			ROW_FAIL(i, "message \"%s\"", err);
	}
	/* a small buffer gets the start of the message, terminated */
	memset(err, 'X', sizeof(err));
	assert_int_equal(util_int64_parse("abc", 0, 1, &v, err, 8), -1);
	assert_string_equal(err, "\"abc\" i");
	assert_int_equal(err[8], 'X');
}

static void
test_utf8_decode(void **state)
{
	static const struct {
		const char	*s;
		size_t		 left;	/* 0: strlen(s) + 1 */
		int		 want;	/* the length, or -1 */
		uint32_t	 cp;
	} rows[] = {
		{ "a", 0, 1, 0x61 },
		{ "\x7f", 0, 1, 0x7f },
		{ "\xc2\x80", 0, 2, 0x80 },
		{ "\xc3\xa9t\xc3\xa9", 0, 2, 0xe9 },
		{ "\xdf\xbf", 0, 2, 0x7ff },
		{ "\xe0\xa0\x80", 0, 3, 0x800 },
		{ "\xe2\x9c\xa8", 0, 3, 0x2728 },
		{ "\xed\x9f\xbf", 0, 3, 0xd7ff },
		{ "\xee\x80\x80", 0, 3, 0xe000 },
		{ "\xef\xbf\xbf", 0, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 0, 4, 0x10000 },
		{ "\xf0\x9f\x98\x8a", 0, 4, 0x1f60a },
		{ "\xf4\x8f\xbf\xbf", 0, 4, 0x10ffff },
		/* 13: overlong forms */
		{ "\xc0\x80", 0, -1, 0 },
		{ "\xc1\xbf", 0, -1, 0 },
		{ "\xe0\x9f\xbf", 0, -1, 0 },
		{ "\xf0\x8f\xbf\xbf", 0, -1, 0 },
		/* 17: surrogates, past U+10FFFF, bytes that start nothing */
		{ "\xed\xa0\x80", 0, -1, 0 },
		{ "\xed\xbf\xbf", 0, -1, 0 },
		{ "\xf4\x90\x80\x80", 0, -1, 0 },
		{ "\xf5\x80\x80\x80", 0, -1, 0 },
		{ "\xff", 0, -1, 0 },
		{ "\x80", 0, -1, 0 },
		{ "\xbf", 0, -1, 0 },
		/* 24: cut short, by the end of the string or by left */
		{ "\xc3", 0, -1, 0 },
		{ "\xe2\x9c", 0, -1, 0 },
		{ "\xf0\x9f\x98", 0, -1, 0 },
		{ "\xc3\xa9", 1, -1, 0 },
		{ "\xf0\x9f\x98\x8a", 3, -1, 0 },
		{ "\xe2\x9c\xa8", 3, 3, 0x2728 },
		/* 30: a continuation byte that is not one */
		{ "\xc3\x28", 0, -1, 0 },
		{ "\xe2\x28\xa1", 0, -1, 0 },
		{ "\xe2\x82\x28", 0, -1, 0 },
		{ "\xf0\x9f\x98\xc0", 0, -1, 0 },
		/* 34: U+0000 is one byte; a NUL ends a sequence early */
		{ "", 0, 1, 0 },
		{ "\xc3", UTIL_UTF8_MAX, -1, 0 },
		{ "\xf0\x9f", UTIL_UTF8_MAX, -1, 0 },
	};
	const unsigned char	*s;
	uint32_t		 cp;
	size_t			 i, left;
	int			 n;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		s = (const unsigned char *)rows[i].s;
		left = rows[i].left != 0 ? rows[i].left : strlen(rows[i].s) + 1;
		cp = 0xdeadbeef;
		n = util_utf8_decode(s, left, &cp);
		if (n != rows[i].want)
			ROW_FAIL(i, "length %d", n);
		if (n > 0 && cp != rows[i].cp)
			ROW_FAIL(i, "U+%04X", (unsigned)cp);
	}
	assert_int_equal(util_utf8_decode((const unsigned char *)"a", 0, &cp),
	    -1);
}

static void
test_text_clean(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} rows[] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "a\nb", "a b" },
		{ "a\r\nb", "a  b" },
		{ "\ttab", " tab" },
		{ "\x01\x1f\x7f", "   " },
		{ "\x1b[31mred", " [31mred" },
		/* UTF-8 and bytes above 0x7f are left as they are */
		{ "caf\xc3\xa9 \xf0\x9f\x98\x8a",
		  "caf\xc3\xa9 \xf0\x9f\x98\x8a" },
		{ "\x80\xff", "\x80\xff" },
		{ " ~", " ~" },
	};
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		s = xstrdup(rows[i].in);
		util_text_clean(s);
		if (strcmp(s, rows[i].want) != 0)
			ROW_FAIL(i, "got \"%s\"", s);
		free(s);
	}
}

static void
test_buf(void **state)
{
	struct buf	 b;
	char		*s;
	size_t		 i;

	(void)state;
	/* empty: no data until the first append, and taking gives "" */
	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	s = buf_take(&b);
	assert_string_equal(s, "");
	free(s);
	buf_append(&b, "", 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_clear(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);

	/* bytes as they are, NULs included, always terminated */
	buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	buf_puts(&b, "cd");
	buf_printf(&b, "%d-%s", 42, "x");
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data, "a\0bcd42-x", 10);
	s = buf_take(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_memory_equal(s, "a\0bcd42-x", 10);
	free(s);

	/* growth, a byte at a time and by a large printf */
	for (i = 0; i < 100000; i++)
		buf_append(&b, &"0123456789"[i % 10], 1);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	for (i = 0; i < 100000; i++)
		if (b.data[i] != (char)('0' + i % 10))
			fail_msg("byte %zu is %c", i, b.data[i]);
	assert_int_equal(b.data[b.len], '\0');
	buf_printf(&b, "%5000s|", "");
	assert_int_equal(b.len, 105001);
	assert_int_equal(strspn(b.data + 100000, " "), 5000);
	assert_string_equal(b.data + 105000, "|");
	buf_clear(&b);
}

static void
test_escape_markup(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} rows[] = {
		{ "", "" },
		{ "plain text, 24h", "plain text, 24h" },
		{ "&", "&amp;" },
		{ "<b>", "&lt;b&gt;" },
		{ "\"Ana's\"", "&quot;Ana&#39;s&quot;" },
		{ "&amp;", "&amp;amp;" },
		{ "<script>x</script>", "&lt;script&gt;x&lt;/script&gt;" },
		{ "caf\xc3\xa9 \xe2\x80\x8f", "caf\xc3\xa9 \xe2\x80\x8f" },
	};
	struct buf	 b;
	char		*s;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&b);
		buf_puts(&b, "[");
		buf_escape_markup(&b, rows[i].in);
		buf_puts(&b, "]");
		s = buf_take(&b);
		if (strlen(s) != strlen(rows[i].want) + 2 ||
		    strncmp(s + 1, rows[i].want, strlen(rows[i].want)) != 0)
			fail_msg("row %zu: got %s, want [%s]", i, s,
			    rows[i].want);
		free(s);
	}
}

static void
test_alloc(void **state)
{
	char	*p, *q;
	size_t	 i;

	(void)state;
	/* size 0 still gives a pointer to free */
	p = xmalloc(0);
	assert_non_null(p);
	free(p);
	p = xrealloc(NULL, 0);
	assert_non_null(p);
	free(p);
	p = xcalloc(0, 0);
	assert_non_null(p);
	free(p);
	p = xcalloc(16, 4);
	for (i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	p = xrealloc(p, 4096);
	assert_int_equal(p[63], 0);
	free(p);

	assert_null(xstrdup(NULL));
	p = xstrdup("copy");
	q = xstrdup(p);
	assert_ptr_not_equal(p, q);
	assert_string_equal(q, "copy");
	free(p);
	free(q);

	p = xasprintf("%s=%d;%c", "a", -1, 'z');
	assert_string_equal(p, "a=-1;z");
	free(p);
	p = xasprintf("%s", "");
	assert_string_equal(p, "");
	free(p);
	p = xasprintf("%3000d", 7);
	assert_int_equal(strlen(p), 3000);
	assert_int_equal(p[2999], '7');
	free(p);
}

/* A buffer asked to grow past SIZE_MAX. */
static void
grow_too_far(void *arg)
{
	struct buf	 b;

	(void)arg;
	buf_init(&b);
	buf_append(&b, "", SIZE_MAX);
}

#ifndef __SANITIZE_ADDRESS__
/* AddressSanitizer reports an allocation this large instead. */
static void
malloc_too_much(void *arg)
{
	(void)arg;
	free(xmalloc(SIZE_MAX));
}
#endif

/* Out of memory: one line on stderr, the journal's error, and exit 1. */
static void
test_out_of_memory(void **state)
{
	void	(*fns[])(void *) = {
		grow_too_far,
#ifndef __SANITIZE_ADDRESS__
		malloc_too_much,
#endif
	};
	char	*got;
	size_t	 i;
	int	 status;

	(void)state;
	for (i = 0; i < NELEM(fns); i++) {
		status = testenv_stderr_of(fns[i], NULL, &got);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			ROW_FAIL(i, "wait status 0x%x", status);
		if (strcmp(got, "<3>out of memory\n") != 0)
			ROW_FAIL(i, "got \"%s\"", got);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int64_parse),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_text_clean),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_escape_markup),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
