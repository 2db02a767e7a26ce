#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our module with filename encryption (ecryptfs_fnek_sig): the spec §3.4
# vector, readdir hiding plaintext lower names, the 143-byte name limit and
# statfs f_namelen, encrypted symlink targets, /proc/mounts, the header flag
# 0x08; lower names match the reference module's both ways.
. "$(dirname "$0")/lib.sh"

L=/tmp/lower U=/tmp/upper
mkdir -p $L $U
mount -t tmpfs tmpfs $L || fail "tmpfs"
sig=$(add_passphrase_key Test)
[ "$sig" = 3515cca9baaea1f4 ] || fail "unexpected sig $sig"
opts="ecryptfs_sig=$sig,ecryptfs_fnek_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
mnt() { mount -i -t ecryptfs $L $U -o "$opts" || fail "mount -o $opts"; }
vector=ECRYPTFS_FNEK_ENCRYPTED.FWYp3QmdieuVx-ReNM93cFJhZmQKb9S.7xyoDzbVOSbBh3ttRUURq5F-zE--

mnt
got=$(awk -v u=$U '$2 == u { print $4 }' /proc/mounts)
[ "$got" = "rw,relatime,ecryptfs_fnek_sig=$sig,ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=16" ] ||
	fail "/proc/mounts: $got"
echo data > $U/TestFile
[ -e "$L/$vector" ] || fail "lower name is not the §3.4 vector: $(ls $L)"
[ "$(od -A n -t x1 -j 16 -N 4 "$L/$vector" | tr -d ' ')" = 0300000a ] || fail "header flags of a fnek file"
[ "$(cat $U/TestFile)" = data ] || fail "read back"
echo plain > $L/plainname
mkdir $U/Dir && echo x > $U/Dir/inner
[ "$(ls $U | tr '\n' ' ')" = "Dir TestFile " ] || fail "readdir: $(ls $U | tr '\n' ' ')"
[ "$(ls $U/Dir)" = inner ] || fail "readdir in a subdirectory"
if [ -e $U/plainname ]; then fail "a plaintext lower name can be looked up"; fi
n143=$(printf 'a%.0s' $(seq 143)) n144=$(printf 'b%.0s' $(seq 144))
echo ok > $U/$n143 || fail "143-byte name"
if echo no 2>/dev/null > $U/$n144; then fail "144-byte name accepted"; fi
[ "$(stat -f -c %l $U)" = 143 ] || fail "statfs namelen $(stat -f -c %l $U)"
ln -s TestFile $U/link
[ "$(readlink $U/link)" = TestFile ] || fail "readlink"
[ "$(stat -c %s $U/link)" = 8 ] || fail "lstat size of the symlink $(stat -c %s $U/link)"
lower_link=$(find $L -maxdepth 1 -type l)
case "$(readlink $lower_link)" in
ECRYPTFS_FNEK_ENCRYPTED.*) ;;
*) fail "lower symlink target not encrypted: $(readlink $lower_link)" ;;
esac
[ "$(cat $U/link)" = data ] || fail "follow the symlink"
mv $U/TestFile $U/Dir/Renamed && [ "$(cat $U/Dir/Renamed)" = data ] || fail "rename"
mv $U/Dir/Renamed $U/TestFile
ls $L | sort > /tmp/ours.lst
umount -i $U

load_module reference
mnt
[ "$(ls $U | sort | tr '\n' ' ')" = "Dir TestFile $n143 link " ] || fail "reference readdir of our names: $(ls $U)"
[ "$(readlink $U/link)" = TestFile ] || fail "reference readlink"
[ "$(cat $U/Dir/inner)" = x ] || fail "reference read"
echo ref > $U/RefFile
rm $U/RefFile
echo ref > $U/RefFile
ln -s RefFile $U/reflink
ls $L | sort > /tmp/ref.lst
umount -i $U

load_module ours
mnt
[ "$(cat $U/RefFile)" = ref ] || fail "reading the reference's name"
[ "$(readlink $U/reflink)" = RefFile ] || fail "reference symlink"
touch $U/RefFile2
umount -i $U
load_module reference
mnt
[ -e $U/RefFile2 ] || fail "the reference cannot look up our new name"
umount -i $U
check_dmesg
echo "PASS: kcore-fname on $ECRYPTFS_KVER"
