/* phone.h: pure checking and normalisation of phone numbers to E.164. */
#ifndef AFTERCARE_PHONE_H
#define AFTERCARE_PHONE_H

#include <stddef.h>

/* "+" and at most 15 digits, and the NUL. */
#define PHONE_E164_MAX	17

/*
 * Normalises an international number written the ways people write them
 * ("+1 (555) 010-0123", "+44 20 7946 0000", "0044 20...", "+1.555.010.0123")
 * to E.164 ("+15550100123").  Only unambiguous input is accepted: a number
 * without "+" or "00" has no known country and is rejected, as are letters,
 * too few (< 8) or too many (> 15) digits and a country code starting with 0.
 * Returns 0 with the number in out (outlen >= PHONE_E164_MAX), or -1 with
 * a message in err that does not repeat the number.
 */
int	phone_normalize(const char *in, char *out, size_t outlen, char *err,
	    size_t errlen);

#endif
