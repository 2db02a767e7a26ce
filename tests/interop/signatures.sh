#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Signatures and keyring payloads of ours against the reference, for many
# passphrases (ASCII, non-ASCII, blanks, exactly 64 bytes) and salts (the
# default, salt= in ~/.ecryptfsrc in several spellings, and ignored ones).
# ecryptfs-add-passphrase --fnek prints the file-key and FNEK sigs, and
# same_run compares the two 740-byte tokens in @u byte for byte.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-compare.sh"
interop_init "$@"

mkdir seed
P64=$(printf 'P%.0s' $(seq 64))
E64=$(printf '\xc3\xa9%.0s' $(seq 32)) # 32 x "é" = 64 bytes of UTF-8
PASSES=(
	secretpass test foo x '*' 'correct horse battery staple'
	"$P64" "$E64" "${P64:1}" 'pässwörd ünïcödé' '🔑 ключ 鍵' 'a b	c'
	'back\slash %s %d "quotes" $HOME' ' leading and trailing '
)
# printf %b input: double the backslashes.
esc() { local s=${1//\\/\\\\}; printf '%s' "${s//%/%%}"; }

check "64-byte test passphrase (ASCII)" [ "$(printf '%s' "$P64" | wc -c)" = 64 ]
check "64-byte test passphrase (UTF-8)" [ "$(printf '%s' "$E64" | wc -c)" = 64 ]

rc_cases() {
	case $1 in
	none) rm -f /root/.ecryptfsrc ;;
	plain) echo 'salt=0123456789abcdef' >/root/.ecryptfsrc ;;
	upper) printf 'key=passphrase\nsalt=5A175A175A175A17\n' >/root/.ecryptfsrc ;;
	colon) echo 'key=passphrase:salt=fedcba9876543210' >/root/.ecryptfsrc ;;
	short) echo 'salt=0123456789abcde' >/root/.ecryptfsrc ;;
	blank) echo ' salt=0123456789abcdef' >/root/.ecryptfsrc ;;
	crlf) printf 'salt=0123456789abcdef\r\n' >/root/.ecryptfsrc ;;
	esac
}

rc_cases none
for p in "${PASSES[@]}"; do
	same_run "add --fnek, no rc: [$p]" "$(esc "$p")" ecryptfs-add-passphrase --fnek -
done
# A few passphrases per rc salt keep the run short (each add costs 2x2
# derivations of 65536 SHA-512 rounds).
for rc in plain upper colon; do
	rc_cases $rc
	for p in secretpass "$P64" "$E64" 'pässwörd ünïcödé'; do
		same_run "add --fnek, rc $rc: [$p]" "$(esc "$p")" ecryptfs-add-passphrase --fnek -
	done
done
for rc in short blank crlf; do
	rc_cases $rc
	same_run "add, rc $rc (ignored)" 'secretpass' ecryptfs-add-passphrase -
done

# The sigs themselves, against the spec's verified values.
rm -f /root/.ecryptfsrc
keyctl clear @u
out=$(printf secretpass | "$OURS/ecryptfs-add-passphrase" --fnek -)
check "secretpass sigs" [ "$out" = "Inserted auth tok with sig [81a0cb4417bc8bc7] into the user session keyring
Inserted auth tok with sig [e8df9ab49aa02466] into the user session keyring" ]
echo 'salt=0123456789abcdef' >/root/.ecryptfsrc
out=$(printf secretpass | "$OURS/ecryptfs-add-passphrase" -)
check "secretpass with the rc salt" [ "$out" = "Inserted auth tok with sig [944d4740e2631fde] into the user session keyring" ]
rm -f /root/.ecryptfsrc

# Adding what the other side already added is success and changes nothing.
keyctl clear @u
printf test | "$REF/ecryptfs-add-passphrase" --fnek - >/dev/null
before=$(keyring_dump)
out=$(printf test | "$OURS/ecryptfs-add-passphrase" --fnek -)
check "re-adding keys prints both sigs" [ "$out" = "Inserted auth tok with sig [d395309aaad4de06] into the user session keyring
Inserted auth tok with sig [be877764c5918621] into the user session keyring" ]
check "re-adding keys changes nothing" [ "$(keyring_dump)" = "$before" ]

interop_done
