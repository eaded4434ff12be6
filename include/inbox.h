/* inbox.h: what aftercare-inbound writes: patients' messages, opt-outs, delivery receipts, email events. */
#ifndef AFTERCARE_INBOX_H
#define AFTERCARE_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "delivery.h"
#include "keyword.h"

struct store;
struct inbox;

/* What became of one webhook's writes. */
enum inbox_result {
	INBOX_WRITTEN,		/* written, in one transaction */
	INBOX_DUPLICATE,	/* heard before: nothing changed */
	INBOX_BUSY,		/* locked past the busy timeout: nothing written */
	INBOX_FULL,		/* the disk is full (logged): nothing written */
	INBOX_ERROR		/* the database failed (logged): nothing written */
};

/*
 * Prepares the statements on st's connection (which must outlive the
 * inbox: free it before store_close()).  Returns NULL (logged) if the
 * database cannot take them.
 */
struct inbox	*inbox_new(struct store *st);
void		 inbox_free(struct inbox *ib);

/* A patient's SMS to the clinic; every pointer is borrowed. */
struct inbox_sms {
	const char	*provider;	/* "twilio", "webhook" */
	const char	*message_id;	/* the provider's: the dedupe key */
	const char	*from;		/* E.164 */
	const char	*to;		/* may be NULL */
	const char	*body;		/* UTF-8 */
	long		 num_media;
	enum keyword	 keyword;	/* keyword_classify()'s */
	bool		 urgent;
	bool		 escalate;	/* staff are told (inbound.escalate_to) */
	bool		 acknowledge;	/* inbound.acknowledge */
	time_t		 now;
};

/* What was recorded of it. */
struct inbox_sms_result {
	int64_t		 id;		/* inbound_messages.id */
	int64_t		 patient_id;	/* 0: no patient has the number */
	int64_t		 shared_with;	/* other patients with the number */
	int64_t		 treatment_id;	/* 0: none */
	int64_t		 reminder_id;	/* the SMS it answers; 0: none */
	bool		 acknowledge;	/* answer with the acknowledgement */
};

/*
 * Records m in one transaction: the message, matched to the patient with
 * that number (of several, the one with the latest treatment performed,
 * else the latest), their latest treatment and its latest SMS sent; an
 * opt-out (keyword) or opt-in of the number; whether to acknowledge it
 * (a reply, not a keyword or a request to stop, and nothing acknowledged
 * to that patient or number in 24 hours).  A message heard before
 * changes nothing and gets the answer it got then.
 */
enum inbox_result inbox_sms(struct inbox *ib, const struct inbox_sms *m,
		    struct inbox_sms_result *res);

/* What an email event says of the address. */
enum inbox_address {
	INBOX_ADDRESS_NONE,
	INBOX_ADDRESS_OPTOUT,	/* unsubscribe, spamreport: no more email */
	INBOX_ADDRESS_BOUNCE	/* bad until the patient's address changes */
};

/* A delivery receipt or an email event; every pointer is borrowed. */
struct inbox_receipt {
	const char	*provider;	/* "twilio", "sendgrid", "webhook" */
	const char	*receipt_id;	/* the dedupe key */
	const char	*channel;	/* the reminders it can be about */
	int64_t		 reminder_id;	/* ours, when the event carries it */
	const char	*message_id;	/* else the provider's id of it */
	const char	*event;		/* the provider's word, kept */
	bool		 has_state;	/* state says something of delivery */
	enum delivery	 state;
	const char	*error;		/* an error code or reason, or NULL */
	enum inbox_address address_effect;
	const char	*address;	/* with an effect: the address */
	const char	*status;	/* a bounce's SMTP status, or NULL */
	time_t		 now;
};

/* Counts of what inbox_receipts() did, for the log. */
struct inbox_receipts_result {
	size_t		 written;	/* new receipts */
	size_t		 duplicates;	/* heard before */
	size_t		 unmatched;	/* for no reminder of ours */
	size_t		 advanced;	/* a reminder's delivery state moved */
};

/*
 * Records n receipts in one transaction: each new one moves its
 * reminder's delivery state forward only (delivery_advance()), and an
 * email event records the address as opted out or bounced.  Returns
 * INBOX_DUPLICATE when every one was heard before.
 */
enum inbox_result inbox_receipts(struct inbox *ib,
		    const struct inbox_receipt *r, size_t n,
		    struct inbox_receipts_result *res);

/* "sms" classifications: "reply", "optout", ...; static. */
const char	*inbox_classification(enum keyword k);

#endif
