/* SPDX-License-Identifier: MIT */
/* test_inbox.c: the receiver's writes on a real SQLite file, with a second connection as the booking software. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "delivery.h"
#include "inbox.h"
#include "keyword.h"
#include "store.h"

/* 2026-11-25T14:00:00Z */
#define NOW	((time_t)1795615200)
#define DAY	86400
#define ANA	"+15550100101"

struct fx {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
	struct inbox	*ib;
	sqlite3		*booking;	/* the clinic's software */
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

	if (sqlite3_prepare_v2(f->booking, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("booking sql \"%s\": %s", q,
		    sqlite3_errmsg(f->booking));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The text in the first row of q, into buf ("" for NULL or no row). */
static const char *
sql_text(struct fx *f, const char *q, char *buf, size_t len)
{
	sqlite3_stmt		*s;
	const unsigned char	*v;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(f->booking, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("booking sql \"%s\": %s", q,
		    sqlite3_errmsg(f->booking));
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (v = sqlite3_column_text(s, 0)) != NULL)
		snprintf(buf, len, "%s", (const char *)v);
	sqlite3_finalize(s);
	return buf;
}

/* Whether SQLite's plan for q reads through the index named index. */
static bool
plan_uses(struct fx *f, const char *q, const char *index)
{
	sqlite3_stmt		*s;
	const unsigned char	*d;
	char			*eqp;
	bool			 uses = false;

	assert_non_null(eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", q));
	if (sqlite3_prepare_v2(f->booking, eqp, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", eqp, sqlite3_errmsg(f->booking));
	while (sqlite3_step(s) == SQLITE_ROW)
		if ((d = sqlite3_column_text(s, 3)) != NULL &&
		    strstr((const char *)d, index) != NULL)
			uses = true;
	sqlite3_finalize(s);
	sqlite3_free(eqp);
	return uses;
}

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/aftercare-inbox-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/aftercare.db", f->dir);
	f->st = store_open(f->path, STORE_CREATE);
	assert_non_null(f->st);
	f->ib = inbox_new(f->st);
	assert_non_null(f->ib);
	assert_int_equal(sqlite3_open(f->path, &f->booking), SQLITE_OK);
	sqlite3_busy_timeout(f->booking, 5000);
	/*
	 * Ana (patient 1) had a treatment yesterday, whose 24h SMS went out
	 * (reminder 1) and whose 1w one has not (reminder 2), and has one
	 * booked next month.  Ben (2) has no phone; Cy (3) another number.
	 */
	sql(f, "INSERT INTO patients (id, full_name, phone, email) VALUES "
	    "(1, 'Ana Example', '+1 (555) 010-0101', 'ana@example.com'), "
	    "(2, 'Ben Example', NULL, 'ben@example.com'), "
	    "(3, 'Cy Example', '+1 555 010 0103', NULL)");
	sql(f, "INSERT INTO treatments (id, patient_id, performed_at) VALUES "
	    "(1, 1, '2026-11-24T09:00:00-05:00'), "
	    "(2, 1, '2026-12-24T09:00:00-05:00'), "
	    "(3, 3, '2026-11-20T09:00:00Z')");
	sql(f, "INSERT INTO reminders (id, treatment_id, milestone, channel, "
	    "state, due_at, expires_at, next_attempt_at, created_at, "
	    "updated_at, sent_at, provider_id) VALUES "
	    "(1, 1, '24h', 'sms', 'sent', 1, 2, 1, 1, 1, 1795600000, "
	    "'SM00000000000000000000000000000001'), "
	    "(2, 1, '1w', 'sms', 'pending', 1, 2, 1, 1, 1, NULL, NULL), "
	    "(3, 1, '24h', 'email', 'sent', 1, 2, 1, 1, 1, 1795600000, "
	    "'sg-message-1'), "
	    "(4, 3, '24h', 'sms', 'sent', 1, 2, 1, 1, 1, 1795000000, "
	    "'SM00000000000000000000000000000004')");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[128];

	inbox_free(f->ib);
	store_close(f->st);
	sqlite3_close(f->booking);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct inbox_sms
sms(const char *sid, const char *from, const char *body, enum keyword k)
{
	struct inbox_sms	m;

	memset(&m, 0, sizeof(m));
	m.provider = "twilio";
	m.message_id = sid;
	m.from = from;
	m.to = "+15550100";
	m.body = body;
	m.keyword = k;
	m.escalate = true;
	m.now = NOW;
	return m;
}

/*
 * Version 7's tables and columns, and a database at 6 brought up to it
 * (and on to the current version).
 */
static void
test_schema_v7(void **state)
{
	struct fx	*f = *state;

	assert_int_equal(sql_int(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sqlite_master "
	    "WHERE name IN ('inbound_messages', 'delivery_receipts', "
	    "'email_optouts', 'email_bounces', 'reminders_provider_id', "
	    "'inbound_escalation', 'inbound_open', 'inbound_from', "
	    "'inbound_patient', 'delivery_receipts_received')"), 10);
	inbox_free(f->ib);
	f->ib = NULL;
	store_close(f->st);
	/* Versions 9 and 8 first: 9's use version 7's columns. */
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
	    "ALTER TABLE reminders DROP COLUMN delivery_checked_at");
	sql(f, "DROP TRIGGER sms_optouts_queue_insert; "
	    "DROP TRIGGER sms_optouts_queue_delete; "
	    "DROP TRIGGER sms_optouts_queue_update; "
	    "DROP TABLE optout_changes; DROP INDEX inbound_escalation_state");
	sql(f, "DROP TABLE inbound_messages; DROP TABLE delivery_receipts; "
	    "DROP TABLE email_optouts; DROP TABLE email_bounces; "
	    "DROP INDEX reminders_provider_id; "
	    "ALTER TABLE reminders DROP COLUMN delivery_state; "
	    "ALTER TABLE reminders DROP COLUMN delivery_error; "
	    "ALTER TABLE reminders DROP COLUMN delivery_at; "
	    "ALTER TABLE sms_optouts DROP COLUMN inbound_id; "
	    "PRAGMA user_version = 6");
	assert_non_null(f->st = store_open(f->path, 0));
	assert_non_null(f->ib = inbox_new(f->st));
	assert_int_equal(sql_int(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "delivery_state IS NULL AND delivery_error IS NULL AND "
	    "delivery_at IS NULL"), 4);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM "
	    "pragma_table_info('sms_optouts') WHERE name = 'inbound_id'"), 1);
	/* Opening it again changes nothing. */
	inbox_free(f->ib);
	store_close(f->st);
	assert_non_null(f->st = store_open(f->path, STORE_CREATE));
	assert_non_null(f->ib = inbox_new(f->st));
	/* The receipt lookup goes through the provider id's index. */
	assert_true(plan_uses(f, "SELECT id, delivery_state FROM reminders "
	    "WHERE provider_id = 'SM1' AND channel = 'sms' "
	    "ORDER BY id DESC LIMIT 1", "reminders_provider_id"));
	assert_true(plan_uses(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE from_number = '+15550100101' AND received_at > 5 AND "
	    "acknowledged_at IS NOT NULL", "inbound_from"));
}

/* A reply: matched, stored, escalated; a retry of it changes nothing. */
static void
test_reply(void **state)
{
	struct fx		*f = *state;
	struct inbox_sms	 m;
	struct inbox_sms_result	 r, again;
	char			 buf[256];

	m = sms("SMa1", ANA, "My face is still red\nand oozing", KEYWORD_NONE);
	m.urgent = true;
	m.num_media = 2;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_true(r.id > 0);
	assert_int_equal(r.patient_id, 1);
	assert_int_equal(r.shared_with, 0);
	/* Yesterday's treatment, not next month's; its 24h SMS. */
	assert_int_equal(r.treatment_id, 1);
	assert_int_equal(r.reminder_id, 1);
	assert_false(r.acknowledge);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider = 'twilio' AND provider_message_id = 'SMa1' AND "
	    "from_number = '" ANA "' AND to_number = '+15550100' AND "
	    "num_media = 2 AND received_at = 1795615200 AND patient_id = 1 "
	    "AND treatment_id = 1 AND reminder_id = 1 AND "
	    "classification = 'reply' AND urgent = 1 AND "
	    "escalation = 'pending' AND escalation_next_at = 1795615200 AND "
	    "escalation_attempts = 0 AND escalated_at IS NULL AND "
	    "handled_at IS NULL AND acknowledged_at IS NULL"), 1);
	assert_string_equal(sql_text(f, "SELECT body FROM inbound_messages",
	    buf, sizeof(buf)), "My face is still red\nand oozing");

	/* Twilio retries: the same answer, one row. */
	m.now = NOW + 60;
	m.body = "something else";
	assert_int_equal(inbox_sms(f->ib, &m, &again), INBOX_DUPLICATE);
	assert_int_equal(again.id, r.id);
	assert_int_equal(again.patient_id, 1);
	assert_int_equal(again.reminder_id, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages"),
	    1);
	assert_string_equal(sql_text(f, "SELECT body FROM inbound_messages",
	    buf, sizeof(buf)), "My face is still red\nand oozing");

	/* The same id from another provider is another message. */
	m.provider = "webhook";
	assert_int_equal(inbox_sms(f->ib, &m, &again), INBOX_WRITTEN);
	assert_true(again.id != r.id);
}

/* Unknown, shared and escalation-less numbers. */
static void
test_match(void **state)
{
	struct fx		*f = *state;
	struct inbox_sms	 m;
	struct inbox_sms_result	 r;

	/* A number no patient has is stored all the same. */
	m = sms("SMb1", "+15550100199", "who is this?", KEYWORD_NONE);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(r.patient_id, 0);
	assert_int_equal(r.treatment_id, 0);
	assert_int_equal(r.reminder_id, 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider_message_id = 'SMb1' AND patient_id IS NULL AND "
	    "treatment_id IS NULL AND reminder_id IS NULL AND "
	    "escalation = 'pending'"), 1);

	/*
	 * Cy's daughter shares the number and had a treatment after Cy's
	 * (a future one does not count while one was performed).
	 */
	sql(f, "INSERT INTO patients (id, full_name, phone) VALUES "
	    "(4, 'Dee Example', '+15550100103')");
	sql(f, "INSERT INTO treatments (id, patient_id, performed_at) VALUES "
	    "(4, 4, '2026-11-22T10:00:00+01:00'), "
	    "(5, 3, '2027-01-05T09:00:00Z')");
	m = sms("SMb2", "+15550100103", "thanks", KEYWORD_NONE);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(r.patient_id, 4);
	assert_int_equal(r.shared_with, 1);
	assert_int_equal(r.treatment_id, 4);
	assert_int_equal(r.reminder_id, 0);
	assert_int_equal(sql_int(f, "SELECT shared_with FROM inbound_messages "
	    "WHERE provider_message_id = 'SMb2'"), 1);

	/* A patient without treatments is still the patient. */
	sql(f, "INSERT INTO patients (id, full_name, phone) VALUES "
	    "(5, 'Eve Example', '+44 20 7946 0999')");
	m = sms("SMb3", "+442079460999", "hello", KEYWORD_NONE);
	m.escalate = false;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(r.patient_id, 5);
	assert_int_equal(r.treatment_id, 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider_message_id = 'SMb3' AND escalation = 'none' AND "
	    "escalation_next_at IS NULL"), 1);
}

/* STOP, START, HELP and a request to stop in other words. */
static void
test_keywords(void **state)
{
	struct fx		*f = *state;
	struct inbox_sms	 m;
	struct inbox_sms_result	 r;
	int64_t			 stop;

	m = sms("SMc1", ANA, "Stop", KEYWORD_OPTOUT);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	stop = r.id;
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts WHERE "
	    "phone = '" ANA "' AND reminder_id = 1 AND "
	    "recorded_at = 1795615200"), 1);
	assert_int_equal(sql_int(f, "SELECT inbound_id FROM sms_optouts"),
	    stop);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE id = (SELECT inbound_id FROM sms_optouts) AND "
	    "classification = 'optout' AND escalation = 'none' AND "
	    "body = 'Stop' AND provider_message_id = 'SMc1'"), 1);
	/* A second STOP keeps the first as the evidence. */
	m = sms("SMc2", ANA, "STOPALL", KEYWORD_OPTOUT);
	m.now = NOW + 10;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT inbound_id FROM sms_optouts"),
	    stop);

	m = sms("SMc3", ANA, "start", KEYWORD_OPTIN);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts"), 0);
	m = sms("SMc4", ANA, "HELP", KEYWORD_HELP);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	m = sms("SMc5", ANA, "please stop texting me", KEYWORD_MAYBE_OPTOUT);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE (provider_message_id = 'SMc3' AND classification = 'optin' "
	    "AND escalation = 'none') OR (provider_message_id = 'SMc4' AND "
	    "classification = 'help' AND escalation = 'none') OR "
	    "(provider_message_id = 'SMc5' AND classification = "
	    "'possible_optout' AND escalation = 'pending')"), 3);
	/* An opt-out learnt from a refused send is not replaced either. */
	sql(f, "INSERT INTO sms_optouts (phone, reminder_id, recorded_at) "
	    "VALUES ('+15550100103', 4, 5)");
	m = sms("SMc6", "+15550100103", "QUIT", KEYWORD_OPTOUT);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts WHERE "
	    "phone = '+15550100103' AND recorded_at = 5 AND "
	    "inbound_id IS NULL"), 1);
}

/* The acknowledgement: replies only, once a day per patient or number. */
static void
test_acknowledge(void **state)
{
	struct fx		*f = *state;
	struct inbox_sms	 m;
	struct inbox_sms_result	 r;

	m = sms("SMd1", ANA, "STOP", KEYWORD_OPTOUT);
	m.acknowledge = true;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_false(r.acknowledge);
	m = sms("SMd2", ANA, "please stop", KEYWORD_MAYBE_OPTOUT);
	m.acknowledge = true;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_false(r.acknowledge);

	m = sms("SMd3", ANA, "is redness normal?", KEYWORD_NONE);
	m.acknowledge = true;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_true(r.acknowledge);
	assert_int_equal(sql_int(f, "SELECT acknowledged_at FROM "
	    "inbound_messages WHERE provider_message_id = 'SMd3'"), NOW);
	/* Its retry gets the same answer: Twilio never saw the first. */
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_DUPLICATE);
	assert_true(r.acknowledge);

	m = sms("SMd4", ANA, "and swelling?", KEYWORD_NONE);
	m.acknowledge = true;
	m.now = NOW + DAY - 1;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_false(r.acknowledge);
	/* Another number of the same patient counts as the patient. */
	sql(f, "UPDATE patients SET phone = '+15550100111' WHERE id = 1");
	m = sms("SMd5", "+15550100111", "new phone", KEYWORD_NONE);
	m.acknowledge = true;
	m.now = NOW + 60;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(r.patient_id, 1);
	assert_false(r.acknowledge);
	/* A day later, once more. */
	m = sms("SMd6", "+15550100111", "better now", KEYWORD_NONE);
	m.acknowledge = true;
	m.now = NOW + DAY + 1;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_true(r.acknowledge);
	/* An unknown number, by the number. */
	m = sms("SMd7", "+15550100198", "hi", KEYWORD_NONE);
	m.acknowledge = true;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_true(r.acknowledge);
	m = sms("SMd8", "+15550100198", "hi again", KEYWORD_NONE);
	m.acknowledge = true;
	m.now = NOW + 120;
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_false(r.acknowledge);
	/* Off: never. */
	m = sms("SMd9", "+15550100197", "hi", KEYWORD_NONE);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_false(r.acknowledge);
}

/*
 * The booking software holds the write lock past the busy timeout:
 * INBOX_BUSY, and nothing of the message is written.
 */
static void
test_locked(void **state)
{
	struct fx		*f = *state;
	struct inbox_sms	 m;
	struct inbox_sms_result	 r;
	struct inbox_receipt	 rc;
	struct inbox_receipts_result rr;

	assert_int_equal(store_busy_timeout(f->st, 50), 0);
	sql(f, "BEGIN IMMEDIATE");
	m = sms("SMe1", ANA, "STOP", KEYWORD_OPTOUT);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_BUSY);
	memset(&rc, 0, sizeof(rc));
	rc.provider = "twilio";
	rc.receipt_id = "SM00000000000000000000000000000001/delivered";
	rc.channel = "sms";
	rc.message_id = "SM00000000000000000000000000000001";
	rc.event = "delivered";
	rc.has_state = true;
	rc.state = DELIVERY_DELIVERED;
	rc.now = NOW;
	assert_int_equal(inbox_receipts(f->ib, &rc, 1, &rr), INBOX_BUSY);
	sql(f, "COMMIT");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages"),
	    0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_receipts"),
	    0);
	/* Free again: written, as the retry will be. */
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(inbox_receipts(f->ib, &rc, 1, &rr), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts"), 1);
}

#define NRECEIPTS	100

/* Sets max_page_count on the receiver's connection. */
static void
max_pages(struct fx *f, int64_t n)
{
	char	q[64];

	snprintf(q, sizeof(q), "PRAGMA max_page_count = %lld", (long long)n);
	assert_int_equal(sqlite3_exec(store_db(f->st), q, NULL, NULL, NULL),
	    SQLITE_OK);
}

/*
 * The database cannot grow (SQLITE_FULL, as a full disk gives; here its
 * max_page_count): INBOX_FULL, nothing of the message, its opt-out or the
 * receipts written.  With room again the same connection takes the
 * retries.
 */
static void
test_full(void **state)
{
	struct fx			*f = *state;
	struct inbox_sms		 m;
	struct inbox_sms_result		 r;
	struct inbox_receipt		 rc[NRECEIPTS];
	struct inbox_receipts_result	 rr;
	static char			 body[20001], key[NRECEIPTS][96];
	size_t				 i;

	for (i = 0; i < sizeof(body) - 1; i++)
		body[i] = "STOP and stop "[i % 14];
	for (i = 0; i < NRECEIPTS; i++) {
		snprintf(key[i], sizeof(key[i]), "SM%032zu/delivered", i);
		memset(&rc[i], 0, sizeof(rc[i]));
		rc[i].provider = "twilio";
		rc[i].receipt_id = key[i];
		rc[i].channel = "sms";
		rc[i].message_id = "SM00000000000000000000000000000001";
		rc[i].event = "delivered";
		rc[i].has_state = true;
		rc[i].state = DELIVERY_DELIVERED;
		rc[i].now = NOW;
	}
	m = sms("SMf1", ANA, body, KEYWORD_OPTOUT);
	max_pages(f, sql_int(f, "PRAGMA page_count"));
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_FULL);
	assert_int_equal(inbox_receipts(f->ib, rc, NRECEIPTS, &rr),
	    INBOX_FULL);
	assert_int_equal(rr.written, 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages"),
	    0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_receipts"),
	    0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "delivery_state IS NOT NULL"), 0);

	max_pages(f, 1000000);
	assert_int_equal(inbox_sms(f->ib, &m, &r), INBOX_WRITTEN);
	assert_int_equal(inbox_receipts(f->ib, rc, NRECEIPTS, &rr),
	    INBOX_WRITTEN);
	assert_int_equal(rr.written, NRECEIPTS);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider_message_id = 'SMf1' AND length(body) = 20000"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM sms_optouts"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_receipts"),
	    NRECEIPTS);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'delivered'"), 1);
}

static struct inbox_receipt
twilio_status(const char *sid, const char *status, const char *error)
{
	static char		 key[3][96];
	static size_t		 k;
	struct inbox_receipt	 r;

	memset(&r, 0, sizeof(r));
	k = (k + 1) % 3;
	snprintf(key[k], sizeof(key[k]), "%s/%s", sid, status);
	r.provider = "twilio";
	r.receipt_id = key[k];
	r.channel = "sms";
	r.message_id = sid;
	r.event = status;
	r.has_state = delivery_twilio_status(status, &r.state) == 0;
	r.error = error;
	r.now = NOW;
	return r;
}

/* Delivery states only move forward, whatever order receipts come in. */
static void
test_receipts(void **state)
{
	struct fx			*f = *state;
	struct inbox_receipt		 r;
	struct inbox_receipts_result	 res;
	char				 buf[64];

#define SID1	"SM00000000000000000000000000000001"
	r = twilio_status(SID1, "sent", NULL);
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(res.written, 1);
	assert_int_equal(res.advanced, 1);
	assert_string_equal(sql_text(f, "SELECT delivery_state FROM reminders "
	    "WHERE id = 1", buf, sizeof(buf)), "sent");
	r = twilio_status(SID1, "delivered", NULL);
	r.now = NOW + 5;
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'delivered' AND delivery_at = "
	    "1795615205 AND delivery_error IS NULL"), 1);
	/* A late sent, and an error from one segment, change nothing. */
	r = twilio_status(SID1, "sending", NULL);
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(res.advanced, 0);
	r = twilio_status(SID1, "undelivered", "30003");
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(res.advanced, 0);
	assert_string_equal(sql_text(f, "SELECT delivery_state FROM reminders "
	    "WHERE id = 1", buf, sizeof(buf)), "delivered");
	/* The same callback again: a duplicate. */
	r = twilio_status(SID1, "delivered", NULL);
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_DUPLICATE);
	assert_int_equal(res.duplicates, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_receipts"),
	    4);

	/* Undelivered, then its error code; another reminder untouched. */
	r = twilio_status("SM00000000000000000000000000000004",
	    "undelivered", "30006");
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 4 AND delivery_state = 'undelivered' AND "
	    "delivery_error = '30006'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "delivery_state IS NOT NULL"), 2);

	/* A message we never sent: kept, for no reminder. */
	r = twilio_status("SM99999999999999999999999999999999", "delivered",
	    NULL);
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(res.unmatched, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_receipts "
	    "WHERE receipt_id LIKE 'SM9999%' AND reminder_id IS NULL"), 1);
	/* An SMS's id is not an email's. */
	r = twilio_status(SID1, "failed", NULL);
	r.channel = "email";
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(res.unmatched, 1);
	/* Nothing of delivery (Twilio's "received"): kept, changes none. */
	r = twilio_status(SID1, "received", NULL);
	assert_false(r.has_state);
	assert_int_equal(inbox_receipts(f->ib, &r, 1, &res), INBOX_WRITTEN);
	assert_int_equal(res.advanced, 0);
#undef SID1
}

/* SendGrid's batch: by reminder id, addresses opted out and bounced. */
static void
test_email_events(void **state)
{
	struct fx			*f = *state;
	struct inbox_receipt		 r[5];
	struct inbox_receipts_result	 res;
	size_t				 i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 5; i++) {
		r[i].provider = "sendgrid";
		r[i].channel = "email";
		r[i].reminder_id = 3;
		r[i].now = NOW + (time_t)i;
	}
	r[0].receipt_id = "ev-processed";
	r[0].event = "processed";
	r[0].has_state = true;
	r[0].state = DELIVERY_QUEUED;
	r[1].receipt_id = "ev-delivered";
	r[1].event = "delivered";
	r[1].has_state = true;
	r[1].state = DELIVERY_DELIVERED;
	r[2].receipt_id = "ev-bounce";
	r[2].event = "bounce";
	r[2].has_state = true;
	r[2].state = DELIVERY_BOUNCED;
	r[2].error = "5.1.1";
	r[2].address_effect = INBOX_ADDRESS_BOUNCE;
	r[2].address = "Ana@Example.com";
	r[2].status = "5.1.1";
	r[3].receipt_id = "ev-spam";
	r[3].event = "spamreport";
	r[3].address_effect = INBOX_ADDRESS_OPTOUT;
	r[3].address = "ana@example.com";
	/* For reminder 1, an SMS: not an email's event. */
	r[4].receipt_id = "ev-other";
	r[4].event = "delivered";
	r[4].reminder_id = 1;
	r[4].has_state = true;
	r[4].state = DELIVERY_DELIVERED;
	assert_int_equal(inbox_receipts(f->ib, r, 5, &res), INBOX_WRITTEN);
	assert_int_equal(res.written, 5);
	assert_int_equal(res.unmatched, 1);
	assert_int_equal(res.advanced, 3);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 3 AND delivery_state = 'bounced' AND "
	    "delivery_error = '5.1.1'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state IS NULL"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM email_bounces "
	    "WHERE address = 'ana@example.com' AND event = 'bounce' AND "
	    "status = '5.1.1' AND reminder_id = 3 AND "
	    "receipt_id = 'ev-bounce'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM email_optouts "
	    "WHERE address = 'ANA@example.com' AND event = 'spamreport' AND "
	    "reminder_id = 3"), 1);

	/* SendGrid retries the whole batch, one event new. */
	r[4].receipt_id = "ev-new";
	r[4].reminder_id = 0;
	r[4].message_id = "sg-message-1";
	r[4].event = "unsubscribe";
	r[4].has_state = false;
	r[4].address_effect = INBOX_ADDRESS_OPTOUT;
	r[4].address = "ana@example.com";
	assert_int_equal(inbox_receipts(f->ib, r, 5, &res), INBOX_WRITTEN);
	assert_int_equal(res.written, 1);
	assert_int_equal(res.duplicates, 4);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_receipts "
	    "WHERE receipt_id = 'ev-new' AND reminder_id = 3"), 1);
	/* The first opt-out stays the evidence. */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM email_optouts "
	    "WHERE receipt_id = 'ev-spam'"), 1);
	assert_int_equal(inbox_receipts(f->ib, r, 5, &res), INBOX_DUPLICATE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_v7, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keywords, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_acknowledge, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_email_events, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
