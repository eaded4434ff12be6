/* SPDX-License-Identifier: MIT */
/*
 * fuzz_gateway.c: libFuzzer target for the providers' answer parsers
 * (gw_twilio.parse() and .lookup_parse(), gw_webhook.parse()) and
 * json_get().  The first two
 * bytes choose the HTTP status; the rest is the body.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "json.h"
#include "../src/gw.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_str(const char *s, size_t size, int oneline)
{
	const char	*nul;

	nul = memchr(s, '\0', size);
	if (nul == NULL)
		abort();
	if (oneline)
		for (; s < nul; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				abort();
}

static void
check_parse(void (*parse)(long, const char *, size_t, struct send_result *),
    long status, const char *body, size_t len)
{
	struct send_result	 res;
	enum outcome		 want = gw_status_outcome(status);

	memset(&res, 0xaa, sizeof(res));
	res.status = 4242;
	res.retry_after = 4343;
	res.unreached = false;
	parse(status, body, len, &res);
	if (res.outcome != want || res.failure != gw_status_failure(status) ||
	    res.status != 4242 || res.retry_after != 4343 || res.unreached)
		abort();
	check_str(res.provider_id, sizeof(res.provider_id), 1);
	check_str(res.code, sizeof(res.code), 1);
	check_str(res.error, sizeof(res.error), 1);
	if (want == OUTCOME_SENT) {
		if (res.code[0] != '\0' || res.error[0] != '\0')
			abort();
	} else {
		/* A failure always says why, and a code is only a code. */
		if (res.error[0] == '\0' || res.provider_id[0] != '\0')
			abort();
		if (res.code[strspn(res.code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_.-")] != '\0')
			abort();
	}
}

/*
 * A look-up's answer: read as a send's, and on success a delivery state
 * that is one, and an error code of digits only.
 */
static void
check_lookup(long status, const char *body, size_t len)
{
	struct send_result	 res;
	enum outcome		 want = gw_status_outcome(status);

	memset(&res, 0xaa, sizeof(res));
	res.status = 4242;
	res.retry_after = 4343;
	res.unreached = false;
	gw_twilio.lookup_parse(status, body, len, &res);
	if (res.outcome != want || res.status != 4242 ||
	    res.retry_after != 4343)
		abort();
	check_str(res.code, sizeof(res.code), 1);
	check_str(res.error, sizeof(res.error), 1);
	if (want != OUTCOME_SENT) {
		if (res.delivery_known || res.error[0] == '\0')
			abort();
		return;
	}
	if (res.code[strspn(res.code, "0123456789")] != '\0' ||
	    strlen(res.code) > 9)
		abort();
	if (res.delivery_known && (res.delivery < DELIVERY_QUEUED ||
	    res.delivery > DELIVERY_BOUNCED))
		abort();
}

static void
check_json(const char *body, size_t len)
{
	static const char *const keys[] = { "sid", "code", "message", "" };
	static const size_t	 outlens[] = { 1, 2, 3, 4, 5, 16 };
	char			 big[4096], out[32];
	size_t			 i, j, k, n;
	int			 r, first = 2;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		memset(big, 0x55, sizeof(big));
		r = json_get(body, len, keys[i], big, sizeof(big));
		if (r < -1 || r > 1 || memchr(big, '\0', sizeof(big)) == NULL)
			abort();
		if (r != 0 && big[0] != '\0')
			abort();
		/* The whole text is validated whatever the key. */
		if (first == 2)
			first = r == -1;
		else if (first != (r == -1))
			abort();
		n = strlen(big);
		for (j = 0; j < sizeof(outlens) / sizeof(outlens[0]); j++) {
			memset(out, 0x55, sizeof(out));
			if (json_get(body, len, keys[i], out, outlens[j]) != r)
				abort();
			for (k = outlens[j]; k < sizeof(out); k++)
				if ((unsigned char)out[k] != 0x55)
					abort();
			if (memchr(out, '\0', outlens[j]) == NULL)
				abort();
			/* A prefix of the value, cut between characters. */
			k = strlen(out);
			if (k > n || memcmp(out, big, k) != 0)
				abort();
			if (k > 0 && k < n &&
			    ((unsigned char)big[k] & 0xc0) == 0x80)
				abort();
		}
		memset(out, 0x55, sizeof(out));
		if (json_get(body, len, keys[i], out, 0) != r ||
		    (unsigned char)out[0] != 0x55)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*body;
	size_t	 len;
	long	 status;

	if (size < 2)
		return 0;
	/* Mostly real statuses, sometimes anything. */
	status = (long)(data[0] << 8 | data[1]);
	if (status < 0xff00)
		status = 100 + status % 500;
	else
		status = (long)(int8_t)data[1] * 1000;
	len = size - 2;
	/* An exact-size copy, not NUL-terminated, so over-reads show. */
	body = malloc(len > 0 ? len : 1);
	if (body == NULL)
		return 0;
	memcpy(body, data + 2, len);

	check_parse(gw_twilio.parse, status, body, len);
	check_parse(gw_webhook.parse, status, body, len);
	check_lookup(status, body, len);
	check_json(body, len);
	if (len == 0) {
		check_parse(gw_twilio.parse, status, NULL, 0);
		check_parse(gw_webhook.parse, status, NULL, 0);
		check_lookup(status, NULL, 0);
	}
	free(body);
	return 0;
}
