/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sig.c: libFuzzer target for the signature checks.  The input is
 * NUL-separated fields: URL, form parameters, signature, secret, body,
 * timestamp, settings header; missing ones are NULL.  Whatever the input,
 * only a signature made with the secret passes: a Twilio one sig.c made
 * itself, SendGrid's published vector, a webhook HMAC equal to ours.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "sig.h"

#define NFIELDS		7

/* sendgrid-python's vector: the only body its key verifies. */
#define SG_KEY		"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW" \
			"4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVp" \
			"iglSI8eNEc6wEA3F+g=="
#define SG_SIGNED	"1600112502[{\"email\":\"hello@world.com\",\"event\":" \
			"\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_" \
			"id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9" \
			"BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A." \
			"filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\"," \
			"\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1." \
			"sendgrid.net>\",\"timestamp\":1600112492}]\r\n"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sig_key	*sg_key;

static void	check_err(const char *err);
static int	plain_port(const char *url);

/* A reason is one printable line. */
static void
check_err(const char *err)
{
	if (err[0] == '\0')
		abort();
	for (; *err != '\0'; err++)
		if (*err < ' ' || *err >= 0x7f)
			abort();
}

/*
 * Whether the URL's authority does not end in a bare ':' (an empty port),
 * so that the URL as written is one of the two forms sig_twilio_verify()
 * tries.
 */
static int
plain_port(const char *url)
{
	const char	*p = strstr(url, "://");
	size_t		 n;

	if (p == NULL)
		return 0;
	p += 3;
	n = strcspn(p, "/?#");
	return n > 0 && p[n - 1] != ':';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 params;
	struct sig_key	*key;
	enum sig_alg	 alg;
	char		*s, *f[NFIELDS], err[256], keyid[SIG_KEYID_MAX];
	char		 mine[SIG_TWILIO_MAX], hook[SIG_WEBHOOK_MAX];
	const char	*secret;
	size_t		 i, n, bodylen, tslen;
	int		 r;

	if (sg_key == NULL && (sg_key = sig_sendgrid_key_new(SG_KEY, err,
	    sizeof(err))) == NULL)
		abort();
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(f, 0, sizeof(f));
	for (i = 0, n = 0; i < NFIELDS && n <= size; i++) {
		f[i] = s + n;
		n += strlen(s + n) + 1;
	}
	secret = f[3] != NULL && f[3][0] != '\0' ? f[3] : "12345";
	bodylen = f[4] != NULL ? strlen(f[4]) : 0;

	/* The settings header: an algorithm, or a reason. */
	memset(err, 0, sizeof(err));
	r = sig_twilio_settings_parse(f[6], &alg, keyid, sizeof(keyid), err,
	    sizeof(err));
	if (r == -1)
		check_err(err);
	else if ((r == 0) != (f[6] == NULL) || strlen(keyid) >= sizeof(keyid))
		abort();
	if (r == -1)
		alg = SIG_HMAC_SHA1;

	if (form_parse(f[1], f[1] != NULL ? strlen(f[1]) : 0, &params, err,
	    sizeof(err)) == 0) {
		/* The fuzzed signature: a reason, or made with the secret. */
		err[0] = '\0';
		if (sig_twilio_verify(alg, secret, f[0], &params, f[2], err,
		    sizeof(err)) == -1)
			check_err(err);
		/* What sig.c signs, it accepts; one byte off, it refuses. */
		if (f[0] != NULL && sig_twilio_sign(alg, secret, f[0], &params,
		    mine, sizeof(mine)) == 0) {
			r = sig_twilio_verify(alg, secret, f[0], &params, mine,
			    err, sizeof(err));
			if (r == -1 && strstr(err, "absolute") == NULL &&
			    plain_port(f[0]))
				abort();
			mine[0] = mine[0] == 'A' ? 'B' : 'A';
			if (sig_twilio_verify(alg, secret, f[0], &params, mine,
			    err, sizeof(err)) == 0)
				abort();
		}
	}
	form_clear(&params);

	err[0] = '\0';
	if (sig_twilio_verify_body(alg, secret, f[0], f[4], bodylen, f[2], err,
	    sizeof(err)) == -1)
		check_err(err);

	/* SendGrid: only the signed bytes verify, whatever the signature. */
	tslen = f[5] != NULL ? strlen(f[5]) : 0;
	err[0] = '\0';
	if (sig_sendgrid_verify(sg_key, f[5], f[4], bodylen, f[2], err,
	    sizeof(err)) == 0) {
		if (tslen + bodylen != strlen(SG_SIGNED) ||
		    memcmp(f[5], SG_SIGNED, tslen) != 0 ||
		    memcmp(f[4], &SG_SIGNED[tslen], bodylen) != 0)
			abort();
	} else
		check_err(err);
	err[0] = '\0';
	if ((key = sig_sendgrid_key_new(f[3], err, sizeof(err))) == NULL)
		check_err(err);
	else
		(void)sig_sendgrid_verify(key, f[5], f[4], bodylen, f[2], err,
		    sizeof(err));
	sig_sendgrid_key_free(key);

	/* Our webhook: only the HMAC of the body under the token. */
	err[0] = '\0';
	if (sig_webhook_verify(secret, f[4], bodylen, f[2], err,
	    sizeof(err)) == 0) {
		if (sig_webhook_sign(secret, f[4], bodylen, hook,
		    sizeof(hook)) != 0 || strcasecmp(hook, f[2]) != 0 ||
		    strncmp(hook, f[2], 7) != 0)
			abort();
	} else
		check_err(err);
	if (sig_webhook_sign(secret, f[4], bodylen, hook, sizeof(hook)) != 0 ||
	    sig_webhook_verify(secret, f[4], bodylen, hook, err,
	    sizeof(err)) != 0)
		abort();
	free(s);
	return 0;
}
