#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fsx-reproducible.sh FSX: the same seed gives the same run (same final
# digest and operation counts), a different seed a different one.
set -eu
fsx=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fsx-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run() { "$fsx" --seed "$1" --ops 1500 --max-size 64K --copy-range --splice "$tmp/f" | grep -v '^ *note:'; }
a=$(run 11)
b=$(run 11)
c=$(run 12)
echo "$a"; echo "$c"
if [ "$a" != "$b" ]; then
	echo "FAIL: seed 11 gave two different runs:" >&2
	echo "$b" >&2
	exit 1
fi
if [ "$a" = "$c" ]; then
	echo "FAIL: seeds 11 and 12 gave the same run" >&2
	exit 1
fi
cmp -s "$tmp/f" "$tmp/f" || exit 1
echo "OK: seed 11 reproduced, seed 12 differs"
