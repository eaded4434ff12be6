/* SPDX-License-Identifier: MIT */
/* test_store.c: the store on a real SQLite file, with a second connection as the booking software. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "delivery.h"
#include "store.h"

#define SMS	CHANNEL_BIT(CHANNEL_SMS)
#define EMAIL	CHANNEL_BIT(CHANNEL_EMAIL)
#define DAY	86400

/* A milestone with SMS text only (and channels). */
#define MS(n, a, v, t, text, cal, ch)					\
	{ .name = n, .after = a, .valid_for = v, .template = t,		\
	  .sms = text, .calendar = cal, .channels = ch }
/* One with email texts too. */
#define ME(n, a, v, t, text, ch, subj, body)				\
	{ .name = n, .after = a, .valid_for = v, .template = t,		\
	  .sms = text, .channels = ch, .subject = subj, .email = body }
/* 2026-11-24T14:00:00Z */
#define T0	((time_t)1795528800)

struct fx {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
	sqlite3		*booking;	/* the clinic's software */
};

static struct milestone three[] = {
	MS("24h", DAY, 3 * DAY, "day1", "Day one, {first_name}.", false, SMS),
	MS("1w", 7 * DAY, 3 * DAY, "week1", "Week one.", false, SMS),
	MS("2w", 14 * DAY, 3 * DAY, "week2", "Week two.", false, SMS),
};

static struct milestone four[] = {
	MS("24h", DAY, 3 * DAY, "day1", "Day one, {first_name}.", false, SMS),
	MS("1w", 7 * DAY, 3 * DAY, "week1", "Week one.", false, SMS),
	MS("2w", 14 * DAY, 3 * DAY, "week2", "Week two.", false, SMS),
	MS("1m", 30 * DAY, 3 * DAY, "week2", "Month one.", false, SMS),
};

static struct config cfg = {
	.database = NULL,
	.clinic_name = "Test Clinic",
	.clinic_phone = "+1 555 0100",
	.timezone = "UTC",
	.milestones = three,
	.nmilestones = 3,
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

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/aftercare-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/aftercare.db", f->dir);
	f->st = store_open(f->path, STORE_CREATE);
	assert_non_null(f->st);
	assert_int_equal(sqlite3_open(f->path, &f->booking), SQLITE_OK);
	sqlite3_busy_timeout(f->booking, 5000);
	cfg.milestones = three;
	cfg.nmilestones = 3;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[128];

	store_close(f->st);
	sqlite3_close(f->booking);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
add_treatment(struct fx *f, const char *at)
{
	char	q[256];

	sql(f, "INSERT INTO patients (full_name, phone) "
	    "VALUES ('Ana María', '+1 555 0101')");
	snprintf(q, sizeof(q), "INSERT INTO treatments (patient_id, "
	    "performed_at) VALUES (last_insert_rowid(), '%s')", at);
	sql(f, q);
}

static size_t
claim(struct fx *f, time_t now, struct reminder **r)
{
	size_t	n;

	assert_int_equal(store_claim_due(f->st, now, now + 600, 100, "sms", r, &n), 0);
	return n;
}

static void
test_schema(void **state)
{
	struct fx	*f = *state;
	struct store	*again;
	struct stat	 sb;
	char		 wal[160];

	assert_int_equal(sql_int(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	/* init is idempotent and keeps WAL on */
	again = store_open(f->path, STORE_CREATE);
	assert_non_null(again);
	store_close(again);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'reminders'"), 1);
	assert_int_equal(sql_int(f, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
	/* patients' details: owner and group only, WAL files alike */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
}

static void
test_open_refuses(void **state)
{
	struct fx	*f = *state;
	char		 p[192];
	int		 fd;
	sqlite3		*db;

	/* missing: not silently created */
	snprintf(p, sizeof(p), "%s/missing.db", f->dir);
	assert_null(store_open(p, 0));
	assert_int_equal(access(p, F_OK), -1);
	/* not a database at all */
	snprintf(p, sizeof(p), "%s/garbage.db", f->dir);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not a database, it is text.....",
	    40), 40);
	for (int i = 0; i < 200; i++)
		assert_int_equal(write(fd, "garbage garbage garbage garbage ",
		    32), 32);
	close(fd);
	assert_null(store_open(p, 0));
	/* a SQLite file without our schema is left alone */
	snprintf(p, sizeof(p), "%s/other.db", f->dir);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x (y)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(p, 0));
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "SELECT * FROM reminders", NULL,
	    NULL, NULL), SQLITE_ERROR);
	sqlite3_close(db);
}

static void
test_milestones_once(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n, changed;

	add_treatment(f, "2026-11-24T09:00:00-05:00");	/* = T0 */
	assert_int_equal(store_sync(f->st, &cfg, T0, &changed), 0);
	assert_true(changed >= 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 3);
	assert_int_equal(sql_int(f, "SELECT due_at FROM reminders WHERE "
	    "milestone = '1w'"), T0 + 7 * DAY);

	/* nothing due before 24 hours */
	n = claim(f, T0 + DAY - 1, &r);
	assert_int_equal(n, 0);
	store_reminders_free(r, n);

	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].milestone, "24h");
	assert_true(r[0].patient_found);
	assert_string_equal(r[0].phone, "+1 555 0101");
	assert_string_equal(r[0].full_name, "Ana María");
	assert_int_equal(r[0].attempts, 1);
	assert_int_equal(strlen(r[0].idempotency_key), 32);
	assert_int_equal(store_mark_sent(f->st, r[0].id, T0 + DAY, "SM1"), 0);
	store_reminders_free(r, n);

	/* sent once: later passes find nothing more for that milestone */
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	n = claim(f, T0 + DAY + 3600, &r);
	assert_int_equal(n, 0);
	store_reminders_free(r, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND provider_id = 'SM1'"), 1);
	/* a result for a reminder no longer claimed changes nothing */
	assert_int_equal(store_mark_failed(f->st, 1, T0 + DAY, "late", true), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 1);
}

static void
test_cancel_and_restore(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	assert_int_equal(store_mark_sent(f->st, r[0].id, T0 + DAY, "SM1"), 0);
	store_reminders_free(r, n);

	sql(f, "UPDATE treatments SET status = 'cancelled'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled'"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 1);
	n = claim(f, T0 + 7 * DAY, &r);
	assert_int_equal(n, 0);
	store_reminders_free(r, n);

	/* booked back in: the unsent reminders return */
	sql(f, "UPDATE treatments SET status = 'completed'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 2);

	sql(f, "UPDATE treatments SET status = 'no_show'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled'"), 2);

	sql(f, "DELETE FROM treatments");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 1);
}

static void
test_reschedule(void **state)
{
	struct fx	*f = *state;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	sql(f, "UPDATE treatments SET performed_at = '2026-11-26T14:00:00Z'");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 3);
	assert_int_equal(sql_int(f, "SELECT due_at FROM reminders WHERE "
	    "milestone = '24h'"), T0 + 3 * DAY);
	assert_int_equal(sql_int(f, "SELECT next_attempt_at FROM reminders "
	    "WHERE milestone = '2w'"), T0 + 16 * DAY);
}

static void
test_bad_performed_at(void **state)
{
	struct fx		*f = *state;
	struct store_status	 s;

	add_treatment(f, "next tuesday");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 0);
	assert_int_equal(store_status(f->st, T0 + 5 * DAY, &s), 0);
	assert_int_equal(s.nproblems, 1);
	assert_non_null(strstr(s.problems[0].problem, "RFC 3339"));

	/* the same bad row again is not a new problem; a fix clears it */
	sql(f, "UPDATE treatments SET kind = 'microneedling'");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM treatment_problems"),
	    1);
	sql(f, "UPDATE treatments SET performed_at = '2026-11-24T14:00:00Z'");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM treatment_problems"),
	    0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 3);

	sql(f, "UPDATE treatments SET status = 'postponed'");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(store_status(f->st, T0 + 5 * DAY, &s), 0);
	assert_int_equal(s.nproblems, 1);
	assert_non_null(strstr(s.problems[0].problem, "postponed"));
	assert_int_equal(s.pending, 0);
}

static void
test_expiry(void **state)
{
	struct fx		*f = *state;
	struct store_status	 s;
	struct reminder		*r;
	size_t			 n;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	/* back after 8 days: 24h is stale, 1w is still worth sending */
	n = claim(f, T0 + 8 * DAY, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].milestone, "1w");
	store_reminders_free(r, n);
	assert_int_equal(store_status(f->st, T0 + 5 * DAY, &s), 0);
	assert_int_equal(s.expired, 1);
	assert_int_equal(s.sending, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'expired' AND milestone = '24h' AND last_error LIKE "
	    "'not sent in time%'"), 1);
}

static void
test_retry_and_recover(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;
	time_t		 now = T0 + DAY, next;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(store_next_wakeup(f->st, NULL, &next), 0);
	assert_int_equal(next, T0 + DAY);

	n = claim(f, now, &r);
	assert_int_equal(n, 1);
	assert_int_equal(store_mark_retry(f->st, r[0].id, now, now + 60,
	    "HTTP 500", true), 0);
	store_reminders_free(r, n);
	assert_int_equal(store_next_wakeup(f->st, NULL, &next), 0);
	assert_int_equal(next, now + 60);
	n = claim(f, now + 59, &r);
	assert_int_equal(n, 0);
	store_reminders_free(r, n);

	/* claimed, then the sender dies; the next one takes it back */
	n = claim(f, now + 60, &r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].attempts, 2);
	store_reminders_free(r, n);
	assert_int_equal(store_next_wakeup(f->st, NULL, &next), 0);
	assert_int_equal(next, now + 7 * DAY - DAY);	/* the 1w one */
	assert_int_equal(store_recover(f->st, now + 660), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sending'"), 0);
	n = claim(f, now + 660, &r);
	assert_int_equal(n, 1);
	/* the claim the crash cut short counted nothing */
	assert_int_equal(r[0].attempts, 2);
	assert_int_equal(store_mark_failed(f->st, r[0].id, now + 660,
	    "HTTP 400: bad", true), 0);
	store_reminders_free(r, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'failed' AND last_error = 'HTTP 400: bad' AND "
	    "attempts = 2"), 1);
}

static void
test_release(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	assert_int_equal(store_release(f->st, r[0].id, T0 + DAY), 0);
	store_reminders_free(r, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND attempts = 0 AND lease_until IS NULL"), 3);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].attempts, 1);
	store_reminders_free(r, n);
}

/*
 * A changed window (valid_for) looks at every treatment again, but does
 * not revive what already expired; a corrected date does, while its new
 * window is open.
 */
static void
test_expired_stays_expired(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;
	static struct milestone wider[] = {
		MS("24h", DAY, 5 * DAY, "day1", "Day one, {first_name}.", false, SMS),
		MS("1w", 7 * DAY, 5 * DAY, "week1", "Week one.", false, SMS),
		MS("2w", 14 * DAY, 5 * DAY, "week2", "Week two.", false, SMS),
	};

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + 5 * DAY, &r);		/* 24h expires */
	assert_int_equal(n, 0);
	store_reminders_free(r, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'expired'"), 1);
	cfg.milestones = wider;
	assert_int_equal(store_sync(f->st, &cfg, T0 + 5 * DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'expired' AND last_error LIKE 'not sent in time%'"), 1);
	/* the date was wrong: two days later; 24h now due T0+3d, open */
	sql(f, "UPDATE treatments SET performed_at = '2026-11-26T14:00:00Z'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + 5 * DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND milestone = '24h' AND attempts = 0"), 1);
	cfg.milestones = three;
}

/*
 * A reminder for before the treatment, for a treatment entered after its
 * time, is cancelled, as it could never go out, not left to expire; it
 * comes back if the treatment is moved ahead.
 */
static void
test_before_entered_late(void **state)
{
	struct fx		*f = *state;
	struct store_status	 s;
	struct reminder		*r;
	size_t			 n;
	static struct milestone before[] = {
		MS("pre3d", -3 * DAY, 2 * DAY, "pre3d", "Soon.", true, SMS),
		MS("24h", DAY, 3 * DAY, "day1", "Day one.", false, SMS),
	};

	cfg.milestones = before;
	cfg.nmilestones = 2;
	/* entered an hour after it took place */
	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0 + 3600, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "milestone = 'pre3d' AND state = 'cancelled' AND cancelled_by = "
	    "'plan' AND last_error = 'a reminder for before the treatment, "
	    "which is no longer ahead'"), 1);
	n = claim(f, T0 + 3600, &r);
	assert_int_equal(n, 0);
	store_reminders_free(r, n);
	/* nothing expired, nothing waiting since before the treatment */
	assert_int_equal(store_status(f->st, T0 + 3600, &s), 0);
	assert_int_equal(s.expired, 0);
	assert_int_equal(s.cancelled, 1);
	assert_int_equal(s.pending, 1);
	assert_int_equal(s.oldest_pending, T0 + DAY);
	/* looked at again: still cancelled, once */
	assert_int_equal(store_sync(f->st, &cfg, T0 + 7200, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "milestone = 'pre3d' AND state = 'cancelled'"), 1);
	/* the date was wrong: in ten days; it is planned again */
	sql(f, "UPDATE treatments SET performed_at = '2026-12-04T14:00:00Z'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + 7200, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "milestone = 'pre3d' AND state = 'pending' AND due_at = "
	    "1795528800 + 7 * 86400 AND last_error IS NULL"), 1);
	/* completed already, though ahead: cancelled again */
	sql(f, "UPDATE treatments SET status = 'completed'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + 7200, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "milestone = 'pre3d' AND state = 'cancelled' AND cancelled_by = "
	    "'plan'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "milestone = '24h' AND state = 'pending'"), 1);
	cfg.milestones = three;
	cfg.nmilestones = 3;
}

/* Consent changed by the booking software or by staff: both apply. */
static void
test_consent(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	char		 err[256];
	size_t		 n;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(store_mark_sent(f->st, r[0].id, T0 + DAY, "SM1"), 0);
	store_reminders_free(r, n);
	/* the booking software records an opt-out */
	sql(f, "UPDATE patients SET sms_opt_in = 0");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled' AND cancelled_by = 'optout'"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 1);
	/* and a moved treatment does not bring them back */
	sql(f, "UPDATE treatments SET performed_at = '2026-11-25T14:00:00Z'");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 0);
	/* staff record the opt-in */
	assert_int_equal(store_patient_consent(f->st, 1, "sms", true, err,
	    sizeof(err)), 0);
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 2);
	assert_int_equal(sql_int(f, "SELECT sms_opt_in FROM patients"), 1);
	assert_int_equal(store_patient_consent(f->st, 9, "sms", false, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no patient with id 9"));
	assert_int_equal(store_patient_consent(f->st, 1, "fax", false, err,
	    sizeof(err)), -1);
}

/*
 * Due times by the patient's clock, from patients.timezone: "7d" keeps
 * the wall-clock time across a DST change, "24h" is elapsed time, and an
 * unknown zone falls back to the clinic's, quiet hours kept (the rules
 * themselves, row by row: test_plan.c).
 */
static void
test_zones(void **state)
{
	struct fx	*f = *state;
	static struct milestone local[] = {
		MS("24h", DAY, 3 * DAY, "day1", "Day one.", false, SMS),
		MS("1w", 7 * DAY, 3 * DAY, "week1", "Week one.", true, SMS),
	};
	char		 err[160];

	cfg.milestones = local;
	cfg.nmilestones = 2;
	/* New York, the week of the spring-forward change (2026-03-08) */
	sql(f, "INSERT INTO patients (full_name, phone, timezone) VALUES "
	    "('A', '+15550100121', 'America/New_York')");
	sql(f, "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-03-01T10:00:00-05:00')");
	/* a zone nobody knows: the clinic's (UTC here) */
	sql(f, "INSERT INTO patients (full_name, phone, timezone) VALUES "
	    "('C', '+15550100123', 'Mars/Olympus_Mons')");
	sql(f, "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(2, '2026-11-24T23:30:00Z')");
	cfg.quiet_start = 20 * 60;
	cfg.quiet_end = 9 * 60;
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	cfg.quiet_start = cfg.quiet_end = 0;
	cfg.milestones = three;
	cfg.nmilestones = 3;
	/* 10:00 EST + 24 h = 10:00 EST; + 7 days = 10:00 EDT (14:00Z) */
	assert_int_equal(sql_int(f, "SELECT due_at FROM reminders WHERE "
	    "treatment_id = 1 AND milestone = '24h'"), 1772463600);
	assert_int_equal(sql_int(f, "SELECT due_at FROM reminders WHERE "
	    "treatment_id = 1 AND milestone = '1w'"), 1772978400);
	/* UTC: 23:30 the next day is quiet: 09:00 UTC on the 26th */
	assert_int_equal(sql_int(f, "SELECT due_at - strftime('%s', "
	    "'2026-11-26 09:00:00') FROM reminders WHERE treatment_id = 2 AND "
	    "milestone = '24h'"), 0);
	(void)err;
}

static void
test_plan_change(void **state)
{
	struct fx	*f = *state;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 3);
	cfg.milestones = four;
	cfg.nmilestones = 4;
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 4);
}

static void
test_treatments_before_init(void **state)
{
	struct fx	*f = *state;
	struct store	*st;
	sqlite3		*db;
	char		 p[192];

	/* the booking software's tables exist first, with a treatment */
	snprintf(p, sizeof(p), "%s/booking.db", f->dir);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "CREATE TABLE patients (id INTEGER PRIMARY KEY, full_name TEXT "
	    "NOT NULL, phone TEXT, email TEXT, timezone TEXT, sms_opt_in "
	    "INTEGER NOT NULL DEFAULT 1, email_opt_in INTEGER NOT NULL "
	    "DEFAULT 1);"
	    "CREATE TABLE treatments (id INTEGER PRIMARY KEY, patient_id "
	    "INTEGER NOT NULL REFERENCES patients(id), kind TEXT NOT NULL "
	    "DEFAULT 'microneedling', performed_at TEXT NOT NULL, status TEXT "
	    "NOT NULL DEFAULT 'scheduled');"
	    "INSERT INTO patients (full_name, phone) VALUES ('B', '+15550102');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-24T14:00:00Z');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = store_open(p, STORE_CREATE);
	assert_non_null(st);
	assert_int_equal(store_sync(st, &cfg, T0, NULL), 0);
	store_close(st);
	/* patients.language was added to the booking software's table */
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE patients SET language = "
	    "'es'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* and opening it again (the column there now) changes nothing */
	st = store_open(p, 0);
	assert_non_null(st);
	store_close(st);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	{
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
		    "reminders", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 3);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
}

static void
test_preview_changes_nothing(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_preview_begin(f->st), 0);
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	store_reminders_free(r, n);
	assert_int_equal(store_preview_end(f->st), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM treatment_changes"),
	    1);
}

static void
test_missing_patient(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;

	sql(f, "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(99, '2026-11-24T14:00:00Z')");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	assert_true(r[0].treatment_found);
	assert_false(r[0].patient_found);
	assert_int_equal(r[0].patient_id, 99);
	store_reminders_free(r, n);
}

static void
test_staff_operations(void **state)
{
	struct fx		*f = *state;
	struct store_status	 s;
	char			 err[256];
	int64_t			 pid, tid;

	assert_int_equal(store_patient_add(f->st, "Zoë \"Z\" O'Neil",
	    "+15550103", NULL, "Europe/Berlin", NULL, &pid, err, sizeof(err)), 0);
	assert_int_equal(store_treatment_add(f->st, pid,
	    "2026-11-24T14:00:00Z", "microneedling", &tid, err, sizeof(err)),
	    0);
	assert_int_equal(store_treatment_add(f->st, pid + 1,
	    "2026-11-24T14:00:00Z", "microneedling", &tid, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "no patient"));
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(store_treatment_cancel(f->st, tid, err, sizeof(err)),
	    0);
	assert_int_equal(store_treatment_cancel(f->st, tid + 7, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no treatment"));
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(store_status(f->st, T0 + 5 * DAY, &s), 0);
	assert_int_equal(s.cancelled, 3);
	assert_int_equal(s.pending, 0);
	assert_int_equal(s.next_due, 0);
	assert_true(store_state_valid("expired"));
	assert_false(store_state_valid("done"));
}

/* "treatment:milestone/channel:state ..." of every reminder, for tables. */
static char *
reminder_summary(struct fx *f)
{
	sqlite3_stmt	*s;
	char		*out = NULL;

	assert_int_equal(sqlite3_prepare_v2(f->booking, "SELECT "
	    "coalesce(group_concat(k, ' '), '') FROM (SELECT treatment_id || "
	    "':' || milestone || '/' || channel || ':' || state AS k FROM "
	    "reminders ORDER BY treatment_id, due_at, channel)", -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	out = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	assert_non_null(out);
	return out;
}

/*
 * A milestone reaches a patient on each of its channels they have an
 * address for, or (with none) on its first, to fail where staff see it,
 * as read from their row (every case: test_plan.c); addresses and kinds
 * changing later are followed.
 */
static void
test_channels(void **state)
{
	static struct milestone both[] = {
		ME("24h", DAY, 3 * DAY, "day1", "Day one.", SMS | EMAIL,
		    "Day one", "Day one, by email."),
		ME("1w", 7 * DAY, 3 * DAY, "week1", "Week one.", EMAIL,
		    "Week one", "Week one, by email."),
	};
	static struct milestone peel[] = {
		MS("3d", 3 * DAY, 3 * DAY, "peel", "Peel.", false, SMS),
	};
	static struct plan plans[] = { { "chemical_peel", peel, 1 } };
	struct fx		*f = *state;
	struct store_status	 status;
	time_t			 next;
	char			*got;

	cfg.milestones = both;
	cfg.nmilestones = 2;
	cfg.plans = plans;
	cfg.nplans = 1;
	sql(f, "INSERT INTO patients (full_name, phone, email) VALUES "
	    "('Phone Only', '+15550101', NULL), "
	    "('Both', '+15550103', 'b@example.com'), "
	    "('Neither', '  ', '');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-24T14:00:00Z'), (2, '2026-11-24T14:00:00Z'), "
	    "(3, '2026-11-24T14:00:00Z');"
	    "INSERT INTO treatments (patient_id, performed_at, kind) VALUES "
	    "(2, '2026-11-24T14:00:00Z', 'chemical_peel')");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	got = reminder_summary(f);
	assert_string_equal(got,
	    "1:24h/sms:pending 1:1w/email:pending "
	    "2:24h/email:pending 2:24h/sms:pending 2:1w/email:pending "
	    "3:24h/sms:pending 3:1w/email:pending "
	    "4:3d/sms:pending");
	free(got);
	/* per channel; and status still counts every channel after it */
	assert_int_equal(store_next_wakeup(f->st, "email", &next), 0);
	assert_int_equal(next, T0 + DAY);
	assert_int_equal(store_next_wakeup(f->st, "fax", &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(store_status(f->st, T0, &status), 0);
	assert_int_equal(status.next_due, T0 + DAY);
	assert_int_equal(status.pending, 8);
	/* the phone-only patient gives an address; Both loses the phone */
	sql(f, "UPDATE patients SET email = 'p@example.com' WHERE id = 1;"
	    "UPDATE patients SET phone = NULL WHERE id = 2");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	got = reminder_summary(f);
	assert_string_equal(got,
	    "1:24h/email:pending 1:24h/sms:pending 1:1w/email:pending "
	    "2:24h/email:pending 2:24h/sms:cancelled 2:1w/email:pending "
	    "3:24h/sms:pending 3:1w/email:pending "
	    "4:3d/sms:pending");
	free(got);
	/* the phone comes back; the peel was microneedling after all */
	sql(f, "UPDATE patients SET phone = '+15550103' WHERE id = 2;"
	    "UPDATE treatments SET kind = 'microneedling' WHERE id = 4");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	got = reminder_summary(f);
	assert_string_equal(got,
	    "1:24h/email:pending 1:24h/sms:pending 1:1w/email:pending "
	    "2:24h/email:pending 2:24h/sms:pending 2:1w/email:pending "
	    "3:24h/sms:pending 3:1w/email:pending "
	    "4:24h/email:pending 4:24h/sms:pending 4:3d/sms:cancelled "
	    "4:1w/email:pending");
	free(got);
	cfg.plans = NULL;
	cfg.nplans = 0;
}

/*
 * A pass costs O(log n): every statement it runs finds its rows through
 * an index, on an empty database and on one with reminders in every
 * state, and after ANALYZE (statistics change SQLite's choices).  The
 * negative control: with the index on treatments.patient_id gone, a
 * look-up of a patient's treatments reads the whole table, and the same
 * check must say so; were SQLite to word its plans otherwise, this fails
 * rather than the check passing for want of a match.
 */
static void
test_plans_indexed(void **state)
{
	struct fx	*f = *state;
	char		 err[1024];
	int		 i;

	if (store_plans_check(f->st, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	for (i = 0; i < 200; i++)
		add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	/*
	 * Nor is any statement planned again for each treatment (a partial
	 * index on a bound column made SQLite do so, at three times the cost
	 * of a sync).
	 */
	assert_int_equal(store_reprepares(f->st), 0);
	sql(f, "UPDATE reminders SET state = 'sent' WHERE id % 5 = 0;"
	    "UPDATE reminders SET state = 'failed' WHERE id % 7 = 0;"
	    "UPDATE reminders SET state = 'cancelled' WHERE id % 11 = 0;"
	    "UPDATE reminders SET delivery_state = 'delivered', "
	    "delivery_at = id WHERE id % 5 = 0 AND id % 3 = 0;"
	    "UPDATE reminders SET delivery_state = 'undelivered', "
	    "delivery_at = id WHERE id % 5 = 0 AND id % 3 = 1;"
	    "ANALYZE");
	/* the counts the triggers keep are the counts */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 600);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminder_counts c "
	    "WHERE n != (SELECT count(*) FROM reminders WHERE state = "
	    "c.state)"), 0);
	assert_int_equal(sql_int(f, "SELECT n FROM reminder_counts WHERE "
	    "state = 'sent'"), sql_int(f, "SELECT count(*) FROM reminders "
	    "WHERE state = 'sent'"));
	store_close(f->st);
	assert_non_null(f->st = store_open(f->path, 0));
	if (store_plans_check(f->st, err, sizeof(err)) == -1)
		fail_msg("after ANALYZE: %s", err);

	sql(f, "DROP INDEX treatments_patient");
	store_close(f->st);
	assert_non_null(f->st = store_open(f->path, 0));
	err[0] = '\0';
	if (store_plans_check(f->st, err, sizeof(err)) != -1)
		fail_msg("a scan of treatments went unnoticed");
	if (strstr(err, "treatments") == NULL)
		fail_msg("not the scan of treatments: %s", err);
	sql(f, "CREATE INDEX treatments_patient ON treatments(patient_id)");
	store_close(f->st);
	assert_non_null(f->st = store_open(f->path, 0));
	if (store_plans_check(f->st, err, sizeof(err)) == -1)
		fail_msg("with the index back: %s", err);
}

/*
 * A catch-up after weeks expires reminders in batches (RETURNING holds a
 * batch in memory), all of them, and still claims what is due.
 */
static void
test_expire_many(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;
	int		 i;

	for (i = 0; i < 700; i++)
		add_treatment(f, "2026-10-01T14:00:00Z");
	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	/* 2026-11-25T14:00:01Z: the old ones' windows are all over */
	n = claim(f, 1795615201, &r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].treatment_id, 701);
	store_reminders_free(r, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'expired'"), 2100);
	assert_int_equal(sql_int(f, "SELECT n FROM reminder_counts WHERE "
	    "state = 'expired'"), 2100);
}

/*
 * Reminders given back by an opt-in follow what changed meanwhile: the
 * treatment moved while the patient was opted out, so they are due after
 * its new time, not its old one.
 */
static void
test_optin_after_move(void **state)
{
	struct fx	*f = *state;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	sql(f, "UPDATE patients SET sms_opt_in = 0");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled' AND cancelled_by = 'optout'"), 3);
	sql(f, "UPDATE treatments SET performed_at = '2026-12-01T14:00:00Z'");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	sql(f, "UPDATE patients SET sms_opt_in = 1");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	/* 2026-12-02T14:00:00Z */
	assert_int_equal(sql_int(f, "SELECT due_at FROM reminders WHERE "
	    "milestone = '24h' AND state = 'pending'"), 1796220000);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND next_attempt_at = due_at"), 3);
}

/*
 * A database at version 4 without the indexes and counts of version 5
 * (some development builds made them) is brought up to date on open,
 * with counts that match its rows.
 */
static void
test_migrate_v5(void **state)
{
	struct fx	*f = *state;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	store_close(f->st);
	sql(f, "DROP TABLE reminder_counts; DROP INDEX reminders_expiry; "
	    "DROP INDEX reminders_due; PRAGMA user_version = 4");
	assert_non_null(f->st = store_open(f->path, 0));
	assert_int_equal(sql_int(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master WHERE "
	    "name IN ('reminders_due', 'reminders_expiry', "
	    "'reminder_counts', 'reminders_count_update')"), 4);
	assert_int_equal(sql_int(f, "SELECT n FROM reminder_counts WHERE "
	    "state = 'pending'"), 3);
}

/*
 * A number put on the STOP list by another program (aftercare-inbound,
 * the sqlite3 shell: connections without aftercare's SQL function)
 * withholds the unsent SMS of every patient with that number, however
 * the booking software typed it, at the next sync; taken off, they come
 * back, unless the patient's consent still says no.  A migration notes
 * the numbers already on the list.
 */
static void
test_stop_list(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;

	sql(f, "INSERT INTO patients (id, full_name, phone) VALUES "
	    "(1, 'Ana', '+1 (555) 010-0107'), (2, 'Bo', '+15550100107'), "
	    "(3, 'Cy', '+15550100108');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-24T14:00:00Z'), (2, '2026-11-24T14:00:00Z'), "
	    "(3, '2026-11-24T14:00:00Z')");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 3);
	assert_int_equal(store_mark_sent(f->st, r[0].id, T0 + DAY, "SM1"), 0);
	assert_int_equal(store_mark_sent(f->st, r[1].id, T0 + DAY, "SM2"), 0);
	assert_int_equal(store_mark_sent(f->st, r[2].id, T0 + DAY, "SM3"), 0);
	store_reminders_free(r, n);

	/* the receiver hears STOP from the number Ana and Bo share */
	sql(f, "INSERT INTO sms_optouts (phone, recorded_at) "
	    "VALUES ('+15550100107', 1)");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM optout_changes"), 1);
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM optout_changes"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled' AND cancelled_by = 'stop' AND last_error = "
	    "'the number unsubscribed (replied STOP)' AND treatment_id IN "
	    "(1, 2)"), 4);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND treatment_id = 3"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 3);
	/* nothing of theirs is claimed */
	n = claim(f, T0 + 8 * DAY, &r);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].treatment_id, 3);
	assert_int_equal(store_release(f->st, r[0].id, T0 + 8 * DAY), 0);
	store_reminders_free(r, n);
	/* a moved treatment stays withheld */
	sql(f, "UPDATE treatments SET performed_at = '2026-11-25T14:00:00Z' "
	    "WHERE id = 1");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND treatment_id = 1"), 0);

	/* Bo's consent says no as well; then START */
	sql(f, "UPDATE patients SET sms_opt_in = 0 WHERE id = 2");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	sql(f, "DELETE FROM sms_optouts");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND treatment_id = 1"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND treatment_id = 2"), 0);
	sql(f, "UPDATE patients SET sms_opt_in = 1 WHERE id = 2");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND treatment_id = 2"), 2);

	/* a STOP learnt at send time (21610) is withheld as the sync does */
	assert_int_equal(store_optout_add(f->st, "+15550100108", 3,
	    T0 + DAY), 0);
	n = claim(f, T0 + 8 * DAY, &r);
	assert_true(n > 0);
	assert_int_equal(store_mark_cancelled(f->st, r[0].id, T0 + 8 * DAY,
	    "the number unsubscribed (replied STOP)", STORE_CANCEL_STOP), 0);
	store_reminders_free(r, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled' AND cancelled_by = 'stop'"), 1);
	store_close(f->st);
	f->st = NULL;

	/* an older database: the numbers on its list are looked at */
	sql(f, "DELETE FROM optout_changes; DROP TABLE optout_changes; "
	    "DROP TRIGGER sms_optouts_queue_insert; PRAGMA user_version = 7");
	assert_non_null(f->st = store_open(f->path, 0));
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'sms_optouts_queue_insert'"), 1);
	assert_int_equal(sql_int(f, "SELECT phone FROM optout_changes"),
	    15550100108LL);
}

/* Keeps the ids listed: ids[0] of them, from ids[1]. */
static void
count_row(void *arg, const struct message_row *row)
{
	int64_t	*ids = arg;

	ids[ids[0] + 1] = row->id;
	ids[0]++;
}

/*
 * Escalations are claimed like reminders: due ones only, marked sending,
 * retried at their time with the attempt counted, failed for good, given
 * back by a restart's recovery; replies are counted, listed and marked
 * handled.
 */
static void
test_escalations(void **state)
{
	struct fx		*f = *state;
	struct escalation	*e;
	struct store_status	 s;
	int64_t			 ids[8];
	time_t			 handled;
	char			 err[256];
	size_t			 n;

	add_treatment(f, "2026-11-24T14:00:00Z");
	sql(f, "INSERT INTO inbound_messages (id, provider, "
	    "provider_message_id, from_number, body, num_media, received_at, "
	    "patient_id, shared_with, treatment_id, classification, urgent, "
	    "escalation, escalation_next_at) VALUES "
	    "(1, 'twilio', 'SM1', '+15550101', 'still swollen', 2, 100, 1, 1, "
	    "1, 'reply', 1, 'pending', 100), "
	    "(2, 'twilio', 'SM2', '+15550199', 'please stop', 0, 200, NULL, 0, "
	    "NULL, 'possible_optout', 0, 'pending', 200), "
	    "(3, 'twilio', 'SM3', '+15550101', 'STOP', 0, 300, 1, 0, 1, "
	    "'optout', 0, 'none', NULL)");
	assert_int_equal(store_status(f->st, 1000, &s), 0);
	assert_int_equal(s.replies.open, 2);
	assert_int_equal(s.replies.urgent, 1);
	assert_int_equal(s.replies.waiting, 2);
	assert_int_equal(s.replies.failed, 0);

	/* due at 100 and 200: one at 150 */
	assert_int_equal(store_claim_escalations(f->st, 150, 10, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].id, 1);
	assert_int_equal(e[0].attempts, 1);
	assert_string_equal(e[0].body, "still swollen");
	assert_string_equal(e[0].full_name, "Ana María");
	assert_string_equal(e[0].kind, "microneedling");
	assert_int_equal(e[0].num_media, 2);
	assert_true(e[0].urgent);
	assert_false(e[0].possible_optout);
	assert_int_equal(e[0].shared_with, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE escalation = 'sending'"), 1);
	assert_int_equal(store_escalation_retry(f->st, 1, 150, 900,
	    "HTTP 503", true), 0);
	store_escalations_free(e, n);
	assert_int_equal(store_claim_escalations(f->st, 300, 10, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].id, 2);
	assert_int_equal(e[0].patient_id, 0);
	assert_null(e[0].full_name);
	assert_true(e[0].possible_optout);
	store_escalations_free(e, n);
	/* a run that died: given back, due at once */
	assert_int_equal(store_recover(f->st, 400), 0);
	assert_int_equal(sql_int(f, "SELECT escalation_next_at FROM "
	    "inbound_messages WHERE id = 2 AND escalation = 'pending'"), 400);
	{
		time_t	next;

		assert_int_equal(store_next_escalation(f->st, &next), 0);
		assert_int_equal(next, 400);
	}
	assert_int_equal(store_claim_escalations(f->st, 1000, 10, &e, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].id, 2);
	assert_int_equal(e[1].id, 1);
	assert_int_equal(e[1].attempts, 2);
	assert_int_equal(store_escalation_failed(f->st, 2, 1000, "HTTP 400",
	    true), 0);
	assert_int_equal(store_escalation_sent(f->st, 1, 1000), 0);
	/* no longer claimed: left alone */
	assert_int_equal(store_escalation_sent(f->st, 1, 1001), 0);
	store_escalations_free(e, n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE id = 1 AND escalation = 'sent' AND escalated_at = 1000 AND "
	    "escalation_attempts = 2 AND escalation_error IS NULL"), 1);
	assert_int_equal(store_status(f->st, 1000, &s), 0);
	assert_int_equal(s.replies.waiting, 0);
	assert_int_equal(s.replies.failed, 1);

	/* the replies, newest first; the keyword is no reply */
	memset(ids, 0, sizeof(ids));
	assert_int_equal(store_replies_list(f->st, false, count_row, ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 2);
	assert_int_equal(ids[2], 1);
	assert_int_equal(store_reply_done(f->st, 2, 2000, &handled, err,
	    sizeof(err)), 0);
	assert_int_equal(handled, 0);
	assert_int_equal(store_reply_done(f->st, 2, 3000, &handled, err,
	    sizeof(err)), 0);
	assert_int_equal(handled, 2000);
	assert_int_equal(store_reply_done(f->st, 3, 3000, &handled, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no reply with id 3");
	assert_int_equal(store_reply_done(f->st, 9, 3000, &handled, err,
	    sizeof(err)), -1);
	memset(ids, 0, sizeof(ids));
	assert_int_equal(store_replies_list(f->st, true, count_row, ids), 0);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 1);
	/* a patient's history has every message of theirs, oldest first */
	memset(ids, 0, sizeof(ids));
	assert_int_equal(store_patient_messages(f->st, 1, count_row, ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 3);
}

/*
 * What the email provider said of an address reaches the reminders on
 * the next sync: an unsubscribe or spam report withholds the unsent
 * email reminders to it, as an opt-out does (the SMS ones go on); a
 * bounce too, until the patient's address changes; the address compared
 * without case and blanks around it.
 */
static void
test_email_address(void **state)
{
	static struct milestone both[] = {
		ME("24h", DAY, 3 * DAY, "day1", "Day one.", SMS | EMAIL,
		    "Day one", "Day one, by email."),
		ME("1w", 7 * DAY, 3 * DAY, "week1", "Week one.", SMS | EMAIL,
		    "Week one", "Week one, by email."),
	};
	struct fx		*f = *state;
	struct reminder		*r;
	size_t			 n;

	cfg.milestones = both;
	cfg.nmilestones = 2;
	cfg.email.provider = EMAIL_PROVIDER_SENDGRID;
	sql(f, "INSERT INTO patients (full_name, phone, email) VALUES "
	    "('Ana', '+15550101', ' Ana@Example.com '), "
	    "('Bo', '+15550102', 'bo@example.com');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-24T14:00:00Z'), (2, '2026-11-24T14:00:00Z')");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 8);
	/* Ana's address reports spam (as the receiver writes it) */
	sql(f, "INSERT INTO email_optouts (address, event, recorded_at) "
	    "VALUES ('ana@example.COM', 'spamreport', 1)");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM treatment_changes "
	    "WHERE treatment_id = 1"), 1);
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND channel = 'email' AND state = 'cancelled' "
	    "AND cancelled_by = 'optout' AND last_error = 'the patient''s "
	    "email address unsubscribed or reported spam'"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 6);
	/* a claim reads it too, should one be made before the sync */
	assert_int_equal(store_claim_due(f->st, T0 + DAY, T0 + DAY + 600, 10,
	    "email", &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].treatment_id, 2);
	assert_false(r[0].email_unsubscribed);
	assert_false(r[0].email_bounced);
	assert_int_equal(store_release(f->st, r[0].id, T0 + DAY), 0);
	store_reminders_free(r, n);
	sql(f, "UPDATE reminders SET state = 'pending', cancelled_by = NULL "
	    "WHERE id = 2");
	assert_int_equal(store_claim_due(f->st, T0 + DAY, T0 + DAY + 600, 10,
	    "email", &r, &n), 0);
	assert_int_equal(n, 2);
	assert_true(r[0].email_unsubscribed != r[1].email_unsubscribed);
	assert_int_equal(store_release(f->st, r[0].id, T0 + DAY), 0);
	assert_int_equal(store_release(f->st, r[1].id, T0 + DAY), 0);
	store_reminders_free(r, n);
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);

	/* Bo's bounces: withheld until the address changes */
	sql(f, "INSERT INTO email_bounces (address, event, status, "
	    "recorded_at) VALUES ('BO@example.com', 'bounce', '5.1.1', 1)");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND channel = 'email' AND state = 'cancelled' "
	    "AND last_error LIKE '%bounced; it is sent to again once it "
	    "changes'"), 2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'sms' AND state = 'pending'"), 4);
	/* the same address written otherwise is the same address */
	sql(f, "UPDATE patients SET email = 'Bo@Example.com' WHERE id = 2");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND channel = 'email' AND state = 'pending'"),
	    0);
	sql(f, "UPDATE patients SET email = 'bo@example.net' WHERE id = 2");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND channel = 'email' AND state = 'pending'"),
	    2);
	/* an opt-out removed (by hand) gives Ana's back */
	sql(f, "DELETE FROM email_optouts");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 8);
	cfg.email.provider = EMAIL_PROVIDER_NONE;
}

/*
 * An SMS undelivered for good (its receipt's state moved by the
 * receiver) queues its treatment, and the sync makes the email that
 * stands in for it, due when that was learnt; one that may still arrive
 * gets none (every rule: test_plan.c).
 */
static void
test_fallback(void **state)
{
	static struct milestone sms_only[] = {
		ME("24h", DAY, 3 * DAY, "day1", "Day one.", SMS,
		    "Day one", "Day one, by email."),
		ME("1w", 7 * DAY, 3 * DAY, "week1", "Week one.", SMS,
		    "Week one", "Week one, by email."),
	};
	struct fx	*f = *state;
	struct reminder	*r;
	size_t		 n;
	char		*got;

	cfg.milestones = sms_only;
	cfg.nmilestones = 2;
	cfg.email.provider = EMAIL_PROVIDER_SMTP;
	cfg.delivery.fallback = true;
	sql(f, "INSERT INTO patients (full_name, phone, email) VALUES "
	    "('Ana', '+15550101', 'ana@example.com');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-24T14:00:00Z')");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 1);
	assert_int_equal(store_mark_sent(f->st, r[0].id, T0 + DAY,
	    "SM00000000000000000000000000000001"), 0);
	store_reminders_free(r, n);
	/* 30003 (unreachable) may still work: nothing */
	sql(f, "UPDATE reminders SET delivery_state = 'undelivered', "
	    "delivery_error = '30003', delivery_at = 1795618800 WHERE id = 1");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	got = reminder_summary(f);
	assert_string_equal(got, "1:24h/sms:sent 1:1w/sms:pending");
	free(got);
	/* 30005 (unknown number) will not */
	sql(f, "UPDATE reminders SET delivery_state = 'failed', "
	    "delivery_error = '30005' WHERE id = 1");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY, NULL), 0);
	got = reminder_summary(f);
	assert_string_equal(got,
	    "1:24h/sms:sent 1:24h/email:pending 1:1w/sms:pending");
	free(got);
	/* 2026-11-25T15:00:00Z, when it was learnt; the milestone's window */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'email' AND fallback_for = 1 AND due_at = 1795618800 "
	    "AND expires_at = 1795874400 AND next_attempt_at = due_at"), 1);
	/* it is claimed as one, and looking again changes nothing */
	assert_int_equal(store_claim_due(f->st, T0 + DAY + 3600,
	    T0 + DAY + 4000, 10, "email", &r, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].fallback_for, 1);
	assert_string_equal(r[0].milestone, "24h");
	assert_int_equal(store_release(f->st, r[0].id, T0 + DAY + 3600), 0);
	store_reminders_free(r, n);
	sql(f, "INSERT INTO treatment_changes (treatment_id) VALUES (1)");
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY + 3600, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders"), 3);
	/* turned off, the unsent one is withdrawn */
	cfg.delivery.fallback = false;
	assert_int_equal(store_sync(f->st, &cfg, T0 + DAY + 3600, NULL), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'email' AND state = 'cancelled' AND "
	    "cancelled_by = 'plan'"), 1);
	cfg.email.provider = EMAIL_PROVIDER_NONE;
}

/*
 * The delivery states the receiver writes are counted by triggers, as
 * the metrics read them, and the failures of the last day found by
 * their index, grouped as status shows them.
 */
static void
test_delivery_status(void **state)
{
	struct fx		*f = *state;
	struct store_status	 s;
	int			 i;

	for (i = 0; i < 4; i++)
		add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	sql(f, "UPDATE reminders SET state = 'sent', sent_at = 1 WHERE "
	    "milestone = '24h';"
	    "UPDATE reminders SET delivery_state = 'delivered', "
	    "delivery_at = 1795615200 WHERE id = 1;"
	    "UPDATE reminders SET delivery_state = 'undelivered', "
	    "delivery_error = '30005', delivery_at = 1795615200 "
	    "WHERE id IN (4, 7);"
	    "UPDATE reminders SET delivery_state = 'undelivered', "
	    "delivery_error = '30003', delivery_at = 1795615200 WHERE id = 10;"
	    /* two days before: not in the last day */
	    "UPDATE reminders SET delivery_state = 'failed', "
	    "delivery_error = '30006', delivery_at = 1795442400 WHERE id = 2;"
	    "UPDATE reminders SET delivery_state = 'sent' WHERE id = 3");
	sql(f, "UPDATE reminders SET delivery_state = 'delivered' "
	    "WHERE id = 3");
	assert_int_equal(store_status(f->st, 1795615200 + 3600, &s), 0);
	assert_int_equal(s.delivery[DELIVERY_DELIVERED], 2);
	assert_int_equal(s.delivery[DELIVERY_UNDELIVERED], 3);
	assert_int_equal(s.delivery[DELIVERY_FAILED], 1);
	assert_int_equal(s.delivery[DELIVERY_SENT], 0);
	assert_int_equal(s.delivery[DELIVERY_BOUNCED], 0);
	assert_int_equal(s.undelivered_24h, 3);
	assert_int_equal(s.nundelivered, 2);
	assert_string_equal(s.undelivered[0].channel, "sms");
	assert_string_equal(s.undelivered[0].state, "undelivered");
	assert_string_equal(s.undelivered[0].error, "30005");
	assert_int_equal(s.undelivered[0].n, 2);
	assert_string_equal(s.undelivered[1].error, "30003");
	assert_int_equal(s.undelivered[1].n, 1);
	sql(f, "DELETE FROM reminders WHERE id = 4");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_counts c "
	    "WHERE n != (SELECT count(*) FROM reminders WHERE "
	    "delivery_state = c.state)"), 0);
}

/*
 * The SMS to look up: sent inside the window asked for, with no final
 * state, never looked up; each look-up recorded once, its state moving
 * forward only, and the error with it.
 */
static void
test_lookups(void **state)
{
	struct fx	*f = *state;
	struct reminder	*r;
	struct lookup	*l;
	enum delivery	 s, moved;
	time_t		 next;
	size_t		 n, i;

	for (i = 0; i < 4; i++)
		add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	n = claim(f, T0 + DAY, &r);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(store_mark_sent(f->st, r[i].id,
		    T0 + DAY + (time_t)i, i == 3 ? "hook-4" :
		    "SM00000000000000000000000000000001"), 0);
	store_reminders_free(r, n);
	/* one already delivered, one only queued */
	sql(f, "UPDATE reminders SET delivery_state = 'delivered' WHERE id = 1;"
	    "UPDATE reminders SET delivery_state = 'queued' WHERE id = 4");
	assert_int_equal(store_lookup_next(f->st, T0, &next), 0);
	assert_int_equal(next, T0 + DAY + 1);
	assert_int_equal(store_lookups_due(f->st, T0, T0 + DAY + 1, 10, &l,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, 4);
	store_lookups_free(l, n);
	assert_int_equal(store_lookups_due(f->st, T0 + DAY + 2, T0 + 2 * DAY,
	    10, &l, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, 7);
	assert_int_equal(l[1].id, 10);
	assert_string_equal(l[1].provider_id, "hook-4");
	store_lookups_free(l, n);
	/* undelivered: forward, with its error */
	s = DELIVERY_UNDELIVERED;
	assert_int_equal(store_lookup_record(f->st, 4, T0 + 2 * DAY, &s,
	    "30005", &moved), 0);
	assert_int_equal(moved, DELIVERY_UNDELIVERED);
	/* a callback meanwhile said delivered: sent does not undo it */
	sql(f, "UPDATE reminders SET delivery_state = 'delivered' WHERE id = 7");
	s = DELIVERY_SENT;
	assert_int_equal(store_lookup_record(f->st, 7, T0 + 2 * DAY, &s,
	    "30003", &moved), 0);
	assert_int_equal(moved, DELIVERY_NONE);
	/* nothing said of it: looked up all the same */
	assert_int_equal(store_lookup_record(f->st, 10, T0 + 2 * DAY, NULL,
	    NULL, &moved), 0);
	assert_int_equal(moved, DELIVERY_NONE);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 4 AND delivery_state = 'undelivered' AND delivery_error = "
	    "'30005' AND delivery_at = delivery_checked_at"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 7 AND delivery_state = 'delivered' AND delivery_error IS "
	    "NULL AND delivery_checked_at IS NOT NULL"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 10 AND delivery_state IS NULL AND delivery_checked_at = "
	    "unixepoch('2026-11-26T14:00:00Z')"), 1);
	/* undelivered queues its treatment, for the fallback */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM treatment_changes "
	    "WHERE treatment_id = 2"), 1);
	/* each once */
	assert_int_equal(store_lookups_due(f->st, T0, T0 + 3 * DAY, 10, &l,
	    &n), 0);
	assert_int_equal(n, 0);
	store_lookups_free(l, n);
	assert_int_equal(store_lookup_next(f->st, T0, &next), 0);
	assert_int_equal(next, 0);
}

/*
 * A database at version 8 gets version 9's columns, indexes, triggers
 * and counts on open, the counts matching its rows; version 8's own
 * step is not run again (the STOP list changes it noted stay as they
 * are).
 */
static void
test_migrate_v8(void **state)
{
	struct fx	*f = *state;

	add_treatment(f, "2026-11-24T14:00:00Z");
	assert_int_equal(store_sync(f->st, &cfg, T0, NULL), 0);
	assert_int_equal(store_optout_add(f->st, "+15550100107", 1, T0), 0);
	store_close(f->st);
	sql(f, "DROP INDEX reminders_lookup; DROP INDEX reminders_undelivered; "
	    "DROP TRIGGER reminders_delivery_count_update; "
	    "DROP TRIGGER reminders_delivery_count_insert; "
	    "DROP TRIGGER reminders_delivery_count_delete; "
	    "DROP TRIGGER reminders_queue_undelivered; "
	    "DROP TRIGGER email_optouts_queue_insert; "
	    "DROP TRIGGER email_optouts_queue_delete; "
	    "DROP TRIGGER email_bounces_queue_insert; "
	    "DROP TRIGGER email_bounces_queue_delete; "
	    "DROP TABLE delivery_counts; "
	    "ALTER TABLE reminders DROP COLUMN fallback_for; "
	    "ALTER TABLE reminders DROP COLUMN delivery_checked_at; "
	    "UPDATE reminders SET delivery_state = 'delivered' WHERE id = 1; "
	    "PRAGMA user_version = 8");
	assert_non_null(f->st = store_open(f->path, 0));
	assert_int_equal(sql_int(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master WHERE "
	    "name IN ('reminders_lookup', 'reminders_undelivered', "
	    "'delivery_counts', 'reminders_delivery_count_update', "
	    "'reminders_delivery_count_insert', "
	    "'reminders_delivery_count_delete', "
	    "'reminders_queue_undelivered', 'email_optouts_queue_insert', "
	    "'email_optouts_queue_delete', 'email_bounces_queue_insert', "
	    "'email_bounces_queue_delete')"), 11);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM "
	    "pragma_table_info('reminders') WHERE name IN ('fallback_for', "
	    "'delivery_checked_at')"), 2);
	assert_int_equal(sql_int(f, "SELECT n FROM delivery_counts WHERE "
	    "state = 'delivered'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM optout_changes"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_milestones_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_restore, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reschedule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_performed_at, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_and_recover, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_entered_late,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_stays_expired,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_consent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_change, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_treatments_before_init,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_changes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_patient, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_staff_operations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_channels, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plans_indexed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expire_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_optin_after_move, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_email_address, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fallback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delivery_status, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lookups, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v5, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_escalations, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
