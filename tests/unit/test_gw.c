/* SPDX-License-Identifier: MIT */
/* test_gw.c: the providers' request encoding and answer parsing. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "delivery.h"
#include "form.h"
#include "gateway.h"
#include "../src/gw.h"

#define SID	"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN	"not-a-real-token"
#define SM	"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static bool	sid_valid(const char *, const char *);
static bool	uri_valid(const char *);
static bool	twilio_create_valid(const struct gw_request *, char *, size_t);

static void
config_twilio(struct config *cfg, const char *url)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sms.provider = SMS_PROVIDER_TWILIO;
	cfg->sms.url = (char *)(uintptr_t)url;
	cfg->sms.account_sid = (char *)(uintptr_t)SID;
	cfg->sms.auth_token = (char *)(uintptr_t)TOKEN;
	cfg->sms.from = (char *)(uintptr_t)"+15550100999";
}

static void
test_twilio_build(void **state)
{
	static const struct {
		const char	*base;
		const char	*to;
		const char	*body;
		const char	*want_url;
		const char	*want_body;
	} rows[] = {
		{ "https://api.twilio.com", "+15550100123", "Hello",
		  "https://api.twilio.com/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=%2B15550100123&From=%2B15550100999&Body=Hello" },
		{ "http://127.0.0.1:8080/", "+15550100123", "Hi",
		  "http://127.0.0.1:8080/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=%2B15550100123&From=%2B15550100999&Body=Hi" },
		{ "http://127.0.0.1:8080//", "+15550100123", "",
		  "http://127.0.0.1:8080/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=%2B15550100123&From=%2B15550100999&Body=" },
		{ "https://api.twilio.com", "+15550100123",
		  "Caf\xc3\xa9 cr\xc3\xa8me \xe2\x98\xba \xf0\x9f\x91\x8d",
		  "https://api.twilio.com/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=%2B15550100123&From=%2B15550100999&Body="
		  "Caf%C3%A9%20cr%C3%A8me%20%E2%98%BA%20%F0%9F%91%8D" },
		{ "https://api.twilio.com", "+15550100123", "a&b=c+d",
		  "https://api.twilio.com/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=%2B15550100123&From=%2B15550100999&Body=a%26b%3Dc%2Bd" },
		{ "https://api.twilio.com", "+15550100123",
		  "Say \"hi\"\r\nit's 100% ~ok_-.",
		  "https://api.twilio.com/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=%2B15550100123&From=%2B15550100999&Body="
		  "Say%20%22hi%22%0D%0Ait%27s%20100%25%20~ok_-." },
		{ "https://api.twilio.com", "whatsapp:+15550100123", "#1/2?",
		  "https://api.twilio.com/2010-04-01/Accounts/" SID
		  "/Messages.json",
		  "To=whatsapp%3A%2B15550100123&From=%2B15550100999&"
		  "Body=%231%2F2%3F" },
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_twilio(&cfg, rows[i].base);
		memset(&msg, 0, sizeof(msg));
		msg.reminder_id = 42;
		msg.milestone = "24h";
		msg.to = rows[i].to;
		msg.body = rows[i].body;
		msg.idempotency_key = "aftercare-42";
		gw_request_init(&req);
		if (gw_twilio.build(&cfg, &msg, &req, err, sizeof(err)) != 0)
			fail_msg("row %zu: %s", i, err);
		if (strcmp(req.url, rows[i].want_url) != 0)
			fail_msg("row %zu: url %s", i, req.url);
		if (strcmp(req.body.data, rows[i].want_body) != 0)
			fail_msg("row %zu: body %s", i, req.body.data);
		if (req.body.len != strlen(rows[i].want_body))
			fail_msg("row %zu: body length %zu", i, req.body.len);
		if (strcmp(req.content_type,
		    "application/x-www-form-urlencoded") != 0)
			fail_msg("row %zu: content type %s", i,
			    req.content_type);
		if (req.userpwd == NULL ||
		    strcmp(req.userpwd, SID ":" TOKEN) != 0)
			fail_msg("row %zu: userpwd", i);
		if (req.bearer != NULL)
			fail_msg("row %zu: bearer set", i);
		if (!twilio_create_valid(&req, err, sizeof(err)))
			fail_msg("row %zu: not what the spec accepts: %s", i,
			    err);
		gw_request_clear(&req);
	}
}

/*
 * Twilio's API as its OpenAPI description gives it (twilio-oai,
 * spec/json/twilio_api_v2010.json, MIT licensed), operation
 * CreateMessage: POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
 * AccountSid matching ^AC[0-9a-fA-F]{32}$, HTTP basic auth, and a
 * form-encoded CreateMessageRequest whose only required property is To.
 * Every property with its type and format; "sid:XX" is a 34-character
 * sid of prefix XX, "enum" one of the spec's enumerations.
 */
static const struct {
	const char	*name;
	const char	*type;
	const char	*format;
} twilio_create_props[] = {
	{ "To", "string", "phone-number" },
	{ "StatusCallback", "string", "uri" },
	{ "ApplicationSid", "sid:AP", NULL },
	{ "MaxPrice", "number", NULL },
	{ "ProvideFeedback", "boolean", NULL },
	{ "Attempt", "integer", NULL },
	{ "ValidityPeriod", "integer", NULL },
	{ "ForceDelivery", "boolean", NULL },
	{ "ContentRetention", "enum", NULL },
	{ "AddressRetention", "enum", NULL },
	{ "SmartEncoded", "boolean", NULL },
	{ "PersistentAction", "array", NULL },
	{ "TrafficType", "enum", NULL },
	{ "ShortenUrls", "boolean", NULL },
	{ "ScheduleType", "enum", NULL },
	{ "SendAt", "string", "date-time" },
	{ "SendAsMms", "boolean", NULL },
	{ "ContentVariables", "string", NULL },
	{ "RiskCheck", "enum", NULL },
	{ "From", "string", "phone-number" },
	{ "FallbackFrom", "string", "phone-number" },
	{ "MessagingServiceSid", "sid:MG", NULL },
	{ "Body", "string", NULL },
	{ "MediaUrl", "array", NULL },
	{ "ContentSid", "sid:HX", NULL },
};

/* A sid: the prefix, then 32 hex digits (the spec's pattern). */
static bool
sid_valid(const char *s, const char *prefix)
{
	size_t	i;

	if (strlen(s) != 34 || strncmp(s, prefix, 2) != 0)
		return false;
	for (i = 2; i < 34; i++)
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return false;
	return true;
}

/*
 * OpenAPI's format "uri": an absolute URI (RFC 3986 4.3), scheme ":"
 * and then only the characters a URI may hold, '%' starting an escape.
 */
static bool
uri_valid(const char *s)
{
	const char	*p;

	if (!isalpha((unsigned char)s[0]))
		return false;
	for (p = s + 1; isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.'; p++)
		;
	if (*p++ != ':' || *p == '\0')
		return false;
	for (; *p != '\0'; p++) {
		if (*p == '%') {
			if (!isxdigit((unsigned char)p[1]) ||
			    !isxdigit((unsigned char)p[2]))
				return false;
			p += 2;
		} else if (!isalnum((unsigned char)*p) &&
		    strchr("-._~!$&'()*+,;=:@/?[]", *p) == NULL)
			return false;
	}
	return true;
}

/*
 * Whether req is a request the spec's CreateMessage operation accepts;
 * if not, why in why.
 */
static bool
twilio_create_valid(const struct gw_request *req, char *why, size_t len)
{
	static const char	 prefix[] = "/2010-04-01/Accounts/";
	struct form		 f;
	const struct form_field	*fl;
	const char		*path, *v;
	char			 err[128], sid[64];
	size_t			 i, k, n;
	bool			 ok = false;

	form_init(&f);
	why[0] = '\0';
	if (req->method != NULL && strcmp(req->method, "POST") != 0) {
		(void)snprintf(why, len, "method %s", req->method);
		goto out;
	}
	if ((path = strstr(req->url, prefix)) == NULL ||
	    (n = strcspn(path + sizeof(prefix) - 1, "/")) >= sizeof(sid)) {
		(void)snprintf(why, len, "path of %s", req->url);
		goto out;
	}
	memcpy(sid, path + sizeof(prefix) - 1, n);
	sid[n] = '\0';
	if (!sid_valid(sid, "AC") ||
	    strcmp(path + sizeof(prefix) - 1 + n, "/Messages.json") != 0) {
		(void)snprintf(why, len, "path %s", path);
		goto out;
	}
	if (req->content_type == NULL || strcmp(req->content_type,
	    "application/x-www-form-urlencoded") != 0 ||
	    req->userpwd == NULL || req->bearer != NULL) {
		(void)snprintf(why, len, "content type or authentication");
		goto out;
	}
	if (form_parse(req->body.data, req->body.len, &f, err,
	    sizeof(err)) == -1) {
		(void)snprintf(why, len, "body: %s", err);
		goto out;
	}
	if (form_get(&f, "To") == NULL) {
		(void)snprintf(why, len, "no To");
		goto out;
	}
	for (i = 0; i < f.nfields; i++) {
		fl = &f.fields[i];
		v = fl->value;
		for (k = 0; k < sizeof(twilio_create_props) /
		    sizeof(twilio_create_props[0]); k++)
			if (strcmp(fl->name, twilio_create_props[k].name) == 0)
				break;
		if (k == sizeof(twilio_create_props) /
		    sizeof(twilio_create_props[0])) {
			(void)snprintf(why, len, "%s is not a property",
			    fl->name);
			goto out;
		}
		if (strcmp(twilio_create_props[k].type, "array") != 0 &&
		    form_count(&f, fl->name) != 1) {
			(void)snprintf(why, len, "%s repeated", fl->name);
			goto out;
		}
		if (fl->flags & (FORM_NUL | FORM_BAD_UTF8)) {
			(void)snprintf(why, len, "%s is not a string",
			    fl->name);
			goto out;
		}
		if (strncmp(twilio_create_props[k].type, "sid:", 4) == 0 &&
		    !sid_valid(v, twilio_create_props[k].type + 4)) {
			(void)snprintf(why, len, "%s is not a sid", fl->name);
			goto out;
		}
		if (twilio_create_props[k].format == NULL)
			continue;
		if (strcmp(twilio_create_props[k].format, "uri") == 0 &&
		    !uri_valid(v)) {
			(void)snprintf(why, len, "%s \"%s\" is not a uri",
			    fl->name, v);
			goto out;
		}
		if (strcmp(twilio_create_props[k].format, "phone-number") ==
		    0 && v[0] == '\0') {
			(void)snprintf(why, len, "%s is empty", fl->name);
			goto out;
		}
	}
	ok = true;
out:
	form_clear(&f);
	return ok;
}

/*
 * With an inbound section, each message asks Twilio for its status
 * callbacks at public_url's /twilio/status (StatusCallback, a uri), and
 * the request still is one the spec accepts; without one, or without a
 * public_url, nothing is added.
 */
static void
test_twilio_build_status_callback(void **state)
{
	static const struct {
		bool		 enabled;
		const char	*public_url;
		const char	*want_callback;	/* NULL: none */
	} rows[] = {
		{ true, "https://clinic.example.com/aftercare",
		  "https://clinic.example.com/aftercare/twilio/status" },
		{ true, "https://clinic.example.com:8443/after-care/x_y.z~",
		  "https://clinic.example.com:8443/after-care/x_y.z~/twilio/"
		  "status" },
		{ true, "https://clinic.example.com",
		  "https://clinic.example.com/twilio/status" },
		{ true, "http://127.0.0.1:8025",
		  "http://127.0.0.1:8025/twilio/status" },
		{ true, "https://[2001:db8::1]:8443/a",
		  "https://[2001:db8::1]:8443/a/twilio/status" },
		{ true, NULL, NULL },
		{ false, "https://clinic.example.com/aftercare", NULL },
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	struct form		 f;
	const char		*cb;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_twilio(&cfg, "https://api.twilio.com");
		cfg.sms.account_sid = (char *)(uintptr_t)
		    "AC0123456789abcdefABCDEF0123456789";
		cfg.inbound.enabled = rows[i].enabled;
		cfg.inbound.public_url = (char *)(uintptr_t)rows[i].public_url;
		memset(&msg, 0, sizeof(msg));
		msg.reminder_id = 42;
		msg.to = "+15550100123";
		msg.body = "Hi";
		msg.idempotency_key = "k";
		gw_request_init(&req);
		if (gw_twilio.build(&cfg, &msg, &req, err, sizeof(err)) != 0)
			fail_msg("row %zu: %s", i, err);
		if (!twilio_create_valid(&req, err, sizeof(err)))
			fail_msg("row %zu: not what the spec accepts: %s", i,
			    err);
		form_init(&f);
		assert_int_equal(form_parse(req.body.data, req.body.len, &f,
		    err, sizeof(err)), 0);
		cb = form_get(&f, "StatusCallback");
		if (rows[i].want_callback == NULL ? cb != NULL :
		    (cb == NULL || strcmp(cb, rows[i].want_callback) != 0))
			fail_msg("row %zu: StatusCallback %s", i,
			    cb != NULL ? cb : "(none)");
		if (strcmp(form_get(&f, "Body"), "Hi") != 0 ||
		    strcmp(form_get(&f, "To"), "+15550100123") != 0)
			fail_msg("row %zu: To or Body", i);
		form_clear(&f);
		gw_request_clear(&req);
	}
}

/* The validator itself refuses what the spec would. */
static void
test_twilio_spec_check(void **state)
{
	static const struct {
		const char	*url;
		const char	*body;
	} bad[] = {
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
		  "From=%2B15550100999&Body=Hi" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
		  "To=%2B15550100123&Body=Hi&StatusCallBack=https%3A%2F%2Fa" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
		  "To=%2B15550100123&StatusCallback=https%3A%2F%2Fa%20b%2Fc" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
		  "To=%2B15550100123&StatusCallback=%2Ftwilio%2Fstatus" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
		  "To=%2B15550100123&Body=a&Body=b" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json",
		  "To=%2B15550100123&MessagingServiceSid=MG1" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "AC/Messages.json", "To=%2B15550100123" },
		{ "https://api.twilio.com/2010-04-01/Accounts/"
		  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages", "To=1" },
	};
	struct gw_request	 req;
	char			 why[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gw_request_init(&req);
		req.url = strdup(bad[i].url);
		req.content_type = "application/x-www-form-urlencoded";
		req.userpwd = strdup("AC:token");
		buf_puts(&req.body, bad[i].body);
		if (twilio_create_valid(&req, why, sizeof(why)))
			fail_msg("row %zu: accepted", i);
		gw_request_clear(&req);
	}
}

/*
 * A look-up is the spec's FetchMessage: GET
 * /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json, AccountSid
 * matching ^AC[0-9a-fA-F]{32}$ and Sid ^(SM|MM)[0-9a-fA-F]{32}$, HTTP
 * basic auth, no body; an id that is no such sid is refused (it is not
 * quoted: it came from the gateway).
 */
static void
test_twilio_lookup_build(void **state)
{
	static const struct {
		const char	*base;
		const char	*sid;
		const char	*want_url;	/* NULL: refused */
	} rows[] = {
		{ "https://api.twilio.com", "SM0123456789abcdef0123456789ABCDEF",
		  "https://api.twilio.com/2010-04-01/Accounts/" SID
		  "/Messages/SM0123456789abcdef0123456789ABCDEF.json" },
		{ "http://127.0.0.1:8080/", "MMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "http://127.0.0.1:8080/2010-04-01/Accounts/" SID
		  "/Messages/MMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json" },
		{ "https://api.twilio.com", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  NULL },
		{ "https://api.twilio.com",
		  "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL },
		{ "https://api.twilio.com", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag",
		  NULL },
		/* 5 */
		{ "https://api.twilio.com", "XXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  NULL },
		{ "https://api.twilio.com", "SM/../../Accounts/x.json?a=aaaaaa",
		  NULL },
		{ "https://api.twilio.com", "hook-12", NULL },
		{ "https://api.twilio.com", "", NULL },
	};
	static const char	 prefix[] = "/2010-04-01/Accounts/";
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	const char		*p;
	char			 err[256], sid[40];
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_twilio(&cfg, rows[i].base);
		memset(&msg, 0, sizeof(msg));
		msg.reminder_id = 42;
		msg.lookup = rows[i].sid;
		gw_request_init(&req);
		err[0] = '\0';
		rc = gw_twilio.lookup_build(&cfg, &msg, &req, err, sizeof(err));
		if (rows[i].want_url == NULL) {
			if (rc != -1 || strstr(err, "reminder 42") == NULL ||
			    (rows[i].sid[0] != '\0' &&
			    strstr(err, rows[i].sid) != NULL))
				fail_msg("row %zu: rc %d, err \"%s\"", i, rc,
				    err);
			gw_request_clear(&req);
			continue;
		}
		if (rc != 0)
			fail_msg("row %zu: %s", i, err);
		if (strcmp(req.url, rows[i].want_url) != 0)
			fail_msg("row %zu: url %s", i, req.url);
		if (req.method == NULL || strcmp(req.method, "GET") != 0 ||
		    req.content_type != NULL || req.body.len != 0 ||
		    req.bearer != NULL || req.userpwd == NULL ||
		    strcmp(req.userpwd, SID ":" TOKEN) != 0)
			fail_msg("row %zu: method, body or auth", i);
		/* the path's parameters, as the spec's patterns have them */
		assert_non_null(p = strstr(req.url, prefix));
		p += sizeof(prefix) - 1;
		assert_true(sid_valid(SID, "AC"));
		assert_int_equal(strncmp(p, SID "/Messages/", 44), 0);
		p += 44;
		assert_true(strlen(p) == 34 + 5 &&
		    strcmp(p + 34, ".json") == 0);
		memcpy(sid, p, 34);
		sid[34] = '\0';
		if (!sid_valid(sid, "SM") && !sid_valid(sid, "MM"))
			fail_msg("row %zu: sid %s", i, sid);
		gw_request_clear(&req);
	}
	/* nothing to ask with: no token */
	config_twilio(&cfg, "https://api.twilio.com");
	cfg.sms.auth_token = NULL;
	msg.lookup = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	gw_request_init(&req);
	assert_int_equal(gw_twilio.lookup_build(&cfg, &msg, &req, err,
	    sizeof(err)), -1);
	gw_request_clear(&req);
	/* the webhook has no way to ask */
	assert_null(gw_webhook.lookup_build);
}

/*
 * A fetched Message resource: its status as a delivery state, its
 * error_code; a failure reads as one to a send does.
 */
static void
test_twilio_lookup_parse(void **state)
{
	static const struct {
		long		 status;
		const char	*body;
		enum outcome	 outcome;
		bool		 known;
		enum delivery	 delivery;
		const char	*code;
		const char	*error;
	} rows[] = {
		{ 200, "{\"sid\":\"" SM "\",\"status\":\"delivered\","
		  "\"error_code\":null,\"error_message\":null}",
		  OUTCOME_SENT, true, DELIVERY_DELIVERED, "", "" },
		{ 200, "{\"sid\":\"" SM "\",\"status\":\"undelivered\","
		  "\"error_code\":30005,\"error_message\":\"Unknown "
		  "destination handset\"}",
		  OUTCOME_SENT, true, DELIVERY_UNDELIVERED, "30005", "" },
		{ 200, "{\"status\":\"failed\",\"error_code\":\"30007\"}",
		  OUTCOME_SENT, true, DELIVERY_FAILED, "30007", "" },
		{ 200, "{\"status\":\"sent\",\"error_code\":null}",
		  OUTCOME_SENT, true, DELIVERY_SENT, "", "" },
		{ 200, "{\"status\":\"READ\"}", OUTCOME_SENT, true,
		  DELIVERY_DELIVERED, "", "" },
		/* 5: nothing of delivery, or nothing readable */
		{ 200, "{\"status\":\"received\"}", OUTCOME_SENT, false,
		  DELIVERY_NONE, "", "" },
		{ 200, "{\"status\":\"teleported\"}", OUTCOME_SENT, false,
		  DELIVERY_NONE, "", "" },
		{ 200, "{\"status\":null,\"error_code\":\"+15550100123\"}",
		  OUTCOME_SENT, false, DELIVERY_NONE, "", "" },
		{ 200, "{\"status\":\"undelivered\",\"error_code\":-1}",
		  OUTCOME_SENT, true, DELIVERY_UNDELIVERED, "", "" },
		{ 200, "{\"status\":\"undelivered\",\"error_code\":"
		  "12345678901}", OUTCOME_SENT, true, DELIVERY_UNDELIVERED, "",
		  "" },
		/* 10 */
		{ 200, "not json", OUTCOME_SENT, false, DELIVERY_NONE, "", "" },
		{ 200, "", OUTCOME_SENT, false, DELIVERY_NONE, "", "" },
		{ 404, "{\"code\":20404,\"message\":\"The requested resource "
		  "was not found\",\"status\":404}", OUTCOME_FAILED, false,
		  DELIVERY_NONE, "20404", "HTTP 404: Twilio error 20404: The "
		  "requested resource was not found" },
		{ 401, "{\"code\":20003,\"message\":\"Authenticate\"}",
		  OUTCOME_FAILED, false, DELIVERY_NONE, "20003",
		  "HTTP 401: Twilio error 20003: Authenticate" },
		{ 503, "", OUTCOME_RETRY, false, DELIVERY_NONE, "", "HTTP 503" },
		/* 15 */
		{ 429, "{\"code\":20429,\"status\":\"delivered\"}",
		  OUTCOME_RETRY, false, DELIVERY_NONE, "20429",
		  "HTTP 429: Twilio error 20429" },
	};
	struct send_result	 res;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&res, 'X', sizeof(res));
		gw_twilio.lookup_parse(rows[i].status, rows[i].body,
		    strlen(rows[i].body), &res);
		if (res.outcome != rows[i].outcome)
			fail_msg("row %zu: outcome %d", i, (int)res.outcome);
		if (res.delivery_known != rows[i].known ||
		    (rows[i].known && res.delivery != rows[i].delivery))
			fail_msg("row %zu: delivery %d %d", i,
			    (int)res.delivery_known, (int)res.delivery);
		if (strcmp(res.code, rows[i].code) != 0)
			fail_msg("row %zu: code \"%s\"", i, res.code);
		if (strcmp(res.error, rows[i].error) != 0)
			fail_msg("row %zu: error \"%s\"", i, res.error);
	}
}

/* The account SID is a path segment, so it is percent-encoded too. */
static void
test_twilio_build_sid(void **state)
{
	struct config		 cfg;
	struct message		 msg = { .reminder_id = 1, .milestone = "24h",
	    .to = "+15550100123", .body = "x", .idempotency_key = "k" };
	struct gw_request	 req;
	char			 err[256];

	(void)state;
	config_twilio(&cfg, "https://api.twilio.com");
	cfg.sms.account_sid = (char *)(uintptr_t)"AC/../x?y";
	gw_request_init(&req);
	assert_int_equal(gw_twilio.build(&cfg, &msg, &req, err, sizeof(err)),
	    0);
	assert_string_equal(req.url, "https://api.twilio.com/2010-04-01/"
	    "Accounts/AC%2F..%2Fx%3Fy/Messages.json");
	assert_string_equal(req.userpwd, "AC/../x?y:" TOKEN);
	gw_request_clear(&req);
}

/* Missing pieces fail the build, and the message never leaks the SMS. */
static void
test_build_errors(void **state)
{
	static const struct {
		int		 provider;
		int		 what;	/* 0 token, 1 to, 2 body, 3 url */
	} rows[] = {
		{ SMS_PROVIDER_TWILIO, 0 },
		{ SMS_PROVIDER_TWILIO, 1 },
		{ SMS_PROVIDER_TWILIO, 2 },
		{ SMS_PROVIDER_TWILIO, 3 },
		{ SMS_PROVIDER_WEBHOOK, 1 },
		{ SMS_PROVIDER_WEBHOOK, 2 },
		{ SMS_PROVIDER_WEBHOOK, 3 },
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	char			 err[256];
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_twilio(&cfg, "https://api.twilio.com");
		cfg.sms.provider = (enum sms_provider)rows[i].provider;
		msg.reminder_id = 7;
		msg.milestone = "24h";
		msg.to = "+15550100123";
		msg.body = "secret aftercare text";
		msg.idempotency_key = "k";
		if (rows[i].what == 0)
			cfg.sms.auth_token = NULL;
		else if (rows[i].what == 1)
			msg.to = NULL;
		else if (rows[i].what == 2)
			msg.body = NULL;
		else
			cfg.sms.url = NULL;
		gw_request_init(&req);
		err[0] = '\0';
		if (rows[i].provider == SMS_PROVIDER_TWILIO)
			rc = gw_twilio.build(&cfg, &msg, &req, err, sizeof(err));
		else
			rc = gw_webhook.build(&cfg, &msg, &req, err,
			    sizeof(err));
		if (rc != -1 || err[0] == '\0')
			fail_msg("row %zu: rc %d, err \"%s\"", i, rc, err);
		if (strstr(err, "5550100123") != NULL ||
		    strstr(err, "secret") != NULL || strstr(err, TOKEN) != NULL)
			fail_msg("row %zu: err leaks: %s", i, err);
		gw_request_clear(&req);
	}
}

static void
test_webhook_build(void **state)
{
	static const struct {
		const char	*token;
		const char	*to;
		const char	*body;
		int64_t		 id;
		const char	*milestone;
		const char	*want_body;
		const char	*public_url;	/* an inbound section's */
	} rows[] = {
		{ TOKEN, "+15550100123", "Hello", 42, "24h",
		  "{\"to\":\"+15550100123\",\"body\":\"Hello\","
		  "\"reminder_id\":42,\"milestone\":\"24h\"}", NULL },
		/* With an inbound section: where receipts go. */
		{ TOKEN, "+15550100123", "Hello", 42, "24h",
		  "{\"to\":\"+15550100123\",\"body\":\"Hello\","
		  "\"reminder_id\":42,\"milestone\":\"24h\","
		  "\"status_url\":\"https://clinic.example.com/aftercare/"
		  "webhook/status\"}", "https://clinic.example.com/aftercare" },
		{ NULL, "+15550100123",
		  "Say \"hi\"\nCaf\xc3\xa9 \xf0\x9f\x91\x8d & = + \\ \t",
		  9007199254740993LL, "7d",
		  "{\"to\":\"+15550100123\",\"body\":\"Say \\\"hi\\\"\\n"
		  "Caf\xc3\xa9 \xf0\x9f\x91\x8d & = + \\\\ \\t\","
		  "\"reminder_id\":9007199254740993,\"milestone\":\"7d\"}",
		  NULL },
		{ TOKEN, "+15550100123", "", 1, NULL,
		  "{\"to\":\"+15550100123\",\"body\":\"\","
		  "\"reminder_id\":1,\"milestone\":null}", NULL },
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.sms.provider = SMS_PROVIDER_WEBHOOK;
		cfg.sms.url = (char *)(uintptr_t)"https://example.com/sms/";
		cfg.sms.auth_token = (char *)(uintptr_t)rows[i].token;
		cfg.inbound.enabled = rows[i].public_url != NULL;
		cfg.inbound.public_url = (char *)(uintptr_t)rows[i].public_url;
		msg.reminder_id = rows[i].id;
		msg.milestone = rows[i].milestone;
		msg.to = rows[i].to;
		msg.body = rows[i].body;
		msg.idempotency_key = "k";
		gw_request_init(&req);
		if (gw_webhook.build(&cfg, &msg, &req, err, sizeof(err)) != 0)
			fail_msg("row %zu: %s", i, err);
		if (strcmp(req.url, "https://example.com/sms/") != 0)
			fail_msg("row %zu: url %s", i, req.url);
		if (strcmp(req.body.data, rows[i].want_body) != 0)
			fail_msg("row %zu: body %s", i, req.body.data);
		if (strcmp(req.content_type, "application/json") != 0)
			fail_msg("row %zu: content type", i);
		if (req.userpwd != NULL)
			fail_msg("row %zu: userpwd set", i);
		if (rows[i].token == NULL ? req.bearer != NULL :
		    (req.bearer == NULL || strcmp(req.bearer, TOKEN) != 0))
			fail_msg("row %zu: bearer", i);
		gw_request_clear(&req);
	}
}

#define SG_KEY	"SG.not-a-real-key"
#define SG_FROM	"{\"email\":\"care@clinic.example.com\"," \
		"\"name\":\"Skin Clinic\"}"
#define SG_ONE	"\"List-Unsubscribe-Post\":\"List-Unsubscribe=One-Click\""
#define SG_AUTO	"\"headers\":{\"Auto-Submitted\":\"auto-generated\""
#define SG_TRACK ",\"tracking_settings\":{\"click_tracking\":{\"enable\":" \
		"false},\"open_tracking\":{\"enable\":false}}}"
#define SG_URL	"https://api.sendgrid.com/v3/mail/send"
#define SG_TO	"{\"personalizations\":[{\"to\":[{\"email\":" \
		"\"ana@example.com\""

static void
config_sendgrid(struct config *cfg, const char *url)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->email.provider = EMAIL_PROVIDER_SENDGRID;
	cfg->email.url = (char *)(uintptr_t)url;
	cfg->email.api_key = (char *)(uintptr_t)SG_KEY;
	cfg->email.from = (char *)(uintptr_t)"care@clinic.example.com";
	cfg->email.from_name = (char *)(uintptr_t)"Skin Clinic";
	cfg->email.unsubscribe =
	    (char *)(uintptr_t)"https://clinic.example.com/u?r=42";
}

static void
test_sendgrid_build(void **state)
{
	static const struct {
		const char	*url;
		const char	*from_name;
		const char	*unsub;
		const char	*to_name;
		const char	*subject;
		const char	*body;
		const char	*html;
		const char	*milestone;
		const char	*want_url;
		const char	*want_body;
	} rows[] = {
		{ "https://api.sendgrid.com", "Skin Clinic",
		  "https://clinic.example.com/u?r=42", "Ana Garcia",
		  "Your aftercare", "Hello", NULL, "24h", SG_URL,
		  SG_TO ",\"name\":\"Ana Garcia\"}],\"custom_args\":{"
		  "\"reminder_id\":\"42\",\"milestone\":\"24h\"}}],\"from\":"
		  SG_FROM ",\"subject\":\"Your aftercare\",\"content\":["
		  "{\"type\":\"text/plain\",\"value\":\"Hello\"}],"
		  SG_AUTO ",\"List-Unsubscribe\":"
		  "\"<https://clinic.example.com/u?r=42>\"," SG_ONE "}" SG_TRACK },
		/* trailing slashes, no names, html, a mailto: (no one-click) */
		{ "http://127.0.0.1:8080//", NULL,
		  "mailto:unsubscribe@clinic.example.com", NULL,
		  "Your aftercare", "Hello", "<p>Hello</p>", "7d",
		  "http://127.0.0.1:8080/v3/mail/send",
		  SG_TO "}],\"custom_args\":{\"reminder_id\":\"42\","
		  "\"milestone\":\"7d\"}}],\"from\":{\"email\":"
		  "\"care@clinic.example.com\"},\"subject\":\"Your aftercare\","
		  "\"content\":[{\"type\":\"text/plain\",\"value\":\"Hello\"},"
		  "{\"type\":\"text/html\",\"value\":\"<p>Hello</p>\"}],"
		  SG_AUTO ",\"List-Unsubscribe\":"
		  "\"<mailto:unsubscribe@clinic.example.com>\"}" SG_TRACK },
		/* UTF-8 passes; quotes, newlines and backslashes are escaped */
		{ "https://api.sendgrid.com/", "Cl\xc3\xadnica \"Sol\"", NULL,
		  "Jos\xc3\xa9 \\ P\xc3\xa9rez",
		  "Cuidados despu\xc3\xa9s de tu tratamiento \xe2\x9c\xa8",
		  "Hola Jos\xc3\xa9,\n\"crema\"\t2x/d\xc3\xad"
		  "a \xf0\x9f\x98\x8a\r\n",
		  "<p class=\"x\">Hola</p>\n", NULL, SG_URL,
		  SG_TO ",\"name\":\"Jos\xc3\xa9 \\\\ P\xc3\xa9rez\"}],"
		  "\"custom_args\":{\"reminder_id\":\"42\"}}],\"from\":{"
		  "\"email\":\"care@clinic.example.com\",\"name\":"
		  "\"Cl\xc3\xadnica \\\"Sol\\\"\"},\"subject\":\"Cuidados "
		  "despu\xc3\xa9s de tu tratamiento \xe2\x9c\xa8\","
		  "\"content\":["
		  "{\"type\":\"text/plain\",\"value\":\"Hola Jos\xc3\xa9,\\n"
		  "\\\"crema\\\"\\t2x/d\xc3\xad" "a \xf0\x9f\x98\x8a\\r\\n\"},"
		  "{\"type\":\"text/html\",\"value\":"
		  "\"<p class=\\\"x\\\">Hola</p>\\n\"}]," SG_AUTO "}"
		  SG_TRACK },
		/* a name SendGrid would split at ',' or ';' is left out */
		{ "https://api.sendgrid.com", "Clinic; Main St", "",
		  "Smith, John", "S", "T", NULL, "1h", SG_URL,
		  SG_TO "}],\"custom_args\":{\"reminder_id\":\"42\","
		  "\"milestone\":\"1h\"}}],\"from\":{\"email\":"
		  "\"care@clinic.example.com\"},\"subject\":\"S\",\"content\":["
		  "{\"type\":\"text/plain\",\"value\":\"T\"}]," SG_AUTO "}"
		  SG_TRACK },
		/* an empty HTML and an empty name are left out */
		{ "https://api.sendgrid.com", "", "", "", "S", "T", "", "1h",
		  SG_URL,
		  SG_TO "}],\"custom_args\":{\"reminder_id\":\"42\","
		  "\"milestone\":\"1h\"}}],\"from\":{\"email\":"
		  "\"care@clinic.example.com\"},\"subject\":\"S\",\"content\":["
		  "{\"type\":\"text/plain\",\"value\":\"T\"}]," SG_AUTO "}"
		  SG_TRACK },
		{ "https://api.sendgrid.com", "Skin Clinic",
		  "HTTPS://clinic.example.com/u", "Ana", "S", "T", NULL,
		  "24h \"x\"", SG_URL,
		  SG_TO ",\"name\":\"Ana\"}],\"custom_args\":{\"reminder_id\":"
		  "\"42\",\"milestone\":\"24h \\\"x\\\"\"}}],\"from\":" SG_FROM
		  ",\"subject\":\"S\",\"content\":[{\"type\":\"text/plain\","
		  "\"value\":\"T\"}]," SG_AUTO ",\"List-Unsubscribe\":"
		  "\"<HTTPS://clinic.example.com/u>\"," SG_ONE "}" SG_TRACK },
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_sendgrid(&cfg, rows[i].url);
		cfg.email.from_name = (char *)(uintptr_t)rows[i].from_name;
		cfg.email.unsubscribe = (char *)(uintptr_t)rows[i].unsub;
		memset(&msg, 0, sizeof(msg));
		msg.reminder_id = 42;
		msg.milestone = rows[i].milestone;
		msg.to = "ana@example.com";
		msg.to_name = rows[i].to_name;
		msg.subject = rows[i].subject;
		msg.body = rows[i].body;
		msg.html = rows[i].html;
		msg.idempotency_key = "aftercare-42";
		msg.date = 1764000000;
		gw_request_init(&req);
		if (gw_sendgrid.build(&cfg, &msg, &req, err, sizeof(err)) != 0)
			fail_msg("row %zu: %s", i, err);
		if (strcmp(req.url, rows[i].want_url) != 0)
			fail_msg("row %zu: url %s", i, req.url);
		if (strcmp(req.body.data, rows[i].want_body) != 0)
			fail_msg("row %zu: body %s\n  want %s", i,
			    req.body.data, rows[i].want_body);
		if (req.body.len != strlen(rows[i].want_body))
			fail_msg("row %zu: body length %zu", i, req.body.len);
		if (strcmp(req.content_type, "application/json") != 0)
			fail_msg("row %zu: content type", i);
		if (req.bearer == NULL || strcmp(req.bearer, SG_KEY) != 0)
			fail_msg("row %zu: bearer", i);
		if (req.userpwd != NULL)
			fail_msg("row %zu: userpwd set", i);
		gw_request_clear(&req);
	}
}

/*
 * An escalation: every staff address in one personalization, the reply's
 * id in custom_args (no reminder's), no List-Unsubscribe.
 */
static void
test_sendgrid_escalation(void **state)
{
	static const char *const more[] = {
		"doctor@clinic.example.com", "desk@clinic.example.com"
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	char			 err[256];

	(void)state;
	config_sendgrid(&cfg, "https://api.sendgrid.com");
	memset(&msg, 0, sizeof(msg));
	msg.inbound_id = 5;
	msg.to = "nurse@clinic.example.com";
	msg.more_to = more;
	msg.nmore_to = 2;
	msg.subject = "[urgent] Reply from patient 1";
	msg.body = "it's still swollen";
	msg.idempotency_key = "aftercare-reply-5";
	gw_request_init(&req);
	if (gw_sendgrid.build(&cfg, &msg, &req, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(req.body.data, "{\"personalizations\":[{\"to\":["
	    "{\"email\":\"nurse@clinic.example.com\"},"
	    "{\"email\":\"doctor@clinic.example.com\"},"
	    "{\"email\":\"desk@clinic.example.com\"}],"
	    "\"custom_args\":{\"inbound_id\":\"5\"}}],\"from\":" SG_FROM
	    ",\"subject\":\"[urgent] Reply from patient 1\",\"content\":["
	    "{\"type\":\"text/plain\",\"value\":\"it's still swollen\"}],"
	    SG_AUTO "}" SG_TRACK);
	gw_request_clear(&req);
}

/* Refusals never quote the recipient, the texts or the key. */
static void
test_sendgrid_build_errors(void **state)
{
	enum what { URL, FROM, KEY, BAD_FROM, UNSUB, TO, BAD_TO, SUBJECT,
	    EMPTY_SUBJECT, BODY, EMPTY_BODY, SUBJECT_LF, TO_NAME_CR,
	    FROM_NAME_LF, BAD_MORE_TO, REPLY_TO };
	static const char *const more[] = { "secret nurse@example.com" };
	static const struct {
		enum what	 what;
		const char	*want;
	} rows[] = {
		{ URL, "email.url" },
		{ FROM, "email.from" },
		{ KEY, "API key" },
		{ BAD_FROM, "email.from" },
		{ UNSUB, "email.unsubscribe" },
		{ TO, "reminder 7" },
		{ BAD_TO, "recipient" },
		{ SUBJECT, "subject" },
		{ EMPTY_SUBJECT, "subject" },
		{ BODY, "text" },
		{ EMPTY_BODY, "text" },
		{ SUBJECT_LF, "line break" },
		{ TO_NAME_CR, "line break" },
		{ FROM_NAME_LF, "line break" },
		{ BAD_MORE_TO, "recipient 2" },
		{ REPLY_TO, "reply 3" },
	};
	struct config		 cfg;
	struct message		 msg;
	struct gw_request	 req;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_sendgrid(&cfg, "https://api.sendgrid.com");
		memset(&msg, 0, sizeof(msg));
		msg.reminder_id = 7;
		msg.milestone = "24h";
		msg.to = "secret.patient@example.com";
		msg.to_name = "Secret Name";
		msg.subject = "secret subject";
		msg.body = "secret aftercare text";
		msg.idempotency_key = "k";
		switch (rows[i].what) {
		case URL:
			cfg.email.url = NULL;
			break;
		case FROM:
			cfg.email.from = NULL;
			break;
		case KEY:
			cfg.email.api_key = NULL;
			break;
		case BAD_FROM:
			cfg.email.from = (char *)(uintptr_t)"Skin <care@x.com>";
			break;
		case UNSUB:
			cfg.email.unsubscribe = (char *)(uintptr_t)
			    "https://clinic.example.com/u\r\nBcc: x@x.com";
			break;
		case TO:
			msg.to = NULL;
			break;
		case BAD_TO:
			msg.to = "secret patient@example.com";
			break;
		case SUBJECT:
			msg.subject = NULL;
			break;
		case EMPTY_SUBJECT:
			msg.subject = "";
			break;
		case BODY:
			msg.body = NULL;
			break;
		case EMPTY_BODY:
			msg.body = "";
			break;
		case SUBJECT_LF:
			msg.subject = "secret\nBcc: x@example.com";
			break;
		case TO_NAME_CR:
			msg.to_name = "Secret\r";
			break;
		case FROM_NAME_LF:
			cfg.email.from_name = (char *)(uintptr_t)"Skin\nClinic";
			break;
		case BAD_MORE_TO:
			msg.more_to = more;
			msg.nmore_to = 1;
			break;
		case REPLY_TO:
			msg.reminder_id = 0;
			msg.inbound_id = 3;
			msg.to = NULL;
			break;
		}
		gw_request_init(&req);
		err[0] = '\0';
		if (gw_sendgrid.build(&cfg, &msg, &req, err, sizeof(err)) != -1)
			fail_msg("row %zu: accepted", i);
		if (strstr(err, rows[i].want) == NULL)
			fail_msg("row %zu: err \"%s\"", i, err);
		if (strstr(err, "ecret") != NULL ||
		    strstr(err, SG_KEY) != NULL ||
		    strstr(err, "example.com") != NULL)
			fail_msg("row %zu: err leaks: %s", i, err);
		if (req.url != NULL || req.bearer != NULL)
			fail_msg("row %zu: request half built", i);
		gw_request_clear(&req);
	}
}

static void
test_status_outcome(void **state)
{
	static const struct {
		long		 status;
		enum outcome	 want;
	} rows[] = {
		{ 100, OUTCOME_FAILED }, { 199, OUTCOME_FAILED },
		{ 200, OUTCOME_SENT }, { 201, OUTCOME_SENT },
		{ 202, OUTCOME_SENT }, { 204, OUTCOME_SENT },
		{ 299, OUTCOME_SENT }, { 301, OUTCOME_FAILED },
		{ 302, OUTCOME_FAILED }, { 304, OUTCOME_FAILED },
		{ 400, OUTCOME_FAILED }, { 401, OUTCOME_FAILED },
		{ 404, OUTCOME_FAILED }, { 407, OUTCOME_FAILED },
		{ 408, OUTCOME_RETRY }, { 409, OUTCOME_FAILED },
		{ 429, OUTCOME_RETRY }, { 499, OUTCOME_FAILED },
		{ 500, OUTCOME_RETRY }, { 503, OUTCOME_RETRY },
		{ 599, OUTCOME_RETRY }, { 600, OUTCOME_FAILED },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (gw_status_outcome(rows[i].status) != rows[i].want)
			fail_msg("row %zu: status %ld", i, rows[i].status);
}

/* What kind of failure each HTTP status is, as the metrics count it. */
static void
test_status_failure(void **state)
{
	static const struct {
		long		 status;
		enum failure	 want;
	} rows[] = {
		{ 100, FAILURE_REJECTED }, { 199, FAILURE_REJECTED },
		{ 200, FAILURE_NONE }, { 201, FAILURE_NONE },
		{ 202, FAILURE_NONE }, { 299, FAILURE_NONE },
		{ 301, FAILURE_REJECTED }, { 302, FAILURE_REJECTED },
		{ 400, FAILURE_REJECTED }, { 401, FAILURE_REJECTED },
		{ 404, FAILURE_REJECTED }, { 407, FAILURE_REJECTED },
		{ 408, FAILURE_SERVER_ERROR }, { 409, FAILURE_REJECTED },
		{ 428, FAILURE_REJECTED }, { 429, FAILURE_RATE_LIMITED },
		{ 430, FAILURE_REJECTED }, { 499, FAILURE_REJECTED },
		{ 500, FAILURE_SERVER_ERROR }, { 503, FAILURE_SERVER_ERROR },
		{ 599, FAILURE_SERVER_ERROR }, { 600, FAILURE_SERVER_ERROR },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (gw_status_failure(rows[i].status) != rows[i].want)
			fail_msg("row %zu: status %ld: failure %d, want %d", i,
			    rows[i].status, (int)gw_status_failure(
			    rows[i].status), (int)rows[i].want);
}

struct parse_row {
	long		 status;
	const char	*body;
	enum outcome	 outcome;
	const char	*provider_id;
	const char	*code;
	const char	*error;
};

static void
check_parse(const struct parse_row *rows, size_t n,
    void (*parse)(long, const char *, size_t, struct send_result *))
{
	struct send_result	 res;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&res, 'X', sizeof(res));
		res.retry_after = 17;
		parse(rows[i].status, rows[i].body, strlen(rows[i].body), &res);
		if (res.outcome != rows[i].outcome)
			fail_msg("row %zu: outcome %d, want %d", i,
			    (int)res.outcome, (int)rows[i].outcome);
		if (strcmp(res.provider_id, rows[i].provider_id) != 0)
			fail_msg("row %zu: provider_id \"%s\"", i,
			    res.provider_id);
		if (strcmp(res.code, rows[i].code) != 0)
			fail_msg("row %zu: code \"%s\"", i, res.code);
		if (strcmp(res.error, rows[i].error) != 0)
			fail_msg("row %zu: error \"%s\"\n  want \"%s\"", i,
			    res.error, rows[i].error);
		if (res.retry_after != 17)
			fail_msg("row %zu: retry_after touched", i);
		/* only Twilio's 21610 says the recipient unsubscribed */
		if (res.opted_out != (parse == gw_twilio.parse &&
		    strcmp(rows[i].code, "21610") == 0))
			fail_msg("row %zu: opted_out %d", i, (int)res.opted_out);
	}
}

static void
test_twilio_parse(void **state)
{
	static const struct parse_row rows[] = {
		{ 201, "{\"sid\":\"" SM "\",\"status\":\"queued\","
		  "\"body\":\"Hello! \\ud83d\\udc4d\",\"error_code\":null}",
		  OUTCOME_SENT, SM, "", "" },
		{ 200, "{\"sid\":\"SM1\"}", OUTCOME_SENT, "SM1", "", "" },
		{ 202, "{\"status\":\"accepted\",\"sid\":\"SM2\"}",
		  OUTCOME_SENT, "SM2", "", "" },
		{ 201, "{}", OUTCOME_SENT, "", "", "" },
		{ 201, "Created", OUTCOME_SENT, "", "", "" },
		{ 201, "", OUTCOME_SENT, "", "", "" },
		{ 201, "{\"sid\":\"SM3\"", OUTCOME_SENT, "", "", "" },
		{ 400, "{\"code\":21211,\"message\":\"The 'To' number is not "
		  "a valid phone number.\",\"more_info\":"
		  "\"https://www.twilio.com/docs/errors/21211\","
		  "\"status\":400}",
		  OUTCOME_FAILED, "", "21211",
		  "HTTP 400: Twilio error 21211: The 'To' number is not a "
		  "valid phone number. (the patient's phone number is invalid: "
		  "correct it, then resend)" },
		{ 400, "{\"code\":21614,\"message\":\"'To' number is not a "
		  "valid mobile number\",\"status\":400}",
		  OUTCOME_FAILED, "", "21614",
		  "HTTP 400: Twilio error 21614: 'To' number is not a valid "
		  "mobile number (the number is not a mobile phone and cannot "
		  "receive SMS)" },
		{ 400, "{\"code\":21610,\"message\":\"Attempt to send to "
		  "unsubscribed recipient\",\"status\":400}",
		  OUTCOME_FAILED, "", "21610",
		  "HTTP 400: Twilio error 21610: Attempt to send to "
		  "unsubscribed recipient (the patient replied STOP: Twilio "
		  "blocks SMS until they text START)" },
		{ 400, "{\"code\":\"21610\"}", OUTCOME_FAILED, "", "21610",
		  "HTTP 400: Twilio error 21610 (the patient replied STOP: "
		  "Twilio blocks SMS until they text START)" },
		{ 401, "{\"code\":20003,\"message\":\"Authenticate\"}",
		  OUTCOME_FAILED, "", "20003",
		  "HTTP 401: Twilio error 20003: Authenticate" },
		{ 400, "{\"message\":\"line one\\nline\\ttwo\"}",
		  OUTCOME_FAILED, "", "", "HTTP 400: line one line two" },
		{ 408, "", OUTCOME_RETRY, "", "", "HTTP 408" },
		{ 429, "{\"code\":20429,\"message\":\"Too Many Requests\","
		  "\"status\":429}",
		  OUTCOME_RETRY, "", "20429",
		  "HTTP 429: Twilio error 20429: Too Many Requests" },
		{ 500, "{\"code\":20500,\"message\":\"Internal Server Error\"}",
		  OUTCOME_RETRY, "", "20500",
		  "HTTP 500: Twilio error 20500: Internal Server Error" },
		{ 503, "<html><body>Service Unavailable</body></html>",
		  OUTCOME_RETRY, "", "", "HTTP 503" },
		{ 502, "{\"code\":20500,\"mess", OUTCOME_RETRY, "", "",
		  "HTTP 502" },
		{ 302, "", OUTCOME_FAILED, "", "",
		  "HTTP 302: redirect not followed (check sms.url)" },
		{ 301, "{\"message\":\"Moved\"}", OUTCOME_FAILED, "", "",
		  "HTTP 301: redirect not followed (check sms.url)" },
		{ 404, "", OUTCOME_FAILED, "", "", "HTTP 404" },
		{ 404, "[1,2]", OUTCOME_FAILED, "", "", "HTTP 404" },
	};

	(void)state;
	check_parse(rows, sizeof(rows) / sizeof(rows[0]), gw_twilio.parse);
}

static void
test_webhook_parse(void **state)
{
	static const struct parse_row rows[] = {
		{ 201, "{\"id\":\"msg-1\",\"status\":\"queued\"}",
		  OUTCOME_SENT, "msg-1", "", "" },
		{ 200, "{\"message_id\":\"m-2\"}", OUTCOME_SENT, "m-2", "", "" },
		{ 202, "{\"id\":7,\"message_id\":\"m-3\"}", OUTCOME_SENT, "7",
		  "", "" },
		{ 200, "", OUTCOME_SENT, "", "", "" },
		{ 204, "", OUTCOME_SENT, "", "", "" },
		{ 200, "queued", OUTCOME_SENT, "", "", "" },
		{ 400, "{\"error\":\"invalid number\"}", OUTCOME_FAILED, "",
		  "", "HTTP 400: invalid number" },
		{ 422, "{\"message\":\"unprocessable\",\"code\":\"E12\"}",
		  OUTCOME_FAILED, "", "E12", "HTTP 422: unprocessable" },
		{ 400, "{\"error\":\"first\",\"message\":\"second\"}",
		  OUTCOME_FAILED, "", "", "HTTP 400: first" },
		{ 401, "Unauthorized", OUTCOME_FAILED, "", "", "HTTP 401" },
		{ 408, "", OUTCOME_RETRY, "", "", "HTTP 408" },
		{ 429, "{\"error\":\"slow down\"}", OUTCOME_RETRY, "", "",
		  "HTTP 429: slow down" },
		{ 500, "oops", OUTCOME_RETRY, "", "", "HTTP 500" },
		{ 503, "{}", OUTCOME_RETRY, "", "", "HTTP 503" },
		{ 301, "", OUTCOME_FAILED, "", "",
		  "HTTP 301: redirect not followed (check sms.url)" },
		{ 307, "{\"error\":\"moved\"}", OUTCOME_FAILED, "", "",
		  "HTTP 307: redirect not followed (check sms.url)" },
		/* a "code" that is not a code is never kept (it is logged) */
		{ 400, "{\"code\":\"call +1 555 0100\",\"error\":\"no\"}",
		  OUTCOME_FAILED, "", "", "HTTP 400: no" },
		{ 400, "{\"code\":\"x\\ny\"}", OUTCOME_FAILED, "", "",
		  "HTTP 400" },
		/* nor a number or a name that looks like one */
		{ 400, "{\"code\":\"15550100123\"}", OUTCOME_FAILED, "", "",
		  "HTTP 400" },
		{ 400, "{\"code\":\"JaneDoeExample\"}", OUTCOME_FAILED, "",
		  "", "HTTP 400" },
		{ 400, "{\"code\":\"E_BADTO\"}", OUTCOME_FAILED, "",
		  "E_BADTO", "HTTP 400" },
	};

	(void)state;
	check_parse(rows, sizeof(rows) / sizeof(rows[0]), gw_webhook.parse);
}

static void
test_sendgrid_parse(void **state)
{
	static const struct parse_row rows[] = {
		{ 202, "", OUTCOME_SENT, "", "", "" },
		{ 200, "{}", OUTCOME_SENT, "", "", "" },
		{ 202, "{\"id\":\"x\"}", OUTCOME_SENT, "", "", "" },
		{ 400, "{\"errors\":[{\"message\":\"The from email does not "
		  "contain a valid address.\",\"field\":\"from.email\","
		  "\"help\":\"http://sendgrid.com/docs/API_Reference/"
		  "Web_API_v3/Mail/errors.html#message.from\"}]}",
		  OUTCOME_FAILED, "", "",
		  "HTTP 400: The from email does not contain a valid "
		  "address." },
		{ 400, " { \"errors\" : [ { \"field\" : null , \"message\" : "
		  "\"first\" } , { \"message\" : \"second\" } ] , \"id\" : "
		  "\"e1\" } ", OUTCOME_FAILED, "", "", "HTTP 400: first" },
		{ 400, "{\"errors\":[{\"message\":\"invalid request\","
		  "\"field\":\"null\"}]}",
		  OUTCOME_FAILED, "", "", "HTTP 400: invalid request" },
		{ 400, "{\"errors\":[{\"message\":\"line\\none\\tand "
		  "\\u00e9\"}]}",
		  OUTCOME_FAILED, "", "", "HTTP 400: line one and \xc3\xa9" },
		{ 400, "{\"errors\":[]}", OUTCOME_FAILED, "", "", "HTTP 400" },
		{ 400, "{\"errors\":[{\"field\":\"subject\"}]}", OUTCOME_FAILED,
		  "", "", "HTTP 400" },
		{ 400, "{\"errors\":[{\"message\":null}]}", OUTCOME_FAILED, "",
		  "", "HTTP 400" },
		{ 400, "{\"errors\":[\"oops\"]}", OUTCOME_FAILED, "", "",
		  "HTTP 400" },
		{ 400, "{\"errors\":{\"message\":\"x\"}}", OUTCOME_FAILED, "",
		  "", "HTTP 400" },
		{ 400, "{\"message\":\"top level\"}", OUTCOME_FAILED, "", "",
		  "HTTP 400" },
		{ 400, "{\"errors\":[{\"message\":\"cut\"}]", OUTCOME_FAILED,
		  "", "", "HTTP 400" },
		{ 400, "garbage{", OUTCOME_FAILED, "", "", "HTTP 400" },
		{ 400, "[{\"message\":\"x\"}]", OUTCOME_FAILED, "", "",
		  "HTTP 400" },
		{ 401, "{\"errors\":[{\"message\":\"The provided authorization "
		  "grant is invalid, expired, or revoked\",\"field\":null,"
		  "\"help\":null}]}",
		  OUTCOME_FAILED, "", "",
		  "HTTP 401: The provided authorization grant is invalid, "
		  "expired, or revoked (check email.api_key)" },
		{ 401, "", OUTCOME_FAILED, "", "",
		  "HTTP 401 (check email.api_key)" },
		{ 403, "{\"errors\":[{\"message\":\"The from address does not "
		  "match a verified Sender Identity.\",\"field\":\"from\"}]}",
		  OUTCOME_FAILED, "", "",
		  "HTTP 403: The from address does not match a verified Sender "
		  "Identity. (check that email.api_key may send mail and that "
		  "email.from is a verified sender)" },
		{ 404, "{\"errors\":[{\"message\":\"not found\"}]}",
		  OUTCOME_FAILED, "", "", "HTTP 404: not found" },
		{ 413, "{\"errors\":[{\"message\":\"content too large\","
		  "\"field\":\"null\"}]}",
		  OUTCOME_FAILED, "", "", "HTTP 413: content too large" },
		{ 408, "", OUTCOME_RETRY, "", "", "HTTP 408" },
		{ 429, "{\"errors\":[{\"message\":\"too many requests\"}]}",
		  OUTCOME_RETRY, "", "", "HTTP 429: too many requests" },
		{ 500, "{\"errors\":[{\"message\":\"internal server error\"}]}",
		  OUTCOME_RETRY, "", "", "HTTP 500: internal server error" },
		{ 502, "<html><body>Bad Gateway</body></html>", OUTCOME_RETRY,
		  "", "", "HTTP 502" },
		{ 301, "", OUTCOME_FAILED, "", "",
		  "HTTP 301: redirect not followed (check email.url)" },
		{ 307, "{\"errors\":[{\"message\":\"moved\"}]}", OUTCOME_FAILED,
		  "", "", "HTTP 307: redirect not followed (check email.url)" },
	};
	struct send_result	 res;

	(void)state;
	check_parse(rows, sizeof(rows) / sizeof(rows[0]), gw_sendgrid.parse);
	/* no body at all */
	gw_sendgrid.parse(500, NULL, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_RETRY);
	assert_string_equal(res.error, "HTTP 500");
	gw_sendgrid.parse(202, NULL, 0, &res);
	assert_int_equal(res.outcome, OUTCOME_SENT);
	assert_string_equal(res.provider_id, "");
}

/* A long gateway message is cut, and the explanation survives. */
static void
test_parse_long(void **state)
{
	struct send_result	 res;
	char			 body[2048];
	char			 msg[1001];

	(void)state;
	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	(void)snprintf(body, sizeof(body), "{\"code\":21211,\"message\":\"%s\"}",
	    msg);
	gw_twilio.parse(400, body, strlen(body), &res);
	assert_int_equal(res.outcome, OUTCOME_FAILED);
	assert_true(strlen(res.error) < sizeof(res.error));
	assert_non_null(strstr(res.error, "HTTP 400: Twilio error 21211: xxx"));
	assert_non_null(strstr(res.error, "(the patient's phone number is "
	    "invalid: correct it, then resend)"));

	(void)snprintf(body, sizeof(body), "{\"error\":\"%s\"}", msg);
	gw_webhook.parse(400, body, strlen(body), &res);
	assert_true(strlen(res.error) < sizeof(res.error));
	assert_int_equal(strncmp(res.error, "HTTP 400: xxx", 13), 0);

	(void)snprintf(body, sizeof(body), "{\"errors\":[{\"message\":"
	    "\"%s\"}]}", msg);
	gw_sendgrid.parse(401, body, strlen(body), &res);
	assert_true(strlen(res.error) < sizeof(res.error));
	assert_int_equal(strncmp(res.error, "HTTP 401: xxx", 13), 0);
	assert_non_null(strstr(res.error, "x (check email.api_key)"));
	gw_sendgrid.parse(403, body, strlen(body), &res);
	assert_true(strlen(res.error) < sizeof(res.error));
	assert_non_null(strstr(res.error, "x (check that email.api_key may "
	    "send mail and that email.from is a verified sender)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_build),
		cmocka_unit_test(test_twilio_build_sid),
		cmocka_unit_test(test_twilio_build_status_callback),
		cmocka_unit_test(test_twilio_spec_check),
		cmocka_unit_test(test_twilio_lookup_build),
		cmocka_unit_test(test_twilio_lookup_parse),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_webhook_build),
		cmocka_unit_test(test_sendgrid_build),
		cmocka_unit_test(test_sendgrid_escalation),
		cmocka_unit_test(test_sendgrid_build_errors),
		cmocka_unit_test(test_status_outcome),
		cmocka_unit_test(test_status_failure),
		cmocka_unit_test(test_twilio_parse),
		cmocka_unit_test(test_webhook_parse),
		cmocka_unit_test(test_sendgrid_parse),
		cmocka_unit_test(test_parse_long),
	};

	return cmocka_run_group_tests_name("gw", tests, NULL, NULL);
}
