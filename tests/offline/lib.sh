# SPDX-License-Identifier: GPL-2.0-only
#
# Shared by tests/offline/*.sh: <test>.sh <bin dir> <make_lower_tree>.
# Work happens in a fresh temporary directory, removed at the end.

set -u
BIN=$(cd "${1:?usage: $0 <bin dir> <make_lower_tree>}" && pwd) || exit 2
MKTREE=${2:?usage: $0 <bin dir> <make_lower_tree>}
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FAILS=0
CHECKS=0
T=$(mktemp -d /tmp/ecryptfs-offline.XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT

die() { echo "FATAL: $*" >&2; exit 2; }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }
check() { local what=$1; shift; if "$@"; then pass; else fail "$what"; fi; }
finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS of $((CHECKS + FAILS)) checks FAILED"
		exit 1
	fi
	echo "PASS: $CHECKS checks"
	exit 0
}
for t in ecryptfs-fsck ecryptfs-extract; do
	[ -x "$BIN/$t" ] || die "$BIN/$t is missing (build it first)"
done
[ -x "$MKTREE" ] || die "$MKTREE is missing"

. "$SRC_DIR/tests/offline/lib-tree.sh"

# The crafted files of tests/vm/bad-input.sh (ktest.py mkbad) from a
# 10000-byte template written with PASSFILE, plus a zeroed extent 1:
# make_bad_tree PASSFILE DIR (the template's plaintext is DIR.plain).
make_bad_tree() {
	local pass=$1 d=$2
	mkdir -p $d.src $d
	python3 -c "import random,sys; sys.stdout.buffer.write(random.Random(7).randbytes(10000))" > $d.plain
	cp $d.plain $d.src/f
	$MKTREE $pass $d.src $d.tmpl >/dev/null || die "template"
	python3 $SRC_DIR/tests/vm/ktest.py mkbad $d.tmpl/f $d || die "ktest.py mkbad"
	cp $d.tmpl/f $d/zeroed-extent
	dd if=/dev/zero of=$d/zeroed-extent bs=4096 seek=3 count=1 conv=notrunc status=none
}
