/* SPDX-License-Identifier: MIT */
/* test_phone.c: table-driven tests of phone number normalisation to E.164. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "phone.h"

static void	test_accepted(void **);
static void	test_rejected(void **);
static void	test_small_buffer(void **);
static void	digits_of(const char *, char *, size_t);

/* The digits of s, in order. */
static void
digits_of(const char *s, char *out, size_t len)
{
	size_t	n = 0;

	for (; *s != '\0' && n + 1 < len; s++)
		if (*s >= '0' && *s <= '9')
			out[n++] = *s;
	out[n] = '\0';
}

static void
test_accepted(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "+1 (555) 010-0123", "+15550100123" },
		{ "+15550100123", "+15550100123" },
		{ "+1.555.010.0123", "+15550100123" },
		{ "+1-555-010-0123", "+15550100123" },
		{ "  +1 555 010 0123  ", "+15550100123" },
		{ "001 555 010 0123", "+15550100123" },
		{ "00 1 555 010 0123", "+15550100123" },
		{ "+44 20 7946 0000", "+442079460000" },
		{ "0044 20 7946 0000", "+442079460000" },
		{ "+44 (0)20 7946 0000", "+442079460000" },
		{ "+44 (20) 7946-0000", "+442079460000" },
		{ "+33 1 23 45 67 89", "+33123456789" },
		{ "+49 30 1234567", "+49301234567" },
		{ "+4915123456789", "+4915123456789" },
		{ "+61 4 1234 5678", "+61412345678" },
		{ "+353 (0)1 234 5678", "+35312345678" },
		{ "+91 98765 43210", "+919876543210" },
		{ "+12345678", "+12345678" },			/* 8 digits */
		{ "+123456789012345", "+123456789012345" },	/* 15 digits */
		{ "+1 -- 555 .. 010 (0123)", "+15550100123" },
	};
	char	 out[PHONE_E164_MAX], err[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		if (phone_normalize(cases[i].in, out, sizeof(out), err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "\"%s\": unexpected error: %s",
			    cases[i].in, err);
		if (strcmp(out, cases[i].want) != 0)
			ROW_FAIL(i, "\"%s\": got \"%s\", want \"%s\"",
			    cases[i].in, out, cases[i].want);
	}
}

static void
test_rejected(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* a substring of the message */
	} cases[] = {
		{ "", "empty phone number" },
		{ "   ", "empty phone number" },
		{ "020 7946 0000", "phone number has no country code "
		    "(write it with + and the country code)" },
		{ "(212) 555-0199", "has no country code" },
		{ "44 20 7946 0000", "has no country code" },
		{ "+1 212 555 0199 x123", "extension" },
		{ "+1 212 555 0199 X 12", "extension" },
		{ "+1 212 555 0199 ext. 12", "extension" },
		{ "+1 212 555 0199,,12", "dial pause" },
		{ "+1 212 555 0199;12", "dial pause" },
		{ "+1 212 555 0199#", "extension" },
		{ "+1 800 FLOWERS", "has letters" },
		{ "+1 212 555 O199", "has letters" },
		{ "phone: +1 212 555 0199", "has letters" },
		{ "+1 212+555 0199", "'+' that is not at the start" },
		{ "++1 212 555 0199", "'+' that is not at the start" },
		{ "00+1 212 555 0199", "'+' that is not at the start" },
		{ "(+44) 20 7946 0000", "'+' that is not at the start" },
		{ "+1 212 555 0199+", "'+' that is not at the start" },
		{ "+1234567", "phone number has 7 digits; E.164 needs at "
		    "least 8" },
		{ "+1", "phone number has 1 digit; E.164 needs at least 8" },
		{ "+12345678901234567", "phone number has 17 digits; E.164 "
		    "allows at most 15" },
		{ "+1234567890123456", "has 16 digits" },
		{ "0044 20 7946 0000 0000 0000", "has 20 digits" },
		{ "+0 212 555 0199", "country code starts with 0" },
		{ "+044 20 7946 0000", "country code starts with 0" },
		{ "0001 212 555 0199", "country code starts with 0" },
		{ "+", "has no digits" },
		{ "00", "has no digits" },
		{ "+ - ()", "has no digits" },
		{ "+1 (212 555 0199", "unbalanced or nested parentheses" },
		{ "+1 212) 555 0199", "unbalanced or nested parentheses" },
		{ "+1 ((212)) 555 0199", "unbalanced or nested parentheses" },
		{ "+1/212/555/0199", "has '/'" },
		{ "+1 212_555_0199", "has '_'" },
		{ "+1\t212 555 0199", "other than digits" },
		{ "+\xef\xbc\x91 212 555 0199", "other than digits" },
		{ "+1 212 555 0199\n", "other than digits" },
	};
	char	 out[PHONE_E164_MAX], err[128], in_digits[64], err_digits[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		memset(out, 'X', sizeof(out));
		if (phone_normalize(cases[i].in, out, sizeof(out), err,
		    sizeof(err)) != -1)
			ROW_FAIL(i, "\"%s\": accepted as \"%s\"", cases[i].in,
			    out);
		if (out[0] != '\0')
			ROW_FAIL(i, "\"%s\": out is not empty on error",
			    cases[i].in);
		if (strstr(err, cases[i].want) == NULL)
			ROW_FAIL(i, "\"%s\": message \"%s\" lacks \"%s\"",
			    cases[i].in, err, cases[i].want);
		/* The number itself must never appear in a message. */
		digits_of(cases[i].in, in_digits, sizeof(in_digits));
		digits_of(err, err_digits, sizeof(err_digits));
		if (strlen(in_digits) >= 4 &&
		    strstr(err_digits, in_digits) != NULL)
			ROW_FAIL(i, "\"%s\": message leaks the number: \"%s\"",
			    cases[i].in, err);
	}
	if (phone_normalize(NULL, out, sizeof(out), err, sizeof(err)) != -1)
		fail_msg("NULL accepted");
}

static void
test_small_buffer(void **state)
{
	char	 out[PHONE_E164_MAX], err[128];

	(void)state;
	/* 15 digits need all of PHONE_E164_MAX. */
	assert_int_equal(phone_normalize("+123456789012345", out,
	    PHONE_E164_MAX - 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too small"));
	assert_int_equal(phone_normalize("+123456789012345", out,
	    PHONE_E164_MAX, err, sizeof(err)), 0);
	assert_string_equal(out, "+123456789012345");
	/* A NULL err buffer is allowed. */
	assert_int_equal(phone_normalize("12", out, sizeof(out), NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
