/* SPDX-License-Identifier: MIT */
/* aftercared.c: main() of the daemon: options, configuration, then the loop. */

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "schedule.h"

#ifndef AFTERCARE_VERSION
#define AFTERCARE_VERSION "dev"
#endif

static void	usage(FILE *);

static void
usage(FILE *f)
{
	(void)fprintf(f,
	    "usage: aftercared [-v] [-c FILE] [--check-config | --once | "
	    "--dry-run] [--now TIME]\n"
	    "Sends aftercare reminders for treatments in the clinic's "
	    "database.\n\n"
	    "  -c, --config FILE  configuration file (default %s)\n"
	    "      --check-config check the configuration and exit\n"
	    "      --once         send everything due now, then exit\n"
	    "      --dry-run      print what would be sent and when; send "
	    "nothing\n"
	    "      --now TIME     with --once or --dry-run: take the RFC 3339 "
	    "TIME as now\n"
	    "  -v, --verbose      log debug messages\n"
	    "      --version      print the version and exit\n"
	    "  -h, --help         print this help and exit\n\n"
	    "Without --once it runs in the foreground until SIGTERM; SIGHUP "
	    "reloads the configuration.\n", CONFIG_DEFAULT_PATH);
}

int
main(int argc, char *argv[])
{
	enum { OPT_CHECK = 256, OPT_ONCE, OPT_DRY_RUN, OPT_NOW, OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct daemon_opts	 opts = { CONFIG_DEFAULT_PATH, false, false,
				    false, false, 0 };
	struct config		*cfg;
	const char		*now_arg = NULL;
	char			 err[512];
	struct stat		 sb;
	bool			 check = false, path_given = false;
	int			 ch;

	log_init(LOG_PRI_INFO);
	/* A log in a file or on a terminal says when things happened. */
	log_settimestamps(true);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opts.config_path = optarg;
			path_given = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_ONCE:
			opts.once = true;
			break;
		case OPT_DRY_RUN:
			opts.dry_run = true;
			break;
		case OPT_NOW:
			now_arg = optarg;
			break;
		case 'v':
			opts.verbose = true;
			break;
		case OPT_VERSION:
			(void)printf("aftercared %s\n", AFTERCARE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			(void)fprintf(stderr, "aftercared: option %s needs a "
			    "value (see aftercared --help)\n", argv[optind - 1]);
			return 2;
		default:
			(void)fprintf(stderr, "aftercared: unknown option %s "
			    "(see aftercared --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		(void)fprintf(stderr, "aftercared: unexpected argument \"%s\" "
		    "(see aftercared --help)\n", argv[optind]);
		return 2;
	}
	if ((int)check + (int)opts.once + (int)opts.dry_run > 1) {
		(void)fprintf(stderr, "aftercared: use only one of "
		    "--check-config, --once and --dry-run\n");
		return 2;
	}
	if (now_arg != NULL) {
		if (!opts.once && !opts.dry_run) {
			(void)fprintf(stderr, "aftercared: --now needs --once "
			    "or --dry-run\n");
			return 2;
		}
		if (schedule_rfc3339_parse(now_arg, &opts.now, NULL, err,
		    sizeof(err)) == -1) {
			(void)fprintf(stderr, "aftercared: --now: %s\n", err);
			return 2;
		}
		opts.fixed_now = true;
	} else if (opts.dry_run) {
		opts.now = time(NULL);
		opts.fixed_now = true;
	}

	if ((cfg = config_load(opts.config_path, 0, err, sizeof(err))) ==
	    NULL) {
		/* A first run, before the file is installed: say what to do. */
		if (!path_given && stat(opts.config_path, &sb) == -1 &&
		    errno == ENOENT)
			(void)fprintf(stderr, "%s (name another with -c FILE)"
			    "\n", err);
		else
			(void)fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (check) {
		config_free(cfg);
		return 0;
	}
	log_setpriority(opts.verbose ? LOG_PRI_DEBUG : cfg->log_priority);
	return daemon_run(&opts, cfg);
}
