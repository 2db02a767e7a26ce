#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Public-key mode with the pkcs11 key module and a SoftHSM token in the
# guest, our ecryptfsd and our kernel module: ecryptfs-manager generates a
# key pair on the token (option 3) and adds it (option 2, the PIN read
# without echo; a wrong PIN is refused naming CKR_PIN_INCORRECT and adds
# nothing); files written under that key carry a tag 1 packet and read back
# after a remount and after a daemon restart (PIN from the daemon's prompt
# program, or from mount.ecryptfs -o key=pkcs11:...:pin_file=F, where a
# wrong PIN fails the mount); a daemon without the PIN, a missing token and a stopped daemon
# each give an error quickly, never a hang; the kernel log stays clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-pubkey.sh"

MODULE=${ECRYPTFS_TEST_MODULE:-ours}
load_pubkey_module "$MODULE"
SOFTHSM=/usr/lib/softhsm/libsofthsm2.so
[ -r $SOFTHSM ] || fail "SoftHSM is missing (scripts/deps)"
PIN=4711-pin-xyz

mkdir -p /mnt/pk && mount -t tmpfs tmpfs /mnt/pk || fail "tmpfs"
L=/mnt/pk/lower U=/mnt/pk/upper
mkdir -p $L $U /tmp/hsm/tokens
printf 'directories.tokendir = /tmp/hsm/tokens\n' >/tmp/hsm/softhsm2.conf
export SOFTHSM2_CONF=/tmp/hsm/softhsm2.conf
softhsm2-util --init-token --free --label ecr --so-pin 1111 --pin $PIN >/dev/null || fail "init token"

log "ecryptfs-manager option 3: a key pair on the token"
manager /tmp/gen.txt 3 2 $SOFTHSM ecr "" 01 "" $PIN 4 || fail "manager (generate) failed: $(cat /tmp/gen.txt)"
grep -q "^Generated a 2048-bit RSA key pair on token 'ecr'" /tmp/gen.txt || fail "no key generated: $(cat /tmp/gen.txt)"
grep -q $PIN /tmp/gen.txt && fail "PIN echoed"

log "ecryptfs-manager option 2: wrong PIN, then the right one"
start_ecryptfsd
manager /tmp/bad.txt 2 2 $SOFTHSM ecr 01 "" 0000 4 || fail "manager (bad PIN) failed"
grep -q 'CKR_PIN_INCORRECT' /tmp/bad.txt || fail "wrong PIN not named: $(cat /tmp/bad.txt)"
[ -z "$(keyctl rlist @u 2>/dev/null)" ] || fail "a key was added with a wrong PIN"
manager /tmp/add.txt 2 2 $SOFTHSM ecr 01 "" $PIN 4 || fail "manager (add) failed"
SIG=$(added_key_sig /tmp/add.txt $PIN)

log "mount, write, read, remount"
roundtrip $L $U $SIG

log "daemon restarted with a prompt program for the PIN"
restart_ecryptfsd $PIN
reads_back $L $U $SIG

log "daemon restarted without the PIN: error, no hang"
restart_ecryptfsd
open_fails "no PIN" $L $U $SIG 'PIN'

log "mount.ecryptfs key=pkcs11:...: a wrong PIN is refused, the right one reaches the daemon"
KEYOPT="key=pkcs11:module=$SOFTHSM:token=ecr:id=01:pin_file=/tmp/pinfile"
printf 'pin=0000\n' >/tmp/pinfile
t0=$EPOCHSECONDS
if timeout 60 "$B/mount.ecryptfs" $L $U -o "$KEYOPT,$KOPTS" </dev/null >/tmp/mount.out 2>&1; then
	fail "mount with a wrong PIN succeeded"
fi
grep -q 'CKR_PIN_INCORRECT' /tmp/mount.out || fail "mount: wrong PIN not named: $(cat /tmp/mount.out)"
[ "$(seconds_since $t0)" -lt 40 ] || fail "mount with a wrong PIN took too long"
grep -q " $U ecryptfs " /proc/mounts && fail "mounted with a wrong PIN"
printf 'pin=%s\n' "$PIN" >/tmp/pinfile
helper_mount_reads $L $U $SIG "$KEYOPT" $PIN
rm -f /tmp/pinfile

log "token missing: error, no hang"
restart_ecryptfsd $PIN
mv /tmp/hsm/tokens /tmp/hsm/away && mkdir /tmp/hsm/tokens
open_fails "no token" $L $U $SIG "no token labelled 'ecr' is present"
rmdir /tmp/hsm/tokens && mv /tmp/hsm/away /tmp/hsm/tokens
reads_back $L $U $SIG

log "daemon stopped: error, no hang"
stop_ecryptfsd
open_fails "no daemon" $L $U $SIG ""

check_dmesg
log "pubkey-pkcs11: all checks passed"
