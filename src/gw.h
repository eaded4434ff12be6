/* gw.h: the interface between gateway.c and its providers (gw_*.c). */
#ifndef AFTERCARE_GW_H
#define AFTERCARE_GW_H

#include <stdbool.h>
#include <stddef.h>

#include "gateway.h"
#include "util.h"

struct config;

/* An HTTP request as a provider wants it sent; the provider fills it. */
struct gw_request {
	char		*url;		/* caller frees */
	const char	*content_type;	/* static */
	struct buf	 body;
	char		*userpwd;	/* "user:password" for basic auth, or NULL */
	char		*bearer;	/* token for "Authorization: Bearer", or NULL */
};

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
 * Builds the request for msg.  Returns 0, or -1 with a message in err
 * (the message never contains the recipient or the body).
 */
int	gw_twilio_build(const struct config *cfg, const struct message *msg,
	    struct gw_request *req, char *err, size_t errlen);
int	gw_webhook_build(const struct config *cfg, const struct message *msg,
	    struct gw_request *req, char *err, size_t errlen);
/* Email through SendGrid's v3 mail send API (cfg->email). */
int	gw_sendgrid_build(const struct config *cfg, const struct message *msg,
	    struct gw_request *req, char *err, size_t errlen);

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
 * Reads a provider's answer to a completed HTTP exchange: status is the
 * HTTP status, body the response (len bytes, possibly truncated).
 * Fills res->outcome, provider_id and, for failures, error (the
 * gateway's own reason where it gives one); res->retry_after is set by
 * the caller from the headers and left alone.
 */
void	gw_twilio_parse(long status, const char *body, size_t len,
	    struct send_result *res);
void	gw_webhook_parse(long status, const char *body, size_t len,
	    struct send_result *res);
/*
 * SendGrid answers 202 with an empty body; its message id comes in the
 * X-Message-Id header, which gateway.c takes when provider_id is "".
 */
void	gw_sendgrid_parse(long status, const char *body, size_t len,
	    struct send_result *res);

#endif
