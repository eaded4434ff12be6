/* SPDX-License-Identifier: MIT */
/* activation.c: the systemd protocols aftercare-inbound speaks: sockets passed to it, and its readiness. */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activation.h"
#include "log.h"
#include "util.h"

int
activation_fds(size_t *n)
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
	if (util_int64_parse(fds, 0, ACTIVATION_FDS_MAX, &count, err,
	    sizeof(err)) == -1) {
		log_err("LISTEN_FDS: %s", err);
		return -1;
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	for (fd = ACTIVATION_FD_START; fd < ACTIVATION_FD_START + count;
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

void
activation_notify(const char *state)
{
	struct sockaddr_un	 sun;
	const char		*path;
	size_t			 len;
	int			 fd;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return;
	if ((path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET is not a unix socket path");
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("notify socket");
		return;
	}
	if (sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1)
		log_warn("notify systemd");
	(void)close(fd);
}
