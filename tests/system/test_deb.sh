#!/bin/sh
# test_deb.sh BUILD VERSION: builds the Debian package (tests/deb.sh, which
# fails on any lintian error or warning), checks its files against `make
# install`'s, then installs it with dpkg into a scratch root, running the
# maintainer scripts there (--force-script-chrootless: they act on
# $DPKG_ROOT), and checks what the installation made: the aftercare user,
# /var/lib/aftercare, the conffile, the unit enabled and not started.  Then
# two upgrades, one over an edited configuration, a remove and a purge, and
# what each leaves.  Nothing outside the scratch root is touched.  Skipped
# where the package cannot be built; not root, the package is built but not
# installed.
set -u
build=${1:-build}
version=${2:?usage: test_deb.sh BUILD VERSION}
make=${MAKE:-make}
pass=0
fail=0

if ! command -v dpkg-buildpackage >/dev/null 2>&1 ||
    ! command -v dh >/dev/null 2>&1 || ! command -v lintian >/dev/null 2>&1; then
	echo "test_deb: dpkg-buildpackage, debhelper or lintian not installed" \
	    "(make deb installs them): package test skipped"
	exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! dpkg-checkbuilddeps >/dev/null 2>&1; then
	echo "test_deb: build dependencies missing and not root to install" \
	    "them: package test skipped"
	exit 0
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

ok() {
	pass=$((pass + 1))
	echo "ok: $*"
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else bad "$desc"; fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

# files DIR: every non-directory under DIR, relative, sorted.
files() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

# same_lists DESCRIPTION WANT GOT: the two sorted lists are equal.
same_lists() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		bad "$1 (- wanted, + found):"
		diff "$2" "$3" | grep '^[<>]' | sed 's/^</  -/; s/^>/  +/'
	fi
}

# stat_is PATH "MODE UID GID": PATH (in the root) has that mode and owner.
stat_is() {
	[ "$(stat -c '%a %u %g' "$root$1" 2>/dev/null)" = "$2" ]
}

# --- The package, lintian-clean.
if ! sh tests/deb.sh "$build" "$version" >"$tmp/deb.log" 2>&1; then
	cat "$tmp/deb.log"
	bad "tests/deb.sh: package built, lintian clean"
	finish
fi
ok "dpkg-buildpackage -us -uc -b; lintian: no errors, no warnings"
arch=$(dpkg --print-architecture)
deb=$build/deb/aftercare_${version}_$arch.deb
check "$deb exists" test -f "$deb"
check "package version is the Makefile's ($version)" \
    test "$(dpkg-deb -f "$deb" Version)" = "$version"
# depends_on PKG: the package's Depends name PKG.
depends_on() {
	dpkg-deb -f "$deb" Depends | tr ',' '\n' |
	    awk -v p="$1" '$1 == p { found = 1 } END { exit !found }'
}
for lib in libc6 libconfig9 libcurl4 libsqlite3-0; do
	check "Depends: $lib (from shlibs)" depends_on "$lib"
done

# --- Its files, against make install's with the directories debian/rules
# gives it: the man pages compressed, and the package's documents added.
mi=$tmp/mi
if ! "$make" -s --no-print-directory BUILD="$build" DESTDIR="$mi" \
    PREFIX=/usr BINDIR=/usr/bin SBINDIR=/usr/sbin SYSCONFDIR=/etc \
    UNITDIR=/lib/systemd/system MANDIR=/usr/share/man \
    SYSUSERSDIR=/usr/lib/sysusers.d TMPFILESDIR=/usr/lib/tmpfiles.d \
    install >"$tmp/make.log" 2>&1; then
	cat "$tmp/make.log"
	bad "make install DESTDIR=... PREFIX=/usr"
	finish
fi
files "$mi" | sed 's|^\(usr/share/man/.*\)|\1.gz|' >"$tmp/want"
printf '%s\n' usr/share/doc/aftercare/README.Debian \
    usr/share/doc/aftercare/changelog.gz \
    usr/share/doc/aftercare/copyright >>"$tmp/want"
LC_ALL=C sort -o "$tmp/want" "$tmp/want"
dpkg-deb -x "$deb" "$tmp/x" || exit 1
files "$tmp/x" >"$tmp/got"
same_lists "package holds make install's $(files "$mi" | wc -l) files, man pages gzipped, and its documents" \
    "$tmp/want" "$tmp/got"
for f in lib/systemd/system/aftercared.service \
    usr/lib/sysusers.d/aftercare.conf usr/lib/tmpfiles.d/aftercare.conf \
    etc/aftercare/aftercare.conf; do
	check "$f as make install writes it" cmp -s "$mi/$f" "$tmp/x/$f"
done
for m in man1/aftercarectl.1 man5/aftercare.conf.5 man8/aftercared.8 \
    man8/aftercare-inbound.8; do
	check "$m.gz is man/${m#*/}" \
	    sh -c 'gzip -dc "$1" | cmp -s - "$2"' sh \
	    "$tmp/x/usr/share/man/$m.gz" "man/${m#*/}"
done

if [ "$(id -u)" -ne 0 ]; then
	echo "test_deb: not root: the package is not installed into a scratch root"
	finish
fi

# --- A scratch root whose dpkg database knows this machine's packages (so
# that dpkg checks the package's Depends), with none of their files.
root=$tmp/root
admin=$root/var/lib/dpkg
mkdir -p "$admin/info" "$admin/updates" || exit 1
cp /var/lib/dpkg/status "$admin/status" || exit 1
: >"$admin/available"
dpkg-query -W -f='${db:Status-Abbrev} ${binary:Package}\n' |
    awk '$1 == "ii" { print $2 }' | while read -r p; do
	: >"$admin/info/$p.list"
done

# dpkg_root ARG...: dpkg on the scratch root; its output in $tmp/dpkg.log.
dpkg_root() {
	dpkg --root="$root" --force-script-chrootless "$@" \
	    >"$tmp/dpkg.log" 2>&1 </dev/null
}

# status: the package's dpkg status in the root, as dpkg-query's
# db:Status-Abbrev ("ii", "rc"), or "none".
status() {
	st=$(dpkg-query --admindir="$admin" -W -f='${db:Status-Abbrev}' \
	    aftercare 2>/dev/null) || st=none
	echo $st
}

# conffiles: the package's conffiles, "PATH MD5" a line.
conffiles() {
	dpkg-query --admindir="$admin" -W -f='${Conffiles}\n' aftercare |
	    sed -n 's/^ *\(\/[^ ]*\) \([0-9a-f]*\).*/\1 \2/p'
}

md5() {
	md5sum <"$1" | cut -d' ' -f1
}

conf=/etc/aftercare/aftercare.conf
wants=/etc/systemd/system/multi-user.target.wants/aftercared.service
if ! dpkg_root -i "$deb"; then
	cat "$tmp/dpkg.log"
	bad "dpkg -i $deb into a scratch root"
	finish
fi
ok "dpkg -i into a scratch root (its Depends met on this machine)"
check "dpkg status: installed" test "$(status)" = ii
# Without the user here, the scripts did not act on the scratch root:
# stop before a remove or purge could touch this machine.
if ! grep -q '^aftercare:' "$root/etc/passwd" 2>/dev/null; then
	bad "postinst: no aftercare user in the scratch root's /etc/passwd"
	finish
fi
pw=$(grep '^aftercare:' "$root/etc/passwd")
uid=$(echo "$pw" | cut -d: -f3)
gid=$(grep '^aftercare:' "$root/etc/group" | cut -d: -f3)
check "postinst: aftercare user, its own group, home /var/lib/aftercare" \
    test "$(echo "$pw" | cut -d: -f4,6)" = "$gid:/var/lib/aftercare"
check "postinst: /var/lib/aftercare 2770 aftercare:aftercare" \
    stat_is /var/lib/aftercare "2770 $uid $gid"
check "postinst: $conf 640 root:aftercare" stat_is "$conf" "640 0 $gid"
check "$conf is etc/aftercare.conf" cmp -s etc/aftercare.conf "$root$conf"
printf '%s %s\n' "$conf" "$(md5 etc/aftercare.conf)" >"$tmp/want"
conffiles >"$tmp/got"
same_lists "conffiles: $conf alone, its md5sum etc/aftercare.conf's" \
    "$tmp/want" "$tmp/got"
check "unit enabled: $wants links to it" \
    test "$(readlink "$root$wants")" = /lib/systemd/system/aftercared.service
check "aftercare-inbound.socket and .service not enabled" \
    sh -c '! ls "$1"/etc/systemd/system/*.wants/aftercare-inbound.* \
	>/dev/null 2>&1' sh "$root"
info=$admin/info/aftercare
check "postinst starts nothing, restarts a running daemon on upgrade" \
    sh -c '! grep -q "deb-systemd-invoke start" "$1" &&
	grep -q "deb-systemd-invoke try-restart" "$1"' sh "$info.postinst"
check "prerm stops the daemon on remove" \
    grep -q 'deb-systemd-invoke stop aftercared.service' "$info.prerm"

# Started as installed, the daemon fails at once and is not restarted:
# without the token systemd cannot set up the credential (243), and
# aftercared refuses an unusable configuration with one line and exit 2.
unit=$root/lib/systemd/system/aftercared.service
check "unit: Restart=on-failure, but not after exit 2 or 243 (CREDENTIALS)" \
    sh -c 'grep -qx "Restart=on-failure" "$1" &&
	grep -qx "RestartPreventExitStatus=2 243" "$1"' sh "$unit"
"$root/usr/sbin/aftercared" --check-config -c "$root$conf" \
    >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    grep -q ':[0-9]*: auth_token_file ' "$tmp/out"; then
	ok "aftercared on the example config, no token: exit 2, one line"
else
	bad "aftercared on the example config, no token: exit $rc, said:"
	cat "$tmp/out"
fi
check "aftercared --version: $version" test \
    "$("$root/usr/sbin/aftercared" --version 2>&1)" = "aftercared $version"
check "aftercarectl --version: $version" test \
    "$("$root/usr/bin/aftercarectl" --version 2>&1)" = "aftercarectl $version"

# --- systemd-analyze on the installed unit, as tests/system/test_install.sh does.
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-analyze not installed: security and verify skipped"
elif [ "$(systemd-analyze --version | awk 'NR == 1 { print $2 + 0 }')" -lt 250 ]; then
	echo "systemd-analyze older than 250 (no --offline): security and verify skipped"
else
	out=$(systemd-analyze security --offline=true "$unit" 2>&1)
	score=$(printf '%s\n' "$out" |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]*\).*/\1/p')
	if [ -z "$score" ]; then
		bad "systemd-analyze security: no overall exposure level in:"
		printf '%s\n' "$out"
	elif awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
		ok "systemd-analyze security: installed unit's exposure $score (at most 2.0)"
	else
		bad "systemd-analyze security: exposure $score, over 2.0:"
		printf '%s\n' "$out" | grep '✗'
	fi
	mkdir "$tmp/verify"
	sed "s|^ExecStart=/usr/sbin/|ExecStart=$root/usr/sbin/|" "$unit" \
	    >"$tmp/verify/aftercared.service"
	if command -v man >/dev/null 2>&1; then
		manopt=--man=yes
	else
		manopt=--man=no
		echo "man not installed: verify does not look for the man pages"
	fi
	out=$(MANPATH=$root/usr/share/man systemd-analyze verify "$manopt" \
	    "$tmp/verify/aftercared.service" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify: installed unit clean"
	else
		bad "systemd-analyze verify (exit $rc):"
		printf '%s\n' "$out"
	fi
fi

# --- Upgrades: the package again as two later versions, each with a line
# added to the example configuration.
# The example as version N ships it.
{ cat etc/aftercare.conf; echo "# added in $version+t2"; } >"$tmp/conf2"
{ cat "$tmp/conf2"; echo "# added in $version+t3"; } >"$tmp/conf3"
# repack N: $tmp/vN.deb, version VERSION+tN, with $tmp/confN.
repack() {
	d=$tmp/v$1
	dpkg-deb -R "$deb" "$d" &&
	    sed -i "s/^Version: .*/Version: $version+t$1/" "$d/DEBIAN/control" &&
	    cp "$tmp/conf$1" "$d$conf" &&
	    dpkg-deb -Zgzip -z1 --root-owner-group -b "$d" "$tmp/v$1.deb" \
	    >/dev/null
}

if repack 2 && repack 3; then
	# An untouched configuration is replaced without a question.
	if dpkg_root -i "$tmp/v2.deb"; then
		ok "upgrade to $version+t2"
		check "untouched $conf replaced by the new version's" \
		    cmp -s "$tmp/conf2" "$root$conf"
		check "... and again 640 root:aftercare" stat_is "$conf" "640 0 $gid"
	else
		cat "$tmp/dpkg.log"
		bad "upgrade to $version+t2"
	fi

	# An edited one: dpkg asks (here it meets the end of its input),
	# and keeping it leaves the new version's beside it.
	echo 'clinic_note = "edited";' >>"$root$conf"
	cp "$root$conf" "$tmp/edited"
	if dpkg_root -i "$tmp/v3.deb"; then
		bad "upgrade over an edited $conf: dpkg did not ask"
	elif grep -q 'conffile prompt' "$tmp/dpkg.log"; then
		ok "upgrade over an edited $conf: dpkg asks"
	else
		cat "$tmp/dpkg.log"
		bad "upgrade over an edited $conf failed, not at the prompt"
	fi
	if dpkg_root --force-confold --configure aftercare; then
		ok "dpkg --force-confold --configure (keep the edited one)"
	else
		cat "$tmp/dpkg.log"
		bad "dpkg --force-confold --configure"
	fi
	check "dpkg status: installed, $version+t3" test "$(status) $(dpkg-query \
	    --admindir="$admin" -W -f='${Version}' aftercare)" = "ii $version+t3"
	check "edited $conf kept" cmp -s "$tmp/edited" "$root$conf"
	check "new version's beside it, $conf.dpkg-dist" \
	    cmp -s "$tmp/conf3" "$root$conf.dpkg-dist"
else
	bad "dpkg-deb: repacking $deb as later versions"
fi

# --- Remove keeps the configuration and the data; purge takes both.
echo "a database" >"$root/var/lib/aftercare/aftercare.db"
if dpkg_root -r aftercare; then
	ok "dpkg -r aftercare"
	check "dpkg status after remove: config-files" test "$(status)" = rc
	check "remove keeps $conf" test -f "$root$conf"
	check "remove keeps /var/lib/aftercare and the database" \
	    test -f "$root/var/lib/aftercare/aftercare.db"
	for f in /usr/sbin/aftercared /usr/bin/aftercarectl \
	    /lib/systemd/system/aftercared.service; do
		check "remove takes $f" test ! -e "$root$f"
	done
else
	cat "$tmp/dpkg.log"
	bad "dpkg -r aftercare"
fi

if dpkg_root -P aftercare; then
	ok "dpkg -P aftercare"
	check "dpkg status after purge: not installed" test "$(status)" = none
	check "purge takes /var/lib/aftercare" test ! -e "$root/var/lib/aftercare"
	check "purge takes /etc/aftercare" test ! -e "$root/etc/aftercare"
	check "purge takes the unit's enablement" test ! -L "$root$wants"
	check "purge keeps the aftercare user (no system user is removed)" \
	    grep -q '^aftercare:' "$root/etc/passwd"
	# Nothing else is left but the account files and dpkg's database.
	(cd "$root" && find . ! -type d ! -path './var/lib/dpkg/*' |
	    sed 's|^\./||' | LC_ALL=C sort) >"$tmp/got"
	printf '%s\n' etc/.pwd.lock etc/group etc/gshadow etc/passwd \
	    etc/shadow >"$tmp/want"
	same_lists "purge leaves only the account files" "$tmp/want" "$tmp/got"
else
	cat "$tmp/dpkg.log"
	bad "dpkg -P aftercare"
fi

finish
