/* SPDX-License-Identifier: MIT */
/*
 * fuzz_inbound.c: libFuzzer target for the receiver's pure parts.  The
 * input is a request body: inbound_text() makes valid UTF-8 of it, keeping
 * every character that was one; the JSON webhook gateway's two formats
 * take it or refuse it with one line that quotes nothing; the routes and
 * content types never read past it.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inbound.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check_utf8(const char *);
static void	check_refusal(const char *);

/* Valid UTF-8 (RFC 3629), with no NUL before its end. */
static void
check_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			abort();
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				abort();
		if ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] > 0x9f) ||
		    (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))
			abort();
		p += n + 1;
	}
}

static void
check_refusal(const char *err)
{
	const char	*p;

	if (*err == '\0')
		abort();
	for (p = err; *p != '\0'; p++)
		if (*p < ' ' || *p >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inbound_webhook_sms	 m;
	struct inbound_webhook_status	 st;
	const char			*s = (const char *)data;
	char				*text, *z, err[256];

	text = inbound_text(s, size);
	check_utf8(text);
	/* Valid UTF-8 without a NUL comes back as it went in. */
	if (strlen(text) < size)
		abort();
	if (memchr(s, '\0', size) == NULL) {
		z = inbound_text(text, strlen(text));
		if (strcmp(z, text) != 0)
			abort();
		free(z);
	}
	free(text);

	err[0] = '\0';
	if (inbound_webhook_sms_parse(s, size, &m, err, sizeof(err)) == 0) {
		if (!inbound_id_ok(m.id) || m.from == NULL || m.body == NULL ||
		    m.num_media < 0 || m.num_media > 100)
			abort();
		check_utf8(m.body);
	} else
		check_refusal(err);
	inbound_webhook_sms_clear(&m);

	err[0] = '\0';
	if (inbound_webhook_status_parse(s, size, &st, err, sizeof(err)) == 0) {
		if (!inbound_id_ok(st.id) || st.status == NULL)
			abort();
	} else
		check_refusal(err);
	inbound_webhook_status_clear(&st);

	/* As a path and a content type, NUL-terminated. */
	z = xmalloc(size + 1);
	memcpy(z, s, size);
	z[size] = '\0';
	(void)inbound_route("/aftercare", z);
	(void)inbound_content_type_ok(INBOUND_TWILIO_SMS, z);
	(void)inbound_content_type_ok(INBOUND_SENDGRID_EVENTS, z);
	free(z);
	return 0;
}
