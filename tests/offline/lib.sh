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

# A plaintext tree with every file size class, a subdirectory, links and
# awkward names.
make_plain_tree() { # DIR
	local d=$1 n
	mkdir -p "$d/sub/deeper"
	for n in 0 1 15 16 4095 4096 4097 8192 10000 70001; do
		python3 -c "import random,sys; sys.stdout.buffer.write(random.Random($n).randbytes($n))" > "$d/size-$n"
	done
	echo "hello" > "$d/sub/hello.txt"
	echo "deep" > "$d/sub/deeper/x"
	printf 'spaces and ünïcode\n' > "$d/a name with spaces ünïcode"
	echo long > "$d/$(printf 'L%.0s' $(seq 1 140))"
	ln -s sub/hello.txt "$d/link-to-hello"
	ln -s /nonexistent/target "$d/dangling"
	chmod 640 "$d/size-10000"
	chmod 750 "$d/sub/deeper"
	touch -d '2001-02-03 04:05:06' "$d/size-4096" "$d/sub"
}

# Modes, times and types of every entry of a tree, by path.
meta_list() { # DIR
	(cd "$1" && find . -mindepth 1 -printf '%p %y %m %T@ %s\n' | sort)
}
