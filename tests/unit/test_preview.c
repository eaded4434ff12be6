/* SPDX-License-Identifier: MIT */
/* test_preview.c: the dry run and a treatment preview, text for text. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config.h"
#include "preview.h"
#include "store.h"

#define DAY	86400
/* 2026-11-24T14:00:00Z, when the treatments were done */
#define T0	((time_t)1795528800)

struct fx {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
	sqlite3		*booking;	/* the clinic's software */
};

static struct milestone plan[] = {
	{ .name = "24h", .after = DAY, .valid_for = 3 * DAY,
	  .template = "day1", .sms = "Day one, {first_name}.",
	  .channels = CHANNEL_BIT(CHANNEL_SMS) | CHANNEL_BIT(CHANNEL_EMAIL),
	  .subject = "After your {treatment}",
	  .email = "Hi {first_name},\n\nDay one.\n" },
	{ .name = "1w", .after = 7 * DAY, .valid_for = 3 * DAY,
	  .template = "week1", .sms = "Week one, {first_name}.",
	  .channels = CHANNEL_BIT(CHANNEL_SMS) },
};

static struct config cfg = {
	.clinic_name = "Test Clinic",
	.clinic_phone = "+1 555 0100",
	.timezone = "UTC",
	.milestones = plan,
	.nmilestones = 2,
};

static void
sql(struct fx *f, const char *q)
{
	char	*msg = NULL;

	if (sqlite3_exec(f->booking, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("booking sql \"%s\": %s", q, msg);
}

static int64_t
sql_int(struct fx *f, const char *q)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(f->booking, q, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * Three patients treated at T0: one with a number and an address, one
 * whose number replied STOP, one whose number has no country code.
 */
static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/aftercare-preview-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	(void)snprintf(f->path, sizeof(f->path), "%s/aftercare.db", f->dir);
	f->st = store_open(f->path, STORE_CREATE);
	assert_non_null(f->st);
	assert_int_equal(sqlite3_open(f->path, &f->booking), SQLITE_OK);
	(void)sqlite3_busy_timeout(f->booking, 5000);
	sql(f, "INSERT INTO patients (full_name, phone, email) VALUES "
	    "('Ana Example', '+15550100101', 'ana@example.com'), "
	    "('Bo Example', '+15550100102', NULL), "
	    "('Cy Example', '555 0103', NULL);"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-24T14:00:00Z'), (2, '2026-11-24T14:00:00Z'), "
	    "(3, '2026-11-24T14:00:00Z')");
	assert_int_equal(store_optout_add(f->st, "+15550100102", 0, T0), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[128];

	store_close(f->st);
	(void)sqlite3_close(f->booking);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/*
 * The dry run an hour after the first reminders fell due: each channel in
 * turn, what would go and what would not, then what is pending later.
 * The sync withholds the reminders of the number on the STOP list.
 */
static void
test_due(void **state)
{
	static const char want[] =
	    "dry run at 2026-11-25T15:00:00Z: nothing is sent or changed\n"
	    "now   2026-11-25T14:00:00Z  reminder 1  patient 1  treatment 1  "
	    "milestone 24h  sms: would send:\n"
	    "    Day one, Ana.\n"
	    "now   2026-11-25T14:00:00Z  reminder 6  patient 3  treatment 3  "
	    "milestone 24h  sms: would fail: patient 3: phone number has no "
	    "country code (write it with + and the country code)\n"
	    "now   2026-11-25T14:00:00Z  reminder 2  patient 1  treatment 1  "
	    "milestone 24h  email: would send: Subject: After your "
	    "microneedling\n"
	    "    Hi Ana,\n"
	    "\n"
	    "Day one.\n"
	    "\n"
	    "later 2026-12-01T14:00:00Z  reminder 3  patient 1  treatment 1  "
	    "milestone 1w  sms\n"
	    "later 2026-12-01T14:00:00Z  reminder 7  patient 3  treatment 3  "
	    "milestone 1w  sms\n";
	static const char want_none[] =
	    "dry run at 2026-11-24T15:00:00Z: nothing is sent or changed\n"
	    "nothing is due now\n"
	    "later 2026-11-25T14:00:00Z  reminder 1  patient 1  treatment 1  "
	    "milestone 24h  sms\n"
	    "later 2026-12-01T14:00:00Z  reminder 2  patient 1  treatment 1  "
	    "milestone 1w  sms\n";
	struct fx	*f = *state;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*out;

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(preview_due(&cfg, f->st, T0 + DAY + 3600, out), 0);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(buf, want);
	free(buf);
	/* and nothing changed: no reminder made, the changes still queued */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM treatment_changes"),
	    3);

	/* nothing due yet */
	sql(f, "DELETE FROM treatments WHERE id > 1");
	sql(f, "UPDATE patients SET email = NULL");
	buf = NULL;
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(preview_due(&cfg, f->st, T0 + 3600, out), 0);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(buf, want_none);
	free(buf);
}

/* Prints treatment id's preview at T0 + 25 h into a new string. */
static char *
treatment(struct fx *f, int64_t id)
{
	struct reminder	*v;
	char		*buf = NULL;
	size_t		 len = 0, n;
	FILE		*out;

	assert_int_equal(store_treatment_reminders(f->st, id, &v, &n), 0);
	assert_true(n > 0);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	preview_treatment(&cfg, v, n, T0 + DAY + 3600, out);
	assert_int_equal(fclose(out), 0);
	store_reminders_free(v, n);
	return buf;
}

/*
 * Each reminder of a treatment: sent, pending by SMS and by email, one
 * that cannot be sent, ones withheld for the STOP list, one cancelled.
 */
static void
test_treatment(void **state)
{
	static const char want1[] =
	    "treatment 1, patient 1, time zone UTC\n"
	    "\n"
	    "24h sms: sent\n"
	    "  due 2026-11-25 14:00 +00:00 (2026-11-25T14:00:00Z)\n"
	    "  went out 2026-11-25 14:01 +00:00\n"
	    "  text (GSM-7, 1 segment):\n"
	    "  Day one, Ana.\n"
	    "\n"
	    "24h email: pending\n"
	    "  due 2026-11-25 14:00 +00:00 (2026-11-25T14:00:00Z)\n"
	    "  email:\n"
	    "  Subject: After your microneedling\n"
	    "  | Hi Ana,\n"
	    "  | \n"
	    "  | Day one.\n"
	    "\n"
	    "1w sms: pending\n"
	    "  due 2026-12-01 14:00 +00:00 (2026-12-01T14:00:00Z)\n"
	    "  text (GSM-7, 1 segment):\n"
	    "  Week one, Ana.\n";
	static const char want2[] =
	    "treatment 2, patient 2, time zone UTC\n"
	    "\n"
	    "24h sms: cancelled\n"
	    "  due 2026-11-25 14:00 +00:00 (2026-11-25T14:00:00Z)\n"
	    "  the number unsubscribed (replied STOP)\n"
	    "\n"
	    "1w sms: cancelled\n"
	    "  due 2026-12-01 14:00 +00:00 (2026-12-01T14:00:00Z)\n"
	    "  the number unsubscribed (replied STOP)\n";
	static const char want3[] =
	    "treatment 3, patient 3, time zone America/New_York\n"
	    "\n"
	    "24h sms: pending\n"
	    "  due 2026-11-25 09:00 -05:00 (2026-11-25T14:00:00Z)\n"
	    "  would not be sent: patient 3: phone number has no country "
	    "code (write it with + and the country code)\n"
	    "\n"
	    "1w sms: pending\n"
	    "  due 2026-12-01 09:00 -05:00 (2026-12-01T14:00:00Z)\n"
	    "  would not be sent: patient 3: phone number has no country "
	    "code (write it with + and the country code)\n";
	static const char want3_cancelled[] =
	    "treatment 3, patient 3, time zone America/New_York\n"
	    "\n"
	    "24h sms: cancelled\n"
	    "  due 2026-11-25 09:00 -05:00 (2026-11-25T14:00:00Z)\n"
	    "  treatment cancelled\n"
	    "\n"
	    "1w sms: cancelled\n"
	    "  due 2026-12-01 09:00 -05:00 (2026-12-01T14:00:00Z)\n"
	    "  treatment cancelled\n";
	struct fx	*f = *state;
	struct reminder	*c;
	char		*got;
	size_t		 nc;

	sql(f, "UPDATE patients SET timezone = 'America/New_York' WHERE "
	    "id = 3");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(store_claim_due(f->st, T0 + DAY, T0 + DAY + 600, 1,
	    "sms", &c, &nc), 0);
	assert_int_equal(nc, 1);
	assert_int_equal(c[0].treatment_id, 1);
	assert_int_equal(store_mark_sent(f->st, c[0].id, T0 + DAY + 60,
	    "SM1"), 0);
	store_reminders_free(c, nc);
	got = treatment(f, 1);
	assert_string_equal(got, want1);
	free(got);
	got = treatment(f, 2);
	assert_string_equal(got, want2);
	free(got);
	got = treatment(f, 3);
	assert_string_equal(got, want3);
	free(got);
	sql(f, "UPDATE treatments SET status = 'cancelled' WHERE id = 3");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	got = treatment(f, 3);
	assert_string_equal(got, want3_cancelled);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_treatment, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
