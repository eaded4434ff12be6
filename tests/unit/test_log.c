/* SPDX-License-Identifier: MIT */
/* test_log.c: log lines as journald and a log file see them, row by row. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixture/testenv.h"
#include "fixture/testutil.h"

#include "log.h"

/* What $JOURNAL_STREAM says of the child's stderr (fd 2, a file). */
enum stream {
	S_UNSET,	/* not set */
	S_SELF,		/* "DEV:INO" of fd 2: stderr is the journal */
	S_OTHER_INO,	/* the same device, another file */
	S_OTHER_DEV,	/* the same inode number, another device */
	S_TEXT		/* the row's text, as it is */
};

enum call { C_ERR, C_WARN, C_WARNX, C_NOTICE, C_INFO, C_DEBUG, C_FATAL,
    C_FATALX };

struct row {
	enum stream	 stream;
	const char	*text;		/* S_TEXT: $JOURNAL_STREAM */
	bool		 stamps;	/* log_settimestamps(true) */
	int		 max;		/* log_init(max) */
	enum call	 call;
	const char	*msg;		/* logged with "%s" */
	int		 err;		/* errno before the call */
	int		 exit;		/* the child's exit status */
	/* all the child wrote; a leading "@" is a timestamp and a space */
	const char	*want;
};

#define ENOENT_TEXT	"No such file or directory"

static const struct row rows[] = {
	/* 0: the journal reads the priority from each line's "<N>" */
	{ S_SELF, NULL, false, LOG_PRI_DEBUG, C_ERR, "e", 0, 0, "<3>e\n" },
	{ S_SELF, NULL, false, LOG_PRI_DEBUG, C_WARNX, "w", 0, 0, "<4>w\n" },
	{ S_SELF, NULL, false, LOG_PRI_DEBUG, C_NOTICE, "n", 0, 0, "<5>n\n" },
	{ S_SELF, NULL, false, LOG_PRI_DEBUG, C_INFO, "i", 0, 0, "<6>i\n" },
	{ S_SELF, NULL, false, LOG_PRI_DEBUG, C_DEBUG, "d", 0, 0, "<7>d\n" },
	{ S_SELF, NULL, false, LOG_PRI_DEBUG, C_WARN, "open x", ENOENT, 0,
	    "<4>open x: " ENOENT_TEXT "\n" },
	/* 6: the journal keeps its own time: no timestamp, asked or not */
	{ S_SELF, NULL, true, LOG_PRI_INFO, C_INFO, "i", 0, 0, "<6>i\n" },
	/* 7: not the journal: the time when asked, never a priority */
	{ S_UNSET, NULL, false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_UNSET, NULL, true, LOG_PRI_INFO, C_ERR, "e", 0, 0, "@e\n" },
	{ S_UNSET, NULL, true, LOG_PRI_INFO, C_INFO, "event=started", 0, 0,
	    "@event=started\n" },
	{ S_UNSET, NULL, true, LOG_PRI_INFO, C_WARN, "open x", ENOENT, 0,
	    "@open x: " ENOENT_TEXT "\n" },
	/* 11: $JOURNAL_STREAM that names another file, or nothing */
	{ S_OTHER_INO, NULL, false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_OTHER_DEV, NULL, true, LOG_PRI_INFO, C_ERR, "e", 0, 0, "@e\n" },
	{ S_TEXT, "", false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_TEXT, "1:", false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_TEXT, ":1", false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_TEXT, "x:1", false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_TEXT, "-1:-1", false, LOG_PRI_INFO, C_ERR, "e", 0, 0, "e\n" },
	{ S_TEXT, "99999999999999999999999:1", false, LOG_PRI_INFO, C_ERR,
	    "e", 0, 0, "e\n" },
	/* 19: levels above the maximum are dropped */
	{ S_SELF, NULL, false, LOG_PRI_WARNING, C_INFO, "i", 0, 0, "" },
	{ S_SELF, NULL, false, LOG_PRI_WARNING, C_NOTICE, "n", 0, 0, "" },
	{ S_SELF, NULL, false, LOG_PRI_WARNING, C_WARNX, "w", 0, 0, "<4>w\n" },
	{ S_UNSET, NULL, false, LOG_PRI_INFO, C_DEBUG, "d", 0, 0, "" },
	{ S_UNSET, NULL, false, LOG_PRI_ERR, C_WARN, "w", ENOENT, 0, "" },
	{ S_UNSET, NULL, false, LOG_PRI_ERR, C_ERR, "e", 0, 0, "e\n" },
	/* 25: fatal() and fatalx() log an error and exit 1 */
	{ S_SELF, NULL, false, LOG_PRI_ERR, C_FATAL, "cannot", ENOENT, 1,
	    "<3>cannot: " ENOENT_TEXT "\n" },
	{ S_SELF, NULL, false, LOG_PRI_ERR, C_FATALX, "bad config", 0, 1,
	    "<3>bad config\n" },
	{ S_UNSET, NULL, true, LOG_PRI_INFO, C_FATALX, "bad", 0, 1, "@bad\n" },
	/* 28: a value never breaks a line in two */
	{ S_SELF, NULL, false, LOG_PRI_INFO, C_INFO, "a\nb\r\nc\r", 0, 0,
	    "<6>a b  c \n" },
	{ S_UNSET, NULL, true, LOG_PRI_INFO, C_WARN, "x\ny", ENOENT, 0,
	    "@x y: " ENOENT_TEXT "\n" },
	{ S_UNSET, NULL, false, LOG_PRI_INFO, C_INFO, "\n", 0, 0, " \n" },
};

/* Sets $JOURNAL_STREAM as row r says, for the file on fd 2. */
static void
set_stream(const struct row *r)
{
	struct stat	 sb;
	char		 v[64];

	if (r->stream == S_UNSET) {
		if (unsetenv("JOURNAL_STREAM") == -1)
			_exit(126);
		return;
	}
	if (r->stream == S_TEXT) {
		if (setenv("JOURNAL_STREAM", r->text, 1) == -1)
			_exit(126);
		return;
	}
	if (fstat(STDERR_FILENO, &sb) == -1)
		_exit(126);
	(void)snprintf(v, sizeof(v), "%llu:%llu",
	    (unsigned long long)sb.st_dev + (r->stream == S_OTHER_DEV),
	    (unsigned long long)sb.st_ino + (r->stream == S_OTHER_INO));
	if (setenv("JOURNAL_STREAM", v, 1) == -1)
		_exit(126);
}

/* The child of one row: its log line, or none, on its stderr. */
static void
log_row(void *arg)
{
	const struct row	*r = arg;

	set_stream(r);
	log_init(r->max);
	log_settimestamps(r->stamps);
	errno = r->err;
	switch (r->call) {
	case C_ERR:
		log_err("%s", r->msg);
		break;
	case C_WARN:
		log_warn("%s", r->msg);
		break;
	case C_WARNX:
		log_warnx("%s", r->msg);
		break;
	case C_NOTICE:
		log_notice("%s", r->msg);
		break;
	case C_INFO:
		log_info("%s", r->msg);
		break;
	case C_DEBUG:
		log_debug("%s", r->msg);
		break;
	case C_FATAL:
		fatal("%s", r->msg);
	case C_FATALX:
		fatalx("%s", r->msg);
	}
}

/*
 * Whether s starts with an RFC 3339 UTC time ("2026-12-03T20:15:02Z")
 * from lo to hi and a space; *rest is what follows.
 */
static bool
stamp_ok(const char *s, time_t lo, time_t hi, const char **rest)
{
	static const char	 shape[] = "dddd-dd-ddTdd:dd:ddZ ";
	struct tm		 tm;
	time_t			 t;
	size_t			 i;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' :
		    s[i] != shape[i])
			return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
	t = timegm(&tm);
	*rest = s + i;
	return t >= lo && t <= hi;
}

static void
test_rows(void **state)
{
	const char	*rest;
	char		*got;
	time_t		 lo, hi;
	size_t		 i;
	int		 status;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		lo = time(NULL);
		status = testenv_stderr_of(log_row,
		    (void *)(uintptr_t)&rows[i], &got);
		hi = time(NULL);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != rows[i].exit)
			ROW_FAIL(i, "wait status 0x%x, want exit %d", status,
			    rows[i].exit);
		rest = got;
		if (rows[i].want[0] == '@' && !stamp_ok(got, lo, hi, &rest))
			ROW_FAIL(i, "no time from now at the start of \"%s\"",
			    got);
		if (strcmp(rest, rows[i].want + (rows[i].want[0] == '@')) != 0)
			ROW_FAIL(i, "got \"%s\"", got);
		free(got);
	}
}

/* Longer than a log line may be. */
static char	long_msg[3000];

/* Several events, one of them too long for a line: one line each. */
static void
many(void *arg)
{
	(void)arg;
	(void)unsetenv("JOURNAL_STREAM");
	log_init(LOG_PRI_INFO);
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	log_info("one");
	log_info("%s", long_msg);
	log_err("two %d", 2);
	log_setpriority(LOG_PRI_ERR);
	log_info("dropped");
	log_setpriority(LOG_PRI_DEBUG);
	log_debug("three");
}

static void
test_one_line_per_event(void **state)
{
	char		*got, *p, *nl;
	const char	*want[] = { "one", NULL, "two 2", "three" };
	size_t		 i;

	(void)state;
	assert_int_equal(testenv_stderr_of(many, NULL, &got), 0);
	p = got;
	for (i = 0; i < NELEM(want); i++) {
		if ((nl = strchr(p, '\n')) == NULL)
			fail_msg("line %zu missing in \"%s\"", i, got);
		*nl = '\0';
		if (want[i] != NULL && strcmp(p, want[i]) != 0)
			fail_msg("line %zu: \"%s\"", i, p);
		/* the long one is cut, not split */
		if (want[i] == NULL && (strlen(p) == 0 ||
		    strlen(p) >= sizeof(long_msg) - 1 ||
		    strspn(p, "x") != strlen(p)))
			fail_msg("line %zu: %zu bytes", i, strlen(p));
		p = nl + 1;
	}
	assert_string_equal(p, "");
	free(got);
}

static void
test_priority_parse(void **state)
{
	static const struct {
		const char	*name;
		int		 want;
	} names[] = {
		{ "error", LOG_PRI_ERR },
		{ "warning", LOG_PRI_WARNING },
		{ "notice", LOG_PRI_NOTICE },
		{ "info", LOG_PRI_INFO },
		{ "debug", LOG_PRI_DEBUG },
		{ "ERROR", LOG_PRI_ERR },
		{ "Debug", LOG_PRI_DEBUG },
		{ "", -1 },
		{ "err", -1 },
		{ "warn", -1 },
		{ "crit", -1 },
		{ "info ", -1 },
		{ " info", -1 },
		{ "6", -1 },
		{ "infox", -1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(names); i++)
		if (log_priority_parse(names[i].name) != names[i].want)
			ROW_FAIL(i, "\"%s\": got %d", names[i].name,
			    log_priority_parse(names[i].name));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_one_line_per_event),
		cmocka_unit_test(test_priority_parse),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
