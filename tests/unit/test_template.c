/* SPDX-License-Identifier: MIT */
/* test_template.c: table tests of rendering, first names and SMS sizes. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "template.h"
#include "util.h"

#define KNOWN	"known: {first_name} {clinic_name} {clinic_phone} " \
		"{treatment} {treatment_date}"

static const struct template_vars vars = {
	"Ana", "Skin & Co", "+44 20 7946 0000", "chemical peel",
	"Tuesday 24 November"
};

static void	test_check_good(void **);
static void	test_check_bad(void **);
static void	test_render(void **);
static void	test_render_null_vars(void **);
static void	test_first_name(void **);
static void	test_first_name_truncate(void **);
static void	test_treatment_name(void **);
static void	test_sms_info(void **);
static void	test_cell(void **);
static bool	utf8_valid(const char *);
static char	*repeat(const char *, size_t, const char *);

/* A simple validity check, independent of the code under test. */
static bool
utf8_valid(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	int			 n, i;

	while (*s != '\0') {
		if (*s < 0x80)
			n = 1;
		else if ((*s & 0xe0) == 0xc0)
			n = 2;
		else if ((*s & 0xf0) == 0xe0)
			n = 3;
		else if ((*s & 0xf8) == 0xf0)
			n = 4;
		else
			return false;
		for (i = 1; i < n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
		s += n;
	}
	return true;
}

/* head repeated n times, then tail; caller frees. */
static char *
repeat(const char *head, size_t n, const char *tail)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_puts(&b, head);
	buf_puts(&b, tail);
	return buf_take(&b);
}

static void
test_check_good(void **state)
{
	static const char *const cases[] = {
		"",
		"Hi {first_name}",
		"{first_name}{clinic_name}{clinic_phone}{treatment}"
		    "{treatment_date}",
		"Hi {first_name}, after your {treatment} on {treatment_date} "
		    "call {clinic_name} on {clinic_phone}.",
		"{{", "}}", "{{}}", "{{first_name}}", "{{{first_name}}}",
		"Ol\xc3\xa1 {first_name} \xf0\x9f\x98\x80 \xe2\x82\xac",
		"no placeholders at all",
		"line one\nline two {treatment}\n",
		"100% {treatment} %s %n",
	};
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		if (template_check(cases[i], err, sizeof(err)) != 0)
			ROW_FAIL(i, "\"%s\": %s", cases[i], err);
	}
}

static void
test_check_bad(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* the whole message */
	} cases[] = {
		{ "Hi {firstname}", "unknown placeholder {firstname}; " KNOWN },
		{ "Hi {First_Name}", "unknown placeholder {First_Name}; " KNOWN },
		{ "Hi { first_name }",
		    "unknown placeholder { first_name }; " KNOWN },
		{ "Hi {}", "unknown placeholder {}; " KNOWN },
		{ "{name}", "unknown placeholder {name}; " KNOWN },
		{ "Hi {first_name", "unclosed \"{\" at byte 4 "
		    "(write {{ for a literal brace)" },
		{ "{first_name {clinic_name}", "unclosed \"{\" at byte 1 "
		    "(write {{ for a literal brace)" },
		{ "Hi {first_name\n}", "unclosed \"{\" at byte 4 "
		    "(write {{ for a literal brace)" },
		{ "{", "unclosed \"{\" at byte 1 (write {{ for a literal brace)" },
		{ "{{{", "unclosed \"{\" at byte 3 "
		    "(write {{ for a literal brace)" },
		{ "}", "lone \"}\" at byte 1 (write }} for a literal brace)" },
		{ "Hi }", "lone \"}\" at byte 4 (write }} for a literal brace)" },
		{ "{first_name}}", "lone \"}\" at byte 13 "
		    "(write }} for a literal brace)" },
		{ "}}}", "lone \"}\" at byte 3 (write }} for a literal brace)" },
		{ "\xff", "invalid UTF-8 at byte 1" },
		{ "caf\xc3", "invalid UTF-8 at byte 4" },
		{ "caf\xc3" "e", "invalid UTF-8 at byte 4" },
		/* Overlong forms, a surrogate, past U+10FFFF. */
		{ "\xc0\xaf", "invalid UTF-8 at byte 1" },
		{ "\xe0\x80\xaf", "invalid UTF-8 at byte 1" },
		{ "ok \xed\xa0\x80", "invalid UTF-8 at byte 4" },
		{ "\xf4\x90\x80\x80", "invalid UTF-8 at byte 1" },
		{ "\xf8\x88\x80\x80\x80", "invalid UTF-8 at byte 1" },
		{ "\x80", "invalid UTF-8 at byte 1" },
		/* A long name is cut at 40 bytes, on a character boundary. */
		{ "{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zzzz}",
		    "unknown placeholder {aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "...}; " KNOWN },
	};
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		if (template_check(cases[i].in, err, sizeof(err)) != -1)
			ROW_FAIL(i, "\"%s\": accepted", cases[i].in);
		if (strcmp(err, cases[i].want) != 0)
			ROW_FAIL(i, "got \"%s\", want \"%s\"", err,
			    cases[i].want);
	}
	/* A small err buffer truncates safely. */
	assert_int_equal(template_check("{x}", err, 10), -1);
	assert_int_equal(strlen(err), 9);
}

static void
test_render(void **state)
{
	static const struct template_vars tricky = {
		"{clinic_name}", "100% {{ %s", NULL, "", "\xf0\x9f\x98\x80"
	};
	static const struct {
		const char			*tmpl;
		const struct template_vars	*vars;
		const char			*want;
	} cases[] = {
		{ "", &vars, "" },
		{ "Hi {first_name}", &vars, "Hi Ana" },
		{ "Hi {first_name}, after your {treatment} on {treatment_date} "
		    "call {clinic_name} on {clinic_phone}.", &vars,
		    "Hi Ana, after your chemical peel on Tuesday 24 November "
		    "call Skin & Co on +44 20 7946 0000." },
		{ "{first_name}{first_name}", &vars, "AnaAna" },
		{ "{{first_name}}", &vars, "{first_name}" },
		{ "{{{first_name}}}", &vars, "{Ana}" },
		{ "{{}}", &vars, "{}" },
		{ "a}}b{{c", &vars, "a}b{c" },
		{ "100% {treatment} %s %n", &vars, "100% chemical peel %s %n" },
		{ "Ol\xc3\xa1 {first_name} \xe2\x9c\xa8", &vars,
		    "Ol\xc3\xa1 Ana \xe2\x9c\xa8" },
		{ "line\n{treatment}\n", &vars, "line\nchemical peel\n" },
		/* Values go in verbatim and are never expanded again. */
		{ "Hi {first_name}", &tricky, "Hi {clinic_name}" },
		{ "[{clinic_name}]", &tricky, "[100% {{ %s]" },
		{ "[{clinic_phone}][{treatment}]", &tricky, "[][]" },
		{ "{treatment_date}", &tricky, "\xf0\x9f\x98\x80" },
	};
	char	*got;
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (template_check(cases[i].tmpl, err, sizeof(err)) != 0)
			ROW_FAIL(i, "check: %s", err);
		got = template_render(cases[i].tmpl, cases[i].vars);
		if (got == NULL || strcmp(got, cases[i].want) != 0)
			ROW_FAIL(i, "got \"%s\", want \"%s\"",
			    got ? got : "(null)", cases[i].want);
		free(got);
	}
}

static void
test_render_null_vars(void **state)
{
	static const struct template_vars	 none = { NULL, NULL, NULL, NULL,
						    NULL };
	char					*got;

	(void)state;
	got = template_render("[{first_name}|{clinic_name}|{clinic_phone}|"
	    "{treatment}|{treatment_date}]", &none);
	assert_string_equal(got, "[||||]");
	free(got);
	got = template_render("Hi {first_name}", NULL);
	assert_string_equal(got, "Hi ");
	free(got);
}

static void
test_first_name(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "Ana Mar\xc3\xad" "a L\xc3\xb3pez", "Ana" },
		{ "Ana", "Ana" },
		{ "  Ana  ", "Ana" },
		{ "\t\n Ana\r\n", "Ana" },
		{ "Jos\xc3\xa9 Garc\xc3\xad" "a", "Jos\xc3\xa9" },
		{ "\xc3\x89lodie Martin", "\xc3\x89lodie" },
		{ "Zo\xc3\xab", "Zo\xc3\xab" },
		{ "Ana\nMar\xc3\xad" "a", "Ana" },
		{ "Ana-Mar\xc3\xad" "a Lee", "Ana-Mar\xc3\xad" "a" },
		{ "O'Brien Sean", "O'Brien" },
		{ "\"Bob\" Smith", "\"Bob\"" },
		{ "\xf0\x9f\x98\x80 Ana", "\xf0\x9f\x98\x80" },
		{ "Ana\xf0\x9f\x98\x80 Lee", "Ana\xf0\x9f\x98\x80" },
		{ "\xe6\x9d\x8e \xe5\xb0\x8f\xe9\xbe\x99", "\xe6\x9d\x8e" },
		{ "", "" },
		{ "   ", "" },
		{ "\x01\x02\x7f", "" },
		{ "\x01" "Ana", "Ana" },
		{ "A\x7fna Lee", "Ana" },
		{ "An\x1b" "a", "Ana" },
		{ "\xc2\x85" "Ana", "Ana" },			/* NEL */
		{ "Ana\xc2\xa0Mar\xc3\xad" "a", "Ana" },		/* NBSP */
		{ "\xe3\x80\x80" "Ana", "Ana" },		/* ideographic */
		{ "\xe2\x80\x8b" "Ana", "Ana" },		/* zero width */
		{ "\xe2\x80\xae" "Ana", "Ana" },		/* RTL override */
		{ "An\xff" "a", "Ana" },			/* not UTF-8 */
		{ "\xc3", "" },
	};
	char	 buf[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(buf, 'X', sizeof(buf));
		template_first_name(cases[i].in, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "\"%s\": got \"%s\", want \"%s\"",
			    cases[i].in, buf, cases[i].want);
	}
	template_first_name(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_first_name_truncate(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "Ana Lee", 4, "Ana" },
		{ "Ana Lee", 3, "An" },
		{ "Ana Lee", 1, "" },
		{ "Jos\xc3\xa9", 6, "Jos\xc3\xa9" },
		{ "Jos\xc3\xa9", 5, "Jos" },
		{ "Jos\xc3\xa9", 4, "Jos" },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 9,
		    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80" },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, "\xf0\x9f\x98\x80" },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 5, "\xf0\x9f\x98\x80" },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 4, "" },
		{ "  \xc3\xa9\xc3\xa9", 4, "\xc3\xa9" },
	};
	char	 buf[64], *name;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(buf, 'X', sizeof(buf));
		template_first_name(cases[i].in, buf, cases[i].len);
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "\"%s\" in %zu: got \"%s\", want \"%s\"",
			    cases[i].in, cases[i].len, buf, cases[i].want);
		if (buf[cases[i].len] != 'X')
			ROW_FAIL(i, "wrote past %zu bytes", cases[i].len);
	}

	/* A very long name: 300 x "é" in 64 bytes keeps 31 whole "é". */
	name = repeat("\xc3\xa9", 300, " Lee");
	memset(buf, 'X', sizeof(buf));
	template_first_name(name, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 62);
	assert_true(utf8_valid(buf));
	free(name);

	/* Odd lengths never cut inside a sequence. */
	name = repeat("a\xe2\x82\xac\xf0\x9f\x98\x80", 50, "");
	for (i = 1; i < sizeof(buf); i++) {
		template_first_name(name, buf, i);
		if (strlen(buf) >= i || !utf8_valid(buf))
			ROW_FAIL(i, "bad truncation to %zu: %zu bytes", i,
			    strlen(buf));
	}
	free(name);

	/* len 0 writes nothing. */
	buf[0] = 'X';
	template_first_name("Ana", buf, 0);
	assert_int_equal(buf[0], 'X');
}

static void
test_treatment_name(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "chemical_peel", 64, "chemical peel" },
		{ "laser", 64, "laser" },
		{ "microneedling_prp", 64, "microneedling prp" },
		{ "_laser__hair_removal_", 64, "laser hair removal" },
		{ "", 64, "" },
		{ "___", 64, "" },
		{ "chemical_peel", 9, "chemical" },
		{ "chemical_peel", 10, "chemical" },
		{ "chemical_peel", 11, "chemical p" },
		{ "peeling_\xc3\xa9", 10, "peeling" },
		{ "peeling_\xc3\xa9", 11, "peeling \xc3\xa9" },
	};
	char	 buf[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		template_treatment_name(cases[i].in, buf, cases[i].len);
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "\"%s\": got \"%s\", want \"%s\"",
			    cases[i].in, buf, cases[i].want);
	}
	template_treatment_name(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_sms_info(void **state)
{
	/* The GSM 03.38 basic table, all 127 characters (ESC excluded). */
	static const char	 basic[] =
	    "@\xc2\xa3$\xc2\xa5\xc3\xa8\xc3\xa9\xc3\xb9\xc3\xac\xc3\xb2"
	    "\xc3\x87\n\xc3\x98\xc3\xb8\r\xc3\x85\xc3\xa5"
	    "\xce\x94_\xce\xa6\xce\x93\xce\x9b\xce\xa9\xce\xa0\xce\xa8"
	    "\xce\xa3\xce\x98\xce\x9e\xc3\x86\xc3\xa6\xc3\x9f\xc3\x89"
	    " !\"#\xc2\xa4%&'()*+,-./0123456789:;<=>?"
	    "\xc2\xa1" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "\xc3\x84\xc3\x96\xc3\x91\xc3\x9c\xc2\xa7"
	    "\xc2\xbf" "abcdefghijklmnopqrstuvwxyz"
	    "\xc3\xa4\xc3\xb6\xc3\xb1\xc3\xbc\xc3\xa0";
	static const struct {
		const char		*head;	/* repeated n times */
		size_t			 n;
		const char		*tail;
		enum sms_encoding	 enc;
		size_t			 units, segments;
	} cases[] = {
		{ "", 0, "", SMS_GSM7, 0, 1 },
		{ "", 0, basic, SMS_GSM7, 127, 1 },
		{ "", 0, "Hello {first_name}", SMS_GSM7, 20, 1 },
		/* GSM-7 boundaries: 160 in one, then 153 a part. */
		{ "a", 160, "", SMS_GSM7, 160, 1 },
		{ "a", 161, "", SMS_GSM7, 161, 2 },
		{ "a", 306, "", SMS_GSM7, 306, 2 },
		{ "a", 307, "", SMS_GSM7, 307, 3 },
		{ "a", 459, "", SMS_GSM7, 459, 3 },
		{ "a", 460, "", SMS_GSM7, 460, 4 },
		{ "\xc3\xa9", 160, "", SMS_GSM7, 160, 1 },	/* é is GSM */
		{ "\xc3\xa9", 161, "", SMS_GSM7, 161, 2 },
		{ "\xce\xa9", 10, "\n\r", SMS_GSM7, 12, 1 },	/* Ω */
		/* Extension characters take two septets. */
		{ "", 0, "^{}\\[~]|\xe2\x82\xac\f", SMS_GSM7, 20, 1 },
		{ "\xe2\x82\xac", 80, "", SMS_GSM7, 160, 1 },
		{ "\xe2\x82\xac", 81, "", SMS_GSM7, 162, 2 },
		{ "a", 159, "{", SMS_GSM7, 161, 2 },
		{ "a", 158, "{", SMS_GSM7, 160, 1 },
		/* Escape pairs never straddle parts: 76 euro signs a part. */
		{ "\xe2\x82\xac", 152, "", SMS_GSM7, 304, 2 },
		{ "\xe2\x82\xac", 153, "", SMS_GSM7, 306, 3 },
		/* UCS-2 boundaries: 70 in one, then 67 a part. */
		/* á is not in GSM 03.38. */
		{ "\xc3\xa1", 1, "", SMS_UCS2, 1, 1 },
		{ "\xc3\xa1", 70, "", SMS_UCS2, 70, 1 },
		{ "\xc3\xa1", 71, "", SMS_UCS2, 71, 2 },
		{ "\xc3\xa1", 134, "", SMS_UCS2, 134, 2 },
		{ "\xc3\xa1", 135, "", SMS_UCS2, 135, 3 },
		{ "a", 69, "\xc3\xa1", SMS_UCS2, 70, 1 },
		{ "a", 70, "\xc3\xa1", SMS_UCS2, 71, 2 },
		{ "a", 300, "\xc3\xa1", SMS_UCS2, 301, 5 },
		/* Extension characters are one unit each in UCS-2. */
		{ "{", 69, "\xc3\xa1", SMS_UCS2, 70, 1 },
		{ "", 0, "`", SMS_UCS2, 1, 1 },
		{ "", 0, "\t", SMS_UCS2, 1, 1 },
		{ "", 0, "\xc3\xa7", SMS_UCS2, 1, 1 },		/* ç */
		{ "", 0, "\xe2\x80\x99", SMS_UCS2, 1, 1 },	/* ’ */
		/* Emoji are surrogate pairs: two units. */
		{ "\xf0\x9f\x98\x80", 1, "", SMS_UCS2, 2, 1 },
		{ "\xf0\x9f\x98\x80", 35, "", SMS_UCS2, 70, 1 },
		{ "\xf0\x9f\x98\x80", 36, "", SMS_UCS2, 72, 2 },
		{ "a", 68, "\xf0\x9f\x98\x80", SMS_UCS2, 70, 1 },
		{ "a", 69, "\xf0\x9f\x98\x80", SMS_UCS2, 71, 2 },
		/* 33 pairs fill 66 of a 67-unit part: 67 pairs take 3. */
		{ "\xf0\x9f\x98\x80", 67, "", SMS_UCS2, 134, 3 },
		{ "\xe2\x9c\xa8", 134, "", SMS_UCS2, 134, 2 },	/* ✨ BMP */
		/* Invalid UTF-8 goes as U+FFFD. */
		{ "", 0, "\xff", SMS_UCS2, 1, 1 },
	};
	struct sms_info	 info;
	struct buf	 b;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		text = repeat(cases[i].head, cases[i].n, cases[i].tail);
		memset(&info, 0xa5, sizeof(info));
		template_sms_info(text, &info);
		if (info.encoding != cases[i].enc ||
		    info.units != cases[i].units ||
		    info.segments != cases[i].segments)
			ROW_FAIL(i, "got %s %zu units %zu segments, "
			    "want %s %zu units %zu segments",
			    info.encoding == SMS_GSM7 ? "GSM-7" : "UCS-2",
			    info.units, info.segments,
			    cases[i].enc == SMS_GSM7 ? "GSM-7" : "UCS-2",
			    cases[i].units, cases[i].segments);
		free(text);
	}

	/* 152 + an escape pair + 152: 306 septets, yet three parts. */
	text = repeat("a", 152, "\xe2\x82\xac");
	buf_init(&b);
	buf_puts(&b, text);
	free(text);
	text = repeat("a", 152, "");
	buf_puts(&b, text);
	free(text);
	text = buf_take(&b);
	template_sms_info(text, &info);
	assert_int_equal(info.encoding, SMS_GSM7);
	assert_int_equal(info.units, 306);
	assert_int_equal(info.segments, 3);
	free(text);

	/* 66 + a surrogate pair + 66: 134 units, yet three parts. */
	text = repeat("a", 66, "\xf0\x9f\x98\x80");
	buf_init(&b);
	buf_puts(&b, text);
	free(text);
	text = repeat("a", 66, "");
	buf_puts(&b, text);
	free(text);
	text = buf_take(&b);
	template_sms_info(text, &info);
	assert_int_equal(info.encoding, SMS_UCS2);
	assert_int_equal(info.units, 134);
	assert_int_equal(info.segments, 3);
	free(text);

	template_sms_info(NULL, &info);
	assert_int_equal(info.encoding, SMS_GSM7);
	assert_int_equal(info.units, 0);
	assert_int_equal(info.segments, 1);
}

/* Table cells: one line, at most cols characters, valid UTF-8. */
static void
test_cell(void **state)
{
	static const struct {
		const char	*in;
		size_t		 cols;
		size_t		 len;	/* 0: the whole buffer */
		const char	*want;
	} cases[] = {
		/* 0: fits, or is cut to end in "..." */
		{ "microneedling", 13, 0, "microneedling" },
		{ "microneedling", 20, 0, "microneedling" },
		{ "microneedling", 12, 0, "microneed..." },
		{ "microneedling", 4, 0, "m..." },
		{ "microneedling", 3, 0, "..." },
		{ "microneedling", 2, 0, ".." },
		{ "microneedling", 0, 0, "" },
		{ "", 5, 0, "-" },
		{ NULL, 5, 0, "-" },
		{ "", 0, 0, "" },
		/* 10: characters, not bytes, are counted */
		{ "Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez", 10, 0,
		    "Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez" },
		{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4, 0,
		    "\xc3\xa9..." },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 2, 0,
		    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80" },
		/* 13: one line: white space as spaces, controls dropped */
		{ "a\nb\tc\r\nd", 20, 0, "a b c  d" },
		{ "\x1b[31mred", 20, 0, "[31mred" },
		{ "\xe2\x80\xae" "bidi\xc2\x85x", 20, 0, "bidi x" },
		{ "\n", 5, 0, " " },
		/* 17: bytes that are not UTF-8 as '?' */
		{ "cr\xe8me", 20, 0, "cr?me" },
		{ "\xc3", 20, 0, "?" },
		{ "\xed\xa0\x80", 20, 0, "???" },
		{ "\xc0\xaf", 20, 0, "??" },
		/* 21: a short buffer cuts sooner, on a character */
		{ "microneedling", 13, 17, "m..." },
		{ "\xc3\xa9\xc3\xa9\xc3\xa9", 3, 13, "\xc3\xa9\xc3\xa9\xc3\xa9" },
		{ "\xc3\xa9\xc3\xa9\xc3\xa9", 3, 12, ".." },
		{ "abc", 3, 1, "" },
	};
	char	 buf[64], *big;
	size_t	 i, n, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = cases[i].len ? cases[i].len : sizeof(buf);
		memset(buf, 'X', sizeof(buf));
		n = template_cell(cases[i].in, cases[i].cols, buf, len);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, buf,
			    cases[i].want);
		if (n > cases[i].cols || !utf8_valid(buf))
			fail_msg("case %zu: %zu columns of %zu, or bad UTF-8",
			    i, n, cases[i].cols);
	}
	/* nothing is written with no room at all */
	buf[0] = 'X';
	assert_int_equal(template_cell("abc", 3, buf, 0), 0);
	assert_int_equal(buf[0], 'X');
	/* 100 kB of emoji, cut to 40 columns */
	big = repeat("\xf0\x9f\x98\x80", 25 * 1024, "");
	assert_int_equal(template_cell(big, 40, buf, sizeof(buf)), 15);
	assert_true(utf8_valid(buf));
	assert_int_equal(strlen(buf), 12 * 4 + 3);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_good),
		cmocka_unit_test(test_check_bad),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_null_vars),
		cmocka_unit_test(test_first_name),
		cmocka_unit_test(test_first_name_truncate),
		cmocka_unit_test(test_treatment_name),
		cmocka_unit_test(test_sms_info),
		cmocka_unit_test(test_cell),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
