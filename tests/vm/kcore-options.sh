#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module: every cipher/key size of spec §2.7 interoperates with the
# reference module both ways (EFEK sizes checked), several sigs per mount
# (header order, either key alone opens), ecryptfs_xattr_metadata,
# ecryptfs_encrypted_view, ecryptfs_passthrough, ecryptfs_mount_auth_tok_only.
. "$(dirname "$0")/lib.sh"

dev=/dev/vda
if [ ! -b $dev ]; then
	truncate -s 200M /tmp/ext4.img
	modprobe loop 2>/dev/null || true
	dev=$(losetup -f --show /tmp/ext4.img) || fail "losetup"
fi
mkfs.ext4 -q -F $dev >/dev/null || fail "mkfs.ext4"
mkdir -p /mnt/d && mount -t ext4 $dev /mnt/d || fail "mount ext4"
D=/mnt/d U=/mnt/up
sigA=$(add_passphrase_key passA)
sigB=$(add_passphrase_key passB)
[ -n "$sigA" ] && [ -n "$sigB" ] || fail "no sigs"

CIPHERS="aes:16 aes:24 aes:32 blowfish:16 blowfish:56 des3_ede:24 twofish:16 twofish:32 cast5:16 cast6:32"
head -c 20000 /dev/urandom > /tmp/data
hdr() { od -A n -t x1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
mnt() { mount_ecryptfs "$1" $U "$2" "${3:-}"; }

log "ours writes every cipher"
for c in $CIPHERS; do
	n=${c%:*} k=${c#*:}
	mnt $D/$n$k $sigA "ecryptfs_cipher=$n,ecryptfs_key_bytes=$k"
	cp /tmp/data $U/ours
	cmp /tmp/data $U/ours || fail "$c: read back"
	umount -i $U
	efek=$k
	[ $c = aes:24 ] && efek=32
	[ "$(hdr $D/$n$k/ours 27 1)" = "$(printf %02x $((13 + efek)))" ] ||
		fail "$c: tag 3 body length $(hdr $D/$n$k/ours 27 1)"
done

log "two sigs: header order = option order"
mnt $D/two $sigA "ecryptfs_sig=$sigB"
echo twokeys > $U/f
umount -i $U
[ "$(hdr $D/two/f 73 8)" = "$sigA" ] || fail "first group sig $(hdr $D/two/f 73 8)"
[ "$(hdr $D/two/f 128 8)" = "$sigB" ] || fail "second group sig $(hdr $D/two/f 128 8)"
mnt $D/two $sigB
[ "$(cat $U/f)" = twokeys ] || fail "second key alone does not open"
awk -v u=$U '$2 == u { print $4 }' /proc/mounts | grep -q ",ecryptfs_sig=$sigB,ecryptfs_cipher=aes," || fail "/proc/mounts"
umount -i $U
mount -i -t ecryptfs $D/two $U -o "ecryptfs_sig=$sigA,ecryptfs_sig=$sigB,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" || fail "mount 2 sigs"
awk -v u=$U '$2 == u { print $4 }' /proc/mounts | grep -q "ecryptfs_sig=$sigB,ecryptfs_sig=$sigA,ecryptfs_cipher=aes" ||
	fail "/proc/mounts sig order: $(grep $U /proc/mounts)"
umount -i $U

log "mount_auth_tok_only"
mnt $D/onlyB $sigB
echo secretB > $U/f
umount -i $U
mnt $D/onlyB $sigA ecryptfs_mount_auth_tok_only
if cat $U/f 2>/dev/null; then fail "auth_tok_only: file of another key was readable"; fi
umount -i $U
mnt $D/onlyB $sigA
[ "$(cat $U/f)" = secretB ] || fail "keyring fallback for another sig"
umount -i $U

log "passthrough"
mkdir -p $D/pt && printf 'plain text\n' > $D/pt/plain
mnt $D/pt $sigA ecryptfs_passthrough
[ "$(cat $U/plain)" = "plain text" ] || fail "passthrough read"
printf 'more\n' >> $U/plain
[ "$(cat $D/pt/plain)" = "plain text
more" ] || fail "passthrough write is not plaintext"
echo new > $U/enc
[ "$(stat -c %s $D/pt/enc)" = 12288 ] || fail "new file on passthrough mount not encrypted"
umount -i $U

log "xattr metadata"
mnt $D/xa $sigA ecryptfs_xattr_metadata
: > $U/e
[ "$(stat -c %s $D/xa/e)" = 0 ] || fail "xattr: empty lower size"
getfattr -n user.ecryptfs --only-values $D/xa/e > /tmp/x 2>/dev/null || fail "no user.ecryptfs xattr"
[ "$(stat -c %s /tmp/x)" = 81 ] || fail "xattr length $(stat -c %s /tmp/x)"
[ "$(hdr /tmp/x 16 4)" = 03000006 ] || fail "xattr flags $(hdr /tmp/x 16 4)"
printf 'hello\n' > $U/e
[ "$(stat -c %s $D/xa/e)" = 4096 ] || fail "xattr: lower size after 6 bytes"
cp /tmp/data $U/x
cmp /tmp/data $U/x || fail "xattr: content"
umount -i $U
mnt $D/xa $sigA
[ "$(stat -c %s $U/e)" = 6 ] || fail "xattr size seen by lookup without the option"
if cat $U/e 2>/dev/null; then fail "xattr file opened without ecryptfs_xattr_metadata"; fi
umount -i $U

log "encrypted view"
mnt $D/xa $sigA ecryptfs_encrypted_view
grep " $U " /proc/mounts | grep -q ' ro,' || fail "encrypted view not read-only"
[ "$(stat -c %s $U/e)" = $((4096 + 8192)) ] || fail "view size $(stat -c %s $U/e)"
head -c 8192 $U/e > /tmp/vh
[ "$(hdr /tmp/vh 16 10)" = 03000002000010000002 ] || fail "synthesised header $(hdr /tmp/vh 16 10)"
cmp <(tail -c +8193 $U/e) $D/xa/e || fail "view data != lower ciphertext"
umount -i $U
mnt $D/aes16 $sigA ecryptfs_encrypted_view
cmp $U/ours $D/aes16/ours || fail "view of a header-in-file file is not raw"
umount -i $U

log "the reference reads ours and writes its own"
load_module reference
for c in $CIPHERS; do
	n=${c%:*} k=${c#*:}
	mnt $D/$n$k $sigA "ecryptfs_cipher=$n,ecryptfs_key_bytes=$k"
	cmp /tmp/data $U/ours || fail "$c: the reference cannot read ours"
	cp /tmp/data $U/ref
	umount -i $U
done
mnt $D/xa $sigA ecryptfs_xattr_metadata
cmp /tmp/data $U/x || fail "reference cannot read our xattr file"
umount -i $U

log "ours reads the reference's"
load_module ours
for c in $CIPHERS; do
	n=${c%:*} k=${c#*:}
	mnt $D/$n$k $sigA "ecryptfs_cipher=$n,ecryptfs_key_bytes=$k"
	cmp /tmp/data $U/ref || fail "$c: we cannot read the reference's file"
	umount -i $U
done
check_dmesg
echo "PASS: kcore-options on $ECRYPTFS_KVER"
