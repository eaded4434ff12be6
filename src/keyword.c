/* SPDX-License-Identifier: MIT */
/* keyword.c: pure reading of a patient's SMS: keywords, requests to stop, urgent words. */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyword.h"
#include "util.h"

/* At most this many words between "stop" and "texts" ("stop sending me all the"). */
#define KW_SKIP_MAX	4
/* A stem is at least this long, or it would match half the dictionary. */
#define KW_STEM_MIN	3

/*
 * The default urgent words: the signs of infection the clinical guidance
 * names (swelling, oozing, infection), with pus, fever, bleeding, blisters
 * and pain, each in the forms patients write ("swollen", "infected",
 * "bled").  Not redness: the guidance calls it normal for a day or two.
 */
const char *const keyword_urgent_default[] = {
	"ooz*", "pus", "fever*", "swell*", "swollen", "bleed*", "bled",
	"blister*", "infect*", "pain", "painful", NULL
};

/* Twilio's default keywords (the whole body, any case). */
static const char *const kw_optout[] = {
	"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
	"OPTOUT", NULL
};
static const char *const kw_optin[] = { "START", "YES", "UNSTOP", NULL };
static const char *const kw_help[] = { "HELP", "INFO", NULL };

/*
 * The words the "asks to stop" rule knows.  A boundary (end of a
 * sentence) is the empty word and is in none of them.
 */
static const char *const kw_stop_verbs[] = {
	"stop", "quit", "cease", "cancel", "end", "halt", "discontinue",
	"pause", NULL
};
/* What can be stopped: messages of any kind, and contacting. */
static const char *const kw_messaging[] = {
	"text", "texts", "texting", "txt", "txts", "txting", "message",
	"messages", "messaging", "msg", "msgs", "sms", "send", "sending",
	"contact", "contacting", "remind", "reminder", "reminders",
	"reminding", "notification", "notifications", "alert", "alerts",
	"email", "emails", "emailing", "call", "calls", "calling", NULL
};
/* The nouns among them, for "no more texts" and "make the texts stop". */
static const char *const kw_messages[] = {
	"text", "texts", "txt", "txts", "message", "messages", "msg", "msgs",
	"sms", "reminder", "reminders", "notification", "notifications",
	"alerts", "emails", "calls", NULL
};
/* Words allowed between a verb and what it stops. */
static const char *const kw_skip[] = {
	"the", "these", "those", "this", "that", "your", "ur", "all", "any",
	"my", "me", "us", "them", "of", "with", "automated", "automatic",
	"daily", "future", "further", "more", "to", "receive", "receiving",
	"get", "getting", "ever", "again", NULL
};
/* A verb one or two words after these is no request: "won't stop". */
static const char *const kw_negations[] = {
	"dont", "not", "never", "cant", "cannot", "wont", "didnt", "doesnt",
	"couldnt", "wouldnt", "shouldnt", "isnt", "wasnt", "arent", NULL
};
/* Politeness around a bare keyword: "Stop please", "ok stop". */
static const char *const kw_filler[] = {
	"please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "ok",
	"okay", "now", "just", "hi", "hello", "sir", "maam", "it", "all",
	"more", NULL
};
/* What may come before an imperative: "please don't text me". */
static const char *const kw_polite[] = {
	"please", "pls", "plz", "so", "just", "and", "but", "ok", "okay", NULL
};
/* Phrases that ask to stop wherever they are. */
static const char *const kw_phrases[] = {
	"unsubscribe", "unsub", "opt out", "optout",
	"opt me out", "opted out", "revoke", "remove me", "remove my number",
	"take me off", "take my number off", "delete my number",
	"leave me alone", "stopall", "wrong number", "no more texts",
	"no more messages", "no more reminders", NULL
};

struct kw_text {
	char		 *buf;
	const char	**word;		/* "" marks the end of a sentence */
	size_t		  nwords;
};

static bool	kw_blank(char c);
static bool	kw_in(const char *w, const char *const *set);
static bool	kw_in_upper(const char *s, size_t len, const char *const *set);
static unsigned long kw_utf8(const unsigned char *p, size_t left,
		    size_t *n);
static void	kw_split(const char *s, size_t len, struct kw_text *t);
static void	kw_text_clear(struct kw_text *t);
static bool	kw_phrase_at(const struct kw_text *t, size_t i,
		    const struct kw_text *phrase, bool stem);
static bool	kw_has_phrase(const struct kw_text *t, const char *phrase);
static bool	kw_messaging_after(const struct kw_text *t, size_t i,
		    const char *const *what);
static bool	kw_bare_keywords(const struct kw_text *t);
static bool	kw_asks_stop(const char *body, size_t len);

/* The white space Twilio trims around a keyword. */
static bool
kw_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

static bool
kw_in(const char *w, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(w, *set) == 0)
			return true;
	return false;
}

/* len bytes of s equal one of set, ASCII case ignored. */
static bool
kw_in_upper(const char *s, size_t len, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strlen(*set) == len && strncasecmp(s, *set, len) == 0)
			return true;
	return false;
}

/*
 * The code point of the UTF-8 sequence at p and its length in *n, or
 * (unsigned long)-1 with *n = 1 for a byte that does not start one.
 */
static unsigned long
kw_utf8(const unsigned char *p, size_t left, size_t *n)
{
	uint32_t	cp;
	int		w;

	if ((w = util_utf8_decode(p, left, &cp)) < 0) {
		*n = 1;
		return (unsigned long)-1;
	}
	*n = (size_t)w;
	return cp;
}

/*
 * Splits a text into lowercase words.  Letters, digits and other scripts
 * make words (a byte that is not UTF-8 too, so nothing is lost); an
 * apostrophe, a soft hyphen or an invisible format character (ZWSP, RLM,
 * RLO, ...) inside a word is dropped; ".", "!", "?", ";" and line breaks
 * end a sentence; everything else (spaces, punctuation, symbols, emoji)
 * separates words.
 */
static void
kw_split(const char *s, size_t len, struct kw_text *t)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n, out = 0, cap = 0;
	unsigned long		 cp;
	bool			 inword = false;
	enum { DROP, SEP, END, WORD } kind;

	/* Each byte gives at most one byte and a NUL. */
	t->buf = xmalloc(2 * len + 1);
	t->word = NULL;
	t->nwords = 0;
	for (i = 0; i < len; i += n) {
		n = 1;
		cp = p[i];
		if (p[i] >= 0x80)
			cp = kw_utf8(p + i, len - i, &n);
		if ((cp < 0x80 && ((cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))))
			kind = WORD;
		else if (cp == '\'' || cp == 0x2018 || cp == 0x2019 ||
		    cp == 0x02bc || cp == 0xff07 || cp == 0x00ad ||
		    cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
		    cp == 0xfe0e || cp == 0xfe0f)
			kind = DROP;
		else if (cp == '.' || cp == '!' || cp == '?' || cp == ';' ||
		    cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029)
			kind = END;
		else if (cp < 0x80 || cp == 0xa0 || cp == 0x1680 ||
		    (cp >= 0x2000 && cp <= 0x205f) ||
		    (cp >= 0x2190 && cp <= 0x2bff) ||
		    (cp >= 0x3000 && cp <= 0x303f) ||
		    (cp >= 0x1f000 && cp <= 0x1faff))
			kind = SEP;
		else
			kind = WORD;	/* other letters, and non-UTF-8 bytes */

		if (kind == DROP)
			continue;
		if (kind == WORD) {
			if (!inword) {
				if (t->nwords == cap) {
					cap = cap == 0 ? 16 : 2 * cap;
					t->word = xrealloc(t->word,
					    cap * sizeof(*t->word));
				}
				t->word[t->nwords++] = t->buf + out;
				inword = true;
			}
			if (cp < 0x80)
				t->buf[out++] = (char)(cp >= 'A' && cp <= 'Z' ?
				    cp + 'a' - 'A' : cp);
			else {
				memcpy(t->buf + out, p + i, n);
				out += n;
			}
			continue;
		}
		if (inword) {
			t->buf[out++] = '\0';
			inword = false;
		}
		/* One boundary between sentences, none at the start. */
		if (kind == END && t->nwords > 0 &&
		    t->word[t->nwords - 1][0] != '\0') {
			if (t->nwords == cap) {
				cap = 2 * cap;
				t->word = xrealloc(t->word,
				    cap * sizeof(*t->word));
			}
			t->buf[out] = '\0';
			t->word[t->nwords++] = t->buf + out++;
		}
	}
	if (inword)
		t->buf[out++] = '\0';
}

static void
kw_text_clear(struct kw_text *t)
{
	free(t->buf);
	free(t->word);
	memset(t, 0, sizeof(*t));
}

/* The words of phrase are the words of t from i on; the last a stem if stem. */
static bool
kw_phrase_at(const struct kw_text *t, size_t i, const struct kw_text *phrase,
    bool stem)
{
	size_t	 k, n;

	if (phrase->nwords == 0 || t->nwords - i < phrase->nwords)
		return false;
	for (k = 0; k < phrase->nwords; k++) {
		if (stem && k == phrase->nwords - 1) {
			n = strlen(phrase->word[k]);
			if (strncmp(t->word[i + k], phrase->word[k], n) != 0)
				return false;
		} else if (strcmp(t->word[i + k], phrase->word[k]) != 0)
			return false;
	}
	return true;
}

static bool
kw_has_phrase(const struct kw_text *t, const char *phrase)
{
	struct kw_text	 p;
	size_t		 i;
	bool		 found = false;

	kw_split(phrase, strlen(phrase), &p);
	for (i = 0; i < t->nwords && !found; i++)
		found = kw_phrase_at(t, i, &p, false);
	kw_text_clear(&p);
	return found;
}

/*
 * One of what comes after word i, past at most KW_SKIP_MAX words of
 * kw_skip: "stop [sending me] texts", "don't want [these] texts".
 */
static bool
kw_messaging_after(const struct kw_text *t, size_t i, const char *const *what)
{
	size_t	 k;

	for (k = i + 1; k < t->nwords && k <= i + 1 + KW_SKIP_MAX; k++) {
		if (kw_in(t->word[k], what))
			return true;
		if (!kw_in(t->word[k], kw_skip))
			return false;
	}
	return false;
}

/*
 * Nothing but opt-out keywords and politeness: "Stop.", "STOP PLEASE",
 * "opt out", "Cancel!!", "stop stop stop".
 */
static bool
kw_bare_keywords(const struct kw_text *t)
{
	size_t	 i;
	bool	 any = false;

	for (i = 0; i < t->nwords; i++) {
		if (t->word[i][0] == '\0' || kw_in(t->word[i], kw_filler))
			continue;
		if (kw_in_upper(t->word[i], strlen(t->word[i]), kw_optout)) {
			any = true;
			continue;
		}
		if (strcmp(t->word[i], "opt") == 0 && i + 1 < t->nwords &&
		    strcmp(t->word[i + 1], "out") == 0) {
			any = true;
			i++;
			continue;
		}
		return false;
	}
	return any;
}

/*
 * Whether a text asks for the messages to stop.  Matches, in words:
 * - nothing but opt-out keywords and politeness ("Stop.", "stop please");
 * - a phrase of kw_phrases anywhere ("unsubscribe me", "wrong number");
 * - a stop verb followed by messaging, past a few small words ("please
 *   stop texting me", "cancel the reminders"), unless one of the two
 *   words before it is a negation ("don't stop the reminders", "can't
 *   ever stop texting");
 * - a message noun then "stop" ("make the texts stop");
 * - a sentence starting (after "please") with "don't", "do not" or
 *   "never" followed by messaging ("don't text me anymore"), or "don't
 *   want", "no longer want" followed by it ("I don't want these texts").
 * A verb with no messaging after it is not a request about messages: "the
 * swelling won't stop", "when can I stop the serum", "I can't stop
 * itching".
 */
static bool
kw_asks_stop(const char *body, size_t len)
{
	struct kw_text		  t;
	const char *const	 *ph;
	const char		 *w, *prev, *next, *after;
	size_t			  i, k;
	bool			  found, start;

	kw_split(body, len, &t);
	found = kw_bare_keywords(&t);
	for (ph = kw_phrases; *ph != NULL && !found; ph++)
		found = kw_has_phrase(&t, *ph);
	for (i = 0; i < t.nwords && !found; i++) {
		w = t.word[i];
		prev = i > 0 ? t.word[i - 1] : "";
		next = i + 1 < t.nwords ? t.word[i + 1] : "";
		/* At the start of a sentence, "please" aside. */
		start = prev[0] == '\0' || kw_in(prev, kw_polite);
		if (kw_in(w, kw_stop_verbs)) {
			if (!kw_in(prev, kw_negations) && !(i > 1 &&
			    prev[0] != '\0' && kw_in(t.word[i - 2],
			    kw_negations)))
				found = kw_messaging_after(&t, i,
				    kw_messaging);
		} else if (kw_in(w, kw_messages)) {
			after = i + 2 < t.nwords ? t.word[i + 2] : "";
			found = strcmp(next, "stop") == 0 ||
			    (strcmp(next, "to") == 0 &&
			    strcmp(after, "stop") == 0);
		} else if (strcmp(w, "dont") == 0 || strcmp(w, "never") == 0 ||
		    (strcmp(w, "do") == 0 && strcmp(next, "not") == 0) ||
		    (strcmp(w, "no") == 0 && strcmp(next, "longer") == 0)) {
			/* k: the last word of the negation. */
			k = strcmp(w, "dont") == 0 || strcmp(w, "never") == 0 ?
			    i : i + 1;
			next = k + 1 < t.nwords ? t.word[k + 1] : "";
			if (strcmp(next, "want") == 0 ||
			    strcmp(next, "need") == 0) {
				if (start || strcmp(prev, "i") == 0 ||
				    strcmp(prev, "we") == 0)
					found = kw_messaging_after(&t, k + 1,
					    kw_messaging);
			} else if (start && strcmp(w, "no") != 0)
				found = kw_messaging_after(&t, k,
				    kw_messaging);
		}
	}
	kw_text_clear(&t);
	return found;
}

enum keyword
keyword_classify(const char *body, size_t len, const char *opt_out_type)
{
	size_t	 n;

	if (opt_out_type != NULL) {
		n = strlen(opt_out_type);
		while (n > 0 && kw_blank(opt_out_type[n - 1]))
			n--;
		while (n > 0 && kw_blank(*opt_out_type)) {
			opt_out_type++;
			n--;
		}
		if (n == 4 && strncasecmp(opt_out_type, "STOP", 4) == 0)
			return KEYWORD_OPTOUT;
		if (n == 5 && strncasecmp(opt_out_type, "START", 5) == 0)
			return KEYWORD_OPTIN;
		if (n == 4 && strncasecmp(opt_out_type, "HELP", 4) == 0)
			return KEYWORD_HELP;
	}
	if (body == NULL)
		return KEYWORD_NONE;
	while (len > 0 && kw_blank(body[len - 1]))
		len--;
	while (len > 0 && kw_blank(*body)) {
		body++;
		len--;
	}
	if (kw_in_upper(body, len, kw_optout))
		return KEYWORD_OPTOUT;
	if (kw_in_upper(body, len, kw_optin))
		return KEYWORD_OPTIN;
	if (kw_in_upper(body, len, kw_help))
		return KEYWORD_HELP;
	if (kw_asks_stop(body, len))
		return KEYWORD_MAYBE_OPTOUT;
	return KEYWORD_NONE;
}

const char *
keyword_name(enum keyword k)
{
	switch (k) {
	case KEYWORD_OPTOUT:
		return "opt-out";
	case KEYWORD_OPTIN:
		return "opt-in";
	case KEYWORD_HELP:
		return "help";
	case KEYWORD_MAYBE_OPTOUT:
		return "possible opt-out";
	case KEYWORD_NONE:
		break;
	}
	return "none";
}

int
keyword_urgent_check(const char *entry, char *err, size_t errlen)
{
	struct kw_text	 t;
	const char	*star;
	size_t		 len, i;
	int		 ret = -1;

	if (entry == NULL)
		entry = "";
	len = strlen(entry);
	star = strchr(entry, '*');
	if (star != NULL && star != entry + len - 1) {
		(void)snprintf(err, errlen, "'*' may only end an urgent word");
		return -1;
	}
	kw_split(entry, star != NULL ? len - 1 : len, &t);
	for (i = 0; i < t.nwords; i++)
		if (t.word[i][0] == '\0') {
			(void)snprintf(err, errlen, "an urgent word is one "
			    "phrase, without . ! ? ; or line breaks");
			goto out;
		}
	if (t.nwords == 0) {
		(void)snprintf(err, errlen, "an urgent word has no letters");
		goto out;
	}
	if (star != NULL && (star == entry || ((unsigned char)star[-1] < 0x80 &&
	    !(star[-1] >= 'a' && star[-1] <= 'z') &&
	    !(star[-1] >= 'A' && star[-1] <= 'Z')))) {
		(void)snprintf(err, errlen, "'*' must follow a letter");
		goto out;
	}
	if (star != NULL && strlen(t.word[t.nwords - 1]) < KW_STEM_MIN) {
		(void)snprintf(err, errlen, "a stem before '*' needs %d "
		    "letters at least", KW_STEM_MIN);
		goto out;
	}
	ret = 0;
out:
	kw_text_clear(&t);
	return ret;
}

int
keyword_urgent(const char *body, size_t len, const char *const *words,
    size_t nwords)
{
	struct kw_text	 t, p;
	size_t		 i, j, n;
	bool		 stem, found;

	if (body == NULL || words == NULL)
		return -1;
	kw_split(body, len, &t);
	for (j = 0; j < nwords; j++) {
		if (words[j] == NULL)
			continue;
		n = strlen(words[j]);
		stem = n > 0 && words[j][n - 1] == '*';
		kw_split(words[j], stem ? n - 1 : n, &p);
		found = false;
		for (i = 0; i < t.nwords && !found; i++)
			found = kw_phrase_at(&t, i, &p, stem);
		kw_text_clear(&p);
		if (found) {
			kw_text_clear(&t);
			return (int)j;
		}
	}
	kw_text_clear(&t);
	return -1;
}
