/* SPDX-License-Identifier: MIT */
/*
 * fuzz_form.c: libFuzzer target for form_parse().  The input is the form
 * text.  What is accepted is decoded faithfully (encoding it again gives
 * the same fields back) and flagged as form_text_flags() says; what is
 * refused gets one line that quotes nothing.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	encode(struct buf *b, const char *s, size_t len);
static void	check_refusal(const char *err);

/* Every byte as %XX, spaces as '+', so nothing is left to interpret. */
static void
encode(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ')
			buf_append(b, "+", 1);
		else
			buf_printf(b, "%%%02X", (unsigned char)s[i]);
	}
}

static void
check_refusal(const char *err)
{
	const char	*p;

	if (strncmp(err, "form: ", 6) != 0)
		abort();
	for (p = err; *p != '\0'; p++)
		if (*p < ' ' || *p >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct form_field	*fl;
	struct form		 f, again;
	struct buf		 b;
	unsigned int		 all = 0;
	char			 err[256];
	size_t			 i;

	memset(err, 0x55, sizeof(err));
	if (form_parse((const char *)data, size, &f, err, sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		check_refusal(err);
		if (f.nfields != 0 || f.fields != NULL || f.data != NULL)
			abort();
		form_clear(&f);
		return 0;
	}
	if (f.nfields > FORM_FIELDS_MAX || size > FORM_LEN_MAX)
		abort();

	buf_init(&b);
	buf_append(&b, "", 0);
	for (i = 0; i < f.nfields; i++) {
		fl = &f.fields[i];
		if (fl->name[fl->namelen] != '\0' ||
		    fl->value[fl->valuelen] != '\0' ||
		    fl->namelen + fl->valuelen > size)
			abort();
		if (fl->flags != (form_text_flags(fl->name, fl->namelen) |
		    form_text_flags(fl->value, fl->valuelen)))
			abort();
		all |= fl->flags;
		/* An encoded name is never empty, nor is the field. */
		if (i > 0)
			buf_append(&b, "&", 1);
		encode(&b, fl->name, fl->namelen);
		buf_append(&b, "=", 1);
		encode(&b, fl->value, fl->valuelen);
	}
	if (all != f.flags)
		abort();
	/* The first field of a name is what form_get() finds. */
	if (f.nfields > 0 && memchr(f.fields[0].name, '\0',
	    f.fields[0].namelen) == NULL &&
	    form_find(&f, f.fields[0].name) != &f.fields[0])
		abort();

	/* Encoded again, the same fields come back (within the limits). */
	if (b.len <= FORM_LEN_MAX) {
		if (form_parse(b.data, b.len, &again, err, sizeof(err)) != 0 ||
		    again.nfields != f.nfields || again.flags != f.flags)
			abort();
		for (i = 0; i < f.nfields; i++)
			if (again.fields[i].namelen != f.fields[i].namelen ||
			    again.fields[i].valuelen != f.fields[i].valuelen ||
			    memcmp(again.fields[i].name, f.fields[i].name,
			    f.fields[i].namelen) != 0 ||
			    memcmp(again.fields[i].value, f.fields[i].value,
			    f.fields[i].valuelen) != 0)
				abort();
		form_clear(&again);
	}
	buf_clear(&b);
	form_clear(&f);
	return 0;
}
