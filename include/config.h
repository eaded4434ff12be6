/* config.h: the validated, read-only configuration loaded from libconfig. */
#ifndef AFTERCARE_CONFIG_H
#define AFTERCARE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH	"/etc/aftercare/aftercare.conf"

/*
 * config_load() flags.  CONFIG_NO_SECRETS is for aftercarectl, which sends
 * nothing: the secret files are not read, and values still the example's
 * are not warned about.
 */
#define CONFIG_NO_SECRETS	0x01

/* Longest validity window a milestone gets by default. */
#define CONFIG_VALID_FOR_MAX	((int64_t)3 * 86400)

/*
 * delivery.lookup_after: by default, and at most, how long after it was
 * sent a Twilio SMS with no final delivery state is looked up.
 */
#define CONFIG_LOOKUP_AFTER	((int64_t)4 * 3600)
#define CONFIG_LOOKUP_AFTER_MAX	((int64_t)3 * 86400)

/* Default SMS segments a template may take before config_load() warns. */
#define CONFIG_SEGMENT_LIMIT	2

enum sms_provider {
	SMS_PROVIDER_TWILIO,
	SMS_PROVIDER_WEBHOOK
};

enum email_provider {
	EMAIL_PROVIDER_NONE,		/* no email section: SMS only */
	EMAIL_PROVIDER_SENDGRID,	/* SendGrid v3 mail send JSON API */
	EMAIL_PROVIDER_SMTP		/* SMTP or SMTPS, through libcurl */
};

/* The ways a reminder travels; stored in reminders.channel by name. */
enum channel {
	CHANNEL_SMS,
	CHANNEL_EMAIL,
	CHANNEL__COUNT
};
#define CHANNEL_BIT(c)	(1u << (c))

/*
 * A template's texts in one language other than the clinic's default.
 * A text is NULL where this language has none; the default language's
 * text is used then (for a whole channel: SMS, or subject and bodies).
 */
struct texts {
	char	*lang;		/* BCP 47 tag, lower case: "es", "pt-br" */
	char	*sms;
	char	*subject;	/* email subject; with email */
	char	*email;		/* email plain-text body; with subject */
	char	*html;		/* optional email HTML body */
};

/*
 * One reminder of a plan.  The texts are copied from its template and
 * checked; those in the clinic's default language are sms, subject,
 * email and html (NULL where the template has none).
 */
struct milestone {
	char	*name;		/* "24h", unique in its plan; stored */
	int64_t	 after;		/* seconds after the treatment (< 0: before) */
	int64_t	 valid_for;	/* seconds after due it may still be sent */
	char	*template;	/* template name */
	char	*sms;		/* SMS text in the default language */
	bool	 calendar;	/* after is in days: keeps the local clock time */
	unsigned channels;	/* CHANNEL_BIT()s it is sent on; never 0 */
	char	*subject;	/* email, default language */
	char	*email;
	char	*html;
	struct texts *langs;	/* the template's other languages */
	size_t	 nlangs;
};

/* The milestones of one kind of treatment (treatments.kind). */
struct plan {
	char		 *kind;
	struct milestone *milestones;	/* sorted by `after` */
	size_t		  nmilestones;
};

/* A milestone's texts for one channel, chosen for a patient's language. */
struct milestone_texts {
	const char	*lang;		/* the tag chosen; NULL: the default */
	const char	*sms;
	const char	*subject;
	const char	*email;
	const char	*html;		/* may be NULL */
};

struct tz;

struct config {
	char	*path;		/* the file this came from */
	char	*database;	/* absolute, or relative to the config file */
	char	*metrics_file;	/* Prometheus text file, or NULL */
	char	*timezone;	/* the clinic's zone, for patients without one */
	struct tz *zone;	/* that zone loaded; NULL for UTC */
	int	 quiet_start;	/* quiet hours, minutes after local midnight; */
	int	 quiet_end;	/* start == end: none */
	char	*clinic_name;
	char	*clinic_phone;
	char	*language;	/* the clinic's default language (BCP 47) */
	int	 log_priority;	/* LOG_PRI_* */

	/*
	 * The default plan, for treatments whose kind has no plan of its
	 * own; empty (nmilestones 0) when unknown kinds get no reminders.
	 */
	struct milestone *milestones;	/* sorted by `after` */
	size_t	 nmilestones;
	struct plan	*plans;		/* per kind, sorted by kind */
	size_t	 nplans;

	struct {
		enum sms_provider provider;
		char	*url;		/* twilio: API base; webhook: endpoint */
		char	*account_sid;	/* twilio only */
		char	*auth_token;	/* NULL with CONFIG_NO_SECRETS */
		char	*from;		/* twilio: sender number or name */
		char	*ca_file;	/* NULL: the system CA store */
		int	 segment_limit;	/* warn above this many segments */
		int	 rate_limit;	/* messages per second; 0: none */
	} sms;

	struct {
		enum email_provider provider;
		/*
		 * sendgrid: API base ("https://api.sendgrid.com");
		 * smtp: "smtp://host[:port]" or "smtps://host[:port]".
		 */
		char	*url;
		char	*api_key;	/* sendgrid; NULL with CONFIG_NO_SECRETS */
		char	*username;	/* smtp AUTH, or NULL */
		char	*password;	/* smtp AUTH; NULL with CONFIG_NO_SECRETS */
		bool	 starttls;	/* smtp://: require STARTTLS */
		char	*helo;		/* smtp: EHLO name; NULL: gateway's */
		char	*from;		/* sender address (addr-spec) */
		char	*from_name;	/* display name; default clinic.name */
		char	*unsubscribe;	/* List-Unsubscribe URI (mailto:, https:) */
		char	*ca_file;	/* NULL: the system CA store */
		int	 rate_limit;	/* messages per second; 0: none */
	} email;

	/*
	 * The receiver of the providers' webhooks (aftercare-inbound); with
	 * no inbound section in the file, enabled is false and the rest
	 * empty.
	 */
	struct {
		bool	 enabled;
		/* listen: an address and port, or a unix socket's path */
		char	*listen;	/* as written, for messages */
		char	*listen_host;	/* IPv4 or IPv6 literal; NULL: unix */
		int	 listen_port;
		char	*listen_path;	/* "unix:PATH"'s path, or NULL */
		/* What the providers are given, without a trailing "/". */
		char	*public_url;
		char	**escalate_to;	/* staff addresses */
		size_t	 nescalate_to;
		char	**urgent_words;
		size_t	 nurgent_words;
		/* SendGrid's key, base64 DER SubjectPublicKeyInfo, or NULL */
		char	*sendgrid_key;
		bool	 acknowledge;	/* answer a reply, once a day */
		char	*acknowledgement; /* its text: {clinic_phone} ... */
		int	 max_connections;
		int	 timeout;	/* seconds a connection may take */
	} inbound;

	struct {
		int	 concurrency;	/* transfers in flight at once */
		int	 timeout;	/* seconds for one request */
		int	 max_attempts;	/* then the reminder fails */
		int64_t	 backoff_base;	/* seconds before the first retry */
		int64_t	 backoff_max;	/* cap on one retry delay */
		/*
		 * An SMS undelivered for good goes out by email too (when
		 * the patient has an address and the milestone does not
		 * already go by email).
		 */
		bool	 fallback;
		/*
		 * With an inbound section: seconds after it was sent that a
		 * Twilio SMS with no final delivery state is looked up.
		 */
		int64_t	 lookup_after;
	} delivery;
};

/*
 * Reads and validates a configuration file.  Every problem is found here,
 * never at send time.  Returns a new config (free with config_free()), or
 * NULL with "FILE:LINE: what is wrong" in err.  Secrets are never copied
 * into err.
 */
struct config	*config_load(const char *path, int flags, char *err,
		    size_t errlen);
void		 config_free(struct config *cfg);

/*
 * The plan for a kind of treatment: its own, or the default plan.  Sets
 * *n to its milestones (0: none) and *own (may be NULL) to whether the
 * kind has a plan of its own.  Never NULL when *n > 0.
 */
const struct milestone *config_plan(const struct config *cfg,
		    const char *kind, size_t *n, bool *own);

/* The milestone of that name in the kind's plan, or NULL. */
const struct milestone *config_milestone(const struct config *cfg,
		    const char *kind, const char *name);

/*
 * The texts of m for channel ch and a patient's language (BCP 47 tag, or
 * NULL/"" for the default): the language itself, else its primary subtag
 * ("es" for "es-MX"), else the default language; compared without case.
 * A language is chosen only if it has the channel's text.
 */
void		 config_texts(const struct milestone *m, enum channel ch,
		    const char *lang, struct milestone_texts *out);

/* Whether s looks like a BCP 47 tag: [A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*. */
bool		 config_lang_valid(const char *s);
/* Whether s can name a kind of treatment: 1 to 64 of A-Z a-z 0-9 _ -. */
bool		 config_kind_valid(const char *kind);

/* "sms" or "email". */
const char	*config_channel_name(enum channel ch);
/* The channel named s.  Returns 0, or -1 if s names none. */
int		 config_channel_parse(const char *s, enum channel *ch);

/*
 * A fingerprint of everything that decides which reminders exist and when
 * (plans, milestone names, offsets, windows, channels, the default plan);
 * changes when any of it changes.
 * Caller frees with free().
 */
char		*config_plan_fingerprint(const struct config *cfg);

#endif
