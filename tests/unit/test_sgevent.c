/* SPDX-License-Identifier: MIT */
/* test_sgevent.c: SendGrid Event Webhook bodies, good, large and absurd. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "sgevent.h"
#include "util.h"

/* The bodies of sendgrid-python's and sendgrid-nodejs's signed vectors. */
#define SG_PY_BODY	"[{\"email\":\"hello@world.com\",\"event\":\"dropped\"," \
			"\"reason\":\"Bounced Address\",\"sg_event_id\":" \
			"\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\"," \
			"\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv" \
			"-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":" \
			"\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid." \
			"net>\",\"timestamp\":1600112492}]\r\n"
#define SG_MULTI_BODY	"[{\"email\":\"invalid@gmail.com\",\"event\":" \
			"\"processed\",\"send_at\":0,\"sg_event_id\":" \
			"\"cHJvY2Vzc2VkLTE5OTQyMTEyLXFOd0JMZ1BRUWpXNkRKdktRd1NB" \
			"YnctMA\",\"sg_message_id\":\"qNwBLgPQQjW6DJvKQwSAbw." \
			"filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0\"," \
			"\"smtp-id\":\"<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1." \
			"sendgrid.net>\",\"timestamp\":1619651146},\r\n" \
			"{\"email\":\"invalid@gmail.com\",\"event\":\"bounce\"," \
			"\"ip\":\"167.89.101.76\",\"reason\":\"552 5.2.2 The " \
			"email account that you tried to reach is over quota " \
			"and inactive. Please direct the recipient to https://" \
			"support.google.com/mail/?p=OverQuotaPerm " \
			"c17si1130468pgv.34 - gsmtp\",\"sg_event_id\":" \
			"\"Ym91bmNlLTAtMTk5NDIxMTItcU53QkxnUFFRalc2REp2S1F3U0Fi" \
			"dy0w\",\"sg_message_id\":\"qNwBLgPQQjW6DJvKQwSAbw." \
			"filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0\"," \
			"\"smtp-id\":\"<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1." \
			"sendgrid.net>\",\"status\":\"5.2.2\",\"timestamp\":" \
			"1619651147,\"tls\":1,\"type\":\"blocked\"}]\r\n"

static void	test_vectors(void **);
static void	test_events(void **);
static void	test_large(void **);
static void	test_refused(void **);

static void
test_vectors(void **state)
{
	struct sgevent_list	 l;
	char			 err[256];

	(void)state;
	assert_int_equal(sgevent_parse(SG_PY_BODY, strlen(SG_PY_BODY), &l, err,
	    sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ev[0].type, SGEVENT_DROPPED);
	assert_int_equal(l.ev[0].delivery, DELIVERY_DROPPED);
	assert_string_equal(l.ev[0].event, "dropped");
	assert_string_equal(l.ev[0].sg_event_id,
	    "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA");
	assert_string_equal(l.ev[0].sg_message_id, "LRzXl_NHStOGhQ4kofSm_A."
	    "filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0");
	assert_string_equal(l.ev[0].message_id, "LRzXl_NHStOGhQ4kofSm_A");
	assert_int_equal(l.ev[0].timestamp, 1600112492);
	assert_string_equal(l.ev[0].reason, "Bounced Address");
	assert_string_equal(l.ev[0].email, "hello@world.com");
	assert_int_equal(l.ev[0].reminder_id, 0);
	assert_null(l.ev[0].milestone);
	assert_null(l.ev[0].status);
	assert_null(l.ev[0].bounce_type);
	sgevent_clear(&l);

	assert_int_equal(sgevent_parse(SG_MULTI_BODY, strlen(SG_MULTI_BODY), &l,
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ev[0].type, SGEVENT_PROCESSED);
	assert_int_equal(l.ev[0].delivery, DELIVERY_QUEUED);
	assert_int_equal(l.ev[0].timestamp, 1619651146);
	assert_null(l.ev[0].reason);
	assert_int_equal(l.ev[1].type, SGEVENT_BOUNCE);
	assert_int_equal(l.ev[1].delivery, DELIVERY_BOUNCED);
	assert_string_equal(l.ev[1].message_id, "qNwBLgPQQjW6DJvKQwSAbw");
	assert_string_equal(l.ev[1].status, "5.2.2");
	assert_string_equal(l.ev[1].bounce_type, "blocked");
	assert_int_equal(strncmp(l.ev[1].reason, "552 5.2.2 The email", 19),
	    0);
	sgevent_clear(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.ev);
}

/* One event per row, with our custom_args, as SendGrid repeats them. */
static void
test_events(void **state)
{
	static const struct {
		const char		*json;
		enum sgevent_type	 type;
		enum delivery		 delivery;
		int64_t			 reminder_id;
		const char		*milestone;
		const char		*reason;
	} rows[] = {
		{ "{\"event\":\"delivered\",\"reminder_id\":\"812\","
		    "\"milestone\":\"day1\",\"response\":\"250 OK\"}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 812, "day1", NULL },
		{ "{\"event\":\"processed\",\"reminder_id\":\"1\"}",
		    SGEVENT_PROCESSED, DELIVERY_QUEUED, 1, NULL, NULL },
		{ "{\"event\":\"deferred\",\"reminder_id\":\"7\",\"response\":"
		    "\"400 try again later\",\"attempt\":\"1\"}",
		    SGEVENT_DEFERRED, DELIVERY_DEFERRED, 7, NULL,
		    "400 try again later" },
		{ "{\"event\":\"bounce\",\"type\":\"bounce\",\"status\":"
		    "\"5.1.1\",\"reason\":\"550 5.1.1 no such user\","
		    "\"reminder_id\":\"9\"}", SGEVENT_BOUNCE, DELIVERY_BOUNCED,
		    9, NULL, "550 5.1.1 no such user" },
		{ "{\"event\":\"dropped\",\"reason\":\"Unsubscribed Address\","
		    "\"reminder_id\":\"10\"}", SGEVENT_DROPPED, DELIVERY_DROPPED,
		    10, NULL, "Unsubscribed Address" },
		/* 5: engagement and list events: no delivery state */
		{ "{\"event\":\"spamreport\",\"reminder_id\":\"11\"}",
		    SGEVENT_SPAMREPORT, DELIVERY_NONE, 11, NULL, NULL },
		{ "{\"event\":\"unsubscribe\",\"reminder_id\":\"12\"}",
		    SGEVENT_UNSUBSCRIBE, DELIVERY_NONE, 12, NULL, NULL },
		{ "{\"event\":\"group_unsubscribe\",\"asm_group_id\":1}",
		    SGEVENT_GROUP_UNSUBSCRIBE, DELIVERY_NONE, 0, NULL, NULL },
		{ "{\"event\":\"group_resubscribe\"}", SGEVENT_GROUP_RESUBSCRIBE,
		    DELIVERY_NONE, 0, NULL, NULL },
		{ "{\"event\":\"open\",\"reminder_id\":\"13\"}", SGEVENT_OPEN,
		    DELIVERY_NONE, 13, NULL, NULL },
		/* 10 */
		{ "{\"event\":\"click\",\"url\":\"https://example.com/\"}",
		    SGEVENT_CLICK, DELIVERY_NONE, 0, NULL, NULL },
		{ "{\"event\":\"machine_opened\"}", SGEVENT_OTHER, DELIVERY_NONE,
		    0, NULL, NULL },
		{ "{}", SGEVENT_OTHER, DELIVERY_NONE, 0, NULL, NULL },
		{ "{\"event\":null}", SGEVENT_OTHER, DELIVERY_NONE, 0, NULL,
		    NULL },
		{ "{\"event\":\"Delivered\"}", SGEVENT_OTHER, DELIVERY_NONE, 0,
		    NULL, NULL },
		/* 15: reminder_id as SendGrid might give it, or not */
		{ "{\"event\":\"delivered\",\"reminder_id\":812}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 812, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":\"0\"}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 0, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":\"-5\"}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 0, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":\"12x\"}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 0, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":"
		    "\"99999999999999999999\"}", SGEVENT_DELIVERED,
		    DELIVERY_DELIVERED, 0, NULL, NULL },
		/* 20 */
		{ "{\"event\":\"delivered\",\"reminder_id\":null}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 0, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":1.5}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 0, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":[1]}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, 0, NULL, NULL },
		{ "{\"event\":\"delivered\",\"reminder_id\":\"9223372036854775807\"}",
		    SGEVENT_DELIVERED, DELIVERY_DELIVERED, INT64_MAX, NULL,
		    NULL },
		/* a reason of several lines becomes one */
		{ "{\"event\":\"bounce\",\"reason\":\"550 no\\r\\nsuch\\tuser\"}",
		    SGEVENT_BOUNCE, DELIVERY_BOUNCED, 0, NULL,
		    "550 no  such user" },
		/* 25: the first of a repeated member, escapes decoded */
		{ "{\"event\":\"bounce\",\"event\":\"delivered\",\"milestone\":"
		    "\"d\\u00e9j\\u00e0\"}", SGEVENT_BOUNCE, DELIVERY_BOUNCED, 0,
		    "d\xc3\xa9j\xc3\xa0", NULL },
	};
	struct sgevent_list	 l;
	struct buf		 b;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		buf_init(&b);
		buf_printf(&b, " [ %s ] ", rows[i].json);
		if (sgevent_parse(b.data, b.len, &l, err, sizeof(err)) != 0)
			ROW_FAIL(i, "refused: %s", err);
		buf_clear(&b);
		if (l.n != 1)
			ROW_FAIL(i, "%zu events", l.n);
		if (l.ev[0].type != rows[i].type ||
		    l.ev[0].delivery != rows[i].delivery)
			ROW_FAIL(i, "type %d, delivery %s", l.ev[0].type,
			    delivery_name(l.ev[0].delivery));
		if (l.ev[0].reminder_id != rows[i].reminder_id)
			ROW_FAIL(i, "reminder %lld",
			    (long long)l.ev[0].reminder_id);
		if ((rows[i].milestone == NULL) != (l.ev[0].milestone == NULL) ||
		    (rows[i].milestone != NULL &&
		    strcmp(rows[i].milestone, l.ev[0].milestone) != 0))
			ROW_FAIL(i, "milestone");
		if ((rows[i].reason == NULL) != (l.ev[0].reason == NULL) ||
		    (rows[i].reason != NULL &&
		    strcmp(rows[i].reason, l.ev[0].reason) != 0))
			ROW_FAIL(i, "reason \"%s\"", l.ev[0].reason != NULL ?
			    l.ev[0].reason : "(null)");
		if (l.ev[0].sg_event_id != NULL || l.ev[0].message_id != NULL ||
		    l.ev[0].timestamp != 0)
			ROW_FAIL(i, "members that are not there");
		sgevent_clear(&l);
	}
}

/*
 * 10,000 events in a body, repeated ids kept (dropping them is the
 * store's job); SGEVENT_MAX pass and one more does not.
 */
static void
test_large(void **state)
{
	struct sgevent_list	 l;
	struct buf		 b;
	char			 err[256];
	size_t			 i;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "[");
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%s{\"email\":\"p%zu@example.com\",\"event\":"
		    "\"%s\",\"sg_event_id\":\"ev%zu\",\"sg_message_id\":"
		    "\"msg%zu.filter0001.16648.5515E0B88.0\",\"timestamp\":"
		    "%zu,\"reminder_id\":\"%zu\",\"milestone\":\"day1\"}\r\n",
		    i > 0 ? "," : "", i, i % 2 ? "delivered" : "processed",
		    i % 5000, i, 1600000000 + i, i + 1);
	buf_puts(&b, "]");
	assert_int_equal(sgevent_parse(b.data, b.len, &l, err, sizeof(err)),
	    0);
	assert_int_equal(l.n, 10000);
	for (i = 0; i < l.n; i++) {
		if (l.ev[i].reminder_id != (int64_t)i + 1 ||
		    l.ev[i].timestamp != 1600000000 + (int64_t)i ||
		    l.ev[i].type != (i % 2 ? SGEVENT_DELIVERED :
		    SGEVENT_PROCESSED))
			ROW_FAIL(i, "event %zu read wrong", i);
	}
	assert_string_equal(l.ev[9999].sg_event_id, "ev4999");
	assert_string_equal(l.ev[4999].sg_event_id, "ev4999");
	assert_string_equal(l.ev[9999].message_id, "msg9999");
	assert_string_equal(l.ev[9999].email, "p9999@example.com");
	sgevent_clear(&l);

	b.len = 0;
	buf_puts(&b, "[{}");
	for (i = 1; i < SGEVENT_MAX; i++)
		buf_puts(&b, ",{}");
	buf_puts(&b, "]");
	assert_int_equal(sgevent_parse(b.data, b.len, &l, err, sizeof(err)),
	    0);
	assert_int_equal(l.n, SGEVENT_MAX);
	sgevent_clear(&l);
	b.data[b.len - 1] = ',';
	buf_puts(&b, "{}]");
	assert_int_equal(sgevent_parse(b.data, b.len, &l, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "events: more than 20000 events");
	assert_int_equal(l.n, 0);
	assert_null(l.ev);
	buf_clear(&b);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*body;
		const char	*want;
	} rows[] = {
		{ "", "events: not a JSON array, or malformed after 0 events" },
		{ "{}", "events: not a JSON array, or malformed after 0 events" },
		{ "null", "events: not a JSON array, or malformed after 0 "
		    "events" },
		{ "[", "events: not a JSON array, or malformed after 0 events" },
		{ "[{}", "events: not a JSON array, or malformed after 1 "
		    "events" },
		/* 5 */
		{ "[{},]", "events: not a JSON array, or malformed after 1 "
		    "events" },
		{ "[{}]x", "events: not a JSON array, or malformed after 1 "
		    "events" },
		{ "[{}][{}]", "events: not a JSON array, or malformed after 1 "
		    "events" },
		{ "[{\"event\":\"delivered\"", "events: not a JSON array, or "
		    "malformed after 0 events" },
		{ "[{\"event\":\"deliv\x01red\"}]", "events: not a JSON array, "
		    "or malformed after 0 events" },
		/* 10 */
		{ "[{\"event\":\"delivered\",}]", "events: not a JSON array, or "
		    "malformed after 0 events" },
		{ "[1]", "events: event 0 is not an object" },
		{ "[{},\"delivered\"]", "events: event 1 is not an object" },
		{ "[{},[{}]]", "events: event 1 is not an object" },
		{ "[null]", "events: event 0 is not an object" },
		/* 15 */
		{ "\xef\xbb\xbf[{}]", "events: not a JSON array, or malformed "
		    "after 0 events" },
	};
	struct sgevent_list	 l;
	struct buf		 b;
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		if (sgevent_parse(rows[i].body, strlen(rows[i].body), &l, err,
		    sizeof(err)) != -1)
			ROW_FAIL(i, "accepted");
		if (strcmp(err, rows[i].want) != 0)
			ROW_FAIL(i, "said \"%s\", want \"%s\"", err,
			    rows[i].want);
		if (l.n != 0 || l.ev != NULL)
			ROW_FAIL(i, "a refused list is not empty");
		sgevent_clear(&l);
	}

	/* Nested 100,000 deep: refused, the stack untouched. */
	buf_init(&b);
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "[");
	assert_int_equal(sgevent_parse(b.data, b.len, &l, err, sizeof(err)),
	    -1);
	b.len = 0;
	buf_puts(&b, "[{\"a\":");
	for (i = 0; i < 100000; i++)
		buf_puts(&b, "[");
	assert_int_equal(sgevent_parse(b.data, b.len, &l, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "events: not a JSON array, or malformed "
	    "after 0 events");
	buf_clear(&b);

	/* Too long is refused before a byte is read. */
	assert_int_equal(sgevent_parse("[]", (size_t)SGEVENT_LEN_MAX + 1, &l,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "events: no body, or more than 33554432 "
	    "bytes");
	assert_int_equal(sgevent_parse(NULL, 0, &l, err, sizeof(err)), -1);
	/* An empty array is no event, and fine. */
	assert_int_equal(sgevent_parse(" [ ] ", 5, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	sgevent_clear(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
