/* SPDX-License-Identifier: MIT */
/* rusage.c: runs a command and reports its wall time, CPU time and peak RSS. */

/*
 * usage: rusage OUTFILE COMMAND [ARG...]
 *
 * Runs COMMAND, waits for it, and writes one line to OUTFILE:
 *
 *   wall=1.234567 user=0.812000 sys=0.104000 maxrss_kb=5120
 *
 * (seconds; the peak resident set size of COMMAND, as wait4(2) gives it),
 * then exits as COMMAND did (128 + the signal if it was killed).  Unlike
 * time(1) this needs no package.
 */

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec	 t0, t1;
	struct rusage	 ru;
	FILE		*f;
	pid_t		 pid;
	int		 status;

	if (argc < 3) {
		(void)fprintf(stderr, "usage: rusage OUTFILE COMMAND "
		    "[ARG...]\n");
		return 2;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &t0) == -1)
		goto fail;
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		(void)fprintf(stderr, "rusage: %s: %s\n", argv[2],
		    strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR)
			goto fail;
	if (clock_gettime(CLOCK_MONOTONIC, &t1) == -1)
		goto fail;
	if ((f = fopen(argv[1], "w")) == NULL)
		goto fail;
	if (fprintf(f, "wall=%.6f user=%ld.%06ld sys=%ld.%06ld "
	    "maxrss_kb=%ld\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	    (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
	    (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
	    ru.ru_maxrss) < 0 || fclose(f) == EOF)
		goto fail;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
fail:
	(void)fprintf(stderr, "rusage: %s\n", strerror(errno));
	return 1;
}
