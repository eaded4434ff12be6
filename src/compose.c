/* SPDX-License-Identifier: MIT */
/* compose.c: pure: decides what a claimed reminder becomes: a message or a reason. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "phone.h"
#include "schedule.h"
#include "store.h"
#include "template.h"
#include "util.h"

static char	*html_escape(const char *);
static char	*name_clean(const char *);

void
compose_clear(struct composed *c)
{
	free(c->to_name);
	free(c->subject);
	free(c->body);
	free(c->html);
	c->to_name = c->subject = c->body = c->html = NULL;
}

/* Text for HTML: &, <, >, " and ' as entities.  Caller frees. */
static char *
html_escape(const char *s)
{
	struct buf	b;

	buf_init(&b);
	buf_append(&b, "", 0);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(&b, "&amp;");
			break;
		case '<':
			buf_puts(&b, "&lt;");
			break;
		case '>':
			buf_puts(&b, "&gt;");
			break;
		case '"':
			buf_puts(&b, "&quot;");
			break;
		case '\'':
			buf_puts(&b, "&#39;");
			break;
		default:
			buf_append(&b, s, 1);
			break;
		}
	}
	return buf_take(&b);
}

/*
 * A name for a To header: control characters become spaces, runs of
 * white space one space; NULL if nothing is left.  Caller frees.
 */
static char *
name_clean(const char *s)
{
	struct buf	b;
	bool		space = false;

	if (s == NULL)
		return NULL;
	buf_init(&b);
	buf_append(&b, "", 0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_append(&b, " ", 1);
		space = false;
		buf_append(&b, s, 1);
	}
	if (b.len == 0 || b.len > 200) {
		buf_clear(&b);
		return NULL;
	}
	return buf_take(&b);
}

enum compose_result
compose_address(const struct reminder *r, enum channel ch,
    struct composed *out)
{
	const char	*addr;
	char		 err[160];
	size_t		 len;

	if (ch == CHANNEL_SMS) {
		if (!r->sms_opt_in) {
			(void)snprintf(out->reason, sizeof(out->reason),
			    "patient %lld has opted out of SMS",
			    (long long)r->patient_id);
			out->optout = true;
			return COMPOSE_CANCEL;
		}
		if (r->phone == NULL ||
		    r->phone[strspn(r->phone, " \t")] == '\0') {
			(void)snprintf(out->reason, sizeof(out->reason),
			    "patient %lld has no phone number",
			    (long long)r->patient_id);
			return COMPOSE_FAIL;
		}
		if (phone_normalize(r->phone, out->to, sizeof(out->to), err,
		    sizeof(err)) == -1) {
			(void)snprintf(out->reason, sizeof(out->reason),
			    "patient %lld: %s", (long long)r->patient_id, err);
			return COMPOSE_FAIL;
		}
		return COMPOSE_SEND;
	}
	if (!r->email_opt_in) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld has opted out of email",
		    (long long)r->patient_id);
		out->optout = true;
		return COMPOSE_CANCEL;
	}
	/* What the email provider told of the address counts as much. */
	if (r->email_unsubscribed || r->email_bounced) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld's email address %s",
		    (long long)r->patient_id, r->email_unsubscribed ?
		    "unsubscribed or reported spam" : "bounced; it is sent to "
		    "again once it changes");
		out->optout = true;
		return COMPOSE_CANCEL;
	}
	addr = r->email != NULL ? r->email + strspn(r->email, " \t") : "";
	len = strlen(addr);
	while (len > 0 && (addr[len - 1] == ' ' || addr[len - 1] == '\t'))
		len--;
	if (len == 0) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld has no email address",
		    (long long)r->patient_id);
		return COMPOSE_FAIL;
	}
	if (len >= sizeof(out->to)) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld: the email address is too long",
		    (long long)r->patient_id);
		return COMPOSE_FAIL;
	}
	memcpy(out->to, addr, len);
	out->to[len] = '\0';
	if (!mail_address_valid(out->to)) {
		out->to[0] = '\0';
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld: the email address is not one we can send "
		    "to (name@example.com)", (long long)r->patient_id);
		return COMPOSE_FAIL;
	}
	return COMPOSE_SEND;
}

enum compose_result
compose_message(const struct config *cfg, const struct reminder *r,
    time_t now, struct composed *out)
{
	const struct milestone	*m;
	struct template_vars	 vars, hvars;
	struct milestone_texts	 tx;
	enum compose_result	 res;
	enum channel		 ch;
	char			 first[64], treatment[64], date[64], err[160];
	time_t			 at;
	int			 offset;

	memset(out, 0, sizeof(*out));
	if (!r->treatment_found) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "treatment %lld no longer exists", (long long)r->treatment_id);
		return COMPOSE_CANCEL;
	}
	if (r->status != NULL && (strcmp(r->status, "cancelled") == 0 ||
	    strcmp(r->status, "no_show") == 0)) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "treatment %s", r->status);
		return COMPOSE_CANCEL;
	}
	if (r->milestone == NULL ||
	    (m = config_milestone(cfg, r->kind, r->milestone)) == NULL) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "milestone \"%.40s\" is no longer in the plan for this "
		    "treatment", r->milestone ? r->milestone : "");
		return COMPOSE_CANCEL;
	}
	/*
	 * An email standing in for an undelivered SMS goes by email although
	 * the milestone does not, if it still may (delivery.fallback, the
	 * template's email text).
	 */
	if (r->channel == NULL ||
	    config_channel_parse(r->channel, &ch) == -1 ||
	    (!(m->channels & CHANNEL_BIT(ch)) && (r->fallback_for <= 0 ||
	    ch != CHANNEL_EMAIL || !cfg->delivery.fallback ||
	    m->subject == NULL || m->email == NULL))) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "milestone \"%.40s\" is no longer sent by %.10s",
		    r->milestone, r->channel ? r->channel : "");
		return COMPOSE_CANCEL;
	}
	out->channel = ch;
	if (!r->patient_found) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld of treatment %lld does not exist",
		    (long long)r->patient_id, (long long)r->treatment_id);
		return COMPOSE_FAIL;
	}
	if ((res = compose_address(r, ch, out)) != COMPOSE_SEND)
		return res;
	/* The sync only makes reminders for treatments whose time parses. */
	if (r->performed_at == NULL || schedule_rfc3339_parse(r->performed_at,
	    &at, &offset, err, sizeof(err)) == -1) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "treatment %lld: performed_at is not an RFC 3339 time",
		    (long long)r->treatment_id);
		return COMPOSE_FAIL;
	}
	/* Before the treatment: only while it is still ahead and booked. */
	if (m->after < 0 && (r->status == NULL ||
	    strcmp(r->status, "scheduled") != 0 || now >= at)) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "a reminder for before the treatment, which is no longer "
		    "ahead");
		return COMPOSE_CANCEL;
	}
	config_texts(m, ch, r->language, &tx);
	out->lang = tx.lang;
	/* A message must read well even when a field is empty. */
	template_first_name(r->full_name ? r->full_name : "", first,
	    sizeof(first));
	if (first[0] == '\0')
		(void)snprintf(first, sizeof(first), "there");
	template_treatment_name(r->kind ? r->kind : "", treatment,
	    sizeof(treatment));
	if (treatment[0] == '\0')
		(void)snprintf(treatment, sizeof(treatment), "treatment");
	schedule_date_format(at, offset, date, sizeof(date));
	vars.first_name = first;
	vars.clinic_name = cfg->clinic_name;
	vars.clinic_phone = cfg->clinic_phone;
	vars.treatment = treatment;
	vars.treatment_date = date;
	if (ch == CHANNEL_SMS) {
		out->body = template_render(tx.sms, &vars);
		return COMPOSE_SEND;
	}
	out->to_name = name_clean(r->full_name);
	out->subject = template_render(tx.subject, &vars);
	/* A subject is one line, whatever a name holds. */
	util_text_clean(out->subject);
	out->body = template_render(tx.email, &vars);
	if (tx.html != NULL) {
		hvars.first_name = html_escape(first);
		hvars.clinic_name = html_escape(cfg->clinic_name ?
		    cfg->clinic_name : "");
		hvars.clinic_phone = html_escape(cfg->clinic_phone ?
		    cfg->clinic_phone : "");
		hvars.treatment = html_escape(treatment);
		hvars.treatment_date = html_escape(date);
		out->html = template_render(tx.html, &hvars);
		free((char *)(uintptr_t)hvars.first_name);
		free((char *)(uintptr_t)hvars.clinic_name);
		free((char *)(uintptr_t)hvars.clinic_phone);
		free((char *)(uintptr_t)hvars.treatment);
		free((char *)(uintptr_t)hvars.treatment_date);
	}
	return COMPOSE_SEND;
}
