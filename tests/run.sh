#!/bin/sh
# run.sh BUILD DIR/TEST...: runs every test binary from the top of the tree
# and fails if any fails.  DIR is unit or system, where the test's source
# is (tests/DIR/TEST.c); the binary is BUILD/tests/TEST.  Each program's
# output (cmocka's lines, what the test prints, and the log of the code
# under test, sanitizer reports included) goes to BUILD/tests/TEST.log; a
# program that passes shows only cmocka's summary lines, one that fails
# shows all of its log.
build=$1
shift
failed=""
for dt in "$@"; do
	t=${dt##*/}
	echo "== $dt"
	log=$build/tests/$t.log
	if "$build/tests/$t" >"$log" 2>&1; then
		grep -E '^\[(==========|  PASSED  |  SKIPPED )\] [0-9]+ test' \
		    "$log"
	else
		rc=$?
		echo "$dt failed (exit $rc); its log, $log:"
		cat "$log"
		failed="$failed $dt"
	fi
done
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
echo "all $# test programs passed; their logs are in $build/tests/*.log"
