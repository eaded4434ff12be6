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
static void	quote(struct buf *, const char *);

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
	buf_escape_markup(&b, s);
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

/*
 * The patient's words, each line after "> ": control characters other
 * than tabs become spaces, so that nothing they sent can stand for a
 * header, a line of ours, or a terminal's command.
 */
static void
quote(struct buf *b, const char *s)
{
	bool	start = true;

	if (s == NULL || *s == '\0') {
		buf_puts(b, "> (no text)\n");
		return;
	}
	for (; *s != '\0'; s++) {
		if (start)
			buf_puts(b, "> ");
		start = false;
		if (*s == '\r' && s[1] == '\n')
			continue;
		if (*s == '\n' || *s == '\r') {
			buf_puts(b, "\n");
			start = true;
		} else if (((unsigned char)*s < 0x20 && *s != '\t') ||
		    *s == 0x7f)
			buf_puts(b, " ");
		else
			buf_append(b, s, 1);
	}
	if (!start)
		buf_puts(b, "\n");
}

enum compose_result
compose_escalation(const struct config *cfg, const struct escalation *e,
    struct composed *out)
{
	struct buf	 b;
	char		 when[48], *name;
	const char	*kind;
	time_t		 at;
	int		 offset;

	memset(out, 0, sizeof(*out));
	out->channel = CHANNEL_EMAIL;
	if (cfg->inbound.nescalate_to == 0) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "inbound.escalate_to names no one to tell");
		return COMPOSE_FAIL;
	}
	(void)snprintf(out->to, sizeof(out->to), "%s",
	    cfg->inbound.escalate_to[0]);
	name = name_clean(e->full_name);

	buf_init(&b);
	if (e->urgent)
		buf_puts(&b, "[urgent] ");
	if (e->possible_optout)
		buf_puts(&b, "[possible opt-out] ");
	if (e->patient_id == 0)
		buf_puts(&b, "Reply from a number no patient has");
	else if (name != NULL)
		buf_printf(&b, "Reply from %s (patient %lld)", name,
		    (long long)e->patient_id);
	else
		buf_printf(&b, "Reply from patient %lld",
		    (long long)e->patient_id);
	out->subject = buf_take(&b);

	buf_init(&b);
	schedule_local_format(e->received_at, cfg->zone, when, sizeof(when));
	if (e->patient_id == 0)
		buf_printf(&b, "A number no patient has sent the clinic an SMS "
		    "on %s:\n\n", when);
	else if (name != NULL)
		buf_printf(&b, "%s (patient %lld) sent the clinic an SMS on "
		    "%s:\n\n", name, (long long)e->patient_id, when);
	else
		buf_printf(&b, "Patient %lld sent the clinic an SMS on %s:\n\n",
		    (long long)e->patient_id, when);
	quote(&b, e->body);
	buf_puts(&b, "\n");
	if (e->urgent)
		buf_puts(&b, "It has one of the urgent words in it.\n");
	if (e->possible_optout) {
		buf_puts(&b, "It may ask the clinic to stop texting: nothing "
		    "was changed.");
		if (e->patient_id != 0)
			buf_printf(&b, " If it does, record it with:\n"
			    "  aftercarectl optout --patient %lld",
			    (long long)e->patient_id);
		buf_puts(&b, "\n");
	}
	if (e->num_media > 0)
		buf_printf(&b, "It came with %ld photo%s, in the provider's "
		    "console (aftercare does not download them).\n",
		    e->num_media, e->num_media == 1 ? "" : "s");
	if (e->urgent || e->possible_optout || e->num_media > 0)
		buf_puts(&b, "\n");

	if (e->patient_id != 0) {
		buf_printf(&b, "Patient:   %lld", (long long)e->patient_id);
		if (name != NULL)
			buf_printf(&b, ", %s", name);
		else
			buf_puts(&b, " (no longer in the patients table)");
		buf_puts(&b, "\n");
		if (e->shared_with > 0)
			buf_printf(&b, "           %lld other patient%s this "
			    "number: it was taken for the one with the latest "
			    "treatment\n", (long long)e->shared_with,
			    e->shared_with == 1 ? " has" : "s have");
	}
	buf_printf(&b, "From:      %s\n", e->from != NULL ? e->from : "");
	if (e->treatment_id != 0) {
		buf_printf(&b, "Treatment: %lld", (long long)e->treatment_id);
		kind = e->kind;
		if (kind == NULL)
			buf_puts(&b, " (no longer in the treatments table)");
		else {
			buf_puts(&b, ", ");
			buf_append(&b, kind, strcspn(kind, "\r\n"));
		}
		if (e->performed_at != NULL &&
		    schedule_rfc3339_parse(e->performed_at, &at, &offset,
		    when, sizeof(when)) == 0) {
			schedule_local_format(at, cfg->zone, when, sizeof(when));
			buf_printf(&b, ", %s", when);
		}
		buf_puts(&b, "\n");
	}
	if (e->reminder_id != 0) {
		buf_printf(&b, "Answers:   reminder %lld",
		    (long long)e->reminder_id);
		if (e->milestone != NULL)
			buf_printf(&b, " (%s)", e->milestone);
		if (e->reminder_sent_at != 0) {
			schedule_local_format(e->reminder_sent_at, cfg->zone,
			    when, sizeof(when));
			buf_printf(&b, ", sent %s", when);
		}
		buf_puts(&b, "\n");
	}
	buf_printf(&b, "\nOnce it is dealt with: aftercarectl reply done "
	    "%lld\n\n-- \naftercare, %s\n", (long long)e->id,
	    cfg->clinic_name != NULL ? cfg->clinic_name : "");
	out->body = buf_take(&b);
	/* A subject is one line, whatever a name holds. */
	util_text_clean(out->subject);
	free(name);
	return COMPOSE_SEND;
}
