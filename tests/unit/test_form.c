/* SPDX-License-Identifier: MIT */
/* test_form.c: table-driven tests of the form-encoding parser. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "form.h"
#include "util.h"

static void	render(const struct form *f, char *out, size_t outlen);
static void	test_accepted(void **);
static void	test_refused(void **);
static void	test_limits(void **);
static void	test_lookup(void **);
static void	test_long_body(void **);

/*
 * The fields as "[name=value]" each, bytes outside printable ASCII as
 * \xHH, so a table row can say exactly what was decoded.
 */
static void
render(const struct form *f, char *out, size_t outlen)
{
	struct buf	 b;
	size_t		 i, j, n;
	const char	*s;
	unsigned char	 c;
	int		 part;

	buf_init(&b);
	buf_append(&b, "", 0);
	for (i = 0; i < f->nfields; i++) {
		buf_puts(&b, "[");
		for (part = 0; part < 2; part++) {
			s = part == 0 ? f->fields[i].name : f->fields[i].value;
			n = part == 0 ? f->fields[i].namelen :
			    f->fields[i].valuelen;
			if (s[n] != '\0')
				fail_msg("field %zu is not NUL-terminated", i);
			for (j = 0; j < n; j++) {
				c = (unsigned char)s[j];
				if (c < 0x20 || c >= 0x7f)
					buf_printf(&b, "\\x%02x", c);
				else
					buf_append(&b, &s[j], 1);
			}
			if (part == 0)
				buf_puts(&b, "=");
		}
		buf_puts(&b, "]");
	}
	(void)snprintf(out, outlen, "%s", b.data);
	buf_clear(&b);
}

static void
test_accepted(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;	/* 0: strlen(in) */
		const char	*want;
		unsigned int	 flags;
	} rows[] = {
		{ "", 0, "", 0 },
		{ "a=1", 0, "[a=1]", 0 },
		{ "a=1&b=2", 0, "[a=1][b=2]", 0 },
		{ "a=1&&b=2&", 0, "[a=1][b=2]", 0 },
		{ "&&&", 0, "", 0 },
		{ "a", 0, "[a=]", 0 },
		{ "a=", 0, "[a=]", 0 },
		{ "=v", 0, "[=v]", 0 },
		{ "a=b=c", 0, "[a=b=c]", 0 },
		{ "Body=Hello+world%21", 0, "[Body=Hello world!]", 0 },
		{ "a+b=c+d", 0, "[a b=c d]", 0 },
		{ "%2B=%2b", 0, "[+=+]", 0 },
		{ "x=%25", 0, "[x=%]", 0 },
		{ "x=%2541", 0, "[x=%41]", 0 },
		{ "%41%62=%7e", 0, "[Ab=~]", 0 },
		{ "Digits=5678&Digits=1234&Digits=1234", 0,
		    "[Digits=5678][Digits=1234][Digits=1234]", 0 },
		{ "From=%2B15550100123&Body=", 0, "[From=+15550100123][Body=]", 0 },
		{ "a=b c", 0, "[a=b c]", 0 },
		{ "Body=%E2%9C%93", 0, "[Body=\\xe2\\x9c\\x93]", 0 },
		{ "Body=caf%C3%A9", 0, "[Body=caf\\xc3\\xa9]", 0 },
		{ "Body=caf\xc3\xa9", 0, "[Body=caf\\xc3\\xa9]", 0 },
		{ "Body=%F0%9F%98%80", 0, "[Body=\\xf0\\x9f\\x98\\x80]", 0 },
		{ "Body=line1%0Aline2", 0, "[Body=line1\\x0aline2]",
		    FORM_LAYOUT },
		{ "Body=a%0D%0Ab%09c", 0, "[Body=a\\x0d\\x0ab\\x09c]",
		    FORM_LAYOUT },
		{ "Body=%00", 0, "[Body=\\x00]", FORM_NUL },
		{ "a%00b=1", 0, "[a\\x00b=1]", FORM_NUL },
		{ "Body=%07", 0, "[Body=\\x07]", FORM_CONTROL },
		{ "Body=%1B%5B2J", 0, "[Body=\\x1b[2J]", FORM_CONTROL },
		{ "Body=%7F", 0, "[Body=\\x7f]", FORM_CONTROL },
		{ "Body=%C2%85", 0, "[Body=\\xc2\\x85]", FORM_CONTROL },
		{ "Body=%C2%A0", 0, "[Body=\\xc2\\xa0]", 0 },
		{ "Body=%FF", 0, "[Body=\\xff]", FORM_BAD_UTF8 },
		{ "Body=%C3", 0, "[Body=\\xc3]", FORM_BAD_UTF8 },
		{ "Body=%C3%28", 0, "[Body=\\xc3(]", FORM_BAD_UTF8 },
		{ "Body=%C0%AF", 0, "[Body=\\xc0\\xaf]", FORM_BAD_UTF8 },
		{ "Body=%E0%80%AF", 0, "[Body=\\xe0\\x80\\xaf]", FORM_BAD_UTF8 },
		{ "Body=%ED%A0%80", 0, "[Body=\\xed\\xa0\\x80]", FORM_BAD_UTF8 },
		{ "Body=%F4%90%80%80", 0, "[Body=\\xf4\\x90\\x80\\x80]",
		    FORM_BAD_UTF8 },
		{ "Body=%F0%9F%98", 0, "[Body=\\xf0\\x9f\\x98]", FORM_BAD_UTF8 },
		{ "Body=%E2%80%8F", 0, "[Body=\\xe2\\x80\\x8f]", FORM_BIDI },
		{ "Body=%E2%80%8E", 0, "[Body=\\xe2\\x80\\x8e]", FORM_BIDI },
		{ "Body=%E2%80%AE", 0, "[Body=\\xe2\\x80\\xae]", FORM_BIDI },
		{ "Body=%E2%81%A6", 0, "[Body=\\xe2\\x81\\xa6]", FORM_BIDI },
		{ "Body=%D8%9C", 0, "[Body=\\xd8\\x9c]", FORM_BIDI },
		/* U+200D (ZWJ, in emoji) and U+2028 are neither. */
		{ "Body=%E2%80%8D%E2%80%A8", 0,
		    "[Body=\\xe2\\x80\\x8d\\xe2\\x80\\xa8]", 0 },
		{ "a=%00&b=%FF&c=%E2%80%8F", 0,
		    "[a=\\x00][b=\\xff][c=\\xe2\\x80\\x8f]",
		    FORM_NUL | FORM_BAD_UTF8 | FORM_BIDI },
		/* Only len bytes count. */
		{ "a=1&b=2", 3, "[a=1]", 0 },
	};
	struct form	 f;
	char		 got[512], err[256];
	size_t		 i, len;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		len = rows[i].len != 0 ? rows[i].len : strlen(rows[i].in);
		err[0] = '\0';
		if (form_parse(rows[i].in, len, &f, err, sizeof(err)) != 0)
			ROW_FAIL(i, "refused: %s", err);
		render(&f, got, sizeof(got));
		if (strcmp(got, rows[i].want) != 0)
			ROW_FAIL(i, "got \"%s\", want \"%s\"", got,
			    rows[i].want);
		if (f.flags != rows[i].flags)
			ROW_FAIL(i, "flags 0x%x, want 0x%x", f.flags,
			    rows[i].flags);
		form_clear(&f);
		if (f.nfields != 0 || f.fields != NULL || f.data != NULL)
			ROW_FAIL(i, "form_clear left something");
	}
	/* No text at all. */
	assert_int_equal(form_parse(NULL, 0, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nfields, 0);
	form_clear(&f);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;	/* 0: strlen(in) */
		const char	*want;
	} rows[] = {
		{ "a=%", 0, "form: malformed percent escape at byte 2" },
		{ "%", 0, "form: malformed percent escape at byte 0" },
		{ "a=%4", 0, "form: malformed percent escape at byte 2" },
		{ "a=%G1", 0, "form: malformed percent escape at byte 2" },
		{ "a=%4G", 0, "form: malformed percent escape at byte 2" },
		{ "a=%%41", 0, "form: malformed percent escape at byte 2" },
		{ "a=%+1", 0, "form: malformed percent escape at byte 2" },
		{ "Body=call+me%ZZ", 0,
		    "form: malformed percent escape at byte 12" },
		{ "a=1\nb=2", 0,
		    "form: control byte 0x0a not percent-encoded at byte 3" },
		{ "a=1\r\n", 0,
		    "form: control byte 0x0d not percent-encoded at byte 3" },
		{ "a=\x7f", 0,
		    "form: control byte 0x7f not percent-encoded at byte 2" },
		{ "a=\tb", 0,
		    "form: control byte 0x09 not percent-encoded at byte 2" },
		{ "a\0b=1", 5,
		    "form: control byte 0x00 not percent-encoded at byte 1" },
	};
	struct form	 f;
	char		 err[256];
	size_t		 i, len;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		len = rows[i].len != 0 ? rows[i].len : strlen(rows[i].in);
		err[0] = '\0';
		if (form_parse(rows[i].in, len, &f, err, sizeof(err)) != -1)
			ROW_FAIL(i, "accepted");
		if (strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
		if (f.nfields != 0 || f.fields != NULL || f.data != NULL)
			ROW_FAIL(i, "a refused form is not empty");
		form_clear(&f);
	}
}

/* FORM_FIELDS_MAX fields and FORM_LEN_MAX bytes pass; one more does not. */
static void
test_limits(void **state)
{
	struct form	 f;
	struct buf	 b;
	char		 err[256], *s;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < FORM_FIELDS_MAX; i++)
		buf_printf(&b, "%sk%d=v", i > 0 ? "&" : "", i);
	assert_int_equal(form_parse(b.data, b.len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nfields, FORM_FIELDS_MAX);
	assert_string_equal(f.fields[FORM_FIELDS_MAX - 1].name, "k511");
	form_clear(&f);
	buf_puts(&b, "&one=more");
	assert_int_equal(form_parse(b.data, b.len, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "form: more than 512 fields");
	form_clear(&f);
	/* Empty fields are not counted. */
	b.len = 0;
	buf_puts(&b, "a=1");
	for (i = 0; i < 2 * FORM_FIELDS_MAX; i++)
		buf_puts(&b, "&");
	assert_int_equal(form_parse(b.data, b.len, &f, err, sizeof(err)), 0);
	assert_int_equal(f.nfields, 1);
	form_clear(&f);
	buf_clear(&b);

	s = malloc(FORM_LEN_MAX + 1);
	assert_non_null(s);
	memcpy(s, "Body=", 5);
	memset(s + 5, 'x', FORM_LEN_MAX + 1 - 5);
	assert_int_equal(form_parse(s, FORM_LEN_MAX, &f, err, sizeof(err)), 0);
	assert_int_equal(f.fields[0].valuelen, FORM_LEN_MAX - 5);
	form_clear(&f);
	assert_int_equal(form_parse(s, FORM_LEN_MAX + 1, &f, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "form: more than 65536 bytes");
	form_clear(&f);
	free(s);
}

static void
test_lookup(void **state)
{
	static const char	 text[] = "To=%2B15550100123&Digits=1&a%00b=2"
	    "&Digits=2&Empty=&Digit=3";
	struct form		 f;
	char			 err[256];

	(void)state;
	form_init(&f);
	form_clear(&f);
	assert_int_equal(form_parse(text, strlen(text), &f, err, sizeof(err)),
	    0);
	assert_string_equal(form_get(&f, "To"), "+15550100123");
	assert_string_equal(form_get(&f, "Digits"), "1");
	assert_int_equal(form_count(&f, "Digits"), 2);
	assert_string_equal(form_get(&f, "Digit"), "3");
	assert_string_equal(form_get(&f, "Empty"), "");
	assert_null(form_get(&f, "Missing"));
	assert_int_equal(form_count(&f, "Missing"), 0);
	/* A name holding a NUL is not its first part. */
	assert_null(form_get(&f, "a"));
	assert_ptr_equal(form_find(&f, "Digits"), &f.fields[1]);
	assert_int_equal(form_find(&f, "Digits")->flags, 0);
	assert_int_equal(f.fields[2].flags, FORM_NUL);
	assert_null(form_find(&f, "digits"));
	form_clear(&f);
}

/*
 * A Body of 1,600 characters with control characters and RTL marks, as a
 * patient could send: decoded byte for byte, reported, not refused.
 */
static void
test_long_body(void **state)
{
	static const char *const pieces[] = {
	    "a", "\xc3\xa9", "\x01", "\xe2\x80\x8f", "\xf0\x9f\x98\x80",
	    "\n", "\xe2\x80\xae", " ", "+", "%", "&", "=" };
	struct form	 f;
	struct buf	 raw, enc;
	const char	*p;
	char		 err[256];
	size_t		 i;

	(void)state;
	buf_init(&raw);
	buf_init(&enc);
	for (i = 0; i < 1600; i++)
		buf_puts(&raw, pieces[i % NELEM(pieces)]);
	buf_puts(&enc, "From=%2B15550100123&Body=");
	for (p = raw.data; *p != '\0'; p++)
		buf_printf(&enc, "%%%02X", (unsigned char)*p);
	buf_puts(&enc, "&NumMedia=0");
	assert_int_equal(form_parse(enc.data, enc.len, &f, err, sizeof(err)),
	    0);
	assert_int_equal(f.nfields, 3);
	assert_int_equal(f.fields[1].valuelen, raw.len);
	assert_memory_equal(f.fields[1].value, raw.data, raw.len);
	assert_int_equal(f.fields[1].flags, FORM_CONTROL | FORM_LAYOUT |
	    FORM_BIDI);
	assert_string_equal(form_get(&f, "NumMedia"), "0");
	form_clear(&f);
	buf_clear(&raw);
	buf_clear(&enc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_long_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
