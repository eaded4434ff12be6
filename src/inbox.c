/* SPDX-License-Identifier: MIT */
/* inbox.c: what aftercare-inbound writes: patients' messages, opt-outs, delivery receipts, email events. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "delivery.h"
#include "inbox.h"
#include "keyword.h"
#include "log.h"
#include "store.h"
#include "util.h"

/* Replies acknowledged at most once in this long, per patient or number. */
#define ACK_INTERVAL	86400

enum {
	Q_PATIENTS,
	Q_LATEST,
	Q_ANSWERED,
	Q_SMS_ADD,
	Q_SMS_SEEN,
	Q_ACKED,
	Q_ACK_SET,
	Q_OPTOUT,
	Q_OPTIN,
	Q_RECEIPT_ADD,
	Q_BY_ID,
	Q_BY_PROVIDER_ID,
	Q_DELIVERY_SET,
	Q_EMAIL_OPTOUT,
	Q_EMAIL_BOUNCE,
	Q__COUNT
};

/*
 * Patients are found by their number as we send to it: the booking
 * software writes numbers as people do ("+1 (555) 010-0123"), so each is
 * normalised by aftercare_e164(), which store_open() registers.  That
 * reads every patient with a phone, once or twice per message: a clinic's
 * patients, not its reminders, and one message at a time.
 */
static const char *const queries[Q__COUNT] = {
	[Q_PATIENTS] =
	    "SELECT count(*), coalesce(max(id), 0) FROM patients "
	    "WHERE aftercare_e164(phone) = ?1",
	/*
	 * The latest treatment already performed (a reply answers what was
	 * sent about it), else the latest booked; julianday() reads
	 * performed_at's offset.
	 */
	[Q_LATEST] =
	    "SELECT t.patient_id, t.id FROM treatments t "
	    "JOIN patients p ON p.id = t.patient_id "
	    "WHERE aftercare_e164(p.phone) = ?1 "
	    "ORDER BY coalesce(julianday(t.performed_at) <= "
	    "julianday(?2, 'unixepoch'), 0) DESC, "
	    "julianday(t.performed_at) DESC, t.id DESC LIMIT 1",
	[Q_ANSWERED] =
	    "SELECT id FROM reminders WHERE treatment_id = ?1 AND "
	    "channel = 'sms' AND sent_at IS NOT NULL "
	    "ORDER BY sent_at DESC, id DESC LIMIT 1",
	[Q_SMS_ADD] =
	    "INSERT INTO inbound_messages (provider, provider_message_id, "
	    "from_number, to_number, body, num_media, received_at, "
	    "patient_id, shared_with, treatment_id, reminder_id, "
	    "classification, urgent, escalation, escalation_next_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15) "
	    "ON CONFLICT (provider, provider_message_id) DO NOTHING",
	[Q_SMS_SEEN] =
	    "SELECT id, coalesce(patient_id, 0), shared_with, "
	    "coalesce(treatment_id, 0), coalesce(reminder_id, 0), "
	    "acknowledged_at IS NOT NULL FROM inbound_messages "
	    "WHERE provider = ?1 AND provider_message_id = ?2",
	/* A NULL patient matches nothing: the number alone counts then. */
	[Q_ACKED] =
	    "SELECT (SELECT count(*) FROM inbound_messages "
	    "WHERE from_number = ?2 AND received_at > ?3 AND "
	    "acknowledged_at IS NOT NULL) + "
	    "(SELECT count(*) FROM inbound_messages WHERE patient_id = ?1 "
	    "AND received_at > ?3 AND acknowledged_at IS NOT NULL)",
	[Q_ACK_SET] =
	    "UPDATE inbound_messages SET acknowledged_at = ?2 WHERE id = ?1",
	/* A number already opted out keeps the evidence it had. */
	[Q_OPTOUT] =
	    "INSERT INTO sms_optouts (phone, reminder_id, recorded_at, "
	    "inbound_id) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (phone) DO NOTHING",
	[Q_OPTIN] =
	    "DELETE FROM sms_optouts WHERE phone = ?1",
	[Q_RECEIPT_ADD] =
	    "INSERT INTO delivery_receipts (provider, receipt_id, "
	    "reminder_id, event, error, received_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT (provider, receipt_id) DO NOTHING",
	[Q_BY_ID] =
	    "SELECT id, delivery_state FROM reminders "
	    "WHERE id = ?1 AND channel = ?2",
	[Q_BY_PROVIDER_ID] =
	    "SELECT id, delivery_state FROM reminders "
	    "WHERE provider_id = ?1 AND channel = ?2 "
	    "ORDER BY id DESC LIMIT 1",
	[Q_DELIVERY_SET] =
	    "UPDATE reminders SET delivery_state = ?2, delivery_error = ?3, "
	    "delivery_at = ?4 WHERE id = ?1",
	[Q_EMAIL_OPTOUT] =
	    "INSERT INTO email_optouts (address, event, reminder_id, "
	    "receipt_id, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (address) DO NOTHING",
	/* The latest bounce of an address is the one that counts. */
	[Q_EMAIL_BOUNCE] =
	    "INSERT INTO email_bounces (address, event, status, reminder_id, "
	    "receipt_id, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT (address) DO UPDATE SET event = excluded.event, "
	    "status = excluded.status, reminder_id = excluded.reminder_id, "
	    "receipt_id = excluded.receipt_id, "
	    "recorded_at = excluded.recorded_at",
};

struct inbox {
	sqlite3		*db;
	const char	*path;		/* the store's, for messages */
	enum inbox_result failure;	/* what the last failure was */
	sqlite3_stmt	*q[Q__COUNT];
};

static bool	no_room(int);
static bool	disk_full(struct inbox *, int, char *, size_t);
static void	failed(struct inbox *, int, const char *);
static int	exec(struct inbox *, const char *, const char *);
static int	begin(struct inbox *, const char *);
static int	commit(struct inbox *, const char *);
static void	rollback(struct inbox *);
static int	step(struct inbox *, sqlite3_stmt *, const char *);
static int	bind_text(sqlite3_stmt *, int, const char *);
static int	bind_id(sqlite3_stmt *, int, int64_t);
static int	match(struct inbox *, const struct inbox_sms *,
		    struct inbox_sms_result *);
static int	acknowledge(struct inbox *, const struct inbox_sms *,
		    struct inbox_sms_result *);
static int	sms_seen(struct inbox *, const struct inbox_sms *,
		    struct inbox_sms_result *);
static enum inbox_result outcome(struct inbox *);
static int	receipt_one(struct inbox *, const struct inbox_receipt *,
		    struct inbox_receipts_result *);
static int	receipt_reminder(struct inbox *, const struct inbox_receipt *,
		    int64_t *, enum delivery *);

struct inbox *
inbox_new(struct store *st)
{
	struct inbox	*ib;
	int		 i;

	ib = xcalloc(1, sizeof(*ib));
	ib->db = store_db(st);
	ib->path = store_path(st);
	for (i = 0; i < Q__COUNT; i++)
		if (sqlite3_prepare_v3(ib->db, queries[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &ib->q[i], NULL) != SQLITE_OK) {
			log_err("inbox: %s: unusable database: %s", ib->path,
			    sqlite3_errmsg(ib->db));
			goto fail;
		}
	return ib;
fail:
	inbox_free(ib);
	return NULL;
}

void
inbox_free(struct inbox *ib)
{
	int	i;

	if (ib == NULL)
		return;
	for (i = 0; i < Q__COUNT; i++)
		(void)sqlite3_finalize(ib->q[i]);
	free(ib);
}

/* Whether errno err says a write found no room. */
static bool
no_room(int err)
{
	return err == ENOSPC || err == EFBIG || err == EDQUOT;
}

/*
 * Whether rc says the disk is full, with SQLite's or the system's words
 * in why: SQLITE_FULL (ENOSPC), or an I/O error from a write that could
 * not grow the database or its WAL (EFBIG past a file-size limit, a
 * quota).  SQLite keeps that errno with the file it failed on; a failed
 * COMMIT leaves sqlite3_system_errno() unset.
 */
static bool
disk_full(struct inbox *ib, int rc, char *why, size_t len)
{
	sqlite3_file	*wal = NULL;
	int		 err = 0;

	if ((rc & 0xff) == SQLITE_FULL) {
		(void)snprintf(why, len, "%s", sqlite3_errstr(rc));
		return true;
	}
	if ((rc & 0xff) != SQLITE_IOERR)
		return false;
	if (sqlite3_file_control(ib->db, "main", SQLITE_FCNTL_LAST_ERRNO,
	    &err) != SQLITE_OK || !no_room(err)) {
		err = 0;
		if (sqlite3_file_control(ib->db, "main",
		    SQLITE_FCNTL_JOURNAL_POINTER, &wal) == SQLITE_OK &&
		    wal != NULL && wal->pMethods != NULL &&
		    wal->pMethods->xFileControl(wal, SQLITE_FCNTL_LAST_ERRNO,
		    &err) != SQLITE_OK)
			err = 0;
	}
	if (!no_room(err))
		return false;
	(void)snprintf(why, len, "%s", strerror(err));
	return true;
}

/*
 * Logs a failed statement and remembers what failed: a lock past the
 * busy timeout, a full disk, or the database.
 */
static void
failed(struct inbox *ib, int rc, const char *what)
{
	char	why[128];

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		ib->failure = INBOX_BUSY;
		log_warnx("inbox: %s: %s: the database stayed locked",
		    ib->path, what);
		return;
	}
	if (disk_full(ib, rc, why, sizeof(why))) {
		ib->failure = INBOX_FULL;
		log_err("inbox: %s: %s: the disk is full (%s)", ib->path,
		    what, why);
		return;
	}
	ib->failure = INBOX_ERROR;
	log_err("inbox: %s: %s: %s", ib->path, what, sqlite3_errmsg(ib->db));
}

static int
exec(struct inbox *ib, const char *sql, const char *what)
{
	int	rc;

	if ((rc = sqlite3_exec(ib->db, sql, NULL, NULL, NULL)) != SQLITE_OK) {
		failed(ib, rc, what);
		return -1;
	}
	return 0;
}

/*
 * BEGIN IMMEDIATE takes the write lock first, waiting up to the busy
 * timeout for the booking software, so nothing fails half-way.
 */
static int
begin(struct inbox *ib, const char *what)
{
	ib->failure = INBOX_ERROR;
	return exec(ib, "BEGIN IMMEDIATE", what);
}

static int
commit(struct inbox *ib, const char *what)
{
	if (exec(ib, "COMMIT", what) == -1) {
		rollback(ib);
		return -1;
	}
	return 0;
}

/*
 * SQLite may have rolled back already after a full disk or an I/O error
 * (sqlite3_get_autocommit() tells).  Every statement is reset before
 * this, so no read stays open across it.
 */
static void
rollback(struct inbox *ib)
{
	if (!sqlite3_get_autocommit(ib->db))
		(void)sqlite3_exec(ib->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Steps s once: 1 for a row (left to read), 0 when done, -1 (logged). */
static int
step(struct inbox *ib, sqlite3_stmt *s, const char *what)
{
	int	rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	failed(ib, rc, what);
	return -1;
}

static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* An id, or NULL for 0 (none). */
static int
bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id <= 0)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_int64(s, i, id);
}

static enum inbox_result
outcome(struct inbox *ib)
{
	rollback(ib);
	return ib->failure;
}

const char *
inbox_classification(enum keyword k)
{
	switch (k) {
	case KEYWORD_OPTOUT:
		return "optout";
	case KEYWORD_OPTIN:
		return "optin";
	case KEYWORD_HELP:
		return "help";
	case KEYWORD_MAYBE_OPTOUT:
		return "possible_optout";
	case KEYWORD_NONE:
	default:
		return "reply";
	}
}

/* The patient, treatment and reminder m answers, into res. */
static int
match(struct inbox *ib, const struct inbox_sms *m,
    struct inbox_sms_result *res)
{
	sqlite3_stmt	*s;
	int		 r, ret = -1;

	s = ib->q[Q_PATIENTS];
	if (bind_text(s, 1, m->from) != SQLITE_OK ||
	    (r = step(ib, s, "match a number")) == -1)
		goto out;
	if (r == 1 && sqlite3_column_int64(s, 0) > 0) {
		res->shared_with = sqlite3_column_int64(s, 0) - 1;
		res->patient_id = sqlite3_column_int64(s, 1);
	}
	(void)sqlite3_reset(s);
	if (res->patient_id == 0)
		return 0;

	s = ib->q[Q_LATEST];
	if (bind_text(s, 1, m->from) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, m->now) != SQLITE_OK ||
	    (r = step(ib, s, "find the latest treatment")) == -1)
		goto out;
	if (r == 1) {
		res->patient_id = sqlite3_column_int64(s, 0);
		res->treatment_id = sqlite3_column_int64(s, 1);
	}
	(void)sqlite3_reset(s);
	if (res->treatment_id == 0)
		return 0;

	s = ib->q[Q_ANSWERED];
	if (sqlite3_bind_int64(s, 1, res->treatment_id) != SQLITE_OK ||
	    (r = step(ib, s, "find the reminder answered")) == -1)
		goto out;
	if (r == 1)
		res->reminder_id = sqlite3_column_int64(s, 0);
	ret = 0;
out:
	(void)sqlite3_reset(s);
	return ret;
}

/*
 * Whether to thank them: a reply, and nothing thanked in a day to the
 * patient or the number.  The answer is recorded with the message.
 */
static int
acknowledge(struct inbox *ib, const struct inbox_sms *m,
    struct inbox_sms_result *res)
{
	sqlite3_stmt	*s = ib->q[Q_ACKED];
	int		 r;
	int64_t		 n;

	if (!m->acknowledge || m->keyword != KEYWORD_NONE)
		return 0;
	if (bind_id(s, 1, res->patient_id) != SQLITE_OK ||
	    bind_text(s, 2, m->from) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, m->now - ACK_INTERVAL) != SQLITE_OK ||
	    (r = step(ib, s, "look for an acknowledgement")) == -1) {
		(void)sqlite3_reset(s);
		return -1;
	}
	n = r == 1 ? sqlite3_column_int64(s, 0) : 0;
	(void)sqlite3_reset(s);
	if (n > 0)
		return 0;
	s = ib->q[Q_ACK_SET];
	if (sqlite3_bind_int64(s, 1, res->id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, m->now) != SQLITE_OK ||
	    step(ib, s, "record an acknowledgement") == -1) {
		(void)sqlite3_reset(s);
		return -1;
	}
	(void)sqlite3_reset(s);
	res->acknowledge = true;
	return 0;
}

/* A message heard before: what was recorded of it then. */
static int
sms_seen(struct inbox *ib, const struct inbox_sms *m,
    struct inbox_sms_result *res)
{
	sqlite3_stmt	*s = ib->q[Q_SMS_SEEN];
	int		 r, ret = -1;

	if (bind_text(s, 1, m->provider) != SQLITE_OK ||
	    bind_text(s, 2, m->message_id) != SQLITE_OK ||
	    (r = step(ib, s, "read a message heard before")) == -1)
		goto out;
	if (r == 0) {
		log_err("inbox: %s: a message heard before is gone", ib->path);
		goto out;
	}
	res->id = sqlite3_column_int64(s, 0);
	res->patient_id = sqlite3_column_int64(s, 1);
	res->shared_with = sqlite3_column_int64(s, 2);
	res->treatment_id = sqlite3_column_int64(s, 3);
	res->reminder_id = sqlite3_column_int64(s, 4);
	res->acknowledge = sqlite3_column_int(s, 5) != 0;
	ret = 0;
out:
	(void)sqlite3_reset(s);
	return ret;
}

enum inbox_result
inbox_sms(struct inbox *ib, const struct inbox_sms *m,
    struct inbox_sms_result *res)
{
	sqlite3_stmt	*s;
	bool		 escalate;

	memset(res, 0, sizeof(*res));
	if (begin(ib, "record a message") == -1)
		return outcome(ib);
	if (match(ib, m, res) == -1)
		return outcome(ib);

	/* Staff see replies and requests to stop; keywords are done. */
	escalate = m->escalate && (m->keyword == KEYWORD_NONE ||
	    m->keyword == KEYWORD_MAYBE_OPTOUT);
	s = ib->q[Q_SMS_ADD];
	if (bind_text(s, 1, m->provider) != SQLITE_OK ||
	    bind_text(s, 2, m->message_id) != SQLITE_OK ||
	    bind_text(s, 3, m->from) != SQLITE_OK ||
	    bind_text(s, 4, m->to) != SQLITE_OK ||
	    bind_text(s, 5, m->body) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 6, m->num_media) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 7, m->now) != SQLITE_OK ||
	    bind_id(s, 8, res->patient_id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 9, res->shared_with) != SQLITE_OK ||
	    bind_id(s, 10, res->treatment_id) != SQLITE_OK ||
	    bind_id(s, 11, res->reminder_id) != SQLITE_OK ||
	    bind_text(s, 12, inbox_classification(m->keyword)) != SQLITE_OK ||
	    sqlite3_bind_int(s, 13, m->urgent) != SQLITE_OK ||
	    bind_text(s, 14, escalate ? "pending" : "none") != SQLITE_OK ||
	    (escalate ? sqlite3_bind_int64(s, 15, m->now) :
	    sqlite3_bind_null(s, 15)) != SQLITE_OK ||
	    step(ib, s, "record a message") == -1) {
		(void)sqlite3_reset(s);
		return outcome(ib);
	}
	(void)sqlite3_reset(s);
	if (sqlite3_changes(ib->db) == 0) {
		memset(res, 0, sizeof(*res));
		if (sms_seen(ib, m, res) == -1)
			return outcome(ib);
		rollback(ib);
		return INBOX_DUPLICATE;
	}
	res->id = sqlite3_last_insert_rowid(ib->db);

	if (m->keyword == KEYWORD_OPTOUT) {
		s = ib->q[Q_OPTOUT];
		if (bind_text(s, 1, m->from) != SQLITE_OK ||
		    bind_id(s, 2, res->reminder_id) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 3, m->now) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 4, res->id) != SQLITE_OK ||
		    step(ib, s, "record an opt-out") == -1) {
			(void)sqlite3_reset(s);
			return outcome(ib);
		}
		(void)sqlite3_reset(s);
	} else if (m->keyword == KEYWORD_OPTIN) {
		s = ib->q[Q_OPTIN];
		if (bind_text(s, 1, m->from) != SQLITE_OK ||
		    step(ib, s, "record an opt-in") == -1) {
			(void)sqlite3_reset(s);
			return outcome(ib);
		}
		(void)sqlite3_reset(s);
	}
	if (acknowledge(ib, m, res) == -1 ||
	    commit(ib, "record a message") == -1)
		return outcome(ib);
	return INBOX_WRITTEN;
}

/* The reminder r is about, and its delivery state; *id 0 if none. */
static int
receipt_reminder(struct inbox *ib, const struct inbox_receipt *r,
    int64_t *id, enum delivery *state)
{
	sqlite3_stmt		*s;
	const unsigned char	*v;
	int			 rc, ret = -1;

	*id = 0;
	*state = DELIVERY_NONE;
	if (r->reminder_id > 0) {
		s = ib->q[Q_BY_ID];
		if (sqlite3_bind_int64(s, 1, r->reminder_id) != SQLITE_OK)
			goto out;
	} else if (r->message_id != NULL && *r->message_id != '\0') {
		s = ib->q[Q_BY_PROVIDER_ID];
		if (bind_text(s, 1, r->message_id) != SQLITE_OK)
			goto out;
	} else
		return 0;
	if (bind_text(s, 2, r->channel) != SQLITE_OK ||
	    (rc = step(ib, s, "find a receipt's reminder")) == -1)
		goto out;
	if (rc == 1) {
		*id = sqlite3_column_int64(s, 0);
		v = sqlite3_column_text(s, 1);
		/* A state this build does not know of counts as none. */
		if (v != NULL && delivery_parse((const char *)v, state) == -1)
			*state = DELIVERY_NONE;
	}
	ret = 0;
out:
	(void)sqlite3_reset(s);
	return ret;
}

/* One receipt, inside inbox_receipts()'s transaction. */
static int
receipt_one(struct inbox *ib, const struct inbox_receipt *r,
    struct inbox_receipts_result *res)
{
	sqlite3_stmt	*s;
	enum delivery	 old, next;
	int64_t		 id;

	if (receipt_reminder(ib, r, &id, &old) == -1)
		return -1;
	s = ib->q[Q_RECEIPT_ADD];
	if (bind_text(s, 1, r->provider) != SQLITE_OK ||
	    bind_text(s, 2, r->receipt_id) != SQLITE_OK ||
	    bind_id(s, 3, id) != SQLITE_OK ||
	    bind_text(s, 4, r->event) != SQLITE_OK ||
	    bind_text(s, 5, r->error) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 6, r->now) != SQLITE_OK ||
	    step(ib, s, "record a receipt") == -1) {
		(void)sqlite3_reset(s);
		return -1;
	}
	(void)sqlite3_reset(s);
	if (sqlite3_changes(ib->db) == 0) {
		res->duplicates++;
		return 0;
	}
	res->written++;
	if (id == 0)
		res->unmatched++;

	if (id != 0 && r->has_state &&
	    (next = delivery_advance(old, r->state)) != old) {
		s = ib->q[Q_DELIVERY_SET];
		if (sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
		    bind_text(s, 2, delivery_name(next)) != SQLITE_OK ||
		    bind_text(s, 3, r->error) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 4, r->now) != SQLITE_OK ||
		    step(ib, s, "record a delivery state") == -1) {
			(void)sqlite3_reset(s);
			return -1;
		}
		(void)sqlite3_reset(s);
		res->advanced++;
	}

	if (r->address_effect == INBOX_ADDRESS_NONE || r->address == NULL ||
	    *r->address == '\0')
		return 0;
	if (r->address_effect == INBOX_ADDRESS_OPTOUT) {
		s = ib->q[Q_EMAIL_OPTOUT];
		if (bind_text(s, 1, r->address) != SQLITE_OK ||
		    bind_text(s, 2, r->event) != SQLITE_OK ||
		    bind_id(s, 3, id) != SQLITE_OK ||
		    bind_text(s, 4, r->receipt_id) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 5, r->now) != SQLITE_OK ||
		    step(ib, s, "record an email opt-out") == -1) {
			(void)sqlite3_reset(s);
			return -1;
		}
	} else {
		s = ib->q[Q_EMAIL_BOUNCE];
		if (bind_text(s, 1, r->address) != SQLITE_OK ||
		    bind_text(s, 2, r->event) != SQLITE_OK ||
		    bind_text(s, 3, r->status) != SQLITE_OK ||
		    bind_id(s, 4, id) != SQLITE_OK ||
		    bind_text(s, 5, r->receipt_id) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 6, r->now) != SQLITE_OK ||
		    step(ib, s, "record a bounce") == -1) {
			(void)sqlite3_reset(s);
			return -1;
		}
	}
	(void)sqlite3_reset(s);
	return 0;
}

enum inbox_result
inbox_receipts(struct inbox *ib, const struct inbox_receipt *r, size_t n,
    struct inbox_receipts_result *res)
{
	size_t	i;

	memset(res, 0, sizeof(*res));
	if (begin(ib, "record receipts") == -1)
		return outcome(ib);
	for (i = 0; i < n; i++)
		if (receipt_one(ib, &r[i], res) == -1) {
			memset(res, 0, sizeof(*res));
			return outcome(ib);
		}
	if (res->written == 0) {
		rollback(ib);
		return INBOX_DUPLICATE;
	}
	if (commit(ib, "record receipts") == -1) {
		memset(res, 0, sizeof(*res));
		return outcome(ib);
	}
	return INBOX_WRITTEN;
}
