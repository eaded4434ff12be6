/* store.h: the SQLite database: schema, reminders, and what the staff query. */
#ifndef AFTERCARE_STORE_H
#define AFTERCARE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "delivery.h"

struct config;
struct store;

/*
 * struct store is opaque, and SQLite is its only backend.  A second
 * backend (another database) would implement these, with the contracts
 * written below:
 *
 *   open         store_open, store_close, store_path
 *   one sender   store_lock, store_locked, store_recover
 *   changes      store_watch, store_watch_read, store_changed
 *   planning     store_sync, store_sync_some (plan.c decides what should
 *                exist; the backend makes it so)
 *   sending      store_claim_due, store_treatment_reminders,
 *                store_mark_sent, store_mark_retry, store_mark_failed,
 *                store_mark_cancelled, store_release,
 *                store_lookups_due, store_lookup_next,
 *                store_lookup_record,
 *                store_outcomes_begin, store_outcomes_end,
 *                store_optout_add, store_optout_has, store_next_wakeup,
 *                store_busy_timeout, store_heartbeat, store_failed_since,
 *                store_replies_count
 *   escalating   store_claim_escalations, store_escalation_sent,
 *                store_escalation_retry, store_escalation_failed,
 *                store_escalation_release, store_next_escalation
 *   dry run      store_preview_begin, store_preview_end
 *   staff        store_patient_add, store_treatment_add,
 *                store_treatment_cancel, store_patient_consent,
 *                store_reminders_list, store_patient_history,
 *                store_status, store_patient_known,
 *                store_treatment_exists, store_patients_list,
 *                store_treatments_list, store_patient_messages,
 *                store_replies_list, store_reply_done
 *
 * store_reminders_free(), store_escalations_free(), store_lookups_free()
 * and store_state_valid() serve any backend; store_plans_check() reads
 * SQLite's query plans, and store_reprepares() counts their replanning,
 * for tests.  store_db() hands SQLite's connection
 * to inbox.c, aftercare-inbound's writes, which keeps its own statements:
 * a second backend would need its own inbox.
 */

/* The schema this build writes and reads (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION	9

/*
 * How long a connection waits for another writer (the booking software)
 * before a statement gives up with SQLITE_BUSY.  A pass that gives up is
 * simply tried again later: nothing is lost.
 */
#define STORE_BUSY_TIMEOUT_MS	5000

/* store_open() flags */
#define STORE_CREATE	0x01	/* create the file and schema (init) */

/*
 * A reminder claimed for sending, with what the booking software says
 * about its treatment and patient at the time of the claim.  Owns its
 * strings; free an array of them with store_reminders_free().
 */
struct reminder {
	int64_t	 id;
	int64_t	 treatment_id;
	char	*milestone;
	char	*channel;		/* "sms" or "email" */
	time_t	 due_at;
	time_t	 expires_at;
	int	 attempts;		/* including the one just claimed */
	char	*idempotency_key;

	bool	 treatment_found;
	int64_t	 patient_id;
	char	*kind;
	char	*performed_at;
	char	*status;

	bool	 patient_found;
	char	*full_name;
	char	*phone;
	char	*email;
	char	*timezone;
	bool	 sms_opt_in;
	bool	 email_opt_in;
	char	*language;		/* BCP 47, or NULL */

	char	*state;			/* "sending" when claimed */
	time_t	 sent_at;		/* 0 if not sent */
	char	*last_error;		/* NULL if none */

	/* An email standing in for an undelivered SMS: that SMS's id; or 0. */
	int64_t	 fallback_for;
	/* The patient's address unsubscribed (or reported spam); bounced. */
	bool	 email_unsubscribed;
	bool	 email_bounced;
	char	*delivery_state;	/* delivery_name()'s; NULL: no word */
	char	*delivery_error;	/* the provider's code, or NULL */
	time_t	 delivery_at;		/* 0 if no word */
};

/* A row of `aftercarectl reminders`; borrowed for the callback's duration. */
struct reminder_row {
	int64_t		 id;
	int64_t		 treatment_id;
	int64_t		 patient_id;	/* -1 if the treatment is gone */
	const char	*milestone;
	const char	*channel;
	const char	*state;
	time_t		 due_at;
	time_t		 next_attempt_at;
	time_t		 sent_at;	/* 0 if not sent */
	int		 attempts;
	const char	*last_error;	/* "" if none */
	const char	*provider_id;	/* "" if none */
	const char	*delivery_state; /* delivery_name()'s, "" if no word */
	const char	*delivery_error; /* the provider's code, or "" */
	time_t		 delivery_at;	/* 0 if no word */
	int64_t		 fallback_for;	/* the SMS an email stands in for; 0 */
};

/*
 * A row of `aftercarectl patient list`, as the booking software wrote it;
 * borrowed for the callback's duration.  The phone number and address are
 * there to be checked, never to be shown.
 */
struct patient_row {
	int64_t		 id;
	const char	*phone;		/* NULL if none */
	const char	*email;		/* NULL if none */
	const char	*timezone;	/* NULL if none */
	const char	*language;	/* NULL if none */
	/* Consent as a claim reads it: NULL is none. */
	bool		 sms_opt_in;
	bool		 email_opt_in;
	/* The address unsubscribed (or reported spam); bounced. */
	bool		 email_unsubscribed;
	bool		 email_bounced;
};

/*
 * A row of `aftercarectl treatment list`, as the booking software wrote
 * it; borrowed for the callback's duration.
 */
struct treatment_row {
	int64_t		 id;
	int64_t		 patient_id;	/* -1 if not an integer */
	const char	*kind;		/* NULL if none */
	const char	*performed_at;	/* NULL if none */
	const char	*status;	/* NULL if none */
	const char	*timezone;	/* the patient's; NULL if none */
};

/* A treatment that cannot get reminders, and why. */
struct treatment_problem {
	int64_t	 treatment_id;
	char	 problem[256];
};

/*
 * A patient's message to the clinic (inbound_messages), as `aftercarectl
 * history` and `replies` show it; borrowed for the callback's duration.
 */
struct message_row {
	int64_t		 id;
	time_t		 received_at;
	const char	*provider_message_id;
	const char	*classification;	/* reply, optout, optin, help,
						   possible_optout */
	const char	*body;			/* the patient's words */
	int64_t		 patient_id;		/* -1: no patient's number */
	int64_t		 shared_with;		/* other patients with it */
	int64_t		 treatment_id;		/* -1: none */
	int64_t		 reminder_id;		/* -1: none */
	bool		 urgent;
	long		 num_media;
	const char	*escalation;		/* none, pending, sending,
						   sent, failed */
	int		 escalation_attempts;
	const char	*escalation_error;	/* "" if none */
	time_t		 escalation_next_at;	/* 0 if none */
	time_t		 escalated_at;		/* 0: not (yet) */
	time_t		 acknowledged_at;	/* 0: not */
	time_t		 handled_at;		/* 0: open */
};

/*
 * A patient's message claimed to be escalated to staff (inbound.
 * escalate_to), with what the database says of its patient, treatment
 * and reminder at the claim.  Owns its strings; free an array of them
 * with store_escalations_free().
 */
struct escalation {
	int64_t	 id;			/* inbound_messages.id: the reply */
	time_t	 received_at;
	char	*from;			/* the number it came from */
	char	*body;			/* the patient's words */
	long	 num_media;		/* photos, left at the provider */
	bool	 possible_optout;	/* it may ask to stop the texts */
	bool	 urgent;
	int	 attempts;		/* including the one just claimed */
	int64_t	 patient_id;		/* 0: no patient has the number */
	char	*full_name;		/* NULL: none, or the patient is gone */
	char	*timezone;		/* the patient's, or NULL */
	int64_t	 shared_with;		/* other patients with the number */
	int64_t	 treatment_id;		/* 0: none */
	char	*kind;			/* NULL: none, or the treatment is gone */
	char	*performed_at;
	int64_t	 reminder_id;		/* the SMS it answers; 0: none */
	char	*milestone;		/* NULL: none, or the reminder is gone */
	time_t	 reminder_sent_at;	/* 0: not known */
};

/* Patients' replies, for the staff's attention. */
struct store_replies {
	int64_t	 open;			/* not marked handled */
	int64_t	 urgent;		/* of them, urgent */
	int64_t	 waiting;		/* to be emailed to staff */
	int64_t	 failed;		/* not emailed: gave up */
};

/* Reminders not delivered in the last day, of one channel, state and error. */
struct store_undelivered {
	char	 channel[8];
	char	 state[16];	/* failed, undelivered, dropped, bounced */
	char	 error[32];	/* the provider's code or reason, or "" */
	int64_t	 n;
};

struct store_status {
	int64_t	 pending, sending, sent, failed, cancelled, expired;
	struct store_replies replies;
	time_t	 next_due;		/* 0 if nothing pending */
	time_t	 oldest_pending;	/* earliest due time still pending, or 0 */
	time_t	 last_sent;		/* the last successful send, or 0 */
	int64_t	 failed_24h;		/* reminders failed in the last day */
	time_t	 heartbeat;		/* the daemon's last sign of life, or 0 */
	int64_t	 queued_changes;	/* treatment changes not yet looked at */
	int64_t	 nproblems;
	struct treatment_problem problems[10];	/* the first ones */
	int64_t	 email_only;		/* patients with an email, no phone */
	/* Reminders by delivery state (enum delivery), as providers said. */
	int64_t	 delivery[DELIVERY_BOUNCED + 1];
	/*
	 * Reminders the providers could not deliver (failed, undelivered,
	 * dropped, bounced) in the last day, and the most common kinds.
	 */
	int64_t	 undelivered_24h;
	struct store_undelivered undelivered[10];
	size_t	 nundelivered;
};

/*
 * Opens the database at path.  Without STORE_CREATE the file must exist
 * and carry our schema (an older one is migrated, a newer one refused);
 * a missing, unreadable, locked or damaged file is refused with one line
 * on stderr naming the file and the reason.  Returns NULL on failure.
 */
struct store	*store_open(const char *path, int flags);
void		 store_close(struct store *st);

/* The path the store was opened with (borrowed). */
const char	*store_path(const struct store *st);

/*
 * Takes the database's instance lock, held until store_close(): only one
 * aftercared may send from a database, so that whatever is claimed when
 * it starts was claimed by a run that died (see store_recover()).
 * Returns 0, or -1 (logged: another process holds it, or it cannot be
 * taken).
 */
int	store_lock(struct store *st);
/* True if a process (an aftercared) holds the database's instance lock. */
bool	store_locked(const struct store *st);

/*
 * The connection, for a module that keeps statements of its own on the
 * tables it writes (inbox.c); borrowed, closed by store_close().
 */
struct sqlite3	*store_db(struct store *st);

/*
 * Turns queued treatment changes into reminders, per cfg's milestones:
 * creates missing ones, moves unsent ones when a treatment moves, cancels
 * unsent ones of cancelled or deleted treatments, and records treatments
 * whose performed_at cannot be read (warning once).  If cfg's plan differs
 * from the one last applied, every treatment is looked at again first.
 * Sets *changed (may be NULL) to the number of treatments looked at.
 * Returns 0, or -1 (logged).
 */
int	store_sync(struct store *st, const struct config *cfg, time_t now,
	    size_t *changed);
/*
 * As store_sync(), but stops after about limit treatments (0: all), so
 * that a caller can look up between calls; *changed < limit means the
 * queue is empty.
 */
int	store_sync_some(struct store *st, const struct config *cfg, time_t now,
	    size_t limit, size_t *changed);

/*
 * Puts every claimed reminder back to pending, due at once.  Only for a
 * sender that knows it is the only one (aftercared holds the instance
 * lock): whatever is claimed was claimed by a run that died.  Returns 0,
 * or -1 (logged).
 */
int	store_recover(struct store *st, time_t now);

/*
 * Claims up to max reminders due at now on channel ("sms", "email"): each
 * is marked sending (with a
 * lease_until for people to read) before it is sent; r->attempts is the
 * number the attempt about to be made will have.
 * Reminders past their validity window are marked expired instead.
 * Returns 0 with a new array in *out (free with store_reminders_free()),
 * or -1 (logged) with nothing claimed.
 */
int	store_claim_due(struct store *st, time_t now, time_t lease_until,
	    size_t max, const char *channel, struct reminder **out, size_t *n);
void	store_reminders_free(struct reminder *r, size_t n);

/*
 * Every reminder of a treatment, in any state, by due time, with what the
 * booking software says of the treatment and patient (for a preview).
 * Returns 0 with a new array (free with store_reminders_free()), or -1
 * (logged).
 */
int	store_treatment_reminders(struct store *st, int64_t treatment_id,
	    struct reminder **out, size_t *n);

/* Who cancels a claimed reminder, and whether it can come back. */
enum store_cancel {
	STORE_CANCEL_DAEMON,	/* unsendable (cancelled_by 'daemon'): for good */
	STORE_CANCEL_OPTOUT,	/* the patient opted out: back on opt-in */
	STORE_CANCEL_STOP	/* the number replied STOP: back on START */
};

/*
 * Outcomes of a claimed reminder.  Each returns 0, or -1 (logged) if the
 * database could not take it now (locked, full): the caller keeps the
 * outcome and tries again.  A reminder no longer claimed is left alone.
 * An attempt is counted when its outcome is recorded: a sent reminder
 * counts one, a retry or failure one if it was `attempted` (the request
 * reached the gateway); a claim, a cancel or a release counts none.  A
 * reminder cancelled for an opt-out or a STOP (`by`) is restored when
 * the next sync finds the patient may be sent to again.
 */
int	store_mark_sent(struct store *st, int64_t id, time_t now,
	    const char *provider_id);
int	store_mark_retry(struct store *st, int64_t id, time_t now,
	    time_t next_attempt, const char *error, bool attempted);
int	store_mark_failed(struct store *st, int64_t id, time_t now,
	    const char *error, bool attempted);
int	store_mark_cancelled(struct store *st, int64_t id, time_t now,
	    const char *reason, enum store_cancel by);

/*
 * Wraps the outcomes that follow in one transaction, so that a round of
 * answers costs one commit: store_outcomes_end() commits it (keep), or
 * rolls it all back (the caller holds the outcomes and tries again).
 * Each returns 0, or -1 (logged; nothing of it was written).
 */
int	store_outcomes_begin(struct store *st);
int	store_outcomes_end(struct store *st, bool keep);

/*
 * Gives back a claimed reminder that was not sent after all (we are
 * stopping): pending again, due at once.  Returns 0, or -1 (logged).
 */
int	store_release(struct store *st, int64_t id, time_t now);

/*
 * Records that the owner of an E.164 number unsubscribed at the gateway
 * (replied STOP), learned from reminder_id; no SMS goes to it until it
 * is taken off the list (the patient's START, written by
 * aftercare-inbound), and the next sync withholds the unsent ones.
 * Returns 0, or -1 (logged).
 */
int	store_optout_add(struct store *st, const char *phone,
	    int64_t reminder_id, time_t now);
/* Sets *has if the number unsubscribed.  Returns 0, or -1 (logged). */
int	store_optout_has(struct store *st, const char *phone, bool *has);

/*
 * Claims up to max patients' messages whose escalation is due at now:
 * each is marked sending before it is emailed to staff; e->attempts is
 * the number the attempt about to be made will have.  store_recover()
 * gives back what a run that died had claimed.  Returns 0 with a new
 * array in *out (free with store_escalations_free()), or -1 (logged)
 * with nothing claimed.
 */
int	store_claim_escalations(struct store *st, time_t now, size_t max,
	    struct escalation **out, size_t *n);
void	store_escalations_free(struct escalation *e, size_t n);

/*
 * Outcomes of a claimed escalation, counted and written as a reminder's
 * are (store_mark_sent() and the rest): each returns 0, or -1 (logged)
 * if the database could not take it now.  A failed one stays failed, for
 * the staff to see (aftercarectl replies, status).
 */
int	store_escalation_sent(struct store *st, int64_t id, time_t now);
int	store_escalation_retry(struct store *st, int64_t id, time_t now,
	    time_t next_attempt, const char *error, bool attempted);
int	store_escalation_failed(struct store *st, int64_t id, time_t now,
	    const char *error, bool attempted);
int	store_escalation_release(struct store *st, int64_t id, time_t now);

/*
 * The earliest instant at which an escalation is due; *next is 0 if none
 * is.  Returns 0, or -1 (logged).
 */
int	store_next_escalation(struct store *st, time_t *next);

/*
 * A Twilio SMS to look up: sent, with no final delivery state, never
 * looked up.  Owns its strings; free an array with store_lookups_free().
 */
struct lookup {
	int64_t	 id;
	char	*provider_id;
};

/*
 * Up to max SMS reminders sent from since to until, with no final
 * delivery state (none, queued or sent), not looked up yet: oldest
 * first.  Returns 0 with a new array in *out, or -1 (logged).
 */
int	store_lookups_due(struct store *st, time_t since, time_t until,
	    size_t max, struct lookup **out, size_t *n);
void	store_lookups_free(struct lookup *l, size_t n);
/*
 * When the first SMS sent since then that store_lookups_due() would
 * give was sent; 0 if none.  Returns 0, or -1 (logged).
 */
int	store_lookup_next(struct store *st, time_t since, time_t *sent);
/*
 * Records that reminder id was looked up at now, and what the provider
 * said (state NULL: nothing of its delivery, error its code or NULL):
 * the delivery state moves forward only (delivery_advance()), taking
 * that error with it.  Sets *moved (may be NULL) to the state it moved
 * to, or DELIVERY_NONE.  Returns 0, or -1 (logged; not recorded).
 */
int	store_lookup_record(struct store *st, int64_t id, time_t now,
	    const enum delivery *state, const char *error,
	    enum delivery *moved);

/*
 * The earliest instant at which there is work on channel (NULL: any): a
 * pending reminder's next attempt.  *next is 0 if there is none.  Returns
 * 0, or -1 (logged).
 */
int	store_next_wakeup(struct store *st, const char *channel, time_t *next);

/*
 * How long a statement waits for another writer before it gives up.
 * Returns 0, or -1 (logged).
 */
int	store_busy_timeout(struct store *st, int ms);

/*
 * Starts watching for other programs' writes: from now on, store_changed()
 * tells whether they committed.  Sets *fd to a descriptor that poll()
 * finds readable after a write to the database's files (the store's own
 * included; closed by store_close()), or to -1 if they cannot be watched
 * (logged): then only looking again later finds changes.  Returns 0, or
 * -1 (logged) if the database cannot be read.
 */
int	store_watch(struct store *st, int *fd);
/*
 * Reads what woke the watch: true if any of it was a write to the
 * database, false if none was (or there is no watch).
 */
bool	store_watch_read(struct store *st);
/*
 * Whether another connection committed since the last look (1) or not
 * (0), or -1 (logged).  A write seen by the watch may belong to a commit
 * not yet visible: while another connection is in the middle of a write,
 * *retry_ms (not changed on error) says to look again after that long,
 * longer each time while the write lasts; 0 otherwise.
 */
int	store_changed(struct store *st, int *retry_ms);

/*
 * Wraps what follows in a transaction that store_preview_end() rolls
 * back, so that a dry run can do a pass and change nothing.
 */
int	store_preview_begin(struct store *st);
int	store_preview_end(struct store *st);

/* Staff operations.  Each returns 0, or -1 with a reason in err. */
int	store_patient_add(struct store *st, const char *full_name,
	    const char *phone, const char *email, const char *timezone,
	    const char *language, int64_t *id, char *err, size_t errlen);
int	store_treatment_add(struct store *st, int64_t patient_id,
	    const char *performed_at, const char *kind, int64_t *id,
	    char *err, size_t errlen);
int	store_treatment_cancel(struct store *st, int64_t id, char *err,
	    size_t errlen);
/*
 * Records a patient's consent on a channel ("sms" or "email"); their
 * unsent reminders on it are cancelled or restored by the next
 * store_sync(), as when the booking software changes the column.
 */
int	store_patient_consent(struct store *st, int64_t id,
	    const char *channel, bool opt_in, char *err, size_t errlen);

/*
 * Calls fn for each reminder in state (NULL for all), ordered by due time.
 * Returns 0, or -1 (logged).
 */
int	store_reminders_list(struct store *st, const char *state,
	    void (*fn)(void *arg, const struct reminder_row *row), void *arg);

/* Fills *s as of now.  Returns 0, or -1 (logged). */
int	store_status(struct store *st, time_t now, struct store_status *s);
/* Fills *r alone (as store_status() does).  Returns 0, or -1 (logged). */
int	store_replies_count(struct store *st, struct store_replies *r);

/*
 * Calls fn for every reminder of the patient's treatments, by due time.
 * Returns 0, or -1 (logged).
 */
int	store_patient_history(struct store *st, int64_t patient_id,
	    void (*fn)(void *arg, const struct reminder_row *row), void *arg);

/*
 * Calls fn for every message the patient sent the clinic (keywords
 * included), oldest first.  Returns 0, or -1 (logged).
 */
int	store_patient_messages(struct store *st, int64_t patient_id,
	    void (*fn)(void *arg, const struct message_row *row), void *arg);

/*
 * Calls fn for every reply (a message for the staff: not a keyword), or
 * every open one (not marked handled), newest first.  Returns 0, or -1
 * (logged).
 */
int	store_replies_list(struct store *st, bool open_only,
	    void (*fn)(void *arg, const struct message_row *row), void *arg);

/*
 * Marks reply id handled at now, unless it already was: then *handled is
 * when (else 0).  Returns 0, or -1 with a reason in err ("no reply with
 * id 9").
 */
int	store_reply_done(struct store *st, int64_t id, time_t now,
	    time_t *handled, char *err, size_t errlen);

/*
 * Sets *known if patient id is in patients, or a treatment names them (a
 * patient the booking software deleted, whose treatments are still
 * there).  Returns 0, or -1 (logged).
 */
int	store_patient_known(struct store *st, int64_t id, bool *known);

/* Sets *exists if treatment id is in treatments.  Returns 0, or -1 (logged). */
int	store_treatment_exists(struct store *st, int64_t id, bool *exists);

/* Calls fn for every patient, by id.  Returns 0, or -1 (logged). */
int	store_patients_list(struct store *st,
	    void (*fn)(void *arg, const struct patient_row *row), void *arg);

/*
 * Calls fn for every treatment of patient_id (0: of everyone), by id.
 * Returns 0, or -1 (logged).
 */
int	store_treatments_list(struct store *st, int64_t patient_id,
	    void (*fn)(void *arg, const struct treatment_row *row), void *arg);

/* Sets *n to the reminders failed since then.  Returns 0, or -1 (logged). */
int	store_failed_since(struct store *st, time_t since, int64_t *n);

/*
 * Records that the daemon is alive at now, for `aftercarectl status`.
 * Returns 0, or -1 (logged).
 */
int	store_heartbeat(struct store *st, time_t now);

/*
 * For tests: whether every statement a pass runs reads through an index
 * (SQLite's query plans), never all reminders or all of a state's, so
 * that a pass costs O(log n) in the reminders; and so does each look-up
 * of a patient's or treatment's by id.  Returns 0, or -1 naming the
 * first that does not in err.
 */
int	store_plans_check(struct store *st, char *err, size_t errlen);

/*
 * How many times SQLite has planned the store's statements again since
 * they were prepared (a binding that changes a plan, a schema change);
 * for tests: 0 in a steady pass.
 */
int64_t	store_reprepares(struct store *st);

/* True if state names a reminder state. */
bool	store_state_valid(const char *state);

#endif
