/* SPDX-License-Identifier: MIT */
/* gen.c: fills a bench database with fictional patients and treatments. */

/*
 * usage: gen [-n COUNT] [-a TIME] [-s SECONDS] [-w REMINDERS [-t SECONDS]]
 *            DATABASE
 *        gen -q SQL DATABASE
 *        gen -V
 *
 * Adds COUNT patients and one treatment each to a database made by
 * `aftercarectl init` (whose triggers queue every treatment for the
 * daemon), in one transaction with prepared statements, as the booking
 * software would.  Patients are fictional: "Patient 000123", phone
 * +1 555 010 XXXX (the 555-01xx range reserved for fiction), email
 * userN@example.com, zone America/New_York.  Ids follow the largest ones
 * already there.  The treatments are performed at TIME (Unix seconds,
 * default now), or spread evenly over [TIME, TIME + SECONDS); those in
 * the past are "completed", the others "scheduled".
 *
 * Prints how long the insert took: "insert=0.912345".  With -w, after the
 * commit, counts the reminders every 50 ms until there are at least
 * REMINDERS (another process, aftercared, makes them), then prints how
 * long that took after the commit, "wait=4.567890"; after -t SECONDS
 * (default 600) it gives up and prints "wait=timeout have=N" (exit 3).
 *
 * -q runs one SQL statement and prints each row, columns joined by '|'.
 * -V prints the SQLite library's version.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static void	usage(void) __attribute__((noreturn));
static void	fail(sqlite3 *, const char *) __attribute__((noreturn));
static long long number(const char *, long long, long long);
static double	now_seconds(void);
static long long max_id(sqlite3 *, const char *);
static void	exec(sqlite3 *, const char *);
static void	fill(sqlite3 *, long long, long long, long long);
static void	query(sqlite3 *, const char *);
static int	wait_reminders(sqlite3 *, long long, double, long long);

static void
usage(void)
{
	(void)fprintf(stderr, "usage: gen [-n COUNT] [-a TIME] [-s SECONDS] "
	    "[-w REMINDERS [-t SECONDS]] DATABASE\n       gen -q SQL DATABASE\n"
	    "       gen -V\n");
	exit(2);
}

static void
fail(sqlite3 *db, const char *what)
{
	(void)fprintf(stderr, "gen: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static long long
number(const char *s, long long min, long long max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min || n > max)
		usage();
	return n;
}

static double
now_seconds(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1) {
		(void)fprintf(stderr, "gen: clock_gettime: %s\n",
		    strerror(errno));
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail(db, sql);
}

/* The largest id in table, or 0. */
static long long
max_id(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	long long	 id = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail(db, sql);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else if (sqlite3_errcode(db) != SQLITE_DONE)
		fail(db, sql);
	(void)sqlite3_finalize(s);
	return id;
}

static void
fill(sqlite3 *db, long long count, long long at, long long spread)
{
	sqlite3_stmt	*ps, *ts;
	struct tm	 tm;
	time_t		 t, now = time(NULL);
	long long	 i, pid, tid;
	char		 name[32], phone[32], email[64], when[32];

	exec(db, "BEGIN IMMEDIATE");
	pid = max_id(db, "SELECT max(id) FROM patients");
	tid = max_id(db, "SELECT max(id) FROM treatments");
	if (sqlite3_prepare_v2(db, "INSERT INTO patients (id, full_name, "
	    "phone, email, timezone) VALUES (?1, ?2, ?3, ?4, "
	    "'America/New_York')", -1, &ps, NULL) != SQLITE_OK)
		fail(db, "prepare patients");
	if (sqlite3_prepare_v2(db, "INSERT INTO treatments (id, patient_id, "
	    "kind, performed_at, status) VALUES (?1, ?2, 'microneedling', ?3, "
	    "?4)", -1, &ts, NULL) != SQLITE_OK)
		fail(db, "prepare treatments");
	for (i = 0; i < count; i++) {
		pid++;
		tid++;
		t = (time_t)(at + (spread > 0 ? i * spread / count : 0));
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
		    &tm) == 0) {
			(void)fprintf(stderr, "gen: bad time %lld\n",
			    (long long)t);
			exit(1);
		}
		(void)snprintf(name, sizeof(name), "Patient %06lld", pid);
		(void)snprintf(phone, sizeof(phone), "+1555010%04lld",
		    pid % 10000);
		(void)snprintf(email, sizeof(email), "user%lld@example.com",
		    pid);
		if (sqlite3_bind_int64(ps, 1, pid) != SQLITE_OK ||
		    sqlite3_bind_text(ps, 2, name, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(ps, 3, phone, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(ps, 4, email, -1, SQLITE_STATIC) !=
		    SQLITE_OK || sqlite3_step(ps) != SQLITE_DONE)
			fail(db, "insert patient");
		if (sqlite3_reset(ps) != SQLITE_OK)
			fail(db, "insert patient");
		if (sqlite3_bind_int64(ts, 1, tid) != SQLITE_OK ||
		    sqlite3_bind_int64(ts, 2, pid) != SQLITE_OK ||
		    sqlite3_bind_text(ts, 3, when, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(ts, 4, t < now ? "completed" :
		    "scheduled", -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(ts) != SQLITE_DONE)
			fail(db, "insert treatment");
		if (sqlite3_reset(ts) != SQLITE_OK)
			fail(db, "insert treatment");
	}
	(void)sqlite3_finalize(ps);
	(void)sqlite3_finalize(ts);
	exec(db, "COMMIT");
}

static void
query(sqlite3 *db, const char *sql)
{
	sqlite3_stmt		*s;
	const unsigned char	*v;
	int			 rc, i;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail(db, sql);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(s); i++) {
			v = sqlite3_column_text(s, i);
			(void)printf("%s%s", i > 0 ? "|" : "",
			    v != NULL ? (const char *)v : "");
		}
		(void)putchar('\n');
	}
	if (rc != SQLITE_DONE)
		fail(db, sql);
	(void)sqlite3_finalize(s);
}

static int
wait_reminders(sqlite3 *db, long long want, double since, long long limit)
{
	const struct timespec	 nap = { 0, 50 * 1000 * 1000 };
	sqlite3_stmt		*s;
	long long		 have = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM reminders", -1, &s,
	    NULL) != SQLITE_OK)
		fail(db, "count reminders");
	for (;;) {
		if (sqlite3_step(s) == SQLITE_ROW)
			have = sqlite3_column_int64(s, 0);
		if (sqlite3_reset(s) != SQLITE_OK)
			fail(db, "count reminders");
		if (have >= want)
			break;
		if (now_seconds() - since > (double)limit) {
			(void)sqlite3_finalize(s);
			(void)printf("wait=timeout have=%lld\n", have);
			return -1;
		}
		(void)nanosleep(&nap, NULL);
	}
	(void)sqlite3_finalize(s);
	(void)printf("wait=%.6f\n", now_seconds() - since);
	return 0;
}

int
main(int argc, char *argv[])
{
	sqlite3		*db;
	const char	*sql = NULL;
	long long	 count = 0, at = (long long)time(NULL), spread = 0;
	long long	 want = 0, limit = 600;
	double		 start, end;
	int		 ch, ret = 0;

	while ((ch = getopt(argc, argv, "a:n:q:s:t:Vw:")) != -1) {
		switch (ch) {
		case 'a':
			at = number(optarg, 0, INT64_C(253402300799));
			break;
		case 'n':
			count = number(optarg, 0, 100000000);
			break;
		case 'q':
			sql = optarg;
			break;
		case 's':
			spread = number(optarg, 0, 100LL * 365 * 86400);
			break;
		case 't':
			limit = number(optarg, 1, 86400);
			break;
		case 'V':
			(void)printf("%s\n", sqlite3_libversion());
			return 0;
		case 'w':
			want = number(optarg, 1, INT64_MAX);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (sqlite3_open_v2(argv[optind], &db, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK)
		fail(db, argv[optind]);
	if (sqlite3_busy_timeout(db, 10000) != SQLITE_OK)
		fail(db, "busy timeout");
	if (sql != NULL) {
		query(db, sql);
		return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
	}
	/* As a booking system would: its own cache, foreign keys on. */
	exec(db, "PRAGMA cache_size = -65536");
	exec(db, "PRAGMA foreign_keys = ON");
	start = now_seconds();
	if (count > 0)
		fill(db, count, at, spread);
	end = now_seconds();
	(void)printf("insert=%.6f\n", end - start);
	if (want > 0 && wait_reminders(db, want, end, limit) == -1)
		ret = 3;
	if (fflush(stdout) == EOF) {
		(void)fprintf(stderr, "gen: stdout: %s\n", strerror(errno));
		return 1;
	}
	if (sqlite3_close(db) != SQLITE_OK)
		return 1;
	return ret;
}
