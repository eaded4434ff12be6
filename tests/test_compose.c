/* SPDX-License-Identifier: MIT */
/* test_compose.c: what a claimed reminder becomes, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "store.h"

static struct milestone ms[] = {
	{ "24h", 86400, 3 * 86400, "day1",
	    "Hi {first_name}, {treatment} on {treatment_date} at "
	    "{clinic_name}. Call {clinic_phone}." },
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
		if (compose_sms(&cfg, &r, &c) != rows[i].want)
			fail_msg("row %zu: result %d, want %d (%s)", i,
			    (int)compose_sms(&cfg, &r, &c), (int)rows[i].want,
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests_name("compose", tests, NULL, NULL);
}
