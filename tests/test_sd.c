/* SPDX-License-Identifier: MIT */
/* test_sd.c: sd.c's datagrams on a real unix socket; watchdog; STATUS=; passed sockets. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

#include "testutil.h"

#include "schedule.h"
#include "sd.h"

/* A datagram socket bound where sd_send() is told to write. */
struct sock {
	char	dir[64];
	char	path[128];
	int	fd;
};

static int	setup(void **);
static int	teardown(void **);
static void	sock_bind(struct sock *, const char *);
static char	*take(struct sock *);
static time_t	at(const char *);
static void	test_send(void **);
static void	test_send_abstract(void **);
static void	test_send_nowhere(void **);
static void	test_watchdog_env(void **);
static void	test_watchdog_ping(void **);
static void	test_status(void **);
static void	test_status_format(void **);
static void	test_listen_fds(void **);

static int
setup(void **state)
{
	struct sock	*s;

	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	(void)snprintf(s->dir, sizeof(s->dir), "/tmp/aftercare-sd-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	(void)snprintf(s->path, sizeof(s->path), "%s/notify", s->dir);
	s->fd = -1;
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(unsetenv("WATCHDOG_USEC"), 0);
	assert_int_equal(unsetenv("WATCHDOG_PID"), 0);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct sock	*s = *state;

	if (s->fd != -1)
		(void)close(s->fd);
	(void)unlink(s->path);
	(void)rmdir(s->dir);
	free(s);
	(void)unsetenv("NOTIFY_SOCKET");
	(void)unsetenv("WATCHDOG_USEC");
	(void)unsetenv("WATCHDOG_PID");
	return 0;
}

/* Binds s->fd to name ("@x": abstract) and points $NOTIFY_SOCKET at it. */
static void
sock_bind(struct sock *s, const char *name)
{
	struct sockaddr_un	sun;
	size_t			len = strlen(name);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(len < sizeof(sun.sun_path));
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
}

/*
 * The next datagram waiting on s, or NULL if there is none: a unix
 * datagram is queued by the time sendto() returns, so nothing is waited
 * for.  Caller frees.
 */
static char *
take(struct sock *s)
{
	char	buf[512];
	ssize_t	n;

	n = recv(s->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n == -1) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		return NULL;
	}
	buf[n] = '\0';
	return strdup(buf);
}

static time_t
at(const char *s)
{
	char	err[128];
	time_t	t;

	if (schedule_rfc3339_parse(s, &t, NULL, err, sizeof(err)) != 0)
		fail_msg("%s: %s", s, err);
	return t;
}

static void
test_send(void **state)
{
	struct sock	*s = *state;
	char		*got;

	sock_bind(s, s->path);
	sd_send("READY=1");
	got = take(s);
	assert_non_null(got);
	assert_string_equal(got, "READY=1");
	free(got);
	sd_send("STOPPING=1");
	got = take(s);
	assert_non_null(got);
	assert_string_equal(got, "STOPPING=1");
	free(got);
	assert_null(take(s));
}

static void
test_send_abstract(void **state)
{
	struct sock	*s = *state;
	char		 name[64], *got;

	(void)snprintf(name, sizeof(name), "@aftercare-test-sd-%ld",
	    (long)getpid());
	sock_bind(s, name);
	sd_send("READY=1");
	got = take(s);
	assert_non_null(got);
	assert_string_equal(got, "READY=1");
	free(got);
}

/* No variable, an empty one, or one that is no socket path: nothing. */
static void
test_send_nowhere(void **state)
{
	struct sock	*s = *state;
	char		 longpath[200], *got;

	sock_bind(s, s->path);
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	sd_send("READY=1");
	assert_int_equal(setenv("NOTIFY_SOCKET", "", 1), 0);
	sd_send("READY=1");
	assert_int_equal(setenv("NOTIFY_SOCKET", "notify", 1), 0);
	sd_send("READY=1");
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(setenv("NOTIFY_SOCKET", longpath, 1), 0);
	sd_send("READY=1");
	assert_null(take(s));
	/* the socket itself was fine all along */
	assert_int_equal(setenv("NOTIFY_SOCKET", s->path, 1), 0);
	sd_send("READY=1");
	assert_non_null(got = take(s));
	free(got);
}

/* $WATCHDOG_USEC and $WATCHDOG_PID as systemd might set them: half of it. */
static void
test_watchdog_env(void **state)
{
	static const struct {
		const char	*usec;
		const char	*pid;		/* "self": ours */
		int64_t		 want_ms;
	} rows[] = {
		{ NULL, NULL, 0 },
		{ "400000", NULL, 200 },
		{ "400000", "self", 200 },
		{ "30000000", "self", 15000 },
		{ "1", NULL, 1 },
		{ "1999", NULL, 1 },
		{ "400000", "other", 0 },
		{ "400000", "x", 0 },
		{ "400000", "", 0 },
		{ "", NULL, 0 },
		{ "0", NULL, 0 },
		{ "-400000", NULL, 0 },
		{ "400000s", NULL, 0 },
		{ "99999999999999999999", NULL, 0 },
	};
	struct sd	 sd;
	char		 pid[32];
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		if (rows[i].usec != NULL)
			assert_int_equal(setenv("WATCHDOG_USEC", rows[i].usec,
			    1), 0);
		else
			assert_int_equal(unsetenv("WATCHDOG_USEC"), 0);
		if (rows[i].pid == NULL)
			assert_int_equal(unsetenv("WATCHDOG_PID"), 0);
		else {
			if (strcmp(rows[i].pid, "self") == 0)
				(void)snprintf(pid, sizeof(pid), "%ld",
				    (long)getpid());
			else if (strcmp(rows[i].pid, "other") == 0)
				(void)snprintf(pid, sizeof(pid), "%ld",
				    (long)getpid() + 1);
			else
				(void)snprintf(pid, sizeof(pid), "%s",
				    rows[i].pid);
			assert_int_equal(setenv("WATCHDOG_PID", pid, 1), 0);
		}
		sd_init(&sd);
		if (sd.watchdog_ms != rows[i].want_ms)
			ROW_FAIL(i, "watchdog_ms %lld, want %lld",
			    (long long)sd.watchdog_ms,
			    (long long)rows[i].want_ms);
		assert_string_equal(sd.status, "");
	}
}

/*
 * The first ping goes at once; the next not before half the interval
 * (an hour here, so that no slowness of the machine can reach it).
 */
static void
test_watchdog_ping(void **state)
{
	struct sock	*s = *state;
	struct sd	 sd;
	char		*got;

	sock_bind(s, s->path);
	sd_init(&sd);
	sd_watchdog_ping(&sd);
	assert_null(take(s));
	assert_int_equal(setenv("WATCHDOG_USEC", "7200000000", 1), 0);
	sd_init(&sd);
	assert_int_equal(sd.watchdog_ms, 3600000);
	sd_watchdog_ping(&sd);
	got = take(s);
	assert_non_null(got);
	assert_string_equal(got, "WATCHDOG=1");
	free(got);
	sd_watchdog_ping(&sd);
	sd_watchdog_ping(&sd);
	assert_null(take(s));
}

/* STATUS= goes when it changes, not again when it does not. */
static void
test_status(void **state)
{
	struct sock	*s = *state;
	struct sd	 sd;
	char		 text[400], *got;

	sock_bind(s, s->path);
	sd_init(&sd);
	sd_status(&sd, "nothing pending; 0 failed in 24 h");
	got = take(s);
	assert_non_null(got);
	assert_string_equal(got, "STATUS=nothing pending; 0 failed in 24 h");
	free(got);
	sd_status(&sd, "nothing pending; 0 failed in 24 h");
	assert_null(take(s));
	sd_status(&sd, "nothing pending; 1 failed in 24 h");
	got = take(s);
	assert_non_null(got);
	assert_string_equal(got, "STATUS=nothing pending; 1 failed in 24 h");
	free(got);
	/* a text too long for a status line is cut, and still goes once */
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	sd_status(&sd, text);
	got = take(s);
	assert_non_null(got);
	assert_int_equal(strlen(got), SD_STATUS_MAX - 1);
	assert_int_equal(strncmp(got, "STATUS=aaa", 10), 0);
	free(got);
	sd_status(&sd, text);
	assert_null(take(s));
}

static void
test_status_format(void **state)
{
	static const struct {
		const char	*next;		/* NULL: nothing pending */
		int64_t		 failed;
		const char	*paused;
		const char	*until;
		const char	*want;
	} rows[] = {
		{ NULL, 0, NULL, NULL, "nothing pending; 0 failed in 24 h" },
		{ "2099-01-02T10:00:00Z", 0, NULL, NULL,
		  "next reminder due 2099-01-02 10:00 UTC; 0 failed in 24 h" },
		{ "2026-11-25T09:00:59Z", 12, NULL, NULL,
		  "next reminder due 2026-11-25 09:00 UTC; 12 failed in 24 h" },
		{ "1970-01-01T00:00:01Z", 0, NULL, NULL,
		  "next reminder due 1970-01-01 00:00 UTC; 0 failed in 24 h" },
		{ "2026-11-25T09:00:00Z", 3, "SMS", "2026-11-25T09:30:00Z",
		  "next reminder due 2026-11-25 09:00 UTC; 3 failed in 24 h; "
		  "SMS gateway paused until 09:30 UTC" },
		{ NULL, 1, "email", "2026-11-26T00:05:00Z",
		  "nothing pending; 1 failed in 24 h; email gateway paused "
		  "until 00:05 UTC" },
		{ NULL, INT64_MAX, NULL, NULL,
		  "nothing pending; 9223372036854775807 failed in 24 h" },
	};
	char	buf[SD_STATUS_MAX], small[16];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		sd_status_format(buf, sizeof(buf),
		    rows[i].next ? at(rows[i].next) : 0, rows[i].failed,
		    rows[i].paused, rows[i].until ? at(rows[i].until) : 0);
		if (strcmp(buf, rows[i].want) != 0)
			ROW_FAIL(i, "\"%s\", want \"%s\"", buf, rows[i].want);
	}
	/* a buffer too small is filled, and ends */
	sd_status_format(small, sizeof(small), 0, 0, NULL, 0);
	assert_string_equal(small, "nothing pending");
}

/*
 * $LISTEN_FDS and $LISTEN_PID as systemd sets them, with what it would
 * pass at descriptor 3: a listening socket, one that is not listening, a
 * datagram socket, nothing.
 */
static void
test_listen_fds(void **state)
{
	enum { NONE, LISTENING, CONNECTABLE, DGRAM };
	static const struct {
		const char	*fds;
		const char	*pid;		/* "self": ours */
		int		 at3;
		int		 want;		/* sd_listen_fds()'s return */
		size_t		 n;
		bool		 unset;		/* the variables are gone */
	} rows[] = {
		{ NULL, NULL, LISTENING, 0, 0, false },
		{ "1", NULL, LISTENING, 0, 0, false },
		{ NULL, "self", LISTENING, 0, 0, false },
		{ "1", "self", LISTENING, 0, 1, true },
		{ "0", "self", NONE, 0, 0, true },
		/* For another process: left alone. */
		{ "1", "other", LISTENING, 0, 0, false },
		{ "1", "self", CONNECTABLE, -1, 0, true },
		{ "1", "self", DGRAM, -1, 0, true },
		{ "1", "self", NONE, -1, 0, true },
		{ "9", "self", LISTENING, -1, 0, false },
		{ "-1", "self", LISTENING, -1, 0, false },
		{ "one", "self", LISTENING, -1, 0, false },
		{ "1", "x", LISTENING, -1, 0, false },
		{ "1", "", LISTENING, -1, 0, false },
	};
	struct sockaddr_in	 sin;
	char			 pid[32];
	size_t			 i, n;
	int			 fd, r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		(void)close(SD_LISTEN_FDS_START);
		fd = -1;
		if (rows[i].at3 == DGRAM)
			fd = socket(AF_INET, SOCK_DGRAM, 0);
		else if (rows[i].at3 != NONE)
			fd = socket(AF_INET, SOCK_STREAM, 0);
		if (rows[i].at3 == LISTENING) {
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			assert_int_equal(bind(fd, (struct sockaddr *)&sin,
			    sizeof(sin)), 0);
			assert_int_equal(listen(fd, 1), 0);
		}
		if (fd != -1 && fd != SD_LISTEN_FDS_START) {
			assert_int_equal(dup2(fd, SD_LISTEN_FDS_START),
			    SD_LISTEN_FDS_START);
			(void)close(fd);
		}
		(void)unsetenv("LISTEN_FDS");
		(void)unsetenv("LISTEN_PID");
		if (rows[i].fds != NULL)
			assert_int_equal(setenv("LISTEN_FDS", rows[i].fds, 1),
			    0);
		if (rows[i].pid != NULL) {
			(void)snprintf(pid, sizeof(pid), "%ld",
			    strcmp(rows[i].pid, "other") == 0 ?
			    (long)getpid() + 1 : (long)getpid());
			assert_int_equal(setenv("LISTEN_PID",
			    strcmp(rows[i].pid, "self") == 0 ||
			    strcmp(rows[i].pid, "other") == 0 ? pid :
			    rows[i].pid, 1), 0);
		}
		n = 99;
		r = sd_listen_fds(&n);
		if (r != rows[i].want || (r == 0 && n != rows[i].n))
			ROW_FAIL(i, "returned %d with %zu", r, n);
		if ((getenv("LISTEN_FDS") == NULL) != rows[i].unset &&
		    rows[i].fds != NULL && rows[i].pid != NULL)
			ROW_FAIL(i, "LISTEN_FDS %s", rows[i].unset ?
			    "kept" : "unset");
		if (r == 0 && n == 1 &&
		    ((fcntl(SD_LISTEN_FDS_START, F_GETFD) & FD_CLOEXEC) == 0 ||
		    (fcntl(SD_LISTEN_FDS_START, F_GETFL) & O_NONBLOCK) == 0))
			ROW_FAIL(i, "not close-on-exec and non-blocking");
	}
	(void)close(SD_LISTEN_FDS_START);
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_PID");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_abstract, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_nowhere, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_env, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_ping, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test(test_status_format),
		cmocka_unit_test(test_listen_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
