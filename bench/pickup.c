/* SPDX-License-Identifier: MIT */
/* pickup.c: how long a running aftercared takes to send what the booking software commits. */

/*
 * usage: pickup [-s SYNCHRONOUS] [-n COUNT] [-t SECONDS] DATABASE
 *
 * Plays the booking software beside a running aftercared: on one
 * connection that it keeps open, with PRAGMA synchronous = SYNCHRONOUS
 * (default FULL, SQLite's own default), it commits COUNT times (default
 * 50) a fictional patient and a treatment performed 25 hours ago, so that
 * its 24-hour reminder is due at once.  After each commit it reads the
 * database every millisecond until that reminder is recorded sent, then
 * waits 100 to 300 ms (so that the daemon is asleep again) before the
 * next.  A reminder not sent within SECONDS (default 70, more than the
 * daemon's idle period) counts as missed.
 *
 * Prints "n=50 median_ms=4.1 worst_ms=9.8 missed=0": the time from the
 * commit's return to the reminder's row saying sent.
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
static double	now_seconds(void);
static void	nap(double);
static int	cmp_double(const void *, const void *);

static void
usage(void)
{
	(void)fprintf(stderr, "usage: pickup [-s SYNCHRONOUS] [-n COUNT] "
	    "[-t SECONDS] DATABASE\n");
	exit(2);
}

static void
fail(sqlite3 *db, const char *what)
{
	(void)fprintf(stderr, "pickup: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static double
now_seconds(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(double secs)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	const char	*sync = "FULL";
	sqlite3		*db;
	sqlite3_stmt	*patient, *treatment, *sent;
	double		*lat, t0, cap = 70;
	long		 n = 50, i, done = 0, missed = 0;
	int64_t		 tid;
	char		 sql[64], at[32], phone[16];
	time_t		 t;
	int		 c;

	while ((c = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (c) {
		case 's':
			sync = optarg;
			break;
		case 'n':
			if ((n = strtol(optarg, NULL, 10)) < 1 || n > 100000)
				usage();
			break;
		case 't':
			if ((cap = strtod(optarg, NULL)) <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || strlen(sync) > 16)
		usage();
	if ((lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		return 1;
	if (sqlite3_open(argv[optind], &db) != SQLITE_OK)
		fail(db, argv[optind]);
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		fail(db, "busy timeout");
	(void)snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s", sync);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail(db, sql);
	if (sqlite3_prepare_v2(db, "INSERT INTO patients (full_name, phone, "
	    "timezone) VALUES ('Pickup Patient', ?, 'UTC')", -1, &patient,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO treatments (patient_id, "
	    "performed_at, status) VALUES (last_insert_rowid(), ?, "
	    "'completed')", -1, &treatment, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM reminders WHERE "
	    "treatment_id = ? AND state = 'sent'", -1, &sent, NULL) !=
	    SQLITE_OK)
		fail(db, "prepare");
	srand(1);
	for (i = 0; i < n; i++) {
		nap(0.1 + (double)(rand() % 200) / 1000);
		t = time(NULL) - 25 * 3600;
		(void)strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ",
		    gmtime(&t));
		(void)snprintf(phone, sizeof(phone), "+1555010%04ld", i % 10000);
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			fail(db, "begin");
		if (sqlite3_bind_text(patient, 1, phone, -1,
		    SQLITE_TRANSIENT) != SQLITE_OK ||
		    sqlite3_step(patient) != SQLITE_DONE ||
		    sqlite3_reset(patient) != SQLITE_OK)
			fail(db, "insert patient");
		if (sqlite3_bind_text(treatment, 1, at, -1,
		    SQLITE_TRANSIENT) != SQLITE_OK ||
		    sqlite3_step(treatment) != SQLITE_DONE ||
		    sqlite3_reset(treatment) != SQLITE_OK)
			fail(db, "insert treatment");
		tid = sqlite3_last_insert_rowid(db);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			fail(db, "commit");
		t0 = now_seconds();
		for (;;) {
			if (sqlite3_bind_int64(sent, 1, tid) != SQLITE_OK ||
			    sqlite3_step(sent) != SQLITE_ROW)
				fail(db, "look for the reminder");
			c = sqlite3_column_int(sent, 0);
			(void)sqlite3_reset(sent);
			if (c > 0) {
				lat[done++] = (now_seconds() - t0) * 1000;
				break;
			}
			if (now_seconds() - t0 > cap) {
				missed++;
				break;
			}
			nap(0.001);
		}
	}
	qsort(lat, (size_t)done, sizeof(*lat), cmp_double);
	if (done > 0)
		printf("n=%ld median_ms=%.1f worst_ms=%.1f missed=%ld\n", n,
		    lat[(done - 1) / 2], lat[done - 1], missed);
	else
		printf("n=%ld median_ms=- worst_ms=- missed=%ld\n", n, missed);
	sqlite3_finalize(patient);
	sqlite3_finalize(treatment);
	sqlite3_finalize(sent);
	sqlite3_close(db);
	free(lat);
	return 0;
}
