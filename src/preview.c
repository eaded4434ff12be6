/* SPDX-License-Identifier: MIT */
/* preview.c: what would be sent and when, printed; nothing is sent or changed. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compose.h"
#include "config.h"
#include "delivery.h"
#include "preview.h"
#include "schedule.h"
#include "store.h"
#include "template.h"
#include "tz.h"

static void	later(void *, const struct reminder_row *);
static void	email(FILE *, const struct composed *);
static void	delivery(FILE *, const struct reminder *, const struct tz *);

static void
later(void *arg, const struct reminder_row *row)
{
	FILE	*out = arg;
	char	 when[32];

	schedule_rfc3339_format(row->next_attempt_at, when, sizeof(when));
	(void)fprintf(out, "later %s  reminder %lld  patient %lld  "
	    "treatment %lld  milestone %s  %s\n", when, (long long)row->id,
	    (long long)row->patient_id, (long long)row->treatment_id,
	    row->milestone, row->channel);
}

int
preview_due(const struct config *cfg, struct store *st, time_t now,
    FILE *out)
{
	struct reminder	*batch;
	struct composed	 c;
	size_t		 n, i, total = 0;
	char		 when[32];
	int		 ret = -1, ch = 0;

	if (store_preview_begin(st) == -1)
		return -1;
	if (store_sync(st, cfg, now, NULL) == -1)
		goto out;
	schedule_rfc3339_format(now, when, sizeof(when));
	(void)fprintf(out, "dry run at %s: nothing is sent or changed\n",
	    when);
	/* Each channel in turn, as the daemon would. */
	while (ch < CHANNEL__COUNT) {
		if (store_claim_due(st, now, now, 256, config_channel_name(ch),
		    &batch, &n) == -1)
			goto out;
		if (n == 0)
			ch++;
		for (i = 0; i < n; i++) {
			const struct reminder *r = &batch[i];

			schedule_rfc3339_format(r->due_at, when, sizeof(when));
			(void)fprintf(out, "now   %s  reminder %lld  patient "
			    "%lld  treatment %lld  milestone %s  %s: ", when,
			    (long long)r->id, (long long)r->patient_id,
			    (long long)r->treatment_id, r->milestone,
			    r->channel);
			switch (compose_message(cfg, r, now, &c)) {
			case COMPOSE_SEND:
				if (c.channel == CHANNEL_EMAIL)
					(void)fprintf(out, "would send: "
					    "Subject: %s\n", c.subject);
				(void)fprintf(out, "%s    %s\n",
				    c.channel == CHANNEL_EMAIL ? "" :
				    "would send:\n", c.body);
				break;
			case COMPOSE_FAIL:
				(void)fprintf(out, "would fail: %s\n",
				    c.reason);
				break;
			case COMPOSE_CANCEL:
				(void)fprintf(out, "would cancel: %s\n",
				    c.reason);
				break;
			}
			compose_clear(&c);
		}
		total += n;
		store_reminders_free(batch, n);
	}
	if (total == 0)
		(void)fprintf(out, "nothing is due now\n");
	if (store_reminders_list(st, "pending", later, out) == -1)
		goto out;
	ret = 0;
out:
	if (store_preview_end(st) == -1)
		ret = -1;
	return ret;
}

/*
 * What the provider said became of a sent reminder, if it said anything:
 * the state, when, and the error with its meaning.
 */
static void
delivery(FILE *out, const struct reminder *r, const struct tz *z)
{
	char	when[48], why[160];

	if (r->delivery_state == NULL)
		return;
	(void)delivery_error_format(r->delivery_error, why, sizeof(why));
	when[0] = '\0';
	if (r->delivery_at != 0)
		schedule_local_format(r->delivery_at, z, when, sizeof(when));
	(void)fprintf(out, "  %s%s%s%s%s\n", r->delivery_state,
	    when[0] != '\0' ? " " : "", when, why[0] != '\0' ? ": " : "",
	    why);
}

/* An email as the patient will see it: subject, then the text, indented. */
static void
email(FILE *out, const struct composed *c)
{
	const char	*p, *nl;

	(void)fprintf(out, "  email%s%s%s:\n  Subject: %s\n", c->lang != NULL ?
	    " (" : "", c->lang != NULL ? c->lang : "", c->lang != NULL ?
	    ")" : "", c->subject);
	for (p = c->body; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		(void)fprintf(out, "  | %.*s\n", (int)(nl - p), p);
	}
	if (c->html != NULL)
		(void)fprintf(out, "  (and an HTML version)\n");
}

void
preview_treatment(const struct config *cfg, const struct reminder *v,
    size_t n, time_t now, FILE *out)
{
	struct composed	 c;
	struct sms_info	 info;
	struct tz	*pz = NULL;
	const struct tz	*z;
	char		 err[160], when[48], utc[32];
	size_t		 i;

	if (v[0].timezone != NULL && *v[0].timezone != '\0')
		pz = tz_load(v[0].timezone, err, sizeof(err));
	z = pz ? pz : cfg->zone;
	(void)fprintf(out, "treatment %lld, patient %lld, time zone %s\n",
	    (long long)v[0].treatment_id, (long long)v[0].patient_id,
	    pz ? v[0].timezone : cfg->timezone);
	for (i = 0; i < n; i++) {
		schedule_local_format(v[i].due_at, z, when, sizeof(when));
		schedule_rfc3339_format(v[i].due_at, utc, sizeof(utc));
		(void)fprintf(out, "\n%s %s: %s\n  due %s (%s)\n",
		    v[i].milestone, v[i].channel, v[i].state, when, utc);
		if (v[i].fallback_for > 0)
			(void)fprintf(out, "  instead of SMS reminder %lld, which "
			    "could not be delivered\n",
			    (long long)v[i].fallback_for);
		if (strcmp(v[i].state, "sent") == 0) {
			schedule_local_format(v[i].sent_at, z, when, sizeof(when));
			(void)fprintf(out, "  went out %s\n", when);
			delivery(out, &v[i], z);
		} else if (strcmp(v[i].state, "pending") != 0 &&
		    strcmp(v[i].state, "sending") != 0) {
			(void)fprintf(out, "  %s\n", v[i].last_error ?
			    v[i].last_error : "");
			continue;
		}
		switch (compose_message(cfg, &v[i], now, &c)) {
		case COMPOSE_SEND:
			if (c.channel == CHANNEL_EMAIL) {
				email(out, &c);
				break;
			}
			template_sms_info(c.body, &info);
			(void)fprintf(out, "  text (%s%s%s, %zu segment%s):\n"
			    "  %s\n", c.lang != NULL ? c.lang : "",
			    c.lang != NULL ? ", " : "",
			    info.encoding == SMS_GSM7 ? "GSM-7" : "UCS-2",
			    info.segments, info.segments == 1 ? "" : "s",
			    c.body);
			break;
		case COMPOSE_FAIL:
		case COMPOSE_CANCEL:
			(void)fprintf(out, "  would not be sent: %s\n",
			    c.reason);
			break;
		}
		compose_clear(&c);
	}
	tz_free(pz);
}
