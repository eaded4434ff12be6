/* SPDX-License-Identifier: MIT */
/* test_daemon.c: aftercared end to end: a real database, the real binary, the loopback test gateway. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture/fixture.h"
#include "fixture/smtpd.h"
#include "fixture/testenv.h"
#include "fixture/testutil.h"

/* The treatment every test uses, and instants after it. */
#define T_AT		"2026-11-24T09:00:00-05:00"
#define T_1D		"2026-11-25T14:00:05Z"
#define T_1D_LATER	"2026-11-25T17:00:00Z"
#define T_7D		"2026-12-01T14:00:05Z"
#define T_7D_LATER	"2026-12-01T15:00:00Z"
#define T_14D		"2026-12-08T14:00:05Z"
#define T_14D_LATER	"2026-12-08T20:00:00Z"

struct env {
	struct testenv	 t;
	bool		 webhook;	/* the webhook provider, not Twilio */
	const char	*dbname;	/* relative to dir, or NULL */
	const char	*local;		/* timezone and quiet_hours, or NULL */
	char		 mnt[128];	/* a tmpfs mounted by the test, or "" */
	const char	*delivery;	/* the delivery group, or NULL */
	struct fixture	 gw;
	bool		 gw_running;
};

#define DELIVERY							\
	"delivery = { concurrency = 2; timeout = 5; max_attempts = 3; "	\
	"backoff = \"1m\"; backoff_max = \"1h\"; };\n"

static void
write_config(struct env *e, const char *url, const char *extra)
{
	char	text[2048], sms[512];

	testenv_token(&e->t, "test-token");
	if (e->webhook)
		snprintf(sms, sizeof(sms), TESTENV_SMS_WEBHOOK, url);
	else
		snprintf(sms, sizeof(sms), TESTENV_SMS_TWILIO, url);
	/*
	 * Quiet hours are off unless a test sets them: most tests run on the
	 * real clock, at any hour.  One line, so line numbers stay put.
	 */
	snprintf(text, sizeof(text),
	    "database = \"%s\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; }; "
	    "%s\n%s%s%s", e->dbname ? e->dbname : "aftercare.db",
	    e->local ? e->local : "quiet_hours = { start = \"00:00\"; "
	    "end = \"00:00\"; };", sms,
	    e->delivery ? e->delivery : DELIVERY, extra ? extra : "");
	testenv_write_file(e->t.conf, text);
}

static void
ctl(struct env *e, const char *a1, const char *a2, const char *a3,
    const char *a4, const char *a5, const char *a6, const char *a7)
{
	const char *argv[] = { AFTERCARECTL, "-c", e->t.conf, a1, a2, a3, a4,
	    a5, a6, a7, NULL };

	if (testenv_run_in(&e->t, argv) != 0) {
		char *msg = testenv_read_file(e->t.err);

		fail_msg("aftercarectl %s %s failed: %s", a1, a2 ? a2 : "",
		    msg);
	}
}

/* The integer the query q returns. */
static int64_t
db_int(struct env *e, const char *q)
{
	return testenv_db_int(e->t.db, q);
}

static void
db_exec(struct env *e, const char *q)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static size_t
requests(struct env *e, struct fixture_req **r)
{
	size_t	n;

	assert_int_equal(fixture_requests(&e->gw, r, &n), 0);
	return n;
}

/* How many requests the gateway has had. */
static size_t
nrequests(struct env *e)
{
	struct fixture_req	*r;
	size_t			 n = requests(e, &r);

	fixture_requests_free(r, n);
	return n;
}

/*
 * Neither a patient's number, name nor message may appear in anything
 * any program wrote on stderr during the test, the running daemon's
 * stderr (e->t.err) included.
 */
static void
assert_log_clean(struct env *e)
{
	static const char *const secrets[] = {
		"5550100", "555 010", "Maria", "cleanser", "test-token"
	};

	testenv_append_file(e->t.err, e->t.all);
	testenv_assert_clean(e->t.all, secrets, NELEM(secrets));
}

/* The gateway answers as the test's initial state says (see main()). */
static int
setup(void **state)
{
	const char	*responses = *state != NULL ? *state : "201";
	struct env	*e = calloc(1, sizeof(*e));

	assert_non_null(e);
	testenv_init(&e->t, "daemon");
	assert_int_equal(fixture_start(&e->gw, responses), 0);
	e->gw_running = true;
	write_config(e, e->gw.url, NULL);
	ctl(e, "init", NULL, NULL, NULL, NULL, NULL, NULL);
	ctl(e, "patient", "add", "--name", "Maria Example", "--phone",
	    "+1 555 010 0101", NULL);
	ctl(e, "treatment", "add", "--patient", "1", "--at", T_AT, NULL);
	*state = e;
	return 0;
}

/*
 * A gateway that keeps failing: after max_attempts (3) attempts that
 * reached it, the reminder fails with its last reason.
 */
static void
test_max_attempts(void **state)
{
	struct env	*e = *state;
	const char *passes[] = { "2026-11-25T14:00:05Z", "2026-11-25T16:00:00Z",
	    "2026-11-25T18:00:00Z", "2026-11-25T20:00:00Z" };
	size_t		 i;

	for (i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		assert_int_equal(testenv_once(&e->t, passes[i]), 0);
	assert_int_equal(nrequests(e), 3);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "milestone = '24h' AND state = 'failed' AND attempts = 3 AND "
	    "last_error LIKE 'gave up after 3 attempts: HTTP 503%'"), 1);
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	if (e->gw_running)
		fixture_stop(&e->gw);
	if (e->mnt[0] != '\0')
		assert_int_equal(umount(e->mnt), 0);
	testenv_clear(&e->t);
	free(e);
	return 0;
}

static void
test_each_milestone_once(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	const char *passes[] = { T_1D, T_1D, T_1D_LATER, T_7D, T_7D_LATER,
	    T_7D_LATER, T_14D, T_14D_LATER };
	const char *words[] = { "24 hours", "week", "two weeks" };
	char		*v;
	size_t		 i, n;

	for (i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		assert_int_equal(testenv_once(&e->t, passes[i]), 0);
	n = requests(e, &r);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_string_equal(r[i].method, "POST");
		assert_string_equal(r[i].path, "/2010-04-01/Accounts/"
		    "AC00000000000000000000000000000001/Messages.json");
		assert_non_null(strstr(r[i].content_type,
		    "application/x-www-form-urlencoded"));
		/* "AC...1:test-token" in base64 */
		assert_non_null(strstr(r[i].authorization, "Basic "));
		v = fixture_form_get(r[i].body, "To");
		assert_string_equal(v, "+15550100101");
		free(v);
		v = fixture_form_get(r[i].body, "From");
		assert_string_equal(v, "+15550100");
		free(v);
		v = fixture_form_get(r[i].body, "Body");
		assert_non_null(v);
		assert_non_null(strstr(v, "Maria"));
		if (strstr(v, words[i]) == NULL)
			fail_msg("message %zu lacks \"%s\": %s", i, words[i], v);
		free(v);
		assert_int_equal(strlen(r[i].idempotency_key), 32);
	}
	assert_string_not_equal(r[0].idempotency_key, r[1].idempotency_key);
	assert_string_not_equal(r[1].idempotency_key, r[2].idempotency_key);
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND provider_id LIKE 'SM%'"), 3);
	assert_log_clean(e);
}

static void
test_cancelled_sends_nothing(void **state)
{
	struct env	*e = *state;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(testenv_once(&e->t, T_7D), 0);
	assert_int_equal(testenv_once(&e->t, T_14D), 0);
	assert_int_equal(nrequests(e), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled'"), 3);
}

static void
test_500_then_201(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	size_t			 n;

	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND attempts = 1 AND last_error LIKE "
	    "'%500%'"), 1);
	/* the retry is not due at once */
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(nrequests(e), 1);
	/* backoff_max is 1h: three hours later it is */
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].idempotency_key, r[1].idempotency_key);
	assert_string_equal(r[0].status, "500");
	assert_string_equal(r[1].status, "201");
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND attempts = 2"), 1);
	assert_log_clean(e);
}

static void
test_400_fails_with_reason(void **state)
{
	struct env	*e = *state;

	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'failed' AND last_error LIKE '%21211%'"), 1);
	assert_log_clean(e);
}

/*
 * An outage longer than max_attempts (3 here) loses nothing: a request
 * that never reached the gateway is not an attempt.
 */
static void
test_unreachable_loses_nothing(void **state)
{
	struct env	*e = *state;
	const char *outage[] = { "2026-11-25T14:00:05Z", "2026-11-25T16:00:00Z",
	    "2026-11-25T18:00:00Z", "2026-11-25T20:00:00Z",
	    "2026-11-25T22:00:00Z", "2026-11-26T02:00:00Z" };
	size_t		 i;

	/* the gateway goes away; its port is left with nobody listening */
	fixture_stop(&e->gw);
	e->gw_running = false;
	for (i = 0; i < sizeof(outage) / sizeof(outage[0]); i++)
		assert_int_equal(testenv_once(&e->t, outage[i]), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND milestone = '24h' AND attempts = 0 AND "
	    "last_error LIKE 'cannot connect%'"), 1);
	/* back again (on a new port) */
	assert_int_equal(fixture_start(&e->gw, "201"), 0);
	e->gw_running = true;
	write_config(e, e->gw.url, NULL);
	assert_int_equal(testenv_once(&e->t, "2026-11-26T04:00:00Z"), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND milestone = '24h' AND attempts = 1"), 1);
	assert_log_clean(e);
}

static void
test_bad_phone_does_not_stop_others(void **state)
{
	struct env	*e = *state;

	db_exec(e, "INSERT INTO patients (full_name, phone) VALUES "
	    "('No Country', '555 0102');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(2, '" T_AT "');"
	    "INSERT INTO patients (full_name) VALUES ('No Phone');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(3, '" T_AT "');"
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, 'yesterday');");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'failed' AND last_error LIKE '%country code%'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'failed' AND last_error LIKE '%no phone number%'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM treatment_problems "
	    "WHERE treatment_id = 4"), 1);
	{
		const char *argv[] = { AFTERCARECTL, "-c", e->t.conf, "status",
		    NULL };
		char *out;

		assert_int_equal(testenv_run_in(&e->t, argv), 0);
		out = testenv_read_file(e->t.out);
		assert_non_null(strstr(out, "treatment 4: performed_at"));
		assert_non_null(strstr(out, "2 failed"));
		free(out);
	}
	assert_log_clean(e);
}

static void
test_dry_run_changes_nothing(void **state)
{
	struct env	*e = *state;
	const char *argv[] = { AFTERCARED, "-c", e->t.conf, "--dry-run",
	    "--now", T_1D, NULL };
	char		*out;

	assert_int_equal(testenv_run_in(&e->t, argv), 0);
	out = testenv_read_file(e->t.out);
	assert_non_null(strstr(out, "would send"));
	assert_non_null(strstr(out, "milestone 24h"));
	assert_non_null(strstr(out, "later 2026-12-01T14:00:00Z"));
	free(out);
	assert_int_equal(nrequests(e), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 3);
}

static void
test_check_config(void **state)
{
	struct env	*e = *state;
	const char *argv[] = { AFTERCARED, "-c", e->t.conf, "--check-config",
	    NULL };
	char		*err;

	/* valid, but the sender is a fictional number: said, at its line */
	assert_int_equal(testenv_run_in(&e->t, argv), 0);
	err = testenv_read_file(e->t.err);
	if (strstr(err, "aftercare.conf:8: warning: from is a fictional "
	    "number (555-01xx)") == NULL)
		fail_msg("no warning for the sender: %s", err);
	free(err);
	write_config(e, e->gw.url, "delivery2 = 3;\n");
	assert_int_equal(testenv_run_in(&e->t, argv), 2);
	err = testenv_read_file(e->t.err);
	if (strstr(err, "aftercare.conf:11:") == NULL ||
	    strstr(err, "delivery2") == NULL)
		fail_msg("unexpected error: %s", err);
	assert_null(strstr(err, "test-token"));
	free(err);
}

/*
 * Starts aftercared in the foreground, its stderr to e->t.err, which it
 * takes for the journal (as under systemd), so that lines carry their
 * priority.
 */
static pid_t
start_daemon(struct env *e)
{
	struct stat	sb;
	char		stream[64];
	pid_t		pid;
	int		fd;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(e->t.err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || dup2(fd, 2) == -1 || fstat(2, &sb) == -1)
			_exit(127);
		(void)snprintf(stream, sizeof(stream), "%llu:%llu",
		    (unsigned long long)sb.st_dev,
		    (unsigned long long)sb.st_ino);
		if (setenv("JOURNAL_STREAM", stream, 1) == -1)
			_exit(127);
		execl(AFTERCARED, AFTERCARED, "-c", e->t.conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits for the daemon to exit; returns its exit status. */
static int
wait_exit(pid_t pid)
{
	int	status, i;

	for (i = 0; i < 300; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		(void)poll(NULL, 0, 100);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
	fail_msg("aftercared did not stop within 30 s of SIGTERM");
	return -1;
}

/* Waits up to 30 s for the daemon to log needle. */
static void
wait_log(struct env *e, pid_t pid, const char *needle)
{
	char	*log;
	int	 i;

	for (i = 0; i < 300; i++) {
		log = testenv_read_file(e->t.err);
		if (strstr(log, needle) != NULL) {
			free(log);
			return;
		}
		free(log);
		(void)poll(NULL, 0, 100);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	fail_msg("aftercared did not log \"%s\" within 30 s", needle);
}

/* 25 hours ago, in RFC 3339: a treatment then has its 24h reminder due. */
static void
at_25h_ago(char *at, size_t len)
{
	time_t	t = time(NULL) - 25 * 3600;

	assert_true(strftime(at, len, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t)) > 0);
}

/*
 * Plays the booking software: books a treatment for patient_id that took
 * place 25 hours ago, so that its 24h reminder is due now.
 */
static void
book_treatment_25h_ago(struct env *e, int patient_id)
{
	char	q[256], at[32];

	at_25h_ago(at, sizeof(at));
	snprintf(q, sizeof(q), "INSERT INTO treatments (patient_id, "
	    "performed_at) VALUES (%d, '%s');", patient_id, at);
	db_exec(e, q);
}

/* Waits for the gateway to have seen n requests, or kills pid and fails. */
static void
wait_requests(struct env *e, pid_t pid, size_t n)
{
	if (fixture_wait_requests(&e->gw, n, 30000) != 0) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		fail_msg("the running daemon did not send the new reminder");
	}
}

static void
test_running_daemon_picks_up_new_treatment(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			*to;
	size_t			 n;
	pid_t			 pid;

	/* only the new treatment may be due, whatever today's date is */
	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	db_exec(e, "INSERT INTO patients (full_name, phone) VALUES "
	    "('Maria Second', '+15550100105')");
	book_treatment_25h_ago(e, 2);
	wait_requests(e, pid, 1);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	n = requests(e, &r);
	assert_int_equal(n, 1);
	to = fixture_form_get(r[0].body, "To");
	assert_string_equal(to, "+15550100105");
	free(to);
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND treatment_id = 2"), 1);
	assert_log_clean(e);
}

/*
 * Plays the booking software committing one new patient and a treatment
 * due now in one transaction, on a connection it keeps open (closing it
 * would tell the watch once more that the files were written).
 */
static void
book_patient_now(sqlite3 *db, int i)
{
	char	 q[512], at[32];

	at_25h_ago(at, sizeof(at));
	snprintf(q, sizeof(q), "BEGIN; INSERT INTO patients (full_name, phone) "
	    "VALUES ('Maria %d', '+1555010%04d'); INSERT INTO treatments "
	    "(patient_id, performed_at) VALUES (last_insert_rowid(), '%s'); "
	    "COMMIT;", i, 200 + i, at);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("booking: %s", sqlite3_errmsg(db));
}

/*
 * A commit is picked up at once whatever the writer's synchronous
 * setting: the daemon may wake on the WAL's first write while the commit
 * is still being made (FULL syncs the file before the commit shows), and
 * must look again rather than sleep out its idle minute.  The writer
 * keeps its connection open, as booking software does; each of 20
 * commits per setting reaches the gateway within 2 s.
 */
static void
test_pickup_each_commit(void **state)
{
	static const char *const modes[] = { "FULL", "NORMAL" };
	struct env	*e = *state;
	sqlite3		*db;
	size_t		 i, m, n = 0;
	char		 q[64];
	pid_t		 pid;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	for (m = 0; m < 2; m++) {
		assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
		snprintf(q, sizeof(q), "PRAGMA synchronous = %s", modes[m]);
		assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL),
		    SQLITE_OK);
		for (i = 0; i < 20; i++) {
			book_patient_now(db, (int)n);
			n++;
			if (fixture_wait_requests(&e->gw, n, 2000) != 0) {
				kill(pid, SIGKILL);
				(void)waitpid(pid, NULL, 0);
				fail_msg("synchronous = %s: commit %zu was not "
				    "sent within 2 s", modes[m], i + 1);
			}
		}
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
	}
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 40);
	assert_log_clean(e);
}

/* SIGTERM while a send is in flight: it completes and is recorded. */
static void
test_stop_finishes_in_flight(void **state)
{
	struct env	*e = *state;
	pid_t		 pid;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	book_treatment_25h_ago(e, 1);
	/* the gateway holds its answer until released */
	wait_requests(e, pid, 1);
	assert_int_equal(kill(pid, SIGTERM), 0);
	wait_log(e, pid, "event=stopping");
	fixture_release(&e->gw);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND treatment_id = 2 AND milestone = '24h'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sending'"), 0);
	assert_log_clean(e);
}

/*
 * The gateway accepts a message while the booking software holds the
 * database's write lock for longer than our busy timeout: the outcome is
 * held, written once the lock goes, and the message is not sent again.
 */
static void
test_unrecorded_outcome_is_kept(void **state)
{
	struct env	*e = *state;
	sqlite3		*db;
	pid_t		 pid;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	book_treatment_25h_ago(e, 1);
	wait_requests(e, pid, 1);
	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	fixture_release(&e->gw);
	wait_log(e, pid, "event=unrecorded");
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	wait_log(e, pid, "event=recorded");
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND treatment_id = 2 AND attempts = 1"), 1);
	assert_log_clean(e);
}

/* A batch's worth of stale reminders does not hide one that is due. */
static void
test_expired_batch_does_not_hide_due(void **state)
{
	struct env	*e = *state;
	size_t		 i;

	/* 9 treatments whose every reminder is past its window ... */
	for (i = 0; i < 9; i++)
		db_exec(e, "INSERT INTO treatments (patient_id, performed_at) "
		    "VALUES (1, '2026-11-01T14:00:00Z')");
	/* ... 27 expired reminders, more than a batch (2 x 8) */
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'expired'"), 27);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND treatment_id = 1"), 1);
}

/* A 429's Retry-After (2 s from the test gateway) sets the next attempt. */
static void
test_retry_after_honoured(void **state)
{
	struct env	*e = *state;

	e->delivery = "delivery = { backoff = \"1s\"; };\n";
	write_config(e, e->gw.url, NULL);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT next_attempt_at - "
	    "strftime('%s', '2026-11-25 14:00:05') FROM reminders WHERE "
	    "milestone = '24h' AND state = 'pending' AND attempts = 1 AND "
	    "last_error LIKE 'HTTP 429%'"), 2);
}

/*
 * A 429 pauses the whole gateway: one request, not one per due reminder;
 * once the pause is over, everything goes.
 */
static void
test_429_pauses_everything(void **state)
{
	struct env	*e = *state;
	size_t		 i;

	e->delivery = "delivery = { concurrency = 1; };\n";
	write_config(e, e->gw.url, NULL);
	for (i = 0; i < 5; i++)
		db_exec(e, "INSERT INTO treatments (patient_id, performed_at) "
		    "VALUES (1, '" T_AT "')");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "milestone = '24h' AND state = 'pending' AND attempts = 0"), 5);
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	assert_int_equal(nrequests(e), 7);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "milestone = '24h' AND state = 'sent'"), 6);
}

/*
 * Catch-up after downtime: back after ten days, what is still inside its
 * window goes out and the rest is expired with the reason.
 */
static void
test_catch_up(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	const char		*argv[] = { AFTERCARECTL, "-c", e->t.conf,
				    "reminders", "--state", "expired", NULL };
	char			*out;
	size_t			 n;

	/* treated 2026-11-24 (setup), and 2026-11-30; back on 2026-12-04 */
	db_exec(e, "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2026-11-30T14:00:00Z')");
	assert_int_equal(testenv_once(&e->t, "2026-12-04T12:00:00Z"), 0);
	n = requests(e, &r);
	/* 1w of the first (due 12-01, valid 3 days): sent; 24h of the second
	 * (due 12-01 14:00, valid to 12-04 14:00): sent */
	assert_int_equal(n, 2);
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 2);
	/* 24h of the first (due 11-25, too late after 11-28): expired */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'expired' AND treatment_id = 1 AND milestone = '24h' AND "
	    "last_error LIKE 'not sent in time: due 2026-11-25T14:00:00Z, too "
	    "late after 2026-11-28T14:00:00Z'"), 1);
	assert_int_equal(testenv_run_in(&e->t, argv), 0);
	out = testenv_read_file(e->t.out);
	assert_non_null(strstr(out, "expired"));
	assert_non_null(strstr(out, "not sent in time"));
	free(out);
}

/*
 * The booking software holds the write lock for 10 seconds while a
 * reminder is due and the daemon is asked to stop: nothing is lost, the
 * daemon does not crash, and it still stops.
 */
static void
test_writer_holds_lock(void **state)
{
	struct env	*e = *state;
	sqlite3		*db;
	pid_t		 pid;
	char		*log;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	/* written inside the long transaction: seen only once it commits */
	{
		char	q[256], at[32];
		time_t	t = time(NULL) - 25 * 3600;

		assert_true(strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ",
		    gmtime(&t)) > 0);
		snprintf(q, sizeof(q), "INSERT INTO treatments (patient_id, "
		    "performed_at) VALUES (1, '%s')", at);
		assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL),
		    SQLITE_OK);
	}
	(void)poll(NULL, 0, 10000);	/* the writer's 10 seconds */
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);	/* still up */
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	wait_requests(e, pid, 1);
	wait_log(e, pid, "event=sent");
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND treatment_id = 2 AND milestone = '24h'"), 1);
	log = testenv_read_file(e->t.err);
	assert_null(strstr(log, "<3>"));
	free(log);
}

/* A stop asked for while the database is locked is not held up by it. */
static void
test_stop_while_locked(void **state)
{
	struct env	*e = *state;
	sqlite3		*db;
	pid_t		 pid;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO "
	    "treatments (patient_id, performed_at) VALUES (1, '" T_AT "')",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

/*
 * The disk fills up between the gateway accepting a message and our
 * recording it: nothing is marked sent that was not, the outcome is held,
 * and written once there is room again; the message is sent once.  Needs
 * root for the small tmpfs; skipped without it.
 */
static void
test_disk_full(void **state)
{
	struct env	*e = *state;
	sqlite3		*db;
	char		 filler[192], block[4096];
	pid_t		 pid;
	int		 fd;

	snprintf(e->mnt, sizeof(e->mnt), "%s/full", e->t.dir);
	assert_int_equal(mkdir(e->mnt, 0700), 0);
	if (mount("tmpfs", e->mnt, "tmpfs", 0, "size=2m") == -1) {
		e->mnt[0] = '\0';
		skip();
	}
	e->dbname = "full/aftercare.db";
	snprintf(e->t.db, sizeof(e->t.db), "%s/full/aftercare.db", e->t.dir);
	write_config(e, e->gw.url, NULL);
	ctl(e, "init", NULL, NULL, NULL, NULL, NULL, NULL);
	ctl(e, "patient", "add", "--name", "Maria Example", "--phone",
	    "+1 555 010 0101", NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	book_treatment_25h_ago(e, 1);
	wait_requests(e, pid, 1);
	/* the write-ahead log is emptied, so that the next write must grow */
	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(filler, sizeof(filler), "%s/filler", e->mnt);
	fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	memset(block, 'x', sizeof(block));
	while (write(fd, block, sizeof(block)) > 0)
		continue;
	assert_int_equal(close(fd), 0);
	fixture_release(&e->gw);
	wait_log(e, pid, "event=unrecorded");
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 0);
	assert_int_equal(unlink(filler), 0);
	wait_log(e, pid, "event=recorded");
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(nrequests(e), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND treatment_id = 1 AND milestone = '24h'"), 1);
}

/*
 * A database on a file system mounted read-only: one clear error and
 * exit 1 (root writes any file, so the test remounts instead of chmod).
 */
static void
test_read_only_database(void **state)
{
	struct env	*e = *state;
	char		*err;

	snprintf(e->mnt, sizeof(e->mnt), "%s/ro", e->t.dir);
	assert_int_equal(mkdir(e->mnt, 0700), 0);
	if (mount("tmpfs", e->mnt, "tmpfs", 0, "size=2m") == -1) {
		e->mnt[0] = '\0';
		skip();
	}
	e->dbname = "ro/aftercare.db";
	snprintf(e->t.db, sizeof(e->t.db), "%s/ro/aftercare.db", e->t.dir);
	write_config(e, e->gw.url, NULL);
	ctl(e, "init", NULL, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(mount("tmpfs", e->mnt, "tmpfs",
	    MS_REMOUNT | MS_RDONLY, "size=2m"), 0);
	assert_int_equal(testenv_once(&e->t, T_1D), 1);
	err = testenv_read_file(e->t.err);
	if (strstr(err, "read-only") == NULL || strstr(err, e->t.db) == NULL)
		fail_msg("want one clear error, got: %s", err);
	free(err);
}

/*
 * Twilio's 21610 (the recipient replied STOP) is final and explained,
 * and the number gets nothing more, whatever reminder it is for: its
 * unsent reminders are withheld at once, as a STOP the receiver heard.
 */
static void
test_stop_reply_opts_out(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	const char		*argv[] = { AFTERCARECTL, "-c", e->t.conf,
				    "reminders", "--state", "failed", "--json",
				    NULL };
	char			*out;
	size_t			 n;

	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(testenv_run_in(&e->t, argv), 0);
	out = testenv_read_file(e->t.out);
	if (strstr(out, "21610") == NULL || strstr(out, "replied STOP") == NULL)
		fail_msg("the failure is not explained: %s", out);
	free(out);
	/* a second treatment of the same patient, and another patient */
	db_exec(e, "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '" T_AT "'); INSERT INTO patients (full_name, phone) VALUES "
	    "('Other Patient', '+15550100109'); INSERT INTO treatments "
	    "(patient_id, performed_at) VALUES (2, '" T_AT "')");
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	{
		char *to = fixture_form_get(r[1].body, "To");

		assert_string_equal(to, "+15550100109");
		free(to);
	}
	fixture_requests_free(r, n);
	/* every unsent SMS to the number is withheld, until a START */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'cancelled' AND cancelled_by = 'stop' AND "
	    "treatment_id IN (1, 2) AND last_error LIKE '%replied STOP%'"), 5);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending' AND treatment_id IN (1, 2)"), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts WHERE "
	    "phone = '+15550100101' AND reminder_id = 1"), 1);
	assert_log_clean(e);
}

/* Waits up to 30 s for a query on the database to give want. */
static void
wait_db(struct env *e, pid_t pid, const char *q, int64_t want)
{
	int	i;

	for (i = 0; i < 300; i++) {
		if (db_int(e, q) == want)
			return;
		(void)poll(NULL, 0, 100);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	fail_msg("after 30 s, \"%s\" is %lld, want %lld", q,
	    (long long)db_int(e, q), (long long)want);
}

/*
 * The booking software changes rows while the daemon runs: a moved
 * treatment moves its unsent reminders, a cancelled one and an opted-out
 * patient lose theirs, an opt-in brings them back; nothing already sent
 * changes.
 */
static void
test_booking_changes_while_running(void **state)
{
	struct env	*e = *state;
	pid_t		 pid;

	/* treatment 1 (2026-11-24) may be due now: it was sent, or not */
	db_exec(e, "INSERT INTO patients (full_name, phone) VALUES "
	    "('Second Patient', '+15550100107'); INSERT INTO treatments "
	    "(patient_id, performed_at) VALUES (2, '2099-01-01T10:00:00Z'), "
	    "(2, '2099-02-01T10:00:00Z')");
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	wait_db(e, pid, "SELECT count(*) FROM reminders WHERE treatment_id "
	    "IN (2, 3) AND state = 'pending'", 6);
	db_exec(e, "UPDATE treatments SET performed_at = "
	    "'2099-01-03T10:00:00Z' WHERE id = 2");
	wait_db(e, pid, "SELECT due_at FROM reminders WHERE treatment_id = 2 "
	    "AND milestone = '24h'", 4071204000LL);
	db_exec(e, "UPDATE treatments SET status = 'cancelled' WHERE id = 3");
	wait_db(e, pid, "SELECT count(*) FROM reminders WHERE treatment_id = 3 "
	    "AND state = 'cancelled'", 3);
	db_exec(e, "UPDATE patients SET sms_opt_in = 0 WHERE id = 2");
	wait_db(e, pid, "SELECT count(*) FROM reminders WHERE treatment_id = 2 "
	    "AND state = 'cancelled' AND cancelled_by = 'optout'", 3);
	db_exec(e, "UPDATE patients SET sms_opt_in = 1 WHERE id = 2");
	wait_db(e, pid, "SELECT count(*) FROM reminders WHERE treatment_id = 2 "
	    "AND state = 'pending'", 3);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 3 AND state = 'cancelled'"), 3);
}

/*
 * Reads datagrams from the notify socket until one starts with want,
 * failing after 30 s; returns it in buf.
 */
static void
expect_notify(int fd, pid_t pid, const char *want, char *buf, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	ssize_t		n;
	int		i;

	for (i = 0; i < 300; i++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = recv(fd, buf, len - 1, 0)) <= 0)
			continue;
		buf[n] = '\0';
		if (strncmp(buf, want, strlen(want)) == 0)
			return;
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	fail_msg("no \"%s\" from aftercared on NOTIFY_SOCKET", want);
}

/* The sd_notify protocol, as systemd would see it with Type=notify. */
static void
test_systemd_notify(void **state)
{
	struct env		*e = *state;
	struct sockaddr_un	 sun;
	char			 buf[512];
	pid_t			 pid;
	int			 fd;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/notify", e->t.dir);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", sun.sun_path, 1), 0);
	assert_int_equal(setenv("WATCHDOG_USEC", "400000", 1), 0);
	pid = start_daemon(e);
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(unsetenv("WATCHDOG_USEC"), 0);
	expect_notify(fd, pid, "READY=1", buf, sizeof(buf));
	expect_notify(fd, pid, "STATUS=", buf, sizeof(buf));
	if (strstr(buf, "nothing pending; 0 failed in 24 h") == NULL)
		fail_msg("unexpected %s", buf);
	expect_notify(fd, pid, "WATCHDOG=1", buf, sizeof(buf));
	expect_notify(fd, pid, "WATCHDOG=1", buf, sizeof(buf));
	/* a treatment due next year: the status says when */
	db_exec(e, "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(1, '2099-01-01T10:00:00Z')");
	expect_notify(fd, pid, "STATUS=next reminder due 2099-01-02 10:00 UTC",
	    buf, sizeof(buf));
	assert_int_equal(kill(pid, SIGHUP), 0);
	expect_notify(fd, pid, "RELOADING=1", buf, sizeof(buf));
	expect_notify(fd, pid, "READY=1", buf, sizeof(buf));
	assert_int_equal(kill(pid, SIGTERM), 0);
	expect_notify(fd, pid, "STOPPING=1", buf, sizeof(buf));
	assert_int_equal(wait_exit(pid), 0);
	(void)close(fd);
}

/* The Prometheus text file, written after each pass. */
static void
test_metrics_file(void **state)
{
	struct env	*e = *state;
	char		 path[192], *m;

	write_config(e, e->gw.url, "metrics_file = \"aftercare.prom\";\n");
	db_exec(e, "INSERT INTO patients (full_name, phone) VALUES "
	    "('No Country', '555 0102'); INSERT INTO treatments (patient_id, "
	    "performed_at) VALUES (2, '" T_AT "')");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	snprintf(path, sizeof(path), "%s/aftercare.prom", e->t.dir);
	m = testenv_read_file(path);
	if (strstr(m, "aftercare_reminders{state=\"sent\"} 1\n") == NULL ||
	    strstr(m, "aftercare_reminders{state=\"failed\"} 1\n") == NULL ||
	    strstr(m, "aftercare_reminders{state=\"pending\"} 4\n") == NULL ||
	    strstr(m, "aftercare_sends_total{provider=\"twilio\"} 1\n") ==
	    NULL || strstr(m, "aftercare_send_failures_total{provider="
	    "\"twilio\",reason=\"invalid_recipient\"} 1\n") == NULL ||
	    strstr(m, "# TYPE aftercare_last_success_timestamp_seconds "
	    "gauge\naftercare_last_success_timestamp_seconds 17") == NULL ||
	    strstr(m, "aftercare_pass_duration_seconds 0.") == NULL)
		fail_msg("metrics:\n%s", m);
	free(m);
	snprintf(path, sizeof(path), "%s/aftercare.prom.tmp", e->t.dir);
	assert_int_equal(access(path, F_OK), -1);
}

/* The token from systemd's LoadCredential= ($CREDENTIALS_DIRECTORY). */
static void
test_credentials_directory(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			 dir[160], path[192];
	size_t			 n;

	snprintf(dir, sizeof(dir), "%s/credentials", e->t.dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/token", dir);
	testenv_write_file(path, "credential-token\n");
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", dir, 1), 0);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(unsetenv("CREDENTIALS_DIRECTORY"), 0);
	n = requests(e, &r);
	assert_int_equal(n, 1);
	/* base64 of "AC00000000000000000000000000000001:credential-token" */
	assert_string_equal(r[0].authorization, "Basic QUMwMDAwMDAwMDAwMDAw"
	    "MDAwMDAwMDAwMDAwMDAwMDAwMTpjcmVkZW50aWFsLXRva2Vu");
	fixture_requests_free(r, n);
}

/*
 * Quiet hours where the patient lives: treated at 23:30 in Kolkata, the
 * 24h reminder waits for 09:00 there.
 */
static void
test_quiet_hours(void **state)
{
	struct env	*e = *state;

	e->local = "timezone = \"Europe/Berlin\"; quiet_hours = { "
	    "start = \"20:00\"; end = \"09:00\"; };";
	write_config(e, e->gw.url, NULL);
	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	db_exec(e, "INSERT INTO patients (full_name, phone, timezone) VALUES "
	    "('Night Owl', '+15550100108', 'Asia/Kolkata'); INSERT INTO "
	    "treatments (patient_id, performed_at) VALUES "
	    "(2, '2026-11-24T23:30:00+05:30')");
	/* 24 hours later it is 23:30 in Kolkata: nothing goes */
	assert_int_equal(testenv_once(&e->t, "2026-11-25T18:00:00Z"), 0);
	assert_int_equal(testenv_once(&e->t, "2026-11-26T03:29:00Z"), 0);
	assert_int_equal(nrequests(e), 0);
	/* 09:00 in Kolkata is 03:30 UTC */
	assert_int_equal(testenv_once(&e->t, "2026-11-26T03:30:00Z"), 0);
	assert_int_equal(nrequests(e), 1);
}

/* Only one aftercared sends from a database at a time. */
static void
test_one_sender(void **state)
{
	struct env	*e = *state;
	pid_t		 pid;
	char		*err;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	{
		struct env	second = *e;

		snprintf(second.t.err, sizeof(second.t.err), "%s/stderr2",
		    e->t.dir);
		const char *argv[] = { AFTERCARECTL, "-c", e->t.conf, "status",
		    "--json", NULL };

		assert_int_equal(testenv_once(&second.t, T_1D), 1);
		err = testenv_read_file(second.t.err);
		assert_non_null(strstr(err, "another aftercared is sending"));
		free(err);
		/* the staff see it running, with a heartbeat */
		assert_int_equal(testenv_run_in(&e->t, argv), 0);
		err = testenv_read_file(e->t.out);
		if (strstr(err, "\"running\": true, \"heartbeat\": \"20") ==
		    NULL)
			fail_msg("status: %s", err);
		free(err);
	}
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	/* and once it is gone, a --once run may send */
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
}

/* A damaged database file: one clear error, exit 1, and left as it was. */
static void
test_damaged_database(void **state)
{
	struct env	*e = *state;
	const char	*argv[] = { AFTERCARED, "-c", e->t.conf, NULL };
	char		*err, *before, *after;
	FILE		*f;
	int		 i;

	/* overwrite the header and first pages with garbage */
	f = fopen(e->t.db, "r+");
	assert_non_null(f);
	for (i = 0; i < 8192; i++)
		assert_true(fputc("garbage!"[i % 8], f) != EOF);
	assert_int_equal(fclose(f), 0);
	before = testenv_read_file(e->t.db);
	assert_int_equal(testenv_run_in(&e->t, argv), 1);
	err = testenv_read_file(e->t.err);
	assert_non_null(strstr(err, e->t.db));
	assert_non_null(strstr(err, "not a database"));
	free(err);
	after = testenv_read_file(e->t.db);
	assert_memory_equal(before, after, 8192);
	free(before);
	free(after);
}

/* The webhook provider, end to end. */
static void
test_webhook(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	size_t			 n;

	e->webhook = true;
	write_config(e, e->gw.url, NULL);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	n = requests(e, &r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].path, "/hook");
	assert_string_equal(r[0].authorization, "Bearer test-token");
	assert_non_null(strstr(r[0].content_type, "application/json"));
	assert_int_equal(strlen(r[0].idempotency_key), 32);
	assert_non_null(strstr(r[0].body, "\"to\":\"+15550100101\""));
	assert_non_null(strstr(r[0].body, "\"reminder_id\":1,"));
	assert_non_null(strstr(r[0].body, "\"milestone\":\"24h\""));
	assert_non_null(strstr(r[0].body, "\"body\":\"Hi Maria, "));
	fixture_requests_free(r, n);
	/* the webhook's "id" kept */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND provider_id = 'hook-1'"), 1);
	assert_log_clean(e);
}

static void
test_reload_keeps_running(void **state)
{
	struct env	*e = *state;
	pid_t		 pid;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	write_config(e, e->gw.url, "delivery = 3;\n");
	assert_int_equal(kill(pid, SIGHUP), 0);
	wait_log(e, pid, "event=reload_failed");
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);	/* still up */
	/* a good file is taken: its log level shows */
	write_config(e, e->gw.url, "log_level = \"debug\";\n");
	assert_int_equal(kill(pid, SIGHUP), 0);
	wait_log(e, pid, "event=reloaded");
	book_treatment_25h_ago(e, 1);
	wait_requests(e, pid, 1);
	wait_log(e, pid, "<7>");
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_log_clean(e);
}

#define SENDGRID_EMAIL							\
	"email = { provider = \"sendgrid\"; url = \"%s\"; "		\
	"api_key_file = \"token\"; from = \"care@clinic.example.com\"; };\n"

/* Day one's texts in English and Spanish, for SMS and email. */
#define DAY1_TEXTS							\
	"templates = { day1 = {\n"					\
	"  sms = \"Day one, {first_name}: be gentle with your skin.\";\n"\
	"  subject = \"Your first day after {treatment}\";\n"		\
	"  email = \"Hello {first_name},\\nbe gentle with your skin "	\
	"today.\\n{clinic_name}\";\n"					\
	"  es = { sms = \"Hola {first_name}, hoy cuida tu piel.\";\n"	\
	"    subject = \"Tu primer día tras el {treatment}\";\n"		\
	"    email = \"Hola {first_name},\\nhoy cuida tu piel con "	\
	"suavidad.\\n{clinic_name}\"; };\n"				\
	"}; };\n"

static const struct fixture_req *
request_to(const struct fixture_req *r, size_t n, const char *path,
    const char *needle)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i].path, path) == 0 &&
		    strstr(r[i].body, needle) != NULL)
			return &r[i];
	return NULL;
}

/*
 * SMS where there is a phone, email where there is an address, both where
 * there are both, each tracked on its own; texts in the patient's
 * language; opting out of email leaves SMS alone.
 */
static void
test_email_and_sms(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	const struct fixture_req *q;
	char			 extra[2048];
	size_t			 n;
	char			*log;

	snprintf(extra, sizeof(extra), SENDGRID_EMAIL DAY1_TEXTS, e->gw.url);
	write_config(e, e->gw.url, extra);
	/* written by the clinic's software, language and all */
	db_exec(e, "INSERT INTO patients (full_name, email, language) VALUES "
	    "('Lucía Ejemplo', 'lucia@example.com', 'es-MX'); "
	    "INSERT INTO patients (full_name, phone, email) VALUES "
	    "('Robin Both', '+15550100107', 'robin@example.com'); "
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(2, '" T_AT "'), (3, '" T_AT "')");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	n = requests(e, &r);
	assert_int_equal(n, 4);
	/* Maria and Robin by SMS, in English */
	assert_non_null(q = request_to(r, n, "/2010-04-01/Accounts/"
	    "AC00000000000000000000000000000001/Messages.json",
	    "To=%2B15550100101"));
	assert_non_null(strstr(q->body, "Body=Day%20one%2C%20Maria"));
	assert_non_null(request_to(r, n, "/2010-04-01/Accounts/"
	    "AC00000000000000000000000000000001/Messages.json",
	    "To=%2B15550100107"));
	/* Lucía by email in Spanish (es-MX falls back to es) */
	assert_non_null(q = request_to(r, n, "/v3/mail/send",
	    "\"email\":\"lucia@example.com\""));
	assert_string_equal(q->authorization, "Bearer test-token");
	assert_non_null(strstr(q->content_type, "application/json"));
	assert_non_null(strstr(q->body, "\"subject\":\"Tu primer día tras "
	    "el microneedling\""));
	assert_non_null(strstr(q->body, "Hola Lucía,\\nhoy cuida"));
	assert_non_null(strstr(q->body,
	    "\"email\":\"care@clinic.example.com\""));
	/* Robin by email too, in English */
	assert_non_null(q = request_to(r, n, "/v3/mail/send",
	    "\"email\":\"robin@example.com\""));
	assert_non_null(strstr(q->body, "\"subject\":\"Your first day after "
	    "microneedling\""));
	fixture_requests_free(r, n);
	/* each on its own row; SendGrid's X-Message-Id kept, not a Twilio sid */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'email' AND state = 'sent' AND milestone = '24h' AND "
	    "length(provider_id) = 22 AND "
	    "provider_id NOT GLOB '*[^A-Za-z0-9_-]*'"), 2);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'sms' AND state = 'sent'"), 2);
	/* no email row for Maria, who has no address; no SMS for Lucía */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "(treatment_id = 1 AND channel = 'email') OR (treatment_id = 2 "
	    "AND channel = 'sms')"), 0);

	/* Robin opts out of email: a week later, SMS only */
	ctl(e, "optout", "--patient", "3", "--channel", "email", NULL, NULL);
	assert_int_equal(testenv_once(&e->t, T_7D), 0);
	n = requests(e, &r);
	assert_int_equal(n, 4 + 3);
	assert_null(request_to(r + 4, 3, "/v3/mail/send", "robin@"));
	assert_non_null(request_to(r + 4, 3, "/v3/mail/send", "lucia@"));
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 3 AND channel = 'email' AND milestone != '24h' "
	    "AND state = 'cancelled'"), 2);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 3 AND channel = 'sms' AND milestone = '1w' AND "
	    "state = 'sent'"), 1);

	/* Lucía gets a phone number: the 2-week reminder goes both ways */
	db_exec(e, "UPDATE patients SET phone = '+15550100109' WHERE id = 2");
	assert_int_equal(testenv_once(&e->t, T_14D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND milestone = '2w' AND state = 'sent'"), 2);
	assert_log_clean(e);
	log = testenv_read_file(e->t.all);
	if (strstr(log, "example.com") != NULL || strstr(log, "Luc") != NULL ||
	    strstr(log, "Robin") != NULL)
		fail_msg("the log leaks an address or a name:\n%s", log);
	free(log);
}

/*
 * SendGrid refusing an address fails that email only, with its reason
 * (treatment 1's SMS is cancelled first, so the email gets the 400).
 */
static void
test_email_refused(void **state)
{
	struct env	*e = *state;
	char		 extra[1024];

	snprintf(extra, sizeof(extra), SENDGRID_EMAIL, e->gw.url);
	write_config(e, e->gw.url, extra);
	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	ctl(e, "patient", "add", "--name", "Ana Example", "--email",
	    "ana@example.com", NULL);
	ctl(e, "treatment", "add", "--patient", "2", "--at", T_AT, NULL);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'email' AND state = 'failed' AND last_error LIKE "
	    "'HTTP 400: The to email does not contain a valid address.%'"),
	    1);
	assert_log_clean(e);
}

/*
 * Each kind of treatment follows its own plan; a kind without one gets
 * none (default_plan "none"), with one warning a kind, and is listed by
 * status with the plan its kind differs from only in case; the warning
 * does not come back from commands that look at it again; a treatment
 * whose kind changes swaps its unsent reminders.
 */
static void
test_plans_per_kind(void **state)
{
	struct env	*e = *state;
	char		*log;
	const char	*p;
	int		 warnings = 0;

	write_config(e, e->gw.url,
	    "plans = {\n"
	    "  microneedling = ( { name = \"24h\"; after = \"24h\"; "
	    "template = \"day1\"; } );\n"
	    "  chemical_peel = ( { name = \"3d\"; after = \"3d\"; "
	    "template = \"week1\"; }, { name = \"1w\"; after = \"7d\"; "
	    "template = \"week2\"; } );\n"
	    "};\n"
	    "default_plan = \"none\";\n");
	/* booked by the clinic's software: only aftercared looks at them */
	db_exec(e, "INSERT INTO treatments (patient_id, performed_at, kind) "
	    "VALUES (1, '" T_AT "', 'chemical_peel'), (1, '" T_AT "', "
	    "'laser_resurfacing'), (1, '" T_AT "', 'laser_resurfacing'), "
	    "(1, '" T_AT "', 'Microneedling')");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT group_concat(treatment_id || ':' "
	    "|| milestone, ' ') = '1:24h 2:3d 2:1w' FROM (SELECT * FROM "
	    "reminders WHERE state != 'cancelled' ORDER BY treatment_id, "
	    "due_at)"), 1);
	/* what the old default plan made for treatment 1 is withdrawn */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND milestone IN ('1w', '2w') AND state = "
	    "'cancelled' AND cancelled_by = 'plan'"), 2);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND state = 'sent'"), 1);
	log = testenv_read_file(e->t.all);
	for (p = log; (p = strstr(p, "event=unknown_kind")) != NULL; p++)
		warnings++;
	assert_int_equal(warnings, 2);
	assert_non_null(strstr(log, "kind=laser_resurfacing"));
	assert_non_null(strstr(log, "treatment=5 kind=Microneedling: no plan "
	    "for this kind of treatment and default_plan is \"none\"; it gets "
	    "no reminders (did you mean microneedling? see aftercarectl "
	    "status)"));
	free(log);
	ctl(e, "status", NULL, NULL, NULL, NULL, NULL, NULL);
	log = testenv_read_file(e->t.out);
	if (strstr(log, "problems:       3 treatments get no reminders\n"
	    "  treatment 3: no plan for kind \"laser_resurfacing\" and "
	    "default_plan is \"none\": add a plan for it, or a default plan\n"
	    "  treatment 4: no plan for kind \"laser_resurfacing\"") == NULL ||
	    strstr(log, "  treatment 5: no plan for kind \"Microneedling\" and "
	    "default_plan is \"none\": did you mean \"microneedling\"? (kinds "
	    "are matched exactly, case included)\n") == NULL)
		fail_msg("status: %s", log);
	free(log);
	/* looking at them again (a consent change) says nothing again */
	ctl(e, "optout", "--patient", "1", NULL, NULL, NULL, NULL);
	ctl(e, "optin", "--patient", "1", NULL, NULL, NULL, NULL);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	log = testenv_read_file(e->t.all);
	warnings = 0;
	for (p = log; (p = strstr(p, "event=unknown_kind")) != NULL; p++)
		warnings++;
	assert_int_equal(warnings, 2);
	free(log);
	/* the kind put right: no longer a problem, and its reminders come */
	db_exec(e, "UPDATE treatments SET kind = 'microneedling' WHERE id = 5");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM treatment_problems"),
	    2);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 5 AND milestone = '24h' AND state = 'sent'"), 1);
	/* deleted or cancelled: no longer listed */
	db_exec(e, "DELETE FROM treatments WHERE id = 4");
	db_exec(e, "UPDATE treatments SET status = 'cancelled' WHERE id = 3");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM treatment_problems"),
	    0);
	/* the peel was really microneedling: its reminders follow */
	db_exec(e, "UPDATE treatments SET kind = 'microneedling' WHERE id = 2");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND state = 'cancelled' AND milestone IN "
	    "('3d', '1w')"), 2);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND milestone = '24h' AND state = 'sent'"), 1);
	assert_log_clean(e);
}

/*
 * An email patient end to end over SMTP, to a real server (aiosmtpd):
 * the message it stored is the one the reminder recorded, in Spanish.
 */
static void
test_email_smtp(void **state)
{
	struct env		*e = *state;
	struct smtpd		 mx;
	struct smtpd_msg	*m;
	char			 extra[2048], want_id[128], key[64];
	char			*v, *body;
	size_t			 n;
	sqlite3			*db;
	sqlite3_stmt		*st;

	assert_int_equal(smtpd_start(&mx), 0);
	snprintf(extra, sizeof(extra), "email = { provider = \"smtp\"; "
	    "url = \"%s\"; starttls = false; from = "
	    "\"care@clinic.example.com\"; };\n" DAY1_TEXTS, mx.url);
	write_config(e, e->gw.url, extra);
	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	db_exec(e, "INSERT INTO patients (full_name, email, language) VALUES "
	    "('Lucía Ejemplo', 'lucia@example.com', 'es'); "
	    "INSERT INTO treatments (patient_id, performed_at) VALUES "
	    "(2, '" T_AT "')");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	/* a second pass sends nothing more */
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	assert_int_equal(smtpd_messages(&mx, &m, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].mail_from, "care@clinic.example.com");
	assert_string_equal(m[0].rcpt_to, "lucia@example.com");
	/* the Message-ID carries the reminder's idempotency key */
	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT idempotency_key FROM "
	    "reminders WHERE channel = 'email' AND state = 'sent' AND "
	    "provider_id = idempotency_key", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(key, sizeof(key), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	snprintf(want_id, sizeof(want_id), "<%s@clinic.example.com>", key);
	assert_non_null(v = smtpd_header(&m[0], "Message-ID", NULL));
	assert_string_equal(v, want_id);
	free(v);
	assert_non_null(v = smtpd_header(&m[0], "Subject", NULL));
	body = smtpd_words_decode(v);
	free(v);
	assert_non_null(body);
	assert_string_equal(body, "Tu primer día tras el microneedling");
	free(body);
	assert_non_null(v = smtpd_header(&m[0], "From", NULL));
	assert_non_null(strstr(v, "<care@clinic.example.com>"));
	free(v);
	assert_non_null(v = smtpd_header(&m[0], "List-Unsubscribe", NULL));
	assert_string_equal(v, "<mailto:care@clinic.example.com?subject="
	    "unsubscribe>");
	free(v);
	assert_non_null(body = smtpd_body(&m[0], "text/plain", NULL));
	assert_non_null(strstr(body, "Hola Lucía,\nhoy cuida tu piel con "
	    "suavidad.\nTest Clinic"));
	free(body);
	smtpd_messages_free(m, n);
	smtpd_stop(&mx);
	/* no SMS went anywhere: the only patient with a phone cancelled */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'sms' AND state = 'sent'"), 0);
	assert_log_clean(e);
}

/* An SMS gateway that is down holds up SMS only: email goes out. */
static void
test_channels_pause_apart(void **state)
{
	struct env	*e = *state;
	char		 extra[1024];
	char		*log;

	snprintf(extra, sizeof(extra), SENDGRID_EMAIL, e->gw.url);
	/* nothing listens on port 1 of 127.0.0.1 */
	write_config(e, "http://127.0.0.1:1", extra);
	db_exec(e, "UPDATE patients SET email = 'maria@example.com' "
	    "WHERE id = 1");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "milestone = '24h' AND channel = 'email' AND state = 'sent'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "milestone = '24h' AND channel = 'sms' AND state = 'pending' AND "
	    "attempts = 0 AND last_error LIKE 'cannot connect%'"), 1);
	log = testenv_read_file(e->t.all);
	assert_non_null(strstr(log, "event=gateway_paused provider=twilio"));
	assert_null(strstr(log, "event=gateway_paused provider=sendgrid"));
	free(log);
	assert_log_clean(e);
}

/*
 * A long sync (here 300,000 new treatments) stops at SIGTERM: what it
 * did is kept, the rest stays queued for the next start.
 */
static void
test_stop_during_long_sync(void **state)
{
	struct env	*e = *state;
	pid_t		 pid;

	db_exec(e, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	    "FROM n WHERE i < 300000) INSERT INTO treatments (patient_id, "
	    "performed_at) SELECT 1, '" T_AT "' FROM n");
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	(void)poll(NULL, 0, 200);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_true(db_int(e, "SELECT count(*) FROM treatment_changes") > 0);
	assert_true(db_int(e, "SELECT count(*) FROM reminders") > 3);
	assert_log_clean(e);
}

/*
 * Treatments in the re-plan test: enough that it lasts several seconds, so
 * that a daemon holding the write lock for seconds is caught.  The
 * sanitizer build (.ci/run sets AFTERCARE_TEST_SANITIZED) looks only for
 * memory errors there, which a tenth of them shows as well, in a tenth of
 * its two minutes.
 */
static int
replan_treatments(void)
{
	return getenv("AFTERCARE_TEST_SANITIZED") != NULL ? 6000 : 60000;
}

/*
 * The booking software's writes come first: while a new plan is applied
 * to every treatment of a large database, a front desk committing one
 * small write after another, with a busy timeout of 2 s (less than the
 * README's advice), never finds the database locked.
 */
static void
test_replan_lets_writer_in(void **state)
{
	struct env	*e = *state;
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 extra[1024], q[256], why[256] = "";
	time_t		 give_up;
	pid_t		 pid;
	int64_t		 pending = 0;
	int		 commits = 0, failures = 0;
	int		 n = replan_treatments();

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	snprintf(q, sizeof(q), "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < %d) INSERT INTO treatments "
	    "(patient_id, performed_at) SELECT 1, '2030-01-07T09:00:00Z' "
	    "FROM n", n);
	db_exec(e, q);
	/* The default plan: three reminders each, none due for years */
	assert_int_equal(testenv_once(&e->t, "2029-12-01T00:00:00Z"), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'pending'"), 3 * n);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	snprintf(extra, sizeof(extra), "milestones = (\n"
	    "  { name = \"24h\"; after = \"24h\"; template = \"day1\"; },\n"
	    "  { name = \"3d\"; after = \"3d\"; template = \"day1\"; },\n"
	    "  { name = \"1w\"; after = \"7d\"; template = \"week1\"; },\n"
	    "  { name = \"2w\"; after = \"14d\"; template = \"week2\"; }\n"
	    ");\n");
	write_config(e, e->gw.url, extra);
	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 2000), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT n FROM "
	    "reminder_counts WHERE state = 'pending'", -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(kill(pid, SIGHUP), 0);
	/* A front desk: a new patient every 10 ms, each its own commit */
	give_up = time(NULL) + 240;
	while (pending < 4 * n && time(NULL) < give_up) {
		if (sqlite3_exec(db, "BEGIN; INSERT INTO patients (full_name, "
		    "email) VALUES ('Front Desk', 'desk@example.com'); COMMIT",
		    NULL, NULL, NULL) == SQLITE_OK)
			commits++;
		else {
			if (failures++ == 0)
				snprintf(why, sizeof(why), "%s",
				    sqlite3_errmsg(db));
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		}
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		pending = sqlite3_column_int64(s, 0);
		assert_int_equal(sqlite3_reset(s), SQLITE_OK);
		(void)poll(NULL, 0, 10);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	if (failures > 0)
		fail_msg("%d of %d commits failed during the re-plan: %s",
		    failures, commits + failures, why);
	/* the re-plan was done, with the writer's commits beside it */
	assert_int_equal(pending, 4 * n);
	assert_true(commits > 0);
	assert_log_clean(e);
}

/*
 * A rate-limited SMS gateway does not hold email back until every SMS is
 * out: the channels take turns, a few seconds of sending each.
 */
static void
test_channels_take_turns(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			 extra[1024], out[4096];
	char			*text, *p;
	size_t			 n, i, email = 0, last_sms = 0;

	snprintf(extra, sizeof(extra), SENDGRID_EMAIL, e->gw.url);
	write_config(e, e->gw.url, extra);
	/* sms.rate_limit = 2, in the sms group written above */
	text = testenv_read_file(e->t.conf);
	assert_non_null(p = strstr(text, "  from = \"+15550100\";\n"));
	snprintf(out, sizeof(out), "%.*s  rate_limit = 2;\n%s",
	    (int)(p - text), text, p);
	testenv_write_file(e->t.conf, out);
	free(text);
	db_exec(e, "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 "
	    "FROM k WHERE i < 16) INSERT INTO patients (id, full_name, phone) "
	    "SELECT i, 'Patient ' || i, '+155501001' || (10 + i) FROM k; "
	    "INSERT INTO patients (id, full_name, email) VALUES "
	    "(17, 'Ana Example', 'ana@example.com'); "
	    "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k "
	    "WHERE i < 17) INSERT INTO treatments (patient_id, performed_at) "
	    "SELECT i, '" T_AT "' FROM k");
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	n = requests(e, &r);
	assert_int_equal(n, 17);
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].path, "/v3/mail/send") == 0)
			email = i + 1;
		else
			last_sms = i + 1;
	}
	fixture_requests_free(r, n);
	/* 2 a second, batches of 10: the email comes after the first ten */
	assert_int_equal(email, 11);
	assert_int_equal(last_sms, 17);
	assert_log_clean(e);
}

/*
 * SIGHUP onto another database takes it over as a start would: not while
 * another aftercared sends from it, and with what a dead run had claimed
 * there taken back; then it is this daemon's alone.
 */
static void
test_reload_other_database(void **state)
{
	struct env	*e = *state;
	pid_t		 pid, other;

	struct env	c;

	ctl(e, "treatment", "cancel", "1", NULL, NULL, NULL, NULL);
	pid = start_daemon(e);
	wait_log(e, pid, "event=started");
	e->dbname = "second.db";
	write_config(e, e->gw.url, NULL);
	snprintf(e->t.db, sizeof(e->t.db), "%s/second.db", e->t.dir);
	/* the programs run meanwhile keep off the daemon's stderr file */
	c = *e;
	snprintf(c.t.err, sizeof(c.t.err), "%s/stderr-ctl", e->t.dir);
	ctl(&c, "init", NULL, NULL, NULL, NULL, NULL, NULL);
	ctl(&c, "patient", "add", "--name", "Maria Example", "--phone",
	    "+1 555 010 0101", NULL);
	ctl(&c, "treatment", "add", "--patient", "1", "--at",
	    "2030-01-01T09:00:00Z", NULL);
	/* another daemon sends from second.db: the reload is refused */
	{
		struct env	second = *e;

		snprintf(second.t.err, sizeof(second.t.err), "%s/stderr2",
		    e->t.dir);
		testenv_write_file(second.t.err, "");
		other = start_daemon(&second);
		wait_log(&second, other, "event=started");
		assert_int_equal(kill(pid, SIGHUP), 0);
		wait_log(e, pid, "another aftercared is sending");
		wait_log(e, pid, "event=reload_failed");
		assert_int_equal(kill(other, SIGTERM), 0);
		assert_int_equal(wait_exit(other), 0);
	}
	/* a claim left by a run that died is taken back on the takeover */
	db_exec(e, "UPDATE reminders SET state = 'sending' WHERE id = 1");
	assert_int_equal(kill(pid, SIGHUP), 0);
	wait_log(e, pid, "event=reloaded");
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sending'"), 0);
	/* and now it is this daemon's alone */
	assert_int_equal(testenv_once(&c.t, "2030-01-02T09:00:05Z"), 1);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(wait_exit(pid), 0);
	assert_log_clean(e);
}

/*
 * Each test has its own directory, database and test gateway, which
 * answers 201 to everything, or as the script of TEST_ANSWERS says.
 */
#define TEST(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TEST_ANSWERS(f, script)						\
	cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, script)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_each_milestone_once),
		TEST(test_cancelled_sends_nothing),
		TEST_ANSWERS(test_500_then_201, "500,201"),
		TEST_ANSWERS(test_400_fails_with_reason, "400"),
		TEST_ANSWERS(test_max_attempts, "503"),
		TEST(test_unreachable_loses_nothing),
		TEST(test_bad_phone_does_not_stop_others),
		TEST(test_dry_run_changes_nothing),
		TEST(test_check_config),
		TEST(test_running_daemon_picks_up_new_treatment),
		TEST(test_pickup_each_commit),
		TEST_ANSWERS(test_stop_finishes_in_flight, "201@hold"),
		TEST_ANSWERS(test_unrecorded_outcome_is_kept, "201@hold"),
		TEST(test_expired_batch_does_not_hide_due),
		TEST_ANSWERS(test_retry_after_honoured, "429"),
		TEST(test_webhook),
		TEST_ANSWERS(test_429_pauses_everything, "429,201"),
		TEST(test_catch_up),
		TEST(test_writer_holds_lock),
		TEST(test_stop_while_locked),
		TEST(test_damaged_database),
		TEST(test_one_sender),
		TEST_ANSWERS(test_disk_full, "201@hold"),
		TEST(test_read_only_database),
		TEST_ANSWERS(test_stop_reply_opts_out, "400stop,201"),
		TEST(test_booking_changes_while_running),
		TEST(test_systemd_notify),
		TEST(test_quiet_hours),
		TEST(test_metrics_file),
		TEST(test_credentials_directory),
		TEST(test_reload_keeps_running),
		TEST(test_email_and_sms),
		TEST_ANSWERS(test_email_refused, "400"),
		TEST(test_plans_per_kind),
		TEST(test_email_smtp),
		TEST(test_channels_pause_apart),
		TEST(test_stop_during_long_sync),
		TEST(test_replan_lets_writer_in),
		TEST(test_channels_take_turns),
		TEST(test_reload_other_database),
	};

	return cmocka_run_group_tests_name("daemon", tests, NULL, NULL);
}
