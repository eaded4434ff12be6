/* SPDX-License-Identifier: MIT */
/* json.c: escaping JSON strings, reading one member of a top-level object. */

#include <stdbool.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* Deeper nesting is refused rather than risking the stack. */
#define JSON_DEPTH_MAX	64

struct json_parser {
	const char	*p;
	const char	*end;
	int		 depth;
};

static void	json_skip_ws(struct json_parser *jp);
static int	json_hex4(const char *p, unsigned int *out);
static void	json_put_utf8(struct buf *b, unsigned long cp);
static int	json_string(struct json_parser *jp, struct buf *out);
static int	json_number(struct json_parser *jp);
static int	json_literal(struct json_parser *jp, const char *word);
static int	json_value(struct json_parser *jp);
static int	json_take(struct json_parser *jp, struct buf *val);
static int	json_lookup(const char *text, size_t len, const char *key,
		    size_t idx, char *out, size_t outlen);
static void	json_copy(char *out, size_t outlen, const char *s,
		    size_t len);

void
json_append_string(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			 esc[7];

	buf_append(b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			buf_append(b, "\\\"", 2);
			break;
		case '\\':
			buf_append(b, "\\\\", 2);
			break;
		case '\n':
			buf_append(b, "\\n", 2);
			break;
		case '\r':
			buf_append(b, "\\r", 2);
			break;
		case '\t':
			buf_append(b, "\\t", 2);
			break;
		case '\b':
			buf_append(b, "\\b", 2);
			break;
		case '\f':
			buf_append(b, "\\f", 2);
			break;
		default:
			if (*p < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0xf];
				buf_append(b, esc, 6);
			} else
				buf_append(b, p, 1);
			break;
		}
	}
	buf_append(b, "\"", 1);
}

static void
json_skip_ws(struct json_parser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
	    *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static int
json_hex4(const char *p, unsigned int *out)
{
	unsigned int	 v = 0;
	int		 i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (unsigned int)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= (unsigned int)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= (unsigned int)(p[i] - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
json_put_utf8(struct buf *b, unsigned long cp)
{
	unsigned char	 u[4];
	size_t		 n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(b, u, n);
}

/*
 * Parses a string at jp->p (which is '"'), decoding it into out unless out
 * is NULL.  A lone surrogate is legal JSON text but not a character, so it
 * decodes to U+FFFD.
 */
static int
json_string(struct json_parser *jp, struct buf *out)
{
	const char	*start;
	unsigned int	 u, lo;
	unsigned long	 cp;

	jp->p++;
	for (;;) {
		start = jp->p;
		while (jp->p < jp->end && *jp->p != '"' && *jp->p != '\\' &&
		    (unsigned char)*jp->p >= 0x20)
			jp->p++;
		if (out != NULL && jp->p > start)
			buf_append(out, start, (size_t)(jp->p - start));
		if (jp->p >= jp->end || (unsigned char)*jp->p < 0x20)
			return -1;
		if (*jp->p == '"') {
			jp->p++;
			return 0;
		}
		/* A backslash escape. */
		if (jp->end - jp->p < 2)
			return -1;
		jp->p++;
		switch (*jp->p) {
		case '"':
		case '\\':
		case '/':
			cp = (unsigned char)*jp->p;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (jp->end - jp->p < 5 ||
			    json_hex4(jp->p + 1, &u) == -1)
				return -1;
			jp->p += 4;
			cp = u;
			/*
			 * A NUL would end the text early (a message cut
			 * short, two ids made one): U+FFFD, as for a lone
			 * surrogate.
			 */
			if (u == 0 || (u >= 0xdc00 && u <= 0xdfff))
				cp = 0xfffd;
			else if (u >= 0xd800 && u <= 0xdbff) {
				cp = 0xfffd;
				if (jp->end - jp->p >= 7 && jp->p[1] == '\\' &&
				    jp->p[2] == 'u' &&
				    json_hex4(jp->p + 3, &lo) == 0 &&
				    lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + (((unsigned long)u -
					    0xd800) << 10) + (lo - 0xdc00);
					jp->p += 6;
				}
			}
			break;
		default:
			return -1;
		}
		jp->p++;
		if (out != NULL)
			json_put_utf8(out, cp);
	}
}

static int
json_number(struct json_parser *jp)
{
	const char	*p = jp->p, *end = jp->end;

	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return -1;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else
		return -1;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	jp->p = p;
	return 0;
}

static int
json_literal(struct json_parser *jp, const char *word)
{
	size_t	 n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return -1;
	jp->p += n;
	return 0;
}

/* Skips one value of any type at jp->p; whitespace is already skipped. */
static int
json_value(struct json_parser *jp)
{
	char	 close;
	bool	 object;

	if (jp->p >= jp->end)
		return -1;
	switch (*jp->p) {
	case '"':
		return json_string(jp, NULL);
	case 't':
		return json_literal(jp, "true");
	case 'f':
		return json_literal(jp, "false");
	case 'n':
		return json_literal(jp, "null");
	case '{':
	case '[':
		break;
	default:
		return json_number(jp);
	}

	object = *jp->p == '{';
	close = object ? '}' : ']';
	if (++jp->depth > JSON_DEPTH_MAX)
		return -1;
	jp->p++;
	json_skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		jp->depth--;
		return 0;
	}
	for (;;) {
		if (object) {
			if (jp->p >= jp->end || *jp->p != '"' ||
			    json_string(jp, NULL) == -1)
				return -1;
			json_skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':')
				return -1;
			jp->p++;
			json_skip_ws(jp);
		}
		if (json_value(jp) == -1)
			return -1;
		json_skip_ws(jp);
		if (jp->p >= jp->end)
			return -1;
		if (*jp->p == close) {
			jp->p++;
			jp->depth--;
			return 0;
		}
		if (*jp->p != ',')
			return -1;
		jp->p++;
		json_skip_ws(jp);
	}
}

/*
 * Reads the value at jp->p into val: a string decoded, any other value as
 * its JSON text.  Returns 0, 1 for a null, -1 if there is no value.
 */
static int
json_take(struct json_parser *jp, struct buf *val)
{
	const char	*vstart = jp->p;

	buf_append(val, "", 0);
	if (jp->p < jp->end && *jp->p == '"')
		return json_string(jp, val);
	if (json_value(jp) == -1)
		return -1;
	if (jp->p - vstart == 4 && memcmp(vstart, "null", 4) == 0)
		return 1;
	buf_append(val, vstart, (size_t)(jp->p - vstart));
	return 0;
}

/* Copies len bytes of s, cut at a UTF-8 character boundary to fit. */
static void
json_copy(char *out, size_t outlen, const char *s, size_t len)
{
	if (outlen == 0)
		return;
	if (len > outlen - 1) {
		len = outlen - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
}

/*
 * Finds member key of the top-level object, or (key NULL) element idx of
 * the top-level array.  The whole text is validated, so a truncated
 * answer is never mistaken for an object.  The first member named key
 * wins.  A string is decoded; any other non-null value (number, true,
 * false, object, array) is copied as its JSON text.
 */
static int
json_lookup(const char *text, size_t len, const char *key, size_t idx,
    char *out, size_t outlen)
{
	struct json_parser	 jp;
	struct buf		 name, val;
	const char		 open = key != NULL ? '{' : '[';
	const char		 close = key != NULL ? '}' : ']';
	size_t			 i;
	int			 ret = -1, found = 0, r;
	bool			 this;

	buf_init(&name);
	buf_init(&val);
	if (outlen > 0)
		out[0] = '\0';
	if (text == NULL)
		goto out;
	jp.p = text;
	jp.end = text + len;
	jp.depth = 1;

	json_skip_ws(&jp);
	if (jp.p >= jp.end || *jp.p != open)
		goto out;
	jp.p++;
	json_skip_ws(&jp);
	if (jp.p < jp.end && *jp.p == close) {
		jp.p++;
		goto done;
	}
	for (i = 0;; i++) {
		this = i == idx;
		if (key != NULL) {
			if (jp.p >= jp.end || *jp.p != '"')
				goto out;
			name.len = 0;
			buf_append(&name, "", 0);
			if (json_string(&jp, &name) == -1)
				goto out;
			json_skip_ws(&jp);
			if (jp.p >= jp.end || *jp.p != ':')
				goto out;
			jp.p++;
			json_skip_ws(&jp);
			this = !found && name.len == strlen(key) &&
			    memcmp(name.data, key, name.len) == 0;
		}
		if (this) {
			if ((r = json_take(&jp, &val)) == -1)
				goto out;
			found = r == 0 ? 1 : 2;
		} else if (json_value(&jp) == -1)
			goto out;
		json_skip_ws(&jp);
		if (jp.p >= jp.end)
			goto out;
		if (*jp.p == close) {
			jp.p++;
			break;
		}
		if (*jp.p != ',')
			goto out;
		jp.p++;
		json_skip_ws(&jp);
	}
done:
	json_skip_ws(&jp);
	if (jp.p != jp.end)
		goto out;
	if (found == 1) {
		json_copy(out, outlen, val.data, val.len);
		ret = 0;
	} else
		ret = 1;
out:
	buf_clear(&name);
	buf_clear(&val);
	return ret;
}

int
json_get(const char *text, size_t len, const char *key, char *out,
    size_t outlen)
{
	return json_lookup(text, len, key, 0, out, outlen);
}

int
json_get_index(const char *text, size_t len, size_t idx, char *out,
    size_t outlen)
{
	return json_lookup(text, len, NULL, idx, out, outlen);
}

int
json_array_next(const char *text, size_t len, size_t *pos, const char **elem,
    size_t *elemlen)
{
	struct json_parser	 jp;
	const char		*start;

	if (text == NULL || *pos > len)
		return -1;
	jp.p = text + *pos;
	jp.end = text + len;
	jp.depth = 1;
	json_skip_ws(&jp);
	if (*pos == 0) {
		if (jp.p >= jp.end || *jp.p != '[')
			return -1;
		jp.p++;
		json_skip_ws(&jp);
		if (jp.p < jp.end && *jp.p == ']')
			goto last;
	} else {
		/* Just after an element. */
		if (jp.p >= jp.end)
			return -1;
		if (*jp.p == ']')
			goto last;
		if (*jp.p != ',')
			return -1;
		jp.p++;
		json_skip_ws(&jp);
	}
	start = jp.p;
	if (json_value(&jp) == -1)
		return -1;
	*elem = start;
	*elemlen = (size_t)(jp.p - start);
	*pos = (size_t)(jp.p - text);
	return 0;
last:
	jp.p++;
	json_skip_ws(&jp);
	if (jp.p != jp.end)
		return -1;
	*pos = len;
	return 1;
}
