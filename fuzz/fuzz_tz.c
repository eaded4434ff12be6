/* SPDX-License-Identifier: MIT */
/* fuzz_tz.c: libFuzzer target for tz_parse(), tz_offset(), tz_local_to_utc(). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	put32(unsigned char *, uint32_t);
static size_t	wrap_footer(unsigned char *, const uint8_t *, size_t);
static void	check(const struct tz *, int64_t);

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * Input that is not TZif becomes the POSIX TZ footer of a version 3 file
 * with no transitions, so the rule parser and its arithmetic are reached.
 */
static size_t
wrap_footer(unsigned char *b, const uint8_t *data, size_t size)
{
	size_t	n = 0, i;

	for (i = 0; i < 2; i++) {
		memcpy(b + n, "TZif3", 5);
		memset(b + n + 5, 0, 39);
		put32(b + n + 36, 1);		/* typecnt */
		put32(b + n + 40, 4);		/* charcnt */
		n += 44;
		memset(b + n, 0, 6);		/* UTC, not DST, "UTC" */
		memcpy(b + n + 6, "UTC", 4);
		n += 10;
	}
	b[n++] = '\n';
	memcpy(b + n, data, size);
	n += size;
	b[n++] = '\n';
	return n;
}

/* Offsets stay within RFC 8536's bounds; a wall-clock time reads back. */
static void
check(const struct tz *z, int64_t t)
{
	int64_t	local;
	time_t	back;
	int	off, flag;

	off = tz_offset(z, (time_t)t);
	if (off < -89999 || off > 93599)
		abort();
	if (t < INT64_MIN / 8 || t > INT64_MAX / 8)
		return;
	local = t + off;
	back = tz_local_to_utc(z, local, &flag);
	if (flag != TZ_LOCAL_UNIQUE && flag != TZ_LOCAL_FOLD)
		abort();
	if ((int64_t)back > t || back + tz_offset(z, back) != local)
		abort();
	if (flag == TZ_LOCAL_UNIQUE && (int64_t)back != t)
		abort();
	/* Any wall-clock time resolves to something, gap or not. */
	back = tz_local_to_utc(z, local + 1800, &flag);
	if (flag == TZ_LOCAL_GAP ? tz_offset(z, back) <= local + 1800 - back :
	    back + tz_offset(z, back) != local + 1800)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t	 probes[] = {
		INT64_MIN, -4102444800LL, -1, 0, 1, 1772953200LL,
		1793512800LL, 4102444800LL, 253402300799LL, 10000000000000LL,
		INT64_MAX
	};
	unsigned char	*b = NULL;
	char		 err[256];
	struct tz	*z;
	size_t		 i, n = size;
	int64_t		 t;

	if (size >= 4 && memcmp(data, "TZif", 4) == 0)
		z = tz_parse(data, size, "fuzz", err, sizeof(err));
	else {
		if (size > 300 || memchr(data, '\n', size) != NULL)
			return 0;
		b = malloc(size + 128);
		if (b == NULL)
			return 0;
		n = wrap_footer(b, data, size);
		z = tz_parse(b, n, "fuzz", err, sizeof(err));
	}
	if (z == NULL) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();
		free(b);
		return 0;
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		check(z, probes[i]);
	/* Around the data's own numbers, where transitions tend to be. */
	for (i = 0; i + 8 <= size && i < 512; i += 8) {
		memcpy(&t, data + i, sizeof(t));
		check(z, t);
	}
	tz_free(z);
	free(b);
	return 0;
}
