/* gw.h: the interface between gateway.c and its providers (gw_*.c). */
#ifndef AFTERCARE_GW_H
#define AFTERCARE_GW_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "gateway.h"
#include "util.h"

struct config;
struct gw_provider;

/* An HTTP request as a provider wants it sent; the provider fills it. */
struct gw_request {
	const char	*method;	/* static: "GET", or NULL for a POST */
	char		*url;		/* caller frees */
	const char	*content_type;	/* static */
	struct buf	 body;
	char		*userpwd;	/* "user:password" for basic auth, or NULL */
	char		*bearer;	/* token for "Authorization: Bearer", or NULL */
};

/*
 * One reusable libcurl handle and the request it is carrying.  gateway.c
 * fills it; the protocol keeps its own in state.
 */
struct gw_xfer {
	const struct config		*cfg;
	const struct gw_provider	*provider;
	enum channel			 ch;
	const char			*url_key;	/* "sms.url" */
	long				 timeout;	/* seconds */
	CURL				*easy;
	bool				 busy;
	size_t				 idx;
	const struct message		*msg;		/* while busy */
	void				*state;		/* the protocol's */
	char				 errbuf[CURL_ERROR_SIZE];
};

/*
 * How a provider's messages travel: HTTP or SMTP.  gateway.c drives the
 * transfers and calls these for each handle x.
 */
struct gw_proto {
	const char	*protocols;	/* CURLOPT_PROTOCOLS_STR */
	/*
	 * Makes x->state and sets the options every request on x shares.
	 * Returns 0, or -1 (logged).
	 */
	int	(*setup)(struct gw_xfer *x);
	/*
	 * Puts x->msg's request on x.  Returns 0, or -1 with a message in
	 * err (never the recipient or the body).
	 */
	int	(*start)(struct gw_xfer *x, char *err, size_t errlen);
	/*
	 * Reads the exchange that completed with rc into res: outcome,
	 * failure, status and the rest (res->ms is already set).
	 */
	void	(*result)(struct gw_xfer *x, CURLcode rc,
		    struct send_result *res);
	/* Frees what one request held; x->state stays for the next. */
	void	(*release)(struct gw_xfer *x);
	/* Frees x->state; a no-op if it is NULL. */
	void	(*clear)(struct gw_xfer *x);
};

/* One provider: its name, its protocol and, over HTTP, its API. */
struct gw_provider {
	const char		*name;	/* for logs and metrics */
	const struct gw_proto	*proto;
	/*
	 * HTTP only: builds the request for msg.  Returns 0, or -1 with a
	 * message in err (the message never contains the recipient or the
	 * body).
	 */
	int	(*build)(const struct config *cfg, const struct message *msg,
		    struct gw_request *req, char *err, size_t errlen);
	/*
	 * HTTP only: reads the answer to a completed exchange: status is the
	 * HTTP status, body the response (len bytes, possibly truncated).
	 * Fills res->outcome, failure, provider_id and, for failures, error
	 * (the gateway's own reason where it gives one); res->retry_after
	 * is set by the caller from the headers and left alone.
	 */
	void	(*parse)(long status, const char *body, size_t len,
		    struct send_result *res);
	/*
	 * HTTP only, NULL if the provider has no way: builds the request
	 * that asks what became of the message it knows as msg->lookup.
	 * Returns 0, or -1 with a message in err.
	 */
	int	(*lookup_build)(const struct config *cfg,
		    const struct message *msg, struct gw_request *req,
		    char *err, size_t errlen);
	/*
	 * Reads its answer as parse() does, and on success what the
	 * provider says of the message: res->delivery_known and
	 * res->delivery, and its error code in res->code.
	 */
	void	(*lookup_parse)(long status, const char *body, size_t len,
		    struct send_result *res);
};

/* The protocols. */
extern const struct gw_proto	gw_http;

/* The providers, one file each. */
extern const struct gw_provider	gw_twilio;	/* Twilio's Messages API */
extern const struct gw_provider	gw_webhook;	/* a JSON webhook */
extern const struct gw_provider	gw_sendgrid;	/* SendGrid's v3 mail send */
extern const struct gw_provider	gw_smtp;	/* a mail server, by SMTP */

void	gw_request_init(struct gw_request *req);
void	gw_request_clear(struct gw_request *req);

/*
 * What an HTTP status means, for every provider: 2xx sent; 408, 429 and
 * 5xx retry; anything else failed (3xx too: redirects are not followed).
 */
enum outcome	gw_status_outcome(long status);
/*
 * What kind of failure an HTTP status is: 429 rate limited, 5xx and 408
 * the server's trouble, anything else rejected; FAILURE_NONE for 2xx.
 */
enum failure	gw_status_failure(long status);
/* Appends a provider's base URL to b without its trailing slashes. */
void		gw_url_base(struct buf *b, const char *base);

/*
 * What reading an answer has in common for every provider: classifies
 * status into res->outcome and res->failure and clears res; on success
 * takes res->provider_id from the first of id_keys the JSON answer has,
 * and returns true.  On failure takes res->code from "code" (only if it is
 * made of letters, digits, '_', '.' and '-': it is logged), the gateway's
 * own reason from the first of reason_keys into reason (one line), and
 * for a redirect explains it in res->error; returns false.  The key
 * lists end with NULL.
 */
bool	gw_answer_read(long status, const char *body, size_t len,
	    const char *const *id_keys, const char *const *reason_keys,
	    char *reason, size_t reasonlen, struct send_result *res);

/*
 * Classifies a transfer that libcurl could not complete (rc) into res's
 * outcome, failure and error, and logs it; sets res->unreached if the
 * request was never sent.
 */
void	gw_curl_error(struct gw_xfer *x, CURLcode rc, struct send_result *res);

#endif
