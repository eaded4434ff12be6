/* SPDX-License-Identifier: MIT */
/* test_gateway.c: the libcurl driver against the loopback test gateway. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "gateway.h"
#include "log.h"
#include "util.h"
#include "fixture/fixture.h"

#define SID	"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN	"not-a-real-token"
#define FROM	"+15550100999"
#define TO	"+15550100123"
#define BODY	"Hi! Day 1 after microneedling: no makeup, SPF 50. " \
		"Caf\xc3\xa9 cr\xc3\xa8me \xf0\x9f\x91\x8d & = + 100% \"ok\"\n" \
		"Reply STOP to opt out."
#define NMSG	16
/* What gateway.c says of every TLS failure. */
#define TLS_ERROR	"TLS/certificate problem with the gateway"
#define TLS_START_MS	10000

struct run {
	size_t			 ndone;
	int			 seen[NMSG];
	struct send_result	 res[NMSG];
	int			 pipefd;
	size_t			 nevents;
};

struct env {
	struct fixture		 f;
	struct config		 cfg;
	struct gateway		*gw;
	struct message		 msgs[NMSG];
	char			 keys[NMSG][32];
	char			 url[128];
	struct run		 run;
	char			 tls_dir[PATH_MAX - 32];	/* "" if none */
	pid_t			 tls_pid;	/* openssl s_server, or -1 */
	char			 ca_file[PATH_MAX];
};

/* Files a test may leave in tls_dir; teardown removes them. */
static const char *const tls_files[] = {
	"cert.pem", "key.pem", "other.pem", "otherkey.pem", "notpem.pem",
	"server.out"
};

static void
on_done(void *arg, size_t idx, const struct send_result *res)
{
	struct run	*r = arg;

	assert_true(idx < NMSG);
	r->seen[idx]++;
	r->res[idx] = *res;
	r->ndone++;
}

static bool
on_event(void *arg)
{
	struct run	*r = arg;
	char		 c;

	assert_int_equal(read(r->pipefd, &c, 1), 1);
	r->nevents++;
	return true;
}

static const char *
base64(const char *in, char *out, size_t outlen)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 n = strlen(in), i, o = 0;
	unsigned long		 v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		assert_true(o + 5 <= outlen);
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* Starts a fixture with script and a gateway of provider pointing at it. */
static void
env_start(struct env *e, const char *script, enum sms_provider provider,
    int concurrency, int timeout)
{
	size_t	 i;

	if (fixture_start(&e->f, script) == -1)
		fail_msg("cannot start the test gateway");
	memset(&e->cfg, 0, sizeof(e->cfg));
	e->cfg.sms.provider = provider;
	if (provider == SMS_PROVIDER_WEBHOOK)
		(void)snprintf(e->url, sizeof(e->url), "%s/hook", e->f.url);
	else
		(void)snprintf(e->url, sizeof(e->url), "%s", e->f.url);
	e->cfg.sms.url = e->url;
	e->cfg.sms.account_sid = (char *)(uintptr_t)SID;
	e->cfg.sms.auth_token = (char *)(uintptr_t)TOKEN;
	e->cfg.sms.from = (char *)(uintptr_t)FROM;
	e->cfg.delivery.concurrency = concurrency;
	e->cfg.delivery.timeout = timeout;
	e->cfg.delivery.max_attempts = 5;
	for (i = 0; i < NMSG; i++) {
		(void)snprintf(e->keys[i], sizeof(e->keys[i]),
		    "aftercare-%zu-24h", 100 + i);
		e->msgs[i].reminder_id = (int64_t)(100 + i);
		e->msgs[i].milestone = "24h";
		e->msgs[i].to = TO;
		e->msgs[i].body = BODY;
		e->msgs[i].idempotency_key = e->keys[i];
	}
	memset(&e->run, 0, sizeof(e->run));
	e->run.pipefd = -1;
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_SMS));
}

static void
env_stop(struct env *e)
{
	gateway_free(e->gw);
	e->gw = NULL;
	fixture_stop(&e->f);
}

static int
setup(void **state)
{
	struct env	*e;

	e = xcalloc(1, sizeof(*e));
	e->f.pid = -1;
	e->tls_pid = -1;
	*state = e;
	return 0;
}

/* Runs even when a test fails, so no test gateway outlives its test. */
static int
teardown(void **state)
{
	struct env	*e = *state;
	char		 path[PATH_MAX];
	size_t		 i;
	int		 status;

	env_stop(e);
	if (e->tls_pid > 0) {
		(void)kill(e->tls_pid, SIGTERM);
		while (waitpid(e->tls_pid, &status, 0) == -1 && errno == EINTR)
			continue;
	}
	if (e->tls_dir[0] != '\0') {
		for (i = 0; i < sizeof(tls_files) / sizeof(tls_files[0]); i++) {
			(void)snprintf(path, sizeof(path), "%s/%s", e->tls_dir,
			    tls_files[i]);
			(void)unlink(path);
		}
		if (rmdir(e->tls_dir) == -1)
			(void)fprintf(stderr, "rmdir %s: %s\n", e->tls_dir,
			    strerror(errno));
	}
	if (e->run.pipefd != -1)
		(void)close(e->run.pipefd);
	free(e);
	return 0;
}

static void
test_twilio_sent(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	const struct send_result *res = &e->run.res[0];
	char			 b64[128], want[160], *v;
	size_t			 n;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 3, 10);
	assert_int_equal(gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 1);
	assert_int_equal(res->outcome, OUTCOME_SENT);
	assert_int_equal(res->status, 201);
	assert_int_equal(res->retry_after, -1);
	assert_string_equal(res->provider_id,
	    "SM00000000000000000000000000000001");
	assert_string_equal(res->code, "");
	assert_string_equal(res->error, "");

	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(reqs[0].method, "POST");
	assert_string_equal(reqs[0].path,
	    "/2010-04-01/Accounts/" SID "/Messages.json");
	assert_string_equal(reqs[0].idempotency_key, "aftercare-100-24h");
	(void)snprintf(want, sizeof(want), "Basic %s",
	    base64(SID ":" TOKEN, b64, sizeof(b64)));
	assert_string_equal(reqs[0].authorization, want);
	assert_string_equal(reqs[0].content_type,
	    "application/x-www-form-urlencoded");
	assert_non_null(v = fixture_form_get(reqs[0].body, "To"));
	assert_string_equal(v, TO);
	free(v);
	assert_non_null(v = fixture_form_get(reqs[0].body, "From"));
	assert_string_equal(v, FROM);
	free(v);
	assert_non_null(v = fixture_form_get(reqs[0].body, "Body"));
	assert_string_equal(v, BODY);
	free(v);
	assert_null(fixture_form_get(reqs[0].body, "MessagingServiceSid"));
	fixture_requests_free(reqs, n);
}

/*
 * Twilio's Message fetch through the same driver: a GET of each sid, on
 * connections that also carry sends, with no body and no idempotency
 * key; each answer's status as a delivery state.  A sid that is none is
 * never asked for.
 */
static void
test_twilio_lookup(void **state)
{
	static const char *const sids[] = {
		"SM00000000000000000000000000000001",
		"SM00000000000000000000000000000002",
		"MM00000000000000000000000000000003",
		"SM00000000000000000000000000000004",
		"SM00000000000000000000000000000005",
		"hook-6",
	};
	struct env		*e = *state;
	struct fixture_req	*reqs;
	const struct send_result *res = e->run.res;
	char			 b64[128], want[160], path[128];
	size_t			 i, n;

	env_start(e, "200undelivered,200delivered,200,404,503",
	    SMS_PROVIDER_TWILIO, 1, 10);
	assert_true(gateway_can_lookup(e->gw));
	for (i = 0; i < sizeof(sids) / sizeof(sids[0]); i++) {
		e->msgs[i].lookup = sids[i];
		e->msgs[i].idempotency_key = NULL;
	}
	assert_int_equal(gateway_send(e->gw, e->msgs, 6, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 6);
	assert_int_equal(res[0].outcome, OUTCOME_SENT);
	assert_true(res[0].delivery_known);
	assert_int_equal(res[0].delivery, DELIVERY_UNDELIVERED);
	assert_string_equal(res[0].code, "30005");
	assert_true(res[1].delivery_known);
	assert_int_equal(res[1].delivery, DELIVERY_DELIVERED);
	assert_string_equal(res[1].code, "");
	assert_true(res[2].delivery_known);
	assert_int_equal(res[2].delivery, DELIVERY_SENT);
	assert_int_equal(res[3].outcome, OUTCOME_FAILED);
	assert_false(res[3].delivery_known);
	assert_string_equal(res[3].code, "20404");
	assert_int_equal(res[4].outcome, OUTCOME_RETRY);
	assert_int_equal(res[5].outcome, OUTCOME_FAILED);
	assert_true(res[5].unreached || res[5].status == 0);
	assert_non_null(strstr(res[5].error, "not a Twilio message sid"));

	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 5);
	(void)snprintf(want, sizeof(want), "Basic %s",
	    base64(SID ":" TOKEN, b64, sizeof(b64)));
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "/2010-04-01/Accounts/" SID
		    "/Messages/%s.json", sids[i]);
		assert_string_equal(reqs[i].method, "GET");
		assert_string_equal(reqs[i].path, path);
		assert_string_equal(reqs[i].authorization, want);
		assert_string_equal(reqs[i].idempotency_key, "");
		assert_string_equal(reqs[i].body, "");
		/* one connection for all, as with sends */
		assert_int_equal(reqs[i].conn, 1);
	}
	fixture_requests_free(reqs, n);
}

static void
test_webhook_sent(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	const struct send_result *res = &e->run.res[0];
	size_t			 n;

	env_start(e, "202", SMS_PROVIDER_WEBHOOK, 1, 10);
	e->msgs[0].body = "Caf\xc3\xa9 \"quoted\"\n\xf0\x9f\x91\x8d";
	assert_int_equal(gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(res->outcome, OUTCOME_SENT);
	assert_int_equal(res->status, 202);
	/* the webhook's own answer, {"id":"hook-1"} */
	assert_string_equal(res->provider_id, "hook-1");

	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(reqs[0].method, "POST");
	assert_string_equal(reqs[0].path, "/hook");
	assert_string_equal(reqs[0].idempotency_key, "aftercare-100-24h");
	assert_string_equal(reqs[0].authorization, "Bearer " TOKEN);
	assert_string_equal(reqs[0].content_type, "application/json");
	assert_string_equal(reqs[0].body, "{\"to\":\"" TO "\",\"body\":"
	    "\"Caf\xc3\xa9 \\\"quoted\\\"\\n\xf0\x9f\x91\x8d\","
	    "\"reminder_id\":100,\"milestone\":\"24h\"}");
	fixture_requests_free(reqs, n);
}

/* As env_start, but a SendGrid email gateway. */
static void
env_start_sendgrid(struct env *e, const char *script, int timeout)
{
	size_t	 i;

	env_start(e, script, SMS_PROVIDER_TWILIO, 2, timeout);
	gateway_free(e->gw);
	e->cfg.email.provider = EMAIL_PROVIDER_SENDGRID;
	e->cfg.email.url = e->url;
	e->cfg.email.api_key = (char *)(uintptr_t)TOKEN;
	e->cfg.email.from = (char *)(uintptr_t)"care@clinic.example.com";
	for (i = 0; i < NMSG; i++) {
		e->msgs[i].to = "ana@example.com";
		e->msgs[i].subject = "Your first day after microneedling";
	}
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_EMAIL));
}

/*
 * Sends the first message as row i (answered by script) and fails unless
 * it ends with outcome, status and retry_after.
 */
static void
send_first(struct env *e, size_t i, const char *script, enum outcome outcome,
    long status, long retry_after)
{
	const struct send_result *res = &e->run.res[0];

	if (gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done, &e->run) != 0 ||
	    e->run.ndone != 1)
		fail_msg("row %zu (%s): send", i, script);
	if (res->outcome != outcome)
		fail_msg("row %zu (%s): outcome %d, want %d (%s)", i, script,
		    (int)res->outcome, (int)outcome, res->error);
	if (res->status != status)
		fail_msg("row %zu (%s): status %ld", i, script,
		    res->status);
	if (res->retry_after != retry_after)
		fail_msg("row %zu (%s): retry_after %ld", i, script,
		    res->retry_after);
}

/* SendGrid's own answer: a 202 with no body, the id in X-Message-Id. */
static void
test_sendgrid_sent(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 i, n;

	env_start_sendgrid(e, "201", 10);
	assert_int_equal(gateway_send(e->gw, e->msgs, 2, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(e->run.res[i].outcome, OUTCOME_SENT);
		assert_int_equal(e->run.res[i].status, 202);
		assert_string_equal(e->run.res[i].error, "");
		/* 22 base64url characters, as SendGrid's ids are */
		assert_int_equal(strlen(e->run.res[i].provider_id), 22);
		assert_int_equal(strspn(e->run.res[i].provider_id,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_"), 22);
	}
	assert_string_not_equal(e->run.res[0].provider_id,
	    e->run.res[1].provider_id);
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(reqs[0].path, "/v3/mail/send");
	assert_string_equal(reqs[0].authorization, "Bearer " TOKEN);
	fixture_requests_free(reqs, n);
}

/* SendGrid's errors, {"errors":[{"message":...}]}, through libcurl. */
static void
test_sendgrid_outcomes(void **state)
{
	static const struct {
		const char	*script;
		enum outcome	 outcome;
		long		 status;
		long		 retry_after;
		const char	*error;
	} rows[] = {
		{ "400", OUTCOME_FAILED, 400, -1, "HTTP 400: The to email "
		  "does not contain a valid address." },
		{ "401", OUTCOME_FAILED, 401, -1, "HTTP 401: authorization "
		  "required (check email.api_key)" },
		{ "403", OUTCOME_FAILED, 403, -1, "HTTP 403: access forbidden "
		  "(check that email.api_key may send mail and that "
		  "email.from is a verified sender)" },
		{ "413", OUTCOME_FAILED, 413, -1, "HTTP 413: content too "
		  "large" },
		{ "429", OUTCOME_RETRY, 429, 2, "HTTP 429: too many requests" },
		{ "500", OUTCOME_RETRY, 500, -1, "HTTP 500: internal server "
		  "error" },
		{ "503text", OUTCOME_RETRY, 503, -1, "HTTP 503" },
	};
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	size_t			 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		env_start_sendgrid(e, rows[i].script, 10);
		send_first(e, i, rows[i].script, rows[i].outcome,
		    rows[i].status, rows[i].retry_after);
		if (strcmp(res->error, rows[i].error) != 0)
			fail_msg("row %zu (%s): error \"%s\"", i,
			    rows[i].script, res->error);
		if (res->provider_id[0] != '\0')
			fail_msg("row %zu (%s): id \"%s\"", i,
			    rows[i].script, res->provider_id);
		env_stop(e);
	}
}

/* Each scripted answer, sent once on a fresh gateway. */
static void
test_outcomes(void **state)
{
	static const struct {
		const char	*script;
		int		 timeout;
		enum outcome	 outcome;
		long		 status;
		const char	*code;
		long		 retry_after;
		const char	*error;		/* prefix */
	} rows[] = {
		{ "400", 10, OUTCOME_FAILED, 400, "21211", -1,
		  "HTTP 400: Twilio error 21211: The 'To' number is not a "
		  "valid phone number. (" },
		{ "401", 10, OUTCOME_FAILED, 401, "20003", -1,
		  "HTTP 401: Twilio error 20003: Authenticate" },
		{ "404", 10, OUTCOME_FAILED, 404, "20404", -1, "HTTP 404: " },
		{ "408", 10, OUTCOME_RETRY, 408, "", -1, "HTTP 408" },
		{ "429", 10, OUTCOME_RETRY, 429, "20429", 2,
		  "HTTP 429: Twilio error 20429: Too Many Requests" },
		{ "500", 10, OUTCOME_RETRY, 500, "20500", -1, "HTTP 500: " },
		{ "503", 10, OUTCOME_RETRY, 503, "20503", -1, "HTTP 503: " },
		{ "302", 10, OUTCOME_FAILED, 302, "", -1,
		  "HTTP 302: redirect not followed" },
		{ "201@200", 10, OUTCOME_SENT, 201, "", -1, "" },
		{ "hang", 1, OUTCOME_RETRY, 0, "", -1,
		  "the gateway did not answer in time: " },
		{ "close", 10, OUTCOME_RETRY, 0, "", -1,
		  "the connection to the gateway failed: " },
	};
	struct env		*e = *state;
	struct fixture_req	*reqs;
	const struct send_result *res = &e->run.res[0];
	size_t			 i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		env_start(e, rows[i].script, SMS_PROVIDER_TWILIO, 2,
		    rows[i].timeout);
		send_first(e, i, rows[i].script, rows[i].outcome,
		    rows[i].status, rows[i].retry_after);
		if (strcmp(res->code, rows[i].code) != 0)
			fail_msg("row %zu (%s): code \"%s\"", i,
			    rows[i].script, res->code);
		if (strncmp(res->error, rows[i].error,
		    strlen(rows[i].error)) != 0 ||
		    (rows[i].error[0] == '\0' && res->error[0] != '\0'))
			fail_msg("row %zu (%s): error \"%s\"", i,
			    rows[i].script, res->error);
		if (strstr(res->error, TO + 1) != NULL)
			fail_msg("row %zu: error names the patient", i);
		/* Exactly one request: no redirect followed, no resend. */
		if (fixture_requests(&e->f, &reqs, &n) != 0 || n != 1)
			fail_msg("row %zu (%s): %zu requests", i,
			    rows[i].script, n);
		fixture_requests_free(reqs, n);
		env_stop(e);
	}
}

static void
test_nobody_listening(void **state)
{
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];

	env_start(e, "201", SMS_PROVIDER_TWILIO, 1, 5);
	/* The port of a stopped gateway: nothing listens there now. */
	fixture_stop(&e->f);
	assert_int_equal(gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 1);
	assert_int_equal(res->outcome, OUTCOME_RETRY);
	assert_int_equal(res->status, 0);
	assert_int_equal(res->retry_after, -1);
	assert_int_equal(strncmp(res->error, "cannot connect to the gateway: ",
	    31), 0);
	assert_true(res->unreached);
}

static void
test_concurrency(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 i, j, n, found;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 3, 10);
	assert_int_equal(gateway_send(e->gw, e->msgs, 10, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 10);
	for (i = 0; i < 10; i++) {
		if (e->run.seen[i] != 1)
			fail_msg("message %zu reported %d times", i,
			    e->run.seen[i]);
		if (e->run.res[i].outcome != OUTCOME_SENT)
			fail_msg("message %zu: outcome %d", i,
			    (int)e->run.res[i].outcome);
		for (j = 0; j < i; j++)
			if (strcmp(e->run.res[i].provider_id,
			    e->run.res[j].provider_id) == 0)
				fail_msg("messages %zu and %zu share an id",
				    j, i);
	}
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 10);
	for (i = 0; i < 10; i++) {
		found = 0;
		for (j = 0; j < n; j++)
			if (strcmp(reqs[j].idempotency_key, e->keys[i]) == 0)
				found++;
		if (found != 1)
			fail_msg("message %zu arrived %zu times", i, found);
	}
	fixture_requests_free(reqs, n);
}

/* One handle, one kept-alive connection for every request. */
static void
test_connection_reuse(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 i, n;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 1, 10);
	assert_int_equal(gateway_send(e->gw, e->msgs, 3, -1, NULL, on_done,
	    &e->run), 0);
	/* A second batch on the same gateway reuses it too. */
	assert_int_equal(gateway_send(e->gw, e->msgs + 3, 2, -1, NULL,
	    on_done, &e->run), 0);
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		if (reqs[i].conn != 1)
			fail_msg("request %zu on connection %ld", i,
			    reqs[i].conn);
	fixture_requests_free(reqs, n);
}

/*
 * The event fd is readable from the start: the first transfers are in
 * flight, on_event says stop, nothing new starts, and the in-flight ones
 * still complete (here by timing out against "hang").
 */
static void
test_event_stop(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 i, n;
	int			 fds[2];

	env_start(e, "hang", SMS_PROVIDER_TWILIO, 2, 1);
	assert_int_equal(pipe(fds), 0);
	e->run.pipefd = fds[0];
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(gateway_send(e->gw, e->msgs, 5, fds[0], on_event,
	    on_done, &e->run), 0);
	(void)close(fds[1]);
	assert_int_equal(e->run.nevents, 1);
	assert_int_equal(e->run.ndone, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(e->run.seen[i], 1);
		assert_int_equal(e->run.res[i].outcome, OUTCOME_RETRY);
	}
	for (i = 2; i < 5; i++)
		assert_int_equal(e->run.seen[i], 0);
	assert_int_equal(fixture_wait_requests(&e->f, 2, 10000), 0);
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 2);
	fixture_requests_free(reqs, n);
}

/* A message whose request cannot be built fails alone; the rest go. */
static void
test_build_failure(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 n;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 1, 10);
	e->msgs[0].idempotency_key = NULL;
	e->msgs[2].to = NULL;
	assert_int_equal(gateway_send(e->gw, e->msgs, 4, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 4);
	assert_int_equal(e->run.res[0].outcome, OUTCOME_FAILED);
	assert_int_equal(strncmp(e->run.res[0].error,
	    "cannot build the request: ", 26), 0);
	assert_int_equal(e->run.res[1].outcome, OUTCOME_SENT);
	assert_int_equal(e->run.res[2].outcome, OUTCOME_FAILED);
	assert_int_equal(e->run.res[3].outcome, OUTCOME_SENT);
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 2);
	fixture_requests_free(reqs, n);
}

/*
 * Answers that are not what a gateway should say: no body, a web page,
 * more than we keep (64 KiB), one that never ends, and redirects.  Each
 * on a fresh gateway; none may crash, hang, be sent twice, or be taken
 * for a different outcome than its status says.
 */
static void
test_bad_answers(void **state)
{
	static const struct {
		const char	*script;
		enum sms_provider provider;
		int		 timeout;
		enum outcome	 outcome;
		long		 status;
		long		 retry_after;
		const char	*error;		/* exact, or a prefix ... */
		int		 prefix;	/* ... if this is set */
	} rows[] = {
		/* 0: accepted, whatever the body: never sent again */
		{ "201empty", SMS_PROVIDER_TWILIO, 10, OUTCOME_SENT, 201, -1,
		  "", 0 },
		{ "201text", SMS_PROVIDER_TWILIO, 10, OUTCOME_SENT, 201, -1,
		  "", 0 },
		{ "201big", SMS_PROVIDER_TWILIO, 10, OUTCOME_SENT, 201, -1,
		  "", 0 },
		{ "204", SMS_PROVIDER_TWILIO, 10, OUTCOME_SENT, 204, -1,
		  "", 0 },
		{ "202empty", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_SENT, 202, -1,
		  "", 0 },
		{ "200text", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_SENT, 200, -1,
		  "", 0 },
		{ "201big", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_SENT, 201, -1,
		  "", 0 },
		/* 7: refused: the status decides, the body adds nothing */
		{ "400empty", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 400, -1,
		  "HTTP 400", 0 },
		{ "400text", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 400, -1,
		  "HTTP 400", 0 },
		{ "400big", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 400, -1,
		  "HTTP 400", 0 },
		{ "400text", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_FAILED, 400, -1,
		  "HTTP 400", 0 },
		{ "400big", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_FAILED, 400, -1,
		  "HTTP 400", 0 },
		/* 12: temporary: retried */
		{ "500empty", SMS_PROVIDER_TWILIO, 10, OUTCOME_RETRY, 500, -1,
		  "HTTP 500", 0 },
		{ "503text", SMS_PROVIDER_TWILIO, 10, OUTCOME_RETRY, 503, -1,
		  "HTTP 503", 0 },
		{ "500big", SMS_PROVIDER_TWILIO, 10, OUTCOME_RETRY, 500, -1,
		  "HTTP 500", 0 },
		{ "429empty", SMS_PROVIDER_TWILIO, 10, OUTCOME_RETRY, 429, 2,
		  "HTTP 429", 0 },
		{ "503text", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_RETRY, 503, -1,
		  "HTTP 503", 0 },
		/* 17: headers, then a body that never ends: timed out */
		{ "201stall", SMS_PROVIDER_TWILIO, 1, OUTCOME_RETRY, 0, -1,
		  "the gateway did not answer in time: ", 1 },
		{ "201trickle", SMS_PROVIDER_TWILIO, 1, OUTCOME_RETRY, 0, -1,
		  "the gateway did not answer in time: ", 1 },
		{ "500stall", SMS_PROVIDER_TWILIO, 1, OUTCOME_RETRY, 0, -1,
		  "the gateway did not answer in time: ", 1 },
		{ "202trickle", SMS_PROVIDER_WEBHOOK, 1, OUTCOME_RETRY, 0, -1,
		  "the gateway did not answer in time: ", 1 },
		/* 21: redirects elsewhere (Location: https://example.com/) */
		{ "301", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 301, -1,
		  "HTTP 301: redirect not followed (check sms.url)", 0 },
		{ "303", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 303, -1,
		  "HTTP 303: redirect not followed (check sms.url)", 0 },
		{ "307", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 307, -1,
		  "HTTP 307: redirect not followed (check sms.url)", 0 },
		{ "308", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 308, -1,
		  "HTTP 308: redirect not followed (check sms.url)", 0 },
		{ "302empty", SMS_PROVIDER_TWILIO, 10, OUTCOME_FAILED, 302, -1,
		  "HTTP 302: redirect not followed (check sms.url)", 0 },
		{ "307", SMS_PROVIDER_WEBHOOK, 10, OUTCOME_FAILED, 307, -1,
		  "HTTP 307: redirect not followed (check sms.url)", 0 },
	};
	struct env		*e = *state;
	struct fixture_req	*reqs;
	const struct send_result *res = &e->run.res[0];
	size_t			 i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		env_start(e, rows[i].script, rows[i].provider, 2,
		    rows[i].timeout);
		send_first(e, i, rows[i].script, rows[i].outcome,
		    rows[i].status, rows[i].retry_after);
		if (rows[i].prefix ? strncmp(res->error, rows[i].error,
		    strlen(rows[i].error)) != 0 :
		    strcmp(res->error, rows[i].error) != 0)
			fail_msg("row %zu (%s): error \"%s\"", i,
			    rows[i].script, res->error);
		/* Nothing read from a truncated or non-JSON body. */
		if (res->provider_id[0] != '\0' || res->code[0] != '\0')
			fail_msg("row %zu (%s): id \"%s\", code \"%s\"", i,
			    rows[i].script, res->provider_id, res->code);
		/* It got there: an attempt, whatever came back. */
		if (res->unreached)
			fail_msg("row %zu (%s): counted as unreached", i,
			    rows[i].script);
		if (strpbrk(res->error, "\r\n\t") != NULL)
			fail_msg("row %zu: error is not one line", i);
		if (strstr(res->error, TO + 1) != NULL)
			fail_msg("row %zu: error names the patient", i);
		/* Exactly one request: no redirect followed, no resend. */
		if (fixture_requests(&e->f, &reqs, &n) != 0 || n != 1)
			fail_msg("row %zu (%s): %zu requests", i,
			    rows[i].script, n);
		fixture_requests_free(reqs, n);
		env_stop(e);
	}
}

/*
 * A stalled answer times out on its own handle; the other transfers of
 * the batch are answered normally and the handle is usable afterwards.
 */
static void
test_stall_among_others(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 i, n;

	env_start(e, "201,201stall,201big,201", SMS_PROVIDER_TWILIO, 2, 2);
	assert_int_equal(gateway_send(e->gw, e->msgs, 4, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(e->run.seen[i], 1);
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 4);
	/* The stalled one is whichever message the gateway saw second. */
	for (i = 0; i < n; i++) {
		size_t	k;

		for (k = 0; k < 4; k++)
			if (strcmp(reqs[i].idempotency_key, e->keys[k]) == 0)
				break;
		assert_true(k < 4);
		if (strcmp(reqs[i].status, "201stall") == 0) {
			assert_int_equal(e->run.res[k].outcome, OUTCOME_RETRY);
			assert_int_equal(strncmp(e->run.res[k].error,
			    "the gateway did not answer in time", 34), 0);
		} else
			assert_int_equal(e->run.res[k].outcome, OUTCOME_SENT);
	}
	fixture_requests_free(reqs, n);
	/* The same gateway, after the stall, still sends. */
	memset(&e->run, 0, sizeof(e->run));
	e->run.pipefd = -1;
	assert_int_equal(gateway_send(e->gw, e->msgs + 4, 1, -1, NULL,
	    on_done, &e->run), 0);
	assert_int_equal(e->run.res[0].outcome, OUTCOME_SENT);
}

/* A new gateway for e->cfg as it is now: sms.ca_file is read at start. */
static void
env_regateway(struct env *e)
{
	gateway_free(e->gw);
	memset(&e->run, 0, sizeof(e->run));
	e->run.pipefd = -1;
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_SMS));
}

/* e->tls_dir: a private directory for certificates, gone at teardown. */
static void
tls_dir_make(struct env *e)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(e->tls_dir, sizeof(e->tls_dir),
	    "%s/aftercare-tls.XXXXXX", tmp) >= sizeof(e->tls_dir) ||
	    mkdtemp(e->tls_dir) == NULL) {
		e->tls_dir[0] = '\0';
		fail_msg("mkdtemp in %s: %s", tmp, strerror(errno));
	}
}

/* path = tls_dir/name; name must be one of tls_files. */
static void
tls_path(const struct env *e, const char *name, char *path, size_t len)
{
	if ((size_t)snprintf(path, len, "%s/%s", e->tls_dir, name) >= len)
		fail_msg("path too long: %s/%s", e->tls_dir, name);
}

/*
 * Starts the openssl command line tool with argv, standard output to
 * the file out, the rest to /dev/null.  Returns its pid.
 */
static pid_t
openssl_spawn(char *const argv[], const char *out)
{
	pid_t	 pid;
	int	 fd;

	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(fd, 0) == -1 || dup2(fd, 2) == -1 ||
		    (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1 || dup2(fd, 1) == -1)
			_exit(126);
		(void)execvp("openssl", argv);
		_exit(127);
	}
	return pid;
}

/* Runs openssl to completion: its exit status, 127 if not installed. */
static int
openssl_run(char *const argv[])
{
	pid_t	 pid;
	int	 status;

	pid = openssl_spawn(argv, "/dev/null");
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * Two self-signed certificates for 127.0.0.1, made offline with the
 * openssl tool: cert.pem (with key.pem) and other.pem, which vouches for
 * a different key.  Returns 0, or -1 if openssl is missing or failed.
 */
static int
tls_certs(struct env *e)
{
	static const char *const names[][2] = {
		{ "cert.pem", "key.pem" }, { "other.pem", "otherkey.pem" }
	};
	char	 cert[PATH_MAX], key[PATH_MAX];
	char	*argv[] = { "openssl", "req", "-x509", "-newkey", "ec",
		    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
		    "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2",
		    NULL };
	size_t	 i;
	int	 rc;

	for (i = 0; i < 2; i++) {
		tls_path(e, names[i][0], cert, sizeof(cert));
		tls_path(e, names[i][1], key, sizeof(key));
		if ((rc = openssl_run(argv)) != 0) {
			print_message("openssl req: exit %d%s\n", rc,
			    rc == 127 ? " (not installed)" : "");
			return -1;
		}
	}
	return 0;
}

/*
 * Starts "openssl s_server" with cert.pem on an ephemeral 127.0.0.1
 * port and waits for it to listen: the port, or -1 if it did not.
 */
static int
tls_server_start(struct env *e)
{
	static const char	 accept[] = "ACCEPT 127.0.0.1:";
	struct timespec		 nap = { 0, 10 * 1000000L };
	struct buf		 b;
	char			 cert[PATH_MAX], key[PATH_MAX], out[PATH_MAX];
	char			 chunk[256], *p, *end;
	char			*argv[] = { "openssl", "s_server", "-accept",
				    "127.0.0.1:0", "-cert", cert, "-key", key,
				    "-www", NULL };
	ssize_t			 r;
	long			 port = -1;
	int			 waited, fd, status;

	tls_path(e, "cert.pem", cert, sizeof(cert));
	tls_path(e, "key.pem", key, sizeof(key));
	tls_path(e, "server.out", out, sizeof(out));
	e->tls_pid = openssl_spawn(argv, out);
	/* It prints "ACCEPT 127.0.0.1:PORT" once it listens. */
	for (waited = 0; waited < TLS_START_MS && port == -1; waited += 10) {
		if (waitpid(e->tls_pid, &status, WNOHANG) == e->tls_pid) {
			e->tls_pid = -1;
			break;
		}
		(void)nanosleep(&nap, NULL);
		if ((fd = open(out, O_RDONLY)) == -1)
			continue;
		buf_init(&b);
		while ((r = read(fd, chunk, sizeof(chunk))) > 0)
			buf_append(&b, chunk, (size_t)r);
		buf_append(&b, "", 0);
		(void)close(fd);
		if ((p = strstr(b.data, accept)) != NULL) {
			p += sizeof(accept) - 1;
			errno = 0;
			port = strtol(p, &end, 10);
			if (end == p || *end != '\n' || errno != 0 ||
			    port <= 0 || port > 65535)
				port = -1;
		}
		buf_clear(&b);
	}
	if (port == -1)
		print_message("openssl s_server did not start listening\n");
	return (int)port;
}

/* Sends message 0: a TLS failure before anything reached the gateway. */
static void
check_tls_failure(struct env *e, const char *what)
{
	const struct send_result *res = &e->run.res[0];

	if (gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
	    &e->run) != 0 || e->run.ndone != 1)
		fail_msg("%s: send", what);
	if (res->outcome != OUTCOME_RETRY)
		fail_msg("%s: outcome %d (%s)", what, (int)res->outcome,
		    res->error);
	if (res->status != 0 || res->retry_after != -1)
		fail_msg("%s: status %ld, retry_after %ld", what,
		    res->status, res->retry_after);
	if (strncmp(res->error, TLS_ERROR, strlen(TLS_ERROR)) != 0)
		fail_msg("%s: error \"%s\"", what, res->error);
	/* The handshake failed, so the request was never sent. */
	if (!res->unreached)
		fail_msg("%s: counted as reached", what);
	if (strpbrk(res->error, "\r\n\t") != NULL)
		fail_msg("%s: error is not one line", what);
}

/*
 * https:// to the plain HTTP fixture: it answers the ClientHello with a
 * plain 400, so the handshake fails at once.  A TLS problem, retried,
 * never sent, whatever sms.ca_file says.
 */
static void
test_tls_plain_port(void **state)
{
	struct env		*e = *state;
	struct fixture_req	*reqs;
	size_t			 n;
	int			 fd;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 1, 10);
	tls_dir_make(e);
	(void)snprintf(e->url, sizeof(e->url), "https://127.0.0.1:%d",
	    e->f.port);
	check_tls_failure(e, "system CA store");

	tls_path(e, "notpem.pem", e->ca_file, sizeof(e->ca_file));
	assert_int_not_equal(fd = open(e->ca_file,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), -1);
	assert_int_equal(write(fd, "not a certificate\n", 18), 18);
	assert_int_equal(close(fd), 0);
	e->cfg.sms.ca_file = e->ca_file;
	env_regateway(e);
	check_tls_failure(e, "ca_file not PEM");

	if (tls_certs(e) == 0) {
		tls_path(e, "other.pem", e->ca_file, sizeof(e->ca_file));
		env_regateway(e);
		check_tls_failure(e, "ca_file of another certificate");
	} else
		print_message("no openssl tool: ca_file certificate case "
		    "skipped\n");

	/* Nothing got through to the gateway's request log ... */
	assert_int_equal(fixture_requests(&e->f, &reqs, &n), 0);
	assert_int_equal(n, 0);
	fixture_requests_free(reqs, n);
	/* ... yet it was there all along: plain HTTP gets through. */
	e->cfg.sms.ca_file = NULL;
	(void)snprintf(e->url, sizeof(e->url), "%s", e->f.url);
	env_regateway(e);
	assert_int_equal(gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.res[0].outcome, OUTCOME_SENT);
}

/*
 * A real TLS server (openssl s_server) with a self-signed certificate.
 * With a ca_file that does not vouch for it, or the system store,
 * verification fails: it is on.  With its own certificate as ca_file
 * the request gets past TLS (s_server then never answers a POST), so
 * the failure was the check and nothing else.
 */
static void
test_tls_verify(void **state)
{
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	int			 port;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 1, 1);
	tls_dir_make(e);
	if (tls_certs(e) == -1 || (port = tls_server_start(e)) == -1) {
		print_message("no openssl tool: TLS verification not tested\n");
		skip();
	}
	(void)snprintf(e->url, sizeof(e->url), "https://127.0.0.1:%d", port);

	tls_path(e, "other.pem", e->ca_file, sizeof(e->ca_file));
	e->cfg.sms.ca_file = e->ca_file;
	env_regateway(e);
	check_tls_failure(e, "ca_file of another certificate");
	/* libcurl's words for a failed verification. */
	if (strstr(res->error, "SSL certificate problem") == NULL)
		fail_msg("not a verification failure: \"%s\"", res->error);

	e->cfg.sms.ca_file = NULL;
	env_regateway(e);
	check_tls_failure(e, "system CA store");

	tls_path(e, "cert.pem", e->ca_file, sizeof(e->ca_file));
	e->cfg.sms.ca_file = e->ca_file;
	env_regateway(e);
	assert_int_equal(gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, 1);
	if (strncmp(res->error, TLS_ERROR, strlen(TLS_ERROR)) == 0 ||
	    res->unreached)
		fail_msg("its own certificate: \"%s\"%s", res->error,
		    res->unreached ? ", unreached" : "");
}

/*
 * Retry-After as an HTTP date (RFC 9110 10.2.3) becomes the seconds
 * from now: the fixture dates its answer 120 s ahead, to the second, so
 * the delay is at most 120 (121 if the clock ticks over between the two
 * readings); 100 leaves room for a slow machine.  A past date means
 * now (0); neither a number nor a date is ignored (-1).
 */
static void
test_retry_after_date(void **state)
{
	static const struct {
		const char	*script;
		long		 status;
		long		 lo, hi;	/* retry_after */
	} rows[] = {
		{ "429date", 429, 100, 121 },
		{ "503date", 503, 100, 121 },
		{ "429olddate", 429, 0, 0 },
		{ "503olddate", 503, 0, 0 },
		{ "429baddate", 429, -1, -1 },
	};
	struct env		*e = *state;
	struct fixture_req	*reqs;
	const struct send_result *res = &e->run.res[0];
	size_t			 i, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		env_start(e, rows[i].script, SMS_PROVIDER_TWILIO, 1, 10);
		if (gateway_send(e->gw, e->msgs, 1, -1, NULL, on_done,
		    &e->run) != 0 || e->run.ndone != 1)
			fail_msg("row %zu (%s): send", i, rows[i].script);
		if (res->outcome != OUTCOME_RETRY ||
		    res->status != rows[i].status)
			fail_msg("row %zu (%s): outcome %d, status %ld", i,
			    rows[i].script, (int)res->outcome,
			    res->status);
		if (res->retry_after < rows[i].lo ||
		    res->retry_after > rows[i].hi)
			fail_msg("row %zu (%s): retry_after %ld", i,
			    rows[i].script, res->retry_after);
		if (fixture_requests(&e->f, &reqs, &n) != 0 || n != 1 ||
		    strcmp(reqs[0].status, rows[i].script) != 0)
			fail_msg("row %zu (%s): %zu requests", i,
			    rows[i].script, n);
		fixture_requests_free(reqs, n);
		env_stop(e);
	}
}

/*
 * sms.rate_limit = 20: ten messages cannot go faster than one every
 * 1/19.8 s (the pacing is 1% under the limit), however fast the gateway
 * answers; all are sent.  Only a lower bound is checked: how fast the
 * machine is never decides this test.
 */
static void
test_rate_limit(void **state)
{
	struct env	*e = *state;
	struct timespec	 t0, t1;
	double		 took;
	size_t		 i;

	env_start(e, "201", SMS_PROVIDER_TWILIO, 4, 10);
	gateway_free(e->gw);
	e->cfg.sms.rate_limit = 20;
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_SMS));
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	assert_int_equal(gateway_send(e->gw, e->msgs, 10, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	assert_int_equal(e->run.ndone, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(e->run.res[i].outcome, OUTCOME_SENT);
	took = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (took < 9 / (20 * 0.99))
		fail_msg("10 messages at 20 a second took %.3f s", took);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_twilio_sent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_twilio_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_webhook_sent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sendgrid_sent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sendgrid_outcomes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nobody_listening, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrency, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_connection_reuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_event_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_answers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stall_among_others, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls_plain_port, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls_verify, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retry_after_date, setup,
		    teardown),
	};

	log_init(getenv("TEST_DEBUG") != NULL ? LOG_PRI_DEBUG :
	    LOG_PRI_ERR);
	return cmocka_run_group_tests_name("gateway", tests, NULL, NULL);
}
