/* mail.h: pure: email addresses and RFC 5322 messages for SMTP. */
#ifndef AFTERCARE_MAIL_H
#define AFTERCARE_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util.h"

/* Longest address we accept (RFC 5321 4.5.3.1.3: a path of 256 octets). */
#define MAIL_ADDRESS_MAX	254

/* One message; every pointer is borrowed.  Text is UTF-8. */
struct mail {
	const char	*from;		/* addr-spec */
	const char	*from_name;	/* display name, or NULL */
	const char	*to;		/* addr-spec */
	const char	*to_name;	/* display name, or NULL */
	const char *const *more_to;	/* more addr-specs, for To; or NULL */
	size_t		 nmore_to;
	const char	*subject;
	const char	*text;		/* the plain-text body */
	const char	*html;		/* an HTML alternative, or NULL */
	const char	*id;		/* unique left part of the Message-ID */
	const char	*unsubscribe;	/* List-Unsubscribe URI, or NULL */
	time_t		 date;		/* the Date header (UTC) */
};

/*
 * Whether s is an address we send to: one addr-spec (local@domain), the
 * local part a dot-atom, the domain a host name or an address literal, no
 * white space, quotes, angle brackets or control characters, at most
 * MAIL_ADDRESS_MAX bytes.  Deliberately stricter than RFC 5322.
 */
bool	mail_address_valid(const char *s);

/*
 * Writes m as an RFC 5322 message to out (appended, CRLF line ends, dot
 * stuffing left to the SMTP client): Date, From, To (m->to, then
 * m->more_to, folded between addresses), Subject (RFC 2047
 * encoded when not ASCII), Message-ID <id@domain of from>, MIME-Version,
 * List-Unsubscribe (and List-Unsubscribe-Post for https), then a UTF-8
 * text/plain body in quoted-printable, or multipart/alternative with the
 * HTML part when m->html is set.  Returns 0, or -1 with a reason in err
 * (a bad address, a header with a line break); err never quotes a text.
 */
int	mail_build(const struct mail *m, struct buf *out, char *err,
	    size_t errlen);

#endif
