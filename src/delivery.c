/* SPDX-License-Identifier: MIT */
/* delivery.c: pure delivery states from the providers' callbacks, and Twilio's error codes. */

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "delivery.h"

static int	delivery_rank(enum delivery d);

static const struct {
	const char	*name;
	enum delivery	 state;
} delivery_names[] = {
	{ "none", DELIVERY_NONE },
	{ "queued", DELIVERY_QUEUED },
	{ "sent", DELIVERY_SENT },
	{ "deferred", DELIVERY_DEFERRED },
	{ "failed", DELIVERY_FAILED },
	{ "undelivered", DELIVERY_UNDELIVERED },
	{ "dropped", DELIVERY_DROPPED },
	{ "delivered", DELIVERY_DELIVERED },
	{ "bounced", DELIVERY_BOUNCED },
};

/*
 * Twilio's MessageStatus values (the Message resource's status enum).
 * partially_delivered is not final: the rest may still come, or the
 * message fetch tells.
 */
static const struct {
	const char	*status;
	enum delivery	 state;
} delivery_twilio[] = {
	{ "queued", DELIVERY_QUEUED },
	{ "accepted", DELIVERY_QUEUED },
	{ "scheduled", DELIVERY_QUEUED },
	{ "sending", DELIVERY_QUEUED },
	{ "sent", DELIVERY_SENT },
	{ "partially_delivered", DELIVERY_SENT },
	{ "failed", DELIVERY_FAILED },
	{ "canceled", DELIVERY_FAILED },
	{ "undelivered", DELIVERY_UNDELIVERED },
	{ "delivered", DELIVERY_DELIVERED },
	{ "read", DELIVERY_DELIVERED },
};

static const struct {
	const char	*event;
	enum delivery	 state;
} delivery_sendgrid[] = {
	{ "processed", DELIVERY_QUEUED },
	{ "deferred", DELIVERY_DEFERRED },
	{ "delivered", DELIVERY_DELIVERED },
	{ "bounce", DELIVERY_BOUNCED },
	{ "dropped", DELIVERY_DROPPED },
};

/*
 * Twilio's error codes for messages that did not arrive.  Permanent means
 * that sending the same SMS again will not get it there: the number, the
 * carrier or the account refuses it, or the patient said STOP.  30003 (a
 * phone off or out of range) and 30008 are worth a later try.
 */
static const struct delivery_error delivery_errors[] = {
	{ 21211, "invalid phone number", true },
	{ 21408, "region not enabled on the account", true },
	{ 21610, "the number replied STOP", true },
	{ 21612, "number cannot receive this message", true },
	{ 21614, "not a mobile number", true },
	{ 30001, "queue overflow", false },
	{ 30002, "account suspended", true },
	{ 30003, "unreachable", false },
	{ 30004, "message blocked", true },
	{ 30005, "unknown number", true },
	{ 30006, "landline", true },
	{ 30007, "carrier filtered", true },
	{ 30008, "unknown", false },
	{ 30009, "missing segment", false },
	{ 30010, "price exceeds the maximum", true },
};

static int
delivery_rank(enum delivery d)
{
	switch (d) {
	case DELIVERY_NONE:
		return 0;
	case DELIVERY_QUEUED:
		return 1;
	case DELIVERY_SENT:
	case DELIVERY_DEFERRED:
		return 2;
	case DELIVERY_FAILED:
	case DELIVERY_UNDELIVERED:
	case DELIVERY_DROPPED:
		return 3;
	case DELIVERY_DELIVERED:
		return 4;
	case DELIVERY_BOUNCED:
		return 5;
	}
	return 0;
}

enum delivery
delivery_advance(enum delivery old, enum delivery next)
{
	return delivery_rank(next) > delivery_rank(old) ? next : old;
}

bool
delivery_final(enum delivery d)
{
	return delivery_rank(d) >= 3;
}

const char *
delivery_name(enum delivery d)
{
	size_t	 i;

	for (i = 0; i < sizeof(delivery_names) / sizeof(delivery_names[0]);
	    i++)
		if (delivery_names[i].state == d)
			return delivery_names[i].name;
	return "none";
}

int
delivery_parse(const char *name, enum delivery *out)
{
	size_t	 i;

	for (i = 0; name != NULL &&
	    i < sizeof(delivery_names) / sizeof(delivery_names[0]); i++)
		if (strcmp(name, delivery_names[i].name) == 0) {
			*out = delivery_names[i].state;
			return 0;
		}
	return -1;
}

int
delivery_twilio_status(const char *status, enum delivery *out)
{
	size_t	 i;

	for (i = 0; status != NULL &&
	    i < sizeof(delivery_twilio) / sizeof(delivery_twilio[0]); i++)
		if (strcasecmp(status, delivery_twilio[i].status) == 0) {
			*out = delivery_twilio[i].state;
			return 0;
		}
	return -1;
}

int
delivery_sendgrid_event(const char *event, enum delivery *out)
{
	size_t	 i;

	for (i = 0; event != NULL &&
	    i < sizeof(delivery_sendgrid) / sizeof(delivery_sendgrid[0]); i++)
		if (strcmp(event, delivery_sendgrid[i].event) == 0) {
			*out = delivery_sendgrid[i].state;
			return 0;
		}
	return -1;
}

const struct delivery_error *
delivery_twilio_error(long code)
{
	size_t	 i;

	for (i = 0; i < sizeof(delivery_errors) / sizeof(delivery_errors[0]);
	    i++)
		if (delivery_errors[i].code == code)
			return &delivery_errors[i];
	return NULL;
}

const char *
delivery_error_format(const char *error, char *buf, size_t len)
{
	const struct delivery_error	*e = NULL;
	const char			*p;
	long				 code = 0;

	if (error == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return NULL;
	}
	/* Twilio's codes are five digits; a longer number is none of them. */
	for (p = error; *p >= '0' && *p <= '9' && p - error < 9; p++)
		code = code * 10 + (*p - '0');
	if (p != error && *p == '\0')
		e = delivery_twilio_error(code);
	if (e == NULL) {
		(void)snprintf(buf, len, "%s", error);
		return NULL;
	}
	(void)snprintf(buf, len, "%s %s", error, e->meaning);
	return e->meaning;
}
