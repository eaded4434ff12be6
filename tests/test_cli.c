/* SPDX-License-Identifier: MIT */
/* test_cli.c: aftercarectl and aftercared command lines, good and bad, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture/testenv.h"

#define AFTERCARED	BUILD_DIR "/aftercared"
#define AFTERCARECTL	BUILD_DIR "/aftercarectl"
#define MAXARGS		12

static char	dir[64];
static char	conf[128];
static char	nodb_conf[128];

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

/* Runs argv (NULL-terminated); "@CONF" and "@NODB" stand for config paths. */
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
		    "2026-12-08T14:00:00Z -                    pending", "" },
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
		    1, NULL, "treatment 9 has no reminders" },
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
		    0, "2026-12-08T14:00:00Z -                    cancelled", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "1",
		    "--json" }, 0, "\"milestone\": \"2w\", \"channel\": \"sms\", "
		    "\"state\": \"cancelled\", \"due\": \"2026-12-08T14:00:00Z\"",
		    "" },
		{ { AFTERCARECTL, "-c", "@CONF", "history", "--patient", "7",
		    "--json" }, 0, "[]\n", "" },
		{ { AFTERCARECTL, "-c", "@CONF", "reminders", "--json",
		    "--state", "cancelled" }, 0, "\"last_error\": \"treatment "
		    "cancelled\"}", "" },
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
		/* a bad command line is explained in exactly one line */
		if (rows[i].status == 2) {
			nl = strchr(res.err, '\n');
			if (nl == NULL || nl[1] != '\0')
				fail_msg("row %zu: want one line on stderr, "
				    "got: %s", i, res.err);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_lines),
	};

	return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
