/* SPDX-License-Identifier: MIT */
/* config.c: reads the libconfig file and validates it into a struct config. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "config.h"
#include "log.h"
#include "schedule.h"
#include "template.h"
#include "tz.h"
#include "util.h"

#define DEFAULT_DATABASE	"/var/lib/aftercare/aftercare.db"
#define DEFAULT_TWILIO_URL	"https://api.twilio.com"
#define TOKEN_MAX		4096
#define MILESTONE_NAME_MAX	32
#define SEGMENTS_WARN		2

/*
 * The segment warning renders each template with the longest values we
 * expect to meet: a 20-character first name and the longest English date.
 */
#define WARN_FIRST_NAME		"Maximiliana Cristina"
#define WARN_TREATMENT		"microneedling"
#define WARN_DATE		"Wednesday 30 September"

/* get_string() flags */
#define GS_REQUIRED	0x01	/* missing is an error */
#define GS_NONEMPTY	0x02	/* "" is an error */
#define GS_LINE		0x04	/* no control characters */

/*
 * The built-in SMS texts.  etc/aftercare.conf spells out the same texts;
 * tests/test_config.c checks that the two agree.  Pure GSM-7, and at most
 * two segments with a 20-character first name and a 25-character clinic.
 */
static const struct {
	const char	*name;
	const char	*sms;
} default_templates[] = {
	{ "day1",
	    "Hi {first_name}, it's {clinic_name}. After your {treatment}: wash "
	    "gently with a mild cleanser, no makeup for the first 24 hours, "
	    "and don't touch or pick the treated skin. Redness, swelling or "
	    "oozing that won't settle? Call {clinic_phone}." },
	{ "week1",
	    "Hi {first_name}, one week since your {treatment}. Use SPF 30 or "
	    "higher every day and keep your skin moisturised. Light peeling "
	    "or flaking is normal as new skin comes through: let it shed, "
	    "don't pick. Questions? {clinic_name}, {clinic_phone}" },
	{ "week2",
	    "Hi {first_name}, two weeks after your {treatment} you can go "
	    "back to gentle exfoliation. Keep up daily SPF 30+ and an "
	    "antioxidant serum such as vitamin C to protect your results. "
	    "{clinic_name}, {clinic_phone}" },
};

static const struct {
	const char	*name;
	int64_t		 after;
	bool		 calendar;	/* written in days ("7d") */
	const char	*template;
} default_milestones[] = {
	{ "24h", 86400, false, "day1" },
	{ "1w", 7 * 86400, true, "week1" },
	{ "2w", 14 * 86400, true, "week2" },
};

/* Quiet hours by default: 20:00 to 09:00 where the patient lives. */
#define DEFAULT_QUIET_START	(20 * 60)
#define DEFAULT_QUIET_END	(9 * 60)

static const char *const top_keys[] = {
	"database", "log_level", "metrics_file", "timezone", "quiet_hours",
	"clinic", "milestones",
	"templates", "sms",
	"delivery", NULL
};
static const char *const clinic_keys[] = { "name", "phone", NULL };
static const char *const quiet_keys[] = { "start", "end", NULL };
static const char *const milestone_keys[] = {
	"name", "after", "template", "valid_for", NULL
};
static const char *const template_keys[] = { "sms", NULL };
static const char *const sms_keys[] = {
	"provider", "url", "account_sid", "auth_token", "auth_token_file",
	"from", "ca_file", NULL
};
static const char *const delivery_keys[] = {
	"concurrency", "timeout", "max_attempts", "backoff", "backoff_max",
	NULL
};

/* A template while loading: built in, or from the file (where != NULL). */
struct tmpl {
	char			*name;
	char			*sms;
	const config_setting_t	*where;
};

struct loader {
	const char	*path;
	char		*dir;		/* the config file's directory */
	int		 flags;
	char		*err;
	size_t		 errlen;
	struct tmpl	*tmpls;
	size_t		 ntmpls;
};

static void	ld_where(const struct loader *, const config_setting_t *, char *,
		    size_t);
static int	ld_error(struct loader *, const config_setting_t *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static void	ld_warn(const struct loader *, const config_setting_t *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static char	*path_dir(const char *);
static char	*path_resolve(const struct loader *, const char *);
static char	*credential_path(const struct loader *, const char *);
static int	clock_parse(const char *);
static int	load_local_time(struct loader *, const config_setting_t *,
		    struct config *);
static bool	 has_control(const char *);
static int	 check_keys(struct loader *, const config_setting_t *,
		    const char *const *, const char *);
static int	 get_group(struct loader *, const config_setting_t *,
		    const char *, const char *, const config_setting_t **);
static int	 get_string(struct loader *, const config_setting_t *,
		    const char *, const char *, const char *, int,
		    const config_setting_t **, const char **);
static int	 get_int(struct loader *, const config_setting_t *,
		    const char *, int, int, const char *, int *);
static int	 get_duration(struct loader *, const config_setting_t *,
		    const char *, const config_setting_t **, int64_t *);
static int	 load_top(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_clinic(struct loader *, const config_setting_t *,
		    struct config *);
static void	 tmpl_set(struct loader *, const char *, const char *,
		    const config_setting_t *);
static const struct tmpl *tmpl_find(const struct loader *, const char *);
static int	 load_templates(struct loader *, const config_setting_t *);
static bool	 milestone_name_ok(const char *);
static int	 milestone_cmp(const void *, const void *);
static int	 load_milestones(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_url(struct loader *, const config_setting_t *,
		    struct config *);
static int	 token_read(struct loader *, const config_setting_t *,
		    const char *, char **);
static int	 load_token(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_sms(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_delivery(struct loader *, const config_setting_t *,
		    struct config *);
static void	 warn_lengths(const struct loader *, const struct config *);

/* Formats where s is: "FILE:LINE", or "FILE" without a setting or line. */
static void
ld_where(const struct loader *ld, const config_setting_t *s, char *buf,
    size_t len)
{
	const char	*file = ld->path;

	if (s != NULL && config_setting_source_file(s) != NULL)
		file = config_setting_source_file(s);
	if (s != NULL && config_setting_source_line(s) > 0)
		(void)snprintf(buf, len, "%s:%u", file,
		    (unsigned)config_setting_source_line(s));
	else
		(void)snprintf(buf, len, "%s", file);
}

/* Writes "FILE:LINE: message" into the caller's error buffer. */
static int
ld_error(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512], where[PATH_MAX + 16];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ld_where(ld, s, where, sizeof(where));
	(void)snprintf(ld->err, ld->errlen, "%s: %s", where, msg);
	return -1;
}

static void
ld_warn(const struct loader *ld, const config_setting_t *s,
    const char *fmt, ...)
{
	va_list	ap;
	char	msg[512], where[PATH_MAX + 16];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ld_where(ld, s, where, sizeof(where));
	log_warnx("%s: warning: %s", where, msg);
}

/* The directory part of path: "." when there is none. */
static char *
path_dir(const char *path)
{
	const char	*slash;
	char		*dir;
	size_t		 len;

	slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	len = (size_t)(slash - path);
	if (len == 0)
		return xstrdup("/");
	dir = xmalloc(len + 1);
	memcpy(dir, path, len);
	dir[len] = '\0';
	return dir;
}

/* An absolute path as it is; a relative one under the config's directory. */
static char *
path_resolve(const struct loader *ld, const char *rel)
{
	size_t	len;

	if (rel[0] == '/')
		return xstrdup(rel);
	len = strlen(ld->dir);
	if (len > 0 && ld->dir[len - 1] == '/')
		return xasprintf("%s%s", ld->dir, rel);
	return xasprintf("%s/%s", ld->dir, rel);
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Rejects any member of group not in keys; what names the group, or NULL. */
static int
check_keys(struct loader *ld, const config_setting_t *group,
    const char *const *keys, const char *what)
{
	const config_setting_t	*s;
	const char		*name;
	size_t			 i;
	int			 n, k;

	n = config_setting_length(group);
	for (k = 0; k < n; k++) {
		s = config_setting_get_elem(group, (unsigned)k);
		if (s == NULL)
			continue;
		name = config_setting_name(s);
		if (name == NULL)
			continue;
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], name) == 0)
				break;
		if (keys[i] != NULL)
			continue;
		if (what == NULL)
			return ld_error(ld, s, "unknown key \"%s\"", name);
		return ld_error(ld, s, "unknown key \"%s\" in %s", name, what);
	}
	return 0;
}

/* An optional top-level group; *out is NULL when it is absent. */
static int
get_group(struct loader *ld, const config_setting_t *root, const char *key,
    const char *shape, const config_setting_t **out)
{
	const config_setting_t	*s;

	*out = NULL;
	s = config_setting_get_member(root, key);
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return ld_error(ld, s, "%s must be a group %s", key, shape);
	*out = s;
	return 0;
}

/*
 * Looks up a string member of group; label names it in messages and
 * grouplabel names the group in "missing" messages.  *out stays as it is
 * (a default) when the member is absent and not required.
 */
static int
get_string(struct loader *ld, const config_setting_t *group,
    const char *grouplabel, const char *key, const char *label, int flags,
    const config_setting_t **sp, const char **out)
{
	const config_setting_t	*s;
	const char		*v;

	if (sp != NULL)
		*sp = NULL;
	s = config_setting_get_member(group, key);
	if (s == NULL) {
		if ((flags & GS_REQUIRED) == 0)
			return 0;
		return ld_error(ld, group, "%s: missing \"%s\"", grouplabel,
		    key);
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL)
		return ld_error(ld, s, "%s must be a string", label);
	if ((flags & GS_NONEMPTY) && *v == '\0')
		return ld_error(ld, s, "%s must not be empty", label);
	if ((flags & GS_LINE) && has_control(v))
		return ld_error(ld, s, "%s must not contain control characters",
		    label);
	if (sp != NULL)
		*sp = s;
	*out = v;
	return 0;
}

/* An optional integer member within [min, max]; *out keeps its default. */
static int
get_int(struct loader *ld, const config_setting_t *group, const char *key,
    int min, int max, const char *unit, int *out)
{
	const config_setting_t	*s;
	long long		 v;

	s = config_setting_get_member(group, key);
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		if (unit != NULL)
			return ld_error(ld, s, "%s must be an integer (%s)",
			    key, unit);
		return ld_error(ld, s, "%s must be an integer", key);
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		if (unit != NULL)
			return ld_error(ld, s, "%s must be between %d and %d "
			    "%s", key, min, max, unit);
		return ld_error(ld, s, "%s must be between %d and %d", key,
		    min, max);
	}
	*out = (int)v;
	return 0;
}

/* An optional duration member such as "1m"; *sp is NULL when absent. */
static int
get_duration(struct loader *ld, const config_setting_t *group,
    const char *key, const config_setting_t **sp, int64_t *out)
{
	const config_setting_t	*s;
	const char		*v;
	char			 msg[256];

	*sp = NULL;
	s = config_setting_get_member(group, key);
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL)
		return ld_error(ld, s, "%s must be a duration string such as "
		    "\"1h\" or \"7d\"", key);
	msg[0] = '\0';
	if (schedule_duration_parse(v, out, msg, sizeof(msg)) == -1)
		return ld_error(ld, s, "%s: %s", key, msg);
	*sp = s;
	return 0;
}

/* database and log_level. */
static int
load_top(struct loader *ld, const config_setting_t *root, struct config *cfg)
{
	const char	*v;
	int		 pri;

	v = DEFAULT_DATABASE;
	if (get_string(ld, root, "", "database", "database",
	    GS_NONEMPTY | GS_LINE, NULL, &v) == -1)
		return -1;
	cfg->database = path_resolve(ld, v);

	v = NULL;
	if (get_string(ld, root, "", "metrics_file", "metrics_file",
	    GS_NONEMPTY | GS_LINE, NULL, &v) == -1)
		return -1;
	cfg->metrics_file = v ? path_resolve(ld, v) : NULL;

	cfg->log_priority = LOG_PRI_INFO;
	v = NULL;
	if (get_string(ld, root, "", "log_level", "log_level", 0, NULL,
	    &v) == -1)
		return -1;
	if (v != NULL) {
		pri = log_priority_parse(v);
		if (pri == -1)
			return ld_error(ld,
			    config_setting_get_member(root, "log_level"),
			    "log_level \"%.40s\" is not one of error, warning, "
			    "notice, info, debug", v);
		cfg->log_priority = pri;
	}
	return 0;
}

static int
load_clinic(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g;
	const char		*name, *phone;

	if (get_group(ld, root, "clinic",
	    "{ name = \"...\"; phone = \"...\"; }", &g) == -1)
		return -1;
	if (g == NULL)
		return ld_error(ld, NULL, "missing \"clinic\" "
		    "(the clinic's name and phone)");
	if (check_keys(ld, g, clinic_keys, "clinic") == -1)
		return -1;
	if (get_string(ld, g, "clinic", "name", "clinic name",
	    GS_REQUIRED | GS_NONEMPTY | GS_LINE, NULL, &name) == -1)
		return -1;
	if (get_string(ld, g, "clinic", "phone", "clinic phone",
	    GS_REQUIRED | GS_NONEMPTY | GS_LINE, NULL, &phone) == -1)
		return -1;
	cfg->clinic_name = xstrdup(name);
	cfg->clinic_phone = xstrdup(phone);
	return 0;
}

/* "HH:MM" -> minutes after midnight; -1 if malformed. */
static int
clock_parse(const char *v)
{
	int	h, m;

	if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' ||
	    v[1] < '0' || v[1] > '9' || v[3] < '0' || v[3] > '5' ||
	    v[4] < '0' || v[4] > '9')
		return -1;
	h = (v[0] - '0') * 10 + (v[1] - '0');
	m = (v[3] - '0') * 10 + (v[4] - '0');
	return h > 23 ? -1 : h * 60 + m;
}

/*
 * timezone (the clinic's, for patients without one) and quiet_hours, wall
 * clock in the patient's zone.
 */
static int
load_local_time(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g, *s;
	const char		*v = "UTC";
	char			 err[160];
	int			 min;
	size_t			 i;
	static const char *const ends[] = { "start", "end" };

	if (get_string(ld, root, "", "timezone", "timezone",
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	cfg->timezone = xstrdup(v);
	if (strcmp(v, "UTC") == 0)
		cfg->zone = NULL;	/* tz_utc(): needs no tzdata */
	else if ((cfg->zone = tz_load(v, err, sizeof(err))) == NULL)
		return ld_error(ld, s, "timezone: %s", err);

	cfg->quiet_start = DEFAULT_QUIET_START;
	cfg->quiet_end = DEFAULT_QUIET_END;
	if (get_group(ld, root, "quiet_hours",
	    "{ start = \"20:00\"; end = \"09:00\"; }", &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (check_keys(ld, g, quiet_keys, "quiet_hours") == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		v = NULL;
		if (get_string(ld, g, "quiet_hours", ends[i], ends[i],
		    GS_REQUIRED, &s, &v) == -1)
			return -1;
		if ((min = clock_parse(v)) == -1)
			return ld_error(ld, s, "quiet_hours %s \"%.20s\" is "
			    "not a time of day such as \"20:00\"", ends[i], v);
		if (i == 0)
			cfg->quiet_start = min;
		else
			cfg->quiet_end = min;
	}
	return 0;
}

/* Adds a template, or replaces the one of the same name. */
static void
tmpl_set(struct loader *ld, const char *name, const char *sms,
    const config_setting_t *where)
{
	struct tmpl	*t;
	size_t		 i;

	for (i = 0; i < ld->ntmpls; i++)
		if (strcmp(ld->tmpls[i].name, name) == 0)
			break;
	if (i == ld->ntmpls) {
		ld->tmpls = xrealloc(ld->tmpls,
		    (ld->ntmpls + 1) * sizeof(*ld->tmpls));
		ld->ntmpls++;
		t = &ld->tmpls[i];
		t->name = xstrdup(name);
	} else {
		t = &ld->tmpls[i];
		free(t->sms);
	}
	t->sms = xstrdup(sms);
	t->where = where;
}

static const struct tmpl *
tmpl_find(const struct loader *ld, const char *name)
{
	size_t	i;

	for (i = 0; i < ld->ntmpls; i++)
		if (strcmp(ld->tmpls[i].name, name) == 0)
			return &ld->tmpls[i];
	return NULL;
}

/* The built-in templates, then the file's, each checked. */
static int
load_templates(struct loader *ld, const config_setting_t *root)
{
	const config_setting_t	*g, *t, *s;
	const struct tmpl	*tp;
	const char		*sms;
	char			 label[96], smslabel[112], msg[256];
	size_t			 i;
	int			 n, k;

	for (i = 0; i < sizeof(default_templates) /
	    sizeof(default_templates[0]); i++)
		tmpl_set(ld, default_templates[i].name, default_templates[i].sms,
		    NULL);

	if (get_group(ld, root, "templates",
	    "{ name = { sms = \"...\"; }; ... }", &g) == -1)
		return -1;
	n = g != NULL ? config_setting_length(g) : 0;
	for (k = 0; k < n; k++) {
		t = config_setting_get_elem(g, (unsigned)k);
		if (t == NULL)
			continue;
		if (config_setting_type(t) != CONFIG_TYPE_GROUP)
			return ld_error(ld, t, "template \"%s\" must be a group "
			    "{ sms = \"...\"; }", config_setting_name(t));
		(void)snprintf(label, sizeof(label), "templates.%s",
		    config_setting_name(t));
		if (check_keys(ld, t, template_keys, label) == -1)
			return -1;
		(void)snprintf(smslabel, sizeof(smslabel), "%s.sms", label);
		if (get_string(ld, t, label, "sms", smslabel,
		    GS_REQUIRED | GS_NONEMPTY, &s, &sms) == -1)
			return -1;
		tmpl_set(ld, config_setting_name(t), sms, s);
	}

	for (i = 0; i < ld->ntmpls; i++) {
		tp = &ld->tmpls[i];
		msg[0] = '\0';
		if (template_check(tp->sms, msg, sizeof(msg)) == -1) {
			if (tp->where == NULL)
				return ld_error(ld, NULL, "built-in template "
				    "\"%s\": %s", tp->name, msg);
			return ld_error(ld, tp->where, "template \"%s\": %s",
			    tp->name, msg);
		}
	}
	return 0;
}

/* [A-Za-z0-9_-]{1,32}: it is stored with each reminder and shown. */
static bool
milestone_name_ok(const char *name)
{
	size_t	i;

	for (i = 0; name[i] != '\0'; i++) {
		if (i >= MILESTONE_NAME_MAX)
			return false;
		if (!((name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_' || name[i] == '-'))
			return false;
	}
	return i > 0;
}

static int
milestone_cmp(const void *a, const void *b)
{
	const struct milestone	*ma = a, *mb = b;

	if (ma->after < mb->after)
		return -1;
	return ma->after > mb->after;
}

static int
load_milestones(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	 *list, *e, *ts, *vs, *as, **where = NULL;
	const struct tmpl	 *tp;
	struct milestone	 *m;
	const char		 *name, *tname;
	char			  label[32], msg[256];
	size_t			  i, j, n;
	int			  ret = -1;

	list = config_setting_get_member(root, "milestones");
	if (list == NULL) {
		n = sizeof(default_milestones) / sizeof(default_milestones[0]);
		cfg->milestones = xcalloc(n, sizeof(*cfg->milestones));
		for (i = 0; i < n; i++) {
			m = &cfg->milestones[cfg->nmilestones++];
			m->name = xstrdup(default_milestones[i].name);
			m->after = default_milestones[i].after;
			m->calendar = default_milestones[i].calendar;
			m->valid_for = 0;
			m->template = xstrdup(default_milestones[i].template);
			tp = tmpl_find(ld, m->template);
			if (tp == NULL)
				return ld_error(ld, NULL, "built-in template "
				    "\"%s\" is missing", m->template);
			m->sms = xstrdup(tp->sms);
		}
		goto windows;
	}
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return ld_error(ld, list, "milestones must be a list "
		    "( { name = ...; after = ...; template = ...; }, ... )");
	n = (size_t)config_setting_length(list);
	if (n == 0)
		return ld_error(ld, list, "milestones must not be empty");

	cfg->milestones = xcalloc(n, sizeof(*cfg->milestones));
	where = xcalloc(n, sizeof(*where));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if (e == NULL || config_setting_type(e) != CONFIG_TYPE_GROUP) {
			(void)ld_error(ld, e != NULL ? e : list, "milestone %zu "
			    "must be a group { name = ...; after = ...; "
			    "template = ...; }", i + 1);
			goto out;
		}
		(void)snprintf(label, sizeof(label), "milestone %zu", i + 1);
		if (check_keys(ld, e, milestone_keys, "milestones") == -1)
			goto out;
		if (get_string(ld, e, label, "name", "milestone name",
		    GS_REQUIRED, NULL, &name) == -1)
			goto out;
		if (config_setting_get_member(e, "after") == NULL) {
			(void)ld_error(ld, e, "%s: missing \"after\"", label);
			goto out;
		}
		if (get_string(ld, e, label, "template", "template",
		    GS_REQUIRED, &ts, &tname) == -1)
			goto out;
		if (!milestone_name_ok(name)) {
			(void)ld_error(ld, config_setting_get_member(e, "name"),
			    "milestone name \"%.40s\" must be 1 to %d of "
			    "A-Z a-z 0-9 _ -", name, MILESTONE_NAME_MAX);
			goto out;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(cfg->milestones[j].name, name) != 0)
				continue;
			(void)ld_error(ld, config_setting_get_member(e, "name"),
			    "duplicate milestone name \"%s\" (first on line "
			    "%u)", name, (unsigned)
			    config_setting_source_line(where[j]));
			goto out;
		}
		m = &cfg->milestones[cfg->nmilestones++];
		where[i] = e;
		m->name = xstrdup(name);
		if (get_duration(ld, e, "after", &as, &m->after) == -1)
			goto out;
		m->calendar = schedule_duration_calendar(
		    config_setting_get_string(as));
		if (get_duration(ld, e, "valid_for", &vs, &m->valid_for) == -1)
			goto out;
		if (vs == NULL)
			m->valid_for = 0;
		else if (m->valid_for <= 0) {
			(void)ld_error(ld, vs, "valid_for must be longer than "
			    "0s");
			goto out;
		}
		tp = tmpl_find(ld, tname);
		if (tp == NULL) {
			(void)ld_error(ld, ts, "milestone \"%s\": unknown "
			    "template \"%.40s\"", name, tname);
			goto out;
		}
		m->template = xstrdup(tname);
		m->sms = xstrdup(tp->sms);
		for (j = 0; j < i; j++) {
			if (cfg->milestones[j].after != m->after)
				continue;
			schedule_duration_format(m->after, msg, sizeof(msg));
			(void)ld_error(ld, as, "milestones \"%s\" and \"%s\" "
			    "are both due %s after the treatment",
			    cfg->milestones[j].name, name, msg);
			goto out;
		}
	}

windows:
	qsort(cfg->milestones, cfg->nmilestones, sizeof(*cfg->milestones),
	    milestone_cmp);
	/* A reminder goes stale when the next one is due, or after 3 days. */
	for (i = 0; i < cfg->nmilestones; i++) {
		m = &cfg->milestones[i];
		if (m->valid_for != 0)
			continue;
		m->valid_for = CONFIG_VALID_FOR_MAX;
		if (i + 1 < cfg->nmilestones &&
		    cfg->milestones[i + 1].after - m->after < m->valid_for)
			m->valid_for = cfg->milestones[i + 1].after - m->after;
	}
	ret = 0;
out:
	free(where);
	return ret;
}

/* twilio: an optional API base; webhook: the required endpoint. */
static int
load_url(struct loader *ld, const config_setting_t *g, struct config *cfg)
{
	const config_setting_t	*s;
	const char		*url, *host;
	bool			 webhook;

	webhook = cfg->sms.provider == SMS_PROVIDER_WEBHOOK;
	url = DEFAULT_TWILIO_URL;
	if (get_string(ld, g, "sms", "url", "url",
	    (webhook ? GS_REQUIRED : 0) | GS_NONEMPTY | GS_LINE, &s,
	    &url) == -1)
		return -1;
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		/* Not quoted: a webhook URL may carry a secret. */
		return ld_error(ld, s, "url must start with https:// (or "
		    "http://)");
	if (*host == '\0' || *host == '/' || strchr(url, ' ') != NULL)
		return ld_error(ld, s, "url has no host");
	if (host == url + 7 && strncmp(host, "127.", 4) != 0 &&
	    strncmp(host, "localhost", 9) != 0 &&
	    strncmp(host, "[::1]", 5) != 0)
		ld_warn(ld, s, "url is plain http: credentials and messages "
		    "cross the network unencrypted");
	cfg->sms.url = xstrdup(url);
	return 0;
}

/*
 * Reads a secret file: one line, the trailing newline stripped.  The token
 * never reaches a message, and the stack copy is wiped.
 */
static int
token_read(struct loader *ld, const config_setting_t *s, const char *path,
    char **out)
{
	struct stat	 st;
	char		 buf[TOKEN_MAX + 2];
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return ld_error(ld, s, "auth_token_file \"%s\": %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		(void)ld_error(ld, s, "auth_token_file \"%s\": %s", path,
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		(void)ld_error(ld, s, "auth_token_file \"%s\": %s", path,
		    strerror(EISDIR));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)ld_error(ld, s, "auth_token_file \"%s\": not a regular "
		    "file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		ld_warn(ld, s, "auth_token_file \"%s\" is accessible by group "
		    "or others (mode %04o); chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
	for (;;) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			(void)ld_error(ld, s, "auth_token_file \"%s\": %s",
			    path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0) {
		(void)ld_error(ld, s, "auth_token_file \"%s\" is empty", path);
		goto out;
	}
	if (len > TOKEN_MAX) {
		(void)ld_error(ld, s, "auth_token_file \"%s\" is longer than "
		    "%d bytes", path, TOKEN_MAX);
		goto out;
	}
	if (strlen(buf) != len || has_control(buf)) {
		(void)ld_error(ld, s, "auth_token_file \"%s\" must hold one "
		    "line with no control characters", path);
		goto out;
	}
	*out = xstrdup(buf);
	ret = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	(void)close(fd);
	return ret;
}

/* auth_token or auth_token_file: one for twilio, at most one for webhook. */
static int
load_token(struct loader *ld, const config_setting_t *g, struct config *cfg)
{
	const config_setting_t	*ts = NULL, *fs = NULL;
	const char		*token = NULL, *file = NULL;
	char			*path;
	int			 ret;

	if (get_string(ld, g, "sms", "auth_token", "auth_token", GS_NONEMPTY,
	    &ts, &token) == -1 ||
	    get_string(ld, g, "sms", "auth_token_file", "auth_token_file",
	    GS_NONEMPTY | GS_LINE, &fs, &file) == -1)
		return -1;
	if (ts != NULL && fs != NULL)
		return ld_error(ld, config_setting_source_line(ts) >
		    config_setting_source_line(fs) ? ts : fs,
		    "set auth_token or auth_token_file, not both");
	if (ts == NULL && fs == NULL) {
		if (cfg->sms.provider == SMS_PROVIDER_TWILIO)
			return ld_error(ld, g, "sms: missing "
			    "\"auth_token_file\" (or \"auth_token\")");
		return 0;
	}
	if (ts != NULL) {
		/* The message must not quote it, so say only what is wrong. */
		if (has_control(token))
			return ld_error(ld, ts, "auth_token must not contain "
			    "control characters");
		if (ld->flags & CONFIG_NO_SECRETS)
			return 0;
		cfg->sms.auth_token = xstrdup(token);
		return 0;
	}
	if (ld->flags & CONFIG_NO_SECRETS)
		return 0;
	path = credential_path(ld, file);
	ret = token_read(ld, fs, path, &cfg->sms.auth_token);
	free(path);
	return ret;
}

/*
 * Where a secret file is: a bare name ("twilio.token") is looked up first
 * among systemd's credentials ($CREDENTIALS_DIRECTORY, from LoadCredential=
 * in the unit), then beside the configuration; a path is taken as it is
 * (relative to the configuration's directory).  Caller frees.
 */
static char *
credential_path(const struct loader *ld, const char *file)
{
	const char	*dir;
	struct stat	 sb;
	char		*path;

	if (strchr(file, '/') == NULL &&
	    (dir = getenv("CREDENTIALS_DIRECTORY")) != NULL && *dir == '/') {
		path = xasprintf("%s/%s", dir, file);
		if (stat(path, &sb) == 0)
			return path;
		free(path);
	}
	return path_resolve(ld, file);
}

static int
load_sms(struct loader *ld, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t	*g, *s;
	const char		*v;
	size_t			 i, len;
	bool			 ok;

	if (get_group(ld, root, "sms", "{ provider = \"twilio\"; ... }",
	    &g) == -1)
		return -1;
	if (g == NULL)
		return ld_error(ld, NULL, "missing \"sms\" (the SMS gateway)");
	if (check_keys(ld, g, sms_keys, "sms") == -1)
		return -1;

	if (get_string(ld, g, "sms", "provider", "provider", GS_REQUIRED, &s,
	    &v) == -1)
		return -1;
	if (strcmp(v, "twilio") == 0)
		cfg->sms.provider = SMS_PROVIDER_TWILIO;
	else if (strcmp(v, "webhook") == 0)
		cfg->sms.provider = SMS_PROVIDER_WEBHOOK;
	else
		return ld_error(ld, s, "provider \"%.40s\" is not one of "
		    "twilio, webhook", v);

	if (load_url(ld, g, cfg) == -1)
		return -1;

	/* The account SID becomes part of the request path. */
	v = NULL;
	if (get_string(ld, g, "sms", "account_sid", "account_sid",
	    cfg->sms.provider == SMS_PROVIDER_TWILIO ? GS_REQUIRED : 0, &s,
	    &v) == -1)
		return -1;
	if (v != NULL && cfg->sms.provider != SMS_PROVIDER_TWILIO)
		return ld_error(ld, s, "account_sid is only used with "
		    "provider \"twilio\"");
	if (v != NULL) {
		len = strlen(v);
		ok = len > 0 && len <= 64;
		for (i = 0; ok && i < len; i++)
			ok = (v[i] >= 'A' && v[i] <= 'Z') ||
			    (v[i] >= 'a' && v[i] <= 'z') ||
			    (v[i] >= '0' && v[i] <= '9');
		if (!ok)
			return ld_error(ld, s, "account_sid must be 1 to 64 "
			    "letters and digits (\"AC\" and 32 hex digits)");
		cfg->sms.account_sid = xstrdup(v);
	}

	if (load_token(ld, g, cfg) == -1)
		return -1;

	/* E.164 ("+" and up to 15 digits) or an alphanumeric sender id. */
	v = NULL;
	if (get_string(ld, g, "sms", "from", "from",
	    (cfg->sms.provider == SMS_PROVIDER_TWILIO ? GS_REQUIRED : 0) |
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	if (v != NULL && cfg->sms.provider != SMS_PROVIDER_TWILIO)
		return ld_error(ld, s, "from is only used with provider "
		    "\"twilio\"");
	if (v != NULL) {
		len = strlen(v);
		if (v[0] == '+') {
			ok = len >= 3 && len <= 16 && v[1] != '0';
			for (i = 1; ok && i < len; i++)
				ok = v[i] >= '0' && v[i] <= '9';
		} else {
			ok = len <= 11 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789 ") == len &&
			    strspn(v, "0123456789 ") != len;
		}
		if (!ok)
			return ld_error(ld, s, "from \"%.40s\" must be an E.164 "
			    "number (\"+15550100\") or a sender id of up to "
			    "11 letters and digits", v);
		cfg->sms.from = xstrdup(v);
	}

	v = NULL;
	if (get_string(ld, g, "sms", "ca_file", "ca_file",
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	if (v != NULL) {
		cfg->sms.ca_file = path_resolve(ld, v);
		if ((ld->flags & CONFIG_NO_SECRETS) == 0 &&
		    access(cfg->sms.ca_file, R_OK) == -1)
			return ld_error(ld, s, "ca_file \"%s\": %s",
			    cfg->sms.ca_file, strerror(errno));
	}
	return 0;
}

static int
load_delivery(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g, *bs, *ms;
	char			 b[32], m[32];

	cfg->delivery.concurrency = 4;
	cfg->delivery.timeout = 15;
	cfg->delivery.max_attempts = 8;
	cfg->delivery.backoff_base = 60;
	cfg->delivery.backoff_max = 3600;

	if (get_group(ld, root, "delivery", "{ concurrency = 4; ... }",
	    &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (check_keys(ld, g, delivery_keys, "delivery") == -1)
		return -1;
	if (get_int(ld, g, "concurrency", 1, 64, NULL,
	    &cfg->delivery.concurrency) == -1 ||
	    get_int(ld, g, "timeout", 1, 300, "seconds",
	    &cfg->delivery.timeout) == -1 ||
	    get_int(ld, g, "max_attempts", 1, 100, NULL,
	    &cfg->delivery.max_attempts) == -1)
		return -1;
	if (get_duration(ld, g, "backoff", &bs,
	    &cfg->delivery.backoff_base) == -1 ||
	    get_duration(ld, g, "backoff_max", &ms,
	    &cfg->delivery.backoff_max) == -1)
		return -1;
	if (cfg->delivery.backoff_base < 1)
		return ld_error(ld, bs, "backoff must be at least 1s");
	if (cfg->delivery.backoff_max < cfg->delivery.backoff_base) {
		schedule_duration_format(cfg->delivery.backoff_base, b,
		    sizeof(b));
		schedule_duration_format(cfg->delivery.backoff_max, m,
		    sizeof(m));
		return ld_error(ld, ms != NULL ? ms : bs, "backoff_max (%s) "
		    "must be at least backoff (%s)", m, b);
	}
	return 0;
}

/* Warns about a template that would cost more than two SMS to send. */
static void
warn_lengths(const struct loader *ld, const struct config *cfg)
{
	struct template_vars	 vars;
	struct sms_info		 info;
	const struct tmpl	*tp;
	char			*text;
	size_t			 i, j;

	memset(&vars, 0, sizeof(vars));
	vars.first_name = WARN_FIRST_NAME;
	vars.clinic_name = cfg->clinic_name;
	vars.clinic_phone = cfg->clinic_phone;
	vars.treatment = WARN_TREATMENT;
	vars.treatment_date = WARN_DATE;
	for (i = 0; i < cfg->nmilestones; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(cfg->milestones[j].template,
			    cfg->milestones[i].template) == 0)
				break;
		if (j < i)
			continue;
		text = template_render(cfg->milestones[i].sms, &vars);
		template_sms_info(text, &info);
		free(text);
		if (info.segments <= SEGMENTS_WARN)
			continue;
		tp = tmpl_find(ld, cfg->milestones[i].template);
		ld_warn(ld, tp != NULL ? tp->where : NULL, "template \"%s\" "
		    "takes %zu SMS (%zu %s) with a 20-character first name; "
		    "keep it to %d", cfg->milestones[i].template, info.segments,
		    info.units, info.encoding == SMS_GSM7 ? "GSM-7 septets" :
		    "UCS-2 units", SEGMENTS_WARN);
	}
}

struct config *
config_load(const char *path, int flags, char *err, size_t errlen)
{
	config_t		 lc;
	struct stat		 st;
	const config_setting_t	*root;
	struct config		*cfg;
	struct loader		 ld;
	const char		*file;
	size_t			 i;
	int			 saved;

	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	ld.flags = flags;
	ld.err = err;
	ld.errlen = errlen;
	ld.dir = path_dir(path);
	if (errlen > 0)
		err[0] = '\0';

	cfg = xcalloc(1, sizeof(*cfg));
	cfg->path = xstrdup(path);

	config_init(&lc);
	/* @include paths resolve like every other path: next to the file. */
	config_set_include_dir(&lc, ld.dir);
	errno = 0;
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		saved = errno;
		file = config_error_file(&lc) != NULL ?
		    config_error_file(&lc) : path;
		/* fopen() takes a directory; only the read fails, vaguely. */
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO &&
		    saved == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			saved = EISDIR;
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			(void)snprintf(err, errlen, "%s: %s", file,
			    saved != 0 ? strerror(saved) :
			    config_error_text(&lc));
		else
			(void)snprintf(err, errlen, "%s:%d: %s", file,
			    config_error_line(&lc), config_error_text(&lc));
		goto fail;
	}
	root = config_root_setting(&lc);
	if (check_keys(&ld, root, top_keys, NULL) == -1 ||
	    load_top(&ld, root, cfg) == -1 ||
	    load_local_time(&ld, root, cfg) == -1 ||
	    load_clinic(&ld, root, cfg) == -1 ||
	    load_templates(&ld, root) == -1 ||
	    load_milestones(&ld, root, cfg) == -1 ||
	    load_sms(&ld, root, cfg) == -1 ||
	    load_delivery(&ld, root, cfg) == -1)
		goto fail;
	warn_lengths(&ld, cfg);
	goto out;
fail:
	config_free(cfg);
	cfg = NULL;
out:
	config_destroy(&lc);
	for (i = 0; i < ld.ntmpls; i++) {
		free(ld.tmpls[i].name);
		free(ld.tmpls[i].sms);
	}
	free(ld.tmpls);
	free(ld.dir);
	return cfg;
}

void
config_free(struct config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nmilestones; i++) {
		free(cfg->milestones[i].name);
		free(cfg->milestones[i].template);
		free(cfg->milestones[i].sms);
	}
	free(cfg->milestones);
	if (cfg->sms.auth_token != NULL)
		explicit_bzero(cfg->sms.auth_token, strlen(cfg->sms.auth_token));
	free(cfg->sms.auth_token);
	free(cfg->sms.url);
	free(cfg->sms.account_sid);
	free(cfg->sms.from);
	free(cfg->sms.ca_file);
	free(cfg->path);
	free(cfg->database);
	free(cfg->metrics_file);
	free(cfg->timezone);
	tz_free(cfg->zone);
	free(cfg->clinic_name);
	free(cfg->clinic_phone);
	free(cfg);
}

const struct milestone *
config_milestone(const struct config *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->nmilestones; i++)
		if (strcmp(cfg->milestones[i].name, name) == 0)
			return &cfg->milestones[i];
	return NULL;
}

char *
config_plan_fingerprint(const struct config *cfg)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < cfg->nmilestones; i++)
		buf_printf(&b, "%s%s:%lld%s:%lld", i > 0 ? ";" : "",
		    cfg->milestones[i].name,
		    (long long)cfg->milestones[i].after,
		    cfg->milestones[i].calendar ? "d" : "",
		    (long long)cfg->milestones[i].valid_for);
	buf_printf(&b, "|%s|%d-%d", cfg->timezone, cfg->quiet_start,
	    cfg->quiet_end);
	return buf_take(&b);
}
