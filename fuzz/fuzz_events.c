/* SPDX-License-Identifier: MIT */
/*
 * fuzz_events.c: libFuzzer target for sgevent_parse() and
 * json_array_next().  The input is the body.  An accepted body is an
 * array as json_get_index() sees it too, with as many elements; every
 * string kept is one line; an event's delivery state is its type's.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "json.h"
#include "sgevent.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check_line(const char *s);

static void
check_line(const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*body = (const char *)data;
	struct sgevent_list	 l;
	struct sgevent		*ev;
	enum delivery		 d;
	char			 err[256], one[8];
	size_t			 i;
	int			 r;

	memset(err, 0x55, sizeof(err));
	r = sgevent_parse(body, size, &l, err, sizeof(err));
	if (r == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL ||
		    strncmp(err, "events: ", 8) != 0 || l.n != 0 ||
		    l.ev != NULL)
			abort();
		check_line(err);
		/* Refused as malformed: the other walker agrees. */
		if (strstr(err, "malformed") != NULL &&
		    json_get_index(body, size, 0, one, sizeof(one)) != -1)
			abort();
		sgevent_clear(&l);
		return 0;
	}
	if (r != 0 || l.n > SGEVENT_MAX)
		abort();
	if (json_get_index(body, size, l.n, one, sizeof(one)) != 1 ||
	    (l.n > 0 && json_get_index(body, size, l.n - 1, one,
	    sizeof(one)) != 0))
		abort();
	for (i = 0; i < l.n; i++) {
		ev = &l.ev[i];
		check_line(ev->event);
		check_line(ev->sg_event_id);
		check_line(ev->sg_message_id);
		check_line(ev->milestone);
		check_line(ev->email);
		check_line(ev->reason);
		check_line(ev->status);
		check_line(ev->bounce_type);
		if (ev->reminder_id < 0 || ev->timestamp < 0)
			abort();
		if ((ev->message_id == NULL) != (ev->sg_message_id == NULL) ||
		    (ev->message_id != NULL && (strchr(ev->message_id, '.') !=
		    NULL || strncmp(ev->message_id, ev->sg_message_id,
		    strlen(ev->message_id)) != 0)))
			abort();
		if (delivery_sendgrid_event(ev->event, &d) == -1)
			d = DELIVERY_NONE;
		if (d != ev->delivery || (ev->type == SGEVENT_OTHER &&
		    d != DELIVERY_NONE) || (ev->bounce_type != NULL &&
		    ev->type != SGEVENT_BOUNCE))
			abort();
	}
	sgevent_clear(&l);
	return 0;
}
