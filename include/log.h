/* log.h: one line per event on stderr, with sd-daemon priority prefixes. */
#ifndef AFTERCARE_LOG_H
#define AFTERCARE_LOG_H

/* Priorities as in syslog(3) and sd-daemon(3): the "<N>" line prefix. */
#define LOG_PRI_ERR	3
#define LOG_PRI_WARNING	4
#define LOG_PRI_NOTICE	5
#define LOG_PRI_INFO	6
#define LOG_PRI_DEBUG	7

/*
 * Lines above max_priority are dropped.  Never log a phone number, an
 * email address, a name or a message body: refer to ids.
 */
void	log_init(int max_priority);
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
