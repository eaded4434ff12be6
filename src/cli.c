/* SPDX-License-Identifier: MIT */
/* cli.c: one function per aftercarectl command. */

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "compose.h"
#include "config.h"
#include "daemon.h"
#include "delivery.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "phone.h"
#include "plan.h"
#include "preview.h"
#include "schedule.h"
#include "store.h"
#include "template.h"
#include "tz.h"
#include "util.h"


/* A command's --name value options, in the order they are declared. */
struct cli_opt {
	const char	*name;		/* without the leading "--" */
	bool		 required;
	const char	*value;		/* filled by parse_opts() */
};

static int	parse_opts(const char *, int, char **, struct cli_opt *,
		    size_t, int *);
static int	usage_error(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	parse_id(const char *, const char *, const char *, int64_t *);
static struct store *open_store(const struct config *);
static int	sync_reminders(const struct config *, struct store *);
static bool	zone_valid(const char *);
static const char *reminder_state(const struct reminder_row *);
static void	print_reminder(void *, const struct reminder_row *);
static void	json_time(struct buf *, time_t);
static void	json_or_null(struct buf *, const char *);
static int	list_reminders(const struct config *, bool, const char *,
		    int64_t);
static bool	take_json(int *, char **);
static void	print_time(const char *, time_t, const char *);
static void	status_delivery(const struct store_status *);
static void	status_json(const struct config *, const struct store_status *,
		    bool);
static int	consent(const struct config *, int, char **, bool);
static int	patient_known(struct store *, const char *, int64_t);
static void	utc_minute(time_t, char *, size_t);
static const char *kind_name(const char *);
static void	message_json(struct buf *, const struct message_row *);
static void	print_message(void *, const struct message_row *);
static void	print_reply(void *, const struct message_row *);

/* A table row being built, and the columns it takes so far. */
struct table_row {
	struct buf	b;
	size_t		used;
};

/* The time zones of patients, each loaded once. */
struct zone_entry {
	char		*name;
	struct tz	*tz;		/* NULL: unknown */
};
struct zones {
	struct zone_entry *v;
	size_t		 n;
	struct tz	*spare;		/* loaded past ZONES_MAX */
};
struct patient_listing;

static void	row_id(struct table_row *, int64_t, size_t);
static void	row_text(struct table_row *, const char *, size_t);
static void	row_end(struct table_row *, const char *);
static void	json_booking(struct buf *, const char *);
static const struct tz *zone_pick(struct zones *, const struct config *,
		    const char *, const char **, const char **);
static void	zones_clear(struct zones *);
static void	patient_reach(struct patient_listing *,
		    const struct patient_row *, char [CHANNEL__COUNT][256]);
static void	print_patient(void *, const struct patient_row *);
static void	print_treatment(void *, const struct treatment_row *);
static int	patient_list(const struct config *, int, char **);
static int	treatment_list(const struct config *, int, char **);

void
cli_usage(FILE *f)
{
	(void)fprintf(f,
	    "usage: aftercarectl [-c FILE] COMMAND [ARGS]\n"
	    "Commands:\n"
	    "  init                         create or upgrade the database\n"
	    "  patient add --name N [--phone P] [--email E] [--tz ZONE]\n"
	    "              [--language TAG]  at least one of --phone, --email\n"
	    "  patient list [--json]        channels each patient is reached "
	    "on, zone,\n"
	    "                               language, consent\n"
	    "  treatment add --patient ID --at TIME [--kind K]\n"
	    "  treatment cancel ID\n"
	    "  treatment list [--patient ID] [--json]\n"
	    "  optout --patient ID [--channel sms|email]\n"
	    "  optin --patient ID [--channel sms|email]\n"
	    "  reminders [--state S] [--json]  list reminders (S: pending, "
	    "sending,\n"
	    "                               sent, failed, cancelled, expired)\n"
	    "  history --patient ID [--json]   every reminder of a patient, "
	    "and what\n"
	    "                               they texted (STOP, START, HELP, "
	    "replies)\n"
	    "  replies [--open] [--json]    patients' replies, newest first\n"
	    "  reply done ID                mark a reply handled\n"
	    "  preview --treatment ID       when each reminder goes out, and "
	    "its text\n"
	    "  status [--json]              counts, next due, daemon, problems\n"
	    "Options:\n"
	    "  -c FILE   configuration file (default %s)\n"
	    "  --help, --version\n", CONFIG_DEFAULT_PATH);
}

static int
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list	ap;

	(void)fprintf(stderr, "aftercarectl %s: ", cmd);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputs(" (see aftercarectl --help)\n", stderr);
	return CLI_USAGE;
}

/*
 * Reads "--name value" and "--name=value" pairs into opts; the first
 * argument that is not an option ends them, and its index goes to
 * *rest.  Returns CLI_OK or CLI_USAGE (reported).
 */
static int
parse_opts(const char *cmd, int argc, char **argv, struct cli_opt *opts,
    size_t nopts, int *rest)
{
	const char	*arg, *eq, *value;
	size_t		 i, namelen;
	int		 a;

	for (a = 0; a < argc; a++) {
		arg = argv[a];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
			break;
		arg += 2;
		eq = strchr(arg, '=');
		namelen = eq ? (size_t)(eq - arg) : strlen(arg);
		for (i = 0; i < nopts; i++)
			if (strlen(opts[i].name) == namelen &&
			    strncmp(opts[i].name, arg, namelen) == 0)
				break;
		if (i == nopts)
			return usage_error(cmd, "unknown option --%.*s",
			    (int)namelen, arg);
		if (eq != NULL)
			value = eq + 1;
		else if (a + 1 < argc)
			value = argv[++a];
		else
			return usage_error(cmd, "--%s needs a value",
			    opts[i].name);
		if (opts[i].value != NULL)
			return usage_error(cmd, "--%s given twice",
			    opts[i].name);
		opts[i].value = value;
	}
	for (i = 0; i < nopts; i++)
		if (opts[i].required && opts[i].value == NULL)
			return usage_error(cmd, "missing --%s", opts[i].name);
	if (rest != NULL)
		*rest = a;
	else if (a < argc)
		return usage_error(cmd, "unexpected argument \"%.40s\"",
		    argv[a]);
	return CLI_OK;
}

static int
parse_id(const char *cmd, const char *what, const char *s, int64_t *id)
{
	char	err[128];

	if (util_int64_parse(s, 1, INT64_MAX, id, err, sizeof(err)) == -1)
		return usage_error(cmd, "%s: %s", what, err);
	return CLI_OK;
}

static struct store *
open_store(const struct config *cfg)
{
	return store_open(cfg->database, 0);
}

/*
 * Turns the change just made into reminders at once, so that
 * `aftercarectl reminders` shows them before the daemon's next pass.
 */
static int
sync_reminders(const struct config *cfg, struct store *st)
{
	return store_sync(st, cfg, time(NULL), NULL);
}

/* An IANA zone name that tzdata knows, such as "America/New_York". */
static bool
zone_valid(const char *s)
{
	struct tz	*z;
	char		 err[160];

	if ((z = tz_load(s, err, sizeof(err))) == NULL)
		return false;
	tz_free(z);
	return true;
}


int
cli_init(const struct config *cfg, int argc, char **argv)
{
	struct store	*st;
	int		 ret;

	if ((ret = parse_opts("init", argc - 1, argv + 1, NULL, 0, NULL)) !=
	    CLI_OK)
		return ret;
	if ((st = store_open(cfg->database, STORE_CREATE)) == NULL)
		return CLI_FAILED;
	ret = sync_reminders(cfg, st) == 0 ? CLI_OK : CLI_FAILED;
	store_close(st);
	if (ret == CLI_OK)
		(void)printf("%s: ready (schema version %d)\n", cfg->database,
		    STORE_SCHEMA_VERSION);
	return ret;
}

static int
patient_add(const struct config *cfg, int argc, char **argv)
{
	struct cli_opt	 o[] = {
		{ "name", true, NULL }, { "phone", false, NULL },
		{ "email", false, NULL }, { "tz", false, NULL },
		{ "language", false, NULL },
	};
	struct store	*st;
	char		 phone[PHONE_E164_MAX], err[256];
	int64_t		 id;
	int		 ret;

	if ((ret = parse_opts("patient add", argc, argv, o, 5, NULL)) !=
	    CLI_OK)
		return ret;
	if (o[1].value == NULL && o[2].value == NULL)
		return usage_error("patient add", "give --phone, --email or "
		    "both: the patient must be reachable");
	if (o[0].value[strspn(o[0].value, " \t")] == '\0')
		return usage_error("patient add", "--name is empty");
	if (strlen(o[0].value) > 200)
		return usage_error("patient add", "--name is longer than 200 "
		    "bytes");
	if (o[1].value != NULL && phone_normalize(o[1].value, phone,
	    sizeof(phone), err, sizeof(err)) == -1)
		return usage_error("patient add", "--phone: %s", err);
	if (o[2].value != NULL && !mail_address_valid(o[2].value))
		return usage_error("patient add", "--email is not an email "
		    "address we can send to (name@example.com)");
	if (o[4].value != NULL && !config_lang_valid(o[4].value))
		return usage_error("patient add", "--language \"%.20s\" is "
		    "not a BCP 47 language tag (e.g. es, pt-BR)", o[4].value);
	if (o[3].value != NULL && !zone_valid(o[3].value))
		return usage_error("patient add", "--tz \"%.64s\" is not a "
		    "time zone known to tzdata (e.g. America/New_York)",
		    o[3].value);
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	ret = CLI_FAILED;
	if (store_patient_add(st, o[0].value, o[1].value != NULL ? phone :
	    NULL, o[2].value, o[3].value, o[4].value, &id, err,
	    sizeof(err)) == -1)
		(void)fprintf(stderr, "aftercarectl patient add: %s\n", err);
	else {
		(void)printf("%lld\n", (long long)id);
		ret = CLI_OK;
		/* Added all the same: the email section may come later. */
		if (o[2].value != NULL &&
		    cfg->email.provider == EMAIL_PROVIDER_NONE)
			(void)fprintf(stderr, "aftercarectl patient add: "
			    "warning: this patient gets %s %s has no email "
			    "section\n", o[1].value == NULL ? "no reminders: "
			    "they have only an email address, and" :
			    "SMS only:", cfg->path);
	}
	store_close(st);
	return ret;
}

int
cli_patient(const struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return usage_error("patient", "missing subcommand: add or "
		    "list");
	if (strcmp(argv[1], "add") == 0)
		return patient_add(cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "list") == 0)
		return patient_list(cfg, argc - 1, argv + 1);
	return usage_error("patient", "unknown subcommand \"%.40s\"", argv[1]);
}

static int
treatment_add(const struct config *cfg, int argc, char **argv)
{
	struct cli_opt	 o[] = {
		{ "patient", true, NULL }, { "at", true, NULL },
		{ "kind", false, NULL },
	};
	struct store	*st;
	const char	*kind;
	char		 err[256];
	int64_t		 patient, id;
	time_t		 at;
	int		 ret;

	if ((ret = parse_opts("treatment add", argc, argv, o, 3, NULL)) !=
	    CLI_OK)
		return ret;
	if ((ret = parse_id("treatment add", "--patient", o[0].value,
	    &patient)) != CLI_OK)
		return ret;
	if (schedule_rfc3339_parse(o[1].value, &at, NULL, err, sizeof(err))
	    == -1)
		return usage_error("treatment add", "--at: %s", err);
	kind = o[2].value ? o[2].value : "microneedling";
	if (!config_kind_valid(kind))
		return usage_error("treatment add", "--kind \"%.40s\": use "
		    "up to 64 letters, digits, _ and - (e.g. chemical_peel)",
		    kind);
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	ret = CLI_FAILED;
	if (store_treatment_add(st, patient, o[1].value, kind, &id, err,
	    sizeof(err)) == -1)
		(void)fprintf(stderr, "aftercarectl treatment add: %s\n", err);
	else if (sync_reminders(cfg, st) == 0) {
		(void)printf("%lld\n", (long long)id);
		ret = CLI_OK;
	}
	store_close(st);
	return ret;
}

static int
treatment_cancel(const struct config *cfg, int argc, char **argv)
{
	struct store	*st;
	char		 err[256];
	int64_t		 id;
	int		 ret;

	if (argc != 1)
		return usage_error("treatment cancel", argc == 0 ?
		    "missing treatment ID" : "takes one treatment ID");
	if ((ret = parse_id("treatment cancel", "ID", argv[0], &id)) != CLI_OK)
		return ret;
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	ret = CLI_FAILED;
	if (store_treatment_cancel(st, id, err, sizeof(err)) == -1)
		(void)fprintf(stderr, "aftercarectl treatment cancel: %s\n",
		    err);
	else if (sync_reminders(cfg, st) == 0) {
		(void)printf("treatment %lld cancelled\n", (long long)id);
		ret = CLI_OK;
	}
	store_close(st);
	return ret;
}

int
cli_treatment(const struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return usage_error("treatment", "missing subcommand: add, "
		    "cancel or list");
	if (strcmp(argv[1], "add") == 0)
		return treatment_add(cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "cancel") == 0)
		return treatment_cancel(cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "list") == 0)
		return treatment_list(cfg, argc - 1, argv + 1);
	return usage_error("treatment", "unknown subcommand \"%.40s\"",
	    argv[1]);
}

/*
 * optout and optin: the patient's consent on a channel (SMS when not
 * given); unsent reminders on it are cancelled or restored at once.
 */
static int
consent(const struct config *cfg, int argc, char **argv, bool opt_in)
{
	const char	*cmd = opt_in ? "optin" : "optout";
	struct cli_opt	 o[] = {
		{ "patient", true, NULL }, { "channel", false, NULL },
	};
	struct store	*st;
	const char	*channel;
	char		 err[256];
	int64_t		 id;
	int		 ret;

	if ((ret = parse_opts(cmd, argc - 1, argv + 1, o, 2, NULL)) != CLI_OK)
		return ret;
	if ((ret = parse_id(cmd, "--patient", o[0].value, &id)) != CLI_OK)
		return ret;
	channel = o[1].value ? o[1].value : "sms";
	if (strcmp(channel, "sms") != 0 && strcmp(channel, "email") != 0)
		return usage_error(cmd, "--channel \"%.20s\": use sms or email",
		    channel);
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	ret = CLI_FAILED;
	if (store_patient_consent(st, id, channel, opt_in, err,
	    sizeof(err)) == -1)
		(void)fprintf(stderr, "aftercarectl %s: %s\n", cmd, err);
	else if (sync_reminders(cfg, st) == 0) {
		(void)printf("patient %lld opted %s %s %s; unsent reminders "
		    "%s\n", (long long)id, opt_in ? "in" : "out",
		    opt_in ? "to" : "of", channel,
		    opt_in ? "restored" : "cancelled");
		ret = CLI_OK;
	}
	store_close(st);
	return ret;
}

int
cli_optout(const struct config *cfg, int argc, char **argv)
{
	return consent(cfg, argc, argv, false);
}

int
cli_optin(const struct config *cfg, int argc, char **argv)
{
	return consent(cfg, argc, argv, true);
}

/* How a list of reminders is printed: a table, or one JSON array. */
struct listing {
	bool	json;
	size_t	rows;
};

/* A string as JSON, or null for NULL or "". */
static void
json_or_null(struct buf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		buf_puts(b, "null");
	else
		json_append_string(b, s);
}

/* An instant as JSON: an RFC 3339 string, or null for 0. */
static void
json_time(struct buf *b, time_t t)
{
	char	when[32];

	if (t == 0) {
		buf_puts(b, "null");
		return;
	}
	schedule_rfc3339_format(t, when, sizeof(when));
	json_append_string(b, when);
}

/*
 * A reminder's state as the table shows it: a sent one's delivery state
 * once the provider has said where it ended (delivered, undelivered,
 * failed, dropped, bounced), its own otherwise.
 */
static const char *
reminder_state(const struct reminder_row *row)
{
	enum delivery	d;

	if (strcmp(row->state, "sent") == 0 &&
	    delivery_parse(row->delivery_state, &d) == 0 &&
	    delivery_advance(DELIVERY_SENT, d) != DELIVERY_SENT)
		return row->delivery_state;
	return row->state;
}

/*
 * A reminder as a row of the table, which fits TABLE_COLS: the due time
 * to the minute, a milestone cut to its column and the last error to
 * what is left; all of them, the time it went out and the gateway's id
 * are in --json.
 */
static void
print_reminder(void *arg, const struct reminder_row *row)
{
	struct listing		*l = arg;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	struct buf		 b;
	const char		*meaning;
	char			 due[32], tries[16], why[160];

	meaning = delivery_error_format(row->delivery_error[0] != '\0' ?
	    row->delivery_error : NULL, why, sizeof(why));
	if (!l->json) {
		utc_minute(row->due_at, due, sizeof(due));
		(void)snprintf(tries, sizeof(tries), "%d", row->attempts);
		row_id(&t, row->id, 6);
		row_id(&t, row->patient_id, 7);
		row_text(&t, row->milestone, 9);
		row_text(&t, row->channel, 7);
		row_text(&t, due, 17);
		row_text(&t, reminder_state(row), 11);
		row_text(&t, tries, 5);
		/* Sent: what the provider said of it, if it went wrong. */
		row_end(&t, row->last_error[0] != '\0' ? row->last_error : why);
		l->rows++;
		return;
	}
	buf_init(&b);
	buf_printf(&b, "%s\n  {\"id\": %lld, \"treatment\": %lld, "
	    "\"patient\": %lld, \"milestone\": ", l->rows ? "," : "",
	    (long long)row->id, (long long)row->treatment_id,
	    (long long)row->patient_id);
	json_append_string(&b, row->milestone);
	buf_puts(&b, ", \"channel\": ");
	json_append_string(&b, row->channel);
	buf_puts(&b, ", \"state\": ");
	json_append_string(&b, row->state);
	buf_puts(&b, ", \"due\": ");
	json_time(&b, row->due_at);
	buf_puts(&b, ", \"next_attempt\": ");
	json_time(&b, strcmp(row->state, "pending") == 0 ?
	    row->next_attempt_at : 0);
	buf_puts(&b, ", \"sent\": ");
	json_time(&b, row->sent_at);
	buf_printf(&b, ", \"attempts\": %d, \"provider_id\": ", row->attempts);
	if (row->provider_id[0])
		json_append_string(&b, row->provider_id);
	else
		buf_puts(&b, "null");
	buf_puts(&b, ", \"last_error\": ");
	if (row->last_error[0])
		json_append_string(&b, row->last_error);
	else
		buf_puts(&b, "null");
	buf_puts(&b, ", \"delivery\": ");
	json_or_null(&b, row->delivery_state);
	buf_puts(&b, ", \"delivery_error\": ");
	json_or_null(&b, row->delivery_error);
	buf_puts(&b, ", \"delivery_meaning\": ");
	json_or_null(&b, meaning);
	buf_puts(&b, ", \"delivery_at\": ");
	json_time(&b, row->delivery_at);
	if (row->fallback_for > 0)
		buf_printf(&b, ", \"fallback_for\": %lld",
		    (long long)row->fallback_for);
	else
		buf_puts(&b, ", \"fallback_for\": null");
	buf_puts(&b, "}");
	(void)fputs(b.data, stdout);
	buf_clear(&b);
	l->rows++;
}

/*
 * Lists reminders from one of the store's listings, as a table or JSON;
 * for a patient (history), then the messages they sent the clinic.
 */
static int
list_reminders(const struct config *cfg, bool json, const char *state,
    int64_t patient)
{
	struct listing		 l = { json, 0 }, m = { json, 0 };
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	struct store		*st;
	int			 rc;

	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	if (patient > 0 && patient_known(st, "history", patient) == -1) {
		store_close(st);
		return CLI_FAILED;
	}
	if (json)
		(void)fputs(patient > 0 ? "{\"reminders\": [" : "[", stdout);
	else {
		row_text(&t, "ID", 6);
		row_text(&t, "PATIENT", 7);
		row_text(&t, "MILESTONE", 9);
		row_text(&t, "CHANNEL", 7);
		row_text(&t, "DUE", 17);
		row_text(&t, "STATE", 11);
		row_text(&t, "TRIES", 5);
		row_end(&t, "LAST ERROR");
	}
	if (patient > 0)
		rc = store_patient_history(st, patient, print_reminder, &l);
	else
		rc = store_reminders_list(st, state, print_reminder, &l);
	if (json)
		(void)fputs(l.rows ? "\n]" : "]", stdout);
	if (rc == 0 && patient > 0) {
		if (json)
			(void)fputs(", \"messages\": [", stdout);
		rc = store_patient_messages(st, patient, print_message, &m);
		if (json)
			(void)fputs(m.rows ? "\n]}" : "]}", stdout);
	}
	if (json)
		(void)fputs("\n", stdout);
	store_close(st);
	return rc == 0 ? CLI_OK : CLI_FAILED;
}

/* An instant to the minute, in UTC: "2026-11-25 14:03Z". */
static void
utc_minute(time_t t, char *buf, size_t len)
{
	char	utc[32];

	schedule_rfc3339_format(t, utc, sizeof(utc));
	(void)snprintf(buf, len, "%.10s %.5sZ", utc, utc + 11);
}

/* A classification as a table shows it. */
static const char *
kind_name(const char *classification)
{
	if (classification != NULL &&
	    strcmp(classification, "possible_optout") == 0)
		return "opt-out?";
	return classification;
}

/*
 * A message as JSON: everything the table shows, all of it, and the
 * patient's words whole.  Never the number it came from.
 */
static void
message_json(struct buf *b, const struct message_row *row)
{
	buf_printf(b, "{\"id\": %lld, \"received\": ", (long long)row->id);
	json_time(b, row->received_at);
	buf_puts(b, ", \"patient\": ");
	if (row->patient_id < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)row->patient_id);
	buf_printf(b, ", \"shared_with\": %lld, \"treatment\": ",
	    (long long)row->shared_with);
	if (row->treatment_id < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)row->treatment_id);
	buf_puts(b, ", \"reminder\": ");
	if (row->reminder_id < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)row->reminder_id);
	buf_puts(b, ", \"classification\": ");
	json_append_string(b, row->classification ? row->classification : "");
	buf_printf(b, ", \"urgent\": %s, \"photos\": %ld, \"escalation\": ",
	    row->urgent ? "true" : "false", row->num_media);
	json_append_string(b, row->escalation ? row->escalation : "");
	buf_printf(b, ", \"escalation_attempts\": %d, \"escalation_error\": ",
	    row->escalation_attempts);
	if (row->escalation_error != NULL && row->escalation_error[0] != '\0')
		json_append_string(b, row->escalation_error);
	else
		buf_puts(b, "null");
	buf_puts(b, ", \"next_attempt\": ");
	json_time(b, row->escalation != NULL &&
	    strcmp(row->escalation, "pending") == 0 ?
	    row->escalation_next_at : 0);
	buf_puts(b, ", \"escalated\": ");
	json_time(b, row->escalated_at);
	buf_puts(b, ", \"acknowledged\": ");
	json_time(b, row->acknowledged_at);
	buf_puts(b, ", \"handled\": ");
	json_time(b, row->handled_at);
	buf_puts(b, ", \"message_id\": ");
	json_append_string(b, row->provider_message_id ?
	    row->provider_message_id : "");
	buf_puts(b, ", \"text\": ");
	json_append_string(b, row->body ? row->body : "");
	buf_puts(b, "}");
}

/* A patient's message as a row of a --json list. */
static void	message_json_row(struct listing *, const struct message_row *);

static void
message_json_row(struct listing *l, const struct message_row *row)
{
	struct buf	b;

	buf_init(&b);
	buf_puts(&b, l->rows ? ",\n  " : "\n  ");
	message_json(&b, row);
	(void)fputs(b.data, stdout);
	buf_clear(&b);
	l->rows++;
}

/*
 * A message of the patient's in their history: when, what kind (a STOP,
 * a START, HELP, a reply), the provider's id of it (the evidence) and
 * their words, cut to what is left of the row; whole in --json.
 */
static void
print_message(void *arg, const struct message_row *row)
{
	struct listing		*l = arg;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	char			 when[32];

	if (l->json) {
		message_json_row(l, row);
		return;
	}
	if (l->rows == 0) {
		(void)fputs("\n", stdout);
		row_text(&t, "ID", 5);
		row_text(&t, "RECEIVED", 17);
		row_text(&t, "KIND", 15);
		row_text(&t, "MESSAGE ID", 34);
		row_end(&t, "TEXT");
	}
	utc_minute(row->received_at, when, sizeof(when));
	row_id(&t, row->id, 5);
	row_text(&t, when, 17);
	row_text(&t, row->classification, 15);
	row_text(&t, row->provider_message_id, 34);
	row_end(&t, row->body);
	l->rows++;
}

/*
 * A reply as a row of `aftercarectl replies`: when, whose, what it
 * answers, whether urgent, its kind, when it was escalated (or where
 * that stands), handled or not, and the text cut to what is left of
 * TABLE_COLS; everything, whole, in --json.
 */
static void
print_reply(void *arg, const struct message_row *row)
{
	struct listing		*l = arg;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	char			 when[32], escalated[32];

	if (l->json) {
		message_json_row(l, row);
		return;
	}
	utc_minute(row->received_at, when, sizeof(when));
	if (row->escalated_at != 0)
		utc_minute(row->escalated_at, escalated, sizeof(escalated));
	else
		(void)snprintf(escalated, sizeof(escalated), "%s",
		    row->escalation == NULL ||
		    strcmp(row->escalation, "none") == 0 ? "-" :
		    row->escalation);
	row_id(&t, row->id, 5);
	row_text(&t, when, 17);
	row_id(&t, row->patient_id, 7);
	row_id(&t, row->treatment_id, 6);
	row_text(&t, row->urgent ? "urgent" : "", 6);
	row_text(&t, kind_name(row->classification), 8);
	row_text(&t, escalated, 17);
	row_text(&t, row->handled_at != 0 ? "yes" : "no", 4);
	row_end(&t, row->body);
	l->rows++;
}

/*
 * replies [--open] [--json]: the patients' replies (not their keywords),
 * newest first; --open leaves out those marked handled.
 */
int
cli_replies(const struct config *cfg, int argc, char **argv)
{
	struct listing		 l = { false, 0 };
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	struct store		*st;
	bool			 open_only = false;
	int			 i, rc;

	l.json = take_json(&argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--open") == 0 && !open_only)
			open_only = true;
		else if (strcmp(argv[i], "--open") == 0)
			return usage_error("replies", "--open given twice");
		else
			return usage_error("replies", "unexpected argument "
			    "\"%.40s\"", argv[i]);
	}
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	if (l.json)
		(void)fputs("[", stdout);
	else {
		row_text(&t, "ID", 5);
		row_text(&t, "RECEIVED", 17);
		row_text(&t, "PATIENT", 7);
		row_text(&t, "TREAT.", 6);
		row_text(&t, "URGENT", 6);
		row_text(&t, "KIND", 8);
		row_text(&t, "ESCALATED", 17);
		row_text(&t, "DONE", 4);
		row_end(&t, "TEXT");
	}
	rc = store_replies_list(st, open_only, print_reply, &l);
	if (l.json)
		(void)fputs(l.rows ? "\n]\n" : "]\n", stdout);
	store_close(st);
	return rc == 0 ? CLI_OK : CLI_FAILED;
}

/* reply done ID: the reply is dealt with; it leaves replies --open. */
int
cli_reply(const struct config *cfg, int argc, char **argv)
{
	struct store	*st;
	char		 err[256], when[32];
	time_t		 handled;
	int64_t		 id;
	int		 ret;

	if (argc < 2)
		return usage_error("reply", "missing subcommand: done");
	if (strcmp(argv[1], "done") != 0)
		return usage_error("reply", "unknown subcommand \"%.40s\"",
		    argv[1]);
	if (argc != 3)
		return usage_error("reply done", argc == 2 ?
		    "missing reply ID" : "takes one reply ID");
	if ((ret = parse_id("reply done", "ID", argv[2], &id)) != CLI_OK)
		return ret;
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	ret = CLI_FAILED;
	if (store_reply_done(st, id, time(NULL), &handled, err,
	    sizeof(err)) == -1)
		(void)fprintf(stderr, "aftercarectl reply done: %s\n", err);
	else {
		utc_minute(handled, when, sizeof(when));
		if (handled == 0)
			(void)printf("reply %lld handled\n", (long long)id);
		else
			(void)printf("reply %lld was handled already, at %s\n",
			    (long long)id, when);
		ret = CLI_OK;
	}
	store_close(st);
	return ret;
}

/*
 * preview --treatment ID: every reminder of the treatment, when it goes out
 * (the patient's local time and UTC) and its exact text, or what became
 * of it.
 */
int
cli_preview(const struct config *cfg, int argc, char **argv)
{
	struct cli_opt	 o[] = { { "treatment", true, NULL } };
	struct reminder	*v;
	struct store	*st;
	int64_t		 id;
	size_t		 n;
	bool		 exists = true;
	int		 ret;

	if ((ret = parse_opts("preview", argc - 1, argv + 1, o, 1, NULL)) !=
	    CLI_OK)
		return ret;
	if ((ret = parse_id("preview", "--treatment", o[0].value, &id)) !=
	    CLI_OK)
		return ret;
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	/* The treatment's newest row decides what the reminders say. */
	if (sync_reminders(cfg, st) == -1 ||
	    store_treatment_reminders(st, id, &v, &n) == -1 ||
	    (n == 0 && store_treatment_exists(st, id, &exists) == -1)) {
		store_close(st);
		return CLI_FAILED;
	}
	store_close(st);
	if (n == 0) {
		if (!exists) {
			(void)fprintf(stderr, "aftercarectl preview: no "
			    "treatment with id %lld\n", (long long)id);
			return CLI_FAILED;
		}
		(void)printf("treatment %lld has no reminders (see "
		    "aftercarectl status)\n", (long long)id);
		return CLI_OK;
	}
	preview_treatment(cfg, v, n, time(NULL), stdout);
	store_reminders_free(v, n);
	return CLI_OK;
}

/* "--json" given as an option with no value. */
static bool
take_json(int *argc, char **argv)
{
	int	i;

	for (i = 1; i < *argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(*argc - i) * sizeof(*argv));
			(*argc)--;
			return true;
		}
	return false;
}

int
cli_reminders(const struct config *cfg, int argc, char **argv)
{
	struct cli_opt	 o[] = { { "state", false, NULL } };
	bool		 json = take_json(&argc, argv);
	int		 ret;

	if ((ret = parse_opts("reminders", argc - 1, argv + 1, o, 1, NULL)) !=
	    CLI_OK)
		return ret;
	if (o[0].value != NULL && !store_state_valid(o[0].value))
		return usage_error("reminders", "--state \"%.40s\": use pending, "
		    "sending, sent, failed, cancelled or expired", o[0].value);
	return list_reminders(cfg, json, o[0].value, 0);
}

int
cli_history(const struct config *cfg, int argc, char **argv)
{
	struct cli_opt	 o[] = { { "patient", true, NULL } };
	bool		 json = take_json(&argc, argv);
	int64_t		 id;
	int		 ret;

	if ((ret = parse_opts("history", argc - 1, argv + 1, o, 1, NULL)) !=
	    CLI_OK)
		return ret;
	if ((ret = parse_id("history", "--patient", o[0].value, &id)) !=
	    CLI_OK)
		return ret;
	return list_reminders(cfg, json, NULL, id);
}

static void
print_time(const char *label, time_t t, const char *none)
{
	char	when[32];

	if (t == 0) {
		(void)printf("%-15s %s\n", label, none);
		return;
	}
	schedule_rfc3339_format(t, when, sizeof(when));
	(void)printf("%-15s %s\n", label, when);
}

static void
status_json(const struct config *cfg, const struct store_status *s,
    bool running)
{
	const struct store_undelivered	*u;
	const char			*meaning;
	struct buf			 b;
	enum delivery			 d;
	char				 why[160];
	int64_t				 i;
	size_t				 k;

	buf_init(&b);
	buf_puts(&b, "{\"database\": ");
	json_append_string(&b, cfg->database);
	buf_printf(&b, ", \"running\": %s, \"heartbeat\": ",
	    running ? "true" : "false");
	json_time(&b, s->heartbeat);
	buf_printf(&b, ", \"reminders\": {\"pending\": %lld, \"sending\": "
	    "%lld, \"sent\": %lld, \"failed\": %lld, \"cancelled\": %lld, "
	    "\"expired\": %lld}, \"next_due\": ", (long long)s->pending,
	    (long long)s->sending, (long long)s->sent, (long long)s->failed,
	    (long long)s->cancelled, (long long)s->expired);
	json_time(&b, s->next_due);
	buf_puts(&b, ", \"oldest_pending\": ");
	json_time(&b, s->oldest_pending);
	buf_puts(&b, ", \"last_sent\": ");
	json_time(&b, s->last_sent);
	buf_printf(&b, ", \"replies\": {\"open\": %lld, \"urgent\": %lld, "
	    "\"escalations_waiting\": %lld, \"escalations_failed\": %lld}",
	    (long long)s->replies.open, (long long)s->replies.urgent,
	    (long long)s->replies.waiting, (long long)s->replies.failed);
	buf_printf(&b, ", \"failed_24h\": %lld, \"queued_changes\": %lld, "
	    "\"unreachable\": %lld, \"problems\": %lld, \"first_problems\": [",
	    (long long)s->failed_24h, (long long)s->queued_changes,
	    cfg->email.provider == EMAIL_PROVIDER_NONE ?
	    (long long)s->email_only : 0LL, (long long)s->nproblems);
	for (i = 0; i < s->nproblems && i < (int64_t)(sizeof(s->problems) /
	    sizeof(s->problems[0])); i++) {
		buf_printf(&b, "%s{\"treatment\": %lld, \"problem\": ",
		    i ? ", " : "", (long long)s->problems[i].treatment_id);
		json_append_string(&b, s->problems[i].problem);
		buf_puts(&b, "}");
	}
	buf_puts(&b, "], \"delivery\": {");
	for (d = DELIVERY_QUEUED; d <= DELIVERY_BOUNCED; d++)
		buf_printf(&b, "%s\"%s\": %lld", d > DELIVERY_QUEUED ? ", " : "",
		    delivery_name(d), (long long)s->delivery[d]);
	buf_printf(&b, "}, \"undelivered_24h\": %lld, \"undelivered\": [",
	    (long long)s->undelivered_24h);
	for (k = 0; k < s->nundelivered; k++) {
		u = &s->undelivered[k];
		meaning = delivery_error_format(u->error[0] != '\0' ? u->error :
		    NULL, why, sizeof(why));
		buf_printf(&b, "%s{\"channel\": ", k ? ", " : "");
		json_append_string(&b, u->channel);
		buf_puts(&b, ", \"delivery\": ");
		json_append_string(&b, u->state);
		buf_puts(&b, ", \"error\": ");
		json_or_null(&b, u->error);
		buf_puts(&b, ", \"meaning\": ");
		json_or_null(&b, meaning);
		buf_printf(&b, ", \"count\": %lld}", (long long)u->n);
	}
	buf_puts(&b, "]}\n");
	(void)fputs(b.data, stdout);
	buf_clear(&b);
}

/*
 * What the providers said of the reminders sent, if anything: counts by
 * delivery state, and what could not be delivered in the last day, by
 * kind, with what the error means.
 */
static void
status_delivery(const struct store_status *s)
{
	const struct store_undelivered	*u;
	struct buf			 b;
	enum delivery			 d;
	char				 why[160];
	size_t				 i;

	buf_init(&b);
	for (d = DELIVERY_QUEUED; d <= DELIVERY_BOUNCED; d++)
		if (s->delivery[d] > 0)
			buf_printf(&b, "%s%lld %s", b.len > 0 ? ", " : "",
			    (long long)s->delivery[d], delivery_name(d));
	if (b.len > 0)
		(void)printf("%-15s %s\n", "delivery:", b.data);
	buf_clear(&b);
	if (s->undelivered_24h == 0)
		return;
	(void)printf("%-15s %lld in the last 24 h\n", "undelivered:",
	    (long long)s->undelivered_24h);
	for (i = 0; i < s->nundelivered; i++) {
		u = &s->undelivered[i];
		(void)delivery_error_format(u->error[0] != '\0' ? u->error :
		    NULL, why, sizeof(why));
		(void)printf("  %lld %s %s%s%s\n", (long long)u->n, u->channel,
		    u->state, why[0] != '\0' ? ": " : "", why);
	}
}

int
cli_status(const struct config *cfg, int argc, char **argv)
{
	struct store_status	 s;
	struct store		*st;
	bool			 json = take_json(&argc, argv), running;
	time_t			 now = time(NULL);
	int64_t			 i;
	int			 ret;

	if ((ret = parse_opts("status", argc - 1, argv + 1, NULL, 0, NULL)) !=
	    CLI_OK)
		return ret;
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	if (store_status(st, now, &s) == -1) {
		store_close(st);
		return CLI_FAILED;
	}
	running = store_locked(st);
	store_close(st);
	if (json) {
		status_json(cfg, &s, running);
		return CLI_OK;
	}
	(void)printf("%-15s %s\n", "database:", cfg->database);
	(void)printf("%-15s %s\n", "daemon:", running ? "running" :
	    "not running");
	print_time("heartbeat:", s.heartbeat, "never");
	(void)printf("%-15s %lld pending, %lld sending, %lld sent, "
	    "%lld failed, %lld cancelled, %lld expired\n", "reminders:",
	    (long long)s.pending, (long long)s.sending, (long long)s.sent,
	    (long long)s.failed, (long long)s.cancelled, (long long)s.expired);
	print_time("next due:", s.next_due, "nothing pending");
	print_time("oldest pending:", s.oldest_pending, "-");
	print_time("last sent:", s.last_sent, "never");
	(void)printf("%-15s %lld\n", "failed (24 h):", (long long)s.failed_24h);
	if (cfg->inbound.enabled || s.replies.open > 0 ||
	    s.replies.waiting > 0 || s.replies.failed > 0)
		(void)printf("%-15s %lld open, %lld urgent; %lld waiting to be "
		    "emailed to staff, %lld not emailed (failed)\n",
		    "replies:", (long long)s.replies.open,
		    (long long)s.replies.urgent, (long long)s.replies.waiting,
		    (long long)s.replies.failed);
	if (s.queued_changes > 0)
		(void)printf("%-15s %lld treatment changes not yet turned "
		    "into reminders\n", "waiting:", (long long)s.queued_changes);
	if (cfg->email.provider == EMAIL_PROVIDER_NONE && s.email_only > 0)
		(void)printf("%-15s %lld patient%s only an email address, and "
		    "%s has no email section: they get no reminders\n",
		    "unreachable:", (long long)s.email_only,
		    s.email_only == 1 ? " has" : "s have", cfg->path);
	status_delivery(&s);
	(void)printf("%-15s %lld treatments get no reminders\n", "problems:",
	    (long long)s.nproblems);
	for (i = 0; i < s.nproblems && i < (int64_t)(sizeof(s.problems) /
	    sizeof(s.problems[0])); i++)
		(void)printf("  treatment %lld: %s\n",
		    (long long)s.problems[i].treatment_id, s.problems[i].problem);
	return CLI_OK;
}

/* Tables fit a terminal this wide. */
#define TABLE_COLS	100

/* Zones loaded and kept, at most; any more are loaded each time. */
#define ZONES_MAX	256

/* An id as a cell of cols columns, or more if it needs them; "-" if < 0. */
static void
row_id(struct table_row *t, int64_t v, size_t cols)
{
	char	num[24];
	int	n;

	if (v < 0)
		n = snprintf(num, sizeof(num), "-");
	else
		n = snprintf(num, sizeof(num), "%lld", (long long)v);
	buf_printf(&t->b, "%-*s ", (int)cols, num);
	t->used += ((size_t)n > cols ? (size_t)n : cols) + 1;
}

/* A text as a cell of cols columns: see template_cell(). */
static void
row_text(struct table_row *t, const char *s, size_t cols)
{
	char	cell[TABLE_COLS * 4 + 1];
	size_t	n;

	n = template_cell(s, cols, cell, sizeof(cell));
	buf_printf(&t->b, "%s%*s ", cell, (int)(cols - n), "");
	t->used += cols + 1;
}

/*
 * The last cell, cut to what is left of TABLE_COLS; prints the row and
 * makes t ready for the next.
 */
static void
row_end(struct table_row *t, const char *s)
{
	char	cell[TABLE_COLS * 4 + 1];

	(void)template_cell(s, t->used < TABLE_COLS ? TABLE_COLS - t->used :
	    0, cell, sizeof(cell));
	buf_printf(&t->b, "%s\n", cell);
	(void)fputs(t->b.data, stdout);
	buf_clear(&t->b);
	t->used = 0;
}

/*
 * A text of the booking software's as JSON: null for NULL, otherwise all
 * of it, as one line of valid UTF-8 (see template_cell()).
 */
static void
json_booking(struct buf *b, const char *s)
{
	char	*clean;
	size_t	 len;

	if (s == NULL || *s == '\0') {
		buf_puts(b, s == NULL ? "null" : "\"\"");
		return;
	}
	len = strlen(s);
	clean = xmalloc(4 * len + 1);
	(void)template_cell(s, len, clean, 4 * len + 1);
	json_append_string(b, clean);
	free(clean);
}

/*
 * The zone a patient's reminders are timed in, as the sync picks it:
 * theirs (name), or the clinic's when theirs is empty or not known to
 * tzdata.  *zone is its name, *from "patient", "clinic" (none set) or
 * "unknown" (theirs is not known).
 */
static const struct tz *
zone_pick(struct zones *zs, const struct config *cfg, const char *name,
    const char **zone, const char **from)
{
	struct tz	*z;
	char		 err[160];
	size_t		 i;

	*zone = cfg->timezone;
	*from = "clinic";
	if (name == NULL || *name == '\0')
		return cfg->zone;
	for (i = 0; i < zs->n; i++)
		if (strcmp(zs->v[i].name, name) == 0)
			break;
	if (i < zs->n)
		z = zs->v[i].tz;
	else {
		z = tz_load(name, err, sizeof(err));
		if (zs->n < ZONES_MAX) {
			zs->v = xrealloc(zs->v, (zs->n + 1) * sizeof(*zs->v));
			zs->v[zs->n].name = xstrdup(name);
			zs->v[zs->n++].tz = z;
		} else {
			tz_free(zs->spare);
			zs->spare = z;
		}
	}
	if (z == NULL) {
		*from = "unknown";
		return cfg->zone;
	}
	*zone = name;
	*from = "patient";
	return z;
}

static void
zones_clear(struct zones *zs)
{
	size_t	i;

	for (i = 0; i < zs->n; i++) {
		free(zs->v[i].name);
		tz_free(zs->v[i].tz);
	}
	free(zs->v);
	tz_free(zs->spare);
	memset(zs, 0, sizeof(*zs));
}

/* What `patient list` prints as it goes. */
struct patient_listing {
	const struct config	*cfg;
	struct store		*st;
	struct zones		 zones;
	bool			 json;
	size_t			 rows;
	bool			 failed;	/* the STOP list unread */
};

/*
 * Why aftercared does not reach the patient on each channel, into
 * why[ch]; "" where it does.  It does where a claimed reminder finds
 * consent and a phone number or address it can send to
 * (compose_address(); the sync makes reminders wherever there is a phone
 * number or address that is not blank, so on each of these too), on a
 * channel the configuration has, and for SMS a number that has not
 * replied STOP.
 */
static void
patient_reach(struct patient_listing *l, const struct patient_row *row,
    char why[CHANNEL__COUNT][256])
{
	struct reminder	 r;
	struct composed	 c;
	bool		 stop;
	int		 ch;

	memset(&r, 0, sizeof(r));
	r.patient_id = row->id;
	r.patient_found = true;
	r.phone = xstrdup(row->phone);
	r.email = xstrdup(row->email);
	r.sms_opt_in = row->sms_opt_in;
	r.email_opt_in = row->email_opt_in;
	r.email_unsubscribed = row->email_unsubscribed;
	r.email_bounced = row->email_bounced;
	for (ch = 0; ch < CHANNEL__COUNT; ch++) {
		why[ch][0] = '\0';
		memset(&c, 0, sizeof(c));
		if (ch == CHANNEL_EMAIL &&
		    l->cfg->email.provider == EMAIL_PROVIDER_NONE)
			(void)snprintf(why[ch], sizeof(why[ch]), "%s has no "
			    "email section", l->cfg->path);
		else if (compose_address(&r, ch, &c) != COMPOSE_SEND)
			(void)snprintf(why[ch], sizeof(why[ch]), "%s",
			    c.reason);
		else if (ch == CHANNEL_SMS) {
			if (store_optout_has(l->st, c.to, &stop) == -1) {
				l->failed = true;
				(void)snprintf(why[ch], sizeof(why[ch]),
				    "the STOP list cannot be read");
			} else if (stop)
				(void)snprintf(why[ch], sizeof(why[ch]), "%s",
				    PLAN_STOPPED_REASON);
		}
	}
	free(r.phone);
	free(r.email);
}

/*
 * A patient: the channels aftercared reaches them on (patient_reach()),
 * those they consent to, their language and time zone.  Never their
 * phone number or address.
 */
static void
print_patient(void *arg, const struct patient_row *row)
{
	struct patient_listing	*l = arg;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	struct buf		 b;
	const char		*zone, *from, *sep;
	char			 why[CHANNEL__COUNT][256], reach[16];
	char			 agreed[16], cell[96];
	bool			 in[CHANNEL__COUNT];
	size_t			 n;
	int			 ch;

	patient_reach(l, row, why);
	in[CHANNEL_SMS] = row->sms_opt_in;
	in[CHANNEL_EMAIL] = row->email_opt_in;
	(void)zone_pick(&l->zones, l->cfg, row->timezone, &zone, &from);
	if (!l->json) {
		(void)snprintf(reach, sizeof(reach), "none");
		(void)snprintf(agreed, sizeof(agreed), "none");
		for (ch = 0; ch < CHANNEL__COUNT; ch++) {
			if (why[ch][0] == '\0') {
				n = strcmp(reach, "none") == 0 ? 0 :
				    strlen(reach);
				(void)snprintf(reach + n, sizeof(reach) - n,
				    "%s%s", n ? "," : "",
				    config_channel_name(ch));
			}
			if (in[ch]) {
				n = strcmp(agreed, "none") == 0 ? 0 :
				    strlen(agreed);
				(void)snprintf(agreed + n, sizeof(agreed) - n,
				    "%s%s", n ? "," : "",
				    config_channel_name(ch));
			}
		}
		row_id(&t, row->id, 6);
		row_text(&t, reach, 9);
		row_text(&t, agreed, 9);
		row_text(&t, row->language, 10);
		(void)snprintf(cell, sizeof(cell), "%s%s", zone,
		    strcmp(from, "clinic") == 0 ? " (clinic's, none set)" :
		    strcmp(from, "unknown") == 0 ? " (clinic's, theirs "
		    "unknown)" : "");
		row_end(&t, cell);
		l->rows++;
		return;
	}
	buf_init(&b);
	buf_printf(&b, "%s\n  {\"id\": %lld, \"reach\": [", l->rows ? "," : "",
	    (long long)row->id);
	for (ch = 0, sep = ""; ch < CHANNEL__COUNT; ch++)
		if (why[ch][0] == '\0') {
			buf_printf(&b, "%s\"%s\"", sep, config_channel_name(ch));
			sep = ", ";
		}
	buf_printf(&b, "], \"consent\": {\"sms\": %s, \"email\": %s}, "
	    "\"not_reached\": {", in[CHANNEL_SMS] ? "true" : "false",
	    in[CHANNEL_EMAIL] ? "true" : "false");
	for (ch = 0, sep = ""; ch < CHANNEL__COUNT; ch++)
		if (why[ch][0] != '\0') {
			buf_printf(&b, "%s\"%s\": ", sep,
			    config_channel_name(ch));
			json_append_string(&b, why[ch]);
			sep = ", ";
		}
	buf_puts(&b, "}, \"timezone\": ");
	json_append_string(&b, zone);
	buf_printf(&b, ", \"timezone_from\": \"%s\", \"language\": ", from);
	json_booking(&b, row->language != NULL && *row->language != '\0' ?
	    row->language : NULL);
	buf_puts(&b, "}");
	(void)fputs(b.data, stdout);
	buf_clear(&b);
	l->rows++;
}

/* patient list [--json]: every patient, and how they are reached. */
static int
patient_list(const struct config *cfg, int argc, char **argv)
{
	struct patient_listing	 l;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	int			 ret, rc;

	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.json = take_json(&argc, argv);
	if ((ret = parse_opts("patient list", argc - 1, argv + 1, NULL, 0,
	    NULL)) != CLI_OK)
		return ret;
	if ((l.st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	if (l.json)
		(void)fputs("[", stdout);
	else {
		row_text(&t, "ID", 6);
		row_text(&t, "REACH", 9);
		row_text(&t, "CONSENT", 9);
		row_text(&t, "LANGUAGE", 10);
		row_end(&t, "TIME ZONE");
	}
	rc = store_patients_list(l.st, print_patient, &l);
	if (l.json)
		(void)fputs(l.rows ? "\n]\n" : "]\n", stdout);
	store_close(l.st);
	zones_clear(&l.zones);
	return rc == 0 && !l.failed ? CLI_OK : CLI_FAILED;
}

/* What `treatment list` prints as it goes. */
struct treatment_listing {
	const struct config	*cfg;
	struct zones		 zones;
	bool			 json;
	size_t			 rows;
};

/*
 * A treatment as the booking software wrote it: its time in UTC and in
 * the patient's zone, when it can be read.
 */
static void
print_treatment(void *arg, const struct treatment_row *row)
{
	struct treatment_listing *l = arg;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	const struct tz		*z;
	struct buf		 b;
	const char		*zone, *from;
	char			 err[160], utc[32], local[48];
	time_t			 at;
	bool			 ok;

	z = zone_pick(&l->zones, l->cfg, row->timezone, &zone, &from);
	ok = row->performed_at != NULL && schedule_rfc3339_parse(
	    row->performed_at, &at, NULL, err, sizeof(err)) == 0;
	if (ok) {
		schedule_rfc3339_format(at, utc, sizeof(utc));
		schedule_local_format(at, z, local, sizeof(local));
	}
	if (!l->json) {
		row_id(&t, row->id, 6);
		row_id(&t, row->patient_id, 7);
		row_text(&t, row->kind, 18);
		row_text(&t, row->status, 10);
		row_text(&t, ok ? utc : "not RFC 3339", 20);
		row_end(&t, ok ? local : "-");
		l->rows++;
		return;
	}
	buf_init(&b);
	buf_printf(&b, "%s\n  {\"id\": %lld, \"patient\": ", l->rows ? "," : "",
	    (long long)row->id);
	if (row->patient_id < 0)
		buf_puts(&b, "null");
	else
		buf_printf(&b, "%lld", (long long)row->patient_id);
	buf_puts(&b, ", \"kind\": ");
	json_booking(&b, row->kind);
	buf_puts(&b, ", \"status\": ");
	json_booking(&b, row->status);
	buf_puts(&b, ", \"performed_at\": ");
	json_booking(&b, row->performed_at);
	buf_puts(&b, ", \"at\": ");
	if (ok)
		json_append_string(&b, utc);
	else
		buf_puts(&b, "null");
	buf_puts(&b, ", \"timezone\": ");
	json_append_string(&b, zone);
	buf_puts(&b, "}");
	(void)fputs(b.data, stdout);
	buf_clear(&b);
	l->rows++;
}

/* treatment list [--patient ID] [--json]: the treatments, by id. */
static int
treatment_list(const struct config *cfg, int argc, char **argv)
{
	struct cli_opt		 o[] = { { "patient", false, NULL } };
	struct treatment_listing l;
	struct table_row	 t = { { NULL, 0, 0 }, 0 };
	struct store		*st;
	int64_t			 patient = 0;
	int			 ret, rc;

	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.json = take_json(&argc, argv);
	if ((ret = parse_opts("treatment list", argc - 1, argv + 1, o, 1,
	    NULL)) != CLI_OK)
		return ret;
	if (o[0].value != NULL && (ret = parse_id("treatment list",
	    "--patient", o[0].value, &patient)) != CLI_OK)
		return ret;
	if ((st = open_store(cfg)) == NULL)
		return CLI_FAILED;
	if (patient > 0 && patient_known(st, "treatment list", patient) ==
	    -1) {
		store_close(st);
		return CLI_FAILED;
	}
	if (l.json)
		(void)fputs("[", stdout);
	else {
		row_text(&t, "ID", 6);
		row_text(&t, "PATIENT", 7);
		row_text(&t, "KIND", 18);
		row_text(&t, "STATUS", 10);
		row_text(&t, "AT (UTC)", 20);
		row_end(&t, "AT (PATIENT'S ZONE)");
	}
	rc = store_treatments_list(st, patient, print_treatment, &l);
	if (l.json)
		(void)fputs(l.rows ? "\n]\n" : "]\n", stdout);
	store_close(st);
	zones_clear(&l.zones);
	return rc == 0 ? CLI_OK : CLI_FAILED;
}

/*
 * 0 if the patient is known (see store_patient_known()), else -1 with
 * one line saying which command found no such patient (or why it could
 * not tell, logged by the store).
 */
static int
patient_known(struct store *st, const char *cmd, int64_t patient)
{
	bool	known;

	if (store_patient_known(st, patient, &known) == -1)
		return -1;
	if (!known) {
		(void)fprintf(stderr, "aftercarectl %s: no patient with id "
		    "%lld\n", cmd, (long long)patient);
		return -1;
	}
	return 0;
}
