/* SPDX-License-Identifier: MIT */
/* sig.c: checking the signatures of Twilio's, SendGrid's and our own webhooks. */

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "form.h"
#include "sig.h"
#include "util.h"

/* Base64 of an HMAC-SHA1 and of an HMAC-SHA256. */
#define SIG_B64_SHA1		28
#define SIG_B64_SHA256		44
/* A DER ECDSA P-256 signature is at most 72 bytes: 96 in base64. */
#define SIG_ECDSA_B64_MAX	96
/* SendGrid's key is 124 characters of base64; this is plenty of room. */
#define SIG_KEY_TEXT_MAX	4096
#define SIG_TIMESTAMP_MAX	20
#define SIG_WEBHOOK_PREFIX	"sha256="

struct sig_key {
	EVP_PKEY	*pkey;
};

/* The URL Twilio signs, as three pieces to concatenate. */
struct sig_url {
	const char	*part[3];
	size_t		 len[3];
};

static int	sig_mac_init(EVP_MAC_CTX **ctxp, enum sig_alg alg,
		    const char *key, size_t keylen);
static int	sig_mac_final(EVP_MAC_CTX *ctx, unsigned char *md,
		    size_t mdmax, size_t *mdlen);
static int	sig_hmac(enum sig_alg alg, const char *key, const char *data,
		    size_t len, unsigned char *md, size_t mdmax, size_t *mdlen);
static bool	sig_equal(const char *a, const char *b);
static int	sig_base64_decode(const char *s, size_t len,
		    unsigned char *out, size_t outmax, size_t *outlen);
static int	sig_hex_decode(const char *s, size_t len, unsigned char *out);
static int	sig_url_variants(const char *url, struct sig_url *bare,
		    struct sig_url *ported);
static int	sig_field_cmp(const void *a, const void *b);
static const struct form_field **sig_sorted(const struct form *params,
		    size_t *n);
static int	sig_twilio_mac(enum sig_alg alg, const char *secret,
		    const struct sig_url *u, const struct form_field *const *f,
		    size_t n, char *out, size_t outlen);
static const char *sig_alg_name(enum sig_alg alg);

/* An HMAC context keyed with key, for SHA-1 or SHA-256. */
static int
sig_mac_init(EVP_MAC_CTX **ctxp, enum sig_alg alg, const char *key,
    size_t keylen)
{
	static char	 sha1[] = "SHA1", sha256[] = "SHA256";
	OSSL_PARAM	 params[2];
	EVP_MAC		*mac;
	EVP_MAC_CTX	*ctx;

	*ctxp = NULL;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	/* The context holds its own reference to mac. */
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    alg == SIG_HMAC_SHA1 ? sha1 : sha256, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, (const unsigned char *)key, keylen,
	    params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return -1;
	}
	*ctxp = ctx;
	return 0;
}

/* Finishes and frees ctx. */
static int
sig_mac_final(EVP_MAC_CTX *ctx, unsigned char *md, size_t mdmax,
    size_t *mdlen)
{
	int	 r;

	r = EVP_MAC_final(ctx, md, mdlen, mdmax);
	EVP_MAC_CTX_free(ctx);
	return r == 1 ? 0 : -1;
}

/* The HMAC of len bytes of data (NULL for none) under key. */
static int
sig_hmac(enum sig_alg alg, const char *key, const char *data, size_t len,
    unsigned char *md, size_t mdmax, size_t *mdlen)
{
	EVP_MAC_CTX	*ctx;

	if (key == NULL || key[0] == '\0' ||
	    sig_mac_init(&ctx, alg, key, strlen(key)) == -1)
		return -1;
	if (data != NULL && EVP_MAC_update(ctx, (const unsigned char *)data,
	    len) != 1) {
		EVP_MAC_CTX_free(ctx);
		return -1;
	}
	return sig_mac_final(ctx, md, mdmax, mdlen);
}

/* Equal strings, in time that depends only on their lengths. */
static bool
sig_equal(const char *a, const char *b)
{
	size_t	 n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/*
 * Strict base64 (RFC 4648 section 4): padded, nothing but the alphabet.
 * EVP_DecodeBlock() skips white space and counts the padding as zero
 * bytes, so the text is checked first and the padding taken off after.
 */
static int
sig_base64_decode(const char *s, size_t len, unsigned char *out,
    size_t outmax, size_t *outlen)
{
	size_t	 i, pad = 0;
	int	 n;
	char	 c;

	if (len == 0 || len % 4 != 0 || len > INT_MAX || len / 4 * 3 > outmax)
		return -1;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '=') {
			if (i + 2 < len)
				return -1;
			pad++;
		} else if (pad > 0 || !((c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/'))
			return -1;
	}
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3)
		return -1;
	*outlen = (size_t)n - pad;
	return 0;
}

/* len hex digits, either case, into len / 2 bytes. */
static int
sig_hex_decode(const char *s, size_t len, unsigned char *out)
{
	size_t	 i;
	int	 v, hi = 0;
	char	 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return -1;
		if (i % 2 == 0)
			hi = v;
		else
			out[i / 2] = (unsigned char)(hi << 4 | v);
	}
	return 0;
}

/*
 * The two forms of url Twilio's SDKs check: without the port, and with
 * it (the default one for the scheme when url has none).  The userinfo,
 * if any, stays; an IPv6 literal is in brackets.
 */
static int
sig_url_variants(const char *url, struct sig_url *bare,
    struct sig_url *ported)
{
	size_t	 auth, end, host, hostend, i;
	bool	 https;

	if (strncasecmp(url, "https://", 8) == 0) {
		https = true;
		auth = 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = false;
		auth = 7;
	} else
		return -1;
	end = auth + strcspn(url + auth, "/?#");
	for (host = auth, i = auth; i < end; i++)
		if (url[i] == '@')
			host = i + 1;
	if (url[host] == '[') {
		hostend = host + strcspn(url + host, "]");
		if (hostend >= end)
			return -1;
		hostend++;
	} else
		for (hostend = host; hostend < end && url[hostend] != ':';
		    hostend++)
			;
	if (hostend == host || (hostend < end && url[hostend] != ':'))
		return -1;
	for (i = hostend + 1; i < end; i++)
		if (url[i] < '0' || url[i] > '9')
			return -1;

	bare->part[0] = url;
	bare->len[0] = hostend;
	bare->part[1] = "";
	bare->len[1] = 0;
	bare->part[2] = url + end;
	bare->len[2] = strlen(url + end);
	*ported = *bare;
	if (end - hostend > 1) {
		/* An explicit port, kept as written. */
		ported->len[0] = end;
	} else {
		ported->part[1] = https ? ":443" : ":80";
		ported->len[1] = strlen(ported->part[1]);
	}
	return 0;
}

/* Byte order of the names, then of the values. */
static int
sig_field_cmp(const void *a, const void *b)
{
	const struct form_field	*fa = *(const struct form_field *const *)a;
	const struct form_field	*fb = *(const struct form_field *const *)b;
	size_t			 n;
	int			 r;

	n = fa->namelen < fb->namelen ? fa->namelen : fb->namelen;
	if ((r = memcmp(fa->name, fb->name, n)) != 0)
		return r;
	if (fa->namelen != fb->namelen)
		return fa->namelen < fb->namelen ? -1 : 1;
	n = fa->valuelen < fb->valuelen ? fa->valuelen : fb->valuelen;
	if ((r = memcmp(fa->value, fb->value, n)) != 0)
		return r;
	if (fa->valuelen != fb->valuelen)
		return fa->valuelen < fb->valuelen ? -1 : 1;
	return 0;
}

/*
 * The parameters in the order Twilio signs them, each name and value
 * pair once.  Caller frees the array (not the fields) with free().
 */
static const struct form_field **
sig_sorted(const struct form *params, size_t *n)
{
	const struct form_field	**f;
	size_t			  i, k;

	*n = 0;
	if (params == NULL || params->nfields == 0)
		return NULL;
	f = xcalloc(params->nfields, sizeof(*f));
	for (i = 0; i < params->nfields; i++)
		f[i] = &params->fields[i];
	qsort(f, params->nfields, sizeof(*f), sig_field_cmp);
	for (i = 1, k = 1; i < params->nfields; i++)
		if (sig_field_cmp(&f[i], &f[k - 1]) != 0)
			f[k++] = f[i];
	*n = k;
	return f;
}

/* The base64 HMAC of the URL's pieces and the sorted parameters. */
static int
sig_twilio_mac(enum sig_alg alg, const char *secret, const struct sig_url *u,
    const struct form_field *const *f, size_t n, char *out, size_t outlen)
{
	EVP_MAC_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 i, mdlen;

	if (outlen < SIG_TWILIO_MAX || secret == NULL || secret[0] == '\0' ||
	    sig_mac_init(&ctx, alg, secret, strlen(secret)) == -1)
		return -1;
	for (i = 0; i < 3; i++)
		if (EVP_MAC_update(ctx, (const unsigned char *)u->part[i],
		    u->len[i]) != 1)
			goto fail;
	for (i = 0; i < n; i++)
		if (EVP_MAC_update(ctx, (const unsigned char *)f[i]->name,
		    f[i]->namelen) != 1 ||
		    EVP_MAC_update(ctx, (const unsigned char *)f[i]->value,
		    f[i]->valuelen) != 1)
			goto fail;
	if (sig_mac_final(ctx, md, sizeof(md), &mdlen) == -1)
		return -1;
	(void)EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	return 0;
fail:
	EVP_MAC_CTX_free(ctx);
	return -1;
}

static const char *
sig_alg_name(enum sig_alg alg)
{
	return alg == SIG_HMAC_SHA1 ? "HMAC-SHA1" : "HMAC-SHA256";
}

int
sig_twilio_settings_parse(const char *header, enum sig_alg *alg, char *keyid,
    size_t keyidlen, char *err, size_t errlen)
{
	const char	*p, *name, *val, *algo = NULL;
	size_t		 namelen, vallen, algolen = 0;

	*alg = SIG_HMAC_SHA1;
	if (keyidlen > 0)
		keyid[0] = '\0';
	if (header == NULL)
		return 0;
	for (p = header; *p != '\0';) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		name = p;
		namelen = strcspn(p, "=, \t");
		p += namelen;
		p += strspn(p, " \t");
		val = p;
		vallen = 0;
		if (*p == '=') {
			p++;
			p += strspn(p, " \t");
			val = p;
			vallen = strcspn(p, ", \t");
		}
		p += strcspn(p, ",");
		if (namelen == 9 && strncasecmp(name, "algorithm", 9) == 0) {
			algo = val;
			algolen = vallen;
		} else if (namelen == 3 && strncasecmp(name, "key", 3) == 0 &&
		    vallen > 0 && vallen < keyidlen &&
		    strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		    "vwxyz0123456789_-") >= vallen) {
			memcpy(keyid, val, vallen);
			keyid[vallen] = '\0';
		}
	}
	if (algo == NULL || algolen == 0) {
		if (keyidlen > 0)
			keyid[0] = '\0';
		(void)snprintf(err, errlen, "%s names no algorithm",
		    SIG_TWILIO_SETTINGS_HEADER);
		return -1;
	}
	if (algolen == 11 && strncasecmp(algo, "HMAC_SHA256", 11) == 0)
		*alg = SIG_HMAC_SHA256;
	else if (algolen == 9 && strncasecmp(algo, "HMAC_SHA1", 9) == 0)
		*alg = SIG_HMAC_SHA1;
	else {
		if (keyidlen > 0)
			keyid[0] = '\0';
		/* Quoted only when it cannot carry anything but a name. */
		if (algolen <= 32 && strspn(algo, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-") >= algolen)
			(void)snprintf(err, errlen, "%s: algorithm %.*s is not "
			    "supported (HMAC_SHA1 and HMAC_SHA256 are)",
			    SIG_TWILIO_SETTINGS_HEADER, (int)algolen, algo);
		else
			(void)snprintf(err, errlen, "%s: the algorithm is not "
			    "supported (HMAC_SHA1 and HMAC_SHA256 are)",
			    SIG_TWILIO_SETTINGS_HEADER);
		return -1;
	}
	return 1;
}

int
sig_twilio_sign(enum sig_alg alg, const char *secret, const char *url,
    const struct form *params, char *out, size_t outlen)
{
	const struct form_field	**f;
	struct sig_url		  u;
	size_t			  n;
	int			  r;

	if (outlen > 0)
		out[0] = '\0';
	if (url == NULL)
		return -1;
	u.part[0] = url;
	u.len[0] = strlen(url);
	u.part[1] = u.part[2] = "";
	u.len[1] = u.len[2] = 0;
	f = sig_sorted(params, &n);
	r = sig_twilio_mac(alg, secret, &u, f, n, out, outlen);
	free(f);
	return r;
}

int
sig_twilio_verify(enum sig_alg alg, const char *secret, const char *url,
    const struct form *params, const char *signature, char *err,
    size_t errlen)
{
	const struct form_field	**f;
	struct sig_url		  bare, ported;
	char			  want[SIG_TWILIO_MAX];
	size_t			  n;
	bool			  match;
	int			  r;

	if (secret == NULL || secret[0] == '\0') {
		(void)snprintf(err, errlen, "no secret to check %s with",
		    SIG_TWILIO_HEADER);
		return -1;
	}
	if (signature == NULL || signature[0] == '\0') {
		(void)snprintf(err, errlen, "no %s", SIG_TWILIO_HEADER);
		return -1;
	}
	if (url == NULL || sig_url_variants(url, &bare, &ported) == -1) {
		(void)snprintf(err, errlen, "%s: the URL to check it against "
		    "is not an absolute http or https URL", SIG_TWILIO_HEADER);
		return -1;
	}
	if (strlen(signature) != (alg == SIG_HMAC_SHA1 ? SIG_B64_SHA1 :
	    SIG_B64_SHA256)) {
		(void)snprintf(err, errlen, "%s is not the length of a base64 "
		    "%s", SIG_TWILIO_HEADER, sig_alg_name(alg));
		return -1;
	}

	f = sig_sorted(params, &n);
	r = sig_twilio_mac(alg, secret, &bare, f, n, want, sizeof(want));
	match = r == 0 && sig_equal(want, signature);
	if (r == 0)
		r = sig_twilio_mac(alg, secret, &ported, f, n, want,
		    sizeof(want));
	match = (r == 0 && sig_equal(want, signature)) || match;
	free(f);
	OPENSSL_cleanse(want, sizeof(want));
	if (r == -1) {
		ERR_clear_error();
		(void)snprintf(err, errlen, "%s: libcrypto cannot compute the "
		    "%s", SIG_TWILIO_HEADER, sig_alg_name(alg));
		return -1;
	}
	if (!match) {
		(void)snprintf(err, errlen, "%s does not match the URL and "
		    "parameters (with or without the port)", SIG_TWILIO_HEADER);
		return -1;
	}
	return 0;
}

int
sig_twilio_verify_body(enum sig_alg alg, const char *secret, const char *url,
    const char *body, size_t len, const char *signature, char *err,
    size_t errlen)
{
	struct form	 query;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	const char	*q, *hash;
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	size_t		 qlen, i;
	bool		 match;

	if (url == NULL || (q = strchr(url, '?')) == NULL) {
		(void)snprintf(err, errlen, "%s: the URL has no bodySHA256",
		    SIG_TWILIO_HEADER);
		return -1;
	}
	q++;
	qlen = strcspn(q, "#");
	if (form_parse(q, qlen, &query, err, errlen) == -1) {
		form_clear(&query);
		(void)snprintf(err, errlen, "%s: the URL's query is malformed",
		    SIG_TWILIO_HEADER);
		return -1;
	}
	if ((hash = form_get(&query, "bodySHA256")) == NULL) {
		form_clear(&query);
		(void)snprintf(err, errlen, "%s: the URL has no bodySHA256",
		    SIG_TWILIO_HEADER);
		return -1;
	}
	if (EVP_Digest(body != NULL ? body : "", body != NULL ? len : 0, md,
	    &mdlen, EVP_sha256(), NULL) != 1) {
		form_clear(&query);
		ERR_clear_error();
		(void)snprintf(err, errlen, "%s: libcrypto cannot compute the "
		    "SHA-256 of the body", SIG_TWILIO_HEADER);
		return -1;
	}
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 0xf];
	}
	hex[2 * mdlen] = '\0';
	match = sig_equal(hex, hash);
	form_clear(&query);
	/* The signature is checked either way, so both reasons are found. */
	if (sig_twilio_verify(alg, secret, url, NULL, signature, err,
	    errlen) == -1)
		return -1;
	if (!match) {
		(void)snprintf(err, errlen, "%s: bodySHA256 does not match the "
		    "body", SIG_TWILIO_HEADER);
		return -1;
	}
	return 0;
}

struct sig_key *
sig_sendgrid_key_new(const char *text, char *err, size_t errlen)
{
	static const char	 begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char	 end[] = "-----END PUBLIC KEY-----";
	struct sig_key		*key = NULL;
	EVP_PKEY		*pkey = NULL;
	const unsigned char	*p;
	unsigned char		 der[SIG_KEY_TEXT_MAX];
	char			 b64[SIG_KEY_TEXT_MAX], group[64];
	const char		*s, *stop;
	size_t			 n = 0, derlen;

	if (text == NULL || strlen(text) >= SIG_KEY_TEXT_MAX) {
		(void)snprintf(err, errlen, "the SendGrid verification key is "
		    "missing or too long");
		return NULL;
	}
	/* PEM armour is allowed; the base64 between is what counts. */
	s = text;
	stop = text + strlen(text);
	if (strstr(text, begin) != NULL) {
		s = strstr(text, begin) + sizeof(begin) - 1;
		if ((stop = strstr(s, end)) == NULL) {
			(void)snprintf(err, errlen, "the SendGrid verification "
			    "key has no %s line", end);
			return NULL;
		}
	}
	for (; s < stop; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			b64[n++] = *s;
	if (sig_base64_decode(b64, n, der, sizeof(der), &derlen) == -1) {
		(void)snprintf(err, errlen, "the SendGrid verification key is "
		    "not base64");
		return NULL;
	}
	p = der;
	pkey = d2i_PUBKEY(NULL, &p, (long)derlen);
	if (pkey == NULL || p != der + derlen) {
		(void)snprintf(err, errlen, "the SendGrid verification key is "
		    "not a DER SubjectPublicKeyInfo");
		goto fail;
	}
	if (!EVP_PKEY_is_a(pkey, "EC") || EVP_PKEY_get_group_name(pkey, group,
	    sizeof(group), NULL) != 1 || strcmp(group, "prime256v1") != 0) {
		(void)snprintf(err, errlen, "the SendGrid verification key is "
		    "not an ECDSA P-256 key");
		goto fail;
	}
	key = xmalloc(sizeof(*key));
	key->pkey = pkey;
	return key;
fail:
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return NULL;
}

void
sig_sendgrid_key_free(struct sig_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

int
sig_sendgrid_verify(const struct sig_key *key, const char *timestamp,
    const char *body, size_t len, const char *signature, char *err,
    size_t errlen)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 der[SIG_ECDSA_B64_MAX];
	size_t		 tslen, siglen, derlen;
	int		 r;

	if (key == NULL) {
		(void)snprintf(err, errlen, "no SendGrid verification key");
		return -1;
	}
	if (signature == NULL || signature[0] == '\0') {
		(void)snprintf(err, errlen, "no %s", SIG_SENDGRID_HEADER);
		return -1;
	}
	tslen = timestamp != NULL ? strlen(timestamp) : 0;
	if (tslen == 0 || tslen > SIG_TIMESTAMP_MAX ||
	    strspn(timestamp, "0123456789") != tslen) {
		(void)snprintf(err, errlen, "%s is missing or not a number of "
		    "seconds", SIG_SENDGRID_TIMESTAMP_HEADER);
		return -1;
	}
	siglen = strlen(signature);
	if (siglen > SIG_ECDSA_B64_MAX || sig_base64_decode(signature,
	    siglen, der, sizeof(der), &derlen) == -1) {
		(void)snprintf(err, errlen, "%s is not the base64 of an ECDSA "
		    "P-256 signature", SIG_SENDGRID_HEADER);
		return -1;
	}
	if (body == NULL)
		body = "";

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		r = -1;
	else if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    key->pkey) != 1 ||
	    EVP_DigestVerifyUpdate(ctx, timestamp, tslen) != 1 ||
	    EVP_DigestVerifyUpdate(ctx, body, len) != 1)
		r = -1;
	else
		r = EVP_DigestVerifyFinal(ctx, der, derlen);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	if (r == 1)
		return 0;
	if (r == 0)
		(void)snprintf(err, errlen, "%s does not match the timestamp "
		    "and body", SIG_SENDGRID_HEADER);
	else
		(void)snprintf(err, errlen, "%s is not a DER ECDSA signature "
		    "or cannot be checked", SIG_SENDGRID_HEADER);
	return -1;
}

int
sig_webhook_sign(const char *token, const char *body, size_t len, char *out,
    size_t outlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 mdlen, i, p;

	if (outlen > 0)
		out[0] = '\0';
	if (outlen < SIG_WEBHOOK_MAX || sig_hmac(SIG_HMAC_SHA256, token, body,
	    len, md, sizeof(md), &mdlen) == -1) {
		ERR_clear_error();
		return -1;
	}
	memcpy(out, SIG_WEBHOOK_PREFIX, sizeof(SIG_WEBHOOK_PREFIX) - 1);
	p = sizeof(SIG_WEBHOOK_PREFIX) - 1;
	for (i = 0; i < mdlen; i++) {
		out[p++] = "0123456789abcdef"[md[i] >> 4];
		out[p++] = "0123456789abcdef"[md[i] & 0xf];
	}
	out[p] = '\0';
	return 0;
}

int
sig_webhook_verify(const char *token, const char *body, size_t len,
    const char *header, char *err, size_t errlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE], got[32];
	const size_t	 plen = sizeof(SIG_WEBHOOK_PREFIX) - 1;
	size_t		 mdlen;

	if (token == NULL || token[0] == '\0') {
		(void)snprintf(err, errlen, "no token to check %s with",
		    SIG_WEBHOOK_HEADER);
		return -1;
	}
	if (header == NULL || header[0] == '\0') {
		(void)snprintf(err, errlen, "no %s", SIG_WEBHOOK_HEADER);
		return -1;
	}
	if (strlen(header) != plen + 2 * sizeof(got) ||
	    strncmp(header, SIG_WEBHOOK_PREFIX, plen) != 0 ||
	    sig_hex_decode(header + plen, 2 * sizeof(got), got) == -1) {
		(void)snprintf(err, errlen, "%s is not \"%s\" and 64 hex "
		    "digits", SIG_WEBHOOK_HEADER, SIG_WEBHOOK_PREFIX);
		return -1;
	}
	if (sig_hmac(SIG_HMAC_SHA256, token, body, len, md, sizeof(md),
	    &mdlen) == -1 || mdlen != sizeof(got)) {
		ERR_clear_error();
		(void)snprintf(err, errlen, "%s: libcrypto cannot compute the "
		    "HMAC-SHA256", SIG_WEBHOOK_HEADER);
		return -1;
	}
	if (CRYPTO_memcmp(md, got, sizeof(got)) != 0) {
		(void)snprintf(err, errlen, "%s does not match the body",
		    SIG_WEBHOOK_HEADER);
		return -1;
	}
	return 0;
}
