/* SPDX-License-Identifier: MIT */
/* store.c: the SQLite database: schema, reminders, and what the staff query. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "delivery.h"
#include "json.h"
#include "log.h"
#include "phone.h"
#include "plan.h"
#include "schedule.h"
#include "store.h"
#include "tz.h"
#include "util.h"


/*
 * Reminders expired per statement: RETURNING holds them all in memory,
 * so a catch-up after weeks stays small.
 */
#define EXPIRE_BATCH	512

/* Treatment changes turned into reminders per transaction, at most. */
#define SYNC_BATCH	256

/* Treatments queued per statement when the plan changed. */
#define QUEUE_BATCH	2048

/*
 * The booking software's writes matter more than ours, and SQLite's busy
 * handler is not fair: a writer that finds the lock taken sleeps 1, 2, 5,
 * 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms at a time, and gets in only
 * if it wakes while the lock is free, so a loop that commits and begins
 * again at once starves it until its busy timeout.  So the bulk work
 * (sync, re-plan, expiry; claims and outcomes in a burst) holds the write
 * lock at most HOLD_MS per transaction, and once its transactions have
 * followed one another for RUN_MS, holding the lock for half that time
 * or more, leaves it free for YIELD_MS: longer than the writer's sleeps
 * in its first 128 ms (25 ms), so it gets in within about RUN_MS +
 * HOLD_MS + YIELD_MS (100 ms) of starting to wait.  A transaction after
 * a pause of YIELD_MS or more never waits, so an idle daemon's few writes
 * go at once, and neither do the small ones of a rate-limited send, 20 ms
 * apart (a pause there would bunch its sends).  See README, Performance.
 */
#define HOLD_MS		20
#define RUN_MS		50
#define YIELD_MS	30

/*
 * While another connection is in the middle of a write (its commit not
 * yet visible), store_changed() says to look again after SETTLE_FIRST_MS,
 * doubling up to SETTLE_MAX_MS for as long as the write lasts.
 */
#define SETTLE_FIRST_MS	5
#define SETTLE_MAX_MS	200

/*
 * The schema.  patients and treatments are the booking software's (the
 * integration contract in README.md); we create them only if they are not
 * there.  Everything else is ours.  Triggers queue every change to a
 * treatment, so that a pass looks only at what changed, never at all
 * treatments.
 */
static const char schema_v1[] =
"CREATE TABLE IF NOT EXISTS patients ("
"  id INTEGER PRIMARY KEY,"
"  full_name TEXT NOT NULL,"
"  phone TEXT,"
"  email TEXT,"
"  timezone TEXT,"
"  sms_opt_in INTEGER NOT NULL DEFAULT 1,"
"  email_opt_in INTEGER NOT NULL DEFAULT 1);"
"CREATE TABLE IF NOT EXISTS treatments ("
"  id INTEGER PRIMARY KEY,"
"  patient_id INTEGER NOT NULL REFERENCES patients(id),"
"  kind TEXT NOT NULL DEFAULT 'microneedling',"
"  performed_at TEXT NOT NULL,"
"  status TEXT NOT NULL DEFAULT 'scheduled');"
"CREATE INDEX IF NOT EXISTS treatments_patient ON treatments(patient_id);"
"CREATE TABLE IF NOT EXISTS reminders ("
"  id INTEGER PRIMARY KEY,"
"  treatment_id INTEGER NOT NULL,"
"  milestone TEXT NOT NULL,"
"  channel TEXT NOT NULL DEFAULT 'sms',"
"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
"    ('pending', 'sending', 'sent', 'failed', 'cancelled', 'expired')),"
"  cancelled_by TEXT,"
"  due_at INTEGER NOT NULL,"
"  expires_at INTEGER NOT NULL,"
"  next_attempt_at INTEGER NOT NULL,"
"  lease_until INTEGER,"
"  attempts INTEGER NOT NULL DEFAULT 0,"
"  last_error TEXT,"
"  provider_id TEXT,"
"  idempotency_key TEXT NOT NULL DEFAULT (lower(hex(randomblob(16)))),"
"  created_at INTEGER NOT NULL,"
"  updated_at INTEGER NOT NULL,"
"  sent_at INTEGER,"
"  UNIQUE (treatment_id, milestone, channel));"
"CREATE INDEX IF NOT EXISTS reminders_pending ON reminders(next_attempt_at)"
"  WHERE state = 'pending';"
"CREATE INDEX IF NOT EXISTS reminders_sending ON reminders(lease_until)"
"  WHERE state = 'sending';"
"CREATE INDEX IF NOT EXISTS reminders_state ON reminders(state, due_at);"
"CREATE TABLE IF NOT EXISTS treatment_changes ("
"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
"  treatment_id INTEGER NOT NULL);"
"CREATE TABLE IF NOT EXISTS treatment_problems ("
"  treatment_id INTEGER PRIMARY KEY,"
"  problem TEXT NOT NULL,"
"  noted_at INTEGER NOT NULL);"
"CREATE TABLE IF NOT EXISTS aftercare_state ("
"  key TEXT PRIMARY KEY,"
"  value TEXT NOT NULL);"
"CREATE TRIGGER IF NOT EXISTS treatments_queue_insert"
"  AFTER INSERT ON treatments BEGIN"
"  INSERT INTO treatment_changes (treatment_id) VALUES (NEW.id); END;"
"CREATE TRIGGER IF NOT EXISTS treatments_queue_update"
"  AFTER UPDATE OF patient_id, kind, performed_at, status ON treatments BEGIN"
"  INSERT INTO treatment_changes (treatment_id) VALUES (NEW.id); END;"
"CREATE TRIGGER IF NOT EXISTS treatments_queue_delete"
"  AFTER DELETE ON treatments BEGIN"
"  INSERT INTO treatment_changes (treatment_id) VALUES (OLD.id); END;";

/*
 * Version 2: numbers whose owner unsubscribed at the gateway (replied
 * STOP): no reminder is sent to them again, whoever's number it is now.
 */
static const char schema_v2[] =
"CREATE TABLE IF NOT EXISTS sms_optouts ("
"  phone TEXT PRIMARY KEY,"		/* E.164 */
"  reminder_id INTEGER,"		/* the reminder that learned it */
"  recorded_at INTEGER NOT NULL);";

/*
 * Version 3: a patient's consent changing (by the booking software or
 * aftercarectl) queues their treatments, whose unsent reminders on that
 * channel are then cancelled or restored.
 */
static const char schema_v3[] =
"CREATE TRIGGER IF NOT EXISTS patients_queue_consent"
"  AFTER UPDATE OF sms_opt_in, email_opt_in ON patients BEGIN"
"  INSERT INTO treatment_changes (treatment_id)"
"    SELECT id FROM treatments WHERE patient_id = NEW.id; END;";

/*
 * Version 4: patients.language (BCP 47) picks the texts; a patient's
 * phone, email or time zone changing queues their treatments, whose
 * reminders then follow (a new address, another channel, another clock).
 * The column is added only where the booking software has not.
 */
static const char schema_v4[] =
"CREATE TRIGGER IF NOT EXISTS patients_queue_contact"
"  AFTER UPDATE OF phone, email, timezone ON patients BEGIN"
"  INSERT INTO treatment_changes (treatment_id)"
"    SELECT id FROM treatments WHERE patient_id = NEW.id; END;";

/*
 * Version 5: indexes and counts that keep a pass O(log n) in the
 * reminders (each statement idempotent, as some development databases
 * carry parts of it under version 4).
 */
static const char schema_v5[] =
/* The last send, for status and metrics, without reading every sent row. */
"CREATE INDEX IF NOT EXISTS reminders_sent ON reminders(sent_at)"
"  WHERE state = 'sent';"
/* What is due, per channel: each channel is claimed on its own. */
"DROP INDEX IF EXISTS reminders_pending;"
"CREATE INDEX IF NOT EXISTS reminders_due"
"  ON reminders(channel, next_attempt_at) WHERE state = 'pending';"
/*
 * The claimed ones are found by reminders_state; an index of their own
 * only cost every claim and every outcome one more write.
 */
"DROP INDEX IF EXISTS reminders_sending;"
/* What has run out of time, per channel, without reading what is due. */
"CREATE INDEX IF NOT EXISTS reminders_expiry"
"  ON reminders(channel, expires_at) WHERE state = 'pending';"
/*
 * Reminders per state, kept by triggers, so that the metrics and status
 * of every pass do not count millions of rows.
 */
"CREATE TABLE IF NOT EXISTS reminder_counts ("
"  state TEXT PRIMARY KEY,"
"  n INTEGER NOT NULL) WITHOUT ROWID;"
"INSERT OR REPLACE INTO reminder_counts (state, n)"
"  SELECT s.column1, (SELECT count(*) FROM reminders WHERE state = s.column1)"
"  FROM (VALUES ('pending'), ('sending'), ('sent'), ('failed'),"
"  ('cancelled'), ('expired')) s;"
"CREATE TRIGGER IF NOT EXISTS reminders_count_insert"
"  AFTER INSERT ON reminders BEGIN"
"  UPDATE reminder_counts SET n = n + 1 WHERE state = NEW.state; END;"
"CREATE TRIGGER IF NOT EXISTS reminders_count_delete"
"  AFTER DELETE ON reminders BEGIN"
"  UPDATE reminder_counts SET n = n - 1 WHERE state = OLD.state; END;"
"CREATE TRIGGER IF NOT EXISTS reminders_count_update"
"  AFTER UPDATE OF state ON reminders WHEN OLD.state != NEW.state BEGIN"
"  UPDATE reminder_counts SET n = n - 1 WHERE state = OLD.state;"
"  UPDATE reminder_counts SET n = n + 1 WHERE state = NEW.state; END;";

/*
 * Version 6: the failures of the last day, read every loop for the status
 * line, without reading every failure ever recorded.
 */
static const char schema_v6[] =
"CREATE INDEX IF NOT EXISTS reminders_failed ON reminders(updated_at)"
"  WHERE state = 'failed';";

/*
 * Version 7: what aftercare-inbound learns from the providers (see
 * inbox.c, and README's database contract).  Patients' messages to the
 * clinic, with the patient, treatment and reminder they answer and the
 * state of their escalation to staff; which message opted a number out;
 * where each reminder got to (delivery receipts, which only move
 * forward), found by the provider's message id; the receipts already
 * heard, as providers send one more than once; and email addresses that
 * unsubscribed or bounced.
 */
static const char schema_v7[] =
"CREATE TABLE IF NOT EXISTS inbound_messages ("
"  id INTEGER PRIMARY KEY,"
"  provider TEXT NOT NULL,"		/* 'twilio', 'webhook' */
"  provider_message_id TEXT NOT NULL,"	/* Twilio's MessageSid */
"  from_number TEXT NOT NULL,"		/* E.164 when it is one */
"  to_number TEXT,"
"  body TEXT NOT NULL,"
"  num_media INTEGER NOT NULL DEFAULT 0,"	/* photos, left at the provider */
"  received_at INTEGER NOT NULL,"
"  patient_id INTEGER,"			/* matched by number; NULL: none */
"  shared_with INTEGER NOT NULL DEFAULT 0,"	/* other patients with it */
"  treatment_id INTEGER,"
"  reminder_id INTEGER,"			/* the SMS it answers */
"  classification TEXT NOT NULL CHECK (classification IN"
"    ('optout', 'optin', 'help', 'possible_optout', 'reply')),"
"  urgent INTEGER NOT NULL DEFAULT 0,"
"  acknowledged_at INTEGER,"		/* the answer thanked them */
"  escalation TEXT NOT NULL DEFAULT 'none' CHECK (escalation IN"
"    ('none', 'pending', 'sending', 'sent', 'failed')),"
"  escalation_attempts INTEGER NOT NULL DEFAULT 0,"
"  escalation_next_at INTEGER,"
"  escalation_error TEXT,"
"  escalated_at INTEGER,"
"  handled_at INTEGER,"			/* staff marked it done */
"  UNIQUE (provider, provider_message_id));"
"CREATE INDEX IF NOT EXISTS inbound_escalation"
"  ON inbound_messages(escalation_next_at) WHERE escalation = 'pending';"
"CREATE INDEX IF NOT EXISTS inbound_open ON inbound_messages(received_at)"
"  WHERE handled_at IS NULL;"
"CREATE INDEX IF NOT EXISTS inbound_from"
"  ON inbound_messages(from_number, received_at);"
"CREATE INDEX IF NOT EXISTS inbound_patient"
"  ON inbound_messages(patient_id, received_at);"
"CREATE INDEX IF NOT EXISTS reminders_provider_id ON reminders(provider_id)"
"  WHERE provider_id IS NOT NULL;"
"CREATE TABLE IF NOT EXISTS delivery_receipts ("
"  provider TEXT NOT NULL,"
"  receipt_id TEXT NOT NULL,"		/* sg_event_id; MessageSid/status */
"  reminder_id INTEGER,"			/* NULL: no such reminder */
"  event TEXT NOT NULL,"			/* the provider's word for it */
"  error TEXT,"
"  received_at INTEGER NOT NULL,"
"  PRIMARY KEY (provider, receipt_id)) WITHOUT ROWID;"
"CREATE INDEX IF NOT EXISTS delivery_receipts_received"
"  ON delivery_receipts(received_at);"
"CREATE TABLE IF NOT EXISTS email_optouts ("
"  address TEXT PRIMARY KEY COLLATE NOCASE,"
"  event TEXT NOT NULL,"			/* unsubscribe, spamreport, ... */
"  reminder_id INTEGER,"
"  receipt_id TEXT,"
"  recorded_at INTEGER NOT NULL);"
"CREATE TABLE IF NOT EXISTS email_bounces ("
"  address TEXT PRIMARY KEY COLLATE NOCASE,"
"  event TEXT NOT NULL,"			/* bounce, blocked, dropped */
"  status TEXT,"				/* the SMTP status, 5.1.1 */
"  reminder_id INTEGER,"
"  receipt_id TEXT,"
"  recorded_at INTEGER NOT NULL);";

/*
 * Version 8: a number put on or taken off the STOP list (sms_optouts, by
 * aftercare-inbound, aftercared or anyone) queues the treatments of the
 * patients who have it, whose unsent SMS reminders are then cancelled or
 * restored.  The triggers only note the number: patients are matched by
 * it as we send to it (E.164), which takes aftercare's own SQL function,
 * so the next sync matches them (optout_sync()), whoever wrote.  Numbers
 * already on the list are noted once.  Escalations are counted by state,
 * and those a run that died had claimed found, through an index.
 */
static const char schema_v8[] =
"CREATE TABLE IF NOT EXISTS optout_changes ("
"  seq INTEGER PRIMARY KEY,"
"  phone TEXT NOT NULL);"
"CREATE TRIGGER IF NOT EXISTS sms_optouts_queue_insert"
"  AFTER INSERT ON sms_optouts BEGIN"
"  INSERT INTO optout_changes (phone) VALUES (NEW.phone); END;"
"CREATE TRIGGER IF NOT EXISTS sms_optouts_queue_delete"
"  AFTER DELETE ON sms_optouts BEGIN"
"  INSERT INTO optout_changes (phone) VALUES (OLD.phone); END;"
"CREATE TRIGGER IF NOT EXISTS sms_optouts_queue_update"
"  AFTER UPDATE OF phone ON sms_optouts BEGIN"
"  INSERT INTO optout_changes (phone) VALUES (OLD.phone), (NEW.phone); END;"
"INSERT INTO optout_changes (phone) SELECT phone FROM sms_optouts;"
"CREATE INDEX IF NOT EXISTS inbound_escalation_state"
"  ON inbound_messages(escalation);";

/* Version 7's new columns: added by add_column(), which is idempotent. */
static const struct {
	const char	*table;
	const char	*column;
	const char	*type;
} columns_v7[] = {
	{ "sms_optouts", "inbound_id", "INTEGER" },	/* the STOP */
	{ "reminders", "delivery_state", "TEXT" },	/* NULL: no word */
	{ "reminders", "delivery_error", "TEXT" },
	{ "reminders", "delivery_at", "INTEGER" },
};

/*
 * Version 9: what aftercared does with what the receiver wrote.  A
 * Twilio SMS the receiver heard nothing final of is looked up once
 * (delivery_checked_at); an email may stand in for an SMS that could not
 * be delivered (fallback_for, the SMS reminder); its treatment is looked
 * at again when that happens, and a patient's treatments when their
 * address unsubscribes or bounces, or no longer does, as when consent
 * changes.  Reminders by delivery state are counted by triggers, and the
 * failures of the last day found by an index, for status and metrics.
 */
static const char schema_v9[] =
/*
 * The channel is the index's first column, not a term of its WHERE: a
 * partial index on channel = 'sms' has SQLite compare every statement's
 * bound channel with 'sms' when it plans it, and then plan it again at
 * each new binding, which tripled the cost of a sync.
 */
"CREATE INDEX IF NOT EXISTS reminders_lookup ON reminders(channel, sent_at)"
"  WHERE state = 'sent' AND delivery_checked_at IS NULL"
"  AND (delivery_state IS NULL OR delivery_state IN ('queued', 'sent'));"
"CREATE INDEX IF NOT EXISTS reminders_undelivered ON reminders(delivery_at)"
"  WHERE delivery_state IN ('failed', 'undelivered', 'dropped', 'bounced');"
"CREATE TABLE IF NOT EXISTS delivery_counts ("
"  state TEXT PRIMARY KEY,"
"  n INTEGER NOT NULL) WITHOUT ROWID;"
"INSERT OR REPLACE INTO delivery_counts (state, n)"
"  SELECT s.column1, (SELECT count(*) FROM reminders"
"  WHERE delivery_state = s.column1)"
"  FROM (VALUES ('queued'), ('sent'), ('deferred'), ('failed'),"
"  ('undelivered'), ('dropped'), ('delivered'), ('bounced')) s;"
"CREATE TRIGGER IF NOT EXISTS reminders_delivery_count_update"
"  AFTER UPDATE OF delivery_state ON reminders"
"  WHEN OLD.delivery_state IS NOT NEW.delivery_state BEGIN"
"  UPDATE delivery_counts SET n = n - 1 WHERE state = OLD.delivery_state;"
"  UPDATE delivery_counts SET n = n + 1 WHERE state = NEW.delivery_state;"
"  END;"
"CREATE TRIGGER IF NOT EXISTS reminders_delivery_count_insert"
"  AFTER INSERT ON reminders WHEN NEW.delivery_state IS NOT NULL BEGIN"
"  UPDATE delivery_counts SET n = n + 1 WHERE state = NEW.delivery_state;"
"  END;"
"CREATE TRIGGER IF NOT EXISTS reminders_delivery_count_delete"
"  AFTER DELETE ON reminders WHEN OLD.delivery_state IS NOT NULL BEGIN"
"  UPDATE delivery_counts SET n = n - 1 WHERE state = OLD.delivery_state;"
"  END;"
"CREATE TRIGGER IF NOT EXISTS reminders_queue_undelivered"
"  AFTER UPDATE OF delivery_state ON reminders"
"  WHEN NEW.channel = 'sms' AND NEW.delivery_state IN"
"  ('failed', 'undelivered') BEGIN"
"  INSERT INTO treatment_changes (treatment_id) VALUES (NEW.treatment_id);"
"  END;"
/* Addresses are compared as compose.c sends to them, without case. */
"CREATE TRIGGER IF NOT EXISTS email_optouts_queue_insert"
"  AFTER INSERT ON email_optouts BEGIN"
"  INSERT INTO treatment_changes (treatment_id)"
"    SELECT t.id FROM patients p JOIN treatments t ON t.patient_id = p.id"
"    WHERE trim(p.email, ' ' || char(9)) = NEW.address COLLATE NOCASE; END;"
"CREATE TRIGGER IF NOT EXISTS email_optouts_queue_delete"
"  AFTER DELETE ON email_optouts BEGIN"
"  INSERT INTO treatment_changes (treatment_id)"
"    SELECT t.id FROM patients p JOIN treatments t ON t.patient_id = p.id"
"    WHERE trim(p.email, ' ' || char(9)) = OLD.address COLLATE NOCASE; END;"
"CREATE TRIGGER IF NOT EXISTS email_bounces_queue_insert"
"  AFTER INSERT ON email_bounces BEGIN"
"  INSERT INTO treatment_changes (treatment_id)"
"    SELECT t.id FROM patients p JOIN treatments t ON t.patient_id = p.id"
"    WHERE trim(p.email, ' ' || char(9)) = NEW.address COLLATE NOCASE; END;"
"CREATE TRIGGER IF NOT EXISTS email_bounces_queue_delete"
"  AFTER DELETE ON email_bounces BEGIN"
"  INSERT INTO treatment_changes (treatment_id)"
"    SELECT t.id FROM patients p JOIN treatments t ON t.patient_id = p.id"
"    WHERE trim(p.email, ' ' || char(9)) = OLD.address COLLATE NOCASE; END;";

/* Version 9's new columns. */
static const struct {
	const char	*table;
	const char	*column;
	const char	*type;
} columns_v9[] = {
	{ "reminders", "fallback_for", "INTEGER" },	/* the SMS it replaces */
	{ "reminders", "delivery_checked_at", "INTEGER" }, /* looked up */
};

enum {
	Q_SYNC_NEXT,
	Q_SYNC_DONE,
	Q_OPTOUT_CHANGED,
	Q_OPTOUT_QUEUE,
	Q_OPTOUT_DONE,
	Q_SYNC_ALL,
	Q_PLAN_GET,
	Q_PLAN_SET,
	Q_CURSOR_GET,
	Q_CURSOR_SET,
	Q_CURSOR_CLEAR,
	Q_CANCEL_TREATMENT,
	Q_RESTORE_TREATMENT,
	Q_UPSERT,
	Q_UPSERT_CANCELLED,
	Q_CANCEL_UNPLANNED,
	Q_PROBLEM_SET,
	Q_PROBLEM_CLEAR,
	Q_RECOVER,
	Q_CLAIM_SELECT,
	Q_TREATMENT_REMINDERS,
	Q_CLAIM_ONE,
	Q_EXPIRE,
	Q_SENT,
	Q_RETRY,
	Q_FAILED,
	Q_CANCELLED,
	Q_CANCELLED_OPTOUT,
	Q_CANCELLED_STOP,
	Q_RELEASE,
	Q_NEXT_PENDING,
	Q_DATA_VERSION,
	Q_PATIENT_ADD,
	Q_PATIENT_EXISTS,
	Q_TREATMENT_ADD,
	Q_TREATMENT_CANCEL,
	Q_LIST_ALL,
	Q_LIST_STATE,
	Q_LIST_PATIENT,
	Q_PATIENT_KNOWN,
	Q_TREATMENT_EXISTS,
	Q_PATIENTS,
	Q_TREATMENTS_ALL,
	Q_TREATMENTS_PATIENT,
	Q_OLDEST_PENDING,
	Q_LAST_SENT,
	Q_FAILED_SINCE,
	Q_HEARTBEAT_GET,
	Q_HEARTBEAT_SET,
	Q_COUNT_STATES,
	Q_COUNT_CHANGES,
	Q_PROBLEMS,
	Q_COUNT_PROBLEMS,
	Q_COUNT_EMAIL_ONLY,
	Q_OPTOUT_ADD,
	Q_OPTOUT_HAS,
	Q_CONSENT_CANCEL,
	Q_CONSENT_RESTORE,
	Q_CONSENT_SMS,
	Q_CONSENT_EMAIL,
	Q_ESC_SELECT,
	Q_ESC_CLAIM,
	Q_ESC_SENT,
	Q_ESC_RETRY,
	Q_ESC_FAILED,
	Q_ESC_RELEASE,
	Q_ESC_RECOVER,
	Q_ESC_NEXT,
	Q_COUNT_REPLIES,
	Q_COUNT_ESCALATIONS,
	Q_MESSAGES_PATIENT,
	Q_REPLIES_ALL,
	Q_REPLIES_OPEN,
	Q_REPLY_DONE,
	Q_REPLY_HANDLED,
	Q_UNDELIVERED,
	Q_DELIVERY_COUNTS,
	Q_UNDELIVERED_SINCE,
	Q_LOOKUP_DUE,
	Q_LOOKUP_NEXT,
	Q_DELIVERY_GET,
	Q_LOOKUP_SET,
	Q__COUNT
};

/*
 * Whether patient p's email address (as compose.c sends to it, without
 * case) unsubscribed or reported spam, or bounced: each found by its
 * primary key.
 */
#define EMAIL_TRIMMED	"trim(p.email, ' ' || char(9))"
#define EMAIL_UNSUBSCRIBED						\
	"EXISTS (SELECT 1 FROM email_optouts WHERE address = "		\
	EMAIL_TRIMMED ")"
#define EMAIL_BOUNCED							\
	"EXISTS (SELECT 1 FROM email_bounces WHERE address = "		\
	EMAIL_TRIMMED ")"

/* A reminder with its treatment and patient, as reminder_read() reads it. */
#define REMINDER_FULL_COLUMNS						\
	"r.id, r.treatment_id, r.milestone, r.channel, r.due_at, "	\
	"r.expires_at, r.attempts, r.idempotency_key, "			\
	"t.id IS NOT NULL, t.patient_id, t.kind, t.performed_at, t.status, "\
	"p.id IS NOT NULL, p.full_name, p.phone, p.email, p.timezone, "	\
	"coalesce(p.sms_opt_in, 0), r.state, coalesce(r.sent_at, 0), "	\
	"r.last_error, coalesce(p.email_opt_in, 0), p.language, "	\
	"coalesce(r.fallback_for, 0), " EMAIL_UNSUBSCRIBED ", "		\
	EMAIL_BOUNCED ", r.delivery_state, r.delivery_error, "		\
	"coalesce(r.delivery_at, 0) "
/* What a reminder is read with: its treatment and patient. */
#define REMINDER_JOINS							\
	"LEFT JOIN treatments t ON t.id = r.treatment_id "		\
	"LEFT JOIN patients p ON p.id = t.patient_id "

#define REMINDER_ROW_COLUMNS						\
	"r.id, r.treatment_id, coalesce(t.patient_id, -1), r.milestone, "\
	"r.channel, r.state, r.due_at, r.next_attempt_at, "		\
	"coalesce(r.sent_at, 0), r.attempts, coalesce(r.last_error, ''), "\
	"coalesce(r.provider_id, ''), coalesce(r.delivery_state, ''), "	\
	"coalesce(r.delivery_error, ''), coalesce(r.delivery_at, 0), "	\
	"coalesce(r.fallback_for, 0) "					\
	"FROM reminders r LEFT JOIN treatments t ON t.id = r.treatment_id "

/* A patient's message as message_read() reads it. */
#define MESSAGE_ROW_COLUMNS						\
	"id, received_at, provider_message_id, classification, body, "	\
	"coalesce(patient_id, -1), shared_with, "			\
	"coalesce(treatment_id, -1), coalesce(reminder_id, -1), "	\
	"urgent, num_media, escalation, escalation_attempts, "		\
	"coalesce(escalation_error, ''), "				\
	"coalesce(escalation_next_at, 0), coalesce(escalated_at, 0), "	\
	"coalesce(acknowledged_at, 0), coalesce(handled_at, 0) "	\
	"FROM inbound_messages "

/* The messages that are replies for staff, not keywords. */
#define REPLY_CLASSES	"classification IN ('reply', 'possible_optout')"

/* A treatment as store_treatments_list() reads it, with its patient's zone. */
#define TREATMENT_ROW_COLUMNS						\
	"t.id, iif(typeof(t.patient_id) = 'integer', t.patient_id, -1), "\
	"t.kind, t.performed_at, t.status, p.timezone "			\
	"FROM treatments t LEFT JOIN patients p ON p.id = t.patient_id "

static const char *const queries[Q__COUNT] = {
	[Q_SYNC_NEXT] =
	    "SELECT c.seq, c.treatment_id, t.id IS NOT NULL, t.performed_at, "
	    "t.status, coalesce(p.sms_opt_in, 1), p.timezone, t.kind, "
	    "coalesce(p.email_opt_in, 1), p.phone, p.email, "
	    "EXISTS (SELECT 1 FROM sms_optouts "
	    "WHERE phone = aftercare_e164(p.phone)), "
	    EMAIL_UNSUBSCRIBED ", " EMAIL_BOUNCED " "
	    "FROM treatment_changes c "
	    "LEFT JOIN treatments t ON t.id = c.treatment_id "
	    "LEFT JOIN patients p ON p.id = t.patient_id "
	    "ORDER BY c.seq LIMIT ?1",
	[Q_SYNC_DONE] =
	    "DELETE FROM treatment_changes WHERE seq <= ?1",
	[Q_OPTOUT_CHANGED] =
	    "SELECT max(seq) FROM optout_changes",
	/*
	 * Every patient with a phone is read, as the receiver reads them
	 * (inbox.c): only when a number joined or left the STOP list.
	 */
	[Q_OPTOUT_QUEUE] =
	    "INSERT INTO treatment_changes (treatment_id) "
	    "SELECT t.id FROM patients p "
	    "JOIN treatments t ON t.patient_id = p.id "
	    "WHERE aftercare_e164(p.phone) IN "
	    "(SELECT phone FROM optout_changes WHERE seq <= ?1)",
	[Q_OPTOUT_DONE] =
	    "DELETE FROM optout_changes WHERE seq <= ?1",
	[Q_SYNC_ALL] =
	    "INSERT INTO treatment_changes (treatment_id) "
	    "SELECT id FROM treatments WHERE id > ?1 ORDER BY id LIMIT ?2 "
	    "RETURNING treatment_id",
	[Q_PLAN_GET] =
	    "SELECT value FROM aftercare_state WHERE key = 'plan'",
	[Q_PLAN_SET] =
	    "INSERT INTO aftercare_state (key, value) VALUES ('plan', ?1) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* While a new plan's treatments are being queued: the last one. */
	[Q_CURSOR_GET] =
	    "SELECT CAST(value AS INTEGER) FROM aftercare_state "
	    "WHERE key = 'plan_queued_to'",
	[Q_CURSOR_SET] =
	    "INSERT INTO aftercare_state (key, value) "
	    "VALUES ('plan_queued_to', ?1) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[Q_CURSOR_CLEAR] =
	    "DELETE FROM aftercare_state WHERE key = 'plan_queued_to'",
	[Q_CANCEL_TREATMENT] =
	    "UPDATE reminders SET state = 'cancelled', "
	    "cancelled_by = 'treatment', last_error = ?2, updated_at = ?3 "
	    "WHERE treatment_id = ?1 AND +state = 'pending'",
	[Q_RESTORE_TREATMENT] =
	    "UPDATE reminders SET state = 'pending', cancelled_by = NULL, "
	    "last_error = NULL, updated_at = ?2 "
	    "WHERE treatment_id = ?1 AND +state = 'cancelled' "
	    "AND cancelled_by = 'treatment'",
	/*
	 * A moved treatment moves its unsent reminders, and gives those that
	 * expired (a wrong date, corrected) another chance if their new
	 * window is still open; sent, failed and cancelled ones stay as they
	 * are.  A new window alone (valid_for changed) keeps the attempts.
	 */
	[Q_UPSERT] =
	    "INSERT INTO reminders (treatment_id, milestone, channel, due_at, "
	    "expires_at, next_attempt_at, created_at, updated_at, "
	    "fallback_for) VALUES (?1, ?2, ?6, ?3, ?4, ?3, ?5, ?5, ?8) "
	    "ON CONFLICT (treatment_id, milestone, channel) DO UPDATE SET "
	    "state = 'pending', cancelled_by = NULL, "
	    "fallback_for = excluded.fallback_for, "
	    "attempts = iif(due_at = excluded.due_at, attempts, 0), "
	    "last_error = iif(due_at = excluded.due_at, last_error, NULL), "
	    "next_attempt_at = iif(due_at = excluded.due_at, next_attempt_at, "
	    "excluded.next_attempt_at), "
	    "due_at = excluded.due_at, expires_at = excluded.expires_at, "
	    "updated_at = excluded.updated_at "
	    "WHERE (state = 'pending' AND (due_at != excluded.due_at OR "
	    "expires_at != excluded.expires_at)) OR (state = 'expired' AND "
	    "due_at != excluded.due_at AND excluded.expires_at > ?5) OR "
	    "(state = 'cancelled' AND cancelled_by = 'plan')",
	/*
	 * A reminder for before a treatment that is no longer scheduled and
	 * ahead (entered after its time, say) can never go out: it is made,
	 * or an unsent one turned, cancelled with ?7, rather than left to
	 * expire, as nothing went wrong.  As cancelled_by 'plan', it comes
	 * back with Q_UPSERT if the treatment is moved ahead again.
	 */
	[Q_UPSERT_CANCELLED] =
	    "INSERT INTO reminders (treatment_id, milestone, channel, due_at, "
	    "expires_at, next_attempt_at, created_at, updated_at, state, "
	    "cancelled_by, last_error) "
	    "VALUES (?1, ?2, ?6, ?3, ?4, ?3, ?5, ?5, 'cancelled', 'plan', ?7) "
	    "ON CONFLICT (treatment_id, milestone, channel) DO UPDATE SET "
	    "state = 'cancelled', cancelled_by = 'plan', "
	    "last_error = excluded.last_error, due_at = excluded.due_at, "
	    "expires_at = excluded.expires_at, "
	    "next_attempt_at = excluded.next_attempt_at, "
	    "updated_at = excluded.updated_at "
	    "WHERE state = 'pending' "
	    "OR (state = 'cancelled' AND cancelled_by = 'plan' AND "
	    "(due_at != excluded.due_at OR last_error IS NOT "
	    "excluded.last_error))",
	/*
	 * Unsent reminders the treatment's plan no longer has (its kind,
	 * the plan or the patient's addresses changed): ?2 is a JSON array
	 * of "milestone/channel" keys still wanted.
	 */
	[Q_CANCEL_UNPLANNED] =
	    "UPDATE reminders SET state = 'cancelled', cancelled_by = 'plan', "
	    "last_error = ?3, updated_at = ?4 "
	    "WHERE treatment_id = ?1 AND +state = 'pending' AND "
	    "milestone || '/' || channel NOT IN (SELECT value FROM json_each(?2))",
	[Q_PROBLEM_SET] =
	    "INSERT INTO treatment_problems (treatment_id, problem, noted_at) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (treatment_id) DO UPDATE SET "
	    "problem = excluded.problem, noted_at = excluded.noted_at "
	    "WHERE problem != excluded.problem",
	[Q_PROBLEM_CLEAR] =
	    "DELETE FROM treatment_problems WHERE treatment_id = ?1",
	[Q_RECOVER] =
	    "UPDATE reminders SET state = 'pending', lease_until = NULL, "
	    "next_attempt_at = ?1, updated_at = ?1 "
	    "WHERE state = 'sending'",
	/*
	 * The due index by name: without statistics SQLite would rather
	 * take reminders_state and read every pending reminder.
	 */
	[Q_CLAIM_SELECT] =
	    "SELECT " REMINDER_FULL_COLUMNS
	    "FROM reminders r INDEXED BY reminders_due " REMINDER_JOINS
	    "WHERE r.state = 'pending' AND r.channel = ?3 "
	    "AND r.next_attempt_at <= ?1 ORDER BY r.next_attempt_at LIMIT ?2",
	[Q_TREATMENT_REMINDERS] =
	    "SELECT " REMINDER_FULL_COLUMNS "FROM reminders r " REMINDER_JOINS
	    "WHERE r.treatment_id = ?1 ORDER BY r.due_at, r.id",
	/*
	 * An attempt is counted when its outcome is recorded, not here: a
	 * claim that a crash cut short sent nothing it could count.
	 */
	[Q_CLAIM_ONE] =
	    "UPDATE reminders SET state = 'sending', lease_until = ?2, "
	    "updated_at = ?3 WHERE id = ?1 AND state = 'pending'",
	/*
	 * Due reminders past their window, expired in one statement so that
	 * a batch is never used up by them.  The last error is kept.
	 */
	[Q_EXPIRE] =
	    "UPDATE reminders SET state = 'expired', updated_at = ?1, "
	    "last_error = 'not sent in time: due ' || "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', due_at, 'unixepoch') || "
	    "', too late after ' || "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', expires_at, 'unixepoch') || "
	    "coalesce('; last error: ' || last_error, '') "
	    "WHERE id IN (SELECT id FROM reminders INDEXED BY reminders_expiry "
	    "WHERE state = 'pending' AND channel = ?2 AND expires_at <= ?1 "
	    "AND next_attempt_at <= ?1 LIMIT ?3) "
	    "RETURNING id, due_at, expires_at",
	/* Outcomes, bound by name in mark(). */
	[Q_SENT] =
	    "UPDATE reminders SET state = 'sent', sent_at = :now, "
	    "updated_at = :now, attempts = attempts + 1, lease_until = NULL, "
	    "provider_id = :text, last_error = NULL "
	    "WHERE id = :id AND state = 'sending'",
	[Q_RETRY] =
	    "UPDATE reminders SET state = 'pending', next_attempt_at = :at, "
	    "attempts = attempts + :attempted, lease_until = NULL, "
	    "last_error = :text, updated_at = :now "
	    "WHERE id = :id AND state = 'sending'",
	[Q_FAILED] =
	    "UPDATE reminders SET state = 'failed', lease_until = NULL, "
	    "attempts = attempts + :attempted, last_error = :text, "
	    "updated_at = :now WHERE id = :id AND state = 'sending'",
	[Q_CANCELLED] =
	    "UPDATE reminders SET state = 'cancelled', lease_until = NULL, "
	    "cancelled_by = 'daemon', last_error = :text, updated_at = :now "
	    "WHERE id = :id AND state = 'sending'",
	/* Restored if the patient opts in again. */
	[Q_CANCELLED_OPTOUT] =
	    "UPDATE reminders SET state = 'cancelled', lease_until = NULL, "
	    "cancelled_by = 'optout', last_error = :text, updated_at = :now "
	    "WHERE id = :id AND state = 'sending'",
	/* Restored when the number leaves the STOP list. */
	[Q_CANCELLED_STOP] =
	    "UPDATE reminders SET state = 'cancelled', lease_until = NULL, "
	    "cancelled_by = 'stop', last_error = :text, updated_at = :now "
	    "WHERE id = :id AND state = 'sending'",
	[Q_RELEASE] =
	    "UPDATE reminders SET state = 'pending', lease_until = NULL, "
	    "next_attempt_at = :now, updated_at = :now "
	    "WHERE id = :id AND state = 'sending'",
	[Q_NEXT_PENDING] =
	    "SELECT min(next_attempt_at) FROM reminders INDEXED BY "
	    "reminders_due WHERE state = 'pending' AND channel = ?1",
	[Q_DATA_VERSION] =
	    "PRAGMA data_version",
	[Q_PATIENT_ADD] =
	    "INSERT INTO patients (full_name, phone, email, timezone, language) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_PATIENT_EXISTS] =
	    "SELECT 1 FROM patients WHERE id = ?1",
	[Q_TREATMENT_ADD] =
	    "INSERT INTO treatments (patient_id, performed_at, kind) "
	    "VALUES (?1, ?2, ?3)",
	[Q_TREATMENT_CANCEL] =
	    "UPDATE treatments SET status = 'cancelled' WHERE id = ?1",
	[Q_LIST_ALL] =
	    "SELECT " REMINDER_ROW_COLUMNS "ORDER BY r.due_at, r.id",
	[Q_LIST_STATE] =
	    "SELECT " REMINDER_ROW_COLUMNS "WHERE r.state = ?1 "
	    "ORDER BY r.due_at, r.id",
	[Q_LIST_PATIENT] =
	    "SELECT " REMINDER_ROW_COLUMNS "WHERE t.patient_id = ?1 "
	    "ORDER BY r.due_at, r.id",
	[Q_PATIENT_KNOWN] =
	    "SELECT EXISTS (SELECT 1 FROM patients WHERE id = ?1) OR "
	    "EXISTS (SELECT 1 FROM treatments WHERE patient_id = ?1)",
	[Q_TREATMENT_EXISTS] =
	    "SELECT EXISTS (SELECT 1 FROM treatments WHERE id = ?1)",
	/* Consent as a claim reads it (REMINDER_FULL_COLUMNS). */
	[Q_PATIENTS] =
	    "SELECT id, phone, email, timezone, language, "
	    "coalesce(sms_opt_in, 0), coalesce(email_opt_in, 0), "
	    EMAIL_UNSUBSCRIBED ", " EMAIL_BOUNCED " "
	    "FROM patients p ORDER BY id",
	[Q_TREATMENTS_ALL] =
	    "SELECT " TREATMENT_ROW_COLUMNS "ORDER BY t.id",
	[Q_TREATMENTS_PATIENT] =
	    "SELECT " TREATMENT_ROW_COLUMNS "WHERE t.patient_id = ?1 "
	    "ORDER BY t.id",
	[Q_OLDEST_PENDING] =
	    "SELECT min(due_at) FROM reminders WHERE state = 'pending'",
	[Q_LAST_SENT] =
	    "SELECT max(sent_at) FROM reminders INDEXED BY reminders_sent "
	    "WHERE state = 'sent'",
	[Q_FAILED_SINCE] =
	    "SELECT count(*) FROM reminders INDEXED BY reminders_failed "
	    "WHERE state = 'failed' AND updated_at >= ?1",
	[Q_HEARTBEAT_GET] =
	    "SELECT CAST(value AS INTEGER) FROM aftercare_state "
	    "WHERE key = 'heartbeat'",
	[Q_HEARTBEAT_SET] =
	    "INSERT INTO aftercare_state (key, value) VALUES ('heartbeat', ?1) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[Q_COUNT_STATES] =
	    "SELECT state, n FROM reminder_counts",
	[Q_COUNT_CHANGES] =
	    "SELECT count(*) FROM treatment_changes",
	[Q_PROBLEMS] =
	    "SELECT treatment_id, problem FROM treatment_problems "
	    "ORDER BY treatment_id LIMIT ?1",
	[Q_COUNT_PROBLEMS] =
	    "SELECT count(*) FROM treatment_problems",
	[Q_COUNT_EMAIL_ONLY] =
	    "SELECT count(*) FROM patients WHERE coalesce(phone, '') = '' "
	    "AND coalesce(email, '') != ''",
	[Q_OPTOUT_ADD] =
	    "INSERT INTO sms_optouts (phone, reminder_id, recorded_at) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (phone) DO NOTHING",
	[Q_OPTOUT_HAS] =
	    "SELECT count(*) FROM sms_optouts WHERE phone = ?1",
	/* ?4: 'optout' (consent) or 'stop' (the STOP list), ?5 why */
	[Q_CONSENT_CANCEL] =
	    "UPDATE reminders SET state = 'cancelled', cancelled_by = ?4, "
	    "last_error = ?5, updated_at = ?3 "
	    "WHERE treatment_id = ?1 AND channel = ?2 AND +state = 'pending'",
	[Q_CONSENT_RESTORE] =
	    "UPDATE reminders SET state = 'pending', cancelled_by = NULL, "
	    "last_error = NULL, updated_at = ?3 "
	    "WHERE treatment_id = ?1 AND channel = ?2 AND +state = 'cancelled' "
	    "AND cancelled_by IN ('optout', 'stop')",
	[Q_CONSENT_SMS] =
	    "UPDATE patients SET sms_opt_in = ?2 WHERE id = ?1",
	[Q_CONSENT_EMAIL] =
	    "UPDATE patients SET email_opt_in = ?2 WHERE id = ?1",
	/* Escalations due, with what they answer, oldest first. */
	[Q_ESC_SELECT] =
	    "SELECT m.id, m.received_at, m.from_number, m.body, m.num_media, "
	    "m.classification = 'possible_optout', m.urgent, "
	    "m.escalation_attempts, coalesce(m.patient_id, 0), p.full_name, "
	    "p.timezone, m.shared_with, coalesce(m.treatment_id, 0), t.kind, "
	    "t.performed_at, coalesce(m.reminder_id, 0), r.milestone, "
	    "coalesce(r.sent_at, 0) "
	    "FROM inbound_messages m INDEXED BY inbound_escalation "
	    "LEFT JOIN patients p ON p.id = m.patient_id "
	    "LEFT JOIN treatments t ON t.id = m.treatment_id "
	    "LEFT JOIN reminders r ON r.id = m.reminder_id "
	    "WHERE m.escalation = 'pending' AND m.escalation_next_at <= ?1 "
	    "ORDER BY m.escalation_next_at LIMIT ?2",
	[Q_ESC_CLAIM] =
	    "UPDATE inbound_messages SET escalation = 'sending' "
	    "WHERE id = ?1 AND escalation = 'pending'",
	/* Outcomes, bound by name in mark(), as a reminder's. */
	[Q_ESC_SENT] =
	    "UPDATE inbound_messages SET escalation = 'sent', "
	    "escalated_at = :now, escalation_error = NULL, "
	    "escalation_attempts = escalation_attempts + 1 "
	    "WHERE id = :id AND escalation = 'sending'",
	[Q_ESC_RETRY] =
	    "UPDATE inbound_messages SET escalation = 'pending', "
	    "escalation_next_at = :at, escalation_error = :text, "
	    "escalation_attempts = escalation_attempts + :attempted "
	    "WHERE id = :id AND escalation = 'sending'",
	[Q_ESC_FAILED] =
	    "UPDATE inbound_messages SET escalation = 'failed', "
	    "escalation_error = :text, "
	    "escalation_attempts = escalation_attempts + :attempted "
	    "WHERE id = :id AND escalation = 'sending'",
	[Q_ESC_RELEASE] =
	    "UPDATE inbound_messages SET escalation = 'pending', "
	    "escalation_next_at = :now "
	    "WHERE id = :id AND escalation = 'sending'",
	[Q_ESC_RECOVER] =
	    "UPDATE inbound_messages SET escalation = 'pending', "
	    "escalation_next_at = ?1 WHERE escalation = 'sending'",
	[Q_ESC_NEXT] =
	    "SELECT min(escalation_next_at) FROM inbound_messages "
	    "INDEXED BY inbound_escalation WHERE escalation = 'pending'",
	[Q_COUNT_REPLIES] =
	    "SELECT count(*), coalesce(sum(urgent != 0), 0) "
	    "FROM inbound_messages INDEXED BY inbound_open "
	    "WHERE handled_at IS NULL AND " REPLY_CLASSES,
	[Q_COUNT_ESCALATIONS] =
	    "SELECT escalation, count(*) FROM inbound_messages "
	    "INDEXED BY inbound_escalation_state "
	    "WHERE escalation IN ('pending', 'sending', 'failed') "
	    "GROUP BY escalation",
	[Q_MESSAGES_PATIENT] =
	    "SELECT " MESSAGE_ROW_COLUMNS "WHERE patient_id = ?1 "
	    "ORDER BY received_at, id",
	[Q_REPLIES_ALL] =
	    "SELECT " MESSAGE_ROW_COLUMNS "WHERE " REPLY_CLASSES " "
	    "ORDER BY received_at DESC, id DESC",
	[Q_REPLIES_OPEN] =
	    "SELECT " MESSAGE_ROW_COLUMNS "INDEXED BY inbound_open "
	    "WHERE handled_at IS NULL AND " REPLY_CLASSES " "
	    "ORDER BY received_at DESC, id DESC",
	[Q_REPLY_DONE] =
	    "UPDATE inbound_messages SET handled_at = ?2 "
	    "WHERE id = ?1 AND handled_at IS NULL AND " REPLY_CLASSES,
	[Q_REPLY_HANDLED] =
	    "SELECT coalesce(handled_at, 0) FROM inbound_messages "
	    "WHERE id = ?1 AND " REPLY_CLASSES,
	/* A treatment's SMS that did not get there, for the fallback. */
	[Q_UNDELIVERED] =
	    "SELECT id, milestone, delivery_state, delivery_error, "
	    "coalesce(delivery_at, sent_at, 0) FROM reminders "
	    "WHERE treatment_id = ?1 AND channel = 'sms' AND "
	    "delivery_state IN ('failed', 'undelivered')",
	[Q_DELIVERY_COUNTS] =
	    "SELECT state, n FROM delivery_counts",
	[Q_UNDELIVERED_SINCE] =
	    "SELECT channel, delivery_state, coalesce(delivery_error, '') "
	    "FROM reminders INDEXED BY reminders_undelivered "
	    "WHERE delivery_state IN ('failed', 'undelivered', 'dropped', "
	    "'bounced') AND delivery_at >= ?1",
	/*
	 * Twilio SMS sent between ?1 and ?2 with no final delivery state
	 * that were never looked up (the terms of reminders_lookup).
	 */
	[Q_LOOKUP_DUE] =
	    "SELECT id, provider_id, delivery_state "
	    "FROM reminders INDEXED BY reminders_lookup "
	    "WHERE channel = 'sms' AND state = 'sent' AND "
	    "delivery_checked_at IS NULL AND (delivery_state IS NULL OR "
	    "delivery_state IN ('queued', 'sent')) AND sent_at >= ?1 AND "
	    "sent_at <= ?2 ORDER BY sent_at LIMIT ?3",
	[Q_LOOKUP_NEXT] =
	    "SELECT min(sent_at) FROM reminders INDEXED BY reminders_lookup "
	    "WHERE channel = 'sms' AND state = 'sent' AND "
	    "delivery_checked_at IS NULL AND (delivery_state IS NULL OR "
	    "delivery_state IN ('queued', 'sent')) AND sent_at >= ?1",
	[Q_DELIVERY_GET] =
	    "SELECT delivery_state FROM reminders WHERE id = ?1",
	/* ?3 NULL: the state stays as it is; only the look-up is noted. */
	[Q_LOOKUP_SET] =
	    "UPDATE reminders SET delivery_checked_at = ?2, "
	    "delivery_state = coalesce(?3, delivery_state), "
	    "delivery_error = iif(?3 IS NULL, delivery_error, ?4), "
	    "delivery_at = iif(?3 IS NULL, delivery_at, ?2) WHERE id = ?1",
};

/* Patients' time zones, loaded once each; unknown ones are remembered. */
struct zone {
	char		*name;
	struct tz	*tz;		/* NULL: unknown, the clinic's is used */
};

#define ZONES_MAX	256

#define KINDS_MAX	64

struct store {
	sqlite3		*db;
	char		*path;
	int		 lockfd;	/* the instance lock, or -1 */
	int		 watchfd;	/* inotify on the database, or -1 */
	char		*watched;	/* the database's file name */
	int64_t		 version;	/* data_version at the last look */
	int		 settle_ms;	/* store_changed()'s hint, or 0 */
	struct zone	*zones;
	size_t		 nzones;
	char		**kinds;	/* kinds without a plan, warned of */
	size_t		 nkinds;
	bool		 preview;	/* inside store_preview_begin() */
	struct plan_result plan;	/* the treatment being synced */
	int		 busy_ms;	/* the busy timeout set */
	/* CLOCK_MONOTONIC, in microseconds, for begin()'s pacing: */
	int64_t		 run_start;	/* this run of transactions began */
	int64_t		 run_held;	/* the lock was held in it */
	int64_t		 txn_start;	/* the open transaction began */
	int64_t		 freed;		/* our last transaction ended (0: none) */
	sqlite3_stmt	*q[Q__COUNT];
};

/*
 * The statements a pass runs, whose cost must not grow with the number of
 * reminders: each finds its rows through an index on the treatment, the
 * reminder or what is due (see store_plans_check()).
 */
static const int pass_queries[] = {
	Q_SYNC_NEXT, Q_SYNC_DONE, Q_OPTOUT_CHANGED, Q_OPTOUT_DONE,
	Q_CANCEL_TREATMENT, Q_RESTORE_TREATMENT,
	Q_UPSERT, Q_UPSERT_CANCELLED, Q_CANCEL_UNPLANNED, Q_PROBLEM_SET,
	Q_PROBLEM_CLEAR,
	Q_CLAIM_SELECT, Q_CLAIM_ONE, Q_EXPIRE, Q_SENT, Q_RETRY, Q_FAILED,
	Q_CANCELLED, Q_CANCELLED_OPTOUT, Q_CANCELLED_STOP, Q_RELEASE,
	Q_NEXT_PENDING,
	Q_LAST_SENT, Q_OPTOUT_HAS, Q_CONSENT_CANCEL, Q_CONSENT_RESTORE,
	Q_COUNT_STATES, Q_FAILED_SINCE,
	Q_ESC_SELECT, Q_ESC_CLAIM, Q_ESC_SENT, Q_ESC_RETRY, Q_ESC_FAILED,
	Q_ESC_RELEASE, Q_ESC_NEXT, Q_COUNT_REPLIES, Q_COUNT_ESCALATIONS,
	Q_UNDELIVERED, Q_DELIVERY_COUNTS, Q_UNDELIVERED_SINCE, Q_LOOKUP_DUE,
	Q_LOOKUP_NEXT, Q_DELIVERY_GET, Q_LOOKUP_SET
};

/* The staff's look-ups by id, which must not read a whole table either. */
static const int lookup_queries[] = {
	Q_PATIENT_EXISTS, Q_PATIENT_KNOWN, Q_TREATMENT_EXISTS,
	Q_TREATMENTS_PATIENT, Q_MESSAGES_PATIENT, Q_REPLY_DONE,
	Q_REPLY_HANDLED
};

static const char *const states[] = {
	"pending", "sending", "sent", "failed", "cancelled", "expired"
};

static int	exec(struct store *, const char *, const char *);
static int64_t	clock_us(void);
static void	nap_us(int64_t);
static bool	held_long(const struct store *);
static int	begin(struct store *, const char *);
static int	commit(struct store *, const char *);
static void	rollback(struct store *);
static int	step_done(struct store *, sqlite3_stmt *, const char *);
static int	user_version(struct store *, int *);
static int	wal_on(struct store *);
static int	migrate(struct store *, int);
static int	language_column(struct store *);
static int	add_column(struct store *, const char *, const char *,
		    const char *);
static int	sync_batch(struct store *, const struct config *, time_t,
		    size_t *, bool *);
static void	kind_check(struct store *, const char *, int64_t,
		    const char *);
static int	kind_problem(struct store *, const struct plan_treatment *,
		    time_t);
static int	consent(struct store *, int64_t, time_t, bool);
static int	undelivered_read(struct store *, int64_t,
		    struct plan_undelivered **, size_t *);
static void	undelivered_free(struct plan_undelivered *, size_t);
static int	sync_treatment(struct store *, const struct config *, time_t,
		    const struct plan_treatment *, const struct plan_patient *);
static const struct tz *patient_zone(struct store *, const struct config *,
		    const char *, int64_t);
static int	note_problem(struct store *, int64_t, const char *,
		    const char *, time_t);
static int	plan_check(struct store *, const struct config *, bool *);
static char	*column_dup(sqlite3_stmt *, int);
static int	bind_text_or_null(sqlite3_stmt *, int, const char *);
static int	mark(struct store *, int, int64_t, time_t, const char *,
		    time_t, bool, const char *);
static int	bind_named(sqlite3_stmt *, const char *, int64_t);
static int	scalar(struct store *, sqlite3_stmt *, int64_t *,
		    const char *);
static int	clear_problem(struct store *, int64_t);
static int	cancel_treatment(struct store *, int64_t, const char *,
		    time_t);
static void	reminder_clear(struct reminder *);
static int	expire_due(struct store *, time_t, const char *, bool *);
static void	reminder_read(sqlite3_stmt *, struct reminder *);
static int	update_one(struct store *, sqlite3_stmt *, const char *,
		    const char *, int64_t, char *, size_t);
static int	list_rows(struct store *, sqlite3_stmt *,
		    void (*)(void *, const struct reminder_row *), void *);
static int	id_exists(struct store *, sqlite3_stmt *, int64_t, bool *,
		    const char *);
static bool	lock_path(const char *, char *, size_t);
static int	data_version(struct store *, int64_t *);
static void	e164_func(sqlite3_context *, int, sqlite3_value **);
static int	optout_sync(struct store *);
static void	escalation_clear(struct escalation *);
static void	message_read(sqlite3_stmt *, struct message_row *);
static int	list_messages(struct store *, sqlite3_stmt *,
		    void (*)(void *, const struct message_row *), void *);
static void	undelivered_add(struct store_status *, const char *,
		    const char *, const char *);
static int	delivery_status(struct store *, time_t, struct store_status *);

static int
exec(struct store *st, const char *sql, const char *what)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("store: %s: %s: %s", st->path, what,
		    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* CLOCK_MONOTONIC in microseconds (0 if it cannot be read: no pacing). */
static int64_t
clock_us(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
nap_us(int64_t us)
{
	struct timespec	ts, left;

	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &left) == -1 && errno == EINTR)
		ts = left;
}

/* True once the open transaction has held the write lock for HOLD_MS. */
static bool
held_long(const struct store *st)
{
	return !st->preview && clock_us() - st->txn_start >= HOLD_MS * 1000;
}

/*
 * BEGIN IMMEDIATE takes the write lock up front, so a transaction that
 * reads and then writes never fails half-way with SQLITE_BUSY; the busy
 * timeout applies to the BEGIN itself.  After RUN_MS of transactions one
 * after another, it first leaves the lock free for YIELD_MS (see HOLD_MS).
 * In a preview everything already runs inside the outer transaction.
 */
static int
begin(struct store *st, const char *what)
{
	int64_t	now;
	bool	run;

	if (st->preview)
		return 0;
	now = clock_us();
	run = st->freed != 0 && now - st->freed < YIELD_MS * 1000;
	if (run && now - st->run_start >= RUN_MS * 1000) {
		if (st->run_held * 2 >= now - st->run_start)
			nap_us(st->freed + YIELD_MS * 1000 - now);
		run = false;
	}
	if (exec(st, "BEGIN IMMEDIATE", what) == -1)
		return -1;
	st->txn_start = clock_us();
	if (!run) {
		st->run_start = st->txn_start;
		st->run_held = 0;
	}
	return 0;
}

static int
commit(struct store *st, const char *what)
{
	if (st->preview)
		return 0;
	if (exec(st, "COMMIT", what) == -1) {
		rollback(st);
		return -1;
	}
	st->freed = clock_us();
	st->run_held += st->freed - st->txn_start;
	return 0;
}

static void
rollback(struct store *st)
{
	if (st->preview || sqlite3_get_autocommit(st->db))
		return;
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->freed = clock_us();
	st->run_held += st->freed - st->txn_start;
}

/* Steps a statement that returns no rows, then resets it. */
static int
step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	rc;

	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_err("store: %s: %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
		(void)sqlite3_reset(s);
		return -1;
	}
	(void)sqlite3_reset(s);
	return 0;
}

static int
bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static char *
column_dup(sqlite3_stmt *s, int i)
{
	const unsigned char	*v;

	if ((v = sqlite3_column_text(s, i)) == NULL)
		return NULL;
	return xstrdup((const char *)v);
}

static int
user_version(struct store *st, int *version)
{
	sqlite3_stmt	*s = NULL;
	int		 ret = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	*version = sqlite3_column_int(s, 0);
	ret = 0;
out:
	if (ret == -1)
		log_err("%s: cannot read the database: %s",
		    st->path, sqlite3_errmsg(st->db));
	(void)sqlite3_finalize(s);
	return ret;
}

/*
 * Brings the schema from version `from` to STORE_SCHEMA_VERSION in one
 * transaction.  Every step is idempotent, so running init twice is safe.
 */
static int
migrate(struct store *st, int from)
{
	char	sql[64];
	size_t	i;

	if (exec(st, "BEGIN IMMEDIATE", "migrate") == -1)
		return -1;
	if (from < 1 && exec(st, schema_v1, "create schema") == -1)
		goto fail;
	/*
	 * Treatments written before our triggers existed are looked at once.
	 */
	if (from < 2 && exec(st, schema_v2, "add opt-outs") == -1)
		goto fail;
	if (from < 3 && exec(st, schema_v3, "add consent trigger") == -1)
		goto fail;
	if (from < 4 && (language_column(st) == -1 ||
	    exec(st, schema_v4, "add contact trigger") == -1))
		goto fail;
	if (from < 5 && exec(st, schema_v5, "add indexes and counts") == -1)
		goto fail;
	if (from < 6 && exec(st, schema_v6, "add failures index") == -1)
		goto fail;
	for (i = 0; from < 7 && i < sizeof(columns_v7) / sizeof(columns_v7[0]);
	    i++)
		if (add_column(st, columns_v7[i].table, columns_v7[i].column,
		    columns_v7[i].type) == -1)
			goto fail;
	if (from < 7 && exec(st, schema_v7, "add inbound messages and "
	    "delivery receipts") == -1)
		goto fail;
	if (from < 8 && exec(st, schema_v8, "add STOP list changes") == -1)
		goto fail;
	for (i = 0; from < 9 && i < sizeof(columns_v9) / sizeof(columns_v9[0]);
	    i++)
		if (add_column(st, columns_v9[i].table, columns_v9[i].column,
		    columns_v9[i].type) == -1)
			goto fail;
	if (from < 9 && exec(st, schema_v9, "add delivery look-ups, "
	    "fallbacks and counts") == -1)
		goto fail;
	if (from < 1 && exec(st, "INSERT INTO treatment_changes (treatment_id) "
	    "SELECT id FROM treatments", "queue existing treatments") == -1)
		goto fail;
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if (exec(st, sql, "set schema version") == -1)
		goto fail;
	if (exec(st, "COMMIT", "migrate") == -1)
		goto fail;
	return 0;
fail:
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Adds patients.language unless the booking software already has it. */
static int
language_column(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM "
	    "pragma_table_info('patients') WHERE name = 'language'", -1, &s,
	    NULL) != SQLITE_OK) {
		log_err("store: %s: read the patients table: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		log_err("store: %s: read the patients table: %s", st->path,
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	rc = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc > 0)
		return 0;
	return exec(st, "ALTER TABLE patients ADD COLUMN language TEXT",
	    "add patients.language");
}

/* Adds table.column unless it is there (a database carrying part of it). */
static int
add_column(struct store *st, const char *table, const char *column,
    const char *type)
{
	sqlite3_stmt	*s;
	char		 sql[160];
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM "
	    "pragma_table_info(?1) WHERE name = ?2", -1, &s, NULL) !=
	    SQLITE_OK) {
		log_err("store: %s: read the %s table: %s", st->path, table,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (rc = sqlite3_step(s)) != SQLITE_ROW) {
		log_err("store: %s: read the %s table: %s", st->path, table,
		    sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	rc = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc > 0)
		return 0;
	/* Names from columns_v7[] and _v9[], not from outside. */
	(void)snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s",
	    table, column, type);
	return exec(st, sql, "add a column");
}

/*
 * aftercare_e164(text): the number in E.164 as we send to it
 * (phone_normalize()), or NULL if it is none.  The booking software
 * writes numbers as people do ("+1 (555) 010-0123"): patients are
 * matched to the STOP list and to their messages through it.
 */
static void
e164_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*in;
	char			 out[PHONE_E164_MAX], err[128];

	(void)argc;
	if ((in = sqlite3_value_text(argv[0])) == NULL ||
	    phone_normalize((const char *)in, out, sizeof(out), err,
	    sizeof(err)) == -1) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/*
 * Turns on WAL, which lets the booking software write while we read; it
 * is a property of the file, so it stays on.  SQLite answers with the
 * mode it actually chose.
 */
static int
wal_on(struct store *st)
{
	sqlite3_stmt	*s = NULL;
	const char	*mode;
	int		 ret = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		log_err("%s: enable WAL: %s", st->path, sqlite3_errmsg(st->db));
		goto out;
	}
	mode = (const char *)sqlite3_column_text(s, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0)
		log_warnx("%s: journal mode is %s, not WAL: the booking "
		    "software's writes will hold up aftercare", st->path,
		    mode ? mode : "unknown");
	ret = 0;
out:
	(void)sqlite3_finalize(s);
	return ret;
}

struct store *
store_open(const char *path, int flags)
{
	struct store	*st;
	struct stat	 sb;
	int		 oflags, version, i;
	mode_t		 omask;
	bool		 created;

	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	st->lockfd = -1;
	st->watchfd = -1;

	if (!(flags & STORE_CREATE) && stat(path, &sb) == -1) {
		if (errno == ENOENT)
			log_err("%s: no such database; "
			    "create it with: aftercarectl init", path);
		else
			log_err("%s: %s", path,
			    strerror(errno));
		goto fail;
	}
	oflags = SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	/*
	 * The database holds patients' details: a new one is for its owner
	 * and group (the booking software joins the aftercare group), never
	 * for other users.  SQLite gives the -wal and -shm files the same
	 * mode.
	 */
	created = (flags & STORE_CREATE) && stat(path, &sb) == -1 &&
	    errno == ENOENT;
	omask = umask(077);
	i = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	(void)umask(omask);
	if (i != SQLITE_OK) {
		log_err("%s: cannot open the database: %s",
		    path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	if (created && chmod(path, 0660) == -1)
		log_warn("%s: chmod 0660", path);
	(void)sqlite3_extended_result_codes(st->db, 1);
	/* SQLite quietly opens a file it cannot write read-only. */
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		log_err("%s: the database is read-only: aftercare must be "
		    "able to write it (check the file's and the directory's "
		    "owner and mode)", path);
		goto fail;
	}
	if (sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS) != SQLITE_OK)
		goto fail_db;
	st->busy_ms = STORE_BUSY_TIMEOUT_MS;
	if (user_version(st, &version) == -1)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		log_err("%s: database schema version %d is "
		    "newer than this aftercare understands (%d); upgrade "
		    "aftercare", path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (version == 0 && !(flags & STORE_CREATE)) {
		/*
		 * Never build a schema into a file we were not asked to
		 * create: it may be the wrong file, or a damaged one.
		 */
		log_err("%s: not an aftercare database (no "
		    "schema); create it with: aftercarectl init", path);
		goto fail;
	}
	/*
	 * WAL lets the booking software write while we read.  With WAL,
	 * synchronous=NORMAL survives any crash of a process; only a power
	 * cut can undo the last commits (see README).
	 */
	if (wal_on(st) == -1 ||
	    exec(st, "PRAGMA synchronous = NORMAL", "set synchronous") == -1 ||
	    exec(st, "PRAGMA foreign_keys = ON", "enable foreign keys") == -1)
		goto fail;
	if (version < STORE_SCHEMA_VERSION && migrate(st, version) == -1)
		goto fail;
	if (sqlite3_create_function_v2(st->db, "aftercare_e164", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	    e164_func, NULL, NULL, NULL) != SQLITE_OK)
		goto fail_db;
	for (i = 0; i < Q__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, queries[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL) != SQLITE_OK) {
			log_err("%s: unusable database: %s",
			    path, sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	return st;
fail_db:
	log_err("%s: %s", path, sqlite3_errmsg(st->db));
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < Q__COUNT; i++)
		(void)sqlite3_finalize(st->q[i]);
	for (i = 0; i < (int)st->nzones; i++) {
		free(st->zones[i].name);
		tz_free(st->zones[i].tz);
	}
	free(st->zones);
	for (i = 0; i < (int)st->nkinds; i++)
		free(st->kinds[i]);
	free(st->kinds);
	plan_result_clear(&st->plan);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: %s: close: %s", st->path,
		    sqlite3_errmsg(st->db));
	if (st->lockfd != -1)
		(void)close(st->lockfd);
	if (st->watchfd != -1)
		(void)close(st->watchfd);
	free(st->watched);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

/*
 * If the milestones changed since they were last applied (or were never
 * applied), every treatment is queued once more: in parts of about
 * HOLD_MS each, the last treatment queued kept with them, so that a
 * restart carries on where it stopped.  Sets *done once all are queued.
 * Runs inside the caller's transaction.
 */
static int
plan_check(struct store *st, const struct config *cfg, bool *done)
{
	sqlite3_stmt	*s;
	char		*plan;
	const char	*old;
	int64_t		 from = 0, id;
	int		 ret = -1, rc, n;
	bool		 same = false;

	*done = false;
	plan = config_plan_fingerprint(cfg);
	s = st->q[Q_PLAN_GET];
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		old = (const char *)sqlite3_column_text(s, 0);
		same = old != NULL && strcmp(old, plan) == 0;
	} else if (rc != SQLITE_DONE) {
		log_err("store: %s: read plan: %s", st->path,
		    sqlite3_errmsg(st->db));
		goto out;
	}
	(void)sqlite3_reset(s);
	if (same) {
		/* Queued to a treatment: that plan's queueing goes on. */
		s = st->q[Q_CURSOR_GET];
		if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
			*done = true;
			ret = 0;
			goto out;
		}
		if (rc != SQLITE_ROW) {
			log_err("store: %s: read plan: %s", st->path,
			    sqlite3_errmsg(st->db));
			goto out;
		}
		from = sqlite3_column_int64(s, 0);
		(void)sqlite3_reset(s);
	} else {
		log_info("store: milestones are new or changed; looking at "
		    "every treatment again");
		s = st->q[Q_PLAN_SET];
		if (sqlite3_bind_text(s, 1, plan, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK || step_done(st, s, "record plan") == -1)
			goto out;
	}
	s = st->q[Q_SYNC_ALL];
	do {
		if (sqlite3_bind_int64(s, 1, from) != SQLITE_OK ||
		    sqlite3_bind_int(s, 2, QUEUE_BATCH) != SQLITE_OK)
			goto out;
		n = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			id = sqlite3_column_int64(s, 0);
			if (id > from)
				from = id;
			n++;
		}
		(void)sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			log_err("store: %s: queue all treatments: %s",
			    st->path, sqlite3_errmsg(st->db));
			goto out;
		}
	} while (n == QUEUE_BATCH && !held_long(st));
	if (n < QUEUE_BATCH) {
		*done = true;
		ret = step_done(st, st->q[Q_CURSOR_CLEAR], "record plan");
		goto out;
	}
	s = st->q[Q_CURSOR_SET];
	if (sqlite3_bind_int64(s, 1, from) != SQLITE_OK ||
	    step_done(st, s, "record plan") == -1)
		goto out;
	ret = 0;
out:
	(void)sqlite3_reset(st->q[Q_PLAN_GET]);
	(void)sqlite3_reset(st->q[Q_CURSOR_GET]);
	free(plan);
	return ret;
}

int
store_sync(struct store *st, const struct config *cfg, time_t now,
    size_t *changed)
{
	return store_sync_some(st, cfg, now, 0, changed);
}

int
store_sync_some(struct store *st, const struct config *cfg, time_t now,
    size_t limit, size_t *changed)
{
	size_t	total = 0, n;
	bool	done, more;

	do {
		if (begin(st, "sync") == -1)
			return -1;
		if (plan_check(st, cfg, &done) == -1 ||
		    commit(st, "sync") == -1) {
			rollback(st);
			return -1;
		}
	} while (!done);
	if (optout_sync(st) == -1)
		return -1;
	do {
		if (sync_batch(st, cfg, now, &n, &more) == -1)
			return -1;
		total += n;
	} while (more && (limit == 0 || total < limit));
	if (changed != NULL)
		*changed = total;
	return 0;
}

/*
 * Numbers that joined or left the STOP list queue the treatments of the
 * patients who have them, in one transaction.
 */
static int
optout_sync(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 last;
	int		 ret = -1;

	if (scalar(st, st->q[Q_OPTOUT_CHANGED], &last, "read STOP list "
	    "changes") == -1)
		return -1;
	if (last == 0)
		return 0;
	if (begin(st, "sync") == -1)
		return -1;
	s = st->q[Q_OPTOUT_QUEUE];
	if (sqlite3_bind_int64(s, 1, last) != SQLITE_OK ||
	    step_done(st, s, "queue the treatments of a STOP") == -1)
		goto out;
	s = st->q[Q_OPTOUT_DONE];
	if (sqlite3_bind_int64(s, 1, last) != SQLITE_OK ||
	    step_done(st, s, "clear STOP list changes") == -1)
		goto out;
	ret = commit(st, "sync");
out:
	if (ret == -1)
		rollback(st);
	return ret;
}

/*
 * Turns up to SYNC_BATCH queued changes into reminders, in one transaction
 * of about HOLD_MS at most; sets *more unless the queue is empty.
 */
static int
sync_batch(struct store *st, const struct config *cfg, time_t now, size_t *n,
    bool *more)
{
	sqlite3_stmt		*s = st->q[Q_SYNC_NEXT];
	struct plan_treatment	 t;
	struct plan_patient	 p;
	int64_t			 seq = 0;
	char			*performed, *status, *kind;
	int			 rc, ret = -1;

	*n = 0;
	*more = false;
	if (begin(st, "sync") == -1)
		return -1;
	if (sqlite3_bind_int(s, 1, SYNC_BATCH) != SQLITE_OK)
		goto out;
	/*
	 * Each row is copied before writing: writes to other tables while
	 * this SELECT is open are fine in SQLite, but we also delete from
	 * the queue only at the end, by sequence number.
	 */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		t.id = sqlite3_column_int64(s, 1);
		t.found = sqlite3_column_int(s, 2) != 0;
		t.performed_at = performed = column_dup(s, 3);
		t.status = status = column_dup(s, 4);
		t.kind = kind = column_dup(s, 7);
		/* Read by the plan before anything is written: not copied. */
		p.phone = (const char *)sqlite3_column_text(s, 9);
		p.email = (const char *)sqlite3_column_text(s, 10);
		p.opt_in[CHANNEL_SMS] = sqlite3_column_int(s, 5) != 0;
		p.opt_in[CHANNEL_EMAIL] = sqlite3_column_int(s, 8) != 0;
		p.stopped = sqlite3_column_int(s, 11) != 0;
		p.email_unsubscribed = sqlite3_column_int(s, 12) != 0;
		p.email_bounced = sqlite3_column_int(s, 13) != 0;
		p.zone = patient_zone(st, cfg, (const char *)
		    sqlite3_column_text(s, 6), t.id);
		rc = sync_treatment(st, cfg, now, &t, &p);
		free(performed);
		free(status);
		free(kind);
		if (rc == -1)
			goto out;
		(*n)++;
		if (held_long(st)) {
			*more = true;
			rc = SQLITE_DONE;
			break;
		}
	}
	if (*n == SYNC_BATCH)
		*more = true;
	if (rc != SQLITE_DONE) {
		log_err("store: %s: read treatment changes: %s", st->path,
		    sqlite3_errmsg(st->db));
		goto out;
	}
	(void)sqlite3_reset(s);
	if (*n > 0) {
		if (sqlite3_bind_int64(st->q[Q_SYNC_DONE], 1, seq) != SQLITE_OK ||
		    step_done(st, st->q[Q_SYNC_DONE], "clear changes") == -1)
			goto out;
	}
	if (commit(st, "sync") == -1)
		goto out;
	ret = 0;
out:
	(void)sqlite3_reset(s);
	if (ret == -1) {
		log_err("store: %s: sync: %s", st->path,
		    sqlite3_errmsg(st->db));
		rollback(st);
	}
	return ret;
}

/* The treatment is no problem (any more). */
static int
clear_problem(struct store *st, int64_t tid)
{
	sqlite3_stmt	*s = st->q[Q_PROBLEM_CLEAR];

	if (sqlite3_bind_int64(s, 1, tid) != SQLITE_OK)
		return -1;
	return step_done(st, s, "clear problem");
}

static int
cancel_treatment(struct store *st, int64_t tid, const char *why, time_t now)
{
	sqlite3_stmt	*s = st->q[Q_CANCEL_TREATMENT];

	if (sqlite3_bind_int64(s, 1, tid) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, why, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, now) != SQLITE_OK)
		return -1;
	return step_done(st, s, "cancel reminders");
}

/*
 * The patient's zone (patients.timezone), loaded once a process, or NULL
 * when it is empty or unknown (the plan then takes the clinic's); an
 * unknown name is reported once (it is the booking software's data:
 * named by treatment, not quoted).
 */
static const struct tz *
patient_zone(struct store *st, const struct config *cfg, const char *name,
    int64_t tid)
{
	struct zone	*z;
	char		 err[160];
	size_t		 i;

	if (name == NULL || *name == '\0')
		return NULL;
	for (i = 0; i < st->nzones; i++)
		if (strcmp(st->zones[i].name, name) == 0)
			return st->zones[i].tz;
	if (st->nzones == ZONES_MAX)
		return NULL;
	st->zones = xrealloc(st->zones, (st->nzones + 1) * sizeof(*st->zones));
	z = &st->zones[st->nzones++];
	z->name = xstrdup(name);
	if ((z->tz = tz_load(name, err, sizeof(err))) == NULL && !st->preview)
		log_warnx("event=unknown_zone treatment=%lld: the patient's "
		    "time zone is not known; using the clinic's (%s)",
		    (long long)tid, cfg->timezone);
	return z->tz;
}

/*
 * Whether this process has told of kind yet; if not, it is told now.  The
 * kind is the booking software's word, so only a sane one is quoted.
 */
static void
kind_check(struct store *st, const char *kind, int64_t tid,
    const char *what)
{
	size_t	i;

	if (st->preview)
		return;
	if (kind == NULL)
		kind = "";
	for (i = 0; i < st->nkinds; i++)
		if (strcmp(st->kinds[i], kind) == 0)
			return;
	if (st->nkinds == KINDS_MAX)
		return;
	st->kinds = xrealloc(st->kinds, (st->nkinds + 1) * sizeof(*st->kinds));
	st->kinds[st->nkinds++] = xstrdup(kind);
	log_warnx("event=unknown_kind treatment=%lld kind=%s: %s",
	    (long long)tid, config_kind_valid(kind) ? kind : "(not printable)",
	    what);
}

/*
 * A treatment whose kind has no plan, under default_plan "none", gets no
 * reminders: a problem of the treatment, listed by aftercarectl status
 * and warned of when it is new (once a kind per process), not each time
 * the treatment is looked at again.
 */
static int
kind_problem(struct store *st, const struct plan_treatment *t, time_t now)
{
	sqlite3_stmt	*s = st->q[Q_PROBLEM_SET];

	if (sqlite3_bind_int64(s, 1, t->id) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, st->plan.reason, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 3, now) != SQLITE_OK ||
	    step_done(st, s, "record problem") == -1)
		return -1;
	if (sqlite3_changes(st->db) > 0)
		kind_check(st, t->kind, t->id, st->plan.warning);
	return 0;
}

/*
 * Applies the plan's consent to the treatment's unsent reminders on each
 * channel it may be sent on (opt_in) or not (!opt_in): withheld for the
 * plan's reason as an opt-out (the patient's, or their email address's),
 * or for the STOP list, and given back when none holds.
 */
static int
consent(struct store *st, int64_t tid, time_t now, bool opt_in)
{
	sqlite3_stmt	*s = st->q[opt_in ? Q_CONSENT_RESTORE :
			    Q_CONSENT_CANCEL];
	bool		 stop;
	int		 ch;

	for (ch = 0; ch < CHANNEL__COUNT; ch++) {
		if (st->plan.consent[ch] != opt_in)
			continue;
		if (sqlite3_bind_int64(s, 1, tid) != SQLITE_OK ||
		    sqlite3_bind_text(s, 2, config_channel_name(ch), -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 3, now) != SQLITE_OK)
			return -1;
		if (!opt_in) {
			stop = ch == CHANNEL_SMS && st->plan.stopped;
			if (sqlite3_bind_text(s, 4, stop ? "stop" : "optout",
			    -1, SQLITE_STATIC) != SQLITE_OK ||
			    sqlite3_bind_text(s, 5, st->plan.withheld[ch], -1,
			    SQLITE_STATIC) != SQLITE_OK)
				return -1;
		}
		if (step_done(st, s, "apply consent") == -1)
			return -1;
	}
	return 0;
}

/*
 * The treatment's SMS reminders that were not delivered, for a fallback
 * by email: into a new array (free with undelivered_free()), or -1.
 */
static int
undelivered_read(struct store *st, int64_t tid, struct plan_undelivered **out,
    size_t *n)
{
	sqlite3_stmt		*s = st->q[Q_UNDELIVERED];
	struct plan_undelivered	*u;
	const char		*v;
	int			 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_bind_int64(s, 1, tid) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		u = &(*out)[(*n)++];
		u->reminder_id = sqlite3_column_int64(s, 0);
		u->milestone = column_dup(s, 1);
		v = (const char *)sqlite3_column_text(s, 2);
		if (v == NULL || delivery_parse(v, &u->state) == -1)
			u->state = DELIVERY_NONE;
		u->error = column_dup(s, 3);
		u->at = (time_t)sqlite3_column_int64(s, 4);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_err("store: %s: read undelivered reminders: %s", st->path,
		    sqlite3_errmsg(st->db));
		undelivered_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

static void
undelivered_free(struct plan_undelivered *u, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)(uintptr_t)u[i].milestone);
		free((char *)(uintptr_t)u[i].error);
	}
	free(u);
}

/* Brings one treatment's reminders in line with its plan. */
static int
sync_treatment(struct store *st, const struct config *cfg, time_t now,
    const struct plan_treatment *tr, const struct plan_patient *p)
{
	const struct plan_result	*plan = &st->plan;
	const struct plan_reminder	*r;
	struct plan_treatment		 tu = *tr;
	const struct plan_treatment	*t = &tu;
	struct plan_undelivered		*u = NULL;
	sqlite3_stmt			*s;
	struct buf			 keys;
	char				 key[160];
	size_t				 i, nu = 0, made = 0;
	int				 ret = -1;

	/* Only a fallback needs them, and only a patient with email. */
	if (tu.found && cfg->delivery.fallback &&
	    cfg->email.provider != EMAIL_PROVIDER_NONE && p->email != NULL &&
	    undelivered_read(st, tu.id, &u, &nu) == -1)
		return -1;
	tu.undelivered = u;
	tu.nundelivered = nu;
	plan_reminders(cfg, t, p, now, &st->plan);
	undelivered_free(u, nu);
	switch (plan->why) {
	case PLAN_DELETED:
	case PLAN_CALLED_OFF:
		/* Gone or called off: no longer a problem for the staff. */
		if (clear_problem(st, t->id) == -1)
			return -1;
		return cancel_treatment(st, t->id, plan->reason, now);
	case PLAN_BAD_STATUS:
	case PLAN_BAD_TIME:
		return note_problem(st, t->id, plan->reason, plan->warning,
		    now);
	case PLAN_UNKNOWN_KIND:
		if (kind_problem(st, t, now) == -1)
			return -1;
		break;
	case PLAN_OK:
		if (clear_problem(st, t->id) == -1)
			return -1;
		break;
	}
	s = st->q[Q_RESTORE_TREATMENT];
	if (sqlite3_bind_int64(s, 1, t->id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, now) != SQLITE_OK ||
	    step_done(st, s, "restore reminders") == -1)
		return -1;
	/*
	 * An opt-in first: what it gives back is pending again before the
	 * plan below re-times it, or withdraws it if no longer planned.
	 */
	if (consent(st, t->id, now, true) == -1)
		return -1;
	buf_init(&keys);
	buf_puts(&keys, "[");
	for (i = 0; i < plan->n; i++) {
		r = &plan->reminders[i];
		(void)snprintf(key, sizeof(key), "%s/%s", r->m->name,
		    config_channel_name(r->channel));
		if (keys.len > 1)
			buf_puts(&keys, ",");
		json_append_string(&keys, key);
		s = st->q[r->cancelled ? Q_UPSERT_CANCELLED : Q_UPSERT];
		if (sqlite3_bind_int64(s, 1, t->id) != SQLITE_OK ||
		    sqlite3_bind_text(s, 2, r->m->name, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_int64(s, 3, r->due_at) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 4, r->expires_at) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 5, now) != SQLITE_OK ||
		    sqlite3_bind_text(s, 6, config_channel_name(r->channel), -1,
		    SQLITE_STATIC) != SQLITE_OK)
			goto out;
		if (r->cancelled && sqlite3_bind_text(s, 7, r->cancelled, -1,
		    SQLITE_STATIC) != SQLITE_OK)
			goto out;
		if (!r->cancelled && (r->fallback_for > 0 ?
		    sqlite3_bind_int64(s, 8, r->fallback_for) :
		    sqlite3_bind_null(s, 8)) != SQLITE_OK)
			goto out;
		if (step_done(st, s, "create reminder") == -1)
			goto out;
		made += (size_t)sqlite3_changes(st->db);
	}
	buf_puts(&keys, "]");
	/*
	 * A kind that gets the default plan is told of where its reminders
	 * are made, not each time the treatment is looked at again.
	 */
	if (plan->why == PLAN_OK && plan->warning[0] != '\0' && made > 0)
		kind_check(st, t->kind, t->id, plan->warning);
	s = st->q[Q_CANCEL_UNPLANNED];
	if (sqlite3_bind_int64(s, 1, t->id) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, keys.data, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 3, "no longer planned: the treatment's "
	    "plan or the patient's contact details changed", -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, now) != SQLITE_OK ||
	    step_done(st, s, "cancel unplanned reminders") == -1)
		goto out;
	/* An opt-out last: it wins over everything above. */
	if (consent(st, t->id, now, false) == -1)
		goto out;
	ret = 0;
out:
	/* The statement may still point at keys: let it go first. */
	(void)sqlite3_reset(st->q[Q_CANCEL_UNPLANNED]);
	(void)sqlite3_clear_bindings(st->q[Q_CANCEL_UNPLANNED]);
	buf_clear(&keys);
	return ret;
}

/*
 * Records why a treatment gets no reminders, warning only when the
 * problem is new or different, so a bad row is reported once.  The
 * problem (for the staff) may quote the row; the log gets the summary.
 */
static int
note_problem(struct store *st, int64_t tid, const char *problem,
    const char *summary, time_t now)
{
	sqlite3_stmt	*s = st->q[Q_PROBLEM_SET];

	if (sqlite3_bind_int64(s, 1, tid) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, problem, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 3, now) != SQLITE_OK)
		return -1;
	if (step_done(st, s, "record problem") == -1)
		return -1;
	if (sqlite3_changes(st->db) > 0 && !st->preview)
		log_warnx("event=bad_treatment treatment=%lld: %s; it gets no "
		    "reminders (see aftercarectl status)", (long long)tid,
		    summary);
	return cancel_treatment(st, tid, problem, now);
}

int
store_recover(struct store *st, time_t now)
{
	sqlite3_stmt	*s = st->q[Q_RECOVER];

	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
	    step_done(st, s, "recover claims") == -1)
		return -1;
	if (sqlite3_changes(st->db) > 0)
		log_notice("event=recovered reminders=%d: claimed by a run "
		    "that stopped before recording them", sqlite3_changes(st->db));
	s = st->q[Q_ESC_RECOVER];
	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
	    step_done(st, s, "recover escalations") == -1)
		return -1;
	if (sqlite3_changes(st->db) > 0)
		log_notice("event=recovered replies=%d: escalations claimed by "
		    "a run that stopped before recording them",
		    sqlite3_changes(st->db));
	return 0;
}

static void
reminder_clear(struct reminder *r)
{
	free(r->milestone);
	free(r->channel);
	free(r->idempotency_key);
	free(r->kind);
	free(r->performed_at);
	free(r->status);
	free(r->full_name);
	free(r->phone);
	free(r->email);
	free(r->timezone);
	free(r->state);
	free(r->last_error);
	free(r->language);
	free(r->delivery_state);
	free(r->delivery_error);
	memset(r, 0, sizeof(*r));
}

void
store_reminders_free(struct reminder *r, size_t n)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		reminder_clear(&r[i]);
	free(r);
}

/* Fills r from a row of REMINDER_FULL_COLUMNS. */
static void
reminder_read(sqlite3_stmt *s, struct reminder *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->treatment_id = sqlite3_column_int64(s, 1);
	r->milestone = column_dup(s, 2);
	r->channel = column_dup(s, 3);
	r->due_at = sqlite3_column_int64(s, 4);
	r->expires_at = sqlite3_column_int64(s, 5);
	r->attempts = sqlite3_column_int(s, 6) + 1;
	r->idempotency_key = column_dup(s, 7);
	r->treatment_found = sqlite3_column_int(s, 8) != 0;
	r->patient_id = sqlite3_column_int64(s, 9);
	r->kind = column_dup(s, 10);
	r->performed_at = column_dup(s, 11);
	r->status = column_dup(s, 12);
	r->patient_found = sqlite3_column_int(s, 13) != 0;
	r->full_name = column_dup(s, 14);
	r->phone = column_dup(s, 15);
	r->email = column_dup(s, 16);
	r->timezone = column_dup(s, 17);
	r->sms_opt_in = sqlite3_column_int(s, 18) != 0;
	r->state = column_dup(s, 19);
	r->sent_at = sqlite3_column_int64(s, 20);
	r->last_error = column_dup(s, 21);
	r->email_opt_in = sqlite3_column_int(s, 22) != 0;
	r->language = column_dup(s, 23);
	r->fallback_for = sqlite3_column_int64(s, 24);
	r->email_unsubscribed = sqlite3_column_int(s, 25) != 0;
	r->email_bounced = sqlite3_column_int(s, 26) != 0;
	r->delivery_state = column_dup(s, 27);
	r->delivery_error = column_dup(s, 28);
	r->delivery_at = (time_t)sqlite3_column_int64(s, 29);
}

int
store_treatment_reminders(struct store *st, int64_t treatment_id,
    struct reminder **out, size_t *n)
{
	sqlite3_stmt	*s = st->q[Q_TREATMENT_REMINDERS];
	struct reminder	*v = NULL;
	size_t		 nv = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_bind_int64(s, 1, treatment_id) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xrealloc(v, (nv + 1) * sizeof(*v));
		memset(&v[nv], 0, sizeof(v[nv]));
		reminder_read(s, &v[nv++]);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	*out = v;
	*n = nv;
	return 0;
fail:
	log_err("store: %s: reminders of treatment %lld: %s", st->path,
	    (long long)treatment_id, sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	store_reminders_free(v, nv);
	return -1;
}

/*
 * Expires due reminders past their window, logging each, until none is
 * left or the transaction has held the lock for HOLD_MS (then sets *more).
 */
static int
expire_due(struct store *st, time_t now, const char *channel, bool *more)
{
	sqlite3_stmt	*s = st->q[Q_EXPIRE];
	char		 due[32], until[32];
	int		 rc, n;

	*more = false;
	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, EXPIRE_BATCH) != SQLITE_OK)
		return -1;
	do {
		n = 0;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			n++;
			schedule_rfc3339_format(sqlite3_column_int64(s, 1),
			    due, sizeof(due));
			schedule_rfc3339_format(sqlite3_column_int64(s, 2),
			    until, sizeof(until));
			if (!st->preview)
				log_notice("event=expired reminder=%lld due=%s "
				    "too_late_after=%s",
				    (long long)sqlite3_column_int64(s, 0), due,
				    until);
		}
		(void)sqlite3_reset(s);
	} while (rc == SQLITE_DONE && n == EXPIRE_BATCH && !held_long(st));
	*more = rc == SQLITE_DONE && n == EXPIRE_BATCH;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_claim_due(struct store *st, time_t now, time_t lease_until,
    size_t max, const char *channel, struct reminder **out, size_t *n)
{
	sqlite3_stmt	*s = st->q[Q_CLAIM_SELECT], *u;
	struct reminder	*v = NULL;
	size_t		 nv = 0, i;
	int		 rc, ret = -1;
	bool		 more;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if (begin(st, "claim") == -1)
		return -1;
	/* A long catch-up of expiries goes in transactions of its own. */
	for (;;) {
		if (expire_due(st, now, channel, &more) == -1)
			goto out;
		if (!more)
			break;
		if (commit(st, "expire") == -1 || begin(st, "claim") == -1)
			goto out;
	}
	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, (sqlite3_int64)max) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, channel, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	v = xcalloc(max, sizeof(*v));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		reminder_read(s, &v[nv++]);
	if (rc != SQLITE_DONE)
		goto out;
	(void)sqlite3_reset(s);
	for (i = 0; i < nv; i++) {
		u = st->q[Q_CLAIM_ONE];
		if (sqlite3_bind_int64(u, 1, v[i].id) != SQLITE_OK ||
		    sqlite3_bind_int64(u, 2, lease_until) != SQLITE_OK ||
		    sqlite3_bind_int64(u, 3, now) != SQLITE_OK ||
		    step_done(st, u, "claim") == -1)
			goto out;
	}
	if (commit(st, "claim") == -1)
		goto out;
	if (nv > 0) {
		*out = v;
		*n = nv;
		v = NULL;
		nv = 0;
	}
	ret = 0;
out:
	if (ret == -1) {
		log_err("store: %s: claim due reminders: %s", st->path,
		    sqlite3_errmsg(st->db));
		(void)sqlite3_reset(s);
		rollback(st);
	}
	store_reminders_free(v, nv);
	return ret;
}

/* Binds an integer to a named parameter, if the statement has it. */
static int
bind_named(sqlite3_stmt *s, const char *name, int64_t v)
{
	int	i = sqlite3_bind_parameter_index(s, name);

	return i == 0 ? SQLITE_OK : sqlite3_bind_int64(s, i, v);
}

/*
 * Records an outcome for a reminder this process claimed, binding
 * :id, :now, :text, :at and :attempted where the statement has them.  A
 * reminder that is no longer claimed (someone else recovered it) is left
 * alone: there is nothing to retry, so that is not an error.
 */
static int
mark(struct store *st, int q, int64_t id, time_t now, const char *text,
    time_t at, bool attempted, const char *what)
{
	sqlite3_stmt	*s = st->q[q];
	int		 ti = sqlite3_bind_parameter_index(s, ":text");

	if (bind_named(s, ":id", id) != SQLITE_OK ||
	    bind_named(s, ":now", now) != SQLITE_OK ||
	    bind_named(s, ":at", at) != SQLITE_OK ||
	    bind_named(s, ":attempted", attempted ? 1 : 0) != SQLITE_OK ||
	    (ti != 0 && bind_text_or_null(s, ti, text) != SQLITE_OK)) {
		(void)sqlite3_reset(s);
		return -1;
	}
	if (step_done(st, s, what) == -1)
		return -1;
	if (sqlite3_changes(st->db) != 1)
		log_warnx("store: %s %lld was no longer claimed when "
		    "recording it %s", q >= Q_ESC_SENT && q <= Q_ESC_RELEASE ?
		    "reply" : "reminder", (long long)id, what);
	return 0;
}

int
store_mark_sent(struct store *st, int64_t id, time_t now,
    const char *provider_id)
{
	return mark(st, Q_SENT, id, now, provider_id, 0, true, "sent");
}

int
store_mark_failed(struct store *st, int64_t id, time_t now,
    const char *error, bool attempted)
{
	return mark(st, Q_FAILED, id, now, error, 0, attempted, "failed");
}

int
store_mark_cancelled(struct store *st, int64_t id, time_t now,
    const char *reason, enum store_cancel by)
{
	int	q;

	switch (by) {
	case STORE_CANCEL_OPTOUT:
		q = Q_CANCELLED_OPTOUT;
		break;
	case STORE_CANCEL_STOP:
		q = Q_CANCELLED_STOP;
		break;
	case STORE_CANCEL_DAEMON:
	default:
		q = Q_CANCELLED;
		break;
	}
	return mark(st, q, id, now, reason, 0, false, "cancelled");
}

int
store_mark_retry(struct store *st, int64_t id, time_t now,
    time_t next_attempt, const char *error, bool attempted)
{
	return mark(st, Q_RETRY, id, now, error, next_attempt, attempted,
	    "for retry");
}

int
store_release(struct store *st, int64_t id, time_t now)
{
	return mark(st, Q_RELEASE, id, now, NULL, 0, false, "released");
}

static void
escalation_clear(struct escalation *e)
{
	free(e->from);
	free(e->body);
	free(e->full_name);
	free(e->timezone);
	free(e->kind);
	free(e->performed_at);
	free(e->milestone);
	memset(e, 0, sizeof(*e));
}

void
store_escalations_free(struct escalation *e, size_t n)
{
	size_t	i;

	if (e == NULL)
		return;
	for (i = 0; i < n; i++)
		escalation_clear(&e[i]);
	free(e);
}

int
store_claim_escalations(struct store *st, time_t now, size_t max,
    struct escalation **out, size_t *n)
{
	sqlite3_stmt		*s = st->q[Q_ESC_SELECT], *u;
	struct escalation	*v = NULL, *e;
	size_t			 nv = 0, i;
	int			 rc, ret = -1;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if (begin(st, "claim escalations") == -1)
		return -1;
	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, (sqlite3_int64)max) != SQLITE_OK)
		goto out;
	v = xcalloc(max, sizeof(*v));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		e = &v[nv++];
		e->id = sqlite3_column_int64(s, 0);
		e->received_at = sqlite3_column_int64(s, 1);
		e->from = column_dup(s, 2);
		e->body = column_dup(s, 3);
		e->num_media = (long)sqlite3_column_int64(s, 4);
		e->possible_optout = sqlite3_column_int(s, 5) != 0;
		e->urgent = sqlite3_column_int(s, 6) != 0;
		e->attempts = sqlite3_column_int(s, 7) + 1;
		e->patient_id = sqlite3_column_int64(s, 8);
		e->full_name = column_dup(s, 9);
		e->timezone = column_dup(s, 10);
		e->shared_with = sqlite3_column_int64(s, 11);
		e->treatment_id = sqlite3_column_int64(s, 12);
		e->kind = column_dup(s, 13);
		e->performed_at = column_dup(s, 14);
		e->reminder_id = sqlite3_column_int64(s, 15);
		e->milestone = column_dup(s, 16);
		e->reminder_sent_at = sqlite3_column_int64(s, 17);
	}
	if (rc != SQLITE_DONE)
		goto out;
	(void)sqlite3_reset(s);
	for (i = 0; i < nv; i++) {
		u = st->q[Q_ESC_CLAIM];
		if (sqlite3_bind_int64(u, 1, v[i].id) != SQLITE_OK ||
		    step_done(st, u, "claim an escalation") == -1)
			goto out;
	}
	if (commit(st, "claim escalations") == -1)
		goto out;
	if (nv > 0) {
		*out = v;
		*n = nv;
		v = NULL;
		nv = 0;
	}
	ret = 0;
out:
	if (ret == -1) {
		log_err("store: %s: claim escalations: %s", st->path,
		    sqlite3_errmsg(st->db));
		(void)sqlite3_reset(s);
		rollback(st);
	}
	store_escalations_free(v, nv);
	return ret;
}

int
store_escalation_sent(struct store *st, int64_t id, time_t now)
{
	return mark(st, Q_ESC_SENT, id, now, NULL, 0, true, "escalated");
}

int
store_escalation_retry(struct store *st, int64_t id, time_t now,
    time_t next_attempt, const char *error, bool attempted)
{
	return mark(st, Q_ESC_RETRY, id, now, error, next_attempt, attempted,
	    "for retry");
}

int
store_escalation_failed(struct store *st, int64_t id, time_t now,
    const char *error, bool attempted)
{
	return mark(st, Q_ESC_FAILED, id, now, error, 0, attempted, "failed");
}

int
store_escalation_release(struct store *st, int64_t id, time_t now)
{
	return mark(st, Q_ESC_RELEASE, id, now, NULL, 0, false, "released");
}

int
store_next_escalation(struct store *st, time_t *next)
{
	int64_t	v;

	if (scalar(st, st->q[Q_ESC_NEXT], &v, "next escalation") == -1)
		return -1;
	*next = (time_t)v;
	return 0;
}

int
store_optout_add(struct store *st, const char *phone, int64_t reminder_id,
    time_t now)
{
	sqlite3_stmt	*s = st->q[Q_OPTOUT_ADD];

	if (sqlite3_bind_text(s, 1, phone, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, reminder_id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, now) != SQLITE_OK) {
		(void)sqlite3_reset(s);
		return -1;
	}
	return step_done(st, s, "record opt-out");
}

int
store_optout_has(struct store *st, const char *phone, bool *has)
{
	sqlite3_stmt	*s = st->q[Q_OPTOUT_HAS];
	int64_t		 n;

	if (sqlite3_bind_text(s, 1, phone, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		(void)sqlite3_reset(s);
		return -1;
	}
	if (scalar(st, s, &n, "look up opt-out") == -1)
		return -1;
	*has = n > 0;
	return 0;
}

int
store_lookups_due(struct store *st, time_t since, time_t until, size_t max,
    struct lookup **out, size_t *n)
{
	sqlite3_stmt	*s = st->q[Q_LOOKUP_DUE];
	struct lookup	*v = NULL;
	size_t		 nv = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_bind_int64(s, 1, since) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, until) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, (sqlite3_int64)max) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xrealloc(v, (nv + 1) * sizeof(*v));
		v[nv].id = sqlite3_column_int64(s, 0);
		v[nv].provider_id = column_dup(s, 1);
		nv++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	(void)sqlite3_reset(s);
	*out = v;
	*n = nv;
	return 0;
fail:
	log_err("store: %s: SMS to look up: %s", st->path,
	    sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	store_lookups_free(v, nv);
	return -1;
}

void
store_lookups_free(struct lookup *l, size_t n)
{
	size_t	i;

	for (i = 0; l != NULL && i < n; i++)
		free(l[i].provider_id);
	free(l);
}

int
store_lookup_next(struct store *st, time_t since, time_t *sent)
{
	sqlite3_stmt	*s = st->q[Q_LOOKUP_NEXT];
	int64_t		 v;

	if (sqlite3_bind_int64(s, 1, since) != SQLITE_OK ||
	    scalar(st, s, &v, "next SMS to look up") == -1)
		return -1;
	*sent = (time_t)v;
	return 0;
}

int
store_lookup_record(struct store *st, int64_t id, time_t now,
    const enum delivery *state, const char *error, enum delivery *moved)
{
	sqlite3_stmt	*s = st->q[Q_DELIVERY_GET];
	const char	*v;
	enum delivery	 old = DELIVERY_NONE, next;
	int		 rc;

	if (moved != NULL)
		*moved = DELIVERY_NONE;
	/* A callback may come meanwhile: read and write as one. */
	if (begin(st, "record a look-up") == -1)
		return -1;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		goto fail;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v != NULL && delivery_parse(v, &old) == -1)
			old = DELIVERY_NONE;
	} else if (rc != SQLITE_DONE)
		goto fail;
	(void)sqlite3_reset(s);
	next = state != NULL ? delivery_advance(old, *state) : old;
	s = st->q[Q_LOOKUP_SET];
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, now) != SQLITE_OK ||
	    (next != old ? sqlite3_bind_text(s, 3, delivery_name(next), -1,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 3)) != SQLITE_OK ||
	    bind_text_or_null(s, 4, error) != SQLITE_OK ||
	    step_done(st, s, "record a look-up") == -1)
		goto fail;
	if (commit(st, "record a look-up") == -1)
		return -1;
	if (moved != NULL && next != old)
		*moved = next;
	return 0;
fail:
	log_err("store: %s: record a look-up: %s", st->path,
	    sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	rollback(st);
	return -1;
}

/* Reads a single integer (NULL as 0) from a one-row query. */
static int
scalar(struct store *st, sqlite3_stmt *s, int64_t *v, const char *what)
{
	int	rc;

	*v = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		log_err("store: %s: %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
		(void)sqlite3_reset(s);
		return -1;
	}
	(void)sqlite3_reset(s);
	return 0;
}

int
store_next_wakeup(struct store *st, const char *channel, time_t *next)
{
	sqlite3_stmt	*s = st->q[Q_NEXT_PENDING];
	int64_t		 pending;
	int		 ch;

	/* Any channel: the earliest of each, each found in the index. */
	if (channel == NULL) {
		*next = 0;
		for (ch = 0; ch < CHANNEL__COUNT; ch++) {
			if (store_next_wakeup(st, config_channel_name(ch),
			    &pending) == -1)
				return -1;
			if (pending != 0 && (*next == 0 || pending < *next))
				*next = (time_t)pending;
		}
		return 0;
	}
	if (sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC) != SQLITE_OK ||
	    scalar(st, s, &pending, "next due") == -1)
		return -1;
	*next = (time_t)pending;
	return 0;
}

int
store_failed_since(struct store *st, time_t since, int64_t *n)
{
	sqlite3_stmt	*s = st->q[Q_FAILED_SINCE];

	if (sqlite3_bind_int64(s, 1, since) != SQLITE_OK) {
		(void)sqlite3_reset(s);
		return -1;
	}
	return scalar(st, s, n, "count recent failures");
}

int
store_heartbeat(struct store *st, time_t now)
{
	sqlite3_stmt	*s = st->q[Q_HEARTBEAT_SET];

	if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK) {
		(void)sqlite3_reset(s);
		return -1;
	}
	return step_done(st, s, "heartbeat");
}

int
store_busy_timeout(struct store *st, int ms)
{
	if (sqlite3_busy_timeout(st->db, ms) != SQLITE_OK) {
		log_err("store: %s: busy timeout: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	st->busy_ms = ms;
	return 0;
}

static int
data_version(struct store *st, int64_t *version)
{
	return scalar(st, st->q[Q_DATA_VERSION], version, "data version");
}

/*
 * Watches the database's directory for writes to the database or its
 * WAL, so that a commit by the booking software wakes the caller at once
 * and an idle one needs no timer of its own.
 */
int
store_watch(struct store *st, int *fd)
{
	const char	*slash;
	char		*dir;

	if (st->watchfd != -1)
		(void)close(st->watchfd);
	st->watchfd = -1;
	free(st->watched);
	st->watched = NULL;
	if ((slash = strrchr(st->path, '/')) == NULL)
		dir = xstrdup(".");
	else if (slash == st->path)
		dir = xstrdup("/");
	else
		dir = xasprintf("%.*s", (int)(slash - st->path), st->path);
	if ((st->watchfd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(st->watchfd, dir, IN_MODIFY | IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_CREATE) == -1) {
		log_warn("store: cannot watch %s for other programs' writes",
		    dir);
		if (st->watchfd != -1)
			(void)close(st->watchfd);
		st->watchfd = -1;
	} else
		st->watched = xstrdup(slash != NULL ? slash + 1 : st->path);
	free(dir);
	*fd = st->watchfd;
	return data_version(st, &st->version);
}

/*
 * Other files in the directory are no business of ours: only the
 * database, its WAL and its journal.
 */
bool
store_watch_read(struct store *st)
{
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	size_t				 len;
	ssize_t				 n;
	char				*p;
	bool				 ours = false;

	if (st->watchfd == -1)
		return false;
	len = strlen(st->watched);
	for (;;) {
		n = read(st->watchfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			/* The queue overflowed: anything may have changed. */
			if (ev->mask & IN_Q_OVERFLOW)
				ours = true;
			if (ev->len > 0 && strncmp(ev->name, st->watched,
			    len) == 0 && (ev->name[len] == '\0' ||
			    strcmp(ev->name + len, "-wal") == 0 ||
			    strcmp(ev->name + len, "-journal") == 0))
				ours = true;
		}
	}
	return ours;
}

/*
 * A writer appends its commit to the WAL (which wakes the watch), may
 * then sync it (synchronous = FULL), and only then makes it visible;
 * SQLite tells readers nothing more when it does.  So when data_version
 * has not moved, ask for the write lock without waiting: if another
 * connection holds it, its transaction is still under way and will show
 * later (look again soon); if not, whatever was written is visible now
 * (or was rolled back), so data_version is read once more.  The lock is
 * held for an empty transaction only, which writes nothing.
 */
int
store_changed(struct store *st, int *retry_ms)
{
	int64_t	v;
	int	rc, ret = -1, busy_ms = st->busy_ms;
	bool	changed = false, writing = false;

	if (data_version(st, &v) == -1)
		return -1;
	if (v != st->version) {
		st->version = v;
		*retry_ms = st->settle_ms = 0;
		return 1;
	}
	if (store_busy_timeout(st, 0) == -1)
		return -1;
	rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		writing = true;
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_OK) {
		log_err("store: %s: look for a writer: %s", st->path,
		    sqlite3_errmsg(st->db));
		goto out;
	}
	if (exec(st, "COMMIT", "look for a writer") == -1) {
		rollback(st);
		goto out;
	}
	if (data_version(st, &v) == -1)
		goto out;
	changed = v != st->version;
	st->version = v;
	ret = 0;
out:
	if (store_busy_timeout(st, busy_ms) == -1)
		ret = -1;
	if (ret == -1)
		return -1;
	if (!writing)
		st->settle_ms = 0;
	else if (st->settle_ms == 0)
		st->settle_ms = SETTLE_FIRST_MS;
	else if ((st->settle_ms *= 2) > SETTLE_MAX_MS)
		st->settle_ms = SETTLE_MAX_MS;
	*retry_ms = st->settle_ms;
	return changed;
}

/* The lock file beside the database; false if the name is too long. */
static bool
lock_path(const char *database, char *path, size_t len)
{
	return (size_t)snprintf(path, len, "%s.lock", database) < len;
}

/*
 * The lock is a file beside the database; the kernel releases it when
 * the process ends, however it ends.
 */
int
store_lock(struct store *st)
{
	char	path[PATH_MAX];
	int	fd;

	if (st->lockfd != -1)
		return 0;
	if (!lock_path(st->path, path, sizeof(path))) {
		log_err("%s: path too long", st->path);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) == -1) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			log_err("%s: another aftercared is sending from this "
			    "database; stop it first", st->path);
		else
			log_err("%s: lock: %s", path, strerror(errno));
		(void)close(fd);
		return -1;
	}
	st->lockfd = fd;
	return 0;
}

bool
store_locked(const struct store *st)
{
	char	path[PATH_MAX];
	bool	held = false;
	int	fd;

	if (!lock_path(st->path, path, sizeof(path)) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) == -1)
		held = errno == EWOULDBLOCK;
	(void)close(fd);
	return held;
}

int
store_preview_begin(struct store *st)
{
	if (exec(st, "BEGIN IMMEDIATE", "preview") == -1)
		return -1;
	st->preview = true;
	return 0;
}

int
store_preview_end(struct store *st)
{
	st->preview = false;
	return exec(st, "ROLLBACK", "end preview");
}

int
store_patient_add(struct store *st, const char *full_name, const char *phone,
    const char *email, const char *timezone, const char *language,
    int64_t *id, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->q[Q_PATIENT_ADD];
	int		 rc;

	if (sqlite3_bind_text(s, 1, full_name, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK || bind_text_or_null(s, 2, phone) != SQLITE_OK ||
	    bind_text_or_null(s, 3, email) != SQLITE_OK ||
	    bind_text_or_null(s, 4, timezone) != SQLITE_OK ||
	    bind_text_or_null(s, 5, language) != SQLITE_OK) {
		(void)snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		(void)sqlite3_reset(s);
		return -1;
	}
	rc = sqlite3_step(s);
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		(void)snprintf(err, errlen, "%s: add patient: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_treatment_add(struct store *st, int64_t patient_id,
    const char *performed_at, const char *kind, int64_t *id, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->q[Q_PATIENT_EXISTS];
	int		 rc;

	if (sqlite3_bind_int64(s, 1, patient_id) != SQLITE_OK)
		goto dberr;
	rc = sqlite3_step(s);
	(void)sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		(void)snprintf(err, errlen, "no patient with id %lld",
		    (long long)patient_id);
		return -1;
	}
	if (rc != SQLITE_ROW)
		goto dberr;
	s = st->q[Q_TREATMENT_ADD];
	if (sqlite3_bind_int64(s, 1, patient_id) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, performed_at, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 3, kind, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		goto dberr;
	rc = sqlite3_step(s);
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
dberr:
	(void)snprintf(err, errlen, "%s: add treatment: %s", st->path,
	    sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	return -1;
}

int
store_treatment_cancel(struct store *st, int64_t id, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->q[Q_TREATMENT_CANCEL];

	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK) {
		(void)snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		return -1;
	}
	return update_one(st, s, "cancel treatment", "treatment", id, err,
	    errlen);
}

/*
 * Steps a bound UPDATE of one row by id; an id that matches no row is
 * "no <noun> with id N".  Returns 0, or -1 with a reason in err.
 */
static int
update_one(struct store *st, sqlite3_stmt *s, const char *what,
    const char *noun, int64_t id, char *err, size_t errlen)
{
	int	rc;

	rc = sqlite3_step(s);
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		(void)snprintf(err, errlen, "%s: %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_changes(st->db) == 0) {
		(void)snprintf(err, errlen, "no %s with id %lld", noun,
		    (long long)id);
		return -1;
	}
	return 0;
}

int
store_patient_consent(struct store *st, int64_t id, const char *channel,
    bool opt_in, char *err, size_t errlen)
{
	sqlite3_stmt	*s;

	if (strcmp(channel, "sms") == 0)
		s = st->q[Q_CONSENT_SMS];
	else if (strcmp(channel, "email") == 0)
		s = st->q[Q_CONSENT_EMAIL];
	else {
		(void)snprintf(err, errlen, "unknown channel \"%.20s\"",
		    channel);
		return -1;
	}
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, opt_in ? 1 : 0) != SQLITE_OK) {
		(void)snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		(void)sqlite3_reset(s);
		return -1;
	}
	return update_one(st, s, "record consent", "patient", id, err, errlen);
}

bool
store_state_valid(const char *state)
{
	size_t	i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i]) == 0)
			return true;
	return false;
}

int
store_reminders_list(struct store *st, const char *state,
    void (*fn)(void *, const struct reminder_row *), void *arg)
{
	sqlite3_stmt	*s;

	if (state == NULL)
		return list_rows(st, st->q[Q_LIST_ALL], fn, arg);
	s = st->q[Q_LIST_STATE];
	if (sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		log_err("store: %s: list reminders: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return list_rows(st, s, fn, arg);
}

int
store_patient_history(struct store *st, int64_t patient_id,
    void (*fn)(void *, const struct reminder_row *), void *arg)
{
	sqlite3_stmt	*s = st->q[Q_LIST_PATIENT];

	if (sqlite3_bind_int64(s, 1, patient_id) != SQLITE_OK) {
		log_err("store: %s: history: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return list_rows(st, s, fn, arg);
}

/* Calls fn for each row of a bound REMINDER_ROW_COLUMNS query. */
static int
list_rows(struct store *st, sqlite3_stmt *s,
    void (*fn)(void *, const struct reminder_row *), void *arg)
{
	struct reminder_row	 row;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row.id = sqlite3_column_int64(s, 0);
		row.treatment_id = sqlite3_column_int64(s, 1);
		row.patient_id = sqlite3_column_int64(s, 2);
		row.milestone = (const char *)sqlite3_column_text(s, 3);
		row.channel = (const char *)sqlite3_column_text(s, 4);
		row.state = (const char *)sqlite3_column_text(s, 5);
		row.due_at = sqlite3_column_int64(s, 6);
		row.next_attempt_at = sqlite3_column_int64(s, 7);
		row.sent_at = sqlite3_column_int64(s, 8);
		row.attempts = sqlite3_column_int(s, 9);
		row.last_error = (const char *)sqlite3_column_text(s, 10);
		row.provider_id = (const char *)sqlite3_column_text(s, 11);
		row.delivery_state = (const char *)sqlite3_column_text(s, 12);
		row.delivery_error = (const char *)sqlite3_column_text(s, 13);
		row.delivery_at = sqlite3_column_int64(s, 14);
		row.fallback_for = sqlite3_column_int64(s, 15);
		fn(arg, &row);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	(void)sqlite3_reset(s);
	return 0;
fail:
	log_err("store: %s: list reminders: %s", st->path,
	    sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	return -1;
}

/* Whether the one-row query s, bound to id, answers non-zero. */
static int
id_exists(struct store *st, sqlite3_stmt *s, int64_t id, bool *exists,
    const char *what)
{
	int64_t	v;

	*exists = false;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK) {
		log_err("store: %s: %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (scalar(st, s, &v, what) == -1)
		return -1;
	*exists = v != 0;
	return 0;
}

int
store_patient_known(struct store *st, int64_t id, bool *known)
{
	return id_exists(st, st->q[Q_PATIENT_KNOWN], id, known,
	    "look up patient");
}

int
store_treatment_exists(struct store *st, int64_t id, bool *exists)
{
	return id_exists(st, st->q[Q_TREATMENT_EXISTS], id, exists,
	    "look up treatment");
}

int
store_patients_list(struct store *st,
    void (*fn)(void *, const struct patient_row *), void *arg)
{
	sqlite3_stmt		*s = st->q[Q_PATIENTS];
	struct patient_row	 row;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row.id = sqlite3_column_int64(s, 0);
		row.phone = (const char *)sqlite3_column_text(s, 1);
		row.email = (const char *)sqlite3_column_text(s, 2);
		row.timezone = (const char *)sqlite3_column_text(s, 3);
		row.language = (const char *)sqlite3_column_text(s, 4);
		/* As reminder_read() reads them. */
		row.sms_opt_in = sqlite3_column_int(s, 5) != 0;
		row.email_opt_in = sqlite3_column_int(s, 6) != 0;
		row.email_unsubscribed = sqlite3_column_int(s, 7) != 0;
		row.email_bounced = sqlite3_column_int(s, 8) != 0;
		fn(arg, &row);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_err("store: %s: list patients: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

int
store_treatments_list(struct store *st, int64_t patient_id,
    void (*fn)(void *, const struct treatment_row *), void *arg)
{
	sqlite3_stmt		*s = st->q[patient_id > 0 ?
				    Q_TREATMENTS_PATIENT : Q_TREATMENTS_ALL];
	struct treatment_row	 row;
	int			 rc = SQLITE_ERROR;

	if (patient_id > 0 && sqlite3_bind_int64(s, 1, patient_id) !=
	    SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row.id = sqlite3_column_int64(s, 0);
		row.patient_id = sqlite3_column_int64(s, 1);
		row.kind = (const char *)sqlite3_column_text(s, 2);
		row.performed_at = (const char *)sqlite3_column_text(s, 3);
		row.status = (const char *)sqlite3_column_text(s, 4);
		row.timezone = (const char *)sqlite3_column_text(s, 5);
		fn(arg, &row);
	}
out:
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_err("store: %s: list treatments: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

/* Adds a reminder not delivered to its kind in s (the first kinds only). */
static void
undelivered_add(struct store_status *s, const char *channel,
    const char *state, const char *error)
{
	struct store_undelivered	*u, t;
	size_t				 i;

	s->undelivered_24h++;
	for (i = 0; i < s->nundelivered; i++) {
		u = &s->undelivered[i];
		if (strcmp(u->channel, channel) == 0 &&
		    strcmp(u->state, state) == 0 && strcmp(u->error, error) == 0)
			break;
	}
	if (i == s->nundelivered) {
		if (i == sizeof(s->undelivered) / sizeof(s->undelivered[0]))
			return;
		u = &s->undelivered[s->nundelivered++];
		(void)snprintf(u->channel, sizeof(u->channel), "%s", channel);
		(void)snprintf(u->state, sizeof(u->state), "%s", state);
		(void)snprintf(u->error, sizeof(u->error), "%s", error);
		u->n = 0;
	}
	s->undelivered[i].n++;
	/* The most common first; of as many, the first seen. */
	for (; i > 0 && s->undelivered[i].n > s->undelivered[i - 1].n; i--) {
		t = s->undelivered[i];
		s->undelivered[i] = s->undelivered[i - 1];
		s->undelivered[i - 1] = t;
	}
}

/* The delivery counts, and what was not delivered in the last day. */
static int
delivery_status(struct store *st, time_t now, struct store_status *out)
{
	sqlite3_stmt	*s = st->q[Q_DELIVERY_COUNTS];
	const char	*v;
	enum delivery	 d;
	int		 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v != NULL && delivery_parse(v, &d) == 0)
			out->delivery[d] = sqlite3_column_int64(s, 1);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	s = st->q[Q_UNDELIVERED_SINCE];
	if (sqlite3_bind_int64(s, 1, now - 86400) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		undelivered_add(out, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2));
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	return 0;
fail:
	log_err("store: %s: delivery status: %s", st->path,
	    sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	return -1;
}

int
store_replies_count(struct store *st, struct store_replies *out)
{
	sqlite3_stmt	*s = st->q[Q_COUNT_REPLIES];
	const char	*state;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		out->open = sqlite3_column_int64(s, 0);
		out->urgent = sqlite3_column_int64(s, 1);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		goto fail;
	s = st->q[Q_COUNT_ESCALATIONS];
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		state = (const char *)sqlite3_column_text(s, 0);
		if (state == NULL)
			continue;
		if (strcmp(state, "failed") == 0)
			out->failed = sqlite3_column_int64(s, 1);
		else
			out->waiting += sqlite3_column_int64(s, 1);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	return 0;
fail:
	log_err("store: %s: count replies: %s", st->path,
	    sqlite3_errmsg(st->db));
	return -1;
}

int
store_status(struct store *st, time_t now, struct store_status *out)
{
	sqlite3_stmt	*s = st->q[Q_COUNT_STATES];
	struct treatment_problem *p;
	/* In the order of states[]. */
	int64_t		*counts[] = { &out->pending, &out->sending,
			    &out->sent, &out->failed, &out->cancelled,
			    &out->expired };
	const size_t	 nstates = sizeof(states) / sizeof(states[0]);
	const char	*state;
	int64_t		 count, oldest, last, beat;
	size_t		 i;
	int		 rc;

	_Static_assert(sizeof(counts) / sizeof(counts[0]) ==
	    sizeof(states) / sizeof(states[0]), "a count for every state");
	memset(out, 0, sizeof(*out));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		state = (const char *)sqlite3_column_text(s, 0);
		count = sqlite3_column_int64(s, 1);
		for (i = 0; state != NULL && i < nstates; i++)
			if (strcmp(state, states[i]) == 0)
				*counts[i] = count;
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	if (store_next_wakeup(st, NULL, &out->next_due) == -1 ||
	    scalar(st, st->q[Q_COUNT_CHANGES], &out->queued_changes,
	    "count changes") == -1 ||
	    scalar(st, st->q[Q_COUNT_PROBLEMS], &out->nproblems,
	    "count problems") == -1 ||
	    scalar(st, st->q[Q_COUNT_EMAIL_ONLY], &out->email_only,
	    "count patients with only an email address") == -1)
		return -1;
	if (store_replies_count(st, &out->replies) == -1)
		return -1;
	if (store_failed_since(st, now - 86400, &out->failed_24h) == -1 ||
	    scalar(st, st->q[Q_OLDEST_PENDING], &oldest, "oldest pending") ==
	    -1 || scalar(st, st->q[Q_LAST_SENT], &last, "last sent") == -1 ||
	    scalar(st, st->q[Q_HEARTBEAT_GET], &beat, "heartbeat") == -1)
		return -1;
	out->oldest_pending = (time_t)oldest;
	out->last_sent = (time_t)last;
	out->heartbeat = (time_t)beat;
	if (delivery_status(st, now, out) == -1)
		return -1;
	s = st->q[Q_PROBLEMS];
	if (sqlite3_bind_int(s, 1, (int)(sizeof(out->problems) /
	    sizeof(out->problems[0]))) != SQLITE_OK)
		goto fail;
	p = out->problems;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		p->treatment_id = sqlite3_column_int64(s, 0);
		(void)snprintf(p->problem, sizeof(p->problem), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		p++;
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	return 0;
fail:
	log_err("store: %s: status: %s", st->path, sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	return -1;
}

/* Fills row from a row of MESSAGE_ROW_COLUMNS (borrowed from s). */
static void
message_read(sqlite3_stmt *s, struct message_row *row)
{
	row->id = sqlite3_column_int64(s, 0);
	row->received_at = sqlite3_column_int64(s, 1);
	row->provider_message_id = (const char *)sqlite3_column_text(s, 2);
	row->classification = (const char *)sqlite3_column_text(s, 3);
	row->body = (const char *)sqlite3_column_text(s, 4);
	row->patient_id = sqlite3_column_int64(s, 5);
	row->shared_with = sqlite3_column_int64(s, 6);
	row->treatment_id = sqlite3_column_int64(s, 7);
	row->reminder_id = sqlite3_column_int64(s, 8);
	row->urgent = sqlite3_column_int(s, 9) != 0;
	row->num_media = (long)sqlite3_column_int64(s, 10);
	row->escalation = (const char *)sqlite3_column_text(s, 11);
	row->escalation_attempts = sqlite3_column_int(s, 12);
	row->escalation_error = (const char *)sqlite3_column_text(s, 13);
	row->escalation_next_at = sqlite3_column_int64(s, 14);
	row->escalated_at = sqlite3_column_int64(s, 15);
	row->acknowledged_at = sqlite3_column_int64(s, 16);
	row->handled_at = sqlite3_column_int64(s, 17);
}

/* Calls fn for each row of a bound MESSAGE_ROW_COLUMNS query. */
static int
list_messages(struct store *st, sqlite3_stmt *s,
    void (*fn)(void *, const struct message_row *), void *arg)
{
	struct message_row	 row;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		message_read(s, &row);
		fn(arg, &row);
	}
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_err("store: %s: list messages: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

int
store_patient_messages(struct store *st, int64_t patient_id,
    void (*fn)(void *, const struct message_row *), void *arg)
{
	sqlite3_stmt	*s = st->q[Q_MESSAGES_PATIENT];

	if (sqlite3_bind_int64(s, 1, patient_id) != SQLITE_OK) {
		log_err("store: %s: messages: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return list_messages(st, s, fn, arg);
}

int
store_replies_list(struct store *st, bool open_only,
    void (*fn)(void *, const struct message_row *), void *arg)
{
	return list_messages(st, st->q[open_only ? Q_REPLIES_OPEN :
	    Q_REPLIES_ALL], fn, arg);
}

int
store_reply_done(struct store *st, int64_t id, time_t now, time_t *handled,
    char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->q[Q_REPLY_DONE];
	int		 rc;

	*handled = 0;
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, now) != SQLITE_OK)
		goto dberr;
	rc = sqlite3_step(s);
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	if (sqlite3_changes(st->db) == 1)
		return 0;
	/* Not open: handled already, or no such reply. */
	s = st->q[Q_REPLY_HANDLED];
	if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		goto dberr;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*handled = sqlite3_column_int64(s, 0);
	(void)sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		(void)snprintf(err, errlen, "no reply with id %lld",
		    (long long)id);
		return -1;
	}
	if (rc != SQLITE_ROW)
		goto dberr;
	return 0;
dberr:
	(void)snprintf(err, errlen, "%s: mark a reply handled: %s", st->path,
	    sqlite3_errmsg(st->db));
	(void)sqlite3_reset(s);
	return -1;
}

int64_t
store_reprepares(struct store *st)
{
	int64_t	n = 0;
	size_t	i;

	for (i = 0; i < Q__COUNT; i++)
		if (st->q[i] != NULL)
			n += sqlite3_stmt_status(st->q[i],
			    SQLITE_STMTSTATUS_REPREPARE, 0);
	return n;
}

int
store_plans_check(struct store *st, char *err, size_t errlen)
{
	static const char *const bad[] = {
		"SCAN reminders", "SCAN r ", "SCAN t ", "SCAN p ",
		"SCAN treatments", "SCAN patients",
		"reminders_state (state=?)", "TEMP B-TREE"
	};
	const size_t	 npass = sizeof(pass_queries) /
			    sizeof(pass_queries[0]);
	sqlite3_stmt	*s;
	char		*sql;
	const char	*line;
	size_t		 i, j;
	int		 q, rc, ret = 0;

	for (i = 0; i < npass + sizeof(lookup_queries) /
	    sizeof(lookup_queries[0]); i++) {
		q = i < npass ? pass_queries[i] : lookup_queries[i - npass];
		sql = xasprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(st->q[q]));
		rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			(void)snprintf(err, errlen, "statement %d: %s", q,
			    sqlite3_errmsg(st->db));
			return -1;
		}
		while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			line = (const char *)sqlite3_column_text(s, 3);
			for (j = 0; line != NULL &&
			    j < sizeof(bad) / sizeof(bad[0]); j++)
				if (strstr(line, bad[j]) != NULL) {
					(void)snprintf(err, errlen, "statement "
					    "%d: %s: %s", q, line,
					    sqlite3_sql(st->q[q]));
					ret = -1;
					break;
				}
		}
		sqlite3_finalize(s);
		if (ret == -1)
			return -1;
	}
	return 0;
}

int
store_outcomes_begin(struct store *st)
{
	return begin(st, "record outcomes");
}

int
store_outcomes_end(struct store *st, bool keep)
{
	if (!keep) {
		rollback(st);
		return 0;
	}
	return commit(st, "record outcomes");
}
