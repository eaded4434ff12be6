/* SPDX-License-Identifier: MIT */
/* gw_twilio.c: Twilio's Messages API (2010-04-01): request and answer. */

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "delivery.h"
#include "gw.h"
#include "json.h"
#include "util.h"

/* Longest quote of Twilio's own message kept in res->error. */
#define TWILIO_QUOTE_MAX	128

static void		twilio_form_append(struct buf *b, const char *s);
static const char	*twilio_explain(const char *code);
static int		twilio_build(const struct config *cfg,
			    const struct message *msg, struct gw_request *req,
			    char *err, size_t errlen);
static void		twilio_parse(long status, const char *body,
			    size_t len, struct send_result *res);
static bool		twilio_sid_valid(const char *sid);
static int		twilio_lookup_build(const struct config *cfg,
			    const struct message *msg, struct gw_request *req,
			    char *err, size_t errlen);
static void		twilio_lookup_parse(long status, const char *body,
			    size_t len, struct send_result *res);

/*
 * application/x-www-form-urlencoded: every byte except the RFC 3986
 * unreserved ones is percent-encoded, so a space is always "%20" (never
 * '+') and UTF-8 passes through as its bytes.
 */
static void
twilio_form_append(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 pct[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			buf_append(b, p, 1);
		else {
			pct[0] = '%';
			pct[1] = hex[*p >> 4];
			pct[2] = hex[*p & 0xf];
			buf_append(b, pct, 3);
		}
	}
}

/* Twilio's permanent per-recipient errors, in words the staff can act on. */
static const char *
twilio_explain(const char *code)
{
	static const struct {
		const char	*code;
		const char	*why;
	} codes[] = {
		{ "21211", "the patient's phone number is invalid: correct it, "
		    "then resend" },
		{ "21614", "the number is not a mobile phone and cannot "
		    "receive SMS" },
		{ "21610", "the patient replied STOP: Twilio blocks SMS until "
		    "they text START" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i].code) == 0)
			return codes[i].why;
	return NULL;
}

static int
twilio_build(const struct config *cfg, const struct message *msg,
    struct gw_request *req, char *err, size_t errlen)
{
	struct buf	 url;

	if (cfg->sms.url == NULL || cfg->sms.account_sid == NULL ||
	    cfg->sms.from == NULL) {
		(void)snprintf(err, errlen, "twilio: sms.url, sms.account_sid "
		    "and sms.from are required");
		return -1;
	}
	if (cfg->sms.auth_token == NULL) {
		(void)snprintf(err, errlen, "twilio: no auth token loaded");
		return -1;
	}
	if (msg->to == NULL || msg->body == NULL) {
		(void)snprintf(err, errlen, "twilio: reminder %lld has no "
		    "recipient or no text", (long long)msg->reminder_id);
		return -1;
	}

	buf_init(&url);
	gw_url_base(&url, cfg->sms.url);
	buf_puts(&url, "/2010-04-01/Accounts/");
	twilio_form_append(&url, cfg->sms.account_sid);
	buf_puts(&url, "/Messages.json");
	req->url = buf_take(&url);

	req->content_type = "application/x-www-form-urlencoded";
	req->body.len = 0;
	buf_puts(&req->body, "To=");
	twilio_form_append(&req->body, msg->to);
	buf_puts(&req->body, "&From=");
	twilio_form_append(&req->body, cfg->sms.from);
	buf_puts(&req->body, "&Body=");
	twilio_form_append(&req->body, msg->body);
	/* aftercare-inbound hears what became of it. */
	if (cfg->inbound.enabled && cfg->inbound.public_url != NULL) {
		buf_puts(&req->body, "&StatusCallback=");
		twilio_form_append(&req->body, cfg->inbound.public_url);
		twilio_form_append(&req->body, "/twilio/status");
	}

	req->userpwd = xasprintf("%s:%s", cfg->sms.account_sid,
	    cfg->sms.auth_token);
	return 0;
}

static void
twilio_parse(long status, const char *body, size_t len,
    struct send_result *res)
{
	static const char *const id_keys[] = { "sid", NULL };
	static const char *const reason_keys[] = { "message", NULL };
	char		 quote[TWILIO_QUOTE_MAX];
	const char	*why;
	int		 n;

	if (gw_answer_read(status, body, len, id_keys, reason_keys, quote,
	    sizeof(quote), res) || res->error[0] != '\0')
		return;
	/* Twilio's 21610: the number replied STOP; never text it again. */
	res->opted_out = strcmp(res->code, "21610") == 0;
	if (res->code[0] != '\0' && quote[0] != '\0')
		n = snprintf(res->error, sizeof(res->error),
		    "HTTP %ld: Twilio error %s: %s", status, res->code, quote);
	else if (res->code[0] != '\0')
		n = snprintf(res->error, sizeof(res->error),
		    "HTTP %ld: Twilio error %s", status, res->code);
	else if (quote[0] != '\0')
		n = snprintf(res->error, sizeof(res->error), "HTTP %ld: %s",
		    status, quote);
	else
		n = snprintf(res->error, sizeof(res->error), "HTTP %ld",
		    status);
	why = twilio_explain(res->code);
	if (why != NULL && n > 0 && (size_t)n < sizeof(res->error))
		(void)snprintf(res->error + n, sizeof(res->error) - (size_t)n,
		    " (%s)", why);
}

/* A Message's sid as Twilio's API has it: ^(SM|MM)[0-9a-fA-F]{32}$. */
static bool
twilio_sid_valid(const char *sid)
{
	size_t	i;

	if (strlen(sid) != 34 || (strncmp(sid, "SM", 2) != 0 &&
	    strncmp(sid, "MM", 2) != 0))
		return false;
	for (i = 2; i < 34; i++)
		if (!isxdigit((unsigned char)sid[i]))
			return false;
	return true;
}

/* Message fetch: GET .../Messages/{Sid}.json, with the same auth. */
static int
twilio_lookup_build(const struct config *cfg, const struct message *msg,
    struct gw_request *req, char *err, size_t errlen)
{
	struct buf	 url;

	if (cfg->sms.url == NULL || cfg->sms.account_sid == NULL ||
	    cfg->sms.auth_token == NULL) {
		(void)snprintf(err, errlen, "twilio: sms.url, sms.account_sid "
		    "and the auth token are required");
		return -1;
	}
	if (msg->lookup == NULL || !twilio_sid_valid(msg->lookup)) {
		(void)snprintf(err, errlen, "twilio: reminder %lld: its "
		    "message id is not a Twilio message sid",
		    (long long)msg->reminder_id);
		return -1;
	}
	buf_init(&url);
	gw_url_base(&url, cfg->sms.url);
	buf_puts(&url, "/2010-04-01/Accounts/");
	twilio_form_append(&url, cfg->sms.account_sid);
	buf_printf(&url, "/Messages/%s.json", msg->lookup);
	req->url = buf_take(&url);
	req->method = "GET";
	req->content_type = NULL;
	req->body.len = 0;
	req->userpwd = xasprintf("%s:%s", cfg->sms.account_sid,
	    cfg->sms.auth_token);
	return 0;
}

/*
 * The Message resource: its status, as a delivery state (one that says
 * nothing of delivery leaves it unknown), and its error_code (a number,
 * or null).  A failure reads as an answer to a send does.
 */
static void
twilio_lookup_parse(long status, const char *body, size_t len,
    struct send_result *res)
{
	char	 word[32], code[16];

	res->delivery_known = false;
	twilio_parse(status, body, len, res);
	if (res->outcome != OUTCOME_SENT)
		return;
	if (json_get(body, len, "status", word, sizeof(word)) == 0 &&
	    delivery_twilio_status(word, &res->delivery) == 0)
		res->delivery_known = true;
	/* Only digits: it is logged and kept. */
	if (json_get(body, len, "error_code", code, sizeof(code)) == 0 &&
	    code[0] != '\0' && strlen(code) <= 9 &&
	    code[strspn(code, "0123456789")] == '\0')
		(void)snprintf(res->code, sizeof(res->code), "%s", code);
}

const struct gw_provider gw_twilio = {
	.name = "twilio",
	.proto = &gw_http,
	.build = twilio_build,
	.parse = twilio_parse,
	.lookup_build = twilio_lookup_build,
	.lookup_parse = twilio_lookup_parse
};
