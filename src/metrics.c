/* SPDX-License-Identifier: MIT */
/* metrics.c: the Prometheus text file, for node_exporter's collector. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "delivery.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "util.h"

static const char *const fail_names[FAIL__COUNT] = {
	"unreachable", "transport", "rate_limited", "server_error",
	"rejected", "invalid_recipient"
};

void
metrics_format(struct buf *b, const struct metrics *m,
    const struct store_status *s, const char *const provider[CHANNEL__COUNT])
{
	static const char *const states[] = {
		"pending", "sending", "sent", "failed", "cancelled", "expired"
	};
	int64_t		counts[6];
	enum delivery	d;
	size_t		i;
	int		ch;

	counts[0] = s->pending;
	counts[1] = s->sending;
	counts[2] = s->sent;
	counts[3] = s->failed;
	counts[4] = s->cancelled;
	counts[5] = s->expired;
	buf_puts(b, "# HELP aftercare_reminders Reminders by state.\n"
	    "# TYPE aftercare_reminders gauge\n");
	for (i = 0; i < 6; i++)
		buf_printf(b, "aftercare_reminders{state=\"%s\"} %lld\n",
		    states[i], (long long)counts[i]);
	buf_puts(b, "# HELP aftercare_reminders_delivery Reminders by what "
	    "the provider said became of them.\n"
	    "# TYPE aftercare_reminders_delivery gauge\n");
	for (d = DELIVERY_QUEUED; d <= DELIVERY_BOUNCED; d++)
		buf_printf(b, "aftercare_reminders_delivery{state=\"%s\"} "
		    "%lld\n", delivery_name(d), (long long)s->delivery[d]);
	buf_printf(b, "# HELP aftercare_undelivered_24h Reminders the "
	    "provider could not deliver (failed, undelivered, dropped, "
	    "bounced) in the last 24 hours.\n"
	    "# TYPE aftercare_undelivered_24h gauge\n"
	    "aftercare_undelivered_24h %lld\n", (long long)s->undelivered_24h);
	buf_puts(b, "# HELP aftercare_sends_total Messages the gateway "
	    "accepted since aftercared started.\n"
	    "# TYPE aftercare_sends_total counter\n");
	for (ch = 0; ch < CHANNEL__COUNT; ch++)
		if (provider[ch] != NULL)
			buf_printf(b, "aftercare_sends_total{provider=\"%s\"} "
			    "%llu\n", provider[ch],
			    (unsigned long long)m->sends[ch]);
	buf_puts(b, "# HELP aftercare_send_failures_total Sends that did "
	    "not succeed since aftercared started, by reason.\n"
	    "# TYPE aftercare_send_failures_total counter\n");
	for (ch = 0; ch < CHANNEL__COUNT; ch++) {
		if (provider[ch] == NULL)
			continue;
		for (i = 0; i < FAIL__COUNT; i++)
			buf_printf(b, "aftercare_send_failures_total{provider="
			    "\"%s\",reason=\"%s\"} %llu\n", provider[ch],
			    fail_names[i],
			    (unsigned long long)m->failures[ch][i]);
	}
	buf_printf(b, "# HELP aftercare_last_success_timestamp_seconds When "
	    "the gateway last accepted a message.\n"
	    "# TYPE aftercare_last_success_timestamp_seconds gauge\n"
	    "aftercare_last_success_timestamp_seconds %lld\n"
	    "# HELP aftercare_pass_duration_seconds How long the last pass "
	    "took.\n"
	    "# TYPE aftercare_pass_duration_seconds gauge\n"
	    "aftercare_pass_duration_seconds %.6f\n",
	    (long long)(m->last_success ? m->last_success : s->last_sent),
	    m->pass_seconds);
	buf_printf(b, "# HELP aftercare_replies_open Patients' replies not "
	    "yet marked handled.\n"
	    "# TYPE aftercare_replies_open gauge\n"
	    "aftercare_replies_open %lld\n"
	    "# HELP aftercare_replies_urgent Of them, those with an urgent "
	    "word.\n"
	    "# TYPE aftercare_replies_urgent gauge\n"
	    "aftercare_replies_urgent %lld\n"
	    "# HELP aftercare_escalations Replies to be emailed to staff "
	    "(waiting), or given up on (failed).\n"
	    "# TYPE aftercare_escalations gauge\n"
	    "aftercare_escalations{state=\"waiting\"} %lld\n"
	    "aftercare_escalations{state=\"failed\"} %lld\n",
	    (long long)s->replies.open, (long long)s->replies.urgent,
	    (long long)s->replies.waiting, (long long)s->replies.failed);
}

int
metrics_write(const char *path, const struct metrics *m,
    const struct store_status *s, const char *const provider[CHANNEL__COUNT])
{
	struct buf	 b;
	char		*tmp;
	int		 ret = -1;
	FILE		*f;

	buf_init(&b);
	metrics_format(&b, m, s, provider);
	tmp = xasprintf("%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("metrics: %s", tmp);
		goto out;
	}
	if (fwrite(b.data, 1, b.len, f) != b.len) {
		log_warn("metrics: %s", tmp);
		(void)fclose(f);
		(void)unlink(tmp);
		goto out;
	}
	if (fclose(f) == EOF) {
		log_warn("metrics: %s", tmp);
		(void)unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		log_warn("metrics: %s", path);
		(void)unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	buf_clear(&b);
	return ret;
}
