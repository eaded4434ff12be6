/* SPDX-License-Identifier: MIT */
/* fuzz_duration.c: libFuzzer target for schedule_duration_parse(). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * After a failure err is NUL-terminated within errlen; nothing is ever
 * written past errlen.
 */
static void
check_err(int r, const char *err, size_t errlen, size_t bufsize)
{
	size_t	i;

	if (r == -1 && errlen > 0 && memchr(err, '\0', errlen) == NULL)
		abort();
	for (i = errlen; i < bufsize; i++)
		if ((unsigned char)err[i] != 0x55)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, err[256], small[16], fmt[64];
	int64_t	 secs, again;
	int	 r, r2;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	memset(err, 0x55, sizeof(err));
	secs = INT64_MIN;
	r = schedule_duration_parse(s, &secs, err, sizeof(err));
	check_err(r, err, sizeof(err), sizeof(err));
	if (r == 0) {
		if (secs < -SCHEDULE_DURATION_MAX ||
		    secs > SCHEDULE_DURATION_MAX)
			abort();
		/* What format writes, parse reads back to the same value. */
		memset(fmt, 0x55, sizeof(fmt));
		schedule_duration_format(secs, fmt, sizeof(fmt));
		if (memchr(fmt, '\0', sizeof(fmt)) == NULL)
			abort();
		memset(err, 0x55, sizeof(err));
		if (schedule_duration_parse(fmt, &again, err,
		    sizeof(err)) != 0 || again != secs)
			abort();
	} else if (r == -1) {
		if (err[0] == '\0' || secs != INT64_MIN)
			abort();
	} else
		abort();

	/* A short error buffer is truncated, never overrun. */
	memset(small, 0x55, sizeof(small));
	r2 = schedule_duration_parse(s, &secs, small, 5);
	check_err(r2, small, 5, sizeof(small));
	if (r2 != r)
		abort();
	free(s);
	return 0;
}
