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
	local i
	for i in $(seq 100); do
		(exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0
		sleep 0.1
	done
	cat /tmp/swtpm.log >&2
	fail "swtpm did not start"
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
SIG=$(added_sig /tmp/add.txt)
[ -n "$SIG" ] || fail "no key added: $(cat /tmp/add.txt)"
keyctl pipe "$(keyctl search @u user $SIG)" | grep -qa $AUTH && fail "auth value in the keyring payload"

log "mount, write, read, remount"
pmount $L $U $SIG
write_files $U
read_files $U
expect "first packet (tag 1)" 01 "$(first_packet $L/f4096)"
umnt $U
pmount $L $U $SIG
drop
read_files $U
umnt $U

log "daemon restarted with a prompt program for the auth value"
stop_ecryptfsd
printf '#!/bin/sh\necho %s\n' "$AUTH" >/tmp/authprog && chmod 700 /tmp/authprog
start_ecryptfsd -R /tmp/authprog
pmount $L $U $SIG
read_files $U
umnt $U

log "daemon restarted without the auth value: error, no hang"
stop_ecryptfsd
start_ecryptfsd
pmount $L $U $SIG
expect_open_fails "no auth value" $U/f4096
umnt $U
grep -q 'has an auth value: give it' $DLOG || fail "daemon log does not ask for the auth value: $(tail -5 $DLOG)"

log "mount.ecryptfs key=tpm:...: the auth value from a file reaches the daemon"
KOPTS="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
printf 'auth=%s\n' "$AUTH" >/tmp/authfile
# tcti=swtpm: the swtpm TCTI's defaults (localhost:2321), as -o cannot carry ':' or ','.
"$B/mount.ecryptfs" $L $U -o "key=tpm:keyfile=$KEY:tcti=swtpm:auth_file=/tmp/authfile,$KOPTS" \
	</dev/null >/tmp/mount.out 2>&1 || fail "mount key=tpm failed: $(cat /tmp/mount.out)"
grep -q "ecryptfs_sig=$SIG" /proc/mounts || fail "key=tpm mounted another key: $(grep ecryptfs /proc/mounts)"
grep -q "$AUTH" /proc/mounts && fail "auth value in /proc/mounts"
read_files $U
umnt $U
rm -f /tmp/authfile
stop_ecryptfsd
start_ecryptfsd -R /tmp/authprog

log "TPM stopped: error, no hang"
stop_swtpm
pmount $L $U $SIG
expect_open_fails "no TPM" $U/f4096
umnt $U
grep -q 'cannot reach the TPM' $DLOG || fail "daemon log does not say the TPM is unreachable: $(tail -5 $DLOG)"

log "another TPM (other state): the key cannot load"
start_swtpm /tmp/tpm-b
pmount $L $U $SIG
expect_open_fails "other TPM" $U/f4096
umnt $U
grep -q 'made by another TPM' $DLOG || fail "daemon log does not say the key is foreign: $(tail -5 $DLOG)"
stop_swtpm

log "the right TPM again (dictionary-attack counter reset, as after the wrong auth value)"
start_swtpm /tmp/tpm-a
tpm2_dictionarylockout --clear-lockout -T "$TCTI" >/dev/null 2>&1 || fail "tpm2_dictionarylockout failed"
pmount $L $U $SIG
read_files $U
umnt $U

log "daemon stopped: error, no hang"
stop_ecryptfsd
pmount $L $U $SIG
expect_open_fails "no daemon" $U/f4096
umnt $U
stop_swtpm

check_dmesg
log "pubkey-tpm: all checks passed"
