/* SPDX-License-Identifier: MIT */
/*
 * test_receipts.c: what aftercared does with what the providers say of
 * its messages, end to end: status callbacks signed as Twilio signs them,
 * posted to a real aftercare-inbound; the email that stands in for an
 * undelivered SMS, through the loopback test gateway; Twilio's Message
 * fetch for an SMS no callback told of; an address that unsubscribed or
 * bounced.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture/fixture.h"
#include "fixture/testenv.h"
#include "fixture/testutil.h"
#include "fixture/webhooks.h"


#define TOKEN		"test-token-7c1e2d"
#define SID		"AC00000000000000000000000000000001"
#define ORIGIN		"https://clinic.example.com"
#define PUBLIC		ORIGIN "/aftercare"
#define MARIA		"+15550100101"
#define BO		"+15550100102"

/* The treatment the timed tests use, and instants after it. */
#define T_AT		"2026-11-24T09:00:00-05:00"
#define T_1D		"2026-11-25T14:00:05Z"
#define T_1D_30M	"2026-11-25T14:30:05Z"
#define T_1D_1H		"2026-11-25T15:00:06Z"
#define T_1D_2H		"2026-11-25T16:00:00Z"

/* What must never reach a log line. */
static const char *const leaks[] = {
	"5550100101", "5550100102", "555 010", "Maria", "Example",
	"maria@example.com", "bo@example.com", "bo@example.net", TOKEN,
	"cleanser", "gentle",
};

struct env {
	char		 dir[64];
	char		 conf[128];
	char		 db[128];
	char		 out[128];
	char		 err[128];
	char		 all[128];	/* every program's stderr, appended */
	int		 port;		/* the receiver's */
	struct webhooks	 in;		/* the receiver */
	struct fixture	 gw;
	bool		 gw_running;
};

/* Milestones that go by SMS alone, so an undelivered one falls back. */
#define SMS_ONLY							\
	"milestones = (\n"						\
	"  { name = \"24h\"; after = \"24h\"; template = \"day1\"; "	\
	"channels = [ \"sms\" ]; },\n"					\
	"  { name = \"1w\"; after = \"7d\"; template = \"week1\"; "	\
	"channels = [ \"sms\" ]; }\n"					\
	");\n"

/*
 * The configuration: Twilio and SendGrid both at the test gateway; with
 * inbound, a receiver on the env's port; then extra.
 */
static void
write_config(struct env *e, bool inbound, const char *extra)
{
	char	text[4096], path[160], in[512];

	snprintf(path, sizeof(path), "%s/token", e->dir);
	testenv_write_file(path, TOKEN "\n");
	assert_int_equal(chmod(path, 0600), 0);
	in[0] = '\0';
	if (inbound)
		snprintf(in, sizeof(in), "inbound = { listen = "
		    "\"127.0.0.1:%d\"; public_url = \"" PUBLIC "\"; };\n",
		    e->port);
	snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "quiet_hours = { start = \"00:00\"; end = \"00:00\"; };\n"
	    "sms = { provider = \"twilio\"; url = \"%s\"; account_sid = \""
	    SID "\"; auth_token_file = \"token\"; from = \"+15550100\"; };\n"
	    "email = { provider = \"sendgrid\"; url = \"%s\"; "
	    "api_key_file = \"token\"; from = \"care@clinic.example.com\"; };\n"
	    "delivery = { concurrency = 2; timeout = 5; max_attempts = 3; "
	    "backoff = \"1m\"; backoff_max = \"1h\"; lookup_after = \"1h\"; };\n"
	    "%s%s", e->gw.url, e->gw.url, in, extra != NULL ? extra : "");
	testenv_write_file(e->conf, text);
}

/* Runs a program to its end; its exit status. */
static int
run(struct env *e, const char *const argv[])
{
	int	status;

	status = testenv_run(argv, e->out, e->err);
	testenv_append_file(e->err, e->all);
	return status;
}

/* aftercared --once, at now (NULL: the real clock). */
static void
once(struct env *e, const char *now)
{
	const char *argv[] = { AFTERCARED, "-c", e->conf, "--once",
	    now != NULL ? "--now" : NULL, now, NULL };

	if (run(e, argv) != 0)
		fail_msg("aftercared --once %s failed:\n%s", now ? now : "",
		    testenv_read_file(e->err));
}

/* aftercarectl with up to four arguments; its stdout, which caller frees. */
static char *
ctl(struct env *e, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	const char *argv[] = { AFTERCARECTL, "-c", e->conf, a1, a2, a3, a4,
	    NULL };

	if (run(e, argv) != 0)
		fail_msg("aftercarectl %s failed:\n%s", a1,
		    testenv_read_file(e->err));
	return testenv_read_file(e->out);
}

static void
db_exec(struct env *e, const char *q)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t
db_int(struct env *e, const char *q)
{
	return testenv_db_int(e->db, q);
}

/* The text of the first row of q; caller frees. */
static char *
db_text(struct env *e, const char *q)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*v;

	assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW || sqlite3_column_text(s, 0) == NULL)
		fail_msg("%s: no text: %s", q, sqlite3_errmsg(db));
	assert_non_null(v = strdup((const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return v;
}

/*
 * Twilio's status callback for sid, as Twilio posts and signs it (the
 * signature over the public URL); returns the HTTP status.
 */
static long
callback(struct env *e, const char *sid, const char *status,
    const char *code)
{
	const struct webhooks_param p[] = {
		{ "AccountSid", SID },
		{ "ApiVersion", "2010-04-01" },
		{ "From", "+15550100" },
		{ "MessageSid", sid },
		{ "MessageStatus", status },
		{ "SmsSid", sid },
		{ "SmsStatus", status },
		{ "To", MARIA },
		{ "ErrorCode", code != NULL ? code : "" },
	};
	char	 reply[256];
	size_t	 n = code != NULL ? NELEM(p) : NELEM(p) - 1;

	return webhooks_twilio_post(&e->in, ORIGIN, "/aftercare/twilio/status",
	    p, n, TOKEN, reply, sizeof(reply));
}

static size_t
requests(struct env *e, struct fixture_req **r)
{
	size_t	n;

	assert_int_equal(fixture_requests(&e->gw, r, &n), 0);
	return n;
}

static int
setup_with(void **state, const char *responses)
{
	struct env	*e = calloc(1, sizeof(*e));
	const char *argv[] = { AFTERCARECTL, "-c", NULL, "init", NULL };

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/aftercare-receipts-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->conf, sizeof(e->conf), "%s/aftercare.conf", e->dir);
	snprintf(e->db, sizeof(e->db), "%s/aftercare.db", e->dir);
	snprintf(e->out, sizeof(e->out), "%s/stdout", e->dir);
	snprintf(e->err, sizeof(e->err), "%s/stderr", e->dir);
	snprintf(e->all, sizeof(e->all), "%s/all-stderr", e->dir);
	testenv_write_file(e->all, "");
	e->in.pid = -1;
	e->in.notifyfd = -1;
	e->port = webhooks_free_port();
	assert_int_equal(fixture_start(&e->gw, responses), 0);
	e->gw_running = true;
	write_config(e, true, SMS_ONLY);
	argv[2] = e->conf;
	assert_int_equal(run(e, argv), 0);
	*state = e;
	return 0;
}

/* Every test gateway answer a 2xx, each in its provider's way. */
static int
setup(void **state)
{
	return setup_with(state, "201");
}

/* Two SMS sent, then a Message fetch that finds one undelivered. */
static int
setup_lookup(void **state)
{
	return setup_with(state, "201,201,200undelivered,202");
}

static int
setup_lookup_trouble(void **state)
{
	return setup_with(state, "201,201,503,404");
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[128];

	webhooks_kill(&e->in);
	if (e->gw_running)
		fixture_stop(&e->gw);
	testenv_assert_clean(e->all, leaks, NELEM(leaks));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
	return 0;
}

/* Maria and Bo, each with a phone and an email, treated at at. */
static void
two_patients(struct env *e, const char *at)
{
	char	q[1024];

	snprintf(q, sizeof(q), "INSERT INTO patients (id, full_name, phone, "
	    "email) VALUES (1, 'Maria Example', '+1 555 010 0101', "
	    "'maria@example.com'), (2, 'Bo Example', '" BO "', "
	    "'bo@example.com');"
	    "INSERT INTO treatments (id, patient_id, performed_at) VALUES "
	    "(1, 1, %s), (2, 2, %s)", at, at);
	db_exec(e, q);
}

/*
 * Every SMS asks for its callbacks at public_url, and a delivered and an
 * undelivered (30005, permanent) one come back, signed, to a real
 * receiver, twice and out of order: the states only move forward, and
 * on its next pass aftercared sends Bo's milestone by email instead; the
 * staff see all of it.
 */
static void
test_callbacks(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			*maria, *bo, *out, *cb, q[256];
	int64_t			 bo_sms;
	size_t			 n, i;

	/* 25 hours ago, by the real clock: the receiver stamps with it */
	two_patients(e, "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-25 hours')");
	once(e, NULL);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_string_equal(r[i].method, "POST");
		assert_string_equal(r[i].path,
		    "/2010-04-01/Accounts/" SID "/Messages.json");
		assert_non_null(cb = fixture_form_get(r[i].body,
		    "StatusCallback"));
		assert_string_equal(cb, PUBLIC "/twilio/status");
		free(cb);
	}
	fixture_requests_free(r, n);
	maria = db_text(e, "SELECT provider_id FROM reminders WHERE "
	    "treatment_id = 1 AND milestone = '24h'");
	bo = db_text(e, "SELECT provider_id FROM reminders WHERE "
	    "treatment_id = 2 AND milestone = '24h'");
	bo_sms = db_int(e, "SELECT id FROM reminders WHERE treatment_id = 2 "
	    "AND milestone = '24h'");

	webhooks_start(&e->in, e->conf, e->dir, e->port, e->all);
	assert_int_equal(callback(e, maria, "sent", NULL), 200);
	assert_int_equal(callback(e, maria, "delivered", NULL), 200);
	assert_int_equal(callback(e, bo, "undelivered", "30005"), 200);
	/* a repeat, and a late "sent": nothing moves back */
	assert_int_equal(callback(e, bo, "undelivered", "30005"), 200);
	assert_int_equal(callback(e, bo, "sent", NULL), 200);
	assert_int_equal(callback(e, maria, "queued", NULL), 200);
	webhooks_stop(&e->in);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND milestone = '24h' AND "
	    "delivery_state = 'delivered'"), 1);
	snprintf(q, sizeof(q), "SELECT count(*) FROM reminders WHERE id = "
	    "%lld AND delivery_state = 'undelivered' AND delivery_error = "
	    "'30005'", (long long)bo_sms);
	assert_int_equal(db_int(e, q), 1);

	/* the next pass: Bo's 24h by email, and nothing for Maria */
	once(e, NULL);
	n = requests(e, &r);
	assert_int_equal(n, 3);
	assert_string_equal(r[2].method, "POST");
	assert_string_equal(r[2].path, "/v3/mail/send");
	assert_non_null(strstr(r[2].body, "\"email\":\"bo@example.com\""));
	assert_non_null(strstr(r[2].body, "\"milestone\":\"24h\""));
	fixture_requests_free(r, n);
	snprintf(q, sizeof(q), "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND milestone = '24h' AND channel = 'email' AND "
	    "state = 'sent' AND fallback_for = %lld", (long long)bo_sms);
	assert_int_equal(db_int(e, q), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'email'"), 1);
	/* and once only */
	once(e, NULL);
	n = requests(e, &r);
	assert_int_equal(n, 3);
	fixture_requests_free(r, n);

	out = ctl(e, "reminders", NULL, NULL, NULL);
	assert_non_null(strstr(out, "Z delivered   1     -\n"));
	assert_non_null(strstr(out, "Z undelivered 1     30005 unknown "
	    "number\n"));
	free(out);
	out = ctl(e, "preview", "--treatment", "2", NULL);
	snprintf(q, sizeof(q), "\n24h email: sent\n");
	assert_non_null(strstr(out, q));
	snprintf(q, sizeof(q), "  instead of SMS reminder %lld, which could "
	    "not be delivered\n", (long long)bo_sms);
	assert_non_null(strstr(out, q));
	assert_non_null(strstr(out, ": 30005 unknown number\n"));
	free(out);
	out = ctl(e, "status", NULL, NULL, NULL);
	assert_non_null(strstr(out, "\ndelivery:       1 undelivered, 1 "
	    "delivered\nundelivered:    1 in the last 24 h\n  1 sms "
	    "undelivered: 30005 unknown number\n"));
	free(out);
	free(maria);
	free(bo);
}

/*
 * An SMS no callback told of is looked up once with Twilio's Message
 * fetch, delivery.lookup_after after it was sent, only with an inbound
 * section; found undelivered for good, it falls back to email in that
 * same pass.  One with a final state is not asked after.
 */
static void
test_lookup(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			 path[128], *maria, *out;
	size_t			 n;

	two_patients(e, "'" T_AT "'");
	once(e, T_1D);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	fixture_requests_free(r, n);
	maria = db_text(e, "SELECT provider_id FROM reminders WHERE "
	    "treatment_id = 1 AND milestone = '24h'");
	/* Bo's callback came */
	db_exec(e, "UPDATE reminders SET delivery_state = 'delivered', "
	    "delivery_at = 1795615300 WHERE treatment_id = 2 AND "
	    "milestone = '24h'");
	/* too soon to ask */
	once(e, T_1D_30M);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	fixture_requests_free(r, n);
	/* no receiver, no look-up */
	write_config(e, false, SMS_ONLY);
	once(e, T_1D_1H);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	fixture_requests_free(r, n);
	write_config(e, true, SMS_ONLY);
	once(e, T_1D_1H);
	n = requests(e, &r);
	assert_int_equal(n, 4);
	snprintf(path, sizeof(path), "/2010-04-01/Accounts/" SID
	    "/Messages/%s.json", maria);
	assert_string_equal(r[2].method, "GET");
	assert_string_equal(r[2].path, path);
	assert_string_equal(r[2].body, "");
	assert_non_null(strstr(r[2].authorization, "Basic "));
	assert_string_equal(r[3].path, "/v3/mail/send");
	assert_non_null(strstr(r[3].body, "\"email\":\"maria@example.com\""));
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND milestone = '24h' AND channel = 'sms' AND "
	    "delivery_state = 'undelivered' AND delivery_error = '30005' AND "
	    "delivery_checked_at = unixepoch('" T_1D_1H "') AND "
	    "delivery_at = delivery_checked_at"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND channel = 'email' AND state = 'sent' AND "
	    "due_at = unixepoch('" T_1D_1H "')"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "delivery_checked_at IS NOT NULL"), 1);
	/* once only */
	once(e, T_1D_2H);
	n = requests(e, &r);
	assert_int_equal(n, 4);
	fixture_requests_free(r, n);
	out = ctl(e, "status", NULL, NULL, NULL);
	assert_non_null(strstr(out, "delivery:       1 undelivered, 1 "
	    "delivered\n"));
	free(out);
	free(maria);
}

/*
 * A look-up Twilio cannot answer now (503) is asked again on a later
 * pass, not counted as done; one it answers with an error (404) is done,
 * nothing learnt, and never asked again.
 */
static void
test_lookup_trouble(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			*log;
	size_t			 n;

	two_patients(e, "'" T_AT "'");
	once(e, T_1D);
	db_exec(e, "UPDATE reminders SET delivery_state = 'delivered', "
	    "delivery_at = 1795615300 WHERE treatment_id = 2 AND "
	    "milestone = '24h'");
	write_config(e, true, SMS_ONLY);
	once(e, T_1D_1H);
	n = requests(e, &r);
	assert_int_equal(n, 3);
	assert_string_equal(r[2].method, "GET");
	fixture_requests_free(r, n);
	log = testenv_read_file(e->err);
	assert_non_null(strstr(log, "event=lookup_retry"));
	free(log);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "delivery_checked_at IS NOT NULL"), 0);
	once(e, T_1D_2H);
	n = requests(e, &r);
	assert_int_equal(n, 4);
	assert_string_equal(r[3].method, "GET");
	fixture_requests_free(r, n);
	log = testenv_read_file(e->err);
	assert_non_null(strstr(log, "event=lookup_failed"));
	free(log);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "delivery_checked_at IS NOT NULL AND delivery_state IS NULL"), 1);
	/* asked once for good: never again */
	once(e, "2026-11-25T18:00:00Z");
	n = requests(e, &r);
	assert_int_equal(n, 4);
	fixture_requests_free(r, n);
}

/*
 * A spam report or unsubscribe (as the receiver records it, the address
 * in another case) cancels every unsent email to that address on the
 * next pass, not only the one due; SMS go on.
 */
static void
test_spamreport(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	size_t			 n, i;

	/* the default plan: each milestone by SMS and by email */
	write_config(e, true, NULL);
	two_patients(e, "'" T_AT "'");
	once(e, "2026-11-24T15:00:00Z");
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "channel = 'email' AND state = 'pending'"), 6);
	db_exec(e, "INSERT INTO email_optouts (address, event, recorded_at) "
	    "VALUES ('Maria@Example.COM', 'spamreport', 1795528800)");
	once(e, T_1D);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND channel = 'email' AND state = 'cancelled' "
	    "AND cancelled_by = 'optout' AND last_error = 'the patient''s "
	    "email address unsubscribed or reported spam'"), 3);
	n = requests(e, &r);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		assert_null(strstr(r[i].body, "maria@example.com"));
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent' AND milestone = '24h'"), 3);
	fixture_requests_free(r, n);
}

/*
 * A bounce stops email to the address, until the patient's address
 * changes: then what is unsent goes to the new one.
 */
static void
test_bounce(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	size_t			 n;

	write_config(e, true, NULL);
	two_patients(e, "'" T_AT "'");
	db_exec(e, "INSERT INTO email_bounces (address, event, status, "
	    "recorded_at) VALUES ('bo@example.com', 'bounce', '5.1.1', "
	    "1795528800)");
	once(e, T_1D);
	n = requests(e, &r);
	/* Maria's SMS and email, Bo's SMS */
	assert_int_equal(n, 3);
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND channel = 'email' AND state = 'cancelled' "
	    "AND last_error LIKE '%bounced%'"), 3);
	/* the same address again: still nothing */
	db_exec(e, "UPDATE patients SET email = ' BO@example.com' WHERE id = 2");
	once(e, "2026-11-25T15:00:00Z");
	n = requests(e, &r);
	assert_int_equal(n, 3);
	fixture_requests_free(r, n);
	/* a new address: the 24h email goes, still in its window */
	db_exec(e, "UPDATE patients SET email = 'bo@example.net' WHERE id = 2");
	once(e, "2026-11-25T16:00:00Z");
	n = requests(e, &r);
	/* then, the SMS sent two hours before are looked up */
	assert_int_equal(n, 6);
	assert_string_equal(r[3].path, "/v3/mail/send");
	assert_non_null(strstr(r[3].body, "\"email\":\"bo@example.net\""));
	assert_string_equal(r[4].method, "GET");
	assert_string_equal(r[5].method, "GET");
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND channel = 'email' AND state = 'pending'"),
	    2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_callbacks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lookup, setup_lookup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lookup_trouble,
		    setup_lookup_trouble, teardown),
		cmocka_unit_test_setup_teardown(test_spamreport, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bounce, setup, teardown),
	};

	return cmocka_run_group_tests_name("receipts", tests, NULL, NULL);
}
