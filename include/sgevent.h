/* sgevent.h: pure parsing of the body of SendGrid's Event Webhook. */
#ifndef AFTERCARE_SGEVENT_H
#define AFTERCARE_SGEVENT_H

#include <stddef.h>
#include <stdint.h>

#include "delivery.h"

/* Most events and bytes in one body; SendGrid batches far fewer. */
#define SGEVENT_MAX		20000
#define SGEVENT_LEN_MAX		(32 * 1024 * 1024)

enum sgevent_type {
	SGEVENT_OTHER,		/* one we do not act on; its name in event */
	SGEVENT_PROCESSED,
	SGEVENT_DEFERRED,
	SGEVENT_DELIVERED,
	SGEVENT_BOUNCE,
	SGEVENT_DROPPED,
	SGEVENT_SPAMREPORT,
	SGEVENT_UNSUBSCRIBE,
	SGEVENT_GROUP_UNSUBSCRIBE,
	SGEVENT_GROUP_RESUBSCRIBE,
	SGEVENT_OPEN,
	SGEVENT_CLICK
};

/*
 * One event.  Strings are NULL when the event lacks them, and have their
 * control characters made spaces.  reminder_id and milestone are the
 * custom_args gw_sendgrid.c sends, which SendGrid repeats in every event.
 */
struct sgevent {
	enum sgevent_type	 type;
	enum delivery		 delivery;	/* what it says of delivery, or DELIVERY_NONE */
	char			*event;		/* the name as sent */
	char			*sg_event_id;	/* the key to drop a repeated event by */
	char			*sg_message_id;
	char			*message_id;	/* sg_message_id up to its first '.': the X-Message-Id of the send */
	int64_t			 timestamp;	/* seconds, 0 if absent */
	int64_t			 reminder_id;	/* 0 if absent or not a positive integer */
	char			*milestone;
	char			*email;		/* the recipient: patient data, never logged */
	char			*reason;	/* bounce, dropped; deferred: SendGrid's reason or response */
	char			*status;	/* bounce: the enhanced status code, "5.1.1" */
	char			*bounce_type;	/* bounce: "bounce" (the address is bad) or "blocked" */
};

struct sgevent_list {
	struct sgevent	*ev;
	size_t		 n;
};

/*
 * Parses a body (len raw bytes) into list, in the order sent.  Refuses,
 * with list empty and one line in err that quotes nothing of the body,
 * what is not a JSON array of objects, more than SGEVENT_MAX events or
 * SGEVENT_LEN_MAX bytes.  An event without some member is kept, that
 * member NULL or 0.  Returns 0 or -1; in both cases the caller calls
 * sgevent_clear().
 */
int	sgevent_parse(const char *body, size_t len, struct sgevent_list *list,
	    char *err, size_t errlen);

/* Frees what sgevent_parse() allocated and empties list. */
void	sgevent_clear(struct sgevent_list *list);

#endif
