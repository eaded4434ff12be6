/* SPDX-License-Identifier: MIT */
/* daemon.c: the delivery loop: claim due reminders, send, record, sleep. */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "compose.h"
#include "config.h"
#include "daemon.h"
#include "delivery.h"
#include "gateway.h"
#include "log.h"
#include "metrics.h"
#include "phone.h"
#include "plan.h"
#include "preview.h"
#include "schedule.h"
#include "sd.h"
#include "store.h"
#include "util.h"

/*
 * The longest the daemon sleeps without looking at the database when it
 * cannot watch it (store_watch()); rows written by the booking software
 * are picked up within this time.  With the watch, a commit wakes it at
 * once, and it looks anyway every IDLE_WATCHED_SECS.
 */
#define IDLE_CHECK_SECS	5
#define IDLE_WATCHED_SECS	60

/* How often the daemon records that it is alive, for aftercarectl status. */
#define HEARTBEAT_SECS	60

/* Treatments synced between two looks at the signals and the watchdog. */
#define SYNC_PER_LOOK	4096

/*
 * The most a rate-limited channel's batch lasts, in seconds: the other
 * channel's turn comes at least this often.
 */
#define BATCH_PACED_SECS	5

/* Reminders claimed per batch, per unit of concurrency. */
#define CLAIM_PER_SLOT	8

/*
 * Held outcomes written per transaction: one after another, each paced by
 * the store, rather than one commit each at once (which would keep the
 * booking software out).
 */
#define FLUSH_PER_COMMIT	64

/* The database's busy timeout while transfers are in flight. */
#define SEND_BUSY_TIMEOUT_MS	100

/* Twilio SMS looked up at once, at most. */
#define LOOKUP_BATCH	64

/*
 * SMS sent longer than this before delivery.lookup_after are not looked
 * up: those sent before there was a receiver to hear their callbacks.
 */
#define LOOKUP_HORIZON	((time_t)7 * 86400)

struct daemon {
	const struct daemon_opts *opts;
	struct config	*cfg;
	struct store	*st;
	struct gateway	*gw[CHANNEL__COUNT];	/* NULL: no provider */
	int		 sigfd;
	int		 watchfd;	/* the store's watch, or -1 */
	int		 settle_ms;	/* a writer is at work: look again
					   after this long; 0 if none */
	bool		 stopping;
	unsigned	 stops;		/* SIGTERMs and SIGINTs received */
	bool		 reload;
	bool		 resync;	/* a STOP was learnt: sync again */

	/*
	 * While a channel's gateway is in trouble (429, 5xx, unreachable),
	 * nothing is sent on it before paused_until: one probe then, not one
	 * request per reminder.  gw_failures counts troubles in a row, for
	 * the backoff.
	 */
	time_t		 paused_until[CHANNEL__COUNT];
	int		 gw_failures[CHANNEL__COUNT];
	time_t		 last_beat;	/* heartbeat last written */

	struct sd	 sd;		/* systemd: the watchdog, STATUS= */

	struct metrics	 metrics;	/* for the Prometheus text file */

	/* Outcomes the database could not take yet, oldest first. */
	struct record	*unrecorded;
	size_t		 nunrecorded;

	/* The answers of the gateway's current round, written together. */
	struct record	*round;
	size_t		 nround;
};

/*
 * What happened to a claimed reminder, to be written to the database.
 * Kept in memory while the database refuses it (locked, disk full): a
 * reminder the gateway accepted must never be sent again just because we
 * could not write that down at once.
 */
struct record {
	enum {
		REC_SENT,
		REC_RETRY,		/* pending again at `next` */
		REC_FAILED,
		REC_CANCELLED,
		REC_OPTED_OUT,		/* cancelled: the patient opted out */
		REC_STOPPED,		/* cancelled: the number replied STOP */
		REC_RELEASE		/* never started: pending, not counted */
	}		 kind;
	int64_t		 id;
	bool		 escalation;	/* id is a reply's, escalated to staff */
	time_t		 now;
	time_t		 next;
	bool		 attempted;	/* the request reached the gateway */
	char		 text[384];	/* provider id, error or reason */
	/* The number replied STOP: recorded with the outcome (never logged). */
	char		 stop[PHONE_E164_MAX];
};

/*
 * The batch in flight: reminders of one channel claimed together, and
 * for email the patients' replies to escalate to staff, which go first;
 * and the messages made of those that are to go.  The gateway's
 * callbacks get it.
 */
struct batch {
	struct daemon	*d;
	enum channel	 ch;
	time_t		 now;		/* the pass's time */
	struct escalation *esc;		/* replies to escalate (email) */
	size_t		 nesc;
	struct reminder	*claimed;
	size_t		 nclaimed;
	struct message	*msgs;		/* the escalations', then reminders' */
	size_t		 nmsgs;
	size_t		 nesc_msgs;	/* msgs[i < this] are escalations */
	size_t		*msg_reminder;	/* msgs[i] is of claimed[this[i]], or
					   of esc[this[i]] */
	struct composed	*composed;	/* what msgs[i] points into */
	char		(*keys)[48];	/* escalations' idempotency keys */
	bool		*reported;	/* the gateway answered msgs[i] */
	/* Look-ups instead: msgs[i] asks after looked[i]. */
	struct lookup	*looked;
	size_t		 nlooked;
	size_t		 failures;	/* found failed or undelivered */
	bool		 unrecorded;	/* the database refused one */
};

static time_t	daemon_now(const struct daemon *);
static void	report_status(struct daemon *);
static void	count_result(struct daemon *, enum channel,
		    const struct send_result *);
static bool	escalating(const struct daemon *, enum channel);
static int	next_work(struct daemon *, bool, time_t *);
static int	watch(struct daemon *);
static int	gateways_new(const struct config *, struct gateway **);
static void	write_metrics(struct daemon *);
static int	signals_open(void);
static bool	signals_read(void *);
static void	reload(struct daemon *);
static int	pass(struct daemon *, time_t);
static int	pass_run(struct daemon *, time_t);
static size_t	claim_size(const struct daemon *, enum channel);
static int	batch_claim(struct batch *, struct daemon *, enum channel,
		    time_t, size_t);
static bool	batch_filter(struct batch *, const struct reminder *,
		    enum compose_result, const struct composed *);
static void	batch_compose_escalations(struct batch *);
static void	batch_compose(struct batch *);
static bool	batch_event(void *);
static void	batch_round(void *);
static int	batch_send(struct batch *);
static void	batch_clear(struct batch *);
static int	send_batch(struct daemon *, time_t, enum channel, size_t *);
static void	sent_one(void *, size_t, const struct send_result *);
static void	escalated_one(struct batch *, const struct escalation *,
		    const struct send_result *);
static bool	lookups_on(const struct daemon *);
static void	looked_up(void *, size_t, const struct send_result *);
static int	lookup_batch(struct daemon *, time_t, size_t *, size_t *);
static int	wait_signal(struct daemon *, int64_t);
static void	beat(struct daemon *);
static int	sleep_until_work(struct daemon *);
static int	finish(struct daemon *);
static int	run_once(struct daemon *);
static void	outcome_text(struct record *, int, int64_t, time_t,
		    const char *);
static int	write_outcome(struct store *, const struct record *);
static int	flush_unrecorded(struct daemon *);
static void	round_add(struct daemon *, const struct record *);
static void	round_write(void *);
static int64_t	retry_delay(const struct daemon *, int,
		    const struct send_result *);
static void	pause_gateway(struct daemon *, enum channel,
		    const struct send_result *);

static time_t
daemon_now(const struct daemon *d)
{
	return d->opts->fixed_now ? d->opts->now : time(NULL);
}

/*
 * Tells systemd, in one line, what we are doing:
 * "next reminder due 2026-11-25 09:00 UTC; 0 failed in 24 h; 1 reply
 * open, 1 urgent"; sent only when it changes.
 */
static void
report_status(struct daemon *d)
{
	struct store_replies	 r;
	char			 text[SD_STATUS_MAX];
	time_t			 t, now = time(NULL);
	int64_t			 failed;
	enum channel		 ch;

	if (next_work(d, false, &t) == -1 ||
	    store_failed_since(d->st, now - 86400, &failed) == -1 ||
	    store_replies_count(d->st, &r) == -1)
		return;
	ch = d->paused_until[CHANNEL_SMS] > now ? CHANNEL_SMS : CHANNEL_EMAIL;
	sd_status_format(text, sizeof(text), t, failed,
	    d->paused_until[ch] > now ? (ch == CHANNEL_SMS ? "SMS" : "email") :
	    NULL, d->paused_until[ch], r.open, r.urgent, r.failed);
	sd_status(&d->sd, text);
}

/*
 * SIGTERM, SIGINT and SIGHUP are blocked and read from a signalfd, so no
 * code runs in signal context and the loop waits in one place.
 */
static int
signals_open(void)
{
	sigset_t	set;
	int		fd;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_warn("daemon: ignore SIGPIPE");
		return -1;
	}
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		log_warn("daemon: block signals");
		return -1;
	}
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		log_warn("daemon: signalfd");
		return -1;
	}
	return fd;
}

/* Drains the signalfd; returns true once we are stopping. */
static bool
signals_read(void *arg)
{
	struct daemon			*d = arg;
	struct signalfd_siginfo		 si;
	ssize_t				 n;

	for (;;) {
		n = read(d->sigfd, &si, sizeof(si));
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			break;
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			d->stops++;
			if (!d->stopping)
				log_info("event=stopping signal=%s",
				    si.ssi_signo == SIGTERM ? "TERM" : "INT");
			d->stopping = true;
			break;
		case SIGHUP:
			d->reload = true;
			break;
		}
	}
	return d->stopping;
}

/*
 * Builds and checks a new configuration, then swaps it in; a bad file is
 * reported and the old configuration kept.
 */
static void
reload(struct daemon *d)
{
	struct config	*cfg;
	struct store	*st = NULL;
	struct gateway	*gw[CHANNEL__COUNT];
	char		 err[512];
	int		 ch;

	d->reload = false;
	sd_send("RELOADING=1");
	if ((cfg = config_load(d->opts->config_path, 0, err,
	    sizeof(err))) == NULL) {
		log_err("%s", err);
		log_err("event=reload_failed config=%s: keeping the running "
		    "configuration", d->opts->config_path);
		goto out;
	}
	/*
	 * Another database: it must be ours alone (its lock), and what a
	 * run that died had claimed there is taken back, as at start.
	 */
	if (strcmp(cfg->database, d->cfg->database) != 0 &&
	    ((st = store_open(cfg->database, 0)) == NULL ||
	    store_lock(st) == -1 || store_recover(st, daemon_now(d)) == -1)) {
		log_err("event=reload_failed: cannot take over the new "
		    "database; keeping the running configuration");
		store_close(st);
		config_free(cfg);
		goto out;
	}
	if (gateways_new(cfg, gw) == -1) {
		log_err("event=reload_failed: cannot set up the gateway; "
		    "keeping the running configuration");
		store_close(st);
		config_free(cfg);
		goto out;
	}
	for (ch = 0; ch < CHANNEL__COUNT; ch++) {
		gateway_free(d->gw[ch]);
		d->gw[ch] = gw[ch];
	}
	if (st != NULL) {
		store_close(d->st);
		d->st = st;
	}
	config_free(d->cfg);
	d->cfg = cfg;
	if (st != NULL)
		(void)watch(d);
	if (!d->opts->verbose)
		log_setpriority(cfg->log_priority);
	log_info("event=reloaded config=%s", d->opts->config_path);
out:
	sd_send("READY=1");
}

static void
outcome_text(struct record *o, int kind, int64_t id, time_t now,
    const char *text)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->id = id;
	o->now = now;
	(void)snprintf(o->text, sizeof(o->text), "%s", text);
}

static int
write_outcome(struct store *st, const struct record *o)
{
	if (o->escalation) {
		switch (o->kind) {
		case REC_SENT:
			return store_escalation_sent(st, o->id, o->now);
		case REC_RETRY:
			return store_escalation_retry(st, o->id, o->now,
			    o->next, o->text, o->attempted);
		case REC_RELEASE:
			return store_escalation_release(st, o->id, o->now);
		default:
			return store_escalation_failed(st, o->id, o->now,
			    o->text, o->attempted);
		}
	}
	if (o->stop[0] != '\0' && store_optout_add(st, o->stop, o->id,
	    o->now) == -1)
		return -1;
	switch (o->kind) {
	case REC_SENT:
		return store_mark_sent(st, o->id, o->now, o->text);
	case REC_RETRY:
		return store_mark_retry(st, o->id, o->now, o->next, o->text,
		    o->attempted);
	case REC_FAILED:
		return store_mark_failed(st, o->id, o->now, o->text,
		    o->attempted);
	case REC_CANCELLED:
		return store_mark_cancelled(st, o->id, o->now, o->text,
		    STORE_CANCEL_DAEMON);
	case REC_OPTED_OUT:
		return store_mark_cancelled(st, o->id, o->now, o->text,
		    STORE_CANCEL_OPTOUT);
	case REC_STOPPED:
		return store_mark_cancelled(st, o->id, o->now, o->text,
		    STORE_CANCEL_STOP);
	case REC_RELEASE:
		return store_release(st, o->id, o->now);
	}
	return -1;
}

/*
 * Writes the outcomes held by round_write(), oldest first, up to
 * FLUSH_PER_COMMIT a transaction.  Returns 0 once none is left, or -1 if
 * the database still refuses them.
 */
static int
flush_unrecorded(struct daemon *d)
{
	size_t	i, n, done = 0;
	bool	ok;

	while (done < d->nunrecorded) {
		n = d->nunrecorded - done;
		if (n > FLUSH_PER_COMMIT)
			n = FLUSH_PER_COMMIT;
		if (store_outcomes_begin(d->st) == -1)
			break;
		for (i = 0; i < n; i++)
			if (write_outcome(d->st, &d->unrecorded[done + i]) ==
			    -1)
				break;
		ok = i == n;
		if (store_outcomes_end(d->st, ok) == -1 || !ok)
			break;
		done += n;
	}
	if (done > 0) {
		memmove(d->unrecorded, d->unrecorded + done,
		    (d->nunrecorded - done) * sizeof(*d->unrecorded));
		d->nunrecorded -= done;
		log_info("event=recorded outcomes=%zu held=%zu", done,
		    d->nunrecorded);
	}
	return d->nunrecorded == 0 ? 0 : -1;
}

/* Keeps an answer for round_write(). */
static void
round_add(struct daemon *d, const struct record *o)
{
	d->round = xrealloc(d->round, (d->nround + 1) * sizeof(*d->round));
	d->round[d->nround++] = *o;
}

/*
 * Writes the answers of one round of the gateway in one transaction: one
 * commit for up to delivery.concurrency answers, not one each.  A crash
 * before the commit sends those again, as a crash before a single write
 * would; a database that refuses the round has it held, in order.
 */
static void
round_write(void *arg)
{
	struct daemon	*d = arg;
	size_t		 i;
	bool		 ok = false;

	if (d->nround == 0)
		return;
	if (d->nunrecorded == 0 && store_outcomes_begin(d->st) == 0) {
		for (i = 0; i < d->nround; i++)
			if (write_outcome(d->st, &d->round[i]) == -1)
				break;
		ok = i == d->nround;
		if (store_outcomes_end(d->st, ok) == -1)
			ok = false;
	}
	if (!ok) {
		d->unrecorded = xrealloc(d->unrecorded, (d->nunrecorded +
		    d->nround) * sizeof(*d->unrecorded));
		memcpy(d->unrecorded + d->nunrecorded, d->round,
		    d->nround * sizeof(*d->round));
		d->nunrecorded += d->nround;
		log_warnx("event=unrecorded outcomes=%zu: the database did not "
		    "take them; holding them and trying again", d->nround);
	}
	d->nround = 0;
}

/*
 * A gateway for each channel with a provider (SMS always has one).
 * Returns 0, or -1 (logged) with none made.
 */
static int
gateways_new(const struct config *cfg, struct gateway **gw)
{
	memset(gw, 0, CHANNEL__COUNT * sizeof(*gw));
	if ((gw[CHANNEL_SMS] = gateway_new(cfg, CHANNEL_SMS)) == NULL)
		return -1;
	if (cfg->email.provider != EMAIL_PROVIDER_NONE &&
	    (gw[CHANNEL_EMAIL] = gateway_new(cfg, CHANNEL_EMAIL)) == NULL) {
		gateway_free(gw[CHANNEL_SMS]);
		gw[CHANNEL_SMS] = NULL;
		return -1;
	}
	gateway_on_round(gw[CHANNEL_SMS], batch_round);
	if (gw[CHANNEL_EMAIL] != NULL)
		gateway_on_round(gw[CHANNEL_EMAIL], batch_round);
	return 0;
}

/*
 * Whether channel ch carries escalations: email, with staff to tell (the
 * configuration refuses escalate_to without an email provider).
 */
static bool
escalating(const struct daemon *d, enum channel ch)
{
	return ch == CHANNEL_EMAIL && d->gw[ch] != NULL &&
	    d->cfg->inbound.nescalate_to > 0;
}

/*
 * The earliest instant at which a channel has work it may do: its next
 * due reminder or escalation, or the end of its gateway's pause; with
 * lookups, also the next SMS to look up.  0 if none.  Returns 0, or -1
 * (logged).
 */
static int
next_work(struct daemon *d, bool lookups, time_t *when)
{
	time_t	next, esc, lookup_after;
	int	ch;

	*when = 0;
	/* The next SMS to look up, once its time comes. */
	if (lookups && lookups_on(d)) {
		lookup_after = (time_t)d->cfg->delivery.lookup_after;
		if (store_lookup_next(d->st, daemon_now(d) - lookup_after -
		    LOOKUP_HORIZON, &next) == -1)
			return -1;
		if (next != 0) {
			next += lookup_after;
			if (next < d->paused_until[CHANNEL_SMS])
				next = d->paused_until[CHANNEL_SMS];
			*when = next;
		}
	}
	for (ch = 0; ch < CHANNEL__COUNT; ch++) {
		if (d->gw[ch] == NULL)
			continue;
		if (store_next_wakeup(d->st, config_channel_name(ch), &next) ==
		    -1)
			return -1;
		if (escalating(d, ch)) {
			if (store_next_escalation(d->st, &esc) == -1)
				return -1;
			if (esc != 0 && (next == 0 || esc < next))
				next = esc;
		}
		if (next == 0)
			continue;
		if (next < d->paused_until[ch])
			next = d->paused_until[ch];
		if (*when == 0 || next < *when)
			*when = next;
	}
	return 0;
}

/* Counts a gateway answer for the metrics. */
static void
count_result(struct daemon *d, enum channel ch, const struct send_result *res)
{
	enum fail_reason	why;

	if (res->outcome == OUTCOME_SENT) {
		d->metrics.sends[ch]++;
		d->metrics.last_success = time(NULL);
		return;
	}
	switch (res->failure) {
	case FAILURE_UNREACHABLE:
		why = FAIL_UNREACHABLE;
		break;
	case FAILURE_TRANSPORT:
		why = FAIL_TRANSPORT;
		break;
	case FAILURE_RATE_LIMITED:
		why = FAIL_RATE_LIMITED;
		break;
	case FAILURE_SERVER_ERROR:
		why = FAIL_SERVER_ERROR;
		break;
	default:
		why = FAIL_REJECTED;
		break;
	}
	d->metrics.failures[ch][why]++;
}

/* The metrics file, if there is one: our counts and the table's. */
static void
write_metrics(struct daemon *d)
{
	struct store_status	 s;
	const char		*provider[CHANNEL__COUNT];
	int			 ch;

	if (d->cfg->metrics_file == NULL ||
	    store_status(d->st, time(NULL), &s) == -1)
		return;
	for (ch = 0; ch < CHANNEL__COUNT; ch++)
		provider[ch] = d->gw[ch] != NULL ?
		    gateway_provider(d->gw[ch]) : NULL;
	(void)metrics_write(d->cfg->metrics_file, &d->metrics, &s, provider);
}

/*
 * How long to wait after the attempts-th trouble: the backoff, or longer
 * if the gateway asked for longer (Retry-After).
 */
static int64_t
retry_delay(const struct daemon *d, int attempts,
    const struct send_result *res)
{
	int64_t	delay;

	delay = schedule_backoff(attempts > 0 ? attempts : 1,
	    d->cfg->delivery.backoff_base, d->cfg->delivery.backoff_max,
	    arc4random());
	return res->retry_after > delay ? res->retry_after : delay;
}

/*
 * The gateway asked us to wait or could not be reached: stop sending as a
 * whole until the gateway's Retry-After, or a backoff that grows with the
 * troubles in a row, has passed; then one request probes it again.
 */
static void
pause_gateway(struct daemon *d, enum channel ch, const struct send_result *res)
{
	int64_t	delay;
	time_t	until;

	if (d->gw_failures[ch] < 64)
		d->gw_failures[ch]++;
	delay = retry_delay(d, d->gw_failures[ch], res);
	until = daemon_now(d) + delay;
	if (until > d->paused_until[ch]) {
		d->paused_until[ch] = until;
		log_notice("event=gateway_paused provider=%s status=%ld "
		    "in=%llds troubles=%d", gateway_provider(d->gw[ch]),
		    res->status, (long long)delay, d->gw_failures[ch]);
	}
	gateway_pause(d->gw[ch]);
}

/*
 * What the gateway's answer for an escalation means, as for a reminder
 * (sent_one()): sent, tried again later with a backoff, or failed (a
 * refusal, or max_attempts reached) for the staff to see.  Logged by
 * ids, never the patient's words.
 */
static void
escalated_one(struct batch *b, const struct escalation *e,
    const struct send_result *res)
{
	struct daemon	*d = b->d;
	struct record	 o;
	const char	*code = res->code[0] ? res->code : "-";
	const char	*provider = gateway_provider(d->gw[b->ch]);
	int64_t		 delay;
	int		 attempts;

	memset(&o, 0, sizeof(o));
	o.id = e->id;
	o.escalation = true;
	o.now = daemon_now(d);
	o.attempted = !res->unreached;
	attempts = res->unreached ? e->attempts - 1 : e->attempts;
	switch (res->outcome) {
	case OUTCOME_SENT:
		o.kind = REC_SENT;
		log_info("event=escalated reply=%lld patient=%lld urgent=%s "
		    "provider=%s status=%ld ms=%ld attempt=%d",
		    (long long)e->id, (long long)e->patient_id,
		    e->urgent ? "yes" : "no", provider, res->status, res->ms,
		    attempts);
		break;
	case OUTCOME_RETRY:
		if (attempts >= d->cfg->delivery.max_attempts) {
			o.kind = REC_FAILED;
			(void)snprintf(o.text, sizeof(o.text), "gave up after "
			    "%d attempts: %s", attempts, res->error);
			log_warnx("event=escalation_failed reply=%lld "
			    "provider=%s status=%ld code=%s attempts=%d "
			    "reason=max_attempts: the staff were not told "
			    "(see aftercarectl replies)", (long long)e->id,
			    provider, res->status, code, attempts);
			break;
		}
		delay = retry_delay(d, attempts, res);
		o.kind = REC_RETRY;
		o.next = o.now + delay;
		(void)snprintf(o.text, sizeof(o.text), "%s", res->error);
		log_notice("event=escalation_retry reply=%lld provider=%s "
		    "status=%ld code=%s ms=%ld attempt=%d reached=%s in=%llds",
		    (long long)e->id, provider, res->status, code, res->ms,
		    attempts, res->unreached ? "no" : "yes", (long long)delay);
		break;
	case OUTCOME_FAILED:
		o.kind = REC_FAILED;
		(void)snprintf(o.text, sizeof(o.text), "%s", res->error);
		log_warnx("event=escalation_failed reply=%lld provider=%s "
		    "status=%ld code=%s ms=%ld attempt=%d: the staff were not "
		    "told (see aftercarectl replies)", (long long)e->id,
		    provider, res->status, code, res->ms, attempts);
		break;
	}
	round_add(d, &o);
}

/*
 * Decides what the gateway's answer for one message means and records it
 * as soon as it arrives, so that a crash a moment later cannot make us
 * send it again.
 */
static void
sent_one(void *arg, size_t idx, const struct send_result *res)
{
	struct batch		*b = arg;
	struct daemon		*d = b->d;
	const struct reminder	*r;
	struct record		 o;
	const char		*code = res->code[0] ? res->code : "-";
	int64_t			 delay;
	int			 attempts;

	b->reported[idx] = true;
	sd_watchdog_ping(&d->sd);
	count_result(d, b->ch, res);
	if (res->outcome == OUTCOME_RETRY)
		pause_gateway(d, b->ch, res);
	else
		d->gw_failures[b->ch] = 0;
	if (idx < b->nesc_msgs) {
		escalated_one(b, &b->esc[b->msg_reminder[idx]], res);
		return;
	}
	r = &b->claimed[b->msg_reminder[idx]];
	memset(&o, 0, sizeof(o));
	o.id = r->id;
	o.now = daemon_now(d);
	/*
	 * The number goes on the STOP list with the outcome: no SMS goes to
	 * it until the patient sends START, and the next sync withholds the
	 * unsent ones.
	 */
	if (res->opted_out) {
		(void)snprintf(o.stop, sizeof(o.stop), "%s", b->msgs[idx].to);
		log_notice("event=opted_out reminder=%lld: the recipient "
		    "unsubscribed; no SMS goes to that number until they send "
		    "START", (long long)r->id);
		d->resync = true;
	}
	/* A request that never reached the gateway is not an attempt. */
	attempts = res->unreached ? r->attempts - 1 : r->attempts;
	switch (res->outcome) {
	case OUTCOME_SENT:
		o.kind = REC_SENT;
		(void)snprintf(o.text, sizeof(o.text), "%s", res->provider_id);
		log_info("event=sent reminder=%lld milestone=%s provider=%s "
		    "status=%ld ms=%ld attempt=%d", (long long)r->id,
		    r->milestone, gateway_provider(d->gw[b->ch]), res->status,
		    res->ms, attempts);
		break;
	case OUTCOME_RETRY:
		if (attempts >= d->cfg->delivery.max_attempts) {
			o.kind = REC_FAILED;
			o.attempted = !res->unreached;
			(void)snprintf(o.text, sizeof(o.text), "gave up after "
			    "%d attempts: %s", attempts, res->error);
			log_warnx("event=failed reminder=%lld milestone=%s "
			    "provider=%s status=%ld code=%s attempts=%d "
			    "reason=max_attempts", (long long)r->id,
			    r->milestone, gateway_provider(d->gw[b->ch]),
			    res->status, code, attempts);
			break;
		}
		delay = retry_delay(d, attempts, res);
		o.kind = REC_RETRY;
		o.next = o.now + delay;
		o.attempted = !res->unreached;
		(void)snprintf(o.text, sizeof(o.text), "%s", res->error);
		log_notice("event=retry reminder=%lld milestone=%s provider=%s "
		    "status=%ld code=%s ms=%ld attempt=%d reached=%s in=%llds",
		    (long long)r->id, r->milestone, gateway_provider(d->gw[b->ch]),
		    res->status, code, res->ms, attempts,
		    res->unreached ? "no" : "yes", (long long)delay);
		break;
	case OUTCOME_FAILED:
		o.kind = REC_FAILED;
		o.attempted = !res->unreached;
		(void)snprintf(o.text, sizeof(o.text), "%s", res->error);
		log_warnx("event=failed reminder=%lld milestone=%s provider=%s "
		    "status=%ld code=%s ms=%ld attempt=%d", (long long)r->id,
		    r->milestone, gateway_provider(d->gw[b->ch]), res->status, code,
		    res->ms, attempts);
		break;
	}
	round_add(d, &o);
}

/*
 * How many reminders of channel ch to claim at once: after trouble at the
 * gateway, one, to probe it; under a rate limit, about BATCH_PACED_SECS
 * of sending.
 */
static size_t
claim_size(const struct daemon *d, enum channel ch)
{
	const struct config	*cfg = d->cfg;
	size_t			 max;
	int			 rate;

	if (d->gw_failures[ch] > 0)
		return 1;
	max = (size_t)cfg->delivery.concurrency * CLAIM_PER_SLOT;
	rate = ch == CHANNEL_SMS ? cfg->sms.rate_limit : cfg->email.rate_limit;
	if (rate > 0 && (size_t)rate * BATCH_PACED_SECS < max)
		max = (size_t)rate * BATCH_PACED_SECS;
	return max;
}

/*
 * Claims up to max escalations and reminders due on channel ch into b,
 * which batch_clear() empties.  Returns 0, or -1 (logged) with none
 * claimed.
 */
static int
batch_claim(struct batch *b, struct daemon *d, enum channel ch, time_t now,
    size_t max)
{
	time_t	lease;

	memset(b, 0, sizeof(*b));
	b->d = d;
	b->ch = ch;
	b->now = now;
	/* A patient waiting for the clinic goes before any reminder. */
	if (escalating(d, ch) && store_claim_escalations(d->st, now, max,
	    &b->esc, &b->nesc) == -1)
		return -1;
	/* For people reading the table: when this batch should be done. */
	lease = time(NULL) + (time_t)(CLAIM_PER_SLOT + 1) *
	    d->cfg->delivery.timeout;
	if (store_claim_due(d->st, now, lease, max - b->nesc,
	    config_channel_name(ch), &b->claimed, &b->nclaimed) == -1) {
		batch_clear(b);
		return -1;
	}
	return 0;
}

/*
 * Whether the claimed reminder r, composed into c, is to be sent: if not,
 * says so and keeps its outcome (failed, cancelled, or later if the STOP
 * list cannot be read) for round_write().
 */
static bool
batch_filter(struct batch *b, const struct reminder *r,
    enum compose_result what, const struct composed *c)
{
	struct daemon	*d = b->d;
	struct record	 o;
	bool		 optout;

	switch (what) {
	case COMPOSE_FAIL:
		d->metrics.failures[b->ch][FAIL_RECIPIENT]++;
		/* The reason names ids only, never the row's values. */
		log_warnx("event=failed reminder=%lld milestone=%s "
		    "channel=%s reason=\"%s\"", (long long)r->id,
		    r->milestone, config_channel_name(b->ch), c->reason);
		outcome_text(&o, REC_FAILED, r->id, b->now, c->reason);
		round_add(d, &o);
		return false;
	case COMPOSE_CANCEL:
		log_info("event=cancelled reminder=%lld milestone=%s "
		    "channel=%s reason=\"%s\"", (long long)r->id,
		    r->milestone, config_channel_name(b->ch), c->reason);
		outcome_text(&o, c->optout ? REC_OPTED_OUT : REC_CANCELLED,
		    r->id, b->now, c->reason);
		round_add(d, &o);
		return false;
	case COMPOSE_SEND:
		break;
	}
	if (b->ch != CHANNEL_SMS)
		return true;
	if (store_optout_has(d->st, c->to, &optout) == -1) {
		/*
		 * Not known: later, and not an attempt (at once, it would be
		 * claimed again at once).
		 */
		outcome_text(&o, REC_RETRY, r->id, b->now, "could not read the "
		    "STOP list; tried again later");
		o.next = b->now + d->cfg->delivery.backoff_base;
		round_add(d, &o);
		return false;
	}
	/*
	 * A STOP heard since the last sync: withheld as the sync withholds
	 * it, so that a START gives it back.
	 */
	if (optout) {
		log_info("event=cancelled reminder=%lld milestone=%s "
		    "reason=\"opted out at the gateway\"", (long long)r->id,
		    r->milestone);
		outcome_text(&o, REC_STOPPED, r->id, b->now,
		    PLAN_STOPPED_REASON);
		round_add(d, &o);
		return false;
	}
	return true;
}

/*
 * Composes each claimed escalation into an email to the staff, first in
 * the batch: to every address of inbound.escalate_to at once, so that it
 * is one message, sent or retried as one.
 */
static void
batch_compose_escalations(struct batch *b)
{
	const struct config	*cfg = b->d->cfg;
	const struct escalation	*e;
	struct composed		*c;
	struct message		*m;
	struct record		 o;
	size_t			 i;

	b->keys = xcalloc(b->nesc, sizeof(*b->keys));
	for (i = 0; i < b->nesc; i++) {
		e = &b->esc[i];
		c = &b->composed[b->nmsgs];
		if (compose_escalation(cfg, e, c) != COMPOSE_SEND) {
			log_warnx("event=escalation_failed reply=%lld "
			    "reason=\"%s\"", (long long)e->id, c->reason);
			outcome_text(&o, REC_FAILED, e->id, b->now, c->reason);
			o.escalation = true;
			round_add(b->d, &o);
			compose_clear(c);
			continue;
		}
		/* The same message if it is sent again after a crash. */
		(void)snprintf(b->keys[i], sizeof(b->keys[i]),
		    "aftercare-reply-%lld-%lld", (long long)e->id,
		    (long long)e->received_at);
		m = &b->msgs[b->nmsgs];
		m->inbound_id = e->id;
		m->to = c->to;
		m->more_to = (const char *const *)cfg->inbound.escalate_to + 1;
		m->nmore_to = cfg->inbound.nescalate_to - 1;
		m->subject = c->subject;
		m->body = c->body;
		m->idempotency_key = b->keys[i];
		m->date = daemon_now(b->d);
		b->msg_reminder[b->nmsgs] = i;
		b->nmsgs++;
	}
	b->nesc_msgs = b->nmsgs;
}

/*
 * Composes each claimed escalation and reminder into a message to send,
 * or an outcome; those outcomes are written at once, in one transaction,
 * before anything is sent.
 */
static void
batch_compose(struct batch *b)
{
	const struct reminder	*r;
	enum compose_result	 what;
	struct composed		*c;
	struct message		*m;
	size_t			 i, n = b->nesc + b->nclaimed;

	b->msgs = xcalloc(n, sizeof(*b->msgs));
	b->msg_reminder = xcalloc(n, sizeof(*b->msg_reminder));
	b->composed = xcalloc(n, sizeof(*b->composed));
	b->reported = xcalloc(n, sizeof(*b->reported));
	batch_compose_escalations(b);
	for (i = 0; i < b->nclaimed; i++) {
		r = &b->claimed[i];
		c = &b->composed[b->nmsgs];
		what = compose_message(b->d->cfg, r, b->now, c);
		if (!batch_filter(b, r, what, c)) {
			compose_clear(c);
			continue;
		}
		m = &b->msgs[b->nmsgs];
		m->reminder_id = r->id;
		m->milestone = r->milestone;
		m->to = c->to;
		m->to_name = c->to_name;
		m->subject = c->subject;
		m->body = c->body;
		m->html = c->html;
		m->idempotency_key = r->idempotency_key;
		m->date = daemon_now(b->d);
		b->msg_reminder[b->nmsgs] = i;
		b->nmsgs++;
	}
	round_write(b->d);
}

/* For the gateway: a signal that came meanwhile stops the sending. */
static bool
batch_event(void *arg)
{
	struct batch	*b = arg;

	return signals_read(b->d);
}

/* For the gateway: each round's answers are written together. */
static void
batch_round(void *arg)
{
	struct batch	*b = arg;

	round_write(b->d);
}

/*
 * Sends the batch's messages, each answer recorded by sent_one().
 * Returns 0, or -1 if libcurl or the database failed.
 */
static int
batch_send(struct batch *b)
{
	struct daemon	*d = b->d;
	int		 rc;

	if (b->nmsgs == 0)
		return 0;
	/*
	 * While transfers are in flight, a locked database must not hold
	 * up the loop (an answer could be taken for a timeout): outcomes it
	 * refuses are held and written after the batch.
	 */
	if (store_busy_timeout(d->st, SEND_BUSY_TIMEOUT_MS) == -1)
		return -1;
	rc = gateway_send(d->gw[b->ch], b->msgs, b->nmsgs, d->sigfd,
	    batch_event, sent_one, b);
	round_write(d);
	if (store_busy_timeout(d->st, STORE_BUSY_TIMEOUT_MS) == -1 ||
	    rc == -1)
		return -1;
	return 0;
}

/*
 * Gives back what was claimed but never started (we are stopping), and
 * frees the batch.
 */
static void
batch_clear(struct batch *b)
{
	struct record	o;
	size_t		i;

	for (i = 0; i < b->nmsgs; i++) {
		if (b->reported[i])
			continue;
		log_debug("event=released " MESSAGE_FMT,
		    MESSAGE_ARGS(&b->msgs[i]));
		outcome_text(&o, REC_RELEASE, i < b->nesc_msgs ?
		    b->msgs[i].inbound_id : b->msgs[i].reminder_id,
		    daemon_now(b->d), "");
		o.escalation = i < b->nesc_msgs;
		round_add(b->d, &o);
	}
	/* Claimed, and the reminders' claim failed: never composed. */
	for (i = 0; b->msgs == NULL && i < b->nesc; i++) {
		outcome_text(&o, REC_RELEASE, b->esc[i].id, daemon_now(b->d),
		    "");
		o.escalation = true;
		round_add(b->d, &o);
	}
	round_write(b->d);
	for (i = 0; i < b->nmsgs; i++)
		compose_clear(&b->composed[i]);
	free(b->composed);
	free(b->reported);
	free(b->msgs);
	free(b->msg_reminder);
	free(b->keys);
	store_escalations_free(b->esc, b->nesc);
	store_reminders_free(b->claimed, b->nclaimed);
	memset(b, 0, sizeof(*b));
}

/*
 * Claims one batch of reminders due on channel ch and sends it.  Sets
 * *claimed to the number of reminders taken from the queue (sent or not).
 */
static int
send_batch(struct daemon *d, time_t now, enum channel ch, size_t *claimed)
{
	struct batch	b;
	int		ret = 0;

	if (batch_claim(&b, d, ch, now, claim_size(d, ch)) == -1)
		return -1;
	*claimed = b.nesc + b.nclaimed;
	if (*claimed > 0) {
		batch_compose(&b);
		ret = batch_send(&b);
	}
	batch_clear(&b);
	return ret;
}

/*
 * Whether SMS are looked up: Twilio's, only where its status callbacks
 * are heard (an inbound section), so that a lost one does not leave a
 * message's fate unknown.
 */
static bool
lookups_on(const struct daemon *d)
{
	return d->cfg->inbound.enabled && d->gw[CHANNEL_SMS] != NULL &&
	    gateway_can_lookup(d->gw[CHANNEL_SMS]);
}

/* Records what a look-up found, as soon as it arrives. */
static void
looked_up(void *arg, size_t idx, const struct send_result *res)
{
	struct batch		*b = arg;
	struct daemon		*d = b->d;
	const struct lookup	*l = &b->looked[idx];
	const char		*code = res->code[0] ? res->code : "-";
	enum delivery		 moved;
	bool			 answered = res->outcome == OUTCOME_SENT;

	sd_watchdog_ping(&d->sd);
	/* Twilio in trouble: asked again after the pause, as sends are. */
	if (res->outcome == OUTCOME_RETRY) {
		pause_gateway(d, CHANNEL_SMS, res);
		log_info("event=lookup_retry reminder=%lld status=%ld code=%s",
		    (long long)l->id, res->status, code);
		return;
	}
	d->gw_failures[CHANNEL_SMS] = 0;
	/* Looked up all the same: once is what it gets. */
	if (store_lookup_record(d->st, l->id, b->now, answered &&
	    res->delivery_known ? &res->delivery : NULL, answered &&
	    res->code[0] != '\0' ? res->code : NULL, &moved) == -1) {
		b->unrecorded = true;
		return;
	}
	if (!answered)
		log_notice("event=lookup_failed reminder=%lld status=%ld "
		    "code=%s", (long long)l->id, res->status, code);
	else
		log_info("event=looked_up reminder=%lld delivery=%s code=%s%s",
		    (long long)l->id, res->delivery_known ?
		    delivery_name(res->delivery) : "unknown", code,
		    moved != DELIVERY_NONE ? "" : " (no change)");
	if (moved == DELIVERY_FAILED || moved == DELIVERY_UNDELIVERED)
		b->failures++;
}

/*
 * Looks up, once each, up to LOOKUP_BATCH Twilio SMS sent at least
 * delivery.lookup_after ago that no callback gave a final state.  Sets
 * *n to how many were asked after and *failures to how many turned out
 * failed or undelivered (their treatments are queued, for a fallback).
 * Returns 0, or -1 if the database or libcurl failed.
 */
static int
lookup_batch(struct daemon *d, time_t now, size_t *n, size_t *failures)
{
	struct batch	 b;
	time_t		 until = now - (time_t)d->cfg->delivery.lookup_after;
	size_t		 i;
	int		 rc;

	*n = *failures = 0;
	memset(&b, 0, sizeof(b));
	b.d = d;
	b.ch = CHANNEL_SMS;
	b.now = now;
	if (store_lookups_due(d->st, until - LOOKUP_HORIZON, until,
	    LOOKUP_BATCH, &b.looked, &b.nlooked) == -1)
		return -1;
	if (b.nlooked == 0)
		return 0;
	b.msgs = xcalloc(b.nlooked, sizeof(*b.msgs));
	for (i = 0; i < b.nlooked; i++) {
		b.msgs[i].reminder_id = b.looked[i].id;
		/* None kept: the request is refused, and that recorded. */
		b.msgs[i].lookup = b.looked[i].provider_id != NULL ?
		    b.looked[i].provider_id : "";
	}
	b.nmsgs = b.nlooked;
	rc = -1;
	if (store_busy_timeout(d->st, SEND_BUSY_TIMEOUT_MS) == 0) {
		rc = gateway_send(d->gw[CHANNEL_SMS], b.msgs, b.nmsgs,
		    d->sigfd, batch_event, looked_up, &b);
		if (store_busy_timeout(d->st, STORE_BUSY_TIMEOUT_MS) == -1)
			rc = -1;
	}
	/* Not taken: looked up again on the next pass. */
	if (b.unrecorded)
		rc = -1;
	*failures = b.failures;
	*n = b.nlooked;
	free(b.msgs);
	store_lookups_free(b.looked, b.nlooked);
	return rc;
}

/*
 * One pass (then the metrics): record what is still held, turn changes
 * into reminders, and send what is due until nothing is.  Returns -1 if the
 * database let us do nothing useful; the caller waits and tries again.
 */
static int
pass(struct daemon *d, time_t now)
{
	int	ret;

	ret = pass_run(d, now);
	write_metrics(d);
	return ret;
}

static int
pass_run(struct daemon *d, time_t now)
{
	struct timespec	start, end;
	size_t		changed, claimed, total, n, failures, found = 0;
	int		ret = -1, ch;
	bool		busy, looked = false;

	if (clock_gettime(CLOCK_MONOTONIC, &start) == -1)
		memset(&start, 0, sizeof(start));
	/* While an outcome is held, claim nothing: write it first. */
	if (flush_unrecorded(d) == -1)
		goto out;
again:
	/*
	 * A failed sync only delays new reminders; due ones still go.  A
	 * long one (a new plan over a million treatments) goes in parts,
	 * each followed by a look at the signals and a watchdog ping.
	 */
	total = 0;
	do {
		if (store_sync_some(d->st, d->cfg, now, SYNC_PER_LOOK,
		    &changed) == -1) {
			log_warnx("daemon: could not look at treatment "
			    "changes; sending what is due");
			break;
		}
		total += changed;
		(void)signals_read(d);
		sd_watchdog_ping(&d->sd);
	} while (changed >= SYNC_PER_LOOK && !d->stopping);
	if (total > 0)
		log_debug("event=synced treatments=%zu", total);
	/*
	 * A batch of each channel in turn, each at the pace of its own
	 * gateway, so that a slow one (a rate limit) never holds up the
	 * other for long.
	 */
	do {
		busy = false;
		/* A STOP the gateway told of withholds the rest at once. */
		if (d->resync && d->nunrecorded == 0) {
			d->resync = false;
			if (store_sync(d->st, d->cfg, now, NULL) == -1)
				log_warnx("daemon: could not look at treatment "
				    "changes; sending what is due");
		}
		for (ch = 0; ch < CHANNEL__COUNT; ch++) {
			if (d->gw[ch] == NULL)
				continue;
			/* A signal that came meanwhile stops us first. */
			(void)signals_read(d);
			if (d->stopping || d->nunrecorded > 0)
				goto done;
			if (now < d->paused_until[ch])
				continue;
			if (send_batch(d, now, ch, &claimed) == -1)
				goto out;
			if (claimed > 0)
				busy = true;
			if (!d->opts->fixed_now)
				now = time(NULL);
		}
	} while (busy);
	/*
	 * Then the SMS whose callbacks never came, once a pass.  One found
	 * undelivered for good has its treatment queued, so its email is
	 * made and sent in this pass.
	 */
	while (lookups_on(d) && !looked && !d->stopping &&
	    now >= d->paused_until[CHANNEL_SMS]) {
		if (lookup_batch(d, now, &n, &failures) == -1)
			goto out;
		found += failures;
		(void)signals_read(d);
		if (n < LOOKUP_BATCH)
			looked = true;
	}
	looked = true;
	if (found > 0 && !d->stopping && d->nunrecorded == 0) {
		found = 0;
		goto again;
	}
done:
	ret = 0;
out:
	if (clock_gettime(CLOCK_MONOTONIC, &end) == 0 && start.tv_sec != 0)
		d->metrics.pass_seconds = (double)(end.tv_sec - start.tv_sec) +
		    (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	return ret;
}

/*
 * Records that we are alive, at most every HEARTBEAT_SECS; a database
 * that refuses it now gets it next time.
 */
static void
beat(struct daemon *d)
{
	time_t	now = time(NULL);

	if (now - d->last_beat < HEARTBEAT_SECS)
		return;
	if (store_heartbeat(d->st, now) == 0)
		d->last_beat = now;
}

/* Waits up to ms for a signal, and reads it. */
static int
wait_signal(struct daemon *d, int64_t ms)
{
	struct pollfd	pfd;

	pfd.fd = d->sigfd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, (int)ms) == -1 && errno != EINTR) {
		log_warn("daemon: poll");
		return -1;
	}
	if (pfd.revents & POLLIN)
		(void)signals_read(d);
	return 0;
}

/*
 * Watches the database for other programs' commits, so that one wakes the
 * loop at once and an idle daemon has no timer of its own; without a
 * watch the loop looks every IDLE_CHECK_SECS.  Returns 0, or -1 (logged)
 * if the database cannot be read.
 */
static int
watch(struct daemon *d)
{
	if (store_watch(d->st, &d->watchfd) == -1)
		return -1;
	if (d->watchfd == -1)
		log_warnx("daemon: looking for changes every %d s",
		    IDLE_CHECK_SECS);
	return 0;
}

/*
 * Sleeps until the next reminder is due, a signal arrives, the database
 * changes, or IDLE_CHECK_SECS pass (IDLE_WATCHED_SECS with a watch),
 * whichever is first; then returns whether the database changed
 * meanwhile (1) or not (0), or -1 on error.
 */
static int
sleep_until_work(struct daemon *d)
{
	struct pollfd	pfd[2];
	time_t		next, now;
	int64_t		idle, wait_ms;
	nfds_t		n = 1;
	int		changed;

	if (next_work(d, true, &next) == -1)
		return -1;
	/*
	 * What the watch saw so far is our own writing (the pass, the
	 * heartbeat), or another connection's: look, then sleep.  A write
	 * from here on wakes the poll.
	 */
	if (d->watchfd != -1) {
		(void)store_watch_read(d->st);
		if ((changed = store_changed(d->st, &d->settle_ms)) != 0)
			return changed;
	}
	/* Held outcomes are tried again soon: a lock leaves no trace to watch. */
	idle = d->watchfd != -1 && d->nunrecorded == 0 ? IDLE_WATCHED_SECS :
	    IDLE_CHECK_SECS;
	wait_ms = idle * 1000;
	now = time(NULL);
	if (next != 0 && next - now < idle)
		wait_ms = next <= now ? 0 : (next - now) * 1000;
	if (d->sd.watchdog_ms != 0 && d->sd.watchdog_ms < wait_ms)
		wait_ms = d->sd.watchdog_ms;
	if (d->settle_ms != 0 && d->settle_ms < wait_ms)
		wait_ms = d->settle_ms;
	pfd[0].fd = d->sigfd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (d->watchfd != -1) {
		pfd[1].fd = d->watchfd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = 2;
	}
	if (poll(pfd, n, (int)wait_ms) == -1 && errno != EINTR) {
		log_warn("daemon: poll");
		return -1;
	}
	if (pfd[0].revents & POLLIN)
		(void)signals_read(d);
	/* Nothing written to the database, and no writer to wait for. */
	if (n == 2 && (pfd[1].revents & POLLIN) &&
	    !store_watch_read(d->st) && d->settle_ms == 0)
		return 0;
	return store_changed(d->st, &d->settle_ms);
}

/*
 * Before exiting, writes the outcomes still held: a reminder the gateway
 * accepted must be recorded, or it would be sent again.  Keeps trying
 * until the database takes them; only a second SIGTERM or SIGINT (or
 * SIGKILL) gives up.  Returns 0, or -1 if it gave up.
 */
static int
finish(struct daemon *d)
{
	unsigned	stops = d->stops;

	while (d->nunrecorded > 0 && flush_unrecorded(d) == -1) {
		if (d->stops > stops)
			break;
		if (wait_signal(d, 1000) == -1)
			break;
	}
	if (d->nunrecorded == 0)
		return 0;
	log_err("event=unrecorded held=%zu: stopped before the database took "
	    "these outcomes; their reminders will be sent again on the next "
	    "start", d->nunrecorded);
	return -1;
}

/* --once: send everything due, writing held outcomes as we go. */
static int
run_once(struct daemon *d)
{
	int	ret;

	ret = pass(d, daemon_now(d));
	while (ret == 0 && d->nunrecorded > 0 && !d->stopping) {
		if (wait_signal(d, 1000) == -1)
			return -1;
		if (flush_unrecorded(d) == 0)
			ret = pass(d, daemon_now(d));
	}
	return ret;
}

int
daemon_run(const struct daemon_opts *opts, struct config *cfg)
{
	struct daemon	 d;
	time_t		 next;
	int		 ret = 1, changed, ch;
	bool		 work;

	memset(&d, 0, sizeof(d));
	d.opts = opts;
	d.cfg = cfg;
	d.sigfd = -1;
	d.watchfd = -1;
	if (geteuid() == 0)
		log_warnx("running as root: aftercared needs no privileges; "
		    "run it as its own user (see systemd/aftercared.service)");
	if ((d.st = store_open(cfg->database, 0)) == NULL)
		goto out;
	if (opts->dry_run) {
		ret = preview_due(cfg, d.st, opts->now, stdout) == 0 ? 0 : 1;
		goto out;
	}
	if (store_lock(d.st) == -1)
		goto out;
	if (store_recover(d.st, daemon_now(&d)) == -1)
		goto out;
	if ((d.sigfd = signals_open()) == -1)
		goto out;
	if (gateways_new(cfg, d.gw) == -1)
		goto out;
	if (opts->once) {
		ret = run_once(&d) == 0 ? 0 : 1;
		if (finish(&d) == -1)
			ret = 1;
		goto out;
	}
	log_info("event=started database=%s", cfg->database);
	if (watch(&d) == -1)
		goto out;
	sd_init(&d.sd);
	sd_send("READY=1");
	changed = 1;
	while (!d.stopping) {
		/* Held outcomes belong to this database: write them first. */
		if (d.reload && d.nunrecorded == 0) {
			reload(&d);
			changed = 1;
		}
		work = changed != 0 || d.nunrecorded > 0 ||
		    (next_work(&d, true, &next) == 0 && next != 0 &&
		    next <= time(NULL));
		/*
		 * A failed pass (a locked, full or broken database) leaves
		 * everything where it was; wait, then try again.
		 */
		if (work && pass(&d, time(NULL)) == -1) {
			log_warnx("daemon: pass failed; trying again in %d s",
			    IDLE_CHECK_SECS);
			if (wait_signal(&d, IDLE_CHECK_SECS * 1000) == -1)
				goto out;
			changed = 1;
			continue;
		}
		if (d.stopping)
			break;
		beat(&d);
		sd_watchdog_ping(&d.sd);
		report_status(&d);
		if ((changed = sleep_until_work(&d)) == -1) {
			if (wait_signal(&d, IDLE_CHECK_SECS * 1000) == -1)
				goto out;
			changed = 1;
		}
	}
	sd_send("STOPPING=1");
	ret = finish(&d) == 0 ? 0 : 1;
	log_info("event=stopped");
out:
	free(d.unrecorded);
	free(d.round);
	for (ch = 0; ch < CHANNEL__COUNT; ch++)
		gateway_free(d.gw[ch]);
	store_close(d.st);
	if (d.sigfd != -1)
		(void)close(d.sigfd);
	config_free(d.cfg);
	return ret;
}
