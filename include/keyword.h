/* keyword.h: pure reading of a patient's SMS: keywords, requests to stop, urgent words. */
#ifndef AFTERCARE_KEYWORD_H
#define AFTERCARE_KEYWORD_H

#include <stddef.h>

enum keyword {
	KEYWORD_NONE,		/* a reply for staff */
	KEYWORD_OPTOUT,		/* STOP STOPALL UNSUBSCRIBE CANCEL END QUIT REVOKE OPTOUT */
	KEYWORD_OPTIN,		/* START YES UNSTOP */
	KEYWORD_HELP,		/* HELP INFO */
	KEYWORD_MAYBE_OPTOUT	/* asks to stop in other words: for staff only */
};

/*
 * Classifies an SMS body (len bytes, any bytes) as Twilio does its default
 * keywords: the whole body, any case, surrounding white space ignored
 * ("STOP PLEASE" and "Stop." are not keywords).  Twilio's OptOutType
 * (STOP, START or HELP; NULL or "" when absent) wins when present.  A body
 * that is no keyword but asks for the messages to stop ("please stop
 * texting me", "don't text me anymore", "unsubscribe me", "Stop.") is
 * KEYWORD_MAYBE_OPTOUT, for staff to judge; a symptom that will not stop
 * ("the swelling won't stop") is not.
 */
enum keyword	keyword_classify(const char *body, size_t len,
		    const char *opt_out_type);

/* "none", "opt-out", "opt-in", "help", "possible opt-out"; static. */
const char	*keyword_name(enum keyword k);

/*
 * Urgent words.  Each entry is a word or a phrase of words ("hard to
 * breathe"); a trailing '*' makes its last word a stem ("infect*" finds
 * "infected" and "infection").  Words match whole words of the body,
 * ASCII letters in any case; apostrophes inside a word are ignored, so
 * "can't" is "cant".  Other letters (é, ü, ...) match only as written.
 */

/* The default list, from the signs the clinical guidance names; NULL-terminated. */
extern const char *const keyword_urgent_default[];

/*
 * Checks one configured entry: some word in it, a '*' only at the end and
 * after three letters at least.  Returns 0, or -1 with a reason in err.
 */
int	keyword_urgent_check(const char *entry, char *err, size_t errlen);

/*
 * The index in words (nwords entries that passed keyword_urgent_check())
 * of the first one found in body, or -1 if none is.
 */
int	keyword_urgent(const char *body, size_t len, const char *const *words,
	    size_t nwords);

#endif
