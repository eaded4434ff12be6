/* sig.h: checking that a webhook comes from its provider (libcrypto). */
#ifndef AFTERCARE_SIG_H
#define AFTERCARE_SIG_H

#include <stddef.h>

struct form;

/* The request headers each scheme reads. */
#define SIG_TWILIO_HEADER		"X-Twilio-Signature"
#define SIG_TWILIO_SETTINGS_HEADER	"X-Twilio-Webhooks-Signature-Settings"
#define SIG_SENDGRID_HEADER		"X-Twilio-Email-Event-Webhook-Signature"
#define SIG_SENDGRID_TIMESTAMP_HEADER	"X-Twilio-Email-Event-Webhook-Timestamp"
#define SIG_WEBHOOK_HEADER		"X-Aftercare-Signature"

/* Room for a Twilio signature (base64 of an HMAC-SHA256) and its NUL. */
#define SIG_TWILIO_MAX		45
/* Room for our webhook signature, "sha256=" and 64 hex digits, and its NUL. */
#define SIG_WEBHOOK_MAX		72
/* Longest key id sig_twilio_settings_parse() copies, with its NUL. */
#define SIG_KEYID_MAX		64

enum sig_alg {
	SIG_HMAC_SHA1,
	SIG_HMAC_SHA256
};

/*
 * Twilio (X-Twilio-Signature): base64 of the HMAC, under the Auth Token,
 * of the URL Twilio requested followed, for a form POST, by every
 * parameter sorted by name (bytes), name and value with no separator; a
 * repeated name has its values sorted and identical ones counted once, as
 * Twilio's SDKs do.  A Webhook Rule can make Twilio sign with a SharedKey
 * instead, saying so in X-Twilio-Webhooks-Signature-Settings
 * ("key=KEYID,algorithm=HMAC_SHA256"); the signed text is the same.
 */

/*
 * Reads X-Twilio-Webhooks-Signature-Settings (header, NULL when the
 * request has none).  Returns 0 without the header: HMAC-SHA1 under the
 * Auth Token.  Returns 1 with *alg and the key id in keyid (or "" if it is
 * not a short token) when a SharedKey signed; -1 with a reason in err for
 * a header without a known algorithm.
 */
int	sig_twilio_settings_parse(const char *header, enum sig_alg *alg,
	    char *keyid, size_t keyidlen, char *err, size_t errlen);

/*
 * Computes the signature of url and params (NULL for none) into out
 * (outlen >= SIG_TWILIO_MAX).  Returns 0, or -1 if libcrypto fails.
 */
int	sig_twilio_sign(enum sig_alg alg, const char *secret, const char *url,
	    const struct form *params, char *out, size_t outlen);

/*
 * Checks signature (the header's value, NULL if absent) against url, the
 * absolute URL Twilio requested (the public one it was given, with the
 * query, without a fragment), and the POST parameters, in constant time.
 * Like Twilio's SDKs, accepts url without its port and with its port
 * (the default one, 443 or 80, when it has none).  Returns 0 if it
 * matches, -1 with a one-line reason in err otherwise.
 */
int	sig_twilio_verify(enum sig_alg alg, const char *secret,
	    const char *url, const struct form *params, const char *signature,
	    char *err, size_t errlen);

/*
 * The same for a request with a JSON body, which Twilio signs through the
 * URL: its query carries bodySHA256, the hex SHA-256 of the raw body, and
 * the signature covers the URL alone.  Both must match.
 */
int	sig_twilio_verify_body(enum sig_alg alg, const char *secret,
	    const char *url, const char *body, size_t len,
	    const char *signature, char *err, size_t errlen);

/*
 * SendGrid's signed Event Webhook: ECDSA P-256 over SHA-256 of the
 * X-Twilio-Email-Event-Webhook-Timestamp value followed by the raw body;
 * the signature is base64 DER in X-Twilio-Email-Event-Webhook-Signature.
 */
struct sig_key;

/*
 * Loads SendGrid's verification key: base64 DER SubjectPublicKeyInfo as
 * SendGrid shows it, with or without PEM armour and line breaks.  Returns
 * a key to free with sig_sendgrid_key_free(), or NULL with a reason in
 * err if it is not an ECDSA P-256 public key.
 */
struct sig_key	*sig_sendgrid_key_new(const char *text, char *err,
		    size_t errlen);
void		 sig_sendgrid_key_free(struct sig_key *key);

/*
 * Checks the signature (the header's value) of the raw body (len bytes)
 * and timestamp (the header's value, decimal seconds).  Returns 0 if it
 * matches, -1 with a reason in err.  The timestamp's age is not checked:
 * SendGrid retries for a day.
 */
int	sig_sendgrid_verify(const struct sig_key *key, const char *timestamp,
	    const char *body, size_t len, const char *signature, char *err,
	    size_t errlen);

/*
 * Our JSON webhook provider signs what it posts to us with its token
 * (sms.auth_token) in X-Aftercare-Signature: "sha256=" followed by the
 * HMAC-SHA256 of the raw body in 64 hex digits (GitHub's
 * X-Hub-Signature-256 format).  Lowercase is sent; either case is read.
 */

/*
 * Computes that header value into out (outlen >= SIG_WEBHOOK_MAX).
 * Returns 0, or -1 if libcrypto fails.
 */
int	sig_webhook_sign(const char *token, const char *body, size_t len,
	    char *out, size_t outlen);

/*
 * Checks header (NULL if absent) against the raw body, in constant time.
 * Returns 0 if it matches, -1 with a reason in err.
 */
int	sig_webhook_verify(const char *token, const char *body, size_t len,
	    const char *header, char *err, size_t errlen);

#endif
