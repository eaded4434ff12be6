/* SPDX-License-Identifier: MIT */
/* sink.c: a fast loopback HTTP/1.1 sink that answers like Twilio and SendGrid. */

/*
 * usage: sink [-q] [-p portfile] [-t timesfile]
 *
 * Binds 127.0.0.1 on a port the kernel picks, writes it to portfile (or
 * stdout), and answers every request at once, on keep-alive connections,
 * from one epoll loop:
 *
 *   POST /v3/mail/send   202, no body, an X-Message-Id header (SendGrid)
 *   any other POST       201, application/json with a "sid" (Twilio's
 *                        Messages create)
 *   anything else        404
 *
 * With -t, the arrival time of each request (CLOCK_REALTIME, microseconds)
 * is kept, and written to timesfile, one a line, on SIGTERM or SIGINT.
 * -q keeps nothing per request.  On exit the number of requests answered
 * goes to stderr.  A request whose head and body do not fit in IN_MAX is
 * answered 413, a chunked one 501, and the connection closed.
 */

#define _GNU_SOURCE	/* accept4 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define IN_MAX		(64 * 1024)
#define OUT_MAX		(16 * 1024)
#define ANSWER_MAX	512	/* the longest answer we write */
#define EVENTS		256

struct conn {
	int	fd;
	bool	closing;	/* close once out is written */
	bool	want_out;	/* waiting for room to write, not reading */
	size_t	inlen;
	size_t	scanned;	/* in[0..scanned) holds no end of head */
	size_t	outoff;
	size_t	outlen;
	char	in[IN_MAX];
	char	out[OUT_MAX];
};

static struct conn	**conns;
static size_t		  nconns;
static int		  ep;
static bool		  keep_times;
static int64_t		 *times;
static size_t		  ntimes, times_cap;
static unsigned long long requests;

static void	usage(void) __attribute__((noreturn));
static void	die(const char *) __attribute__((noreturn));
static int	listen_open(const char *);
static void	conn_accept(int);
static void	conn_close(struct conn *);
static void	conn_read(struct conn *);
static void	conn_flush(struct conn *);
static bool	conn_answer(struct conn *);
static int	conn_want(struct conn *, uint32_t);
static bool	request_next(struct conn *);
static void	answer(struct conn *, int, bool);
static long long head_length(const char *, size_t, bool *, bool *);
static size_t	head_end(struct conn *);
static void	time_note(void);
static int	times_write(const char *);

static void
usage(void)
{
	(void)fprintf(stderr, "usage: sink [-q] [-p portfile] "
	    "[-t timesfile]\n");
	exit(2);
}

static void
die(const char *what)
{
	(void)fprintf(stderr, "sink: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Binds 127.0.0.1:0 and writes the port to portfile (or stdout). */
static int
listen_open(const char *portfile)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	char			 tmp[4096];
	FILE			*f;
	int			 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		die("SO_REUSEADDR");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind");
	if (listen(fd, 4096) == -1)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		die("getsockname");
	if (portfile == NULL) {
		(void)printf("%u\n", ntohs(sin.sin_port));
		if (fflush(stdout) == EOF)
			die("stdout");
		return fd;
	}
	/* Written beside it and renamed: whoever waits never reads half. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", portfile) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die(portfile);
	}
	if ((f = fopen(tmp, "w")) == NULL)
		die(tmp);
	if (fprintf(f, "%u\n", ntohs(sin.sin_port)) < 0 || fclose(f) == EOF)
		die(tmp);
	if (rename(tmp, portfile) == -1)
		die(portfile);
	return fd;
}

static void
conn_accept(int lfd)
{
	struct epoll_event	 ev;
	struct conn		*c;
	int			 fd, one = 1;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ECONNABORTED || errno == EINTR)
				return;
			if (errno == EMFILE || errno == ENFILE) {
				(void)fprintf(stderr, "sink: accept: %s\n",
				    strerror(errno));
				return;
			}
			die("accept");
		}
		if ((size_t)fd >= nconns) {
			(void)fprintf(stderr, "sink: descriptor %d over the "
			    "limit\n", fd);
			(void)close(fd);
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		if ((c = conns[fd]) == NULL &&
		    (c = conns[fd] = malloc(sizeof(*c))) == NULL)
			die("malloc");
		c->fd = fd;
		c->closing = c->want_out = false;
		c->inlen = c->scanned = c->outoff = c->outlen = 0;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			die("epoll_ctl");
	}
}

/* The struct stays allocated for the next connection on its descriptor. */
static void
conn_close(struct conn *c)
{
	(void)close(c->fd);	/* also takes it out of the epoll set */
	c->fd = -1;
}

static int
conn_want(struct conn *c, uint32_t events)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.fd = c->fd;
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
conn_read(struct conn *c)
{
	ssize_t	n;

	if (c->inlen == sizeof(c->in))
		return;		/* answers pending; conn_flush goes on */
	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->inlen += (size_t)n;
	conn_flush(c);
}

/* Answers the requests that are all there, as room allows; true if any. */
static bool
conn_answer(struct conn *c)
{
	bool	any = false;

	while (!c->closing && c->outlen + ANSWER_MAX <= sizeof(c->out) &&
	    request_next(c))
		any = true;
	return any || c->outlen > 0;
}

/*
 * Answers what has come and writes it.  While an answer waits for room in
 * the socket, reading stops: a client that does not read its answers gets
 * no more.
 */
static void
conn_flush(struct conn *c)
{
	ssize_t	n;

	while (conn_answer(c)) {
		while (c->outoff < c->outlen) {
			n = write(c->fd, c->out + c->outoff,
			    c->outlen - c->outoff);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				if (!c->want_out && conn_want(c,
				    EPOLLOUT | EPOLLRDHUP) == -1)
					die("epoll_ctl");
				c->want_out = true;
				return;
			}
			if (n == -1) {
				conn_close(c);
				return;
			}
			c->outoff += (size_t)n;
		}
		c->outoff = c->outlen = 0;
		if (c->closing) {
			(void)shutdown(c->fd, SHUT_WR);
			conn_close(c);
			return;
		}
	}
	if (c->want_out) {
		if (conn_want(c, EPOLLIN | EPOLLRDHUP) == -1)
			die("epoll_ctl");
		c->want_out = false;
	}
}

/* The length of the head, "\r\n\r\n" included, or 0 if not all there. */
static size_t
head_end(struct conn *c)
{
	size_t	i;

	for (i = c->scanned; i + 4 <= c->inlen; i++)
		if (c->in[i] == '\r' && c->in[i + 1] == '\n' &&
		    c->in[i + 2] == '\r' && c->in[i + 3] == '\n')
			return i + 4;
	c->scanned = c->inlen > 3 ? c->inlen - 3 : 0;
	return 0;
}

/*
 * From a head: Content-Length (0 if none, -1 if malformed), whether the
 * body is chunked and whether the client asked to close.
 */
static long long
head_length(const char *h, size_t len, bool *chunked, bool *close)
{
	const char	*p, *end = h + len, *eol, *v;
	char		 num[32], *ep2;
	long long	 cl = 0;
	size_t		 n;

	*chunked = *close = false;
	/* HTTP/1.0 closes unless asked not to. */
	if ((eol = memchr(h, '\n', len)) != NULL && eol - h >= 9 &&
	    memcmp(eol - 9, "HTTP/1.0", 8) == 0)
		*close = true;
	for (p = eol != NULL ? eol + 1 : end; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if ((v = memchr(p, ':', (size_t)(eol - p))) == NULL)
			continue;
		n = (size_t)(v - p);
		for (v++; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		if (n == 14 && strncasecmp(p, "Content-Length", n) == 0) {
			n = (size_t)(eol - v);
			if (n == 0 || n >= sizeof(num))
				return -1;
			memcpy(num, v, n);
			num[n] = '\0';
			errno = 0;
			cl = strtoll(num, &ep2, 10);
			if (errno != 0 || ep2 == num || cl < 0 ||
			    (*ep2 != '\0' && *ep2 != '\r'))
				return -1;
		} else if (n == 17 &&
		    strncasecmp(p, "Transfer-Encoding", n) == 0)
			*chunked = true;
		else if (n == 10 && strncasecmp(p, "Connection", n) == 0) {
			if (eol - v >= 5 && strncasecmp(v, "close", 5) == 0)
				*close = true;
			else if (eol - v >= 10 &&
			    strncasecmp(v, "keep-alive", 10) == 0)
				*close = false;
		}
	}
	return cl;
}

/* Answers the first request in c->in if it is all there; false if not. */
static bool
request_next(struct conn *c)
{
	long long	 cl;
	size_t		 hlen, total;
	bool		 chunked, close, post, mail;

	if ((hlen = head_end(c)) == 0) {
		if (c->inlen == sizeof(c->in))
			answer(c, 413, true);
		return false;
	}
	cl = head_length(c->in, hlen, &chunked, &close);
	if (chunked) {
		answer(c, 501, true);
		return false;
	}
	if (cl < 0 || (unsigned long long)cl > sizeof(c->in) - hlen) {
		answer(c, cl < 0 ? 400 : 413, true);
		return false;
	}
	total = hlen + (size_t)cl;
	if (c->inlen < total)
		return false;
	if (keep_times)
		time_note();
	post = hlen > 5 && memcmp(c->in, "POST ", 5) == 0;
	mail = post && hlen > 19 && memcmp(c->in + 5, "/v3/mail/send",
	    13) == 0 && (c->in[18] == ' ' || c->in[18] == '?');
	answer(c, !post ? 404 : mail ? 202 : 201, close);
	memmove(c->in, c->in + total, c->inlen - total);
	c->inlen -= total;
	c->scanned = 0;
	return true;
}

static void
answer(struct conn *c, int status, bool close)
{
	char		 body[128];
	const char	*conn = close ? "Connection: close\r\n" : "";
	size_t		 room = sizeof(c->out) - c->outlen;
	char		*out = c->out + c->outlen;
	int		 n, blen;

	requests++;
	switch (status) {
	case 201:
		blen = snprintf(body, sizeof(body), "{\"sid\": \"SM%032llx\", "
		    "\"status\": \"queued\"}", requests);
		n = snprintf(out, room, "HTTP/1.1 201 Created\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %d\r\n%s\r\n%s", blen, conn, body);
		break;
	case 202:
		n = snprintf(out, room, "HTTP/1.1 202 Accepted\r\n"
		    "X-Message-Id: sink%llx\r\nContent-Length: 0\r\n%s\r\n",
		    requests, conn);
		break;
	default:
		n = snprintf(out, room, "HTTP/1.1 %d %s\r\n"
		    "Content-Length: 0\r\n%s\r\n", status,
		    status == 404 ? "Not Found" : status == 400 ?
		    "Bad Request" : status == 413 ? "Content Too Large" :
		    "Not Implemented", conn);
		break;
	}
	if (n < 0 || (size_t)n >= room) {
		(void)fprintf(stderr, "sink: answer too long\n");
		exit(1);
	}
	c->outlen += (size_t)n;
	if (close)
		c->closing = true;
}

static void
time_note(void)
{
	struct timespec	 ts;
	int64_t		*t;

	if (ntimes == times_cap) {
		times_cap = times_cap ? times_cap * 2 : 65536;
		if ((t = realloc(times, times_cap * sizeof(*t))) == NULL)
			die("realloc");
		times = t;
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		die("clock_gettime");
	times[ntimes++] = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
times_write(const char *path)
{
	FILE	*f;
	size_t	 i;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < ntimes; i++)
		if (fprintf(f, "%lld\n", (long long)times[i]) < 0) {
			(void)fclose(f);
			return -1;
		}
	return fclose(f) == EOF ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 evs[EVENTS], ev;
	struct signalfd_siginfo	 si;
	struct rlimit		 rl;
	struct conn		*c;
	const char		*portfile = NULL, *timesfile = NULL;
	sigset_t		 mask;
	uint32_t		 e;
	int			 ch, lfd, sfd, n, i;
	bool			 quiet = false;

	while ((ch = getopt(argc, argv, "p:qt:")) != -1) {
		switch (ch) {
		case 'p':
			portfile = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 't':
			timesfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (quiet)
		timesfile = NULL;
	keep_times = timesfile != NULL;

	/* As many connections as we may have descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		die("getrlimit");
	nconns = rl.rlim_cur > 65536 ? 65536 : (size_t)rl.rlim_cur;
	if ((conns = calloc(nconns, sizeof(*conns))) == NULL)
		die("calloc");

	if (sigemptyset(&mask) == -1 || sigaddset(&mask, SIGTERM) == -1 ||
	    sigaddset(&mask, SIGINT) == -1 ||
	    sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		die("sigprocmask");
	(void)signal(SIGPIPE, SIG_IGN);
	if ((sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		die("signalfd");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	lfd = listen_open(portfile);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		die("epoll_ctl");
	ev.data.fd = sfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) == -1)
		die("epoll_ctl");

	for (;;) {
		if ((n = epoll_wait(ep, evs, EVENTS, -1)) == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == lfd) {
				conn_accept(lfd);
				continue;
			}
			if (evs[i].data.fd == sfd) {
				if (read(sfd, &si, sizeof(si)) != sizeof(si))
					continue;
				goto out;
			}
			c = conns[evs[i].data.fd];
			if (c == NULL || c->fd == -1)
				continue;
			e = evs[i].events;
			if (e & EPOLLOUT)
				conn_flush(c);
			else if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR))
				conn_read(c);
		}
	}
out:
	if (timesfile != NULL && times_write(timesfile) == -1)
		die(timesfile);
	(void)fprintf(stderr, "sink: %llu requests\n", requests);
	return 0;
}
