/*
 * log.h: one line per event on stderr: with sd-daemon priority prefixes
 * for the journal, with the time (if asked) for anything else.
 */
#ifndef AFTERCARE_LOG_H
#define AFTERCARE_LOG_H

#include <stdbool.h>

/* Priorities as in syslog(3) and sd-daemon(3): the "<N>" line prefix. */
#define LOG_PRI_ERR	3
#define LOG_PRI_WARNING	4
#define LOG_PRI_NOTICE	5
#define LOG_PRI_INFO	6
#define LOG_PRI_DEBUG	7

/*
 * Lines above max_priority are dropped.  A line starts with its "<N>"
 * only when stderr is the journal ($JOURNAL_STREAM names it), which reads
 * the priority from it.  Never log a phone number, an email address, a
 * name or a message body: refer to ids.
 */
void	log_init(int max_priority);
/*
 * When stderr is not the journal, start each line with the time (RFC 3339,
 * UTC, e.g. "2026-12-03T20:15:02Z "), so that a log file says when things
 * happened.  Off until called.
 */
void	log_settimestamps(bool on);
void	log_setpriority(int max_priority);
/* Parses "error", "warning", "notice", "info", "debug"; -1 if unknown. */
int	log_priority_parse(const char *name);

void	log_warn(const char *fmt, ...)		/* appends ": strerror(errno)" */
	    __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_err(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_notice(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Log at error priority and exit(1); fatal() appends strerror(errno). */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
