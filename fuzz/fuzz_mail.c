/* SPDX-License-Identifier: MIT */
/*
 * fuzz_mail.c: libFuzzer target for mail_address_valid() and mail_build().
 * The input is NUL-separated fields: date (decimal), from, from_name, to,
 * to_name, subject, text, html, id, unsubscribe; missing ones are NULL.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "util.h"

#define NFIELDS		10

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check_address(const char *s);
static void	check_refusal(const char *err, char *const *f);
static void	check_lines(const char *s, size_t len);
static void	check_qp(const char *s, size_t len, const char *text);

/* What is accepted is one plain addr-spec. */
static void
check_address(const char *s)
{
	const char	*at;

	if (!mail_address_valid(s))
		return;
	if (strlen(s) > MAIL_ADDRESS_MAX || (at = strchr(s, '@')) == NULL ||
	    at == s || strchr(at + 1, '@') != NULL || at[1] == '\0')
		abort();
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == '"' || *s == '<' ||
		    *s == '>' || *s == '(' || *s == ',' || *s == '\\')
			abort();
}

/*
 * A refusal says why, in one line, without quoting: a field with a byte
 * no reason uses never shows up in it.
 */
static void
check_refusal(const char *err, char *const *f)
{
	const char	*p;
	int		 i;

	if (err[0] == '\0')
		abort();
	for (p = err; *p != '\0'; p++)
		if (*p < ' ' || *p >= 0x7f)
			abort();
	for (i = 1; i < NFIELDS; i++)
		if (f[i] != NULL && strlen(f[i]) >= 4 &&
		    f[i][strspn(f[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789 '._:,-")] != '\0' &&
		    strstr(err, f[i]) != NULL)
			abort();
}

/* 7-bit, CRLF everywhere, lines within 998 bytes. */
static void
check_lines(const char *s, size_t len)
{
	size_t	 i, start = 0;

	if (len < 2 || s[len - 2] != '\r' || s[len - 1] != '\n')
		abort();
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (unsigned char)s[i] >= 0x80)
			abort();
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			abort();
		if (s[i] == '\r') {
			if (i + 1 == len || s[i + 1] != '\n' ||
			    i - start > 998)
				abort();
			start = i + 2;
		}
	}
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
 * The quoted-printable body decodes to the text, with LF for CRLF and LF,
 * in lines of at most 76 and no white space before a line end.
 */
static void
check_qp(const char *s, size_t len, const char *text)
{
	struct buf	 dec, want;
	const char	*p;
	size_t		 i = 0, col = 0;
	char		 c;

	buf_init(&dec);
	buf_init(&want);
	buf_append(&dec, "", 0);
	while (i < len) {
		if (s[i] == '\r') {
			if (col > 76 || (i > 0 && (s[i - 1] == ' ' ||
			    s[i - 1] == '\t')))
				abort();
			buf_append(&dec, "\n", 1);
			i += 2;
			col = 0;
		} else if (s[i] == '=' && i + 2 < len && s[i + 1] == '\r') {
			if (col + 1 > 76)
				abort();
			i += 3;
			col = 0;
		} else if (s[i] == '=') {
			if (i + 2 >= len || hexval(s[i + 1]) < 0 ||
			    hexval(s[i + 2]) < 0)
				abort();
			c = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			buf_append(&dec, &c, 1);
			i += 3;
			col += 3;
		} else {
			buf_append(&dec, &s[i], 1);
			i++;
			col++;
		}
	}
	buf_append(&want, "", 0);
	for (p = text; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_append(&want, p, 1);
	if (want.data[want.len - 1] != '\n')
		buf_append(&want, "\n", 1);
	if (dec.len != want.len || memcmp(dec.data, want.data, dec.len) != 0)
		abort();
	buf_clear(&dec);
	buf_clear(&want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail	 m;
	struct buf	 out;
	char		*s, *f[NFIELDS], *end, *body, err[256];
	size_t		 n;
	long long	 date;
	int		 i, r;
	bool		 html;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(f, 0, sizeof(f));
	for (i = 0, n = 0; i < NFIELDS && n <= size; i++) {
		f[i] = s + n;
		n += strlen(s + n) + 1;
	}
	for (i = 0; i < NFIELDS; i++)
		if (f[i] != NULL)
			check_address(f[i]);
	if (mail_address_valid(NULL))
		abort();

	errno = 0;
	date = f[0] != NULL ? strtoll(f[0], &end, 10) : 0;
	memset(&m, 0, sizeof(m));
	m.date = errno == 0 ? (time_t)date : 0;
	m.from = f[1];
	m.from_name = f[2];
	m.to = f[3];
	m.to_name = f[4];
	m.subject = f[5];
	m.text = f[6];
	m.html = f[7];
	m.id = f[8];
	m.unsubscribe = f[9];

	buf_init(&out);
	memset(err, 0x55, sizeof(err));
	r = mail_build(&m, &out, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL && r == -1)
		abort();
	if (r == -1) {
		check_refusal(err, f);
		if (out.len != 0)
			abort();
	} else if (r == 0) {
		if (!mail_address_valid(m.from) || !mail_address_valid(m.to))
			abort();
		check_lines(out.data, out.len);
		html = m.html != NULL && m.html[0] != '\0';
		body = strstr(out.data, "\r\n\r\n");
		if (body == NULL)
			abort();
		/*
		 * In the header section, no text can start a line (folds
		 * begin with a space).
		 */
		body[2] = '\0';
		if (strstr(out.data, "\r\nMessage-ID: <") == NULL ||
		    (strstr(out.data, "\r\nContent-Type: multipart/"
		    "alternative;") != NULL) != html)
			abort();
		body[2] = '\r';
		body += 4;
		if (!html)
			check_qp(body, out.len - (size_t)(body - out.data),
			    m.text);
	} else
		abort();
	buf_clear(&out);
	free(s);
	return 0;
}
