#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our ecryptfs-rewrite-file re-encrypts files and names in a mounted
# private directory (new lower file, same cleartext, mode and times kept)
# and ecryptfs-find maps a lower name to its cleartext path and back.
# Kernel module: $ECRYPTFS_TEST_MODULE.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

private_init
add_user gina ginapw
as_user gina ecryptfs-setup-private -l ginapw -m ginamount >/dev/null 2>&1 || fail "setup gina"
load_keys gina ginapw
as_user gina /sbin/mount.ecryptfs_private || fail "mount gina"
P=/home/gina/Private
as_user gina sh -c "mkdir $P/dir && head -c 10000 /dev/urandom > $P/dir/data && chmod 640 $P/dir/data && touch -d 2001-02-03 $P/dir/data && ln -s dir/data $P/link"
cp $P/dir/data /tmp/data.orig
lower_dir=$($PRIVATE_BIN/ecryptfs-find $P/dir) || fail "ecryptfs-find upper->lower"
[ -d "$lower_dir" ] && echo "$lower_dir" | grep -q '^/home/gina/.Private/ECRYPTFS_FNEK_ENCRYPTED\.' ||
	fail "ecryptfs-find gave '$lower_dir'"
back=$($PRIVATE_BIN/ecryptfs-find "$lower_dir") || fail "ecryptfs-find lower->upper"
[ "$back" = "$P/dir" ] || fail "ecryptfs-find lower->upper gave '$back'"
out=$($PRIVATE_BIN/ecryptfs-find /nonexistent 2>&1) && fail "ecryptfs-find of a missing path succeeded"
echo "$out" | grep -q 'ERROR: \[/nonexistent\] not found' || fail "ecryptfs-find: $out"
log "ecryptfs-find both ways"

lower_file=$($PRIVATE_BIN/ecryptfs-find $P/dir/data)
ino_before=$(stat -c %i "$lower_file")
sum_before=$(md5sum < "$lower_file")
out=$(as_user gina ecryptfs-rewrite-file $P/dir/data $P/link $P/dir $P/missing 2>&1) &&
	fail "rewrite-file with a missing file succeeded"
echo "$out" | grep -q 'INFO: Rewriting \[1/4\] \[/home/gina/Private/dir/data\] ... \[OK\]' || fail "rewrite: $out"
echo "$out" | grep -q '\[4/4\].*\[FAILED\]' || fail "missing file not reported: $out"
echo "$out" | grep -q '^3/4 rewrites succeeded$' || fail "summary: $out"
cmp $P/dir/data /tmp/data.orig || fail "cleartext changed by rewrite-file"
[ "$(stat -c '%a %y' $P/dir/data | cut -c1-14)" = "640 2001-02-03" ] || fail "mode/time not kept: $(stat -c '%a %y' $P/dir/data)"
[ "$(readlink $P/link)" = dir/data ] || fail "symlink target changed"
lower_after=$($PRIVATE_BIN/ecryptfs-find $P/dir/data)
[ "$(stat -c %i "$lower_after")" != "$ino_before" ] || fail "the lower file was not rewritten"
[ "$(md5sum < "$lower_after")" != "$sum_before" ] || fail "the lower file bytes are unchanged"
ls $P/dir | grep -q XXXX && fail "temporary files left: $(ls -a $P/dir)"
as_user gina /sbin/umount.ecryptfs_private -f || fail "umount gina"
log "ecryptfs-rewrite-file: new lower file, same cleartext, mode and times"
check_dmesg
echo "PASS: private-tools with the $ECRYPTFS_TEST_MODULE kernel module on $ECRYPTFS_KVER"
