#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# An Ubuntu-style encrypted home made by the REFERENCE tools on the
# reference module (ecryptfs-setup-private: the mount passphrase
# wrapped with the login password, filename encryption) is read by its
# owner, an ordinary user, with no eCryptfs module loaded:
# ecryptfs-extract -w ~/.ecryptfs/wrapped-passphrase ~/.Private DIR with
# the login password on stdin, and ecryptfs-fuse through fusermount3.
. "$ECRYPTFS_SRC/tests/vm/lib.sh"
ECRYPTFS_TEST_MODULE=reference
. "$ECRYPTFS_SRC/tests/vm/lib-private.sh"
. "$ECRYPTFS_SRC/tests/offline/lib-tree.sh"

B=$ECRYPTFS_BUILD/bin
for t in ecryptfs-extract ecryptfs-fsck ecryptfs-fuse; do
	[ -x $B/$t ] || fail "$B/$t missing: build the userland first"
done
private_init
use_helper reference
add_user alice alicepw
out=$(as_user alice /usr/bin/ecryptfs-setup-private -l alicepw -m alicemount 2>&1) || fail "reference ecryptfs-setup-private: $out"
load_keys alice alicepw
as_user alice /sbin/mount.ecryptfs_private || fail "mount alice"
make_plain_tree /tmp/plain
chmod -R a+rX /tmp/plain
as_user alice cp -a /tmp/plain/. /home/alice/Private/ || fail "copy into ~/Private"
meta_list /home/alice/Private > /tmp/meta-module
as_user alice /sbin/umount.ecryptfs_private -f || fail "umount alice"
ls /home/alice/.Private | grep -q '^ECRYPTFS_FNEK_ENCRYPTED\.' || fail "the reference did not encrypt names"
as_user alice keyctl clear @u
unload_ecryptfs
log "alice's ~/Private written by the reference (${SECONDS}s)"

# The copy: as alice, the login password on stdin.
out=$(printf 'alicepw\n' | as_user alice $B/ecryptfs-extract -q -w /home/alice/.ecryptfs/wrapped-passphrase \
	/home/alice/.Private /tmp/alice-out 2>&1) || fail "extract as alice: $out"
diff -r --no-dereference /tmp/plain /tmp/alice-out || fail "the extracted home differs"
diff /tmp/meta-module <(meta_list /tmp/alice-out) || fail "modes, times or sizes differ from the module's view"
out=$(printf 'wrongpw\n' | as_user alice $B/ecryptfs-extract -q -w /home/alice/.ecryptfs/wrapped-passphrase \
	/home/alice/.Private /tmp/alice-wrong 2>&1) && fail "a wrong login password was accepted"
grep -q 'cannot unwrap' <<<"$out" || fail "wrong login password: $out"
out=$(printf 'alicepw\n' | as_user alice $B/ecryptfs-fsck --deep -w /home/alice/.ecryptfs/wrapped-passphrase \
	/home/alice/.Private 2>&1) || fail "fsck --deep as alice: $out"
log "ecryptfs-extract and ecryptfs-fsck as alice (${SECONDS}s)"

# The mount: as alice, through fusermount3.
modprobe fuse 2>/dev/null || true
[ -c /dev/fuse ] || fail "no /dev/fuse in the guest"
# The guest has no udev: give /dev/fuse the mode the udev rule gives it.
chmod 0666 /dev/fuse
ls -l "$(command -v fusermount3)" | grep -q '^-rws' || fail "fusermount3 is not setuid root here"
as_user alice mkdir /home/alice/Private-fuse
printf 'alicepw\n' | as_user alice $B/ecryptfs-fuse -w /home/alice/.ecryptfs/wrapped-passphrase \
	/home/alice/.Private /home/alice/Private-fuse || fail "ecryptfs-fuse as alice"
grep -q ' /home/alice/Private-fuse fuse.ecryptfs ro,' /proc/mounts || fail "no read-only FUSE mount: $(grep Private-fuse /proc/mounts)"
# Only alice may look into her FUSE mount (no allow_other), root neither.
as_user alice diff -r --no-dereference /tmp/plain /home/alice/Private-fuse || fail "the FUSE view differs"
diff /tmp/meta-module <(as_user alice bash -c ". $ECRYPTFS_SRC/tests/offline/lib-tree.sh; meta_list /home/alice/Private-fuse") ||
	fail "FUSE: modes, times or sizes differ"
ls /home/alice/Private-fuse >/dev/null 2>&1 && fail "root sees into alice's FUSE mount without allow_other"
as_user alice fusermount3 -u /home/alice/Private-fuse || fail "fusermount3 -u as alice"
grep -q Private-fuse /proc/mounts && fail "still mounted after fusermount3 -u"
log "ecryptfs-fuse as alice (${SECONDS}s)"
check_dmesg
echo "PASS: offline-private on $ECRYPTFS_KVER in ${SECONDS}s"
