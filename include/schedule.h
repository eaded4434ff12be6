/* schedule.h: pure time math: durations, RFC 3339 instants, due times, backoff. */
#ifndef AFTERCARE_SCHEDULE_H
#define AFTERCARE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tz;

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

/* Formats t as "2026-12-01 10:00 -05:00" in zone z (NULL: UTC). */
void	schedule_local_format(time_t t, const struct tz *z, char *buf,
	    size_t len);

/*
 * Formats the calendar date of t as seen at UTC offset offset_min, in
 * English: "Tuesday 24 November".
 */
void	schedule_date_format(time_t t, int offset_min, char *buf, size_t len);

/* The instant a milestone is due: the treatment plus the offset. */
time_t	schedule_due_at(time_t performed, int64_t after);

/*
 * Whether a duration that schedule_duration_parse() accepts is written in
 * days and weeks only ("7d", "2w", "-3d", "1w2d"), the calendar units that
 * schedule_due_in_zone() keeps on the wall clock.
 */
bool	schedule_duration_calendar(const char *s);

/*
 * The instant a milestone is due for a patient living in zone z (NULL is
 * UTC).  An offset written in days or weeks (calendar true, as
 * schedule_duration_calendar() tells) that is a whole, non-zero number of
 * days keeps the treatment's wall-clock time in z: a treatment at 10:00
 * gives a "7d" reminder at 10:00 a week later, also across a DST change.
 * Should that wall-clock time not exist or happen twice on the day, it is
 * resolved as tz_local_to_utc() does (02:30 on a spring-forward night
 * becomes 03:30; on a fall-back night the first 01:30 is taken).  Any
 * other offset ("24h", "90m", "1d12h") is real elapsed time, as
 * schedule_due_at(): "24h" and "1d" differ across a DST change.
 */
time_t	schedule_due_in_zone(time_t performed, int64_t after, bool calendar,
	    const struct tz *z);

/*
 * Quiet hours: from start_min to end_min, in minutes after local midnight
 * in zone z (NULL is UTC), e.g. 1200 and 540 for 20:00-09:00.  They may
 * wrap midnight; start_min == end_min means none; values are taken modulo
 * 1440.  A reminder due inside them (start included, end excluded, on the
 * wall clock at due) is deferred to their end: the next local end_min
 * after due.  If that wall-clock time is skipped by a DST change it moves
 * forward by the gap (09:00 skipped becomes 10:00); if it happens twice,
 * the first occurrence after due is taken.  Returns due otherwise.
 */
time_t	schedule_quiet_defer(time_t due, int start_min, int end_min,
	    const struct tz *z);

/*
 * Delay before retry number `attempts` (1 for the first retry):
 * base * 2^(attempts-1), capped at cap, then spread by jitter in
 * [0.5, 1.0] of that value using rnd (any 32-bit random number), so
 * that reminders that failed together do not retry together.
 */
int64_t	schedule_backoff(int attempts, int64_t base, int64_t cap, uint32_t rnd);

/*
 * Paces events to one per interval seconds (a token bucket of one token,
 * as GCRA): whether one may happen at now, given *next, the earliest
 * time the next one may (0 at first), which it then advances.  An event
 * a little late keeps its place in the schedule, so the average rate
 * holds; one after an idle spell starts a new schedule, so there is never
 * a burst.  If not, sets *wait to the seconds until it may.  interval 0
 * means no pacing.
 */
bool	schedule_pace(double *next, double interval, double now,
	    double *wait);

#endif
