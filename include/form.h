/* form.h: pure parsing of application/x-www-form-urlencoded text. */
#ifndef AFTERCARE_FORM_H
#define AFTERCARE_FORM_H

#include <stdbool.h>
#include <stddef.h>

/* Longest text form_parse() takes, and most fields in it. */
#define FORM_LEN_MAX	65536
#define FORM_FIELDS_MAX	512

/*
 * What a decoded name or value holds besides printable text; the parser
 * reports them and the caller decides.  A Body with line breaks is
 * ordinary; a NUL cuts a C string short.
 */
#define FORM_NUL	0x01	/* a byte 0 (%00) */
#define FORM_LAYOUT	0x02	/* TAB, LF or CR */
#define FORM_CONTROL	0x04	/* another C0 control, DEL, or C1 (U+0080-U+009F) */
#define FORM_BAD_UTF8	0x08	/* bytes that are not UTF-8 */
#define FORM_BIDI	0x10	/* a bidirectional mark or override (RLM, RLO, ...) */

struct form_field {
	const char	*name;		/* decoded, NUL-terminated */
	size_t		 namelen;	/* bytes, as a name may hold a NUL */
	const char	*value;		/* decoded, NUL-terminated; "" for "a" or "a=" */
	size_t		 valuelen;
	unsigned int	 flags;		/* FORM_* found in name or value */
};

/* The fields in the order they came; repeated names are all kept. */
struct form {
	struct form_field	*fields;
	size_t			 nfields;
	unsigned int		 flags;		/* every field's flags, or'd */
	char			*data;		/* what the fields point into */
};

/* Makes f empty, so that form_clear() is safe before any form_parse(). */
void	form_init(struct form *f);

/*
 * Parses len bytes of form-encoded text into f (which it initialises):
 * '&' separates fields, empty ones are skipped, the first '=' ends the
 * name, '+' is a space and %XX a byte.  Refuses, with f left empty and a
 * line in err that never quotes the text: more than FORM_LEN_MAX bytes or
 * FORM_FIELDS_MAX fields, a '%' without two hex digits, and a raw control
 * byte (one that should have been percent-encoded).  Returns 0 or -1; in
 * both cases the caller calls form_clear().
 */
int	form_parse(const char *text, size_t len, struct form *f, char *err,
	    size_t errlen);

/* Frees what form_parse() allocated and empties f; safe on an empty f. */
void	form_clear(struct form *f);

/* The first field named name, or NULL; borrowed from f. */
const struct form_field *form_find(const struct form *f, const char *name);

/* The first value of name, or NULL if f has no such field; borrowed. */
const char	*form_get(const struct form *f, const char *name);

/* How many fields are named name. */
size_t	form_count(const struct form *f, const char *name);

/* The FORM_* flags of len bytes of decoded text. */
unsigned int	form_text_flags(const char *s, size_t len);

#endif
