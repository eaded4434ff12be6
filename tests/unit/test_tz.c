/* SPDX-License-Identifier: MIT */
/* test_tz.c: table tests of TZif parsing, POSIX TZ rules, offsets, wall-clock times. */

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "schedule.h"
#include "tz.h"

/*
 * Expected values were worked out with GNU date and glibc's own reading of
 * the same files and TZ strings (TZ=America/New_York date -d @T +%::z;
 * TZ='EST5EDT,M3.2.0,M11.1.0' date ...), never with this code.
 */

#define ZONES_MAX	8
#define TZIF_MAX	4096

static struct tz	*zones[ZONES_MAX];
static const char	*zone_names[ZONES_MAX] = {
	"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
	"Asia/Kolkata", "UTC", "Etc/UTC"
};

static int		 setup(void **);
static int		 teardown(void **);
static const struct tz	*zone(const char *);
static time_t		 at(const char *);
static int64_t		 wall(const char *);
static void		 put32(unsigned char *, uint32_t);
static void		 put64(unsigned char *, uint64_t);
static size_t		 tzif_block(unsigned char *, int, int, const int64_t *,
			    const unsigned char *, size_t, const int32_t *,
			    size_t);
static size_t		 tzif(unsigned char *, int, const int64_t *,
			    const unsigned char *, size_t, const int32_t *,
			    size_t, const char *);
static size_t		 tzif_footer(unsigned char *, const char *);
static size_t		 zone_file(const char *, unsigned char *, size_t);
static void		 test_offset(void **);
static void		 test_offset_far(void **);
static void		 test_local_to_utc(void **);
static void		 test_roundtrip(void **);
static void		 test_footer(void **);
static void		 test_footer_bad(void **);
static void		 test_tzif_versions(void **);
static void		 test_parse_bad(void **);
static void		 test_truncated(void **);
static void		 test_load_bad(void **);
static void		 test_utc(void **);
static void		 test_civil(void **);

static int
setup(void **state)
{
	char	err[256];
	size_t	i;

	(void)state;
	for (i = 0; i < ZONES_MAX && zone_names[i] != NULL; i++) {
		zones[i] = tz_load(zone_names[i], err, sizeof(err));
		if (zones[i] == NULL) {
			print_error("%s (is tzdata installed?)\n", err);
			return -1;
		}
	}
	return 0;
}

static int
teardown(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < ZONES_MAX; i++) {
		tz_free(zones[i]);
		zones[i] = NULL;
	}
	return 0;
}

static const struct tz *
zone(const char *name)
{
	size_t	i;

	for (i = 0; i < ZONES_MAX && zone_names[i] != NULL; i++)
		if (strcmp(zone_names[i], name) == 0)
			return zones[i];
	fail_msg("zone %s not loaded", name);
	return NULL;
}

static time_t
at(const char *s)
{
	char	err[128];
	time_t	t;

	if (schedule_rfc3339_parse(s, &t, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return t;
}

/* "2026-03-08T02:30:00" as local seconds since 1970-01-01T00:00 local. */
static int64_t
wall(const char *s)
{
	char	buf[40];

	(void)snprintf(buf, sizeof(buf), "%sZ", s);
	return (int64_t)at(buf);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* One header and data block; tsize 4 (version 1) or 8. */
static size_t
tzif_block(unsigned char *b, int version, int tsize, const int64_t *trans,
    const unsigned char *idx, size_t ntrans, const int32_t *offs,
    size_t ntypes)
{
	size_t	n = 0, i;

	memcpy(b, "TZif", 4);
	b[4] = (unsigned char)version;
	memset(b + 5, 0, 15);
	put32(b + 20, 0);			/* isutcnt */
	put32(b + 24, 0);			/* isstdcnt */
	put32(b + 28, 0);			/* leapcnt */
	put32(b + 32, (uint32_t)ntrans);	/* timecnt */
	put32(b + 36, (uint32_t)ntypes);	/* typecnt */
	put32(b + 40, 4);			/* charcnt */
	n = 44;
	for (i = 0; i < ntrans; i++, n += tsize)
		if (tsize == 4)
			put32(b + n, (uint32_t)trans[i]);
		else
			put64(b + n, (uint64_t)trans[i]);
	for (i = 0; i < ntrans; i++)
		b[n++] = idx[i];
	for (i = 0; i < ntypes; i++, n += 6) {
		put32(b + n, (uint32_t)offs[i]);
		b[n + 4] = i > 0;
		b[n + 5] = 0;
	}
	memcpy(b + n, "ABC", 4);
	return n + 4;
}

/*
 * A TZif file: version 0 (1) holds only the 32-bit block; later versions
 * a minimal 32-bit block, the 64-bit one and the footer.
 */
static size_t
tzif(unsigned char *b, int version, const int64_t *trans,
    const unsigned char *idx, size_t ntrans, const int32_t *offs,
    size_t ntypes, const char *footer)
{
	size_t	n;

	if (version == 0)
		return tzif_block(b, 0, 4, trans, idx, ntrans, offs, ntypes);
	n = tzif_block(b, version, 4, NULL, NULL, 0, offs, 1);
	n += tzif_block(b + n, version, 8, trans, idx, ntrans, offs, ntypes);
	n += (size_t)snprintf((char *)b + n, TZIF_MAX - n, "\n%s\n", footer);
	return n;
}

/* A version 3 file with no transitions: the footer is everything. */
static size_t
tzif_footer(unsigned char *b, const char *footer)
{
	static const int32_t	off = 0;

	return tzif(b, '3', NULL, NULL, 0, &off, 1, footer);
}

static size_t
zone_file(const char *name, unsigned char *buf, size_t cap)
{
	char	 path[256];
	FILE	*f;
	size_t	 n;

	(void)snprintf(path, sizeof(path), "%s/%s", TZ_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("%s: cannot open", path);
	n = fread(buf, 1, cap, f);
	(void)fclose(f);
	if (n == cap)
		fail_msg("%s: larger than the test buffer", path);
	return n;
}

static void
test_offset(void **state)
{
	static const struct {
		const char	*zone;
		const char	*at;
		int		 want;
	} cases[] = {
		/* New York: 2026 from the transitions, 2100 from the footer. */
		{ "America/New_York", "2026-03-08T06:59:59Z", -18000 },
		{ "America/New_York", "2026-03-08T07:00:00Z", -14400 },
		{ "America/New_York", "2026-11-01T05:59:59Z", -14400 },
		{ "America/New_York", "2026-11-01T06:00:00Z", -18000 },
		{ "America/New_York", "2100-03-14T06:59:59Z", -18000 },
		{ "America/New_York", "2100-03-14T07:00:00Z", -14400 },
		{ "America/New_York", "2100-11-07T05:59:59Z", -14400 },
		{ "America/New_York", "2100-11-07T06:00:00Z", -18000 },
		{ "America/New_York", "2037-12-31T00:00:00Z", -18000 },
		/* Before the first transition: local mean time, type 0. */
		{ "America/New_York", "1800-01-01T00:00:00Z", -17762 },
		{ "America/New_York", "1900-01-01T00:00:00Z", -18000 },
		/* Berlin: at 01:00 UTC both ways. */
		{ "Europe/Berlin", "2026-03-29T00:59:59Z", 3600 },
		{ "Europe/Berlin", "2026-03-29T01:00:00Z", 7200 },
		{ "Europe/Berlin", "2026-10-25T00:59:59Z", 7200 },
		{ "Europe/Berlin", "2026-10-25T01:00:00Z", 3600 },
		{ "Europe/Berlin", "2100-03-28T00:59:59Z", 3600 },
		{ "Europe/Berlin", "2100-03-28T01:00:00Z", 7200 },
		{ "Europe/Berlin", "2100-10-31T00:59:59Z", 7200 },
		{ "Europe/Berlin", "2100-10-31T01:00:00Z", 3600 },
		/* Lord Howe: +10:30, +11 in the southern summer. */
		{ "Australia/Lord_Howe", "2026-04-04T14:59:59Z", 39600 },
		{ "Australia/Lord_Howe", "2026-04-04T15:00:00Z", 37800 },
		{ "Australia/Lord_Howe", "2026-07-01T00:00:00Z", 37800 },
		{ "Australia/Lord_Howe", "2026-10-03T15:29:59Z", 37800 },
		{ "Australia/Lord_Howe", "2026-10-03T15:30:00Z", 39600 },
		{ "Australia/Lord_Howe", "2100-04-03T14:59:59Z", 39600 },
		{ "Australia/Lord_Howe", "2100-04-03T15:00:00Z", 37800 },
		{ "Australia/Lord_Howe", "2100-10-02T15:29:59Z", 37800 },
		{ "Australia/Lord_Howe", "2100-10-02T15:30:00Z", 39600 },
		{ "Australia/Lord_Howe", "2100-01-01T00:00:00Z", 39600 },
		/* Kolkata: +05:30 today, other offsets in its history. */
		{ "Asia/Kolkata", "2026-06-01T00:00:00Z", 19800 },
		{ "Asia/Kolkata", "2100-01-01T00:00:00Z", 19800 },
		{ "Asia/Kolkata", "1941-10-01T00:00:00Z", 23400 },
		{ "Asia/Kolkata", "1900-01-01T00:00:00Z", 19270 },
		{ "Asia/Kolkata", "1800-01-01T00:00:00Z", 21208 },
		{ "UTC", "2026-06-01T00:00:00Z", 0 },
		{ "Etc/UTC", "2100-06-01T00:00:00Z", 0 },
	};
	size_t	i;
	int	got;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		got = tz_offset(zone(cases[i].zone), at(cases[i].at));
		if (got != cases[i].want)
			ROW_FAIL(i, "%s at %s: offset %d, want %d",
			    cases[i].zone, cases[i].at, got, cases[i].want);
	}
}

/* Far from today, by the footer's rule; the ends of time_t do not crash. */
static void
test_offset_far(void **state)
{
	static const struct {
		const char	*zone;
		int64_t		 t;
		int		 want;
	} cases[] = {
		{ "America/New_York", 253402300799LL, -18000 },
		{ "Australia/Lord_Howe", 253402300799LL, 39600 },
		{ "America/New_York", 4102444800LL, -18000 },
		{ "Australia/Lord_Howe", 4102444800LL, 39600 },
		/* Year 318857, 20 May. */
		{ "America/New_York", 10000000000000LL, -14400 },
		{ "Australia/Lord_Howe", 10000000000000LL, 37800 },
	};
	static const char *const all[] = {
		"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
		"Asia/Kolkata", "UTC"
	};
	int64_t	t;
	size_t	i, j;
	int	got, flag;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		got = tz_offset(zone(cases[i].zone), (time_t)cases[i].t);
		if (got != cases[i].want)
			ROW_FAIL(i, "%s at %lld: offset %d, want %d",
			    cases[i].zone, (long long)cases[i].t, got,
			    cases[i].want);
	}
	for (j = 0; j < NELEM(all); j++) {
		for (t = INT64_MIN; ; t += INT64_MAX / 8) {
			got = tz_offset(zone(all[j]), (time_t)t);
			if (got < -89999 || got > 93599)
				fail_msg("%s at %lld: %d", all[j],
				    (long long)t, got);
			(void)tz_local_to_utc(zone(all[j]), t, &flag);
			if (t > INT64_MAX - INT64_MAX / 8)
				break;
		}
		(void)tz_offset(zone(all[j]), (time_t)INT64_MAX);
		(void)tz_local_to_utc(zone(all[j]), INT64_MAX, &flag);
		(void)tz_local_to_utc(zone(all[j]), INT64_MAX / 4 + 1, &flag);
		(void)tz_local_to_utc(zone(all[j]), INT64_MIN / 4 - 1, &flag);
	}
}

static void
test_local_to_utc(void **state)
{
	static const struct {
		const char	*zone;
		const char	*local;
		const char	*want;
		int		 flag;
	} cases[] = {
		/* New York springs forward: 02:00 to 02:59:59 never happen. */
		{ "America/New_York", "2026-03-08T01:59:59",
		    "2026-03-08T06:59:59Z", TZ_LOCAL_UNIQUE },
		{ "America/New_York", "2026-03-08T02:00:00",
		    "2026-03-08T07:00:00Z", TZ_LOCAL_GAP },
		{ "America/New_York", "2026-03-08T02:30:00",
		    "2026-03-08T07:30:00Z", TZ_LOCAL_GAP },	/* 03:30 EDT */
		{ "America/New_York", "2026-03-08T02:59:59",
		    "2026-03-08T07:59:59Z", TZ_LOCAL_GAP },
		{ "America/New_York", "2026-03-08T03:00:00",
		    "2026-03-08T07:00:00Z", TZ_LOCAL_UNIQUE },
		/* ...and falls back: 01:00 to 01:59:59 happen twice. */
		{ "America/New_York", "2026-11-01T00:59:59",
		    "2026-11-01T04:59:59Z", TZ_LOCAL_UNIQUE },
		{ "America/New_York", "2026-11-01T01:00:00",
		    "2026-11-01T05:00:00Z", TZ_LOCAL_FOLD },
		{ "America/New_York", "2026-11-01T01:30:00",
		    "2026-11-01T05:30:00Z", TZ_LOCAL_FOLD },	/* EDT */
		{ "America/New_York", "2026-11-01T01:59:59",
		    "2026-11-01T05:59:59Z", TZ_LOCAL_FOLD },
		{ "America/New_York", "2026-11-01T02:00:00",
		    "2026-11-01T07:00:00Z", TZ_LOCAL_UNIQUE },
		{ "America/New_York", "2026-07-04T12:00:00",
		    "2026-07-04T16:00:00Z", TZ_LOCAL_UNIQUE },
		{ "America/New_York", "2100-03-14T02:30:00",
		    "2100-03-14T07:30:00Z", TZ_LOCAL_GAP },
		{ "America/New_York", "2100-11-07T01:30:00",
		    "2100-11-07T05:30:00Z", TZ_LOCAL_FOLD },
		/* Berlin. */
		{ "Europe/Berlin", "2026-03-29T01:59:59",
		    "2026-03-29T00:59:59Z", TZ_LOCAL_UNIQUE },
		{ "Europe/Berlin", "2026-03-29T02:30:00",
		    "2026-03-29T01:30:00Z", TZ_LOCAL_GAP },	/* 03:30 CEST */
		{ "Europe/Berlin", "2026-03-29T03:00:00",
		    "2026-03-29T01:00:00Z", TZ_LOCAL_UNIQUE },
		{ "Europe/Berlin", "2026-10-25T01:59:59",
		    "2026-10-24T23:59:59Z", TZ_LOCAL_UNIQUE },
		{ "Europe/Berlin", "2026-10-25T02:30:00",
		    "2026-10-25T00:30:00Z", TZ_LOCAL_FOLD },	/* CEST */
		{ "Europe/Berlin", "2026-10-25T03:00:00",
		    "2026-10-25T02:00:00Z", TZ_LOCAL_UNIQUE },
		{ "Europe/Berlin", "2100-10-31T02:30:00",
		    "2100-10-31T00:30:00Z", TZ_LOCAL_FOLD },
		/* Lord Howe moves its clocks by 30 minutes. */
		{ "Australia/Lord_Howe", "2026-10-04T01:59:59",
		    "2026-10-03T15:29:59Z", TZ_LOCAL_UNIQUE },
		{ "Australia/Lord_Howe", "2026-10-04T02:00:00",
		    "2026-10-03T15:30:00Z", TZ_LOCAL_GAP },
		{ "Australia/Lord_Howe", "2026-10-04T02:15:00",
		    "2026-10-03T15:45:00Z", TZ_LOCAL_GAP },	/* 02:45 */
		{ "Australia/Lord_Howe", "2026-10-04T02:30:00",
		    "2026-10-03T15:30:00Z", TZ_LOCAL_UNIQUE },
		{ "Australia/Lord_Howe", "2026-04-05T01:29:59",
		    "2026-04-04T14:29:59Z", TZ_LOCAL_UNIQUE },
		{ "Australia/Lord_Howe", "2026-04-05T01:30:00",
		    "2026-04-04T14:30:00Z", TZ_LOCAL_FOLD },
		{ "Australia/Lord_Howe", "2026-04-05T01:45:00",
		    "2026-04-04T14:45:00Z", TZ_LOCAL_FOLD },	/* +11 */
		{ "Australia/Lord_Howe", "2026-04-05T02:00:00",
		    "2026-04-04T15:30:00Z", TZ_LOCAL_UNIQUE },
		{ "Australia/Lord_Howe", "2100-10-03T02:15:00",
		    "2100-10-02T15:45:00Z", TZ_LOCAL_GAP },
		{ "Asia/Kolkata", "2026-11-24T23:30:00",
		    "2026-11-24T18:00:00Z", TZ_LOCAL_UNIQUE },
		{ "UTC", "2026-03-08T02:30:00",
		    "2026-03-08T02:30:00Z", TZ_LOCAL_UNIQUE },
	};
	char	 buf[32];
	time_t	 got;
	size_t	 i;
	int	 flag;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		flag = -1;
		got = tz_local_to_utc(zone(cases[i].zone),
		    wall(cases[i].local), &flag);
		schedule_rfc3339_format(got, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			ROW_FAIL(i, "%s %s: got %s, want %s", cases[i].zone,
			    cases[i].local, buf, cases[i].want);
		if (flag != cases[i].flag)
			ROW_FAIL(i, "%s %s: resolved as %d, want %d",
			    cases[i].zone, cases[i].local, flag,
			    cases[i].flag);
		/* fold_or_gap may be NULL. */
		if (tz_local_to_utc(zone(cases[i].zone), wall(cases[i].local),
		    NULL) != got)
			ROW_FAIL(i, "differs with fold_or_gap NULL");
	}
}

/*
 * Every instant of 2026 and 2100 reads back from its wall-clock time,
 * except the second pass through a fold, which gives the first.
 */
static void
test_roundtrip(void **state)
{
	static const char *const all[] = {
		"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
		"Asia/Kolkata", "UTC"
	};
	static const char *const from[] = {
		"2026-01-01T00:00:00Z", "2100-01-01T00:00:00Z"
	};
	const struct tz	*z;
	int64_t		 t, end, local;
	time_t		 back;
	size_t		 i, j, folds;
	int		 flag;

	(void)state;
	for (i = 0; i < NELEM(all); i++) {
		z = zone(all[i]);
		folds = 0;
		for (j = 0; j < NELEM(from); j++) {
			end = (int64_t)at(from[j]) + 366 * 86400;
			for (t = at(from[j]); t < end; t += 599) {
				local = t + tz_offset(z, (time_t)t);
				back = tz_local_to_utc(z, local, &flag);
				if (back == t && flag != TZ_LOCAL_GAP)
					continue;
				if (flag != TZ_LOCAL_FOLD || back >= t ||
				    back + tz_offset(z, back) != local)
					fail_msg("%s: %lld read back as %lld "
					    "(%d)", all[i], (long long)t,
					    (long long)back, flag);
				folds++;
			}
		}
		/* 599 s steps see each fall-back hour's second pass. */
		if ((strcmp(all[i], "Asia/Kolkata") == 0 ||
		    strcmp(all[i], "UTC") == 0) != (folds == 0))
			fail_msg("%s: %zu folds", all[i], folds);
	}
}

/* POSIX TZ footers alone (no transitions), checked against glibc. */
static void
test_footer(void **state)
{
	static const struct {
		const char	*footer;
		const char	*at;
		int		 want;
	} cases[] = {
		{ "EST5EDT,M3.2.0,M11.1.0", "2026-03-08T06:59:59Z", -18000 },
		{ "EST5EDT,M3.2.0,M11.1.0", "2026-03-08T07:00:00Z", -14400 },
		{ "EST5EDT,M3.2.0,M11.1.0", "2026-11-01T05:59:59Z", -14400 },
		{ "EST5EDT,M3.2.0,M11.1.0", "2026-11-01T06:00:00Z", -18000 },
		{ "EST5EDT,M3.2.0,M11.1.0", "2100-03-14T07:00:00Z", -14400 },
		{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		    "2026-04-04T14:59:59Z", 39600 },
		{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		    "2026-04-04T15:00:00Z", 37800 },
		{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		    "2026-10-03T15:29:59Z", 37800 },
		{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		    "2026-10-03T15:30:00Z", 39600 },
		/* Jn skips 29 February; negative and 167 h times. */
		{ "XXX3YYY,J60/-1,J300/167", "2027-03-01T01:59:59Z", -10800 },
		{ "XXX3YYY,J60/-1,J300/167", "2027-03-01T02:00:00Z", -7200 },
		{ "XXX3YYY,J60/-1,J300/167", "2027-11-03T00:59:59Z", -7200 },
		{ "XXX3YYY,J60/-1,J300/167", "2027-11-03T01:00:00Z", -10800 },
		{ "XXX3YYY,J60/-1,J300/167", "2028-03-01T01:59:59Z", -10800 },
		{ "XXX3YYY,J60/-1,J300/167", "2028-03-01T02:00:00Z", -7200 },
		{ "XXX3YYY,J60/-1,J300/167", "2400-03-01T02:00:00Z", -7200 },
		/* n counts 29 February; 25 h; seconds in offsets. */
		{ "AAA-2BBB-3:30:15,59/25,300", "2027-03-01T22:59:59Z", 7200 },
		{ "AAA-2BBB-3:30:15,59/25,300", "2027-03-01T23:00:00Z", 12615 },
		{ "AAA-2BBB-3:30:15,59/25,300", "2028-02-29T22:59:59Z", 7200 },
		{ "AAA-2BBB-3:30:15,59/25,300", "2028-02-29T23:00:00Z", 12615 },
		{ "AAA-2BBB-3:30:15,59/25,300", "2027-10-27T22:29:44Z", 12615 },
		{ "AAA-2BBB-3:30:15,59/25,300", "2027-10-27T22:29:45Z", 7200 },
		/* RFC 8536's example of negative times (America/Nuuk). */
		{ "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "2026-03-29T00:59:59Z",
		    -10800 },
		{ "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "2026-03-29T01:00:00Z",
		    -7200 },
		{ "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "2026-10-25T00:59:59Z",
		    -7200 },
		{ "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "2026-10-25T01:00:00Z",
		    -10800 },
		/*
		 * RFC 8536 3.3.1: DST all year.  glibc gets the first hours of
		 * each year wrong (it looks at one year only); tzcode does not.
		 */
		{ "EST5EDT,0/0,J365/25", "2026-01-01T00:00:00Z", -14400 },
		{ "EST5EDT,0/0,J365/25", "2026-06-01T00:00:00Z", -14400 },
		{ "EST5EDT,0/0,J365/25", "2026-12-31T23:59:59Z", -14400 },
		{ "EST5EDT,0/0,J365/25", "2027-01-01T05:00:00Z", -14400 },
		/* Fixed offsets, with and without a sign. */
		{ "<+0530>-5:30", "2026-01-01T00:00:00Z", 19800 },
		{ "UTC0", "2026-01-01T00:00:00Z", 0 },
		{ "EST+5", "2026-07-01T00:00:00Z", -18000 },
		{ "<-00>0", "2026-07-01T00:00:00Z", 0 },
		/* An explicit DST offset; M5 is the month's last weekday. */
		{ "AAA3BBB1,M2.5.0,M3.1.6", "2026-02-22T04:59:59Z", -10800 },
		{ "AAA3BBB1,M2.5.0,M3.1.6", "2026-02-22T05:00:00Z", -3600 },
		{ "AAA3BBB1,M2.5.0,M3.1.6", "2026-03-07T02:59:59Z", -3600 },
		{ "AAA3BBB1,M2.5.0,M3.1.6", "2026-03-07T03:00:00Z", -10800 },
	};
	unsigned char	 b[TZIF_MAX];
	char		 err[256];
	struct tz	*z;
	size_t		 i, n;
	int		 got;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		n = tzif_footer(b, cases[i].footer);
		z = tz_parse(b, n, "test", err, sizeof(err));
		if (z == NULL)
			ROW_FAIL(i, "\"%s\": %s", cases[i].footer, err);
		got = tz_offset(z, at(cases[i].at));
		tz_free(z);
		if (got != cases[i].want)
			ROW_FAIL(i, "\"%s\" at %s: offset %d, want %d",
			    cases[i].footer, cases[i].at, got, cases[i].want);
	}
}

static void
test_footer_bad(void **state)
{
	static const char *const cases[] = {
		"EST5EDT",			/* DST without a rule */
		"EST",				/* no offset */
		"ES5",				/* name too short */
		"<AB>5",
		"<A B>5",
		"5",
		"EST25",			/* hours 0 to 24 */
		"EST5:60",
		"EST5:00:60",
		"EST5EDT,M3.2.0",
		"EST5EDT,M3.2.0,",
		"EST5EDT,M13.2.0,M11.1.0",
		"EST5EDT,M0.2.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0",
		"EST5EDT,M3.0.0,M11.1.0",
		"EST5EDT,M3.2.7,M11.1.0",
		"EST5EDT,M3.2,M11.1.0",
		"EST5EDT,J0,J365",
		"EST5EDT,J366,J365",
		"EST5EDT,366,1",
		"EST5EDT,M3.2.0/168,M11.1.0",
		"EST5EDT,M3.2.0/-168,M11.1.0",
		"EST5EDT,M3.2.0/2:60,M11.1.0",
		"EST5EDT,M3.2.0,M11.1.0x",
		"EST5EDT,M3.2.0,M11.1.0,M12.1.0",
		"EST5EDT 4,M3.2.0,M11.1.0",
		"EST5\tEDT",
		"EST0005",
	};
	unsigned char	 b[TZIF_MAX];
	char		 err[256];
	struct tz	*z;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		n = tzif_footer(b, cases[i]);
		err[0] = '\0';
		z = tz_parse(b, n, "Test/Zone", err, sizeof(err));
		if (z != NULL) {
			tz_free(z);
			ROW_FAIL(i, "\"%s\" accepted", cases[i]);
		}
		if (strstr(err, "time zone \"Test/Zone\": corrupt TZif data "
		    "(footer TZ string") == NULL)
			ROW_FAIL(i, "\"%s\": message \"%s\"", cases[i], err);
	}
}

/* Versions 1 to 4; an empty footer keeps the last type. */
static void
test_tzif_versions(void **state)
{
	static const int64_t	 trans[] = { 0, 1000000, 2000000 };
	static const unsigned char idx[] = { 1, 2, 1 };
	static const int32_t	 offs[] = { -17762, -18000, -14400 };
	static const struct {
		int		 version;
		const char	*footer;
		int64_t		 t;
		int		 want;
	} cases[] = {
		{ 0, NULL, -1, -17762 },
		{ 0, NULL, 0, -18000 },
		{ 0, NULL, 1000000, -14400 },
		{ 0, NULL, 1999999, -14400 },
		{ 0, NULL, 2000000, -18000 },
		{ 0, NULL, 4000000000LL, -18000 },
		{ '2', "", -1, -17762 },
		{ '2', "", 1500000, -14400 },
		{ '2', "", 4000000000LL, -18000 },
		{ '3', "EST5EDT,M3.2.0,M11.1.0", 1999999, -14400 },
		{ '3', "EST5EDT,M3.2.0,M11.1.0", 1783000000LL, -14400 },
		{ '4', "EST5", 1783000000LL, -18000 },
	};
	unsigned char	 b[TZIF_MAX];
	char		 err[256];
	struct tz	*z;
	size_t		 i, n;
	int		 got;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		n = tzif(b, cases[i].version, trans, idx, NELEM(trans), offs,
		    NELEM(offs), cases[i].footer);
		z = tz_parse(b, n, NULL, err, sizeof(err));
		if (z == NULL)
			ROW_FAIL(i, "%s", err);
		got = tz_offset(z, (time_t)cases[i].t);
		if (strcmp(tz_name(z), "") != 0)
			ROW_FAIL(i, "name \"%s\"", tz_name(z));
		tz_free(z);
		if (got != cases[i].want)
			ROW_FAIL(i, "version %d at %lld: %d, want %d",
			    cases[i].version, (long long)cases[i].t, got,
			    cases[i].want);
	}
}

/* Damaged data: refused with a message naming the zone and the fault. */
static void
test_parse_bad(void **state)
{
	enum {
		BAD_NONE, BAD_VERSION, BAD_TYPECNT, BAD_CHARCNT, BAD_ISUT,
		BAD_LEAP, BAD_ORDER, BAD_INDEX, BAD_UTOFF, BAD_ISDST,
		BAD_DESIG, BAD_TRAILING, BAD_NO_FOOTER, BAD_NUL_FOOTER,
		BAD_HUGE_COUNT
	};
	static const struct {
		const char	*data;	/* or NULL for a built file */
		size_t		 len;
		int		 fault;
		const char	*want;
	} cases[] = {
		{ "", 0, 0, "time zone \"X\": not a TZif file" },
		{ "# tzdb leap seconds\n", 20, 0, "not a TZif file" },
		{ "TZi", 3, 0, "not a TZif file" },
		{ "TZif", 4, 0, "truncated TZif data (header)" },
		{ "TZif2", 5, 0, "truncated TZif data (header)" },
		{ NULL, 0, BAD_VERSION, "unsupported TZif version" },
		{ NULL, 0, BAD_TYPECNT, "corrupt TZif data (bad type count)" },
		{ NULL, 0, BAD_CHARCNT, "corrupt TZif data (no abbreviations)" },
		{ NULL, 0, BAD_ISUT, "corrupt TZif data (bad indicator counts)" },
		{ NULL, 0, BAD_LEAP, "leap-second zones" },
		{ NULL, 0, BAD_ORDER, "transitions out of order" },
		{ NULL, 0, BAD_INDEX, "transition 1 has no type" },
		{ NULL, 0, BAD_UTOFF, "local time type 1" },
		{ NULL, 0, BAD_ISDST, "local time type 2" },
		{ NULL, 0, BAD_DESIG, "local time type 0" },
		{ NULL, 0, BAD_TRAILING, "text after the footer" },
		{ NULL, 0, BAD_NO_FOOTER, "truncated TZif data (footer)" },
		{ NULL, 0, BAD_NUL_FOOTER, "corrupt TZif data (footer)" },
		{ NULL, 0, BAD_HUGE_COUNT, "truncated TZif data" },
	};
	static const int64_t	 trans[] = { 0, 1000000, 2000000 };
	static const unsigned char idx[] = { 1, 2, 1 };
	static const int32_t	 offs[] = { -17762, -18000, -14400 };
	unsigned char	 b[TZIF_MAX];
	char		 err[256];
	struct tz	*z;
	size_t		 i, n, v2;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (cases[i].data != NULL) {
			memcpy(b, cases[i].data, cases[i].len);
			n = cases[i].len;
		} else
			n = tzif(b, '2', trans, idx, NELEM(trans), offs,
			    NELEM(offs), "EST5EDT,M3.2.0,M11.1.0");
		/* The 64-bit header follows a 32-bit block with one type. */
		v2 = 44 + 6 + 4;
		switch (cases[i].fault) {
		case BAD_VERSION:
			b[4] = '1';
			break;
		case BAD_TYPECNT:
			put32(b + v2 + 36, 0);
			break;
		case BAD_CHARCNT:
			put32(b + v2 + 40, 0);
			break;
		case BAD_ISUT:
			put32(b + v2 + 20, 1);
			break;
		case BAD_LEAP:
			put32(b + v2 + 28, 1);
			break;
		case BAD_ORDER:
			put64(b + v2 + 44 + 8, (uint64_t)-5);
			break;
		case BAD_INDEX:
			b[v2 + 44 + 24 + 1] = 3;
			break;
		case BAD_UTOFF:
			put32(b + v2 + 44 + 27 + 6, (uint32_t)-90000);
			break;
		case BAD_ISDST:
			b[v2 + 44 + 27 + 12 + 4] = 2;
			break;
		case BAD_DESIG:
			b[v2 + 44 + 27 + 5] = 4;
			break;
		case BAD_TRAILING:
			b[n++] = '\n';
			break;
		case BAD_NO_FOOTER:
			n -= 24;
			break;
		case BAD_NUL_FOOTER:
			b[n - 3] = '\0';
			break;
		case BAD_HUGE_COUNT:
			put32(b + v2 + 32, UINT32_MAX);
			break;
		}
		err[0] = '\0';
		z = tz_parse(b, n, "X", err, sizeof(err));
		if (z != NULL) {
			tz_free(z);
			ROW_FAIL(i, "accepted");
		}
		if (strstr(err, cases[i].want) == NULL)
			ROW_FAIL(i, "message \"%s\" lacks \"%s\"", err,
			    cases[i].want);
	}
	/* Small and absent error buffers. */
	assert_null(tz_parse((const unsigned char *)"nope", 4, "X", err, 8));
	assert_int_equal(strlen(err), 7);
	assert_null(tz_parse((const unsigned char *)"nope", 4, "X", NULL, 0));
}

/* Every prefix of real files is refused, and a byte more too. */
static void
test_truncated(void **state)
{
	static const char *const files[] = {
		"America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
		"Etc/UTC"
	};
	unsigned char	 b[16384];
	char		 err[256];
	struct tz	*z;
	size_t		 i, n, len;

	(void)state;
	for (i = 0; i < NELEM(files); i++) {
		len = zone_file(files[i], b, sizeof(b) - 1);
		z = tz_parse(b, len, files[i], err, sizeof(err));
		if (z == NULL)
			fail_msg("%s: %s", files[i], err);
		tz_free(z);
		for (n = 0; n < len; n++) {
			err[0] = '\0';
			z = tz_parse(b, n, files[i], err, sizeof(err));
			if (z != NULL) {
				tz_free(z);
				fail_msg("%s cut to %zu bytes: accepted",
				    files[i], n);
			}
			if (strstr(err, n < 4 ? "not a TZif file" :
			    "truncated TZif data") == NULL)
				fail_msg("%s cut to %zu bytes: \"%s\"",
				    files[i], n, err);
		}
		b[len] = 'x';
		assert_null(tz_parse(b, len + 1, files[i], err, sizeof(err)));
		assert_non_null(strstr(err, "text after the footer"));
	}
}

static void
test_load_bad(void **state)
{
	static const struct {
		const char	*name;
		const char	*want;	/* the whole message */
	} cases[] = {
		{ "Mars/Olympus_Mons", "unknown time zone \"Mars/Olympus_Mons\"" },
		{ "America/Springfield",
		    "unknown time zone \"America/Springfield\"" },
		{ "America", "unknown time zone \"America\"" },
		{ "America/New_York/x",
		    "unknown time zone \"America/New_York/x\"" },
		{ "america/new_york", "unknown time zone \"america/new_york\"" },
		{ "", "invalid time zone name \"\": empty" },
		{ "../../../etc/passwd", "invalid time zone name "
		    "\"../../../etc/passwd\": must not contain \"..\"" },
		{ "America/../../etc/shadow", "invalid time zone name "
		    "\"America/../../etc/shadow\": must not contain \"..\"" },
		{ "/etc/localtime", "invalid time zone name \"/etc/localtime\": "
		    "must not start with '/'" },
		{ "America//New_York", "invalid time zone name "
		    "\"America//New_York\": has an empty part" },
		{ "America/", "invalid time zone name \"America/\": "
		    "has an empty part" },
		{ "America/New York", "invalid time zone name \"America/New?York\": "
		    "only letters, digits and /_-+ are allowed" },
		{ "zone.tab", "invalid time zone name \"zone.tab\": only letters, "
		    "digits and /_-+ are allowed" },
		{ "America/New_York\n", "invalid time zone name "
		    "\"America/New_York?\": only letters" },
		{ "Europe/Z\xc3\xbcrich", "invalid time zone name "
		    "\"Europe/Z??rich\": only letters" },
		{ "EST5EDT,M3.2.0,M11.1.0", "invalid time zone name "
		    "\"EST5EDT,M3.2.0,M11.1.0\": only letters" },
	};
	char		 err[256], longname[102];
	struct tz	*z;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		err[0] = '\0';
		z = tz_load(cases[i].name, err, sizeof(err));
		if (z != NULL) {
			tz_free(z);
			ROW_FAIL(i, "\"%s\" loaded", cases[i].name);
		}
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			ROW_FAIL(i, "got \"%s\", want \"%s\"", err,
			    cases[i].want);
	}
	/* 101 characters; the message quotes the first 40. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_null(tz_load(longname, err, sizeof(err)));
	assert_string_equal(err, "invalid time zone name \"aaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaa...\": longer than 100 characters");
	longname[100] = '\0';
	assert_null(tz_load(longname, err, sizeof(err)));
	assert_string_equal(err, "unknown time zone \"aaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa...\"");
	assert_null(tz_load(NULL, err, sizeof(err)));
	assert_string_equal(err, "invalid time zone name \"\": empty");
	/* Files in the zoneinfo tree that are not zones. */
	z = tz_load("leapseconds", err, sizeof(err));
	if (z != NULL)
		fail_msg("leapseconds loaded");
	if (strstr(err, "not a TZif file") == NULL &&
	    strcmp(err, "unknown time zone \"leapseconds\"") != 0)
		fail_msg("leapseconds: \"%s\"", err);
	z = tz_load("right/UTC", err, sizeof(err));
	if (z != NULL)
		fail_msg("right/UTC loaded");
	if (strstr(err, "leap-second zones") == NULL &&
	    strcmp(err, "unknown time zone \"right/UTC\"") != 0)
		fail_msg("right/UTC: \"%s\"", err);
}

static void
test_utc(void **state)
{
	const struct tz	*u = tz_utc();
	int		 flag;

	(void)state;
	assert_string_equal(tz_name(u), "UTC");
	assert_string_equal(tz_name(NULL), "UTC");
	assert_string_equal(tz_name(zone("Etc/UTC")), "Etc/UTC");
	assert_int_equal(tz_offset(u, 1795528800), 0);
	assert_int_equal(tz_offset(NULL, 1795528800), 0);
	assert_true(tz_local_to_utc(u, 1795528800, &flag) == 1795528800);
	assert_int_equal(flag, TZ_LOCAL_UNIQUE);
	assert_true(tz_local_to_utc(NULL, -1, &flag) == -1);
	assert_int_equal(tz_offset(u, (time_t)INT64_MAX), 0);
	assert_int_equal(tz_offset(u, (time_t)INT64_MIN), 0);
	tz_free(NULL);
}

/* The civil-day maths, against dates date(1) agrees with. */
static void
test_civil(void **state)
{
	static const struct {
		int64_t	 y;
		int	 m, d;
		int64_t	 days;
	} cases[] = {
		{ 1970, 1, 1, 0 },
		{ 1969, 12, 31, -1 },
		{ 2026, 3, 8, 20520 },
		{ 2000, 2, 29, 11016 },
		{ 2100, 3, 1, 47541 },
		{ 1, 1, 1, -719162 },
		{ 9999, 12, 31, 2932896 },
	};
	int64_t	 y;
	size_t	 i;
	int	 m, d;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		if (tz_days_from_civil(cases[i].y, cases[i].m,
		    cases[i].d) != cases[i].days)
			ROW_FAIL(i, "days_from_civil");
		tz_civil_from_days(cases[i].days, &y, &m, &d);
		if (y != cases[i].y || m != cases[i].m || d != cases[i].d)
			ROW_FAIL(i, "civil_from_days: %lld-%d-%d", (long long)y,
			    m, d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_offset_far),
		cmocka_unit_test(test_local_to_utc),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_footer),
		cmocka_unit_test(test_footer_bad),
		cmocka_unit_test(test_tzif_versions),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_load_bad),
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_civil),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
