/* SPDX-License-Identifier: MIT */
/* config.c: reads the libconfig file and validates it into a struct config. */

#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libconfig.h>

#include "config.h"
#include "keyword.h"
#include "log.h"
#include "mail.h"
#include "schedule.h"
#include "sig.h"
#include "template.h"
#include "tz.h"
#include "util.h"

#define DEFAULT_DATABASE	"/var/lib/aftercare/aftercare.db"
#define DEFAULT_TWILIO_URL	"https://api.twilio.com"
#define DEFAULT_SENDGRID_URL	"https://api.sendgrid.com"
#define DEFAULT_LANGUAGE	"en"
#define TOKEN_MAX		4096
#define MILESTONE_NAME_MAX	32
#define KIND_MAX		64
#define LANG_MAX		35	/* RFC 5646 4.4.1: 35 will do */
#define ADDRESS_MAX		254
#define SEGMENT_LIMIT_MAX	10
#define SID_HEX			32	/* hex digits after a SID's "AC" */
/* Messages a second a provider's rate limit may allow. */
#define RATE_LIMIT_MAX		10000
/* inbound: where it listens by default, and its limits. */
#define DEFAULT_LISTEN		"127.0.0.1:8025"
#define DEFAULT_MAX_CONNECTIONS	32
#define DEFAULT_INBOUND_TIMEOUT	10
#define ESCALATE_TO_MAX		32
#define URGENT_WORDS_MAX	256
#define URGENT_WORD_MAX		64
/* A key file's text: a P-256 key is 124 bytes of base64; PEM adds lines. */
#define KEY_TEXT_MAX		4096

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

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The built-in texts, in English.  etc/aftercare.conf spells out the same
 * texts; tests/unit/test_config.c checks that the two agree.  The SMS
 * texts are pure GSM-7, and at most two segments with a 20-character first
 * name and a 25-character clinic.
 */
static const struct {
	const char	*name;
	const char	*sms;
	const char	*subject;
	const char	*email;
} default_templates[] = {
	{ "day1",
	    "Hi {first_name}, it's {clinic_name}. After your {treatment}: wash "
	    "gently with a mild cleanser, no makeup for the first 24 hours, "
	    "and don't touch or pick the treated skin. Redness, swelling or "
	    "oozing that won't settle? Call {clinic_phone}.",
	    "Looking after your skin after your {treatment}",
	    "Hi {first_name},\n"
	    "\n"
	    "Thank you for choosing {clinic_name} for your {treatment}. Your "
	    "skin is at its most delicate for the first day or two, and a few "
	    "simple habits help it heal well:\n"
	    "\n"
	    "- Wash gently with a mild, non-irritating cleanser.\n"
	    "- Leave makeup off for the first 24 hours.\n"
	    "- Keep your hands away from the treated skin and don't pick it.\n"
	    "- Stay out of direct sun and put strong or active products aside "
	    "for now.\n"
	    "- A hydrating serum (hyaluronic acid works well) and a soothing "
	    "moisturiser keep the skin calm.\n"
	    "\n"
	    "Redness, slight swelling and a feeling like mild sunburn are "
	    "normal, and usually fade within a day or two. If redness or "
	    "swelling gets worse instead of better, or the skin starts to "
	    "ooze, please call us on {clinic_phone}.\n"
	    "\n"
	    "With best wishes,\n"
	    "{clinic_name}\n" },
	{ "week1",
	    "Hi {first_name}, one week since your {treatment}. Use SPF 30 or "
	    "higher every day and keep your skin moisturised. Light peeling "
	    "or flaking is normal as new skin comes through: let it shed, "
	    "don't pick. Questions? {clinic_name}, {clinic_phone}",
	    "One week after your {treatment}",
	    "Hi {first_name},\n"
	    "\n"
	    "It's been a week since your {treatment}, and fresh skin is "
	    "coming through. A little peeling, flaking or dryness is normal "
	    "now: let it come away by itself rather than picking or scrubbing "
	    "at it.\n"
	    "\n"
	    "- Put on sunscreen of SPF 30 or higher every day: your skin is "
	    "still more sensitive to the sun than usual.\n"
	    "- Keep moisturising, morning and evening.\n"
	    "- Wait one more week before you exfoliate.\n"
	    "\n"
	    "Your skin should already feel smoother and look brighter, and it "
	    "keeps improving as new collagen builds over the coming weeks.\n"
	    "\n"
	    "Any questions? Call us on {clinic_phone}.\n"
	    "\n"
	    "{clinic_name}\n" },
	{ "week2",
	    "Hi {first_name}, two weeks after your {treatment} you can go "
	    "back to gentle exfoliation. Keep up daily SPF 30+ and an "
	    "antioxidant serum such as vitamin C to protect your results. "
	    "{clinic_name}, {clinic_phone}",
	    "Two weeks on: protecting your {treatment} results",
	    "Hi {first_name},\n"
	    "\n"
	    "Two weeks after your {treatment}, most of the healing is done, "
	    "and you can go back to gentle exfoliation if you like.\n"
	    "\n"
	    "To keep your results looking their best:\n"
	    "\n"
	    "- Wear a broad-spectrum SPF 30 or higher every day.\n"
	    "- Add an antioxidant serum, such as vitamin C, to your morning "
	    "routine.\n"
	    "- Keep your skin well moisturised.\n"
	    "\n"
	    "Collagen keeps renewing for weeks yet, so there is more "
	    "improvement to come. If you have a question, or would like to "
	    "plan your next session, call us on {clinic_phone}.\n"
	    "\n"
	    "{clinic_name}\n" },
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
	"clinic", "language", "milestones", "plans", "default_plan",
	"templates", "sms", "email",
	"delivery", "inbound", NULL
};
static const char *const clinic_keys[] = { "name", "phone", NULL };
static const char *const quiet_keys[] = { "start", "end", NULL };
static const char *const milestone_keys[] = {
	"name", "after", "template", "valid_for", "channels", NULL
};
/* A template's texts, in the order of struct texts' members. */
enum {
	TX_SMS,
	TX_SUBJECT,
	TX_EMAIL,
	TX_HTML,
	TX__COUNT
};
static const char *const text_keys[] = {
	"sms", "subject", "email", "html", NULL
};
static const char *const sms_keys[] = {
	"provider", "url", "account_sid", "auth_token", "auth_token_file",
	"from", "ca_file", "segment_limit", "rate_limit", NULL
};
static const char *const email_keys[] = {
	"provider", "url", "api_key", "api_key_file", "username", "password",
	"password_file", "starttls", "helo", "from", "from_name",
	"unsubscribe", "ca_file", "rate_limit", NULL
};
static const char *const sendgrid_keys[] = {
	"api_key", "api_key_file", NULL
};
static const char *const smtp_keys[] = {
	"username", "password", "password_file", "starttls", "helo", NULL
};
static const char *const delivery_keys[] = {
	"concurrency", "timeout", "max_attempts", "backoff", "backoff_max",
	"fallback", "lookup_after", NULL
};
static const char *const inbound_keys[] = {
	"listen", "public_url", "escalate_to", "urgent_words", "sendgrid_key",
	"sendgrid_key_file", "acknowledge", "acknowledgement",
	"max_connections", "timeout", NULL
};

/* The answer to a reply, with inbound.acknowledge = true. */
#define DEFAULT_ACKNOWLEDGEMENT	"Thank you, the clinic has your message; " \
	"if it is urgent call {clinic_phone}."

/*
 * A template while loading: built in, or from the file (group != NULL).
 * texts[0] holds the default language (lang NULL), the rest translations.
 */
struct tmpl {
	char			 *name;
	struct texts		 *texts;
	const config_setting_t	**where;	/* each one's sms or group */
	size_t			  ntexts;
	const config_setting_t	 *group;
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
static bool	 is_alpha(char);
static bool	 is_alnum(char);
static bool	 name_ok(const char *, size_t);
static char	*lower_dup(const char *);
static bool	 host_ok(const char *, size_t);
static bool	 host_local(const char *, size_t);
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
static void	 texts_clear(struct texts *);
static void	 texts_copy(struct texts *, const struct texts *);
static bool	 texts_have(const struct texts *, enum channel);
static void	 tmpl_clear(struct tmpl *);
static struct tmpl *tmpl_new(struct loader *, const char *, size_t);
static const struct tmpl *tmpl_find(const struct loader *, const char *);
static int	 load_texts(struct loader *, const config_setting_t *,
		    const char *, struct texts *, const config_setting_t **);
static int	 load_language(struct loader *, const struct config *,
		    const config_setting_t *, const char *, struct tmpl *);
static int	 load_template(struct loader *, const struct config *,
		    const config_setting_t *);
static int	 load_templates(struct loader *, const config_setting_t *,
		    const struct config *);
static int	 milestone_cmp(const void *, const void *);
static void	 milestone_set_texts(struct milestone *,
		    const struct tmpl *);
static void	 milestone_clear(struct milestone *);
static void	 milestone_copy(struct milestone *,
		    const struct milestone *);
static void	 milestones_free(struct milestone *, size_t);
static bool	 channel_configured(const struct config *, enum channel);
static int	 load_channels(struct loader *, const struct config *,
		    struct milestone *, const config_setting_t *,
		    const config_setting_t *, const char *);
static void	 plan_windows(struct milestone *, size_t);
static int	 load_plan(struct loader *, const config_setting_t *,
		    const char *, const struct config *, struct milestone **,
		    size_t *);
static int	 load_builtin_plan(struct loader *, struct config *);
static int	 plan_cmp(const void *, const void *);
static const struct plan *plan_find(const struct config *, const char *);
static int	 load_plans(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_default_plan(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_url(struct loader *, const config_setting_t *,
		    const char *, const char *, char **);
static int	 load_smtp_url(struct loader *, const config_setting_t *,
		    struct config *, bool *, bool *);
static int	 token_read(struct loader *, const config_setting_t *,
		    const char *, const char *, char **);
static int	 load_secret(struct loader *, const config_setting_t *,
		    const char *, const char *, const char *, bool, bool *,
		    char **);
static int	 load_ca_file(struct loader *, const config_setting_t *,
		    const char *, char **);
static int	 load_sms(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_email(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_delivery(struct loader *, const config_setting_t *,
		    struct config *);
static int	 listen_parse(const char *, struct config *);
static int	 load_listen(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_public_url(struct loader *, const config_setting_t *,
		    struct config *);
static int	 get_strings(struct loader *, const config_setting_t *,
		    const char *, size_t, const config_setting_t **,
		    char ***, size_t *);
static void	 strings_free(char **, size_t);
static int	 load_escalate_to(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_urgent_words(struct loader *, const config_setting_t *,
		    struct config *);
static int	 key_read(struct loader *, const config_setting_t *,
		    const char *, char **);
static int	 load_sendgrid_key(struct loader *, const config_setting_t *,
		    struct config *);
static int	 load_acknowledgement(struct loader *,
		    const config_setting_t *, struct config *);
static int	 load_inbound(struct loader *, const config_setting_t *,
		    struct config *);
static bool	 template_sent_by_sms(const struct config *, const char *);
static void	 warn_lengths(const struct loader *, const struct config *);
static bool	 phone_fictional(const char *);
static bool	 host_example(const char *, size_t);
static bool	 url_example(const char *);
static void	 warn_placeholders(const struct loader *,
		    const config_setting_t *, const struct config *);
static void	 secret_free(char *);
static const struct texts *texts_find(const struct milestone *,
		    enum channel, const char *, size_t);
static void	 fingerprint_plan(struct buf *, const struct milestone *,
		    size_t);

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

static bool
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/*
 * [A-Za-z0-9_-]{1,max}: milestone names and treatment kinds, which are
 * stored with each reminder and shown.
 */
static bool
name_ok(const char *name, size_t max)
{
	size_t	i;

	for (i = 0; name[i] != '\0'; i++) {
		if (i >= max)
			return false;
		if (!is_alnum(name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	}
	return i > 0;
}

bool
config_lang_valid(const char *s)
{
	size_t	n;

	if (strlen(s) > LANG_MAX)
		return false;
	for (n = 0; is_alpha(s[n]); n++)
		;
	if (n < 2 || n > 3)
		return false;
	s += n;
	while (*s == '-') {
		s++;
		for (n = 0; is_alnum(s[n]); n++)
			;
		if (n < 1 || n > 8)
			return false;
		s += n;
	}
	return *s == '\0';
}

/* An ASCII lower-case copy; caller frees. */
static char *
lower_dup(const char *s)
{
	char	*p, *d;

	d = xstrdup(s);
	for (p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Whether the host of len bytes is this machine: plain text is fine there. */
static bool
host_local(const char *host, size_t len)
{
	return (len == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (len >= 4 && strncmp(host, "127.", 4) == 0 &&
	    strspn(host, "0123456789.") == len) ||
	    (len == 5 && strncmp(host, "[::1]", 5) == 0);
}

/* A host name of len bytes: dot-separated labels of A-Z a-z 0-9 and -. */
static bool
host_ok(const char *s, size_t len)
{
	size_t	i, label = 0;

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
		if (s[i] == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && s[len - 1] != '-';
}

/* database, metrics_file, log_level and language. */
static int
load_top(struct loader *ld, const config_setting_t *root, struct config *cfg)
{
	const config_setting_t	*s;
	const char		*v;
	int			 pri;

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

	v = DEFAULT_LANGUAGE;
	if (get_string(ld, root, "", "language", "language",
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	if (!config_lang_valid(v))
		return ld_error(ld, s, "language \"%.40s\" is not a language "
		    "tag such as \"en\" or \"pt-BR\"", v);
	cfg->language = lower_dup(v);
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

static void
texts_clear(struct texts *t)
{
	free(t->lang);
	free(t->sms);
	free(t->subject);
	free(t->email);
	free(t->html);
	memset(t, 0, sizeof(*t));
}

static void
texts_copy(struct texts *dst, const struct texts *src)
{
	dst->lang = xstrdup(src->lang);
	dst->sms = xstrdup(src->sms);
	dst->subject = xstrdup(src->subject);
	dst->email = xstrdup(src->email);
	dst->html = xstrdup(src->html);
}

/* Whether t has channel ch's text: sms, or both subject and email. */
static bool
texts_have(const struct texts *t, enum channel ch)
{
	if (ch == CHANNEL_SMS)
		return t->sms != NULL;
	return t->subject != NULL && t->email != NULL;
}

static void
tmpl_clear(struct tmpl *t)
{
	size_t	i;

	for (i = 0; i < t->ntexts; i++)
		texts_clear(&t->texts[i]);
	free(t->texts);
	free(t->where);
	t->texts = NULL;
	t->where = NULL;
	t->ntexts = 0;
	t->group = NULL;
}

/*
 * A template of that name with room for n languages, the default one
 * (texts[0]) counted: a new one, or emptied if it replaces one (a built-in
 * template the file redefines).
 */
static struct tmpl *
tmpl_new(struct loader *ld, const char *name, size_t n)
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
		memset(t, 0, sizeof(*t));
		t->name = xstrdup(name);
	} else {
		t = &ld->tmpls[i];
		tmpl_clear(t);
	}
	t->texts = xcalloc(n, sizeof(*t->texts));
	t->where = xcalloc(n, sizeof(*t->where));
	t->ntexts = 1;
	return t;
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

/*
 * The texts of one language, members of g; label names g in messages
 * ("templates.day1", "templates.day1.es").  Each is checked; w[TX_*] is
 * set to where each one is (NULL: absent).
 */
static int
load_texts(struct loader *ld, const config_setting_t *g, const char *label,
    struct texts *t, const config_setting_t **w)
{
	const char	*v[TX__COUNT];
	char		 key[160], msg[256];
	size_t		 i;

	for (i = 0; i < TX__COUNT; i++) {
		v[i] = NULL;
		(void)snprintf(key, sizeof(key), "%s.%s", label, text_keys[i]);
		if (get_string(ld, g, label, text_keys[i], key,
		    GS_NONEMPTY | (i == TX_SUBJECT ? GS_LINE : 0), &w[i],
		    &v[i]) == -1)
			return -1;
		if (v[i] == NULL)
			continue;
		msg[0] = '\0';
		if (template_check(v[i], msg, sizeof(msg)) == -1)
			return ld_error(ld, w[i], "%s: %s", key, msg);
	}
	if (v[TX_SUBJECT] != NULL && v[TX_EMAIL] == NULL)
		return ld_error(ld, w[TX_SUBJECT], "%s: subject needs email "
		    "(the plain-text body)", label);
	if (v[TX_EMAIL] != NULL && v[TX_SUBJECT] == NULL)
		return ld_error(ld, w[TX_EMAIL], "%s: email needs a subject",
		    label);
	if (v[TX_HTML] != NULL && v[TX_EMAIL] == NULL)
		return ld_error(ld, w[TX_HTML], "%s: html needs email (the "
		    "plain-text body)", label);
	if (v[TX_SMS] == NULL && v[TX_EMAIL] == NULL)
		return ld_error(ld, g, "%s: missing \"sms\" (or \"subject\" "
		    "and \"email\")", label);
	t->sms = xstrdup(v[TX_SMS]);
	t->subject = xstrdup(v[TX_SUBJECT]);
	t->email = xstrdup(v[TX_EMAIL]);
	t->html = xstrdup(v[TX_HTML]);
	return 0;
}

/*
 * One translation of template t: the group lg, whose name is a language
 * tag.  It may only carry texts for channels the default language has.
 */
static int
load_language(struct loader *ld, const struct config *cfg,
    const config_setting_t *lg, const char *label, struct tmpl *t)
{
	const config_setting_t	*w[TX__COUNT];
	struct texts		*lt;
	const char		*name;
	char			 llabel[160];
	size_t			 i;

	name = config_setting_name(lg);
	if (!config_lang_valid(name))
		return ld_error(ld, lg, "%s: \"%.40s\" is not a language tag "
		    "such as \"es\" or \"pt-BR\"", label, name);
	if (strcasecmp(name, cfg->language) == 0)
		return ld_error(ld, lg, "%s: \"%s\" is the default language "
		    "(language = \"%s\"): put its texts at the top of the "
		    "template", label, name, cfg->language);
	for (i = 1; i < t->ntexts; i++)
		if (strcasecmp(t->texts[i].lang, name) == 0)
			return ld_error(ld, lg, "%s: language \"%s\" is given "
			    "twice (tags ignore case)", label, name);
	(void)snprintf(llabel, sizeof(llabel), "%s.%s", label, name);
	if (check_keys(ld, lg, text_keys, llabel) == -1)
		return -1;

	i = t->ntexts++;
	lt = &t->texts[i];
	lt->lang = lower_dup(name);
	if (load_texts(ld, lg, llabel, lt, w) == -1)
		return -1;
	if (lt->sms != NULL && t->texts[0].sms == NULL)
		return ld_error(ld, w[TX_SMS], "%s.sms: %s has no sms text in "
		    "the default language", llabel, label);
	if (lt->email != NULL && t->texts[0].email == NULL)
		return ld_error(ld, w[TX_EMAIL], "%s.email: %s has no email "
		    "text in the default language", llabel, label);
	t->where[i] = w[TX_SMS] != NULL ? w[TX_SMS] : lg;
	return 0;
}

/*
 * One template from the file: the default language's texts as members,
 * other languages as groups named by their tags.
 */
static int
load_template(struct loader *ld, const struct config *cfg,
    const config_setting_t *tg)
{
	const config_setting_t	*s, *w[TX__COUNT];
	struct tmpl		*t;
	const char		*name, *key;
	char			 label[96];
	size_t			 i, n = 1;
	int			 len, k;

	name = config_setting_name(tg);
	if (config_setting_type(tg) != CONFIG_TYPE_GROUP)
		return ld_error(ld, tg, "template \"%s\" must be a group "
		    "{ sms = \"...\"; }", name);
	(void)snprintf(label, sizeof(label), "templates.%s", name);

	/* Texts and language groups; anything else is unknown. */
	len = config_setting_length(tg);
	for (k = 0; k < len; k++) {
		s = config_setting_get_elem(tg, (unsigned)k);
		if (s == NULL || (key = config_setting_name(s)) == NULL)
			continue;
		for (i = 0; text_keys[i] != NULL; i++)
			if (strcmp(text_keys[i], key) == 0)
				break;
		if (text_keys[i] != NULL)
			continue;
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return ld_error(ld, s, "unknown key \"%s\" in %s", key,
			    label);
		n++;
	}

	t = tmpl_new(ld, name, n);
	t->group = tg;
	if (load_texts(ld, tg, label, &t->texts[0], w) == -1)
		return -1;
	t->where[0] = w[TX_SMS] != NULL ? w[TX_SMS] : tg;
	for (k = 0; k < len; k++) {
		s = config_setting_get_elem(tg, (unsigned)k);
		if (s == NULL || config_setting_type(s) != CONFIG_TYPE_GROUP)
			continue;
		if (load_language(ld, cfg, s, label, t) == -1)
			return -1;
	}
	return 0;
}

/* The built-in templates, then the file's, each checked. */
static int
load_templates(struct loader *ld, const config_setting_t *root,
    const struct config *cfg)
{
	const config_setting_t	*g, *t;
	struct tmpl		*tp;
	const char		*text[3];
	char			 msg[256];
	size_t			 i, j;
	int			 n, k;

	for (i = 0; i < NITEMS(default_templates); i++) {
		text[0] = default_templates[i].sms;
		text[1] = default_templates[i].subject;
		text[2] = default_templates[i].email;
		for (j = 0; j < NITEMS(text); j++) {
			msg[0] = '\0';
			if (template_check(text[j], msg, sizeof(msg)) == -1)
				return ld_error(ld, NULL, "built-in template "
				    "\"%s\": %s", default_templates[i].name,
				    msg);
		}
		tp = tmpl_new(ld, default_templates[i].name, 1);
		tp->texts[0].sms = xstrdup(text[0]);
		tp->texts[0].subject = xstrdup(text[1]);
		tp->texts[0].email = xstrdup(text[2]);
	}

	if (get_group(ld, root, "templates",
	    "{ name = { sms = \"...\"; }; ... }", &g) == -1)
		return -1;
	n = g != NULL ? config_setting_length(g) : 0;
	for (k = 0; k < n; k++) {
		t = config_setting_get_elem(g, (unsigned)k);
		if (t == NULL)
			continue;
		if (load_template(ld, cfg, t) == -1)
			return -1;
	}
	return 0;
}

static int
milestone_cmp(const void *a, const void *b)
{
	const struct milestone	*ma = a, *mb = b;

	if (ma->after < mb->after)
		return -1;
	return ma->after > mb->after;
}

/* Gives m its template's name and copies of all its texts. */
static void
milestone_set_texts(struct milestone *m, const struct tmpl *tp)
{
	size_t	i;

	m->template = xstrdup(tp->name);
	m->sms = xstrdup(tp->texts[0].sms);
	m->subject = xstrdup(tp->texts[0].subject);
	m->email = xstrdup(tp->texts[0].email);
	m->html = xstrdup(tp->texts[0].html);
	m->nlangs = tp->ntexts - 1;
	m->langs = NULL;
	if (m->nlangs > 0)
		m->langs = xcalloc(m->nlangs, sizeof(*m->langs));
	for (i = 0; i < m->nlangs; i++)
		texts_copy(&m->langs[i], &tp->texts[i + 1]);
}

static void
milestone_clear(struct milestone *m)
{
	size_t	i;

	free(m->name);
	free(m->template);
	free(m->sms);
	free(m->subject);
	free(m->email);
	free(m->html);
	for (i = 0; i < m->nlangs; i++)
		texts_clear(&m->langs[i]);
	free(m->langs);
	memset(m, 0, sizeof(*m));
}

static void
milestone_copy(struct milestone *dst, const struct milestone *src)
{
	size_t	i;

	*dst = *src;
	dst->name = xstrdup(src->name);
	dst->template = xstrdup(src->template);
	dst->sms = xstrdup(src->sms);
	dst->subject = xstrdup(src->subject);
	dst->email = xstrdup(src->email);
	dst->html = xstrdup(src->html);
	dst->langs = NULL;
	if (src->nlangs > 0)
		dst->langs = xcalloc(src->nlangs, sizeof(*dst->langs));
	for (i = 0; i < src->nlangs; i++)
		texts_copy(&dst->langs[i], &src->langs[i]);
}

static void
milestones_free(struct milestone *ms, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		milestone_clear(&ms[i]);
	free(ms);
}

/* SMS always has its provider (the sms section); email needs one. */
static bool
channel_configured(const struct config *cfg, enum channel ch)
{
	return ch == CHANNEL_SMS || cfg->email.provider != EMAIL_PROVIDER_NONE;
}

/*
 * The channels m goes out on: those listed in cs, or (cs NULL) every one
 * that has a provider and a text in m's template.  ctx names m in
 * messages and where is m's place in the file (NULL: built in).
 */
static int
load_channels(struct loader *ld, const struct config *cfg,
    struct milestone *m, const config_setting_t *cs,
    const config_setting_t *where, const char *ctx)
{
	const config_setting_t	*e;
	struct texts		 def;
	const char		*v;
	enum channel		 ch;
	int			 i, n;

	memset(&def, 0, sizeof(def));
	def.sms = m->sms;
	def.subject = m->subject;
	def.email = m->email;
	m->channels = 0;

	if (cs == NULL) {
		for (i = 0; i < CHANNEL__COUNT; i++)
			if (channel_configured(cfg, (enum channel)i) &&
			    texts_have(&def, (enum channel)i))
				m->channels |= CHANNEL_BIT(i);
		if (m->channels == 0)
			return ld_error(ld, where, "%s: template \"%s\" has no "
			    "sms text, and email needs an email section", ctx,
			    m->template);
		return 0;
	}

	if (config_setting_type(cs) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(cs) != CONFIG_TYPE_LIST)
		return ld_error(ld, cs, "channels must be an array such as "
		    "[ \"sms\", \"email\" ]");
	n = config_setting_length(cs);
	if (n == 0)
		return ld_error(ld, cs, "channels must not be empty");
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(cs, (unsigned)i);
		if (e == NULL || config_setting_type(e) != CONFIG_TYPE_STRING ||
		    (v = config_setting_get_string(e)) == NULL)
			return ld_error(ld, cs, "channels must be an array of "
			    "strings such as [ \"sms\", \"email\" ]");
		if (config_channel_parse(v, &ch) == -1)
			return ld_error(ld, cs, "channels: unknown channel "
			    "\"%.20s\" (sms, email)", v);
		if (m->channels & CHANNEL_BIT(ch))
			return ld_error(ld, cs, "channels: \"%s\" is listed "
			    "twice", v);
		if (!channel_configured(cfg, ch))
			return ld_error(ld, cs, "%s: channel %s needs an %s "
			    "section", ctx, v, v);
		if (!texts_have(&def, ch)) {
			if (ch == CHANNEL_SMS)
				return ld_error(ld, cs, "%s: template \"%s\" "
				    "has no sms text", ctx, m->template);
			return ld_error(ld, cs, "%s: template \"%s\" has no "
			    "email text (subject and email)", ctx,
			    m->template);
		}
		m->channels |= CHANNEL_BIT(ch);
	}
	return 0;
}

/* Sorts a plan; a reminder goes stale when the next is due, or after 3d. */
static void
plan_windows(struct milestone *ms, size_t n)
{
	struct milestone	*m;
	size_t			 i;

	if (n > 1)
		qsort(ms, n, sizeof(*ms), milestone_cmp);
	for (i = 0; i < n; i++) {
		m = &ms[i];
		if (m->valid_for != 0)
			continue;
		m->valid_for = CONFIG_VALID_FOR_MAX;
		if (i + 1 < n && ms[i + 1].after - m->after < m->valid_for)
			m->valid_for = ms[i + 1].after - m->after;
	}
}

/*
 * A list of milestones: the default plan's (kind NULL: "milestones") or
 * a kind's ("plans.KIND").  They are added to *msp and *np as they are
 * made, so that config_free() frees them also on failure.
 */
static int
load_plan(struct loader *ld, const config_setting_t *list, const char *kind,
    const struct config *cfg, struct milestone **msp, size_t *np)
{
	const config_setting_t	 *e, *ts, *vs, *as, **where = NULL;
	const struct tmpl	 *tp;
	struct milestone	 *ms, *m;
	const char		 *name, *tname;
	char			  what[96], of[96], label[128], ctx[160];
	char			  msg[256];
	size_t			  i, j, n;
	int			  ret = -1;

	if (kind == NULL) {
		(void)snprintf(what, sizeof(what), "milestones");
		of[0] = '\0';
	} else {
		(void)snprintf(what, sizeof(what), "plans.%s", kind);
		(void)snprintf(of, sizeof(of), " of plan \"%s\"", kind);
	}
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return ld_error(ld, list, "%s must be a list ( { name = ...; "
		    "after = ...; template = ...; }, ... )", what);
	n = (size_t)config_setting_length(list);
	if (n == 0 && kind == NULL)
		return ld_error(ld, list, "milestones must not be empty; for "
		    "no reminders where a kind has no plan of its own, write "
		    "default_plan = \"none\"");
	if (n == 0)
		return 0;	/* that kind gets no reminders */

	ms = *msp = xcalloc(n, sizeof(*ms));
	where = xcalloc(n, sizeof(*where));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if (e == NULL || config_setting_type(e) != CONFIG_TYPE_GROUP) {
			(void)ld_error(ld, e != NULL ? e : list, "milestone "
			    "%zu%s must be a group { name = ...; after = ...; "
			    "template = ...; }", i + 1, of);
			goto out;
		}
		(void)snprintf(label, sizeof(label), "milestone %zu%s", i + 1,
		    of);
		if (check_keys(ld, e, milestone_keys, what) == -1)
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
		if (!name_ok(name, MILESTONE_NAME_MAX)) {
			(void)ld_error(ld, config_setting_get_member(e, "name"),
			    "milestone name \"%.40s\" must be 1 to %d of "
			    "A-Z a-z 0-9 _ -", name, MILESTONE_NAME_MAX);
			goto out;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(ms[j].name, name) != 0)
				continue;
			(void)ld_error(ld, config_setting_get_member(e, "name"),
			    "duplicate milestone name \"%s\"%s (first on line "
			    "%u)", name, of, (unsigned)
			    config_setting_source_line(where[j]));
			goto out;
		}
		m = &ms[(*np)++];
		where[i] = e;
		m->name = xstrdup(name);
		(void)snprintf(ctx, sizeof(ctx), "milestone \"%s\"%s", name,
		    of);
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
			(void)ld_error(ld, ts, "%s: unknown template \"%.40s\"",
			    ctx, tname);
			goto out;
		}
		milestone_set_texts(m, tp);
		for (j = 0; j < i; j++) {
			if (ms[j].after != m->after)
				continue;
			schedule_duration_format(m->after, msg, sizeof(msg));
			(void)ld_error(ld, as, "milestones \"%s\" and \"%s\"%s "
			    "are both due %s after the treatment", ms[j].name,
			    name, of, msg);
			goto out;
		}
		if (load_channels(ld, cfg, m,
		    config_setting_get_member(e, "channels"), e, ctx) == -1)
			goto out;
	}
	plan_windows(ms, *np);
	ret = 0;
out:
	free(where);
	return ret;
}

/* The default plan when the file has neither milestones nor default_plan. */
static int
load_builtin_plan(struct loader *ld, struct config *cfg)
{
	const struct tmpl	*tp;
	struct milestone	*m;
	char			 ctx[64];
	size_t			 i, n;

	n = NITEMS(default_milestones);
	cfg->milestones = xcalloc(n, sizeof(*cfg->milestones));
	for (i = 0; i < n; i++) {
		m = &cfg->milestones[cfg->nmilestones++];
		m->name = xstrdup(default_milestones[i].name);
		m->after = default_milestones[i].after;
		m->calendar = default_milestones[i].calendar;
		m->valid_for = 0;
		tp = tmpl_find(ld, default_milestones[i].template);
		if (tp == NULL)
			return ld_error(ld, NULL, "built-in template \"%s\" is "
			    "missing", default_milestones[i].template);
		milestone_set_texts(m, tp);
		(void)snprintf(ctx, sizeof(ctx), "built-in milestone \"%s\"",
		    m->name);
		if (load_channels(ld, cfg, m, NULL, tp->group, ctx) == -1)
			return -1;
	}
	plan_windows(cfg->milestones, cfg->nmilestones);
	return 0;
}

static int
plan_cmp(const void *a, const void *b)
{
	const struct plan	*pa = a, *pb = b;

	return strcmp(pa->kind, pb->kind);
}

static const struct plan *
plan_find(const struct config *cfg, const char *kind)
{
	size_t	i;

	for (i = 0; i < cfg->nplans; i++)
		if (strcmp(cfg->plans[i].kind, kind) == 0)
			return &cfg->plans[i];
	return NULL;
}

/* plans = { KIND = ( milestones ); ... }: one plan per treatment kind. */
static int
load_plans(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g, *s;
	struct plan		*p;
	const char		*kind;
	int			 n, k;

	if (get_group(ld, root, "plans", "{ kind = ( { name = ...; "
	    "after = ...; template = ...; }, ... ); ... }", &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	n = config_setting_length(g);
	cfg->plans = xcalloc((size_t)n, sizeof(*cfg->plans));
	for (k = 0; k < n; k++) {
		s = config_setting_get_elem(g, (unsigned)k);
		if (s == NULL || (kind = config_setting_name(s)) == NULL)
			continue;
		if (!name_ok(kind, KIND_MAX))
			return ld_error(ld, s, "plans: kind \"%.40s\" must be "
			    "1 to %d of A-Z a-z 0-9 _ -", kind, KIND_MAX);
		if (strcmp(kind, "none") == 0)
			return ld_error(ld, s, "plans: \"none\" cannot be a "
			    "kind (default_plan = \"none\" means no default "
			    "plan)");
		p = &cfg->plans[cfg->nplans++];
		p->kind = xstrdup(kind);
		if (load_plan(ld, s, kind, cfg, &p->milestones,
		    &p->nmilestones) == -1)
			return -1;
	}
	if (cfg->nplans > 1)
		qsort(cfg->plans, cfg->nplans, sizeof(*cfg->plans), plan_cmp);
	return 0;
}

/*
 * The default plan, for kinds without one of their own: milestones, or a
 * copy of the plan default_plan names, or none; else the built-in one.
 */
static int
load_default_plan(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*ms, *ds;
	const struct plan	*p;
	const char		*v;
	struct buf		 b;
	size_t			 i;
	int			 ret;

	ms = config_setting_get_member(root, "milestones");
	ds = config_setting_get_member(root, "default_plan");
	if (ms != NULL && ds != NULL)
		return ld_error(ld, config_setting_source_line(ms) >
		    config_setting_source_line(ds) ? ms : ds, "set milestones "
		    "or default_plan, not both");
	if (ms != NULL)
		return load_plan(ld, ms, NULL, cfg, &cfg->milestones,
		    &cfg->nmilestones);
	if (ds == NULL)
		return load_builtin_plan(ld, cfg);

	if (get_string(ld, root, "", "default_plan", "default_plan",
	    GS_NONEMPTY | GS_LINE, &ds, &v) == -1)
		return -1;
	if (strcmp(v, "none") == 0)
		return 0;
	if ((p = plan_find(cfg, v)) == NULL) {
		if (cfg->nplans == 0)
			return ld_error(ld, ds, "default_plan \"%.40s\" is not "
			    "a plan: there are no plans (or write \"none\")",
			    v);
		buf_init(&b);
		for (i = 0; i < cfg->nplans; i++)
			buf_printf(&b, "%s%s", i > 0 ? ", " : "",
			    cfg->plans[i].kind);
		ret = ld_error(ld, ds, "default_plan \"%.40s\" is not a plan; "
		    "the plans are %s (or write \"none\")", v, b.data);
		buf_clear(&b);
		return ret;
	}
	cfg->milestones = xcalloc(p->nmilestones, sizeof(*cfg->milestones));
	for (i = 0; i < p->nmilestones; i++)
		milestone_copy(&cfg->milestones[cfg->nmilestones++],
		    &p->milestones[i]);
	return 0;
}

/*
 * An http(s) URL: a provider's API base or endpoint; def when absent, or
 * required when def is NULL.  group names the section in messages.
 */
static int
load_url(struct loader *ld, const config_setting_t *g, const char *group,
    const char *def, char **out)
{
	const config_setting_t	*s;
	const char		*url, *host;

	url = def;
	if (get_string(ld, g, group, "url", "url",
	    (def == NULL ? GS_REQUIRED : 0) | GS_NONEMPTY | GS_LINE, &s,
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
	if (host == url + 7 && !host_local(host, host[0] == '[' ?
	    strcspn(host, "]") + 1 : strcspn(host, ":/")))
		ld_warn(ld, s, "url is plain http: credentials and messages "
		    "cross the network unencrypted");
	*out = xstrdup(url);
	return 0;
}

/*
 * email, provider smtp: "smtp://host[:port]" or "smtps://host[:port]",
 * required.  Sets *smtps for TLS from the start, and *local for a host on
 * this machine (localhost, 127.0.0.1, [::1]).
 */
static int
load_smtp_url(struct loader *ld, const config_setting_t *g,
    struct config *cfg, bool *smtps, bool *local)
{
	const config_setting_t	*s;
	const char		*url, *host, *p;
	size_t			 len, n;
	long			 port;

	if (get_string(ld, g, "email", "url", "url",
	    GS_REQUIRED | GS_NONEMPTY | GS_LINE, &s, &url) == -1)
		return -1;
	*smtps = strncmp(url, "smtps://", 8) == 0;
	if (*smtps)
		host = url + 8;
	else if (strncmp(url, "smtp://", 7) == 0)
		host = url + 7;
	else
		goto bad;
	if (*host == '[') {
		for (p = host + 1; (*p >= '0' && *p <= '9') ||
		    (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') ||
		    *p == ':' || *p == '.'; p++)
			;
		if (*p != ']' || p == host + 1)
			goto bad;
		p++;
	} else {
		for (p = host; is_alnum(*p) || *p == '-' || *p == '.'; p++)
			;
		if (!host_ok(host, (size_t)(p - host)))
			goto bad;
	}
	len = (size_t)(p - host);
	if (*p == ':') {
		port = 0;
		for (p++, n = 0; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 6)
				port = port * 10 + (*p - '0');
		if (*p != '\0')
			goto bad;
		if (n == 0 || n > 5 || port < 1 || port > 65535)
			return ld_error(ld, s, "url: the port must be 1 to "
			    "65535");
	}
	if (*p != '\0')
		goto bad;
	*local = host_local(host, len);
	cfg->email.url = xstrdup(url);
	return 0;
bad:
	/* Not quoted: it might carry a password. */
	return ld_error(ld, s, "url must be \"smtp://host[:port]\" or "
	    "\"smtps://host[:port]\"");
}

/*
 * Reads a secret file: one line, the trailing newline stripped.  The token
 * never reaches a message, and the stack copy is wiped.
 */
static int
token_read(struct loader *ld, const config_setting_t *s, const char *key,
    const char *path, char **out)
{
	struct stat	 st;
	char		 buf[TOKEN_MAX + 2];
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return ld_error(ld, s, "%s \"%s\": %s", key, path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		(void)ld_error(ld, s, "%s \"%s\": %s", key, path,
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		(void)ld_error(ld, s, "%s \"%s\": %s", key, path,
		    strerror(EISDIR));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)ld_error(ld, s, "%s \"%s\": not a regular file", key,
		    path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		ld_warn(ld, s, "%s \"%s\" is accessible by group or others "
		    "(mode %04o); chmod 600 it", key, path,
		    (unsigned)(st.st_mode & 07777));
	for (;;) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			(void)ld_error(ld, s, "%s \"%s\": %s", key, path,
			    strerror(errno));
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
		(void)ld_error(ld, s, "%s \"%s\" is empty", key, path);
		goto out;
	}
	if (len > TOKEN_MAX) {
		(void)ld_error(ld, s, "%s \"%s\" is longer than %d bytes",
		    key, path, TOKEN_MAX);
		goto out;
	}
	if (strlen(buf) != len || has_control(buf)) {
		(void)ld_error(ld, s, "%s \"%s\" must hold one line with no "
		    "control characters", key, path);
		goto out;
	}
	*out = xstrdup(buf);
	ret = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	(void)close(fd);
	return ret;
}


/*
 * A secret, given as key (in this file) or filekey (a file holding it),
 * not both; required says one must be there, and *given (may be NULL)
 * says whether one is.  Neither is copied with CONFIG_NO_SECRETS.
 */
static int
load_secret(struct loader *ld, const config_setting_t *g, const char *group,
    const char *key, const char *filekey, bool required, bool *given,
    char **out)
{
	const config_setting_t	*ts = NULL, *fs = NULL;
	const char		*token = NULL, *file = NULL;
	char			*path;
	int			 ret;

	if (given != NULL)
		*given = false;
	if (get_string(ld, g, group, key, key, GS_NONEMPTY, &ts,
	    &token) == -1 ||
	    get_string(ld, g, group, filekey, filekey, GS_NONEMPTY | GS_LINE,
	    &fs, &file) == -1)
		return -1;
	if (ts != NULL && fs != NULL)
		return ld_error(ld, config_setting_source_line(ts) >
		    config_setting_source_line(fs) ? ts : fs,
		    "set %s or %s, not both", key, filekey);
	if (ts == NULL && fs == NULL) {
		if (required)
			return ld_error(ld, g, "%s: missing \"%s\" (or "
			    "\"%s\")", group, filekey, key);
		return 0;
	}
	if (given != NULL)
		*given = true;
	if (ts != NULL) {
		/* The message must not quote it, so say only what is wrong. */
		if (has_control(token))
			return ld_error(ld, ts, "%s must not contain control "
			    "characters", key);
		if (ld->flags & CONFIG_NO_SECRETS)
			return 0;
		*out = xstrdup(token);
		return 0;
	}
	if (ld->flags & CONFIG_NO_SECRETS)
		return 0;
	path = credential_path(ld, file);
	ret = token_read(ld, fs, filekey, path, out);
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


/* An optional PEM file of CA certificates; readable unless no secrets. */
static int
load_ca_file(struct loader *ld, const config_setting_t *g, const char *group,
    char **out)
{
	const config_setting_t	*s;
	const char		*v = NULL;

	if (get_string(ld, g, group, "ca_file", "ca_file",
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	if (v == NULL)
		return 0;
	*out = path_resolve(ld, v);
	if ((ld->flags & CONFIG_NO_SECRETS) == 0 && access(*out, R_OK) == -1)
		return ld_error(ld, s, "ca_file \"%s\": %s", *out,
		    strerror(errno));
	return 0;
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

	if (load_url(ld, g, "sms",
	    cfg->sms.provider == SMS_PROVIDER_WEBHOOK ? NULL :
	    DEFAULT_TWILIO_URL, &cfg->sms.url) == -1)
		return -1;
	/* gw_twilio.c adds the resource's path; given twice, it 404s. */
	if (cfg->sms.provider == SMS_PROVIDER_TWILIO &&
	    (strstr(cfg->sms.url, "/2010-04-01") != NULL ||
	    strstr(cfg->sms.url, "Messages.json") != NULL))
		return ld_error(ld, config_setting_get_member(g, "url"),
		    "sms.url is the API base (\"%s\"): aftercare adds "
		    "/2010-04-01/Accounts/.../Messages.json itself",
		    DEFAULT_TWILIO_URL);

	/* The account SID becomes part of the request path. */
	v = NULL;
	if (get_string(ld, g, "sms", "account_sid", "account_sid",
	    cfg->sms.provider == SMS_PROVIDER_TWILIO ? GS_REQUIRED : 0, &s,
	    &v) == -1)
		return -1;
	if (v != NULL && cfg->sms.provider != SMS_PROVIDER_TWILIO)
		return ld_error(ld, s, "account_sid is only used with "
		    "provider \"twilio\"");
	/* Twilio's own form (its API spec: ^AC[0-9a-fA-F]{32}$). */
	if (v != NULL) {
		len = strlen(v);
		ok = len == 2 + SID_HEX && strncmp(v, "AC", 2) == 0 &&
		    strspn(v + 2, "0123456789abcdefABCDEF") == SID_HEX;
		if (!ok)
			return ld_error(ld, s, "account_sid must be \"AC\" and "
			    "32 hex digits, as the Twilio Console shows it");
		cfg->sms.account_sid = xstrdup(v);
	}

	/* twilio: the Auth Token; webhook: an optional bearer token. */
	if (load_secret(ld, g, "sms", "auth_token", "auth_token_file",
	    cfg->sms.provider == SMS_PROVIDER_TWILIO, NULL,
	    &cfg->sms.auth_token) == -1)
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
			    "number (\"+15550100\") or a sender id of 1 to 11 "
			    "letters, digits and spaces, with a letter", v);
		cfg->sms.from = xstrdup(v);
	}

	cfg->sms.segment_limit = CONFIG_SEGMENT_LIMIT;
	if (get_int(ld, g, "segment_limit", 1, SEGMENT_LIMIT_MAX, "segments",
	    &cfg->sms.segment_limit) == -1 ||
	    get_int(ld, g, "rate_limit", 0, RATE_LIMIT_MAX,
	    "messages a second; 0 for none", &cfg->sms.rate_limit) == -1)
		return -1;
	return load_ca_file(ld, g, "sms", &cfg->sms.ca_file);
}

/* The optional email section: SendGrid's API, or SMTP through libcurl. */
static int
load_email(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g, *s, *us;
	const char		*v, *user, *const *other;
	const char		*p;
	bool			 smtps = false, local = false, pass;

	cfg->email.provider = EMAIL_PROVIDER_NONE;
	if (get_group(ld, root, "email", "{ provider = \"sendgrid\"; ... }",
	    &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (check_keys(ld, g, email_keys, "email") == -1)
		return -1;

	if (get_string(ld, g, "email", "provider", "provider", GS_REQUIRED,
	    &s, &v) == -1)
		return -1;
	if (strcmp(v, "sendgrid") == 0)
		cfg->email.provider = EMAIL_PROVIDER_SENDGRID;
	else if (strcmp(v, "smtp") == 0)
		cfg->email.provider = EMAIL_PROVIDER_SMTP;
	else
		return ld_error(ld, s, "provider \"%.40s\" is not one of "
		    "sendgrid, smtp", v);
	other = cfg->email.provider == EMAIL_PROVIDER_SMTP ? sendgrid_keys :
	    smtp_keys;
	for (; *other != NULL; other++)
		if ((s = config_setting_get_member(g, *other)) != NULL)
			return ld_error(ld, s, "%s is only used with provider "
			    "\"%s\"", *other,
			    cfg->email.provider == EMAIL_PROVIDER_SMTP ?
			    "sendgrid" : "smtp");

	if (cfg->email.provider == EMAIL_PROVIDER_SENDGRID) {
		if (load_url(ld, g, "email", DEFAULT_SENDGRID_URL,
		    &cfg->email.url) == -1 ||
		    load_secret(ld, g, "email", "api_key", "api_key_file",
		    true, NULL, &cfg->email.api_key) == -1)
			return -1;
	} else {
		if (load_smtp_url(ld, g, cfg, &smtps, &local) == -1)
			return -1;
		user = NULL;
		if (get_string(ld, g, "email", "username", "username",
		    GS_NONEMPTY | GS_LINE, &us, &user) == -1)
			return -1;
		if (load_secret(ld, g, "email", "password", "password_file",
		    false, &pass, &cfg->email.password) == -1)
			return -1;
		if (user != NULL && !pass)
			return ld_error(ld, us, "username needs password_file "
			    "(or password)");
		if (user == NULL && pass) {
			s = config_setting_get_member(g, "password");
			if (s == NULL)
				s = config_setting_get_member(g,
				    "password_file");
			return ld_error(ld, s, "%s needs username",
			    config_setting_name(s));
		}
		cfg->email.username = xstrdup(user);

		/* smtp:// asks for STARTTLS; smtps:// is TLS from the start. */
		cfg->email.starttls = !smtps;
		s = config_setting_get_member(g, "starttls");
		if (s != NULL) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL)
				return ld_error(ld, s, "starttls must be true "
				    "or false");
			if (smtps)
				return ld_error(ld, s, "starttls is only used "
				    "with smtp:// (smtps:// uses TLS from the "
				    "start)");
			cfg->email.starttls = config_setting_get_bool(s) != 0;
		}
		if (!smtps && !cfg->email.starttls && !local)
			ld_warn(ld, s, "starttls = false: mail%s crosses the "
			    "network in clear text", user != NULL ?
			    ", and the SMTP password," : "");

		/* The EHLO name: RFC 5321 4.1.1.1 wants it fully qualified. */
		v = NULL;
		if (get_string(ld, g, "email", "helo", "helo",
		    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
			return -1;
		if (v != NULL && (!host_ok(v, strlen(v)) ||
		    strchr(v, '.') == NULL))
			return ld_error(ld, s, "helo \"%.80s\" must be a fully "
			    "qualified domain name such as "
			    "\"mail.clinic.example.com\"", v);
		cfg->email.helo = xstrdup(v);
	}

	if (get_string(ld, g, "email", "from", "from",
	    GS_REQUIRED | GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	/* As mail.c will want it to send, and no address literal. */
	if (!mail_address_valid(v) || strchr(v, '[') != NULL)
		return ld_error(ld, s, "from \"%.80s\" must be a plain address "
		    "such as \"care@clinic.example.com\"", v);
	cfg->email.from = xstrdup(v);

	v = cfg->clinic_name;
	if (get_string(ld, g, "email", "from_name", "from_name",
	    GS_NONEMPTY | GS_LINE, NULL, &v) == -1)
		return -1;
	cfg->email.from_name = xstrdup(v);

	/* The List-Unsubscribe header's <URI>. */
	v = NULL;
	if (get_string(ld, g, "email", "unsubscribe", "unsubscribe",
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	if (v == NULL)
		cfg->email.unsubscribe = xasprintf("mailto:%s?subject="
		    "unsubscribe", cfg->email.from);
	else {
		for (p = v; *p != '\0'; p++)
			if ((unsigned char)*p > 0x7e ||
			    strchr(" \"<>,", *p) != NULL)
				break;
		if (*p != '\0' || !((strncmp(v, "mailto:", 7) == 0 &&
		    v[7] != '\0') || (strncmp(v, "https://", 8) == 0 &&
		    v[8] != '\0' && v[8] != '/')))
			return ld_error(ld, s, "unsubscribe must be a mailto: "
			    "or https:// URI, without spaces, quotes, commas "
			    "or angle brackets");
		cfg->email.unsubscribe = xstrdup(v);
	}

	if (get_int(ld, g, "rate_limit", 0, RATE_LIMIT_MAX,
	    "messages a second; 0 for none", &cfg->email.rate_limit) == -1)
		return -1;
	return load_ca_file(ld, g, "email", &cfg->email.ca_file);
}

static int
load_delivery(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g, *bs, *ms, *s;
	char			 b[32], m[32];

	/*
	 * Measured (make bench): a burst goes 50% faster at 16 than at 4,
	 * and 16 connections are few enough for any API or mail relay.
	 */
	cfg->delivery.concurrency = 16;
	cfg->delivery.timeout = 15;
	cfg->delivery.max_attempts = 8;
	cfg->delivery.backoff_base = 60;
	cfg->delivery.backoff_max = 3600;
	cfg->delivery.fallback = true;
	/*
	 * Twilio's callbacks come within minutes; a carrier's word of an
	 * undelivered message can take an hour or two.
	 */
	cfg->delivery.lookup_after = CONFIG_LOOKUP_AFTER;

	if (get_group(ld, root, "delivery", "{ concurrency = 16; ... }",
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
	if ((s = config_setting_get_member(g, "fallback")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return ld_error(ld, s, "fallback must be true or false");
		cfg->delivery.fallback = config_setting_get_bool(s) != 0;
	}
	if (get_duration(ld, g, "lookup_after", &s,
	    &cfg->delivery.lookup_after) == -1)
		return -1;
	if (s != NULL && (cfg->delivery.lookup_after < 60 ||
	    cfg->delivery.lookup_after > CONFIG_LOOKUP_AFTER_MAX))
		return ld_error(ld, s, "lookup_after must be between 1m and "
		    "3d");
	return 0;
}

/*
 * inbound.listen: "unix:/PATH", "[IPv6]:PORT" or "IPv4:PORT", addresses
 * as literals (the receiver resolves no names).  Returns 0 with the parts
 * in cfg, or -1.
 */
static int
listen_parse(const char *v, struct config *cfg)
{
	struct sockaddr_un	 sun;
	struct in6_addr		 a6;
	struct in_addr		 a4;
	const char		*colon, *p;
	char			 host[INET6_ADDRSTRLEN + 1];
	size_t			 hlen;
	long			 port = 0;

	if (strncmp(v, "unix:", 5) == 0) {
		p = v + 5;
		if (p[0] != '/' || strlen(p) >= sizeof(sun.sun_path) ||
		    has_control(p))
			return -1;
		cfg->inbound.listen_path = xstrdup(p);
		return 0;
	}
	if (v[0] == '[') {
		if ((p = strchr(v, ']')) == NULL || p[1] != ':')
			return -1;
		hlen = (size_t)(p - v - 1);
		colon = p + 1;
		if (hlen == 0 || hlen >= sizeof(host))
			return -1;
		memcpy(host, v + 1, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return -1;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return -1;
		hlen = (size_t)(colon - v);
		if (hlen == 0 || hlen >= sizeof(host))
			return -1;
		memcpy(host, v, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET, host, &a4) != 1)
			return -1;
	}
	for (p = colon + 1; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (*p - '0');
	if (p == colon + 1 || *p != '\0' || port < 1 || port > 65535)
		return -1;
	cfg->inbound.listen_host = xstrdup(host);
	cfg->inbound.listen_port = (int)port;
	return 0;
}

static int
load_listen(struct loader *ld, const config_setting_t *g, struct config *cfg)
{
	const config_setting_t	*s;
	const char		*v = DEFAULT_LISTEN;

	if (get_string(ld, g, "inbound", "listen", "listen",
	    GS_NONEMPTY | GS_LINE, &s, &v) == -1)
		return -1;
	if (listen_parse(v, cfg) == -1)
		return ld_error(ld, s, "listen \"%.80s\" must be an address "
		    "and port (\"127.0.0.1:8025\", \"[::1]:8025\") or "
		    "\"unix:/PATH\"", v);
	cfg->inbound.listen = xstrdup(v);
	return 0;
}

/*
 * inbound.public_url: the URL the providers are given, which their
 * signatures cover: https:// (or http://), a host, an optional port and
 * path; no user name, query or fragment.  Kept without a trailing "/".
 */
static int
load_public_url(struct loader *ld, const config_setting_t *g,
    struct config *cfg)
{
	const config_setting_t	*s;
	const char		*url, *host, *p;
	size_t			 hlen, len, n;
	long			 port;

	if (get_string(ld, g, "inbound", "public_url", "public_url",
	    GS_REQUIRED | GS_NONEMPTY | GS_LINE, &s, &url) == -1)
		return -1;
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		goto bad;
	hlen = strcspn(host, "/");
	if (memchr(host, '@', hlen) != NULL)
		return ld_error(ld, s, "public_url must not carry a user name "
		    "or password: the providers' signatures are the check");
	if (strpbrk(url, "?#") != NULL)
		return ld_error(ld, s, "public_url must not have a query or a "
		    "fragment (Twilio's #rc=5&rp=all goes in its console, "
		    "after the endpoint's path)");
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"<>\\^`{|}", *p) != NULL)
			goto bad;
	if (host[0] == '[') {
		for (p = host + 1; (*p >= '0' && *p <= '9') ||
		    (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') ||
		    *p == ':' || *p == '.'; p++)
			;
		if (*p != ']' || p == host + 1)
			goto bad;
		p++;
	} else {
		for (p = host; is_alnum(*p) || *p == '-' || *p == '.'; p++)
			;
		if (!host_ok(host, (size_t)(p - host)))
			goto bad;
	}
	len = (size_t)(p - host);
	if (*p == ':') {
		port = 0;
		for (p++, n = 0; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 6)
				port = port * 10 + (*p - '0');
		if (n == 0 || n > 5 || port < 1 || port > 65535 ||
		    (*p != '\0' && *p != '/'))
			return ld_error(ld, s, "public_url: the port must be 1 "
			    "to 65535");
	}
	if (*p != '\0' && *p != '/')
		goto bad;
	if (host == url + 7 && !host_local(host, len))
		ld_warn(ld, s, "public_url is plain http: patients' replies "
		    "cross the network unencrypted");
	cfg->inbound.public_url = xstrdup(url);
	len = strlen(cfg->inbound.public_url);
	while (len > 0 && cfg->inbound.public_url[len - 1] == '/')
		cfg->inbound.public_url[--len] = '\0';
	return 0;
bad:
	return ld_error(ld, s, "public_url \"%.80s\" must be an https:// URL "
	    "such as \"https://clinic.example.com/aftercare\"", url);
}

/*
 * A member that is a string, or an array or list of strings, each one
 * line and not empty; at most max of them.  *out and *n are left alone
 * when it is absent, and *sp (may be NULL) is where it is.  The new array
 * and strings belong to the caller (strings_free()).
 */
static int
get_strings(struct loader *ld, const config_setting_t *g, const char *key,
    size_t max, const config_setting_t **sp, char ***out, size_t *n)
{
	const config_setting_t	*s, *e;
	const char		*v;
	char			**list;
	size_t			 i, len;
	int			 type;

	if (sp != NULL)
		*sp = NULL;
	if ((s = config_setting_get_member(g, key)) == NULL)
		return 0;
	if (sp != NULL)
		*sp = s;
	type = config_setting_type(s);
	if (type == CONFIG_TYPE_STRING)
		len = 1;
	else if (type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST)
		len = (size_t)config_setting_length(s);
	else
		return ld_error(ld, s, "%s must be a string or a list of "
		    "strings [ \"...\", \"...\" ]", key);
	if (len > max)
		return ld_error(ld, s, "%s: more than %zu", key, max);
	list = xcalloc(len + 1, sizeof(*list));
	for (i = 0; i < len; i++) {
		e = type == CONFIG_TYPE_STRING ? s :
		    config_setting_get_elem(s, (unsigned)i);
		if (e == NULL || config_setting_type(e) != CONFIG_TYPE_STRING ||
		    (v = config_setting_get_string(e)) == NULL) {
			strings_free(list, i);
			return ld_error(ld, e != NULL ? e : s, "%s must be a "
			    "string or a list of strings [ \"...\", "
			    "\"...\" ]", key);
		}
		if (*v == '\0' || has_control(v)) {
			strings_free(list, i);
			return ld_error(ld, e, "%s: item %zu must be one line, "
			    "not empty", key, i + 1);
		}
		list[i] = xstrdup(v);
	}
	*out = list;
	*n = len;
	return 0;
}

static void
strings_free(char **list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* inbound.escalate_to: the staff addresses replies are sent to. */
static int
load_escalate_to(struct loader *ld, const config_setting_t *g,
    struct config *cfg)
{
	const config_setting_t	*s;
	const char		*a;
	size_t			 i, j;

	if (get_strings(ld, g, "escalate_to", ESCALATE_TO_MAX, &s,
	    &cfg->inbound.escalate_to, &cfg->inbound.nescalate_to) == -1)
		return -1;
	if (s != NULL && cfg->inbound.nescalate_to == 0)
		return ld_error(ld, s, "escalate_to is empty: name the staff "
		    "who read replies, or leave it out");
	/*
	 * Replies would wait for an email that can never go: refused, as
	 * everything else that cannot work is, at load.
	 */
	if (s != NULL && cfg->email.provider == EMAIL_PROVIDER_NONE)
		return ld_error(ld, s, "escalate_to needs an email section: "
		    "replies are escalated to staff by email, through the "
		    "email provider");
	/* Said by aftercared and aftercare-inbound; aftercarectl sends none. */
	if (s == NULL && !(ld->flags & CONFIG_NO_SECRETS))
		ld_warn(ld, g, "no escalate_to: patients' replies are emailed "
		    "to no one%s (aftercarectl replies lists them)",
		    cfg->email.provider == EMAIL_PROVIDER_NONE ? ", and "
		    "escalation needs an email section too" : "");
	for (i = 0; i < cfg->inbound.nescalate_to; i++) {
		a = cfg->inbound.escalate_to[i];
		/* As email.from: as mail.c sends, and no address literal. */
		if (!mail_address_valid(a) || strchr(a, '[') != NULL)
			return ld_error(ld, s, "escalate_to: \"%.80s\" must be "
			    "a plain address such as "
			    "\"nurse@clinic.example.com\"", a);
		for (j = 0; j < i; j++)
			if (strcasecmp(a, cfg->inbound.escalate_to[j]) == 0)
				return ld_error(ld, s, "escalate_to: \"%.80s\" "
				    "is given twice", a);
	}
	return 0;
}

/*
 * inbound.urgent_words: a reply holding one is marked urgent; the
 * default is keyword.c's, from the clinical guidance.  "()" marks
 * nothing urgent.
 */
static int
load_urgent_words(struct loader *ld, const config_setting_t *g,
    struct config *cfg)
{
	const config_setting_t	*s;
	char			 msg[160];
	size_t			 i, n;

	if (get_strings(ld, g, "urgent_words", URGENT_WORDS_MAX, &s,
	    &cfg->inbound.urgent_words, &cfg->inbound.nurgent_words) == -1)
		return -1;
	if (s == NULL) {
		for (n = 0; keyword_urgent_default[n] != NULL; n++)
			;
		cfg->inbound.urgent_words = xcalloc(n + 1, sizeof(char *));
		for (i = 0; i < n; i++)
			cfg->inbound.urgent_words[i] =
			    xstrdup(keyword_urgent_default[i]);
		cfg->inbound.nurgent_words = n;
		return 0;
	}
	for (i = 0; i < cfg->inbound.nurgent_words; i++) {
		if (strlen(cfg->inbound.urgent_words[i]) > URGENT_WORD_MAX)
			return ld_error(ld, s, "urgent_words: item %zu is "
			    "longer than %d bytes", i + 1, URGENT_WORD_MAX);
		msg[0] = '\0';
		if (keyword_urgent_check(cfg->inbound.urgent_words[i], msg,
		    sizeof(msg)) == -1)
			return ld_error(ld, s, "urgent_words: \"%.64s\": %s",
			    cfg->inbound.urgent_words[i], msg);
	}
	return 0;
}

/*
 * Reads a key file: a public key (SendGrid's verification key), so it
 * may be readable by anyone, and may be PEM, several lines.
 */
static int
key_read(struct loader *ld, const config_setting_t *s, const char *path,
    char **out)
{
	struct stat	 st;
	struct buf	 b;
	char		 chunk[512];
	ssize_t		 r;
	int		 fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return ld_error(ld, s, "sendgrid_key_file \"%s\": %s", path,
		    strerror(errno));
	buf_init(&b);
	if (fstat(fd, &st) == -1) {
		(void)ld_error(ld, s, "sendgrid_key_file \"%s\": %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)ld_error(ld, s, "sendgrid_key_file \"%s\": not a regular "
		    "file", path);
		goto out;
	}
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			(void)ld_error(ld, s, "sendgrid_key_file \"%s\": %s",
			    path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > KEY_TEXT_MAX) {
			(void)ld_error(ld, s, "sendgrid_key_file \"%s\" is "
			    "longer than %d bytes", path, KEY_TEXT_MAX);
			goto out;
		}
		buf_append(&b, chunk, (size_t)r);
	}
	if (b.len == 0 || strlen(b.data) != b.len) {
		(void)ld_error(ld, s, "sendgrid_key_file \"%s\" holds no key",
		    path);
		goto out;
	}
	*out = buf_take(&b);
	ret = 0;
out:
	buf_clear(&b);
	(void)close(fd);
	return ret;
}

/*
 * SendGrid's Event Webhook verification key, inline or in a file; checked
 * here by loading it, so that a bad one is found at start.
 */
static int
load_sendgrid_key(struct loader *ld, const config_setting_t *g,
    struct config *cfg)
{
	const config_setting_t	*ks = NULL, *fs = NULL, *s;
	const char		*key = NULL, *file = NULL;
	struct sig_key		*k;
	char			*path, msg[256];

	if (get_string(ld, g, "inbound", "sendgrid_key", "sendgrid_key",
	    GS_NONEMPTY, &ks, &key) == -1 ||
	    get_string(ld, g, "inbound", "sendgrid_key_file",
	    "sendgrid_key_file", GS_NONEMPTY | GS_LINE, &fs, &file) == -1)
		return -1;
	if (ks == NULL && fs == NULL)
		return 0;
	s = ks != NULL ? ks : fs;
	if (ks != NULL && fs != NULL)
		return ld_error(ld, config_setting_source_line(ks) >
		    config_setting_source_line(fs) ? ks : fs,
		    "set sendgrid_key or sendgrid_key_file, not both");
	if (cfg->email.provider != EMAIL_PROVIDER_SENDGRID)
		return ld_error(ld, s, "%s is only used with email provider "
		    "\"sendgrid\"", config_setting_name(s));
	if (ks != NULL)
		cfg->inbound.sendgrid_key = xstrdup(key);
	else {
		if (ld->flags & CONFIG_NO_SECRETS)
			return 0;
		path = credential_path(ld, file);
		if (key_read(ld, fs, path, &cfg->inbound.sendgrid_key) == -1) {
			free(path);
			return -1;
		}
		free(path);
	}
	msg[0] = '\0';
	if ((k = sig_sendgrid_key_new(cfg->inbound.sendgrid_key, msg,
	    sizeof(msg))) == NULL)
		return ld_error(ld, s, "%s: %s", config_setting_name(s), msg);
	sig_sendgrid_key_free(k);
	return 0;
}

/*
 * inbound.acknowledge and its text.  The answer may go to a number no
 * patient has, so it names the clinic only: {clinic_name} and
 * {clinic_phone}.
 */
static int
load_acknowledgement(struct loader *ld, const config_setting_t *g,
    struct config *cfg)
{
	const config_setting_t	*s, *ts;
	struct template_vars	 a, b;
	struct sms_info		 info;
	const char		*v = DEFAULT_ACKNOWLEDGEMENT;
	char			 msg[256], *ra, *rb;
	bool			 same;

	if ((s = config_setting_get_member(g, "acknowledge")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return ld_error(ld, s, "acknowledge must be true or "
			    "false");
		cfg->inbound.acknowledge = config_setting_get_bool(s) != 0;
	}
	if (get_string(ld, g, "inbound", "acknowledgement", "acknowledgement",
	    GS_NONEMPTY, &ts, &v) == -1)
		return -1;
	msg[0] = '\0';
	if (template_check(v, msg, sizeof(msg)) == -1)
		return ld_error(ld, ts, "acknowledgement: %s", msg);
	/* A patient's placeholder renders differently for two patients. */
	memset(&a, 0, sizeof(a));
	a.clinic_name = cfg->clinic_name;
	a.clinic_phone = cfg->clinic_phone;
	b = a;
	b.first_name = "x";
	b.treatment = "x";
	b.treatment_date = "x";
	ra = template_render(v, &a);
	rb = template_render(v, &b);
	same = strcmp(ra, rb) == 0;
	free(rb);
	if (!same) {
		free(ra);
		return ld_error(ld, ts, "acknowledgement may only use "
		    "{clinic_name} and {clinic_phone}: it may answer a number "
		    "no patient has");
	}
	template_sms_info(ra, &info);
	free(ra);
	if (info.segments > (size_t)cfg->sms.segment_limit)
		ld_warn(ld, ts != NULL ? ts : s, "acknowledgement takes %zu "
		    "SMS; keep it to %d", info.segments,
		    cfg->sms.segment_limit);
	cfg->inbound.acknowledgement = xstrdup(v);
	return 0;
}

/*
 * The optional inbound section, for aftercare-inbound; without it, no
 * part of aftercare changes.
 */
static int
load_inbound(struct loader *ld, const config_setting_t *root,
    struct config *cfg)
{
	const config_setting_t	*g, *sms;

	cfg->inbound.max_connections = DEFAULT_MAX_CONNECTIONS;
	cfg->inbound.timeout = DEFAULT_INBOUND_TIMEOUT;
	if (get_group(ld, root, "inbound", "{ public_url = \"https://...\"; "
	    "... }", &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	cfg->inbound.enabled = true;
	if (check_keys(ld, g, inbound_keys, "inbound") == -1 ||
	    load_listen(ld, g, cfg) == -1 ||
	    load_public_url(ld, g, cfg) == -1 ||
	    load_escalate_to(ld, g, cfg) == -1 ||
	    load_urgent_words(ld, g, cfg) == -1 ||
	    load_sendgrid_key(ld, g, cfg) == -1 ||
	    load_acknowledgement(ld, g, cfg) == -1)
		return -1;
	if (get_int(ld, g, "max_connections", 1, 1024, NULL,
	    &cfg->inbound.max_connections) == -1 ||
	    get_int(ld, g, "timeout", 1, 60, "seconds",
	    &cfg->inbound.timeout) == -1)
		return -1;
	/* The webhook gateway signs what it posts with its token. */
	sms = config_setting_get_member(root, "sms");
	if (cfg->sms.provider == SMS_PROVIDER_WEBHOOK &&
	    config_setting_get_member(sms, "auth_token") == NULL &&
	    config_setting_get_member(sms, "auth_token_file") == NULL)
		return ld_error(ld, g, "inbound needs sms.auth_token_file (or "
		    "auth_token): the webhook gateway signs its requests "
		    "with it");
	return 0;
}


/* Whether some milestone, of any plan, sends template name by SMS. */
static bool
template_sent_by_sms(const struct config *cfg, const char *name)
{
	const struct milestone	*ms;
	size_t			 i, j, n;

	for (i = 0; i <= cfg->nplans; i++) {
		if (i < cfg->nplans) {
			ms = cfg->plans[i].milestones;
			n = cfg->plans[i].nmilestones;
		} else {
			ms = cfg->milestones;
			n = cfg->nmilestones;
		}
		for (j = 0; j < n; j++)
			if ((ms[j].channels & CHANNEL_BIT(CHANNEL_SMS)) &&
			    strcmp(ms[j].template, name) == 0)
				return true;
	}
	return false;
}

/*
 * Warns about an SMS text that would cost more than sms.segment_limit
 * segments: each language of each template a milestone sends by SMS.
 */
static void
warn_lengths(const struct loader *ld, const struct config *cfg)
{
	struct template_vars	 vars;
	struct sms_info		 info;
	const struct tmpl	*t;
	char			*text, tag[LANG_MAX + 4];
	size_t			 i, j;

	memset(&vars, 0, sizeof(vars));
	vars.first_name = WARN_FIRST_NAME;
	vars.clinic_name = cfg->clinic_name;
	vars.clinic_phone = cfg->clinic_phone;
	vars.treatment = WARN_TREATMENT;
	vars.treatment_date = WARN_DATE;
	for (i = 0; i < ld->ntmpls; i++) {
		t = &ld->tmpls[i];
		if (!template_sent_by_sms(cfg, t->name))
			continue;
		for (j = 0; j < t->ntexts; j++) {
			if (t->texts[j].sms == NULL)
				continue;
			text = template_render(t->texts[j].sms, &vars);
			template_sms_info(text, &info);
			free(text);
			if (info.segments <= (size_t)cfg->sms.segment_limit)
				continue;
			tag[0] = '\0';
			if (t->texts[j].lang != NULL)
				(void)snprintf(tag, sizeof(tag), " (%s)",
				    t->texts[j].lang);
			ld_warn(ld, t->where[j], "template \"%s\"%s takes %zu "
			    "SMS (%zu %s) with a 20-character first name; keep "
			    "it to %d", t->name, tag, info.segments, info.units,
			    info.encoding == SMS_GSM7 ? "GSM-7 septets" :
			    "UCS-2 units", cfg->sms.segment_limit);
		}
	}
}

/*
 * Whether s is a number from the range kept for fiction, 555-0100 to
 * 555-0199 (with or without an area code and +1), as the example's are.
 */
static bool
phone_fictional(const char *s)
{
	char	d[16];
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == sizeof(d) - 1)
				return false;
			d[n++] = *s;
		} else if (strchr("+ -().", *s) == NULL)
			return false;
	}
	d[n] = '\0';
	if ((n == 8 || n == 11) && d[0] == '1')
		return phone_fictional(d + 1);
	return (n == 7 && strncmp(d, "55501", 5) == 0) ||
	    (n == 10 && strncmp(d + 3, "55501", 5) == 0);
}

/*
 * Whether a host name is under a name reserved for documentation (RFC
 * 2606): example.com, .net and .org, and the example, test and invalid
 * TLDs.
 */
static bool
host_example(const char *host, size_t len)
{
	static const char *const names[] = {
		"example.com", "example.net", "example.org", "example",
		"test", "invalid"
	};
	size_t	i, n;

	if (len > 0 && host[len - 1] == '.')
		len--;
	for (i = 0; i < NITEMS(names); i++) {
		n = strlen(names[i]);
		if (len >= n && strncasecmp(host + len - n, names[i], n) == 0 &&
		    (len == n || host[len - n - 1] == '.'))
			return true;
	}
	return false;
}

/* Whether a URL (scheme://host..., mailto:addr) is at such a host. */
static bool
url_example(const char *url)
{
	const char	*h;

	if (strncmp(url, "mailto:", 7) == 0) {
		if ((h = strchr(url, '@')) == NULL)
			return false;
		h++;
		return host_example(h, strcspn(h, "?&,"));
	}
	if ((h = strstr(url, "://")) == NULL)
		return false;
	h += 3;
	if (*h == '[')
		return false;
	return host_example(h, strcspn(h, ":/?#"));
}

/*
 * Warns about values still the example's (a zero Account SID, numbers
 * from the fiction range) or at hosts reserved for documentation: such a
 * file loads but cannot reach anyone.  Said once per value, with its line;
 * the values are not quoted (a number or address stays out of the log).
 */
static void
warn_placeholders(const struct loader *ld, const config_setting_t *root,
    const struct config *cfg)
{
	const config_setting_t	*sms, *email, *clinic, *s;
	const char		*at;

	sms = config_setting_get_member(root, "sms");
	email = config_setting_get_member(root, "email");
	clinic = config_setting_get_member(root, "clinic");

	if (cfg->sms.account_sid != NULL &&
	    strspn(cfg->sms.account_sid + 2, "0") == SID_HEX)
		ld_warn(ld, config_setting_get_member(sms, "account_sid"),
		    "account_sid is all zeros, a placeholder: put in your "
		    "Account SID from the Twilio Console");
	if (cfg->sms.from != NULL && phone_fictional(cfg->sms.from))
		ld_warn(ld, config_setting_get_member(sms, "from"),
		    "from is a fictional number (555-01xx): put in the "
		    "number or sender id Twilio gave you");
	if (url_example(cfg->sms.url))
		ld_warn(ld, config_setting_get_member(sms, "url"),
		    "url is at a host reserved for documentation (RFC 2606): "
		    "nothing answers there");
	if (phone_fictional(cfg->clinic_phone))
		ld_warn(ld, config_setting_get_member(clinic, "phone"),
		    "clinic phone is a fictional number (555-01xx): "
		    "patients are told to call it");
	if (cfg->email.provider == EMAIL_PROVIDER_NONE)
		return;
	if (url_example(cfg->email.url))
		ld_warn(ld, config_setting_get_member(email, "url"),
		    "url is at a host reserved for documentation (RFC 2606): "
		    "nothing answers there");
	if ((at = strrchr(cfg->email.from, '@')) != NULL &&
	    host_example(at + 1, strlen(at + 1)))
		ld_warn(ld, config_setting_get_member(email, "from"),
		    "from is at a domain reserved for documentation (RFC "
		    "2606): put in the clinic's own sender address");
	/* The default comes from email.from, warned about above. */
	if ((s = config_setting_get_member(email, "unsubscribe")) != NULL &&
	    url_example(cfg->email.unsubscribe))
		ld_warn(ld, s, "unsubscribe is at a host reserved for "
		    "documentation (RFC 2606): patients cannot unsubscribe "
		    "there");
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
	/* Plans need the templates and to know which channels exist. */
	if (check_keys(&ld, root, top_keys, NULL) == -1 ||
	    load_top(&ld, root, cfg) == -1 ||
	    load_local_time(&ld, root, cfg) == -1 ||
	    load_clinic(&ld, root, cfg) == -1 ||
	    load_templates(&ld, root, cfg) == -1 ||
	    load_sms(&ld, root, cfg) == -1 ||
	    load_email(&ld, root, cfg) == -1 ||
	    load_plans(&ld, root, cfg) == -1 ||
	    load_default_plan(&ld, root, cfg) == -1 ||
	    load_delivery(&ld, root, cfg) == -1 ||
	    load_inbound(&ld, root, cfg) == -1)
		goto fail;
	warn_lengths(&ld, cfg);
	/* Placeholders matter to sending, not to aftercarectl. */
	if (!(flags & CONFIG_NO_SECRETS))
		warn_placeholders(&ld, root, cfg);
	goto out;
fail:
	config_free(cfg);
	cfg = NULL;
out:
	config_destroy(&lc);
	for (i = 0; i < ld.ntmpls; i++) {
		tmpl_clear(&ld.tmpls[i]);
		free(ld.tmpls[i].name);
	}
	free(ld.tmpls);
	free(ld.dir);
	return cfg;
}

/* Frees s after wiping it: a secret. */
static void
secret_free(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

void
config_free(struct config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	milestones_free(cfg->milestones, cfg->nmilestones);
	for (i = 0; i < cfg->nplans; i++) {
		free(cfg->plans[i].kind);
		milestones_free(cfg->plans[i].milestones,
		    cfg->plans[i].nmilestones);
	}
	free(cfg->plans);
	secret_free(cfg->sms.auth_token);
	free(cfg->sms.url);
	free(cfg->sms.account_sid);
	free(cfg->sms.from);
	free(cfg->sms.ca_file);
	secret_free(cfg->email.api_key);
	secret_free(cfg->email.password);
	free(cfg->email.url);
	free(cfg->email.username);
	free(cfg->email.helo);
	free(cfg->email.from);
	free(cfg->email.from_name);
	free(cfg->email.unsubscribe);
	free(cfg->email.ca_file);
	free(cfg->inbound.listen);
	free(cfg->inbound.listen_host);
	free(cfg->inbound.listen_path);
	free(cfg->inbound.public_url);
	strings_free(cfg->inbound.escalate_to, cfg->inbound.nescalate_to);
	strings_free(cfg->inbound.urgent_words, cfg->inbound.nurgent_words);
	free(cfg->inbound.sendgrid_key);
	free(cfg->inbound.acknowledgement);
	free(cfg->path);
	free(cfg->database);
	free(cfg->metrics_file);
	free(cfg->timezone);
	tz_free(cfg->zone);
	free(cfg->clinic_name);
	free(cfg->clinic_phone);
	free(cfg->language);
	free(cfg);
}

const struct milestone *
config_plan(const struct config *cfg, const char *kind, size_t *n,
    bool *own)
{
	const struct plan	*p = NULL;

	if (kind != NULL)
		p = plan_find(cfg, kind);
	if (own != NULL)
		*own = p != NULL;
	if (p != NULL) {
		*n = p->nmilestones;
		return p->milestones;
	}
	*n = cfg->nmilestones;
	return cfg->milestones;
}

const struct milestone *
config_milestone(const struct config *cfg, const char *kind,
    const char *name)
{
	const struct milestone	*ms;
	size_t			 i, n;

	ms = config_plan(cfg, kind, &n, NULL);
	for (i = 0; i < n; i++)
		if (strcmp(ms[i].name, name) == 0)
			return &ms[i];
	return NULL;
}

/* The translation tagged like lang's first len bytes with ch's text. */
static const struct texts *
texts_find(const struct milestone *m, enum channel ch, const char *lang,
    size_t len)
{
	const struct texts	*t;
	size_t			 i;

	for (i = 0; i < m->nlangs; i++) {
		t = &m->langs[i];
		if (strlen(t->lang) == len &&
		    strncasecmp(t->lang, lang, len) == 0 && texts_have(t, ch))
			return t;
	}
	return NULL;
}

void
config_texts(const struct milestone *m, enum channel ch, const char *lang,
    struct milestone_texts *out)
{
	const struct texts	*t = NULL;
	size_t			 len, primary;

	memset(out, 0, sizeof(*out));
	if (lang != NULL && *lang != '\0') {
		len = strlen(lang);
		t = texts_find(m, ch, lang, len);
		/* "es-MX" falls back to "es" (and "es_MX", as locales say). */
		primary = strcspn(lang, "-_");
		if (t == NULL && primary > 0 && primary < len)
			t = texts_find(m, ch, lang, primary);
	}
	if (t != NULL) {
		out->lang = t->lang;
		if (ch == CHANNEL_SMS)
			out->sms = t->sms;
		else {
			out->subject = t->subject;
			out->email = t->email;
			out->html = t->html;
		}
		return;
	}
	if (ch == CHANNEL_SMS)
		out->sms = m->sms;
	else {
		out->subject = m->subject;
		out->email = m->email;
		out->html = m->html;
	}
}

const char *
config_channel_name(enum channel ch)
{
	switch (ch) {
	case CHANNEL_SMS:
		return "sms";
	case CHANNEL_EMAIL:
		return "email";
	default:
		return "?";
	}
}

int
config_channel_parse(const char *s, enum channel *ch)
{
	int	i;

	for (i = 0; i < CHANNEL__COUNT; i++)
		if (strcmp(s, config_channel_name((enum channel)i)) == 0) {
			*ch = (enum channel)i;
			return 0;
		}
	return -1;
}

/*
 * One plan: "name:after[d]:valid_for" per milestone, ';' between them,
 * "@email" or "@sms+email" appended for channels other than SMS alone.
 */
static void
fingerprint_plan(struct buf *b, const struct milestone *ms, size_t n)
{
	const struct milestone	*m;
	size_t			 i;
	int			 c;
	char			 sep;

	for (i = 0; i < n; i++) {
		m = &ms[i];
		buf_printf(b, "%s%s:%lld%s:%lld", i > 0 ? ";" : "", m->name,
		    (long long)m->after, m->calendar ? "d" : "",
		    (long long)m->valid_for);
		if (m->channels == 0 ||
		    m->channels == CHANNEL_BIT(CHANNEL_SMS))
			continue;
		sep = '@';
		for (c = 0; c < CHANNEL__COUNT; c++) {
			if ((m->channels & CHANNEL_BIT(c)) == 0)
				continue;
			buf_printf(b, "%c%s", sep,
			    config_channel_name((enum channel)c));
			sep = '+';
		}
	}
}

/*
 * The default plan, "|zone|quiet hours", then "|kind=" and its plan for
 * each kind with a plan of its own, sorted by kind.  An SMS-only
 * configuration without plans keeps the fingerprint of earlier versions.
 */
char *
config_plan_fingerprint(const struct config *cfg)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	fingerprint_plan(&b, cfg->milestones, cfg->nmilestones);
	buf_printf(&b, "|%s|%d-%d", cfg->timezone, cfg->quiet_start,
	    cfg->quiet_end);
	for (i = 0; i < cfg->nplans; i++) {
		buf_printf(&b, "|%s=", cfg->plans[i].kind);
		fingerprint_plan(&b, cfg->plans[i].milestones,
		    cfg->plans[i].nmilestones);
	}
	/* Email fallbacks are made unless turned off (with email). */
	if (!cfg->delivery.fallback &&
	    cfg->email.provider != EMAIL_PROVIDER_NONE)
		buf_puts(&b, "|nofallback");
	return buf_take(&b);
}

bool
config_kind_valid(const char *kind)
{
	return name_ok(kind, KIND_MAX);
}
