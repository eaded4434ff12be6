#!/bin/sh
# deb.sh BUILD VERSION: builds the Debian packages with `dpkg-buildpackage
# -us -uc -b` in a copy of this tree, BUILD/deb/aftercare-VERSION, so that
# the build's own `make clean` and its files beside the source stay in
# BUILD/deb: the .deb files (aftercare, aftercare-inbound and their
# -dbgsym), .buildinfo and .changes land there.  Then lintian looks at
# them: any error or warning fails.  The toolchain is installed by `make
# deb` (tests/deps.sh); the build dependencies of debian/control are
# installed here when missing, as root.
set -u
build=${1:-build}
version=${2:?usage: deb.sh BUILD VERSION}
out=$build/deb
src=$out/aftercare-$version

# The package's version is debian/changelog's: it must be the Makefile's.
cl=$(dpkg-parsechangelog -S Version) || exit 1
if [ "$cl" != "$version" ]; then
	echo "deb: debian/changelog is at $cl, the Makefile at $version:" \
	    "add a changelog entry (dch -v $version)" >&2
	exit 1
fi

if ! dpkg-checkbuilddeps >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deb: missing build dependencies; run, as root:" >&2
		echo "  apt-get build-dep -y ./" >&2
		exit 1
	fi
	echo "installing the build dependencies of debian/control"
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq ./ \
	    >/dev/null || {
		echo "deb: apt-get build-dep failed; run: apt-get build-dep" \
		    "-y ./" >&2
		exit 1
	}
fi

# Everything but the version control and build directories.
rm -rf "$out" && mkdir -p "$src" || exit 1
top=${build%%/*}
for f in * .[!.]*; do
	[ -e "$f" ] || continue
	case $f in
	.git | build | build-* | "$top") ;;
	*) cp -pR "$f" "$src/" || exit 1 ;;
	esac
done

# The package gets Debian's build flags, not those of a make that runs
# this (a sanitizer build, say), nor its variables.
echo "deb: dpkg-buildpackage -us -uc -b in $src"
if ! (cd "$src" && env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u MAKEFLAGS \
    -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES dpkg-buildpackage -us -uc -b \
    -Jauto) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log"
	echo "deb: dpkg-buildpackage failed; all of it in $out/build.log" >&2
	exit 1
fi
rm -rf "$src"
for f in "$out"/*.deb; do
	echo "deb: $f"
done

changes=$(ls "$out"/aftercare_"$version"_*.changes) || exit 1
if ! lintian --fail-on error,warning "$changes" >"$out/lintian.log" 2>&1; then
	cat "$out/lintian.log"
	echo "deb: lintian found problems (in $out/lintian.log)" >&2
	exit 1
fi
echo "deb: lintian: no errors, no warnings"
# The paths as the README writes them: ./ in front of a relative one.
case $out in
/*) at=$out ;;
*) at=./$out ;;
esac
arch=$(dpkg --print-architecture) || exit 1
echo "deb: install, as root: apt install $at/aftercare_${version}_$arch.deb"
echo "deb: and, for the receiver of replies and receipts:" \
    "apt install $at/aftercare-inbound_${version}_$arch.deb"
