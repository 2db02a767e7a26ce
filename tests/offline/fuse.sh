#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ecryptfs-fuse without the module, on trees written by libecryptfs: the
# mounted view equals the plaintext (names encrypted or not, headers in the
# file or the xattr), damaged files give EIO on open or read and are named
# with -v, the mount is read-only, it goes to the background and unmounts
# cleanly with fusermount3 -u.  Needs /dev/fuse and fusermount3: without
# them the test says so and exits 77 (ctest: skipped, never passed).  The
# module-written trees are read in tests/vm/offline-interop.sh.
. "$(dirname "$0")/lib.sh" "$@"

if [ ! -x $BIN/ecryptfs-fuse ]; then
	echo "SKIP: ecryptfs-fuse is not built (libfuse3-dev missing at configure time)" >&2
	exit 77
fi
if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
	echo "SKIP: no /dev/fuse or no fusermount3 here: the FUSE test cannot run (tests/vm/offline-interop.sh runs it in the VM)" >&2
	exit 77
fi
M=$T/mnt
mkdir -p $M
cleanup() { mountpoint -q $M && fusermount3 -u $M; rm -rf "$T"; }
trap cleanup EXIT

printf 'fuse pass\n' > $T/pass
make_plain_tree $T/plain

$BIN/ecryptfs-fuse --help | grep -q '^Usage: ecryptfs-fuse' || fail "--help"
for cfg in "aes 24" "aes 16 --fnek --xattr" "blowfish 56 --fnek"; do
	set -- $cfg
	c=$1 kb=$2; shift 2
	tag="$c-$kb$(echo " $*" | tr -d ' ')"
	$MKTREE --cipher $c --key-bytes $kb "$@" $T/pass $T/plain $T/low-$tag >/dev/null || { fail "$tag: make_lower_tree"; continue; }
	$BIN/ecryptfs-fuse --passphrase-file $T/pass $T/low-$tag $M || { fail "$tag: mount"; continue; }
	check "$tag: mounted (in the background)" mountpoint -q $M
	check "$tag: the view equals the plaintext" diff -r --no-dereference $T/plain $M
	check "$tag: modes, times and sizes" diff <(meta_list $T/plain) <(meta_list $M)
	check "$tag: read-only" bash -c "! (echo x > $M/size-1) 2>/dev/null && ! touch $M/new 2>/dev/null"
	check "$tag: a read far beyond the end gives nothing" [ "$(dd if=$M/size-10000 bs=4096 skip=1000 count=1 status=none | wc -c)" = 0 ]
	check "$tag: reads at odd offsets" cmp <(tail -c +4000 $T/plain/size-70001 | head -c 9000) <(dd if=$M/size-70001 bs=1 skip=3999 count=9000 status=none)
	fusermount3 -u $M
	check "$tag: unmounted cleanly" bash -c "! mountpoint -q $M"
done

# Damaged files: EIO at open or read, reasons on stderr with -v; the
# valid file reads; a name encrypted with another key is hidden.
make_bad_tree $T/pass $T/bad
printf 'other pass\n' > $T/other
mkdir -p $T/otherplain && echo secret > $T/otherplain/hidden-name
$MKTREE --fnek $T/other $T/otherplain $T/otherlow >/dev/null || die "other tree"
cp $T/otherlow/* $T/bad/
$BIN/ecryptfs-fuse -f -v --passphrase-file $T/pass $T/bad $M 2> $T/fuse.err &
fpid=$!
for i in $(seq 50); do mountpoint -q $M && break; sleep 0.1; done
check "damage: mounted in the foreground" mountpoint -q $M
check "damage: the valid file reads" cmp $T/bad.plain $M/valid
for n in trunc-header trunc-16 zero-header version-4 tag3-len-long tag11-alone unknown-sig garbage header-small; do
	check "damage: $n gives EIO" bash -c "cat $M/$n 2>&1 >/dev/null | grep -q 'Input/output error'"
done
check "damage: the zeroed extent gives EIO on read" bash -c "cat $M/zeroed-extent 2>&1 >/dev/null | grep -q 'Input/output error'"
check "damage: the first extent before it reads" cmp <(head -c 4096 $T/bad.plain) <(head -c 4096 $M/zeroed-extent)
check "damage: the name of another key is hidden" bash -c "[ \$(ls $M | grep -c ECRYPTFS_FNEK) = 0 ]"
check "damage: -v names the reason" grep -q 'truncated header: the lower file is 60 bytes' $T/fuse.err
check "damage: -v names the hidden name's key" grep -q 'hidden: the name is encrypted with the filename key' $T/fuse.err
fusermount3 -u $M
wait $fpid
check "damage: the foreground process ends with 0 after fusermount3 -u" [ $? = 0 ]
finish
