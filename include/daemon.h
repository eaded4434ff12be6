/* daemon.h: the delivery loop: claim due reminders, send, record, sleep. */
#ifndef AFTERCARE_DAEMON_H
#define AFTERCARE_DAEMON_H

#include <stdbool.h>
#include <time.h>

struct config;

struct daemon_opts {
	const char	*config_path;
	bool		 once;		/* one pass, then return */
	bool		 dry_run;	/* print what would be sent; change nothing */
	bool		 verbose;	/* debug logging, whatever the config says */
	bool		 fixed_now;	/* take `now` as the time (tests, catch-up) */
	time_t		 now;
};

/*
 * Runs aftercared with an already loaded cfg, which it takes over (it is
 * replaced on SIGHUP and freed on return).  Returns the process exit
 * status: 0 after a clean stop or a completed pass, 1 on a runtime
 * failure (database unusable, libcurl broken).
 */
int	daemon_run(const struct daemon_opts *opts, struct config *cfg);

#endif
