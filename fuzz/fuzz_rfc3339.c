/* SPDX-License-Identifier: MIT */
/* fuzz_rfc3339.c: libFuzzer target for schedule_rfc3339_parse(), _format(). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schedule.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, err[256], fmt[64], date[64];
	time_t	 t, t2;
	int	 off, off2, r;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	memset(err, 0x55, sizeof(err));
	t = (time_t)-12345;
	off = 12345;
	r = schedule_rfc3339_parse(s, &t, &off, err, sizeof(err));
	if (r == -1) {
		/* An error says why and leaves the outputs alone. */
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0' ||
		    t != (time_t)-12345 || off != 12345)
			abort();
		free(s);
		return 0;
	}
	if (r != 0 || off < -(23 * 60 + 59) || off > 23 * 60 + 59)
		abort();

	/* The same instant, in UTC, reads back unchanged. */
	memset(fmt, 0x55, sizeof(fmt));
	schedule_rfc3339_format(t, fmt, 21);
	if (memchr(fmt, '\0', 21) == NULL || (unsigned char)fmt[21] != 0x55)
		abort();
	schedule_rfc3339_format(t, fmt, sizeof(fmt));
	/* An offset may carry a year 0000 or 9999 instant out of range. */
	if (strlen(fmt) == 20 && fmt[0] != '-') {
		if (schedule_rfc3339_parse(fmt, &t2, &off2, err,
		    sizeof(err)) != 0 || t2 != t || off2 != 0)
			abort();
	}
	/* Without offset_min. */
	if (schedule_rfc3339_parse(s, &t2, NULL, err, sizeof(err)) != 0 ||
	    t2 != t)
		abort();

	memset(date, 0x55, sizeof(date));
	schedule_date_format(t, off, date, sizeof(date));
	if (memchr(date, '\0', sizeof(date)) == NULL || date[0] == '\0')
		abort();
	free(s);
	return 0;
}
