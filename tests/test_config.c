/* SPDX-License-Identifier: MIT */
/* test_config.c: config_load() on table-driven files, defaults, secrets. */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
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

struct fixture {
	char	dir[64];
	char	path[128];
};

static void	write_file(const char *, const char *);
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

	/* 51: out of range and bad values */
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
	    ":4: account_sid must be 1 to 64 letters and digits" },
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

	/* 78: unknown keys, one per level */
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

	/* 84: templates */
	{ CLINIC TWILIO "templates = {\n  day1 = {\n"
	    "    sms = \"Hi {firstname}\";\n  };\n};\n", 0,
	    ":5: template \"day1\": unknown placeholder {firstname}" },
	{ CLINIC TWILIO "templates = {\n  unused = {\n"
	    "    sms = \"Hi {name\";\n  };\n};\n", 0,
	    ":5: template \"unused\": unclosed \"{\"" },
	{ CLINIC TWILIO "templates = {\n  week2 = {\n"
	    "    sms = \"\";\n  };\n};\n", 0,
	    ":5: templates.week2.sms must not be empty" },

	/* 87: durations */
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

	/* 92: milestones */
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

	/* 98: secrets */
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

	/* 102: only warned about: three segments, plain http elsewhere */
	{ CLINIC TWILIO "templates = { week2 = { sms = \"{first_name}: "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4567890123456789012345678901234567890123456789012345678901234567"
	    "8901234567890123456789012345678901234567890123456789012345678901"
	    "2345678901234567890123456789012345678901234567890123456789012345"
	    "6789012345678901234567890123456789012345678901234567890123456789"
	    "\"; }; };\n", 0, NULL },
	{ CLINIC SMS_HEAD "  url = \"http://gw.example.com\";\n" SMS_TAIL, 0,
	    NULL },
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
		} else if (strstr(err, TOKEN) != NULL) {
			print_error("row %zu: token in error: %s\n", i, err);
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

	m = config_milestone(cfg, "1w");
	assert_ptr_equal(m, &cfg->milestones[1]);
	assert_null(config_milestone(cfg, "3w"));
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

	assert_int_equal(cfg->delivery.concurrency, 4);
	assert_int_equal(cfg->delivery.timeout, 15);
	assert_int_equal(cfg->delivery.max_attempts, 8);
	assert_int_equal(cfg->delivery.backoff_base, 60);
	assert_int_equal(cfg->delivery.backoff_max, 3600);
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
	assert_string_equal(config_milestone(cfg, "pre")->sms,
	    "See you, {first_name}");
	assert_string_equal(config_milestone(cfg, "d2")->template, "extra");
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

/* The example file loads and spells out exactly the built-in texts. */
static void
test_example(void **state)
{
	struct fixture	*fx = *state;
	struct config	*ex, *def;
	char		 err[512];
	size_t		 i;

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
	assert_int_equal(ex->sms.provider, SMS_PROVIDER_TWILIO);
	assert_string_equal(ex->sms.url, "https://api.twilio.com");
	assert_string_equal(ex->sms.from, "+15550100");
	assert_null(ex->sms.auth_token);
	assert_null(ex->sms.ca_file);
	assert_int_equal(ex->delivery.concurrency, def->delivery.concurrency);
	assert_int_equal(ex->delivery.timeout, def->delivery.timeout);
	assert_int_equal(ex->delivery.max_attempts,
	    def->delivery.max_attempts);
	assert_int_equal(ex->delivery.backoff_base,
	    def->delivery.backoff_base);
	assert_int_equal(ex->delivery.backoff_max, def->delivery.backoff_max);

	assert_int_equal(ex->nmilestones, def->nmilestones);
	for (i = 0; i < ex->nmilestones; i++) {
		assert_string_equal(ex->milestones[i].name,
		    def->milestones[i].name);
		assert_int_equal(ex->milestones[i].after,
		    def->milestones[i].after);
		assert_int_equal(ex->milestones[i].valid_for,
		    def->milestones[i].valid_for);
		assert_string_equal(ex->milestones[i].template,
		    def->milestones[i].template);
		assert_string_equal(ex->milestones[i].sms,
		    def->milestones[i].sms);
	}
	config_free(ex);
	config_free(def);

	/* Without CONFIG_NO_SECRETS it wants the (absent) token file. */
	ex = config_load(EXAMPLE, 0, err, sizeof(err));
	assert_null(ex);
	assert_non_null(strstr(err, EXAMPLE ":"));
	assert_non_null(strstr(err, ": auth_token_file \""));
}

/* Each built-in text, at its longest, is GSM-7 in at most 2 segments. */
static void
test_default_sms_length(void **state)
{
	struct fixture		*fx = *state;
	struct config		*cfg;
	struct template_vars	 vars;
	struct sms_info		 info;
	char			 err[512], *text;
	size_t			 i;

	cfg = config_load(EXAMPLE, CONFIG_NO_SECRETS, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(strlen(LONG_NAME), 20);
	memset(&vars, 0, sizeof(vars));
	vars.first_name = LONG_NAME;
	vars.clinic_name = cfg->clinic_name;
	vars.clinic_phone = cfg->clinic_phone;
	vars.treatment = "microneedling";
	vars.treatment_date = "Wednesday 30 September";
	for (i = 0; i < cfg->nmilestones; i++) {
		text = template_render(cfg->milestones[i].sms, &vars);
		template_sms_info(text, &info);
		print_message("%s: %zu septets, %zu segment(s)\n",
		    cfg->milestones[i].template, info.units, info.segments);
		assert_int_equal(info.encoding, SMS_GSM7);
		assert_true(info.segments <= 2);
		assert_null(strchr(text, '{'));
		free(text);

		/* A 25-character clinic name still fits, with room to spare. */
		vars.clinic_name = "Riverside Skin Clinic Ltd";
		text = template_render(cfg->milestones[i].sms, &vars);
		template_sms_info(text, &info);
		assert_true(info.units <= 260);
		free(text);
		vars.clinic_name = cfg->clinic_name;
	}
	config_free(cfg);
	(void)fx;
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
		cmocka_unit_test_setup_teardown(test_default_sms_length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_token_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_relative_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
		    teardown),
	};

	/* Warnings (a readable token file) go to stderr; keep them quiet. */
	log_init(LOG_PRI_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
