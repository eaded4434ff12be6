/* SPDX-License-Identifier: MIT */
/* test_delivery.c: delivery states, status mapping and Twilio's error codes. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "delivery.h"

#define NONE	DELIVERY_NONE
#define QUEUED	DELIVERY_QUEUED
#define SENT	DELIVERY_SENT
#define DEFER	DELIVERY_DEFERRED
#define FAILED	DELIVERY_FAILED
#define UNDEL	DELIVERY_UNDELIVERED
#define DROP	DELIVERY_DROPPED
#define DELIV	DELIVERY_DELIVERED
#define BOUNCE	DELIVERY_BOUNCED

static void	test_advance(void **);
static void	test_sequences(void **);
static void	test_twilio_status(void **);
static void	test_sendgrid_event(void **);
static void	test_names(void **);
static void	test_errors(void **);

static void
test_advance(void **state)
{
	static const struct {
		enum delivery	 old, next, want;
	} rows[] = {
		/* 0: forward */
		{ NONE, QUEUED, QUEUED },
		{ QUEUED, SENT, SENT },
		{ SENT, DELIV, DELIV },
		{ SENT, UNDEL, UNDEL },
		{ QUEUED, FAILED, FAILED },
		/* 5 */
		{ NONE, DELIV, DELIV },
		{ QUEUED, DEFER, DEFER },
		{ DEFER, DELIV, DELIV },
		{ DEFER, BOUNCE, BOUNCE },
		{ QUEUED, DROP, DROP },
		/* 10: delivered is not overwritten by a late sent or queued */
		{ DELIV, SENT, DELIV },
		{ DELIV, QUEUED, DELIV },
		{ DELIV, NONE, DELIV },
		/* a segment's error, then the delivery; not the reverse */
		{ UNDEL, DELIV, DELIV },
		{ DELIV, UNDEL, DELIV },
		/* 15 */
		{ DELIV, FAILED, DELIV },
		{ FAILED, DELIV, DELIV },
		/* a bounce after delivered: the receiving server changed its mind */
		{ DELIV, BOUNCE, BOUNCE },
		{ BOUNCE, DELIV, BOUNCE },
		{ BOUNCE, DEFER, BOUNCE },
		/* 20: repeats change nothing */
		{ SENT, SENT, SENT },
		{ DELIV, DELIV, DELIV },
		{ UNDEL, UNDEL, UNDEL },
		/* one step does not replace another of the same step */
		{ SENT, DEFER, SENT },
		{ DEFER, SENT, DEFER },
		/* 25 */
		{ UNDEL, FAILED, UNDEL },
		{ FAILED, UNDEL, FAILED },
		{ DROP, UNDEL, DROP },
		/* late and early ones */
		{ UNDEL, SENT, UNDEL },
		{ SENT, QUEUED, SENT },
		/* 30 */
		{ QUEUED, NONE, QUEUED },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		if (delivery_advance(rows[i].old, rows[i].next) != rows[i].want)
			ROW_FAIL(i, "%s then %s gives %s, want %s",
			    delivery_name(rows[i].old),
			    delivery_name(rows[i].next),
			    delivery_name(delivery_advance(rows[i].old,
			    rows[i].next)), delivery_name(rows[i].want));
}

/*
 * Callbacks in every order: Twilio's queued, sent, delivered arriving
 * shuffled, and twice, always end in delivered.
 */
static void
test_sequences(void **state)
{
	static const char *const seqs[] = {
		"queued sent delivered",
		"delivered sent queued",
		"sent delivered sent",
		"delivered delivered",
		"sending sent undelivered delivered",
		"undelivered delivered sent",
		"queued delivered read sent",
	};
	enum delivery	 d, s;
	char		 buf[128], *p, *w;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(seqs); i++) {
		(void)snprintf(buf, sizeof(buf), "%s", seqs[i]);
		d = NONE;
		for (p = buf; (w = strsep(&p, " ")) != NULL;) {
			if (delivery_twilio_status(w, &s) != 0)
				ROW_FAIL(i, "%s: unknown", w);
			d = delivery_advance(d, s);
		}
		if (d != DELIV)
			ROW_FAIL(i, "\"%s\" ends %s", seqs[i], delivery_name(d));
	}
}

static void
test_twilio_status(void **state)
{
	static const struct {
		const char	*status;
		int		 ret;
		enum delivery	 want;
	} rows[] = {
		{ "queued", 0, QUEUED },
		{ "accepted", 0, QUEUED },
		{ "scheduled", 0, QUEUED },
		{ "sending", 0, QUEUED },
		{ "sent", 0, SENT },
		/* 5 */
		{ "partially_delivered", 0, SENT },
		{ "delivered", 0, DELIV },
		{ "read", 0, DELIV },
		{ "undelivered", 0, UNDEL },
		{ "failed", 0, FAILED },
		/* 10 */
		{ "canceled", 0, FAILED },
		{ "DELIVERED", 0, DELIV },
		{ "Undelivered", 0, UNDEL },
		/* inbound statuses, unknown ones, nothing */
		{ "receiving", -1, NONE },
		{ "received", -1, NONE },
		/* 15 */
		{ "cancelled", -1, NONE },
		{ "delivered ", -1, NONE },
		{ "", -1, NONE },
		{ NULL, -1, NONE },
	};
	enum delivery	 d;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		d = NONE;
		r = delivery_twilio_status(rows[i].status, &d);
		if (r != rows[i].ret || d != rows[i].want)
			ROW_FAIL(i, "\"%s\": %d %s", rows[i].status != NULL ?
			    rows[i].status : "(null)", r, delivery_name(d));
	}
}

static void
test_sendgrid_event(void **state)
{
	static const struct {
		const char	*event;
		int		 ret;
		enum delivery	 want;
	} rows[] = {
		{ "processed", 0, QUEUED },
		{ "deferred", 0, DEFER },
		{ "delivered", 0, DELIV },
		{ "bounce", 0, BOUNCE },
		{ "dropped", 0, DROP },
		/* 5: not about delivery */
		{ "open", -1, NONE },
		{ "click", -1, NONE },
		{ "spamreport", -1, NONE },
		{ "unsubscribe", -1, NONE },
		{ "group_unsubscribe", -1, NONE },
		/* 10 */
		{ "Delivered", -1, NONE },
		{ "", -1, NONE },
		{ NULL, -1, NONE },
	};
	enum delivery	 d;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		d = NONE;
		r = delivery_sendgrid_event(rows[i].event, &d);
		if (r != rows[i].ret || d != rows[i].want)
			ROW_FAIL(i, "\"%s\": %d %s", rows[i].event != NULL ?
			    rows[i].event : "(null)", r, delivery_name(d));
	}
}

/* Every state's name reads back as that state; final ones are final. */
static void
test_names(void **state)
{
	static const struct {
		enum delivery	 d;
		const char	*name;
		bool		 final;
	} rows[] = {
		{ NONE, "none", false },
		{ QUEUED, "queued", false },
		{ SENT, "sent", false },
		{ DEFER, "deferred", false },
		{ FAILED, "failed", true },
		{ UNDEL, "undelivered", true },
		{ DROP, "dropped", true },
		{ DELIV, "delivered", true },
		{ BOUNCE, "bounced", true },
	};
	enum delivery	 d;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		if (strcmp(delivery_name(rows[i].d), rows[i].name) != 0)
			ROW_FAIL(i, "named %s", delivery_name(rows[i].d));
		if (delivery_parse(rows[i].name, &d) != 0 || d != rows[i].d)
			ROW_FAIL(i, "%s does not read back", rows[i].name);
		if (delivery_final(rows[i].d) != rows[i].final)
			ROW_FAIL(i, "%s: final is wrong", rows[i].name);
	}
	assert_int_equal(delivery_parse("Delivered", &d), -1);
	assert_int_equal(delivery_parse("", &d), -1);
	assert_int_equal(delivery_parse(NULL, &d), -1);
}

static void
test_errors(void **state)
{
	static const struct {
		long		 code;
		const char	*meaning;	/* NULL: not in the table */
		bool		 permanent;
	} rows[] = {
		{ 30003, "unreachable", false },
		{ 30005, "unknown number", true },
		{ 30006, "landline", true },
		{ 30007, "carrier filtered", true },
		{ 30008, "unknown", false },
		/* 5 */
		{ 21610, "the number replied STOP", true },
		{ 30001, "queue overflow", false },
		{ 30004, "message blocked", true },
		{ 30009, "missing segment", false },
		{ 21614, "not a mobile number", true },
		/* 10 */
		{ 0, NULL, false },
		{ 30000, NULL, false },
		{ 30011, NULL, false },
		{ -30003, NULL, false },
		{ 11200, NULL, false },
	};
	const struct delivery_error	*e;
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		e = delivery_twilio_error(rows[i].code);
		if (rows[i].meaning == NULL) {
			if (e != NULL)
				ROW_FAIL(i, "%ld is in the table", rows[i].code);
			continue;
		}
		if (e == NULL)
			ROW_FAIL(i, "%ld is not in the table", rows[i].code);
		if (e->code != rows[i].code ||
		    strcmp(e->meaning, rows[i].meaning) != 0 ||
		    e->permanent != rows[i].permanent)
			ROW_FAIL(i, "%ld: \"%s\" %d", e->code, e->meaning,
			    e->permanent);
	}
}

/* A stored error for staff: a Twilio code with its meaning, else as is. */
static void
test_error_format(void **state)
{
	static const struct {
		const char	*error;
		const char	*want;
		const char	*meaning;	/* NULL: none */
	} rows[] = {
		{ "30003", "30003 unreachable", "unreachable" },
		{ "30005", "30005 unknown number", "unknown number" },
		{ "30006", "30006 landline", "landline" },
		{ "30007", "30007 carrier filtered", "carrier filtered" },
		{ "30008", "30008 unknown", "unknown" },
		{ "21610", "21610 the number replied STOP",
		    "the number replied STOP" },
		/* not in the table, or not a code at all: as it is */
		{ "30099", "30099", NULL },
		{ "5.1.1", "5.1.1", NULL },
		{ "Bounced Address", "Bounced Address", NULL },
		{ "", "", NULL },
		{ "030005", "030005 unknown number", "unknown number" },
		{ "30005 ", "30005 ", NULL },
		{ "-30005", "-30005", NULL },
		{ "3000500000000000000030005", "3000500000000000000030005",
		    NULL },
		{ NULL, "", NULL },
	};
	char		 buf[64], small[8];
	const char	*m;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		m = delivery_error_format(rows[i].error, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu: \"%s\"", i, buf);
		if (rows[i].meaning == NULL ? m != NULL :
		    (m == NULL || strcmp(m, rows[i].meaning) != 0))
			fail_msg("row %zu: meaning %s", i, m ? m : "(none)");
	}
	/* cut to the buffer, still a string */
	(void)delivery_error_format("30007", small, sizeof(small));
	assert_string_equal(small, "30007 c");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_sequences),
		cmocka_unit_test(test_twilio_status),
		cmocka_unit_test(test_sendgrid_event),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
