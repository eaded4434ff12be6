/* SPDX-License-Identifier: MIT */
/* booking.c: plays the booking software's front desk: small commits, one after another. */

/*
 * usage: booking [-b BUSY_MS] [-p PERIOD_MS] DATABASE >LOG
 *        booking -s FROM TO LOG
 *
 * Commits to DATABASE continuously until SIGTERM or SIGINT, as a booking
 * system would: each commit is BEGIN, one small write, COMMIT, on a
 * connection with a busy timeout of BUSY_MS (default 5000, what the
 * README advises; SQLite's own busy handler, as Python's sqlite3 uses).
 * The writes take turns: a new fictional patient (+1 555 01xx,
 * example.com), or a change of an earlier one's name; neither queues work
 * for aftercared.  With -p, a commit starts at most every PERIOD_MS.
 *
 * For each commit a line goes to stdout: when it ended (CLOCK_REALTIME,
 * microseconds), how long it took from BEGIN to the end of COMMIT
 * (microseconds), and "ok", or "err" and SQLite's message when it failed
 * (it is rolled back and the next one started).
 *
 * -s reads such a LOG and sums up the commits that ended in [FROM, TO)
 * (microseconds, as in the log): "commits=N errors=E p50_ms=..
 * p99_ms=.. worst_ms=..".
 */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static volatile sig_atomic_t	stop;

static void	usage(void) __attribute__((noreturn));
static long long number(const char *, long long, long long);
static int64_t	usecs(clockid_t);
static void	on_signal(int);
static int	cmp_ll(const void *, const void *);
static int	summarize(long long, long long, const char *);
static int	one_commit(sqlite3 *, sqlite3_stmt *, sqlite3_stmt *,
		    long long *, char *, size_t);
static int	run(const char *, long long, long long);

static void
usage(void)
{
	(void)fprintf(stderr, "usage: booking [-b BUSY_MS] [-p PERIOD_MS] "
	    "DATABASE\n       booking -s FROM TO LOG\n");
	exit(2);
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

static int64_t
usecs(clockid_t clock)
{
	struct timespec	ts;

	if (clock_gettime(clock, &ts) == -1) {
		(void)fprintf(stderr, "booking: clock_gettime: %s\n",
		    strerror(errno));
		exit(1);
	}
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int
summarize(long long from, long long to, const char *path)
{
	FILE		*f;
	char		 line[512], word[8];
	long long	*lat = NULL, end, us;
	size_t		 n = 0, cap = 0, errors = 0, p99;

	if ((f = fopen(path, "r")) == NULL) {
		(void)fprintf(stderr, "booking: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char	*p = line, *q;

		errno = 0;
		end = strtoll(p, &q, 10);
		if (q == p || errno != 0)
			continue;
		p = q;
		us = strtoll(p, &q, 10);
		if (q == p || errno != 0)
			continue;
		p = q;
		while (*p == ' ')
			p++;
		(void)snprintf(word, sizeof(word), "%.3s", p);
		if (end < from || end >= to)
			continue;
		if (strcmp(word, "err") == 0)
			errors++;
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((lat = realloc(lat, cap * sizeof(*lat))) == NULL) {
				(void)fprintf(stderr, "booking: out of "
				    "memory\n");
				exit(1);
			}
		}
		lat[n++] = us;
	}
	if (ferror(f)) {
		(void)fprintf(stderr, "booking: %s: read error\n", path);
		(void)fclose(f);
		return 1;
	}
	(void)fclose(f);
	if (n == 0) {
		(void)printf("commits=0 errors=0 p50_ms=0 p99_ms=0 "
		    "worst_ms=0\n");
		free(lat);
		return 0;
	}
	qsort(lat, n, sizeof(*lat), cmp_ll);
	p99 = (n * 99 + 99) / 100;
	(void)printf("commits=%zu errors=%zu p50_ms=%.1f p99_ms=%.1f "
	    "worst_ms=%.1f\n", n, errors, (double)lat[(n - 1) / 2] / 1000,
	    (double)lat[(p99 > 0 ? p99 : 1) - 1] / 1000,
	    (double)lat[n - 1] / 1000);
	free(lat);
	return 0;
}

/*
 * One commit: a new patient (seq even) or a new name for an earlier one.
 * Returns 0, or -1 with SQLite's message in err (rolled back).
 */
static int
one_commit(sqlite3 *db, sqlite3_stmt *ins, sqlite3_stmt *upd, long long *seq,
    char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	char		 name[64], phone[32];
	long long	 k = *seq;
	int		 rc;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	(void)snprintf(name, sizeof(name), "Front Desk %06lld", k);
	if (k % 2 == 0) {
		s = ins;
		(void)snprintf(phone, sizeof(phone), "+1555010%04lld",
		    k % 10000);
		if (sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK || sqlite3_bind_text(s, 2, phone, -1,
		    SQLITE_TRANSIENT) != SQLITE_OK)
			goto fail_reset;
	} else {
		s = upd;
		if (sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK)
			goto fail_reset;
	}
	rc = sqlite3_step(s);
	(void)sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	(*seq)++;
	return 0;
fail_reset:
	(void)sqlite3_reset(s);
fail:
	(void)snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
run(const char *path, long long busy, long long period)
{
	struct sigaction	 sa;
	struct timespec		 nap;
	sqlite3			*db;
	sqlite3_stmt		*ins, *upd;
	char			 err[256];
	long long		 seq = 0;
	int64_t			 start, end, next = 0;
	int			 ok;

	/* A line per commit, so that -s can read the log while we run. */
	if (setvbuf(stdout, NULL, _IOLBF, 0) != 0) {
		(void)fprintf(stderr, "booking: stdout: cannot buffer by line\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1) {
		(void)fprintf(stderr, "booking: sigaction: %s\n",
		    strerror(errno));
		return 1;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_busy_timeout(db, (int)busy) != SQLITE_OK) {
		(void)fprintf(stderr, "booking: %s: %s\n", path,
		    sqlite3_errmsg(db));
		return 1;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO patients (full_name, phone, "
	    "email, timezone) VALUES (?1, ?2, NULL, 'America/New_York')", -1,
	    &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE patients SET full_name = ?1 "
	    "WHERE id = (SELECT max(id) FROM patients)", -1, &upd, NULL) !=
	    SQLITE_OK) {
		(void)fprintf(stderr, "booking: %s: %s\n", path,
		    sqlite3_errmsg(db));
		return 1;
	}
	while (!stop) {
		if (period > 0) {
			end = usecs(CLOCK_MONOTONIC);
			if (next > end) {
				nap.tv_sec = (next - end) / 1000000;
				nap.tv_nsec = (long)((next - end) % 1000000) *
				    1000;
				(void)nanosleep(&nap, NULL);
				continue;
			}
			next = end + period * 1000;
		}
		start = usecs(CLOCK_MONOTONIC);
		ok = one_commit(db, ins, upd, &seq, err, sizeof(err));
		end = usecs(CLOCK_MONOTONIC);
		if (ok == 0)
			(void)printf("%lld %lld ok\n",
			    (long long)usecs(CLOCK_REALTIME),
			    (long long)(end - start));
		else
			(void)printf("%lld %lld err %s\n",
			    (long long)usecs(CLOCK_REALTIME),
			    (long long)(end - start), err);
	}
	(void)sqlite3_finalize(ins);
	(void)sqlite3_finalize(upd);
	if (fflush(stdout) == EOF) {
		(void)fprintf(stderr, "booking: stdout: %s\n",
		    strerror(errno));
		return 1;
	}
	return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	long long	busy = 5000, period = 0;
	int		ch;

	if (argc == 5 && strcmp(argv[1], "-s") == 0)
		return summarize(number(argv[2], 0, INT64_MAX),
		    number(argv[3], 0, INT64_MAX), argv[4]);
	while ((ch = getopt(argc, argv, "b:p:")) != -1) {
		switch (ch) {
		case 'b':
			busy = number(optarg, 0, 600000);
			break;
		case 'p':
			period = number(optarg, 0, 60000);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	return run(argv[optind], busy, period);
}
