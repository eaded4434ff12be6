/* cli.h: one function per aftercarectl command. */
#ifndef AFTERCARE_CLI_H
#define AFTERCARE_CLI_H

#include <stdio.h>

struct config;

/* Exit statuses of aftercarectl. */
#define CLI_OK		0
#define CLI_FAILED	1	/* the command could not be carried out */
#define CLI_USAGE	2	/* the command line is wrong */

/*
 * Each runs one command with its own arguments (argv[0] is the command's
 * first word), printing results on stdout and one line on stderr per
 * problem.  Returns a CLI_* exit status.
 */
int	cli_init(const struct config *cfg, int argc, char **argv);
int	cli_patient(const struct config *cfg, int argc, char **argv);
int	cli_treatment(const struct config *cfg, int argc, char **argv);
int	cli_reminders(const struct config *cfg, int argc, char **argv);
int	cli_status(const struct config *cfg, int argc, char **argv);
int	cli_preview(const struct config *cfg, int argc, char **argv);
int	cli_history(const struct config *cfg, int argc, char **argv);
int	cli_optout(const struct config *cfg, int argc, char **argv);
int	cli_optin(const struct config *cfg, int argc, char **argv);
int	cli_replies(const struct config *cfg, int argc, char **argv);
int	cli_reply(const struct config *cfg, int argc, char **argv);

/* Prints the list of commands. */
void	cli_usage(FILE *f);

#endif
