/* SPDX-License-Identifier: MIT */
/* test_compose.c: what a claimed reminder becomes, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

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
	{ "24h", 86400, 3 * 86400, "day1",
	    "Hi {first_name}, {treatment} on {treatment_date} at "
	    "{clinic_name}. Call {clinic_phone}.", false },
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
		    "no longer configured", NULL },
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
		r.treatment_found = rows[i].treatment_found;
		r.status = (char *)(uintptr_t)rows[i].status;
		r.performed_at = (char *)(uintptr_t)rows[i].performed_at;
		r.kind = "microneedling";
		r.patient_found = rows[i].patient_found;
		r.full_name = (char *)(uintptr_t)rows[i].name;
		r.phone = (char *)(uintptr_t)rows[i].phone;
		r.sms_opt_in = rows[i].opt_in;
		if (compose_sms(&cfg, &r, NOW, &c) != rows[i].want)
			fail_msg("row %zu: result %d, want %d (%s)", i,
			    (int)compose_sms(&cfg, &r, NOW, &c), (int)rows[i].want,
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
		    NULL, LONG_NONE, COMPOSE_CANCEL, "is no longer configured" },
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
		if (compose_sms(&cfg, &r, NOW, &c) != rows[i].want)
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
		{ "pre", -3 * 86400, 86400, "pre", "See you soon, "
		    "{first_name}.", true },
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
		r.treatment_found = true;
		r.status = (char *)(uintptr_t)rows[i].status;
		r.performed_at = "2026-11-25T14:00:00Z";	/* NOW */
		r.kind = "microneedling";
		r.patient_found = true;
		r.full_name = "Bo";
		r.phone = "+15550100123";
		r.sms_opt_in = true;
		if (compose_sms(&c2, &r, rows[i].now, &c) != rows[i].want)
			fail_msg("row %zu: want %d (%s)", i, (int)rows[i].want,
			    c.reason);
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
	};

	return cmocka_run_group_tests_name("compose", tests, NULL, NULL);
}
