/* SPDX-License-Identifier: MIT */
/* test_metrics.c: the Prometheus text, and its file in a temporary dir. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "store.h"
#include "util.h"

/* What one pass of the daemon knows: the table's counts and its own. */
static void
sample(struct metrics *m, struct store_status *s)
{
	memset(m, 0, sizeof(*m));
	memset(s, 0, sizeof(*s));
	s->pending = 4;
	s->sending = 1;
	s->sent = 12;
	s->failed = 2;
	s->cancelled = 3;
	s->expired = 0;
	s->last_sent = 1795000000;
	s->delivery[DELIVERY_SENT] = 1;
	s->delivery[DELIVERY_DELIVERED] = 9;
	s->delivery[DELIVERY_UNDELIVERED] = 2;
	s->delivery[DELIVERY_BOUNCED] = 1;
	s->undelivered_24h = 2;
	m->sends[CHANNEL_SMS] = 7;
	m->sends[CHANNEL_EMAIL] = 5;
	m->failures[CHANNEL_SMS][FAIL_RATE_LIMITED] = 2;
	m->failures[CHANNEL_SMS][FAIL_RECIPIENT] = 1;
	m->failures[CHANNEL_EMAIL][FAIL_UNREACHABLE] = 3;
	m->last_success = 1796000000;
	m->pass_seconds = 0.0125;
	s->replies.open = 3;
	s->replies.urgent = 1;
	s->replies.waiting = 2;
	s->replies.failed = 1;
}

/* The whole text, byte for byte: what node_exporter reads. */
static void
test_format(void **state)
{
	static const char want_sms[] =
	    "# HELP aftercare_reminders Reminders by state.\n"
	    "# TYPE aftercare_reminders gauge\n"
	    "aftercare_reminders{state=\"pending\"} 4\n"
	    "aftercare_reminders{state=\"sending\"} 1\n"
	    "aftercare_reminders{state=\"sent\"} 12\n"
	    "aftercare_reminders{state=\"failed\"} 2\n"
	    "aftercare_reminders{state=\"cancelled\"} 3\n"
	    "aftercare_reminders{state=\"expired\"} 0\n"
	    "# HELP aftercare_reminders_delivery Reminders by what the "
	    "provider said became of them.\n"
	    "# TYPE aftercare_reminders_delivery gauge\n"
	    "aftercare_reminders_delivery{state=\"queued\"} 0\n"
	    "aftercare_reminders_delivery{state=\"sent\"} 1\n"
	    "aftercare_reminders_delivery{state=\"deferred\"} 0\n"
	    "aftercare_reminders_delivery{state=\"failed\"} 0\n"
	    "aftercare_reminders_delivery{state=\"undelivered\"} 2\n"
	    "aftercare_reminders_delivery{state=\"dropped\"} 0\n"
	    "aftercare_reminders_delivery{state=\"delivered\"} 9\n"
	    "aftercare_reminders_delivery{state=\"bounced\"} 1\n"
	    "# HELP aftercare_undelivered_24h Reminders the provider could "
	    "not deliver (failed, undelivered, dropped, bounced) in the last "
	    "24 hours.\n"
	    "# TYPE aftercare_undelivered_24h gauge\n"
	    "aftercare_undelivered_24h 2\n"
	    "# HELP aftercare_sends_total Messages the gateway accepted since "
	    "aftercared started.\n"
	    "# TYPE aftercare_sends_total counter\n"
	    "aftercare_sends_total{provider=\"twilio\"} 7\n"
	    "# HELP aftercare_send_failures_total Sends that did not succeed "
	    "since aftercared started, by reason.\n"
	    "# TYPE aftercare_send_failures_total counter\n"
	    "aftercare_send_failures_total{provider=\"twilio\","
	    "reason=\"unreachable\"} 0\n"
	    "aftercare_send_failures_total{provider=\"twilio\","
	    "reason=\"transport\"} 0\n"
	    "aftercare_send_failures_total{provider=\"twilio\","
	    "reason=\"rate_limited\"} 2\n"
	    "aftercare_send_failures_total{provider=\"twilio\","
	    "reason=\"server_error\"} 0\n"
	    "aftercare_send_failures_total{provider=\"twilio\","
	    "reason=\"rejected\"} 0\n"
	    "aftercare_send_failures_total{provider=\"twilio\","
	    "reason=\"invalid_recipient\"} 1\n"
	    "# HELP aftercare_last_success_timestamp_seconds When the gateway "
	    "last accepted a message.\n"
	    "# TYPE aftercare_last_success_timestamp_seconds gauge\n"
	    "aftercare_last_success_timestamp_seconds 1796000000\n"
	    "# HELP aftercare_pass_duration_seconds How long the last pass "
	    "took.\n"
	    "# TYPE aftercare_pass_duration_seconds gauge\n"
	    "aftercare_pass_duration_seconds 0.012500\n"
	    "# HELP aftercare_replies_open Patients' replies not yet marked "
	    "handled.\n"
	    "# TYPE aftercare_replies_open gauge\n"
	    "aftercare_replies_open 3\n"
	    "# HELP aftercare_replies_urgent Of them, those with an urgent "
	    "word.\n"
	    "# TYPE aftercare_replies_urgent gauge\n"
	    "aftercare_replies_urgent 1\n"
	    "# HELP aftercare_escalations Replies to be emailed to staff "
	    "(waiting), or given up on (failed).\n"
	    "# TYPE aftercare_escalations gauge\n"
	    "aftercare_escalations{state=\"waiting\"} 2\n"
	    "aftercare_escalations{state=\"failed\"} 1\n";
	const char		*sms_only[CHANNEL__COUNT] = { "twilio", NULL };
	const char		*both[CHANNEL__COUNT] = { "webhook", "smtp" };
	struct metrics		 m;
	struct store_status	 s;
	struct buf		 b;

	(void)state;
	sample(&m, &s);
	buf_init(&b);
	metrics_format(&b, &m, &s, sms_only);
	assert_string_equal(b.data, want_sms);
	buf_clear(&b);

	/* each channel with a provider, labelled with it */
	buf_init(&b);
	metrics_format(&b, &m, &s, both);
	assert_non_null(strstr(b.data,
	    "aftercare_sends_total{provider=\"webhook\"} 7\n"
	    "aftercare_sends_total{provider=\"smtp\"} 5\n"));
	assert_non_null(strstr(b.data, "aftercare_send_failures_total{"
	    "provider=\"webhook\",reason=\"invalid_recipient\"} 1\n"
	    "aftercare_send_failures_total{provider=\"smtp\","
	    "reason=\"unreachable\"} 3\n"));
	assert_null(strstr(b.data, "twilio"));
	buf_clear(&b);

	/* nothing sent since start: the table's last success */
	m.last_success = 0;
	buf_init(&b);
	metrics_format(&b, &m, &s, sms_only);
	assert_non_null(strstr(b.data,
	    "\naftercare_last_success_timestamp_seconds 1795000000\n"));
	buf_clear(&b);

	/* never anything: zeros, and still every series */
	memset(&m, 0, sizeof(m));
	memset(&s, 0, sizeof(s));
	buf_init(&b);
	metrics_format(&b, &m, &s, sms_only);
	assert_non_null(strstr(b.data,
	    "\naftercare_last_success_timestamp_seconds 0\n"));
	assert_non_null(strstr(b.data,
	    "\naftercare_pass_duration_seconds 0.000000\n"));
	assert_non_null(strstr(b.data,
	    "\naftercare_reminders{state=\"expired\"} 0\n"));
	buf_clear(&b);
}

static char *
slurp(const char *path)
{
	struct stat	 sb;
	char		*data;
	FILE		*f;

	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &sb), 0);
	data = calloc(1, (size_t)sb.st_size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)sb.st_size, f),
	    (size_t)sb.st_size);
	(void)fclose(f);
	return data;
}

/* The file: the text, replacing the old one, and no temporary left over. */
static void
test_write(void **state)
{
	const char		*sms_only[CHANNEL__COUNT] = { "twilio", NULL };
	struct metrics		 m;
	struct store_status	 s;
	struct buf		 b;
	char			 dir[] = "/tmp/aftercare-metrics-XXXXXX";
	char			 path[128], tmp[140], sub[128];
	char			*got;
	FILE			*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/aftercare.prom", dir);
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs("old and longer than the new text, which replaces "
	    "all of it\n", f) >= 0);
	assert_int_equal(fclose(f), 0);

	sample(&m, &s);
	buf_init(&b);
	metrics_format(&b, &m, &s, sms_only);
	assert_int_equal(metrics_write(path, &m, &s, sms_only), 0);
	got = slurp(path);
	assert_string_equal(got, b.data);
	free(got);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(errno, ENOENT);

	/* a directory that does not exist: -1, and nothing written */
	(void)snprintf(sub, sizeof(sub), "%s/missing/aftercare.prom", dir);
	assert_int_equal(metrics_write(sub, &m, &s, sms_only), -1);

	/* a directory where the file should be: -1, no temporary left */
	(void)snprintf(sub, sizeof(sub), "%s/isdir", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	(void)snprintf(tmp, sizeof(tmp), "%s/isdir/x", dir);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(metrics_write(sub, &m, &s, sms_only), -1);
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", sub);
	assert_int_equal(access(tmp, F_OK), -1);
	/* and the good file is as it was */
	got = slurp(path);
	assert_string_equal(got, b.data);
	free(got);
	buf_clear(&b);

	(void)snprintf(tmp, sizeof(tmp), "%s/isdir/x", dir);
	assert_int_equal(unlink(tmp), 0);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
