/* compose.h: pure: decides what a claimed reminder becomes: a message or a reason. */
#ifndef AFTERCARE_COMPOSE_H
#define AFTERCARE_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "mail.h"
#include "phone.h"

struct config;
struct escalation;
struct reminder;

enum compose_result {
	COMPOSE_SEND,		/* send to, body */
	COMPOSE_FAIL,		/* cannot be sent: reason (e.g. bad number) */
	COMPOSE_CANCEL		/* must not be sent: reason (e.g. opted out) */
};

struct composed {
	enum channel	 channel;
	char		 to[MAIL_ADDRESS_MAX + 1]; /* E.164, or an address */
	char		*to_name;	/* email: the patient's name, or NULL */
	char		*subject;	/* email only */
	char		*body;		/* the SMS, or the email's text */
	char		*html;		/* email: HTML body, or NULL */
	const char	*lang;		/* the texts' language; NULL: default */
	char		 reason[256];	/* never holds a number, name or body */
	bool		 optout;	/* COMPOSE_CANCEL: the patient opted out */
};

/*
 * Works out the message for a claimed reminder from its row and the
 * config, on the reminder's channel: the patient and treatment must still
 * exist, the treatment not be cancelled, the milestone still be in the
 * treatment's plan on that channel (or be an email standing in for an
 * undelivered SMS, with delivery.fallback and the template's email text),
 * and the patient be opted in with a usable phone number (SMS) or
 * address (email; one that unsubscribed or bounced counts as opted
 * out); a milestone before the treatment (negative after) only while the
 * treatment is still scheduled and after now.  The texts are in the
 * patient's language where the template has it.  Fills out (strings
 * owned: compose_clear()) and returns what to do.
 */
enum compose_result compose_message(const struct config *cfg,
		    const struct reminder *r, time_t now, struct composed *out);
void		 compose_clear(struct composed *c);

/*
 * The email that tells the staff (inbound.escalate_to) of a patient's
 * message e: who sent it (patient id and name), what it answers
 * (treatment, reminder), when (by the clinic's clock), the patient's
 * words, and what to make of it: "[urgent]" in the subject when it holds
 * an urgent word, a possible request to stop, photos left at the
 * provider, a number other patients share.  out->to is the first
 * address (the others are cfg's); strings owned: compose_clear().
 * Returns COMPOSE_SEND, or COMPOSE_FAIL with the reason when escalate_to
 * names no one.
 */
enum compose_result compose_escalation(const struct config *cfg,
		    const struct escalation *e, struct composed *out);

/*
 * The part of compose_message() that looks at the patient alone: their
 * consent on channel ch (r->sms_opt_in, r->email_opt_in, and for email
 * r->email_unsubscribed and r->email_bounced) and a phone number or
 * address there that can be sent to (r->phone, r->email), into out->to,
 * or the reason in out->reason.  out must be zeroed; nothing in it is
 * allocated.
 */
enum compose_result compose_address(const struct reminder *r,
		    enum channel ch, struct composed *out);

#endif
