/* tz.h: IANA time zones read from TZif files, without touching the process's TZ. */
#ifndef AFTERCARE_TZ_H
#define AFTERCARE_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Where tz_load() looks for zones by IANA name. */
#define TZ_DIR	"/usr/share/zoneinfo"

struct tz;

/* How tz_local_to_utc() resolved a wall-clock time. */
#define TZ_LOCAL_UNIQUE	0	/* the time happened exactly once */
#define TZ_LOCAL_FOLD	1	/* it happened twice: the first was taken */
#define TZ_LOCAL_GAP	2	/* it never happened: moved forward */

/*
 * Loads the zone called name ("America/New_York") from TZ_DIR.  Names with
 * "..", a leading '/', an empty part or characters other than letters,
 * digits, '/', '_', '-' and '+' are refused.  Returns a zone the caller
 * frees with tz_free(), or NULL with a message in err ("unknown time zone
 * \"Mars/Olympus\"").
 */
struct tz	*tz_load(const char *name, char *err, size_t errlen);

/*
 * Reads TZif data (RFC 8536, versions 1 to 4; the 64-bit data and the
 * POSIX TZ footer of version 2 and later).  Leap-second data ("right/"
 * zones) and UTC offsets beyond -24:59:59..+25:59:59 are refused.  name
 * (may be NULL) is kept for tz_name() and messages.  Pure.  Returns a zone the caller frees
 * with tz_free(), or NULL with a message in err.
 */
struct tz	*tz_parse(const unsigned char *data, size_t len,
		    const char *name, char *err, size_t errlen);

/* Frees a zone; NULL and tz_utc() are ignored. */
void		 tz_free(struct tz *z);

/* The built-in UTC zone, needing no file; never to be freed. */
const struct tz	*tz_utc(void);

/* The name the zone was loaded or parsed with; borrowed. */
const char	*tz_name(const struct tz *z);

/*
 * The UTC offset in seconds (east positive) in force at t: the zone's
 * transitions, then its POSIX TZ rule for instants after the last one.
 * A NULL zone is UTC.
 */
int		 tz_offset(const struct tz *z, time_t t);

/*
 * The instant at which the zone's clocks show local_seconds (a wall-clock
 * time counted in seconds since 1970-01-01T00:00 local), resolved as a
 * person would:
 * - a time that happened once is that instant;
 * - a time repeated when the clocks go back (01:30 on a fall-back night)
 *   is its first occurrence, still on summer time;
 * - a time skipped when the clocks go forward is moved forward by the
 *   length of the gap (02:30 that does not exist becomes 03:30; 02:15 on
 *   Lord Howe's half-hour change becomes 02:45), i.e. it is read with the
 *   offset in force before the change.
 * Sets *fold_or_gap (may be NULL) to TZ_LOCAL_UNIQUE, _FOLD or _GAP.
 */
time_t		 tz_local_to_utc(const struct tz *z, int64_t local_seconds,
		    int *fold_or_gap);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d. */
int64_t		 tz_days_from_civil(int64_t y, int m, int d);

/* The proleptic Gregorian date of day z since 1970-01-01. */
void		 tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

#endif
