/* SPDX-License-Identifier: MIT */
/* phone.c: pure checking and normalisation of phone numbers to E.164. */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "phone.h"

#define E164_MIN_DIGITS	8
#define E164_MAX_DIGITS	15

/*
 * Error messages in this file never quote the input: phone numbers must
 * not reach the logs.  Counts and single punctuation characters are fine.
 */
int
phone_normalize(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char		 digits[E164_MAX_DIGITS];
	const char	*p;
	size_t		 ndigits = 0, i;
	int		 depth = 0;
	bool		 intl = false;

	if (outlen > 0)
		out[0] = '\0';
	if (in == NULL)
		in = "";
	p = in;
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		(void)snprintf(err, errlen, "empty phone number");
		return -1;
	}
	/* The international prefix: "+" or "00", and nothing before it. */
	if (*p == '+') {
		intl = true;
		p++;
	} else if (p[0] == '0' && p[1] == '0') {
		intl = true;
		p += 2;
	}

	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			/* Keep counting past 15 to report the real length. */
			if (ndigits < sizeof(digits))
				digits[ndigits] = *p;
			ndigits++;
			continue;
		}
		switch (*p) {
		case ' ':
		case '-':
		case '.':
			continue;
		case '(':
			/*
			 * "+44 (0)20 7946 0000": the national trunk 0, dialled
			 * only from inside the country, is dropped.
			 */
			if (ndigits > 0 && p[1] == '0' && p[2] == ')') {
				p += 2;
				continue;
			}
			if (depth++ > 0)
				goto parens;
			continue;
		case ')':
			if (--depth < 0)
				goto parens;
			continue;
		case '+':
			(void)snprintf(err, errlen, "phone number has a '+' "
			    "that is not at the start");
			return -1;
		case 'x':
		case 'X':
		case '#':
		case ',':
		case ';':
			(void)snprintf(err, errlen, "phone number has an "
			    "extension or dial pause; remove it");
			return -1;
		}
		if ((*p == 'e' || *p == 'E') && (p[1] == 'x' || p[1] == 'X')) {
			(void)snprintf(err, errlen, "phone number has an "
			    "extension or dial pause; remove it");
			return -1;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			(void)snprintf(err, errlen, "phone number has letters; "
			    "write it in digits only");
			return -1;
		}
		if (*p > ' ' && *p < 0x7f)
			(void)snprintf(err, errlen, "phone number has '%c'; "
			    "use only digits, spaces, '-', '.', '(' and ')'",
			    *p);
		else
			(void)snprintf(err, errlen, "phone number has a "
			    "character other than digits, spaces, '-', '.', "
			    "'(' and ')'");
		return -1;
	}
	if (depth != 0)
		goto parens;

	if (!intl) {
		(void)snprintf(err, errlen, "phone number has no country code "
		    "(write it with + and the country code)");
		return -1;
	}
	if (ndigits == 0) {
		(void)snprintf(err, errlen, "phone number has no digits");
		return -1;
	}
	if (digits[0] == '0') {
		(void)snprintf(err, errlen, "phone number's country code "
		    "starts with 0; no country code does");
		return -1;
	}
	if (ndigits < E164_MIN_DIGITS) {
		(void)snprintf(err, errlen, "phone number has %zu digit%s; "
		    "E.164 needs at least %d", ndigits, ndigits == 1 ? "" : "s",
		    E164_MIN_DIGITS);
		return -1;
	}
	if (ndigits > E164_MAX_DIGITS) {
		(void)snprintf(err, errlen, "phone number has %zu digits; "
		    "E.164 allows at most %d", ndigits, E164_MAX_DIGITS);
		return -1;
	}
	if (outlen < ndigits + 2) {
		(void)snprintf(err, errlen, "phone number buffer too small");
		return -1;
	}
	out[0] = '+';
	for (i = 0; i < ndigits; i++)
		out[i + 1] = digits[i];
	out[ndigits + 1] = '\0';
	return 0;

parens:
	(void)snprintf(err, errlen, "phone number has unbalanced or nested "
	    "parentheses");
	return -1;
}
