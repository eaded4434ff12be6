/* SPDX-License-Identifier: MIT */
/* test_json.c: json_append_string and json_get against tables of JSON texts. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

static void
test_append_string(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} rows[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "a\nb\rc\td", "\"a\\nb\\rc\\td\"" },
		{ "\b\f", "\"\\b\\f\"" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"" },
		{ "caf\xc3\xa9 \xf0\x9f\x91\x8d",
		  "\"caf\xc3\xa9 \xf0\x9f\x91\x8d\"" },
		{ "</script>", "\"</script>\"" },
		{ "\x7f", "\"\x7f\"" },
	};
	struct buf	 b;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&b);
		json_append_string(&b, rows[i].in);
		if (strcmp(b.data, rows[i].want) != 0)
			fail_msg("row %zu: got %s, want %s", i, b.data,
			    rows[i].want);
		buf_clear(&b);
	}
}

static void
test_get(void **state)
{
	static const struct {
		const char	*text;
		const char	*key;
		int		 rc;
		const char	*want;
	} rows[] = {
		/* Found. */
		{ "{\"sid\":\"SM123\"}", "sid", 0, "SM123" },
		{ " \t\r\n{ \"sid\" : \"SM1\" } \n", "sid", 0, "SM1" },
		{ "{\"a\":1,\"sid\":\"x\"}", "sid", 0, "x" },
		{ "{\"code\":21211}", "code", 0, "21211" },
		{ "{\"code\":-1.5e+3}", "code", 0, "-1.5e+3" },
		{ "{\"code\":0}", "code", 0, "0" },
		{ "{\"ok\":true}", "ok", 0, "true" },
		{ "{\"ok\":false}", "ok", 0, "false" },
		{ "{\"o\":{\"a\":[1,2]}}", "o", 0, "{\"a\":[1,2]}" },
		{ "{\"s\":\"\"}", "s", 0, "" },
		{ "{\"s\":\"a\\\"b\\\\c\\/d\"}", "s", 0, "a\"b\\c/d" },
		{ "{\"s\":\"\\n\\r\\t\\b\\f\"}", "s", 0, "\n\r\t\b\f" },
		{ "{\"s\":\"caf\\u00e9\"}", "s", 0, "caf\xc3\xa9" },
		{ "{\"s\":\"\\u20AC\"}", "s", 0, "\xe2\x82\xac" },
		{ "{\"s\":\"\\ud83d\\udc4d\"}", "s", 0, "\xf0\x9f\x91\x8d" },
		{ "{\"s\":\"\\ud83d\"}", "s", 0, "\xef\xbf\xbd" },
		{ "{\"s\":\"\\udc4d!\"}", "s", 0, "\xef\xbf\xbd!" },
		{ "{\"s\":\"\\ud83dx\"}", "s", 0, "\xef\xbf\xbdx" },
		{ "{\"s\":\"\\u0000\"}", "s", 0, "\xef\xbf\xbd" },
		{ "{\"s\":\"ab\\u0000cd\"}", "s", 0, "ab\xef\xbf\xbd" "cd" },
		{ "{\"s\":\"raw \xc3\xa9\"}", "s", 0, "raw \xc3\xa9" },
		{ "{\"k\\u0065y\":\"v\"}", "key", 0, "v" },
		{ "{\"sid\":\"first\",\"sid\":\"second\"}", "sid", 0, "first" },
		/* Nested members of the same name are not top-level. */
		{ "{\"x\":{\"sid\":\"in\"},\"sid\":\"out\"}", "sid", 0, "out" },
		{ "{\"x\":[\"sid\",{\"sid\":1}],\"sid\":2}", "sid", 0, "2" },
		{ "{\"x\":\"}\",\"sid\":\"y\"}", "sid", 0, "y" },
		/* Absent or null. */
		{ "{}", "sid", 1, "" },
		{ " { } ", "sid", 1, "" },
		{ "{\"sid\":null}", "sid", 1, "" },
		{ "{\"x\":{\"sid\":\"in\"}}", "sid", 1, "" },
		{ "{\"Sid\":\"x\"}", "sid", 1, "" },
		/* Not a JSON object. */
		{ "", "sid", -1, "" },
		{ "   ", "sid", -1, "" },
		{ "[]", "sid", -1, "" },
		{ "\"sid\"", "sid", -1, "" },
		{ "42", "sid", -1, "" },
		{ "null", "sid", -1, "" },
		{ "<html>Bad Gateway</html>", "sid", -1, "" },
		{ "{\"sid\":\"SM1\"", "sid", -1, "" },
		{ "{\"sid\":\"SM1", "sid", -1, "" },
		{ "{\"sid\":", "sid", -1, "" },
		{ "{\"sid\"", "sid", -1, "" },
		{ "{", "sid", -1, "" },
		{ "{\"sid\":\"x\"} trailing", "sid", -1, "" },
		{ "{\"sid\":\"x\"}{}", "sid", -1, "" },
		{ "{\"sid\":\"x\",}", "sid", -1, "" },
		{ "{,}", "sid", -1, "" },
		{ "{sid:\"x\"}", "sid", -1, "" },
		{ "{'sid':'x'}", "sid", -1, "" },
		{ "{\"sid\" \"x\"}", "sid", -1, "" },
		{ "{\"a\":1 \"sid\":\"x\"}", "sid", -1, "" },
		{ "{\"sid\":\"a\nb\"}", "sid", -1, "" },
		{ "{\"sid\":\"\\x\"}", "sid", -1, "" },
		{ "{\"sid\":\"\\u12\"}", "sid", -1, "" },
		{ "{\"sid\":\"\\u12G4\"}", "sid", -1, "" },
		{ "{\"a\":01}", "sid", -1, "" },
		{ "{\"a\":1.}", "sid", -1, "" },
		{ "{\"a\":.5}", "sid", -1, "" },
		{ "{\"a\":1e}", "sid", -1, "" },
		{ "{\"a\":-}", "sid", -1, "" },
		{ "{\"a\":+1}", "sid", -1, "" },
		{ "{\"a\":tru}", "sid", -1, "" },
		{ "{\"a\":nul}", "sid", -1, "" },
		{ "{\"a\":True}", "sid", -1, "" },
		{ "{\"a\":[1,2,]}", "sid", -1, "" },
		{ "{\"a\":[1 2]}", "sid", -1, "" },
		{ "{\"a\":[}", "sid", -1, "" },
		{ "{\"a\":{\"b\":1}", "sid", -1, "" },
		{ "{\"a\":{\"b\"}}", "sid", -1, "" },
		{ "{\"a\":]}", "sid", -1, "" },
		{ "{\"a\":undefined}", "sid", -1, "" },
	};
	char	 out[64];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(out, 'X', sizeof(out));
		rc = json_get(rows[i].text, strlen(rows[i].text), rows[i].key,
		    out, sizeof(out));
		if (rc != rows[i].rc)
			fail_msg("row %zu (%s): rc %d, want %d", i,
			    rows[i].text, rc, rows[i].rc);
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("row %zu (%s): got \"%s\", want \"%s\"", i,
			    rows[i].text, out, rows[i].want);
	}
}

/* The length bounds the text: what follows is never read. */
static void
test_get_len(void **state)
{
	static const char	 text[] = "{\"sid\":\"SM1\"}GARBAGE";
	char			 out[16];

	(void)state;
	assert_int_equal(json_get(text, 13, "sid", out, sizeof(out)), 0);
	assert_string_equal(out, "SM1");
	assert_int_equal(json_get(text, sizeof(text) - 1, "sid", out,
	    sizeof(out)), -1);
	assert_int_equal(json_get(text, 12, "sid", out, sizeof(out)), -1);
	assert_int_equal(json_get(NULL, 0, "sid", out, sizeof(out)), -1);
	/* An embedded NUL is not JSON. */
	assert_int_equal(json_get("{\"s\":\"a\0b\"}", 11, "s", out,
	    sizeof(out)), -1);
}

/* Truncation keeps whole UTF-8 characters. */
static void
test_get_truncate(void **state)
{
	static const struct {
		const char	*text;
		size_t		 outlen;
		const char	*want;
	} rows[] = {
		{ "{\"s\":\"abcdef\"}", 4, "abc" },
		{ "{\"s\":\"abc\"}", 4, "abc" },
		{ "{\"s\":\"abc\"}", 1, "" },
		{ "{\"s\":\"ab\\u00e9\"}", 4, "ab" },
		{ "{\"s\":\"ab\\u00e9\"}", 5, "ab\xc3\xa9" },
		{ "{\"s\":\"a\\ud83d\\udc4d\"}", 5, "a" },
		{ "{\"s\":\"a\\ud83d\\udc4d\"}", 6, "a\xf0\x9f\x91\x8d" },
		{ "{\"s\":\"\xe2\x82\xac\xe2\x82\xac\"}", 6, "\xe2\x82\xac" },
		{ "{\"s\":12345}", 3, "12" },
	};
	char	 out[16];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = json_get(rows[i].text, strlen(rows[i].text), "s", out,
		    rows[i].outlen);
		if (rc != 0 || strcmp(out, rows[i].want) != 0)
			fail_msg("row %zu: rc %d, got \"%s\", want \"%s\"", i,
			    rc, out, rows[i].want);
	}
	/* outlen 0: only the verdict. */
	assert_int_equal(json_get("{\"s\":\"x\"}", 9, "s", NULL, 0), 0);
}

/* Deep nesting is refused, not a stack overflow. */
static void
test_get_deep(void **state)
{
	struct buf	 b;
	char		 out[8];
	int		 i;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "{\"a\":");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "[");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "]");
	buf_puts(&b, "}");
	assert_int_equal(json_get(b.data, b.len, "a", out, sizeof(out)), -1);
	buf_clear(&b);

	/* Modest nesting is fine. */
	buf_init(&b);
	buf_puts(&b, "{\"a\":");
	for (i = 0; i < 16; i++)
		buf_puts(&b, "[{\"x\":");
	buf_puts(&b, "1");
	for (i = 0; i < 16; i++)
		buf_puts(&b, "}]");
	buf_puts(&b, ",\"b\":\"ok\"}");
	assert_int_equal(json_get(b.data, b.len, "b", out, sizeof(out)), 0);
	assert_string_equal(out, "ok");
	buf_clear(&b);
}

/* Elements of a top-level array, as json_get() reads members. */
static void
test_get_index(void **state)
{
	static const struct {
		const char	*text;
		size_t		 idx;
		int		 rc;
		const char	*want;
	} rows[] = {
		{ "[\"a\",\"b\"]", 0, 0, "a" },
		{ "[\"a\",\"b\"]", 1, 0, "b" },
		{ "[\"a\",\"b\"]", 2, 1, "" },
		{ " [ 1 , 2.5e3 ] ", 1, 0, "2.5e3" },
		{ "[true,false]", 1, 0, "false" },
		{ "[null]", 0, 1, "" },
		{ "[]", 0, 1, "" },
		{ "[\"caf\\u00e9\"]", 0, 0, "caf\xc3\xa9" },
		/* an object or array comes back as its JSON text */
		{ "[{\"message\":\"bad\",\"field\":null},{}]", 0, 0,
		  "{\"message\":\"bad\",\"field\":null}" },
		{ "[[1,[2]],3]", 0, 0, "[1,[2]]" },
		/* the whole text is validated, whatever the index */
		{ "[\"a\",]", 0, -1, "" },
		{ "[\"a\" \"b\"]", 0, -1, "" },
		{ "[\"a\"", 0, -1, "" },
		{ "[\"a\"]x", 0, -1, "" },
		{ "[\"a\"][]", 0, -1, "" },
		{ "{\"a\":1}", 0, -1, "" },
		{ "\"[1]\"", 0, -1, "" },
		{ "", 0, -1, "" },
		{ "[", 0, -1, "" },
		{ "[01]", 0, -1, "" },
	};
	struct buf	 b;
	char		 out[64];
	size_t		 i;
	int		 rc, d;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(out, 'X', sizeof(out));
		rc = json_get_index(rows[i].text, strlen(rows[i].text),
		    rows[i].idx, out, sizeof(out));
		if (rc != rows[i].rc || strcmp(out, rows[i].want) != 0)
			fail_msg("row %zu: rc %d, got \"%s\", want %d \"%s\"",
			    i, rc, out, rows[i].rc, rows[i].want);
	}
	assert_int_equal(json_get_index(NULL, 0, 0, out, sizeof(out)), -1);
	assert_int_equal(json_get_index("[\"x\"]", 5, 0, NULL, 0), 0);
	assert_int_equal(json_get_index("[\"abcdef\"]", 10, 0, out, 4), 0);
	assert_string_equal(out, "abc");
	/* the length bounds the text */
	assert_int_equal(json_get_index("[1]GARBAGE", 3, 0, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "1");

	/* deep nesting is refused, modest nesting read */
	buf_init(&b);
	for (d = 0; d < 100000; d++)
		buf_puts(&b, "[");
	for (d = 0; d < 100000; d++)
		buf_puts(&b, "]");
	assert_int_equal(json_get_index(b.data, b.len, 0, out, sizeof(out)),
	    -1);
	b.len = 0;
	buf_puts(&b, "[\"ok\",");
	for (d = 0; d < 16; d++)
		buf_puts(&b, "{\"x\":[");
	for (d = 0; d < 16; d++)
		buf_puts(&b, "]}");
	buf_puts(&b, "]");
	assert_int_equal(json_get_index(b.data, b.len, 0, out, sizeof(out)),
	    0);
	assert_string_equal(out, "ok");
	buf_clear(&b);
}

/* What we write, we read back. */
/*
 * json_array_next(): each element's text in turn, then 1, or -1 where the
 * text stops being an array.
 */
static void
test_array_next(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;	/* the elements, "|" after each */
		int		 rc;	/* the last call's */
	} rows[] = {
		{ "[]", "", 1 },
		{ " [ ] ", "", 1 },
		{ "[1]", "1|", 1 },
		{ " [ 1 , \"a\" , {\"b\":[2]} ] \r\n", "1|\"a\"|{\"b\":[2]}|",
		  1 },
		{ "[\"a\\\"b\",null,true]", "\"a\\\"b\"|null|true|", 1 },
		{ "[{},\r\n{}]\r\n", "{}|{}|", 1 },
		{ "[1,]", "1|", -1 },
		{ "[1 2]", "1|", -1 },
		{ "[1]x", "1|", -1 },
		{ "[1][2]", "1|", -1 },
		{ "[1,{\"a\":}]", "1|", -1 },
		{ "[01]", "0|", -1 },
		{ "{}", "", -1 },
		{ "\"[1]\"", "", -1 },
		{ "", "", -1 },
		{ "[", "", -1 },
		{ "[1", "1|", -1 },
	};
	struct buf	 got, b;
	const char	*elem;
	size_t		 i, pos, elemlen;
	int		 rc, d;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&got);
		buf_append(&got, "", 0);
		pos = 0;
		while ((rc = json_array_next(rows[i].text, strlen(rows[i].text),
		    &pos, &elem, &elemlen)) == 0) {
			buf_append(&got, elem, elemlen);
			buf_puts(&got, "|");
		}
		if (rc != rows[i].rc || strcmp(got.data, rows[i].want) != 0)
			fail_msg("row %zu: rc %d, got \"%s\", want %d \"%s\"",
			    i, rc, got.data, rows[i].rc, rows[i].want);
		buf_clear(&got);
	}
	pos = 0;
	assert_int_equal(json_array_next(NULL, 0, &pos, &elem, &elemlen), -1);
	/* the length bounds the text */
	pos = 0;
	assert_int_equal(json_array_next("[1]GARBAGE", 3, &pos, &elem,
	    &elemlen), 0);
	assert_int_equal(json_array_next("[1]GARBAGE", 3, &pos, &elem,
	    &elemlen), 1);
	/* an element nested too deep is refused */
	buf_init(&b);
	buf_puts(&b, "[1,");
	for (d = 0; d < 100000; d++)
		buf_puts(&b, "[");
	pos = 0;
	assert_int_equal(json_array_next(b.data, b.len, &pos, &elem, &elemlen),
	    0);
	assert_int_equal(json_array_next(b.data, b.len, &pos, &elem, &elemlen),
	    -1);
	buf_clear(&b);
}

static void
test_roundtrip(void **state)
{
	static const char *const rows[] = {
		"", "plain", "quote \" and \\ back", "line\nbreak\ttab\r",
		"\x01\x02\x1f", "caf\xc3\xa9 \xf0\x9f\x91\x8d & = +",
	};
	struct buf	 b;
	char		 out[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_init(&b);
		buf_puts(&b, "{\"v\":");
		json_append_string(&b, rows[i]);
		buf_puts(&b, "}");
		if (json_get(b.data, b.len, "v", out, sizeof(out)) != 0 ||
		    strcmp(out, rows[i]) != 0)
			fail_msg("row %zu: round trip gave \"%s\"", i, out);
		buf_clear(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_string),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_len),
		cmocka_unit_test(test_get_truncate),
		cmocka_unit_test(test_get_deep),
		cmocka_unit_test(test_get_index),
		cmocka_unit_test(test_array_next),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
