/* gateway.h: sends messages by HTTP or SMTP and classifies the outcome. */
#ifndef AFTERCARE_GATEWAY_H
#define AFTERCARE_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "delivery.h"

struct gateway;

enum outcome {
	OUTCOME_SENT,		/* the gateway accepted it (2xx) */
	OUTCOME_RETRY,		/* 408, 429, 5xx, timeout, connection: try later */
	OUTCOME_FAILED		/* any other answer: do not try again */
};

/*
 * What kind of failure a result is, the same for every provider whatever
 * its protocol: the metrics count failures by it.
 */
enum failure {
	FAILURE_NONE,		/* sent */
	FAILURE_UNREACHABLE,	/* no name, connection or TLS session */
	FAILURE_TRANSPORT,	/* reached, then timed out or broke off; or
				   no request was made */
	FAILURE_RATE_LIMITED,	/* HTTP 429 */
	FAILURE_SERVER_ERROR,	/* HTTP 5xx or 408; an SMTP reply under 500 */
	FAILURE_REJECTED	/* any other HTTP answer; SMTP 5xx */
};

/*
 * One SMS or email to send; every pointer is borrowed for the duration
 * of the call.
 */
struct message {
	int64_t		 reminder_id;	/* 0 for an escalation */
	/*
	 * An escalation to staff (email): the patient's message it forwards
	 * (inbound_messages.id); 0 for a reminder.
	 */
	int64_t		 inbound_id;
	const char	*milestone;
	const char	*to;		/* SMS: E.164; email: an addr-spec */
	const char	*to_name;	/* email: display name, or NULL */
	const char *const *more_to;	/* email: more addr-specs, or NULL */
	size_t		 nmore_to;
	const char	*subject;	/* email only */
	const char	*body;		/* UTF-8: the SMS, or the email's text */
	const char	*html;		/* email: HTML body, or NULL */
	const char	*idempotency_key; /* stable for the reminder */
	time_t		 date;		/* email: its Date header */
	/*
	 * Not NULL: send nothing, ask the provider what became of the
	 * message it knows by this id (gateway_can_lookup()).
	 */
	const char	*lookup;
};

/*
 * A message in a log line or a reason: "reminder 12", or "reply 3" for an
 * escalation, as in log_info("x: " MESSAGE_FMT, MESSAGE_ARGS(msg)).
 */
#define MESSAGE_FMT	"%s %lld"
#define MESSAGE_ARGS(m)							\
	((m)->inbound_id > 0 ? "reply" : "reminder"),			\
	(long long)((m)->inbound_id > 0 ? (m)->inbound_id : (m)->reminder_id)

struct send_result {
	enum outcome	outcome;
	enum failure	failure;	/* FAILURE_NONE if sent */
	long		status;		/* HTTP status, SMTP reply code, or 0 */
	long		retry_after;	/* seconds asked by the gateway, or -1 */
	bool		unreached;	/* never got to the gateway: no attempt */
	bool		opted_out;	/* the recipient unsubscribed (STOP) */
	long		ms;		/* how long the exchange took */
	char		provider_id[128]; /* e.g. Twilio's "sid", or "" */
	char		code[32];	/* provider's error code ("21211") or "" */
	/* A look-up answered: what the provider says of the message. */
	bool		delivery_known;
	enum delivery	delivery;
	/*
	 * Why, for the staff (stored with the reminder, shown by aftercarectl);
	 * may quote the gateway's own words, so it is never logged: logs get
	 * status, code and the curl error class only.
	 */
	char		error[256];
};

/*
 * Called when the transfer of msgs[idx] completes, in completion order.
 * The result is borrowed.
 */
typedef void	(*gateway_done_fn)(void *arg, size_t idx,
		    const struct send_result *res);

/*
 * Called when extra_fd becomes readable while transfers are in flight; it
 * must consume what made the fd readable.  Returns true to start no new
 * transfers (those in flight still complete and are reported).
 */
typedef bool	(*gateway_event_fn)(void *arg);

/*
 * Creates a gateway for cfg's provider of channel ch, with one libcurl
 * multi handle and reusable connections.  Returns NULL (logged) on
 * failure, or if the channel has no provider.  cfg is borrowed and must
 * outlive the gateway.
 */
struct gateway	*gateway_new(const struct config *cfg, enum channel ch);

/* The provider's name for logs: "twilio", "webhook", "sendgrid", "smtp". */
const char	*gateway_provider(const struct gateway *gw);
/*
 * Whether the provider can be asked what became of a message it took
 * (struct message's lookup): Twilio's Message fetch.
 */
bool		 gateway_can_lookup(const struct gateway *gw);
void		 gateway_free(struct gateway *gw);

/*
 * Sends msgs[0..n-1] (or looks them up), at most delivery.concurrency at
 * once, reporting each completion to done.  Waits in curl_multi_poll(), also watching extra_fd
 * (-1 for none).  Returns when every started transfer has completed;
 * returns 0, or -1 if libcurl itself failed (transfers in flight are
 * reported with OUTCOME_RETRY).  Messages never started, because
 * on_event asked to stop or libcurl failed, are not reported: they were
 * not sent.
 */
int		 gateway_send(struct gateway *gw, const struct message *msgs,
		    size_t n, int extra_fd, gateway_event_fn on_event,
		    gateway_done_fn done, void *arg);

/*
 * Sets fn to be called after each round of completions has been reported
 * to done, before any new transfer starts (NULL: none): a caller can write
 * a round's outcomes together.
 */
void		 gateway_on_round(struct gateway *gw, void (*fn)(void *arg));

/*
 * Called from a done callback when the gateway is in trouble (429, down):
 * the gateway_send() under way starts no new transfers; those in flight
 * complete and are reported, the rest are not reported (not sent).
 */
void		 gateway_pause(struct gateway *gw);

#endif
