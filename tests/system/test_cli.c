/* SPDX-License-Identifier: MIT */
/* test_cli.c: aftercarectl and aftercared command lines, good and bad, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture/testenv.h"

#define MAXARGS		12

static char	dir[64];
static char	conf[128];
static char	nodb_conf[128];
static char	mail_conf[128];

struct result {
	int	status;
	char	out[4096];
	char	err[4096];
};

/* Copies the file at path into buf[len], cut short if need be. */
static void
slurp(const char *path, char *buf, size_t len)
{
	char	*text = testenv_read_file(path);

	snprintf(buf, len, "%s", text);
	free(text);
}

/*
 * Runs argv (NULL-terminated); "@CONF", "@NODB" and "@MAIL" (with an email
 * section) stand for config paths.
 */
static void
run(const char *const *args, struct result *res)
{
	const char	*argv[MAXARGS + 1];
	char		 out[160], err[160];
	int		 i;

	for (i = 0; args[i] != NULL && i < MAXARGS; i++) {
		if (strcmp(args[i], "@CONF") == 0)
			argv[i] = conf;
		else if (strcmp(args[i], "@NODB") == 0)
			argv[i] = nodb_conf;
		else if (strcmp(args[i], "@MAIL") == 0)
			argv[i] = mail_conf;
		else
			argv[i] = args[i];
	}
	argv[i] = NULL;
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	res->status = testenv_run(argv, out, err);
	slurp(out, res->out, sizeof(res->out));
	slurp(err, res->err, sizeof(res->err));
}

static int
setup(void **state)
{
	static const char *const init[] = { AFTERCARECTL, "-c", "@CONF",
	    "init", NULL };
	static const char *const patient[] = { AFTERCARECTL, "-c", "@CONF",
	    "patient", "add", "--name", "Test Patient", "--phone",
	    "+15550100111", NULL };
	struct result	 res;
	char		 path[160];
	const char	*body =
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "sms = { provider = \"webhook\"; url = \"http://127.0.0.1:9/\"; };\n";
	char		 text[512];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aftercare-cli-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/aftercare.conf", dir);
	snprintf(nodb_conf, sizeof(nodb_conf), "%s/nodb.conf", dir);
	snprintf(text, sizeof(text), "database = \"aftercare.db\";\n%s", body);
	testenv_write_file(conf, text);
	snprintf(text, sizeof(text), "database = \"missing/none.db\";\n%s",
	    body);
	testenv_write_file(nodb_conf, text);
	snprintf(mail_conf, sizeof(mail_conf), "%s/mail.conf", dir);
	snprintf(text, sizeof(text), "database = \"aftercare.db\";\n%s"
	    "email = { provider = \"smtp\"; url = \"smtp://127.0.0.1:9\"; "
	    "starttls = false; from = \"care@clinic.example.com\"; };\n",
	    body);
	testenv_write_file(mail_conf, text);
	run(init, &res);
	assert_int_equal(res.status, 0);
	run(patient, &res);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "1\n");
	snprintf(path, sizeof(path), "%s/aftercare.db", dir);
	assert_int_equal(access(path, R_OK), 0);
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
test_command_lines(void **state)
{
	static const struct {
		const char	*argv[MAXARGS];
		int		 status;
		const char	*out;	/* substring of stdout, or NULL */
		const char	*err;	/* substring of the one stderr line */
	} rows[] = {
		/* aftercarectl: usage errors exit 2 with one line */
		{ { AFTERCARECTL }, 2, NULL, "missing command" },
		{ { AFTERCARECTL, "-c" }, 2, NULL, "needs a file" },
		{ { AFTERCARECTL, "--bogus" }, 2, NULL, "unknown option --bogus" },
		{ { AFTERCARECTL, "-c", "@CONF", "frobnicate" }, 2, NULL,
		    "unknown command \"frobnicate\"" },
		{ { AFTERCARECTL, "-c", "/nonexistent/a.conf", "status" }, 2,
		    NULL, "/nonexistent/a.conf" },
		{ { AFTERCARECTL, "-c", "@CONF", "init", "extra" }, 2, NULL,
		    "unexpected argument \"extra\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient" }, 2, NULL,
		    "missing subcommand" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "remove" }, 2, NULL,
		    "unknown subcommand \"remove\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add" }, 2, NULL,
		    "missing --name" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A" }, 2, NULL, "give --phone, --email or both" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--email", "a@example.com", "--language", "spanish" },
		    2, NULL, "--language \"spanish\" is not a BCP 47" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--email", "a@example.com", "--language", "es-" },
		    2, NULL, "is not a BCP 47 language tag" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--email", "a@@example.com" }, 2, NULL,
		    "--email is not an email address" },
		/* no email section: added, and told what it gets (and 96-98) */
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--email", "a@example.com", "--language", "pt-BR" },
		    0, "2\n", "aftercarectl patient add: warning: this patient "
		    "gets no reminders: they have only an email address, and "
		    "/tmp/aftercare-cli-" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name" },
		    2, NULL, "--name needs a value" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    " ", "--phone", "+15550100112" }, 2, NULL, "--name is empty" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "555-0100" }, 2, NULL, "--phone: " },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "+15550100112", "--email", "a@" }, 2, NULL,
		    "--email is not an email address" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "+15550100112", "--tz", "Mars/Olympus" }, 2,
		    NULL, "--tz \"Mars/Olympus\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "+15550100112", "--tz", "../../etc/passwd" },
		    2, NULL, "is not a time zone" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--name", "B", "--phone", "+15550100112" }, 2, NULL,
		    "--name given twice" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--nmae",
		    "A" }, 2, NULL, "unknown option --nmae" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "x", "--at", "2026-11-24T14:00:00Z" }, 2, NULL,
		    "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "-4", "--at", "2026-11-24T14:00:00Z" }, 2, NULL,
		    "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at", "2026-11-24 14:00" }, 2, NULL,
		    "--at: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at", "2026-11-24T14:00:00Z", "--kind",
		    "Chemical Peel" }, 2, NULL, "--kind \"Chemical Peel\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1" }, 2, NULL, "missing --at" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel" }, 2,
		    NULL, "missing treatment ID" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "1",
		    "2" }, 2, NULL, "takes one treatment ID" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "1x" },
		    2, NULL, "ID: " },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--state",
		    "done" }, 2, NULL, "--state \"done\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "status", "--verbose" }, 2,
		    NULL, "unknown option --verbose" },
		{ { AFTERCARECTL, "-c", "@CONF", "history" }, 2, NULL,
		    "missing --patient" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "0" },
		    2, NULL, "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment" }, 2, NULL,
		    "missing subcommand" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add", "--at",
		    "2026-11-24T14:00:00Z" }, 2, NULL, "missing --patient" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at" }, 2, NULL, "--at needs a value" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at", "2026-11-24T14:00:00Z", "--kind" },
		    2, NULL, "--kind needs a value" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at", "2026-11-24T14:00:00Z", "--kind",
		    "" }, 2, NULL, "--kind \"\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "99999999999999999999", "--at",
		    "2026-11-24T14:00:00Z" }, 2, NULL, "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at", "2026-11-24T14:00:00Z", "extra" },
		    2, NULL, "unexpected argument \"extra\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "0" }, 2,
		    NULL, "ID: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "-1" },
		    2, NULL, "ID: " },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--state" }, 2,
		    NULL, "--state needs a value" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--state=" }, 2,
		    NULL, "--state \"\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "extra" }, 2, NULL,
		    "unexpected argument \"extra\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "status", "extra" }, 2, NULL,
		    "unexpected argument \"extra\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "init", "--force" }, 2, NULL,
		    "unknown option --force" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "" }, 2, NULL, "--phone: " },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "+15550100112", "--email", "" }, 2, NULL,
		    "--email is not an email address" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "+15550100112", "--tz", "" }, 2, NULL,
		    "is not a time zone" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "A", "--phone", "+15550100112", "extra" }, 2, NULL,
		    "unexpected argument \"extra\"" },
		/* runtime failures exit 1 */
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "42", "--at", "2026-11-24T14:00:00Z" }, 1, NULL,
		    "no patient with id 42" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "42" },
		    1, NULL, "no treatment with id 42" },
		{ { AFTERCARECTL, "-c", "@NODB", "status" }, 1, NULL,
		    "no such database" },
		/* and what works */
		{ { AFTERCARECTL, "--version" }, 0, "aftercarectl ", "" },
		{ { AFTERCARECTL, "--help" }, 0, "treatment add", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add",
		    "--patient", "1", "--at", "2026-11-24T09:00:00-05:00" }, 0,
		    "1\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders" }, 0,
		    "2w        sms     2026-12-08 14:00Z pending     0     -\n",
		    "" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--state=sent" },
		    0, "LAST ERROR\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "3 pending", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout" }, 2, NULL,
		    "missing --patient" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout", "--patient", "x" }, 2,
		    NULL, "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "optin", "--patient", "1",
		    "--channel", "fax" }, 2, NULL, "--channel \"fax\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout", "--patient", "42" }, 1,
		    NULL, "no patient with id 42" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout", "--patient", "1" }, 0,
		    "patient 1 opted out of sms", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "0 pending, 0 sending, 0 sent, 0 failed, 3 cancelled", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "optin", "--patient", "1",
		    "--channel", "sms" }, 0, "patient 1 opted in to sms", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "3 pending, 0 sending, 0 sent, 0 failed, 0 cancelled", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout", "--patient", "1",
		    "--channel", "email" }, 0, "patient 1 opted out of email",
		    "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "3 pending", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "preview" }, 2, NULL,
		    "missing --treatment" },
		{ { AFTERCARECTL, "-c", "@CONF", "preview", "--treatment", "x" },
		    2, NULL, "--treatment: " },
		{ { AFTERCARECTL, "-c", "@CONF", "preview", "--treatment", "9" },
		    1, NULL, "aftercarectl preview: no treatment with id 9\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "preview", "--treatment", "1" },
		    0, "1w sms: pending\n  due 2026-12-01 14:00 +00:00 "
		    "(2026-12-01T14:00:00Z)\n  text (GSM-7, 2 segments):\n  Hi "
		    "Test, one week since your microneedling.", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "1" },
		    0, "treatment 1 cancelled", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "preview", "--treatment", "1" },
		    0, "2w sms: cancelled\n  due 2026-12-08 14:00 +00:00 "
		    "(2026-12-08T14:00:00Z)\n  treatment cancelled\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "3 cancelled", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "daemon:         not running", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status", "--json" }, 0,
		    "\"reminders\": {\"pending\": 0, \"sending\": 0, \"sent\": 0, "
		    "\"failed\": 0, \"cancelled\": 3, \"expired\": 0}", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status", "--json" }, 0,
		    "\"running\": false, \"heartbeat\": null", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "1" },
		    0, "2026-12-08 14:00Z cancelled   0     treatment cancelled\n",
		    "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "1",
		    "--json" }, 0, "\"milestone\": \"2w\", \"channel\": \"sms\", "
		    "\"state\": \"cancelled\", \"due\": \"2026-12-08T14:00:00Z\"",
		    "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "7",
		    "--json" }, 1, NULL, "aftercarectl history: no patient with "
		    "id 7\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--json",
		    "--state", "cancelled" }, 0, "\"last_error\": \"treatment "
		    "cancelled\", \"delivery\": null, \"delivery_error\": null, "
		    "\"delivery_meaning\": null, \"delivery_at\": null, "
		    "\"fallback_for\": null}", "" },
		/* aftercared */
		{ { AFTERCARED, "--bogus" }, 2, NULL, "unknown option --bogus" },
		{ { AFTERCARED, "-c" }, 2, NULL, "needs a value" },
		{ { AFTERCARED, "-c", "@CONF", "--now", "2026-11-24T14:00:00Z" },
		    2, NULL, "--now needs --once or --dry-run" },
		{ { AFTERCARED, "-c", "@CONF", "--once", "--now", "tomorrow" },
		    2, NULL, "--now: " },
		{ { AFTERCARED, "-c", "@CONF", "--once", "--dry-run" }, 2, NULL,
		    "use only one of" },
		{ { AFTERCARED, "-c", "@CONF", "stray" }, 2, NULL,
		    "unexpected argument \"stray\"" },
		{ { AFTERCARED, "-c", "/nonexistent/a.conf", "--check-config" },
		    2, NULL, "/nonexistent/a.conf" },
		{ { AFTERCARED, "-c", "@NODB", "--once" }, 1, NULL,
		    "no such database" },
		{ { AFTERCARED, "-c", "@CONF", "--check-config" }, 0, "", "" },
		{ { AFTERCARED, "--version" }, 0, "aftercared ", "" },
		{ { AFTERCARED, "--help" }, 0, "--dry-run", "" },
		/* with phone and email, but no email section (and row 13) */
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "add", "--name",
		    "B", "--phone", "+15550100113", "--email",
		    "b@example.com" }, 0, NULL, "warning: this patient gets "
		    "SMS only: /tmp/aftercare-cli-" },
		{ { AFTERCARECTL, "-c", "@CONF", "status" }, 0,
		    "\nunreachable:    1 patient has only an email address, and "
		    "/tmp/aftercare-cli-", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "status", "--json" }, 0,
		    "\"unreachable\": 1, ", "" },
		/* 99: the lists of patients and treatments */
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "list", "extra" }, 2,
		    NULL, "aftercarectl patient list: unexpected argument "
		    "\"extra\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "list", "--tz",
		    "UTC" }, 2, NULL, "unknown option --tz" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "x" }, 2, NULL, "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "0" }, 2, NULL, "--patient: " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "1", "--patient", "2" }, 2, NULL,
		    "--patient given twice" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list", "1" }, 2,
		    NULL, "unexpected argument \"1\"" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "99" }, 1, NULL, "aftercarectl treatment list: "
		    "no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient" }, 2, NULL,
		    "missing subcommand: add or list" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "list" }, 0,
		    "ID     REACH     CONSENT   LANGUAGE   TIME ZONE\n"
		    "1      sms       sms       -          UTC (clinic's, none "
		    "set)\n2      none      sms,email pt-BR      UTC (clinic's, "
		    "none set)\n3      sms       sms,email -          UTC", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "list", "--json" }, 0,
		    "{\"id\": 2, \"reach\": [], \"consent\": {\"sms\": true, "
		    "\"email\": true}, \"not_reached\": {\"sms\": \"patient 2 has "
		    "no phone number\", \"email\": \"/tmp/aftercare-cli-", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list" }, 0,
		    "ID     PATIENT KIND               STATUS     AT (UTC)         "
		    "    AT (PATIENT'S ZONE)\n1      1       microneedling      "
		    "cancelled  2026-11-24T14:00:00Z 2026-11-24 14:00 +00:00\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list", "--json",
		    "--patient=1" }, 0, "[\n  {\"id\": 1, \"patient\": 1, "
		    "\"kind\": \"microneedling\", \"status\": \"cancelled\", "
		    "\"performed_at\": \"2026-11-24T09:00:00-05:00\", \"at\": "
		    "\"2026-11-24T14:00:00Z\", \"timezone\": \"UTC\"}\n]\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "2", "--json" }, 0, "[]\n", "" },
	};
	struct result	 res;
	const char	*nl;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		run(rows[i].argv, &res);
		if (res.status != rows[i].status)
			fail_msg("row %zu (%s %s): exit %d, want %d; stderr: %s",
			    i, rows[i].argv[0], rows[i].argv[3] ?
			    rows[i].argv[3] : "", res.status, rows[i].status,
			    res.err);
		if (rows[i].out != NULL && strstr(res.out, rows[i].out) == NULL)
			fail_msg("row %zu: stdout lacks \"%s\": %s", i,
			    rows[i].out, res.out);
		if (strstr(res.err, rows[i].err) == NULL)
			fail_msg("row %zu: stderr lacks \"%s\": %s", i,
			    rows[i].err, res.err);
		/*
		 * a bad command line, or a command of aftercarectl's that
		 * cannot be carried out, is explained in exactly one line,
		 * with no answer
		 */
		if (rows[i].status == 2 || (rows[i].status == 1 &&
		    strcmp(rows[i].argv[0], AFTERCARECTL) == 0)) {
			nl = strchr(res.err, '\n');
			if (nl == NULL || nl[1] != '\0')
				fail_msg("row %zu: want one line on stderr, "
				    "got: %s", i, res.err);
			if (res.out[0] != '\0')
				fail_msg("row %zu: an answer on stdout: %s", i,
				    res.out);
		}
	}
}

/* Runs SQL on the database, as the booking software would. */
static void
sql(const char *q)
{
	sqlite3	*db;
	char	 path[160];

	snprintf(path, sizeof(path), "%s/aftercare.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* As run(), for long answers: all of stdout, which the caller frees. */
static char *
run_long(const char *const *args, struct result *res)
{
	char	path[160];

	run(args, res);
	snprintf(path, sizeof(path), "%s/out", dir);
	return testenv_read_file(path);
}

/*
 * Every command given an id that is not there says so in one line and
 * exits 1, with nothing on stdout; a patient or treatment that is there
 * with nothing to show gets its empty answer, and exit 0.
 */
static void
test_unknown_ids(void **state)
{
	static const struct {
		const char	*argv[MAXARGS];
		int		 status;
		const char	*out;	/* all of stdout */
		const char	*err;	/* all of stderr */
	} rows[] = {
		/* 0: no such patient or treatment */
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "add", "--patient",
		    "99", "--at", "2026-11-24T14:00:00Z" }, 1, "",
		    "aftercarectl treatment add: no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "cancel", "99" }, 1,
		    "", "aftercarectl treatment cancel: no treatment with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout", "--patient", "99" }, 1,
		    "", "aftercarectl optout: no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "optin", "--patient", "99",
		    "--channel", "email" }, 1, "",
		    "aftercarectl optin: no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "99" }, 1,
		    "", "aftercarectl history: no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "99",
		    "--json" }, 1, "",
		    "aftercarectl history: no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "preview", "--treatment", "99" },
		    1, "", "aftercarectl preview: no treatment with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "99" }, 1, "",
		    "aftercarectl treatment list: no patient with id 99\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list", "--json",
		    "--patient", "99" }, 1, "",
		    "aftercarectl treatment list: no patient with id 99\n" },
		/* 9: there, with nothing to show */
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "52" }, 0,
		    "ID     PATIENT MILESTONE CHANNEL DUE               STATE       "
		    "TRIES LAST ERROR\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "52",
		    "--json" }, 0,
		    "{\"reminders\": [], \"messages\": []}\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "52" }, 0, "ID     PATIENT KIND               "
		    "STATUS     AT (UTC)             AT (PATIENT'S ZONE)\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "52", "--json" }, 0, "[]\n", "" },
		/* 13: a treatment with no reminders (its status is unknown) */
		{ { AFTERCARECTL, "-c", "@CONF", "preview", "--treatment", "51" },
		    0, "treatment 51 has no reminders (see aftercarectl status)\n",
		    "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "50",
		    "--json" }, 0,
		    "{\"reminders\": [], \"messages\": []}\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "50", "--json" }, 0, "[\n  {\"id\": 51, "
		    "\"patient\": 50, \"kind\": \"microneedling\", \"status\": "
		    "\"done\", \"performed_at\": \"2026-11-24T09:00:00-05:00\", "
		    "\"at\": \"2026-11-24T14:00:00Z\", \"timezone\": "
		    "\"Europe/Madrid\"}\n]\n", "" },
		/* 16: the patient deleted, their treatment kept: still shown */
		{ { "@DELETE" }, 0, NULL, NULL },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "50" }, 0, "ID     PATIENT KIND               "
		    "STATUS     AT (UTC)             AT (PATIENT'S ZONE)\n"
		    "51     50      microneedling      done       "
		    "2026-11-24T14:00:00Z 2026-11-24 14:00 +00:00\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "50",
		    "--json" }, 0,
		    "{\"reminders\": [], \"messages\": []}\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "optout", "--patient", "50" }, 1,
		    "", "aftercarectl optout: no patient with id 50\n" },
	};
	static const char *const init[] = { AFTERCARECTL, "-c", "@CONF",
	    "init", NULL };
	struct result	 res;
	size_t		 i;

	(void)state;
	sql("INSERT INTO patients (id, full_name, phone, timezone) VALUES "
	    "(50, 'Ana Example', '+15550100150', 'Europe/Madrid'), "
	    "(52, 'Bo Example', '+15550100152', NULL);"
	    "INSERT INTO treatments (id, patient_id, performed_at, status) "
	    "VALUES (51, 50, '2026-11-24T09:00:00-05:00', 'done');");
	/* the treatment's problem is told of here, once */
	run(init, &res);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.err, "event=bad_treatment treatment=51: "));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (strcmp(rows[i].argv[0], "@DELETE") == 0) {
			sql("DELETE FROM patients WHERE id = 50");
			continue;
		}
		run(rows[i].argv, &res);
		if (res.status != rows[i].status)
			fail_msg("row %zu: exit %d, want %d; stderr: %s", i,
			    res.status, rows[i].status, res.err);
		if (strcmp(res.out, rows[i].out) != 0)
			fail_msg("row %zu: stdout\n%s\nwant\n%s", i, res.out,
			    rows[i].out);
		if (strcmp(res.err, rows[i].err) != 0)
			fail_msg("row %zu: stderr\n%s\nwant\n%s", i, res.err,
			    rows[i].err);
	}
}

/* The line of text that starts with start, up to its newline; or NULL. */
static char *
line_of(const char *text, const char *start)
{
	const char	*p;
	size_t		 n = strlen(start);

	for (p = text; *p != '\0'; p += strcspn(p, "\n") + 1) {
		if (strncmp(p, start, n) == 0)
			return strndup(p, strcspn(p, "\n"));
		if (p[strcspn(p, "\n")] == '\0')
			break;
	}
	return NULL;
}

/*
 * The channels each patient is reached on, as aftercared would reach
 * them, and why not; their time zone, language and consent.  Never a
 * phone number or an address.
 */
static void
test_patient_list(void **state)
{
	static const struct {
		const char	*conf;
		const char	*start;	/* how the line starts */
		const char	*want;	/* the rest of it */
	} rows[] = {
		/* 0: without an email section, with one */
		{ "@CONF", "  {\"id\": 60, ", "\"reach\": [\"sms\"], \"consent\": "
		    "{\"sms\": true, \"email\": true}, \"not_reached\": "
		    "{\"email\": \"@CONF has no email section\"}, \"timezone\": "
		    "\"Europe/Madrid\", \"timezone_from\": \"patient\", "
		    "\"language\": \"es\"}," },
		{ "@MAIL", "  {\"id\": 60, ", "\"reach\": [\"sms\", \"email\"], "
		    "\"consent\": {\"sms\": true, \"email\": true}, "
		    "\"not_reached\": {}, \"timezone\": \"Europe/Madrid\", "
		    "\"timezone_from\": \"patient\", \"language\": \"es\"}," },
		{ "@MAIL", "60     ", "sms,email sms,email es         "
		    "Europe/Madrid" },
		/* 3: a number without its country code */
		{ "@MAIL", "  {\"id\": 61, ", "\"reach\": [], \"consent\": "
		    "{\"sms\": true, \"email\": true}, \"not_reached\": "
		    "{\"sms\": \"patient 61: phone number has no country code "
		    "(write it with + and the country code)\", \"email\": "
		    "\"patient 61 has no email address\"}, \"timezone\": \"UTC\", "
		    "\"timezone_from\": \"clinic\", \"language\": null}," },
		{ "@MAIL", "61     ", "none      sms,email -          UTC "
		    "(clinic's, none set)" },
		/* 5: opted out of both */
		{ "@MAIL", "  {\"id\": 62, ", "\"reach\": [], \"consent\": "
		    "{\"sms\": false, \"email\": false}, \"not_reached\": "
		    "{\"sms\": \"patient 62 has opted out of SMS\", \"email\": "
		    "\"patient 62 has opted out of email\"}," },
		{ "@MAIL", "62     ", "none      none      -" },
		/* 7: the number replied STOP; an address with blanks around */
		{ "@MAIL", "  {\"id\": 63, ", "\"reach\": [\"email\"], "
		    "\"consent\": {\"sms\": true, \"email\": true}, "
		    "\"not_reached\": {\"sms\": \"the number unsubscribed "
		    "(replied STOP)\"}, \"timezone\": "
		    "\"UTC\", \"timezone_from\": \"clinic\", \"language\": null}," },
		{ "@MAIL", "63     ", "email     sms,email -" },
		/* 9: an address that cannot be sent to */
		{ "@MAIL", "  {\"id\": 64, ", "\"reach\": [], \"consent\": "
		    "{\"sms\": true, \"email\": true}, \"not_reached\": "
		    "{\"sms\": \"patient 64 has no phone number\", \"email\": "
		    "\"patient 64: the email address is not one we can send to "
		    "(name@example.com)\"}," },
		/* 10: blanks; an unknown zone; a language that is not UTF-8 */
		{ "@MAIL", "  {\"id\": 65, ", "\"reach\": [], \"consent\": "
		    "{\"sms\": true, \"email\": true}, \"not_reached\": "
		    "{\"sms\": \"patient 65 has no phone number\", \"email\": "
		    "\"patient 65 has no email address\"}, \"timezone\": \"UTC\", "
		    "\"timezone_from\": \"unknown\", \"language\": \"cr?me \"}," },
		{ "@MAIL", "65     ", "none      sms,email cr?me      UTC "
		    "(clinic's, theirs unknown)" },
		/* 12: a number stored as an integer; consent as text */
		{ "@MAIL", "  {\"id\": 66, ", "\"reach\": [], \"consent\": "
		    "{\"sms\": true, \"email\": false}, \"not_reached\": "
		    "{\"sms\": \"patient 66: phone number has no country code "
		    "(write it with + and the country code)\", \"email\": "
		    "\"patient 66 has opted out of email\"}," },
		{ "@MAIL", "  {\"id\": 67, ", "\"reach\": [\"email\"], "
		    "\"consent\": {\"sms\": false, \"email\": true}, "
		    "\"not_reached\": {\"sms\": \"patient 67 has opted out of "
		    "SMS\"}, \"timezone\": \"UTC\", \"timezone_from\": "
		    "\"clinic\", \"language\": \"pt-BR\"}" },
		{ "@MAIL", "67     ", "email     email     pt-BR      UTC "
		    "(clinic's, none set)\n" },
	};
	static const char *const secrets[] = {
		"555", "p60@", "p62@", "p63@", "p64 ", "p66@", "p67@",
		"Olympus", "Example",
	};
	const char	*argv[] = { AFTERCARECTL, "-c", NULL, "patient", "list",
	    NULL, NULL };
	struct result	 res;
	char		*out, *line, want[512];
	size_t		 i, j;

	(void)state;
	sql("INSERT INTO patients (id, full_name, phone, email, timezone, "
	    "language, sms_opt_in, email_opt_in) VALUES "
	    "(60, 'Ana Example', '+1 555 010 0160', 'p60@example.com', "
	    "'Europe/Madrid', 'es', 1, 1), "
	    "(61, 'Bo Example', '555 0161', NULL, NULL, NULL, 1, 1), "
	    "(62, 'Cy Example', '+1 555 010 0162', 'p62@example.com', NULL, "
	    "NULL, 0, 0), "
	    "(63, 'Di Example', '+15550100163', '  p63@example.com\t', NULL, "
	    "'', 1, 1), "
	    "(64, 'Ed Example', NULL, 'p64 at example.com', NULL, NULL, 1, 1), "
	    "(65, 'Fay Example', '   ', '', 'Mars/Olympus', "
	    "CAST(X'6372E86D650A' AS TEXT), 1, 1), "
	    "(66, 'Gus Example', 15550100166, 'p66@example.com', NULL, NULL, "
	    "1, 'no'), "
	    "(67, 'Hal Example', '+15550100167', 'p67@example.com', '', "
	    "'pt-BR', 'yes', 1);"
	    "INSERT INTO sms_optouts (phone, reminder_id, recorded_at) "
	    "VALUES ('+15550100163', NULL, 0);");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		argv[2] = rows[i].conf;
		argv[5] = rows[i].start[0] == ' ' ? "--json" : NULL;
		out = run_long(argv, &res);
		if (res.status != 0 || res.err[0] != '\0')
			fail_msg("row %zu: exit %d: %s", i, res.status, res.err);
		if ((line = line_of(out, rows[i].start)) == NULL)
			fail_msg("row %zu: no line \"%s\":\n%s", i,
			    rows[i].start, out);
		/* "@CONF" in a row stands for the file's name */
		snprintf(want, sizeof(want), "%s", rows[i].want);
		if ((strstr(want, "@CONF")) != NULL)
			snprintf(strstr(want, "@CONF"), sizeof(want) - (size_t)
			    (strstr(want, "@CONF") - want), "%s%s", conf,
			    strstr(rows[i].want, "@CONF") + 5);
		if (strncmp(line + strlen(rows[i].start), want,
		    strcspn(want, "\n")) != 0 || (strchr(want, '\n') != NULL &&
		    strlen(line) != strlen(rows[i].start) + strlen(want) - 1))
			fail_msg("row %zu: got\n%s\nwant\n%s%s", i, line,
			    rows[i].start, want);
		for (j = 0; j < sizeof(secrets) / sizeof(secrets[0]); j++)
			if (strstr(out, secrets[j]) != NULL)
				fail_msg("row %zu: \"%s\" printed:\n%s", i,
				    secrets[j], out);
		free(line);
		free(out);
	}
}

/*
 * Every line of a table fits 100 columns (a character is a column), and
 * holds no control character: with long ids, the longest milestone name
 * a plan can have, a long error in UTF-8 with a line break in it, and the
 * booking software's longest values.
 */
static void
test_table_width(void **state)
{
	static const struct {
		const char	*argv[MAXARGS];
		const char	*start;		/* the long row starts so */
	} rows[] = {
		{ { AFTERCARECTL, "-c", "@CONF", "reminders" },
		    "1234567 7654321 day_be... email   2026-11-29 14:00Z failed      "
		    "8     the mail server refused the...\n" },
		/* sent, and what the carrier said of it */
		{ { AFTERCARECTL, "-c", "@CONF", "reminders" },
		    "1234568 7654321 day_be... sms     2026-11-29 14:00Z undelivered "
		    "1     30007 carrier filtered\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--state",
		    "failed" }, "1234567 7654321 " },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient",
		    "7654321" }, "1234567 7654321 " },
		{ { AFTERCARECTL, "-c", "@CONF", "patient", "list" },
		    "7654321 sms       sms,email zh-Hant... UTC (clinic's, theirs "
		    "unknown)" },
		{ { AFTERCARECTL, "-c", "@MAIL", "patient", "list" },
		    "7654321 sms,email sms,email zh-Hant... " },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list" },
		    "2345678 7654321 laser_resurfaci... xxxxxxx... not RFC 3339 "
		    "        -\n" },
		{ { AFTERCARECTL, "-c", "@CONF", "treatment", "list",
		    "--patient", "7654321" }, "2345679 7654321 microneedling      "
		    "completed  2026-11-24T14:00:00Z 2026-11-24 14:00 +00:00" },
		{ { AFTERCARECTL, "-c", "@CONF", "replies" },
		    "1234568 2026-11-29 14:00Z 7654321 2345679 urgent opt-out? "
		    "failed            no   still swollen [3..." },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient",
		    "7654321" }, "1234568 2026-11-29 14:00Z possible_optout "
		    "SM00000000000000000000000000000000 still swollen [31m" },
	};
	struct result	 res;
	char		*out;
	const char	*line, *p;
	size_t		 i, cols, n;
	bool		 found;

	(void)state;
	sql("INSERT INTO patients (id, full_name, phone, email, timezone, "
	    "language) VALUES (7654321, 'Ana Example', '+15550100170', "
	    "'ana@example.com', 'America/' || replace(hex(zeroblob(50000)), "
	    "'00', 'X'), 'zh-Hant-TW-x-abcdefgh-abcdefgh-abcd');"
	    "INSERT INTO treatments (id, patient_id, kind, performed_at, "
	    "status) VALUES (2345678, 7654321, 'laser_resurfacing_' || "
	    "replace(hex(zeroblob(23)), '00', 'ab'), '2026-11-24T09:00:00-05:00'"
	    " || replace(hex(zeroblob(50000)), '00', '0'), "
	    "replace(hex(zeroblob(100)), '00', 'x')), "
	    "(2345679, 7654321, 'microneedling', '2026-11-24T09:00:00-05:00', "
	    "'completed');"
	    /* what aftercared would write of a reminder 1234567 */
	    "INSERT INTO reminders (id, treatment_id, milestone, channel, "
	    "state, due_at, expires_at, next_attempt_at, attempts, last_error, "
	    "provider_id, created_at, updated_at) VALUES (1234567, 2345679, "
	    "'day_before_the_treatment_is_done', 'email', 'failed', 1795960800, "
	    "1796047200, 1795960800, 8, 'the mail server refused the message: "
	    "SMTP 550 (permanent: check the address): 5.1.1 ' || "
	    "replace(hex(zeroblob(100)), '00', '\xc3\xa9') || char(10) || "
	    "'bounced', '0123456789abcdef0123456789abcdef.1795960800@clinic."
	    "example.com', 1795960800, 1795960800);"
	    /* what aftercare-inbound would write of a long reply to it */
	    "INSERT INTO inbound_messages (id, provider, provider_message_id, "
	    "from_number, body, num_media, received_at, patient_id, "
	    "treatment_id, reminder_id, classification, urgent, escalation, "
	    "escalation_error) VALUES (1234568, 'twilio', 'SM' || "
	    "hex(zeroblob(16)), '+15550100170', 'still swollen' || char(10) || "
	    "char(27) || '[31m' || replace(hex(zeroblob(200)), '00', "
	    "'\xc3\xa9'), 2, 1795960800, 7654321, 2345679, 1234567, "
	    "'possible_optout', 1, 'failed', 'HTTP 400');"
	    /* an SMS sent, and what the carrier said of it */
	    "INSERT INTO reminders (id, treatment_id, milestone, channel, "
	    "state, due_at, expires_at, next_attempt_at, attempts, "
	    "provider_id, created_at, updated_at, sent_at, delivery_state, "
	    "delivery_error, delivery_at) VALUES (1234568, 2345679, "
	    "'day_before_the_treatment_is_done', 'sms', 'sent', 1795960800, "
	    "1796047200, 1795960800, 1, 'SM0123456789abcdef0123456789abcdef', "
	    "1795960800, 1795960800, 1795960800, 'undelivered', '30007', "
	    "1795960900);");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out = run_long(rows[i].argv, &res);
		if (res.status != 0)
			fail_msg("row %zu: exit %d: %s", i, res.status, res.err);
		found = false;
		for (line = out; *line != '\0'; line += n + 1) {
			n = strcspn(line, "\n");
			if (line[n] != '\n')
				fail_msg("row %zu: unterminated: %s", i, line);
			for (p = line, cols = 0; p < line + n; p++) {
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					fail_msg("row %zu: control character "
					    "in: %.*s", i, (int)n, line);
				if (((unsigned char)*p & 0xc0) != 0x80)
					cols++;
			}
			if (cols > 100)
				fail_msg("row %zu: %zu columns: %.*s", i, cols,
				    (int)n, line);
			if (strncmp(line, rows[i].start,
			    strlen(rows[i].start)) == 0)
				found = true;
		}
		if (!found)
			fail_msg("row %zu: no line starts \"%s\":\n%s", i,
			    rows[i].start, out);
		free(out);
	}
}

/*
 * What the providers said of the reminders sent (as aftercare-inbound
 * writes it) shows in history, its JSON, status and preview, with what
 * each error means; an email standing in for an undelivered SMS names it
 * (and preview says so: test_receipts.c).
 */
static void
test_delivery_shown(void **state)
{
	static const struct {
		const char	*argv[MAXARGS];
		const char	*out;	/* substring of stdout */
	} rows[] = {
		{ { AFTERCARECTL, "-c", "@MAIL", "history", "--patient", "80" },
		    "801    80      24h       sms     2026-11-25 14:00Z undelivered "
		    "1     30005 unknown number\n" },
		{ { AFTERCARECTL, "-c", "@MAIL", "history", "--patient", "80" },
		    "802    80      24h       email   2026-11-25 15:00Z pending     "
		    "0     -\n" },
		{ { AFTERCARECTL, "-c", "@MAIL", "history", "--patient", "80" },
		    "804    80      1w        email   2026-12-01 14:00Z bounced     "
		    "1     5.1.1\n" },
		{ { AFTERCARECTL, "-c", "@MAIL", "history", "--patient", "80",
		    "--json" }, "\"delivery\": \"undelivered\", "
		    "\"delivery_error\": \"30005\", \"delivery_meaning\": "
		    "\"unknown number\", \"delivery_at\": \"20" },
		{ { AFTERCARECTL, "-c", "@MAIL", "history", "--patient", "80",
		    "--json" }, "\"delivery\": null, \"delivery_error\": null, "
		    "\"delivery_meaning\": null, \"delivery_at\": null, "
		    "\"fallback_for\": 801}" },
		{ { AFTERCARECTL, "-c", "@MAIL", "history", "--patient", "80",
		    "--json" }, "\"delivery\": \"bounced\", \"delivery_error\": "
		    "\"5.1.1\", \"delivery_meaning\": null" },
		/* 6 */
		{ { AFTERCARECTL, "-c", "@MAIL", "status" }, "\ndelivery:       "
		    "1 undelivered, 1 delivered, 1 bounced\n"
		    "undelivered:    2 in the last 24 h\n"
		    "  1 sms undelivered: 30005 unknown number\n"
		    "  1 email bounced: 5.1.1\n" },
		{ { AFTERCARECTL, "-c", "@MAIL", "status", "--json" },
		    "\"delivery\": {\"queued\": 0, \"sent\": 0, \"deferred\": 0, "
		    "\"failed\": 0, \"undelivered\": 1, \"dropped\": 0, "
		    "\"delivered\": 1, \"bounced\": 1}, \"undelivered_24h\": 2, "
		    "\"undelivered\": [{\"channel\": \"sms\", \"delivery\": "
		    "\"undelivered\", \"error\": \"30005\", \"meaning\": "
		    "\"unknown number\", \"count\": 1}, {\"channel\": \"email\", "
		    "\"delivery\": \"bounced\", \"error\": \"5.1.1\", "
		    "\"meaning\": null, \"count\": 1}]}\n" },
		{ { AFTERCARECTL, "-c", "@MAIL", "preview", "--treatment",
		    "81" }, "\n24h sms: sent\n  due " },
		{ { AFTERCARECTL, "-c", "@MAIL", "preview", "--treatment",
		    "81" }, "  undelivered 20" },
		{ { AFTERCARECTL, "-c", "@MAIL", "preview", "--treatment",
		    "81" }, ": 30005 unknown number\n" },
		{ { AFTERCARECTL, "-c", "@MAIL", "preview", "--treatment",
		    "81" }, "\n1w sms: sent\n" },
	};
	struct result	 res;
	char		*out;
	size_t		 i;

	(void)state;
	/* Only these receipts: earlier tests' reminders may have some. */
	sql("DELETE FROM reminders WHERE delivery_state IS NOT NULL;"
	    "INSERT INTO patients (id, full_name, phone, email) VALUES "
	    "(80, 'Ana Example', '+15550100180', 'ana@example.com');"
	    "INSERT INTO treatments (id, patient_id, performed_at) VALUES "
	    "(81, 80, '2026-11-24T14:00:00Z');"
	    "INSERT INTO reminders (id, treatment_id, milestone, channel, "
	    "state, due_at, expires_at, next_attempt_at, attempts, "
	    "provider_id, created_at, updated_at, sent_at, delivery_state, "
	    "delivery_error, delivery_at, fallback_for) VALUES "
	    "(801, 81, '24h', 'sms', 'sent', 1795615200, 1795874400, "
	    "1795615200, 1, 'SM00000000000000000000000000000801', 1, 1, "
	    "1795615200, 'undelivered', '30005', unixepoch() - 7200, NULL), "
	    "(802, 81, '24h', 'email', 'pending', 1795618800, 1795874400, "
	    "1795618800, 0, NULL, 1, 1, NULL, NULL, NULL, NULL, 801), "
	    "(803, 81, '1w', 'sms', 'sent', 1796133600, 1796392800, "
	    "1796133600, 1, 'SM00000000000000000000000000000803', 1, 1, "
	    "1796133600, 'delivered', NULL, unixepoch() - 3600, NULL), "
	    "(804, 81, '1w', 'email', 'sent', 1796133600, 1796392800, "
	    "1796133600, 1, 'sg-804', 1, 1, 1796133600, 'bounced', '5.1.1', "
	    "unixepoch() - 3600, NULL)");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out = run_long(rows[i].argv, &res);
		if (res.status != 0)
			fail_msg("row %zu: exit %d: %s", i, res.status, res.err);
		if (strstr(out, rows[i].out) == NULL)
			fail_msg("row %zu: stdout lacks \"%s\":\n%s", i,
			    rows[i].out, out);
		/* never the number or the address */
		if (strstr(out, "5550100180") != NULL ||
		    strstr(out, "ana@example.com") != NULL)
			fail_msg("row %zu: leaks: %s", i, out);
		free(out);
	}
}

/* "2026-12-03T20:15:02Z" for now, to compare with a line's time. */
static void
stamp_now(char *buf, size_t len)
{
	time_t		now = time(NULL);
	struct tm	tm;

	assert_non_null(gmtime_r(&now, &tm));
	assert_int_equal(strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm), 20);
}

/*
 * Every line of text starts as want says: with "<N>" (the journal), with
 * the time between before and after, or with neither.
 */
enum head { HEAD_PRIORITY, HEAD_TIME, HEAD_NONE };

static void
check_heads(const char *what, const char *text, enum head want,
    const char *before, const char *after)
{
	const char	*line, *nl;
	char		 when[21];
	size_t		 n = 0;

	for (line = text; *line != '\0'; line = nl + 1, n++) {
		if ((nl = strchr(line, '\n')) == NULL)
			fail_msg("%s: unterminated line: %s", what, line);
		switch (want) {
		case HEAD_PRIORITY:
			if (line[0] != '<' || line[1] < '0' || line[1] > '7' ||
			    line[2] != '>' || line[3] == '<')
				fail_msg("%s: no priority: %s", what, line);
			break;
		case HEAD_TIME:
			snprintf(when, sizeof(when), "%.20s", line);
			if (strlen(when) != 20 || when[4] != '-' ||
			    when[10] != 'T' || when[19] != 'Z' ||
			    line[20] != ' ' || line[21] == '<' ||
			    strcmp(when, before) < 0 || strcmp(when, after) > 0)
				fail_msg("%s: no time from %s to %s: %s", what,
				    before, after, line);
			break;
		case HEAD_NONE:
			if (line[0] == '<' || (line[0] >= '0' &&
			    line[0] <= '9'))
				fail_msg("%s: a prefix: %s", what, line);
			break;
		}
	}
	if (n == 0)
		fail_msg("%s: nothing on stderr", what);
}

/*
 * Priority prefixes only when stderr is the journal that $JOURNAL_STREAM
 * names; otherwise the daemon's lines start with the time, the tool's
 * with the message.
 */
static void
test_log_heads(void **state)
{
	static const char *const ctl[] = { AFTERCARECTL, "-c", "@NODB",
	    "status", NULL };
	static const char *const daemon[] = { AFTERCARED, "-c", "@NODB",
	    "--once", NULL };
	static const struct {
		const char	*stream;	/* "@ERR", "@OUT" or a value */
		enum head	 ctl, daemon;
	} rows[] = {
		{ NULL, HEAD_NONE, HEAD_TIME },
		{ "@ERR", HEAD_PRIORITY, HEAD_PRIORITY },
		/* another file: stderr was redirected away from the journal */
		{ "@OUT", HEAD_NONE, HEAD_TIME },
		{ "", HEAD_NONE, HEAD_TIME },
		{ "garbage", HEAD_NONE, HEAD_TIME },
		{ "@ERR:", HEAD_NONE, HEAD_TIME },
		{ "18446744073709551616:1", HEAD_NONE, HEAD_TIME },
	};
	struct result	 res;
	struct stat	 sb;
	char		 path[160], stream[96], before[32], after[32], what[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].stream == NULL)
			assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
		else if (rows[i].stream[0] == '@') {
			/* the files run() truncates keep their inode */
			snprintf(path, sizeof(path), "%s/%s", dir,
			    strncmp(rows[i].stream, "@ERR", 4) == 0 ? "err" :
			    "out");
			testenv_write_file(path, "");
			assert_int_equal(stat(path, &sb), 0);
			snprintf(stream, sizeof(stream), "%llu:%llu%s",
			    (unsigned long long)sb.st_dev,
			    (unsigned long long)sb.st_ino, rows[i].stream + 4);
			assert_int_equal(setenv("JOURNAL_STREAM", stream, 1), 0);
		} else
			assert_int_equal(setenv("JOURNAL_STREAM",
			    rows[i].stream, 1), 0);
		run(ctl, &res);
		assert_int_equal(res.status, 1);
		snprintf(what, sizeof(what), "row %zu: aftercarectl", i);
		check_heads(what, res.err, rows[i].ctl, NULL, NULL);
		stamp_now(before, sizeof(before));
		run(daemon, &res);
		stamp_now(after, sizeof(after));
		assert_int_equal(res.status, 1);
		snprintf(what, sizeof(what), "row %zu: aftercared", i);
		check_heads(what, res.err, rows[i].daemon, before, after);
		if (strstr(res.err, "no such database") == NULL)
			fail_msg("%s: %s", what, res.err);
	}
	assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_lines),
		cmocka_unit_test(test_log_heads),
		cmocka_unit_test(test_unknown_ids),
		cmocka_unit_test(test_patient_list),
		cmocka_unit_test(test_table_width),
		cmocka_unit_test(test_delivery_shown),
	};

	return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
