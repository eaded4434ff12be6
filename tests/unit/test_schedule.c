/* SPDX-License-Identifier: MIT */
/* test_schedule.c: table tests of durations, RFC 3339, due times, backoff. */

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "schedule.h"
#include "tz.h"

static void	test_duration_parse(void **);
static void	test_duration_parse_bad(void **);
static void	test_duration_format(void **);
static void	test_rfc3339_parse(void **);
static void	test_rfc3339_parse_bad(void **);
static void	test_rfc3339_messages(void **);
static void	test_rfc3339_dst(void **);
static void	test_rfc3339_format(void **);
static void	test_rfc3339_roundtrip(void **);
static void	test_date_format(void **);
static void	test_due_at(void **);
static void	test_backoff(void **);
static void	test_backoff_bounds(void **);
static void	test_duration_calendar(void **);
static void	test_due_in_zone(void **);
static void	test_quiet_defer(void **);
static const struct tz *zone_get(const char *);
static int	zones_free(void **);

/*
 * Zones for the wall-clock tests, loaded once from the system's tzdata.
 * Expected instants were worked out with GNU date (TZ="America/New_York"
 * date -u -d 'TZ="America/New_York" 2026-03-08 09:00'), not with this code.
 */
static struct {
	const char	*name;
	struct tz	*z;
} zones[] = {
	{ "America/New_York", NULL },
	{ "Europe/Berlin", NULL },
	{ "Australia/Lord_Howe", NULL },
	{ "Asia/Kolkata", NULL },
};

static void
test_duration_parse(void **state)
{
	static const struct {
		const char	*in;
		int64_t		 want;
	} cases[] = {
		{ "24h", 86400 },
		{ "7d", 604800 },
		{ "90m", 5400 },
		{ "45s", 45 },
		{ "2w", 1209600 },
		{ "1d12h", 129600 },
		{ "12h1d", 129600 },
		{ "-3d", -259200 },
		{ "-1d12h", -129600 },
		{ "0s", 0 },
		{ "-0s", 0 },
		{ "1w1d1h1m1s", 694861 },
		{ "1h1h", 7200 },
		{ "0001h", 3600 },
		{ "3650d", 315360000 },
		{ "3660d", SCHEDULE_DURATION_MAX },
		{ "-3660d", -SCHEDULE_DURATION_MAX },
		{ "316224000s", SCHEDULE_DURATION_MAX },
		{ "522w2d", 522 * 604800 + 2 * 86400 },
		{ "3659d23h59m60s", SCHEDULE_DURATION_MAX },
	};
	char	 err[128];
	int64_t	 got;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		got = 12345;
		err[0] = '\0';
		if (schedule_duration_parse(cases[i].in, &got, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "\"%s\": unexpected error: %s",
			    cases[i].in, err);
		if (got != cases[i].want)
			ROW_FAIL(i, "\"%s\": got %lld, want %lld", cases[i].in,
			    (long long)got, (long long)cases[i].want);
	}
}

static void
test_duration_parse_bad(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* a substring of the message */
	} cases[] = {
		{ "", "empty duration" },
		{ "24", "\"24\": missing unit: write 24h, 24m" },
		{ "1d12", "missing unit: write 12h, 12m" },
		{ "3y", "unknown unit 'y'" },
		{ "24H", "unknown unit 'H'" },
		{ "1.5h", "unknown unit '.'" },
		{ "3\xc3\xa9", "unknown unit (use s, m, h, d or w)" },
		{ "3d\xc3\xa9", "expected a number" },
		{ " 24h", "remove the spaces" },
		{ "24h ", "remove the spaces" },
		{ "24 h", "remove the spaces" },
		{ "1d\t2h", "remove the spaces" },
		{ "-", "expected a number" },
		{ "h", "expected a number" },
		{ "+3d", "a sign may only start" },
		{ "--3d", "a sign may only start" },
		{ "1d-2h", "a sign may only start" },
		{ "3661d", "longer than 10 years" },
		{ "-3661d", "longer than 10 years" },
		{ "316224001s", "longer than 10 years" },
		{ "3660d1s", "longer than 10 years" },
		{ "523w", "longer than 10 years" },
		{ "99999999999999999999999999s", "longer than 10 years" },
		{ "9223372036854775807w", "longer than 10 years" },
		{ "1000000000000w1s", "longer than 10 years" },
	};
	char	 err[128];
	int64_t	 got;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		got = 12345;
		err[0] = '\0';
		if (schedule_duration_parse(cases[i].in, &got, err,
		    sizeof(err)) != -1)
			ROW_FAIL(i, "\"%s\": accepted as %lld", cases[i].in,
			    (long long)got);
		if (got != 12345)
			ROW_FAIL(i, "\"%s\": output written on error",
			    cases[i].in);
		if (strstr(err, cases[i].want) == NULL)
			ROW_FAIL(i, "\"%s\": message \"%s\" lacks \"%s\"",
			    cases[i].in, err, cases[i].want);
	}
}

static void
test_duration_format(void **state)
{
	static const struct {
		int64_t		 in;
		const char	*want;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1s" },
		{ 59, "59s" },
		{ 60, "1m" },
		{ 61, "1m1s" },
		{ 3601, "1h1s" },
		{ 86400, "1d" },
		{ 129600, "1d12h" },
		{ -259200, "-3d" },
		{ 604800, "1w" },
		{ 691200, "1w1d" },
		{ 1209600, "2w" },
		{ 694861, "1w1d1h1m1s" },
		{ SCHEDULE_DURATION_MAX, "522w6d" },
		{ -SCHEDULE_DURATION_MAX, "-522w6d" },
		{ INT64_MAX, "15250284452471w3d15h30m7s" },
		{ INT64_MIN, "-15250284452471w3d15h30m8s" },
	};
	char	 buf[64], small[4];
	int64_t	 back;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		schedule_duration_format(cases[i].in, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "%lld: got \"%s\", want \"%s\"",
			    (long long)cases[i].in, buf, cases[i].want);
		/* Whatever fits the parser reads back to the same value. */
		if (cases[i].in >= -SCHEDULE_DURATION_MAX &&
		    cases[i].in <= SCHEDULE_DURATION_MAX) {
			if (schedule_duration_parse(buf, &back, NULL, 0) != 0 ||
			    back != cases[i].in)
				ROW_FAIL(i, "\"%s\" does not read back", buf);
		}
		/* A short buffer truncates but stays a C string. */
		schedule_duration_format(cases[i].in, small, sizeof(small));
		if (strlen(small) >= sizeof(small))
			ROW_FAIL(i, "overran a %zu-byte buffer", sizeof(small));
	}
}

static void
test_rfc3339_parse(void **state)
{
	static const struct {
		const char	*in;
		time_t		 want;
		int		 offset;
	} cases[] = {
		{ "2026-11-24T14:00:00Z", 1795528800, 0 },
		{ "2026-11-24t14:00:00z", 1795528800, 0 },
		{ "2026-11-24 14:00:00Z", 1795528800, 0 },
		{ "2026-11-24T14:00:00.999999999Z", 1795528800, 0 },
		{ "2026-11-24T14:00:00.0Z", 1795528800, 0 },
		{ "2026-11-24T09:00:00.250-05:00", 1795528800, -300 },
		{ "2026-11-24T19:30:00+05:30", 1795528800, 330 },
		{ "2026-11-25T04:00:00+14:00", 1795528800, 840 },
		{ "2026-11-24T14:00:00+00:00", 1795528800, 0 },
		{ "2026-11-24T14:00:00-00:00", 1795528800, 0 },
		{ "2026-11-24T14:00:00+23:59", 1795442460, 1439 },
		{ "2026-11-24T14:00:00-23:59", 1795615140, -1439 },
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "1969-12-31T23:59:59Z", -1, 0 },
		{ "1970-01-01T01:00:00+01:00", 0, 60 },
		{ "2038-01-19T03:14:08Z", 2147483648LL, 0 },
		/* Leap years: every 4th, not every 100th, but every 400th. */
		{ "2024-02-29T12:00:00Z", 1709208000, 0 },
		{ "2000-02-29T00:00:00Z", 951782400, 0 },
		{ "2400-02-29T00:00:00Z", 13574563200LL, 0 },
		{ "2100-02-28T23:59:59Z", 4107542399LL, 0 },
		{ "2100-03-01T00:00:00Z", 4107542400LL, 0 },
		/* Month and year ends. */
		{ "2026-01-31T23:59:59Z", 1769903999, 0 },
		{ "2026-04-30T23:59:59Z", 1777593599, 0 },
		{ "2026-12-31T23:59:59Z", 1798761599, 0 },
		{ "2027-01-01T00:00:00Z", 1798761600, 0 },
		{ "2026-12-31T23:30:00-01:00", 1798763400, -60 },
		{ "2027-01-01T00:30:00+01:00", 1798759800, 60 },
		/* The ends of the range. */
		{ "0001-01-01T00:00:00Z", -62135596800LL, 0 },
		{ "9999-12-31T23:59:59Z", 253402300799LL, 0 },
		{ "0001-01-01T00:00:00+14:00", -62135647200LL, 840 },
		{ "9999-12-31T23:59:59-23:59", 253402387139LL, -1439 },
	};
	char	 err[128];
	time_t	 got;
	int	 off;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		off = 9999;
		if (schedule_rfc3339_parse(cases[i].in, &got, &off, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "\"%s\": unexpected error: %s",
			    cases[i].in, err);
		if (got != cases[i].want)
			ROW_FAIL(i, "\"%s\": got %lld, want %lld", cases[i].in,
			    (long long)got, (long long)cases[i].want);
		if (off != cases[i].offset)
			ROW_FAIL(i, "\"%s\": offset %d, want %d", cases[i].in,
			    off, cases[i].offset);
		/* offset_min may be NULL. */
		if (schedule_rfc3339_parse(cases[i].in, &got, NULL, err,
		    sizeof(err)) != 0 || got != cases[i].want)
			ROW_FAIL(i, "\"%s\": fails with offset_min NULL",
			    cases[i].in);
	}
}

static void
test_rfc3339_parse_bad(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* a substring of the message */
	} cases[] = {
		{ "", "empty date-time" },
		{ "2026-02-30T10:00:00Z", "no such day" },
		{ "2026-02-29T10:00:00Z", "no such day" },
		{ "1900-02-29T10:00:00Z", "no such day" },
		{ "2100-02-29T10:00:00Z", "no such day" },
		{ "2026-04-31T10:00:00Z", "no such day" },
		{ "2026-01-32T10:00:00Z", "no such day" },
		{ "2026-01-00T10:00:00Z", "no such day" },
		{ "2026-13-01T10:00:00Z", "no such month" },
		{ "2026-00-10T10:00:00Z", "no such month" },
		{ "2026-11-24 14:00", "missing UTC offset (add Z or +01:00)" },
		{ "2026-11-24T14:00:00", "missing UTC offset" },
		{ "2026-11-24T14:00:00.5", "missing UTC offset" },
		{ "2026-11-24T24:00:00Z", "hour must be 00 to 23" },
		{ "2026-11-24T14:60:00Z", "minute must be 00 to 59" },
		{ "2026-12-31T23:59:60Z", "leap seconds are not supported" },
		{ "2026-11-24T14:00:61Z", "second must be 00 to 59" },
		{ "2026-11-24T14:00:00+24:00", "UTC offset must be" },
		{ "2026-11-24T14:00:00-24:00", "UTC offset must be" },
		{ "2026-11-24T14:00:00+05:60", "UTC offset must be" },
		{ "2026-11-24T14:00:00+0530", "UTC offset must be" },
		{ "2026-11-24T14:00:00+05", "UTC offset must be" },
		{ "2026-11-24T14:00:00+5:30", "UTC offset must be" },
		{ "2026-11-24T14:00:00 UTC", "UTC offset must be" },
		{ "2026-11-24T14:00:00ZZ", "unexpected text after" },
		{ "2026-11-24T14:00:00+05:30:00", "unexpected text after" },
		{ "2026-11-24T14:00:00Z\n", "remove the surrounding spaces" },
		{ "2026-11-24T14:00:00Z ", "remove the surrounding spaces" },
		{ " 2026-11-24T14:00:00Z", "remove the surrounding spaces" },
		{ "2026-11-24", "missing the time" },
		{ "2026-11-24T14:00Z", "missing seconds (write 14:00:00)" },
		{ "2026-11-24T14:00.5Z", "missing seconds" },
		{ "26-11-24T14:00:00Z", "expected a date as YYYY-MM-DD" },
		{ "2026/11/24T14:00:00Z", "expected a date" },
		{ "2026-1-24T14:00:00Z", "expected a date" },
		{ "+2026-11-24T14:00:00Z", "expected a date" },
		{ "2026-11-24X14:00:00Z", "expected 'T'" },
		{ "2026-11-24TT14:00:00Z", "expected a time" },
		{ "2026-11-24T1:00:00Z", "expected a time" },
		{ "2026-11-24T14:0:00Z", "expected a time" },
		{ "2026-11-24T14:00:0Z", "expected a time" },
		{ "2026-11-24T14:00:00.Z", "expected digits after '.'" },
		{ "now", "expected a date" },
	};
	char	 err[128];
	time_t	 got;
	int	 off;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		got = 42;
		off = 42;
		if (schedule_rfc3339_parse(cases[i].in, &got, &off, err,
		    sizeof(err)) != -1)
			ROW_FAIL(i, "\"%s\": accepted as %lld", cases[i].in,
			    (long long)got);
		if (got != 42 || off != 42)
			ROW_FAIL(i, "\"%s\": output written on error",
			    cases[i].in);
		if (strstr(err, cases[i].want) == NULL)
			ROW_FAIL(i, "\"%s\": message \"%s\" lacks \"%s\"",
			    cases[i].in, err, cases[i].want);
	}
}

/* Whole messages: short, human, and quoting at most ~40 bytes of input. */
static void
test_rfc3339_messages(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "2026-02-30T10:00:00Z", "\"2026-02-30T10:00:00Z\": no such day" },
		{ "2026-11-24 14:00",
		    "\"2026-11-24 14:00\": missing UTC offset (add Z or +01:00)" },
		{ "2026-12-31T23:59:60Z", "\"2026-12-31T23:59:60Z\": leap "
		    "seconds are not supported (write :59)" },
		{ "2026-11-24T14:00:00Z and a great deal of trailing text",
		    "\"2026-11-24T14:00:00Z and a great deal of...\": "
		    "unexpected text after the UTC offset" },
		/* Cut before the 2-byte 'é' that would pass 40 bytes. */
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xc3\xa9",
		    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": "
		    "expected a date as YYYY-MM-DD" },
		{ "bad\x01input", "\"bad?input\": expected a date as YYYY-MM-DD" },
	};
	char	 err[256];
	time_t	 got;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (schedule_rfc3339_parse(cases[i].in, &got, NULL, err,
		    sizeof(err)) != -1)
			ROW_FAIL(i, "accepted");
		if (strcmp(err, cases[i].want) != 0)
			ROW_FAIL(i, "got \"%s\", want \"%s\"", err,
			    cases[i].want);
	}
	/* A small err buffer truncates safely. */
	if (schedule_rfc3339_parse("2026-02-30T10:00:00Z", &got, NULL, err,
	    8) != -1 || strlen(err) != 7)
		fail_msg("small err buffer: \"%s\"", err);
	if (schedule_rfc3339_parse("2026-02-30T10:00:00Z", &got, NULL, NULL,
	    0) != -1)
		fail_msg("NULL err buffer");
}

/*
 * Instants around DST changes, written with the offset in force: the
 * offsets alone decide the instant, whatever the local zone's rules.
 */
static void
test_rfc3339_dst(void **state)
{
	static const struct {
		const char	*a, *b;
		int64_t		 b_minus_a;
	} cases[] = {
		/* New York springs forward: 01:59:59 EST, then 03:00 EDT. */
		{ "2026-03-08T01:59:59-05:00", "2026-03-08T03:00:00-04:00", 1 },
		/* New York falls back: 01:30 happens twice, an hour apart. */
		{ "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", 3600 },
		/* Europe springs forward at 01:00 UTC. */
		{ "2026-03-29T00:59:59Z", "2026-03-29T03:00:00+02:00", 1 },
		{ "2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00", 1 },
		/* Europe falls back: 02:30 CEST, then 02:30 CET. */
		{ "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", 3600 },
		/* Lord Howe's half-hour DST. */
		{ "2026-04-05T01:59:59+11:00", "2026-04-05T01:30:00+10:30", 1 },
	};
	char	 err[128];
	time_t	 a, b;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (schedule_rfc3339_parse(cases[i].a, &a, NULL, err,
		    sizeof(err)) != 0 ||
		    schedule_rfc3339_parse(cases[i].b, &b, NULL, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "unexpected error: %s", err);
		if ((int64_t)(b - a) != cases[i].b_minus_a)
			ROW_FAIL(i, "%s to %s is %lld s, want %lld", cases[i].a,
			    cases[i].b, (long long)(b - a),
			    (long long)cases[i].b_minus_a);
	}
}

static void
test_rfc3339_format(void **state)
{
	static const struct {
		time_t		 in;
		const char	*want;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ 1795528800, "2026-11-24T14:00:00Z" },
		{ 1709208000, "2024-02-29T12:00:00Z" },
		{ 951782400, "2000-02-29T00:00:00Z" },
		{ 1798761599, "2026-12-31T23:59:59Z" },
		{ 1798761600, "2027-01-01T00:00:00Z" },
		{ 4107542399LL, "2100-02-28T23:59:59Z" },
		{ 4107542400LL, "2100-03-01T00:00:00Z" },
		{ 2147483648LL, "2038-01-19T03:14:08Z" },
		{ -62135596800LL, "0001-01-01T00:00:00Z" },
		{ 253402300799LL, "9999-12-31T23:59:59Z" },
	};
	char	 buf[21];
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		schedule_rfc3339_format(cases[i].in, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "%lld: got \"%s\", want \"%s\"",
			    (long long)cases[i].in, buf, cases[i].want);
	}
	/* The ends of time_t do not crash or overrun. */
	schedule_rfc3339_format((time_t)INT64_MAX, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	schedule_rfc3339_format((time_t)INT64_MIN, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
}

/* Every instant from year 1 to 9999 reads back, in steps that vary. */
static void
test_rfc3339_roundtrip(void **state)
{
	const int64_t	 first = -62135596800LL, last = 253402300799LL;
	char		 buf[32], err[128];
	time_t		 got;
	int64_t		 t;
	size_t		 n = 0;

	(void)state;
	for (t = first; t <= last; t += 86400 * 29 + 3607) {
		schedule_rfc3339_format((time_t)t, buf, sizeof(buf));
		if (schedule_rfc3339_parse(buf, &got, NULL, err,
		    sizeof(err)) != 0)
			fail_msg("step %zu: \"%s\": %s", n, buf, err);
		if ((int64_t)got != t)
			fail_msg("step %zu: \"%s\" read back as %lld, not %lld",
			    n, buf, (long long)got, (long long)t);
		n++;
	}
	schedule_rfc3339_format((time_t)last, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_true(n > 100000);
}

static void
test_date_format(void **state)
{
	static const struct {
		const char	*at;
		int		 offset;
		const char	*want;
	} cases[] = {
		{ "2026-11-24T14:00:00Z", 0, "Tuesday 24 November" },
		{ "2026-11-24T14:00:00Z", 840, "Wednesday 25 November" },
		{ "2026-11-24T14:00:00Z", -720, "Tuesday 24 November" },
		{ "2026-11-24T23:30:00Z", 0, "Tuesday 24 November" },
		{ "2026-11-24T23:30:00Z", 60, "Wednesday 25 November" },
		{ "2026-11-24T23:30:00Z", 29, "Tuesday 24 November" },
		{ "2026-11-24T23:30:00Z", 30, "Wednesday 25 November" },
		{ "2026-11-24T02:00:00Z", -300, "Monday 23 November" },
		{ "2026-11-24T05:00:00Z", -300, "Tuesday 24 November" },
		{ "2026-11-24T04:59:59Z", -300, "Monday 23 November" },
		{ "2026-12-31T23:30:00Z", 60, "Friday 1 January" },
		{ "2027-01-01T00:30:00Z", -60, "Thursday 31 December" },
		{ "2026-03-01T00:00:00Z", -1, "Saturday 28 February" },
		{ "2024-03-01T00:00:00Z", -1, "Thursday 29 February" },
		{ "1970-01-01T00:00:00Z", 0, "Thursday 1 January" },
		{ "1969-12-31T23:59:59Z", 0, "Wednesday 31 December" },
		{ "0001-01-01T00:00:00Z", 0, "Monday 1 January" },
		{ "9999-12-31T23:59:59Z", 0, "Friday 31 December" },
		{ "2026-11-24T14:00:00Z", 330, "Tuesday 24 November" },
		{ "2026-11-24T18:30:00Z", 330, "Wednesday 25 November" },
	};
	char	 buf[64], err[128];
	time_t	 t;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (schedule_rfc3339_parse(cases[i].at, &t, NULL, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "%s", err);
		schedule_date_format(t, cases[i].offset, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "%s at %+d min: got \"%s\", want \"%s\"",
			    cases[i].at, cases[i].offset, buf, cases[i].want);
	}
	schedule_date_format(1795528800, 0, buf, 8);
	assert_string_equal(buf, "Tuesday");
	schedule_date_format((time_t)INT64_MAX, 1439, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	schedule_date_format((time_t)INT64_MIN, -1439, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
}

static void
test_due_at(void **state)
{
	static const struct {
		const char	*performed;
		const char	*after;
		const char	*want;
	} cases[] = {
		{ "2026-11-24T09:00:00-05:00", "24h", "2026-11-25T14:00:00Z" },
		{ "2026-11-24T09:00:00-05:00", "-3d", "2026-11-21T14:00:00Z" },
		{ "2026-11-24T09:00:00+05:30", "1w", "2026-12-01T03:30:00Z" },
		{ "2026-12-31T20:00:00-05:00", "4h", "2027-01-01T05:00:00Z" },
		{ "2026-03-07T09:00:00-05:00", "1d", "2026-03-08T14:00:00Z" },
		{ "2024-02-28T12:00:00Z", "1d", "2024-02-29T12:00:00Z" },
		{ "2026-02-28T12:00:00Z", "1d", "2026-03-01T12:00:00Z" },
		{ "2026-01-01T00:00:00Z", "-1s", "2025-12-31T23:59:59Z" },
		{ "2026-11-24T14:00:00Z", "0s", "2026-11-24T14:00:00Z" },
		{ "2026-11-24T14:00:00Z", "3660d", "2036-12-01T14:00:00Z" },
	};
	char	 buf[32], err[128];
	time_t	 performed;
	int64_t	 after;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (schedule_rfc3339_parse(cases[i].performed, &performed,
		    NULL, err, sizeof(err)) != 0 ||
		    schedule_duration_parse(cases[i].after, &after, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "%s", err);
		schedule_rfc3339_format(schedule_due_at(performed, after), buf,
		    sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "%s + %s: got %s, want %s",
			    cases[i].performed, cases[i].after, buf,
			    cases[i].want);
	}
	/* Saturates instead of wrapping. */
	assert_true(schedule_due_at((time_t)(INT64_MAX - 5), 10) ==
	    (time_t)INT64_MAX);
	assert_true(schedule_due_at((time_t)(INT64_MIN + 5), -10) ==
	    (time_t)INT64_MIN);
	assert_true(schedule_due_at(0, -1) == -1);
}

static void
test_backoff(void **state)
{
	static const struct {
		int		 attempts;
		int64_t		 base, cap;
		uint32_t	 rnd;
		int64_t		 want;
	} cases[] = {
		{ 1, 60, 3600, 0, 30 },
		{ 1, 60, 3600, UINT32_MAX, 59 },
		{ 1, 60, 3600, 0x80000000u, 45 },
		{ 2, 60, 3600, 0, 60 },
		{ 3, 60, 3600, 0, 120 },
		{ 6, 60, 3600, 0, 960 },
		{ 7, 60, 3600, 0, 1800 },	/* 3840 capped at 3600 */
		{ 7, 60, 3600, UINT32_MAX, 3599 },
		{ 0, 60, 3600, 0, 30 },		/* clamped to 1 */
		{ -5, 60, 3600, 0, 30 },
		{ INT_MIN, 60, 3600, 0, 30 },
		{ INT_MAX, 60, 3600, 0, 1800 },
		{ INT_MAX, 60, 3600, UINT32_MAX, 3599 },
		{ 1, 1, 3600, 0, 1 },		/* never below 1 s */
		{ 1, 0, 0, 0, 1 },
		{ 1, -10, -10, UINT32_MAX, 1 },
		{ 5, 1000, 100000, 0x80000000u, 12000 },
		{ 3, 100, 50, 0, 25 },		/* cap below base */
		{ 100, 1, INT64_MAX, 0, 4611686018427387903LL },
		{ 100, 1, INT64_MAX, UINT32_MAX, 9223372035781033983LL },
		{ INT_MAX, INT64_MAX, INT64_MAX, UINT32_MAX,
		    9223372035781033983LL },
	};
	int64_t	 got;
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		got = schedule_backoff(cases[i].attempts, cases[i].base,
		    cases[i].cap, cases[i].rnd);
		if (got != cases[i].want)
			ROW_FAIL(i, "backoff(%d, %lld, %lld, %u) = %lld, "
			    "want %lld", cases[i].attempts,
			    (long long)cases[i].base, (long long)cases[i].cap,
			    (unsigned)cases[i].rnd, (long long)got,
			    (long long)cases[i].want);
	}
}

/* Growth, cap and jitter bounds over many attempts and random values. */
static void
test_backoff_bounds(void **state)
{
	static const uint32_t	 rnds[] = {
		0, 1, 0x7fffffffu, 0x80000000u, 0xdeadbeefu, UINT32_MAX
	};
	static const struct {
		int64_t	 base, cap;
	} cases[] = {
		{ 30, 3600 },
		{ 60, 86400 },
		{ 1, 1 },
		{ 7, 1000000007 },
		{ 1, INT64_MAX },
	};
	int64_t	 full, got, prev;
	size_t	 i, r;
	int	 a;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		for (r = 0; r < NELEM(rnds); r++) {
			full = cases[i].base;
			prev = 0;
			for (a = 1; a <= 80; a++) {
				got = schedule_backoff(a, cases[i].base,
				    cases[i].cap, rnds[r]);
				if (got < 1 || got < full / 2 || got > full)
					ROW_FAIL(i, "attempt %d rnd %u: %lld "
					    "outside [%lld, %lld]", a,
					    (unsigned)rnds[r], (long long)got,
					    (long long)(full / 2),
					    (long long)full);
				if (got < prev)
					ROW_FAIL(i, "attempt %d rnd %u: %lld "
					    "shrank from %lld", a,
					    (unsigned)rnds[r], (long long)got,
					    (long long)prev);
				prev = got;
				full = full > cases[i].cap / 2 ?
				    cases[i].cap : full * 2;
			}
		}
	}
}

static const struct tz *
zone_get(const char *name)
{
	char	err[256];
	size_t	i;

	if (strcmp(name, "UTC") == 0)
		return tz_utc();
	for (i = 0; i < NELEM(zones); i++) {
		if (strcmp(zones[i].name, name) != 0)
			continue;
		if (zones[i].z == NULL)
			zones[i].z = tz_load(name, err, sizeof(err));
		if (zones[i].z == NULL)
			fail_msg("%s (is tzdata installed?)", err);
		return zones[i].z;
	}
	fail_msg("zone %s not in the list", name);
	return NULL;
}

static int
zones_free(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(zones); i++) {
		tz_free(zones[i].z);
		zones[i].z = NULL;
	}
	return 0;
}

static void
test_duration_calendar(void **state)
{
	static const struct {
		const char	*in;
		bool		 want;
	} cases[] = {
		{ "7d", true },
		{ "14d", true },
		{ "2w", true },
		{ "-3d", true },
		{ "1w2d", true },
		{ "0d", true },
		{ "24h", false },
		{ "1d12h", false },
		{ "90m", false },
		{ "86400s", false },
		{ "1d0s", false },
		{ "7", false },
		{ "", false },
		{ "7D", false },
		{ "3y", false },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		if (schedule_duration_calendar(cases[i].in) != cases[i].want)
			ROW_FAIL(i, "\"%s\": want %d", cases[i].in,
			    cases[i].want);
	assert_false(schedule_duration_calendar(NULL));
}

static void
test_due_in_zone(void **state)
{
	static const struct {
		const char	*zone;
		const char	*performed;
		const char	*after;
		const char	*want;
	} cases[] = {
		/* New York springs forward on 2026-03-08. */
		{ "America/New_York", "2026-03-01T10:00:00-05:00", "7d",
		    "2026-03-08T14:00:00Z" },		/* 10:00 EDT */
		{ "America/New_York", "2026-03-01T10:00:00-05:00", "1w",
		    "2026-03-08T14:00:00Z" },
		{ "America/New_York", "2026-03-01T10:00:00-05:00", "168h",
		    "2026-03-08T15:00:00Z" },		/* 11:00 EDT */
		{ "America/New_York", "2026-03-07T10:00:00-05:00", "1d",
		    "2026-03-08T14:00:00Z" },
		{ "America/New_York", "2026-03-07T10:00:00-05:00", "24h",
		    "2026-03-08T15:00:00Z" },
		{ "America/New_York", "2026-03-07T10:00:00-05:00", "1d12h",
		    "2026-03-09T03:00:00Z" },		/* elapsed */
		{ "America/New_York", "2026-03-01T02:30:00-05:00", "7d",
		    "2026-03-08T07:30:00Z" },		/* gap: 03:30 EDT */
		{ "America/New_York", "2026-03-10T10:00:00-04:00", "-3d",
		    "2026-03-07T15:00:00Z" },		/* 10:00 EST */
		{ "America/New_York", "2026-03-02T10:00:00-05:00", "1w",
		    "2026-03-09T14:00:00Z" },
		/* A treatment at 23:30: "1d" stays on the 8th, "24h" does not. */
		{ "America/New_York", "2026-03-07T23:30:00-05:00", "1d",
		    "2026-03-09T03:30:00Z" },		/* 23:30 EDT, 8th */
		{ "America/New_York", "2026-03-07T23:30:00-05:00", "24h",
		    "2026-03-09T04:30:00Z" },		/* 00:30 EDT, 9th */
		{ "America/New_York", "2026-03-08T01:00:00-05:00", "90m",
		    "2026-03-08T07:30:00Z" },
		/* ...and falls back on 2026-11-01. */
		{ "America/New_York", "2026-10-31T10:00:00-04:00", "1d",
		    "2026-11-01T15:00:00Z" },		/* 10:00 EST */
		{ "America/New_York", "2026-10-31T10:00:00-04:00", "24h",
		    "2026-11-01T14:00:00Z" },		/* 09:00 EST */
		{ "America/New_York", "2026-10-25T01:30:00-04:00", "7d",
		    "2026-11-01T05:30:00Z" },		/* fold: first, EDT */
		{ "America/New_York", "2026-11-01T01:30:00-05:00", "1w",
		    "2026-11-08T06:30:00Z" },		/* the second 01:30 */
		{ "America/New_York", "2026-11-01T10:00:00-05:00", "2w",
		    "2026-11-15T15:00:00Z" },
		{ "America/New_York", "2026-10-31T23:30:00-04:00", "1d",
		    "2026-11-02T04:30:00Z" },		/* 23:30 EST */
		{ "America/New_York", "2026-10-31T23:30:00-04:00", "24h",
		    "2026-11-02T03:30:00Z" },		/* 22:30 EST */
		/* Berlin: 2026-03-29 and 2026-10-25. */
		{ "Europe/Berlin", "2026-03-28T10:00:00+01:00", "1d",
		    "2026-03-29T08:00:00Z" },
		{ "Europe/Berlin", "2026-03-28T10:00:00+01:00", "24h",
		    "2026-03-29T09:00:00Z" },
		{ "Europe/Berlin", "2026-03-22T02:30:00+01:00", "7d",
		    "2026-03-29T01:30:00Z" },		/* gap: 03:30 CEST */
		{ "Europe/Berlin", "2026-10-18T10:00:00+02:00", "7d",
		    "2026-10-25T09:00:00Z" },
		{ "Europe/Berlin", "2026-10-18T10:00:00+02:00", "168h",
		    "2026-10-25T08:00:00Z" },
		{ "Europe/Berlin", "2026-10-11T10:00:00+02:00", "14d",
		    "2026-10-25T09:00:00Z" },
		{ "Europe/Berlin", "2026-10-18T02:30:00+02:00", "1w",
		    "2026-10-25T00:30:00Z" },		/* fold: CEST */
		/* Lord Howe: half-hour changes on 2026-04-05 and 2026-10-04. */
		{ "Australia/Lord_Howe", "2026-03-29T10:00:00+11:00", "7d",
		    "2026-04-04T23:30:00Z" },		/* 10:00 +10:30 */
		{ "Australia/Lord_Howe", "2026-03-29T10:00:00+11:00", "168h",
		    "2026-04-04T23:00:00Z" },		/* 09:30 +10:30 */
		{ "Australia/Lord_Howe", "2026-03-29T01:45:00+11:00", "7d",
		    "2026-04-04T14:45:00Z" },		/* fold: +11 */
		{ "Australia/Lord_Howe", "2026-09-27T02:15:00+10:30", "7d",
		    "2026-10-03T15:45:00Z" },		/* gap: 02:45 +11 */
		{ "Australia/Lord_Howe", "2026-10-03T10:00:00+10:30", "1d",
		    "2026-10-03T23:00:00Z" },
		{ "Australia/Lord_Howe", "2026-10-03T10:00:00+10:30", "24h",
		    "2026-10-03T23:30:00Z" },
		/* Kolkata has no DST: both agree. */
		{ "Asia/Kolkata", "2026-11-24T23:30:00+05:30", "7d",
		    "2026-12-01T18:00:00Z" },
		{ "Asia/Kolkata", "2026-11-24T23:30:00+05:30", "24h",
		    "2026-11-25T18:00:00Z" },
		{ "Asia/Kolkata", "2026-11-24T23:30:00+05:30", "1d",
		    "2026-11-25T18:00:00Z" },
		/* Zero, UTC, and a written offset other than the zone's. */
		{ "America/New_York", "2026-03-08T10:00:00-04:00", "0s",
		    "2026-03-08T14:00:00Z" },
		{ "America/New_York", "2026-03-08T10:00:00-04:00", "0d",
		    "2026-03-08T14:00:00Z" },
		{ "UTC", "2026-03-07T10:00:00-05:00", "1d",
		    "2026-03-08T15:00:00Z" },
		{ "America/New_York", "2026-03-07T15:00:00Z", "1d",
		    "2026-03-08T14:00:00Z" },
	};
	char		 buf[32], err[128];
	time_t		 performed;
	int64_t		 after;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (schedule_rfc3339_parse(cases[i].performed, &performed,
		    NULL, err, sizeof(err)) != 0 ||
		    schedule_duration_parse(cases[i].after, &after, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "%s", err);
		schedule_rfc3339_format(schedule_due_in_zone(performed, after,
		    schedule_duration_calendar(cases[i].after),
		    zone_get(cases[i].zone)), buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "%s %s + %s: got %s, want %s",
			    cases[i].zone, cases[i].performed, cases[i].after,
			    buf, cases[i].want);
	}
	/* Not calendar, or NULL zone: elapsed; the ends saturate. */
	assert_true(schedule_due_in_zone(1772982000, 86400, false,
	    zone_get("America/New_York")) == 1772982000 + 86400);
	assert_true(schedule_due_in_zone(1772982000, 86400, true, NULL) ==
	    1772982000 + 86400);
	assert_true(schedule_due_in_zone((time_t)(INT64_MAX - 5), 86400, true,
	    zone_get("America/New_York")) == (time_t)INT64_MAX);
	assert_true(schedule_due_in_zone((time_t)(INT64_MIN + 5), -86400,
	    true, zone_get("America/New_York")) == (time_t)INT64_MIN);
}

static void
test_quiet_defer(void **state)
{
	static const struct {
		const char	*zone;
		const char	*due;
		int		 start, end;
		const char	*want;	/* NULL: not deferred */
	} cases[] = {
		/* New York, 20:00-09:00, across 2026-03-08. */
		{ "America/New_York", "2026-03-07T21:00:00-05:00", 1200, 540,
		    "2026-03-08T13:00:00Z" },		/* 09:00 EDT */
		{ "America/New_York", "2026-03-08T01:30:00-05:00", 1200, 540,
		    "2026-03-08T13:00:00Z" },
		{ "America/New_York", "2026-03-08T08:59:59-04:00", 1200, 540,
		    "2026-03-08T13:00:00Z" },
		{ "America/New_York", "2026-03-08T09:00:00-04:00", 1200, 540,
		    NULL },
		{ "America/New_York", "2026-03-08T19:59:59-04:00", 1200, 540,
		    NULL },
		{ "America/New_York", "2026-03-08T20:00:00-04:00", 1200, 540,
		    "2026-03-09T13:00:00Z" },
		{ "America/New_York", "2026-03-07T19:59:59-05:00", 1200, 540,
		    NULL },
		/* ...and 2026-11-01. */
		{ "America/New_York", "2026-10-31T22:00:00-04:00", 1200, 540,
		    "2026-11-01T14:00:00Z" },		/* 09:00 EST */
		{ "America/New_York", "2026-11-01T01:30:00-04:00", 1200, 540,
		    "2026-11-01T14:00:00Z" },
		{ "America/New_York", "2026-11-01T01:30:00-05:00", 1200, 540,
		    "2026-11-01T14:00:00Z" },
		/* An end that does not exist: 02:30 on 03-08 is 03:30 EDT. */
		{ "America/New_York", "2026-03-07T23:00:00-05:00", 1320, 150,
		    "2026-03-08T07:30:00Z" },
		/* An end that happens twice: the next one after due. */
		{ "America/New_York", "2026-11-01T01:10:00-04:00", 1320, 90,
		    "2026-11-01T05:30:00Z" },		/* 01:30 EDT */
		{ "America/New_York", "2026-11-01T01:10:00-05:00", 1320, 90,
		    "2026-11-01T06:30:00Z" },		/* 01:30 EST */
		{ "America/New_York", "2026-11-01T01:40:00-04:00", 1320, 90,
		    NULL },
		/* Berlin. */
		{ "Europe/Berlin", "2026-03-28T23:00:00+01:00", 1200, 540,
		    "2026-03-29T07:00:00Z" },
		{ "Europe/Berlin", "2026-03-29T08:30:00+02:00", 1200, 540,
		    "2026-03-29T07:00:00Z" },
		{ "Europe/Berlin", "2026-10-24T21:00:00+02:00", 1200, 540,
		    "2026-10-25T08:00:00Z" },
		{ "Europe/Berlin", "2026-10-25T02:30:00+01:00", 1200, 540,
		    "2026-10-25T08:00:00Z" },
		/* Lord Howe. */
		{ "Australia/Lord_Howe", "2026-04-04T21:00:00+11:00", 1200, 540,
		    "2026-04-04T22:30:00Z" },		/* 09:00 +10:30 */
		{ "Australia/Lord_Howe", "2026-10-03T20:00:00+10:30", 1200, 540,
		    "2026-10-03T22:00:00Z" },		/* 09:00 +11 */
		{ "Australia/Lord_Howe", "2026-10-04T00:30:00+10:30", 1380, 135,
		    "2026-10-03T15:45:00Z" },		/* 02:15 is 02:45 */
		/* Kolkata. */
		{ "Asia/Kolkata", "2026-11-24T06:00:00+05:30", 1200, 540,
		    "2026-11-24T03:30:00Z" },
		{ "Asia/Kolkata", "2026-11-24T20:00:00+05:30", 1200, 540,
		    "2026-11-25T03:30:00Z" },
		{ "Asia/Kolkata", "2026-11-24T23:30:00+05:30", 1200, 540,
		    "2026-11-25T03:30:00Z" },
		{ "Asia/Kolkata", "2026-11-24T12:00:00+05:30", 1200, 540,
		    NULL },
		/* Not wrapping midnight: 12:00-14:00. */
		{ "UTC", "2026-11-24T11:59:59Z", 720, 840, NULL },
		{ "UTC", "2026-11-24T12:00:00Z", 720, 840,
		    "2026-11-24T14:00:00Z" },
		{ "UTC", "2026-11-24T13:59:59Z", 720, 840,
		    "2026-11-24T14:00:00Z" },
		{ "UTC", "2026-11-24T14:00:00Z", 720, 840, NULL },
		{ "UTC", "2026-11-24T23:00:00Z", 720, 840, NULL },
		/* 00:00-06:00. */
		{ "UTC", "2026-11-24T00:00:00Z", 0, 360, "2026-11-24T06:00:00Z" },
		{ "UTC", "2026-11-24T23:59:59Z", 0, 360, NULL },
		/* 22:00-00:00: the end is the next midnight. */
		{ "UTC", "2026-12-31T23:00:00Z", 1320, 0, "2027-01-01T00:00:00Z" },
		{ "UTC", "2026-12-31T21:59:59Z", 1320, 0, NULL },
		/* start == end: no quiet hours. */
		{ "UTC", "2026-11-24T03:00:00Z", 540, 540, NULL },
		{ "America/New_York", "2026-03-08T02:00:00-05:00", 0, 0, NULL },
		/* Out of range minutes are taken modulo a day. */
		{ "UTC", "2026-11-24T21:00:00Z", 1200 + 1440, 540 - 1440,
		    "2026-11-25T09:00:00Z" },
	};
	char		 buf[32], want[32], err[128];
	time_t		 due;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (schedule_rfc3339_parse(cases[i].due, &due, NULL, err,
		    sizeof(err)) != 0)
			ROW_FAIL(i, "%s", err);
		schedule_rfc3339_format(schedule_quiet_defer(due,
		    cases[i].start, cases[i].end, zone_get(cases[i].zone)),
		    buf, sizeof(buf));
		if (cases[i].want != NULL)
			(void)snprintf(want, sizeof(want), "%s", cases[i].want);
		else
			schedule_rfc3339_format(due, want, sizeof(want));
		if (strcmp(buf, want) != 0)
			ROW_FAIL(i, "%s due %s, quiet %d-%d: got %s, want %s",
			    cases[i].zone, cases[i].due, cases[i].start,
			    cases[i].end, buf, want);
	}
	/* NULL is UTC; the ends of time_t are left alone. */
	assert_true(schedule_quiet_defer(1795528800 + 9 * 3600, 1200, 540,
	    NULL) == 1795528800 + 19 * 3600);
	assert_true(schedule_quiet_defer((time_t)INT64_MAX, 1200, 540,
	    NULL) == (time_t)INT64_MAX);
	assert_true(schedule_quiet_defer((time_t)INT64_MIN, 1200, 540,
	    NULL) == (time_t)INT64_MIN);
}

/* Pacing: a table of tries, then a long simulated run with late wakeups. */
static void
test_pace(void **state)
{
	static const struct {
		double	 now;
		bool	 want;
		double	 want_next;	/* after the call */
		double	 want_wait;	/* when refused */
	} rows[] = {
		{ 100.000, true, 100.500, 0 },	/* first: at once */
		{ 100.100, false, 100.500, 0.400 },
		{ 100.500, true, 101.000, 0 },	/* on time */
		{ 101.200, true, 101.500, 0 },	/* late: keeps its place */
		{ 101.300, false, 101.500, 0.200 },
		{ 101.500, true, 102.000, 0 },
		{ 105.000, true, 105.500, 0 },	/* after idling: anew */
		{ 105.000, false, 105.500, 0.500 },
	};
	double	 next = 0, wait, t, times[4000];
	size_t	 i, n = 0, lo;
	unsigned int seed = 1;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		wait = -1;
		if (schedule_pace(&next, 0.5, rows[i].now, &wait) !=
		    rows[i].want)
			fail_msg("row %zu: wrong answer", i);
		if (fabs(next - rows[i].want_next) > 1e-9)
			fail_msg("row %zu: next %.3f", i, next);
		if (!rows[i].want && fabs(wait - rows[i].want_wait) > 1e-9)
			fail_msg("row %zu: wait %.3f", i, wait);
	}
	/* no pacing */
	next = 0;
	assert_true(schedule_pace(&next, 0, 1.0, &wait));
	assert_true(schedule_pace(&next, 0, 1.0, &wait));

	/*
	 * 50 a second less 1%, as the gateway uses it, tried by a loop that
	 * wakes up to 2 ms late: never more than 50 in any second, and the
	 * average within 2% of 50.
	 */
	next = 0;
	t = 1000.0;
	while (n < sizeof(times) / sizeof(times[0])) {
		if (schedule_pace(&next, 1.0 / (50 * 0.99), t, &wait)) {
			times[n++] = t;
			continue;
		}
		t += wait + (double)(rand_r(&seed) % 2000) / 1e6;
	}
	for (i = 0, lo = 0; i < n; i++) {
		while (times[i] - times[lo] >= 1.0)
			lo++;
		if (i - lo + 1 > 50)
			fail_msg("%zu events in the second from %.4f",
			    i - lo + 1, times[lo]);
	}
	t = (double)(n - 1) / (times[n - 1] - times[0]);
	if (t < 49.0 || t > 50.0)
		fail_msg("average %.3f a second", t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_parse_bad),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_rfc3339_parse),
		cmocka_unit_test(test_rfc3339_parse_bad),
		cmocka_unit_test(test_rfc3339_messages),
		cmocka_unit_test(test_rfc3339_dst),
		cmocka_unit_test(test_rfc3339_format),
		cmocka_unit_test(test_rfc3339_roundtrip),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_due_at),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_duration_calendar),
		cmocka_unit_test(test_due_in_zone),
		cmocka_unit_test(test_quiet_defer),
		cmocka_unit_test(test_pace),
	};

	return cmocka_run_group_tests(tests, NULL, zones_free);
}
