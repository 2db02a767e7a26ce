#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# concurrent-host.sh CONCURRENT: the concurrent stress program on a host
# temporary directory: a run passes and verifies, a second verification of
# the same tree passes again, and a --damage run must fail the
# verification with status 1 and name the damaged file.
set -u
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concurrent-host.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail() { echo "concurrent-host: FAIL: $*" >&2; exit 1; }

"$bin" --procs 4 --ops 1500 --seed 42 "$tmp/a" > "$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ $rc = 0 ] || fail "run: status $rc"
grep -q '^verify: PASS 4 manifests' "$tmp/out" || fail "run: no PASS line"
n=$(find "$tmp/a" -type f | wc -l)
[ "$n" -gt 20 ] || fail "only $n files left in the tree: the run did too little"

"$bin" --verify "$tmp/a" || fail "second verification"

"$bin" --procs 3 --ops 800 --seed 7 --damage "$tmp/b" > "$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ $rc = 1 ] || fail "--damage: status $rc, expected 1"
f=$(sed -n 's/^damage: changed byte [0-9]* of //p' "$tmp/out")
[ -n "$f" ] || fail "--damage did not say what it changed"
grep -q "verify: FAIL: $f: content differs" "$tmp/out" || fail "--damage: the verifier did not name $f"

# A name that no manifest knows is found too.
echo stray > "$tmp/a/d1/stray"
"$bin" --verify "$tmp/a" > "$tmp/out" 2>&1 && fail "a stray file passed the verification"
grep -q 'd1/stray: in the tree, in no manifest' "$tmp/out" || fail "stray file not reported"

"$bin" --bogus "$tmp/c" > /dev/null 2>&1
[ $? = 2 ] || fail "bad usage is not status 2"
echo "concurrent-host: OK"
