/* SPDX-License-Identifier: MIT */
/* schedule.c: pure time math: durations, RFC 3339, due times, backoff. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "schedule.h"
#include "tz.h"

/* Years 0001 to 9999 in seconds do not fit a 32-bit time_t. */
_Static_assert(sizeof(time_t) >= 8, "schedule.c needs a 64-bit time_t");

#define SECS_PER_DAY	86400
#define QUOTE_MAX	40

static bool	is_leap(int64_t y);
static int	month_days(int64_t y, int m);
static void	split_time(time_t t, int64_t offset_secs, int64_t *days,
		    int64_t *sod);
static void	quote(const char *s, char *q, size_t qlen);
static int	field(const char **pp, int n, char sep);
static int64_t	floor_div(int64_t a, int64_t b);

static const char *const weekdays[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

static const char *const months[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static bool
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
month_days(int64_t y, int m)
{
	static const int	 mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return 29;
	return mdays[m - 1];
}

/*
 * Splits t, shifted by offset_secs, into days since the epoch and the
 * second of that day, without ever forming t + offset_secs (which could
 * overflow near the ends of time_t).
 */
static void
split_time(time_t t, int64_t offset_secs, int64_t *days, int64_t *sod)
{
	int64_t	d, s;

	d = (int64_t)t / SECS_PER_DAY;
	s = (int64_t)t % SECS_PER_DAY;
	if (s < 0) {
		s += SECS_PER_DAY;
		d--;
	}
	d += offset_secs / SECS_PER_DAY;
	s += offset_secs % SECS_PER_DAY;
	if (s < 0) {
		s += SECS_PER_DAY;
		d--;
	} else if (s >= SECS_PER_DAY) {
		s -= SECS_PER_DAY;
		d++;
	}
	*days = d;
	*sod = s;
}

/*
 * Copies at most QUOTE_MAX bytes of user input for an error message,
 * never cutting a UTF-8 sequence and showing control characters as '?'.
 */
static void
quote(const char *s, char *q, size_t qlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n, w;

	if (qlen == 0)
		return;
	for (i = n = 0; p[i] != '\0'; i += w) {
		w = 1;
		if (p[i] >= 0xc0)
			while (w < 4 && (p[i + w] & 0xc0) == 0x80)
				w++;
		if (i + w > QUOTE_MAX || n + w + 4 > qlen) {
			if (n + 4 <= qlen) {
				memcpy(q + n, "...", 3);
				n += 3;
			}
			break;
		}
		if (p[i] < 0x20 || p[i] == 0x7f)
			q[n] = '?';
		else
			memcpy(q + n, p + i, w);
		n += w;
	}
	q[n] = '\0';
}

/*
 * Reads exactly n decimal digits, then the separator sep unless it is
 * NUL; -1 if they are not there.
 */
static int
field(const char **pp, int n, char sep)
{
	const char	*p = *pp;
	int		 v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (sep != '\0') {
		if (*p != sep)
			return -1;
		p++;
	}
	*pp = p;
	return v;
}

int
schedule_duration_parse(const char *s, int64_t *secs, char *err,
    size_t errlen)
{
	char		 q[QUOTE_MAX + 8];
	const char	*p, *num;
	int64_t		 total = 0, v, unit;
	int		 nlen;
	bool		 neg = false;

	if (s == NULL || *s == '\0') {
		(void)snprintf(err, errlen, "empty duration");
		return -1;
	}
	quote(s, q, sizeof(q));
	if (strpbrk(s, " \t\n\r\v\f") != NULL) {
		(void)snprintf(err, errlen, "\"%s\": remove the spaces", q);
		return -1;
	}
	p = s;
	if (*p == '-') {
		neg = true;
		p++;
	}
	do {
		if (*p == '-' || *p == '+') {
			(void)snprintf(err, errlen,
			    "\"%s\": a sign may only start the duration", q);
			return -1;
		}
		if (*p < '0' || *p > '9') {
			(void)snprintf(err, errlen,
			    "\"%s\": expected a number such as 24h", q);
			return -1;
		}
		/* Stop accumulating past the maximum: no overflow. */
		num = p;
		for (v = 0; *p >= '0' && *p <= '9'; p++)
			if (v <= SCHEDULE_DURATION_MAX)
				v = v * 10 + (*p - '0');
		switch (*p) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = SECS_PER_DAY;
			break;
		case 'w':
			unit = 7 * SECS_PER_DAY;
			break;
		case '\0':
			nlen = p - num > 12 ? 12 : (int)(p - num);
			(void)snprintf(err, errlen, "\"%s\": missing unit: "
			    "write %.*sh, %.*sm, %.*sd...", q, nlen, num, nlen,
			    num, nlen, num);
			return -1;
		default:
			if (*p > ' ' && *p < 0x7f)
				(void)snprintf(err, errlen, "\"%s\": unknown "
				    "unit '%c' (use s, m, h, d or w)", q, *p);
			else
				(void)snprintf(err, errlen, "\"%s\": unknown "
				    "unit (use s, m, h, d or w)", q);
			return -1;
		}
		p++;
		if (v > SCHEDULE_DURATION_MAX / unit ||
		    v * unit > SCHEDULE_DURATION_MAX - total) {
			(void)snprintf(err, errlen,
			    "\"%s\": longer than 10 years", q);
			return -1;
		}
		total += v * unit;
	} while (*p != '\0');
	*secs = neg ? -total : total;
	return 0;
}

void
schedule_duration_format(int64_t secs, char *buf, size_t len)
{
	static const struct {
		uint64_t	 secs;
		char		 unit;
	} units[] = {
		{ 7 * SECS_PER_DAY, 'w' },
		{ SECS_PER_DAY, 'd' },
		{ 3600, 'h' },
		{ 60, 'm' },
		{ 1, 's' },
	};
	uint64_t	 mag;
	size_t		 i, n = 0;
	int		 r;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (secs == 0) {
		(void)snprintf(buf, len, "0s");
		return;
	}
	/* Magnitude in unsigned arithmetic, so INT64_MIN is fine. */
	mag = secs < 0 ? 0 - (uint64_t)secs : (uint64_t)secs;
	if (secs < 0)
		n = (size_t)snprintf(buf, len, "-");
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && n < len; i++) {
		if (mag / units[i].secs == 0)
			continue;
		r = snprintf(buf + n, len - n, "%llu%c",
		    (unsigned long long)(mag / units[i].secs), units[i].unit);
		if (r < 0)
			return;
		n += (size_t)r;
		mag %= units[i].secs;
	}
}

int
schedule_rfc3339_parse(const char *s, time_t *t, int *offset_min,
    char *err, size_t errlen)
{
	char		 q[QUOTE_MAX + 8];
	const char	*p;
	int		 year, month, day, hour, min, sec = -1;
	int		 oh, om, off;
	int64_t		 days;

	if (s == NULL || *s == '\0') {
		(void)snprintf(err, errlen, "empty date-time");
		return -1;
	}
	quote(s, q, sizeof(q));
	if (strchr(" \t\n\r\v\f", s[0]) != NULL ||
	    strchr(" \t\n\r\v\f", s[strlen(s) - 1]) != NULL) {
		(void)snprintf(err, errlen,
		    "\"%s\": remove the surrounding spaces", q);
		return -1;
	}

	p = s;
	year = field(&p, 4, '-');
	month = year < 0 ? -1 : field(&p, 2, '-');
	day = month < 0 ? -1 : field(&p, 2, '\0');
	if (day < 0) {
		(void)snprintf(err, errlen,
		    "\"%s\": expected a date as YYYY-MM-DD", q);
		return -1;
	}
	if (month < 1 || month > 12) {
		(void)snprintf(err, errlen, "\"%s\": no such month", q);
		return -1;
	}
	if (day < 1 || day > month_days(year, month)) {
		(void)snprintf(err, errlen, "\"%s\": no such day", q);
		return -1;
	}
	if (*p == '\0') {
		(void)snprintf(err, errlen, "\"%s\": missing the time "
		    "(write it as %.10sT09:00:00Z)", q, s);
		return -1;
	}
	if (*p != 'T' && *p != 't' && *p != ' ') {
		(void)snprintf(err, errlen,
		    "\"%s\": expected 'T' between date and time", q);
		return -1;
	}
	p++;
	hour = field(&p, 2, ':');
	min = hour < 0 ? -1 : field(&p, 2, '\0');
	if (min >= 0 && *p == ':') {
		p++;
		sec = field(&p, 2, '\0');
		if (sec < 0)
			min = -1;
	}
	if (min < 0) {
		(void)snprintf(err, errlen,
		    "\"%s\": expected a time as hh:mm:ss", q);
		return -1;
	}
	if (hour > 23) {
		(void)snprintf(err, errlen,
		    "\"%s\": hour must be 00 to 23", q);
		return -1;
	}
	if (min > 59) {
		(void)snprintf(err, errlen,
		    "\"%s\": minute must be 00 to 59", q);
		return -1;
	}
	if (sec == 60) {
		(void)snprintf(err, errlen, "\"%s\": leap seconds are not "
		    "supported (write :59)", q);
		return -1;
	}
	if (sec > 60) {
		(void)snprintf(err, errlen,
		    "\"%s\": second must be 00 to 59", q);
		return -1;
	}
	if (*p == '.' && sec >= 0) {
		p++;
		if (*p < '0' || *p > '9') {
			(void)snprintf(err, errlen,
			    "\"%s\": expected digits after '.'", q);
			return -1;
		}
		/* Fractions are truncated: instants are whole seconds. */
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == '\0') {
		(void)snprintf(err, errlen,
		    "\"%s\": missing UTC offset (add Z or +01:00)", q);
		return -1;
	}
	if (sec < 0) {
		(void)snprintf(err, errlen,
		    "\"%s\": missing seconds (write %02d:%02d:00)", q, hour,
		    min);
		return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		off = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		const char	*sign = p++;

		oh = field(&p, 2, ':');
		om = oh < 0 ? -1 : field(&p, 2, '\0');
		if (om < 0 || oh > 23 || om > 59) {
			(void)snprintf(err, errlen, "\"%s\": UTC offset must "
			    "be Z or +hh:mm, from -23:59 to +23:59", q);
			return -1;
		}
		off = oh * 60 + om;
		if (*sign == '-')
			off = -off;
	} else {
		(void)snprintf(err, errlen, "\"%s\": UTC offset must be Z "
		    "or +hh:mm, from -23:59 to +23:59", q);
		return -1;
	}
	if (*p != '\0') {
		(void)snprintf(err, errlen,
		    "\"%s\": unexpected text after the UTC offset", q);
		return -1;
	}

	days = tz_days_from_civil(year, month, day);
	*t = (time_t)(days * SECS_PER_DAY + hour * 3600 + min * 60 + sec -
	    (int64_t)off * 60);
	if (offset_min != NULL)
		*offset_min = off;
	return 0;
}

void
schedule_rfc3339_format(time_t t, char *buf, size_t len)
{
	int64_t		 days, sod, year;
	int		 month, day;

	split_time(t, 0, &days, &sod);
	tz_civil_from_days(days, &year, &month, &day);
	(void)snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
	    (long long)year, month, day, (int)(sod / 3600),
	    (int)(sod / 60 % 60), (int)(sod % 60));
}

void
schedule_local_format(time_t t, const struct tz *z, char *buf, size_t len)
{
	char	utc[32];
	int	off = z ? tz_offset(z, t) : 0, a = off < 0 ? -off : off;

	schedule_rfc3339_format(t + off, utc, sizeof(utc));
	utc[10] = ' ';
	(void)snprintf(buf, len, "%.16s %c%02d:%02d", utc, off < 0 ? '-' : '+',
	    a / 3600, a % 3600 / 60);
}

void
schedule_date_format(time_t t, int offset_min, char *buf, size_t len)
{
	int64_t		 days, sod, year;
	int		 month, day;

	split_time(t, (int64_t)offset_min * 60, &days, &sod);
	tz_civil_from_days(days, &year, &month, &day);
	/* 1970-01-01 was a Thursday. */
	(void)snprintf(buf, len, "%s %d %s",
	    weekdays[(days % 7 + 7 + 4) % 7], day, months[month - 1]);
}

time_t
schedule_due_at(time_t performed, int64_t after)
{
	int64_t	p = (int64_t)performed;

	/* Saturate rather than wrap; durations are bounded anyway. */
	if (after > 0 && p > INT64_MAX - after)
		return (time_t)INT64_MAX;
	if (after < 0 && p < INT64_MIN - after)
		return (time_t)INT64_MIN;
	return (time_t)(p + after);
}

int64_t
schedule_backoff(int attempts, int64_t base, int64_t cap, uint32_t rnd)
{
	uint64_t	v, half, span, spread;

	if (attempts < 1)
		attempts = 1;
	if (base < 1)
		base = 1;
	if (cap < 1)
		cap = 1;
	/* Doubling stops at the cap, so huge attempts cannot overflow. */
	v = (uint64_t)base;
	while (--attempts > 0 && v < (uint64_t)cap)
		v *= 2;
	if (v > (uint64_t)cap)
		v = (uint64_t)cap;

	/*
	 * v/2 + span * rnd / 2^32, with span = v - v/2, split in two halves
	 * so the product fits in 64 bits.
	 */
	half = v / 2;
	span = v - half;
	spread = (span >> 32) * rnd + (((span & 0xffffffffu) * rnd) >> 32);
	v = half + spread;
	return v < 1 ? 1 : (int64_t)v;
}

bool
schedule_duration_calendar(const char *s)
{
	int64_t	secs;

	if (s == NULL || schedule_duration_parse(s, &secs, NULL, 0) != 0)
		return false;
	/* Parsed, so every unit follows digits: look at the letters only. */
	for (; *s != '\0'; s++)
		if (*s >= 'a' && *s <= 'z' && *s != 'd' && *s != 'w')
			return false;
	return true;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a % b < 0) != (b < 0));
}

/*
 * Beyond this distance from 1970 (about 292 million years) wall clocks
 * are not worth their overflow checks: plain elapsed time is used.
 */
#define WALL_MAX	((int64_t)1 << 53)

time_t
schedule_due_in_zone(time_t performed, int64_t after, bool calendar,
    const struct tz *z)
{
	int64_t	p = (int64_t)performed, local;

	if (!calendar || after == 0 || after % SECS_PER_DAY != 0 ||
	    p < -WALL_MAX || p > WALL_MAX || after < -WALL_MAX ||
	    after > WALL_MAX)
		return schedule_due_at(performed, after);
	/* Same wall-clock time, after days on the local calendar. */
	local = p + tz_offset(z, performed) + after;
	return tz_local_to_utc(z, local, NULL);
}

time_t
schedule_quiet_defer(time_t due, int start_min, int end_min,
    const struct tz *z)
{
	int64_t	d = (int64_t)due, off, local, day, sod, start, end, target;
	time_t	t;

	start = (int64_t)((start_min % 1440 + 1440) % 1440) * 60;
	end = (int64_t)((end_min % 1440 + 1440) % 1440) * 60;
	if (start == end || d < -WALL_MAX || d > WALL_MAX)
		return due;
	off = tz_offset(z, due);
	local = d + off;
	day = floor_div(local, SECS_PER_DAY);
	sod = local - day * SECS_PER_DAY;
	if (start < end ? sod < start || sod >= end : sod < start &&
	    sod >= end)
		return due;
	/* Quiet: the end is today if it is still ahead, else tomorrow. */
	target = (sod < end ? day : day + 1) * SECS_PER_DAY + end;
	t = tz_local_to_utc(z, target, NULL);
	/*
	 * The first occurrence of an end repeated at fall-back can lie
	 * before due (due at 01:10 on the second pass, end 01:30): take the
	 * occurrence on the clock that due is read on.
	 */
	if ((int64_t)t <= d)
		t = (time_t)(target - off);
	return (int64_t)t > d ? t : due;
}

bool
schedule_pace(double *next, double interval, double now, double *wait)
{
	if (interval <= 0)
		return true;
	if (now < *next) {
		*wait = *next - now;
		return false;
	}
	if (now - *next < interval)
		*next += interval;
	else
		*next = now + interval;
	return true;
}
