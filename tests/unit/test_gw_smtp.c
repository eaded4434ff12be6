/* SPDX-License-Identifier: MIT */
/* test_gw_smtp.c: the gateway's SMTP provider against a real server (aiosmtpd). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "gateway.h"
#include "log.h"
#include "util.h"
#include "fixture/postfix.h"
#include "fixture/smtpd.h"
#include "fixture/testutil.h"

#define FROM		"care@clinic.example.com"
#define FROM_NAME	"Test Clinic"
#define UNSUBSCRIBE	"mailto:care@clinic.example.com?subject=unsubscribe"
/* Fri, 06 Mar 2026 09:30:05 +0000 */
#define DATE		((time_t)1772789405)
#define NMSG		20
/* RFC 5322 2.1.1: a line is at most 998 characters, CRLF excluded. */
#define LINE_MAX_5322	998
/* Room for any header or part the tests look at. */
#define TEXT_MAX	4096

/* Exactly 200 characters (204 bytes). */
#define LINE200	"Evite el sol directo y aplique protector solar SPF " \
		"50 cada dos horas; no use retinol, \xc3\xa1" "cidos ni " \
		"exfoliantes durante siete d\xc3\xad" "as. Si nota " \
		"enrojecimiento intenso, calor o ampollas, ll\xc3\xa1" \
		"menos hoy: 555-0100"
#define SUBJECT_ES	"Cuidados despu\xc3\xa9s de tu tratamiento"
#define TEXT_ES	"Hola Zo\xc3\xa9,\n\nD\xc3\xad" "a 1 despu\xc3\xa9s " \
		"del microneedling: nada de maquillaje.\n" LINE200 \
		"\n\nTest Clinic \xf0\x9f\x8c\xbf"
#define TEXT_HTML	"Hi Ana,\n\nDay 7 after your peel: moisturise " \
			"twice a day & keep using SPF 50.\n\nTest Clinic"
#define HTML		"<p>Hi Ana,</p>\n<p>Day 7 after your peel: " \
			"moisturise twice a day &amp; keep using SPF 50." \
			"</p>\n<p>Test Clinic \xe2\x80\x94 caf\xc3\xa9 " \
			"hours 9\xe2\x80\x93" "5</p>"
/* Lines that SMTP's end of data (a lone ".") and dot stuffing touch. */
#define TEXT_DOTS	"Day 30 check-in.\n.\n..two dots\n.hidden? no.\n" \
			". a dot and a space\n...\nThe end."

struct run {
	size_t			 ndone;
	int			 seen[NMSG];
	struct send_result	 res[NMSG];
};

struct env {
	struct smtpd		 s;
	struct postfix		 pf;
	struct config		 cfg;
	struct gateway		*gw;
	struct message		 msgs[NMSG];
	char			 keys[NMSG][48];
	char			 to[NMSG][64];
	char			 url[64];
	struct run		 run;
	struct smtpd_msg	*ms;		/* what the server stored */
	size_t			 nms;
	int			 closed_fd;	/* bound, not listening */
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

/* A gateway for url, and NMSG plain messages to patientN@example.com. */
static void
env_gateway(struct env *e, const char *url, int concurrency, int timeout)
{
	size_t	 i;

	memset(&e->cfg, 0, sizeof(e->cfg));
	(void)snprintf(e->url, sizeof(e->url), "%s", url);
	e->cfg.clinic_name = (char *)(uintptr_t)FROM_NAME;
	e->cfg.email.provider = EMAIL_PROVIDER_SMTP;
	e->cfg.email.url = e->url;
	e->cfg.email.starttls = false;
	e->cfg.email.from = (char *)(uintptr_t)FROM;
	e->cfg.email.from_name = (char *)(uintptr_t)FROM_NAME;
	e->cfg.email.unsubscribe = (char *)(uintptr_t)UNSUBSCRIBE;
	e->cfg.delivery.concurrency = concurrency;
	e->cfg.delivery.timeout = timeout;
	e->cfg.delivery.max_attempts = 5;
	e->cfg.delivery.backoff_base = 60;
	e->cfg.delivery.backoff_max = 3600;
	memset(e->msgs, 0, sizeof(e->msgs));
	for (i = 0; i < NMSG; i++) {
		(void)snprintf(e->keys[i], sizeof(e->keys[i]),
		    "aftercare-%zu-24h", 100 + i);
		(void)snprintf(e->to[i], sizeof(e->to[i]),
		    "patient%zu@example.com", i);
		e->msgs[i].reminder_id = (int64_t)(100 + i);
		e->msgs[i].milestone = "24h";
		e->msgs[i].to = e->to[i];
		e->msgs[i].to_name = "Ana Example";
		e->msgs[i].subject = "Your aftercare";
		e->msgs[i].body = "Hi Ana, day 1: no makeup, SPF 50.";
		e->msgs[i].idempotency_key = e->keys[i];
		e->msgs[i].date = DATE;
	}
	memset(&e->run, 0, sizeof(e->run));
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_EMAIL));
	assert_string_equal(gateway_provider(e->gw), "smtp");
}

/* Starts the SMTP server and a gateway pointing at it. */
static void
env_start(struct env *e, int concurrency, int timeout)
{
	if (smtpd_start(&e->s) == -1)
		fail_msg("cannot start the SMTP server");
	env_gateway(e, e->s.url, concurrency, timeout);
}

static void
env_stop(struct env *e)
{
	gateway_free(e->gw);
	e->gw = NULL;
	smtpd_stop(&e->s);
	postfix_stop(&e->pf);
	smtpd_messages_free(e->ms, e->nms);
	e->ms = NULL;
	e->nms = 0;
}

/* Reads what the server stored into e->ms (freed by env_stop()). */
static void
env_messages(struct env *e)
{
	smtpd_messages_free(e->ms, e->nms);
	e->ms = NULL;
	e->nms = 0;
	if (smtpd_messages(&e->s, &e->ms, &e->nms) == -1)
		fail_msg("cannot read the stored messages");
}

/* Sends msgs[0..n-1]; each must be reported exactly once. */
static void
env_send(struct env *e, size_t n)
{
	size_t	 i;

	assert_int_equal(gateway_send(e->gw, e->msgs, n, -1, NULL, on_done,
	    &e->run), 0);
	assert_int_equal(e->run.ndone, n);
	for (i = 0; i < n; i++)
		if (e->run.seen[i] != 1)
			fail_msg("message %zu reported %d times", i,
			    e->run.seen[i]);
}

static int
setup(void **state)
{
	struct env	*e;

	e = xcalloc(1, sizeof(*e));
	e->s.pid = -1;
	e->pf.pid = -1;
	e->closed_fd = -1;
	*state = e;
	return 0;
}

/* Runs even when a test fails, so no server outlives its test. */
static int
teardown(void **state)
{
	struct env	*e = *state;

	env_stop(e);
	if (e->closed_fd != -1)
		(void)close(e->closed_fd);
	free(e);
	return 0;
}

/*
 * Parses an RFC 5322 date-time ("Fri, 6 Mar 2026 09:30:05 +0000") into
 * *t; the day name, if any, must be the right one.  Returns 0, or -1.
 */
static int
date_parse(const char *s, time_t *t)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	 tm, check;
	const char	*p = s;
	char		*end;
	long		 v[6], zone;
	int		 wday = -1, i;
	time_t		 local;

	memset(&tm, 0, sizeof(tm));
	if (p[0] != '\0' && p[1] != '\0' && p[2] != '\0' && p[3] == ',') {
		for (i = 0; i < 7; i++)
			if (strncmp(p, days[i], 3) == 0)
				wday = i;
		if (wday == -1 || p[4] != ' ')
			return -1;
		p += 5;
	}
	/* day, month name, year, then hh:mm:ss and the zone */
	errno = 0;
	v[0] = strtol(p, &end, 10);
	if (end == p || end - p > 2 || *end != ' ')
		return -1;
	p = end + 1;
	for (i = 0; i < 12; i++)
		if (strncmp(p, months[i], 3) == 0 && p[3] == ' ')
			break;
	if (i == 12)
		return -1;
	tm.tm_mon = i;
	p += 4;
	v[1] = strtol(p, &end, 10);
	if (end - p != 4 || *end != ' ')
		return -1;
	p = end + 1;
	for (i = 2; i < 5; i++) {
		if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
			return -1;
		v[i] = (p[0] - '0') * 10 + (p[1] - '0');
		if (p[2] != (i < 4 ? ':' : ' '))
			return -1;
		p += 3;
	}
	if ((p[0] != '+' && p[0] != '-') || strlen(p) != 5)
		return -1;
	zone = strtol(p + 1, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	zone = (zone / 100 * 60 + zone % 100) * 60 * (p[0] == '-' ? -1 : 1);
	tm.tm_mday = (int)v[0];
	tm.tm_year = (int)v[1] - 1900;
	tm.tm_hour = (int)v[2];
	tm.tm_min = (int)v[3];
	tm.tm_sec = (int)v[4];
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	local = timegm(&tm);
	if (gmtime_r(&local, &check) == NULL || check.tm_mday != tm.tm_mday ||
	    (wday != -1 && check.tm_wday != wday))
		return -1;
	*t = local - zone;
	return 0;
}

/*
 * The text as a mail client shows it.  SMTP ends the message data with a
 * line break, so a text without a final one may gain one; nothing else
 * may change.
 */
static bool
text_equal(const char *got, const char *want)
{
	size_t	 n = strlen(want);

	return strcmp(got, want) == 0 || (strncmp(got, want, n) == 0 &&
	    strcmp(got + n, "\n") == 0 && (n == 0 || want[n - 1] != '\n'));
}

/* Whether a Content-Type value says charset=UTF-8 (any case, quoted). */
static bool
is_utf8(const char *ctype)
{
	char	*cs;
	bool	 ok;

	cs = smtpd_param(ctype, "charset");
	ok = cs != NULL && strcasecmp(cs, "UTF-8") == 0;
	free(cs);
	return ok;
}

/*
 * Moves the fixture's string s (may be NULL: "") into buf and frees it,
 * so that a failed assertion leaks nothing.  Returns whether s was set.
 */
static bool
take(char *s, char *buf, size_t size)
{
	size_t	 len;

	buf[0] = '\0';
	if (s == NULL)
		return false;
	len = strlen(s);
	if (len < size)
		memcpy(buf, s, len + 1);
	free(s);
	if (len >= size)
		fail_msg("a header or part of %zu bytes: over %zu", len,
		    size - 1);
	return true;
}

/* Checks a From or To header: "NAME <addr>" ("NAME" may be quoted). */
static void
check_mailbox(const struct smtpd_msg *m, const char *header,
    const char *name, const char *addr)
{
	char	 v[TEXT_MAX], d[TEXT_MAX], want[256], quoted[256];
	size_t	 count;

	if (!take(smtpd_header(m, header, &count), v, sizeof(v)) ||
	    count != 1)
		fail_msg("%s: %zu %s headers", addr, count, header);
	if (!take(smtpd_words_decode(v), d, sizeof(d)))
		fail_msg("%s: %s: bad encoded word in \"%s\"", addr, header, v);
	if (name == NULL) {
		(void)snprintf(want, sizeof(want), "<%s>", addr);
		if (strcmp(d, addr) != 0 && strcmp(d, want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", header, d, addr);
	} else {
		(void)snprintf(want, sizeof(want), "%s <%s>", name, addr);
		(void)snprintf(quoted, sizeof(quoted), "\"%s\" <%s>", name,
		    addr);
		if (strcmp(d, want) != 0 && strcmp(d, quoted) != 0)
			fail_msg("%s: \"%s\" (decoded from \"%s\"), want "
			    "\"%s\"", header, d, v, want);
	}
}

/* Checks a header that must appear once with exactly this value. */
static void
check_header(const struct smtpd_msg *m, const char *header, const char *want)
{
	char	 v[TEXT_MAX];
	size_t	 count;

	if (!take(smtpd_header(m, header, &count), v, sizeof(v)) ||
	    count != 1 || strcmp(v, want) != 0)
		fail_msg("%s: %zu %s headers, the first \"%s\"; want \"%s\"",
		    m->rcpt_to, count, header, v, want);
}

/* Checks the part of type: charset UTF-8, and the text exactly. */
static void
check_part(const struct smtpd_msg *m, const char *type, const char *want)
{
	char	 d[TEXT_MAX], ct[TEXT_MAX], *ctp;
	bool	 found;

	found = take(smtpd_body(m, type, &ctp), d, sizeof(d));
	(void)take(ctp, ct, sizeof(ct));
	if (!found)
		fail_msg("%s: no %s part", m->rcpt_to, type);
	if (!is_utf8(ct))
		fail_msg("%s: %s part: Content-Type \"%s\"", m->rcpt_to,
		    type, ct);
	if (!text_equal(d, want))
		fail_msg("%s: %s \"%s\", want \"%s\"", m->rcpt_to, type, d,
		    want);
}

/* Everything the server stored for msg, as a patient's mail client sees it. */
static void
check_stored(const struct smtpd_msg *m, const struct message *msg)
{
	const unsigned char	*p;
	char			 v[TEXT_MAX], d[TEXT_MAX], want[128];
	size_t			 i, col, count;
	time_t			 t;

	assert_string_equal(m->mail_from, FROM);
	assert_string_equal(m->rcpt_to, msg->to);

	/*
	 * libcurl declares neither 8BITMIME nor SMTPUTF8 here, so the data
	 * must be 7-bit, in CRLF lines of at most 998 characters.
	 */
	p = (const unsigned char *)m->data;
	for (i = 0, col = 0; i < m->len; i++) {
		if (p[i] >= 0x80 || p[i] == '\0')
			fail_msg("%s: byte 0x%02x at offset %zu", msg->to,
			    p[i], i);
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			fail_msg("%s: bare LF at offset %zu", msg->to, i);
		if (p[i] == '\r' && (i + 1 == m->len || p[i + 1] != '\n'))
			fail_msg("%s: bare CR at offset %zu", msg->to, i);
		if (p[i] == '\r' || p[i] == '\n') {
			col = 0;
			continue;
		}
		if (++col > LINE_MAX_5322)
			fail_msg("%s: line longer than %d at offset %zu",
			    msg->to, LINE_MAX_5322, i);
	}

	if (!take(smtpd_header(m, "Date", &count), v, sizeof(v)) ||
	    count != 1 || date_parse(v, &t) == -1 || t != msg->date)
		fail_msg("%s: Date \"%s\" (%zu), want %lld", msg->to, v, count,
		    (long long)msg->date);
	(void)snprintf(want, sizeof(want), "<%s@clinic.example.com>",
	    msg->idempotency_key);
	check_header(m, "Message-ID", want);
	check_mailbox(m, "From", FROM_NAME, FROM);
	check_mailbox(m, "To", msg->to_name, msg->to);
	if (!take(smtpd_header(m, "Subject", &count), v, sizeof(v)) ||
	    count != 1 || !take(smtpd_words_decode(v), d, sizeof(d)))
		fail_msg("%s: Subject \"%s\" (%zu)", msg->to, v, count);
	if (strcmp(d, msg->subject) != 0)
		fail_msg("%s: Subject \"%s\" (decoded from \"%s\")", msg->to,
		    d, v);
	check_header(m, "MIME-Version", "1.0");
	check_header(m, "List-Unsubscribe", "<" UNSUBSCRIBE ">");
	/* One-click (RFC 8058) needs an https URI; this one is mailto. */
	if (take(smtpd_header(m, "List-Unsubscribe-Post", NULL), v,
	    sizeof(v)) || take(smtpd_header(m, "Bcc", NULL), v, sizeof(v)))
		fail_msg("%s: List-Unsubscribe-Post or Bcc", msg->to);

	check_part(m, "text/plain", msg->body);
	if (!take(smtpd_header(m, "Content-Type", &count), v, sizeof(v)) ||
	    count != 1)
		fail_msg("%s: %zu Content-Type headers", msg->to, count);
	if (msg->html == NULL) {
		if (strncasecmp(v, "text/plain", 10) != 0 || !is_utf8(v))
			fail_msg("%s: Content-Type \"%s\"", msg->to, v);
		if (take(smtpd_body(m, "text/html", NULL), d, sizeof(d)))
			fail_msg("%s: an HTML part", msg->to);
	} else {
		if (strncasecmp(v, "multipart/alternative", 21) != 0)
			fail_msg("%s: Content-Type \"%s\"", msg->to, v);
		check_part(m, "text/html", msg->html);
	}
}

/* The stored message whose RCPT TO is to; exactly one must be. */
static const struct smtpd_msg *
stored_for(const struct env *e, const char *to)
{
	const struct smtpd_msg	*found = NULL;
	size_t			 i, count = 0;

	for (i = 0; i < e->nms; i++)
		if (strcmp(e->ms[i].rcpt_to, to) == 0) {
			found = &e->ms[i];
			count++;
		}
	if (count != 1)
		fail_msg("%zu messages stored for %s", count, to);
	return found;
}

static void
test_sent(void **state)
{
	struct env		*e = *state;
	size_t			 i, chars;
	const char		*p;

	/* The test's own data first: the long line is 200 characters. */
	for (p = LINE200, chars = 0; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			chars++;
	assert_int_equal(chars, 200);

	env_start(e, 4, 5);
	(void)snprintf(e->to[0], sizeof(e->to[0]), "zoe@example.com");
	e->msgs[0].to_name = "Zo\xc3\xa9 \xc3\x91\xc3\xba\xc3\xb1" "ez Example";
	e->msgs[0].subject = SUBJECT_ES;
	e->msgs[0].body = TEXT_ES;
	(void)snprintf(e->to[1], sizeof(e->to[1]), "ana@example.com");
	e->msgs[1].subject = "Your aftercare, day 7";
	e->msgs[1].body = TEXT_HTML;
	e->msgs[1].html = HTML;
	(void)snprintf(e->to[2], sizeof(e->to[2]), "bo@example.com");
	e->msgs[2].to_name = NULL;
	e->msgs[2].subject = "Day 30: how is your skin?";
	e->msgs[2].body = TEXT_DOTS;
	env_send(e, 3);
	for (i = 0; i < 3; i++)
		if (e->run.res[i].outcome != OUTCOME_SENT)
			fail_msg("message %zu: outcome %d: %s", i,
			    (int)e->run.res[i].outcome, e->run.res[i].error);

	env_messages(e);
	assert_int_equal(e->nms, 3);
	for (i = 0; i < 3; i++)
		check_stored(stored_for(e, e->to[i]), &e->msgs[i]);
}

/* The server's refusals and silences, one message each. */
static void
test_outcomes(void **state)
{
	static const struct {
		const char	*to;
		int		 timeout;
		enum outcome	 outcome;
		const char	*says;		/* in res.error */
	} rows[] = {
		{ "reject@example.com", 5, OUTCOME_FAILED, "550" },
		{ "busy@example.com", 5, OUTCOME_RETRY, "451" },
		{ "refuse@example.com", 5, OUTCOME_FAILED, "554" },
		{ "full@example.com", 5, OUTCOME_RETRY, "452" },
		/* DATA answered after 30 s: the client gives up first. */
		{ "slow@example.com", 2, OUTCOME_RETRY, "" },
	};
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	size_t			 i;

	for (i = 0; i < NELEM(rows); i++) {
		env_start(e, 2, rows[i].timeout);
		(void)snprintf(e->to[0], sizeof(e->to[0]), "%s", rows[i].to);
		env_send(e, 1);
		if (res->outcome != rows[i].outcome)
			ROW_FAIL(i, "%s: outcome %d, want %d (%s)", rows[i].to,
			    (int)res->outcome, (int)rows[i].outcome,
			    res->error);
		if (strstr(res->error, rows[i].says) == NULL ||
		    res->error[0] == '\0')
			ROW_FAIL(i, "%s: error \"%s\" does not say \"%s\"",
			    rows[i].to, res->error, rows[i].says);
		/* The error is stored and shown: never the address. */
		if (strstr(res->error, "example.com") != NULL)
			ROW_FAIL(i, "error names the patient: %s", res->error);
		/* The server answered: this was an attempt. */
		if (res->unreached)
			ROW_FAIL(i, "%s: unreached", rows[i].to);
		env_messages(e);
		if (e->nms != 0)
			ROW_FAIL(i, "%s: %zu messages stored", rows[i].to,
			    e->nms);
		env_stop(e);
	}
}

/*
 * What kind of failure each of the server's answers is, as the metrics
 * count it: 4xx the server's trouble, 5xx a refusal; one connection.
 */
static void
test_failures(void **state)
{
	static const struct {
		const char	*to;
		enum failure	 failure;
	} rows[] = {
		{ "ana@example.com", FAILURE_NONE },
		{ "reject@example.com", FAILURE_REJECTED },
		{ "busy@example.com", FAILURE_SERVER_ERROR },
		{ "refuse@example.com", FAILURE_REJECTED },
		{ "full@example.com", FAILURE_SERVER_ERROR },
		{ "bo@example.com", FAILURE_NONE },
	};
	struct env		*e = *state;
	const struct send_result *res;
	size_t			 i;

	env_start(e, 1, 5);
	for (i = 0; i < NELEM(rows); i++)
		(void)snprintf(e->to[i], sizeof(e->to[i]), "%s", rows[i].to);
	env_send(e, NELEM(rows));
	for (i = 0; i < NELEM(rows); i++) {
		res = &e->run.res[i];
		if (res->failure != rows[i].failure)
			ROW_FAIL(i, "%s: failure %d, want %d (%s)", rows[i].to,
			    (int)res->failure, (int)rows[i].failure,
			    res->error);
	}
}

/*
 * A server that answers the end of DATA only after the client gave up
 * still answers it later: the next message must not be sent on that
 * connection (its replies would be out of step), nor lost.
 */
static void
test_slow_then_good(void **state)
{
	struct env		*e = *state;
	size_t			 i;

	assert_int_equal(setenv("SMTP_SINK_SLOW", "6", 1), 0);
	if (smtpd_start(&e->s) == -1) {
		(void)unsetenv("SMTP_SINK_SLOW");
		fail_msg("cannot start the SMTP server");
	}
	(void)unsetenv("SMTP_SINK_SLOW");
	env_gateway(e, e->s.url, 1, 2);
	(void)snprintf(e->to[0], sizeof(e->to[0]), "slow@example.com");
	env_send(e, 3);
	if (e->run.res[0].outcome != OUTCOME_RETRY)
		fail_msg("slow: outcome %d", (int)e->run.res[0].outcome);
	for (i = 1; i < 3; i++)
		if (e->run.res[i].outcome != OUTCOME_SENT)
			fail_msg("message %zu after the slow one: outcome %d: "
			    "%s", i, (int)e->run.res[i].outcome,
			    e->run.res[i].error);
	env_messages(e);
	for (i = 1; i < 3; i++)
		check_stored(stored_for(e, e->to[i]), &e->msgs[i]);
}

/* A port bound on 127.0.0.1 but not listening: connections are refused. */
static void
test_nobody_listening(void **state)
{
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	char			 url[64];

	assert_int_not_equal(e->closed_fd = socket(AF_INET, SOCK_STREAM, 0),
	    -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(e->closed_fd, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(getsockname(e->closed_fd, (struct sockaddr *)&sin,
	    &len), 0);
	(void)snprintf(url, sizeof(url), "smtp://127.0.0.1:%d",
	    (int)ntohs(sin.sin_port));
	env_gateway(e, url, 1, 5);
	env_send(e, 1);
	assert_int_equal(res->outcome, OUTCOME_RETRY);
	assert_true(res->unreached);
	assert_string_not_equal(res->error, "");
	assert_null(strstr(res->error, "example.com"));
}

/*
 * good, reject, good: one refusal spoils nothing else, on one connection
 * (concurrency 1, so the third reuses the connection after a refusal) or
 * several.
 */
static void
test_mixed(void **state)
{
	static const int	 conc[] = { 1, 4 };
	static const char	*bodies[] = {
		"First patient: day 1.", "Nobody reads this.",
		"Third patient: day 3."
	};
	struct env		*e = *state;
	size_t			 i, j;

	for (i = 0; i < NELEM(conc); i++) {
		env_start(e, conc[i], 5);
		(void)snprintf(e->to[1], sizeof(e->to[1]),
		    "reject@example.com");
		for (j = 0; j < 3; j++)
			e->msgs[j].body = bodies[j];
		env_send(e, 3);
		if (e->run.res[0].outcome != OUTCOME_SENT ||
		    e->run.res[1].outcome != OUTCOME_FAILED ||
		    e->run.res[2].outcome != OUTCOME_SENT)
			ROW_FAIL(i, "concurrency %d: outcomes %d %d %d (%s)",
			    conc[i], (int)e->run.res[0].outcome,
			    (int)e->run.res[1].outcome,
			    (int)e->run.res[2].outcome, e->run.res[1].error);
		assert_non_null(strstr(e->run.res[1].error, "550"));
		env_messages(e);
		if (e->nms != 2)
			ROW_FAIL(i, "concurrency %d: %zu stored", conc[i],
			    e->nms);
		/* Each with its own envelope, headers and body. */
		check_stored(stored_for(e, e->to[0]), &e->msgs[0]);
		check_stored(stored_for(e, e->to[2]), &e->msgs[2]);
		env_stop(e);
	}
}

/* 20 messages, 4 at a time: all arrive, over at most 4 connections. */
static void
test_connection_reuse(void **state)
{
	struct env		*e = *state;
	size_t			 i;
	long			 maxconn = 0;

	env_start(e, 4, 5);
	env_send(e, NMSG);
	for (i = 0; i < NMSG; i++)
		if (e->run.res[i].outcome != OUTCOME_SENT)
			fail_msg("message %zu: outcome %d: %s", i,
			    (int)e->run.res[i].outcome, e->run.res[i].error);
	env_messages(e);
	assert_int_equal(e->nms, NMSG);
	for (i = 0; i < NMSG; i++)
		check_stored(stored_for(e, e->to[i]), &e->msgs[i]);
	for (i = 0; i < e->nms; i++)
		if (e->ms[i].conn > maxconn)
			maxconn = e->ms[i].conn;
	if (maxconn < 1 || maxconn > 4)
		fail_msg("%d messages over %ld connections", NMSG, maxconn);
}

/*
 * Line breaks in a name or subject must not become headers: the message
 * is refused before any SMTP, or sent with the text kept in its header.
 */
static void
test_header_injection(void **state)
{
	struct env		*e = *state;
	char			 v[TEXT_MAX];
	size_t			 i;

	env_start(e, 2, 5);
	e->msgs[0].to_name = "Ana Example\r\nBcc: eve@example.com";
	e->msgs[1].subject = "Your aftercare\r\nBcc: eve@example.com";
	env_send(e, 2);
	for (i = 0; i < 2; i++)
		if (e->run.res[i].outcome == OUTCOME_RETRY)
			fail_msg("message %zu: RETRY cannot help: %s", i,
			    e->run.res[i].error);
	env_messages(e);
	for (i = 0; i < e->nms; i++) {
		if (strstr(e->ms[i].rcpt_to, "eve@") != NULL)
			fail_msg("sent to %s", e->ms[i].rcpt_to);
		if (take(smtpd_header(&e->ms[i], "Bcc", NULL), v, sizeof(v)))
			fail_msg("a Bcc header: %s", v);
	}
}

/*
 * starttls = true against a server that offers no STARTTLS: nothing goes
 * in clear text; it is retried (an operator must fix it) and nothing is
 * stored.
 */
static void
test_starttls_required(void **state)
{
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];

	env_start(e, 1, 5);
	gateway_free(e->gw);
	e->cfg.email.starttls = true;
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_EMAIL));
	env_send(e, 1);
	assert_int_equal(res->outcome, OUTCOME_RETRY);
	assert_non_null(strstr(res->error, "TLS"));
	assert_null(strstr(res->error, "example.com"));
	/* Never offered: no attempt, and EHLO's 250 is not its status. */
	assert_true(res->unreached);
	assert_int_equal(res->status, 0);
	env_messages(e);
	assert_int_equal(e->nms, 0);
}

/* Skips the test, saying why in one line, where Postfix cannot run. */
static void
postfix_or_skip(void)
{
	char	 why[128];

	if (!postfix_usable(why, sizeof(why))) {
		print_message("postfix: %s; skipped\n", why);
		skip();
	}
}

/* Starts Postfix and a gateway to it, with cfg as the test changed it. */
static void
env_postfix(struct env *e, bool tls, const char *extra)
{
	if (postfix_start(&e->pf, tls, extra) == -1)
		fail_msg("cannot start Postfix");
	env_gateway(e, e->pf.url, 1, 5);
}

/* The gateway again, after the test changed e->cfg. */
static void
env_regateway(struct env *e)
{
	gateway_free(e->gw);
	assert_non_null(e->gw = gateway_new(&e->cfg, CHANNEL_EMAIL));
}

/* How many messages Postfix holds, and whether one is msgs[0]. */
static size_t
env_held(struct env *e, bool *first)
{
	char	 id[128];
	size_t	 n, with;

	(void)snprintf(id, sizeof(id), "Message-ID: <%s@clinic.example.com>",
	    e->msgs[0].idempotency_key);
	if (postfix_held(&e->pf, id, &n, &with) == -1)
		fail_msg("cannot read Postfix's queue");
	*first = with == 1;
	return n;
}

/*
 * A real Postfix that wants a fully qualified EHLO name (Debian's
 * postfix, smtpd_helo_restrictions): the default name passes, and the
 * message is queued as sent, once.
 */
static void
test_postfix_sent(void **state)
{
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	bool			 first;

	postfix_or_skip();
	env_postfix(e, false, "smtpd_helo_required = yes\n"
	    "smtpd_helo_restrictions = reject_non_fqdn_helo_hostname");
	env_send(e, 1);
	if (res->outcome != OUTCOME_SENT)
		fail_msg("outcome %d: %s", (int)res->outcome, res->error);
	assert_int_equal(res->status, 250);
	assert_int_equal(env_held(e, &first), 1);
	assert_true(first);
}

/*
 * Postfix refusing our side, before RCPT TO or (smtpd_delay_reject, its
 * default) at it: a configuration problem, retried, no attempt, with what
 * to fix; never "check the address".
 */
static void
test_postfix_refuses_us(void **state)
{
	static const struct {
		const char	*helo;		/* NULL: the default */
		const char	*extra;		/* main.cf */
		const char	*code;
		const char	*says;
	} rows[] = {
		{ "vm", "smtpd_helo_required = yes\n"
		    "smtpd_helo_restrictions = reject_non_fqdn_helo_hostname",
		    "504", "email.helo" },
		{ "vm", "smtpd_delay_reject = no\nsmtpd_helo_required = yes\n"
		    "smtpd_helo_restrictions = reject_non_fqdn_helo_hostname",
		    "504", "email.helo" },
		{ NULL, "smtpd_sender_restrictions = "
		    "check_sender_access static:REJECT", "554", "email.from" },
		{ NULL, "smtpd_delay_reject = no\nsmtpd_sender_restrictions = "
		    "check_sender_access static:REJECT", "554", "email.from" },
		{ NULL, "smtpd_client_restrictions = "
		    "check_client_access static:REJECT", "554", "email.url" },
	};
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	size_t			 i;
	bool			 first;

	postfix_or_skip();
	for (i = 0; i < NELEM(rows); i++) {
		env_postfix(e, false, rows[i].extra);
		e->cfg.email.helo = (char *)(uintptr_t)rows[i].helo;
		env_regateway(e);
		env_send(e, 1);
		if (res->outcome != OUTCOME_RETRY || !res->unreached)
			ROW_FAIL(i, "outcome %d unreached %d: %s",
			    (int)res->outcome, (int)res->unreached, res->error);
		if (strcmp(res->code, rows[i].code) != 0 ||
		    strstr(res->error, rows[i].says) == NULL ||
		    strstr(res->error, "check the address") != NULL)
			ROW_FAIL(i, "code %s: \"%s\" does not say %s",
			    res->code, res->error, rows[i].says);
		if (strstr(res->error, "example.com") != NULL)
			ROW_FAIL(i, "error names an address: %s", res->error);
		if (env_held(e, &first) != 0)
			ROW_FAIL(i, "a message was queued");
		env_stop(e);
	}
}

/*
 * STARTTLS against Postfix: with no STARTTLS offered, or a certificate
 * nobody vouches for, nothing is sent and it was no attempt, with no
 * SMTP status; with email.ca_file vouching for it, the message goes.
 */
static void
test_postfix_tls(void **state)
{
	static const struct {
		bool		 tls;		/* Postfix offers STARTTLS */
		bool		 ca;		/* email.ca_file is its cert */
		enum outcome	 outcome;
	} rows[] = {
		{ false, false, OUTCOME_RETRY },
		{ true, false, OUTCOME_RETRY },
		{ true, true, OUTCOME_SENT },
	};
	struct env		*e = *state;
	const struct send_result *res = &e->run.res[0];
	size_t			 i, held;
	bool			 first;

	postfix_or_skip();
	for (i = 0; i < NELEM(rows); i++) {
		env_postfix(e, rows[i].tls, NULL);
		e->cfg.email.starttls = true;
		e->cfg.email.ca_file = rows[i].ca ? e->pf.ca : NULL;
		env_regateway(e);
		env_send(e, 1);
		if (res->outcome != rows[i].outcome)
			ROW_FAIL(i, "outcome %d: %s", (int)res->outcome,
			    res->error);
		held = env_held(e, &first);
		if (rows[i].outcome == OUTCOME_SENT) {
			if (held != 1 || !first)
				ROW_FAIL(i, "%zu held", held);
		} else {
			if (!res->unreached || res->status != 0 ||
			    strstr(res->error, "TLS") == NULL)
				ROW_FAIL(i, "unreached %d status %ld: %s",
				    (int)res->unreached, res->status,
				    res->error);
			if (held != 0)
				ROW_FAIL(i, "%zu held", held);
		}
		env_stop(e);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_starttls_required, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outcomes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slow_then_good, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nobody_listening, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_reuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_injection, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_postfix_sent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_postfix_refuses_us, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_postfix_tls, setup,
		    teardown),
	};

	log_init(getenv("TEST_DEBUG") != NULL ? LOG_PRI_DEBUG :
	    LOG_PRI_ERR);
	return cmocka_run_group_tests_name("smtp", tests, NULL, NULL);
}
