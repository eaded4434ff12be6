/* template.h: pure message rendering and SMS encoding arithmetic. */
#ifndef AFTERCARE_TEMPLATE_H
#define AFTERCARE_TEMPLATE_H

#include <stddef.h>

/* The values a template may refer to; NULL renders as "". */
struct template_vars {
	const char	*first_name;	/* {first_name} */
	const char	*clinic_name;	/* {clinic_name} */
	const char	*clinic_phone;	/* {clinic_phone} */
	const char	*treatment;	/* {treatment} */
	const char	*treatment_date; /* {treatment_date} */
};

/*
 * Checks a template: every {name} is a known placeholder, braces are
 * balanced ("{{" and "}}" write literal braces) and the text is UTF-8.
 * Returns 0, or -1 with a message in err naming the offending placeholder.
 */
int	template_check(const char *tmpl, char *err, size_t errlen);

/*
 * Renders a template that passed template_check().  Returns a new string;
 * caller frees with free().
 */
char	*template_render(const char *tmpl, const struct template_vars *vars);

/*
 * The first word of a full name ("Ana María López" gives "Ana"), with
 * surrounding white space and control characters removed; a name with no
 * usable word gives "".
 */
void	template_first_name(const char *full_name, char *buf, size_t len);

/* A treatment kind for people: "chemical_peel" gives "chemical peel". */
void	template_treatment_name(const char *kind, char *buf, size_t len);

/*
 * text as a table cell of at most cols columns, into buf[len], taking
 * each character to be one column: white space as a space, other control
 * characters and direction marks dropped, a byte that is not UTF-8 as
 * '?', a longer text cut to end in "...", NULL or "" as "-".  Returns the
 * columns written (fewer than cols if len is under 4 * cols + 1).
 */
size_t	template_cell(const char *text, size_t cols, char *buf,
	    size_t len);

enum sms_encoding {
	SMS_GSM7,	/* GSM 03.38 default alphabet and its extension table */
	SMS_UCS2	/* anything else: UTF-16 code units */
};

struct sms_info {
	enum sms_encoding	encoding;
	size_t			units;		/* septets or UTF-16 units */
	size_t			segments;	/* 1 + concatenated parts */
};

/*
 * Works out how a UTF-8 text travels as SMS: GSM-7 when every character is
 * in the GSM 03.38 alphabet (extension characters such as '{' or the euro
 * sign count twice), else UCS-2; and how many segments it takes
 * (160/153 septets, 70/67 UCS-2 units; an empty text is one segment).
 * As phones do, a concatenated part never ends inside an escape pair or
 * a surrogate pair, so such a part may carry one unit less.  Invalid
 * UTF-8 counts as U+FFFD.
 */
void	template_sms_info(const char *utf8, struct sms_info *info);

#endif
