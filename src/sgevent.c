/* SPDX-License-Identifier: MIT */
/* sgevent.c: pure parsing of the body of SendGrid's Event Webhook. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "json.h"
#include "sgevent.h"
#include "util.h"

static const struct {
	const char		*name;
	enum sgevent_type	 type;
} sgevent_types[] = {
	{ "processed", SGEVENT_PROCESSED },
	{ "deferred", SGEVENT_DEFERRED },
	{ "delivered", SGEVENT_DELIVERED },
	{ "bounce", SGEVENT_BOUNCE },
	{ "dropped", SGEVENT_DROPPED },
	{ "spamreport", SGEVENT_SPAMREPORT },
	{ "unsubscribe", SGEVENT_UNSUBSCRIBE },
	{ "group_unsubscribe", SGEVENT_GROUP_UNSUBSCRIBE },
	{ "group_resubscribe", SGEVENT_GROUP_RESUBSCRIBE },
	{ "open", SGEVENT_OPEN },
	{ "click", SGEVENT_CLICK },
};

static char	*sgevent_string(const char *elem, size_t len, const char *key,
		    char *scratch, size_t scratchlen);
static int64_t	 sgevent_number(const char *elem, size_t len, const char *key,
		    int64_t min, char *scratch, size_t scratchlen);
static void	 sgevent_fill(struct sgevent *ev, const char *elem, size_t len,
		    char *scratch, size_t scratchlen);

/* Member key as a string of its own (control characters made spaces), or NULL. */
static char *
sgevent_string(const char *elem, size_t len, const char *key, char *scratch,
    size_t scratchlen)
{
	if (json_get(elem, len, key, scratch, scratchlen) != 0)
		return NULL;
	util_text_clean(scratch);
	return xstrdup(scratch);
}

/* Member key as a whole number >= min (as a number or a string), or 0. */
static int64_t
sgevent_number(const char *elem, size_t len, const char *key, int64_t min,
    char *scratch, size_t scratchlen)
{
	int64_t	 v;
	char	 err[128];

	if (json_get(elem, len, key, scratch, scratchlen) != 0 ||
	    util_int64_parse(scratch, min, INT64_MAX, &v, err,
	    sizeof(err)) != 0)
		return 0;
	return v;
}

static void
sgevent_fill(struct sgevent *ev, const char *elem, size_t len, char *scratch,
    size_t scratchlen)
{
	size_t	 i;

	memset(ev, 0, sizeof(*ev));
	ev->type = SGEVENT_OTHER;
	ev->delivery = DELIVERY_NONE;
	ev->event = sgevent_string(elem, len, "event", scratch, scratchlen);
	for (i = 0; ev->event != NULL &&
	    i < sizeof(sgevent_types) / sizeof(sgevent_types[0]); i++)
		if (strcmp(ev->event, sgevent_types[i].name) == 0)
			ev->type = sgevent_types[i].type;
	if (delivery_sendgrid_event(ev->event, &ev->delivery) == -1)
		ev->delivery = DELIVERY_NONE;
	ev->sg_event_id = sgevent_string(elem, len, "sg_event_id", scratch,
	    scratchlen);
	ev->sg_message_id = sgevent_string(elem, len, "sg_message_id",
	    scratch, scratchlen);
	if (ev->sg_message_id != NULL) {
		ev->message_id = xstrdup(ev->sg_message_id);
		ev->message_id[strcspn(ev->message_id, ".")] = '\0';
	}
	ev->timestamp = sgevent_number(elem, len, "timestamp", 0, scratch,
	    scratchlen);
	ev->reminder_id = sgevent_number(elem, len, "reminder_id", 1, scratch,
	    scratchlen);
	ev->milestone = sgevent_string(elem, len, "milestone", scratch,
	    scratchlen);
	ev->email = sgevent_string(elem, len, "email", scratch, scratchlen);
	ev->reason = sgevent_string(elem, len, "reason", scratch, scratchlen);
	if (ev->reason == NULL && ev->type == SGEVENT_DEFERRED)
		ev->reason = sgevent_string(elem, len, "response", scratch,
		    scratchlen);
	ev->status = sgevent_string(elem, len, "status", scratch, scratchlen);
	if (ev->type == SGEVENT_BOUNCE)
		ev->bounce_type = sgevent_string(elem, len, "type", scratch,
		    scratchlen);
}

int
sgevent_parse(const char *body, size_t len, struct sgevent_list *list,
    char *err, size_t errlen)
{
	const char	*elem;
	char		*scratch = NULL;
	size_t		 pos = 0, elemlen, cap = 0, scratchlen = 0;
	int		 r;

	memset(list, 0, sizeof(*list));
	if (body == NULL || len > SGEVENT_LEN_MAX) {
		(void)snprintf(err, errlen, "events: no body, or more than %d "
		    "bytes", SGEVENT_LEN_MAX);
		return -1;
	}
	while ((r = json_array_next(body, len, &pos, &elem, &elemlen)) == 0) {
		if (elem[0] != '{') {
			(void)snprintf(err, errlen, "events: event %zu is not "
			    "an object", list->n);
			goto fail;
		}
		if (list->n == SGEVENT_MAX) {
			(void)snprintf(err, errlen, "events: more than %d "
			    "events", SGEVENT_MAX);
			goto fail;
		}
		if (list->n == cap) {
			cap = cap == 0 ? 16 : 2 * cap;
			list->ev = xrealloc(list->ev, cap * sizeof(*list->ev));
		}
		/* No member's text is longer than its event's. */
		if (elemlen + 1 > scratchlen) {
			scratchlen = elemlen + 1;
			free(scratch);
			scratch = xmalloc(scratchlen);
		}
		sgevent_fill(&list->ev[list->n++], elem, elemlen, scratch,
		    scratchlen);
	}
	if (r == -1) {
		(void)snprintf(err, errlen, "events: not a JSON array, or "
		    "malformed after %zu events", list->n);
		goto fail;
	}
	free(scratch);
	return 0;
fail:
	free(scratch);
	sgevent_clear(list);
	return -1;
}

void
sgevent_clear(struct sgevent_list *list)
{
	struct sgevent	*ev;
	size_t		 i;

	for (i = 0; i < list->n; i++) {
		ev = &list->ev[i];
		free(ev->event);
		free(ev->sg_event_id);
		free(ev->sg_message_id);
		free(ev->message_id);
		free(ev->milestone);
		free(ev->email);
		free(ev->reason);
		free(ev->status);
		free(ev->bounce_type);
	}
	free(list->ev);
	memset(list, 0, sizeof(*list));
}
