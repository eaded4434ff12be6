/* activation.h: the systemd protocols aftercare-inbound speaks: sockets passed to it, and its readiness. */
#ifndef AFTERCARE_ACTIVATION_H
#define AFTERCARE_ACTIVATION_H

#include <stddef.h>

/* The first socket systemd passes (SD_LISTEN_FDS_START). */
#define ACTIVATION_FD_START	3
/* The most sockets aftercare-inbound listens on. */
#define ACTIVATION_FDS_MAX	8

/*
 * The listening sockets systemd passed (sd_listen_fds(3)'s protocol,
 * written here rather than linking libsystemd): $LISTEN_PID must be this
 * process and $LISTEN_FDS says how many, from ACTIVATION_FD_START.  Each
 * must be a listening stream socket; each is made close-on-exec and
 * non-blocking.  The variables are unset, so nothing started later takes
 * them for its own.  Sets *n (0: none passed, or for another process).
 * Returns 0, or -1 (logged) for malformed variables, too many sockets or
 * one that is not listening.
 */
int	activation_fds(size_t *n);

/*
 * Sends state ("READY=1", "STOPPING=1") as one datagram to
 * $NOTIFY_SOCKET (a path, or "@" for the abstract namespace);
 * nothing without the variable.  A failure is logged.
 */
void	activation_notify(const char *state);

#endif
