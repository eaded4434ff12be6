/* SPDX-License-Identifier: MIT */
/*
 * test_sig.c: the webhook signature checks, on the vectors Twilio's and
 * SendGrid's own SDKs test with, and each with its wrong cases.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "form.h"
#include "sig.h"
#include "util.h"

/*
 * Twilio's vectors: twilio-python tests/unit/test_request_validator.py
 * and twilio-node spec/validation.spec.js share the token, the URL and
 * the parameters.
 */
#define TW_TOKEN	"12345"
#define TW_URL		"https://mycompany.com/myapp.php?foo=1&bar=2"
#define TW_PARAMS	"CallSid=CA1234567890ABCDE&Caller=%2B14158675309" \
			"&Digits=1234&From=%2B14158675309&To=%2B18005551212"
#define TW_SIG		"RSOYDt4T1cUTdK1PDd93/VVr8B8="
#define TW_BODY		"{\"property\": \"value\", \"boolean\": true}"
#define TW_BODY_HASH	"0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf" \
			"19632632f96e6620"
#define TW_EMPTY_HASH	"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e83" \
			"10c060f61caaff8a"

/*
 * SendGrid's vectors.  PY: sendgrid-python test/unit/test_eventwebhook.py,
 * also sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js
 * today (json.dumps(..., sort_keys=True, separators=(',', ':')) + CRLF).
 * MULTI: the nodejs multi-event vector (a CRLF after each event).  OLD: the
 * first nodejs vector (commit 16d4d39), its payload with sorted keys.
 * BAD_KEY and BAD_SIG are the SDKs' own wrong values.
 */
#define SG_PY_KEY	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW" \
			"4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVp" \
			"iglSI8eNEc6wEA3F+g=="
#define SG_PY_SIG	"MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEA" \
			"yBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="
#define SG_PY_TS	"1600112502"
#define SG_PY_BODY	"[{\"email\":\"hello@world.com\",\"event\":\"dropped\"," \
			"\"reason\":\"Bounced Address\",\"sg_event_id\":" \
			"\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\"," \
			"\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv" \
			"-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":" \
			"\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid." \
			"net>\",\"timestamp\":1600112492}]\r\n"
#define SG_MULTI_KEY	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skF" \
			"qOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JS" \
			"cE7Fc9CJD2afQ9Ok3Q=="
#define SG_MULTI_SIG	"MEYCIQC/I4o6vCgqRYrTljjoVWB/GRWNtxeePlLMHr3x9ETeRQIh" \
			"AIpV+03nREPTTHWSW0wIOA0EoMPdcNgXa70yCaqDJlu5"
#define SG_MULTI_TS	"1619651159"
#define SG_MULTI_BODY	"[{\"email\":\"invalid@gmail.com\",\"event\":" \
			"\"processed\",\"send_at\":0,\"sg_event_id\":" \
			"\"cHJvY2Vzc2VkLTE5OTQyMTEyLXFOd0JMZ1BRUWpXNkRKdktRd1NB" \
			"YnctMA\",\"sg_message_id\":\"qNwBLgPQQjW6DJvKQwSAbw." \
			"filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0\"," \
			"\"smtp-id\":\"<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1." \
			"sendgrid.net>\",\"timestamp\":1619651146},\r\n" \
			"{\"email\":\"invalid@gmail.com\",\"event\":\"bounce\"," \
			"\"ip\":\"167.89.101.76\",\"reason\":\"552 5.2.2 The " \
			"email account that you tried to reach is over quota " \
			"and inactive. Please direct the recipient to https://" \
			"support.google.com/mail/?p=OverQuotaPerm " \
			"c17si1130468pgv.34 - gsmtp\",\"sg_event_id\":" \
			"\"Ym91bmNlLTAtMTk5NDIxMTItcU53QkxnUFFRalc2REp2S1F3U0Fi" \
			"dy0w\",\"sg_message_id\":\"qNwBLgPQQjW6DJvKQwSAbw." \
			"filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0\"," \
			"\"smtp-id\":\"<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1." \
			"sendgrid.net>\",\"status\":\"5.2.2\",\"timestamp\":" \
			"1619651147,\"tls\":1,\"type\":\"blocked\"}]\r\n"
#define SG_OLD_KEY	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzpl" \
			"ybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZ" \
			"FceEu/1FwCM/QmGUhA=="
#define SG_OLD_SIG	"MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIg" \
			"JTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0="
#define SG_OLD_TS	"1588788367"
#define SG_OLD_BODY	"{\"category\":\"example_payload\",\"event\":" \
			"\"test_event\",\"message_id\":\"message_id\"}"
#define SG_BAD_KEY	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2" \
			"LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7G" \
			"jUuFDb/R1NGe1OPzpA=="
#define SG_BAD_SIG	"MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIg" \
			"JTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0="
/* Keys of other kinds, made with openssl genpkey for these tests. */
#define ED25519_KEY	"MCowBQYDK2VwAyEA4wx7qKIDOXlqsrVn/UOqNx6OXkUFDgwkjFQ/" \
			"zs7ZN3I="
#define P384_KEY	"MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEKF6s2ElV36cIk4CE055L" \
			"gBi1Af5LY4AYbQ5NXHxQwJcUxPwtUUqf09/excKI2uzCZUalM4+Q" \
			"Ha7IZGlpP3ZAAdA7hxAPwk0MN1wI3sZZdHe+B8hY9nmx+LJU6cQP" \
			"sWrV"

#define NO_MATCH	"X-Twilio-Signature does not match the URL and " \
			"parameters (with or without the port)"
#define BAD_LEN1	"X-Twilio-Signature is not the length of a base64 " \
			"HMAC-SHA1"
#define BAD_URL		"X-Twilio-Signature: the URL to check it against is " \
			"not an absolute http or https URL"
#define SG_NO_MATCH	"X-Twilio-Email-Event-Webhook-Signature does not " \
			"match the timestamp and body"
#define SG_NOT_B64	"X-Twilio-Email-Event-Webhook-Signature is not the " \
			"base64 of an ECDSA P-256 signature"
#define SG_BAD_TS	"X-Twilio-Email-Event-Webhook-Timestamp is missing or " \
			"not a number of seconds"
#define WH_TOKEN	"s3cret-token"
#define WH_BODY		"{\"event\":\"delivered\",\"id\":\"SM0123\"}"
#define WH_SIG		"sha256=48fc346b4664a666049164115f0e0afcfde9f8da0f40" \
			"21b03d675da74316ebda"
#define WH_BAD		"X-Aftercare-Signature is not \"sha256=\" and 64 hex " \
			"digits"

static void	params_parse(const char *text, struct form *f);
static void	test_twilio_verify(void **);
static void	test_twilio_body(void **);
static void	test_twilio_sign(void **);
static void	test_twilio_settings(void **);
static void	test_sendgrid_verify(void **);
static void	test_sendgrid_keys(void **);
static void	test_webhook(void **);

static void
params_parse(const char *text, struct form *f)
{
	char	 err[256];

	if (form_parse(text, strlen(text), f, err, sizeof(err)) != 0)
		fail_msg("form_parse: %s", err);
}

static void
test_twilio_verify(void **state)
{
	static const struct {
		const char	*url;
		const char	*params;	/* NULL: TW_PARAMS */
		enum sig_alg	 alg;
		const char	*secret;
		const char	*sig;
		const char	*want;		/* NULL: accepted */
	} rows[] = {
		/* 0: the SDKs' accepted cases. */
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NULL },
		/* signed as https://mycompany.com:443/... */
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "kvajT1Ptam85bY51eRf/AJRuM3w=", NULL },
		/* a port is taken off */
		{ "https://mycompany.com:1234/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NULL },
		{ "http://mycompany.com:1234/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
		    NULL },
		/* http gets :80 */
		{ "http://mycompany.com/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, "0ZXoZLH/DfblKGATFgpif+LLRf4=",
		    NULL },
		/* 5: userinfo */
		{ "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2",
		    NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "CukzLTc1tT5dXEDIHm/tKBanW10=", NULL },
		{ "https://user@mycompany.com/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, "2YRLlVAflCqxaNicjMpJcSTgzSs=",
		    NULL },
		{ "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2",
		    NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=", NULL },
		/* the default port written out */
		{ "https://mycompany.com:443/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NULL },
		{ "https://mycompany.com:443/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, "kvajT1Ptam85bY51eRf/AJRuM3w=",
		    NULL },
		/* 10: node's special characters, as its URL class encodes them */
		{ TW_URL "&Body=It%27s+amazing", NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "TfZzewPq8wqrGlMfyAud8+/IvJ0=", NULL },
		/* repeated keys: names sorted, values sorted, duplicates once */
		{ TW_URL, "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234"
		    "&Digits=1234", SIG_HMAC_SHA1, TW_TOKEN,
		    "IK+Dwps556ElfBT0I3Rgjkr1wJU=", NULL },
		{ TW_URL, "MessagingBinding.Address=%2B1325xxxxxxx&"
		    "MessagingBinding.Address=%2B1415xxxxxxx", SIG_HMAC_SHA1,
		    TW_TOKEN, "83O6e2vORAoJHUNzJjDWN1jz+BA=", NULL },
		{ TW_URL, "MessagingBinding.Address=%2B1415xxxxxxx&"
		    "MessagingBinding.Address=%2B1325xxxxxxx", SIG_HMAC_SHA1,
		    TW_TOKEN, "83O6e2vORAoJHUNzJjDWN1jz+BA=", NULL },
		/* the parameters in any order */
		{ TW_URL, "To=%2B18005551212&From=%2B14158675309&Digits=1234"
		    "&Caller=%2B14158675309&CallSid=CA1234567890ABCDE",
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NULL },
		/*
		 * 15: HMAC-SHA256 under a Webhook Rule: no published vector;
		 * these were computed with Python's hmac module.
		 */
		{ TW_URL, NULL, SIG_HMAC_SHA256, TW_TOKEN,
		    "033hgUJA9M/hXIZsYjwkerEP/DBm35nEri5FhCYjA5s=", NULL },
		{ TW_URL, NULL, SIG_HMAC_SHA256, TW_TOKEN,
		    "grxRoa/VNtXxd524NGLxIdev83nh23xhrRUVm50Umq4=", NULL },
		{ TW_URL, NULL, SIG_HMAC_SHA256, "shared-key-secret",
		    "E5VnwNBwyz0tCHTP5Dkbb6TefPRbPKoGqFaaypGFqwI=", NULL },
		/* an IPv6 literal, with and without its port */
		{ "https://[::1]:8443/twilio/sms?r=1", "Body=hi", SIG_HMAC_SHA1,
		    TW_TOKEN, "OdTkxD3SbUqtXO/+i85nNH6+rp4=", NULL },
		{ "https://[::1]:8443/twilio/sms?r=1", "Body=hi", SIG_HMAC_SHA1,
		    TW_TOKEN, "yrKsyeoibN3hdQadk+pek8mXNyk=", NULL },

		/* 20: one byte changed: a parameter, the URL, the token, the
		 * signature */
		{ TW_URL, "CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
		    "&Digits=1235&From=%2B14158675309&To=%2B18005551212",
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		{ "https://mycompany.com/myapp.php?foo=1&bar=3", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		{ TW_URL, NULL, SIG_HMAC_SHA1, "12346", TW_SIG, NO_MATCH },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "RSOYDt4T1cUTdK1PDd93/VVr8B9=", NO_MATCH },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "rSOYDt4T1cUTdK1PDd93/VVr8B8=", NO_MATCH },
		/* 25: a parameter added (in the URL, as twilio-node's
		 * middleware test does), or one left out */
		{ TW_URL "&somethingUnexpected=true", NULL, SIG_HMAC_SHA1,
		    TW_TOKEN, TW_SIG, NO_MATCH },
		{ TW_URL, "CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
		    "&Digits=1234&From=%2B14158675309", SIG_HMAC_SHA1, TW_TOKEN,
		    TW_SIG, NO_MATCH },
		/* an empty parameter dropped, or a blank one trimmed */
		{ TW_URL, TW_PARAMS "&Body=", SIG_HMAC_SHA1, TW_TOKEN, TW_SIG,
		    NO_MATCH },
		{ TW_URL, "CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
		    "&Digits=1234+&From=%2B14158675309&To=%2B18005551212",
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		/* no parameters at all */
		{ TW_URL, "", SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		/* 30: another scheme, host, path or userinfo */
		{ "http://mycompany.com/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		{ "https://mycompany.net/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		{ "https://mycompany.com/myapp.php?foo=1&bar=2/", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, NO_MATCH },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "CukzLTc1tT5dXEDIHm/tKBanW10=", NO_MATCH },
		/* a signature made with another port is not accepted */
		{ "http://mycompany.com:1234/myapp.php?foo=1&bar=2", NULL,
		    SIG_HMAC_SHA1, TW_TOKEN, "0ZXoZLH/DfblKGATFgpif+LLRf4=",
		    NO_MATCH },
		/* 35: the wrong algorithm */
		{ TW_URL, NULL, SIG_HMAC_SHA256, TW_TOKEN, TW_SIG,
		    "X-Twilio-Signature is not the length of a base64 "
		    "HMAC-SHA256" },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "033hgUJA9M/hXIZsYjwkerEP/DBm35nEri5FhCYjA5s=", BAD_LEN1 },
		{ TW_URL, NULL, SIG_HMAC_SHA256, "shared-key-secreT",
		    "E5VnwNBwyz0tCHTP5Dkbb6TefPRbPKoGqFaaypGFqwI=", NO_MATCH },
		/* truncated, garbage, empty, missing */
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "RSOYDt4T1cUTdK1PDd93/VVr8B8", BAD_LEN1 },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN, "WRONG_SIGNATURE",
		    BAD_LEN1 },
		/* 40 */
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!", NO_MATCH },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN, " " TW_SIG, BAD_LEN1 },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN, "",
		    "no X-Twilio-Signature" },
		{ TW_URL, NULL, SIG_HMAC_SHA1, TW_TOKEN, NULL,
		    "no X-Twilio-Signature" },
		{ TW_URL, NULL, SIG_HMAC_SHA1, "", TW_SIG,
		    "no secret to check X-Twilio-Signature with" },
		/* 45 */
		{ TW_URL, NULL, SIG_HMAC_SHA1, NULL, TW_SIG,
		    "no secret to check X-Twilio-Signature with" },
		/* URLs that cannot be what Twilio requested */
		{ "/myapp.php?foo=1&bar=2", NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    TW_SIG, BAD_URL },
		{ "ftp://mycompany.com/myapp.php", NULL, SIG_HMAC_SHA1,
		    TW_TOKEN, TW_SIG, BAD_URL },
		{ "https://", NULL, SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, BAD_URL },
		{ "https://:443/myapp.php", NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    TW_SIG, BAD_URL },
		/* 50 */
		{ "https://user@/myapp.php", NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    TW_SIG, BAD_URL },
		{ "https://mycompany.com:44x/myapp.php", NULL, SIG_HMAC_SHA1,
		    TW_TOKEN, TW_SIG, BAD_URL },
		{ "https://[::1/myapp.php", NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    TW_SIG, BAD_URL },
		{ "https://[::1]x/myapp.php", NULL, SIG_HMAC_SHA1, TW_TOKEN,
		    TW_SIG, BAD_URL },
		{ NULL, NULL, SIG_HMAC_SHA1, TW_TOKEN, TW_SIG, BAD_URL },
	};
	struct form	 f;
	char		 err[256];
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		params_parse(rows[i].params != NULL ? rows[i].params :
		    TW_PARAMS, &f);
		err[0] = '\0';
		r = sig_twilio_verify(rows[i].alg, rows[i].secret, rows[i].url,
		    &f, rows[i].sig, err, sizeof(err));
		form_clear(&f);
		if (rows[i].want == NULL && r != 0)
			ROW_FAIL(i, "refused: %s", err);
		if (rows[i].want != NULL && r != -1)
			ROW_FAIL(i, "accepted");
		if (rows[i].want != NULL && strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
	}
	/* No parameters at all: the signature covers the URL alone. */
	assert_int_equal(sig_twilio_verify(SIG_HMAC_SHA1, TW_TOKEN,
	    TW_URL "&bodySHA256=" TW_BODY_HASH, NULL,
	    "a9nBmqA0ju/hNViExpshrM61xv4=", err, sizeof(err)), 0);
}

static void
test_twilio_body(void **state)
{
	static const struct {
		const char	*url;
		const char	*body;
		const char	*sig;
		const char	*want;
	} rows[] = {
		{ TW_URL "&bodySHA256=" TW_BODY_HASH, TW_BODY,
		    "a9nBmqA0ju/hNViExpshrM61xv4=", NULL },
		/* only the hash in the query (twilio-node) */
		{ "https://mycompany.com/myapp.php?bodySHA256=" TW_BODY_HASH,
		    TW_BODY, "y77kIzt2vzLz71DgmJGsen2scGs=", NULL },
		/* {}: this one was signed with :443 */
		{ TW_URL "&bodySHA256=" TW_EMPTY_HASH, "{}",
		    "Ldidvp12m26NI7eqEvxnEpkd9Hc=", NULL },
		/* one byte of the body changed */
		{ TW_URL "&bodySHA256=" TW_BODY_HASH,
		    "{\"property\": \"value\", \"boolean\": truE}",
		    "a9nBmqA0ju/hNViExpshrM61xv4=",
		    "X-Twilio-Signature: bodySHA256 does not match the body" },
		{ TW_URL "&bodySHA256=" TW_EMPTY_HASH, "{} ",
		    "Ldidvp12m26NI7eqEvxnEpkd9Hc=",
		    "X-Twilio-Signature: bodySHA256 does not match the body" },
		/* 5: the body given, but no bodySHA256 (twilio-node) */
		{ TW_URL, TW_BODY, TW_SIG,
		    "X-Twilio-Signature: the URL has no bodySHA256" },
		{ "https://mycompany.com/myapp.php", TW_BODY, TW_SIG,
		    "X-Twilio-Signature: the URL has no bodySHA256" },
		/* another hash in the URL: the signature no longer matches */
		{ TW_URL "&bodySHA256=WRONG_HASH", TW_BODY,
		    "a9nBmqA0ju/hNViExpshrM61xv4=", NO_MATCH },
		/* one character of the signature, or the URL, changed */
		{ TW_URL "&bodySHA256=" TW_BODY_HASH, TW_BODY,
		    "a9nBmqA0ju/hNViExpshrM61xv5=", NO_MATCH },
		{ "https://mycompany.com/myapp.php?foo=1&bar=3&bodySHA256="
		    TW_BODY_HASH, TW_BODY, "a9nBmqA0ju/hNViExpshrM61xv4=",
		    NO_MATCH },
		/* 10 */
		{ TW_URL "&bodySHA256=%ZZ", TW_BODY,
		    "a9nBmqA0ju/hNViExpshrM61xv4=",
		    "X-Twilio-Signature: the URL's query is malformed" },
		{ TW_URL "&bodySHA256=" TW_BODY_HASH, TW_BODY, NULL,
		    "no X-Twilio-Signature" },
		{ TW_URL "&bodySHA256=" TW_BODY_HASH, TW_BODY, "garbage",
		    BAD_LEN1 },
		{ NULL, TW_BODY, TW_SIG,
		    "X-Twilio-Signature: the URL has no bodySHA256" },
	};
	char	 err[256];
	size_t	 i;
	int	 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		r = sig_twilio_verify_body(SIG_HMAC_SHA1, TW_TOKEN,
		    rows[i].url, rows[i].body, strlen(rows[i].body),
		    rows[i].sig, err, sizeof(err));
		if (rows[i].want == NULL && r != 0)
			ROW_FAIL(i, "refused: %s", err);
		if (rows[i].want != NULL && r != -1)
			ROW_FAIL(i, "accepted");
		if (rows[i].want != NULL && strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
	}
}

static void
test_twilio_sign(void **state)
{
	struct form	 f;
	char		 out[SIG_TWILIO_MAX];

	(void)state;
	params_parse(TW_PARAMS, &f);
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA1, TW_TOKEN, TW_URL, &f,
	    out, sizeof(out)), 0);
	assert_string_equal(out, TW_SIG);
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA256, TW_TOKEN, TW_URL, &f,
	    out, sizeof(out)), 0);
	assert_string_equal(out, "033hgUJA9M/hXIZsYjwkerEP/DBm35nEri5FhCYjA5s=");
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA1, TW_TOKEN,
	    "https://mycompany.com:443/myapp.php?foo=1&bar=2", &f, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "kvajT1Ptam85bY51eRf/AJRuM3w=");
	/* What it signs, it accepts. */
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA256, "other",
	    "http://127.0.0.1:8025/twilio/sms", &f, out, sizeof(out)), 0);
	assert_int_equal(sig_twilio_verify(SIG_HMAC_SHA256, "other",
	    "http://127.0.0.1:8025/twilio/sms", &f, out, NULL, 0), 0);
	/* No room, no secret, no URL. */
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA256, TW_TOKEN, TW_URL, &f,
	    out, SIG_TWILIO_MAX - 1), -1);
	assert_string_equal(out, "");
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA1, "", TW_URL, &f, out,
	    sizeof(out)), -1);
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA1, NULL, TW_URL, &f, out,
	    sizeof(out)), -1);
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA1, TW_TOKEN, NULL, &f, out,
	    sizeof(out)), -1);
	form_clear(&f);
	/* Without parameters. */
	assert_int_equal(sig_twilio_sign(SIG_HMAC_SHA1, TW_TOKEN,
	    TW_URL "&bodySHA256=" TW_BODY_HASH, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "a9nBmqA0ju/hNViExpshrM61xv4=");
}

static void
test_twilio_settings(void **state)
{
	static const struct {
		const char	*header;
		int		 ret;
		enum sig_alg	 alg;
		const char	*keyid;
		const char	*err;
	} rows[] = {
		{ NULL, 0, SIG_HMAC_SHA1, "", NULL },
		{ "key=KSabc123,algorithm=HMAC_SHA256", 1, SIG_HMAC_SHA256,
		    "KSabc123", NULL },
		{ "algorithm=HMAC_SHA256, key=KSabc123", 1, SIG_HMAC_SHA256,
		    "KSabc123", NULL },
		/* as Twilio's example shows it, the key left out */
		{ "key=,algorithm=HMAC_SHA256", 1, SIG_HMAC_SHA256, "", NULL },
		{ " algorithm = hmac_sha256 ", 1, SIG_HMAC_SHA256, "", NULL },
		/* 5 */
		{ "key=k1,algorithm=HMAC_SHA1", 1, SIG_HMAC_SHA1, "k1", NULL },
		/* a key id that is not a plain token is not copied */
		{ "key=a\"b,algorithm=HMAC_SHA256", 1, SIG_HMAC_SHA256, "",
		    NULL },
		{ "key=k1", -1, SIG_HMAC_SHA1, "",
		    "X-Twilio-Webhooks-Signature-Settings names no algorithm" },
		{ "", -1, SIG_HMAC_SHA1, "",
		    "X-Twilio-Webhooks-Signature-Settings names no algorithm" },
		{ "algorithm=", -1, SIG_HMAC_SHA1, "",
		    "X-Twilio-Webhooks-Signature-Settings names no algorithm" },
		/* 10 */
		{ "algorithm=RSA_SHA512", -1, SIG_HMAC_SHA1, "",
		    "X-Twilio-Webhooks-Signature-Settings: algorithm "
		    "RSA_SHA512 is not supported (HMAC_SHA1 and HMAC_SHA256 "
		    "are)" },
		{ "algorithm=HMAC_SHA2567", -1, SIG_HMAC_SHA1, "",
		    "X-Twilio-Webhooks-Signature-Settings: algorithm "
		    "HMAC_SHA2567 is not supported (HMAC_SHA1 and HMAC_SHA256 "
		    "are)" },
		{ "algorithm=<b>x</b>", -1, SIG_HMAC_SHA1, "",
		    "X-Twilio-Webhooks-Signature-Settings: the algorithm is "
		    "not supported (HMAC_SHA1 and HMAC_SHA256 are)" },
	};
	enum sig_alg	 alg;
	char		 keyid[SIG_KEYID_MAX], err[256];
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		alg = SIG_HMAC_SHA256;
		r = sig_twilio_settings_parse(rows[i].header, &alg, keyid,
		    sizeof(keyid), err, sizeof(err));
		if (r != rows[i].ret)
			ROW_FAIL(i, "returned %d, want %d (%s)", r,
			    rows[i].ret, err);
		if (r >= 0 && alg != rows[i].alg)
			ROW_FAIL(i, "algorithm %d", alg);
		if (strcmp(keyid, rows[i].keyid) != 0)
			ROW_FAIL(i, "key id \"%s\"", keyid);
		if (rows[i].err != NULL && strcmp(err, rows[i].err) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].err);
	}
}

static void
test_sendgrid_verify(void **state)
{
	static const struct {
		const char	*key;
		const char	*ts;
		const char	*body;
		size_t		 len;	/* 0: strlen(body) */
		const char	*sig;
		const char	*want;
	} rows[] = {
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, SG_PY_SIG, NULL },
		{ SG_MULTI_KEY, SG_MULTI_TS, SG_MULTI_BODY, 0, SG_MULTI_SIG,
		    NULL },
		{ SG_OLD_KEY, SG_OLD_TS, SG_OLD_BODY, 0, SG_OLD_SIG, NULL },
		/* the SDKs' wrong cases, for each vector */
		{ SG_BAD_KEY, SG_PY_TS, SG_PY_BODY, 0, SG_PY_SIG, SG_NO_MATCH },
		{ SG_PY_KEY, SG_PY_TS, "payload", 0, SG_PY_SIG, SG_NO_MATCH },
		/* 5 */
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, SG_BAD_SIG, SG_NO_MATCH },
		{ SG_PY_KEY, "timestamp", SG_PY_BODY, 0, SG_PY_SIG, SG_BAD_TS },
		{ SG_BAD_KEY, SG_MULTI_TS, SG_MULTI_BODY, 0, SG_MULTI_SIG,
		    SG_NO_MATCH },
		{ SG_MULTI_KEY, SG_MULTI_TS, "payload", 0, SG_MULTI_SIG,
		    SG_NO_MATCH },
		{ SG_MULTI_KEY, SG_MULTI_TS, SG_MULTI_BODY, 0, SG_BAD_SIG,
		    SG_NO_MATCH },
		/* 10 */
		{ SG_BAD_KEY, SG_OLD_TS, SG_OLD_BODY, 0, SG_OLD_SIG,
		    SG_NO_MATCH },
		{ SG_OLD_KEY, SG_OLD_TS, SG_OLD_BODY, 0, SG_BAD_SIG,
		    SG_NO_MATCH },
		/* the key of another vector */
		{ SG_OLD_KEY, SG_PY_TS, SG_PY_BODY, 0, SG_PY_SIG, SG_NO_MATCH },
		/* the trailing CRLF left off, or only the LF */
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, sizeof(SG_PY_BODY) - 3,
		    SG_PY_SIG, SG_NO_MATCH },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, sizeof(SG_PY_BODY) - 2,
		    SG_PY_SIG, SG_NO_MATCH },
		/* 15: one byte of the body, of the timestamp, changed */
		{ SG_PY_KEY, SG_PY_TS, "[{\"email\":\"hello@world.com\","
		    "\"event\":\"delivered\",\"reason\":\"Bounced Address\","
		    "\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUT"
		    "Rrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_"
		    "A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\","
		    "\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1."
		    "sendgrid.net>\",\"timestamp\":1600112493}]\r\n", 0,
		    SG_PY_SIG, SG_NO_MATCH },
		{ SG_PY_KEY, "1600112503", SG_PY_BODY, 0, SG_PY_SIG,
		    SG_NO_MATCH },
		{ SG_PY_KEY, "01600112502", SG_PY_BODY, 0, SG_PY_SIG,
		    SG_NO_MATCH },
		/* signatures that are not base64, truncated, or garbage */
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0,
		    "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiX"
		    "DWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM", SG_NOT_B64 },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0,
		    "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiX"
		    "DWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtE",
		    "X-Twilio-Email-Event-Webhook-Signature is not a DER "
		    "ECDSA signature or cannot be checked" },
		/* 20 */
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, "!!!!", SG_NOT_B64 },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, "AAAA",
		    "X-Twilio-Email-Event-Webhook-Signature is not a DER "
		    "ECDSA signature or cannot be checked" },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, "MEUC IGHQ", SG_NOT_B64 },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, "A===", SG_NOT_B64 },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, "AA=A", SG_NOT_B64 },
		/* 25: far too long to be one */
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, SG_PY_SIG SG_PY_SIG,
		    SG_NOT_B64 },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, "",
		    "no X-Twilio-Email-Event-Webhook-Signature" },
		{ SG_PY_KEY, SG_PY_TS, SG_PY_BODY, 0, NULL,
		    "no X-Twilio-Email-Event-Webhook-Signature" },
		{ SG_PY_KEY, "", SG_PY_BODY, 0, SG_PY_SIG, SG_BAD_TS },
		{ SG_PY_KEY, NULL, SG_PY_BODY, 0, SG_PY_SIG, SG_BAD_TS },
		/* 30 */
		{ SG_PY_KEY, "-1600112502", SG_PY_BODY, 0, SG_PY_SIG,
		    SG_BAD_TS },
		{ SG_PY_KEY, "123456789012345678901", SG_PY_BODY, 0, SG_PY_SIG,
		    SG_BAD_TS },
		/* an empty body */
		{ SG_PY_KEY, SG_PY_TS, "", 0, SG_PY_SIG, SG_NO_MATCH },
	};
	struct sig_key	*key;
	char		 err[256];
	size_t		 i, len;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		if ((key = sig_sendgrid_key_new(rows[i].key, err,
		    sizeof(err))) == NULL)
			ROW_FAIL(i, "key: %s", err);
		len = rows[i].len != 0 ? rows[i].len : strlen(rows[i].body);
		err[0] = '\0';
		r = sig_sendgrid_verify(key, rows[i].ts, rows[i].body, len,
		    rows[i].sig, err, sizeof(err));
		sig_sendgrid_key_free(key);
		if (rows[i].want == NULL && r != 0)
			ROW_FAIL(i, "refused: %s", err);
		if (rows[i].want != NULL && r != -1)
			ROW_FAIL(i, "accepted");
		if (rows[i].want != NULL && strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
	}
	assert_int_equal(sig_sendgrid_verify(NULL, SG_PY_TS, SG_PY_BODY,
	    strlen(SG_PY_BODY), SG_PY_SIG, err, sizeof(err)), -1);
	assert_string_equal(err, "no SendGrid verification key");
}

/* Keys: loaded once, used for many checks; the wrong kinds refused. */
static void
test_sendgrid_keys(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} rows[] = {
		{ SG_PY_KEY, NULL },
		{ SG_PY_KEY "\n", NULL },
		{ "-----BEGIN PUBLIC KEY-----\n"
		    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7\n"
		    "dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F\n"
		    "+g==\n-----END PUBLIC KEY-----\n", NULL },
		{ "  MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdB\r\n"
		    "\tgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNE\n"
		    "c6wEA3F+g==  ", NULL },
		{ "", "the SendGrid verification key is not base64" },
		/* 5 */
		{ NULL, "the SendGrid verification key is missing or too "
		    "long" },
		{ "not a key!", "the SendGrid verification key is not base64" },
		{ "-----BEGIN PUBLIC KEY-----\n" SG_PY_KEY "\n",
		    "the SendGrid verification key has no -----END PUBLIC "
		    "KEY----- line" },
		/* truncated: valid base64, not DER */
		{ "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdB",
		    "the SendGrid verification key is not a DER "
		    "SubjectPublicKeyInfo" },
		/* padding in the middle */
		{ SG_PY_KEY "AAAA", "the SendGrid verification key is not "
		    "base64" },
		/* 10: two bytes after the DER */
		{ "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ"
		    "/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6w"
		    "EA3F+gAA", "the SendGrid verification key is not a DER "
		    "SubjectPublicKeyInfo" },
		{ ED25519_KEY, "the SendGrid verification key is not an ECDSA "
		    "P-256 key" },
		{ P384_KEY, "the SendGrid verification key is not an ECDSA "
		    "P-256 key" },
		/* one byte of the point changed: not on the curve */
		{ "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ"
		    "/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6w"
		    "EA3G+g==", "the SendGrid verification key is not a DER "
		    "SubjectPublicKeyInfo" },
	};
	struct sig_key	*key;
	char		 err[256], *big;
	size_t		 i;
	int		 n;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		key = sig_sendgrid_key_new(rows[i].text, err, sizeof(err));
		if (rows[i].want == NULL && key == NULL)
			ROW_FAIL(i, "refused: %s", err);
		if (rows[i].want != NULL && key != NULL)
			ROW_FAIL(i, "accepted");
		if (rows[i].want != NULL && strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
		sig_sendgrid_key_free(key);
	}
	sig_sendgrid_key_free(NULL);

	/* One key, many checks. */
	key = sig_sendgrid_key_new(SG_PY_KEY, err, sizeof(err));
	assert_non_null(key);
	for (n = 0; n < 100; n++) {
		assert_int_equal(sig_sendgrid_verify(key, SG_PY_TS, SG_PY_BODY,
		    strlen(SG_PY_BODY), SG_PY_SIG, err, sizeof(err)), 0);
		assert_int_equal(sig_sendgrid_verify(key, SG_PY_TS, "payload",
		    7, SG_PY_SIG, err, sizeof(err)), -1);
	}
	sig_sendgrid_key_free(key);

	big = malloc(8192);
	assert_non_null(big);
	memset(big, 'A', 8191);
	big[8191] = '\0';
	assert_null(sig_sendgrid_key_new(big, err, sizeof(err)));
	assert_string_equal(err, "the SendGrid verification key is missing "
	    "or too long");
	free(big);
}

static void
test_webhook(void **state)
{
	static const struct {
		const char	*token;
		const char	*body;
		const char	*header;
		const char	*want;
	} rows[] = {
		{ WH_TOKEN, WH_BODY, WH_SIG, NULL },
		{ WH_TOKEN, WH_BODY, "sha256=48FC346B4664A666049164115F0E0AFCFD"
		    "E9F8DA0F4021B03D675DA74316EBDA", NULL },
		{ WH_TOKEN, "", "sha256=6999038c74f4458fb5520e9897575e65697e71"
		    "c65ca5766a25cf9e6baf540f47", NULL },
		/* one byte changed: body, token, signature */
		{ WH_TOKEN, "{\"event\":\"delivered\",\"id\":\"SM0124\"}", WH_SIG,
		    "X-Aftercare-Signature does not match the body" },
		{ "s3cret-tokeN", WH_BODY, WH_SIG,
		    "X-Aftercare-Signature does not match the body" },
		/* 5 */
		{ WH_TOKEN, WH_BODY, "sha256=48fc346b4664a666049164115f0e0afcfd"
		    "e9f8da0f4021b03d675da74316ebdb",
		    "X-Aftercare-Signature does not match the body" },
		{ WH_TOKEN, WH_BODY " ", WH_SIG,
		    "X-Aftercare-Signature does not match the body" },
		/* not the format */
		{ WH_TOKEN, WH_BODY, "48fc346b4664a666049164115f0e0afcfde9f8da"
		    "0f4021b03d675da74316ebda", WH_BAD },
		{ WH_TOKEN, WH_BODY, "SHA256=48fc346b4664a666049164115f0e0afcfd"
		    "e9f8da0f4021b03d675da74316ebda", WH_BAD },
		{ WH_TOKEN, WH_BODY, "sha1=48fc346b4664a666049164115f0e0afcfde9"
		    "f8da", WH_BAD },
		/* 10 */
		{ WH_TOKEN, WH_BODY, "sha256=48fc346b4664a666049164115f0e0afcfd"
		    "e9f8da0f4021b03d675da74316ebd", WH_BAD },
		{ WH_TOKEN, WH_BODY, "sha256=48fc346b4664a666049164115f0e0afcfd"
		    "e9f8da0f4021b03d675da74316ebda0", WH_BAD },
		{ WH_TOKEN, WH_BODY, "sha256=48fc346b4664a666049164115f0e0afcfd"
		    "e9f8da0f4021b03d675da74316ebdg", WH_BAD },
		{ WH_TOKEN, WH_BODY, "sha256= 48fc346b4664a666049164115f0e0afcf"
		    "de9f8da0f4021b03d675da74316ebda", WH_BAD },
		{ WH_TOKEN, WH_BODY, "", "no X-Aftercare-Signature" },
		/* 15 */
		{ WH_TOKEN, WH_BODY, NULL, "no X-Aftercare-Signature" },
		{ "", WH_BODY, WH_SIG,
		    "no token to check X-Aftercare-Signature with" },
		{ NULL, WH_BODY, WH_SIG,
		    "no token to check X-Aftercare-Signature with" },
	};
	char	 err[256], out[SIG_WEBHOOK_MAX];
	size_t	 i;
	int	 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		r = sig_webhook_verify(rows[i].token, rows[i].body,
		    strlen(rows[i].body), rows[i].header, err, sizeof(err));
		if (rows[i].want == NULL && r != 0)
			ROW_FAIL(i, "refused: %s", err);
		if (rows[i].want != NULL && r != -1)
			ROW_FAIL(i, "accepted");
		if (rows[i].want != NULL && strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
	}
	assert_int_equal(sig_webhook_sign(WH_TOKEN, WH_BODY, strlen(WH_BODY),
	    out, sizeof(out)), 0);
	assert_string_equal(out, WH_SIG);
	assert_int_equal(sig_webhook_sign(WH_TOKEN, NULL, 0, out, sizeof(out)),
	    0);
	assert_string_equal(out, "sha256=6999038c74f4458fb5520e9897575e65697e"
	    "71c65ca5766a25cf9e6baf540f47");
	assert_int_equal(sig_webhook_verify(WH_TOKEN, NULL, 0, out, err,
	    sizeof(err)), 0);
	assert_int_equal(sig_webhook_sign(WH_TOKEN, WH_BODY, strlen(WH_BODY),
	    out, SIG_WEBHOOK_MAX - 1), -1);
	assert_string_equal(out, "");
	assert_int_equal(sig_webhook_sign("", WH_BODY, strlen(WH_BODY), out,
	    sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_verify),
		cmocka_unit_test(test_twilio_body),
		cmocka_unit_test(test_twilio_sign),
		cmocka_unit_test(test_twilio_settings),
		cmocka_unit_test(test_sendgrid_verify),
		cmocka_unit_test(test_sendgrid_keys),
		cmocka_unit_test(test_webhook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
