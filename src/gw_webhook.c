/* SPDX-License-Identifier: MIT */
/* gw_webhook.c: a generic JSON webhook gateway: request and answer. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "gw.h"
#include "json.h"
#include "util.h"

/* Longest quote of the gateway's own reason kept in res->error. */
#define WEBHOOK_QUOTE_MAX	160

static int	webhook_build(const struct config *cfg,
		    const struct message *msg, struct gw_request *req,
		    char *err, size_t errlen);
static void	webhook_parse(long status, const char *body, size_t len,
		    struct send_result *res);

static int
webhook_build(const struct config *cfg, const struct message *msg,
    struct gw_request *req, char *err, size_t errlen)
{
	char	*status_url;

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
	/* Where the gateway posts what became of it (aftercare-inbound). */
	if (cfg->inbound.enabled && cfg->inbound.public_url != NULL) {
		status_url = xasprintf("%s/webhook/status",
		    cfg->inbound.public_url);
		buf_puts(&req->body, ",\"status_url\":");
		json_append_string(&req->body, status_url);
		free(status_url);
	}
	buf_puts(&req->body, "}");

	if (cfg->sms.auth_token != NULL)
		req->bearer = xstrdup(cfg->sms.auth_token);
	return 0;
}

static void
webhook_parse(long status, const char *body, size_t len,
    struct send_result *res)
{
	static const char *const id_keys[] = { "id", "message_id", NULL };
	static const char *const reason_keys[] = { "error", "message", NULL };
	char	 quote[WEBHOOK_QUOTE_MAX];

	if (gw_answer_read(status, body, len, id_keys, reason_keys, quote,
	    sizeof(quote), res) || res->error[0] != '\0')
		return;
	if (quote[0] != '\0')
		(void)snprintf(res->error, sizeof(res->error), "HTTP %ld: %s",
		    status, quote);
	else
		(void)snprintf(res->error, sizeof(res->error), "HTTP %ld",
		    status);
}

const struct gw_provider gw_webhook = {
	.name = "webhook",
	.proto = &gw_http,
	.build = webhook_build,
	.parse = webhook_parse
};
