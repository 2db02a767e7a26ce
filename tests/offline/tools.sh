#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ecryptfs-extract and ecryptfs-fsck without the module, on lower trees
# written by libecryptfs (make_lower_tree): every OpenSSL cipher and key
# size, names encrypted or not, headers in the file or the xattr; every key
# source (passphrase file, stdin, wrapped passphrase, user keyring); and
# every kind of damage of tests/vm/bad-input.sh (ktest.py mkbad) plus
# zeroed extents and a wrong key, each reported with its file and reason.
# The byte-exact interop with the modules' trees is tests/vm/offline-*.sh.
. "$(dirname "$0")/lib.sh" "$@"

printf 'offline pass\n' > $T/pass
make_plain_tree $T/plain

# 1. every cipher / key size / names / header place
for cfg in "aes 16" "aes 24 --xattr" "aes 32 --fnek" "blowfish 56 --fnek" "blowfish 16 --xattr" \
	"des3_ede 24 --fnek" "cast5 16 --fnek --xattr" "aes 16 --fnek --xattr"; do
	set -- $cfg
	c=$1 kb=$2; shift 2
	tag="$c-$kb$(echo " $*" | tr -d ' ')"
	low=$T/low-$tag
	SIG=$($MKTREE --cipher $c --key-bytes $kb "$@" $T/pass $T/plain $low | cut -d' ' -f1) || { fail "$tag: make_lower_tree"; continue; }
	out=$($BIN/ecryptfs-fsck --deep --passphrase-file $T/pass $low 2>&1)
	check "$tag: fsck --deep of a clean tree exits 0: $out" [ $? = 0 ]
	check "$tag: fsck counts the files" grep -q '^15 files (15 ok, 0 with problems' <<<"$out"
	before=$(cd $low && find . -printf '%p %s %T@\n' | sort; find . -type f -exec md5sum {} + | sort)
	$BIN/ecryptfs-extract -q --passphrase-file $T/pass $low $T/out-$tag > $T/log 2>&1
	check "$tag: extract exits 0: $(cat $T/log)" [ $? = 0 ]
	check "$tag: extracted tree equals the plaintext" diff -r --no-dereference $T/plain $T/out-$tag
	check "$tag: modes, times, types and sizes kept" diff <(meta_list $T/plain) <(meta_list $T/out-$tag)
	after=$(cd $low && find . -printf '%p %s %T@\n' | sort; find . -type f -exec md5sum {} + | sort)
	check "$tag: the lower tree is unchanged" [ "$before" = "$after" ]
	# One file on its own.
	f=$(cd $low && ls | sort | head -1)
	name=$(ls $T/plain | sort | head -1)
	if [[ $* != *--fnek* ]]; then
		$BIN/ecryptfs-extract -q --passphrase-file $T/pass "$low/$f" $T/one-$tag >/dev/null 2>&1
		check "$tag: one file extracted" cmp "$T/plain/$f" $T/one-$tag
	fi
done

low=$T/low-aes-16--fnek--xattr
# 2. key sources: stdin, wrapped passphrase (login password on stdin), keyring
out=$(printf 'offline pass\n' | $BIN/ecryptfs-fsck -p $low 2>&1)
check "passphrase on stdin: $out" [ $? = 0 ]
if [ -x $BIN/ecryptfs-wrap-passphrase ]; then
	printf 'offline pass\nlogin pw' | $BIN/ecryptfs-wrap-passphrase $T/wrapped - || fail "wrapping"
	out=$(printf 'login pw\n' | $BIN/ecryptfs-extract -q -w$T/wrapped $low $T/out-wrapped 2>&1)
	check "wrapped passphrase + login password: $out" [ $? = 0 ]
	check "wrapped passphrase: same tree" diff -r --no-dereference $T/plain $T/out-wrapped
	out=$(printf 'wrong pw\n' | $BIN/ecryptfs-extract -q -w$T/wrapped $low $T/out-wrongwrap 2>&1)
	check "a wrong login password fails with exit 2: $out" [ $? = 2 ]
	check "a wrong login password is named" grep -q "cannot unwrap $T/wrapped" <<<"$out"
else
	fail "ecryptfs-wrap-passphrase is not built"
fi
# The user keyring: in a user namespace of our own (a fresh @u).  The file
# key only: ecryptfs-add-passphrase --fnek asks the kernel module first.
# A login session links @u into the session keyring (pam_keyinit); so
# does the test, or the key could not be read.
if command -v unshare >/dev/null && command -v keyctl >/dev/null && [ -x $BIN/ecryptfs-add-passphrase ]; then
	out=$(unshare -Ur bash -c "keyctl new_session >/dev/null; keyctl link @u @s; printf 'offline pass' | $BIN/ecryptfs-add-passphrase - >/dev/null && $BIN/ecryptfs-extract -q -k $T/low-aes-16 $T/out-keyring" 2>&1)
	check "keys from the user keyring: $out" [ $? = 0 ]
	check "keyring: same tree" diff -r --no-dereference $T/plain $T/out-keyring
else
	fail "cannot test the keyring (unshare, keyctl or ecryptfs-add-passphrase missing)"
fi

# 3. refusals
$BIN/ecryptfs-extract -q --passphrase-file $T/pass $low $low/inside > $T/log 2>&1
check "DEST inside LOWER refused (exit 2)" [ $? = 2 ]
check "DEST inside LOWER: nothing created" [ ! -e $low/inside ]
check "DEST inside LOWER: reason" grep -q "inside the lower directory" $T/log
$BIN/ecryptfs-extract -q $low $T/nokey > $T/log 2>&1
check "no key: exit 2" [ $? = 2 ]

# A crafted tree: an encrypted name that decrypts to "../escaped" and
# two lower names for one plaintext name (a symlink first, then a
# directory): nothing may be written outside DEST.
if [ -x $BIN/ecryptfs-fname ]; then
	mkdir -p $T/crafted
	evil=$($BIN/ecryptfs-fname --symlink encrypt ../escaped < $T/pass) || fail "ecryptfs-fname"
	same=$($BIN/ecryptfs-fname encrypt dup < $T/pass) || fail "ecryptfs-fname"
	cp $T/low-aes-16/size-1 "$T/crafted/$evil"
	# The symlink (encrypted name, sorts first) points to a trap directory;
	# the directory (plain name "dup") holds a file.
	mkdir -p $T/trap
	ln -s $T/trap "$T/crafted/$same"
	mkdir $T/crafted/dup
	cp $T/low-aes-16/size-1 $T/crafted/dup/
	mkdir -p $T/crafted-dest
	$BIN/ecryptfs-extract -q --passphrase-file $T/pass $T/crafted $T/crafted-dest/out > $T/log 2>&1
	check "crafted: extract exits 1" [ $? = 1 ]
	check "crafted: nothing escaped DEST" [ ! -e $T/crafted-dest/escaped ]
	check "crafted: nothing written through the symlink" [ ! -e $T/trap/size-1 ]
	check "crafted: the ../ name is refused" grep -q 'decrypts to "../escaped", which is not a file name' $T/log
	check "crafted: the duplicate is skipped" grep -q 'another lower name decodes to dup too' $T/log
	out=$($BIN/ecryptfs-fsck --passphrase-file $T/pass $T/crafted 2>&1)
	check "crafted: fsck reports the ../ name" grep -q 'name: the name decrypts to "../escaped"' <<<"$out"
else
	fail "ecryptfs-fname is not built"
fi

# 4. a wrong passphrase: every file named, reason "needs the key"
printf 'not the pass\n' > $T/wrong
out=$($BIN/ecryptfs-fsck --passphrase-file $T/wrong $T/low-aes-16 2>&1)
check "wrong key: fsck exits 4" [ $? = 4 ]
check "wrong key: size-4096 reported with the key it needs" grep -q "^size-4096: cannot decrypt: needs the key $SIG; the keys given are " <<<"$out"
check "wrong key: each of the 15 files reported" [ "$(grep -c ': cannot decrypt: needs the key ' <<<"$out")" = 15 ]
out=$($BIN/ecryptfs-fsck --passphrase-file $T/wrong $T/low-aes-32--fnek 2>&1)
check "wrong key: encrypted names reported" [ "$(grep -c ': name: the name is encrypted with the filename key ' <<<"$out")" -ge 15 ]
out=$($BIN/ecryptfs-fsck $T/low-aes-32--fnek 2>&1)
check "no keys: headers only, clean: $out" [ $? = 0 ]
check "no keys: the needed keys listed" grep -q "^file key $SIG: 15 uses$" <<<"$out"

# 5. damage: the crafted files of the module's bad-input test
make_bad_tree $T/pass $T/bad
# and a damaged file key (one bit of the encrypted FEK)
cp $T/bad.tmpl/f $T/bad/damaged-fek
printf '\x55' | dd of=$T/bad/damaged-fek bs=1 seek=45 conv=notrunc status=none
out=$($BIN/ecryptfs-fsck --deep --passphrase-file $T/pass $T/bad 2>&1)
rc=$?
echo "$out"
check "damage: fsck exits 4" [ $rc = 4 ]
want() { # NAME REGEX: the report of NAME matches
	check "damage: $1 reported as /$2/" grep -q "^$1: .*$2" <<<"$out"
}
want trunc-header "truncated header: the lower file is 60 bytes"
want trunc-16 "truncated header"
want zero-header "header is all zeros"
want cut-mid-extent "ends inside data extent 1"
want size-absurd "size field says 1125899906842624 bytes .* holds 3 extents"
want size-negative "size field says 18446744073709547520 bytes"
want header-small "header size field says 4096 bytes"
want header-zero "header size field says 0 bytes"
want version-4 "file format version 4"
want version-0 "no key packet"
want tag3-len-short "claims 5 bytes, less than its 13"
want tag3-len-long "claims 8383 bytes, only 4067 follow.*lying length"
want tag3-len-partial "malformed length field"
want tag3-len-5byte "malformed length field"
want tag3-version "version 3 (only 4 exists)"
want tag3-cipher "unknown cipher code 99"
want tag3-s2k "unsupported S2K"
want tag11-len "tag 11 (key signature) packet at header offset 57 is malformed"
want tag11-format "tag 11 (key signature) packet at header offset 57 is malformed"
want tag11-alone "tag 11 packet without its tag 3"
want no-packets "no key packet"
want unknown-sig "needs the key 0123456789abcdef"
want garbage "not an eCryptfs file"
want plaintext "not an eCryptfs file"
want tiny "not an eCryptfs file"
want zeroed-extent "data extent 1 is all zeros"
want damaged-fek "padding .* does not decrypt to zeros"
check "damage: valid and empty not reported" bash -c "! grep -q '^\(valid\|empty\):' <<<\"\$0\"" "$out"
out2=$($BIN/ecryptfs-fsck --passphrase-file $T/pass $T/bad 2>&1)
check "without --deep the zeroed extent is not seen, the damaged key is" bash -c "! grep -q '^zeroed-extent' <<<\"\$0\" && grep -q '^damaged-fek' <<<\"\$0\"" "$out2"

before=$(cd $T/bad && find . -type f -exec md5sum {} + | sort)
out=$($BIN/ecryptfs-extract -q --passphrase-file $T/pass $T/bad $T/out-bad 2>&1)
check "damage: extract exits 1" [ $? = 1 ]
echo "$out"
for n in trunc-header trunc-16 zero-header cut-mid-extent size-absurd version-4 tag3-len-long tag11-alone unknown-sig garbage zeroed-extent damaged-fek; do
	check "damage: extract lists $n" grep -q "^  $n: " <<<"$out"
done
check "damage: the valid file is extracted" cmp $T/bad.plain $T/out-bad/valid
check "damage: the zeroed extent is zeros, the rest intact" cmp <(head -c 4096 $T/bad.plain; head -c 4096 /dev/zero; tail -c +8193 $T/bad.plain) $T/out-bad/zeroed-extent
check "damage: the cut file keeps its first extent" cmp <(head -c 4096 $T/bad.plain) $T/out-bad/cut-mid-extent
check "damage: a lying size field writes no invented bytes" [ "$(stat -c %s $T/out-bad/size-absurd)" = 12288 ]
after=$(cd $T/bad && find . -type f -exec md5sum {} + | sort)
check "damage: the lower tree is unchanged" [ "$before" = "$after" ]
finish
