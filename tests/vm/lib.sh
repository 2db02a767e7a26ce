# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for guest scripts run by scripts/vm (source this file).
# Every function fails the script loudly rather than carrying on.

set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
log() { echo "== $*"; }

# Which ecryptfs module is loaded: "ours", "reference" or "none".  Ours
# is built out of tree, so the kernel marks it with the taint flag "O";
# Debian's own is in tree.
which_ecryptfs() {
	if [ ! -d /sys/module/ecryptfs ]; then
		echo none
	elif grep -q O /sys/module/ecryptfs/taint 2>/dev/null; then
		echo ours
	else
		echo reference
	fi
}

# Unmount every eCryptfs mount, then unload whichever module is loaded.
unload_ecryptfs() {
	local m
	for m in $(awk '$3 == "ecryptfs" { print $2 }' /proc/mounts | sort -r); do
		umount "$m" || fail "cannot unmount $m"
	done
	if [ -d /sys/module/ecryptfs ]; then
		local was
		was=$(which_ecryptfs)
		rmmod ecryptfs || fail "cannot unload the ecryptfs module"
		[ "$was" = reference ] && reference_mark out
	fi
	return 0
}

# reference_mark in|out: tell scripts/kernel-log-check that the reference
# module may run from now on (in) or no longer (out): a problem report in
# between whose backtrace names [ecryptfs] is the reference's, not ours.
reference_mark() {
	echo "ecryptfs-test: reference module $1" > /dev/kmsg
}

# on_debug_kernel: true on the debug kernel of scripts/debug-kernel (KASAN
# and lockdep: under TCG some twenty times slower than Debian's kernels).
on_debug_kernel() { case "$(uname -r)" in *-ecdebug) return 0 ;; esac; return 1; }

# load_ours [PARAM=VALUE...]: our module; with parameters, always a fresh
# copy loaded with them.  The reference's window in the kernel log is
# closed first, also when a plain rmmod unloaded the reference: from here
# on a report is ours.
load_ours() {
	[ $# = 0 ] && [ "$(which_ecryptfs)" = ours ] && return 0
	unload_ecryptfs
	reference_mark out
	insmod "$ECRYPTFS_MODULE" "$@" || fail "cannot load our module $ECRYPTFS_MODULE"
	[ "$(which_ecryptfs)" = ours ] || fail "our module did not load"
}

# load_reference [PARAM=VALUE...]: Debian's own module from /lib/modules
# (the reference implementation), likewise.
load_reference() {
	[ $# = 0 ] && [ "$(which_ecryptfs)" = reference ] && return 0
	unload_ecryptfs
	reference_mark in
	modprobe --ignore-install ecryptfs "$@" || fail "cannot load the reference module"
	[ "$(which_ecryptfs)" = reference ] || fail "the reference module did not load"
}

# load_module ours|reference [PARAM=VALUE...]
load_module() {
	local m=$1
	shift
	case "$m" in
	ours) load_ours "$@" ;;
	ref|reference) load_reference "$@" ;;
	*) fail "load_module: unknown module '$m'" ;;
	esac
}

# add_passphrase_key PASSPHRASE [--fnek]: put a passphrase auth token into
# the user keyring (with ecryptfs-utils' default salt) and print its sig
# (with --fnek: the file sig, then the filename sig, one a line).  The
# passphrase goes through stdin, never argv.
ECRYPTFS_ADD_PASSPHRASE=${ECRYPTFS_ADD_PASSPHRASE:-/usr/bin/ecryptfs-add-passphrase}
add_passphrase_key() {
	local pass=$1 out
	shift
	out=$(printf '%s' "$pass" | "$ECRYPTFS_ADD_PASSPHRASE" "$@" -) ||
		fail "ecryptfs-add-passphrase failed: $out"
	echo "$out" | sed -n 's/.*sig \[\([0-9a-f]\{16\}\)\].*/\1/p'
}

# mount_ecryptfs LOWER UPPER SIG [EXTRA_OPTIONS]: a passphrase mount with
# AES-128 unless EXTRA_OPTIONS name another cipher.
mount_ecryptfs() {
	local lower=$1 upper=$2 sig=$3 extra=${4:-}
	local opts="ecryptfs_sig=$sig"
	case "$extra" in
	*ecryptfs_cipher=*) ;;
	*) opts="$opts,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" ;;
	esac
	[ -n "$extra" ] && opts="$opts,$extra"
	mkdir -p "$lower" "$upper"
	mount -i -t ecryptfs "$lower" "$upper" -o "$opts" ||
		fail "mount -t ecryptfs $lower $upper -o $opts failed"
}

# The kernel log must not show a crash or a warning, other than one of
# the reference module's (scripts/kernel-log-check; scripts/vm lists those).
check_dmesg() {
	local problems rc=0
	problems=$(dmesg | "$ECRYPTFS_SRC/scripts/kernel-log-check") || rc=$?
	case $rc in
	0) ;;
	1) echo "$problems" | head -n 120 >&2
	   fail "the kernel log shows a problem" ;;
	*) fail "scripts/kernel-log-check could not judge the kernel log (status $rc)" ;;
	esac
}

# --- helpers of the kernel-module test suites (tests/vm/interop-*.sh,
# bad-input.sh, options.sh, namespace.sh, stress-*.sh).

# ktest CMD ARGS...: run tests/vm/ktest.py (file sets, header checks,
# syscalls that report an errno name).
ktest() { /usr/bin/python3 "$ECRYPTFS_SRC/tests/vm/ktest.py" "$@"; }

# The two modules a two-sided test runs: "A B" from ECRYPTFS_PAIR (default
# "ours reference"); "reference reference" validates a test by itself.
ecryptfs_pair() { echo "${ECRYPTFS_PAIR:-ours reference}"; }

# reload_module ours|reference: unmount everything and load a fresh copy
# of that module (even when it is already loaded: no cached page or inode
# survives).
reload_module() {
	unload_ecryptfs
	load_module "$1"
}

# expect WHAT WANT GOT: fail unless GOT equals WANT.
expect() {
	[ "$3" = "$2" ] || fail "$1: got '$3', expected '$2'"
}

# lower_fs DIR [ext4]: mount a fresh lower file system on DIR: ext4 on
# /dev/vda when scripts/vm was given --disk; else with "ext4", ext4 in a
# loop-mounted image on tmpfs (xattrs in the user namespace on every
# kernel); else tmpfs.
lower_fs() {
	mkdir -p "$1"
	if [ -b /dev/vda ]; then
		mkfs.ext4 -q -F -I 256 /dev/vda || fail "mkfs.ext4 /dev/vda failed"
		mount -t ext4 /dev/vda "$1" || fail "cannot mount /dev/vda"
	elif [ "${2:-}" = ext4 ]; then
		mkdir -p /run/lower-img
		mount -t tmpfs -o size=1100m tmpfs /run/lower-img || fail "cannot mount tmpfs"
		truncate -s 1000m /run/lower-img/ext4.img
		mkfs.ext4 -q -F -I 256 /run/lower-img/ext4.img || fail "mkfs.ext4 on an image failed"
		modprobe loop 2>/dev/null
		mount -t ext4 -o loop /run/lower-img/ext4.img "$1" || fail "cannot loop-mount the ext4 image"
	else
		mount -t tmpfs -o size=1500m tmpfs "$1" || fail "cannot mount tmpfs on $1"
	fi
}

# umnt DIR: unmount without the umount.ecryptfs helper (which would unlink
# the keys of an ecryptfs_unlink_sigs mount from the keyring).
umnt() { umount -i "$1" || fail "cannot unmount $1"; }
