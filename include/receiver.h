/* receiver.h: aftercare-inbound's HTTP server (libmicrohttpd): its limits, its endpoints, its loop. */
#ifndef AFTERCARE_RECEIVER_H
#define AFTERCARE_RECEIVER_H

#include <stddef.h>

struct config;
struct store;

/*
 * Opens the listening socket cfg->inbound.listen names (an address and
 * port, or a unix socket's path, replacing a stale socket file there).
 * Returns the socket, or -1 (logged).
 */
int	receiver_listen(const struct config *cfg);

/*
 * Serves the providers' webhooks on the listening sockets fds (taken
 * over: closed when done) until SIGTERM or SIGINT, writing what they say
 * to st; then stops accepting, lets the requests under way finish and
 * returns.  Sends READY=1 once serving.  Returns 0, or -1 (logged) if it
 * could not start.
 */
int	receiver_run(const struct config *cfg, struct store *st,
	    const int *fds, size_t nfds);

#endif
