/* SPDX-License-Identifier: MIT */
/* plan.c: pure: the reminders a treatment should have, and when, or why none. */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "delivery.h"
#include "plan.h"
#include "schedule.h"
#include "util.h"

static const char *plan_like(const struct config *, const char *);
static bool	has_address(const char *);
static unsigned	reach(const struct milestone *, const bool *);
static void	unknown_kind(const struct config *, const char *,
		    struct plan_result *);
static void	add(struct plan_result *, const struct plan_reminder *);
static void	consent(const struct plan_patient *, struct plan_result *);
static bool	permanent(const struct plan_undelivered *);
static const struct plan_undelivered *undelivered(
		    const struct plan_treatment *, const char *);

void
plan_result_init(struct plan_result *res)
{
	memset(res, 0, sizeof(*res));
}

void
plan_result_clear(struct plan_result *res)
{
	free(res->reminders);
	plan_result_init(res);
}

/*
 * The kind of a plan that differs from kind only in case ("microneedling"
 * for "Microneedling"), or NULL.
 */
static const char *
plan_like(const struct config *cfg, const char *kind)
{
	size_t	i;

	if (kind == NULL)
		return NULL;
	for (i = 0; i < cfg->nplans; i++)
		if (strcasecmp(cfg->plans[i].kind, kind) == 0)
			return cfg->plans[i].kind;
	return NULL;
}

/*
 * Whether the booking software wrote an address: anything but spaces
 * (as SQLite's trim() sees it; a tab counts).
 */
static bool
has_address(const char *s)
{
	if (s == NULL)
		return false;
	for (; *s != '\0'; s++)
		if (*s != ' ')
			return true;
	return false;
}

/*
 * The channels a milestone reaches a patient on: each of its channels
 * they have an address for (per channel); with none, its first one, where the
 * reminder fails with the reason for the staff to see.
 */
static unsigned
reach(const struct milestone *m, const bool *address)
{
	unsigned	 want = 0;
	int		 ch;

	for (ch = 0; ch < CHANNEL__COUNT; ch++)
		if ((m->channels & CHANNEL_BIT(ch)) && address[ch])
			want |= CHANNEL_BIT(ch);
	for (ch = 0; want == 0 && ch < CHANNEL__COUNT; ch++)
		if (m->channels & CHANNEL_BIT(ch))
			want = CHANNEL_BIT(ch);
	return want;
}

/*
 * A treatment whose kind has no plan, under default_plan "none": a
 * problem of the treatment for the staff, and what the log tells of the
 * kind.  The kind is the booking software's word, so the log quotes only
 * the plan it may have meant.
 */
static void
unknown_kind(const struct config *cfg, const char *kind,
    struct plan_result *res)
{
	const char	*like = plan_like(cfg, kind);

	res->why = PLAN_UNKNOWN_KIND;
	if (kind == NULL || !config_kind_valid(kind))
		(void)snprintf(res->reason, sizeof(res->reason), "kind is not "
		    "1 to 64 of A-Z a-z 0-9 _ -, so it has no plan, and "
		    "default_plan is \"none\"");
	else if (like != NULL)
		(void)snprintf(res->reason, sizeof(res->reason), "no plan for "
		    "kind \"%s\" and default_plan is \"none\": did you mean "
		    "\"%s\"? (kinds are matched exactly, case included)", kind,
		    like);
	else
		(void)snprintf(res->reason, sizeof(res->reason), "no plan for "
		    "kind \"%s\" and default_plan is \"none\": add a plan for "
		    "it, or a default plan", kind);
	if (like != NULL)
		(void)snprintf(res->warning, sizeof(res->warning), "no plan for "
		    "this kind of treatment and default_plan is \"none\"; it "
		    "gets no reminders (did you mean %s? see aftercarectl "
		    "status)", like);
	else
		(void)snprintf(res->warning, sizeof(res->warning), "no plan for "
		    "this kind of treatment and default_plan is \"none\"; it "
		    "gets no reminders (see aftercarectl status)");
}

static void
add(struct plan_result *res, const struct plan_reminder *r)
{
	if (res->n == res->size) {
		res->size = res->size == 0 ? 8 : res->size * 2;
		res->reminders = xrealloc(res->reminders, res->size *
		    sizeof(*res->reminders));
	}
	res->reminders[res->n++] = *r;
}

/* The channels the patient consents to, and why the others are withheld. */
static void
consent(const struct plan_patient *p, struct plan_result *res)
{
	/* A STOP is the patient's word too, and the carrier enforces it. */
	res->stopped = p->stopped;
	res->consent[CHANNEL_SMS] = p->opt_in[CHANNEL_SMS] && !p->stopped;
	res->withheld[CHANNEL_SMS] = p->stopped ? PLAN_STOPPED_REASON :
	    "the patient opted out of SMS";
	res->consent[CHANNEL_EMAIL] = p->opt_in[CHANNEL_EMAIL] &&
	    !p->email_unsubscribed && !p->email_bounced;
	if (!p->opt_in[CHANNEL_EMAIL])
		res->withheld[CHANNEL_EMAIL] = "the patient opted out of email";
	else if (p->email_unsubscribed)
		res->withheld[CHANNEL_EMAIL] = "the patient's email address "
		    "unsubscribed or reported spam";
	else
		res->withheld[CHANNEL_EMAIL] = "the patient's email address "
		    "bounced; it is sent to again once it changes";
}

/*
 * Whether sending that SMS again would not get it there: failed or
 * undelivered with an error code Twilio's table calls permanent.
 */
static bool
permanent(const struct plan_undelivered *u)
{
	const struct delivery_error	*e;
	const char			*p;
	long				 code = 0;

	if ((u->state != DELIVERY_FAILED && u->state != DELIVERY_UNDELIVERED) ||
	    u->error == NULL || *u->error == '\0' || strlen(u->error) > 9)
		return false;
	for (p = u->error; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		code = code * 10 + (*p - '0');
	}
	return (e = delivery_twilio_error(code)) != NULL && e->permanent;
}

/* The treatment's SMS of milestone name undelivered for good, or NULL. */
static const struct plan_undelivered *
undelivered(const struct plan_treatment *t, const char *name)
{
	size_t	i;

	for (i = 0; i < t->nundelivered; i++)
		if (t->undelivered[i].milestone != NULL &&
		    strcmp(t->undelivered[i].milestone, name) == 0 &&
		    permanent(&t->undelivered[i]))
			return &t->undelivered[i];
	return NULL;
}

void
plan_reminders(const struct config *cfg, const struct plan_treatment *t,
    const struct plan_patient *p, time_t now, struct plan_result *res)
{
	const struct milestone	*plan, *m;
	const struct tz		*zone = p->zone ? p->zone : cfg->zone;
	struct plan_reminder	 r, fb;
	const struct plan_undelivered *u;
	const char		*like;
	char			 err[160];
	time_t			 at;
	size_t			 i, n;
	unsigned		 want;
	bool			 address[CHANNEL__COUNT], own, gone, fallback;
	int			 ch;

	res->why = PLAN_OK;
	res->reason[0] = res->warning[0] = '\0';
	res->n = 0;
	consent(p, res);
	if (!t->found) {
		res->why = PLAN_DELETED;
		(void)snprintf(res->reason, sizeof(res->reason),
		    "treatment deleted");
		return;
	}
	if (t->status != NULL && (strcmp(t->status, "cancelled") == 0 ||
	    strcmp(t->status, "no_show") == 0)) {
		res->why = PLAN_CALLED_OFF;
		(void)snprintf(res->reason, sizeof(res->reason), "treatment %s",
		    t->status);
		return;
	}
	if (t->status == NULL || (strcmp(t->status, "scheduled") != 0 &&
	    strcmp(t->status, "completed") != 0)) {
		res->why = PLAN_BAD_STATUS;
		(void)snprintf(res->reason, sizeof(res->reason), "unknown status "
		    "\"%.40s\" (expected scheduled, completed, cancelled or "
		    "no_show)", t->status ? t->status : "");
		(void)snprintf(res->warning, sizeof(res->warning),
		    "unknown status");
		return;
	}
	if (schedule_rfc3339_parse(t->performed_at ? t->performed_at : "",
	    &at, NULL, err, sizeof(err)) == -1) {
		res->why = PLAN_BAD_TIME;
		(void)snprintf(res->reason, sizeof(res->reason),
		    "performed_at is not an RFC 3339 time: %s", err);
		(void)snprintf(res->warning, sizeof(res->warning),
		    "performed_at is not an RFC 3339 time");
		return;
	}
	plan = config_plan(cfg, t->kind, &n, &own);
	if (n == 0 && !own) {
		unknown_kind(cfg, t->kind, res);
		return;
	}
	address[CHANNEL_SMS] = has_address(p->phone);
	address[CHANNEL_EMAIL] = has_address(p->email);
	fallback = cfg->delivery.fallback &&
	    cfg->email.provider != EMAIL_PROVIDER_NONE &&
	    address[CHANNEL_EMAIL];
	for (i = 0; i < n; i++) {
		m = &plan[i];
		/* Due by the patient's clock, never in their quiet hours. */
		r.m = m;
		r.due_at = schedule_quiet_defer(schedule_due_in_zone(at,
		    m->after, m->calendar, zone), cfg->quiet_start,
		    cfg->quiet_end, zone);
		r.expires_at = r.due_at + m->valid_for;
		/* Before the treatment: only while it is booked and ahead. */
		gone = m->after < 0 && (strcmp(t->status, "scheduled") != 0 ||
		    now >= at);
		r.cancelled = gone ? "a reminder for before the treatment, "
		    "which is no longer ahead" : NULL;
		r.fallback_for = 0;
		want = reach(m, address);
		for (ch = 0; ch < CHANNEL__COUNT; ch++) {
			if (!(want & CHANNEL_BIT(ch)))
				continue;
			r.channel = ch;
			add(res, &r);
		}
		/* Its SMS did not get there: the email stands in. */
		if (!fallback || gone || (want & CHANNEL_BIT(CHANNEL_EMAIL)) ||
		    m->subject == NULL || m->email == NULL ||
		    (u = undelivered(t, m->name)) == NULL)
			continue;
		fb = r;
		fb.channel = CHANNEL_EMAIL;
		fb.fallback_for = u->reminder_id;
		fb.due_at = schedule_quiet_defer(u->at > r.due_at ? u->at :
		    r.due_at, cfg->quiet_start, cfg->quiet_end, zone);
		/* Past the milestone's window it is not worth sending. */
		if (fb.due_at < r.expires_at)
			add(res, &fb);
	}
	/*
	 * A kind that gets the default plan, where kinds have plans of their
	 * own, is worth telling of.
	 */
	if (!own && cfg->nplans > 0) {
		like = plan_like(cfg, t->kind);
		(void)snprintf(res->warning, sizeof(res->warning), "no plan for "
		    "this kind of treatment; it gets the default plan%s%s%s",
		    like ? " (did you mean " : "", like ? like : "",
		    like ? "?)" : "");
	}
}
