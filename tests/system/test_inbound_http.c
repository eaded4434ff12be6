/* SPDX-License-Identifier: MIT */
/*
 * test_inbound_http.c: aftercare-inbound end to end: the real binary on a
 * loopback port (or a passed socket, or a unix socket), requests signed
 * as Twilio, SendGrid and the webhook gateway sign them (here, with
 * libcrypto), sent with libcurl or by hand; then what is in the database.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>
#include <sqlite3.h>

#include "fixture/testenv.h"
#include "fixture/webhooks.h"
#include "fixture/testutil.h"
#include "util.h"

#define RECEIVER	BUILD_DIR "/aftercare-inbound"

#define TOKEN		"test-token-5f3a9c"
#define SID		"AC00000000000000000000000000000001"
#define OTHER_SID	"AC00000000000000000000000000000002"
#define ORIGIN		"https://clinic.example.com"
#define PUBLIC		ORIGIN "/aftercare"
#define MARIA		"+15550100101"
#define MARIA_AS_TYPED	"+1 555 010 0101"
#define SM_SENT		"SM0000000000000000000000000000aaaa"

/* What must never reach a log line. */
static const char *const leaks[] = {
	"5550100101", "555 010 0101", "Maria", "swollen", "oozing",
	"maria@example.com", TOKEN, "please stop", "RLM",
};

struct env {
	char		 dir[64];
	char		 conf[128];
	char		 db[128];
	char		 err[128];	/* the receiver's stderr, all runs */
	char		 notify[96];
	char		 sock[96];	/* unix socket, when used */
	int		 port;		/* where requests go */
	int		 conf_port;	/* inbound.listen's, if not port */
	bool		 webhook;	/* the webhook gateway, not Twilio */
	pid_t		 pid;
	off_t		 fsize;		/* the receiver's file-size limit */
	int		 notifyfd;	/* systemd's end of $NOTIFY_SOCKET */
	EVP_PKEY	*sg;		/* SendGrid's key pair */
	char		 sgkey[256];	/* its public half, base64 DER */
};

struct reply {
	long	 status;
	char	 body[8192];
	size_t	 len;
};

static void
db_exec(struct env *e, const char *q)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int64_t
db_int(struct env *e, const char *q)
{
	return testenv_db_int(e->db, q);
}

static void
write_config(struct env *e, const char *extra)
{
	char	text[4096], path[160], listen[200];

	snprintf(path, sizeof(path), "%s/token", e->dir);
	testenv_write_file(path, TOKEN "\n");
	assert_int_equal(chmod(path, 0600), 0);
	if (e->sock[0] != '\0')
		snprintf(listen, sizeof(listen), "unix:%s", e->sock);
	else
		snprintf(listen, sizeof(listen), "127.0.0.1:%d",
		    e->conf_port != 0 ? e->conf_port : e->port);
	snprintf(text, sizeof(text),
	    "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "%s\n"
	    "email = { provider = \"sendgrid\"; api_key = \"SG.x\"; "
	    "from = \"care@clinic.example.com\"; };\n"
	    "inbound = {\n"
	    "  listen = \"%s\";\n"
	    "  public_url = \"" PUBLIC "\";\n"
	    "  escalate_to = [ \"nurse@clinic.example.com\" ];\n"
	    "  sendgrid_key = \"%s\";\n"
	    "  %s\n"
	    "};\n",
	    e->webhook ? "sms = { provider = \"webhook\"; url = "
	    "\"http://127.0.0.1:9/send\"; auth_token_file = \"token\"; };" :
	    "sms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token_file = \"token\"; from = \"+15550100\"; };",
	    listen, e->sgkey, extra != NULL ? extra : "");
	testenv_write_file(e->conf, text);
}

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	unsigned char	*der = NULL;
	char		*k;
	int		 len;
	const char *argv[] = { AFTERCARECTL, "-c", NULL, "init", NULL };
	char		 out[160];

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/aftercare-inbound-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->conf, sizeof(e->conf), "%s/aftercare.conf", e->dir);
	snprintf(e->db, sizeof(e->db), "%s/aftercare.db", e->dir);
	snprintf(e->err, sizeof(e->err), "%s/stderr", e->dir);
	snprintf(e->notify, sizeof(e->notify), "%s/notify", e->dir);
	e->pid = -1;
	e->notifyfd = -1;
	assert_non_null(e->sg = EVP_EC_gen("P-256"));
	assert_true((len = i2d_PUBKEY(e->sg, &der)) > 0);
	k = webhooks_b64(der, (size_t)len);
	snprintf(e->sgkey, sizeof(e->sgkey), "%s", k);
	free(k);
	OPENSSL_free(der);
	e->port = webhooks_free_port();
	write_config(e, NULL);
	argv[2] = e->conf;
	snprintf(out, sizeof(out), "%s/init.out", e->dir);
	assert_int_equal(testenv_run(argv, out, e->err), 0);
	/*
	 * Maria (patient 1, her number as the booking software typed it) had
	 * a treatment two days ago; its 24h SMS went out (reminder 1), and
	 * its 24h email (reminder 2).
	 */
	db_exec(e, "INSERT INTO patients (id, full_name, phone, email) VALUES "
	    "(1, 'Maria Example', '" MARIA_AS_TYPED "', 'maria@example.com')");
	db_exec(e, "INSERT INTO treatments (id, patient_id, performed_at) "
	    "VALUES (1, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 days'))");
	db_exec(e, "DELETE FROM treatment_changes; "
	    "INSERT INTO reminders (id, treatment_id, milestone, channel, "
	    "state, due_at, expires_at, next_attempt_at, created_at, "
	    "updated_at, sent_at, provider_id) VALUES "
	    "(1, 1, '24h', 'sms', 'sent', 1, 2, 1, 1, 1, unixepoch() - 3600, "
	    "'" SM_SENT "'), "
	    "(2, 1, '24h', 'email', 'sent', 1, 2, 1, 1, 1, unixepoch() - 3600, "
	    "'sg-msg-1')");
	*state = e;
	return 0;
}

static void
stop(struct env *e)
{
	int	status;

	if (e->pid == -1)
		return;
	assert_int_equal(kill(e->pid, SIGTERM), 0);
	status = testenv_wait(e->pid);
	e->pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("aftercare-inbound did not exit 0 on SIGTERM "
		    "(status %#x)", status);
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[128];

	if (e->pid != -1) {
		(void)kill(e->pid, SIGKILL);
		(void)testenv_wait(e->pid);
	}
	testenv_assert_clean(e->err, leaks, NELEM(leaks));
	if (e->notifyfd != -1)
		close(e->notifyfd);
	EVP_PKEY_free(e->sg);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	assert_int_equal(system(cmd), 0);
	free(e);
	return 0;
}

/* A datagram socket for $NOTIFY_SOCKET, as systemd listens. */
static int
notify_open(struct env *e)
{
	struct sockaddr_un	sun;
	int			fd;

	(void)unlink(e->notify);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", e->notify);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* Waits for READY=1 on fd, failing if the receiver exits first. */
static void
wait_ready(struct env *e, int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 buf[256], *log;
	ssize_t		 n;
	int		 i, status;

	for (i = 0; i < 600; i++) {
		if (waitpid(e->pid, &status, WNOHANG) == e->pid) {
			e->pid = -1;
			log = testenv_read_file(e->err);
			fail_msg("aftercare-inbound exited (%#x):\n%s", status,
			    log);
		}
		if (poll(&pfd, 1, 100) == 1) {
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			assert_true(n > 0);
			buf[n] = '\0';
			if (strstr(buf, "READY=1") != NULL)
				return;
		}
	}
	fail_msg("aftercare-inbound never said READY=1");
}

/*
 * Starts the receiver with extra in its inbound section; with lfd != -1,
 * hands it that listening socket as systemd does (LISTEN_FDS).
 */
static void
start_fd(struct env *e, const char *extra, int lfd)
{
	const char *argv[] = { RECEIVER, "-c", e->conf, NULL };
	struct rlimit	 rl;
	char	 pid[32];
	int	 nfd, fd;

	write_config(e, extra);
	if (e->notifyfd != -1)
		close(e->notifyfd);
	e->notifyfd = nfd = notify_open(e);
	e->pid = fork();
	assert_true(e->pid >= 0);
	if (e->pid == 0) {
		fd = open(e->err, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd == -1 || dup2(fd, 2) == -1)
			_exit(127);
		/* Writes past the limit fail with EFBIG, as on a full disk. */
		if (e->fsize > 0) {
			if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR ||
			    getrlimit(RLIMIT_FSIZE, &rl) == -1)
				_exit(127);
			rl.rlim_cur = (rlim_t)e->fsize;
			if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
				_exit(127);
		}
		if (setenv("NOTIFY_SOCKET", e->notify, 1) == -1)
			_exit(127);
		if (lfd != -1) {
			if (dup2(lfd, 3) == -1)
				_exit(127);
			snprintf(pid, sizeof(pid), "%d", (int)getpid());
			if (setenv("LISTEN_FDS", "1", 1) == -1 ||
			    setenv("LISTEN_PID", pid, 1) == -1)
				_exit(127);
		}
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	wait_ready(e, nfd);
}

static void
start(struct env *e, const char *extra)
{
	start_fd(e, extra, -1);
}

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct reply	*r = arg;
	size_t		 len = size * n, room = sizeof(r->body) - 1 - r->len;

	memcpy(r->body + r->len, data, len < room ? len : room);
	r->len += len < room ? len : room;
	r->body[r->len] = '\0';
	return len;
}

/*
 * POSTs len bytes of body to the receiver's path with the headers given
 * (NULL-terminated); method NULL is POST.  Returns the status.
 */
static long
request(struct env *e, const char *method, const char *path,
    const char *body, size_t len, const char *const *headers,
    struct reply *r)
{
	struct curl_slist	*h = NULL;
	char			 url[256];
	CURL			*c;
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	assert_non_null(c = curl_easy_init());
	if (e->sock[0] != '\0') {
		snprintf(url, sizeof(url), "http://localhost%s", path);
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, e->sock);
	} else
		snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", e->port,
		    path);
	for (; headers != NULL && *headers != NULL; headers++)
		h = curl_slist_append(h, *headers);
	/* No "Expect: 100-continue" pause on larger bodies. */
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if ((rc = curl_easy_perform(c)) != CURLE_OK)
		fail_msg("%s: %s", url, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return r->status;
}

/*
 * POSTs p to path as Twilio does, signed with token over signed_url
 * (NULL: the right one), with extra headers; returns the status.
 */
static long
twilio_post(struct env *e, const char *path, const struct webhooks_param *p,
    size_t n, const char *token, const char *signed_url, const char *extra,
    struct reply *r)
{
	char	 url[256], hdr[128], *sig, *body;
	long	 status;
	const char *headers[] = {
	    "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
	    hdr, extra, NULL };

	snprintf(url, sizeof(url), "%s%s", ORIGIN, path);
	sig = webhooks_twilio_sign(token, signed_url != NULL ? signed_url : url,
	    p, n);
	snprintf(hdr, sizeof(hdr), "X-Twilio-Signature: %s", sig);
	body = webhooks_form(p, n);
	status = request(e, NULL, path, body, strlen(body), headers, r);
	free(body);
	free(sig);
	return status;
}

/* A patient's SMS as Twilio posts it. */
static long
twilio_sms(struct env *e, const char *sid, const char *from,
    const char *text, struct reply *r)
{
	const struct webhooks_param p[] = {
		{ "ToCountry", "US" },
		{ "SmsMessageSid", sid },
		{ "NumMedia", "0" },
		{ "From", from },
		{ "To", "+15550100" },
		{ "Body", text },
		{ "MessageSid", sid },
		{ "AccountSid", SID },
		{ "NumSegments", "1" },
		{ "ApiVersion", "2010-04-01" },
	};

	return twilio_post(e, "/aftercare/twilio/sms", p, NELEM(p), TOKEN,
	    NULL, NULL, r);
}

#define TWIML_EMPTY "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"

/*
 * A reply reaches the database, matched to Maria, her treatment and the
 * SMS it answers, marked urgent; Twilio's retry changes nothing.
 */
static void
test_reply(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	char		 body[4000];
	size_t		 i;

	start(e, NULL);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000b001",
	    MARIA, "My face is still swollen and oozing", &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider = 'twilio' AND provider_message_id = "
	    "'SM0000000000000000000000000000b001' AND from_number = '" MARIA
	    "' AND to_number = '+15550100' AND body = 'My face is still "
	    "swollen and oozing' AND patient_id = 1 AND treatment_id = 1 AND "
	    "reminder_id = 1 AND classification = 'reply' AND urgent = 1 AND "
	    "escalation = 'pending' AND acknowledged_at IS NULL"), 1);
	/* Twilio retries (rc=5): the same answer, nothing more written. */
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000b001",
	    MARIA, "My face is still swollen and oozing", &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 1);

	/*
	 * 1,600 characters with control characters, RTL marks and a byte
	 * that is not UTF-8: kept, the byte as U+FFFD.
	 */
	memcpy(body, "\xe2\x80\x8f" "RLM\x01\x1b[31m", 12);	/* 10 chars */
	for (i = 12; i < 12 + 1589; i++)
		body[i] = 'a' + (char)(i % 26);
	body[1601] = '\xff';
	body[1602] = '\0';
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000b002",
	    "+15550100199", body, &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider_message_id = 'SM0000000000000000000000000000b002' "
	    "AND patient_id IS NULL AND length(body) = 1600 AND "
	    "substr(body, 1, 4) = char(8207) || 'RLM' AND "
	    "substr(body, 5, 1) = char(1) AND "
	    "substr(body, 1600, 1) = char(65533)"), 1);
	stop(e);
}

/* STOP and START, with the evidence kept; the answer is always empty. */
static void
test_keywords(void **state)
{
	struct env	*e = *state;
	struct reply	 r;

	start(e, "acknowledge = true;");
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000c001",
	    MARIA, " stop ", &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts o "
	    "JOIN inbound_messages m ON m.id = o.inbound_id WHERE "
	    "o.phone = '" MARIA "' AND m.body = ' stop ' AND "
	    "m.classification = 'optout' AND m.escalation = 'none'"), 1);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000c002",
	    MARIA, "please stop texting me", &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000c003",
	    MARIA, "UNSTOP", &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts"), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE classification = 'possible_optout' AND "
	    "escalation = 'pending'"), 1);
	/* A reply is acknowledged, once a day. */
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000c004",
	    MARIA, "is this normal?", &r), 200);
	assert_string_equal(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response><Message>Thank you, the clinic has your message; if it "
	    "is urgent call +1 555 0100.</Message></Response>");
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000c005",
	    MARIA, "and this?", &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	stop(e);
}

/*
 * Forged requests get 403 and write nothing: no signature, a wrong one,
 * one over another URL, another account, a Webhook Rule's signature.
 */
static void
test_forged(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	const struct webhooks_param p[] = {
		{ "MessageSid", "SM0000000000000000000000000000d001" },
		{ "AccountSid", SID },
		{ "From", MARIA },
		{ "Body", "STOP" },
	};
	const struct webhooks_param other[] = {
		{ "MessageSid", "SM0000000000000000000000000000d002" },
		{ "AccountSid", OTHER_SID },
		{ "From", MARIA },
		{ "Body", "STOP" },
	};
	const char *nosig[] = {
	    "Content-Type: application/x-www-form-urlencoded", NULL };
	char	*body;

	start(e, NULL);
	body = webhooks_form(p, NELEM(p));
	assert_int_equal(request(e, NULL, "/aftercare/twilio/sms", body,
	    strlen(body), nosig, &r), 403);
	free(body);
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", p, NELEM(p),
	    "wrong-token", NULL, NULL, &r), 403);
	/* The URL the receiver sees, not the public one Twilio signs. */
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", p, NELEM(p),
	    TOKEN, "http://127.0.0.1/aftercare/twilio/sms", NULL, &r), 403);
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", p, NELEM(p),
	    TOKEN, PUBLIC "/twilio/status", NULL, &r), 403);
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", other,
	    NELEM(other), TOKEN, NULL, NULL, &r), 403);
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", p, NELEM(p),
	    TOKEN, NULL, "X-Twilio-Webhooks-Signature-Settings: "
	    "key=KS123,algorithm=HMAC_SHA256", &r), 403);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts"), 0);
	/* The same request, signed right, is taken; with a port too. */
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", p, NELEM(p),
	    TOKEN, "https://clinic.example.com:443/aftercare/twilio/sms",
	    NULL, &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts"), 1);
	stop(e);
	testenv_assert_clean(e->err, (const char *const[]){ "wrong-token",
	    "KS123" }, 2);
}

/* What the limits refuse, before or after reading the body. */
static void
test_refusals(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	const char *form_ct[] = {
	    "Content-Type: application/x-www-form-urlencoded", NULL };
	const char *json_ct[] = { "Content-Type: application/json", NULL };
	const char *chunked[] = {
	    "Content-Type: application/x-www-form-urlencoded",
	    "Transfer-Encoding: chunked", NULL };
	const char *bad_sig[] = {
	    "Content-Type: application/x-www-form-urlencoded",
	    "X-Twilio-Signature: AAAAAAAAAAAAAAAAAAAAAAAAAAA=", NULL };
	/* Signed, but NumMedia is words: refused without logging them */
	const struct webhooks_param media[] = {
		{ "MessageSid", "SM0000000000000000000000000000d003" },
		{ "AccountSid", SID },
		{ "From", MARIA },
		{ "Body", "hello" },
		{ "NumMedia", "2\nmy rash photos" },
	};
	char	*big;

	start(e, NULL);
	assert_int_equal(request(e, NULL, "/aftercare/nothing", "a=b", 3,
	    form_ct, &r), 404);
	assert_int_equal(request(e, NULL, "/", "a=b", 3, form_ct, &r), 404);
	/* Endpoints of providers not configured do not exist. */
	assert_int_equal(request(e, NULL, "/aftercare/webhook/sms", "{}", 2,
	    json_ct, &r), 404);
	assert_int_equal(request(e, "GET", "/aftercare/twilio/sms", NULL, 0,
	    NULL, &r), 405);
	assert_int_equal(request(e, "PUT", "/aftercare/twilio/sms", "a=b", 3,
	    form_ct, &r), 405);
	assert_int_equal(request(e, NULL, "/aftercare/twilio/sms", "{}", 2,
	    json_ct, &r), 415);
	assert_int_equal(request(e, NULL, "/aftercare/sendgrid/events", "a=b",
	    3, form_ct, &r), 415);
	big = malloc(70000);
	assert_non_null(big);
	memset(big, 'a', 70000);
	assert_int_equal(request(e, NULL, "/aftercare/twilio/sms", big, 70000,
	    form_ct, &r), 413);
	/* No Content-Length to go by: counted as it comes. */
	assert_int_equal(request(e, NULL, "/aftercare/twilio/sms", big, 70000,
	    chunked, &r), 413);
	free(big);
	/* Malformed form encoding. */
	assert_int_equal(request(e, NULL, "/aftercare/twilio/sms",
	    "Body=%zz&From=x", 15, bad_sig, &r), 400);
	assert_int_equal(request(e, NULL, "/aftercare/twilio/sms",
	    "Body=a\x01&From=x", 15, bad_sig, &r), 400);
	assert_int_equal(twilio_post(e, "/aftercare/twilio/sms", media,
	    NELEM(media), TOKEN, NULL, NULL, &r), 400);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 0);
	stop(e);
	testenv_assert_clean(e->err, (const char *const[]){ "rash photos" },
	    1);
}

static long
twilio_status(struct env *e, const char *sid, const char *status,
    const char *code, struct reply *r)
{
	const struct webhooks_param p[] = {
		{ "MessageSid", sid },
		{ "SmsSid", sid },
		{ "AccountSid", SID },
		{ "MessageStatus", status },
		{ "SmsStatus", status },
		{ "ErrorCode", code != NULL ? code : "" },
		{ "To", MARIA },
		{ "From", "+15550100" },
		{ "ApiVersion", "2010-04-01" },
	};

	return twilio_post(e, "/aftercare/twilio/status", p,
	    code != NULL ? NELEM(p) : NELEM(p) - 4, TOKEN, NULL, NULL, r);
}

/* Status callbacks, twice and out of order: the state only moves on. */
static void
test_status(void **state)
{
	struct env	*e = *state;
	struct reply	 r;

	start(e, NULL);
	assert_int_equal(twilio_status(e, SM_SENT, "sent", NULL, &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'sent'"), 1);
	assert_int_equal(twilio_status(e, SM_SENT, "delivered", NULL, &r),
	    200);
	assert_int_equal(twilio_status(e, SM_SENT, "sent", NULL, &r), 200);
	assert_int_equal(twilio_status(e, SM_SENT, "delivered", NULL, &r),
	    200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'delivered' AND "
	    "delivery_at IS NOT NULL"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM delivery_receipts"),
	    2);
	/* An unknown MessageSid is kept, for no reminder. */
	assert_int_equal(twilio_status(e, "SM0000000000000000000000000000ffff",
	    "undelivered", "30003", &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM delivery_receipts "
	    "WHERE reminder_id IS NULL AND error = '30003'"), 1);
	/* A forged one changes nothing. */
	db_exec(e, "UPDATE reminders SET delivery_state = 'sent' WHERE id = 1");
	assert_int_equal(twilio_post(e, "/aftercare/twilio/status",
	    (const struct webhooks_param[]){ { "MessageSid", SM_SENT },
	    { "AccountSid", SID }, { "MessageStatus", "undelivered" } }, 3,
	    "wrong-token", NULL, NULL, &r), 403);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'sent'"), 1);
	assert_int_equal(twilio_status(e, SM_SENT, "undelivered", "30006", &r),
	    200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'undelivered' AND "
	    "delivery_error = '30006'"), 1);
	stop(e);
}

/* SendGrid's signature: ECDSA P-256 over the timestamp and the body. */
static long
sendgrid_post(struct env *e, EVP_PKEY *key, const char *ts, const char *body,
    struct reply *r)
{
	EVP_MD_CTX	*md;
	unsigned char	*sig;
	size_t		 siglen = 0;
	char		*text, *s64, sh[256], th[128];
	long		 status;
	const char *headers[] = { "Content-Type: application/json", sh, th,
	    NULL };

	text = xasprintf("%s%s", ts, body);
	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key),
	    1);
	assert_int_equal(EVP_DigestSign(md, NULL, &siglen,
	    (unsigned char *)text, strlen(text)), 1);
	assert_non_null(sig = malloc(siglen));
	assert_int_equal(EVP_DigestSign(md, sig, &siglen,
	    (unsigned char *)text, strlen(text)), 1);
	s64 = webhooks_b64(sig, siglen);
	snprintf(sh, sizeof(sh), "X-Twilio-Email-Event-Webhook-Signature: %s",
	    s64);
	snprintf(th, sizeof(th), "X-Twilio-Email-Event-Webhook-Timestamp: %s",
	    ts);
	status = request(e, NULL, "/aftercare/sendgrid/events", body,
	    strlen(body), headers, r);
	free(s64);
	free(sig);
	EVP_MD_CTX_free(md);
	free(text);
	return status;
}

#define SG_EVENT(id, ev, extra)						\
	"{\"email\":\"maria@example.com\",\"timestamp\":1600112502,"	\
	"\"event\":\"" ev "\",\"sg_event_id\":\"" id "\","		\
	"\"sg_message_id\":\"sg-msg-1.filter0001\","			\
	"\"reminder_id\":\"2\",\"milestone\":\"24h\"" extra "}"

/* Events matched by our custom_args; a bounce and an opt-out; forged. */
static void
test_sendgrid(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	EVP_PKEY	*other;
	struct buf	 b;
	int		 i;
	const char *batch = "[" SG_EVENT("ev1", "processed", "") ","
	    SG_EVENT("ev2", "delivered", "") ","
	    SG_EVENT("ev3", "bounce", ",\"type\":\"bounce\",\"status\":\"5.1.1\","
	    "\"reason\":\"550 5.1.1 <maria@example.com>: no such user\"") ","
	    SG_EVENT("ev4", "spamreport", "") ","
	    "{\"event\":\"open\"}]\r\n";

	start(e, NULL);
	assert_non_null(other = EVP_EC_gen("P-256"));
	assert_int_equal(sendgrid_post(e, other, "1600112502", batch, &r), 403);
	EVP_PKEY_free(other);
	assert_int_equal(sendgrid_post(e, e->sg, "1600112502", "{\"not\":"
	    "\"an array\"}", &r), 400);
	assert_int_equal(db_int(e, "SELECT count(*) FROM delivery_receipts"),
	    0);

	assert_int_equal(sendgrid_post(e, e->sg, "1600112502", batch, &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM delivery_receipts "
	    "WHERE provider = 'sendgrid' AND reminder_id = 2"), 4);
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "id = 2 AND delivery_state = 'bounced' AND "
	    "delivery_error = '5.1.1'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM email_bounces WHERE "
	    "address = 'maria@example.com' AND status = '5.1.1'"), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM email_optouts WHERE "
	    "address = 'maria@example.com' AND event = 'spamreport'"), 1);
	/* Retried for a day: the same events change nothing. */
	assert_int_equal(sendgrid_post(e, e->sg, "1600199999", batch, &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM delivery_receipts"),
	    4);

	/* 10,000 events in one body: one transaction. */
	buf_init(&b);
	buf_puts(&b, "[");
	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%s{\"event\":\"delivered\",\"sg_event_id\":"
		    "\"bulk-%05d\",\"reminder_id\":\"%d\",\"timestamp\":"
		    "1600112502}", i > 0 ? "," : "", i, 1000 + i);
	buf_puts(&b, "]");
	assert_int_equal(sendgrid_post(e, e->sg, "1600112600", b.data, &r),
	    200);
	buf_clear(&b);
	assert_int_equal(db_int(e, "SELECT count(*) FROM delivery_receipts "
	    "WHERE receipt_id LIKE 'bulk-%' AND reminder_id IS NULL"), 10000);
	stop(e);
}

/* HMAC-SHA256 of the body under the token, "sha256=" and hex. */
static long
webhook_post(struct env *e, const char *path, const char *token,
    const char *body, struct reply *r)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen, i;
	char		 hdr[128];
	size_t		 n;
	const char *headers[] = { "Content-Type: application/json", hdr,
	    NULL };

	assert_non_null(HMAC(EVP_sha256(), token, (int)strlen(token),
	    (const unsigned char *)body, strlen(body), mac, &maclen));
	n = (size_t)snprintf(hdr, sizeof(hdr), "X-Aftercare-Signature: "
	    "sha256=");
	for (i = 0; i < maclen; i++)
		n += (size_t)snprintf(hdr + n, sizeof(hdr) - n, "%02x", mac[i]);
	return request(e, NULL, path, body, strlen(body), headers, r);
}

/* The JSON webhook gateway's two directions. */
static void
test_webhook(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	const char	*sms = "{\"id\":\"gw-1\",\"from\":\"" MARIA "\","
	    "\"to\":\"+15550100\",\"body\":\"still swollen\",\"num_media\":1}";

	e->webhook = true;
	db_exec(e, "UPDATE reminders SET provider_id = 'gw-sent-1' "
	    "WHERE id = 1");
	start(e, "acknowledge = true;");
	assert_int_equal(webhook_post(e, "/aftercare/webhook/sms",
	    "wrong-token", sms, &r), 403);
	assert_int_equal(webhook_post(e, "/aftercare/twilio/sms", TOKEN, sms,
	    &r), 404);
	assert_int_equal(webhook_post(e, "/aftercare/webhook/sms", TOKEN,
	    "{\"id\":\"gw-1\"}", &r), 400);
	assert_int_equal(webhook_post(e, "/aftercare/webhook/sms", TOKEN, sms,
	    &r), 200);
	assert_string_equal(r.body, "{\"reply\":\"Thank you, the clinic has "
	    "your message; if it is urgent call +1 555 0100.\"}");
	assert_int_equal(webhook_post(e, "/aftercare/webhook/sms", TOKEN, sms,
	    &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE provider = 'webhook' AND provider_message_id = 'gw-1' AND "
	    "patient_id = 1 AND reminder_id = 1 AND num_media = 1 AND "
	    "urgent = 1"), 1);
	assert_int_equal(webhook_post(e, "/webhook/status", TOKEN,
	    "{\"id\":\"gw-sent-1\",\"status\":\"delivered\"}", &r), 200);
	assert_string_equal(r.body, "{}");
	assert_int_equal(db_int(e, "SELECT count(*) FROM reminders WHERE "
	    "id = 1 AND delivery_state = 'delivered'"), 1);
	stop(e);
}

/*
 * The booking software holds the write lock through the busy timeout:
 * 503, nothing written; once it lets go, Twilio's retry is taken.
 */
static void
test_locked(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	sqlite3		*db;

	start(e, NULL);
	assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000e001",
	    MARIA, "STOP", &r), 503);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts"), 0);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000e001",
	    MARIA, "STOP", &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts"), 1);
	stop(e);
}

/* The size of path, 0 if there is none. */
static off_t
file_size(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) == -1) {
		assert_int_equal(errno, ENOENT);
		return 0;
	}
	return sb.st_size;
}

/*
 * The disk fills up under the receiver (a file-size limit just above
 * what its files hold, so that the WAL cannot grow): the message that
 * finds no room gets 503 and nothing of it is written, the log says the
 * disk is full (and nothing of the message: teardown's check), and the
 * receiver carries on: a retry of a message taken before gets its
 * answer, and once there is room again (the limit lifted from outside,
 * prlimit(2)) Twilio's retry of the refused one is written.
 */
static void
test_disk_full(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	/* prlimit(2)'s limits (glibc declares it only for _GNU_SOURCE) */
	struct {
		uint64_t cur, max;
	}		 lim;
	const char	*files[] = { "aftercare.db", "aftercare.db-wal",
			    "aftercare.db-shm", "stderr" };
	char		 body[16001], sid[48], refused[48], path[160], q[160];
	char		*log;
	size_t		 i;
	int		 n, taken = 0;

	for (i = 0; i < sizeof(body) - 1; i++)
		body[i] = "still swollen "[i % 14];
	body[sizeof(body) - 1] = '\0';
	e->fsize = 32768;	/* the WAL index, -shm, at its smallest */
	for (i = 0; i < NELEM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", e->dir, files[i]);
		if (file_size(path) > e->fsize)
			e->fsize = file_size(path);
	}
	e->fsize += 64 * 1024;
	start(e, NULL);
	refused[0] = '\0';
	for (n = 0; n < 100 && refused[0] == '\0'; n++) {
		snprintf(sid, sizeof(sid), "SM0000000000000000000000000000%04d",
		    n);
		if (twilio_sms(e, sid, MARIA, body, &r) == 200)
			taken++;
		else {
			assert_int_equal(r.status, 503);
			assert_string_equal(r.body, "503 the disk is full; "
			    "nothing written, the provider will try again\n");
			snprintf(refused, sizeof(refused), "%s", sid);
		}
	}
	if (refused[0] == '\0')
		fail_msg("100 messages of 16,000 characters, all taken under a "
		    "limit of %lld bytes", (long long)e->fsize);
	assert_true(taken > 0);
	snprintf(q, sizeof(q), "SELECT count(*) FROM inbound_messages WHERE "
	    "provider_message_id = '%s'", refused);
	assert_int_equal(db_int(e, q), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"),
	    taken);
	log = testenv_read_file(e->err);
	assert_non_null(strstr(log, "record a message: the disk is full ("));
	assert_non_null(strstr(log, "refused, 503: the disk is full"));
	free(log);

	/* Still full: a message taken before is heard before, as ever. */
	assert_int_equal(twilio_sms(e, "SM00000000000000000000000000000000",
	    MARIA, body, &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);

	assert_int_equal(syscall(SYS_prlimit64, e->pid, RLIMIT_FSIZE, NULL,
	    &lim), 0);
	lim.cur = lim.max;
	assert_int_equal(syscall(SYS_prlimit64, e->pid, RLIMIT_FSIZE, &lim,
	    NULL), 0);
	assert_int_equal(twilio_sms(e, refused, MARIA, body, &r), 200);
	assert_string_equal(r.body, TWIML_EMPTY);
	assert_int_equal(db_int(e, q), 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"),
	    taken + 1);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages "
	    "WHERE length(body) = 16000 AND patient_id = 1"), taken + 1);
	stop(e);
	assert_int_equal(db_int(e, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

static int
connect_to(struct env *e)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)e->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
send_all(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL),
	    (ssize_t)strlen(s));
}

/*
 * A client that trickles its request a byte at a time never goes quiet,
 * yet is dropped at its deadline; nothing is written.
 */
static void
test_slow_client(void **state)
{
	struct env	*e = *state;
	char		 c;
	int		 fd, i;
	ssize_t		 n;
	bool		 dropped = false;
	struct timespec	 pause = { 0, 200 * 1000 * 1000 };
	char		*log;

	start(e, "timeout = 1;");
	assert_true((fd = connect_to(e)) >= 0);
	send_all(fd, "POST /aftercare/twilio/sms HTTP/1.1\r\n"
	    "Host: clinic.example.com\r\n");
	for (i = 0; i < 300 && !dropped; i++) {
		if (send(fd, "X", 1, MSG_NOSIGNAL) == -1) {
			dropped = true;
			break;
		}
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK))
			dropped = true;
		nanosleep(&pause, NULL);
	}
	close(fd);
	assert_true(dropped);
	stop(e);
	log = testenv_read_file(e->err);
	assert_non_null(strstr(log, "dropped a connection that took over 1 s "
	    "for one request (a slow client)"));
	free(log);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 0);
}

/*
 * SIGTERM while a request is being read: no new connections, but that
 * request is finished, written and answered, and the receiver exits 0.
 */
static void
test_sigterm_mid_request(void **state)
{
	struct env	*e = *state;
	const struct webhooks_param p[] = {
		{ "MessageSid", "SM0000000000000000000000000000f001" },
		{ "AccountSid", SID },
		{ "From", MARIA },
		{ "Body", "STOP" },
	};
	char		 head[512], got[1024], url[128], *sig, *body;
	size_t		 half, len = 0;
	ssize_t		 n;
	int		 fd, probe, i, status;
	struct timespec	 pause = { 0, 20 * 1000 * 1000 };

	start(e, NULL);
	snprintf(url, sizeof(url), "%s/twilio/sms", PUBLIC);
	sig = webhooks_twilio_sign(TOKEN, url, p, NELEM(p));
	body = webhooks_form(p, NELEM(p));
	half = strlen(body) / 2;
	snprintf(head, sizeof(head), "POST /aftercare/twilio/sms HTTP/1.1\r\n"
	    "Host: clinic.example.com\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "X-Twilio-Signature: %s\r\nContent-Length: %zu\r\n"
	    "Expect: 100-continue\r\n\r\n", sig, strlen(body));
	assert_true((fd = connect_to(e)) >= 0);
	send_all(fd, head);
	/* "100 Continue": the request is under way. */
	n = recv(fd, got, sizeof(got) - 1, 0);
	assert_true(n > 0);
	got[n] = '\0';
	assert_non_null(strstr(got, "100 Continue"));
	assert_int_equal(send(fd, body, half, MSG_NOSIGNAL), (ssize_t)half);

	assert_int_equal(kill(e->pid, SIGTERM), 0);
	/* It stops accepting: a new connection is refused. */
	for (i = 0; i < 300; i++) {
		if ((probe = connect_to(e)) == -1)
			break;
		close(probe);
		nanosleep(&pause, NULL);
	}
	assert_int_equal(probe, -1);
	send_all(fd, body + half);
	while (len < sizeof(got) - 1 &&
	    (n = recv(fd, got + len, sizeof(got) - 1 - len, 0)) > 0)
		len += (size_t)n;
	got[len] = '\0';
	close(fd);
	assert_non_null(strstr(got, "HTTP/1.1 200"));
	assert_non_null(strstr(got, TWIML_EMPTY));
	status = testenv_wait(e->pid);
	e->pid = -1;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(db_int(e, "SELECT count(*) FROM sms_optouts WHERE "
	    "phone = '" MARIA "'"), 1);
	free(sig);
	free(body);
}

/* Socket activation: the listening socket passed, as systemd does. */
static void
test_socket_activation(void **state)
{
	struct env		*e = *state;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	struct reply		 r;
	int			 lfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &slen), 0);
	/* inbound.listen names a port nobody listens on: the socket wins. */
	e->conf_port = webhooks_free_port();
	e->port = ntohs(sin.sin_port);
	start_fd(e, NULL, lfd);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000a001",
	    MARIA, "hello", &r), 200);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 1);
	stop(e);
	/* The socket stays systemd's: connections wait for the next start. */
	close(lfd);
}

/* listen = "unix:PATH", for a reverse proxy on the same machine. */
static void
test_unix_socket(void **state)
{
	struct env	*e = *state;
	struct reply	 r;
	struct stat	 sb;

	snprintf(e->sock, sizeof(e->sock), "%s/inbound.sock", e->dir);
	start(e, NULL);
	assert_int_equal(stat(e->sock, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000a002",
	    MARIA, "hello", &r), 200);
	stop(e);
	/* A socket left behind is replaced at the next start. */
	start(e, NULL);
	assert_int_equal(twilio_sms(e, "SM0000000000000000000000000000a003",
	    MARIA, "hello again", &r), 200);
	stop(e);
	assert_int_equal(db_int(e, "SELECT count(*) FROM inbound_messages"), 2);
}

/* --check-config, and a configuration without an inbound section. */
static void
test_check_config(void **state)
{
	struct env	*e = *state;
	const char *argv[] = { RECEIVER, "-c", e->conf, "--check-config",
	    NULL };
	char		 out[160], err[160], *msg;

	snprintf(out, sizeof(out), "%s/check.out", e->dir);
	snprintf(err, sizeof(err), "%s/check.err", e->dir);
	assert_int_equal(testenv_run(argv, out, err), 0);
	testenv_write_file(e->conf, "database = \"aftercare.db\";\n"
	    "clinic = { name = \"Test Clinic\"; phone = \"+1 555 0100\"; };\n"
	    "sms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token_file = \"token\"; from = \"+15550100\"; };\n");
	assert_int_equal(testenv_run(argv, out, err), 2);
	msg = testenv_read_file(err);
	assert_non_null(strstr(msg, "aftercare.conf: no \"inbound\" section"));
	free(msg);
	testenv_write_file(e->conf, "clinic = { name = \"T\"; phone = \"1\"; };"
	    "\nsms = { provider = \"twilio\"; account_sid = \"" SID "\"; "
	    "auth_token_file = \"token\"; from = \"+15550100\"; };\n"
	    "inbound = { public_url = \"https://x.example.com/a?b\"; };\n");
	assert_int_equal(testenv_run(argv, out, err), 2);
	msg = testenv_read_file(err);
	assert_non_null(strstr(msg, "aftercare.conf:3: public_url must not "
	    "have a query"));
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keywords, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sendgrid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_webhook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slow_client, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_mid_request,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_activation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unix_socket, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_config, setup,
		    teardown),
	};
	int	ret;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return ret;
}
