/* SPDX-License-Identifier: MIT */
/* aftercare-inbound.c: main() of the receiver: options, configuration, the sockets, then the server. */

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sd.h"
#include "config.h"
#include "log.h"
#include "receiver.h"
#include "store.h"

#ifndef AFTERCARE_VERSION
#define AFTERCARE_VERSION "dev"
#endif

static void	usage(FILE *);

static void
usage(FILE *f)
{
	(void)fprintf(f,
	    "usage: aftercare-inbound [-v] [-c FILE] [--check-config]\n"
	    "Receives the messaging providers' webhooks (patients' replies, "
	    "delivery receipts)\nand writes them to the clinic's database.\n\n"
	    "  -c, --config FILE  configuration file (default %s)\n"
	    "      --check-config check the configuration and exit\n"
	    "  -v, --verbose      log debug messages\n"
	    "      --version      print the version and exit\n"
	    "  -h, --help         print this help and exit\n\n"
	    "It listens on inbound.listen, or on the sockets systemd passes, "
	    "in the foreground\nuntil SIGTERM.\n", CONFIG_DEFAULT_PATH);
}

int
main(int argc, char *argv[])
{
	enum { OPT_CHECK = 256, OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	*cfg;
	struct store	*st = NULL;
	const char	*path = CONFIG_DEFAULT_PATH;
	char		 err[512];
	struct stat	 sb;
	int		 fds[SD_LISTEN_FDS_MAX];
	size_t		 nfds, i;
	bool		 check = false, verbose = false, path_given = false;
	int		 ch, ret = 1;

	log_init(LOG_PRI_INFO);
	log_settimestamps(true);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			path_given = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_VERSION:
			(void)printf("aftercare-inbound %s\n",
			    AFTERCARE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			(void)fprintf(stderr, "aftercare-inbound: option %s "
			    "needs a value (see aftercare-inbound --help)\n",
			    argv[optind - 1]);
			return 2;
		default:
			(void)fprintf(stderr, "aftercare-inbound: unknown "
			    "option %s (see aftercare-inbound --help)\n",
			    argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		(void)fprintf(stderr, "aftercare-inbound: unexpected argument "
		    "\"%s\" (see aftercare-inbound --help)\n", argv[optind]);
		return 2;
	}
	if ((cfg = config_load(path, 0, err, sizeof(err))) == NULL) {
		if (!path_given && stat(path, &sb) == -1 && errno == ENOENT)
			(void)fprintf(stderr, "%s (name another with -c FILE)"
			    "\n", err);
		else
			(void)fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!cfg->inbound.enabled) {
		(void)fprintf(stderr, "%s: no \"inbound\" section: "
		    "aftercare-inbound needs at least inbound.public_url\n",
		    cfg->path);
		config_free(cfg);
		return 2;
	}
	if (check) {
		config_free(cfg);
		return 0;
	}
	log_setpriority(verbose ? LOG_PRI_DEBUG : cfg->log_priority);
	if (geteuid() == 0)
		log_warnx("running as root: aftercare-inbound needs no "
		    "privileges; run it as its own user (see "
		    "systemd/aftercare-inbound.service)");

	/* The sockets systemd passes, else inbound.listen. */
	if (sd_listen_fds(&nfds) == -1)
		goto out;
	for (i = 0; i < nfds; i++)
		fds[i] = SD_LISTEN_FDS_START + (int)i;
	if (nfds == 0) {
		if ((fds[0] = receiver_listen(cfg)) == -1)
			goto out;
		nfds = 1;
	}
	if ((st = store_open(cfg->database, 0)) == NULL) {
		for (i = 0; i < nfds; i++)
			(void)close(fds[i]);
		goto out;
	}
	ret = receiver_run(cfg, st, fds, nfds) == 0 ? 0 : 1;
out:
	store_close(st);
	config_free(cfg);
	return ret;
}
