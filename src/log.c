/* SPDX-License-Identifier: MIT */
/* log.c: one line per event on stderr, with sd-daemon priority prefixes. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static int	log_max = LOG_PRI_INFO;

static void	vlog(int pri, const char *fmt, va_list ap, const char *suffix)
		    __attribute__((format(printf, 2, 0)));

void
log_init(int max_priority)
{
	log_max = max_priority;
	/* One event per line, whole, even when stderr is a pipe to journald. */
	(void)setvbuf(stderr, NULL, _IOLBF, 0);
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
	char	line[1024];
	char	*p;

	if (pri > log_max)
		return;
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	/* A line is one event: never let a value break it in two. */
	for (p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (suffix != NULL)
		(void)fprintf(stderr, "<%d>%s: %s\n", pri, line, suffix);
	else
		(void)fprintf(stderr, "<%d>%s\n", pri, line);
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
