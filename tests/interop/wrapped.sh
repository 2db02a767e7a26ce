#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Wrapped-passphrase files across implementations: wrapped by ours and
# unwrapped by the reference and the other way, rewrap chains mixing both,
# version 1 files (built here with python + openssl, not with our code,
# after the spec's wp01..wp05) read by both and converted to version 2,
# file modes, atomic replacement, and the keys that
# ecryptfs-insert-wrapped-passphrase-into-keyring adds for a file of either
# side (compared with keyctl pipe).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-compare.sh"
interop_init "$@"

A64=$(printf 'a%.0s' $(seq 64)); Z64=$(printf 'z%.0s' $(seq 64))
E64=$(printf '\xc3\xa9%.0s' $(seq 32))
PAIRS=(
	"mypassphrase|wrappass"
	"x|y"
	"0123456789abcdef|sixteen bytes!!!"
	"0123456789abcdef0|seventeen bytes!!"
	"$A64|$Z64"
	"pässwörd ünïcödé|wräp ✓"
	"$E64|$E64"
	"a b	c %s|back\\slash"
)

# Cross-implementation wrap/unwrap.
n=0
for pair in "${PAIRS[@]}"; do
	p=${pair%%|*} w=${pair#*|}
	n=$((n + 1))
	ref_wrap r$n "$p" "$w" >/dev/null || fail "reference cannot wrap pair $n"
	our_wrap o$n "$p" "$w" >/dev/null || fail "ours cannot wrap pair $n"
	check "pair $n: ours unwraps the reference's file" [ "$(our_unwrap r$n "$w")" = "$p" ]
	check "pair $n: the reference unwraps our file" [ "$(ref_unwrap o$n "$w")" = "$p" ]
	check "pair $n: same size" [ "$(stat -c %s r$n)" = "$(stat -c %s o$n)" ]
	check "pair $n: our file is v2" [ "$(head -c 2 o$n | xxd -p)" = 3a02 ]
	check "pair $n: mode 0600" [ "$(stat -c %a o$n)" = 600 ]
	check "pair $n: wrong passphrase refused by the reference" \
		[ "$(ref_unwrap o$n "X${w:1}")" = "Error: Unwrapping passphrase failed [-5]
Info: Check the system log for more information from libecryptfs" ]
done

# Our files are never group/world-readable, whatever the umask.
for u in 000 022 077 0377; do
	(umask $u && our_wrap m$u secret login >/dev/null)
	check "umask $u: wrapped file 0600" [ "$(stat -c %a m$u)" = 600 ]
done

# Rewrap chains mixing both implementations.
ref_wrap chain "$A64" one >/dev/null
our_rewrap chain one two >/dev/null || fail "our rewrap 1"
ref_rewrap chain two three >/dev/null || fail "reference rewrap 2"
our_rewrap chain three "$Z64" >/dev/null || fail "our rewrap 3"
check "chain: reference unwraps" [ "$(ref_unwrap chain "$Z64")" = "$A64" ]
check "chain: ours unwraps" [ "$(our_unwrap chain "$Z64")" = "$A64" ]
check "chain: old passphrase no longer works" [ "$(our_unwrap chain three | head -1)" = \
	"Error: Unwrapping passphrase failed [-5]" ]
check "chain: mode 0600" [ "$(stat -c %a chain)" = 600 ]

# Rewrap replaces the file by rename: new inode, no temporary left behind,
# a symlink is replaced rather than followed.
mkdir atomic && our_wrap atomic/w p old >/dev/null
ino=$(stat -c %i atomic/w)
ln atomic/w keep-old-inode
our_rewrap atomic/w old new >/dev/null
check "rewrap: new inode" [ "$(stat -c %i atomic/w)" != "$ino" ]
check "rewrap: old inode untouched" [ "$(our_unwrap keep-old-inode old)" = p ]
check "rewrap: nothing else in the directory" [ "$(ls -A atomic)" = w ]
our_wrap target p old >/dev/null && cp target target.orig && ln -s target link
our_rewrap link old new >/dev/null
check "rewrap: symlink replaced by a file" test -f link -a ! -L link
check "rewrap: symlink target untouched" cmp -s target target.orig
cp target before
our_rewrap target wrong new >/dev/null
check "rewrap: wrong passphrase leaves the file untouched" cmp -s target before

# Version 1 files: the spec's vectors rebuilt (make_v1 is python + openssl).
make_v1 wp01 "This is test #1" "Wrapping pass" 0011223344556677
check "wp01 starts with the spec's sig" [ "$(head -c 16 wp01)" = 6ee51761d91019e7 ]
make_v1 wp02 "$A64" "$Z64" 0011223344556677
make_v1 wp03 "$A64" "$Z64" 5a175a175a175a17
make_v1 wp04 '!' '*' 0011223344556677
make_v1 wp05 '!' '*' 0123456789abcdef
for side in ref our; do
	check "$side: wp01" [ "$(${side}_unwrap wp01 'Wrapping pass')" = "This is test #1" ]
	check "$side: wp02" [ "$(${side}_unwrap wp02 "$Z64")" = "$A64" ]
	check "$side: wp04" [ "$(printf '*' | "$([ $side = ref ] && echo $REF || echo $OURS)/ecryptfs-unwrap-passphrase" wp04 -)" = '!' ]
	check "$side: wp03 needs its salt" [ "$(${side}_unwrap wp03 "$Z64" | head -1)" = \
		"Error: Unwrapping passphrase failed [-5]" ]
	echo 'salt=5a175a175a175a17' >/root/.ecryptfsrc
	check "$side: wp03 with salt= in ~/.ecryptfsrc" [ "$(${side}_unwrap wp03 "$Z64")" = "$A64" ]
	echo 'salt=0123456789abcdef' >/root/.ecryptfsrc
	check "$side: wp05 with salt= in ~/.ecryptfsrc" [ "$(${side}_unwrap wp05 '*')" = '!' ]
	rm /root/.ecryptfsrc
done
# Upper-case v1 sig never matches (case-sensitive comparison), on both.
{ head -c 16 wp01 | tr a-f A-F; tail -c +17 wp01; } >wp01upper
mkdir -p seed && cp wp01upper seed/
ALLOW=info UNCHANGED=wp01upper same_run "v1 upper-case sig" 'Wrapping pass' \
	ecryptfs-unwrap-passphrase wp01upper -
# Rewrap converts v1 to v2, readable by the other side.
cp wp02 v1ours && cp wp02 v1ref
our_rewrap v1ours "$Z64" new >/dev/null
ref_rewrap v1ref "$Z64" new >/dev/null
check "our rewrap of v1 writes v2" [ "$(head -c 2 v1ours | xxd -p)" = 3a02 ]
check "the reference reads our v1->v2 file" [ "$(ref_unwrap v1ours new)" = "$A64" ]
check "ours reads the reference's v1->v2 file" [ "$(our_unwrap v1ref new)" = "$A64" ]
echo 'salt=0123456789abcdef' >/root/.ecryptfsrc
cp wp05 v1salt && our_rewrap v1salt '*' new >/dev/null
rm /root/.ecryptfsrc
check "v1 with rc salt rewrapped, read without it" [ "$(ref_unwrap v1salt new)" = '!' ]

# insert-wrapped-passphrase-into-keyring: same keys for files of either
# side, with and without an rc salt (FNEK salt is never the rc's).
rm -rf seed && mkdir seed
cp r1 seed/ref-file && cp o1 seed/our-file && cp wp01 seed/v1
for rcsalt in '' 0123456789abcdef; do
	[ -n "$rcsalt" ] && echo "salt=$rcsalt" >/root/.ecryptfsrc
	same_run "insert ref file, rc '$rcsalt'" 'wrappass' \
		ecryptfs-insert-wrapped-passphrase-into-keyring ref-file -
	same_run "insert our file, rc '$rcsalt'" 'wrappass' \
		ecryptfs-insert-wrapped-passphrase-into-keyring our-file -
	rm -f /root/.ecryptfsrc
done
same_run "insert v1 file" 'Wrapping pass' ecryptfs-insert-wrapped-passphrase-into-keyring v1 -
keyctl clear @u
printf wrappass | "$OURS/ecryptfs-insert-wrapped-passphrase-into-keyring" o1 - >/dev/null
check "insert adds two keys" [ "$(keyctl rlist @u | wc -w)" = 2 ]
check "FNEK token salt is ASCII 99887766" \
	[ "$(keyring_dump | grep -c '3939383837373636000000$')" = 1 ]
check "file-key token salt is the default" \
	[ "$(keyring_dump | grep -c '0011223344556677000000$')" = 1 ]

interop_done
