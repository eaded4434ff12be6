#!/bin/sh
# test_deb.sh BUILD VERSION: builds the Debian packages, aftercare and
# aftercare-inbound (tests/deb.sh, which fails on any lintian error or
# warning), checks each one's files against `make install`'s (together,
# they are all of them), then installs them with dpkg into a scratch root,
# running the maintainer scripts there (--force-script-chrootless: they act
# on $DPKG_ROOT).  aftercare first, alone: the aftercare user,
# /var/lib/aftercare, the conffile, the unit enabled and not started, and
# no file of the receiver; then aftercare-inbound: its files, its units
# neither enabled nor started.  Then two upgrades of both, one over an
# edited configuration, and a remove and a purge of each, and what each
# leaves.  Nothing outside the scratch root is touched.  Skipped where the
# packages cannot be built; not root, they are built but not installed.
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

# --- The packages, lintian-clean.
if ! sh tests/deb.sh "$build" "$version" >"$tmp/deb.log" 2>&1; then
	cat "$tmp/deb.log"
	bad "tests/deb.sh: packages built, lintian clean"
	finish
fi
ok "dpkg-buildpackage -us -uc -b; lintian: no errors, no warnings"
arch=$(dpkg --print-architecture)
deb=$build/deb/aftercare_${version}_$arch.deb
ideb=$build/deb/aftercare-inbound_${version}_$arch.deb
for d in "$deb" "$ideb"; do
	if [ -f "$d" ]; then
		ok "$d exists"
	else
		bad "$d exists"
		finish
	fi
	check "${d##*/}: version is the Makefile's ($version)" \
	    test "$(dpkg-deb -f "$d" Version)" = "$version"
done
# depends_on DEB PKG: the package's Depends name PKG.
depends_on() {
	dpkg-deb -f "$1" Depends | tr ',' '\n' |
	    awk -v p="$2" '$1 == p { found = 1 } END { exit !found }'
}
for lib in libc6 libconfig9 libcurl4 libsqlite3-0; do
	check "aftercare Depends: $lib (from shlibs)" depends_on "$deb" "$lib"
done
for lib in libc6 libmicrohttpd12; do
	check "aftercare-inbound Depends: $lib (from shlibs)" \
	    depends_on "$ideb" "$lib"
done
# It shares aftercare's user, configuration and database: the same build.
check "aftercare-inbound Depends: aftercare (= $version)" sh -c \
    'dpkg-deb -f "$1" Depends | tr "," "\n" | sed "s/^ *//; s/ *\$//" |
	grep -qxF "aftercare (= $2)"' sh "$ideb" "$version"

# --- Their files, against make install's with the directories debian/rules
# gives it: the receiver's (aftercare-inbound*) in aftercare-inbound, the
# rest in aftercare, the man pages compressed, and each package's documents
# added.
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
files "$mi" >"$tmp/mi.list"
# want PKG: the files package PKG must hold, sorted.
want() {
	if [ "$1" = aftercare-inbound ]; then
		grep '/aftercare-inbound[^/]*$' "$tmp/mi.list"
	else
		grep -v '/aftercare-inbound[^/]*$' "$tmp/mi.list"
	fi | sed 's|^\(usr/share/man/.*\)|\1.gz|'
	printf "usr/share/doc/$1/%s\n" README.Debian changelog.gz copyright
}
# undoc: the list on stdin without the documents, the man pages as make
# install names them.
undoc() {
	grep -v '^usr/share/doc/' | sed 's|^\(usr/share/man/.*\)\.gz$|\1|'
}
dpkg-deb -x "$deb" "$tmp/x" || exit 1
dpkg-deb -x "$ideb" "$tmp/xi" || exit 1
for p in aftercare aftercare-inbound; do
	want "$p" | LC_ALL=C sort >"$tmp/want.$p"
	if [ "$p" = aftercare ]; then x=$tmp/x; else x=$tmp/xi; fi
	files "$x" >"$tmp/got.$p"
	same_lists "$p holds its $(undoc <"$tmp/want.$p" | wc -l) of make install's files, man pages gzipped, and its documents" \
	    "$tmp/want.$p" "$tmp/got.$p"
done
check "aftercare-inbound: the receiver's binary, units and page, no more" test \
    "$(undoc <"$tmp/got.aftercare-inbound" | tr '\n' ' ')" = \
    "lib/systemd/system/aftercare-inbound.service lib/systemd/system/aftercare-inbound.socket usr/sbin/aftercare-inbound usr/share/man/man8/aftercare-inbound.8 "
cat "$tmp/got.aftercare" "$tmp/got.aftercare-inbound" | undoc |
    LC_ALL=C sort >"$tmp/got"
same_lists "together, the two hold make install's $(wc -l <"$tmp/mi.list") files, each once" \
    "$tmp/mi.list" "$tmp/got"
for f in lib/systemd/system/aftercared.service \
    usr/lib/sysusers.d/aftercare.conf usr/lib/tmpfiles.d/aftercare.conf \
    etc/aftercare/aftercare.conf; do
	check "$f as make install writes it" cmp -s "$mi/$f" "$tmp/x/$f"
done
for f in lib/systemd/system/aftercare-inbound.service \
    lib/systemd/system/aftercare-inbound.socket; do
	check "$f as make install writes it" cmp -s "$mi/$f" "$tmp/xi/$f"
done
for m in x/usr/share/man/man1/aftercarectl.1 \
    x/usr/share/man/man5/aftercare.conf.5 \
    x/usr/share/man/man8/aftercared.8 \
    xi/usr/share/man/man8/aftercare-inbound.8; do
	check "${m#*/}.gz is man/${m##*/}" \
	    sh -c 'gzip -dc "$1" | cmp -s - "$2"' sh \
	    "$tmp/$m.gz" "man/${m##*/}"
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

# status PKG: the package's dpkg status in the root, as dpkg-query's
# db:Status-Abbrev ("ii", "rc"), or "none" (dpkg knows it not, or as a
# name another package mentions: "un").
status() {
	st=$(dpkg-query --admindir="$admin" -W -f='${db:Status-Abbrev}' \
	    "$1" 2>/dev/null) || st=none
	st=$(echo $st)
	[ "$st" = un ] && st=none
	echo "$st"
}

# conffiles PKG: the package's conffiles, "PATH MD5" a line.
conffiles() {
	dpkg-query --admindir="$admin" -W -f='${Conffiles}\n' "$1" |
	    sed -n 's/^ *\(\/[^ ]*\) \([0-9a-f]*\).*/\1 \2/p'
}

md5() {
	md5sum <"$1" | cut -d' ' -f1
}

# receiver_files: every path in the root named for the receiver, outside
# dpkg's database.
receiver_files() {
	(cd "$root" && find . -path ./var/lib/dpkg -prune -o \
	    -name '*aftercare-inbound*' -print)
}

# joined FILE: FILE with its continued lines (a backslash at the end)
# joined, for grep.
joined() {
	sed -e ':a' -e '/\\$/N; s/[[:space:]]*\\\n[[:space:]]*/ /; ta' "$1"
}

conf=/etc/aftercare/aftercare.conf
wants=/etc/systemd/system/multi-user.target.wants/aftercared.service
swants=/etc/systemd/system/sockets.target.wants/aftercare-inbound.socket

# --- aftercare alone.
if ! dpkg_root -i "$deb"; then
	cat "$tmp/dpkg.log"
	bad "dpkg -i $deb into a scratch root"
	finish
fi
ok "dpkg -i aftercare into a scratch root (its Depends met on this machine)"
check "dpkg status: installed" test "$(status aftercare)" = ii
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
conffiles aftercare >"$tmp/got"
same_lists "conffiles: $conf alone, its md5sum etc/aftercare.conf's" \
    "$tmp/want" "$tmp/got"
check "unit enabled: $wants links to it" \
    test "$(readlink "$root$wants")" = /lib/systemd/system/aftercared.service
info=$admin/info/aftercare
check "postinst starts nothing, restarts a running daemon on upgrade" \
    sh -c '! grep -q "deb-systemd-invoke start" "$1" &&
	grep -q "deb-systemd-invoke try-restart" "$1"' sh "$info.postinst"
check "prerm stops the daemon on remove" \
    grep -q 'deb-systemd-invoke stop aftercared.service' "$info.prerm"
receiver_files >"$tmp/got"
if [ ! -s "$tmp/got" ]; then
	ok "no file of the receiver installed with aftercare alone"
else
	bad "aftercare alone installed the receiver's files:"
	sed 's/^/  /' "$tmp/got"
fi

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

# --- aftercare-inbound beside it.
if ! dpkg_root -i "$ideb"; then
	cat "$tmp/dpkg.log"
	bad "dpkg -i $ideb into the scratch root"
	finish
fi
ok "dpkg -i aftercare-inbound into the scratch root"
check "dpkg status: aftercare-inbound installed" \
    test "$(status aftercare-inbound)" = ii
missing=$(cd "$root" && while read -r f; do
	[ -e "$f" ] || echo "$f"
done <"$tmp/got.aftercare-inbound")
check "its $(wc -l <"$tmp/got.aftercare-inbound") files in place" test -z "$missing"
check "no conffile of its own (the configuration is aftercare's)" \
    test -z "$(conffiles aftercare-inbound)"
check "aftercare-inbound.socket and .service not enabled" test -z \
    "$(find "$root/etc/systemd" -name 'aftercare-inbound.*' 2>/dev/null)"
iinfo=$admin/info/aftercare-inbound
check "postinst starts nothing, restarts a running receiver on upgrade" \
    sh -c '! grep -q "deb-systemd-invoke start" "$1" &&
	grep -q "deb-systemd-invoke try-restart .aftercare-inbound.service." "$1"' \
    sh "$iinfo.postinst"
# The socket stays open through an upgrade, holding the connections that
# come while the receiver restarts.
check "postinst leaves the socket open on upgrade" \
    sh -c '! grep "deb-systemd-invoke" "$1" | grep -q "inbound.socket"' \
    sh "$iinfo.postinst"
check "no preinst: nothing is stopped before an upgrade" \
    test ! -e "$iinfo.preinst"
if joined "$iinfo.prerm" | grep -q \
    'deb-systemd-invoke stop aftercare-inbound.socket aftercare-inbound.service'; then
	ok "prerm stops the socket and the receiver on remove"
else
	bad "prerm stops the socket and the receiver on remove"
fi

# Without an inbound section the receiver does not start: exit 2 and one
# line, which its unit does not restart.  With the example as installed
# (no token), it is the token's line, as for aftercared.  It is run as
# its unit runs it, no --check-config; timeout only keeps a receiver that
# did start from holding up the test.
iunit=$root/lib/systemd/system/aftercare-inbound.service
check "inbound unit: Restart=on-failure, but not after exit 2 or 243" \
    sh -c 'grep -qx "Restart=on-failure" "$1" &&
	grep -qx "RestartPreventExitStatus=2 243" "$1"' sh "$iunit"
env -u CREDENTIALS_DIRECTORY -u LISTEN_FDS -u LISTEN_PID timeout 60 \
    "$root/usr/sbin/aftercare-inbound" -c "$root$conf" >"$tmp/out" 2>&1 \
    </dev/null
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    grep -q ':[0-9]*: auth_token_file ' "$tmp/out"; then
	ok "aftercare-inbound on the example config, no token: exit 2, one line"
else
	bad "aftercare-inbound on the example config, no token: exit $rc, said:"
	cat "$tmp/out"
fi
# With a token (beside a copy of the configuration, where its bare name
# is looked up outside systemd): the inbound section's line, the only one
# besides the placeholders' warnings.
mkdir "$tmp/noinbound" &&
    cp "$root$conf" "$tmp/noinbound/aftercare.conf" &&
    (umask 077 && echo 0123456789abcdef0123456789abcdef \
    >"$tmp/noinbound/twilio.token") || exit 1
env -u CREDENTIALS_DIRECTORY -u LISTEN_FDS -u LISTEN_PID timeout 60 \
    "$root/usr/sbin/aftercare-inbound" -c "$tmp/noinbound/aftercare.conf" \
    >"$tmp/out" 2>&1 </dev/null
rc=$?
grep -v ': warning: ' "$tmp/out" >"$tmp/err"
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q 'no "inbound" section' "$tmp/err"; then
	ok "aftercare-inbound with no inbound section: exit 2, one line"
else
	bad "aftercare-inbound with no inbound section: exit $rc, said:"
	cat "$tmp/out"
fi
check "aftercare-inbound --version: $version" test \
    "$("$root/usr/sbin/aftercare-inbound" --version 2>&1)" = \
    "aftercare-inbound $version"

# --- systemd-analyze on the installed units, as tests/test_install.sh does.
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-analyze not installed: security and verify skipped"
elif [ "$(systemd-analyze --version | awk 'NR == 1 { print $2 + 0 }')" -lt 250 ]; then
	echo "systemd-analyze older than 250 (no --offline): security and verify skipped"
else
	# aftercare-inbound, which has no network at all, is held to more.
	for u in "$unit:2.0" "$iunit:1.5"; do
		path=${u%:*}
		max=${u##*:}
		name=${path##*/}
		out=$(systemd-analyze security --offline=true "$path" 2>&1)
		score=$(printf '%s\n' "$out" |
		    sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]*\).*/\1/p')
		if [ -z "$score" ]; then
			bad "systemd-analyze security $name: no overall exposure level in:"
			printf '%s\n' "$out"
		elif awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
			ok "systemd-analyze security: installed $name's exposure $score (at most $max)"
		else
			bad "systemd-analyze security: installed $name's exposure $score, over $max:"
			printf '%s\n' "$out" | grep '✗'
		fi
	done
	# verify wants ExecStart= to exist, and the man pages: point it at
	# the scratch root.
	mkdir "$tmp/verify"
	for u in aftercared.service aftercare-inbound.service \
	    aftercare-inbound.socket; do
		sed "s|^ExecStart=/usr/sbin/|ExecStart=$root/usr/sbin/|" \
		    "$root/lib/systemd/system/$u" >"$tmp/verify/$u"
	done
	if command -v man >/dev/null 2>&1; then
		manopt=--man=yes
	else
		manopt=--man=no
		echo "man not installed: verify does not look for the man pages"
	fi
	out=$(MANPATH=$root/usr/share/man systemd-analyze verify "$manopt" \
	    "$tmp/verify/aftercared.service" \
	    "$tmp/verify/aftercare-inbound.socket" \
	    "$tmp/verify/aftercare-inbound.service" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify: installed units clean"
	else
		bad "systemd-analyze verify (exit $rc):"
		printf '%s\n' "$out"
	fi
fi

# The clinic enables the socket once the inbound section is set up;
# upgrades keep it enabled, a purge forgets it.
if command -v systemctl >/dev/null 2>&1 &&
    systemctl --root="$root" enable aftercare-inbound.socket \
    >"$tmp/out" 2>&1; then
	enabled=yes
	check "systemctl --root enable aftercare-inbound.socket: $swants" \
	    test "$(readlink "$root$swants")" = \
	    /lib/systemd/system/aftercare-inbound.socket
else
	enabled=no
	echo "systemctl cannot enable the socket in the scratch root:" \
	    "its enablement across upgrades not checked"
	cat "$tmp/out" 2>/dev/null
fi

# --- Upgrades: both packages again as two later versions, aftercare's
# with a line added to the example configuration each time.
# The example as version N ships it.
{ cat etc/aftercare.conf; echo "# added in $version+t2"; } >"$tmp/conf2"
{ cat "$tmp/conf2"; echo "# added in $version+t3"; } >"$tmp/conf3"
# repack DEB N: $tmp/PACKAGE-vN.deb, version VERSION+tN, aftercare's with
# $tmp/confN; aftercare-inbound's depending on that aftercare.
repack() {
	p=$(dpkg-deb -f "$1" Package) || return 1
	d=$tmp/$p-v$2
	dpkg-deb -R "$1" "$d" &&
	    sed -i "s/^Version: .*/Version: $version+t$2/; /^Depends:/s/(= $version)/(= $version+t$2)/" \
	    "$d/DEBIAN/control" &&
	    if [ "$p" = aftercare ]; then cp "$tmp/conf$2" "$d$conf"; fi &&
	    dpkg-deb -Zgzip -z1 --root-owner-group -b "$d" "$d.deb" \
	    >/dev/null
}
# versions: the two packages' status and version, "ii V ii V".
versions() {
	echo $(dpkg-query --admindir="$admin" -W -f='${db:Status-Abbrev}${Version} ' \
	    aftercare aftercare-inbound)
}

if repack "$deb" 2 && repack "$deb" 3 && repack "$ideb" 2 &&
    repack "$ideb" 3; then
	# An untouched configuration is replaced without a question.
	if dpkg_root -i "$tmp/aftercare-v2.deb" \
	    "$tmp/aftercare-inbound-v2.deb"; then
		ok "upgrade of both to $version+t2"
		check "both installed, $version+t2" test "$(versions)" = \
		    "ii $version+t2 ii $version+t2"
		check "untouched $conf replaced by the new version's" \
		    cmp -s "$tmp/conf2" "$root$conf"
		check "... and again 640 root:aftercare" stat_is "$conf" "640 0 $gid"
	else
		cat "$tmp/dpkg.log"
		bad "upgrade of both to $version+t2"
	fi

	# An edited one: dpkg asks (here it meets the end of its input),
	# and keeping it leaves the new version's beside it.
	echo 'clinic_note = "edited";' >>"$root$conf"
	cp "$root$conf" "$tmp/edited"
	if dpkg_root -i "$tmp/aftercare-v3.deb" \
	    "$tmp/aftercare-inbound-v3.deb"; then
		bad "upgrade over an edited $conf: dpkg did not ask"
	elif grep -q 'conffile prompt' "$tmp/dpkg.log"; then
		ok "upgrade over an edited $conf: dpkg asks"
	else
		cat "$tmp/dpkg.log"
		bad "upgrade over an edited $conf failed, not at the prompt"
	fi
	if dpkg_root --force-confold --configure --pending; then
		ok "dpkg --force-confold --configure --pending (keep the edited one)"
	else
		cat "$tmp/dpkg.log"
		bad "dpkg --force-confold --configure --pending"
	fi
	check "both installed, $version+t3" test "$(versions)" = \
	    "ii $version+t3 ii $version+t3"
	check "edited $conf kept" cmp -s "$tmp/edited" "$root$conf"
	check "new version's beside it, $conf.dpkg-dist" \
	    cmp -s "$tmp/conf3" "$root$conf.dpkg-dist"
	if [ "$enabled" = yes ]; then
		check "aftercare-inbound.socket still enabled after the upgrades" \
		    test -L "$root$swants"
	fi
	check "aftercare-inbound.service still not enabled" test -z \
	    "$(find "$root/etc/systemd" -name aftercare-inbound.service)"
else
	bad "dpkg-deb: repacking $deb and $ideb as later versions"
fi

# --- aftercare stays while the receiver needs it.  Then the receiver's
# remove and purge take its files and the socket's enablement, and
# nothing of aftercare's.
if dpkg_root --no-act -r aftercare; then
	bad "dpkg -r aftercare with aftercare-inbound installed: not refused"
elif grep -q 'aftercare-inbound depends on aftercare' "$tmp/dpkg.log"; then
	ok "dpkg -r aftercare refused: aftercare-inbound depends on it"
else
	cat "$tmp/dpkg.log"
	bad "dpkg -r aftercare failed, but not for aftercare-inbound"
fi

echo "a database" >"$root/var/lib/aftercare/aftercare.db"
# aftercare_files: aftercare's files in the root, and the database.
aftercare_files() {
	(cd "$root" && find etc/aftercare lib usr var/lib/aftercare ! -type d |
	    grep -v aftercare-inbound | xargs md5sum) 2>/dev/null
}
aftercare_files >"$tmp/before"
if dpkg_root -r aftercare-inbound; then
	ok "dpkg -r aftercare-inbound"
	check "dpkg status after remove: config-files" \
	    test "$(status aftercare-inbound)" = rc
	check "remove takes its files" sh -c \
	    'cd "$1" && ! ls usr/sbin/aftercare-inbound \
	    lib/systemd/system/aftercare-inbound.service \
	    lib/systemd/system/aftercare-inbound.socket \
	    usr/share/man/man8/aftercare-inbound.8.gz \
	    usr/share/doc/aftercare-inbound >/dev/null 2>&1' sh "$root"
	if [ "$enabled" = yes ]; then
		check "remove keeps the socket's enablement" test -L "$root$swants"
	fi
	check "aftercare still installed" test "$(status aftercare)" = ii
else
	cat "$tmp/dpkg.log"
	bad "dpkg -r aftercare-inbound"
fi
if dpkg_root -P aftercare-inbound; then
	ok "dpkg -P aftercare-inbound"
	check "dpkg status after purge: not installed" \
	    test "$(status aftercare-inbound)" = none
	receiver_files >"$tmp/got"
	if [ ! -s "$tmp/got" ]; then
		ok "purge leaves nothing named for the receiver (enablement and its record included)"
	else
		bad "purge of aftercare-inbound left:"
		sed 's/^/  /' "$tmp/got"
	fi
	aftercare_files >"$tmp/after"
	check "aftercare's files, configuration and database as they were" \
	    cmp -s "$tmp/before" "$tmp/after"
	check "aftercare still installed, its unit enabled" sh -c \
	    'test "$1" = ii && test -L "$2"' sh "$(status aftercare)" "$root$wants"
else
	cat "$tmp/dpkg.log"
	bad "dpkg -P aftercare-inbound"
fi

# --- Remove keeps aftercare's configuration and data; purge takes both.
if dpkg_root -r aftercare; then
	ok "dpkg -r aftercare"
	check "dpkg status after remove: config-files" \
	    test "$(status aftercare)" = rc
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
	check "dpkg status after purge: not installed" \
	    test "$(status aftercare)" = none
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
