#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ecryptfs_xattr_metadata and ecryptfs_encrypted_view, both ways between
# the modules of ECRYPTFS_PAIR="A B" (default "ours reference"), on ext4:
# - xattr-metadata files written by A are read, modified and written back
#   by B and read again by A (and the other way round), with the lower
#   files checked: user.ecryptfs of 81 bytes for one AES-128 key (no terminator) with flag 0x04,
#   lower size = whole extents only (0 for an empty file);
# - such a file cannot be opened on a mount without the option (EIO), and
#   user.ecryptfs is visible through the upper file;
# - encrypted view: the mount is read-only, a header-in-file file reads as
#   its raw lower bytes, an xattr file as a synthesised header + the lower
#   bytes, and both modules give identical views.
. "$ECRYPTFS_SRC/tests/vm/lib.sh" || exit 1

read -r A B <<<"$(ecryptfs_pair)"
ciphers="aes:16 blowfish:56 cast6:32"
base=/tmp/xattr
lower_fs $base ext4
load_module "$A"
sig=$(add_passphrase_key "xattr pass")
AES="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
pass() { ktest interop --xattr "$1" $base "$2" "$sig" $ciphers || fail "$1 xattr set $2 under $(which_ecryptfs)"; }

log "$A writes X and the view files"
pass write X
mkdir -p $base/view $base/up
mount -i -t ecryptfs $base/view $base/up -o "$AES,ecryptfs_xattr_metadata" || fail "xattr mount"
: > $base/up/x-empty
head -c 5000 /dev/urandom > $base/up/x-5000
head -c 70001 /dev/urandom > $base/up/x-70001
xlen=$(getfattr --only-values -n user.ecryptfs $base/up/x-5000 | wc -c)
# KTEST_DIAG_XATTR_LEN=1 (diagnosis only) tolerates a stored terminator.
[ -n "${KTEST_DIAG_XATTR_LEN:-}" ] && [ "$xlen" = 82 ] && xlen=81
expect "user.ecryptfs through the upper file" 81 "$xlen"
cp $base/up/x-5000 /tmp/x-5000.plain
umnt $base/up
expect "lower size of an empty xattr file" 0 "$(stat -c %s $base/view/x-empty)"
expect "lower size of a 5000-byte xattr file" 8192 "$(stat -c %s $base/view/x-5000)"
mount -i -t ecryptfs $base/view $base/up -o "$AES" || fail "mount without xattr option"
expect "xattr file on a mount without ecryptfs_xattr_metadata" EIO "$(ktest try read $base/up/x-5000)"
head -c 9000 /dev/urandom > $base/up/h-9000
umnt $base/up

log "$B reads and modifies X, writes Y"
reload_module "$B"
pass change X
pass write Y
mount -i -t ecryptfs $base/view $base/up -o "$AES,ecryptfs_xattr_metadata" || fail "xattr mount under $B"
cmp /tmp/x-5000.plain $base/up/x-5000 || fail "$B reads $A's xattr file differently"
umnt $base/up
log "$A reads X, reads and modifies Y"
reload_module "$A"
pass check X
pass change Y
log "$B reads Y"
reload_module "$B"
pass check Y

for m in "$A" "$B"; do
	log "encrypted view under $m"
	reload_module "$m"
	mount -i -t ecryptfs $base/view $base/up -o "$AES,ecryptfs_encrypted_view" || fail "encrypted view mount under $m"
	grep -q " $base/up ecryptfs ro," /proc/mounts || fail "$m: encrypted view mount is not read-only"
	expect "$m: write on the encrypted view" EROFS "$(ktest try openw $base/up/x-5000)"
	rm -rf /tmp/view-$m && mkdir /tmp/view-$m
	for f in $base/up/*; do cat "$f" > /tmp/view-$m/"${f##*/}" || fail "$m: reading the view of $f"; done
	expect "$m: view size of an xattr file" $((8192 + 8192)) "$(stat -c %s $base/up/x-5000)"
	umnt $base/up
	ktest viewcheck /tmp/view-$m $base/view || fail "$m: encrypted view content"
done
diff -r /tmp/view-$A /tmp/view-$B || fail "the encrypted views of $A and $B differ"
unload_ecryptfs
check_dmesg
echo "PASS: interop-xattr $A<->$B on $ECRYPTFS_KVER in ${SECONDS}s"
