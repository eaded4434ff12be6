#!/bin/sh
# tour.sh: fails unless the source tour at the end of README.md (its
# "## Source tour" section) names every file in src/ as `src/NAME`, so
# that a new file cannot be left out of it.  Run from the top of the tree.
set -u
tour=$(sed -n '/^## Source tour$/,/^## /p' README.md)
if [ -z "$tour" ]; then
	echo "tour: README.md has no \"## Source tour\" section" >&2
	exit 1
fi
n=0
missing=""
for f in src/*.c src/*.h; do
	n=$((n + 1))
	case $tour in
	*"\`$f\`"*) ;;
	*) missing="$missing $f" ;;
	esac
done
if [ -n "$missing" ]; then
	echo "tour: README.md's source tour does not name:$missing" >&2
	exit 1
fi
echo "tour: README.md's source tour names all $n files in src/"
