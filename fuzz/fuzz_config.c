/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c: libFuzzer target for config_load(): the input is written
 * to a file in a private temporary directory and loaded without secrets.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "template.h"

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char	*__lsan_default_suppressions(void);

static char	dir[] = "/tmp/aftercare-fuzz-XXXXXX";
static char	path[sizeof(dir) + 32];

/*
 * libconfig 1.5 leaks a string literal's buffer when a parse fails on it
 * (a file holding only "y", or only ""): up to 64 bytes per bad file,
 * not ours to fix.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static void
cleanup(void)
{
	(void)unlink(path);
	(void)rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	(void)snprintf(path, sizeof(path), "%s/aftercare.conf", dir);
	(void)atexit(cleanup);
	/* Warnings (plain http, long templates) are not findings. */
	log_init(LOG_PRI_ERR);
	return 0;
}

static void
check_config(const struct config *cfg)
{
	const struct milestone	*m;
	char			 err[256], *fp;
	size_t			 i;

	if (cfg->path == NULL || strcmp(cfg->path, path) != 0 ||
	    cfg->database == NULL || cfg->clinic_name == NULL ||
	    cfg->clinic_phone == NULL || cfg->sms.url == NULL ||
	    cfg->nmilestones == 0 || cfg->milestones == NULL)
		abort();
	/* CONFIG_NO_SECRETS: the token is never loaded. */
	if (cfg->sms.auth_token != NULL)
		abort();
	if (cfg->sms.provider == SMS_PROVIDER_TWILIO &&
	    (cfg->sms.account_sid == NULL || cfg->sms.from == NULL))
		abort();
	if (cfg->delivery.concurrency < 1 || cfg->delivery.timeout < 1 ||
	    cfg->delivery.max_attempts < 1 || cfg->delivery.backoff_base < 1 ||
	    cfg->delivery.backoff_max < cfg->delivery.backoff_base)
		abort();
	for (i = 0; i < cfg->nmilestones; i++) {
		m = &cfg->milestones[i];
		if (m->name == NULL || m->template == NULL || m->sms == NULL)
			abort();
		if (m->valid_for <= 0)
			abort();
		if (i > 0 && cfg->milestones[i - 1].after >= m->after)
			abort();
		if (template_check(m->sms, err, sizeof(err)) != 0)
			abort();
		if (config_milestone(cfg, NULL, m->name) != m)
			abort();
	}
	fp = config_plan_fingerprint(cfg);
	if (fp == NULL)
		abort();
	free(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg;
	FILE		*f;
	char		 err[1024];
	size_t		 i;

	/* @include would read any file on the machine (even /dev/zero). */
	for (i = 0; i + 8 <= size; i++)
		if (data[i] == '@' && strncasecmp((const char *)data + i + 1,
		    "include", 7) == 0)
			return 0;
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();

	memset(err, 0x55, sizeof(err));
	cfg = config_load(path, CONFIG_NO_SECRETS, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	if (cfg == NULL) {
		/* "FILE:LINE: message", FILE being ours (no @include). */
		if (strncmp(err, path, strlen(path)) != 0 ||
		    err[strlen(path)] != ':' || err[strlen(path) + 1] == '\0')
			abort();
		return 0;
	}
	check_config(cfg);
	config_free(cfg);
	return 0;
}
