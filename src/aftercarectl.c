/* SPDX-License-Identifier: MIT */
/* aftercarectl.c: main() of the staff tool: global options, then a command. */

#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "log.h"

#ifndef AFTERCARE_VERSION
#define AFTERCARE_VERSION "dev"
#endif

static const struct {
	const char	*name;
	int		(*fn)(const struct config *, int, char **);
} commands[] = {
	{ "init", cli_init },
	{ "patient", cli_patient },
	{ "treatment", cli_treatment },
	{ "reminders", cli_reminders },
	{ "status", cli_status },
	{ "history", cli_history },
	{ "preview", cli_preview },
	{ "optout", cli_optout },
	{ "optin", cli_optin },
	{ "replies", cli_replies },
	{ "reply", cli_reply },
};

int
main(int argc, char *argv[])
{
	struct config	*cfg;
	const char	*path = CONFIG_DEFAULT_PATH;
	char		 err[512];
	struct stat	 sb;
	size_t		 i;
	int		 a = 1, ret;
	bool		 path_given = false;

	log_init(LOG_PRI_WARNING);
	while (a < argc && argv[a][0] == '-') {
		if (strcmp(argv[a], "--help") == 0 ||
		    strcmp(argv[a], "-h") == 0) {
			cli_usage(stdout);
			return CLI_OK;
		}
		if (strcmp(argv[a], "--version") == 0) {
			(void)printf("aftercarectl %s\n", AFTERCARE_VERSION);
			return CLI_OK;
		}
		if (strcmp(argv[a], "-c") == 0 ||
		    strcmp(argv[a], "--config") == 0) {
			if (a + 1 >= argc) {
				(void)fprintf(stderr, "aftercarectl: %s needs "
				    "a file (see aftercarectl --help)\n",
				    argv[a]);
				return CLI_USAGE;
			}
			path = argv[a + 1];
			path_given = true;
			a += 2;
			continue;
		}
		(void)fprintf(stderr, "aftercarectl: unknown option %s "
		    "(see aftercarectl --help)\n", argv[a]);
		return CLI_USAGE;
	}
	if (a >= argc) {
		(void)fprintf(stderr, "aftercarectl: missing command (see "
		    "aftercarectl --help)\n");
		return CLI_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[a], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		(void)fprintf(stderr, "aftercarectl: unknown command \"%.40s\" "
		    "(see aftercarectl --help)\n", argv[a]);
		return CLI_USAGE;
	}
	/* Staff need not read the gateway's secrets to manage patients. */
	if ((cfg = config_load(path, CONFIG_NO_SECRETS, err, sizeof(err))) ==
	    NULL) {
		/* A first run, before the file is installed: say what to do. */
		if (!path_given && stat(path, &sb) == -1 && errno == ENOENT)
			(void)fprintf(stderr, "%s (name another with -c FILE)"
			    "\n", err);
		else
			(void)fprintf(stderr, "%s\n", err);
		return CLI_USAGE;
	}
	ret = commands[i].fn(cfg, argc - a, argv + a);
	config_free(cfg);
	return ret;
}
