/* SPDX-License-Identifier: MIT */
/* compose.c: pure: decides what a claimed reminder becomes: a message or a reason. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "phone.h"
#include "schedule.h"
#include "store.h"
#include "template.h"

void
compose_clear(struct composed *c)
{
	free(c->body);
	c->body = NULL;
}

enum compose_result
compose_sms(const struct config *cfg, const struct reminder *r, time_t now,
    struct composed *out)
{
	const struct milestone	*m;
	struct template_vars	 vars;
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
	    (m = config_milestone(cfg, r->milestone)) == NULL) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "milestone \"%.40s\" is no longer configured",
		    r->milestone ? r->milestone : "");
		return COMPOSE_CANCEL;
	}
	if (!r->patient_found) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld of treatment %lld does not exist",
		    (long long)r->patient_id, (long long)r->treatment_id);
		return COMPOSE_FAIL;
	}
	if (!r->sms_opt_in) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld has opted out of SMS", (long long)r->patient_id);
		out->optout = true;
		return COMPOSE_CANCEL;
	}
	if (r->phone == NULL || r->phone[strspn(r->phone, " \t")] == '\0') {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld has no phone number", (long long)r->patient_id);
		return COMPOSE_FAIL;
	}
	if (phone_normalize(r->phone, out->to, sizeof(out->to), err,
	    sizeof(err)) == -1) {
		(void)snprintf(out->reason, sizeof(out->reason),
		    "patient %lld: %s", (long long)r->patient_id, err);
		return COMPOSE_FAIL;
	}
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
	out->body = template_render(m->sms, &vars);
	return COMPOSE_SEND;
}
