#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Encrypted private directories with OUR userland: ecryptfs-setup-private
# for a new user (files, contents, modes, self test), ecryptfs-mount-private
# / ecryptfs-umount-private, the setuid helper's session counter, and
# homes set up by the reference's ecryptfs-setup-private mounting with ours
# and the other way round.  Kernel module: $ECRYPTFS_TEST_MODULE (default: ours).
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
# Passes with our kernel module on 6.1 and 6.12 (ECRYPTFS_TEST_MODULE=reference
# runs the same checks against the reference module).
ECRYPTFS_TEST_MODULE=${ECRYPTFS_TEST_MODULE:-ours}
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

private_init
B=$ECRYPTFS_BUILD/bin

# --- setup-private for a new user, passphrases on the command line.
add_user alice alicepw
out=$(as_user alice ecryptfs-setup-private -l alicepw -m mountpw 2>&1) ||
	fail "ecryptfs-setup-private failed: $out"
echo "$out" | grep -q '^Testing succeeded\.$' || fail "no self test success line: $out"
echo "$out" | grep -q 'YOU SHOULD RECORD YOUR MOUNT PASSPHRASE' || fail "no banner: $out"
H=/home/alice
[ "$(cat $H/.ecryptfs/Private.sig)" = "$(printf '617a9c5a1ff40a9a\n751d87908b861a8c')" ] ||
	fail "Private.sig: $(cat $H/.ecryptfs/Private.sig)"
cmp <(printf '617a9c5a1ff40a9a\n751d87908b861a8c\n') $H/.ecryptfs/Private.sig ||
	fail "Private.sig bytes"
cmp <(printf '/home/alice/Private\n') $H/.ecryptfs/Private.mnt || fail "Private.mnt bytes"
check_mode $H/.ecryptfs 700 alice
check_mode $H/.ecryptfs/wrapped-passphrase 600 alice
check_mode $H/.ecryptfs/Private.sig 600 alice
check_mode $H/.ecryptfs/Private.mnt 600 alice
check_mode $H/.ecryptfs/auto-mount 644 alice
check_mode $H/.ecryptfs/auto-umount 644 alice
check_mode $H/.Private 700 alice
check_mode $H/Private 500 alice
[ ! -e $H/.ecryptfs/wrapping-independent ] || fail "wrapping-independent without -w"
[ "$(stat -c %s $H/.ecryptfs/wrapped-passphrase)" = 42 ] || fail "wrapped-passphrase size"
[ "$(head -c 2 $H/.ecryptfs/wrapped-passphrase | od -An -tx1 | tr -d ' ')" = 3a02 ] ||
	fail "wrapped-passphrase is not version 2"
[ "$(readlink $H/Private/README.txt)" = "$ECRYPTFS_DATA_FULL_DIR/ecryptfs-mount-private.txt" ] ||
	fail "README.txt link: $(readlink $H/Private/README.txt)"
[ "$(readlink $H/Private/Access-Your-Private-Data.desktop)" = "$ECRYPTFS_DATA_FULL_DIR/ecryptfs-mount-private.desktop" ] ||
	fail ".desktop link: $(readlink $H/Private/Access-Your-Private-Data.desktop)"
[ -L $H/Private/Access-Your-Private-Data.desktop ] || fail ".desktop link"
# The reference's unwrap tool reads our wrapped file.
[ "$(as_user alice /usr/bin/ecryptfs-unwrap-passphrase $H/.ecryptfs/wrapped-passphrase alicepw)" = mountpw ] ||
	fail "the reference cannot unwrap our wrapped-passphrase"
! is_mounted $H/Private || fail "left mounted after the self test"
[ -z "$(user_keys alice)" ] || fail "keys left in the keyring after setup: $(user_keys alice)"
# Refuses a second setup without --force.
! as_user alice ecryptfs-setup-private -l alicepw -m mountpw >/dev/null 2>&1 ||
	fail "a second setup without --force succeeded"
log "setup-private: files, contents and modes as the reference"

# --- mount-private with the login passphrase on stdin; files survive.
printf 'alicepw\n' | as_user alice ecryptfs-mount-private >/dev/null ||
	fail "ecryptfs-mount-private failed"
is_mounted $H/Private || fail "not mounted after ecryptfs-mount-private"
grep " $H/Private ecryptfs " /proc/mounts | grep -q ecryptfs_fnek_sig=751d87908b861a8c ||
	fail "mount options: $(grep " $H/Private " /proc/mounts)"
as_user alice sh -c "echo secret-data > $H/Private/note.txt"
n=$(ls $H/.Private | wc -l)
[ "$n" = 1 ] || fail "lower has $n entries"
ls $H/.Private | grep -q '^ECRYPTFS_FNEK_ENCRYPTED\.' || fail "lower name not encrypted: $(ls $H/.Private)"
[ -n "$(user_keys alice)" ] || fail "no keys in alice's keyring while mounted"
as_user alice ecryptfs-umount-private >/dev/null || fail "ecryptfs-umount-private failed"
! is_mounted $H/Private || fail "still mounted after ecryptfs-umount-private"
[ -z "$(user_keys alice)" ] || fail "keys left after ecryptfs-umount-private"
# Wrong passphrase three times: refused, nothing mounted.
out=$(printf 'x\ny\nz\n' | as_user alice ecryptfs-mount-private 2>&1) &&
	fail "mount-private accepted wrong passphrases"
echo "$out" | grep -q 'Too many incorrect password attempts' || fail "mount-private: $out"
! is_mounted $H/Private || fail "mounted with a wrong passphrase"
log "mount-private / umount-private"

# --- the session counter of the setuid helper.
# Issue 17: another user makes every counter name the reference used (and
# tries ours) first; alice's mounts must still work.
# (As after a reboot: no counter yet.)
add_user squatter squatterpw
rm -f /dev/shm/ecryptfs-alice-Private* /run/ecryptfs/alice-Private
as_user squatter sh -c 'for i in "" $(seq -f -%g 1 49); do : > /dev/shm/ecryptfs-alice-Private$i; done' ||
	fail "the squatter could not make the /dev/shm names"
as_user squatter sh -c ': > /run/ecryptfs/alice-Private' 2>/dev/null &&
	fail "another user could create alice's counter in /run/ecryptfs"
load_keys alice alicepw
for i in 1 2 3; do as_user alice /sbin/mount.ecryptfs_private || fail "mount #$i"; done
[ "$(head -n1 /run/ecryptfs/alice-Private)" = 3 ] || fail "counter after 3 mounts"
[ "$(grep -c " $H/Private ecryptfs " /proc/mounts)" = 1 ] || fail "mounted more than once"
out=$(as_user alice /sbin/umount.ecryptfs_private 2>&1) && fail "umount with sessions open succeeded"
echo "$out" | grep -q 'Sessions still open, not unmounting' || fail "umount said: $out"
as_user alice /sbin/umount.ecryptfs_private -d || fail "umount -d failed"
[ "$(head -n1 /run/ecryptfs/alice-Private)" = 1 ] || fail "counter after -d"
is_mounted $H/Private || fail "unmounted while a session remained"
as_user alice /sbin/umount.ecryptfs_private -f || fail "umount -f failed"
! is_mounted $H/Private || fail "still mounted after umount -f"
[ "$(head -n1 /run/ecryptfs/alice-Private)" = 0 ] || fail "counter after -f"
[ -z "$(user_keys alice)" ] || fail "umount.ecryptfs_private left the keys"
as_user alice cat $H/Private/note.txt >/dev/null 2>&1 && fail "data readable while unmounted"
[ "$(stat -c '%U %a' /run/ecryptfs/alice-Private)" = "root 600" ] || fail "counter file not root's 0600"
log "counter (in root's /run/ecryptfs, /dev/shm names squatted by another user): 3 mounts, plain umount refuses, -d, -f"

# --- interop: a home set up by the reference mounts with our helper, and ours with the reference's.
add_user carol carolpw
use_helper reference
as_user carol /usr/bin/ecryptfs-setup-private -l carolpw -m carolmount >/dev/null 2>&1 ||
	fail "the reference ecryptfs-setup-private failed"
load_keys carol carolpw  # the reference's script needs a tty to prompt
as_user carol /usr/bin/ecryptfs-mount-private >/dev/null ||
	fail "the reference mount-private failed"
as_user carol sh -c 'echo by-reference > ~/Private/ref.txt'
as_user carol /usr/bin/ecryptfs-umount-private >/dev/null || fail "the reference umount-private failed"
use_helper ours
printf 'carolpw\n' | as_user carol ecryptfs-mount-private >/dev/null ||
	fail "our mount-private cannot mount a reference setup"
[ "$(as_user carol cat /home/carol/Private/ref.txt)" = by-reference ] ||
	fail "reference data unreadable through our mount"
as_user carol sh -c 'echo by-ours > ~/Private/ours.txt'
as_user carol ecryptfs-umount-private >/dev/null || fail "our umount-private (carol)"

# Our setup, the reference's tools and helper.
add_user dave davepw
as_user dave ecryptfs-setup-private -l davepw -m davemount >/dev/null 2>&1 ||
	fail "our setup-private for dave failed"
printf 'davepw\n' | as_user dave ecryptfs-mount-private >/dev/null || fail "mount dave"
as_user dave sh -c 'echo by-ours > ~/Private/ours.txt'
as_user dave ecryptfs-umount-private >/dev/null || fail "umount dave"
use_helper reference
load_keys dave davepw  # the reference's script needs a tty to prompt
as_user dave /usr/bin/ecryptfs-mount-private >/dev/null ||
	fail "the reference cannot mount a home set up by ours"
[ "$(as_user dave cat /home/dave/Private/ours.txt)" = by-ours ] ||
	fail "our data unreadable through the reference's mount"
as_user dave /usr/bin/ecryptfs-umount-private >/dev/null || fail "reference umount dave"
use_helper ours
# The reference's data in carol's home, read back through the reference again.
use_helper reference
load_keys carol carolpw  # the reference's script needs a tty to prompt
as_user carol /usr/bin/ecryptfs-mount-private >/dev/null || fail "carol again"
[ "$(as_user carol cat /home/carol/Private/ours.txt)" = by-ours ] ||
	fail "the reference cannot read what ours wrote"
as_user carol /usr/bin/ecryptfs-umount-private >/dev/null || fail "carol umount"
use_helper ours
log "interop: reference setup <-> our tools and helper, both ways"

check_dmesg
echo "PASS: private-setup with the $ECRYPTFS_TEST_MODULE kernel module on $ECRYPTFS_KVER"
