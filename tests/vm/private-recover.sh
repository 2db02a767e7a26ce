#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Our ecryptfs-recover-private (root) recovers a user's private data with
# the login passphrase (through the wrapped file) and with the mount
# passphrase alone, read-only by default; our ecryptfs-verify accepts a
# valid setup and names what is wrong in a broken one.
# Kernel module: $ECRYPTFS_TEST_MODULE.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"

private_init
B=$PRIVATE_BIN
add_user erin erinpw
as_user erin ecryptfs-setup-private -l erinpw -m erinmount >/dev/null 2>&1 || fail "setup erin"
load_keys erin erinpw
as_user erin /sbin/mount.ecryptfs_private || fail "mount erin"
as_user erin sh -c 'echo erin-data > ~/Private/data.txt'
as_user erin /sbin/umount.ecryptfs_private -f || fail "umount erin"

# --- verify
out=$(as_user erin ecryptfs-verify -p -e 2>&1) || fail "ecryptfs-verify -p -e: $out"
echo "$out" | tail -n1 | grep -qx 'INFO: Configuration valid' || fail "verify: $out"
out=$(as_user erin ecryptfs-verify -n 2>&1) && fail "verify -n passed on an FNEK setup: $out"
echo "$out" | grep -q 'ERROR: Configuration invalid' || fail "verify -n: $out"
out=$(as_user erin ecryptfs-verify -h 2>&1) && fail "verify -h passed on a private setup"
out=$(as_user erin ecryptfs-verify 2>&1) && fail "verify without checks passed"
echo "$out" | grep -q 'ERROR: No checks given' || fail "verify: $out"
out=$($B/ecryptfs-verify -u erin -p 2>&1) || fail "verify -u erin as root: $out"
log "ecryptfs-verify"

# --- recover with the login passphrase (root; answers on stdin).
keyctl clear @u
out=$(printf 'y\ny\nerinpw\n' | $B/ecryptfs-recover-private /home/erin/.Private 2>&1) ||
	fail "recover with the login passphrase: $out"
dir=$(echo "$out" | sed -n 's/^INFO: Success!  Private data mounted at \[\(.*\)\]\.$/\1/p')
[ -n "$dir" ] || fail "no success line: $out"
[ "$(cat "$dir/data.txt")" = erin-data ] || fail "recovered data differs"
touch "$dir/new" 2>/dev/null && fail "recovered mount is writable without --rw"
umount "$dir"
log "recover-private with the login passphrase (read-only)"

# --- recover with the mount passphrase only (the wrapped file is gone), --rw.
keyctl clear @u
mv /home/erin/.ecryptfs/wrapped-passphrase /tmp/erin-wrapped
out=$(printf 'y\nerinmount\n' | $B/ecryptfs-recover-private --rw /home/erin/.Private 2>&1) ||
	fail "recover with the mount passphrase: $out"
dir=$(echo "$out" | sed -n 's/^INFO: Success!  Private data mounted at \[\(.*\)\]\.$/\1/p')
[ -n "$dir" ] || fail "no success line: $out"
[ "$(cat "$dir/data.txt")" = erin-data ] || fail "recovered data differs (mount passphrase)"
touch "$dir/new" || fail "--rw mount is not writable"
umount "$dir"
# A wrong mount passphrase does not mount.
keyctl clear @u
out=$(printf 'y\nwrong\n' | $B/ecryptfs-recover-private /home/erin/.Private 2>&1) || true
dir=$(echo "$out" | sed -n 's/^INFO: Success!  Private data mounted at \[\(.*\)\]\.$/\1/p')
if [ -n "$dir" ]; then
	cat "$dir/data.txt" 2>/dev/null | grep -q erin-data && fail "a wrong passphrase recovered the data"
	umount "$dir" 2>/dev/null || true
fi
# Not root: refused.
out=$(as_user erin ecryptfs-recover-private 2>&1) && fail "recover-private ran as a user"
echo "$out" | grep -q 'This program must be run as root.' || fail "recover as user: $out"
log "recover-private with the mount passphrase (--rw); wrong passphrase and non-root refused"

check_dmesg
echo "PASS: private-recover with the $ECRYPTFS_TEST_MODULE kernel module on $ECRYPTFS_KVER"
