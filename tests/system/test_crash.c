/* SPDX-License-Identifier: MIT */
/* test_crash.c: aftercared killed with SIGKILL at random moments loses no reminder and repeats only what was in flight. */

/*
 * N treatments have their 24h reminder due at BASE.  First the reminders
 * are made: SYNC_KILLS runs before BASE are killed at random moments
 * (mostly inside the treatment sync), then one runs to the end; every
 * treatment must have its reminders.  Then, until K runs were killed, the
 * test starts `aftercared --once --now T_i` (T_i = BASE + i * STEP_SECS,
 * so each run is past the previous run's claim leases and recovers them),
 * waits a random time and kills it with SIGKILL (a run that exited before
 * is counted apart, not as a kill).  After each kill it looks at
 * the database: a reminder still `sending` whose Idempotency-Key the
 * gateway received during that run is one the kill caught between the
 * gateway taking it and our commit, the only moment a reminder may be
 * sent twice.  A last run, past every lease, sends the rest.  Then every
 * due reminder must have reached the gateway (no loss) and be `sent`, and
 * each key may have been received at most once more than the kills that
 * caught it inside that window.
 *
 * The random wait is 0..KILL_MAX_US plus the time an idle run takes here
 * (measured first, the longest of CALIBRATION_RUNS), so that a slower
 * build (sanitizers) is still killed while it sends, not only while it
 * starts.  That measure only sizes the waits; no assertion depends on
 * time.
 *
 * Environment: AFTERCARE_KILLS (K, default 200), AFTERCARE_CRASH_TREATMENTS
 * (N, default 150, or 3K/4 for a larger K so that the work lasts),
 * AFTERCARE_SEED (replays the random waits; the timing of each run still
 * varies).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture/fixture.h"
#include "fixture/testenv.h"
#include "util.h"

/*
 * Every answer comes after 25 ms, so that requests are in flight for a
 * while.  With two at a time and kills within 40 ms of a run's start-up,
 * a run records about half a reminder, so 150 last 200 kills and every
 * run is killed while it works.  The delay also makes gateway_sync()
 * sound (see there).
 */
#define RESPONSES	"201@25"

#define DEFAULT_KILLS		200
#define DEFAULT_TREATMENTS	150	/* per DEFAULT_KILLS kills */
#define KILL_MAX_US		40000
#define SYNC_KILLS		10
#define CALIBRATION_RUNS	3

/*
 * The treatments' time and their 24h reminder's due time (fixed, never
 * today's date), and the simulated time between two runs: more than a
 * claim lease, (8 + 1) * timeout + 60 s = 69 s with timeout = 1, and small
 * enough that every run is inside the reminders' 3-day window.
 */
#define PERFORMED_AT	"2026-03-02T10:00:00Z"
#define MILESTONES	3		/* the default ones: 24h, 1w, 2w */
#define BASE_TM		{ .tm_year = 126, .tm_mon = 2, .tm_mday = 3, \
			    .tm_hour = 10 }
#define STEP_SECS	100
#define WINDOW_SECS	(3 * 86400)
/* The most runs (killed or not) that fit in the window with the last. */
#define MAX_RUNS	(WINDOW_SECS / STEP_SECS - 2)

#define KEY_LEN		32		/* an Idempotency-Key: 32 hex digits */
#define SYNC_KEY	"test-crash-sync"

struct key {
	char	 s[KEY_LEN + 1];
};

struct env {
	struct testenv	 t;	/* t.all: every program's stderr */
	struct fixture	 gw;
	off_t		 logoff;	/* the gateway log read so far */
};

static long	 env_long(const char *, long, long, long);
static uint64_t	 rng_next(uint64_t *);
static void	 format_time(time_t, char *, size_t);
static pid_t	 spawn(struct env *, const char *const []);
static int	 run_killed(struct env *, time_t, long, uint64_t);
static void	 run_done(struct env *, time_t, uint64_t);
static long	 run_idle_us(struct env *, time_t, uint64_t);
static int64_t	 db_count(const struct env *, const char *);
static void	 ctl_init(struct env *);
static void	 book(struct env *, long);
static void	 gateway_sync(const struct env *);
static size_t	 new_keys(struct env *, struct key **);
static sqlite3	*db_open(const struct env *);
static size_t	 sending_keys(const struct env *, struct key **);
static int	 key_cmp(const void *, const void *);
static size_t	 key_count(const struct key *, size_t, const char *);
static int	 setup(void **);
static int	 teardown(void **);
static void	 test_kill_loses_nothing(void **);

/* The integer in environment variable name, or def if unset. */
static long
env_long(const char *name, long def, long min, long max)
{
	const char	*s = getenv(name);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		fail_msg("%s=%s: want an integer from %ld to %ld", name, s,
		    min, max);
	return v;
}

/* splitmix64: small, and the same sequence everywhere for a seed. */
static uint64_t
rng_next(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
format_time(time_t t, char *out, size_t outlen)
{
	struct tm	tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_true(strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0);
}

/* Starts argv with stdout on /dev/null and stderr appended to e->t.all. */
static pid_t
spawn(struct env *e, const char *const argv[])
{
	return testenv_spawn(argv, NULL, e->t.all, true);
}

/*
 * Starts `aftercared --once --now t`, waits wait_us and kills it with
 * SIGKILL.  Returns 1 if the kill ended it, 0 if it had exited cleanly
 * before; anything else fails the test.
 */
static int
run_killed(struct env *e, time_t t, long wait_us, uint64_t seed)
{
	char		 now[32];
	const char	*argv[] = { AFTERCARED, "-c", e->t.conf, "--once",
	    "--now", now, NULL };
	struct timespec	 pause;
	pid_t		 pid;
	int		 status;

	format_time(t, now, sizeof(now));
	pid = spawn(e, argv);
	pause.tv_sec = wait_us / 1000000;
	pause.tv_nsec = wait_us % 1000000 * 1000;
	/* The random moment of the kill is the point, not a sync. */
	while (nanosleep(&pause, &pause) == -1 && errno == EINTR)
		continue;
	/* A run that already exited is a zombie: this still works. */
	assert_int_equal(kill(pid, SIGKILL), 0);
	status = testenv_wait(pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("aftercared --once --now %s ended with status 0x%x, "
		    "not by SIGKILL or a clean exit; seed %llu", now, status,
		    (unsigned long long)seed);
	return 0;
}

/* Runs `aftercared --once --now t` to the end; it must exit 0. */
static void
run_done(struct env *e, time_t t, uint64_t seed)
{
	char		 now[32];
	const char	*argv[] = { AFTERCARED, "-c", e->t.conf, "--once",
	    "--now", now, NULL };
	pid_t		 pid;
	int		 status;

	format_time(t, now, sizeof(now));
	pid = spawn(e, argv);
	status = testenv_wait(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("aftercared --once --now %s ended with status 0x%x; "
		    "seed %llu", now, status, (unsigned long long)seed);
}

/* How long a run at t takes, in microseconds. */
static long
run_idle_us(struct env *e, time_t t, uint64_t seed)
{
	struct timespec	 a, b;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	run_done(e, t, seed);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	return (long)((b.tv_sec - a.tv_sec) * 1000000L +
	    (b.tv_nsec - a.tv_nsec) / 1000);
}

static void
ctl_init(struct env *e)
{
	const char *argv[] = { AFTERCARECTL, "-c", e->t.conf, "init", NULL };
	int	status;

	status = testenv_wait(spawn(e, argv));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * Plays the booking software: n patients, each with one treatment at
 * PERFORMED_AT, in one transaction.
 */
static void
book(struct env *e, long n)
{
	sqlite3		*db = db_open(e);
	sqlite3_stmt	*p, *t;
	char		 name[48], phone[48];
	long		 i;

	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO patients "
	    "(id, full_name, phone) VALUES (?1, ?2, ?3)", -1, &p, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO treatments "
	    "(patient_id, performed_at) VALUES (?1, '" PERFORMED_AT "')", -1,
	    &t, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "Crash Patient%ld", i);
		(void)snprintf(phone, sizeof(phone), "+1555010%04ld", i);
		assert_int_equal(sqlite3_bind_int64(p, 1, i + 1), SQLITE_OK);
		assert_int_equal(sqlite3_bind_text(p, 2, name, -1,
		    SQLITE_TRANSIENT), SQLITE_OK);
		assert_int_equal(sqlite3_bind_text(p, 3, phone, -1,
		    SQLITE_TRANSIENT), SQLITE_OK);
		assert_int_equal(sqlite3_step(p), SQLITE_DONE);
		assert_int_equal(sqlite3_reset(p), SQLITE_OK);
		assert_int_equal(sqlite3_bind_int64(t, 1, i + 1), SQLITE_OK);
		assert_int_equal(sqlite3_step(t), SQLITE_DONE);
		assert_int_equal(sqlite3_reset(t), SQLITE_OK);
	}
	sqlite3_finalize(p);
	sqlite3_finalize(t);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * Returns once the gateway has logged every request a killed daemon got
 * to it.  Whatever the daemon wrote was in the gateway's socket buffers
 * (or its accept queue, ahead of ours) before it died, so the gateway
 * reads and logs it no later than the poll round in which it reads this
 * request; and as every answer is delayed (RESPONSES), ours is written in
 * a later round.  So when our answer is here, so is the log.
 */
static void
gateway_sync(const struct env *e)
{
	static const char req[] = "POST /sync HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n"
	    "Idempotency-Key: " SYNC_KEY "\r\n"
	    "Content-Length: 0\r\n"
	    "Connection: close\r\n\r\n";
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 60, 0 };	/* only against a hang */
	char			 answer[1024];
	size_t			 off = 0, len = 0;
	ssize_t			 n;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd != -1);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)e->gw.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	while (off < sizeof(req) - 1) {
		n = send(fd, req + off, sizeof(req) - 1 - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		off += (size_t)n;
	}
	/* The gateway closes the connection after its answer. */
	for (;;) {
		n = recv(fd, answer + len, sizeof(answer) - 1 - len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fail_msg("the test gateway did not answer: %s",
			    strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(answer) - 1)
			break;
	}
	(void)close(fd);
	answer[len] = '\0';
	if (strncmp(answer, "HTTP/1.1 201 ", 13) != 0)
		fail_msg("unexpected answer from the test gateway: %.40s",
		    answer);
}

/*
 * The Idempotency-Keys of the requests the gateway logged since the last
 * call (each log line is written whole, with one write(2)).  Returns how
 * many, in a new array; the sync requests are left out.
 */
static size_t
new_keys(struct env *e, struct key **out)
{
	struct key	*keys = NULL;
	struct buf	 b;
	char		 chunk[8192];
	const char	*line, *nl, *k, *end;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	*out = NULL;
	if ((fd = open(e->gw.log, O_RDONLY | O_CLOEXEC)) == -1) {
		assert_int_equal(errno, ENOENT);	/* nothing logged yet */
		return 0;
	}
	assert_true(lseek(fd, e->logoff, SEEK_SET) == e->logoff);
	buf_init(&b);
	buf_append(&b, "", 0);
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		assert_true(r > 0);
		buf_append(&b, chunk, (size_t)r);
	}
	(void)close(fd);
	for (line = b.data; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		e->logoff += nl + 1 - line;
		if ((k = strstr(line, "\tidempotency_key=")) == NULL || k > nl)
			fail_msg("a gateway log line without a key: %.*s",
			    (int)(nl - line), line);
		k += strlen("\tidempotency_key=");
		end = strchr(k, '\t');
		if (end == NULL || end > nl)
			end = nl;
		if ((size_t)(end - k) == strlen(SYNC_KEY) &&
		    memcmp(k, SYNC_KEY, strlen(SYNC_KEY)) == 0)
			continue;
		if (end - k != KEY_LEN)
			fail_msg("a request with a malformed key: %.*s",
			    (int)(end - k), k);
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		memcpy(keys[n].s, k, KEY_LEN);
		keys[n++].s[KEY_LEN] = '\0';
	}
	/* A partial last line would be a gateway bug: lines are whole. */
	assert_int_equal(*line, '\0');
	buf_clear(&b);
	*out = keys;
	return n;
}

static sqlite3 *
db_open(const struct env *e)
{
	sqlite3	*db;

	if (sqlite3_open_v2(e->t.db, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		fail_msg("%s: %s", e->t.db, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	return db;
}

/* The keys of the reminders in state 'sending', in a new array. */
static size_t
sending_keys(const struct env *e, struct key **out)
{
	sqlite3		*db = db_open(e);
	sqlite3_stmt	*s;
	struct key	*keys = NULL;
	const char	*k;
	size_t		 n = 0;
	int		 rc;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT idempotency_key "
	    "FROM reminders WHERE state = 'sending'", -1, &s, NULL),
	    SQLITE_OK);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(s, 0);
		assert_non_null(k);
		assert_int_equal(strlen(k), KEY_LEN);
		keys = xrealloc(keys, (n + 1) * sizeof(*keys));
		memcpy(keys[n++].s, k, KEY_LEN + 1);
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	*out = keys;
	return n;
}

/* The single integer query q returns. */
static int64_t
db_count(const struct env *e, const char *q)
{
	return testenv_db_int(e->t.db, q);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->s, ((const struct key *)b)->s);
}

/* How often key is in keys[n], sorted. */
static size_t
key_count(const struct key *keys, size_t n, const char *key)
{
	struct key	 k;
	const struct key *hit;
	size_t		 lo, hi;

	if (n == 0)
		return 0;
	(void)snprintf(k.s, sizeof(k.s), "%s", key);
	hit = bsearch(&k, keys, n, sizeof(*keys), key_cmp);
	if (hit == NULL)
		return 0;
	for (lo = (size_t)(hit - keys); lo > 0 &&
	    strcmp(keys[lo - 1].s, key) == 0; lo--)
		continue;
	for (hi = (size_t)(hit - keys) + 1; hi < n &&
	    strcmp(keys[hi].s, key) == 0; hi++)
		continue;
	return hi - lo;
}

static int
setup(void **state)
{
	struct env	*e = xcalloc(1, sizeof(*e));
	char		 text[1024];

	testenv_init(&e->t, "crash");
	assert_int_equal(fixture_start(&e->gw, RESPONSES), 0);
	testenv_token(&e->t, "crash-test-token");
	/* timeout = 1: a dead run's claims run out 69 s after its now. */
	(void)snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "quiet_hours = { start = \"00:00\"; end = \"00:00\"; };\n"
	    "sms = {\n"
	    "  provider = \"twilio\";\n"
	    "  url = \"%s\";\n"
	    "  account_sid = \"AC00000000000000000000000000000001\";\n"
	    "  auth_token_file = \"token\";\n"
	    "  from = \"+15550100\";\n"
	    "};\n"
	    "delivery = { concurrency = 2; timeout = 1; };\n", e->gw.url);
	testenv_write_file(e->t.conf, text);
	ctl_init(e);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	fixture_stop(&e->gw);
	testenv_clear(&e->t);
	free(e);
	return 0;
}

static void
test_kill_loses_nothing(void **state)
{
	struct env	*e = *state;
	struct tm	 base_tm = BASE_TM;
	struct key	*fresh, *sending, *window = NULL, *all = NULL;
	struct fixture_req *reqs;
	sqlite3		*db;
	sqlite3_stmt	*s;
	const char	*key, *phone, *st;
	char		*to, *log;
	uint64_t	 seed, rng;
	time_t		 base;
	size_t		 nfresh, nsending, nwindow = 0, nall = 0, nreq;
	size_t		 i, j, due = 0, lost = 0, unsent = 0, beyond = 0;
	size_t		 stray = 0, wrong_to = 0, c, w;
	long		 kills_wanted, ntreat, k, kills = 0, clean = 0;
	long		 caught = 0, busy = 0, sync_kills = 0, idle_us = 0;
	long		 max_us, us;
	int64_t		 sent_before;
	int		 rc, killed;

	kills_wanted = env_long("AFTERCARE_KILLS", DEFAULT_KILLS, 1, MAX_RUNS);
	/* As many treatments per kill as by default, so work lasts. */
	ntreat = DEFAULT_TREATMENTS;
	if (kills_wanted > DEFAULT_KILLS)
		ntreat = kills_wanted * DEFAULT_TREATMENTS / DEFAULT_KILLS;
	ntreat = env_long("AFTERCARE_CRASH_TREATMENTS", ntreat, 1, 9999);
	seed = (uint64_t)env_long("AFTERCARE_SEED",
	    (long)(((uint64_t)time(NULL) << 16 ^ (uint64_t)getpid()) &
	    0x7fffffffffffffffULL), 0, LONG_MAX);
	rng = seed;
	base = timegm(&base_tm);
	assert_true(base != (time_t)-1);

	/* How long a run that finds nothing to do takes on this build. */
	for (i = 0; i < CALIBRATION_RUNS; i++) {
		us = run_idle_us(e, base - 3600, seed);
		if (us > idle_us)
			idle_us = us;
	}
	max_us = idle_us + KILL_MAX_US;
	print_message("crash test: seed %llu (AFTERCARE_SEED replays the "
	    "waits), kills within 0..%ld ms of the start\n",
	    (unsigned long long)seed, max_us / 1000);

	/*
	 * The booking software books every treatment; the runs that turn
	 * them into reminders (in batches, a transaction each) are killed,
	 * then one finishes: each treatment has all its reminders.
	 */
	book(e, ntreat);
	for (k = 0; k < SYNC_KILLS; k++)
		sync_kills += run_killed(e, base - 3600,
		    (long)(rng_next(&rng) % (uint64_t)(max_us + 1)), seed);
	run_done(e, base - 3600, seed);
	assert_int_equal(db_count(e, "SELECT count(*) FROM reminders"),
	    ntreat * MILESTONES);
	assert_int_equal(db_count(e, "SELECT count(*) FROM treatment_changes"),
	    0);
	assert_int_equal(db_count(e, "SELECT count(*) FROM reminders WHERE "
	    "state != 'pending'"), 0);

	for (k = 0; kills < kills_wanted; k++) {
		if (k == MAX_RUNS)
			fail_msg("only %ld kills in %ld runs: the runs ended "
			    "before their kill; more treatments "
			    "(AFTERCARE_CRASH_TREATMENTS) keep them busy", kills,
			    k);
		us = (long)(rng_next(&rng) % (uint64_t)(max_us + 1));
		killed = run_killed(e, base + k * STEP_SECS, us, seed);
		kills += killed;
		clean += !killed;

		/*
		 * Sent during this run and still `sending`: the kill fell
		 * between the gateway taking it and our commit.
		 */
		gateway_sync(e);
		nfresh = new_keys(e, &fresh);
		if (nfresh > 1)
			qsort(fresh, nfresh, sizeof(*fresh), key_cmp);
		nsending = sending_keys(e, &sending);
		if (nsending > 0 && !killed)
			fail_msg("run %ld exited cleanly but left %zu "
			    "reminders claimed; seed %llu", k, nsending,
			    (unsigned long long)seed);
		c = 0;
		for (i = 0; i < nsending; i++) {
			if (key_count(fresh, nfresh, sending[i].s) == 0)
				continue;
			window = xrealloc(window, (nwindow + 1) *
			    sizeof(*window));
			window[nwindow++] = sending[i];
			c++;
		}
		caught += c > 0;
		busy += nfresh > 0;
		all = xrealloc(all, (nall + nfresh + 1) * sizeof(*all));
		if (nfresh > 0)
			memcpy(all + nall, fresh, nfresh * sizeof(*fresh));
		nall += nfresh;
		free(fresh);
		free(sending);
	}

	/* Past every lease: sends whatever is left, to the end. */
	sent_before = db_count(e, "SELECT count(*) FROM reminders WHERE "
	    "state = 'sent'");
	run_done(e, base + (k + 1) * STEP_SECS, seed);
	nfresh = new_keys(e, &fresh);
	all = xrealloc(all, (nall + nfresh + 1) * sizeof(*all));
	if (nfresh > 0)
		memcpy(all + nall, fresh, nfresh * sizeof(*fresh));
	nall += nfresh;
	free(fresh);
	if (nall > 1)
		qsort(all, nall, sizeof(*all), key_cmp);
	if (nwindow > 1)
		qsort(window, nwindow, sizeof(*window), key_cmp);

	/* Every due reminder reached the gateway, is sent, and to whom. */
	assert_int_equal(fixture_requests(&e->gw, &reqs, &nreq), 0);
	db = db_open(e);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT r.idempotency_key, "
	    "r.state, p.phone FROM reminders r "
	    "JOIN treatments t ON t.id = r.treatment_id "
	    "JOIN patients p ON p.id = t.patient_id "
	    "WHERE r.due_at <= ?1", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_bind_int64(s, 1, base), SQLITE_OK);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(s, 0);
		st = (const char *)sqlite3_column_text(s, 1);
		phone = (const char *)sqlite3_column_text(s, 2);
		due++;
		if (strcmp(st, "sent") != 0) {
			print_error("reminder with key %s is %s, not sent\n",
			    key, st);
			unsent++;
		}
		c = key_count(all, nall, key);
		w = key_count(window, nwindow, key);
		if (c == 0) {
			print_error("lost: key %s never reached the "
			    "gateway\n", key);
			lost++;
		} else if (c - 1 > w) {
			print_error("key %s: %zu requests, but only %zu kills "
			    "caught it in flight\n", key, c, w);
			beyond++;
		}
		for (j = 0; j < nreq; j++) {
			if (strcmp(reqs[j].idempotency_key, key) != 0)
				continue;
			to = fixture_form_get(reqs[j].body, "To");
			if (to == NULL || strcmp(to, phone) != 0)
				wrong_to++;
			free(to);
		}
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(s);
	/* Nothing else went out: each request's key is a due reminder's. */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "reminders WHERE idempotency_key = ?1 AND due_at <= ?2", -1, &s,
	    NULL), SQLITE_OK);
	for (i = 0; i < nall; i++) {
		if (i > 0 && strcmp(all[i].s, all[i - 1].s) == 0)
			continue;
		assert_int_equal(sqlite3_bind_text(s, 1, all[i].s, -1,
		    SQLITE_TRANSIENT), SQLITE_OK);
		assert_int_equal(sqlite3_bind_int64(s, 2, base), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		if (sqlite3_column_int64(s, 0) != 1)
			stray++;
		assert_int_equal(sqlite3_reset(s), SQLITE_OK);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	fixture_requests_free(reqs, nreq);

	for (i = 0, c = 0; i < nall; i++)
		if (i == 0 || strcmp(all[i].s, all[i - 1].s) != 0)
			c++;
	print_message("crash test: %zu reminders, %ld kills (%zu inside the "
	    "send window), %zu lost, %zu duplicates\n", due, kills, nwindow,
	    lost, nall - c);
	print_message("crash test: %ld of %ld kills caught the %zu "
	    "requests above unrecorded; %ld of %ld runs sent something, %ld "
	    "exited before their kill; %lld sent before the last run; %ld "
	    "kills while making the reminders\n", caught, kills, nwindow,
	    busy, k, clean, (long long)sent_before, sync_kills);

	/* Sanitizer reports and patient data in any program's stderr. */
	log = testenv_read_file(e->t.all);
	if (strstr(log, "AddressSanitizer") != NULL ||
	    strstr(log, "runtime error") != NULL ||
	    strstr(log, "LeakSanitizer") != NULL)
		fail_msg("a sanitizer reported a problem:\n%s", log);
	if (strstr(log, "555010") != NULL || strstr(log, "Patient") != NULL ||
	    strstr(log, "crash-test-token") != NULL)
		fail_msg("the log leaks patient data");
	free(log);

	free(all);
	free(window);
	/* The per-state counts the triggers keep survived every kill. */
	assert_int_equal(db_count(e, "SELECT count(*) FROM reminder_counts c "
	    "WHERE n != (SELECT count(*) FROM reminders WHERE state = "
	    "c.state)"), 0);
	if ((long)due != ntreat || lost > 0 || unsent > 0 || beyond > 0 ||
	    nall - c > nwindow || stray > 0 || wrong_to > 0)
		fail_msg("%zu due of %ld, %zu lost, %zu not sent, %zu keys "
		    "repeated beyond the window, %zu duplicates for %zu "
		    "in the window, %zu stray keys, %zu wrong numbers; "
		    "seed %llu", due, ntreat, lost, unsent, beyond, nall - c,
		    nwindow, stray, wrong_to, (unsigned long long)seed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill_loses_nothing,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("crash", tests, NULL, NULL);
}
