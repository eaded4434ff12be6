/* plan.h: pure: the reminders a treatment should have, and when, or why none. */
#ifndef AFTERCARE_PLAN_H
#define AFTERCARE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "delivery.h"

struct tz;

/*
 * An SMS of the treatment that the provider could not deliver, as its
 * delivery receipt said (delivery.h); strings borrowed.
 */
struct plan_undelivered {
	int64_t		 reminder_id;
	const char	*milestone;
	enum delivery	 state;		/* failed or undelivered */
	const char	*error;		/* the provider's error code, or NULL */
	time_t		 at;		/* when that was learnt */
};

/* A treatment as the booking software wrote it; strings borrowed. */
struct plan_treatment {
	int64_t		 id;
	bool		 found;		/* false: it was deleted */
	const char	*performed_at;	/* RFC 3339, or NULL */
	const char	*status;	/* scheduled, completed, ...; or NULL */
	const char	*kind;		/* or NULL */
	/* Its SMS reminders that were not delivered. */
	const struct plan_undelivered *undelivered;
	size_t		 nundelivered;
};

/*
 * Its patient, as written; strings borrowed.  A treatment whose patient
 * is missing has no addresses and no zone, and consents to every channel
 * (as a patient's consent columns do by default).
 */
struct plan_patient {
	const char	*phone;		/* NULL or only spaces: none */
	const char	*email;		/* NULL or only spaces: none */
	const struct tz	*zone;		/* theirs; NULL: none or unknown */
	bool		 opt_in[CHANNEL__COUNT];
	bool		 stopped;	/* the number is on the STOP list */
	/*
	 * What the email provider said of their address: it unsubscribed
	 * or reported spam (no email to it again), or it bounced (none
	 * until it changes).
	 */
	bool		 email_unsubscribed;
	bool		 email_bounced;
};

/*
 * Why an unsent SMS reminder to a number on the STOP list (sms_optouts)
 * is withheld, wherever that is found: by the plan, or at send time.
 */
#define PLAN_STOPPED_REASON	"the number unsubscribed (replied STOP)"

/* Why a treatment gets none of its plan's reminders. */
enum plan_why {
	PLAN_OK,		/* it gets them (if it has a plan) */
	PLAN_DELETED,		/* the treatment is gone */
	PLAN_CALLED_OFF,	/* cancelled, or a no-show */
	PLAN_BAD_STATUS,	/* a status we do not know */
	PLAN_BAD_TIME,		/* performed_at is not an RFC 3339 time */
	PLAN_UNKNOWN_KIND	/* no plan for its kind; default_plan "none" */
};

/* A reminder the treatment should have. */
struct plan_reminder {
	const struct milestone *m;	/* borrowed from the config */
	enum channel	 channel;
	time_t		 due_at;	/* by the patient's clock, quiet hours
					   kept */
	time_t		 expires_at;	/* due_at + the milestone's valid_for */
	/*
	 * NULL: to be sent.  Otherwise why it can never go out (a reminder
	 * for before a treatment no longer booked and ahead): it is made
	 * cancelled with this reason, rather than left to expire.
	 */
	const char	*cancelled;
	/*
	 * An email standing in for the milestone's SMS that could not be
	 * delivered: that SMS reminder's id; 0 otherwise.
	 */
	int64_t		 fallback_for;
};

/*
 * What plan_reminders() decided.  Reused from one treatment to the next,
 * so that a sync allocates only when a plan is longer than any before it.
 */
struct plan_result {
	enum plan_why	 why;
	/*
	 * PLAN_OK: "".  Otherwise why there are no reminders, in words for
	 * the staff (it may quote the row): the last error of the unsent
	 * reminders cancelled (PLAN_DELETED, _CALLED_OFF, _BAD_*) and the
	 * treatment's problem (PLAN_BAD_*, _UNKNOWN_KIND).
	 */
	char		 reason[256];
	/*
	 * What the log says of it, quoting nothing of the row: with
	 * PLAN_BAD_*, the problem's summary; with PLAN_UNKNOWN_KIND, or
	 * PLAN_OK when the kind gets the default plan although there are
	 * plans per kind, what to tell of the kind.  "" if nothing.
	 */
	char		 warning[160];
	/*
	 * The channels the patient may be sent on: they consent to it, for
	 * SMS their number is not on the STOP list (stopped), and for email
	 * their address did not unsubscribe or bounce.  Unsent reminders on
	 * the others are withheld (for the reason in withheld, static), and
	 * given back once all hold again.
	 */
	bool		 consent[CHANNEL__COUNT];
	bool		 stopped;	/* SMS is withheld for the STOP list */
	const char	*withheld[CHANNEL__COUNT];
	/*
	 * PLAN_OK: the reminders, by milestone, then channel.  A milestone
	 * goes out on each of its channels the patient has an address for;
	 * with none, on its first, where it fails for the staff to see.
	 * With delivery.fallback and an email provider, a milestone whose
	 * SMS was undelivered for good (a permanent error:
	 * delivery_twilio_error()) and which does not go by email already
	 * goes by email too, to a patient with an address, if the
	 * template has an email text: due when that was learnt (or at the
	 * milestone's own due time, if later), out of the quiet hours, and
	 * only if that is still inside the milestone's window.
	 */
	struct plan_reminder *reminders;
	size_t		 n;
	size_t		 size;		/* allocated */
};

/* An empty result; plan_result_clear() frees what it holds. */
void	plan_result_init(struct plan_result *res);
void	plan_result_clear(struct plan_result *res);

/*
 * Works out which reminders treatment t of patient p should have at now,
 * per cfg's plans, quiet hours and zone, into res (its old contents
 * replaced), or why it gets none.
 */
void	plan_reminders(const struct config *cfg,
	    const struct plan_treatment *t, const struct plan_patient *p,
	    time_t now, struct plan_result *res);

#endif
