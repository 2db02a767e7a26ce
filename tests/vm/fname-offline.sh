#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lower names the REFERENCE module gives files, directories and symlink
# targets on a filename-encrypting mount are exactly the ones our userland
# computes offline (ecryptfs-fname, i.e. libecryptfs + include/ecryptfs/
# fname.c), for every filename cipher OpenSSL has, and our decoding of the
# reference's lower names gives back the plaintext.  Also: the FNEK sig that
# ecryptfs-add-passphrase --fnek prints equals ours, and a mount whose FNEK
# is the file key (mount.ecryptfs's default) matches too.
. "$(dirname "$0")/lib.sh"

tool=$ECRYPTFS_BUILD/bin/ecryptfs-fname
[ -x "$tool" ] || fail "$tool missing: build the userland first"
pass="fname offline pass"
ciphers=${ECRYPTFS_FN_CIPHERS:-aes:16 aes:32 blowfish:16 des3_ede:24 cast5:16}
base=/tmp/fname-offline
mkdir -p $base

load_module reference

sigs=$(add_passphrase_key "$pass" --fnek)
fek_sig=$(echo "$sigs" | sed -n 1p)
fnek_sig=$(echo "$sigs" | sed -n 2p)
[ -n "$fek_sig" ] && [ -n "$fnek_sig" ] || fail "ecryptfs-add-passphrase --fnek printed '$sigs'"
[ "$fek_sig" != "$fnek_sig" ] || fail "the FNEK sig equals the file key sig"
our_sig=$(printf '%s' "$pass" | "$tool" --sig encrypt x | sed -n 1p)
[ "$our_sig" = "$fnek_sig" ] || fail "FNEK sig: reference $fnek_sig, ours $our_sig"
log "FNEK sig $fnek_sig matches (${SECONDS}s)"

# The names: every length 1..143 (for AES-128; a few lengths around the
# block sizes for the other ciphers), and the kinds of names people use.
# The tool reads the key from the keyring (--key): deriving it from the
# passphrase takes seconds under TCG, so that path runs once only.
letters=abcdefghijklmnopqrstuvwxyz
mkname() { local s; printf -v s '%*s' "$1" ''; echo "${s// /${letters:$(($1 % 26)):1}}"; }
all_lengths=$(seq 1 143)
some_lengths="1 7 8 9 15 16 17 31 32 33 100 127 128 129 143"
specials=("with space" " leading space" "trailing space " "ünïcödé-名前-😀" ".hidden" "-dash"
	"a.b.c" "..." "name.with.many.dots." "UPPER lower 0123" "tab	in" "quote'\"" "back\\slash"
	"$(printf '%s' "$(seq -s '' 1 40)" | head -c 143)")
set_names() {
	local n
	names=("${specials[@]}")
	for n in $1; do names+=("$(mkname "$n")"); done
}
targets=("TestFile" "../up/one/two" "/absolute/path/to/somewhere" "$(head -c 500 /dev/zero | tr '\0' t)"
	 "with space/ünï")

# check_mount LOWER UPPER TOOL_OPTS...: create the names (files, one
# directory, symlinks) on the mounted UPPER and compare LOWER with the tool.
check_mount() {
	local lower=$1 upper=$2
	shift 2
	local i got want
	for i in "${!names[@]}"; do
		: >"$upper/${names[$i]}" || fail "create '${names[$i]}' ($*)"
	done
	mkdir "$upper/a directory" || fail "mkdir ($*)"
	for i in "${!targets[@]}"; do
		ln -s "${targets[$i]}" "$upper/link$i" || fail "symlink $i ($*)"
	done
	# Every lower name is what we compute, and nothing else is there.
	want=$("$tool" "$@" encrypt "${names[@]}" "a directory" \
		$(seq -f 'link%g' 0 $((${#targets[@]} - 1))) | LC_ALL=C sort) ||
		fail "ecryptfs-fname encrypt failed ($*)"
	got=$(ls -A "$lower" | LC_ALL=C sort)
	[ "$got" = "$want" ] || {
		diff <(echo "$want") <(echo "$got") | head -20 >&2
		fail "lower names differ from ours ($*)"
	}
	# Our decoding of the reference's lower names gives the upper names.
	mapfile -t lower_names < <(ls -A "$lower")
	want=$(ls -A "$upper" | LC_ALL=C sort)
	got=$("$tool" "$@" decrypt "${lower_names[@]}" | LC_ALL=C sort) ||
		fail "ecryptfs-fname decrypt failed ($*)"
	[ "$got" = "$want" ] || fail "our decoding of the lower names differs ($*)"
	# Symlink targets: the lower link holds the encrypted target.
	local lnames ltargets=() wtargets dtargets
	mapfile -t lnames < <("$tool" "$@" encrypt $(seq -f 'link%g' 0 $((${#targets[@]} - 1))))
	mapfile -t wtargets < <("$tool" "$@" --symlink encrypt "${targets[@]}")
	for i in "${!targets[@]}"; do
		ltargets+=("$(readlink "$lower/${lnames[$i]}")") || fail "no lower link for link$i ($*)"
		[ "${ltargets[$i]}" = "${wtargets[$i]}" ] ||
			fail "lower target of link$i: '${ltargets[$i]}', ours '${wtargets[$i]}' ($*)"
		[ "$(readlink "$upper/link$i")" = "${targets[$i]}" ] || fail "upper readlink link$i ($*)"
	done
	mapfile -t dtargets < <("$tool" "$@" --symlink decrypt "${ltargets[@]}")
	for i in "${!targets[@]}"; do
		[ "${dtargets[$i]}" = "${targets[$i]}" ] || fail "our decoding of target $i: '${dtargets[$i]}' ($*)"
	done
}

for c in $ciphers; do
	name=${c%%:*} kb=${c##*:}
	log "filename cipher $name, $kb-byte key (${SECONDS}s)"
	if [ "$c" = aes:16 ]; then set_names "$all_lengths"; else set_names "$some_lengths"; fi
	mount_ecryptfs "$base/$name$kb" "$base/up" "$fek_sig" \
		"ecryptfs_fnek_sig=$fnek_sig,ecryptfs_fn_cipher=$name,ecryptfs_fn_key_bytes=$kb"
	check_mount "$base/$name$kb" "$base/up" --key="$fnek_sig" --cipher="$name" --key-bytes="$kb"
	umount "$base/up" || fail "umount"
done

log "FNEK = file key (mount.ecryptfs default) (${SECONDS}s)"
set_names "$some_lengths"
mount_ecryptfs "$base/filekey" "$base/up" "$fek_sig" "ecryptfs_fnek_sig=$fek_sig"
check_mount "$base/filekey" "$base/up" --key="$fek_sig"

umount "$base/up" || fail "umount"

unload_ecryptfs
check_dmesg
log "done (${SECONDS}s)"
echo "PASS: fname-offline ($ciphers) on $ECRYPTFS_KVER"
