/* SPDX-License-Identifier: MIT */
/*
 * gw_http.c: what the HTTP providers share: the POST, its headers, and
 * reading the status, the answer and Retry-After.
 */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "gateway.h"
#include "gw.h"
#include "json.h"
#include "log.h"
#include "util.h"

/* Bytes of an answer kept; the rest is read and dropped. */
#define HTTP_BODY_MAX	(64 * 1024)
/* Longest wait asked by Retry-After that we honour, in seconds. */
#define HTTP_RETRY_MAX	86400
/* The longest provider error code we keep (and log). */
#define HTTP_CODE_MAX	8

/* An HTTP handle's own: the request it carries and the answer. */
struct http_state {
	struct gw_request	 req;
	struct curl_slist	*headers;
	struct buf		 resp;
	long			 retry_after;
	char			 header_id[128];	/* X-Message-Id */
};

static int	http_setup(struct gw_xfer *x);
static int	http_start(struct gw_xfer *x, char *err, size_t errlen);
static void	http_result(struct gw_xfer *x, CURLcode rc,
		    struct send_result *res);
static void	http_release(struct gw_xfer *x);
static void	http_clear(struct gw_xfer *x);
static size_t	http_write_cb(char *data, size_t size, size_t nmemb,
		    void *arg);
static size_t	http_header_cb(char *data, size_t size, size_t nmemb,
		    void *arg);
static void	header_value(const char *data, size_t n, size_t namelen,
		    char *value, size_t len);
static long	http_retry_after(const char *value);
static void	http_header(struct http_state *s, const char *name,
		    const char *value);

void
gw_request_init(struct gw_request *req)
{
	req->method = NULL;
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

enum failure
gw_status_failure(long status)
{
	if (status >= 200 && status <= 299)
		return FAILURE_NONE;
	if (status == 429)
		return FAILURE_RATE_LIMITED;
	if (status >= 500 || status == 408)
		return FAILURE_SERVER_ERROR;
	return FAILURE_REJECTED;
}

void
gw_url_base(struct buf *b, const char *base)
{
	size_t	len = strlen(base);

	while (len > 0 && base[len - 1] == '/')
		len--;
	buf_append(b, base, len);
}

bool
gw_answer_read(long status, const char *body, size_t len,
    const char *const *id_keys, const char *const *reason_keys,
    char *reason, size_t reasonlen, struct send_result *res)
{
	size_t	i;

	res->outcome = gw_status_outcome(status);
	res->failure = gw_status_failure(status);
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
		util_text_clean(res->provider_id);
		return true;
	}
	/*
	 * The code is logged, so it must be a code: short (Twilio's are 5
	 * digits), of letters, digits and "_.-"; anything else a gateway
	 * puts there (a phone number, a name) is dropped.
	 */
	if (json_get(body, len, "code", res->code, sizeof(res->code)) != 0 ||
	    strlen(res->code) > HTTP_CODE_MAX ||
	    res->code[strspn(res->code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-")] != '\0')
		res->code[0] = '\0';
	for (i = 0; reason_keys[i] != NULL; i++)
		if (json_get(body, len, reason_keys[i], reason, reasonlen) == 0)
			break;
	if (reason_keys[i] == NULL)
		reason[0] = '\0';
	util_text_clean(reason);
	if (status >= 300 && status < 400)
		(void)snprintf(res->error, sizeof(res->error),
		    "HTTP %ld: redirect not followed (check sms.url)", status);
	return false;
}

/* HTTP: a POST (or a GET) whose answer and headers the callbacks read. */
static int
http_setup(struct gw_xfer *x)
{
	struct http_state	*s;
	CURL			*e = x->easy;

	s = xcalloc(1, sizeof(*s));
	gw_request_init(&s->req);
	buf_init(&s->resp);
	x->state = s;
	if (curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, s) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, s) != CURLE_OK) {
		log_warnx("gateway: cannot set libcurl options");
		return -1;
	}
	return 0;
}

/* Sets x up for its message's HTTP request.  Returns 0, or -1 with err. */
static int
http_start(struct gw_xfer *x, char *err, size_t errlen)
{
	struct http_state	*s = x->state;
	const struct message	*msg = x->msg;
	char			*auth;
	CURL			*e = x->easy;

	s->retry_after = -1;
	s->header_id[0] = '\0';
	s->resp.len = 0;
	buf_append(&s->resp, "", 0);
	if (msg->lookup != NULL && x->provider->lookup_build == NULL) {
		(void)snprintf(err, errlen, "%s cannot look a message up",
		    x->provider->name);
		return -1;
	}
	if ((msg->lookup != NULL ? x->provider->lookup_build :
	    x->provider->build)(x->cfg, msg, &s->req, err, errlen) == -1)
		return -1;
	if (s->req.bearer != NULL && strpbrk(s->req.bearer, "\r\n") != NULL) {
		(void)snprintf(err, errlen, "the auth token has a newline");
		return -1;
	}

	if (s->req.content_type != NULL)
		http_header(s, "Content-Type", s->req.content_type);
	http_header(s, "Accept", "application/json");
	if (msg->lookup == NULL)
		http_header(s, "Idempotency-Key", msg->idempotency_key);
	/* Never wait for a "100 Continue" the gateway may not send. */
	http_header(s, "Expect", NULL);
	if (s->req.bearer != NULL) {
		auth = xasprintf("Bearer %s", s->req.bearer);
		http_header(s, "Authorization", auth);
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	if (s->req.method != NULL && strcmp(s->req.method, "GET") == 0) {
		if (curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) != CURLE_OK) {
			(void)snprintf(err, errlen, "libcurl refused a GET");
			return -1;
		}
	} else if (curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)s->req.body.len) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_POSTFIELDS,
	    s->req.body.data != NULL ? s->req.body.data : "") != CURLE_OK) {
		(void)snprintf(err, errlen, "libcurl refused the body");
		return -1;
	}
	if (curl_easy_setopt(e, CURLOPT_URL, s->req.url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERPWD, s->req.userpwd) != CURLE_OK) {
		(void)snprintf(err, errlen, "libcurl refused an option "
		    "(check %s)", x->url_key);
		return -1;
	}
	return 0;
}

/* Keeps at most HTTP_BODY_MAX bytes; more is not an error. */
static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_state	*s = arg;
	size_t			 n = size * nmemb, room;

	room = s->resp.len < HTTP_BODY_MAX ?
	    HTTP_BODY_MAX - s->resp.len : 0;
	buf_append(&s->resp, data, n < room ? n : room);
	return n;
}

static size_t
http_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	static const char	 retry[] = "retry-after:";
	static const char	 msgid[] = "x-message-id:";
	struct http_state	*s = arg;
	size_t			 n = size * nmemb;
	char			 value[128];

	/* A new status line (after 100 Continue, say) starts afresh. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		s->retry_after = -1;
		s->header_id[0] = '\0';
		return n;
	}
	if (n >= sizeof(retry) - 1 &&
	    strncasecmp(data, retry, sizeof(retry) - 1) == 0) {
		header_value(data, n, sizeof(retry) - 1, value, sizeof(value));
		if (value[0] != '\0')
			s->retry_after = http_retry_after(value);
	} else if (n >= sizeof(msgid) - 1 &&
	    strncasecmp(data, msgid, sizeof(msgid) - 1) == 0) {
		header_value(data, n, sizeof(msgid) - 1, s->header_id,
		    sizeof(s->header_id));
		util_text_clean(s->header_id);
	}
	return n;
}

/*
 * The value of a header line of n bytes whose name takes namelen; "" if
 * too long.
 */
static void
header_value(const char *data, size_t n, size_t namelen, char *value,
    size_t len)
{
	const char	*p = data + namelen;
	size_t		 vlen = n - namelen;

	value[0] = '\0';
	while (vlen > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		vlen--;
	}
	while (vlen > 0 && isspace((unsigned char)p[vlen - 1]))
		vlen--;
	if (vlen == 0 || vlen >= len)
		return;
	memcpy(value, p, vlen);
	value[vlen] = '\0';
}

/* Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3). */
static long
http_retry_after(const char *value)
{
	char		*end;
	long long	 secs;
	time_t		 when, now;

	if (isdigit((unsigned char)value[0])) {
		errno = 0;
		secs = strtoll(value, &end, 10);
		if (*end != '\0')
			return -1;
		if (errno == ERANGE || secs > HTTP_RETRY_MAX)
			return HTTP_RETRY_MAX;
		return (long)secs;
	}
	if ((when = curl_getdate(value, NULL)) == -1)
		return -1;
	if ((now = time(NULL)) == (time_t)-1)
		return -1;
	if (when <= now)
		return 0;
	if (when - now > HTTP_RETRY_MAX)
		return HTTP_RETRY_MAX;
	return (long)(when - now);
}

/*
 * Adds "name: value" to the request's headers (value NULL: "name:", which
 * removes libcurl's own header).  libcurl copies the line; running out of
 * memory is fatal, as for xmalloc().
 */
static void
http_header(struct http_state *s, const char *name, const char *value)
{
	struct curl_slist	*h;
	char			*line;

	line = xasprintf("%s:%s%s", name, value != NULL ? " " : "",
	    value != NULL ? value : "");
	h = curl_slist_append(s->headers, line);
	explicit_bzero(line, strlen(line));
	free(line);
	if (h == NULL)
		fatalx("gateway: out of memory");
	s->headers = h;
}

/* Reads the answer to an HTTP request: the provider's, then the headers'. */
static void
http_result(struct gw_xfer *x, CURLcode rc, struct send_result *res)
{
	struct http_state	*s = x->state;
	long			 status = 0;

	if (rc != CURLE_OK) {
		gw_curl_error(x, rc, res);
		return;
	}
	if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK || status < 100) {
		(void)snprintf(res->error, sizeof(res->error),
		    "the gateway's answer had no HTTP status");
		log_info("gateway: " MESSAGE_FMT ": no HTTP status",
		    MESSAGE_ARGS(x->msg));
		return;
	}
	res->status = status;
	if (x->msg->lookup != NULL)
		x->provider->lookup_parse(status, s->resp.data, s->resp.len,
		    res);
	else
		x->provider->parse(status, s->resp.data, s->resp.len, res);
	res->retry_after = s->retry_after;
	if (status >= 300 && status <= 399)
		(void)snprintf(res->error, sizeof(res->error), "HTTP %ld: "
		    "redirect not followed (check %s)", status, x->url_key);
	if (res->outcome == OUTCOME_SENT && res->provider_id[0] == '\0')
		(void)snprintf(res->provider_id, sizeof(res->provider_id),
		    "%s", s->header_id);
	if (res->code[0] != '\0')
		log_debug("gateway: " MESSAGE_FMT ": HTTP %ld, code %s in "
		    "%lld ms", MESSAGE_ARGS(x->msg), status, res->code,
		    (long long)res->ms);
	else
		log_debug("gateway: " MESSAGE_FMT ": HTTP %ld in %lld ms",
		    MESSAGE_ARGS(x->msg), status,
		    (long long)res->ms);
}

static void
http_release(struct gw_xfer *x)
{
	struct http_state	*s = x->state;

	curl_slist_free_all(s->headers);
	s->headers = NULL;
	gw_request_clear(&s->req);
	/* Drop the pointers into freed memory before the next request. */
	(void)curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
	(void)curl_easy_setopt(x->easy, CURLOPT_USERPWD, NULL);
	(void)curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, NULL);
}

static void
http_clear(struct gw_xfer *x)
{
	struct http_state	*s = x->state;

	if (s == NULL)
		return;
	buf_clear(&s->resp);
	free(s);
	x->state = NULL;
}

const struct gw_proto gw_http = {
	.protocols = "http,https",
	.setup = http_setup,
	.start = http_start,
	.result = http_result,
	.release = http_release,
	.clear = http_clear
};
