/* SPDX-License-Identifier: MIT */
/* sd.c: what aftercare tells systemd (its state, the watchdog, STATUS=), and the sockets systemd passes. */

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "schedule.h"
#include "sd.h"
#include "util.h"

static bool	pid_ours(const char *);

/*
 * Whether systemd meant the variables it passed for us: $NAME (e.g.
 * WATCHDOG_PID) is unset or holds our pid.
 */
static bool
pid_ours(const char *name)
{
	const char	*s;
	char		 err[64];
	int64_t		 pid;

	if ((s = getenv(name)) == NULL)
		return true;
	return util_int64_parse(s, 1, INT64_MAX, &pid, err, sizeof(err)) ==
	    0 && pid == (int64_t)getpid();
}

/*
 * With WatchdogSec= set, systemd passes $WATCHDOG_USEC (and $WATCHDOG_PID,
 * which must be ours) and expects WATCHDOG=1 more often than that; we
 * ping at half the interval.
 */
void
sd_init(struct sd *sd)
{
	const char	*usec;
	char		 err[64];
	int64_t		 v;

	memset(sd, 0, sizeof(*sd));
	if ((usec = getenv("WATCHDOG_USEC")) == NULL ||
	    !pid_ours("WATCHDOG_PID"))
		return;
	if (util_int64_parse(usec, 1, INT64_MAX, &v, err, sizeof(err)) == -1) {
		log_warnx("daemon: WATCHDOG_USEC: %s", err);
		return;
	}
	sd->watchdog_ms = v / 2000 > 0 ? v / 2000 : 1;
}

/*
 * sd_notify(3)'s protocol, small enough to write here rather than link
 * libsystemd.
 */
void
sd_send(const char *state)
{
	struct sockaddr_un	 sun;
	const char		*path;
	size_t			 len;
	int			 fd;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return;
	if ((path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sun.sun_path)) {
		log_warnx("daemon: NOTIFY_SOCKET is not a unix socket path");
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("daemon: notify socket");
		return;
	}
	if (sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1)
		log_warn("daemon: notify systemd");
	(void)close(fd);
}

void
sd_watchdog_ping(struct sd *sd)
{
	struct timespec	now;
	int64_t		ms;

	if (sd->watchdog_ms == 0 ||
	    clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return;
	ms = (int64_t)(now.tv_sec - sd->last_ping.tv_sec) * 1000 +
	    (now.tv_nsec - sd->last_ping.tv_nsec) / 1000000;
	if (sd->last_ping.tv_sec != 0 && ms < sd->watchdog_ms)
		return;
	sd_send("WATCHDOG=1");
	sd->last_ping = now;
}

void
sd_status(struct sd *sd, const char *text)
{
	char	line[sizeof(sd->status)];

	(void)snprintf(line, sizeof(line), "STATUS=%s", text);
	if (strcmp(line, sd->status) == 0)
		return;
	memcpy(sd->status, line, sizeof(line));
	sd_send(line);
}

void
sd_status_format(char *buf, size_t len, time_t next, int64_t failed,
    const char *paused, time_t paused_until)
{
	char	due[64], until[32];

	if (next == 0)
		(void)snprintf(due, sizeof(due), "nothing pending");
	else {
		schedule_rfc3339_format(next, until, sizeof(until));
		(void)snprintf(due, sizeof(due), "next reminder due %.10s "
		    "%.5s UTC", until, until + 11);
	}
	if (paused != NULL) {
		schedule_rfc3339_format(paused_until, until, sizeof(until));
		(void)snprintf(buf, len, "%s; %lld failed in 24 h; %s gateway "
		    "paused until %.5s UTC", due, (long long)failed, paused,
		    until + 11);
	} else
		(void)snprintf(buf, len, "%s; %lld failed in 24 h", due,
		    (long long)failed);
}

int
sd_listen_fds(size_t *n)
{
	const char	*pid, *fds;
	char		 err[128];
	int64_t		 p, count;
	socklen_t	 len;
	int		 fd, flags, v;

	*n = 0;
	pid = getenv("LISTEN_PID");
	fds = getenv("LISTEN_FDS");
	if (pid == NULL || fds == NULL)
		return 0;
	if (util_int64_parse(pid, 1, INT32_MAX, &p, err, sizeof(err)) == -1) {
		log_err("LISTEN_PID: %s", err);
		return -1;
	}
	/* Meant for another process (our parent, say): not ours to take. */
	if ((pid_t)p != getpid())
		return 0;
	if (util_int64_parse(fds, 0, SD_LISTEN_FDS_MAX, &count, err,
	    sizeof(err)) == -1) {
		log_err("LISTEN_FDS: %s", err);
		return -1;
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	for (fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count;
	    fd++) {
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == -1) {
			log_warn("passed socket %d", fd);
			return -1;
		}
		if (v == 0) {
			log_err("passed socket %d is not listening (the socket "
			    "unit needs Accept=no)", fd);
			return -1;
		}
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1 ||
		    v != SOCK_STREAM) {
			log_err("passed socket %d is not a stream socket "
			    "(ListenStream=)", fd);
			return -1;
		}
		if ((flags = fcntl(fd, F_GETFD)) == -1 ||
		    fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == -1 ||
		    (flags = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
			log_warn("passed socket %d", fd);
			return -1;
		}
	}
	*n = (size_t)count;
	return 0;
}
