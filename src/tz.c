/* SPDX-License-Identifier: MIT */
/* tz.c: civil days, TZif (RFC 8536) zones, POSIX TZ rules; queried purely. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"
#include "util.h"

_Static_assert(sizeof(time_t) >= 8, "tz.c needs a 64-bit time_t");

#define SECS_PER_DAY	86400
/*
 * RFC 8536 3.2: a UTC offset should lie within -24:59:59 and +25:59:59;
 * we refuse others, which bounds the search in tz_local_to_utc().
 */
#define OFF_MIN		(-89999)
#define OFF_MAX		93599
#define NAME_MAX_LEN	100
#define FILE_MAX	(1024 * 1024)
#define FOOTER_MAX	255
#define QUOTE_MAX	40
/* The Gregorian calendar, weekdays included, repeats every 400 years. */
#define ERA_SECS	((int64_t)146097 * SECS_PER_DAY)

enum rule_kind {
	RULE_JULIAN,		/* Jn: 1..365, February 29 never counted */
	RULE_ZERO,		/* n: 0..365, February 29 counted */
	RULE_MONTH		/* Mm.w.d: day d of week w of month m */
};

struct rule_date {
	enum rule_kind	 kind;
	int		 n, m, w, d;
	int32_t		 time;	/* local seconds after midnight */
};

/* A POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0", offsets east positive. */
struct rule {
	int32_t			 std_off, dst_off;
	bool			 dst;
	struct rule_date	 start, end;
};

struct tz {
	char		*name;
	size_t		 ntrans;
	int64_t		*trans;		/* strictly ascending */
	int32_t		*trans_off;	/* UTC offset from trans[i] on */
	int32_t		 first_off;	/* before trans[0]: type 0 */
	bool		 has_rule;	/* after the last transition */
	struct rule	 rule;
};

struct reader {
	const unsigned char	*p;
	size_t			 left;
};

static char		 utc_name[] = "UTC";
static const struct tz	 utc_zone = {
	utc_name, 0, NULL, NULL, 0, true, { 0, 0, false, { 0 }, { 0 } }
};

static void	quote(const char *s, char *q, size_t qlen);
static int	name_check(const char *name, char *why, size_t whylen);
static uint32_t	be32(const unsigned char *p);
static uint64_t	be64(const unsigned char *p);
static int	parse_block(struct tz *z, const unsigned char *p, int tsize,
		    const uint32_t cnt[6], char *why, size_t whylen);
static int	parse_counts(const unsigned char *p, size_t left,
		    uint32_t cnt[6], uint64_t *size, int tsize, char *why,
		    size_t whylen);
static int	rule_parse(const char *s, struct rule *r, char *why,
		    size_t whylen);
static int	rule_name(const char **pp);
static int	rule_hms(const char **pp, int maxh, int32_t *secs);
static int	rule_number(const char **pp, int min, int max, int *v);
static int	rule_date_parse(const char **pp, struct rule_date *d);
static int64_t	rule_day(const struct rule_date *d, int64_t year);
static void	rule_year(const struct rule *r, int64_t year, int64_t *start,
		    int64_t *end);
static int32_t	rule_offset_near(const struct rule *r, int64_t t);
static int32_t	rule_offset(const struct rule *r, int64_t t);
static bool	rule_next(const struct rule *r, int64_t t, int64_t *next);
static bool	next_change(const struct tz *z, int64_t t, int64_t *next);
static int64_t	era_reduce(int64_t t);
static int64_t	sub_offset(int64_t local, int32_t off);

/* Copies a name for a message: at most QUOTE_MAX bytes, odd bytes as '?'. */
static void
quote(const char *s, char *q, size_t qlen)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i < QUOTE_MAX && i + 4 < qlen; i++)
		q[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0' && i + 4 <= qlen) {
		memcpy(q + i, "...", 3);
		i += 3;
	}
	if (qlen > 0)
		q[i] = '\0';
}

/* IANA names are made of letters, digits and "/_-+": nothing to escape. */
static int
name_check(const char *name, char *why, size_t whylen)
{
	const char	*p;

	if (*name == '\0') {
		(void)snprintf(why, whylen, "empty");
		return -1;
	}
	if (strlen(name) > NAME_MAX_LEN) {
		(void)snprintf(why, whylen, "longer than %d characters",
		    NAME_MAX_LEN);
		return -1;
	}
	if (name[0] == '/') {
		(void)snprintf(why, whylen, "must not start with '/'");
		return -1;
	}
	if (strstr(name, "..") != NULL) {
		(void)snprintf(why, whylen, "must not contain \"..\"");
		return -1;
	}
	for (p = name; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '+')
			continue;
		if (*p == '/' && p[1] != '/' && p[1] != '\0')
			continue;
		if (*p == '/')
			(void)snprintf(why, whylen, "has an empty part");
		else
			(void)snprintf(why, whylen, "only letters, digits and "
			    "/_-+ are allowed");
		return -1;
	}
	return 0;
}

struct tz *
tz_load(const char *name, char *err, size_t errlen)
{
	char		 q[QUOTE_MAX + 8], why[64], path[sizeof(TZ_DIR) +
			    NAME_MAX_LEN + 2];
	unsigned char	*data = NULL;
	struct tz	*z = NULL;
	struct stat	 sb;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd = -1;

	if (name == NULL)
		name = "";
	quote(name, q, sizeof(q));
	if (name_check(name, why, sizeof(why)) == -1) {
		(void)snprintf(err, errlen, "invalid time zone name \"%s\": %s",
		    q, why);
		return NULL;
	}
	(void)snprintf(path, sizeof(path), "%s/%s", TZ_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &sb) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			(void)snprintf(err, errlen, "unknown time zone \"%s\"",
			    q);
		else
			(void)snprintf(err, errlen, "time zone \"%s\": %s: %s",
			    q, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		(void)snprintf(err, errlen, "unknown time zone \"%s\"", q);
		goto out;
	}
	if (sb.st_size > FILE_MAX) {
		(void)snprintf(err, errlen, "time zone \"%s\": %s: not a TZif "
		    "file (too large)", q, path);
		goto out;
	}
	/* One byte more than fstat says, to see a file that grew. */
	data = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size + 1) {
		n = read(fd, data + len, (size_t)sb.st_size + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)snprintf(err, errlen, "time zone \"%s\": %s: %s",
			    q, path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	z = tz_parse(data, len, name, err, errlen);
out:
	if (fd != -1)
		(void)close(fd);
	free(data);
	return z;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * Reads a 44-byte header's six counts (isutcnt, isstdcnt, leapcnt,
 * timecnt, typecnt, charcnt) and the size of the data block after it.
 */
static int
parse_counts(const unsigned char *p, size_t left, uint32_t cnt[6],
    uint64_t *size, int tsize, char *why, size_t whylen)
{
	int	i;

	if (left < 44) {
		(void)snprintf(why, whylen, "truncated TZif data (header)");
		return -1;
	}
	if (memcmp(p, "TZif", 4) != 0) {
		(void)snprintf(why, whylen, "not a TZif file");
		return -1;
	}
	for (i = 0; i < 6; i++)
		cnt[i] = be32(p + 20 + 4 * i);
	/* 32-bit counts: no product or sum overflows 64 bits. */
	*size = (uint64_t)cnt[3] * (uint64_t)(tsize + 1) +
	    (uint64_t)cnt[4] * 6 + cnt[5] + (uint64_t)cnt[2] * (tsize + 4) +
	    cnt[1] + cnt[0];
	if (*size > left - 44) {
		(void)snprintf(why, whylen, "truncated TZif data");
		return -1;
	}
	return 0;
}

/* Reads one data block whose counts parse_counts() checked. */
static int
parse_block(struct tz *z, const unsigned char *p, int tsize,
    const uint32_t cnt[6], char *why, size_t whylen)
{
	const unsigned char	*times, *idx, *types;
	int32_t			 off;
	size_t			 i;
	uint32_t		 timecnt = cnt[3], typecnt = cnt[4];

	if (typecnt == 0 || typecnt > 256 || cnt[5] == 0) {
		(void)snprintf(why, whylen, "corrupt TZif data (%s)",
		    cnt[5] == 0 ? "no abbreviations" : "bad type count");
		return -1;
	}
	if ((cnt[0] != 0 && cnt[0] != typecnt) ||
	    (cnt[1] != 0 && cnt[1] != typecnt)) {
		(void)snprintf(why, whylen,
		    "corrupt TZif data (bad indicator counts)");
		return -1;
	}
	if (cnt[2] != 0) {
		(void)snprintf(why, whylen, "leap-second zones (\"right/\") "
		    "are not supported");
		return -1;
	}
	times = p;
	idx = times + (size_t)timecnt * tsize;
	types = idx + timecnt;
	for (i = 0; i < typecnt; i++) {
		off = (int32_t)be32(types + 6 * i);
		if (off < OFF_MIN || off > OFF_MAX || types[6 * i + 4] > 1 ||
		    types[6 * i + 5] >= cnt[5]) {
			(void)snprintf(why, whylen, "corrupt TZif data "
			    "(local time type %zu)", i);
			return -1;
		}
	}
	z->first_off = (int32_t)be32(types);
	z->ntrans = timecnt;
	z->trans = xcalloc(timecnt + 1, sizeof(*z->trans));
	z->trans_off = xcalloc(timecnt + 1, sizeof(*z->trans_off));
	for (i = 0; i < timecnt; i++) {
		if (tsize == 4)
			z->trans[i] = (int32_t)be32(times + 4 * i);
		else
			z->trans[i] = (int64_t)be64(times + 8 * i);
		if (i > 0 && z->trans[i] <= z->trans[i - 1]) {
			(void)snprintf(why, whylen, "corrupt TZif data "
			    "(transitions out of order)");
			return -1;
		}
		if (idx[i] >= typecnt) {
			(void)snprintf(why, whylen, "corrupt TZif data "
			    "(transition %zu has no type)", i);
			return -1;
		}
		z->trans_off[i] = (int32_t)be32(types + 6 * idx[i]);
	}
	return 0;
}

struct tz *
tz_parse(const unsigned char *data, size_t len, const char *name, char *err,
    size_t errlen)
{
	char		 q[QUOTE_MAX + 8], why[96], footer[FOOTER_MAX + 1];
	const unsigned char *p = data, *nl;
	struct tz	*z;
	uint32_t	 cnt[6];
	uint64_t	 size;
	size_t		 left = len, flen;
	int		 version;

	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(name != NULL ? name : "");
	quote(z->name, q, sizeof(q));
	if (len < 4 || memcmp(data, "TZif", 4) != 0) {
		(void)snprintf(why, sizeof(why), "not a TZif file");
		goto fail;
	}
	if (len < 5) {
		(void)snprintf(why, sizeof(why), "truncated TZif data (header)");
		goto fail;
	}
	version = data[4];
	if (version != 0 && (version < '2' || version > '4')) {
		(void)snprintf(why, sizeof(why), "unsupported TZif version");
		goto fail;
	}
	if (parse_counts(p, left, cnt, &size, 4, why, sizeof(why)) == -1)
		goto fail;
	if (version == 0) {
		/* Version 1: 32-bit data, no footer. */
		if (parse_block(z, p + 44, 4, cnt, why, sizeof(why)) == -1)
			goto fail;
		return z;
	}

	/* Version 2+: skip the 32-bit block, read the 64-bit one. */
	p += 44 + size;
	left -= 44 + size;
	if (parse_counts(p, left, cnt, &size, 8, why, sizeof(why)) == -1)
		goto fail;
	if (parse_block(z, p + 44, 8, cnt, why, sizeof(why)) == -1)
		goto fail;
	p += 44 + size;
	left -= 44 + size;

	/* The footer: "\n" POSIX-TZ-string "\n", and nothing after. */
	nl = left > 1 ? memchr(p + 1, '\n', left - 1) : NULL;
	if (left == 0 || p[0] != '\n' || nl == NULL) {
		(void)snprintf(why, sizeof(why), "truncated TZif data (footer)");
		goto fail;
	}
	flen = (size_t)(nl - p) - 1;
	if (nl + 1 != p + left) {
		(void)snprintf(why, sizeof(why),
		    "corrupt TZif data (text after the footer)");
		goto fail;
	}
	if (flen > FOOTER_MAX || memchr(p + 1, '\0', flen) != NULL) {
		(void)snprintf(why, sizeof(why), "corrupt TZif data (footer)");
		goto fail;
	}
	memcpy(footer, p + 1, flen);
	footer[flen] = '\0';
	if (flen > 0) {
		if (rule_parse(footer, &z->rule, why, sizeof(why)) == -1)
			goto fail;
		z->has_rule = true;
	}
	return z;
fail:
	(void)snprintf(err, errlen, "time zone \"%s\": %s", q, why);
	tz_free(z);
	return NULL;
}

void
tz_free(struct tz *z)
{
	if (z == NULL || z == &utc_zone)
		return;
	free(z->name);
	free(z->trans);
	free(z->trans_off);
	free(z);
}

const struct tz *
tz_utc(void)
{
	return &utc_zone;
}

const char *
tz_name(const struct tz *z)
{
	return z == NULL ? utc_zone.name : z->name;
}

/* A zone abbreviation: 3 or more letters, or <3 or more of [A-Za-z0-9+-]>. */
static int
rule_name(const char **pp)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (*p == '<') {
		for (p++; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' &&
		    *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '+' ||
		    *p == '-'; p++)
			n++;
		if (*p != '>' || n < 3)
			return -1;
		p++;
	} else {
		for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
		    p++)
			n++;
		if (n < 3)
			return -1;
	}
	*pp = p;
	return 0;
}

/* A decimal number within [min, max], at most 3 digits. */
static int
rule_number(const char **pp, int min, int max, int *v)
{
	const char	*p = *pp;
	int		 n = 0, digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 4) {
		n = n * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || digits > 3 || n < min || n > max)
		return -1;
	*pp = p;
	*v = n;
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh up to maxh, as signed seconds. */
static int
rule_hms(const char **pp, int maxh, int32_t *secs)
{
	const char	*p = *pp;
	int		 h, m = 0, s = 0, sign = 1;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (rule_number(&p, 0, maxh, &h) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (rule_number(&p, 0, 59, &m) == -1)
			return -1;
		if (*p == ':') {
			p++;
			if (rule_number(&p, 0, 59, &s) == -1)
				return -1;
		}
	}
	*pp = p;
	*secs = sign * (h * 3600 + m * 60 + s);
	return 0;
}

/* Jn, n or Mm.w.d, then an optional /time (RFC 8536: -167h to 167h). */
static int
rule_date_parse(const char **pp, struct rule_date *d)
{
	const char	*p = *pp;

	if (*p == 'J') {
		p++;
		d->kind = RULE_JULIAN;
		if (rule_number(&p, 1, 365, &d->n) == -1)
			return -1;
	} else if (*p == 'M') {
		p++;
		d->kind = RULE_MONTH;
		if (rule_number(&p, 1, 12, &d->m) == -1 || *p++ != '.' ||
		    rule_number(&p, 1, 5, &d->w) == -1 || *p++ != '.' ||
		    rule_number(&p, 0, 6, &d->d) == -1)
			return -1;
	} else {
		d->kind = RULE_ZERO;
		if (rule_number(&p, 0, 365, &d->n) == -1)
			return -1;
	}
	d->time = 2 * 3600;
	if (*p == '/') {
		p++;
		if (rule_hms(&p, 167, &d->time) == -1)
			return -1;
	}
	*pp = p;
	return 0;
}

/*
 * std offset [dst [offset] ,start[/time],end[/time]], offsets counted west
 * of Greenwich as POSIX has them.  A DST name without a rule is refused:
 * the default rule is implementation-defined, and zic never writes one.
 */
static int
rule_parse(const char *s, struct rule *r, char *why, size_t whylen)
{
	const char	*p = s;
	int32_t		 v;

	memset(r, 0, sizeof(*r));
	if (rule_name(&p) == -1 || rule_hms(&p, 24, &v) == -1)
		goto bad;
	r->std_off = -v;
	r->dst_off = r->std_off;
	if (*p == '\0')
		return 0;
	if (rule_name(&p) == -1)
		goto bad;
	r->dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (rule_hms(&p, 24, &v) == -1)
			goto bad;
		r->dst_off = -v;
	}
	if (*p != ',')
		goto bad;
	p++;
	if (rule_date_parse(&p, &r->start) == -1 || *p++ != ',' ||
	    rule_date_parse(&p, &r->end) == -1 || *p != '\0')
		goto bad;
	return 0;
bad:
	(void)snprintf(why, whylen, "corrupt TZif data (footer TZ string "
	    "near offset %zu)", (size_t)(p - s));
	return -1;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, after Howard
 * Hinnant's days_from_civil: counting from 1 March puts the leap day at
 * the end of the year, and 400-year eras repeat exactly.
 */
int64_t
tz_days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of tz_days_from_civil(), Hinnant's civil_from_days. */
void
tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The local day (since 1970-01-01) on which a rule date falls in year. */
static int64_t
rule_day(const struct rule_date *d, int64_t year)
{
	int64_t	jan1, first, day, next;
	bool	leap;
	int	wd;

	jan1 = tz_days_from_civil(year, 1, 1);
	switch (d->kind) {
	case RULE_JULIAN:
		leap = tz_days_from_civil(year + 1, 1, 1) - jan1 == 366;
		return jan1 + d->n - 1 + (leap && d->n >= 60);
	case RULE_ZERO:
		return jan1 + d->n;
	default:
		first = tz_days_from_civil(year, d->m, 1);
		next = d->m == 12 ? tz_days_from_civil(year + 1, 1, 1) :
		    tz_days_from_civil(year, d->m + 1, 1);
		/* 1970-01-01 was a Thursday (4). */
		wd = (int)(((first % 7) + 7 + 4) % 7);
		day = first + (d->d - wd + 7) % 7 + (int64_t)(d->w - 1) * 7;
		while (day >= next)
			day -= 7;
		return day;
	}
}

/*
 * The instants DST starts and ends in year: the start is written in
 * standard time, the end in daylight saving time.
 */
static void
rule_year(const struct rule *r, int64_t year, int64_t *start, int64_t *end)
{
	*start = rule_day(&r->start, year) * SECS_PER_DAY + r->start.time -
	    r->std_off;
	*end = rule_day(&r->end, year) * SECS_PER_DAY + r->end.time -
	    r->dst_off;
}

/* Maps t into [0, ERA_SECS) keeping its place in the 400-year cycle. */
static int64_t
era_reduce(int64_t t)
{
	int64_t	r = t % ERA_SECS;

	return r < 0 ? r + ERA_SECS : r;
}

/*
 * The rule's offset at t, for t within a few years of [1970, 2370).  DST
 * runs from each year's start to that year's end, or, when the end comes
 * first in the year (the southern hemisphere), to the next year's end.
 * With "0/0,J365/25" (DST all year) one year's end is the next's start.
 */
static int32_t
rule_offset_near(const struct rule *r, int64_t t)
{
	int64_t	y0, y, s, e, s2, e2;
	int	m, d;

	if (!r->dst)
		return r->std_off;
	tz_civil_from_days(t / SECS_PER_DAY - (t % SECS_PER_DAY < 0),
	    &y0, &m, &d);
	/*
	 * A southern interval starting in y0 - 1 may reach into y0, and rule
	 * times of up to 167 h move a date by a week: two years back will do.
	 */
	for (y = y0 - 2; y <= y0 + 1; y++) {
		rule_year(r, y, &s, &e);
		if (s > e) {
			rule_year(r, y + 1, &s2, &e2);
			e = e2;
		}
		if (s < e && t >= s && t < e)
			return r->dst_off;
	}
	return r->std_off;
}

static int32_t
rule_offset(const struct rule *r, int64_t t)
{
	return rule_offset_near(r, era_reduce(t));
}

/* The first instant after t at which the rule changes the offset. */
static bool
rule_next(const struct rule *r, int64_t t, int64_t *next)
{
	int64_t	cand[12], red, shift, y, c;
	size_t	i, j, n = 0;
	int	m, d;

	if (!r->dst)
		return false;
	red = era_reduce(t);
	shift = t - red;
	tz_civil_from_days(red / SECS_PER_DAY, &y, &m, &d);
	for (y -= 2, i = 0; i < 6; i++, y++) {
		rule_year(r, y, &cand[n], &cand[n + 1]);
		n += 2;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cand[j - 1] > cand[j]; j--) {
			c = cand[j];
			cand[j] = cand[j - 1];
			cand[j - 1] = c;
		}
	for (i = 0; i < n; i++) {
		if (cand[i] <= red || rule_offset_near(r, cand[i]) ==
		    rule_offset_near(r, cand[i] - 1))
			continue;
		if (shift > 0 && cand[i] > INT64_MAX - shift)
			return false;
		*next = shift + cand[i];
		return true;
	}
	return false;
}

int
tz_offset(const struct tz *z, time_t t)
{
	size_t	lo, hi, mid;

	if (z == NULL)
		return 0;
	if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
		if (z->has_rule)
			return rule_offset(&z->rule, t);
		return z->ntrans == 0 ? z->first_off :
		    z->trans_off[z->ntrans - 1];
	}
	if (t < z->trans[0])
		return z->first_off;
	/* The last transition at or before t. */
	lo = 0;
	hi = z->ntrans - 1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->trans_off[lo];
}

/* The first transition after t, from the table or else the rule. */
static bool
next_change(const struct tz *z, int64_t t, int64_t *next)
{
	size_t	lo, hi, mid;

	if (z->ntrans > 0 && t < z->trans[z->ntrans - 1]) {
		lo = 0;
		hi = z->ntrans - 1;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (z->trans[mid] > t)
				hi = mid;
			else
				lo = mid + 1;
		}
		*next = z->trans[lo];
		return true;
	}
	return z->has_rule && rule_next(&z->rule, t, next);
}

/* local - off, saturated at the ends of int64_t. */
static int64_t
sub_offset(int64_t local, int32_t off)
{
	if (off < 0 && local > INT64_MAX + off)
		return INT64_MAX;
	if (off > 0 && local < INT64_MIN + off)
		return INT64_MIN;
	return local - off;
}

/*
 * Every instant t with t + offset(t) == local lies within the offset
 * limits of local, so walk the stretches of constant offset there: each
 * holds at most one solution, and a forward jump that leaps over local is
 * the gap it fell in.
 */
time_t
tz_local_to_utc(const struct tz *z, int64_t local, int *fold_or_gap)
{
	int64_t	start, nt, cand, res = 0, gapres = 0;
	int32_t	off, noff;
	bool	has, gap = false;
	int	found = 0;

	if (fold_or_gap != NULL)
		*fold_or_gap = TZ_LOCAL_UNIQUE;
	if (z == NULL)
		z = &utc_zone;
	if (local < INT64_MIN / 4 || local > INT64_MAX / 4)
		return (time_t)sub_offset(local, tz_offset(z, (time_t)local));

	start = local - OFF_MAX - 1;
	off = tz_offset(z, (time_t)start);
	for (;;) {
		has = next_change(z, start, &nt);
		cand = local - off;
		if (cand >= start && (!has || cand < nt)) {
			if (found++ == 0)
				res = cand;
		}
		if (!has || nt > local - OFF_MIN + 1)
			break;
		noff = tz_offset(z, (time_t)nt);
		if (!gap && noff > off && local >= nt + off &&
		    local < nt + noff) {
			gap = true;
			gapres = local - off;
		}
		start = nt;
		off = noff;
	}
	if (found > 0) {
		if (found > 1 && fold_or_gap != NULL)
			*fold_or_gap = TZ_LOCAL_FOLD;
		return (time_t)res;
	}
	if (gap) {
		if (fold_or_gap != NULL)
			*fold_or_gap = TZ_LOCAL_GAP;
		return (time_t)gapres;
	}
	/* Not reached with offsets inside the limits. */
	return (time_t)sub_offset(local, tz_offset(z, (time_t)local));
}
