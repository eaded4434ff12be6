# aftercare: reminds patients of their aftercare after skin treatments.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
BUILD ?= build

ifeq ($(origin CC),default)
CC = gcc
endif
PKG_CONFIG ?= pkg-config
PKGS = libcurl libconfig sqlite3 libcrypto

# CFLAGS given on the command line (make CFLAGS='-O1 -fsanitize=...') is
# added to, as CFLAGS from the environment is.
CFLAGS ?= -O2 -g
override CFLAGS += -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wcast-qual \
	-Wpointer-arith -Iinclude -MMD -MP
LIBS_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

VERSION = 0.1.0
override CFLAGS += -DAFTERCARE_VERSION='"$(VERSION)"'

SRCS += src/log.c
SRCS += src/util.c
SRCS += src/json.c
SRCS += src/schedule.c
SRCS += src/tz.c
SRCS += src/plan.c
SRCS += src/template.c
SRCS += src/phone.c
SRCS += src/form.c
SRCS += src/sig.c
SRCS += src/keyword.c
SRCS += src/delivery.c
SRCS += src/sgevent.c
SRCS += src/compose.c
SRCS += src/config.c
SRCS += src/store.c
SRCS += src/inbox.c
SRCS += src/inbound.c
SRCS += src/gateway.c
SRCS += src/gw_http.c
SRCS += src/gw_twilio.c
SRCS += src/gw_webhook.c
SRCS += src/gw_sendgrid.c
SRCS += src/gw_smtp.c
SRCS += src/mail.c
SRCS += src/preview.c
SRCS += src/metrics.c
SRCS += src/sd.c
SRCS += src/daemon.c
SRCS += src/cli.c

OBJS = $(SRCS:src/%.c=$(BUILD)/%.o)

# aftercare-inbound alone serves HTTP: only it links libmicrohttpd.
INBOUND_PKGS = libmicrohttpd
INBOUND_SRCS += src/receiver.c
INBOUND_OBJS = $(INBOUND_SRCS:src/%.c=$(BUILD)/%.o)
INBOUND_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(INBOUND_PKGS) 2>/dev/null)
INBOUND_LIBS = $(shell $(PKG_CONFIG) --libs $(INBOUND_PKGS) 2>/dev/null)

# Tests: tests/unit/NAME.c tests one module through its API (on a real
# SQLite file or a loopback server at most), tests/system/NAME.c runs the
# real binaries.  Adding one takes its line in UNIT_TESTS or SYSTEM_TESTS,
# which says where its source is, and a NAME_OBJS line: what it links, the
# modules of src/ by name and the fixture's objects by path.  Every test
# builds to $(BUILD)/tests/NAME and logs to $(BUILD)/tests/NAME.log.
UNIT_TESTS += test_util
UNIT_TESTS += test_log
UNIT_TESTS += test_schedule
UNIT_TESTS += test_tz
UNIT_TESTS += test_template
UNIT_TESTS += test_phone
UNIT_TESTS += test_form
UNIT_TESTS += test_sig
UNIT_TESTS += test_keyword
UNIT_TESTS += test_delivery
UNIT_TESTS += test_sgevent
UNIT_TESTS += test_json
UNIT_TESTS += test_mail
UNIT_TESTS += test_config
UNIT_TESTS += test_compose
UNIT_TESTS += test_plan
UNIT_TESTS += test_gw
UNIT_TESTS += test_preview
UNIT_TESTS += test_metrics
UNIT_TESTS += test_sd
UNIT_TESTS += test_store
UNIT_TESTS += test_inbound
UNIT_TESTS += test_inbox
UNIT_TESTS += test_gateway
UNIT_TESTS += test_gw_smtp

SYSTEM_TESTS += test_daemon
SYSTEM_TESTS += test_cli
SYSTEM_TESTS += test_rows
SYSTEM_TESTS += test_crash
SYSTEM_TESTS += test_inbound_http
SYSTEM_TESTS += test_replies
SYSTEM_TESTS += test_receipts

TESTS = $(UNIT_TESTS) $(SYSTEM_TESTS)

test_util_OBJS = util tests/fixture/testenv
test_log_OBJS = log tests/fixture/testenv
test_schedule_OBJS = schedule tz util
test_tz_OBJS = tz schedule util
test_template_OBJS = template util
test_phone_OBJS = phone
test_form_OBJS = form util
test_sig_OBJS = sig form util
test_keyword_OBJS = keyword util
test_delivery_OBJS = delivery
test_sgevent_OBJS = sgevent delivery json util
test_json_OBJS = json util
test_mail_OBJS = mail util
test_config_OBJS = config sig form keyword schedule tz template mail util log
test_compose_OBJS = compose config sig form keyword schedule tz template phone mail util log
test_plan_OBJS = plan delivery config sig form keyword schedule tz template mail util log
test_preview_OBJS = preview compose store plan delivery config sig form keyword schedule tz \
	template phone json mail util log
test_metrics_OBJS = metrics delivery log util
test_sd_OBJS = sd schedule tz log util
test_gw_OBJS = form delivery gw_http gw_twilio gw_webhook gw_sendgrid gw_smtp gateway mail json schedule tz util log
test_store_OBJS = store plan delivery config sig form keyword schedule tz template phone json mail util log
test_inbox_OBJS = inbox store plan config sig form keyword delivery schedule tz template phone \
	json mail util log
test_inbound_OBJS = inbound json util
test_gateway_OBJS = gateway delivery gw_http gw_twilio gw_webhook gw_sendgrid gw_smtp mail json schedule tz util log tests/fixture/fixture
test_gw_smtp_OBJS = gateway delivery gw_http gw_twilio gw_webhook gw_sendgrid gw_smtp mail json schedule tz util log tests/fixture/smtpd \
	tests/fixture/postfix
test_daemon_OBJS = util tests/fixture/fixture tests/fixture/smtpd tests/fixture/testenv
test_cli_OBJS = util tests/fixture/testenv
test_rows_OBJS = util tests/fixture/fixture tests/fixture/testenv
test_crash_OBJS = util tests/fixture/fixture tests/fixture/testenv
test_inbound_http_OBJS = util tests/fixture/testenv tests/fixture/webhooks
test_replies_OBJS = util tests/fixture/fixture tests/fixture/testenv \
	tests/fixture/webhooks
test_receipts_OBJS = util tests/fixture/fixture tests/fixture/testenv \
	tests/fixture/webhooks

TEST_BINS = $(TESTS:%=$(BUILD)/tests/%)

# mdoc(7) pages, linted by `make check` (lint-man).
MANS += man/aftercarectl.1
MANS += man/aftercare.conf.5
MANS += man/aftercared.8
MANS += man/aftercare-inbound.8

DEPS_APT = libcurl4-openssl-dev libconfig-dev libsqlite3-dev libcmocka-dev pkg-config \
	mandoc tzdata python3-aiosmtpd postfix openssl libssl-dev libmicrohttpd-dev \
	curl
DEB_DEPS_APT = build-essential debhelper devscripts lintian

.PHONY: all deps tests check check-tests lint-man check-install demo bench install uninstall clean
all: $(BUILD)/aftercared $(BUILD)/aftercarectl $(BUILD)/aftercare-inbound

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CFLAGS) $(LIBS_CFLAGS) -c -o $@ $<

$(BUILD)/aftercared: $(BUILD)/aftercared.o $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/aftercarectl: $(BUILD)/aftercarectl.o $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(INBOUND_OBJS): LIBS_CFLAGS += $(INBOUND_CFLAGS)

$(BUILD)/aftercare-inbound: $(BUILD)/aftercare-inbound.o $(INBOUND_OBJS) $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(INBOUND_LIBS) $(LIBS)

$(BUILD)/test-gateway: tests/fixture/test-gateway.c | $(BUILD)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# Tests include "fixture/NAME.h" from tests/.  Their objects are kept, so
# that their .d files (included at the end) stay true.
TEST_CFLAGS = -Itests -DBUILD_DIR='"$(BUILD)"'
.PRECIOUS: $(BUILD)/tests/%.o $(BUILD)/tests/fixture/%.o

$(BUILD)/tests/%.o: tests/unit/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LIBS_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/system/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LIBS_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

# The fixture library starts $(BUILD)/test-gateway, so build that first.
$(BUILD)/tests/fixture/%.o: tests/fixture/%.c | $(BUILD)/test-gateway
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIBS_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(BUILD)/tests/%: $(BUILD)/tests/%.o $$(addprefix $(BUILD)/,$$(addsuffix .o,$$($$*_OBJS)))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

deps:
	@sh tests/deps.sh $(DEPS_APT)

tests: all $(TEST_BINS) $(BUILD)/test-gateway

# Each test program's output goes to $(BUILD)/tests/NAME.log; only cmocka's
# summary lines are shown, or all of the log of a program that fails.
# tests/tour.sh fails if the README's source tour leaves out a file of src/.
check: deps
	@$(MAKE) --no-print-directory lint-man
	@sh tests/tour.sh
	@$(MAKE) --no-print-directory check-tests
	@$(MAKE) --no-print-directory check-install
	@sh tests/system/test_deb.sh $(BUILD) $(VERSION)

# Only the test programs (the sanitizer build in .ci/run runs these).
check-tests: tests
	@sh tests/run.sh $(BUILD) $(UNIT_TESTS:%=unit/%) $(SYSTEM_TESTS:%=system/%)

# Installs into a scratch DESTDIR and checks the tree, then runs
# systemd-analyze security (exposure 2.0 at most for aftercared, 1.5 for
# aftercare-inbound) and verify on the units where systemd-analyze is
# installed.
check-install: all
	@sh tests/system/test_install.sh $(BUILD)

# Any mandoc warning (or worse) fails; skipped where mandoc is missing.
lint-man:
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -T lint -W warning $(MANS) || \
		    { echo "lint-man: mandoc found problems" >&2; exit 1; }; \
		echo "lint-man: $(words $(MANS)) man pages clean"; \
	else \
		echo "lint-man: mandoc not installed; skipped"; \
	fi

# Performance: an optimised build in build-bench, then bench/run.sh
# measures it against a loopback sink and prints one table (about 3 minutes
# on 2 cores).  Timing never fails it.
bench: deps
	@CFLAGS='-O2 -g' $(MAKE) -s --no-print-directory all BUILD=build-bench
	@sh bench/run.sh build-bench

demo: deps
	$(MAKE) all $(BUILD)/test-gateway
	@sh tests/demo.sh $(BUILD)

# The unit and the tmpfiles.d snippet name /usr/local/sbin and /etc in the
# tree; they get SBINDIR and SYSCONFDIR.  An existing aftercare.conf is
# kept.  Installed on the live system (no DESTDIR) as root, the user and
# the file modes are set up at once, as a package's postinst would.
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(SYSCONFDIR)/aftercare $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/aftercared $(DESTDIR)$(SBINDIR)/aftercared
	install -m 0755 $(BUILD)/aftercarectl $(DESTDIR)$(BINDIR)/aftercarectl
	install -m 0755 $(BUILD)/aftercare-inbound \
		$(DESTDIR)$(SBINDIR)/aftercare-inbound
	sed -e 's|/usr/local/sbin/aftercared|$(SBINDIR)/aftercared|' \
	    -e 's|/etc/aftercare/|$(SYSCONFDIR)/aftercare/|g' \
		systemd/aftercared.service >$(DESTDIR)$(UNITDIR)/aftercared.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/aftercared.service
	sed -e 's|/usr/local/sbin/aftercare-inbound|$(SBINDIR)/aftercare-inbound|' \
	    -e 's|/etc/aftercare/|$(SYSCONFDIR)/aftercare/|g' \
		systemd/aftercare-inbound.service \
		>$(DESTDIR)$(UNITDIR)/aftercare-inbound.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/aftercare-inbound.service
	install -m 0644 systemd/aftercare-inbound.socket \
		$(DESTDIR)$(UNITDIR)/aftercare-inbound.socket
	install -m 0644 systemd/aftercare.sysusers $(DESTDIR)$(SYSUSERSDIR)/aftercare.conf
	sed 's|/etc/aftercare/|$(SYSCONFDIR)/aftercare/|g' \
		systemd/aftercare.tmpfiles >$(DESTDIR)$(TMPFILESDIR)/aftercare.conf
	chmod 0644 $(DESTDIR)$(TMPFILESDIR)/aftercare.conf
	install -m 0644 man/aftercarectl.1 $(DESTDIR)$(MANDIR)/man1/aftercarectl.1
	install -m 0644 man/aftercare.conf.5 $(DESTDIR)$(MANDIR)/man5/aftercare.conf.5
	install -m 0644 man/aftercared.8 $(DESTDIR)$(MANDIR)/man8/aftercared.8
	install -m 0644 man/aftercare-inbound.8 \
		$(DESTDIR)$(MANDIR)/man8/aftercare-inbound.8
	test -e $(DESTDIR)$(SYSCONFDIR)/aftercare/aftercare.conf || \
		install -m 0640 etc/aftercare.conf $(DESTDIR)$(SYSCONFDIR)/aftercare/aftercare.conf
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ] && \
	    command -v systemd-sysusers >/dev/null 2>&1; then \
		echo "systemd-sysusers, systemd-tmpfiles --create"; \
		systemd-sysusers $(SYSUSERSDIR)/aftercare.conf && \
		systemd-tmpfiles --create $(TMPFILESDIR)/aftercare.conf; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	fi

# Leaves the config (and the token, the database, the aftercare user).
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/aftercared $(DESTDIR)$(BINDIR)/aftercarectl \
		$(DESTDIR)$(SBINDIR)/aftercare-inbound \
		$(DESTDIR)$(UNITDIR)/aftercared.service \
		$(DESTDIR)$(UNITDIR)/aftercare-inbound.service \
		$(DESTDIR)$(UNITDIR)/aftercare-inbound.socket \
		$(DESTDIR)$(SYSUSERSDIR)/aftercare.conf \
		$(DESTDIR)$(TMPFILESDIR)/aftercare.conf \
		$(DESTDIR)$(MANDIR)/man1/aftercarectl.1 \
		$(DESTDIR)$(MANDIR)/man5/aftercare.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/aftercared.8 \
		$(DESTDIR)$(MANDIR)/man8/aftercare-inbound.8

# The Debian packages aftercare and aftercare-inbound, in $(BUILD)/deb:
# dpkg-buildpackage -us -uc -b on a copy of this tree (tests/deb.sh), then
# lintian, failing on any error or warning.  Installs the tools and the
# Build-Depends first when missing.
.PHONY: deb
deb:
	@sh tests/deps.sh $(DEB_DEPS_APT)
	@sh tests/deb.sh $(BUILD) $(VERSION)

clean:
	rm -rf $(BUILD)

# libFuzzer targets (clang), not part of check: `make fuzz` runs each for
# FUZZ_SECONDS on a copy of its seeds in fuzz/corpus/<name>.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra \
	-Iinclude -MMD -MP
FUZZ_TARGETS += duration
FUZZ_TARGETS += rfc3339
FUZZ_TARGETS += template
FUZZ_TARGETS += phone
FUZZ_TARGETS += config
FUZZ_TARGETS += gateway
FUZZ_TARGETS += tz
FUZZ_TARGETS += mail
FUZZ_TARGETS += form
FUZZ_TARGETS += sig
FUZZ_TARGETS += events
FUZZ_TARGETS += keyword
FUZZ_TARGETS += inbound
FUZZ_SRCS = log util json schedule tz template phone config gateway gw_http gw_twilio \
	gw_webhook gw_sendgrid gw_smtp mail form sig keyword delivery sgevent inbound
FUZZ_OBJS = $(FUZZ_SRCS:%=$(BUILD)/fuzz/obj/%.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
.SECONDARY: $(FUZZ_OBJS)

$(BUILD)/fuzz/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIBS_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(LIBS_CFLAGS) -o $@ \
	    $(filter %.c %.o,$^) $(LIBS)

# Each run adds to $(BUILD)/fuzz/corpus-<name>; a crash leaves
# $(BUILD)/fuzz/<name>-crash-* and fails after every target has run.
.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	@fail=0; for t in $(FUZZ_TARGETS); do \
		c=$(BUILD)/fuzz/corpus-$$t; mkdir -p $$c; \
		cp fuzz/corpus/$$t/* $$c/; \
		if $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
		    -timeout=10 -artifact_prefix=$(BUILD)/fuzz/$$t- $$c \
		    >$(BUILD)/fuzz/$$t.log 2>&1; then \
			echo "fuzz $$t: $$(grep DONE $(BUILD)/fuzz/$$t.log | tail -1 | tr -s ' \t' ' ')"; \
		else \
			fail=1; echo "fuzz $$t: FAILED, see $(BUILD)/fuzz/$$t.log"; \
		fi; \
	done; exit $$fail

-include $(OBJS:.o=.d) $(INBOUND_OBJS:.o=.d) $(BUILD)/aftercared.d \
	$(BUILD)/aftercarectl.d $(BUILD)/aftercare-inbound.d
-include $(wildcard $(BUILD)/tests/*.d $(BUILD)/tests/fixture/*.d)
-include $(wildcard $(BUILD)/fuzz/*.d $(BUILD)/fuzz/obj/*.d)
