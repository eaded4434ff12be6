/* SPDX-License-Identifier: MIT */
/* mail.c: email addresses and RFC 5322 messages (MIME, RFC 2047, QP). */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mail.h"
#include "util.h"

#define MAIL_LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define MAIL_DOMAIN_MAX	253
#define MAIL_LABEL_MAX	63
#define MAIL_ID_MAX	128	/* the left part of the Message-ID */
#define MAIL_URI_MAX	900	/* keeps List-Unsubscribe within 998 */
#define MAIL_WORD_MAX	900	/* longest unfoldable run in a plain Subject */
#define MAIL_FOLD	78	/* RFC 5322 2.1.1: lines SHOULD be this short */
#define MAIL_EW_LINE	76	/* RFC 2047 2: lines with encoded-words */
#define MAIL_EW_EXTRA	12	/* "=?UTF-8?Q?" and "?=" */
#define MAIL_QP_LINE	76	/* RFC 2045 6.7 (5) */
/*
 * Quoted-printable never has "=_" (an '=' is followed by two hex digits
 * or a line break), so this boundary cannot occur inside a part.
 */
#define MAIL_BOUNDARY	"=_aftercare_alternative"

static bool	mail_atext(unsigned char c);
static bool	mail_dot_atom(const char *s, size_t len);
static bool	mail_domain_valid(const char *d, size_t len);
static size_t	mail_utf8_len(const unsigned char *p);
static bool	mail_utf8_valid(const char *s);
static bool	mail_printable(const char *s);
static bool	mail_q_safe(unsigned char c);
static size_t	mail_q_char(const unsigned char *p, size_t n, char *out);
static size_t	mail_words(struct buf *b, const char *s, size_t col);
static bool	mail_plain(const char *s);
static void	mail_fold(struct buf *b, const char *s, size_t col);
static void	mail_mailbox(struct buf *b, const char *field,
		    const char *name, const char *addr);
static bool	mail_id_valid(const char *id);
static bool	mail_uri_valid(const char *uri);
static void	mail_qp(struct buf *b, const char *s);
static void	mail_part(struct buf *b, const char *type, const char *s);
static int	mail_check(const struct mail *m, struct tm *tm, char *err,
		    size_t errlen);

/* RFC 5322 3.2.3 */
static bool
mail_atext(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* atext separated by single dots, none first or last */
static bool
mail_dot_atom(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!mail_atext((unsigned char)s[i]))
			return false;
	}
	return true;
}

/*
 * A host name of two labels or more (letters, digits, inner hyphens) with
 * a top-level label that is not all digits, or an address literal,
 * "[192.0.2.1]" or "[IPv6:2001:db8::1]".
 */
static bool
mail_domain_valid(const char *d, size_t len)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 lit[INET6_ADDRSTRLEN + 8];
	size_t		 i, label = 0, labels = 1;
	bool		 alpha = false;

	if (len > 0 && d[0] == '[') {
		if (len < 3 || d[len - 1] != ']' || len - 2 >= sizeof(lit))
			return false;
		memcpy(lit, d + 1, len - 2);
		lit[len - 2] = '\0';
		if (strncmp(lit, "IPv6:", 5) == 0)
			return inet_pton(AF_INET6, lit + 5, &a6) == 1;
		return inet_pton(AF_INET, lit, &a4) == 1;
	}
	if (len == 0 || len > MAIL_DOMAIN_MAX)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (label == 0 || label > MAIL_LABEL_MAX ||
			    d[i - 1] == '-')
				return false;
			if (i < len) {
				labels++;
				label = 0;
				alpha = false;
			}
			continue;
		}
		if ((d[i] >= 'A' && d[i] <= 'Z') ||
		    (d[i] >= 'a' && d[i] <= 'z'))
			alpha = true;
		else if (d[i] == '-') {
			if (label == 0)
				return false;
		} else if (d[i] < '0' || d[i] > '9')
			return false;
		label++;
	}
	return labels >= 2 && alpha;
}

bool
mail_address_valid(const char *s)
{
	const char	*at;
	size_t		 len;

	if (s == NULL)
		return false;
	len = strnlen(s, MAIL_ADDRESS_MAX + 1);
	if (len > MAIL_ADDRESS_MAX || (at = strchr(s, '@')) == NULL)
		return false;
	if (at - s > MAIL_LOCAL_MAX || !mail_dot_atom(s, (size_t)(at - s)))
		return false;
	return mail_domain_valid(at + 1, len - (size_t)(at - s) - 1);
}

/*
 * The length of the UTF-8 character at p (RFC 3629: no overlong forms,
 * surrogates or code points above U+10FFFF), or 0 if there is none.
 * Stops at the first byte that does not fit, so never reads past a NUL.
 */
static size_t
mail_utf8_len(const unsigned char *p)
{
	uint32_t	cp;
	int		n;

	if (*p == '\0' || (n = util_utf8_decode(p, UTIL_UTF8_MAX, &cp)) < 0)
		return 0;
	return (size_t)n;
}

static bool
mail_utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	while (*p != '\0') {
		if ((n = mail_utf8_len(p)) == 0)
			return false;
		p += n;
	}
	return true;
}

/* Printable ASCII, space included. */
static bool
mail_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* What a Q encoded-word may carry as itself anywhere (RFC 2047 5 (3)). */
static bool
mail_q_safe(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

/* Q-encodes the n bytes at p into out (room for 3 * n); returns the length. */
static size_t
mail_q_char(const unsigned char *p, size_t n, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, len = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ')
			out[len++] = '_';
		else if (mail_q_safe(p[i]))
			out[len++] = (char)p[i];
		else {
			out[len++] = '=';
			out[len++] = hex[p[i] >> 4];
			out[len++] = hex[p[i] & 0xf];
		}
	}
	return len;
}

/*
 * Writes UTF-8 s as RFC 2047 encoded-words, in Q or B, whichever is
 * shorter, from column col.  Each word holds whole characters, so each
 * decodes alone, and lines stay within MAIL_EW_LINE columns.  Returns
 * the column after the last word.
 */
static size_t
mail_words(struct buf *b, const char *s, size_t col)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p, *start, *brk;
	char			 enc[12];
	size_t			 n, clen, qlen = 0, room, used, brkused, i;
	unsigned long		 v;
	bool			 q;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		qlen += *p == ' ' || mail_q_safe(*p) ? 1 : 3;
	n = strlen(s);
	q = qlen <= (n + 2) / 3 * 4;

	if (col > MAIL_EW_LINE - 2 * MAIL_EW_EXTRA) {
		buf_puts(b, "\r\n ");
		col = 1;
	}
	p = (const unsigned char *)s;
	while (*p != '\0') {
		room = MAIL_EW_LINE - col - MAIL_EW_EXTRA;
		start = p;
		brk = NULL;
		used = brkused = 0;
		while (*p != '\0') {
			clen = mail_utf8_len(p);
			if (q)
				n = used + mail_q_char(p, clen, enc);
			else
				n = ((size_t)(p - start) + clen + 2) / 3 * 4;
			if (n > room) {
				/*
				 * Some readers (Python's email) put a space
				 * between encoded-words in a display name:
				 * better after a word than inside one.
				 */
				if (brk != NULL) {
					p = brk;
					used = brkused;
				}
				break;
			}
			used = n;
			p += clen;
			if (clen == 1 && p[-1] == ' ') {
				brk = p;
				brkused = used;
			}
		}
		buf_puts(b, q ? "=?UTF-8?Q?" : "=?UTF-8?B?");
		if (q) {
			for (; start < p; start += clen) {
				clen = mail_utf8_len(start);
				buf_append(b, enc, mail_q_char(start, clen,
				    enc));
			}
		} else {
			for (; start < p; start += 3) {
				n = (size_t)(p - start) < 3 ?
				    (size_t)(p - start) : 3;
				v = (unsigned long)start[0] << 16;
				if (n > 1)
					v |= (unsigned long)start[1] << 8;
				if (n > 2)
					v |= start[2];
				for (i = 0; i < 4; i++)
					enc[i] = i <= n ?
					    b64[(v >> (18 - 6 * i)) & 0x3f] :
					    '=';
				buf_append(b, enc, 4);
			}
		}
		buf_puts(b, "?=");
		col += MAIL_EW_EXTRA + used;
		if (*p != '\0') {
			/* White space between encoded-words is not text. */
			buf_puts(b, "\r\n ");
			col = 1;
		}
	}
	return col;
}

/*
 * Whether s may stay as it is in an unstructured header: printable ASCII
 * that no reader mistakes for an encoded-word ("=?"), words separated by
 * single spaces (so folding before a space loses nothing), none too long
 * to fold within 998 bytes.
 */
static bool
mail_plain(const char *s)
{
	size_t	 i, word = 0;

	if (!mail_printable(s) || strstr(s, "=?") != NULL || s[0] == ' ')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] != ' ')
			word++;
		else if (word == 0)
			return false;
		else
			word = 0;
		if (word > MAIL_WORD_MAX)
			return false;
	}
	return word > 0;
}

/* Writes plain s from column col, folding before a space past MAIL_FOLD. */
static void
mail_fold(struct buf *b, const char *s, size_t col)
{
	size_t	 word;
	bool	 first = true;

	while (*s != '\0') {
		if (*s == ' ')
			s++;
		word = strcspn(s, " ");
		if (!first && col + 1 + word > MAIL_FOLD) {
			buf_puts(b, "\r\n");
			col = 0;
		}
		if (!first) {
			buf_puts(b, " ");
			col++;
		}
		buf_append(b, s, word);
		col += word;
		s += word;
		first = false;
	}
}

/* "Field: name <addr>": the name quoted, or encoded when it must be. */
static void
mail_mailbox(struct buf *b, const char *field, const char *name,
    const char *addr)
{
	const char	*p;
	size_t		 col, quoted;

	buf_printf(b, "%s: ", field);
	col = strlen(field) + 2;
	if (name == NULL || name[0] == '\0') {
		buf_printf(b, "%s\r\n", addr);
		return;
	}
	quoted = 2 + strlen(name);
	for (p = name; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			quoted++;
	if (mail_printable(name) && strstr(name, "=?") == NULL &&
	    col + quoted <= MAIL_FOLD) {
		buf_puts(b, "\"");
		for (p = name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_puts(b, "\\");
			buf_append(b, p, 1);
		}
		buf_puts(b, "\"");
		col += quoted;
	} else
		col = mail_words(b, name, col);
	if (col + 3 + strlen(addr) > MAIL_FOLD)
		buf_printf(b, "\r\n <%s>\r\n", addr);
	else
		buf_printf(b, " <%s>\r\n", addr);
}

/* A dot-atom of [A-Za-z0-9_-], so it is an id-left (RFC 5322 3.6.4). */
static bool
mail_id_valid(const char *id)
{
	size_t	 len;

	if (id == NULL)
		return false;
	len = strlen(id);
	if (len == 0 || len > MAIL_ID_MAX || id[0] == '.' ||
	    id[len - 1] == '.' || strstr(id, "..") != NULL)
		return false;
	return id[strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-")] == '\0';
}

/* A URI as it may stand between angle brackets: "scheme:", no spaces. */
static bool
mail_uri_valid(const char *uri)
{
	const char	*p;
	size_t		 scheme;

	scheme = strspn(uri, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+-.");
	if (scheme == 0 || uri[scheme] != ':' || strlen(uri) > MAIL_URI_MAX)
		return false;
	for (p = uri; *p != '\0'; p++)
		if (*p <= 0x20 || *p > 0x7e || *p == '<' || *p == '>' ||
		    *p == '"')
			return false;
	return true;
}

/*
 * Quoted-printable (RFC 2045 6.7): LF and CRLF in s are line breaks and
 * become CRLF; a lone CR is encoded.  White space before a line break is
 * encoded, so nothing strips it.  Soft line breaks keep lines within 76
 * columns and go between characters, never inside one.
 */
static void
mail_qp(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)s, *nx;
	char			 enc[12];
	size_t			 col = 0, clen, elen, i;
	bool			 eol;

	while (*p != '\0') {
		if (p[0] == '\n' || (p[0] == '\r' && p[1] == '\n')) {
			buf_puts(b, "\r\n");
			col = 0;
			p += p[0] == '\r' ? 2 : 1;
			continue;
		}
		clen = mail_utf8_len(p);
		nx = p + clen;
		eol = nx[0] == '\0' || nx[0] == '\n' ||
		    (nx[0] == '\r' && nx[1] == '\n');
		for (i = elen = 0; i < clen; i++) {
			if ((p[i] > ' ' && p[i] < 0x7f && p[i] != '=') ||
			    ((p[i] == ' ' || p[i] == '\t') && !eol))
				enc[elen++] = (char)p[i];
			else {
				enc[elen++] = '=';
				enc[elen++] = hex[p[i] >> 4];
				enc[elen++] = hex[p[i] & 0xf];
			}
		}
		/* A line that goes on needs a column for its '='. */
		if (col + elen > (eol ? MAIL_QP_LINE : MAIL_QP_LINE - 1)) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		buf_append(b, enc, elen);
		col += elen;
		p = nx;
	}
}

/* A text part's header and its body: UTF-8 in quoted-printable. */
static void
mail_part(struct buf *b, const char *type, const char *s)
{
	buf_printf(b, "Content-Type: text/%s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	mail_qp(b, s);
}

/* Everything that can refuse a message, checked before a byte is written. */
static int
mail_check(const struct mail *m, struct tm *tm, char *err, size_t errlen)
{
	const struct {
		const char	*what;
		const char	*s;
	} names[] = {
		{ "the sender's name", m->from_name },
		{ "the recipient's name", m->to_name },
		{ "the subject", m->subject },
	};
	size_t	 i;

	if (!mail_address_valid(m->from)) {
		(void)snprintf(err, errlen, "mail: the sender is not a "
		    "usable email address");
		return -1;
	}
	if (!mail_address_valid(m->to)) {
		(void)snprintf(err, errlen, "mail: the recipient is not a "
		    "usable email address");
		return -1;
	}
	if (m->subject == NULL || m->subject[0] == '\0') {
		(void)snprintf(err, errlen, "mail: no subject");
		return -1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].s == NULL)
			continue;
		if (strpbrk(names[i].s, "\r\n") != NULL) {
			(void)snprintf(err, errlen, "mail: %s has a line "
			    "break", names[i].what);
			return -1;
		}
		if (!mail_utf8_valid(names[i].s)) {
			(void)snprintf(err, errlen, "mail: %s is not UTF-8",
			    names[i].what);
			return -1;
		}
	}
	if (m->text == NULL || m->text[0] == '\0') {
		(void)snprintf(err, errlen, "mail: no text");
		return -1;
	}
	if (!mail_utf8_valid(m->text)) {
		(void)snprintf(err, errlen, "mail: the text is not UTF-8");
		return -1;
	}
	if (m->html != NULL && !mail_utf8_valid(m->html)) {
		(void)snprintf(err, errlen, "mail: the HTML is not UTF-8");
		return -1;
	}
	if (!mail_id_valid(m->id)) {
		(void)snprintf(err, errlen, "mail: the message id must be 1 "
		    "to %d letters, digits, '_', '-' and inner dots",
		    MAIL_ID_MAX);
		return -1;
	}
	if (m->unsubscribe != NULL && m->unsubscribe[0] != '\0' &&
	    !mail_uri_valid(m->unsubscribe)) {
		(void)snprintf(err, errlen, "mail: the unsubscribe URI is not "
		    "one printable ASCII URI");
		return -1;
	}
	/* RFC 5322 3.3: a year of four digits, 1900 or later. */
	if (gmtime_r(&m->date, tm) == NULL || tm->tm_year < 0 ||
	    tm->tm_year > 9999 - 1900) {
		(void)snprintf(err, errlen, "mail: the date is out of range");
		return -1;
	}
	return 0;
}

int
mail_build(const struct mail *m, struct buf *out, char *err, size_t errlen)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm		 tm;
	bool			 html;

	if (mail_check(m, &tm, err, errlen) == -1)
		return -1;
	html = m->html != NULL && m->html[0] != '\0';

	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	mail_mailbox(out, "From", m->from_name, m->from);
	mail_mailbox(out, "To", m->to_name, m->to);
	buf_puts(out, "Subject: ");
	if (mail_plain(m->subject))
		mail_fold(out, m->subject, strlen("Subject: "));
	else
		(void)mail_words(out, m->subject, strlen("Subject: "));
	buf_printf(out, "\r\nMessage-ID: <%s@%s>\r\n", m->id,
	    strrchr(m->from, '@') + 1);
	buf_puts(out, "MIME-Version: 1.0\r\n");
	if (m->unsubscribe != NULL && m->unsubscribe[0] != '\0') {
		buf_printf(out, "List-Unsubscribe: <%s>\r\n", m->unsubscribe);
		/* RFC 8058: one-click needs an https URI to POST to. */
		if (strncasecmp(m->unsubscribe, "https:", 6) == 0)
			buf_puts(out, "List-Unsubscribe-Post: "
			    "List-Unsubscribe=One-Click\r\n");
	}
	buf_puts(out, "Auto-Submitted: auto-generated\r\n");

	if (!html) {
		mail_part(out, "plain", m->text);
		if (out->len < 2 || memcmp(out->data + out->len - 2, "\r\n",
		    2) != 0)
			buf_puts(out, "\r\n");
		return 0;
	}
	buf_puts(out, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"" MAIL_BOUNDARY "\"\r\n\r\n");
	buf_puts(out, "--" MAIL_BOUNDARY "\r\n");
	mail_part(out, "plain", m->text);
	buf_puts(out, "\r\n--" MAIL_BOUNDARY "\r\n");
	mail_part(out, "html", m->html);
	buf_puts(out, "\r\n--" MAIL_BOUNDARY "--\r\n");
	return 0;
}
