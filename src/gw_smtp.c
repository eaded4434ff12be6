/* SPDX-License-Identifier: MIT */
/*
 * gw_smtp.c: email through a mail server by SMTP (libcurl): the message,
 * the envelope, and what the server's replies mean.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "config.h"
#include "gateway.h"
#include "gw.h"
#include "log.h"
#include "mail.h"
#include "util.h"

/*
 * How far an SMTP exchange got: the last command we sent.  A refusal
 * before RCPT TO is about us (our name, login or sender), not about the
 * recipient.
 */
enum smtp_stage {
	SMTP_GREETING,		/* nothing sent yet on this connection */
	SMTP_EHLO,		/* EHLO or HELO */
	SMTP_STARTTLS,
	SMTP_AUTH,
	SMTP_MAIL,
	SMTP_RCPT,
	SMTP_DATA		/* DATA, the message, its end */
};

/*
 * What a refusal of RCPT TO blames, when it is not the recipient: Postfix
 * (smtpd_delay_reject, on by default) answers a refused client, EHLO name
 * or sender only at RCPT TO, saying which in its reply text.
 */
enum smtp_blame {
	BLAME_NONE,
	BLAME_CLIENT,		/* "Client host rejected" */
	BLAME_HELO,		/* "Helo command rejected" */
	BLAME_SENDER,		/* "Sender address rejected" */
	BLAME_RELAY		/* "Relay access denied" */
};

/* An SMTP handle's own: the envelope and the message being uploaded. */
struct smtp_state {
	char			*url;		/* email.url/EHLO name */
	struct curl_slist	*rcpt;
	char			*mail_from;
	struct buf		 mail;
	size_t			 mail_off;
	enum smtp_stage		 stage;
	enum smtp_blame		 blame;
};

static int	smtp_setup(struct gw_xfer *x);
static int	smtp_start(struct gw_xfer *x, char *err, size_t errlen);
static void	smtp_result(struct gw_xfer *x, CURLcode rc,
		    struct send_result *res);
static void	smtp_release(struct gw_xfer *x);
static void	smtp_clear(struct gw_xfer *x);
static size_t	smtp_read_cb(char *data, size_t size, size_t nmemb,
		    void *arg);
static size_t	smtp_write_cb(char *data, size_t size, size_t nmemb,
		    void *arg);
static int	smtp_debug(CURL *e, curl_infotype type, char *data,
		    size_t n, void *arg);
static char	*smtp_helo(const struct config *cfg);
static bool	smtp_refused_us(struct gw_xfer *x, long code,
		    struct send_result *res);
static void	smtp_outcome(struct gw_xfer *x, CURLcode rc,
		    struct send_result *res);
static enum failure	smtp_failure(const struct send_result *res);

/*
 * SMTP: the message is uploaded (without the upload libcurl would send
 * VRFY instead), and libcurl's trace tells how far an exchange got.
 */
static int
smtp_setup(struct gw_xfer *x)
{
	const struct config	*cfg = x->cfg;
	struct smtp_state	*s;
	char			*helo;
	CURL			*e = x->easy;

	s = xcalloc(1, sizeof(*s));
	buf_init(&s->mail);
	x->state = s;
	/* libcurl says the URL's path in EHLO (and else this host's name). */
	if (cfg->email.url != NULL && cfg->email.from != NULL) {
		helo = smtp_helo(cfg);
		s->url = xasprintf("%s/%s", cfg->email.url, helo);
		free(helo);
	}
	/*
	 * libcurl waits for the reply to the end of DATA on its own, also
	 * when closing: never longer than a request may take.
	 */
	if (curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    x->timeout) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, smtp_debug) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_DEBUGDATA, s) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_READFUNCTION, smtp_read_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_READDATA, s) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, smtp_write_cb) !=
	    CURLE_OK ||
	    (cfg->email.starttls && curl_easy_setopt(e,
	    CURLOPT_USE_SSL, (long)CURLUSESSL_ALL) != CURLE_OK) ||
	    (cfg->email.username != NULL && (curl_easy_setopt(e,
	    CURLOPT_USERNAME, cfg->email.username) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PASSWORD,
	    cfg->email.password != NULL ? cfg->email.password : "") !=
	    CURLE_OK))) {
		log_warnx("gateway: libcurl refused an SMTP option");
		return -1;
	}
	return 0;
}

/*
 * Sets x up to send its message by SMTP: the message is built here
 * (mail.c) and uploaded; its Message-ID is the reminder's idempotency key,
 * so that a message sent twice after a crash is the same message.
 */
static int
smtp_start(struct gw_xfer *x, char *err, size_t errlen)
{
	const struct config	*cfg = x->cfg;
	const struct message	*msg = x->msg;
	struct smtp_state	*s = x->state;
	struct mail		 m;
	struct curl_slist	*l = NULL, *n;
	char			*rcpt;
	size_t			 i;
	CURL			*e = x->easy;

	if (cfg->email.url == NULL || cfg->email.from == NULL) {
		(void)snprintf(err, errlen, "smtp: email.url and email.from "
		    "are required");
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.from = cfg->email.from;
	m.from_name = cfg->email.from_name;
	m.to = msg->to;
	m.to_name = msg->to_name;
	m.more_to = msg->more_to;
	m.nmore_to = msg->nmore_to;
	m.subject = msg->subject;
	m.text = msg->body;
	m.html = msg->html;
	m.id = msg->idempotency_key;
	/* Staff do not unsubscribe from their patients' replies. */
	m.unsubscribe = msg->inbound_id > 0 ? NULL : cfg->email.unsubscribe;
	m.date = msg->date;
	s->mail.len = 0;
	s->mail_off = 0;
	s->stage = SMTP_GREETING;
	s->blame = BLAME_NONE;
	if (msg->to == NULL || !mail_address_valid(msg->to)) {
		(void)snprintf(err, errlen, "smtp: " MESSAGE_FMT ": the "
		    "recipient is not a usable email address",
		    MESSAGE_ARGS(msg));
		return -1;
	}
	if (mail_build(&m, &s->mail, err, errlen) == -1)
		return -1;
	s->mail_from = xasprintf("<%s>", cfg->email.from);
	for (i = 0; i <= msg->nmore_to; i++) {
		rcpt = xasprintf("<%s>", i == 0 ? msg->to :
		    msg->more_to[i - 1]);
		n = curl_slist_append(l, rcpt);
		free(rcpt);
		if (n == NULL)
			fatalx("gateway: out of memory");
		l = n;
	}
	s->rcpt = l;
	if (curl_easy_setopt(e, CURLOPT_URL, s->url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAIL_FROM, s->mail_from) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, s->rcpt) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)s->mail.len) != CURLE_OK) {
		(void)snprintf(err, errlen, "libcurl refused an option "
		    "(check email.url)");
		return -1;
	}
	return 0;
}

/* Hands libcurl the next part of the message being uploaded. */
static size_t
smtp_read_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct smtp_state	*s = arg;
	size_t			 room = size * nmemb, left;

	left = s->mail.len - s->mail_off;
	if (left > room)
		left = room;
	memcpy(data, s->mail.data + s->mail_off, left);
	s->mail_off += left;
	return left;
}

/*
 * Sending mail downloads nothing; anything libcurl passes on all the same
 * is dropped, not printed on stdout as libcurl would by default.
 */
static size_t
smtp_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return size * nmemb;
}

/*
 * libcurl's trace of an SMTP exchange (CURLOPT_VERBOSE goes only here):
 * the commands we send tell how far it got, and a refused RCPT TO's text
 * whom it blames.  Nothing of it is kept or logged: it quotes addresses,
 * and after AUTH our credentials.
 */
static int
smtp_debug(CURL *e, curl_infotype type, char *data, size_t n, void *arg)
{
	static const struct {
		const char	*cmd;
		enum smtp_stage	 stage;
	} cmds[] = {
		{ "EHLO ", SMTP_EHLO }, { "HELO ", SMTP_EHLO },
		{ "STARTTLS\r", SMTP_STARTTLS }, { "AUTH ", SMTP_AUTH },
		{ "MAIL FROM:", SMTP_MAIL }, { "RCPT TO:", SMTP_RCPT },
		{ "DATA\r", SMTP_DATA }
	};
	static const struct {
		const char	*says;
		enum smtp_blame	 blame;
	} blames[] = {
		{ "Client host rejected", BLAME_CLIENT },
		{ "Helo command rejected", BLAME_HELO },
		{ "Sender address rejected", BLAME_SENDER },
		{ "Relay access denied", BLAME_RELAY }
	};
	struct smtp_state	*s = arg;
	size_t			 i, j, len;

	(void)e;
	if (type == CURLINFO_HEADER_OUT) {
		/* A line of AUTH's exchange is base64: it matches none. */
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			len = strlen(cmds[i].cmd);
			if (n >= len && strncasecmp(data, cmds[i].cmd, len) ==
			    0) {
				s->stage = cmds[i].stage;
				break;
			}
		}
	} else if (type == CURLINFO_HEADER_IN && s->stage == SMTP_RCPT &&
	    n >= 4 && (data[0] == '4' || data[0] == '5')) {
		for (i = 0; i < sizeof(blames) / sizeof(blames[0]); i++) {
			len = strlen(blames[i].says);
			for (j = 0; j + len <= n; j++)
				if (memcmp(data + j, blames[i].says, len) == 0)
					break;
			if (j + len <= n) {
				s->blame = blames[i].blame;
				break;
			}
		}
	}
	return 0;
}

/*
 * The name we give in EHLO, which a relay may insist is fully qualified:
 * email.helo, else this host's name if it is fully qualified, else the
 * domain of email.from.  Caller frees.
 */
static char *
smtp_helo(const struct config *cfg)
{
	char		 host[256];
	const char	*p;

	if (cfg->email.helo != NULL)
		return xstrdup(cfg->email.helo);
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		for (p = host; (*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
		    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '.'; p++)
			;
		if (*p == '\0' && strchr(host, '.') != NULL &&
		    host[0] != '.' && p[-1] != '.' &&
		    strstr(host, "..") == NULL)
			return xstrdup(host);
	}
	return xstrdup(strrchr(cfg->email.from, '@') + 1);
}

/*
 * A refusal that is about our side, not the message: of the connection,
 * our EHLO name, STARTTLS, our login or our sender (before RCPT TO, or
 * blamed in RCPT TO's reply).  Retrying it for each reminder cannot help
 * until an operator fixes the configuration, so it is no attempt and the
 * channel pauses.  Returns whether code was such a refusal (res filled).
 */
static bool
smtp_refused_us(struct gw_xfer *x, long code, struct send_result *res)
{
	struct smtp_state	*s = x->state;
	const char		*what, *fix;

	if (s->blame == BLAME_CLIENT ||
	    (s->blame == BLAME_NONE && s->stage == SMTP_GREETING)) {
		what = "refused this host";
		fix = "check email.url, or that the server takes mail from "
		    "this host";
	} else if (s->blame == BLAME_HELO || (s->blame == BLAME_NONE &&
	    s->stage == SMTP_EHLO)) {
		what = "refused our EHLO name";
		fix = "set email.helo to this host's fully qualified domain "
		    "name";
	} else if (s->blame == BLAME_NONE && s->stage == SMTP_STARTTLS) {
		what = "refused STARTTLS";
		fix = "check email.url and email.starttls";
	} else if (s->blame == BLAME_RELAY || (s->blame == BLAME_NONE &&
	    s->stage == SMTP_AUTH)) {
		what = s->blame == BLAME_RELAY ? "does not relay for us" :
		    "refused our login";
		fix = "check email.username and the password";
	} else if (s->blame == BLAME_SENDER || (s->blame == BLAME_NONE &&
	    s->stage == SMTP_MAIL)) {
		what = "refused our sender";
		fix = "check email.from (the server may want the address of "
		    "email.username)";
	} else
		return false;
	res->outcome = OUTCOME_RETRY;
	res->unreached = true;
	if (code > 0)
		(void)snprintf(res->code, sizeof(res->code), "%ld", code);
	(void)snprintf(res->error, sizeof(res->error), "the mail server %s "
	    "(SMTP %ld): %s", what, code, fix);
	log_warnx("gateway: " MESSAGE_FMT ": the mail server %s (SMTP %ld): "
	    "%s", MESSAGE_ARGS(x->msg), what, code, fix);
	return true;
}

/*
 * An SMTP exchange: the server's last reply code decides, as RFC 5321
 * says: 2xx accepted, 4xx try again later, 5xx never (a bad address,
 * say), unless the refusal is about us (smtp_refused_us()).  Trouble
 * on the wire is as for HTTP.  Until RCPT TO nothing of the message was
 * handed over, so a failure then (TLS, say) is no attempt.
 */
static void
smtp_outcome(struct gw_xfer *x, CURLcode rc, struct send_result *res)
{
	struct smtp_state	*s = x->state;
	curl_socket_t		 fd;
	long			 code = 0;

	if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code) !=
	    CURLE_OK)
		code = 0;
	res->status = code;
	/*
	 * A failed exchange leaves the connection out of step (a reply that
	 * came too late would answer the next message's MAIL FROM): libcurl
	 * would keep it for reuse, so it is shut here and never reused.
	 */
	if (rc != CURLE_OK && curl_easy_getinfo(x->easy,
	    CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK && fd != CURL_SOCKET_BAD)
		(void)shutdown(fd, SHUT_RDWR);
	/* Only 250 to the end of DATA is delivery (not VRFY's 252, say). */
	if (rc == CURLE_OK && code != 250) {
		res->outcome = OUTCOME_RETRY;
		(void)snprintf(res->error, sizeof(res->error), "the mail "
		    "server's last reply was SMTP %ld, not 250", code);
		log_warnx("gateway: " MESSAGE_FMT ": SMTP %ld where 250 was "
		    "due", MESSAGE_ARGS(x->msg), code);
		return;
	}
	if (rc == CURLE_OK) {
		res->outcome = OUTCOME_SENT;
		/* Our Message-ID: what the recipient's mail client shows. */
		(void)snprintf(res->provider_id, sizeof(res->provider_id),
		    "%s", x->msg->idempotency_key);
		log_debug("gateway: " MESSAGE_FMT ": SMTP %ld in %ld ms",
		    MESSAGE_ARGS(x->msg), code, res->ms);
		return;
	}
	if (rc == CURLE_LOGIN_DENIED) {
		s->stage = SMTP_AUTH;
		s->blame = BLAME_NONE;
	}
	if ((rc == CURLE_LOGIN_DENIED || (code >= 400 && code <= 599)) &&
	    smtp_refused_us(x, code, res))
		return;
	if (code >= 400 && code <= 599) {
		/* The server's words may quote the address: keep the code. */
		res->outcome = code >= 500 ? OUTCOME_FAILED : OUTCOME_RETRY;
		(void)snprintf(res->error, sizeof(res->error), "the mail "
		    "server refused the message: SMTP %ld (%s)", code,
		    code >= 500 ? "permanent: check the address" :
		    "temporary: tried again later");
		(void)snprintf(res->code, sizeof(res->code), "%ld", code);
		log_info("gateway: " MESSAGE_FMT ": SMTP %ld",
		    MESSAGE_ARGS(x->msg), code);
		return;
	}
	gw_curl_error(x, rc, res);
	/* The last reply (the greeting's 220, EHLO's 250) is not the cause. */
	res->unreached = s->stage < SMTP_RCPT;
	if (res->unreached)
		res->status = 0;
}

/*
 * What kind of failure an SMTP exchange's result is, by its last reply:
 * 4xx is the server's trouble, 5xx a refusal.  A server that refused our
 * EHLO name, say, was reached.
 */
static enum failure
smtp_failure(const struct send_result *res)
{
	if (res->outcome == OUTCOME_SENT)
		return FAILURE_NONE;
	if (res->status == 0)
		return res->unreached ? FAILURE_UNREACHABLE : FAILURE_TRANSPORT;
	return res->status >= 500 ? FAILURE_REJECTED : FAILURE_SERVER_ERROR;
}

static void
smtp_result(struct gw_xfer *x, CURLcode rc, struct send_result *res)
{
	smtp_outcome(x, rc, res);
	res->failure = smtp_failure(res);
}

static void
smtp_release(struct gw_xfer *x)
{
	struct smtp_state	*s = x->state;

	curl_slist_free_all(s->rcpt);
	s->rcpt = NULL;
	free(s->mail_from);
	s->mail_from = NULL;
	s->mail.len = 0;
	s->mail_off = 0;
	/* Drop the pointers into freed memory before the next request. */
	(void)curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, NULL);
	(void)curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, NULL);
}

static void
smtp_clear(struct gw_xfer *x)
{
	struct smtp_state	*s = x->state;

	if (s == NULL)
		return;
	free(s->url);
	buf_clear(&s->mail);
	free(s);
	x->state = NULL;
}

static const struct gw_proto smtp_proto = {
	.protocols = "smtp,smtps",
	.setup = smtp_setup,
	.start = smtp_start,
	.result = smtp_result,
	.release = smtp_release,
	.clear = smtp_clear
};

const struct gw_provider gw_smtp = {
	.name = "smtp",
	.proto = &smtp_proto
};
