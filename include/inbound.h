/* inbound.h: pure parts of aftercare-inbound: its endpoints, what each accepts, its answers, the webhook format. */
#ifndef AFTERCARE_INBOUND_H
#define AFTERCARE_INBOUND_H

#include <stdbool.h>
#include <stddef.h>

/* The most a form or a webhook's JSON may be; more is answered 413. */
#define INBOUND_BODY_MAX	(64 * 1024)
/*
 * SendGrid posts its events in batches far larger than one message (up
 * to about 768 KiB, its documentation says), and retries a refused one
 * for a day: its endpoint takes more.
 */
#define INBOUND_EVENTS_MAX	(2 * 1024 * 1024)
/* The longest provider message id we keep; Twilio's are 34 bytes. */
#define INBOUND_ID_MAX		64

enum inbound_endpoint {
	INBOUND_UNKNOWN,
	INBOUND_TWILIO_SMS,		/* POST /twilio/sms: form */
	INBOUND_TWILIO_STATUS,		/* POST /twilio/status: form */
	INBOUND_SENDGRID_EVENTS,	/* POST /sendgrid/events: JSON array */
	INBOUND_WEBHOOK_SMS,		/* POST /webhook/sms: JSON object */
	INBOUND_WEBHOOK_STATUS		/* POST /webhook/status: JSON object */
};

/* The endpoint's path under public_url ("/twilio/sms"); static. */
const char	*inbound_endpoint_path(enum inbound_endpoint ep);

/*
 * The path part of public_url ("https://h/aftercare" gives "/aftercare",
 * "https://h" gives ""); borrowed from url.
 */
const char	*inbound_url_path(const char *url);

/*
 * The endpoint a request's path names: public_url's path followed by an
 * endpoint's, or the endpoint's alone (a proxy that strips the prefix).
 * INBOUND_UNKNOWN for anything else.
 */
enum inbound_endpoint inbound_route(const char *public_path,
		    const char *path);

/*
 * Whether a Content-Type header (NULL if absent) is the one ep takes:
 * application/x-www-form-urlencoded for Twilio, application/json for
 * the rest; any case, parameters (charset) allowed.
 */
bool		inbound_content_type_ok(enum inbound_endpoint ep,
		    const char *content_type);

/* The largest body ep takes, in bytes. */
size_t		inbound_body_max(enum inbound_endpoint ep);

/*
 * Whether s can be a provider's message or event id: 1 to
 * INBOUND_ID_MAX bytes of letters, digits and "-_.:=+/".
 */
bool		inbound_id_ok(const char *s);

/*
 * The len bytes of s as a string of valid UTF-8: each NUL and each byte
 * that is not part of a UTF-8 character becomes U+FFFD; everything else,
 * line breaks, controls and bidirectional marks included, is kept as
 * sent.  Caller frees.
 */
char		*inbound_text(const char *s, size_t len);

/*
 * The TwiML answer: <Response/>, or a <Message> with text (NULL for
 * none), escaped for XML.  Caller frees.
 */
char		*inbound_twiml(const char *text);

/*
 * The JSON webhook provider's message to the clinic:
 * {"id": "...", "from": "+1...", "to": "+1...", "body": "...",
 *  "num_media": 0, "opt_out_type": "STOP"}; to, num_media and
 * opt_out_type are optional.  Owns its strings.
 */
struct inbound_webhook_sms {
	char	*id;
	char	*from;
	char	*to;
	char	*body;			/* valid UTF-8, as inbound_text() */
	char	*opt_out_type;
	long	 num_media;
};

/*
 * Parses one into m.  Returns 0, or -1 with a reason in err that quotes
 * nothing of the body; in both cases the caller calls
 * inbound_webhook_sms_clear().
 */
int	inbound_webhook_sms_parse(const char *body, size_t len,
	    struct inbound_webhook_sms *m, char *err, size_t errlen);
void	inbound_webhook_sms_clear(struct inbound_webhook_sms *m);

/*
 * Its delivery receipt: {"id": "...", "status": "delivered",
 * "error": "30003", "event_id": "..."}; id is what the gateway answered
 * the send with, status one of Twilio's MessageStatus words, error and
 * event_id (the dedupe key; default id/status) optional.
 */
struct inbound_webhook_status {
	char	*id;
	char	*status;
	char	*error;
	char	*event_id;
};

int	inbound_webhook_status_parse(const char *body, size_t len,
	    struct inbound_webhook_status *s, char *err, size_t errlen);
void	inbound_webhook_status_clear(struct inbound_webhook_status *s);

#endif
