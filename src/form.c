/* SPDX-License-Identifier: MIT */
/* form.c: pure parsing of application/x-www-form-urlencoded text. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

static int	form_hex(char c);
static size_t	form_decode(const char *s, size_t len, char *out);
static size_t	form_utf8_len(const unsigned char *p, size_t left);

void
form_init(struct form *f)
{
	memset(f, 0, sizeof(*f));
}

void
form_clear(struct form *f)
{
	free(f->fields);
	free(f->data);
	form_init(f);
}

static int
form_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len bytes already checked by form_parse(); returns the length. */
static size_t
form_decode(const char *s, size_t len, char *out)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] == '%') {
			out[n++] = (char)(form_hex(s[i + 1]) << 4 |
			    form_hex(s[i + 2]));
			i += 2;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	return n;
}

int
form_parse(const char *text, size_t len, struct form *f, char *err,
    size_t errlen)
{
	struct form_field	*fl;
	size_t			 i, nseg = 0, used = 0, start, stop, eq;
	unsigned char		 c;

	form_init(f);
	if (text == NULL)
		len = 0;
	if (len > FORM_LEN_MAX) {
		(void)snprintf(err, errlen, "form: more than %d bytes",
		    FORM_LEN_MAX);
		return -1;
	}
	/* Check everything before allocating anything. */
	for (i = 0; i < len; i++) {
		c = (unsigned char)text[i];
		if (c == '%' && (i + 2 >= len || form_hex(text[i + 1]) < 0 ||
		    form_hex(text[i + 2]) < 0)) {
			(void)snprintf(err, errlen, "form: malformed percent "
			    "escape at byte %zu", i);
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			(void)snprintf(err, errlen, "form: control byte 0x%02x "
			    "not percent-encoded at byte %zu", c, i);
			return -1;
		}
		if (c != '&' && (i == 0 || text[i - 1] == '&'))
			nseg++;
	}
	if (nseg > FORM_FIELDS_MAX) {
		(void)snprintf(err, errlen, "form: more than %d fields",
		    FORM_FIELDS_MAX);
		return -1;
	}
	if (nseg == 0)
		return 0;

	/* Each field decodes to at most its length, plus two NULs. */
	f->fields = xcalloc(nseg, sizeof(*f->fields));
	f->data = xmalloc(len + 2 * nseg);
	for (start = 0; start < len; start = stop + 1) {
		for (stop = start; stop < len && text[stop] != '&'; stop++)
			;
		if (stop == start)
			continue;
		for (eq = start; eq < stop && text[eq] != '='; eq++)
			;
		fl = &f->fields[f->nfields++];
		fl->name = f->data + used;
		fl->namelen = form_decode(text + start, eq - start,
		    f->data + used);
		used += fl->namelen + 1;
		fl->value = f->data + used;
		fl->valuelen = eq < stop ? form_decode(text + eq + 1,
		    stop - eq - 1, f->data + used) : form_decode(text + stop, 0,
		    f->data + used);
		used += fl->valuelen + 1;
		fl->flags = form_text_flags(fl->name, fl->namelen) |
		    form_text_flags(fl->value, fl->valuelen);
		f->flags |= fl->flags;
	}
	return 0;
}

const struct form_field *
form_find(const struct form *f, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i].namelen == n &&
		    memcmp(f->fields[i].name, name, n) == 0)
			return &f->fields[i];
	return NULL;
}

const char *
form_get(const struct form *f, const char *name)
{
	const struct form_field	*fl = form_find(f, name);

	return fl != NULL ? fl->value : NULL;
}

size_t
form_count(const struct form *f, const char *name)
{
	size_t	 i, n = strlen(name), count = 0;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i].namelen == n &&
		    memcmp(f->fields[i].name, name, n) == 0)
			count++;
	return count;
}

/*
 * The length of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
form_utf8_len(const unsigned char *p, size_t left)
{
	uint32_t	cp;
	int		n;

	return (n = util_utf8_decode(p, left, &cp)) < 0 ? 0 : (size_t)n;
}

unsigned int
form_text_flags(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 flags = 0;
	size_t			 i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			if (p[i] == '\0')
				flags |= FORM_NUL;
			else if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r')
				flags |= FORM_LAYOUT;
			else if (p[i] < 0x20 || p[i] == 0x7f)
				flags |= FORM_CONTROL;
			i++;
			continue;
		}
		if ((n = form_utf8_len(p + i, len - i)) == 0) {
			flags |= FORM_BAD_UTF8;
			i++;
			continue;
		}
		if (p[i] == 0xc2 && p[i + 1] < 0xa0)
			flags |= FORM_CONTROL;
		/* U+061C; U+200E, U+200F; U+202A-U+202E; U+2066-U+2069. */
		if ((p[i] == 0xd8 && p[i + 1] == 0x9c) ||
		    (p[i] == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0x8e ||
		    p[i + 2] == 0x8f || (p[i + 2] >= 0xaa &&
		    p[i + 2] <= 0xae))) ||
		    (p[i] == 0xe2 && p[i + 1] == 0x81 && p[i + 2] >= 0xa6 &&
		    p[i + 2] <= 0xa9))
			flags |= FORM_BIDI;
		i += n;
	}
	return flags;
}
