/* compose.h: pure: decides what a claimed reminder becomes: a message or a reason. */
#ifndef AFTERCARE_COMPOSE_H
#define AFTERCARE_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "phone.h"

struct config;
struct reminder;

enum compose_result {
	COMPOSE_SEND,		/* send to, body */
	COMPOSE_FAIL,		/* cannot be sent: reason (e.g. bad number) */
	COMPOSE_CANCEL		/* must not be sent: reason (e.g. opted out) */
};

struct composed {
	char	 to[PHONE_E164_MAX];
	char	*body;		/* owned; free with compose_clear() */
	char	 reason[256];	/* never holds a number, name or body */
	bool	 optout;	/* COMPOSE_CANCEL because the patient opted out */
};

/*
 * Works out the SMS for a claimed reminder from its row and the config:
 * the patient and treatment must still exist, the treatment not be
 * cancelled, the patient opted in with a usable phone number, and the
 * milestone still configured; a milestone before the treatment (negative
 * after) only while the treatment is still scheduled and after now.  Fills out and returns what to do.
 */
enum compose_result compose_sms(const struct config *cfg,
		    const struct reminder *r, time_t now, struct composed *out);
void		 compose_clear(struct composed *c);

#endif
