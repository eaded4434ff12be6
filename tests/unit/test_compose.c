/* SPDX-License-Identifier: MIT */
/* test_compose.c: what a claimed reminder becomes, row by row. */

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

#include "compose.h"
#include "config.h"
#include "store.h"

/* 2026-11-25T14:00:00Z: after every treatment in the tables */
#define NOW	((time_t)1795615200)

static struct milestone ms[] = {
	{ .name = "24h", .after = 86400, .valid_for = 3 * 86400,
	  .template = "day1", .sms = "Hi {first_name}, {treatment} on "
	  "{treatment_date} at {clinic_name}. Call {clinic_phone}.",
	  .channels = CHANNEL_BIT(CHANNEL_SMS) },
};

static struct config cfg = {
	.clinic_name = "Test Clinic",
	.clinic_phone = "+1 555 0100",
	.milestones = ms,
	.nmilestones = 1,
};

static void
test_rows(void **state)
{
	static const struct {
		const char	*milestone;
		bool		 treatment_found;
		const char	*status;
		const char	*performed_at;
		bool		 patient_found;
		const char	*name;
		const char	*phone;
		bool		 opt_in;
		enum compose_result want;
		const char	*want_text;	/* body or reason substring */
		const char	*want_to;
	} rows[] = {
		{ "24h", true, "completed", "2026-11-24T09:00:00-05:00", true,
		    "Ana María López", "+1 (555) 010-0123", true, COMPOSE_SEND,
		    "Hi Ana, microneedling on Tuesday 24 November at Test "
		    "Clinic. Call +1 555 0100.", "+15550100123" },
		{ "24h", true, "scheduled", "2026-11-24T23:30:00-05:00", true,
		    "  Zoë 😀", "+15550100124", true, COMPOSE_SEND,
		    "Hi Zoë, microneedling on Tuesday 24 November", NULL },
		{ "24h", true, "completed", "2026-11-24T14:00:00Z", true,
		    "Bo", "555 0101", true, COMPOSE_FAIL, "country code", NULL },
		{ "24h", true, "completed", "2026-11-24T14:00:00Z", true,
		    "Bo", NULL, true, COMPOSE_FAIL, "has no phone number",
		    NULL },
		{ "24h", true, "completed", "2026-11-24T14:00:00Z", true,
		    "Bo", "  ", true, COMPOSE_FAIL, "has no phone number",
		    NULL },
		{ "24h", true, "completed", "2026-11-24T14:00:00Z", true,
		    "Bo", "+1555abc0101", true, COMPOSE_FAIL, "patient 7",
		    NULL },
		{ "24h", true, "completed", "2026-11-24T14:00:00Z", true,
		    "Bo", "+15550100123", false, COMPOSE_CANCEL,
		    "opted out of SMS", NULL },
		{ "24h", true, "completed", "2026-11-24T14:00:00Z", false,
		    NULL, NULL, false, COMPOSE_FAIL, "patient 7 of treatment 3 "
		    "does not exist", NULL },
		{ "24h", false, NULL, NULL, false, NULL, NULL, false,
		    COMPOSE_CANCEL, "treatment 3 no longer exists", NULL },
		{ "24h", true, "cancelled", "2026-11-24T14:00:00Z", true,
		    "Bo", "+15550100123", true, COMPOSE_CANCEL,
		    "treatment cancelled", NULL },
		{ "24h", true, "no_show", "2026-11-24T14:00:00Z", true,
		    "Bo", "+15550100123", true, COMPOSE_CANCEL,
		    "treatment no_show", NULL },
		{ "3m", true, "completed", "2026-11-24T14:00:00Z", true,
		    "Bo", "+15550100123", true, COMPOSE_CANCEL,
		    "no longer in the plan", NULL },
	};
	struct reminder	 r;
	struct composed	 c;
	const char	*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.id = 1;
		r.treatment_id = 3;
		r.patient_id = 7;
		r.milestone = (char *)(uintptr_t)rows[i].milestone;
		r.channel = "sms";
		r.treatment_found = rows[i].treatment_found;
		r.status = (char *)(uintptr_t)rows[i].status;
		r.performed_at = (char *)(uintptr_t)rows[i].performed_at;
		r.kind = "microneedling";
		r.patient_found = rows[i].patient_found;
		r.full_name = (char *)(uintptr_t)rows[i].name;
		r.phone = (char *)(uintptr_t)rows[i].phone;
		r.sms_opt_in = rows[i].opt_in;
		if (compose_message(&cfg, &r, NOW, &c) != rows[i].want)
			fail_msg("row %zu: result %d, want %d (%s)", i,
			    (int)compose_message(&cfg, &r, NOW, &c), (int)rows[i].want,
			    c.reason);
		text = rows[i].want == COMPOSE_SEND ? c.body : c.reason;
		if (strstr(text, rows[i].want_text) == NULL)
			fail_msg("row %zu: \"%s\" lacks \"%s\"", i, text,
			    rows[i].want_text);
		if (rows[i].want_to != NULL && strcmp(c.to, rows[i].want_to))
			fail_msg("row %zu: to %s, want %s", i, c.to,
			    rows[i].want_to);
		/* reasons are logged: never a number or a name */
		if (rows[i].want != COMPOSE_SEND && rows[i].phone != NULL &&
		    strstr(c.reason, "0101") != NULL)
			fail_msg("row %zu: reason leaks the number", i);
		compose_clear(&c);
	}
}

/* A new string of n copies of unit. */
static char *
repeat(const char *unit, size_t n)
{
	size_t	 u = strlen(unit), i;
	char	*s = malloc(u * n + 1);

	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	return s;
}

/*
 * Bad values in the booking software's columns (tests/BAD_INPUTS.md):
 * each gives a clean message or a reason, never a crash, and a reason
 * never repeats the name or the number.
 */
static void
test_bad_values(void **state)
{
	enum { LONG_NONE, LONG_NAME, LONG_EMOJI, LONG_PHONE, LONG_KIND };
	static const struct {
		const char	*name;
		const char	*phone;
		const char	*kind;
		const char	*performed_at;
		const char	*milestone;
		int		 longer;	/* which one is 100 kB */
		enum compose_result want;
		const char	*want_text;	/* body or reason substring */
	} rows[] = {
		/* 0: names: the first word, cleaned */
		{ "Kai\nNewline", "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi Kai, microneedling" },
		{ "\r\n\tLina\r\nBcc: x", "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi Lina, microneedling" },
		{ "\aIvo\x1b\x7f\xc2\x85x", "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi Ivo, microneedling" },
		{ "\xe2\x80\xaeOlga\xe2\x80\x8b", "+15550100123",
		    "microneedling", "2026-11-24T14:00:00Z", "24h", LONG_NONE,
		    COMPOSE_SEND, "Hi Olga, microneedling" },
		{ "Ren\xe9" "e \xff\xfe", "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi Rene, microneedling" },
		{ "D'Arcy \"DJ\"", "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi D'Arcy, microneedling" },
		{ NULL, "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi there, microneedling on Tuesday 24 November" },
		{ " \t\n", "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi there, microneedling on Tuesday 24 November" },
		{ NULL, "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NAME, COMPOSE_SEND,
		    "Hi aaaaaaaa" },
		{ NULL, "+15550100123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_EMOJI, COMPOSE_SEND,
		    "Hi \xf0\x9f\x98\x80" },
		/* 10: kinds: named as written */
		{ "Bo", "+15550100123", "laser_resurfacing",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_SEND,
		    "Hi Bo, laser resurfacing on" },
		{ "Bo", "+15550100123", NULL, "2026-11-24T14:00:00Z", "24h",
		    LONG_NONE, COMPOSE_SEND, "Hi Bo, treatment on Tuesday 24 "
		    "November at Test" },
		{ "Bo", "+15550100123", "microneedling", "2026-11-24T14:00:00Z",
		    NULL, LONG_NONE, COMPOSE_CANCEL, "is no longer in the plan" },
		{ "Bo", "+15550100123", NULL, "2026-11-24T14:00:00Z", "24h",
		    LONG_KIND, COMPOSE_SEND, "Hi Bo, laserlaser" },
		/* 13: no usable time, number or milestone */
		{ "Bo", "+15550100123", "microneedling", NULL, "24h",
		    LONG_NONE, COMPOSE_FAIL, "treatment 3: performed_at is "
		    "not an RFC 3339 time" },
		{ "Bo", "+15550100123", "microneedling", "yesterday", "24h",
		    LONG_NONE, COMPOSE_FAIL, "performed_at is not" },
		{ "Bo", "\t \t", "microneedling", "2026-11-24T14:00:00Z", "24h",
		    LONG_NONE, COMPOSE_FAIL, "has no phone number" },
		{ "Bo", NULL, "microneedling", "2026-11-24T14:00:00Z", "24h",
		    LONG_PHONE, COMPOSE_FAIL, "E.164 allows at most 15" },
		{ "Bo", "(555) 010-0123", "microneedling",
		    "2026-11-24T14:00:00Z", "24h", LONG_NONE, COMPOSE_FAIL,
		    "no country code" },
	};
	struct reminder	 r;
	struct composed	 c;
	const char	*text;
	char		*big;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.id = 1;
		r.treatment_id = 3;
		r.patient_id = 7;
		r.milestone = (char *)(uintptr_t)rows[i].milestone;
		r.channel = "sms";
		r.treatment_found = true;
		r.status = "completed";
		r.performed_at = (char *)(uintptr_t)rows[i].performed_at;
		r.kind = (char *)(uintptr_t)rows[i].kind;
		r.patient_found = true;
		r.full_name = (char *)(uintptr_t)rows[i].name;
		r.phone = (char *)(uintptr_t)rows[i].phone;
		r.sms_opt_in = true;
		big = NULL;
		switch (rows[i].longer) {
		case LONG_NAME:
			r.full_name = big = repeat("a", 100 * 1024);
			break;
		case LONG_EMOJI:
			r.full_name = big = repeat("\xf0\x9f\x98\x80", 25600);
			break;
		case LONG_PHONE:
			r.phone = big = repeat("5", 10 * 1024);
			big[0] = '+';
			break;
		case LONG_KIND:
			r.kind = big = repeat("laser", 20 * 1024);
			break;
		}
		if (compose_message(&cfg, &r, NOW, &c) != rows[i].want)
			fail_msg("row %zu: want %d (%s)", i, (int)rows[i].want,
			    c.body != NULL ? c.body : c.reason);
		text = rows[i].want == COMPOSE_SEND ? c.body : c.reason;
		if (strstr(text, rows[i].want_text) == NULL)
			fail_msg("row %zu: \"%s\" lacks \"%s\"", i, text,
			    rows[i].want_text);
		if (!testutil_clean_utf8(text) || strlen(text) > 400)
			fail_msg("row %zu: not clean or too long: %.400s", i,
			    text);
		/* reasons are logged: never a number or a name */
		if (rows[i].want != COMPOSE_SEND &&
		    (strstr(c.reason, "555") != NULL ||
		    strstr(c.reason, "Bo") != NULL))
			fail_msg("row %zu: reason leaks: %s", i, c.reason);
		compose_clear(&c);
		free(big);
	}
}

/* A reminder before the treatment: only while it is ahead and booked. */
static void
test_before_treatment(void **state)
{
	static struct milestone pre[] = {
		{ .name = "pre", .after = -3 * 86400, .valid_for = 86400,
		  .template = "pre", .sms = "See you soon, {first_name}.",
		  .calendar = true, .channels = CHANNEL_BIT(CHANNEL_SMS) },
	};
	static const struct {
		const char		*status;
		time_t			 now;
		enum compose_result	 want;
	} rows[] = {
		{ "scheduled", NOW - 86400, COMPOSE_SEND },
		{ "completed", NOW - 86400, COMPOSE_CANCEL },
		{ "scheduled", NOW + 86400, COMPOSE_CANCEL },
		{ "scheduled", NOW, COMPOSE_CANCEL },
	};
	struct config	 c2 = cfg;
	struct reminder	 r;
	struct composed	 c;
	size_t		 i;

	(void)state;
	c2.milestones = pre;
	c2.nmilestones = 1;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.treatment_id = 3;
		r.patient_id = 7;
		r.milestone = "pre";
		r.channel = "sms";
		r.treatment_found = true;
		r.status = (char *)(uintptr_t)rows[i].status;
		r.performed_at = "2026-11-25T14:00:00Z";	/* NOW */
		r.kind = "microneedling";
		r.patient_found = true;
		r.full_name = "Bo";
		r.phone = "+15550100123";
		r.sms_opt_in = true;
		if (compose_message(&c2, &r, rows[i].now, &c) != rows[i].want)
			fail_msg("row %zu: want %d (%s)", i, (int)rows[i].want,
			    c.reason);
		compose_clear(&c);
	}
}

/*
 * Email: the patient's consent and address, the texts in their language
 * (falling back to the clinic's), names escaped in HTML and kept to one
 * line in the subject.
 */
static void
test_email(void **state)
{
	static struct texts langs[] = {
		{ .lang = "es", .sms = "Hola {first_name}.",
		  .subject = "Hola {first_name}",
		  .email = "Hola {first_name}, {treatment}." },
		{ .lang = "fr", .sms = "Bonjour {first_name}." },
	};
	static struct milestone both[] = {
		{ .name = "24h", .after = 86400, .valid_for = 86400,
		  .template = "day1", .sms = "Hi {first_name}.",
		  .channels = CHANNEL_BIT(CHANNEL_SMS) |
		  CHANNEL_BIT(CHANNEL_EMAIL),
		  .subject = "Day one, {first_name}",
		  .email = "Hello {first_name},\nday one of {treatment}.",
		  .html = "<p>Hello {first_name}</p>",
		  .langs = langs, .nlangs = 2 },
		{ .name = "1w", .after = 7 * 86400, .valid_for = 86400,
		  .template = "week1", .sms = "Week one.",
		  .channels = CHANNEL_BIT(CHANNEL_SMS) },
	};
	static const struct {
		const char	*milestone;
		const char	*channel;
		const char	*name;
		const char	*email;
		bool		 opt_in;
		const char	*lang;
		enum compose_result want;
		const char	*want_subject;	/* or the reason */
		const char	*want_body;
		const char	*want_html;
	} rows[] = {
		{ "24h", "email", "Ana María", "ana@example.com", true, NULL,
		    COMPOSE_SEND, "Day one, Ana", "Hello Ana,\nday one of "
		    "microneedling.", "<p>Hello Ana</p>" },
		{ "24h", "email", "Ana", " ana@example.com\t", true, "ES-mx",
		    COMPOSE_SEND, "Hola Ana", "Hola Ana, microneedling.",
		    NULL },
		/* French has no email text: English, but SMS is French */
		{ "24h", "email", "Ana", "ana@example.com", true, "fr",
		    COMPOSE_SEND, "Day one, Ana", "Hello Ana", "Hello Ana" },
		{ "24h", "sms", "Ana", NULL, true, "fr", COMPOSE_SEND, NULL,
		    "Bonjour Ana.", NULL },
		{ "24h", "email", "<b>Bo</b> & \"Co\"", "bo@example.com",
		    true, NULL, COMPOSE_SEND, "Day one, <b>Bo</b>", NULL,
		    "<p>Hello &lt;b&gt;Bo&lt;/b&gt;</p>" },
		{ "24h", "email", "Bo", "bo@example.com", false, NULL,
		    COMPOSE_CANCEL, "opted out of email", NULL, NULL },
		{ "24h", "email", "Bo", NULL, true, NULL, COMPOSE_FAIL,
		    "has no email address", NULL, NULL },
		{ "24h", "email", "Bo", "   ", true, NULL, COMPOSE_FAIL,
		    "has no email address", NULL, NULL },
		{ "24h", "email", "Bo", "bo at example.com", true, NULL,
		    COMPOSE_FAIL, "not one we can send to", NULL, NULL },
		{ "24h", "email", "Bo", "bo@example.com\r\nBcc: x@example.com",
		    true, NULL, COMPOSE_FAIL, "not one we can send to", NULL,
		    NULL },
		{ "1w", "email", "Bo", "bo@example.com", true, NULL,
		    COMPOSE_CANCEL, "no longer sent by email", NULL, NULL },
		{ "24h", "fax", "Bo", "bo@example.com", true, NULL,
		    COMPOSE_CANCEL, "no longer sent by fax", NULL, NULL },
	};
	struct config	 c2 = cfg;
	struct reminder	 r;
	struct composed	 c;
	enum compose_result got;
	size_t		 i;

	(void)state;
	c2.milestones = both;
	c2.nmilestones = 2;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.id = 1;
		r.treatment_id = 3;
		r.patient_id = 7;
		r.milestone = (char *)(uintptr_t)rows[i].milestone;
		r.channel = (char *)(uintptr_t)rows[i].channel;
		r.treatment_found = true;
		r.status = "completed";
		r.performed_at = "2026-11-24T14:00:00Z";
		r.kind = "microneedling";
		r.patient_found = true;
		r.full_name = (char *)(uintptr_t)rows[i].name;
		r.phone = "+15550100123";
		r.email = (char *)(uintptr_t)rows[i].email;
		r.sms_opt_in = true;
		r.email_opt_in = rows[i].opt_in;
		r.language = (char *)(uintptr_t)rows[i].lang;
		if ((got = compose_message(&c2, &r, NOW, &c)) != rows[i].want)
			fail_msg("row %zu: result %d, want %d (%s)", i,
			    (int)got, (int)rows[i].want, c.reason);
		if (got != COMPOSE_SEND) {
			if (strstr(c.reason, rows[i].want_subject) == NULL)
				fail_msg("row %zu: reason \"%s\"", i,
				    c.reason);
			/* reasons are logged: never an address */
			if (rows[i].email != NULL && strchr(rows[i].email, '@')
			    && strstr(c.reason, "bo@") != NULL)
				fail_msg("row %zu: reason leaks", i);
			compose_clear(&c);
			continue;
		}
		if (rows[i].want_subject != NULL &&
		    strcmp(c.subject, rows[i].want_subject) != 0)
			fail_msg("row %zu: subject \"%s\"", i, c.subject);
		if (rows[i].want_body != NULL &&
		    strstr(c.body, rows[i].want_body) == NULL)
			fail_msg("row %zu: body \"%s\"", i, c.body);
		if (rows[i].want_html != NULL && (c.html == NULL ||
		    strstr(c.html, rows[i].want_html) == NULL))
			fail_msg("row %zu: html \"%s\"", i,
			    c.html ? c.html : "(none)");
		if (strcmp(rows[i].channel, "email") == 0) {
			assert_non_null(strstr(c.to, "@example.com"));
			assert_null(strchr(c.to, ' '));
			assert_int_equal(c.channel, CHANNEL_EMAIL);
			assert_non_null(c.to_name);
		}
		compose_clear(&c);
	}
}

/*
 * What the staff are told of a patient's message: the whole email of an
 * urgent reply with photos from a number two patients share, then what
 * the others change; the patient's words never become a line of ours.
 */
static void
test_escalation(void **state)
{
	static char *staff[] = {
		"nurse@clinic.example.com", "doctor@clinic.example.com"
	};
	static const char want_body[] =
	    "Maria Example (patient 12) sent the clinic an SMS on "
	    "2026-11-25 14:03 +00:00:\n"
	    "\n"
	    "> it's still swollen\n"
	    ">   and warm\n"
	    "\n"
	    "It has one of the urgent words in it.\n"
	    "It came with 2 photos, in the provider's console (aftercare "
	    "does not download them).\n"
	    "\n"
	    "Patient:   12, Maria Example\n"
	    "           1 other patient has this number: it was taken for the "
	    "one with the latest treatment\n"
	    "From:      +15550100101\n"
	    "Treatment: 7, microneedling, 2026-11-24 14:00 +00:00\n"
	    "Answers:   reminder 31 (24h), sent 2026-11-25 14:00 +00:00\n"
	    "\n"
	    "Once it is dealt with: aftercarectl reply done 5\n"
	    "\n"
	    "-- \n"
	    "aftercare, Test Clinic\n";
	static const struct {
		const char	*body;
		bool		 urgent;
		bool		 optout;
		int64_t		 patient;
		const char	*name;
		const char	*want_subject;
		const char	*want_text;	/* in the body */
		const char	*not_text;	/* not in it */
	} rows[] = {
		{ "it's still swollen\r\n  and warm", true, false, 12,
		  "Maria Example",
		  "[urgent] Reply from Maria Example (patient 12)", want_body,
		  NULL },
		{ "please stop texting me", false, true, 12, "Maria Example",
		  "[possible opt-out] Reply from Maria Example (patient 12)",
		  "It may ask the clinic to stop texting: nothing was changed. "
		  "If it does, record it with:\n  aftercarectl optout "
		  "--patient 12\n", "urgent" },
		{ "the swelling won't stop", true, true, 0, NULL,
		  "[urgent] [possible opt-out] Reply from a number no patient "
		  "has", "A number no patient has sent the clinic an SMS",
		  "Patient:" },
		/* the patient gone from the table; a name with a line break */
		{ "ok", false, false, 12, NULL, "Reply from patient 12",
		  "Patient:   12 (no longer in the patients table)\n", NULL },
		{ "ok", false, false, 12, "Maria\r\nBcc: x@example.com",
		  "Reply from Maria Bcc: x@example.com (patient 12)",
		  "Maria Bcc: x@example.com (patient 12) sent", NULL },
		/* control characters, an empty body (photos alone) */
		{ "a\x1b[31mb\x07", false, false, 12, "Maria Example", NULL,
		  "> a [31mb \n", "\x1b" },
		{ "", false, false, 12, "Maria Example", NULL,
		  "> (no text)\n", NULL },
	};
	struct config		 c = cfg;
	struct escalation	 e;
	struct composed		 out;
	size_t			 i;

	(void)state;
	c.inbound.escalate_to = staff;
	c.inbound.nescalate_to = 2;
	for (i = 0; i < NELEM(rows); i++) {
		memset(&e, 0, sizeof(e));
		e.id = 5;
		e.received_at = NOW + 180;
		e.from = (char *)(uintptr_t)"+15550100101";
		e.body = (char *)(uintptr_t)rows[i].body;
		e.num_media = 2;
		e.urgent = rows[i].urgent;
		e.possible_optout = rows[i].optout;
		e.patient_id = rows[i].patient;
		e.full_name = (char *)(uintptr_t)rows[i].name;
		e.shared_with = 1;
		e.treatment_id = 7;
		e.kind = (char *)(uintptr_t)"microneedling";
		e.performed_at = (char *)(uintptr_t)"2026-11-24T14:00:00Z";
		e.reminder_id = 31;
		e.milestone = (char *)(uintptr_t)"24h";
		e.reminder_sent_at = NOW;
		if (compose_escalation(&c, &e, &out) != COMPOSE_SEND)
			ROW_FAIL(i, "not sent: %s", out.reason);
		if (strcmp(out.to, "nurse@clinic.example.com") != 0)
			ROW_FAIL(i, "to %s", out.to);
		if (rows[i].want_subject != NULL &&
		    strcmp(out.subject, rows[i].want_subject) != 0)
			ROW_FAIL(i, "subject \"%s\"", out.subject);
		if (strstr(out.body, rows[i].want_text) == NULL)
			ROW_FAIL(i, "body \"%s\"", out.body);
		if (rows[i].not_text != NULL &&
		    strstr(out.body, rows[i].not_text) != NULL)
			ROW_FAIL(i, "body has \"%s\": %s", rows[i].not_text,
			    out.body);
		if (strchr(out.subject, '\n') != NULL ||
		    strchr(out.subject, '\r') != NULL)
			ROW_FAIL(i, "subject of two lines");
		compose_clear(&out);
	}
	/* nobody to tell */
	c.inbound.nescalate_to = 0;
	assert_int_equal(compose_escalation(&c, &e, &out), COMPOSE_FAIL);
	assert_non_null(strstr(out.reason, "escalate_to"));
	compose_clear(&out);
}

/*
 * An email standing in for an undelivered SMS goes by email although its
 * milestone does not, while delivery.fallback and the template's email
 * text allow; an address the email provider said unsubscribed or bounced
 * is an opt-out (restored with consent), after the patient's own.
 */
static void
test_fallback_address(void **state)
{
	static struct milestone fb[] = {
		{ .name = "24h", .after = 86400, .valid_for = 86400,
		  .template = "day1", .sms = "Hi {first_name}.",
		  .channels = CHANNEL_BIT(CHANNEL_SMS) |
		  CHANNEL_BIT(CHANNEL_EMAIL),
		  .subject = "Day one", .email = "Hello {first_name}." },
		{ .name = "3d", .after = 3 * 86400, .valid_for = 86400,
		  .template = "day3", .sms = "Day three.",
		  .channels = CHANNEL_BIT(CHANNEL_SMS),
		  .subject = "Day three, {first_name}",
		  .email = "Day three of {treatment}." },
		{ .name = "1w", .after = 7 * 86400, .valid_for = 86400,
		  .template = "week1", .sms = "Week one.",
		  .channels = CHANNEL_BIT(CHANNEL_SMS) },
	};
	static const struct {
		const char	*milestone;
		const char	*channel;
		int64_t		 fallback_for;
		bool		 fallback;	/* delivery.fallback */
		bool		 opt_in;
		bool		 unsubscribed;
		bool		 bounced;
		enum compose_result want;
		const char	*want_text;	/* subject, or the reason */
	} rows[] = {
		{ "3d", "email", 5, true, true, false, false, COMPOSE_SEND,
		    "Day three, Bo" },
		{ "3d", "email", 0, true, true, false, false, COMPOSE_CANCEL,
		    "milestone \"3d\" is no longer sent by email" },
		{ "3d", "email", 5, false, true, false, false, COMPOSE_CANCEL,
		    "milestone \"3d\" is no longer sent by email" },
		{ "1w", "email", 5, true, true, false, false, COMPOSE_CANCEL,
		    "milestone \"1w\" is no longer sent by email" },
		{ "3d", "sms", 5, true, true, false, false, COMPOSE_SEND,
		    NULL },
		/* 5 */
		{ "24h", "email", 0, true, true, true, false, COMPOSE_CANCEL,
		    "patient 7's email address unsubscribed or reported spam" },
		{ "24h", "email", 0, true, true, false, true, COMPOSE_CANCEL,
		    "patient 7's email address bounced; it is sent to again "
		    "once it changes" },
		{ "3d", "email", 5, true, true, false, true, COMPOSE_CANCEL,
		    "patient 7's email address bounced" },
		{ "24h", "email", 0, true, false, true, true, COMPOSE_CANCEL,
		    "patient 7 has opted out of email" },
		/* SMS is none of the email provider's business */
		{ "24h", "sms", 0, true, true, true, true, COMPOSE_SEND, NULL },
	};
	struct config	 c2 = cfg;
	struct reminder	 r;
	struct composed	 c;
	enum compose_result got;
	size_t		 i;

	(void)state;
	c2.milestones = fb;
	c2.nmilestones = 3;
	for (i = 0; i < NELEM(rows); i++) {
		c2.delivery.fallback = rows[i].fallback;
		memset(&r, 0, sizeof(r));
		r.id = 9;
		r.treatment_id = 3;
		r.patient_id = 7;
		r.milestone = (char *)(uintptr_t)rows[i].milestone;
		r.channel = (char *)(uintptr_t)rows[i].channel;
		r.fallback_for = rows[i].fallback_for;
		r.treatment_found = true;
		r.status = "completed";
		r.performed_at = "2026-11-24T14:00:00Z";
		r.kind = "microneedling";
		r.patient_found = true;
		r.full_name = "Bo";
		r.phone = "+15550100123";
		r.email = "bo@example.com";
		r.sms_opt_in = true;
		r.email_opt_in = rows[i].opt_in;
		r.email_unsubscribed = rows[i].unsubscribed;
		r.email_bounced = rows[i].bounced;
		if ((got = compose_message(&c2, &r, NOW, &c)) != rows[i].want)
			ROW_FAIL(i, "result %d, want %d (%s)", (int)got,
			    (int)rows[i].want, c.reason);
		if (got == COMPOSE_CANCEL) {
			if (strstr(c.reason, rows[i].want_text) == NULL)
				ROW_FAIL(i, "reason \"%s\"", c.reason);
			if (c.optout != (rows[i].unsubscribed ||
			    rows[i].bounced || !rows[i].opt_in))
				ROW_FAIL(i, "optout %d", (int)c.optout);
			if (strstr(c.reason, "bo@") != NULL)
				ROW_FAIL(i, "reason leaks");
		} else if (rows[i].want_text != NULL &&
		    strcmp(c.subject, rows[i].want_text) != 0)
			ROW_FAIL(i, "subject \"%s\"", c.subject);
		compose_clear(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_before_treatment),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_fallback_address),
	};

	return cmocka_run_group_tests_name("compose", tests, NULL, NULL);
}
