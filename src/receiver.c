/* SPDX-License-Identifier: MIT */
/* receiver.c: aftercare-inbound's HTTP server (libmicrohttpd): its limits, its endpoints, its loop. */

#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sd.h"
#include "config.h"
#include "delivery.h"
#include "form.h"
#include "inbound.h"
#include "inbox.h"
#include "json.h"
#include "keyword.h"
#include "log.h"
#include "phone.h"
#include "receiver.h"
#include "sgevent.h"
#include "sig.h"
#include "template.h"
#include "util.h"

/* Request heads larger than this are refused by libmicrohttpd (431). */
#define MEMORY_LIMIT	(32 * 1024)
/* A stopping receiver waits this long, at most, for requests under way. */
#define STOP_GRACE_MS	30000
#define LISTEN_BACKLOG	64

/* One connection, for its deadline: a request must be done in time. */
struct conn {
	struct conn	*prev, *next;
	int		 fd;
	int64_t		 deadline;	/* CLOCK_MONOTONIC ms */
	bool		 busy;		/* a request is being read or served */
	bool		 served;	/* one was answered: now it idles */
	bool		 cut;		/* we closed it at its deadline */
};

/* One request while it is read. */
struct request {
	enum inbound_endpoint	 ep;
	struct buf		 body;
	size_t			 max;
	bool			 answered;	/* a response is queued */
	bool			 too_large;	/* the body went over max */
};

struct receiver {
	const struct config	*cfg;
	struct inbox		*ib;
	struct sig_key		*sgkey;		/* NULL: no SendGrid events */
	const char		*public_path;
	char			*ack;		/* the acknowledgement, rendered */
	struct MHD_Daemon	*d[SD_LISTEN_FDS_MAX];
	int			 fds[SD_LISTEN_FDS_MAX];
	size_t			 nd;
	struct conn		*conns;
	bool			 stopping;
};

static int64_t	now_ms(void);
static bool	enabled(const struct receiver *, enum inbound_endpoint);
static const char *endpoint_name(enum inbound_endpoint);
static enum MHD_Result answer(struct receiver *, struct MHD_Connection *,
		    struct request *, int, const char *, const char *);
static enum MHD_Result refuse(struct receiver *, struct MHD_Connection *,
		    struct request *, int, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
static enum MHD_Result unavailable(struct receiver *,
		    struct MHD_Connection *, struct request *,
		    enum inbox_result);
static const char *header(struct MHD_Connection *, const char *);
static char	*endpoint_url(const struct receiver *, enum inbound_endpoint);
static int	twilio_check(struct receiver *, struct MHD_Connection *,
		    struct request *, const struct form *, char *, size_t);
static char	*number(const char *);
static enum MHD_Result sms_record(struct receiver *, struct MHD_Connection *,
		    struct request *, struct inbox_sms *, const char *,
		    size_t, const char *);
static enum MHD_Result serve_twilio_sms(struct receiver *,
		    struct MHD_Connection *, struct request *);
static enum MHD_Result serve_twilio_status(struct receiver *,
		    struct MHD_Connection *, struct request *);
static enum MHD_Result serve_sendgrid(struct receiver *,
		    struct MHD_Connection *, struct request *);
static enum MHD_Result serve_webhook_sms(struct receiver *,
		    struct MHD_Connection *, struct request *);
static enum MHD_Result serve_webhook_status(struct receiver *,
		    struct MHD_Connection *, struct request *);
static enum MHD_Result receipts_record(struct receiver *,
		    struct MHD_Connection *, struct request *,
		    const struct inbox_receipt *, size_t, size_t);
static enum MHD_Result handle(void *, struct MHD_Connection *, const char *,
		    const char *, const char *, const char *, size_t *,
		    void **);
static void	completed(void *, struct MHD_Connection *, void **,
		    enum MHD_RequestTerminationCode);
static void	connected(void *, struct MHD_Connection *, void **,
		    enum MHD_ConnectionNotificationCode);
static void	mhd_log(void *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static int	signals_open(void);
static void	stop(struct receiver *);
static int64_t	cut_late(struct receiver *);
static unsigned	connections(struct receiver *);

static int64_t
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An endpoint exists only for a provider the configuration has. */
static bool
enabled(const struct receiver *rc, enum inbound_endpoint ep)
{
	const struct config	*cfg = rc->cfg;

	switch (ep) {
	case INBOUND_TWILIO_SMS:
	case INBOUND_TWILIO_STATUS:
		return cfg->sms.provider == SMS_PROVIDER_TWILIO &&
		    cfg->sms.auth_token != NULL;
	case INBOUND_WEBHOOK_SMS:
	case INBOUND_WEBHOOK_STATUS:
		return cfg->sms.provider == SMS_PROVIDER_WEBHOOK &&
		    cfg->sms.auth_token != NULL;
	case INBOUND_SENDGRID_EVENTS:
		return rc->sgkey != NULL;
	case INBOUND_UNKNOWN:
	default:
		return false;
	}
}

/* For log lines: the endpoint, never the path as sent. */
static const char *
endpoint_name(enum inbound_endpoint ep)
{
	return ep == INBOUND_UNKNOWN ? "an unknown path" :
	    inbound_endpoint_path(ep);
}

/* Queues status with body (copied) of type type. */
static enum MHD_Result
answer(struct receiver *rc, struct MHD_Connection *c, struct request *req,
    int status, const char *type, const char *body)
{
	const union MHD_ConnectionInfo	*ci;
	struct MHD_Response		*resp;
	struct conn			*cn;
	enum MHD_Result			 ret;

	resp = MHD_create_response_from_buffer(strlen(body),
	    (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    type) == MHD_NO ||
	    (status == MHD_HTTP_METHOD_NOT_ALLOWED &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
	    "POST") == MHD_NO) ||
	    (status == MHD_HTTP_SERVICE_UNAVAILABLE &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
	    "10") == MHD_NO) ||
	    (rc->stopping && MHD_add_response_header(resp,
	    MHD_HTTP_HEADER_CONNECTION, "close") == MHD_NO)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	req->answered = true;
	/* A slow write (a locked database) leaves time to send the answer. */
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && (cn = ci->socket_context) != NULL)
		cn->deadline = now_ms() + rc->cfg->inbound.timeout * 1000;
	return ret;
}

/*
 * Refuses a request: one log line (the endpoint, the status and why,
 * never what was sent) and a short plain-text answer.
 */
static enum MHD_Result
refuse(struct receiver *rc, struct MHD_Connection *c, struct request *req,
    int status, const char *fmt, ...)
{
	va_list	ap;
	char	why[256], text[300];

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("inbound: %s: refused, %d: %s", endpoint_name(req->ep),
	    status, why);
	(void)snprintf(text, sizeof(text), "%d %s\n", status, why);
	return answer(rc, c, req, status, "text/plain; charset=utf-8", text);
}

/* Nothing written: the provider must try again. */
static enum MHD_Result
unavailable(struct receiver *rc, struct MHD_Connection *c,
    struct request *req, enum inbox_result r)
{
	return refuse(rc, c, req, MHD_HTTP_SERVICE_UNAVAILABLE, "%s; nothing "
	    "written, the provider will try again", r == INBOX_BUSY ?
	    "the database stayed locked" : r == INBOX_FULL ?
	    "the disk is full" : "the database failed");
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* What the provider requested, and signed: public_url and the path. */
static char *
endpoint_url(const struct receiver *rc, enum inbound_endpoint ep)
{
	return xasprintf("%s%s", rc->cfg->inbound.public_url,
	    inbound_endpoint_path(ep));
}

/*
 * Twilio's signature over the public URL and the form, and our account.
 * Returns 0, or -1 with the reason in why.
 */
static int
twilio_check(struct receiver *rc, struct MHD_Connection *c,
    struct request *req, const struct form *f, char *why, size_t len)
{
	const char	*account;
	char		*url, keyid[SIG_KEYID_MAX], err[200];
	enum sig_alg	 alg;
	int		 r;

	r = sig_twilio_settings_parse(header(c, SIG_TWILIO_SETTINGS_HEADER),
	    &alg, keyid, sizeof(keyid), err, sizeof(err));
	if (r == -1) {
		(void)snprintf(why, len, "%s", err);
		return -1;
	}
	/* A Webhook Rule's SharedKey is not something we are given. */
	if (r == 1) {
		(void)snprintf(why, len, "signed with a Webhook Rule's key "
		    "(HMAC-SHA256); aftercare checks the Auth Token's "
		    "signature: remove the rule for this URL");
		return -1;
	}
	url = endpoint_url(rc, req->ep);
	r = sig_twilio_verify(SIG_HMAC_SHA1, rc->cfg->sms.auth_token, url, f,
	    header(c, SIG_TWILIO_HEADER), err, sizeof(err));
	free(url);
	if (r == -1) {
		(void)snprintf(why, len, "%s", err);
		return -1;
	}
	account = form_get(f, "AccountSid");
	if (account == NULL || form_count(f, "AccountSid") != 1 ||
	    strcmp(account, rc->cfg->sms.account_sid) != 0) {
		(void)snprintf(why, len, "AccountSid is not sms.account_sid");
		return -1;
	}
	return 0;
}

/*
 * A number as we keep it: E.164 when it reads as one, else as sent if it
 * is one short line (a short code, a sender name); NULL otherwise.
 * Caller frees.
 */
static char *
number(const char *s)
{
	char	e164[PHONE_E164_MAX], err[128];
	size_t	len, i;

	if (s == NULL)
		return NULL;
	if (phone_normalize(s, e164, sizeof(e164), err, sizeof(err)) == 0)
		return xstrdup(e164);
	len = strlen(s);
	if (len == 0 || len > INBOUND_ID_MAX)
		return NULL;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return NULL;
	return xstrdup(s);
}

/*
 * Reads m's body (len bytes as sent) and opt_out_type, writes it and
 * answers: TwiML for Twilio, JSON for the webhook gateway.
 */
static enum MHD_Result
sms_record(struct receiver *rc, struct MHD_Connection *c,
    struct request *req, struct inbox_sms *m, const char *body, size_t len,
    const char *opt_out_type)
{
	struct inbox_sms_result	 res;
	struct buf		 json;
	enum inbox_result	 r;
	enum MHD_Result		 ret;
	char			*text, *reply;

	text = inbound_text(body, len);
	m->body = text;
	m->keyword = keyword_classify(text, strlen(text), opt_out_type);
	m->urgent = (m->keyword == KEYWORD_NONE ||
	    m->keyword == KEYWORD_MAYBE_OPTOUT) &&
	    keyword_urgent(text, strlen(text),
	    (const char *const *)rc->cfg->inbound.urgent_words,
	    rc->cfg->inbound.nurgent_words) >= 0;
	m->escalate = rc->cfg->inbound.nescalate_to > 0;
	m->acknowledge = rc->cfg->inbound.acknowledge;
	m->now = time(NULL);
	r = inbox_sms(rc->ib, m, &res);
	free(text);
	if (r == INBOX_BUSY || r == INBOX_FULL || r == INBOX_ERROR)
		return unavailable(rc, c, req, r);
	if (r == INBOX_DUPLICATE)
		log_info("inbound: %s: message %lld heard before; nothing "
		    "changed", endpoint_name(req->ep), (long long)res.id);
	else
		log_info("inbound: %s: message %lld: %s%s, patient %lld%s, "
		    "treatment %lld, reminder %lld%s%s",
		    endpoint_name(req->ep), (long long)res.id,
		    inbox_classification(m->keyword), m->urgent ? " (urgent)" : "",
		    (long long)res.patient_id, res.shared_with > 0 ?
		    " (number shared)" : "", (long long)res.treatment_id,
		    (long long)res.reminder_id, m->num_media > 0 ?
		    ", with photos" : "", res.acknowledge ?
		    ", acknowledged" : "");
	if (req->ep == INBOUND_TWILIO_SMS) {
		reply = inbound_twiml(res.acknowledge ? rc->ack : NULL);
		ret = answer(rc, c, req, MHD_HTTP_OK, "text/xml", reply);
		free(reply);
		return ret;
	}
	buf_init(&json);
	buf_puts(&json, "{\"reply\":");
	if (res.acknowledge)
		json_append_string(&json, rc->ack);
	else
		buf_puts(&json, "null");
	buf_puts(&json, "}");
	ret = answer(rc, c, req, MHD_HTTP_OK, "application/json", json.data);
	buf_clear(&json);
	return ret;
}

static enum MHD_Result
serve_twilio_sms(struct receiver *rc, struct MHD_Connection *c,
    struct request *req)
{
	struct form			 f;
	struct inbox_sms		 m;
	const struct form_field		*body;
	const char			*sid, *media;
	char				 why[256], *from = NULL, *to = NULL;
	int64_t				 n = 0;
	enum MHD_Result			 ret;

	form_init(&f);
	memset(&m, 0, sizeof(m));
	if (form_parse(req->body.data, req->body.len, &f, why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "%s", why);
		goto out;
	}
	if (twilio_check(rc, c, req, &f, why, sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_FORBIDDEN, "%s", why);
		goto out;
	}
	sid = form_get(&f, "MessageSid");
	if (!inbound_id_ok(sid) || form_count(&f, "MessageSid") != 1) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "no MessageSid, "
		    "or not one");
		goto out;
	}
	if ((from = number(form_get(&f, "From"))) == NULL) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "From is not a "
		    "number");
		goto out;
	}
	to = number(form_get(&f, "To"));
	if ((media = form_get(&f, "NumMedia")) != NULL &&
	    util_int64_parse(media, 0, 100, &n, why, sizeof(why)) == -1) {
		/* why quotes what was sent: never logged */
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "NumMedia is "
		    "not a number from 0 to 100");
		goto out;
	}
	m.provider = "twilio";
	m.message_id = sid;
	m.from = from;
	m.to = to;
	m.num_media = (long)n;
	/* A message of photos alone has no Body, or an empty one. */
	body = form_find(&f, "Body");
	ret = sms_record(rc, c, req, &m, body != NULL ? body->value : "",
	    body != NULL ? body->valuelen : 0, form_get(&f, "OptOutType"));
out:
	free(from);
	free(to);
	form_clear(&f);
	return ret;
}

/*
 * Writes n receipts (skipped more, which could not be) and answers
 * an empty 200.
 */
static enum MHD_Result
receipts_record(struct receiver *rc, struct MHD_Connection *c,
    struct request *req, const struct inbox_receipt *r, size_t n,
    size_t skipped)
{
	struct inbox_receipts_result	 res;
	enum inbox_result		 ir = INBOX_DUPLICATE;

	memset(&res, 0, sizeof(res));
	if (n > 0)
		ir = inbox_receipts(rc->ib, r, n, &res);
	if (ir == INBOX_BUSY || ir == INBOX_FULL || ir == INBOX_ERROR)
		return unavailable(rc, c, req, ir);
	log_info("inbound: %s: %zu new, %zu heard before, %zu for no reminder "
	    "of ours, %zu delivery states moved%s", endpoint_name(req->ep),
	    res.written, res.duplicates, res.unmatched, res.advanced,
	    skipped > 0 ? "; some without an id, skipped" : "");
	if (req->ep == INBOUND_TWILIO_STATUS)
		return answer(rc, c, req, MHD_HTTP_OK, "text/xml",
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
	if (req->ep == INBOUND_WEBHOOK_STATUS)
		return answer(rc, c, req, MHD_HTTP_OK, "application/json",
		    "{}");
	return answer(rc, c, req, MHD_HTTP_OK, "text/plain", "");
}

static enum MHD_Result
serve_twilio_status(struct receiver *rc, struct MHD_Connection *c,
    struct request *req)
{
	struct form		 f;
	struct inbox_receipt	 r;
	const char		*sid, *status, *code;
	char			 why[256], *key = NULL;
	enum MHD_Result		 ret;

	form_init(&f);
	memset(&r, 0, sizeof(r));
	if (form_parse(req->body.data, req->body.len, &f, why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "%s", why);
		goto out;
	}
	if (twilio_check(rc, c, req, &f, why, sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_FORBIDDEN, "%s", why);
		goto out;
	}
	sid = form_get(&f, "MessageSid");
	status = form_get(&f, "MessageStatus");
	code = form_get(&f, "ErrorCode");
	if (!inbound_id_ok(sid) || !inbound_id_ok(status) ||
	    (code != NULL && *code != '\0' &&
	    (strlen(code) > 10 || strspn(code, "0123456789") != strlen(code)))) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "MessageSid, "
		    "MessageStatus or ErrorCode is missing or malformed");
		goto out;
	}
	key = xasprintf("%s/%s", sid, status);
	r.provider = "twilio";
	r.receipt_id = key;
	r.channel = "sms";
	r.message_id = sid;
	r.event = status;
	r.has_state = delivery_twilio_status(status, &r.state) == 0;
	r.error = code != NULL && *code != '\0' ? code : NULL;
	r.now = time(NULL);
	ret = receipts_record(rc, c, req, &r, 1, 0);
out:
	free(key);
	form_clear(&f);
	return ret;
}

static enum MHD_Result
serve_sendgrid(struct receiver *rc, struct MHD_Connection *c,
    struct request *req)
{
	struct sgevent_list	 list;
	struct inbox_receipt	*r = NULL;
	const struct sgevent	*ev;
	char			 why[256];
	size_t			 i, n = 0, skipped = 0;
	time_t			 now = time(NULL);
	enum MHD_Result		 ret;

	memset(&list, 0, sizeof(list));
	if (sig_sendgrid_verify(rc->sgkey,
	    header(c, SIG_SENDGRID_TIMESTAMP_HEADER), req->body.data,
	    req->body.len, header(c, SIG_SENDGRID_HEADER), why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_FORBIDDEN, "%s", why);
		goto out;
	}
	if (sgevent_parse(req->body.data, req->body.len, &list, why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "%s", why);
		goto out;
	}
	r = xcalloc(list.n + 1, sizeof(*r));
	for (i = 0; i < list.n; i++) {
		ev = &list.ev[i];
		/* Without its id an event cannot be told from its retry. */
		if (!inbound_id_ok(ev->sg_event_id)) {
			skipped++;
			continue;
		}
		r[n].provider = "sendgrid";
		r[n].receipt_id = ev->sg_event_id;
		r[n].channel = "email";
		r[n].reminder_id = ev->reminder_id;
		r[n].message_id = ev->message_id;
		r[n].event = ev->event != NULL ? ev->event : "";
		r[n].has_state = ev->delivery != DELIVERY_NONE;
		r[n].state = ev->delivery;
		/*
		 * A bounce's status code, or why SendGrid dropped it (its own
		 * fixed words); a server's reply text may quote the address.
		 */
		if (ev->type == SGEVENT_BOUNCE)
			r[n].error = ev->status;
		else if (ev->type == SGEVENT_DROPPED)
			r[n].error = ev->reason;
		r[n].address = ev->email;
		r[n].status = ev->status;
		switch (ev->type) {
		case SGEVENT_SPAMREPORT:
		case SGEVENT_UNSUBSCRIBE:
		case SGEVENT_GROUP_UNSUBSCRIBE:
			r[n].address_effect = INBOX_ADDRESS_OPTOUT;
			break;
		case SGEVENT_BOUNCE:
			/* "blocked" is the receiving server's policy. */
			if (ev->bounce_type == NULL ||
			    strcmp(ev->bounce_type, "blocked") != 0)
				r[n].address_effect = INBOX_ADDRESS_BOUNCE;
			break;
		default:
			break;
		}
		r[n].now = now;
		n++;
	}
	ret = receipts_record(rc, c, req, r, n, skipped);
out:
	free(r);
	sgevent_clear(&list);
	return ret;
}

static enum MHD_Result
serve_webhook_sms(struct receiver *rc, struct MHD_Connection *c,
    struct request *req)
{
	struct inbound_webhook_sms	 w;
	struct inbox_sms		 m;
	char				 why[256], *from = NULL, *to = NULL;
	enum MHD_Result			 ret;

	memset(&w, 0, sizeof(w));
	memset(&m, 0, sizeof(m));
	if (sig_webhook_verify(rc->cfg->sms.auth_token, req->body.data,
	    req->body.len, header(c, SIG_WEBHOOK_HEADER), why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_FORBIDDEN, "%s", why);
		goto out;
	}
	if (inbound_webhook_sms_parse(req->body.data, req->body.len, &w, why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "%s", why);
		goto out;
	}
	if ((from = number(w.from)) == NULL) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "\"from\" is not "
		    "a number");
		goto out;
	}
	to = number(w.to);
	m.provider = "webhook";
	m.message_id = w.id;
	m.from = from;
	m.to = to;
	m.num_media = w.num_media;
	ret = sms_record(rc, c, req, &m, w.body, strlen(w.body),
	    w.opt_out_type);
out:
	free(from);
	free(to);
	inbound_webhook_sms_clear(&w);
	return ret;
}

static enum MHD_Result
serve_webhook_status(struct receiver *rc, struct MHD_Connection *c,
    struct request *req)
{
	struct inbound_webhook_status	 w;
	struct inbox_receipt		 r;
	char				 why[256], *key = NULL;
	enum MHD_Result			 ret;

	memset(&w, 0, sizeof(w));
	memset(&r, 0, sizeof(r));
	if (sig_webhook_verify(rc->cfg->sms.auth_token, req->body.data,
	    req->body.len, header(c, SIG_WEBHOOK_HEADER), why,
	    sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_FORBIDDEN, "%s", why);
		goto out;
	}
	if (inbound_webhook_status_parse(req->body.data, req->body.len, &w,
	    why, sizeof(why)) == -1) {
		ret = refuse(rc, c, req, MHD_HTTP_BAD_REQUEST, "%s", why);
		goto out;
	}
	key = w.event_id != NULL ? xstrdup(w.event_id) :
	    xasprintf("%s/%s", w.id, w.status);
	r.provider = "webhook";
	r.receipt_id = key;
	r.channel = "sms";
	r.message_id = w.id;
	r.event = w.status;
	r.has_state = delivery_twilio_status(w.status, &r.state) == 0;
	r.error = w.error;
	r.now = time(NULL);
	ret = receipts_record(rc, c, req, &r, 1, 0);
out:
	free(key);
	inbound_webhook_status_clear(&w);
	return ret;
}

/*
 * libmicrohttpd's access handler: called once the head is read (the
 * checks that need no body answer then, before reading it), then with
 * each part of the body, then once more with none.
 */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **con_cls)
{
	struct receiver			*rc = cls;
	struct request			*req = *con_cls;
	const union MHD_ConnectionInfo	*ci;
	struct conn			*cn;
	const char			*cl;
	int64_t				 len;
	char				 err[64];

	(void)version;
	if (req == NULL) {
		req = xcalloc(1, sizeof(*req));
		buf_init(&req->body);
		*con_cls = req;
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		if (ci != NULL && (cn = ci->socket_context) != NULL)
			cn->busy = true;
		req->ep = inbound_route(rc->public_path, url);
		if (!enabled(rc, req->ep)) {
			req->ep = INBOUND_UNKNOWN;
			return refuse(rc, c, req, MHD_HTTP_NOT_FOUND, "no such "
			    "endpoint");
		}
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return refuse(rc, c, req, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "only POST");
		if (!inbound_content_type_ok(req->ep, header(c,
		    MHD_HTTP_HEADER_CONTENT_TYPE)))
			return refuse(rc, c, req,
			    MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Content-Type is "
			    "not %s", req->ep == INBOUND_TWILIO_SMS ||
			    req->ep == INBOUND_TWILIO_STATUS ?
			    "application/x-www-form-urlencoded" :
			    "application/json");
		req->max = inbound_body_max(req->ep);
		cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && (util_int64_parse(cl, 0, INT64_MAX, &len,
		    err, sizeof(err)) == -1 || (uint64_t)len > req->max))
			return refuse(rc, c, req, MHD_HTTP_CONTENT_TOO_LARGE,
			    "the body is over %zu bytes", req->max);
		return MHD_YES;
	}
	if (req->answered) {
		*size = 0;
		return MHD_YES;
	}
	if (*size > 0) {
		/*
		 * Chunked, with no Content-Length: counted as it comes, and
		 * the rest read and dropped (libmicrohttpd answers only once
		 * the body is in), until the request's deadline.
		 */
		if (req->too_large || req->body.len + *size > req->max)
			req->too_large = true;
		else
			buf_append(&req->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (req->too_large)
		return refuse(rc, c, req, MHD_HTTP_CONTENT_TOO_LARGE,
		    "the body is over %zu bytes", req->max);
	buf_append(&req->body, "", 0);
	switch (req->ep) {
	case INBOUND_TWILIO_SMS:
		return serve_twilio_sms(rc, c, req);
	case INBOUND_TWILIO_STATUS:
		return serve_twilio_status(rc, c, req);
	case INBOUND_SENDGRID_EVENTS:
		return serve_sendgrid(rc, c, req);
	case INBOUND_WEBHOOK_SMS:
		return serve_webhook_sms(rc, c, req);
	case INBOUND_WEBHOOK_STATUS:
		return serve_webhook_status(rc, c, req);
	case INBOUND_UNKNOWN:
	default:
		return MHD_NO;
	}
}

/* A request ended: said in one line if it ended without an answer. */
static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct receiver			*rc = cls;
	struct request			*req = *con_cls;
	const union MHD_ConnectionInfo	*ci;
	struct conn			*cn = NULL;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL)
		cn = ci->socket_context;
	if (cn != NULL) {
		cn->busy = false;
		cn->served = true;
		cn->deadline = now_ms() + rc->cfg->inbound.timeout * 1000;
	}
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK &&
	    (req == NULL || !req->answered) && (cn == NULL || !cn->cut))
		log_warnx("inbound: %s: connection closed before an answer: %s",
		    endpoint_name(req != NULL ? req->ep : INBOUND_UNKNOWN),
		    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ?
		    "the client went quiet" :
		    toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ?
		    "stopping" : "the client left or sent garbage");
	if (req != NULL) {
		buf_clear(&req->body);
		free(req);
	}
	*con_cls = NULL;
}

/* Connections are tracked for their deadlines. */
static void
connected(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct receiver			*rc = cls;
	const union MHD_ConnectionInfo	*ci;
	struct conn			*cn;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cn = xcalloc(1, sizeof(*cn));
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		cn->fd = ci != NULL ? ci->connect_fd : -1;
		cn->deadline = now_ms() + rc->cfg->inbound.timeout * 1000;
		cn->next = rc->conns;
		if (rc->conns != NULL)
			rc->conns->prev = cn;
		rc->conns = cn;
		*socket_context = cn;
		return;
	}
	if ((cn = *socket_context) == NULL)
		return;
	if (cn->prev != NULL)
		cn->prev->next = cn->next;
	else
		rc->conns = cn->next;
	if (cn->next != NULL)
		cn->next->prev = cn->prev;
	free(cn);
	*socket_context = NULL;
}

/*
 * libmicrohttpd's own messages are about the protocol, never what was
 * sent; they are for debugging (our refusals have their own lines).
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	msg[256];
	size_t	len;

	(void)cls;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	util_text_clean(msg);
	log_debug("inbound: libmicrohttpd: %s", msg);
}

/* SIGTERM, SIGINT and SIGHUP, read from a descriptor: no handlers. */
static int
signals_open(void)
{
	sigset_t	set;
	int		fd;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		log_warn("sigprocmask");
		return -1;
	}
	if ((fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		log_warn("signalfd");
		return -1;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	return fd;
}

/*
 * Stops accepting (the sockets are closed; a socket unit keeps its own),
 * and lets go of connections that only wait for another request.
 */
static void
stop(struct receiver *rc)
{
	struct conn	*cn;
	size_t		 i;
	int		 fd;
	char		 c;

	rc->stopping = true;
	sd_send("STOPPING=1");
	for (i = 0; i < rc->nd; i++) {
		fd = MHD_quiesce_daemon(rc->d[i]);
		if (fd != MHD_INVALID_SOCKET)
			(void)close(fd);
	}
	/* A request already sent on one (unread yet) is served. */
	for (cn = rc->conns; cn != NULL; cn = cn->next)
		if (!cn->busy && cn->served && cn->fd != -1 &&
		    recv(cn->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == -1 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			(void)shutdown(cn->fd, SHUT_RDWR);
	log_info("inbound: stopping; finishing %u connection(s)",
	    connections(rc));
}

/*
 * Closes connections past their deadline: libmicrohttpd's timeout only
 * notices a client that stops, not one that trickles a byte at a time.
 * Returns the next deadline (0: none).
 */
static int64_t
cut_late(struct receiver *rc)
{
	struct conn	*cn;
	int64_t		 now = now_ms(), next = 0;

	for (cn = rc->conns; cn != NULL; cn = cn->next) {
		if (cn->cut || cn->fd == -1)
			continue;
		if (cn->deadline <= now) {
			log_warnx("inbound: dropped a connection that took "
			    "over %d s for one request (a slow client)",
			    rc->cfg->inbound.timeout);
			(void)shutdown(cn->fd, SHUT_RDWR);
			cn->cut = true;
			continue;
		}
		if (next == 0 || cn->deadline < next)
			next = cn->deadline;
	}
	return next;
}

static unsigned
connections(struct receiver *rc)
{
	const union MHD_DaemonInfo	*di;
	unsigned			 n = 0;
	size_t				 i;

	for (i = 0; i < rc->nd; i++)
		if ((di = MHD_get_daemon_info(rc->d[i],
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS)) != NULL)
			n += di->num_connections;
	return n;
}

int
receiver_listen(const struct config *cfg)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	struct stat		 sb;
	socklen_t		 len;
	int			 fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (cfg->inbound.listen_path != NULL) {
		sun->sun_family = AF_UNIX;
		(void)snprintf(sun->sun_path, sizeof(sun->sun_path), "%s",
		    cfg->inbound.listen_path);
		len = sizeof(*sun);
		/* A socket left by an earlier run; anything else stays. */
		if (lstat(sun->sun_path, &sb) == 0 && S_ISSOCK(sb.st_mode))
			(void)unlink(sun->sun_path);
	} else if (inet_pton(AF_INET, cfg->inbound.listen_host,
	    &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)cfg->inbound.listen_port);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, cfg->inbound.listen_host,
	    &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)cfg->inbound.listen_port);
		len = sizeof(*sin6);
	} else {
		log_err("inbound.listen: %s is not an address",
		    cfg->inbound.listen);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1) {
		log_warn("inbound.listen %s: socket", cfg->inbound.listen);
		return -1;
	}
	if ((ss.ss_family != AF_UNIX && setsockopt(fd, SOL_SOCKET,
	    SO_REUSEADDR, &on, sizeof(on)) == -1) ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)) {
		log_warn("inbound.listen %s: setsockopt", cfg->inbound.listen);
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
		log_warn("inbound.listen %s: bind", cfg->inbound.listen);
		goto fail;
	}
	/*
	 * The reverse proxy must reach a unix socket: as open as a loopback
	 * port (the providers' signatures are the check).
	 */
	if (ss.ss_family == AF_UNIX && chmod(sun->sun_path, 0666) == -1) {
		log_warn("inbound.listen %s: chmod", cfg->inbound.listen);
		goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		log_warn("inbound.listen %s: listen", cfg->inbound.listen);
		goto fail;
	}
	return fd;
fail:
	(void)close(fd);
	return -1;
}

int
receiver_run(const struct config *cfg, struct store *st, const int *fds,
    size_t nfds)
{
	struct receiver			 rc;
	struct template_vars		 vars;
	struct pollfd			 pfd[SD_LISTEN_FDS_MAX + 1];
	struct signalfd_siginfo		 si;
	const union MHD_DaemonInfo	*di;
	MHD_UNSIGNED_LONG_LONG		 mt;
	char				 err[256];
	int64_t				 next, wait, stop_by = 0;
	size_t				 i;
	int				 sigfd = -1, ret = -1, timeout;

	memset(&rc, 0, sizeof(rc));
	rc.cfg = cfg;
	rc.public_path = inbound_url_path(cfg->inbound.public_url);
	for (i = 0; i < nfds && i < SD_LISTEN_FDS_MAX; i++)
		rc.fds[i] = fds[i];
	memset(&vars, 0, sizeof(vars));
	vars.clinic_name = cfg->clinic_name;
	vars.clinic_phone = cfg->clinic_phone;
	rc.ack = template_render(cfg->inbound.acknowledgement, &vars);
	if (cfg->inbound.sendgrid_key != NULL &&
	    (rc.sgkey = sig_sendgrid_key_new(cfg->inbound.sendgrid_key, err,
	    sizeof(err))) == NULL) {
		log_err("inbound.sendgrid_key: %s", err);
		goto out;
	}
	if ((rc.ib = inbox_new(st)) == NULL ||
	    (sigfd = signals_open()) == -1)
		goto out;
	for (i = 0; i < nfds && i < SD_LISTEN_FDS_MAX; i++) {
		rc.d[i] = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
		    0, NULL, NULL, handle, &rc,
		    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fds[i],
		    MHD_OPTION_CONNECTION_LIMIT,
		    (unsigned)cfg->inbound.max_connections,
		    MHD_OPTION_CONNECTION_TIMEOUT,
		    (unsigned)cfg->inbound.timeout,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, &rc,
		    MHD_OPTION_NOTIFY_CONNECTION, connected, &rc,
		    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &rc,
		    MHD_OPTION_END);
		if (rc.d[i] == NULL) {
			log_err("inbound: cannot serve on socket %d", fds[i]);
			goto out;
		}
		/* libmicrohttpd closes it when it stops, unless quiesced. */
		rc.fds[i] = -1;
		rc.nd++;
		if ((di = MHD_get_daemon_info(rc.d[i],
		    MHD_DAEMON_INFO_EPOLL_FD)) == NULL) {
			log_err("inbound: no epoll descriptor");
			goto out;
		}
		pfd[i].fd = di->epoll_fd;
		pfd[i].events = POLLIN;
	}
	pfd[rc.nd].fd = sigfd;
	pfd[rc.nd].events = POLLIN;
	log_info("event=started listening=%zu public_url=%s", rc.nd,
	    cfg->inbound.public_url);
	sd_send("READY=1");

	for (;;) {
		next = cut_late(&rc);
		if (rc.stopping && (connections(&rc) == 0 ||
		    now_ms() >= stop_by))
			break;
		wait = -1;
		for (i = 0; i < rc.nd; i++)
			if (MHD_get_timeout(rc.d[i], &mt) == MHD_YES &&
			    (wait == -1 || (int64_t)mt < wait))
				wait = (int64_t)mt;
		if (next != 0 && (wait == -1 || next - now_ms() < wait))
			wait = next - now_ms() > 0 ? next - now_ms() : 0;
		if (rc.stopping && (wait == -1 || stop_by - now_ms() < wait))
			wait = stop_by - now_ms() > 0 ? stop_by - now_ms() : 0;
		timeout = wait > INT32_MAX ? INT32_MAX : (int)wait;
		if (poll(pfd, rc.nd + 1, timeout) == -1 && errno != EINTR) {
			log_warn("inbound: poll");
			goto out;
		}
		if (pfd[rc.nd].revents & POLLIN) {
			while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					log_info("inbound: SIGHUP: "
					    "aftercare-inbound reads its "
					    "configuration at start; restart "
					    "it to apply changes");
					continue;
				}
				if (!rc.stopping) {
					stop(&rc);
					stop_by = now_ms() + STOP_GRACE_MS;
				}
			}
		}
		for (i = 0; i < rc.nd; i++)
			if (MHD_run(rc.d[i]) == MHD_NO) {
				log_err("inbound: the HTTP server failed");
				goto out;
			}
	}
	if (connections(&rc) > 0)
		log_warnx("inbound: %u connection(s) still open after %d s; "
		    "closing them", connections(&rc), STOP_GRACE_MS / 1000);
	log_info("event=stopped");
	ret = 0;
out:
	for (i = 0; i < rc.nd; i++)
		MHD_stop_daemon(rc.d[i]);
	for (i = 0; i < nfds && i < SD_LISTEN_FDS_MAX; i++)
		if (rc.fds[i] != -1)
			(void)close(rc.fds[i]);
	if (sigfd != -1)
		(void)close(sigfd);
	inbox_free(rc.ib);
	sig_sendgrid_key_free(rc.sgkey);
	free(rc.ack);
	return ret;
}
