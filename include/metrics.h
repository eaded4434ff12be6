/* metrics.h: the Prometheus text file, for node_exporter's collector. */
#ifndef AFTERCARE_METRICS_H
#define AFTERCARE_METRICS_H

#include <stdint.h>
#include <time.h>

#include "config.h"

struct buf;
struct store_status;

/* Why a send did not succeed, as counted in the metrics. */
enum fail_reason {
	FAIL_UNREACHABLE,	/* no connection, name or TLS session */
	FAIL_TRANSPORT,		/* reached, then timed out or broke off */
	FAIL_RATE_LIMITED,	/* 429 */
	FAIL_SERVER_ERROR,	/* 5xx (and 408) */
	FAIL_REJECTED,		/* any other answer */
	FAIL_RECIPIENT,		/* no usable number: never sent */
	FAIL__COUNT
};

/* What the daemon counts since it started, by channel; zero it to start. */
struct metrics {
	uint64_t	 sends[CHANNEL__COUNT];	/* the gateway accepted */
	uint64_t	 failures[CHANNEL__COUNT][FAIL__COUNT];
	time_t		 last_success;	/* 0: none since start */
	double		 pass_seconds;	/* how long the last pass took */
};

/*
 * Pure: appends the metrics text to b: the reminders by state from s,
 * m's counts for each channel whose provider[ch] is not NULL (labelled
 * with it), and s's patients' replies (open, urgent) and escalations
 * (waiting, failed).  The last success is m's, else s's last_sent.
 */
void	metrics_format(struct buf *b, const struct metrics *m,
	    const struct store_status *s,
	    const char *const provider[CHANNEL__COUNT]);

/*
 * Writes that text to path: to path.tmp, then renamed over path, so that
 * the collector never reads half a file.  Returns 0, or -1 (logged; the
 * old file, if any, is left as it was).
 */
int	metrics_write(const char *path, const struct metrics *m,
	    const struct store_status *s,
	    const char *const provider[CHANNEL__COUNT]);

#endif
