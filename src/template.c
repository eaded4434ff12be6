/* SPDX-License-Identifier: MIT */
/* template.c: pure message rendering and SMS encoding arithmetic. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "template.h"
#include "util.h"

#define NAME_QUOTE_MAX	40

/* GSM 03.38 message sizes (3GPP TS 23.038 and 23.040). */
#define GSM7_SINGLE	160
#define GSM7_PART	153
#define UCS2_SINGLE	70
#define UCS2_PART	67

static const char *const placeholders[] = {
	"first_name", "clinic_name", "clinic_phone", "treatment",
	"treatment_date"
};
#define NPLACEHOLDERS	(sizeof(placeholders) / sizeof(placeholders[0]))

static int	placeholder_find(const char *name, size_t len);
static const char *placeholder_value(const struct template_vars *vars,
		    int idx);
static size_t	utf8_prefix(const char *s, size_t len, size_t max);
static void	unknown_placeholder(const char *name, size_t len, char *err,
		    size_t errlen);
static bool	is_space(uint32_t cp);
static bool	is_control(uint32_t cp);
static int	gsm7_septets(uint32_t cp);
static size_t	segments(size_t units, size_t single, size_t part,
		    const unsigned char *s, bool gsm);

static int
placeholder_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < NPLACEHOLDERS; i++)
		if (strlen(placeholders[i]) == len &&
		    memcmp(placeholders[i], name, len) == 0)
			return (int)i;
	return -1;
}

static const char *
placeholder_value(const struct template_vars *vars, int idx)
{
	const char	*v = NULL;

	if (vars == NULL)
		return "";
	switch (idx) {
	case 0:
		v = vars->first_name;
		break;
	case 1:
		v = vars->clinic_name;
		break;
	case 2:
		v = vars->clinic_phone;
		break;
	case 3:
		v = vars->treatment;
		break;
	case 4:
		v = vars->treatment_date;
		break;
	}
	return v == NULL ? "" : v;
}

/* The longest prefix of s[0..len), at most max bytes, on a UTF-8 boundary. */
static size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Names the culprit, but only a short prefix of it. */
static void
unknown_placeholder(const char *name, size_t len, char *err, size_t errlen)
{
	size_t	k;

	k = utf8_prefix(name, len, NAME_QUOTE_MAX);
	(void)snprintf(err, errlen, "unknown placeholder {%.*s%s}; known: "
	    "{first_name} {clinic_name} {clinic_phone} {treatment} "
	    "{treatment_date}", (int)k, name, k < len ? "..." : "");
}

int
template_check(const char *tmpl, char *err, size_t errlen)
{
	const unsigned char	*s = (const unsigned char *)tmpl;
	size_t			 i, j;
	uint32_t		 cp;
	int			 n;

	if (tmpl == NULL) {
		(void)snprintf(err, errlen, "no template");
		return -1;
	}
	for (i = 0; s[i] != '\0'; ) {
		if (s[i] == '{' && s[i + 1] == '{') {
			i += 2;
			continue;
		}
		if (s[i] == '}' && s[i + 1] == '}') {
			i += 2;
			continue;
		}
		if (s[i] == '}') {
			(void)snprintf(err, errlen, "lone \"}\" at byte %zu "
			    "(write }} for a literal brace)", i + 1);
			return -1;
		}
		if (s[i] == '{') {
			/* A placeholder never spans a line or holds a brace. */
			for (j = i + 1; s[j] != '\0' && s[j] != '\n' &&
			    s[j] != '{' && s[j] != '}'; j++)
				;
			if (s[j] != '}') {
				(void)snprintf(err, errlen, "unclosed \"{\" at "
				    "byte %zu (write {{ for a literal brace)",
				    i + 1);
				return -1;
			}
			if (placeholder_find(tmpl + i + 1, j - i - 1) < 0) {
				unknown_placeholder(tmpl + i + 1, j - i - 1,
				    err, errlen);
				return -1;
			}
			i = j + 1;
			continue;
		}
		n = util_utf8_decode(s + i, UTIL_UTF8_MAX, &cp);
		if (n < 0) {
			(void)snprintf(err, errlen,
			    "invalid UTF-8 at byte %zu", i + 1);
			return -1;
		}
		i += (size_t)n;
	}
	return 0;
}

char *
template_render(const char *tmpl, const struct template_vars *vars)
{
	struct buf	 b;
	const char	*p, *close;
	int		 idx;

	buf_init(&b);
	if (tmpl == NULL)
		return buf_take(&b);
	for (p = tmpl; *p != '\0'; ) {
		if ((p[0] == '{' && p[1] == '{') ||
		    (p[0] == '}' && p[1] == '}')) {
			buf_append(&b, p, 1);
			p += 2;
			continue;
		}
		if (*p == '{') {
			close = strchr(p + 1, '}');
			idx = close == NULL ? -1 :
			    placeholder_find(p + 1, (size_t)(close - p - 1));
			if (idx >= 0) {
				buf_puts(&b, placeholder_value(vars, idx));
				p = close + 1;
				continue;
			}
		}
		/* Unchecked input: anything else is copied as it is. */
		buf_append(&b, p, 1);
		p++;
	}
	return buf_take(&b);
}

/* White space that separates words, ASCII and Unicode. */
static bool
is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

/*
 * C0 and C1 controls, DEL, and zero-width or direction marks; but not the
 * zero-width joiner, which holds emoji sequences such as a health worker
 * together.
 */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    (cp >= 0x200b && cp <= 0x200f && cp != 0x200d) ||
	    (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff;
}

void
template_first_name(const char *full_name, char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)full_name;
	size_t			 n = 0;
	uint32_t		 cp;
	int			 w;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (full_name == NULL)
		return;
	while (*s != '\0') {
		w = util_utf8_decode(s, UTIL_UTF8_MAX, &cp);
		if (w < 0) {
			/* Drop bytes that are not UTF-8. */
			s++;
			continue;
		}
		if (is_space(cp)) {
			if (n > 0)
				break;
		} else if (!is_control(cp)) {
			/* Whole characters only: stop at one that won't fit. */
			if (n + (size_t)w >= len)
				break;
			memcpy(buf + n, s, (size_t)w);
			n += (size_t)w;
		}
		s += w;
	}
	buf[n] = '\0';
}

void
template_treatment_name(const char *kind, char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)kind;
	size_t			 n = 0;
	uint32_t		 cp;
	bool			 gap = false;
	int			 w;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (kind == NULL)
		return;
	/*
	 * "chemical_peel" -> "chemical peel"; runs of '_' and white space
	 * collapse, the ends are trimmed, and what is not text (controls,
	 * bytes that are not UTF-8) is dropped, as in first names.
	 */
	for (; *s != '\0'; s += w) {
		if ((w = util_utf8_decode(s, UTIL_UTF8_MAX, &cp)) < 0) {
			w = 1;
			continue;
		}
		if (cp == '_' || is_space(cp)) {
			gap = n > 0;
			continue;
		}
		if (is_control(cp))
			continue;
		if (n + (gap ? 1 : 0) + (size_t)w >= len)
			break;
		if (gap)
			buf[n++] = ' ';
		gap = false;
		memcpy(buf + n, s, (size_t)w);
		n += (size_t)w;
	}
	buf[n] = '\0';
}

/*
 * Septets for a character in the GSM 03.38 default alphabet: 1 in the
 * basic table, 2 in the extension table (ESC + code), 0 if absent.
 */
static int
gsm7_septets(uint32_t cp)
{
	/* The basic table's characters outside printable ASCII. */
	static const uint32_t	 basic[] = {
		0x0a, 0x0d,
		0xa1, 0xa3, 0xa4, 0xa5, 0xa7, 0xbf,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc9, 0xd1, 0xd6, 0xd8, 0xdc, 0xdf,
		0xe0, 0xe4, 0xe5, 0xe6, 0xe8, 0xe9, 0xec, 0xf1, 0xf2, 0xf6,
		0xf8, 0xf9, 0xfc,
		0x393, 0x394, 0x398, 0x39b, 0x39e, 0x3a0, 0x3a3, 0x3a6,
		0x3a8, 0x3a9
	};
	static const uint32_t	 ext[] = {
		0x0c, '^', '{', '}', '\\', '[', '~', ']', '|', 0x20ac
	};
	size_t			 i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (cp == ext[i])
			return 2;
	/* Printable ASCII is basic except the above and the backtick. */
	if (cp >= 0x20 && cp < 0x7f)
		return cp == '`' ? 0 : 1;
	for (i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
		if (cp == basic[i])
			return 1;
	return 0;
}

/*
 * Segments for units in total.  Past one segment, an escape pair (GSM-7)
 * or a surrogate pair (UCS-2) is never split across parts, as phones do,
 * so a part may hold one unit less.
 */
static size_t
segments(size_t units, size_t single, size_t part, const unsigned char *s,
    bool gsm)
{
	size_t		 nseg = 1, fill = 0, w;
	uint32_t	 cp;
	int		 n;

	if (units <= single)
		return 1;
	while (*s != '\0') {
		n = util_utf8_decode(s, UTIL_UTF8_MAX, &cp);
		if (n < 0) {
			n = 1;
			cp = 0xfffd;
		}
		if (gsm)
			w = (size_t)gsm7_septets(cp);
		else
			w = cp >= 0x10000 ? 2 : 1;
		if (fill + w > part) {
			nseg++;
			fill = 0;
		}
		fill += w;
		s += n;
	}
	return nseg;
}

size_t
template_cell(const char *text, size_t cols, char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 n = 0, used = 0, mark = 0, marked = 0, k;
	uint32_t		 cp;
	int			 w;
	bool			 bad;

	if (len == 0)
		return 0;
	/* A column takes 4 bytes at most. */
	if (cols > (len - 1) / 4)
		cols = (len - 1) / 4;
	if (s == NULL || *s == '\0')
		s = (const unsigned char *)"-";
	for (; *s != '\0'; s += w) {
		w = util_utf8_decode(s, UTIL_UTF8_MAX, &cp);
		bad = w < 0;
		if (bad)
			w = 1;
		else if (is_control(cp) && !is_space(cp))
			continue;
		if (used == cols) {
			/* Too long: back to where "..." still fits. */
			n = mark;
			used = marked;
			for (k = 0; k < 3 && used < cols; k++, used++)
				buf[n++] = '.';
			break;
		}
		if (bad)
			buf[n++] = '?';
		else if (is_space(cp))
			buf[n++] = ' ';
		else {
			memcpy(buf + n, s, (size_t)w);
			n += (size_t)w;
		}
		used++;
		if (used + 3 <= cols) {
			mark = n;
			marked = used;
		}
	}
	buf[n] = '\0';
	return used;
}

void
template_sms_info(const char *utf8, struct sms_info *info)
{
	const unsigned char	*s = (const unsigned char *)utf8;
	size_t			 septets = 0, u16 = 0;
	bool			 gsm = true;
	uint32_t		 cp;
	int			 n, w;

	if (s == NULL)
		s = (const unsigned char *)"";
	while (*s != '\0') {
		n = util_utf8_decode(s, UTIL_UTF8_MAX, &cp);
		if (n < 0) {
			/* Sent as U+FFFD: one UCS-2 unit. */
			n = 1;
			cp = 0xfffd;
		}
		w = gsm7_septets(cp);
		if (w == 0)
			gsm = false;
		septets += (size_t)w;
		u16 += cp >= 0x10000 ? 2 : 1;
		s += n;
	}
	s = (const unsigned char *)(utf8 == NULL ? "" : utf8);
	if (gsm) {
		info->encoding = SMS_GSM7;
		info->units = septets;
		info->segments = segments(septets, GSM7_SINGLE, GSM7_PART, s,
		    true);
	} else {
		info->encoding = SMS_UCS2;
		info->units = u16;
		info->segments = segments(u16, UCS2_SINGLE, UCS2_PART, s,
		    false);
	}
}
