# SPDX-License-Identifier: GPL-2.0-only
#
# Shared by the interop tests: our userland against ecryptfs-utils 111.
# Source it, then call interop_init "$@" first thing.  Usage of a test:
#   <test>.sh <our bin dir>
# The test re-executes itself in a private user + mount namespace
# (unshare -Urm) so that:
#  - @u is a fresh user keyring of its own (keys never touch the host's),
#  - $HOME of uid 0 (/root, from the passwd database as the tools use it) is
#    a private tmpfs, so ~/.ecryptfsrc and ~/.ecryptfs are the test's own,
#  - /sys/fs/ecryptfs/version is a file the test controls (375 = every
#    feature incl. filename encryption) and modprobe is /bin/false, so the
#    reference's "--fnek" never tries to load a kernel module.
# A missing reference tool, unshare or keyctl is a failure, never a skip.

set -u
REF=/usr/bin
FAILS=0
CHECKS=0

die() { echo "FATAL: $*" >&2; exit 2; }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }
check() { # check <description> <command...>: the command must succeed
	local what=$1; shift
	if "$@"; then pass; else fail "$what"; fi
}

TOOLS="ecryptfs-wrap-passphrase ecryptfs-unwrap-passphrase ecryptfs-rewrap-passphrase
ecryptfs-add-passphrase ecryptfs-insert-wrapped-passphrase-into-keyring ecryptfs-stat"

interop_init() {
	OURS=${1:?usage: $0 <directory with our tools>}
	OURS=$(cd "$OURS" && pwd) || die "no directory $1"
	for t in $TOOLS; do
		[ -x "$REF/$t" ] || die "reference tool $REF/$t is missing (install ecryptfs-utils 111)"
		[ -x "$OURS/$t" ] || die "our tool $OURS/$t is missing (build it first)"
	done
	for t in unshare keyctl xxd mount; do
		command -v $t >/dev/null || die "$t is missing"
	done
	if [ -z "${ECRYPTFS_INTEROP_NS:-}" ]; then
		ECRYPTFS_INTEROP_NS=1 exec unshare -Urm --propagation private \
			bash "$0" "$@" || die "cannot unshare"
	fi
	mount -t tmpfs -o mode=0700 none /root || die "cannot mount a private /root"
	mount -t tmpfs none /sys/fs || die "cannot mount a private /sys/fs"
	mkdir /sys/fs/ecryptfs && echo 375 > /sys/fs/ecryptfs/version || die "no fake version"
	mount --bind /bin/false "$(readlink -f /sbin/modprobe)" || die "cannot stub modprobe"
	[ "$(cat /sys/fs/ecryptfs/version)" = 375 ] || die "fake sysfs not visible"
	keyctl clear @u || die "no user keyring"
	WORK=$(mktemp -d /tmp/ecryptfs-interop.XXXXXX) || die "mktemp"
	trap 'rm -rf "$WORK"; keyctl clear @u >/dev/null 2>&1' EXIT
	cd "$WORK" || die "cd"
}

interop_done() {
	echo "$CHECKS checks passed, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$CHECKS" -gt 0 ]
	exit $?
}

# Every key in @u: "type;uid;gid;perm;description payload-hex", sorted.
keyring_dump() {
	local id
	for id in $(keyctl rlist @u); do
		printf '%s %s\n' "$(keyctl rdescribe "$id")" "$(keyctl pipe "$id" | xxd -p | tr -d '\n')"
	done | sort
}

# The passphrase stored in a wrapped file, by the reference, from stdin mode.
ref_unwrap() { printf '%s' "$2" | "$REF/ecryptfs-unwrap-passphrase" "$1" - 2>&1; }
our_unwrap() { printf '%s' "$2" | "$OURS/ecryptfs-unwrap-passphrase" "$1" - 2>&1; }
ref_wrap() { printf '%s\n%s' "$2" "$3" | "$REF/ecryptfs-wrap-passphrase" "$1" - 2>&1; }
our_wrap() { printf '%s\n%s' "$2" "$3" | "$OURS/ecryptfs-wrap-passphrase" "$1" - 2>&1; }
ref_rewrap() { printf '%s\n%s' "$2" "$3" | "$REF/ecryptfs-rewrap-passphrase" "$1" - 2>&1; }
our_rewrap() { printf '%s\n%s' "$2" "$3" | "$OURS/ecryptfs-rewrap-passphrase" "$1" - 2>&1; }

# An independent implementation of the derivation (Python hashlib), for
# building version 1 files: prints "<kek hex> <sig>".
derive_py() { # derive_py <passphrase> <salt hex>
	python3 -c '
import hashlib, sys
p = sys.argv[1].encode(); s = bytes.fromhex(sys.argv[2])
h = hashlib.sha512(s + p).digest()
for _ in range(65535):
    h = hashlib.sha512(h).digest()
print(h.hex(), hashlib.sha512(h).digest()[:8].hex())' "$1" "$2"
}

# make_v1 <file> <passphrase> <wrapping passphrase> <salt hex>: a legacy
# version 1 wrapped file built with python + openssl, not with our code.
make_v1() {
	local kv kek sig
	kv=$(derive_py "$3" "$4") || return 1
	kek=${kv% *}; sig=${kv#* }
	{
		printf '%s' "$sig"
		python3 -c '
import sys
p = sys.argv[1].encode(); n = (len(p) + 15) // 16 * 16
sys.stdout.buffer.write(p + b"\0" * (n - len(p)))' "$2" |
			openssl enc -aes-128-ecb -nopad -K "${kek:0:32}"
	} > "$1"
}
