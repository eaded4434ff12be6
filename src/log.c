/* SPDX-License-Identifier: MIT */
/*
 * log.c: one line per event on stderr: with sd-daemon priority prefixes
 * for the journal, with the time (if asked) for anything else.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	log_max = LOG_PRI_INFO;
static bool	log_journal;		/* stderr is the journal's stream */
static bool	log_stamp;		/* start lines with the time */

static bool	journal_stream(void);
static void	vlog(int pri, const char *fmt, va_list ap, const char *suffix)
		    __attribute__((format(printf, 2, 0)));

/*
 * systemd names the journal's stream in $JOURNAL_STREAM as "DEVICE:INODE"
 * (systemd.exec(5)); stderr is that stream only if fd 2 is that file, not
 * one a shell or a unit's StandardError= put in its place.
 */
static bool
journal_stream(void)
{
	struct stat		 sb;
	const char		*s;
	char			*end;
	unsigned long long	 dev, ino;

	if ((s = getenv("JOURNAL_STREAM")) == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	dev = strtoull(s, &end, 10);
	if (errno != 0 || *end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	ino = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	if (fstat(STDERR_FILENO, &sb) == -1)
		return false;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_init(int max_priority)
{
	log_max = max_priority;
	log_journal = journal_stream();
	/* One event per line, whole, even when stderr is a pipe to journald. */
	(void)setvbuf(stderr, NULL, _IOLBF, 0);
}

void
log_settimestamps(bool on)
{
	log_stamp = on;
}

void
log_setpriority(int max_priority)
{
	log_max = max_priority;
}

int
log_priority_parse(const char *name)
{
	static const struct {
		const char	*name;
		int		 pri;
	} names[] = {
		{ "error", LOG_PRI_ERR },
		{ "warning", LOG_PRI_WARNING },
		{ "notice", LOG_PRI_NOTICE },
		{ "info", LOG_PRI_INFO },
		{ "debug", LOG_PRI_DEBUG },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].pri;
	return -1;
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char		 line[1024], head[32];
	char		*p;
	struct tm	 tm;
	time_t		 now;

	if (pri > log_max)
		return;
	head[0] = '\0';
	if (log_journal)
		(void)snprintf(head, sizeof(head), "<%d>", pri);
	else if (log_stamp && time(&now) != (time_t)-1 &&
	    gmtime_r(&now, &tm) != NULL &&
	    strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%SZ ", &tm) == 0)
		head[0] = '\0';
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	/* A line is one event: never let a value break it in two. */
	for (p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (suffix != NULL)
		(void)fprintf(stderr, "%s%s: %s\n", head, line, suffix);
	else
		(void)fprintf(stderr, "%s%s\n", head, line);
}

#define LOGFN(fn, pri)					\
void							\
fn(const char *fmt, ...)				\
{							\
	va_list	ap;					\
							\
	va_start(ap, fmt);				\
	vlog(pri, fmt, ap, NULL);			\
	va_end(ap);					\
}

LOGFN(log_warnx, LOG_PRI_WARNING)
LOGFN(log_err, LOG_PRI_ERR)
LOGFN(log_notice, LOG_PRI_NOTICE)
LOGFN(log_info, LOG_PRI_INFO)
LOGFN(log_debug, LOG_PRI_DEBUG)

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_PRI_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_PRI_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_PRI_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
