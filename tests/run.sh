#!/bin/sh
# run.sh BUILD TEST...: runs every test binary from the top of the tree and
# fails if any fails.  Each prints cmocka's summary lines.
build=$1
shift
failed=""
for t in "$@"; do
	echo "== $t"
	"$build/tests/$t" || failed="$failed $t"
done
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all $# test programs passed"
