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
#include <sys/stat.h>
#include <time.h>
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
	};

	return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
