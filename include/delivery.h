/* delivery.h: pure delivery states from the providers' callbacks, and Twilio's error codes. */
#ifndef AFTERCARE_DELIVERY_H
#define AFTERCARE_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What became of a sent message, as far as the provider has told us, in
 * the order a state moves: none, queued, sent or deferred, one of the
 * failures, delivered, bounced.  States of one step (sent and deferred;
 * failed, undelivered and dropped) do not replace each other.
 */
enum delivery {
	DELIVERY_NONE,		/* no word since the provider took it */
	DELIVERY_QUEUED,	/* Twilio queued, accepted, scheduled, sending; SendGrid processed */
	DELIVERY_SENT,		/* Twilio sent (to the carrier), partially_delivered */
	DELIVERY_DEFERRED,	/* SendGrid deferred: the receiving server put it off, SendGrid retries */
	DELIVERY_FAILED,	/* Twilio failed or canceled: never sent */
	DELIVERY_UNDELIVERED,	/* Twilio undelivered: the carrier could not deliver it */
	DELIVERY_DROPPED,	/* SendGrid dropped it without sending */
	DELIVERY_DELIVERED,	/* delivered (Twilio read too) */
	DELIVERY_BOUNCED	/* SendGrid bounce, even after delivered (an asynchronous bounce) */
};

/*
 * The state after hearing next in state old: next if it is further on,
 * old otherwise.  So delivered is never overwritten by a late sent or
 * undelivered (a message in segments can report an error, then its
 * delivery), a repeated callback changes nothing, and only a bounce
 * follows delivered.
 */
enum delivery	delivery_advance(enum delivery old, enum delivery next);

/* True for the states no callback is expected after (failed, delivered, ...). */
bool		delivery_final(enum delivery d);

/* "none", "queued", "sent", ...; static. */
const char	*delivery_name(enum delivery d);

/* The state named name (as delivery_name() gives).  Returns 0 or -1. */
int		delivery_parse(const char *name, enum delivery *out);

/*
 * Twilio's MessageStatus, any case, as a state.  Returns 0, or -1 for a
 * status that says nothing of an outbound message's delivery (receiving,
 * received, or one Twilio adds later).
 */
int		delivery_twilio_status(const char *status, enum delivery *out);

/*
 * SendGrid's event name as a state: processed, deferred, delivered,
 * bounce, dropped.  Returns 0, or -1 for the other events (open, click,
 * spamreport, unsubscribe, ...), which are not about delivery.
 */
int		delivery_sendgrid_event(const char *event, enum delivery *out);

/* What a Twilio ErrorCode means. */
struct delivery_error {
	long		 code;
	const char	*meaning;	/* a few words, for staff */
	bool		 permanent;	/* retrying this SMS will not help: fall back to email */
};

/*
 * The entry for a Twilio error code (30003 unreachable, 30005 unknown
 * number, 30006 landline, 30007 carrier filtered, 30008 unknown, ...), or
 * NULL for a code not in the table; static.
 */
const struct delivery_error *delivery_twilio_error(long code);

/*
 * A delivery error as stored (a Twilio code such as "30005", or another
 * provider's code or words), for staff, into buf: a Twilio code in the
 * table with its meaning ("30005 unknown number"), anything else as it
 * is; "" for NULL.  Returns the meaning alone, or NULL if there is none
 * (static).
 */
const char	*delivery_error_format(const char *error, char *buf,
		    size_t len);

#endif
