#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A lower file whose header never reached the disk (what the crash replay
# finds after a crash: an empty lower file, or one whose first page reads
# as zeros while later pages were written) is an empty file, never EIO:
# no key was ever stored for it.  With the header in the file and in the
# xattr, on a writable lower fs (the file gets a header at open and takes
# writes) and on a read-only one (shown empty, nothing written, no kernel
# warning).
. "$ECRYPTFS_SRC/tests/vm/lib.sh"

mod=${1:-ours}
W=/run/hl
mkdir -p $W
mount -t tmpfs tmpfs $W
truncate -s 64m $W/img
mkfs.ext4 -q -F -I 256 $W/img || fail "mkfs"
L=$W/lower U=$W/upper
mkdir -p $L $U
modprobe loop 2>/dev/null || true
mount -o loop $W/img $L || fail "mount lower"
sig=$(add_passphrase_key "headerless")
load_module $mod

# headerless DIR: the lower files of the cases, made behind eCryptfs' back.
headerless() {
	: > "$1/empty"
	head -c 4096 /dev/zero > "$1/zerohead"
	head -c 40000 /dev/urandom >> "$1/zerohead"
	head -c 8192 /dev/zero > "$1/zeroonly"
}

# reads_empty WHAT: each case shows size 0 (at lookup, before any open),
# reads without error and is empty.
reads_empty() {
	local f got
	for f in empty zerohead zeroonly; do
		expect "$1: size of $f before an open" 0 "$(stat -c %s $U/$f)"
		got=$(ktest try read $U/$f) || true
		[ "$got" = OK ] || fail "$1: reading $f (no header ever written): $got"
		[ ! -s $U/$f ] || fail "$1: $f is not empty: $(stat -c %s $U/$f) bytes"
	done
}

for meta in file xattr; do
	extra=
	[ $meta = xattr ] && extra=ecryptfs_xattr_metadata
	rm -rf "${L:?}"/*
	headerless $L
	mount_ecryptfs $L $U "$sig" "$extra"
	reads_empty "$meta"
	for f in empty zerohead zeroonly; do
		echo "new $f" > $U/$f || fail "$meta: cannot write $f after it was shown empty"
	done
	umnt $U
	mount_ecryptfs $L $U "$sig" "$extra"
	for f in empty zerohead zeroonly; do
		expect "$meta: $f after a remount" "new $f" "$(cat $U/$f)"
	done
	umnt $U

	log "$meta: the same on a read-only lower fs"
	rm -rf "${L:?}"/*
	headerless $L
	umount $L
	mount -o loop,ro $W/img $L || fail "mount lower read-only"
	mount_ecryptfs $L $U "$sig" "$extra"
	reads_empty "$meta, read-only lower"
	umnt $U
	umount $L
	mount -o loop $W/img $L || fail "mount lower again"
	expect "$meta: the read-only open wrote nothing" 0 "$(stat -c %s $L/empty)"
done
umount $L
check_dmesg
log "PASS"
