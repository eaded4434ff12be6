/* sd.h: what aftercare tells systemd (its state, the watchdog, STATUS=), and the sockets systemd passes. */
#ifndef AFTERCARE_SD_H
#define AFTERCARE_SD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The first socket systemd passes, and the most aftercare takes. */
#define SD_LISTEN_FDS_START	3
#define SD_LISTEN_FDS_MAX	8

/* The longest STATUS= line sent, "STATUS=" and the NUL included. */
#define SD_STATUS_MAX	256

struct sd {
	int64_t		 watchdog_ms;	/* ping at least this often; 0: none */
	struct timespec	 last_ping;
	char		 status[SD_STATUS_MAX];	/* the last STATUS= sent */
};

/*
 * Fills sd from the environment: the watchdog interval, if $WATCHDOG_USEC
 * is set and $WATCHDOG_PID (when set) is ours.  A bad value is logged and
 * means no watchdog.
 */
void	sd_init(struct sd *sd);

/*
 * Sends state ("READY=1", "STOPPING=1") as one datagram to
 * $NOTIFY_SOCKET (a path, or "@" for the abstract namespace); nothing
 * without the variable.  A failure is logged.
 */
void	sd_send(const char *state);

/* Sends WATCHDOG=1 unless one went less than half the interval ago. */
void	sd_watchdog_ping(struct sd *sd);

/* Sends "STATUS=" and text, unless that is what was sent last. */
void	sd_status(struct sd *sd, const char *text);

/*
 * Pure: the status line of aftercared into buf: when the next reminder is
 * due (next; 0: nothing pending), how many failed in the last 24 hours,
 * and, if paused is not NULL, which gateway is paused until when
 * ("next reminder due 2026-11-25 09:00 UTC; 0 failed in 24 h").
 */
void	sd_status_format(char *buf, size_t len, time_t next, int64_t failed,
	    const char *paused, time_t paused_until);

/*
 * The listening sockets systemd passed (sd_listen_fds(3)'s protocol):
 * $LISTEN_PID must be this process and $LISTEN_FDS says how many, from
 * SD_LISTEN_FDS_START.  Each must be a listening stream socket; each is
 * made close-on-exec and non-blocking.  The variables are then unset, so
 * that nothing started later takes the sockets for its own.  Sets *n (0:
 * none passed, or passed to another process).  Returns 0, or -1 (logged)
 * for malformed variables, more than SD_LISTEN_FDS_MAX sockets, or one
 * that is not listening.
 */
int	sd_listen_fds(size_t *n);

#endif
