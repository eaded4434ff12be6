/* SPDX-License-Identifier: MIT */
/*
 * test_replies.c: what aftercared does with what patients text back, end
 * to end: the real aftercare-inbound on a loopback port, posted to as
 * Twilio posts (signed), then the real aftercared against the loopback
 * test gateway, and aftercarectl: STOP and START, replies escalated to
 * staff by email (retried, never lost), the staff's commands.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture/fixture.h"
#include "fixture/testenv.h"
#include "fixture/webhooks.h"


#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define TOKEN		"test-token-7c1e04"
#define SID		"AC00000000000000000000000000000001"
#define ORIGIN		"https://clinic.example.com"
#define SMS_PATH	"/aftercare/twilio/sms"
#define MARIA		"+15550100101"
#define BO		"+15550100102"
#define TWIML_EMPTY	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
#define SENDGRID_PATH	"/v3/mail/send"
#define TWILIO_PATH	"/2010-04-01/Accounts/" SID "/Messages.json"

/* What must never reach a log line, of any program. */
static const char *const leaks[] = {
	"5550100101", "555 010 0101", "5550100102", "Maria", "Bo Example",
	"swollen", "oozing", "redness", "stop texting", "nurse@", "doctor@",
	TOKEN,
};

struct env {
	char		 dir[64];
	char		 conf[128];
	char		 db[128];
	char		 out[128];
	char		 err[128];	/* the last command's stderr */
	char		 all[128];	/* every program's stderr */
	char		 inbound_err[128];
	int		 port;		/* aftercare-inbound's */
	struct fixture	 gw;
	bool		 gw_running;
	struct webhooks	 in;
	pid_t		 daemon;	/* aftercared running, or -1 */
};

static void
write_config(struct env *e, const char *inbound)
{
	char	text[4096], tok[160];

	(void)snprintf(tok, sizeof(tok), "%s/token", e->dir);
	testenv_write_file(tok, TOKEN "\n");
	assert_int_equal(chmod(tok, 0600), 0);
	(void)snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "quiet_hours = { start = \"00:00\"; end = \"00:00\"; };\n"
	    "sms = { provider = \"twilio\"; url = \"%s\"; account_sid = \""
	    SID "\"; auth_token_file = \"token\"; from = \"+15550100\"; };\n"
	    "email = { provider = \"sendgrid\"; url = \"%s\"; "
	    "api_key = \"SG.test\"; from = \"care@clinic.example.com\"; };\n"
	    "delivery = { concurrency = 2; timeout = 5; max_attempts = 3; "
	    "backoff = \"1m\"; backoff_max = \"1h\"; };\n"
	    "inbound = {\n"
	    "  listen = \"127.0.0.1:%d\";\n"
	    "  public_url = \"" ORIGIN "/aftercare\";\n"
	    "  escalate_to = [ \"nurse@clinic.example.com\", "
	    "\"doctor@clinic.example.com\" ];\n"
	    "  %s\n"
	    "};\n", e->gw.url, e->gw.url, e->port, inbound);
	testenv_write_file(e->conf, text);
}

/* Runs a program to completion; its exit status.  stderr is kept. */
static int
run(struct env *e, const char *const argv[])
{
	int	status;

	status = testenv_run(argv, e->out, e->err);
	testenv_append_file(e->err, e->all);
	return status;
}

/* aftercared --once, at now (NULL: the clock's). */
static int
once(struct env *e, const char *now)
{
	const char *argv[] = { AFTERCARED, "-c", e->conf, "--once", "--now",
	    now, NULL };

	if (now == NULL)
		argv[4] = NULL;
	return run(e, argv);
}

/* aftercarectl with up to four arguments; its exit status. */
static int
ctl(struct env *e, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	const char *argv[] = { AFTERCARECTL, "-c", e->conf, a1, a2, a3, a4,
	    NULL };

	return run(e, argv);
}

static int64_t
db_int(struct env *e, const char *q)
{
	return testenv_db_int(e->db, q);
}

/* An instant the given seconds from now, in RFC 3339. */
static void
rfc3339_in(int64_t secs, char *buf, size_t len)
{
	time_t	t = time(NULL) + (time_t)secs;

	assert_true(strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t)) > 0);
}

static size_t
requests(struct env *e, struct fixture_req **r)
{
	size_t	n;

	assert_int_equal(fixture_requests(&e->gw, r, &n), 0);
	return n;
}

/* How many requests the gateway had on path. */
static size_t
requests_to(struct env *e, const char *path)
{
	struct fixture_req	*r;
	size_t			 n, i, k = 0;

	n = requests(e, &r);
	for (i = 0; i < n; i++)
		if (strcmp(r[i].path, path) == 0)
			k++;
	fixture_requests_free(r, n);
	return k;
}

/*
 * A patient's SMS as Twilio posts it, with photos; the answer's body
 * goes into reply.  Returns the HTTP status.
 */
static long
sms(struct env *e, const char *sid, const char *from, const char *text,
    const char *photos, char *reply, size_t len)
{
	const struct webhooks_param p[] = {
		{ "ToCountry", "US" },
		{ "SmsMessageSid", sid },
		{ "NumMedia", photos },
		{ "From", from },
		{ "To", "+15550100" },
		{ "Body", text },
		{ "MessageSid", sid },
		{ "AccountSid", SID },
		{ "NumSegments", "1" },
		{ "ApiVersion", "2010-04-01" },
	};

	return webhooks_twilio_post(&e->in, ORIGIN, SMS_PATH, p, NELEM(p),
	    TOKEN, reply, len);
}

/* Starts aftercare-inbound with extra in its inbound section. */
static void
receiver(struct env *e, const char *extra)
{
	write_config(e, extra);
	webhooks_start(&e->in, e->conf, e->dir, e->port, e->inbound_err);
}

/*
 * Maria (patient 1) and Bo (patient 2), each treated at `at` (treatments
 * 1 and 2).
 */
static int
setup_at(void **state, const char *responses, int64_t treated)
{
	struct env	*e = calloc(1, sizeof(*e));
	char		 at[32];

	assert_non_null(e);
	(void)snprintf(e->dir, sizeof(e->dir), "/tmp/aftercare-replies-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	(void)snprintf(e->conf, sizeof(e->conf), "%s/aftercare.conf", e->dir);
	(void)snprintf(e->db, sizeof(e->db), "%s/aftercare.db", e->dir);
	(void)snprintf(e->out, sizeof(e->out), "%s/stdout", e->dir);
	(void)snprintf(e->err, sizeof(e->err), "%s/stderr", e->dir);
	(void)snprintf(e->all, sizeof(e->all), "%s/all-stderr", e->dir);
	(void)snprintf(e->inbound_err, sizeof(e->inbound_err),
	    "%s/inbound-stderr", e->dir);
	testenv_write_file(e->inbound_err, "");
	e->in.pid = -1;
	e->in.notifyfd = -1;
	e->daemon = -1;
	e->port = webhooks_free_port();
	assert_int_equal(fixture_start(&e->gw, responses), 0);
	e->gw_running = true;
	write_config(e, "");
	assert_int_equal(ctl(e, "init", NULL, NULL, NULL), 0);
	{
		const char *argv[] = { AFTERCARECTL, "-c", e->conf, "patient",
		    "add", "--name", "Maria Example", "--phone",
		    "+1 555 010 0101", NULL };
		const char *argv2[] = { AFTERCARECTL, "-c", e->conf, "patient",
		    "add", "--name", "Bo Example", "--phone", BO, NULL };

		assert_int_equal(run(e, argv), 0);
		assert_int_equal(run(e, argv2), 0);
	}
	rfc3339_in(treated, at, sizeof(at));
	{
		const char *argv[] = { AFTERCARECTL, "-c", e->conf,
		    "treatment", "add", "--patient", "1", "--at", at, NULL };
		const char *argv2[] = { AFTERCARECTL, "-c", e->conf,
		    "treatment", "add", "--patient", "2", "--at", at, NULL };

		assert_int_equal(run(e, argv), 0);
		assert_int_equal(run(e, argv2), 0);
	}
	*state = e;
	return 0;
}

/* Treated 25 hours ago: the 24h texts are due. */
static int
setup(void **state)
{
	return setup_at(state, "201", -25 * 3600);
}

/*
 * Treated in ten days: nothing is due, so every request is an
 * escalation.  SendGrid answers 503, then 202, then 400.
 */
static int
setup_flaky(void **state)
{
	return setup_at(state, "503,202,400", 10 * 86400);
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	char		*log, cmd[128];
	size_t		 i;

	if (e->daemon != -1) {
		(void)kill(e->daemon, SIGKILL);
		(void)testenv_wait(e->daemon);
	}
	webhooks_kill(&e->in);
	if (e->gw_running)
		fixture_stop(&e->gw);
	/* Neither program wrote a patient's number, name or words. */
	testenv_append_file(e->inbound_err, e->all);
	log = testenv_read_file(e->all);
	for (i = 0; i < NELEM(leaks); i++)
		if (strstr(log, leaks[i]) != NULL)
			fail_msg("a log leaks \"%s\":\n%s", leaks[i], log);
	free(log);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
	return 0;
}

/* Starts aftercared in the foreground, its stderr into e->err. */
static void
start_daemon(struct env *e)
{
	const char	*argv[] = { AFTERCARED, "-c", e->conf, NULL };

	e->daemon = testenv_spawn(argv, NULL, e->err, false);
}

/* SIGTERM to aftercared; it must exit 0. */
static void
stop_daemon(struct env *e)
{
	int	status;

	assert_int_equal(kill(e->daemon, SIGTERM), 0);
	status = testenv_wait(e->daemon);
	e->daemon = -1;
	testenv_append_file(e->err, e->all);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("aftercared did not exit 0 (%#x)", status);
}

/* Waits up to 30 s for query q to give want. */
static void
wait_db(struct env *e, const char *q, int64_t want)
{
	int	i;

	for (i = 0; i < 300; i++) {
		if (db_int(e, q) == want)
			return;
		(void)poll(NULL, 0, 100);
	}
	fail_msg("after 30 s, \"%s\" is %lld, want %lld", q,
	    (long long)db_int(e, q), (long long)want);
}

/*
 * The body of the gateway's request i (from 0) of those to path, or
 * fails; caller frees.  Others between them (the look-ups of SMS that no
 * callback told of) are passed over.
 */
static char *
request_body(struct env *e, size_t i, const char *path)
{
	struct fixture_req	*r;
	size_t			 n, k, seen = 0;
	char			*body = NULL;

	n = requests(e, &r);
	for (k = 0; k < n && body == NULL; k++)
		if (strcmp(r[k].path, path) == 0 && seen++ == i)
			body = strdup(r[k].body);
	fixture_requests_free(r, n);
	if (body == NULL)
		fail_msg("no request %zu to %s (%zu to it, %zu in all)", i,
		    path, seen, n);
	return body;
}

static void
assert_has(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" is not in:\n%s", needle, text);
}

/*
 * STOP from the patient's own phone: every unsent SMS to the number is
 * cancelled on the next pass, with cancelled_by saying why, nothing more
 * goes to it, and the history shows the STOP with its evidence; START
 * gives the reminders back and the texts go again.  Another patient is
 * left alone.
 */
static void
test_stop_start(void **state)
{
	struct env	*e = *state;
	char		 reply[1024], later[32], *out;

	assert_int_equal(once(e, NULL), 0);
	assert_int_equal(requests_to(e, TWILIO_PATH), 2);
	receiver(e, "");
	assert_int_equal(sms(e, "SM00000000000000000000000000000c01", MARIA,
	    " Stop ", "0", reply, sizeof(reply)), 200);
	assert_string_equal(reply, TWIML_EMPTY);
	/* Not yet: aftercared has not looked. */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND state = 'pending'"), 2);
	assert_int_equal(once(e, NULL), 0);
	/* Both, the two-week one included, at once; Bo's stay. */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND state = 'cancelled' AND cancelled_by = "
	    "'stop' AND last_error = 'the number unsubscribed (replied "
	    "STOP)'"), 2);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 2 AND state = 'pending'"), 2);
	/* The week's texts fall due: Bo's goes, Maria's does not. */
	rfc3339_in(7 * 86400, later, sizeof(later));
	assert_int_equal(once(e, later), 0);
	assert_int_equal(requests_to(e, TWILIO_PATH), 3);
	out = request_body(e, 2, TWILIO_PATH);
	assert_has(out, "To=%2B15550100102");
	free(out);
	/* The evidence: when, the provider's id, her words. */
	assert_int_equal(ctl(e, "history", "--patient", "1", NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "optout          SM00000000000000000000000000000c01 "
	    " Stop ");
	free(out);
	assert_int_equal(ctl(e, "history", "--patient", "1", "--json"), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "\"classification\": \"optout\", \"urgent\": false");
	assert_has(out, "\"message_id\": \"SM00000000000000000000000000000c01\", "
	    "\"text\": \" Stop \"}");
	free(out);

	/* START: the reminders still ahead come back, and go. */
	assert_int_equal(sms(e, "SM00000000000000000000000000000c02", MARIA,
	    "START", "0", reply, sizeof(reply)), 200);
	assert_string_equal(reply, TWIML_EMPTY);
	assert_int_equal(once(e, NULL), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 1 AND state = 'pending'"), 2);
	assert_int_equal(once(e, later), 0);
	assert_int_equal(requests_to(e, TWILIO_PATH), 4);
	out = request_body(e, 3, TWILIO_PATH);
	assert_has(out, "To=%2B15550100101");
	free(out);
	assert_int_equal(ctl(e, "history", "--patient", "1", NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "optin           SM00000000000000000000000000000c02 "
	    "START");
	free(out);
	/* A keyword is no reply for the staff: nothing was emailed. */
	assert_int_equal(requests_to(e, SENDGRID_PATH), 0);
	webhooks_stop(&e->in);
}

/*
 * With aftercared running: a symptom reply reaches the staff by email on
 * the pass the receiver's write wakes, [urgent] and with its photos told
 * of; another reply is not urgent, a request to stop is marked as a
 * possible opt-out; a STOP cancels at once.  The acknowledgement is the
 * receiver's answer, once a day, never to a keyword: aftercared sends no
 * SMS for it.  Then the staff's view.
 */
static void
test_escalated(void **state)
{
	struct env	*e = *state;
	struct fixture_req *r;
	char		 reply[1024], *out;
	size_t		 n;

	receiver(e, "acknowledge = true;");
	start_daemon(e);
	assert_int_equal(fixture_wait_requests(&e->gw, 2, 30000), 0);

	assert_int_equal(sms(e, "SM00000000000000000000000000000d01", MARIA,
	    "My face is still swollen and oozing", "2", reply,
	    sizeof(reply)), 200);
	assert_has(reply, "<Response><Message>Thank you, the clinic has your "
	    "message; if it is urgent call +1 555 0100.</Message></Response>");
	assert_int_equal(fixture_wait_requests(&e->gw, 3, 30000), 0);
	out = request_body(e, 0, SENDGRID_PATH);
	assert_has(out, "\"to\":[{\"email\":\"nurse@clinic.example.com\"},"
	    "{\"email\":\"doctor@clinic.example.com\"}],\"custom_args\":"
	    "{\"inbound_id\":\"1\"}}]");
	assert_has(out, "\"subject\":\"[urgent] Reply from Maria Example "
	    "(patient 1)\"");
	assert_has(out, "\\n\\n> My face is still swollen and oozing\\n\\n");
	assert_has(out, "It came with 2 photos, in the provider's console");
	assert_has(out, "Treatment: 1, microneedling, ");
	assert_has(out, "Answers:   reminder 1 (24h), sent ");
	assert_has(out, "aftercarectl reply done 1");
	free(out);
	wait_db(e, "SELECT count(*) FROM inbound_messages WHERE id = 1 AND "
	    "escalation = 'sent' AND escalated_at IS NOT NULL AND "
	    "escalation_attempts = 1", 1);

	/* Not urgent; not thanked twice in a day. */
	assert_int_equal(sms(e, "SM00000000000000000000000000000d02", MARIA,
	    "Is some redness normal?", "0", reply, sizeof(reply)), 200);
	assert_string_equal(reply, TWIML_EMPTY);
	assert_int_equal(fixture_wait_requests(&e->gw, 4, 30000), 0);
	out = request_body(e, 1, SENDGRID_PATH);
	assert_has(out, "\"subject\":\"Reply from Maria Example (patient 1)\"");
	free(out);

	/* From a number no patient has: it may ask to stop. */
	assert_int_equal(sms(e, "SM00000000000000000000000000000d03",
	    "+15550100199", "please stop texting me", "0", reply,
	    sizeof(reply)), 200);
	assert_string_equal(reply, TWIML_EMPTY);
	assert_int_equal(fixture_wait_requests(&e->gw, 5, 30000), 0);
	out = request_body(e, 2, SENDGRID_PATH);
	assert_has(out, "\"subject\":\"[possible opt-out] Reply from a number "
	    "no patient has\"");
	assert_has(out, "From:      +15550100199");
	free(out);

	/* STOP: Maria's unsent texts go at once, not at their time. */
	assert_int_equal(sms(e, "SM00000000000000000000000000000d04", MARIA,
	    "STOP", "0", reply, sizeof(reply)), 200);
	assert_string_equal(reply, TWIML_EMPTY);
	wait_db(e, "SELECT count(*) FROM reminders WHERE treatment_id = 1 AND "
	    "state = 'cancelled' AND cancelled_by = 'stop'", 2);
	stop_daemon(e);
	webhooks_stop(&e->in);
	/* Only the two 24h texts went by SMS, and three emails to staff. */
	n = requests(e, &r);
	assert_int_equal(n, 5);
	fixture_requests_free(r, n);
	assert_int_equal(requests_to(e, TWILIO_PATH), 2);

	/* The staff's view: newest first, keywords left out. */
	assert_int_equal(ctl(e, "replies", NULL, NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "ID    RECEIVED          PATIENT TREAT. URGENT KIND     "
	    "ESCALATED         DONE TEXT\n3     ");
	assert_has(out, "Z -       -      -      opt-out? ");
	assert_has(out, "Z no   please stop texting me\n2     ");
	assert_has(out, "Z 1       1      -      reply    ");
	assert_has(out, "Z no   Is some redness nor...\n1     ");
	assert_has(out, "Z 1       1      urgent reply    ");
	assert_has(out, "Z no   My face is still sw...\n");
	assert_null(strstr(out, "STOP"));
	free(out);
	assert_int_equal(ctl(e, "replies", "--json", NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "\"photos\": 2, \"escalation\": \"sent\", "
	    "\"escalation_attempts\": 1, \"escalation_error\": null");
	assert_has(out, "\"text\": \"My face is still swollen and oozing\"}");
	assert_null(strstr(out, "5550100101"));
	free(out);
	assert_int_equal(ctl(e, "status", NULL, NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "replies:        3 open, 1 urgent; 0 waiting to be "
	    "emailed to staff, 0 not emailed (failed)\n");
	free(out);

	assert_int_equal(ctl(e, "reply", "done", "1", NULL), 0);
	out = testenv_read_file(e->out);
	assert_string_equal(out, "reply 1 handled\n");
	free(out);
	assert_int_equal(ctl(e, "reply", "done", "1", NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "reply 1 was handled already, at ");
	free(out);
	assert_int_equal(ctl(e, "replies", "--open", NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_null(strstr(out, "\n1     "));
	assert_has(out, "\n3     ");
	assert_has(out, "\n2     ");
	free(out);
	assert_int_equal(ctl(e, "status", "--json", NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "\"replies\": {\"open\": 2, \"urgent\": 0, "
	    "\"escalations_waiting\": 0, \"escalations_failed\": 0}");
	free(out);
	/* the STOP is a keyword, not a reply */
	assert_int_equal(ctl(e, "reply", "done", "4", NULL), 1);
	out = testenv_read_file(e->err);
	assert_string_equal(out, "aftercarectl reply done: no reply with id "
	    "4\n");
	free(out);
}

/*
 * An escalation the gateway refuses for now (503) is kept, with the
 * reason, and tried again after its backoff: the same message, the same
 * idempotency key.  One refused for good (400) fails where the staff see
 * it, and is counted.
 */
static void
test_escalation_retried(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*r;
	char			 reply[1024], later[32], *out;
	size_t			 n;

	receiver(e, "");
	assert_int_equal(sms(e, "SM00000000000000000000000000000e01", MARIA,
	    "it's still swollen", "0", reply, sizeof(reply)), 200);
	webhooks_stop(&e->in);
	assert_int_equal(once(e, NULL), 0);
	assert_int_equal(requests_to(e, SENDGRID_PATH), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE id = 1 AND escalation = 'pending' AND escalation_attempts "
	    "= 1 AND escalation_error LIKE 'HTTP 503%' AND escalation_next_at "
	    "> unixepoch() + 30 AND escalated_at IS NULL"), 1);
	assert_int_equal(ctl(e, "replies", "--json", NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "\"escalation\": \"pending\", \"escalation_attempts\": "
	    "1, \"escalation_error\": \"HTTP 503");
	free(out);
	assert_int_equal(ctl(e, "replies", NULL, NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "pending           no   it's still swollen\n");
	free(out);
	/* Not before its time. */
	assert_int_equal(once(e, NULL), 0);
	assert_int_equal(requests_to(e, SENDGRID_PATH), 1);

	rfc3339_in(2 * 3600, later, sizeof(later));
	assert_int_equal(once(e, later), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE id = 1 AND escalation = 'sent' AND escalation_attempts = 2 "
	    "AND escalation_error IS NULL"), 1);
	n = requests(e, &r);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].body, r[1].body);
	assert_string_equal(r[0].idempotency_key, r[1].idempotency_key);
	assert_int_equal(strncmp(r[0].idempotency_key, "aftercare-reply-1-",
	    18), 0);
	fixture_requests_free(r, n);

	/* Refused for good: failed, and visible. */
	receiver(e, "");
	assert_int_equal(sms(e, "SM00000000000000000000000000000e02", MARIA,
	    "it's still swollen today", "0", reply, sizeof(reply)), 200);
	webhooks_stop(&e->in);
	assert_int_equal(once(e, later), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE id = 2 AND escalation = 'failed' AND escalation_error LIKE "
	    "'HTTP 400%'"), 1);
	out = testenv_read_file(e->err);
	assert_has(out, "event=escalation_failed reply=2 provider=sendgrid "
	    "status=400");
	free(out);
	assert_int_equal(ctl(e, "replies", "--open", NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "urgent reply    failed            no   it's still "
	    "swollen ...\n");
	free(out);
	assert_int_equal(ctl(e, "status", NULL, NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_has(out, "replies:        2 open, 2 urgent; 0 waiting to be "
	    "emailed to staff, 1 not emailed (failed)\n");
	free(out);
}

/*
 * Without an email provider, escalation cannot work: --check-config says
 * so on the line of escalate_to; without escalate_to, it warns that no
 * one is told.  Bad ids to the staff's commands.
 */
static void
test_config_and_usage(void **state)
{
	struct env	*e = *state;
	const char *check[] = { AFTERCARED, "-c", e->conf, "--check-config",
	    NULL };
	char		 text[1024], *out;

	(void)snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "sms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token_file = \"token\"; from = \"+15550100\"; };\n"
	    "inbound = {\n"
	    "  public_url = \"" ORIGIN "/aftercare\";\n"
	    "  escalate_to = [ \"nurse@clinic.example.com\" ];\n"
	    "};\n");
	testenv_write_file(e->conf, text);
	assert_int_equal(run(e, check), 2);
	out = testenv_read_file(e->err);
	assert_has(out, "aftercare.conf:6: escalate_to needs an email "
	    "section: replies are escalated to staff by email, through the "
	    "email provider\n");
	free(out);
	(void)snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "sms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token_file = \"token\"; from = \"+15550100\"; };\n"
	    "inbound = {\n"
	    "  public_url = \"" ORIGIN "/aftercare\";\n"
	    "};\n");
	testenv_write_file(e->conf, text);
	assert_int_equal(run(e, check), 0);
	out = testenv_read_file(e->err);
	assert_has(out, "aftercare.conf:4: warning: no escalate_to: patients' "
	    "replies are emailed to no one, and escalation needs an email "
	    "section too (aftercarectl replies lists them)\n");
	free(out);

	/* The staff's commands, given what they cannot use. */
	write_config(e, "");
	assert_int_equal(ctl(e, "reply", "done", "99", NULL), 1);
	out = testenv_read_file(e->err);
	assert_string_equal(out, "aftercarectl reply done: no reply with id "
	    "99\n");
	free(out);
	assert_int_equal(ctl(e, "reply", "done", "x", NULL), 2);
	assert_int_equal(ctl(e, "reply", "done", "0", NULL), 2);
	assert_int_equal(ctl(e, "reply", "done", NULL, NULL), 2);
	out = testenv_read_file(e->err);
	assert_has(out, "aftercarectl reply done: missing reply ID");
	free(out);
	assert_int_equal(ctl(e, "reply", "done", "1", "2"), 2);
	assert_int_equal(ctl(e, "reply", "undo", "1", NULL), 2);
	assert_int_equal(ctl(e, "reply", NULL, NULL, NULL), 2);
	assert_int_equal(ctl(e, "replies", "--closed", NULL, NULL), 2);
	out = testenv_read_file(e->err);
	assert_has(out, "aftercarectl replies: unexpected argument "
	    "\"--closed\"");
	free(out);
	assert_int_equal(ctl(e, "replies", "--open", "--open", NULL), 2);
	/* none yet */
	assert_int_equal(ctl(e, "replies", "--json", NULL, NULL), 0);
	out = testenv_read_file(e->out);
	assert_string_equal(out, "[]\n");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stop_start, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_escalated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_escalation_retried,
		    setup_flaky, teardown),
		cmocka_unit_test_setup_teardown(test_config_and_usage, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("replies", tests, NULL, NULL);
}
