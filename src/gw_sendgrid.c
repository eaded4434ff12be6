/* SPDX-License-Identifier: MIT */
/* gw_sendgrid.c: SendGrid's v3 mail send API (email): request and answer. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "gw.h"
#include "json.h"
#include "mail.h"
#include "util.h"

/* Longest quote of SendGrid's own message kept in res->error. */
#define SENDGRID_QUOTE_MAX	128

static void	sendgrid_address(struct buf *b, const char *email,
		    const char *name);
static void	sendgrid_first_error(const char *body, size_t len,
		    char *out, size_t outlen);
static int	sendgrid_build(const struct config *cfg,
		    const struct message *msg, struct gw_request *req,
		    char *err, size_t errlen);
static void	sendgrid_parse(long status, const char *body, size_t len,
		    struct send_result *res);

/*
 * A MailTo or MailFrom object: the name only when there is one, and only
 * without ',' or ';', which SendGrid's API takes for list separators.
 */
static void
sendgrid_address(struct buf *b, const char *email, const char *name)
{
	buf_puts(b, "{\"email\":");
	json_append_string(b, email);
	if (name != NULL && name[0] != '\0' && strpbrk(name, ",;") == NULL) {
		buf_puts(b, ",\"name\":");
		json_append_string(b, name);
	}
	buf_puts(b, "}");
}

/* errors[0].message of SendGrid's ErrorResponse, or "". */
static void
sendgrid_first_error(const char *body, size_t len, char *out, size_t outlen)
{
	char	*errors, *first;

	/* A member's text is never longer than the whole answer. */
	errors = xmalloc(len + 1);
	first = xmalloc(len + 1);
	if (json_get(body, len, "errors", errors, len + 1) != 0 ||
	    json_get_index(errors, strlen(errors), 0, first, len + 1) != 0 ||
	    json_get(first, strlen(first), "message", out, outlen) != 0)
		out[0] = '\0';
	util_text_clean(out);
	free(errors);
	free(first);
}

static int
sendgrid_build(const struct config *cfg, const struct message *msg,
    struct gw_request *req, char *err, size_t errlen)
{
	const char	*unsub = cfg->email.unsubscribe;
	struct buf	 url;
	char		*angled;
	size_t		 i;

	if (cfg->email.url == NULL || cfg->email.from == NULL) {
		(void)snprintf(err, errlen, "sendgrid: email.url and "
		    "email.from are required");
		return -1;
	}
	if (cfg->email.api_key == NULL) {
		(void)snprintf(err, errlen, "sendgrid: no API key loaded");
		return -1;
	}
	if (!mail_address_valid(cfg->email.from)) {
		(void)snprintf(err, errlen, "sendgrid: email.from is not a "
		    "usable email address");
		return -1;
	}
	if (unsub != NULL && unsub[strcspn(unsub, "\r\n\t <>\"")] != '\0') {
		(void)snprintf(err, errlen, "sendgrid: email.unsubscribe is "
		    "not a usable URI");
		return -1;
	}
	/* The spec wants a subject and each content value non-empty. */
	if (msg->to == NULL || msg->subject == NULL || msg->body == NULL ||
	    msg->subject[0] == '\0' || msg->body[0] == '\0') {
		(void)snprintf(err, errlen, "sendgrid: " MESSAGE_FMT " has no "
		    "recipient, no subject or no text", MESSAGE_ARGS(msg));
		return -1;
	}
	if (!mail_address_valid(msg->to)) {
		(void)snprintf(err, errlen, "sendgrid: " MESSAGE_FMT ": the "
		    "recipient is not a usable email address",
		    MESSAGE_ARGS(msg));
		return -1;
	}
	for (i = 0; i < msg->nmore_to; i++)
		if (!mail_address_valid(msg->more_to[i])) {
			(void)snprintf(err, errlen, "sendgrid: " MESSAGE_FMT
			    ": recipient %zu is not a usable email address",
			    MESSAGE_ARGS(msg), i + 2);
			return -1;
		}
	/* Staff do not unsubscribe from their patients' replies. */
	if (msg->inbound_id > 0)
		unsub = NULL;
	if (strpbrk(msg->subject, "\r\n") != NULL ||
	    (msg->to_name != NULL && strpbrk(msg->to_name, "\r\n") != NULL) ||
	    (cfg->email.from_name != NULL &&
	    strpbrk(cfg->email.from_name, "\r\n") != NULL)) {
		(void)snprintf(err, errlen, "sendgrid: " MESSAGE_FMT ": the "
		    "subject or a name has a line break", MESSAGE_ARGS(msg));
		return -1;
	}

	buf_init(&url);
	gw_url_base(&url, cfg->email.url);
	buf_puts(&url, "/v3/mail/send");
	req->url = buf_take(&url);

	/*
	 * custom_args goes in the personalization: the spec types the
	 * message-level one as a string, the personalization's as an
	 * object, and its values must be strings.
	 */
	req->content_type = "application/json";
	req->body.len = 0;
	buf_puts(&req->body, "{\"personalizations\":[{\"to\":[");
	sendgrid_address(&req->body, msg->to, msg->to_name);
	for (i = 0; i < msg->nmore_to; i++) {
		buf_puts(&req->body, ",");
		sendgrid_address(&req->body, msg->more_to[i], NULL);
	}
	/*
	 * An escalation's events are for no reminder: they name the reply
	 * instead, so that a receipt never touches a reminder's state.
	 */
	if (msg->inbound_id > 0)
		buf_printf(&req->body, "],\"custom_args\":{\"inbound_id\":"
		    "\"%lld\"", (long long)msg->inbound_id);
	else
		buf_printf(&req->body, "],\"custom_args\":{\"reminder_id\":"
		    "\"%lld\"", (long long)msg->reminder_id);
	if (msg->milestone != NULL) {
		buf_puts(&req->body, ",\"milestone\":");
		json_append_string(&req->body, msg->milestone);
	}
	buf_puts(&req->body, "}}],\"from\":");
	sendgrid_address(&req->body, cfg->email.from, cfg->email.from_name);
	buf_puts(&req->body, ",\"subject\":");
	json_append_string(&req->body, msg->subject);
	/* SendGrid's documentation wants text/plain first. */
	buf_puts(&req->body, ",\"content\":[{\"type\":\"text/plain\","
	    "\"value\":");
	json_append_string(&req->body, msg->body);
	buf_puts(&req->body, "}");
	if (msg->html != NULL && msg->html[0] != '\0') {
		buf_puts(&req->body, ",{\"type\":\"text/html\",\"value\":");
		json_append_string(&req->body, msg->html);
		buf_puts(&req->body, "}");
	}
	buf_puts(&req->body, "]");
	/* An automatic message (RFC 3834), as our SMTP messages say. */
	buf_puts(&req->body, ",\"headers\":{\"Auto-Submitted\":"
	    "\"auto-generated\"");
	if (unsub != NULL && unsub[0] != '\0') {
		angled = xasprintf("<%s>", unsub);
		buf_puts(&req->body, ",\"List-Unsubscribe\":");
		json_append_string(&req->body, angled);
		free(angled);
		/* RFC 8058: one-click needs an https URI to POST to. */
		if (strncasecmp(unsub, "https:", 6) == 0)
			buf_puts(&req->body, ",\"List-Unsubscribe-Post\":"
			    "\"List-Unsubscribe=One-Click\"");
	}
	buf_puts(&req->body, "}");
	/*
	 * A patient's care is no one's marketing metric: no rewritten links,
	 * no tracking pixel.
	 */
	buf_puts(&req->body, ",\"tracking_settings\":{\"click_tracking\":"
	    "{\"enable\":false},\"open_tracking\":{\"enable\":false}}}");

	req->bearer = xstrdup(cfg->email.api_key);
	return 0;
}

/*
 * SendGrid answers 202 with an empty body; its message id comes in the
 * X-Message-Id header, which gw_http.c takes when provider_id is "".
 */
static void
sendgrid_parse(long status, const char *body, size_t len,
    struct send_result *res)
{
	static const char *const id_keys[] = { NULL };
	static const char *const reason_keys[] = { NULL };
	char		 quote[SENDGRID_QUOTE_MAX];
	const char	*hint = NULL;

	if (gw_answer_read(status, body, len, id_keys, reason_keys, quote,
	    sizeof(quote), res))
		return;
	if (status >= 300 && status < 400) {
		(void)snprintf(res->error, sizeof(res->error), "HTTP %ld: "
		    "redirect not followed (check email.url)", status);
		return;
	}
	sendgrid_first_error(body, len, quote, sizeof(quote));
	if (status == 401)
		hint = " (check email.api_key)";
	else if (status == 403)
		hint = " (check that email.api_key may send mail and that "
		    "email.from is a verified sender)";
	(void)snprintf(res->error, sizeof(res->error), "HTTP %ld%s%s%s",
	    status, quote[0] != '\0' ? ": " : "", quote,
	    hint != NULL ? hint : "");
}

const struct gw_provider gw_sendgrid = {
	.name = "sendgrid",
	.proto = &gw_http,
	.build = sendgrid_build,
	.parse = sendgrid_parse
};
