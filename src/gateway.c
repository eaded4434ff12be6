/* SPDX-License-Identifier: MIT */
/* gateway.c: the libcurl multi driver: sends messages, classifies outcomes. */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "gateway.h"
#include "gw.h"
#include "json.h"
#include "log.h"
#include "util.h"

#ifndef AFTERCARE_VERSION
#define AFTERCARE_VERSION	"dev"
#endif

/* Bytes of an answer kept; the rest is read and dropped. */
#define GATEWAY_BODY_MAX	(64 * 1024)
/* Longest wait asked by Retry-After that we honour, in seconds. */
#define GATEWAY_RETRY_MAX	86400
#define GATEWAY_CONNECT_MAX	10

/* One reusable easy handle and the request it is carrying. */
struct xfer {
	struct gateway		*gw;
	CURL			*easy;
	bool			 busy;
	size_t			 idx;
	const struct message	*msg;
	struct gw_request	 req;
	struct curl_slist	*headers;
	struct buf		 resp;
	long			 retry_after;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct gateway {
	const struct config	*cfg;
	CURLM			*multi;
	struct xfer		*xfers;
	size_t			 nxfers;
	int			 (*build)(const struct config *,
				    const struct message *, struct gw_request *,
				    char *, size_t);
	void			 (*parse)(long, const char *, size_t,
				    struct send_result *);
	bool			 paused;	/* start nothing more now */
};

static size_t	gateway_write_cb(char *data, size_t size, size_t nmemb,
		    void *arg);
static size_t	gateway_header_cb(char *data, size_t size, size_t nmemb,
		    void *arg);
static long	gateway_retry_after(const char *value);
static int	gateway_easy_setup(struct gateway *gw, struct xfer *x);
static int	gateway_start(struct gateway *gw, struct xfer *x,
		    const struct message *msg, size_t idx,
		    struct send_result *res);
static void	gateway_header(struct xfer *x, const char *name,
		    const char *value);
static void	gateway_release(struct xfer *x);
static void	gateway_result(struct xfer *x, CURLcode rc,
		    struct send_result *res);
static void	gateway_curl_error(struct xfer *x, CURLcode rc,
		    struct send_result *res);
static void	result_init(struct send_result *res);

void
gw_request_init(struct gw_request *req)
{
	req->url = NULL;
	req->content_type = NULL;
	buf_init(&req->body);
	req->userpwd = NULL;
	req->bearer = NULL;
}

void
gw_request_clear(struct gw_request *req)
{
	free(req->url);
	buf_clear(&req->body);
	if (req->userpwd != NULL) {
		explicit_bzero(req->userpwd, strlen(req->userpwd));
		free(req->userpwd);
	}
	if (req->bearer != NULL) {
		explicit_bzero(req->bearer, strlen(req->bearer));
		free(req->bearer);
	}
	gw_request_init(req);
}

enum outcome
gw_status_outcome(long status)
{
	if (status >= 200 && status <= 299)
		return OUTCOME_SENT;
	if (status == 408 || status == 429 || (status >= 500 && status <= 599))
		return OUTCOME_RETRY;
	return OUTCOME_FAILED;
}

void
gw_text_clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

bool
gw_answer_read(long status, const char *body, size_t len,
    const char *const *id_keys, const char *const *reason_keys,
    char *reason, size_t reasonlen, struct send_result *res)
{
	size_t	i;

	res->outcome = gw_status_outcome(status);
	res->provider_id[0] = '\0';
	res->code[0] = '\0';
	res->error[0] = '\0';
	res->opted_out = false;
	reason[0] = '\0';
	if (res->outcome == OUTCOME_SENT) {
		/* Accepted even if the answer is unreadable: never resend. */
		for (i = 0; id_keys[i] != NULL; i++)
			if (json_get(body, len, id_keys[i], res->provider_id,
			    sizeof(res->provider_id)) == 0)
				break;
		if (id_keys[i] == NULL)
			res->provider_id[0] = '\0';
		gw_text_clean(res->provider_id);
		return true;
	}
	/*
	 * The code is logged, so it must be a code: a gateway that puts
	 * free text there (a number, say) gets it dropped.
	 */
	if (json_get(body, len, "code", res->code, sizeof(res->code)) != 0 ||
	    res->code[strspn(res->code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-")] != '\0')
		res->code[0] = '\0';
	for (i = 0; reason_keys[i] != NULL; i++)
		if (json_get(body, len, reason_keys[i], reason, reasonlen) == 0)
			break;
	if (reason_keys[i] == NULL)
		reason[0] = '\0';
	gw_text_clean(reason);
	if (status >= 300 && status < 400)
		(void)snprintf(res->error, sizeof(res->error),
		    "HTTP %ld: redirect not followed (check sms.url)", status);
	return false;
}

static void
result_init(struct send_result *res)
{
	memset(res, 0, sizeof(*res));
	res->outcome = OUTCOME_RETRY;
	res->retry_after = -1;
}

struct gateway *
gateway_new(const struct config *cfg)
{
	struct gateway	*gw;
	size_t		 i, n;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("gateway: cannot initialise libcurl");
		return NULL;
	}
	gw = xcalloc(1, sizeof(*gw));
	gw->cfg = cfg;
	switch (cfg->sms.provider) {
	case SMS_PROVIDER_TWILIO:
		gw->build = gw_twilio_build;
		gw->parse = gw_twilio_parse;
		break;
	case SMS_PROVIDER_WEBHOOK:
		gw->build = gw_webhook_build;
		gw->parse = gw_webhook_parse;
		break;
	default:
		log_warnx("gateway: unknown SMS provider %d",
		    (int)cfg->sms.provider);
		goto fail;
	}
	if ((gw->multi = curl_multi_init()) == NULL) {
		log_warnx("gateway: cannot create a libcurl multi handle");
		goto fail;
	}
	n = cfg->delivery.concurrency > 0 ?
	    (size_t)cfg->delivery.concurrency : 1;
	gw->xfers = xcalloc(n, sizeof(*gw->xfers));
	for (i = 0; i < n; i++) {
		gw->xfers[i].gw = gw;
		gw_request_init(&gw->xfers[i].req);
		buf_init(&gw->xfers[i].resp);
	}
	gw->nxfers = n;
	for (i = 0; i < n; i++)
		if (gateway_easy_setup(gw, &gw->xfers[i]) == -1)
			goto fail;
	return gw;
fail:
	gateway_free(gw);
	return NULL;
}

void
gateway_pause(struct gateway *gw)
{
	gw->paused = true;
}

void
gateway_free(struct gateway *gw)
{
	size_t	 i;

	if (gw == NULL)
		return;
	for (i = 0; i < gw->nxfers; i++) {
		if (gw->xfers[i].easy == NULL)
			continue;
		if (gw->xfers[i].busy)
			(void)curl_multi_remove_handle(gw->multi,
			    gw->xfers[i].easy);
		gateway_release(&gw->xfers[i]);
		curl_easy_cleanup(gw->xfers[i].easy);
		buf_clear(&gw->xfers[i].resp);
	}
	free(gw->xfers);
	if (gw->multi != NULL)
		(void)curl_multi_cleanup(gw->multi);
	free(gw);
	curl_global_cleanup();
}

/* Options that stay the same for every request a handle carries. */
static int
gateway_easy_setup(struct gateway *gw, struct xfer *x)
{
	const struct config	*cfg = gw->cfg;
	CURL			*e;
	long			 timeout, connect;
	int			 ret = -1;

	if ((x->easy = curl_easy_init()) == NULL) {
		log_warnx("gateway: cannot create a libcurl handle");
		return -1;
	}
	e = x->easy;
	timeout = cfg->delivery.timeout > 0 ? cfg->delivery.timeout : 30;
	connect = timeout < GATEWAY_CONNECT_MAX ? timeout : GATEWAY_CONNECT_MAX;
	if (curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, connect) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT,
	    "aftercare/" AFTERCARE_VERSION) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, gateway_write_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, gateway_header_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK) {
		log_warnx("gateway: cannot set libcurl options");
		goto out;
	}
	if (cfg->sms.ca_file != NULL &&
	    curl_easy_setopt(e, CURLOPT_CAINFO, cfg->sms.ca_file) != CURLE_OK) {
		log_warnx("gateway: libcurl cannot use sms.ca_file");
		goto out;
	}
	ret = 0;
out:
	return ret;
}

/* Keeps at most GATEWAY_BODY_MAX bytes; more is not an error. */
static size_t
gateway_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb, room;

	room = x->resp.len < GATEWAY_BODY_MAX ?
	    GATEWAY_BODY_MAX - x->resp.len : 0;
	buf_append(&x->resp, data, n < room ? n : room);
	return n;
}

static size_t
gateway_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	static const char	 name[] = "retry-after:";
	struct xfer		*x = arg;
	size_t			 n = size * nmemb, len;
	char			 value[128];
	const char		*p;

	/* A new status line (after 100 Continue, say) starts afresh. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		x->retry_after = -1;
		return n;
	}
	if (n < sizeof(name) - 1 ||
	    strncasecmp(data, name, sizeof(name) - 1) != 0)
		return n;
	p = data + sizeof(name) - 1;
	len = n - (sizeof(name) - 1);
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(value))
		return n;
	memcpy(value, p, len);
	value[len] = '\0';
	x->retry_after = gateway_retry_after(value);
	return n;
}

/* Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3). */
static long
gateway_retry_after(const char *value)
{
	char		*end;
	long long	 secs;
	time_t		 when, now;

	if (isdigit((unsigned char)value[0])) {
		errno = 0;
		secs = strtoll(value, &end, 10);
		if (*end != '\0')
			return -1;
		if (errno == ERANGE || secs > GATEWAY_RETRY_MAX)
			return GATEWAY_RETRY_MAX;
		return (long)secs;
	}
	if ((when = curl_getdate(value, NULL)) == -1)
		return -1;
	if ((now = time(NULL)) == (time_t)-1)
		return -1;
	if (when <= now)
		return 0;
	if (when - now > GATEWAY_RETRY_MAX)
		return GATEWAY_RETRY_MAX;
	return (long)(when - now);
}

/*
 * Adds "name: value" to x's headers (value NULL: "name:", which removes
 * libcurl's own header).  libcurl copies the line; running out of memory
 * is fatal, as for xmalloc().
 */
static void
gateway_header(struct xfer *x, const char *name, const char *value)
{
	struct curl_slist	*h;
	char			*line;

	line = xasprintf("%s:%s%s", name, value != NULL ? " " : "",
	    value != NULL ? value : "");
	h = curl_slist_append(x->headers, line);
	explicit_bzero(line, strlen(line));
	free(line);
	if (h == NULL)
		fatalx("gateway: out of memory");
	x->headers = h;
}

/*
 * Builds msg's request on x and hands it to the multi handle.  Returns 0,
 * or -1 with res filled (the message was not sent).
 */
static int
gateway_start(struct gateway *gw, struct xfer *x, const struct message *msg,
    size_t idx, struct send_result *res)
{
	char		 err[200];
	char		*auth;
	CURLMcode	 mc;
	CURL		*e = x->easy;

	result_init(res);
	x->msg = msg;
	x->idx = idx;
	x->retry_after = -1;
	x->errbuf[0] = '\0';
	x->resp.len = 0;
	buf_append(&x->resp, "", 0);
	err[0] = '\0';

	/* A bad request stays bad: FAILED, unlike trouble on the wire. */
	res->outcome = OUTCOME_FAILED;
	if (msg->idempotency_key == NULL || msg->idempotency_key[0] == '\0' ||
	    strpbrk(msg->idempotency_key, "\r\n") != NULL) {
		(void)snprintf(err, sizeof(err), "no usable idempotency key");
		goto fail;
	}
	if (gw->build(gw->cfg, msg, &x->req, err, sizeof(err)) == -1)
		goto fail;
	if (x->req.bearer != NULL && strpbrk(x->req.bearer, "\r\n") != NULL) {
		(void)snprintf(err, sizeof(err), "the auth token has a newline");
		goto fail;
	}

	gateway_header(x, "Content-Type", x->req.content_type);
	gateway_header(x, "Accept", "application/json");
	gateway_header(x, "Idempotency-Key", msg->idempotency_key);
	/* Never wait for a "100 Continue" the gateway may not send. */
	gateway_header(x, "Expect", NULL);
	if (x->req.bearer != NULL) {
		auth = xasprintf("Bearer %s", x->req.bearer);
		gateway_header(x, "Authorization", auth);
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	if (curl_easy_setopt(e, CURLOPT_URL, x->req.url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)x->req.body.len) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDS,
	    x->req.body.data != NULL ? x->req.body.data : "") != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERPWD, x->req.userpwd) != CURLE_OK) {
		(void)snprintf(err, sizeof(err), "libcurl refused an option "
		    "(check sms.url)");
		goto fail;
	}
	if ((mc = curl_multi_add_handle(gw->multi, e)) != CURLM_OK) {
		(void)snprintf(err, sizeof(err), "libcurl: %s",
		    curl_multi_strerror(mc));
		res->outcome = OUTCOME_RETRY;
		goto fail;
	}
	x->busy = true;
	return 0;
fail:
	log_warnx("gateway: reminder %lld: cannot start the request",
	    (long long)msg->reminder_id);
	(void)snprintf(res->error, sizeof(res->error),
	    "cannot build the request: %s", err);
	gateway_release(x);
	return -1;
}

/* Frees what one request held; the handle itself is kept for reuse. */
static void
gateway_release(struct xfer *x)
{
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	gw_request_clear(&x->req);
	x->busy = false;
	x->msg = NULL;
	/* Drop the pointers into freed memory before the next request. */
	(void)curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
	(void)curl_easy_setopt(x->easy, CURLOPT_USERPWD, NULL);
	(void)curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, NULL);
}

static void
gateway_curl_error(struct xfer *x, CURLcode rc, struct send_result *res)
{
	const char	*what, *detail;
	curl_off_t	 pre;
	bool		 tls = false;

	detail = x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc);
	res->outcome = OUTCOME_RETRY;
	/*
	 * A request that never got as far as being sent (no name, no
	 * connection, no TLS session) never reached the gateway.  libcurl
	 * records a transfer's pretransfer time only when it is about to
	 * send the request, so 0 means it never did.
	 */
	if (curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pre) !=
	    CURLE_OK)
		pre = 0;
	res->unreached = pre == 0;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		what = "cannot resolve the gateway's host name";
		break;
	case CURLE_COULDNT_CONNECT:
		what = "cannot connect to the gateway";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		what = "the gateway did not answer in time";
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		what = "the connection to the gateway failed";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		/* Retrying cannot help until someone fixes it, so say so. */
		tls = true;
		what = "TLS/certificate problem with the gateway (an operator "
		    "must fix sms.url or sms.ca_file)";
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		res->outcome = OUTCOME_FAILED;
		what = "bad gateway URL (check sms.url)";
		break;
	default:
		what = "the transfer failed";
		break;
	}
	(void)snprintf(res->error, sizeof(res->error), "%s: %.150s", what,
	    detail);
	gw_text_clean(res->error);
	if (tls)
		log_warnx("gateway: reminder %lld: TLS/certificate problem "
		    "(%s): check sms.url and sms.ca_file",
		    (long long)x->msg->reminder_id, curl_easy_strerror(rc));
	else
		log_info("gateway: reminder %lld: %s (%s)",
		    (long long)x->msg->reminder_id, what,
		    curl_easy_strerror(rc));
}

/* Turns a completed transfer into a result. */
static void
gateway_result(struct xfer *x, CURLcode rc, struct send_result *res)
{
	long		 status = 0;
	curl_off_t	 us = 0;

	result_init(res);
	if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &us) != CURLE_OK)
		us = 0;
	res->ms = (long)(us / 1000);
	if (rc != CURLE_OK) {
		gateway_curl_error(x, rc, res);
		return;
	}
	if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK || status < 100) {
		(void)snprintf(res->error, sizeof(res->error),
		    "the gateway's answer had no HTTP status");
		log_info("gateway: reminder %lld: no HTTP status",
		    (long long)x->msg->reminder_id);
		return;
	}
	res->http_status = status;
	x->gw->parse(status, x->resp.data, x->resp.len, res);
	res->retry_after = x->retry_after;
	if (res->code[0] != '\0')
		log_debug("gateway: reminder %lld: HTTP %ld, code %s in %lld ms",
		    (long long)x->msg->reminder_id, status, res->code,
		    (long long)(us / 1000));
	else
		log_debug("gateway: reminder %lld: HTTP %ld in %lld ms",
		    (long long)x->msg->reminder_id, status,
		    (long long)(us / 1000));
}

int
gateway_send(struct gateway *gw, const struct message *msgs, size_t n,
    int extra_fd, gateway_event_fn on_event, gateway_done_fn done, void *arg)
{
	struct send_result	 res;
	struct curl_waitfd	 wfd;
	struct xfer		*x;
	CURLMsg			*cm;
	CURLMcode		 mc;
	CURLcode		 rc;
	char			*priv;
	size_t			 next = 0, active = 0, i, idx;
	bool			 stop = false, completed;
	int			 still, left, ret = 0;

	gw->paused = false;
	for (;;) {
		/* Fill free handles; one whose request failed stays free. */
		i = 0;
		while (!stop && !gw->paused && next < n) {
			while (i < gw->nxfers && gw->xfers[i].busy)
				i++;
			if (i == gw->nxfers)
				break;
			if (gateway_start(gw, &gw->xfers[i], &msgs[next], next,
			    &res) == 0)
				active++;
			else
				done(arg, next, &res);
			next++;
		}
		if (active == 0)
			break;

		if ((mc = curl_multi_perform(gw->multi, &still)) != CURLM_OK) {
			log_warnx("gateway: libcurl: %s",
			    curl_multi_strerror(mc));
			ret = -1;
			break;
		}
		completed = false;
		while ((cm = curl_multi_info_read(gw->multi, &left)) != NULL) {
			if (cm->msg != CURLMSG_DONE)
				continue;
			rc = cm->data.result;
			priv = NULL;
			if (curl_easy_getinfo(cm->easy_handle, CURLINFO_PRIVATE,
			    &priv) != CURLE_OK || priv == NULL)
				fatalx("gateway: a transfer lost its owner");
			x = (struct xfer *)priv;
			gateway_result(x, rc, &res);
			(void)curl_multi_remove_handle(gw->multi, x->easy);
			idx = x->idx;
			gateway_release(x);
			active--;
			completed = true;
			done(arg, idx, &res);
		}
		if (completed)
			continue;

		wfd.fd = extra_fd;
		wfd.events = CURL_WAIT_POLLIN;
		wfd.revents = 0;
		mc = curl_multi_poll(gw->multi, &wfd,
		    extra_fd >= 0 && on_event != NULL ? 1 : 0, 1000, NULL);
		if (mc != CURLM_OK) {
			log_warnx("gateway: libcurl: %s",
			    curl_multi_strerror(mc));
			ret = -1;
			break;
		}
		if (extra_fd >= 0 && on_event != NULL &&
		    (wfd.revents & CURL_WAIT_POLLIN) && on_event(arg))
			stop = true;
	}

	if (ret == -1) {
		/*
		 * libcurl itself failed: what is in flight may have reached
		 * the gateway and is retried; what never started is not
		 * reported, as when stopping.
		 */
		for (i = 0; i < gw->nxfers; i++) {
			x = &gw->xfers[i];
			if (!x->busy)
				continue;
			(void)curl_multi_remove_handle(gw->multi, x->easy);
			result_init(&res);
			(void)snprintf(res.error, sizeof(res.error),
			    "internal error: libcurl failed");
			idx = x->idx;
			gateway_release(x);
			done(arg, idx, &res);
		}
	}
	return ret;
}
