#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Public-key mode with the tpm key module and swtpm (a software TPM 2.0) in
# the guest, our ecryptfsd and our kernel module: ecryptfs-manager generates
# a TPM key file (option 3, with an auth value) and adds the key (option 2;
# a wrong auth value is refused and adds nothing); files carry a tag 1
# packet and read back after a remount and a daemon restart (auth value from
# the prompt program, or from mount.ecryptfs -o key=tpm:...:auth_file=F); a daemon without the auth value, a stopped TPM, a TPM
# with another state (the key cannot load) and a stopped daemon each give an
# error quickly, never a hang; the kernel log stays clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-pubkey.sh"

MODULE=${ECRYPTFS_TEST_MODULE:-ours}
load_pubkey_module "$MODULE"
command -v swtpm >/dev/null || fail "swtpm is missing (scripts/deps)"
AUTH=tpm-Auth-93
PORT=2321
TCTI="swtpm:host=127.0.0.1,port=$PORT"
ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null || true

SWPID=
start_swtpm() {	# STATE_DIR
	mkdir -p "$1"
	swtpm socket --tpm2 --server type=tcp,port=$PORT,bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$((PORT + 1)),bindaddr=127.0.0.1 --tpmstate dir="$1" \
		--flags not-need-init,startup-clear >>/tmp/swtpm.log 2>&1 &
	SWPID=$!
	wait_until "swtpm did not start" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"
}
# An orderly TPM2_Shutdown first, as a machine does: a TPM that loses power
# without one counts a dictionary-attack failure at its next start.
stop_swtpm() {
	[ -n "$SWPID" ] || return 0
	tpm2_shutdown -T "$TCTI" >/dev/null 2>&1 || fail "tpm2_shutdown failed"
	kill $SWPID 2>/dev/null || true
	wait $SWPID 2>/dev/null || true
	SWPID=
}

mkdir -p /mnt/pk && mount -t tmpfs tmpfs /mnt/pk || fail "tmpfs"
L=/mnt/pk/lower U=/mnt/pk/upper
mkdir -p $L $U
start_swtpm /tmp/tpm-a
KEY=/root/.ecryptfs/pki/tpm/key.tpm

log "ecryptfs-manager option 3: a TPM key file"
manager /tmp/gen.txt 3 3 "" "$TCTI" $AUTH $AUTH 4 || fail "manager (generate) failed: $(cat /tmp/gen.txt)"
grep -q '^Generated a 2048-bit RSA key in the TPM' /tmp/gen.txt || fail "no key generated: $(cat /tmp/gen.txt)"
expect "key file mode" 600 "$(stat -c %a $KEY)"
grep -q $AUTH /tmp/gen.txt && fail "auth value echoed"

log "ecryptfs-manager option 2: wrong auth value, then the right one"
start_ecryptfsd
manager /tmp/bad.txt 2 3 "" "$TCTI" wrong-auth 4 || fail "manager (bad auth) failed"
grep -q 'wrong auth value' /tmp/bad.txt || fail "wrong auth not named: $(cat /tmp/bad.txt)"
[ -z "$(keyctl rlist @u 2>/dev/null)" ] || fail "a key was added with a wrong auth value"
manager /tmp/add.txt 2 3 "" "$TCTI" $AUTH 4 || fail "manager (add) failed"
SIG=$(added_key_sig /tmp/add.txt $AUTH)

log "mount, write, read, remount"
roundtrip $L $U $SIG

log "daemon restarted with a prompt program for the auth value"
restart_ecryptfsd $AUTH
reads_back $L $U $SIG

log "daemon restarted without the auth value: error, no hang"
restart_ecryptfsd
open_fails "no auth value" $L $U $SIG 'has an auth value: give it'

log "mount.ecryptfs key=tpm:...: the auth value from a file reaches the daemon"
printf 'auth=%s\n' "$AUTH" >/tmp/authfile
# tcti=swtpm: the swtpm TCTI's defaults (localhost:2321), as -o cannot carry ':' or ','.
helper_mount_reads $L $U $SIG "key=tpm:keyfile=$KEY:tcti=swtpm:auth_file=/tmp/authfile" $AUTH
rm -f /tmp/authfile
restart_ecryptfsd $AUTH

log "TPM stopped: error, no hang"
stop_swtpm
open_fails "no TPM" $L $U $SIG 'cannot reach the TPM'

log "another TPM (other state): the key cannot load"
start_swtpm /tmp/tpm-b
open_fails "other TPM" $L $U $SIG 'made by another TPM'
stop_swtpm

log "the right TPM again (dictionary-attack counter reset, as after the wrong auth value)"
start_swtpm /tmp/tpm-a
tpm2_dictionarylockout --clear-lockout -T "$TCTI" >/dev/null 2>&1 || fail "tpm2_dictionarylockout failed"
reads_back $L $U $SIG

log "daemon stopped: error, no hang"
stop_ecryptfsd
open_fails "no daemon" $L $U $SIG ""
stop_swtpm

check_dmesg
log "pubkey-tpm: all checks passed"
