#!/bin/sh
# test_install.sh BUILD: runs `make install` into scratch DESTDIRs and checks
# the tree: every file and its mode, the paths substituted into the units,
# an existing config kept, `make uninstall` leaving only the config.  Where
# systemd-analyze is installed, aftercared's exposure must be 2.0 or lower,
# aftercare-inbound's 1.5 or lower, and `systemd-analyze verify` must be
# silent on both; as root, the sysusers.d and
# tmpfiles.d snippets are applied to a scratch root and their result checked.
set -u
build=${1:-build}
make=${MAKE:-make}
pass=0
fail=0
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

# mk TARGET DESTDIR PREFIX SYSCONFDIR: every directory is given, so that
# variables set on an outer make's command line do not leak in.
mk() {
	"$make" -s --no-print-directory BUILD="$build" DESTDIR="$2" \
	    PREFIX="$3" BINDIR="$3/bin" SBINDIR="$3/sbin" SYSCONFDIR="$4" \
	    UNITDIR="$3/lib/systemd/system" MANDIR="$3/share/man" \
	    SYSUSERSDIR="$3/lib/sysusers.d" TMPFILESDIR="$3/lib/tmpfiles.d" \
	    "$1" >"$tmp/make.log" 2>&1 && return 0
	cat "$tmp/make.log"
	return 1
}

# mode_is FILE MODE: FILE is a regular file with that mode (octal).
mode_is() {
	[ -f "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %a "$1")" = "$2" ]
}

# files DIR: every non-directory under DIR, relative, sorted.
files() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

# line_is FILE KEY VALUE: FILE's only line starting with KEY= is KEY=VALUE.
line_is() {
	[ "$(grep -c "^$2=" "$1")" -eq 1 ] &&
	    [ "$(grep "^$2=" "$1")" = "$2=$3" ]
}

# --- A: PREFIX=/usr, SYSCONFDIR=/etc, as a package would install it.
a=$tmp/a
p=/usr
if ! mk install "$a" "$p" /etc; then
	bad "make install DESTDIR=$a PREFIX=$p"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "make install DESTDIR=... PREFIX=$p"

unit=$a$p/lib/systemd/system/aftercared.service
iunit=$a$p/lib/systemd/system/aftercare-inbound.service
cat >"$tmp/want" <<EOF
${p#/}/bin/aftercarectl 755
${p#/}/lib/systemd/system/aftercare-inbound.service 644
${p#/}/lib/systemd/system/aftercare-inbound.socket 644
${p#/}/lib/systemd/system/aftercared.service 644
${p#/}/lib/sysusers.d/aftercare.conf 644
${p#/}/lib/tmpfiles.d/aftercare.conf 644
${p#/}/sbin/aftercare-inbound 755
${p#/}/sbin/aftercared 755
${p#/}/share/man/man1/aftercarectl.1 644
${p#/}/share/man/man5/aftercare.conf.5 644
${p#/}/share/man/man8/aftercare-inbound.8 644
${p#/}/share/man/man8/aftercared.8 644
etc/aftercare/aftercare.conf 640
EOF
cut -d' ' -f1 "$tmp/want" | LC_ALL=C sort >"$tmp/want.files"
files "$a" >"$tmp/got.files"
if cmp -s "$tmp/want.files" "$tmp/got.files"; then
	ok "installed exactly $(wc -l <"$tmp/want.files") files"
else
	bad "installed files differ (- wanted, + installed):"
	diff "$tmp/want.files" "$tmp/got.files" | grep '^[<>]' |
	    sed 's/^</  -/; s/^>/  +/'
fi
while read -r f m; do
	check "$f mode $m" mode_is "$a/$f" "$m"
done <"$tmp/want"

check "aftercared is the built binary" cmp -s "$build/aftercared" "$a$p/sbin/aftercared"
check "aftercarectl is the built binary" cmp -s "$build/aftercarectl" "$a$p/bin/aftercarectl"
check "aftercare-inbound is the built binary" \
    cmp -s "$build/aftercare-inbound" "$a$p/sbin/aftercare-inbound"
check "aftercare-inbound.socket is systemd/aftercare-inbound.socket" \
    cmp -s systemd/aftercare-inbound.socket \
    "$a$p/lib/systemd/system/aftercare-inbound.socket"
for m in man1/aftercarectl.1 man5/aftercare.conf.5 man8/aftercared.8 \
    man8/aftercare-inbound.8; do
	check "$m is man/${m#*/}" cmp -s "man/${m#*/}" "$a$p/share/man/$m"
done
check "sysusers.d/aftercare.conf is systemd/aftercare.sysusers" \
    cmp -s systemd/aftercare.sysusers "$a$p/lib/sysusers.d/aftercare.conf"
check "sysusers.d declares the aftercare user, home /var/lib/aftercare" \
    grep -qx 'u aftercare - "aftercare reminder daemon" /var/lib/aftercare' \
    "$a$p/lib/sysusers.d/aftercare.conf"
check "tmpfiles.d/aftercare.conf is systemd/aftercare.tmpfiles" \
    cmp -s systemd/aftercare.tmpfiles "$a$p/lib/tmpfiles.d/aftercare.conf"
check "aftercare.conf is etc/aftercare.conf" \
    cmp -s etc/aftercare.conf "$a/etc/aftercare/aftercare.conf"
check "unit: ExecStart=$p/sbin/aftercared" line_is "$unit" ExecStart \
    "$p/sbin/aftercared -c /etc/aftercare/aftercare.conf"
check "unit: LoadCredential from /etc/aftercare" line_is "$unit" \
    LoadCredential twilio.token:/etc/aftercare/twilio.token
# Nothing but the ExecStart line differs from the unit in the tree.
grep -v '^ExecStart=' systemd/aftercared.service >"$tmp/unit.src"
grep -v '^ExecStart=' "$unit" >"$tmp/unit.inst"
check "unit: the rest as in systemd/aftercared.service" \
    cmp -s "$tmp/unit.src" "$tmp/unit.inst"
check "inbound unit: ExecStart=$p/sbin/aftercare-inbound" line_is "$iunit" \
    ExecStart "$p/sbin/aftercare-inbound -c /etc/aftercare/aftercare.conf"
grep -v '^ExecStart=' systemd/aftercare-inbound.service >"$tmp/iunit.src"
grep -v '^ExecStart=' "$iunit" >"$tmp/iunit.inst"
check "inbound unit: the rest as in systemd/aftercare-inbound.service" \
    cmp -s "$tmp/iunit.src" "$tmp/iunit.inst"
# Every page Documentation= names is installed where man(1) finds it.
for d in $(sed -n 's/^Documentation=//p' "$unit" "$iunit"); do
	page=${d#man:}
	name=${page%(*}
	sect=${page#*(}
	sect=${sect%)}
	check "unit: Documentation=$d is installed" \
	    test -f "$a$p/share/man/man$sect/$name.$sect"
done

# A second install keeps the administrator's config, content and mode.
conf=$a/etc/aftercare/aftercare.conf
echo '# edited by the administrator' >>"$conf"
chmod 0600 "$conf"
cp -p "$conf" "$tmp/conf.edited"
if mk install "$a" "$p" /etc; then
	ok "second make install"
	check "second install keeps the edited config" cmp -s "$tmp/conf.edited" "$conf"
	check "second install keeps its mode 600" mode_is "$conf" 600
else
	bad "second make install"
fi

# --- systemd-analyze: exposure and verify, on this tree's unit.
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-analyze not installed: security and verify skipped"
elif [ "$(systemd-analyze --version | awk 'NR == 1 { print $2 + 0 }')" -lt 250 ]; then
	echo "systemd-analyze older than 250 (no --offline): security and verify skipped"
else
	# aftercare-inbound, which has no network at all, is held to more.
	for u in aftercared.service:2.0 aftercare-inbound.service:1.5; do
		name=${u%:*}
		max=${u#*:}
		out=$(systemd-analyze security --offline=true "systemd/$name" 2>&1)
		score=$(printf '%s\n' "$out" |
		    sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]*\).*/\1/p')
		if [ -z "$score" ]; then
			bad "systemd-analyze security $name: no overall exposure level in:"
			printf '%s\n' "$out"
		elif awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
			ok "systemd-analyze security $name: exposure $score (at most $max)"
		else
			bad "systemd-analyze security $name: exposure $score, over $max:"
			printf '%s\n' "$out" | grep '✗'
		fi
	done

	# verify wants ExecStart= to exist, and the man pages: point it at
	# this tree's binary and man directory.
	mkdir "$tmp/verify"
	sed "s|^ExecStart=$p/sbin/|ExecStart=$a$p/sbin/|" "$unit" \
	    >"$tmp/verify/aftercared.service"
	sed "s|^ExecStart=$p/sbin/|ExecStart=$a$p/sbin/|" "$iunit" \
	    >"$tmp/verify/aftercare-inbound.service"
	cp "$a$p/lib/systemd/system/aftercare-inbound.socket" "$tmp/verify/"
	if command -v man >/dev/null 2>&1; then
		manopt=--man=yes
	else
		manopt=--man=no
		echo "man not installed: verify does not look for the man pages"
	fi
	out=$(MANPATH=$a$p/share/man systemd-analyze verify "$manopt" \
	    "$tmp/verify/aftercared.service" \
	    "$tmp/verify/aftercare-inbound.socket" \
	    "$tmp/verify/aftercare-inbound.service" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify: clean"
	else
		bad "systemd-analyze verify (exit $rc):"
		printf '%s\n' "$out"
	fi
fi

# --- Uninstall leaves only the config, as edited.
if mk uninstall "$a" "$p" /etc; then
	ok "make uninstall"
	files "$a" >"$tmp/got.files"
	if [ "$(cat "$tmp/got.files")" = etc/aftercare/aftercare.conf ]; then
		ok "uninstall leaves only etc/aftercare/aftercare.conf"
	else
		bad "uninstall leaves:"
		sed 's/^/  /' "$tmp/got.files"
	fi
	check "uninstall keeps the edited config" cmp -s "$tmp/conf.edited" "$conf"
else
	bad "make uninstall"
fi

# --- B: the defaults' PREFIX, another SYSCONFDIR, substituted everywhere.
b=$tmp/b
p=/usr/local
e=/usr/local/etc
if mk install "$b" "$p" "$e"; then
	ok "make install DESTDIR=... PREFIX=$p SYSCONFDIR=$e"
	unit=$b$p/lib/systemd/system/aftercared.service
	check "unit: ExecStart=$p/sbin/aftercared -c $e/..." line_is "$unit" \
	    ExecStart "$p/sbin/aftercared -c $e/aftercare/aftercare.conf"
	check "unit: LoadCredential from $e/aftercare" line_is "$unit" \
	    LoadCredential twilio.token:$e/aftercare/twilio.token
	iunit=$b$p/lib/systemd/system/aftercare-inbound.service
	check "inbound unit: ExecStart=$p/sbin/aftercare-inbound -c $e/..." \
	    line_is "$iunit" ExecStart \
	    "$p/sbin/aftercare-inbound -c $e/aftercare/aftercare.conf"
	check "inbound unit: LoadCredential from $e/aftercare" line_is "$iunit" \
	    LoadCredential twilio.token:$e/aftercare/twilio.token
	check "tmpfiles.d: $e/aftercare/aftercare.conf" grep -q \
	    "^z $e/aftercare/aftercare.conf " "$b$p/lib/tmpfiles.d/aftercare.conf"
	check "config installed in $e/aftercare" \
	    mode_is "$b$e/aftercare/aftercare.conf" 640

	# As root, apply the snippets to the scratch root, as a boot would.
	if [ "$(id -u)" -ne 0 ] ||
	    ! command -v systemd-sysusers >/dev/null 2>&1 ||
	    ! command -v systemd-tmpfiles >/dev/null 2>&1; then
		echo "not root or no systemd-sysusers/-tmpfiles: snippets not applied"
	elif ! mkdir -p "$b/etc" || ! systemd-sysusers --root="$b" \
	    "$b$p/lib/sysusers.d/aftercare.conf" >"$tmp/log" 2>&1; then
		bad "systemd-sysusers --root"
		cat "$tmp/log"
	else
		pw=$(grep '^aftercare:' "$b/etc/passwd")
		uid=$(echo "$pw" | cut -d: -f3)
		gid=$(grep '^aftercare:' "$b/etc/group" | cut -d: -f3)
		check "sysusers: aftercare user with home /var/lib/aftercare" \
		    test "$(echo "$pw" | cut -d: -f4,6)" = "$gid:/var/lib/aftercare"
		if systemd-tmpfiles --root="$b" --create \
		    "$b$p/lib/tmpfiles.d/aftercare.conf" >"$tmp/log" 2>&1; then
			ok "systemd-tmpfiles --root --create"
			check "tmpfiles: /var/lib/aftercare 2770 aftercare:aftercare" \
			    test "$(stat -c '%a %u %g' "$b/var/lib/aftercare")" = \
			    "2770 $uid $gid"
			check "tmpfiles: aftercare.conf 640 root:aftercare" \
			    test "$(stat -c '%a %u %g' "$b$e/aftercare/aftercare.conf")" = \
			    "640 0 $gid"
		else
			bad "systemd-tmpfiles --root --create"
			cat "$tmp/log"
		fi
	fi
else
	bad "make install DESTDIR=... PREFIX=$p SYSCONFDIR=$e"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
