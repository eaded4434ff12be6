/* SPDX-License-Identifier: MIT */
/* test_mail.c: addresses, quoted-printable, RFC 2047 and whole messages. */

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

#include "mail.h"
#include "util.h"

#define A10	"aaaaaaaaaa"
#define A70	A10 A10 A10 A10 A10 A10 A10
#define ID	"0123456789abcdef0123456789abcdef"
#define BOUNDARY "=_aftercare_alternative"

static void	mail_default(struct mail *);
static char	*build(const struct mail *);
static const char *body_of(const char *);
static bool	header_get(const char *, const char *, struct buf *, bool);
static bool	utf8_valid(const char *, size_t);
static int	qp_decode(const char *, size_t, struct buf *);
static int	hexval(char);
static int	b64val(char);
static int	ew_decode(const char *, struct buf *);
static void	check_lines(const char *, size_t);
static char	*repeat(const char *, size_t);
static void	lf_only(const char *, struct buf *);

static void
mail_default(struct mail *m)
{
	memset(m, 0, sizeof(*m));
	m->from = "care@clinic.example.com";
	m->from_name = "Skin Clinic";
	m->to = "ana@example.com";
	m->to_name = "Ana Garcia";
	m->subject = "Your aftercare";
	m->text = "Hello";
	m->id = ID;
	m->date = 1764000000;
}

/* The message, checked for line ends and lengths; caller frees. */
static char *
build(const struct mail *m)
{
	struct buf	 b;
	char		 err[256];

	buf_init(&b);
	if (mail_build(m, &b, err, sizeof(err)) != 0)
		fail_msg("mail_build: %s", err);
	check_lines(b.data, b.len);
	return buf_take(&b);
}

static const char *
body_of(const char *msg)
{
	const char	*p = strstr(msg, "\r\n\r\n");

	assert_non_null(p);
	return p + 4;
}

/*
 * The value of header name (after ": ") in msg's header section, raw
 * (folds kept) or unfolded.
 */
static bool
header_get(const char *msg, const char *name, struct buf *out, bool unfold)
{
	const char	*end = strstr(msg, "\r\n\r\n"), *p = msg, *eol;
	size_t		 n = strlen(name);

	out->len = 0;
	buf_append(out, "", 0);
	while (p < end) {
		eol = strstr(p, "\r\n");
		if (strncmp(p, name, n) == 0 && p[n] == ':' &&
		    p[n + 1] == ' ') {
			buf_append(out, p + n + 2, (size_t)(eol - p) - n - 2);
			while (eol[2] == ' ' || eol[2] == '\t') {
				p = eol + 2;
				eol = strstr(p, "\r\n");
				if (!unfold)
					buf_puts(out, "\r\n");
				buf_append(out, p, (size_t)(eol - p));
			}
			return true;
		}
		p = eol + 2;
	}
	return false;
}

/* RFC 3629 UTF-8, independent of the code under test. */
static bool
utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, j, n;
	unsigned long		 cp;

	for (i = 0; i < len; i += n) {
		if (s[i] < 0x80) {
			n = 1;
			continue;
		} else if ((s[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = s[i] & 0x07;
		} else
			return false;
		if (i + n > len)
			return false;
		for (j = 1; j < n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes a quoted-printable body (CRLF becomes LF) and checks it as RFC
 * 2045 6.7 wants it: uppercase =XX, lines of at most 76, no white space
 * before a line break, no soft break inside a UTF-8 character.
 */
static int
qp_decode(const char *s, size_t len, struct buf *out)
{
	size_t	 i = 0, col = 0;
	char	 c;

	out->len = 0;
	buf_append(out, "", 0);
	while (i < len) {
		if (s[i] == '\r') {
			if (i + 1 >= len || s[i + 1] != '\n' || col > 76)
				return -1;
			if (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
				return -1;
			buf_puts(out, "\n");
			i += 2;
			col = 0;
		} else if (s[i] == '=') {
			if (i + 2 < len && s[i + 1] == '\r' &&
			    s[i + 2] == '\n') {
				if (col + 1 > 76)
					return -1;
				/* never between the bytes of one character */
				if (i + 3 < len && s[i + 3] == '=' &&
				    i + 5 < len && hexval(s[i + 4]) >= 8 &&
				    hexval(s[i + 4]) < 12)
					return -1;
				i += 3;
				col = 0;
				continue;
			}
			if (i + 2 >= len || hexval(s[i + 1]) < 0 ||
			    hexval(s[i + 2]) < 0)
				return -1;
			c = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			buf_append(out, &c, 1);
			i += 3;
			col += 3;
		} else if ((s[i] >= 0x21 && s[i] <= 0x7e) || s[i] == ' ' ||
		    s[i] == '\t') {
			buf_append(out, &s[i], 1);
			i++;
			col++;
		} else
			return -1;
	}
	return col > 76 ? -1 : 0;
}

static int
b64val(char c)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return -1;
	return (int)(p - b64);
}

/*
 * Decodes an unfolded header value made of RFC 2047 encoded-words only,
 * checking that each is at most 75 characters and holds whole UTF-8
 * characters.
 */
static int
ew_decode(const char *s, struct buf *out)
{
	struct buf	 w;
	const char	*p = s, *q, *end;
	unsigned long	 v;
	int		 n, d, ret = -1;
	char		 c, enc;

	buf_init(&w);
	out->len = 0;
	buf_append(out, "", 0);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (strncmp(p, "=?UTF-8?", 8) != 0 ||
		    (p[8] != 'Q' && p[8] != 'B') || p[9] != '?')
			goto out;
		enc = p[8];
		if ((end = strstr(p + 10, "?=")) == NULL || end + 2 - p > 75 ||
		    (end[2] != '\0' && end[2] != ' '))
			goto out;
		w.len = 0;
		buf_append(&w, "", 0);
		for (q = p + 10; q < end; ) {
			if (enc == 'Q') {
				if (*q == '_') {
					c = ' ';
					q++;
				} else if (*q == '=') {
					if (hexval(q[1]) < 0 ||
					    hexval(q[2]) < 0)
						goto out;
					c = (char)(hexval(q[1]) << 4 |
					    hexval(q[2]));
					q += 3;
				} else if (*q > ' ' && *q < 0x7f && *q != '?') {
					c = *q;
					q++;
				} else
					goto out;
				buf_append(&w, &c, 1);
				continue;
			}
			if (end - q < 4)
				goto out;
			v = 0;
			for (n = 0, d = 0; d < 4; d++) {
				if (q[d] == '=') {
					v <<= 6;
					continue;
				}
				if (b64val(q[d]) < 0)
					goto out;
				v = v << 6 | (unsigned long)b64val(q[d]);
				n++;
			}
			for (d = 0; d < n - 1; d++) {
				c = (char)(v >> (16 - 8 * d));
				buf_append(&w, &c, 1);
			}
			q += 4;
		}
		if (!utf8_valid(w.data, w.len))
			goto out;
		buf_append(out, w.data, w.len);
		p = end + 2;
	}
	ret = 0;
out:
	buf_clear(&w);
	return ret;
}

/* Every line ends with CRLF and has at most 998 bytes (RFC 5322 2.1.1). */
static void
check_lines(const char *s, size_t len)
{
	size_t	 i, start = 0;

	if (len < 2 || s[len - 2] != '\r' || s[len - 1] != '\n')
		fail_msg("the message does not end with CRLF");
	for (i = 0; i < len; i++) {
		if (s[i] == '\0')
			fail_msg("NUL at %zu", i);
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			fail_msg("bare LF at %zu", i);
		if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			fail_msg("bare CR at %zu", i);
		if (s[i] == '\r') {
			if (i - start > 998)
				fail_msg("line of %zu bytes at %zu", i - start,
				    start);
			start = i + 2;
		}
	}
}

/* s n times; caller frees. */
static char *
repeat(const char *s, size_t n)
{
	struct buf	 b;

	buf_init(&b);
	buf_append(&b, "", 0);
	while (n-- > 0)
		buf_puts(&b, s);
	return buf_take(&b);
}

/* text into out with each CRLF as LF, as a decoded body has it. */
static void
lf_only(const char *text, struct buf *out)
{
	const char	*p;

	out->len = 0;
	buf_append(out, "", 0);
	for (p = text; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_append(out, p, 1);
}

static void
test_address_valid(void **state)
{
	static const struct {
		const char	*addr;
		bool		 valid;
	} rows[] = {
		{ "a@example.com", true },
		{ "first.last+tag@sub.example.com", true },
		{ "user@[127.0.0.1]", true },
		{ "user@[IPv6:2001:db8::1]", true },
		{ "o'brien@example.com", true },
		{ "x!#$%&'*+-/=?^_`{|}~@example.com", true },
		{ "A.B-C_D@EXAMPLE.COM", true },
		{ "a@x-1.example.com", true },
		{ "a@1example.com", true },
		{ "a@example.co1", true },
		{ "", false },
		{ "@", false },
		{ "example.com", false },
		{ "a@", false },
		{ "@example.com", false },
		{ "a@b@example.com", false },
		{ ".a@example.com", false },
		{ "a.@example.com", false },
		{ "a..b@example.com", false },
		{ "a b@example.com", false },
		{ " a@example.com", false },
		{ "a@example.com ", false },
		{ "\"a\"@example.com", false },
		{ "\"a b\"@example.com", false },
		{ "<a@example.com>", false },
		{ "Ana <a@example.com>", false },
		{ "a@example.com>", false },
		{ "a\r\n@example.com", false },
		{ "a@example.com\r\nBcc: b@example.com", false },
		{ "a@exam\nple.com", false },
		{ "a\t@example.com", false },
		{ "a\x01@example.com", false },
		{ "a\x7f@example.com", false },
		{ "a@example.com\x1b", false },
		{ "a,b@example.com", false },
		{ "a;b@example.com", false },
		{ "a(b)@example.com", false },
		{ "a\\b@example.com", false },
		{ "a[b]@example.com", false },
		{ "a:b@example.com", false },
		{ "jos\xc3\xa9@example.com", false },
		{ "a@ex\xc3\xa1mple.com", false },
		{ "a@xn--exmple-cua.com", true },
		{ "a@example", false },
		{ "a@localhost", false },
		{ "a@.example.com", false },
		{ "a@example.com.", false },
		{ "a@example..com", false },
		{ "a@-example.com", false },
		{ "a@example-.com", false },
		{ "a@sub.-example.com", false },
		{ "a@exa_mple.com", false },
		{ "a@example.123", false },
		{ "a@127.0.0.1", false },
		{ "a@[127.0.0.1", false },
		{ "a@127.0.0.1]", false },
		{ "a@[]", false },
		{ "a@[256.0.0.1]", false },
		{ "a@[127.0.0]", false },
		{ "a@[example.com]", false },
		{ "a@[IPv6:2001:db8::g]", false },
		{ "a@[2001:db8::1]", false },
		{ "a@[IPv6:127.0.0.1]", false },
	};
	char	*s, *local, *label;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		if (mail_address_valid(rows[i].addr) != rows[i].valid)
			ROW_FAIL(i, "\"%s\": got %d", rows[i].addr,
			    !rows[i].valid);
	assert_false(mail_address_valid(NULL));

	/* 64 bytes of local part, 63 of label, 254 in all */
	local = repeat("l", 64);
	label = repeat("d", 63);
	s = xasprintf("%s@%s.%s.%.57s.com", local, label, label, label);
	assert_int_equal(strlen(s), 254);
	assert_true(mail_address_valid(s));
	free(s);
	s = xasprintf("%s@%s.%s.%.58s.com", local, label, label, label);
	assert_false(mail_address_valid(s));
	free(s);
	s = xasprintf("%sl@example.com", local);
	assert_false(mail_address_valid(s));
	free(s);
	s = xasprintf("a@%sd.example.com", label);
	assert_false(mail_address_valid(s));
	free(s);
	s = xasprintf("a@%s.example.com", label);
	assert_true(mail_address_valid(s));
	free(s);
	free(local);
	free(label);
	s = repeat("a", 100000);
	assert_false(mail_address_valid(s));
	free(s);
}

static void
test_date(void **state)
{
	/* checked with date -u -R -d @T */
	static const struct {
		time_t		 t;
		const char	*want;
	} rows[] = {
		{ 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
		{ 1764000000, "Mon, 24 Nov 2025 16:00:00 +0000" },
		{ 4102444799, "Thu, 31 Dec 2099 23:59:59 +0000" },
		{ 253402300799, "Fri, 31 Dec 9999 23:59:59 +0000" },
	};
	struct mail	 m;
	struct buf	 v;
	char		*msg;
	size_t		 i;

	(void)state;
	buf_init(&v);
	for (i = 0; i < NELEM(rows); i++) {
		mail_default(&m);
		m.date = rows[i].t;
		msg = build(&m);
		if (strncmp(msg, "Date: ", 6) != 0 ||
		    !header_get(msg, "Date", &v, false) ||
		    strcmp(v.data, rows[i].want) != 0)
			ROW_FAIL(i, "got \"%s\"", v.data);
		free(msg);
	}
	buf_clear(&v);
}

static void
test_qp(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} rows[] = {
		{ "Hello", "Hello\r\n" },
		{ "Hello\n", "Hello\r\n" },
		{ "caf\xc3\xa9 ma\xc3\xb1" "ana", "caf=C3=A9 ma=C3=B1ana\r\n" },
		{ "\xf0\x9f\x98\x8a ok", "=F0=9F=98=8A ok\r\n" },
		{ "1+1=2", "1+1=3D2\r\n" },
		{ "=", "=3D\r\n" },
		{ "trailing  \nspace", "trailing =20\r\nspace\r\n" },
		{ "tab\t\r\nx", "tab=09\r\nx\r\n" },
		{ "end space ", "end space=20\r\n" },
		{ "a\r\nb\nc\n", "a\r\nb\r\nc\r\n" },
		{ "a\n\n\nb", "a\r\n\r\n\r\nb\r\n" },
		{ "\nx", "\r\nx\r\n" },
		{ "lone\rcr", "lone=0Dcr\r\n" },
		{ "cr\r", "cr=0D\r\n" },
		{ "\r\r\n", "=0D\r\n" },
		{ "\x01\x1b\x7f", "=01=1B=7F\r\n" },
		{ ".\n..\nFrom here", ".\r\n..\r\nFrom here\r\n" },
		{ "mid space and\ttab", "mid space and\ttab\r\n" },
		/* 76 fit on a last line, 75 and '=' on one that goes on */
		{ A70 "aaaaaa", A70 "aaaaaa\r\n" },
		{ A70 "aaaaaaa", A70 "aaaaa=\r\naa\r\n" },
		{ A70 "aaaaaa\n" A70 "aaaaaaa",
		  A70 "aaaaaa\r\n" A70 "aaaaa=\r\naa\r\n" },
		/* never inside =XX or a character */
		{ A70 "\xc3\xa9", A70 "=C3=A9\r\n" },
		{ A70 "\xc3\xa9" "b", A70 "=\r\n=C3=A9b\r\n" },
		{ A70 "aaa\xc3\xa9", A70 "aaa=\r\n=C3=A9\r\n" },
		{ A70 "a\xf0\x9f\x98\x8a", A70 "a=\r\n=F0=9F=98=8A\r\n" },
		{ A70 "aaaa=b", A70 "aaaa=\r\n=3Db\r\n" },
		{ A70 "aa=b", A70 "aa=3Db\r\n" },
		/* encoded trailing space that no longer fits */
		{ A70 "aaaaa ", A70 "aaaaa=\r\n=20\r\n" },
		{ A70 "aaa ", A70 "aaa=20\r\n" },
		/* a space before a soft break is not trailing */
		{ A70 "aaaa bc", A70 "aaaa =\r\nbc\r\n" },
	};
	struct mail	 m;
	struct buf	 dec, want;
	const char	*body;
	char		*msg;
	size_t		 i;

	(void)state;
	buf_init(&dec);
	buf_init(&want);
	for (i = 0; i < NELEM(rows); i++) {
		mail_default(&m);
		m.text = rows[i].text;
		msg = build(&m);
		body = body_of(msg);
		if (strcmp(body, rows[i].want) != 0)
			ROW_FAIL(i, "got \"%s\"", body);
		/* decodes back, with LF and CRLF as LF */
		if (qp_decode(body, strlen(body), &dec) != 0)
			ROW_FAIL(i, "not valid quoted-printable");
		lf_only(rows[i].text, &want);
		if (want.len == 0 || want.data[want.len - 1] != '\n')
			buf_puts(&want, "\n");
		if (strcmp(dec.data, want.data) != 0)
			ROW_FAIL(i, "decodes to \"%s\"", dec.data);
		free(msg);
	}
	buf_clear(&dec);
	buf_clear(&want);
}

/* Long texts of every kind of character decode back. */
static void
test_qp_long(void **state)
{
	static const char *const units[] = {
		"a", " ", "=", "\xc3\xa9", "\xe2\x9c\xa8", "\xf0\x9f\x98\x8a",
		"\t", "ab ", "x =", " \n", "\xc3\xb1 \r\n",
	};
	struct mail	 m;
	struct buf	 text, dec, want;
	char		*msg;
	size_t		 i, n;

	(void)state;
	buf_init(&dec);
	buf_init(&want);
	for (i = 0; i < NELEM(units); i++) {
		for (n = 1; n < 200; n += 7) {
			buf_init(&text);
			buf_puts(&text, "x");
			msg = repeat(units[i], n);
			buf_puts(&text, msg);
			free(msg);
			buf_puts(&text, "\n");
			mail_default(&m);
			m.text = text.data;
			msg = build(&m);
			if (qp_decode(body_of(msg), strlen(body_of(msg)),
			    &dec) != 0)
				ROW_FAIL(i, "n %zu: not valid quoted-printable",
				    n);
			lf_only(text.data, &want);
			if (strcmp(dec.data, want.data) != 0)
				ROW_FAIL(i, "n %zu: decodes differently", n);
			free(msg);
			buf_clear(&text);
		}
	}
	buf_clear(&dec);
	buf_clear(&want);
}

static void
test_subject(void **state)
{
	static const struct {
		const char	*subject;
		const char	*want;	/* the raw value, or NULL */
	} rows[] = {
		{ "Your aftercare", "Your aftercare" },
		{ "100% = done? yes!", "100% = done? yes!" },
		{ "Cuidados despu\xc3\xa9s de tu tratamiento \xe2\x9c\xa8",
		  "=?UTF-8?Q?Cuidados_despu=C3=A9s_de_tu_tratamiento_"
		  "=E2=9C=A8?=" },
		{ "\xe2\x9c\xa8", "=?UTF-8?B?4pyo?=" },
		/* Q or B, whichever is shorter */
		{ "caf\xc3\xa9", "=?UTF-8?B?Y2Fmw6k=?=" },
		{ "Tu cita de ma\xc3\xb1" "ana",
		  "=?UTF-8?Q?Tu_cita_de_ma=C3=B1ana?=" },
		/* what a reader would take for an encoded-word is encoded */
		{ "=?UTF-8?Q?x?=", "=?UTF-8?B?PT9VVEYtOD9RP3g/PQ==?=" },
		/* spacing that folding or unfolding would change */
		{ " lead", "=?UTF-8?Q?_lead?=" },
		{ "trail ", "=?UTF-8?Q?trail_?=" },
		{ "two  spaces", "=?UTF-8?Q?two__spaces?=" },
		{ "tab\there", "=?UTF-8?Q?tab=09here?=" },
		{ "under_score", "under_score" },
		/* a long ASCII subject folds at spaces, within 78 */
		{ "Your aftercare after the chemical peel: keep the skin "
		  "moist, avoid the sun and call us with any question",
		  "Your aftercare after the chemical peel: keep the skin "
		  "moist, avoid\r\n"
		  " the sun and call us with any question" },
		/*
		 * encoded-words of 76 columns at most, whole characters,
		 * split after a space where there is one
		 */
		{ "Recordatorio: cuidados despu\xc3\xa9s del peeling qu\xc3\xad"
		  "mico en la Cl\xc3\xadnica Piel Sana \xe2\x9c\xa8",
		  "=?UTF-8?Q?Recordatorio=3A_cuidados_despu=C3=A9s_del_peeling"
		  "_?=\r\n"
		  " =?UTF-8?Q?qu=C3=ADmico_en_la_Cl=C3=ADnica_Piel_Sana_"
		  "=E2=9C=A8?=" },
		{ "\xe6\x96\xbd\xe8\xa1\x93\xe5\xbe\x8c\xe3\x81\xae\xe3\x81"
		  "\x8a\xe6\x89\x8b\xe5\xbd\x93\xe3\x81\xa6\xe3\x81\xab\xe3"
		  "\x81\xa4\xe3\x81\x84\xe3\x81\xa6\xe3\x81\xae\xe3\x81\x94"
		  "\xe6\xa1\x88\xe5\x86\x85",
		  "=?UTF-8?B?5pa96KGT5b6M44Gu44GK5omL5b2T44Gm44Gr44Gk44GE"
		  "44Gm44Gu?=\r\n"
		  " =?UTF-8?B?44GU5qGI5YaF?=" },
	};
	struct mail	 m;
	struct buf	 raw, v, dec;
	char		*msg;
	size_t		 i;

	(void)state;
	buf_init(&raw);
	buf_init(&v);
	buf_init(&dec);
	for (i = 0; i < NELEM(rows); i++) {
		mail_default(&m);
		m.subject = rows[i].subject;
		msg = build(&m);
		if (!header_get(msg, "Subject", &raw, false) ||
		    !header_get(msg, "Subject", &v, true))
			ROW_FAIL(i, "no Subject");
		if (rows[i].want != NULL && strcmp(raw.data, rows[i].want) != 0)
			ROW_FAIL(i, "got \"%s\"", raw.data);
		if (strncmp(v.data, "=?", 2) == 0) {
			if (ew_decode(v.data, &dec) != 0)
				ROW_FAIL(i, "bad encoded-words \"%s\"", v.data);
			if (strcmp(dec.data, rows[i].subject) != 0)
				ROW_FAIL(i, "decodes to \"%s\"", dec.data);
		} else if (strcmp(v.data, rows[i].subject) != 0)
			ROW_FAIL(i, "unfolds to \"%s\"", v.data);
		free(msg);
	}
	buf_clear(&raw);
	buf_clear(&v);
	buf_clear(&dec);
}

/*
 * Subjects of every length in characters of 1 to 4 bytes: encoded-words
 * of at most 75, lines of at most 76, each word whole characters, and
 * the whole decodes back.
 */
static void
test_subject_long(void **state)
{
	static const char *const units[] = {
		"a", "\xc3\xa9", "\xe2\x9c\xa8", "\xf0\x9f\x98\x8a",
		"a\xc3\xa9", "ab \xf0\x9f\x98\x8a", "=?", "_",
	};
	struct mail	 m;
	struct buf	 raw, v, dec;
	const char	*p, *eol;
	char		*msg, *subject;
	size_t		 i, n;

	(void)state;
	buf_init(&raw);
	buf_init(&v);
	buf_init(&dec);
	for (i = 0; i < NELEM(units); i++) {
		for (n = 1; n <= 300; n += 13) {
			subject = repeat(units[i], n);
			mail_default(&m);
			m.subject = subject;
			msg = build(&m);
			(void)header_get(msg, "Subject", &raw, false);
			(void)header_get(msg, "Subject", &v, true);
			if (strncmp(v.data, "=?", 2) == 0) {
				if (ew_decode(v.data, &dec) != 0 ||
				    strcmp(dec.data, subject) != 0)
					ROW_FAIL(i, "n %zu: \"%s\"", n, v.data);
				for (p = msg; (eol = strstr(p, "\r\n")) !=
				    NULL && eol != p; p = eol + 2)
					if (eol - p > 76)
						ROW_FAIL(i, "n %zu: a line of "
						    "%zu", n,
						    (size_t)(eol - p));
			} else if (strcmp(v.data, subject) != 0)
				ROW_FAIL(i, "n %zu: unfolds differently", n);
			free(msg);
			free(subject);
		}
	}
	/* a plain word too long to fold is encoded instead */
	subject = repeat("a", 1000);
	mail_default(&m);
	m.subject = subject;
	msg = build(&m);
	(void)header_get(msg, "Subject", &v, true);
	assert_int_equal(ew_decode(v.data, &dec), 0);
	assert_string_equal(dec.data, subject);
	free(msg);
	free(subject);
	subject = repeat("a", 900);
	m.subject = subject;
	msg = build(&m);
	(void)header_get(msg, "Subject", &raw, false);
	assert_string_equal(raw.data, subject);
	free(msg);
	free(subject);
	buf_clear(&raw);
	buf_clear(&v);
	buf_clear(&dec);
}

static void
test_mailbox(void **state)
{
	static const struct {
		const char	*name;
		const char	*addr;
		const char	*want_from;
		const char	*display;	/* decoded name, or NULL */
	} rows[] = {
		{ NULL, "care@clinic.example.com", "care@clinic.example.com",
		  NULL },
		{ "", "care@clinic.example.com", "care@clinic.example.com",
		  NULL },
		{ "Skin Clinic", "care@clinic.example.com",
		  "\"Skin Clinic\" <care@clinic.example.com>", "Skin Clinic" },
		{ "Dr. \"Sun\" \\ Co.", "care@clinic.example.com",
		  "\"Dr. \\\"Sun\\\" \\\\ Co.\" <care@clinic.example.com>",
		  "Dr. \"Sun\" \\ Co." },
		{ "Cl\xc3\xadnica Piel Sana", "care@clinic.example.com",
		  "=?UTF-8?Q?Cl=C3=ADnica_Piel_Sana?= "
		  "<care@clinic.example.com>",
		  "Cl\xc3\xadnica Piel Sana" },
		{ "=?UTF-8?B?QQ==?=", "care@clinic.example.com",
		  "=?UTF-8?B?PT9VVEYtOD9CP1FRPT0/PQ==?= "
		  "<care@clinic.example.com>", "=?UTF-8?B?QQ==?=" },
		{ "\xe7\x9a\xae\xe8\x86\x9a\xe7\xa7\x91",
		  "care@clinic.example.com",
		  "=?UTF-8?B?55qu6Iaa56eR?= <care@clinic.example.com>",
		  "\xe7\x9a\xae\xe8\x86\x9a\xe7\xa7\x91" },
		/* too long to quote on one line: encoded and folded */
		{ "The Very Long Name Of A Skin Clinic On The High Street, "
		  "Second Floor, Suite 12", "care@clinic.example.com",
		  "=?UTF-8?Q?The_Very_Long_Name_Of_A_Skin_Clinic_On_The_High_"
		  "Street=2C_?=\r\n"
		  " =?UTF-8?Q?Second_Floor=2C_Suite_12?= "
		  "<care@clinic.example.com>",
		  "The Very Long Name Of A Skin Clinic On The High Street, "
		  "Second Floor, Suite 12" },
		/* quoted, and the address on a line of its own */
		{ "The Very Long Name Of A Skin Clinic On The High Street, "
		  "Second Floor", "care@clinic.example.com",
		  "\"The Very Long Name Of A Skin Clinic On The High Street, "
		  "Second Floor\"\r\n <care@clinic.example.com>",
		  "The Very Long Name Of A Skin Clinic On The High Street, "
		  "Second Floor" },
		/* the address goes to its own line when it does not fit */
		{ "Skin Clinic", "care.and.aftercare.reminders.for.patients@"
		  "clinic.example.com",
		  "\"Skin Clinic\"\r\n"
		  " <care.and.aftercare.reminders.for.patients@"
		  "clinic.example.com>",
		  "Skin Clinic" },
	};
	struct mail	 m;
	struct buf	 raw, v, dec;
	const char	*p;
	char		*msg, *lt;
	size_t		 i;
	int		 f;

	(void)state;
	buf_init(&raw);
	buf_init(&v);
	buf_init(&dec);
	for (i = 0; i < NELEM(rows); i++) {
		mail_default(&m);
		m.from_name = rows[i].name;
		m.from = rows[i].addr;
		m.to_name = rows[i].name;
		m.to = rows[i].addr;
		msg = build(&m);
		if (!header_get(msg, "From", &raw, false) ||
		    strcmp(raw.data, rows[i].want_from) != 0)
			ROW_FAIL(i, "From: \"%s\"", raw.data);
		/* From and To name the same mailbox, from other columns */
		for (f = 0; f < 2; f++) {
			(void)header_get(msg, f == 0 ? "From" : "To", &v, true);
			if (rows[i].display == NULL) {
				if (strcmp(v.data, rows[i].addr) != 0)
					ROW_FAIL(i, "%d: \"%s\"", f, v.data);
				continue;
			}
			lt = strrchr(v.data, '<');
			if (lt == NULL || lt == v.data || lt[-1] != ' ' ||
			    strncmp(lt + 1, rows[i].addr,
			    strlen(rows[i].addr)) != 0)
				ROW_FAIL(i, "%d: \"%s\"", f, v.data);
			lt[-1] = '\0';
			if (v.data[0] == '"') {
				dec.len = 0;
				for (p = v.data + 1; *p != '"'; p++) {
					if (*p == '\\')
						p++;
					buf_append(&dec, p, 1);
				}
				buf_append(&dec, "", 0);
				if (p[1] != '\0')
					ROW_FAIL(i, "%d: \"%s\"", f, v.data);
			} else if (ew_decode(v.data, &dec) != 0)
				ROW_FAIL(i, "%d: \"%s\"", f, v.data);
			if (strcmp(dec.data, rows[i].display) != 0)
				ROW_FAIL(i, "%d: name \"%s\"", f, dec.data);
		}
		free(msg);
	}
	buf_clear(&raw);
	buf_clear(&v);
	buf_clear(&dec);
}

/* The whole message for one input, line by line. */
static void
test_message(void **state)
{
	static const char *const want[] = {
		"Date: Mon, 24 Nov 2025 16:00:00 +0000",
		"From: =?UTF-8?Q?Cl=C3=ADnica_Piel_Sana?= "
		    "<cuidados@clinic.example.com>",
		"To: \"Ana Garcia\" <ana.garcia+test@example.com>",
		"Subject: =?UTF-8?Q?Cuidados_despu=C3=A9s_de_tu_tratamiento_"
		    "=E2=9C=A8?=",
		"Message-ID: <" ID "@clinic.example.com>",
		"MIME-Version: 1.0",
		"List-Unsubscribe: <https://clinic.example.com/u?r=42>",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
		"Auto-Submitted: auto-generated",
		"Content-Type: text/plain; charset=UTF-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"Hola Ana,",
		"",
		"Recuerda aplicar crema hidratante dos veces al d=C3=ADa y "
		    "evitar el sol dir=",
		"ecto durante 48 horas. Ll=C3=A1manos al +1 555 0100 "
		    "=F0=9F=98=8A",
	};
	struct mail	 m;
	char		*msg, *p, *eol;
	size_t		 i;

	(void)state;
	mail_default(&m);
	m.from = "cuidados@clinic.example.com";
	m.from_name = "Cl\xc3\xadnica Piel Sana";
	m.to = "ana.garcia+test@example.com";
	m.subject = "Cuidados despu\xc3\xa9s de tu tratamiento \xe2\x9c\xa8";
	m.text = "Hola Ana,\n\nRecuerda aplicar crema hidratante dos veces "
	    "al d\xc3\xad" "a y evitar el sol directo durante 48 horas. "
	    "Ll\xc3\xa1manos al +1 555 0100 \xf0\x9f\x98\x8a\n";
	m.unsubscribe = "https://clinic.example.com/u?r=42";
	msg = build(&m);
	p = msg;
	for (i = 0; i < NELEM(want); i++) {
		if ((eol = strstr(p, "\r\n")) == NULL)
			ROW_FAIL(i, "missing");
		*eol = '\0';
		if (strcmp(p, want[i]) != 0)
			ROW_FAIL(i, "got \"%s\"\n  want \"%s\"", p, want[i]);
		p = eol + 2;
	}
	assert_string_equal(p, "");
	free(msg);
}

static void
test_unsubscribe(void **state)
{
	static const struct {
		const char	*uri;
		const char	*want;	/* List-Unsubscribe, or NULL */
		bool		 post;
	} rows[] = {
		{ NULL, NULL, false },
		{ "", NULL, false },
		{ "mailto:unsubscribe@clinic.example.com",
		  "<mailto:unsubscribe@clinic.example.com>", false },
		{ "https://clinic.example.com/u?r=1&x=2",
		  "<https://clinic.example.com/u?r=1&x=2>", true },
		{ "HTTPS://clinic.example.com/u",
		  "<HTTPS://clinic.example.com/u>", true },
		{ "http://clinic.example.com/u",
		  "<http://clinic.example.com/u>", false },
	};
	struct mail	 m;
	struct buf	 v;
	char		*msg;
	size_t		 i;
	bool		 has;

	(void)state;
	buf_init(&v);
	for (i = 0; i < NELEM(rows); i++) {
		mail_default(&m);
		m.unsubscribe = rows[i].uri;
		msg = build(&m);
		has = header_get(msg, "List-Unsubscribe", &v, false);
		if (has != (rows[i].want != NULL) ||
		    (has && strcmp(v.data, rows[i].want) != 0))
			ROW_FAIL(i, "List-Unsubscribe \"%s\"", v.data);
		has = header_get(msg, "List-Unsubscribe-Post", &v, false);
		if (has != rows[i].post ||
		    (has && strcmp(v.data, "List-Unsubscribe=One-Click") != 0))
			ROW_FAIL(i, "List-Unsubscribe-Post \"%s\"", v.data);
		if (!header_get(msg, "Auto-Submitted", &v, false) ||
		    strcmp(v.data, "auto-generated") != 0)
			ROW_FAIL(i, "Auto-Submitted");
		free(msg);
	}
	buf_clear(&v);
}

static void
test_multipart(void **state)
{
	static const char	 text[] = "Hola Ana,\nel precio = 0 "
	    "\xe2\x9c\xa8\n";
	static const char	 html[] = "<p style=\"color:red\">Hola "
	    "Ana,</p>\n<p>" A70 A70 " \xe2\x9c\xa8</p>";
	struct mail	 m;
	struct buf	 v, dec;
	const char	*p, *q, *body;
	char		*msg;

	(void)state;
	buf_init(&v);
	buf_init(&dec);
	mail_default(&m);
	m.text = text;
	m.html = html;
	msg = build(&m);
	assert_true(header_get(msg, "Content-Type", &v, true));
	assert_string_equal(v.data, "multipart/alternative; boundary=\""
	    BOUNDARY "\"");
	assert_false(header_get(msg, "Content-Transfer-Encoding", &v, false));

	/* preamble-free: the first delimiter, text, html, the close */
	body = body_of(msg);
	p = "--" BOUNDARY "\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
	assert_int_equal(strncmp(body, p, strlen(p)), 0);
	body += strlen(p);
	q = strstr(body, "\r\n--" BOUNDARY "\r\n");
	assert_non_null(q);
	assert_int_equal(qp_decode(body, (size_t)(q - body), &dec), 0);
	assert_string_equal(dec.data, "Hola Ana,\nel precio = 0 "
	    "\xe2\x9c\xa8\n");
	body = q + strlen("\r\n--" BOUNDARY "\r\n");
	p = "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
	assert_int_equal(strncmp(body, p, strlen(p)), 0);
	body += strlen(p);
	q = strstr(body, "\r\n--" BOUNDARY "--\r\n");
	assert_non_null(q);
	assert_string_equal(q + strlen("\r\n--" BOUNDARY "--\r\n"), "");
	assert_int_equal(qp_decode(body, (size_t)(q - body), &dec), 0);
	assert_string_equal(dec.data, html);
	/* the boundary occurs nowhere else */
	p = strstr(body_of(msg), BOUNDARY);
	assert_non_null(p = strstr(p + 1, BOUNDARY));
	assert_non_null(p = strstr(p + 1, BOUNDARY));
	assert_null(strstr(p + 1, BOUNDARY));
	free(msg);

	/* an empty HTML is no HTML */
	m.html = "";
	msg = build(&m);
	assert_true(header_get(msg, "Content-Type", &v, true));
	assert_string_equal(v.data, "text/plain; charset=UTF-8");
	assert_null(strstr(msg, BOUNDARY));
	free(msg);
	buf_clear(&v);
	buf_clear(&dec);
}

/* Appends, and a refusal leaves the buffer as it was. */
static void
test_append(void **state)
{
	struct mail	 m;
	struct buf	 b;
	char		 err[256];

	(void)state;
	buf_init(&b);
	buf_puts(&b, "KEEP");
	mail_default(&m);
	assert_int_equal(mail_build(&m, &b, err, sizeof(err)), 0);
	assert_int_equal(strncmp(b.data, "KEEPDate: ", 10), 0);
	b.len = 4;
	b.data[4] = '\0';
	m.to = "bad";
	assert_int_equal(mail_build(&m, &b, err, sizeof(err)), -1);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "KEEP");
	buf_clear(&b);
}

static void
test_refuse(void **state)
{
	enum field { FROM, TO, FROM_NAME, TO_NAME, SUBJECT, TEXT, HTML, ID_,
	    UNSUB, DATE };
	static const struct {
		enum field	 field;
		const char	*value;
		const char	*want;	/* part of the reason */
	} rows[] = {
		{ FROM, NULL, "sender" },
		{ FROM, "", "sender" },
		{ FROM, "SECRET", "sender" },
		{ FROM, "SECRET@example.com\r\nBcc: x@example.com", "sender" },
		{ TO, NULL, "recipient" },
		{ TO, "SECRET@@example.com", "recipient" },
		{ TO, "SECRET \xc3\xa9@example.com", "recipient" },
		{ FROM_NAME, "SECRET\r\nBcc: x@example.com", "line break" },
		{ FROM_NAME, "SECRET\n", "line break" },
		{ TO_NAME, "SECRET\r", "line break" },
		{ TO_NAME, "SECRET \xc3", "UTF-8" },
		{ SUBJECT, NULL, "no subject" },
		{ SUBJECT, "", "no subject" },
		{ SUBJECT, "SECRET\r\nBcc: x@example.com", "line break" },
		{ SUBJECT, "SECRET\n", "line break" },
		{ SUBJECT, "SECRET \xff", "UTF-8" },
		{ SUBJECT, "SECRET \xc0\xaf", "UTF-8" },
		{ TEXT, NULL, "no text" },
		{ TEXT, "", "no text" },
		{ TEXT, "SECRET \xe9t\xe9", "UTF-8" },
		{ TEXT, "SECRET \xed\xa0\x80", "UTF-8" },
		{ TEXT, "SECRET \xf4\x90\x80\x80", "UTF-8" },
		{ TEXT, "SECRET \xe2\x9c", "UTF-8" },
		{ TEXT, "SECRET \xf0\x9f\x98", "UTF-8" },
		{ HTML, "<p>SECRET \xc3\x28</p>", "HTML is not UTF-8" },
		{ ID_, NULL, "message id" },
		{ ID_, "", "message id" },
		{ ID_, "a b", "message id" },
		{ ID_, "a@b", "message id" },
		{ ID_, "a>b", "message id" },
		{ ID_, "a\r\nb", "message id" },
		{ ID_, ".ab", "message id" },
		{ ID_, "ab.", "message id" },
		{ ID_, "a..b", "message id" },
		{ ID_, "caf\xc3\xa9", "message id" },
		{ UNSUB, "https://example.com/SECRET\r\nBcc: x",
		  "unsubscribe" },
		{ UNSUB, "<https://example.com/SECRET>", "unsubscribe" },
		{ UNSUB, "https://example.com/SECRET x", "unsubscribe" },
		{ UNSUB, "example.com/SECRET", "unsubscribe" },
		{ UNSUB, "https://example.com/\xc3\xa9SECRET", "unsubscribe" },
		{ DATE, NULL, "date" },
	};
	/* long ids and URIs would make long lines */
	static const struct {
		bool	 uri;	/* the unsubscribe URI, or the id */
		size_t	 len;
		int	 want;
	} longs[] = {
		{ false, 129, -1 },
		{ false, 128, 0 },
		{ true, 900, 0 },
		{ true, 901, -1 },
	};
	struct mail	 m;
	struct buf	 b;
	char		 err[256], *s;
	size_t		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < NELEM(rows); i++) {
		mail_default(&m);
		m.from_name = "SECRET name";
		m.to_name = "SECRET name";
		m.subject = "SECRET subject";
		m.text = "SECRET text";
		switch (rows[i].field) {
		case FROM:
			m.from = rows[i].value;
			break;
		case TO:
			m.to = rows[i].value;
			break;
		case FROM_NAME:
			m.from_name = rows[i].value;
			break;
		case TO_NAME:
			m.to_name = rows[i].value;
			break;
		case SUBJECT:
			m.subject = rows[i].value;
			break;
		case TEXT:
			m.text = rows[i].value;
			break;
		case HTML:
			m.html = rows[i].value;
			break;
		case ID_:
			m.id = rows[i].value;
			break;
		case UNSUB:
			m.unsubscribe = rows[i].value;
			break;
		case DATE:
			m.date = (time_t)INT64_MAX;
			break;
		}
		err[0] = '\0';
		if (mail_build(&m, &b, err, sizeof(err)) != -1)
			ROW_FAIL(i, "accepted");
		if (strstr(err, rows[i].want) == NULL)
			ROW_FAIL(i, "reason \"%s\"", err);
		if (strstr(err, "SECRET") != NULL ||
		    strstr(err, "example.com") != NULL)
			ROW_FAIL(i, "the reason quotes: \"%s\"", err);
		if (b.len != 0)
			ROW_FAIL(i, "wrote %zu bytes", b.len);
	}
	for (i = 0; i < NELEM(longs); i++) {
		mail_default(&m);
		if (longs[i].uri) {
			s = repeat("u", longs[i].len);
			memcpy(s, "https:", 6);
			m.unsubscribe = s;
		} else
			m.id = s = repeat("a", longs[i].len);
		if (mail_build(&m, &b, err, sizeof(err)) != longs[i].want)
			ROW_FAIL(i, "%s of %zu bytes",
			    longs[i].uri ? "URI" : "id", longs[i].len);
		free(s);
		buf_clear(&b);
	}
	/* a tiny err buffer is never overrun */
	mail_default(&m);
	m.to = "bad";
	memset(err, 'X', sizeof(err));
	assert_int_equal(mail_build(&m, &b, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], 'X');
	buf_clear(&b);
}

/* The longest of everything still gives lines within 998 bytes. */
static void
test_lines(void **state)
{
	struct mail	 m;
	char		*local, *label, *addr, *name, *subject, *text, *msg;
	char		*uri;

	(void)state;
	local = repeat("l", 64);
	label = repeat("d", 63);
	addr = xasprintf("%s@%s.%s.%.57s.com", local, label, label, label);
	name = repeat("N\xc3\xa9 ", 400);
	subject = repeat("word ", 400);
	text = repeat("\xf0\x9f\x98\x8a=x ", 3000);
	uri = repeat("u", 900);
	memcpy(uri, "https:", 6);
	mail_default(&m);
	m.from = addr;
	m.to = addr;
	m.from_name = name;
	m.to_name = "A very plain name that is quite long but still ASCII "
	    "only and more";
	m.subject = subject;
	m.text = text;
	m.html = text;
	m.unsubscribe = uri;
	m.id = A70 A10 A10 A10 A10 A10 "aaaaaaaa";
	msg = build(&m);
	free(msg);
	free(local);
	free(label);
	free(addr);
	free(name);
	free(subject);
	free(text);
	free(uri);
}

/*
 * Several recipients: all in To, after the first (with its name), folded
 * between addresses, never inside one; a bad one refuses the message
 * without naming it.
 */
static void
test_recipients(void **state)
{
	static const char *const three[] = {
		"doctor@clinic.example.com", "front.desk@clinic.example.com",
		"on.call.nurse.for.the.weekend@clinic.example.com",
	};
	static const char *const bad[] = {
		"doctor@clinic.example.com", "SECRET@@example.com",
	};
	struct mail	 m;
	struct buf	 v, b;
	char		*msg, err[256];
	const char	*to;

	(void)state;
	buf_init(&v);
	mail_default(&m);
	m.to = "nurse@clinic.example.com";
	m.to_name = NULL;
	m.more_to = three;
	m.nmore_to = 3;
	msg = build(&m);
	assert_true(header_get(msg, "To", &v, false));
	assert_string_equal(v.data, "nurse@clinic.example.com, "
	    "doctor@clinic.example.com,\r\n front.desk@clinic.example.com,\r\n"
	    " on.call.nurse.for.the.weekend@clinic.example.com");
	free(msg);
	/* the first keeps its name */
	m.to_name = "Nurse";
	m.nmore_to = 1;
	msg = build(&m);
	assert_true(header_get(msg, "To", &v, false));
	assert_string_equal(v.data, "\"Nurse\" <nurse@clinic.example.com>, "
	    "doctor@clinic.example.com");
	free(msg);
	/* none more: as before */
	m.more_to = NULL;
	m.nmore_to = 0;
	msg = build(&m);
	assert_true(header_get(msg, "To", &v, false));
	assert_string_equal(v.data, "\"Nurse\" <nurse@clinic.example.com>");
	free(msg);
	m.more_to = bad;
	m.nmore_to = 2;
	buf_init(&b);
	assert_int_equal(mail_build(&m, &b, err, sizeof(err)), -1);
	assert_string_equal(err, "mail: recipient 3 is not a usable email "
	    "address");
	to = strstr(err, "SECRET");
	assert_null(to);
	buf_clear(&b);
	buf_clear(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_valid),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_qp_long),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_subject_long),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_unsubscribe),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
