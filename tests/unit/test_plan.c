/* SPDX-License-Identifier: MIT */
/* test_plan.c: which reminders a treatment should have, and when, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture/testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "delivery.h"
#include "plan.h"
#include "tz.h"
#include "util.h"

#define SMS	CHANNEL_BIT(CHANNEL_SMS)
#define EMAIL	CHANNEL_BIT(CHANNEL_EMAIL)
#define DAY	86400
/* 2026-11-24T14:00:00Z */
#define T0	((time_t)1795528800)
#define AT	"2026-11-24T14:00:00Z"
#define PHONE	"+1 555 0101"

#define MS(n, a, v, cal, ch)						\
	{ .name = n, .after = a, .valid_for = v, .template = n,		\
	  .sms = "Text.", .calendar = cal, .channels = ch }

/* A kind of 64 characters, the longest, in lower and in upper case. */
#define LOWER64	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"
#define UPPER64	"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL"

static struct milestone three[] = {
	MS("24h", DAY, 3 * DAY, false, SMS),
	MS("1w", 7 * DAY, 3 * DAY, false, SMS),
	MS("2w", 14 * DAY, 5 * DAY, false, SMS),
};
static struct milestone both[] = {
	MS("24h", DAY, 3 * DAY, false, SMS | EMAIL),
	MS("1w", 7 * DAY, 3 * DAY, false, EMAIL),
};
static struct milestone peel[] = {
	MS("3d", 3 * DAY, 3 * DAY, false, SMS),
};
static struct milestone before[] = {
	MS("pre3d", -3 * DAY, 2 * DAY, true, SMS),
	MS("24h", DAY, 3 * DAY, false, SMS),
};
/* 24 hours of elapsed time; a week on the wall clock */
static struct milestone local[] = {
	MS("24h", DAY, 3 * DAY, false, SMS),
	MS("1w", 7 * DAY, 3 * DAY, true, SMS),
};
/* More reminders than a result first has room for. */
static struct milestone many[] = {
	MS("1d", DAY, DAY, false, SMS | EMAIL),
	MS("2d", 2 * DAY, DAY, false, SMS | EMAIL),
	MS("3d", 3 * DAY, DAY, false, SMS | EMAIL),
	MS("4d", 4 * DAY, DAY, false, SMS | EMAIL),
	MS("5d", 5 * DAY, DAY, false, SMS | EMAIL),
	MS("6d", 6 * DAY, DAY, false, SMS | EMAIL),
};
/*
 * For the email fallback: 24h and pre3d go by SMS alone, with an email
 * text; 1w by both; 2w by SMS alone, with no email text.
 */
#define MSE(n, a, v, cal, ch)						\
	{ .name = n, .after = a, .valid_for = v, .template = n,		\
	  .sms = "Text.", .subject = "Subject", .email = "Mail.",	\
	  .calendar = cal, .channels = ch }
static struct milestone fallback[] = {
	MSE("pre3d", -3 * DAY, 2 * DAY, true, SMS),
	MSE("24h", DAY, 3 * DAY, false, SMS),
	MSE("1w", 7 * DAY, 3 * DAY, false, SMS | EMAIL),
	MS("2w", 14 * DAY, 5 * DAY, false, SMS),
};
static struct plan peel_plan[] = { { "chemical_peel", peel, 1 } };
static struct plan long_plan[] = { { LOWER64, peel, 1 } };

enum { DEFAULT, CHANNELS, BEFORE, LOCAL, BERLIN, NONE, LONG, MANY, FALLBACK,
    FALLBACK_OFF, FALLBACK_NO_EMAIL, NCFG };

static struct config cfgs[NCFG] = {
	[DEFAULT] = { .timezone = "UTC", .milestones = three,
	    .nmilestones = 3 },
	/* a default plan, and one per kind */
	[CHANNELS] = { .timezone = "UTC", .milestones = both,
	    .nmilestones = 2, .plans = peel_plan, .nplans = 1 },
	[BEFORE] = { .timezone = "UTC", .milestones = before,
	    .nmilestones = 2 },
	/* quiet from 20:00 to 09:00 */
	[LOCAL] = { .timezone = "UTC", .milestones = local, .nmilestones = 2,
	    .quiet_start = 20 * 60, .quiet_end = 9 * 60 },
	/* the same, at a clinic in Berlin (its zone loaded by main()) */
	[BERLIN] = { .timezone = "Europe/Berlin", .milestones = local,
	    .nmilestones = 2, .quiet_start = 20 * 60, .quiet_end = 9 * 60 },
	/* default_plan = "none" */
	[NONE] = { .timezone = "UTC", .plans = peel_plan, .nplans = 1 },
	[LONG] = { .timezone = "UTC", .plans = long_plan, .nplans = 1 },
	[MANY] = { .timezone = "UTC", .milestones = many, .nmilestones = 6 },
	/* quiet from 20:00 to 09:00; fallback as by default */
	[FALLBACK] = { .timezone = "UTC", .milestones = fallback,
	    .nmilestones = 4, .quiet_start = 20 * 60, .quiet_end = 9 * 60,
	    .email = { .provider = EMAIL_PROVIDER_SENDGRID },
	    .delivery = { .fallback = true } },
	/* delivery.fallback = false */
	[FALLBACK_OFF] = { .timezone = "UTC", .milestones = fallback,
	    .nmilestones = 4, .quiet_start = 20 * 60, .quiet_end = 9 * 60,
	    .email = { .provider = EMAIL_PROVIDER_SENDGRID },
	    .delivery = { .fallback = false } },
	/* no email section */
	[FALLBACK_NO_EMAIL] = { .timezone = "UTC", .milestones = fallback,
	    .nmilestones = 4, .quiet_start = 20 * 60, .quiet_end = 9 * 60,
	    .delivery = { .fallback = true } },
};

/*
 * "name/channel@due" of each reminder, "!" after one made cancelled,
 * "<N" after one standing in for SMS reminder N.
 */
static void
summary(const struct plan_result *res, char *out, size_t len)
{
	const struct plan_reminder	*r;
	struct tm			 tm;
	char				 when[32];
	size_t				 i, used = 0;

	out[0] = '\0';
	for (i = 0; i < res->n; i++) {
		r = &res->reminders[i];
		assert_non_null(gmtime_r(&r->due_at, &tm));
		assert_true(strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
		    &tm) > 0);
		used += (size_t)snprintf(out + used, len - used, "%s%s/%s@%s%s",
		    i > 0 ? " " : "", r->m->name,
		    config_channel_name(r->channel), when,
		    r->cancelled ? "!" : "");
		assert_true(used < len);
		if (r->fallback_for != 0)
			used += (size_t)snprintf(out + used, len - used, "<%lld",
			    (long long)r->fallback_for);
		assert_true(used < len);
	}
}

static void
test_rows(void **state)
{
	static const struct {
		int		 cfg;
		bool		 deleted;
		const char	*performed_at;
		const char	*status;
		const char	*kind;
		const char	*phone;
		const char	*email;
		const char	*zone;		/* loaded as the store would */
		bool		 sms_opt_out;
		time_t		 now;
		enum plan_why	 why;
		const char	*want;		/* summary() */
		const char	*reason;
		const char	*warning;
	} rows[] = {
		/* 0: each milestone once, after the written time */
		{ DEFAULT, false, "2026-11-24T09:00:00-05:00", "completed",
		    "microneedling", PHONE, NULL, NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-25T14:00:00Z 1w/sms@2026-12-01T14:00:00Z "
		    "2w/sms@2026-12-08T14:00:00Z", "", "" },
		/* a treatment moved two days on */
		{ DEFAULT, false, "2026-11-26T14:00:00Z", "scheduled",
		    "microneedling", PHONE, NULL, NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-27T14:00:00Z 1w/sms@2026-12-03T14:00:00Z "
		    "2w/sms@2026-12-10T14:00:00Z", "", "" },
		/* gone or called off */
		{ DEFAULT, true, NULL, NULL, NULL, NULL, NULL, NULL, false,
		    T0, PLAN_DELETED, "", "treatment deleted", "" },
		{ DEFAULT, false, AT, "cancelled", "microneedling", PHONE,
		    NULL, NULL, false, T0, PLAN_CALLED_OFF, "",
		    "treatment cancelled", "" },
		{ DEFAULT, false, AT, "no_show", "microneedling", PHONE, NULL,
		    NULL, false, T0, PLAN_CALLED_OFF, "", "treatment no_show",
		    "" },
		/* 5: the status is read before the time */
		{ DEFAULT, false, "next tuesday", "cancelled", "microneedling",
		    PHONE, NULL, NULL, false, T0, PLAN_CALLED_OFF, "",
		    "treatment cancelled", "" },
		{ DEFAULT, false, AT, "postponed", "microneedling", PHONE, NULL,
		    NULL, false, T0, PLAN_BAD_STATUS, "", "unknown status "
		    "\"postponed\" (expected scheduled, completed, cancelled or "
		    "no_show)", "unknown status" },
		{ DEFAULT, false, "next tuesday", "Scheduled", "microneedling",
		    PHONE, NULL, NULL, false, T0, PLAN_BAD_STATUS, "",
		    "unknown status \"Scheduled\" (expected scheduled, "
		    "completed, cancelled or no_show)", "unknown status" },
		{ DEFAULT, false, AT, NULL, "microneedling", PHONE, NULL, NULL,
		    false, T0, PLAN_BAD_STATUS, "", "unknown status \"\" "
		    "(expected scheduled, completed, cancelled or no_show)",
		    "unknown status" },
		/* a long status is quoted to 40 characters */
		{ DEFAULT, false, AT, UPPER64, "microneedling", PHONE, NULL,
		    NULL, false, T0, PLAN_BAD_STATUS, "", "unknown status "
		    "\"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN\" (expected "
		    "scheduled, completed, cancelled or no_show)",
		    "unknown status" },
		/* 10: performed_at */
		{ DEFAULT, false, "next tuesday", "completed", "microneedling",
		    PHONE, NULL, NULL, false, T0, PLAN_BAD_TIME, "",
		    "performed_at is not an RFC 3339 time: \"next tuesday\": "
		    "expected a date as YYYY-MM-DD",
		    "performed_at is not an RFC 3339 time" },
		{ DEFAULT, false, "2026-11-24T14:00:00", "completed",
		    "microneedling", PHONE, NULL, NULL, false, T0,
		    PLAN_BAD_TIME, "", "performed_at is not an RFC 3339 time: "
		    "\"2026-11-24T14:00:00\": missing UTC offset (add Z or "
		    "+01:00)", "performed_at is not an RFC 3339 time" },
		{ DEFAULT, false, NULL, "completed", "microneedling", PHONE,
		    NULL, NULL, false, T0, PLAN_BAD_TIME, "",
		    "performed_at is not an RFC 3339 time: empty date-time",
		    "performed_at is not an RFC 3339 time" },
		/* a missing patient: its first channel, to fail there */
		{ DEFAULT, false, AT, "completed", "microneedling", NULL, NULL,
		    NULL, false, T0, PLAN_OK, "24h/sms@2026-11-25T14:00:00Z "
		    "1w/sms@2026-12-01T14:00:00Z 2w/sms@2026-12-08T14:00:00Z",
		    "", "" },
		/* opted out: planned all the same, and withheld */
		{ DEFAULT, false, AT, "completed", "microneedling", PHONE, NULL,
		    NULL, true, T0, PLAN_OK, "24h/sms@2026-11-25T14:00:00Z "
		    "1w/sms@2026-12-01T14:00:00Z 2w/sms@2026-12-08T14:00:00Z",
		    "", "" },
		/* 15: a kind without a plan, where no kind has one */
		{ DEFAULT, false, AT, "completed", "laser", PHONE, NULL, NULL,
		    false, T0, PLAN_OK, "24h/sms@2026-11-25T14:00:00Z "
		    "1w/sms@2026-12-01T14:00:00Z 2w/sms@2026-12-08T14:00:00Z",
		    "", "" },
		/* each channel with an address; with none, the first */
		{ CHANNELS, false, AT, "completed", "microneedling", PHONE,
		    NULL, NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-25T14:00:00Z 1w/email@2026-12-01T14:00:00Z",
		    "", "no plan for this kind of treatment; it gets the "
		    "default plan" },
		{ CHANNELS, false, AT, "completed", "microneedling", NULL,
		    "e@example.com", NULL, false, T0, PLAN_OK,
		    "24h/email@2026-11-25T14:00:00Z "
		    "1w/email@2026-12-01T14:00:00Z", "", "no plan for this kind "
		    "of treatment; it gets the default plan" },
		{ CHANNELS, false, AT, "completed", "microneedling", PHONE,
		    "b@example.com", NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-25T14:00:00Z 24h/email@2026-11-25T14:00:00Z "
		    "1w/email@2026-12-01T14:00:00Z", "", "no plan for this kind "
		    "of treatment; it gets the default plan" },
		{ CHANNELS, false, AT, "completed", "microneedling", "  ", "",
		    NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-25T14:00:00Z 1w/email@2026-12-01T14:00:00Z",
		    "", "no plan for this kind of treatment; it gets the "
		    "default plan" },
		/* 20: spaces around are still an address */
		{ CHANNELS, false, AT, "completed", "microneedling", " ",
		    " e@example.com ", NULL, false, T0, PLAN_OK,
		    "24h/email@2026-11-25T14:00:00Z "
		    "1w/email@2026-12-01T14:00:00Z", "", "no plan for this kind "
		    "of treatment; it gets the default plan" },
		/* a kind's own plan */
		{ CHANNELS, false, AT, "completed", "chemical_peel", PHONE,
		    "b@example.com", NULL, false, T0, PLAN_OK,
		    "3d/sms@2026-11-27T14:00:00Z", "", "" },
		{ CHANNELS, false, AT, "completed", "Chemical_Peel", PHONE,
		    NULL, NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-25T14:00:00Z 1w/email@2026-12-01T14:00:00Z",
		    "", "no plan for this kind of treatment; it gets the "
		    "default plan (did you mean chemical_peel?)" },
		{ CHANNELS, false, AT, "completed", NULL, PHONE, NULL, NULL,
		    false, T0, PLAN_OK,
		    "24h/sms@2026-11-25T14:00:00Z 1w/email@2026-12-01T14:00:00Z",
		    "", "no plan for this kind of treatment; it gets the "
		    "default plan" },
		/* before the treatment: only while it is booked and ahead */
		{ BEFORE, false, AT, "scheduled", "microneedling", PHONE, NULL,
		    NULL, false, T0 - 4 * DAY, PLAN_OK,
		    "pre3d/sms@2026-11-21T14:00:00Z "
		    "24h/sms@2026-11-25T14:00:00Z", "", "" },
		/* 25 */
		{ BEFORE, false, AT, "scheduled", "microneedling", PHONE, NULL,
		    NULL, false, T0 - 1, PLAN_OK,
		    "pre3d/sms@2026-11-21T14:00:00Z "
		    "24h/sms@2026-11-25T14:00:00Z", "", "" },
		{ BEFORE, false, AT, "scheduled", "microneedling", PHONE, NULL,
		    NULL, false, T0, PLAN_OK,
		    "pre3d/sms@2026-11-21T14:00:00Z! "
		    "24h/sms@2026-11-25T14:00:00Z", "", "" },
		{ BEFORE, false, AT, "scheduled", "microneedling", PHONE, NULL,
		    NULL, false, T0 + 3600, PLAN_OK,
		    "pre3d/sms@2026-11-21T14:00:00Z! "
		    "24h/sms@2026-11-25T14:00:00Z", "", "" },
		{ BEFORE, false, AT, "completed", "microneedling", PHONE, NULL,
		    NULL, false, T0 - 4 * DAY, PLAN_OK,
		    "pre3d/sms@2026-11-21T14:00:00Z! "
		    "24h/sms@2026-11-25T14:00:00Z", "", "" },
		/*
		 * New York across the spring-forward change (2026-03-08):
		 * 10:00 EST + 24 h is 10:00 EST; + 7 days, 10:00 EDT.
		 */
		{ LOCAL, false, "2026-03-01T10:00:00-05:00", "completed",
		    "microneedling", PHONE, NULL, "America/New_York", false,
		    T0, PLAN_OK, "24h/sms@2026-03-02T15:00:00Z "
		    "1w/sms@2026-03-08T14:00:00Z", "", "" },
		/* 30: Kolkata at 23:30 is quiet: 09:00 IST the day after */
		{ LOCAL, false, "2026-11-24T23:30:00+05:30", "completed",
		    "microneedling", PHONE, NULL, "Asia/Kolkata", false, T0,
		    PLAN_OK, "24h/sms@2026-11-26T03:30:00Z "
		    "1w/sms@2026-12-02T03:30:00Z", "", "" },
		/* a zone nobody knows: the clinic's (UTC) */
		{ LOCAL, false, "2026-11-24T23:30:00Z", "completed",
		    "microneedling", PHONE, NULL, "Mars/Olympus_Mons", false,
		    T0, PLAN_OK, "24h/sms@2026-11-26T09:00:00Z "
		    "1w/sms@2026-12-02T09:00:00Z", "", "" },
		/* none: the clinic's, here Berlin's (00:30 CET) */
		{ BERLIN, false, "2026-11-24T23:30:00Z", "completed",
		    "microneedling", PHONE, NULL, NULL, false, T0, PLAN_OK,
		    "24h/sms@2026-11-26T08:00:00Z 1w/sms@2026-12-02T08:00:00Z",
		    "", "" },
		{ BERLIN, false, "2026-11-24T23:30:00Z", "completed",
		    "microneedling", PHONE, NULL, "UTC", false, T0, PLAN_OK,
		    "24h/sms@2026-11-26T09:00:00Z 1w/sms@2026-12-02T09:00:00Z",
		    "", "" },
		/* default_plan "none" */
		{ NONE, false, AT, "completed", "laser_resurfacing", PHONE,
		    NULL, NULL, false, T0, PLAN_UNKNOWN_KIND, "",
		    "no plan for kind \"laser_resurfacing\" and default_plan is "
		    "\"none\": add a plan for it, or a default plan",
		    "no plan for this kind of treatment and default_plan is "
		    "\"none\"; it gets no reminders (see aftercarectl status)" },
		/* 35 */
		{ NONE, false, AT, "completed", "Chemical_Peel", PHONE, NULL,
		    NULL, false, T0, PLAN_UNKNOWN_KIND, "",
		    "no plan for kind \"Chemical_Peel\" and default_plan is "
		    "\"none\": did you mean \"chemical_peel\"? (kinds are "
		    "matched exactly, case included)",
		    "no plan for this kind of treatment and default_plan is "
		    "\"none\"; it gets no reminders (did you mean chemical_peel? "
		    "see aftercarectl status)" },
		{ NONE, false, AT, "completed", "laser resurfacing!", PHONE,
		    NULL, NULL, false, T0, PLAN_UNKNOWN_KIND, "",
		    "kind is not 1 to 64 of A-Z a-z 0-9 _ -, so it has no plan, "
		    "and default_plan is \"none\"",
		    "no plan for this kind of treatment and default_plan is "
		    "\"none\"; it gets no reminders (see aftercarectl status)" },
		{ NONE, false, AT, "completed", NULL, PHONE, NULL, NULL, false,
		    T0, PLAN_UNKNOWN_KIND, "",
		    "kind is not 1 to 64 of A-Z a-z 0-9 _ -, so it has no plan, "
		    "and default_plan is \"none\"",
		    "no plan for this kind of treatment and default_plan is "
		    "\"none\"; it gets no reminders (see aftercarectl status)" },
		{ NONE, false, AT, "completed", "chemical_peel", PHONE, NULL,
		    NULL, false, T0, PLAN_OK, "3d/sms@2026-11-27T14:00:00Z", "",
		    "" },
		/* the status and the time come before the kind */
		{ NONE, false, AT, "no_show", "laser_resurfacing", PHONE, NULL,
		    NULL, false, T0, PLAN_CALLED_OFF, "", "treatment no_show",
		    "" },
		/* 40 */
		{ NONE, false, "yesterday", "completed", "laser_resurfacing",
		    PHONE, NULL, NULL, false, T0, PLAN_BAD_TIME, "",
		    "performed_at is not an RFC 3339 time: \"yesterday\": "
		    "expected a date as YYYY-MM-DD",
		    "performed_at is not an RFC 3339 time" },
		/* the longest kind: the log's line is cut at 159 characters */
		{ LONG, false, AT, "completed", UPPER64, PHONE, NULL, NULL,
		    false, T0, PLAN_UNKNOWN_KIND, "",
		    "no plan for kind \"" UPPER64 "\" and default_plan is "
		    "\"none\": did you mean \"" LOWER64 "\"? (kinds are matched "
		    "exactly, case included)",
		    "no plan for this kind of treatment and default_plan is "
		    "\"none\"; it gets no reminders (did you mean "
		    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi" },
		/* more than a result first has room for, then fewer again */
		{ MANY, false, AT, "completed", "microneedling", PHONE,
		    "b@example.com", NULL, false, T0, PLAN_OK,
		    "1d/sms@2026-11-25T14:00:00Z 1d/email@2026-11-25T14:00:00Z "
		    "2d/sms@2026-11-26T14:00:00Z 2d/email@2026-11-26T14:00:00Z "
		    "3d/sms@2026-11-27T14:00:00Z 3d/email@2026-11-27T14:00:00Z "
		    "4d/sms@2026-11-28T14:00:00Z 4d/email@2026-11-28T14:00:00Z "
		    "5d/sms@2026-11-29T14:00:00Z 5d/email@2026-11-29T14:00:00Z "
		    "6d/sms@2026-11-30T14:00:00Z 6d/email@2026-11-30T14:00:00Z",
		    "", "" },
		{ DEFAULT, false, AT, "completed", "microneedling", PHONE, NULL,
		    NULL, false, T0, PLAN_OK, "24h/sms@2026-11-25T14:00:00Z "
		    "1w/sms@2026-12-01T14:00:00Z 2w/sms@2026-12-08T14:00:00Z",
		    "", "" },
		{ DEFAULT, true, NULL, NULL, NULL, NULL, NULL, NULL, false,
		    T0, PLAN_DELETED, "", "treatment deleted", "" },
	};
	struct plan_result	 res;
	struct plan_treatment	 t;
	struct plan_patient	 p;
	struct tz		*zone;
	char			 got[1024], err[160];
	size_t			 i, j;

	(void)state;
	plan_result_init(&res);
	for (i = 0; i < NELEM(rows); i++) {
		memset(&t, 0, sizeof(t));
		memset(&p, 0, sizeof(p));
		t.id = (int64_t)i + 1;
		t.found = !rows[i].deleted;
		t.performed_at = rows[i].performed_at;
		t.status = rows[i].status;
		t.kind = rows[i].kind;
		p.phone = rows[i].phone;
		p.email = rows[i].email;
		/* An unknown zone is NULL, as the store hands it over. */
		zone = rows[i].zone ? tz_load(rows[i].zone, err, sizeof(err)) :
		    NULL;
		p.zone = zone;
		p.opt_in[CHANNEL_SMS] = !rows[i].sms_opt_out;
		p.opt_in[CHANNEL_EMAIL] = true;
		plan_reminders(&cfgs[rows[i].cfg], &t, &p, rows[i].now, &res);
		tz_free(zone);
		summary(&res, got, sizeof(got));
		if (res.why != rows[i].why)
			ROW_FAIL(i, "why %d, want %d", res.why, rows[i].why);
		if (strcmp(got, rows[i].want) != 0)
			ROW_FAIL(i, "reminders \"%s\", want \"%s\"", got,
			    rows[i].want);
		if (strcmp(res.reason, rows[i].reason) != 0)
			ROW_FAIL(i, "reason \"%s\", want \"%s\"", res.reason,
			    rows[i].reason);
		if (strcmp(res.warning, rows[i].warning) != 0)
			ROW_FAIL(i, "warning \"%s\", want \"%s\"", res.warning,
			    rows[i].warning);
		if (res.consent[CHANNEL_SMS] == rows[i].sms_opt_out ||
		    !res.consent[CHANNEL_EMAIL])
			ROW_FAIL(i, "consent %d %d", res.consent[CHANNEL_SMS],
			    res.consent[CHANNEL_EMAIL]);
		for (j = 0; j < res.n; j++) {
			if (res.reminders[j].expires_at !=
			    res.reminders[j].due_at +
			    res.reminders[j].m->valid_for)
				ROW_FAIL(i, "reminder %zu expires at %lld", j,
				    (long long)res.reminders[j].expires_at);
			if (res.reminders[j].cancelled != NULL &&
			    strcmp(res.reminders[j].cancelled, "a reminder for "
			    "before the treatment, which is no longer ahead") !=
			    0)
				ROW_FAIL(i, "reminder %zu cancelled: %s", j,
				    res.reminders[j].cancelled);
		}
	}
	plan_result_clear(&res);
	assert_null(res.reminders);
	assert_int_equal(res.n, 0);
}

/*
 * Consent and the STOP list: a channel may be sent on when the patient
 * consents and, for SMS, the number is not on the list; which one says
 * no is told (stopped, and why SMS is withheld), whatever the treatment.
 */
static void
test_stopped(void **state)
{
	static const struct {
		bool		 sms_opt_in;
		bool		 stopped;
		bool		 deleted;
		bool		 want_sms;
		bool		 want_stopped;
		const char	*want_withheld;	/* SMS's, when withheld */
	} rows[] = {
		{ true, false, false, true, false, NULL },
		{ true, true, false, false, true, PLAN_STOPPED_REASON },
		{ false, false, false, false, false,
		    "the patient opted out of SMS" },
		/* both: the STOP, which the carrier enforces, says so */
		{ false, true, false, false, true, PLAN_STOPPED_REASON },
		/* a deleted treatment: the reminders go anyway */
		{ true, true, true, false, true, PLAN_STOPPED_REASON },
	};
	struct plan_result	 res;
	struct plan_treatment	 t;
	struct plan_patient	 p;
	size_t			 i;

	(void)state;
	plan_result_init(&res);
	for (i = 0; i < NELEM(rows); i++) {
		memset(&t, 0, sizeof(t));
		memset(&p, 0, sizeof(p));
		t.id = 1;
		t.found = !rows[i].deleted;
		t.performed_at = AT;
		t.status = "completed";
		p.phone = PHONE;
		p.opt_in[CHANNEL_SMS] = rows[i].sms_opt_in;
		p.opt_in[CHANNEL_EMAIL] = true;
		p.stopped = rows[i].stopped;
		plan_reminders(&cfgs[CHANNELS], &t, &p, T0, &res);
		if (res.consent[CHANNEL_SMS] != rows[i].want_sms)
			ROW_FAIL(i, "SMS consent %d", res.consent[CHANNEL_SMS]);
		if (res.stopped != rows[i].want_stopped)
			ROW_FAIL(i, "stopped %d", res.stopped);
		if (rows[i].want_withheld != NULL &&
		    strcmp(res.withheld[CHANNEL_SMS], rows[i].want_withheld) !=
		    0)
			ROW_FAIL(i, "withheld \"%s\"",
			    res.withheld[CHANNEL_SMS]);
		/* email is no business of the STOP list */
		if (!res.consent[CHANNEL_EMAIL])
			ROW_FAIL(i, "email withheld");
		/* the plan is the same: the store withholds */
		if (!rows[i].deleted && res.n != 2)
			ROW_FAIL(i, "%zu reminders", res.n);
	}
	plan_result_clear(&res);
}

#define FB_ALL	"pre3d/sms@2026-11-21T14:00:00Z! 24h/sms@2026-11-25T14:00:00Z " \
		"1w/sms@2026-12-01T14:00:00Z 1w/email@2026-12-01T14:00:00Z " \
		"2w/sms@2026-12-08T14:00:00Z"
#define FB_24H	"pre3d/sms@2026-11-21T14:00:00Z! 24h/sms@2026-11-25T14:00:00Z "
#define FB_REST	"1w/sms@2026-12-01T14:00:00Z 1w/email@2026-12-01T14:00:00Z " \
		"2w/sms@2026-12-08T14:00:00Z"
#define FB_EMAIL "e@example.com"

/*
 * An SMS undelivered for good goes by email too, as a reminder of its
 * own: when that was learnt, out of the quiet hours, inside the
 * milestone's window, to a patient with an address, where the milestone
 * does not go by email already and its template has an email text; and
 * an address that unsubscribed or bounced withholds email.
 */
static void
test_fallback(void **state)
{
	static const struct {
		int		 cfg;
		const char	*milestone;	/* undelivered; NULL: none */
		const char	*delivery;	/* its state */
		const char	*error;
		time_t		 at;
		const char	*email;
		int		 address;	/* 1 unsubscribed, 2 bounced */
		bool		 email_opt_out;
		const char	*want;		/* summary() */
		const char	*withheld;	/* email's reason, if withheld */
	} rows[] = {
		/* 0: nothing undelivered */
		{ FALLBACK, NULL, NULL, NULL, 0, FB_EMAIL, 0, false, FB_ALL,
		    NULL },
		/* unknown number, landline, filtered, STOP: by email, at once */
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 3600,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-25T15:00:00Z<7 " FB_REST, NULL },
		{ FALLBACK, "24h", "undelivered", "30006", T0 + DAY + 60,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-25T14:01:00Z<7 " FB_REST, NULL },
		{ FALLBACK, "24h", "undelivered", "30007", T0 + DAY + 60,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-25T14:01:00Z<7 " FB_REST, NULL },
		{ FALLBACK, "24h", "failed", "21610", T0 + DAY + 60,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-25T14:01:00Z<7 " FB_REST, NULL },
		/* 5: reasons a later try could help, or none given */
		{ FALLBACK, "24h", "undelivered", "30003", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "undelivered", "30008", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "undelivered", NULL, T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "undelivered", "", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "undelivered", "30005x", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* 10 */
		{ FALLBACK, "24h", "undelivered", "-30005", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "undelivered", "0000030005", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "undelivered", "99999", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* a state that is not a failure */
		{ FALLBACK, "24h", "delivered", "30005", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		{ FALLBACK, "24h", "sent", "30005", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* 15: learnt in the quiet hours: at their end */
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 8 * 3600,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-26T09:00:00Z<7 " FB_REST, NULL },
		/* learnt before it was due (a clock off): when it was due */
		{ FALLBACK, "24h", "undelivered", "30005", T0,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-25T14:00:00Z<7 " FB_REST, NULL },
		/* the window closes 2026-11-28T14:00:00Z */
		{ FALLBACK, "24h", "undelivered", "30005", T0 + 4 * DAY - 1,
		    FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-28T13:59:59Z<7 " FB_REST, NULL },
		{ FALLBACK, "24h", "undelivered", "30005", T0 + 4 * DAY,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* the quiet hours end before the window does */
		{ FALLBACK, "24h", "undelivered", "30005",
		    T0 + 4 * DAY - 7 * 3600, FB_EMAIL, 0, false,
		    FB_24H "24h/email@2026-11-28T09:00:00Z<7 " FB_REST, NULL },
		/* 20: no address, or only spaces */
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 60, NULL,
		    0, false, "pre3d/sms@2026-11-21T14:00:00Z! "
		    "24h/sms@2026-11-25T14:00:00Z 1w/sms@2026-12-01T14:00:00Z "
		    "2w/sms@2026-12-08T14:00:00Z", NULL },
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 60, "  ",
		    0, false, "pre3d/sms@2026-11-21T14:00:00Z! "
		    "24h/sms@2026-11-25T14:00:00Z 1w/sms@2026-12-01T14:00:00Z "
		    "2w/sms@2026-12-08T14:00:00Z", NULL },
		/* opted out of email: planned, and withheld as others are */
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 60,
		    FB_EMAIL, 0, true,
		    FB_24H "24h/email@2026-11-25T14:01:00Z<7 " FB_REST,
		    "the patient opted out of email" },
		/* the address unsubscribed or bounced: withheld likewise */
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 60,
		    FB_EMAIL, 1, false,
		    FB_24H "24h/email@2026-11-25T14:01:00Z<7 " FB_REST,
		    "the patient's email address unsubscribed or reported "
		    "spam" },
		{ FALLBACK, "24h", "undelivered", "30005", T0 + DAY + 60,
		    FB_EMAIL, 2, false,
		    FB_24H "24h/email@2026-11-25T14:01:00Z<7 " FB_REST,
		    "the patient's email address bounced; it is sent to again "
		    "once it changes" },
		/* 25: a milestone already going by email gets no second one */
		{ FALLBACK, "1w", "undelivered", "30005", T0 + 7 * DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* a template without an email text */
		{ FALLBACK, "2w", "undelivered", "30005", T0 + 14 * DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* a reminder for before the treatment that is no longer ahead */
		{ FALLBACK, "pre3d", "undelivered", "30005", T0 - 3 * DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* a milestone no longer in the plan */
		{ FALLBACK, "3d", "undelivered", "30005", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* delivery.fallback = false; no email provider */
		{ FALLBACK_OFF, "24h", "undelivered", "30005", T0 + DAY + 60,
		    FB_EMAIL, 0, false, FB_ALL, NULL },
		/* 30 */
		{ FALLBACK_NO_EMAIL, "24h", "undelivered", "30005",
		    T0 + DAY + 60, FB_EMAIL, 0, false, "pre3d/sms@"
		    "2026-11-21T14:00:00Z! 24h/sms@2026-11-25T14:00:00Z "
		    "1w/sms@2026-12-01T14:00:00Z 1w/email@2026-12-01T14:00:00Z "
		    "2w/sms@2026-12-08T14:00:00Z", NULL },
	};
	struct plan_result	 res;
	struct plan_treatment	 t;
	struct plan_patient	 p;
	struct plan_undelivered	 u;
	char			 got[1024];
	size_t			 i;

	(void)state;
	plan_result_init(&res);
	for (i = 0; i < NELEM(rows); i++) {
		memset(&t, 0, sizeof(t));
		memset(&p, 0, sizeof(p));
		memset(&u, 0, sizeof(u));
		t.id = 3;
		t.found = true;
		t.performed_at = AT;
		t.status = "completed";
		t.kind = "microneedling";
		if (rows[i].milestone != NULL) {
			u.reminder_id = 7;
			u.milestone = rows[i].milestone;
			assert_int_equal(delivery_parse(rows[i].delivery,
			    &u.state), 0);
			u.error = rows[i].error;
			u.at = rows[i].at;
			t.undelivered = &u;
			t.nundelivered = 1;
		}
		p.phone = PHONE;
		p.email = rows[i].email;
		p.opt_in[CHANNEL_SMS] = true;
		p.opt_in[CHANNEL_EMAIL] = !rows[i].email_opt_out;
		p.email_unsubscribed = rows[i].address == 1;
		p.email_bounced = rows[i].address == 2;
		plan_reminders(&cfgs[rows[i].cfg], &t, &p, T0 + 30 * DAY, &res);
		summary(&res, got, sizeof(got));
		if (res.why != PLAN_OK)
			ROW_FAIL(i, "why %d", res.why);
		if (strcmp(got, rows[i].want) != 0)
			ROW_FAIL(i, "reminders \"%s\", want \"%s\"", got,
			    rows[i].want);
		if (!res.consent[CHANNEL_SMS] ||
		    res.consent[CHANNEL_EMAIL] != (rows[i].withheld == NULL))
			ROW_FAIL(i, "consent %d %d", res.consent[CHANNEL_SMS],
			    res.consent[CHANNEL_EMAIL]);
		if (rows[i].withheld != NULL &&
		    strcmp(res.withheld[CHANNEL_EMAIL], rows[i].withheld) != 0)
			ROW_FAIL(i, "withheld \"%s\"",
			    res.withheld[CHANNEL_EMAIL]);
		/* The window stays the milestone's own. */
		if (res.n > 2 && res.reminders[2].fallback_for != 0 &&
		    res.reminders[2].expires_at != T0 + 4 * DAY)
			ROW_FAIL(i, "fallback expires at %lld",
			    (long long)res.reminders[2].expires_at);
	}
	plan_result_clear(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_fallback),
	};
	char	err[160];
	int	ret;

	if ((cfgs[BERLIN].zone = tz_load("Europe/Berlin", err,
	    sizeof(err))) == NULL) {
		(void)fprintf(stderr, "%s\n", err);
		return 1;
	}
	ret = cmocka_run_group_tests_name("plan", tests, NULL, NULL);
	tz_free(cfgs[BERLIN].zone);
	return ret;
}
