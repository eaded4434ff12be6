/* SPDX-License-Identifier: MIT */
/*
 * fuzz_template.c: libFuzzer target for template_check(), _render(),
 * _sms_info(), _first_name() and _treatment_name().  The input is the
 * template, then up to five values separated by NUL bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const names[] = {
	"first_name", "clinic_name", "clinic_phone", "treatment",
	"treatment_date"
};

/* A second, naive renderer for templates that passed template_check(). */
static char *
reference_render(const char *t, const char *const vals[5])
{
	struct buf	 b;
	const char	*close;
	size_t		 i, len;

	buf_init(&b);
	while (*t != '\0') {
		if ((t[0] == '{' && t[1] == '{') ||
		    (t[0] == '}' && t[1] == '}')) {
			buf_append(&b, t, 1);
			t += 2;
		} else if (t[0] == '{') {
			close = strchr(t, '}');
			if (close == NULL)
				abort();
			len = (size_t)(close - t - 1);
			for (i = 0; i < 5; i++)
				if (strlen(names[i]) == len &&
				    memcmp(names[i], t + 1, len) == 0)
					break;
			if (i == 5)
				abort();	/* template_check let it pass */
			if (vals[i] != NULL)
				buf_puts(&b, vals[i]);
			t = close + 1;
		} else
			buf_append(&b, t++, 1);
	}
	return buf_take(&b);
}

static void
check_sms(const char *text)
{
	struct sms_info	 info;
	size_t		 single, part;

	template_sms_info(text, &info);
	if (info.encoding == SMS_GSM7) {
		single = 160;
		part = 153;
	} else if (info.encoding == SMS_UCS2) {
		single = 70;
		part = 67;
	} else
		abort();
	if (info.segments < 1)
		abort();
	if ((info.units <= single) != (info.segments == 1))
		abort();
	/* Full parts hold part or part - 1 units (no split pairs). */
	if (info.segments > 1 && (info.segments * part < info.units ||
	    (info.segments - 1) * (part - 1) >= info.units))
		abort();
}

static void
check_first_name(const char *name)
{
	static const size_t	 lens[] = { 1, 2, 4, 7, 64 };
	char			 buf[80];
	size_t			 i, j, n;

	memset(buf, 0x55, sizeof(buf));
	template_first_name(name, buf, 0);
	if ((unsigned char)buf[0] != 0x55)
		abort();
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(buf, 0x55, sizeof(buf));
		template_first_name(name, buf, lens[i]);
		n = strnlen(buf, lens[i]);
		if (n >= lens[i])
			abort();
		for (j = lens[i]; j < sizeof(buf); j++)
			if ((unsigned char)buf[j] != 0x55)
				abort();
		/* One word: no ASCII white space or control characters. */
		for (j = 0; j < n; j++)
			if ((unsigned char)buf[j] <= ' ' || buf[j] == 0x7f)
				abort();
		memset(buf, 0x55, sizeof(buf));
		template_treatment_name(name, buf, lens[i]);
		if (strnlen(buf, lens[i]) >= lens[i])
			abort();
		for (j = lens[i]; j < sizeof(buf); j++)
			if ((unsigned char)buf[j] != 0x55)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template_vars	 vars;
	const char		*vals[5] = { NULL, NULL, NULL, NULL, NULL };
	char			*copy, *tmpl, *p, *end, *out, *want;
	char			 err[256];
	size_t			 i;
	int			 r;

	/* NUL-terminated pieces: template, then the values. */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	tmpl = copy;
	p = tmpl + strlen(tmpl);
	for (i = 0; i < 5 && p < end; i++) {
		vals[i] = ++p;
		p += strlen(p);
	}
	memset(&vars, 0, sizeof(vars));
	vars.first_name = vals[0];
	vars.clinic_name = vals[1];
	vars.clinic_phone = vals[2];
	vars.treatment = vals[3];
	vars.treatment_date = vals[4];

	memset(err, 0x55, sizeof(err));
	r = template_check(tmpl, err, sizeof(err));
	if (r == -1 && (memchr(err, '\0', sizeof(err)) == NULL ||
	    err[0] == '\0'))
		abort();
	if (r != 0 && r != -1)
		abort();

	/* Rendering unchecked text must still be safe. */
	out = template_render(tmpl, &vars);
	if (out == NULL)
		abort();
	if (r == 0) {
		want = reference_render(tmpl, vals);
		if (strcmp(out, want) != 0)
			abort();
		free(want);
	}
	check_sms(out);
	free(out);
	out = template_render(tmpl, NULL);
	free(out);

	check_sms(tmpl);
	check_first_name(tmpl);
	if (vals[0] != NULL)
		check_first_name(vals[0]);
	free(copy);
	return 0;
}
