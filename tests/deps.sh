#!/bin/sh
# deps.sh PKG...: installs the missing Debian build dependencies when run as
# root, or prints the apt-get line to run.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "aftercare needs:$missing (Debian package names); install them" \
	    "with your package manager" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "missing build dependencies; run, as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# The tests run their own Postfix: no system one set up, none on port 25.
case " $missing " in
*" postfix "*)
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections || {
		echo "debconf-set-selections failed; install postfix with" \
		    "\"No configuration\"" >&2
		exit 1
	}
	;;
esac
apt-get update -qq && apt-get install -y -qq$missing >/dev/null || {
	echo "apt-get install failed; run: apt-get install -y$missing" >&2
	exit 1
}
