/* SPDX-License-Identifier: MIT */
/* inbound.c: pure parts of aftercare-inbound: its endpoints, what each accepts, its answers, the webhook format. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inbound.h"
#include "json.h"
#include "util.h"

/* The longest number or error code a webhook may send. */
#define FIELD_MAX	64

static const struct {
	enum inbound_endpoint	 ep;
	const char		*path;
	bool			 form;	/* else JSON */
} endpoints[] = {
	{ INBOUND_TWILIO_SMS, "/twilio/sms", true },
	{ INBOUND_TWILIO_STATUS, "/twilio/status", true },
	{ INBOUND_SENDGRID_EVENTS, "/sendgrid/events", false },
	{ INBOUND_WEBHOOK_SMS, "/webhook/sms", false },
	{ INBOUND_WEBHOOK_STATUS, "/webhook/status", false },
};

#define NENDPOINTS	(sizeof(endpoints) / sizeof(endpoints[0]))

static int	field(const char *, size_t, const char *, bool, char **,
		    char *, size_t);
static bool	line_ok(const char *);

const char *
inbound_endpoint_path(enum inbound_endpoint ep)
{
	size_t	i;

	for (i = 0; i < NENDPOINTS; i++)
		if (endpoints[i].ep == ep)
			return endpoints[i].path;
	return "";
}

const char *
inbound_url_path(const char *url)
{
	const char	*p;

	if ((p = strstr(url, "://")) == NULL)
		return "";
	p += 3;
	p += strcspn(p, "/");
	return p;
}

enum inbound_endpoint
inbound_route(const char *public_path, const char *path)
{
	size_t	i, plen;

	if (path == NULL)
		return INBOUND_UNKNOWN;
	plen = strlen(public_path);
	for (i = 0; i < NENDPOINTS; i++) {
		if (strcmp(path, endpoints[i].path) == 0)
			return endpoints[i].ep;
		if (plen > 0 && strncmp(path, public_path, plen) == 0 &&
		    strcmp(path + plen, endpoints[i].path) == 0)
			return endpoints[i].ep;
	}
	return INBOUND_UNKNOWN;
}

bool
inbound_content_type_ok(enum inbound_endpoint ep, const char *ct)
{
	const char	*want = NULL;
	size_t		 i, n;

	if (ct == NULL)
		return false;
	for (i = 0; i < NENDPOINTS; i++)
		if (endpoints[i].ep == ep)
			want = endpoints[i].form ?
			    "application/x-www-form-urlencoded" :
			    "application/json";
	if (want == NULL)
		return false;
	ct += strspn(ct, " \t");
	n = strcspn(ct, "; \t");
	if (n != strlen(want) || strncasecmp(ct, want, n) != 0)
		return false;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

size_t
inbound_body_max(enum inbound_endpoint ep)
{
	return ep == INBOUND_SENDGRID_EVENTS ? INBOUND_EVENTS_MAX :
	    INBOUND_BODY_MAX;
}

bool
inbound_id_ok(const char *s)
{
	size_t	n;

	if (s == NULL)
		return false;
	n = strlen(s);
	return n > 0 && n <= INBOUND_ID_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.:=+/") == n;
}

char *
inbound_text(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct buf		 b;
	uint32_t		 cp;
	size_t			 i = 0;
	int			 n;

	buf_init(&b);
	buf_append(&b, "", 0);
	while (i < len) {
		n = util_utf8_decode(p + i, len - i, &cp);
		if (n == -1 || cp == 0) {
			buf_puts(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		buf_append(&b, s + i, (size_t)n);
		i += (size_t)n;
	}
	return buf_take(&b);
}

char *
inbound_twiml(const char *text)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	if (text == NULL) {
		buf_puts(&b, "<Response/>");
		return buf_take(&b);
	}
	buf_puts(&b, "<Response><Message>");
	buf_escape_markup(&b, text);
	buf_puts(&b, "</Message></Response>");
	return buf_take(&b);
}

/* One line of printable text, not empty, at most FIELD_MAX bytes. */
static bool
line_ok(const char *s)
{
	const char	*p;

	if (*s == '\0' || strlen(s) > FIELD_MAX)
		return false;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/*
 * Member key of the JSON object body into *out (a new string; NULL if
 * absent and not required).  Returns 0, or -1 with a reason in err.
 */
static int
field(const char *body, size_t len, const char *key, bool required,
    char **out, char *err, size_t errlen)
{
	char	*v;
	int	 r;

	*out = NULL;
	v = xmalloc(len + 1);
	r = json_get(body, len, key, v, len + 1);
	if (r == -1) {
		free(v);
		(void)snprintf(err, errlen, "the body is not a JSON object");
		return -1;
	}
	if (r == 1) {
		free(v);
		if (!required)
			return 0;
		(void)snprintf(err, errlen, "the body has no \"%s\"", key);
		return -1;
	}
	*out = v;
	return 0;
}

int
inbound_webhook_sms_parse(const char *body, size_t len,
    struct inbound_webhook_sms *m, char *err, size_t errlen)
{
	char	*media = NULL, *raw = NULL, msg[64];
	int64_t	 n;
	int	 ret = -1;

	memset(m, 0, sizeof(*m));
	if (len > INBOUND_BODY_MAX) {
		(void)snprintf(err, errlen, "the body is longer than %d bytes",
		    INBOUND_BODY_MAX);
		return -1;
	}
	if (field(body, len, "id", true, &m->id, err, errlen) == -1 ||
	    field(body, len, "from", true, &m->from, err, errlen) == -1 ||
	    field(body, len, "to", false, &m->to, err, errlen) == -1 ||
	    field(body, len, "body", true, &raw, err, errlen) == -1 ||
	    field(body, len, "num_media", false, &media, err, errlen) == -1 ||
	    field(body, len, "opt_out_type", false, &m->opt_out_type, err,
	    errlen) == -1)
		goto out;
	if (!inbound_id_ok(m->id)) {
		(void)snprintf(err, errlen, "\"id\" must be 1 to %d letters, "
		    "digits and -_.:=+/", INBOUND_ID_MAX);
		goto out;
	}
	if (!line_ok(m->from) || (m->to != NULL && !line_ok(m->to))) {
		(void)snprintf(err, errlen, "\"from\" and \"to\" must be phone "
		    "numbers");
		goto out;
	}
	if (m->opt_out_type != NULL && !line_ok(m->opt_out_type)) {
		(void)snprintf(err, errlen, "\"opt_out_type\" must be STOP, "
		    "START or HELP");
		goto out;
	}
	if (media != NULL) {
		if (util_int64_parse(media, 0, 100, &n, msg,
		    sizeof(msg)) == -1) {
			(void)snprintf(err, errlen, "\"num_media\" must be a "
			    "number from 0 to 100");
			goto out;
		}
		m->num_media = (long)n;
	}
	m->body = inbound_text(raw, strlen(raw));
	ret = 0;
out:
	free(raw);
	free(media);
	return ret;
}

void
inbound_webhook_sms_clear(struct inbound_webhook_sms *m)
{
	free(m->id);
	free(m->from);
	free(m->to);
	free(m->body);
	free(m->opt_out_type);
	memset(m, 0, sizeof(*m));
}

int
inbound_webhook_status_parse(const char *body, size_t len,
    struct inbound_webhook_status *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (len > INBOUND_BODY_MAX) {
		(void)snprintf(err, errlen, "the body is longer than %d bytes",
		    INBOUND_BODY_MAX);
		return -1;
	}
	if (field(body, len, "id", true, &s->id, err, errlen) == -1 ||
	    field(body, len, "status", true, &s->status, err, errlen) == -1 ||
	    field(body, len, "error", false, &s->error, err, errlen) == -1 ||
	    field(body, len, "event_id", false, &s->event_id, err,
	    errlen) == -1)
		return -1;
	if (!inbound_id_ok(s->id) ||
	    (s->event_id != NULL && !inbound_id_ok(s->event_id))) {
		(void)snprintf(err, errlen, "\"id\" and \"event_id\" must be 1 "
		    "to %d letters, digits and -_.:=+/", INBOUND_ID_MAX);
		return -1;
	}
	if (!line_ok(s->status) || (s->error != NULL && !line_ok(s->error))) {
		(void)snprintf(err, errlen, "\"status\" and \"error\" must be "
		    "one short line each");
		return -1;
	}
	return 0;
}

void
inbound_webhook_status_clear(struct inbound_webhook_status *s)
{
	free(s->id);
	free(s->status);
	free(s->error);
	free(s->event_id);
	memset(s, 0, sizeof(*s));
}
