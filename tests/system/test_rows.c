/* SPDX-License-Identifier: MIT */
/* test_rows.c: bad rows from the booking software, end to end through the binaries. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture/testutil.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture/fixture.h"
#include "fixture/testenv.h"

/* Every treatment is done at T_AT; its 24h reminder is due at T_1D. */
#define T_AT		"2026-11-24T09:00:00-05:00"
#define T_1D		"2026-11-25T14:00:05Z"
#define T_1D_LATER	"2026-11-25T17:00:00Z"

/* Long values: 100 kB names, times, kinds, statuses; 10 kB phones. */
#define BIG		(100 * 1024)
#define BIG_PHONE_LEN	(10 * 1024)

struct env {
	struct testenv	 t;
	bool		 webhook;	/* the webhook provider, not Twilio */
	bool		 loose;		/* the booking software's own schema */
	struct fixture	 gw;
	bool		 gw_running;
};

/* What a row must end as. */
enum want {
	W_SENT,		/* exactly one message; body holds `text` */
	W_FAILED,	/* 24h reminder failed; last_error holds `text` */
	W_CANCELLED,	/* 24h reminder cancelled, with `text` */
	W_PROBLEM	/* no reminders; treatment_problems holds `text` */
};

/* A field replaced by a generated long value. */
enum big {
	B_NONE,
	B_NAME,		/* 100 kB of 'a' */
	B_NAME_EMOJI,	/* 100 kB of U+1F600 */
	B_PHONE_DIGITS,	/* "+1 555 010 01" and 10 kB of digits */
	B_PHONE_SPACES,	/* the phone, then 10 kB of spaces */
	B_EMAIL,	/* 100 kB */
	B_TZ,		/* 100 kB */
	B_AT,		/* 100 kB after a good time */
	B_KIND,		/* 100 kB of "laser" */
	B_STATUS	/* 100 kB of 'x' */
};

#define F_PHONE_INT	0x01	/* phone stored as an INTEGER */
#define F_DELETED	0x02	/* the patient is deleted afterwards */
#define F_NO_PATIENT	0x04	/* the patient never existed */
#define F_OPTED_OUT	0x08	/* sms_opt_in = 0 */

/*
 * One patient with one treatment each; NULL is SQL NULL.  Row i is
 * patient i + 1 and treatment i + 1.  A sent row's `to` is unique.
 */
struct row {
	const char	*name;
	const char	*phone;
	const char	*email;
	const char	*tz;
	const char	*kind;
	const char	*at;
	const char	*status;
	enum big	 big;
	int		 flags;
	enum want	 want;
	const char	*text;
	const char	*to;		/* W_SENT: the E.164 number */
};

#define MN	"microneedling"
#define OK	"completed"
#define EX	"@example.com"

static const struct row rows[] = {
	/* 0: names, sent with the first word rendered cleanly */
	{ "Maria Good", "+1 555 010 0101", "maria" EX, "America/New_York", MN,
	    T_AT, OK, B_NONE, 0, W_SENT, "Hi Maria, it's Test Clinic. After "
	    "your microneedling: wash", "+15550100101" },
	{ "Zo\xc3\xab \xc3\x86r\xc3\xb8sk\xc3\xb8" "bing", "+1 555 010 0102",
	    NULL, NULL, MN, T_AT, "scheduled", B_NONE, 0, W_SENT,
	    "Hi Zo\xc3\xab, it's", "+15550100102" },
	{ "Jos\xc3\xa9-Mar\xc3\xad" "a N\xc3\xba\xc3\xb1" "ez",
	    "+1 555 010 0103", NULL, NULL, MN, T_AT, OK, B_NONE, 0, W_SENT,
	    "Hi Jos\xc3\xa9-Mar\xc3\xad" "a, it's", "+15550100103" },
	{ "Mei\xf0\x9f\x8c\xb8 Example", "+1 555 010 0104", NULL, NULL, MN,
	    T_AT, OK, B_NONE, 0, W_SENT, "Hi Mei\xf0\x9f\x8c\xb8, it's",
	    "+15550100104" },
	{ "D'Arcy \"DJ\" O'Neil", "+1 555 010 0105", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi D'Arcy, it's", "+15550100105" },
	{ "\"Bo\" Quoteson", "+1 555 010 0106", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi \"Bo\", it's", "+15550100106" },
	{ "Kai\nNewline", "+1 555 010 0107", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi Kai, it's", "+15550100107" },
	{ "\r\n  Lina\r\nBcc: other" EX, "+1 555 010 0108", NULL, NULL, MN,
	    T_AT, OK, B_NONE, 0, W_SENT, "Hi Lina, it's", "+15550100108" },
	{ "\aIvo\x7f\x1b Ctrl", "+1 555 010 0109", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi Ivo, it's", "+15550100109" },
	{ "\xe2\x80\xaeOlga Bidi", "+1 555 010 0110", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi Olga, it's", "+15550100110" },
	{ "Pe\xe2\x80\x8bter Zerowidth", "+1 555 010 0111", NULL, NULL, MN,
	    T_AT, OK, B_NONE, 0, W_SENT, "Hi Peter, it's", "+15550100111" },
	/* 11: Latin-1, not UTF-8: the stray byte is dropped */
	{ "Ren\xe9" "e Latin", "+1 555 010 0112", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi Rene, it's", "+15550100112" },
	{ NULL, "+1 555 010 0113", NULL, NULL, MN, T_AT, OK, B_NAME, 0,
	    W_SENT, "Hi aaaaaaaaaaaaaaaa", "+15550100113" },
	{ NULL, "+1 555 010 0114", NULL, NULL, MN, T_AT, OK, B_NAME_EMOJI, 0,
	    W_SENT, "Hi \xf0\x9f\x98\x80\xf0\x9f\x98\x80", "+15550100114" },
	/* 14: no usable name: still sent (the text does not need one) */
	{ "", "+1 555 010 0115", NULL, NULL, MN, T_AT, OK, B_NONE, 0, W_SENT,
	    "it's Test Clinic. After your microneedling:", "+15550100115" },
	{ " \t\n", "+1 555 010 0116", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_SENT, "it's Test Clinic. After your microneedling:",
	    "+15550100116" },

	/* 16: numbers that normalise */
	{ "Nora Dots", "+1.555.010.0117", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_SENT, "Hi Nora, it's", "+15550100117" },
	{ "Omar Zeros", "0015550100118", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_SENT, "Hi Omar, it's", "+15550100118" },
	{ "Pia Parens", "+1 (555) 010-0119", NULL, NULL, MN, T_AT, OK, B_NONE,
	    0, W_SENT, "Hi Pia, it's", "+15550100119" },
	{ "Quin Spaces", "   +1 555 010 0120   ", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi Quin, it's", "+15550100120" },
	{ "Rosa Padded", "+1 555 010 0121", NULL, NULL, MN, T_AT, OK,
	    B_PHONE_SPACES, 0, W_SENT, "Hi Rosa, it's", "+15550100121" },

	/* 21: emails and time zones do not matter to SMS */
	{ "Sven Noemail", "+1 555 010 0122", "", "", MN, T_AT, OK, B_NONE, 0,
	    W_SENT, "Hi Sven, it's", "+15550100122" },
	{ "Tara Bademail", "+1 555 010 0123", "tara@@example..com@", "Mars/"
	    "Olympus", MN, T_AT, OK, B_NONE, 0, W_SENT, "Hi Tara, it's",
	    "+15550100123" },
	{ "Uma Longemail", "+1 555 010 0124", NULL, NULL, MN, T_AT, OK,
	    B_EMAIL, 0, W_SENT, "Hi Uma, it's", "+15550100124" },
	{ "Vik Longzone", "+1 555 010 0125", NULL, NULL, MN, T_AT, OK, B_TZ,
	    0, W_SENT, "Hi Vik, it's", "+15550100125" },

	/* 25: treatment kinds we have no text for: named as written */
	{ "Wen Laser", "+1 555 010 0126", NULL, NULL, "laser_resurfacing",
	    T_AT, OK, B_NONE, 0, W_SENT, "After your laser resurfacing: wash",
	    "+15550100126" },
	{ "Xia Emptykind", "+1 555 010 0127", NULL, NULL, "", T_AT, OK,
	    B_NONE, 0, W_SENT, "Hi Xia, it's", "+15550100127" },
	{ "Yan Longkind", "+1 555 010 0128", NULL, NULL, NULL, T_AT, OK,
	    B_KIND, 0, W_SENT, "After your laserlaser", "+15550100128" },
	{ "Zak Newlinekind", "+1 555 010 0129", NULL, NULL, "peel\nnow", T_AT,
	    OK, B_NONE, 0, W_SENT, "After your peel now:", "+15550100129" },
	{ "Ada Latinkind", "+1 555 010 0130", NULL, NULL, "cr\xe8me_peel",
	    T_AT, OK, B_NONE, 0, W_SENT, "After your crme peel:",
	    "+15550100130" },
	/* 30: an emoji joined by ZWJ: kept whole */
	{ "Bob\xf0\x9f\x91\xa9\xe2\x80\x8d\xe2\x9a\x95\xef\xb8\x8f Zwj",
	    "+1 555 010 0131", NULL, NULL, MN, T_AT, OK, B_NONE, 0, W_SENT,
	    "Hi Bob\xf0\x9f\x91\xa9\xe2\x80\x8d\xe2\x9a\x95\xef\xb8\x8f,",
	    "+15550100131" },

	/* 31: phone numbers that cannot be used: failed, with the reason */
	{ "Abe Nullphone", NULL, NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_FAILED, "has no phone number", NULL },
	{ "Bea Emptyphone", "", NULL, NULL, MN, T_AT, OK, B_NONE, 0, W_FAILED,
	    "has no phone number", NULL },
	{ "Cy Blankphone", "   ", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_FAILED, "has no phone number", NULL },
	{ "Di Local", "555 0130", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_FAILED, "no country code", NULL },
	{ "Ed National", "(555) 010-0131", NULL, NULL, MN, T_AT, OK, B_NONE,
	    0, W_FAILED, "no country code", NULL },
	{ "Fay Trunk", "1-555-010-0132", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_FAILED, "no country code", NULL },
	{ "Gus Integer", "15550100133", NULL, NULL, MN, T_AT, OK, B_NONE,
	    F_PHONE_INT, W_FAILED, "no country code", NULL },
	{ "Hal Letters", "+1 555 CALL HAL", NULL, NULL, MN, T_AT, OK, B_NONE,
	    0, W_FAILED, "has letters", NULL },
	{ "Ida Extension", "+1 555 010 0135 ext. 2", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_FAILED, "extension", NULL },
	{ "Jo Twonumbers", "+1 555 010 0136; +1 555 010 0137", NULL, NULL, MN,
	    T_AT, OK, B_NONE, 0, W_FAILED, "extension or dial pause", NULL },
	{ "Kit Slash", "+1 555 010 0138 / +1 555 010 0139", NULL, NULL, MN,
	    T_AT, OK, B_NONE, 0, W_FAILED, "has '/'", NULL },
	{ "Lou Newline", "+1 555 010 0140\n", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_FAILED, "character other than digits", NULL },
	{ "Max Short", "+1 555 0", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_FAILED, "E.164 needs at least 8", NULL },
	{ "Ned Long", "+1 555 010 0142 0000 0000", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_FAILED, "E.164 allows at most 15", NULL },
	{ "Oz Zerocc", "+0 555 010 0143", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
	    W_FAILED, "country code starts with 0", NULL },
	{ "Pat Fullwidth", "+\xef\xbc\x91\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95"
	    "0100144", NULL, NULL, MN, T_AT, OK, B_NONE, 0, W_FAILED,
	    "character other than digits", NULL },
	{ "Quy Paren", "+1 (555 010 0145", NULL, NULL, MN, T_AT, OK, B_NONE,
	    0, W_FAILED, "parentheses", NULL },
	{ "Ray Plusplus", "++1 555 010 0146", NULL, NULL, MN, T_AT, OK,
	    B_NONE, 0, W_FAILED, "'+' that is not at the start", NULL },
	{ "Sal Hugephone", NULL, NULL, NULL, MN, T_AT, OK, B_PHONE_DIGITS, 0,
	    W_FAILED, "E.164 allows at most 15", NULL },

	/* 50: patients that are not there */
	{ "Tom Deleted", "+1 555 010 0148", NULL, NULL, MN, T_AT, OK, B_NONE,
	    F_DELETED, W_FAILED, "does not exist", NULL },
	{ NULL, NULL, NULL, NULL, MN, T_AT, OK, B_NONE, F_NO_PATIENT,
	    W_FAILED, "does not exist", NULL },
	{ "Ulf Optout", "+1 555 010 0150", NULL, NULL, MN, T_AT, OK, B_NONE,
	    F_OPTED_OUT, W_CANCELLED, "opted out of SMS", NULL },

	/* 53: treatments whose time cannot be read: no reminders */
	{ "Val Emptyat", "+1 555 010 0151", NULL, NULL, MN, "", OK, B_NONE, 0,
	    W_PROBLEM, "performed_at is not an RFC 3339 time", NULL },
	{ "Wes Yesterday", "+1 555 010 0152", NULL, NULL, MN, "yesterday", OK,
	    B_NONE, 0, W_PROBLEM, "performed_at is not an RFC 3339 time",
	    NULL },
	{ "Xena Nooffset", "+1 555 010 0153", NULL, NULL, MN,
	    "2026-11-24T09:00:00", OK, B_NONE, 0, W_PROBLEM,
	    "performed_at is not an RFC 3339 time", NULL },
	{ "Yul Minutes", "+1 555 010 0154", NULL, NULL, MN, "2026-11-24 09:00",
	    OK, B_NONE, 0, W_PROBLEM, "performed_at is not an RFC 3339 time",
	    NULL },
	{ "Zed Feb30", "+1 555 010 0155", NULL, NULL, MN,
	    "2026-02-30T09:00:00Z", OK, B_NONE, 0, W_PROBLEM,
	    "performed_at is not an RFC 3339 time", NULL },
	{ "Amy European", "+1 555 010 0156", NULL, NULL, MN,
	    "24/11/2026 09:00", OK, B_NONE, 0, W_PROBLEM,
	    "performed_at is not an RFC 3339 time", NULL },
	{ "Ben Longat", "+1 555 010 0157", NULL, NULL, MN, NULL, OK, B_AT, 0,
	    W_PROBLEM, "performed_at is not an RFC 3339 time", NULL },

	/* 60: statuses we do not know: no reminders */
	{ "Cal Emptystatus", "+1 555 010 0158", NULL, NULL, MN, T_AT, "",
	    B_NONE, 0, W_PROBLEM, "unknown status \"\"", NULL },
	{ "Dee Done", "+1 555 010 0159", NULL, NULL, MN, T_AT, "done", B_NONE,
	    0, W_PROBLEM, "unknown status \"done\"", NULL },
	{ "Eli Capital", "+1 555 010 0160", NULL, NULL, MN, T_AT, "Completed",
	    B_NONE, 0, W_PROBLEM, "unknown status \"Completed\"", NULL },
	{ "Flo Longstatus", "+1 555 010 0161", NULL, NULL, MN, T_AT, NULL,
	    B_STATUS, 0, W_PROBLEM, "unknown status \"xxxxxxxx", NULL },
};

/* Names, numbers and addresses that must never reach a log line. */
static const char *const secrets[] = {
	"5550100", "555 010", "555-010", "555.010", "(555)", "555 0130",
	"555 CALL", "example", "Mars/", "Maria", "Zo\xc3\xab", "Jos\xc3\xa9",
	"Mei\xf0", "D'Arcy", "Quoteson", "Kai\n", "Lina", "Olga", "Peter",
	"Rene", "Nora", "Omar", "Quin", "Rosa", "Sven", "Tara", "Longemail",
	"Longzone", "Nullphone", "Letters", "Tom Deleted", "Optout", "Gil ",
	"Nullat", "Nulls", "Xena", "yesterday", "Longstatus", "aaaaaaaaaa",
	"\xf0\x9f\x98\x80", "xxxxxxxxxx", "laserlaser", "cleanser",
	"test-token",
};

#define DELIVERY							\
	"delivery = { concurrency = 2; timeout = %d; max_attempts = 3; "\
	"backoff = \"1m\"; backoff_max = \"1h\"; };\n"

static void
write_config(struct env *e, int timeout)
{
	char	text[2048], sms[512], delivery[256];

	testenv_token(&e->t, "test-token");
	if (e->webhook)
		snprintf(sms, sizeof(sms), TESTENV_SMS_WEBHOOK, e->gw.url);
	else
		snprintf(sms, sizeof(sms), TESTENV_SMS_TWILIO, e->gw.url);
	snprintf(delivery, sizeof(delivery), DELIVERY, timeout);
	snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "quiet_hours = { start = \"00:00\"; end = \"00:00\"; };\n"
	    "%s%s", sms, delivery);
	testenv_write_file(e->t.conf, text);
}

/* Runs aftercarectl COMMAND, which must succeed; returns its stdout. */
static char *
ctl(struct env *e, const char *cmd)
{
	const char *argv[] = { AFTERCARECTL, "-c", e->t.conf, cmd, NULL };

	if (testenv_run_in(&e->t, argv) != 0) {
		char *msg = testenv_read_file(e->t.err);

		fail_msg("aftercarectl %s failed: %s", cmd, msg);
	}
	return testenv_read_file(e->t.out);
}

/* The integer the query printf(fmt, ...) returns. */
static int64_t
db_int(struct env *e, const char *fmt, ...)
{
	char	q[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	return testenv_db_int(e->t.db, q);
}

/* A text column of the first row of q; caller frees; NULL if none. */
static char *
db_text(struct env *e, const char *q, int64_t id)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*v = NULL;

	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_bind_int64(s, 1, id), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_text(s, 0) != NULL)
		v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The booking software's connection: no foreign keys, a busy timeout. */
static sqlite3 *
booking_open(struct env *e)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(e->t.db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static void
booking_exec(sqlite3 *db, const char *q)
{
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
}

static int
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* A string of n bytes made by repeating unit; caller frees. */
static char *
repeat(const char *prefix, const char *unit, size_t n)
{
	size_t	 plen = strlen(prefix), ulen = strlen(unit), len = plen;
	char	*s = malloc(n + 1);

	assert_non_null(s);
	memcpy(s, prefix, plen);
	while (len + ulen <= n) {
		memcpy(s + len, unit, ulen);
		len += ulen;
	}
	s[len] = '\0';
	return s;
}

/* Writes row r as patient id / treatment id, as the booking software. */
static void
booking_insert(sqlite3 *db, const struct row *r, int64_t id)
{
	sqlite3_stmt	*p, *t;
	const char	*name = r->name, *phone = r->phone, *email = r->email;
	const char	*tz = r->tz, *kind = r->kind, *at = r->at;
	const char	*status = r->status;
	char		*big = NULL;

	switch (r->big) {
	case B_NONE:
		break;
	case B_NAME:
		name = big = repeat("", "a", BIG);
		break;
	case B_NAME_EMOJI:
		name = big = repeat("", "\xf0\x9f\x98\x80", BIG);
		break;
	case B_PHONE_DIGITS:
		phone = big = repeat("+1 555 010 01", "4", BIG_PHONE_LEN);
		break;
	case B_PHONE_SPACES:
		big = repeat(r->phone, " ", BIG_PHONE_LEN);
		phone = big;
		break;
	case B_EMAIL:
		email = big = repeat("uma", "a", BIG);
		memcpy(big + strlen(big) - strlen(EX), EX, strlen(EX));
		break;
	case B_TZ:
		tz = big = repeat("America/", "X", BIG);
		break;
	case B_AT:
		at = big = repeat(T_AT, "0", BIG);
		break;
	case B_KIND:
		kind = big = repeat("", "laser", BIG);
		break;
	case B_STATUS:
		status = big = repeat("", "x", BIG);
		break;
	}

	if (!(r->flags & F_NO_PATIENT)) {
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO patients "
		    "(id, full_name, phone, email, timezone, sms_opt_in) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &p, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_bind_int64(p, 1, id), SQLITE_OK);
		assert_int_equal(bind_opt(p, 2, name), SQLITE_OK);
		if (r->flags & F_PHONE_INT)
			assert_int_equal(sqlite3_bind_int64(p, 3,
			    strtoll(phone, NULL, 10)), SQLITE_OK);
		else
			assert_int_equal(bind_opt(p, 3, phone), SQLITE_OK);
		assert_int_equal(bind_opt(p, 4, email), SQLITE_OK);
		assert_int_equal(bind_opt(p, 5, tz), SQLITE_OK);
		assert_int_equal(sqlite3_bind_int(p, 6,
		    (r->flags & F_OPTED_OUT) ? 0 : 1), SQLITE_OK);
		if (sqlite3_step(p) != SQLITE_DONE)
			fail_msg("patient %lld: %s", (long long)id,
			    sqlite3_errmsg(db));
		sqlite3_finalize(p);
	}
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO treatments "
	    "(id, patient_id, kind, performed_at, status) "
	    "VALUES (?1, ?1, ?2, ?3, ?4)", -1, &t, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_bind_int64(t, 1, id), SQLITE_OK);
	assert_int_equal(bind_opt(t, 2, kind), SQLITE_OK);
	assert_int_equal(bind_opt(t, 3, at), SQLITE_OK);
	assert_int_equal(bind_opt(t, 4, status), SQLITE_OK);
	if (sqlite3_step(t) != SQLITE_DONE)
		fail_msg("treatment %lld: %s", (long long)id,
		    sqlite3_errmsg(db));
	sqlite3_finalize(t);
	if (r->flags & F_DELETED) {
		char	q[64];

		snprintf(q, sizeof(q), "DELETE FROM patients WHERE id = %lld",
		    (long long)id);
		booking_exec(db, q);
	}
	free(big);
}

/*
 * Neither a patient's number, name, address nor message may appear in
 * anything any program wrote on stderr during the test.
 */
static void
assert_log_clean(struct env *e)
{
	testenv_assert_clean(e->t.all, secrets, NELEM(secrets));
}

/* What `patient list` must say of a patient's SMS. */
enum reach { R_SMS, R_NONE, R_ABSENT };

/*
 * aftercarectl patient list --json agrees with what aftercared did:
 * patient id is reached by SMS (R_SMS) if it sent them one, or would
 * have but for their treatment, and not (R_NONE) if their reminder
 * failed or was cancelled for their number or consent; a patient who is
 * not there is not listed (R_ABSENT).  Nothing of theirs is printed.
 */
static void
check_reach(struct env *e, int64_t id, enum reach want)
{
	const char *argv[] = { AFTERCARECTL, "-c", e->t.conf, "patient", "list",
	    "--json", NULL };
	char		 start[64], *out, *line;
	const char	*got;
	size_t		 i;

	if (testenv_run_in(&e->t, argv) != 0)
		fail_msg("patient list failed");
	out = testenv_read_file(e->t.out);
	for (i = 0; i < NELEM(secrets); i++)
		if (strstr(out, secrets[i]) != NULL)
			fail_msg("patient list prints \"%s\"", secrets[i]);
	snprintf(start, sizeof(start), "\n  {\"id\": %lld, ", (long long)id);
	line = strstr(out, start);
	if (want == R_ABSENT) {
		if (line != NULL)
			fail_msg("patient %lld is listed", (long long)id);
		free(out);
		return;
	}
	if (line == NULL)
		fail_msg("patient %lld is not listed:\n%.2000s", (long long)id,
		    out);
	line += strlen(start);
	got = strncmp(line, "\"reach\": [\"sms\"], ", 17) == 0 ? "sms" :
	    strncmp(line, "\"reach\": [], ", 13) == 0 ? "none" : "?";
	if (strcmp(got, want == R_SMS ? "sms" : "none") != 0)
		fail_msg("patient %lld: reach %s, want %s: %.300s",
		    (long long)id, got, want == R_SMS ? "sms" : "none", line);
	free(out);
}

static int
setup_env(void **state, bool webhook, bool loose)
{
	struct env	*e = calloc(1, sizeof(*e));
	const char *argv[] = { AFTERCARECTL, "-c", NULL, "init", NULL };

	assert_non_null(e);
	e->webhook = webhook;
	e->loose = loose;
	testenv_init(&e->t, "rows");
	assert_int_equal(fixture_start(&e->gw, "201"), 0);
	e->gw_running = true;
	write_config(e, 5);
	if (loose) {
		/*
		 * The booking software made its tables first, without the
		 * contract's NOT NULLs; init keeps them as they are.
		 */
		sqlite3 *db = booking_open(e);

		booking_exec(db, "CREATE TABLE patients (id INTEGER PRIMARY "
		    "KEY, full_name TEXT, phone TEXT, email TEXT, timezone "
		    "TEXT, sms_opt_in INTEGER, email_opt_in INTEGER);"
		    "CREATE TABLE treatments (id INTEGER PRIMARY KEY, "
		    "patient_id INTEGER, kind TEXT, performed_at TEXT, "
		    "status TEXT);");
		sqlite3_close(db);
	}
	argv[2] = e->t.conf;
	assert_int_equal(testenv_run_in(&e->t, argv), 0);
	*state = e;
	return 0;
}

static int
setup(void **state)
{
	return setup_env(state, false, false);
}

static int
setup_webhook(void **state)
{
	return setup_env(state, true, false);
}

static int
setup_loose(void **state)
{
	return setup_env(state, false, true);
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	if (e->gw_running)
		fixture_stop(&e->gw);
	testenv_clear(&e->t);
	free(e);
	return 0;
}

/* The text the gateway got as the message body; caller frees. */
static char *
req_body(const struct env *e, const struct fixture_req *r)
{
	const char	*p, *q;
	char		*v;
	size_t		 n;

	if (!e->webhook)
		return fixture_form_get(r->body, "Body");
	/* {"to":"...","body":"...","reminder_id":...}: unescape the body */
	p = strstr(r->body, "\"body\":\"");
	assert_non_null(p);
	p += 8;
	v = calloc(1, strlen(p) + 1);
	assert_non_null(v);
	for (n = 0, q = p; *q != '"'; q++) {
		if (*q == '\\') {
			q++;
			switch (*q) {
			case 'n': v[n++] = '\n'; break;
			case 'r': v[n++] = '\r'; break;
			case 't': v[n++] = '\t'; break;
			case 'u': v[n++] = '?'; q += 4; break;
			default: v[n++] = *q; break;
			}
		} else
			v[n++] = *q;
	}
	return v;
}

static char *
req_to(const struct env *e, const struct fixture_req *r)
{
	const char	*p;
	char		*v;

	if (!e->webhook)
		return fixture_form_get(r->body, "To");
	p = strstr(r->body, "\"to\":\"");
	assert_non_null(p);
	v = strndup(p + 6, strcspn(p + 6, "\""));
	assert_non_null(v);
	return v;
}

/*
 * Every row of the table in one database: one pass at T_1D, then another
 * later that day.  The daemon survives, each good row gets exactly one
 * message, rendered cleanly, and each bad row ends as the table says.
 */
static void
check_rows(struct env *e)
{
	struct fixture_req	*r;
	sqlite3			*db;
	char			*body, *to, *text, *out;
	size_t			 i, j, n, nsent = 0, nproblems = 0, hits;
	const char		*tbl;

	db = booking_open(e);
	booking_exec(db, "BEGIN");
	for (i = 0; i < NELEM(rows); i++)
		booking_insert(db, &rows[i], (int64_t)i + 1);
	booking_exec(db, "COMMIT");
	sqlite3_close(db);

	/* a dry run first: reads every bad row, changes nothing */
	{
		const char *argv[] = { AFTERCARED, "-c", e->t.conf, "--dry-run",
		    "--now", T_1D, NULL };

		assert_int_equal(testenv_run_in(&e->t, argv), 0);
	}
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);
	assert_int_equal(fixture_requests(&e->gw, &r, &n), 0);

	for (i = 0; i < NELEM(rows); i++) {
		const struct row *w = &rows[i];
		int64_t id = (int64_t)i + 1;

		switch (w->want) {
		case W_SENT:
			nsent++;
			hits = 0;
			for (j = 0; j < n; j++) {
				to = req_to(e, &r[j]);
				if (strcmp(to, w->to) == 0) {
					hits++;
					body = req_body(e, &r[j]);
					if (getenv("TEST_DEBUG") != NULL)
						print_message("row %zu: "
						    "%.200s\n", i, body);
					if (strstr(body, w->text) == NULL)
						fail_msg("row %zu: body lacks "
						    "\"%s\": %s", i, w->text,
						    body);
					if (!testutil_clean_utf8(body))
						fail_msg("row %zu: body has a "
						    "control character or bad "
						    "UTF-8: %s", i, body);
					if (strlen(body) > 1000)
						fail_msg("row %zu: body of %zu "
						    "bytes", i, strlen(body));
					free(body);
				}
				free(to);
			}
			if (hits != 1)
				fail_msg("row %zu: %zu messages to %s", i, hits,
				    w->to);
			if (db_int(e, "SELECT count(*) FROM reminders WHERE "
			    "treatment_id = %lld AND milestone = '24h' AND "
			    "state = 'sent'", (long long)id) != 1)
				fail_msg("row %zu: 24h reminder not sent", i);
			break;
		case W_FAILED:
		case W_CANCELLED:
			tbl = w->want == W_FAILED ? "failed" : "cancelled";
			text = db_text(e, "SELECT last_error FROM reminders "
			    "WHERE treatment_id = ?1 AND milestone = '24h'",
			    id);
			if (db_int(e, "SELECT count(*) FROM reminders WHERE "
			    "treatment_id = %lld AND milestone = '24h' AND "
			    "state = '%s'", (long long)id, tbl) != 1 ||
			    text == NULL || strstr(text, w->text) == NULL)
				fail_msg("row %zu: want %s with \"%s\", got "
				    "\"%s\"", i, tbl, w->text,
				    text ? text : "(none)");
			free(text);
			break;
		case W_PROBLEM:
			nproblems++;
			text = db_text(e, "SELECT problem FROM "
			    "treatment_problems WHERE treatment_id = ?1", id);
			if (text == NULL || strstr(text, w->text) == NULL)
				fail_msg("row %zu: want problem \"%s\", got "
				    "\"%s\"", i, w->text,
				    text ? text : "(none)");
			if (strlen(text) > 300)
				fail_msg("row %zu: problem of %zu bytes", i,
				    strlen(text));
			free(text);
			if (db_int(e, "SELECT count(*) FROM reminders WHERE "
			    "treatment_id = %lld", (long long)id) != 0)
				fail_msg("row %zu: has reminders", i);
			break;
		}
	}
	/* nothing else was sent, and nothing twice */
	if (n != nsent)
		fail_msg("%zu messages for %zu good rows", n, nsent);
	fixture_requests_free(r, n);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sending'"), 0);

	/* aftercarectl patient list says what aftercared did */
	for (i = 0; i < NELEM(rows); i++)
		check_reach(e, (int64_t)i + 1, rows[i].flags & (F_DELETED |
		    F_NO_PATIENT) ? R_ABSENT : rows[i].want == W_SENT ||
		    rows[i].want == W_PROBLEM ? R_SMS : R_NONE);

	/* the staff see every problem, and the tools cope with the rows */
	out = ctl(e, "status");
	{
		char	want[80];

		snprintf(want, sizeof(want), "problems:       %zu treatments get "
		    "no reminders", nproblems);
		if (strstr(out, want) == NULL)
			fail_msg("status lacks \"%s\":\n%s", want, out);
	}
	/* it lists the first ten */
	for (i = 0, j = 0; i < NELEM(rows) && j < 10; i++) {
		char	want[64];

		if (rows[i].want != W_PROBLEM)
			continue;
		j++;
		snprintf(want, sizeof(want), "treatment %zu: ", i + 1);
		if (strstr(out, want) == NULL)
			fail_msg("status lacks \"%s\":\n%s", want, out);
	}
	free(out);
	out = ctl(e, "reminders");
	assert_non_null(strstr(out, "has no phone number"));
	free(out);
	/* each bad treatment was logged once, by id */
	out = testenv_read_file(e->t.all);
	assert_non_null(strstr(out, "event=failed reminder="));
	for (i = 0; i < NELEM(rows); i++) {
		char		 want[64];
		const char	*p;

		if (rows[i].want != W_PROBLEM)
			continue;
		snprintf(want, sizeof(want), "event=bad_treatment "
		    "treatment=%zu:", i + 1);
		p = strstr(out, want);
		if (p == NULL || strstr(p + 1, want) != NULL)
			fail_msg("row %zu: want \"%s\" logged once", i, want);
	}
	free(out);
	assert_log_clean(e);
}

static void
test_bad_rows(void **state)
{
	check_rows(*state);
}

static void
test_bad_rows_webhook(void **state)
{
	check_rows(*state);
}

/*
 * The contract's NOT NULL columns: the booking software cannot write a
 * NULL name, time, kind, status or patient, so the daemon never sees one.
 */
static void
test_null_refused_by_schema(void **state)
{
	static const char *const q[] = {
		"INSERT INTO patients (full_name, phone) VALUES "
		    "(NULL, '+15550100180')",
		"INSERT INTO treatments (patient_id, performed_at) VALUES "
		    "(1, NULL)",
		"INSERT INTO treatments (patient_id, performed_at, kind) "
		    "VALUES (1, '" T_AT "', NULL)",
		"INSERT INTO treatments (patient_id, performed_at, status) "
		    "VALUES (1, '" T_AT "', NULL)",
		"INSERT INTO treatments (patient_id, performed_at) VALUES "
		    "(NULL, '" T_AT "')",
	};
	struct env	*e = *state;
	sqlite3		*db;
	size_t		 i;

	db = booking_open(e);
	booking_exec(db, "INSERT INTO patients (id, full_name, phone) VALUES "
	    "(1, 'Maria Good', '+15550100181')");
	for (i = 0; i < NELEM(q); i++)
		if (sqlite3_exec(db, q[i], NULL, NULL, NULL) !=
		    SQLITE_CONSTRAINT || sqlite3_extended_errcode(db) !=
		    SQLITE_CONSTRAINT_NOTNULL)
			fail_msg("%zu: %s: not refused (%s)", i, q[i],
			    sqlite3_errmsg(db));
	booking_exec(db, "INSERT INTO treatments (patient_id, performed_at) "
	    "VALUES (1, '" T_AT "')");
	sqlite3_close(db);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(fixture_wait_requests(&e->gw, 1, 1000), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'"), 1);
	assert_log_clean(e);
}

/*
 * A booking schema without the NOT NULLs (made before `aftercarectl
 * init`): NULL in every column the daemon reads.
 */
static void
test_nulls_in_loose_schema(void **state)
{
	static const struct row nulls[] = {
		/* 0 */
		{ NULL, "+1 555 010 0190", NULL, NULL, MN, T_AT, OK, B_NONE, 0,
		    W_SENT, "it's Test Clinic. After your microneedling:",
		    "+15550100190" },
		{ "Gil Nullkind", "+1 555 010 0191", NULL, NULL, NULL, T_AT, OK,
		    B_NONE, 0, W_SENT, "Hi Gil, it's", "+15550100191" },
		{ "Hana Nullat", "+1 555 010 0192", NULL, NULL, MN, NULL, OK,
		    B_NONE, 0, W_PROBLEM, "performed_at is not an RFC 3339 "
		    "time", NULL },
		{ "Ines Nullstatus", "+1 555 010 0193", NULL, NULL, MN, T_AT,
		    NULL, B_NONE, 0, W_PROBLEM, "unknown status \"\"", NULL },
		{ "Jon Nulls", NULL, NULL, NULL, NULL, T_AT, OK, B_NONE, 0,
		    W_FAILED, "has no phone number", NULL },
	};
	struct env		*e = *state;
	struct fixture_req	*r;
	sqlite3			*db;
	char			*text, *body;
	size_t			 i, n;

	db = booking_open(e);
	for (i = 0; i < NELEM(nulls); i++)
		booking_insert(db, &nulls[i], (int64_t)i + 1);
	/* a treatment with no patient at all, a patient with NULL opt-in */
	booking_exec(db, "INSERT INTO treatments (id, patient_id, kind, "
	    "performed_at, status) VALUES (6, NULL, 'microneedling', '" T_AT
	    "', 'completed');"
	    "INSERT INTO patients (id, full_name, phone, sms_opt_in) VALUES "
	    "(7, 'Kim Nullopt', '+15550100194', NULL);"
	    "INSERT INTO treatments (id, patient_id, kind, performed_at, "
	    "status) VALUES (7, 7, 'microneedling', '" T_AT "', "
	    "'completed');");
	sqlite3_close(db);
	assert_int_equal(testenv_once(&e->t, T_1D), 0);
	assert_int_equal(testenv_once(&e->t, T_1D_LATER), 0);

	assert_int_equal(fixture_requests(&e->gw, &r, &n), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		body = req_body(e, &r[i]);
		assert_true(testutil_clean_utf8(body));
		free(body);
	}
	fixture_requests_free(r, n);
	for (i = 0; i < NELEM(nulls); i++) {
		if (nulls[i].want == W_SENT)
			assert_int_equal(db_int(e, "SELECT count(*) FROM "
			    "reminders WHERE treatment_id = %zu AND milestone "
			    "= '24h' AND state = 'sent'", i + 1), 1);
		else if (nulls[i].want == W_PROBLEM) {
			text = db_text(e, "SELECT problem FROM "
			    "treatment_problems WHERE treatment_id = ?1",
			    (int64_t)i + 1);
			if (text == NULL || strstr(text, nulls[i].text) == NULL)
				fail_msg("row %zu: problem \"%s\"", i,
				    text ? text : "(none)");
			free(text);
		} else {
			text = db_text(e, "SELECT last_error FROM reminders "
			    "WHERE treatment_id = ?1 AND milestone = '24h' AND "
			    "state = 'failed'", (int64_t)i + 1);
			if (text == NULL || strstr(text, nulls[i].text) == NULL)
				fail_msg("row %zu: last_error \"%s\"", i,
				    text ? text : "(none)");
			free(text);
		}
	}
	/* NULL patient_id: no such patient; NULL opt-in: treated as out */
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 6 AND milestone = '24h' AND state = 'failed' AND "
	    "last_error LIKE '%%does not exist%%'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = 7 AND milestone = '24h' AND state = 'cancelled' "
	    "AND last_error LIKE '%%opted out%%'"), 1);
	text = ctl(e, "status");
	assert_non_null(strstr(text, "problems:       2 treatments"));
	free(text);
	/* NULL consent is none, as aftercared took it */
	for (i = 0; i < NELEM(nulls); i++)
		check_reach(e, (int64_t)i + 1, nulls[i].want == W_FAILED ?
		    R_NONE : R_SMS);
	check_reach(e, 6, R_ABSENT);
	check_reach(e, 7, R_NONE);
	assert_log_clean(e);
}

/*
 * Gateway answers, end to end: a body that never ends is timed out and
 * retried (an attempt); a huge one is read as sent; a redirect fails the
 * reminder with the reason.  The other patients' messages still go.
 */
static void
test_gateway_answers(void **state)
{
	static const struct {
		const char	*script;
		const char	*state;
		int		 attempts;
		const char	*error;
	} cases[] = {
		{ "201stall", "pending", 1, "did not answer in time" },
		{ "202trickle", "pending", 1, "did not answer in time" },
		{ "201big", "sent", 1, NULL },
		{ "201empty", "sent", 1, NULL },
		{ "201text", "sent", 1, NULL },
		{ "302", "failed", 1, "redirect not followed" },
		{ "308empty", "failed", 1, "redirect not followed" },
	};
	struct env		*e = *state;
	struct fixture_req	*r;
	sqlite3			*db;
	char			 script[64], q[512];
	size_t			 i, n;

	for (i = 0; i < NELEM(cases); i++) {
		fixture_stop(&e->gw);
		e->gw_running = false;
		/* the first request gets the bad answer, the second 201 */
		snprintf(script, sizeof(script), "%s,201", cases[i].script);
		assert_int_equal(fixture_start(&e->gw, script), 0);
		e->gw_running = true;
		write_config(e, 1);
		/* two new patients and treatments, 2i+1 and 2i+2 */
		snprintf(q, sizeof(q), "INSERT INTO patients (id, full_name, "
		    "phone) VALUES (%zu, 'Maria Good', '+15550100101'), "
		    "(%zu, 'Zo\xc3\xab Other', '+15550100102');"
		    "INSERT INTO treatments (id, patient_id, performed_at) "
		    "VALUES (%zu, %zu, '" T_AT "'), (%zu, %zu, '" T_AT "');",
		    2 * i + 1, 2 * i + 2, 2 * i + 1, 2 * i + 1, 2 * i + 2,
		    2 * i + 2);
		db = booking_open(e);
		booking_exec(db, q);
		sqlite3_close(db);
		assert_int_equal(testenv_once(&e->t, T_1D), 0);
		assert_int_equal(fixture_requests(&e->gw, &r, &n), 0);
		if (n != 2)
			fail_msg("case %zu (%s): %zu requests", i,
			    cases[i].script, n);
		fixture_requests_free(r, n);
		/* one reminder got the bad answer, the other was sent */
		if (db_int(e, "SELECT count(*) FROM reminders WHERE "
		    "treatment_id IN (%zu, %zu) AND milestone = '24h' AND "
		    "state = '%s' AND attempts = %d AND (%d OR last_error LIKE "
		    "'%%%s%%')", 2 * i + 1, 2 * i + 2, cases[i].state,
		    cases[i].attempts, cases[i].error == NULL,
		    cases[i].error ? cases[i].error : "") < 1)
			fail_msg("case %zu (%s): no reminder %s", i,
			    cases[i].script, cases[i].state);
		if (db_int(e, "SELECT count(*) FROM reminders WHERE "
		    "treatment_id IN (%zu, %zu) AND milestone = '24h' AND "
		    "state = 'sent'", 2 * i + 1, 2 * i + 2) < 1)
			fail_msg("case %zu (%s): the other was not sent", i,
			    cases[i].script);
		assert_int_equal(db_int(e, "SELECT count(*) FROM reminders "
		    "WHERE state = 'sending'"), 0);
	}
	assert_log_clean(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_rows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows_webhook,
		    setup_webhook, teardown),
		cmocka_unit_test_setup_teardown(test_null_refused_by_schema,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nulls_in_loose_schema,
		    setup_loose, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_answers, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("rows", tests, NULL, NULL);
}
