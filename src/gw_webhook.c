/* SPDX-License-Identifier: MIT */
/* gw_webhook.c: a generic JSON webhook gateway: request and answer. */

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "gw.h"
#include "json.h"
#include "util.h"

/* Longest quote of the gateway's own reason kept in res->error. */
#define WEBHOOK_QUOTE_MAX	160

int
gw_webhook_build(const struct config *cfg, const struct message *msg,
    struct gw_request *req, char *err, size_t errlen)
{
	if (cfg->sms.url == NULL) {
		(void)snprintf(err, errlen, "webhook: sms.url is required");
		return -1;
	}
	if (msg->to == NULL || msg->body == NULL) {
		(void)snprintf(err, errlen, "webhook: reminder %lld has no "
		    "recipient or no text", (long long)msg->reminder_id);
		return -1;
	}

	req->url = xstrdup(cfg->sms.url);
	req->content_type = "application/json";
	req->body.len = 0;
	buf_puts(&req->body, "{\"to\":");
	json_append_string(&req->body, msg->to);
	buf_puts(&req->body, ",\"body\":");
	json_append_string(&req->body, msg->body);
	buf_printf(&req->body, ",\"reminder_id\":%lld,\"milestone\":",
	    (long long)msg->reminder_id);
	if (msg->milestone != NULL)
		json_append_string(&req->body, msg->milestone);
	else
		buf_puts(&req->body, "null");
	buf_puts(&req->body, "}");

	if (cfg->sms.auth_token != NULL)
		req->bearer = xstrdup(cfg->sms.auth_token);
	return 0;
}

void
gw_webhook_parse(long status, const char *body, size_t len,
    struct send_result *res)
{
	char	 quote[WEBHOOK_QUOTE_MAX];

	res->outcome = gw_status_outcome(status);
	res->provider_id[0] = '\0';
	res->code[0] = '\0';
	res->error[0] = '\0';
	if (res->outcome == OUTCOME_SENT) {
		if (json_get(body, len, "id", res->provider_id,
		    sizeof(res->provider_id)) != 0 &&
		    json_get(body, len, "message_id", res->provider_id,
		    sizeof(res->provider_id)) != 0)
			res->provider_id[0] = '\0';
		gw_text_clean(res->provider_id);
		return;
	}

	if (json_get(body, len, "code", res->code, sizeof(res->code)) != 0)
		res->code[0] = '\0';
	gw_text_clean(res->code);
	if (json_get(body, len, "error", quote, sizeof(quote)) != 0 &&
	    json_get(body, len, "message", quote, sizeof(quote)) != 0)
		quote[0] = '\0';
	gw_text_clean(quote);

	if (status >= 300 && status < 400)
		(void)snprintf(res->error, sizeof(res->error),
		    "HTTP %ld: redirect not followed (check sms.url)", status);
	else if (quote[0] != '\0')
		(void)snprintf(res->error, sizeof(res->error), "HTTP %ld: %s",
		    status, quote);
	else
		(void)snprintf(res->error, sizeof(res->error), "HTTP %ld",
		    status);
}
