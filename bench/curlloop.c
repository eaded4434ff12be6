/* SPDX-License-Identifier: MIT */
/* curlloop.c: the reference: a bare libcurl multi loop posting aftercared's Twilio requests. */

/*
 * usage: curlloop -u URL -n COUNT -c CONCURRENCY [-a USER:PASSWORD]
 *        curlloop -b         (print one body on stdout, for wrk)
 *        curlloop -V         (print libcurl's version)
 *
 * POSTs COUNT form bodies of the shape aftercared sends to Twilio (To,
 * From, and the built-in 24h text rendered for "Patient" at the bench's
 * clinic, percent-encoded the same way), with the same headers and HTTP
 * basic auth, keeping CONCURRENCY transfers in flight on reused easy
 * handles (and so reused connections), as fast as libcurl goes.  The
 * bodies are made before the clock starts.  Prints, key=value:
 *
 *   requests=10000 concurrency=16 seconds=1.234567 rate=8100.2 failed=0
 *
 * and exits 1 if any answer was not a 2xx.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

/*
 * What aftercared renders from its built-in "day1" template with
 * run.sh's configuration (clinic "Riverside Skin Clinic", "+1 555 0100",
 * a patient named "Patient NNNNNN", treatment kind microneedling).
 */
#define TEXT	"Hi Patient, it's Riverside Skin Clinic. After your " \
		"microneedling: wash gently with a mild cleanser, no makeup " \
		"for the first 24 hours, and don't touch or pick the treated " \
		"skin. Redness, swelling or oozing that won't settle? Call " \
		"+1 555 0100."
#define FROM	"+15550100"

struct slot {
	CURL			*easy;
	struct curl_slist	*headers;
};

static void	usage(void) __attribute__((noreturn));
static void	form_append(char **, const char *);
static char	*body_make(long);
static size_t	discard(char *, size_t, size_t, void *);
static int	slot_start(CURLM *, struct slot *, const char *, long);
static double	now_seconds(void);

static void
usage(void)
{
	(void)fprintf(stderr, "usage: curlloop -u URL -n COUNT -c CONCURRENCY "
	    "[-a USER:PASSWORD]\n       curlloop -b | -V\n");
	exit(2);
}

/* Percent-encodes s at *p as gw_twilio.c does: all but RFC 3986 unreserved. */
static void
form_append(char **p, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*u;
	char			*o = *p;

	for (u = (const unsigned char *)s; *u != '\0'; u++) {
		if ((*u >= 'A' && *u <= 'Z') || (*u >= 'a' && *u <= 'z') ||
		    (*u >= '0' && *u <= '9') || *u == '-' || *u == '.' ||
		    *u == '_' || *u == '~')
			*o++ = (char)*u;
		else {
			*o++ = '%';
			*o++ = hex[*u >> 4];
			*o++ = hex[*u & 0xf];
		}
	}
	*o = '\0';
	*p = o;
}

/* The body of request i: a fictional 555-01xx number, the sender, the text. */
static char *
body_make(long i)
{
	char	 to[32], *b, *p;

	(void)snprintf(to, sizeof(to), "+1555010%04ld", i % 10000);
	if ((b = malloc(3 * (sizeof(TEXT) + sizeof(to) + sizeof(FROM)) +
	    32)) == NULL) {
		(void)fprintf(stderr, "curlloop: out of memory\n");
		exit(1);
	}
	p = b;
	p = stpcpy(p, "To=");
	form_append(&p, to);
	p = stpcpy(p, "&From=");
	form_append(&p, FROM);
	p = stpcpy(p, "&Body=");
	form_append(&p, TEXT);
	return b;
}

static size_t
discard(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return size * nmemb;
}

/* Puts body i on the slot's easy handle, with its own Idempotency-Key. */
static int
slot_start(CURLM *multi, struct slot *s, const char *body, long i)
{
	struct curl_slist	*h = NULL, *t;
	static const char *const fixed[] = {
		"Content-Type: application/x-www-form-urlencoded",
		"Accept: application/json",
		"Expect:",
	};
	char			 key[64];
	size_t			 k;

	(void)snprintf(key, sizeof(key), "Idempotency-Key: %032lx",
	    (unsigned long)i);
	for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++) {
		if ((t = curl_slist_append(h, fixed[k])) == NULL)
			goto fail;
		h = t;
	}
	if ((t = curl_slist_append(h, key)) == NULL)
		goto fail;
	h = t;
	curl_slist_free_all(s->headers);
	s->headers = h;
	if (curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, h) != CURLE_OK ||
	    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(body)) != CURLE_OK ||
	    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_multi_add_handle(multi, s->easy) != CURLM_OK)
		return -1;
	return 0;
fail:
	curl_slist_free_all(h);
	return -1;
}

static double
now_seconds(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1) {
		(void)fprintf(stderr, "curlloop: clock_gettime: %s\n",
		    strerror(errno));
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	struct slot	*slots, *s;
	char		*priv;
	struct CURLMsg	*m;
	CURLM		*multi;
	CURL		*e;
	char		**bodies, *end;
	const char	*url = NULL, *auth = "AC00000000000000000000000000000000:"
			    "bench-token";
	double		 start, secs;
	long		 n = 0, conc = 0, next = 0, done = 0, failed = 0, code;
	long		 i;
	int		 ch, running, q;

	while ((ch = getopt(argc, argv, "a:bc:n:u:V")) != -1) {
		switch (ch) {
		case 'a':
			auth = optarg;
			break;
		case 'b':
			end = body_make(0);
			(void)printf("%s\n", end);
			free(end);
			return 0;
		case 'c':
		case 'n':
			errno = 0;
			i = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    i < 1 || i > 100000000)
				usage();
			if (ch == 'c')
				conc = i;
			else
				n = i;
			break;
		case 'u':
			url = optarg;
			break;
		case 'V':
			(void)printf("%s\n", curl_version_info(CURLVERSION_NOW)
			    ->version);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc || url == NULL || n == 0 || conc == 0)
		usage();
	if (conc > n)
		conc = n;

	if ((bodies = calloc((size_t)n, sizeof(*bodies))) == NULL ||
	    (slots = calloc((size_t)conc, sizeof(*slots))) == NULL) {
		(void)fprintf(stderr, "curlloop: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		bodies[i] = body_make(i);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (multi = curl_multi_init()) == NULL) {
		(void)fprintf(stderr, "curlloop: libcurl unusable\n");
		return 1;
	}
	for (i = 0; i < conc; i++) {
		if ((e = slots[i].easy = curl_easy_init()) == NULL ||
		    curl_easy_setopt(e, CURLOPT_PRIVATE, &slots[i]) !=
		    CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_TIMEOUT, 15L) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) !=
		    CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_USERPWD, auth) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_USERAGENT, "curlloop") !=
		    CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard) !=
		    CURLE_OK) {
			(void)fprintf(stderr, "curlloop: libcurl refused an "
			    "option\n");
			return 1;
		}
	}

	start = now_seconds();
	for (i = 0; i < conc; i++)
		if (slot_start(multi, &slots[i], bodies[next], next) == -1)
			goto fail;
		else
			next++;
	while (done < n) {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			goto fail;
		while ((m = curl_multi_info_read(multi, &q)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			e = m->easy_handle;
			code = 0;
			if (m->data.result != CURLE_OK ||
			    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE,
			    &code) != CURLE_OK || code / 100 != 2) {
				if (failed++ == 0)
					(void)fprintf(stderr, "curlloop: %s, "
					    "HTTP %ld\n", curl_easy_strerror(
					    m->data.result), code);
			}
			done++;
			if (curl_multi_remove_handle(multi, e) != CURLM_OK ||
			    curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv) !=
			    CURLE_OK)
				goto fail;
			s = (struct slot *)(void *)priv;
			if (next < n && slot_start(multi, s, bodies[next],
			    next) == -1)
				goto fail;
			next++;
		}
		if (done < n && curl_multi_poll(multi, NULL, 0, 1000, NULL) !=
		    CURLM_OK)
			goto fail;
	}
	secs = now_seconds() - start;
	(void)printf("requests=%ld concurrency=%ld seconds=%.6f rate=%.1f "
	    "failed=%ld\n", n, conc, secs, (double)n / secs, failed);
	for (i = 0; i < conc; i++) {
		curl_easy_cleanup(slots[i].easy);
		curl_slist_free_all(slots[i].headers);
	}
	for (i = 0; i < n; i++)
		free(bodies[i]);
	free(bodies);
	free(slots);
	(void)curl_multi_cleanup(multi);
	curl_global_cleanup();
	return failed == 0 ? 0 : 1;
fail:
	(void)fprintf(stderr, "curlloop: libcurl failed after %ld requests\n",
	    done);
	return 1;
}
