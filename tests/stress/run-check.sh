#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# run-check.sh STATUS REGEX CMD [ARGS...]
# Run CMD in a fresh temporary directory (every @TMP@ in the arguments is
# replaced by its path), and pass only when CMD exits with exactly STATUS and
# its combined output matches the extended REGEX.  The output is shown.
set -u
[ $# -ge 3 ] || { echo "usage: run-check.sh STATUS REGEX CMD [ARGS...]" >&2; exit 2; }
want=$1 regex=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stress-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
out=$tmp/.output
n=$#
while [ $n -gt 0 ]; do
	a=$1
	shift
	case "$a" in
	*@TMP@*) a=$(printf '%s' "$a" | sed "s|@TMP@|$tmp|g") ;;
	esac
	set -- "$@" "$a"
	n=$((n - 1))
done
"$@" > "$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" -ne "$want" ]; then
	echo "run-check: FAIL: exit status $rc, expected $want" >&2
	exit 1
fi
if ! tr '\n' ' ' < "$out" | grep -Eq -- "$regex"; then
	echo "run-check: FAIL: output does not match: $regex" >&2
	exit 1
fi
echo "run-check: OK (status $rc, output matches)"
