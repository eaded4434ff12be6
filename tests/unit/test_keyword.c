/* SPDX-License-Identifier: MIT */
/* test_keyword.c: tables for keywords, requests to stop and urgent words. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture/testutil.h"

#include "keyword.h"

#define OUT	KEYWORD_OPTOUT
#define IN	KEYWORD_OPTIN
#define HELP	KEYWORD_HELP
#define MAYBE	KEYWORD_MAYBE_OPTOUT
#define NONE	KEYWORD_NONE

static void	test_keywords(void **);
static void	test_asks_stop(void **);
static void	test_urgent(void **);
static void	test_urgent_check(void **);
static void	test_bytes(void **);

static void
test_keywords(void **state)
{
	static const struct {
		const char	*body;
		const char	*opt_out_type;
		enum keyword	 want;
	} rows[] = {
		/* 0: each default keyword, any case, blanks around */
		{ "STOP", NULL, OUT },
		{ "stop", NULL, OUT },
		{ "  Stop\r\n", NULL, OUT },
		{ "\tsToP \n", NULL, OUT },
		{ "STOPALL", NULL, OUT },
		/* 5 */
		{ "Unsubscribe", NULL, OUT },
		{ "cancel", NULL, OUT },
		{ "End", NULL, OUT },
		{ "QUIT", NULL, OUT },
		{ "revoke", NULL, OUT },
		/* 10 */
		{ "OptOut", NULL, OUT },
		{ "START", NULL, IN },
		{ " yes ", NULL, IN },
		{ "Unstop", NULL, IN },
		{ "HELP", NULL, HELP },
		/* 15 */
		{ "info\n", NULL, HELP },
		/* Twilio's OptOutType wins */
		{ "please stop texting me", "STOP", OUT },
		{ "Yes please", "START", IN },
		{ "what is this", "HELP", HELP },
		{ "STOP", "START", IN },
		/* 20 */
		{ "anything", "stop", OUT },
		{ "anything", " HELP ", HELP },
		/* an OptOutType we do not know, or empty: the body decides */
		{ "STOP", "", OUT },
		{ "STOP", "UNKNOWN", OUT },
		{ "thanks", "", NONE },
		/* 25: not keywords (Twilio matches the whole body only) */
		{ "STOP PLEASE", NULL, MAYBE },
		{ "Stop.", NULL, MAYBE },
		{ "OPT OUT", NULL, MAYBE },
		{ "yes!", NULL, NONE },
		{ "Yes I did", NULL, NONE },
		/* 30 */
		{ "helpful, thanks", NULL, NONE },
		{ "STOPS", NULL, NONE },
		{ "S T O P", NULL, NONE },
		{ "", NULL, NONE },
		{ "   \r\n", NULL, NONE },
		/* 35: white space Twilio does not trim */
		{ "\xc2\xa0STOP", NULL, MAYBE },
		{ "STOP\xe2\x80\x8f", NULL, MAYBE },
		{ NULL, NULL, NONE },
		{ NULL, "STOP", OUT },
	};
	enum keyword	 got;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		got = keyword_classify(rows[i].body, rows[i].body != NULL ?
		    strlen(rows[i].body) : 0, rows[i].opt_out_type);
		if (got != rows[i].want)
			ROW_FAIL(i, "\"%s\": %s, want %s", rows[i].body != NULL ?
			    rows[i].body : "(null)", keyword_name(got),
			    keyword_name(rows[i].want));
	}
	assert_string_equal(keyword_name(KEYWORD_NONE), "none");
	assert_string_equal(keyword_name(KEYWORD_OPTOUT), "opt-out");
	assert_string_equal(keyword_name(KEYWORD_OPTIN), "opt-in");
	assert_string_equal(keyword_name(KEYWORD_HELP), "help");
	assert_string_equal(keyword_name(KEYWORD_MAYBE_OPTOUT),
	    "possible opt-out");
}

/* Free text that asks to stop, and free text that only sounds like it. */
static void
test_asks_stop(void **state)
{
	static const struct {
		const char	*body;
		enum keyword	 want;
	} rows[] = {
		/* 0: asking, in other words */
		{ "please stop texting me", MAYBE },
		{ "Please stop texting me.", MAYBE },
		{ "don't text me anymore", MAYBE },
		{ "Don\xe2\x80\x99t text me anymore", MAYBE },
		{ "unsubscribe me", MAYBE },
		/* 5 */
		{ "Stop sending me these messages", MAYBE },
		{ "stop the reminders please", MAYBE },
		{ "Can you stop all the texts", MAYBE },
		{ "pls stop with the texts", MAYBE },
		{ "STOP TEXTING ME!!!", MAYBE },
		/* 10 */
		{ "quit messaging me", MAYBE },
		{ "Cancel my reminders", MAYBE },
		{ "I want these texts to stop", MAYBE },
		{ "make the messages stop", MAYBE },
		{ "Do not contact me again", MAYBE },
		/* 15 */
		{ "Please don't message me", MAYBE },
		{ "never text me again", MAYBE },
		{ "I don't want these texts", MAYBE },
		{ "I do not want to receive any more messages", MAYBE },
		{ "I no longer want reminders", MAYBE },
		/* 20 */
		{ "no more texts", MAYBE },
		{ "No more messages please", MAYBE },
		{ "opt out", MAYBE },
		{ "opt-out", MAYBE },
		{ "Please opt me out", MAYBE },
		/* 25 */
		{ "remove me from your list", MAYBE },
		{ "Take me off this list", MAYBE },
		{ "leave me alone", MAYBE },
		{ "I revoke my consent", MAYBE },
		{ "Wrong number, who is this?", MAYBE },
		/* 30 */
		{ "Stop please", MAYBE },
		{ "please stop", MAYBE },
		{ "ok stop", MAYBE },
		{ "stop it", MAYBE },
		{ "Stop stop stop", MAYBE },
		/* 35 */
		{ "Cancel!!", MAYBE },
		{ "END.", MAYBE },
		{ "Quit please", MAYBE },
		{ "No, stop texting me", MAYBE },
		{ "thanks but please stop the texts", MAYBE },
		/* 40 */
		{ "Stop\xf0\x9f\x9b\x91", MAYBE },
		{ "st\xe2\x80\x8bop texting", MAYBE },
		{ "PLEASE STOP CALLING AND TEXTING", MAYBE },
		{ "I said stop. Stop texting me", MAYBE },
		{ "how do I unsubscribe", MAYBE },

		/* 45: symptoms and questions that are not requests */
		{ "the swelling won't stop", NONE },
		{ "The swelling won\xe2\x80\x99t stop", NONE },
		{ "it won't stop bleeding", NONE },
		{ "I can't stop scratching", NONE },
		{ "When can I stop using the serum?", NONE },
		/* 50 */
		{ "how do I stop the bleeding", NONE },
		{ "my face won't stop itching, should I text you a photo?", NONE },
		{ "Does the redness ever end?", NONE },
		{ "I need to cancel my appointment", NONE },
		{ "Thanks for the reminder!", NONE },
		/* 55 */
		{ "Yes it stopped bleeding", NONE },
		{ "The end of the needle hurt", NONE },
		{ "I quit smoking before the treatment", NONE },
		{ "please don't worry, it's fine", NONE },
		{ "Don't know if this is normal: pus", NONE },
		/* 60 */
		{ "The texts are really helpful, don't stop!", NONE },
		{ "Please don't stop the reminders", NONE },
		{ "don't ever stop texting me, love these", NONE },
		{ "I don't text much, call me instead", NONE },
		{ "my face is still red and oozing", NONE },
		/* 65 */
		{ "it's still swollen", NONE },
		{ "Got your text. Stop? no, the bleeding is fine", NONE },
		{ "no more bleeding since yesterday", NONE },
		{ "I stopped the retinol like the message said", NONE },
		{ "Should I stop the cream if it burns", NONE },
		/* 70 */
		{ "ok", NONE },
		{ "Thank you!", NONE },
		{ "Pain is a 6/10, is that normal?", NONE },
	};
	enum keyword	 got;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		got = keyword_classify(rows[i].body, strlen(rows[i].body),
		    NULL);
		if (got != rows[i].want)
			ROW_FAIL(i, "\"%s\": %s, want %s", rows[i].body,
			    keyword_name(got), keyword_name(rows[i].want));
	}
}

static void
test_urgent(void **state)
{
	static const char *const custom[] = {
		"hard to breathe", "can't breathe", "fi\xc3\xa8vre", "hinchaz*",
		"rash"
	};
	static const struct {
		const char	*body;
		int		 want;	/* index in keyword_urgent_default */
		int		 custom; /* index in custom */
	} rows[] = {
		/* 0: each default, and its forms */
		{ "my face is still red and oozing", 0, -1 },
		{ "it oozes a bit", 0, -1 },
		{ "there is PUS", 1, -1 },
		{ "pus-filled bumps", 1, -1 },
		{ "I have a fever", 2, -1 },
		/* 5 */
		{ "feeling feverish", 2, -1 },
		{ "Swelling around the eyes", 3, -1 },
		{ "it swells at night", 3, -1 },
		{ "it's still swollen", 4, -1 },
		{ "bleeding again", 5, -1 },
		/* 10 */
		{ "It bled overnight", 6, -1 },
		{ "a blister on my cheek", 7, -1 },
		{ "BLISTERS", 7, -1 },
		{ "I think it's infected", 8, -1 },
		{ "signs of infection?", 8, -1 },
		/* 15 */
		{ "the pain is bad", 9, -1 },
		{ "Pain: 6/10", 9, -1 },
		{ "very painful", 10, -1 },
		{ "pain\xe2\x80\x8f", 9, -1 },
		{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d pain \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",
		    9, -1 },
		/* 20: whole words only */
		{ "I pushed the appointment", -1, -1 },
		{ "campus parking?", -1, -1 },
		{ "painting the kitchen", -1, -1 },
		{ "Spain next week", -1, -1 },
		{ "paint", -1, -1 },
		/* 25 */
		{ "no problems at all, thank you", -1, -1 },
		{ "just a little red", -1, -1 },
		{ "", -1, -1 },
		/* the first in the list wins, not the first in the text */
		{ "pain and swelling", 3, -1 },
		/* phrases, stems, other scripts */
		{ "it is hard to breathe", -1, 0 },
		/* 30 */
		{ "it is hard, to breathe", -1, 0 },
		{ "hard. to breathe", -1, -1 },
		{ "I can\xe2\x80\x99t breathe", -1, 1 },
		{ "FI\xc3\xa8VRE", -1, 2 },
		{ "j'ai de la fi\xc3\xa8vre", -1, 2 },
		/* 35 */
		{ "mucha hinchaz\xc3\xb3n", -1, 3 },
		{ "a rash", -1, 4 },
		{ "rashes", -1, -1 },
		{ "crash", -1, -1 },
	};
	size_t	 ndefault, i;
	int	 got;

	(void)state;
	for (ndefault = 0; keyword_urgent_default[ndefault] != NULL;
	    ndefault++)
		;
	assert_int_equal(ndefault, 11);
	for (i = 0; i < NELEM(rows); i++) {
		got = keyword_urgent(rows[i].body, strlen(rows[i].body),
		    keyword_urgent_default, ndefault);
		if (got != rows[i].want)
			ROW_FAIL(i, "\"%s\": default %d, want %d", rows[i].body,
			    got, rows[i].want);
		got = keyword_urgent(rows[i].body, strlen(rows[i].body),
		    custom, NELEM(custom));
		if (got != rows[i].custom)
			ROW_FAIL(i, "\"%s\": custom %d, want %d", rows[i].body,
			    got, rows[i].custom);
	}
	assert_int_equal(keyword_urgent(NULL, 0, custom, NELEM(custom)), -1);
	assert_int_equal(keyword_urgent("rash", 4, NULL, 0), -1);
	assert_int_equal(keyword_urgent("rash", 4, custom, 0), -1);
	/* Every default passes the check configured words get. */
	for (i = 0; i < ndefault; i++)
		assert_int_equal(keyword_urgent_check(keyword_urgent_default[i],
		    NULL, 0), 0);
}

static void
test_urgent_check(void **state)
{
	static const struct {
		const char	*entry;
		const char	*want;	/* NULL: accepted */
	} rows[] = {
		{ "pain", NULL },
		{ "Hard to breathe", NULL },
		{ "infect*", NULL },
		{ "hinchaz\xc3\xb3*", NULL },
		{ "can't breathe", NULL },
		/* 5 */
		{ "", "an urgent word has no letters" },
		{ "   ", "an urgent word has no letters" },
		{ "*", "an urgent word has no letters" },
		{ "--", "an urgent word has no letters" },
		{ "in*fect", "'*' may only end an urgent word" },
		/* 10 */
		{ "pa*", "a stem before '*' needs 3 letters at least" },
		{ "pain *", "'*' must follow a letter" },
		{ "pain. fever", "an urgent word is one phrase, without . ! ? ; "
		    "or line breaks" },
		{ "pain\nfever", "an urgent word is one phrase, without . ! ? ; "
		    "or line breaks" },
		{ NULL, "an urgent word has no letters" },
	};
	char	 err[256];
	size_t	 i;
	int	 r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		err[0] = '\0';
		r = keyword_urgent_check(rows[i].entry, err, sizeof(err));
		if (rows[i].want == NULL && r != 0)
			ROW_FAIL(i, "refused: %s", err);
		if (rows[i].want != NULL && (r != -1 ||
		    strcmp(err, rows[i].want) != 0))
			ROW_FAIL(i, "%d \"%s\", want \"%s\"", r, err,
			    rows[i].want);
	}
}

/*
 * Any bytes: NULs, bytes that are not UTF-8, truncated sequences, and a
 * body of 1,600 characters; only len bytes are read.
 */
static void
test_bytes(void **state)
{
	static const char	 nul[] = "STOP\0texting";
	static const char	 bad[] = "\xff\xfe pain \xc3";
	char			*big;
	size_t			 i;

	(void)state;
	assert_int_equal(keyword_classify(nul, sizeof(nul) - 1, NULL), MAYBE);
	assert_int_equal(keyword_classify(nul, 4, NULL), OUT);
	assert_int_equal(keyword_classify("STOPPED", 4, NULL), OUT);
	assert_int_equal(keyword_classify(bad, sizeof(bad) - 1, NULL), NONE);
	assert_int_equal(keyword_urgent(bad, sizeof(bad) - 1,
	    keyword_urgent_default, 11), 9);
	assert_int_equal(keyword_urgent("\xe2\x80", 2, keyword_urgent_default,
	    11), -1);

	big = malloc(6401);
	assert_non_null(big);
	for (i = 0; i < 1600; i++)
		memcpy(big + 4 * i, i % 2 ? "\xf0\x9f\x98\x80" : "ok \x01", 4);
	big[6400] = '\0';
	assert_int_equal(keyword_classify(big, 6400, NULL), NONE);
	assert_int_equal(keyword_urgent(big, 6400, keyword_urgent_default, 11),
	    -1);
	memcpy(big + 3200, "stop texting", 12);
	assert_int_equal(keyword_classify(big, 6400, NULL), MAYBE);
	memcpy(big + 6000, " pus", 4);
	assert_int_equal(keyword_urgent(big, 6400, keyword_urgent_default, 11),
	    1);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_asks_stop),
		cmocka_unit_test(test_urgent),
		cmocka_unit_test(test_urgent_check),
		cmocka_unit_test(test_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
