/* config.h: the validated, read-only configuration loaded from libconfig. */
#ifndef AFTERCARE_CONFIG_H
#define AFTERCARE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH	"/etc/aftercare/aftercare.conf"

/* config_load() flags */
#define CONFIG_NO_SECRETS	0x01	/* do not read auth_token_file (CLI) */

/* Longest validity window a milestone gets by default. */
#define CONFIG_VALID_FOR_MAX	((int64_t)3 * 86400)

enum sms_provider {
	SMS_PROVIDER_TWILIO,
	SMS_PROVIDER_WEBHOOK
};

struct milestone {
	char	*name;		/* "24h", unique; stored with each reminder */
	int64_t	 after;		/* seconds after the treatment */
	int64_t	 valid_for;	/* seconds after due it may still be sent */
	char	*template;	/* template name */
	char	*sms;		/* that template's SMS text (checked) */
	bool	 calendar;	/* after is in days: keeps the local clock time */
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
	int	 log_priority;	/* LOG_PRI_* */

	struct milestone *milestones;	/* sorted by `after` */
	size_t	 nmilestones;

	struct {
		enum sms_provider provider;
		char	*url;		/* twilio: API base; webhook: endpoint */
		char	*account_sid;	/* twilio only */
		char	*auth_token;	/* NULL with CONFIG_NO_SECRETS */
		char	*from;		/* twilio: sender number or name */
		char	*ca_file;	/* NULL: the system CA store */
	} sms;

	struct {
		int	 concurrency;	/* transfers in flight at once */
		int	 timeout;	/* seconds for one request */
		int	 max_attempts;	/* then the reminder fails */
		int64_t	 backoff_base;	/* seconds before the first retry */
		int64_t	 backoff_max;	/* cap on one retry delay */
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

/* The milestone of that name, or NULL. */
const struct milestone *config_milestone(const struct config *cfg,
		    const char *name);

/*
 * A fingerprint of everything that decides which reminders exist and when
 * (milestone names, offsets, windows); changes when the plan changes.
 * Caller frees with free().
 */
char		*config_plan_fingerprint(const struct config *cfg);

#endif
