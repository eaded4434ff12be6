/* SPDX-License-Identifier: MIT */
/* test_inbound.c: the receiver's pure parts, table-driven: routes, content types, text, TwiML, the webhook format. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbound.h"
#include "fixture/testutil.h"

static void
test_route(void **state)
{
	static const struct {
		const char		*base;
		const char		*path;
		enum inbound_endpoint	 want;
	} rows[] = {
		{ "/aftercare", "/aftercare/twilio/sms", INBOUND_TWILIO_SMS },
		{ "/aftercare", "/twilio/sms", INBOUND_TWILIO_SMS },
		{ "/aftercare", "/aftercare/twilio/status",
		    INBOUND_TWILIO_STATUS },
		{ "/aftercare", "/aftercare/sendgrid/events",
		    INBOUND_SENDGRID_EVENTS },
		{ "/aftercare", "/webhook/sms", INBOUND_WEBHOOK_SMS },
		{ "/aftercare", "/aftercare/webhook/status",
		    INBOUND_WEBHOOK_STATUS },
		{ "", "/twilio/sms", INBOUND_TWILIO_SMS },
		{ "/a/b", "/a/b/sendgrid/events", INBOUND_SENDGRID_EVENTS },
		/* Not quite: */
		{ "/aftercare", "/aftercare/twilio/sms/", INBOUND_UNKNOWN },
		{ "/aftercare", "/aftercare/twilio/SMS", INBOUND_UNKNOWN },
		{ "/aftercare", "/other/twilio/sms", INBOUND_UNKNOWN },
		{ "/aftercare", "/aftercaretwilio/sms", INBOUND_UNKNOWN },
		{ "/aftercare", "/aftercare", INBOUND_UNKNOWN },
		{ "/aftercare", "/", INBOUND_UNKNOWN },
		{ "/aftercare", "", INBOUND_UNKNOWN },
		{ "/aftercare", "/twilio/sms?x=1", INBOUND_UNKNOWN },
		{ "/aftercare", "/aftercare/../twilio/sms", INBOUND_UNKNOWN },
		{ "/aftercare", NULL, INBOUND_UNKNOWN },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		if (inbound_route(rows[i].base, rows[i].path) != rows[i].want)
			ROW_FAIL(i, "%s: got %d", rows[i].path ? rows[i].path :
			    "(null)", (int)inbound_route(rows[i].base,
			    rows[i].path));
	assert_string_equal(inbound_url_path(
	    "https://clinic.example.com/aftercare"), "/aftercare");
	assert_string_equal(inbound_url_path(
	    "https://clinic.example.com:8443"), "");
	assert_string_equal(inbound_url_path("http://[::1]:8025/in/a"),
	    "/in/a");
	assert_string_equal(inbound_endpoint_path(INBOUND_SENDGRID_EVENTS),
	    "/sendgrid/events");
	assert_string_equal(inbound_endpoint_path(INBOUND_UNKNOWN), "");
}

static void
test_content_type(void **state)
{
	static const struct {
		enum inbound_endpoint	 ep;
		const char		*ct;
		bool			 want;
	} rows[] = {
		{ INBOUND_TWILIO_SMS, "application/x-www-form-urlencoded",
		    true },
		{ INBOUND_TWILIO_SMS, "application/x-www-form-urlencoded; "
		    "charset=utf-8", true },
		{ INBOUND_TWILIO_STATUS, "Application/X-WWW-Form-Urlencoded",
		    true },
		{ INBOUND_TWILIO_SMS, " application/x-www-form-urlencoded ;x",
		    true },
		{ INBOUND_TWILIO_SMS, "application/json", false },
		{ INBOUND_TWILIO_SMS, "multipart/form-data; boundary=x",
		    false },
		{ INBOUND_TWILIO_SMS, "application/x-www-form-urlencodedx",
		    false },
		{ INBOUND_TWILIO_SMS, "", false },
		{ INBOUND_TWILIO_SMS, NULL, false },
		{ INBOUND_SENDGRID_EVENTS, "application/json", true },
		{ INBOUND_SENDGRID_EVENTS, "application/json; charset=utf-8",
		    true },
		{ INBOUND_SENDGRID_EVENTS, "text/plain", false },
		{ INBOUND_SENDGRID_EVENTS, "application/x-www-form-urlencoded",
		    false },
		{ INBOUND_WEBHOOK_SMS, "application/json", true },
		{ INBOUND_WEBHOOK_STATUS, "application/jsonp", false },
		{ INBOUND_UNKNOWN, "application/json", false },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		if (inbound_content_type_ok(rows[i].ep, rows[i].ct) !=
		    rows[i].want)
			ROW_FAIL(i, "\"%s\"", rows[i].ct ? rows[i].ct : "NULL");
	assert_int_equal(inbound_body_max(INBOUND_TWILIO_SMS), 65536);
	assert_int_equal(inbound_body_max(INBOUND_WEBHOOK_SMS), 65536);
	assert_int_equal(inbound_body_max(INBOUND_SENDGRID_EVENTS),
	    2 * 1024 * 1024);
}

static void
test_ids(void **state)
{
	static const struct {
		const char	*id;
		bool		 want;
	} rows[] = {
		{ "SM0123456789abcdef0123456789abcdef", true },
		{ "ZOH5ljPtRgmfbzpTaB0Fqw==", true },
		{ "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", true },
		{ "a", true },
		{ "0123456789012345678901234567890123456789012345678901234567890123",
		    true },
		{ "01234567890123456789012345678901234567890123456789012345678901234",
		    false },
		{ "", false },
		{ "SM 1", false },
		{ "SM\n1", false },
		{ "SM<1>", false },
		{ "+15550100101@x", false },
		{ NULL, false },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		if (inbound_id_ok(rows[i].id) != rows[i].want)
			ROW_FAIL(i, "\"%s\"", rows[i].id ? rows[i].id : "NULL");
}

static void
test_text(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} rows[] = {
		{ "plain", 5, "plain" },
		{ "", 0, "" },
		{ "line\r\nbreak\tand\x01" "control\x7f", 24,
		    "line\r\nbreak\tand\x01" "control\x7f" },
		{ "nul\0inside", 10, "nul\xef\xbf\xbdinside" },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "\xe2\x80\x8f" "RLM and \xe2\x80\xae" "RLO", 17,
		    "\xe2\x80\x8f" "RLM and \xe2\x80\xae" "RLO" },
		{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },
		/* Not UTF-8: each bad byte one U+FFFD. */
		{ "bad\xff", 4, "bad\xef\xbf\xbd" },
		{ "\xc3", 1, "\xef\xbf\xbd" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe0\x80\xaf", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd" },
		{ "\xe2\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc2\x85" "NEL", 5, "\xc2\x85" "NEL" },
	};
	char	*got, *big;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		got = inbound_text(rows[i].in, rows[i].len);
		if (strcmp(got, rows[i].want) != 0)
			ROW_FAIL(i, "got \"%s\"", got);
		free(got);
	}
	/* 1,600 characters, the longest Body Twilio sends, unchanged. */
	big = malloc(1601 * 2 + 1);
	assert_non_null(big);
	for (i = 0; i < 1600; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[3200] = '\0';
	got = inbound_text(big, 3200);
	assert_string_equal(got, big);
	free(got);
	free(big);
}

static void
test_twiml(void **state)
{
	char	*t;

	(void)state;
	t = inbound_twiml(NULL);
	assert_string_equal(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response/>");
	free(t);
	t = inbound_twiml("Thanks, <Riverside> & \"Co\"'s team: call "
	    "+1 555 0100");
	assert_string_equal(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response><Message>Thanks, &lt;Riverside&gt; &amp; &quot;Co"
	    "&quot;&#39;s team: call +1 555 0100</Message></Response>");
	free(t);
}

static void
test_webhook_sms(void **state)
{
	static const struct {
		const char	*body;
		const char	*err;		/* NULL: parses */
	} rows[] = {
		{ "{\"id\":\"gw-1\",\"from\":\"+15550100101\",\"to\":\"+15550100\","
		    "\"body\":\"hello\",\"num_media\":2,\"opt_out_type\":\"STOP\"}",
		    NULL },
		{ "{\"id\":\"gw-1\",\"from\":\"+15550100101\",\"body\":\"\"}",
		    NULL },
		{ "[]", "the body is not a JSON object" },
		{ "", "the body is not a JSON object" },
		{ "{\"id\":\"gw-1\",", "the body is not a JSON object" },
		{ "{\"from\":\"+15550100101\",\"body\":\"x\"}",
		    "the body has no \"id\"" },
		{ "{\"id\":\"gw-1\",\"body\":\"x\"}", "the body has no \"from\"" },
		{ "{\"id\":\"gw-1\",\"from\":\"+15550100101\"}",
		    "the body has no \"body\"" },
		{ "{\"id\":null,\"from\":\"+15550100101\",\"body\":\"x\"}",
		    "the body has no \"id\"" },
		{ "{\"id\":\"gw 1\",\"from\":\"+15550100101\",\"body\":\"x\"}",
		    "\"id\" must be 1 to 64 letters" },
		{ "{\"id\":\"gw-1\",\"from\":\"\",\"body\":\"x\"}",
		    "\"from\" and \"to\" must be phone numbers" },
		{ "{\"id\":\"gw-1\",\"from\":\"+1555\\n0100\",\"body\":\"x\"}",
		    "\"from\" and \"to\" must be phone numbers" },
		{ "{\"id\":\"gw-1\",\"from\":\"+15550100101\",\"body\":\"x\","
		    "\"num_media\":-1}", "\"num_media\" must be a number" },
		{ "{\"id\":\"gw-1\",\"from\":\"+15550100101\",\"body\":\"x\","
		    "\"num_media\":\"many\"}", "\"num_media\" must be a number" },
		{ "{\"id\":\"gw-1\",\"from\":\"+15550100101\",\"body\":\"x\","
		    "\"opt_out_type\":\"\"}", "\"opt_out_type\" must be" },
	};
	struct inbound_webhook_sms	 m;
	const char			*body;
	char				 err[160];
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		if (inbound_webhook_sms_parse(rows[i].body,
		    strlen(rows[i].body), &m, err, sizeof(err)) == 0) {
			if (rows[i].err != NULL)
				ROW_FAIL(i, "parsed, want %s", rows[i].err);
		} else if (rows[i].err == NULL ||
		    strncmp(err, rows[i].err, strlen(rows[i].err)) != 0)
			ROW_FAIL(i, "got \"%s\"", err);
		else if (strstr(err, "+1555") != NULL)
			ROW_FAIL(i, "err quotes the body: %s", err);
		inbound_webhook_sms_clear(&m);
	}

	/* Escapes decoded, a bad byte repaired. */
	body = "{\"body\":\"still swollen\\n\\u00e9\xff\",\"from\":"
	    "\"+15550100101\",\"id\":\"gw-2\",\"num_media\":1}";
	assert_int_equal(inbound_webhook_sms_parse(body, strlen(body), &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.id, "gw-2");
	assert_string_equal(m.from, "+15550100101");
	assert_null(m.to);
	assert_null(m.opt_out_type);
	assert_int_equal(m.num_media, 1);
	assert_string_equal(m.body, "still swollen\n\xc3\xa9\xef\xbf\xbd");
	inbound_webhook_sms_clear(&m);
}

static void
test_webhook_status(void **state)
{
	static const struct {
		const char	*body;
		const char	*err;
	} rows[] = {
		{ "{\"id\":\"gw-1\",\"status\":\"delivered\"}", NULL },
		{ "{\"id\":\"gw-1\",\"status\":\"undelivered\",\"error\":"
		    "\"30003\",\"event_id\":\"e-9\"}", NULL },
		{ "{\"status\":\"delivered\"}", "the body has no \"id\"" },
		{ "{\"id\":\"gw-1\"}", "the body has no \"status\"" },
		{ "{\"id\":\"gw-1\",\"status\":\"\"}", "\"status\" and \"error\"" },
		{ "{\"id\":\"gw-1\",\"status\":\"sent\",\"event_id\":\"a b\"}",
		    "\"id\" and \"event_id\" must be" },
		{ "[1]", "the body is not a JSON object" },
	};
	struct inbound_webhook_status	 s;
	char				 err[160];
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		if (inbound_webhook_status_parse(rows[i].body,
		    strlen(rows[i].body), &s, err, sizeof(err)) == 0) {
			if (rows[i].err != NULL)
				ROW_FAIL(i, "parsed, want %s", rows[i].err);
		} else if (rows[i].err == NULL ||
		    strncmp(err, rows[i].err, strlen(rows[i].err)) != 0)
			ROW_FAIL(i, "got \"%s\"", err);
		inbound_webhook_status_clear(&s);
	}
	assert_int_equal(inbound_webhook_status_parse(rows[1].body,
	    strlen(rows[1].body), &s, err, sizeof(err)), 0);
	assert_string_equal(s.id, "gw-1");
	assert_string_equal(s.status, "undelivered");
	assert_string_equal(s.error, "30003");
	assert_string_equal(s.event_id, "e-9");
	inbound_webhook_status_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_twiml),
		cmocka_unit_test(test_webhook_sms),
		cmocka_unit_test(test_webhook_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
