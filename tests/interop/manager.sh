#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ecryptfs-manager, ours against the reference's, both driven through a real
# pty (tests/vm/mount-pty.py): the menu, invalid selections, option 1
# (mismatch, added, already there, 63 characters) byte for byte and the same
# keys in @u; then ours alone: empty and over-long passphrases, end of input,
# option 2 without ecryptfsd (clear error, nothing added), option 3 with no
# module, and option 3 generating an openssl key (encrypted PEM that openssl
# opens with the passphrase), a TPM key (swtpm) and a PKCS#11 key pair
# (SoftHSM).  Missing swtpm/SoftHSM is a failure.
. "$(dirname "$0")/lib.sh"
interop_init "$@"

PTY=$(cd "$(dirname "$0")/../vm" && pwd)/mount-pty.py
KEYMODS=$(cd "$OURS/../lib/ecryptfs" 2>/dev/null && pwd) || die "no key modules next to $OURS"
[ -x "$OURS/ecryptfs-manager" ] || die "our ecryptfs-manager is missing"
[ -x "$REF/ecryptfs-manager" ] || die "the reference ecryptfs-manager is missing"
for t in python3 openssl swtpm softhsm2-util pkcs11-tool; do
	command -v $t >/dev/null || die "$t is missing (scripts/deps)"
done

# drive <transcript> <answers...> -- <cmd...>: run under a pty, answers from
# a file (never the command line); prints the exit status.
drive() {
	local tr=$1; shift
	: > "$WORK/answers"
	while [ "$1" != -- ]; do printf '%s\n' "$1" >> "$WORK/answers"; shift; done
	shift
	python3 "$PTY" "$WORK/answers" "$tr" -- "$@" >/dev/null 2>"$tr.err"
	echo $?
}

P63=$(printf 'p%.0s' $(seq 63))
P64=$(printf 'p%.0s' $(seq 64))
ANS=(12 9 1 secret1 secret2 1 secret1 secret1 1 secret1 secret1 1 "$P63" "$P63" 4)

keyctl clear @u
st=$(drive "$WORK/ref.txt" "${ANS[@]}" -- "$REF/ecryptfs-manager")
check "reference manager exits 0 (got $st)" [ "$st" = 0 ]
ref_keys=$(keyring_dump)
keyctl clear @u
st=$(drive "$WORK/ours.txt" "${ANS[@]}" -- "$OURS/ecryptfs-manager")
check "our manager exits 0 (got $st)" [ "$st" = 0 ]
our_keys=$(keyring_dump)
if ! cmp -s "$WORK/ref.txt" "$WORK/ours.txt"; then
	fail "transcripts differ:"; diff "$WORK/ref.txt" "$WORK/ours.txt" >&2
else
	pass
fi
check "same keys in @u" [ "$ref_keys" = "$our_keys" ]
check "two keys added" [ "$(printf '%s\n' "$our_keys" | grep -c '^user;')" = 2 ]
check "menu text" grep -qzF $'\neCryptfs key management menu\n-------------------------------\n\t1. Add passphrase key to keyring\n\t2. Add public key to keyring\n\t3. Generate new public/private keypair\n\t4. Exit\n\nMake selection: ' "$WORK/ours.txt"
check "invalid selection" grep -qzF $'Make selection: 12\nInvalid selection\n\nMake selection: 9\nInvalid selection\n' "$WORK/ours.txt"
check "signature line" grep -qE '^Added key to keyring with signature \[[0-9a-f]{16}\]\.$' "$WORK/ours.txt"
check "already there" grep -qx 'That key was already in the keyring.' "$WORK/ours.txt"
check "no passphrase echoed" bash -c "! grep -q secret1 '$WORK/ours.txt'"

# Ours alone where the reference misbehaves (after an empty passphrase it
# rejects every later selection; 64 characters desynchronise its input).
keyctl clear @u
st=$(drive "$WORK/o2.txt" 1 "" 1 "$P64" 4 -- "$OURS/ecryptfs-manager")
check "empty/long: exit 0 (got $st)" [ "$st" = 0 ]
check "empty passphrase refused" grep -qx 'Invalid passphrase. Aborting mount.' "$WORK/o2.txt"
check "64 characters refused" grep -qx 'Passphrase is too long. Use at most 63 characters long passphrase.' "$WORK/o2.txt"
check "nothing added" [ -z "$(keyctl rlist @u)" ]
# End of input at the menu: exit 1, no endless loop.
st=$(printf '9\n' | timeout 10 "$OURS/ecryptfs-manager" >/dev/null 2>&1; echo $?)
check "end of input exits 1 (got $st)" [ "$st" = 1 ]

# Option 3 without modules.
mkdir "$WORK/nomods"
st=$(ECRYPTFS_KEYMOD_DIR=$WORK/nomods drive "$WORK/o3.txt" 3 4 -- "$OURS/ecryptfs-manager")
check "no modules: exit 0" [ "$st" = 0 ]
check "no generating module said" grep -q '^No key module that generates keys is installed' "$WORK/o3.txt"
check "returning to menu" grep -qx 'Returning to main menu' "$WORK/o3.txt"

export ECRYPTFS_KEYMOD_DIR=$KEYMODS
# Option 2 without ecryptfsd: a clear error and no key.
keyctl clear @u
st=$(drive "$WORK/o4.txt" 2 1 "$WORK/none.pem" "" 4 -- "$OURS/ecryptfs-manager")
check "option 2: exit 0" [ "$st" = 0 ]
check "option 2 names ecryptfsd" grep -q 'ecryptfsd' "$WORK/o4.txt"
check "option 2 added nothing" [ -z "$(keyctl rlist @u)" ]

# Option 3, openssl: the reference's prompts, an encrypted PEM key.
st=$(drive "$WORK/o5.txt" 3 1 "" gen-pass gen-pass 4 -- "$OURS/ecryptfs-manager")
check "openssl gen: exit 0" [ "$st" = 0 ]
check "openssl gen: module menu" grep -qzF $'Select key type to use for newly created files: \n 1) openssl\n 2) pkcs11\n 3) tpm\nSelection: 1\n' "$WORK/o5.txt"
check "openssl gen: key path prompt" grep -qF 'SSL key file path [~/.ecryptfs/pki/openssl/key.pem]: ' "$WORK/o5.txt"
check "openssl gen: passphrase prompts" grep -qzF $'Passphrase: \nVerify Passphrase: \n' "$WORK/o5.txt"
check "openssl gen: key file" [ -f /root/.ecryptfs/pki/openssl/key.pem ]
check "openssl gen: encrypted" grep -q 'ENCRYPTED' /root/.ecryptfs/pki/openssl/key.pem
check "openssl gen: opens with the passphrase" openssl pkey -in /root/.ecryptfs/pki/openssl/key.pem -passin pass:gen-pass -noout
check "openssl gen: not without it" bash -c "! openssl pkey -in /root/.ecryptfs/pki/openssl/key.pem -passin pass:wrong -noout 2>/dev/null"
check "no generation secret echoed" bash -c "! grep -q gen-pass '$WORK/o5.txt'"

# Option 3, tpm: a key file from swtpm.
port=$(python3 -c 'import socket
for p in range(23000, 24000, 2):
    try:
        a=socket.socket(); a.bind(("127.0.0.1",p)); b=socket.socket(); b.bind(("127.0.0.1",p+1)); a.close(); b.close(); print(p); break
    except OSError: pass')
mkdir "$WORK/tpmstate"
swtpm socket --tpm2 --server type=tcp,port=$port,bindaddr=127.0.0.1 \
	--ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 --tpmstate dir="$WORK/tpmstate" \
	--flags not-need-init,startup-clear >/dev/null 2>&1 &
swpid=$!
trap 'kill $swpid 2>/dev/null; rm -rf "$WORK"; keyctl clear @u >/dev/null 2>&1' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
st=$(drive "$WORK/o6.txt" 3 3 "$WORK/tpm.key" "swtpm:host=127.0.0.1,port=$port" tpm-auth tpm-auth 4 -- "$OURS/ecryptfs-manager")
kill $swpid; wait $swpid 2>/dev/null
check "tpm gen: exit 0" [ "$st" = 0 ]
check "tpm gen: prompts" grep -qzF $'TPM key file [~/.ecryptfs/pki/tpm/key.tpm]: ' "$WORK/o6.txt"
check "tpm gen: reported" grep -q '^Generated a 2048-bit RSA key in the TPM' "$WORK/o6.txt"
check "tpm gen: key file 0600" [ "$(stat -c %a "$WORK/tpm.key" 2>/dev/null)" = 600 ]
check "tpm gen: auth not echoed" bash -c "! grep -q tpm-auth '$WORK/o6.txt'"

# Option 3, pkcs11: a key pair on a SoftHSM token.
mkdir "$WORK/tokens"
printf 'directories.tokendir = %s\n' "$WORK/tokens" > "$WORK/softhsm2.conf"
export SOFTHSM2_CONF=$WORK/softhsm2.conf
softhsm2-util --init-token --free --label mgr --so-pin 1111 --pin 2468 >/dev/null || die "softhsm2-util failed"
st=$(drive "$WORK/o7.txt" 3 2 /usr/lib/softhsm/libsofthsm2.so mgr "" 42 "" 2468 4 -- "$OURS/ecryptfs-manager")
check "pkcs11 gen: exit 0" [ "$st" = 0 ]
check "pkcs11 gen: reported" grep -q "^Generated a 2048-bit RSA key pair on token 'mgr': label 'ecryptfs', id 42" "$WORK/o7.txt"
check "pkcs11 gen: on the token" bash -c "pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label mgr --list-objects --type pubkey 2>/dev/null | grep -q 'ID:[[:space:]]*42'"
check "pkcs11 gen: PIN not echoed" bash -c "! grep -q 2468 '$WORK/o7.txt'"
# A wrong PIN: a clear error, back to the menu.
st=$(drive "$WORK/o8.txt" 3 2 /usr/lib/softhsm/libsofthsm2.so mgr "" 43 "" 0000 4 -- "$OURS/ecryptfs-manager")
check "pkcs11 wrong PIN: exit 0" [ "$st" = 0 ]
check "pkcs11 wrong PIN: named" grep -q 'CKR_PIN_INCORRECT' "$WORK/o8.txt"

interop_done
