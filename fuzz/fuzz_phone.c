/* SPDX-License-Identifier: MIT */
/* fuzz_phone.c: libFuzzer target for phone_normalize(). */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, out[PHONE_E164_MAX + 8], again[PHONE_E164_MAX];
	char	 err[256], lenstr[32];
	size_t	 i, n, run, maxrun;
	int	 r;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	memset(out, 0x55, sizeof(out));
	memset(err, 0x55, sizeof(err));
	r = phone_normalize(s, out, PHONE_E164_MAX, err, sizeof(err));
	for (i = PHONE_E164_MAX; i < sizeof(out); i++)
		if ((unsigned char)out[i] != 0x55)
			abort();
	if (r == 0) {
		/* "+", 8 to 15 digits, no leading 0, NUL. */
		n = strlen(out);
		if (n < 9 || n > 16 || out[0] != '+' || out[1] == '0')
			abort();
		for (i = 1; i < n; i++)
			if (out[i] < '0' || out[i] > '9')
				abort();
		/* Normalising is idempotent. */
		if (phone_normalize(out, again, sizeof(again), err,
		    sizeof(err)) != 0 || strcmp(out, again) != 0)
			abort();
	} else if (r == -1) {
		if (out[0] != '\0' || memchr(err, '\0', sizeof(err)) == NULL ||
		    err[0] == '\0')
			abort();
		/*
		 * The message must not repeat the number: the only digits it
		 * may hold are counts, no longer than the input's length,
		 * and "E.164".
		 */
		(void)snprintf(lenstr, sizeof(lenstr), "%zu", size);
		maxrun = strlen(lenstr) > 3 ? strlen(lenstr) : 3;
		for (i = run = 0; err[i] != '\0'; i++) {
			run = err[i] >= '0' && err[i] <= '9' ? run + 1 : 0;
			if (run > maxrun)
				abort();
		}
	} else
		abort();

	/* Too small an output buffer: refused or fits, never overrun. */
	memset(out, 0x55, sizeof(out));
	r = phone_normalize(s, out, 10, err, sizeof(err));
	for (i = 10; i < sizeof(out); i++)
		if ((unsigned char)out[i] != 0x55)
			abort();
	if (r == 0 && strlen(out) > 9)
		abort();
	free(s);
	return 0;
}
