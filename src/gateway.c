/* SPDX-License-Identifier: MIT */
/* gateway.c: the libcurl multi driver: runs a provider's transfers, paced. */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "gateway.h"
#include "gw.h"
#include "log.h"
#include "schedule.h"
#include "util.h"

#ifndef AFTERCARE_VERSION
#define AFTERCARE_VERSION	"dev"
#endif

#define GATEWAY_CONNECT_MAX	10
/* The share of a provider's rate limit we use. */
#define GATEWAY_RATE_MARGIN	0.99

struct gateway {
	const struct config	*cfg;
	enum channel		 ch;
	const struct gw_provider *provider;
	const char		*url_key;	/* "sms.url", for people */
	const char		*ca_file;
	CURLM			*multi;
	struct gw_xfer		*xfers;
	size_t			 nxfers;
	bool			 paused;	/* start nothing more now */
	void			 (*round)(void *);	/* after completions */
	/* The provider's rate limit: schedule_pace()'s interval and next. */
	double			 interval;	/* seconds */
	double			 tat;		/* CLOCK_MONOTONIC seconds */
};

static int	gateway_easy_setup(struct gateway *gw, struct gw_xfer *x);
static int	gateway_start(struct gateway *gw, struct gw_xfer *x,
		    const struct message *msg, size_t idx,
		    struct send_result *res);
static void	gateway_release(struct gw_xfer *x);
static void	gateway_result(struct gw_xfer *x, CURLcode rc,
		    struct send_result *res);
static void	result_init(struct send_result *res);
static bool	gateway_pace(struct gateway *gw, long *wait_ms);

/* A result before anything is known of the exchange: no answer, retry. */
static void
result_init(struct send_result *res)
{
	memset(res, 0, sizeof(*res));
	res->outcome = OUTCOME_RETRY;
	res->failure = FAILURE_TRANSPORT;
	res->retry_after = -1;
}

/* Chooses the provider of channel ch.  Returns 0, or -1 if it has none. */
static int
gateway_provider_set(struct gateway *gw, const struct config *cfg,
    enum channel ch)
{
	gw->ch = ch;
	if (ch == CHANNEL_SMS) {
		gw->url_key = "sms.url";
		gw->ca_file = cfg->sms.ca_file;
		switch (cfg->sms.provider) {
		case SMS_PROVIDER_TWILIO:
			gw->provider = &gw_twilio;
			return 0;
		case SMS_PROVIDER_WEBHOOK:
			gw->provider = &gw_webhook;
			return 0;
		}
		log_warnx("gateway: unknown SMS provider %d",
		    (int)cfg->sms.provider);
		return -1;
	}
	gw->url_key = "email.url";
	gw->ca_file = cfg->email.ca_file;
	switch (cfg->email.provider) {
	case EMAIL_PROVIDER_SENDGRID:
		gw->provider = &gw_sendgrid;
		return 0;
	case EMAIL_PROVIDER_SMTP:
		gw->provider = &gw_smtp;
		return 0;
	case EMAIL_PROVIDER_NONE:
		break;
	}
	log_warnx("gateway: no email provider is configured");
	return -1;
}

const char *
gateway_provider(const struct gateway *gw)
{
	return gw->provider->name;
}

bool
gateway_can_lookup(const struct gateway *gw)
{
	return gw->provider->lookup_build != NULL;
}

struct gateway *
gateway_new(const struct config *cfg, enum channel ch)
{
	struct gateway	*gw;
	struct gw_xfer	*x;
	size_t		 i, n;
	int		 rate;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("gateway: cannot initialise libcurl");
		return NULL;
	}
	gw = xcalloc(1, sizeof(*gw));
	gw->cfg = cfg;
	if (gateway_provider_set(gw, cfg, ch) == -1)
		goto fail;
	rate = ch == CHANNEL_SMS ? cfg->sms.rate_limit : cfg->email.rate_limit;
	/*
	 * 1% under the limit, so that a send started a moment late (the
	 * loop's wakeups jitter by a millisecond or so) never puts one more
	 * than the limit into any second at the provider.
	 */
	if (rate > 0)
		gw->interval = 1.0 / (rate * GATEWAY_RATE_MARGIN);
	if ((gw->multi = curl_multi_init()) == NULL) {
		log_warnx("gateway: cannot create a libcurl multi handle");
		goto fail;
	}
	n = cfg->delivery.concurrency > 0 ?
	    (size_t)cfg->delivery.concurrency : 1;
	gw->xfers = xcalloc(n, sizeof(*gw->xfers));
	for (i = 0; i < n; i++) {
		x = &gw->xfers[i];
		x->cfg = cfg;
		x->provider = gw->provider;
		x->ch = ch;
		x->url_key = gw->url_key;
		x->timeout = cfg->delivery.timeout > 0 ?
		    cfg->delivery.timeout : 30;
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
gateway_on_round(struct gateway *gw, void (*fn)(void *arg))
{
	gw->round = fn;
}

void
gateway_pause(struct gateway *gw)
{
	gw->paused = true;
}

void
gateway_free(struct gateway *gw)
{
	struct gw_xfer	*x;
	size_t		 i;

	if (gw == NULL)
		return;
	for (i = 0; i < gw->nxfers; i++) {
		x = &gw->xfers[i];
		if (x->easy == NULL)
			continue;
		if (x->busy) {
			(void)curl_multi_remove_handle(gw->multi, x->easy);
			gateway_release(x);
		}
		gw->provider->proto->clear(x);
		curl_easy_cleanup(x->easy);
	}
	free(gw->xfers);
	if (gw->multi != NULL)
		(void)curl_multi_cleanup(gw->multi);
	free(gw);
	curl_global_cleanup();
}

/* Options that stay the same for every request a handle carries. */
static int
gateway_easy_setup(struct gateway *gw, struct gw_xfer *x)
{
	CURL	*e;
	long	 connect;

	if ((x->easy = curl_easy_init()) == NULL) {
		log_warnx("gateway: cannot create a libcurl handle");
		return -1;
	}
	e = x->easy;
	connect = x->timeout < GATEWAY_CONNECT_MAX ? x->timeout :
	    GATEWAY_CONNECT_MAX;
	if (curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT, x->timeout) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, connect) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
	    gw->provider->proto->protocols) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT,
	    "aftercare/" AFTERCARE_VERSION) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK) {
		log_warnx("gateway: cannot set libcurl options");
		return -1;
	}
	if (gw->provider->proto->setup(x) == -1)
		return -1;
	if (gw->ca_file != NULL &&
	    curl_easy_setopt(e, CURLOPT_CAINFO, gw->ca_file) != CURLE_OK) {
		log_warnx("gateway: libcurl cannot use the ca_file of %s",
		    gw->url_key);
		return -1;
	}
	return 0;
}

/*
 * Builds msg's request on x and hands it to the multi handle.  Returns 0,
 * or -1 with res filled (the message was not sent).
 */
static int
gateway_start(struct gateway *gw, struct gw_xfer *x,
    const struct message *msg, size_t idx, struct send_result *res)
{
	char		 err[200];
	CURLMcode	 mc;

	result_init(res);
	x->msg = msg;
	x->idx = idx;
	x->errbuf[0] = '\0';
	err[0] = '\0';

	/* A bad request stays bad: FAILED, unlike trouble on the wire. */
	res->outcome = OUTCOME_FAILED;
	/* A look-up changes nothing: it needs no key. */
	if (msg->lookup == NULL && (msg->idempotency_key == NULL ||
	    msg->idempotency_key[0] == '\0' ||
	    strpbrk(msg->idempotency_key, "\r\n") != NULL)) {
		(void)snprintf(err, sizeof(err), "no usable idempotency key");
		goto fail;
	}
	if (gw->provider->proto->start(x, err, sizeof(err)) == -1)
		goto fail;
	if ((mc = curl_multi_add_handle(gw->multi, x->easy)) != CURLM_OK) {
		(void)snprintf(err, sizeof(err), "libcurl: %s",
		    curl_multi_strerror(mc));
		res->outcome = OUTCOME_RETRY;
		goto fail;
	}
	x->busy = true;
	return 0;
fail:
	log_warnx("gateway: " MESSAGE_FMT ": cannot start the request",
	    MESSAGE_ARGS(msg));
	(void)snprintf(res->error, sizeof(res->error),
	    "cannot build the request: %s", err);
	gateway_release(x);
	return -1;
}

/* Frees what one request held; the handle itself is kept for reuse. */
static void
gateway_release(struct gw_xfer *x)
{
	x->provider->proto->release(x);
	x->busy = false;
	x->msg = NULL;
}

void
gw_curl_error(struct gw_xfer *x, CURLcode rc, struct send_result *res)
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
	res->failure = res->unreached ? FAILURE_UNREACHABLE : FAILURE_TRANSPORT;
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
		what = x->ch == CHANNEL_SMS ? "TLS/certificate problem "
		    "with the gateway (an operator must fix sms.url or "
		    "sms.ca_file)" : "TLS/certificate problem with the gateway "
		    "(an operator must fix email.url or email.ca_file)";
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		res->outcome = OUTCOME_FAILED;
		what = x->ch == CHANNEL_SMS ? "bad gateway URL (check "
		    "sms.url)" : "bad gateway URL (check email.url)";
		break;
	default:
		what = "the transfer failed";
		break;
	}
	(void)snprintf(res->error, sizeof(res->error), "%s: %.150s", what,
	    detail);
	util_text_clean(res->error);
	if (tls)
		log_warnx("gateway: " MESSAGE_FMT ": TLS/certificate problem "
		    "(%s): check %s and its ca_file",
		    MESSAGE_ARGS(x->msg), curl_easy_strerror(rc),
		    x->url_key);
	else
		log_info("gateway: " MESSAGE_FMT ": %s (%s)",
		    MESSAGE_ARGS(x->msg), what,
		    curl_easy_strerror(rc));
}

/* Turns a completed transfer into a result. */
static void
gateway_result(struct gw_xfer *x, CURLcode rc, struct send_result *res)
{
	curl_off_t	 us = 0;

	result_init(res);
	if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &us) != CURLE_OK)
		us = 0;
	res->ms = (long)(us / 1000);
	x->provider->proto->result(x, rc, res);
}

/*
 * Whether a send may start now under the provider's rate limit; if not,
 * sets *wait_ms to the time until it may.
 */
static bool
gateway_pace(struct gateway *gw, long *wait_ms)
{
	struct timespec	ts;
	double		wait;

	if (gw->interval <= 0)
		return true;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("gateway: clock_gettime");
	if (schedule_pace(&gw->tat, gw->interval, (double)ts.tv_sec +
	    (double)ts.tv_nsec / 1e9, &wait))
		return true;
	*wait_ms = (long)(wait * 1000.0) + 1;
	return false;
}

int
gateway_send(struct gateway *gw, const struct message *msgs, size_t n,
    int extra_fd, gateway_event_fn on_event, gateway_done_fn done, void *arg)
{
	struct send_result	 res;
	struct curl_waitfd	 wfd;
	struct gw_xfer		*x;
	CURLMsg			*cm;
	CURLMcode		 mc;
	CURLcode		 rc;
	char			*priv;
	size_t			 next = 0, active = 0, i, idx;
	bool			 stop = false, completed, throttled;
	int			 still, left, ret = 0;
	long			 wait_ms;

	gw->paused = false;
	for (;;) {
		/* Fill free handles; one whose request failed stays free. */
		i = 0;
		wait_ms = 1000;
		throttled = false;
		while (!stop && !gw->paused && next < n) {
			while (i < gw->nxfers && gw->xfers[i].busy)
				i++;
			if (i == gw->nxfers)
				break;
			if (!gateway_pace(gw, &wait_ms)) {
				throttled = true;
				break;
			}
			if (gateway_start(gw, &gw->xfers[i], &msgs[next], next,
			    &res) == 0)
				active++;
			else
				done(arg, next, &res);
			next++;
		}
		if (active == 0 && !throttled)
			break;
		if (active == 0)
			goto wait;

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
			x = (struct gw_xfer *)priv;
			gateway_result(x, rc, &res);
			(void)curl_multi_remove_handle(gw->multi, x->easy);
			idx = x->idx;
			gateway_release(x);
			active--;
			completed = true;
			done(arg, idx, &res);
		}
		if (completed) {
			if (gw->round != NULL)
				gw->round(arg);
			continue;
		}
wait:
		wfd.fd = extra_fd;
		wfd.events = CURL_WAIT_POLLIN;
		wfd.revents = 0;
		mc = curl_multi_poll(gw->multi, &wfd,
		    extra_fd >= 0 && on_event != NULL ? 1 : 0,
		    throttled && wait_ms < 1000 ? (int)wait_ms : 1000, NULL);
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
