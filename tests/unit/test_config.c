/* SPDX-License-Identifier: MIT */
/*
 * test_config.c: config_load() on table-driven files, defaults, secrets,
 * plans, channels, languages and email.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "keyword.h"
#include "log.h"
#include "template.h"
#include "util.h"

#define EXAMPLE		"etc/aftercare.conf"
#define TOKEN		"tok-SECRET-4f9a2c"
#define SID		"AC0123456789abcdef0123456789abcdef"
#define LONG_NAME	"Maximiliana Cristina"

/* One-line blocks, so that a row's own lines are easy to count. */
#define CLINIC	"clinic = { name = \"Riverside Skin Clinic\"; " \
		"phone = \"+1 555 0100\"; };\n"
#define TWILIO	"sms = { provider = \"twilio\"; account_sid = \"" SID "\"; " \
		"auth_token = \"" TOKEN "\"; from = \"+15550100\"; };\n"
#define WEBHOOK	"sms = { provider = \"webhook\"; " \
		"url = \"https://sms.example.com/send\"; };\n"
#define SMS_HEAD "sms = {\n  provider = \"twilio\";\n"
#define SMS_TAIL "  account_sid = \"" SID "\";\n  auth_token = \"" TOKEN \
		"\";\n  from = \"+15550100\";\n};\n"
#define KEY	"SG.key-SECRET-77"
#define PASS	"pw-SECRET-31"
#define SENDGRID "email = { provider = \"sendgrid\"; api_key = \"" KEY "\"; " \
		"from = \"care@clinic.example.com\"; };\n"
#define SMTP	"email = { provider = \"smtp\"; " \
		"url = \"smtp://mail.example.com:587\"; " \
		"from = \"care@clinic.example.com\"; };\n"
#define SG_HEAD	"email = {\n  provider = \"sendgrid\";\n  api_key = \"" KEY \
		"\";\n"
#define SMTP_HEAD "email = {\n  provider = \"smtp\";\n" \
		"  url = \"smtp://mail.example.com\";\n"
#define FROM_TAIL "  from = \"care@clinic.example.com\";\n};\n"
#define MICRO	"plans = { microneedling = ( { name = \"24h\"; " \
		"after = \"24h\"; template = \"day1\"; } ); };\n"
/* A template "t" whose line 5 holds the default texts, line 6 one more. */
#define T_HEAD	"templates = {\n  t = {\n"
#define T_TAIL	"  };\n};\n"
/* A milestone "a" on lines 4 and 5, whose line 5 is given. */
#define MS_HEAD	"milestones = (\n  { name = \"a\"; after = \"1d\"; " \
		"template = \"day1\";\n"
#define MS_TAIL	"  }\n);\n"
/* An inbound section on lines 3 and 4 (after CLINIC and TWILIO). */
#define IN_HEAD	"inbound = {\n  public_url = " \
		"\"https://clinic.example.com/aftercare\";\n"
#define IN_TAIL	"};\n"
/* SendGrid's verification key in sendgrid-nodejs's tests (P-256). */
#define SG_P256	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4C" \
		"wrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
/* Keys of other kinds, base64 DER SubjectPublicKeyInfo. */
#define SG_P384	"MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAErnUBmblZezFf0TawR5ZLtqqLptw3" \
		"K79RcGVqny+R6By20QSHhM+w6MHOE5oOO9q12K79dW/V+OFt+hM2O/PzGID6oca+" \
		"xNt+Sbg+S5j4s3A3xwKvDDN3poncxyOSUt+o"
#define SG_RSA	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCsmDTaLxru4OIHWW7tnot4" \
		"1GdDyndce3CBQbpLWmaZD4pHuTk6EhmhBKz+hzRnVmj6AWBt0w2tip3xUM7FMuGg" \
		"wgibL8s33Get+M7gHNbiRxIYzOkiXfog+EphPPm9jRfgmsLSiQwgwGKLBBte5qbI" \
		"2xDA3rmvRpKz83t5A+rJnQIDAQAB"
/* 3 segments of GSM-7. */
#define LONG_ACK "Thank you, the clinic has your message. A nurse reads " \
		"every reply on weekdays between nine and five, and answers " \
		"within the day. If it is urgent, or outside those hours, please " \
		"call {clinic_phone} and choose option two for the nurse on call, " \
		"who can see you the same day if need be. Photos help: send " \
		"them by email."
#define LONG_WORD "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"
#define LONG_PATH "run/aftercare/aftercare-inbound/a-socket-path-that-is-longer-" \
		"than-a-unix-socket-address-may-hold/inbound.sock"

struct fixture {
	char	dir[64];
	char	path[128];
	bool	placeholders;	/* load_logged() keeps the placeholder lines */
};

static void	write_file(const char *, const char *);
static size_t	strip_placeholders(char *);
static void	 quiet_load(struct fixture *, const char *, bool, int);
static char	*load_logged(struct fixture *, const char *, int,
		    struct config **, char *, size_t);
static char	*load_file_logged(struct fixture *, const char *, int,
		    struct config **, char *, size_t);
static void	rm_tree(const char *);
static struct config *load_text(struct fixture *, const char *, int, char *,
		    size_t);
static int	setup(void **);
static int	teardown(void **);

/*
 * Each row is a whole file.  want is NULL when it must load, else what
 * must follow the file's path at the start of the error: ":LINE: ...".
 */
static const struct {
	const char	*text;
	int		 flags;
	const char	*want;
} rows[] = {
	/* 0: loads */
	{ CLINIC TWILIO, 0, NULL },
	{ CLINIC WEBHOOK, 0, NULL },
	{ CLINIC "sms = { provider = \"webhook\"; url = \"http://127.0.0.1:8080/"
	    "sms\"; auth_token = \"" TOKEN "\"; };\n", 0, NULL },
	{ CLINIC TWILIO "log_level = \"DEBUG\";\n", 0, NULL },
	{ CLINIC TWILIO "templates = { promo = { sms = \"Hi {first_name}, "
	    "{{braces}} on {treatment_date}\"; }; };\n"
	    "milestones = ( { name = \"p\"; after = \"-2d\"; "
	    "template = \"promo\"; valid_for = \"1h\"; } );\n", 0, NULL },
	{ CLINIC TWILIO "delivery = { concurrency = 64; timeout = 300; "
	    "max_attempts = 100; backoff = \"1s\"; backoff_max = \"1s\"; };\n",
	    0, NULL },
	{ CLINIC "sms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token_file = \"/nonexistent/token\"; from = \"Riverside\"; "
	    "};\n", CONFIG_NO_SECRETS, NULL },

	/* 7: syntax */
	{ "clinic = { name = \"x\"; phone = ; };\n", 0, ":1: syntax error" },
	{ CLINIC "log_level = ;\n", 0, ":2: syntax error" },
	{ CLINIC TWILIO "delivery = {\n  timeout = 1;\n  timeout = 2;\n};\n", 0,
	    ":5: duplicate setting name" },

	/* 10: missing */
	{ "", 0, ": missing \"clinic\"" },
	{ CLINIC, 0, ": missing \"sms\"" },
	{ "clinic = {\n  phone = \"1\";\n};\n" TWILIO, 0,
	    ":1: clinic: missing \"name\"" },
	{ "clinic = { name = \"x\"; };\n" TWILIO, 0,
	    ":1: clinic: missing \"phone\"" },
	{ CLINIC "sms = {\n  account_sid = \"" SID "\";\n};\n", 0,
	    ":2: sms: missing \"provider\"" },
	{ CLINIC SMS_HEAD "  auth_token = \"" TOKEN "\";\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":2: sms: missing \"account_sid\"" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n};\n", 0, ":2: sms: missing \"from\"" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":2: sms: missing \"auth_token_file\" (or \"auth_token\")" },
	{ CLINIC "sms = {\n  provider = \"webhook\";\n};\n", 0,
	    ":2: sms: missing \"url\"" },
	{ CLINIC TWILIO "milestones = (\n  { after = \"1d\"; "
	    "template = \"day1\"; }\n);\n", 0,
	    ":4: milestone 1: missing \"name\"" },
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\"; },\n  { name = \"b\"; template = \"day1\"; }"
	    "\n);\n", 0, ":5: milestone 2: missing \"after\"" },
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"1d\"; }"
	    "\n);\n", 0, ":4: milestone 1: missing \"template\"" },
	{ CLINIC TWILIO "templates = {\n  day1 = { };\n};\n", 0,
	    ":4: templates.day1: missing \"sms\"" },

	/* 23: wrong types */
	{ "database = 5;\n" CLINIC TWILIO, 0, ":1: database must be a string" },
	{ "log_level = 7;\n" CLINIC TWILIO, 0,
	    ":1: log_level must be a string" },
	{ "clinic = \"Riverside\";\n" TWILIO, 0, ":1: clinic must be a group" },
	{ "clinic = { name = 1; phone = \"x\"; };\n" TWILIO, 0,
	    ":1: clinic name must be a string" },
	{ "clinic = { name = \"x\"; phone = 5550100; };\n" TWILIO, 0,
	    ":1: clinic phone must be a string" },
	{ CLINIC TWILIO "milestones = { a = 1; };\n", 0,
	    ":3: milestones must be a list" },
	{ CLINIC TWILIO "milestones = [ 1, 2 ];\n", 0,
	    ":3: milestones must be a list" },
	{ CLINIC TWILIO "milestones = (\n  \"24h\",\n  \"1w\"\n);\n", 0,
	    ":4: milestone 1 must be a group" },
	{ CLINIC TWILIO "milestones = ( { name = 24; after = \"1d\"; "
	    "template = \"day1\"; } );\n", 0,
	    ":3: milestone name must be a string" },
	{ CLINIC TWILIO "milestones = ( { name = \"a\"; after = 86400; "
	    "template = \"day1\"; } );\n", 0,
	    ":3: after must be a duration string such as \"1h\" or \"7d\"" },
	{ CLINIC TWILIO "milestones = ( { name = \"a\"; after = \"1d\"; "
	    "template = 1; } );\n", 0, ":3: template must be a string" },
	{ CLINIC TWILIO "milestones = ( { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\"; valid_for = 3; } );\n", 0,
	    ":3: valid_for must be a duration string" },
	{ CLINIC TWILIO "templates = ( );\n", 0,
	    ":3: templates must be a group" },
	{ CLINIC TWILIO "templates = { day1 = \"Hi\"; };\n", 0,
	    ":3: template \"day1\" must be a group" },
	{ CLINIC TWILIO "templates = {\n  day1 = {\n    sms = 1;\n  };\n};\n", 0,
	    ":5: templates.day1.sms must be a string" },
	{ CLINIC "sms = \"twilio\";\n", 0, ":2: sms must be a group" },
	{ CLINIC "sms = { provider = 1; };\n", 0,
	    ":2: provider must be a string" },
	{ CLINIC SMS_HEAD "  url = 443;\n" SMS_TAIL, 0,
	    ":4: url must be a string" },
	{ CLINIC SMS_HEAD "  account_sid = 1;\n  auth_token = \"" TOKEN "\";\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":4: account_sid must be a string" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = 1;\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":5: auth_token must be a string" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n"
	    "  auth_token_file = [ \"a\" ];\n  from = \"+15550100\";\n};\n", 0,
	    ":5: auth_token_file must be a string" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n  from = 15550100;\n};\n", 0,
	    ":6: from must be a string" },
	{ CLINIC SMS_HEAD "  ca_file = true;\n" SMS_TAIL, 0,
	    ":4: ca_file must be a string" },
	{ CLINIC TWILIO "delivery = 4;\n", 0, ":3: delivery must be a group" },
	{ CLINIC TWILIO "delivery = {\n  concurrency = \"4\";\n};\n", 0,
	    ":4: concurrency must be an integer" },
	{ CLINIC TWILIO "delivery = {\n  timeout = 1.5;\n};\n", 0,
	    ":4: timeout must be an integer (seconds)" },
	{ CLINIC TWILIO "delivery = {\n  max_attempts = true;\n};\n", 0,
	    ":4: max_attempts must be an integer" },
	{ CLINIC TWILIO "delivery = {\n  backoff = 60;\n};\n", 0,
	    ":4: backoff must be a duration string" },
	{ CLINIC TWILIO "delivery = {\n  backoff_max = 3600;\n};\n", 0,
	    ":4: backoff_max must be a duration string" },

	/* 52: out of range and bad values */
	{ CLINIC TWILIO "delivery = {\n  concurrency = 0;\n};\n", 0,
	    ":4: concurrency must be between 1 and 64" },
	{ CLINIC TWILIO "delivery = {\n  concurrency = 65;\n};\n", 0,
	    ":4: concurrency must be between 1 and 64" },
	{ CLINIC TWILIO "delivery = {\n  timeout = 0;\n};\n", 0,
	    ":4: timeout must be between 1 and 300 seconds" },
	{ CLINIC TWILIO "delivery = {\n  timeout = 301;\n};\n", 0,
	    ":4: timeout must be between 1 and 300 seconds" },
	{ CLINIC TWILIO "delivery = {\n  max_attempts = 0;\n};\n", 0,
	    ":4: max_attempts must be between 1 and 100" },
	{ CLINIC TWILIO "delivery = {\n  max_attempts = 101L;\n};\n", 0,
	    ":4: max_attempts must be between 1 and 100" },
	{ CLINIC TWILIO "delivery = {\n  timeout = -5;\n};\n", 0,
	    ":4: timeout must be between 1 and 300 seconds" },
	{ CLINIC TWILIO "delivery = {\n  backoff = \"0s\";\n};\n", 0,
	    ":4: backoff must be at least 1s" },
	{ CLINIC TWILIO "delivery = {\n  backoff = \"-1m\";\n};\n", 0,
	    ":4: backoff must be at least 1s" },
	{ CLINIC TWILIO "delivery = {\n  backoff = \"2h\";\n};\n", 0,
	    ":4: backoff_max (1h) must be at least backoff (2h)" },
	{ CLINIC TWILIO "delivery = {\n  backoff = \"1m\";\n"
	    "  backoff_max = \"30s\";\n};\n", 0,
	    ":5: backoff_max (30s) must be at least backoff (1m)" },
	{ "log_level = \"verbose\";\n" CLINIC TWILIO, 0,
	    ":1: log_level \"verbose\" is not one of error, warning, notice, "
	    "info, debug" },
	{ "database = \"\";\n" CLINIC TWILIO, 0,
	    ":1: database must not be empty" },
	{ CLINIC TWILIO "timezone = \"Mars/Olympus_Mons\";\n", 0,
	    ":3: timezone: unknown time zone" },
	{ CLINIC TWILIO "timezone = 5;\n", 0, ":3: timezone must be" },
	{ CLINIC TWILIO "quiet_hours = { start = \"25:00\"; end = \"09:00\"; "
	    "};\n", 0, ":3: quiet_hours start \"25:00\" is not a time of day" },
	{ CLINIC TWILIO "quiet_hours = { start = \"20:00\"; };\n", 0,
	    ":3: quiet_hours: missing \"end\"" },
	{ CLINIC TWILIO "quiet_hours = { start = \"20:00\"; end = \"9\"; };\n",
	    0, ":3: quiet_hours end \"9\" is not a time of day" },
	{ CLINIC TWILIO "quiet_hours = { start = \"20:00\"; end = \"09:00\"; "
	    "from = \"x\"; };\n", 0, ":3: unknown key \"from\" in quiet_hours" },
	{ CLINIC TWILIO "timezone = \"America/New_York\";\nquiet_hours = { "
	    "start = \"21:30\"; end = \"08:00\"; };\n", 0, NULL },
	{ "clinic = { name = \"\"; phone = \"1\"; };\n" TWILIO, 0,
	    ":1: clinic name must not be empty" },
	{ "clinic = { name = \"a\\nb\"; phone = \"1\"; };\n" TWILIO, 0,
	    ":1: clinic name must not contain control characters" },
	{ CLINIC "sms = {\n  provider = \"nexmo\";\n};\n", 0,
	    ":3: provider \"nexmo\" is not one of twilio, webhook" },
	{ CLINIC SMS_HEAD "  url = \"ftp://api.twilio.com\";\n" SMS_TAIL, 0,
	    ":4: url must start with https://" },
	{ CLINIC SMS_HEAD "  url = \"https://\";\n" SMS_TAIL, 0,
	    ":4: url has no host" },
	{ CLINIC SMS_HEAD "  account_sid = \"AC/../x\";\n  auth_token = \""
	    TOKEN "\";\n  from = \"+15550100\";\n};\n", 0,
	    ":4: account_sid must be \"AC\" and 32 hex digits" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n  from = \"+0555\";\n};\n", 0,
	    ":6: from \"+0555\" must be an E.164 number" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n  from = \"Riverside Skin\";\n};\n", 0,
	    ":6: from \"Riverside Skin\" must be an E.164 number" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n  from = \"+1555010012345678\";\n};\n", 0,
	    ":6: from \"+1555010012345678\" must be an E.164 number" },
	{ CLINIC "sms = {\n  provider = \"webhook\";\n  url = \"https://x\";\n"
	    "  account_sid = \"" SID "\";\n};\n", 0,
	    ":5: account_sid is only used with provider \"twilio\"" },
	{ CLINIC "sms = {\n  provider = \"webhook\";\n  url = \"https://x\";\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":5: from is only used with provider \"twilio\"" },
	{ CLINIC SMS_HEAD "  ca_file = \"/nonexistent/ca.pem\";\n" SMS_TAIL, 0,
	    ":4: ca_file \"/nonexistent/ca.pem\": No such file or directory" },
	{ CLINIC TWILIO "milestones = ( );\n", 0,
	    ":3: milestones must not be empty" },
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\";\n    valid_for = \"0s\"; }\n);\n", 0,
	    ":5: valid_for must be longer than 0s" },

	/* 86: unknown keys, one per level */
	{ "databse = \"x\";\n" CLINIC TWILIO, 0,
	    ":1: unknown key \"databse\"" },
	{ "clinic = {\n  name = \"x\";\n  phone = \"1\";\n  adress = \"y\";\n"
	    "};\n" TWILIO, 0, ":4: unknown key \"adress\" in clinic" },
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\";\n    valid = \"1d\"; }\n);\n", 0,
	    ":5: unknown key \"valid\" in milestones" },
	{ CLINIC TWILIO "templates = {\n  day1 = {\n    sms = \"Hi\";\n"
	    "    text = \"Hi\";\n  };\n};\n", 0,
	    ":6: unknown key \"text\" in templates.day1" },
	{ CLINIC SMS_HEAD "  token = \"x\";\n" SMS_TAIL, 0,
	    ":4: unknown key \"token\" in sms" },
	{ CLINIC TWILIO "delivery = {\n  concurency = 4;\n};\n", 0,
	    ":4: unknown key \"concurency\" in delivery" },

	/* 92: templates */
	{ CLINIC TWILIO "templates = {\n  day1 = {\n"
	    "    sms = \"Hi {firstname}\";\n  };\n};\n", 0,
	    ":5: templates.day1.sms: unknown placeholder {firstname}" },
	{ CLINIC TWILIO "templates = {\n  unused = {\n"
	    "    sms = \"Hi {name\";\n  };\n};\n", 0,
	    ":5: templates.unused.sms: unclosed \"{\"" },
	{ CLINIC TWILIO "templates = {\n  week2 = {\n"
	    "    sms = \"\";\n  };\n};\n", 0,
	    ":5: templates.week2.sms must not be empty" },

	/* 95: durations */
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"7x\"; "
	    "template = \"day1\"; }\n);\n", 0,
	    ":4: after: \"7x\": unknown unit 'x'" },
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"7\"; "
	    "template = \"day1\"; }\n);\n", 0,
	    ":4: after: \"7\": missing unit" },
	{ CLINIC TWILIO "milestones = (\n  { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\"; valid_for = \"\"; }\n);\n", 0,
	    ":4: valid_for: empty duration" },
	{ CLINIC TWILIO "delivery = {\n  backoff = \"1 m\";\n};\n", 0,
	    ":4: backoff: \"1 m\": remove the spaces" },
	{ CLINIC TWILIO "delivery = {\n  backoff_max = \"100y\";\n};\n", 0,
	    ":4: backoff_max: \"100y\": unknown unit 'y'" },

	/* 100: milestones */
	{ CLINIC TWILIO "milestones = (\n"
	    "  { name = \"a\"; after = \"1d\"; template = \"day1\"; },\n"
	    "  { name = \"a\"; after = \"2d\"; template = \"day1\"; }\n);\n", 0,
	    ":5: duplicate milestone name \"a\" (first on line 4)" },
	{ CLINIC TWILIO "milestones = (\n"
	    "  { name = \"a\"; after = \"1d\"; template = \"day1\"; },\n"
	    "  { name = \"b\";\n    after = \"24h\"; template = \"day1\"; }\n"
	    ");\n", 0,
	    ":6: milestones \"a\" and \"b\" are both due 1d after the "
	    "treatment" },
	{ CLINIC TWILIO "milestones = (\n"
	    "  { name = \"a\"; after = \"1d\";\n    template = \"day9\"; }\n"
	    ");\n", 0, ":5: milestone \"a\": unknown template \"day9\"" },
	{ CLINIC TWILIO "milestones = (\n"
	    "  { name = \"two words\"; after = \"1d\"; template = \"day1\"; }\n"
	    ");\n", 0,
	    ":4: milestone name \"two words\" must be 1 to 32 of" },
	{ CLINIC TWILIO "milestones = (\n"
	    "  { name = \"abcdefghijklmnopqrstuvwxyz0123456\"; after = \"1d\"; "
	    "template = \"day1\"; }\n);\n", 0, ":4: milestone name \"" },
	{ CLINIC TWILIO "milestones = (\n"
	    "  { name = \"\"; after = \"1d\"; template = \"day1\"; }\n"
	    ");\n", 0, ":4: milestone name \"\" must be 1 to 32 of" },

	/* 106: secrets */
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n  auth_token_file = \"/nonexistent/token\";\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":6: set auth_token or auth_token_file, not both" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n"
	    "  auth_token_file = \"/nonexistent/token\";\n"
	    "  from = \"+15550100\";\n};\n", 0,
	    ":5: auth_token_file \"/nonexistent/token\": No such file or "
	    "directory" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\\n\";\n  from = \"+15550100\";\n};\n", 0,
	    ":5: auth_token must not contain control characters" },
	{ CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n  auth_token = \""
	    TOKEN "\";\n  from = \"+15550100\";\n  delivery = 1;\n};\n", 0,
	    ":7: unknown key \"delivery\" in sms" },

	/* 110: only warned about: three segments, plain http elsewhere */
	{ CLINIC TWILIO "templates = { week2 = { sms = \"{first_name}: "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4567890123456789012345678901234567890123456789012345678901234567"
	    "8901234567890123456789012345678901234567890123456789012345678901"
	    "2345678901234567890123456789012345678901234567890123456789012345"
	    "6789012345678901234567890123456789012345678901234567890123456789"
	    "\"; }; };\n", 0, NULL },
	{ CLINIC SMS_HEAD "  url = \"http://gw.example.com\";\n" SMS_TAIL, 0,
	    NULL },

	/* 112: plans, default plans, channels, languages, email: load */
	{ CLINIC TWILIO MICRO, 0, NULL },
	{ CLINIC TWILIO MICRO "default_plan = \"none\";\n", 0, NULL },
	{ CLINIC TWILIO MICRO "default_plan = \"microneedling\";\n", 0, NULL },
	{ CLINIC TWILIO "plans = { tattoo = ( ); laser-resurfacing = ( { "
	    "name = \"24h\"; after = \"1d\"; template = \"day1\"; "
	    "channels = [ \"sms\" ]; } ); };\n", 0, NULL },
	{ CLINIC TWILIO "plans = { a = ( { name = \"x\"; after = \"1d\"; "
	    "template = \"day1\"; } ); b = ( { name = \"x\"; after = \"1d\"; "
	    "template = \"day1\"; } ); };\n", 0, NULL },
	{ CLINIC TWILIO SENDGRID "milestones = ( { name = \"a\"; "
	    "after = \"1d\"; template = \"day1\"; "
	    "channels = [ \"email\", \"sms\" ]; } );\n", 0, NULL },
	{ CLINIC TWILIO SMTP "templates = { m = { subject = \"Hi\"; "
	    "email = \"Body\"; }; };\nmilestones = ( { name = \"a\"; "
	    "after = \"1d\"; template = \"m\"; } );\n", 0, NULL },
	{ CLINIC TWILIO "language = \"pt-BR\";\n"
	    "templates = { t = { sms = \"Oi\"; es = { sms = \"Hola\"; }; "
	    "en-GB = { sms = \"Hi\"; }; }; };\n", 0, NULL },
	{ CLINIC SMS_HEAD "  segment_limit = 10;\n" SMS_TAIL, 0, NULL },
	{ CLINIC TWILIO "email = { provider = \"smtp\"; url = "
	    "\"smtp://localhost:25\"; starttls = false; "
	    "from = \"care@clinic.example.com\"; };\n", 0, NULL },
	{ CLINIC TWILIO "email = { provider = \"smtp\"; url = "
	    "\"smtps://[::1]:465\"; username = \"care\"; password = \"" PASS
	    "\"; from = \"care@clinic.example.com\"; "
	    "from_name = \"Riverside\"; "
	    "unsubscribe = \"https://clinic.example.com/u?id=1\"; };\n", 0,
	    NULL },
	{ CLINIC TWILIO "email = { provider = \"smtp\"; url = "
	    "\"smtp://mail.example.com\"; username = \"u\"; password_file = "
	    "\"/nonexistent/pw\"; from = \"a@b.example\"; ca_file = "
	    "\"/nonexistent/ca.pem\"; };\n", CONFIG_NO_SECRETS, NULL },
	{ CLINIC TWILIO "email = { provider = \"sendgrid\"; api_key_file = "
	    "\"/nonexistent/key\"; from = \"a.b+c@b-c.example\"; };\n",
	    CONFIG_NO_SECRETS, NULL },
	{ CLINIC TWILIO SENDGRID "templates = { t = { sms = \"Hi\"; "
	    "subject = \"S\"; email = \"B\"; html = \"<p>B</p>\"; "
	    "es = { sms = \"Hola\"; }; fr = { subject = \"S\"; email = \"B\"; "
	    "}; }; };\n", 0, NULL },

	/* 126: plans */
	{ CLINIC TWILIO "plans = ( );\n", 0, ":3: plans must be a group" },
	{ CLINIC TWILIO "plans = {\n  microneedling = { a = 1; };\n};\n", 0,
	    ":4: plans.microneedling must be a list ( { name = ...; " },
	{ CLINIC TWILIO "plans = {\n  none = ( );\n};\n", 0,
	    ":4: plans: \"none\" cannot be a kind" },
	{ CLINIC TWILIO "plans = {\n  micro*needling = ( );\n};\n", 0,
	    ":4: plans: kind \"micro*needling\" must be 1 to 64 of "
	    "A-Z a-z 0-9 _ -" },
	{ CLINIC TWILIO "plans = {\n  k0123456789012345678901234567890123456789"
	    "012345678901234567890123 = ( );\n};\n", 0,
	    ":4: plans: kind \"k0123456789" },
	{ CLINIC TWILIO "plans = {\n  p = (\n    { after = \"1d\"; "
	    "template = \"day1\"; }\n  );\n};\n", 0,
	    ":5: milestone 1 of plan \"p\": missing \"name\"" },
	{ CLINIC TWILIO "plans = {\n  p = ( \"24h\" );\n};\n", 0,
	    ":4: milestone 1 of plan \"p\" must be a group" },
	{ CLINIC TWILIO "plans = {\n  p = (\n"
	    "    { name = \"a\"; after = \"1d\"; template = \"day1\";\n"
	    "      valid = \"1d\"; }\n  );\n};\n", 0,
	    ":6: unknown key \"valid\" in plans.p" },
	{ CLINIC TWILIO "plans = {\n  p = (\n"
	    "    { name = \"a\"; after = \"1d\"; template = \"day1\"; },\n"
	    "    { name = \"a\"; after = \"2d\"; template = \"day1\"; }\n"
	    "  );\n};\n", 0,
	    ":6: duplicate milestone name \"a\" of plan \"p\" (first on "
	    "line 5)" },
	{ CLINIC TWILIO "plans = {\n  p = (\n"
	    "    { name = \"a\"; after = \"1d\"; template = \"day1\"; },\n"
	    "    { name = \"b\"; after = \"24h\"; template = \"day1\"; }\n"
	    "  );\n};\n", 0,
	    ":6: milestones \"a\" and \"b\" of plan \"p\" are both due 1d "
	    "after the treatment" },
	{ CLINIC TWILIO "plans = {\n  p = (\n"
	    "    { name = \"a\"; after = \"1d\"; template = \"day9\"; }\n"
	    "  );\n};\n", 0,
	    ":5: milestone \"a\" of plan \"p\": unknown template \"day9\"" },
	{ CLINIC TWILIO "plans = {\n  p = (\n"
	    "    { name = \"a\"; after = \"7x\"; template = \"day1\"; }\n"
	    "  );\n};\n", 0, ":5: after: \"7x\": unknown unit 'x'" },

	/* 138: the default plan */
	{ CLINIC TWILIO "milestones = ( { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\"; } );\ndefault_plan = \"none\";\n", 0,
	    ":4: set milestones or default_plan, not both" },
	{ CLINIC TWILIO "default_plan = \"none\";\n"
	    "milestones = ( { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\"; } );\n", 0,
	    ":4: set milestones or default_plan, not both" },
	{ CLINIC TWILIO "default_plan = \"laser\";\n", 0,
	    ":3: default_plan \"laser\" is not a plan: there are no plans (or "
	    "write \"none\")" },
	{ CLINIC TWILIO "plans = { peel = ( ); micro = ( ); };\n"
	    "default_plan = \"laser\";\n", 0,
	    ":4: default_plan \"laser\" is not a plan; the plans are micro, "
	    "peel (or write \"none\")" },
	{ CLINIC TWILIO "plans = { micro = ( ); };\n"
	    "default_plan = \"Micro\";\n", 0,
	    ":4: default_plan \"Micro\" is not a plan; the plans are micro" },
	{ CLINIC TWILIO "default_plan = 1;\n", 0,
	    ":3: default_plan must be a string" },
	{ CLINIC TWILIO "default_plan = \"\";\n", 0,
	    ":3: default_plan must not be empty" },
	{ CLINIC TWILIO "milestones = ( );\n", 0,
	    ":3: milestones must not be empty; for no reminders where a kind "
	    "has no plan of its own, write default_plan = \"none\"" },

	/* 146: channels */
	{ CLINIC TWILIO MS_HEAD "    channels = \"sms\";\n" MS_TAIL, 0,
	    ":5: channels must be an array such as [ \"sms\", \"email\" ]" },
	{ CLINIC TWILIO MS_HEAD "    channels = [ ];\n" MS_TAIL, 0,
	    ":5: channels must not be empty" },
	{ CLINIC TWILIO MS_HEAD "    channels = [ \"fax\" ];\n" MS_TAIL, 0,
	    ":5: channels: unknown channel \"fax\" (sms, email)" },
	{ CLINIC TWILIO MS_HEAD "    channels = [ \"SMS\" ];\n" MS_TAIL, 0,
	    ":5: channels: unknown channel \"SMS\"" },
	{ CLINIC TWILIO MS_HEAD "    channels = [ \"sms\", \"sms\" ];\n"
	    MS_TAIL, 0, ":5: channels: \"sms\" is listed twice" },
	{ CLINIC TWILIO MS_HEAD "    channels = [ 1 ];\n" MS_TAIL, 0,
	    ":5: channels must be an array of strings" },
	{ CLINIC TWILIO MS_HEAD "    channels = ( \"sms\", 2 );\n" MS_TAIL, 0,
	    ":5: channels must be an array of strings" },
	{ CLINIC TWILIO "plans = {\n  microneedling = (\n"
	    "    { name = \"24h\"; after = \"24h\"; template = \"day1\";\n"
	    "      channels = [ \"email\" ]; }\n  );\n};\n", 0,
	    ":6: milestone \"24h\" of plan \"microneedling\": channel email "
	    "needs an email section" },
	{ CLINIC TWILIO SENDGRID "templates = { s = { sms = \"Hi\"; }; };\n"
	    "milestones = (\n"
	    "  { name = \"a\"; after = \"1d\"; template = \"s\";\n"
	    "    channels = [ \"sms\", \"email\" ]; }\n);\n", 0,
	    ":7: milestone \"a\": template \"s\" has no email text (subject "
	    "and email)" },
	{ CLINIC TWILIO SENDGRID "templates = { m = { subject = \"S\"; "
	    "email = \"B\"; }; };\nmilestones = (\n  { name = \"a\"; "
	    "after = \"1d\"; template = \"m\";\n    channels = [ \"sms\" ]; }\n"
	    ");\n", 0, ":7: milestone \"a\": template \"m\" has no sms text" },
	{ CLINIC TWILIO "templates = { m = { subject = \"S\"; "
	    "email = \"B\"; }; };\nmilestones = (\n"
	    "  { name = \"a\"; after = \"1d\"; template = \"m\"; }\n);\n", 0,
	    ":5: milestone \"a\": template \"m\" has no sms text, and email "
	    "needs an email section" },
	{ CLINIC TWILIO "templates = {\n  day1 = { subject = \"S\"; "
	    "email = \"B\"; };\n};\n", 0,
	    ":4: built-in milestone \"24h\": template \"day1\" has no sms "
	    "text, and email needs an email section" },

	/* 158: the default language and translations */
	{ "language = \"english_uk\";\n" CLINIC TWILIO, 0,
	    ":1: language \"english_uk\" is not a language tag such as \"en\" "
	    "or \"pt-BR\"" },
	{ "language = \"e\";\n" CLINIC TWILIO, 0,
	    ":1: language \"e\" is not a language tag" },
	{ "language = \"en-\";\n" CLINIC TWILIO, 0,
	    ":1: language \"en-\" is not a language tag" },
	{ "language = \"en-abcdefghi\";\n" CLINIC TWILIO, 0,
	    ":1: language \"en-abcdefghi\" is not a language tag" },
	{ "language = 5;\n" CLINIC TWILIO, 0, ":1: language must be a string" },
	{ "language = \"\";\n" CLINIC TWILIO, 0,
	    ":1: language must not be empty" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n"
	    "    es_MX = { sms = \"Hola\"; };\n" T_TAIL, 0,
	    ":6: templates.t: \"es_MX\" is not a language tag such as \"es\" "
	    "or \"pt-BR\"" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n"
	    "    en = { sms = \"Hi\"; };\n" T_TAIL, 0,
	    ":6: templates.t: \"en\" is the default language (language = "
	    "\"en\"): put its texts at the top of the template" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n"
	    "    EN = { sms = \"Hi\"; };\n" T_TAIL, 0,
	    ":6: templates.t: \"EN\" is the default language" },
	{ "language = \"es\";\n" CLINIC TWILIO T_HEAD "    sms = \"Hola\";\n"
	    "    es = { sms = \"Hola\"; };\n" T_TAIL, 0,
	    ":7: templates.t: \"es\" is the default language (language = "
	    "\"es\")" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n"
	    "    es = { sms = \"Hola\"; };\n"
	    "    ES = { sms = \"Hola\"; };\n" T_TAIL, 0,
	    ":7: templates.t: language \"ES\" is given twice" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = \"Hola\";\n"
	    T_TAIL, 0, ":6: unknown key \"es\" in templates.t" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = { text = \"Hola\"; "
	    "};\n" T_TAIL, 0, ":6: unknown key \"text\" in templates.t.es" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = { };\n" T_TAIL, 0,
	    ":6: templates.t.es: missing \"sms\" (or \"subject\" and "
	    "\"email\")" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = { sms = \"\"; };\n"
	    T_TAIL, 0, ":6: templates.t.es.sms must not be empty" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = { sms = \"Hola "
	    "{nombre}\"; };\n" T_TAIL, 0,
	    ":6: templates.t.es.sms: unknown placeholder {nombre}" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = { subject = \"S\"; "
	    "email = \"B\"; };\n" T_TAIL, 0,
	    ":6: templates.t.es.email: templates.t has no email text in the "
	    "default language" },
	{ CLINIC TWILIO T_HEAD "    subject = \"S\"; email = \"B\";\n"
	    "    es = { sms = \"Hola\"; };\n" T_TAIL, 0,
	    ":6: templates.t.es.sms: templates.t has no sms text in the "
	    "default language" },
	{ CLINIC TWILIO T_HEAD
	    "    sms = \"Hi\"; subject = \"S\"; email = \"B\";\n"
	    "    es = { sms = \"Hola\"; html = \"<p>\"; };\n" T_TAIL, 0,
	    ":6: templates.t.es: html needs email (the plain-text body)" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\";\n    es = { subject = 1; };\n"
	    T_TAIL, 0, ":6: templates.t.es.subject must be a string" },

	/* 178: email texts */
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\"; subject = \"S\";\n" T_TAIL, 0,
	    ":5: templates.t: subject needs email (the plain-text body)" },
	{ CLINIC TWILIO T_HEAD "    email = \"B\";\n" T_TAIL, 0,
	    ":5: templates.t: email needs a subject" },
	{ CLINIC TWILIO T_HEAD "    sms = \"Hi\"; html = \"<p>Hi</p>\";\n"
	    T_TAIL, 0,
	    ":5: templates.t: html needs email (the plain-text body)" },
	{ CLINIC TWILIO T_HEAD "    html = \"<p>Hi</p>\";\n" T_TAIL, 0,
	    ":5: templates.t: html needs email" },
	{ CLINIC TWILIO T_HEAD "    subject = \"A\\nB\"; email = \"B\";\n"
	    T_TAIL, 0,
	    ":5: templates.t.subject must not contain control characters" },
	{ CLINIC TWILIO T_HEAD "    subject = \"Hi {name}\"; email = \"B\";\n"
	    T_TAIL, 0, ":5: templates.t.subject: unknown placeholder {name}" },
	{ CLINIC TWILIO T_HEAD "    subject = \"S\"; email = \"B {\";\n"
	    T_TAIL, 0, ":5: templates.t.email: unclosed \"{\"" },
	{ CLINIC TWILIO T_HEAD "    subject = \"S\"; email = \"B\"; "
	    "html = \"<p>{first}</p>\";\n" T_TAIL, 0,
	    ":5: templates.t.html: unknown placeholder {first}" },
	{ CLINIC TWILIO T_HEAD "    subject = \"\"; email = \"B\";\n" T_TAIL, 0,
	    ":5: templates.t.subject must not be empty" },
	{ CLINIC TWILIO T_HEAD "    subject = \"S\"; email = [ \"B\" ];\n"
	    T_TAIL, 0, ":5: templates.t.email must be a string" },

	/* 188: the email section */
	{ CLINIC TWILIO "email = \"sendgrid\";\n", 0,
	    ":3: email must be a group" },
	{ CLINIC TWILIO "email = {\n  from = \"a@b.example\";\n};\n", 0,
	    ":3: email: missing \"provider\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"mailgun\";\n};\n", 0,
	    ":4: provider \"mailgun\" is not one of sendgrid, smtp" },
	{ CLINIC TWILIO SG_HEAD "  host = \"x\";\n" FROM_TAIL, 0,
	    ":6: unknown key \"host\" in email" },
	{ CLINIC TWILIO "email = {\n  provider = \"sendgrid\";\n" FROM_TAIL, 0,
	    ":3: email: missing \"api_key_file\" (or \"api_key\")" },
	{ CLINIC TWILIO SG_HEAD "  api_key_file = \"k\";\n" FROM_TAIL, 0,
	    ":6: set api_key or api_key_file, not both" },
	{ CLINIC TWILIO "email = {\n  provider = \"sendgrid\";\n  api_key = \""
	    KEY "\\n\";\n" FROM_TAIL, 0,
	    ":5: api_key must not contain control characters" },
	{ CLINIC TWILIO "email = {\n  provider = \"sendgrid\";\n"
	    "  api_key = \"\";\n" FROM_TAIL, 0,
	    ":5: api_key must not be empty" },
	{ CLINIC TWILIO "email = {\n  provider = \"sendgrid\";\n"
	    "  api_key_file = \"/nonexistent/key\";\n" FROM_TAIL, 0,
	    ":5: api_key_file \"/nonexistent/key\": No such file or "
	    "directory" },
	{ CLINIC TWILIO SG_HEAD "  url = \"ftp://api.sendgrid.com\";\n"
	    FROM_TAIL, 0, ":6: url must start with https://" },
	{ CLINIC TWILIO SG_HEAD "  username = \"u\";\n" FROM_TAIL, 0,
	    ":6: username is only used with provider \"smtp\"" },
	{ CLINIC TWILIO SG_HEAD "  starttls = true;\n" FROM_TAIL, 0,
	    ":6: starttls is only used with provider \"smtp\"" },
	{ CLINIC TWILIO SG_HEAD "  password_file = \"pw\";\n" FROM_TAIL, 0,
	    ":6: password_file is only used with provider \"smtp\"" },
	{ CLINIC TWILIO SG_HEAD "};\n", 0, ":3: email: missing \"from\"" },
	{ CLINIC TWILIO SG_HEAD "  from = \"Clinic <care@x.example>\";\n"
	    "};\n", 0,
	    ":6: from \"Clinic <care@x.example>\" must be a plain address such "
	    "as \"care@clinic.example.com\"" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@@x.example\";\n};\n", 0,
	    ":6: from \"care@@x.example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"ca re@x.example\";\n};\n", 0,
	    ":6: from \"ca re@x.example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"\\\"c\\\"@x.example\";\n};\n", 0,
	    ":6: from \"\"c\"@x.example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@x..example\";\n};\n", 0,
	    ":6: from \"care@x..example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"@x.example\";\n};\n", 0,
	    ":6: from \"@x.example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@\";\n};\n", 0,
	    ":6: from \"care@\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care.@x.example\";\n};\n", 0,
	    ":6: from \"care.@x.example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care\";\n};\n", 0,
	    ":6: from \"care\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@localhost\";\n};\n", 0,
	    ":6: from \"care@localhost\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@192.0.2.1\";\n};\n", 0,
	    ":6: from \"care@192.0.2.1\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@x-.example\";\n};\n", 0,
	    ":6: from \"care@x-.example\" must be a plain address" },
	{ CLINIC TWILIO SG_HEAD "  from = \"care@x.example\\n\";\n};\n", 0,
	    ":6: from must not contain control characters" },
	{ CLINIC TWILIO SG_HEAD "  from_name = \"\";\n" FROM_TAIL, 0,
	    ":6: from_name must not be empty" },
	{ CLINIC TWILIO SG_HEAD "  from_name = \"a\\r\\nBcc: x\";\n"
	    FROM_TAIL, 0,
	    ":6: from_name must not contain control characters" },
	{ CLINIC TWILIO SG_HEAD "  unsubscribe = \"http://x.example/u\";\n"
	    FROM_TAIL, 0,
	    ":6: unsubscribe must be a mailto: or https:// URI" },
	{ CLINIC TWILIO SG_HEAD "  unsubscribe = \"mailto:\";\n" FROM_TAIL, 0,
	    ":6: unsubscribe must be a mailto: or https:// URI" },
	{ CLINIC TWILIO SG_HEAD "  unsubscribe = \"https://x.example/a b\";\n"
	    FROM_TAIL, 0, ":6: unsubscribe must be a mailto: or https:// URI" },
	{ CLINIC TWILIO SG_HEAD "  unsubscribe = \"<mailto:a@x.example>\";\n"
	    FROM_TAIL, 0, ":6: unsubscribe must be a mailto: or https:// URI" },
	{ CLINIC TWILIO SG_HEAD "  ca_file = \"/nonexistent/ca.pem\";\n"
	    FROM_TAIL, 0,
	    ":6: ca_file \"/nonexistent/ca.pem\": No such file or directory" },

	/* 222: the email section, smtp */
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n" FROM_TAIL, 0,
	    ":3: email: missing \"url\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"https://mail.example.com\";\n" FROM_TAIL, 0,
	    ":5: url must be \"smtp://host[:port]\" or "
	    "\"smtps://host[:port]\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://u:" PASS "@mail.example.com\";\n" FROM_TAIL, 0,
	    ":5: url must be \"smtp://host[:port]\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://mail.example.com/\";\n" FROM_TAIL, 0,
	    ":5: url must be \"smtp://host[:port]\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://\";\n" FROM_TAIL, 0,
	    ":5: url must be \"smtp://host[:port]\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://-mail.example.com\";\n" FROM_TAIL, 0,
	    ":5: url must be \"smtp://host[:port]\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtps://[::1\";\n" FROM_TAIL, 0,
	    ":5: url must be \"smtp://host[:port]\"" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://mail.example.com:0\";\n" FROM_TAIL, 0,
	    ":5: url: the port must be 1 to 65535" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://mail.example.com:65536\";\n" FROM_TAIL, 0,
	    ":5: url: the port must be 1 to 65535" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://mail.example.com:\";\n" FROM_TAIL, 0,
	    ":5: url: the port must be 1 to 65535" },
	{ CLINIC TWILIO SMTP_HEAD "  api_key = \"" KEY "\";\n" FROM_TAIL, 0,
	    ":6: api_key is only used with provider \"sendgrid\"" },
	{ CLINIC TWILIO SMTP_HEAD "  username = \"care\";\n" FROM_TAIL, 0,
	    ":6: username needs password_file (or password)" },
	{ CLINIC TWILIO SMTP_HEAD "  password = \"" PASS "\";\n" FROM_TAIL, 0,
	    ":6: password needs username" },
	{ CLINIC TWILIO SMTP_HEAD "  password_file = \"pw\";\n" FROM_TAIL,
	    CONFIG_NO_SECRETS, ":6: password_file needs username" },
	{ CLINIC TWILIO SMTP_HEAD "  username = \"care\";\n  password = \"" PASS
	    "\";\n  password_file = \"pw\";\n" FROM_TAIL, 0,
	    ":8: set password or password_file, not both" },
	{ CLINIC TWILIO SMTP_HEAD "  username = \"care\";\n  password = \"" PASS
	    "\\t\";\n" FROM_TAIL, 0,
	    ":7: password must not contain control characters" },
	{ CLINIC TWILIO SMTP_HEAD "  username = \"care\";\n"
	    "  password_file = \"/nonexistent/pw\";\n" FROM_TAIL, 0,
	    ":7: password_file \"/nonexistent/pw\": No such file or "
	    "directory" },
	{ CLINIC TWILIO SMTP_HEAD "  starttls = \"yes\";\n" FROM_TAIL, 0,
	    ":6: starttls must be true or false" },
	{ CLINIC TWILIO "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtps://mail.example.com\";\n  starttls = true;\n"
	    FROM_TAIL, 0, ":6: starttls is only used with smtp:// (smtps:// "
	    "uses TLS from the start)" },

	/* 241: sms.segment_limit */
	{ CLINIC SMS_HEAD "  segment_limit = 0;\n" SMS_TAIL, 0,
	    ":4: segment_limit must be between 1 and 10 segments" },
	{ CLINIC SMS_HEAD "  segment_limit = 11;\n" SMS_TAIL, 0,
	    ":4: segment_limit must be between 1 and 10 segments" },
	{ CLINIC SMS_HEAD "  segment_limit = \"2\";\n" SMS_TAIL, 0,
	    ":4: segment_limit must be an integer (segments)" },

	/* 244: rate limits, per provider */
	{ CLINIC SMS_HEAD "  rate_limit = 50;\n" SMS_TAIL, 0, NULL },
	{ CLINIC SMS_HEAD "  rate_limit = 0;\n" SMS_TAIL, 0, NULL },
	{ CLINIC SMS_HEAD "  rate_limit = -1;\n" SMS_TAIL, 0,
	    ":4: rate_limit must be between 0 and 10000 messages a second; "
	    "0 for none" },
	{ CLINIC SMS_HEAD "  rate_limit = 1.5;\n" SMS_TAIL, 0,
	    ":4: rate_limit must be an integer (messages a second; 0 for "
	    "none)" },
	{ CLINIC TWILIO SG_HEAD "  rate_limit = 100;\n" FROM_TAIL, 0, NULL },
	{ CLINIC TWILIO SG_HEAD "  rate_limit = 10001;\n" FROM_TAIL, 0,
	    ":6: rate_limit must be between 0 and 10000" },

	/* 250: Twilio's forms: the Account SID and the sender */
#define SID_ROW(sid) CLINIC SMS_HEAD "  account_sid = \"" sid "\";\n" \
	"  auth_token = \"" TOKEN "\";\n  from = \"+15550100\";\n};\n"
	{ SID_ROW("12345"), 0, ":4: account_sid must be \"AC\" and 32 hex "
	    "digits, as the Twilio Console shows it" },
	{ SID_ROW("AC0123456789abcdef0123456789abcde"), 0,
	    ":4: account_sid must be \"AC\" and 32 hex digits" },
	{ SID_ROW("AC0123456789abcdef0123456789abcdef0"), 0,
	    ":4: account_sid must be \"AC\" and 32 hex digits" },
	{ SID_ROW("ac0123456789abcdef0123456789abcdef"), 0,
	    ":4: account_sid must be \"AC\" and 32 hex digits" },
	{ SID_ROW("AC0123456789abcdef0123456789abcdeg"), 0,
	    ":4: account_sid must be \"AC\" and 32 hex digits" },
	{ SID_ROW("MG0123456789abcdef0123456789abcdef"), 0,
	    ":4: account_sid must be \"AC\" and 32 hex digits" },
	{ SID_ROW("AC0123456789ABCDEF0123456789ABCDEF"), 0, NULL },
#undef SID_ROW
#define FROM_ROW(from) CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n" \
	"  auth_token = \"" TOKEN "\";\n  from = \"" from "\";\n};\n"
	{ FROM_ROW("15550100"), 0, ":6: from \"15550100\" must be an E.164 "
	    "number (\"+15550100\") or a sender id of 1 to 11 letters, "
	    "digits and spaces, with a letter" },
	{ FROM_ROW("Skin-Clinic"), 0,
	    ":6: from \"Skin-Clinic\" must be an E.164 number" },
	{ FROM_ROW("+"), 0, ":6: from \"+\" must be an E.164 number" },
	{ FROM_ROW("Skin Clinic"), 0, NULL },
	{ FROM_ROW("+442079460123"), 0, NULL },
#undef FROM_ROW
	/* 262: email.helo, the EHLO name */
	{ CLINIC TWILIO SMTP_HEAD "  helo = \"mail.clinic.example.com\";\n"
	    FROM_TAIL, 0, NULL },
	{ CLINIC TWILIO SMTP_HEAD "  helo = \"vm\";\n" FROM_TAIL, 0,
	    ":6: helo \"vm\" must be a fully qualified domain name such as "
	    "\"mail.clinic.example.com\"" },
	{ CLINIC TWILIO SMTP_HEAD "  helo = \"mail_1.example.com\";\n"
	    FROM_TAIL, 0, ":6: helo \"mail_1.example.com\" must be a fully "
	    "qualified domain name" },
	{ CLINIC TWILIO SMTP_HEAD "  helo = \"\";\n" FROM_TAIL, 0,
	    ":6: helo must not be empty" },
	{ CLINIC TWILIO SG_HEAD "  helo = \"mail.clinic.example.com\";\n"
	    FROM_TAIL, 0, ":6: helo is only used with provider \"smtp\"" },

	/* 267: Twilio's sms.url is the API base, never the resource */
	{ CLINIC SMS_HEAD "  url = \"https://api.twilio.com/2010-04-01/"
	    "Accounts/" SID "/Messages.json\";\n" SMS_TAIL, 0,
	    ":4: sms.url is the API base (\"https://api.twilio.com\"): "
	    "aftercare adds /2010-04-01/Accounts/.../Messages.json itself" },
	{ CLINIC SMS_HEAD "  url = \"https://api.twilio.com/2010-04-01\";\n"
	    SMS_TAIL, 0, ":4: sms.url is the API base" },
	{ CLINIC SMS_HEAD "  url = \"https://twilio.example.com/Messages.json"
	    "\";\n" SMS_TAIL, 0, ":4: sms.url is the API base" },
	{ CLINIC SMS_HEAD "  url = \"https://api.twilio.com/\";\n" SMS_TAIL, 0,
	    NULL },
	{ CLINIC "sms = { provider = \"webhook\"; url = \"https://sms.example."
	    "com/2010-04-01/Messages.json\"; };\n", 0, NULL },

	/* 272: inbound, its section and listen */
	{ CLINIC TWILIO IN_HEAD IN_TAIL, 0, NULL },
	{ CLINIC TWILIO "inbound = {\n};\n", 0,
	    ":3: inbound: missing \"public_url\"" },
	{ CLINIC TWILIO "inbound = 1;\n", 0, ":3: inbound must be a group" },
	{ CLINIC TWILIO IN_HEAD "  port = 8025;\n" IN_TAIL, 0,
	    ":5: unknown key \"port\" in inbound" },
	{ CLINIC WEBHOOK IN_HEAD IN_TAIL, 0, ":3: inbound needs "
	    "sms.auth_token_file (or auth_token): the webhook gateway signs its "
	    "requests with it" },
	{ CLINIC "sms = { provider = \"webhook\"; url = \"https://sms.example."
	    "com/send\"; auth_token_file = \"tok\"; };\n" IN_HEAD IN_TAIL,
	    CONFIG_NO_SECRETS, NULL },
#define LISTEN_ROW(v) CLINIC TWILIO IN_HEAD "  listen = \"" v "\";\n" IN_TAIL
	{ LISTEN_ROW("127.0.0.1:8025"), 0, NULL },
	{ LISTEN_ROW("0.0.0.0:1"), 0, NULL },
	{ LISTEN_ROW("[::1]:65535"), 0, NULL },
	{ LISTEN_ROW("[2001:db8::7]:8025"), 0, NULL },
	{ LISTEN_ROW("unix:/run/aftercare/inbound.sock"), 0, NULL },
	{ LISTEN_ROW("localhost:8025"), 0, ":5: listen \"localhost:8025\" "
	    "must be an address and port (\"127.0.0.1:8025\", \"[::1]:8025\")"
	    " or \"unix:/PATH\"" },
	{ LISTEN_ROW("127.0.0.1"), 0, ":5: listen \"127.0.0.1\" must be" },
	{ LISTEN_ROW("127.0.0.1:0"), 0, ":5: listen \"127.0.0.1:0\" must be" },
	{ LISTEN_ROW("127.0.0.1:65536"), 0, ":5: listen \"127.0.0.1:65536\"" },
	{ LISTEN_ROW("127.0.0.1:80x"), 0, ":5: listen \"127.0.0.1:80x\"" },
	{ LISTEN_ROW("127.0.0.1:99999999999999999999"), 0, ":5: listen" },
	{ LISTEN_ROW(":8025"), 0, ":5: listen \":8025\" must be" },
	{ LISTEN_ROW("::1:8025"), 0, ":5: listen \"::1:8025\" must be" },
	{ LISTEN_ROW("[::1]8025"), 0, ":5: listen \"[::1]8025\" must be" },
	{ LISTEN_ROW("[::1]:"), 0, ":5: listen \"[::1]:\" must be" },
	{ LISTEN_ROW("[zz]:8025"), 0, ":5: listen \"[zz]:8025\" must be" },
	{ LISTEN_ROW("256.0.0.1:8025"), 0, ":5: listen \"256.0.0.1:8025\"" },
	{ LISTEN_ROW("unix:run/inbound.sock"), 0,
	    ":5: listen \"unix:run/inbound.sock\" must be" },
	{ LISTEN_ROW("unix:/" LONG_PATH), 0, ":5: listen \"unix:/" },
	{ LISTEN_ROW(""), 0, ":5: listen must not be empty" },
#undef LISTEN_ROW

	/* 298: inbound.public_url */
#define URL_ROW(v) CLINIC TWILIO "inbound = {\n  public_url = \"" v "\";\n};\n"
	{ URL_ROW("https://clinic.example.com"), 0, NULL },
	{ URL_ROW("https://clinic.example.com:8443/aftercare/in/"), 0, NULL },
	{ URL_ROW("http://127.0.0.1:8025"), 0, NULL },
	{ URL_ROW("https://[2001:db8::1]/aftercare"), 0, NULL },
	{ URL_ROW("ftp://clinic.example.com/aftercare"), 0, ":4: public_url "
	    "\"ftp://clinic.example.com/aftercare\" must be an https:// URL "
	    "such as \"https://clinic.example.com/aftercare\"" },
	{ URL_ROW("clinic.example.com/aftercare"), 0,
	    ":4: public_url \"clinic.example.com/aftercare\" must be" },
	{ URL_ROW("https://"), 0, ":4: public_url \"https://\" must be" },
	{ URL_ROW("https:///aftercare"), 0, ":4: public_url \"https:///" },
	{ URL_ROW("https://-clinic.example.com/"), 0, ":4: public_url" },
	{ URL_ROW("https://clinic example.com/"), 0, ":4: public_url" },
	{ URL_ROW("https://clinic.example.com/a b"), 0, ":4: public_url" },
	{ URL_ROW("https://clinic.example.com/a\\b"), 0, ":4: public_url" },
	{ URL_ROW("https://[::1/aftercare"), 0, ":4: public_url" },
	{ URL_ROW("https://u:" PASS "@clinic.example.com/aftercare"), 0,
	    ":4: public_url must not carry a user name or password: the "
	    "providers' signatures are the check" },
	{ URL_ROW("https://clinic.example.com/aftercare?clinic=1"), 0,
	    ":4: public_url must not have a query or a fragment" },
	{ URL_ROW("https://clinic.example.com/aftercare#rc=5&rp=all"), 0,
	    ":4: public_url must not have a query or a fragment (Twilio's "
	    "#rc=5&rp=all goes in its console, after the endpoint's path)" },
	{ URL_ROW("https://clinic.example.com:0/"), 0,
	    ":4: public_url: the port must be 1 to 65535" },
	{ URL_ROW("https://clinic.example.com:65536/"), 0,
	    ":4: public_url: the port must be 1 to 65535" },
	{ URL_ROW("https://clinic.example.com:/"), 0,
	    ":4: public_url: the port must be 1 to 65535" },
	{ URL_ROW("https://clinic.example.com:443x/"), 0,
	    ":4: public_url: the port must be 1 to 65535" },
	{ URL_ROW(""), 0, ":4: public_url must not be empty" },
#undef URL_ROW

	/* 319: inbound.escalate_to */
#define IN_ROW(v) CLINIC TWILIO IN_HEAD "  " v "\n" IN_TAIL
#define ESC_ROW(v) IN_ROW(v) SENDGRID
	{ ESC_ROW("escalate_to = [ \"nurse@clinic.example.com\", "
	    "\"dr.lee@clinic.example.com\" ];"), 0, NULL },
	{ ESC_ROW("escalate_to = ( \"nurse@clinic.example.com\" );"), 0,
	    NULL },
	{ ESC_ROW("escalate_to = \"nurse@clinic.example.com\";"), 0, NULL },
	{ ESC_ROW("escalate_to = [ ];"), 0, ":5: escalate_to is empty: name the "
	    "staff who read replies, or leave it out" },
	{ ESC_ROW("escalate_to = [ \"nurse\" ];"), 0, ":5: escalate_to: "
	    "\"nurse\" must be a plain address such as "
	    "\"nurse@clinic.example.com\"" },
	{ ESC_ROW("escalate_to = [ \"Nurse <nurse@clinic.example.com>\" ];"), 0,
	    ":5: escalate_to: \"Nurse <nurse@clinic.example.com>\" must be" },
	{ ESC_ROW("escalate_to = [ \"nurse@[127.0.0.1]\" ];"), 0,
	    ":5: escalate_to: \"nurse@[127.0.0.1]\" must be a plain address" },
	{ ESC_ROW("escalate_to = [ \"a@clinic.example.com\", "
	    "\"A@clinic.example.com\" ];"), 0,
	    ":5: escalate_to: \"A@clinic.example.com\" is given twice" },
	{ ESC_ROW("escalate_to = [ 1 ];"), 0, ":5: escalate_to must be a string "
	    "or a list of strings [ \"...\", \"...\" ]" },
	{ ESC_ROW("escalate_to = 1;"), 0, ":5: escalate_to must be a string or "
	    "a list of strings" },
	{ ESC_ROW("escalate_to = ( \"a@clinic.example.com\", 2 );"), 0,
	    ":5: escalate_to must be a string or a list of strings" },
	{ ESC_ROW("escalate_to = [ \"\" ];"), 0,
	    ":5: escalate_to: item 1 must be one line, not empty" },
	/* escalations go by email: without an email section, nothing goes */
	{ IN_ROW("escalate_to = [ \"nurse@clinic.example.com\" ];"), 0,
	    ":5: escalate_to needs an email section: replies are escalated "
	    "to staff by email, through the email provider" },
#undef ESC_ROW

	/* 332: inbound.urgent_words */
	{ IN_ROW("urgent_words = [ \"rash\", \"hot to the touch\" ];"), 0,
	    NULL },
	{ IN_ROW("urgent_words = ( );"), 0, NULL },
	{ IN_ROW("urgent_words = [ \"rash\", \"\" ];"), 0,
	    ":5: urgent_words: item 2 must be one line, not empty" },
	{ IN_ROW("urgent_words = [ \"a\\tb\" ];"), 0,
	    ":5: urgent_words: item 1 must be one line, not empty" },
	{ IN_ROW("urgent_words = [ \"" LONG_WORD "\" ];"), 0,
	    ":5: urgent_words: item 1 is longer than 64 bytes" },
	{ IN_ROW("urgent_words = [ \"infect*\", \"hard to breathe\" ];"), 0,
	    NULL },
	{ IN_ROW("urgent_words = [ \"in*fect\" ];"), 0, ":5: urgent_words: "
	    "\"in*fect\": '*' may only end an urgent word" },
	{ IN_ROW("urgent_words = [ \"ab*\" ];"), 0,
	    ":5: urgent_words: \"ab*\": a stem before '*' needs" },
	{ IN_ROW("urgent_words = [ \"!!!\" ];"), 0,
	    ":5: urgent_words: \"!!!\": an urgent word has no letters" },

	/* 341: inbound.acknowledge, its text */
	{ IN_ROW("acknowledge = true;"), 0, NULL },
	{ IN_ROW("acknowledge = false; acknowledgement = \"{clinic_name} has "
	    "your message; call {clinic_phone} if it is urgent.\";"), 0, NULL },
	{ IN_ROW("acknowledge = \"yes\";"), 0,
	    ":5: acknowledge must be true or false" },
	{ IN_ROW("acknowledgement = \"Thanks {first_name}\";"), 0,
	    ":5: acknowledgement may only use {clinic_name} and {clinic_phone}: "
	    "it may answer a number no patient has" },
	{ IN_ROW("acknowledgement = \"See you on {treatment_date}\";"), 0,
	    ":5: acknowledgement may only use {clinic_name}" },
	{ IN_ROW("acknowledgement = \"Call {phone}\";"), 0,
	    ":5: acknowledgement: unknown placeholder {phone}" },
	{ IN_ROW("acknowledgement = \"Call {clinic_phone\";"), 0,
	    ":5: acknowledgement: unclosed \"{\"" },
	{ IN_ROW("acknowledgement = \"\";"), 0,
	    ":5: acknowledgement must not be empty" },

	/* 349: inbound limits */
	{ IN_ROW("max_connections = 1; timeout = 60;"), 0, NULL },
	{ IN_ROW("max_connections = 1024; timeout = 1;"), 0, NULL },
	{ IN_ROW("max_connections = 0;"), 0,
	    ":5: max_connections must be between 1 and 1024" },
	{ IN_ROW("max_connections = 1025;"), 0,
	    ":5: max_connections must be between 1 and 1024" },
	{ IN_ROW("timeout = 0;"), 0,
	    ":5: timeout must be between 1 and 60 seconds" },
	{ IN_ROW("timeout = \"10s\";"), 0,
	    ":5: timeout must be an integer (seconds)" },
#undef IN_ROW

	/* 355: inbound.sendgrid_key, parsed by libcrypto */
#define SG_ROW(v) CLINIC TWILIO SENDGRID IN_HEAD "  " v "\n" IN_TAIL
	{ SG_ROW("sendgrid_key = \"" SG_P256 "\";"), 0, NULL },
	{ SG_ROW("sendgrid_key = \"-----BEGIN PUBLIC KEY-----\\n" SG_P256
	    "\\n-----END PUBLIC KEY-----\\n\";"), 0, NULL },
	{ SG_ROW("sendgrid_key_file = \"/nonexistent/sendgrid.key\";"),
	    CONFIG_NO_SECRETS, NULL },
	{ SG_ROW("sendgrid_key_file = \"/nonexistent/sendgrid.key\";"), 0,
	    ":6: sendgrid_key_file \"/nonexistent/sendgrid.key\": No such file "
	    "or directory" },
	{ SG_ROW("sendgrid_key = \"" SG_P256 "\";\n  sendgrid_key_file = "
	    "\"k\";"), 0,
	    ":7: set sendgrid_key or sendgrid_key_file, not both" },
	{ SG_ROW("sendgrid_key = \"not base64!\";"), 0, ":6: sendgrid_key: the "
	    "SendGrid verification key is not base64" },
	{ SG_ROW("sendgrid_key = \"AAAA\";"), 0, ":6: sendgrid_key: the "
	    "SendGrid verification key is not a DER SubjectPublicKeyInfo" },
	{ SG_ROW("sendgrid_key = \"" SG_P384 "\";"), 0, ":6: sendgrid_key: the "
	    "SendGrid verification key is not an ECDSA P-256 key" },
	{ SG_ROW("sendgrid_key = \"" SG_RSA "\";"), 0, ":6: sendgrid_key: the "
	    "SendGrid verification key is not an ECDSA P-256 key" },
	{ SG_ROW("sendgrid_key = \"\";"), 0,
	    ":6: sendgrid_key must not be empty" },
#undef SG_ROW
	{ CLINIC TWILIO IN_HEAD "  sendgrid_key = \"" SG_P256 "\";\n" IN_TAIL,
	    0, ":5: sendgrid_key is only used with email provider "
	    "\"sendgrid\"" },
	{ CLINIC TWILIO SMTP IN_HEAD "  sendgrid_key_file = \"k\";\n" IN_TAIL,
	    0, ":6: sendgrid_key_file is only used with email provider "
	    "\"sendgrid\"" },

	/* 366: delivery.fallback and delivery.lookup_after */
	{ CLINIC TWILIO "delivery = {\n  fallback = false;\n  lookup_after = "
	    "\"1m\";\n};\n", 0, NULL },
	{ CLINIC TWILIO "delivery = {\n  lookup_after = \"3d\";\n};\n", 0,
	    NULL },
	{ CLINIC TWILIO "delivery = {\n  fallback = \"yes\";\n};\n", 0,
	    ":4: fallback must be true or false" },
	{ CLINIC TWILIO "delivery = {\n  fallback = 1;\n};\n", 0,
	    ":4: fallback must be true or false" },
	{ CLINIC TWILIO "delivery = {\n  lookup_after = 3600;\n};\n", 0,
	    ":4: lookup_after must be a duration string" },
	{ CLINIC TWILIO "delivery = {\n  lookup_after = \"59s\";\n};\n", 0,
	    ":4: lookup_after must be between 1m and 3d" },
	{ CLINIC TWILIO "delivery = {\n  lookup_after = \"3d1s\";\n};\n", 0,
	    ":4: lookup_after must be between 1m and 3d" },
	{ CLINIC TWILIO "delivery = {\n  lookup_after = \"-4h\";\n};\n", 0,
	    ":4: lookup_after must be between 1m and 3d" },
	{ CLINIC TWILIO "delivery = {\n  lookup_after = \"4x\";\n};\n", 0,
	    ":4: lookup_after: \"4x\": unknown unit 'x'" },
};

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Removes what the tests create: files and directories, no links. */
static void
rm_tree(const char *path)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		*sub;

	if (lstat(path, &st) == -1)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}
	d = opendir(path);
	if (d != NULL) {
		for (;;) {
			de = readdir(d);
			if (de == NULL)
				break;
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			rm_tree(sub);
			free(sub);
		}
		(void)closedir(d);
	}
	(void)rmdir(path);
}

static struct config *
load_text(struct fixture *fx, const char *text, int flags, char *err,
    size_t errlen)
{
	write_file(fx->path, text);
	return config_load(fx->path, flags, err, errlen);
}

static int
setup(void **state)
{
	struct fixture	*fx;

	fx = xcalloc(1, sizeof(*fx));
	(void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	(void)snprintf(fx->path, sizeof(fx->path), "%s/aftercare.conf",
	    fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	rm_tree(fx->dir);
	free(fx);
	return 0;
}

static void
test_rows(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], *want;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		(void)snprintf(err, sizeof(err), "(untouched)");
		cfg = load_text(fx, rows[i].text, rows[i].flags, err,
		    sizeof(err));
		if (rows[i].want == NULL) {
			if (cfg == NULL) {
				print_error("row %zu: want ok, got: %s\n", i,
				    err);
				bad++;
			}
			config_free(cfg);
			continue;
		}
		want = xasprintf("%s%s", fx->path, rows[i].want);
		if (cfg != NULL) {
			print_error("row %zu: loaded, want: %s\n", i, want);
			bad++;
		} else if (strncmp(err, want, strlen(want)) != 0) {
			print_error("row %zu:\n  want: %s\n  got:  %s\n", i,
			    want, err);
			bad++;
		} else if (strchr(err, '\n') != NULL) {
			print_error("row %zu: not one line: %s\n", i, err);
			bad++;
		} else if (strstr(err, TOKEN) != NULL ||
		    strstr(err, KEY) != NULL || strstr(err, PASS) != NULL) {
			print_error("row %zu: secret in error: %s\n", i, err);
			bad++;
		}
		free(want);
		config_free(cfg);
	}
	assert_int_equal(bad, 0);
}

static void
test_defaults(void **state)
{
	struct fixture		*fx = *state;
	struct config		*cfg;
	const struct milestone	*m;
	char			 err[512], *fp;
	size_t			 i;

	cfg = load_text(fx, CLINIC TWILIO, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->path, fx->path);
	assert_string_equal(cfg->database, "/var/lib/aftercare/aftercare.db");
	assert_int_equal(cfg->log_priority, LOG_PRI_INFO);
	assert_string_equal(cfg->clinic_name, "Riverside Skin Clinic");
	assert_string_equal(cfg->clinic_phone, "+1 555 0100");

	assert_int_equal(cfg->nmilestones, 3);
	assert_string_equal(cfg->milestones[0].name, "24h");
	assert_string_equal(cfg->milestones[1].name, "1w");
	assert_string_equal(cfg->milestones[2].name, "2w");
	assert_int_equal(cfg->milestones[0].after, 86400);
	assert_int_equal(cfg->milestones[1].after, 604800);
	assert_int_equal(cfg->milestones[2].after, 1209600);
	assert_int_equal(cfg->milestones[0].valid_for, 3 * 86400);
	assert_int_equal(cfg->milestones[1].valid_for, 3 * 86400);
	assert_int_equal(cfg->milestones[2].valid_for, 3 * 86400);
	assert_string_equal(cfg->milestones[0].template, "day1");
	assert_string_equal(cfg->milestones[1].template, "week1");
	assert_string_equal(cfg->milestones[2].template, "week2");
	assert_non_null(strstr(cfg->milestones[0].sms, "{clinic_phone}"));

	m = config_milestone(cfg, NULL, "1w");
	assert_ptr_equal(m, &cfg->milestones[1]);
	assert_null(config_milestone(cfg, NULL, "3w"));
	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp,
	    "24h:86400:259200;1w:604800d:259200;2w:1209600d:259200|UTC|1200-540");
	free(fp);

	assert_int_equal(cfg->sms.provider, SMS_PROVIDER_TWILIO);
	assert_string_equal(cfg->sms.url, "https://api.twilio.com");
	assert_string_equal(cfg->sms.account_sid, SID);
	assert_string_equal(cfg->sms.auth_token, TOKEN);
	assert_string_equal(cfg->sms.from, "+15550100");
	assert_null(cfg->sms.ca_file);

	assert_int_equal(cfg->delivery.concurrency, 16);
	assert_int_equal(cfg->delivery.timeout, 15);
	assert_int_equal(cfg->delivery.max_attempts, 8);
	assert_int_equal(cfg->delivery.backoff_base, 60);
	assert_int_equal(cfg->delivery.backoff_max, 3600);
	assert_true(cfg->delivery.fallback);
	assert_int_equal(cfg->delivery.lookup_after, 4 * 3600);

	/* The default language, SMS only, the built-in texts in English. */
	assert_string_equal(cfg->language, "en");
	assert_int_equal(cfg->nplans, 0);
	assert_int_equal(cfg->email.provider, EMAIL_PROVIDER_NONE);
	assert_null(cfg->email.from);
	assert_int_equal(cfg->sms.segment_limit, CONFIG_SEGMENT_LIMIT);
	for (i = 0; i < cfg->nmilestones; i++) {
		m = &cfg->milestones[i];
		assert_int_equal(m->channels, CHANNEL_BIT(CHANNEL_SMS));
		assert_non_null(m->sms);
		assert_non_null(m->subject);
		assert_null(strchr(m->subject, '\n'));
		assert_non_null(strstr(m->email, "{first_name}"));
		assert_non_null(strstr(m->email, "{clinic_phone}"));
		assert_null(m->html);
		assert_int_equal(m->nlangs, 0);
		assert_null(m->langs);
	}
	config_free(cfg);

	config_free(NULL);
}

/* Sorted by `after`; a window ends at the next milestone, 3d at most. */
static void
test_milestone_windows(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], *fp;

	cfg = load_text(fx, CLINIC TWILIO
	    "templates = { extra = { sms = \"See you, {first_name}\"; }; };\n"
	    "milestones = (\n"
	    "  { name = \"w\"; after = \"1w\"; template = \"week1\"; },\n"
	    "  { name = \"d2\"; after = \"36h\"; template = \"extra\";\n"
	    "    valid_for = \"5d\"; },\n"
	    "  { name = \"d1\"; after = \"1d\"; template = \"day1\"; },\n"
	    "  { name = \"pre\"; after = \"-2d\"; template = \"extra\"; }\n"
	    ");\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->nmilestones, 4);
	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp, "pre:-172800d:259200;d1:86400d:43200;"
	    "d2:129600:432000;w:604800d:259200|UTC|1200-540");
	free(fp);
	assert_string_equal(config_milestone(cfg, NULL, "pre")->sms,
	    "See you, {first_name}");
	assert_string_equal(config_milestone(cfg, NULL, "d2")->template,
	    "extra");
	config_free(cfg);

	/* A change of window changes the fingerprint. */
	cfg = load_text(fx, CLINIC TWILIO "milestones = (\n"
	    "  { name = \"24h\"; after = \"24h\"; template = \"day1\"; "
	    "valid_for = \"2d\"; },\n"
	    "  { name = \"1w\"; after = \"7d\"; template = \"week1\"; },\n"
	    "  { name = \"2w\"; after = \"14d\"; template = \"week2\"; }\n"
	    ");\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp, "24h:86400:172800;1w:604800d:259200;"
	    "2w:1209600d:259200|UTC|1200-540");
	free(fp);
	config_free(cfg);
}

/*
 * The example file loads; its microneedling plan ends with exactly the
 * built-in milestones and texts, translated into Spanish.
 */
static void
test_example(void **state)
{
	struct fixture		*fx = *state;
	struct config		*ex, *def;
	const struct milestone	*mn, *pe, *m, *d;
	char			 err[512];
	size_t			 i, n;
	bool			 own;

	ex = config_load(EXAMPLE, CONFIG_NO_SECRETS, err, sizeof(err));
	if (ex == NULL)
		fail_msg("%s", err);
	def = load_text(fx, CLINIC TWILIO, 0, err, sizeof(err));
	if (def == NULL)
		fail_msg("%s", err);

	assert_string_equal(ex->database, "/var/lib/aftercare/aftercare.db");
	assert_int_equal(ex->log_priority, LOG_PRI_INFO);
	assert_string_equal(ex->clinic_name, "Riverside Skin Clinic");
	assert_string_equal(ex->clinic_phone, "+1 555 0100");
	assert_string_equal(ex->language, "en");
	assert_int_equal(ex->sms.provider, SMS_PROVIDER_TWILIO);
	assert_string_equal(ex->sms.url, "https://api.twilio.com");
	assert_string_equal(ex->sms.from, "+15550100");
	assert_null(ex->sms.auth_token);
	assert_null(ex->sms.ca_file);
	assert_int_equal(ex->sms.segment_limit, 2);
	assert_int_equal(ex->email.provider, EMAIL_PROVIDER_NONE);
	assert_int_equal(ex->delivery.concurrency, def->delivery.concurrency);
	assert_int_equal(ex->delivery.timeout, def->delivery.timeout);
	assert_int_equal(ex->delivery.max_attempts,
	    def->delivery.max_attempts);
	assert_int_equal(ex->delivery.backoff_base,
	    def->delivery.backoff_base);
	assert_int_equal(ex->delivery.backoff_max, def->delivery.backoff_max);
	assert_int_equal(ex->delivery.fallback, def->delivery.fallback);
	assert_int_equal(ex->delivery.lookup_after,
	    def->delivery.lookup_after);

	/* default_plan = "none": only the two kinds get reminders. */
	assert_int_equal(ex->nmilestones, 0);
	assert_null(config_plan(ex, "laser", &n, &own));
	assert_int_equal(n, 0);
	assert_false(own);
	assert_int_equal(ex->nplans, 2);
	assert_string_equal(ex->plans[0].kind, "chemical_peel");
	assert_string_equal(ex->plans[1].kind, "microneedling");

	mn = config_plan(ex, "microneedling", &n, &own);
	assert_true(own);
	assert_int_equal(n, 4);
	assert_string_equal(mn[0].name, "pre3d");
	assert_int_equal(mn[0].after, -3 * 86400);
	assert_true(mn[0].calendar);
	assert_int_equal(mn[0].valid_for, 2 * 86400);
	assert_string_equal(mn[0].template, "pre3d");
	assert_int_equal(def->nmilestones, 3);
	for (i = 0; i < def->nmilestones; i++) {
		m = &mn[i + 1];
		d = &def->milestones[i];
		assert_string_equal(m->name, d->name);
		assert_int_equal(m->after, d->after);
		assert_int_equal(m->calendar, d->calendar);
		assert_int_equal(m->valid_for, d->valid_for);
		assert_string_equal(m->template, d->template);
		assert_string_equal(m->sms, d->sms);
		assert_string_equal(m->subject, d->subject);
		assert_string_equal(m->email, d->email);
		assert_null(m->html);
	}
	for (i = 0; i < n; i++) {
		m = &mn[i];
		assert_int_equal(m->channels, CHANNEL_BIT(CHANNEL_SMS));
		assert_non_null(m->subject);
		assert_non_null(m->email);
		assert_int_equal(m->nlangs, 1);
		assert_string_equal(m->langs[0].lang, "es");
		assert_non_null(m->langs[0].sms);
		assert_non_null(m->langs[0].subject);
		assert_non_null(m->langs[0].email);
		assert_null(m->langs[0].html);
	}

	pe = config_plan(ex, "chemical_peel", &n, &own);
	assert_true(own);
	assert_int_equal(n, 3);
	assert_string_equal(pe[0].name, "24h");
	assert_string_equal(pe[1].name, "3d");
	assert_string_equal(pe[2].name, "1w");
	for (i = 0; i < n; i++) {
		assert_int_equal(pe[i].channels, CHANNEL_BIT(CHANNEL_SMS));
		assert_non_null(pe[i].sms);
		assert_non_null(pe[i].subject);
		assert_non_null(pe[i].email);
		assert_int_equal(pe[i].nlangs, 0);
	}
	assert_ptr_equal(config_milestone(ex, "chemical_peel", "3d"), &pe[1]);
	assert_null(config_milestone(ex, "microneedling", "3d"));
	config_free(ex);
	config_free(def);

	/* Without CONFIG_NO_SECRETS it wants the (absent) token file. */
	ex = config_load(EXAMPLE, 0, err, sizeof(err));
	assert_null(ex);
	assert_non_null(strstr(err, EXAMPLE ":"));
	assert_non_null(strstr(err, ": auth_token_file \""));
}

/*
 * The example's inbound section, commented out, loads once uncommented,
 * and so do its commented defaults, which are the defaults.
 */
static void
test_example_inbound(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	struct buf	 b;
	FILE		*f;
	char		 err[512], line[512];
	const char	*p;
	size_t		 i;
	int		 pass;
	bool		 in, email;

	for (pass = 0; pass < 2; pass++) {
		assert_non_null(f = fopen(EXAMPLE, "r"));
		buf_init(&b);
		in = email = false;
		while (fgets(line, sizeof(line), f) != NULL) {
			p = line;
			if (strncmp(line, "#inbound = {", 12) == 0)
				in = true;
			/* escalate_to needs the email section: as it stands */
			if (strncmp(line, "#email = {", 10) == 0)
				email = true;
			if ((in || email) && *p == '#') {
				p++;
				/*
				 * The second pass takes the defaults too (the
				 * SendGrid key needs its file).
				 */
				if (pass == 1 && in && p[0] == '\t' &&
				    p[1] == '#' && p[2] != ' ' &&
				    strstr(p, "sendgrid_key") == NULL)
					p += 2;
			}
			if (strcmp(line, "#};\n") == 0)
				in = email = false;
			buf_puts(&b, p);
		}
		(void)fclose(f);
		write_file(fx->path, b.data);
		buf_clear(&b);
		cfg = config_load(fx->path, CONFIG_NO_SECRETS, err, sizeof(err));
		if (cfg == NULL)
			fail_msg("pass %d: %s", pass, err);
		assert_true(cfg->inbound.enabled);
		assert_string_equal(cfg->inbound.listen, "127.0.0.1:8025");
		assert_string_equal(cfg->inbound.public_url,
		    "https://clinic.example.com/aftercare");
		assert_int_equal(cfg->inbound.nescalate_to, 1);
		for (i = 0; keyword_urgent_default[i] != NULL; i++)
			assert_string_equal(cfg->inbound.urgent_words[i],
			    keyword_urgent_default[i]);
		assert_int_equal(cfg->inbound.nurgent_words, i);
		assert_false(cfg->inbound.acknowledge);
		assert_int_equal(cfg->inbound.max_connections, 32);
		assert_int_equal(cfg->inbound.timeout, 10);
		config_free(cfg);
	}
}

/* Checks one SMS text at its longest: GSM-7, within 2 segments. */
static void
check_sms(const char *what, const char *lang, const char *tmpl,
    const struct template_vars *vars, size_t maxunits)
{
	struct sms_info	 info;
	char		*text;

	text = template_render(tmpl, vars);
	template_sms_info(text, &info);
	print_message("%s%s%s: %zu septets, %zu segment(s)\n", what,
	    lang != NULL ? " " : "", lang != NULL ? lang : "", info.units,
	    info.segments);
	assert_int_equal(info.encoding, SMS_GSM7);
	assert_true(info.segments <= 2);
	assert_true(info.units <= maxunits);
	assert_null(strchr(text, '{'));
	free(text);
}

/*
 * Each built-in text, and each of the example's in every language, at
 * its longest, is GSM-7 in at most 2 segments; the built-in ones also
 * with a 25-character clinic name, with room to spare.
 */
static void
test_default_sms_length(void **state)
{
	struct fixture		*fx = *state;
	struct config		*cfg;
	const struct milestone	*m;
	struct template_vars	 vars;
	char			 err[512], *text;
	size_t			 i, j, k;

	assert_int_equal(strlen(LONG_NAME), 20);
	memset(&vars, 0, sizeof(vars));
	vars.first_name = LONG_NAME;
	vars.clinic_phone = "+1 555 0100";
	vars.treatment = "microneedling";
	vars.treatment_date = "Wednesday 30 September";

	cfg = load_text(fx, CLINIC TWILIO, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	for (i = 0; i < cfg->nmilestones; i++) {
		m = &cfg->milestones[i];
		vars.clinic_name = cfg->clinic_name;
		check_sms(m->template, NULL, m->sms, &vars, 306);
		vars.clinic_name = "Riverside Skin Clinic Ltd";
		check_sms(m->template, NULL, m->sms, &vars, 260);
	}
	config_free(cfg);

	cfg = config_load(EXAMPLE, CONFIG_NO_SECRETS, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	for (k = 0; k < cfg->nplans; k++) {
		vars.treatment = strcmp(cfg->plans[k].kind, "chemical_peel") ==
		    0 ? "chemical peel" : cfg->plans[k].kind;
		for (i = 0; i < cfg->plans[k].nmilestones; i++) {
			m = &cfg->plans[k].milestones[i];
			vars.clinic_name = cfg->clinic_name;
			check_sms(m->template, NULL, m->sms, &vars, 306);
			for (j = 0; j < m->nlangs; j++)
				check_sms(m->template, m->langs[j].lang,
				    m->langs[j].sms, &vars, 306);
			vars.clinic_name = "Riverside Skin Clinic Ltd";
			check_sms(m->template, NULL, m->sms, &vars, 306);
			for (j = 0; j < m->nlangs; j++)
				check_sms(m->template, m->langs[j].lang,
				    m->langs[j].sms, &vars, 306);

			/* Every email text renders whole, too. */
			text = template_render(m->email, &vars);
			assert_null(strchr(text, '{'));
			free(text);
			for (j = 0; j < m->nlangs; j++) {
				text = template_render(m->langs[j].email,
				    &vars);
				assert_null(strchr(text, '{'));
				free(text);
			}
		}
	}
	config_free(cfg);
}

/*
 * Drops the warnings about values still the example's from a log: the
 * tests' values are all fictional, so every load warns of them.  Returns
 * how many lines it dropped.
 */
static size_t
strip_placeholders(char *log)
{
	char	*line = log, *nl, *out = log;
	size_t	 n = 0, len;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line);
		if (strstr(line, "a fictional number") != NULL &&
		    strstr(line, "a fictional number") < line + len)
			n++;
		else if (strstr(line, "reserved for documentation") != NULL &&
		    strstr(line, "reserved for documentation") < line + len)
			n++;
		else if (strstr(line, "a placeholder:") != NULL &&
		    strstr(line, "a placeholder:") < line + len)
			n++;
		else {
			memmove(out, line, len);
			out += len;
		}
		line += len;
	}
	*out = '\0';
	return n;
}

/*
 * Loads text (or the example, when text is NULL) with warnings on, and
 * returns what was logged, without the placeholder warnings unless
 * fx->placeholders; caller frees.
 */
static char *
load_logged(struct fixture *fx, const char *text, int flags,
    struct config **cfgp, char *err, size_t errlen)
{
	if (text != NULL)
		write_file(fx->path, text);
	return load_file_logged(fx, text != NULL ? fx->path : EXAMPLE, flags,
	    cfgp, err, errlen);
}

/*
 * Loads text (or, if is_file, the file it names) and fails unless it
 * loads with nothing logged.
 */
static void
quiet_load(struct fixture *fx, const char *text, bool is_file, int flags)
{
	struct config	*cfg;
	char		 err[512], *log;

	log = is_file ? load_file_logged(fx, text, flags, &cfg, err,
	    sizeof(err)) : load_logged(fx, text, flags, &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(log, "");
	free(log);
	config_free(cfg);
}

/* As load_logged(), for the file at path. */
static char *
load_file_logged(struct fixture *fx, const char *file, int flags,
    struct config **cfgp, char *err, size_t errlen)
{
	char	 path[192], *out;
	FILE	*f;
	long	 len;
	int	 fd, saved;

	(void)snprintf(path, sizeof(path), "%s/stderr", fx->dir);
	(void)fflush(stderr);
	saved = dup(2);
	assert_true(saved != -1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_true(dup2(fd, 2) != -1);
	(void)close(fd);
	log_setpriority(LOG_PRI_WARNING);
	*cfgp = config_load(file, flags, err, errlen);
	(void)fflush(stderr);
	log_setpriority(LOG_PRI_ERR);
	assert_true(dup2(saved, 2) != -1);
	(void)close(saved);

	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	out = xcalloc(1, (size_t)len + 1);
	assert_int_equal(fread(out, 1, (size_t)len, f), (size_t)len);
	(void)fclose(f);
	if (!fx->placeholders)
		(void)strip_placeholders(out);
	return out;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* Load-time warnings: texts too long for sms.segment_limit, clear text. */
static void
test_warnings(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], *log, *want;

	/* The example is quiet, but for its placeholders (test_placeholders). */
	quiet_load(fx, EXAMPLE, true, CONFIG_NO_SECRETS);

	/* A translation too long, once, where it is. */
	log = load_logged(fx, CLINIC TWILIO "templates = {\n  day1 = {\n"
	    "    sms = \"Hi\";\n    es = {\n      sms = \"{first_name} "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4567890123456789012345678901234567890123456789012345678901234567"
	    "8901234567890123456789012345678901234567890123456789012345678901"
	    "2345678901234567890123456789012345678901234567890123456789012345"
	    "6789012345678901234567890123456789012345678901234567890123456789"
	    "\";\n    };\n  };\n};\n" MICRO
	    "default_plan = \"microneedling\";\n",
	    0, &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	want = xasprintf("%s:7: warning: template \"day1\" (es) takes 3 SMS "
	    "(341 GSM-7 septets) with a 20-character first name; keep it to 2",
	    fx->path);
	assert_non_null(strstr(log, want));
	assert_int_equal(count(log, "warning:"), 1);
	free(want);
	free(log);
	config_free(cfg);

	/* segment_limit: each template once, however many plans use it. */
	log = load_logged(fx, CLINIC SMS_HEAD "  segment_limit = 1;\n" SMS_TAIL
	    "plans = { a = ( { name = \"x\"; after = \"2d\"; "
	    "template = \"day1\"; } ); b = ( { name = \"x\"; after = \"2d\"; "
	    "template = \"day1\"; } ); };\n", 0, &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(count(log, "template \"day1\" takes 2 SMS"), 1);
	assert_int_equal(count(log, "template \"week1\" takes 2 SMS"), 1);
	assert_int_equal(count(log, "keep it to 1"), 3);
	free(log);
	config_free(cfg);

	/* A text that goes only by email is not an SMS. */
	quiet_load(fx, CLINIC SMS_HEAD "  segment_limit = 1;\n" SMS_TAIL
	    SENDGRID "milestones = ( { name = \"a\"; after = \"1d\"; "
	    "template = \"day1\"; channels = [ \"email\" ]; } );\n", false, 0);

	/* Plain http: only a host that is this machine goes unwarned. */
	{
		static const struct {
			const char	*url;
			int		 warnings;
		} hosts[] = {
			{ "http://127.0.0.1:8080/hook", 0 },
			{ "http://localhost/hook", 0 },
			{ "http://[::1]:8080/hook", 0 },
			{ "http://localhost.example.com/hook", 1 },
			{ "http://127.example.com/hook", 1 },
			{ "http://sms.example.com/hook", 1 },
		};
		size_t	i;
		char	text[512];

		for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
			snprintf(text, sizeof(text), CLINIC "sms = { provider "
			    "= \"webhook\"; url = \"%s\"; };\n", hosts[i].url);
			log = load_logged(fx, text, 0, &cfg, err, sizeof(err));
			if (cfg == NULL)
				fail_msg("%s", err);
			if (count(log, "url is plain http") !=
			    (size_t)hosts[i].warnings)
				fail_msg("%s: \"%s\"", hosts[i].url, log);
			free(log);
			config_free(cfg);
		}
	}

	/* SMTP without STARTTLS: warned about, unless it stays here. */
	log = load_logged(fx, CLINIC TWILIO "email = {\n"
	    "  provider = \"smtp\";\n  url = \"smtp://mail.example.com\";\n"
	    "  username = \"care\";\n"
	    "  password = \"" PASS "\";\n  starttls = false;\n" FROM_TAIL, 0,
	    &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	want = xasprintf("%s:8: warning: starttls = false: mail, and the SMTP "
	    "password, crosses the network in clear text", fx->path);
	assert_non_null(strstr(log, want));
	assert_int_equal(count(log, "warning:"), 1);
	assert_null(strstr(log, PASS));
	assert_false(cfg->email.starttls);
	free(want);
	free(log);
	config_free(cfg);

	quiet_load(fx, CLINIC TWILIO "email = { provider = \"smtp\"; "
	    "url = \"smtp://127.0.0.1:2525\"; starttls = false; "
	    "from = \"care@clinic.example.com\"; };\n", false, 0);
}

/* The line of the first line of file that starts with prefix, or 0. */
static int
line_of(const char *file, const char *prefix)
{
	FILE	*f;
	char	 buf[512];
	int	 n = 0, found = 0;

	f = fopen(file, "r");
	assert_non_null(f);
	while (found == 0 && fgets(buf, sizeof(buf), f) != NULL) {
		n++;
		if (strncmp(buf, prefix, strlen(prefix)) == 0)
			found = n;
	}
	(void)fclose(f);
	return found;
}

/*
 * Values still the example's, or at hosts kept for documentation, load
 * with a warning each, once, at their line, quoting neither number nor
 * address; aftercarectl (CONFIG_NO_SECRETS) is not told.
 */
static void
test_placeholders(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	FILE		*in;
	char		 err[512], buf[4096], tok[160], *log, *want;
	size_t		 n, i;

	/* The example as it is, next to a token file, as aftercared sees it. */
	in = fopen(EXAMPLE, "r");
	assert_non_null(in);
	{
		FILE	*out = fopen(fx->path, "w");

		assert_non_null(out);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			assert_int_equal(fwrite(buf, 1, n, out), n);
		assert_int_equal(fclose(out), 0);
	}
	(void)fclose(in);
	(void)snprintf(tok, sizeof(tok), "%s/twilio.token", fx->dir);
	write_file(tok, TOKEN "\n");
	assert_int_equal(chmod(tok, 0600), 0);
	fx->placeholders = true;

	log = load_file_logged(fx, fx->path, 0, &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	config_free(cfg);
	want = xasprintf("%s:%d: warning: account_sid is all zeros, "
	    "a placeholder: put in your Account SID from the Twilio Console\n",
	    fx->path, line_of(fx->path, "\taccount_sid = \"AC000"));
	assert_non_null(strstr(log, want));
	free(want);
	want = xasprintf("%s:%d: warning: from is a fictional number "
	    "(555-01xx): put in the number or sender id Twilio gave you\n",
	    fx->path, line_of(fx->path, "\tfrom = \"+15550100\""));
	assert_non_null(strstr(log, want));
	free(want);
	want = xasprintf("%s:%d: warning: clinic phone is a fictional number "
	    "(555-01xx): patients are told to call it\n",
	    fx->path, line_of(fx->path, "\tphone = \"+1 555 0100\""));
	assert_non_null(strstr(log, want));
	free(want);
	assert_int_equal(count(log, "warning:"), 3);
	assert_null(strstr(log, "5550100"));
	assert_null(strstr(log, "555 0100"));
	free(log);

	/* aftercarectl loads the same file quietly */
	quiet_load(fx, fx->path, true, CONFIG_NO_SECRETS);

	/* Hosts and addresses reserved for documentation, each at its line. */
	log = load_logged(fx, "clinic = { name = \"C\"; phone = "
	    "\"Front desk\"; };\n"
	    "sms = { provider = \"webhook\"; "
	    "url = \"https://sms.example.com/send\"; };\n"
	    "email = {\n  provider = \"smtp\";\n"
	    "  url = \"smtp://mail.example.net:587\";\n"
	    "  from = \"care@clinic.example.org\";\n"
	    "  unsubscribe = \"mailto:stop@x.test?subject=stop\";\n};\n",
	    0, &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	config_free(cfg);
	{
		static const struct {
			int		 line;
			const char	*what;
		} want_lines[] = {
			{ 2, "url is at a host reserved for documentation" },
			{ 5, "url is at a host reserved for documentation" },
			{ 6, "from is at a domain reserved for documentation" },
			{ 7, "unsubscribe is at a host reserved for "
			    "documentation" },
		};

		n = sizeof(want_lines) / sizeof(want_lines[0]);
		for (i = 0; i < n; i++) {
			want = xasprintf("%s:%d: warning: %s", fx->path,
			    want_lines[i].line, want_lines[i].what);
			if (strstr(log, want) == NULL)
				fail_msg("row %zu: no \"%s\" in: %s", i, want,
				    log);
			free(want);
		}
		assert_int_equal(count(log, "warning:"), n);
	}
	assert_null(strstr(log, "care@"));
	free(log);

	/* Real-looking values, and names that only look alike, are not. */
	quiet_load(fx, "clinic = { name = \"C\"; phone = "
	    "\"Front desk\"; };\n"
	    "sms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token = \"" TOKEN "\"; from = \"Riverside\"; "
	    "url = \"https://api.example.com.localhost\"; };\n"
	    "email = { provider = \"sendgrid\"; api_key = \"" KEY "\"; "
	    "from = \"care@notexample.com\"; "
	    "unsubscribe = \"https://mycontest/stop\"; };\n", false, 0);

	/* The fiction range in the ways it is written, and only it. */
	{
		static const struct {
			const char	*phone;
			bool		 warned;
		} phones[] = {
			{ "+1 555 0100", true },
			{ "+15550199", true },
			{ "555-0142", true },
			{ "(212) 555-0101", true },
			{ "+1 212 555 0199", true },
			{ "+1.212.555.0150", true },
			{ "+1 555 0100 ext 2", false },	/* not only a number */
			{ "+1 212 555 01", false },	/* too short */
			{ "+1 212 555 01000", false },	/* too long */
		};
		char	text[512];

		for (i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
			(void)snprintf(text, sizeof(text), "clinic = { name = "
			    "\"C\"; phone = \"%s\"; };\n" WEBHOOK,
			    phones[i].phone);
			log = load_logged(fx, text, 0, &cfg, err, sizeof(err));
			if (cfg == NULL)
				fail_msg("%s", err);
			if (count(log, "clinic phone is a fictional number") !=
			    (phones[i].warned ? 1u : 0u))
				fail_msg("row %zu (%s): %s", i, phones[i].phone,
				    log);
			free(log);
			config_free(cfg);
		}
	}
}

/*
 * Plans per kind: sorted by kind, each by `after`; the default plan a
 * copy of the one default_plan names.
 */
static void
test_plans(void **state)
{
	static const struct {
		const char	*kind;
		size_t		 n;
		bool		 own;
		const char	*first;
	} plans[] = {
		{ "microneedling", 3, true, "pre" },
		{ "chemical_peel", 1, true, "24h" },
		{ "tattoo", 0, true, NULL },
		{ "Microneedling", 3, false, "pre" },	/* case counts */
		{ "laser", 3, false, "pre" },
		{ "", 3, false, "pre" },
		{ NULL, 3, false, "pre" },
	}, none_rows[] = {
		{ "microneedling", 1, true, "24h" },
		{ "laser", 0, false, NULL },
		{ NULL, 0, false, NULL },
	};
	struct fixture		*fx = *state;
	struct config		*cfg;
	const struct milestone	*ms, *m;
	char			 err[512], *fp;
	size_t			 i, n;
	bool			 own;

	cfg = load_text(fx, CLINIC TWILIO "plans = {\n"
	    "  microneedling = (\n"
	    "    { name = \"2w\"; after = \"14d\"; template = \"week2\"; },\n"
	    "    { name = \"pre\"; after = \"-3d\"; template = \"day1\"; },\n"
	    "    { name = \"24h\"; after = \"24h\"; template = \"day1\"; }\n"
	    "  );\n"
	    "  chemical_peel = ( { name = \"24h\"; after = \"1d\"; "
	    "template = \"week1\"; valid_for = \"12h\"; } );\n"
	    "  tattoo = ( );\n"
	    "};\n"
	    "default_plan = \"microneedling\";\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->nplans, 3);
	assert_string_equal(cfg->plans[0].kind, "chemical_peel");
	assert_string_equal(cfg->plans[1].kind, "microneedling");
	assert_string_equal(cfg->plans[2].kind, "tattoo");
	assert_int_equal(cfg->plans[2].nmilestones, 0);

	for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		own = !plans[i].own;
		ms = config_plan(cfg, plans[i].kind, &n, &own);
		if (n != plans[i].n || own != plans[i].own)
			fail_msg("row %zu (%s): n %zu own %d", i,
			    plans[i].kind ? plans[i].kind : "NULL", n, own);
		if (plans[i].first != NULL)
			assert_string_equal(ms[0].name, plans[i].first);
		if (!plans[i].own)
			assert_ptr_equal(ms, cfg->milestones);
		ms = config_plan(cfg, plans[i].kind, &n, NULL);
		assert_int_equal(n, plans[i].n);
	}

	/* A deep copy, sorted, with the same windows. */
	ms = config_plan(cfg, "microneedling", &n, NULL);
	assert_int_equal(cfg->nmilestones, 3);
	assert_ptr_not_equal(ms, cfg->milestones);
	for (i = 0; i < n; i++) {
		assert_ptr_not_equal(ms[i].name, cfg->milestones[i].name);
		assert_string_equal(ms[i].name, cfg->milestones[i].name);
		assert_string_equal(ms[i].sms, cfg->milestones[i].sms);
		assert_string_equal(ms[i].email, cfg->milestones[i].email);
		assert_int_equal(ms[i].after, cfg->milestones[i].after);
		assert_int_equal(ms[i].valid_for, cfg->milestones[i].valid_for);
		assert_int_equal(ms[i].channels, cfg->milestones[i].channels);
	}
	assert_int_equal(ms[0].after, -3 * 86400);
	assert_int_equal(ms[0].valid_for, 3 * 86400);

	m = config_milestone(cfg, "chemical_peel", "24h");
	assert_non_null(m);
	assert_string_equal(m->template, "week1");
	assert_int_equal(m->valid_for, 12 * 3600);
	m = config_milestone(cfg, "microneedling", "24h");
	assert_string_equal(m->template, "day1");
	assert_ptr_equal(config_milestone(cfg, "laser", "2w"),
	    &cfg->milestones[2]);
	assert_ptr_equal(config_milestone(cfg, NULL, "pre"),
	    &cfg->milestones[0]);
	assert_null(config_milestone(cfg, "tattoo", "24h"));
	assert_null(config_milestone(cfg, "chemical_peel", "pre"));

	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp, "pre:-259200d:259200;24h:86400:259200;"
	    "2w:1209600d:259200|UTC|1200-540|chemical_peel=24h:86400d:43200|"
	    "microneedling=pre:-259200d:259200;24h:86400:259200;"
	    "2w:1209600d:259200|tattoo=");
	free(fp);
	config_free(cfg);

	/* default_plan = "none": kinds without a plan get nothing. */
	cfg = load_text(fx, CLINIC TWILIO MICRO "default_plan = \"none\";\n", 0,
	    err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(none_rows) / sizeof(none_rows[0]); i++) {
		ms = config_plan(cfg, none_rows[i].kind, &n, &own);
		if (n != none_rows[i].n || own != none_rows[i].own)
			fail_msg("none row %zu: n %zu own %d", i, n, own);
		if (n > 0)
			assert_string_equal(ms[0].name, none_rows[i].first);
	}
	assert_null(config_milestone(cfg, "laser", "24h"));
	assert_null(config_milestone(cfg, NULL, "24h"));
	assert_non_null(config_milestone(cfg, "microneedling", "24h"));
	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp, "|UTC|1200-540|microneedling=24h:86400:259200");
	free(fp);
	config_free(cfg);
}

/* Default channels: configured and with a text; explicit ones as given. */
static void
test_channels(void **state)
{
	static const struct {
		const char	*name;
		int		 ok;
		enum channel	 ch;
	} names[] = {
		{ "sms", 0, CHANNEL_SMS },
		{ "email", 0, CHANNEL_EMAIL },
		{ "SMS", -1, CHANNEL_SMS },
		{ "Email", -1, CHANNEL_SMS },
		{ "", -1, CHANNEL_SMS },
		{ "sms ", -1, CHANNEL_SMS },
		{ "e-mail", -1, CHANNEL_SMS },
		{ "fax", -1, CHANNEL_SMS },
	};
	struct fixture		*fx = *state;
	struct config		*cfg;
	enum channel		 ch;
	char			 err[512], *fp;
	size_t			 i;
	const unsigned		 both = CHANNEL_BIT(CHANNEL_SMS) |
				    CHANNEL_BIT(CHANNEL_EMAIL);

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ch = CHANNEL__COUNT;
		if (config_channel_parse(names[i].name, &ch) != names[i].ok)
			fail_msg("row %zu: \"%s\"", i, names[i].name);
		if (names[i].ok == 0) {
			assert_int_equal(ch, names[i].ch);
			assert_string_equal(config_channel_name(ch),
			    names[i].name);
		} else
			assert_int_equal(ch, CHANNEL__COUNT);
	}
	assert_string_equal(config_channel_name(CHANNEL_SMS), "sms");
	assert_string_equal(config_channel_name(CHANNEL_EMAIL), "email");

	/* With an email section the built-in plan goes both ways. */
	cfg = load_text(fx, CLINIC TWILIO SENDGRID, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->nmilestones, 3);
	for (i = 0; i < cfg->nmilestones; i++)
		assert_int_equal(cfg->milestones[i].channels, both);
	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp, "24h:86400:259200@sms+email;"
	    "1w:604800d:259200@sms+email;2w:1209600d:259200@sms+email|UTC|"
	    "1200-540");
	free(fp);
	config_free(cfg);

	cfg = load_text(fx, CLINIC TWILIO SMTP "templates = {\n"
	    "  s = { sms = \"Hi\"; };\n"
	    "  m = { subject = \"S\"; email = \"B\"; };\n"
	    "};\n"
	    "milestones = (\n"
	    "  { name = \"a\"; after = \"1d\"; template = \"s\"; },\n"
	    "  { name = \"b\"; after = \"2d\"; template = \"m\"; },\n"
	    "  { name = \"c\"; after = \"3d\"; template = \"day1\";\n"
	    "    channels = [ \"email\" ]; },\n"
	    "  { name = \"d\"; after = \"4d\"; template = \"day1\"; },\n"
	    "  { name = \"e\"; after = \"5d\"; template = \"day1\";\n"
	    "    channels = ( \"email\", \"sms\" ); }\n"
	    ");\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->nmilestones, 5);
	assert_int_equal(cfg->milestones[0].channels, CHANNEL_BIT(CHANNEL_SMS));
	assert_int_equal(cfg->milestones[1].channels,
	    CHANNEL_BIT(CHANNEL_EMAIL));
	assert_null(cfg->milestones[1].sms);
	assert_int_equal(cfg->milestones[2].channels,
	    CHANNEL_BIT(CHANNEL_EMAIL));
	assert_int_equal(cfg->milestones[3].channels, both);
	assert_int_equal(cfg->milestones[4].channels, both);
	fp = config_plan_fingerprint(cfg);
	assert_string_equal(fp, "a:86400d:86400;b:172800d:86400@email;"
	    "c:259200d:86400@email;d:345600d:86400@sms+email;"
	    "e:432000d:259200@sms+email|UTC|1200-540");
	free(fp);
	config_free(cfg);
}

/* config_texts(): the patient's language, its primary tag, or the default. */
static void
test_texts(void **state)
{
	static const struct {
		enum channel	 ch;
		const char	*lang;
		const char	*want_lang;	/* NULL: the default */
		const char	*want;		/* sms, or subject */
		const char	*want_html;
	} cases[] = {
		{ CHANNEL_SMS, NULL, NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "en", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "es", "es", "ES sms", NULL },
		{ CHANNEL_SMS, "ES", "es", "ES sms", NULL },
		{ CHANNEL_SMS, "es-MX", "es", "ES sms", NULL },
		{ CHANNEL_SMS, "ES-mx", "es", "ES sms", NULL },
		{ CHANNEL_SMS, "es_MX", "es", "ES sms", NULL },
		{ CHANNEL_SMS, "pt-BR", "pt-br", "PTBR sms", NULL },
		{ CHANNEL_SMS, "pt-br", "pt-br", "PTBR sms", NULL },
		{ CHANNEL_SMS, "pt", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "pt-PT", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "fr", NULL, "EN sms", NULL },	/* no sms */
		{ CHANNEL_SMS, "fr-CA", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "de", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "-", NULL, "EN sms", NULL },
		{ CHANNEL_SMS, "e", NULL, "EN sms", NULL },
		{ CHANNEL_EMAIL, NULL, NULL, "EN subj", "<p>EN</p>" },
		{ CHANNEL_EMAIL, "", NULL, "EN subj", "<p>EN</p>" },
		{ CHANNEL_EMAIL, "fr", "fr", "FR subj", "<p>FR</p>" },
		{ CHANNEL_EMAIL, "FR-ca", "fr", "FR subj", "<p>FR</p>" },
		{ CHANNEL_EMAIL, "es", "es", "ES subj", NULL },	/* no html */
		{ CHANNEL_EMAIL, "es-419", "es", "ES subj", NULL },
		{ CHANNEL_EMAIL, "pt-BR", NULL, "EN subj", "<p>EN</p>" },
		{ CHANNEL_EMAIL, "de-DE", NULL, "EN subj", "<p>EN</p>" },
	};
	struct fixture		*fx = *state;
	struct config		*cfg;
	const struct milestone	*m;
	struct milestone_texts	 t;
	const char		*want;
	char			 err[512];
	size_t			 i;
	int			 bad = 0;

	cfg = load_text(fx, CLINIC TWILIO SENDGRID "templates = { t = {\n"
	    "  sms = \"EN sms\"; subject = \"EN subj\"; email = \"EN body\";\n"
	    "  html = \"<p>EN</p>\";\n"
	    "  es = { sms = \"ES sms\"; subject = \"ES subj\"; "
	    "email = \"ES body\"; };\n"
	    "  pt-BR = { sms = \"PTBR sms\"; };\n"
	    "  fr = { subject = \"FR subj\"; email = \"FR body\"; "
	    "html = \"<p>FR</p>\"; };\n"
	    "}; };\n"
	    "milestones = ( { name = \"a\"; after = \"1d\"; "
	    "template = \"t\"; } );\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	m = config_milestone(cfg, NULL, "a");
	assert_non_null(m);
	assert_int_equal(m->nlangs, 3);
	assert_string_equal(m->langs[0].lang, "es");
	assert_string_equal(m->langs[1].lang, "pt-br");
	assert_string_equal(m->langs[2].lang, "fr");
	assert_null(m->langs[1].email);
	assert_null(m->langs[2].sms);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&t, 0xa5, sizeof(t));
		config_texts(m, cases[i].ch, cases[i].lang, &t);
		want = cases[i].want_lang;
		if ((want == NULL) != (t.lang == NULL) ||
		    (t.lang != NULL && strcmp(t.lang, want) != 0)) {
			print_error("row %zu: lang %s\n", i,
			    t.lang ? t.lang : "NULL");
			bad++;
			continue;
		}
		if (cases[i].ch == CHANNEL_SMS) {
			if (t.sms == NULL ||
			    strcmp(t.sms, cases[i].want) != 0 ||
			    t.subject != NULL || t.email != NULL ||
			    t.html != NULL) {
				print_error("row %zu: sms %s\n", i,
				    t.sms ? t.sms : "NULL");
				bad++;
			}
			continue;
		}
		want = cases[i].want_html;
		if (t.subject == NULL ||
		    strcmp(t.subject, cases[i].want) != 0 || t.email == NULL ||
		    t.sms != NULL || (want == NULL) != (t.html == NULL) ||
		    (t.html != NULL && strcmp(t.html, want) != 0)) {
			print_error("row %zu: subject %s\n", i,
			    t.subject ? t.subject : "NULL");
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	/* The default language's tag is stored in lower case. */
	config_free(cfg);
	cfg = load_text(fx, "language = \"pt-BR\";\n" CLINIC TWILIO, 0, err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->language, "pt-br");
	config_free(cfg);
}

/* The email section: defaults, secrets, both providers. */
static void
test_email(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], path[192], creds[192];

	cfg = load_text(fx, CLINIC TWILIO SENDGRID, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->email.provider, EMAIL_PROVIDER_SENDGRID);
	assert_string_equal(cfg->email.url, "https://api.sendgrid.com");
	assert_string_equal(cfg->email.api_key, KEY);
	assert_null(cfg->email.username);
	assert_null(cfg->email.password);
	assert_false(cfg->email.starttls);
	assert_string_equal(cfg->email.from, "care@clinic.example.com");
	assert_string_equal(cfg->email.from_name, "Riverside Skin Clinic");
	assert_string_equal(cfg->email.unsubscribe,
	    "mailto:care@clinic.example.com?subject=unsubscribe");
	assert_null(cfg->email.ca_file);
	config_free(cfg);

	cfg = load_text(fx, CLINIC TWILIO SENDGRID, CONFIG_NO_SECRETS, err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_null(cfg->email.api_key);
	config_free(cfg);

	/* A key file: from $CREDENTIALS_DIRECTORY first, else beside. */
	(void)snprintf(path, sizeof(path), "%s/sendgrid.key", fx->dir);
	write_file(path, "beside\n");
	assert_int_equal(chmod(path, 0600), 0);
	(void)snprintf(creds, sizeof(creds), "%s/creds", fx->dir);
	assert_int_equal(mkdir(creds, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/creds/sendgrid.key", fx->dir);
	write_file(path, KEY "\n");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", creds, 1), 0);
	cfg = load_text(fx, CLINIC TWILIO "email = { provider = \"sendgrid\"; "
	    "url = \"https://sendgrid.example.com/\"; api_key_file = "
	    "\"sendgrid.key\"; from = \"care@clinic.example.com\"; "
	    "from_name = \"Riverside Care\"; unsubscribe = "
	    "\"https://clinic.example.com/unsubscribe\"; };\n", 0, err,
	    sizeof(err));
	assert_int_equal(unsetenv("CREDENTIALS_DIRECTORY"), 0);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->email.api_key, KEY);
	assert_string_equal(cfg->email.url, "https://sendgrid.example.com/");
	assert_string_equal(cfg->email.from_name, "Riverside Care");
	assert_string_equal(cfg->email.unsubscribe,
	    "https://clinic.example.com/unsubscribe");
	config_free(cfg);
	cfg = load_text(fx, CLINIC TWILIO "email = { provider = \"sendgrid\"; "
	    "api_key_file = \"sendgrid.key\"; from = \"a@b.example\"; };\n", 0,
	    err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->email.api_key, "beside");
	config_free(cfg);

	/* SMTP: STARTTLS by default; smtps:// needs none; login from file. */
	cfg = load_text(fx, CLINIC TWILIO SMTP, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->email.provider, EMAIL_PROVIDER_SMTP);
	assert_string_equal(cfg->email.url, "smtp://mail.example.com:587");
	assert_true(cfg->email.starttls);
	assert_null(cfg->email.api_key);
	assert_null(cfg->email.username);
	assert_null(cfg->email.password);
	config_free(cfg);

	(void)snprintf(path, sizeof(path), "%s/smtp.password", fx->dir);
	write_file(path, PASS "\n");
	assert_int_equal(chmod(path, 0600), 0);
	(void)snprintf(path, sizeof(path), "%s/ca.pem", fx->dir);
	write_file(path, "not checked here\n");
	cfg = load_text(fx, CLINIC TWILIO "email = { provider = \"smtp\"; "
	    "url = \"smtps://mail.example.com\"; username = "
	    "\"care@clinic.example.com\"; password_file = \"smtp.password\"; "
	    "from = \"care@clinic.example.com\"; ca_file = \"ca.pem\"; };\n",
	    0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_false(cfg->email.starttls);
	assert_string_equal(cfg->email.username, "care@clinic.example.com");
	assert_string_equal(cfg->email.password, PASS);
	assert_string_equal(cfg->email.ca_file, path);
	config_free(cfg);

	cfg = load_text(fx, CLINIC TWILIO "email = { provider = \"smtp\"; "
	    "url = \"smtps://mail.example.com\"; username = \"care\"; "
	    "password_file = \"smtp.password\"; from = \"a@b.example\"; };\n",
	    CONFIG_NO_SECRETS, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->email.username, "care");
	assert_null(cfg->email.password);
	config_free(cfg);
}

/* Token files: read, newline stripped, errors name the file only. */
static void
test_token_file(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], path[192], *text, *want;

	(void)snprintf(path, sizeof(path), "%s/twilio.token", fx->dir);
	write_file(path, TOKEN "\n");
	assert_int_equal(chmod(path, 0600), 0);
	text = xasprintf(CLINIC "sms = { provider = \"twilio\"; "
	    "account_sid = \"" SID "\"; auth_token_file = \"%s\"; "
	    "from = \"+15550100\"; };\n", path);
	cfg = load_text(fx, text, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->sms.auth_token, TOKEN);
	config_free(cfg);

	/* CONFIG_NO_SECRETS does not read it. */
	cfg = load_text(fx, text, CONFIG_NO_SECRETS, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_null(cfg->sms.auth_token);
	config_free(cfg);
	free(text);

	/* Relative to the config file; CRLF and no newline both work. */
	write_file(path, TOKEN "\r\n");
	assert_int_equal(chmod(path, 0644), 0);	/* warned about, loads */
	cfg = load_text(fx, CLINIC "sms = { provider = \"twilio\"; "
	    "account_sid = \"" SID "\"; auth_token_file = \"twilio.token\"; "
	    "from = \"+15550100\"; };\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->sms.auth_token, TOKEN);
	config_free(cfg);

	/* Webhook bearer token from a file with no newline at all. */
	write_file(path, TOKEN);
	cfg = load_text(fx, CLINIC "sms = { provider = \"webhook\"; "
	    "url = \"https://x.example/sms\"; "
	    "auth_token_file = \"twilio.token\"; };\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->sms.auth_token, TOKEN);
	assert_null(cfg->sms.account_sid);
	config_free(cfg);

	/* Errors: empty, two lines, a directory; never the token itself. */
	write_file(path, "\n");
	cfg = load_text(fx, CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n"
	    "  auth_token_file = \"twilio.token\";\n  from = \"+15550100\";\n"
	    "};\n", 0, err, sizeof(err));
	assert_null(cfg);
	want = xasprintf("%s:5: auth_token_file \"%s\" is empty", fx->path,
	    path);
	assert_string_equal(err, want);
	free(want);

	write_file(path, TOKEN "\n" TOKEN "\n");
	cfg = load_text(fx, CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n"
	    "  auth_token_file = \"twilio.token\";\n  from = \"+15550100\";\n"
	    "};\n", 0, err, sizeof(err));
	assert_null(cfg);
	want = xasprintf("%s:5: auth_token_file \"%s\" must hold one line",
	    fx->path, path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_null(strstr(err, TOKEN));
	free(want);

	cfg = load_text(fx, CLINIC SMS_HEAD "  account_sid = \"" SID "\";\n"
	    "  auth_token_file = \".\";\n  from = \"+15550100\";\n};\n", 0,
	    err, sizeof(err));
	assert_null(cfg);
	want = xasprintf("%s:5: auth_token_file \"%s/.\": Is a directory",
	    fx->path, fx->dir);
	assert_string_equal(err, want);
	free(want);
}

/* Relative paths resolve against the config file's directory. */
/*
 * The inbound section: its defaults, what each value becomes, the key
 * file (PEM, readable by anyone: it is a public key), and the warnings.
 */
static void
test_inbound(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], path[192], *text, *log;
	size_t		 i;

	/* Without the section, nothing of it. */
	cfg = load_text(fx, CLINIC TWILIO, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_false(cfg->inbound.enabled);
	assert_null(cfg->inbound.listen);
	assert_null(cfg->inbound.public_url);
	assert_null(cfg->inbound.urgent_words);
	assert_null(cfg->inbound.acknowledgement);
	config_free(cfg);

	cfg = load_text(fx, CLINIC TWILIO IN_HEAD IN_TAIL, 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(cfg->inbound.enabled);
	assert_string_equal(cfg->inbound.listen, "127.0.0.1:8025");
	assert_string_equal(cfg->inbound.listen_host, "127.0.0.1");
	assert_int_equal(cfg->inbound.listen_port, 8025);
	assert_null(cfg->inbound.listen_path);
	assert_string_equal(cfg->inbound.public_url,
	    "https://clinic.example.com/aftercare");
	assert_int_equal(cfg->inbound.nescalate_to, 0);
	for (i = 0; keyword_urgent_default[i] != NULL; i++)
		assert_string_equal(cfg->inbound.urgent_words[i],
		    keyword_urgent_default[i]);
	assert_int_equal(cfg->inbound.nurgent_words, i);
	assert_true(keyword_urgent("still oozing", 12,
	    (const char *const *)cfg->inbound.urgent_words,
	    cfg->inbound.nurgent_words) >= 0);
	assert_null(cfg->inbound.sendgrid_key);
	assert_false(cfg->inbound.acknowledge);
	assert_non_null(strstr(cfg->inbound.acknowledgement,
	    "{clinic_phone}"));
	assert_int_equal(cfg->inbound.max_connections, 32);
	assert_int_equal(cfg->inbound.timeout, 10);
	config_free(cfg);

	cfg = load_text(fx, CLINIC TWILIO "inbound = {\n"
	    "  listen = \"[::1]:9000\";\n"
	    "  public_url = \"https://clinic.example.com:8443/in//\";\n"
	    "  escalate_to = [ \"nurse@clinic.example.com\", "
	    "\"dr.lee@clinic.example.com\" ];\n"
	    "  urgent_words = ( \"rash\" );\n"
	    "  acknowledge = true;\n"
	    "  acknowledgement = \"{clinic_name}: call {clinic_phone}\";\n"
	    "  max_connections = 4; timeout = 3;\n};\n" SENDGRID, 0, err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->inbound.listen_host, "::1");
	assert_int_equal(cfg->inbound.listen_port, 9000);
	assert_string_equal(cfg->inbound.public_url,
	    "https://clinic.example.com:8443/in");
	assert_int_equal(cfg->inbound.nescalate_to, 2);
	assert_string_equal(cfg->inbound.escalate_to[1],
	    "dr.lee@clinic.example.com");
	assert_int_equal(cfg->inbound.nurgent_words, 1);
	assert_string_equal(cfg->inbound.urgent_words[0], "rash");
	assert_true(cfg->inbound.acknowledge);
	assert_string_equal(cfg->inbound.acknowledgement,
	    "{clinic_name}: call {clinic_phone}");
	assert_int_equal(cfg->inbound.max_connections, 4);
	assert_int_equal(cfg->inbound.timeout, 3);
	config_free(cfg);

	cfg = load_text(fx, CLINIC TWILIO "inbound = {\n"
	    "  listen = \"unix:/run/aftercare/inbound.sock\";\n"
	    "  public_url = \"https://clinic.example.com\";\n"
	    "  urgent_words = [ ];\n};\n", 0, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_null(cfg->inbound.listen_host);
	assert_string_equal(cfg->inbound.listen_path,
	    "/run/aftercare/inbound.sock");
	assert_int_equal(cfg->inbound.nurgent_words, 0);
	config_free(cfg);

	/* The key in a PEM file beside the config, readable by anyone. */
	(void)snprintf(path, sizeof(path), "%s/sendgrid.pem", fx->dir);
	write_file(path, "-----BEGIN PUBLIC KEY-----\n" SG_P256 "\n"
	    "-----END PUBLIC KEY-----\n");
	assert_int_equal(chmod(path, 0644), 0);
	text = xasprintf(CLINIC TWILIO SENDGRID IN_HEAD
	    "  sendgrid_key_file = \"sendgrid.pem\";\n"
	    "  escalate_to = \"nurse@clinic.example.com\";\n" IN_TAIL);
	log = load_logged(fx, text, 0, &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(log, "");
	assert_non_null(strstr(cfg->inbound.sendgrid_key, SG_P256));
	config_free(cfg);
	free(log);
	/* Not read for aftercarectl. */
	cfg = load_text(fx, text, CONFIG_NO_SECRETS, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_null(cfg->inbound.sendgrid_key);
	config_free(cfg);
	free(text);
	/* A file of something else. */
	write_file(path, "-----BEGIN PUBLIC KEY-----\n" SG_P256 "\n");
	cfg = load_text(fx, CLINIC TWILIO SENDGRID IN_HEAD
	    "  sendgrid_key_file = \"sendgrid.pem\";\n" IN_TAIL, 0, err,
	    sizeof(err));
	assert_null(cfg);
	assert_non_null(strstr(err, ":6: sendgrid_key_file: the SendGrid "
	    "verification key has no -----END PUBLIC KEY----- line"));
	write_file(path, "");
	cfg = load_text(fx, CLINIC TWILIO SENDGRID IN_HEAD
	    "  sendgrid_key_file = \"sendgrid.pem\";\n" IN_TAIL, 0, err,
	    sizeof(err));
	assert_null(cfg);
	assert_non_null(strstr(err, ":6: sendgrid_key_file \""));
	assert_non_null(strstr(err, "sendgrid.pem\" holds no key"));

	/* Plain http to another host, and a long acknowledgement, warn. */
	log = load_logged(fx, CLINIC TWILIO "inbound = {\n"
	    "  public_url = \"http://clinic.example.com/aftercare\";\n"
	    "  acknowledgement = \"" LONG_ACK "\";\n};\n", 0, &cfg, err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_non_null(strstr(log, ":4: warning: public_url is plain http: "
	    "patients' replies cross the network unencrypted"));
	assert_non_null(strstr(log, ":5: warning: acknowledgement takes 3 "
	    "SMS; keep it to 2"));
	/* Nobody to tell of replies, and no way to: said, not refused. */
	assert_non_null(strstr(log, ":3: warning: no escalate_to: patients' "
	    "replies are emailed to no one, and escalation needs an email "
	    "section too (aftercarectl replies lists them)"));
	config_free(cfg);
	free(log);
	log = load_logged(fx, CLINIC TWILIO SENDGRID IN_HEAD IN_TAIL, 0, &cfg,
	    err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_non_null(strstr(log, ":4: warning: no escalate_to: patients' "
	    "replies are emailed to no one (aftercarectl replies lists "
	    "them)"));
	config_free(cfg);
	free(log);
	/* aftercarectl sends nothing, and is not told */
	log = load_logged(fx, CLINIC TWILIO IN_HEAD IN_TAIL, CONFIG_NO_SECRETS,
	    &cfg, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_null(strstr(log, "escalate_to"));
	config_free(cfg);
	free(log);
}

static void
test_relative_paths(void **state)
{
	struct fixture	*fx = *state;
	struct config	*cfg;
	char		 err[512], path[192], *want;

	(void)snprintf(path, sizeof(path), "%s/ca.pem", fx->dir);
	write_file(path, "not checked here\n");
	cfg = load_text(fx, "database = \"data/aftercare.db\";\n" CLINIC
	    SMS_HEAD "  ca_file = \"ca.pem\";\n" SMS_TAIL, 0, err,
	    sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	want = xasprintf("%s/data/aftercare.db", fx->dir);
	assert_string_equal(cfg->database, want);
	free(want);
	assert_string_equal(cfg->sms.ca_file, path);
	config_free(cfg);

	/* An absolute path stays as it is. */
	cfg = load_text(fx, "database = \"/srv/a.db\";\n" CLINIC TWILIO, 0,
	    err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->database, "/srv/a.db");
	config_free(cfg);
}

static void
test_missing_file(void **state)
{
	struct fixture	*fx = *state;
	char		 err[512], *path, *want;

	path = xasprintf("%s/nonexistent.conf", fx->dir);
	assert_null(config_load(path, 0, err, sizeof(err)));
	want = xasprintf("%s: No such file or directory", path);
	assert_string_equal(err, want);
	free(want);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_milestone_windows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_inbound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_sms_length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placeholders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channels, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
		    teardown),
	};

	/* Warnings (a readable token file) go to stderr; keep them quiet. */
	log_init(LOG_PRI_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
