/* schedule.h: pure time math: durations, RFC 3339 instants, due times, backoff. */
#ifndef AFTERCARE_SCHEDULE_H
#define AFTERCARE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Upper bound on any duration we accept: 10 years. */
#define SCHEDULE_DURATION_MAX	((int64_t)10 * 366 * 86400)

/*
 * Parses a duration such as "24h", "7d", "90m", "45s", "2w", "1d12h" or,
 * for a reminder before the event, "-3d".  Units: s m h d w.  A bare number
 * is rejected (the unit is not obvious).  Returns 0 and the signed number
 * of seconds, or -1 with a message in err.
 */
int	schedule_duration_parse(const char *s, int64_t *secs, char *err,
	    size_t errlen);

/*
 * Formats a duration the way schedule_duration_parse() reads it, using the
 * largest units that divide it ("1d12h", "-3d", "0s").
 */
void	schedule_duration_format(int64_t secs, char *buf, size_t len);

/*
 * Parses an RFC 3339 date-time, "2026-11-24T14:00:00Z" or
 * "2026-11-24T09:00:00.250-05:00" ('t', 'z' and a space for 'T' are
 * accepted; fractions are truncated).  Sets *t to the UTC instant and
 * *offset_min (may be NULL) to the written UTC offset in minutes.
 * Rejects impossible dates (Feb 30), leap seconds, and anything trailing.
 * Returns 0, or -1 with a message in err.
 */
int	schedule_rfc3339_parse(const char *s, time_t *t, int *offset_min,
	    char *err, size_t errlen);

/* Formats t as "2026-11-24T14:00:00Z" (len >= 21). */
void	schedule_rfc3339_format(time_t t, char *buf, size_t len);

/*
 * Formats the calendar date of t as seen at UTC offset offset_min, in
 * English: "Tuesday 24 November".
 */
void	schedule_date_format(time_t t, int offset_min, char *buf, size_t len);

/* The instant a milestone is due: the treatment plus the offset. */
time_t	schedule_due_at(time_t performed, int64_t after);

/*
 * Delay before retry number `attempts` (1 for the first retry):
 * base * 2^(attempts-1), capped at cap, then spread by jitter in
 * [0.5, 1.0] of that value using rnd (any 32-bit random number), so
 * that reminders that failed together do not retry together.
 */
int64_t	schedule_backoff(int attempts, int64_t base, int64_t cap, uint32_t rnd);

#endif
